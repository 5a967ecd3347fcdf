//! What governance may tune in Power/Flux, each field inside hard bounds fixed at instantiation:
//! μ, κ's and β's floors and ceilings, and the controller's gains. The step bound (12.5 % at
//! most), the rates of Power and quality, and the burn variant are not tunable.

use crate::controller::ControllerParams;
use dynamis_shared::math::{inside, ordered};

/// The tunable fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Tunables {
    /// Flux base units burned per task.
    pub mu: u128,
    pub kappa_min: u128,
    pub kappa_max: u128,
    pub beta_min_ppb: u32,
    pub beta_max_ppb: u32,
    pub kp_ppb: u32,
    pub ki_ppb: u32,
    pub leak_ppb: u32,
    pub deadband_ppb: u32,
    pub smoothing_ppb: u32,
}

/// Number of fields in [`Tunables`].
pub const FIELDS: usize = 10;

impl Tunables {
    /// The fields as one width, in declaration order (for the bounds check and governance's
    /// step cap).
    pub fn fields(&self) -> [u128; FIELDS] {
        [
            self.mu,
            self.kappa_min,
            self.kappa_max,
            u128::from(self.beta_min_ppb),
            u128::from(self.beta_max_ppb),
            u128::from(self.kp_ppb),
            u128::from(self.ki_ppb),
            u128::from(self.leak_ppb),
            u128::from(self.deadband_ppb),
            u128::from(self.smoothing_ppb),
        ]
    }

    /// The tunables of `mu` and `params`.
    pub fn of(mu: u128, params: &ControllerParams) -> Self {
        Self {
            mu,
            kappa_min: params.kappa_min,
            kappa_max: params.kappa_max,
            beta_min_ppb: params.beta_min_ppb,
            beta_max_ppb: params.beta_max_ppb,
            kp_ppb: params.kp_ppb,
            ki_ppb: params.ki_ppb,
            leak_ppb: params.leak_ppb,
            deadband_ppb: params.deadband_ppb,
            smoothing_ppb: params.smoothing_ppb,
        }
    }

    /// `params` with these tunables written into it (the step bound and the integral cap kept).
    pub fn apply(&self, params: &ControllerParams) -> ControllerParams {
        ControllerParams {
            kappa_min: self.kappa_min,
            kappa_max: self.kappa_max,
            beta_min_ppb: self.beta_min_ppb,
            beta_max_ppb: self.beta_max_ppb,
            kp_ppb: self.kp_ppb,
            ki_ppb: self.ki_ppb,
            leak_ppb: self.leak_ppb,
            deadband_ppb: self.deadband_ppb,
            smoothing_ppb: self.smoothing_ppb,
            ..*params
        }
    }
}

/// Hard bounds of the tunables, fixed at instantiation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Bounds {
    pub min: Tunables,
    pub max: Tunables,
}

impl Bounds {
    /// Every min at most its max.
    pub fn valid(&self) -> bool {
        ordered(&self.min.fields(), &self.max.fields())
    }

    pub fn contains(&self, t: &Tunables) -> bool {
        inside(&t.fields(), &self.min.fields(), &self.max.fields())
    }

    /// The default hard bounds around `t`, and why: μ within ÷10 … ×10; κ's floor and ceiling
    /// each within ÷10 … ×10 of their value (so κ can never be taken to zero or sent off by a
    /// vote); β's floor at least 0.001 % and its ceiling at most 10 % per epoch; the gains kp and
    /// ki from zero to one, the leak from 1 % to 50 %, the dead-band up to 5 %, the smoothing
    /// from 25 % to 100 %.
    pub fn around(t: &Tunables) -> Self {
        let tenth = |v: u128| v.checked_div(10).unwrap_or(0).max(1);
        let ten = |v: u128| v.saturating_mul(10);
        Self {
            min: Tunables {
                mu: tenth(t.mu),
                kappa_min: tenth(t.kappa_min),
                kappa_max: tenth(t.kappa_max),
                beta_min_ppb: t.beta_min_ppb.min(10_000),
                beta_max_ppb: t.beta_min_ppb.min(t.beta_max_ppb),
                kp_ppb: 0,
                ki_ppb: 0,
                leak_ppb: t.leak_ppb.min(10_000_000),
                deadband_ppb: 0,
                smoothing_ppb: t.smoothing_ppb.min(250_000_000),
            },
            max: Tunables {
                mu: ten(t.mu),
                kappa_min: ten(t.kappa_min),
                kappa_max: ten(t.kappa_max).min(crate::controller::MAX_KAPPA),
                beta_min_ppb: t.beta_min_ppb.max(t.beta_max_ppb),
                beta_max_ppb: t.beta_max_ppb.max(100_000_000),
                kp_ppb: 1_000_000_000,
                ki_ppb: 1_000_000_000,
                leak_ppb: t.leak_ppb.max(500_000_000),
                deadband_ppb: t.deadband_ppb.max(50_000_000),
                smoothing_ppb: 1_000_000_000,
            },
        }
    }
}
