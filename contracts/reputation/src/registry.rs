//! The registry's rules as plain Rust: a storage struct whose methods take the caller and the
//! current block explicitly and return the events to emit.

use crate::params::{Bounds, Params};
use dynamis_shared::{math::mul_ppb, Action, FaultClass, ReputationError, Wiring, SCORE_MAX};
use ink::{
    prelude::{vec, vec::Vec},
    primitives::AccountId,
    storage::Mapping,
};

/// The last fault recorded against an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Fault {
    pub at: u32,
    pub class: FaultClass,
}

/// One account's score and operational history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Record {
    /// The score as of `updated_at` (read through [`Registry::score`] for decay).
    pub score: u32,
    /// Block of the last score change: decay runs from here.
    pub updated_at: u32,
    /// Block a writer first recorded anything about the account.
    pub first_seen: u32,
    /// Number of distinct epochs with at least one recorded success.
    pub active_epochs: u32,
    /// The epoch of the last recorded success.
    pub last_active_epoch: u32,
    /// What successes added in `last_active_epoch` (for the per-epoch cap).
    pub epoch_gain: u32,
    /// The last fault, if any.
    pub last_fault: Option<Fault>,
}

/// `score` after `elapsed` blocks of decay toward `floor`: the part above the floor halves
/// every `half_life` blocks, and falls linearly inside each half-life (so decay is monotone
/// and exact at every whole half-life). A score at or below the floor does not change.
pub fn decay(score: u32, floor: u32, elapsed: u32, half_life: u32) -> u32 {
    let Some(excess) = score.checked_sub(floor).filter(|e| *e > 0) else {
        return score;
    };
    let (Some(halvings), Some(rem)) = (elapsed.checked_div(half_life), elapsed.checked_rem(half_life))
    else {
        return score;
    };
    let excess = excess.checked_shr(halvings).unwrap_or(0);
    // Lose up to half of what is left, in proportion to the time into this half-life.
    let lost = u64::from(excess)
        .saturating_mul(u64::from(rem))
        .checked_div(u64::from(half_life).saturating_mul(2))
        .unwrap_or(0);
    let lost = u32::try_from(lost).unwrap_or(excess);
    floor.saturating_add(excess.saturating_sub(lost))
}

/// A writer was registered.
#[ink::event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriterAdded {
    #[ink(topic)]
    pub writer: AccountId,
}

/// The writers were fixed for good.
#[ink::event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WiringLocked {
    pub admin: AccountId,
}

/// A success was recorded (`gain` may be 0 when a cap is reached).
#[ink::event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreRaised {
    #[ink(topic)]
    pub account: AccountId,
    pub writer: AccountId,
    pub gain: u32,
    pub score: u32,
    pub epoch: u32,
    pub active_epochs: u32,
}

/// A fault was recorded and the score cut.
#[ink::event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreCut {
    #[ink(topic)]
    pub account: AccountId,
    pub writer: AccountId,
    pub class: FaultClass,
    pub before: u32,
    pub after: u32,
}

/// Governance moved the parameters (inside the bounds).
#[ink::event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamsUpdated {
    pub params: Params,
}

/// Any event of the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    WriterAdded(WriterAdded),
    WiringLocked(WiringLocked),
    ScoreRaised(ScoreRaised),
    ScoreCut(ScoreCut),
    ParamsUpdated(ParamsUpdated),
}

/// The registry's state.
#[ink::storage_item]
#[derive(Debug)]
pub struct Registry {
    governance: AccountId,
    wiring: Wiring,
    params: Params,
    bounds: Bounds,
    writers: Mapping<AccountId, ()>,
    records: Mapping<AccountId, Record>,
}

impl Registry {
    /// A registry administered (for wiring) by `admin`, tuned by `governance` inside `bounds`.
    pub fn new(
        admin: AccountId,
        governance: AccountId,
        bounds: Bounds,
        params: Params,
    ) -> Result<Self, ReputationError> {
        bounds.validate()?;
        bounds.check(&params)?;
        Ok(Self {
            governance,
            wiring: Wiring::open(admin),
            params,
            bounds,
            writers: Mapping::new(),
            records: Mapping::new(),
        })
    }

    pub fn params(&self) -> Params {
        self.params
    }

    pub fn bounds(&self) -> Bounds {
        self.bounds
    }

    pub fn governance(&self) -> AccountId {
        self.governance
    }

    pub fn wiring(&self) -> Wiring {
        self.wiring
    }

    pub fn is_writer(&self, account: AccountId) -> bool {
        self.writers.contains(account)
    }

    /// The wiring admin registers a writer contract.
    pub fn add_writer(
        &mut self,
        caller: AccountId,
        writer: AccountId,
    ) -> Result<Vec<Event>, ReputationError> {
        self.wiring.ensure_admin(caller)?;
        self.writers.insert(writer, &());
        Ok(vec![Event::WriterAdded(WriterAdded { writer })])
    }

