//! Bonding and slashing on the compiled contracts, with blocks advanced: full lifecycles,
//! disputes, refusals to every unauthorised caller, and every error variant.

use bonding::{
    Bonded, Chunk, DisputeResolved, SlashDisputed, SlashReported, SlashSettled,
    SlashStatus, Stake, Unbonded, Withdrawn, DEFAULT_PARAMS, ONE_DYN,
};
use dynamis_shared::{
    Action, BondingError, FaultClass, PSP22Error, ReputationError, Role, SlashClass,
};
use dynamis_tests::{
    account, bundle, call_data, only,
    suite::{done, everyone, selector, who, BondResult, RepResult, Suite},
    BundleProvider,
};
use std::collections::BTreeSet;

const DISPUTE_WINDOW: u32 = DEFAULT_PARAMS.dispute_window_blocks;
const UNBONDING: u32 = DEFAULT_PARAMS.unbonding_blocks;

#[test]
fn bond_unbond_wait_withdraw() {
    let mut s = Suite::new();
    let alice = who::user(0);
    let called = s.bond_new(alice, Role::Verifier, 500 * ONE_DYN);
    let bonded: Bonded = only(&called.events);
    assert_eq!(
        bonded,
        Bonded {
            account: alice,
            role: Role::Verifier,
            amount: 500 * ONE_DYN,
            active: 500 * ONE_DYN
        }
    );
    assert_eq!(s.bonding_balance(), 500 * ONE_DYN);
    assert_eq!(s.balance(alice), 0);
    assert!(s.is_bonded(alice, Role::Verifier));
    assert!(!s.is_bonded(alice, Role::Validator));

    s.chain.advance(10);
    let start = s.chain.block();
    let called = done(s.unbond(alice, Role::Verifier, 200 * ONE_DYN));
    let unbonded: Unbonded = only(&called.events);
    assert_eq!(unbonded.unlock_at, start + UNBONDING);
    assert_eq!(
        s.stake(alice, Role::Verifier).unbonding,
        vec![Chunk {
            amount: 200 * ONE_DYN,
            unlock_at: start + UNBONDING
        }]
    );
    assert_eq!(s.holdings().active, 300 * ONE_DYN);
    assert_eq!(s.holdings().unbonding, 200 * ONE_DYN);

    // Not a block early.
    assert_eq!(
        s.withdraw(alice, Role::Verifier).value,
        Err(BondingError::NothingToWithdraw)
    );
    s.chain.advance(UNBONDING - 1);
    assert_eq!(
        s.withdraw(alice, Role::Verifier).value,
        Err(BondingError::NothingToWithdraw)
    );
    s.chain.advance(1);
    let called = done(s.withdraw(alice, Role::Verifier));
    let withdrawn: Withdrawn = only(&called.events);
    assert_eq!(withdrawn.amount, 200 * ONE_DYN);
    assert_eq!(s.balance(alice), 200 * ONE_DYN);

    // Unbonding the rest ends the role; after the delay nothing is left behind.
    done(s.unbond(alice, Role::Verifier, 300 * ONE_DYN));
    assert!(!s.is_bonded(alice, Role::Verifier));
    s.chain.advance(UNBONDING);
    done(s.withdraw(alice, Role::Verifier));
    assert_eq!(s.stake(alice, Role::Verifier), Stake::default());
    assert_eq!(s.balance(alice), 500 * ONE_DYN);
    assert_eq!(s.bonding_balance(), 0);
}

