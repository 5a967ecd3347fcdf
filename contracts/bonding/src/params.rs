//! Bonding parameters and the hard bounds fixed around them at instantiation: governance
//! moves the parameters inside the bounds, and a field whose bounds are equal never moves.

use dynamis_shared::{
    math::{inside, max128, max32, min128, min32, ordered, PPB},
    BondingError, Role,
};
pub use dynamis_shared::{DAY, ONE_DYN};
/// Most unbonding chunks one account may have waiting per role (bounds `withdraw`'s work).
pub const MAX_UNBONDING_CHUNKS: usize = 16;

/// The bonding contract's parameters. Amounts in DYN's smallest unit, periods in blocks,
/// ratios and multipliers in parts per billion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Params {
    /// Least active bond per role (indexed by `Role::index`): the sybil floor.
    pub min_bond: [u128; 5],
    /// Blocks between unbonding and withdrawing.
    pub unbonding_blocks: u32,
    /// Blocks after a report in which the offender may dispute; strictly shorter than the
    /// unbonding delay.
    pub dispute_window_blocks: u32,
    /// What a dispute costs up front: returned if upheld, burned if rejected.
    pub dispute_deposit: u128,
    /// Blocks after a dispute in which the resolver decides it; after them anyone applies the
    /// default (the slash stands, the deposit returns).
    pub decide_window_blocks: u32,
    /// Share of a settled slash paid to its reporter; the rest is burned.
    pub reporter_share_ppb: u32,
    /// Blocks over which the lock-duration multiplier grows from 1× to 2×.
    pub duration_ramp_blocks: u32,
    /// Tier multiplier per role.
    pub tier_ppb: [u32; 5],
}

/// Number of scalar fields in [`Params`].
pub const FIELDS: usize = 16;

impl Params {
    /// The fields as one width, in declaration order (arrays element by element), for the
    /// bounds check and governance's step cap.
    pub fn fields(&self) -> [u128; FIELDS] {
        let [b0, b1, b2, b3, b4] = self.min_bond;
        let [t0, t1, t2, t3, t4] = self.tier_ppb.map(u128::from);
        [
            b0,
            b1,
            b2,
            b3,
            b4,
            u128::from(self.unbonding_blocks),
            u128::from(self.dispute_window_blocks),
            self.dispute_deposit,
            u128::from(self.decide_window_blocks),
            u128::from(self.reporter_share_ppb),
            u128::from(self.duration_ramp_blocks),
            t0,
            t1,
            t2,
            t3,
            t4,
        ]
    }

    /// Checks that the parameters make sense together.
    pub fn validate(&self) -> Result<(), BondingError> {
        let sane = self.min_bond.iter().all(|m| *m > 0)
            && self.dispute_window_blocks > 0
            && self.dispute_window_blocks < self.unbonding_blocks
            && self.dispute_deposit > 0
            && self.decide_window_blocks > 0
            && self.reporter_share_ppb <= PPB
            && self.duration_ramp_blocks > 0
            && self.tier_ppb.iter().all(|t| *t > 0);
        if sane {
            Ok(())
        } else {
            Err(BondingError::InvalidParams)
        }
    }

    pub fn min_bond(&self, role: Role) -> u128 {
        self.min_bond
            .get(role.index())
            .copied()
            .unwrap_or(u128::MAX)
    }

    pub fn tier_ppb(&self, role: Role) -> u32 {
        self.tier_ppb.get(role.index()).copied().unwrap_or(0)
    }
}

/// Hard bounds on every parameter, fixed at instantiation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Bounds {
    pub min: Params,
    pub max: Params,
}

impl Bounds {
    /// Checks that every min is at most its max.
    pub fn validate(&self) -> Result<(), BondingError> {
        if ordered(&self.min.fields(), &self.max.fields()) {
            Ok(())
        } else {
            Err(BondingError::InvalidBounds)
        }
    }

    /// Checks that `params` lies inside the bounds, field by field.
    pub fn check(&self, params: &Params) -> Result<(), BondingError> {
        if inside(&params.fields(), &self.min.fields(), &self.max.fields()) {
            Ok(())
        } else {
            Err(BondingError::ParamOutOfBounds)
        }
    }
}

/// The defaults, and why:
/// - 100 DYN minimum for every role: seed 003's sybil floor;
/// - 14 days to unbond and a 7-day dispute window: the window must close while stake that
///   started unbonding at the offence is still held, with a week to spare for a report to
///   arrive (pallet-staking defers slashes one era less than its bonding duration);
/// - a 10 DYN dispute deposit: cheap for an honest offender, a cost for spam;
/// - a week for the resolver to decide a dispute, after which the slash stands by default (every
///   slash comes with an on-chain proof, a decided contest or an upheld challenge) and the
///   deposit returns;
/// - 10 % of a settled slash to the reporter: enough to pay for watching, too little to make
///   false reports pay (a false report is disputed and returns nothing);
/// - the duration multiplier reaches 2× after 90 days bonded;
/// - tiers: verifier 1.5× and archival 1.25× (they produce the measured capacity the supply
///   is coupled to), validator and sequencer 1×, sentry 0.75×.
pub const DEFAULT_PARAMS: Params = Params {
    min_bond: [100 * ONE_DYN; 5],
    unbonding_blocks: 14 * DAY,
    dispute_window_blocks: 7 * DAY,
    dispute_deposit: 10 * ONE_DYN,
    decide_window_blocks: 7 * DAY,
    reporter_share_ppb: 100_000_000,
    duration_ramp_blocks: 90 * DAY,
    tier_ppb: [
        1_000_000_000,
        1_000_000_000,
        750_000_000,
        1_250_000_000,
        1_500_000_000,
    ],
};

