use super::*;
use crate::config::{DAY_MS, DEFAULT_BOUNDS, DEFAULT_CONFIG};
use dynamis_shared::ONE_DYN;
use std::{cell::RefCell, collections::BTreeMap};

fn acc(n: u8) -> AccountId {
    AccountId::from([n; 32])
}

const ADMIN: u8 = 1;
const COUNCIL: u8 = 2;
const PROPOSER: u8 = 3;

/// The other contracts: bonds per account from a block on, authority, parameters.
struct Mock {
    bonds: RefCell<BTreeMap<AccountId, Vec<(u32, u128)>>>,
    authority: bool,
    rep: (reputation::Params, reputation::Bounds),
    tunables: mint_credits::Tunables,
    balance: u128,
}

impl Mock {
    fn new() -> Self {
        Self {
            bonds: RefCell::new(BTreeMap::new()),
            authority: true,
            rep: (reputation::DEFAULT_PARAMS, reputation::DEFAULT_BOUNDS),
            tunables: mint_credits::DEFAULT_TUNABLES,
            balance: 0,
        }
    }
    fn bond(&self, who: AccountId, from: u32, amount: u128) {
        self.bonds
            .borrow_mut()
            .entry(who)
            .or_default()
            .push((from, amount));
    }
}

impl World for Mock {
    fn authority(&self, _: AccountId) -> Result<bool, GovernanceError> {
        Ok(self.authority)
    }
    fn bonded_at(&self, who: AccountId, block: u32) -> Result<u128, GovernanceError> {
        Ok(self
            .bonds
            .borrow()
            .get(&who)
            .and_then(|h| h.iter().rev().find(|(b, _)| *b <= block).map(|(_, v)| *v))
            .unwrap_or(0))
    }
    fn reputation(&self) -> Result<(reputation::Params, reputation::Bounds), GovernanceError> {
        Ok(self.rep)
    }
    fn tunables(&self) -> Result<TunablesInBounds, GovernanceError> {
        let p = mint_credits::DEFAULT_PARAMS;
        Ok((self.tunables, p.min, p.max))
    }
    fn balance(&self) -> Result<u128, GovernanceError> {
        Ok(self.balance)
    }
    fn bonding(&self) -> Result<(bonding::Params, bonding::Bounds), GovernanceError> {
        Ok((bonding::DEFAULT_PARAMS, bonding::DEFAULT_BOUNDS))
    }
    fn attestations(
        &self,
    ) -> Result<(attestations::Params, attestations::Bounds), GovernanceError> {
        Ok((attestations::DEFAULT_PARAMS, attestations::DEFAULT_BOUNDS))
    }
    fn power_flux(&self) -> Result<(power_flux::Tunables, power_flux::Bounds), GovernanceError> {
        let now = power_flux::Tunables::of(power_flux::ONE_FLUX, &power_flux::controller::DEFAULT_PARAMS);
        Ok((now, power_flux::Bounds::around(&now)))
    }
}

fn targets() -> Targets {
    Targets {
        token: acc(90),
        reputation: acc(91),
        bonding: acc(92),
        mint_credits: acc(93),
        attestations: acc(94),
        power_flux: acc(95),
    }
}

fn rules() -> Rules {
    let mut r = Rules::new(acc(ADMIN), acc(COUNCIL), DEFAULT_BOUNDS, DEFAULT_CONFIG)
        .unwrap_or_else(|e| panic!("{e:?}"));
    r.wire(acc(ADMIN), targets())
        .unwrap_or_else(|e| panic!("{e:?}"));
    r
}

fn ok<T>(r: Result<T, GovernanceError>) -> T {
    r.unwrap_or_else(|e| panic!("{e:?}"))
}

/// A voter bonded since block 0 with `bonded` DYN (aged at any block past the bond age).
fn voter(world: &Mock, n: u8, bonded: u128) -> AccountId {
    world.bond(acc(n), 0, bonded * ONE_DYN);
    acc(n)
}

