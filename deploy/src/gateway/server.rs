//! The gateway's server: the sandbox thread's ledger behind the routes of [`super`].

use super::{local_only, refusal, Advance, Info, Nonce, Query, QueryResult};
use crate::{
    calls::account,
    node::{SandboxNode, TxError},
    tx::SignedTx,
};
use axum::{
    extract::{ConnectInfo, Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};

/// Runs `job` on the sandbox thread without blocking the server's workers.
async fn on_chain<R: Send + 'static>(
    node: &SandboxNode,
    job: impl FnOnce(&mut crate::node::Ledger) -> R + Send + 'static,
) -> Result<R, Response> {
    let node = node.clone();
    match tokio::task::spawn_blocking(move || node.with(job)).await {
        Ok(Ok(r)) => Ok(r),
        Ok(Err(stopped)) => Err(refusal(StatusCode::SERVICE_UNAVAILABLE, stopped)),
        Err(e) => Err(refusal(StatusCode::INTERNAL_SERVER_ERROR, e)),
    }
}

async fn info(State(node): State<SandboxNode>) -> Response {
    match on_chain(&node, |l| l.chain.block()).await {
        Ok(block) => Json(Info {
            kind: "sandbox".into(),
            block,
        })
        .into_response(),
        Err(r) => r,
    }
}

async fn nonce(State(node): State<SandboxNode>, Path(who): Path<String>) -> Response {
    let who = match crate::hex::decode_array::<32>(&who) {
        Ok(who) => who,
        Err(e) => return refusal(StatusCode::BAD_REQUEST, e),
    };
    match on_chain(&node, move |l| l.nonce(&who)).await {
        Ok(nonce) => Json(Nonce { nonce }).into_response(),
        Err(r) => r,
    }
}

async fn query(State(node): State<SandboxNode>, Json(q): Json<Query>) -> Response {
    match on_chain(&node, move |l| {
        l.chain.query_raw(account(q.contract), q.data)
    })
    .await
    {
        Ok(Ok(data)) => Json(QueryResult { data }).into_response(),
        Ok(Err(e)) => refusal(StatusCode::UNPROCESSABLE_ENTITY, format!("{e:?}")),
        Err(r) => r,
    }
}

async fn submit(
    State(node): State<SandboxNode>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    Json(tx): Json<SignedTx>,
) -> Response {
    if let Err(r) = local_only(&peer) {
        return r;
    }
    match on_chain(&node, move |l| l.apply(tx)).await {
        Ok(Ok(receipt)) => Json(receipt).into_response(),
        Ok(Err(e @ TxError::BadSignature)) => refusal(StatusCode::BAD_REQUEST, e),
        Ok(Err(e)) => refusal(StatusCode::CONFLICT, e),
        Err(r) => r,
    }
}

async fn receipt(State(node): State<SandboxNode>, Path(hash): Path<String>) -> Response {
    let hash = match crate::hex::decode_array::<32>(&hash) {
        Ok(hash) => hash,
        Err(e) => return refusal(StatusCode::BAD_REQUEST, e),
    };
    match on_chain(&node, move |l| l.receipt(&hash)).await {
        Ok(Some(receipt)) => Json(receipt).into_response(),
        Ok(None) => refusal(StatusCode::NOT_FOUND, "no such transaction"),
        Err(r) => r,
    }
}

async fn advance(
    State(node): State<SandboxNode>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    Json(a): Json<Advance>,
) -> Response {
    if let Err(r) = local_only(&peer) {
        return r;
    }
    match on_chain(&node, move |l| {
        l.chain.advance(a.blocks);
        l.chain.block()
    })
    .await
    {
        Ok(block) => Json(Info {
            kind: "sandbox".into(),
            block,
        })
        .into_response(),
        Err(r) => r,
    }
}

/// The gateway's routes over `node`.
pub fn router(node: SandboxNode) -> Router {
    Router::new()
        .route("/info", get(info))
        .route("/nonce/:account", get(nonce))
        .route("/query", post(query))
        .route("/tx", post(submit))
        .route("/tx/:hash", get(receipt))
        .route("/advance", post(advance))
        .with_state(node)
}

/// Serves the gateway on `listener` until the process ends. `/tx` and `/advance` (sending and
/// moving time on a dev chain) answer only callers on loopback, wherever the gateway listens.
pub async fn serve(node: SandboxNode, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let app = router(node).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).await
}
