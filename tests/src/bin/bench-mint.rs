//! Gas of the mint_credits messages on their compiled Wasm (propose for each kind of evidence,
//! challenge, resolve, activate, release, burn on a drop, a reported failure, set_tunables,
//! advance_phase), each beside the calls it makes into the token, the registry or reputation
//! measured alone in the same session.
//!
//! `scripts/bench` runs it; `--out FILE` rewrites the mint-credits section of that file.

use dynamis_proofs::Regime;
use dynamis_shared::{Action, Role, SlashClass};
use dynamis_tests::{
    attest::selector as att,
    bench::{self, ok, render, toolchain, Error, Figures, Row},
    bundle,
    mint::Network,
    suite::{selector, who, Suite},
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
             worked example (phase 3 at epoch 40, three verifiers, N = 7, K = 4, default \
             parameters). The \
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
    // advance_phase 0 → 1 on a fresh suite: three verifiers credited in epoch 0, now final.
    {
        let mut s = Suite::new();
        let mut net = Network::new(&mut s, 3);
        net.epoch(&mut s, 3_000);
        s.close_epoch(0);
        let accounts = net.accounts();
        let read: Figures = bench::figures_of(
            s.att_call::<Option<u128>>(who::user(1), att::CAPACITY, (accounts[0], 0u32, 0u8))
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
        s.att_call::<Option<u128>>(who::user(1), att::CAPACITY, (v, 30u32, 0u8))
            .gas,
    );
    let attested = bench::figures_of(
        s.att_call::<Option<dynamis_shared::Attested>>(who::user(1), att::ATTESTED, 0u64)
            .gas,
    );
    let stake = bench::figures_of(
        s.bond_call::<Option<u128>>(who::user(1), selector::BONDED_STAKE, (v, Role::Verifier))
            .gas,
    );
    let bench::TokenCalls { pay, burn, pull } = bench::token_calls(&mut s, who::user(5))?;
    s.bond_new(who::user(5), Role::Sentry, 1_000 * ONE_DYN);
    let report = ok(
        s.report(who::reporter(), who::user(5), Role::Sentry, SlashClass::Malicious, [0; 32]),
        "report_slash",
    )?;

    // Epoch 40: signal A; the bond read backs the level.
    assert!(s.score_to(v, 600_000));
    rows.push(Row {
        what: "propose, signal A (2N = 14 capacity reads)",
        gas: ok(
            s.propose(v, Signal::CapacityExpansion, v, 400 * ONE_DYN, &[]),
            "propose A",
        )?,
        inner: Some(("14 × registry capacity + bonded_stake", plus(times(read, 14), stake))),
    });
    rows.push(Row {
        what: "consent (a beneficiary names a proposer)",
        gas: ok(s.consent(c, v, true), "consent")?,
        inner: None,
    });
    // Four permanent-regime batches to cite, once their epoch is final.
    let cited: Vec<u64> = (0..4)
        .map(|_| net.attest(&mut s, 1_500, Regime::Permanent))
        .collect();
    s.close_epoch(40);
    net.attest(&mut s, 4_500, Regime::Ephemeral);
    let score = s.score(v);
    let bound = s.bound(Signal::PermanentLiability, 500, score);
    let b1 = s.propose(v, Signal::PermanentLiability, v, bound, &[cited[0]]);
    let b1_id = b1.value.clone().map_err(|e| format!("{e:?}"))?;
    rows.push(Row {
        what: "propose, signal B (1 cited attestation)",
        gas: ok(b1, "propose B")?,
        inner: Some(("registry attested + bonded_stake", plus(attested, stake))),
    });
    let propose_b = |s: &mut Suite, by, cited| {
        s.propose(by, Signal::PermanentLiability, by, 1, &[cited])
            .value
            .map_err(|e| format!("{e:?}"))
    };
    let b2_id = propose_b(&mut s, v, cited[1])?;
    let b4_id = propose_b(&mut s, v, cited[3])?;

    let target = s.score(c).max(160_000);
    while !s.score_to(c, target) {
        net.epoch(&mut s, 4_500);
    }
    if !s.authority(c, Action::Challenge) {
        return Err("the challenger has no challenge authority".into());
    }
    // Verifier 2 proposes too (its own share of a cited batch; reputation governance lowers the
    // proposers' threshold to its floor for it), and its proposal is the one found fraudulent.
    let mut p = s.rep_params();
    p.min_score[Action::ProposeMint.index()] = 150_000;
    p.min_active_epochs[Action::ProposeMint.index()] = 1;
    ok(
        s.rep_call::<Result<(), dynamis_shared::ReputationError>>(
            who::governance(),
            selector::SET_PARAMS,
            p,
        ),
        "set_params",
    )?;
    let b3_id = propose_b(&mut s, c, cited[2])?;
    for who in [c, v] {
        s.give(who, 1_000 * ONE_DYN);
        s.allow_mint(who, 1_000 * ONE_DYN);
    }
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
    ok(s.challenge_mint(v, b3_id), "challenge b3")?;
    rows.push(Row {
        what: "resolve, upheld (deposit back, proposer's bond slashed)",
        gas: ok(s.resolve_mint(who::resolver(), b3_id, true), "resolve")?,
        inner: Some(("DYN transfer + report_slash", plus(pay, report))),
    });
    // Verifier 2's bond is reserved in full: it co-signs no more.
    net.verifiers.retain(|x| x.account != c);
    ok(s.challenge_mint(v, b4_id), "challenge b4")?;
    s.chain.advance(mint_credits::DEFAULT_PARAMS.decide_blocks);
    rows.push(Row {
        what: "expire_challenge (default: cancelled, deposit back)",
        gas: ok(s.expire_challenge(who::user(1), b4_id), "expire_challenge")?,
        inner: Some(("DYN transfer", pay)),
    });
    rows.push(Row {
        what: "activate (mint into a locked credit, K obligations)",
        gas: ok(s.activate(who::user(1), b2_id), "activate")?,
        inner: None,
    });
    // Signal A's proposal waited past its activation window.
    let expired = s.activate(who::user(1), 0).value;
    if expired != Err(mint_credits::MintError::ProposalExpired) {
        return Err(format!("signal A's proposal should have expired: {expired:?}").into());
    }
    rows.push(Row {
        what: "expire (a proposal past its activation window)",
        gas: ok(s.expire(who::user(1), 0), "expire")?,
        inner: None,
    });
    let credit = s.credit(b2_id).ok_or("no credit")?;
    let first = credit.first_epoch;
    while s.current_epoch() < first {
        net.epoch(&mut s, 4_500);
    }
    net.attest(&mut s, 4_500, Regime::Permanent);
    s.close_epoch(first + 1);
    s.bond_new(v, Role::Archival, 100 * ONE_DYN);
    rows.push(Row {
        what: "release (one tranche paid)",
        gas: ok(s.release(who::user(1), b2_id), "release")?,
        inner: Some(("bonded_stake + capacity + DYN transfer", plus(stake, plus(read, pay)))),
    });
    rows.push(Row {
        what: "burn_on_drop (locked remainder burned)",
        gas: ok(s.burn_on_drop(who::user(1), b2_id), "burn_on_drop")?,
        inner: Some(("registry capacity + DYN burn", plus(read, burn))),
    });
    let mut t = DEFAULT_TUNABLES;
    t.delay_blocks = 5 * DAY;
    rows.push(Row {
        what: "set_tunables (governance)",
        gas: ok(s.set_tunables(who::governance(), t), "set_tunables")?,
        inner: None,
    });
    let _ = Failure::Misreport;
    Ok(rows)
}
