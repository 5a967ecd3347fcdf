//! Randomised action sequences over the whole suite, honest traffic mixed with attackers:
//! - a stranger calling every permissionless message (burn, release, activate, expire,
//!   advance the phase, finalise, claim an unanswered request, apply a default, sync a weight,
//!   settle a slash) at whatever block the sequence has reached;
//! - a coalition of keys at the bond floor, far below the stake threshold, posting inflated
//!   attestations of its own;
//! - a griefer contesting valid items and requesting data of honest attestations (the network
//!   answers; the resolver rejects or lets the deadline pass);
//! - a proposer naming other beneficiaries, with and without their consent;
//! - governance tuning, trying to mint and to propose; thieves pulling locked credits.
//!
//! mint_credits is instantiated with small ceilings so that the mints reach them. After every
//! step:
//! - total supply == 1e9 DYN + Σ activated mints − Σ burns, every mint and burn read from the
//!   token's own Transfer events; DYN is minted only inside an `activate`, to mint_credits,
//!   exactly its `Activated` amount;
//! - each regime's lifetime mint ≤ its ceiling;
//! - no credit burned for a capacity drop in an epoch that was not final when it burned;
//! - no measured increase minted twice: a cited (attestation, beneficiary) share backs one
//!   proposal at most; per beneficiary and regime, the units proposals minted against add up
//!   to what the contract says was claimed, never above what its bond backs;
//! - mint_credits holds exactly its locked credits and deposits; bonding holds exactly
//!   active + unbonding + pending slashes + dispute deposits; attestations exactly the deposits
//!   of its open requests and contests.
//!
//! Seeds and lengths: `DYNAMIS_SEEDS` (default 3 seeds) and `DYNAMIS_STEPS` (default 120).

use attestations::{ContestResolved, DataWithheld, ItemAnswered, ItemRequested, Status};
use dynamis_proofs::Regime;
use dynamis_shared::{Role, SlashClass, Transfer};
use dynamis_tests::{
    attest::Verifier,
    env_or,
    mint::{Network, EXAMPLE_BOND, SIGNED_ITEMS},
    suite::{who, Suite},
    AccountId, Called, RawEvent,
};
use mint_credits::{
    Activated, CreditBurned, Failure, Proposed, Signal, Tunables, DAY, DEFAULT_PARAMS, ONE_DYN,
};
use rand::{rngs::StdRng, Rng, SeedableRng};
use std::collections::{BTreeMap, BTreeSet};

/// Ceilings small enough for the sequences' mints to reach (ephemeral, session, anchored,
/// permanent).
const CEILINGS: [u128; 4] = [
    1_500 * ONE_DYN,
    400 * ONE_DYN,
    150 * ONE_DYN,
    60 * ONE_DYN,
];

/// What the events said, accumulated.
#[derive(Default)]
struct Ledger {
    minted: u128,
    burned: u128,
    /// (attestation, beneficiary) shares cited so far.
    cited: BTreeSet<(u64, AccountId)>,
    /// Σ Δ of proposals per (beneficiary, regime index).
    deltas: BTreeMap<(AccountId, u8), u128>,
    /// Data requests opened, by (attestation, index), until answered or refunded.
    requests: BTreeSet<(u64, u64)>,
}

struct World {
    s: Suite,
    net: Network,
    ledger: Ledger,
    rng: StdRng,
    seed: u64,
    step: usize,
    /// Attestations posted (id, regime), for signals B–E.
    posted: Vec<(u64, Regime)>,
    units: u64,
    proposals: u64,
    coalition: Vec<Verifier>,
    griefer: Verifier,
    beneficiaries: Vec<AccountId>,
}

