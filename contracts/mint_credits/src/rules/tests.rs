//! The rules against a model of the rest of the suite ([`Mock`]). Test code only (compiled
//! under `cfg(test)`): a failed expectation panics, as a test assertion does.
#![cfg(test)]

use super::mock::{acc, Mock, LAG};
use super::*;
use crate::params::{Tunables, DAY, DEFAULT_PARAMS, DEFAULT_TUNABLES, MAX_EVIDENCE, ONE_DYN};
use dynamis_proofs::Regime;
use dynamis_shared::{math::PPB, Role, SlashClass, SCORE_MAX};

const GOV: u8 = 1;
const RESOLVER: u8 = 2;
const PROPOSER: u8 = 10;
const CHALLENGER: u8 = 11;
const NOBODY: u8 = 12;
const N: u32 = DEFAULT_TUNABLES.sustain_epochs;

fn ok<T>(r: Result<T, MintError>) -> T {
    r.unwrap_or_else(|e| panic!("{e:?}"))
}

impl Mock {
    /// PROPOSER and CHALLENGER reputable and bonded as verifiers (100,000 DYN: 10,000 units
    /// backed), PROPOSER at score 600,000; governance too, to show it is refused by name.
    fn new() -> Self {
        let m = Mock::default();
        for who in [acc(PROPOSER), acc(CHALLENGER), acc(GOV)] {
            m.authority.borrow_mut().push(who);
            m.bond(who, Role::Verifier, 100_000 * ONE_DYN);
        }
        m.scores.borrow_mut().insert(acc(PROPOSER), 600_000);
        m
    }
}

fn credits() -> Credits {
    ok(Credits::new(
        DEFAULT_PARAMS,
        DEFAULT_TUNABLES,
        acc(GOV),
        acc(RESOLVER),
    ))
}

/// Drives the rollout to `phase` on a network of three verifiers at 1,000 units.
fn at_phase(c: &mut Credits, w: &Mock, phase: Phase) {
    let vs = [acc(20), acc(21), acc(22)];
    for v in vs {
        w.set_capacity(v, 0..300, 1_000);
    }
    let mut epoch = LAG + 1;
    while c.phase < phase {
        w.at(epoch);
        let _ = c.advance_phase(w, 0, &vs);
        epoch += N;
    }
}

/// `by` proposes `amount` on `signal` for PROPOSER, citing `cited`, at block 0.
fn ask(
    c: &mut Credits,
    w: &Mock,
    by: AccountId,
    signal: Signal,
    amount: u128,
    cited: &[u64],
) -> Result<u64, MintError> {
    c.propose(w, by, signal, acc(PROPOSER), amount, cited, [0; 32], 0)
        .map(|(id, _)| id)
}

fn propose_a(c: &mut Credits, w: &Mock, amount: u128) -> Result<u64, MintError> {
    ask(c, w, acc(PROPOSER), Signal::CapacityExpansion, amount, &[])
}

/// PROPOSER at 1,000 units for N epochs from `from`, then 1,500 for N epochs; the current
/// epoch set to when the last of them is closed. Returns it.
fn grown(w: &Mock, from: u32) -> u32 {
    w.set_capacity(acc(PROPOSER), from..from + N, 1_000);
    w.set_capacity(acc(PROPOSER), from + N..from + 2 * N, 1_500);
    let now = Mock::closed_at(from + 2 * N - 1);
    w.at(now);
    now
}

#[ink::test]
fn phases_move_forward_only_on_final_capacity() {
    let (mut c, w) = (credits(), Mock::new());
    let vs = [acc(20), acc(21), acc(22)];
    w.at(5);
    // Phase 0: two verifiers (one named twice) are not three; an epoch not final is no witness.
    w.set_capacity(acc(20), 0..5, 10);
    w.set_capacity(acc(21), 0..5, 10);
    let twice = [acc(20), acc(21), acc(21)];
    assert_eq!(
        c.advance_phase(&w, 2, &twice),
        Err(MintError::PhaseConditionUnmet)
    );
    w.set_capacity(acc(22), 0..6, 10);
    assert_eq!(c.advance_phase(&w, 3, &vs), Err(MintError::EpochNotFinal));
    let long = [acc(20); MAX_EVIDENCE as usize + 1];
    assert_eq!(
        c.advance_phase(&w, 2, &long),
        Err(MintError::EvidenceTooLong)
    );
    assert_eq!(c.phase(), (Phase::Fixed, 0));
    let events = ok(c.advance_phase(&w, 2, &vs));
    assert_eq!(
        events,
        vec![MintEvent::PhaseAdvanced(PhaseAdvanced {
            from: 0,
            to: 1,
            epoch: 5
        })]
    );
    // Phase 1 → 2: N epochs in the phase and the last N closed epochs final at the floor.
    w.at(5 + N - 1);
    assert_eq!(
        c.advance_phase(&w, 0, &[]),
        Err(MintError::PhaseConditionUnmet)
    );
    w.at(5 + N);
    let newest = 5 + N - LAG;
    let window = newest + 1 - N..newest + 1;
    assert_eq!(
        c.advance_phase(&w, 0, &[]),
        Err(MintError::PhaseConditionUnmet)
    );
    w.set_capacity(acc(20), window.clone(), 499);
    assert_eq!(
        c.advance_phase(&w, 0, &[]),
        Err(MintError::PhaseConditionUnmet)
    );
    w.set_capacity(acc(20), window, 500);
    w.open_dispute(newest);
    assert_eq!(c.advance_phase(&w, 0, &[]), Err(MintError::EpochNotFinal));
    w.close_disputes();
    ok(c.advance_phase(&w, 0, &[]));
    assert_eq!(c.phase(), (Phase::Conditional, 5 + N));
    // Phase 2 → 3 needs the higher floor (1,000).
    w.at(5 + 2 * N);
    let newest = 5 + 2 * N - LAG;
    assert_eq!(
        c.advance_phase(&w, 0, &[]),
        Err(MintError::PhaseConditionUnmet)
    );
    w.set_capacity(acc(20), newest + 1 - N..newest + 1, 1_000);
    ok(c.advance_phase(&w, 0, &[]));
    assert_eq!(c.phase().0, Phase::Measured);
    w.at(1_000);
    assert_eq!(c.advance_phase(&w, 0, &vs), Err(MintError::PhaseFinal));
    assert_eq!(c.phase().0, Phase::Measured);
}

