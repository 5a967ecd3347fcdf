//! Co-signing: the same digests the contract recovers signers from, signed with sp-core's
//! secp256k1 (canonical low-s signatures).

use crate::crypto::Native;
use dynamis_proofs::{attestation_digest, registration_digest, Attestation};
use sp_core::{ecdsa, Pair};

/// `pair`'s signature of `attestation` for the attestations contract at `contract`.
pub fn sign(pair: &ecdsa::Pair, contract: &[u8; 32], attestation: &Attestation) -> [u8; 65] {
    pair.sign_prehashed(&attestation_digest::<Native>(contract, attestation))
        .0
}

/// The key that made `signature` over `attestation`'s digest for `contract`, by the shared
/// rules (canonical form only), as the contract will recover it.
pub fn signer_of(
    signature: &[u8; 65],
    contract: &[u8; 32],
    attestation: &Attestation,
) -> Option<[u8; 33]> {
    dynamis_proofs::ecdsa_signer::<Native>(signature, &attestation_digest::<Native>(contract, attestation))
}

/// The proof that `pair` holds the key it registers for `account` at `contract`.
pub fn registration_proof(pair: &ecdsa::Pair, contract: &[u8; 32], account: &[u8; 32]) -> [u8; 65] {
    pair.sign_prehashed(&registration_digest::<Native>(contract, account))
        .0
}

/// The compressed public key the contract registers.
pub fn public_key(pair: &ecdsa::Pair) -> [u8; 33] {
    pair.public().0
}

/// secp256k1's group order n, big-endian.
const ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
];

/// The malleated twin of a signature: (r, n − s) with the recovery id flipped. It recovers
/// the same key, and the shared rules refuse it (high s), here and on-chain.
pub fn malleated(signature: &[u8; 65]) -> [u8; 65] {
    let mut twin = *signature;
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = i16::from(ORDER[i]) - i16::from(signature[32 + i]) - borrow;
        twin[32 + i] = d.rem_euclid(256) as u8;
        borrow = i16::from(d < 0);
    }
    twin[64] ^= 1;
    twin
}
