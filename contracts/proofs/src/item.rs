//! The items a verifier checks, their canonical encoding (SCALE) and digest, the batch leaf
//! that commits to an item and its verdict, and the checks the chain can redo itself.

use crate::{ecdsa_signer, rfc6962, Crypto, Hash};
use alloc::vec::Vec;
use scale::{Decode, Encode};

/// Longest signed message accepted, in bytes.
pub const MAX_MESSAGE_BYTES: usize = 4096;
/// Longest leaf of an inclusion claim, in bytes.
pub const MAX_LEAF_BYTES: usize = 4096;
/// Most hashes in one hash-chain segment: bounds what a challenge costs on-chain.
pub const MAX_CHAIN_STEPS: u32 = 4096;

/// One thing to verify.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "std", derive(scale_info::TypeInfo))]
// The SCALE derive of a data-carrying enum casts its discriminant; cargo-contract's clippy
// flags that generated code.
#[allow(clippy::cast_possible_truncation)]
pub enum Item {
    /// An ed25519 signature (ZIP-215 rules, as ed25519-zebra).
    Ed25519 {
        public: [u8; 32],
        signature: [u8; 64],
        message: Vec<u8>,
    },
    /// An sr25519 signature under the signing context "substrate" (as sp-core).
    Sr25519 {
        public: [u8; 32],
        signature: [u8; 64],
        message: Vec<u8>,
    },
    /// A secp256k1 ECDSA signature over BLAKE2b-256(message) (as sp-core), r ‖ s ‖ v with
    /// low `s`; the public key compressed.
    Ecdsa {
        public: [u8; 33],
        signature: [u8; 65],
        message: Vec<u8>,
    },
    /// A claim that `leaf` (data, not its hash) is at `index` in the RFC 6962 tree of `size`
    /// leaves with hash `root`, with its audit path.
    Inclusion {
        leaf: Vec<u8>,
        index: u64,
        size: u64,
        proof: Vec<Hash>,
        root: Hash,
    },
    /// A proof-of-history segment: `end` = SHA-256 applied `count` times to `start`.
    HashChain { start: Hash, count: u32, end: Hash },
}

/// An item's kind, for counts and per-kind dispatch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Ed25519,
    Sr25519,
    Ecdsa,
    Inclusion,
    HashChain,
}

impl Kind {
    /// Every kind, in encoding order.
    pub const ALL: [Kind; 5] = [
        Kind::Ed25519,
        Kind::Sr25519,
        Kind::Ecdsa,
        Kind::Inclusion,
        Kind::HashChain,
    ];

    /// Capacity units a valid item of this kind measures: one per signature or proof checked,
    /// two for an ECDSA recovery (about twice the work). Fixed per kind, so an attestation's
    /// capacity follows from its per-kind counts and the chain can compute it.
    pub const fn units(self) -> u64 {
        match self {
            Kind::Ecdsa => 2,
            Kind::Ed25519 | Kind::Sr25519 | Kind::Inclusion | Kind::HashChain => 1,
        }
    }

    /// Index into per-kind arrays ([`Kind::ALL`] order).
    pub const fn index(self) -> usize {
        match self {
            Kind::Ed25519 => 0,
            Kind::Sr25519 => 1,
            Kind::Ecdsa => 2,
            Kind::Inclusion => 3,
            Kind::HashChain => 4,
        }
    }

    /// Whether the chain can check an item of this kind itself (hashing and secp256k1 only).
    pub const fn checkable_on_chain(self) -> bool {
        !matches!(self, Kind::Ed25519 | Kind::Sr25519)
    }

    /// The name used in JSON input and in reports.
    pub const fn name(self) -> &'static str {
        match self {
            Kind::Ed25519 => "ed25519",
            Kind::Sr25519 => "sr25519",
            Kind::Ecdsa => "ecdsa",
            Kind::Inclusion => "inclusion",
            Kind::HashChain => "hash_chain",
        }
    }
}

/// Why an item is not well formed (outside the limits every verifier and the chain share).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// A message longer than [`MAX_MESSAGE_BYTES`].
    MessageTooLong,
    /// A leaf longer than [`MAX_LEAF_BYTES`].
    LeafTooLong,
    /// An audit path longer than [`rfc6962::MAX_PROOF_LEN`].
    ProofTooLong,
    /// A hash chain of zero steps or more than [`MAX_CHAIN_STEPS`].
    ChainLength,
}

/// Whether an item checked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "std", derive(scale_info::TypeInfo))]
pub enum Verdict {
    Invalid,
    Valid,
}

impl Verdict {
    /// `Valid` when `ok`.
    pub const fn of(ok: bool) -> Self {
        if ok {
            Verdict::Valid
        } else {
            Verdict::Invalid
        }
    }

    /// The byte committed in the batch leaf.
    pub const fn byte(self) -> u8 {
        match self {
            Verdict::Invalid => 0,
            Verdict::Valid => 1,
        }
    }
}

/// What a check that needs no signature scheme beyond secp256k1 concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    Valid,
    Invalid,
    /// ed25519 and sr25519: the chain has no host function for them, so only a verifier (or
    /// a dispute) can decide.
    OffChain,
}

impl Item {
    /// The item's kind.
    pub const fn kind(&self) -> Kind {
        match self {
            Item::Ed25519 { .. } => Kind::Ed25519,
            Item::Sr25519 { .. } => Kind::Sr25519,
            Item::Ecdsa { .. } => Kind::Ecdsa,
            Item::Inclusion { .. } => Kind::Inclusion,
            Item::HashChain { .. } => Kind::HashChain,
        }
    }

