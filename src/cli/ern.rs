//! `ddexprobe ern`: DDEX ERN XML for the measured files and their declared
//! metadata. Nothing is written unless every file can be described: a
//! message missing a recording is worse than none.

use super::args::{ErnArgs, ErnFragmentArg, ErnHashArg, ErnVersionArg};
use super::config;
use super::exit::Exit;
use super::progress::Bar;
use anyhow::{Result, bail};
use ddexprobe::checksum::Hashes;
use ddexprobe::ern::{self, Asset, Fragment, Hash, Version};
use ddexprobe::io::atomic::{Inputs, Output};
use ddexprobe::metadata::Declarations;
use ddexprobe::output::sanitize;
use ddexprobe::readiness::assess::assess;
use ddexprobe::readiness::{InvalidField, catalog, profile::Profile};
use ddexprobe::scan::{self, ScanOptions};
use std::io::Write;

/// `ddexprobe ern`.
pub fn run(a: ErnArgs) -> Result<Exit> {
    if a.message {
        return super::release::ern(a);
    }
    let m = &a.message_args;
    if m.update.is_some() || m.created.is_some() || m.message_id.is_some() {
        bail!("--update, --created and --message-id describe a whole message: add --message");
    }
    let declarations = Declarations::load(a.metadata.as_deref()).map_err(anyhow::Error::msg)?;
    let jobs = config::jobs(a.jobs)?;
    let budget = config::budget(&a.verify_budget)?;
    let found = config::discover(&a.inputs)?;
    if found.targets.is_empty() {
        eprintln!("ddexprobe: no ERN written: no audio file under the given paths");
        return Ok(Exit::NothingDone);
    }
    let (hash, hashes) = match a.hash {
        ErnHashArg::Md5 => (Hash::Md5, Hashes::parse("md5")),
        ErnHashArg::Sha256 => (Hash::Sha256, Hashes::parse("sha256")),
    };
    let hashes = hashes.map_err(anyhow::Error::msg)?;
    let opts = ScanOptions {
        hashes,
        jobs,
        verify: a.verify,
        qc: None,
        budget,
    };
    // Opened (and so created) first: `-o` onto it is refused like any input.
    let cache = config::cache(a.cache.as_deref(), &opts);
    // Refused before any work: an output over an input.
    let inputs = if a.output.is_some() || a.out_dir.is_some() {
        let mut extra: Vec<&std::path::Path> = a.metadata.as_deref().into_iter().collect();
        extra.push(std::path::Path::new(&a.profile));
        extra.extend(a.cache.as_deref());
        config::inputs(&found.targets, Some(&declarations), &extra)
    } else {
        Inputs::default()
    };
    if let (Some(out), Some(input)) = (&a.output, a.output.as_deref().and_then(|o| inputs.find(o)))
    {
        bail!(
            "-o {} is one of the input files ({input}); refusing to overwrite it",
            out.display()
        );
    }
    let profile = Profile::load(&a.profile).map_err(anyhow::Error::msg)?;
    let version = match a.version {
        ErnVersionArg::V34 => Version::Ern34,
        ErnVersionArg::V341 => Version::Ern341,
        ErnVersionArg::V43 => Version::Ern43,
    };
    let fragment = match a.fragment {
        ErnFragmentArg::Technical => Fragment::Technical,
        ErnFragmentArg::SoundRecording => Fragment::SoundRecording,
        ErnFragmentArg::ResourceList => Fragment::ResourceList,
    };
    // Cover art beside the audio is walked too, and is no recording.
    let recordings = found
        .targets
        .iter()
        .filter(|t| !ddexprobe::scan::discover::has_artwork_extension(&t.path))
        .count();
    if fragment != Fragment::ResourceList && recordings > 1 && a.out_dir.is_none() {
        bail!(
            "{recordings} files: --fragment {} is one document per asset, and several documents in one \
             stream are not XML; give --out-dir DIR (one file per asset), or use --fragment \
             resource-list (one document for all)",
            if fragment == Fragment::Technical {
                "technical"
            } else {
                "sound-recording"
            }
        );
    }
    let mut described = Vec::new();
    // Inputs that could not be walked are recordings the message would
    // silently lack.
    let mut problems: Vec<String> = found
        .problems
        .iter()
        .map(|p| format!("{}: {} [{}]", p.path, p.message, p.code))
        .collect();
    let total_bytes: u64 = found.targets.iter().map(|t| t.size).sum();
    let bar = Bar::new(config::progress_wanted(a.quiet), total_bytes);
    // Sidecars are read, assets built and their metadata judged (the same
    // rules as `check`) on the workers.
    scan::scan_map_with(
        config::ahead(&found.targets, cache.as_ref(), &opts),
        opts.jobs,
        config::measure(cache.as_ref(), &opts),
        |t, record| {
            let declared = declarations.for_file(&t.path, &record.path);
            let asset = Asset::describe(&t.path, record, declared.as_ref());
            let report = assess(record, declared.as_ref(), &profile);
            (asset, report)
        },
        |record, (asset, report)| {
            match asset {
                // Images, documents and text under --all: not recordings.
                Ok(_) if !record.is_audio() => {}
                Ok(_) if a.verify && damaged(record) => problems.push(format!(
                    "{}: the audio is damaged ({}): `ddexprobe scan --verify` says where",
                    record.path,
                    record
                        .errors
                        .iter()
                        .map(|e| e.code.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
                Ok(asset) => described.push((asset, report)),
                Err(why) => problems.push(why),
            }
            Ok(())
        },
        |p| bar.update(p),
    );
    bar.finish();
    config::finish_cache(cache, a.cache.as_deref(), a.quiet);

    // Every invalid value and every catalog-level finding, all at once.
    let mut findings: Vec<(usize, InvalidField)> = Vec::new();
    for (i, (_, report)) in described.iter().enumerate() {
        for f in &report.invalid_fields {
            if f.field != "file" {
                findings.push((i, f.clone()));
            }
        }
    }
    for (i, (asset, _)) in described.iter().enumerate() {
        for f in ern::version_findings(version, asset) {
            findings.push((i, f));
        }
    }
    let items: Vec<catalog::Item<'_>> = described
        .iter()
        .map(|(asset, _)| catalog::Item {
            record: &asset.record,
            fields: &asset.fields,
        })
        .collect();
    for f in catalog::findings(&items) {
        findings.push((
            f.index,
            InvalidField {
                field: f.field,
                issue: f.issue,
                current_value: f.value,
            },
        ));
    }
    findings.sort_by_key(|(i, _)| *i);
    if !findings.is_empty() {
        let files: std::collections::BTreeSet<usize> = findings.iter().map(|(i, _)| *i).collect();
        for (i, f) in &findings {
            let shown = match &f.current_value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            eprintln!(
                "ddexprobe: {}: {} {}: {} ({})",
                if a.force { "warning" } else { "error" },
                sanitize(&described[*i].0.record.path),
                f.field,
                sanitize(&f.issue),
                sanitize(&shown)
            );
        }
        if !a.force {
            eprintln!(
                "ddexprobe: no ERN written: {} invalid values in {} of {} files (the rules of profile {}; \
                 `ddexprobe check` says what to do); fix them, or --force to write without them",
                findings.len(),
                files.len(),
                found.targets.len(),
                profile.name
            );
            return Ok(Exit::Problems);
        }
        eprintln!(
            "ddexprobe: warning: --force: writing the ERN WITHOUT the {} invalid values above \
             (left out of the XML, not corrected): the message is incomplete",
            findings.len()
        );
        for (i, f) in &findings {
            let asset = &mut described[*i].0;
            // Measured values stay: they are the file's truth.
            if f.field.starts_with("technicalResourceDetails.") || f.field == "file" {
                continue;
            }
            if asset.fields.get(&f.field) == Some(&f.current_value)
                || f.field == "ddexMetadata.resourceReference"
            {
                asset.fields.remove(&f.field);
            }
        }
    }
    let assets = ern::number(described.into_iter().map(|(asset, _)| asset).collect());
    let docs = if problems.is_empty() {
        match ern::write(version, fragment, &assets, hash) {
            Ok(docs) => docs,
            Err(e) => {
                problems.push(e.to_string());
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("ddexprobe: error: {}", sanitize(p));
        }
        eprintln!(
            "ddexprobe: no ERN written: {} problem(s) with {} input file(s): a message missing a \
             recording is worse than none (fix them, or leave them out with --exclude)",
            problems.len(),
            found.targets.len()
        );
        return Ok(Exit::Problems);
    }
    if let Some(dir) = &a.out_dir {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("--out-dir {}: {e}", dir.display()))?;
        let names: Vec<String> = if fragment == Fragment::ResourceList {
            vec!["resource-list.xml".to_string()]
        } else {
            assets
                .iter()
                .map(|x| format!("{}-{}.xml", x.resource_reference, x.file_name()))
                .collect()
        };
        for (name, doc) in names.iter().zip(&docs) {
            let path = dir.join(name);
            if let Some(input) = inputs.find(&path) {
                bail!(
                    "{} is one of the input files ({input}); refusing to overwrite it",
                    path.display()
                );
            }
            write_one(Some(&path), &inputs, doc)?;
        }
        return Ok(Exit::Clean);
    }
    write_one(a.output.as_deref(), &inputs, &docs.concat())?;
    Ok(Exit::Clean)
}

/// Whether `--verify` found the audio damaged (an integrity error).
fn damaged(record: &ddexprobe::Record) -> bool {
    record.verification.as_ref().is_some_and(|v| {
        !matches!(
            v.status,
            ddexprobe::record::Status::Ok | ddexprobe::record::Status::Warning
        )
    })
}

/// Write one document to `path` (stdout when `None`), atomically.
fn write_one(path: Option<&std::path::Path>, inputs: &Inputs, doc: &[u8]) -> Result<()> {
    let (mut sink, out) = Output::open(path, inputs).map_err(anyhow::Error::msg)?;
    let mut failed = sink.write_all(doc).err();
    if failed.is_none() {
        failed = sink.flush().err();
    }
    drop(sink);
    out.close(failed).map_err(anyhow::Error::msg)
}
