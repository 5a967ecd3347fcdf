//! Why mint-credits refused a call.

use dynamis_shared::{BondingError, PSP22Error};

#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[allow(clippy::cast_possible_truncation)] // SCALE derive of a data-carrying enum
pub enum MintError {
    /// The parameters given at instantiation are inconsistent.
    InvalidParams,
    /// A tunable outside its hard bounds.
    ParamOutOfBounds,
    /// Only governance tunes parameters.
    NotGovernance,
    /// Only the resolver decides challenges and reports archival or misreporting failures.
    NotResolver,
    /// Governance never proposes a mint (G7), whatever else it holds.
    GovernanceCannotPropose,
    /// Phases 0 and 1: supply is fixed, every proposal is refused.
    PhaseClosed,
    /// Signal A (measured capacity) opens only in phase 3.
    SignalNotOpen,
    /// Phase 3 is the last.
    PhaseFinal,
    /// The measured condition for leaving this phase does not hold.
    PhaseConditionUnmet,
    /// A proposal of nothing.
    ZeroAmount,
    /// The proposer is not the beneficiary and the beneficiary has not consented to it.
    NoConsent,
    /// The account lacks the reputation, history or fault-free time the action needs.
    NoAuthority,
    /// The account holds no active bond for any role.
    NotBonded,
    /// An epoch the rule must read is not final yet (attestations may still change it).
    EpochNotFinal,
    /// Fewer final epochs than two sustain windows.
    NotEnoughHistory,
    /// The measured capacity did not rise (or the rise was already claimed).
    NoCapacityDelta,
    /// The beneficiary's verifier bond backs no more units of this regime than it has
    /// already minted against.
    NotBacked,
    /// Signal A's evidence is measured, not cited.
    UnexpectedEvidence,
    /// Signals B–E need cited attestations.
    EvidenceEmpty,
    /// More cited attestations (or named verifiers) than allowed.
    EvidenceTooLong,
    /// A cited attestation does not exist or is not final.
    EvidenceNotFinal,
    /// A cited attestation is of another regime than the signal's.
    EvidenceRegime,
    /// The beneficiary did not co-sign a cited attestation.
    EvidenceNotOwn,
    /// The beneficiary's share of a cited attestation already backs a proposal (or is cited
    /// twice).
    EvidenceUsed,
    /// Cited attestations of different epochs.
    EvidenceEpochs,
    /// The amount exceeds f(capacity_delta, reputation_weight) (G1).
    AboveBound { bound: u128 },
    /// No proposal has this id.
    UnknownProposal,
    /// The proposal is not waiting out its delay (challenged, activated, cancelled, expired).
    NotAnnounced,
    /// The challenge window (the delay) is over.
    ChallengeClosed,
    /// Resolving a proposal that is not challenged.
    NotChallenged,
    /// The resolver's deadline has passed: only the default applies now.
    DecisionClosed,
    /// The resolver's deadline has not passed: the default does not apply yet.
    DecisionOpen,
    /// The delay has not passed.
    DelayRunning,
    /// The proposal was not activated in time after its delay.
    ProposalExpired,
    /// The proposal can still be activated: it has not expired.
    NotExpired,
    /// The regime's ceiling leaves nothing to mint (G6).
    CeilingReached,
    /// The proposal has no credit (not activated).
    NoCredit,
    /// The credit is fully paid or burned.
    CreditClosed,
    /// No obligation epoch has become final and fulfilled since the last release.
    NothingToRelease,
    /// The credit obliges archives and the beneficiary holds no archival bond.
    ArchivesNotHeld,
    /// The beneficiary met its obligation in that epoch.
    ObligationMet,
    /// A capacity drop is proven from the registry (`burn_on_drop`), not reported.
    MeasuredOnChain,
    /// The credit has no such obligation (archives, for an ephemeral or session credit).
    NoSuchObligation,
    /// A total would overflow or go below zero: the call would break the accounting, so it
    /// reverts.
    Arithmetic,
    /// The token refused a mint, transfer or burn.
    Token(PSP22Error),
    /// Bonding refused a slash report.
    Bonding(BondingError),
    /// A cross-contract call failed outright.
    CallFailed,
}

impl dynamis_shared::call::CallFailed for MintError {
    const CALL_FAILED: Self = MintError::CallFailed;
}

impl From<dynamis_shared::math::Overflow> for MintError {
    fn from(_: dynamis_shared::math::Overflow) -> Self {
        MintError::Arithmetic
    }
}
