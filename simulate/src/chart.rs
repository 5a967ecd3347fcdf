//! SVG line charts of a run's series (plotters' SVG backend: no fonts needed).

use crate::{ramp::RampRow, Row};
use plotters::prelude::*;
use std::path::Path;

/// Rows that belong to an epoch.
pub trait Epoch {
    fn epoch(&self) -> u32;
}

impl Epoch for Row {
    fn epoch(&self) -> u32 {
        self.epoch
    }
}

impl Epoch for RampRow {
    fn epoch(&self) -> u32 {
        self.epoch
    }
}

/// One chart: `series` (a name and a value per row) over the epochs, written to `path`.
pub fn lines<T: Epoch>(
    path: &Path,
    title: &str,
    rows: &[T],
    series: &[(&str, fn(&T) -> f64)],
) -> anyhow::Result<()> {
    let root = SVGBackend::new(path, (900, 420)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow::anyhow!("{e}"))?;
    let epochs = rows.len() as f64;
    let (mut lo, mut hi) = (f64::MAX, f64::MIN);
    for r in rows {
        for (_, value) in series {
            let v = value(r);
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if !(lo.is_finite() && hi.is_finite()) || lo >= hi {
        (lo, hi) = (lo.min(0.0), lo.max(0.0) + 1.0);
    }
    let pad = (hi - lo) * 0.05;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(32)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..epochs, (lo - pad)..(hi + pad))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .draw()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let colours = [BLUE, RED, GREEN, MAGENTA];
    for (i, (name, value)) in series.iter().enumerate() {
        let colour = colours[i % colours.len()];
        chart
            .draw_series(LineSeries::new(
                rows.iter().map(|r| (f64::from(r.epoch()), value(r))),
                colour,
            ))
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .label(*name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], colour));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    root.present().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}

/// The four charts of a run, into `dir` as `<name>-<chart>.svg`.
pub fn all(dir: &Path, name: &str, rows: &[Row]) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let charts: [(&str, &str, Vec<(&str, fn(&Row) -> f64)>); 4] = [
        (
            "mint-burn",
            "Mint vs burn (Flux per epoch)",
            vec![("mint", |r| r.mint_flux), ("burn", |r| r.burn_flux)],
        ),
        (
            "supply",
            "Flux supply",
            vec![("supply", |r| r.supply_flux)],
        ),
        (
            "kappa-beta",
            "κ (Flux per Power) and β (% per epoch)",
            vec![
                ("kappa", |r| r.kappa_flux_per_power),
                ("beta %", |r| r.beta_percent),
            ],
        ),
        (
            "power",
            "Σ P_used (Power)",
            vec![("p_used", |r| r.p_used_power)],
        ),
    ];
    let mut written = Vec::new();
    for (file, title, series) in charts {
        let path = dir.join(format!("{name}-{file}.svg"));
        lines(&path, &format!("{name}: {title}"), rows, &series)?;
        written.push(path);
    }
    Ok(written)
}

/// The capacity ramp's four charts, into `dir` as `ramp-<chart>.svg`.
pub fn ramp(dir: &Path, rows: &[RampRow]) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let charts: [(&str, &str, Vec<(&str, fn(&RampRow) -> f64)>); 4] = [
        (
            "ceilings",
            "DYN minted per regime, % of its ceiling",
            vec![
                ("ephemeral (100 M)", |r| r.of_ceiling[0]),
                ("session (50 M)", |r| r.of_ceiling[1]),
                ("anchored (25 M)", |r| r.of_ceiling[2]),
                ("permanent (10 M)", |r| r.of_ceiling[3]),
            ],
        ),
        (
            "supply",
            "DYN supply (M DYN) and its most: genesis + every ceiling",
            vec![
                ("supply", |r| r.supply / 1e6),
                ("genesis + every ceiling", |_| 1_185.0),
            ],
        ),
        (
            "locked",
            "DYN locked in credits (M DYN)",
            vec![("locked", |r| r.locked / 1e6)],
        ),
        (
            "capacity",
            "Network capacity (M units per epoch) and phase",
            vec![
                ("capacity", |r| r.network_capacity / 1e6),
                ("phase", |r| f64::from(r.phase)),
            ],
        ),
    ];
    let mut written = Vec::new();
    for (file, title, series) in charts {
        let path = dir.join(format!("ramp-{file}.svg"));
        lines(&path, &format!("capacity ramp: {title}"), rows, &series)?;
        written.push(path);
    }
    Ok(written)
}
