//! Randomised action sequences over many accounts against the compiled DYN, reputation and
//! bonding contracts, with every invariant checked after every step:
//! - DYN held by bonding == Σ active + Σ unbonding + Σ pending slashes + Σ dispute deposits,
//!   each sum taken over every account, role and open slash (and equal to `holdings()`);
//! - a slash never takes more than is bonded: each report reserves at most what the role has
//!   bonded, and per account and role, what slashes hold never exceeds what was ever bonded;
//! - DYN's supply changes only by the burns that settlements and rejected disputes declare;
//! - no score moves between accounts: only the account a writer names may gain, and no other
//!   account's score ever rises.
//!
//! Seeds and lengths: `DYNAMIS_SEEDS` (default 3) and `DYNAMIS_STEPS` (default 120),
//! `DYNAMIS_SEED_BASE` to start elsewhere. A failure prints the seed and step to replay.

use bonding::{DisputeResolved, SlashSettled, DAY, ONE_DYN};
use dynamis_shared::{Role, SlashClass};
use dynamis_tests::{
    env_or,
    suite::{who, Suite},
    AccountId, RawEvent,
};
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use std::collections::{BTreeMap, BTreeSet};

const USERS: u8 = 6;
const ROLES: [Role; 3] = [Role::Validator, Role::Archival, Role::Verifier];

#[derive(Debug, Clone)]
enum Step {
    Bond(AccountId, Role, u128),
    Unbond(AccountId, Role, u128),
    Withdraw(AccountId, Role),
    Advance(u32),
    Report(AccountId, AccountId, Role, SlashClass),
    Dispute(AccountId, u64),
    Resolve(AccountId, u64, bool),
    Settle(AccountId, u64),
    Success(AccountId, AccountId, u32),
    Transfer(AccountId, AccountId, u128),
}

impl Step {
    fn kind(&self) -> &'static str {
        match self {
            Step::Bond(..) => "bond",
            Step::Unbond(..) => "unbond",
            Step::Withdraw(..) => "withdraw",
            Step::Advance(..) => "advance",
            Step::Report(..) => "report",
            Step::Dispute(..) => "dispute",
            Step::Resolve(..) => "resolve",
            Step::Settle(..) => "settle",
            Step::Success(..) => "success",
            Step::Transfer(..) => "transfer",
        }
    }
}

struct Run {
    s: Suite,
    users: Vec<AccountId>,
    /// Per account and role: DYN ever put in (bonds, plus stake returned by upheld disputes)
    /// and what slashes currently or finally took.
    ever_in: BTreeMap<(AccountId, usize), u128>,
    slashed: BTreeMap<(AccountId, usize), u128>,
    /// Slash ids ever reported and not yet gone.
    open: BTreeSet<u64>,
}

