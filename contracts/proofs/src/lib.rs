//! What the attestations contract and the off-chain verifier must agree on byte for byte:
//! RFC 6962 Merkle trees (leaf, node, tree, inclusion proof), the items a verifier checks and
//! their encoding, the batch leaf over (item digest, verdict), the checks that can run on-chain,
//! and the attestation payload with its domain-separated signing digest.
//!
//! Hashing and key recovery come from a [`Crypto`] implementation: the contract passes the
//! chain's host functions, the verifier native crates, so this crate carries no cryptography
//! of its own and the two sides run the same code.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

pub mod attestation;
pub mod item;
pub mod rfc6962;

pub use attestation::{attestation_digest, registration_digest, Attestation, Regime, Slot};
pub use item::{batch_leaf, check, item_digest, Check, Item, Kind, Malformed, Verdict};
pub use rfc6962::{leaf_hash, node_hash, parent, verify_inclusion, Tree};

/// A SHA-256 (or BLAKE2b-256) digest.
pub type Hash = [u8; 32];

/// The hashing and signature recovery the shared rules need.
pub trait Crypto {
    /// SHA-256 of `data`.
    fn sha256(data: &[u8]) -> Hash;
    /// SHA-256 of `value`'s SCALE encoding. By default the encoding is built, then hashed; an
    /// implementation with an incremental hasher streams it instead (the same digest).
    fn sha256_encoded<E: scale::Encode + ?Sized>(value: &E) -> Hash {
        Self::sha256(&value.encode())
    }
    /// BLAKE2b-256 of `data` (what Substrate's ECDSA signs).
    fn blake2_256(data: &[u8]) -> Hash;
    /// The compressed secp256k1 public key that made `signature` (r ‖ s ‖ v) over
    /// `message_hash`, or `None` if none did.
    fn ecdsa_recover(signature: &[u8; 65], message_hash: &Hash) -> Option<[u8; 33]>;
}

/// Half the secp256k1 group order: a signature's `s` above it is the malleated twin of a
/// valid one, and both sides refuse it.
const SECP256K1_HALF_ORDER: [u8; 32] = [
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
];

/// Whether an ECDSA signature is in canonical form: recovery id 0 or 1 and low `s`.
pub fn ecdsa_canonical(signature: &[u8; 65]) -> bool {
    let s = &signature[32..64];
    signature[64] <= 1 && s <= &SECP256K1_HALF_ORDER[..]
}

/// The public key that signed `digest` in canonical form, if any.
pub fn ecdsa_signer<C: Crypto>(signature: &[u8; 65], digest: &Hash) -> Option<[u8; 33]> {
    if ecdsa_canonical(signature) {
        C::ecdsa_recover(signature, digest)
    } else {
        None
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! SHA-256 from the `sha2` crate for the tests of this crate (no ECDSA, no BLAKE2:
    //! those kinds are tested in the verifier with real keys).
    use super::*;
    use sha2::Digest;

    pub struct Sha2Only;
    impl Crypto for Sha2Only {
        fn sha256(data: &[u8]) -> Hash {
            sha2::Sha256::digest(data).into()
        }
        fn blake2_256(_: &[u8]) -> Hash {
            [0; 32]
        }
        fn ecdsa_recover(_: &[u8; 65], _: &Hash) -> Option<[u8; 33]> {
            None
        }
    }

    pub fn unhex(s: &str) -> alloc::vec::Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("test hex"))
            .collect()
    }

    pub fn h(s: &str) -> Hash {
        unhex(s).try_into().expect("32 bytes")
    }
}
