//! The registry's rules in plain Rust: methods take the caller, the block and whatever the
//! shell read from other contracts beforehand (bonds), and return the events to emit and the
//! effects (slash reports, reputation records, deposits) the contract carries out.
//!
//! This file: keys and their stake weights, submission, finalisation, when an epoch is closed
//! and final, and the capacity reads. Challenges, contests and data requests: `disputes.rs`.

use crate::{
    params::{Bounds, Params},
    types::{
        AttestationError, AttestationEvent, ContestResolverChanged, Effect, EpochTotals, Finalized,
        Key, KeyRegistered, KeyRemoved, Outcome, Record, Registration, RegistryParamsUpdated,
        Request, Signature, Status, Submitted, WeightSynced,
    },
};
use dynamis_proofs::{
    attestation_digest, ecdsa_signer, registration_digest, Attestation, Crypto, Hash,
};
use dynamis_shared::{
    math::{minus, mul_ppb_ceil, plus, PPB},
    share, Activity, Attested, Quality,
};
use ink::{prelude::vec, prelude::vec::Vec, primitives::AccountId, storage::Mapping};

/// (verifier, epoch, regime index): whose capacity shares, for when, toward what.
pub type CreditKey = (AccountId, u32, u8);

#[ink::storage_item]
#[derive(Debug)]
pub struct Registry {
    pub(crate) params: Params,
    bounds: Bounds,
    governance: AccountId,
    resolver: AccountId,
    keys: Mapping<AccountId, Registration>,
    owners: Mapping<Key, AccountId>,
    registered: u32,
    total_weight: u128,
    pub(crate) records: Mapping<u64, Record>,
    by_root: Mapping<Hash, u64>,
    next_id: u64,
    /// Capacity shares per (verifier, epoch, regime index), rejected attestations taken out.
    pub(crate) credited: Mapping<CreditKey, u128>,
    pub(crate) totals: Mapping<u32, EpochTotals>,
    pub(crate) requests: Mapping<(u64, u64), Request>,
}

impl Registry {
    /// A registry at `params` inside `bounds` (tuned by `governance`), contests decided by
    /// `resolver`.
    pub fn new(
        bounds: Bounds,
        params: Params,
        governance: AccountId,
        resolver: AccountId,
    ) -> Result<Self, AttestationError> {
        if !bounds.valid() {
            return Err(AttestationError::InvalidBounds);
        }
        if !bounds.contains(&params) {
            return Err(AttestationError::ParamOutOfBounds);
        }
        if !params.valid() {
            return Err(AttestationError::InvalidParams);
        }
        Ok(Self {
            params,
            bounds,
            governance,
            resolver,
            keys: Mapping::new(),
            owners: Mapping::new(),
            registered: 0,
            total_weight: 0,
            records: Mapping::new(),
            by_root: Mapping::new(),
            next_id: 0,
            credited: Mapping::new(),
            totals: Mapping::new(),
            requests: Mapping::new(),
        })
    }

    pub fn params(&self) -> Params {
        self.params
    }

    pub fn resolver(&self) -> AccountId {
        self.resolver
    }

    pub fn bounds(&self) -> Bounds {
        self.bounds
    }

    pub fn governance(&self) -> AccountId {
        self.governance
    }

    /// Governance sets new parameters: each inside its hard bounds, consistent together.
    pub fn set_params(
        &mut self,
        caller: AccountId,
        params: Params,
    ) -> Result<Vec<AttestationEvent>, AttestationError> {
        if caller != self.governance {
            return Err(AttestationError::NotGovernance);
        }
        if !self.bounds.contains(&params) {
            return Err(AttestationError::ParamOutOfBounds);
        }
        if !params.valid() {
            return Err(AttestationError::InvalidParams);
        }
        self.params = params;
        Ok(vec![RegistryParamsUpdated { params }.into()])
    }

    /// Governance names a new resolver.
    pub fn set_resolver(
        &mut self,
        caller: AccountId,
        resolver: AccountId,
    ) -> Result<Vec<AttestationEvent>, AttestationError> {
        if caller != self.governance {
            return Err(AttestationError::NotGovernance);
        }
        self.resolver = resolver;
        Ok(vec![ContestResolverChanged { resolver }.into()])
    }

    /// The epoch block `now` is in.
    pub fn epoch_at(&self, now: u32) -> u32 {
        now.checked_div(self.params.epoch_blocks).unwrap_or(0)
    }

    pub fn registration(&self, verifier: AccountId) -> Option<Registration> {
        self.keys.get(verifier)
    }

    pub fn key_of(&self, verifier: AccountId) -> Option<Key> {
        self.keys.get(verifier).map(|r| r.key)
    }

