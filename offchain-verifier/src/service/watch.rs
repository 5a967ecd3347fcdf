//! Watching other verifiers: every attestation on chain that this verifier neither submitted
//! nor co-signed is sampled (its batch fetched from the verifier that posted it, a few items
//! re-verified) and disputed with the item and its inclusion proof when one marked valid is
//! not, or stands where the attestation's counts say another must: proven on-chain when the
//! chain can check it (`challenge`), contested with a deposit when it cannot (an ed25519 or
//! sr25519 signature). Anyone may also hand a batch to `POST /audit`, which checks every item.

use super::{
    chain::{outcome, AttestationError, Record, Status},
    metrics::inc,
    now_ms,
    store::{PendingAudit, AUDIT_NEXT},
    wire::{read_bounded, AuditReport, BatchData, Health},
    Service,
};
use crate::{verify::verify_all, Batch, Item, Verdict};
use dynamis_deploy::{calls, calls::call_data};
use dynamis_proofs::Slot;
use rand::seq::index::sample;
use scale::Decode;
use std::{sync::Arc, time::Duration};

/// Why an audit could not be done.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("no attestation {0} on chain")]
    Unknown(u64),
    #[error("attestation {0} is no longer pending")]
    NotPending(u64),
    #[error("bad batch data: {0}")]
    BadData(String),
    #[error("the data does not hash to the attested root")]
    WrongRoot,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

fn decode_items(data: &BatchData) -> Result<Vec<Item>, AuditError> {
    if data.encoded.len() != data.valid.len() {
        return Err(AuditError::BadData(format!(
            "{} items but {} verdicts",
            data.encoded.len(),
            data.valid.len()
        )));
    }
    data.encoded
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let bytes = dynamis_deploy::hex::decode(text)
                .map_err(|e| AuditError::BadData(format!("item {i}: {e}")))?;
            Item::decode(&mut &bytes[..]).map_err(|e| AuditError::BadData(format!("item {i}: {e}")))
        })
        .collect()
}

