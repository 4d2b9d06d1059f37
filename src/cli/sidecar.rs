//! `ddexprobe sidecar`: write a technical sidecar for each audio file.

use super::args::SidecarArgs;
use super::config;
use super::exit::Exit;
use super::messages;
use super::progress::Bar;
use anyhow::{Result, bail};
use ddexprobe::output::sidecar;

/// `ddexprobe sidecar`.
pub fn run(a: SidecarArgs) -> Result<Exit> {
    let opts = config::scan_options(&a.common)?;
    if let Some(dir) = &a.out_dir
        && dir.exists()
        && !dir.is_dir()
    {
        bail!("--out-dir {}: not a directory", dir.display());
    }
    // Split with --shard, each worker writes its part's sidecars: there is
    // nothing to merge.
    let (found, part) = config::discover_part(&a.inputs)?;
    let files = part
        .as_ref()
        .map_or(found.targets.len(), |p| p.files as usize);
    if a.out_dir.is_none() && found.targets.iter().any(|t| t.remote.is_some()) {
        bail!(
            "sidecars of objects in storage are written under --out-dir DIR \
             (nothing is written into a bucket)"
        );
    }
    let total_bytes: u64 = found.targets.iter().map(|t| t.size).sum();
    let bar = Bar::new(config::progress_wanted(a.common.quiet), total_bytes);
    let cache = config::cache(a.common.cache.as_deref(), &opts);
    let report = sidecar::write_all_with(
        &found.targets,
        opts,
        a.out_dir.as_deref(),
        config::measure(cache.as_ref(), &opts),
        |p| bar.update(p),
    );
    bar.finish();
    config::finish_cache(cache, a.common.cache.as_deref(), a.common.quiet);
    for f in &report.failed {
        messages::error(&format!("{}: {}", f.path, f.reason));
    }
    if !a.common.quiet {
        eprintln!(
            "ddexprobe: {} sidecars written, {} unchanged, {} failed{}",
            report.written,
            report.unchanged,
            report.failed.len(),
            match report.not_audio {
                0 => String::new(),
                n => format!(", {n} not audio (left alone)"),
            }
        );
        if let Some(p) = &part {
            eprintln!("ddexprobe: part {} of {} files", p.shard.label(), p.files);
        }
        if let Some(line) = messages::problems_line(&found.problems) {
            eprintln!("{line}");
        }
    }
    Ok(Exit::of_run(
        files,
        !report.failed.is_empty() || !found.problems.is_empty(),
    ))
}