#[ink::test]
fn phases_0_and_1_refuse_every_proposal_and_phase_2_holds_back_signal_a() {
    let (mut c, w) = (credits(), Mock::new());
    w.attest(7, 3, 1_000, Regime::Permanent, &[PROPOSER], true);
    let p = acc(PROPOSER);
    for phase in [Phase::Fixed, Phase::Observed] {
        at_phase(&mut c, &w, phase);
        for signal in [Signal::CapacityExpansion, Signal::PermanentLiability] {
            assert_eq!(
                ask(&mut c, &w, p, signal, 1, &[7]),
                Err(MintError::PhaseClosed)
            );
        }
    }
    at_phase(&mut c, &w, Phase::Conditional);
    assert_eq!(propose_a(&mut c, &w, 1), Err(MintError::SignalNotOpen));
    // B in phase 2: a quarter of f. 1,000 units × 0.1 DYN × 1 × (0.5 + 0.5 × 0.6) / 4.
    let full = 80 * ONE_DYN;
    assert_eq!(
        ask(
            &mut c,
            &w,
            p,
            Signal::PermanentLiability,
            full / 4 + 1,
            &[7]
        ),
        Err(MintError::AboveBound { bound: full / 4 })
    );
    assert_eq!(
        ask(&mut c, &w, p, Signal::PermanentLiability, full / 4, &[7]),
        Ok(0)
    );
}

#[ink::test]
fn the_bound_is_the_documented_f() {
    let (mut c, w) = (credits(), Mock::new());
    at_phase(&mut c, &w, Phase::Measured);
    // The README's example: Δ = 500 units, score 0.6, α = 0.5, nothing minted yet.
    assert_eq!(c.bound(Regime::Ephemeral, 500, 600_000), 400 * ONE_DYN);
    // w = 0 leaves α of it, w = 1 all of it; a score above the maximum counts as the max.
    assert_eq!(c.bound(Regime::Ephemeral, 500, 0), 250 * ONE_DYN);
    assert_eq!(c.bound(Regime::Ephemeral, 500, SCORE_MAX), 500 * ONE_DYN);
    assert_eq!(c.bound(Regime::Ephemeral, 500, u32::MAX), 500 * ONE_DYN);
    // Rates fall with the regime's horizon: 1, 0.5, 0.25, 0.1 DYN per unit.
    let rates: Vec<u128> = Regime::ALL
        .iter()
        .map(|r| c.bound(*r, 1_000, SCORE_MAX))
        .collect();
    assert_eq!(
        rates,
        vec![1_000 * ONE_DYN, 500 * ONE_DYN, 250 * ONE_DYN, 100 * ONE_DYN]
    );
    // Scarcity: with half of each ceiling minted, (1/2)^k with k = 1, 2, 3, 4.
    for (i, r) in Regime::ALL.iter().enumerate() {
        c.totals.minted[i] = DEFAULT_PARAMS.ceilings[i] / 2;
        let k = DEFAULT_PARAMS.curves[i];
        assert_eq!(c.scarcity_ppb(*r), PPB >> k, "{r:?}");
        assert_eq!(c.bound(*r, 1_000, SCORE_MAX), rates[i] >> k, "{r:?}");
    }
    // Never above what the ceiling leaves.
    let left = DEFAULT_PARAMS.ceilings[0] / 1_000;
    c.totals.minted[0] = DEFAULT_PARAMS.ceilings[0] - left;
    assert_eq!(c.bound(Regime::Ephemeral, 10u128.pow(12), SCORE_MAX), left);
    c.totals.minted[0] = DEFAULT_PARAMS.ceilings[0];
    assert_eq!(c.scarcity_ppb(Regime::Ephemeral), 0);
    assert_eq!(c.bound(Regime::Ephemeral, u128::MAX, u32::MAX), 0);
}

