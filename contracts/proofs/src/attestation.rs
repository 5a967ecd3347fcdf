//! The compact attestation a batch's co-signers sign and the contract verifies.

use crate::{Crypto, Hash};
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
}

/// One batch's attestation.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "std", derive(scale_info::TypeInfo))]
pub struct Attestation {
    /// The epoch the batch was verified in.
    pub epoch: u32,
    /// RFC 6962 root of the batch tree over (item digest, verdict).
    pub root: Hash,
    /// Items in the batch (the tree's size).
    pub items: u64,
    /// Items found valid.
    pub valid: u64,
    /// Capacity units the batch measured (see the verifier's unit table).
    pub capacity: u64,
    /// The regime the capacity counts toward.
    pub regime: Regime,
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
            valid: 9,
            capacity: 12,
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
                valid: 8,
                ..sample()
            },
            Attestation {
                capacity: 13,
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
    fn payload_encoding_is_fixed_size() {
        // epoch 4 + root 32 + three u64 + regime 1: the contract's cost cannot depend on it.
        assert_eq!(sample().encode().len(), 4 + 32 + 24 + 1);
    }
}
