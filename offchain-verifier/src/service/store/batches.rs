//! Batches: a verified batch recorded with its items' places and tree, its state moved on, and
//! what a batch, an item or a root is read back as.

use super::*;

impl Store {
    /// Records a verified batch made of the queued entries `seqs`, in one commit: the batch,
    /// its items' places, its root, and the entries leave the queue. Its id.
    pub fn commit_batch(
        &self,
        seqs: &[u64],
        row: &BatchRow,
        items: &BatchItems,
        levels: &[Vec<[u8; 32]>],
    ) -> Result<u64, StoreError> {
        let w = self.write()?;
        let id;
        {
            let mut meta = w.open_table(META)?;
            id = meta.get(NEXT_BATCH)?.map_or(0, |v| v.value());
            meta.insert(NEXT_BATCH, id + 1)?;
            let mut queue = w.open_table(QUEUE)?;
            for seq in seqs {
                queue.remove(*seq)?;
            }
            let mut place = w.open_table(PLACE)?;
            for (index, digest) in items.digests.iter().enumerate() {
                let index = u32::try_from(index).unwrap_or(u32::MAX);
                place.insert(digest.as_slice(), (id, index))?;
            }
            w.open_table(BATCHES)?.insert(id, row.encode().as_slice())?;
            shift_counts(&w, None, Some(&row.state), row.items)?;
            w.open_table(BATCH_ITEMS)?
                .insert(id, items.encode().as_slice())?;
            let mut chunks = w.open_table(NODE_CHUNKS)?;
            for (level, hashes) in levels.iter().enumerate() {
                let level = u8::try_from(level).map_err(|_| StoreError::Corrupt {
                    table: "node_chunks",
                    why: "a tree of more than 255 levels".into(),
                })?;
                for (chunk, hashes) in hashes.chunks(CHUNK).enumerate() {
                    let chunk = u32::try_from(chunk).map_err(|_| StoreError::Corrupt {
                        table: "node_chunks",
                        why: "a level of more than 2^32 chunks".into(),
                    })?;
                    chunks.insert((id, level, chunk), hashes.concat().as_slice())?;
                }
            }
            w.open_table(ROOTS)?.insert(row.root.as_slice(), id)?;
            w.open_table(OPEN)?.insert(id, ())?;
        }
        w.commit()?;
        Ok(id)
    }

    pub fn batch(&self, id: u64) -> Result<Option<BatchRow>, StoreError> {
        let r = self.db.begin_read()?;
        let table = r.open_table(BATCHES)?;
        let row = table.get(id)?;
        row.map(|v| decode("batches", v.value())).transpose()
    }

    pub fn batch_items(&self, id: u64) -> Result<Option<BatchItems>, StoreError> {
        let r = self.db.begin_read()?;
        let table = r.open_table(BATCH_ITEMS)?;
        let row = table.get(id)?;
        row.map(|v| decode("batch_items", v.value())).transpose()
    }

    /// The leaf hash of the item at `index` of batch `id` (of `size` items, root `root`) and
    /// its audit path, read from the kept tree levels: `None` when they are not kept (a
    /// pruned batch, or one stored before the levels were).
    pub fn path(
        &self,
        id: u64,
        index: u64,
        size: u64,
        root: &[u8; 32],
    ) -> Result<Option<KeptPath>, StoreError> {
        if index >= size {
            return Ok(None);
        }
        if size == 1 {
            return Ok(Some((*root, Vec::new())));
        }
        let r = self.db.begin_read()?;
        let chunks = r.open_table(NODE_CHUNKS)?;
        let get = |level: u8, i: u64| -> Result<Option<[u8; 32]>, StoreError> {
            let (chunk, at) = (i / CHUNK as u64, (i % CHUNK as u64) as usize * 32);
            let Ok(chunk) = u32::try_from(chunk) else {
                return Ok(None);
            };
            match chunks.get((id, level, chunk))? {
                Some(v) => Ok(v
                    .value()
                    .get(at..at + 32)
                    .and_then(|h| <[u8; 32]>::try_from(h).ok())),
                None => Ok(None),
            }
        };
        let Some(leaf) = get(0, index)? else {
            return Ok(None);
        };
        let (mut i, mut len, mut level, mut path) = (index, size, 0u8, Vec::new());
        while len > 1 {
            let sibling = i ^ 1;
            if sibling < len {
                match get(level, sibling)? {
                    Some(hash) => path.push(hash),
                    None => return Ok(None),
                }
            }
            i >>= 1;
            len = len.div_ceil(2);
            level = level.saturating_add(1);
        }
        Ok(Some((leaf, path)))
    }

    /// The SCALE encodings of `digests`' items, in order.
    pub fn items(&self, digests: &[[u8; 32]]) -> Result<Vec<Vec<u8>>, StoreError> {
        let r = self.db.begin_read()?;
        digests
            .iter()
            .map(|d| {
                self.item_in(&r, d)?
                    .map(|row| row.item)
                    .ok_or(StoreError::Corrupt {
                        table: "items",
                        why: "batched digest with no item".into(),
                    })
            })
            .collect()
    }

    /// Moves batch `id` to `state` in one commit.
    pub fn set_state(&self, id: u64, state: BatchState) -> Result<(), StoreError> {
        let w = self.write()?;
        {
            let mut table = w.open_table(BATCHES)?;
            let mut row: BatchRow = match table.get(id)? {
                Some(v) => decode("batches", v.value())?,
                None => {
                    return Err(StoreError::Corrupt {
                        table: "batches",
                        why: format!("no batch {id}"),
                    })
                }
            };
            let open = state.is_open();
            shift_counts(&w, Some(&row.state), Some(&state), row.items)?;
            row.state = state;
            table.insert(id, row.encode().as_slice())?;
            let mut open_table = w.open_table(OPEN)?;
            if open {
                open_table.insert(id, ())?;
            } else {
                open_table.remove(id)?;
            }
        }
        w.commit()?;
        Ok(())
    }

    /// Batches not yet final, rejected or failed, oldest first.
    pub fn open_batches(&self) -> Result<Vec<u64>, StoreError> {
        let r = self.db.begin_read()?;
        let table = r.open_table(OPEN)?;
        let mut ids = Vec::new();
        for entry in table.iter()? {
            ids.push(entry?.0.value());
        }
        Ok(ids)
    }

    pub fn item(&self, digest: &[u8; 32]) -> Result<Option<ItemRow>, StoreError> {
        let r = self.db.begin_read()?;
        self.item_in(&r, digest)
    }

    pub fn place(&self, digest: &[u8; 32]) -> Result<Option<(u64, u32)>, StoreError> {
        let r = self.db.begin_read()?;
        let table = r.open_table(PLACE)?;
        let place = table.get(digest.as_slice())?.map(|v| v.value());
        Ok(place)
    }

    pub fn batch_of_root(&self, root: &[u8; 32]) -> Result<Option<u64>, StoreError> {
        let r = self.db.begin_read()?;
        let table = r.open_table(ROOTS)?;
        let id = table.get(root.as_slice())?.map(|v| v.value());
        Ok(id)
    }
}
