//! mint_credits on the compiled suite: the README's worked example step by step, each
//! guardrail holding and refusing, and the errors only a live suite can produce.

use dynamis_proofs::Regime;
use dynamis_shared::{Action, PSP22Error, ReputationError, SCORE_MAX};
use dynamis_tests::{
    mint::{MintResult, Network},
    only,
    suite::{done, everyone, who, Suite},
    AccountId,
};
use mint_credits::{
    Activated, CreditBurned, Failure, MintError, ProposalState, Proposed, Released, Signal, DAY,
    DEFAULT_CONFIG, DEFAULT_TUNABLES, ONE_DYN,
};

const GENESIS: u128 = dyn_token::GENESIS_SUPPLY;

/// The README's worked example, every figure asserted.
#[test]
fn the_readme_worked_example() {
    let mut s = Suite::new();
    // Epochs 0–29 at 1,000 units, 30–36 at 1,500, a keeper moving the phases on the way; the
    // verifier's score topped up to 560,000 by epoch 29, then only its own work (5,000 per
    // final attestation, less decay). Epoch 37's attestation is posted.
    let mut net = Network::example(&mut s);
    let v = net.verifiers[0].account;
    assert_eq!(s.current_epoch(), 37);
    assert_eq!(s.phase(), (3, 15), "phase 1 at epoch 1, 2 at 8, 3 at 15");

    // Epoch 37: the verifier, score exactly 0.6, proposes signal A for itself.
    assert!(s.score_to(v, 600_000));
    assert!(s.authority(v, Action::ProposeMint));
    let bound = s.bound(Signal::CapacityExpansion, 500, 600_000);
    // f = Δ · rate · scarcity · (α + (1 − α) · w) = 500 · 1 DYN · 1 · (0.5 + 0.5 · 0.6).
    assert_eq!(bound, 500 * ONE_DYN * 8 / 10);
    assert_eq!(bound, 400 * ONE_DYN);
    let called = s.propose(v, Signal::CapacityExpansion, v, 400 * ONE_DYN, &[]);
    let event: Proposed = only(&called.events);
    let id = done(called).value;
    assert_eq!((event.delta, event.level, event.bound), (500, 1_500, bound));
    assert_eq!(event.activates_at, s.chain.block() + 3 * DAY);
    assert_eq!(s.supply(), GENESIS);

    // Three days of delay (epochs 37–39 at 1,500), unchallenged.
    assert_eq!(
        s.activate(who::user(1), id).value,
        Err(MintError::DelayRunning)
    );
    s.chain.advance(DAY);
    for _ in 0..2 {
        net.attest(&mut s, 1_500, Regime::Ephemeral);
        s.chain.advance(DAY);
    }
    // Epoch 40: activation mints 400 DYN into a locked credit (4 tranches of 100 DYN,
    // epochs 41–44, each at ≥ 80 % of 1,500 = 1,200 units).
    net.attest(&mut s, 1_500, Regime::Ephemeral);
    let called = s.activate(who::user(1), id);
    let event: Activated = only(&called.events);
    done(called);
    assert_eq!(event.amount, 400 * ONE_DYN);
    assert!(
        event.bound >= 400 * ONE_DYN,
        "score rose with the work: {}",
        event.bound
    );
    assert_eq!(
        (event.first_epoch, event.tranches, event.floor),
        (41, 4, 1_200)
    );
    assert_eq!(s.supply(), GENESIS + 400 * ONE_DYN);
    let mc = s.mint_credits;
    assert_eq!(s.balance(mc), 400 * ONE_DYN);
    let before = s.balance(v);

    // Epochs 41 and 42 at 1,500; epoch 43 at 900. In epoch 43 the two closed epochs release
    // 200 DYN to the verifier.
    for _ in 0..2 {
        s.chain.advance(DAY);
        net.attest(&mut s, 1_500, Regime::Ephemeral);
    }
    s.chain.advance(DAY);
    assert_eq!(s.current_epoch(), 43);
    net.attest(&mut s, 900, Regime::Ephemeral);
    let called = s.release(who::user(1), id);
    let event: Released = only(&called.events);
    done(called);
    assert_eq!(
        (event.amount, event.paid, event.locked),
        (200 * ONE_DYN, 2, 200 * ONE_DYN)
    );
    assert_eq!(s.balance(v) - before, 200 * ONE_DYN);
    assert_eq!(s.supply(), GENESIS + 400 * ONE_DYN);

    // Epoch 43 closes at 900 units, below 1,200: in epoch 44 anyone burns the 200 DYN left.
    s.chain.advance(DAY);
    net.finalize(&mut s);
    assert_eq!(s.capacity(v, 43), 900);
    assert_eq!(
        s.release(who::user(1), id).value,
        Err(MintError::NothingToRelease)
    );
    let called = s.burn_on_drop(who::user(2), id);
    let event: CreditBurned = only(&called.events);
    done(called);
    assert_eq!(
        (event.amount, event.epoch, event.reason),
        (200 * ONE_DYN, Some(43), Failure::CapacityDrop)
    );
    assert_eq!(s.supply(), GENESIS + 200 * ONE_DYN);
    assert_eq!(s.balance(mc), 0);
    let totals = s.mint_totals();
    assert_eq!(totals.minted, [400 * ONE_DYN, 0, 0, 0]);
    assert_eq!(totals.burned, [200 * ONE_DYN, 0, 0, 0]);
    assert_eq!(totals.locked, 0);
    assert_eq!(
        s.proposal(id).map(|p| p.state),
        Some(ProposalState::Activated)
    );
}

