//! `ddexprobe ern`: DDEX ERN XML for the measured files and their declared
//! metadata. Nothing is written unless every file can be described: a
//! message missing a recording is worse than none.

use super::args::{ErnArgs, ErnFragmentArg, ErnHashArg, ErnVersionArg};
use super::config;
use super::exit::Exit;
use anyhow::{Result, bail};
use ddexprobe::checksum::Hashes;
use ddexprobe::ern::{self, Asset, Fragment, Hash, Version};
use ddexprobe::io::atomic::Output;
use ddexprobe::metadata::Declarations;
use ddexprobe::output::sanitize;
use ddexprobe::scan::{self, ScanOptions, discover};
use std::io::Write;

/// `ddexprobe ern`.
pub fn run(a: ErnArgs) -> Result<Exit> {
    let declarations = Declarations::load(a.metadata.as_deref()).map_err(anyhow::Error::msg)?;
    let jobs = config::jobs(a.jobs)?;
    let found = discover::discover(&a.paths, false)?;
    if found.targets.is_empty() {
        bail!("no audio file under the given paths");
    }
    // Refused before any work: an output over an input.
    let inputs = match &a.output {
        Some(_) => {
            let extra: Vec<&std::path::Path> = a.metadata.as_deref().into_iter().collect();
            config::inputs(&found.targets, Some(&declarations), &extra)
        }
        None => Default::default(),
    };
    if let (Some(out), Some(input)) = (&a.output, a.output.as_deref().and_then(|o| inputs.find(o)))
    {
        bail!(
            "-o {} is one of the input files ({input}); refusing to overwrite it",
            out.display()
        );
    }
    let (hash, hashes) = match a.hash {
        ErnHashArg::Md5 => (Hash::Md5, Hashes::parse("md5")),
        ErnHashArg::Sha256 => (Hash::Sha256, Hashes::parse("sha256")),
    };
    let hashes = hashes.map_err(anyhow::Error::msg)?;
    let mut assets = Vec::new();
    let mut problems = Vec::new();
    // Sidecars are read and assets built on the workers.
    scan::scan_map(
        &found.targets,
        ScanOptions {
            hashes,
            jobs,
            verify: false,
            budget: Default::default(),
        },
        |t, record| {
            let declared = declarations.for_file(&t.path, &record.path);
            Asset::describe(&t.path, record, declared.as_ref())
        },
        |_, described| {
            match described {
                Ok(asset) => assets.push(asset),
                Err(why) => problems.push(why),
            }
            Ok(())
        },
        |_| {},
    );
    let assets = ern::number(assets);
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
            "ddexprobe: no ERN written: {} of {} files cannot be described (fix them or leave them out)",
            problems.len(),
            found.targets.len()
        );
        return Ok(Exit::FileErrors);
    }
    let (mut sink, out) = Output::open(a.output.as_deref(), &inputs).map_err(anyhow::Error::msg)?;
    let mut sink_error = None;
    for d in &docs {
        if let Err(e) = sink.write_all(d) {
            sink_error = Some(e);
            break;
        }
    }
    if sink_error.is_none() {
        sink_error = sink.flush().err();
    }
    drop(sink);
    out.close(sink_error).map_err(anyhow::Error::msg)?;
    Ok(Exit::Clean)
}
