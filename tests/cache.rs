//! `--cache FILE`: a re-run reuses the records of unchanged files and gives
//! the output a fresh run gives; a changed file, other options, a cache of
//! another version or a damaged cache are measured afresh.

use crate::util::{bin, testdata};
use ddexprobe::scan::ScanOptions;
use ddexprobe::scan::cache::Cache;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Copy `testdata/` (or the named files of it) into `dir`, every file
/// dated a minute ago (files modified just now are measured, not stored).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            copy_tree(&entry.path(), &dest);
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &dest).unwrap();
            age(&dest, 60);
        }
    }
}

/// Set the modification time of `path` to `secs` seconds ago.
fn age(path: &Path, secs: u64) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(SystemTime::now() - Duration::from_secs(secs))
        .unwrap();
}

/// Run the binary: stdout, stderr, exit code.
fn run(args: &[&str], paths: &[&Path]) -> (String, String, i32) {
    let out = bin().args(args).args(paths).output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

/// The (reused, measured) figures of a run's stderr.
fn counts(stderr: &str) -> (u64, u64) {
    let line = stderr
        .lines()
        .find(|l| l.contains("records reused"))
        .unwrap_or_else(|| panic!("no cache line in {stderr}"));
    let numbers: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    // The cache's path has no digits here (`c.redb` in a temporary folder
    // whose name may): take the last three figures.
    let n = numbers.len();
    (numbers[n - 3], numbers[n - 2])
}

fn catalog() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    copy_tree(&testdata(""), &data);
    let db = tmp.path().join("c.redb");
    (tmp, data, db)
}

#[test]
fn a_rerun_reuses_every_record_and_writes_the_same_bytes() {
    let (_tmp, data, db) = catalog();
    let db_arg = db.to_str().unwrap();
    let scan = ["scan", "--format", "ndjson", "--all"];
    let (fresh, _, code) = run(&scan, &[&data]);
    let files = fresh.lines().count() as u64;
    assert!(files > 300, "{files}");
    let with = [&scan[..], &["--cache", db_arg]].concat();
    let (first, err1, code1) = run(&with, &[&data]);
    assert_eq!(counts(&err1), (0, files), "{err1}");
    let (second, err2, code2) = run(&with, &[&data]);
    assert_eq!(counts(&err2), (files, 0), "{err2}");
    assert_eq!(first, fresh);
    assert_eq!(second, fresh);
    assert_eq!((code1, code2), (code, code));
    // -q: no figures.
    let (quiet, err, _) = run(&[&with[..], &["-q"]].concat(), &[&data]);
    assert_eq!(quiet, fresh);
    assert!(!err.contains("records reused"), "{err}");

    // Verified, with QC: its own entries, the same bytes again.
    let verify = [&scan[..], &["--verify", "--qc", "--hash", "md5,sha256"]].concat();
    let (fresh, _, _) = run(&verify, &[&data]);
    let with = [&verify[..], &["--cache", db_arg]].concat();
    let (first, err1, _) = run(&with, &[&data]);
    assert_eq!(counts(&err1), (0, files), "{err1}");
    let (second, err2, _) = run(&with, &[&data]);
    assert_eq!(counts(&err2), (files, 0), "{err2}");
    assert_eq!(first, fresh);
    assert_eq!(second, fresh);

    // The same files under other display names: records reused, paths the
    // new ones.
    let flac = data.join("flac-16bit-44k-stereo.flac");
    let (one, err, _) = run(&with, &[&flac]);
    assert_eq!(counts(&err), (1, 0), "{err}");
    let (fresh_one, _, _) = run(&verify, &[&flac]);
    assert_eq!(one, fresh_one);
    assert!(one.contains(&format!("\"path\":\"{}\"", flac.display())));
}

#[test]
fn a_changed_file_is_measured_again_and_only_it() {
    let (_tmp, data, db) = catalog();
    let db_arg = db.to_str().unwrap();
    let args = ["scan", "--format", "ndjson", "--cache", db_arg];
    let (_, err, _) = run(&args, &[&data]);
    let (_, files) = counts(&err);
    // One file touched (same bytes, another time), one grown by a byte.
    age(&data.join("wav-pcm16-44k-stereo.wav"), 120);
    let grown = data.join("flac-16bit-44k-stereo.flac");
    let mut bytes = std::fs::read(&grown).unwrap();
    bytes.push(0);
    std::fs::write(&grown, &bytes).unwrap();
    age(&grown, 60);
    let (second, err, _) = run(&args, &[&data]);
    assert_eq!(counts(&err), (files - 2, 2), "{err}");
    let (fresh, _, _) = run(&["scan", "--format", "ndjson"], &[&data]);
    assert_eq!(second, fresh);
    assert!(second.contains("trailing_data"));
    // And then both are reused.
    let (_, err, _) = run(&args, &[&data]);
    assert_eq!(counts(&err), (files, 0), "{err}");
}

#[test]
fn other_options_measure_every_file() {
    let (_tmp, data, db) = catalog();
    let db_arg = db.to_str().unwrap();
    let base = ["scan", "--format", "ndjson", "--cache", db_arg];
    let (_, err, _) = run(&base, &[&data]);
    let (_, files) = counts(&err);
    for other in [
        &["--hash", "sha256"][..],
        &["--hash", "none"],
        &["--verify"],
        &["--verify", "--verify-budget", "16"],
    ] {
        let (_, err, _) = run(&[&base[..], other].concat(), &[&data]);
        assert_eq!(counts(&err), (0, files), "{other:?}: {err}");
    }
    // Each set of options keeps its own entries.
    let (_, err, _) = run(&base, &[&data]);
    assert_eq!(counts(&err), (files, 0), "{err}");
}

