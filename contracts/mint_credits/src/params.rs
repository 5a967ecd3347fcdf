//! What mint-credits is instantiated with: the fixed economics (ceilings, rates, scarcity
//! curves, phase floors) and the few parameters governance may tune inside hard bounds.

use crate::rules::MintError;
use dynamis_shared::math::PPB;
pub use dynamis_shared::{DAY, ONE_DYN};
/// Most attestations one proposal may cite (bounds the cost of `propose`).
pub const MAX_EVIDENCE: u32 = 16;
/// Most a scarcity exponent may be (bounds the cost of the bound).
pub const MAX_CURVE: u32 = 8;
/// Most epochs a sustain window or a tranche schedule may span (bounds the reads).
pub const MAX_EPOCHS: u32 = 30;

/// What governance may tune, each inside the hard bounds fixed at instantiation (G7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Tunables {
    /// Blocks between announcement and activation: the challenge window (G2).
    pub delay_blocks: u32,
    /// N: epochs a capacity increase must be sustained, and epochs a phase must hold.
    pub sustain_epochs: u32,
    /// K: epochs of obligations after activation, one tranche each (G4).
    pub tranches: u32,
    /// α of f: the share of the bound that does not depend on reputation (ppb).
    pub alpha_ppb: u32,
    /// Share of the bound available in phase 2 (ppb).
    pub phase2_factor_ppb: u32,
    /// DYN a challenger puts up; returned if upheld, burned if rejected.
    pub challenge_deposit: u128,
}

impl Tunables {
    /// The fields as one width, in declaration order, for the bounds check.
    pub fn fields(&self) -> [u128; 6] {
        [
            u128::from(self.delay_blocks),
            u128::from(self.sustain_epochs),
            u128::from(self.tranches),
            u128::from(self.alpha_ppb),
            u128::from(self.phase2_factor_ppb),
            self.challenge_deposit,
        ]
    }

    /// Whether every field lies inside `[min, max]`.
    pub fn within(&self, min: &Tunables, max: &Tunables) -> bool {
        dynamis_shared::math::inside(&self.fields(), &min.fields(), &max.fields())
    }
}

/// Everything fixed at instantiation: no message changes any of it (G6, G7). Per-regime
/// arrays are indexed by `Regime::ALL` (ephemeral, session, anchored, permanent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Params {
    /// Lifetime mint ceiling per regime (DYN base units).
    pub ceilings: [u128; 4],
    /// DYN base units per capacity unit per regime, before scarcity and reputation.
    pub rates: [u128; 4],
    /// Exponent k of the scarcity curve ((ceiling − minted) / ceiling)^k per regime.
    pub curves: [u32; 4],
    /// Network capacity per epoch needed to leave phase 1 and phase 2.
    pub phase_floors: [u128; 2],
    /// Distinct verifiers credited in one epoch needed to leave phase 0.
    pub min_verifiers: u32,
    /// Share of the justifying capacity a beneficiary must keep during its obligations.
    pub sustain_ppb: u32,
    /// Verifier bond (DYN base units) that backs one capacity unit: per beneficiary and
    /// regime, the units ever minted against never exceed its verifier bond / this.
    pub bond_per_unit: u128,
    /// Blocks the resolver has to decide a challenge; then anyone applies the default.
    pub decide_blocks: u32,
    /// Blocks after its delay in which a proposal may activate; then it expires.
    pub expiry_blocks: u32,
    /// Hard bounds of the tunables.
    pub min: Tunables,
    pub max: Tunables,
}

impl Params {
    /// Checks the configuration and that `tunables` lie inside its bounds.
    pub fn validate(&self, tunables: &Tunables) -> Result<(), MintError> {
        let sane = self.ceilings.iter().all(|c| *c > 0)
            && self.rates.iter().all(|r| *r > 0)
            && self.curves.iter().all(|k| (1..=MAX_CURVE).contains(k))
            && self.min_verifiers > 0
            && self.sustain_ppb > 0
            && self.sustain_ppb <= PPB
            && self.bond_per_unit > 0
            && self.decide_blocks > 0
            && self.expiry_blocks > 0
            && self.min.delay_blocks > 0
            && self.min.sustain_epochs > 0
            && self.max.sustain_epochs <= MAX_EPOCHS
            && self.min.tranches > 0
            && self.max.tranches <= MAX_EPOCHS
            && self.max.alpha_ppb <= PPB
            && self.max.phase2_factor_ppb <= PPB
            && self.min.challenge_deposit > 0
            && self.min.within(&self.min, &self.max);
        if !sane {
            return Err(MintError::InvalidParams);
        }
        if !tunables.within(&self.min, &self.max) {
            return Err(MintError::ParamOutOfBounds);
        }
        Ok(())
    }
}

