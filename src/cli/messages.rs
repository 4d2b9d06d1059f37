//! What the binary says on standard error: warnings and errors with the
//! `ddexprobe:` prefix, control characters made visible (a hostile file
//! name cannot drive the terminal), and the closing summary of a scan.

use ddexprobe::output::sanitize;
use ddexprobe::scan::{Key, Summary};
use std::time::Duration;

/// Print a warning.
pub fn warn(what: &str) {
    eprintln!("ddexprobe: warning: {}", sanitize(what));
}

/// Print an error.
pub fn error(what: &str) {
    eprintln!("ddexprobe: error: {}", sanitize(what));
}

/// `1.2 MB`: decimal units, one decimal.
pub fn human_bytes(b: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = b;
    let mut u = 0;
    while v >= 1000.0 && u < UNITS.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    format!("{v:.1} {}", UNITS[u])
}

pub fn summary_line(s: &Summary, elapsed: Duration) -> String {
    let formats: Vec<String> = s.formats.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let secs = elapsed.as_secs_f64().max(1e-9);
    let mut line = format!(
        "ddexprobe: {} files ({}); {} with errors, {} with warnings; audio {}; {} in {:.2} s ({}/s, {:.0} files/s)",
        s.files,
        if formats.is_empty() {
            "none".to_string()
        } else {
            formats.join(", ")
        },
        s.files_with_errors,
        s.files_with_warnings,
        s.total_duration,
        human_bytes(s.bytes as f64),
        secs,
        human_bytes(s.bytes as f64 / secs),
        s.files as f64 / secs
    );
    if !s.verification.is_empty() {
        let counts: Vec<String> = s
            .verification
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect();
        line.push_str(&format!("\nddexprobe: verified: {}", counts.join(", ")));
    }
    if !s.duplicates.is_empty() {
        const SHOWN: usize = 5;
        line.push_str(&format!(
            "\nddexprobe: {} duplicate group(s) (distributors reject duplicate masters):",
            s.duplicates.len()
        ));
        for g in s.duplicates.iter().take(SHOWN) {
            let what = match g.by {
                Key::Sha256 => "identical files",
                Key::PcmMd5 => "same audio",
            };
            line.push_str(&format!(
                "\n  {what}: {}",
                g.paths
                    .iter()
                    .map(|p| sanitize(p))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if s.duplicates.len() > SHOWN {
            line.push_str(&format!(
                "\n  ... {} more in --format json",
                s.duplicates.len() - SHOWN
            ));
        }
    }
    if !s.error_codes.is_empty() {
        let codes: Vec<String> = s
            .error_codes
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        line.push_str(&format!("\nddexprobe: errors: {}", codes.join(", ")));
    }
    line
}