    pub fn owner_of(&self, key: Key) -> Option<AccountId> {
        self.owners.get(key)
    }

    pub fn registered(&self) -> u32 {
        self.registered
    }

    /// Σ weight of every registered verifier.
    pub fn total_weight(&self) -> u128 {
        self.total_weight
    }

    pub fn record(&self, id: u64) -> Option<Record> {
        self.records.get(id)
    }

    pub fn id_of_root(&self, root: Hash) -> Option<u64> {
        self.by_root.get(root)
    }

    pub fn request(&self, id: u64, index: u64) -> Option<Request> {
        self.requests.get((id, index))
    }

    /// What the attestations of `epoch` add up to so far (final once the epoch is).
    pub fn totals(&self, epoch: u32) -> EpochTotals {
        self.totals.get(epoch).unwrap_or_default()
    }

    /// `verifier`'s capacity shares of `regime` for `epoch` so far, final or not (for display:
    /// dependents read [`Self::capacity`]).
    pub fn credited(&self, verifier: AccountId, epoch: u32, regime: u8) -> u128 {
        self.credited.get((verifier, epoch, regime)).unwrap_or(0)
    }

    /// The stake co-signers must carry now: ⌈total weight × threshold⌉.
    pub fn required_weight(&self) -> u128 {
        mul_ppb_ceil(self.total_weight, self.params.threshold_ppb)
    }

    /// The first block at which `epoch` is closed: no submission for it after
    /// `max_epoch_age` more epochs, then its last window and answer period.
    pub fn closes_at(&self, epoch: u32) -> u32 {
        let p = &self.params;
        epoch
            .saturating_add(p.max_epoch_age)
            .saturating_add(1)
            .saturating_mul(p.epoch_blocks)
            .saturating_add(p.settle_blocks())
    }

    /// The newest epoch closed at block `now`, if any.
    pub fn newest_closed_epoch(&self, now: u32) -> Option<u32> {
        let p = &self.params;
        let done = now
            .checked_sub(p.settle_blocks())?
            .checked_div(p.epoch_blocks)?;
        done.checked_sub(p.max_epoch_age)?.checked_sub(1)
    }

    /// Whether `epoch` is final at `now`: closed, with no contest or data request open.
    pub fn is_final(&self, epoch: u32, now: u32) -> bool {
        now >= self.closes_at(epoch) && self.totals(epoch).open_disputes == 0
    }

    /// `verifier`'s capacity of `regime` for `epoch`, if the epoch is final.
    pub fn capacity(&self, verifier: AccountId, epoch: u32, regime: u8, now: u32) -> Option<u128> {
        self.is_final(epoch, now)
            .then(|| self.credited(verifier, epoch, regime))
    }

    /// The capacity of every attestation of `epoch` not rejected, if the epoch is final.
    pub fn epoch_capacity(&self, epoch: u32, now: u32) -> Option<u128> {
        self.is_final(epoch, now)
            .then(|| self.totals(epoch).capacity)
    }

    /// Attestation `id` as a dependent sees it.
    pub fn attested(&self, id: u64, now: u32) -> Option<Attested> {
        let r = self.records.get(id)?;
        Some(Attested {
            epoch: r.epoch,
            capacity: r.capacity,
            regime: r.regime,
            is_final: r.status != Status::Rejected && self.is_final(r.epoch, now),
            signers: r.signers,
        })
    }

    /// `caller`, whose verifier bond at the floor is `stake` (`None` below it), registers
    /// `key`, proving it holds it with `proof`: a signature over the registration digest of
    /// (`contract`, `caller`). A second registration rotates the key. The key weighs `stake`.
    pub fn register_key<C: Crypto>(
        &mut self,
        caller: AccountId,
        contract: &[u8; 32],
        key: Key,
        proof: &Signature,
        stake: Option<u128>,
    ) -> Result<Vec<AttestationEvent>, AttestationError> {
        let weight = stake.ok_or(AttestationError::NotBonded)?;
        let digest = registration_digest::<C>(contract, caller.as_ref());
        if ecdsa_signer::<C>(proof, &digest) != Some(key) {
            return Err(AttestationError::BadKeyProof);
        }
        match self.owners.get(key) {
            Some(owner) if owner != caller => return Err(AttestationError::KeyTaken),
            _ => {}
        }
        let old = self.keys.get(caller);
        let replaced = old.map(|r| r.key);
        match old {
            Some(r) => {
                self.owners.remove(r.key);
                self.total_weight = minus(self.total_weight, r.weight)?;
            }
            None => self.registered = plus(self.registered, 1)?,
        }
        self.total_weight = plus(self.total_weight, weight)?;
        self.keys.insert(caller, &Registration { key, weight });
        self.owners.insert(key, &caller);
        let event = KeyRegistered {
            verifier: caller,
            key,
            replaced,
            weight,
        };
        Ok(vec![AttestationEvent::KeyRegistered(event)])
    }

