//! Prometheus metrics with `prometheus-client`: counters, the queue's depth, per-peer refusals
//! and the accepted → final latency, exposed in the OpenMetrics text format.

use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

/// Upper bounds (seconds) of the accepted → final latency histogram.
const BUCKETS: [f64; 12] = [
    0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0,
];

macro_rules! counters {
    ($($name:ident: $help:literal),* $(,)?) => {
        #[derive(Default)]
        pub struct Counters { $(pub $name: Counter,)* }

        impl Counters {
            /// Registers each counter under its name (the `_total` suffix is the format's).
            fn register(&self, registry: &mut Registry) {
                $(
                    registry.register(
                        stringify!($name).trim_end_matches("_total"),
                        $help,
                        self.$name.clone(),
                    );
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
    cosign_asked_total: "Co-signature requests sent to peers (only as many as the threshold needs, and hedges).",
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

/// A peer, by its configured URL.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PeerLabel {
    pub peer: String,
}

pub struct Metrics {
    pub c: Counters,
    /// Items accepted, not yet in a batch.
    pub queue_depth: Gauge,
    /// Seconds from an item's acceptance to its attestation's finality.
    pub latency: Histogram,
    /// Answers refused per peer: a co-signature that recovers to no registered key, to this
    /// verifier's own, to a signer already counted, or to an account other than the one the
    /// peer proved it is; a `/health` whose proof fails.
    pub peer_refusals: Family<PeerLabel, Counter>,
    registry: Registry,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("dynamis_verifier");
        let c = Counters::default();
        c.register(&mut registry);
        let queue_depth = Gauge::default();
        registry.register(
            "queue_depth",
            "Items accepted, not yet in a batch.",
            queue_depth.clone(),
        );
        let latency = Histogram::new(BUCKETS.into_iter());
        registry.register(
            "accepted_to_final_seconds",
            "Time from an item's acceptance to its attestation's finality.",
            latency.clone(),
        );
        let peer_refusals = Family::<PeerLabel, Counter>::default();
        registry.register(
            "peer_answers_refused",
            "Peer answers refused (bad, foreign or repeated co-signatures; failed identity proofs), by peer.",
            peer_refusals.clone(),
        );
        Self {
            c,
            queue_depth,
            latency,
            peer_refusals,
            registry,
        }
    }
}

/// Adds `by` to a counter.
pub fn inc(counter: &Counter, by: u64) {
    counter.inc_by(by);
}

/// A count as the gauge holds it.
pub fn gauge_value(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Metrics {
    /// Counts one refused answer of `peer`.
    pub fn refuse_peer(&self, peer: &str) {
        self.peer_refusals
            .get_or_create(&PeerLabel {
                peer: peer.to_string(),
            })
            .inc();
    }

    /// Records one item's accepted → final time.
    pub fn observe_ms(&self, ms: u64) {
        self.latency.observe(ms as f64 / 1000.0);
    }

    /// The OpenMetrics text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::error!("encoding the metrics: {e}");
        }
        out
    }
}
