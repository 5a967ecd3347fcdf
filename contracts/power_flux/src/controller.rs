//! The controller that keeps Flux's mint and burn in balance, in integer arithmetic only.
//!
//! Once per epoch it is given what was minted and what was burned, and it moves κ (Flux base
//! units minted per Power unit at full quality) and β (the Flux tax per epoch, in parts per
//! billion) toward E[Mint] ≈ E[Burn]. What it learns from the anchors:
//!
//! - **A bounded step** (EIP-1559's 12.5 %): κ and β move by at most `max_step_ppb` of their value
//!   per epoch, and that bound is itself capped at [`MAX_STEP_PPB`] = 12.5 %.
//! - **Floors and ceilings fixed at instantiation** (Livepeer's inflation ran away without one):
//!   κ ∈ [κ_min, κ_max], β ∈ [β_min, β_max], β_min > 0 so a multiplicative step can always
//!   raise it again.
//! - **Smoothing**: the error is computed on exponential moving averages of mint and burn
//!   (weight `smoothing_ppb` for the newest epoch), so one noisy epoch moves little.
//! - **A dead-band** (Reflexer's noise barrier): an error within `deadband_ppb` moves nothing
//!   and adds nothing to the integral.
//! - **Proportional plus integral, with a leak and a cap** (Reflexer's PI calculator; EIP-4844's
//!   pure integral sat at its floor until EIP-7918 gave it a reserve): the integral of the error
//!   decays by `leak_ppb` each epoch, is clamped to ±`integral_cap_ppb`, and takes no error in
//!   an epoch whose step is already at its bound in that error's direction (conditional
//!   integration), so neither a large shock nor a long stretch at a floor or ceiling winds it up.
//!
//! The error is `(M̄ − B̄) / max(M̄, B̄)` in parts per billion: in [−1, 1], symmetric, and
//! defined when either side is zero. A positive error (more minted than burned) lowers κ and,
//! in the tax variant, raises β; the step is shared between them there (half each), so the
//! loop's gain is the same in both variants.

use dynamis_shared::math::{mul_ppb, PPB};

/// The largest step per epoch any instantiation may allow: 12.5 % (EIP-1559's bound).
pub const MAX_STEP_PPB: u32 = 125_000_000;

/// Largest κ (and κ ceiling) accepted: keeps κ × (10⁹ ± step) inside `u128`.
pub const MAX_KAPPA: u128 = 1 << 96;

/// Largest integral cap: four whole errors.
pub const MAX_INTEGRAL_CAP_PPB: u64 = 4_000_000_000;

/// The controller's constants, fixed at instantiation (governance tunes the gains inside hard
/// limits; the floors and ceilings never move).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct ControllerParams {
    pub kappa_min: u128,
    pub kappa_max: u128,
    pub beta_min_ppb: u32,
    pub beta_max_ppb: u32,
    /// Proportional gain: the step, in ppb, per whole error (a 10 % error at 0.5 is a 5 % step).
    pub kp_ppb: u32,
    /// Integral gain, on the same scale.
    pub ki_ppb: u32,
    /// Share of the integral lost each epoch (the leak against windup).
    pub leak_ppb: u32,
    /// Errors at most this large move nothing.
    pub deadband_ppb: u32,
    /// Weight of the newest epoch in the moving averages.
    pub smoothing_ppb: u32,
    /// Most κ and β move in one epoch, as a share of their value (≤ [`MAX_STEP_PPB`]).
    pub max_step_ppb: u32,
    /// The integral is clamped to ± this (≤ [`MAX_INTEGRAL_CAP_PPB`]).
    pub integral_cap_ppb: u64,
}

/// Why the controller refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum ControllerError {
    /// The constants break a rule above (a floor above its ceiling, β_min = 0, a step above
    /// 12.5 %, a gain or share above one, a cap above the limit).
    InvalidParams,
    /// κ or β outside its floor and ceiling at the start.
    OutOfBounds,
}