#[test]
fn a_slash_reaches_unbonding_stake_and_settles_after_the_window_not_before() {
    let mut s = Suite::new();
    let (alice, bob) = (who::user(0), who::user(1));
    s.bond_new(alice, Role::Archival, 1_000 * ONE_DYN);
    // Give alice some reputation to lose.
    for _ in 0..3 {
        done(s.record_success(who::writer(), alice, 5_000));
    }
    let score_before = s.score(alice);
    assert!(score_before > 0);
    done(s.unbond(alice, Role::Archival, 1_000 * ONE_DYN));
    assert_eq!(s.stake(alice, Role::Archival).active, 0);

    let supply = s.supply();
    let reported_at = s.chain.block();
    let called = done(s.report(
        who::reporter(),
        alice,
        Role::Archival,
        SlashClass::AttestationFailure,
        [9; 32],
    ));
    let id = called.value;
    let event: SlashReported = only(&called.events);
    assert_eq!(event.amount, 100 * ONE_DYN);
    assert_eq!(event.dispute_until, reported_at + DISPUTE_WINDOW);
    assert_eq!(event.evidence, [9; 32]);
    // Reserved at once, out of the unbonding stake.
    assert_eq!(s.stake(alice, Role::Archival).bonded(), 900 * ONE_DYN);
    assert_eq!(s.holdings().pending_slash, 100 * ONE_DYN);

    s.chain.advance(DISPUTE_WINDOW - 1);
    assert_eq!(
        s.settle(bob, id).value,
        Err(BondingError::DisputeWindowOpen)
    );
    s.chain.advance(1);
    let reporter_before = s.balance(who::reporter());
    let called = done(s.settle(bob, id));
    let settled: SlashSettled = only(&called.events);
    assert_eq!(settled.burned, 90 * ONE_DYN);
    assert_eq!(settled.reward, 10 * ONE_DYN);
    assert_eq!(settled.beneficiary, who::reporter());
    assert_eq!(s.supply(), supply - 90 * ONE_DYN);
    assert_eq!(s.balance(who::reporter()), reporter_before + 10 * ONE_DYN);
    assert_eq!(s.slash(id), None);
    assert_eq!(s.holdings().pending_slash, 0);
    // Reputation: an attestation failure keeps half (decay over the window included).
    let history = s.history(alice).unwrap_or_else(|| panic!("no history"));
    assert_eq!(
        history.last_fault.map(|f| f.class),
        Some(FaultClass::AttestationFailure)
    );
    assert!(
        history.score <= score_before / 2,
        "{} vs {score_before}",
        history.score
    );
    assert_eq!(
        s.settle(bob, id).value,
        Err(BondingError::UnknownSlash),
        "a slash settles once"
    );

    // The rest unlocks on schedule.
    s.chain.advance(UNBONDING - DISPUTE_WINDOW);
    done(s.withdraw(alice, Role::Archival));
    assert_eq!(s.balance(alice), 900 * ONE_DYN);
    assert_eq!(s.bonding_balance(), 0);
}

#[test]
fn an_upheld_dispute_returns_everything() {
    let mut s = Suite::new();
    let alice = who::user(0);
    s.bond_new(alice, Role::Validator, 1_000 * ONE_DYN);
    done(s.record_success(who::writer(), alice, 5_000));
    let stake = s.stake(alice, Role::Validator);
    let score = s.score(alice);
    let supply = s.supply();
    let id = s.reported(alice, Role::Validator, SlashClass::Malicious);
    assert_eq!(
        s.stake(alice, Role::Validator).bonded(),
        0,
        "malicious takes all"
    );
    assert!(!s.is_bonded(alice, Role::Validator));

    let deposit = DEFAULT_PARAMS.dispute_deposit;
    s.give(alice, deposit);
    s.allow(alice, deposit);
    let called = done(s.dispute(alice, id));
    let disputed: SlashDisputed = only(&called.events);
    assert_eq!(disputed.deposit, deposit);
    assert_eq!(s.slash(id).map(|x| x.status), Some(SlashStatus::Disputed));
    assert_eq!(s.balance(alice), 0);
    // An open dispute blocks settlement; the resolver decides before its deadline (a week
    // after the dispute, as long as the window).
    s.chain.advance(DISPUTE_WINDOW - 1);
    assert_eq!(
        s.settle(who::user(3), id).value,
        Err(BondingError::DisputeUnresolved)
    );

    let called = done(s.resolve(who::resolver(), id, true));
    let resolved: DisputeResolved = only(&called.events);
    assert!(resolved.upheld);
    assert_eq!(resolved.returned, 1_000 * ONE_DYN);
    assert_eq!(resolved.deposit_burned, 0);
    assert_eq!(s.stake(alice, Role::Validator), stake);
    assert_eq!(s.balance(alice), deposit, "deposit back");
    assert_eq!(s.supply(), supply, "nothing burned");
    assert!(s.score(alice) <= score, "only decay");
    assert!(s.history(alice).and_then(|h| h.last_fault).is_none());
    assert_eq!(s.slash(id), None);
    assert_eq!(s.bonding_balance(), 1_000 * ONE_DYN);
}

