//! Per-ID Power and the Flux it mints, as plain Rust.
//!
//! - Every ID (an account, human or agent) is born with [`P_MAX`] = 21,000,000 Power, counted in
//!   µPower ([`POWER_UNIT`] per Power). `p_used` only grows. A report that would pass `P_MAX` is
//!   **clipped** to what is left (never refused, never wrapped): the ID's last work still
//!   counts, and its total stays exactly at `P_MAX`.
//! - Power is spent only by **reports** of attested activity from the wired reporters (the
//!   attestations contract for verification work, and any reporter the wiring admin adds
//!   before locking): never by a number the ID claims. No message moves Power between IDs.
//! - ΔP = `power_per_epoch` × A(activity), where A is a weighted sum of bounded inputs
//!   (uptime; bandwidth, compute and storage, each counted up to its cap; interactions up to
//!   theirs), so A ∈ [0, 1]; an ID spends at most `power_per_epoch` in one epoch however many
//!   reports arrive.
//! - Flux minted = κ × ΔP × Q, with Q a weighted sum of task performance, the attested validity
//!   ratio and the reputation score, clamped to `[q_min, q_max]`.

pub use dynamis_shared::power::{Activity, Quality};
use dynamis_shared::{
    math::{mul_ppb, plus, Overflow, PPB},
    SCORE_MAX,
};

/// µPower per Power.
pub const POWER_UNIT: u128 = 1_000_000;
/// The lifetime Power of every ID: 21,000,000 Power.
pub const P_MAX: u128 = 21_000_000 * POWER_UNIT;

/// How work turns into Power spent and Flux minted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Rates {
    /// µPower an ID spends in one epoch at full activity.
    pub power_per_epoch: u128,
    /// Weights of uptime, bandwidth, compute, storage and interactions in A, ppb; they sum to
    /// one.
    pub activity_weights: [u32; 5],
    /// Bandwidth, compute and storage counted at most per epoch.
    pub resource_caps: [u64; 3],
    /// Interactions counted at most per epoch.
    pub interaction_cap: u32,
    /// Weights of performance, validity and reputation in Q, ppb; they sum to one.
    pub quality_weights: [u32; 3],
    /// Q is clamped to `[q_min_ppb, q_max_ppb]`.
    pub q_min_ppb: u32,
    pub q_max_ppb: u32,
}

/// Why a rate set is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidRates;

impl Rates {
    pub fn validate(&self) -> Result<(), InvalidRates> {
        let sum = |w: &[u32]| w.iter().map(|x| u64::from(*x)).sum::<u64>();
        let ok = self.power_per_epoch > 0
            && self.power_per_epoch <= P_MAX
            && sum(&self.activity_weights) == u64::from(PPB)
            && sum(&self.quality_weights) == u64::from(PPB)
            && self.resource_caps.iter().all(|c| *c > 0)
            && self.interaction_cap > 0
            && self.q_min_ppb <= self.q_max_ppb
            && self.q_max_ppb <= PPB;
        if ok {
            Ok(())
        } else {
            Err(InvalidRates)
        }
    }

    /// A(activity) ∈ [0, 10⁹]: the weighted sum of the inputs, each counted up to its cap.
    pub fn activity_ppb(&self, a: &Activity) -> u32 {
        let share = |value: u64, cap: u64| -> u32 {
            let counted = u128::from(value.min(cap));
            let ppb = counted
                .saturating_mul(u128::from(PPB))
                .checked_div(u128::from(cap))
                .unwrap_or(0);
            u32::try_from(ppb).unwrap_or(PPB)
        };
        let [w_up, w_bw, w_cpu, w_sto, w_int] = self.activity_weights;
        let [bw, cpu, sto] = a.resources;
        let [c_bw, c_cpu, c_sto] = self.resource_caps;
        let parts = [
            (w_up, a.uptime_ppb.min(PPB)),
            (w_bw, share(bw, c_bw)),
            (w_cpu, share(cpu, c_cpu)),
            (w_sto, share(sto, c_sto)),
            (
                w_int,
                share(u64::from(a.interactions), u64::from(self.interaction_cap)),
            ),
        ];
        let total: u128 = parts
            .iter()
            .map(|(w, x)| u128::from(*w).saturating_mul(u128::from(*x)))
            .fold(0u128, u128::saturating_add)
            .checked_div(u128::from(PPB))
            .unwrap_or(0);
        u32::try_from(total).unwrap_or(PPB).min(PPB)
    }

