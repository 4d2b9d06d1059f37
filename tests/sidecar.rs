//! `ddexprobe sidecar`: technical sidecars beside the audio or under
//! `--out-dir`, never over a file ddexprobe did not write, and re-runs that
//! leave up-to-date sidecars alone.

use crate::util::{bin, testdata};
use predicates::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

const WAV: &str = "wav-pcm16-44k-stereo.wav";

/// Copy fixtures into `dir` under the given relative names.
fn copy(dir: &Path, files: &[(&str, &str)]) {
    for (fixture, rel) in files {
        let dest = dir.join(rel);
        fs::create_dir_all(dest.parent().unwrap()).unwrap();
        fs::copy(testdata(fixture), dest).unwrap();
    }
}

fn sidecar_of(audio: &Path) -> PathBuf {
    let mut name = audio.file_name().unwrap().to_os_string();
    name.push(".technical.json");
    audio.with_file_name(name)
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// Every file under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

fn snapshot(paths: &[PathBuf]) -> Vec<(Vec<u8>, SystemTime)> {
    paths
        .iter()
        .map(|p| {
            (
                fs::read(p).unwrap(),
                fs::metadata(p).unwrap().modified().unwrap(),
            )
        })
        .collect()
}

#[test]
fn writes_the_sidecar_beside_the_audio_with_measured_values() {
    let dir = tempfile::tempdir().unwrap();
    copy(dir.path(), &[(WAV, WAV)]);
    bin()
        .args(["sidecar"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "ddexprobe: 1 sidecars written, 0 unchanged, 0 failed",
        ));

    let audio = dir.path().join(WAV);
    let path = sidecar_of(&audio);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.ends_with("}\n"), "pretty JSON with a trailing newline");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();

    let keys = |v: &serde_json::Value| -> Vec<String> {
        v.as_object().unwrap().keys().cloned().collect::<Vec<_>>()
    };
    let mut top = keys(&v);
    top.sort();
    assert_eq!(
        top,
        [
            "ddexMetadata",
            "file",
            "generatedBy",
            "technicalResourceDetails"
        ]
    );
    assert_eq!(
        v["ddexMetadata"],
        serde_json::json!({"duration": "PT0.023S"})
    );
    assert_eq!(
        v["technicalResourceDetails"],
        serde_json::json!({
            "fileFormat": "WAV",
            "sampleRate": 44100,
            "bitDepth": 16,
            "numberOfChannels": 2,
            "audioCodec": "PCM",
            "totalSamples": 1000,
            "durationSource": "header"
        })
    );
    let size = fs::metadata(&audio).unwrap().len();
    let bytes = fs::read(&audio).unwrap();
    let mut file = keys(&v["file"]);
    file.sort();
    assert_eq!(file, ["md5", "name", "sha256", "sizeBytes"]);
    assert_eq!(v["file"]["name"], WAV);
    assert_eq!(v["file"]["sizeBytes"], size);
    // The digests are the record's: compare with `scan`.
    let scan = bin()
        .args(["scan", "--format", "ndjson", "-q"])
        .arg(&audio)
        .output()
        .unwrap();
    let rec: serde_json::Value = serde_json::from_slice(&scan.stdout).unwrap();
    assert_eq!(v["file"]["md5"], rec["md5"]);
    assert_eq!(v["file"]["sha256"], rec["sha256"]);
    assert_eq!(rec["sizeBytes"].as_u64().unwrap(), bytes.len() as u64);

    let by = &v["generatedBy"];
    let mut gb = keys(by);
    gb.sort();
    assert_eq!(gb, ["sourceModified", "sourceSizeBytes", "tool", "version"]);
    assert_eq!(by["tool"], "ddexprobe");
    assert_eq!(by["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(by["sourceSizeBytes"], size);
    let modified = by["sourceModified"].as_str().unwrap();
    // RFC 3339 UTC with nine fraction digits.
    assert_eq!(modified.len(), "2026-11-21T10:00:00.123456789Z".len());
    assert!(modified.ends_with('Z') && &modified[10..11] == "T" && &modified[19..20] == ".");

    // Key order is the documented one.
    let order = [
        "\"ddexMetadata\"",
        "\"technicalResourceDetails\"",
        "\"fileFormat\"",
        "\"sampleRate\"",
        "\"bitDepth\"",
        "\"numberOfChannels\"",
        "\"audioCodec\"",
        "\"file\"",
        "\"name\"",
        "\"sizeBytes\"",
        "\"md5\"",
        "\"sha256\"",
        "\"generatedBy\"",
        "\"tool\"",
        "\"version\"",
        "\"sourceSizeBytes\"",
        "\"sourceModified\"",
    ];
    let at: Vec<usize> = order.iter().map(|k| text.find(k).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "key order: {text}");

    assert_eq!(
        tree(dir.path()),
        [WAV.to_string(), format!("{WAV}.technical.json")]
    );
}

#[test]
fn lossy_files_have_no_bit_depth_and_hash_none_no_digests() {
    let dir = tempfile::tempdir().unwrap();
    copy(dir.path(), &[("mp3-44k-mono.mp3", "a.mp3")]);
    bin()
        .args(["sidecar", "-q", "--hash", "none"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stderr("");
    let v = read_json(&dir.path().join("a.mp3.technical.json"));
    let t = &v["technicalResourceDetails"];
    assert_eq!(t["fileFormat"], "MP3");
    assert!(t.get("bitDepth").is_none(), "{t}");
    assert!(v["file"].get("md5").is_none() && v["file"].get("sha256").is_none());

    // Asking for digests later rewrites the sidecar, which lacks them.
    bin()
        .args(["sidecar"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("1 sidecars written, 0 unchanged"));
    let v = read_json(&dir.path().join("a.mp3.technical.json"));
    assert!(v["file"]["md5"].is_string() && v["file"]["sha256"].is_string());
}

#[test]
fn out_dir_mirrors_the_relative_paths() {
    let src = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    copy(
        src.path(),
        &[
            (WAV, "album1/01.wav"),
            ("flac-16bit-44k-stereo.flac", "album1/disc2/02.flac"),
            ("aiff-pcm16-44k-stereo.aiff", "album2/03.aiff"),
        ],
    );
    let out_dir = out.path().join("sidecars");
    bin()
        .args(["sidecar", "-j", "2", "--out-dir"])
        .arg(&out_dir)
        .arg(src.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "3 sidecars written, 0 unchanged, 0 failed",
        ));
    assert_eq!(
        tree(&out_dir),
        [
            "album1/01.wav.technical.json",
            "album1/disc2/02.flac.technical.json",
            "album2/03.aiff.technical.json"
        ]
    );
    // Nothing is written beside the audio.
    assert_eq!(
        tree(src.path()),
        ["album1/01.wav", "album1/disc2/02.flac", "album2/03.aiff"]
    );
    let v = read_json(&out_dir.join("album1/disc2/02.flac.technical.json"));
    assert_eq!(v["file"]["name"], "02.flac");
    assert_eq!(v["technicalResourceDetails"]["fileFormat"], "FLAC");

    // The re-run finds them all up to date.
    bin()
        .args(["sidecar", "--out-dir"])
        .arg(&out_dir)
        .arg(src.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "0 sidecars written, 3 unchanged, 0 failed",
        ));
}

#[test]
fn a_rerun_leaves_sidecars_alone_and_a_changed_file_rewrites_only_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let names = ["a.wav", "b.wav", "sub/c.wav"];
    copy(
        dir.path(),
        &names.iter().map(|n| (WAV, *n)).collect::<Vec<_>>(),
    );
    bin()
        .arg("sidecar")
        .arg(dir.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "3 sidecars written, 0 unchanged, 0 failed",
        ));
    let sidecars: Vec<PathBuf> = names
        .iter()
        .map(|n| sidecar_of(&dir.path().join(n)))
        .collect();
    let before = snapshot(&sidecars);

    // Make any rewrite visible in the sidecars' modification times.
    std::thread::sleep(Duration::from_millis(20));
    bin()
        .arg("sidecar")
        .arg(dir.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "0 sidecars written, 3 unchanged, 0 failed",
        ));
    assert_eq!(
        snapshot(&sidecars),
        before,
        "an unchanged run modifies nothing"
    );

    // Change b.wav: new content (one sample altered, same size) and a new
    // modification time.
    let b = dir.path().join("b.wav");
    let mut bytes = fs::read(&b).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    fs::write(&b, &bytes).unwrap();
    let f = fs::File::options().write(true).open(&b).unwrap();
    f.set_modified(SystemTime::now() + Duration::from_secs(5))
        .unwrap();
    drop(f);

    bin()
        .arg("sidecar")
        .arg(dir.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "1 sidecars written, 2 unchanged, 0 failed",
        ));
    let after = snapshot(&sidecars);
    assert_eq!(after[0], before[0]);
    assert_eq!(after[2], before[2]);
    assert_ne!(after[1].0, before[1].0, "b's sidecar is rewritten");
    let v = read_json(&sidecars[1]);
    let old: serde_json::Value = serde_json::from_slice(&before[1].0).unwrap();
    assert_ne!(v["file"]["sha256"], old["file"]["sha256"]);
    assert_ne!(
        v["generatedBy"]["sourceModified"],
        old["generatedBy"]["sourceModified"]
    );

    // Only the audio files and their sidecars: no temporary file is left.
    assert_eq!(
        tree(dir.path()),
        [
            "a.wav",
            "a.wav.technical.json",
            "b.wav",
            "b.wav.technical.json",
            "sub/c.wav",
            "sub/c.wav.technical.json"
        ]
    );
}

