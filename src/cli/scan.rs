//! `ddexprobe scan` and `ddexprobe inspect`: measure files and write one
//! record per file.

use super::args::{InspectArgs, InspectFormat, ScanArgs, ScanFormat};
use super::config;
use super::exit::Exit;
use super::messages;
use super::progress::Bar;
use anyhow::{Context, Result, bail};
use ddexprobe::io::atomic::Output;
use ddexprobe::output::{self, Format};
use ddexprobe::scan::{self, ScanOptions, ScanOutcome, Summary, Target, discover};
use std::path::PathBuf;
use std::time::Instant;

/// The validated configuration of one run.
struct Config {
    targets: Vec<Target>,
    format: Format,
    output: Option<PathBuf>,
    opts: ScanOptions,
    progress: bool,
    summary: bool,
}

/// `ddexprobe scan`.
pub fn scan(a: ScanArgs) -> Result<Exit> {
    let opts = config::scan_options(&a.common)?;
    let quiet = a.common.quiet;
    let found = discover::discover(&a.paths, a.all)?;
    let format = match a.format {
        Some(ScanFormat::Ndjson) => Format::Ndjson,
        Some(ScanFormat::Json) => Format::Json,
        Some(ScanFormat::Csv) => Format::Csv,
        Some(ScanFormat::Table) => Format::Table,
        None if config::for_people(a.output.as_deref()) => Format::Table,
        None => Format::Ndjson,
    };
    for s in &found.skipped {
        messages::warn(s);
    }
    run(Config {
        targets: found.targets,
        format,
        output: a.output,
        opts,
        progress: config::progress_wanted(quiet),
        summary: !quiet,
    })
}

/// `ddexprobe inspect`.
pub fn inspect(a: InspectArgs) -> Result<Exit> {
    let opts = config::scan_options(&a.common)?;
    let mut targets = Vec::new();
    for f in &a.files {
        let meta =
            std::fs::metadata(f).with_context(|| format!("{}: no such file", f.display()))?;
        if meta.is_dir() {
            bail!(
                "{}: is a directory (use `ddexprobe scan` for directories)",
                f.display()
            );
        }
        targets.push(Target {
            path: f.clone(),
            display: f.to_string_lossy().into_owned(),
            size: meta.len(),
        });
    }
    let format = match a.format {
        InspectFormat::Text => Format::Text,
        InspectFormat::Json => Format::Json,
    };
    run(Config {
        targets,
        format,
        output: None,
        opts,
        progress: false,
        summary: false,
    })
}

fn run(config: Config) -> Result<Exit> {
    let started = Instant::now();
    let inputs = match &config.output {
        Some(_) => config::inputs(&config.targets, None, &[]),
        None => Default::default(),
    };
    let (sink, out) =
        Output::open(config.output.as_deref(), &inputs).map_err(anyhow::Error::msg)?;
    let mut writer = output::writer(config.format, sink);

    let total_bytes: u64 = config.targets.iter().map(|t| t.size).sum();
    let bar = Bar::new(config.progress, total_bytes);
    let mut sink_error = writer.begin().err();
    let outcome = if sink_error.is_none() {
        scan::scan(
            &config.targets,
            config.opts,
            |r| writer.record(r),
            |p| bar.update(p),
        )
    } else {
        ScanOutcome {
            summary: Summary::default(),
            sink_error: None,
        }
    };
    bar.finish();
    sink_error = sink_error.or(outcome.sink_error);
    if sink_error.is_none() {
        sink_error = writer.finish(&outcome.summary).err();
    }
    drop(writer);

    let summary = outcome.summary;
    out.close(sink_error).map_err(anyhow::Error::msg)?;
    if config.summary {
        eprintln!("{}", messages::summary_line(&summary, started.elapsed()));
    }
    Ok(Exit::failed_if(summary.files_with_errors > 0))
}
