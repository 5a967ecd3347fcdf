//! Rewriting one generated section of a Markdown file (docs/BENCHMARKS.md), shared by every
//! benchmark binary.

use std::{fs, path::Path};

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
