//! What verifiers and their clients send each other: the bodies of the API's requests and
//! answers (JSON, and SCALE for co-signing) and the bounded read of a peer's answer. One module
//! for the wire, so the API, the pipeline, the watcher and the clients share it without
//! importing each other.

use crate::{Attestation, InclusionProof};
use dynamis_deploy::hex::hexa;
use scale::{Decode, Encode};
use serde::{Deserialize, Serialize};

pub use dynamis_deploy::gateway::ApiError;

/// A response body, read up to `max` bytes (a peer cannot make this verifier hold more).
pub async fn read_bounded(mut response: reqwest::Response, max: usize) -> anyhow::Result<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        anyhow::ensure!(
            body.len().saturating_add(chunk.len()) <= max,
            "answer longer than {max} bytes"
        );
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Accepted {
    #[serde(with = "hexa")]
    pub digest: [u8; 32],
    /// Already stored before this request.
    pub duplicate: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BulkAccepted {
    pub accepted: usize,
    pub duplicates: usize,
    /// Every item's digest, in input order (the key of `GET /items/{digest}`).
    #[serde(with = "dynamis_deploy::hex::hex_list")]
    pub digests: Vec<[u8; 32]>,
}

/// An item's state and, once it is in a batch, its verdict and inclusion proof.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ItemStatus {
    #[serde(with = "hexa")]
    pub digest: [u8; 32],
    /// received, verified, sent, attested, final, rejected or failed.
    pub state: String,
    pub batch: Option<u64>,
    pub attestation: Option<u64>,
    pub valid: Option<bool>,
    pub proof: Option<InclusionProof>,
    /// Why its batch failed, when it did (`POST /admin/requeue` puts it back in the queue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditRequest {
    pub attestation: u64,
    #[serde(flatten)]
    pub data: BatchData,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    #[serde(with = "hexa")]
    pub account: [u8; 32],
    #[serde(with = "hexa")]
    pub key: [u8; 33],
    /// Bonded and registered on-chain (the driver has onboarded).
    pub registered: bool,
    pub queue: u64,
    /// With `?challenge=<32 bytes hex>`: the co-signing key's signature (hex) over the
    /// challenge and the account (`auth::health_digest`), proving this service holds the key
    /// registered for `account`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct HealthQuery {
    pub challenge: Option<String>,
}

/// What `POST /admin/requeue` did.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Requeued {
    pub batches: u64,
    pub items: u64,
}

/// What a leader asks a peer to co-sign, as SCALE (`application/octet-stream`: binary, so a
/// batch of `max_bytes` fits a peer's body limit): the attestation and the SCALE encodings of
/// the batch's items, in batch order.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct CosignRequest {
    pub attestation: Attestation,
    pub items: Vec<Vec<u8>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CosignResponse {
    #[serde(with = "hexa")]
    pub signature: [u8; 65],
    #[serde(with = "hexa")]
    pub verifier: [u8; 32],
}

/// A batch's data as its leader publishes it (`GET /batches/{root}`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BatchData {
    #[serde(with = "hexa")]
    pub root: [u8; 32],
    /// SCALE encodings of the items, in batch order.
    pub encoded: Vec<String>,
    /// The verdicts the batch claims, in order.
    pub valid: Vec<bool>,
}

/// What auditing an attestation found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditReport {
    pub attestation: u64,
    pub checked: usize,
    /// The first item marked valid that is not.
    pub fraud_at: Option<u64>,
    /// The challenge's outcome, if one was sent.
    pub challenge: Option<String>,
}
