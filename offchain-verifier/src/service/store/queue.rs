//! Intake and the queue: accepted items stored and queued, the oldest read for a batch, and
//! the entries that cannot be read moved to the quarantine.

use super::*;

impl Store {
    /// Stores new items (digest, SCALE item) in one commit and queues them; the digests that
    /// were already stored are left as they are. Returns, per input, whether it was new (of
    /// the same digest given twice, the first).
    pub fn accept(
        &self,
        items: &[([u8; 32], Vec<u8>)],
        now_ms: u64,
    ) -> Result<Vec<bool>, StoreError> {
        // The item rows are keyed by digest, so a group in arrival order lands all over the
        // table: they are looked up and inserted in digest order (each leaf page visited
        // once, while it is in cache), and queued in arrival order.
        let mut order: Vec<usize> = (0..items.len()).collect();
        order.sort_unstable_by(|&a, &b| items[a].0.cmp(&items[b].0).then(a.cmp(&b)));
        let w = self.write()?;
        let mut fresh = vec![false; items.len()];
        {
            let mut rows = w.open_table(ITEMS)?;
            let mut previous: Option<&[u8; 32]> = None;
            for &i in &order {
                let (digest, item) = &items[i];
                if previous == Some(digest) {
                    continue;
                }
                previous = Some(digest);
                if rows.get(digest.as_slice())?.is_some() {
                    continue;
                }
                // The encoding of an `ItemRow`, without copying the item first.
                let row = (item.as_slice(), now_ms).encode();
                rows.insert(digest.as_slice(), row.as_slice())?;
                fresh[i] = true;
            }
            let mut queue = w.open_table(QUEUE)?;
            let mut meta = w.open_table(META)?;
            let mut seq = meta.get(NEXT_SEQ)?.map_or(0, |v| v.value());
            for ((digest, _), _) in items.iter().zip(&fresh).filter(|(_, new)| **new) {
                queue.insert(seq, digest.as_slice())?;
                seq += 1;
            }
            meta.insert(NEXT_SEQ, seq)?;
        }
        w.commit()?;
        Ok(fresh)
    }

    /// Queued items and the intake time of the oldest.
    pub fn queue_state(&self) -> Result<(u64, Option<u64>), StoreError> {
        let r = self.db.begin_read()?;
        let queue = r.open_table(QUEUE)?;
        let len = queue.len()?;
        let oldest = match queue.first()? {
            Some((_, digest)) => match self.item_in(&r, digest.value()) {
                Ok(row) => row.map(|row| row.received_ms),
                // Unreadable: due at once, so that the batcher quarantines it.
                Err(StoreError::Corrupt { .. }) => Some(0),
                Err(e) => return Err(e),
            },
            None => None,
        };
        Ok((len, oldest))
    }

    /// The oldest queued items, up to `max` of them and `max_bytes` of encoded items (at
    /// least one): (sequence, digest, row); and the entries met on the way that cannot be
    /// read (sequence, the queued digest bytes, why), for [`Self::quarantine`].
    pub fn peek_queue(&self, max: usize, max_bytes: usize) -> Result<Peeked, StoreError> {
        let r = self.db.begin_read()?;
        let queue = r.open_table(QUEUE)?;
        let mut peeked = Peeked::default();
        let mut bytes = 0usize;
        for entry in queue.iter()? {
            if peeked.items.len() >= max {
                break;
            }
            let (seq, digest) = entry?;
            let (seq, raw) = (seq.value(), digest.value().to_vec());
            let Ok(digest) = <[u8; 32]>::try_from(raw.as_slice()) else {
                peeked
                    .bad
                    .push((seq, raw, "digest of the wrong length".into()));
                continue;
            };
            let row = match self.item_in(&r, &digest) {
                Ok(Some(row)) => row,
                Ok(None) => {
                    peeked
                        .bad
                        .push((seq, raw, "queued digest with no item".into()));
                    continue;
                }
                Err(StoreError::Corrupt { why, .. }) => {
                    peeked
                        .bad
                        .push((seq, raw, format!("item row undecodable: {why}")));
                    continue;
                }
                Err(e) => return Err(e),
            };
            if !peeked.items.is_empty() && bytes.saturating_add(row.item.len()) > max_bytes {
                break;
            }
            bytes = bytes.saturating_add(row.item.len());
            peeked.items.push((seq, digest, row));
        }
        Ok(peeked)
    }

    /// Takes the entries `bad` (sequence, digest bytes, why) out of the queue into the
    /// quarantine table, in one commit. Their items stay stored.
    pub fn quarantine(&self, bad: &[(u64, Vec<u8>, String)]) -> Result<(), StoreError> {
        let w = self.write()?;
        {
            let mut queue = w.open_table(QUEUE)?;
            let mut quarantine = w.open_table(QUARANTINE)?;
            for (seq, digest, why) in bad {
                queue.remove(*seq)?;
                quarantine.insert(*seq, (digest, why).encode().as_slice())?;
            }
        }
        w.commit()?;
        Ok(())
    }

    /// The quarantined entries: (sequence, digest bytes, why).
    pub fn quarantined(&self) -> Result<Vec<(u64, Vec<u8>, String)>, StoreError> {
        let r = self.db.begin_read()?;
        let table = r.open_table(QUARANTINE)?;
        let mut out = Vec::new();
        for entry in table.iter()? {
            let (seq, value) = entry?;
            let (digest, why): (Vec<u8>, String) = decode("quarantine", value.value())?;
            out.push((seq.value(), digest, why));
        }
        Ok(out)
    }
}
