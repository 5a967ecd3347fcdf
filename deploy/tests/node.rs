//! The deployment path and signed transactions on a real `substrate-contracts-node`. Each test
//! starts its own dev node (free ports, its own base path) and is skipped, saying so, when
//! the binary is not installed (`scripts/setup --with-node`).

mod common;

use dynamis_deploy::{
    backend::{Backend, Node},
    calls::{self, call_data},
    deploy_to_node,
    devnode::{self, DevNode},
    gateway::ClientError,
    link::{Link, Signed},
    suite,
    tx::{account_of, signer, Receipt},
    Plan,
};
use dynamis_shared::{PSP22Error, ReputationError};

async fn dev_node(test: &str) -> Option<DevNode> {
    let Some(binary) = devnode::binary() else {
        devnode::announce_skip(test);
        return None;
    };
    let base = std::env::temp_dir().join(format!("dynamis-node-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    Some(DevNode::start(&binary, &base).await.expect("dev node"))
}

async fn balance_of(link: &Link, token: [u8; 32], who: [u8; 32]) -> u128 {
    let data = call_data(calls::token::BALANCE_OF, calls::account(who));
    decoded(link.query(who, token, data).await)
}

fn decoded(raw: Result<Vec<u8>, ClientError>) -> u128 {
    calls::decode::<u128>(&raw.expect("query")).expect("balance")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_suite_deploys_to_a_node_wired_and_locked() {
    let Some(node) = dev_node("deploy").await else {
        return;
    };
    let alice = signer("//Alice").expect("dev key");
    let mut plan = Plan::dev(&alice);
    plan.attestations.challenge_window_blocks = 42;
    let manifest = deploy_to_node(&node.url, &alice, &plan)
        .await
        .expect("deployed");
    assert_eq!(manifest.chain.kind, "node");
    assert_eq!(manifest.chain.url.as_deref(), Some(node.url.as_str()));
    // The same checks as on the sandbox, read from the node.
    let url = node.url.clone();
    let first = manifest.clone();
    tokio::task::spawn_blocking(move || {
        let mut backend = Node::new(&url, account_of(&alice), tokio::runtime::Handle::current());
        common::assert_deployed(&mut backend, &first, &plan, &alice);
    })
    .await
    .expect("checks");
    // Deploying again gives a second, separate suite (a fresh salt), not a collision.
    let alice = signer("//Alice").expect("dev key");
    let again = deploy_to_node(&node.url, &alice, &Plan::dev(&alice))
        .await
        .expect("deployed again");
    for (name, contract) in &again.contracts {
        assert_ne!(contract.address, manifest.contracts[name].address, "{name}");
        assert_eq!(
            contract.code_hash, manifest.contracts[name].code_hash,
            "{name}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stored_transaction_is_included_once_and_found_again_after_a_node_restart() {
    let Some(mut node) = dev_node("exactly-once").await else {
        return;
    };
    let alice = signer("//Alice").expect("dev key");
    let bob_pair = signer("//Bob").expect("dev key");
    let (me, bob) = (account_of(&alice), account_of(&bob_pair));
    let manifest = deploy_to_node(&node.url, &alice, &Plan::dev(&alice))
        .await
        .expect("deployed");
    let token = manifest.address("dyn_token").expect("token");
    let link = Link::new(&node.url);

    // Signed and stored, not sent: not on chain.
    let nonce = link.nonce(me).await.expect("nonce");
    let transfer = |amount: u128| {
        call_data(
            calls::token::TRANSFER,
            (calls::account(bob), amount, Vec::<u8>::new()),
        )
    };
    let tx = link
        .sign(&alice, nonce, token, transfer(7))
        .await
        .expect("signed");
    assert!(matches!(tx, Signed::Node(_)));
    assert_eq!(link.receipt(&tx).await.expect("lookup"), None);
    assert_eq!(balance_of(&link, token, bob).await, 0);

    let first = link.send(&tx).await.expect("included");
    assert!(
        !first.reverted && first.dispatch_error.is_none(),
        "{first:?}"
    );
    assert_eq!(first.hash, tx.hash());
    assert_eq!(
        calls::decode::<Result<(), PSP22Error>>(&first.data).expect("decodes"),
        Ok(())
    );
    assert_eq!(first.events.len(), 1, "one Transfer event: {first:?}");
    assert_eq!(first.events[0].contract, token);
    assert_eq!(balance_of(&link, token, bob).await, 7);

    // Sent again (as after a crash): the same receipt, not a second transfer.
    assert_eq!(link.send(&tx).await.expect("answered"), first);
    assert_eq!(balance_of(&link, token, bob).await, 7);
    assert_eq!(link.nonce(me).await.expect("nonce"), nonce + 1);

    // The node restarts on its chain: the receipt is found by the stored transaction alone.
    node.restart().await.expect("restarted");
    let link = Link::new(&node.url);
    assert_eq!(
        link.receipt(&tx).await.expect("lookup"),
        Some(first.clone())
    );
    assert_eq!(link.send(&tx).await.expect("answered"), first);
    assert_eq!(balance_of(&link, token, bob).await, 7);

    // Another transaction with the used nonce is refused, and never found.
    let other = link
        .sign(&alice, nonce, token, transfer(1))
        .await
        .expect("signed");
    match link.send(&other).await {
        Err(ClientError::Refused { status: 409, error }) => {
            assert!(error.contains("1010") || error.contains("nonce"), "{error}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(link.receipt(&other).await.expect("lookup"), None);

    // A message that returns an error: included, reverted, its error in the receipt.
    let url = node.url.clone();
    let overdraw = tokio::task::spawn_blocking(move || {
        let mut backend = Node::new(&url, bob, tokio::runtime::Handle::current());
        backend
            .fund(&alice, bob, 1_000_000_000_000)
            .expect("funded");
        let data = call_data(
            calls::token::TRANSFER,
            (calls::account(me), 8u128, Vec::<u8>::new()),
        );
        backend.call(&bob_pair, token, data).expect("included")
    })
    .await
    .expect("overdraw");
    assert!(overdraw.reverted, "{overdraw:?}");
    assert!(overdraw.events.is_empty());
    assert_eq!(
        calls::decode::<Result<(), PSP22Error>>(&overdraw.data).expect("decodes"),
        Err(PSP22Error::InsufficientBalance)
    );
    assert_eq!(balance_of(&link, token, bob).await, 7);
}

/// Sends `tx`, whose nonce is ahead of its signer's, from a task of its own: it waits in the
/// pool until the transaction with the nonce before it arrives, which makes both ready at once,
/// and the dev node seals them into one block.
async fn send_ahead(
    url: &str,
    tx: Signed,
) -> tokio::task::JoinHandle<Result<Receipt, ClientError>> {
    let link = Link::new(url);
    let sent = tokio::spawn(async move { link.send(&tx).await });
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    sent
}

#[tokio::test(flavor = "multi_thread")]
async fn a_call_sealed_after_another_in_its_block_says_its_return_data_is_unknown() {
    let Some(node) = dev_node("same-block").await else {
        return;
    };
    let alice = signer("//Alice").expect("dev key");
    let me = account_of(&alice);
    let bob = account_of(&signer("//Bob").expect("dev key"));
    // A reputation registry of its own with Alice as a writer: `record_success` returns the
    // new score, which depends on every success recorded before it.
    let url = node.url.clone();
    let admin = alice.clone();
    let registry = tokio::task::spawn_blocking(move || {
        let mut backend = Node::new(&url, me, tokio::runtime::Handle::current());
        let mut plan = Plan::dev(&admin);
        plan.salt = b"same-block".to_vec();
        let constructor = call_data(calls::reputation::WITH_DEFAULTS, calls::account(me));
        let registry = suite::instantiate(&mut backend, &admin, &plan, "reputation", constructor)
            .expect("uploaded and instantiated")
            .address;
        let added = backend
            .call(
                &admin,
                registry,
                call_data(calls::reputation::ADD_WRITER, calls::account(me)),
            )
            .expect("included");
        assert_eq!(added.value::<Result<(), ReputationError>>(), Ok(Ok(())));
        registry
    })
    .await
    .expect("registry");

    let link = Link::new(&node.url);
    let nonce = link.nonce(me).await.expect("nonce");
    let raise = call_data(
        calls::reputation::RECORD_SUCCESS,
        (calls::account(bob), 1_000u32),
    );
    let first = link
        .sign(&alice, nonce, registry, raise.clone())
        .await
        .expect("signed");
    let second = link
        .sign(&alice, nonce + 1, registry, raise.clone())
        .await
        .expect("signed");
    let early = send_ahead(&node.url, second).await;
    let r1 = link.send(&first).await.expect("first included");
    let r2 = early.await.expect("joined").expect("second included");
    assert_eq!(r1.block, r2.block, "{r1:?} {r2:?}");

    // Nothing ran before the first: its replay is exact.
    assert_eq!(r1.unknown, None);
    assert_eq!(r1.value::<Result<u32, ReputationError>>(), Ok(Ok(1_000)));
    // Replayed at the parent, the second would return 1,000 as well; the chain made it 2,000.
    // Its receipt says it succeeded and that its value is unknown, rather than a wrong value.
    assert!(!r2.reverted && r2.dispatch_error.is_none(), "{r2:?}");
    assert!(
        r2.unknown
            .as_deref()
            .is_some_and(|why| why.contains("1 other transaction")),
        "{r2:?}"
    );
    assert!(r2.value::<Result<u32, ReputationError>>().is_err());
    assert_eq!(r2.events.len(), 1, "its ScoreRaised event: {r2:?}");
    let score = link
        .query(
            me,
            registry,
            call_data(calls::reputation::SCORE, calls::account(bob)),
        )
        .await
        .expect("score");
    assert_eq!(calls::decode::<u32>(&score).expect("decodes"), 2_000);

    // A `System::remark` before a call touches no contract: the call's replay stays exact.
    let third = link
        .sign(&alice, nonce + 3, registry, raise)
        .await
        .expect("signed");
    let early = send_ahead(&node.url, third).await;
    let client = dynamis_deploy::substrate::NodeClient::new(&node.url);
    let remarked = client.remark(&alice).await.expect("remark with nonce + 2");
    let r3 = early.await.expect("joined").expect("third included");
    assert_eq!(r3.block, remarked, "{r3:?}");
    assert_eq!(r3.unknown, None, "{r3:?}");
    assert_eq!(r3.value::<Result<u32, ReputationError>>(), Ok(Ok(3_000)));
}

/// DYN balance of `who` read at the finalized head.
async fn final_balance_of(link: &Link, token: [u8; 32], who: [u8; 32]) -> u128 {
    let data = call_data(calls::token::BALANCE_OF, calls::account(who));
    decoded(link.query_finalized(who, token, data).await)
}

#[tokio::test(flavor = "multi_thread")]
async fn finalized_reads_see_a_transfer_only_once_its_block_is_final() {
    let Some(node) = dev_node("finalized").await else {
        return;
    };
    let alice = signer("//Alice").expect("dev key");
    let bob = account_of(&signer("//Bob").expect("dev key"));
    let manifest = deploy_to_node(&node.url, &alice, &Plan::dev(&alice))
        .await
        .expect("deployed");
    let token = manifest.address("dyn_token").expect("token");
    let link = Link::new(&node.url);
    // The deployment itself final first (before that, the token is no contract at the
    // finalized head).
    let deployed = link.block().await.expect("best");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while link.finalized_block().await.expect("finalized") < deployed {
        assert!(std::time::Instant::now() < deadline, "deployment never finalized");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(final_balance_of(&link, token, bob).await, 0);
    let nonce = link.nonce(account_of(&alice)).await.expect("nonce");
    let data = call_data(
        calls::token::TRANSFER,
        (calls::account(bob), 11u128, Vec::<u8>::new()),
    );
    let tx = link.sign(&alice, nonce, token, data).await.expect("signed");
    let receipt = link.send(&tx).await.expect("included");
    // At the best block the transfer is there at once.
    assert_eq!(balance_of(&link, token, bob).await, 11);
    // The finalized head never runs ahead of the best block, and a finalized read shows the
    // transfer only once the head has reached its block (read after it: never behind it).
    loop {
        let seen = final_balance_of(&link, token, bob).await;
        let final_head = link.finalized_block().await.expect("finalized");
        assert!(final_head <= link.block().await.expect("best"));
        assert!(seen == 0 || seen == 11, "{seen}");
        if seen == 11 {
            assert!(
                final_head >= receipt.block,
                "{final_head} < {}",
                receipt.block
            );
            break;
        }
        assert!(std::time::Instant::now() < deadline, "never finalized");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_funds_a_new_account_with_native_currency_on_a_node() {
    let Some(node) = dev_node("fund").await else {
        return;
    };
    let alice = signer("//Alice").expect("dev key");
    let manifest = deploy_to_node(&node.url, &alice, &Plan::dev(&alice))
        .await
        .expect("deployed");
    let dir = std::env::temp_dir().join(format!("dynamis-node-fund-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("deployment.json");
    manifest.save(&path).expect("manifest");
    let fresh = account_of(&signer("//DynamisFresh").expect("key"));
    let fresh_hex = dynamis_deploy::hex::encode(fresh);
    let cli = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_dynamis-deploy"))
            .args(args)
            .args(["--manifest", &path.display().to_string()])
            .env("DYNAMIS_SURI", "//Alice")
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let before = cli(&["native-balance", &fresh_hex]);
    assert_eq!(before, format!("0x{fresh_hex} has 0 native units"));
    let amount: u128 = 5_000_000_000_000;
    let funded = cli(&["fund", &fresh_hex, "--amount", &amount.to_string()]);
    assert_eq!(funded, format!("0x{fresh_hex} has {amount} native units"));
    std::fs::remove_dir_all(&dir).ok();
}
