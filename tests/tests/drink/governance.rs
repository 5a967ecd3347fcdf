//! Governance on the compiled contracts: a governed suite (governance holds the governance
//! role of reputation, bonding, attestations and mint_credits), DAO members locking, proposing, voting, executing;
//! and the attacks on it: double votes in every shape, sybil splits, stale rules, steps past
//! the cap, strangers calling privileged messages, and a randomised search for a mint.

use attestations::AttestationError;
use dynamis_deploy::calls::{bonding as bond_sel, governance as sel, reputation as rep_sel};
use dynamis_shared::{
    math::{isqrt, mul_ppb_ceil},
    BondingError, ReputationError, Role, DAY, ONE_DYN,
};
use scale::Encode;
use dynamis_tests::{
    account, all, bundle,
    gov::{square, GovResult, AGED, WHALE},
    mint::Network,
    suite::{done, everyone, who, Suite},
    BundleProvider,
};
use governance::{
    Action, Class, GovernanceError, ProposalCreated, State, Status, Support, Targets,
    DEFAULT_BOUNDS, DEFAULT_CONFIG,
};
use rand::{rngs::StdRng, Rng, SeedableRng};

const ROOT: u128 = 1_000_000_000; // √(10¹⁸): power of one √DYN

/// A governed suite with a proposer and a whale voter (1 M DYN bonded, aged): the whale
/// alone is 2,000 √DYN of power, the parameter class's quorum exactly.
fn dao() -> (Suite, AccountId, AccountId) {
    let mut s = Suite::governed();
    let proposer = s.proposer(1);
    let whale = s.voter(2, WHALE, 0);
    s.chain.advance(AGED);
    (s, proposer, whale)
}

use dynamis_tests::AccountId;

/// Reputation's parameters with `max_gain_per_success` one higher: a valid one-step change.
fn rep_change(s: &mut Suite) -> Action {
    let mut p = s.rep_params();
    p.max_gain_per_success += 1;
    Action::Reputation(p)
}

fn propose(s: &mut Suite, proposer: AccountId, actions: Vec<Action>) -> u32 {
    done(s.propose_gov(proposer, actions)).value
}

#[test]
fn a_parameter_change_passes_end_to_end_through_every_state_and_time_period() {
    let (mut s, proposer, whale) = dao();
    let action = rep_change(&mut s);
    let Action::Reputation(wanted) = action.clone() else {
        unreachable!()
    };
    let created = done(s.propose_gov(proposer, vec![action]));
    let id = created.value;
    let event: ProposalCreated = dynamis_tests::only(&created.events);
    assert_eq!(
        (event.id, event.proposer, event.class),
        (id, proposer, Class::Parameter)
    );
    let p = s.gov_proposal(id);
    assert_eq!(p.snapshot, s.chain.block() - 1);
    assert_eq!(p.vote_end - p.vote_start, 3 * governance::DAY_MS);
    assert_eq!(s.gov_state(id), Some(State::Pending));
    assert_eq!(
        s.vote(whale, id, Support::For).value,
        Err(GovernanceError::WrongState)
    );
    s.wait_until(p.vote_start);
    assert_eq!(s.gov_state(id), Some(State::Active));
    done(s.vote(whale, id, Support::For));
    assert_eq!(s.gov_proposal(id).tally.for_votes, 2_000 * ROOT);
    assert_eq!(s.queue(whale, id).value, Err(GovernanceError::WrongState));
    s.wait_until(p.vote_end - dynamis_tests::gov::BLOCK_MS);
    assert_eq!(s.gov_state(id), Some(State::Active));
    s.wait_until(p.vote_end);
    assert_eq!(s.gov_state(id), Some(State::Succeeded));
    done(s.queue(who::user(9), id));
    assert_eq!(s.gov_state(id), Some(State::Queued));
    // The timelock: a day before anyone may execute.
    assert_eq!(
        s.execute(who::user(9), id).value,
        Err(GovernanceError::WrongState)
    );
    let Status::Queued { eta } = s.gov_proposal(id).status else {
        unreachable!()
    };
    assert_eq!(
        eta,
        s.chain.timestamp() + DEFAULT_CONFIG.classes[0].timelock_ms
    );
    s.wait_until(eta);
    assert_ne!(s.rep_params(), wanted);
    done(s.execute(who::user(9), id));
    assert_eq!(s.rep_params(), wanted);
    assert_eq!(s.gov_state(id), Some(State::Executed));
    // The deposit returns (support reached); a second settlement is refused.
    let before = s.balance(proposer);
    done(s.settle_deposit(who::user(9), id));
    assert_eq!(
        s.balance(proposer),
        before + DEFAULT_CONFIG.proposal_deposit
    );
    assert_eq!(
        s.settle_deposit(who::user(9), id).value,
        Err(GovernanceError::DepositSettled)
    );
}

