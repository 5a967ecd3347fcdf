use super::*;

/// Flux base units per Flux, and Power units (µPower) per Power.
const FLUX: u128 = 1_000_000_000_000_000_000;
const POWER: u128 = 1_000_000;

fn controller(kappa: u128) -> Controller {
    Controller::new(DEFAULT_PARAMS, kappa, 1_000_000).unwrap_or_else(|e| panic!("{e:?}"))
}

/// `mint / burn − 1`, as a fraction.
fn off(r: &EpochRecord) -> f64 {
    r.mint as f64 / r.burn as f64 - 1.0
}

/// The per-use variant under a workload of `work` quality-weighted Power per epoch and a burn
/// that `demand(epoch)` gives: mint = κ × work. Returns every epoch's record.
fn per_use(
    c: &mut Controller,
    work: u128,
    epochs: u32,
    demand: impl Fn(u32) -> u128,
) -> Vec<EpochRecord> {
    (0..epochs)
        .map(|t| {
            let mint = c.kappa * work;
            c.close(mint, demand(t), false)
        })
        .collect()
}

#[test]
fn the_defaults_are_valid_and_each_rule_refuses_its_case() {
    assert_eq!(DEFAULT_PARAMS.validate(), Ok(()));
    let cases: [fn(&mut ControllerParams); 10] = [
        |p| p.kappa_min = 0,
        |p| p.kappa_min = p.kappa_max + 1,
        |p| p.kappa_max = MAX_KAPPA + 1,
        |p| p.beta_min_ppb = 0,
        |p| p.beta_max_ppb = PPB + 1,
        |p| p.kp_ppb = PPB + 1,
        |p| p.smoothing_ppb = 0,
        |p| p.max_step_ppb = MAX_STEP_PPB + 1,
        |p| p.max_step_ppb = 0,
        |p| p.integral_cap_ppb = MAX_INTEGRAL_CAP_PPB + 1,
    ];
    for (i, break_it) in cases.iter().enumerate() {
        let mut p = DEFAULT_PARAMS;
        break_it(&mut p);
        assert_eq!(
            p.validate(),
            Err(ControllerError::InvalidParams),
            "case {i}"
        );
    }
    assert_eq!(
        Controller::new(DEFAULT_PARAMS, DEFAULT_PARAMS.kappa_max + 1, 1_000_000).map(|_| ()),
        Err(ControllerError::OutOfBounds)
    );
}

#[test]
fn a_step_never_passes_twelve_and_a_half_percent_nor_the_bounds() {
    // Any inputs, in any order: κ and β move at most 12.5 % per epoch and never leave their
    // floors and ceilings.
    let mut c = controller(FLUX / POWER);
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..5_000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mint = u128::from(seed % 1_000) * FLUX * u128::from(seed % 3);
        let burn = u128::from((seed >> 20) % 1_000) * FLUX;
        let tax = seed % 2 == 0;
        let (k, b) = (c.kappa, c.beta_ppb);
        let r = c.close(mint, burn, tax);
        let p = DEFAULT_PARAMS;
        assert!((p.kappa_min..=p.kappa_max).contains(&r.kappa));
        assert!((p.beta_min_ppb..=p.beta_max_ppb).contains(&r.beta_ppb));
        assert!(r.kappa.abs_diff(k) <= k / 8 + 1, "{k} → {}", r.kappa);
        assert!(r.beta_ppb.abs_diff(b) <= b / 8 + 1, "{b} → {}", r.beta_ppb);
        assert!(r.error_ppb.unsigned_abs() <= u64::from(PPB));
    }
}

#[test]
fn inside_the_dead_band_nothing_moves() {
    let mut c = controller(FLUX / POWER);
    for _ in 0..50 {
        let r = c.close(1_005 * FLUX, 1_000 * FLUX, true);
        assert_eq!((r.kappa, r.beta_ppb), (FLUX / POWER, 1_000_000));
    }
    assert_eq!(c.integral, 0);
}

