//! `ddexprobe scan` and `ddexprobe inspect`: measure files and write one
//! record per file.

use super::args::{FailOnArg, InspectArgs, InspectFormat, ScanArgs, ScanFormat};
use super::config;
use super::exit::Exit;
use super::messages;
use super::progress::Bar;
use anyhow::{Result, bail};
use ddexprobe::io::atomic::Output;
use ddexprobe::output::{self, Format};
use ddexprobe::record::InputProblem;
use ddexprobe::scan::{self, ScanOptions, ScanOutcome, Summary, Target};
use std::path::PathBuf;
use std::time::Instant;

/// The validated configuration of one run.
struct Config {
    targets: Vec<Target>,
    problems: Vec<InputProblem>,
    fail_on: FailOnArg,
    format: Format,
    output: Option<PathBuf>,
    opts: ScanOptions,
    progress: bool,
    summary: bool,
    cache: Option<PathBuf>,
}

/// `ddexprobe scan`.
pub fn scan(a: ScanArgs) -> Result<Exit> {
    let opts = config::scan_options(&a.common)?;
    let quiet = a.common.quiet;
    let found = config::discover(&a.inputs)?;
    let format = match a.format {
        Some(ScanFormat::Ndjson) => Format::Ndjson,
        Some(ScanFormat::Json) => Format::Json,
        Some(ScanFormat::Csv) => Format::Csv,
        Some(ScanFormat::Table) => Format::Table,
        None if config::for_people(a.output.as_deref()) => Format::Table,
        None => Format::Ndjson,
    };
    run(Config {
        targets: found.targets,
        problems: found.problems,
        fail_on: a.common.fail_on,
        format,
        output: a.output,
        opts,
        progress: config::progress_wanted(quiet),
        summary: !quiet,
        cache: a.common.cache,
    })
}

/// `ddexprobe inspect`.
pub fn inspect(a: InspectArgs) -> Result<Exit> {
    let opts = config::scan_options(&a.common)?;
    // Named files only: a directory is refused, everything else is one
    // input (a device or FIFO is refused unopened).
    for f in &a.files {
        if f.is_dir() {
            bail!(
                "{}: is a directory (use `ddexprobe scan` for directories)",
                f.display()
            );
        }
    }
    let found = ddexprobe::scan::discover::discover(&a.files, true);
    for p in &found.problems {
        messages::problem(p);
    }
    let format = match a.format {
        InspectFormat::Text => Format::Text,
        InspectFormat::Json => Format::Json,
    };
    run(Config {
        targets: found.targets,
        problems: found.problems,
        fail_on: a.common.fail_on,
        format,
        output: None,
        opts,
        progress: false,
        summary: false,
        cache: a.common.cache,
    })
}

fn run(config: Config) -> Result<Exit> {
    let started = Instant::now();
    // Opened (and so created) first: `-o` onto it is refused like any input.
    let cache = config::cache(config.cache.as_deref(), &config.opts);
    let inputs = match &config.output {
        Some(_) => {
            let cache_file: Vec<&std::path::Path> = config.cache.as_deref().into_iter().collect();
            config::inputs(&config.targets, None, &cache_file)
        }
        None => Default::default(),
    };
    let (sink, out) =
        Output::open(config.output.as_deref(), &inputs).map_err(anyhow::Error::msg)?;
    let width = if config.output.is_none() {
        config::terminal_width()
    } else {
        0
    };
    let mut writer = output::writer(config.format, sink, width, config.opts.qc.is_some());

    let total_bytes: u64 = config.targets.iter().map(|t| t.size).sum();
    let bar = Bar::new(config.progress, total_bytes);
    let mut sink_error = writer.begin().err();
    let mut failing = 0u64;
    let fail_on = config.fail_on;
    let outcome = if sink_error.is_none() {
        scan::scan_map_with(
            &config.targets,
            config.opts.jobs,
            config::measure(cache.as_ref(), &config.opts),
            |_, _| (),
            |r, ()| {
                failing += u64::from(config::fails(r, fail_on));
                writer.record(r)
            },
            |p| bar.update(p),
        )
    } else {
        ScanOutcome {
            summary: Summary::default(),
            sink_error: None,
        }
    };
    bar.finish();
    config::finish_cache(cache, config.cache.as_deref(), !config.summary);
    let mut summary = outcome.summary;
    summary.input_problems = config.problems;
    sink_error = sink_error.or(outcome.sink_error);
    if sink_error.is_none() {
        sink_error = writer.finish(&summary).err();
    }
    drop(writer);

    out.close(sink_error).map_err(anyhow::Error::msg)?;
    if config.summary {
        eprintln!("{}", messages::summary_line(&summary, started.elapsed()));
    }
    Ok(Exit::of_run(
        config.targets.len(),
        failing > 0 || !summary.input_problems.is_empty(),
    ))
}
