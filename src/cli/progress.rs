//! The progress bar on standard error: it follows bytes (time goes into
//! bytes, not files), and its message counts files.

use ddexprobe::scan::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::time::Duration;

/// A bar over `total_bytes`, or nothing when `shown` is false.
pub struct Bar {
    bar: Option<ProgressBar>,
    total_bytes: u64,
}

impl Bar {
    /// A bar for a run over `total_bytes`, drawn only when `shown`.
    pub fn new(shown: bool, total_bytes: u64) -> Bar {
        let bar = shown.then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{bar:30} {msg}  {decimal_bytes}/{decimal_total_bytes}  {decimal_bytes_per_sec}  ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Bar { bar, total_bytes }
    }

    /// Show `p`.
    pub fn update(&self, p: Progress) {
        if let Some(bar) = &self.bar {
            bar.set_position(p.bytes.min(self.total_bytes));
            bar.set_message(format!("{}/{} files", p.done, p.total));
        }
    }

    /// Remove the bar before the summary is printed.
    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