#[test]
fn each_class_runs_its_own_periods_and_expires_after_grace() {
    let (mut s, proposer, whale) = dao();
    let treasury = propose(
        &mut s,
        proposer,
        vec![Action::Treasury {
            to: who::user(60),
            amount: ONE_DYN,
        }],
    );
    let council = propose(&mut s, proposer, vec![Action::Council(who::user(61))]);
    let upgrade = propose(&mut s, proposer, vec![Action::Upgrade([9; 32])]);
    for (id, class, days) in [
        (treasury, Class::Treasury, 7),
        (council, Class::Council, 7),
        (upgrade, Class::Upgrade, 14),
    ] {
        let p = s.gov_proposal(id);
        assert_eq!(p.class, class);
        assert_eq!(
            p.vote_end - p.vote_start,
            days * governance::DAY_MS,
            "{class:?}"
        );
        assert_eq!(p.rules, DEFAULT_CONFIG.classes[class.index()]);
    }
    let p = s.gov_proposal(treasury);
    s.wait_until(p.vote_start);
    // The whale alone is half the treasury class's quorum: defeated.
    done(s.vote(whale, treasury, Support::For));
    done(s.vote(whale, council, Support::For));
    s.wait_until(p.vote_end);
    assert_eq!(s.gov_state(treasury), Some(State::Defeated));
    assert_eq!(
        s.queue(whale, treasury).value,
        Err(GovernanceError::WrongState)
    );
    // A success nobody queues expires after the grace period.
    let (mut s2, proposer2, whale2) = dao();
    let id = {
        let change = rep_change(&mut s2);
        propose(&mut s2, proposer2, vec![change])
    };
    let p = s2.gov_proposal(id);
    s2.wait_until(p.vote_start);
    done(s2.vote(whale2, id, Support::For));
    s2.wait_until(p.vote_end + p.rules.grace_ms);
    assert_eq!(s2.gov_state(id), Some(State::Succeeded));
    s2.wait_until(p.vote_end + p.rules.grace_ms + 1);
    assert_eq!(s2.gov_state(id), Some(State::Expired));
    assert_eq!(s2.queue(whale2, id).value, Err(GovernanceError::WrongState));
}

/// Voters whose bonds give exactly `powers` (each even: 2·√bond with a square bond), plus
/// `odd` accounts with one base unit locked on top (power + 1).
fn voters_with_power(s: &mut Suite, first: u8, powers: &[(u128, bool)]) -> Vec<AccountId> {
    let mut out = Vec::new();
    for (i, (power, plus_one)) in powers.iter().enumerate() {
        assert_eq!(power % 2, 0);
        let v = s.voter(first + i as u8, square(power / 2), 0);
        if *plus_one {
            s.lock_new(v, 1);
        }
        out.push(v);
    }
    out
}

#[test]
fn the_threshold_holds_at_exactly_51_percent_and_fails_one_unit_below() {
    let mut s = Suite::governed();
    let proposer = s.proposer(1);
    let q = DEFAULT_CONFIG.classes[0].quorum; // 2,000 √DYN: the total of each pair below
    let m = q / 100;
    // Exactly 51 % of for + against.
    let exact = voters_with_power(&mut s, 10, &[(51 * m, false), (49 * m, false)]);
    // One power unit below 51 % (for 51m − 1 = 2·(51m/2 − 1) + 1), same total.
    let below = voters_with_power(&mut s, 20, &[(51 * m - 2, true), (49 * m, true)]);
    s.chain.advance(AGED);
    let a = {
        let change = rep_change(&mut s);
        propose(&mut s, proposer, vec![change])
    };
    let b = {
        let change = rep_change(&mut s);
        propose(&mut s, proposer, vec![change])
    };
    let start = s.gov_proposal(a).vote_start;
    s.wait_until(start);
    for (id, pair) in [(a, &exact), (b, &below)] {
        done(s.vote(pair[0], id, Support::For));
        done(s.vote(pair[1], id, Support::Against));
    }
    let (ta, tb) = (s.gov_proposal(a).tally, s.gov_proposal(b).tally);
    assert_eq!((ta.for_votes, ta.against), (51 * m, 49 * m));
    assert_eq!((tb.for_votes, tb.against), (51 * m - 1, 49 * m + 1));
    let at = s.gov_proposal(a).vote_end;
    s.wait_until(at);
    assert_eq!(s.gov_state(a), Some(State::Succeeded));
    assert_eq!(s.gov_state(b), Some(State::Defeated));
}