    fn unregister(
        &mut self,
        caller: AccountId,
        verifier: AccountId,
        r: Registration,
    ) -> Result<Vec<AttestationEvent>, AttestationError> {
        self.keys.remove(verifier);
        self.owners.remove(r.key);
        self.registered = minus(self.registered, 1)?;
        self.total_weight = minus(self.total_weight, r.weight)?;
        let event = KeyRemoved {
            verifier,
            key: r.key,
            by: caller,
        };
        Ok(vec![AttestationEvent::KeyRemoved(event)])
    }

    /// Removes `verifier`'s key: the verifier itself at any time, anyone once it is no
    /// longer bonded (`bonded`, read by the shell when the caller is someone else), so the
    /// threshold counts live verifiers only.
    pub fn remove_key(
        &mut self,
        caller: AccountId,
        verifier: AccountId,
        bonded: bool,
    ) -> Result<Vec<AttestationEvent>, AttestationError> {
        let r = self
            .keys
            .get(verifier)
            .ok_or(AttestationError::NotRegistered)?;
        if caller != verifier && bonded {
            return Err(AttestationError::StillBonded);
        }
        self.unregister(caller, verifier, r)
    }

    /// Anyone re-reads `verifier`'s weight from its bond (`stake`, `None` below the floor):
    /// the key then weighs its bond now, or is removed if the bond fell below the floor. So a
    /// coalition cannot keep the total inflated by unbonding while registered.
    pub fn sync_weight(
        &mut self,
        caller: AccountId,
        verifier: AccountId,
        stake: Option<u128>,
    ) -> Result<Vec<AttestationEvent>, AttestationError> {
        let mut r = self
            .keys
            .get(verifier)
            .ok_or(AttestationError::NotRegistered)?;
        let Some(new) = stake else {
            return self.unregister(caller, verifier, r);
        };
        let old = r.weight;
        self.total_weight = plus(minus(self.total_weight, old)?, new)?;
        r.weight = new;
        self.keys.insert(verifier, &r);
        let event = WeightSynced { verifier, old, new };
        Ok(vec![AttestationEvent::WeightSynced(event)])
    }

    /// The first half of a submission, everything that needs no other contract: the
    /// attestation is well formed, for an open epoch, of a batch not yet attested, and signed
    /// over this `contract`'s digest by distinct registered verifiers; returns them with their
    /// registered weights. Its cost depends on the number of signatures only, never on the
    /// batch's item count.
    pub fn signers<C: Crypto>(
        &self,
        contract: &[u8; 32],
        attestation: &Attestation,
        signatures: &[Signature],
        now: u32,
    ) -> Result<Vec<(AccountId, u128)>, AttestationError> {
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
        if !attestation.consistent() {
            return Err(AttestationError::InconsistentCounts);
        }
        if self.by_root.contains(attestation.root) {
            return Err(AttestationError::DuplicateBatch);
        }
        if signatures.len() > usize::try_from(self.params.max_signers).unwrap_or(usize::MAX) {
            return Err(AttestationError::TooManySignatures);
        }
        let digest = attestation_digest::<C>(contract, attestation);
        let mut signers: Vec<(AccountId, u128)> = Vec::with_capacity(signatures.len());
        for signature in signatures {
            let key =
                ecdsa_signer::<C>(signature, &digest).ok_or(AttestationError::InvalidSignature)?;
            let signer = self
                .owners
                .get(key)
                .ok_or(AttestationError::UnknownSigner)?;
            if signers.iter().any(|(s, _)| *s == signer) {
                return Err(AttestationError::DuplicateSigner);
            }
            let weight = self.keys.get(signer).map_or(0, |r| r.weight);
            signers.push((signer, weight));
        }
        Ok(signers)
    }