impl Run {
    fn random_step(&mut self, rng: &mut StdRng) -> Step {
        let user = *self.users.choose(rng).unwrap_or(&self.users[0]);
        let other = *self.users.choose(rng).unwrap_or(&self.users[0]);
        let role = *ROLES.choose(rng).unwrap_or(&Role::Validator);
        let some_id = |rng: &mut StdRng, open: &BTreeSet<u64>| -> u64 {
            let ids: Vec<u64> = open.iter().copied().collect();
            ids.choose(rng).copied().unwrap_or(rng.gen_range(0..3))
        };
        match rng.gen_range(0..100) {
            0..=21 => Step::Bond(user, role, rng.gen_range(0..=600) * ONE_DYN / 2),
            22..=33 => Step::Unbond(user, role, rng.gen_range(0..=400) * ONE_DYN / 2),
            34..=41 => Step::Withdraw(user, role),
            42..=53 => Step::Advance(*[1, 100, DAY, 3 * DAY, 8 * DAY].choose(rng).unwrap_or(&1)),
            54..=65 => {
                let caller = if rng.gen_bool(0.85) {
                    who::reporter()
                } else {
                    other
                };
                let class = match rng.gen_range(0..4) {
                    0 => SlashClass::Sla(rng.gen_range(0..=6)),
                    1 => SlashClass::AttestationFailure,
                    2 => SlashClass::Malicious,
                    _ => SlashClass::Sla(rng.gen_range(1..=5)),
                };
                Step::Report(caller, user, role, class)
            }
            66..=73 => {
                let id = some_id(rng, &self.open);
                let offender = self.s.slash(id).map(|x| x.offender).unwrap_or(user);
                let caller = if rng.gen_bool(0.85) { offender } else { other };
                Step::Dispute(caller, id)
            }
            74..=80 => {
                let caller = if rng.gen_bool(0.85) {
                    who::resolver()
                } else {
                    other
                };
                Step::Resolve(caller, some_id(rng, &self.open), rng.gen_bool(0.5))
            }
            81..=88 => Step::Settle(other, some_id(rng, &self.open)),
            89..=95 => {
                let caller = if rng.gen_bool(0.85) {
                    who::writer()
                } else {
                    other
                };
                Step::Success(caller, user, rng.gen_range(0..=10_000))
            }
            _ => Step::Transfer(user, other, rng.gen_range(0..=100) * ONE_DYN),
        }
    }

    /// Runs `step`; returns whether it succeeded and the bonding events it emitted.
    fn apply(&mut self, step: &Step) -> (bool, Vec<RawEvent>) {
        let s = &mut self.s;
        match *step {
            Step::Bond(u, r, a) => {
                let c = s.bond(u, r, a);
                if c.value.is_ok() {
                    *self.ever_in.entry((u, r.index())).or_default() += a;
                }
                (c.value.is_ok(), c.events)
            }
            Step::Unbond(u, r, a) => {
                let c = s.unbond(u, r, a);
                (c.value.is_ok(), c.events)
            }
            Step::Withdraw(u, r) => {
                let c = s.withdraw(u, r);
                (c.value.is_ok(), c.events)
            }
            Step::Advance(blocks) => {
                s.chain.advance(blocks);
                (true, vec![])
            }
            Step::Report(caller, offender, role, class) => {
                let before = s.stake(offender, role).bonded();
                let c = s.report(caller, offender, role, class, [7; 32]);
                if let Ok(id) = c.value {
                    let amount = s.slash(id).map_or(0, |x| x.amount);
                    assert!(amount <= before, "slash {amount} > bonded {before}");
                    assert_eq!(s.stake(offender, role).bonded(), before - amount);
                    *self.slashed.entry((offender, role.index())).or_default() += amount;
                    self.open.insert(id);
                }
                (c.value.is_ok(), c.events)
            }
            Step::Dispute(caller, id) => {
                let c = s.dispute(caller, id);
                (c.value.is_ok(), c.events)
            }
            Step::Resolve(caller, id, upheld) => {
                let slash = s.slash(id);
                let c = s.resolve(caller, id, upheld);
                if c.value.is_ok() && upheld {
                    if let Some(x) = slash {
                        *self
                            .slashed
                            .entry((x.offender, x.role.index()))
                            .or_default() -= x.amount;
                        self.open.remove(&id);
                    }
                }
                (c.value.is_ok(), c.events)
            }
            Step::Settle(caller, id) => {
                let c = s.settle(caller, id);
                if c.value.is_ok() {
                    self.open.remove(&id);
                }
                (c.value.is_ok(), c.events)
            }
            Step::Success(caller, account, gain) => {
                let c = s.record_success(caller, account, gain);
                (c.value.is_ok(), c.events)
            }
            Step::Transfer(from, to, value) => {
                let token = s.token;
                let c = token.transfer(&mut s.chain, from, to, value);
                (c.value.is_ok(), vec![])
            }
        }
    }

    fn scores(&mut self) -> Vec<u32> {
        let users = self.users.clone();
        users.iter().map(|u| self.s.score(*u)).collect()
    }

