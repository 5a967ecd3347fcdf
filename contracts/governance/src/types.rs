//! What proposals consist of, where they stand, why a call is refused, and the events.

use crate::config::{Class, ClassRules, Config};
use dynamis_shared::{math::Overflow, PSP22Error, WiringError};
use ink::{prelude::vec::Vec, primitives::AccountId};

/// Most actions one proposal carries (bounds `propose` and `execute`).
pub const MAX_ACTIONS: u32 = 8;

/// One thing a proposal does when it executes: the whole whitelist. There is no action that
/// mints, sets a minter, touches a ceiling or a credit, names a role of the minting path, or
/// changes any code but governance's own: DYN has no minter setter after its lock and
/// mint_credits has no setter for anything but its bounded tunables (its resolver, which
/// decides mint challenges, is fixed at instantiation), so no sequence of these reaches DYN's
/// supply.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
#[allow(clippy::large_enum_variant, clippy::cast_possible_truncation)]
pub enum Action {
    /// reputation.set_params: inside its hard bounds and the step cap.
    Reputation(reputation::Params),
    /// mint_credits.set_tunables: inside its hard bounds and the step cap.
    MintCredits(mint_credits::Tunables),
    /// Governance's own rules: inside [`crate::config::Bounds`] and the step cap.
    Governance(Config),
    /// Pay `amount` DYN of the treasury to `to`.
    Treasury { to: AccountId, amount: u128 },
    /// A new council (may cancel spam proposals).
    Council(AccountId),
    /// Replace governance's own code by the code with exactly this hash.
    Upgrade([u8; 32]),
    /// bonding.set_params: inside its hard bounds and the step cap.
    Bonding(bonding::Params),
    /// attestations.set_params: inside its hard bounds and the step cap.
    Attestations(attestations::Params),
    /// A new resolver of bonding's disputes and attestations' contests (one seat, both
    /// contracts).
    Resolver(AccountId),
    /// power_flux.set_tunables (μ, κ's and β's floors and ceilings, the controller's gains):
    /// inside its hard bounds and the step cap.
    PowerFlux(power_flux::Tunables),
}

/// Distinct targets an action can write.
pub const TARGETS: usize = 10;

impl Action {
    /// The class whose rules a proposal with this action follows (at least).
    pub const fn class(&self) -> Class {
        match self {
            Action::Reputation(_)
            | Action::MintCredits(_)
            | Action::Bonding(_)
            | Action::Attestations(_)
            | Action::PowerFlux(_) => Class::Parameter,
            Action::Treasury { .. } => Class::Treasury,
            Action::Council(_) | Action::Resolver(_) => Class::Council,
            // Changing governance's own rules is as grave as changing its code.
            Action::Governance(_) | Action::Upgrade(_) => Class::Upgrade,
        }
    }

    /// Which target the action writes (below [`TARGETS`]): a proposal writes each at most
    /// once (two steps in one proposal would double the step cap).
    pub const fn target(&self) -> u8 {
        match self {
            Action::Reputation(_) => 0,
            Action::MintCredits(_) => 1,
            Action::Governance(_) => 2,
            Action::Treasury { .. } => 3,
            Action::Council(_) => 4,
            Action::Upgrade(_) => 5,
            Action::Bonding(_) => 6,
            Action::Attestations(_) => 7,
            Action::Resolver(_) => 8,
            Action::PowerFlux(_) => 9,
        }
    }
}

/// A vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Support {
    Against,
    For,
    Abstain,
}

/// Votes so far, in voting power units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Tally {
    pub for_votes: u128,
    pub against: u128,
    pub abstain: u128,
}

impl Tally {
    /// Quorum reached and the for share at or above the threshold, under `rules`.
    pub fn passes(&self, rules: &ClassRules) -> bool {
        let turnout = self
            .for_votes
            .saturating_add(self.against)
            .saturating_add(self.abstain);
        let decided = self.for_votes.saturating_add(self.against);
        // for / (for + against) ≥ threshold, without division: compared as fixed point.
        let share_ok = self
            .for_votes
            .saturating_mul(u128::from(dynamis_shared::math::PPB))
            >= decided.saturating_mul(u128::from(rules.threshold_ppb));
        turnout >= rules.quorum && self.for_votes > 0 && share_ok
    }
}

/// What has happened to a proposal (the rest of its state follows from the clock: see
/// [`State`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
#[allow(clippy::cast_possible_truncation)]
pub enum Status {
    Open,
    /// Queued; executable from `eta` until `eta + grace`.
    Queued {
        eta: u64,
    },
    Executed,
    /// Cancelled by its proposer (before voting) or, as spam, by the council.
    Cancelled {
        spam: bool,
    },
}

/// Where a proposal stands now (OpenZeppelin Governor's states).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum State {
    Pending,
    Active,
    Defeated,
    Succeeded,
    Queued,
    Expired,
    Executed,
    Cancelled,
}

/// A proposal. Everything that decides its outcome is fixed here when it is created.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Proposal {
    pub proposer: AccountId,
    pub class: Class,
    /// The class's rules at creation.
    pub rules: ClassRules,
    /// Voting power is read at the end of this block (the one before creation).
    pub snapshot: u32,
    /// Voting runs in `[vote_start, vote_end)` (block timestamps, ms).
    pub vote_start: u64,
    pub vote_end: u64,
    /// The voting gate at creation.
    pub bond_floor: u128,
    pub bond_age_blocks: u32,
    /// The deposit held, and the for votes that return it.
    pub deposit: u128,
    pub min_support: u128,
    pub deposit_settled: bool,
    pub tally: Tally,
    pub status: Status,
    /// Hash of the proposal's text (kept off-chain).
    pub description: [u8; 32],
}