#[test]
fn the_quorum_is_met_at_exactly_its_turnout_and_not_one_unit_below() {
    let mut s = Suite::governed();
    let proposer = s.proposer(1);
    let q = DEFAULT_CONFIG.classes[0].quorum;
    let f = 1_000 * ROOT;
    // Abstentions count towards the quorum: for f, abstain q − f (and q − f − 1).
    let full = voters_with_power(&mut s, 10, &[(f, false), (q - f, false)]);
    let short = voters_with_power(&mut s, 20, &[(f, false), (q - f - 2, true)]);
    s.chain.advance(AGED);
    let a = {
        let change = rep_change(&mut s);
        propose(&mut s, proposer, vec![change])
    };
    let b = {
        let change = rep_change(&mut s);
        propose(&mut s, proposer, vec![change])
    };
    let at = s.gov_proposal(a).vote_start;
    s.wait_until(at);
    for (id, pair) in [(a, &full), (b, &short)] {
        done(s.vote(pair[0], id, Support::For));
        done(s.vote(pair[1], id, Support::Abstain));
    }
    let at = s.gov_proposal(a).vote_end;
    s.wait_until(at);
    let (ta, tb) = (s.gov_proposal(a).tally, s.gov_proposal(b).tally);
    assert_eq!(ta.for_votes + ta.abstain, q);
    assert_eq!(tb.for_votes + tb.abstain, q - 1);
    assert_eq!(s.gov_state(a), Some(State::Succeeded));
    assert_eq!(s.gov_state(b), Some(State::Defeated));
}

#[test]
fn a_proposal_keeps_the_rules_it_was_made_under() {
    // OpenZeppelin's CVE-2022-31198: changing the quorum revived or killed live proposals.
    let mut s = Suite::governed();
    let proposer = s.proposer(1);
    let whales: Vec<AccountId> = (0..4).map(|i| s.voter(10 + i, WHALE, 0)).collect();
    let small = s.voter(20, 100 * ONE_DYN, 0);
    s.chain.advance(AGED);
    let mut stricter = DEFAULT_CONFIG;
    let range = DEFAULT_BOUNDS.max.classes[0].quorum - DEFAULT_BOUNDS.min.classes[0].quorum;
    stricter.classes[0].quorum += mul_ppb_ceil(range, DEFAULT_BOUNDS.step_ppb);
    stricter.vote_bond_floor = 1_000 * ONE_DYN;
    // Upgrade class: 1 day delay + 14 days voting + 7 days timelock.
    let change = propose(&mut s, proposer, vec![Action::Governance(stricter)]);
    let p = s.gov_proposal(change);
    s.wait_until(p.vote_start);
    for w in &whales {
        done(s.vote(*w, change, Support::For));
    }
    s.wait_until(p.vote_end);
    done(s.queue(small, change));
    let Status::Queued { eta } = s.gov_proposal(change).status else {
        unreachable!()
    };
    // A parameter proposal whose voting spans the change: made under the old rules.
    s.wait_until(eta - 3 * governance::DAY_MS / 2);
    let live = {
        let change = rep_change(&mut s);
        propose(&mut s, proposer, vec![change])
    };
    let before = s.gov_proposal(live);
    s.wait_until(before.vote_start);
    done(s.vote(whales[0], live, Support::For));
    s.wait_until(eta);
    done(s.execute(small, change));
    assert_eq!(s.gov_config(), stricter);
    assert_eq!(s.gov_state(live), Some(State::Active));
    // Its quorum and gate are the old ones: the 100 DYN voter still votes, and one whale
    // (2,000 √DYN, the old quorum, far below the new) still carries it.
    assert_eq!(s.gov_proposal(live).rules, before.rules);
    done(s.vote(small, live, Support::For));
    s.wait_until(before.vote_end);
    assert_eq!(s.gov_state(live), Some(State::Succeeded));
    // A proposal made after the change follows the new rules: the small voter is gated out.
    let after = {
        let change = rep_change(&mut s);
        propose(&mut s, proposer, vec![change])
    };
    assert_eq!(s.gov_proposal(after).rules, stricter.classes[0]);
    let at = s.gov_proposal(after).vote_start;
    s.wait_until(at);
    assert_eq!(
        s.vote(small, after, Support::For).value,
        Err(GovernanceError::NoVotingPower)
    );
}

#[test]
fn a_parameter_moves_at_most_one_step_per_proposal_and_never_out_of_bounds() {
    let (mut s, proposer, whale) = dao();
    let bounds = reputation::DEFAULT_BOUNDS;
    let range = u128::from(bounds.max.half_life_blocks - bounds.min.half_life_blocks);
    let step = mul_ppb_ceil(range, DEFAULT_BOUNDS.step_ppb) as u32;
    let mut p = s.rep_params();
    p.half_life_blocks += step + 1;
    assert_eq!(
        s.propose_gov(proposer, vec![Action::Reputation(p)]).value,
        Err(GovernanceError::OutOfBounds)
    );
    let mut out = s.rep_params();
    out.floor = bounds.max.floor + 1;
    assert_eq!(
        s.propose_gov(proposer, vec![Action::Reputation(out)]).value,
        Err(GovernanceError::OutOfBounds)
    );
    let mut t = s.tunables();
    t.challenge_deposit = s.mint_params().max.challenge_deposit + 1;
    assert_eq!(
        s.propose_gov(proposer, vec![Action::MintCredits(t)]).value,
        Err(GovernanceError::OutOfBounds)
    );
    // Two steps in one proposal: the same target twice.
    let mut half = s.rep_params();
    half.half_life_blocks += step / 2;
    let twice = vec![Action::Reputation(half), Action::Reputation(p)];
    assert_eq!(
        s.propose_gov(proposer, twice).value,
        Err(GovernanceError::DuplicateTarget)
    );
    // Exactly one step passes and executes.
    p.half_life_blocks -= 1;
    let id = propose(&mut s, proposer, vec![Action::Reputation(p)]);
    done(s.pass(id, &[whale]));
    assert_eq!(s.rep_params().half_life_blocks, p.half_life_blocks);
}

