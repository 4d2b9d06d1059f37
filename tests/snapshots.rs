//! Every writer's output pinned whole, as people and tools see it: records
//! in each `scan` format and the `inspect` report, readiness reports in each
//! `check` format, and ERN fragments in each version. A change to any byte
//! fails here and shows the difference; `cargo insta review` accepts an
//! intended one. (Snapshots are reviewed files, easier to read and update
//! than string literals in the tests.)

use crate::util::{bin, root};

/// Run the binary from the repository root (so paths in the output are
/// relative and the same on every machine) and return its stdout.
fn stdout(args: &[&str]) -> String {
    let out = bin().current_dir(root()).args(args).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// A few fixtures of different containers, clean and damaged.
const FIXTURES: &[&str] = &[
    "testdata/wav-pcm24-48k-stereo.wav",
    "testdata/flac-truncated-mid-frame.flac",
    "testdata/mp3-lame-vbr-48k-stereo-id3.mp3",
    "testdata/m4a-aac-tags.m4a",
    "testdata/ogg-vorbis-44k-stereo-tags.ogg",
    "testdata/aiff-pcm16-44k-stereo.aiff",
    "testdata/garbage-bytes.aiff",
];

#[test]
fn scan_formats() {
    for format in ["ndjson", "json", "csv", "table"] {
        let mut args = vec!["scan", "--hash", "md5", "--format", format];
        args.extend(FIXTURES);
        insta::assert_snapshot!(format!("scan_{format}"), stdout(&args));
    }
}

#[test]
fn scan_verify_ndjson() {
    let mut args = vec!["scan", "--verify", "--format", "ndjson"];
    args.extend(FIXTURES);
    insta::assert_snapshot!(stdout(&args));
}

#[test]
fn inspect_text() {
    let mut args = vec!["inspect", "--verify"];
    args.extend(FIXTURES);
    insta::assert_snapshot!(stdout(&args));
}

#[test]
fn check_formats() {
    for format in ["table", "json", "ndjson", "junit", "github"] {
        let out = stdout(&["check", "testdata/catalog", "--format", format]);
        insta::assert_snapshot!(format!("check_{format}"), out);
    }
}

#[test]
fn ern_fragments() {
    for version in ["3.4", "4.3"] {
        for fragment in ["technical", "sound-recording", "resource-list"] {
            // One document per output: one asset for the per-asset
            // fragments, two in the resource list.
            let mut args = vec![
                "ern",
                "--ern",
                version,
                "--fragment",
                fragment,
                "testdata/catalog/ready.wav",
            ];
            if fragment == "resource-list" {
                args.push("testdata/verdicts/hires-96k.wav");
            }
            let out = stdout(&args);
            assert!(!out.is_empty(), "ern {version} {fragment} wrote nothing");
            insta::assert_snapshot!(format!("ern_{version}_{fragment}"), out);
        }
    }
}
