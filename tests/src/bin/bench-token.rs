//! Gas and size of DYN next to the PSP22 reference implementation (crate `psp22` 2.0.0),
//! both built by the same cargo-contract and toolchain and measured in one drink session.
//!
//! `scripts/bench` runs it; `--out FILE` rewrites the token section of that Markdown file.

use dynamis_tests::{
    account,
    bench::{self, figures_of, toolchain, Figures},
    call_data,
    psp22::{selector, Psp22, Psp22Result},
    BundleProvider, Called, Runtime,
};
use std::{
    fmt::Write as _,
    fs,
    path::{Path, PathBuf},
    process::Command,
};

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    let out = bench::out_arg("bench-token")?;

    let reference = build_reference()?;
    let reference = drink::session::ContractBundle::load(&reference)?;
    let dyn_bundle = BundleProvider::DynToken.bundle()?;

    let rows = measure(&dyn_bundle.wasm, &reference.wasm)?;
    let table = render(&rows, dyn_bundle.wasm.len(), reference.wasm.len());
    println!("{table}");
    if let Some(path) = out {
        write_section(&path, &table)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// One measured operation: (ref_time, proof_size) for DYN and for the reference.
struct Row {
    what: &'static str,
    dyn_gas: Option<Figures>,
    reference_gas: Option<Figures>,
}

fn measure(dyn_wasm: &[u8], reference_wasm: &[u8]) -> Result<Vec<Row>, Error> {
    let mut chain = Runtime::new();
    let holder = account(10);
    let supply = dyn_token::GENESIS_SUPPLY;

    let dyn_token = Psp22::deploy_dyn(&mut chain, dyn_wasm, holder, holder);
    let reference_args = (
        supply,
        Some("Dynamis".to_string()),
        Some("DYN".to_string()),
        18u8,
    );
    let reference = chain
        .deploy(
            reference_wasm,
            holder,
            call_data(selector::NEW, reference_args),
            vec![],
        )
        .map_err(|e| format!("deploying the reference failed: {e:?}"))?;
    let reference_token = Psp22 {
        address: reference.value,
    };

    let mut rows = vec![Row {
        what: "instantiate (genesis mint)",
        dyn_gas: Some(figures_of(dyn_token.gas)),
        reference_gas: Some(figures_of(reference.gas)),
    }];
    // The same sequence on both tokens, from the same state; every call must succeed.
    let dyn_figures = run_sequence(&mut chain, dyn_token.value, holder, true)?;
    let reference_figures = run_sequence(&mut chain, reference_token, holder, false)?;
    for (what, gas) in dyn_figures {
        let reference_gas = reference_figures
            .iter()
            .find(|(name, _)| *name == what)
            .map(|(_, g)| *g);
        rows.push(Row {
            what,
            dyn_gas: Some(gas),
            reference_gas,
        });
    }
    Ok(rows)
}

/// The measured calls on one token, each named where it is made. `burn` only where the token
/// has it.
fn run_sequence(
    chain: &mut Runtime,
    token: Psp22,
    holder: dynamis_tests::AccountId,
    with_burn: bool,
) -> Result<Vec<(&'static str, Figures)>, Error> {
    let (recipient, spender, third) = (account(11), account(12), account(13));
    let amount = 1_000 * dyn_token::ONE_DYN;
    let mut figures = vec![
        (
            "transfer (to a new holder)",
            ok_gas(token.transfer(chain, holder, recipient, amount), "transfer")?,
        ),
        (
            "transfer (to an existing holder)",
            ok_gas(token.transfer(chain, holder, recipient, amount), "transfer")?,
        ),
        (
            "approve",
            ok_gas(token.approve(chain, holder, spender, amount), "approve")?,
        ),
        (
            "transfer_from (partial allowance)",
            ok_gas(
                token.transfer_from(chain, spender, holder, third, amount / 2),
                "transfer_from",
            )?,
        ),
    ];
    // A read, as a call: the cost of loading the contract and its root storage.
    let read: Called<u128> = chain
        .call(
            token.address,
            holder,
            call_data(selector::BALANCE_OF, holder),
        )
        .map_err(|e| format!("balance_of failed: {e:?}"))?;
    figures.push(("balance_of (as a call)", figures_of(read.gas)));
    if with_burn {
        figures.push(("burn", ok_gas(token.burn(chain, holder, amount), "burn")?));
    }
    Ok(figures)
}

/// (ref_time, proof_size) of a call that must have succeeded.
fn ok_gas(called: Called<Psp22Result>, what: &str) -> Result<Figures, Error> {
    if called.reverted || called.value.is_err() {
        return Err(format!("{what} failed: {:?}", called.value).into());
    }
    Ok(figures_of(called.gas))
}

fn verdict(at_most: bool) -> &'static str {
    if at_most {
        "yes"
    } else {
        "**no**"
    }
}

fn cell(gas: Option<Figures>, pick: fn(Figures) -> u64) -> String {
    gas.map(|g| pick(g).to_string())
        .unwrap_or_else(|| "—".to_string())
}

