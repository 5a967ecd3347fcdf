//! Gas of the attestations messages on their compiled Wasm: `submit` for batches of 10, 10,000
//! and 1,000,000 items (the same figure: the contract never sees an item), per extra
//! co-signer, challenges of each kind, finalisation; each beside the calls it makes into
//! bonding or reputation measured alone in the same session.
//!
//! `scripts/bench` runs it; `--out FILE` rewrites the attestations section of that file.

use attestations::DEFAULT_PARAMS;
use bonding::ONE_DYN;
use dynamis_proofs::{Attestation, Hash, Item, Kind, Regime, Verdict};
use dynamis_shared::{Role, SlashClass};
use dynamis_tests::{
    attest::Verifier,
    bench::{self, ok, render, toolchain, Error, Figures, Row},
    bundle,
    suite::{selector, who, Suite},
    BundleProvider,
};
use dynamis_verifier::{batch::tree_of, gen::Generator, Batch, Native};

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
             bonded (100 DYN) and registered, default parameters (2 of 3 must sign). Batches of 10 \
             and 10,000 are generated items verified by the verifier core; the 1,000,000-item \
             batch's tree is built over a million distinct item digests (the contract only ever \
             sees the root and the counts, so making a million real items would change nothing). \
             The right-hand columns are the calls into bonding or reputation the message makes, \
             measured alone in the same session.\n\n{table}",
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

/// A batch of `n` generated items of `kinds`, with a `bad` share marked valid anyway.
fn batch(seed: u64, kinds: &[Kind], n: u64, lie: bool) -> Batch {
    let made = Generator::new(seed, kinds, if lie { 0.3 } else { 0.0 }).items(0..n, &|| {});
    let items: Vec<Item> = made.into_iter().map(|(i, _)| i).collect();
    let verdicts = vec![Verdict::Valid; items.len()];
    Batch::with_verdicts(items, verdicts)
}

fn measure() -> Result<Vec<Row>, Error> {
    let mut s = Suite::new();
    let v: Vec<Verifier> = s.verifiers(2);
    let third = Verifier::new(3);
    s.bond_new(third.account, Role::Verifier, 100 * ONE_DYN);
    // What the messages call, measured alone.
    let asked = s.bond_call::<bool>(
        who::user(9),
        selector::IS_BONDED,
        (v[0].account, Role::Verifier),
    );
    if !asked.value {
        return Err("a bonded verifier reads as unbonded".into());
    }
    let is_bonded = bench::figures_of(asked.gas);
    let mut rows = vec![Row {
        what: "register_key",
        gas: ok(s.register(&third), "register_key")?,
        inner: Some(("bonding is_bonded", is_bonded)),
    }];
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
        valid: million,
        capacity: million,
        regime: Regime::Permanent,
    };
    for (what, a) in [
        (
            "submit, 10 items, 2 of 3 signers",
            batch(1, &[], 10, false).attestation(epoch, Regime::Anchored),
        ),
        (
            "submit, 10,000 items, 2 of 3 signers",
            batch(2, &[], 10_000, false).attestation(epoch, Regime::Anchored),
        ),
        ("submit, 1,000,000 items, 2 of 3 signers", big),
    ] {
        rows.push(Row {
            what,
            gas: submit(&mut s, &a, &[&v[0], &v[1]])?,
            inner: Some(("2 × bonding is_bonded", times(2, is_bonded))),
        });
    }
    rows.push(Row {
        what: "submit, 10 items, 3 of 3 signers",
        gas: submit(
            &mut s,
            &batch(3, &[], 10, false).attestation(epoch, Regime::Anchored),
            &[&v[0], &v[1], &third],
        )?,
        inner: Some(("3 × bonding is_bonded", times(3, is_bonded))),
    });

    // Challenges: one attestation per kind whose bad items are marked valid.
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
    for (what, kind, challenger) in [
        (
            "challenge: false hash chain (16–256 steps), proven",
            Kind::HashChain,
            who::user(7),
        ),
        (
            "challenge: false RFC 6962 inclusion claim, proven",
            Kind::Inclusion,
            who::user(7),
        ),
        (
            "challenge: false ECDSA signature, proven",
            Kind::Ecdsa,
            who::user(7),
        ),
        (
            "challenge: ed25519 item, contested (verifier)",
            Kind::Ed25519,
            third.account,
        ),
    ] {
        let b = batch(10 + kind as u64, &[kind], 64, true);
        let a = b.attestation(epoch, Regime::Session);
        let sigs = s.signatures(&a, &[&v[0], &v[1]]);
        let id = s
            .submit(who::user(9), &a, &sigs)
            .value
            .map_err(|e| format!("{e:?}"))?;
        let index = (0..b.len())
            .find(|&i| {
                dynamis_proofs::check::<Native>(&b.items[i as usize])
                    != dynamis_proofs::Check::Valid
            })
            .ok_or("no bad item")?;
        let proof = b.proof(index).ok_or("no proof")?;
        rows.push(Row {
            what,
            gas: ok(
                s.challenge(challenger, id, &b.items[index as usize], index, &proof.path),
                "challenge",
            )?,
            inner: Some(("2 × bonding report_slash", times(2, report))),
        });
        s.top_up(&v);
    }

    // Finalisation of the 10-item attestation (id 0) after the window.
    s.chain.advance(DEFAULT_PARAMS.challenge_window_blocks);
    let success = ok(
        s.record_success(who::writer(), who::user(6), DEFAULT_PARAMS.success_gain),
        "record_success",
    )?;
    rows.push(Row {
        what: "finalize (2 co-signers credited)",
        gas: ok(s.finalize(who::user(9), 0), "finalize")?,
        inner: Some(("2 × reputation record_success", times(2, success))),
    });
    Ok(rows)
}
