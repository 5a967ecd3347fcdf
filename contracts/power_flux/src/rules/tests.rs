use super::*;
use dynamis_shared::PSP22Error;
use crate::{
    controller::DEFAULT_PARAMS,
    power::{DEFAULT_RATES, P_MAX},
    tunables::{Bounds, Tunables},
};

fn acc(n: u8) -> AccountId {
    AccountId::from([n; 32])
}

const ADMIN: u8 = 1;
const REPORTER: u8 = 2;
const STRANGER: u8 = 3;
const GOVERNANCE: u8 = 4;
const EPOCH: u32 = 100;
const FLUX: u128 = 1_000_000_000_000_000_000;

fn ledger(mode: BurnMode) -> PowerFlux {
    let config = Config {
        rates: DEFAULT_RATES,
        mu: FLUX,
        mode,
        epoch_blocks: EPOCH,
    };
    let controller = Controller::new(DEFAULT_PARAMS, 1_000_000_000_000, 10_000_000)
        .unwrap_or_else(|e| panic!("{e:?}"));
    let bounds = Bounds::around(&Tunables::of(config.mu, &controller.params));
    let mut l = PowerFlux::new(acc(ADMIN), acc(GOVERNANCE), config, controller, bounds)
        .unwrap_or_else(|e| panic!("{e:?}"));
    l.add_reporter(acc(ADMIN), acc(REPORTER))
        .unwrap_or_else(|e| panic!("{e:?}"));
    l.lock_wiring(acc(ADMIN))
        .unwrap_or_else(|e| panic!("{e:?}"));
    l
}

fn full() -> Activity {
    Activity {
        uptime_ppb: PPB,
        resources: [1_000_000; 3],
        interactions: 1_000,
    }
}

const GOOD: Quality = Quality {
    performance_ppb: PPB,
    validity_ppb: PPB,
};

/// A deterministic xorshift stream.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Every invariant, over the accounts `ids`; `dust` bounds the tax's rounding so far.
fn check(l: &PowerFlux, ids: &[AccountId], dust: u128) {
    let t = l.totals();
    let supply = l.ledger().total_supply();
    let stored: u128 = ids.iter().map(|id| l.ledger().balance_of(*id)).sum();
    // The ledger: supply = Σ mint − Σ burn = Σ balances, exactly.
    assert_eq!(supply, t.minted - t.burned);
    assert_eq!(supply, stored);
    // Power: each ID within its life, the sum within IDs × 21 M, never moved between IDs.
    let used: u128 = ids.iter().map(|id| l.meter(*id).p_used).sum();
    assert_eq!(used, t.p_used);
    assert!(ids.iter().all(|id| l.meter(*id).p_used <= P_MAX));
    assert!(t.p_used <= P_MAX * u128::from(t.ids));
    // Flux as it stands: within the tax's rounding of the effective supply; equal to the
    // ledger without the tax.
    let effective: u128 = ids.iter().map(|id| l.balance_of(*id)).sum();
    assert!(
        effective.abs_diff(l.effective_supply()) <= dust,
        "{effective} vs {}",
        l.effective_supply()
    );
    if l.config().mode == BurnMode::PerUse {
        assert_eq!(l.effective_supply(), supply);
    }
}

#[ink::test]
fn only_a_wired_reporter_spends_power_and_an_idle_id_mints_nothing() {
    let mut l = ledger(BurnMode::PerUse);
    for who in [ADMIN, STRANGER, 20] {
        assert_eq!(
            l.report(acc(who), acc(20), &full(), &GOOD, 0, 0)
                .map(|_| ()),
            Err(PowerFluxError::NotReporter)
        );
    }
    assert_eq!(
        l.add_reporter(acc(ADMIN), acc(STRANGER)).map(|_| ()),
        Err(PowerFluxError::WiringLocked)
    );
    // A report of no activity spends nothing and mints nothing.
    l.report(acc(REPORTER), acc(20), &Activity::default(), &GOOD, 0, 0)
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!((l.meter(acc(20)).p_used, l.balance_of(acc(20))), (0, 0));
    assert_eq!(l.totals().ids, 0);
}

