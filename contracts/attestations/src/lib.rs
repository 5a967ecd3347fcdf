//! Dynamis attestation registry: verifiers with an active bond register a secp256k1 key;
//! one transaction posts a batch's compact attestation with its co-signatures; a challenge
//! window follows; final attestations credit measured capacity per verifier and epoch.
//!
//! - `register_key(key, proof)`: the caller must hold an active verifier bond (asked of
//!   bonding) and prove the key with a signature over the registration digest.
//! - `submit(attestation, signatures)`: `ecdsa_recover` over SHA-256(domain ‖ this contract ‖
//!   payload) for each signature; distinct, registered, still-bonded signers, at least the
//!   threshold; an open epoch; a batch root never attested before. The cost depends on the
//!   signatures only, never on the batch size.
//! - `challenge(id, item, index, proof)` inside the window: the item, marked valid, must be in
//!   the batch tree. A hash-checkable item (RFC 6962 inclusion claim, hash-chain segment,
//!   ECDSA signature) that is false rejects the attestation; a signature item the chain cannot
//!   check (ed25519, sr25519) contests it. Either way an attestation-failure slash of every
//!   co-signer is reported to bonding, paying the challenger the reporter's share.
//! - `finalize(id)` after the window: capacity credited to every co-signer for the epoch,
//!   the epoch's totals, a reputation success per co-signer.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

pub mod params;
pub mod registry;

