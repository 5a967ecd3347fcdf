//! Signed contract calls for the sandbox gateway, shaped like a node's extrinsics: a signer,
//! its next nonce, the call, and an sr25519 signature. The nonce makes a resent transaction
//! either the same transaction (answered with its receipt) or a refused one, never a second
//! execution.

use crate::hex::hexa;
use scale::{Decode, Encode};
use serde::{Deserialize, Serialize};
use sp_core::{crypto::Pair as _, sr25519};

/// Domain of the signed payload.
const DOMAIN: &[u8] = b"dynamis/sandbox-tx/v1";

/// A call of `contract` with `data` (selector ‖ SCALE args) by `signer`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, Serialize, Deserialize)]
pub struct Tx {
    #[serde(with = "hexa")]
    pub signer: [u8; 32],
    pub nonce: u64,
    #[serde(with = "hexa")]
    pub contract: [u8; 32],
    #[serde(with = "hexa")]
    pub data: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, Serialize, Deserialize)]
pub struct SignedTx {
    pub tx: Tx,
    #[serde(with = "hexa")]
    pub signature: [u8; 64],
}

fn payload(tx: &Tx) -> Vec<u8> {
    let mut payload = DOMAIN.to_vec();
    tx.encode_to(&mut payload);
    payload
}

impl Tx {
    pub fn sign(self, pair: &sr25519::Pair) -> SignedTx {
        let signature = pair.sign(&payload(&self)).0;
        SignedTx {
            tx: self,
            signature,
        }
    }
}

impl SignedTx {
    /// The transaction's hash: BLAKE2b-256 of its SCALE encoding.
    pub fn hash(&self) -> [u8; 32] {
        sp_core::hashing::blake2_256(&self.encode())
    }

    /// Whether the signature is the signer's over this transaction.
    pub fn verify(&self) -> bool {
        let public = sr25519::Public::from_raw(self.tx.signer);
        let signature = sr25519::Signature::from_raw(self.signature);
        sr25519::Pair::verify(&signature, payload(&self.tx), &public)
    }
}

/// One event a contract emitted during a transaction.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, Serialize, Deserialize)]
pub struct Event {
    #[serde(with = "hexa")]
    pub contract: [u8; 32],
    #[serde(with = "crate::hex::hex_list")]
    pub topics: Vec<[u8; 32]>,
    #[serde(with = "hexa")]
    pub data: Vec<u8>,
}

/// What including a transaction did.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, Serialize, Deserialize)]
pub struct Receipt {
    #[serde(with = "hexa")]
    pub hash: [u8; 32],
    pub block: u32,
    /// The message's raw return data (`Result<R, LangError>`), empty if dispatch failed.
    #[serde(with = "hexa")]
    pub data: Vec<u8>,
    pub reverted: bool,
    /// Why the runtime refused the call outright (trap, out of gas, no such contract).
    pub dispatch_error: Option<String>,
    pub events: Vec<Event>,
}

/// A signer from a secret URI (`//Alice`, a mnemonic, `0x` seed; optionally `///password`).
pub fn signer(suri: &str) -> Result<sr25519::Pair, String> {
    sr25519::Pair::from_string(suri, None).map_err(|e| format!("secret URI {suri:?}: {e:?}"))
}

/// The account of a signer.
pub fn account_of(pair: &sr25519::Pair) -> [u8; 32] {
    pair.public().0
}
