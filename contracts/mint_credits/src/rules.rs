//! The mint-credits rules in plain Rust. Methods take the caller, the block and a [`World`]
//! (what the other contracts of the suite say: epochs, measured capacity, attestations,
//! reputation, bonds) and return the events to emit and the effects (mint, pay, pull, burn,
//! reputation cut) the contract carries out. Nothing here mints by itself: the only path to a
//! [`Effect::Mint`] is [`Credits::activate`] of a proposal that went through every guardrail.

use crate::params::{Config, Tunables, MAX_EVIDENCE};
use dynamis_proofs::Regime;
use dynamis_shared::{
    math::{mul_ppb, PPB},
    Action, Attested, FaultClass, PSP22Error, ReputationError, SCORE_MAX,
};
use ink::{prelude::vec, prelude::vec::Vec, primitives::AccountId, storage::Mapping};

/// A 32-byte digest (an evidence or document hash).
pub type Hash = [u8; 32];

/// Phases of the rollout (seed 000, "Phased Rollout"). Only ever move forward.
pub const PHASE_FIXED: u8 = 0;
pub const PHASE_OBSERVED: u8 = 1;
pub const PHASE_CONDITIONAL: u8 = 2;
pub const PHASE_MEASURED: u8 = 3;

/// A minting signal (seed 000, "Minting Signals"): what a proposal claims happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Signal {
    /// A: net verification capacity expansion, sustained over N epochs. Evidence: the
    /// beneficiary's own credited capacity, read from the registry. Mints into Ephemeral.
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
    /// The regime the signal mints into.
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

/// Index of `regime` in per-regime arrays (`Regime::ALL` order).
pub const fn regime_index(regime: Regime) -> usize {
    match regime {
        Regime::Ephemeral => 0,
        Regime::Session => 1,
        Regime::Anchored => 2,
        Regime::Permanent => 3,
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
    /// Suspended by a challenge until the resolver decides.
    Challenged,
    /// Minted into locked credits.
    Activated,
    /// An upheld challenge cancelled it; its evidence stays spent.
    Cancelled,
}

/// Why locked credits burned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum Failure {
    /// The beneficiary's measured capacity fell below its obligation in a closed epoch
    /// (proven from the registry by anyone).
    CapacityDrop,
    /// The archives the credit obliges were not held (reported by the resolver).
    Archival,
    /// The throughput behind the proposal was misreported (reported by the resolver; also
    /// cuts the proposer's reputation).
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
}

/// A mint proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Proposal {
    pub signal: Signal,
    pub proposer: AccountId,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Credit {
    pub beneficiary: AccountId,
    pub proposer: AccountId,
    /// Index into `Regime::ALL`.
    pub regime: u8,
    /// Minted at activation.
    pub amount: u128,
    pub released: u128,
    pub burned: u128,
    /// Capacity the beneficiary must be credited in each obligation epoch.
    pub floor: u128,
    /// The first obligation epoch (the one after activation).
    pub first_epoch: u32,
    /// K at activation: one obligation epoch and one tranche each.
    pub tranches: u32,
    /// Tranches paid so far.
    pub paid: u32,
}

impl Credit {
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

/// Why mint-credits refused a call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[allow(clippy::cast_possible_truncation)] // SCALE derive of a data-carrying enum
pub enum MintError {
    /// The configuration given at instantiation is inconsistent.
    InvalidConfig,
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
    /// The account lacks the reputation, history or fault-free time the action needs.
    NoAuthority,
    /// The account holds no active bond for any role.
    NotBonded,
    /// Fewer closed epochs than two sustain windows.
    NotEnoughHistory,
    /// The measured capacity did not rise (or the rise was already claimed).
    NoCapacityDelta,
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
    /// The beneficiary neither submitted nor co-signed a cited attestation.
    EvidenceNotOwn,
    /// A cited attestation already backs a proposal (or is cited twice).
    EvidenceUsed,
    /// Cited attestations of different epochs.
    EvidenceEpochs,
    /// The amount exceeds f(capacity_delta, reputation_weight) (G1).
    AboveBound { bound: u128 },
    /// No proposal has this id.
    UnknownProposal,
    /// The proposal is not waiting out its delay (challenged, activated or cancelled).
    NotAnnounced,
    /// The challenge window (the delay) is over.
    ChallengeClosed,
    /// Resolving a proposal that is not challenged.
    NotChallenged,
    /// The delay has not passed.
    DelayRunning,
    /// The regime's ceiling leaves nothing to mint (G6).
    CeilingReached,
    /// The proposal has no credit (not activated).
    NoCredit,
    /// The credit is fully paid or burned.
    CreditClosed,
    /// No obligation epoch has closed fulfilled since the last release.
    NothingToRelease,
    /// The credit obliges archives and the beneficiary holds no archival bond.
    ArchivesNotHeld,
    /// The credit's next obligation epoch has not closed yet.
    NotAnObligationEpoch,
    /// The beneficiary met its obligation in that epoch.
    ObligationMet,
    /// A capacity drop is proven from the registry (`burn_on_drop`), not reported.
    MeasuredOnChain,
    /// The token refused a mint, transfer or burn.
    Token(PSP22Error),
    /// The reputation registry refused the fault record.
    Reputation(ReputationError),
    /// A cross-contract call failed outright.
    CallFailed,
}

impl dynamis_shared::call::CallFailed for MintError {
    const CALL_FAILED: Self = MintError::CallFailed;
}

/// What the rest of the suite says, as the rules need it.
pub trait World {
    /// The attestation registry's current epoch.
    fn epoch(&self) -> Result<u32, MintError>;
    /// Capacity credited to `account` for `epoch`.
    fn capacity(&self, account: AccountId, epoch: u32) -> Result<u128, MintError>;
    /// Capacity of all final attestations of `epoch`.
    fn epoch_capacity(&self, epoch: u32) -> Result<u128, MintError>;
    /// Attestation `id`.
    fn attested(&self, id: u64) -> Result<Option<Attested>, MintError>;
    /// `account`'s reputation score.
    fn score(&self, account: AccountId) -> Result<u32, MintError>;
    /// Whether `account` may do `action`.
    fn authority(&self, account: AccountId, action: Action) -> Result<bool, MintError>;
    /// Whether `account` holds an active bond for some role.
    fn bonded(&self, account: AccountId) -> Result<bool, MintError>;
    /// Whether `account` holds an active archival bond.
    fn archival(&self, account: AccountId) -> Result<bool, MintError>;
}

dynamis_shared::contract_events! {
    /// The rollout moved forward (never back) at `epoch`.
    PhaseAdvanced { from: u8, to: u8, epoch: u32 }
    /// A proposal was announced; it activates at `activates_at` unless challenged.
    Proposed {
        #[ink(topic)] id: u64,
        #[ink(topic)] proposer: AccountId,
        #[ink(topic)] beneficiary: AccountId,
        signal: Signal,
        regime: Regime,
        amount: u128,
        bound: u128,
        delta: u128,
        level: u128,
        document: Hash,
        cited: Vec<u64>,
        activates_at: u32,
    }
    /// A bonded, reputable account challenged a proposal, suspending it.
    Challenged {
        #[ink(topic)] id: u64,
        #[ink(topic)] challenger: AccountId,
        deposit: u128,
        evidence: Hash,
        remaining: u32,
    }
    /// The resolver decided a challenge: upheld (proposal cancelled, deposit returned,
    /// proposer's reputation cut) or rejected (deposit burned, proposal resumed).
    ChallengeResolved {
        #[ink(topic)] id: u64,
        #[ink(topic)] challenger: AccountId,
        upheld: bool,
        deposit: u128,
        activates_at: Option<u32>,
    }
    /// DYN minted into locked credits for the beneficiary.
    Activated {
        #[ink(topic)] id: u64,
        #[ink(topic)] beneficiary: AccountId,
        regime: Regime,
        amount: u128,
        bound: u128,
        regime_minted: u128,
        floor: u128,
        first_epoch: u32,
        tranches: u32,
    }
    /// Fulfilled tranches paid to the beneficiary.
    Released {
        #[ink(topic)] id: u64,
        #[ink(topic)] beneficiary: AccountId,
        amount: u128,
        paid: u32,
        locked: u128,
    }
    /// A credit's locked remainder burned.
    CreditBurned {
        #[ink(topic)] id: u64,
        #[ink(topic)] beneficiary: AccountId,
        reason: Failure,
        epoch: Option<u32>,
        evidence: Hash,
        amount: u128,
    }
    /// Governance tuned the parameters (inside the hard bounds).
    TunablesSet { old: Tunables, new: Tunables }
}

/// Something the contract does on other contracts after the rules have run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Mint `0` DYN to this contract (as the token's minter).
    Mint(u128),
    /// Pay DYN from this contract.
    Pay { to: AccountId, amount: u128 },
    /// Pull DYN from `from` (who approved this contract).
    Pull { from: AccountId, amount: u128 },
    /// Burn DYN held by this contract.
    Burn(u128),
    /// Cut `account`'s reputation.
    Fault {
        account: AccountId,
        class: FaultClass,
    },
}

