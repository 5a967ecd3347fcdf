//! The verifier's durable state, in redb (ACID, every commit fsynced before it returns).
//!
//! An item is written here before the API answers "accepted". It then moves
//! received (queued) → verified (placed in a batch) → attested (the batch's transaction is
//! stored *before* it is sent, then its inclusion recorded) → final; each move is one commit,
//! so a crash at any point leaves every item in exactly one of those states.

use dynamis_deploy::link::Signed;
use redb::{Database, ReadableTable, ReadableTableMetadata, TableDefinition};
use scale::{Decode, Encode};
use std::path::Path;

/// digest → [`ItemRow`].
const ITEMS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("items");
/// intake sequence number → digest, for items not yet in a batch (the queue).
const QUEUE: TableDefinition<u64, &[u8]> = TableDefinition::new("queue");
/// digest → (batch id, index) once an item is in a batch.
const PLACE: TableDefinition<&[u8], (u64, u32)> = TableDefinition::new("place");
/// batch id → [`BatchRow`] (small: counts and state).
const BATCHES: TableDefinition<u64, &[u8]> = TableDefinition::new("batches");
/// batch id → [`BatchItems`] (digests, verdicts, intake times).
const BATCH_ITEMS: TableDefinition<u64, &[u8]> = TableDefinition::new("batch_items");
/// batch id → () while the batch is not final, rejected or failed.
const OPEN: TableDefinition<u64, ()> = TableDefinition::new("open");
/// batch root → batch id.
const ROOTS: TableDefinition<&[u8], u64> = TableDefinition::new("roots");
/// root → [`CoSigned`]: attestations this verifier signed for a peer.
const COSIGNED: TableDefinition<&[u8], &[u8]> = TableDefinition::new("cosigned");
/// (signed at ms, root) → (): the co-signatures in the order they were given, so that the
/// pruner drops those past their retention from the oldest without reading the rest.
const COSIGNED_AT: TableDefinition<(u64, &[u8]), ()> = TableDefinition::new("cosigned_at");
/// Counters: next intake sequence, next batch id, next attestation id to audit.
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
/// Queue entries that could not be read or decoded, taken out of the queue so that they
/// never stop the batcher: sequence → SCALE (digest bytes, reason).
const QUARANTINE: TableDefinition<u64, &[u8]> = TableDefinition::new("quarantine");
/// attestation id → [`PendingAudit`]: other verifiers' attestations whose data could not be
/// had yet, retried with backoff until audited, requested on-chain, or no longer pending.
const AUDITS: TableDefinition<u64, &[u8]> = TableDefinition::new("audits");
/// Batch state name → items of the batches in that state, kept in the commit that moves them,
/// so that `/stats` reads six numbers rather than every batch.
const COUNTS: TableDefinition<&str, u64> = TableDefinition::new("counts");
/// (batch id, level, index) → node hash: the tree levels as stores before [`NODE_CHUNKS`]
/// kept them, one row per node. Only pruned now.
const NODES: TableDefinition<(u64, u8, u32), &[u8]> = TableDefinition::new("nodes");
/// (batch id, level, chunk) → up to [`CHUNK`] node hashes, concatenated: every level of each
/// batch's tree below the root, so that an item's proof is read off in one lookup per level.
/// A row per node cost two B-tree inserts per item in the batch's commit; a row per chunk
/// costs one per 32 items.
const NODE_CHUNKS: TableDefinition<(u64, u8, u32), &[u8]> = TableDefinition::new("node_chunks");
/// Node hashes per [`NODE_CHUNKS`] row (2 KiB).
const CHUNK: usize = 64;
/// The next batch id the pruner looks at (every batch before it is pruned or was kept on).
const PRUNE_NEXT: &str = "prune_next";
/// Set once `COUNTS` has been filled from the batches (a store older than it is counted once).
const COUNTS_READY: &str = "counts_ready";

/// The name a state's items are counted under (a requeued batch's items are counted where
/// they are now).
fn counted(state: &BatchState) -> Option<&'static str> {
    match state {
        BatchState::Requeued { .. } => None,
        other => Some(other.name()),
    }
}