    /// Q ∈ [q_min, q_max], ppb, from the work's quality and the ID's reputation `score`
    /// (millionths of [`SCORE_MAX`]).
    pub fn quality_ppb(&self, q: &Quality, score: u32) -> u32 {
        let reputation = u128::from(score.min(SCORE_MAX))
            .saturating_mul(u128::from(PPB))
            .checked_div(u128::from(SCORE_MAX))
            .unwrap_or(0);
        let [w_perf, w_valid, w_rep] = self.quality_weights;
        let total = u128::from(w_perf)
            .saturating_mul(u128::from(q.performance_ppb.min(PPB)))
            .saturating_add(u128::from(w_valid).saturating_mul(u128::from(q.validity_ppb.min(PPB))))
            .saturating_add(u128::from(w_rep).saturating_mul(reputation))
            .checked_div(u128::from(PPB))
            .unwrap_or(0);
        u32::try_from(total)
            .unwrap_or(PPB)
            .clamp(self.q_min_ppb, self.q_max_ppb)
    }
}

/// One ID's Power.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Meter {
    /// µPower spent over the ID's life (≤ [`P_MAX`]).
    pub p_used: u128,
    /// The epoch of the last report, and what was spent in it.
    pub epoch: u32,
    pub epoch_spent: u128,
    /// Flux minted to the ID over its life.
    pub minted: u128,
}

/// What one report spends and mints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spent {
    /// µPower spent (after the epoch's and the lifetime's clipping).
    pub power: u128,
    /// Flux base units minted.
    pub flux: u128,
    /// The meter after the report.
    pub meter: Meter,
}

impl Meter {
    /// Spends the Power `activity` asks for in `epoch` under `rates`, clipped to what the
    /// epoch and the lifetime leave, and the Flux it mints at `kappa` (Flux base units per
    /// µPower at full quality) and quality `q_ppb`. The meter is not changed: the caller stores
    /// [`Spent::meter`].
    pub fn spend(
        &self,
        rates: &Rates,
        activity: &Activity,
        epoch: u32,
        kappa: u128,
        q_ppb: u32,
    ) -> Result<Spent, Overflow> {
        let asked = mul_ppb(rates.power_per_epoch, rates.activity_ppb(activity));
        let spent_this_epoch = if self.epoch == epoch {
            self.epoch_spent
        } else {
            0
        };
        let epoch_room = rates.power_per_epoch.saturating_sub(spent_this_epoch);
        let life_room = P_MAX.saturating_sub(self.p_used);
        let power = asked.min(epoch_room).min(life_room);
        let flux = mul_ppb(kappa.checked_mul(power).ok_or(Overflow)?, q_ppb);
        let meter = Meter {
            p_used: plus(self.p_used, power)?,
            epoch,
            epoch_spent: plus(spent_this_epoch, power)?,
            minted: plus(self.minted, flux)?,
        };
        Ok(Spent { power, flux, meter })
    }
}

