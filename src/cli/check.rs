//! `ddexprobe check`: a readiness report per audio file, from its
//! measurement and its declared metadata, judged by a delivery profile.

use super::args::{CheckArgs, CheckFormatArg, FailOnArg};
use super::config;
use super::exit::Exit;
use super::messages;
use super::progress::Bar;
use anyhow::{Result, bail};
use ddexprobe::checksum::Hashes;
use ddexprobe::io::atomic::Output;
use ddexprobe::metadata::{self, Declarations};
use ddexprobe::output::part::{CheckHead, Kind, write_line, write_trailer};
use ddexprobe::output::reports::{CatalogSummary, CheckFormat, ReportOptions, report_writer};
use ddexprobe::output::sidecar;
use ddexprobe::readiness::assess::{assess, assess_artwork, merged};
use ddexprobe::readiness::{Gate, catalog, profile::Profile};
use ddexprobe::record::{InputCode, InputProblem};
use ddexprobe::scan::shard::Trailer;
use ddexprobe::scan::{self, ScanOptions};
use std::collections::HashSet;
use std::io::Write as _;
use std::path::PathBuf;

/// One audio asset as the scan left it: its position in the work list,
/// its record, its report and its merged metadata.
type Assessed = (
    u64,
    ddexprobe::Record,
    ddexprobe::readiness::Report,
    std::collections::BTreeMap<String, serde_json::Value>,
);

/// Write a `check` part: the audio reports, then the artwork's, each with
/// its [`CheckHead`], then the trailer.
fn write_part(
    out: &mut dyn std::io::Write,
    mut trailer: Trailer,
    assessed: &[Assessed],
    artwork: &[(u64, ddexprobe::readiness::Report)],
) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(out);
    let file = |r: &ddexprobe::readiness::Report| {
        r.file.as_ref().map(|f| f.to_string_lossy().into_owned())
    };
    for (ordinal, record, report, fields) in assessed {
        let head = CheckHead {
            ordinal: *ordinal,
            kind: Kind::Audio,
            file: file(report),
            size_bytes: record.size_bytes,
            sha256: record.sha256.clone(),
            md5: record.md5.clone(),
            pcm_md5: record.pcm_md5.clone(),
            has_audio: record.is_audio(),
            isrc: fields.get("soundRecordingDetails.isrc").cloned(),
            resource_reference: fields.get("ddexMetadata.resourceReference").cloned(),
            bit_depth: record.bit_depth,
            qc: record.qc.clone(),
        };
        write_line(&mut out, &head, report)?;
        trailer.lines += 1;
    }
    for (ordinal, report) in artwork {
        let head = CheckHead {
            ordinal: *ordinal,
            kind: Kind::Artwork,
            file: file(report),
            size_bytes: 0,
            sha256: None,
            md5: None,
            pcm_md5: None,
            has_audio: false,
            isrc: None,
            resource_reference: None,
            bit_depth: None,
            qc: None,
        };
        write_line(&mut out, &head, report)?;
        trailer.lines += 1;
    }
    write_trailer(&mut out, &trailer)?;
    out.flush()
}

