//! Governance's own rules: per-class thresholds, quorums and periods, the voting gate, the
//! proposal deposit and the treasury caps; and the hard bounds (with a per-proposal step cap)
//! fixed around them at instantiation.
//!
//! Periods are **time**, in milliseconds of the block timestamp (a node's 6-second blocks make
//! 3 days 43,200 blocks, but block production may stall; a timestamp does not run ahead of
//! the chain). The one exception is the bond age of the voting gate, in blocks, because it is
//! read from bonding's per-block checkpoints.

use crate::types::GovernanceError;
use dynamis_shared::{
    math::{within_step, PPB},
    DAY, ONE_DYN,
};

/// One day in milliseconds.
pub const DAY_MS: u64 = 86_400_000;

/// A proposal's class: the strictest class among its actions decides its rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Class {
    /// Bounded parameter changes of reputation and mint_credits (seed 003: 51 %, 3 days).
    Parameter,
    /// Treasury payments (60 %, 7 days).
    Treasury,
    /// The council seat (60 %, 7 days).
    Council,
    /// Governance's own code and rules (75 %, 14 days).
    Upgrade,
}

impl Class {
    pub const ALL: [Class; 4] = [
        Class::Parameter,
        Class::Treasury,
        Class::Council,
        Class::Upgrade,
    ];

    pub const fn index(self) -> usize {
        match self {
            Class::Parameter => 0,
            Class::Treasury => 1,
            Class::Council => 2,
            Class::Upgrade => 3,
        }
    }
}

/// The rules of one class, copied into each proposal when it is created (frozen).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct ClassRules {
    /// Share of the for + against votes that must be for (abstentions count for the quorum
    /// only); reached at `for × 10⁹ ≥ threshold × (for + against)`.
    pub threshold_ppb: u32,
    /// Least for + against + abstain, in voting power units.
    pub quorum: u128,
    /// How long voting lasts (ms).
    pub voting_ms: u64,
    /// Between queueing and the earliest execution (ms).
    pub timelock_ms: u64,
    /// After the earliest execution (and after voting ends, for an unqueued success) the
    /// proposal expires (ms).
    pub grace_ms: u64,
}

impl ClassRules {
    fn fields(&self) -> [u128; 5] {
        [
            u128::from(self.threshold_ppb),
            self.quorum,
            u128::from(self.voting_ms),
            u128::from(self.timelock_ms),
            u128::from(self.grace_ms),
        ]
    }
}

/// Everything governance's rules consist of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Config {
    /// Per [`Class`], by `Class::index`.
    pub classes: [ClassRules; 4],
    /// Between proposing and the start of voting (ms).
    pub voting_delay_ms: u64,
    /// DYN a proposer puts up.
    pub proposal_deposit: u128,
    /// The deposit returns if the for votes reach this share of the quorum (and the proposal
    /// was not cancelled as spam); otherwise it goes to the treasury.
    pub min_support_ppb: u32,
    /// Least active bond (all roles) a voting account holds at the snapshot ...
    pub vote_bond_floor: u128,
    /// ... and held this many blocks before it too.
    pub vote_bond_age_blocks: u32,
    /// Most DYN one proposal pays out of the treasury.
    pub treasury_per_proposal: u128,
    /// Most DYN the treasury pays out per epoch ...
    pub treasury_per_epoch: u128,
    /// ... of this length (ms).
    pub treasury_epoch_ms: u64,
}

/// Number of scalar fields of [`Config`].
pub const CONFIG_FIELDS: usize = 28;

impl Config {
    pub fn rules(&self, class: Class) -> ClassRules {
        let [parameter, treasury, council, upgrade] = self.classes;
        match class {
            Class::Parameter => parameter,
            Class::Treasury => treasury,
            Class::Council => council,
            Class::Upgrade => upgrade,
        }
    }

    /// The fields as one width, in declaration order.
    pub fn fields(&self) -> [u128; CONFIG_FIELDS] {
        let mut out = [0u128; CONFIG_FIELDS];
        let tail = [
            u128::from(self.voting_delay_ms),
            self.proposal_deposit,
            u128::from(self.min_support_ppb),
            self.vote_bond_floor,
            u128::from(self.vote_bond_age_blocks),
            self.treasury_per_proposal,
            self.treasury_per_epoch,
            u128::from(self.treasury_epoch_ms),
        ];
        let all = self
            .classes
            .iter()
            .flat_map(|c| c.fields())
            .chain(tail.iter().copied());
        for (slot, value) in out.iter_mut().zip(all) {
            *slot = value;
        }
        out
    }

    /// Whether these rules can govern at all: every class needs a majority (more than half,
    /// at most all), a quorum above zero and periods above zero; the treasury epoch above zero
    /// and the minimum support at most the whole quorum.
    pub fn is_sane(&self) -> bool {
        self.classes.iter().all(|c| {
            c.threshold_ppb > PPB / 2
                && c.threshold_ppb <= PPB
                && c.quorum > 0
                && c.voting_ms > 0
                && c.grace_ms > 0
        }) && self.treasury_epoch_ms > 0
            && self.min_support_ppb <= PPB
            && self.treasury_per_proposal <= self.treasury_per_epoch
    }
}

