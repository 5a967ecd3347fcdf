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

/// The proof that `pair` holds the key it registers for `account` at `contract`.
pub fn registration_proof(pair: &ecdsa::Pair, contract: &[u8; 32], account: &[u8; 32]) -> [u8; 65] {
    pair.sign_prehashed(&registration_digest::<Native>(contract, account))
        .0
}

/// The compressed public key the contract registers.
pub fn public_key(pair: &ecdsa::Pair) -> [u8; 33] {
    pair.public().0
}