impl World {
    fn new(seed: u64) -> Self {
        let mut params = DEFAULT_PARAMS;
        params.ceilings = CEILINGS;
        let mut s = Suite::with_mint_params(params);
        let bonds = [5 * EXAMPLE_BOND, 5 * EXAMPLE_BOND, 1_000 * ONE_DYN];
        let mut net = Network::with_bonds(&mut s, &bonds).with_data();
        net.also_build = net.accounts()[1..].to_vec();
        net.run_example(&mut s);
        s.chain.advance(DAY);
        let c = net.verifiers[2].account;
        let target = s.score(c).max(200_000);
        s.score_to(c, target);
        for u in 0..4 {
            s.give(who::user(u), 10_000 * ONE_DYN);
        }
        for who in [c, who::user(0), who::user(1)] {
            s.give(who, 5_000 * ONE_DYN);
            s.allow_mint(who, u128::MAX / 2);
        }
        // A coalition at the floor (300 of 201,300 DYN of stake) and a griefing verifier.
        let coalition: Vec<Verifier> = (11..=13).map(Verifier::new).collect();
        for v in &coalition {
            s.bond_new(v.account, Role::Verifier, 100 * ONE_DYN);
            dynamis_tests::suite::done(s.register(v));
        }
        let griefer = Verifier::new(14);
        s.bond_new(griefer.account, Role::Verifier, 100 * ONE_DYN);
        dynamis_tests::suite::done(s.register(&griefer));
        s.allow_attestations(griefer.account, 100_000 * ONE_DYN);
        let beneficiaries = net.accounts();
        Self {
            s,
            net,
            ledger: Ledger::default(),
            rng: StdRng::seed_from_u64(seed),
            seed,
            step: 0,
            posted: Vec::new(),
            units: 4_500,
            proposals: 0,
            coalition,
            griefer,
            beneficiaries,
        }
    }

    fn at(&self) -> String {
        format!("seed {} step {}", self.seed, self.step)
    }

    /// Reads one call's events; `activating` says whether the call was an `activate`.
    fn see<T>(&mut self, called: Called<T>, activating: bool) -> T {
        self.observe(&called.events, activating);
        called.value
    }

    fn observe(&mut self, events: &[RawEvent], activating: bool) {
        let at = self.at();
        let (token, mc, att) = (self.s.token.address, self.s.mint_credits, self.s.attestations);
        let mut minted_here = 0u128;
        for e in events.iter().filter(|e| e.contract == token) {
            if let Some(t) = e.decode_as::<Transfer>() {
                match (t.from, t.to) {
                    (None, Some(to)) => {
                        assert_eq!(to, mc, "{at}: minted to {to:?}");
                        minted_here += t.value;
                    }
                    (Some(_), None) => self.ledger.burned += t.value,
                    _ => {}
                }
            }
        }
        let mut activated = 0u128;
        for e in events.iter().filter(|e| e.contract == mc) {
            if let Some(a) = e.decode_as::<Activated>() {
                activated += a.amount;
            }
            if let Some(p) = e.decode_as::<Proposed>() {
                for id in &p.cited {
                    let fresh = self.ledger.cited.insert((*id, p.beneficiary));
                    assert!(fresh, "{at}: attestation {id} cited twice for one beneficiary");
                }
                // What it claims is backed by the beneficiary's bond now.
                let claimed = self.s.claimed(p.beneficiary, p.regime);
                let bond = self.s.stake(p.beneficiary, Role::Verifier).active;
                assert!(
                    claimed <= bond / DEFAULT_PARAMS.bond_per_unit,
                    "{at}: {claimed} units claimed on a bond of {bond}"
                );
                *self
                    .ledger
                    .deltas
                    .entry((p.beneficiary, p.regime.index()))
                    .or_default() += p.delta;
            }
            if let Some(b) = e.decode_as::<CreditBurned>() {
                if let (Failure::CapacityDrop, Some(epoch)) = (b.reason, b.epoch) {
                    assert!(
                        self.s.is_final(epoch),
                        "{at}: credit {} burned for epoch {epoch}, not final",
                        b.id
                    );
                }
            }
        }
        for e in events.iter().filter(|e| e.contract == att) {
            if let Some(r) = e.decode_as::<ItemRequested>() {
                self.ledger.requests.insert((r.id, r.index));
            }
            if let Some(r) = e.decode_as::<ItemAnswered>() {
                self.ledger.requests.remove(&(r.id, r.index));
            }
            if let Some(r) = e.decode_as::<DataWithheld>() {
                self.ledger.requests.retain(|(id, _)| *id != r.id);
            }
            if let Some(c) = e.decode_as::<ContestResolved>() {
                if c.upheld {
                    self.ledger.requests.retain(|(id, _)| *id != c.id);
                }
            }
        }
        assert!(
            minted_here == 0 || activating,
            "{at}: DYN minted outside an activation"
        );
        assert_eq!(minted_here, activated, "{at}: mint ≠ activation");
        self.ledger.minted += minted_here;
    }

