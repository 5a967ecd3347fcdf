//! Dynamis attestation registry: verifiers with an active bond register a secp256k1 key that
//! weighs their stake; one transaction posts a batch's compact attestation with its
//! co-signatures; a challenge window follows; capacity is read only for final epochs.
//!
//! - `register_key(key, proof)`: the caller must hold a verifier bond at the floor (asked of
//!   bonding) and prove the key with a signature over the registration digest; the key weighs
//!   that bond. `sync_weight(verifier)` (anyone) re-reads it.
//! - `submit(attestation, signatures)`: `ecdsa_recover` over SHA-256(domain ‖ this contract ‖
//!   payload) for each signature; distinct, registered, still-bonded signers carrying 2/3 of
//!   the registered stake; an open epoch; a batch root never attested before. The capacity is
//!   computed from the per-kind counts and credited to the co-signers, a share each. The cost
//!   depends on the signatures only, never on the batch size.
//! - Inside the window: `challenge` (anyone: one leaf proves the counts or a hash-checkable item
//!   false), `contest` (a bonded verifier, with a deposit: a signature item, decided by the
//!   resolver before a deadline, `expire_contest` applying the default after it),
//!   `request_item` (anyone, with a deposit: the co-signers must `answer` with the item, else
//!   anyone's `claim_unanswered` rejects the attestation). A rejection takes the capacity back
//!   and reports an attestation-failure slash of every co-signer to bonding.
//! - `finalize(id)` after the window: a reputation success per co-signer.
//! - An epoch is final once no submission, window or answer period of it is left and no
//!   contest or request on it is open; `Capacity` answers only for final epochs.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

pub mod disputes;
pub mod params;
pub mod registry;
pub mod types;

pub use params::{Bounds, Params, DAY, DEFAULT_BOUNDS, DEFAULT_PARAMS, MAX_SIGNERS, ONE_DYN};
pub use types::{
    AttestationError, AttestationEvent, Contest, ContestResolved, ContestResolverChanged,
    Contested, DataWithheld, Effect, EpochTotals, Finalized, FraudProven, ItemAnswered,
    ItemRequested, Key, KeyRegistered, KeyRemoved, Record, Registration, RegistryParamsUpdated,
    Request, Signature, Status, Submitted, WeightSynced, MAX_OPEN_REQUESTS,
};

/// The chain's host functions as the shared rules' cryptography.
pub struct Host;

impl dynamis_proofs::Crypto for Host {
    fn sha256(data: &[u8]) -> dynamis_proofs::Hash {
        let mut out = [0u8; 32];
        ink::env::hash_bytes::<ink::env::hash::Sha2x256>(data, &mut out);
        out
    }

    fn blake2_256(data: &[u8]) -> dynamis_proofs::Hash {
        let mut out = [0u8; 32];
        ink::env::hash_bytes::<ink::env::hash::Blake2x256>(data, &mut out);
        out
    }

    fn ecdsa_recover(signature: &[u8; 65], message_hash: &[u8; 32]) -> Option<[u8; 33]> {
        let mut out = [0u8; 33];
        ink::env::ecdsa_recover(signature, message_hash, &mut out)
            .ok()
            .map(|()| out)
    }
}

#[ink::contract]
mod attestations {
    use crate::{
        params::{Bounds, Params, DEFAULT_BOUNDS, DEFAULT_PARAMS},
        registry::Registry,
        types::{AttestationError, Effect, EpochTotals, Key, Outcome, Record, Request, Signature},
        Host,
    };
    use dynamis_proofs::{Attestation, Hash as Digest, Item};
    use dynamis_shared::{
        call::{read, settle},
        Attested, Bonding, BondingError, Capacity, PSP22Burnable, PowerReport, Reputation, Role,
        SlashClass, TransferData, PSP22,
    };
    use ink::{codegen::TraitCallBuilder, prelude::vec::Vec};

    #[ink(storage)]
    pub struct Attestations {
        token: AccountId,
        bonding: AccountId,
        reputation: AccountId,
        /// Told each co-signer's work when an attestation is final (none: no Power is reported).
        power_flux: Option<AccountId>,
        registry: Registry,
    }

    impl Attestations {
        /// A registry taking deposits in `token`, reading verifier bonds from (and reporting
        /// slashes to) `bonding`, recording successes in `reputation` and co-signers' work in
        /// `power_flux` (if any), with contests decided by `resolver`, tuned by `governance`
        /// inside `bounds` (fixed for good). It must be wired as a bonding reporter, a
        /// reputation writer and a Power/Flux reporter before it can slash or finalise.
        #[ink(constructor)]
        #[allow(clippy::too_many_arguments)]
        pub fn new(
            token: AccountId,
            bonding: AccountId,
            reputation: AccountId,
            power_flux: Option<AccountId>,
            governance: AccountId,
            resolver: AccountId,
            bounds: Bounds,
            params: Params,
        ) -> Result<Self, AttestationError> {
            Ok(Self {
                token,
                bonding,
                reputation,
                power_flux,
                registry: Registry::new(bounds, params, governance, resolver)?,
            })
        }

