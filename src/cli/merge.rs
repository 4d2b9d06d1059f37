//! `ddexprobe merge PART...`: the parts of a sharded `scan` or `check`
//! joined into what one run writes (`output::part` does the work).

use super::args::{FailOnArg, MergeArgs, MergeFormat};
use super::config;
use super::exit::Exit;
use super::messages;
use anyhow::{Result, bail};
use ddexprobe::io::atomic::{Inputs, Output};
use ddexprobe::output::part::{self, Part};
use ddexprobe::output::reports::{CheckFormat, ReportOptions, report_writer};
use ddexprobe::output::{self, Format};
use ddexprobe::readiness::Gate;
use ddexprobe::scan::Summary;
use std::io::Write;
use std::time::Instant;

/// `ddexprobe merge`.
pub fn run(a: MergeArgs) -> Result<Exit> {
    let started = Instant::now();
    let parts = match part::open(&a.parts) {
        Ok(p) => p,
        Err(e) => {
            messages::error(&e.to_string());
            return Ok(Exit::NothingDone);
        }
    };
    // Never write over a part.
    let mut inputs = Inputs::new();
    for p in &a.parts {
        inputs.add(p, &p.display().to_string());
    }
    let command = parts[0].trailer.command.clone();
    match command.as_str() {
        "scan" => scan(&a, &parts, &inputs, started),
        "check" => check(&a, &parts, &inputs),
        other => bail!("the parts were written by `{other}`, which cannot be merged"),
    }
}

fn scan(a: &MergeArgs, parts: &[Part], inputs: &Inputs, started: Instant) -> Result<Exit> {
    let format = match a.format {
        Some(MergeFormat::Ndjson) => Format::Ndjson,
        Some(MergeFormat::Json) => Format::Json,
        Some(MergeFormat::Csv) => Format::Csv,
        Some(MergeFormat::Table) => Format::Table,
        Some(MergeFormat::Junit | MergeFormat::Github) => {
            bail!("--format junit and github are for `check` parts; these are `scan` parts")
        }
        None if config::for_people(a.output.as_deref()) => Format::Table,
        None => Format::Ndjson,
    };
    let (sink, out) = Output::open(a.output.as_deref(), inputs).map_err(anyhow::Error::msg)?;
    let width = if a.output.is_none() {
        config::terminal_width()
    } else {
        0
    };
    let mut summary = Summary::default();
    let mut failing = 0u64;
    let fail_on = a.fail_on;
    // NDJSON: the bytes each part wrote, so the output is the single
    // run's byte for byte; the other formats write the records read back.
    let merged = if format == Format::Ndjson {
        let mut w = std::io::BufWriter::new(sink);
        part::merge_scan(parts, |bytes, record| {
            failing += u64::from(config::fails(record, fail_on));
            summary.add(record);
            w.write_all(bytes)?;
            w.write_all(b"\n")
        })
        .map(|r| {
            summary.close();
            summary.input_problems = part::input_problems(parts);
            r.and_then(|()| w.flush())
        })
    } else {
        let mut writer = output::writer(format, sink, width, parts[0].trailer.qc);
        match writer.begin() {
            Err(e) => Ok(Err(e)),
            Ok(()) => part::merge_scan(parts, |_, record| {
                failing += u64::from(config::fails(record, fail_on));
                summary.add(record);
                writer.record(record)
            })
            .map(|r| {
                summary.close();
                summary.input_problems = part::input_problems(parts);
                r.and_then(|()| writer.finish(&summary))
            }),
        }
    };
    match merged {
        Err(e) => {
            // Nothing is left behind: the output is removed.
            let _ = out.close(Some(std::io::Error::other(e.to_string())));
            messages::error(&e.to_string());
            Ok(Exit::NothingDone)
        }
        Ok(sink_error) => {
            out.close(sink_error.err()).map_err(anyhow::Error::msg)?;
            finish_scan(a, parts, &summary, failing, started)
        }
    }
}

fn finish_scan(
    a: &MergeArgs,
    parts: &[Part],
    summary: &Summary,
    failing: u64,
    started: Instant,
) -> Result<Exit> {
    if !a.quiet {
        for p in &summary.input_problems {
            messages::problem(p);
        }
        eprintln!("{}", messages::summary_line(summary, started.elapsed()));
        eprintln!("ddexprobe: merged {} parts", parts.len());
    }
    Ok(Exit::of_run(
        parts[0].trailer.files as usize,
        failing > 0 || !summary.input_problems.is_empty(),
    ))
}

fn check(a: &MergeArgs, parts: &[Part], inputs: &Inputs) -> Result<Exit> {
    let format = match a.format {
        Some(MergeFormat::Ndjson) => CheckFormat::Ndjson,
        Some(MergeFormat::Json) => CheckFormat::Json,
        Some(MergeFormat::Table) => CheckFormat::Table,
        Some(MergeFormat::Junit) => CheckFormat::Junit,
        Some(MergeFormat::Github) => CheckFormat::Github,
        Some(MergeFormat::Csv) => {
            bail!("--format csv is for `scan` parts; these are `check` parts")
        }
        None if config::for_people(a.output.as_deref()) => CheckFormat::Table,
        None => CheckFormat::Ndjson,
    };
    let gate = Gate {
        min_score: a.min_score,
        fail_on_warning: a.fail_on == FailOnArg::Warning,
    };
    let merged =
        match part::merge_check(parts, &gate, |f| config::sha256_of(std::path::Path::new(f))) {
            Ok(m) => m,
            Err(e) => {
                messages::error(&e.to_string());
                return Ok(Exit::NothingDone);
            }
        };
    for f in &merged.unhashed {
        messages::error(&format!(
            "{f}: cannot be read here, so whether it is a duplicate master of a file of the \
             same size is unknown: merge where the parts' paths can be read [part_file_unreadable]"
        ));
    }
    let (sink, out) = Output::open(a.output.as_deref(), inputs).map_err(anyhow::Error::msg)?;
    let options = ReportOptions {
        gate,
        base: std::env::current_dir().ok(),
        width: config::terminal_width(),
    };
    let mut writer = report_writer(format, sink, options);
    let mut sink_error = writer.begin().err();
    for r in &merged.reports {
        if sink_error.is_some() {
            break;
        }
        sink_error = writer.report(r).err();
    }
    let summary = merged.summary;
    if sink_error.is_none() {
        sink_error = writer.finish(&summary).err();
    }
    drop(writer);
    out.close(sink_error).map_err(anyhow::Error::msg)?;
    if !a.quiet {
        for p in &summary.input_problems {
            messages::problem(p);
        }
        eprintln!(
            "ddexprobe: {} assets checked: {} ready, {} not ready; merged {} parts",
            summary.assets,
            summary.ready,
            summary.not_ready,
            parts.len()
        );
        if !summary.qc.is_empty() {
            eprintln!("ddexprobe: {}", summary.qc.line());
        }
        if let Some(line) = messages::problems_line(&summary.input_problems) {
            eprintln!("{line}");
        }
    }
    Ok(Exit::of_run(
        parts[0].trailer.files as usize,
        summary.failing > 0 || !summary.input_problems.is_empty() || !merged.unhashed.is_empty(),
    ))
}