/// The block and time the tests propose at: past the bond age.
const BLOCK: u32 = 8 * dynamis_shared::DAY;
const T0: u64 = 1_000 * DAY_MS;

fn reputation_step(world: &Mock) -> Action {
    let mut p = world.rep.0;
    p.max_gain_per_success += 1;
    Action::Reputation(p)
}

fn propose(r: &mut Rules, world: &Mock, actions: Vec<Action>) -> u32 {
    ok(r.propose(world, acc(PROPOSER), actions, [7; 32], BLOCK, T0)).0
}

#[ink::test]
fn a_parameter_proposal_goes_through_every_state() {
    let (mut r, w) = (rules(), Mock::new());
    let whale = voter(&w, 10, 1_000_000);
    let id = propose(&mut r, &w, vec![reputation_step(&w)]);
    let p = ok(r.get(id));
    assert_eq!(
        (p.class, p.snapshot, p.rules),
        (Class::Parameter, BLOCK - 1, DEFAULT_CONFIG.classes[0])
    );
    assert_eq!(r.state(id, T0), Ok(State::Pending));
    assert_eq!(
        r.vote(&w, whale, id, Support::For, T0),
        Err(GovernanceError::WrongState)
    );
    let start = T0 + DEFAULT_CONFIG.voting_delay_ms;
    assert_eq!(r.state(id, start), Ok(State::Active));
    ok(r.vote(&w, whale, id, Support::For, start));
    // 2·√(10⁶ DYN) = 2,000 √DYN: exactly the quorum.
    assert_eq!(ok(r.get(id)).tally.for_votes, 2_000 * 1_000_000_000);
    assert_eq!(r.queue(id, start), Err(GovernanceError::WrongState));
    let end = p.vote_end;
    assert_eq!(r.state(id, end), Ok(State::Succeeded));
    ok(r.queue(id, end));
    assert_eq!(r.execute(&w, id, end), Err(GovernanceError::WrongState));
    let eta = end + DEFAULT_CONFIG.classes[0].timelock_ms;
    let (_, effects) = ok(r.execute(&w, id, eta));
    assert!(matches!(
        effects.as_slice(),
        [Effect::SetReputation { index: 0, .. }]
    ));
    assert_eq!(r.state(id, eta), Ok(State::Executed));
    assert_eq!(r.execute(&w, id, eta), Err(GovernanceError::WrongState));
}

#[ink::test]
fn the_threshold_is_met_at_exactly_its_share_and_not_one_unit_below() {
    let rules = DEFAULT_CONFIG.classes[0]; // 51 %
    let q = rules.quorum;
    let exactly = Tally {
        for_votes: 51 * q,
        against: 49 * q,
        abstain: 0,
    };
    assert!(exactly.passes(&rules));
    let below = Tally {
        for_votes: 51 * q - 1,
        against: 49 * q + 1,
        abstain: 0,
    };
    assert!(!below.passes(&rules));
    // Abstentions count for the quorum, not the share.
    let quorum_by_abstain = Tally {
        for_votes: 1,
        against: 0,
        abstain: q - 1,
    };
    assert!(quorum_by_abstain.passes(&rules));
    let short = Tally {
        for_votes: 1,
        against: 0,
        abstain: q - 2,
    };
    assert!(!short.passes(&rules));
}

#[ink::test]
fn rules_are_frozen_when_a_proposal_is_made() {
    let (mut r, w) = (rules(), Mock::new());
    let id = propose(&mut r, &w, vec![reputation_step(&w)]);
    let before = ok(r.get(id));
    // Governance's own config moves (as an executed proposal would do it).
    let mut c = DEFAULT_CONFIG;
    c.classes[0].quorum = DEFAULT_BOUNDS.min.classes[0].quorum + 1_000_000_000_000;
    c.classes[0].voting_ms = DEFAULT_CONFIG.classes[0].voting_ms - DAY_MS / 2;
    c.vote_bond_floor = 200 * ONE_DYN;
    assert!(DEFAULT_BOUNDS.allows(&DEFAULT_CONFIG, &c));
    r.config = c;
    let after = ok(r.get(id));
    assert_eq!(before, after);
    assert_eq!(r.state(id, before.vote_end - 1), Ok(State::Active));
}

