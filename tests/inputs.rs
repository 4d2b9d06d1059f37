//! Inputs as people have them, and exit codes that never hide unfinished
//! work: unreadable and empty directories, devices and FIFOs, paths from
//! standard input, globs, `--fail-on warning`, `--jobs` beyond reason.
//! Exit 2: nothing could be done; 1: done, with problems.

use crate::util::{bin, testdata};
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

const WAV: &str = "wav-pcm16-44k-stereo.wav";

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// An album with one readable and one unreadable folder, readable by
/// everyone else.
#[cfg(unix)]
fn album_with_locked_folder() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    for sub in ["open", "locked"] {
        fs::create_dir(dir.path().join(sub)).unwrap();
        fs::copy(testdata(WAV), dir.path().join(sub).join("a.wav")).unwrap();
        fs::set_permissions(
            dir.path().join(sub).join("a.wav"),
            fs::Permissions::from_mode(0o644),
        )
        .unwrap();
    }
    fs::set_permissions(dir.path().join("open"), fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(dir.path().join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
    dir
}

/// Run the binary as a user whom permissions apply to: as is, or (as
/// root, who reads everything) as `nobody` through setpriv.
#[cfg(unix)]
fn run_unprivileged(args: &[&str], path: &Path) -> Option<std::process::Output> {
    let bin_path = assert_cmd::cargo::cargo_bin("ddexprobe");
    let root = rustix::process::geteuid().is_root();
    let mut cmd = if root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin_path);
        c
    } else {
        std::process::Command::new(&bin_path)
    };
    let out = cmd.args(args).arg(path).output().ok()?;
    if root && out.status.code() == Some(127) || stderr_of(&out).contains("setpriv:") {
        return None;
    }
    Some(out)
}

#[test]
#[cfg(unix)]
fn an_unreadable_folder_fails_the_run_and_is_named() {
    let dir = album_with_locked_folder();
    for (cmd, extra) in [
        ("scan", vec!["--hash", "none", "--format", "ndjson"]),
        ("check", vec!["--format", "junit"]),
        ("ern", vec!["--ern", "4.3", "--fragment", "resource-list"]),
    ] {
        let mut args = vec![cmd];
        args.extend(extra);
        let Some(out) = run_unprivileged(&args, dir.path()) else {
            crate::util::skipped(
                "cannot run as an unprivileged user here: the unreadable-folder test tests nothing",
            );
            return;
        };
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(1), "{cmd}: {err}");
        assert!(
            err.contains("locked: cannot be read") && err.contains("[unreadable_directory]"),
            "{cmd}: {err}"
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        match cmd {
            // The readable half is still measured.
            "scan" => assert_eq!(stdout.lines().count(), 1, "{stdout}"),
            // CI sees the problem as a failing test case.
            "check" => assert!(
                stdout.contains("classname=\"ddexprobe.inputs\""),
                "{stdout}"
            ),
            // A message that would lack a recording is not written.
            _ => {
                assert!(stdout.is_empty(), "{stdout}");
                assert!(err.contains("no ERN written"), "{err}");
            }
        }
    }
}

#[test]
fn nothing_to_do_exits_2_and_a_partly_empty_run_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    for cmd in [
        &["scan"][..],
        &["sidecar"],
        &["check"],
        &["ern", "--ern", "4.3"],
    ] {
        let out = bin().args(cmd).arg(&empty).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd:?}: {}", stderr_of(&out));
        assert!(
            stderr_of(&out).contains("no_audio_files") || stderr_of(&out).contains("no audio file")
        );
    }
    let out = bin()
        .args(["scan", "--hash", "none"])
        .arg(&empty)
        .arg(testdata(WAV))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("1 input problem (no_audio_files 1)"),
        "{}",
        stderr_of(&out)
    );
    // The JSON summary carries it too.
    let out = bin()
        .args(["scan", "--hash", "none", "--format", "json"])
        .arg(&empty)
        .arg(testdata(WAV))
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["inputProblems"][0]["code"], "no_audio_files");
    assert_eq!(doc["summary"]["totalDuration"], "PT0.023S");
    // An empty catalog's total duration is PT0S, not "".
    let out = bin()
        .args(["scan", "--format", "json"])
        .arg(&empty)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["totalDuration"], "PT0S");
}

#[test]
#[cfg(unix)]
fn devices_and_fifos_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.wav");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()));
    let started = Instant::now();
    for path in [Path::new("/dev/zero"), fifo.as_path()] {
        let out = bin()
            .args(["inspect"])
            .arg(path)
            .timeout(Duration::from_secs(20))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
        assert!(
            stderr_of(&out).contains("[not_a_regular_file]"),
            "{}",
            stderr_of(&out)
        );
        let out = bin()
            .args(["scan", "--hash", "none"])
            .arg(path)
            .arg(testdata(WAV))
            .timeout(Duration::from_secs(20))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    }
    // Refused before reading: no 1 GiB of zeros, no wait for a writer.
    assert!(started.elapsed() < Duration::from_secs(15));
}