impl ControllerParams {
    pub fn validate(&self) -> Result<(), ControllerError> {
        let ok = self.kappa_min > 0
            && self.kappa_min <= self.kappa_max
            && self.kappa_max <= MAX_KAPPA
            && self.beta_min_ppb > 0
            && self.beta_min_ppb <= self.beta_max_ppb
            && self.beta_max_ppb <= PPB
            && self.kp_ppb <= PPB
            && self.ki_ppb <= PPB
            && self.leak_ppb <= PPB
            && self.deadband_ppb < PPB
            && self.smoothing_ppb > 0
            && self.smoothing_ppb <= PPB
            && self.max_step_ppb > 0
            && self.max_step_ppb <= MAX_STEP_PPB
            && self.integral_cap_ppb <= MAX_INTEGRAL_CAP_PPB;
        if ok {
            Ok(())
        } else {
            Err(ControllerError::InvalidParams)
        }
    }
}

/// What one epoch's close recorded (the contract emits it; the simulator charts it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct EpochRecord {
    pub mint: u128,
    pub burn: u128,
    pub mint_avg: u128,
    pub burn_avg: u128,
    /// (M̄ − B̄) / max(M̄, B̄), ppb.
    pub error_ppb: i64,
    /// The step applied to κ (positive: κ fell), ppb.
    pub step_ppb: i64,
    pub kappa: u128,
    pub beta_ppb: u32,
}

/// The controller's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Controller {
    pub params: ControllerParams,
    pub kappa: u128,
    pub beta_ppb: u32,
    pub mint_avg: u128,
    pub burn_avg: u128,
    /// Σ leaked errors, ppb, within ± the cap.
    pub integral: i64,
    /// Epochs closed so far.
    pub epochs: u32,
}

/// `a × b / c` for `a ≤ c`, exact enough for a ratio in ppb: both scaled down first if `c` is
/// too large for `a × 10⁹` to fit.
fn ratio_ppb(a: u128, c: u128) -> u128 {
    if c == 0 {
        return 0;
    }
    let bits = 128u32.saturating_sub(c.leading_zeros());
    let shift = bits.saturating_sub(96);
    let (a, c) = (
        a.checked_shr(shift).unwrap_or(0),
        c.checked_shr(shift).unwrap_or(0),
    );
    a.saturating_mul(u128::from(PPB))
        .checked_div(c)
        .unwrap_or(0)
}

/// `value` moved by `step_ppb` (positive: down), then clamped to `[lo, hi]`.
fn moved(value: u128, step_ppb: i64, down: bool, lo: u128, hi: u128) -> u128 {
    let magnitude = u128::from(step_ppb.unsigned_abs());
    let lower = (step_ppb > 0) == down;
    let factor = if lower {
        u128::from(PPB).saturating_sub(magnitude)
    } else {
        u128::from(PPB).saturating_add(magnitude)
    };
    let next = value
        .saturating_mul(factor)
        .checked_div(u128::from(PPB))
        .unwrap_or(value);
    next.clamp(lo, hi)
}

/// The exponential moving average after `value` with weight `w` (ppb) for the new value.
fn ema(avg: u128, value: u128, w: u32) -> u128 {
    mul_ppb(avg, PPB.saturating_sub(w)).saturating_add(mul_ppb(value, w))
}

impl Controller {
    /// A controller at `kappa` and `beta_ppb`, both inside the bounds of `params`.
    pub fn new(
        params: ControllerParams,
        kappa: u128,
        beta_ppb: u32,
    ) -> Result<Self, ControllerError> {
        params.validate()?;
        let inside = (params.kappa_min..=params.kappa_max).contains(&kappa)
            && (params.beta_min_ppb..=params.beta_max_ppb).contains(&beta_ppb);
        if !inside {
            return Err(ControllerError::OutOfBounds);
        }
        Ok(Self {
            params,
            kappa,
            beta_ppb,
            mint_avg: 0,
            burn_avg: 0,
            integral: 0,
            epochs: 0,
        })
    }