#[test]
fn a_rejected_dispute_burns_the_deposit_and_the_slash_settles() {
    let mut s = Suite::new();
    let alice = who::user(0);
    s.bond_new(alice, Role::Sequencer, 1_000 * ONE_DYN);
    for _ in 0..4 {
        done(s.record_success(who::writer(), alice, 5_000));
    }
    let id = s.reported(alice, Role::Sequencer, SlashClass::Sla(3));
    assert_eq!(s.slash(id).map(|x| x.amount), Some(30 * ONE_DYN));
    let deposit = DEFAULT_PARAMS.dispute_deposit;
    s.give(alice, deposit);
    s.allow(alice, deposit);
    done(s.dispute(alice, id));
    let supply = s.supply();
    let called = done(s.resolve(who::resolver(), id, false));
    let resolved: DisputeResolved = only(&called.events);
    assert!(!resolved.upheld);
    assert_eq!(resolved.deposit_burned, deposit);
    assert_eq!(s.supply(), supply - deposit);
    assert_eq!(
        s.slash(id).map(|x| x.status),
        Some(SlashStatus::DisputeRejected)
    );
    assert_eq!(
        s.settle(alice, id).value,
        Err(BondingError::DisputeWindowOpen)
    );
    s.chain.advance(DISPUTE_WINDOW);
    let score = s.score(alice);
    let called = done(s.settle(alice, id));
    let settled: SlashSettled = only(&called.events);
    assert_eq!(settled.burned + settled.reward, 30 * ONE_DYN);
    assert_eq!(s.supply(), supply - deposit - settled.burned);
    // An SLA fault keeps 80 %.
    assert_eq!(s.score(alice), (u64::from(score) * 8 / 10) as u32);
    assert_eq!(s.stake(alice, Role::Sequencer).active, 970 * ONE_DYN);
}

#[test]
fn slashes_never_take_more_than_is_bonded() {
    let mut s = Suite::new();
    let alice = who::user(0);
    s.bond_new(alice, Role::Sentry, 100 * ONE_DYN);
    let mut taken = 0;
    for class in [
        SlashClass::Sla(5),
        SlashClass::AttestationFailure,
        SlashClass::Malicious,
    ] {
        let before = s.stake(alice, Role::Sentry).bonded();
        let id = s.reported(alice, Role::Sentry, class);
        let amount = s.slash(id).map_or(0, |x| x.amount);
        assert!(amount <= before);
        assert_eq!(s.stake(alice, Role::Sentry).bonded(), before - amount);
        taken += amount;
    }
    assert_eq!(taken, 100 * ONE_DYN);
    assert_eq!(
        s.report(
            who::reporter(),
            alice,
            Role::Sentry,
            SlashClass::Sla(1),
            [3; 32]
        )
        .value,
        Err(BondingError::NothingBonded)
    );
}

#[test]
fn weight_is_amount_duration_tier_and_reputation() {
    let mut s = Suite::new();
    let alice = who::user(0);
    let p = DEFAULT_PARAMS;
    s.bond_new(alice, Role::Verifier, 1_000 * ONE_DYN);
    assert_eq!(
        s.weight(alice),
        1_500 * ONE_DYN,
        "fresh: 1× duration, 1.5× tier, no reputation"
    );
    for _ in 0..4 {
        done(s.record_success(who::writer(), alice, 5_000));
    }
    s.chain.advance(p.duration_ramp_blocks / 4);
    let score = s.score(alice);
    assert!(score > 0);
    // Computed here in floating point, independently of the contract's fixed point.
    let expected = 1_000.0 * 1.25 * 1.5 * (1.0 + f64::from(score) / 1e6);
    let got = s.weight(alice) as f64 / ONE_DYN as f64;
    assert!(
        (got - expected).abs() < 1e-9 * expected,
        "{got} vs {expected}"
    );
    // The duration multiplier stops at 2×.
    s.chain.advance(10 * p.duration_ramp_blocks);
    let score = s.score(alice);
    let expected = 1_000.0 * 2.0 * 1.5 * (1.0 + f64::from(score) / 1e6);
    let got = s.weight(alice) as f64 / ONE_DYN as f64;
    assert!(
        (got - expected).abs() < 1e-9 * expected,
        "{got} vs {expected}"
    );
}

