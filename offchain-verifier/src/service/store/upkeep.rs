//! Upkeep: failed batches put back in the queue, finished batches pruned past their
//! retention, and the kept counts read.

use super::*;

impl Store {
    /// Puts the items of every failed batch back in the queue, in their batch order, and marks
    /// those batches requeued, in one commit. Returns (batch id, items) per batch.
    pub fn requeue_failed(&self) -> Result<Vec<(u64, u64)>, StoreError> {
        let w = self.write()?;
        let mut done = Vec::new();
        {
            let mut batches = w.open_table(BATCHES)?;
            let mut failed = Vec::new();
            for entry in batches.iter()? {
                let (id, value) = entry?;
                let row: BatchRow = decode("batches", value.value())?;
                if let BatchState::Failed { reason } = &row.state {
                    failed.push((id.value(), reason.clone(), row));
                }
            }
            let batch_items = w.open_table(BATCH_ITEMS)?;
            let mut place = w.open_table(PLACE)?;
            let mut queue = w.open_table(QUEUE)?;
            let mut meta = w.open_table(META)?;
            let mut seq = meta.get(NEXT_SEQ)?.map_or(0, |v| v.value());
            for (id, reason, mut row) in failed {
                let items: BatchItems = match batch_items.get(id)? {
                    Some(v) => decode("batch_items", v.value())?,
                    None => {
                        return Err(StoreError::Corrupt {
                            table: "batch_items",
                            why: format!("no items of batch {id}"),
                        })
                    }
                };
                for digest in &items.digests {
                    place.remove(digest.as_slice())?;
                    queue.insert(seq, digest.as_slice())?;
                    seq = seq.saturating_add(1);
                }
                let requeued = BatchState::Requeued { reason };
                shift_counts(&w, Some(&row.state), Some(&requeued), row.items)?;
                row.state = requeued;
                batches.insert(id, row.encode().as_slice())?;
                done.push((id, row.items));
            }
            meta.insert(NEXT_SEQ, seq)?;
        }
        w.commit()?;
        Ok(done)
    }

    /// Drops what finished batches created before `cutoff_ms` keep: a final or rejected
    /// batch's items, their places and its item list (its row stays: counts and history); a
    /// requeued batch's item list. Goes in batch order and stops at the first batch that is
    /// newer, still open, or failed (waiting for the operator), at most `max` batches per
    /// call. Co-signatures given to peers before `cutoff_ms` go too, oldest first, at most
    /// `max` per call (the `/stats` count keeps them). Returns (batches, items) pruned. An item
    /// submitted again after its batch was pruned is a new item.
    pub fn prune(&self, cutoff_ms: u64, max: u64) -> Result<(u64, u64), StoreError> {
        let w = self.write()?;
        let (mut batches, mut items) = (0u64, 0u64);
        {
            let mut meta = w.open_table(META)?;
            let mut next = meta.get(PRUNE_NEXT)?.map_or(0, |v| v.value());
            let rows = w.open_table(BATCHES)?;
            let mut lists = w.open_table(BATCH_ITEMS)?;
            let mut stored = w.open_table(ITEMS)?;
            let mut place = w.open_table(PLACE)?;
            let mut roots = w.open_table(ROOTS)?;
            let mut nodes = w.open_table(NODES)?;
            let mut chunks = w.open_table(NODE_CHUNKS)?;
            while batches < max {
                let Some(row) = rows.get(next)?.map(|v| v.value().to_vec()) else {
                    break;
                };
                let row: BatchRow = decode("batches", &row)?;
                if row.created_ms >= cutoff_ms {
                    break;
                }
                let list: Option<BatchItems> = match lists.get(next)? {
                    Some(v) => Some(decode("batch_items", v.value())?),
                    None => None,
                };
                match row.state {
                    BatchState::Final { .. } | BatchState::Rejected { .. } => {
                        for digest in list.iter().flat_map(|l| &l.digests) {
                            stored.remove(digest.as_slice())?;
                            place.remove(digest.as_slice())?;
                            items += 1;
                        }
                        // The root names this batch only if no later batch took it.
                        let ours = roots.get(row.root.as_slice())?.map(|v| v.value()) == Some(next);
                        if ours {
                            roots.remove(row.root.as_slice())?;
                        }
                    }
                    BatchState::Requeued { .. } => {}
                    _ => break,
                }
                lists.remove(next)?;
                // Every level's rows of this batch (and the rows per node an older store
                // kept), by range.
                let span = (next, 0u8, 0u32)..=(next, u8::MAX, u32::MAX);
                chunks.retain_in(span.clone(), |_, _| false)?;
                nodes.retain_in(span, |_, _| false)?;
                batches += 1;
                next += 1;
            }
            meta.insert(PRUNE_NEXT, next)?;
            // Co-signatures given before the cutoff, oldest first; the count of those given
            // stays whole (`COSIGNED_PRUNED` keeps the dropped ones).
            let mut given = w.open_table(COSIGNED)?;
            let mut at = w.open_table(COSIGNED_AT)?;
            let old: Vec<(u64, Vec<u8>)> = at
                .range::<(u64, &[u8])>(..(cutoff_ms, [].as_slice()))?
                .take(usize::try_from(max).unwrap_or(usize::MAX))
                .map(|entry| entry.map(|(k, _)| (k.value().0, k.value().1.to_vec())))
                .collect::<Result<_, _>>()?;
            for (signed_ms, root) in &old {
                at.remove((*signed_ms, root.as_slice()))?;
                given.remove(root.as_slice())?;
            }
            let pruned = meta.get(COSIGNED_PRUNED)?.map_or(0, |v| v.value());
            meta.insert(COSIGNED_PRUNED, pruned.saturating_add(old.len() as u64))?;
        }
        w.commit()?;
        Ok((batches, items))
    }

    /// Items by state, batches, co-signatures given.
    pub fn stats(&self) -> Result<Stats, StoreError> {
        let r = self.db.begin_read()?;
        let counts = r.open_table(COUNTS)?;
        let count = |name: &str| -> Result<u64, StoreError> {
            Ok(counts.get(name)?.map_or(0, |v| v.value()))
        };
        Ok(Stats {
            queued: r.open_table(QUEUE)?.len()?,
            verified: count("verified")?,
            sent: count("sent")?,
            attested: count("attested")?,
            r#final: count("final")?,
            rejected: count("rejected")?,
            failed: count("failed")?,
            quarantined: r.open_table(QUARANTINE)?.len()?,
            batches: r.open_table(BATCHES)?.len()?,
            cosigned: r.open_table(COSIGNED)?.len()?.saturating_add(
                r.open_table(META)?
                    .get(COSIGNED_PRUNED)?
                    .map_or(0, |v| v.value()),
            ),
        })
    }
}