/// The defaults, and why:
/// - ceilings 100 M / 50 M / 25 M / 10 M DYN (18.5 % of genesis over the token's lifetime),
///   rates 1 / 0.5 / 0.25 / 0.1 DYN per capacity unit and curves k = 1, 2, 3, 4: the longer a
///   regime's promise, the less it mints per unit and the faster that falls as it fills;
/// - leaving phase 0 takes three verifiers credited in one epoch (a network, not a lab);
///   phases 1 and 2 need 500 and 1,000 capacity units in each of the last N epochs;
/// - obligations at 80 % of the level that justified a mint;
/// - 10 DYN of verifier bond behind every capacity unit minted against: capacity is cheap to
///   farm (valid items of one's own), bond is not, so a beneficiary's lifetime mint in a
///   regime is at most rate × bond / 10 DYN (10 % of its bond in ephemeral; see
///   docs/threat-model.md for what farming costs);
/// - a week for the resolver to decide a challenge (then the proposal is cancelled by
///   default) and a week after its delay for a proposal to activate (then it expires).
pub const DEFAULT_PARAMS: Params = Params {
    ceilings: [
        100_000_000 * ONE_DYN,
        50_000_000 * ONE_DYN,
        25_000_000 * ONE_DYN,
        10_000_000 * ONE_DYN,
    ],
    rates: [ONE_DYN, ONE_DYN / 2, ONE_DYN / 4, ONE_DYN / 10],
    curves: [1, 2, 3, 4],
    phase_floors: [500, 1_000],
    min_verifiers: 3,
    sustain_ppb: 800_000_000,
    bond_per_unit: 10 * ONE_DYN,
    decide_blocks: 7 * DAY,
    expiry_blocks: 7 * DAY,
    min: Tunables {
        delay_blocks: DAY,
        sustain_epochs: 3,
        tranches: 1,
        alpha_ppb: 200_000_000,
        phase2_factor_ppb: 100_000_000,
        challenge_deposit: 10 * ONE_DYN,
    },
    max: Tunables {
        delay_blocks: 30 * DAY,
        sustain_epochs: MAX_EPOCHS,
        tranches: 12,
        alpha_ppb: 800_000_000,
        phase2_factor_ppb: 500_000_000,
        challenge_deposit: 10_000 * ONE_DYN,
    },
};

/// Default tunables: a three-day challenge window, a week of sustained capacity, four
/// tranches, half the bound independent of reputation, a quarter of it in phase 2, and a
/// 100-DYN challenge deposit (the verifier sybil floor).
pub const DEFAULT_TUNABLES: Tunables = Tunables {
    delay_blocks: 3 * DAY,
    sustain_epochs: 7,
    tranches: 4,
    alpha_ppb: 500_000_000,
    phase2_factor_ppb: 250_000_000,
    challenge_deposit: 100 * ONE_DYN,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid_and_each_inconsistency_is_caught() {
        assert_eq!(DEFAULT_PARAMS.validate(&DEFAULT_TUNABLES), Ok(()));
        let mut broken = Vec::new();
        let c = DEFAULT_PARAMS;
        broken.push(Params {
            ceilings: [0, 1, 1, 1],
            ..c
        });
        broken.push(Params {
            rates: [1, 1, 0, 1],
            ..c
        });
        broken.push(Params {
            curves: [0, 1, 1, 1],
            ..c
        });
        broken.push(Params {
            curves: [1, 1, 1, MAX_CURVE + 1],
            ..c
        });
        broken.push(Params {
            min_verifiers: 0,
            ..c
        });
        broken.push(Params {
            sustain_ppb: 0,
            ..c
        });
        broken.push(Params {
            sustain_ppb: PPB + 1,
            ..c
        });
        let mut swapped = c;
        swapped.min.tranches = swapped.max.tranches + 1;
        broken.push(swapped);
        let mut long = c;
        long.max.sustain_epochs = MAX_EPOCHS + 1;
        broken.push(long);
        let mut zero_delay = c;
        zero_delay.min.delay_blocks = 0;
        broken.push(zero_delay);
        let mut free = c;
        free.min.challenge_deposit = 0;
        broken.push(free);
        broken.push(Params {
            bond_per_unit: 0,
            ..c
        });
        broken.push(Params {
            decide_blocks: 0,
            ..c
        });
        broken.push(Params {
            expiry_blocks: 0,
            ..c
        });
        for config in broken {
            assert_eq!(
                config.validate(&config.min),
                Err(MintError::InvalidParams),
                "{config:?}"
            );
        }
    }

    #[test]
    fn every_tunable_is_held_inside_its_bounds() {
        let (lo, hi) = (DEFAULT_PARAMS.min, DEFAULT_PARAMS.max);
        assert!(lo.within(&lo, &hi) && hi.within(&lo, &hi));
        for i in 0..6 {
            let mut above = hi;
            let mut below = lo;
            match i {
                0 => (above.delay_blocks += 1, below.delay_blocks -= 1),
                1 => (above.sustain_epochs += 1, below.sustain_epochs -= 1),
                2 => (above.tranches += 1, below.tranches -= 1),
                3 => (above.alpha_ppb += 1, below.alpha_ppb -= 1),
                4 => (above.phase2_factor_ppb += 1, below.phase2_factor_ppb -= 1),
                _ => (above.challenge_deposit += 1, below.challenge_deposit -= 1),
            };
            for t in [above, below] {
                assert_eq!(
                    DEFAULT_PARAMS.validate(&t),
                    Err(MintError::ParamOutOfBounds),
                    "field {i}: {t:?}"
                );
            }
        }
    }
}
