//! Helpers shared by every test module: where the fixtures and corpora
//! are, the binary under test, and the table-driven comparison of a record
//! against a row of expected fields.

use ddexprobe::Record;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// A file (or folder) under `testdata/`.
pub fn testdata(name: &str) -> PathBuf {
    root().join("testdata").join(name)
}

/// The `ddexprobe` binary, ready to run.
pub fn bin() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("ddexprobe").unwrap()
}

/// The public corpora in `../shared/corpora`: `None` (with a message) when
/// absent, a panic when `DDEXPROBE_REQUIRE_CORPORA=1` (as in CI).
pub fn corpora() -> Option<PathBuf> {
    let dir = root().join("../shared/corpora");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("DDEXPROBE_REQUIRE_CORPORA").is_ok_and(|v| v == "1") {
        panic!(
            "DDEXPROBE_REQUIRE_CORPORA=1 but {} is missing",
            dir.display()
        );
    }
    skipped(&format!(
        "{} not found: the corpus tests test nothing here (set DDEXPROBE_REQUIRE_CORPORA=1 to require it)",
        dir.display()
    ));
    None
}

/// The folder of an external corpus that is not in `../shared/corpora`:
/// `mutagen` is the test data of the mutagen tag library's source release
/// (WavPack, Monkey's Audio, TAK, TTA, OptimFROG, Musepack, DSF, DSDIFF,
/// AC-3, ADTS/ADIF, ASF files), which `scripts/fetch-corpora.sh` unpacks
/// into `target/corpora/` (or `DDEXPROBE_MUTAGEN_DATA` names). Skipped with
/// a message when absent, required when `DDEXPROBE_REQUIRE_CORPORA=1`.
pub fn external_corpus(name: &str) -> Option<PathBuf> {
    let dir = match name {
        "mutagen" => std::env::var_os("DDEXPROBE_MUTAGEN_DATA")
            .map(PathBuf::from)
            .unwrap_or_else(|| root().join("target/corpora/mutagen/tests/data")),
        _ => return None,
    };
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("DDEXPROBE_REQUIRE_CORPORA").is_ok_and(|v| v == "1") {
        panic!(
            "DDEXPROBE_REQUIRE_CORPORA=1 but the {name} corpus ({}) is missing: run scripts/fetch-corpora.sh",
            dir.display()
        );
    }
    skipped(&format!(
        "the {name} corpus ({}) is not there: its rows test nothing here (scripts/fetch-corpora.sh fetches it)",
        dir.display()
    ));
    None
}

/// One row of an expectations table, keyed by column name.
pub type Row = HashMap<String, String>;

/// Read a TSV with a header row. Lines starting with `#` are comments.
pub fn read_tsv(path: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    let header: Vec<String> = lines
        .next()
        .expect("header row")
        .split('\t')
        .map(str::to_string)
        .collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(
                    l.split('\t')
                        .map(|c| c.trim().to_string())
                        .chain(std::iter::repeat(String::new())),
                )
                .collect()
        })
        .collect()
}

fn codes(list: &[ddexprobe::Issue]) -> BTreeSet<String> {
    list.iter().map(|i| i.code.to_string()).collect()
}

fn split_codes(s: &str) -> BTreeSet<String> {
    s.split([',', ';'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// Compare `record` with `row`; every non-empty cell is asserted. Returns
/// the differences as sentences (empty when the record matches).
///
/// `errors`: the exact set of error codes (`*`: at least one error, any
/// code; empty: no error). `warnings`: each listed code must be present
/// (`none`: no warning at all).
pub fn compare(record: &Record, row: &Row) -> Vec<String> {
    let json = serde_json::to_value(record).expect("record serializes");
    let mut diffs = Vec::new();
    for (col, want) in row {
        if want.is_empty() {
            continue;
        }
        match col.as_str() {
            "errors" => {
                let got = codes(&record.errors);
                if want == "*" {
                    if got.is_empty() {
                        diffs.push("errors: expected at least one error, got none".to_string());
                    }
                } else if got != split_codes(want) {
                    diffs.push(format!(
                        "errors: expected {want}, got {got:?} ({:?})",
                        record.errors
                    ));
                }
            }
            "warnings" => {
                let got = codes(&record.warnings);
                if want == "none" {
                    if !got.is_empty() {
                        diffs.push(format!("warnings: expected none, got {got:?}"));
                    }
                    continue;
                }
                for w in split_codes(want) {
                    if !got.contains(&w) {
                        diffs.push(format!("warnings: expected {w}, got {got:?}"));
                    }
                }
            }
            "fileFormat" | "audioCodec" | "sampleFormat" | "duration" | "durationSource" => {
                let got = json.get(col).and_then(|v| v.as_str()).unwrap_or("");
                if got != want {
                    diffs.push(format!("{col}: expected {want}, got {got:?}"));
                }
            }
            "sampleRate" | "bitDepth" | "containerBitDepth" | "numberOfChannels"
            | "channelMask" | "totalSamples" | "declaredSamples" => {
                let got = json.get(col).and_then(|v| v.as_u64());
                if got.map(|g| g.to_string()).as_deref() != Some(want.as_str()) {
                    diffs.push(format!("{col}: expected {want}, got {got:?}"));
                }
            }
            _ => {}
        }
    }
    // An empty errors cell means "no error".
    if row.get("errors").is_some_and(|e| e.is_empty()) && !record.errors.is_empty() {
        diffs.push(format!("errors: expected none, got {:?}", record.errors));
    }
    diffs.sort();
    diffs
}

/// Every file under `dir`, recursively, in sorted order.
pub fn all_files(dir: &Path, out: &mut Vec<PathBuf>) {
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

/// Say loudly that a test tested nothing: written to the process's
/// standard error directly, which the test harness does not capture, so it
/// shows among the `ok` lines of a run.
pub fn skipped(why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "\n*** SKIPPED: {why} ***\n");
}