/// Gives `who` challenge authority (score 200,000 and history) and DYN for deposits, approved.
fn challenger(s: &mut Suite, who: AccountId) {
    let target = s.score(who).max(200_000);
    while !s.score_to(who, target) {
        s.chain.advance(DAY);
    }
    assert!(s.authority(who, Action::Challenge));
    s.give(who, 1_000 * ONE_DYN);
    s.allow_mint(who, 1_000 * ONE_DYN);
}

/// G2: a challenge suspends the proposal; upheld, it cancels it, returns the deposit and cuts
/// the proposer's reputation; only the resolver decides.
#[test]
fn an_upheld_challenge_cancels_the_proposal_and_cuts_the_proposer() {
    let mut s = Suite::new();
    let net = Network::example(&mut s);
    let (v, c) = (net.verifiers[0].account, net.verifiers[1].account);
    let id = done(s.propose(v, Signal::CapacityExpansion, v, 300 * ONE_DYN, &[])).value;
    // A challenger without an active bond is refused, and so is one without authority.
    let outsider = who::user(3);
    s.give(outsider, 1_000 * ONE_DYN);
    assert_eq!(
        s.challenge_mint(outsider, id).value,
        Err(MintError::NoAuthority)
    );
    challenger(&mut s, c);
    let held = s.balance(c);
    done(s.challenge_mint(c, id));
    let deposit = DEFAULT_TUNABLES.challenge_deposit;
    assert_eq!(s.balance(c), held - deposit);
    assert_eq!(s.balance(s.mint_credits), deposit);
    // Suspended: no activation however long it waits.
    s.chain.advance(10 * DAY);
    assert_eq!(
        s.activate(who::user(1), id).value,
        Err(MintError::NotAnnounced)
    );
    for caller in everyone(&s).into_iter().filter(|a| *a != who::resolver()) {
        let refused = s.resolve_mint(caller, id, true).value;
        assert_eq!(refused, Err(MintError::NotResolver), "{caller:?}");
    }
    let score = s.score(v);
    done(s.resolve_mint(who::resolver(), id, true));
    assert_eq!(
        s.proposal(id).map(|p| p.state),
        Some(ProposalState::Cancelled)
    );
    assert_eq!(s.balance(c), held, "deposit returned");
    // The registry's SLA cut keeps 80 %.
    let retain = s.rep_params().retain_after_sla_ppb;
    assert_eq!(
        s.score(v),
        (u64::from(score) * u64::from(retain) / 1_000_000_000) as u32
    );
    assert_eq!(
        s.activate(who::user(1), id).value,
        Err(MintError::NotAnnounced)
    );
    assert_eq!(s.supply(), GENESIS);
    assert_eq!(s.mint_totals().minted, [0; 4]);
}