#[test]
fn a_sidecar_ddexprobe_did_not_write_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    copy(
        dir.path(),
        &[(WAV, "x.wav"), (WAV, "y.wav"), (WAV, "z.wav")],
    );
    let user = r#"{"duration": "by hand"}"#;
    fs::write(dir.path().join("x.wav.technical.json"), user).unwrap();
    // Valid JSON with another tool's marker, and not JSON at all.
    let other = r#"{"generatedBy": {"tool": "other"}}"#;
    fs::write(dir.path().join("y.wav.technical.json"), other).unwrap();
    fs::write(dir.path().join("z.wav.technical.json"), "notes").unwrap();

    for _ in 0..2 {
        bin()
            .arg("sidecar")
            .arg(dir.path())
            .assert()
            .code(1)
            .stderr(predicate::str::contains(
                "0 sidecars written, 0 unchanged, 3 failed",
            ))
            .stderr(predicate::str::contains("x.wav: "))
            .stderr(predicate::str::contains(
                "x.wav.technical.json: exists and was not written by ddexprobe; not overwritten",
            ));
        assert_eq!(
            fs::read_to_string(dir.path().join("x.wav.technical.json")).unwrap(),
            user
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("y.wav.technical.json")).unwrap(),
            other
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("z.wav.technical.json")).unwrap(),
            "notes"
        );
    }
    // Failure lines are sorted by path.
    let out = bin().arg("sidecar").arg(dir.path()).output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 4, "{err}");
    assert!(lines[0].starts_with("ddexprobe: error: x.wav: "), "{err}");
    assert!(lines[1].starts_with("ddexprobe: error: y.wav: "), "{err}");
    assert!(lines[2].starts_with("ddexprobe: error: z.wav: "), "{err}");
    assert_eq!(tree(dir.path()).len(), 6, "no temporary file is left");
}

