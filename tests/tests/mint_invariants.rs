//! Randomised action sequences over the whole suite (transfers, bonds, slashes, attestations,
//! proposals, challenges, resolutions, activations, releases, failures, governance calls,
//! attempts to mint or move locked credits), with the supply invariants checked after every
//! step:
//! - total supply == 1e9 DYN + Σ activated mints − Σ burns, every mint and burn read from the
//!   token's own Transfer events;
//! - each regime's lifetime mint ≤ its ceiling;
//! - DYN is minted only inside an `activate` call, by mint_credits, exactly the amount its
//!   Activated event records;
//! - the DYN mint_credits holds is exactly its locked credits plus the challenge deposits it
//!   holds: nothing locked ever leaves but by release or burn.
//!
//! Seeds and lengths: `DYNAMIS_SEEDS` (default 3 seeds) and `DYNAMIS_STEPS` (default 120).

use dynamis_proofs::Regime;
use dynamis_shared::{Role, SlashClass, Transfer};
use dynamis_tests::{
    env_or,
    mint::Network,
    suite::{who, Suite},
    Called, RawEvent,
};
use mint_credits::{Activated, Failure, Signal, Tunables, DAY, DEFAULT_CONFIG, ONE_DYN};
use rand::{rngs::StdRng, Rng, SeedableRng};

/// What the token's events say happened to the supply (each mint checked against the
/// `Activated` event of the same call).
#[derive(Default)]
struct Ledger {
    minted: u128,
    burned: u128,
}

impl Ledger {
    /// Reads one call's events; `activating` says whether the call was an `activate`.
    fn observe(
        &mut self,
        s: &Suite,
        events: &[RawEvent],
        activating: bool,
        seed: u64,
        step: usize,
    ) {
        let mut minted_here = 0u128;
        for e in events.iter().filter(|e| e.contract == s.token.address) {
            if let Some(t) = e.decode_as::<Transfer>() {
                match (t.from, t.to) {
                    (None, Some(to)) => {
                        assert_eq!(
                            to, s.mint_credits,
                            "seed {seed} step {step}: minted to {to:?}"
                        );
                        minted_here += t.value;
                    }
                    (Some(_), None) => self.burned += t.value,
                    _ => {}
                }
            }
        }
        let activated: u128 = events
            .iter()
            .filter(|e| e.contract == s.mint_credits)
            .filter_map(|e| e.decode_as::<Activated>())
            .map(|a| a.amount)
            .sum();
        assert!(
            minted_here == 0 || activating,
            "seed {seed} step {step}: DYN minted outside an activation"
        );
        assert_eq!(
            minted_here, activated,
            "seed {seed} step {step}: mint ≠ activation"
        );
        self.minted += minted_here;
    }
}

/// A whole-suite world at phase 3 with a reputable proposer and challenger.
struct World {
    s: Suite,
    net: Network,
    ledger: Ledger,
    rng: StdRng,
    seed: u64,
    step: usize,
    /// Attestations posted (id, regime, units), for signals B–E.
    finals: Vec<(u64, Regime, u64)>,
    units: u64,
    proposals: u64,
}

impl World {
    fn new(seed: u64) -> Self {
        let mut s = Suite::new();
        let net = Network::example(&mut s);
        let c = net.verifiers[1].account;
        let target = s.score(c).max(200_000);
        s.score_to(c, target);
        for u in 0..4 {
            s.give(who::user(u), 10_000 * ONE_DYN);
        }
        for who in [c, who::user(0), who::user(1)] {
            s.give(who, 5_000 * ONE_DYN);
            s.allow_mint(who, u128::MAX / 2);
        }
        Self {
            s,
            net,
            ledger: Ledger::default(),
            rng: StdRng::seed_from_u64(seed),
            seed,
            step: 0,
            finals: Vec::new(),
            units: 1_500,
            proposals: 0,
        }
    }

    fn see<T>(&mut self, called: Called<T>, activating: bool) -> T {
        let (seed, step) = (self.seed, self.step);
        self.ledger
            .observe(&self.s, &called.events, activating, seed, step);
        called.value
    }

    /// A proposal id, sometimes one that does not exist.
    fn any_id(&mut self) -> u64 {
        self.rng.gen_range(0..=self.proposals)
    }

    /// Counts a proposal the call created.
    fn proposed(&mut self, called: Called<Result<u64, mint_credits::MintError>>) {
        if let Ok(id) = self.see(called, false) {
            self.proposals = self.proposals.max(id + 1);
        }
    }

