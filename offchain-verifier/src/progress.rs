//! The progress bar every long run shows (the demo, the crash rig, `generate`, `submit`).

use indicatif::{ProgressBar, ProgressStyle};

/// A bar of `len` steps labelled `what`, with rate and time left.
pub fn bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} ({per_sec}, {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}
