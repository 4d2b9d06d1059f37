//! The scan pipeline: measure many files in parallel, emit in input order.
//!
//! Workers on a rayon pool take files in order from a shared counter, open
//! ([`crate::source`]), probe ([`crate::formats`]) and hash
//! ([`crate::checksum`]) each one, and send the record back. The calling
//! thread puts records back in input order and hands each to the sink as soon
//! as all earlier ones are out, so output streams while the scan runs.
//! Workers never run more than a fixed window ahead of the sink, which bounds
//! memory whatever the number of files. A failing file is a record with an
//! error, never the end of the batch; a panic in a parser (a bug) is caught
//! and reported the same way.

use crate::checksum::{self, HashSet};
use crate::discover::Target;
use crate::formats;
use crate::record::{Code, Issue, Record};
use crate::source::Source;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};

/// Measure one file on disk.
pub fn probe_file(path: &Path, display: String, hashes: HashSet) -> Record {
    let source = match Source::open(path) {
        Ok(s) => s,
        Err(e) => {
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            return Record::failed(
                display,
                size,
                Code::ReadError,
                format!("cannot read the file: {e}"),
            );
        }
    };
    let bytes = source.bytes();
    let ext = path.extension().and_then(|e| e.to_str());
    let probed = catch_unwind(AssertUnwindSafe(|| formats::probe(bytes, ext)));
    let mut record = match probed {
        Ok(probe) => Record::from_probe(display, source.len(), probe),
        Err(_) => Record::failed(
            display,
            source.len(),
            Code::InvalidHeader,
            "internal error while parsing this file (please report it with the file)".to_string(),
        ),
    };
    if hashes.any() {
        source.advise_sequential();
        let d = checksum::digest(bytes, hashes);
        record.md5 = d.md5;
        record.sha256 = d.sha256;
    }
    if let Some(why) = source.changed() {
        // What was read may not be the file's: keep no figure from it.
        record.md5 = None;
        record.sha256 = None;
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

/// Measure `targets` on `opts.jobs` threads, calling `sink` with each record
/// in input order and `progress` after each.
pub fn scan(
    targets: &[Target],
    opts: ScanOptions,
    mut sink: impl FnMut(&Record) -> io::Result<()>,
    mut progress: impl FnMut(Progress),
) -> ScanOutcome {
    let jobs = opts.jobs.max(1);
    let window = (jobs * 32).max(64);
    let mut summary = Summary::default();
    let mut sink_error = None;

    let pool = match rayon::ThreadPoolBuilder::new().num_threads(jobs).build() {
        Ok(p) => p,
        Err(e) => {
            return ScanOutcome {
                summary,
                sink_error: Some(io::Error::other(e)),
            };
        }
    };
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    // Index of the next record the sink expects; workers wait while they
    // would run more than `window` ahead of it.
    let emitted = Mutex::new(0usize);
    let advanced = Condvar::new();
    let (tx, rx) = mpsc::channel::<(usize, Record)>();

    pool.in_place_scope(|s| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let (next, stop, emitted, advanced) = (&next, &stop, &emitted, &advanced);
            s.spawn(move |_| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= targets.len() || stop.load(Ordering::Relaxed) {
                        break;
                    }
                    {
                        let mut at = emitted.lock().unwrap_or_else(|e| e.into_inner());
                        while i >= *at + window && !stop.load(Ordering::Relaxed) {
                            at = advanced.wait(at).unwrap_or_else(|e| e.into_inner());
                        }
                    }
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let t = &targets[i];
                    let record = probe_file(&t.path, t.display.clone(), opts.hashes);
                    if tx.send((i, record)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);

        let mut pending: HashMap<usize, Record> = HashMap::new();
        let mut expected = 0usize;
        let mut bytes = 0u64;
        for (i, record) in rx.iter() {
            if sink_error.is_some() {
                continue;
            }
            pending.insert(i, record);
            while let Some(record) = pending.remove(&expected) {
                expected += 1;
                bytes += record.size_bytes;
                if let Err(e) = sink(&record) {
                    sink_error = Some(e);
                    stop.store(true, Ordering::Relaxed);
                    pending.clear();
                    break;
                }
                summary.add(&record);
                progress(Progress {
                    done: expected,
                    total: targets.len(),
                    bytes,
                });
            }
            *emitted.lock().unwrap_or_else(|e| e.into_inner()) = expected;
            advanced.notify_all();
        }
        // Wake any worker still waiting so the scope can end.
        stop.store(true, Ordering::Relaxed);
        advanced.notify_all();
    });

    ScanOutcome {
        summary,
        sink_error,
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