    fn act(&mut self) {
        let v = self.net.verifiers[0].account;
        let c = self.net.verifiers[1].account;
        match self.rng.gen_range(0..16) {
            // An epoch of work: capacity drifting upward with noise, in a random regime.
            0..=2 => {
                self.units = (self.units as i64 + self.rng.gen_range(-150..400)).max(100) as u64;
                let regime = Regime::ALL[self.rng.gen_range(0..4)];
                let id = self.net.attest(&mut self.s, self.units, regime);
                self.finals.push((id, regime, self.units));
                let target = self.s.score(v).saturating_add(15_000).min(700_000);
                self.s.score_to(v, target);
                self.s.chain.advance(DAY);
            }
            3 => {
                let amount = self.rng.gen_range(1..2_000) * ONE_DYN;
                let called = self.s.propose(v, Signal::CapacityExpansion, v, amount, &[]);
                self.proposed(called);
            }
            4 => {
                let signal = [
                    Signal::PermanentLiability,
                    Signal::DomainOnboarding,
                    Signal::TemporalExpansion,
                    Signal::CryptoMigration,
                ][self.rng.gen_range(0..4)];
                // One of this regime's attestations (the newest may still be pending).
                let of_regime: Vec<(u64, u64)> = self
                    .finals
                    .iter()
                    .filter(|(_, r, _)| *r == signal.regime())
                    .map(|(id, _, units)| (*id, *units))
                    .collect();
                let Some(&(cited, units)) =
                    of_regime.get(self.rng.gen_range(0..of_regime.len().max(1)))
                else {
                    return;
                };
                // Up to 1.2 × the bound: some refused above it.
                let score = self.s.score(v);
                let bound = self.s.bound(signal, u128::from(units), score);
                let amount = self.rng.gen_range(1..=bound.max(1) * 6 / 5);
                let cited = vec![cited];
                let called = self.s.propose(v, signal, v, amount, &cited);
                self.proposed(called);
            }
            5 => {
                let id = self.any_id();
                let called = self.s.challenge_mint(c, id);
                let _ = self.see(called, false);
            }
            6 => {
                let (id, upheld) = (self.any_id(), self.rng.gen_bool(0.5));
                let called = self.s.resolve_mint(who::resolver(), id, upheld);
                let _ = self.see(called, false);
            }
            7 | 8 => {
                let id = self.any_id();
                let called = self.s.activate(who::user(2), id);
                let _ = self.see(called, true);
            }
            9 => {
                let id = self.any_id();
                let called = self.s.release(who::user(2), id);
                let _ = self.see(called, false);
            }
            10 => {
                let id = self.any_id();
                let called = self.s.burn_on_drop(who::user(3), id);
                let _ = self.see(called, false);
            }
            11 => {
                let id = self.any_id();
                let failure = [Failure::Archival, Failure::Misreport][self.rng.gen_range(0..2)];
                let called = self.s.report_failure(who::resolver(), id, failure);
                let _ = self.see(called, false);
            }
            // Governance: tunables, in or out of bounds; and it tries to mint and propose.
            12 => {
                let (lo, hi) = (DEFAULT_CONFIG.min, DEFAULT_CONFIG.max);
                let t = Tunables {
                    delay_blocks: self.rng.gen_range(lo.delay_blocks..=5 * DAY),
                    sustain_epochs: self
                        .rng
                        .gen_range(lo.sustain_epochs..=hi.sustain_epochs.min(10)),
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
                let called = self
                    .s
                    .propose(g, Signal::CapacityExpansion, v, ONE_DYN, &[]);
                assert!(self.see(called, false).is_err(), "governance proposed");
            }
            // Locked credits: nobody can move them out of mint_credits.
            13 => {
                let token = self.s.token;
                let mc = self.s.mint_credits;
                let thief = [v, c, who::governance(), who::user(2)][self.rng.gen_range(0..4)];
                let held = token.balance_of(&mut self.s.chain, mc);
                let called = token.transfer_from(&mut self.s.chain, thief, mc, thief, held.max(1));
                assert!(self.see(called, false).is_err(), "locked credits moved");
            }
            // Ordinary token and bonding traffic, slashes included (they burn).
            14 => {
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
                    if let Ok(id) = self.see(called, false) {
                        self.s.chain.advance(7 * DAY + 1);
                        let called = self.s.settle(who::user(3), id);
                        let _ = self.see(called, false);
                    }
                }
            }
        }
    }

    fn check(&mut self) {
        let (seed, step) = (self.seed, self.step);
        let at = format!("seed {seed} step {step}");
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
        for (minted, ceiling) in totals.minted.iter().zip(DEFAULT_CONFIG.ceilings) {
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
    }
}

#[test]
fn random_actions_keep_every_supply_invariant() {
    let seeds = env_or("DYNAMIS_SEEDS", 3);
    let steps = env_or("DYNAMIS_STEPS", 120) as usize;
    let mut activated = 0u128;
    for seed in 0..seeds {
        let mut w = World::new(seed);
        w.check();
        for step in 0..steps {
            w.step = step;
            w.act();
            w.check();
        }
        activated += w.ledger.minted;
        eprintln!(
            "seed {seed}: {} proposals, {} DYN minted, {} DYN burned",
            w.proposals,
            w.ledger.minted / ONE_DYN,
            w.ledger.burned / ONE_DYN
        );
    }
    assert!(
        activated > 0,
        "the sequences never activated a mint: they test nothing"
    );
}
