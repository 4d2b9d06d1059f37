//! Records and readiness reports read back exactly: every line `scan` and
//! `check` write deserialises into the library's types and serialises again
//! to the same bytes (floats included), and a field this version does not
//! write is refused.

use crate::util::{bin, testdata};
use ddexprobe::Record;
use ddexprobe::readiness::Report;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The NDJSON lines of one run (whatever its exit code).
fn lines(args: &[&str]) -> Vec<String> {
    let out = bin().args(args).output().unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1), "{args:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// Deserialise each line as `T` and serialise it again: the same bytes.
fn round_trips<T: DeserializeOwned + Serialize>(lines: &[String]) {
    for line in lines {
        let value: T = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert_eq!(&serde_json::to_string(&value).unwrap(), line);
    }
}

#[test]
fn scan_records_read_back_byte_for_byte() {
    let dir = testdata("");
    let dir = dir.to_str().unwrap();
    let full = lines(&[
        "scan",
        "--format",
        "ndjson",
        "--all",
        "--verify",
        "--qc",
        "--hash",
        "md5,sha256",
        dir,
    ]);
    let headers = lines(&["scan", "--format", "ndjson", "--all", "--hash", "none", dir]);
    // Every kind of content testdata holds: measured audio, QC figures,
    // verification, tags, artwork and other non-audio files, failures.
    for (part, lines) in [("qc", &full), ("verification", &full), ("artwork", &full)] {
        assert!(
            lines.iter().any(|l| l.contains(&format!("\"{part}\":{{"))),
            "{part}"
        );
    }
    assert!(full.iter().any(|l| l.contains("\"nonAudio\":{")));
    assert!(full.iter().any(|l| l.contains("\"tags\":{")));
    assert!(full.len() > 300, "{}", full.len());
    assert_eq!(full.len(), headers.len());
    round_trips::<Record>(&full);
    round_trips::<Record>(&headers);
}

#[test]
fn check_reports_read_back_byte_for_byte() {
    let catalog = testdata("catalog");
    let reports = lines(&[
        "check",
        "--format",
        "ndjson",
        "--verify",
        "--qc",
        catalog.to_str().unwrap(),
    ]);
    assert!(reports.iter().any(|l| l.contains("\"currentValue\":")));
    assert!(reports.len() >= 10, "{}", reports.len());
    round_trips::<Report>(&reports);
}

#[test]
fn unknown_fields_are_refused() {
    let dir = testdata("");
    let line = lines(&[
        "scan",
        "--format",
        "ndjson",
        "--hash",
        "none",
        dir.to_str().unwrap(),
    ])
    .into_iter()
    .next()
    .unwrap();
    assert!(serde_json::from_str::<Record>(&line).is_ok());
    let extra = line.replacen('{', "{\"newField\":1,", 1);
    let err = serde_json::from_str::<Record>(&extra).unwrap_err();
    assert!(
        err.to_string().contains("unknown field `newField`"),
        "{err}"
    );
    // Nested objects too.
    let nested = r#"{"code":"empty_file","message":"m","extra":true}"#;
    assert!(serde_json::from_str::<ddexprobe::record::Issue>(nested).is_err());
    // A non-audio format this version never writes.
    let odd = r#"{"kind":"image","format":"HEIC"}"#;
    assert!(serde_json::from_str::<ddexprobe::formats::nonaudio::NonAudio>(odd).is_err());
}