#[test]
fn a_steady_workload_converges_within_forty_epochs_and_stays() {
    // 1,000 Power of quality-weighted work per epoch, 400 Flux burned: κ* = 0.4 Flux per Power.
    // Start at 1 Flux per Power (mint 2.5 × burn).
    let mut c = controller(FLUX / POWER);
    let work = 1_000 * POWER;
    let records = per_use(&mut c, work, 120, |_| 400 * FLUX);
    for (t, r) in records.iter().enumerate().skip(40) {
        assert!(off(r).abs() < 0.02, "epoch {t}: {r:?}");
    }
}

#[test]
fn demand_shocks_of_three_and_a_third_re_converge_without_overshoot_or_a_stuck_bound() {
    let mut c = controller(400_000_000_000);
    let work = 1_000 * POWER;
    let base = 400 * FLUX;
    // Steady, then ×3 for 80 epochs, steady again, ×0.3 for 80 epochs, steady again.
    let demand = |t: u32| match t {
        60..=139 => base * 3,
        200..=279 => base * 3 / 10,
        _ => base,
    };
    let records = per_use(&mut c, work, 340, demand);
    for change in [60usize, 140, 200, 280] {
        let window = &records[change..change + 60];
        let direction = off(&window[0]).signum();
        for (i, r) in window.iter().enumerate() {
            // Never past 5 % on the other side.
            assert!(off(r) * direction > -0.05, "epoch {}: {r:?}", change + i);
        }
        for (i, r) in window.iter().enumerate().skip(40) {
            assert!(
                off(r).abs() < 0.02,
                "epoch {} not re-converged: {r:?}",
                change + i
            );
            let p = DEFAULT_PARAMS;
            assert!(
                p.kappa_min < r.kappa && r.kappa < p.kappa_max,
                "epoch {}",
                change + i
            );
        }
    }
}

#[test]
fn a_long_stretch_at_a_floor_does_not_wind_the_integral_up() {
    // Nothing burned for 200 epochs: κ falls to its floor and stays there; the integral is
    // capped. When burning resumes at 400 Flux per epoch, κ leaves the floor at once and
    // converges as fast as from a standing start.
    let mut c = controller(FLUX / POWER);
    let work = 1_000 * POWER;
    let records = per_use(&mut c, work, 200, |_| 0);
    assert_eq!(records[199].kappa, DEFAULT_PARAMS.kappa_min);
    assert!(c.integral.unsigned_abs() <= DEFAULT_PARAMS.integral_cap_ppb);
    // The floor mints 0.01 Flux per Power: demand above that makes the error negative.
    let records = per_use(&mut c, work, 80, |_| 400 * FLUX);
    assert!(records[0].kappa >= DEFAULT_PARAMS.kappa_min);
    assert!(
        records[1].kappa > DEFAULT_PARAMS.kappa_min,
        "{:?}",
        &records[..3]
    );
    for (t, r) in records.iter().enumerate().skip(60) {
        assert!(off(r).abs() < 0.02, "epoch {t}: {r:?}");
    }
}

#[test]
fn the_tax_variant_balances_mint_against_the_tax_on_the_supply() {
    // Mint = κ × work; burn = β × supply; the supply carries over. κ falls and β rises while
    // more is minted than burned, half the step each.
    let mut c = controller(FLUX / POWER);
    let work = 1_000 * POWER;
    let mut supply: u128 = 0;
    let mut last = None;
    for t in 0..400 {
        let mint = c.kappa * work;
        let burn = mul_ppb(supply + mint, c.beta_ppb);
        supply = supply + mint - burn;
        let r = c.close(mint, burn, true);
        if t >= 300 {
            assert!(off(&r).abs() < 0.03, "epoch {t}: {r:?}");
        }
        last = Some(r);
    }
    let r = last.unwrap_or_else(|| panic!("ran"));
    let p = DEFAULT_PARAMS;
    assert!(
        p.beta_min_ppb < r.beta_ppb && r.beta_ppb < p.beta_max_ppb,
        "{r:?}"
    );
}