#[test]
fn empty_and_unsupported_files_fail_without_a_sidecar() {
    let dir = tempfile::tempdir().unwrap();
    copy(
        dir.path(),
        &[
            ("empty.wav", "empty.wav"),
            ("garbage-bytes.aiff", "voice.aiff"),
            ("wav-truncated-data.wav", "cut.wav"),
            (WAV, "good.wav"),
        ],
    );
    let out = bin().arg("sidecar").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("ddexprobe: 1 sidecars written, 0 unchanged, 3 failed"),
        "{err}"
    );
    assert!(
        err.contains("ddexprobe: error: cut.wav: truncated_data: "),
        "{err}"
    );
    assert!(
        err.contains("ddexprobe: error: empty.wav: empty_file: "),
        "{err}"
    );
    assert!(
        err.contains("ddexprobe: error: voice.aiff: unsupported_format: "),
        "{err}"
    );
    assert_eq!(
        tree(dir.path()),
        [
            "cut.wav",
            "empty.wav",
            "good.wav",
            "good.wav.technical.json",
            "voice.aiff"
        ]
    );
    // Quiet: no summary, but the errors are still printed, as ripgrep
    // does, and the exit code says it.
    let out = bin()
        .args(["sidecar", "-q"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 3, "{err}");
    assert!(
        err.lines().all(|l| l.starts_with("ddexprobe: error: ")),
        "{err}"
    );
}

#[test]
fn files_with_warnings_only_get_a_sidecar() {
    let dir = tempfile::tempdir().unwrap();
    // FLAC content named .wav: extension_mismatch is a warning.
    copy(dir.path(), &[("flac-named.wav", "t.wav")]);
    bin().arg("sidecar").arg(dir.path()).assert().code(0);
    let v = read_json(&dir.path().join("t.wav.technical.json"));
    assert_eq!(v["technicalResourceDetails"]["fileFormat"], "FLAC");
}

