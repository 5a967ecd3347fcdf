//! Typed calls to the attestations contract, and verifiers with real secp256k1 keys that
//! bond, register and co-sign with the off-chain verifier's own code.

use crate::{
    call_data,
    suite::{done, ok, selector::WITH_DEFAULTS, Suite},
    AccountId, Called,
};
use attestations::{AttestationError, EpochTotals, Record};
use dynamis_proofs::{Attestation, Hash, Item};
use dynamis_shared::Role;
use dynamis_verifier::attest;
use scale::{Decode, Encode};
use sp_core::Pair;

pub use dynamis_deploy::calls::attestations as selector;

pub type AttResult<T = ()> = Result<T, AttestationError>;

/// A verifier: an account and its attestation key.
#[derive(Clone)]
pub struct Verifier {
    pub account: AccountId,
    pub pair: sp_core::ecdsa::Pair,
}

impl Verifier {
    /// Verifier `n`: account 200 + n, key from the dev phrase with `//Verifier{n}`.
    pub fn new(n: u8) -> Self {
        let pair = sp_core::ecdsa::Pair::from_string(&format!("//Verifier{n}"), None)
            .unwrap_or_else(|e| panic!("dev key: {e:?}"));
        Self {
            account: crate::account(200u8.saturating_add(n)),
            pair,
        }
    }

    pub fn key(&self) -> [u8; 33] {
        attest::public_key(&self.pair)
    }

    /// Its signature of `attestation` for the contract at `contract`.
    pub fn sign(&self, contract: AccountId, attestation: &Attestation) -> [u8; 65] {
        attest::sign(&self.pair, contract.as_ref(), attestation)
    }
}

/// The minimum verifier bond of the default parameters.
pub const VERIFIER_BOND: u128 = 100 * bonding::ONE_DYN;

impl Suite {
    pub fn att_call<R: Decode>(
        &mut self,
        caller: AccountId,
        selector: [u8; 4],
        args: impl Encode,
    ) -> Called<R> {
        let address = self.attestations;
        ok(
            self.chain.call(address, caller, call_data(selector, args)),
            "attestations",
        )
    }

    pub fn att_query<R: Decode>(&mut self, selector: [u8; 4], args: impl Encode) -> R {
        let address = self.attestations;
        ok(
            self.chain.query(address, call_data(selector, args)),
            "attestations query",
        )
    }

    /// Deploys another attestations contract (defaults) reading bonds from `bonding` and
    /// this suite's reputation, wired into neither.
    pub fn deploy_attestations(&mut self, bonding: AccountId) -> AccountId {
        let data = call_data(WITH_DEFAULTS, (bonding, self.reputation));
        let wasm = crate::bundle(crate::BundleProvider::Attestations).wasm;
        let salt = self.chain.block().to_le_bytes().to_vec();
        ok(
            self.chain
                .deploy(&wasm, crate::suite::who::admin(), data, salt),
            "deploy",
        )
        .value
    }

    pub fn register_key(
        &mut self,
        caller: AccountId,
        key: [u8; 33],
        proof: [u8; 65],
    ) -> Called<AttResult> {
        self.att_call(caller, selector::REGISTER_KEY, (key, proof))
    }

    /// `v` registers its key with a correct proof.
    pub fn register(&mut self, v: &Verifier) -> Called<AttResult> {
        let proof =
            attest::registration_proof(&v.pair, self.attestations.as_ref(), v.account.as_ref());
        self.register_key(v.account, v.key(), proof)
    }

    /// Verifiers 1..=n bonded at the minimum and registered.
    pub fn verifiers(&mut self, n: u8) -> Vec<Verifier> {
        (1..=n)
            .map(|i| {
                let v = Verifier::new(i);
                self.bond_new(v.account, Role::Verifier, VERIFIER_BOND);
                done(self.register(&v));
                v
            })
            .collect()
    }

    pub fn remove_key(&mut self, caller: AccountId, verifier: AccountId) -> Called<AttResult> {
        self.att_call(caller, selector::REMOVE_KEY, verifier)
    }

    pub fn submit(
        &mut self,
        caller: AccountId,
        attestation: &Attestation,
        signatures: &[[u8; 65]],
    ) -> Called<AttResult<u64>> {
        self.att_call(caller, selector::SUBMIT, (attestation, signatures.to_vec()))
    }

    /// Bonds again what slashes took from the verifiers, up to the minimum.
    pub fn top_up(&mut self, verifiers: &[Verifier]) {
        for v in verifiers {
            let missing =
                VERIFIER_BOND.saturating_sub(self.stake(v.account, Role::Verifier).active);
            self.bond_new(v.account, Role::Verifier, missing);
        }
    }

    /// `signers` sign `attestation` for this suite's contract.
    pub fn signatures(&self, attestation: &Attestation, signers: &[&Verifier]) -> Vec<[u8; 65]> {
        signers
            .iter()
            .map(|v| v.sign(self.attestations, attestation))
            .collect()
    }

    pub fn challenge(
        &mut self,
        caller: AccountId,
        id: u64,
        item: &Item,
        index: u64,
        proof: &[Hash],
    ) -> Called<AttResult> {
        self.att_call(
            caller,
            selector::CHALLENGE,
            (id, item, index, proof.to_vec()),
        )
    }

    pub fn finalize(&mut self, caller: AccountId, id: u64) -> Called<AttResult> {
        self.att_call(caller, selector::FINALIZE, id)
    }

    pub fn attestation(&mut self, id: u64) -> Option<Record> {
        self.att_query(selector::ATTESTATION, id)
    }

    pub fn key_of(&mut self, verifier: AccountId) -> Option<[u8; 33]> {
        self.att_query(selector::KEY_OF, verifier)
    }

    pub fn registered(&mut self) -> u32 {
        self.att_query(selector::REGISTERED, ())
    }

    pub fn required_signatures(&mut self) -> u32 {
        self.att_query(selector::REQUIRED_SIGNATURES, ())
    }

    pub fn epoch_totals(&mut self, epoch: u32) -> EpochTotals {
        self.att_query(selector::TOTALS, epoch)
    }

    pub fn current_epoch(&mut self) -> u32 {
        self.att_query(selector::CURRENT_EPOCH, ())
    }

    pub fn capacity(&mut self, verifier: AccountId, epoch: u32) -> u128 {
        self.att_query(selector::CAPACITY, (verifier, epoch))
    }

    pub fn epoch_capacity(&mut self, epoch: u32) -> u128 {
        self.att_query(selector::EPOCH_CAPACITY, epoch)
    }
}
