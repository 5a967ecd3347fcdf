//! The HTTP API: item intake (single and bulk), item status with inclusion proofs, batch data
//! for auditors, co-signing for leaders, audits, health, statistics and Prometheus metrics.
//!
//! Bad input is refused with a 4xx and a JSON `{"error": …}` naming what is wrong, before
//! anything is stored: a bulk submission is stored whole or not at all.

use super::{
    metrics::inc,
    now_ms,
    pipeline::{CosignRequest, CosignResponse},
    store::{BatchState, CoSigned, Stats},
    watch::{audit, AuditError, BatchData},
    Service,
};
use crate::{
    attest,
    crypto::Native,
    input::{decode_item, parse_json, read_jsonl, read_scale, RecordError},
    Batch, Item, Verdict,
};
use axum::{
    body::Bytes,
    extract::{
        rejection::{BytesRejection, JsonRejection, PathRejection},
        DefaultBodyLimit, Path, State,
    },
    http::{header::CONTENT_TYPE, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use dynamis_deploy::hex::{self, hexa};
use dynamis_proofs::item_digest;
use scale::Encode;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

type Shared = State<Arc<Service>>;

/// The body of every refusal: `{"error": …}` (the gateway's shape).
pub use dynamis_deploy::gateway::ApiError;

fn refuse(s: &Service, status: StatusCode, error: impl ToString) -> Response {
    if status.is_client_error() {
        inc(&s.metrics.c.requests_refused_total, 1);
    }
    dynamis_deploy::gateway::refusal(status, error)
}

/// An extractor's value, or axum's own refusal (a body over the limit, JSON that does not
/// parse, a bad path) returned as the service's JSON error and counted like every other.
macro_rules! extracted {
    ($s:expr, $x:expr) => {
        match $x {
            Ok(value) => value,
            Err(rejection) => return refuse(&$s, rejection.status(), rejection.body_text()),
        }
    };
}

fn internal(s: &Service, e: impl std::fmt::Display) -> Response {
    tracing::error!("request failed: {e}");
    refuse(s, StatusCode::INTERNAL_SERVER_ERROR, e)
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

/// Stores items in one commit; the HTTP answer is only given after it is durable.
async fn store_items(
    s: &Arc<Service>,
    items: Vec<Item>,
) -> Result<Vec<([u8; 32], bool)>, Response> {
    let keyed: Vec<([u8; 32], Vec<u8>)> = items
        .iter()
        .map(|item| (item_digest::<Native>(item), item.encode()))
        .collect();
    let service = s.clone();
    let stored = tokio::task::spawn_blocking(move || {
        let fresh = service.store.accept(&keyed, now_ms())?;
        Ok::<_, super::store::StoreError>(keyed.into_iter().map(|(d, _)| d).zip(fresh).collect())
    })
    .await;
    match stored {
        Ok(Ok(done)) => {
            let done: Vec<([u8; 32], bool)> = done;
            let new = done.iter().filter(|(_, fresh)| *fresh).count() as u64;
            inc(&s.metrics.c.items_received_total, new);
            inc(&s.metrics.c.items_duplicate_total, done.len() as u64 - new);
            s.intake.notify_one();
            Ok(done)
        }
        Ok(Err(e)) => Err(internal(s, e)),
        Err(e) => Err(internal(s, e)),
    }
}

/// `POST /items`: one item as a JSON object.
async fn post_item(State(s): Shared, body: Result<Bytes, BytesRejection>) -> Response {
    let body = extracted!(s, body);
    let Ok(text) = std::str::from_utf8(&body) else {
        return refuse(&s, StatusCode::BAD_REQUEST, "body is not UTF-8 JSON");
    };
    let item = match parse_json(text.trim()) {
        Ok(item) => item,
        Err(reason) => return refuse(&s, StatusCode::BAD_REQUEST, format!("bad item: {reason}")),
    };
    match store_items(&s, vec![item]).await {
        Ok(done) => {
            let (digest, fresh) = done.first().copied().unwrap_or(([0; 32], false));
            (
                StatusCode::ACCEPTED,
                Json(Accepted {
                    digest,
                    duplicate: !fresh,
                }),
            )
                .into_response()
        }
        Err(r) => r,
    }
}

fn describe(errors: &[RecordError]) -> String {
    let shown: Vec<String> = errors.iter().take(10).map(|e| e.to_string()).collect();
    let more = errors.len().saturating_sub(shown.len());
    let tail = if more > 0 {
        format!("; and {more} more")
    } else {
        String::new()
    };
    format!(
        "{} malformed record(s), nothing stored: {}{tail}",
        errors.len(),
        shown.join("; ")
    )
}

/// `POST /items/bulk`: JSON lines, or a SCALE item file with `Content-Type:
/// application/octet-stream`. All or nothing.
async fn post_bulk(
    State(s): Shared,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = extracted!(s, body);
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/x-ndjson");
    let read = if content_type.starts_with("application/octet-stream") {
        read_scale(&body)
    } else {
        read_jsonl(&body[..])
    };
    let read = match read {
        Ok(read) => read,
        Err(e) => return refuse(&s, StatusCode::BAD_REQUEST, format!("{e}; nothing stored")),
    };
    if !read.errors.is_empty() {
        return refuse(&s, StatusCode::BAD_REQUEST, describe(&read.errors));
    }
    if read.items.is_empty() {
        return refuse(&s, StatusCode::BAD_REQUEST, "no items in the body");
    }
    let max = s.config.api.max_bulk_items;
    if read.items.len() > max {
        return refuse(
            &s,
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("{} items; at most {max} per request", read.items.len()),
        );
    }
    match store_items(&s, read.items).await {
        Ok(done) => {
            let duplicates = done.iter().filter(|(_, fresh)| !fresh).count();
            (
                StatusCode::ACCEPTED,
                Json(BulkAccepted {
                    accepted: done.len() - duplicates,
                    duplicates,
                    digests: done.into_iter().map(|(d, _)| d).collect(),
                }),
            )
                .into_response()
        }
        Err(r) => r,
    }
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
    pub proof: Option<crate::InclusionProof>,
}

fn parse_digest(s: &Service, text: &str) -> Result<[u8; 32], Response> {
    hex::decode_array::<32>(text).map_err(|e| refuse(s, StatusCode::BAD_REQUEST, e))
}

/// `GET /items/{digest}`.
async fn get_item(State(s): Shared, digest: Result<Path<String>, PathRejection>) -> Response {
    let Path(digest) = extracted!(s, digest);
    let digest = match parse_digest(&s, &digest) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let service = s.clone();
    let found = tokio::task::spawn_blocking(move || -> anyhow::Result<Option<ItemStatus>> {
        let s = service;
        if s.store.item(&digest)?.is_none() {
            return Ok(None);
        }
        let Some((batch, index)) = s.store.place(&digest)? else {
            return Ok(Some(ItemStatus {
                digest,
                state: "received".into(),
                batch: None,
                attestation: None,
                valid: None,
                proof: None,
            }));
        };
        let row = s
            .store
            .batch(batch)?
            .ok_or_else(|| anyhow::anyhow!("batch {batch} missing"))?;
        let items = s
            .store
            .batch_items(batch)?
            .ok_or_else(|| anyhow::anyhow!("items of batch {batch} missing"))?;
        let verdicts: Vec<Verdict> = items
            .valid
            .iter()
            .map(|v| if *v { Verdict::Valid } else { Verdict::Invalid })
            .collect();
        let tree = crate::batch::tree_of(&items.digests, &verdicts);
        let index = u64::from(index);
        let proof = tree.proof(index).map(|path| crate::InclusionProof {
            index,
            size: tree.size(),
            root: tree.root(),
            digest,
            valid: verdicts.get(index as usize) == Some(&Verdict::Valid),
            path,
        });
        let attestation = match row.state {
            BatchState::Attested { id, .. }
            | BatchState::Final { id }
            | BatchState::Rejected { id } => Some(id),
            _ => None,
        };
        Ok(Some(ItemStatus {
            digest,
            state: row.state.name().into(),
            batch: Some(batch),
            attestation,
            valid: proof.as_ref().map(|p| p.valid),
            proof,
        }))
    })
    .await;
    match found {
        Ok(Ok(Some(status))) => Json(status).into_response(),
        Ok(Ok(None)) => refuse(&s, StatusCode::NOT_FOUND, "no such item"),
        Ok(Err(e)) => internal(&s, e),
        Err(e) => internal(&s, e),
    }
}

/// `GET /batches/{root}`: the items and verdicts behind one of this verifier's roots.
async fn get_batch(State(s): Shared, root: Result<Path<String>, PathRejection>) -> Response {
    let Path(root) = extracted!(s, root);
    let root = match parse_digest(&s, &root) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let service = s.clone();
    let found = tokio::task::spawn_blocking(move || -> anyhow::Result<Option<BatchData>> {
        let s = service;
        let Some(id) = s.store.batch_of_root(&root)? else {
            return Ok(None);
        };
        let items = s
            .store
            .batch_items(id)?
            .ok_or_else(|| anyhow::anyhow!("items of batch {id} missing"))?;
        let encoded = s.store.items(&items.digests)?;
        Ok(Some(BatchData {
            root,
            encoded: encoded.iter().map(hex::encode).collect(),
            valid: items.valid,
        }))
    })
    .await;
    match found {
        Ok(Ok(Some(data))) => Json(data).into_response(),
        Ok(Ok(None)) => refuse(&s, StatusCode::NOT_FOUND, "no batch with this root"),
        Ok(Err(e)) => internal(&s, e),
        Err(e) => internal(&s, e),
    }
}

/// `POST /cosign`: re-verifies a leader's batch and signs its attestation only if this
/// verifier derives the very same one.
async fn post_cosign(
    State(s): Shared,
    request: Result<Json<CosignRequest>, JsonRejection>,
) -> Response {
    let Json(request) = extracted!(s, request);
    let regime = match super::parse_regime(&request.regime) {
        Ok(r) => r,
        Err(e) => return refuse(&s, StatusCode::BAD_REQUEST, e),
    };
    let mut items = Vec::with_capacity(request.encoded.len());
    for (i, text) in request.encoded.iter().enumerate() {
        let decoded = hex::decode(text).and_then(|bytes| decode_item(&bytes));
        match decoded {
            Ok(item) => items.push(item),
            Err(e) => {
                inc(&s.metrics.c.cosign_refused_total, 1);
                return refuse(&s, StatusCode::BAD_REQUEST, format!("item {i}: {e}"));
            }
        }
    }
    let claimed = request.attestation(regime);
    let ours = match tokio::task::spawn_blocking(move || {
        Batch::verify(items).attestation(request.epoch, regime)
    })
    .await
    {
        Ok(a) => a,
        Err(e) => return internal(&s, e),
    };
    if ours != claimed {
        inc(&s.metrics.c.cosign_refused_total, 1);
        return refuse(
            &s,
            StatusCode::CONFLICT,
            format!(
                "disagree: leader claims root {} valid {:?} capacity {:?}; re-verified root {} valid {:?} capacity {:?}",
                hex::encode(claimed.root),
                claimed.valid,
                claimed.capacity(),
                hex::encode(ours.root),
                ours.valid,
                ours.capacity()
            ),
        );
    }
    let record = CoSigned {
        attestation: ours.clone(),
        signed_ms: now_ms(),
    };
    if let Err(e) = s.store.cosigned(&record) {
        return internal(&s, e);
    }
    inc(&s.metrics.c.cosign_given_total, 1);
    Json(CosignResponse {
        signature: attest::sign(&s.key, &s.chain.attestations, &ours),
        verifier: s.chain.me,
    })
    .into_response()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditRequest {
    pub attestation: u64,
    #[serde(flatten)]
    pub data: BatchData,
}

/// `POST /audit`: checks every item of a batch against an attestation; challenges fraud.
async fn post_audit(
    State(s): Shared,
    request: Result<Json<AuditRequest>, JsonRejection>,
) -> Response {
    let Json(request) = extracted!(s, request);
    match audit(&s, request.attestation, request.data, None).await {
        Ok(report) => Json(report).into_response(),
        Err(e @ (AuditError::BadData(_) | AuditError::WrongRoot)) => {
            refuse(&s, StatusCode::BAD_REQUEST, e)
        }
        Err(e @ (AuditError::Unknown(_) | AuditError::NotPending(_))) => {
            refuse(&s, StatusCode::CONFLICT, e)
        }
        Err(e @ AuditError::Other(_)) => refuse(&s, StatusCode::BAD_GATEWAY, e),
    }
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
}

async fn health(State(s): Shared) -> Response {
    Json(Health {
        status: "ok".into(),
        account: s.chain.me,
        key: attest::public_key(&s.key),
        registered: s.onboarded.load(std::sync::atomic::Ordering::Relaxed),
        queue: s
            .metrics
            .queue_depth
            .load(std::sync::atomic::Ordering::Relaxed),
    })
    .into_response()
}

async fn stats(State(s): Shared) -> Response {
    let service = s.clone();
    match tokio::task::spawn_blocking(move || service.store.stats()).await {
        Ok(Ok(stats)) => Json::<Stats>(stats).into_response(),
        Ok(Err(e)) => internal(&s, e),
        Err(e) => internal(&s, e),
    }
}

async fn metrics(State(s): Shared) -> Response {
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4")],
        s.metrics.render(),
    )
        .into_response()
}

/// Any other path: the service's JSON 404, counted.
async fn no_route(State(s): Shared) -> Response {
    refuse(&s, StatusCode::NOT_FOUND, "no such route")
}

pub fn router(s: Arc<Service>) -> Router {
    let limit = s.config.api.max_body_bytes;
    Router::new()
        .route("/items", post(post_item))
        .route("/items/bulk", post(post_bulk))
        .route("/items/:digest", get(get_item))
        .route("/batches/:root", get(get_batch))
        .route("/cosign", post(post_cosign))
        .route("/audit", post(post_audit))
        .route("/health", get(health))
        .route("/stats", get(stats))
        .route("/metrics", get(metrics))
        .fallback(no_route)
        .layer(DefaultBodyLimit::max(limit))
        .with_state(s)
}