/// The rules' result: events to emit and effects to carry out.
pub type Outcome = (Vec<Event>, Vec<Effect>);

/// The contract's state and rules.
#[ink::storage_item]
#[derive(Debug)]
pub struct Credits {
    config: Config,
    tunables: Tunables,
    governance: AccountId,
    resolver: AccountId,
    phase: u8,
    /// The epoch the current phase began.
    phase_since: u32,
    totals: Totals,
    next_id: u64,
    proposals: Mapping<u64, Proposal>,
    credits: Mapping<u64, Credit>,
    /// Attestation ids already cited by a proposal.
    cited: Mapping<u64, ()>,
    /// Per beneficiary, the capacity level signal A has already claimed.
    claimed: Mapping<AccountId, u128>,
}

fn ensure(condition: bool, error: MintError) -> Result<(), MintError> {
    if condition {
        Ok(())
    } else {
        Err(error)
    }
}

impl Credits {
    pub fn new(
        config: Config,
        tunables: Tunables,
        governance: AccountId,
        resolver: AccountId,
    ) -> Result<Self, MintError> {
        config.validate(&tunables)?;
        Ok(Self {
            config,
            tunables,
            governance,
            resolver,
            phase: PHASE_FIXED,
            phase_since: 0,
            totals: Totals::default(),
            next_id: 0,
            proposals: Mapping::new(),
            credits: Mapping::new(),
            cited: Mapping::new(),
            claimed: Mapping::new(),
        })
    }

    pub fn config(&self) -> Config {
        self.config
    }

    pub fn tunables(&self) -> Tunables {
        self.tunables
    }

    /// (governance, resolver).
    pub fn roles(&self) -> (AccountId, AccountId) {
        (self.governance, self.resolver)
    }