#[test]
fn privileged_messages_refuse_every_other_caller() {
    // Wiring, before it is locked: only the admin.
    let mut s = Suite::unwired();
    let all = everyone(&s);
    for caller in all.iter().copied().filter(|c| *c != who::admin()) {
        let r: BondResult = s.bond_call(caller, selector::ADD_REPORTER, caller).value;
        assert_eq!(r, Err(BondingError::NotWiringAdmin));
        let r: BondResult = s.bond_call(caller, selector::LOCK_WIRING, ()).value;
        assert_eq!(r, Err(BondingError::NotWiringAdmin));
        let r: RepResult<()> = s.rep_call(caller, selector::ADD_WRITER, caller).value;
        assert_eq!(r, Err(ReputationError::NotWiringAdmin));
        let r: RepResult<()> = s.rep_call(caller, selector::LOCK_WIRING, ()).value;
        assert_eq!(r, Err(ReputationError::NotWiringAdmin));
    }

    // After locking: nobody, the admin included.
    let mut s = Suite::new();
    let all = everyone(&s);
    for caller in all.iter().copied() {
        let r: BondResult = s.bond_call(caller, selector::ADD_REPORTER, caller).value;
        assert_eq!(r, Err(BondingError::WiringLocked));
        let r: RepResult<()> = s.rep_call(caller, selector::ADD_WRITER, caller).value;
        assert_eq!(r, Err(ReputationError::WiringLocked));
    }
    assert_eq!(
        s.bond_call::<BondResult>(who::admin(), selector::LOCK_WIRING, ())
            .value,
        Err(BondingError::WiringLocked)
    );
    assert_eq!(
        s.rep_call::<RepResult<()>>(who::admin(), selector::LOCK_WIRING, ())
            .value,
        Err(ReputationError::WiringLocked)
    );

    let alice = who::user(0);
    s.bond_new(alice, Role::Verifier, 1_000 * ONE_DYN);
    let id = s.reported(alice, Role::Verifier, SlashClass::Sla(1));
    s.give(alice, DEFAULT_PARAMS.dispute_deposit);
    s.allow(alice, DEFAULT_PARAMS.dispute_deposit);
    for caller in all.iter().copied() {
        if ![who::reporter(), s.attestations, s.mint_credits].contains(&caller) {
            let r = s
                .report(caller, alice, Role::Verifier, SlashClass::Sla(1), [0; 32])
                .value;
            assert_eq!(r, Err(BondingError::NotReporter), "{caller:?}");
        }
        if caller != alice {
            assert_eq!(s.dispute(caller, id).value, Err(BondingError::NotOffender));
        }
    }
    done(s.dispute(alice, id));
    for caller in all.iter().copied().filter(|c| *c != who::resolver()) {
        assert_eq!(
            s.resolve(caller, id, true).value,
            Err(BondingError::NotResolver)
        );
        assert_eq!(
            s.resolve(caller, id, false).value,
            Err(BondingError::NotResolver)
        );
    }
    assert_eq!(s.slash(id).map(|x| x.status), Some(SlashStatus::Disputed));

    // Reputation: only governance tunes, only writers write.
    let params = s.rep_params();
    for caller in all.iter().copied() {
        if caller != who::governance() {
            let r: RepResult<()> = s.rep_call(caller, selector::SET_PARAMS, params).value;
            assert_eq!(r, Err(ReputationError::NotGovernance));
        }
        if ![who::writer(), s.bonding, s.attestations].contains(&caller) {
            assert_eq!(
                s.record_success(caller, alice, 1).value,
                Err(ReputationError::NotWriter)
            );
            assert_eq!(
                s.record_fault(caller, alice, FaultClass::Malicious).value,
                Err(ReputationError::NotWriter)
            );
        }
    }
}

#[test]
fn reputation_has_no_message_that_moves_a_score() {
    let bundle = bundle(BundleProvider::Reputation);
    let metadata = bundle.transcoder.metadata();
    let mutating: BTreeSet<String> = metadata
        .spec()
        .messages()
        .iter()
        .filter(|m| m.mutates())
        .map(|m| m.label().to_string())
        .collect();
    let expected: BTreeSet<String> = [
        "add_writer",
        "lock_wiring",
        // The wiring admin's, before the lock: creates a founder's record, moves none.
        "seed_founder",
        "set_params",
        "Reputation::record_success",
        "Reputation::record_fault",
    ]
    .iter()
    .map(|l| l.to_string())
    .collect();
    assert_eq!(mutating, expected, "the only state-changing messages");
    // None of them takes two accounts (by their arguments' types): a write touches exactly
    // one account, and nothing moves a score from one to another.
    for (label, types) in dynamis_tests::message_signatures(&bundle) {
        let accounts = types.iter().filter(|t| t.ends_with("AccountId")).count();
        assert!(accounts <= 1, "{label} takes {accounts} accounts: {types:?}");
    }
    let signatures = dynamis_tests::message_signatures(&bundle);
    let record_fault = signatures
        .iter()
        .find(|(l, _)| l == "Reputation::record_fault")
        .map(|(_, t)| t.clone());
    assert_eq!(
        record_fault,
        Some(vec!["AccountId".to_string(), "FaultClass".to_string()]),
        "the type names are read"
    );
    // And a writer's call changes only the account it names.
    let mut s = Suite::new();
    let (a, b) = (who::user(0), who::user(1));
    done(s.record_success(who::writer(), a, 5_000));
    done(s.record_success(who::writer(), b, 5_000));
    let before_b = s.score(b);
    done(s.record_fault(who::writer(), a, FaultClass::Malicious));
    assert_eq!(s.score(a), 0);
    assert_eq!(s.score(b), before_b);
}

