//! What mint-credits stores: the rollout's phase, signals, proposals and their challenges,
//! locked credits and the lifetime totals.

use dynamis_proofs::Regime;
use dynamis_shared::Role;
use ink::{prelude::vec::Vec, primitives::AccountId};

/// A 32-byte digest (an evidence or document hash).
pub type Hash = [u8; 32];

/// Phases of the rollout (seed 000, "Phased Rollout"). Only ever move forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Phase {
    /// 0: the supply is fixed; every proposal is refused.
    Fixed,
    /// 1: capacity is observed; every proposal is still refused.
    Observed,
    /// 2: signals B–E at a fraction of the bound.
    Conditional,
    /// 3: every signal at the full bound.
    Measured,
}

impl Phase {
    /// The phase after this one, if any.
    pub const fn next(self) -> Option<Phase> {
        match self {
            Phase::Fixed => Some(Phase::Observed),
            Phase::Observed => Some(Phase::Conditional),
            Phase::Conditional => Some(Phase::Measured),
            Phase::Measured => None,
        }
    }

    /// Its number, 0–3.
    pub const fn number(self) -> u8 {
        match self {
            Phase::Fixed => 0,
            Phase::Observed => 1,
            Phase::Conditional => 2,
            Phase::Measured => 3,
        }
    }
}

/// A minting signal (seed 000, "Minting Signals"): what a proposal claims happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Signal {
    /// A: net verification capacity expansion, sustained over N epochs. Evidence: the
    /// beneficiary's own ephemeral capacity, read from the registry. Mints into Ephemeral.
    CapacityExpansion,
    /// B: permanent liability expansion. Evidence: final Permanent-regime attestations.
    PermanentLiability,
    /// C: domain onboarding. Evidence: final Anchored-regime attestations + a document hash.
    DomainOnboarding,
    /// D: temporal regime expansion. Evidence: final Session-regime attestations.
    TemporalExpansion,
    /// E: cryptographic migration. Evidence: final Anchored-regime attestations + a document.
    CryptoMigration,
}

impl Signal {
    /// The regime the signal mints into (and whose capacity it reads).
    pub const fn regime(self) -> Regime {
        match self {
            Signal::CapacityExpansion => Regime::Ephemeral,
            Signal::PermanentLiability => Regime::Permanent,
            Signal::DomainOnboarding | Signal::CryptoMigration => Regime::Anchored,
            Signal::TemporalExpansion => Regime::Session,
        }
    }

    /// Whether its evidence is measured capacity (A) rather than cited attestations (B–E).
    pub const fn is_measured(self) -> bool {
        matches!(self, Signal::CapacityExpansion)
    }
}

/// Whether credits of `regime` carry the archival obligation (an active archival bond).
pub const fn keeps_archives(regime: Regime) -> bool {
    matches!(regime, Regime::Anchored | Regime::Permanent)
}

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum ProposalState {
    /// Waiting out its delay; can be challenged.
    Announced,
    /// Suspended by a challenge until the resolver decides (or its deadline passes).
    Challenged,
    /// Minted into locked credits.
    Activated,
    /// An upheld challenge cancelled it, or a challenge nobody decided in time; its evidence
    /// stays spent.
    Cancelled,
    /// Not activated in time after its delay; its evidence stays spent.
    Expired,
}

/// Why locked credits burned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum Failure {
    /// The beneficiary's measured capacity fell below its obligation in a final epoch
    /// (proven from the registry by anyone).
    CapacityDrop,
    /// The archives the credit obliges were not held (reported by the resolver; only for
    /// anchored and permanent credits).
    Archival,
    /// The throughput behind the proposal was misreported (reported by the resolver).
    Misreport,
}

/// A pending challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Challenge {
    pub challenger: AccountId,
    pub deposit: u128,
    pub evidence: Hash,
    /// Blocks of delay left when the challenge suspended the proposal.
    pub remaining: u32,
    /// The resolver decides before this block; from it on anyone applies the default.
    pub decide_until: u32,
}

/// A mint proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Proposal {
    pub signal: Signal,
    pub proposer: AccountId,
    /// The role whose bond gave the proposer standing (what an upheld challenge slashes).
    pub proposer_role: Role,
    pub beneficiary: AccountId,
    /// What the proposer asked for (DYN base units).
    pub amount: u128,
    /// The measured capacity increase behind it (capacity units).
    pub delta: u128,
    /// The per-epoch capacity that justified it: its obligations are measured against this.
    pub level: u128,
    /// The document hash the proposer named (onboarding, migration; free for the others).
    pub document: Hash,
    pub announced_at: u32,
    pub activates_at: u32,
    pub state: ProposalState,
    pub challenge: Option<Challenge>,
}

/// Locked, non-transferable DYN of an activated proposal, held by this contract under the
/// beneficiary's name. Nothing moves it but `release` (to the beneficiary) and the burns.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Credit {
    pub beneficiary: AccountId,
    pub proposer: AccountId,
    /// Index into `Regime::ALL` (see [`Credit::regime`]).
    pub regime: u8,
    /// Minted at activation.
    pub amount: u128,
    pub released: u128,
    pub burned: u128,
    /// Capacity this credit obliges in each obligation epoch.
    pub floor: u128,
    /// The first obligation epoch (the one after activation).
    pub first_epoch: u32,
    /// K at activation: one obligation epoch and one tranche each.
    pub tranches: u32,
    /// Tranches paid so far.
    pub paid: u32,
    /// Per obligation epoch, the capacity of the credit's regime the beneficiary must have
    /// for this credit to count as met: its floor plus the floors of the beneficiary's credits
    /// activated before it for that epoch (obligations add up, oldest first).
    pub required: Vec<u128>,
}

impl Credit {
    /// The regime it was minted into.
    pub fn regime(&self) -> Regime {
        Regime::from_index(self.regime).unwrap_or(Regime::Permanent)
    }

    /// Whether everything is paid or burned (a burn takes all that is locked, and something is
    /// locked until the last tranche is paid).
    pub fn is_closed(&self) -> bool {
        self.paid == self.tranches || self.burned > 0
    }

    /// What is still locked.
    pub fn locked(&self) -> u128 {
        self.amount
            .saturating_sub(self.released)
            .saturating_sub(self.burned)
    }

    /// What the first `n` tranches add up to: ⌊amount · n / K⌋, so the K tranches sum to
    /// the amount exactly.
    pub fn cumulative(&self, n: u32) -> u128 {
        self.amount
            .saturating_mul(u128::from(n))
            .checked_div(u128::from(self.tranches))
            .unwrap_or(self.amount)
    }

    /// The obligation epoch of tranche `i` (0-based) and what it requires.
    pub fn obligation(&self, i: u32) -> Option<(u32, u128)> {
        let required = *self.required.get(usize::try_from(i).ok()?)?;
        Some((self.first_epoch.checked_add(i)?, required))
    }
}

/// Lifetime figures, per regime where it matters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Totals {
    /// Minted by activations, per regime (never above the regime's ceiling).
    pub minted: [u128; 4],
    /// Locked credits burned on failure, per regime.
    pub burned: [u128; 4],
    /// Challenge deposits burned by rejected challenges.
    pub deposits_burned: u128,
    /// Credits still locked.
    pub locked: u128,
    /// Challenge deposits held.
    pub deposits_held: u128,
}
