//! Crash points for the crash test: with `DYNAMIS_FAILPOINTS=<point>[,<point>…]` in its
//! environment the service aborts (no destructor, no flush: as SIGKILL) the first time it
//! reaches a named point. `skip-fsync` instead makes every store commit non-durable, the fault
//! the crash test must catch. Without the variable (every real deployment) nothing here acts.

use std::sync::OnceLock;

pub const ENV: &str = "DYNAMIS_FAILPOINTS";

/// The named points, in the order an item meets them.
pub const POINTS: [&str; 6] = [
    // The intake commit is durable; the 202 is not yet sent.
    "intake-stored",
    // A batch is committed; nothing is co-signed yet.
    "batch-committed",
    // The leader has peers' co-signatures and has not stored a transaction.
    "cosigned",
    // The signed submit transaction is stored and not sent.
    "submit-stored",
    // The transaction is included; the store does not know it yet.
    "submit-included",
    // A peer stored that it co-signed and has not answered.
    "cosign-given",
];

fn armed() -> &'static [String] {
    static ARMED: OnceLock<Vec<String>> = OnceLock::new();
    ARMED.get_or_init(|| {
        std::env::var(ENV)
            .map(|v| v.split(',').map(|p| p.trim().to_string()).collect())
            .unwrap_or_default()
    })
}

/// Aborts the process here if `point` is armed.
pub fn hit(point: &str) {
    if armed().iter().any(|p| p == point) {
        eprintln!("failpoint {point}: aborting");
        std::process::abort();
    }
}

/// Whether store commits skip their fsync (the injected fault).
pub fn skip_fsync() -> bool {
    armed().iter().any(|p| p == "skip-fsync")
}
