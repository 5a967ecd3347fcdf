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
    tx::{account_of, signer},
    Plan,
};
use dynamis_shared::PSP22Error;

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
    let raw = link.query(who, token, data).await.expect("query");
    calls::decode::<u128>(&raw).expect("balance")
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
