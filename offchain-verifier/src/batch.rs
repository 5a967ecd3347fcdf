//! A verified batch: items, their verdicts and digests, the RFC 6962 tree over
//! (digest, verdict), inclusion proofs, the capacity it measured and its attestation.

use crate::{crypto::Native, verify::verify_all};
use dynamis_proofs::{
    batch_leaf, item_digest, parent, Attestation, Hash, Item, Kind, Regime, Tree, Verdict,
};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// A batch after verification.
pub struct Batch {
    pub items: Vec<Item>,
    pub verdicts: Vec<Verdict>,
    pub digests: Vec<Hash>,
    pub tree: Tree,
}

/// Valid and invalid items of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub valid: u64,
    pub invalid: u64,
}

/// What a challenger (or anyone) needs to check one item's verdict against the root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct InclusionProof {
    pub index: u64,
    pub size: u64,
    #[serde(with = "crate::input::hexa")]
    pub root: Hash,
    #[serde(with = "crate::input::hexa")]
    pub digest: Hash,
    pub valid: bool,
    #[serde(with = "crate::input::hex_list")]
    pub path: Vec<Hash>,
}

/// Capacity units an item measures when valid: one per signature or proof checked, two for
/// an ECDSA recovery (about twice the work), and one more per 1,024 hashes of a chain.
pub fn units(item: &Item) -> u64 {
    match item {
        Item::Ed25519 { .. } | Item::Sr25519 { .. } | Item::Inclusion { .. } => 1,
        Item::Ecdsa { .. } => 2,
        Item::HashChain { count, .. } => 1 + u64::from(*count) / 1024,
    }
}

/// The tree over (digest, verdict) pairs, leaves and levels hashed in parallel.
pub fn tree_of(digests: &[Hash], verdicts: &[Verdict]) -> Tree {
    let leaves: Vec<Hash> = digests
        .par_iter()
        .zip(verdicts.par_iter())
        .map(|(d, v)| batch_leaf::<Native>(d, *v))
        .collect();
    Tree::from_levels::<Native>(leaves, |level| {
        level.par_chunks(2).map(parent::<Native>).collect()
    })
}

impl Batch {
    /// Verifies `items` and builds their tree.
    pub fn verify(items: Vec<Item>) -> Self {
        let verdicts = verify_all(&items);
        Self::with_verdicts(items, verdicts)
    }

    /// The batch of `items` with the given verdicts (as a peer re-derives a leader's tree).
    pub fn with_verdicts(items: Vec<Item>, verdicts: Vec<Verdict>) -> Self {
        let digests: Vec<Hash> = items.par_iter().map(item_digest::<Native>).collect();
        let tree = tree_of(&digests, &verdicts);
        Self {
            items,
            verdicts,
            digests,
            tree,
        }
    }

    pub fn root(&self) -> Hash {
        self.tree.root()
    }

    pub fn len(&self) -> u64 {
        self.items.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Valid and invalid counts per kind.
    pub fn counts(&self) -> BTreeMap<Kind, Counts> {
        let mut counts = BTreeMap::new();
        for (item, verdict) in self.items.iter().zip(&self.verdicts) {
            let c: &mut Counts = counts.entry(item.kind()).or_default();
            match verdict {
                Verdict::Valid => c.valid += 1,
                Verdict::Invalid => c.invalid += 1,
            }
        }
        counts
    }

    pub fn valid(&self) -> u64 {
        self.verdicts
            .iter()
            .filter(|v| **v == Verdict::Valid)
            .count() as u64
    }

    /// Capacity units of the valid items.
    pub fn capacity(&self) -> u64 {
        self.items
            .iter()
            .zip(&self.verdicts)
            .filter(|(_, v)| **v == Verdict::Valid)
            .map(|(item, _)| units(item))
            .sum()
    }

    /// The batch's attestation for `epoch` and `regime`.
    pub fn attestation(&self, epoch: u32, regime: Regime) -> Attestation {
        Attestation {
            epoch,
            root: self.root(),
            items: self.len(),
            valid: self.valid(),
            capacity: self.capacity(),
            regime,
        }
    }

    /// The inclusion proof of the item at `index`.
    pub fn proof(&self, index: u64) -> Option<InclusionProof> {
        let i = usize::try_from(index).ok()?;
        Some(InclusionProof {
            index,
            size: self.len(),
            root: self.root(),
            digest: *self.digests.get(i)?,
            valid: *self.verdicts.get(i)? == Verdict::Valid,
            path: self.tree.proof(index)?,
        })
    }
}