impl Proposal {
    pub fn state(&self, now: u64) -> State {
        match self.status {
            Status::Executed => State::Executed,
            Status::Cancelled { .. } => State::Cancelled,
            Status::Queued { eta } => {
                if now > eta.saturating_add(self.rules.grace_ms) {
                    State::Expired
                } else {
                    State::Queued
                }
            }
            Status::Open if now < self.vote_start => State::Pending,
            Status::Open if now < self.vote_end => State::Active,
            Status::Open if !self.tally.passes(&self.rules) => State::Defeated,
            Status::Open if now > self.vote_end.saturating_add(self.rules.grace_ms) => {
                State::Expired
            }
            Status::Open => State::Succeeded,
        }
    }
}

/// The contracts governance acts on, wired once after they are deployed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Targets {
    pub token: AccountId,
    pub reputation: AccountId,
    pub bonding: AccountId,
    pub mint_credits: AccountId,
    pub attestations: AccountId,
    pub power_flux: AccountId,
}

/// Why governance refused a call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[allow(clippy::cast_possible_truncation)]
pub enum GovernanceError {
    /// Only the instantiating account wires the targets.
    NotWiringAdmin,
    /// The targets are wired for good.
    WiringLocked,
    /// The targets are not wired yet.
    NotWired,
    /// The proposer lacks reputation's `ProposeGovernance` authority.
    NoAuthority,
    /// A proposal needs 1 to `MAX_ACTIONS` actions.
    BadActionCount,
    /// A proposal writes the same target twice.
    DuplicateTarget,
    /// A parameter action leaves its hard bounds or moves more than the step cap.
    OutOfBounds,
    /// A treasury action exceeds the per-proposal or per-epoch cap, or the treasury.
    TreasuryCap,
    /// No proposal with this id.
    UnknownProposal,
    /// The proposal is not in a state that allows this.
    WrongState,
    /// This account has voted on this proposal.
    AlreadyVoted,
    /// The account fails the voting gate (bond floor and age at the snapshot) or has no power.
    NoVotingPower,
    /// Only the proposer cancels (before voting starts).
    NotProposer,
    /// Only the council cancels as spam, and never a council-class proposal.
    NotCouncil,
    /// Nothing to lock or unlock.
    ZeroAmount,
    /// Unlocking more than is locked.
    InsufficientLocked,
    /// The deposit was settled already, or the proposal is not finished.
    DepositSettled,
    /// Rules given at instantiation or in an action are inconsistent.
    InvalidConfig,
    /// The action at this index failed when executed (the whole execution reverts).
    ActionFailed(u8),
    /// A DYN transfer failed.
    Token(PSP22Error),
    /// A call to another contract failed outright.
    CallFailed,
    /// A total would overflow or go below zero.
    Arithmetic,
}

impl From<Overflow> for GovernanceError {
    fn from(_: Overflow) -> Self {
        GovernanceError::Arithmetic
    }
}

impl From<WiringError> for GovernanceError {
    fn from(e: WiringError) -> Self {
        match e {
            WiringError::NotWiringAdmin => GovernanceError::NotWiringAdmin,
            WiringError::WiringLocked => GovernanceError::WiringLocked,
        }
    }
}

impl dynamis_shared::call::CallFailed for GovernanceError {
    const CALL_FAILED: Self = GovernanceError::CallFailed;
}

dynamis_shared::contract_events! {
    enum GovernanceEvent;
    /// The targets were wired for good.
    Wired { targets: Targets }
    /// DYN was locked for voting.
    Locked { #[ink(topic)] account: AccountId, amount: u128, total: u128 }
    /// Locked DYN was returned.
    Unlocked { #[ink(topic)] account: AccountId, amount: u128, total: u128 }
    /// A proposal was made.
    ProposalCreated {
        #[ink(topic)] id: u32,
        #[ink(topic)] proposer: AccountId,
        class: Class,
        actions: Vec<Action>,
        snapshot: u32,
        vote_start: u64,
        vote_end: u64,
        description: [u8; 32],
    }
    /// A vote was cast.
    VoteCast { #[ink(topic)] id: u32, #[ink(topic)] voter: AccountId, support: Support, power: u128 }
    /// A succeeded proposal was queued.
    ProposalQueued { #[ink(topic)] id: u32, eta: u64 }
    /// A proposal's actions were carried out.
    ProposalExecuted { #[ink(topic)] id: u32 }
    /// A proposal was cancelled.
    ProposalCancelled { #[ink(topic)] id: u32, spam: bool }
    /// A proposal's deposit went back to its proposer (`returned`) or to the treasury.
    DepositSettled { #[ink(topic)] id: u32, returned: bool, amount: u128 }
    /// Governance's own rules changed.
    ConfigChanged { config: Config }
    /// The council changed.
    CouncilChanged { council: AccountId }
    /// A new resolver was named in bonding and attestations.
    ResolverChanged { resolver: AccountId }
    /// The treasury paid out.
    TreasuryPaid { #[ink(topic)] id: u32, to: AccountId, amount: u128 }
    /// Governance's code was replaced.
    CodeUpgraded { code_hash: [u8; 32] }
}
