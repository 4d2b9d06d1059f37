//! Conformance over the public corpora in `../shared/corpora`.
//!
//! `tests/corpora/expected.tsv` states, per file, what the format
//! specifications and each suite's own documentation say (not what ffprobe or
//! MediaInfo say; see `tests/corpora/README.md`). The corpora are not part of
//! this repository: these tests skip with a message when the folder is
//! absent, and fail instead when `DDEXPROBE_REQUIRE_CORPORA=1` (as in CI).

mod common;

use ddexprobe::{HashSet, probe_file};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

fn corpora() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("DDEXPROBE_REQUIRE_CORPORA").is_ok_and(|v| v == "1") {
        panic!(
            "DDEXPROBE_REQUIRE_CORPORA=1 but {} is missing",
            dir.display()
        );
    }
    eprintln!(
        "skipped: {} not found (set DDEXPROBE_REQUIRE_CORPORA=1 to require it)",
        dir.display()
    );
    None
}

#[test]
fn corpus_files_match_their_documented_values() {
    let Some(root) = corpora() else { return };
    let rows =
        common::read_tsv(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpora/expected.tsv"));
    assert!(rows.len() > 300, "expected.tsv has {} rows", rows.len());
    let mut failures = Vec::new();
    for row in &rows {
        let path = root.join(&row["corpus"]).join(&row["path"]);
        if !path.exists() {
            failures.push(format!("{}: missing from the corpus", path.display()));
            continue;
        }
        let record = probe_file(&path, row["path"].clone(), HashSet::NONE);
        for d in common::compare(&record, row) {
            failures.push(format!("{}/{}: {d}", row["corpus"], row["path"]));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn all_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            all_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn no_corpus_file_makes_the_parsers_panic() {
    let Some(root) = corpora() else { return };
    let mut files = Vec::new();
    all_files(&root, &mut files);
    assert!(files.len() > 500);
    let mut panics = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let ext = path.extension().and_then(|e| e.to_str());
        // Every prefix length matters too: truncation is the commonest damage.
        let cuts = [
            bytes.len(),
            bytes.len() / 2,
            bytes.len().min(64),
            bytes.len().min(13),
        ];
        for cut in cuts {
            if catch_unwind(AssertUnwindSafe(|| {
                ddexprobe::formats::probe(&bytes[..cut], ext)
            }))
            .is_err()
            {
                panics.push(format!("{} (first {cut} bytes)", path.display()));
            }
        }
    }
    assert!(
        panics.is_empty(),
        "parsers panicked on:\n{}",
        panics.join("\n")
    );
}

/// hound is an independent WAV reader: wherever it accepts a file, it must
/// agree with us on the format and the sample count.
#[test]
fn wav_figures_agree_with_hound() {
    let Some(root) = corpora() else { return };
    let mut files = Vec::new();
    all_files(&root, &mut files);
    let mut compared = 0;
    let mut failures = Vec::new();
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("wav")))
    {
        let Ok(reader) = hound::WavReader::open(path) else {
            continue;
        };
        let spec = reader.spec();
        let r = probe_file(path, path.display().to_string(), HashSet::NONE);
        if r.has_errors() {
            continue;
        }
        compared += 1;
        let ours = (r.sample_rate, r.number_of_channels, r.total_samples);
        let theirs = (
            Some(spec.sample_rate),
            Some(u32::from(spec.channels)),
            Some(u64::from(reader.duration())),
        );
        if ours != theirs {
            failures.push(format!(
                "{}: ours {ours:?}, hound {theirs:?}",
                path.display()
            ));
        }
    }
    eprintln!("hound agrees on {compared} WAV files");
    assert!(compared >= 40, "only {compared} WAV files compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// claxon is an independent FLAC reader: its STREAMINFO must agree with our
/// figures for every FLAC file we measure without error.
#[test]
fn flac_figures_agree_with_claxon() {
    let Some(root) = corpora() else { return };
    let mut files = Vec::new();
    all_files(&root, &mut files);
    let mut compared = 0;
    let mut failures = Vec::new();
    for path in files.iter().filter(|p| {
        p.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("flac"))
    }) {
        let Ok(reader) = claxon::FlacReader::open(path) else {
            continue;
        };
        let info = reader.streaminfo();
        let r = probe_file(path, path.display().to_string(), HashSet::NONE);
        if r.has_errors() || info.samples.is_none() {
            continue;
        }
        compared += 1;
        let ours = (
            r.sample_rate,
            r.number_of_channels,
            r.bit_depth,
            r.total_samples,
        );
        let theirs = (
            Some(info.sample_rate),
            Some(info.channels),
            Some(info.bits_per_sample),
            info.samples,
        );
        if ours != theirs {
            failures.push(format!(
                "{}: ours {ours:?}, claxon {theirs:?}",
                path.display()
            ));
        }
    }
    eprintln!("claxon agrees on {compared} FLAC files");
    assert!(compared >= 50, "only {compared} FLAC files compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A header-only scan reads a head and a tail window of large files and
/// falls back to the whole file when a parser needs more. Over every corpus
/// file the result must be exactly what probing the whole file gives.
#[test]
fn windowed_probing_equals_whole_file_probing() {
    let Some(root) = corpora() else { return };
    let mut files = Vec::new();
    all_files(&root, &mut files);
    let mut large = 0;
    let mut differences = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        if bytes.len() as u64 > ddexprobe::source::HEAD_WINDOW + ddexprobe::source::TAIL_WINDOW {
            large += 1;
        }
        let whole = ddexprobe::probe_bytes(&bytes, &path.to_string_lossy(), HashSet::NONE);
        let windowed = probe_file(path, path.to_string_lossy().into_owned(), HashSet::NONE);
        if whole != windowed {
            differences.push(format!(
                "{}:\n  whole    {whole:?}\n  windowed {windowed:?}",
                path.display()
            ));
        }
    }
    eprintln!(
        "{} files probed windowed and whole ({large} large enough for windows)",
        files.len()
    );
    assert!(
        large > 100,
        "only {large} files are large enough to be windowed"
    );
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