#[test]
fn no_double_vote_in_any_shape() {
    let (mut s, proposer, whale) = dao();
    // A holder with 10,000 DYN locked and the floor bonded: √10⁴ + 2·√100 = 120 √DYN.
    let alice = s.voter(10, 100 * ONE_DYN, 10_000 * ONE_DYN);
    let bob = s.voter(11, 100 * ONE_DYN, 0);
    // Borrow within one block: lock a loan and return it in the same block, before the
    // proposal; the checkpoint keeps the value at the end of the block.
    let lender = s.voter(12, 100 * ONE_DYN, 0);
    s.chain.advance(AGED);
    s.lock_new(lender, 1_000_000 * ONE_DYN);
    done(s.unlock(lender, 1_000_000 * ONE_DYN));
    s.chain.advance(1);
    // Lock in the proposal's own block: counts for nothing either.
    let id = {
        let change = rep_change(&mut s);
        propose(&mut s, proposer, vec![change])
    };
    s.lock_new(bob, 1_000_000 * ONE_DYN);
    let at = s.gov_proposal(id).vote_start;
    s.wait_until(at);
    assert_eq!(s.power(id, lender), 20 * ROOT);
    assert_eq!(s.power(id, bob), 20 * ROOT);
    // Vote, then try again (any support): refused.
    done(s.vote(alice, id, Support::For));
    assert_eq!(s.gov_proposal(id).tally.for_votes, 120 * ROOT);
    for support in [Support::For, Support::Against, Support::Abstain] {
        assert_eq!(
            s.vote(alice, id, support).value,
            Err(GovernanceError::AlreadyVoted)
        );
    }
    // Transfer and vote again: alice unlocks, hands the DYN to carol, who locks it: carol's
    // snapshot holds nothing (and no aged bond): no power.
    done(s.unlock(alice, 10_000 * ONE_DYN));
    let carol = who::user(13);
    let token = s.token;
    assert_eq!(
        token
            .transfer(&mut s.chain, alice, carol, 10_000 * ONE_DYN)
            .value,
        Ok(())
    );
    s.allow_gov(carol, 10_000 * ONE_DYN);
    done(s.lock(carol, 10_000 * ONE_DYN));
    assert_eq!(
        s.vote(carol, id, Support::For).value,
        Err(GovernanceError::NoVotingPower)
    );
    // Vote, then unbond (to withdraw later and vote elsewhere): the vote keeps the power of
    // the snapshot, and the account cannot vote again.
    done(s.vote(whale, id, Support::For));
    done(s.unbond(whale, Role::Verifier, WHALE));
    assert_eq!(s.gov_proposal(id).tally.for_votes, 2_120 * ROOT);
    assert_eq!(
        s.vote(whale, id, Support::Against).value,
        Err(GovernanceError::AlreadyVoted)
    );
    // Bonded on behalf of another: bonding has no message that bonds for someone else (the
    // bond is the caller's, pulled from the caller), so dave, holding nothing, has no vote.
    let dave = who::user(14);
    let block = s.chain.block();
    assert_eq!(s.active_at(dave, block), 0);
    assert_eq!(
        s.vote(dave, id, Support::For).value,
        Err(GovernanceError::NoVotingPower)
    );
    // The tally is the sum of the accepted votes.
    let at = s.gov_proposal(id).vote_end;
    s.wait_until(at);
    assert_eq!(s.gov_proposal(id).tally.for_votes, 2_120 * ROOT);
}

#[test]
fn splitting_into_k_accounts_gains_at_most_root_k_and_costs_k_aged_bonds() {
    // 1,000,000 DYN locked in one account vs split over k = 4: √ per account rewards the
    // split by √k on the locked part, but each account must carry the 100 DYN floor bond
    // for 7 days (100 DYN × k locked away, slashable), and a split account without it votes
    // nothing. (The floor equals bonding's minimum bond, so no smaller bond exists.)
    let mut s = Suite::governed();
    let proposer = s.proposer(1);
    let floor = DEFAULT_CONFIG.vote_bond_floor;
    let one = s.voter(10, floor, WHALE);
    let split: Vec<AccountId> = (0..4).map(|i| s.voter(20 + i, floor, WHALE / 4)).collect();
    let unbonded = s.voter(30, 0, WHALE / 4);
    s.chain.advance(AGED);
    let id = {
        let change = rep_change(&mut s);
        propose(&mut s, proposer, vec![change])
    };
    let at = s.gov_proposal(id).vote_start;
    s.wait_until(at);
    let bond_power = 2 * isqrt(floor);
    assert_eq!(s.power(id, one), isqrt(WHALE) + bond_power);
    let total: u128 = split.iter().map(|v| s.power(id, *v)).sum();
    assert_eq!(total, 4 * (isqrt(WHALE / 4) + bond_power));
    // √4 = 2 on the locked part exactly.
    assert_eq!(4 * isqrt(WHALE / 4), 2 * isqrt(WHALE));
    assert_eq!(s.power(id, unbonded), 0);
    assert_eq!(
        s.vote(unbonded, id, Support::For).value,
        Err(GovernanceError::NoVotingPower)
    );
    // A bond made after the snapshot minus the age does not count, however large.
    let fresh = s.voter(32, WHALE, 0);
    assert_eq!(s.power(id, fresh), 0);
}