#[ink::test]
fn a_step_past_the_cap_or_the_bounds_is_refused_at_propose_and_at_execute() {
    let (mut r, mut w) = (rules(), Mock::new());
    let (lo, hi) = (
        reputation::DEFAULT_BOUNDS.min.half_life_blocks,
        reputation::DEFAULT_BOUNDS.max.half_life_blocks,
    );
    let step =
        dynamis_shared::math::mul_ppb_ceil(u128::from(hi - lo), DEFAULT_BOUNDS.step_ppb) as u32;
    let mut p = w.rep.0;
    p.half_life_blocks += step + 1;
    assert_eq!(
        r.propose(
            &w,
            acc(PROPOSER),
            vec![Action::Reputation(p)],
            [0; 32],
            BLOCK,
            T0
        )
        .map(|x| x.0),
        Err(GovernanceError::OutOfBounds)
    );
    p.half_life_blocks -= 1;
    let id = propose(&mut r, &w, vec![Action::Reputation(p)]);
    // Another proposal moved the parameter the other way meanwhile: the step from there is
    // too long now.
    w.rep.0.half_life_blocks -= 1;
    let whale = voter(&w, 10, 1_000_000);
    let start = T0 + DEFAULT_CONFIG.voting_delay_ms;
    ok(r.vote(&w, whale, id, Support::For, start));
    let end = ok(r.get(id)).vote_end;
    ok(r.queue(id, end));
    let eta = end + DEFAULT_CONFIG.classes[0].timelock_ms;
    assert_eq!(
        r.execute(&w, id, eta).map(|_| ()),
        Err(GovernanceError::OutOfBounds)
    );
}

#[ink::test]
fn a_proposal_writes_each_target_once_and_carries_one_to_eight_actions() {
    let (mut r, w) = (rules(), Mock::new());
    let a = reputation_step(&w);
    let refused = |r: &mut Rules, actions| {
        r.propose(&w, acc(PROPOSER), actions, [0; 32], BLOCK, T0)
            .map(|x| x.0)
    };
    assert_eq!(
        refused(&mut r, vec![a.clone(), a.clone()]),
        Err(GovernanceError::DuplicateTarget)
    );
    assert_eq!(
        refused(&mut r, vec![]),
        Err(GovernanceError::BadActionCount)
    );
    assert_eq!(
        refused(&mut r, vec![a; 9]),
        Err(GovernanceError::BadActionCount)
    );
    // The strictest class decides.
    let id = propose(
        &mut r,
        &w,
        vec![reputation_step(&w), Action::Upgrade([1; 32])],
    );
    assert_eq!(ok(r.get(id)).class, Class::Upgrade);
}

#[ink::test]
fn proposing_needs_authority_and_wiring() {
    let (mut r, mut w) = (rules(), Mock::new());
    w.authority = false;
    let a = vec![reputation_step(&w)];
    assert_eq!(
        r.propose(&w, acc(PROPOSER), a.clone(), [0; 32], BLOCK, T0)
            .map(|x| x.0),
        Err(GovernanceError::NoAuthority)
    );
    let mut fresh = Rules::new(acc(ADMIN), acc(COUNCIL), DEFAULT_BOUNDS, DEFAULT_CONFIG)
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        fresh
            .propose(&w, acc(PROPOSER), a, [0; 32], BLOCK, T0)
            .map(|x| x.0),
        Err(GovernanceError::NotWired)
    );
    assert_eq!(
        fresh.lock(acc(9), 1, 1).map(|_| ()),
        Err(GovernanceError::NotWired)
    );
    assert_eq!(
        fresh.wire(acc(9), targets()).map(|_| ()),
        Err(GovernanceError::NotWiringAdmin)
    );
    ok(fresh.wire(acc(ADMIN), targets()));
    assert_eq!(
        fresh.wire(acc(ADMIN), targets()).map(|_| ()),
        Err(GovernanceError::WiringLocked)
    );
}

