//! G1 and G6: how much a measured increase may mint, never above a regime's ceiling.

use super::{Credits, Phase};
use dynamis_proofs::Regime;
use dynamis_shared::{
    math::{mul_ppb, PPB},
    SCORE_MAX,
};

/// `array[regime]`.
pub(crate) fn at<T: Copy + Default>(array: &[T; 4], regime: Regime) -> T {
    array
        .get(usize::from(regime.index()))
        .copied()
        .unwrap_or_default()
}

impl Credits {
    /// What the regime may still mint before its ceiling.
    pub fn headroom(&self, regime: Regime) -> u128 {
        at(&self.params.ceilings, regime).saturating_sub(at(&self.totals.minted, regime))
    }

    /// The scarcity term ((ceiling − minted) / ceiling)^k of `regime`, in ppb.
    pub fn scarcity_ppb(&self, regime: Regime) -> u32 {
        let ceiling = at(&self.params.ceilings, regime);
        let left = self
            .headroom(regime)
            .saturating_mul(u128::from(PPB))
            .checked_div(ceiling)
            .unwrap_or(0);
        let left = u32::try_from(left).unwrap_or(PPB);
        let mut term = PPB;
        for _ in 0..at(&self.params.curves, regime) {
            term = u32::try_from(mul_ppb(u128::from(term), left)).unwrap_or(0);
        }
        term
    }

    /// G1: f(Δ, w) = Δ · rate[r] · scarcity_r · (α + (1 − α) · w), w = score / SCORE_MAX,
    /// times the phase-2 factor in phase 2, and never above the regime's headroom. (A bound:
    /// it saturates instead of failing, and what it allows is checked against the ceiling.)
    pub fn bound(&self, regime: Regime, delta: u128, score: u32) -> u128 {
        let base = delta.saturating_mul(at(&self.params.rates, regime));
        let scarce = mul_ppb(base, self.scarcity_ppb(regime));
        let per_score = PPB.checked_div(SCORE_MAX).unwrap_or(0);
        let w = score.min(SCORE_MAX).saturating_mul(per_score);
        let alpha = self.tunables.alpha_ppb;
        let weight = alpha.saturating_add(
            u32::try_from(mul_ppb(u128::from(PPB.saturating_sub(alpha)), w)).unwrap_or(0),
        );
        let mut bound = mul_ppb(scarce, weight);
        if self.phase == Phase::Conditional {
            bound = mul_ppb(bound, self.tunables.phase2_factor_ppb);
        }
        bound.min(self.headroom(regime))
    }
}