/// Hard bounds on every field of [`Config`], and the step cap: one proposal moves a field by
/// at most `step_ppb` of its range `max − min`. Fixed at instantiation; no message changes
/// them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Bounds {
    pub min: Config,
    pub max: Config,
    /// The step cap for every parameter set governance moves (its own, reputation's,
    /// mint_credits' tunables).
    pub step_ppb: u32,
}

impl Bounds {
    /// Bounds that make sense: min ≤ max field by field, both ends sane, a step in (0, 1].
    pub fn validate(&self) -> Result<(), GovernanceError> {
        let ordered = self
            .min
            .fields()
            .iter()
            .zip(self.max.fields().iter())
            .all(|(lo, hi)| lo <= hi);
        if ordered
            && self.min.is_sane()
            && self.max.is_sane()
            && self.step_ppb > 0
            && self.step_ppb <= PPB
        {
            Ok(())
        } else {
            Err(GovernanceError::InvalidConfig)
        }
    }

    /// Whether `config` lies inside the bounds (and is sane: the bounds' ends are, but a
    /// config mixing them may not be, e.g. a per-proposal cap above the per-epoch cap).
    pub fn contains(&self, config: &Config) -> bool {
        config.is_sane()
            && config
                .fields()
                .iter()
                .zip(self.min.fields().iter().zip(self.max.fields().iter()))
                .all(|(v, (lo, hi))| lo <= v && v <= hi)
    }

    /// Whether moving from `old` to `new` stays inside the bounds and inside the step cap.
    pub fn allows(&self, old: &Config, new: &Config) -> bool {
        self.contains(new)
            && within_all(
                &old.fields(),
                &new.fields(),
                &self.min.fields(),
                &self.max.fields(),
                self.step_ppb,
            )
    }
}

/// Whether every field moves from `old` to `new` inside `[min, max]` and by at most `step_ppb`
/// of its range.
pub fn within_all(old: &[u128], new: &[u128], min: &[u128], max: &[u128], step_ppb: u32) -> bool {
    old.len() == new.len()
        && new.len() == min.len()
        && min.len() == max.len()
        && old
            .iter()
            .zip(new.iter())
            .zip(min.iter().zip(max.iter()))
            .all(|((o, n), (lo, hi))| within_step(*o, *n, *lo, *hi, step_ppb))
}

const fn class(
    threshold_ppb: u32,
    quorum_power: u128,
    voting_days: u64,
    timelock_days: u64,
) -> ClassRules {
    ClassRules {
        threshold_ppb,
        quorum: quorum_power,
        voting_ms: voting_days.saturating_mul(DAY_MS),
        timelock_ms: timelock_days.saturating_mul(DAY_MS),
        grace_ms: 14 * DAY_MS,
    }
}

/// Power of `dyn` whole DYN locked (√ of base units: 10⁹ per √DYN).
const fn root_dyn(units: u128) -> u128 {
    units.saturating_mul(1_000_000_000)
}

/// The defaults, and why:
/// - seed 003's classes: parameters 51 % over 3 days, treasury and council 60 % over 7 days,
///   upgrades 75 % over 14 days; timelocks of 1, 2, 2 and 7 days give holders who disagree
///   time to leave before a change takes effect; 14 days to execute, then it expires;
/// - quorums of 2,000 / 4,000 / 4,000 / 8,000 √DYN of power: 2,000 √DYN is, for instance,
///   one account with 1 M DYN locked (√10⁶ = 1,000) and 250 k DYN bonded (2·√250,000 =
///   1,000), or 20 accounts with 2,500 DYN locked each;
/// - voting starts a day after proposing (time to read it; the snapshot is fixed already);
/// - a 100 DYN deposit, returned if the for votes reach 10 % of the quorum;
/// - voters hold at least 100 DYN bonded, bonded at least 7 days before the snapshot:
///   a sybil's every extra account costs a bond that is slashable and a week old;
/// - the treasury pays at most 1 M DYN per proposal and 5 M DYN per 30 days.
pub const DEFAULT_CONFIG: Config = Config {
    classes: [
        class(510_000_000, root_dyn(2_000), 3, 1),
        class(600_000_000, root_dyn(4_000), 7, 2),
        class(600_000_000, root_dyn(4_000), 7, 2),
        class(750_000_000, root_dyn(8_000), 14, 7),
    ],
    voting_delay_ms: DAY_MS,
    proposal_deposit: 100 * ONE_DYN,
    min_support_ppb: 100_000_000,
    vote_bond_floor: 100 * ONE_DYN,
    vote_bond_age_blocks: 7 * DAY,
    treasury_per_proposal: 1_000_000 * ONE_DYN,
    treasury_per_epoch: 5_000_000 * ONE_DYN,
    treasury_epoch_ms: 30 * DAY_MS,
};

