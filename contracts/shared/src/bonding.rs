//! The bonding contract's interface: what other contracts call and the types they share.

use crate::{FaultClass, PSP22Error, ReputationError};
use ink::primitives::AccountId;

/// A role an account bonds DYN for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Role {
    Validator,
    Sequencer,
    Sentry,
    Archival,
    Verifier,
}

impl Role {
    /// Every role, in index order.
    pub const ALL: [Role; 5] = [
        Role::Validator,
        Role::Sequencer,
        Role::Sentry,
        Role::Archival,
        Role::Verifier,
    ];

    /// Index into per-role parameter arrays.
    pub const fn index(self) -> usize {
        match self {
            Role::Validator => 0,
            Role::Sequencer => 1,
            Role::Sentry => 2,
            Role::Archival => 3,
            Role::Verifier => 4,
        }
    }
}

/// A slash's class, which fixes its size (seed 003's slashing conditions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
// The SCALE derive of a data-carrying enum casts its discriminant; cargo-contract's clippy
// flags that generated code.
#[allow(clippy::cast_possible_truncation)]
pub enum SlashClass {
    /// A missed service-level agreement: 1 to 5 percent, as reported.
    Sla(u8),
    /// A false attestation: 10 percent.
    AttestationFailure,
    /// Malicious behaviour: everything bonded for the role.
    Malicious,
}

impl SlashClass {
    /// The share of the bond this class takes, in parts per billion; `None` for an SLA
    /// percentage outside 1..=5.
    pub fn ppb(self) -> Option<u32> {
        match self {
            SlashClass::Sla(percent @ 1..=5) => Some(u32::from(percent).saturating_mul(10_000_000)),
            SlashClass::Sla(_) => None,
            SlashClass::AttestationFailure => Some(100_000_000),
            SlashClass::Malicious => Some(crate::math::PPB),
        }
    }

    /// The reputation fault this slash records when it settles.
    pub const fn fault(self) -> FaultClass {
        match self {
            SlashClass::Sla(_) => FaultClass::Sla,
            SlashClass::AttestationFailure => FaultClass::AttestationFailure,
            SlashClass::Malicious => FaultClass::Malicious,
        }
    }
}

/// Why the bonding contract refused a call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[allow(clippy::cast_possible_truncation)] // see `SlashClass`
pub enum BondingError {
    /// Only the wiring admin registers reporters.
    NotWiringAdmin,
    /// The reporters are fixed for good.
    WiringLocked,
    /// Only an authorised reporter reports slashes.
    NotReporter,
    /// Only the resolver decides disputes.
    NotResolver,
    /// Only the slashed account disputes its slash.
    NotOffender,
    /// Bonding or unbonding nothing.
    ZeroAmount,
    /// The active bond would end between zero and the role's minimum.
    BelowMinimum,
    /// Unbonding more than is actively bonded.
    InsufficientBond,
    /// Too many unbonding chunks wait for this role; withdraw first.
    TooManyUnbondingChunks,
    /// No unbonding chunk has reached its unlock block.
    NothingToWithdraw,
    /// A slash against an account with nothing bonded for the role.
    NothingBonded,
    /// An SLA slash outside 1–5 percent.
    InvalidSlaPercent,
    /// No slash has this id (never reported, or already settled or cancelled).
    UnknownSlash,
    /// The slash is not pending (it is disputed, or its dispute was rejected).
    NotPending,
    /// The dispute window of the slash has closed.
    DisputeWindowClosed,
    /// The dispute window is still open; the slash cannot settle yet.
    DisputeWindowOpen,
    /// The slash is disputed and the resolver has not decided.
    DisputeUnresolved,
    /// Resolving a slash that is not disputed.
    NotDisputed,
    /// The resolver's deadline for this dispute has passed: only the default applies now.
    DecisionClosed,
    /// The resolver's deadline has not passed: the default does not apply yet.
    DecisionOpen,
    /// A total would overflow or go below zero: the call would break the accounting
    /// invariant, so it reverts.
    Arithmetic,
    /// Parameters are inconsistent (dispute window not shorter than the unbonding delay, a
    /// zero minimum or period, a share above one).
    InvalidParams,
    /// Only the governance address tunes parameters and names the resolver.
    NotGovernance,
    /// A parameter lies outside the hard bounds fixed at instantiation.
    ParamOutOfBounds,
    /// Hard bounds given at instantiation are inconsistent (a min above its max).
    InvalidBounds,
    /// The token refused a transfer or burn.
    Token(PSP22Error),
    /// The reputation registry refused the fault record.
    Reputation(ReputationError),
    /// A cross-contract call failed outright (no contract there, trapped, or undecodable).
    CallFailed,
}

impl crate::call::CallFailed for BondingError {
    const CALL_FAILED: Self = BondingError::CallFailed;
}

impl From<crate::math::Overflow> for BondingError {
    fn from(_: crate::math::Overflow) -> Self {
        BondingError::Arithmetic
    }
}

impl From<crate::WiringError> for BondingError {
    fn from(e: crate::WiringError) -> Self {
        match e {
            crate::WiringError::NotWiringAdmin => BondingError::NotWiringAdmin,
            crate::WiringError::WiringLocked => BondingError::WiringLocked,
        }
    }
}

/// The bonding contract as other contracts see it (attestations, mint-credits, governance).
#[ink::trait_definition]
pub trait Bonding {
    /// What `account` has actively bonded for `role` (unbonding stake excluded).
    #[ink(message)]
    fn active_bond(&self, account: AccountId, role: Role) -> u128;

    /// Whether `account`'s active bond for `role` meets the role's minimum.
    #[ink(message)]
    fn is_bonded(&self, account: AccountId, role: Role) -> bool;

    /// `account`'s active bond for `role` if it meets the role's minimum, else `None`: both
    /// answers of [`Self::active_bond`] and [`Self::is_bonded`] in one call.
    #[ink(message)]
    fn bonded_stake(&self, account: AccountId, role: Role) -> Option<u128>;

    /// `account`'s bonding weight over all roles: Σ amount × duration × tier × (1 + reputation).
    #[ink(message)]
    fn weight(&self, account: AccountId) -> u128;

    /// An authorised reporter reports a slash; it stays pending for the dispute window.
    /// `beneficiary` receives the reporter's share when it settles (the reporter, or a
    /// challenger whose proof the reporter checked). Returns the slash id.
    #[ink(message)]
    fn report_slash(
        &mut self,
        offender: AccountId,
        role: Role,
        class: SlashClass,
        evidence: [u8; 32],
        beneficiary: AccountId,
    ) -> Result<u64, BondingError>;
}
