//! Gas of the attestations messages on their compiled Wasm: `submit` for batches of 10, 10,000
//! and 1,000,000 items (the same figure: the contract never sees an item), per extra
//! co-signer, challenges of each kind, finalisation; each beside the calls it makes into
//! bonding, reputation or Power/Flux measured alone in the same session.
//!
//! `scripts/bench` runs it; `--out FILE` rewrites the attestations section of that file.

use attestations::DEFAULT_PARAMS;
use bonding::ONE_DYN;
use dynamis_proofs::{Attestation, Hash, Item, Kind, Regime, Verdict};
use dynamis_shared::{Role, SlashClass};
use power_flux::{Activity, BurnMode};
use dynamis_tests::{
    attest::Verifier,
    flux::Pf,
    bench::{self, ok, render, toolchain, Error, Figures, Row},
    bundle,
    suite::{selector, who, Suite},
    BundleProvider,
};
use dynamis_verifier::{
    batch::{canonical_order, tree_of},
    gen::Generator,
    Batch, Native,
};

fn main() -> Result<(), Error> {
    let out = bench::out_arg("bench-attestations")?;
    let rows = measure()?;
    let sizes = [(
        "attestations",
        bundle(BundleProvider::Attestations).wasm.len(),
    )];
    let table = render(&rows, &sizes, "attestations");
    println!("{table}");
    if let Some(path) = out {
        let body = format!(
            "## Attestations\n\n\
             Produced by `scripts/bench` (binary `bench-attestations` in `tests/`), contracts built \
             by `cargo contract build --release` ({}). Gas is `gas_consumed` of one call in a drink \
             0.18 sandbox with the suite deployed and wired as in the tests, three verifiers \
             bonded (100 DYN) and registered, default parameters (2/3 of the stake must sign). \
             Batches of 10 \
             and 10,000 are generated items verified by the verifier core; the 1,000,000-item \
             batch's tree is built over a million distinct item digests (the contract only ever \
             sees the root and the counts, so making a million real items would change nothing). \
             The right-hand columns are the calls into bonding, reputation or the token the \
             message makes, measured alone in the same session.\n\n{table}",
            toolchain()
        );
        bench::write_section(&path, "bench-attestations", &body)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

fn times(n: u64, (r, p): Figures) -> Figures {
    (n * r, n * p)
}

fn plus((r1, p1): Figures, (r2, p2): Figures) -> Figures {
    (r1 + r2, p1 + p2)
}

/// A batch of `n` generated items of `kinds`, with a `bad` share marked valid anyway, in the
/// order valid items stand (by kind).
fn batch(seed: u64, kinds: &[Kind], n: u64, lie: bool) -> Batch {
    let made = Generator::new(seed, kinds, if lie { 0.3 } else { 0.0 }).items(0..n, &|| {});
    let items: Vec<Item> = made.into_iter().map(|(i, _)| i).collect();
    let verdicts = vec![Verdict::Valid; items.len()];
    let order = canonical_order(&items, &verdicts);
    let items = order.iter().map(|&i| items[i].clone()).collect();
    Batch::with_verdicts(items, verdicts)
}

fn first_bad(b: &Batch) -> Result<u64, Error> {
    (0..b.len())
        .find(|&i| dynamis_proofs::check::<Native>(&b.items[i as usize]) != dynamis_proofs::Check::Valid)
        .ok_or_else(|| "no bad item".into())
}

fn measure() -> Result<Vec<Row>, Error> {
    let mut s = Suite::new();
    let v: Vec<Verifier> = s.verifiers(2);
    let third = Verifier::new(3);
    s.bond_new(third.account, Role::Verifier, 100 * ONE_DYN);
    // What the messages call, measured alone.
    let asked = s.bond_call::<Option<u128>>(
        who::user(9),
        selector::BONDED_STAKE,
        (v[0].account, Role::Verifier),
    );
    if asked.value.is_none() {
        return Err("a bonded verifier reads as unbonded".into());
    }
    let stake = bench::figures_of(asked.gas);
    let mut rows = vec![Row {
        what: "register_key",
        gas: ok(s.register(&third), "register_key")?,
        inner: Some(("bonding bonded_stake", stake)),
    }];
    rows.push(Row {
        what: "sync_weight",
        gas: ok(s.sync_weight(who::user(9), third.account), "sync_weight")?,
        inner: Some(("bonding bonded_stake", stake)),
    });
    let submit = |s: &mut Suite, a: &Attestation, signers: &[&Verifier]| {
        let sigs = s.signatures(a, signers);
        ok(s.submit(who::user(9), a, &sigs), "submit")
    };
    let epoch = s.current_epoch();
    let million: u64 = 1_000_000;
    let digests: Vec<Hash> = (0..million)
        .map(|i| <Native as dynamis_proofs::Crypto>::sha256(&i.to_le_bytes()))
        .collect();
    let verdicts = vec![Verdict::Valid; digests.len()];
    let big = Attestation {
        epoch,
        root: tree_of(&digests, &verdicts).root(),
        items: million,
        valid: [0, 0, 0, 0, million],
        regime: Regime::Permanent,
    };
    // The first attestation of an epoch and regime creates its totals and the co-signers'
    // share records; the rows after it update them.
    rows.push(Row {
        what: "submit, 10 items, first of its epoch and regime",
        gas: submit(
            &mut s,
            &batch(4, &[], 10, false).attestation(epoch, Regime::Permanent),
            &[&v[0], &v[1]],
        )?,
        inner: Some(("2 × bonding bonded_stake", times(2, stake))),
    });
    for (what, a) in [
        (
            "submit, 10 items, 2 of 3 signers",
            batch(1, &[], 10, false).attestation(epoch, Regime::Permanent),
        ),
        (
            "submit, 10,000 items, 2 of 3 signers",
            batch(2, &[], 10_000, false).attestation(epoch, Regime::Permanent),
        ),
        ("submit, 1,000,000 items, 2 of 3 signers", big),
    ] {
        rows.push(Row {
            what,
            gas: submit(&mut s, &a, &[&v[0], &v[1]])?,
            inner: Some(("2 × bonding bonded_stake", times(2, stake))),
        });
    }
    rows.push(Row {
        what: "submit, 10 items, 3 of 3 signers",
        gas: submit(
            &mut s,
            &batch(3, &[], 10, false).attestation(epoch, Regime::Permanent),
            &[&v[0], &v[1], &third],
        )?,
        inner: Some(("3 × bonding bonded_stake", times(3, stake))),
    });

    // The token calls deposits make, and a slash report, measured alone.
    let bench::TokenCalls { pay, burn, pull } = bench::token_calls(&mut s, who::user(5))?;
    s.bond_new(who::user(5), Role::Archival, 1_000 * ONE_DYN);
    let report = ok(
        s.report(
            who::reporter(),
            who::user(5),
            Role::Archival,
            SlashClass::AttestationFailure,
            [0; 32],
        ),
        "report_slash",
    )?;
    // Challenges: one attestation per kind whose bad items are marked valid.
    for (what, kind) in [
        ("challenge: false hash chain (16–256 steps), proven", Kind::HashChain),
        ("challenge: false RFC 6962 inclusion claim, proven", Kind::Inclusion),
        ("challenge: false ECDSA signature, proven", Kind::Ecdsa),
    ] {
        let b = batch(10 + kind as u64, &[kind], 64, true);
        let a = b.attestation(epoch, Regime::Session);
        let sigs = s.signatures(&a, &[&v[0], &v[1]]);
        let id = s.submit(who::user(9), &a, &sigs).value.map_err(|e| format!("{e:?}"))?;
        let index = first_bad(&b)?;
        let proof = b.proof(index).ok_or("no proof")?;
        rows.push(Row {
            what,
            gas: ok(
                s.challenge(who::user(7), id, &b.items[index as usize], index, &proof.path),
                "challenge",
            )?,
            inner: Some(("2 × bonding report_slash", times(2, report))),
        });
        s.top_up(&v);
    }
    // A count lie: ed25519 items counted as ECDSA, disproven by the first leaf.
    let b = batch(20, &[Kind::Ed25519], 16, false);
    let mut a = b.attestation(epoch, Regime::Session);
    a.valid = [0, 0, 16, 0, 0];
    let sigs = s.signatures(&a, &[&v[0], &v[1]]);
    let id = s.submit(who::user(9), &a, &sigs).value.map_err(|e| format!("{e:?}"))?;
    let proof = b.proof(0).ok_or("no proof")?;
    rows.push(Row {
        what: "challenge: a leaf where the counts say another kind, proven",
        gas: ok(s.challenge(who::user(7), id, &b.items[0], 0, &proof.path), "challenge")?,
        inner: Some(("2 × bonding report_slash", times(2, report))),
    });
    s.top_up(&v);

    // A contest (deposit pulled) and its resolution (slashes, deposit back).
    s.allow_attestations(third.account, 10_000 * ONE_DYN);
    let b = batch(21, &[Kind::Ed25519], 64, true);
    let a = b.attestation(epoch, Regime::Session);
    let sigs = s.signatures(&a, &[&v[0], &v[1]]);
    let id = s.submit(who::user(9), &a, &sigs).value.map_err(|e| format!("{e:?}"))?;
    let index = (0..b.len())
        .find(|&i| !Batch::verify(vec![b.items[i as usize].clone()]).verdicts.iter().all(|v| *v == Verdict::Valid))
        .ok_or("no bad signature")?;
    let proof = b.proof(index).ok_or("no proof")?;
    rows.push(Row {
        what: "contest: ed25519 item (verifier, deposit pulled)",
        gas: ok(
            s.contest(third.account, id, &b.items[index as usize], index, &proof.path),
            "contest",
        )?,
        inner: Some(("bonding bonded_stake + DYN transfer_from", plus(stake, pull))),
    });
    rows.push(Row {
        what: "resolve_contest, upheld (2 slashes, deposit back)",
        gas: ok(s.resolve_contest(who::resolver(), id, true), "resolve_contest")?,
        inner: Some(("2 × report_slash + DYN transfer", plus(times(2, report), pay))),
    });
    s.top_up(&v);

    // A data request, its answer, and one left unanswered.
    let b = batch(22, &[Kind::HashChain], 1_024, false);
    let a = b.attestation(epoch, Regime::Session);
    let sigs = s.signatures(&a, &[&v[0], &v[1]]);
    let id = s.submit(who::user(9), &a, &sigs).value.map_err(|e| format!("{e:?}"))?;
    let r = who::user(6);
    s.allow_attestations(r, 1_000 * ONE_DYN);
    rows.push(Row {
        what: "request_item (deposit pulled)",
        gas: ok(s.request_item(r, id, 700), "request_item")?,
        inner: Some(("DYN transfer_from", pull)),
    });
    let proof = b.proof(700).ok_or("no proof")?;
    rows.push(Row {
        what: "answer (1,024-item batch: 10-node path; deposit burned)",
        gas: ok(
            s.answer(who::user(4), id, 700, &b.items[700], proof.valid, &proof.path),
            "answer",
        )?,
        inner: Some(("DYN burn", burn)),
    });
    ok(s.request_item(r, id, 12), "request_item")?;
    s.chain.advance(DEFAULT_PARAMS.answer_window_blocks);
    rows.push(Row {
        what: "claim_unanswered (rejected: 2 slashes, deposit back)",
        gas: ok(s.claim_unanswered(who::user(4), id, 12), "claim_unanswered")?,
        inner: Some(("2 × report_slash + DYN transfer", plus(times(2, report), pay))),
    });
    s.top_up(&v);

    // Finalisation of the 10-item attestation (id 0) after the window.
    s.chain.advance(DEFAULT_PARAMS.challenge_window_blocks);
    let success = ok(
        s.record_success(who::writer(), who::user(6), DEFAULT_PARAMS.success_gain),
        "record_success",
    )?;
    // A co-signer's Power report of that attestation (10 items of compute), measured alone
    // on a Power/Flux of its own with a plain reporter.
    let mut pf = Pf::new(BurnMode::PerUse);
    let work = Activity {
        resources: [0, 10, 0],
        ..Activity::default()
    };
    let power = ok(pf.report(who::reporter(), who::user(6), work), "report")?;
    rows.push(Row {
        what: "finalize (2 co-signers' reputation and Power)",
        gas: ok(s.finalize(who::user(9), 0), "finalize")?,
        inner: Some((
            "2 × reputation record_success + 2 × power_flux report",
            plus(times(2, success), times(2, power)),
        )),
    });
    Ok(rows)
}
