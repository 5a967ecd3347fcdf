//! Bonding parameters, fixed at instantiation.

use dynamis_shared::{math::PPB, BondingError, Role};
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

impl Params {
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
}
