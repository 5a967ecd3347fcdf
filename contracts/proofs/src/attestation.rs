//! The compact attestation a batch's co-signers sign and the contract verifies.

use crate::{Crypto, Hash, Kind};
use alloc::vec::Vec;
use scale::{Decode, Encode};

/// Domain tag of attestation signatures.
pub const ATTESTATION_DOMAIN: &[u8] = b"dynamis/attestation/v1";
/// Domain tag of the proof that a verifier holds the key it registers.
pub const REGISTRATION_DOMAIN: &[u8] = b"dynamis/verifier-key/v1";

/// The trust horizon a batch's capacity counts toward (seed 000's regimes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "std", derive(scale_info::TypeInfo))]
pub enum Regime {
    Ephemeral,
    Session,
    Anchored,
    Permanent,
}

impl Regime {
    /// Every regime, scarcest last.
    pub const ALL: [Regime; 4] = [
        Regime::Ephemeral,
        Regime::Session,
        Regime::Anchored,
        Regime::Permanent,
    ];

    /// Index into per-regime arrays ([`Regime::ALL`] order), as stored on-chain.
    pub const fn index(self) -> u8 {
        match self {
            Regime::Ephemeral => 0,
            Regime::Session => 1,
            Regime::Anchored => 2,
            Regime::Permanent => 3,
        }
    }

    /// The regime at `index` of [`Regime::ALL`].
    pub fn from_index(index: u8) -> Option<Regime> {
        Regime::ALL.get(usize::from(index)).copied()
    }
}

/// One batch's attestation. Its capacity is not a field: it follows from the per-kind counts
/// ([`Attestation::capacity`]), so co-signers cannot choose it.
///
/// The batch's leaves stand in a fixed order the contract knows: the valid items first, by
/// kind in [`Kind::ALL`] order (`valid[0]` ed25519 items, then `valid[1]` sr25519, …), then
/// the invalid ones. So the attestation says what every leaf must be, and one leaf shown
/// against the root disproves a false count.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "std", derive(scale_info::TypeInfo))]
pub struct Attestation {
    /// The epoch the batch was verified in.
    pub epoch: u32,
    /// RFC 6962 root of the batch tree over (item digest, verdict).
    pub root: Hash,
    /// Items in the batch (the tree's size).
    pub items: u64,
    /// Items found valid, per kind in [`Kind::ALL`] order.
    pub valid: [u64; 5],
    /// The regime the capacity counts toward.
    pub regime: Regime,
}

/// What a leaf at some index must be, by the attestation's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// An item of this kind, marked valid.
    Valid(Kind),
    /// An item of any kind, marked invalid.
    Invalid,
}

impl Attestation {
    /// Valid items in all, or `None` if the counts overflow.
    pub fn valid_items(&self) -> Option<u64> {
        self.valid
            .iter()
            .try_fold(0u64, |sum, n| sum.checked_add(*n))
    }

    /// Capacity units: Σ valid items of each kind × that kind's units, or `None` on overflow.
    pub fn capacity(&self) -> Option<u64> {
        Kind::ALL
            .iter()
            .zip(self.valid.iter())
            .try_fold(0u64, |sum, (kind, n)| {
                sum.checked_add(n.checked_mul(kind.units())?)
            })
    }

    /// Whether the counts are consistent: no overflow and no more valid items than items.
    pub fn consistent(&self) -> bool {
        self.capacity().is_some() && self.valid_items().is_some_and(|v| v <= self.items)
    }

    /// What the leaf at `index` must be, or `None` past the last item (or for inconsistent
    /// counts).
    pub fn slot(&self, index: u64) -> Option<Slot> {
        if index >= self.items || !self.consistent() {
            return None;
        }
        let mut end = 0u64;
        for (kind, n) in Kind::ALL.iter().zip(self.valid.iter()) {
            end = end.checked_add(*n)?;
            if index < end {
                return Some(Slot::Valid(*kind));
            }
        }
        Some(Slot::Invalid)
    }
}