    /// (phase, the epoch it began).
    pub fn phase(&self) -> (u8, u32) {
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

    pub fn is_cited(&self, attestation: u64) -> bool {
        self.cited.contains(attestation)
    }

    pub fn claimed(&self, beneficiary: AccountId) -> u128 {
        self.claimed.get(beneficiary).unwrap_or(0)
    }

    fn at<T: Copy + Default>(array: &[T; 4], regime: Regime) -> T {
        array.get(regime_index(regime)).copied().unwrap_or_default()
    }

    /// What the regime may still mint before its ceiling.
    pub fn headroom(&self, regime: Regime) -> u128 {
        Self::at(&self.config.ceilings, regime)
            .saturating_sub(Self::at(&self.totals.minted, regime))
    }

    /// The scarcity term ((ceiling − minted) / ceiling)^k of `regime`, in ppb.
    pub fn scarcity_ppb(&self, regime: Regime) -> u32 {
        let ceiling = Self::at(&self.config.ceilings, regime);
        let left = self
            .headroom(regime)
            .saturating_mul(u128::from(PPB))
            .checked_div(ceiling)
            .unwrap_or(0);
        let left = u32::try_from(left).unwrap_or(PPB);
        let mut term = PPB;
        for _ in 0..Self::at(&self.config.curves, regime) {
            term = u32::try_from(mul_ppb(u128::from(term), left)).unwrap_or(0);
        }
        term
    }

    /// G1: f(Δ, w) = Δ · rate[r] · scarcity_r · (α + (1 − α) · w), w = score / SCORE_MAX,
    /// times the phase-2 factor in phase 2, and never above the regime's headroom.
    pub fn bound(&self, regime: Regime, delta: u128, score: u32) -> u128 {
        let base = delta.saturating_mul(Self::at(&self.config.rates, regime));
        let scarce = mul_ppb(base, self.scarcity_ppb(regime));
        let per_score = PPB.checked_div(SCORE_MAX).unwrap_or(0);
        let w = score.min(SCORE_MAX).saturating_mul(per_score);
        let alpha = self.tunables.alpha_ppb;
        let weight = alpha.saturating_add(
            u32::try_from(mul_ppb(u128::from(PPB.saturating_sub(alpha)), w)).unwrap_or(0),
        );
        let mut bound = mul_ppb(scarce, weight);
        if self.phase == PHASE_CONDITIONAL {
            bound = mul_ppb(bound, self.tunables.phase2_factor_ppb);
        }
        bound.min(self.headroom(regime))
    }

    /// Moves the rollout one phase forward if the measured condition holds: leaving phase 0,
    /// `verifiers` (distinct, at least `min_verifiers`) were all credited capacity in the
    /// closed `epoch`; leaving phases 1 and 2, N epochs spent in the phase and network capacity
    /// at or above the phase's floor in each of the last N closed epochs (`epoch` and
    /// `verifiers` are then unused). Anyone may call it; nothing moves a phase back.
    pub fn advance_phase(
        &mut self,
        world: &dyn World,
        epoch: u32,
        verifiers: &[AccountId],
    ) -> Result<Vec<Event>, MintError> {
        let now = world.epoch()?;
        let from = self.phase;
        match from {
            PHASE_FIXED => {
                ensure(
                    verifiers.len() <= usize::try_from(MAX_EVIDENCE).unwrap_or(0),
                    MintError::EvidenceTooLong,
                )?;
                ensure(epoch < now, MintError::PhaseConditionUnmet)?;
                let mut seen: Vec<AccountId> = Vec::new();
                for v in verifiers {
                    if !seen.contains(v) && world.capacity(*v, epoch)? > 0 {
                        seen.push(*v);
                    }
                }
                ensure(
                    u32::try_from(seen.len()).unwrap_or(0) >= self.config.min_verifiers,
                    MintError::PhaseConditionUnmet,
                )?;
            }
            PHASE_OBSERVED | PHASE_CONDITIONAL => {
                let n = self.tunables.sustain_epochs;
                ensure(
                    now.saturating_sub(self.phase_since) >= n,
                    MintError::PhaseConditionUnmet,
                )?;
                let floor_index = usize::from(from.saturating_sub(PHASE_OBSERVED));
                let floor = self
                    .config
                    .phase_floors
                    .get(floor_index)
                    .copied()
                    .unwrap_or(u128::MAX);
                for e in now.saturating_sub(n)..now {
                    ensure(
                        world.epoch_capacity(e)? >= floor,
                        MintError::PhaseConditionUnmet,
                    )?;
                }
            }
            _ => return Err(MintError::PhaseFinal),
        }
        let to = from.saturating_add(1);
        self.phase = to;
        self.phase_since = now;
        Ok(vec![Event::PhaseAdvanced(PhaseAdvanced {
            from,
            to,
            epoch: now,
        })])
    }

    /// Signal A's evidence: the beneficiary's sustained increase. Returns (delta, level).
    fn measured_delta(
        &self,
        world: &dyn World,
        beneficiary: AccountId,
    ) -> Result<(u128, u128), MintError> {
        let n = self.tunables.sustain_epochs;
        let now = world.epoch()?;
        let start = now
            .checked_sub(n.saturating_mul(2))
            .ok_or(MintError::NotEnoughHistory)?;
        let split = start.saturating_add(n);
        let mut prior_max = 0u128;
        for e in start..split {
            prior_max = prior_max.max(world.capacity(beneficiary, e)?);
        }
        let mut window_min = u128::MAX;
        for e in split..now {
            window_min = window_min.min(world.capacity(beneficiary, e)?);
        }
        let base = prior_max.max(self.claimed(beneficiary));
        let delta = window_min.saturating_sub(base);
        ensure(delta > 0, MintError::NoCapacityDelta)?;
        Ok((delta, window_min))
    }

    /// Signals B–E's evidence: cited final attestations of the signal's regime, all of one
    /// epoch, each vouched for by the beneficiary and never cited before. Returns (delta,
    /// level): their capacity units.
    fn cited_delta(
        &self,
        world: &dyn World,
        signal: Signal,
        beneficiary: AccountId,
        cited: &[u64],
    ) -> Result<(u128, u128), MintError> {
        ensure(!cited.is_empty(), MintError::EvidenceEmpty)?;
        ensure(
            cited.len() <= usize::try_from(MAX_EVIDENCE).unwrap_or(0),
            MintError::EvidenceTooLong,
        )?;
        let regime = u8::try_from(regime_index(signal.regime())).unwrap_or(u8::MAX);
        let mut epoch = None;
        let mut delta = 0u128;
        for (i, id) in cited.iter().enumerate() {
            let seen_before = cited.get(..i).unwrap_or(&[]).contains(id);
            ensure(
                !seen_before && !self.cited.contains(*id),
                MintError::EvidenceUsed,
            )?;
            let a = world
                .attested(*id)?
                .filter(|a| a.is_final)
                .ok_or(MintError::EvidenceNotFinal)?;
            ensure(a.regime == regime, MintError::EvidenceRegime)?;
            ensure(a.vouched_by(beneficiary), MintError::EvidenceNotOwn)?;
            ensure(
                *epoch.get_or_insert(a.epoch) == a.epoch,
                MintError::EvidenceEpochs,
            )?;
            delta = delta.saturating_add(u128::from(a.capacity));
        }
        Ok((delta, delta))
    }

    /// `caller` announces a mint of `amount` to `beneficiary` on `signal`, citing attestations
    /// `cited` (B–E) and naming `document`. Refused to governance by name (G7), in phases 0–1
    /// and, for A, in phase 2; refused without reputation authority and an active bond (G3);
    /// refused above f(Δ, w) (G1). Returns the proposal id.
    #[allow(clippy::too_many_arguments)]
    pub fn propose(
        &mut self,
        world: &dyn World,
        caller: AccountId,
        signal: Signal,
        beneficiary: AccountId,
        amount: u128,
        cited: &[u64],
        document: Hash,
        now: u32,
    ) -> Result<(u64, Vec<Event>), MintError> {
        ensure(
            caller != self.governance,
            MintError::GovernanceCannotPropose,
        )?;
        ensure(self.phase >= PHASE_CONDITIONAL, MintError::PhaseClosed)?;
        ensure(
            !signal.is_measured() || self.phase >= PHASE_MEASURED,
            MintError::SignalNotOpen,
        )?;
        ensure(amount > 0, MintError::ZeroAmount)?;
        ensure(
            world.authority(caller, Action::ProposeMint)?,
            MintError::NoAuthority,
        )?;
        ensure(world.bonded(caller)?, MintError::NotBonded)?;
        let (delta, level) = if signal.is_measured() {
            ensure(cited.is_empty(), MintError::UnexpectedEvidence)?;
            self.measured_delta(world, beneficiary)?
        } else {
            self.cited_delta(world, signal, beneficiary, cited)?
        };
        let regime = signal.regime();
        let bound = self.bound(regime, delta, world.score(beneficiary)?);
        ensure(amount <= bound, MintError::AboveBound { bound })?;
        if signal.is_measured() {
            self.claimed.insert(beneficiary, &level);
        }
        for id in cited {
            self.cited.insert(*id, &());
        }
        let id = self.next_id;
        self.next_id = id.saturating_add(1);
        let activates_at = now.saturating_add(self.tunables.delay_blocks);
        self.proposals.insert(
            id,
            &Proposal {
                signal,
                proposer: caller,
                beneficiary,
                amount,
                delta,
                level,
                document,
                announced_at: now,
                activates_at,
                state: ProposalState::Announced,
                challenge: None,
            },
        );
        let event = Proposed {
            id,
            proposer: caller,
            beneficiary,
            signal,
            regime,
            amount,
            bound,
            delta,
            level,
            document,
            cited: cited.to_vec(),
            activates_at,
        };
        Ok((id, vec![Event::Proposed(event)]))
    }

    fn announced(&self, id: u64) -> Result<Proposal, MintError> {
        let p = self.proposals.get(id).ok_or(MintError::UnknownProposal)?;
        ensure(p.state == ProposalState::Announced, MintError::NotAnnounced)?;
        Ok(p)
    }

    /// `caller` (with challenge authority and an active bond) challenges proposal `id` before
    /// it activates, putting up the deposit; the proposal is suspended (G2).
    pub fn challenge(
        &mut self,
        world: &dyn World,
        caller: AccountId,
        id: u64,
        evidence: Hash,
        now: u32,
    ) -> Result<Outcome, MintError> {
        let mut p = self.announced(id)?;
        ensure(now < p.activates_at, MintError::ChallengeClosed)?;
        ensure(
            world.authority(caller, Action::Challenge)?,
            MintError::NoAuthority,
        )?;
        ensure(world.bonded(caller)?, MintError::NotBonded)?;
        let deposit = self.tunables.challenge_deposit;
        let remaining = p.activates_at.saturating_sub(now);
        p.state = ProposalState::Challenged;
        p.challenge = Some(Challenge {
            challenger: caller,
            deposit,
            evidence,
            remaining,
        });
        self.proposals.insert(id, &p);
        self.totals.deposits_held = self.totals.deposits_held.saturating_add(deposit);
        let event = Challenged {
            id,
            challenger: caller,
            deposit,
            evidence,
            remaining,
        };
        Ok((
            vec![Event::Challenged(event)],
            vec![Effect::Pull {
                from: caller,
                amount: deposit,
            }],
        ))
    }

    /// The resolver decides the challenge of proposal `id`. Upheld: the proposal is cancelled,
    /// the deposit returned, the proposer's reputation cut. Rejected: the deposit burns and the
    /// proposal resumes with the delay it had left.
    pub fn resolve(
        &mut self,
        caller: AccountId,
        id: u64,
        upheld: bool,
        now: u32,
    ) -> Result<Outcome, MintError> {
        ensure(caller == self.resolver, MintError::NotResolver)?;
        let mut p = self.proposals.get(id).ok_or(MintError::UnknownProposal)?;
        let challenge = match (p.state, p.challenge.take()) {
            (ProposalState::Challenged, Some(c)) => c,
            _ => return Err(MintError::NotChallenged),
        };
        let deposit = challenge.deposit;
        self.totals.deposits_held = self.totals.deposits_held.saturating_sub(deposit);
        let (activates_at, effects) = if upheld {
            p.state = ProposalState::Cancelled;
            let effects = vec![
                Effect::Pay {
                    to: challenge.challenger,
                    amount: deposit,
                },
                Effect::Fault {
                    account: p.proposer,
                    class: FaultClass::Sla,
                },
            ];
            (None, effects)
        } else {
            p.state = ProposalState::Announced;
            p.activates_at = now.saturating_add(challenge.remaining);
            self.totals.deposits_burned = self.totals.deposits_burned.saturating_add(deposit);
            (Some(p.activates_at), vec![Effect::Burn(deposit)])
        };
        self.proposals.insert(id, &p);
        let event = ChallengeResolved {
            id,
            challenger: challenge.challenger,
            upheld,
            deposit,
            activates_at,
        };
        Ok((vec![Event::ChallengeResolved(event)], effects))
    }

    /// Anyone activates proposal `id` once its delay has passed unchallenged (or with every
    /// challenge rejected): the bound is taken again (scarcity and score may have moved) and
    /// min(amount, bound) is minted into a locked credit (G4), never above the ceiling (G6).
    pub fn activate(&mut self, world: &dyn World, id: u64, now: u32) -> Result<Outcome, MintError> {
        let mut p = self.announced(id)?;
        ensure(now >= p.activates_at, MintError::DelayRunning)?;
        let regime = p.signal.regime();
        let bound = self.bound(regime, p.delta, world.score(p.beneficiary)?);
        let amount = p.amount.min(bound);
        ensure(amount > 0, MintError::CeilingReached)?;
        let r = regime_index(regime);
        let minted = self
            .totals
            .minted
            .get_mut(r)
            .ok_or(MintError::InvalidConfig)?;
        *minted = minted.saturating_add(amount);
        let regime_minted = *minted;
        self.totals.locked = self.totals.locked.saturating_add(amount);
        let credit = Credit {
            beneficiary: p.beneficiary,
            proposer: p.proposer,
            regime: u8::try_from(r).unwrap_or(u8::MAX),
            amount,
            released: 0,
            burned: 0,
            floor: mul_ppb(p.level, self.config.sustain_ppb),
            first_epoch: world.epoch()?.saturating_add(1),
            tranches: self.tunables.tranches,
            paid: 0,
        };
        self.credits.insert(id, &credit);
        p.state = ProposalState::Activated;
        self.proposals.insert(id, &p);
        let event = Activated {
            id,
            beneficiary: p.beneficiary,
            regime,
            amount,
            bound,
            regime_minted,
            floor: credit.floor,
            first_epoch: credit.first_epoch,
            tranches: credit.tranches,
        };
        Ok((vec![Event::Activated(event)], vec![Effect::Mint(amount)]))
    }

    fn open_credit(&self, id: u64) -> Result<Credit, MintError> {
        let c = self.credits.get(id).ok_or(MintError::NoCredit)?;
        ensure(!c.is_closed(), MintError::CreditClosed)?;
        Ok(c)
    }

    fn regime_of(credit: &Credit) -> Regime {
        Regime::ALL
            .get(usize::from(credit.regime))
            .copied()
            .unwrap_or(Regime::Permanent)
    }

    /// Anyone releases credit `id`: one tranche to the beneficiary for each obligation epoch,
    /// in order, that has closed with the beneficiary's capacity at or above the floor (and,
    /// for anchored and permanent credits, with an archival bond held).
    pub fn release(&mut self, world: &dyn World, id: u64) -> Result<Outcome, MintError> {
        let mut c = self.open_credit(id)?;
        if keeps_archives(Self::regime_of(&c)) {
            ensure(world.archival(c.beneficiary)?, MintError::ArchivesNotHeld)?;
        }
        let now = world.epoch()?;
        let before = c.paid;
        while c.paid < c.tranches {
            let epoch = c.first_epoch.saturating_add(c.paid);
            if epoch >= now || world.capacity(c.beneficiary, epoch)? < c.floor {
                break;
            }
            c.paid = c.paid.saturating_add(1);
        }
        ensure(c.paid > before, MintError::NothingToRelease)?;
        let amount = c.cumulative(c.paid).saturating_sub(c.cumulative(before));
        c.released = c.released.saturating_add(amount);
        self.credits.insert(id, &c);
        self.totals.locked = self.totals.locked.saturating_sub(amount);
        let event = Released {
            id,
            beneficiary: c.beneficiary,
            amount,
            paid: c.paid,
            locked: c.locked(),
        };
        Ok((
            vec![Event::Released(event)],
            vec![Effect::Pay {
                to: c.beneficiary,
                amount,
            }],
        ))
    }

    /// Burns what credit `c` still has locked.
    fn burn(
        &mut self,
        id: u64,
        mut c: Credit,
        reason: Failure,
        epoch: Option<u32>,
        evidence: Hash,
    ) -> Outcome {
        let amount = c.locked();
        c.burned = c.burned.saturating_add(amount);
        self.credits.insert(id, &c);
        self.totals.locked = self.totals.locked.saturating_sub(amount);
        if let Some(b) = self.totals.burned.get_mut(usize::from(c.regime)) {
            *b = b.saturating_add(amount);
        }
        let mut effects = vec![Effect::Burn(amount)];
        if reason == Failure::Misreport {
            effects.push(Effect::Fault {
                account: c.proposer,
                class: FaultClass::AttestationFailure,
            });
        }
        let event = CreditBurned {
            id,
            beneficiary: c.beneficiary,
            reason,
            epoch,
            evidence,
            amount,
        };
        (vec![Event::CreditBurned(event)], effects)
    }

    /// Anyone proves that the beneficiary of credit `id` fell below its floor in the next
    /// unpaid obligation epoch, now closed: the locked remainder burns (G5). (Fulfilled epochs
    /// before it are released first: `release` stops at the first unmet one.)
    pub fn burn_on_drop(&mut self, world: &dyn World, id: u64) -> Result<Outcome, MintError> {
        let c = self.open_credit(id)?;
        let epoch = c.first_epoch.saturating_add(c.paid);
        ensure(epoch < world.epoch()?, MintError::NotAnObligationEpoch)?;
        ensure(
            world.capacity(c.beneficiary, epoch)? < c.floor,
            MintError::ObligationMet,
        )?;
        Ok(self.burn(id, c, Failure::CapacityDrop, Some(epoch), [0; 32]))
    }

    /// The resolver reports an archival failure or misreported throughput behind credit `id`:
    /// the locked remainder burns; misreporting also cuts the proposer's reputation (G5).
    pub fn report_failure(
        &mut self,
        caller: AccountId,
        id: u64,
        failure: Failure,
        evidence: Hash,
    ) -> Result<Outcome, MintError> {
        ensure(caller == self.resolver, MintError::NotResolver)?;
        ensure(failure != Failure::CapacityDrop, MintError::MeasuredOnChain)?;
        let c = self.open_credit(id)?;
        Ok(self.burn(id, c, failure, None, evidence))
    }

    /// Governance sets the tunables, each inside its hard bound (G7). Nothing else of this
    /// contract is governance's to change.
    pub fn set_tunables(
        &mut self,
        caller: AccountId,
        new: Tunables,
    ) -> Result<Vec<Event>, MintError> {
        ensure(caller == self.governance, MintError::NotGovernance)?;
        ensure(
            new.within(&self.config.min, &self.config.max),
            MintError::ParamOutOfBounds,
        )?;
        let old = self.tunables;
        self.tunables = new;
        Ok(vec![Event::TunablesSet(TunablesSet { old, new })])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::{DAY, DEFAULT_CONFIG, DEFAULT_TUNABLES, ONE_DYN};
    use std::{cell::RefCell, collections::BTreeMap};

    const GOV: u8 = 1;
    const RESOLVER: u8 = 2;
    const PROPOSER: u8 = 10;
    const CHALLENGER: u8 = 11;
    const NOBODY: u8 = 12;

    fn acc(n: u8) -> AccountId {
        AccountId::from([n; 32])
    }

    /// The rest of the suite, as plain maps.
    #[derive(Default)]
    struct Mock {
        epoch: RefCell<u32>,
        capacity: RefCell<BTreeMap<(AccountId, u32), u128>>,
        network: RefCell<BTreeMap<u32, u128>>,
        attested: RefCell<BTreeMap<u64, Attested>>,
        scores: RefCell<BTreeMap<AccountId, u32>>,
        authority: RefCell<Vec<AccountId>>,
        bonded: RefCell<Vec<AccountId>>,
        archival: RefCell<Vec<AccountId>>,
    }

    impl World for Mock {
        fn epoch(&self) -> Result<u32, MintError> {
            Ok(*self.epoch.borrow())
        }
        fn capacity(&self, account: AccountId, epoch: u32) -> Result<u128, MintError> {
            Ok(self
                .capacity
                .borrow()
                .get(&(account, epoch))
                .copied()
                .unwrap_or(0))
        }
        fn epoch_capacity(&self, epoch: u32) -> Result<u128, MintError> {
            Ok(self.network.borrow().get(&epoch).copied().unwrap_or(0))
        }
        fn attested(&self, id: u64) -> Result<Option<Attested>, MintError> {
            Ok(self.attested.borrow().get(&id).cloned())
        }
        fn score(&self, account: AccountId) -> Result<u32, MintError> {
            Ok(self.scores.borrow().get(&account).copied().unwrap_or(0))
        }
        fn authority(&self, account: AccountId, _: Action) -> Result<bool, MintError> {
            Ok(self.authority.borrow().contains(&account))
        }
        fn bonded(&self, account: AccountId) -> Result<bool, MintError> {
            Ok(self.bonded.borrow().contains(&account))
        }
        fn archival(&self, account: AccountId) -> Result<bool, MintError> {
            Ok(self.archival.borrow().contains(&account))
        }
    }

    impl Mock {
        /// PROPOSER and CHALLENGER reputable and bonded, PROPOSER at score 600,000.
        fn new() -> Self {
            let m = Mock::default();
            for who in [acc(PROPOSER), acc(CHALLENGER), acc(GOV)] {
                m.authority.borrow_mut().push(who);
                m.bonded.borrow_mut().push(who);
            }
            m.scores.borrow_mut().insert(acc(PROPOSER), 600_000);
            m
        }
        fn set_capacity(&self, who: AccountId, epochs: std::ops::Range<u32>, units: u128) {
            for e in epochs {
                self.capacity.borrow_mut().insert((who, e), units);
                self.network.borrow_mut().insert(e, units);
            }
        }
        fn at(&self, epoch: u32) {
            *self.epoch.borrow_mut() = epoch;
        }
        fn attest(&self, id: u64, epoch: u32, capacity: u64, regime: Regime, by: u8, fin: bool) {
            let a = Attested {
                epoch,
                capacity,
                regime: regime_index(regime) as u8,
                submitter: acc(NOBODY),
                signers: vec![acc(by)],
                is_final: fin,
            };
            self.attested.borrow_mut().insert(id, a);
        }
    }

    fn credits() -> Credits {
        Credits::new(DEFAULT_CONFIG, DEFAULT_TUNABLES, acc(GOV), acc(RESOLVER))
            .unwrap_or_else(|e| panic!("{e:?}"))
    }

    /// Drives the rollout to `phase` on a network of three verifiers at 1,000 units.
    fn at_phase(c: &mut Credits, w: &Mock, phase: u8) {
        let vs = [acc(20), acc(21), acc(22)];
        for v in vs {
            w.set_capacity(v, 0..200, 1_000);
        }
        let n = c.tunables.sustain_epochs;
        let mut epoch = 1;
        while c.phase < phase {
            w.at(epoch);
            let _ = c.advance_phase(w, 0, &vs);
            epoch += n;
        }
    }

    /// `by` proposes `amount` on `signal` for PROPOSER, citing `cited`, at block 0.
    fn ask(
        c: &mut Credits,
        w: &Mock,
        by: AccountId,
        signal: Signal,
        amount: u128,
        cited: &[u64],
    ) -> Result<u64, MintError> {
        c.propose(w, by, signal, acc(PROPOSER), amount, cited, [0; 32], 0)
            .map(|(id, _)| id)
    }

    fn propose_a(c: &mut Credits, w: &Mock, amount: u128) -> Result<u64, MintError> {
        ask(c, w, acc(PROPOSER), Signal::CapacityExpansion, amount, &[])
    }

    /// PROPOSER at 1,000 units for N epochs, then 1,500 for N epochs; the epoch after.
    fn grown(w: &Mock, from: u32) -> u32 {
        let n = DEFAULT_TUNABLES.sustain_epochs;
        w.set_capacity(acc(PROPOSER), from..from + n, 1_000);
        w.set_capacity(acc(PROPOSER), from + n..from + 2 * n, 1_500);
        w.at(from + 2 * n);
        from + 2 * n
    }

    #[ink::test]
    fn phases_move_forward_only_on_measured_capacity() {
        let (mut c, w) = (credits(), Mock::new());
        let vs = [acc(20), acc(21), acc(22)];
        w.at(5);
        // Phase 0: two verifiers (one named twice) are not three; an open epoch is no witness.
        w.set_capacity(acc(20), 0..5, 10);
        w.set_capacity(acc(21), 0..5, 10);
        let twice = [acc(20), acc(21), acc(21)];
        assert_eq!(
            c.advance_phase(&w, 3, &twice),
            Err(MintError::PhaseConditionUnmet)
        );
        w.set_capacity(acc(22), 0..6, 10);
        assert_eq!(
            c.advance_phase(&w, 5, &vs),
            Err(MintError::PhaseConditionUnmet)
        );
        let long = [acc(20); MAX_EVIDENCE as usize + 1];
        assert_eq!(
            c.advance_phase(&w, 3, &long),
            Err(MintError::EvidenceTooLong)
        );
        assert_eq!(c.phase(), (PHASE_FIXED, 0));
        let events = c
            .advance_phase(&w, 3, &vs)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            events,
            vec![Event::PhaseAdvanced(PhaseAdvanced {
                from: 0,
                to: 1,
                epoch: 5
            })]
        );
        // Phase 1 → 2: N epochs in the phase and N closed epochs at the floor (500).
        let n = DEFAULT_TUNABLES.sustain_epochs;
        w.at(5 + n - 1);
        assert_eq!(
            c.advance_phase(&w, 0, &[]),
            Err(MintError::PhaseConditionUnmet)
        );
        w.at(5 + n);
        assert_eq!(
            c.advance_phase(&w, 0, &[]),
            Err(MintError::PhaseConditionUnmet)
        );
        w.set_capacity(acc(20), 5..5 + n, 499);
        assert_eq!(
            c.advance_phase(&w, 0, &[]),
            Err(MintError::PhaseConditionUnmet)
        );
        w.set_capacity(acc(20), 5..5 + n, 500);
        assert!(c.advance_phase(&w, 0, &[]).is_ok());
        assert_eq!(c.phase(), (PHASE_CONDITIONAL, 5 + n));
        // Phase 2 → 3 needs the higher floor (1,000).
        w.at(5 + 2 * n);
        assert_eq!(
            c.advance_phase(&w, 0, &[]),
            Err(MintError::PhaseConditionUnmet)
        );
        w.set_capacity(acc(20), 5 + n..5 + 2 * n, 1_000);
        assert!(c.advance_phase(&w, 0, &[]).is_ok());
        assert_eq!(c.phase().0, PHASE_MEASURED);
        w.at(1_000);
        assert_eq!(c.advance_phase(&w, 0, &vs), Err(MintError::PhaseFinal));
        assert_eq!(c.phase().0, PHASE_MEASURED);
    }

    #[ink::test]
    fn phases_0_and_1_refuse_every_proposal_and_phase_2_holds_back_signal_a() {
        let (mut c, w) = (credits(), Mock::new());
        w.attest(7, 3, 1_000, Regime::Permanent, PROPOSER, true);
        let p = acc(PROPOSER);
        for phase in [PHASE_FIXED, PHASE_OBSERVED] {
            at_phase(&mut c, &w, phase);
            for signal in [Signal::CapacityExpansion, Signal::PermanentLiability] {
                assert_eq!(
                    ask(&mut c, &w, p, signal, 1, &[7]),
                    Err(MintError::PhaseClosed)
                );
            }
        }
        at_phase(&mut c, &w, PHASE_CONDITIONAL);
        assert_eq!(propose_a(&mut c, &w, 1), Err(MintError::SignalNotOpen));
        // B in phase 2: a quarter of f. 1,000 units × 0.1 DYN × 1 × (0.5 + 0.5 × 0.6) / 4.
        let full = 80 * ONE_DYN;
        assert_eq!(
            ask(
                &mut c,
                &w,
                p,
                Signal::PermanentLiability,
                full / 4 + 1,
                &[7]
            ),
            Err(MintError::AboveBound { bound: full / 4 })
        );
        assert!(c
            .propose(
                &w,
                p,
                Signal::PermanentLiability,
                p,
                full / 4,
                &[7],
                [0; 32],
                0
            )
            .is_ok());
    }

    #[ink::test]
    fn the_bound_is_the_documented_f() {
        let (mut c, w) = (credits(), Mock::new());
        at_phase(&mut c, &w, PHASE_MEASURED);
        // The README's example: Δ = 500 units, score 0.6, α = 0.5, nothing minted yet.
        assert_eq!(c.bound(Regime::Ephemeral, 500, 600_000), 400 * ONE_DYN);
        // w = 0 leaves α of it, w = 1 all of it; a score above the maximum counts as the max.
        assert_eq!(c.bound(Regime::Ephemeral, 500, 0), 250 * ONE_DYN);
        assert_eq!(c.bound(Regime::Ephemeral, 500, SCORE_MAX), 500 * ONE_DYN);
        assert_eq!(c.bound(Regime::Ephemeral, 500, u32::MAX), 500 * ONE_DYN);
        // Rates fall with the regime's horizon: 1, 0.5, 0.25, 0.1 DYN per unit.
        let rates: Vec<u128> = Regime::ALL
            .iter()
            .map(|r| c.bound(*r, 1_000, SCORE_MAX))
            .collect();
        assert_eq!(
            rates,
            vec![1_000 * ONE_DYN, 500 * ONE_DYN, 250 * ONE_DYN, 100 * ONE_DYN]
        );
        // Scarcity: with half of each ceiling minted, (1/2)^k with k = 1, 2, 3, 4.
        for (i, r) in Regime::ALL.iter().enumerate() {
            c.totals.minted[i] = DEFAULT_CONFIG.ceilings[i] / 2;
            let k = DEFAULT_CONFIG.curves[i];
            assert_eq!(c.scarcity_ppb(*r), PPB >> k, "{r:?}");
            assert_eq!(
                c.bound(*r, 1_000, SCORE_MAX),
                rates[i] >> k,
                "{r:?}: half the ceiling minted"
            );
        }
        // Never above what the ceiling leaves.
        let left = DEFAULT_CONFIG.ceilings[0] / 1_000;
        c.totals.minted[0] = DEFAULT_CONFIG.ceilings[0] - left;
        assert_eq!(c.bound(Regime::Ephemeral, 10u128.pow(12), SCORE_MAX), left);
        c.totals.minted[0] = DEFAULT_CONFIG.ceilings[0];
        assert_eq!(c.scarcity_ppb(Regime::Ephemeral), 0);
        assert_eq!(c.bound(Regime::Ephemeral, u128::MAX, u32::MAX), 0);
    }

    #[ink::test]
    fn signal_a_needs_a_sustained_measured_increase_claimed_once() {
        let (mut c, w) = (credits(), Mock::new());
        at_phase(&mut c, &w, PHASE_MEASURED);
        let n = DEFAULT_TUNABLES.sustain_epochs;
        w.at(2 * n - 1);
        assert_eq!(propose_a(&mut c, &w, 1), Err(MintError::NotEnoughHistory));
        // Flat capacity: no delta.
        w.set_capacity(acc(PROPOSER), 0..200, 1_000);
        w.at(100);
        assert_eq!(propose_a(&mut c, &w, 1), Err(MintError::NoCapacityDelta));
        // One dip inside the new window: the minimum is what counts.
        let now = grown(&w, 100);
        w.capacity
            .borrow_mut()
            .insert((acc(PROPOSER), now - 2), 1_000);
        assert_eq!(propose_a(&mut c, &w, 1), Err(MintError::NoCapacityDelta));
        let now = grown(&w, now);
        let p = acc(PROPOSER);
        assert_eq!(
            ask(&mut c, &w, p, Signal::CapacityExpansion, 1, &[3]),
            Err(MintError::UnexpectedEvidence)
        );
        assert_eq!(
            propose_a(&mut c, &w, 400 * ONE_DYN + 1),
            Err(MintError::AboveBound {
                bound: 400 * ONE_DYN
            })
        );
        assert_eq!(propose_a(&mut c, &w, 400 * ONE_DYN), Ok(0));
        let p0 = c.proposal(0).unwrap_or_else(|| panic!("stored"));
        assert_eq!((p0.delta, p0.level), (500, 1_500));
        assert_eq!(c.claimed(acc(PROPOSER)), 1_500);
        // The same increase again: already claimed.
        assert_eq!(propose_a(&mut c, &w, 1), Err(MintError::NoCapacityDelta));
        // A further rise above the claimed level is new.
        w.set_capacity(acc(PROPOSER), now..now + n, 1_600);
        w.set_capacity(acc(PROPOSER), now + n..now + 2 * n, 1_800);
        w.at(now + 2 * n);
        assert!(propose_a(&mut c, &w, 1).is_ok());
        assert_eq!(c.proposal(1).map(|p| p.delta), Some(200));
    }

    #[ink::test]
    fn signals_b_to_e_need_their_own_fresh_final_attestations() {
        let (mut c, w) = (credits(), Mock::new());
        at_phase(&mut c, &w, PHASE_MEASURED);
        let p = acc(PROPOSER);
        w.attest(1, 4, 300, Regime::Anchored, PROPOSER, true);
        w.attest(2, 4, 200, Regime::Anchored, PROPOSER, true);
        w.attest(3, 4, 200, Regime::Anchored, PROPOSER, false);
        w.attest(4, 4, 200, Regime::Session, PROPOSER, true);
        w.attest(5, 4, 200, Regime::Anchored, NOBODY, true);
        w.attest(6, 5, 200, Regime::Anchored, PROPOSER, true);
        let onboard = |c: &mut Credits, cited: &[u64]| {
            c.propose(&w, p, Signal::DomainOnboarding, p, 1, cited, [9; 32], 0)
        };
        assert_eq!(onboard(&mut c, &[]), Err(MintError::EvidenceEmpty));
        let many: Vec<u64> = (100..117).collect();
        assert_eq!(onboard(&mut c, &many), Err(MintError::EvidenceTooLong));
        assert_eq!(onboard(&mut c, &[1, 3]), Err(MintError::EvidenceNotFinal));
        assert_eq!(onboard(&mut c, &[1, 99]), Err(MintError::EvidenceNotFinal));
        assert_eq!(onboard(&mut c, &[1, 4]), Err(MintError::EvidenceRegime));
        assert_eq!(onboard(&mut c, &[1, 5]), Err(MintError::EvidenceNotOwn));
        assert_eq!(onboard(&mut c, &[1, 6]), Err(MintError::EvidenceEpochs));
        assert_eq!(onboard(&mut c, &[1, 1]), Err(MintError::EvidenceUsed));
        assert_eq!(onboard(&mut c, &[1, 2]).map(|(id, _)| id), Ok(0));
        assert_eq!(
            c.proposal(0).map(|p| (p.delta, p.document)),
            Some((500, [9; 32]))
        );
        assert!(c.is_cited(1) && c.is_cited(2) && !c.is_cited(6));
        // Cited once, never again, by any signal of the regime.
        let migrate = ask(&mut c, &w, p, Signal::CryptoMigration, 1, &[2]);
        assert_eq!(migrate, Err(MintError::EvidenceUsed));
        // Each signal mints into its own regime.
        let regimes: Vec<Regime> = [
            Signal::CapacityExpansion,
            Signal::PermanentLiability,
            Signal::DomainOnboarding,
            Signal::TemporalExpansion,
            Signal::CryptoMigration,
        ]
        .iter()
        .map(|s| s.regime())
        .collect();
        use Regime::*;
        assert_eq!(
            regimes,
            vec![Ephemeral, Permanent, Anchored, Session, Anchored]
        );
    }

    #[ink::test]
    fn only_reputable_bonded_accounts_propose_and_governance_never() {
        let (mut c, w) = (credits(), Mock::new());
        at_phase(&mut c, &w, PHASE_MEASURED);
        grown(&w, 100);
        let g = acc(GOV);
        // Governance holds authority and a bond in the mock: refused by name all the same.
        assert_eq!(
            ask(&mut c, &w, g, Signal::CapacityExpansion, 1, &[]),
            Err(MintError::GovernanceCannotPropose)
        );
        assert_eq!(propose_a(&mut c, &w, 0), Err(MintError::ZeroAmount));
        let n = acc(NOBODY);
        let by_nobody = |c: &mut Credits| ask(c, &w, n, Signal::CapacityExpansion, 1, &[]);
        // A bond alone (however large a balance) is not authority.
        w.bonded.borrow_mut().push(n);
        assert_eq!(by_nobody(&mut c), Err(MintError::NoAuthority));
        // Authority without a bond is not enough either.
        w.bonded.borrow_mut().retain(|a| *a != n);
        w.authority.borrow_mut().push(n);
        assert_eq!(by_nobody(&mut c), Err(MintError::NotBonded));
        w.bonded.borrow_mut().push(n);
        assert_eq!(by_nobody(&mut c), Ok(0));
    }

    fn announced(c: &mut Credits, w: &Mock) -> u64 {
        at_phase(c, w, PHASE_MEASURED);
        grown(w, 100);
        propose_a(c, w, 400 * ONE_DYN).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[ink::test]
    fn a_challenge_suspends_and_the_resolver_decides() {
        let (mut c, w) = (credits(), Mock::new());
        let id = announced(&mut c, &w);
        let delay = DEFAULT_TUNABLES.delay_blocks;
        let ch = acc(CHALLENGER);
        assert_eq!(
            c.challenge(&w, ch, 9, [1; 32], 10),
            Err(MintError::UnknownProposal)
        );
        assert_eq!(
            c.challenge(&w, acc(NOBODY), id, [1; 32], 10),
            Err(MintError::NoAuthority)
        );
        w.authority.borrow_mut().push(acc(NOBODY));
        assert_eq!(
            c.challenge(&w, acc(NOBODY), id, [1; 32], 10),
            Err(MintError::NotBonded)
        );
        assert_eq!(
            c.challenge(&w, ch, id, [1; 32], delay),
            Err(MintError::ChallengeClosed)
        );
        assert_eq!(
            c.resolve(acc(RESOLVER), id, true, 10),
            Err(MintError::NotChallenged)
        );
        let (events, effects) = c
            .challenge(&w, ch, id, [1; 32], 100)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let deposit = DEFAULT_TUNABLES.challenge_deposit;
        assert_eq!(
            effects,
            vec![Effect::Pull {
                from: ch,
                amount: deposit
            }]
        );
        assert!(
            matches!(events[..], [Event::Challenged(Challenged { remaining, .. })] if remaining == delay - 100)
        );
        assert_eq!(c.totals().deposits_held, deposit);
        // Suspended: no second challenge, no activation even after the delay.
        assert_eq!(
            c.challenge(&w, ch, id, [2; 32], 101),
            Err(MintError::NotAnnounced)
        );
        assert_eq!(c.activate(&w, id, delay + 5), Err(MintError::NotAnnounced));
        // Only the resolver decides.
        for who in [GOV, PROPOSER, CHALLENGER, NOBODY] {
            assert_eq!(
                c.resolve(acc(who), id, false, 500),
                Err(MintError::NotResolver)
            );
        }
        assert_eq!(
            c.resolve(acc(RESOLVER), 9, false, 500),
            Err(MintError::UnknownProposal)
        );
        // Rejected: the deposit burns and the delay resumes where it stopped.
        let (_, effects) = c
            .resolve(acc(RESOLVER), id, false, 500)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(effects, vec![Effect::Burn(deposit)]);
        let p = c.proposal(id).unwrap_or_else(|| panic!("stored"));
        assert_eq!(
            (p.state, p.activates_at),
            (ProposalState::Announced, 500 + delay - 100)
        );
        assert_eq!(c.totals().deposits_burned, deposit);
        assert_eq!(c.totals().deposits_held, 0);
        // Challenged again and upheld: cancelled for good, deposit back, proposer cut.
        assert!(c.challenge(&w, ch, id, [3; 32], 600).is_ok());
        let (_, effects) = c
            .resolve(acc(RESOLVER), id, true, 700)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            effects,
            vec![
                Effect::Pay {
                    to: ch,
                    amount: deposit
                },
                Effect::Fault {
                    account: acc(PROPOSER),
                    class: FaultClass::Sla
                }
            ]
        );
        assert_eq!(
            c.proposal(id).map(|p| p.state),
            Some(ProposalState::Cancelled)
        );
        assert_eq!(c.activate(&w, id, 10 * delay), Err(MintError::NotAnnounced));
        assert_eq!(c.totals().minted, [0; 4]);
    }

    #[ink::test]
    fn activation_waits_the_delay_and_mints_no_more_than_the_bound_and_ceiling() {
        let (mut c, w) = (credits(), Mock::new());
        let id = announced(&mut c, &w);
        let delay = DEFAULT_TUNABLES.delay_blocks;
        assert_eq!(c.activate(&w, 9, delay), Err(MintError::UnknownProposal));
        assert_eq!(c.activate(&w, id, delay - 1), Err(MintError::DelayRunning));
        // The score fell meanwhile: the bound taken again is lower, and that is what mints.
        w.scores.borrow_mut().insert(acc(PROPOSER), 0);
        let (events, effects) = c
            .activate(&w, id, delay)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(effects, vec![Effect::Mint(250 * ONE_DYN)]);
        let Event::Activated(a) = &events[0] else {
            panic!("{events:?}")
        };
        assert_eq!(
            (a.amount, a.floor, a.first_epoch, a.tranches),
            (250 * ONE_DYN, 1_200, 115, 4)
        );
        assert_eq!(c.totals().minted, [250 * ONE_DYN, 0, 0, 0]);
        assert_eq!(c.totals().locked, 250 * ONE_DYN);
        assert_eq!(c.activate(&w, id, delay), Err(MintError::NotAnnounced));
        // A regime at its ceiling mints nothing more: the proposal waits, refused.
        let p = acc(PROPOSER);
        w.set_capacity(p, 114..121, 1_000);
        w.set_capacity(p, 121..128, 2_000);
        w.at(128);
        let id2 = propose_a(&mut c, &w, ONE_DYN).unwrap_or_else(|e| panic!("{e:?}"));
        c.totals.minted[0] = DEFAULT_CONFIG.ceilings[0];
        assert_eq!(
            c.activate(&w, id2, 10 * delay),
            Err(MintError::CeilingReached)
        );
    }

    fn activated(c: &mut Credits, w: &Mock) -> u64 {
        let id = announced(c, w);
        c.activate(w, id, DEFAULT_TUNABLES.delay_blocks)
            .unwrap_or_else(|e| panic!("{e:?}"));
        id
    }

    #[ink::test]
    fn credits_release_per_fulfilled_epoch_and_burn_on_a_drop() {
        let (mut c, w) = (credits(), Mock::new());
        let id = activated(&mut c, &w);
        let p = acc(PROPOSER);
        assert_eq!(c.release(&w, 9), Err(MintError::NoCredit));
        // Obligation epochs 115..=118 at ≥ 1,200 units; 115 still open.
        w.set_capacity(p, 115..119, 1_500);
        assert_eq!(c.release(&w, id), Err(MintError::NothingToRelease));
        assert_eq!(c.burn_on_drop(&w, id), Err(MintError::NotAnObligationEpoch));
        w.at(117);
        let (_, effects) = c.release(&w, id).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            effects,
            vec![Effect::Pay {
                to: p,
                amount: 200 * ONE_DYN
            }]
        );
        assert_eq!(c.release(&w, id), Err(MintError::NothingToRelease));
        // The next obligation epoch (117) is still open: nothing to prove yet.
        assert_eq!(c.burn_on_drop(&w, id), Err(MintError::NotAnObligationEpoch));
        w.at(118);
        assert_eq!(c.burn_on_drop(&w, id), Err(MintError::ObligationMet));
        // Epoch 117 closed at 1,199: below the floor; no release, the remainder burns.
        w.capacity.borrow_mut().insert((p, 117), 1_199);
        assert_eq!(c.release(&w, id), Err(MintError::NothingToRelease));
        let (events, effects) = c.burn_on_drop(&w, id).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(effects, vec![Effect::Burn(200 * ONE_DYN)]);
        let Event::CreditBurned(b) = &events[0] else {
            panic!("{events:?}")
        };
        assert_eq!(
            (b.reason, b.epoch, b.amount),
            (Failure::CapacityDrop, Some(117), 200 * ONE_DYN)
        );
        let credit = c.credit(id).unwrap_or_else(|| panic!("stored"));
        assert_eq!(
            (credit.released, credit.burned, credit.locked()),
            (200 * ONE_DYN, 200 * ONE_DYN, 0)
        );
        assert_eq!(c.totals().burned, [200 * ONE_DYN, 0, 0, 0]);
        assert_eq!(c.totals().locked, 0);
        for result in [c.release(&w, id), c.burn_on_drop(&w, id)] {
            assert_eq!(result, Err(MintError::CreditClosed));
        }
    }

