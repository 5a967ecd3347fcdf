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
///
/// `s` is compared with every byte of the half order, with no early exit (a slice comparison
/// stops at the first differing byte): the check costs the same gas for every signature, so a
/// submission's cost depends on the number of signatures only.
pub fn ecdsa_canonical(signature: &[u8; 65]) -> bool {
    let mut below = false;
    let mut decided = false;
    for (s, half) in signature[32..64].iter().zip(SECP256K1_HALF_ORDER.iter()) {
        below |= !decided & (s < half);
        decided |= s != half;
    }
    (signature[64] <= 1) & (below | !decided)
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

#[cfg(test)]
mod canonical_tests {
    use super::*;

    fn with_s(s: [u8; 32], v: u8) -> [u8; 65] {
        let mut signature = [0u8; 65];
        signature[32..64].copy_from_slice(&s);
        signature[64] = v;
        signature
    }

    /// The byte-by-byte check gives the slice order's verdict at every edge: `s` equal to the
    /// half order, one above and one below it in the last byte, a first byte of 0x7f that is
    /// decided later, and a pseudo-random spread.
    #[test]
    fn the_full_length_check_is_the_slice_order() {
        let half = SECP256K1_HALF_ORDER;
        let mut cases = vec![half, [0; 32], [0xff; 32]];
        let (mut above, mut below) = (half, half);
        above[31] += 1;
        below[31] -= 1;
        cases.extend([above, below]);
        let mut late = half;
        late[16] = 0x5c;
        cases.push(late);
        late[16] = 0x5e;
        cases.push(late);
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..2_000 {
            let mut s = half;
            for byte in s.iter_mut().skip(usize::from(x as u8 % 20)) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *byte = x as u8;
            }
            cases.push(s);
        }
        for s in cases {
            let low = s[..] <= half[..];
            assert_eq!(ecdsa_canonical(&with_s(s, 0)), low, "{s:?}");
            assert_eq!(ecdsa_canonical(&with_s(s, 1)), low);
            assert!(!ecdsa_canonical(&with_s(s, 2)));
        }
    }
}