/// Checks `data` against attestation `id` (every item, or `sample` random ones) and
/// challenges the first fraud found.
pub async fn audit(
    s: &Arc<Service>,
    id: u64,
    data: BatchData,
    sample_size: Option<usize>,
) -> Result<AuditReport, AuditError> {
    let record: Record = s
        .chain
        .attestation(id)
        .await
        .map_err(anyhow::Error::from)?
        .ok_or(AuditError::Unknown(id))?;
    if record.status != Status::Pending {
        return Err(AuditError::NotPending(id));
    }
    let items = decode_items(&data)?;
    let claimed: Vec<Verdict> = data
        .valid
        .iter()
        .map(|v| if *v { Verdict::Valid } else { Verdict::Invalid })
        .collect();
    let root = record.root;
    let counts = record.attestation();
    let checked = tokio::task::spawn_blocking(move || {
        let batch = Batch::with_verdicts(items, claimed);
        if batch.root() != root {
            return Err(AuditError::WrongRoot);
        }
        let n = batch.items.len();
        // A leaf where the counts say another must stand proves the counts false on-chain.
        let misplaced = (0..n).find(|&i| {
            let slot = match batch.verdicts[i] {
                Verdict::Valid => Slot::Valid(batch.items[i].kind()),
                Verdict::Invalid => Slot::Invalid,
            };
            counts.slot(i as u64) != Some(slot)
        });
        if let Some(i) = misplaced {
            let proof = batch
                .proof(i as u64)
                .map(|p| (batch.items[i].clone(), p.path));
            return Ok((n, Some(i), proof));
        }
        let picked: Vec<usize> = match sample_size {
            Some(k) if k < n => {
                let mut picked = sample(&mut rand::thread_rng(), n, k).into_vec();
                picked.sort_unstable();
                picked
            }
            _ => (0..n).collect(),
        };
        let subset: Vec<Item> = picked.iter().map(|i| batch.items[*i].clone()).collect();
        let ours = verify_all(&subset);
        let fraud = picked
            .iter()
            .zip(&ours)
            .find(|(i, v)| batch.verdicts[**i] == Verdict::Valid && **v == Verdict::Invalid)
            .map(|(i, _)| *i);
        let challenge = fraud.and_then(|i| {
            let proof = batch.proof(i as u64)?;
            Some((batch.items[i].clone(), proof.path))
        });
        Ok((picked.len(), fraud, challenge))
    })
    .await
    .map_err(anyhow::Error::from)??;
    let (count, fraud_at, challenge) = checked;
    inc(&s.metrics.c.attestations_audited_total, 1);
    let mut report = AuditReport {
        attestation: id,
        checked: count,
        fraud_at: fraud_at.map(|i| i as u64),
        challenge: None,
    };
    if let (Some(index), Some((item, path))) = (report.fraud_at, challenge) {
        // Proven by the chain when it can check the item or its place; contested otherwise.
        let placed = counts_match(&record, index, &item);
        let selector = if item.kind().checkable_on_chain() || !placed {
            tracing::warn!(attestation = id, index, "fraud found: proving it");
            calls::attestations::CHALLENGE
        } else {
            tracing::warn!(attestation = id, index, "fraud found: contesting it");
            let deposit = s.chain.params.contest_deposit;
            let approve = call_data(
                calls::token::APPROVE,
                (calls::account(s.chain.attestations), deposit),
            );
            s.chain
                .transact(s.chain.token, approve, |_| Ok(()))
                .await
                .map_err(anyhow::Error::from)?;
            calls::attestations::CONTEST
        };
        let receipt = s
            .chain
            .transact(
                s.chain.attestations,
                call_data(selector, (id, item, index, path)),
                |_| Ok(()),
            )
            .await
            .map_err(anyhow::Error::from)?;
        let result = match outcome::<Result<(), AttestationError>>(&receipt) {
            Ok(Ok(())) => {
                inc(&s.metrics.c.challenges_won_total, 1);
                "proven".to_string()
            }
            Ok(Err(e)) => {
                inc(&s.metrics.c.challenges_refused_total, 1);
                format!("refused: {e:?}")
            }
            Err(e) => {
                inc(&s.metrics.c.challenges_refused_total, 1);
                format!("failed: {e}")
            }
        };
        tracing::info!(attestation = id, outcome = %result, "challenge sent");
        report.challenge = Some(result);
    }
    Ok(report)
}

/// Whether `item`, marked valid at `index`, stands where `record`'s counts say.
fn counts_match(record: &Record, index: u64, item: &Item) -> bool {
    record.attestation().slot(index) == Some(Slot::Valid(item.kind()))
}

/// The base URL of the peer whose chain account is `who`, asking the peers' `/health`.
async fn peer_of(s: &Arc<Service>, who: [u8; 32]) -> Option<String> {
    if let Some(url) = s.peer_accounts.lock().await.get(&who) {
        return Some(url.clone());
    }
    for peer in &s.config.peers {
        match identify(s, peer).await {
            Ok(account) => {
                s.peer_accounts.lock().await.insert(account, peer.clone());
                if account == who {
                    return Some(peer.clone());
                }
            }
            Err(Identity::Unreachable(e)) => tracing::debug!(peer = %peer, "identity: {e:#}"),
            Err(Identity::False(e)) => {
                s.metrics.refuse_peer(peer);
                tracing::warn!(peer = %peer, "identity refused: {e:#}");
            }
        }
    }
    None
}

/// Why a peer's identity is not known.
pub enum Identity {
    Unreachable(anyhow::Error),
    /// It answered, and the answer does not prove the account it names.
    False(anyhow::Error),
}