const fn rules(t: u32, q: u128, v: u64, l: u64, g: u64) -> ClassRules {
    ClassRules {
        threshold_ppb: t,
        quorum: q,
        voting_ms: v,
        timelock_ms: l,
        grace_ms: g,
    }
}

const fn class_bounds(min: bool) -> [ClassRules; 4] {
    if min {
        [
            rules(510_000_000, root_dyn(500), DAY_MS, 0, DAY_MS),
            rules(550_000_000, root_dyn(1_000), 3 * DAY_MS, DAY_MS, DAY_MS),
            rules(550_000_000, root_dyn(1_000), 3 * DAY_MS, DAY_MS, DAY_MS),
            rules(670_000_000, root_dyn(4_000), 7 * DAY_MS, 3 * DAY_MS, DAY_MS),
        ]
    } else {
        [
            rules(
                750_000_000,
                root_dyn(50_000),
                14 * DAY_MS,
                14 * DAY_MS,
                60 * DAY_MS,
            ),
            rules(
                800_000_000,
                root_dyn(100_000),
                30 * DAY_MS,
                14 * DAY_MS,
                60 * DAY_MS,
            ),
            rules(
                800_000_000,
                root_dyn(100_000),
                30 * DAY_MS,
                14 * DAY_MS,
                60 * DAY_MS,
            ),
            rules(
                900_000_000,
                root_dyn(200_000),
                60 * DAY_MS,
                30 * DAY_MS,
                60 * DAY_MS,
            ),
        ]
    }
}

/// The default hard bounds around [`DEFAULT_CONFIG`], with a step cap of 25 % of each range:
/// no threshold ever falls below 51 % (upgrades below 67 %), and walking a parameter from one
/// end of its range to the other takes at least four proposals.
pub const DEFAULT_BOUNDS: Bounds = Bounds {
    min: Config {
        classes: class_bounds(true),
        voting_delay_ms: 0,
        proposal_deposit: ONE_DYN,
        min_support_ppb: 0,
        vote_bond_floor: ONE_DYN,
        vote_bond_age_blocks: DAY,
        treasury_per_proposal: 0,
        treasury_per_epoch: 0,
        treasury_epoch_ms: DAY_MS,
    },
    max: Config {
        classes: class_bounds(false),
        voting_delay_ms: 7 * DAY_MS,
        proposal_deposit: 100_000 * ONE_DYN,
        min_support_ppb: PPB,
        vote_bond_floor: 100_000 * ONE_DYN,
        vote_bond_age_blocks: 90 * DAY,
        treasury_per_proposal: 10_000_000 * ONE_DYN,
        treasury_per_epoch: 50_000_000 * ONE_DYN,
        treasury_epoch_ms: 365 * DAY_MS,
    },
    step_ppb: 250_000_000,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_lie_inside_valid_default_bounds() {
        assert_eq!(DEFAULT_BOUNDS.validate(), Ok(()));
        assert!(DEFAULT_BOUNDS.contains(&DEFAULT_CONFIG));
        assert!(DEFAULT_BOUNDS.allows(&DEFAULT_CONFIG, &DEFAULT_CONFIG));
    }

    #[test]
    fn bounds_that_allow_minority_rule_or_no_step_are_refused() {
        let mut minority = DEFAULT_BOUNDS;
        minority.min.classes[0].threshold_ppb = PPB / 2;
        let mut swapped = DEFAULT_BOUNDS;
        swapped.min.proposal_deposit = swapped.max.proposal_deposit + 1;
        let mut no_step = DEFAULT_BOUNDS;
        no_step.step_ppb = 0;
        let mut no_quorum = DEFAULT_BOUNDS;
        no_quorum.min.classes[3].quorum = 0;
        for bad in [minority, swapped, no_step, no_quorum] {
            assert_eq!(bad.validate(), Err(GovernanceError::InvalidConfig));
        }
    }

    #[test]
    fn every_field_is_bounded_and_step_capped() {
        for i in 0..CONFIG_FIELDS {
            let (lo, hi) = (
                DEFAULT_BOUNDS.min.fields()[i],
                DEFAULT_BOUNDS.max.fields()[i],
            );
            let step = dynamis_shared::math::mul_ppb_ceil(hi - lo, DEFAULT_BOUNDS.step_ppb);
            let old = DEFAULT_CONFIG.fields();
            let mut at_cap = old;
            at_cap[i] = (old[i] + step).min(hi);
            let mut past_cap = old;
            past_cap[i] = old[i] + step + 1;
            assert!(
                within_all(
                    &old,
                    &at_cap,
                    &DEFAULT_BOUNDS.min.fields(),
                    &DEFAULT_BOUNDS.max.fields(),
                    DEFAULT_BOUNDS.step_ppb
                ),
                "field {i}"
            );
            assert!(
                !within_all(
                    &old,
                    &past_cap,
                    &DEFAULT_BOUNDS.min.fields(),
                    &DEFAULT_BOUNDS.max.fields(),
                    DEFAULT_BOUNDS.step_ppb
                ),
                "field {i}"
            );
        }
    }
}
