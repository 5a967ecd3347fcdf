//! From the queue to finality: the batcher closes batches on size or age and verifies them;
//! the driver gets each batch co-signed, submits it exactly once, and finalises it.

use super::{
    chain::{outcome, AttestationError, ChainError, Status},
    now_ms,
    store::{BatchItems, BatchRow, BatchState},
    Service,
};
use crate::{attest, Batch, Item, Verdict};
use dynamis_deploy::{calls, calls::call_data, hex::hexa, tx::Receipt};
use dynamis_proofs::Attestation;
use scale::Decode;
use serde::{Deserialize, Serialize};
use std::{sync::Arc, time::Duration};

use super::metrics::inc;

/// Doubling pauses between failed attempts, reset by a success.
pub struct Backoff {
    initial: u64,
    max: u64,
    next: u64,
}

impl Backoff {
    pub fn new(initial_ms: u64, max_ms: u64) -> Self {
        Self {
            initial: initial_ms.max(1),
            max: max_ms.max(initial_ms),
            next: initial_ms.max(1),
        }
    }

    pub fn reset(&mut self) {
        self.next = self.initial;
    }

    pub fn next(&mut self) -> Duration {
        let pause = self.next;
        self.next = self.next.saturating_mul(2).min(self.max);
        Duration::from_millis(pause)
    }
}

/// Closes batches as they become due, forever.
pub async fn batcher(s: Arc<Service>) {
    let tick = Duration::from_millis(s.config.batch.max_wait_ms.clamp(10, 100));
    loop {
        match close_batch(&s).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => tracing::error!("closing a batch: {e:#}"),
        }
        tokio::select! {
            _ = s.intake.notified() => {}
            _ = tokio::time::sleep(tick) => {}
        }
    }
}

/// Verifies and records the next batch if one is due; whether it did.
pub async fn close_batch(s: &Arc<Service>) -> anyhow::Result<bool> {
    let (queued, oldest) = s.store.queue_state()?;
    s.metrics
        .queue_depth
        .store(queued, std::sync::atomic::Ordering::Relaxed);
    let max = s.config.batch.max_items.max(1);
    let waited = oldest.map_or(0, |t| now_ms().saturating_sub(t));
    let due = queued >= max as u64 || (queued > 0 && waited >= s.config.batch.max_wait_ms);
    if !due {
        return Ok(false);
    }
    let service = s.clone();
    let closed = tokio::task::spawn_blocking(move || -> anyhow::Result<(u64, u64, u64)> {
        let s = service;
        let entries = s.store.peek_queue(max)?;
        let mut items = Vec::with_capacity(entries.len());
        for (seq, _, row) in &entries {
            let item = Item::decode(&mut &row.item[..])
                .map_err(|e| anyhow::anyhow!("queued item {seq} undecodable: {e}"))?;
            items.push(item);
        }
        let batch = Batch::verify(items);
        let row = BatchRow {
            root: batch.root(),
            items: batch.len(),
            valid: batch.valid_per_kind(),
            regime: s.regime,
            created_ms: now_ms(),
            state: BatchState::Verified,
        };
        // The batch is not needed after this: its digests move into the record.
        let batch_items = BatchItems {
            valid: batch
                .verdicts
                .iter()
                .map(|v| *v == Verdict::Valid)
                .collect(),
            digests: batch.digests,
            // In batch order, as the digests.
            received_ms: batch.order.iter().map(|&i| entries[i].2.received_ms).collect(),
        };
        let seqs: Vec<u64> = entries.iter().map(|(seq, _, _)| *seq).collect();
        let id = s.store.commit_batch(&seqs, &row, &batch_items)?;
        Ok((id, row.items, row.valid.iter().sum::<u64>()))
    })
    .await??;
    let (id, items, valid) = closed;
    inc(&s.metrics.c.batches_total, 1);
    inc(&s.metrics.c.items_verified_total, items);
    inc(&s.metrics.c.items_rejected_total, items - valid);
    tracing::info!(batch = id, items, valid, "batch verified");
    s.driver_wake.notify_one();
    Ok(true)
}

