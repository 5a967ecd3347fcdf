//! The HTTP API: item intake (single and bulk), item status with inclusion proofs, batch data
//! for auditors, co-signing for leaders, audits, health, statistics and Prometheus metrics.
//!
//! Bad input is refused with a 4xx and a JSON `{"error": …}` naming what is wrong, before
//! anything is stored: a bulk submission is stored whole or not at all.

use super::{
    auth::{self, Refused},
    metrics::inc,
    now_ms,
    store::{BatchState, CoSigned, Stats},
    watch::{audit, AuditError},
    wire::{
        Accepted, AuditRequest, BatchData, BulkAccepted, CosignRequest, CosignResponse, Health,
        HealthQuery, ItemStatus, Requeued,
    },
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
        rejection::PathRejection, ConnectInfo, DefaultBodyLimit, OriginalUri, Path, Query, State,
    },
    http::{
        header::{CONTENT_TYPE, RETRY_AFTER},
        HeaderMap, StatusCode,
    },
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use dynamis_deploy::hex;
use dynamis_proofs::item_digest;
use scale::{Decode, Encode};
use std::{net::SocketAddr, sync::Arc};

type Shared = State<Arc<Service>>;
type Caller = ConnectInfo<SocketAddr>;

/// A refusal with its status and `{"error": …}` body (the gateway's shape).
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

/// An intake or audit caller without the API token (or, with none configured, not on
/// loopback): refused and counted.
fn client_refused(s: &Service, from: SocketAddr, headers: &HeaderMap) -> Option<Response> {
    let refused = auth::client(s.token.as_ref(), from, headers).err()?;
    inc(&s.metrics.c.client_auth_refused_total, 1);
    Some(refuse(s, refused.status(), refused))
}

/// Intake while the queue is deeper than `api.max_queue`: 429, and when to come back (about
/// one batch's wait).
fn backpressure(s: &Service) -> Option<Response> {
    let depth = u64::try_from(s.metrics.queue_depth.get()).unwrap_or(0);
    let max = s.config.api.max_queue;
    if depth < max {
        return None;
    }
    inc(&s.metrics.c.requests_shed_total, 1);
    let after = s.config.batch.max_wait_ms.div_ceil(1_000).max(1);
    let mut r = refuse(
        s,
        StatusCode::TOO_MANY_REQUESTS,
        format!("{depth} items wait for a batch (at most {max}): retry after {after} s"),
    );
    if let Ok(value) = after.to_string().parse() {
        r.headers_mut().insert(RETRY_AFTER, value);
    }
    Some(r)
}

/// What the timeout and load-shedding layers turned away, as the service's JSON error.
fn overloaded(s: &Service, e: &tower::BoxError) -> Response {
    if e.is::<tower::timeout::error::Elapsed>() {
        inc(&s.metrics.c.requests_timed_out_total, 1);
        return refuse(
            s,
            StatusCode::REQUEST_TIMEOUT,
            format!("not answered within {} ms", s.config.api.timeout_ms),
        );
    }
    inc(&s.metrics.c.requests_shed_total, 1);
    let mut r = if e.is::<tower::load_shed::error::Overloaded>() {
        refuse(
            s,
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "{} requests of this kind are being served: retry shortly",
                s.config.api.max_concurrent
            ),
        )
    } else {
        internal(s, e)
    };
    r.headers_mut()
        .insert(RETRY_AFTER, axum::http::HeaderValue::from_static("1"));
    r
}

/// A request's body, read only once the caller and the queue have let it in, and at most
/// `api.max_body_bytes` of it (413 beyond).
async fn read_body(s: &Service, body: axum::body::Body) -> Result<Bytes, Response> {
    let limit = s.config.api.max_body_bytes;
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let e = e.into_inner();
        if e.is::<http_body_util::LengthLimitError>() {
            refuse(
                s,
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("length limit exceeded: a body is at most {limit} bytes"),
            )
        } else {
            refuse(s, StatusCode::BAD_REQUEST, format!("reading the body: {e}"))
        }
    })
}

