//! Where ddexprobe writes, in folders others can write to: `-o` through a
//! link, planted temporary names, every input protected, concurrent
//! sidecar runs, leftovers of killed runs, long and non-UTF-8 names.

use crate::util::{bin, testdata};
use predicates::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

const WAV: &str = "wav-pcm16-44k-stereo.wav";

fn album(dir: &Path, files: &[&str]) {
    for f in files {
        fs::copy(testdata(f), dir.join(f)).unwrap();
    }
}

fn sidecar_of(audio: &Path) -> PathBuf {
    let mut name = audio.file_name().unwrap().to_os_string();
    name.push(".technical.json");
    audio.with_file_name(name)
}

/// `-o` through a symbolic link to a longer existing file: the link's
/// target is replaced whole (one valid document, nothing of the old tail),
/// the link stays a link, for every command that takes `-o`.
#[cfg(unix)]
#[test]
fn output_through_a_link_replaces_its_target_whole() {
    let dir = tempfile::tempdir().unwrap();
    let music = dir.path().join("music");
    fs::create_dir(&music).unwrap();
    album(&music, &[WAV]);
    fs::write(
        music.join("wav-pcm16-44k-stereo.json"),
        r#"{"soundRecordingDetails": {"isrc": "USRC17607839", "title": "T"}}"#,
    )
    .unwrap();
    // Exit codes: check finds the asset not ready (1).
    let commands: [(&[&str], i32); 3] = [
        (&["scan", "-q", "--format", "json"], 0),
        (&["check", "-q", "--format", "json"], 1),
        (&["ern", "--ern", "4.3"], 0),
    ];
    for (args, code) in commands {
        let target = dir.path().join("report.out");
        fs::write(&target, "x".repeat(100_000)).unwrap();
        let link = dir.path().join("latest.out");
        let _ = fs::remove_file(&link);
        std::os::unix::fs::symlink("report.out", &link).unwrap();
        bin()
            .args(args)
            .arg(&music)
            .arg("-o")
            .arg(&link)
            .assert()
            .code(code);
        let text = fs::read_to_string(&target).unwrap();
        assert!(!text.contains("xxxx"), "{args:?}: the old tail is left");
        if args[0] == "ern" {
            assert!(text.starts_with("<?xml") && text.trim_end().ends_with('>'));
        } else {
            serde_json::from_str::<serde_json::Value>(&text)
                .unwrap_or_else(|e| panic!("{args:?}: not one JSON document: {e}"));
        }
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
}

/// The temporary names older versions used (`.NAME.PID.tmp`) planted as
/// links for every pid the child may get: no link is followed, the victim
/// is untouched and the output is a regular file.
#[cfg(unix)]
#[test]
fn planted_temporary_links_are_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    album(dir.path(), &[WAV]);
    let victim = dir.path().join("victim.txt");
    fs::write(&victim, "precious").unwrap();
    let me = std::process::id();
    for pid in me.saturating_sub(50)..me + 3000 {
        for name in [".out.json", &format!(".{WAV}.technical.json")] {
            let plant = dir.path().join(format!("{name}.{pid}.tmp"));
            std::os::unix::fs::symlink(&victim, plant).unwrap();
        }
    }
    let out = dir.path().join("out.json");
    bin()
        .args(["scan", "-q", "--format", "json", "-o"])
        .arg(&out)
        .arg(dir.path().join(WAV))
        .assert()
        .code(0);
    bin().arg("sidecar").arg(dir.path()).assert().code(0);
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
    for f in [out, sidecar_of(&dir.path().join(WAV))] {
        let meta = fs::symlink_metadata(&f).unwrap();
        assert!(
            meta.file_type().is_file(),
            "{} is not a regular file",
            f.display()
        );
    }
}