#[test]
fn every_privileged_message_refuses_every_other_caller() {
    let (mut s, proposer, _) = dao();
    let gov = s.gov();
    let targets: Targets = s
        .gov_query::<Option<Targets>>(sel::TARGETS, ())
        .unwrap_or_else(|| panic!("wired"));
    // wire: the admin's once, locked now for everyone (the admin's refusals before locking:
    // wiring_is_the_admins_and_once).
    for caller in everyone(&s) {
        let refused = s
            .gov_call::<GovResult<()>>(caller, sel::WIRE, targets)
            .value;
        assert_eq!(refused, Err(GovernanceError::WiringLocked), "{caller:?}");
    }
    // reputation.set_params and mint_credits.set_tunables: governance's only, reached only
    // through an executed proposal.
    let params = s.rep_params();
    let tunables = s.tunables();
    for caller in everyone(&s).into_iter().filter(|c| *c != gov) {
        assert_eq!(
            s.rep_call::<Result<(), ReputationError>>(caller, rep_sel::SET_PARAMS, params)
                .value,
            Err(ReputationError::NotGovernance),
            "{caller:?}"
        );
        assert_eq!(
            s.set_tunables(caller, tunables).value,
            Err(mint_credits::MintError::NotGovernance),
            "{caller:?}"
        );
        let (bp, ap) = (s.bond_params(), s.att_params());
        for (selector, args) in [
            (bond_sel::SET_PARAMS, bp.encode()),
            (bond_sel::SET_RESOLVER, caller.encode()),
        ] {
            let r: Result<(), BondingError> = s.bond_call(caller, selector, Raw(args)).value;
            assert_eq!(r, Err(BondingError::NotGovernance), "{caller:?}");
        }
        for (selector, args) in [
            (bond_sel::SET_PARAMS, ap.encode()),
            (bond_sel::SET_RESOLVER, caller.encode()),
        ] {
            let r: Result<(), AttestationError> = s.att_call(caller, selector, Raw(args)).value;
            assert_eq!(r, Err(AttestationError::NotGovernance), "{caller:?}");
        }
    }
    // seed_founder: the wiring admin's before the lock (locked now for everyone).
    for caller in everyone(&s) {
        assert_eq!(
            s.rep_call::<Result<(), ReputationError>>(caller, rep_sel::SEED_FOUNDER, caller)
                .value,
            Err(ReputationError::WiringLocked),
            "{caller:?}"
        );
    }
    // cancel: the proposer while pending, the council as spam; nobody else.
    let id = {
        let change = rep_change(&mut s);
        propose(&mut s, proposer, vec![change])
    };
    for caller in everyone(&s) {
        if caller == who::council() || caller == proposer {
            continue;
        }
        assert_eq!(
            s.cancel(caller, id).value,
            Err(GovernanceError::NotProposer),
            "{caller:?}"
        );
    }
    // propose: reputation's authority only.
    let action = rep_change(&mut s);
    for caller in everyone(&s).into_iter().filter(|c| *c != proposer) {
        let refused = s.propose_gov(caller, vec![action.clone()]).value;
        assert_eq!(refused, Err(GovernanceError::NoAuthority), "{caller:?}");
    }
}

#[test]
fn wiring_is_the_admins_and_once() {
    let mut s = Suite::governed_unwired();
    let targets = Targets {
        token: s.token.address,
        reputation: s.reputation,
        bonding: s.bonding,
        mint_credits: s.mint_credits,
        attestations: s.attestations,
        power_flux: s.power_flux,
    };
    assert_eq!(
        s.lock(who::user(1), ONE_DYN).value,
        Err(GovernanceError::NotWired)
    );
    assert_eq!(
        s.propose_gov(who::user(1), vec![Action::Council(who::user(2))])
            .value,
        Err(GovernanceError::NotWired)
    );
    for caller in everyone(&s).into_iter().filter(|c| *c != who::admin()) {
        let refused = s
            .gov_call::<GovResult<()>>(caller, sel::WIRE, targets)
            .value;
        assert_eq!(refused, Err(GovernanceError::NotWiringAdmin), "{caller:?}");
    }
    done(s.gov_call::<GovResult<()>>(who::admin(), sel::WIRE, targets));
    let again = s
        .gov_call::<GovResult<()>>(who::admin(), sel::WIRE, targets)
        .value;
    assert_eq!(again, Err(GovernanceError::WiringLocked));
    // Locking without an allowance: the token's refusal, wrapped.
    s.give(who::user(1), ONE_DYN);
    assert_eq!(
        s.lock(who::user(1), ONE_DYN).value,
        Err(GovernanceError::Token(
            dynamis_shared::PSP22Error::InsufficientAllowance
        ))
    );
}

