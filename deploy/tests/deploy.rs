//! The deployment path on the sandbox: everything instantiated, wired and locked as the
//! manifest says; the gateway including each signed transaction exactly once.

use dynamis_deploy::{
    backend::Sandbox,
    calls::{self, call_data},
    deploy_suite,
    gateway::{Client, ClientError},
    launch_sandbox,
    tx::{account_of, signer, Tx},
    Error, Plan, SandboxNode,
};
use std::time::Duration;

mod common;

#[test]
fn the_suite_is_deployed_wired_locked_and_described_by_its_manifest() {
    let alice = signer("//Alice").expect("dev key");
    let mut backend = Sandbox {
        node: SandboxNode::start(Duration::ZERO),
        url: None,
    };
    let mut plan = Plan::dev(&alice);
    plan.attestations.challenge_window_blocks = 42;
    // Each role its own account, as `dynamis-deploy --genesis --council --resolver` gives
    // them: the deployer keeps none of them.
    let role = |suri| account_of(&signer(suri).expect("dev key"));
    (plan.genesis, plan.council, plan.resolver) =
        (role("//Bob"), role("//Charlie"), role("//Dave"));
    plan.founders = vec![role("//Eve")];
    let manifest = deploy_suite(&mut backend, &alice, &plan).expect("deployed");
    assert_eq!(manifest.chain.kind, "sandbox");
    let roles = &manifest.roles;
    assert_eq!(
        [roles.genesis, roles.council, roles.resolver],
        [plan.genesis, plan.council, plan.resolver]
    );
    assert!(![roles.genesis, roles.council, roles.resolver].contains(&account_of(&alice)));
    assert_eq!(Some(roles.governance), manifest.address("governance").ok());
    assert_eq!(roles.founders, plan.founders);
    common::assert_deployed(&mut backend, &manifest, &plan, &alice);
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
            // Governance is deployed first.
            assert!(path.contains("governance.wasm"), "{path}");
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
