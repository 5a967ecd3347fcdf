//! Shared by every benchmark binary: the `--out FILE` argument, tool versions, and rewriting
//! one generated section of a Markdown file (docs/BENCHMARKS.md).

use std::{fs, path::Path, path::PathBuf, process::Command};

/// The benchmark's only argument: `--out FILE` (the Markdown file to rewrite), or nothing.
pub fn out_arg(program: &str) -> Result<Option<PathBuf>, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(None),
        [flag, path] if flag == "--out" => Ok(Some(PathBuf::from(path))),
        _ => Err(format!("usage: {program} [--out FILE]")),
    }
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
