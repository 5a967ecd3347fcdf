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
    /// Set when the call ran (`reverted` says how) but its return data could not be recovered:
    /// why. A node's receipt replays the call at the parent block, which is exact only when no
    /// other transaction ran before it in its block; otherwise `data` is empty and this says so.
    #[serde(default)]
    pub unknown: Option<String>,
    pub events: Vec<Event>,
}

impl Receipt {
    /// The message's value, `R` as it returned it (a `Result<T, E>` for the suite's messages).
    ///
    /// When the return data is unknown (`unknown`) but the call did not revert, a message whose
    /// `Ok` carries no data (`Result<(), E>`) can only have returned `Ok(())`: ink! reverts on
    /// `Err`. Any other value then stays unknown and is an error.
    pub fn value<R: Decode>(&self) -> Result<R, String> {
        if let Some(e) = &self.dispatch_error {
            return Err(format!("dispatch failed: {e}"));
        }
        if let Some(why) = &self.unknown {
            // `Ok::<(), LangError>(Ok(()))` is the only return value of a unit message that did
            // not revert; an `R` that does not decode from it exactly carries data.
            const OK_UNIT: [u8; 2] = [0, 0];
            let mut input = &OK_UNIT[..];
            if !self.reverted {
                if let Ok(Ok(value)) = <Result<R, ink::LangError>>::decode(&mut input) {
                    if input.is_empty() {
                        return Ok(value);
                    }
                }
            }
            return Err(why.clone());
        }
        crate::calls::decode::<R>(&self.data).map_err(|e| e.to_string())
    }
}

/// A signer from a secret URI (`//Alice`, a mnemonic, `0x` seed; optionally `///password`).
pub fn signer(suri: &str) -> Result<sr25519::Pair, String> {
    // The URI is a secret: the error names what is wrong with it, never the URI itself.
    sr25519::Pair::from_string(suri, None).map_err(|e| format!("bad secret URI: {e:?}"))
}

/// An account given on a command line: `0x` and 32 bytes of hex, or a secret URI (a dev key
/// such as `//Bob`) whose sr25519 public key is the account.
pub fn account_arg(text: &str) -> Result<[u8; 32], String> {
    if let Some(hex) = text.strip_prefix("0x") {
        let bytes = crate::hex::decode(hex).map_err(|e| format!("account {text:?}: {e}"))?;
        return bytes
            .try_into()
            .map_err(|_| format!("account {text:?}: not 32 bytes"));
    }
    signer(text).map(|pair| account_of(&pair))
}

/// The account of a signer.
pub fn account_of(pair: &sr25519::Pair) -> [u8; 32] {
    pair.public().0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_given_as_hex_or_dev_uris_and_errors_keep_secrets_out() {
        let bob = account_of(&signer("//Bob").expect("dev key"));
        assert_eq!(account_arg("//Bob"), Ok(bob));
        let hex = format!("0x{}", crate::hex::encode(bob).trim_start_matches("0x"));
        assert_eq!(account_arg(&hex), Ok(bob));
        assert!(account_arg("0x1234").is_err());
        // A phrase with a word outside the list: refused, and the error does not repeat it.
        let secret = "bottom drive obey lake curtain smoke basket hold race lonely fit zzyzx";
        let e = signer(secret).map(|_| ()).unwrap_err();
        assert!(!e.contains("bottom drive") && !e.contains("zzyzx"), "{e}");
    }

    #[derive(Debug, PartialEq, Eq, Decode, Encode)]
    enum Refusal {
        No,
    }

    fn receipt(data: Vec<u8>, reverted: bool, unknown: Option<&str>) -> Receipt {
        Receipt {
            hash: [0; 32],
            block: 1,
            data,
            reverted,
            dispatch_error: None,
            unknown: unknown.map(str::to_string),
            events: Vec::new(),
        }
    }

    fn returned<R: Encode>(value: R) -> Vec<u8> {
        Ok::<R, ink::LangError>(value).encode()
    }

    #[test]
    fn a_replayed_value_is_decoded() {
        let r = receipt(returned(Ok::<u64, Refusal>(7)), false, None);
        assert_eq!(r.value::<Result<u64, Refusal>>(), Ok(Ok(7)));
        let r = receipt(returned(Err::<u64, Refusal>(Refusal::No)), true, None);
        assert_eq!(r.value::<Result<u64, Refusal>>(), Ok(Err(Refusal::No)));
    }

    #[test]
    fn an_unknown_return_is_ok_only_for_a_unit_message_that_did_not_revert() {
        let why = "after 1 other transaction(s) in block 1";
        let ran = receipt(Vec::new(), false, Some(why));
        assert_eq!(ran.value::<Result<(), Refusal>>(), Ok(Ok(())));
        // A value it returned is not known.
        assert_eq!(ran.value::<Result<u64, Refusal>>(), Err(why.to_string()));
        assert_eq!(
            ran.value::<Result<Option<u8>, Refusal>>(),
            Err(why.to_string())
        );
        // Nor which error a reverted call returned.
        let reverted = receipt(Vec::new(), true, Some(why));
        assert_eq!(
            reverted.value::<Result<(), Refusal>>(),
            Err(why.to_string())
        );
    }

    #[test]
    fn a_dispatch_error_is_an_error() {
        let mut r = receipt(returned(Ok::<(), Refusal>(())), false, None);
        r.dispatch_error = Some("OutOfGas".into());
        assert!(r.value::<Result<(), Refusal>>().is_err());
    }
}