/// What a leader asks a peer to co-sign: the attestation and the batch's items.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CosignRequest {
    pub epoch: u32,
    pub regime: String,
    #[serde(with = "hexa")]
    pub root: [u8; 32],
    pub items: u64,
    /// Valid items per kind (`Kind::ALL` order).
    pub valid: [u64; 5],
    /// The items' SCALE encodings, in batch order.
    pub encoded: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CosignResponse {
    #[serde(with = "hexa")]
    pub signature: [u8; 65],
    #[serde(with = "hexa")]
    pub verifier: [u8; 32],
}

impl CosignRequest {
    pub fn attestation(&self, regime: dynamis_proofs::Regime) -> Attestation {
        Attestation {
            epoch: self.epoch,
            root: self.root,
            items: self.items,
            valid: self.valid,
            regime,
        }
    }
}

/// Moves every open batch on, forever; failures are retried with backoff.
pub async fn driver(s: Arc<Service>) {
    let mut backoff = Backoff::new(s.config.retry.initial_ms, s.config.retry.max_ms);
    let idle = Duration::from_millis(s.config.watch.poll_ms.clamp(50, 1_000));
    loop {
        match drive_once(&s).await {
            Ok(progress) => {
                backoff.reset();
                if !progress {
                    tokio::select! {
                        _ = s.driver_wake.notified() => {}
                        _ = tokio::time::sleep(idle) => {}
                    }
                }
            }
            Err(e) => {
                inc(&s.metrics.c.chain_errors_total, 1);
                let pause = backoff.next();
                tracing::warn!("driver: {e:#}; retrying in {pause:?}");
                tokio::time::sleep(pause).await;
            }
        }
    }
}

/// One pass over the open batches; whether anything moved.
pub async fn drive_once(s: &Arc<Service>) -> anyhow::Result<bool> {
    if !s.onboarded.load(std::sync::atomic::Ordering::Relaxed) {
        onboard(s).await?;
        s.onboarded
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }
    let mut progress = false;
    // The block at the start of the pass: attestations whose window cannot have closed by
    // then are not even looked up.
    let now = s.chain.block().await?;
    let window = s.chain.params.challenge_window_blocks;
    let answerable = window.saturating_add(s.chain.params.answer_window_blocks);
    for id in s.store.open_batches()? {
        let Some(row) = s.store.batch(id)? else {
            continue;
        };
        progress |= match row.state.clone() {
            BatchState::Verified => cosign_and_submit(s, id, &row).await?,
            BatchState::Sent { tx } => confirm(s, id, &row, tx).await?,
            BatchState::Attested { id: att, block, .. } => {
                // Data requests can be open until the window and its answer period are over.
                let mut moved = false;
                if block.saturating_add(answerable) >= now {
                    moved |= answer_requests(s, id, att).await?;
                }
                if block.saturating_add(window) < now {
                    moved |= finality(s, id, att).await?;
                }
                moved
            }
            _ => false,
        };
    }
    Ok(progress)
}

/// Bonds (if allowed) and registers the co-signing key, unless that is done already.
async fn onboard(s: &Arc<Service>) -> anyhow::Result<()> {
    let chain = &s.chain;
    let key = attest::public_key(&s.key);
    if chain.key_of(chain.me).await? == Some(key) {
        return Ok(());
    }
    if !chain.is_bonded(chain.me).await? {
        anyhow::ensure!(
            s.config.bond_dyn > 0,
            "the account has no verifier bond and bond_dyn is 0: bond it first"
        );
        let amount = u128::from(s.config.bond_dyn).saturating_mul(bonding::ONE_DYN);
        let receipt = chain
            .transact(
                chain.token,
                call_data(
                    calls::token::APPROVE,
                    (calls::account(chain.bonding), amount),
                ),
                |_| Ok(()),
            )
            .await?;
        outcome::<Result<(), dynamis_shared::PSP22Error>>(&receipt)
            .map_err(anyhow::Error::msg)?
            .map_err(|e| anyhow::anyhow!("approving the bond: {e:?}"))?;
        let receipt = chain
            .transact(
                chain.bonding,
                call_data(
                    calls::bonding::BOND,
                    (dynamis_shared::Role::Verifier, amount),
                ),
                |_| Ok(()),
            )
            .await?;
        outcome::<Result<(), dynamis_shared::BondingError>>(&receipt)
            .map_err(anyhow::Error::msg)?
            .map_err(|e| anyhow::anyhow!("bonding: {e:?}"))?;
        tracing::info!(dyn_ = s.config.bond_dyn, "bonded as a verifier");
    }
    let proof = attest::registration_proof(&s.key, &chain.attestations, &chain.me);
    let receipt = chain
        .transact(
            chain.attestations,
            call_data(calls::attestations::REGISTER_KEY, (key, proof)),
            |_| Ok(()),
        )
        .await?;
    outcome::<Result<(), AttestationError>>(&receipt)
        .map_err(anyhow::Error::msg)?
        .map_err(|e| anyhow::anyhow!("registering the key: {e:?}"))?;
    tracing::info!(key = %dynamis_deploy::hex::encode(key), "co-signing key registered");
    Ok(())
}

