//! ddexprobe: exact technical metadata for music delivery.
//!
//! The library is the whole engine and prints nothing. Most programs need
//! only the few calls at the top of the crate:
//!
//! * [`probe_path`] and [`probe_bytes`] measure one file (and, with
//!   [`Options::verify`], decode every frame of it) into a [`Record`];
//! * [`scan()`] does that for every audio file under some paths, in parallel,
//!   handing the records over in sorted path order, and returns the
//!   [`Summary`];
//! * the record types ([`Record`], [`Issue`], [`Code`]) are the stable,
//!   documented result: problems with files are findings in the records,
//!   never errors or panics; [`Error`] is for what stops a call before any
//!   file is read.
//!
//! Behind them, one module per concern, in layers that point one way (see
//! `ARCHITECTURE.md`): [`io`] reads files (bounded byte views, mapped or
//! windowed sources, atomic writes), [`formats`] holds one folder per
//! container (its probe, its layout of the audio, its verifier),
//! [`record`] the results, [`mod@scan`] discovery and the ordered parallel map,
//! [`metadata`] what people declare about recordings, [`readiness`] the
//! delivery verdicts, [`ern`] DDEX ERN XML, and [`output`] every writer.
//!
//! Files are read, not memory-mapped, unless the program allows mapping
//! with [`io::source::install_sigbus_guard`] (the `ddexprobe` binary does).
//!
//! ```
//! let options = ddexprobe::Options::default();
//! let record = ddexprobe::probe_path("testdata/wav-pcm16-44k-stereo.wav".as_ref(), &options);
//! assert_eq!(record.sample_rate, Some(44_100));
//! assert_eq!(record.duration.as_deref(), Some("PT0.023S"));
//! assert!(record.errors.is_empty());
//! ```

#![deny(missing_docs)]
#![deny(unsafe_code)]

pub mod audit;
pub mod checksum;
pub mod duration;
pub mod ern;
mod error;
pub mod formats;
pub mod io;
pub mod metadata;
pub mod output;
pub mod qc;
pub mod readiness;
pub mod record;
pub mod release;
pub mod remote;
pub mod scan;
pub mod tags;

pub use checksum::Hashes;
pub use error::Error;
pub use record::{Code, Issue, Record};
pub use scan::{ScanOptions as Options, Summary, probe_file, verify_file};

use std::path::{Path, PathBuf};

/// Measure the file at `path`: its headers, its whole-file digests
/// (`options.hashes`) and, with `options.verify`, every frame of its audio,
/// in one read. The record's `path` is `path` as given.
pub fn probe_path(path: &Path, options: &Options) -> Record {
    scan::measure::measure_file(
        path,
        path.to_string_lossy().into_owned(),
        options.hashes,
        (options.verify || options.qc.is_some()).then_some(options.budget),
        options.qc,
    )
}

/// Measure a file already in memory. `name` is the record's `path` and its
/// extension is a hint (the content decides the format).
pub fn probe_bytes(bytes: &[u8], name: &str, options: &Options) -> Record {
    let ext = Path::new(name).extension().and_then(|e| e.to_str());
    let probe = formats::probe(bytes, ext);
    let outcome = ((options.verify || options.qc.is_some()) && probe.file_format.is_some())
        .then(|| formats::verify::verify_bytes_with(bytes, &probe, options.budget, options.qc));
    let mut record = probe.into_record(name.to_string(), bytes.len() as u64);
    let digests = checksum::digest(bytes, options.hashes);
    record.md5 = digests.md5;
    record.sha256 = digests.sha256;
    record.sha1 = digests.sha1;
    if let Some(outcome) = outcome {
        formats::verify::apply(&mut record, outcome);
    }
    record
}

/// Measure every audio file under `paths` (files, or directories walked
/// recursively in sorted order) on `options.jobs` threads, and call `sink`
/// with each record in that order. Returns what the records add up to;
/// `Err` when a path does not exist, or when `sink` fails (the scan stops
/// there).
pub fn scan(
    paths: &[PathBuf],
    options: &Options,
    sink: impl FnMut(&Record) -> std::io::Result<()> + Send,
) -> Result<Summary, Error> {
    let found = scan::discover::discover(paths, false);
    if let Some(p) = found
        .problems
        .iter()
        .find(|p| p.code == record::InputCode::NotFound)
    {
        return Err(Error::Path(error::PathError {
            path: PathBuf::from(&p.path),
            reason: p.message.clone(),
        }));
    }
    let outcome = scan::scan(&found.targets, *options, sink, |_| {});
    match outcome.sink_error {
        Some(e) => Err(Error::Output(e)),
        None => Ok(outcome.summary),
    }
}