#[ink::test]
fn signal_a_needs_a_sustained_final_increase_claimed_once() {
    let (mut c, w) = (credits(), Mock::new());
    at_phase(&mut c, &w, Phase::Measured);
    // Fewer final epochs than two windows.
    w.at(Mock::closed_at(2 * N - 2));
    assert_eq!(propose_a(&mut c, &w, 1), Err(MintError::NotEnoughHistory));
    // Flat capacity: no delta.
    w.set_capacity(acc(PROPOSER), 0..300, 1_000);
    w.at(100);
    assert_eq!(propose_a(&mut c, &w, 1), Err(MintError::NoCapacityDelta));
    // One dip inside the new window: the minimum is what counts.
    let now = grown(&w, 100);
    let newest = now - LAG;
    w.set_capacity(acc(PROPOSER), newest - 1..newest, 1_000);
    assert_eq!(propose_a(&mut c, &w, 1), Err(MintError::NoCapacityDelta));
    let now = grown(&w, 120);
    let p = acc(PROPOSER);
    assert_eq!(
        ask(&mut c, &w, p, Signal::CapacityExpansion, 1, &[3]),
        Err(MintError::UnexpectedEvidence)
    );
    // An epoch of the windows with a dispute still open is not read.
    w.open_dispute(now - LAG);
    assert_eq!(propose_a(&mut c, &w, 1), Err(MintError::EpochNotFinal));
    w.close_disputes();
    assert_eq!(
        propose_a(&mut c, &w, 400 * ONE_DYN + 1),
        Err(MintError::AboveBound {
            bound: 400 * ONE_DYN
        })
    );
    assert_eq!(propose_a(&mut c, &w, 400 * ONE_DYN), Ok(0));
    let p0 = ok(c.proposal(0).ok_or(MintError::UnknownProposal));
    assert_eq!((p0.delta, p0.level), (500, 1_500));
    assert_eq!(c.claimed(acc(PROPOSER), 0), 1_500);
    // The same increase again: already claimed.
    assert_eq!(propose_a(&mut c, &w, 1), Err(MintError::NoCapacityDelta));
    // A further rise above the claimed level is new.
    let from = now - LAG + 1;
    w.set_capacity(acc(PROPOSER), from..from + N, 1_600);
    w.set_capacity(acc(PROPOSER), from + N..from + 2 * N, 1_800);
    w.at(Mock::closed_at(from + 2 * N - 1));
    assert!(propose_a(&mut c, &w, 1).is_ok());
    assert_eq!(c.proposal(1).map(|p| p.delta), Some(200));
}

#[ink::test]
fn no_more_units_are_minted_against_than_the_verifier_bond_backs() {
    let (mut c, w) = (credits(), Mock::new());
    at_phase(&mut c, &w, Phase::Measured);
    // 10,000 DYN of bond backs 1,000 units: a rise from 1,000 to 1,500 counts for nothing.
    w.bond(acc(PROPOSER), Role::Verifier, 10_000 * ONE_DYN);
    grown(&w, 100);
    assert_eq!(propose_a(&mut c, &w, 1), Err(MintError::NotBacked));
    // 12,000 DYN backs 1,200: the rise counts up to there.
    w.bond(acc(PROPOSER), Role::Verifier, 12_000 * ONE_DYN);
    assert_eq!(propose_a(&mut c, &w, 1), Ok(0));
    let p0 = ok(c.proposal(0).ok_or(MintError::UnknownProposal));
    assert_eq!((p0.delta, p0.level), (200, 1_200));
    // No verifier bond at all backs nothing.
    w.unbond(acc(PROPOSER), Role::Verifier);
    w.bond(acc(PROPOSER), Role::Sentry, 100 * ONE_DYN);
    w.set_capacity(acc(PROPOSER), 146..153, 1_000);
    w.set_capacity(acc(PROPOSER), 153..160, 5_000);
    w.at(Mock::closed_at(159));
    assert_eq!(propose_a(&mut c, &w, 1), Err(MintError::NotBacked));
}

