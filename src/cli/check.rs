//! `ddexprobe check`: a readiness report per audio file, from its
//! measurement and its declared metadata, judged by a delivery profile.

use super::args::{CheckArgs, CheckFormatArg, FailOnArg};
use super::config;
use super::exit::Exit;
use super::messages;
use super::progress::Bar;
use anyhow::Result;
use ddexprobe::checksum::Hashes;
use ddexprobe::io::atomic::Output;
use ddexprobe::metadata::{self, Declarations};
use ddexprobe::output::reports::{CatalogSummary, CheckFormat, ReportOptions, report_writer};
use ddexprobe::output::sidecar;
use ddexprobe::readiness::assess::{assess, assess_artwork, merged};
use ddexprobe::readiness::{Gate, catalog, profile::Profile};
use ddexprobe::record::{InputCode, InputProblem};
use ddexprobe::scan::{self, ScanOptions};
use std::collections::HashSet;
use std::path::PathBuf;

/// `ddexprobe check`.
pub fn run(a: CheckArgs) -> Result<Exit> {
    if a.release {
        return super::release::check(a);
    }
    let profile = Profile::load(&a.profile).map_err(anyhow::Error::msg)?;
    let declarations = Declarations::load(a.metadata.as_deref()).map_err(anyhow::Error::msg)?;
    let jobs = config::jobs(a.jobs)?;
    let budget = config::budget(&a.verify_budget)?;
    let found = config::discover(&a.inputs)?;
    let format = match a.format {
        Some(CheckFormatArg::Table) => CheckFormat::Table,
        Some(CheckFormatArg::Json) => CheckFormat::Json,
        Some(CheckFormatArg::Ndjson) => CheckFormat::Ndjson,
        Some(CheckFormatArg::Junit) => CheckFormat::Junit,
        Some(CheckFormatArg::Github) => CheckFormat::Github,
        None if config::for_people(a.output.as_deref()) => CheckFormat::Table,
        None => CheckFormat::Ndjson,
    };
    let gate = Gate {
        min_score: a.min_score,
        fail_on_warning: a.fail_on == FailOnArg::Warning,
    };

    let opts = ScanOptions {
        hashes: Hashes::NONE,
        jobs,
        verify: a.verify,
        budget,
        qc: a.qc.then(|| profile.qc_settings()),
    };
    // Opened (and so created) first: `-o` onto it is refused like any input.
    let cache = config::cache(a.cache.as_deref(), &opts);
    let inputs = match &a.output {
        Some(_) => {
            let mut extra = vec![std::path::Path::new(&a.profile)];
            extra.extend(a.metadata.as_deref());
            extra.extend(a.cache.as_deref());
            config::inputs(&found.targets, Some(&declarations), &extra)
        }
        None => Default::default(),
    };
    let (sink, out) = Output::open(a.output.as_deref(), &inputs).map_err(anyhow::Error::msg)?;
    let options = ReportOptions {
        gate,
        base: std::env::current_dir().ok(),
        width: config::terminal_width(),
    };
    let mut writer = report_writer(format, sink, options);
    let mut summary = CatalogSummary::default();
    let mut matched: HashSet<String> = HashSet::new();
    let total_bytes: u64 = found.targets.iter().map(|t| t.size).sum();
    let bar = Bar::new(config::progress_wanted(a.quiet), total_bytes);
    let mut sink_error = writer.begin().err();
    let mut assessed = Vec::with_capacity(found.targets.len());
    let mut not_audio = 0u64;
    let mut artwork = Vec::new();
    if sink_error.is_none() {
        // Sidecars are read and assets assessed on the workers; the catalog
        // checks need every asset, so reports are written after the scan,
        // in input order.
        // --technical: an up-to-date technical sidecar is the measurement;
        // the audio is read only without one.
        let technical = a.technical && !a.verify && !a.qc;
        let measured = config::measure(cache.as_ref(), &opts);
        let measure = |t: &ddexprobe::scan::Target| {
            technical
                .then(|| sidecar::measurement(&t.path, &t.display))
                .flatten()
                .unwrap_or_else(|| measured(t))
        };
        let outcome = scan::scan_map_with(
            &found.targets,
            opts.jobs,
            measure,
            |t, record| {
                // Cover art: judged by the profile's artwork rules, no metadata.
                if record.is_artwork() {
                    let mut report = assess_artwork(record, &profile);
                    report.file = Some(t.path.clone());
                    return (report, Default::default(), None);
                }
                let (declared, key) = declarations.declare(&t.path, &record.path);
                let mut report = assess(record, declared.as_ref(), &profile);
                report.file = Some(t.path.clone());
                (report, merged(record, declared.as_ref()), key)
            },
            |record, (report, fields, key)| {
                matched.extend(key);
                // Images, documents and text under --all are not assets;
                // cover art has its own reports, after the audio's.
                if record.is_artwork() {
                    artwork.push(report);
                } else if record.is_audio() {
                    assessed.push((record.clone(), report, fields));
                } else {
                    not_audio += 1;
                }
                Ok(())
            },
            |p| bar.update(p),
        );
        sink_error = outcome.sink_error;
    }
    bar.finish();
    config::finish_cache(cache, a.cache.as_deref(), a.quiet);

    // Metadata that describes no audio file: a delivery missing its audio.
    let mut problems = found.problems;
    match &declarations {
        Declarations::Manifest(m) => {
            for (key, entry) in &m.entries {
                if matched.contains(key) {
                    continue;
                }
                let target = m
                    .target_of(key)
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| key.clone());
                let why = if std::path::Path::new(&target).exists() {
                    "is not among the files checked (not under the given paths, or left out)"
                } else {
                    "does not exist"
                };
                problems.push(InputProblem {
                    path: key.clone(),
                    code: InputCode::MetadataWithoutAudio,
                    message: format!(
                        "{} names {target}, which {why}: deliver the audio or remove the entry",
                        entry.source.as_deref().unwrap_or("a manifest entry")
                    ),
                });
            }
        }
        Declarations::Sidecars => {
            let audio: Vec<PathBuf> = found.targets.iter().map(|t| t.path.clone()).collect();
            // A sidecar whose audio is there but was left out (--exclude,
            // --include, no audio extension) is not missing its audio.
            let orphans = metadata::orphans(&found.roots, &audio);
            for o in orphans
                .into_iter()
                .filter(|o| !metadata::sidecar::has_audio_beside(o))
            {
                problems.push(InputProblem {
                    path: o.display().to_string(),
                    code: InputCode::MetadataWithoutAudio,
                    message: "a sidecar beside no audio file of the same name: deliver the \
                              audio, or rename or remove the sidecar"
                        .to_string(),
                });
            }
        }
    }
    for p in problems
        .iter()
        .filter(|p| p.code == InputCode::MetadataWithoutAudio)
    {
        messages::problem(p);
    }

    if sink_error.is_none() {
        let mut records: Vec<_> = assessed.iter().map(|(r, _, _)| r.clone()).collect();
        config::fill_digests(&found.targets, &mut records);
        let items: Vec<catalog::Item<'_>> = records
            .iter()
            .zip(&assessed)
            .map(|(record, (_, _, fields))| catalog::Item { record, fields })
            .collect();
        let findings = catalog::findings(&items);
        for (i, (_, mut report, _)) in assessed.into_iter().enumerate() {
            catalog::apply(&mut report, findings.iter().filter(|f| f.index == i));
            summary.add(&report, &gate);
            if let Some(qc) = &records[i].qc {
                summary.qc.add(qc, records[i].bit_depth);
            }
            sink_error = writer.report(&report).err();
            if sink_error.is_some() {
                break;
            }
        }
        for report in artwork {
            if sink_error.is_some() {
                break;
            }
            summary.add(&report, &gate);
            sink_error = writer.report(&report).err();
        }
    }
    summary.input_problems = problems;
    summary.qc.close();
    if sink_error.is_none() {
        sink_error = writer.finish(&summary).err();
    }
    drop(writer);
    out.close(sink_error).map_err(anyhow::Error::msg)?;

    if !a.quiet {
        if not_audio > 0 {
            eprintln!(
                "ddexprobe: {not_audio} files that are not audio (images, documents, text) left out"
            );
        }
        eprintln!(
            "ddexprobe: {} assets checked with profile {}: {} ready, {} not ready{}{}",
            summary.assets,
            profile.name,
            summary.ready,
            summary.not_ready,
            match (a.min_score, gate.fail_on_warning) {
                (None, false) => String::new(),
                _ => format!(", {} failing", summary.failing),
            },
            match a.min_score {
                Some(min) => format!(" (--min-score {min})"),
                None => String::new(),
            }
        );
        if !summary.qc.is_empty() {
            eprintln!("ddexprobe: {}", summary.qc.line());
        }
        if let Some(line) = messages::problems_line(&summary.input_problems) {
            eprintln!("{line}");
        }
    }
    Ok(Exit::of_run(
        found.targets.len(),
        summary.failing > 0 || !summary.input_problems.is_empty(),
    ))
}