        /// [`Self::new`] with the default bounds and parameters (see `params.rs` for why).
        #[ink(constructor)]
        pub fn with_defaults(
            token: AccountId,
            bonding: AccountId,
            reputation: AccountId,
            power_flux: Option<AccountId>,
            governance: AccountId,
            resolver: AccountId,
        ) -> Result<Self, AttestationError> {
            Self::new(
                token,
                bonding,
                reputation,
                power_flux,
                governance,
                resolver,
                DEFAULT_BOUNDS,
                DEFAULT_PARAMS,
            )
        }

        /// Governance moves the parameters, each inside its hard bounds.
        #[ink(message)]
        pub fn set_params(&mut self, params: Params) -> Result<(), AttestationError> {
            let events = self.registry.set_params(self.env().caller(), params)?;
            events.into_iter().for_each(|e| e.emit());
            Ok(())
        }

        /// Governance names a new resolver.
        #[ink(message)]
        pub fn set_resolver(&mut self, resolver: AccountId) -> Result<(), AttestationError> {
            let events = self.registry.set_resolver(self.env().caller(), resolver)?;
            events.into_iter().for_each(|e| e.emit());
            Ok(())
        }

        fn now(&self) -> u32 {
            self.env().block_number()
        }

        fn me(&self) -> [u8; 32] {
            *self.env().account_id().as_ref()
        }

        /// `account`'s verifier bond if it is at the floor.
        fn stake(&self, account: AccountId) -> Result<Option<u128>, AttestationError> {
            let bonding: ink::contract_ref!(Bonding) = self.bonding.into();
            read(
                bonding
                    .call()
                    .bonded_stake(account, Role::Verifier)
                    .try_invoke(),
            )
        }

        /// Carries out the effects, then emits the events; any failure reverts the message.
        fn finish(&mut self, (events, effects): Outcome) -> Result<(), AttestationError> {
            let mut bonding: ink::contract_ref!(Bonding) = self.bonding.into();
            let mut reputation: ink::contract_ref!(Reputation) = self.reputation.into();
            let mut token: ink::contract_ref!(PSP22) = self.token.into();
            let mut burner: ink::contract_ref!(PSP22Burnable) = self.token.into();
            let me = self.env().account_id();
            for effect in effects {
                match effect {
                    Effect::Slash {
                        offender,
                        evidence,
                        beneficiary,
                    } => {
                        let reported = settle(
                            bonding
                                .call_mut()
                                .report_slash(
                                    offender,
                                    Role::Verifier,
                                    SlashClass::AttestationFailure,
                                    evidence,
                                    beneficiary,
                                )
                                .try_invoke(),
                            AttestationError::Bonding,
                        );
                        // A co-signer that has withdrawn everything has nothing left to
                        // slash; the others' slashes still go through.
                        match reported {
                            Ok(_) | Err(AttestationError::Bonding(BondingError::NothingBonded)) => {
                            }
                            Err(e) => return Err(e),
                        }
                    }
                    Effect::Success { account, gain } => {
                        settle(
                            reputation
                                .call_mut()
                                .record_success(account, gain)
                                .try_invoke(),
                            AttestationError::Reputation,
                        )?;
                    }
                    Effect::Power {
                        account,
                        activity,
                        quality,
                    } => {
                        if let Some(power_flux) = self.power_flux {
                            let mut power: ink::contract_ref!(PowerReport) = power_flux.into();
                            settle(
                                power
                                    .call_mut()
                                    .report(account, activity, quality)
                                    .try_invoke(),
                                AttestationError::Power,
                            )?;
                        }
                    }
                    Effect::Pay { amount: 0, .. } | Effect::Burn(0) => {}
                    Effect::Pull { from, amount } => settle(
                        token
                            .call_mut()
                            .transfer_from(from, me, amount, TransferData)
                            .try_invoke(),
                        AttestationError::Token,
                    )?,
                    Effect::Pay { to, amount } => settle(
                        token
                            .call_mut()
                            .transfer(to, amount, TransferData)
                            .try_invoke(),
                        AttestationError::Token,
                    )?,
                    Effect::Burn(amount) => settle(
                        burner.call_mut().burn(amount).try_invoke(),
                        AttestationError::Token,
                    )?,
                }
            }
            events.into_iter().for_each(|e| e.emit());
            Ok(())
        }