#[ink::test]
fn signals_b_to_e_cite_the_beneficiarys_own_shares_of_final_attestations() {
    let (mut c, w) = (credits(), Mock::new());
    at_phase(&mut c, &w, Phase::Measured);
    let p = acc(PROPOSER);
    w.attest(1, 4, 300, Regime::Anchored, &[PROPOSER], true);
    w.attest(2, 4, 200, Regime::Anchored, &[PROPOSER], true);
    w.attest(3, 4, 200, Regime::Anchored, &[PROPOSER], false);
    w.attest(4, 4, 200, Regime::Session, &[PROPOSER], true);
    w.attest(5, 4, 200, Regime::Anchored, &[NOBODY], true);
    w.attest(6, 5, 200, Regime::Anchored, &[PROPOSER], true);
    // Three co-signers: shares 101, 100, 100.
    w.attest(7, 4, 301, Regime::Anchored, &[PROPOSER, 20, 21], true);
    let onboard = |c: &mut Credits, cited: &[u64]| {
        c.propose(&w, p, Signal::DomainOnboarding, p, 1, cited, [9; 32], 0)
    };
    assert_eq!(onboard(&mut c, &[]), Err(MintError::EvidenceEmpty));
    let many: Vec<u64> = (100..117).collect();
    assert_eq!(onboard(&mut c, &many), Err(MintError::EvidenceTooLong));
    assert_eq!(onboard(&mut c, &[1, 3]), Err(MintError::EvidenceNotFinal));
    assert_eq!(onboard(&mut c, &[1, 99]), Err(MintError::EvidenceNotFinal));
    assert_eq!(onboard(&mut c, &[1, 4]), Err(MintError::EvidenceRegime));
    assert_eq!(onboard(&mut c, &[1, 5]), Err(MintError::EvidenceNotOwn));
    assert_eq!(onboard(&mut c, &[1, 6]), Err(MintError::EvidenceEpochs));
    assert_eq!(onboard(&mut c, &[1, 1]), Err(MintError::EvidenceUsed));
    assert_eq!(onboard(&mut c, &[1, 2]).map(|(id, _)| id), Ok(0));
    assert_eq!(
        c.proposal(0).map(|p| (p.delta, p.document)),
        Some((500, [9; 32]))
    );
    assert!(c.is_cited(1, p) && c.is_cited(2, p) && !c.is_cited(6, p));
    // Cited once, never again, by any signal of the regime.
    let migrate = ask(&mut c, &w, p, Signal::CryptoMigration, 1, &[2]);
    assert_eq!(migrate, Err(MintError::EvidenceUsed));
    // Each co-signer mints against its own share only, once.
    let v = acc(20);
    w.authority.borrow_mut().push(v);
    w.bond(v, Role::Verifier, 100_000 * ONE_DYN);
    let by_v = c.propose(&w, v, Signal::DomainOnboarding, v, 1, &[7], [0; 32], 0);
    assert_eq!(by_v.map(|(id, _)| id), Ok(1));
    assert_eq!(c.proposal(1).map(|p| p.delta), Some(100));
    assert!(c.is_cited(7, v) && !c.is_cited(7, p));
    // The bond caps what the beneficiary mints against in the regime: 6,000 DYN backs 600
    // units, 500 are claimed, so only 100 of its 101-unit share count, then nothing.
    w.bond(p, Role::Verifier, 6_000 * ONE_DYN);
    assert_eq!(onboard(&mut c, &[7]).map(|(id, _)| id), Ok(2));
    assert_eq!(c.proposal(2).map(|p| p.delta), Some(100));
    assert_eq!(c.claimed(p, Regime::Anchored.index()), 600);
    w.attest(8, 4, 50, Regime::Anchored, &[PROPOSER], true);
    assert_eq!(onboard(&mut c, &[8]), Err(MintError::NotBacked));
    // Each signal mints into its own regime.
    let regimes: Vec<Regime> = [
        Signal::CapacityExpansion,
        Signal::PermanentLiability,
        Signal::DomainOnboarding,
        Signal::TemporalExpansion,
        Signal::CryptoMigration,
    ]
    .iter()
    .map(|s| s.regime())
    .collect();
    use Regime::*;
    assert_eq!(
        regimes,
        vec![Ephemeral, Permanent, Anchored, Session, Anchored]
    );
}

#[ink::test]
fn only_reputable_bonded_accounts_propose_for_consenting_beneficiaries() {
    let (mut c, w) = (credits(), Mock::new());
    at_phase(&mut c, &w, Phase::Measured);
    grown(&w, 100);
    let g = acc(GOV);
    // Governance holds authority and a bond in the mock: refused by name all the same.
    assert_eq!(
        ask(&mut c, &w, g, Signal::CapacityExpansion, 1, &[]),
        Err(MintError::GovernanceCannotPropose)
    );
    assert_eq!(propose_a(&mut c, &w, 0), Err(MintError::ZeroAmount));
    let n = acc(NOBODY);
    let by_nobody = |c: &mut Credits| ask(c, &w, n, Signal::CapacityExpansion, 1, &[]);
    // Naming PROPOSER as beneficiary needs its consent.
    assert_eq!(by_nobody(&mut c), Err(MintError::NoConsent));
    let events = c.consent(acc(PROPOSER), n, true);
    assert_eq!(
        events,
        vec![MintEvent::ConsentSet(ConsentSet {
            beneficiary: acc(PROPOSER),
            proposer: n,
            allowed: true
        })]
    );
    // A bond alone is not authority.
    w.bond(n, Role::Sentry, 100 * ONE_DYN);
    assert_eq!(by_nobody(&mut c), Err(MintError::NoAuthority));
    // Authority without a bond is not enough either.
    w.unbond(n, Role::Sentry);
    w.authority.borrow_mut().push(n);
    assert_eq!(by_nobody(&mut c), Err(MintError::NotBonded));
    w.bond(n, Role::Sentry, 100 * ONE_DYN);
    // Consent withdrawn: refused again.
    c.consent(acc(PROPOSER), n, false);
    assert_eq!(by_nobody(&mut c), Err(MintError::NoConsent));
    c.consent(acc(PROPOSER), n, true);
    assert_eq!(by_nobody(&mut c), Ok(0));
    assert_eq!(
        c.proposal(0).map(|p| (p.proposer, p.proposer_role)),
        Some((n, Role::Sentry))
    );
}