/// Every input is protected by identity: the manifest, a sidecar, the
/// profile, the audio, and links to any of them.
#[cfg(unix)]
#[test]
fn no_output_replaces_an_input() {
    let dir = tempfile::tempdir().unwrap();
    album(dir.path(), &[WAV]);
    let audio = dir.path().join(WAV);
    let sidecar = dir.path().join("wav-pcm16-44k-stereo.json");
    fs::write(&sidecar, r#"{"soundRecordingDetails": {"title": "T"}}"#).unwrap();
    let manifest = dir.path().join("manifest.json");
    fs::write(
        &manifest,
        format!(r#"{{"{WAV}": {{"soundRecordingDetails": {{"title": "T"}}}}}}"#),
    )
    .unwrap();
    let profile = dir.path().join("profile.json");
    fs::write(&profile, "{}").unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&sidecar, &link).unwrap();
    let before: Vec<Vec<u8>> = [&audio, &sidecar, &manifest, &profile]
        .iter()
        .map(|p| fs::read(p).unwrap())
        .collect();

    let cases: Vec<(Vec<&str>, &Path)> = vec![
        (vec!["check"], &sidecar),
        (vec!["check"], &link),
        (vec!["check"], &audio),
        (vec!["ern", "--ern", "4.3"], &sidecar),
        (vec!["scan"], &audio),
    ];
    for (args, out) in cases {
        bin()
            .args(&args)
            .arg(dir.path())
            .arg("-o")
            .arg(out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("refusing to overwrite"));
    }
    let m = manifest.to_str().unwrap();
    for args in [
        vec!["check", "--metadata", m],
        vec!["ern", "--ern", "4.3", "--metadata", m],
    ] {
        // The manifest, and the sidecars read with it.
        for out in [&manifest, &sidecar] {
            bin()
                .args(&args)
                .arg(&audio)
                .arg("-o")
                .arg(out)
                .assert()
                .code(2)
                .stderr(predicate::str::contains("refusing to overwrite"));
        }
    }
    bin()
        .args(["check", "--profile"])
        .arg(&profile)
        .arg(&audio)
        .arg("-o")
        .arg(&profile)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("refusing to overwrite"));
    let after: Vec<Vec<u8>> = [&audio, &sidecar, &manifest, &profile]
        .iter()
        .map(|p| fs::read(p).unwrap())
        .collect();
    assert_eq!(before, after);
}

/// Two `sidecar` runs over one tree at once both succeed, and every
/// sidecar is whole.
#[test]
fn concurrent_sidecar_runs_are_safe() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = [
        WAV,
        "flac-16bit-44k-stereo.flac",
        "aiff-pcm16-44k-stereo.aiff",
        "mp3-lame-vbr-44k-mono.mp3",
        "m4a-aac-44k-stereo.m4a",
    ];
    for copy in 0..8 {
        let sub = dir.path().join(format!("disc{copy}"));
        fs::create_dir(&sub).unwrap();
        album(&sub, &fixtures);
    }
    let spawn = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_ddexprobe"))
            .arg("sidecar")
            .arg(dir.path())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for copy in 0..8 {
        for f in fixtures {
            let s = sidecar_of(&dir.path().join(format!("disc{copy}")).join(f));
            let v: serde_json::Value = serde_json::from_slice(&fs::read(&s).unwrap()).unwrap();
            assert_eq!(v["generatedBy"]["tool"], "ddexprobe");
        }
    }
    let leftovers: Vec<_> = walk(dir.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// A temporary file a killed run left is removed by the next run that
/// writes into its folder; one whose process is alive, or a name that is
/// not ours, is kept.
#[cfg(target_os = "linux")]
#[test]
fn leftovers_of_killed_runs_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    album(dir.path(), &[WAV]);
    // Above any pid_max: a process that cannot be running.
    let dead = dir.path().join(".ddexprobe-4194305-a1b2c3d4e5f6.tmp");
    let alive = dir.path().join(format!(
        ".ddexprobe-{}-a1b2c3d4e5f6.tmp",
        std::process::id()
    ));
    let users = dir.path().join(".ddexprobe-notes.tmp");
    for p in [&dead, &alive, &users] {
        fs::write(p, "x").unwrap();
    }
    bin().arg("sidecar").arg(dir.path()).assert().code(0);
    assert!(!dead.exists());
    assert!(alive.exists() && users.exists());
    fs::write(&dead, "x").unwrap();
    bin()
        .args(["scan", "-q", "-o"])
        .arg(dir.path().join("out.ndjson"))
        .arg(dir.path().join(WAV))
        .assert()
        .code(0);
    assert!(!dead.exists());
}

/// Output names up to the 255-byte limit work: the temporary name does not
/// grow with them.
#[test]
fn output_names_up_to_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join(format!("{}.json", "n".repeat(250)));
    bin()
        .args(["scan", "-q", "--format", "json", "-o"])
        .arg(&out)
        .arg(testdata(WAV))
        .assert()
        .code(0);
    serde_json::from_slice::<serde_json::Value>(&fs::read(&out).unwrap()).unwrap();
}

