//! RFC 6962 §2.1 Merkle Tree Hash with SHA-256: leaves are `H(0x00 ‖ data)`, interior nodes
//! `H(0x01 ‖ left ‖ right)`, and a tree of n leaves splits at the largest power of two below n.
//! Built level by level, pairing from the left and carrying an odd last node up unchanged,
//! which gives exactly that split. Inclusion proofs are checked with RFC 9162 §2.1.3.2.

use crate::{Crypto, Hash};
use alloc::vec::Vec;

/// Prefix of a leaf hash's input.
pub const LEAF_PREFIX: u8 = 0x00;
/// Prefix of an interior node hash's input.
pub const NODE_PREFIX: u8 = 0x01;
/// The longest inclusion proof accepted: enough for 2^64 leaves.
pub const MAX_PROOF_LEN: usize = 64;

/// `H(0x00 ‖ data)`.
pub fn leaf_hash<C: Crypto>(data: &[u8]) -> Hash {
    let mut input = Vec::with_capacity(data.len().saturating_add(1));
    input.push(LEAF_PREFIX);
    input.extend_from_slice(data);
    C::sha256(&input)
}

/// `H(0x01 ‖ left ‖ right)`.
pub fn node_hash<C: Crypto>(left: &Hash, right: &Hash) -> Hash {
    let mut input = [0u8; 65];
    input[0] = NODE_PREFIX;
    input[1..33].copy_from_slice(left);
    input[33..].copy_from_slice(right);
    C::sha256(&input)
}

/// The parent of a pair of nodes, or the node itself carried up when it is alone (the odd
/// last node of a level). Building a level is `level.chunks(2).map(parent)`.
pub fn parent<C: Crypto>(pair: &[Hash]) -> Hash {
    match pair {
        [left, right] => node_hash::<C>(left, right),
        [only] => *only,
        _ => [0; 32],
    }
}

/// A whole tree, every level kept so any leaf's proof can be read off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tree {
    /// `levels[0]` are the leaf hashes, the last level holds the root alone.
    levels: Vec<Vec<Hash>>,
    root: Hash,
}

impl Tree {
    /// The tree over these leaf hashes.
    pub fn new<C: Crypto>(leaves: Vec<Hash>) -> Self {
        Self::from_levels::<C>(leaves, |level| level.chunks(2).map(parent::<C>).collect())
    }

    /// The tree over these leaf hashes, each level above built by `next` (which must compute
    /// `level.chunks(2).map(parent)`, e.g. in parallel).
    pub fn from_levels<C: Crypto>(leaves: Vec<Hash>, next: impl Fn(&[Hash]) -> Vec<Hash>) -> Self {
        let mut levels = Vec::new();
        let mut current = leaves;
        while current.len() > 1 {
            let up = next(&current);
            levels.push(current);
            current = up;
        }
        // The empty tree's hash is the hash of the empty string (RFC 6962 §2.1).
        let root = current.first().copied().unwrap_or_else(|| C::sha256(&[]));
        levels.push(current);
        Self { levels, root }
    }

    /// Every level below the root, leaves first (empty for a tree of one leaf or none).
    pub fn levels_below_root(&self) -> &[Vec<Hash>] {
        self.levels.split_last().map_or(&[], |(_, below)| below)
    }

    /// The Merkle Tree Hash.
    pub fn root(&self) -> Hash {
        self.root
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.levels
            .first()
            .map_or(0, |l| u64::try_from(l.len()).unwrap_or(u64::MAX))
    }

    /// The leaf hash at `index`.
    pub fn leaf(&self, index: u64) -> Option<Hash> {
        let index = usize::try_from(index).ok()?;
        self.levels.first()?.get(index).copied()
    }

