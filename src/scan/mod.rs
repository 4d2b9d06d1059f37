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

pub mod cache;
pub mod digests;
pub mod discover;
pub mod map;
pub mod measure;
pub mod shard;
pub mod summary;

pub use discover::{Found, Target, Walker};
pub use measure::{probe_file, verify_file};
pub use summary::{DuplicateGroup, Key, Summary};

use crate::checksum::Hashes;
use crate::formats::Budget;
use crate::record::Record;
use std::borrow::Borrow;
use std::collections::VecDeque;
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
    /// Whether a measurement with these options reads a file whole
    /// (digests, verification or QC) rather than its head and tail.
    pub fn reads_whole(&self) -> bool {
        self.hashes.any() || self.verify || self.qc.is_some()
    }

    /// Measure one target with these options.
    pub fn measure(&self, target: &Target) -> Record {
        #[cfg(feature = "remote")]
        if let Some(object) = &target.remote {
            return crate::remote::measure(
                object,
                target.display.clone(),
                self.hashes,
                (self.verify || self.qc.is_some()).then_some(self.budget),
                self.qc,
            );
        }
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
        ahead(targets, opts.reads_whole(), |_: &Target| false),
        opts.jobs,
        |t| opts.measure(t),
        work,
        sink,
        progress,
    )
}

/// Targets handed on in order, each object in storage announced
/// ([`crate::remote::Object::announce`]) as far ahead of its measurement
/// as its location has requests in flight, so that its bytes are on their
/// way before a worker takes it. Files on disk pass straight through.
/// `whole`: the measurements read objects whole. `skip` (called once per
/// target, in order): targets whose record will come from elsewhere (a
/// cache) or that will not be measured, never fetched ahead. Every
/// target announced must reach a measurement ([`scan_map_with`] gives
/// back what a measurement did not take).
pub fn ahead<I, F>(targets: I, whole: bool, skip: F) -> Ahead<I::IntoIter, F>
where
    I: IntoIterator,
    I::Item: Borrow<Target>,
    F: FnMut(&Target) -> bool,
{
    Ahead {
        items: targets.into_iter(),
        held: VecDeque::new(),
        done: false,
        whole,
        skip,
    }
}

/// The iterator of [`ahead`].
pub struct Ahead<I: Iterator, F> {
    items: I,
    held: VecDeque<I::Item>,
    done: bool,
    whole: bool,
    skip: F,
}

impl<I, F> Iterator for Ahead<I, F>
where
    I: Iterator,
    I::Item: Borrow<Target>,
    F: FnMut(&Target) -> bool,
{
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        loop {
            let depth = self.held.front().map_or(0, |t| {
                t.borrow().remote.as_ref().map_or(0, |o| o.lookahead())
            });
            if self.done || (!self.held.is_empty() && self.held.len() > depth) {
                return self.held.pop_front();
            }
            match self.items.next() {
                Some(t) => {
                    let target = t.borrow();
                    if !(self.skip)(target)
                        && let Some(object) = &target.remote
                    {
                        object.announce(self.whole);
                    }
                    self.held.push_back(t);
                }
                None => self.done = true,
            }
        }
    }
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
            if let Some(object) = &target.remote {
                // Its record came from elsewhere: what was fetched ahead
                // for it goes.
                object.release();
            }
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
                remote: None,
            });
        }
        targets.push(Target {
            path: PathBuf::from("/no/such/file.wav"),
            display: "missing.wav".into(),
            size: 0,
            remote: None,
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
                    remote: None,
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

    fn header_only(jobs: usize) -> ScanOptions {
        ScanOptions {
            hashes: Hashes::NONE,
            jobs,
            verify: false,
            budget: Budget::default(),
            qc: None,
        }
    }

    /// Every file under `dir`, depth first, each directory's entries
    /// sorted by name (directories in place among the files).
    fn sorted_files(dir: &std::path::Path, base: &std::path::Path, out: &mut Vec<String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let path = e.path();
            if path.is_dir() {
                sorted_files(&path, base, out);
            } else {
                out.push(
                    path.strip_prefix(base)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }

    #[test]
    fn a_streamed_scan_of_a_nested_tree_is_in_sorted_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let names = [
            "b.wav", "B.wav", "a b.wav", "a.wav", "10.wav", "9.wav", "é.wav",
        ];
        for d in ["", "a", "a/b", "a b", "a.b", "Z", "a/b/c", "ab"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
            for n in names {
                std::fs::write(root.join(d).join(n), b"x").unwrap();
            }
        }
        let mut want = Vec::new();
        sorted_files(root, root, &mut want);
        assert_eq!(want.len(), 56);
        for jobs in [1, 2, 5] {
            let mut seen = Vec::new();
            let found = Walker::new(vec![root.to_path_buf()], discover::Walk::new(false));
            let targets = found.map(|f| match f {
                Found::Target(t) => t,
                Found::Problem(p) => panic!("{p:?}"),
            });
            let out = scan(
                targets,
                header_only(jobs),
                |r| {
                    seen.push(r.path.clone());
                    Ok(())
                },
                |_| {},
            );
            assert!(out.sink_error.is_none());
            assert_eq!(seen, want, "jobs {jobs}");
            // The same order as the list built before measuring.
            let listed = discover::discover(&[root.to_path_buf()], false);
            let listed: Vec<_> = listed.targets.iter().map(|t| t.display.clone()).collect();
            assert_eq!(seen, listed);
        }
    }

    #[test]
    fn the_first_record_is_out_before_the_walk_ends() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.wav");
        std::fs::write(&file, b"not audio").unwrap();
        let n = 5_000;
        for jobs in [1, 2, 4] {
            let taken = AtomicUsize::new(0);
            let first_out = AtomicBool::new(false);
            let waited_in_vain = AtomicBool::new(false);
            // Past the first few hundred targets, the walk waits (at most
            // ten seconds) for the first record to be out.
            let targets = (0..n).map(|i| {
                taken.fetch_add(1, Ordering::SeqCst);
                if i == 500 {
                    let start = std::time::Instant::now();
                    while !first_out.load(Ordering::SeqCst) {
                        if start.elapsed() > std::time::Duration::from_secs(10) {
                            waited_in_vain.store(true, Ordering::SeqCst);
                            break;
                        }
                        std::thread::yield_now();
                    }
                }
                Target {
                    path: file.clone(),
                    display: i.to_string(),
                    size: 9,
                    remote: None,
                }
            });
            let mut taken_at_first = None;
            let mut last = None;
            let out = scan(
                targets,
                header_only(jobs),
                |r| {
                    if taken_at_first.is_none() {
                        taken_at_first = Some(taken.load(Ordering::SeqCst));
                        first_out.store(true, Ordering::SeqCst);
                    }
                    last = Some(r.path.clone());
                    Ok(())
                },
                |p| {
                    // Never more records than targets found.
                    assert!(p.done <= p.total && p.total <= n, "{p:?}");
                },
            );
            assert!(out.sink_error.is_none());
            assert!(!waited_in_vain.load(Ordering::SeqCst), "jobs {jobs}");
            let at = taken_at_first.unwrap();
            assert!(
                at < 500,
                "jobs {jobs}: {at} targets taken before the first record"
            );
            assert_eq!(last.as_deref(), Some("4999"));
            assert_eq!(out.summary.files, n as u64);
        }
    }
}
