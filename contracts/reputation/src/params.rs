//! The registry's tunable parameters and the hard bounds fixed around them at instantiation.

use dynamis_shared::{math::PPB, Action, ReputationError, SCORE_MAX};

/// Tunable parameters. Scores are in parts per million of [`SCORE_MAX`], ratios in parts
/// per billion, periods in blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Params {
    /// Most one success can add.
    pub max_gain_per_success: u32,
    /// Most all successes in one epoch can add.
    pub max_gain_per_epoch: u32,
    /// Length of an epoch (for the gain cap and the active-epoch count).
    pub epoch_blocks: u32,
    /// Time in which the part of a score above the floor halves.
    pub half_life_blocks: u32,
    /// Decay stops here; a score below the floor does not decay.
    pub floor: u32,
    /// Share of the score kept after an SLA fault.
    pub retain_after_sla_ppb: u32,
    /// Share of the score kept after an attestation failure. (A malicious fault keeps none;
    /// that is not a parameter.)
    pub retain_after_attestation_failure_ppb: u32,
    /// After any fault, no authority for this long.
    pub fault_cooldown_blocks: u32,
    /// Least score per [`Action`] (indexed by `Action::index`).
    pub min_score: [u32; 3],
    /// Least number of active epochs per [`Action`].
    pub min_active_epochs: [u32; 3],
}

/// Number of scalar fields in [`Params`].
pub const FIELDS: usize = 14;

/// What a field measures, which limits the bounds it may have.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Score,
    Ratio,
    /// A period that must be at least one block.
    Period,
    Count,
}

const KINDS: [Kind; FIELDS] = [
    Kind::Score,
    Kind::Score,
    Kind::Period,
    Kind::Period,
    Kind::Score,
    Kind::Ratio,
    Kind::Ratio,
    Kind::Count,
    Kind::Score,
    Kind::Score,
    Kind::Score,
    Kind::Count,
    Kind::Count,
    Kind::Count,
];

impl Params {
    /// The fields in declaration order.
    pub fn fields(&self) -> [u32; FIELDS] {
        let [s0, s1, s2] = self.min_score;
        let [e0, e1, e2] = self.min_active_epochs;
        [
            self.max_gain_per_success,
            self.max_gain_per_epoch,
            self.epoch_blocks,
            self.half_life_blocks,
            self.floor,
            self.retain_after_sla_ppb,
            self.retain_after_attestation_failure_ppb,
            self.fault_cooldown_blocks,
            s0,
            s1,
            s2,
            e0,
            e1,
            e2,
        ]
    }

    /// Least score for `action`.
    pub fn min_score(&self, action: Action) -> u32 {
        self.min_score
            .get(action.index())
            .copied()
            .unwrap_or(u32::MAX)
    }

    /// Least active epochs for `action`.
    pub fn min_active_epochs(&self, action: Action) -> u32 {
        self.min_active_epochs
            .get(action.index())
            .copied()
            .unwrap_or(u32::MAX)
    }
}

/// Hard bounds on every parameter, fixed at instantiation; governance moves parameters only
/// inside them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Bounds {
    pub min: Params,
    pub max: Params,
}

impl Bounds {
    /// Checks that the bounds make sense: every min ≤ max, periods of at least one block,
    /// scores within [`SCORE_MAX`], ratios within one, and the highest floor below every
    /// action's lowest threshold (so an idle account's floor never grants authority).
    pub fn validate(&self) -> Result<(), ReputationError> {
        let (min, max) = (self.min.fields(), self.max.fields());
        for ((lo, hi), kind) in min.iter().zip(max.iter()).zip(KINDS.iter()) {
            let within = match kind {
                Kind::Score => *hi <= SCORE_MAX,
                Kind::Ratio => *hi <= PPB,
                Kind::Period => *lo >= 1,
                Kind::Count => true,
            };
            if lo > hi || !within {
                return Err(ReputationError::InvalidBounds);
            }
        }
        if Action::ALL
            .iter()
            .any(|a| self.min.min_score(*a) <= self.max.floor)
        {
            return Err(ReputationError::InvalidBounds);
        }
        Ok(())
    }

    /// Checks that `params` lies inside the bounds, field by field.
    pub fn check(&self, params: &Params) -> Result<(), ReputationError> {
        let (min, max, value) = (self.min.fields(), self.max.fields(), params.fields());
        let inside = value
            .iter()
            .zip(min.iter().zip(max.iter()))
            .all(|(v, (lo, hi))| lo <= v && v <= hi);
        if inside {
            Ok(())
        } else {
            Err(ReputationError::ParamOutOfBounds)
        }
    }
}

pub use dynamis_shared::DAY;