    /// Whether the item is inside the shared limits. An item outside them is never valid.
    pub fn well_formed(&self) -> Result<(), Malformed> {
        match self {
            Item::Ed25519 { message, .. }
            | Item::Sr25519 { message, .. }
            | Item::Ecdsa { message, .. }
                if message.len() > MAX_MESSAGE_BYTES =>
            {
                Err(Malformed::MessageTooLong)
            }
            Item::Inclusion { leaf, .. } if leaf.len() > MAX_LEAF_BYTES => {
                Err(Malformed::LeafTooLong)
            }
            Item::Inclusion { proof, .. } if proof.len() > rfc6962::MAX_PROOF_LEN => {
                Err(Malformed::ProofTooLong)
            }
            Item::HashChain { count, .. } if *count == 0 || *count > MAX_CHAIN_STEPS => {
                Err(Malformed::ChainLength)
            }
            _ => Ok(()),
        }
    }
}

/// SHA-256 of the item's SCALE encoding: what the batch tree commits to.
pub fn item_digest<C: Crypto>(item: &Item) -> Hash {
    C::sha256_encoded(item)
}

/// The batch tree's leaf hash for an item digest and its verdict: `H(0x00 ‖ digest ‖ verdict)`.
pub fn batch_leaf<C: Crypto>(digest: &Hash, verdict: Verdict) -> Hash {
    let mut input = [0u8; 34];
    input[0] = rfc6962::LEAF_PREFIX;
    input[1..33].copy_from_slice(digest);
    input[33] = verdict.byte();
    C::sha256(&input)
}

/// `end` of a hash chain of `count` steps from `start`.
pub fn chain_end<C: Crypto>(start: &Hash, count: u32) -> Hash {
    let mut h = *start;
    for _ in 0..count {
        h = C::sha256(&h);
    }
    h
}

/// Checks an item with hashing and secp256k1 recovery only, as the chain can. Signature kinds
/// without a host function give [`Check::OffChain`], unless they are malformed.
pub fn check<C: Crypto>(item: &Item) -> Check {
    if item.well_formed().is_err() {
        return Check::Invalid;
    }
    let ok = match item {
        Item::Ed25519 { .. } | Item::Sr25519 { .. } => return Check::OffChain,
        Item::Ecdsa {
            public,
            signature,
            message,
        } => ecdsa_signer::<C>(signature, &C::blake2_256(message)).as_ref() == Some(public),
        Item::Inclusion {
            leaf,
            index,
            size,
            proof,
            root,
        } => rfc6962::verify_inclusion::<C>(
            &rfc6962::leaf_hash::<C>(leaf),
            *index,
            *size,
            proof,
            root,
        ),
        Item::HashChain { start, count, end } => chain_end::<C>(start, *count) == *end,
    };
    if ok {
        Check::Valid
    } else {
        Check::Invalid
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{h, Sha2Only as C};
    use crate::Tree;

    #[test]
    fn hash_chain_checks_count_steps() {
        let start = [9u8; 32];
        let end = chain_end::<C>(&start, 3);
        let manual = C::sha256(&C::sha256(&C::sha256(&start)));
        assert_eq!(end, manual);
        let item = |count, end| Item::HashChain { start, count, end };
        assert_eq!(check::<C>(&item(3, end)), Check::Valid);
        assert_eq!(check::<C>(&item(2, end)), Check::Invalid);
        assert_eq!(check::<C>(&item(0, start)), Check::Invalid);
        assert_eq!(item(0, start).well_formed(), Err(Malformed::ChainLength));
        assert_eq!(
            item(MAX_CHAIN_STEPS + 1, end).well_formed(),
            Err(Malformed::ChainLength)
        );
    }

    #[test]
    fn inclusion_claims_check_against_their_root() {
        let leaves: Vec<Vec<u8>> = (0u8..5).map(|i| alloc::vec![i; 3]).collect();
        let tree = Tree::new::<C>(leaves.iter().map(|l| rfc6962::leaf_hash::<C>(l)).collect());
        let claim = |leaf: &[u8], index| Item::Inclusion {
            leaf: leaf.to_vec(),
            index,
            size: 5,
            proof: tree.proof(index).unwrap_or_default(),
            root: tree.root(),
        };
        assert_eq!(check::<C>(&claim(&leaves[3], 3)), Check::Valid);
        assert_eq!(check::<C>(&claim(&leaves[2], 3)), Check::Invalid);
        let long = Item::Inclusion {
            leaf: alloc::vec![0; MAX_LEAF_BYTES + 1],
            index: 0,
            size: 1,
            proof: Vec::new(),
            root: [0; 32],
        };
        assert_eq!(long.well_formed(), Err(Malformed::LeafTooLong));
    }

    #[test]
    fn signature_kinds_are_left_to_verifiers_unless_malformed() {
        let ed = |len| Item::Ed25519 {
            public: [1; 32],
            signature: [2; 64],
            message: alloc::vec![0; len],
        };
        assert_eq!(check::<C>(&ed(10)), Check::OffChain);
        assert_eq!(check::<C>(&ed(MAX_MESSAGE_BYTES + 1)), Check::Invalid);
    }

    #[test]
    fn batch_leaf_commits_to_digest_and_verdict() {
        let d = h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
        let valid = batch_leaf::<C>(&d, Verdict::Valid);
        let mut input = alloc::vec![0u8];
        input.extend_from_slice(&d);
        input.push(1);
        assert_eq!(valid, C::sha256(&input));
        assert_ne!(valid, batch_leaf::<C>(&d, Verdict::Invalid));
    }

    #[test]
    fn encoding_is_tagged_by_kind_in_declaration_order() {
        let chain = Item::HashChain {
            start: [0; 32],
            count: 1,
            end: [0; 32],
        };
        assert_eq!(chain.encode()[0], 4);
        assert_eq!(Item::decode(&mut &chain.encode()[..]), Ok(chain));
    }
}
