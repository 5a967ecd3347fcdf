//! The reputation registry's interface: what other contracts call and the types they share.

use ink::primitives::AccountId;

/// A full score (scores run from 0 to this, parts per million of "fully trusted").
pub const SCORE_MAX: u32 = 1_000_000;

/// What went wrong, for a reputation cut. The cut per class is a parameter, except that a
/// malicious fault always takes the score to zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum FaultClass {
    /// A service-level agreement was missed.
    Sla,
    /// An attestation proved false.
    AttestationFailure,
    /// Deliberate misbehaviour.
    Malicious,
}

/// Something a contract of the suite lets only reputable accounts do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum Action {
    /// Propose a capacity-coupled mint (mint-credits).
    ProposeMint,
    /// Propose in governance.
    ProposeGovernance,
    /// Challenge a mint proposal or an attestation.
    Challenge,
}

impl Action {
    /// Every action, in index order.
    pub const ALL: [Action; 3] = [
        Action::ProposeMint,
        Action::ProposeGovernance,
        Action::Challenge,
    ];

    /// Index into per-action parameter arrays.
    pub const fn index(self) -> usize {
        match self {
            Action::ProposeMint => 0,
            Action::ProposeGovernance => 1,
            Action::Challenge => 2,
        }
    }
}

/// Why the reputation registry refused a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum ReputationError {
    /// Only registered writer contracts change scores.
    NotWriter,
    /// Only the governance address tunes parameters.
    NotGovernance,
    /// Only the wiring admin registers writers.
    NotWiringAdmin,
    /// The writers are fixed for good.
    WiringLocked,
    /// A parameter lies outside the hard bounds fixed at instantiation.
    ParamOutOfBounds,
    /// Hard bounds given at instantiation are inconsistent (min above max, a zero period,
    /// a score above the maximum or a ratio above one).
    InvalidBounds,
    /// Seeding a founder that already has a record.
    AlreadyRecorded,
    /// The seeded record would grant `ProposeMint`: seeding never opens the minting path.
    SeedGrantsMint,
}

impl From<crate::WiringError> for ReputationError {
    fn from(e: crate::WiringError) -> Self {
        match e {
            crate::WiringError::NotWiringAdmin => ReputationError::NotWiringAdmin,
            crate::WiringError::WiringLocked => ReputationError::WiringLocked,
        }
    }
}

/// The registry as other contracts see it (called through `ink::contract_ref!(Reputation)`).
/// There is deliberately no message that moves, delegates or sells a score.
#[ink::trait_definition]
pub trait Reputation {
    /// `account`'s score now, decay included (0 for an account never seen).
    #[ink(message)]
    fn score(&self, account: AccountId) -> u32;

    /// Whether `account` may do `action` now: its score, its operational history and the time
    /// since its last fault all meet the action's thresholds.
    #[ink(message)]
    fn authority(&self, account: AccountId, action: Action) -> bool;

    /// A writer records a success of `account` worth `gain` (clamped to the per-success and
    /// per-epoch caps). Returns the new score.
    #[ink(message)]
    fn record_success(&mut self, account: AccountId, gain: u32) -> Result<u32, ReputationError>;

    /// A writer records a fault of `account`: the score is cut by the class's factor.
    /// Returns the new score.
    #[ink(message)]
    fn record_fault(
        &mut self,
        account: AccountId,
        class: FaultClass,
    ) -> Result<u32, ReputationError>;
}