        /// The caller, bonded as a verifier, registers (or rotates to) attestation `key`;
        /// `proof` is the key's signature over the registration digest of (this contract,
        /// the caller). The key weighs the caller's verifier bond.
        #[ink(message)]
        pub fn register_key(&mut self, key: Key, proof: Signature) -> Result<(), AttestationError> {
            let caller = self.env().caller();
            let stake = self.stake(caller)?;
            let me = self.me();
            let events = self
                .registry
                .register_key::<Host>(caller, &me, key, &proof, stake)?;
            self.finish((events, Vec::new()))
        }

        /// Removes `verifier`'s key: the verifier itself any time, anyone once it is no
        /// longer bonded.
        #[ink(message)]
        pub fn remove_key(&mut self, verifier: AccountId) -> Result<(), AttestationError> {
            let caller = self.env().caller();
            let bonded = caller != verifier && self.stake(verifier)?.is_some();
            let events = self.registry.remove_key(caller, verifier, bonded)?;
            self.finish((events, Vec::new()))
        }

        /// Anyone re-reads `verifier`'s weight from its bond; a key whose bond fell below the
        /// floor is removed.
        #[ink(message)]
        pub fn sync_weight(&mut self, verifier: AccountId) -> Result<(), AttestationError> {
            let stake = self.stake(verifier)?;
            let events = self
                .registry
                .sync_weight(self.env().caller(), verifier, stake)?;
            self.finish((events, Vec::new()))
        }

        /// Posts a batch's attestation with its co-signatures; returns its id.
        #[ink(message)]
        pub fn submit(
            &mut self,
            attestation: Attestation,
            signatures: Vec<Signature>,
        ) -> Result<u64, AttestationError> {
            let (caller, now, me) = (self.env().caller(), self.now(), self.me());
            let signers = self
                .registry
                .signers::<Host>(&me, &attestation, &signatures, now)?;
            let mut stakes = Vec::with_capacity(signers.len());
            for (signer, _) in &signers {
                stakes.push(self.stake(*signer)?);
            }
            let (id, events) = self
                .registry
                .submit(caller, &attestation, signers, &stakes, now)?;
            self.finish((events, Vec::new()))?;
            Ok(id)
        }

        /// Proves attestation `id` false with `item` at `index` of its batch and the item's
        /// inclusion `proof`.
        #[ink(message)]
        pub fn challenge(
            &mut self,
            id: u64,
            item: Item,
            index: u64,
            proof: Vec<Digest>,
        ) -> Result<(), AttestationError> {
            let outcome = self.registry.challenge::<Host>(
                self.env().caller(),
                id,
                &item,
                index,
                &proof,
                self.now(),
            )?;
            self.finish(outcome)
        }

        /// Contests the signature item `item` at `index` of attestation `id`, pulling the
        /// contest deposit (approve this contract first).
        #[ink(message)]
        pub fn contest(
            &mut self,
            id: u64,
            item: Item,
            index: u64,
            proof: Vec<Digest>,
        ) -> Result<(), AttestationError> {
            let caller = self.env().caller();
            let stake = self.stake(caller)?;
            let outcome = self.registry.contest::<Host>(
                caller,
                id,
                &item,
                index,
                &proof,
                stake,
                self.now(),
            )?;
            self.finish(outcome)
        }

        /// The resolver decides the contest of attestation `id`.
        #[ink(message)]
        pub fn resolve_contest(&mut self, id: u64, upheld: bool) -> Result<(), AttestationError> {
            let (caller, now) = (self.env().caller(), self.now());
            let outcome = self
                .registry
                .resolve_contest::<Host>(caller, id, upheld, now)?;
            self.finish(outcome)
        }

        /// Anyone applies the default to a contest past the resolver's deadline.
        #[ink(message)]
        pub fn expire_contest(&mut self, id: u64) -> Result<(), AttestationError> {
            let outcome = self.registry.expire_contest(id, self.now())?;
            self.finish(outcome)
        }

        /// Asks for the item at `index` of attestation `id`, pulling the request deposit.
        #[ink(message)]
        pub fn request_item(&mut self, id: u64, index: u64) -> Result<(), AttestationError> {
            let (caller, now) = (self.env().caller(), self.now());
            let outcome = self.registry.request_item(caller, id, index, now)?;
            self.finish(outcome)
        }

        /// Answers the request at `index` of attestation `id` with the item, its verdict and
        /// its inclusion proof.
        #[ink(message)]
        pub fn answer(
            &mut self,
            id: u64,
            index: u64,
            item: Item,
            valid: bool,
            proof: Vec<Digest>,
        ) -> Result<(), AttestationError> {
            let now = self.now();
            let outcome = self
                .registry
                .answer::<Host>(id, index, &item, valid, &proof, now)?;
            self.finish(outcome)
        }