#[ink::test]
fn power_is_read_at_the_snapshot_and_gated_by_bond_floor_and_age() {
    let (mut r, w) = (rules(), Mock::new());
    // Locked 10,000 DYN, bonded 2,500 DYN, both long before: √10⁴ + 2·√2,500 = 200 √DYN.
    let v = voter(&w, 10, 2_500);
    ok(r.lock(v, 10_000 * ONE_DYN, 1));
    let id = propose(&mut r, &w, vec![reputation_step(&w)]);
    assert_eq!(
        ok(r.power(
            &w,
            v,
            BLOCK - 1,
            100 * ONE_DYN,
            DEFAULT_CONFIG.vote_bond_age_blocks
        )),
        200 * 1_000_000_000
    );
    // Locked in the proposal's block or later: counts for nothing.
    let late = voter(&w, 11, 100);
    ok(r.lock(late, 1_000_000 * ONE_DYN, BLOCK));
    let start = T0 + DEFAULT_CONFIG.voting_delay_ms;
    ok(r.vote(&w, late, id, Support::For, start));
    assert_eq!(
        r.vote_of(id, late),
        Some((Support::For, 20 * 1_000_000_000))
    );
    // Below the floor, or bonded too recently: no vote.
    let small = voter(&w, 12, 99);
    assert_eq!(
        r.vote(&w, small, id, Support::For, start),
        Err(GovernanceError::NoVotingPower)
    );
    let fresh = acc(13);
    w.bond(fresh, BLOCK - 10, 1_000_000 * ONE_DYN);
    assert_eq!(
        r.vote(&w, fresh, id, Support::For, start),
        Err(GovernanceError::NoVotingPower)
    );
}

#[ink::test]
fn one_vote_per_account_and_unlocking_after_the_snapshot_changes_nothing() {
    let (mut r, w) = (rules(), Mock::new());
    let v = voter(&w, 10, 100);
    ok(r.lock(v, 10_000 * ONE_DYN, 1));
    let id = propose(&mut r, &w, vec![reputation_step(&w)]);
    let start = T0 + DEFAULT_CONFIG.voting_delay_ms;
    ok(r.vote(&w, v, id, Support::Against, start));
    assert_eq!(
        r.vote(&w, v, id, Support::For, start),
        Err(GovernanceError::AlreadyVoted)
    );
    // Unlock and move the DYN to another account that locks it: that account's snapshot
    // value is zero, so only its bond counts.
    ok(r.unlock(v, 10_000 * ONE_DYN, BLOCK + 1));
    let other = voter(&w, 11, 100);
    ok(r.lock(other, 10_000 * ONE_DYN, BLOCK + 1));
    ok(r.vote(&w, other, id, Support::For, start));
    let t = ok(r.get(id)).tally;
    assert_eq!(
        (t.against, t.for_votes),
        (120 * 1_000_000_000, 20 * 1_000_000_000)
    );
    assert_eq!(
        r.unlock(v, 1, BLOCK + 2).map(|_| ()),
        Err(GovernanceError::InsufficientLocked)
    );
    assert_eq!(
        r.unlock(v, 0, BLOCK + 2).map(|_| ()),
        Err(GovernanceError::ZeroAmount)
    );
    assert_eq!(
        r.lock(v, 0, BLOCK + 2).map(|_| ()),
        Err(GovernanceError::ZeroAmount)
    );
}