#[test]
fn governance_tunes_reputation_only_inside_the_bounds() {
    let mut s = Suite::new();
    let bounds: reputation::Bounds = s.rep_query(ink::selector_bytes!("bounds"), ());
    let mut p = s.rep_params();
    p.half_life_blocks = bounds.max.half_life_blocks;
    let called = done(s.rep_call::<RepResult<()>>(who::governance(), selector::SET_PARAMS, p));
    let updated: reputation::ParamsUpdated = only(&called.events);
    assert_eq!(updated.params, p);
    assert_eq!(s.rep_params(), p);
    p.half_life_blocks = bounds.max.half_life_blocks + 1;
    let r: RepResult<()> = s.rep_call(who::governance(), selector::SET_PARAMS, p).value;
    assert_eq!(r, Err(ReputationError::ParamOutOfBounds));
    p.half_life_blocks = bounds.min.half_life_blocks;
    p.min_score[0] = bounds.min.min_score[0] - 1;
    let r: RepResult<()> = s.rep_call(who::governance(), selector::SET_PARAMS, p).value;
    assert_eq!(r, Err(ReputationError::ParamOutOfBounds));
}

/// Names of the variants, exhaustively: a new variant fails to compile here until a test
/// reaches it below.
fn bonding_variant(e: &BondingError) -> &'static str {
    use BondingError::*;
    match e {
        NotWiringAdmin => "NotWiringAdmin",
        WiringLocked => "WiringLocked",
        NotReporter => "NotReporter",
        NotResolver => "NotResolver",
        NotOffender => "NotOffender",
        ZeroAmount => "ZeroAmount",
        BelowMinimum => "BelowMinimum",
        InsufficientBond => "InsufficientBond",
        TooManyUnbondingChunks => "TooManyUnbondingChunks",
        NothingToWithdraw => "NothingToWithdraw",
        NothingBonded => "NothingBonded",
        InvalidSlaPercent => "InvalidSlaPercent",
        UnknownSlash => "UnknownSlash",
        NotPending => "NotPending",
        DisputeWindowClosed => "DisputeWindowClosed",
        DisputeWindowOpen => "DisputeWindowOpen",
        DisputeUnresolved => "DisputeUnresolved",
        NotDisputed => "NotDisputed",
        DecisionClosed => "DecisionClosed",
        DecisionOpen => "DecisionOpen",
        // Only a broken accounting state reaches it: the rules' unit test
        // `an_undecided_dispute_takes_the_default_and_a_broken_total_reverts` does.
        Arithmetic => "Arithmetic",
        InvalidParams => "InvalidParams",
        NotGovernance => "NotGovernance",
        ParamOutOfBounds => "ParamOutOfBounds",
        InvalidBounds => "InvalidBounds",
        Token(_) => "Token",
        Reputation(_) => "Reputation",
        CallFailed => "CallFailed",
    }
}

fn reputation_variant(e: &ReputationError) -> &'static str {
    use ReputationError::*;
    match e {
        NotWriter => "NotWriter",
        NotGovernance => "NotGovernance",
        NotWiringAdmin => "NotWiringAdmin",
        WiringLocked => "WiringLocked",
        ParamOutOfBounds => "ParamOutOfBounds",
        InvalidBounds => "InvalidBounds",
        AlreadyRecorded => "AlreadyRecorded",
        SeedGrantsMint => "SeedGrantsMint",
    }
}

