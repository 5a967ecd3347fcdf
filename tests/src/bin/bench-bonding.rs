//! Gas of the bonding and reputation messages on their compiled Wasm, each beside the token or
//! reputation call it wraps measured alone in the same drink session (so the table shows what
//! bonding's own bookkeeping costs on top).
//!
//! `scripts/bench` runs it; `--out FILE` rewrites the bonding section of that Markdown file.

use bonding::{DEFAULT_PARAMS, ONE_DYN};
use dynamis_shared::{FaultClass, Role, SlashClass};
use dynamis_tests::{
    bench::{self, ok, render, toolchain, Row},
    bundle,
    suite::{who, Suite},
    BundleProvider,
};

type Error = bench::Error;

fn main() -> Result<(), Error> {
    let out = bench::out_arg("bench-bonding")?;
    let rows = measure()?;
    let sizes = [
        ("reputation", bundle(BundleProvider::Reputation).wasm.len()),
        ("bonding", bundle(BundleProvider::Bonding).wasm.len()),
    ];
    let table = render(&rows, &sizes, "bonding");
    println!("{table}");
    if let Some(path) = out {
        let body = format!(
            "## Bonding and reputation\n\n\
             Produced by `scripts/bench` (binary `bench-bonding` in `tests/`), contracts built by \
             `cargo contract build --release` ({}). Gas is `gas_consumed` of one call in a drink \
             0.18 sandbox with the suite deployed and wired as in the tests (default parameters, \
             1,000 DYN bonds). The right-hand columns measure, in the same session and from the \
             same kind of state, the token or reputation call that the message makes, called \
             directly: the difference is bonding's own storage and the cross-contract call.\n\n\
             {table}",
            toolchain()
        );
        bench::write_section(&path, "bench-bonding", &body)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

fn measure() -> Result<Vec<Row>, Error> {
    let mut s = Suite::new();
    let (alice, bob, carol) = (who::user(0), who::user(1), who::user(2));
    let amount = 1_000 * ONE_DYN;
    let token = s.token;
    for u in [alice, bob, carol] {
        s.give(u, 10 * amount);
        s.allow(u, 10 * amount);
    }
    // The token's own transfer_from, by a spender to a new holder: what `bond` pulls.
    let spender = who::user(9);
    let t = token.approve(&mut s.chain, carol, spender, 10 * amount);
    ok(t, "approve")?;
    let pull = ok(
        token.transfer_from(&mut s.chain, spender, carol, who::user(8), amount),
        "transfer_from",
    )?;
    let pay = ok(
        token.transfer(&mut s.chain, carol, who::user(7), amount),
        "transfer",
    )?;
    let burn = ok(token.burn(&mut s.chain, carol, ONE_DYN), "burn")?;

    let mut rows = vec![];
    rows.push(Row {
        what: "bond (first bond for the role)",
        gas: ok(s.bond(alice, Role::Verifier, amount), "bond")?,
        inner: Some(("DYN transfer_from", pull)),
    });
    rows.push(Row {
        what: "bond (top-up)",
        gas: ok(s.bond(alice, Role::Verifier, amount), "bond")?,
        inner: Some(("DYN transfer_from", pull)),
    });
    rows.push(Row {
        what: "unbond",
        gas: ok(s.unbond(alice, Role::Verifier, amount), "unbond")?,
        inner: None,
    });
    s.chain.advance(DEFAULT_PARAMS.unbonding_blocks);
    rows.push(Row {
        what: "withdraw (one chunk)",
        gas: ok(s.withdraw(alice, Role::Verifier), "withdraw")?,
        inner: Some(("DYN transfer", pay)),
    });

    // Slashing: report, dispute, resolve, settle.
    s.bond(bob, Role::Archival, amount);
    let report = s.report(
        who::reporter(),
        bob,
        Role::Archival,
        SlashClass::AttestationFailure,
        [1; 32],
    );
    let first = report.value.clone().map_err(|e| format!("{e:?}"))?;
    rows.push(Row {
        what: "report_slash",
        gas: ok(report, "report")?,
        inner: None,
    });
    rows.push(Row {
        what: "dispute_slash",
        gas: ok(s.dispute(bob, first), "dispute")?,
        inner: Some(("DYN transfer_from", pull)),
    });
    rows.push(Row {
        what: "resolve_dispute (upheld: stake and deposit back)",
        gas: ok(s.resolve(who::resolver(), first, true), "resolve")?,
        inner: Some(("DYN transfer", pay)),
    });
    let second = s
        .report(
            who::reporter(),
            bob,
            Role::Archival,
            SlashClass::Sla(3),
            [2; 32],
        )
        .value
        .map_err(|e| format!("{e:?}"))?;
    // A dispute nobody decides: after the resolver's deadline anyone applies the default.
    let third = s
        .report(who::reporter(), bob, Role::Archival, SlashClass::Sla(1), [3; 32])
        .value
        .map_err(|e| format!("{e:?}"))?;
    ok(s.dispute(bob, third), "dispute")?;
    s.chain.advance(DEFAULT_PARAMS.dispute_window_blocks);
    rows.push(Row {
        what: "expire_dispute (default: the slash stands, deposit back)",
        gas: ok(s.expire_dispute(carol, third), "expire_dispute")?,
        inner: Some(("DYN transfer", pay)),
    });
    // What settling calls, measured alone: burn + transfer (above) + record_fault.
    let fault = ok(
        s.record_fault(who::writer(), who::user(6), FaultClass::Sla),
        "record_fault",
    )?;
    let settle_inner = (burn.0 + pay.0 + fault.0, burn.1 + pay.1 + fault.1);
    rows.push(Row {
        what: "settle_slash (burn, reward, reputation cut)",
        gas: ok(s.settle(carol, second), "settle")?,
        inner: Some(("burn + transfer + record_fault", settle_inner)),
    });
    rows.push(Row {
        what: "reputation record_success",
        gas: ok(
            s.record_success(who::writer(), alice, 5_000),
            "record_success",
        )?,
        inner: None,
    });
    rows.push(Row {
        what: "reputation record_fault",
        gas: fault,
        inner: None,
    });
    Ok(rows)
}