    fn check(&mut self, step: &Step, ok: bool, events: &[RawEvent], before: (u128, Vec<u32>)) {
        let s = &mut self.s;
        // Holdings: every account and role, every open slash.
        let (mut active, mut unbonding, mut pending, mut deposits) = (0u128, 0u128, 0u128, 0u128);
        for u in self.users.iter().copied() {
            for r in ROLES {
                let stake = s.stake(u, r);
                active += stake.active;
                unbonding += stake.unbonding.iter().map(|c| c.amount).sum::<u128>();
            }
        }
        for id in 0..s.next_slash() {
            if let Some(x) = s.slash(id) {
                pending += x.amount;
                deposits += x.deposit;
            }
        }
        let held = s.bonding_balance();
        assert_eq!(
            held,
            active + unbonding + pending + deposits,
            "DYN held by bonding"
        );
        let totals = s.holdings();
        assert_eq!(
            (
                totals.active,
                totals.unbonding,
                totals.pending_slash,
                totals.deposits
            ),
            (active, unbonding, pending, deposits),
            "holdings()"
        );
        // Slashes never exceed what was bonded.
        for (key, slashed) in &self.slashed {
            let put_in = self.ever_in.get(key).copied().unwrap_or(0);
            assert!(
                *slashed <= put_in,
                "{key:?}: slashed {slashed} > bonded {put_in}"
            );
        }
        // Supply moves only by declared burns.
        let burned: u128 = events
            .iter()
            .map(|e| {
                e.decode_as::<SlashSettled>().map_or(0, |x| x.burned)
                    + e.decode_as::<DisputeResolved>()
                        .map_or(0, |x| x.deposit_burned)
            })
            .sum();
        let supply = s.supply();
        assert_eq!(supply, before.0 - burned, "supply after {step:?}");
        // Scores: nobody's rises except the named account of a successful success record.
        let target = match step {
            Step::Success(_, account, _) if ok => Some(*account),
            _ => None,
        };
        let after = self.scores();
        for ((u, b), a) in self.users.iter().zip(before.1.iter()).zip(after.iter()) {
            if Some(*u) != target {
                assert!(a <= b, "{u:?}'s score rose from {b} to {a} on {step:?}");
            }
        }
    }
}

#[test]
fn randomised_bonding_keeps_every_invariant() {
    let seeds = env_or("DYNAMIS_SEEDS", 3);
    let steps = env_or("DYNAMIS_STEPS", 120);
    let base = env_or("DYNAMIS_SEED_BASE", 0);
    let mut succeeded: BTreeMap<&'static str, u32> = BTreeMap::new();
    for seed in base..base + seeds {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut s = Suite::new();
        let users: Vec<AccountId> = (0..USERS).map(who::user).collect();
        for u in &users {
            s.give(*u, 5_000 * ONE_DYN);
            s.allow(*u, u128::MAX / 2);
        }
        let mut run = Run {
            s,
            users,
            ever_in: BTreeMap::new(),
            slashed: BTreeMap::new(),
            open: BTreeSet::new(),
        };
        for i in 0..steps {
            let step = run.random_step(&mut rng);
            let supply = run.s.supply();
            let scores = run.scores();
            let (ok, events) = run.apply(&step);
            if ok {
                *succeeded.entry(step.kind()).or_default() += 1;
            }
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                run.check(&step, ok, &events, (supply, scores))
            }));
            if let Err(e) = result {
                eprintln!("invariant broken: seed {seed}, step {i}: {step:?}");
                std::panic::resume_unwind(e);
            }
        }
    }
    // The sequence must actually exercise the contracts, not only their refusals.
    for kind in [
        "bond", "unbond", "withdraw", "report", "dispute", "resolve", "settle", "success",
    ] {
        assert!(
            succeeded.get(kind).copied().unwrap_or(0) > 0,
            "no successful {kind} in {succeeded:?}"
        );
    }
    println!("successful steps by kind: {succeeded:?}");
}
