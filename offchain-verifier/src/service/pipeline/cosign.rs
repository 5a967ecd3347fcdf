//! Co-signatures from peers: asked in stake order, only as many as the threshold needs,
//! hedged on timeout; every answer recovered to a registered key before it counts.

use crate::attest;
use crate::service::{
    metrics::inc,
    wire::{self, CosignResponse},
    Service,
};
use dynamis_proofs::Attestation;
use std::{collections::HashMap, sync::Arc, time::Duration};

/// Peers in the order they are asked, each with the stake it is counted on: those whose
/// account is proven (their `/health` challenge; an unknown one is identified first, for at
/// most the hedge delay) by stake, largest first; a peer still unknown comes last and is
/// counted on for nothing (asked only when the others do not carry the threshold, or as a
/// hedge).
async fn ask_order(s: &Arc<Service>, hedge: Duration) -> Vec<(String, Option<[u8; 32]>, u128)> {
    let known: HashMap<String, [u8; 32]> = s
        .peer_accounts
        .lock()
        .await
        .iter()
        .map(|(account, url)| (url.clone(), *account))
        .collect();
    let unknown: Vec<&String> = s
        .config
        .peers
        .iter()
        .filter(|p| !known.contains_key(*p))
        .collect();
    let found = futures::future::join_all(unknown.iter().map(|peer| async move {
        match tokio::time::timeout(hedge, crate::service::watch::identify(s, peer)).await {
            Ok(Ok(account)) => Some(((*peer).clone(), account)),
            _ => None,
        }
    }))
    .await;
    let mut accounts = known;
    for (peer, account) in found.into_iter().flatten() {
        s.peer_accounts.lock().await.insert(account, peer.clone());
        accounts.insert(peer, account);
    }
    let mut order = Vec::with_capacity(s.config.peers.len());
    for peer in &s.config.peers {
        let account = accounts.get(peer).copied();
        let stake = match account {
            Some(account) => s.chain.weight_of(account).await.unwrap_or(0),
            None => 0,
        };
        order.push((peer.clone(), account, stake));
    }
    // Stable: peers of equal stake keep the configured order.
    order.sort_by(|a, b| b.2.cmp(&a.2));
    order
}

/// Asks peers for co-signatures until `weight` (this verifier's own, and each counted signer's)
/// reaches `required`: first only as many as their known stakes need, then one more each time
/// a wave fails or gives no answer within the hedge delay. Answers still on their way when the
/// stake is reached are dropped unread. The weight reached.
#[allow(clippy::too_many_arguments)]
pub(super) async fn ask_peers(
    s: &Arc<Service>,
    id: u64,
    body: &axum::body::Bytes,
    auth: &str,
    attestation: &Attestation,
    mut weight: u128,
    required: u128,
    signatures: &mut Vec<[u8; 65]>,
) -> anyhow::Result<u128> {
    use futures::stream::{FuturesUnordered, StreamExt};
    let chain = &s.chain;
    let hedge = Duration::from_millis(s.config.batch.cosign_hedge_ms.max(1));
    let order = ask_order(s, hedge).await;
    // Each account counts once, this verifier's own included: a peer relaying another's
    // signature (or its own twice) adds nothing, and the contract would refuse the batch.
    let mut counted = std::collections::BTreeSet::from([chain.me]);
    let mut asked = FuturesUnordered::new();
    let (mut next, mut expected) = (0usize, weight);
    let ask = |i: usize| {
        let peer = order[i].0.clone();
        async move {
            inc(&s.metrics.c.cosign_asked_total, 1);
            let answer = ask_peer(s, &peer, body.clone(), auth, attestation).await;
            (i, peer, answer)
        }
    };
    loop {
        while weight < required && expected < required && next < order.len() {
            asked.push(ask(next));
            expected = expected.saturating_add(order[next].2);
            next += 1;
        }
        if weight >= required || asked.is_empty() {
            break;
        }
        let answered = tokio::select! {
            answered = asked.next() => answered,
            _ = tokio::time::sleep(hedge) => {
                // No answer in time: one more peer besides those on their way.
                if next < order.len() {
                    asked.push(ask(next));
                    expected = expected.saturating_add(order[next].2);
                    next += 1;
                }
                continue;
            }
        };
        let Some((i, peer, answer)) = answered else {
            break;
        };
        match answer {
            Ok((signature, signer)) => {
                let known = s.peer_accounts.lock().await.get(&signer).cloned();
                let foreign = known.as_deref().is_some_and(|url| url != peer.as_str());
                if foreign || !counted.insert(signer) {
                    s.metrics.refuse_peer(&peer);
                    tracing::warn!(
                        batch = id,
                        peer = %peer,
                        signer = %dynamis_deploy::hex::encode(signer),
                        "co-signature dropped: its signer is another peer or already counted"
                    );
                    expected = expected.saturating_sub(order[i].2);
                    continue;
                }
                // The stake read for the asking order is the signer's when the peer signed as
                // the account it proved; another signer's is read now.
                let stake = match order[i].1 {
                    Some(account) if account == signer => order[i].2,
                    _ => chain.weight_of(signer).await?,
                };
                // What it was counted on gives way to what it carries.
                expected = expected.saturating_sub(order[i].2).saturating_add(stake);
                weight = weight.saturating_add(stake);
                signatures.push(signature);
            }
            Err(PeerAnswer::Bad(e)) => {
                s.metrics.refuse_peer(&peer);
                tracing::warn!(batch = id, peer = %peer, "co-signature dropped: {e:#}");
                expected = expected.saturating_sub(order[i].2);
            }
            Err(PeerAnswer::None(e)) => {
                tracing::warn!(batch = id, peer = %peer, "no co-signature: {e:#}");
                expected = expected.saturating_sub(order[i].2);
            }
        }
    }
    Ok(weight)
}