fn render(rows: &[Row], dyn_size: usize, reference_size: usize) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "| operation | DYN ref_time | reference ref_time | DYN proof_size | reference proof_size | DYN ≤ reference |");
    let _ = writeln!(t, "|---|---:|---:|---:|---:|:---:|");
    for row in rows {
        let ok = match (row.dyn_gas, row.reference_gas) {
            (Some(d), Some(r)) => verdict(d.0 <= r.0 && d.1 <= r.1),
            _ => "n/a (reference has no burn)",
        };
        let _ = writeln!(
            t,
            "| {} | {} | {} | {} | {} | {} |",
            row.what,
            cell(row.dyn_gas, |g| g.0),
            cell(row.reference_gas, |g| g.0),
            cell(row.dyn_gas, |g| g.1),
            cell(row.reference_gas, |g| g.1),
            ok
        );
    }
    let _ = writeln!(
        t,
        "| optimized Wasm size (bytes) | {dyn_size} | {reference_size} | | | {} |",
        verdict(dyn_size <= reference_size)
    );
    t
}

fn write_section(path: &Path, table: &str) -> Result<(), Error> {
    let toolchain = toolchain();
    let body = format!(
        "## DYN token vs the PSP22 reference\n\n\
         Produced by `scripts/bench` (binary `bench-token` in `tests/`). Both contracts built by \
         `cargo contract build --release` with the same toolchain in the same run ({toolchain}); \
         the reference is crate `psp22` 2.0.0 as published, plus the one \
         `#[allow(clippy::cast_possible_truncation)]` on `PSP22Error` that cargo-contract's clippy \
         needs. Gas is `gas_consumed` of one call in a drink 0.18 sandbox, both tokens driven \
         through the same sequence from the same state (the holder owns the whole supply; \
         1,000 DYN moved per call; `transfer_from` spends half of a fresh allowance).\n\n\
         {table}"
    );
    bench::write_section(path, "bench-token", &body)?;
    Ok(())
}

/// Copies the published `psp22` 2.0.0 sources out of cargo's registry into
/// `target/reference/psp22`, adds the clippy allow its `PSP22Error` derive needs under
/// cargo-contract 5.0.3, and builds it. Returns the path of the `.contract` bundle.
fn build_reference() -> Result<PathBuf, Error> {
    let tests_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = tests_dir
        .parent()
        .ok_or("tests/ has no parent folder")?
        .to_path_buf();
    let metadata = Command::new("cargo")
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(tests_dir.join("Cargo.toml"))
        .output()?;
    if !metadata.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&metadata.stderr)
        )
        .into());
    }
    let metadata: serde_json::Value = serde_json::from_slice(&metadata.stdout)?;
    let manifest = metadata["packages"]
        .as_array()
        .and_then(|packages| {
            packages
                .iter()
                .find(|p| p["name"] == "psp22" && p["version"] == "2.0.0")
        })
        .and_then(|p| p["manifest_path"].as_str())
        .ok_or("psp22 2.0.0 is not among the dependencies of tests/")?;
    let source = Path::new(manifest)
        .parent()
        .ok_or("bad psp22 manifest path")?;

    let dest = root.join("target/reference/psp22");
    if dest.exists() {
        // Keep the build cache in dest/target; refresh the sources.
        for entry in fs::read_dir(&dest)? {
            let entry = entry?;
            if entry.file_name() != "target" && entry.file_type()?.is_file() {
                fs::remove_file(entry.path())?;
            }
        }
    }
    fs::create_dir_all(&dest)?;
    for entry in fs::read_dir(source)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            fs::copy(entry.path(), dest.join(entry.file_name()))?;
        }
    }

    let errors = dest.join("errors.rs");
    let text = fs::read_to_string(&errors)?;
    let anchor = "pub enum PSP22Error";
    if !text.contains(anchor) {
        return Err("psp22's errors.rs no longer declares `pub enum PSP22Error`".into());
    }
    let patched = text.replacen(
        "#[derive(Debug, PartialEq, Eq)]",
        "#[allow(clippy::cast_possible_truncation)]\n#[derive(Debug, PartialEq, Eq)]",
        1,
    );
    if patched == text {
        return Err("could not place the clippy allow on psp22's PSP22Error".into());
    }
    fs::write(&errors, patched)?;
    // Its own workspace, so cargo does not attach it to ours.
    let cargo_toml = dest.join("Cargo.toml");
    let mut manifest_text = fs::read_to_string(&cargo_toml)?;
    if !manifest_text.contains("\n[workspace]") {
        manifest_text.push_str("\n[workspace]\n");
        fs::write(&cargo_toml, manifest_text)?;
    }

    eprintln!("building the PSP22 reference with cargo contract build --release ...");
    let status = Command::new("cargo")
        .args([
            "contract",
            "build",
            "--release",
            "--quiet",
            "--manifest-path",
        ])
        .arg(&cargo_toml)
        .status()?;
    if !status.success() {
        return Err("cargo contract build of the PSP22 reference failed".into());
    }
    Ok(dest.join("target/ink/psp22.contract"))
}