/// The account `peer` proves it is: its `/health` names an account and signs a fresh
/// challenge with the co-signing key the chain says that account registered.
pub async fn identify(s: &Service, peer: &str) -> Result<[u8; 32], Identity> {
    let challenge: [u8; 32] = rand::random();
    let url = format!(
        "{}/health?challenge={}",
        peer.trim_end_matches('/'),
        dynamis_deploy::hex::encode(challenge)
    );
    let unreachable = |e: anyhow::Error| Identity::Unreachable(e);
    let response = s
        .http
        .get(url)
        .send()
        .await
        .map_err(|e| unreachable(e.into()))?;
    let body = read_bounded(response, 64 << 10)
        .await
        .map_err(Identity::False)?;
    let health: Health = serde_json::from_slice(&body)
        .map_err(|e| Identity::False(anyhow::anyhow!("not a health answer: {e}")))?;
    let proof = health
        .proof
        .as_deref()
        .ok_or_else(|| Identity::False(anyhow::anyhow!("no proof of its key")))?;
    let proof = dynamis_deploy::hex::decode_array::<65>(proof)
        .map_err(|e| Identity::False(anyhow::anyhow!("proof: {e}")))?;
    let digest = super::auth::health_digest(&s.chain.attestations, &challenge, &health.account);
    let key = dynamis_proofs::ecdsa_signer::<crate::crypto::Native>(&proof, &digest)
        .ok_or_else(|| Identity::False(anyhow::anyhow!("the proof recovers no key")))?;
    let owner = s
        .chain
        .owner_of(key)
        .await
        .map_err(|e| unreachable(e.into()))?;
    if owner != Some(health.account) {
        return Err(Identity::False(anyhow::anyhow!(
            "claims account {} but signs with a key that account did not register",
            dynamis_deploy::hex::encode(health.account)
        )));
    }
    Ok(health.account)
}

/// How many of a batch's `n` items one watcher re-checks so that `watchers` of them, each
/// sampling independently, find one forged item with a chance of at least `detect_ppm`
/// parts per million: the chance that one sample of `k` misses it is `1 − k/n`, that all
/// miss it `(1 − k/n)^watchers`, so `k = ⌈n · (1 − (1 − p)^(1/watchers))⌉` (never fewer than
/// `floor`, never more than `n`).
pub fn sample_size(n: usize, detect_ppm: u32, watchers: u32, floor: usize) -> usize {
    if n == 0 {
        return 0;
    }
    let p = f64::from(detect_ppm.min(1_000_000)) / 1e6;
    let w = f64::from(watchers.max(1));
    let share = 1.0 - (1.0 - p).powf(1.0 / w);
    // The smallest k whose miss chance is within the target (the float's last bit aside).
    let mut k = ((n as f64) * share).ceil() as usize;
    let misses = |k: usize| (1.0 - k as f64 / n as f64).powf(w);
    while k > 0 && misses(k - 1) <= 1.0 - p {
        k -= 1;
    }
    while k < n && misses(k) > 1.0 - p + 1e-12 {
        k += 1;
    }
    k.max(floor).min(n)
}

/// Samples each new attestation of another verifier, and retries the ones whose data could
/// not be had, forever.
pub async fn watcher(s: Arc<Service>) {
    let poll = Duration::from_millis(s.config.watch.poll_ms.max(10));
    loop {
        let mut more = false;
        match watch_next(&s).await {
            Ok(next) => more = next,
            Err(e) => {
                inc(&s.metrics.c.chain_errors_total, 1);
                tracing::warn!("watcher: {e:#}");
            }
        }
        if let Err(e) = retry_audits(&s).await {
            inc(&s.metrics.c.chain_errors_total, 1);
            tracing::warn!("watcher (retries): {e:#}");
        }
        if !more {
            tokio::time::sleep(poll).await;
        }
    }
}