/// Phase 2: signals B–E cite final attestations of their regime and mint a quarter of f; a
/// rejected challenge burns its deposit and the proposal resumes; a permanent credit releases
/// only while the beneficiary holds an archival bond.
#[test]
fn phase_2_mints_from_cited_attestations_at_a_quarter_of_the_bound() {
    let mut s = Suite::new();
    // Reputation governance lowers the proposer thresholds to their floor (score 150,000, one
    // active epoch) so that phase 2 can be reached with a proposer in it.
    let mut p = s.rep_params();
    p.min_score[Action::ProposeMint.index()] = 150_000;
    p.min_active_epochs[Action::ProposeMint.index()] = 1;
    let set = s.rep_call::<Result<(), ReputationError>>(
        who::governance(),
        dynamis_tests::suite::selector::SET_PARAMS,
        p,
    );
    done(set);
    let mut net = Network::new(&mut s, 3);
    let (v, c) = (net.verifiers[0].account, net.verifiers[1].account);
    net.run(&mut s, 9, 1_000, v, 300_000);
    assert_eq!(s.phase().0, 2);
    challenger(&mut s, c);
    let permanent = net.attest(&mut s, 1_000, Regime::Permanent);
    s.chain.advance(DAY);
    net.attest(&mut s, 1_000, Regime::Ephemeral);
    assert_eq!(
        s.propose(v, Signal::CapacityExpansion, v, ONE_DYN, &[])
            .value,
        Err(MintError::SignalNotOpen)
    );
    // f for 1,000 permanent units at 0.1 DYN each, the beneficiary's weight, then a quarter.
    let score = s.score(v);
    let weight = 500_000_000 + 500_000_000 * u128::from(score) / u128::from(SCORE_MAX);
    let expected = 1_000 * (ONE_DYN / 10) * weight / 1_000_000_000 / 4;
    let bound = s.bound(Signal::PermanentLiability, 1_000, score);
    assert_eq!(bound, expected);
    assert_eq!(
        s.propose(v, Signal::PermanentLiability, v, bound + 1, &[permanent])
            .value,
        Err(MintError::AboveBound { bound })
    );
    let id = done(s.propose(v, Signal::PermanentLiability, v, bound, &[permanent])).value;
    assert_eq!(
        s.propose(v, Signal::PermanentLiability, v, 1, &[permanent])
            .value,
        Err(MintError::EvidenceUsed)
    );
    // A challenge without an allowance fails in the token, and nothing changes.
    s.approve_mint(c, 0);
    let refused = s.challenge_mint(c, id).value;
    assert_eq!(
        refused,
        Err(MintError::Token(PSP22Error::InsufficientAllowance))
    );
    assert_eq!(
        s.proposal(id).map(|p| p.state),
        Some(ProposalState::Announced)
    );
    s.allow_mint(c, 1_000 * ONE_DYN);
    s.chain.advance(DAY);
    done(s.challenge_mint(c, id));
    done(s.resolve_mint(who::resolver(), id, false));
    let deposit = DEFAULT_TUNABLES.challenge_deposit;
    assert_eq!(
        s.supply(),
        GENESIS - deposit,
        "the rejected challenger's deposit burned"
    );
    // Resumed with the two days it had left.
    assert_eq!(
        s.activate(who::user(1), id).value,
        Err(MintError::DelayRunning)
    );
    s.chain.advance(2 * DAY);
    done(s.activate(who::user(1), id));
    let credit = s.credit(id).expect("credit");
    assert_eq!(s.supply(), GENESIS - deposit + credit.amount);
    assert!(credit.amount <= bound * 11 / 10 && credit.amount > 0);
    // The first obligation epoch (the next) closes at 1,000 ≥ 800 units; no archival bond,
    // no release.
    for _ in 0..2 {
        net.attest(&mut s, 1_000, Regime::Ephemeral);
        s.chain.advance(DAY);
    }
    net.attest(&mut s, 1_000, Regime::Ephemeral);
    assert_eq!(s.current_epoch(), credit.first_epoch + 1);
    assert_eq!(
        s.release(who::user(1), id).value,
        Err(MintError::ArchivesNotHeld)
    );
    s.bond_new(v, dynamis_shared::Role::Archival, 100 * ONE_DYN);
    let before = s.balance(v);
    done(s.release(who::user(1), id));
    assert_eq!(s.balance(v) - before, credit.amount / 4);
    assert_eq!(s.mint_totals().minted[3], credit.amount);
}