#[ink::test]
fn epochs_close_in_order_and_nothing_is_booked_to_a_closed_one() {
    let mut l = ledger(BurnMode::PerUse);
    assert_eq!(
        l.close_epoch(EPOCH - 1).map(|_| ()),
        Err(PowerFluxError::EpochNotOver)
    );
    l.report(acc(REPORTER), acc(20), &full(), &GOOD, 0, 0)
        .unwrap_or_else(|e| panic!("{e:?}"));
    // Nothing is booked to an ended epoch: a report or a use after its end closes it first
    // (up to CATCH_UP of them), and a longer backlog waits for close_epoch calls.
    let backlog = EPOCH * (CATCH_UP + 1);
    assert_eq!(
        l.report(acc(REPORTER), acc(20), &full(), &GOOD, 0, backlog)
            .map(|_| ()),
        Err(PowerFluxError::EpochNotClosed)
    );
    assert_eq!(
        l.use_flux(acc(20), 1, backlog).map(|_| ()),
        Err(PowerFluxError::EpochNotClosed)
    );
    {
        // (Another ledger in the same off-chain storage: its own IDs.)
        let mut late = ledger(BurnMode::PerUse);
        late.report(acc(REPORTER), acc(30), &full(), &GOOD, 0, 0)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let (events, _) = late
            .report(acc(REPORTER), acc(31), &full(), &GOOD, 0, EPOCH * CATCH_UP)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let closes = events
            .iter()
            .filter(|e| matches!(e, PowerFluxEvent::EpochClosed(_)))
            .count();
        assert_eq!((closes, late.epoch()), (CATCH_UP as usize, CATCH_UP));
        // The report went to the epoch it was made in, not the ended one.
        assert_eq!(late.meter(acc(31)).epoch, CATCH_UP);
        let (events, _) = late
            .use_flux(acc(30), 1, EPOCH * (CATCH_UP + 1))
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(matches!(events[0], PowerFluxEvent::EpochClosed(_)));
        assert_eq!(late.epoch(), CATCH_UP + 1);
    }
    let (record, _) = l.close_epoch(EPOCH).unwrap_or_else(|e| panic!("{e:?}"));
    // 10,000 Power at κ = 1 Flux per Power and Q = 0.8 (no reputation).
    assert_eq!(record.mint, 8_000 * FLUX);
    assert_eq!(l.epoch(), 1);
    assert_eq!(
        l.close_epoch(EPOCH + 1).map(|_| ()),
        Err(PowerFluxError::EpochNotOver)
    );
    assert_eq!(
        l.use_flux(acc(20), 0, EPOCH).map(|_| ()),
        Err(PowerFluxError::ZeroTasks)
    );
    l.use_flux(acc(20), 3, EPOCH)
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(l.balance_of(acc(20)), 7_997 * FLUX);
    assert_eq!(
        l.use_flux(acc(20), 8_000, EPOCH).map(|_| ()),
        Err(PowerFluxError::Flux(PSP22Error::InsufficientBalance))
    );
    let mut t = ledger(BurnMode::Tax);
    assert_eq!(
        t.use_flux(acc(20), 1, 0).map(|_| ()),
        Err(PowerFluxError::WrongMode)
    );
}

#[ink::test]
fn the_tax_settles_lazily_and_a_transfer_moves_only_what_is_left() {
    let mut l = ledger(BurnMode::Tax);
    l.report(acc(REPORTER), acc(20), &full(), &GOOD, 0, 0)
        .unwrap_or_else(|e| panic!("{e:?}"));
    let minted = l.balance_of(acc(20));
    l.close_epoch(EPOCH).unwrap_or_else(|e| panic!("{e:?}"));
    // β = 1 %: the balance as it stands is 99 % of what was minted; the ledger still holds it
    // all until the account is touched.
    let after = l.balance_of(acc(20));
    assert_eq!(after, minted / 100 * 99);
    assert_eq!(l.ledger().balance_of(acc(20)), minted);
    assert_eq!(
        l.transfer(acc(20), acc(21), minted).map(|_| ()),
        Err(PowerFluxError::Flux(PSP22Error::InsufficientBalance))
    );
    l.transfer(acc(20), acc(21), after)
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!((l.balance_of(acc(20)), l.balance_of(acc(21))), (0, after));
    assert_eq!(l.totals().burned, minted - after);
}