#[test]
fn a_target_that_is_not_a_contract_fails_the_call_not_the_rules() {
    // Wired (by a careless admin) to an account where reputation should be: reading the
    // proposer's authority fails outright, and governance says so instead of guessing.
    let mut s = Suite::governed_unwired();
    let targets = Targets {
        token: s.token.address,
        reputation: who::user(99),
        bonding: s.bonding,
        mint_credits: s.mint_credits,
        attestations: s.attestations,
        power_flux: s.power_flux,
    };
    done(s.gov_call::<GovResult<()>>(who::admin(), sel::WIRE, targets));
    let refused = s
        .propose_gov(who::user(1), vec![Action::Council(who::user(2))])
        .value;
    assert_eq!(refused, Err(GovernanceError::CallFailed));
}

#[test]
fn a_failing_action_reverts_the_whole_proposal() {
    let (mut s, proposer, whale) = dao();
    // A reputation change and a payment larger than the treasury holds (it holds nothing
    // but deposits, which are not treasury).
    let before = s.rep_params();
    let more = vec![s.voter(40, WHALE, 0)];
    s.chain.advance(AGED);
    let id = {
        let change = rep_change(&mut s);
        propose(
            &mut s,
            proposer,
            vec![
                change,
                Action::Treasury {
                    to: who::user(60),
                    amount: 1_000 * ONE_DYN,
                },
            ],
        )
    };
    let mut voters = vec![whale];
    voters.extend(more);
    let executed = s.pass(id, &voters);
    assert_eq!(executed.value, Err(GovernanceError::TreasuryCap));
    assert_eq!(s.rep_params(), before);
    assert_eq!(s.gov_state(id), Some(State::Queued));
    // Funded, the same proposal executes: both actions at once.
    let gov = s.gov();
    s.give(gov, 1_000 * ONE_DYN);
    assert_eq!(s.treasury(), 1_000 * ONE_DYN);
    done(s.execute(whale, id));
    assert_ne!(s.rep_params(), before);
    assert_eq!(s.balance(who::user(60)), 1_000 * ONE_DYN);
    assert_eq!(s.treasury(), 0);
    let paid: Vec<governance::TreasuryPaid> = all(&s.execute(whale, id).events);
    assert!(paid.is_empty());
}

#[test]
fn governance_upgrades_only_its_own_code_and_only_by_an_upgrade_proposal() {
    // The one contract with an upgrade path is governance itself (outside the mint path);
    // DYN and mint_credits have none (dyn_token::there_is_no_upgrade_path).
    let wasm = bundle(BundleProvider::Governance).wasm;
    let imports = dynamis_tests::wasm_imports(&wasm);
    assert!(
        imports.iter().any(|(_, n)| n.contains("set_code_hash")),
        "{imports:?}"
    );
    assert!(!imports.iter().any(|(_, n)| n.contains("delegate_call")));
    let mut s = Suite::governed();
    let proposer = s.proposer(1);
    let whales: Vec<AccountId> = (0..4).map(|i| s.voter(10 + i, WHALE, 0)).collect();
    s.chain.advance(AGED);
    // Unknown code: the action fails, nothing changes.
    let bad = propose(&mut s, proposer, vec![Action::Upgrade([0xee; 32])]);
    assert_eq!(
        s.pass(bad, &whales).value,
        Err(GovernanceError::ActionFailed(0))
    );
    // Governance's own code (uploaded already): the hash is pinned and the upgrade executes.
    // pallet-contracts names code by the BLAKE2-256 of its Wasm.
    let hash = sp_core::blake2_256(&wasm);
    let good = propose(&mut s, proposer, vec![Action::Upgrade(hash)]);
    done(s.pass(good, &whales));
    assert_eq!(s.gov_state(good), Some(State::Executed));
}