#[test]
fn every_error_variant_is_reached() {
    let mut seen = BTreeSet::new();
    let mut rep_seen = BTreeSet::new();
    let expect = |r: BondResult, e: BondingError, seen: &mut BTreeSet<&'static str>| {
        assert_eq!(r, Err(e.clone()));
        seen.insert(bonding_variant(&e));
    };

    let mut s = Suite::new();
    let (alice, bob) = (who::user(0), who::user(1));
    s.give(alice, 10_000 * ONE_DYN);
    // Bonding without an allowance: the token refuses the pull.
    expect(
        s.bond(alice, Role::Verifier, 100 * ONE_DYN).value,
        BondingError::Token(PSP22Error::InsufficientAllowance),
        &mut seen,
    );
    s.allow(alice, 10_000 * ONE_DYN);
    expect(
        s.bond(alice, Role::Verifier, 0).value,
        BondingError::ZeroAmount,
        &mut seen,
    );
    expect(
        s.bond(alice, Role::Verifier, 99 * ONE_DYN).value,
        BondingError::BelowMinimum,
        &mut seen,
    );
    done(s.bond(alice, Role::Verifier, 1_000 * ONE_DYN));
    expect(
        s.unbond(alice, Role::Verifier, 0).value,
        BondingError::ZeroAmount,
        &mut seen,
    );
    expect(
        s.unbond(alice, Role::Verifier, 950 * ONE_DYN).value,
        BondingError::BelowMinimum,
        &mut seen,
    );
    expect(
        s.unbond(alice, Role::Verifier, 1_001 * ONE_DYN).value,
        BondingError::InsufficientBond,
        &mut seen,
    );
    for _ in 0..bonding::MAX_UNBONDING_CHUNKS {
        done(s.unbond(alice, Role::Verifier, ONE_DYN));
        s.chain.advance(1);
    }
    expect(
        s.unbond(alice, Role::Verifier, ONE_DYN).value,
        BondingError::TooManyUnbondingChunks,
        &mut seen,
    );
    expect(
        s.withdraw(alice, Role::Verifier).value,
        BondingError::NothingToWithdraw,
        &mut seen,
    );
    for percent in [0, 6] {
        let r = s
            .report(
                who::reporter(),
                alice,
                Role::Verifier,
                SlashClass::Sla(percent),
                [0; 32],
            )
            .value;
        expect(r.map(|_| ()), BondingError::InvalidSlaPercent, &mut seen);
    }
    let r = s
        .report(
            who::reporter(),
            bob,
            Role::Verifier,
            SlashClass::Sla(1),
            [0; 32],
        )
        .value;
    expect(r.map(|_| ()), BondingError::NothingBonded, &mut seen);
    let r = s
        .report(bob, alice, Role::Verifier, SlashClass::Sla(1), [0; 32])
        .value;
    expect(r.map(|_| ()), BondingError::NotReporter, &mut seen);
    let id = s.reported(alice, Role::Verifier, SlashClass::Sla(1));
    expect(
        s.dispute(alice, id + 1).value,
        BondingError::UnknownSlash,
        &mut seen,
    );
    expect(
        s.dispute(bob, id).value,
        BondingError::NotOffender,
        &mut seen,
    );
    expect(
        s.resolve(who::resolver(), id, true).value,
        BondingError::NotDisputed,
        &mut seen,
    );
    expect(
        s.resolve(bob, id, true).value,
        BondingError::NotResolver,
        &mut seen,
    );
    expect(
        s.settle(bob, id).value,
        BondingError::DisputeWindowOpen,
        &mut seen,
    );
    done(s.dispute(alice, id));
    expect(
        s.dispute(alice, id).value,
        BondingError::NotPending,
        &mut seen,
    );
    // The default waits for the resolver's deadline.
    expect(
        s.expire_dispute(bob, id).value,
        BondingError::DecisionOpen,
        &mut seen,
    );
    expect(
        s.settle(bob, id).value,
        BondingError::DisputeUnresolved,
        &mut seen,
    );
    let late = s.reported(alice, Role::Verifier, SlashClass::Sla(1));
    s.chain.advance(DISPUTE_WINDOW);
    expect(
        s.dispute(alice, late).value,
        BondingError::DisputeWindowClosed,
        &mut seen,
    );
    // Its deadline (a week, as the window) has passed: the resolver can no longer decide.
    expect(
        s.resolve(who::resolver(), id, true).value,
        BondingError::DecisionClosed,
        &mut seen,
    );
    // A dispute deposit the offender cannot pay.
    let pay_fail = s.reported(alice, Role::Verifier, SlashClass::Sla(1));
    let t = s.token;
    assert_eq!(t.approve(&mut s.chain, alice, s.bonding, 0).value, Ok(()));
    expect(
        s.dispute(alice, pay_fail).value,
        BondingError::Token(PSP22Error::InsufficientAllowance),
        &mut seen,
    );
    expect(
        s.bond_call(alice, selector::ADD_REPORTER, alice).value,
        BondingError::WiringLocked,
        &mut seen,
    );

    // Unwired: bonding is not yet a reputation writer, so a settlement's fault is refused.
    let mut u = Suite::unwired();
    assert_eq!(
        u.bond_call::<BondResult>(who::admin(), selector::ADD_REPORTER, who::reporter())
            .value,
        Ok(())
    );
    expect(
        u.bond_call(bob, selector::ADD_REPORTER, bob).value,
        BondingError::NotWiringAdmin,
        &mut seen,
    );
    u.bond_new(alice, Role::Validator, 100 * ONE_DYN);
    let id = u.reported(alice, Role::Validator, SlashClass::Malicious);
    u.chain.advance(DISPUTE_WINDOW);
    let r = u.settle(bob, id).value;
    assert_eq!(r, Err(BondingError::Reputation(ReputationError::NotWriter)));
    seen.insert("Reputation");
    rep_seen.insert("NotWriter");
    assert!(
        u.slash(id).is_some(),
        "the failed settlement reverted whole"
    );
    let r: RepResult<()> = u.rep_call(bob, selector::ADD_WRITER, bob).value;
    assert_eq!(r, Err(ReputationError::NotWiringAdmin));
    rep_seen.insert("NotWiringAdmin");
    // Seeding a founder: once per account, and never into mint authority.
    let founder = who::user(7);
    for stranger in everyone(&u).into_iter().filter(|c| *c != who::admin()) {
        let r: RepResult<()> = u.rep_call(stranger, selector::SEED_FOUNDER, founder).value;
        assert_eq!(r, Err(ReputationError::NotWiringAdmin), "{stranger:?}");
    }
    let r: RepResult<()> = u.rep_call(who::admin(), selector::SEED_FOUNDER, founder).value;
    assert_eq!(r, Ok(()));
    let r: RepResult<()> = u.rep_call(who::admin(), selector::SEED_FOUNDER, founder).value;
    assert_eq!(r, Err(ReputationError::AlreadyRecorded));
    rep_seen.insert("AlreadyRecorded");
    let mut strict = reputation::DEFAULT_PARAMS;
    strict.min_score = [300_000, 300_000, 150_000];
    strict.min_active_epochs = [7, 7, 1];
    let strict_registry = u
        .chain
        .deploy_fallible::<ReputationError>(
            &bundle(BundleProvider::Reputation).wasm,
            who::admin(),
            call_data(
                selector::NEW,
                (who::governance(), reputation::DEFAULT_BOUNDS, strict),
            ),
            vec![5],
        )
        .unwrap_or_else(|e| panic!("{e:?}"))
        .unwrap_or_else(|e| panic!("{e:?}"))
        .value;
    let r: RepResult<()> = u
        .chain
        .call(
            strict_registry,
            who::admin(),
            call_data(selector::SEED_FOUNDER, founder),
        )
        .unwrap_or_else(|e| panic!("{e:?}"))
        .value;
    assert_eq!(r, Err(ReputationError::SeedGrantsMint));
    rep_seen.insert("SeedGrantsMint");

    // Constructors refuse inconsistent parameters and bounds.
    let bonding_wasm = bundle(BundleProvider::Bonding).wasm;
    let (token, rep) = (s.token.address, s.reputation);
    let mut instantiate = |bounds: bonding::Bounds, params: bonding::Params, salt: u8| {
        let links = (token, rep, who::governance(), who::resolver());
        u.chain
            .deploy_fallible::<BondingError>(
                &bonding_wasm,
                who::admin(),
                call_data(selector::NEW, (links, bounds, params)),
                vec![salt],
            )
            .unwrap_or_else(|e| panic!("{e:?}"))
            .map(|_| ())
    };
    let mut bad = DEFAULT_PARAMS;
    bad.dispute_window_blocks = bad.unbonding_blocks;
    let r = instantiate(bonding::Bounds::around(&bad), bad, 1);
    expect(r, BondingError::InvalidParams, &mut seen);
    let mut swapped = bonding::DEFAULT_BOUNDS;
    swapped.min.dispute_deposit = swapped.max.dispute_deposit + 1;
    let r = instantiate(swapped, DEFAULT_PARAMS, 4);
    expect(r, BondingError::InvalidBounds, &mut seen);
    // The setters: governance only, inside the bounds.
    let mut moved = DEFAULT_PARAMS;
    moved.min_bond[0] = 200 * ONE_DYN;
    expect(
        s.bond_call(bob, selector::SET_PARAMS, moved).value,
        BondingError::NotGovernance,
        &mut seen,
    );
    let mut window = DEFAULT_PARAMS;
    window.decide_window_blocks += 1;
    expect(
        s.bond_call(who::governance(), selector::SET_PARAMS, window).value,
        BondingError::ParamOutOfBounds,
        &mut seen,
    );
    // A "token" that is not a contract: the cross-contract call itself fails.
    let nowhere = u
        .chain
        .deploy_fallible::<BondingError>(
            &bonding_wasm,
            who::admin(),
            call_data(
                selector::WITH_DEFAULTS,
                (account(77), u.reputation, who::governance(), who::resolver()),
            ),
            vec![2],
        )
        .unwrap_or_else(|e| panic!("{e:?}"))
        .unwrap_or_else(|e| panic!("{e:?}"))
        .value;
    let r: BondResult = u
        .chain
        .call(
            nowhere,
            alice,
            call_data(selector::BOND, (Role::Sentry, 100 * ONE_DYN)),
        )
        .unwrap_or_else(|e| panic!("{e:?}"))
        .value;
    expect(r, BondingError::CallFailed, &mut seen);

    // Reputation's own refusals.
    let mut bounds = reputation::DEFAULT_BOUNDS;
    bounds.min.epoch_blocks = 0;
    let rep_wasm = bundle(BundleProvider::Reputation).wasm;
    let r = u
        .chain
        .deploy_fallible::<ReputationError>(
            &rep_wasm,
            who::admin(),
            call_data(
                selector::NEW,
                (who::governance(), bounds, reputation::DEFAULT_PARAMS),
            ),
            vec![3],
        )
        .unwrap_or_else(|e| panic!("{e:?}"))
        .map(|_| ());
    assert_eq!(r, Err(ReputationError::InvalidBounds));
    rep_seen.insert("InvalidBounds");
    let mut params = reputation::DEFAULT_PARAMS;
    params.floor = reputation::DEFAULT_BOUNDS.max.floor + 1;
    let r: RepResult<()> = s
        .rep_call(who::governance(), selector::SET_PARAMS, params)
        .value;
    assert_eq!(r, Err(ReputationError::ParamOutOfBounds));
    rep_seen.insert("ParamOutOfBounds");
    let r: RepResult<()> = s.rep_call(bob, selector::SET_PARAMS, params).value;
    assert_eq!(r, Err(ReputationError::NotGovernance));
    rep_seen.insert("NotGovernance");
    let r: RepResult<()> = s.rep_call(who::admin(), selector::ADD_WRITER, bob).value;
    assert_eq!(r, Err(ReputationError::WiringLocked));
    rep_seen.insert("WiringLocked");

    let all_bonding = [
        BondingError::NotWiringAdmin,
        BondingError::WiringLocked,
        BondingError::NotReporter,
        BondingError::NotResolver,
        BondingError::NotOffender,
        BondingError::ZeroAmount,
        BondingError::BelowMinimum,
        BondingError::InsufficientBond,
        BondingError::TooManyUnbondingChunks,
        BondingError::NothingToWithdraw,
        BondingError::NothingBonded,
        BondingError::InvalidSlaPercent,
        BondingError::UnknownSlash,
        BondingError::NotPending,
        BondingError::DisputeWindowClosed,
        BondingError::DisputeWindowOpen,
        BondingError::DisputeUnresolved,
        BondingError::NotDisputed,
        BondingError::DecisionClosed,
        BondingError::DecisionOpen,
        BondingError::InvalidParams,
        BondingError::NotGovernance,
        BondingError::ParamOutOfBounds,
        BondingError::InvalidBounds,
        BondingError::Token(PSP22Error::InsufficientBalance),
        BondingError::Reputation(ReputationError::NotWriter),
        BondingError::CallFailed,
    ];
    let all: BTreeSet<_> = all_bonding.iter().map(bonding_variant).collect();
    assert_eq!(seen, all);
    let all_rep = [
        ReputationError::NotWriter,
        ReputationError::NotGovernance,
        ReputationError::NotWiringAdmin,
        ReputationError::WiringLocked,
        ReputationError::ParamOutOfBounds,
        ReputationError::InvalidBounds,
        ReputationError::AlreadyRecorded,
        ReputationError::SeedGrantsMint,
    ];
    let all: BTreeSet<_> = all_rep.iter().map(reputation_variant).collect();
    assert_eq!(rep_seen, all);
    let _ = (Action::ALL, bonding::Params::validate);
}
