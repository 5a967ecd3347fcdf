//! Power/Flux on the compiled contract: reporters wired and locked, Power spent only by their
//! reports and never moved, Flux a PSP22 with the standard selectors, burned by use, and an
//! epoch close whose cost does not grow with the number of IDs.

use dynamis_deploy::calls::{power_flux as sel, token};
use dynamis_shared::{PSP22Error, DAY};
use dynamis_tests::{
    flux::{id, Pf, PfResult, FULL},
    suite::{done, everyone, who},
};
use power_flux::{
    Activity, BurnMode, Meter, PowerFluxError, PowerSpent, Totals, Tunables, ONE_FLUX, POWER_UNIT,
};

#[test]
fn flux_is_psp22_and_only_wired_reporters_spend_power_which_never_moves() {
    let mut pf = Pf::new(BurnMode::PerUse);
    let (alice, bob) = (who::user(1), who::user(2));
    // Metadata and the standard selectors.
    let symbol: Option<String> = pf.query(token::TOKEN_SYMBOL, ());
    let decimals: u8 = pf.query(token::TOKEN_DECIMALS, ());
    assert_eq!((symbol.as_deref(), decimals), (Some("FLUX"), 18));
    // The wiring is locked: nobody adds a reporter; nobody but the reporter reports.
    for caller in everyone(&pf.s) {
        let added = pf.call::<PfResult>(caller, sel::ADD_REPORTER, caller).value;
        assert_eq!(added, Err(PowerFluxError::WiringLocked), "{caller:?}");
        if caller != who::reporter() {
            let r = pf.report(caller, alice, FULL).value;
            assert_eq!(r, Err(PowerFluxError::NotReporter), "{caller:?}");
        }
    }
    assert_eq!(pf.balance(alice), 0);
    // The tunables: governance's only (the governance address of this suite).
    let mut tunables: Tunables = pf.query(sel::TUNABLES, ());
    tunables.mu *= 2;
    for caller in everyone(&pf.s).into_iter().filter(|c| *c != who::governance()) {
        let r = pf.call::<PfResult>(caller, sel::SET_TUNABLES, tunables).value;
        assert_eq!(r, Err(PowerFluxError::NotGovernance), "{caller:?}");
    }
    let mut out = tunables;
    out.mu *= 100;
    let r = pf.call::<PfResult>(who::governance(), sel::SET_TUNABLES, out).value;
    assert_eq!(r, Err(PowerFluxError::ParamOutOfBounds));
    done(pf.call::<PfResult>(who::governance(), sel::SET_TUNABLES, tunables));
    tunables.mu /= 2;
    done(pf.call::<PfResult>(who::governance(), sel::SET_TUNABLES, tunables));
    // A full epoch's report: 10,000 Power spent, 8,000 Flux minted (κ = 1 Flux per Power,
    // Q = 0.8 with no reputation yet).
    let reported = done(pf.report(who::reporter(), alice, FULL));
    let event: PowerSpent = dynamis_tests::only(&reported.events);
    assert_eq!(event.power, 10_000 * POWER_UNIT);
    assert_eq!(pf.balance(alice), 8_000 * ONE_FLUX);
    let meter: Meter = pf.query(sel::METER, alice);
    assert_eq!(meter.p_used, 10_000 * POWER_UNIT);
    // Flux moves; Power does not: bob has Flux and no Power.
    let sent: Result<(), PSP22Error> = pf
        .call(
            alice,
            token::TRANSFER,
            (bob, 1_000 * ONE_FLUX, Vec::<u8>::new()),
        )
        .value;
    assert_eq!(sent, Ok(()));
    let bob_meter: Meter = pf.query(sel::METER, bob);
    assert_eq!((pf.balance(bob), bob_meter.p_used), (1_000 * ONE_FLUX, 0));
    // Use burns μ = 1 Flux per task.
    done(pf.call::<PfResult>(bob, sel::USE_FLUX, 10u32));
    assert_eq!(pf.balance(bob), 990 * ONE_FLUX);
    let totals: Totals = pf.query(sel::TOTALS, ());
    let supply: u128 = pf.query(token::TOTAL_SUPPLY, ());
    assert_eq!(supply, totals.minted - totals.burned);
    assert_eq!(supply, pf.balance(alice) + pf.balance(bob));
}

#[test]
fn closing_an_epoch_costs_the_same_for_ten_and_a_thousand_ids() {
    let mut pf = Pf::new(BurnMode::PerUse);
    // The same quality-weighted Power each epoch, from 10 IDs at full activity or from 1,000
    // at 1 % (uptime 2.5 % at its 40 % weight): the close's inputs differ only by κ's step.
    let one_percent = Activity {
        uptime_ppb: 25_000_000,
        ..Activity::default()
    };
    let mut gas = Vec::new();
    let mut next = 0u32;
    for (ids, activity) in [(10u32, FULL), (10, FULL), (1_000, one_percent)] {
        for _ in 0..ids {
            done(pf.report(who::reporter(), id(next), activity));
            next += 1;
        }
        // Too early: the epoch is open.
        let early = pf.close(who::user(9)).value;
        assert_eq!(early.map(|_| ()), Err(PowerFluxError::EpochNotOver));
        pf.s.chain.advance(DAY);
        let closed = done(pf.close(who::user(9)));
        gas.push((closed.gas, closed.value.mint));
    }
    println!("close_epoch: {gas:?}");
    // The second and third closes (the first also starts the averages) cost exactly the same.
    assert_eq!(gas[1].0.ref_time(), gas[2].0.ref_time());
    assert_eq!(gas[1].0.proof_size(), gas[2].0.proof_size());
    let totals: Totals = pf.query(sel::TOTALS, ());
    assert_eq!(totals.ids, 1_020);
}