#[test]
fn no_sequence_of_proposals_changes_the_supply_the_minter_or_any_mint_rule() {
    let seed = dynamis_tests::env_or("GOV_SEED", 17);
    let rounds = dynamis_tests::env_or("GOV_ROUNDS", 12);
    let own_code = sp_core::blake2_256(&bundle(BundleProvider::Governance).wasm);
    let mut executed = 0;
    let mut rng = StdRng::seed_from_u64(seed);
    let mut s = Suite::governed();
    // A credit is locked in mint_credits while governance acts: 400 DYN minted by the README's
    // worked example, held in four tranches that only mint_credits' own rules release or burn.
    let (_, _, credit) = Network::activated(&mut s);
    let locked = s.credit(credit);
    let announced = s.proposal(credit);
    assert!(locked.as_ref().is_some_and(|c| c.amount == 400 * ONE_DYN));
    let proposer = s.proposer(1);
    let whales: Vec<AccountId> = (0..4).map(|i| s.voter(10 + i, WHALE, 0)).collect();
    s.chain.advance(AGED);
    let gov = s.gov();
    s.give(gov, 10_000_000 * ONE_DYN);
    let supply = s.supply();
    let minter = s.token.minter_state(&mut s.chain);
    let mint_params = s.mint_params();
    let totals = s.mint_totals();
    assert_eq!(totals.locked, 400 * ONE_DYN);
    let mc = s.mint_credits;
    let held = s.balance(mc);
    let mint_roles = s.mint_wired();
    for round in 0..rounds {
        let mut actions = Vec::new();
        let rp = s.rep_params();
        let bounds = reputation::DEFAULT_BOUNDS;
        let t = s.tunables();
        let mp = s.mint_params();
        let bp = s.bond_params();
        let ap = s.att_params();
        let ft = s.flux_tunables();
        for target in 0..10 {
            if !rng.gen_bool(0.5) {
                continue;
            }
            let extreme = rng.gen_bool(0.15);
            actions.push(match target {
                0 => {
                    let mut p = rp;
                    p.half_life_blocks = if extreme {
                        bounds.max.half_life_blocks
                    } else {
                        rp.half_life_blocks.saturating_add(DAY)
                    };
                    Action::Reputation(p)
                }
                1 => {
                    let mut n = t;
                    n.challenge_deposit = if extreme {
                        u128::MAX
                    } else {
                        t.challenge_deposit
                            .saturating_add(rng.gen_range(0..ONE_DYN))
                            .min(mp.max.challenge_deposit)
                    };
                    Action::MintCredits(n)
                }
                2 => {
                    let mut c = s.gov_config();
                    c.proposal_deposit = if extreme {
                        0
                    } else {
                        c.proposal_deposit + ONE_DYN
                    };
                    Action::Governance(c)
                }
                3 => Action::Treasury {
                    to: who::user(70),
                    amount: if extreme {
                        u128::MAX
                    } else {
                        rng.gen_range(1..1_000_000) * ONE_DYN
                    },
                },
                4 => Action::Council(account(rng.gen())),
                5 => Action::Upgrade(if extreme { rng.gen() } else { own_code }),
                6 => {
                    let mut p = bp;
                    if extreme {
                        // A fixed window: refused whatever the votes.
                        p.dispute_window_blocks = rng.gen_range(1..p.unbonding_blocks);
                    } else {
                        p.min_bond[rng.gen_range(0..5)] += rng.gen_range(0..100) * ONE_DYN;
                    }
                    Action::Bonding(p)
                }
                7 => {
                    let mut p = ap;
                    if extreme {
                        p.epoch_blocks = rng.gen_range(1..2 * DAY);
                    } else {
                        p.success_gain = rng.gen_range(0..10_000);
                    }
                    Action::Attestations(p)
                }
                8 => {
                    let mut f = ft;
                    if extreme {
                        // κ's floor to zero or its ceiling to the top: outside the bounds.
                        f.kappa_min = 0;
                        f.kappa_max = u128::MAX;
                    } else {
                        f.ki_ppb = rng.gen_range(0..2 * ft.ki_ppb.max(1));
                    }
                    Action::PowerFlux(f)
                }
                _ => Action::Resolver(account(rng.gen())),
            });
        }
        if actions.is_empty() {
            actions.push(Action::Council(who::council()));
        }
        let proposed = s.propose_gov(proposer, actions.clone());
        if let Ok(id) = proposed.value {
            let outcome = s.pass(id, &whales).value;
            println!("round {round}: {} actions → {outcome:?}", actions.len());
            executed += usize::from(outcome.is_ok());
        } else {
            println!("round {round}: refused {:?}", proposed.value);
        }
        assert_eq!(s.supply(), supply, "round {round}");
        assert_eq!(s.token.minter_state(&mut s.chain), minter, "round {round}");
        // Every ceiling, rate and curve (the Params), the totals minted, burned and locked.
        assert_eq!(s.mint_params(), mint_params, "round {round}");
        assert_eq!(s.mint_totals(), totals, "round {round}");
        // The locked credit, its proposal and the DYN backing it.
        assert_eq!(s.credit(credit), locked, "round {round}");
        assert_eq!(s.proposal(credit), announced, "round {round}");
        assert_eq!(s.balance(mc), held, "round {round}");
        // mint_credits' links and roles (its governance, its resolver) never move.
        assert_eq!(s.mint_wired(), mint_roles, "round {round}");
    }
    // The search did its work: proposals of every kind were carried out, not only refused.
    assert!(
        executed * 3 >= rounds as usize,
        "only {executed} of {rounds} executed"
    );
}