/// Why a peer gave no co-signature: it refused or could not be reached (`None`), or it
/// answered with something that is no good signature (`Bad`: counted against the peer).
enum PeerAnswer {
    None(anyhow::Error),
    Bad(anyhow::Error),
}

/// The most of a peer's answer that is read (a co-signature is a few hundred bytes).
const MAX_PEER_ANSWER: usize = 64 << 10;

/// A peer's co-signature of `attestation` and the account whose registered key made it (the
/// signature is recovered here, as the contract will: what the peer says it is counts for
/// nothing). The request is signed with this verifier's co-signing key (`auth`).
async fn ask_peer(
    s: &Service,
    peer: &str,
    request: axum::body::Bytes,
    auth: &str,
    attestation: &Attestation,
) -> Result<([u8; 65], [u8; 32]), PeerAnswer> {
    let none = |e: anyhow::Error| PeerAnswer::None(e);
    let bad = |e: anyhow::Error| PeerAnswer::Bad(e);
    let response = s
        .http
        .post(format!("{}/cosign", peer.trim_end_matches('/')))
        .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
        .header(crate::service::auth::PEER_HEADER, auth)
        .body(request)
        .send()
        .await
        .map_err(|e| none(e.into()))?;
    let status = response.status();
    let body = wire::read_bounded(response, MAX_PEER_ANSWER)
        .await
        .map_err(|e| bad(e.context(format!("{peer}'s answer"))))?;
    if !status.is_success() {
        let text = String::from_utf8_lossy(&body);
        return Err(none(anyhow::anyhow!("{peer} refused ({status}): {text}")));
    }
    let signature = serde_json::from_slice::<CosignResponse>(&body)
        .map_err(|e| bad(anyhow::anyhow!("{peer}'s answer is no co-signature: {e}")))?
        .signature;
    let key =
        attest::signer_of(&signature, &s.chain.attestations, attestation).ok_or_else(|| {
            bad(anyhow::anyhow!(
                "{peer} sent a signature that recovers no key"
            ))
        })?;
    let signer = s
        .chain
        .owner_of(key)
        .await
        .map_err(|e| none(e.into()))?
        .ok_or_else(|| {
            bad(anyhow::anyhow!(
                "{peer} signed with a key no verifier registered"
            ))
        })?;
    if signer == s.chain.me {
        return Err(bad(anyhow::anyhow!(
            "{peer} returned this verifier's own signature"
        )));
    }
    Ok((signature, signer))
}
