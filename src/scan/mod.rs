//! Scanning a catalog: find the files ([`discover`]), measure each one
//! ([`measure`]) on parallel workers through one ordered map ([`map`]) that
//! also runs each command's own per-file work (reading sidecars, assessing
//! readiness, writing sidecars), and count what was found ([`summary`]).
//! Targets are taken from an iterator as workers need them, so with a
//! [`discover::Walker`] the first record is out while the walk goes on.
//! Output is in input order whatever the number of jobs, and memory is
//! bounded whatever the number of files: no list of the files is kept,
//! and the summary keeps a fixed-size digest per hashed file
//! ([`summary`]).

pub mod digests;
pub mod discover;
pub mod map;
pub mod measure;
pub mod summary;

pub use discover::{Found, Target, Walker};
pub use measure::{probe_file, verify_file};
pub use summary::{DuplicateGroup, Key, Summary};

use crate::checksum::Hashes;
use crate::formats::Budget;
use crate::record::Record;
use std::borrow::Borrow;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// Options of a scan.
#[derive(Debug, Clone, Copy)]
pub struct ScanOptions {
    /// Digests to compute.
    pub hashes: Hashes,
    /// Worker threads (at least 1).
    pub jobs: usize,
    /// Read and check every frame (`--verify`).
    pub verify: bool,
    /// How much decoding `verify` may do per file (`--verify-budget`).
    pub budget: Budget,
    /// Analyse the decoded audio for delivery QC (`--qc`; implies
    /// `verify`).
    pub qc: Option<crate::qc::Settings>,
}

/// Progress after each record, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Records emitted so far.
    pub done: usize,
    /// Files found so far: every file of the scan once `complete`.
    pub total: usize,
    /// Bytes of the files emitted so far.
    pub bytes: u64,
    /// Bytes of the files found so far (sizes at discovery).
    pub total_bytes: u64,
    /// Whether every file has been found (the walk has ended), so that
    /// `total` and `total_bytes` are final.
    pub complete: bool,
}

/// How a scan ended.
#[derive(Debug)]
pub struct ScanOutcome {
    /// Counts over the records emitted.
    pub summary: Summary,
    /// The sink failed (a closed pipe, a full disk): the scan stopped early.
    pub sink_error: Option<io::Error>,
}

impl Default for ScanOptions {
    /// Both digests, headers only, one worker per core.
    fn default() -> ScanOptions {
        ScanOptions {
            hashes: Hashes::BOTH,
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            verify: false,
            budget: Budget::default(),
            qc: None,
        }
    }
}

impl ScanOptions {
    /// Measure one target with these options.
    pub fn measure(&self, target: &Target) -> Record {
        measure::measure_file(
            &target.path,
            target.display.clone(),
            self.hashes,
            (self.verify || self.qc.is_some()).then_some(self.budget),
            self.qc,
        )
    }
}

/// Measure `targets` on `opts.jobs` threads, calling `sink` with each record
/// in input order and `progress` after each. `targets` is any iterator of
/// targets (a [`discover::Walker`] going on, or a list): each is taken as a
/// worker needs it, so records come while the walk goes on.
pub fn scan<I, S, P>(targets: I, opts: ScanOptions, mut sink: S, progress: P) -> ScanOutcome
where
    I: IntoIterator,
    I::Item: Borrow<Target> + Send,
    I::IntoIter: Send,
    S: FnMut(&Record) -> io::Result<()> + Send,
    P: FnMut(Progress) + Send,
{
    scan_map(targets, opts, |_, _| (), |r, ()| sink(r), progress)
}

/// Measure `targets` on `opts.jobs` threads and run `work` on each record
/// on the same worker (a command's own per-file work: reading a sidecar,
/// assessing readiness); `sink` gets each record with what `work` made of
/// it, in input order, and `progress` is called after each.
pub fn scan_map<I, T, W, S, P>(
    targets: I,
    opts: ScanOptions,
    work: W,
    sink: S,
    progress: P,
) -> ScanOutcome
where
    I: IntoIterator,
    I::Item: Borrow<Target> + Send,
    I::IntoIter: Send,
    T: Send,
    W: Fn(&Target, &Record) -> T + Sync,
    S: FnMut(&Record, T) -> io::Result<()> + Send,
    P: FnMut(Progress) + Send,
{
    scan_map_with(
        targets,
        opts.jobs,
        |t| opts.measure(t),
        work,
        sink,
        progress,
    )
}

/// Counts the targets taken from an iterator, for [`Progress`].
struct Counted<'a, I> {
    items: I,
    found: &'a AtomicUsize,
    found_bytes: &'a AtomicU64,
    complete: &'a AtomicBool,
}

impl<I> Iterator for Counted<'_, I>
where
    I: Iterator,
    I::Item: Borrow<Target>,
{
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        let item = self.items.next();
        match &item {
            Some(t) => {
                self.found_bytes
                    .fetch_add(t.borrow().size, Ordering::Relaxed);
                self.found.fetch_add(1, Ordering::Relaxed);
            }
            None => self.complete.store(true, Ordering::Relaxed),
        }
        item
    }
}

/// [`scan_map`] with the measurement of each target given by `measure`
/// (a command may take it from elsewhere, e.g. an up-to-date technical
/// sidecar, and measure the file only when that fails).
pub fn scan_map_with<I, M, T, W, S, P>(
    targets: I,
    jobs: usize,
    measure: M,
    work: W,
    mut sink: S,
    mut progress: P,
) -> ScanOutcome
where
    I: IntoIterator,
    I::Item: Borrow<Target> + Send,
    I::IntoIter: Send,
    M: Fn(&Target) -> Record + Sync,
    T: Send,
    W: Fn(&Target, &Record) -> T + Sync,
    S: FnMut(&Record, T) -> io::Result<()> + Send,
    P: FnMut(Progress) + Send,
{
    let (found, found_bytes, complete) = (
        AtomicUsize::new(0),
        AtomicU64::new(0),
        AtomicBool::new(false),
    );
    let items = Counted {
        items: targets.into_iter(),
        found: &found,
        found_bytes: &found_bytes,
        complete: &complete,
    };
    let mut summary = Summary::default();
    let (mut done, mut bytes) = (0, 0);
    let sink_error = map::ordered(
        items,
        jobs,
        |_, target| {
            let target = target.borrow();
            let record = measure(target);
            let made = work(target, &record);
            (record, made)
        },
        |(record, made)| {
            done += 1;
            bytes += record.size_bytes;
            sink(&record, made)?;
            summary.add(&record);
            progress(Progress {
                done,
                total: found.load(Ordering::Relaxed),
                bytes,
                total_bytes: found_bytes.load(Ordering::Relaxed),
                complete: complete.load(Ordering::Relaxed),
            });
            Ok(())
        },
    );
    summary.close();
    ScanOutcome {
        summary,
        sink_error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Code;
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
                hashes: Hashes::BOTH,
                jobs: 4,
                verify: false,
                budget: Budget::default(),
                qc: None,
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
                hashes: Hashes::NONE,
                jobs: 2,
                verify: false,
                budget: Budget::default(),
                qc: None,
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