fn announced(c: &mut Credits, w: &Mock) -> u64 {
    at_phase(c, w, Phase::Measured);
    grown(w, 100);
    ok(propose_a(c, w, 400 * ONE_DYN))
}

#[ink::test]
fn a_challenge_suspends_and_the_resolver_decides_before_its_deadline() {
    let (mut c, w) = (credits(), Mock::new());
    let id = announced(&mut c, &w);
    let delay = DEFAULT_TUNABLES.delay_blocks;
    let decide = DEFAULT_PARAMS.decide_blocks;
    let ch = acc(CHALLENGER);
    assert_eq!(
        c.challenge(&w, ch, 9, [1; 32], 10),
        Err(MintError::UnknownProposal)
    );
    assert_eq!(
        c.challenge(&w, acc(NOBODY), id, [1; 32], 10),
        Err(MintError::NoAuthority)
    );
    w.authority.borrow_mut().push(acc(NOBODY));
    assert_eq!(
        c.challenge(&w, acc(NOBODY), id, [1; 32], 10),
        Err(MintError::NotBonded)
    );
    assert_eq!(
        c.challenge(&w, ch, id, [1; 32], delay),
        Err(MintError::ChallengeClosed)
    );
    assert_eq!(
        c.resolve(acc(RESOLVER), id, true, 10),
        Err(MintError::NotChallenged)
    );
    assert_eq!(c.expire_challenge(id, 10), Err(MintError::NotChallenged));
    let (events, effects) = ok(c.challenge(&w, ch, id, [1; 32], 100));
    let deposit = DEFAULT_TUNABLES.challenge_deposit;
    assert_eq!(
        effects,
        vec![Effect::Pull {
            from: ch,
            amount: deposit
        }]
    );
    assert!(matches!(
        events[..],
        [MintEvent::Challenged(Challenged { remaining, decide_until, .. })]
            if remaining == delay - 100 && decide_until == 100 + decide
    ));
    assert_eq!(c.totals().deposits_held, deposit);
    // Suspended: no second challenge, no activation even after the delay.
    assert_eq!(
        c.challenge(&w, ch, id, [2; 32], 101),
        Err(MintError::NotAnnounced)
    );
    assert_eq!(c.activate(&w, id, delay + 5), Err(MintError::NotAnnounced));
    // Only the resolver decides, and only before the deadline; the default waits for it.
    for who in [GOV, PROPOSER, CHALLENGER, NOBODY] {
        assert_eq!(
            c.resolve(acc(who), id, false, 500),
            Err(MintError::NotResolver)
        );
    }
    assert_eq!(
        c.resolve(acc(RESOLVER), 9, false, 500),
        Err(MintError::UnknownProposal)
    );
    assert_eq!(
        c.resolve(acc(RESOLVER), id, false, 100 + decide),
        Err(MintError::DecisionClosed)
    );
    assert_eq!(
        c.expire_challenge(id, 100 + decide - 1),
        Err(MintError::DecisionOpen)
    );
    // Rejected: the deposit burns and the delay resumes where it stopped.
    let (_, effects) = ok(c.resolve(acc(RESOLVER), id, false, 500));
    assert_eq!(effects, vec![Effect::Burn(deposit)]);
    let p = ok(c.proposal(id).ok_or(MintError::UnknownProposal));
    assert_eq!(
        (p.state, p.activates_at),
        (ProposalState::Announced, 500 + delay - 100)
    );
    assert_eq!(c.totals().deposits_burned, deposit);
    assert_eq!(c.totals().deposits_held, 0);
    // Challenged again and upheld: cancelled for good, deposit back, the proposer's bond
    // slashed in full (signal A: its own capacity, no co-signed evidence).
    ok(c.challenge(&w, ch, id, [3; 32], 600));
    let (_, effects) = ok(c.resolve(acc(RESOLVER), id, true, 700));
    let slash = |offender, role| Effect::Slash {
        offender,
        role,
        class: SlashClass::Malicious,
        evidence: [3; 32],
        beneficiary: ch,
    };
    assert_eq!(
        effects,
        vec![
            Effect::Pay {
                to: ch,
                amount: deposit
            },
            slash(acc(PROPOSER), Role::Verifier),
        ]
    );
    assert_eq!(
        c.proposal(id).map(|p| p.state),
        Some(ProposalState::Cancelled)
    );
    assert_eq!(c.activate(&w, id, 10 * delay), Err(MintError::NotAnnounced));
    assert_eq!(c.totals().minted, [0; 4]);

    // Cited evidence: an upheld challenge slashes the co-signing beneficiary's verifier bond
    // too; a challenge nobody decides is cancelled by default, deposit back, nobody slashed.
    let n = acc(NOBODY);
    w.bond(n, Role::Sentry, 100 * ONE_DYN);
    c.consent(acc(PROPOSER), n, true);
    w.attest(1, 4, 100, Regime::Session, &[PROPOSER], true);
    w.attest(2, 4, 100, Regime::Session, &[PROPOSER], true);
    let by_n = |c: &mut Credits, cited| {
        c.propose(
            &w,
            n,
            Signal::TemporalExpansion,
            acc(PROPOSER),
            1,
            &[cited],
            [0; 32],
            0,
        )
        .map(|(id, _)| id)
    };
    let d = ok(by_n(&mut c, 1));
    ok(c.challenge(&w, ch, d, [3; 32], 10));
    let (_, effects) = ok(c.resolve(acc(RESOLVER), d, true, 20));
    assert_eq!(
        effects[1..],
        [slash(n, Role::Sentry), slash(acc(PROPOSER), Role::Verifier)]
    );
    let d = ok(by_n(&mut c, 2));
    ok(c.challenge(&w, ch, d, [3; 32], 10));
    let (events, effects) = ok(c.expire_challenge(d, 10 + decide));
    assert_eq!(
        effects,
        vec![Effect::Pay {
            to: ch,
            amount: deposit
        }]
    );
    assert!(matches!(
        events[..],
        [MintEvent::ChallengeResolved(ChallengeResolved {
            upheld: false,
            by_default: true,
            ..
        })]
    ));
    assert_eq!(
        c.proposal(d).map(|p| p.state),
        Some(ProposalState::Cancelled)
    );
    assert_eq!(c.totals().deposits_held, 0);
}