#[test]
fn a_sidecar_given_as_input_is_reported_not_measured() {
    let dir = tempfile::tempdir().unwrap();
    copy(dir.path(), &[(WAV, "a.wav")]);
    bin().arg("sidecar").arg(dir.path()).assert().code(0);
    let sidecar = dir.path().join("a.wav.technical.json");
    let before = fs::read(&sidecar).unwrap();
    let out = bin()
        .arg("sidecar")
        .arg(&sidecar)
        .arg(dir.path().join("a.wav"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("0 sidecars written, 1 unchanged, 1 failed"),
        "{err}"
    );
    assert!(
        err.contains("is a sidecar (.technical.json), not audio"),
        "{err}"
    );
    assert_eq!(fs::read(&sidecar).unwrap(), before);
    assert!(
        !dir.path()
            .join("a.wav.technical.json.technical.json")
            .exists()
    );
}

#[test]
fn usage_errors_exit_2() {
    bin()
        .args(["sidecar", "/no/such/path.wav"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such file"));
    bin().arg("sidecar").assert().code(2);
    let dir = tempfile::tempdir().unwrap();
    copy(dir.path(), &[(WAV, "a.wav")]);
    bin()
        .args(["sidecar", "--out-dir"])
        .arg(dir.path().join("a.wav"))
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a directory"));
}

/// The technical sidecar keeps the sample count, and `check --technical`
/// takes an up-to-date one as the measurement instead of reading the
/// audio again; a file whose sidecar no longer matches it is measured.
#[test]
fn check_takes_up_to_date_technical_sidecars_as_the_measurement() {
    let dir = tempfile::tempdir().unwrap();
    copy(dir.path(), &[(WAV, "a.wav")]);
    bin().arg("sidecar").arg(dir.path()).assert().code(0);
    let side: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("a.wav.technical.json")).unwrap())
            .unwrap();
    assert_eq!(side["technicalResourceDetails"]["totalSamples"], 1000);
    assert_eq!(side["technicalResourceDetails"]["durationSource"], "header");
    let reports = |technical: bool| {
        let mut cmd = bin();
        cmd.args(["check", "--format", "ndjson"]);
        if technical {
            cmd.arg("--technical");
        }
        let out = cmd.arg(dir.path().join("a.wav")).output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let measured = reports(false);
    assert_eq!(reports(true), measured);
    // Same size, same modification time, other bytes: --technical judges
    // the sidecar's figures (the audio is not read), a plain check the
    // bytes.
    let wav = dir.path().join("a.wav");
    let reference = dir.path().join("stamp");
    let touch = |from: &std::path::Path, to: &std::path::Path| {
        let ok = std::process::Command::new("touch")
            .arg("-r")
            .arg(from)
            .arg(to)
            .status()
            .unwrap();
        assert!(ok.success());
    };
    fs::write(&reference, b"").unwrap();
    touch(&wav, &reference);
    let len = fs::metadata(&wav).unwrap().len() as usize;
    fs::write(&wav, vec![0u8; len]).unwrap();
    touch(&reference, &wav);
    assert_eq!(reports(true), measured);
    assert!(reports(false).contains("unsupported_format"));
    // A file changed since (another modification time) is measured again.
    fs::write(&wav, vec![0u8; len]).unwrap();
    let changed = reports(true);
    if changed != measured {
        assert!(changed.contains("unsupported_format"), "{changed}");
    }
}

/// Under `--out-dir`, sidecars of names that are not UTF-8 keep the
/// names' bytes: two names that render alike get two sidecars.
#[test]
#[cfg(target_os = "linux")]
fn out_dir_sidecars_keep_names_that_are_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("in");
    let out = dir.path().join("out");
    fs::create_dir(&src).unwrap();
    for b in [0x9e_u8, 0x9f] {
        let bytes = [b'c', b'a', b'f', b, b'.', b'w', b'a', b'v'];
        let name = std::ffi::OsStr::from_bytes(&bytes);
        fs::copy(testdata(WAV), src.join(name)).unwrap();
    }
    bin()
        .arg("sidecar")
        .arg("--out-dir")
        .arg(&out)
        .arg(&src)
        .assert()
        .code(0);
    let mut written: Vec<Vec<u8>> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().as_bytes().to_vec())
        .collect();
    written.sort();
    assert_eq!(
        written,
        [
            b"caf\x9e.wav.technical.json".to_vec(),
            b"caf\x9f.wav.technical.json".to_vec()
        ]
    );
}
