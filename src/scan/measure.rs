//! Measuring one file: open it ([`crate::io::source`]), probe it
//! ([`crate::formats`]), verify its audio when asked ([`crate::formats::verify`]) and
//! hash it, in one read. A failing file is a record with an error, never a
//! panic: a panic in a parser (a bug) is caught and reported the same way.

use crate::checksum::Hashes;
use crate::formats::{self, Budget, Probe};
use crate::io::source::Source;
use crate::qc::Settings;
use crate::record::{Code, Issue, Record};
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

fn run_probe(source: &Source, ext: Option<&str>) -> Option<Probe> {
    catch_unwind(AssertUnwindSafe(|| formats::probe(source.bytes(), ext))).ok()
}

/// Measure one file on disk.
///
/// Without digests only the file's first and last KiB are read; when the
/// parser needs more, the file is opened whole and probed again.
pub fn probe_file(path: &Path, display: String, hashes: Hashes) -> Record {
    measure_file(path, display, hashes, None, None)
}

/// Measure one file and verify its audio: every frame is read and checked
/// ([`crate::formats::verify`]) within the default [`Budget`], and the
/// digests are computed in the same pass.
pub fn verify_file(path: &Path, display: String, hashes: Hashes) -> Record {
    measure_file(path, display, hashes, Some(Budget::default()), None)
}

/// Measure one file, verify its audio within `verify` when given, and
/// analyse it for delivery QC with `qc` (which implies verification).
pub(crate) fn measure_file(
    path: &Path,
    display: String,
    hashes: Hashes,
    verify: Option<Budget>,
    qc: Option<Settings>,
) -> Record {
    let bytes = display_bytes(path, &display);
    let verify = verify.or(qc.map(|_| Budget::default()));
    let mut record = measure_inner(path, display, hashes, verify, qc);
    record.path_bytes = bytes;
    record
}

/// The bytes of the name a record's `path` renders, in hex, when they are
/// not UTF-8 (and `path` shows them with U+FFFD): `display` is the end of
/// `path`, component for component.
pub fn display_bytes(path: &Path, display: &str) -> Option<String> {
    if path.to_str().is_some() {
        return None;
    }
    #[cfg(unix)]
    {
        raw_tail(path, display)
    }
    #[cfg(not(unix))]
    {
        let _ = display;
        None
    }
}

/// [`display_bytes`] where names are bytes.
#[cfg(unix)]
fn raw_tail(path: &Path, display: &str) -> Option<String> {
    use std::os::unix::ffi::OsStrExt;
    let n = Path::new(display).components().count();
    let comps: Vec<_> = path.components().collect();
    let tail: std::path::PathBuf = comps[comps.len().saturating_sub(n)..].iter().collect();
    if tail.to_str().is_some() {
        return None;
    }
    let hex: String = tail
        .as_os_str()
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Some(hex)
}

fn measure_inner(
    path: &Path,
    display: String,
    hashes: Hashes,
    verify: Option<Budget>,
    qc: Option<Settings>,
) -> Record {
    let open = |whole: bool| {
        if whole {
            Source::open(path)
        } else {
            Source::open_windows(path)
        }
    };
    let size = || std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let ext = path.extension().and_then(|e| e.to_str());
    measure_with(open, size, ext, display, hashes, verify, qc)
}

/// Measure what `open` gives: `open(false)` the windows of a header-only
/// probe (or the whole), `open(true)` the whole, asked for when a parser
/// needs bytes between the windows; `size` is the size a failure reports,
/// `ext` the name's extension. Files on disk and objects fetched from a
/// store ([`crate::remote`]) are measured alike.
pub(crate) fn measure_with(
    open: impl Fn(bool) -> io::Result<Source>,
    size: impl Fn() -> u64,
    ext: Option<&str>,
    display: String,
    hashes: Hashes,
    verify: Option<Budget>,
    qc: Option<Settings>,
) -> Record {
    let failed = |e: io::Error| {
        Record::failed(
            display.clone(),
            size(),
            Code::ReadError,
            format!("cannot read the file: {e}"),
        )
    };
    let mut source = match open(hashes.any() || verify.is_some()) {
        Ok(s) => s,
        Err(e) => return failed(e),
    };
    let mut probed = run_probe(&source, ext);
    if source.needs_whole() {
        source = match open(true) {
            Ok(s) => s,
            Err(e) => return failed(e),
        };
        probed = run_probe(&source, ext);
    }
    let record = match probed {
        Some(probe) if verify.is_some() && probe.file_format.is_some() => {
            let budget = verify.unwrap_or_default();
            let checked = catch_unwind(AssertUnwindSafe(|| {
                crate::formats::verify::verify_source(&source, &probe, hashes, budget, qc)
            }));
            let mut record = probe.into_record(display, source.len());
            match checked {
                Ok((outcome, digests)) => {
                    if let Some(d) = digests {
                        record.md5 = d.md5;
                        record.sha256 = d.sha256;
                        record.sha1 = d.sha1;
                    }
                    crate::formats::verify::apply(&mut record, outcome);
                }
                Err(_) => record.errors.push(Issue {
                    code: Code::DecodeError,
                    message:
                        "internal error while verifying this file (please report it with the file)"
                            .to_string(),
                }),
            }
            record
        }
        Some(probe) => {
            let mut record = probe.into_record(display, source.len());
            if hashes.any()
                && let Some(d) = source.digest(hashes)
            {
                record.md5 = d.md5;
                record.sha256 = d.sha256;
                record.sha1 = d.sha1;
            }
            record
        }
        None => Record::failed(
            display,
            source.len(),
            Code::InvalidHeader,
            "internal error while parsing this file (please report it with the file)".to_string(),
        ),
    };
    if let Some(why) = source.changed() {
        // What was read may not be the file's (a mapped file cut short reads
        // as zeros): keep no figure and no finding computed from it.
        return Record::failed(record.path, record.size_bytes, Code::FileChanged, why);
    }
    record
}
