//! The registry's rules in plain Rust: methods take the caller and the block, and return the
//! events to emit and the effects (slash reports, reputation records) the contract carries out.

use crate::params::AttestParams;
use dynamis_proofs::{
    attestation_digest, batch_leaf, check, ecdsa_signer, item_digest, registration_digest,
    verify_inclusion, Attestation, Check, Crypto, Hash, Item, Regime, Verdict,
};
use dynamis_shared::{math::PPB, BondingError, ReputationError};
use ink::{
    prelude::vec, prelude::vec::Vec, primitives::AccountId, scale::Encode, storage::Mapping,
};

/// A compressed secp256k1 public key.
pub type Key = [u8; 33];
/// An ECDSA signature r ‖ s ‖ v.
pub type Signature = [u8; 65];

/// Where an attestation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Status {
    /// Inside its challenge window (or past it, not yet finalised).
    Pending,
    /// Final: its capacity is credited.
    Final,
    /// Proven false on-chain: never credited; its co-signers' slashes are reported.
    Rejected,
    /// A signature item was challenged: never credited; the co-signers' slashes are reported
    /// and each co-signer disputes its own in bonding, where the resolver decides.
    Contested,
}

/// A submitted attestation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Record {
    pub epoch: u32,
    pub root: Hash,
    pub items: u64,
    pub valid: u64,
    pub capacity: u64,
    /// Index into [`Regime::ALL`].
    pub regime: u8,
    pub submitter: AccountId,
    /// The co-signers' accounts, in signature order.
    pub signers: Vec<AccountId>,
    pub submitted_at: u32,
    pub status: Status,
    /// Who proved or contested it.
    pub challenger: Option<AccountId>,
}

impl Record {
    /// The attestation's regime.
    pub fn regime(&self) -> Regime {
        regime_of(self.regime)
    }
}

fn regime_index(regime: Regime) -> u8 {
    match regime {
        Regime::Ephemeral => 0,
        Regime::Session => 1,
        Regime::Anchored => 2,
        Regime::Permanent => 3,
    }
}

fn regime_of(index: u8) -> Regime {
    match index {
        0 => Regime::Ephemeral,
        1 => Regime::Session,
        2 => Regime::Anchored,
        _ => Regime::Permanent,
    }
}

/// What the final attestations of one epoch add up to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct EpochTotals {
    pub attestations: u32,
    pub items: u64,
    pub valid: u64,
    /// Capacity units, each batch counted once.
    pub capacity: u128,
}

/// Why the attestations contract refused a call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[allow(clippy::cast_possible_truncation)] // SCALE derive of a data-carrying enum
pub enum AttestationError {
    /// Parameters given at instantiation are inconsistent.
    InvalidParams,
    /// Registering a key without an active verifier bond.
    NotBonded,
    /// The registration signature was not made by the key for this account and contract.
    BadKeyProof,
    /// The key is registered to another account.
    KeyTaken,
    /// The account has no registered key.
    NotRegistered,
    /// Only the verifier itself removes its key while it is still bonded.
    StillBonded,
    /// The attestation's epoch has not begun.
    FutureEpoch,
    /// The attestation's epoch is older than the accepted age.
    StaleEpoch,
    /// An attestation of no items.
    EmptyBatch,
    /// More valid items than items.
    InconsistentCounts,
    /// This batch root is already attested.
    DuplicateBatch,
    /// More signatures than `max_signers`.
    TooManySignatures,
    /// A signature that is not canonical or from which no key can be recovered.
    InvalidSignature,
    /// A signature by a key no verifier registered (or over another digest).
    UnknownSigner,
    /// Two signatures by the same verifier.
    DuplicateSigner,
    /// A co-signer whose verifier bond is no longer active.
    UnbondedSigner,
    /// Fewer co-signers than required.
    TooFewSignatures,
    /// No attestation has this id.
    UnknownAttestation,
    /// The attestation is final, rejected or contested already.
    NotPending,
    /// The challenge window has closed.
    WindowClosed,
    /// The challenge window is still open.
    WindowOpen,
    /// The inclusion proof does not place the item, marked valid, in the batch.
    InvalidProof,
    /// The challenged item checks out: no fraud.
    ItemValid,
    /// Only a registered verifier contests a signature item.
    NotVerifier,
    /// Bonding refused a call.
    Bonding(BondingError),
    /// The reputation registry refused a call.
    Reputation(ReputationError),
    /// A cross-contract call failed outright.
    CallFailed,
}

