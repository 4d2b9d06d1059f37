//! Names and text that try to drive a terminal, a CI log or a spreadsheet:
//! escape sequences, C1 controls and bidi overrides in file names reach
//! standard error and GitHub annotations only made visible; CSV cells that
//! a spreadsheet would run as formulas are neutralised.

use crate::util::{bin, testdata};
use std::fs;

/// Bytes that must never reach a terminal or a log raw.
fn has_raw_controls(s: &[u8]) -> bool {
    let text = String::from_utf8_lossy(s);
    text.chars()
        .any(|c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c))
}

#[cfg(unix)]
#[test]
fn hostile_names_are_made_visible_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let evil = "\x1b]0;pwned\x07\x1b[2J\u{9b}31m\u{202e}vaw.wav";
    fs::write(dir.path().join(evil), b"").unwrap();
    fs::copy(
        testdata("wav-pcm16-44k-stereo.wav"),
        dir.path().join(format!("{evil}2.wav")),
    )
    .unwrap();
    // A loop the walk warns about, named the same way.
    std::os::unix::fs::symlink(".", dir.path().join(format!("{evil}loop"))).unwrap();
    let runs: [&[&str]; 5] = [
        &["scan", "--format", "table"],
        &["scan", "-q", "--format", "csv"],
        &["check", "--format", "github"],
        &["check", "--format", "table"],
        &["sidecar"],
    ];
    for args in runs {
        let out = bin().args(args).arg(dir.path()).output().unwrap();
        assert!(
            !has_raw_controls(&out.stderr),
            "{args:?} stderr: {:?}",
            String::from_utf8_lossy(&out.stderr)
        );
        if args != ["scan", "-q", "--format", "csv"] {
            assert!(
                !has_raw_controls(&out.stdout),
                "{args:?} stdout: {:?}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("\\u{1b}")
                || String::from_utf8_lossy(&out.stderr).contains("\\u{1b}")
                || args[0] == "sidecar",
            "{args:?}: the name is not shown made visible"
        );
    }
}

#[test]
fn csv_cells_are_never_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let name = "=HYPERLINK(\"http-x\")@.wav";
    fs::copy(testdata("wav-pcm16-44k-stereo.wav"), dir.path().join(name)).unwrap();
    let out = bin()
        .args(["scan", "-q", "--format", "csv"])
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let row = text.lines().nth(1).unwrap();
    assert!(row.starts_with("\"'=HYPERLINK("), "{row}");
}