#[ink::test]
fn cancelling_and_deposits() {
    let (mut r, w) = (rules(), Mock::new());
    let whale = voter(&w, 10, 1_000_000);
    let start = T0 + DEFAULT_CONFIG.voting_delay_ms;
    // The proposer withdraws before voting: the deposit returns.
    let a = propose(&mut r, &w, vec![reputation_step(&w)]);
    assert_eq!(
        r.cancel(acc(9), a, T0).map(|_| ()),
        Err(GovernanceError::NotProposer)
    );
    ok(r.cancel(acc(PROPOSER), a, T0));
    let (_, effects) = ok(r.settle_deposit(a, T0));
    assert_eq!(
        effects,
        vec![Effect::Pay {
            to: acc(PROPOSER),
            amount: DEFAULT_CONFIG.proposal_deposit
        }]
    );
    assert_eq!(
        r.settle_deposit(a, T0).map(|_| ()),
        Err(GovernanceError::DepositSettled)
    );
    // The council cancels spam while voting: the deposit stays.
    let b = propose(&mut r, &w, vec![reputation_step(&w)]);
    assert_eq!(
        r.cancel(acc(PROPOSER), b, start).map(|_| ()),
        Err(GovernanceError::WrongState)
    );
    ok(r.cancel(acc(COUNCIL), b, start));
    let (_, effects) = ok(r.settle_deposit(b, start));
    assert!(effects.is_empty());
    // The council cannot cancel its own replacement.
    let c = propose(&mut r, &w, vec![Action::Council(acc(44))]);
    assert_eq!(
        r.cancel(acc(COUNCIL), c, start).map(|_| ()),
        Err(GovernanceError::NotCouncil)
    );
    // Too little support: the deposit goes to the treasury; enough: it returns.
    let d = propose(&mut r, &w, vec![reputation_step(&w)]);
    let e = propose(&mut r, &w, vec![reputation_step(&w)]);
    ok(r.vote(&w, whale, e, Support::Against, start));
    assert_eq!(
        r.settle_deposit(d, start).map(|_| ()),
        Err(GovernanceError::WrongState)
    );
    let end = ok(r.get(d)).vote_end;
    assert!(ok(r.settle_deposit(d, end)).1.is_empty());
    assert_eq!(ok(r.settle_deposit(e, end)).1, Vec::new());
    ok(r.vote(&w, whale, c, Support::For, start));
    let c_end = ok(r.get(c)).vote_end;
    assert_eq!(ok(r.settle_deposit(c, c_end)).1.len(), 1);
    assert_eq!(r.held(), (0, 0));
}

#[ink::test]
fn the_treasury_pays_only_inside_its_caps_and_never_what_is_held() {
    let (mut r, mut w) = (rules(), Mock::new());
    let whale = voter(&w, 10, 10_000_000);
    let cap = DEFAULT_CONFIG.treasury_per_proposal;
    let pay = |amount| {
        vec![Action::Treasury {
            to: acc(50),
            amount,
        }]
    };
    assert_eq!(
        r.propose(&w, acc(PROPOSER), pay(cap + 1), [0; 32], BLOCK, T0)
            .map(|x| x.0),
        Err(GovernanceError::TreasuryCap)
    );
    assert_eq!(
        r.propose(&w, acc(PROPOSER), pay(0), [0; 32], BLOCK, T0)
            .map(|x| x.0),
        Err(GovernanceError::TreasuryCap)
    );
    let ids: Vec<u32> = (0..6).map(|_| propose(&mut r, &w, pay(cap))).collect();
    let start = T0 + DEFAULT_CONFIG.voting_delay_ms;
    for id in &ids {
        ok(r.vote(&w, whale, *id, Support::For, start));
    }
    let end = ok(r.get(ids[0])).vote_end;
    let eta = end + DEFAULT_CONFIG.classes[1].timelock_ms;
    for id in &ids {
        ok(r.queue(*id, end));
    }
    // The deposits (6 × 100 DYN) are held, not treasury: with exactly that much more than
    // deposits, one payment fits.
    w.balance = 6 * DEFAULT_CONFIG.proposal_deposit + cap;
    ok(r.execute(&w, ids[0], eta));
    w.balance -= cap;
    assert_eq!(
        r.execute(&w, ids[1], eta).map(|_| ()),
        Err(GovernanceError::TreasuryCap)
    );
    // Enough DYN: four more fit the 5 M epoch cap, the sixth does not.
    w.balance = 100 * cap;
    let mut r2 = r;
    for id in &ids[1..5] {
        ok(r2.execute(&w, *id, eta));
    }
    assert_eq!(
        r2.execute(&w, ids[5], eta).map(|_| ()),
        Err(GovernanceError::TreasuryCap)
    );
}

