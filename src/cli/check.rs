//! `ddexprobe check`: a readiness report per audio file, from its
//! measurement and its declared metadata, judged by a delivery profile.

use super::args::{CheckArgs, CheckFormatArg};
use super::config;
use super::exit::Exit;
use super::messages;
use super::progress::Bar;
use anyhow::{Result, bail};
use ddexprobe::checksum::Hashes;
use ddexprobe::io::atomic::Output;
use ddexprobe::metadata::{self, Declarations};
use ddexprobe::output::reports::{CatalogSummary, CheckFormat, report_writer};
use ddexprobe::readiness::assess::{assess, merged};
use ddexprobe::readiness::{catalog, profile::Profile};
use ddexprobe::scan::{self, ScanOptions, discover};
use std::path::PathBuf;

/// `ddexprobe check`.
pub fn run(a: CheckArgs) -> Result<Exit> {
    let profile = Profile::load(&a.profile).map_err(anyhow::Error::msg)?;
    let declarations = Declarations::load(a.metadata.as_deref()).map_err(anyhow::Error::msg)?;
    let jobs = config::jobs(a.jobs)?;
    let found = discover::discover(&a.paths, a.all)?;
    if !a.quiet {
        for s in &found.skipped {
            messages::warn(s);
        }
    }
    if found.targets.is_empty() {
        bail!("no audio file to check under the given paths");
    }
    let format = match a.format {
        Some(CheckFormatArg::Table) => CheckFormat::Table,
        Some(CheckFormatArg::Json) => CheckFormat::Json,
        Some(CheckFormatArg::Ndjson) => CheckFormat::Ndjson,
        Some(CheckFormatArg::Junit) => CheckFormat::Junit,
        Some(CheckFormatArg::Github) => CheckFormat::Github,
        None if config::for_people(a.output.as_deref()) => CheckFormat::Table,
        None => CheckFormat::Ndjson,
    };

    let inputs = match &a.output {
        Some(_) => {
            let mut extra = vec![std::path::Path::new(&a.profile)];
            extra.extend(a.metadata.as_deref());
            config::inputs(&found.targets, Some(&declarations), &extra)
        }
        None => Default::default(),
    };
    let (sink, out) = Output::open(a.output.as_deref(), &inputs).map_err(anyhow::Error::msg)?;
    let mut writer = report_writer(format, sink);
    let mut summary = CatalogSummary::default();
    let mut failing = 0u64;
    let mut seen = std::collections::HashSet::new();
    let opts = ScanOptions {
        hashes: Hashes::NONE,
        jobs,
        verify: a.verify,
        budget: config::budget(&a.verify_budget)?,
    };
    let total_bytes: u64 = found.targets.iter().map(|t| t.size).sum();
    let bar = Bar::new(config::progress_wanted(a.quiet), total_bytes);
    let mut sink_error = writer.begin().err();
    if sink_error.is_none() {
        // Sidecars are read and assets assessed on the workers; the catalog
        // checks need every asset, so reports are written after the scan,
        // in input order.
        let mut assessed = Vec::with_capacity(found.targets.len());
        let outcome = scan::scan_map(
            &found.targets,
            opts,
            |t, record| {
                let declared = declarations.for_file(&t.path, &record.path);
                let report = assess(record, declared.as_ref(), &profile);
                (report, merged(record, declared.as_ref()))
            },
            |record, (report, fields)| {
                assessed.push((record.clone(), report, fields));
                Ok(())
            },
            |p| bar.update(p),
        );
        sink_error = outcome.sink_error;
        let mut records: Vec<_> = assessed.iter().map(|(r, _, _)| r.clone()).collect();
        config::fill_digests(&found.targets, &mut records);
        let items: Vec<catalog::Item<'_>> = records
            .iter()
            .zip(&assessed)
            .map(|(record, (_, _, fields))| catalog::Item { record, fields })
            .collect();
        let findings = catalog::findings(&items);
        for (i, (record, mut report, _)) in assessed.into_iter().enumerate() {
            if sink_error.is_some() {
                break;
            }
            catalog::apply(&mut report, findings.iter().filter(|f| f.index == i));
            seen.insert(metadata::normalize(&record.path));
            let passes =
                report.is_ready || a.min_score.is_some_and(|min| report.readiness_score >= min);
            if !passes {
                failing += 1;
            }
            summary.add(&report);
            sink_error = writer.report(&report).err();
        }
    }
    bar.finish();
    if sink_error.is_none() {
        sink_error = writer.finish(&summary).err();
    }
    drop(writer);
    out.close(sink_error).map_err(anyhow::Error::msg)?;

    if !a.quiet {
        // Metadata that describes no audio file.
        let orphans: Vec<String> = match &declarations {
            Declarations::Manifest(m) => m
                .entries
                .keys()
                .filter(|k| !seen.contains(k.as_str()))
                .cloned()
                .collect(),
            Declarations::Sidecars => {
                let audio: Vec<PathBuf> = found.targets.iter().map(|t| t.path.clone()).collect();
                metadata::orphans(&a.paths, &audio)
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect()
            }
        };
        for o in &orphans {
            messages::warn(&format!("{o}: metadata for no audio file"));
        }
        eprintln!(
            "ddexprobe: {} assets checked with profile {}: {} ready, {} not ready{}",
            summary.assets,
            profile.name,
            summary.ready,
            summary.not_ready,
            match a.min_score {
                Some(min) => format!(", {failing} below --min-score {min}"),
                None => String::new(),
            }
        );
    }
    Ok(Exit::failed_if(failing > 0))
}
