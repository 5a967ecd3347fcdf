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

mod audit;
mod batches;
mod queue;
mod upkeep;

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

    /// The item row stored under `digest`, read in `r` (the queue and the batches share it).
    fn item_in(
        &self,
        r: &redb::ReadTransaction,
        digest: &[u8],
    ) -> Result<Option<ItemRow>, StoreError> {
        let rows = r.open_table(ITEMS)?;
        let row = rows.get(digest)?;
        row.map(|v| decode("items", v.value())).transpose()
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
}

#[cfg(test)]
mod tests;