/// Two files whose names are not valid UTF-8 and differ only there share
/// a display form: each is found by its real path, a manifest entry
/// matches neither, and an ERN message refuses to name them.
#[cfg(target_os = "linux")]
#[test]
fn non_utf8_names_keep_their_identity() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join(OsStr::from_bytes(b"take\xff.wav"));
    let b = dir.path().join(OsStr::from_bytes(b"take\xfe.wav"));
    fs::copy(testdata(WAV), &a).unwrap();
    fs::copy(testdata("wav-pcm24-48k-stereo.wav"), &b).unwrap();
    fs::write(
        dir.path().join(OsStr::from_bytes(b"take\xff.json")),
        r#"{"ddexMetadata": {"title": "Only A"}}"#,
    )
    .unwrap();
    // Sidecars by real path: only A has one.
    let out = bin()
        .args(["check", "--format", "ndjson", "-q"])
        .arg(dir.path())
        .output()
        .unwrap();
    let reports: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reports.len(), 2);
    let missing_title = |r: &serde_json::Value| {
        r["missingFields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f.as_str().unwrap().ends_with("title"))
    };
    assert_eq!(
        reports.iter().filter(|r| missing_title(r)).count(),
        1,
        "{reports:?}"
    );
    // A manifest keyed by the lossy form matches neither file.
    let manifest = dir.path().join("m.json");
    fs::write(
        &manifest,
        r#"{"take\ufffd.wav": {"ddexMetadata": {"title": "Whose?"}}}"#,
    )
    .unwrap();
    bin()
        .args(["check", "--format", "ndjson", "-q", "--metadata"])
        .arg(&manifest)
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("Whose?").not());
    bin()
        .args(["ern", "--ern", "4.3"])
        .arg(&a)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("not valid UTF-8"));
}

/// Ctrl-C while an output is being written: the process exits 130 and no
/// hidden temporary file is left behind, nor a partial output.
#[test]
#[cfg(unix)]
fn an_interrupt_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    // A WAV header over 3 GB of (sparse) zeros: hashing it takes seconds.
    let big = dir.path().join("big.wav");
    let data_len: u32 = 3_000_000_000;
    let mut header = Vec::new();
    header.extend_from_slice(b"RIFF");
    header.extend_from_slice(&(data_len + 36).to_le_bytes());
    header.extend_from_slice(b"WAVEfmt ");
    header.extend_from_slice(&16u32.to_le_bytes());
    for v in [1u16, 2] {
        header.extend_from_slice(&v.to_le_bytes());
    }
    header.extend_from_slice(&44_100u32.to_le_bytes());
    header.extend_from_slice(&176_400u32.to_le_bytes());
    for v in [4u16, 16] {
        header.extend_from_slice(&v.to_le_bytes());
    }
    header.extend_from_slice(b"data");
    header.extend_from_slice(&data_len.to_le_bytes());
    let f = std::fs::File::create(&big).unwrap();
    std::io::Write::write_all(&mut &f, &header).unwrap();
    f.set_len(u64::from(data_len) + 44).unwrap();
    drop(f);
    let out = dir.path().join("records.json");
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("ddexprobe"))
        .args(["scan", "--hash", "sha256", "--format", "json", "-o"])
        .arg(&out)
        .arg(&big)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the temporary output exists, then interrupt.
    let started = std::time::Instant::now();
    let temporaries = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                let name = e.as_ref().unwrap().file_name();
                name.to_string_lossy().starts_with(".ddexprobe-")
            })
            .count()
    };
    while temporaries() == 0 && started.elapsed() < std::time::Duration::from_secs(10) {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(
        temporaries(),
        1,
        "the output is written through a temporary file"
    );
    rustix::process::kill_process(
        rustix::process::Pid::from_child(&child),
        rustix::process::Signal::INT,
    )
    .unwrap();
    let done = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(130), "{err}");
    assert!(
        err.contains("interrupted; 1 unfinished output file(s) removed"),
        "{err}"
    );
    assert_eq!(temporaries(), 0, "no temporary file is left");
    assert!(!out.exists(), "no partial output");
}
