//! `dynamis-simulate` (`scripts/simulate`): every scenario of [`dynamis_simulate::scenarios`],
//! seeded, with a progress bar; a CSV of every series and four SVG charts per scenario, and a
//! summary of the controller's settling; then the capacity ramp on mint_credits' rules (a CSV
//! and four charts).

use anyhow::Context;
use clap::Parser;
use dynamis_simulate::{chart, csv, run, scenarios, settling};
use std::path::PathBuf;

#[derive(Parser)]
#[command(about = "Runs power_flux's own rules over many epochs; writes CSV and SVG charts")]
struct Cli {
    /// Where the CSV files and charts go.
    #[arg(long, default_value = "target/simulate")]
    out: PathBuf,
    #[arg(long, default_value_t = 7)]
    seed: u64,
    #[arg(long, default_value_t = 300)]
    epochs: u32,
    /// IDs reporting each epoch.
    #[arg(long, default_value_t = 100)]
    ids: u32,
    /// Epochs of the capacity ramp (mint_credits' rules): long enough to see the regimes fill.
    #[arg(long, default_value_t = 1_000)]
    ramp_epochs: u32,
}

/// When the ramp reached each phase, and where DYN stood at the end.
fn ramp_summary(rows: &[dynamis_simulate::ramp::RampRow]) -> String {
    let reached: Vec<String> = (1..=3u8)
        .map(|phase| match rows.iter().find(|r| r.phase >= phase) {
            Some(r) => format!("phase {phase} at epoch {}", r.epoch),
            None => format!("phase {phase} never"),
        })
        .collect();
    let last = rows.last().copied();
    let end = last.map_or(String::new(), |r| {
        format!(
            "; at the end: supply {:.2} M DYN, {:.2} M locked, of the ceilings {:.1} / {:.1} / {:.1} / {:.1} %",
            r.supply / 1e6,
            r.locked / 1e6,
            r.of_ceiling[0],
            r.of_ceiling[1],
            r.of_ceiling[2],
            r.of_ceiling[3]
        )
    });
    format!("{:<12} {}{end}", "ramp", reached.join(", "))
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    std::fs::create_dir_all(&cli.out).with_context(|| format!("creating {}", cli.out.display()))?;
    let all = scenarios(cli.epochs, cli.ids);
    let ramp = dynamis_simulate::ramp::Ramp::default_for(cli.ramp_epochs);
    let total = u64::from(cli.epochs) * all.len() as u64 + u64::from(cli.ramp_epochs);
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} epochs {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut summary = Vec::new();
    for scenario in &all {
        bar.set_message(scenario.name.clone());
        let rows = run(scenario, cli.seed, &|| bar.inc(1))?;
        let path = cli.out.join(format!("{}.csv", scenario.name));
        std::fs::write(&path, csv(&rows)).with_context(|| format!("writing {}", path.display()))?;
        chart::all(&cli.out, &scenario.name, &rows)?;
        let epochs = cli.epochs as usize;
        let marks = [0, epochs / 3, epochs * 2 / 3, epochs];
        let line: Vec<String> = marks
            .windows(2)
            .map(|phase| {
                let (from, end) = (&phase[0], phase[1]);
                let (settled, overshoot) = settling(&rows[..end], *from, 0.03);
                let after = settled.map_or("never".to_string(), |e| format!("{} epochs", e - from));
                format!("epochs {from}–{end}: within 3 % after {after}, overshoot {:.1} %", overshoot * 100.0)
            })
            .collect();
        summary.push(format!("{:<12} {}", scenario.name, line.join("; ")));
    }
    bar.set_message("ramp");
    let rows = dynamis_simulate::ramp::run(&ramp, &|| bar.inc(1))?;
    let path = cli.out.join("ramp.csv");
    std::fs::write(&path, dynamis_simulate::ramp::csv(&rows))
        .with_context(|| format!("writing {}", path.display()))?;
    chart::ramp(&cli.out, &rows)?;
    bar.finish_and_clear();
    summary.push(ramp_summary(&rows));
    for line in summary {
        println!("{line}");
    }
    println!("CSV and SVG charts in {}", cli.out.display());
    Ok(())
}