#[ink::test]
fn unexecuted_proposals_expire_after_the_grace_period() {
    let (mut r, w) = (rules(), Mock::new());
    let whale = voter(&w, 10, 1_000_000);
    let a = propose(&mut r, &w, vec![reputation_step(&w)]);
    let b = propose(&mut r, &w, vec![Action::MintCredits(w.tunables)]);
    let start = T0 + DEFAULT_CONFIG.voting_delay_ms;
    ok(r.vote(&w, whale, a, Support::For, start));
    ok(r.vote(&w, whale, b, Support::For, start));
    let p = ok(r.get(a));
    let grace = p.rules.grace_ms;
    assert_eq!(r.state(a, p.vote_end + grace + 1), Ok(State::Expired));
    ok(r.queue(b, p.vote_end));
    let eta = p.vote_end + p.rules.timelock_ms;
    assert_eq!(r.state(b, eta + grace), Ok(State::Queued));
    assert_eq!(
        r.execute(&w, b, eta + grace + 1).map(|_| ()),
        Err(GovernanceError::WrongState)
    );
    assert_eq!(r.state(b, eta + grace + 1), Ok(State::Expired));
    assert_eq!(r.state(99, 0), Err(GovernanceError::UnknownProposal));
}

#[ink::test]
fn governance_changes_its_own_rules_only_inside_bounds_by_a_step() {
    let (mut r, w) = (rules(), Mock::new());
    let mut c = DEFAULT_CONFIG;
    c.classes[3].threshold_ppb = 660_000_000; // below the upgrade class's 67 % floor
    assert_eq!(
        r.propose(
            &w,
            acc(PROPOSER),
            vec![Action::Governance(c)],
            [0; 32],
            BLOCK,
            T0
        )
        .map(|x| x.0),
        Err(GovernanceError::OutOfBounds)
    );
    let mut c = DEFAULT_CONFIG;
    c.treasury_per_proposal = c.treasury_per_epoch + 1; // not sane
    assert_eq!(
        r.propose(
            &w,
            acc(PROPOSER),
            vec![Action::Governance(c)],
            [0; 32],
            BLOCK,
            T0
        )
        .map(|x| x.0),
        Err(GovernanceError::OutOfBounds)
    );
    let mut bad = DEFAULT_BOUNDS;
    bad.step_ppb = 0;
    assert_eq!(
        Rules::new(acc(ADMIN), acc(COUNCIL), bad, DEFAULT_CONFIG).map(|_| ()),
        Err(GovernanceError::InvalidConfig)
    );
    let mut outside = DEFAULT_CONFIG;
    outside.proposal_deposit = 0;
    assert_eq!(
        Rules::new(acc(ADMIN), acc(COUNCIL), DEFAULT_BOUNDS, outside).map(|_| ()),
        Err(GovernanceError::InvalidConfig)
    );
}

