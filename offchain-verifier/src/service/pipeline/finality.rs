//! An attested batch after submission: data requests answered from the store, and
//! finality read at the finalized head and checked against the batch's root.

use super::finalisable_from;
use crate::service::{
    chain::{outcome, AttestationError, Status},
    metrics::inc,
    now_ms,
    store::{BatchRow, BatchState},
    Service,
};
use crate::{Item, Verdict};
use dynamis_deploy::{calls, calls::call_data};
use scale::Decode;
use std::sync::Arc;

/// Answers every open data request on an own attestation with the item, its verdict and its
/// inclusion proof, from the store (a batch nobody answers for is rejected and its co-signers
/// slashed). Whether it answered any.
pub(super) async fn answer_requests(s: &Arc<Service>, id: u64, att: u64) -> anyhow::Result<bool> {
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
    let verdicts: Vec<Verdict> = items.valid.iter().map(|v| Verdict::of(*v)).collect();
    let digests = items.digests.clone();
    let tree =
        tokio::task::spawn_blocking(move || crate::batch::tree_of(&digests, &verdicts)).await?;
    let mut answered = false;
    for index in record.requests {
        let i = usize::try_from(index)?;
        let (Some(digest), Some(valid), Some(path)) =
            (items.digests.get(i), items.valid.get(i), tree.proof(index))
        else {
            tracing::error!(
                batch = id,
                attestation = att,
                index,
                "requested index not in the batch"
            );
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
                tracing::info!(
                    batch = id,
                    attestation = att,
                    index,
                    "data request answered"
                );
                answered = true;
            }
            // Someone else answered it meanwhile.
            Ok(Err(AttestationError::NoRequest)) => {}
            Ok(Err(e)) => tracing::error!(
                batch = id,
                attestation = att,
                index,
                "answer refused: {e:?}"
            ),
            Err(e) => tracing::warn!(batch = id, attestation = att, index, "answer: {e}"),
        }
    }
    Ok(answered)
}

/// Finalises an own attestation after its challenge window; records its fate.
pub(super) async fn finality(
    s: &Arc<Service>,
    id: u64,
    row: &BatchRow,
    att: u64,
) -> anyhow::Result<bool> {
    let chain = &s.chain;
    // Finality is read at the finalized head (on a node: what no reorg takes back), once the
    // block that included the attestation is final.
    if let BatchState::Attested { block, .. } = &row.state {
        if chain.finalized_block().await? < *block {
            return Ok(false);
        }
    }
    let record = chain.final_attestation(att).await?;
    // The record must be this batch's: after a reorg (or a replaced transaction) the id may
    // name another batch's attestation, or none. The root decides: found under another id,
    // that is the batch's; found nowhere, the batch is co-signed and submitted again.
    if record.as_ref().map(|r| r.root) != Some(row.root) {
        inc(&s.metrics.c.attestations_moved_total, 1);
        return match chain.final_id_of_root(row.root).await? {
            Some(other) => {
                let block = chain
                    .final_attestation(other)
                    .await?
                    .map_or(0, |r| r.submitted_at);
                tracing::warn!(
                    batch = id,
                    was = att,
                    now = other,
                    "the batch's attestation is under another id"
                );
                let tx = match &row.state {
                    BatchState::Attested { tx, .. } => *tx,
                    _ => [0; 32],
                };
                s.store.set_state(
                    id,
                    BatchState::Attested {
                        id: other,
                        block,
                        tx,
                    },
                )?;
                Ok(true)
            }
            None => {
                tracing::warn!(
                    batch = id,
                    attestation = att,
                    "the batch's attestation is gone from the chain: submitting it again"
                );
                s.store.set_state(id, BatchState::Verified)?;
                Ok(true)
            }
        };
    }
    let Some(record) = record else {
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
            let from = finalisable_from(record.submitted_at, chain.params.challenge_window_blocks);
            if chain.block().await? < from {
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
            s.metrics.observe_ms(now.saturating_sub(*t));
        }
        inc(&s.metrics.c.items_final_total, items.digests.len() as u64);
    }
    inc(&s.metrics.c.attestations_final_total, 1);
    tracing::info!(batch = id, attestation = att, "final");
    Ok(())
}