#[ink::test]
fn activation_waits_the_delay_expires_and_mints_no_more_than_the_bound_and_ceiling() {
    let (mut c, w) = (credits(), Mock::new());
    let id = announced(&mut c, &w);
    let now = *w.epoch.borrow();
    let delay = DEFAULT_TUNABLES.delay_blocks;
    let expiry = DEFAULT_PARAMS.expiry_blocks;
    assert_eq!(c.activate(&w, 9, delay), Err(MintError::UnknownProposal));
    assert_eq!(c.activate(&w, id, delay - 1), Err(MintError::DelayRunning));
    assert_eq!(
        c.activate(&w, id, delay + expiry),
        Err(MintError::ProposalExpired)
    );
    assert_eq!(c.expire(id, delay + expiry - 1), Err(MintError::NotExpired));
    // The score fell meanwhile: the bound taken again is lower, and that is what mints.
    w.scores.borrow_mut().insert(acc(PROPOSER), 0);
    let (events, effects) = ok(c.activate(&w, id, delay));
    assert_eq!(effects, vec![Effect::Mint(250 * ONE_DYN)]);
    let MintEvent::Activated(a) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(
        (a.amount, a.floor, a.first_epoch, a.tranches),
        (250 * ONE_DYN, 1_200, now + 1, 4)
    );
    assert_eq!(a.required, vec![1_200; 4]);
    assert_eq!(c.totals().minted, [250 * ONE_DYN, 0, 0, 0]);
    assert_eq!(c.totals().locked, 250 * ONE_DYN);
    assert_eq!(c.activate(&w, id, delay), Err(MintError::NotAnnounced));
    assert_eq!(c.expire(id, delay + expiry), Err(MintError::NotAnnounced));
    // A regime at its ceiling mints nothing more: refused.
    let p = acc(PROPOSER);
    let from = now - LAG + 1;
    w.set_capacity(p, from..from + N, 2_000);
    w.at(Mock::closed_at(from + N - 1));
    let id2 = ok(propose_a(&mut c, &w, ONE_DYN));
    c.totals.minted[0] = DEFAULT_PARAMS.ceilings[0];
    assert_eq!(c.activate(&w, id2, delay), Err(MintError::CeilingReached));
    // Left alone past its expiry, anyone marks it expired.
    assert_eq!(
        c.expire(id2, delay + expiry),
        Ok(vec![MintEvent::ProposalExpired(ProposalExpired {
            id: id2
        })])
    );
    assert_eq!(
        c.proposal(id2).map(|p| p.state),
        Some(ProposalState::Expired)
    );
}

fn activated(c: &mut Credits, w: &Mock) -> u64 {
    let id = announced(c, w);
    ok(c.activate(w, id, DEFAULT_TUNABLES.delay_blocks));
    id
}

#[ink::test]
fn credits_release_per_final_fulfilled_epoch_and_burn_on_a_drop() {
    let (mut c, w) = (credits(), Mock::new());
    let id = activated(&mut c, &w);
    let p = acc(PROPOSER);
    let first = ok(c.credit(id).ok_or(MintError::NoCredit)).first_epoch;
    assert_eq!(c.release(&w, 9), Err(MintError::NoCredit));
    w.set_capacity(p, first..first + 4, 1_500);
    // The first block after the first obligation epoch: it has ended but is not final. A
    // stranger can neither release nor burn.
    w.at(first + 1);
    assert_eq!(c.release(&w, id), Err(MintError::NothingToRelease));
    assert_eq!(c.burn_on_drop(&w, id), Err(MintError::EpochNotFinal));
    // Two obligation epochs final: two tranches.
    w.at(Mock::closed_at(first + 1));
    let (_, effects) = ok(c.release(&w, id));
    assert_eq!(
        effects,
        vec![Effect::Pay {
            to: p,
            amount: 200 * ONE_DYN
        }]
    );
    assert_eq!(c.release(&w, id), Err(MintError::NothingToRelease));
    assert_eq!(c.burn_on_drop(&w, id), Err(MintError::EpochNotFinal));
    w.at(Mock::closed_at(first + 2));
    assert_eq!(c.burn_on_drop(&w, id), Err(MintError::ObligationMet));
    // The third obligation epoch final at 1,199: below the floor; no release, the rest burns.
    w.set_capacity(p, first + 2..first + 3, 1_199);
    assert_eq!(c.release(&w, id), Err(MintError::NothingToRelease));
    let (events, effects) = ok(c.burn_on_drop(&w, id));
    assert_eq!(effects, vec![Effect::Burn(200 * ONE_DYN)]);
    let MintEvent::CreditBurned(b) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(
        (b.reason, b.epoch, b.amount),
        (Failure::CapacityDrop, Some(first + 2), 200 * ONE_DYN)
    );
    let credit = ok(c.credit(id).ok_or(MintError::NoCredit));
    assert_eq!(
        (credit.released, credit.burned, credit.locked()),
        (200 * ONE_DYN, 200 * ONE_DYN, 0)
    );
    assert_eq!(c.totals().burned, [200 * ONE_DYN, 0, 0, 0]);
    assert_eq!(c.totals().locked, 0);
    for result in [c.release(&w, id), c.burn_on_drop(&w, id)] {
        assert_eq!(result, Err(MintError::CreditClosed));
    }
}

