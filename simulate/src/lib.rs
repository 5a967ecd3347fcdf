//! The protocol's own rules over many epochs: each scenario drives `power_flux::PowerFlux` (the
//! contract's ledger and controller, the code the contract runs) with seeded IDs reporting
//! activity and a seeded demand burning Flux, and records every epoch's close. cadCAD and
//! radCAD simulate a model of a protocol; this runs the protocol's code.

use dynamis_shared::math::PPB;
use ink::primitives::AccountId;
use power_flux::{
    controller::{Controller, ControllerParams, DEFAULT_PARAMS},
    default_config, Activity, Bounds, BurnMode, PowerFlux, Quality, Tunables, DEFAULT_BETA_PPB,
    DEFAULT_KAPPA, ONE_FLUX,
};
use rand::{rngs::StdRng, Rng, SeedableRng};
use std::fmt::Write as _;

/// How demand moves over a run: a multiplier of the base demand per epoch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Demand {
    Steady,
    /// × `factor` from `from` to `to` (exclusive), base demand otherwise.
    Shock { factor: f64, from: u32, to: u32 },
}

impl Demand {
    pub fn at(&self, epoch: u32) -> f64 {
        match *self {
            Demand::Steady => 1.0,
            Demand::Shock { factor, from, to } if (from..to).contains(&epoch) => factor,
            Demand::Shock { .. } => 1.0,
        }
    }
}

/// One scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub epochs: u32,
    pub ids: u32,
    pub mode: BurnMode,
    pub demand: Demand,
    pub params: ControllerParams,
}

/// One epoch's close, as recorded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    pub epoch: u32,
    pub mint_flux: f64,
    pub burn_flux: f64,
    pub supply_flux: f64,
    pub kappa_flux_per_power: f64,
    pub beta_percent: f64,
    pub p_used_power: f64,
}

fn id(n: u32) -> AccountId {
    let mut raw = [9u8; 32];
    raw[..4].copy_from_slice(&n.to_le_bytes());
    AccountId::from(raw)
}

const REPORTER: [u8; 32] = [1; 32];
const MARKET: [u8; 32] = [2; 32];
const EPOCH_BLOCKS: u32 = 100;

/// The scenarios of `scripts/simulate`: steady state, demand ×3 and ×0.3, the tax variant
/// steady, and the proportional gain swept over 0.25, 0.5 and 0.75 under the ×3 shock.
pub fn scenarios(epochs: u32, ids: u32) -> Vec<Scenario> {
    let shock = |factor| Demand::Shock {
        factor,
        from: epochs / 3,
        to: epochs * 2 / 3,
    };
    let base = |name: &str, mode, demand| Scenario {
        name: name.into(),
        epochs,
        ids,
        mode,
        demand,
        params: DEFAULT_PARAMS,
    };
    let mut all = vec![
        base("steady", BurnMode::PerUse, Demand::Steady),
        base("shock-x3", BurnMode::PerUse, shock(3.0)),
        base("shock-x0.3", BurnMode::PerUse, shock(0.3)),
        base("tax-steady", BurnMode::Tax, Demand::Steady),
    ];
    for kp in [250_000_000u32, 500_000_000, 750_000_000] {
        let mut s = base(&format!("sweep-kp{}", kp / 10_000_000), BurnMode::PerUse, shock(3.0));
        s.params.kp_ppb = kp;
        all.push(s);
    }
    all
}

/// Runs `scenario` with `seed`; `tick` is called once per epoch (a progress bar). The rules
/// keep their state in ink!'s off-chain storage, reset for each run.
pub fn run(scenario: &Scenario, seed: u64, tick: &dyn Fn()) -> anyhow::Result<Vec<Row>> {
    let mut out = None;
    ink::env::test::run_test::<ink::env::DefaultEnvironment, _>(|_| {
        ink::env::test::set_callee::<ink::env::DefaultEnvironment>(AccountId::from([0xcc; 32]));
        out = Some(run_fresh(scenario, seed, tick));
        Ok(())
    })
    .map_err(|e| anyhow::anyhow!("the off-chain environment: {e:?}"))?;
    out.unwrap_or_else(|| Err(anyhow::anyhow!("the run did not start")))
}