/// `ddexprobe check`.
pub fn run(a: CheckArgs) -> Result<Exit> {
    if a.release {
        return super::release::check(a);
    }
    let profile = Profile::load(&a.profile).map_err(anyhow::Error::msg)?;
    let declarations = Declarations::load(a.metadata.as_deref()).map_err(anyhow::Error::msg)?;
    let jobs = config::jobs(a.jobs)?;
    let budget = config::budget(&a.verify_budget)?;
    let (found, part) = config::discover_part(&a.inputs)?;
    if part.is_some()
        && a.format
            .is_some_and(|f| !matches!(f, CheckFormatArg::Ndjson))
    {
        bail!("--shard writes a part for `ddexprobe merge`, which is NDJSON: drop --format");
    }
    let format = match a.format {
        _ if part.is_some() => CheckFormat::Ndjson,
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
    // A part's lines are written here, not by a report writer.
    let sink: Box<dyn std::io::Write + Send> = Box::new(sink);
    let (mut writer, mut part_sink) = match &part {
        Some(_) => (
            report_writer(format, Box::new(std::io::sink()), options),
            Some(sink),
        ),
        None => (report_writer(format, sink, options), None),
    };
    let mut summary = CatalogSummary::default();
    let mut matched: HashSet<String> = HashSet::new();
    let total_bytes: u64 = found.targets.iter().map(|t| t.size).sum();
    let bar = Bar::new(config::progress_wanted(a.quiet), total_bytes);
    let mut sink_error = writer.begin().err();
    let mut assessed = Vec::with_capacity(found.targets.len());
    let mut not_audio = 0u64;
    let mut seen = 0usize;
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
            config::ahead(&found.targets, cache.as_ref(), &opts),
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
                let ordinal = match &part {
                    Some(p) => p.ordinals.get(seen).copied().unwrap_or(u64::MAX),
                    None => seen as u64,
                };
                seen += 1;
                // Images, documents and text under --all are not assets;
                // cover art has its own reports, after the audio's.
                if record.is_artwork() {
                    artwork.push((ordinal, report));
                } else if record.is_audio() {
                    assessed.push((ordinal, record.clone(), report, fields));
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
    // The files of the other parts are among the files checked: every part
    // judges the same metadata against the whole work list.
    let others: &[ddexprobe::scan::Target] = part.as_ref().map_or(&[], |p| &p.others);
    if let Declarations::Manifest(m) = &declarations {
        for t in others {
            if ddexprobe::scan::discover::has_artwork_extension(&t.path) {
                continue;
            }
            if let Some(found) = m.find(&t.path, &t.display) {
                matched.insert(found.key.to_string());
            }
        }
    }
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
            let audio: Vec<PathBuf> = found
                .targets
                .iter()
                .chain(others)
                .map(|t| t.path.clone())
                .collect();
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

    if part.is_some() {
        // A part: its reports are counted (its exit code), and written
        // with the problems below.
        for (_, record, report, _) in &assessed {
            summary.add(report, &gate);
            if let Some(qc) = &record.qc {
                summary.qc.add(qc, record.bit_depth);
            }
        }
        for (_, report) in &artwork {
            summary.add(report, &gate);
        }
    } else if sink_error.is_none() {
        let mut records: Vec<_> = assessed.iter().map(|(_, r, _, _)| r.clone()).collect();
        let files: Vec<Option<PathBuf>> = assessed
            .iter()
            .map(|(_, _, report, _)| report.file.clone())
            .collect();
        // Through each file's own way in (a file, or an object in storage).
        let by_path: std::collections::HashMap<&std::path::Path, &ddexprobe::scan::Target> = found
            .targets
            .iter()
            .map(|t| (t.path.as_path(), t))
            .collect();
        catalog::fill_digests(&mut records, |i| {
            let file = files[i].as_deref()?;
            match by_path.get(file) {
                Some(t) => config::sha256_of_target(t),
                None => config::sha256_of(file),
            }
        });
        let items: Vec<catalog::Item<'_>> = records
            .iter()
            .zip(&assessed)
            .map(|(record, (_, _, _, fields))| catalog::Item { record, fields })
            .collect();
        let findings = catalog::findings(&items);
        for (i, (_, _, mut report, _)) in std::mem::take(&mut assessed).into_iter().enumerate() {
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
        for (_, report) in std::mem::take(&mut artwork) {
            if sink_error.is_some() {
                break;
            }
            summary.add(&report, &gate);
            sink_error = writer.report(&report).err();
        }
    }
    summary.input_problems = problems;
    if let (Some(p), Some(out), None) = (&part, part_sink.as_mut(), &sink_error) {
        // The reports without catalog findings, with what the merge needs
        // to make them over the whole catalog.
        let trailer = Trailer {
            command: "check".to_string(),
            part: p.shard.index + 1,
            parts: p.shard.count,
            files: p.files,
            work_list: p.work_list.clone(),
            options: format!(
                "profile={} metadata={:?} verify={} budget={:?} qc={} technical={}",
                profile.name, a.metadata, a.verify, budget, a.qc, a.technical
            ),
            lines: 0,
            measured: seen as u64,
            version: env!("CARGO_PKG_VERSION").to_string(),
            qc: a.qc,
            input_problems: summary.input_problems.clone(),
        };
        sink_error = write_part(out, trailer, &assessed, &artwork).err();
    }
    summary.qc.close();
    if sink_error.is_none() {
        sink_error = writer.finish(&summary).err();
    }
    drop(writer);
    drop(part_sink);
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
        part.as_ref()
            .map_or(found.targets.len(), |p| p.files as usize),
        summary.failing > 0 || !summary.input_problems.is_empty(),
    ))
}
