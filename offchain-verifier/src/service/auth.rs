//! Who may call what. Peers sign their requests with the co-signing key they registered in the
//! attestations contract; the receiver recovers the key and asks the chain whose it is, so a
//! peer can never speak for another verifier's account. Clients (item intake, `/audit`) show
//! the API token when one is configured; without one, only loopback callers are served.

use super::{metrics::inc, now_ms, Service};
use crate::crypto::Native;
use axum::http::{header::AUTHORIZATION, HeaderMap, StatusCode};
use sp_core::{ecdsa, hashing::blake2_256};
use std::net::SocketAddr;

/// The header a peer's signature travels in: `<milliseconds since the epoch>:<65-byte
/// signature, hex>`.
pub const PEER_HEADER: &str = "x-dynamis-peer";

/// How far a peer's clock (and the request's time in flight) may be from this one's. A signed
/// request is good for this long only: a recorded one cannot be replayed later.
pub const MAX_SKEW_MS: u64 = 60_000;

/// What a peer signs: the domain, the attestations contract (one deployment's signatures mean
/// nothing at another), the method, the path, the time and the body's hash.
pub fn request_digest(
    contract: &[u8; 32],
    method: &str,
    path: &str,
    at_ms: u64,
    body: &[u8],
) -> [u8; 32] {
    use scale::Encode;
    blake2_256(
        &(
            b"dynamis/peer-request/v1",
            contract,
            method,
            path,
            at_ms,
            blake2_256(body),
        )
            .encode(),
    )
}

/// The header value that signs this request with `key`.
pub fn sign_request(
    key: &ecdsa::Pair,
    contract: &[u8; 32],
    method: &str,
    path: &str,
    body: &[u8],
) -> String {
    let at = now_ms();
    let signature = key
        .sign_prehashed(&request_digest(contract, method, path, at, body))
        .0;
    format!("{at}:{}", dynamis_deploy::hex::encode(signature))
}

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("no {PEER_HEADER} header: peer requests are signed with a registered co-signing key")]
    Unsigned,
    #[error("{PEER_HEADER} is not `<milliseconds>:<signature hex>`")]
    Malformed,
    #[error(
        "the request was signed {0} ms away from this verifier's clock (at most {MAX_SKEW_MS})"
    )]
    Stale(u64),
    #[error("the signature does not recover to a key over this request")]
    BadSignature,
    #[error("the signing key is registered by no verifier")]
    Unregistered,
    #[error("this route takes the API token: Authorization: Bearer <token>")]
    NoToken,
    #[error("wrong API token")]
    WrongToken,
    #[error("this route answers loopback callers only (configure an API token to serve others)")]
    NotLoopback,
}

impl Refused {
    pub fn status(&self) -> StatusCode {
        match self {
            Refused::Unregistered | Refused::NotLoopback => StatusCode::FORBIDDEN,
            _ => StatusCode::UNAUTHORIZED,
        }
    }
}

/// The header's time and signature, if it is there, well-formed and fresh (what can be checked
/// before the body is read).
pub fn well_formed(headers: &HeaderMap, now: u64) -> Result<(u64, [u8; 65]), Refused> {
    let value = headers.get(PEER_HEADER).ok_or(Refused::Unsigned)?;
    let text = value.to_str().map_err(|_| Refused::Malformed)?;
    let (at, signature) = text.split_once(':').ok_or(Refused::Malformed)?;
    let at: u64 = at.parse().map_err(|_| Refused::Malformed)?;
    let signature =
        dynamis_deploy::hex::decode_array::<65>(signature).map_err(|_| Refused::Malformed)?;
    let skew = now.abs_diff(at);
    if skew > MAX_SKEW_MS {
        return Err(Refused::Stale(skew));
    }
    Ok((at, signature))
}

/// The co-signing key that signed this request, if the header is well-formed, fresh and its
/// signature recovers over exactly this method, path and body.
pub fn signing_key(
    headers: &HeaderMap,
    contract: &[u8; 32],
    method: &str,
    path: &str,
    body: &[u8],
    now: u64,
) -> Result<[u8; 33], Refused> {
    let (at, signature) = well_formed(headers, now)?;
    dynamis_proofs::ecdsa_signer::<Native>(
        &signature,
        &request_digest(contract, method, path, at, body),
    )
    .ok_or(Refused::BadSignature)
}