/// An intake request's body, once the caller (token or loopback) and the queue's depth have
/// let it in.
async fn admit(
    s: &Service,
    from: SocketAddr,
    headers: &HeaderMap,
    body: axum::body::Body,
) -> Result<Bytes, Response> {
    if let Some(r) = client_refused(s, from, headers).or_else(|| backpressure(s)) {
        return Err(r);
    }
    read_body(s, body).await
}

fn refused(s: &Service, e: Refused) -> Response {
    refuse(s, e.status(), e)
}

fn internal(s: &Service, e: impl std::fmt::Display) -> Response {
    tracing::error!("request failed: {e}");
    refuse(s, StatusCode::INTERNAL_SERVER_ERROR, e)
}

/// Digests and encodes `items` (off the async threads) and stores them in the next group
/// commit; the HTTP answer is only given after it is durable.
async fn store_items(
    s: &Arc<Service>,
    items: Vec<Item>,
) -> Result<Vec<([u8; 32], bool)>, Response> {
    let keyed = tokio::task::spawn_blocking(move || keyed(&items))
        .await
        .map_err(|e| internal(s, e))?;
    store_keyed(s, keyed).await
}

fn keyed(items: &[Item]) -> super::intake::Keyed {
    items
        .iter()
        .map(|item| (item_digest::<Native>(item), item.encode()))
        .collect()
}

async fn store_keyed(
    s: &Arc<Service>,
    keyed: super::intake::Keyed,
) -> Result<Vec<([u8; 32], bool)>, Response> {
    let digests: Vec<[u8; 32]> = keyed.iter().map(|(d, _)| *d).collect();
    match super::intake::store(s, keyed).await {
        Ok(fresh) => Ok(digests.into_iter().zip(fresh).collect()),
        Err(e) => Err(internal(s, e)),
    }
}

