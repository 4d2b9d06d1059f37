//! `ddexprobe scan` and `ddexprobe inspect`: measure files and write one
//! record per file.

use super::args::{FailOnArg, InspectArgs, InspectFormat, ScanArgs, ScanFormat};
use super::config;
use super::exit::Exit;
use super::messages;
use super::progress::Bar;
use anyhow::{Result, bail};
use ddexprobe::io::atomic::Output;
use ddexprobe::output::part::PartWriter;
use ddexprobe::output::{self, Format};
use ddexprobe::record::InputProblem;
use ddexprobe::scan::shard::Trailer;
use ddexprobe::scan::{self, ScanOptions, ScanOutcome, Summary, Target};
use std::path::PathBuf;
use std::time::Instant;

/// The validated configuration of one run.
struct Config {
    targets: Vec<Target>,
    part: Option<config::Part>,
    problems: Vec<InputProblem>,
    fail_on: FailOnArg,
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
    let (found, part) = config::discover_part(&a.inputs)?;
    if part.is_some() && a.format.is_some_and(|f| !matches!(f, ScanFormat::Ndjson)) {
        bail!("--shard writes a part for `ddexprobe merge`, which is NDJSON: drop --format");
    }
    let format = match a.format {
        _ if part.is_some() => Format::Ndjson,
        Some(ScanFormat::Ndjson) => Format::Ndjson,
        Some(ScanFormat::Json) => Format::Json,
        Some(ScanFormat::Csv) => Format::Csv,
        Some(ScanFormat::Table) => Format::Table,
        None if config::for_people(a.output.as_deref()) => Format::Table,
        None => Format::Ndjson,
    };
    run(Config {
        targets: found.targets,
        part,
        problems: found.problems,
        fail_on: a.common.fail_on,
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
        part: None,
        problems: found.problems,
        fail_on: a.common.fail_on,
        format,
        output: None,
        opts,
        progress: false,
        summary: false,
    })
}

/// What shaped a scan's records, for a part's trailer: parts with other
/// options are never merged.
pub fn scan_fingerprint(o: &ScanOptions) -> String {
    format!(
        "hashes={:?} verify={} budget={:?} qc={:?}",
        o.hashes, o.verify, o.budget, o.qc
    )
}

fn run(config: Config) -> Result<Exit> {
    let started = Instant::now();
    // A part with no file of its own is done when the work list is not
    // empty: its trailer says so.
    let files = config
        .part
        .as_ref()
        .map_or(config.targets.len(), |p| p.files as usize);
    let inputs = match &config.output {
        Some(_) => config::inputs(&config.targets, None, &[]),
        None => Default::default(),
    };
    let (sink, out) =
        Output::open(config.output.as_deref(), &inputs).map_err(anyhow::Error::msg)?;
    let width = if config.output.is_none() {
        config::terminal_width()
    } else {
        0
    };
    let mut writer = match config.part {
        Some(part) => Box::new(PartWriter::new(
            sink,
            part.ordinals,
            Trailer {
                command: "scan".to_string(),
                part: part.shard.index + 1,
                parts: part.shard.count,
                files: part.files,
                work_list: part.work_list,
                options: scan_fingerprint(&config.opts),
                lines: 0,
                measured: 0,
                version: env!("CARGO_PKG_VERSION").to_string(),
                qc: config.opts.qc.is_some(),
                input_problems: Vec::new(),
            },
        )),
        None => output::writer(config.format, sink, width, config.opts.qc.is_some()),
    };

    let total_bytes: u64 = config.targets.iter().map(|t| t.size).sum();
    let bar = Bar::new(config.progress, total_bytes);
    let mut sink_error = writer.begin().err();
    let mut failing = 0u64;
    let fail_on = config.fail_on;
    let outcome = if sink_error.is_none() {
        scan::scan(
            &config.targets,
            config.opts,
            |r| {
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
        files,
        failing > 0 || !summary.input_problems.is_empty(),
    ))
}