fn randomised(mode: BurnMode, seed: u64) {
    let mut l = ledger(mode);
    let ids: Vec<AccountId> = (20..30).map(acc).collect();
    let mut rng = Rng(seed);
    let mut now = 0u32;
    let (mut epochs, mut dust) = (0u32, ids.len() as u128);
    for step in 0..3_000 {
        let id = ids[rng.below(ids.len() as u64) as usize];
        let other = ids[rng.below(ids.len() as u64) as usize];
        match rng.below(7) {
            0 | 1 => {
                // Values large enough to reach the limits: activity far above the caps.
                let a = Activity {
                    uptime_ppb: rng.next() as u32,
                    resources: [rng.next(), rng.next() % 2_000_000, rng.next() % 10],
                    interactions: rng.next() as u32,
                };
                let q = Quality {
                    performance_ppb: rng.next() as u32,
                    validity_ppb: rng.next() as u32,
                };
                let reporter = if rng.below(5) == 0 {
                    STRANGER
                } else {
                    REPORTER
                };
                let r = l.report(acc(reporter), id, &a, &q, rng.next() as u32, now);
                if reporter == STRANGER {
                    assert_eq!(r.map(|_| ()), Err(PowerFluxError::NotReporter));
                } else if r.is_ok() {
                    dust += 1;
                }
            }
            2 => {
                let _ = l.use_flux(id, rng.below(5_000) as u32, now);
            }
            3 => {
                let value = l.balance_of(id) / (1 + u128::from(rng.below(4)));
                if l.transfer(id, other, value + u128::from(rng.below(2)))
                    .is_ok()
                {
                    dust += 2;
                }
            }
            4 => {
                if l.settle(id).is_ok() {
                    dust += 1;
                }
            }
            _ => {
                now += rng.below(u64::from(EPOCH)) as u32;
                if l.close_epoch(now).is_ok() {
                    epochs += 1;
                    dust += l.effective_supply() / l.tax_index() + 2;
                }
            }
        }
        check(&l, &ids, dust);
        let _ = step;
    }
    assert!(epochs > 50, "{epochs} epochs closed");
    assert!(l.totals().ids > 5);
}

#[ink::test]
fn invariants_hold_after_every_step_of_random_sequences_per_use() {
    randomised(BurnMode::PerUse, 0x5eed_0001);
}

#[ink::test]
fn invariants_hold_after_every_step_of_random_sequences_with_the_tax() {
    randomised(BurnMode::Tax, 0x5eed_0002);
}

#[ink::test]
fn an_id_spends_at_most_its_21_million_and_then_mints_nothing() {
    let mut l = ledger(BurnMode::PerUse);
    let id = acc(40);
    let mut now = 0;
    // 2,100 epochs at full activity spend exactly the lifetime; the next spends nothing.
    for _ in 0..2_101 {
        l.report(acc(REPORTER), id, &full(), &GOOD, 0, now)
            .unwrap_or_else(|e| panic!("{e:?}"));
        now += EPOCH;
        l.close_epoch(now).unwrap_or_else(|e| panic!("{e:?}"));
    }
    assert_eq!(l.meter(id).p_used, P_MAX);
    let before = l.balance_of(id);
    l.report(acc(REPORTER), id, &full(), &GOOD, 0, now)
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!((l.meter(id).p_used, l.balance_of(id)), (P_MAX, before));
}

#[ink::test]
fn only_governance_tunes_and_only_inside_the_bounds() {
    let mut l = ledger(BurnMode::PerUse);
    let mut t = l.tunables();
    t.mu = 2 * FLUX;
    t.kappa_min = 50_000_000_000;
    for who in [ADMIN, REPORTER, STRANGER] {
        assert_eq!(
            l.set_tunables(acc(who), t).map(|_| ()),
            Err(PowerFluxError::NotGovernance)
        );
    }
    let mut out = t;
    out.mu = 11 * FLUX;
    assert_eq!(
        l.set_tunables(acc(GOVERNANCE), out).map(|_| ()),
        Err(PowerFluxError::ParamOutOfBounds)
    );
    let mut crossed = t;
    crossed.kappa_max = crossed.kappa_min / 100;
    crossed.kappa_min = l.bounds().max.kappa_min;
    let r = l.set_tunables(acc(GOVERNANCE), crossed).map(|_| ());
    assert!(
        matches!(
            r,
            Err(PowerFluxError::ParamOutOfBounds | PowerFluxError::InvalidConfig)
        ),
        "{r:?}"
    );
    l.set_tunables(acc(GOVERNANCE), t)
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        (l.config().mu, l.controller().params.kappa_min),
        (2 * FLUX, 50_000_000_000)
    );
    assert_eq!(l.tunables(), t);
}