#[ink::test]
fn obligations_of_several_credits_add_up_oldest_first() {
    let (mut c, w) = (credits(), Mock::new());
    at_phase(&mut c, &w, Phase::Measured);
    let p = acc(PROPOSER);
    // Eight obligation epochs each, so that some have not begun when one credit burns.
    let k = 8;
    ok(c.set_tunables(
        acc(GOV),
        Tunables {
            tranches: k,
            ..DEFAULT_TUNABLES
        },
    ));
    // Two session credits, each justified by 1,000 units (floor 800).
    w.attest(1, 4, 1_000, Regime::Session, &[PROPOSER], true);
    w.attest(2, 4, 1_000, Regime::Session, &[PROPOSER], true);
    let now = *w.epoch.borrow();
    let ids: Vec<u64> = [1, 2]
        .iter()
        .map(|a| {
            ok(ask(
                &mut c,
                &w,
                p,
                Signal::TemporalExpansion,
                ONE_DYN,
                &[*a],
            ))
        })
        .collect();
    for id in &ids {
        ok(c.activate(&w, *id, DEFAULT_TUNABLES.delay_blocks));
    }
    let [older, newer] = [ids[0], ids[1]].map(|id| ok(c.credit(id).ok_or(MintError::NoCredit)));
    assert_eq!(older.required, vec![800; k as usize]);
    assert_eq!(newer.required, vec![1_600; k as usize]);
    assert_eq!(c.owed(p, Regime::Session.index(), now + 1), 1_600);
    // 1,000 session units an epoch meet the older credit's 800, not both (1,600).
    let first = older.first_epoch;
    w.set_regime_capacity(p, first..first + k, Regime::Session, 1_000);
    w.at(Mock::closed_at(first));
    assert!(c.release(&w, ids[0]).is_ok());
    assert_eq!(c.release(&w, ids[1]), Err(MintError::NothingToRelease));
    // The newer burns; its obligations for epochs not begun no longer weigh on later credits.
    ok(c.burn_on_drop(&w, ids[1]));
    let today = *w.epoch.borrow();
    assert!(
        first + k - 1 > today,
        "some obligation epochs have not begun"
    );
    for e in first..first + k {
        let expected = if e > today { 800 } else { 1_600 };
        assert_eq!(c.owed(p, Regime::Session.index(), e), expected, "epoch {e}");
    }
}

#[ink::test]
fn tranches_add_up_to_the_amount_exactly() {
    for (amount, k) in [(10u128, 3u32), (7, 4), (1, 12), (400 * ONE_DYN + 1, 7)] {
        let credit = Credit {
            beneficiary: acc(1),
            proposer: acc(1),
            regime: 0,
            amount,
            released: 0,
            burned: 0,
            floor: 0,
            first_epoch: 0,
            tranches: k,
            paid: 0,
            required: vec![0; k as usize],
        };
        let parts: Vec<u128> = (0..k)
            .map(|i| credit.cumulative(i + 1) - credit.cumulative(i))
            .collect();
        assert_eq!(parts.iter().sum::<u128>(), amount, "{amount} in {k}");
        let (lo, hi) = (parts.iter().min(), parts.iter().max());
        assert!(hi.zip(lo).is_some_and(|(h, l)| h - l <= 1), "{parts:?}");
    }
}

