//! The deployment path on the sandbox: everything instantiated, wired and locked as the
//! manifest says; the gateway including each signed transaction exactly once.

use dyn_token::MinterState;
use dynamis_deploy::{
    backend::{Backend, Sandbox},
    calls::{self, call_data},
    deploy_suite,
    gateway::{Client, ClientError},
    launch_sandbox,
    suite::CONTRACTS,
    tx::{account_of, signer, Tx},
    Error, Manifest, Plan, SandboxNode,
};
use dynamis_shared::{wiring::Wiring, ReputationError};
use scale::Decode;
use std::time::Duration;

fn query<R: Decode>(
    b: &mut Sandbox,
    contract: [u8; 32],
    selector: [u8; 4],
    args: impl scale::Encode,
) -> R {
    let raw = b.query(contract, call_data(selector, args)).expect("query");
    calls::decode(&raw).expect("decodes")
}

#[test]
fn the_suite_is_deployed_wired_locked_and_described_by_its_manifest() {
    let alice = signer("//Alice").expect("dev key");
    let mut backend = Sandbox {
        node: SandboxNode::start(Duration::ZERO),
        url: None,
    };
    let mut plan = Plan::dev(&alice);
    plan.attestations.challenge_window_blocks = 42;
    let manifest = deploy_suite(&mut backend, &alice, &plan).expect("deployed");

    let names: Vec<&str> = manifest.contracts.keys().map(String::as_str).collect();
    let mut expected = CONTRACTS.to_vec();
    expected.sort_unstable();
    assert_eq!(names, expected);
    assert_eq!(manifest.chain.kind, "sandbox");
    assert_eq!(manifest.attestation_params.challenge_window_blocks, 42);
    assert_eq!(manifest.roles.admin, account_of(&alice));
    let token = manifest.address("dyn_token").expect("token");
    let reputation = manifest.address("reputation").expect("reputation");
    let bonding = manifest.address("bonding").expect("bonding");
    let attestations = manifest.address("attestations").expect("attestations");

    // The token's minter is locked to nobody (until mint-credits exists).
    let minter: MinterState = query(&mut backend, token, calls::token::MINTER_STATE, ());
    assert_eq!((minter.admin, minter.minter), (None, None));
    // Reputation writers and bonding reporters are wired, and both wirings are locked.
    for writer in [bonding, attestations] {
        let is: bool = query(
            &mut backend,
            reputation,
            calls::reputation::IS_WRITER,
            calls::account(writer),
        );
        assert!(is);
    }
    let is: bool = query(
        &mut backend,
        bonding,
        calls::bonding::IS_REPORTER,
        calls::account(attestations),
    );
    assert!(is);
    for contract in [reputation, bonding] {
        let wiring: Wiring = query(&mut backend, contract, calls::reputation::WIRING, ());
        assert!(wiring.is_locked());
    }
    // So the admin can no longer add a writer.
    let receipt = backend
        .call(
            &alice,
            reputation,
            call_data(calls::reputation::ADD_WRITER, calls::account([9; 32])),
        )
        .expect("included");
    let refused: Result<(), ReputationError> = calls::decode(&receipt.data).expect("decodes");
    assert!(refused.is_err());
    // The code hashes are those of the built artifacts.
    for (name, contract) in &manifest.contracts {
        let wasm = std::fs::read(plan.artifacts.join(name).join(format!("{name}.wasm")))
            .expect("artifact");
        assert_eq!(
            contract.code_hash,
            sp_core::hashing::blake2_256(&wasm),
            "{name}"
        );
    }
    assert_eq!(manifest.wiring.len(), 6, "{:?}", manifest.wiring);

    let path = std::env::temp_dir().join(format!("dynamis-manifest-{}.json", std::process::id()));
    manifest.save(&path).expect("saved");
    assert_eq!(Manifest::load(&path).expect("loaded"), manifest);
    let _ = std::fs::remove_file(path);
}

#[test]
fn a_missing_artifact_is_named_with_the_command_that_builds_it() {
    let alice = signer("//Alice").expect("dev key");
    let mut backend = Sandbox {
        node: SandboxNode::start(Duration::ZERO),
        url: None,
    };
    let mut plan = Plan::dev(&alice);
    plan.artifacts = "/nonexistent/ink".into();
    match deploy_suite(&mut backend, &alice, &plan) {
        Err(Error::Artifact { path, why }) => {
            assert!(path.contains("dyn_token.wasm"), "{path}");
            assert!(why.contains("scripts/setup"), "{why}");
        }
        other => panic!(
            "expected a missing artifact, got {:?}",
            other.map(|m| m.block)
        ),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_gateway_includes_each_signed_transaction_exactly_once() {
    let alice = signer("//Alice").expect("dev key");
    let bob = account_of(&signer("//Bob").expect("dev key"));
    let launched = launch_sandbox("127.0.0.1:0", Duration::ZERO, &alice, &Plan::dev(&alice))
        .await
        .expect("launched");
    let token = launched.manifest.address("dyn_token").expect("token");
    let client = Client::new(&launched.url);
    let me = account_of(&alice);
    let balance = |who: [u8; 32]| {
        let client = client.clone();
        async move {
            let raw = client
                .query(
                    token,
                    call_data(calls::token::BALANCE_OF, calls::account(who)),
                )
                .await
                .expect("query");
            calls::decode::<u128>(&raw).expect("balance")
        }
    };
    let nonce = client.nonce(me).await.expect("nonce");
    let transfer = call_data(
        calls::token::TRANSFER,
        (calls::account(bob), 7u128, Vec::<u8>::new()),
    );
    let tx = Tx {
        signer: me,
        nonce,
        contract: token,
        data: transfer.clone(),
    }
    .sign(&alice);
    let first = client.send(&tx).await.expect("included");
    assert!(!first.reverted);
    assert_eq!(balance(bob).await, 7);
    // Sent again (as after a crash): the same receipt, not a second transfer.
    let again = client.send(&tx).await.expect("answered");
    assert_eq!(again, first);
    assert_eq!(balance(bob).await, 7);
    assert_eq!(
        client.receipt(tx.hash()).await.expect("receipt"),
        Some(first)
    );
    assert_eq!(client.nonce(me).await.expect("nonce"), nonce + 1);
    // Another transaction with the used nonce, or a future one, is refused.
    for n in [nonce, nonce + 5] {
        let other = Tx {
            signer: me,
            nonce: n,
            contract: token,
            data: call_data(
                calls::token::TRANSFER,
                (calls::account(bob), 1u128, Vec::<u8>::new()),
            ),
        }
        .sign(&alice);
        match client.send(&other).await {
            Err(ClientError::Refused { status: 409, error }) => {
                assert!(error.contains("nonce"), "{error}")
            }
            other => panic!("nonce {n}: expected 409, got {other:?}"),
        }
        assert_eq!(client.receipt(other.hash()).await.expect("receipt"), None);
    }
    // A signature by someone else.
    let mut forged = Tx {
        signer: me,
        nonce: nonce + 1,
        contract: token,
        data: transfer,
    }
    .sign(&alice);
    forged.signature = Tx {
        signer: me,
        nonce: nonce + 1,
        contract: token,
        data: vec![0],
    }
    .sign(&alice)
    .signature;
    match client.send(&forged).await {
        Err(ClientError::Refused { status: 400, error }) => {
            assert!(error.contains("signature"), "{error}")
        }
        other => panic!("expected 400, got {other:?}"),
    }
    assert_eq!(balance(bob).await, 7);
    assert_eq!(balance(me).await, dyn_token::GENESIS_SUPPLY - 7);
    launched.server.abort();
}
