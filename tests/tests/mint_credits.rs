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

/// Runs the network `epochs` epochs at `units` each, letting a keeper advance the phase
/// whenever it can and building `builder`'s reputation towards (not above) `ceiling`.
fn run(
    s: &mut Suite,
    net: &mut Network,
    epochs: u32,
    units: u64,
    builder: AccountId,
    ceiling: u32,
) {
    let accounts = net.accounts();
    for _ in 0..epochs {
        net.attest(s, units, Regime::Ephemeral);
        let closed = s.current_epoch().saturating_sub(1);
        let _ = s.advance_phase(who::user(1), closed, &accounts);
        let target = ceiling.min(s.score(builder).saturating_add(15_000));
        s.score_to(builder, target);
        s.chain.advance(DAY);
    }
}

/// The README's worked example, every figure asserted.
#[test]
fn the_readme_worked_example() {
    let mut s = Suite::new();
    let mut net = Network::new(&mut s, 3);
    let v = net.verifiers[0].account;
    assert_eq!(s.current_epoch(), 0);
    // Epochs 0–29 at 1,000 units, 30–36 at 1,500; the keeper moves the phases on the way.
    // (The verifier's score: topped up to 560,000 by epoch 29, then only its own work:
    // 5,000 per final attestation, less decay.)
    run(&mut s, &mut net, 30, 1_000, v, 560_000);
    run(&mut s, &mut net, 7, 1_500, v, 0);
    assert_eq!(s.current_epoch(), 37);
    let (phase, since) = s.phase();
    assert_eq!(
        (phase, since),
        (3, 15),
        "phase 1 at epoch 1, 2 at 8, 3 at 15"
    );

    // Epoch 37: the verifier, score exactly 0.6, proposes signal A for itself.
    net.attest(&mut s, 1_500, Regime::Ephemeral);
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