/// The defaults, and why:
/// - a success adds at most 0.5 % and an epoch (one day) at most 2 %, so reaching the 50 %
///   needed to propose a mint takes 25 days of daily service at the least: slow to build;
/// - the part above a 5 % floor halves in 180 days without new successes;
/// - an SLA fault keeps 80 %, a false attestation 50 %, malicious behaviour nothing: fast to
///   lose; and no authority for 7 days after any fault;
/// - proposing a mint needs 50 % and 30 active epochs, proposing in governance 25 % and 7,
///   challenging 15 % and 1.
pub const DEFAULT_PARAMS: Params = Params {
    max_gain_per_success: 5_000,
    max_gain_per_epoch: 20_000,
    epoch_blocks: DAY,
    half_life_blocks: 180 * DAY,
    floor: 50_000,
    retain_after_sla_ppb: 800_000_000,
    retain_after_attestation_failure_ppb: 500_000_000,
    fault_cooldown_blocks: 7 * DAY,
    min_score: [500_000, 250_000, 150_000],
    min_active_epochs: [30, 7, 1],
};

/// The default hard bounds around [`DEFAULT_PARAMS`].
pub const DEFAULT_BOUNDS: Bounds = Bounds {
    min: Params {
        max_gain_per_success: 1,
        max_gain_per_epoch: 1,
        epoch_blocks: DAY / 24,
        half_life_blocks: 30 * DAY,
        floor: 0,
        retain_after_sla_ppb: 500_000_000,
        retain_after_attestation_failure_ppb: 0,
        fault_cooldown_blocks: 0,
        min_score: [150_000, 120_000, 110_000],
        min_active_epochs: [1, 0, 0],
    },
    max: Params {
        max_gain_per_success: 50_000,
        max_gain_per_epoch: 100_000,
        epoch_blocks: 7 * DAY,
        half_life_blocks: 730 * DAY,
        floor: 100_000,
        retain_after_sla_ppb: 950_000_000,
        retain_after_attestation_failure_ppb: 750_000_000,
        fault_cooldown_blocks: 90 * DAY,
        min_score: [900_000, 900_000, 900_000],
        min_active_epochs: [365, 365, 365],
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_lie_inside_valid_default_bounds() {
        assert_eq!(DEFAULT_BOUNDS.validate(), Ok(()));
        assert_eq!(DEFAULT_BOUNDS.check(&DEFAULT_PARAMS), Ok(()));
        assert_eq!(DEFAULT_BOUNDS.check(&DEFAULT_BOUNDS.min), Ok(()));
        assert_eq!(DEFAULT_BOUNDS.check(&DEFAULT_BOUNDS.max), Ok(()));
    }

    #[test]
    fn every_field_is_checked_against_its_own_bounds() {
        for i in 0..FIELDS {
            let mut above = DEFAULT_BOUNDS.max.fields();
            above[i] = above[i].saturating_add(1);
            let mut below = DEFAULT_BOUNDS.min.fields();
            let checked = if below[i] > 0 {
                below[i] -= 1;
                true
            } else {
                false
            };
            let p = from_fields(above);
            assert_eq!(
                DEFAULT_BOUNDS.check(&p),
                Err(ReputationError::ParamOutOfBounds),
                "field {i} above"
            );
            if checked {
                let p = from_fields(below);
                assert_eq!(
                    DEFAULT_BOUNDS.check(&p),
                    Err(ReputationError::ParamOutOfBounds),
                    "field {i} below"
                );
            }
        }
    }

    #[test]
    fn inconsistent_bounds_are_refused() {
        let mut swapped = DEFAULT_BOUNDS;
        swapped.min.half_life_blocks = swapped.max.half_life_blocks + 1;
        let mut zero_epoch = DEFAULT_BOUNDS;
        zero_epoch.min.epoch_blocks = 0;
        let mut big_score = DEFAULT_BOUNDS;
        big_score.max.max_gain_per_epoch = SCORE_MAX + 1;
        let mut big_ratio = DEFAULT_BOUNDS;
        big_ratio.max.retain_after_sla_ppb = PPB + 1;
        let mut floor_grants = DEFAULT_BOUNDS;
        floor_grants.max.floor = floor_grants.min.min_score[2];
        for bad in [swapped, zero_epoch, big_score, big_ratio, floor_grants] {
            assert_eq!(
                bad.validate(),
                Err(ReputationError::InvalidBounds),
                "{bad:?}"
            );
        }
    }

    fn from_fields(f: [u32; FIELDS]) -> Params {
        Params {
            max_gain_per_success: f[0],
            max_gain_per_epoch: f[1],
            epoch_blocks: f[2],
            half_life_blocks: f[3],
            floor: f[4],
            retain_after_sla_ppb: f[5],
            retain_after_attestation_failure_ppb: f[6],
            fault_cooldown_blocks: f[7],
            min_score: [f[8], f[9], f[10]],
            min_active_epochs: [f[11], f[12], f[13]],
        }
    }

    #[test]
    fn fields_round_trip() {
        assert_eq!(from_fields(DEFAULT_PARAMS.fields()), DEFAULT_PARAMS);
    }
}
