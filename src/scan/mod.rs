//! The scan pipeline: measure many files in parallel, emit in input order.
//!
//! Workers take files in order from a shared counter, open
//! ([`crate::source`]), probe ([`crate::formats`]) and hash each one, then
//! commit the record: under one lock, a record is parked until every earlier
//! one is out, and whichever worker completes the run in front writes it and
//! all parked successors to the sink. No thread sits between the workers and
//! the output, so nothing is handed over per file, and with one job the scan
//! runs on the calling thread alone. Workers never run more than a fixed
//! window ahead of the output, which bounds memory whatever the number of
//! files. A failing file is a record with an error, never the end of the
//! batch; a panic in a parser (a bug) is caught and reported the same way.

pub mod discover;

use crate::checksum::HashSet;
use crate::formats;
use crate::formats::Probe;
use crate::io::source::Source;
use crate::record::{Code, Issue, Record};
use crate::scan::discover::Target;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

fn run_probe(source: &Source, ext: Option<&str>) -> Option<Probe> {
    catch_unwind(AssertUnwindSafe(|| {
        formats::probe_bytes(source.bytes(), ext)
    }))
    .ok()
}

/// Measure one file on disk.
///
/// Without digests only the file's first and last KiB are read; when the
/// parser needs more, the file is opened whole and probed again.
pub fn probe_file(path: &Path, display: String, hashes: HashSet) -> Record {
    measure_file(path, display, hashes, false)
}

/// Measure one file and verify its audio: every frame is read and checked
/// ([`crate::verify`]), and the digests are computed in the same pass over
/// PCM data.
pub fn verify_file(path: &Path, display: String, hashes: HashSet) -> Record {
    measure_file(path, display, hashes, true)
}

fn measure_file(path: &Path, display: String, hashes: HashSet, verify: bool) -> Record {
    let open = |whole: bool| {
        if whole {
            Source::open(path)
        } else {
            Source::open_windows(path)
        }
    };
    let failed = |e: io::Error| {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        Record::failed(
            display.clone(),
            size,
            Code::ReadError,
            format!("cannot read the file: {e}"),
        )
    };
    let ext = path.extension().and_then(|e| e.to_str());
    let mut source = match open(hashes.any() || verify) {
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
    let mut record = match probed {
        Some(probe) if verify && probe.file_format.is_some() => {
            let checked = catch_unwind(AssertUnwindSafe(|| {
                crate::verify::verify_source(&source, &probe, hashes)
            }));
            let mut record = probe.into_record(display, source.len());
            match checked {
                Ok((outcome, digests)) => {
                    if let Some(d) = digests {
                        record.md5 = d.md5;
                        record.sha256 = d.sha256;
                    }
                    crate::verify::apply(&mut record, outcome);
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
        // What was read may not be the file's: keep no figure from it.
        record.md5 = None;
        record.sha256 = None;
        record.pcm_md5 = None;
        record.errors.push(Issue {
            code: Code::FileChanged,
            message: why,
        });
    }
    record
}

/// Options of a scan.
#[derive(Debug, Clone, Copy)]
pub struct ScanOptions {
    /// Digests to compute.
    pub hashes: HashSet,
    /// Worker threads (at least 1).
    pub jobs: usize,
    /// Read and check every frame (`--verify`).
    pub verify: bool,
}

/// Progress after each record, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Records emitted so far.
    pub done: usize,
    /// Files in the scan.
    pub total: usize,
    /// Bytes of the files emitted so far.
    pub bytes: u64,
}

/// What a scan found, for the closing summary.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Records emitted.
    pub files: u64,
    /// Files per `fileFormat` (`unrecognised` for none).
    pub formats: BTreeMap<String, u64>,
    /// Files with at least one error.
    pub files_with_errors: u64,
    /// Files with warnings and no error.
    pub files_with_warnings: u64,
    /// How often each error code occurred.
    pub error_codes: BTreeMap<String, u64>,
    /// How often each warning code occurred.
    pub warning_codes: BTreeMap<String, u64>,
    /// Sum of the files' durations, in milliseconds.
    pub total_duration_ms: u64,
    /// Sum of the files' durations, ISO 8601.
    pub total_duration: String,
    /// Sum of the file sizes.
    pub bytes: u64,
    /// Files per verification status (`--verify`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub verification: BTreeMap<String, u64>,
    /// Groups of files that are the same master: identical files (same
    /// `sha256`), or the same decoded audio in different files (same
    /// `pcmMd5`). Distributors reject duplicate masters.
    pub duplicates: Vec<DuplicateGroup>,
    /// Paths by digest, for the duplicate groups.
    #[serde(skip)]
    by_digest: HashMap<(Key, String), Vec<String>>,
}

/// What a duplicate group shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Key {
    /// The same bytes.
    #[serde(rename = "sha256")]
    Sha256,
    /// The same decoded audio.
    #[serde(rename = "pcmMd5")]
    PcmMd5,
}

/// Files that share a digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuplicateGroup {
    /// `sha256` or `pcmMd5`.
    pub by: Key,
    /// The shared digest.
    pub value: String,
    /// The files, in scan order.
    pub paths: Vec<String>,
}

