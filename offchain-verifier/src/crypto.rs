//! The shared rules' cryptography, natively: `sha2` for SHA-256, sp-core for BLAKE2b-256 and
//! secp256k1 recovery (the same libraries as the chain's host functions).

use dynamis_proofs::{Crypto, Hash};
use sha2::Digest;

/// Native implementations of [`Crypto`].
pub struct Native;

/// A SCALE output that hashes what is written to it (no encoding buffer).
struct Sha256Writer(sha2::Sha256);

impl scale::Output for Sha256Writer {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

impl Crypto for Native {
    fn sha256(data: &[u8]) -> Hash {
        sha2::Sha256::digest(data).into()
    }

    fn sha256_encoded<E: scale::Encode + ?Sized>(value: &E) -> Hash {
        let mut writer = Sha256Writer(sha2::Sha256::new());
        value.encode_to(&mut writer);
        writer.0.finalize().into()
    }

    fn blake2_256(data: &[u8]) -> Hash {
        sp_core::hashing::blake2_256(data)
    }

    fn ecdsa_recover(signature: &[u8; 65], message_hash: &Hash) -> Option<[u8; 33]> {
        sp_core::ecdsa::Signature::from_raw(*signature)
            .recover_prehashed(message_hash)
            .map(|public| public.0)
    }
}