/// Moves `items` from `from`'s count to `to`'s, inside the commit that moves the batch.
fn shift_counts(
    w: &redb::WriteTransaction,
    from: Option<&BatchState>,
    to: Option<&BatchState>,
    items: u64,
) -> Result<(), StoreError> {
    let mut counts = w.open_table(COUNTS)?;
    if let Some(key) = from.and_then(counted) {
        let n = counts.get(key)?.map_or(0, |v| v.value());
        counts.insert(key, n.saturating_sub(items))?;
    }
    if let Some(key) = to.and_then(counted) {
        let n = counts.get(key)?.map_or(0, |v| v.value());
        counts.insert(key, n.saturating_add(items))?;
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store: {0}")]
    Db(String),
    #[error("store: corrupt row in {table}: {why}")]
    Corrupt { table: &'static str, why: String },
}

macro_rules! db_errors {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                Self::Db(e.to_string())
            }
        }
    )*};
}
db_errors!(
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

fn decode<T: Decode>(table: &'static str, bytes: &[u8]) -> Result<T, StoreError> {
    T::decode(&mut &bytes[..]).map_err(|e| StoreError::Corrupt {
        table,
        why: e.to_string(),
    })
}

/// An accepted item.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct ItemRow {
    /// SCALE encoding of the item.
    pub item: Vec<u8>,
    pub received_ms: u64,
}

/// Where a batch is in its life.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub enum BatchState {
    /// Verified, its tree built; waiting for co-signatures.
    Verified,
    /// Co-signed; the submit transaction below was stored before it was sent.
    Sent { tx: Signed },
    /// Included on-chain as attestation `id`.
    Attested { id: u64, block: u32, tx: [u8; 32] },
    /// Final on-chain: its capacity is credited.
    Final { id: u64 },
    /// Proven false or contested on-chain.
    Rejected { id: u64 },
    /// Refused on-chain for a reason retrying cannot fix.
    Failed { reason: String },
    /// Was failed (`reason`); an operator put its items back in the queue, where they went
    /// into later batches.
    Requeued { reason: String },
}

impl BatchState {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Verified => "verified",
            Self::Sent { .. } => "sent",
            Self::Attested { .. } => "attested",
            Self::Final { .. } => "final",
            Self::Rejected { .. } => "rejected",
            Self::Failed { .. } => "failed",
            Self::Requeued { .. } => "requeued",
        }
    }

    pub fn is_open(&self) -> bool {
        matches!(
            self,
            Self::Verified | Self::Sent { .. } | Self::Attested { .. }
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct BatchRow {
    pub root: [u8; 32],
    pub items: u64,
    /// Valid items per kind (`Kind::ALL` order), as the attestation carries them.
    pub valid: [u64; 5],
    pub regime: dynamis_proofs::Regime,
    pub created_ms: u64,
    pub state: BatchState,
}

#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct BatchItems {
    pub digests: Vec<[u8; 32]>,
    pub valid: Vec<bool>,
    pub received_ms: Vec<u64>,
}

/// What the store records of a freshly verified batch: its row (state `Verified`) and its
/// items in batch order, with their intake times (`received_ms`, in batch order too).
pub fn batch_record(
    batch: &crate::Batch,
    regime: dynamis_proofs::Regime,
    created_ms: u64,
    received_ms: Vec<u64>,
) -> (BatchRow, BatchItems) {
    let row = BatchRow {
        root: batch.root(),
        items: batch.len(),
        valid: batch.valid_per_kind(),
        regime,
        created_ms,
        state: BatchState::Verified,
    };
    let items = BatchItems {
        valid: batch
            .verdicts
            .iter()
            .map(|v| *v == dynamis_proofs::Verdict::Valid)
            .collect(),
        digests: batch.digests.clone(),
        received_ms,
    };
    (row, items)
}

/// An item's leaf hash and its audit path, bottom up, as the kept tree levels give them.
pub type KeptPath = ([u8; 32], Vec<[u8; 32]>);

/// An audit that waits: its batch data was withheld, or its submitter unreachable.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct PendingAudit {
    /// Fetches tried so far.
    pub attempts: u32,
    /// Not tried again before this time (ms since the epoch).
    pub next_ms: u64,
    /// The index this verifier asked for on-chain (`request_item`), once it did.
    pub requested: Option<u64>,
}

/// An attestation this verifier co-signed for a leader.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct CoSigned {
    pub attestation: dynamis_proofs::Attestation,
    pub signed_ms: u64,
}

