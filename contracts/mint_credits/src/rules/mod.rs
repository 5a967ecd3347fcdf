//! The mint-credits rules in plain Rust. Methods take the caller, the block and a [`World`]
//! (what the other contracts of the suite say: epochs, final capacity, attestations,
//! reputation, bonds) and return the events to emit and the effects (mint, pay, pull, burn,
//! slash) the contract carries out. Nothing here mints by itself: the only path to an
//! [`Effect::Mint`] is [`Credits::activate`] of a proposal that went through every guardrail.
//!
//! The seams: `types` (what is stored), `errors`, `events` (and effects), `world` (what is
//! read), `bound` (G1, G6), `phase` (the rollout), `evidence` (what a proposal may mint
//! against), `proposals` (G2, G3: announce, challenge, decide, activate, expire) and
//! `obligations` (G4, G5: release and burn).

mod bound;
mod errors;
mod events;
mod evidence;
mod obligations;
mod phase;
mod proposals;
mod types;
mod world;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use errors::MintError;
pub use events::{
    Activated, ChallengeResolved, Challenged, ConsentSet, CreditBurned, Effect, MintEvent, Outcome,
    PhaseAdvanced, ProposalExpired, Proposed, Released, TunablesSet,
};
pub use types::{
    keeps_archives, Challenge, Credit, Failure, Hash, Phase, Proposal, ProposalState, Signal,
    Totals,
};
pub use world::{Reads, World};

use crate::params::{Params, Tunables};
use ink::{prelude::vec, prelude::vec::Vec, primitives::AccountId, storage::Mapping};

/// (beneficiary, regime index, epoch): whose obligations, of what, when.
pub type ObligationKey = (AccountId, u8, u32);

/// The contract's state and rules.
#[ink::storage_item]
#[derive(Debug)]
pub struct Credits {
    params: Params,
    tunables: Tunables,
    governance: AccountId,
    resolver: AccountId,
    phase: Phase,
    /// The epoch the current phase began.
    phase_since: u32,
    totals: Totals,
    next_id: u64,
    proposals: Mapping<u64, Proposal>,
    credits: Mapping<u64, Credit>,
    /// (attestation, beneficiary) shares already cited by a proposal.
    cited: Mapping<(u64, AccountId), ()>,
    /// Per (beneficiary, regime index), the capacity units minted against so far (for
    /// signal A, its claimed level).
    claimed: Mapping<(AccountId, u8), u128>,
    /// Per (beneficiary, regime index, epoch), the floors of its credits obliging that epoch.
    owed: Mapping<ObligationKey, u128>,
    /// (beneficiary, proposer) pairs the beneficiary consented to.
    consents: Mapping<(AccountId, AccountId), ()>,
}

pub(crate) fn ensure(condition: bool, error: MintError) -> Result<(), MintError> {
    if condition {
        Ok(())
    } else {
        Err(error)
    }
}

impl Credits {
    pub fn new(
        params: Params,
        tunables: Tunables,
        governance: AccountId,
        resolver: AccountId,
    ) -> Result<Self, MintError> {
        params.validate(&tunables)?;
        Ok(Self {
            params,
            tunables,
            governance,
            resolver,
            phase: Phase::Fixed,
            phase_since: 0,
            totals: Totals::default(),
            next_id: 0,
            proposals: Mapping::new(),
            credits: Mapping::new(),
            cited: Mapping::new(),
            claimed: Mapping::new(),
            owed: Mapping::new(),
            consents: Mapping::new(),
        })
    }

    pub fn params(&self) -> Params {
        self.params
    }

    pub fn tunables(&self) -> Tunables {
        self.tunables
    }

    /// (governance, resolver).
    pub fn roles(&self) -> (AccountId, AccountId) {
        (self.governance, self.resolver)
    }

    /// (phase, the epoch it began).
    pub fn phase(&self) -> (Phase, u32) {
        (self.phase, self.phase_since)
    }

    pub fn totals(&self) -> Totals {
        self.totals
    }

    pub fn proposal(&self, id: u64) -> Option<Proposal> {
        self.proposals.get(id)
    }

    pub fn credit(&self, id: u64) -> Option<Credit> {
        self.credits.get(id)
    }

    pub fn next_id(&self) -> u64 {
        self.next_id
    }

    /// Whether `beneficiary`'s share of attestation `attestation` already backs a proposal.
    pub fn is_cited(&self, attestation: u64, beneficiary: AccountId) -> bool {
        self.cited.contains((attestation, beneficiary))
    }

    /// Capacity units of `regime` (index) `beneficiary` has minted against so far.
    pub fn claimed(&self, beneficiary: AccountId, regime: u8) -> u128 {
        self.claimed.get((beneficiary, regime)).unwrap_or(0)
    }

    /// The floors of `beneficiary`'s credits of `regime` obliging `epoch`.
    pub fn owed(&self, beneficiary: AccountId, regime: u8, epoch: u32) -> u128 {
        self.owed.get((beneficiary, regime, epoch)).unwrap_or(0)
    }

    /// Whether `beneficiary` consented to proposals by `proposer`.
    pub fn consents(&self, beneficiary: AccountId, proposer: AccountId) -> bool {
        beneficiary == proposer || self.consents.contains((beneficiary, proposer))
    }

    /// `caller` allows (or stops allowing) `proposer` to name it as beneficiary.
    pub fn consent(
        &mut self,
        caller: AccountId,
        proposer: AccountId,
        allowed: bool,
    ) -> Vec<MintEvent> {
        if allowed {
            self.consents.insert((caller, proposer), &());
        } else {
            self.consents.remove((caller, proposer));
        }
        vec![MintEvent::ConsentSet(ConsentSet {
            beneficiary: caller,
            proposer,
            allowed,
        })]
    }

    /// Governance sets the tunables, each inside its hard bound (G7). Nothing else of this
    /// contract is governance's to change.
    pub fn set_tunables(
        &mut self,
        caller: AccountId,
        new: Tunables,
    ) -> Result<Vec<MintEvent>, MintError> {
        ensure(caller == self.governance, MintError::NotGovernance)?;
        ensure(
            new.within(&self.params.min, &self.params.max),
            MintError::ParamOutOfBounds,
        )?;
        let old = self.tunables;
        self.tunables = new;
        Ok(vec![MintEvent::TunablesSet(TunablesSet { old, new })])
    }
}