    /// A proposal id, sometimes one that does not exist.
    fn any_id(&mut self) -> u64 {
        self.rng.gen_range(0..=self.proposals)
    }

    fn attestation_id(&mut self) -> u64 {
        let n = self.posted.len().max(1) as u64;
        self.rng.gen_range(0..n + 3)
    }

    fn proposed(&mut self, called: Called<Result<u64, mint_credits::MintError>>) {
        if let Ok(id) = self.see(called, false) {
            self.proposals = self.proposals.max(id + 1);
        }
    }

    /// What to ask for against an estimated `bound`: half the time the bound itself (so that
    /// mints reach the ceilings), else anything up to 1.2 × it (some refused above it).
    fn amount(&mut self, bound: u128) -> u128 {
        if self.rng.gen_bool(0.5) {
            bound.max(1)
        } else {
            self.rng.gen_range(1..=bound.max(1) * 6 / 5)
        }
    }

    /// A beneficiary and a proposer: often itself, sometimes another verifier, consenting or
    /// not.
    fn pair(&mut self) -> (AccountId, AccountId) {
        let n = self.beneficiaries.len();
        let b = self.beneficiaries[self.rng.gen_range(0..n)];
        let p = if self.rng.gen_bool(0.5) {
            b
        } else {
            self.beneficiaries[self.rng.gen_range(0..n)]
        };
        if b != p && self.rng.gen_bool(0.3) {
            let allowed = self.rng.gen_bool(0.7);
            let called = self.s.consent(b, p, allowed);
            let _ = self.see(called, false);
        }
        (b, p)
    }