dynamis_shared::contract_events! {
    /// A verifier registered (or rotated to) an attestation key.
    KeyRegistered { #[ink(topic)] verifier: AccountId, key: Key, replaced: Option<Key> }
    /// A verifier's key was removed, by itself or (once it is unbonded) by `by`.
    KeyRemoved { #[ink(topic)] verifier: AccountId, key: Key, by: AccountId }
    /// An attestation was accepted; it can be challenged until `challenge_until`.
    Submitted {
        #[ink(topic)] id: u64,
        #[ink(topic)] epoch: u32,
        root: Hash,
        items: u64,
        valid: u64,
        capacity: u64,
        regime: Regime,
        signers: Vec<AccountId>,
        challenge_until: u32,
    }
    /// A hash-checkable item marked valid was proven false: the attestation is rejected and
    /// every co-signer's slash reported (with `evidence`) for the challenger's benefit.
    FraudProven {
        #[ink(topic)] id: u64,
        #[ink(topic)] challenger: AccountId,
        item: Hash,
        index: u64,
        evidence: Hash,
    }
    /// A signature item was contested: the attestation is not credited and every co-signer's
    /// slash reported, each disputable in bonding.
    Contested {
        #[ink(topic)] id: u64,
        #[ink(topic)] challenger: AccountId,
        item: Hash,
        index: u64,
        evidence: Hash,
    }
    /// An attestation became final and its capacity was credited to every co-signer.
    Finalized { #[ink(topic)] id: u64, #[ink(topic)] epoch: u32, capacity: u64, signers: Vec<AccountId> }
}

impl dynamis_shared::call::CallFailed for AttestationError {
    const CALL_FAILED: Self = AttestationError::CallFailed;
}

/// Something the contract does on other contracts after the rules have run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Report an attestation-failure slash of `offender`'s verifier bond.
    Slash {
        offender: AccountId,
        evidence: Hash,
        beneficiary: AccountId,
    },
    /// Record a reputation success.
    Success { account: AccountId, gain: u32 },
}

/// The rules' result: events to emit and effects to carry out.
pub type Outcome = (Vec<Event>, Vec<Effect>);

#[ink::storage_item]
#[derive(Debug)]
pub struct Registry {
    params: AttestParams,
    keys: Mapping<AccountId, Key>,
    owners: Mapping<Key, AccountId>,
    registered: u32,
    records: Mapping<u64, Record>,
    by_root: Mapping<Hash, u64>,
    next_id: u64,
    credited: Mapping<(AccountId, u32), u128>,
    totals: Mapping<u32, EpochTotals>,
}

impl Registry {
    pub fn new(params: AttestParams) -> Result<Self, AttestationError> {
        if !params.valid() {
            return Err(AttestationError::InvalidParams);
        }
        Ok(Self {
            params,
            keys: Mapping::new(),
            owners: Mapping::new(),
            registered: 0,
            records: Mapping::new(),
            by_root: Mapping::new(),
            next_id: 0,
            credited: Mapping::new(),
            totals: Mapping::new(),
        })
    }

    pub fn params(&self) -> AttestParams {
        self.params
    }

    /// The epoch block `now` is in.
    pub fn epoch_at(&self, now: u32) -> u32 {
        now.checked_div(self.params.epoch_blocks).unwrap_or(0)
    }

    pub fn key_of(&self, verifier: AccountId) -> Option<Key> {
        self.keys.get(verifier)
    }

    pub fn owner_of(&self, key: Key) -> Option<AccountId> {
        self.owners.get(key)
    }

    pub fn registered(&self) -> u32 {
        self.registered
    }

    pub fn record(&self, id: u64) -> Option<Record> {
        self.records.get(id)
    }

    pub fn id_of_root(&self, root: Hash) -> Option<u64> {
        self.by_root.get(root)
    }

    pub fn capacity(&self, verifier: AccountId, epoch: u32) -> u128 {
        self.credited.get((verifier, epoch)).unwrap_or(0)
    }

    pub fn totals(&self, epoch: u32) -> EpochTotals {
        self.totals.get(epoch).unwrap_or_default()
    }

    /// Co-signatures needed now: ⌈registered × threshold⌉, at least `min_signers`.
    pub fn required_signatures(&self) -> u32 {
        let share = u64::from(self.registered)
            .saturating_mul(u64::from(self.params.threshold_ppb))
            .saturating_add(u64::from(PPB).saturating_sub(1))
            .checked_div(u64::from(PPB))
            .unwrap_or(0);
        u32::try_from(share)
            .unwrap_or(u32::MAX)
            .max(self.params.min_signers)
    }

    /// `caller`, holding an active verifier bond (`bonded`), registers `key`, proving it
    /// holds it with `proof`: a signature over the registration digest of (`contract`,
    /// `caller`). A second registration rotates the key.
    pub fn register_key<C: Crypto>(
        &mut self,
        caller: AccountId,
        contract: &[u8; 32],
        key: Key,
        proof: &Signature,
        bonded: bool,
    ) -> Result<Vec<Event>, AttestationError> {
        if !bonded {
            return Err(AttestationError::NotBonded);
        }
        let digest = registration_digest::<C>(contract, caller.as_ref());
        if ecdsa_signer::<C>(proof, &digest) != Some(key) {
            return Err(AttestationError::BadKeyProof);
        }
        match self.owners.get(key) {
            Some(owner) if owner != caller => return Err(AttestationError::KeyTaken),
            _ => {}
        }
        let replaced = self.keys.get(caller);
        match replaced {
            Some(old) => self.owners.remove(old),
            None => self.registered = self.registered.saturating_add(1),
        }
        self.keys.insert(caller, &key);
        self.owners.insert(key, &caller);
        Ok(vec![Event::KeyRegistered(KeyRegistered {
            verifier: caller,
            key,
            replaced,
        })])
    }

    /// Removes `verifier`'s key: the verifier itself at any time, anyone once it is no
    /// longer bonded (`is_bonded` asks bonding, only when someone else removes it), so the
    /// threshold counts live verifiers only.
    pub fn remove_key(
        &mut self,
        caller: AccountId,
        verifier: AccountId,
        is_bonded: &mut dyn FnMut(AccountId) -> Result<bool, AttestationError>,
    ) -> Result<Vec<Event>, AttestationError> {
        let key = self
            .keys
            .get(verifier)
            .ok_or(AttestationError::NotRegistered)?;
        if caller != verifier && is_bonded(verifier)? {
            return Err(AttestationError::StillBonded);
        }
        self.keys.remove(verifier);
        self.owners.remove(key);
        self.registered = self.registered.saturating_sub(1);
        Ok(vec![Event::KeyRemoved(KeyRemoved {
            verifier,
            key,
            by: caller,
        })])
    }

    /// Accepts `attestation` if it is well formed, for an open epoch, of a batch not yet
    /// attested, and signed over this `contract`'s digest by enough distinct, registered,
    /// still-bonded verifiers (`is_bonded` asks bonding). Its cost depends on the number of
    /// signatures only, never on the batch's item count.
    #[allow(clippy::too_many_arguments)]
    pub fn submit<C: Crypto>(
        &mut self,
        caller: AccountId,
        contract: &[u8; 32],
        attestation: &Attestation,
        signatures: &[Signature],
        now: u32,
        is_bonded: &mut dyn FnMut(AccountId) -> Result<bool, AttestationError>,
    ) -> Result<(u64, Vec<Event>), AttestationError> {
        let current = self.epoch_at(now);
        if attestation.epoch > current {
            return Err(AttestationError::FutureEpoch);
        }
        if attestation.epoch < current.saturating_sub(self.params.max_epoch_age) {
            return Err(AttestationError::StaleEpoch);
        }
        if attestation.items == 0 {
            return Err(AttestationError::EmptyBatch);
        }
        if attestation.valid > attestation.items {
            return Err(AttestationError::InconsistentCounts);
        }
        if self.by_root.contains(attestation.root) {
            return Err(AttestationError::DuplicateBatch);
        }
        if signatures.len() > usize::try_from(self.params.max_signers).unwrap_or(usize::MAX) {
            return Err(AttestationError::TooManySignatures);
        }
        let digest = attestation_digest::<C>(contract, attestation);
        let mut signers: Vec<AccountId> = Vec::with_capacity(signatures.len());
        for signature in signatures {
            let key =
                ecdsa_signer::<C>(signature, &digest).ok_or(AttestationError::InvalidSignature)?;
            let signer = self
                .owners
                .get(key)
                .ok_or(AttestationError::UnknownSigner)?;
            if signers.contains(&signer) {
                return Err(AttestationError::DuplicateSigner);
            }
            if !is_bonded(signer)? {
                return Err(AttestationError::UnbondedSigner);
            }
            signers.push(signer);
        }
        if u32::try_from(signers.len()).unwrap_or(u32::MAX) < self.required_signatures() {
            return Err(AttestationError::TooFewSignatures);
        }
        let id = self.next_id;
        self.next_id = id.saturating_add(1);
        self.by_root.insert(attestation.root, &id);
        self.records.insert(
            id,
            &Record {
                epoch: attestation.epoch,
                root: attestation.root,
                items: attestation.items,
                valid: attestation.valid,
                capacity: attestation.capacity,
                regime: regime_index(attestation.regime),
                submitter: caller,
                signers: signers.clone(),
                submitted_at: now,
                status: Status::Pending,
                challenger: None,
            },
        );
        let event = Submitted {
            id,
            epoch: attestation.epoch,
            root: attestation.root,
            items: attestation.items,
            valid: attestation.valid,
            capacity: attestation.capacity,
            regime: attestation.regime,
            signers,
            challenge_until: now.saturating_add(self.params.challenge_window_blocks),
        };
        Ok((id, vec![Event::Submitted(event)]))
    }

    fn pending(&self, id: u64) -> Result<Record, AttestationError> {
        let record = self
            .records
            .get(id)
            .ok_or(AttestationError::UnknownAttestation)?;
        if record.status != Status::Pending {
            return Err(AttestationError::NotPending);
        }
        Ok(record)
    }

    fn window_end(&self, record: &Record) -> u32 {
        record
            .submitted_at
            .saturating_add(self.params.challenge_window_blocks)
    }

    /// `caller` challenges attestation `id` with `item`, shown by `proof` to sit at `index`
    /// of the batch marked valid. A hash-checkable item that is false rejects the
    /// attestation; a signature item (which the chain cannot check) contests it, which only a
    /// registered verifier may do. Either way every co-signer's slash is reported for the
    /// challenger's benefit.
    #[allow(clippy::too_many_arguments)]
    pub fn challenge<C: Crypto>(
        &mut self,
        caller: AccountId,
        id: u64,
        item: &Item,
        index: u64,
        proof: &[Hash],
        now: u32,
    ) -> Result<Outcome, AttestationError> {
        let mut record = self.pending(id)?;
        if now >= self.window_end(&record) {
            return Err(AttestationError::WindowClosed);
        }
        let digest = item_digest::<C>(item);
        let leaf = batch_leaf::<C>(&digest, Verdict::Valid);
        if !verify_inclusion::<C>(&leaf, index, record.items, proof, &record.root) {
            return Err(AttestationError::InvalidProof);
        }
        let status = match check::<C>(item) {
            Check::Valid => return Err(AttestationError::ItemValid),
            Check::Invalid => Status::Rejected,
            Check::OffChain if self.keys.contains(caller) => Status::Contested,
            Check::OffChain => return Err(AttestationError::NotVerifier),
        };
        let evidence = C::sha256(&(id, digest, index).encode());
        record.status = status;
        record.challenger = Some(caller);
        self.records.insert(id, &record);
        let effects = record
            .signers
            .iter()
            .map(|&offender| Effect::Slash {
                offender,
                evidence,
                beneficiary: caller,
            })
            .collect();
        let event = if status == Status::Rejected {
            Event::FraudProven(FraudProven {
                id,
                challenger: caller,
                item: digest,
                index,
                evidence,
            })
        } else {
            Event::Contested(Contested {
                id,
                challenger: caller,
                item: digest,
                index,
                evidence,
            })
        };
        Ok((vec![event], effects))
    }

    /// Anyone finalises attestation `id` once its window has closed unchallenged: every
    /// co-signer is credited the batch's capacity for its epoch, the epoch's totals count the
    /// batch once, and each co-signer's reputation records a success.
    pub fn finalize(&mut self, id: u64, now: u32) -> Result<Outcome, AttestationError> {
        let mut record = self.pending(id)?;
        if now < self.window_end(&record) {
            return Err(AttestationError::WindowOpen);
        }
        record.status = Status::Final;
        self.records.insert(id, &record);
        let units = u128::from(record.capacity);
        for &signer in &record.signers {
            let key = (signer, record.epoch);
            let credited = self.credited.get(key).unwrap_or(0).saturating_add(units);
            self.credited.insert(key, &credited);
        }
        let mut totals = self.totals(record.epoch);
        totals.attestations = totals.attestations.saturating_add(1);
        totals.items = totals.items.saturating_add(record.items);
        totals.valid = totals.valid.saturating_add(record.valid);
        totals.capacity = totals.capacity.saturating_add(units);
        self.totals.insert(record.epoch, &totals);
        let effects = record
            .signers
            .iter()
            .map(|&account| Effect::Success {
                account,
                gain: self.params.success_gain,
            })
            .collect();
        let event = Finalized {
            id,
            epoch: record.epoch,
            capacity: record.capacity,
            signers: record.signers,
        };
        Ok((vec![Event::Finalized(event)], effects))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::DEFAULT_PARAMS;

    #[ink::test]
    fn the_default_threshold_is_two_thirds_rounded_up() {
        let mut registry = Registry::new(DEFAULT_PARAMS).unwrap_or_else(|_| panic!("params"));
        for (registered, required) in [
            (0, 1),
            (1, 1),
            (2, 2),
            (3, 2),
            (4, 3),
            (6, 4),
            (7, 5),
            (64, 43),
            (100, 67),
        ] {
            registry.registered = registered;
            // ⌈2n/3⌉, never below min_signers.
            assert_eq!(registry.required_signatures(), required, "{registered}");
            assert_eq!(required, ((2 * registered).div_ceil(3)).max(1));
        }
    }

    #[ink::test]
    fn regimes_survive_storage_as_their_index() {
        for regime in Regime::ALL {
            assert_eq!(regime_of(regime_index(regime)), regime);
        }
    }
}