/// Gets the batch co-signed by peers carrying enough stake and submits it; whether it was
/// sent.
async fn cosign_and_submit(s: &Arc<Service>, id: u64, row: &BatchRow) -> anyhow::Result<bool> {
    let chain = &s.chain;
    let epoch = chain.current_epoch().await?;
    let required = chain.required_weight().await?;
    let attestation = Attestation {
        epoch,
        root: row.root,
        items: row.items,
        valid: row.valid,
        regime: row.regime,
    };
    let mut signatures = vec![attest::sign(&s.key, &chain.attestations, &attestation)];
    let mut weight = chain.weight_of(chain.me).await?;
    if weight < required {
        let digests = s
            .store
            .batch_items(id)?
            .ok_or_else(|| anyhow::anyhow!("batch {id} has no items"))?
            .digests;
        let request = CosignRequest {
            epoch,
            regime: s.config.regime.clone(),
            root: row.root,
            items: row.items,
            valid: row.valid,
            encoded: s
                .store
                .items(&digests)?
                .iter()
                .map(dynamis_deploy::hex::encode)
                .collect(),
        };
        let asks = s
            .config
            .peers
            .iter()
            .map(|peer| ask_peer(s, peer, &request, &attestation));
        for answer in futures::future::join_all(asks).await {
            match answer {
                Ok((signature, signer)) if weight < required => {
                    weight = weight.saturating_add(chain.weight_of(signer).await?);
                    signatures.push(signature);
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(batch = id, "co-signature: {e:#}"),
            }
        }
    }
    if weight < required {
        inc(&s.metrics.c.cosign_missing_total, 1);
        anyhow::bail!(
            "batch {id}: co-signatures carry {weight} of the {required} stake needed; will ask again"
        );
    }
    let data = call_data(calls::attestations::SUBMIT, (attestation, signatures));
    let store = &s.store;
    let receipt = chain
        .transact(chain.attestations, data, |tx| {
            store.set_state(id, BatchState::Sent { tx: tx.clone() })
        })
        .await;
    match receipt {
        Ok(receipt) => settle_submit(s, id, row, receipt).await,
        // Stored but maybe not sent: `confirm` finds out on the next pass.
        Err(e) => Err(e.into()),
    }
}

/// A peer's co-signature of `attestation` and the account whose registered key made it (the
/// signature is recovered here, as the contract will: what the peer says it is counts for
/// nothing).
async fn ask_peer(
    s: &Service,
    peer: &str,
    request: &CosignRequest,
    attestation: &Attestation,
) -> anyhow::Result<([u8; 65], [u8; 32])> {
    let response = s
        .http
        .post(format!("{}/cosign", peer.trim_end_matches('/')))
        .json(request)
        .send()
        .await?;
    let status = response.status();
    if !status.is_success() {
        let body = response.text().await.unwrap_or_default();
        anyhow::bail!("{peer} refused ({status}): {body}");
    }
    let signature = response.json::<CosignResponse>().await?.signature;
    let key = attest::signer_of(&signature, &s.chain.attestations, attestation)
        .ok_or_else(|| anyhow::anyhow!("{peer} sent a signature that recovers no key"))?;
    let signer = s
        .chain
        .owner_of(key)
        .await?
        .ok_or_else(|| anyhow::anyhow!("{peer} signed with a key no verifier registered"))?;
    Ok((signature, signer))
}

/// Records what including the submit transaction did.
async fn settle_submit(
    s: &Arc<Service>,
    id: u64,
    row: &BatchRow,
    receipt: Receipt,
) -> anyhow::Result<bool> {
    let att = match outcome::<Result<u64, AttestationError>>(&receipt) {
        Ok(Ok(att)) => {
            inc(&s.metrics.c.attestations_submitted_total, 1);
            att
        }
        // Included before (by this very transaction, or another with the same root).
        Ok(Err(AttestationError::DuplicateBatch)) => s
            .chain
            .id_of_root(row.root)
            .await?
            .ok_or_else(|| anyhow::anyhow!("duplicate batch without an id"))?,
        Ok(Err(
            e @ (AttestationError::StaleEpoch
            | AttestationError::FutureEpoch
            | AttestationError::TooFewSignatures
            | AttestationError::UnknownSigner
            | AttestationError::UnbondedSigner
            | AttestationError::InvalidSignature
            | AttestationError::DuplicateSigner),
        )) => {
            tracing::warn!(batch = id, "submit refused ({e:?}); co-signing again");
            s.store.set_state(id, BatchState::Verified)?;
            return Ok(true);
        }
        Ok(Err(e)) => {
            tracing::error!(batch = id, "submit refused for good: {e:?}");
            let reason = format!("{e:?}");
            s.store.set_state(id, BatchState::Failed { reason })?;
            return Ok(true);
        }
        Err(reason) => match s.chain.id_of_root(row.root).await? {
            // Included, though the receipt could not say what it returned (a node's receipt
            // whose return data could not be replayed): the registry knows the id.
            Some(att) => att,
            // Refused for a reason the receipt cannot name: co-sign and submit again (a
            // refusal that stands is named then, its block permitting).
            None if receipt.unknown.is_some() && receipt.reverted => {
                tracing::warn!(batch = id, "submit refused ({reason}); co-signing again");
                s.store.set_state(id, BatchState::Verified)?;
                return Ok(true);
            }
            None => {
                tracing::error!(batch = id, "submit failed: {reason}");
                s.store.set_state(id, BatchState::Failed { reason })?;
                return Ok(true);
            }
        },
    };
    let attested = BatchState::Attested {
        id: att,
        block: receipt.block,
        tx: receipt.hash,
    };
    s.store.set_state(id, attested)?;
    tracing::info!(
        batch = id,
        attestation = att,
        block = receipt.block,
        "attested"
    );
    Ok(true)
}

/// A stored submit transaction: included (record it), or sent again.
async fn confirm(
    s: &Arc<Service>,
    id: u64,
    row: &BatchRow,
    tx: dynamis_deploy::link::Signed,
) -> anyhow::Result<bool> {
    if let Some(receipt) = s.chain.receipt(&tx).await? {
        return settle_submit(s, id, row, receipt).await;
    }
    inc(&s.metrics.c.attestations_resent_total, 1);
    tracing::info!(batch = id, "stored submit transaction sent again");
    match s.chain.resend(&tx).await {
        Ok(receipt) => settle_submit(s, id, row, receipt).await,
        Err(ChainError::Client(e)) if !e.is_transient() => {
            // The nonce went to another transaction and this one was never included: it can
            // never be now. Co-sign and submit anew (the contract's duplicate check stays).
            tracing::warn!(
                batch = id,
                "stored transaction refused ({e}); submitting anew"
            );
            s.store.set_state(id, BatchState::Verified)?;
            Ok(true)
        }
        Err(e) => Err(e.into()),
    }
}

/// Answers every open data request on an own attestation with the item, its verdict and its
/// inclusion proof, from the store (a batch nobody answers for is rejected and its co-signers
/// slashed). Whether it answered any.
async fn answer_requests(s: &Arc<Service>, id: u64, att: u64) -> anyhow::Result<bool> {
    let chain = &s.chain;
    let Some(record) = chain.attestation(att).await? else {
        return Ok(false);
    };
    if record.requests.is_empty() {
        return Ok(false);
    }
    let items = s
        .store
        .batch_items(id)?
        .ok_or_else(|| anyhow::anyhow!("batch {id} has no items"))?;
    let verdicts: Vec<Verdict> = items
        .valid
        .iter()
        .map(|v| Verdict::of(*v))
        .collect();
    let digests = items.digests.clone();
    let tree = tokio::task::spawn_blocking(move || crate::batch::tree_of(&digests, &verdicts)).await?;
    let mut answered = false;
    for index in record.requests {
        let i = usize::try_from(index)?;
        let (Some(digest), Some(valid), Some(path)) =
            (items.digests.get(i), items.valid.get(i), tree.proof(index))
        else {
            tracing::error!(batch = id, attestation = att, index, "requested index not in the batch");
            continue;
        };
        let bytes = s.store.items(&[*digest])?;
        let item = Item::decode(&mut &bytes[0][..])
            .map_err(|e| anyhow::anyhow!("stored item {index} of batch {id}: {e}"))?;
        let data = call_data(
            calls::attestations::ANSWER,
            (att, index, item, *valid, path),
        );
        let receipt = chain.transact(chain.attestations, data, |_| Ok(())).await?;
        match outcome::<Result<(), AttestationError>>(&receipt) {
            Ok(Ok(())) => {
                tracing::info!(batch = id, attestation = att, index, "data request answered");
                answered = true;
            }
            // Someone else answered it meanwhile.
            Ok(Err(AttestationError::NoRequest)) => {}
            Ok(Err(e)) => tracing::error!(batch = id, attestation = att, index, "answer refused: {e:?}"),
            Err(e) => tracing::warn!(batch = id, attestation = att, index, "answer: {e}"),
        }
    }
    Ok(answered)
}

/// Finalises an own attestation after its challenge window; records its fate.
async fn finality(s: &Arc<Service>, id: u64, att: u64) -> anyhow::Result<bool> {
    let chain = &s.chain;
    let Some(record) = chain.attestation(att).await? else {
        anyhow::bail!("attestation {att} of batch {id} is not on chain");
    };
    match record.status {
        Status::Final => {
            mark_final(s, id, att)?;
            Ok(true)
        }
        // A contest may be dismissed: the attestation is then back on its path to final.
        Status::Contested => Ok(false),
        Status::Rejected => {
            s.store.set_state(id, BatchState::Rejected { id: att })?;
            inc(&s.metrics.c.attestations_rejected_total, 1);
            tracing::warn!(batch = id, attestation = att, status = ?record.status, "attestation lost");
            Ok(true)
        }
        Status::Pending => {
            let open_until = record
                .submitted_at
                .saturating_add(chain.params.challenge_window_blocks);
            if chain.block().await? <= open_until {
                return Ok(false);
            }
            let receipt = chain
                .transact(
                    chain.attestations,
                    call_data(calls::attestations::FINALIZE, att),
                    |_| Ok(()),
                )
                .await?;
            match outcome::<Result<(), AttestationError>>(&receipt) {
                Ok(Ok(())) => {
                    mark_final(s, id, att)?;
                    Ok(true)
                }
                // Someone else finalised or proved it meanwhile, or a data request is still
                // open: read it again next pass.
                Ok(Err(
                    AttestationError::NotPending
                    | AttestationError::WindowOpen
                    | AttestationError::RequestsOpen,
                )) => Ok(false),
                Ok(Err(e)) => anyhow::bail!("finalize {att}: {e:?}"),
                Err(e) => anyhow::bail!("finalize {att}: {e}"),
            }
        }
    }
}

fn mark_final(s: &Service, id: u64, att: u64) -> anyhow::Result<()> {
    s.store.set_state(id, BatchState::Final { id: att })?;
    let now = now_ms();
    if let Some(items) = s.store.batch_items(id)? {
        for t in &items.received_ms {
            s.metrics.latency.observe_ms(now.saturating_sub(*t));
        }
        inc(&s.metrics.c.items_final_total, items.digests.len() as u64);
    }
    inc(&s.metrics.c.attestations_final_total, 1);
    tracing::info!(batch = id, attestation = att, "final");
    Ok(())
}