    fn act(&mut self) {
        match self.rng.gen_range(0..22) {
            // An epoch of work: capacity drifting upward with noise, in a random regime; the
            // builders' reputation rising; the network answering the requests it can.
            0..=3 => self.work(),
            4 | 5 => {
                let (b, p) = self.pair();
                // Up to 1.2 × the bound of a 150-unit rise: some refused above it.
                let score = self.s.score(b);
                let bound = self.s.bound(Signal::CapacityExpansion, 150, score);
                let amount = self.amount(bound);
                let called = self.s.propose(p, Signal::CapacityExpansion, b, amount, &[]);
                self.proposed(called);
            }
            6 | 7 => {
                let signal = [
                    Signal::PermanentLiability,
                    Signal::DomainOnboarding,
                    Signal::TemporalExpansion,
                    Signal::CryptoMigration,
                ][self.rng.gen_range(0..4)];
                // One of this regime's attestations (mostly final ones).
                let of_regime: Vec<u64> = self
                    .posted
                    .clone()
                    .into_iter()
                    .filter(|(_, r)| *r == signal.regime())
                    .filter(|(id, _)| {
                        let epoch = self.s.attestation(*id).map_or(0, |r| r.epoch);
                        self.s.is_final(epoch) || self.rng.gen_bool(0.1)
                    })
                    .map(|(id, _)| id)
                    .collect();
                let Some(&cited) = of_regime.get(self.rng.gen_range(0..of_regime.len().max(1)))
                else {
                    return;
                };
                let (b, p) = self.pair();
                let score = self.s.score(b);
                let bound = self.s.bound(signal, 1_000, score);
                let amount = self.amount(bound);
                let called = self.s.propose(p, signal, b, amount, &[cited]);
                self.proposed(called);
            }
            8 => {
                let id = self.any_id();
                let c = self.net.verifiers[2].account;
                let called = self.s.challenge_mint(c, id);
                let _ = self.see(called, false);
            }
            9 => {
                // The resolver decides (a contested valid signature: not upheld), or stays
                // silent until the deadlines pass.
                let (id, upheld) = (self.any_id(), self.rng.gen_bool(0.5));
                if self.rng.gen_bool(0.7) {
                    let called = self.s.resolve_mint(who::resolver(), id, upheld);
                    let _ = self.see(called, false);
                    let a = self.attestation_id();
                    let called = self.s.resolve_contest(who::resolver(), a, false);
                    let _ = self.see(called, false);
                } else {
                    // A week of work goes by.
                    for _ in 0..7 {
                        self.work();
                    }
                }
            }
            10 | 11 => {
                let id = self.any_id();
                let called = self.s.activate(who::user(2), id);
                let _ = self.see(called, true);
            }
            12 => {
                let id = self.any_id();
                let called = self.s.release(who::user(2), id);
                let _ = self.see(called, false);
            }
            13 => {
                let id = self.any_id();
                let failure = [Failure::Archival, Failure::Misreport][self.rng.gen_range(0..2)];
                let called = self.s.report_failure(who::resolver(), id, failure);
                let _ = self.see(called, false);
            }
            // A stranger calls every permissionless message at this block.
            14 | 15 => self.stranger(),
            // The coalition below the threshold posts a million units of its own.
            16 => {
                let a = self
                    .net
                    .attestation(&mut self.s, 1_000_000, Regime::Ephemeral);
                let signers: Vec<&Verifier> = self.coalition.iter().collect();
                let sigs = self.s.signatures(&a, &signers);
                let called = self.s.submit(self.coalition[0].account, &a, &sigs);
                let at = self.at();
                assert_eq!(
                    self.see(called, false),
                    Err(attestations::AttestationError::TooFewSignatures),
                    "{at}: a coalition below the threshold attested"
                );
            }
            // The griefer contests a valid item or requests data of an honest attestation.
            17 => self.grief(),
            // Governance: tunables, in or out of bounds; and it tries to mint and propose.
            18 => {
                let (lo, hi) = (DEFAULT_PARAMS.min, DEFAULT_PARAMS.max);
                let t = Tunables {
                    delay_blocks: self.rng.gen_range(lo.delay_blocks..=5 * DAY),
                    sustain_epochs: self
                        .rng
                        .gen_range(lo.sustain_epochs..=hi.sustain_epochs.min(8)),
                    tranches: self.rng.gen_range(lo.tranches..=hi.tranches),
                    alpha_ppb: self
                        .rng
                        .gen_range(lo.alpha_ppb - 50_000_000..=hi.alpha_ppb + 50_000_000),
                    phase2_factor_ppb: self
                        .rng
                        .gen_range(lo.phase2_factor_ppb..=hi.phase2_factor_ppb),
                    challenge_deposit: self
                        .rng
                        .gen_range(lo.challenge_deposit..=hi.challenge_deposit / 10),
                };
                let g = who::governance();
                let called = self.s.set_tunables(g, t);
                let _ = self.see(called, false);
                let token = self.s.token;
                let called = token.mint(&mut self.s.chain, g, ONE_DYN);
                assert!(self.see(called, false).is_err(), "governance minted");
                let v = self.beneficiaries[0];
                let called = self
                    .s
                    .propose(g, Signal::CapacityExpansion, v, ONE_DYN, &[]);
                assert!(self.see(called, false).is_err(), "governance proposed");
            }
            // Locked credits: nobody can move them out of mint_credits.
            19 => {
                let token = self.s.token;
                let mc = self.s.mint_credits;
                let thieves = [
                    self.beneficiaries[0],
                    self.griefer.account,
                    who::governance(),
                    who::user(2),
                ];
                let thief = thieves[self.rng.gen_range(0..4)];
                let held = token.balance_of(&mut self.s.chain, mc);
                let called = token.transfer_from(&mut self.s.chain, thief, mc, thief, held.max(1));
                assert!(self.see(called, false).is_err(), "locked credits moved");
            }
            // Ordinary token traffic and bonding, slashes included (they burn).
            20 => {
                let (a, b) = (
                    who::user(self.rng.gen_range(0..4)),
                    who::user(self.rng.gen_range(0..4)),
                );
                let token = self.s.token;
                let amount = self.rng.gen_range(1..100) * ONE_DYN;
                let called = token.transfer(&mut self.s.chain, a, b, amount);
                let _ = self.see(called, false);
            }
            _ => {
                let u = who::user(self.rng.gen_range(0..2));
                if self.s.stake(u, Role::Validator).active == 0 {
                    self.s.bond_new(u, Role::Validator, 200 * ONE_DYN);
                } else {
                    let class = SlashClass::Sla(self.rng.gen_range(1..=5));
                    let called = self
                        .s
                        .report(who::reporter(), u, Role::Validator, class, [0; 32]);
                    let _ = self.see(called, false);
                }
            }
        }
    }

