//! Prometheus metrics, kept as atomics and rendered in the text exposition format.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Upper bounds (seconds) of the accepted → final latency histogram.
const BUCKETS: [f64; 12] = [
    0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0,
];

#[derive(Default)]
pub struct Histogram {
    counts: [AtomicU64; 12],
    count: AtomicU64,
    sum_ms: AtomicU64,
}

impl Histogram {
    pub fn observe_ms(&self, ms: u64) {
        let seconds = ms as f64 / 1000.0;
        for (bound, slot) in BUCKETS.iter().zip(&self.counts) {
            if seconds <= *bound {
                slot.fetch_add(1, Relaxed);
            }
        }
        self.count.fetch_add(1, Relaxed);
        self.sum_ms.fetch_add(ms, Relaxed);
    }

    fn render(&self, name: &str, help: &str, out: &mut String) {
        out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} histogram\n"));
        for (bound, slot) in BUCKETS.iter().zip(&self.counts) {
            out.push_str(&format!(
                "{name}_bucket{{le=\"{bound}\"}} {}\n",
                slot.load(Relaxed)
            ));
        }
        let count = self.count.load(Relaxed);
        out.push_str(&format!("{name}_bucket{{le=\"+Inf\"}} {count}\n"));
        out.push_str(&format!(
            "{name}_sum {}\n{name}_count {count}\n",
            self.sum_ms.load(Relaxed) as f64 / 1000.0
        ));
    }
}

macro_rules! counters {
    ($($name:ident: $help:literal),* $(,)?) => {
        #[derive(Default)]
        pub struct Counters { $(pub $name: AtomicU64,)* }

        impl Counters {
            fn render(&self, out: &mut String) {
                $(
                    let name = concat!("dynamis_verifier_", stringify!($name));
                    out.push_str(&format!(
                        "# HELP {name} {}\n# TYPE {name} counter\n{name} {}\n",
                        $help,
                        self.$name.load(Relaxed)
                    ));
                )*
            }
        }
    };
}

counters! {
    items_received_total: "Items accepted and stored (duplicates not counted).",
    items_duplicate_total: "Submitted items already stored.",
    items_verified_total: "Items verified into a batch.",
    items_rejected_total: "Items verified invalid.",
    items_final_total: "Items whose attestation became final.",
    items_failed_total: "Items of batches the chain refused for good (GET /items/{digest} names the reason; POST /admin/requeue puts them back).",
    items_pruned_total: "Items of finished batches dropped after their retention (retain.final_ms).",
    items_requeued_total: "Items of failed batches put back in the queue by an operator.",
    requests_refused_total: "Requests refused as bad input (4xx).",
    batches_total: "Batches closed.",
    cosign_given_total: "Co-signatures given to peers.",
    cosign_refused_total: "Co-signature requests refused (disagreement or bad request).",
    cosign_missing_total: "Co-signature rounds that did not reach the threshold.",
    attestations_submitted_total: "Attestations included on-chain.",
    attestations_final_total: "Own attestations finalised.",
    attestations_rejected_total: "Own attestations proven false or contested.",
    attestations_resent_total: "Stored submit transactions sent again after a restart or error, and included.",
    attestations_rebuilt_total: "Stored submit transactions whose nonce went to another: co-signed and submitted anew.",
    attestations_moved_total: "Own attestations whose recorded id no longer named the batch's root (a reorg or a replaced transaction): found under another id, or submitted again.",
    attestations_audited_total: "Other verifiers' attestations sampled.",
    challenges_won_total: "Challenges that proved fraud.",
    challenges_refused_total: "Challenges the contract refused.",
    chain_errors_total: "Chain calls that failed and were retried.",
    batch_errors_total: "Steps of one batch that failed and were retried later with backoff (other batches went on).",
    items_quarantined_total: "Queue entries that could not be read, taken out of the queue (see the log).",
    audits_withheld_total: "Fetches of another verifier's batch data that failed (withheld, unreachable, not the batch); retried with backoff.",
    data_requests_total: "Items requested on-chain (request_item) because a batch's data stayed withheld.",
    data_withheld_proven_total: "Unanswered data requests claimed: the attestation rejected, its co-signers slashed.",
    peer_auth_refused_total: "Peer requests refused: unsigned, stale, badly signed, or signed by a key no verifier registered.",
    requests_shed_total: "Requests turned away under load: 429 (queue too deep) or 503 (too many at once).",
    requests_timed_out_total: "Requests not answered within api.timeout_ms (408).",
    client_auth_refused_total: "Client requests refused: no or a wrong API token, or from outside loopback when none is configured.",
}

#[derive(Default)]
pub struct Metrics {
    pub c: Counters,
    pub queue_depth: AtomicU64,
    pub latency: Histogram,
    /// Answers refused per peer (by its configured URL): a co-signature that recovers to no
    /// registered key, to this verifier's own, to a signer already counted, or to an account
    /// other than the one the peer proved it is; a `/health` whose proof fails.
    pub peer_refusals: std::sync::Mutex<std::collections::BTreeMap<String, u64>>,
}

/// Adds `by` to a counter.
pub fn inc(counter: &AtomicU64, by: u64) {
    counter.fetch_add(by, Relaxed);
}

impl Metrics {
    /// Counts one refused answer of `peer`.
    pub fn refuse_peer(&self, peer: &str) {
        if let Ok(mut map) = self.peer_refusals.lock() {
            let n = map.entry(peer.to_string()).or_insert(0);
            *n = n.saturating_add(1);
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        self.c.render(&mut out);
        out.push_str(&format!(
            "# HELP dynamis_verifier_queue_depth Items accepted, not yet in a batch.\n\
             # TYPE dynamis_verifier_queue_depth gauge\ndynamis_verifier_queue_depth {}\n",
            self.queue_depth.load(Relaxed)
        ));
        out.push_str(
            "# HELP dynamis_verifier_peer_answers_refused_total Peer answers refused (bad, foreign or repeated co-signatures; failed identity proofs), by peer.\n\
             # TYPE dynamis_verifier_peer_answers_refused_total counter\n",
        );
        if let Ok(map) = self.peer_refusals.lock() {
            for (peer, n) in map.iter() {
                let label = peer.replace('\\', "\\\\").replace('"', "\\\"");
                out.push_str(&format!(
                    "dynamis_verifier_peer_answers_refused_total{{peer=\"{label}\"}} {n}\n"
                ));
            }
        }
        self.latency.render(
            "dynamis_verifier_accepted_to_final_seconds",
            "Time from an item's acceptance to its attestation's finality.",
            &mut out,
        );
        out
    }
}