/// G7 and the roles: governance tunes inside the bounds and nothing else; it cannot propose,
/// mint, move a phase or touch a ceiling; every privileged message refuses everyone else.
#[test]
fn governance_can_never_mint_propose_or_raise_a_ceiling() {
    let mut s = Suite::new();
    let g = who::governance();
    let mut t = DEFAULT_TUNABLES;
    t.delay_blocks = 5 * DAY;
    t.sustain_epochs = 10;
    for caller in everyone(&s).into_iter().filter(|a| *a != g) {
        assert_eq!(
            s.set_tunables(caller, t).value,
            Err(MintError::NotGovernance)
        );
        for failure in [Failure::Archival, Failure::Misreport] {
            let r: MintResult = s.report_failure(caller, 0, failure).value;
            if caller != who::resolver() {
                assert_eq!(r, Err(MintError::NotResolver));
            }
        }
    }
    let mut wild = t;
    wild.alpha_ppb = 900_000_000;
    assert_eq!(
        s.set_tunables(g, wild).value,
        Err(MintError::ParamOutOfBounds)
    );
    done(s.set_tunables(g, t));
    assert_eq!(s.tunables(), t);
    let config: mint_credits::Config = s.mint_query(dynamis_tests::mint::selector::CONFIG, ());
    assert_eq!(
        config, DEFAULT_CONFIG,
        "no message changes the ceilings or rates"
    );
    // Governance proposes nothing, mints nothing, moves no phase.
    assert_eq!(
        s.propose(g, Signal::PermanentLiability, g, ONE_DYN, &[0])
            .value,
        Err(MintError::GovernanceCannotPropose)
    );
    let token = s.token;
    let minted = token.mint(&mut s.chain, g, ONE_DYN).value;
    assert_eq!(minted, Err(PSP22Error::Custom("NotMinter".into())));
    assert_eq!(
        s.advance_phase(g, 0, &[]).value,
        Err(MintError::PhaseConditionUnmet)
    );
    assert_eq!(s.phase(), (0, 0));
    // The minter is mint_credits for good: the admin cannot re-point it.
    let admin = who::admin();
    let relock = token.lock_minter(&mut s.chain, admin, Some(admin)).value;
    assert_eq!(relock, Err(dyn_token::TokenError::MinterAlreadyLocked));
    assert_eq!(s.supply(), GENESIS);
}

/// What only a live suite can make fail: a dependency that is not there, a contract that is
/// not the token's minter, one that is not a reputation writer.
#[test]
fn a_contract_outside_the_wiring_cannot_mint_or_cut() {
    let mut s = Suite::new();
    let real = s.mint_credits;
    s.mint_credits = s.deploy_mint_credits(dynamis_tests::account(0), vec![1]);
    let r = s.advance_phase(who::user(1), 0, &[]).value;
    assert_eq!(r, Err(MintError::CallFailed));
    s.mint_credits = real;

    // A second mint_credits over the real suite, its phases kept alongside the real one's:
    // the same rules, but neither the token's minter nor a reputation writer.
    let attestations = s.attestations;
    let rogue = s.deploy_mint_credits(attestations, vec![2]);
    let mut net = Network::new(&mut s, 3);
    net.keep.push(rogue);
    net.run_example(&mut s);
    let (v, c) = (net.verifiers[0].account, net.verifiers[1].account);
    s.mint_credits = rogue;
    assert_eq!(s.phase(), (3, 15));
    let id = done(s.propose(v, Signal::CapacityExpansion, v, 300 * ONE_DYN, &[])).value;
    challenger(&mut s, c);
    done(s.challenge_mint(c, id));
    let refused = s.resolve_mint(who::resolver(), id, true).value;
    assert_eq!(
        refused,
        Err(MintError::Reputation(ReputationError::NotWriter))
    );
    assert_eq!(
        s.proposal(id).map(|p| p.state),
        Some(ProposalState::Challenged)
    );
    done(s.resolve_mint(who::resolver(), id, false));
    s.chain.advance(3 * DAY);
    let refused = s.activate(who::user(1), id).value;
    assert_eq!(
        refused,
        Err(MintError::Token(PSP22Error::Custom("NotMinter".into())))
    );
    assert_eq!(
        s.mint_totals().minted,
        [0; 4],
        "the refused mint left no trace"
    );
    s.mint_credits = real;
    assert_eq!(s.supply(), GENESIS - DEFAULT_TUNABLES.challenge_deposit);
}