/// Item counts by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stats {
    pub queued: u64,
    pub verified: u64,
    pub sent: u64,
    pub attested: u64,
    pub r#final: u64,
    pub rejected: u64,
    pub failed: u64,
    /// Queue entries taken out because they could not be read (see the log and
    /// `items_quarantined_total`).
    #[serde(default)]
    pub quarantined: u64,
    pub batches: u64,
    pub cosigned: u64,
}

impl Stats {
    /// Every item the store holds.
    pub fn accepted(&self) -> u64 {
        self.queued
            + self.verified
            + self.sent
            + self.attested
            + self.r#final
            + self.rejected
            + self.failed
            + self.quarantined
    }
}

pub struct Store {
    db: Database,
}

/// What [`Store::peek_queue`] found.
#[derive(Debug, Default)]
pub struct Peeked {
    pub items: Vec<(u64, [u8; 32], ItemRow)>,
    pub bad: Vec<(u64, Vec<u8>, String)>,
}

pub const NEXT_SEQ: &str = "next_seq";
pub const NEXT_BATCH: &str = "next_batch";
pub const AUDIT_NEXT: &str = "audit_next";
/// Co-signatures given and since pruned (`/stats` counts them with those kept).
const COSIGNED_PRUNED: &str = "cosigned_pruned";

