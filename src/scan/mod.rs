//! Scanning a catalog: find the files ([`discover`]), measure each one
//! ([`measure`]) on parallel workers through one ordered map ([`map`]) that
//! also runs each command's own per-file work (reading sidecars, assessing
//! readiness, writing sidecars), and count what was found ([`summary`]).
//! Output is in input order whatever the number of jobs, and memory is
//! bounded whatever the number of files.

pub mod cache;
pub mod discover;
pub mod map;
pub mod measure;
pub mod summary;

pub use discover::Target;
pub use measure::{probe_file, verify_file};
pub use summary::{DuplicateGroup, Key, Summary};

use crate::checksum::Hashes;
use crate::formats::Budget;
use crate::record::Record;
use std::io;

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
    /// Files in the scan.
    pub total: usize,
    /// Bytes of the files emitted so far.
    pub bytes: u64,
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
/// in input order and `progress` after each.
pub fn scan<S, P>(targets: &[Target], opts: ScanOptions, mut sink: S, progress: P) -> ScanOutcome
where
    S: FnMut(&Record) -> io::Result<()> + Send,
    P: FnMut(Progress) + Send,
{
    scan_map(targets, opts, |_, _| (), |r, ()| sink(r), progress)
}

/// Measure `targets` on `opts.jobs` threads and run `work` on each record
/// on the same worker (a command's own per-file work: reading a sidecar,
/// assessing readiness); `sink` gets each record with what `work` made of
/// it, in input order, and `progress` is called after each.
pub fn scan_map<T, W, S, P>(
    targets: &[Target],
    opts: ScanOptions,
    work: W,
    sink: S,
    progress: P,
) -> ScanOutcome
where
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

/// [`scan_map`] with the measurement of each target given by `measure`
/// (a command may take it from elsewhere, e.g. an up-to-date technical
/// sidecar, and measure the file only when that fails).
pub fn scan_map_with<M, T, W, S, P>(
    targets: &[Target],
    jobs: usize,
    measure: M,
    work: W,
    mut sink: S,
    mut progress: P,
) -> ScanOutcome
where
    M: Fn(&Target) -> Record + Sync,
    T: Send,
    W: Fn(&Target, &Record) -> T + Sync,
    S: FnMut(&Record, T) -> io::Result<()> + Send,
    P: FnMut(Progress) + Send,
{
    let total = targets.len();
    let mut summary = Summary::default();
    let (mut done, mut bytes) = (0, 0);
    let sink_error = map::ordered(
        total,
        jobs,
        |i| {
            let record = measure(&targets[i]);
            let made = work(&targets[i], &record);
            (record, made)
        },
        |(record, made)| {
            done += 1;
            bytes += record.size_bytes;
            sink(&record, made)?;
            summary.add(&record);
            progress(Progress { done, total, bytes });
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
