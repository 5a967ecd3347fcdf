//! Gas of the governance messages on their compiled Wasm: lock, propose, vote, queue, execute,
//! and vote again with many voters, many proposals and a long lock history beside it, to show
//! that a vote's cost does not grow with either.
//!
//! `scripts/bench` runs it; `--out FILE` rewrites the governance section of that Markdown file.

use dynamis_shared::ONE_DYN;
use dynamis_tests::{
    bench::{self, ok, render, toolchain, Row},
    bundle,
    gov::{AGED, WHALE},
    suite::{who, Suite},
    BundleProvider,
};
use governance::{Action, Support};

type Error = bench::Error;

const VOTERS: u8 = 100;
const PROPOSALS: u32 = 30;
const LOCK_CHANGES: u32 = 64;

fn main() -> Result<(), Error> {
    let out = bench::out_arg("bench-governance")?;
    let rows = measure()?;
    let sizes = [("governance", bundle(BundleProvider::Governance).wasm.len())];
    let table = render(&rows, &sizes, "governance");
    println!("{table}");
    if let Some(path) = out {
        let body = format!(
            "## Governance\n\n\
             Produced by `scripts/bench` (binary `bench-governance` in `tests/`), contracts built \
             by `cargo contract build --release` ({}). Gas is `gas_consumed` of one call in a \
             drink 0.18 sandbox with the governed suite (`Suite::governed`: default rules, \
             {VOTERS} aged voters with 1,000 DYN bonded and locked each, a whale with 1 M DYN \
             bonded). The vote rows compare the first vote on the first proposal with the \
             {VOTERS}th voter, with a vote on the {PROPOSALS}th proposal, and with a voter \
             whose lock changed {LOCK_CHANGES} times (a longer checkpoint history, read by \
             binary search): a vote's work is constant in voters and proposals and logarithmic \
             in one account's own history. `execute` sets reputation's parameters \
             (one cross-contract call, re-checked against the target's bounds and the step cap). \
             The right-hand columns measure, in the same session, the DYN call that a message \
             makes (the deposit or the lock pulled, a payment): the rest is governance's own \
             storage, its reputation and bonding reads and the cross-contract calls.\n\n\
             {table}",
            toolchain()
        );
        bench::write_section(&path, "bench-governance", &body)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

fn measure() -> Result<Vec<Row>, Error> {
    let mut s = Suite::governed();
    // The DYN calls governance makes, each measured alone in the same session.
    let dyn_calls = bench::token_calls(&mut s, who::user(240))?;
    let proposer = s.proposer(1);
    let whale = s.voter(2, WHALE, 0);
    let voters: Vec<_> = (0..VOTERS)
        .map(|i| s.voter(10 + i, 1_000 * ONE_DYN, 1_000 * ONE_DYN))
        .collect();
    let busy = s.voter(200, 1_000 * ONE_DYN, 0);
    s.give(busy, 10 * ONE_DYN * u128::from(LOCK_CHANGES));
    s.allow_gov(busy, 10 * ONE_DYN * u128::from(LOCK_CHANGES));
    let mut lock_gas = None;
    for _ in 0..LOCK_CHANGES {
        let g = ok(s.lock(busy, ONE_DYN), "lock")?;
        lock_gas.get_or_insert(g);
        s.chain.advance(1);
    }
    let unlock = ok(s.unlock(busy, ONE_DYN), "unlock")?;
    s.chain.advance(AGED);
    let change = |s: &mut Suite| {
        let mut p = s.rep_params();
        p.max_gain_per_success += 1;
        Action::Reputation(p)
    };
    let first_action = change(&mut s);
    let first = ok(s.propose_gov(proposer, vec![first_action]), "propose")?;
    let mut last_id = 0;
    let mut propose_late = first;
    for _ in 1..PROPOSALS {
        let action = change(&mut s);
        let called = s.propose_gov(proposer, vec![action]);
        last_id = called.value.clone().map_err(|e| format!("{e:?}"))?;
        propose_late = ok(called, "propose")?;
    }
    let p = s.gov_proposal(0);
    s.wait_until(p.vote_start);
    let vote_first = ok(s.vote(voters[0], 0, Support::For), "vote")?;
    for v in &voters[1..usize::from(VOTERS) - 1] {
        ok(s.vote(*v, 0, Support::For), "vote")?;
    }
    let vote_last = ok(s.vote(voters[usize::from(VOTERS) - 1], 0, Support::For), "vote")?;
    let vote_late_proposal = ok(s.vote(voters[0], last_id, Support::For), "vote")?;
    let vote_busy = ok(s.vote(busy, 0, Support::Against), "vote")?;
    ok(s.vote(whale, 0, Support::For), "vote")?;
    s.wait_until(p.vote_end);
    let queue = ok(s.queue(who::user(250), 0), "queue")?;
    let eta = s.chain.timestamp() + p.rules.timelock_ms;
    s.wait_until(eta);
    let execute = ok(s.execute(who::user(251), 0), "execute")?;
    let settle = ok(s.settle_deposit(who::user(251), 0), "settle_deposit")?;
    let row = |what, gas| Row { what, gas, inner: None };
    let pull = Some(("DYN transfer_from", dyn_calls.pull));
    let pay = Some(("DYN transfer", dyn_calls.pay));
    let with = |what, gas, inner| Row { what, gas, inner };
    Ok(vec![
        with("lock (first lock of an account)", lock_gas.unwrap_or_default(), pull),
        with("unlock", unlock, pay),
        with("propose (1 parameter action, first proposal)", first, pull),
        with("propose (30th proposal)", propose_late, pull),
        row("vote (first voter, first proposal)", vote_first),
        row("vote (100th voter)", vote_last),
        row("vote (on the 30th proposal)", vote_late_proposal),
        row("vote (voter with 64 lock checkpoints)", vote_busy),
        row("queue", queue),
        row("execute (reputation.set_params)", execute),
        with("settle_deposit (returned)", settle, pay),
    ])
}