#[ink::test]
fn bonding_attestations_and_the_resolver_are_actions_of_their_classes_and_fixed_fields_stay() {
    let (mut r, w) = (rules(), Mock::new());
    let whale = voter(&w, 10, 4_000_000);
    let mut bond = bonding::DEFAULT_PARAMS;
    bond.min_bond[4] += ONE_DYN;
    let mut att = attestations::DEFAULT_PARAMS;
    att.threshold_ppb = 700_000_000;
    // Fields whose bounds are equal (the windows every open slash and attestation reads) move
    // by no step at all.
    let mut window = bonding::DEFAULT_PARAMS;
    window.dispute_window_blocks -= 1;
    let mut epoch = attestations::DEFAULT_PARAMS;
    epoch.epoch_blocks += 1;
    for fixed in [Action::Bonding(window), Action::Attestations(epoch)] {
        let made = r.propose(&w, acc(PROPOSER), vec![fixed], [0; 32], BLOCK, T0);
        assert_eq!(made.map(|x| x.0), Err(GovernanceError::OutOfBounds));
    }
    let params = propose(
        &mut r,
        &w,
        vec![Action::Bonding(bond), Action::Attestations(att)],
    );
    let seat = propose(&mut r, &w, vec![Action::Resolver(acc(55))]);
    assert_eq!(ok(r.get(params)).class, Class::Parameter);
    assert_eq!(ok(r.get(seat)).class, Class::Council);
    let start = T0 + DEFAULT_CONFIG.voting_delay_ms;
    for id in [params, seat] {
        ok(r.vote(&w, whale, id, Support::For, start));
        let p = ok(r.get(id));
        ok(r.queue(id, p.vote_end));
        let eta = p.vote_end + p.rules.timelock_ms;
        let (events, effects) = ok(r.execute(&w, id, eta));
        if id == params {
            assert_eq!(
                effects,
                vec![
                    Effect::SetBonding {
                        index: 0,
                        params: bond
                    },
                    Effect::SetAttestations {
                        index: 1,
                        params: att
                    }
                ]
            );
        } else {
            assert_eq!(
                effects,
                vec![Effect::SetResolver {
                    index: 0,
                    resolver: acc(55)
                }]
            );
            assert!(events.contains(&ResolverChanged { resolver: acc(55) }.into()));
        }
    }
}

#[ink::test]
fn power_fluxs_tunables_move_inside_their_bounds_by_at_most_the_step() {
    let (mut r, w) = (rules(), Mock::new());
    let (now, bounds) = ok(w.power_flux());
    // The step is a share of the field's range (max − min), rounded up: 25 % of kp's [0, 1].
    let range = u128::from(bounds.max.kp_ppb - bounds.min.kp_ppb);
    let step = u32::try_from((range * u128::from(DEFAULT_BOUNDS.step_ppb)).div_ceil(1_000_000_000))
        .unwrap_or(0);
    assert_eq!(step, 250_000_000);
    // One unit past the step on kp, and μ past its hard ceiling, are refused.
    let mut far = now;
    far.kp_ppb = now.kp_ppb + step + 1;
    let mut outside = now;
    outside.mu = bounds.max.mu + 1;
    for action in [Action::PowerFlux(far), Action::PowerFlux(outside)] {
        let made = r.propose(&w, acc(PROPOSER), vec![action], [0; 32], BLOCK, T0);
        assert_eq!(made.map(|x| x.0), Err(GovernanceError::OutOfBounds));
    }
    // Exactly the step is a parameter proposal whose execution sets the tunables.
    let mut near = now;
    near.kp_ppb = now.kp_ppb + step;
    let whale = voter(&w, 10, 4_000_000);
    let id = propose(&mut r, &w, vec![Action::PowerFlux(near)]);
    assert_eq!(ok(r.get(id)).class, Class::Parameter);
    ok(r.vote(&w, whale, id, Support::For, T0 + DEFAULT_CONFIG.voting_delay_ms));
    let p = ok(r.get(id));
    ok(r.queue(id, p.vote_end));
    let (_, effects) = ok(r.execute(&w, id, p.vote_end + p.rules.timelock_ms));
    assert_eq!(
        effects,
        vec![Effect::SetPowerFlux {
            index: 0,
            tunables: near
        }]
    );
}