    /// An epoch of work: ephemeral capacity drifting upward with noise, and half the time a
    /// batch in another regime too; the builders' reputation rising; then the next epoch.
    fn work(&mut self) {
        // Mostly rising (so that sustained increases keep appearing), now and then a dip.
        let step = if self.rng.gen_bool(0.03) {
            -(self.units as i64) / 10
        } else {
            self.rng.gen_range(150..600)
        };
        self.units = (self.units as i64 + step).max(300) as u64;
        let id = self.net.attest(&mut self.s, self.units, Regime::Ephemeral);
        self.posted.push((id, Regime::Ephemeral));
        if self.rng.gen_bool(0.5) {
            let regime = Regime::ALL[self.rng.gen_range(1..4)];
            let units = self.rng.gen_range(300..3_000);
            let id = self.net.attest(&mut self.s, units, regime);
            self.posted.push((id, regime));
        }
        for v in self.beneficiaries.clone() {
            let target = self.s.score(v).saturating_add(15_000).min(700_000);
            self.s.score_to(v, target);
        }
        self.s.chain.advance(DAY);
    }

    /// Every permissionless message, by a stranger, with ids that exist and ids that do not.
    fn stranger(&mut self) {
        let x = who::user(9);
        let id = self.any_id();
        let calls = [
            self.s.burn_on_drop(x, id),
            self.s.release(x, id),
            self.s.expire(x, id),
            self.s.expire_challenge(x, id),
        ];
        for called in calls {
            let _ = self.see(called, false);
        }
        let called = self.s.activate(x, id);
        let _ = self.see(called, true);
        let closed = self.s.newest_closed_epoch().unwrap_or(0);
        let accounts = self.net.accounts();
        let called = self.s.advance_phase(x, closed, &accounts);
        let _ = self.see(called, false);
        let a = self.attestation_id();
        let index = self.rng.gen_range(0..4);
        let calls = [
            self.s.finalize(x, a),
            self.s.claim_unanswered(x, a, index),
            self.s.expire_contest(x, a),
        ];
        for called in calls {
            let _ = self.see(called, false);
        }
        let who = [self.beneficiaries[2], self.coalition[0].account][self.rng.gen_range(0..2)];
        let called = self.s.sync_weight(x, who);
        let _ = self.see(called, false);
        let slash = self.rng.gen_range(0..self.s.next_slash().max(1));
        let calls = [self.s.settle(x, slash), self.s.expire_dispute(x, slash)];
        for called in calls {
            let _ = self.see(called, false);
        }
    }

    /// The griefer contests a valid signature of an honest attestation (the resolver rejects
    /// it or stays silent), tries to prove a valid hash chain false, or requests an item (the
    /// network answers, or not: then anyone claims).
    fn grief(&mut self) {
        let Some(&(id, _)) = self.posted.last() else {
            return;
        };
        let g = self.griefer.account;
        let Some(batch) = self.net.batch(id) else {
            return;
        };
        let signed = SIGNED_ITEMS.min(batch.len());
        let contest_at = self.rng.gen_range(0..signed);
        let contest = batch.proof(contest_at).map(|p| (batch.items[contest_at as usize].clone(), p.path));
        let index = self.rng.gen_range(0..batch.len());
        let proof = batch.proof(index).map(|p| p.path);
        let item = batch.items[index as usize].clone();
        if self.rng.gen_bool(0.3) {
            if let Some((signature, path)) = contest {
                let called = self.s.contest(g, id, &signature, contest_at, &path);
                let _ = self.see(called, false);
            }
        } else if self.rng.gen_bool(0.5) {
            let called = self.s.request_item(g, id, index);
            let requested = self.see(called, false).is_ok();
            if requested && self.rng.gen_bool(0.8) {
                let answered = self.net.answer(&mut self.s, id, index);
                let at = self.at();
                assert!(answered, "{at}: the network could not answer for its data");
                self.ledger.requests.remove(&(id, index));
            }
        } else if let Some(path) = proof {
            // A valid item proves nothing.
            let called = self.s.challenge(g, id, &item, index, &path);
            assert!(self.see(called, false).is_err());
        }
    }