    /// Closes an epoch in which `mint` Flux was minted and `burn` burned; `tax` says whether
    /// the tax variant runs (then β shares the step). Returns what it recorded. Work is
    /// constant: nothing here depends on the number of IDs.
    pub fn close(&mut self, mint: u128, burn: u128, tax: bool) -> EpochRecord {
        let p = self.params;
        if self.epochs == 0 {
            (self.mint_avg, self.burn_avg) = (mint, burn);
        } else {
            self.mint_avg = ema(self.mint_avg, mint, p.smoothing_ppb);
            self.burn_avg = ema(self.burn_avg, burn, p.smoothing_ppb);
        }
        let (m, b) = (self.mint_avg, self.burn_avg);
        let magnitude = i64::try_from(ratio_ppb(m.abs_diff(b), m.max(b))).unwrap_or(i64::MAX);
        let error = if m >= b {
            magnitude
        } else {
            magnitude.saturating_neg()
        };
        let effective = if error.unsigned_abs() <= u64::from(p.deadband_ppb) {
            0
        } else {
            error
        };
        let cap = i128::from(p.integral_cap_ppb);
        let kept = i128::from(self.integral)
            .saturating_mul(i128::from(PPB.saturating_sub(p.leak_ppb)))
            .checked_div(i128::from(PPB))
            .unwrap_or(0);
        let bound = i128::from(p.max_step_ppb);
        let control_with = |integral: i128| {
            i128::from(p.kp_ppb)
                .saturating_mul(i128::from(effective))
                .saturating_add(i128::from(p.ki_ppb).saturating_mul(integral))
                .checked_div(i128::from(PPB))
                .unwrap_or(0)
        };
        // Conditional integration: while the step is already at its bound in the error's
        // direction, the error is not added (it could not act; adding it only winds up).
        let grown = kept
            .saturating_add(i128::from(effective))
            .clamp(cap.saturating_neg(), cap);
        let saturated = control_with(kept).abs() >= bound
            && control_with(kept).signum() == i128::from(effective.signum());
        let integral = if saturated { kept } else { grown };
        self.integral = i64::try_from(integral).unwrap_or(0);
        let control = control_with(integral);
        let step = i64::try_from(control.clamp(bound.saturating_neg(), bound)).unwrap_or(0);
        let (kappa_step, beta_step) = if tax {
            let half = step.checked_div(2).unwrap_or(0);
            (half, step.saturating_sub(half))
        } else {
            (step, 0)
        };
        self.kappa = moved(self.kappa, kappa_step, true, p.kappa_min, p.kappa_max);
        let beta = moved(
            u128::from(self.beta_ppb),
            beta_step,
            false,
            u128::from(p.beta_min_ppb),
            u128::from(p.beta_max_ppb),
        );
        self.beta_ppb = u32::try_from(beta).unwrap_or(p.beta_max_ppb);
        self.epochs = self.epochs.saturating_add(1);
        EpochRecord {
            mint,
            burn,
            mint_avg: m,
            burn_avg: b,
            error_ppb: error,
            step_ppb: kappa_step,
            kappa: self.kappa,
            beta_ppb: self.beta_ppb,
        }
    }
}

/// The defaults, and why:
/// - κ within ×1/100 … ×100 of 1 Flux per Power (10¹² base units per µPower), β between
///   0.01 % and 5 % per epoch;
/// - kp 0.5 (a 10 % error is a 5 % step); ki 0.05 with a 10 % leak and a cap of two whole
///   errors, so the integral adds at most a 10 % push and forgets a stretch at a bound within a
///   few dozen epochs;
/// - a 1 % dead-band;
/// - the newest epoch weighs three quarters of the averages (at one half, the lag overshot a
///   ×3 demand shock by 8 %);
/// - the step bound is EIP-1559's 12.5 %.
pub const DEFAULT_PARAMS: ControllerParams = ControllerParams {
    kappa_min: 10_000_000_000,
    kappa_max: 100_000_000_000_000,
    beta_min_ppb: 100_000,
    beta_max_ppb: 50_000_000,
    kp_ppb: 500_000_000,
    ki_ppb: 50_000_000,
    leak_ppb: 100_000_000,
    deadband_ppb: 10_000_000,
    smoothing_ppb: 750_000_000,
    max_step_ppb: MAX_STEP_PPB,
    integral_cap_ppb: 2_000_000_000,
};

#[cfg(test)]
mod tests;