/// The verifier account whose registered key signed this request; a refusal is counted.
pub async fn peer(
    s: &Service,
    headers: &HeaderMap,
    method: &str,
    path: &str,
    body: &[u8],
) -> Result<[u8; 32], Refused> {
    let refused = |e: Refused| {
        inc(&s.metrics.c.peer_auth_refused_total, 1);
        tracing::warn!(path, "peer request refused: {e}");
        e
    };
    let key = signing_key(headers, &s.chain.attestations, method, path, body, now_ms())
        .map_err(refused)?;
    match s.chain.owner_of(key).await {
        Ok(Some(account)) => Ok(account),
        Ok(None) => Err(refused(Refused::Unregistered)),
        // The chain cannot say: refused, and the peer asks again (as after any refusal).
        Err(e) => {
            tracing::warn!("peer request: the chain could not name the key's owner: {e}");
            Err(refused(Refused::Unregistered))
        }
    }
}

/// Whether a client may use the intake and audit routes: with the configured API token, or,
/// when none is configured, from loopback only.
pub fn client(
    token: Option<&super::Secret>,
    from: SocketAddr,
    headers: &HeaderMap,
) -> Result<(), Refused> {
    let Some(token) = token else {
        return if from.ip().is_loopback() {
            Ok(())
        } else {
            Err(Refused::NotLoopback)
        };
    };
    let shown = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(Refused::NoToken)?;
    if constant_time_eq(shown.as_bytes(), token.expose().as_bytes()) {
        Ok(())
    } else {
        Err(Refused::WrongToken)
    }
}

/// Equal bytes, in a time that depends on the lengths only.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The message a verifier signs to prove, in `/health`, that it holds the co-signing key of
/// the account it names, over the caller's fresh challenge.
pub fn health_digest(contract: &[u8; 32], challenge: &[u8; 32], account: &[u8; 32]) -> [u8; 32] {
    use scale::Encode;
    blake2_256(&(b"dynamis/health/v1", contract, challenge, account).encode())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sp_core::Pair;

    fn signed(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(PEER_HEADER, value.parse().expect("header"));
        h
    }

    #[test]
    fn a_signature_holds_for_its_own_request_and_time_only() {
        let key = ecdsa::Pair::from_string("//Verifier2", None).expect("key");
        let contract = [3u8; 32];
        let h = signed(&sign_request(&key, &contract, "POST", "/cosign", b"body"));
        let now = now_ms();
        let ok = signing_key(&h, &contract, "POST", "/cosign", b"body", now);
        assert_eq!(ok, Ok(key.public().0));
        // Another body, path, method or deployment: recovers some other key, or none.
        for (contract, method, path, body) in [
            ([3u8; 32], "POST", "/cosign", &b"bodY"[..]),
            ([3u8; 32], "POST", "/audit", &b"body"[..]),
            ([3u8; 32], "GET", "/cosign", &b"body"[..]),
            ([4u8; 32], "POST", "/cosign", &b"body"[..]),
        ] {
            let got = signing_key(&h, &contract, method, path, body, now);
            assert_ne!(got, Ok(key.public().0), "{method} {path}");
        }
        // Replayed later than the skew allows.
        let later = now + MAX_SKEW_MS + 1_000;
        assert!(matches!(
            signing_key(&h, &contract, "POST", "/cosign", b"body", later),
            Err(Refused::Stale(_))
        ));
        assert_eq!(
            signing_key(&HeaderMap::new(), &contract, "POST", "/", b"", now),
            Err(Refused::Unsigned)
        );
        for bad in ["", "12", "x:00", "12:zz", "12:00"] {
            assert_eq!(
                signing_key(&signed(bad), &contract, "POST", "/", b"", now),
                Err(Refused::Malformed),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn clients_need_the_token_or_loopback() {
        let loopback: SocketAddr = "127.0.0.1:9".parse().expect("addr");
        let remote: SocketAddr = "203.0.113.7:9".parse().expect("addr");
        let none = HeaderMap::new();
        assert_eq!(client(None, loopback, &none), Ok(()));
        assert_eq!(client(None, remote, &none), Err(Refused::NotLoopback));
        let token = super::super::Secret::new("s3cret-token");
        let mut with = HeaderMap::new();
        with.insert(AUTHORIZATION, "Bearer s3cret-token".parse().expect("h"));
        let mut wrong = HeaderMap::new();
        wrong.insert(AUTHORIZATION, "Bearer s3cret-tokem".parse().expect("h"));
        // With a token configured, loopback is no excuse.
        assert_eq!(client(Some(&token), loopback, &none), Err(Refused::NoToken));
        assert_eq!(
            client(Some(&token), remote, &wrong),
            Err(Refused::WrongToken)
        );
        assert_eq!(client(Some(&token), remote, &with), Ok(()));
        assert_eq!(Refused::NotLoopback.status(), StatusCode::FORBIDDEN);
        assert_eq!(Refused::WrongToken.status(), StatusCode::UNAUTHORIZED);
    }
}