    fn check(&mut self) {
        let at = self.at();
        let supply = self.s.supply();
        assert_eq!(
            supply,
            dyn_token::GENESIS_SUPPLY + self.ledger.minted - self.ledger.burned,
            "{at}: supply"
        );
        let totals = self.s.mint_totals();
        assert_eq!(
            totals.minted.iter().sum::<u128>(),
            self.ledger.minted,
            "{at}: minted"
        );
        for (minted, ceiling) in totals.minted.iter().zip(CEILINGS) {
            assert!(*minted <= ceiling, "{at}: ceiling");
        }
        let mc = self.s.mint_credits;
        assert_eq!(
            self.s.balance(mc),
            totals.locked + totals.deposits_held,
            "{at}: mint_credits holds exactly the locked credits and deposits"
        );
        let burned_here: u128 = totals.burned.iter().sum::<u128>() + totals.deposits_burned;
        assert!(burned_here <= self.ledger.burned, "{at}: burns");
        // Per beneficiary and regime: what proposals minted against is what was claimed
        // (signal A: at most its claimed level), never above what its bond backs.
        for ((b, r), delta) in self.ledger.deltas.clone() {
            let regime = Regime::from_index(r).expect("regime");
            let claimed = self.s.claimed(b, regime);
            if regime == Regime::Ephemeral {
                assert!(delta <= claimed, "{at}: {delta} minted against a level of {claimed}");
            } else {
                assert_eq!(delta, claimed, "{at}: claims of regime {r}");
            }
        }
        // Bonding holds exactly its parts.
        let held = self.s.bonding_balance();
        assert_eq!(Some(held), self.s.holdings().sum(), "{at}: bonding's holdings");
        // Attestations holds exactly the deposits of its open requests and contests.
        let mut deposits = 0u128;
        for (id, index) in self.ledger.requests.clone() {
            let request = self.s.request(id, index);
            assert!(request.is_some(), "{at}: request ({id}, {index}) lost");
            deposits += request.map_or(0, |r| r.deposit);
        }
        for (id, _) in self.posted.clone() {
            if let Some(record) = self.s.attestation(id) {
                if record.status == Status::Contested {
                    deposits += record.contest.map_or(0, |c| c.deposit);
                }
            }
        }
        let att = self.s.attestations;
        assert_eq!(self.s.balance(att), deposits, "{at}: attestations' deposits");
    }
}

#[test]
fn random_actions_with_attackers_keep_every_invariant() {
    let seeds = env_or("DYNAMIS_SEEDS", 3);
    let steps = env_or("DYNAMIS_STEPS", 120) as usize;
    let mut activated = 0u128;
    let mut fullest = 0u128;
    for seed in 0..seeds {
        let mut w = World::new(seed);
        w.check();
        for step in 0..steps {
            w.step = step;
            w.act();
            w.check();
        }
        activated += w.ledger.minted;
        let totals = w.s.mint_totals();
        for (minted, ceiling) in totals.minted.iter().zip(CEILINGS) {
            fullest = fullest.max(minted * 100 / ceiling);
        }
        eprintln!(
            "seed {seed}: {} proposals, {} DYN minted ({:?} per regime), {} DYN burned",
            w.proposals,
            w.ledger.minted / ONE_DYN,
            totals.minted.map(|m| m / ONE_DYN),
            w.ledger.burned / ONE_DYN
        );
    }
    assert!(
        activated > 0,
        "the sequences never activated a mint: they test nothing"
    );
    assert!(
        fullest >= 50,
        "no regime got past half its ceiling ({fullest} %): the ceiling check is never tested"
    );
}
