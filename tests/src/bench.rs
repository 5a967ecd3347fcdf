//! Shared by the benchmark binaries: gas figures and rewriting a generated section of
//! `docs/BENCHMARKS.md`.

use crate::Called;
use std::fmt::Write as _;

pub type Error = Box<dyn std::error::Error>;

/// (ref_time, proof_size) of one call.
pub type Figures = (u64, u64);

pub fn figures_of(gas: drink::Weight) -> Figures {
    (gas.ref_time(), gas.proof_size())
}

/// The rustc and cargo-contract versions, as one phrase.
pub fn toolchain() -> String {
    format!(
        "{}; {}",
        tool_version("rustc", &["--version"]),
        tool_version("cargo", &["contract", "--version"])
    )
}

pub use dynamis_verifier::report::{out_arg, tool_version, write_section};

/// One measured message, and the inner call it makes measured on its own (if any).
pub struct Row {
    pub what: &'static str,
    pub gas: Figures,
    pub inner: Option<(&'static str, Figures)>,
}

/// The gas of a call that must have succeeded.
pub fn ok<T, E: std::fmt::Debug>(
    called: Called<Result<T, E>>,
    what: &str,
) -> Result<Figures, Error> {
    match called.value {
        Ok(_) if !called.reverted => Ok(figures_of(called.gas)),
        other => Err(format!("{what} failed: {:?}", other.err()).into()),
    }
}

/// The token calls the suite's contracts make, each measured alone in `s`: a transfer, a
/// burn and a `transfer_from` of 1 DYN (`holder` is funded for them).
pub struct TokenCalls {
    pub pay: Figures,
    pub burn: Figures,
    pub pull: Figures,
}

pub fn token_calls(s: &mut crate::suite::Suite, holder: crate::AccountId) -> Result<TokenCalls, Error> {
    use crate::suite::who;
    let one = dyn_token::ONE_DYN;
    let token = s.token;
    s.give(holder, 10_000 * one);
    let pay = ok(token.transfer(&mut s.chain, holder, who::user(6), one), "transfer")?;
    let burn = ok(token.burn(&mut s.chain, holder, one), "burn")?;
    let spender = who::user(7);
    ok(token.approve(&mut s.chain, holder, spender, 1_000 * one), "approve")?;
    let pull = ok(
        token.transfer_from(&mut s.chain, spender, holder, who::user(8), one),
        "transfer_from",
    )?;
    Ok(TokenCalls { pay, burn, pull })
}

/// The Markdown table of `rows` (with the share of each message's own work beside its inner
/// call), then the Wasm sizes.
pub fn render(rows: &[Row], sizes: &[(&str, usize)], own: &str) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "| message | ref_time | proof_size | inner call measured alone | its ref_time | its proof_size | {own}'s own share of ref_time |");
    let _ = writeln!(t, "|---|---:|---:|---|---:|---:|---:|");
    for row in rows {
        let (name, inner_ref, inner_proof, share) = match row.inner {
            Some((name, (r, p))) => (
                name.to_string(),
                r.to_string(),
                p.to_string(),
                format!(
                    "{:.0} %",
                    100.0 * row.gas.0.saturating_sub(r) as f64 / row.gas.0 as f64
                ),
            ),
            None => ("—".into(), "—".into(), "—".into(), "all".into()),
        };
        let _ = writeln!(
            t,
            "| {} | {} | {} | {} | {} | {} | {} |",
            row.what, row.gas.0, row.gas.1, name, inner_ref, inner_proof, share
        );
    }
    let _ = writeln!(t);
    for (name, size) in sizes {
        let _ = writeln!(t, "- optimized Wasm size of `{name}`: {size} bytes");
    }
    t
}