impl Summary {
    /// Count one record in.
    pub fn add(&mut self, r: &Record) {
        self.files += 1;
        self.bytes += r.size_bytes;
        let fmt = r.file_format.map_or("unrecognised", |f| f.as_str());
        *self.formats.entry(fmt.to_string()).or_default() += 1;
        if r.has_errors() {
            self.files_with_errors += 1;
        } else if !r.warnings.is_empty() {
            self.files_with_warnings += 1;
        }
        for i in &r.errors {
            *self.error_codes.entry(i.code.to_string()).or_default() += 1;
        }
        for i in &r.warnings {
            *self.warning_codes.entry(i.code.to_string()).or_default() += 1;
        }
        if let (Some(n), Some(rate)) = (r.total_samples, r.sample_rate)
            && let Some(ms) = crate::duration::millis(n, rate)
        {
            self.total_duration_ms = self
                .total_duration_ms
                .saturating_add(u64::try_from(ms).unwrap_or(u64::MAX));
        }
        self.total_duration = crate::duration::format_millis(u128::from(self.total_duration_ms));
        if let Some(v) = &r.verification
            && let Ok(serde_json::Value::String(status)) = serde_json::to_value(v.status)
        {
            *self.verification.entry(status).or_default() += 1;
        }
        for (key, digest) in [(Key::Sha256, &r.sha256), (Key::PcmMd5, &r.pcm_md5)] {
            if let Some(d) = digest {
                self.by_digest
                    .entry((key, d.clone()))
                    .or_default()
                    .push(r.path.clone());
            }
        }
    }

    /// Form the duplicate groups once every record is in. Identical files
    /// are one `sha256` group; a `pcmMd5` group is listed only when its
    /// files are not all one identical set.
    pub fn close(&mut self) {
        let by_digest = std::mem::take(&mut self.by_digest);
        let mut groups: Vec<DuplicateGroup> = by_digest
            .into_iter()
            .filter(|(_, paths)| paths.len() > 1)
            .map(|((by, value), paths)| DuplicateGroup { by, value, paths })
            .collect();
        let identical: Vec<Vec<String>> = groups
            .iter()
            .filter(|g| g.by == Key::Sha256)
            .map(|g| g.paths.clone())
            .collect();
        groups.retain(|g| g.by == Key::Sha256 || !identical.contains(&g.paths));
        groups.sort_by(|a, b| (a.by, &a.paths).cmp(&(b.by, &b.paths)));
        self.duplicates = groups;
    }
}

/// How a scan ended.
#[derive(Debug)]
pub struct ScanOutcome {
    /// Counts over the records emitted.
    pub summary: Summary,
    /// The sink failed (a closed pipe, a full disk): the scan stopped early.
    pub sink_error: Option<io::Error>,
}

/// The output side of a scan, behind one lock.
struct Commit<S, P> {
    /// Finished records waiting for an earlier one.
    parked: HashMap<usize, Record>,
    /// Index of the next record to emit.
    next_out: usize,
    bytes: u64,
    total: usize,
    summary: Summary,
    sink: S,
    progress: P,
    sink_error: Option<io::Error>,
}

