//! The batcher closes batches on size or age and verifies them; the pruner drops finished
//! batches past their retention.

use crate::service::{metrics::inc, now_ms, Service};
use crate::{Batch, Item};
use scale::Decode;
use std::{sync::Arc, time::Duration};

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

/// Drops the items of finished batches past their retention, forever (`retain`).
pub async fn pruner(s: Arc<Service>) {
    let every = Duration::from_millis(s.config.retain.every_ms.max(100));
    loop {
        tokio::time::sleep(every).await;
        let cutoff = now_ms().saturating_sub(s.config.retain.final_ms);
        let service = s.clone();
        match tokio::task::spawn_blocking(move || service.store.prune(cutoff, 1_000)).await {
            Ok(Ok((0, _))) => {}
            Ok(Ok((batches, items))) => {
                inc(&s.metrics.c.items_pruned_total, items);
                tracing::info!(
                    batches,
                    items,
                    "pruned finished batches past their retention"
                );
            }
            Ok(Err(e)) => tracing::error!("pruning: {e}"),
            Err(e) => tracing::error!("pruning: {e}"),
        }
    }
}

/// What closing a batch did: the batch (id, items, valid items), and the queue entries
/// quarantined on the way.
struct Closed {
    batch: Option<(u64, u64, u64)>,
    quarantined: u64,
}

/// Verifies and records the next batch if one is due; whether it did.
pub async fn close_batch(s: &Arc<Service>) -> anyhow::Result<bool> {
    let (queued, oldest) = s.store.queue_state()?;
    s.metrics
        .queue_depth
        .set(crate::service::metrics::gauge_value(queued));
    let max = s.config.batch.max_items.max(1);
    let waited = oldest.map_or(0, |t| now_ms().saturating_sub(t));
    let due = queued >= max as u64 || (queued > 0 && waited >= s.config.batch.max_wait_ms);
    if !due {
        return Ok(false);
    }
    let service = s.clone();
    let max_bytes = s.config.batch.max_bytes.max(1);
    let closed = tokio::task::spawn_blocking(move || -> anyhow::Result<Closed> {
        let s = service;
        let peeked = s.store.peek_queue(max, max_bytes)?;
        let mut bad = peeked.bad;
        let mut entries = Vec::with_capacity(peeked.items.len());
        let mut items = Vec::with_capacity(peeked.items.len());
        for (seq, digest, row) in peeked.items {
            match Item::decode(&mut &row.item[..]) {
                Ok(item) => {
                    items.push(item);
                    entries.push((seq, digest, row));
                }
                Err(e) => bad.push((seq, digest.to_vec(), format!("item undecodable: {e}"))),
            }
        }
        // An entry that cannot be read never stops the batches behind it: it leaves the
        // queue for the quarantine table, reported, and the rest is batched.
        if !bad.is_empty() {
            s.store.quarantine(&bad)?;
            for (seq, digest, why) in &bad {
                tracing::error!(
                    seq,
                    digest = %dynamis_deploy::hex::encode(digest),
                    "queued entry quarantined: {why}"
                );
            }
        }
        let quarantined = bad.len() as u64;
        if items.is_empty() {
            return Ok(Closed {
                batch: None,
                quarantined,
            });
        }
        // The digests computed at intake (the queue's keys) are not computed again.
        let digests = entries.iter().map(|(_, digest, _)| *digest).collect();
        let batch = Batch::verify_digested(items, digests);
        // In batch order, as the digests.
        let received = batch
            .order
            .iter()
            .map(|&i| entries[i].2.received_ms)
            .collect();
        let (row, batch_items) =
            crate::service::store::batch_record(&batch, s.regime, now_ms(), received);
        let seqs: Vec<u64> = entries.iter().map(|(seq, _, _)| *seq).collect();
        let id = s
            .store
            .commit_batch(&seqs, &row, &batch_items, batch.tree.levels_below_root())?;
        drop(batch);
        crate::service::failpoint::hit("batch-committed");
        Ok(Closed {
            batch: Some((id, row.items, row.valid.iter().sum::<u64>())),
            quarantined,
        })
    })
    .await??;
    inc(&s.metrics.c.items_quarantined_total, closed.quarantined);
    let Some((id, items, valid)) = closed.batch else {
        return Ok(true);
    };
    inc(&s.metrics.c.batches_total, 1);
    inc(&s.metrics.c.items_verified_total, items);
    inc(&s.metrics.c.items_rejected_total, items - valid);
    tracing::info!(batch = id, items, valid, "batch verified");
    s.driver_wake.notify_one();
    Ok(true)
}
