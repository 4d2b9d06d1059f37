//! What the binary says on standard error: warnings and errors with the
//! `ddexprobe:` prefix, control characters made visible (a hostile file
//! name cannot drive the terminal), and the closing summary of a scan.

use super::args::ColorArg;
use ddexprobe::output::sanitize;
use ddexprobe::record::InputProblem;
use ddexprobe::scan::{Key, Summary};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Whether standard error gets colour (`--color`, `NO_COLOR`).
static COLOR: AtomicBool = AtomicBool::new(false);

/// Decide once whether standard error gets colour: `always`, `never`, or
/// (`auto`) when it is a terminal, `NO_COLOR` is unset or empty and `TERM`
/// is not `dumb`.
pub fn set_color(when: ColorArg) -> bool {
    let on = match when {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            std::io::stderr().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    };
    COLOR.store(on, Ordering::Relaxed);
    on
}

/// `label:` in bold `colour` (an SGR code) when colour is on.
fn label(text: &str, colour: &str) -> String {
    if COLOR.load(Ordering::Relaxed) {
        format!("\x1b[1;{colour}m{text}:\x1b[0m")
    } else {
        format!("{text}:")
    }
}

/// Print a warning.
pub fn warn(what: &str) {
    eprintln!("ddexprobe: {} {}", label("warning", "33"), sanitize(what));
}

/// Print an error.
pub fn error(what: &str) {
    eprintln!("ddexprobe: {} {}", label("error", "31"), sanitize(what));
}

/// Print an input problem: path, what was found and its code.
pub fn problem(p: &InputProblem) {
    eprintln!(
        "ddexprobe: {} {}: {} [{}]",
        label("error", "31"),
        sanitize(&p.path),
        sanitize(&p.message),
        p.code
    );
}

/// `N input problems (code n, ...)`, or `None` without any.
pub fn problems_line(problems: &[InputProblem]) -> Option<String> {
    if problems.is_empty() {
        return None;
    }
    let mut counts = std::collections::BTreeMap::new();
    for p in problems {
        *counts.entry(p.code.as_str()).or_insert(0u64) += 1;
    }
    let counts: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
    Some(format!(
        "ddexprobe: {} input problem{} ({}), listed above: the run is incomplete",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        counts.join(", ")
    ))
}

/// `1.23 MB`: decimal units, as the progress bar shows them (one
/// formatter for both: indicatif's).
pub fn human_bytes(b: u64) -> String {
    indicatif::DecimalBytes(b).to_string()
}

/// The closing summary of `scan` on standard error.
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
        human_bytes(s.bytes),
        secs,
        human_bytes((s.bytes as f64 / secs) as u64),
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
    if !s.qc.is_empty() {
        line.push_str(&format!("\nddexprobe: {}", s.qc.line()));
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
            const PATHS: usize = 10;
            let mut paths: Vec<String> = g.paths.iter().take(PATHS).map(|p| sanitize(p)).collect();
            if g.paths.len() > PATHS {
                paths.push(format!("and {} more", g.paths.len() - PATHS));
            }
            line.push_str(&format!("\n  {what}: {}", paths.join(", ")));
        }
        if s.duplicates.len() > SHOWN {
            line.push_str(&format!(
                "\n  ... {} more groups: every path is in the summary of --format json",
                s.duplicates.len() - SHOWN
            ));
        }
    }
    if let Some(p) = problems_line(&s.input_problems) {
        line.push('\n');
        line.push_str(&p);
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