#[test]
fn the_treasury_pays_at_most_its_epoch_cap_whatever_passes() {
    // A majority that passes six payments of the per-proposal cap (1 M) in one 30-day epoch
    // gets five paid: the sixth is refused at execution (the epoch cap is 5 M), and a payment
    // above the per-proposal cap is refused before anyone votes.
    let mut s = Suite::governed();
    let proposer = s.proposer(1);
    let whales: Vec<AccountId> = (0..2).map(|i| s.voter(10 + i, WHALE, 0)).collect();
    s.chain.advance(AGED);
    let gov = s.gov();
    s.give(gov, 10_000_000 * ONE_DYN);
    let cap = DEFAULT_CONFIG.treasury_per_proposal;
    let pay = |amount| vec![Action::Treasury { to: who::user(60), amount }];
    let refused = s.propose_gov(proposer, pay(cap + 1)).value;
    assert_eq!(refused, Err(GovernanceError::TreasuryCap));
    let ids: Vec<u32> = (0..6).map(|_| propose(&mut s, proposer, pay(cap))).collect();
    let p = s.gov_proposal(ids[0]);
    s.wait_until(p.vote_start);
    for id in &ids {
        for w in &whales {
            done(s.vote(*w, *id, Support::For));
        }
    }
    s.wait_until(p.vote_end);
    for id in &ids {
        done(s.queue(who::user(9), *id));
    }
    let Status::Queued { eta } = s.gov_proposal(ids[0]).status else {
        unreachable!()
    };
    s.wait_until(eta);
    for id in &ids[..5] {
        done(s.execute(who::user(9), *id));
    }
    let sixth = s.execute(who::user(9), ids[5]).value;
    assert_eq!(sixth, Err(GovernanceError::TreasuryCap));
    assert_eq!(s.balance(who::user(60)), 5 * cap);
    // The deposits stay held: the treasury is what was given less what was paid.
    assert_eq!(s.treasury(), 10_000_000 * ONE_DYN - 5 * cap);
}

/// Already-encoded call arguments.
struct Raw(Vec<u8>);

impl Encode for Raw {
    fn size_hint(&self) -> usize {
        self.0.len()
    }
    fn encode_to<T: scale::Output + ?Sized>(&self, dest: &mut T) {
        dest.write(&self.0);
    }
}

#[test]
fn bonding_and_attestation_parameters_and_the_resolver_move_only_by_proposal() {
    let (mut s, proposer, whale) = dao();
    let second = s.voter(3, WHALE, 0);
    s.chain.advance(AGED);
    let (mut bp, mut ap) = (s.bond_params(), s.att_params());
    bp.min_bond[Role::Verifier.index()] = 150 * ONE_DYN;
    ap.threshold_ppb = 700_000_000;
    let params = propose(
        &mut s,
        proposer,
        vec![Action::Bonding(bp), Action::Attestations(ap)],
    );
    assert_eq!(s.gov_proposal(params).class, Class::Parameter);
    done(s.pass(params, &[whale]));
    assert_eq!((s.bond_params(), s.att_params()), (bp, ap));
    // A window every open slash reads is fixed: no proposal moves it.
    let mut window = bp;
    window.dispute_window_blocks -= 1;
    assert_eq!(
        s.propose_gov(proposer, vec![Action::Bonding(window)]).value,
        Err(GovernanceError::OutOfBounds)
    );
    // The resolver seat: a council-class proposal (4,000 √DYN of quorum: two whales), one
    // seat in both contracts; mint_credits keeps its own.
    let mint_before = s.mint_wired();
    let resolver = who::user(80);
    let seat = propose(&mut s, proposer, vec![Action::Resolver(resolver)]);
    assert_eq!(s.gov_proposal(seat).class, Class::Council);
    done(s.pass(seat, &[whale, second]));
    let bonding_wired: (AccountId, AccountId, AccountId) = s.bond_query(bond_sel::WIRED, ());
    let att_wired: (AccountId, AccountId, AccountId, AccountId) =
        s.att_query(bond_sel::WIRED, ());
    assert_eq!((bonding_wired.2, att_wired.3), (resolver, resolver));
    assert_eq!(s.mint_wired(), mint_before);
}

#[test]
fn a_founder_seeded_at_deployment_proposes_at_once_and_fades_without_work() {
    let founder = who::user(40);
    let mut s = Suite::governed_with_founders(&[founder]);
    assert!(s.authority(founder, dynamis_shared::Action::ProposeGovernance));
    assert!(!s.authority(founder, dynamis_shared::Action::ProposeMint));
    let deposit = s.gov_config().proposal_deposit;
    s.give(founder, deposit);
    s.allow_gov(founder, deposit);
    let change = rep_change(&mut s);
    done(s.propose_gov(founder, vec![change.clone()]));
    // 0.4 half-lives (72 days) without attested work: no longer a proposer.
    let half_life = s.rep_params().half_life_blocks;
    s.chain.advance(half_life / 10 * 4 + 100);
    assert!(!s.authority(founder, dynamis_shared::Action::ProposeGovernance));
    s.give(founder, deposit);
    s.allow_gov(founder, deposit);
    assert_eq!(
        s.propose_gov(founder, vec![change]).value,
        Err(GovernanceError::NoAuthority)
    );
}