fn run_fresh(scenario: &Scenario, seed: u64, tick: &dyn Fn()) -> anyhow::Result<Vec<Row>> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut config = default_config(scenario.mode);
    config.epoch_blocks = EPOCH_BLOCKS;
    let controller = Controller::new(scenario.params, DEFAULT_KAPPA, DEFAULT_BETA_PPB)
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let admin = AccountId::from([0; 32]);
    let bounds = Bounds::around(&Tunables::of(config.mu, &controller.params));
    let mut ledger = PowerFlux::new(admin, admin, config, controller, bounds)
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    ledger
        .add_reporter(admin, AccountId::from(REPORTER))
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    // Base demand: about half of what the IDs mint at the start (κ₀ = 1 Flux per Power, mean
    // activity 0.62 and quality 0.72: about 4,460 Flux per ID), so the steady κ lies well
    // inside its bounds.
    let base_tasks = f64::from(scenario.ids) * 2_200.0;
    let mut rows = Vec::new();
    for epoch in 0..scenario.epochs {
        let now = epoch.saturating_mul(EPOCH_BLOCKS);
        for n in 0..scenario.ids {
            let activity = Activity {
                uptime_ppb: rng.gen_range(600_000_000..=PPB),
                resources: [
                    rng.gen_range(0..1_000_000),
                    rng.gen_range(0..1_000_000),
                    rng.gen_range(0..1_000_000),
                ],
                interactions: rng.gen_range(0..1_000),
            };
            let quality = Quality {
                performance_ppb: rng.gen_range(700_000_000..=PPB),
                validity_ppb: rng.gen_range(900_000_000..=PPB),
            };
            ledger
                .report(AccountId::from(REPORTER), id(n), &activity, &quality, 0, now)
                .map_err(|e| anyhow::anyhow!("report: {e:?}"))?;
        }
        if scenario.mode == BurnMode::PerUse {
            // Demand: the IDs sell their Flux to a market account, which uses as many tasks as
            // demand asks and its float pays for (μ is one Flux; a use past a balance is
            // refused on chain, so it uses no more). The float is the supply not yet used.
            for n in 0..scenario.ids {
                let balance = ledger.balance_of(id(n));
                ledger
                    .transfer(id(n), AccountId::from(MARKET), balance)
                    .map_err(|e| anyhow::anyhow!("sell: {e:?}"))?;
            }
            let noise: f64 = rng.gen_range(0.95..1.05);
            let asked = (base_tasks * scenario.demand.at(epoch) * noise) as u64;
            let float = u64::try_from(ledger.balance_of(AccountId::from(MARKET)) / ONE_FLUX)
                .unwrap_or(u64::MAX);
            let used = u32::try_from(asked.min(float)).unwrap_or(u32::MAX);
            if used > 0 {
                ledger
                    .use_flux(AccountId::from(MARKET), used, now)
                    .map_err(|e| anyhow::anyhow!("use: {e:?}"))?;
            }
        }
        let (record, _) = ledger
            .close_epoch(now.saturating_add(EPOCH_BLOCKS))
            .map_err(|e| anyhow::anyhow!("close: {e:?}"))?;
        let flux = |v: u128| v as f64 / ONE_FLUX as f64;
        rows.push(Row {
            epoch,
            mint_flux: flux(record.mint),
            burn_flux: flux(record.burn),
            supply_flux: flux(ledger.effective_supply()),
            kappa_flux_per_power: record.kappa as f64 / DEFAULT_KAPPA as f64,
            beta_percent: f64::from(record.beta_ppb) / 1e7,
            p_used_power: ledger.totals().p_used as f64 / power_flux::POWER_UNIT as f64,
        });
        tick();
    }
    Ok(rows)
}

/// Every series as CSV, one row per epoch.
pub fn csv(rows: &[Row]) -> String {
    let mut out = String::from("epoch,mint_flux,burn_flux,supply_flux,kappa_flux_per_power,beta_percent,p_used_power\n");
    for r in rows {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{}",
            r.epoch, r.mint_flux, r.burn_flux, r.supply_flux, r.kappa_flux_per_power, r.beta_percent, r.p_used_power
        );
    }
    out
}

/// Epochs in the rolling sums [`settling`] compares (demand carries ±5 % noise per epoch: over 10 epochs that is about 0.9 % of spread).
pub const WINDOW: usize = 10;

/// What the controller did in a run, on rolling sums of [`WINDOW`] epochs of mint and burn:
/// the first epoch after `from` from which |Σmint/Σburn − 1| stays below `tolerance` for good
/// (None if it never settles), and the largest excursion past balance on the side opposite to
/// the first error after `from`.
pub fn settling(rows: &[Row], from: usize, tolerance: f64) -> (Option<usize>, f64) {
    let off = |end: usize| {
        let start = end.saturating_sub(WINDOW - 1).max(from);
        let window = rows.get(start..=end).unwrap_or(&[]);
        let mint: f64 = window.iter().map(|r| r.mint_flux).sum();
        let burn: f64 = window.iter().map(|r| r.burn_flux).sum();
        mint / burn.max(f64::MIN_POSITIVE) - 1.0
    };
    let direction = if rows.len() > from { off(from).signum() } else { 1.0 };
    let overshoot = (from..rows.len())
        .map(|e| (-off(e) * direction).max(0.0))
        .fold(0.0, f64::max);
    let mut settled = None;
    for e in (from..rows.len()).rev() {
        if off(e).abs() >= tolerance {
            break;
        }
        settled = Some(e);
    }
    (settled, overshoot)
}

pub mod chart;
pub mod ramp;

#[cfg(test)]
mod tests {
    use super::*;

    /// A short ×0.3 demand shock on the contract's rules: within 40 epochs of the shock's start
    /// and of its end, the controller holds mint within 3 % of burn (over 10-epoch sums: demand is
    /// noisy), and it overshoots by less than 5 % each time.
    #[test]
    fn a_short_shock_settles_and_does_not_overshoot() {
        let scenario = Scenario {
            name: "test".into(),
            epochs: 150,
            ids: 10,
            mode: BurnMode::PerUse,
            demand: Demand::Shock {
                factor: 0.3,
                from: 50,
                to: 100,
            },
            params: DEFAULT_PARAMS,
        };
        let rows = run(&scenario, 11, &|| {}).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(rows.len(), 150);
        for from in [50usize, 100] {
            let (settled, overshoot) = settling(&rows[..from + 50], from, 0.03);
            let settled = settled.unwrap_or_else(|| panic!("never settled after {from}"));
            println!("from {from}: settled after {} epochs, overshoot {overshoot:.3}", settled - from);
            assert!(settled - from <= 40, "{} epochs", settled - from);
            assert!(overshoot < 0.05, "{overshoot}");
        }
        // Σ P_used grows and stays within 21 M per ID.
        let last = rows[149].p_used_power;
        assert!(last > 0.0 && last <= 21_000_000.0 * 10.0);
        let csv = csv(&rows);
        assert_eq!(csv.lines().count(), 151);
    }
}