    /// The second half: `signers` (from [`Self::signers`], with their registered weights)
    /// with their verifier bonds now (`stakes`, same order, `None` below the floor) must carry
    /// the threshold of the registered stake, each weighing the smaller of its registered
    /// weight and its bond. The attestation is recorded and every co-signer credited its share
    /// of the capacity.
    pub fn submit(
        &mut self,
        caller: AccountId,
        attestation: &Attestation,
        signers: Vec<(AccountId, u128)>,
        stakes: &[Option<u128>],
        now: u32,
    ) -> Result<(u64, Vec<AttestationEvent>), AttestationError> {
        let mut weight = 0u128;
        for ((_, registered), stake) in signers.iter().zip(stakes) {
            let stake = stake.ok_or(AttestationError::UnbondedSigner)?;
            weight = plus(weight, stake.min(*registered))?;
        }
        let signers: Vec<AccountId> = signers.into_iter().map(|(s, _)| s).collect();
        let enough_signers =
            u32::try_from(signers.len()).unwrap_or(u32::MAX) >= self.params.min_signers;
        if signers.len() != stakes.len() || !enough_signers || weight < self.required_weight() {
            return Err(AttestationError::TooFewSignatures);
        }
        let capacity = attestation
            .capacity()
            .ok_or(AttestationError::InconsistentCounts)?;
        let valid = attestation
            .valid_items()
            .ok_or(AttestationError::InconsistentCounts)?;
        let regime = attestation.regime.index();
        let epoch = attestation.epoch;
        for (position, signer) in signers.iter().enumerate() {
            let units = share(capacity, signers.len(), position).unwrap_or(0);
            let key = (*signer, epoch, regime);
            let credited = plus(self.credited(*signer, epoch, regime), u128::from(units))?;
            self.credited.insert(key, &credited);
        }
        let mut totals = self.totals(epoch);
        totals.attestations = plus(totals.attestations, 1)?;
        totals.items = plus(totals.items, attestation.items)?;
        totals.valid = plus(totals.valid, valid)?;
        totals.capacity = plus(totals.capacity, u128::from(capacity))?;
        self.totals.insert(epoch, &totals);
        let id = self.next_id;
        self.next_id = plus(id, 1)?;
        self.by_root.insert(attestation.root, &id);
        self.records.insert(
            id,
            &Record {
                epoch,
                root: attestation.root,
                items: attestation.items,
                valid: attestation.valid,
                capacity,
                regime,
                submitter: caller,
                signers: signers.clone(),
                submitted_at: now,
                status: Status::Pending,
                challenger: None,
                contest: None,
                requests: Vec::new(),
            },
        );
        let event = Submitted {
            id,
            epoch,
            root: attestation.root,
            items: attestation.items,
            valid: attestation.valid,
            capacity,
            regime: attestation.regime,
            signers,
            weight,
            challenge_until: now.saturating_add(self.params.challenge_window_blocks),
        };
        Ok((id, vec![AttestationEvent::Submitted(event)]))
    }

    pub(crate) fn window_end(&self, record: &Record) -> u32 {
        record
            .submitted_at
            .saturating_add(self.params.challenge_window_blocks)
    }

    /// Attestation `id`, if it is pending.
    pub(crate) fn pending(&self, id: u64) -> Result<Record, AttestationError> {
        let record = self
            .records
            .get(id)
            .ok_or(AttestationError::UnknownAttestation)?;
        if record.status != Status::Pending {
            return Err(AttestationError::NotPending);
        }
        Ok(record)
    }

    /// Anyone finalises attestation `id` once its window has closed with no data request
    /// open: each co-signer's reputation records a success. Its capacity was credited at
    /// submission; finalising or not changes no capacity.
    pub fn finalize(&mut self, id: u64, now: u32) -> Result<Outcome, AttestationError> {
        let mut record = self.pending(id)?;
        if now < self.window_end(&record) {
            return Err(AttestationError::WindowOpen);
        }
        if !record.requests.is_empty() {
            return Err(AttestationError::RequestsOpen);
        }
        record.status = Status::Final;
        self.records.insert(id, &record);
        let (activity, quality) = work(&record);
        let effects = record
            .signers
            .iter()
            .flat_map(|&account| {
                [
                    Effect::Success {
                        account,
                        gain: self.params.success_gain,
                    },
                    Effect::Power {
                        account,
                        activity,
                        quality,
                    },
                ]
            })
            .collect();
        let event = Finalized {
            id,
            epoch: record.epoch,
            capacity: record.capacity,
            signers: record.signers,
        };
        Ok((vec![AttestationEvent::Finalized(event)], effects))
    }
}

