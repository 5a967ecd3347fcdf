//! Watching other verifiers: every attestation on chain that this verifier neither submitted
//! nor co-signed is sampled (its batch fetched from the verifier that posted it, a few items
//! re-verified) and disputed with the item and its inclusion proof when one marked valid is
//! not, or stands where the attestation's counts say another must: proven on-chain when the
//! chain can check it (`challenge`), contested with a deposit when it cannot (an ed25519 or
//! sr25519 signature). Anyone may also hand a batch to `POST /audit`, which checks every item.

use super::{
    chain::{outcome, AttestationError, Record, Status},
    metrics::inc,
    store::AUDIT_NEXT,
    Service,
};
use crate::{verify::verify_all, Batch, Item, Verdict};
use dynamis_proofs::Slot;
use dynamis_deploy::{calls, calls::call_data, hex::hexa};
use rand::seq::index::sample;
use scale::Decode;
use serde::{Deserialize, Serialize};
use std::{sync::Arc, time::Duration};

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
            let proof = batch.proof(i as u64).map(|p| (batch.items[i].clone(), p.path));
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
        let url = format!("{}/health", peer.trim_end_matches('/'));
        let Ok(response) = s.http.get(url).send().await else {
            continue;
        };
        let Ok(health) = response.json::<super::api::Health>().await else {
            continue;
        };
        s.peer_accounts
            .lock()
            .await
            .insert(health.account, peer.clone());
        if health.account == who {
            return Some(peer.clone());
        }
    }
    None
}

/// Samples each new attestation of another verifier, forever.
pub async fn watcher(s: Arc<Service>) {
    let poll = Duration::from_millis(s.config.watch.poll_ms.max(10));
    loop {
        match watch_next(&s).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => {
                inc(&s.metrics.c.chain_errors_total, 1);
                tracing::warn!("watcher: {e:#}");
            }
        }
        tokio::time::sleep(poll).await;
    }
}

/// Looks at the next attestation id; whether there was one.
async fn watch_next(s: &Arc<Service>) -> anyhow::Result<bool> {
    let next = s.store.meta(AUDIT_NEXT)?;
    let Some(record) = s.chain.attestation(next).await? else {
        return Ok(false);
    };
    let me = s.chain.me;
    let mine =
        record.submitter == calls::account(me) || record.signers.contains(&calls::account(me));
    if !mine && record.status == Status::Pending {
        let submitter = calls::raw(&record.submitter);
        match peer_of(s, submitter).await {
            Some(peer) => {
                let url = format!(
                    "{}/batches/{}",
                    peer.trim_end_matches('/'),
                    dynamis_deploy::hex::encode(record.root)
                );
                match s.http.get(url).send().await {
                    Ok(r) if r.status().is_success() => {
                        let data = r.json::<BatchData>().await?;
                        match audit(s, next, data, Some(s.config.watch.sample)).await {
                            Ok(report) => tracing::debug!(?report, "sampled"),
                            Err(e) => tracing::warn!(attestation = next, "audit: {e}"),
                        }
                    }
                    Ok(r) => tracing::warn!(
                        attestation = next,
                        "batch data unavailable from {peer}: {}",
                        r.status()
                    ),
                    // The submitter is down: try again on the next poll.
                    Err(e) => anyhow::bail!("fetching the batch of attestation {next}: {e}"),
                }
            }
            None => tracing::debug!(attestation = next, "submitter is not a known peer"),
        }
    }
    s.store.set_meta(AUDIT_NEXT, next + 1)?;
    Ok(true)
}