#[ink::test]
fn only_anchored_and_permanent_credits_oblige_archives_and_the_resolver_reports_failures() {
    let (mut c, w) = (credits(), Mock::new());
    at_phase(&mut c, &w, Phase::Measured);
    let p = acc(PROPOSER);
    w.attest(1, 4, 1_000, Regime::Permanent, &[PROPOSER], true);
    w.attest(2, 4, 1_000, Regime::Anchored, &[PROPOSER], true);
    w.attest(3, 4, 1_000, Regime::Session, &[PROPOSER], true);
    let b = ok(ask(
        &mut c,
        &w,
        p,
        Signal::PermanentLiability,
        ONE_DYN,
        &[1],
    ));
    let (e, _) = ok(c.propose(&w, p, Signal::CryptoMigration, p, ONE_DYN, &[2], [5; 32], 0));
    let d = ok(ask(&mut c, &w, p, Signal::TemporalExpansion, ONE_DYN, &[3]));
    let delay = DEFAULT_TUNABLES.delay_blocks;
    for id in [b, e, d] {
        ok(c.activate(&w, id, delay));
    }
    for regime in [Regime::Permanent, Regime::Anchored] {
        w.set_regime_capacity(p, 0..300, regime, 1_000);
    }
    // The first obligation epoch final: one tranche each.
    let first = ok(c.credit(b).ok_or(MintError::NoCredit)).first_epoch;
    w.at(Mock::closed_at(first));
    assert_eq!(c.release(&w, b), Err(MintError::ArchivesNotHeld));
    w.bond(p, Role::Archival, 100 * ONE_DYN);
    ok(c.release(&w, b));
    // Only the resolver reports; a capacity drop is not reported but proven; a session credit
    // has no archives to fail.
    for who in [GOV, PROPOSER, CHALLENGER, NOBODY] {
        assert_eq!(
            c.report_failure(&w, acc(who), e, Failure::Archival, [1; 32]),
            Err(MintError::NotResolver)
        );
    }
    let r = acc(RESOLVER);
    assert_eq!(
        c.report_failure(&w, r, e, Failure::CapacityDrop, [1; 32]),
        Err(MintError::MeasuredOnChain)
    );
    assert_eq!(
        c.report_failure(&w, r, 9, Failure::Archival, [1; 32]),
        Err(MintError::NoCredit)
    );
    assert_eq!(
        c.report_failure(&w, r, d, Failure::Archival, [1; 32]),
        Err(MintError::NoSuchObligation)
    );
    // Misreporting: the rest burns and the proposer's bond is slashed (attestation failure),
    // the reporter's share to governance, not to the resolver.
    let (_, effects) = ok(c.report_failure(&w, r, e, Failure::Misreport, [1; 32]));
    assert_eq!(
        effects,
        vec![
            Effect::Burn(ONE_DYN),
            Effect::Slash {
                offender: p,
                role: Role::Verifier,
                class: SlashClass::AttestationFailure,
                evidence: [1; 32],
                beneficiary: acc(GOV),
            }
        ]
    );
    assert_eq!(
        c.report_failure(&w, r, e, Failure::Archival, [1; 32]),
        Err(MintError::CreditClosed)
    );
    // Archives not held: the beneficiary's archival bond is slashed 5 %.
    let (_, effects) = ok(c.report_failure(&w, r, b, Failure::Archival, [2; 32]));
    assert_eq!(
        effects[1],
        Effect::Slash {
            offender: p,
            role: Role::Archival,
            class: SlashClass::Sla(5),
            evidence: [2; 32],
            beneficiary: acc(GOV),
        }
    );
}

#[ink::test]
fn governance_tunes_inside_the_bounds_and_nothing_else() {
    let mut c = credits();
    let mut t = DEFAULT_TUNABLES;
    t.delay_blocks = 7 * DAY;
    for who in [RESOLVER, PROPOSER, CHALLENGER, NOBODY] {
        assert_eq!(c.set_tunables(acc(who), t), Err(MintError::NotGovernance));
    }
    let mut wild = t;
    wild.alpha_ppb = PPB;
    assert_eq!(
        c.set_tunables(acc(GOV), wild),
        Err(MintError::ParamOutOfBounds)
    );
    assert_eq!(c.tunables(), DEFAULT_TUNABLES);
    assert_eq!(
        c.set_tunables(acc(GOV), t),
        Ok(vec![MintEvent::TunablesSet(TunablesSet {
            old: DEFAULT_TUNABLES,
            new: t
        })])
    );
    assert_eq!(c.tunables(), t);
    assert_eq!(c.params(), DEFAULT_PARAMS);
}

#[ink::test]
fn inconsistent_parameters_are_refused_at_instantiation() {
    let mut t = DEFAULT_TUNABLES;
    t.tranches = 0;
    let made = Credits::new(DEFAULT_PARAMS, t, acc(GOV), acc(RESOLVER));
    assert_eq!(made.map(|_| ()), Err(MintError::ParamOutOfBounds));
    let mut bad = DEFAULT_PARAMS;
    bad.sustain_ppb = 0;
    let made = Credits::new(bad, DEFAULT_TUNABLES, acc(GOV), acc(RESOLVER));
    assert_eq!(made.map(|_| ()), Err(MintError::InvalidParams));
}

#[ink::test]
fn a_total_that_would_go_below_zero_reverts_instead_of_saturating() {
    let (mut c, w) = (credits(), Mock::new());
    let id = activated(&mut c, &w);
    let first = ok(c.credit(id).ok_or(MintError::NoCredit)).first_epoch;
    w.set_capacity(acc(PROPOSER), first..first + 4, 1_500);
    w.at(Mock::closed_at(first));
    c.totals.locked = 0;
    assert_eq!(c.release(&w, id), Err(MintError::Arithmetic));
}