/// What a final attestation reports to Power/Flux for each of its co-signers: compute of
/// `items` (every co-signer re-derived every item; Power/Flux counts it up to its cap), no
/// uptime or interactions (this registry does not see them); performance one (the attestation
/// stood its challenge window) and validity the batch's valid share, valid ÷ items. Splitting
/// a batch into many attestations reports the same compute in all: nothing is counted per
/// attestation.
pub fn work(record: &Record) -> (Activity, Quality) {
    let valid = record.valid.iter().fold(0u64, |a, v| a.saturating_add(*v));
    let validity = u128::from(valid.min(record.items))
        .saturating_mul(u128::from(PPB))
        .checked_div(u128::from(record.items))
        .unwrap_or(0);
    let activity = Activity {
        uptime_ppb: 0,
        resources: [0, record.items, 0],
        interactions: 0,
    };
    let quality = Quality {
        performance_ppb: PPB,
        validity_ppb: u32::try_from(validity).unwrap_or(PPB),
    };
    (activity, quality)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::{DAY, DEFAULT_BOUNDS, DEFAULT_PARAMS};

    const GOVERNANCE: [u8; 32] = [8; 32];

    fn registry() -> Registry {
        Registry::new(
            DEFAULT_BOUNDS,
            DEFAULT_PARAMS,
            AccountId::from(GOVERNANCE),
            AccountId::from([9; 32]),
        )
        .unwrap_or_else(|_| panic!("params"))
    }

    #[ink::test]
    fn only_governance_moves_the_parameters_inside_the_bounds_and_names_the_resolver() {
        let mut r = registry();
        let gov = AccountId::from(GOVERNANCE);
        let mut p = DEFAULT_PARAMS;
        p.threshold_ppb = 750_000_000;
        for who in [[9u8; 32], [1; 32], [7; 32]] {
            let who = AccountId::from(who);
            assert_eq!(r.set_params(who, p), Err(AttestationError::NotGovernance));
            assert_eq!(
                r.set_resolver(who, who),
                Err(AttestationError::NotGovernance)
            );
        }
        let mut out = p;
        out.challenge_window_blocks = 1;
        assert_eq!(
            r.set_params(gov, out),
            Err(AttestationError::ParamOutOfBounds)
        );
        let mut inconsistent = p;
        (inconsistent.min_signers, inconsistent.max_signers) = (5, 4);
        assert_eq!(
            r.set_params(gov, inconsistent),
            Err(AttestationError::InvalidParams)
        );
        assert!(r.set_params(gov, p).is_ok());
        assert_eq!(r.params(), p);
        assert!(r.set_resolver(gov, AccountId::from([7; 32])).is_ok());
        assert_eq!(r.resolver(), AccountId::from([7; 32]));
        let mut swapped = DEFAULT_BOUNDS;
        swapped.min.success_gain = u32::MAX;
        let made = Registry::new(swapped, DEFAULT_PARAMS, gov, gov);
        assert_eq!(made.map(|_| ()), Err(AttestationError::InvalidBounds));
        let made = Registry::new(DEFAULT_BOUNDS, out, gov, gov);
        assert_eq!(made.map(|_| ()), Err(AttestationError::ParamOutOfBounds));
    }

    #[ink::test]
    fn an_epoch_closes_after_its_submissions_windows_and_answer_periods() {
        let r = registry();
        for epoch in [0u32, 1, 7, 40] {
            // Submissions until the end of epoch + 1, a day of window, six hours to answer.
            let closes = (epoch + 2) * DAY + DAY + DAY / 4;
            assert_eq!(r.closes_at(epoch), closes, "{epoch}");
            assert_eq!(r.newest_closed_epoch(closes), Some(epoch));
            assert_eq!(r.newest_closed_epoch(closes - 1), epoch.checked_sub(1));
            assert!(r.is_final(epoch, closes) && !r.is_final(epoch, closes - 1));
        }
        assert_eq!(r.newest_closed_epoch(0), None);
    }

    #[ink::test]
    fn the_required_weight_is_two_thirds_of_the_stake_rounded_up() {
        let mut r = registry();
        let dyn_ = dynamis_shared::ONE_DYN;
        for (total, two_of_three_pass) in [(300 * dyn_, true), (3, true), (1, false)] {
            r.total_weight = total;
            let need = r.required_weight();
            assert_eq!(need, (total * 666_666_666).div_ceil(1_000_000_000));
            // Two of three equal stakes carry it, one does not.
            assert_eq!(2 * (total / 3) >= need, two_of_three_pass, "{total}");
            assert!(total / 3 < need || total < 3);
        }
    }

    #[ink::test]
    fn a_total_below_zero_reverts_instead_of_saturating() {
        let mut r = registry();
        let verifier = AccountId::from([1; 32]);
        r.keys.insert(
            verifier,
            &Registration {
                key: [2; 33],
                weight: 5,
            },
        );
        // The total lost track of the weight it should contain: syncing it cannot hide that.
        r.total_weight = 4;
        assert_eq!(
            r.sync_weight(verifier, verifier, Some(7)),
            Err(AttestationError::Arithmetic)
        );
    }
}
