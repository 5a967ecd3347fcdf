//! Gas of the Power/Flux messages on their compiled Wasm: report (the first and the last of many
//! IDs), a Flux transfer, a use, and the epoch close after 10, 1,000 and 100,000 IDs, to show
//! that the close does not grow with the number of IDs.
//!
//! `scripts/bench` runs it; `--out FILE` rewrites the Power/Flux section of that Markdown file.

use dynamis_deploy::calls::{power_flux as sel, token};
use dynamis_shared::DAY;
use dynamis_tests::{
    bench::{self, ok, render, toolchain, Row},
    bundle,
    flux::{id, Pf, PfResult, FULL},
    suite::who,
    BundleProvider,
};
use power_flux::{Activity, BurnMode, ONE_FLUX};

type Error = bench::Error;

/// IDs reported before each close: 10, then 990 more (1,000), then 99,000 more (100,000).
const STEPS: [u32; 3] = [10, 1_000, 100_000];

fn main() -> Result<(), Error> {
    let out = bench::out_arg("bench-power-flux")?;
    let rows = measure()?;
    let sizes = [("power_flux", bundle(BundleProvider::PowerFlux).wasm.len())];
    let table = render(&rows, &sizes, "power_flux");
    println!("{table}");
    if let Some(path) = out {
        let body = format!(
            "## Power/Flux\n\n\
             Produced by `scripts/bench` (binary `bench-power-flux` in `tests/`), contracts built \
             by `cargo contract build --release` ({}). Gas is `gas_consumed` of one call in a \
             drink 0.18 sandbox: Power/Flux with its defaults (per-use burning) beside the suite's \
             reputation registry, one wired reporter. Between closes, new IDs are reported at 1 % \
             activity until 10, 1,000 and 100,000 IDs have spent Power; the close rows are \
             equal, since the close reads only the epoch's totals and the controller. `report` reads the ID's score \
             from reputation (one cross-contract call).\n\n\
             {table}",
            toolchain()
        );
        bench::write_section(&path, "bench-power-flux", &body)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

fn measure() -> Result<Vec<Row>, Error> {
    let mut pf = Pf::new(BurnMode::PerUse);
    let light = Activity {
        uptime_ppb: 25_000_000,
        ..Activity::default()
    };
    let first_report = ok(pf.report(who::reporter(), id(0), FULL), "report")?;
    let (alice, bob) = (id(0), who::user(2));
    let transfer = ok(
        pf.call::<Result<(), dynamis_shared::PSP22Error>>(
            alice,
            token::TRANSFER,
            (bob, 100 * ONE_FLUX, Vec::<u8>::new()),
        ),
        "transfer",
    )?;
    let use_flux = ok(pf.call::<PfResult>(bob, sel::USE_FLUX, 10u32), "use_flux")?;
    pf.s.chain.advance(DAY);
    ok(pf.close(who::user(9)), "close_epoch")?;
    let mut reported = 1u32;
    let mut closes = Vec::new();
    let mut last_report = first_report;
    for target in STEPS {
        let bar = indicatif::ProgressBar::new(u64::from(target - reported));
        while reported < target {
            last_report = ok(pf.report(who::reporter(), id(reported), light), "report")?;
            reported += 1;
            bar.inc(1);
        }
        bar.finish_and_clear();
        pf.s.chain.advance(DAY);
        closes.push(ok(pf.close(who::user(9)), "close_epoch")?);
    }
    let row = |what, gas| Row {
        what,
        gas,
        inner: None,
    };
    Ok(vec![
        row("report (first ID, full activity)", first_report),
        row("report (the 100,000th ID)", last_report),
        row("Flux transfer", transfer),
        row("use_flux (10 tasks)", use_flux),
        row("close_epoch after 10 IDs", closes[0]),
        row("close_epoch after 1,000 IDs", closes[1]),
        row("close_epoch after 100,000 IDs", closes[2]),
    ])
}
