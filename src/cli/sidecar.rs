//! `ddexprobe sidecar`: write a technical sidecar for each audio file.

use super::args::SidecarArgs;
use super::config;
use super::exit::Exit;
use super::messages;
use anyhow::{Result, bail};
use ddexprobe::output::{sanitize, sidecar};
use ddexprobe::scan::discover;

/// `ddexprobe sidecar`.
pub fn run(a: SidecarArgs) -> Result<Exit> {
    let opts = config::scan_options(&a.common)?;
    if let Some(dir) = &a.out_dir
        && dir.exists()
        && !dir.is_dir()
    {
        bail!("--out-dir {}: not a directory", dir.display());
    }
    let found = discover::discover(&a.paths, false)?;
    for s in &found.skipped {
        messages::warn(s);
    }
    let report = sidecar::write_all(&found.targets, opts, a.out_dir.as_deref());
    if !a.common.quiet {
        eprintln!(
            "ddexprobe: {} sidecars written, {} unchanged, {} failed",
            report.written,
            report.unchanged,
            report.failed.len()
        );
        for f in &report.failed {
            eprintln!("  {}: {}", sanitize(&f.path), sanitize(&f.reason));
        }
    }
    Ok(Exit::failed_if(!report.failed.is_empty()))
}