/// Looks at the next attestation id; whether there was one. An attestation whose data cannot
/// be had now is put aside to be retried: it never holds up the ones after it.
async fn watch_next(s: &Arc<Service>) -> anyhow::Result<bool> {
    let next = s.store.meta(AUDIT_NEXT)?;
    let Some(record) = s.chain.attestation(next).await? else {
        return Ok(false);
    };
    let me = s.chain.me;
    let mine =
        record.submitter == calls::account(me) || record.signers.contains(&calls::account(me));
    if !mine && record.status == Status::Pending {
        if let Some(why) = fetch_and_audit(s, next, &record).await {
            inc(&s.metrics.c.audits_withheld_total, 1);
            let pause = super::retry::after_ms(&s.config.retry, 1);
            tracing::warn!(
                attestation = next,
                "batch data unavailable ({why}); again in {pause} ms"
            );
            let pending = PendingAudit {
                attempts: 1,
                next_ms: now_ms().saturating_add(pause),
                requested: None,
            };
            s.store.set_audit(next, Some(&pending))?;
        }
    }
    s.store.set_meta(AUDIT_NEXT, next + 1)?;
    Ok(true)
}

/// Fetches attestation `id`'s batch from its submitter and audits it; `Some(reason)` when the
/// data could not be had (no such peer, no answer in time, a refusal, data that is not the
/// batch).
async fn fetch_and_audit(s: &Arc<Service>, id: u64, record: &Record) -> Option<String> {
    let submitter = calls::raw(&record.submitter);
    let Some(peer) = peer_of(s, submitter).await else {
        return Some("the submitter is no peer that proved its identity".into());
    };
    let path = format!("/batches/{}", dynamis_deploy::hex::encode(record.root));
    let url = format!("{}{path}", peer.trim_end_matches('/'));
    let auth = super::auth::sign_request(&s.key, &s.chain.attestations, "GET", &path, b"");
    let limit = s.config.api.max_body_bytes.saturating_mul(3);
    let timeout = Duration::from_millis(s.config.watch.fetch_timeout_ms.max(1));
    let fetched = tokio::time::timeout(timeout, async {
        let r = s
            .http
            .get(&url)
            .header(super::auth::PEER_HEADER, auth)
            .send()
            .await?;
        let status = r.status();
        let body = read_bounded(r, limit).await?;
        anyhow::Ok((status, body))
    })
    .await;
    let body = match fetched {
        Err(_) => return Some(format!("{peer} did not answer within {timeout:?}")),
        Ok(Err(e)) => return Some(format!("{peer}: {e:#}")),
        Ok(Ok((status, _))) if !status.is_success() => {
            return Some(format!("{peer} answered {status}"))
        }
        Ok(Ok((_, body))) => body,
    };
    let data: BatchData = match serde_json::from_slice(&body) {
        Ok(data) => data,
        Err(e) => return Some(format!("{peer} sent no batch data: {e}")),
    };
    let items = data.encoded.len();
    let k = sample_size(
        items,
        s.config.watch.detect_ppm,
        s.config.watch.watchers,
        s.config.watch.sample,
    );
    match audit(s, id, data, Some(k)).await {
        Ok(report) => tracing::debug!(?report, "sampled"),
        // Data that is not the attested batch is no data.
        Err(e @ (AuditError::WrongRoot | AuditError::BadData(_))) => {
            return Some(format!("{peer}: {e}"))
        }
        Err(e) => tracing::warn!(attestation = id, "audit: {e}"),
    }
    None
}