impl Store {
    /// A write transaction: durable (fsynced when it commits) unless the crash test's
    /// `skip-fsync` fault is injected.
    fn write(&self) -> Result<redb::WriteTransaction, StoreError> {
        let mut w = self.db.begin_write()?;
        if super::failpoint::skip_fsync() {
            w.set_durability(redb::Durability::None);
        }
        Ok(w)
    }

    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let db = Database::create(path)?;
        let w = db.begin_write()?;
        {
            w.open_table(ITEMS)?;
            w.open_table(QUEUE)?;
            w.open_table(PLACE)?;
            w.open_table(BATCHES)?;
            w.open_table(BATCH_ITEMS)?;
            w.open_table(OPEN)?;
            w.open_table(ROOTS)?;
            w.open_table(COSIGNED)?;
            w.open_table(COSIGNED_AT)?;
            w.open_table(META)?;
            w.open_table(QUARANTINE)?;
            w.open_table(AUDITS)?;
            w.open_table(COUNTS)?;
            w.open_table(NODES)?;
            w.open_table(NODE_CHUNKS)?;
            let ready = w
                .open_table(META)?
                .get(COUNTS_READY)?
                .map_or(0, |v| v.value());
            if ready == 0 {
                let mut rows = Vec::new();
                for entry in w.open_table(BATCHES)?.iter()? {
                    let row: BatchRow = decode("batches", entry?.1.value())?;
                    rows.push(row);
                }
                for row in &rows {
                    shift_counts(&w, None, Some(&row.state), row.items)?;
                }
                w.open_table(META)?.insert(COUNTS_READY, 1)?;
            }
        }
        w.commit()?;
        Ok(Self { db })
    }

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

    fn item_in(
        &self,
        r: &redb::ReadTransaction,
        digest: &[u8],
    ) -> Result<Option<ItemRow>, StoreError> {
        let rows = r.open_table(ITEMS)?;
        let row = rows.get(digest)?;
        row.map(|v| decode("items", v.value())).transpose()
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

    /// Records an attestation co-signed for a peer (before the signature leaves).
    pub fn cosigned(&self, record: &CoSigned) -> Result<(), StoreError> {
        let w = self.write()?;
        let root = record.attestation.root.as_slice();
        w.open_table(COSIGNED)?
            .insert(root, record.encode().as_slice())?;
        w.open_table(COSIGNED_AT)?
            .insert((record.signed_ms, root), ())?;
        w.commit()?;
        Ok(())
    }

    /// Records (or, with `None`, ends) the pending audit of attestation `id`.
    pub fn set_audit(&self, id: u64, audit: Option<&PendingAudit>) -> Result<(), StoreError> {
        let w = self.write()?;
        {
            let mut table = w.open_table(AUDITS)?;
            match audit {
                Some(a) => {
                    table.insert(id, a.encode().as_slice())?;
                }
                None => {
                    table.remove(id)?;
                }
            }
        }
        w.commit()?;
        Ok(())
    }

    /// Every pending audit, by attestation id.
    pub fn audits(&self) -> Result<Vec<(u64, PendingAudit)>, StoreError> {
        let r = self.db.begin_read()?;
        let mut all = Vec::new();
        for entry in r.open_table(AUDITS)?.iter()? {
            let (id, value) = entry?;
            all.push((id.value(), decode("audits", value.value())?));
        }
        Ok(all)
    }

    pub fn meta(&self, key: &str) -> Result<u64, StoreError> {
        let r = self.db.begin_read()?;
        let table = r.open_table(META)?;
        let value = table.get(key)?.map_or(0, |v| v.value());
        Ok(value)
    }

    pub fn set_meta(&self, key: &str, value: u64) -> Result<(), StoreError> {
        let w = self.write()?;
        w.open_table(META)?.insert(key, value)?;
        w.commit()?;
        Ok(())
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    /// An empty store in a directory of its own (dynamis-`name`-pid): the directory, the
    /// store's path, the store.
    fn fresh_store(name: &str) -> (std::path::PathBuf, std::path::PathBuf, Store) {
        let dir = std::env::temp_dir().join(format!("dynamis-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("store.redb");
        let _ = std::fs::remove_file(&path);
        let store = Store::open(&path).expect("open");
        (dir, path, store)
    }

    /// The items per state, counted the slow way: every batch read.
    fn scanned(store: &Store, batches: u64) -> [u64; 6] {
        let mut n = [0u64; 6];
        for id in 0..batches {
            let row = store.batch(id).expect("read").expect("batch");
            let slot = match row.state {
                BatchState::Verified => 0,
                BatchState::Sent { .. } => 1,
                BatchState::Attested { .. } => 2,
                BatchState::Final { .. } => 3,
                BatchState::Rejected { .. } => 4,
                BatchState::Failed { .. } => 5,
                BatchState::Requeued { .. } => continue,
            };
            n[slot] += row.items;
        }
        n
    }

    fn kept(s: &Stats) -> [u64; 6] {
        [
            s.verified, s.sent, s.attested, s.r#final, s.rejected, s.failed,
        ]
    }

    #[test]
    fn the_kept_counts_are_the_batches_counted_one_by_one_after_every_move() {
        let (dir, path, store) = fresh_store("counts");
        let mut rng = 7u64;
        let mut next = || {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            rng >> 33
        };
        let mut batches = 0u64;
        for step in 0..300u64 {
            match next() % 4 {
                0 | 1 => {
                    let items = 1 + next() % 50;
                    let row = BatchRow {
                        root: [step as u8; 32],
                        items,
                        valid: [0; 5],
                        regime: dynamis_proofs::Regime::Session,
                        created_ms: 0,
                        state: BatchState::Verified,
                    };
                    let digests: Vec<[u8; 32]> = (0..items)
                        .map(|i| {
                            let mut d = [0u8; 32];
                            d[..8].copy_from_slice(&step.to_le_bytes());
                            d[8..16].copy_from_slice(&i.to_le_bytes());
                            d
                        })
                        .collect();
                    let batch_items = BatchItems {
                        valid: vec![true; digests.len()],
                        received_ms: vec![0; digests.len()],
                        digests,
                    };
                    let levels = crate::batch::levels_of(&batch_items.digests, &batch_items.valid);
                    store
                        .commit_batch(&[], &row, &batch_items, &levels)
                        .expect("batch");
                    batches += 1;
                }
                2 if batches > 0 => {
                    let id = next() % batches;
                    let state = match next() % 5 {
                        0 => BatchState::Attested {
                            id,
                            block: 1,
                            tx: [0; 32],
                        },
                        1 => BatchState::Final { id },
                        2 => BatchState::Rejected { id },
                        3 => BatchState::Failed {
                            reason: "test".into(),
                        },
                        _ => BatchState::Verified,
                    };
                    store.set_state(id, state).expect("move");
                }
                _ => {
                    store.requeue_failed().expect("requeue");
                }
            }
            assert_eq!(
                kept(&store.stats().expect("stats")),
                scanned(&store, batches),
                "step {step}"
            );
        }
        // A store whose counts were never kept (older than them) is counted once on opening.
        {
            let w = store.db.begin_write().expect("write");
            w.delete_table(COUNTS).expect("drop counts");
            w.open_table(META)
                .expect("meta")
                .insert(COUNTS_READY, 0)
                .expect("reset");
            w.commit().expect("commit");
        }
        drop(store);
        let store = Store::open(&path).expect("reopen");
        assert_eq!(
            kept(&store.stats().expect("stats")),
            scanned(&store, batches)
        );
        assert!(kept(&store.stats().expect("stats")).iter().sum::<u64>() > 0);
        std::fs::remove_dir_all(&dir).expect("clean");
    }

    #[test]
    fn accept_keeps_arrival_order_in_the_queue_and_the_first_of_a_repeated_digest() {
        let (dir, _, store) = fresh_store("accept");
        store.accept(&[([5; 32], vec![5])], 1).expect("accept");
        // Digests out of order, one already stored (5), one given twice (3).
        let keyed: Vec<([u8; 32], Vec<u8>)> = [9u8, 3, 5, 1, 3, 7]
            .iter()
            .map(|&d| ([d; 32], vec![d, d]))
            .collect();
        let fresh = store.accept(&keyed, 2).expect("accept");
        assert_eq!(fresh, vec![true, true, false, true, false, true]);
        let queued: Vec<u8> = store
            .peek_queue(100, usize::MAX)
            .expect("peek")
            .items
            .iter()
            .map(|(_, digest, _)| digest[0])
            .collect();
        assert_eq!(queued, vec![5, 9, 3, 1, 7]);
        // The row written without building an `ItemRow` decodes as one.
        assert_eq!(
            store.item(&[9; 32]).expect("read"),
            Some(ItemRow {
                item: vec![9, 9],
                received_ms: 2
            })
        );
        assert_eq!(
            store.item(&[5; 32]).expect("read").map(|r| r.received_ms),
            Some(1)
        );
        std::fs::remove_dir_all(&dir).expect("clean");
    }

    #[test]
    fn pruning_drops_finished_batches_items_in_order_and_waits_at_a_failed_one() {
        let (dir, _, store) = fresh_store("prune");
        // Five batches of three items, created at 0, 10, 20, 30, 40 ms.
        let mut digests = Vec::new();
        for b in 0..5u8 {
            let keyed: Vec<([u8; 32], Vec<u8>)> =
                (0..3u8).map(|i| ([b * 10 + i; 32], vec![b, i])).collect();
            store.accept(&keyed, 0).expect("accept");
            let seqs: Vec<u64> = store
                .peek_queue(3, usize::MAX)
                .expect("peek")
                .items
                .iter()
                .map(|e| e.0)
                .collect();
            let row = BatchRow {
                root: [100 + b; 32],
                items: 3,
                valid: [0; 5],
                regime: dynamis_proofs::Regime::Session,
                created_ms: u64::from(b) * 10,
                state: BatchState::Verified,
            };
            let list = BatchItems {
                digests: keyed.iter().map(|(d, _)| *d).collect(),
                valid: vec![true; 3],
                received_ms: vec![0; 3],
            };
            let levels = crate::batch::levels_of(&list.digests, &list.valid);
            let id = store
                .commit_batch(&seqs, &row, &list, &levels)
                .expect("batch");
            digests.push(list.digests);
            let state = match b {
                0 => BatchState::Final { id: 0 },
                1 => BatchState::Rejected { id: 1 },
                2 => BatchState::Failed {
                    reason: "test".into(),
                },
                _ => BatchState::Final { id: u64::from(b) },
            };
            store.set_state(id, state).expect("state");
        }
        // Co-signatures given at 5, 34 and 36 ms.
        let given = |root: u8| -> bool {
            let r = store.db.begin_read().expect("read");
            let table = r.open_table(COSIGNED).expect("table");
            let found = table.get([root; 32].as_slice()).expect("get").is_some();
            found
        };
        for (root, signed_ms) in [(7u8, 5u64), (8, 34), (9, 36)] {
            let attestation = dynamis_proofs::Attestation {
                epoch: 0,
                root: [root; 32],
                items: 1,
                valid: [0; 5],
                regime: dynamis_proofs::Regime::Session,
            };
            store
                .cosigned(&CoSigned {
                    attestation,
                    signed_ms,
                })
                .expect("cosigned");
        }
        let before = store.stats().expect("stats");
        assert_eq!(before.cosigned, 3);
        // Everything older than 35 ms may go: batches 0 and 1 do, the failed batch 2 stops
        // the pruner (3 waits behind it although it is old enough); the co-signatures of 5 and
        // 34 ms go, the one of 36 ms stays, and the count of those given stays 3.
        assert_eq!(store.prune(35, 100).expect("prune"), (2, 6));
        assert_eq!((given(7), given(8), given(9)), (false, false, true));
        for d in digests[0].iter().chain(&digests[1]) {
            assert_eq!(store.item(d).expect("read"), None);
            assert_eq!(store.place(d).expect("read"), None);
        }
        assert_eq!(store.batch_items(0).expect("read"), None);
        assert_eq!(store.batch_of_root(&[100; 32]).expect("read"), None);
        // The pruned batches' tree levels went with them; a kept batch's stay.
        for id in [0, 1] {
            assert_eq!(store.path(id, 0, 3, &[100; 32]).expect("read"), None);
        }
        assert!(store.path(3, 2, 3, &[103; 32]).expect("read").is_some());
        assert!(store.item(&digests[3][0]).expect("read").is_some());
        // Counts and rows stay.
        assert_eq!(store.stats().expect("stats"), before);
        assert!(store.batch(0).expect("read").is_some());
        // Nothing more while batch 2 waits for the operator.
        assert_eq!(store.prune(35, 100).expect("prune"), (0, 0));
        // Requeued, its list goes; batch 3 (30 ms) follows; batch 4 (40 ms) is too new. Batch
        // 2's items live on in the queue.
        assert_eq!(store.requeue_failed().expect("requeue").len(), 1);
        assert_eq!(store.prune(35, 100).expect("prune"), (2, 3));
        assert!(store.item(&digests[2][0]).expect("read").is_some());
        assert_eq!(store.item(&digests[3][0]).expect("read"), None);
        assert!(store.item(&digests[4][0]).expect("read").is_some());
        // At most `max` per call.
        assert_eq!(store.prune(u64::MAX, 0).expect("prune"), (0, 0));
        // A pruned item submitted again is a new item.
        assert_eq!(
            store
                .accept(&[(digests[0][0], vec![0, 0])], 99)
                .expect("accept"),
            vec![true]
        );
        std::fs::remove_dir_all(&dir).expect("clean");
    }

    #[test]
    fn a_kept_path_is_the_trees_own_for_every_item_of_every_size() {
        let (dir, _, store) = fresh_store("paths");
        // Past one chunk (64 hashes) at the leaves (70, 129) and one level up (300).
        for n in (1..=70u64).chain([129, 300]) {
            let digests: Vec<[u8; 32]> = (0..n)
                .map(|i| {
                    let mut d = [0u8; 32];
                    d[..8].copy_from_slice(&(n * 1_000 + i).to_le_bytes());
                    d
                })
                .collect();
            let valid: Vec<bool> = (0..n).map(|i| (i * 7 + n) % 3 != 0).collect();
            let verdicts: Vec<dynamis_proofs::Verdict> = valid
                .iter()
                .map(|v| dynamis_proofs::Verdict::of(*v))
                .collect();
            let tree = crate::batch::tree_of(&digests, &verdicts);
            let row = BatchRow {
                root: tree.root(),
                items: n,
                valid: [0; 5],
                regime: dynamis_proofs::Regime::Session,
                created_ms: 0,
                state: BatchState::Verified,
            };
            let list = BatchItems {
                digests: digests.clone(),
                valid: valid.clone(),
                received_ms: vec![0; digests.len()],
            };
            let levels = crate::batch::levels_of(&list.digests, &list.valid);
            let id = store
                .commit_batch(&[], &row, &list, &levels)
                .expect("batch");
            for index in 0..n {
                let (leaf, kept) = store
                    .path(id, index, n, &row.root)
                    .expect("read")
                    .expect("kept");
                assert_eq!(Some(leaf), tree.leaf(index), "n {n} index {index}");
                assert_eq!(Some(kept), tree.proof(index), "n {n} index {index}");
            }
            assert_eq!(store.path(id, n, n, &row.root).expect("read"), None);
        }
        std::fs::remove_dir_all(&dir).expect("clean");
    }
}
