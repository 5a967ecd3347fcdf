//! The sandbox chain served over HTTP, so verifier processes (and their crash tests) use an
//! in-process runtime as they would a node: nonces, signed transactions, receipts by hash,
//! read-only queries, the block number. `POST /advance` (sandbox only) moves blocks ahead.
//!
//! Also the client of that API, used by the verifier service. The server ([`serve`]) is built
//! only with the `sandbox` feature; the wire types and the client always are.

#[cfg(feature = "sandbox")]
mod server;
#[cfg(feature = "sandbox")]
pub use server::{router, serve};

use crate::{
    hex::hexa,
    tx::{Receipt, SignedTx},
};
use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Milliseconds the sandbox clock moves per block (a node's 6-second blocks); here, outside
/// the `sandbox` feature, because the gateway's clients (`dao wait`) count with it too.
pub const BLOCK_MS: u64 = 6_000;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Info {
    pub kind: String,
    pub block: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Nonce {
    pub nonce: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Query {
    #[serde(with = "hexa")]
    pub contract: [u8; 32],
    #[serde(with = "hexa")]
    pub data: Vec<u8>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QueryResult {
    #[serde(with = "hexa")]
    pub data: Vec<u8>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Advance {
    pub blocks: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiError {
    pub error: String,
}

/// A refusal with its status and `{"error": …}` body (the verifier's API answers the same way).
pub fn refusal(status: StatusCode, error: impl ToString) -> Response {
    (
        status,
        Json(ApiError {
            error: error.to_string(),
        }),
    )
        .into_response()
}

/// Refuses a caller that is not on this machine.
#[cfg_attr(not(feature = "sandbox"), allow(dead_code))]
pub(crate) fn local_only(peer: &std::net::SocketAddr) -> Result<(), Response> {
    if peer.ip().is_loopback() {
        Ok(())
    } else {
        Err(refusal(
            StatusCode::FORBIDDEN,
            format!(
                "{} is not on loopback: this route answers only local callers",
                peer.ip()
            ),
        ))
    }
}

/// `--listen` for a dev chain: a loopback address, unless `allow_remote` says otherwise
/// (its `/info`, `/nonce` and `/query` then face the network; `/tx` and `/advance` still answer
/// loopback only).
pub fn check_listen(listen: &str, allow_remote: bool) -> Result<(), String> {
    use std::net::ToSocketAddrs;
    let addrs: Vec<std::net::SocketAddr> = listen
        .to_socket_addrs()
        .map_err(|e| format!("--listen {listen}: {e}"))?
        .collect();
    if addrs.is_empty() {
        return Err(format!("--listen {listen}: no address"));
    }
    match addrs.iter().find(|a| !a.ip().is_loopback()) {
        Some(a) if !allow_remote => Err(format!(
            "--listen {listen} ({}) is not a loopback address: the sandbox is a dev chain; pass --allow-remote to serve it to the network",
            a.ip()
        )),
        _ => Ok(()),
    }
}

/// Why a gateway request did not give an answer.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The chain could not be reached or answered too late: worth retrying.
    #[error("chain unreachable: {0}")]
    Unreachable(String),
    /// The chain answered with a refusal.
    #[error("chain refused ({status}): {error}")]
    Refused { status: u16, error: String },
}

impl ClientError {
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Unreachable(_) => true,
            Self::Refused { status, .. } => *status >= 500,
        }
    }
}

/// A client of the gateway.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    pub fn new(base: &str) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap_or_default();
        Self {
            http,
            base: base.trim_end_matches('/').to_string(),
        }
    }

    pub fn url(&self) -> &str {
        &self.base
    }

    async fn answer<T: for<'de> Deserialize<'de>>(
        sent: Result<reqwest::Response, reqwest::Error>,
    ) -> Result<Option<T>, ClientError> {
        let response = sent.map_err(|e| ClientError::Unreachable(e.to_string()))?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !status.is_success() {
            let error = match response.json::<ApiError>().await {
                Ok(e) => e.error,
                Err(e) => e.to_string(),
            };
            return Err(ClientError::Refused {
                status: status.as_u16(),
                error,
            });
        }
        response
            .json::<T>()
            .await
            .map(Some)
            .map_err(|e| ClientError::Unreachable(e.to_string()))
    }

    fn found<T>(value: Option<T>, what: &str) -> Result<T, ClientError> {
        value.ok_or_else(|| ClientError::Refused {
            status: 404,
            error: format!("{what}: not found"),
        })
    }

    pub async fn info(&self) -> Result<Info, ClientError> {
        let sent = self.http.get(format!("{}/info", self.base)).send().await;
        Self::found(Self::answer(sent).await?, "info")
    }

    pub async fn nonce(&self, who: [u8; 32]) -> Result<u64, ClientError> {
        let url = format!("{}/nonce/{}", self.base, crate::hex::encode(who));
        let sent = self.http.get(url).send().await;
        Ok(Self::found(Self::answer::<Nonce>(sent).await?, "nonce")?.nonce)
    }

    pub async fn query(&self, contract: [u8; 32], data: Vec<u8>) -> Result<Vec<u8>, ClientError> {
        let sent = self
            .http
            .post(format!("{}/query", self.base))
            .json(&Query { contract, data })
            .send()
            .await;
        Ok(Self::found(Self::answer::<QueryResult>(sent).await?, "query")?.data)
    }

    /// Sends `tx`; its receipt (a transaction included before is answered the same way).
    pub async fn send(&self, tx: &SignedTx) -> Result<Receipt, ClientError> {
        let sent = self
            .http
            .post(format!("{}/tx", self.base))
            .json(tx)
            .send()
            .await;
        Self::found(Self::answer(sent).await?, "tx")
    }

    /// The receipt of transaction `hash`, if it was included.
    pub async fn receipt(&self, hash: [u8; 32]) -> Result<Option<Receipt>, ClientError> {
        let url = format!("{}/tx/{}", self.base, crate::hex::encode(hash));
        let sent = self.http.get(url).send().await;
        Self::answer(sent).await
    }

    /// Moves the sandbox `blocks` ahead; the new block number.
    pub async fn advance(&self, blocks: u32) -> Result<u32, ClientError> {
        let sent = self
            .http
            .post(format!("{}/advance", self.base))
            .json(&Advance { blocks })
            .send()
            .await;
        Ok(Self::found(Self::answer::<Info>(sent).await?, "advance")?.block)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dev_chain_listens_on_loopback_unless_told_and_moves_only_for_local_callers() {
        assert_eq!(check_listen("127.0.0.1:0", false), Ok(()));
        assert_eq!(check_listen("[::1]:0", false), Ok(()));
        let refused = check_listen("0.0.0.0:9944", false).unwrap_err();
        assert!(refused.contains("--allow-remote"), "{refused}");
        assert_eq!(check_listen("0.0.0.0:9944", true), Ok(()));
        assert!(check_listen("not an address", true).is_err());
        assert!(local_only(&"127.0.0.1:5000".parse().expect("addr")).is_ok());
        let remote = local_only(&"192.0.2.7:5000".parse().expect("addr")).unwrap_err();
        assert_eq!(remote.status(), StatusCode::FORBIDDEN);
    }
}