    /// The wiring admin fixes the writers for good.
    pub fn lock_wiring(&mut self, caller: AccountId) -> Result<Vec<Event>, ReputationError> {
        let admin = self.wiring.lock(caller)?;
        Ok(vec![Event::WiringLocked(WiringLocked { admin })])
    }

    /// Governance sets new parameters, each inside its hard bounds.
    pub fn set_params(
        &mut self,
        caller: AccountId,
        params: Params,
    ) -> Result<Vec<Event>, ReputationError> {
        if caller != self.governance {
            return Err(ReputationError::NotGovernance);
        }
        self.bounds.check(&params)?;
        self.params = params;
        Ok(vec![Event::ParamsUpdated(ParamsUpdated { params })])
    }

    /// `account`'s record with its score decayed to block `now`.
    pub fn history(&self, account: AccountId, now: u32) -> Option<Record> {
        self.records.get(account).map(|mut record| {
            record.score = self.decayed(&record, now);
            record
        })
    }

    fn decayed(&self, record: &Record, now: u32) -> u32 {
        decay(
            record.score,
            self.params.floor,
            now.saturating_sub(record.updated_at),
            self.params.half_life_blocks,
        )
    }

    /// `account`'s score at block `now`.
    pub fn score(&self, account: AccountId, now: u32) -> u32 {
        self.history(account, now).map_or(0, |r| r.score)
    }

    /// Whether `account` may do `action` at block `now`.
    pub fn authority(&self, account: AccountId, action: Action, now: u32) -> bool {
        let Some(record) = self.history(account, now) else {
            return false;
        };
        let cooled = record.last_fault.is_none_or(|fault| {
            now.saturating_sub(fault.at) >= self.params.fault_cooldown_blocks
        });
        cooled
            && record.score >= self.params.min_score(action)
            && record.active_epochs >= self.params.min_active_epochs(action)
    }

    fn writer_record(
        &self,
        caller: AccountId,
        account: AccountId,
        now: u32,
    ) -> Result<Record, ReputationError> {
        if !self.is_writer(caller) {
            return Err(ReputationError::NotWriter);
        }
        Ok(self.history(account, now).unwrap_or(Record {
            first_seen: now,
            ..Record::default()
        }))
    }

    /// A writer records a success worth `gain` for `account` at block `now`.
    pub fn record_success(
        &mut self,
        caller: AccountId,
        account: AccountId,
        gain: u32,
        now: u32,
    ) -> Result<(u32, Vec<Event>), ReputationError> {
        let mut record = self.writer_record(caller, account, now)?;
        let epoch = now.checked_div(self.params.epoch_blocks).unwrap_or(0);
        if record.active_epochs == 0 || record.last_active_epoch != epoch {
            record.active_epochs = record.active_epochs.saturating_add(1);
            record.last_active_epoch = epoch;
            record.epoch_gain = 0;
        }
        let room_in_epoch = self
            .params
            .max_gain_per_epoch
            .saturating_sub(record.epoch_gain);
        let room_in_score = SCORE_MAX.saturating_sub(record.score);
        let gain = gain
            .min(self.params.max_gain_per_success)
            .min(room_in_epoch)
            .min(room_in_score);
        record.score = record.score.saturating_add(gain);
        record.epoch_gain = record.epoch_gain.saturating_add(gain);
        record.updated_at = now;
        self.records.insert(account, &record);
        let event = ScoreRaised {
            account,
            writer: caller,
            gain,
            score: record.score,
            epoch,
            active_epochs: record.active_epochs,
        };
        Ok((record.score, vec![Event::ScoreRaised(event)]))
    }

    /// A writer records a fault of `account` at block `now`: the score is cut by its class.
    pub fn record_fault(
        &mut self,
        caller: AccountId,
        account: AccountId,
        class: FaultClass,
        now: u32,
    ) -> Result<(u32, Vec<Event>), ReputationError> {
        let mut record = self.writer_record(caller, account, now)?;
        let retain = match class {
            FaultClass::Sla => self.params.retain_after_sla_ppb,
            FaultClass::AttestationFailure => self.params.retain_after_attestation_failure_ppb,
            FaultClass::Malicious => 0,
        };
        let before = record.score;
        let after = u32::try_from(mul_ppb(u128::from(before), retain)).unwrap_or(before);
        record.score = after.min(before);
        record.updated_at = now;
        record.last_fault = Some(Fault { at: now, class });
        self.records.insert(account, &record);
        let event = ScoreCut {
            account,
            writer: caller,
            class,
            before,
            after: record.score,
        };
        Ok((record.score, vec![Event::ScoreCut(event)]))
    }
}