/// The defaults, and why: 10,000 Power per epoch at full activity (an ID working every day at
/// full activity spends its 21 M in 2,100 epochs: about 5¾ years of daily epochs); activity
/// weighs uptime 40 % and bandwidth, compute, storage and interactions 15 % each; quality
/// weighs performance and validity 40 % each and reputation 20 %, clamped to [10 %, 100 %] so
/// new IDs mint something and nobody mints more than κ × ΔP.
pub const DEFAULT_RATES: Rates = Rates {
    power_per_epoch: 10_000 * POWER_UNIT,
    activity_weights: [
        400_000_000,
        150_000_000,
        150_000_000,
        150_000_000,
        150_000_000,
    ],
    resource_caps: [1_000_000, 1_000_000, 1_000_000],
    interaction_cap: 1_000,
    quality_weights: [400_000_000, 400_000_000, 200_000_000],
    q_min_ppb: 100_000_000,
    q_max_ppb: PPB,
};

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: Activity = Activity {
        uptime_ppb: PPB,
        resources: [1_000_000; 3],
        interactions: 1_000,
    };

    #[test]
    fn the_default_rates_are_valid_and_inconsistent_ones_refused() {
        assert_eq!(DEFAULT_RATES.validate(), Ok(()));
        let cases: [fn(&mut Rates); 6] = [
            |r| r.power_per_epoch = 0,
            |r| r.power_per_epoch = P_MAX + 1,
            |r| r.activity_weights[0] += 1,
            |r| r.quality_weights[2] -= 1,
            |r| r.resource_caps[1] = 0,
            |r| r.q_min_ppb = r.q_max_ppb + 1,
        ];
        for (i, break_it) in cases.iter().enumerate() {
            let mut r = DEFAULT_RATES;
            break_it(&mut r);
            assert_eq!(r.validate(), Err(InvalidRates), "case {i}");
        }
    }

    #[test]
    fn activity_counts_each_input_up_to_its_cap_and_never_passes_one() {
        let r = DEFAULT_RATES;
        assert_eq!(r.activity_ppb(&Activity::default()), 0);
        assert_eq!(r.activity_ppb(&FULL), PPB);
        let huge = Activity {
            uptime_ppb: u32::MAX,
            resources: [u64::MAX; 3],
            interactions: u32::MAX,
        };
        assert_eq!(r.activity_ppb(&huge), PPB);
        // Uptime alone: its weight, 40 %.
        let up = Activity {
            uptime_ppb: PPB,
            ..Activity::default()
        };
        assert_eq!(r.activity_ppb(&up), 400_000_000);
        // Half the compute cap: half of 15 %.
        let half = Activity {
            resources: [0, 500_000, 0],
            ..Activity::default()
        };
        assert_eq!(r.activity_ppb(&half), 75_000_000);
    }

    #[test]
    fn quality_is_clamped_to_its_floor_and_ceiling() {
        let r = DEFAULT_RATES;
        assert_eq!(r.quality_ppb(&Quality::default(), 0), r.q_min_ppb);
        let perfect = Quality {
            performance_ppb: PPB,
            validity_ppb: PPB,
        };
        assert_eq!(r.quality_ppb(&perfect, SCORE_MAX), PPB);
        assert_eq!(r.quality_ppb(&perfect, u32::MAX), PPB);
        // No reputation yet: 80 %.
        assert_eq!(r.quality_ppb(&perfect, 0), 800_000_000);
    }

    #[test]
    fn power_is_clipped_per_epoch_and_for_life_and_never_wraps() {
        let r = DEFAULT_RATES;
        let kappa = 1_000_000_000_000; // 1 Flux per Power
        let m = Meter::default();
        let s = m
            .spend(&r, &FULL, 0, kappa, PPB)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(s.power, r.power_per_epoch);
        assert_eq!(s.flux, 10_000 * 1_000_000_000_000_000_000);
        // A second report in the same epoch finds the epoch spent.
        let again = s
            .meter
            .spend(&r, &FULL, 0, kappa, PPB)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((again.power, again.flux), (0, 0));
        // The next epoch spends again.
        let next = s
            .meter
            .spend(&r, &FULL, 1, kappa, PPB)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(next.power, r.power_per_epoch);
        // Near the end of its life, an ID spends exactly what is left, then nothing.
        let old = Meter {
            p_used: P_MAX - 7,
            ..Meter::default()
        };
        let last = old
            .spend(&r, &FULL, 5, kappa, PPB)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((last.power, last.meter.p_used), (7, P_MAX));
        let done = last
            .meter
            .spend(&r, &FULL, 6, kappa, PPB)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((done.power, done.flux, done.meter.p_used), (0, 0, P_MAX));
        // No activity, no Power, no Flux, whatever the quality.
        let idle = m
            .spend(&r, &Activity::default(), 0, kappa, PPB)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((idle.power, idle.flux), (0, 0));
    }
}
