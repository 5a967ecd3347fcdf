//! The main job against a real `substrate-contracts-node`: the suite deployed to the node,
//! three verifier services bonding, co-signing and attesting there, every acknowledged item
//! final, and the planted fraud proven on-chain. Skipped, saying so, without the node binary
//! (`scripts/setup --with-node`).

use dynamis_deploy::devnode::{self, DevNode};
use dynamis_verifier::demo::{self, Options};

#[tokio::test(flavor = "multi_thread")]
async fn the_main_job_runs_against_a_node() {
    let Some(binary) = devnode::binary() else {
        devnode::announce_skip("the_main_job_runs_against_a_node");
        return;
    };
    let dir = std::env::temp_dir().join(format!("dynamis-node-demo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let node = DevNode::start(&binary, &dir.join("node"))
        .await
        .expect("dev node");
    let opts = Options {
        items: 3_000,
        batch_items: 512,
        block_ms: 200,
        challenge_window: 10,
        dir: dir.join("demo"),
        url: Some(node.url.clone()),
        ..Options::default()
    };
    let report = demo::run(opts).await.expect("demo");
    assert!(report.accepted > 2_000, "{report:?}");
    assert_eq!(report.lost, 0, "{report:?}");
    assert_eq!(report.final_items, report.accepted, "{report:?}");
    // Every honest attestation final; the planted one rejected by verifier 1's challenge.
    assert_eq!(report.attestations_rejected, 1, "{report:?}");
    assert_eq!(report.attestations_pending, 0, "{report:?}");
    assert_eq!(
        report.attestations,
        report.attestations_final + 1,
        "{report:?}"
    );
    let audit = report.audit.clone().expect("audited");
    assert_eq!(audit.fraud_at, Some(17), "{audit:?}");
    assert!(
        audit
            .challenge
            .as_deref()
            .is_some_and(|c| c.contains("proven")),
        "{audit:?}"
    );
    // The two compromised signers' bonds each carry a pending slash.
    assert_eq!(report.slashes, 2, "{report:?}");
    assert!(
        report.valid_items < report.final_items,
        "forged items caught: {report:?}"
    );
}
