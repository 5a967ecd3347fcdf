//! A verified batch: items, their verdicts and digests, the RFC 6962 tree over
//! (digest, verdict), inclusion proofs, the capacity it measured and its attestation.
//!
//! A verified batch is in the order the attestation's counts describe (and the contract
//! checks): the valid items first, by kind in `Kind::ALL` order, then the invalid ones, each
//! group in the order the items came.

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
    /// For each position of the batch, the index its item had in the input.
    pub order: Vec<usize>,
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

/// The canonical order of verified items: for each position, the input index, valid items
/// first by kind, then the invalid ones, each group stable.
pub fn canonical_order(items: &[Item], verdicts: &[Verdict]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| match verdicts[i] {
        Verdict::Valid => items[i].kind().index(),
        Verdict::Invalid => Kind::ALL.len(),
    });
    order
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

/// Every level of the batch tree below its root, leaves first (as [`tree_of`] builds them:
/// each level the parents of the pairs below, a last odd node carried up): what the store
/// keeps so that an item's proof is a few reads, not the whole batch.
pub fn levels_of(digests: &[Hash], valid: &[bool]) -> Vec<Vec<Hash>> {
    let mut current: Vec<Hash> = digests
        .par_iter()
        .zip(valid.par_iter())
        .map(|(d, v)| batch_leaf::<Native>(d, Verdict::of(*v)))
        .collect();
    let mut levels = Vec::new();
    while current.len() > 1 {
        let up = current.par_chunks(2).map(parent::<Native>).collect();
        levels.push(std::mem::replace(&mut current, up));
    }
    levels
}

impl Batch {
    /// Verifies `items`, puts them in the canonical order and builds their tree.
    pub fn verify(items: Vec<Item>) -> Self {
        let digests = items.par_iter().map(item_digest::<Native>).collect();
        Self::verify_digested(items, digests)
    }

    /// [`Batch::verify`] of items whose digests are known (`digests[i]` is `items[i]`'s, as the
    /// service computed them at intake): they are not hashed again.
    pub fn verify_digested(items: Vec<Item>, digests: Vec<Hash>) -> Self {
        if digests.len() != items.len() {
            return Self::verify(items);
        }
        let verdicts = verify_all(&items);
        let order = canonical_order(&items, &verdicts);
        let mut slots: Vec<Option<Item>> = items.into_iter().map(Some).collect();
        let items: Vec<Item> = order.iter().filter_map(|&i| slots[i].take()).collect();
        let verdicts = order.iter().map(|&i| verdicts[i]).collect();
        let digests = order
            .iter()
            .filter_map(|&i| digests.get(i).copied())
            .collect();
        let mut batch = Self::assemble(items, verdicts, digests);
        batch.order = order;
        batch
    }

    /// The batch of `items` with the given verdicts, in the order given (as an auditor
    /// re-derives a batch it was handed, or a test builds a false one).
    pub fn with_verdicts(items: Vec<Item>, verdicts: Vec<Verdict>) -> Self {
        let digests = items.par_iter().map(item_digest::<Native>).collect();
        Self::assemble(items, verdicts, digests)
    }

    fn assemble(items: Vec<Item>, verdicts: Vec<Verdict>, digests: Vec<Hash>) -> Self {
        let tree = tree_of(&digests, &verdicts);
        let order = (0..items.len()).collect();
        Self {
            items,
            verdicts,
            digests,
            tree,
            order,
        }
    }

    /// The batch position of the item that was at `input` in the input.
    pub fn position_of(&self, input: usize) -> Option<usize> {
        self.order.iter().position(|&i| i == input)
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

    /// Valid items per kind, in `Kind::ALL` order.
    pub fn valid_per_kind(&self) -> [u64; 5] {
        let mut valid = [0u64; 5];
        for (item, verdict) in self.items.iter().zip(&self.verdicts) {
            if *verdict == Verdict::Valid {
                valid[item.kind().index()] += 1;
            }
        }
        valid
    }

    /// Capacity units of the valid items (each kind's units, as the contract computes them).
    pub fn capacity(&self) -> u64 {
        Kind::ALL
            .iter()
            .zip(self.valid_per_kind())
            .map(|(kind, n)| n * kind.units())
            .sum()
    }

    /// The batch's attestation for `epoch` and `regime`.
    pub fn attestation(&self, epoch: u32, regime: Regime) -> Attestation {
        Attestation {
            epoch,
            root: self.root(),
            items: self.len(),
            valid: self.valid_per_kind(),
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
