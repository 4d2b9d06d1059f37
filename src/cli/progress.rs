//! The progress bar on standard error: it follows bytes (time goes into
//! bytes, not files), and its message counts files. While a walk is still
//! finding files the total is not known: a spinner then shows the files
//! and bytes done so far and the rate, and becomes a bar once the walk has
//! ended.

use ddexprobe::scan::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// A bar, or nothing when not shown.
pub struct Bar {
    bar: Option<ProgressBar>,
    /// Whether the total is known (a bar, not a spinner).
    total_known: AtomicBool,
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template(
        "{bar:30} {msg}  {decimal_bytes}/{decimal_total_bytes}  {decimal_bytes_per_sec}  ETA {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg}  {decimal_bytes}  {decimal_bytes_per_sec}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

impl Bar {
    /// A bar for a run over `total_bytes`, drawn only when `shown`.
    pub fn new(shown: bool, total_bytes: u64) -> Bar {
        Bar::with_total(shown, Some(total_bytes))
    }

    /// A spinner for a run whose files are still being found, drawn only
    /// when `shown`; it becomes a bar when the walk has ended.
    pub fn streaming(shown: bool) -> Bar {
        Bar::with_total(shown, None)
    }

    fn with_total(shown: bool, total_bytes: Option<u64>) -> Bar {
        let bar = shown.then(|| {
            let bar = ProgressBar::with_draw_target(total_bytes, ProgressDrawTarget::stderr());
            bar.set_style(match total_bytes {
                Some(_) => bar_style(),
                None => spinner_style(),
            });
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Bar {
            bar,
            total_known: AtomicBool::new(total_bytes.is_some()),
        }
    }

    /// Show `p`.
    pub fn update(&self, p: Progress) {
        let Some(bar) = &self.bar else {
            return;
        };
        if p.complete && !self.total_known.swap(true, Ordering::Relaxed) {
            bar.set_length(p.total_bytes);
            bar.set_style(bar_style());
        }
        if self.total_known.load(Ordering::Relaxed) {
            bar.set_position(p.bytes.min(bar.length().unwrap_or(u64::MAX)));
            bar.set_message(format!("{}/{} files", p.done, p.total));
        } else {
            bar.set_position(p.bytes);
            bar.set_message(format!("{} files ({} found so far)", p.done, p.total));
        }
    }

    /// Remove the bar before the summary is printed.
    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