    /// The audit path of the leaf at `index`, bottom up (RFC 6962 §2.1.1).
    pub fn proof(&self, index: u64) -> Option<Vec<Hash>> {
        let mut i = usize::try_from(index).ok()?;
        if i >= self.levels.first()?.len() {
            return None;
        }
        let mut path = Vec::new();
        for level in &self.levels[..self.levels.len().saturating_sub(1)] {
            // A node without a right sibling is carried up and adds nothing to the path.
            if let Some(sibling) = level.get(i ^ 1) {
                path.push(*sibling);
            }
            i >>= 1;
        }
        Some(path)
    }
}

/// Whether `proof` shows the leaf hash `leaf` at `index` in the tree of `size` leaves whose
/// hash is `root` (RFC 9162 §2.1.3.2).
pub fn verify_inclusion<C: Crypto>(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> bool {
    if index >= size || proof.len() > MAX_PROOF_LEN {
        return false;
    }
    let mut f = index;
    let mut s = size.saturating_sub(1);
    let mut r = *leaf;
    for p in proof {
        if s == 0 {
            return false;
        }
        if f & 1 == 1 || f == s {
            r = node_hash::<C>(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash::<C>(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    s == 0 && r == *root
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{h, unhex, Sha2Only as C};

    /// The Certificate Transparency reference inputs (RFC 6962 test vectors).
    const LEAVES: [&str; 8] = [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ];
    /// Their tree heads for sizes 0..=8.
    const ROOTS: [&str; 9] = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    fn leaf_hashes(n: usize) -> Vec<Hash> {
        LEAVES[..n]
            .iter()
            .map(|l| leaf_hash::<C>(&unhex(l)))
            .collect()
    }

    #[test]
    fn tree_heads_match_the_reference_for_every_size() {
        for (n, root) in ROOTS.iter().enumerate() {
            assert_eq!(Tree::new::<C>(leaf_hashes(n)).root(), h(root), "size {n}");
        }
    }

    #[test]
    fn inclusion_proofs_match_the_reference() {
        // (index, size, audit path) from the reference vectors.
        let cases: [(u64, usize, &[&str]); 3] = [
            (
                0,
                8,
                &[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                5,
                8,
                &[
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
            (0, 1, &[]),
        ];
        for (index, size, path) in cases {
            let tree = Tree::new::<C>(leaf_hashes(size));
            let expected: Vec<Hash> = path.iter().map(|p| h(p)).collect();
            assert_eq!(tree.proof(index), Some(expected.clone()), "{index}/{size}");
            let leaf = tree.leaf(index).expect("leaf");
            assert!(verify_inclusion::<C>(
                &leaf,
                index,
                size as u64,
                &expected,
                &h(ROOTS[size])
            ));
        }
    }

    #[test]
    fn every_proof_verifies_and_every_tampering_fails() {
        for n in 1..=37u64 {
            let leaves: Vec<Hash> = (0..n).map(|i| leaf_hash::<C>(&i.to_le_bytes())).collect();
            let tree = Tree::new::<C>(leaves);
            let root = tree.root();
            for i in 0..n {
                let leaf = tree.leaf(i).expect("leaf");
                let proof = tree.proof(i).expect("proof");
                assert!(verify_inclusion::<C>(&leaf, i, n, &proof, &root), "{i}/{n}");
                // Another index, another root, a flipped bit, a dropped or extra node: all fail.
                if n > 1 {
                    assert!(!verify_inclusion::<C>(&leaf, (i + 1) % n, n, &proof, &root));
                }
                assert!(!verify_inclusion::<C>(&leaf, i, n, &proof, &[0; 32]));
                let mut other = leaf;
                other[0] ^= 1;
                assert!(!verify_inclusion::<C>(&other, i, n, &proof, &root));
                if let Some((_, shorter)) = proof.split_last() {
                    assert!(!verify_inclusion::<C>(&leaf, i, n, shorter, &root));
                }
                let mut longer = proof.clone();
                longer.push([7; 32]);
                assert!(!verify_inclusion::<C>(&leaf, i, n, &longer, &root));
            }
            assert_eq!(tree.proof(n), None);
            assert!(!verify_inclusion::<C>(&root, n, n, &[], &root));
        }
    }
}