    #[ink::test]
    fn tranches_add_up_to_the_amount_exactly() {
        for (amount, k) in [(10u128, 3u32), (7, 4), (1, 12), (400 * ONE_DYN + 1, 7)] {
            let credit = Credit {
                beneficiary: acc(1),
                proposer: acc(1),
                regime: 0,
                amount,
                released: 0,
                burned: 0,
                floor: 0,
                first_epoch: 0,
                tranches: k,
                paid: 0,
            };
            let parts: Vec<u128> = (0..k)
                .map(|i| credit.cumulative(i + 1) - credit.cumulative(i))
                .collect();
            assert_eq!(parts.iter().sum::<u128>(), amount, "{amount} in {k}");
            let (lo, hi) = (parts.iter().min(), parts.iter().max());
            assert!(hi.zip(lo).is_some_and(|(h, l)| h - l <= 1), "{parts:?}");
        }
    }

    #[ink::test]
    fn anchored_and_permanent_credits_oblige_archives_and_the_resolver_reports_failures() {
        let (mut c, w) = (credits(), Mock::new());
        at_phase(&mut c, &w, PHASE_MEASURED);
        let p = acc(PROPOSER);
        w.attest(1, 4, 1_000, Regime::Permanent, PROPOSER, true);
        w.attest(2, 4, 1_000, Regime::Anchored, PROPOSER, true);
        let b = ask(&mut c, &w, p, Signal::PermanentLiability, ONE_DYN, &[1])
            .unwrap_or_else(|e| panic!("{e:?}"));
        let (e, _) = c
            .propose(&w, p, Signal::CryptoMigration, p, ONE_DYN, &[2], [5; 32], 0)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let delay = DEFAULT_TUNABLES.delay_blocks;
        for id in [b, e] {
            assert!(c.activate(&w, id, delay).is_ok());
        }
        w.set_capacity(p, 0..300, 1_000);
        w.at(250);
        assert_eq!(c.release(&w, b), Err(MintError::ArchivesNotHeld));
        w.archival.borrow_mut().push(p);
        assert!(c.release(&w, b).is_ok());
        // Only the resolver reports; a capacity drop is not reported but proven.
        for who in [GOV, PROPOSER, CHALLENGER, NOBODY] {
            assert_eq!(
                c.report_failure(acc(who), e, Failure::Archival, [1; 32]),
                Err(MintError::NotResolver)
            );
        }
        let r = acc(RESOLVER);
        assert_eq!(
            c.report_failure(r, e, Failure::CapacityDrop, [1; 32]),
            Err(MintError::MeasuredOnChain)
        );
        assert_eq!(
            c.report_failure(r, 9, Failure::Archival, [1; 32]),
            Err(MintError::NoCredit)
        );
        let (_, effects) = c
            .report_failure(r, e, Failure::Misreport, [1; 32])
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            effects,
            vec![
                Effect::Burn(ONE_DYN),
                Effect::Fault {
                    account: p,
                    class: FaultClass::AttestationFailure
                }
            ]
        );
        assert_eq!(
            c.report_failure(r, e, Failure::Archival, [1; 32]),
            Err(MintError::CreditClosed)
        );
        assert_eq!(
            c.report_failure(r, b, Failure::Archival, [1; 32]),
            Err(MintError::CreditClosed)
        );
    }

    #[ink::test]
    fn governance_tunes_inside_the_bounds_and_nothing_else() {
        let mut c = credits();
        let mut t = DEFAULT_TUNABLES;
        t.delay_blocks = 7 * DAY;
        for who in [RESOLVER, PROPOSER, CHALLENGER, NOBODY] {
            assert_eq!(c.set_tunables(acc(who), t), Err(MintError::NotGovernance));
        }
        let mut wild = t;
        wild.alpha_ppb = PPB;
        assert_eq!(
            c.set_tunables(acc(GOV), wild),
            Err(MintError::ParamOutOfBounds)
        );
        assert_eq!(c.tunables(), DEFAULT_TUNABLES);
        assert_eq!(
            c.set_tunables(acc(GOV), t),
            Ok(vec![Event::TunablesSet(TunablesSet {
                old: DEFAULT_TUNABLES,
                new: t
            })])
        );
        assert_eq!(c.tunables(), t);
        assert_eq!(c.config(), DEFAULT_CONFIG);
    }

    #[ink::test]
    fn an_inconsistent_configuration_is_refused_at_instantiation() {
        let mut t = DEFAULT_TUNABLES;
        t.tranches = 0;
        let made = Credits::new(DEFAULT_CONFIG, t, acc(GOV), acc(RESOLVER));
        assert_eq!(made.map(|_| ()), Err(MintError::ParamOutOfBounds));
        let mut bad = DEFAULT_CONFIG;
        bad.sustain_ppb = 0;
        let made = Credits::new(bad, DEFAULT_TUNABLES, acc(GOV), acc(RESOLVER));
        assert_eq!(made.map(|_| ()), Err(MintError::InvalidConfig));
    }
}
