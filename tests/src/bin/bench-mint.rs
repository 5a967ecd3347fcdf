//! Gas of the mint_credits messages on their compiled Wasm (propose for each kind of evidence,
//! challenge, resolve, activate, release, burn on a drop, a reported failure, set_tunables,
//! advance_phase), each beside the calls it makes into the token, the registry or reputation
//! measured alone in the same session.
//!
//! `scripts/bench` runs it; `--out FILE` rewrites the mint-credits section of that file.

use dynamis_proofs::Regime;
use dynamis_shared::{Action, FaultClass};
use dynamis_tests::{
    attest::selector as att,
    bench::{self, ok, render, toolchain, Error, Figures, Row},
    bundle,
    mint::Network,
    suite::{who, Suite},
    BundleProvider,
};
use mint_credits::{Failure, Signal, DAY, DEFAULT_TUNABLES, ONE_DYN};

fn main() -> Result<(), Error> {
    let out = bench::out_arg("bench-mint")?;
    let rows = measure()?;
    let sizes = [(
        "mint_credits",
        bundle(BundleProvider::MintCredits).wasm.len(),
    )];
    let table = render(&rows, &sizes, "mint_credits");
    println!("{table}");
    if let Some(path) = out {
        let body = format!(
            "## Mint credits\n\n\
             Produced by `scripts/bench` (binary `bench-mint` in `tests/`), contracts built by \
             `cargo contract build --release` ({}). Gas is `gas_consumed` of one call in a drink \
             0.18 sandbox with the whole suite deployed and wired as in the tests, at the README's \
             worked example (phase 3, three verifiers, N = 7, K = 4, default parameters). The \
             right-hand columns are the calls into the token, the registry or reputation that the \
             message makes, each called directly in the same session: what is left is \
             mint_credits' own storage and call overhead. Signal A reads 2N = 14 capacities; \
             `activate` has no inner figure (only mint_credits may call the token's `mint`).\n\n\
             {table}",
            toolchain()
        );
        bench::write_section(&path, "bench-mint", &body)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

fn times(f: Figures, n: u64) -> Figures {
    (f.0 * n, f.1 * n)
}

fn plus(a: Figures, b: Figures) -> Figures {
    (a.0 + b.0, a.1 + b.1)
}

fn measure() -> Result<Vec<Row>, Error> {
    let mut rows = vec![];
    // advance_phase 0 → 1 on a fresh suite: three verifiers credited in epoch 0.
    {
        let mut s = Suite::new();
        let mut net = Network::new(&mut s, 3);
        net.epoch(&mut s, 1_000);
        net.attest(&mut s, 1_000, Regime::Ephemeral);
        let accounts = net.accounts();
        let read: Figures = bench::figures_of(
            s.att_call::<u128>(who::user(1), att::CAPACITY, (accounts[0], 0u32))
                .gas,
        );
        rows.push(Row {
            what: "advance_phase 0 → 1 (3 verifiers named)",
            gas: ok(s.advance_phase(who::user(1), 0, &accounts), "advance")?,
            inner: Some(("3 × registry capacity", times(read, 3))),
        });
    }

    let mut s = Suite::new();
    let mut net = Network::example(&mut s);
    let (v, c) = (net.verifiers[0].account, net.verifiers[1].account);
    let read = bench::figures_of(
        s.att_call::<u128>(who::user(1), att::CAPACITY, (v, 30u32))
            .gas,
    );
    let attested = bench::figures_of(
        s.att_call::<Option<dynamis_shared::Attested>>(who::user(1), att::ATTESTED, 0u64)
            .gas,
    );
    let token = s.token;
    s.give(who::user(5), 10_000 * ONE_DYN);
    let pay = ok(
        token.transfer(&mut s.chain, who::user(5), who::user(6), ONE_DYN),
        "transfer",
    )?;
    let burn = ok(token.burn(&mut s.chain, who::user(5), ONE_DYN), "burn")?;
    let spender = who::user(7);
    ok(
        token.approve(&mut s.chain, who::user(5), spender, 1_000 * ONE_DYN),
        "approve",
    )?;
    let pull = ok(
        token.transfer_from(&mut s.chain, spender, who::user(5), who::user(8), ONE_DYN),
        "transfer_from",
    )?;
    let fault = ok(
        s.record_fault(who::writer(), who::user(9), FaultClass::Sla),
        "record_fault",
    )?;

    // Epoch 37: signal A, and two permanent-regime batches to cite.
    assert!(s.score_to(v, 600_000));
    rows.push(Row {
        what: "propose, signal A (2N = 14 capacity reads)",
        gas: ok(
            s.propose(v, Signal::CapacityExpansion, v, 400 * ONE_DYN, &[]),
            "propose A",
        )?,
        inner: Some(("14 × registry capacity", times(read, 14))),
    });
    let p1 = net.attest(&mut s, 1_000, Regime::Permanent);
    let p2 = net.attest(&mut s, 1_000, Regime::Permanent);
    s.chain.advance(DAY);
    net.attest(&mut s, 1_500, Regime::Ephemeral);
    let score = s.score(v);
    let bound = s.bound(Signal::PermanentLiability, 1_000, score);
    let b1 = s.propose(v, Signal::PermanentLiability, v, bound / 2, &[p1]);
    let b1_id = b1.value.clone().map_err(|e| format!("{e:?}"))?;
    rows.push(Row {
        what: "propose, signal B (1 cited attestation)",
        gas: ok(b1, "propose B")?,
        inner: Some(("registry attested", attested)),
    });
    let b2 = s.propose(v, Signal::PermanentLiability, v, bound / 2, &[p2]);
    let b2_id = b2.value.map_err(|e| format!("{e:?}"))?;

    let target = s.score(c).max(160_000);
    s.score_to(c, target);
    if !s.authority(c, Action::Challenge) {
        return Err("the challenger has no challenge authority".into());
    }
    s.give(c, 1_000 * ONE_DYN);
    s.allow_mint(c, 1_000 * ONE_DYN);
    rows.push(Row {
        what: "challenge (deposit pulled)",
        gas: ok(s.challenge_mint(c, b1_id), "challenge")?,
        inner: Some(("DYN transfer_from", pull)),
    });
    rows.push(Row {
        what: "resolve, rejected (deposit burned)",
        gas: ok(s.resolve_mint(who::resolver(), b1_id, false), "resolve")?,
        inner: Some(("DYN burn", burn)),
    });
    ok(s.challenge_mint(c, b1_id), "challenge again")?;
    rows.push(Row {
        what: "resolve, upheld (deposit back, proposer cut)",
        gas: ok(s.resolve_mint(who::resolver(), b1_id, true), "resolve")?,
        inner: Some(("DYN transfer + record_fault", plus(pay, fault))),
    });

    // Epochs 39–40 at 1,500; signal A's proposal activates in epoch 40.
    for _ in 0..2 {
        s.chain.advance(DAY);
        net.attest(&mut s, 1_500, Regime::Ephemeral);
    }
    rows.push(Row {
        what: "activate (mint into a locked credit)",
        gas: ok(s.activate(who::user(1), 0), "activate")?,
        inner: None,
    });
    // Epoch 41 at 1,500 (B activates), 42 at 900: release one tranche in 42, burn the rest
    // in 43.
    s.chain.advance(DAY);
    net.attest(&mut s, 1_500, Regime::Ephemeral);
    ok(s.activate(who::user(1), b2_id), "activate B")?;
    s.chain.advance(DAY);
    net.attest(&mut s, 900, Regime::Ephemeral);
    rows.push(Row {
        what: "release (one tranche paid)",
        gas: ok(s.release(who::user(1), 0), "release")?,
        inner: Some(("registry capacity + DYN transfer", plus(read, pay))),
    });
    s.chain.advance(DAY);
    net.finalize(&mut s);
    rows.push(Row {
        what: "burn_on_drop (locked remainder burned)",
        gas: ok(s.burn_on_drop(who::user(1), 0), "burn_on_drop")?,
        inner: Some(("registry capacity + DYN burn", plus(read, burn))),
    });
    rows.push(Row {
        what: "report_failure, misreport (burn + proposer cut)",
        gas: ok(
            s.report_failure(who::resolver(), b2_id, Failure::Misreport),
            "report_failure",
        )?,
        inner: Some(("DYN burn + record_fault", plus(burn, fault))),
    });
    let mut t = DEFAULT_TUNABLES;
    t.delay_blocks = 5 * DAY;
    rows.push(Row {
        what: "set_tunables (governance)",
        gas: ok(s.set_tunables(who::governance(), t), "set_tunables")?,
        inner: None,
    });
    Ok(rows)
}
