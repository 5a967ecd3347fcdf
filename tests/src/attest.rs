//! Typed calls to the attestations contract, and verifiers with real secp256k1 keys that
//! bond, register and co-sign with the off-chain verifier's own code.

use crate::{
    call_data,
    suite::{done, ok, selector::WITH_DEFAULTS, Suite},
    AccountId, Called,
};
use attestations::{AttestationError, EpochTotals, Record, Request};
use dynamis_proofs::{Attestation, Hash, Item, Regime};
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

    /// Deploys another attestations contract (defaults) reading bonds from `bonding`, with
    /// this suite's token, reputation and resolver, wired into neither, reporting no Power.
    pub fn deploy_attestations(&mut self, bonding: AccountId) -> AccountId {
        let resolver = crate::suite::who::resolver();
        let governance = self
            .governance
            .unwrap_or_else(crate::suite::who::governance);
        let data = call_data(
            WITH_DEFAULTS,
            (
                self.token.address,
                bonding,
                self.reputation,
                None::<AccountId>,
                governance,
                resolver,
            ),
        );
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
        let bonds = vec![VERIFIER_BOND; usize::from(n)];
        self.verifiers_bonded(&bonds)
    }

    /// Verifiers 1, 2, … bonded with `bonds` and registered (each key weighs its bond).
    pub fn verifiers_bonded(&mut self, bonds: &[u128]) -> Vec<Verifier> {
        bonds
            .iter()
            .zip(1u8..)
            .map(|(bond, i)| {
                let v = Verifier::new(i);
                self.bond_new(v.account, Role::Verifier, *bond);
                done(self.register(&v));
                v
            })
            .collect()
    }

    /// `owner` allows attestations to pull `amount` more DYN (deposits); funds it first.
    pub fn allow_attestations(&mut self, owner: AccountId, amount: u128) {
        self.give(owner, amount);
        let (token, spender) = (self.token, self.attestations);
        assert_eq!(
            token
                .increase_allowance(&mut self.chain, owner, spender, amount)
                .value,
            Ok(())
        );
    }

    pub fn sync_weight(&mut self, caller: AccountId, verifier: AccountId) -> Called<AttResult> {
        self.att_call(caller, selector::SYNC_WEIGHT, verifier)
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

    pub fn contest(
        &mut self,
        caller: AccountId,
        id: u64,
        item: &Item,
        index: u64,
        proof: &[Hash],
    ) -> Called<AttResult> {
        self.att_call(caller, selector::CONTEST, (id, item, index, proof.to_vec()))
    }

    pub fn resolve_contest(&mut self, caller: AccountId, id: u64, upheld: bool) -> Called<AttResult> {
        self.att_call(caller, selector::RESOLVE_CONTEST, (id, upheld))
    }

    pub fn expire_contest(&mut self, caller: AccountId, id: u64) -> Called<AttResult> {
        self.att_call(caller, selector::EXPIRE_CONTEST, id)
    }

    pub fn request_item(&mut self, caller: AccountId, id: u64, index: u64) -> Called<AttResult> {
        self.att_call(caller, selector::REQUEST_ITEM, (id, index))
    }

    #[allow(clippy::too_many_arguments)]
    pub fn answer(
        &mut self,
        caller: AccountId,
        id: u64,
        index: u64,
        item: &Item,
        valid: bool,
        proof: &[Hash],
    ) -> Called<AttResult> {
        self.att_call(
            caller,
            selector::ANSWER,
            (id, index, item, valid, proof.to_vec()),
        )
    }

    pub fn claim_unanswered(&mut self, caller: AccountId, id: u64, index: u64) -> Called<AttResult> {
        self.att_call(caller, selector::CLAIM_UNANSWERED, (id, index))
    }

    pub fn finalize(&mut self, caller: AccountId, id: u64) -> Called<AttResult> {
        self.att_call(caller, selector::FINALIZE, id)
    }

    pub fn request(&mut self, id: u64, index: u64) -> Option<Request> {
        self.att_query(selector::REQUEST, (id, index))
    }

    pub fn attestation(&mut self, id: u64) -> Option<Record> {
        self.att_query(selector::ATTESTATION, id)
    }

    pub fn key_of(&mut self, verifier: AccountId) -> Option<[u8; 33]> {
        self.att_query(selector::KEY_OF, verifier)
    }

    pub fn att_params(&mut self) -> attestations::Params {
        self.att_query(selector::PARAMS, ())
    }

    pub fn registered(&mut self) -> u32 {
        self.att_query(selector::REGISTERED, ())
    }

    pub fn weight_of(&mut self, verifier: AccountId) -> u128 {
        self.att_query(selector::WEIGHT_OF, verifier)
    }

    pub fn total_weight(&mut self) -> u128 {
        self.att_query(selector::TOTAL_WEIGHT, ())
    }

    pub fn required_weight(&mut self) -> u128 {
        self.att_query(selector::REQUIRED_WEIGHT, ())
    }

    pub fn is_final(&mut self, epoch: u32) -> bool {
        self.att_query(selector::IS_FINAL, epoch)
    }

    pub fn newest_closed_epoch(&mut self) -> Option<u32> {
        self.att_query(selector::NEWEST_CLOSED_EPOCH, ())
    }

    pub fn closes_at(&mut self, epoch: u32) -> u32 {
        self.att_query(selector::CLOSES_AT, epoch)
    }

    /// `verifier`'s shares of `regime` for `epoch` so far, final or not.
    pub fn credited(&mut self, verifier: AccountId, epoch: u32, regime: Regime) -> u128 {
        self.att_query(selector::CREDITED, (verifier, epoch, regime.index()))
    }

    pub fn epoch_totals(&mut self, epoch: u32) -> EpochTotals {
        self.att_query(selector::TOTALS, epoch)
    }

    pub fn current_epoch(&mut self) -> u32 {
        self.att_query(selector::CURRENT_EPOCH, ())
    }

    /// `verifier`'s capacity of `regime` for `epoch`, if the epoch is final.
    pub fn capacity(&mut self, verifier: AccountId, epoch: u32, regime: Regime) -> Option<u128> {
        self.att_query(selector::CAPACITY, (verifier, epoch, regime.index()))
    }

    /// The capacity of `epoch`, if it is final.
    pub fn epoch_capacity(&mut self, epoch: u32) -> Option<u128> {
        self.att_query(selector::EPOCH_CAPACITY, epoch)
    }

    /// Moves the chain to the first block at which `epoch` is closed.
    pub fn close_epoch(&mut self, epoch: u32) {
        let at = self.closes_at(epoch);
        let now = self.chain.block();
        if at > now {
            self.chain.advance(at - now);
        }
    }
}