impl<S, P> Commit<S, P>
where
    S: FnMut(&Record) -> io::Result<()>,
    P: FnMut(Progress),
{
    /// Park record `i`, then emit every record that is next in order.
    fn commit(&mut self, i: usize, record: Record) {
        if self.sink_error.is_some() {
            return;
        }
        self.parked.insert(i, record);
        while let Some(record) = self.parked.remove(&self.next_out) {
            self.next_out += 1;
            self.bytes += record.size_bytes;
            if let Err(e) = (self.sink)(&record) {
                self.sink_error = Some(e);
                self.parked.clear();
                return;
            }
            self.summary.add(&record);
            (self.progress)(Progress {
                done: self.next_out,
                total: self.total,
                bytes: self.bytes,
            });
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock is a bug elsewhere; the data is still
    // consistent (every update is a single step), so carry on with it.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Measure `targets` on `opts.jobs` threads, calling `sink` with each record
/// in input order and `progress` after each.
pub fn scan<S, P>(targets: &[Target], opts: ScanOptions, sink: S, progress: P) -> ScanOutcome
where
    S: FnMut(&Record) -> io::Result<()> + Send,
    P: FnMut(Progress) + Send,
{
    let jobs = opts.jobs.max(1);
    let window = (jobs * 32).max(64);
    let next_in = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let waiting = AtomicUsize::new(0);
    let advanced = Condvar::new();
    let out = Mutex::new(Commit {
        parked: HashMap::new(),
        next_out: 0,
        bytes: 0,
        total: targets.len(),
        summary: Summary::default(),
        sink,
        progress,
        sink_error: None,
    });

    let work = || {
        loop {
            let i = next_in.fetch_add(1, Ordering::Relaxed);
            if i >= targets.len() || stop.load(Ordering::Relaxed) {
                break;
            }
            {
                let mut c = lock(&out);
                while i >= c.next_out + window && c.sink_error.is_none() {
                    waiting.fetch_add(1, Ordering::SeqCst);
                    c = advanced.wait(c).unwrap_or_else(|e| e.into_inner());
                    waiting.fetch_sub(1, Ordering::SeqCst);
                }
                if c.sink_error.is_some() {
                    break;
                }
            }
            let t = &targets[i];
            let record = measure_file(&t.path, t.display.clone(), opts.hashes, opts.verify);
            let mut c = lock(&out);
            let before = c.next_out;
            c.commit(i, record);
            if c.sink_error.is_some() {
                stop.store(true, Ordering::Relaxed);
            }
            let moved = c.next_out != before || c.sink_error.is_some();
            drop(c);
            if moved && waiting.load(Ordering::SeqCst) > 0 {
                advanced.notify_all();
            }
        }
    };

    let pool = (jobs > 1)
        .then(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(jobs - 1)
                .build()
                .ok()
        })
        .flatten();
    match pool {
        Some(pool) => pool.in_place_scope(|s| {
            let work = &work;
            for _ in 1..jobs {
                s.spawn(move |_| work());
            }
            work();
        }),
        None => work(),
    }

    let mut c = out.into_inner().unwrap_or_else(|e| e.into_inner());
    c.summary.close();
    ScanOutcome {
        summary: c.summary,
        sink_error: c.sink_error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn output_is_in_input_order_and_failures_are_records() {
        let dir = tempfile::tempdir().unwrap();
        let mut targets = Vec::new();
        for i in 0..300 {
            let p = dir.path().join(format!("{i:03}.wav"));
            std::fs::write(
                &p,
                if i % 7 == 0 {
                    &b""[..]
                } else {
                    &b"not audio"[..]
                },
            )
            .unwrap();
            targets.push(Target {
                path: p,
                display: format!("{i:03}.wav"),
                size: 0,
            });
        }
        targets.push(Target {
            path: PathBuf::from("/no/such/file.wav"),
            display: "missing.wav".into(),
            size: 0,
        });
        let mut seen = Vec::new();
        let out = scan(
            &targets,
            ScanOptions {
                hashes: HashSet::BOTH,
                jobs: 4,
                verify: false,
            },
            |r| {
                seen.push((r.path.clone(), r.errors[0].code));
                Ok(())
            },
            |_| {},
        );
        assert!(out.sink_error.is_none());
        assert_eq!(seen.len(), 301);
        for (i, (path, code)) in seen.iter().take(300).enumerate() {
            assert_eq!(path, &format!("{i:03}.wav"));
            let want = if i % 7 == 0 {
                Code::EmptyFile
            } else {
                Code::UnsupportedFormat
            };
            assert_eq!(*code, want);
        }
        assert_eq!(seen[300].1, Code::ReadError);
        assert_eq!(out.summary.files_with_errors, 301);
    }

    #[test]
    fn a_failing_sink_stops_the_scan() {
        let dir = tempfile::tempdir().unwrap();
        let targets: Vec<_> = (0..1000)
            .map(|i| {
                let p = dir.path().join(format!("{i}.wav"));
                std::fs::write(&p, b"x").unwrap();
                Target {
                    path: p,
                    display: i.to_string(),
                    size: 1,
                }
            })
            .collect();
        let mut n = 0;
        let out = scan(
            &targets,
            ScanOptions {
                hashes: HashSet::NONE,
                jobs: 2,
                verify: false,
            },
            |_| {
                n += 1;
                if n == 3 {
                    Err(io::Error::from(io::ErrorKind::BrokenPipe))
                } else {
                    Ok(())
                }
            },
            |_| {},
        );
        assert_eq!(out.sink_error.unwrap().kind(), io::ErrorKind::BrokenPipe);
        assert_eq!(out.summary.files, 2);
    }
}