/// Tries again every pending audit that is due. Data still withheld when half the challenge
/// window is gone is asked for on-chain: `request_item` at a random index (the request
/// deposit approved first), which the co-signers must answer within the answer period or be
/// rejected and slashed; an unanswered request is claimed once its period is over.
async fn retry_audits(s: &Arc<Service>) -> anyhow::Result<()> {
    let chain = &s.chain;
    let due: Vec<(u64, PendingAudit)> = s
        .store
        .audits()?
        .into_iter()
        .filter(|(_, p)| p.next_ms <= now_ms())
        .collect();
    if due.is_empty() {
        return Ok(());
    }
    // One read of the head for the pass (a block more or less does not change a deadline).
    let block = chain.block().await?;
    for (id, mut pending) in due {
        let record = match chain.attestation(id).await? {
            Some(record) if record.status == Status::Pending => record,
            // Final, rejected or gone: nothing is left to check.
            _ => {
                s.store.set_audit(id, None)?;
                continue;
            }
        };
        if let Some(index) = pending.requested {
            if !record.requests.contains(&index) {
                // Answered on-chain: the chain checked the item against the root.
                tracing::info!(attestation = id, index, "data request answered");
                s.store.set_audit(id, None)?;
                continue;
            }
            let request: Option<attestations::Request> = chain
                .query(
                    chain.attestations,
                    calls::attestations::REQUEST,
                    (id, index),
                )
                .await?;
            if request.is_some_and(|r| block >= r.answer_until) {
                let receipt = chain
                    .transact(
                        chain.attestations,
                        call_data(calls::attestations::CLAIM_UNANSWERED, (id, index)),
                        |_| Ok(()),
                    )
                    .await?;
                let result = outcome::<Result<(), AttestationError>>(&receipt);
                tracing::warn!(
                    attestation = id,
                    index,
                    ?result,
                    "unanswered data request claimed"
                );
                if matches!(result, Ok(Ok(()))) {
                    inc(&s.metrics.c.data_withheld_proven_total, 1);
                }
                s.store.set_audit(id, None)?;
                continue;
            }
            pending.next_ms = now_ms().saturating_add(s.config.watch.poll_ms);
            s.store.set_audit(id, Some(&pending))?;
            continue;
        }
        let Some(why) = fetch_and_audit(s, id, &record).await else {
            s.store.set_audit(id, None)?;
            continue;
        };
        inc(&s.metrics.c.audits_withheld_total, 1);
        pending.attempts = pending.attempts.saturating_add(1);
        let window = chain.params.challenge_window_blocks;
        let deadline = record.submitted_at.saturating_add(window / 2);
        if block >= deadline && record.items > 0 {
            let index = rand::random::<u64>() % record.items;
            let approve = call_data(
                calls::token::APPROVE,
                (
                    calls::account(chain.attestations),
                    chain.params.request_deposit,
                ),
            );
            chain.transact(chain.token, approve, |_| Ok(())).await?;
            let receipt = chain
                .transact(
                    chain.attestations,
                    call_data(calls::attestations::REQUEST_ITEM, (id, index)),
                    |_| Ok(()),
                )
                .await?;
            match outcome::<Result<(), AttestationError>>(&receipt) {
                Ok(Ok(())) => {
                    inc(&s.metrics.c.data_requests_total, 1);
                    tracing::warn!(
                        attestation = id,
                        index,
                        "data withheld ({why}): item requested on-chain"
                    );
                    pending.requested = Some(index);
                }
                other => tracing::warn!(attestation = id, index, "data request refused: {other:?}"),
            }
        }
        let pause = super::retry::after_ms(&s.config.retry, pending.attempts.saturating_add(1));
        tracing::warn!(
            attestation = id,
            attempts = pending.attempts,
            "batch data unavailable ({why}); again in {pause} ms"
        );
        pending.next_ms = now_ms().saturating_add(pause);
        s.store.set_audit(id, Some(&pending))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::sample_size;

    #[test]
    fn the_sample_finds_one_forgery_in_4096_with_the_stated_chance() {
        let n = 4_096;
        for (watchers, want) in [(1u32, 4_056usize), (2, 3_687), (4, 2_801), (16, 1_025)] {
            let k = sample_size(n, 990_000, watchers, 16);
            assert_eq!(k, want, "{watchers} watchers");
            // k is enough, k − 1 is not.
            let miss = |k: usize| (1.0 - k as f64 / n as f64).powi(watchers as i32);
            assert!(
                miss(k) <= 0.01 + 1e-12 && miss(k - 1) > 0.01,
                "{watchers}: {k}"
            );
        }
        assert_eq!(
            sample_size(10, 990_000, 16, 16),
            10,
            "never more than the batch"
        );
        assert_eq!(
            sample_size(4_096, 0, 1, 16),
            16,
            "never fewer than the floor"
        );
        assert_eq!(sample_size(0, 990_000, 1, 16), 0);
    }
}
