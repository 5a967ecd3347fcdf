//! Shared by the benchmark binaries: gas figures and rewriting a generated section of
//! `docs/BENCHMARKS.md`.

use std::{fs, path::Path, process::Command};

/// (ref_time, proof_size) of one call.
pub type Figures = (u64, u64);

pub fn figures_of(gas: drink::Weight) -> Figures {
    (gas.ref_time(), gas.proof_size())
}

/// `program args…`'s first output line, for recording the toolchain a figure was made with.
pub fn tool_version(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| format!("{program}: unknown version"))
}

/// The rustc and cargo-contract versions, as one phrase.
pub fn toolchain() -> String {
    format!(
        "{}; {}",
        tool_version("rustc", &["--version"]),
        tool_version("cargo", &["contract", "--version"])
    )
}

/// Replaces the text between `<!-- NAME:start -->` and `<!-- NAME:end -->` in the file at
/// `path` with `body` (appending the section if it is not there yet).
pub fn write_section(path: &Path, name: &str, body: &str) -> std::io::Result<()> {
    let (start_marker, end_marker) = (
        format!("<!-- {name}:start -->"),
        format!("<!-- {name}:end -->"),
    );
    let section = format!("{start_marker}\n{body}\n{end_marker}");
    let current = fs::read_to_string(path).unwrap_or_else(|_| "# Benchmarks\n".to_string());
    let updated = match (current.find(&start_marker), current.find(&end_marker)) {
        (Some(start), Some(end)) if end > start => format!(
            "{}{}{}",
            &current[..start],
            section,
            &current[end + end_marker.len()..]
        ),
        _ => format!("{}\n\n{}\n", current.trim_end(), section),
    };
    fs::write(path, updated)
}