#[test]
fn paths_come_from_standard_input_and_globs_narrow_walks() {
    let list = format!(
        "{}\r\n\n{}\n",
        testdata(WAV).display(),
        testdata("flac-16bit-44k-stereo.flac").display()
    );
    let out = bin()
        .args(["scan", "--hash", "none", "-q", "-"])
        .write_stdin(list)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);

    let out = bin()
        .args([
            "scan",
            "--hash",
            "none",
            "-q",
            "--include",
            "flac-*",
            "--exclude",
            "flac-id3v2.flac",
        ])
        .args([
            "--exclude",
            "catalog",
            "--exclude",
            "verdicts",
            "--exclude",
            "duplicates",
        ])
        .arg(testdata(""))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let paths: Vec<String> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["path"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(!paths.is_empty());
    assert!(
        paths
            .iter()
            .all(|p| p.starts_with("flac-") && !p.contains('/')),
        "{paths:?}"
    );
    assert!(!paths.contains(&"flac-id3v2.flac".to_string()));
    // A glob that does not parse is a usage error.
    bin()
        .args(["scan", "--include", "a["])
        .arg(testdata(WAV))
        .assert()
        .code(2);
}

#[test]
fn fail_on_warning_gates_on_warnings() {
    // Warnings only: exit 0 by default, 1 with --fail-on warning.
    let warned = testdata("flac-md5-unset.flac");
    bin()
        .args(["scan", "-q", "--hash", "none"])
        .arg(&warned)
        .assert()
        .code(0);
    bin()
        .args(["scan", "-q", "--hash", "none", "--fail-on", "warning"])
        .arg(&warned)
        .assert()
        .code(1);
    // check: the ready asset has no warning and passes either way.
    bin()
        .args(["check", "-q", "--format", "json", "--fail-on", "warning"])
        .arg(testdata("catalog/ready.wav"))
        .assert()
        .code(0);
}

#[test]
fn jobs_beyond_reason_are_capped() {
    let started = Instant::now();
    let out = bin()
        .args(["scan", "--hash", "none", "-j", "4000"])
        .arg(testdata(WAV))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr_of(&out).contains("--jobs 4000: capped at"),
        "{}",
        stderr_of(&out)
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

/// `--all` walks cover art, liner notes and contracts too: each is named
/// for what it is (an image with its size), none is an error, and
/// neither `check` nor `sidecar` treats them as recordings.
#[test]
fn all_names_images_and_documents_without_errors() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(testdata(WAV), dir.path().join("01.wav")).unwrap();
    fs::copy(
        testdata("artwork/art-png-3000-square.png"),
        dir.path().join("cover.png"),
    )
    .unwrap();
    fs::write(dir.path().join("contract.pdf"), b"%PDF-1.7\n").unwrap();
    fs::write(
        dir.path().join("notes.txt"),
        "Recorded live at the Kilns.\n",
    )
    .unwrap();
    let out = bin()
        .args(["scan", "--all", "--hash", "none", "--format", "ndjson"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let records: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<String> = records
        .iter()
        .map(|r| format!("{} {}", r["path"].as_str().unwrap(), r["nonAudio"]))
        .collect();
    assert_eq!(
        kinds,
        [
            "01.wav null",
            r#"contract.pdf {"format":"PDF","kind":"document"}"#,
            r#"cover.png {"format":"PNG","height":3000,"kind":"image","width":3000}"#,
            r#"notes.txt {"format":"text","kind":"text"}"#,
        ]
    );
    assert!(records.iter().all(|r| r["errors"] == serde_json::json!([])));
    // check: one asset and the cover's report; the others are left out
    // and said so.
    let out = bin()
        .args(["check", "--all", "--format", "ndjson"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
    assert!(
        stderr_of(&out).contains("2 files that are not audio"),
        "{}",
        stderr_of(&out)
    );
    // sidecar: the audio gets one, the rest are left alone.
    let out = bin()
        .args(["sidecar", "--all"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("1 sidecars written, 0 unchanged, 0 failed, 3 not audio"));
    // A PDF named as audio is an error: it is not the audio it claims.
    fs::write(
        dir.path().join("02.wav"),
        [b"%PDF-1.7\n".as_slice(), &[b' '; 80]].concat(),
    )
    .unwrap();
    let out = bin()
        .args(["scan", "--hash", "none", "--format", "ndjson"])
        .arg(dir.path().join("02.wav"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("the content is a PDF document, not audio, though the file is named .wav")
    );
}

/// A name that is not UTF-8 is shown with U+FFFD and kept recoverable in
/// `pathBytes` (hex), in JSON and CSV.
#[test]
#[cfg(target_os = "linux")]
fn names_that_are_not_utf8_are_recoverable() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"bad\x9ename.wav");
    fs::copy(testdata(WAV), dir.path().join(name)).unwrap();
    let out = bin()
        .args(["scan", "--hash", "none", "--format", "ndjson"])
        .arg(dir.path())
        .output()
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["path"], "bad\u{fffd}name.wav");
    assert_eq!(r["pathBytes"], "6261649e6e616d652e776176");
    let out = bin()
        .args(["scan", "--hash", "none", "--format", "csv"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(",6261649e6e616d652e776176,"));
}

/// A sidecar whose audio was left out with `--exclude` is not metadata
/// without audio; a sidecar beside no audio at all still is.
#[test]
fn excluded_audio_does_not_orphan_its_sidecar() {
    let out = bin()
        .args(["check", "--format", "ndjson", "--exclude", "ready.wav"])
        .arg(testdata("catalog"))
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert!(
        err.contains("orphan.json: a sidecar beside no audio file"),
        "{err}"
    );
    assert!(!err.contains("ready.json"), "{err}");
    assert!(
        err.contains("1 input problem (metadata_without_audio 1)"),
        "{err}"
    );
}