#[test]
fn a_cache_of_another_version_is_ignored_and_written_again() {
    let (_tmp, data, db) = catalog();
    let wav = data.join("wav-pcm16-44k-stereo.wav");
    // The options of `scan` without flags.
    let opts = ScanOptions {
        jobs: 1,
        ..ScanOptions::default()
    };
    let old = Cache::open_as(&db, &opts, "ddexprobe 0.0.1 records 1").unwrap();
    let target = ddexprobe::scan::Target {
        path: wav.clone(),
        display: "wav".into(),
        size: 0,
        remote: None,
    };
    let record = old.measure(&target, |t| opts.measure(t));
    assert!(record.errors.is_empty());
    assert_eq!(old.finish().0.stored, 1);
    drop(old);
    // This version: the entry is not trusted.
    let (_, err, _) = run(&["scan", "--format", "ndjson", "--cache"], &[&db, &wav]);
    assert_eq!(counts(&err), (0, 1), "{err}");
    let (_, err, _) = run(&["scan", "--format", "ndjson", "--cache"], &[&db, &wav]);
    assert_eq!(counts(&err), (1, 0), "{err}");
    // And the older version, handed the cache back, does not trust it.
    let old = Cache::open_as(&db, &opts, "ddexprobe 0.0.1 records 1").unwrap();
    old.measure(&target, |t| opts.measure(t));
    assert_eq!(old.stats().measured, 1);
}

#[test]
fn a_damaged_cache_is_a_warning_and_the_run_is_right() {
    let (_tmp, data, db) = catalog();
    let mut noise = Vec::with_capacity(1 << 16);
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..1 << 16 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        noise.push(x as u8);
    }
    std::fs::write(&db, &noise).unwrap();
    let args = [
        "scan",
        "--format",
        "ndjson",
        "--cache",
        db.to_str().unwrap(),
    ];
    let (out, err, code) = run(&args, &[&data]);
    let (fresh, _, fresh_code) = run(&["scan", "--format", "ndjson"], &[&data]);
    assert_eq!(out, fresh);
    assert_eq!(code, fresh_code);
    assert!(err.contains("[cache_unusable]"), "{err}");
    assert!(!err.contains("records reused"), "{err}");
    // Never replaced: it is not ours to throw away.
    assert_eq!(std::fs::read(&db).unwrap(), noise);
}

#[test]
fn the_cache_is_an_input_no_output_replaces() {
    let (_tmp, data, db) = catalog();
    let wav = data.join("wav-pcm16-44k-stereo.wav");
    let db_arg = db.to_str().unwrap();
    let (_, err, _) = run(&["scan", "--cache", db_arg], &[&wav]);
    assert_eq!(counts(&err), (0, 1), "{err}");
    let before = std::fs::read(&db).unwrap();
    let (_, err, code) = run(&["scan", "--cache", db_arg, "-o", db_arg], &[&wav]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("input"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
    // A first run too: the cache exists before the output is opened.
    let fresh = data.join("fresh.redb");
    let fresh_arg = fresh.to_str().unwrap();
    let (_, err, code) = run(&["scan", "--cache", fresh_arg, "-o", fresh_arg], &[&wav]);
    assert_eq!(code, 2, "{err}");
    let (_, err, code) = run(
        &["check", "--cache", db_arg, "-o", db_arg],
        &[&testdata("catalog")],
    );
    assert_eq!(code, 2, "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn check_sidecar_and_ern_reuse_records_too() {
    let (_tmp, data, db) = catalog();
    let catalog = data.join("catalog");
    let db_arg = db.to_str().unwrap();
    let check = ["check", "--format", "ndjson"];
    let (fresh, _, code) = run(&check, &[&catalog]);
    let with = [&check[..], &["--cache", db_arg]].concat();
    let (first, err1, _) = run(&with, &[&catalog]);
    let (second, err2, code2) = run(&with, &[&catalog]);
    let (_, n) = counts(&err1);
    assert!(n >= 10, "{err1}");
    assert_eq!(counts(&err2), (n, 0), "{err2}");
    assert_eq!(
        (first.as_str(), second.as_str()),
        (fresh.as_str(), fresh.as_str())
    );
    assert_eq!(code2, code);

    let wav = data.join("wav-pcm16-44k-stereo.wav");
    let ern = [
        "ern",
        "--ern",
        "4.3",
        "--fragment",
        "technical",
        "--cache",
        db_arg,
    ];
    let (xml1, err1, _) = run(&ern, &[&wav]);
    let (xml2, err2, _) = run(&ern, &[&wav]);
    assert_eq!(counts(&err1), (0, 1), "{err1}");
    assert_eq!(counts(&err2), (1, 0), "{err2}");
    let (fresh, _, _) = run(&["ern", "--ern", "4.3", "--fragment", "technical"], &[&wav]);
    assert_eq!(
        (xml1.as_str(), xml2.as_str()),
        (fresh.as_str(), fresh.as_str())
    );

    let out = data.join("sidecars");
    let out_arg = out.to_str().unwrap();
    let sidecar = ["sidecar", "--out-dir", out_arg, "--cache", db_arg];
    let (_, err, _) = run(&sidecar, &[&wav]);
    assert_eq!(counts(&err), (0, 1), "{err}");
    std::fs::remove_dir_all(&out).unwrap();
    let (_, err, _) = run(&sidecar, &[&wav]);
    assert_eq!(counts(&err), (1, 0), "{err}");
    assert!(err.contains("1 sidecars written"), "{err}");
}