        /// Rejects attestation `id` whose request at `index` went unanswered.
        #[ink(message)]
        pub fn claim_unanswered(&mut self, id: u64, index: u64) -> Result<(), AttestationError> {
            let outcome = self
                .registry
                .claim_unanswered::<Host>(id, index, self.now())?;
            self.finish(outcome)
        }

        /// Finalises attestation `id` after its challenge window.
        #[ink(message)]
        pub fn finalize(&mut self, id: u64) -> Result<(), AttestationError> {
            let outcome = self.registry.finalize(id, self.now())?;
            self.finish(outcome)
        }

        #[ink(message)]
        pub fn params(&self) -> Params {
            self.registry.params()
        }

        #[ink(message)]
        pub fn bounds(&self) -> Bounds {
            self.registry.bounds()
        }

        #[ink(message)]
        pub fn governance(&self) -> AccountId {
            self.registry.governance()
        }

        /// The token, bonding, reputation and the resolver this registry uses.
        #[ink(message)]
        pub fn wired(&self) -> (AccountId, AccountId, AccountId, AccountId) {
            (
                self.token,
                self.bonding,
                self.reputation,
                self.registry.resolver(),
            )
        }

        /// The Power/Flux contract told each co-signer's work, if any.
        #[ink(message)]
        pub fn power_flux(&self) -> Option<AccountId> {
            self.power_flux
        }

        #[ink(message)]
        pub fn key_of(&self, verifier: AccountId) -> Option<Key> {
            self.registry.key_of(verifier)
        }

        #[ink(message)]
        pub fn owner_of(&self, key: Key) -> Option<AccountId> {
            self.registry.owner_of(key)
        }

        /// How many verifiers have a registered key.
        #[ink(message)]
        pub fn registered(&self) -> u32 {
            self.registry.registered()
        }

        /// What `verifier`'s signature weighs at most (its registered stake), 0 unregistered.
        #[ink(message)]
        pub fn weight_of(&self, verifier: AccountId) -> u128 {
            self.registry.registration(verifier).map_or(0, |r| r.weight)
        }

        /// Σ weight of every registered verifier.
        #[ink(message)]
        pub fn total_weight(&self) -> u128 {
            self.registry.total_weight()
        }

        /// The stake an attestation's co-signers must carry now.
        #[ink(message)]
        pub fn required_weight(&self) -> u128 {
            self.registry.required_weight()
        }

        #[ink(message)]
        pub fn attestation(&self, id: u64) -> Option<Record> {
            self.registry.record(id)
        }

        /// The open data request at `index` of attestation `id`, if any.
        #[ink(message)]
        pub fn request(&self, id: u64, index: u64) -> Option<Request> {
            self.registry.request(id, index)
        }

        /// The attestation of the batch with this root, if any.
        #[ink(message)]
        pub fn id_of_root(&self, root: Digest) -> Option<u64> {
            self.registry.id_of_root(root)
        }

        /// What the attestations of `epoch` add up to so far (final once the epoch is).
        #[ink(message)]
        pub fn totals(&self, epoch: u32) -> EpochTotals {
            self.registry.totals(epoch)
        }

        /// `verifier`'s capacity shares of `regime` for `epoch` so far, final or not.
        #[ink(message)]
        pub fn credited(&self, verifier: AccountId, epoch: u32, regime: u8) -> u128 {
            self.registry.credited(verifier, epoch, regime)
        }

        /// The first block at which `epoch` is closed.
        #[ink(message)]
        pub fn closes_at(&self, epoch: u32) -> u32 {
            self.registry.closes_at(epoch)
        }
    }

    impl Capacity for Attestations {
        #[ink(message)]
        fn current_epoch(&self) -> u32 {
            self.registry.epoch_at(self.now())
        }

        #[ink(message)]
        fn newest_closed_epoch(&self) -> Option<u32> {
            self.registry.newest_closed_epoch(self.now())
        }

        #[ink(message)]
        fn is_final(&self, epoch: u32) -> bool {
            self.registry.is_final(epoch, self.now())
        }

        #[ink(message)]
        fn capacity(&self, verifier: AccountId, epoch: u32, regime: u8) -> Option<u128> {
            self.registry.capacity(verifier, epoch, regime, self.now())
        }

        #[ink(message)]
        fn epoch_capacity(&self, epoch: u32) -> Option<u128> {
            self.registry.epoch_capacity(epoch, self.now())
        }

        #[ink(message)]
        fn attested(&self, id: u64) -> Option<Attested> {
            self.registry.attested(id, self.now())
        }
    }
}