impl Bounds {
    /// The default hard bounds around `p`, and why. Tunable: the bond floors (10 DYN to
    /// 10,000 DYN: the sybil floor is seed 003's lever), the unbonding delay (8 to 28 days:
    /// always longer than a 7-day dispute window; a new delay applies only to unbonding started
    /// after it), the dispute deposit (1 to 1,000 DYN) and the reporter's share (0 to 20 %);
    /// each range widened to include `p`'s value. Fixed (min = max = `p`'s value): the dispute
    /// and decision windows, which every open slash reads at each call (a change would shorten
    /// a window already running), and the duration ramp and tiers, which re-weight every bond
    /// at once.
    pub const fn around(p: &Params) -> Bounds {
        let [b0, b1, b2, b3, b4] = p.min_bond;
        let (lo, hi) = (FLOOR_RANGE.0, FLOOR_RANGE.1);
        Bounds {
            min: Params {
                min_bond: [
                    min128(lo, b0),
                    min128(lo, b1),
                    min128(lo, b2),
                    min128(lo, b3),
                    min128(lo, b4),
                ],
                unbonding_blocks: min32(UNBONDING_RANGE.0, p.unbonding_blocks),
                dispute_deposit: min128(DEPOSIT_RANGE.0, p.dispute_deposit),
                reporter_share_ppb: 0,
                ..*p
            },
            max: Params {
                min_bond: [
                    max128(hi, b0),
                    max128(hi, b1),
                    max128(hi, b2),
                    max128(hi, b3),
                    max128(hi, b4),
                ],
                unbonding_blocks: max32(UNBONDING_RANGE.1, p.unbonding_blocks),
                dispute_deposit: max128(DEPOSIT_RANGE.1, p.dispute_deposit),
                reporter_share_ppb: max32(REPORTER_SHARE_MAX, p.reporter_share_ppb),
                ..*p
            },
        }
    }
}

/// The default ranges of the tunable fields (see [`Bounds::around`]).
const FLOOR_RANGE: (u128, u128) = (10 * ONE_DYN, 10_000 * ONE_DYN);
const UNBONDING_RANGE: (u32, u32) = (8 * DAY, 28 * DAY);
const DEPOSIT_RANGE: (u128, u128) = (ONE_DYN, 1_000 * ONE_DYN);
const REPORTER_SHARE_MAX: u32 = 200_000_000;

/// The default hard bounds: [`Bounds::around`] the defaults.
pub const DEFAULT_BOUNDS: Bounds = Bounds::around(&DEFAULT_PARAMS);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_each_rule_refuses_its_case() {
        assert_eq!(DEFAULT_PARAMS.validate(), Ok(()));
        let cases: [fn(&mut Params); 8] = [
            |p| p.min_bond[3] = 0,
            |p| p.dispute_window_blocks = 0,
            |p| p.dispute_window_blocks = p.unbonding_blocks,
            |p| p.dispute_deposit = 0,
            |p| p.decide_window_blocks = 0,
            |p| p.reporter_share_ppb = PPB + 1,
            |p| p.duration_ramp_blocks = 0,
            |p| p.tier_ppb[4] = 0,
        ];
        for (i, break_it) in cases.iter().enumerate() {
            let mut p = DEFAULT_PARAMS;
            break_it(&mut p);
            assert_eq!(p.validate(), Err(BondingError::InvalidParams), "case {i}");
        }
    }

    #[test]
    fn the_defaults_lie_inside_the_default_bounds_and_each_field_is_bounded() {
        assert_eq!(DEFAULT_BOUNDS.validate(), Ok(()));
        for p in [DEFAULT_PARAMS, DEFAULT_BOUNDS.min, DEFAULT_BOUNDS.max] {
            assert_eq!(DEFAULT_BOUNDS.check(&p), Ok(()));
            assert_eq!(p.validate(), Ok(()));
        }
        let mut above = DEFAULT_BOUNDS.max;
        above.reporter_share_ppb += 1;
        let mut below = DEFAULT_BOUNDS.min;
        below.min_bond[4] -= 1;
        let mut fixed = DEFAULT_PARAMS;
        fixed.dispute_window_blocks -= 1;
        for p in [above, below, fixed] {
            assert_eq!(
                DEFAULT_BOUNDS.check(&p),
                Err(BondingError::ParamOutOfBounds)
            );
        }
        let mut swapped = DEFAULT_BOUNDS;
        swapped.min.unbonding_blocks = swapped.max.unbonding_blocks + 1;
        assert_eq!(swapped.validate(), Err(BondingError::InvalidBounds));
    }
}