/// The digest co-signers sign: SHA-256(domain ‖ contract ‖ SCALE(attestation)). The contract
/// address binds a signature to one deployment; the epoch inside the payload to one epoch.
pub fn attestation_digest<C: Crypto>(contract: &[u8; 32], attestation: &Attestation) -> Hash {
    let mut input = Vec::with_capacity(ATTESTATION_DOMAIN.len().saturating_add(96));
    input.extend_from_slice(ATTESTATION_DOMAIN);
    input.extend_from_slice(contract);
    attestation.encode_to(&mut input);
    C::sha256(&input)
}

/// The digest a verifier signs with its attestation key to register it for `account` at
/// `contract`: SHA-256(domain ‖ contract ‖ account).
pub fn registration_digest<C: Crypto>(contract: &[u8; 32], account: &[u8; 32]) -> Hash {
    let mut input = Vec::with_capacity(REGISTRATION_DOMAIN.len().saturating_add(64));
    input.extend_from_slice(REGISTRATION_DOMAIN);
    input.extend_from_slice(contract);
    input.extend_from_slice(account);
    C::sha256(&input)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Sha2Only as C;

    fn sample() -> Attestation {
        Attestation {
            epoch: 7,
            root: [1; 32],
            items: 10,
            valid: [1, 2, 3, 1, 2],
            regime: Regime::Anchored,
        }
    }

    #[test]
    fn digest_binds_contract_and_every_field() {
        let base = attestation_digest::<C>(&[0; 32], &sample());
        assert_ne!(base, attestation_digest::<C>(&[1; 32], &sample()));
        let variants = [
            Attestation {
                epoch: 8,
                ..sample()
            },
            Attestation {
                root: [2; 32],
                ..sample()
            },
            Attestation {
                items: 11,
                ..sample()
            },
            Attestation {
                valid: [1, 2, 3, 2, 1],
                ..sample()
            },
            Attestation {
                regime: Regime::Permanent,
                ..sample()
            },
        ];
        for v in variants {
            assert_ne!(base, attestation_digest::<C>(&[0; 32], &v), "{v:?}");
        }
        // And registration digests never collide with attestation digests of the same bytes.
        assert_ne!(base, registration_digest::<C>(&[0; 32], &[0; 32]));
    }

    #[test]
    fn regimes_survive_their_index() {
        for (i, regime) in Regime::ALL.into_iter().enumerate() {
            assert_eq!(usize::from(regime.index()), i);
            assert_eq!(Regime::from_index(regime.index()), Some(regime));
        }
        assert_eq!(Regime::from_index(4), None);
    }

    #[test]
    fn payload_encoding_is_fixed_size() {
        // epoch 4 + root 32 + items 8 + five counts 40 + regime 1: the contract's cost cannot
        // depend on it.
        assert_eq!(sample().encode().len(), 4 + 32 + 8 + 40 + 1);
    }

    #[test]
    fn capacity_and_slots_follow_the_counts() {
        let a = sample();
        // ed25519 1, sr25519 2, ECDSA 3 × 2 units, inclusion 1, hash chain 2.
        assert_eq!(a.valid_items(), Some(9));
        assert_eq!(a.capacity(), Some(1 + 2 + 6 + 1 + 2));
        let slots: Vec<Option<Slot>> = (0..11).map(|i| a.slot(i)).collect();
        use Kind::*;
        let expected = [
            Some(Slot::Valid(Ed25519)),
            Some(Slot::Valid(Sr25519)),
            Some(Slot::Valid(Sr25519)),
            Some(Slot::Valid(Ecdsa)),
            Some(Slot::Valid(Ecdsa)),
            Some(Slot::Valid(Ecdsa)),
            Some(Slot::Valid(Inclusion)),
            Some(Slot::Valid(HashChain)),
            Some(Slot::Valid(HashChain)),
            Some(Slot::Invalid),
            None,
        ];
        assert_eq!(slots, expected);
        // More valid than items, or counts that overflow: no slot at all.
        let over = Attestation {
            valid: [11, 0, 0, 0, 0],
            ..sample()
        };
        assert!(!over.consistent());
        assert_eq!(over.slot(0), None);
        let huge = Attestation {
            items: u64::MAX,
            valid: [0, 0, u64::MAX / 2 + 1, 0, 0],
            ..sample()
        };
        assert_eq!(huge.capacity(), None);
        assert!(!huge.consistent());
    }
}
