//! mint_credits on the compiled suite: the README's worked example step by step, each
//! guardrail holding and refusing, and the errors only a live suite can produce.

use bonding::SlashReported;
use dynamis_proofs::Regime;
use dynamis_shared::{Action, BondingError, PSP22Error, Role, SlashClass, SCORE_MAX};
use dynamis_tests::{
    all, bundle,
    mint::{MintResult, Network, EXAMPLE_BOND},
    only,
    suite::{done, everyone, who, Suite},
    BundleProvider,
};
use mint_credits::{
    Activated, CreditBurned, Failure, MintError, Phase, ProposalState, Proposed, Released,
    Signal, DAY, DEFAULT_PARAMS, DEFAULT_TUNABLES, ONE_DYN,
};
use std::collections::BTreeSet;

const GENESIS: u128 = dyn_token::GENESIS_SUPPLY;

/// The README's worked example, every figure asserted.
#[test]
fn the_readme_worked_example() {
    let mut s = Suite::new();
    // Epochs 0–29 at 3,000 units (1,000 for each of three co-signers), 30–39 at 4,500 (1,500
    // each), a keeper moving the phases on the way; verifier 1 bonded with 20,000 DYN, its
    // score topped up to 560,000 by epoch 29, then only its own work. Epoch 40's attestation
    // is posted.
    let mut net = Network::example(&mut s);
    let v = net.verifiers[0].account;
    assert_eq!(s.current_epoch(), 40);
    assert_eq!(
        s.phase(),
        (Phase::Measured, 18),
        "phase 1 at epoch 4, 2 at 11, 3 at 18"
    );
    // The newest final epoch at the start of epoch 40 is 36.
    assert_eq!(s.newest_closed_epoch(), Some(36));
    assert!(s.is_final(36) && !s.is_final(37));
    assert_eq!(s.capacity(v, 36, Regime::Ephemeral), Some(1_500));
    assert_eq!(s.capacity(v, 29, Regime::Ephemeral), Some(1_000));
    assert_eq!(s.capacity(v, 37, Regime::Ephemeral), None);

    // Epoch 40: the verifier, score exactly 0.6, proposes signal A for itself.
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
    assert_eq!(s.claimed(v, Regime::Ephemeral), 1_500);
    assert_eq!(EXAMPLE_BOND / DEFAULT_PARAMS.bond_per_unit, 2_000);
    assert_eq!(s.supply(), GENESIS);

    // Three days of delay (epochs 40–42 at 4,500), unchallenged.
    assert_eq!(
        s.activate(who::user(1), id).value,
        Err(MintError::DelayRunning)
    );
    s.chain.advance(DAY);
    for _ in 0..2 {
        net.attest(&mut s, 4_500, Regime::Ephemeral);
        s.chain.advance(DAY);
    }
    // Epoch 43: activation mints 400 DYN into a locked credit (4 tranches of 100 DYN,
    // epochs 44–47, each needing ≥ 80 % of 1,500 = 1,200 units of verifier 1's share).
    net.attest(&mut s, 4_500, Regime::Ephemeral);
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
        (44, 4, 1_200)
    );
    assert_eq!(event.required, vec![1_200; 4]);
    assert_eq!(s.supply(), GENESIS + 400 * ONE_DYN);
    let mc = s.mint_credits;
    assert_eq!(s.balance(mc), 400 * ONE_DYN);
    let before = s.balance(v);

    // Epoch 44 at 4,500. At the first block of epoch 45 the work is in, but epoch 44 is not
    // final (it closes in epoch 47): a stranger can burn nothing.
    s.chain.advance(DAY);
    net.attest(&mut s, 4_500, Regime::Ephemeral);
    s.chain.advance(DAY);
    assert_eq!(s.current_epoch(), 45);
    assert_eq!(
        s.burn_on_drop(who::user(7), id).value,
        Err(MintError::EpochNotFinal)
    );
    assert_eq!(
        s.release(who::user(7), id).value,
        Err(MintError::NothingToRelease)
    );
    // Epoch 45 at 4,500, epoch 46 at 2,700 (900 each), then 47 and 48 at 4,500.
    for units in [4_500, 2_700, 4_500, 4_500] {
        net.attest(&mut s, units, Regime::Ephemeral);
        s.chain.advance(DAY);
    }
    // Epoch 49: epochs 44 and 45 are final at 1,500: `release` pays 200 DYN.
    assert_eq!(s.current_epoch(), 49);
    net.attest(&mut s, 4_500, Regime::Ephemeral);
    assert_eq!(s.newest_closed_epoch(), Some(45));
    let called = s.release(who::user(1), id);
    let event: Released = only(&called.events);
    done(called);
    assert_eq!(
        (event.amount, event.paid, event.locked),
        (200 * ONE_DYN, 2, 200 * ONE_DYN)
    );
    assert_eq!(s.balance(v) - before, 200 * ONE_DYN);
    assert_eq!(s.supply(), GENESIS + 400 * ONE_DYN);
    assert_eq!(
        s.burn_on_drop(who::user(2), id).value,
        Err(MintError::EpochNotFinal)
    );

    // Epoch 50: epoch 46 is final at 900 units, below 1,200: anyone burns the 200 DYN left.
    s.chain.advance(DAY);
    net.attest(&mut s, 4_500, Regime::Ephemeral);
    assert_eq!(s.capacity(v, 46, Regime::Ephemeral), Some(900));
    assert_eq!(
        s.release(who::user(1), id).value,
        Err(MintError::NothingToRelease)
    );
    let called = s.burn_on_drop(who::user(2), id);
    let event: CreditBurned = only(&called.events);
    done(called);
    assert_eq!(
        (event.amount, event.epoch, event.reason),
        (200 * ONE_DYN, Some(46), Failure::CapacityDrop)
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


/// G2: a challenge suspends the proposal; upheld, it cancels it, returns the deposit and
/// slashes the proposer's bond in full; only the resolver decides.
#[test]
fn an_upheld_challenge_cancels_the_proposal_and_slashes_the_proposer() {
    let mut s = Suite::new();
    let net = Network::example(&mut s);
    let (v, c) = (net.verifiers[0].account, net.verifiers[1].account);
    let id = done(s.propose(v, Signal::CapacityExpansion, v, 300 * ONE_DYN, &[])).value;
    // A challenger without authority is refused.
    let outsider = who::user(3);
    s.give(outsider, 1_000 * ONE_DYN);
    assert_eq!(
        s.challenge_mint(outsider, id).value,
        Err(MintError::NoAuthority)
    );
    s.make_challenger(c);
    let held = s.balance(c);
    done(s.challenge_mint(c, id));
    let deposit = DEFAULT_TUNABLES.challenge_deposit;
    assert_eq!(s.balance(c), held - deposit);
    assert_eq!(s.balance(s.mint_credits), deposit);
    // Suspended: no activation however long it waits (up to the resolver's deadline).
    s.chain.advance(5 * DAY);
    assert_eq!(
        s.activate(who::user(1), id).value,
        Err(MintError::NotAnnounced)
    );
    for caller in everyone(&s).into_iter().filter(|a| *a != who::resolver()) {
        let refused = s.resolve_mint(caller, id, true).value;
        assert_eq!(refused, Err(MintError::NotResolver), "{caller:?}");
    }
    let bond = s.stake(v, Role::Verifier).active;
    assert_eq!(bond, EXAMPLE_BOND);
    let called = s.resolve_mint(who::resolver(), id, true);
    let slashes: Vec<SlashReported> = all(&called.events);
    done(called);
    assert_eq!(
        s.proposal(id).map(|p| p.state),
        Some(ProposalState::Cancelled)
    );
    assert_eq!(s.balance(c), held, "deposit returned");
    // The proposer's verifier bond is reserved in full (malicious), the challenger the
    // beneficiary of the reporter's share.
    assert_eq!(slashes.len(), 1);
    let slash = &slashes[0];
    assert_eq!(
        (slash.offender, slash.role, slash.class, slash.amount),
        (v, Role::Verifier, SlashClass::Malicious, bond)
    );
    assert_eq!(slash.beneficiary, c);
    assert_eq!(s.stake(v, Role::Verifier).active, 0);
    assert_eq!(
        s.activate(who::user(1), id).value,
        Err(MintError::NotAnnounced)
    );
    assert_eq!(s.supply(), GENESIS);
    assert_eq!(s.mint_totals().minted, [0; 4]);
}


/// Phase 2: signals B–E cite final attestations of their regime (the beneficiary's share)
/// and mint a quarter of f; a rejected challenge burns its deposit and the proposal resumes; a
/// permanent credit releases only while the beneficiary holds an archival bond, against its
/// permanent capacity.
#[test]
fn phase_2_mints_from_cited_shares_at_a_quarter_of_the_bound() {
    let mut s = Suite::new();
    s.lenient_proposers();
    let bonds = [EXAMPLE_BOND, 100 * ONE_DYN, 100 * ONE_DYN];
    let mut net = Network::with_bonds(&mut s, &bonds);
    let (v, c) = (net.verifiers[0].account, net.verifiers[1].account);
    net.run(&mut s, 12, 3_000, v, 300_000);
    assert_eq!(s.phase().0, Phase::Conditional);
    s.make_challenger(c);
    // 3,000 permanent units, co-signed by three: verifier 1's share is 1,000.
    let permanent = net.attest(&mut s, 3_000, Regime::Permanent);
    let epoch = s.current_epoch();
    s.close_epoch(epoch);
    net.attest(&mut s, 3_000, Regime::Ephemeral);
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
    assert_eq!(s.proposal(id).map(|p| p.delta), Some(1_000));
    assert!(s.is_cited(permanent, v) && !s.is_cited(permanent, c));
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
    let called = s.activate(who::user(1), id);
    let activated: Activated = only(&called.events);
    done(called);
    let credit = s.credit(id).expect("credit");
    assert_eq!(s.supply(), GENESIS - deposit + credit.amount);
    assert_eq!(credit.amount, bound.min(activated.bound));
    assert_eq!(credit.floor, 800);
    // The obligation epochs need 800 permanent units of verifier 1's share (2,400 in all).
    for _ in 0..6 {
        net.attest(&mut s, 2_400, Regime::Permanent);
        s.chain.advance(DAY);
    }
    net.attest(&mut s, 2_400, Regime::Permanent);
    assert!(s.is_final(credit.first_epoch));
    assert_eq!(
        s.release(who::user(1), id).value,
        Err(MintError::ArchivesNotHeld)
    );
    s.bond_new(v, Role::Archival, 100 * ONE_DYN);
    let before = s.balance(v);
    done(s.release(who::user(1), id));
    assert!(s.balance(v) - before >= credit.amount / 4);
    assert_eq!(s.mint_totals().minted[3], credit.amount);
}

/// The messages of mint_credits that change state: none of them sets the ceilings, rates,
/// curves or the minter.
const MUTATING: [&str; 12] = [
    "advance_phase",
    "propose",
    "consent",
    "challenge",
    "resolve",
    "expire_challenge",
    "expire",
    "activate",
    "release",
    "burn_on_drop",
    "report_failure",
    "set_tunables",
];

/// G7 and the roles: governance tunes inside the bounds and nothing else; it cannot propose,
/// mint, move a phase or touch a ceiling (no message sets one); every privileged message
/// refuses everyone else.
#[test]
fn governance_can_never_mint_propose_or_raise_a_ceiling() {
    // The contract's whole list of state-changing messages, from its metadata.
    let b = bundle(BundleProvider::MintCredits);
    let mutating: BTreeSet<String> = b
        .transcoder
        .metadata()
        .spec()
        .messages()
        .iter()
        .filter(|m| m.mutates())
        .map(|m| m.label().to_string())
        .collect();
    let expected: BTreeSet<String> = MUTATING.iter().map(|m| m.to_string()).collect();
    assert_eq!(mutating, expected);

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
            let expected = if caller == who::resolver() {
                MintError::NoCredit
            } else {
                MintError::NotResolver
            };
            assert_eq!(r, Err(expected), "{caller:?}");
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
    // Governance calls every other state-changing message: each is refused, and nothing of
    // the fixed parameters or the totals moved.
    let refusals = [
        s.advance_phase(g, 0, &[]).value,
        s.propose(g, Signal::PermanentLiability, g, ONE_DYN, &[0])
            .value
            .map(|_| ()),
        s.challenge_mint(g, 0).value,
        s.resolve_mint(g, 0, true).value,
        s.expire_challenge(g, 0).value,
        s.expire(g, 0).value,
        s.activate(g, 0).value,
        s.release(g, 0).value,
        s.burn_on_drop(g, 0).value,
        s.report_failure(g, 0, Failure::Misreport).value,
    ];
    assert_eq!(
        refusals,
        [
            Err(MintError::PhaseConditionUnmet),
            Err(MintError::GovernanceCannotPropose),
            Err(MintError::UnknownProposal),
            Err(MintError::NotResolver),
            Err(MintError::UnknownProposal),
            Err(MintError::UnknownProposal),
            Err(MintError::UnknownProposal),
            Err(MintError::NoCredit),
            Err(MintError::NoCredit),
            Err(MintError::NotResolver),
        ]
    );
    assert_eq!(s.mint_params(), DEFAULT_PARAMS, "no message changes the ceilings or rates");
    assert_eq!(s.mint_totals(), mint_credits::Totals::default());
    assert_eq!(s.phase(), (Phase::Fixed, 0));
    // Governance mints nothing itself, and the minter is mint_credits for good.
    let token = s.token;
    let minted = token.mint(&mut s.chain, g, ONE_DYN).value;
    assert_eq!(minted, Err(PSP22Error::Custom("NotMinter".into())));
    let admin = who::admin();
    let relock = token.lock_minter(&mut s.chain, admin, Some(admin)).value;
    assert_eq!(relock, Err(dyn_token::TokenError::MinterAlreadyLocked));
    assert_eq!(s.supply(), GENESIS);
}

/// What only a live suite can make fail: a dependency that is not there, a contract that is
/// not the token's minter, one that is not a bonding reporter.
#[test]
fn a_contract_outside_the_wiring_cannot_mint_or_slash() {
    let mut s = Suite::new();
    let real = s.mint_credits;
    s.mint_credits = s.deploy_mint_credits(dynamis_tests::account(0), vec![1]);
    let r = s.advance_phase(who::user(1), 0, &[]).value;
    assert_eq!(r, Err(MintError::CallFailed));
    s.mint_credits = real;

    // A second mint_credits over the real suite, its phases kept alongside the real one's:
    // the same rules, but neither the token's minter nor a bonding reporter.
    let attestations = s.attestations;
    let rogue = s.deploy_mint_credits(attestations, vec![2]);
    let bonds = [EXAMPLE_BOND, 100 * ONE_DYN, 100 * ONE_DYN];
    let mut net = Network::with_bonds(&mut s, &bonds);
    net.keep.push(rogue);
    net.run_example(&mut s);
    let (v, c) = (net.verifiers[0].account, net.verifiers[1].account);
    s.mint_credits = rogue;
    assert_eq!(s.phase(), (Phase::Measured, 18));
    let id = done(s.propose(v, Signal::CapacityExpansion, v, 300 * ONE_DYN, &[])).value;
    s.make_challenger(c);
    done(s.challenge_mint(c, id));
    let refused = s.resolve_mint(who::resolver(), id, true).value;
    assert_eq!(
        refused,
        Err(MintError::Bonding(BondingError::NotReporter))
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