pub use params::{AttestParams, DAY, DEFAULT_PARAMS, MAX_SIGNERS};
pub use registry::{
    AttestationError, Contested, Effect, EpochTotals, Event, Finalized, FraudProven, Key,
    KeyRegistered, KeyRemoved, Record, Signature, Status, Submitted,
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
        params::{AttestParams, DEFAULT_PARAMS},
        registry::{
            AttestationError, Effect, EpochTotals, Event, Key, Outcome, Record, Registry,
            Signature, Status,
        },
        Host,
    };
    use dynamis_proofs::{Attestation, Hash as Digest, Item};
    use dynamis_shared::{
        call::{read, settle},
        Attested, Bonding, BondingError, Capacity, Reputation, Role, SlashClass,
    };
    use ink::{codegen::TraitCallBuilder, prelude::vec::Vec};

    #[ink(storage)]
    pub struct Attestations {
        bonding: AccountId,
        reputation: AccountId,
        registry: Registry,
    }

    /// Whether `account` holds an active verifier bond at `bonding`.
    fn verifier_bonded(bonding: AccountId, account: AccountId) -> Result<bool, AttestationError> {
        let bonding: ink::contract_ref!(Bonding) = bonding.into();
        read(
            bonding
                .call()
                .is_bonded(account, Role::Verifier)
                .try_invoke(),
        )
    }

    impl Attestations {
        /// A registry reading verifier bonds from (and reporting slashes to) `bonding`, and
        /// recording successes in `reputation`. It must be wired as a bonding reporter and
        /// a reputation writer before it can slash or finalise.
        #[ink(constructor)]
        pub fn new(
            bonding: AccountId,
            reputation: AccountId,
            params: AttestParams,
        ) -> Result<Self, AttestationError> {
            Ok(Self {
                bonding,
                reputation,
                registry: Registry::new(params)?,
            })
        }

        /// [`Self::new`] with the default parameters (see `params.rs` for why).
        #[ink(constructor)]
        pub fn with_defaults(
            bonding: AccountId,
            reputation: AccountId,
        ) -> Result<Self, AttestationError> {
            Self::new(bonding, reputation, DEFAULT_PARAMS)
        }

        fn now(&self) -> u32 {
            self.env().block_number()
        }

        fn me(&self) -> [u8; 32] {
            *self.env().account_id().as_ref()
        }

        fn emit(&self, events: Vec<Event>) {
            for event in events {
                match event {
                    Event::KeyRegistered(e) => self.env().emit_event(e),
                    Event::KeyRemoved(e) => self.env().emit_event(e),
                    Event::Submitted(e) => self.env().emit_event(e),
                    Event::FraudProven(e) => self.env().emit_event(e),
                    Event::Contested(e) => self.env().emit_event(e),
                    Event::Finalized(e) => self.env().emit_event(e),
                }
            }
        }

        /// Carries out the effects, then emits the events; any failure reverts the message.
        fn finish(&mut self, (events, effects): Outcome) -> Result<(), AttestationError> {
            let mut bonding: ink::contract_ref!(Bonding) = self.bonding.into();
            let mut reputation: ink::contract_ref!(Reputation) = self.reputation.into();
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
                }
            }
            self.emit(events);
            Ok(())
        }

        /// The caller, bonded as a verifier, registers (or rotates to) attestation `key`;
        /// `proof` is the key's signature over the registration digest of (this contract,
        /// the caller).
        #[ink(message)]
        pub fn register_key(&mut self, key: Key, proof: Signature) -> Result<(), AttestationError> {
            let caller = self.env().caller();
            let bonded = verifier_bonded(self.bonding, caller)?;
            let me = self.me();
            let events = self
                .registry
                .register_key::<Host>(caller, &me, key, &proof, bonded)?;
            self.emit(events);
            Ok(())
        }

        /// Removes `verifier`'s key: the verifier itself any time, anyone once it is no
        /// longer bonded.
        #[ink(message)]
        pub fn remove_key(&mut self, verifier: AccountId) -> Result<(), AttestationError> {
            let bonding = self.bonding;
            let mut is_bonded = |account| verifier_bonded(bonding, account);
            let events = self
                .registry
                .remove_key(self.env().caller(), verifier, &mut is_bonded)?;
            self.emit(events);
            Ok(())
        }

        /// Posts a batch's attestation with its co-signatures; returns its id.
        #[ink(message)]
        pub fn submit(
            &mut self,
            attestation: Attestation,
            signatures: Vec<Signature>,
        ) -> Result<u64, AttestationError> {
            let (caller, now, me) = (self.env().caller(), self.now(), self.me());
            let bonding = self.bonding;
            let mut is_bonded = |account| verifier_bonded(bonding, account);
            let (id, events) = self.registry.submit::<Host>(
                caller,
                &me,
                &attestation,
                &signatures,
                now,
                &mut is_bonded,
            )?;
            self.emit(events);
            Ok(id)
        }

        /// Challenges attestation `id` with `item`, at `index` of its batch marked valid,
        /// and the item's inclusion `proof`.
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

        /// Finalises attestation `id` after its challenge window.
        #[ink(message)]
        pub fn finalize(&mut self, id: u64) -> Result<(), AttestationError> {
            let outcome = self.registry.finalize(id, self.now())?;
            self.finish(outcome)
        }

        #[ink(message)]
        pub fn params(&self) -> AttestParams {
            self.registry.params()
        }

        /// The bonding and reputation contracts this registry uses.
        #[ink(message)]
        pub fn wired(&self) -> (AccountId, AccountId) {
            (self.bonding, self.reputation)
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

        /// Co-signatures an attestation needs now.
        #[ink(message)]
        pub fn required_signatures(&self) -> u32 {
            self.registry.required_signatures()
        }

        #[ink(message)]
        pub fn attestation(&self, id: u64) -> Option<Record> {
            self.registry.record(id)
        }

        /// The attestation of the batch with this root, if any.
        #[ink(message)]
        pub fn id_of_root(&self, root: Digest) -> Option<u64> {
            self.registry.id_of_root(root)
        }

        /// What the final attestations of `epoch` add up to.
        #[ink(message)]
        pub fn totals(&self, epoch: u32) -> EpochTotals {
            self.registry.totals(epoch)
        }
    }

    impl Capacity for Attestations {
        #[ink(message)]
        fn current_epoch(&self) -> u32 {
            self.registry.epoch_at(self.now())
        }

        #[ink(message)]
        fn capacity(&self, verifier: AccountId, epoch: u32) -> u128 {
            self.registry.capacity(verifier, epoch)
        }

        #[ink(message)]
        fn epoch_capacity(&self, epoch: u32) -> u128 {
            self.registry.totals(epoch).capacity
        }

        #[ink(message)]
        fn attested(&self, id: u64) -> Option<Attested> {
            self.registry.record(id).map(|r| Attested {
                epoch: r.epoch,
                capacity: r.capacity,
                regime: r.regime,
                submitter: r.submitter,
                signers: r.signers,
                is_final: r.status == Status::Final,
            })
        }
    }
}