/// `POST /items`: one item as a JSON object.
async fn post_item(
    State(s): Shared,
    ConnectInfo(from): Caller,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    let body = match admit(&s, from, &headers, body).await {
        Ok(body) => body,
        Err(r) => return r,
    };
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
    ConnectInfo(from): Caller,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    let body = match admit(&s, from, &headers, body).await {
        Ok(body) => body,
        Err(r) => return r,
    };
    let scale = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/octet-stream"));
    let max = s.config.api.max_bulk_items;
    // Parsing, digests and encodings run off the async threads.
    let parsed = tokio::task::spawn_blocking(move || -> Result<_, (StatusCode, String)> {
        let read = if scale {
            read_scale(&body)
        } else {
            read_jsonl(&body[..])
        };
        let read = read.map_err(|e| (StatusCode::BAD_REQUEST, format!("{e}; nothing stored")))?;
        if !read.errors.is_empty() {
            return Err((StatusCode::BAD_REQUEST, describe(&read.errors)));
        }
        if read.items.is_empty() {
            return Err((StatusCode::BAD_REQUEST, "no items in the body".into()));
        }
        if read.items.len() > max {
            return Err((
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("{} items; at most {max} per request", read.items.len()),
            ));
        }
        Ok(keyed(&read.items))
    })
    .await;
    let keyed = match parsed {
        Ok(Ok(keyed)) => keyed,
        Ok(Err((status, why))) => return refuse(&s, status, why),
        Err(e) => return internal(&s, e),
    };
    match store_keyed(&s, keyed).await {
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

fn parse_digest(s: &Service, text: &str) -> Result<[u8; 32], Response> {
    hex::decode_array::<32>(text).map_err(|e| refuse(s, StatusCode::BAD_REQUEST, e))
}

/// An item's proof from its batch's whole item list (for batches stored before their tree
/// levels were kept).
fn rebuilt_proof(
    s: &Service,
    batch: u64,
    index: u64,
    digest: [u8; 32],
) -> anyhow::Result<Option<crate::InclusionProof>> {
    let items = s
        .store
        .batch_items(batch)?
        .ok_or_else(|| anyhow::anyhow!("items of batch {batch} missing"))?;
    let verdicts: Vec<Verdict> = items.valid.iter().map(|v| Verdict::of(*v)).collect();
    let tree = crate::batch::tree_of(&items.digests, &verdicts);
    Ok(tree.proof(index).map(|path| crate::InclusionProof {
        index,
        size: tree.size(),
        root: tree.root(),
        digest,
        valid: usize::try_from(index).ok().and_then(|i| verdicts.get(i)) == Some(&Verdict::Valid),
        path,
    }))
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
                reason: None,
            }));
        };
        let row = s
            .store
            .batch(batch)?
            .ok_or_else(|| anyhow::anyhow!("batch {batch} missing"))?;
        let index = u64::from(index);
        let proof = match s.store.path(batch, index, row.items, &row.root)? {
            // The kept levels: a few reads. The item's verdict is the one its leaf hashes.
            Some((leaf, path)) => Some(crate::InclusionProof {
                index,
                size: row.items,
                root: row.root,
                digest,
                valid: leaf == dynamis_proofs::batch_leaf::<Native>(&digest, Verdict::Valid),
                path,
            }),
            // A batch stored before the levels were kept: its tree is rebuilt.
            None => rebuilt_proof(&s, batch, index, digest)?,
        };
        let attestation = match row.state {
            BatchState::Attested { id, .. }
            | BatchState::Final { id }
            | BatchState::Rejected { id } => Some(id),
            _ => None,
        };
        let reason = match &row.state {
            BatchState::Failed { reason } => Some(reason.clone()),
            _ => None,
        };
        Ok(Some(ItemStatus {
            reason,
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

/// `GET /batches/{root}`: the items and verdicts behind one of this verifier's roots, for a
/// peer (signed request) or a client (as the intake routes).
async fn get_batch(
    State(s): Shared,
    ConnectInfo(from): Caller,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    root: Result<Path<String>, PathRejection>,
) -> Response {
    if headers.contains_key(auth::PEER_HEADER) {
        if let Err(e) = auth::peer(&s, &headers, "GET", uri.path(), b"").await {
            return refused(&s, e);
        }
    } else if let Some(r) = client_refused(&s, from, &headers) {
        return r;
    }
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
/// verifier derives the very same one. Only a registered verifier's signed request is read.
async fn post_cosign(State(s): Shared, headers: HeaderMap, body: axum::body::Body) -> Response {
    // An unsigned, malformed or stale request is refused before its body is read.
    if let Err(e) = auth::well_formed(&headers, super::now_ms()) {
        inc(&s.metrics.c.cosign_refused_total, 1);
        inc(&s.metrics.c.peer_auth_refused_total, 1);
        return refused(&s, e);
    }
    let body = match read_body(&s, body).await {
        Ok(body) => body,
        Err(r) => return r,
    };
    if let Err(e) = auth::peer(&s, &headers, "POST", "/cosign", &body).await {
        inc(&s.metrics.c.cosign_refused_total, 1);
        return refused(&s, e);
    }
    let mut rest = &body[..];
    let request = match CosignRequest::decode(&mut rest) {
        Ok(request) if rest.is_empty() => request,
        Ok(_) => {
            inc(&s.metrics.c.cosign_refused_total, 1);
            return refuse(
                &s,
                StatusCode::BAD_REQUEST,
                "bytes after the co-signing request",
            );
        }
        Err(e) => {
            inc(&s.metrics.c.cosign_refused_total, 1);
            return refuse(
                &s,
                StatusCode::BAD_REQUEST,
                format!("not a SCALE co-signing request: {e}"),
            );
        }
    };
    let mut items = Vec::with_capacity(request.items.len());
    for (i, bytes) in request.items.iter().enumerate() {
        match decode_item(bytes) {
            Ok(item) => items.push(item),
            Err(e) => {
                inc(&s.metrics.c.cosign_refused_total, 1);
                return refuse(&s, StatusCode::BAD_REQUEST, format!("item {i}: {e}"));
            }
        }
    }
    let claimed = request.attestation;
    let (epoch, regime) = (claimed.epoch, claimed.regime);
    let ours =
        match tokio::task::spawn_blocking(move || Batch::verify(items).attestation(epoch, regime))
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
    super::failpoint::hit("cosign-given");
    inc(&s.metrics.c.cosign_given_total, 1);
    Json(CosignResponse {
        signature: attest::sign(&s.key, &s.chain.attestations, &ours),
        verifier: s.chain.me,
    })
    .into_response()
}

/// `POST /audit`: checks every item of a batch against an attestation; challenges fraud.
async fn post_audit(
    State(s): Shared,
    ConnectInfo(from): Caller,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    if let Some(r) = client_refused(&s, from, &headers) {
        return r;
    }
    let body = match read_body(&s, body).await {
        Ok(body) => body,
        Err(r) => return r,
    };
    let request: AuditRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(e) => {
            return refuse(
                &s,
                StatusCode::BAD_REQUEST,
                format!("not an audit request: {e}"),
            )
        }
    };
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

async fn health(
    State(s): Shared,
    query: Result<Query<HealthQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Query(query) = extracted!(s, query);
    let proof = match query.challenge.as_deref().map(hex::decode_array::<32>) {
        None => None,
        Some(Ok(challenge)) => {
            let digest = auth::health_digest(&s.chain.attestations, &challenge, &s.chain.me);
            Some(hex::encode(s.key.sign_prehashed(&digest).0))
        }
        Some(Err(e)) => return refuse(&s, StatusCode::BAD_REQUEST, format!("challenge: {e}")),
    };
    Json(Health {
        status: "ok".into(),
        account: s.chain.me,
        key: attest::public_key(&s.key),
        registered: s.onboarded.load(std::sync::atomic::Ordering::Relaxed),
        queue: u64::try_from(s.metrics.queue_depth.get()).unwrap_or(0),
        proof,
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
        [(
            CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        s.metrics.render(),
    )
        .into_response()
}

/// `POST /admin/requeue` (an operator: the API token, or loopback without one): the items of
/// every failed batch go back in the queue and into new batches.
async fn post_requeue(State(s): Shared, ConnectInfo(from): Caller, headers: HeaderMap) -> Response {
    if let Some(r) = client_refused(&s, from, &headers) {
        return r;
    }
    let service = s.clone();
    match tokio::task::spawn_blocking(move || service.store.requeue_failed()).await {
        Ok(Ok(done)) => {
            let items = done.iter().map(|(_, n)| n).sum::<u64>();
            inc(&s.metrics.c.items_requeued_total, items);
            for (batch, n) in &done {
                tracing::info!(batch, items = n, "failed batch requeued by the operator");
            }
            s.intake.notify_one();
            Json(Requeued {
                batches: done.len() as u64,
                items,
            })
            .into_response()
        }
        Ok(Err(e)) => internal(&s, e),
        Err(e) => internal(&s, e),
    }
}

/// Any other path: the service's JSON 404, counted.
async fn no_route(State(s): Shared) -> Response {
    refuse(&s, StatusCode::NOT_FOUND, "no such route")
}

/// The routes, each behind a timeout (`api.timeout_ms`, the body's reading included: a client
/// that sends slowly is cut off) and its own concurrency limit (`api.max_concurrent`; one more
/// is shed with 503, so a flood of one route never starves another, `/cosign` least of all).
pub fn router(s: Arc<Service>) -> Router {
    use axum::error_handling::HandleErrorLayer;
    let limit = s.config.api.max_body_bytes;
    let api = s.config.api;
    let handler = s.clone();
    let limits = tower::ServiceBuilder::new()
        .layer(HandleErrorLayer::new(move |e: tower::BoxError| {
            let s = handler.clone();
            async move { overloaded(&s, &e) }
        }))
        .load_shed()
        .concurrency_limit(api.max_concurrent.max(1))
        .timeout(std::time::Duration::from_millis(api.timeout_ms.max(1)));
    Router::new()
        .route("/items", post(post_item))
        .route("/items/bulk", post(post_bulk))
        .route("/items/:digest", get(get_item))
        .route("/batches/:root", get(get_batch))
        .route("/cosign", post(post_cosign))
        .route("/audit", post(post_audit))
        .route("/admin/requeue", post(post_requeue))
        .route("/health", get(health))
        .route("/stats", get(stats))
        .route("/metrics", get(metrics))
        .fallback(no_route)
        .layer(DefaultBodyLimit::max(limit))
        .layer(limits)
        .with_state(s)
}
