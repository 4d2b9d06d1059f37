//! `ddexprobe scan` and `ddexprobe inspect`: measure files and write one
//! record per file, while the walk goes on (the first record is out before
//! the last directory is read, and no list of the files is kept).

use super::args::{FailOnArg, InspectArgs, InspectFormat, ScanArgs, ScanFormat};
use super::config::{self, Problems};
use super::exit::Exit;
use super::messages;
use super::progress::Bar;
use anyhow::{Result, bail};
use ddexprobe::io::atomic::{FileKey, Inputs, Output};
use ddexprobe::output::part::PartWriter;
use ddexprobe::output::{self, Format};
use ddexprobe::scan::discover::Walk;
use ddexprobe::scan::shard::{Selector, Shard, Trailer};
use ddexprobe::scan::{self, ScanOptions, ScanOutcome, Summary, Target, Walker};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The validated configuration of one run.
struct Config {
    found: config::Walked,
    shard: Option<Shard>,
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
    let found = config::walk(&a.inputs)?;
    let shard = config::shard(&a.inputs)?;
    if shard.is_some() && a.format.is_some_and(|f| !matches!(f, ScanFormat::Ndjson)) {
        bail!("--shard writes a part for `ddexprobe merge`, which is NDJSON: drop --format");
    }
    let format = match a.format {
        _ if shard.is_some() => Format::Ndjson,
        Some(ScanFormat::Ndjson) => Format::Ndjson,
        Some(ScanFormat::Json) => Format::Json,
        Some(ScanFormat::Csv) => Format::Csv,
        Some(ScanFormat::Table) => Format::Table,
        None if config::for_people(a.output.as_deref()) => Format::Table,
        None => Format::Ndjson,
    };
    run(Config {
        found,
        shard,
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
    let format = match a.format {
        InspectFormat::Text => Format::Text,
        InspectFormat::Json => Format::Json,
    };
    run(Config {
        found: Box::new(Walker::new(a.files, Walk::new(true))),
        shard: None,
        fail_on: a.common.fail_on,
        format,
        output: None,
        opts,
        progress: false,
        summary: false,
        cache: a.common.cache,
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
    // `-o` must never replace an input: an existing output file is
    // compared with each file as it is found (a `stat` per file, only
    // then), and the run stops at the first that is it; the output is
    // written to a temporary file until the end, so nothing was replaced.
    let output_key = config.output.as_deref().and_then(FileKey::of);
    // Opened (and so created) first: `-o` onto it is refused like any input.
    let cache = config::cache(config.cache.as_deref(), &config.opts);
    let mut inputs = Inputs::new();
    if let Some(c) = &config.cache {
        inputs.add(c, &c.display().to_string());
    }
    let (sink, out) =
        Output::open(config.output.as_deref(), &inputs).map_err(anyhow::Error::msg)?;
    let width = if config.output.is_none() {
        config::terminal_width()
    } else {
        0
    };
    // A part: the walk is taken through the selector, which keeps this
    // part's files and their positions for the writer.
    let selector = config.shard.map(|s| Arc::new(Mutex::new(Selector::new(s))));
    let mut writer = match (&selector, config.shard) {
        (Some(sel), Some(shard)) => Box::new(PartWriter::new(
            sink,
            Arc::clone(sel),
            Trailer {
                command: "scan".to_string(),
                part: shard.index + 1,
                parts: shard.count,
                files: 0,
                work_list: String::new(),
                options: scan_fingerprint(&config.opts),
                lines: 0,
                measured: 0,
                version: env!("CARGO_PKG_VERSION").to_string(),
                qc: config.opts.qc.is_some(),
                input_problems: Vec::new(),
            },
        )),
        _ => output::writer(config.format, sink, width, config.opts.qc.is_some()),
    };

    let bar = Bar::streaming(config.progress);
    let mut sink_error = writer.begin().err();
    let mut failing = 0u64;
    let mut problems = Problems::default();
    let mut clash: Option<Target> = None;
    let mut taken = 0usize;
    let fail_on = config.fail_on;
    let outcome = if sink_error.is_none() {
        let targets = problems.targets(config.found).take_while(|t| {
            let is_output = output_key
                .as_ref()
                .is_some_and(|k| FileKey::of(&t.path).as_ref() == Some(k));
            if is_output {
                clash = Some(t.clone());
            } else {
                taken += 1;
            }
            !is_output
        });
        let targets = targets.filter(|t| match &selector {
            Some(sel) => sel
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .offer(&config::part_name(t)),
            None => true,
        });
        scan::scan_map_with(
            config::ahead(targets, cache.as_ref(), &config.opts),
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
    if let (Some(t), Some(path)) = (clash, &config.output) {
        // Dropping the output removes its temporary file.
        drop(writer);
        drop(out);
        bail!(
            "-o {} is one of the input files ({}); refusing to overwrite it",
            path.display(),
            t.display
        );
    }
    let mut summary = outcome.summary;
    summary.input_problems = problems.list;
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
        taken,
        failing > 0 || !summary.input_problems.is_empty(),
    ))
}
