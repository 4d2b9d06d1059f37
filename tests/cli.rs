//! The `ddexprobe` binary: commands, formats, exit codes and messages.

use crate::util::{bin, testdata};
use predicates::prelude::*;
use std::path::PathBuf;

/// Run `ddexprobe ARGS PATHS...`, check the exit code, return stdout.
fn run(args: &[&str], paths: &[PathBuf], code: i32) -> Vec<u8> {
    bin()
        .args(args)
        .args(paths)
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone()
}

/// How many audio files a scan of `testdata/` finds: the fixtures
/// `testdata/expected.tsv` lists, and the audio of the readiness catalog
/// in `testdata/catalog/`.
fn fixture_count() -> usize {
    let table = std::fs::read_to_string(testdata("expected.tsv")).unwrap();
    // Fixtures a directory walk takes (a `.mkv` one is passed by name only).
    let listed = table
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .filter(|l| {
            let name = l.split('\t').next().unwrap_or("");
            let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
            ddexprobe::formats::extension(ext).is_none_or(|e| e.walked)
        })
        .count();
    // The catalogs of audio and sidecars: their audio files.
    let audio = |dir: &str| {
        std::fs::read_dir(testdata(dir))
            .unwrap()
            .filter(|e| {
                let name = e
                    .as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .into_owned();
                !name.ends_with(".json")
            })
            .count()
    };
    // The release folders: their audio and covers (JPEG and PNG are
    // walked as artwork), at any depth.
    let mut releases = Vec::new();
    crate::util::all_files(&testdata("releases"), &mut releases);
    let release_files = releases
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e != "json"))
        .count();
    // Cover art is walked too: the images `testdata/artwork/expected.tsv`
    // lists.
    let artwork = std::fs::read_to_string(testdata("artwork/expected.tsv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .count();
    // The audit batches: the audio and images their messages name (and
    // the stray file one of them holds); not the messages or expectations.
    let mut batches = Vec::new();
    crate::util::all_files(&testdata("audit"), &mut batches);
    let audit_files = batches
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e != "json" && e != "xml"))
        .count();
    listed
        + audio("catalog")
        + audio("verdicts")
        + audio("duplicates")
        + artwork
        + release_files
        + audit_files
}

fn records(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is a JSON record"))
        .collect()
}

#[test]
fn scan_of_testdata_lists_every_fixture_in_sorted_order_and_exits_1() {
    // testdata holds deliberately broken files, so the scan reports errors.
    let out = run(
        &["scan", "--format", "ndjson", "--hash", "none", "-q"],
        &[testdata("")],
        1,
    );
    let recs = records(&out);
    let paths: Vec<String> = recs
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_string())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "records come out in sorted input order");
    assert_eq!(
        recs.len(),
        fixture_count(),
        "every fixture but README.md and expected.tsv"
    );
    assert!(
        paths.contains(&"wav-pcm16-44k-stereo.wav".to_string()),
        "paths are relative to the scanned root"
    );
    let clean = recs
        .iter()
        .find(|r| r["path"] == "wav-pcm16-44k-stereo.wav")
        .unwrap();
    assert_eq!(clean["sampleRate"], 44100);
    assert!(clean["md5"].is_null(), "--hash none computes no digest");
    assert_eq!(clean["errors"].as_array().unwrap().len(), 0);
}

#[test]
fn clean_files_exit_0_with_both_digests() {
    let out = run(
        &["scan", "--format", "ndjson", "-q"],
        &[
            testdata("wav-pcm16-44k-stereo.wav"),
            testdata("flac-16bit-44k-stereo.flac"),
        ],
        0,
    );
    let recs = records(&out);
    assert_eq!(recs.len(), 2);
    for r in &recs {
        assert_eq!(r["md5"].as_str().unwrap().len(), 32);
        assert_eq!(r["sha256"].as_str().unwrap().len(), 64);
    }
    // Given explicitly: the path is as given.
    assert!(
        recs[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("testdata/wav-pcm16-44k-stereo.wav")
    );
}

#[test]
fn missing_path_is_a_usage_error() {
    bin()
        .args(["scan", "/no/such/catalog"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "/no/such/catalog: no such file or directory",
        ));
}

#[test]
fn bad_flags_are_usage_errors() {
    bin().args(["scan", "--jobs", "0", "."]).assert().code(2);
    bin()
        .args(["scan", "--hash", "crc32", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown hash 'crc32'"));
    bin()
        .args(["scan", "--format", "xml", "."])
        .assert()
        .code(2);
    bin().args(["scan"]).assert().code(2);
    bin().args(["frobnicate"]).assert().code(2);
}

#[test]
fn truncated_file_gets_a_clear_error_and_the_batch_finishes() {
    let out = run(
        &["scan", "--format", "ndjson", "-q", "--hash", "none"],
        &[
            testdata("wav-truncated-data.wav"),
            testdata("text-named.wav"),
            testdata("wav-pcm16-48k-mono.wav"),
        ],
        1,
    );
    let recs = records(&out);
    assert_eq!(recs.len(), 3);
    assert_eq!(recs[0]["errors"][0]["code"], "truncated_data");
    assert!(
        recs[0]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("1000 sample frames")
    );
    assert_eq!(recs[0]["totalSamples"], 500);
    assert_eq!(recs[0]["declaredSamples"], 1000);
    assert_eq!(recs[1]["errors"][0]["code"], "unsupported_format");
    assert_eq!(recs[2]["errors"].as_array().unwrap().len(), 0);
}

#[test]
fn json_output_is_one_document_with_a_summary() {
    let out = run(
        &["scan", "--format", "json", "-q", "--hash", "none"],
        &[testdata("")],
        1,
    );
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["records"].as_array().unwrap().len(), fixture_count());
    assert_eq!(doc["summary"]["files"], fixture_count());
    assert!(doc["summary"]["filesWithErrors"].as_u64().unwrap() >= 10);
    assert!(doc["summary"]["formats"]["WAV"].as_u64().unwrap() >= 20);
    assert!(
        doc["summary"]["errorCodes"]["truncated_data"]
            .as_u64()
            .unwrap()
            >= 3
    );
}

#[test]
fn csv_has_the_documented_header_and_a_row_per_file() {
    let out = run(
        &["scan", "--format", "csv", "-q", "--hash", "md5"],
        &[
            testdata("wav-extensible-24in32-48k-stereo.wav"),
            testdata("empty.wav"),
        ],
        1,
    );
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with(
        "path,sizeBytes,fileFormat,audioCodec,sampleFormat,sampleRate,bitDepth,containerBitDepth"
    ));
    assert!(
        lines[1].contains(",WAV,PCM,int,48000,24,32,2,3,"),
        "{}",
        lines[1]
    );
    // errors, then warnings, then the lossy, tag, verification and ADM
    // columns (all empty here).
    assert!(
        lines[2].ends_with(",empty_file,,,,,,,,,,,,,,,,,,,"),
        "{}",
        lines[2]
    );
    assert!(lines[0].ends_with(
        ",tags.isrc,tags.title,tags.artist,pcmMd5,verification.status,verification.decodedSamples,adm,admTracks,admBedChannels,admObjects,pathBytes,nonAudio,artwork.width,artwork.height,artwork.colorSpace"
    ));
}

#[test]
fn table_is_for_people() {
    bin()
        .args(["scan", "--format", "table", "-q", "--hash", "none"])
        .arg(testdata("flac-md5-unset.flac"))
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("FORMAT").and(predicate::str::contains("warning: md5_unset")),
        );
}

#[test]
fn default_format_off_a_terminal_is_ndjson() {
    let out = run(
        &["scan", "-q"],
        &[testdata("aiff-pcm16-44k-stereo.aiff")],
        0,
    );
    assert_eq!(records(&out)[0]["fileFormat"], "AIFF");
}

#[test]
fn summary_goes_to_stderr_only() {
    bin()
        .args(["scan", "--format", "ndjson", "--hash", "none"])
        .arg(testdata("wav-pcm24-48k-stereo.wav"))
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("{\"path\""))
        .stderr(predicate::str::contains(
            "ddexprobe: 1 files (WAV 1); 0 with errors",
        ));
}

#[test]
fn inspect_prints_a_report_per_file() {
    bin()
        .args(["inspect", "--hash", "none"])
        .arg(testdata("wav-extensible-20in24-96k-stereo.wav"))
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("20 bits in 24-bit containers")
                .and(predicate::str::contains("96000 Hz"))
                .and(predicate::str::contains("from header")),
        );
    bin()
        .args(["inspect", "--hash", "none"])
        .arg(testdata("flac-truncated-mid-frame.flac"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "error              truncated_data:",
        ));
    let out = run(
        &["inspect", "--format", "json", "--hash", "none"],
        &[testdata("flac-named.wav")],
        0,
    );
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["records"][0]["fileFormat"], "FLAC");
    assert_eq!(
        doc["records"][0]["warnings"][0]["code"],
        "extension_mismatch"
    );
}

#[test]
fn output_file_is_written_whole_and_never_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let audio = dir.path().join("a.wav");
    std::fs::copy(testdata("wav-pcm16-44k-stereo.wav"), &audio).unwrap();
    let before = std::fs::read(&audio).unwrap();
    bin()
        .args(["scan", "-q", "-o"])
        .arg(&audio)
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("refusing to overwrite"));
    assert_eq!(
        std::fs::read(&audio).unwrap(),
        before,
        "the audio file is untouched"
    );

    let out = dir.path().join("records.ndjson");
    bin()
        .args(["scan", "-q", "-o"])
        .arg(&out)
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout("");
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 1);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn closed_stdout_pipe_ends_quietly() {
    use std::io::Read;
    use std::process::{Command as Std, Stdio};
    let dir = tempfile::tempdir().unwrap();
    for i in 0..2000 {
        std::fs::write(dir.path().join(format!("{i:04}.wav")), b"not audio at all").unwrap();
    }
    let mut child = Std::new(assert_cmd::cargo::cargo_bin("ddexprobe"))
        .args(["scan", "-q", "--format", "ndjson", "--hash", "none"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then close the pipe as `head -1` would.
    let mut stdout = child.stdout.take().unwrap();
    let mut buf = [0u8; 64];
    let _ = stdout.read(&mut buf).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("error"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(2));
}

#[test]
fn walk_skips_hidden_and_sidecars_but_all_sniffs_everything() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        testdata("flac-16bit-44k-stereo.flac"),
        dir.path().join("x.bin"),
    )
    .unwrap();
    std::fs::copy(
        testdata("wav-pcm16-44k-stereo.wav"),
        dir.path().join(".hidden.wav"),
    )
    .unwrap();
    std::fs::write(dir.path().join("x.json"), b"{}").unwrap();
    // Nothing to measure without --all: nothing done, said so.
    bin()
        .args(["scan", "-q"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains(
            "--all takes every file) [no_audio_files]",
        ));
    let out = run(
        &["scan", "-q", "--all", "--hash", "none"],
        &[dir.path().to_path_buf()],
        0,
    );
    let recs = records(&out);
    assert_eq!(recs.len(), 1);
    assert_eq!(
        recs[0]["fileFormat"], "FLAC",
        "content decides, not the .bin name"
    );
}

#[test]
fn jobs_do_not_change_the_output() {
    let run = |jobs: &str| {
        bin()
            .args(["scan", "--format", "ndjson", "-q", "--jobs", jobs])
            .arg(testdata(""))
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone()
    };
    assert_eq!(run("1"), run("4"));
}

#[test]
#[cfg(unix)]
fn output_to_a_device_writes_through_it() {
    use std::os::unix::fs::FileTypeExt;
    // Renaming a temporary file over /dev/null would replace the device.
    bin()
        .args(["scan", "-q", "-o", "/dev/null"])
        .arg(testdata("wav-pcm16-44k-stereo.wav"))
        .assert()
        .code(0)
        .stdout("");
    let meta = std::fs::metadata("/dev/null").unwrap();
    assert!(
        meta.file_type().is_char_device(),
        "/dev/null is still a device"
    );
}

#[test]
fn verify_exits_1_on_audio_damage_the_headers_do_not_show() {
    // The header probe finds this file clean; decoding does not.
    let flipped = testdata("flac-bitflip-in-frame.flac");
    run(
        &["scan", "--format", "ndjson"],
        std::slice::from_ref(&flipped),
        0,
    );
    let out = run(&["scan", "--verify", "--format", "ndjson"], &[flipped], 1);
    let r = &records(&out)[0];
    assert_eq!(r["verification"]["status"], "corrupt");
    assert_eq!(r["errors"][0]["code"], "frame_crc_mismatch");
    assert!(r["pcmMd5"].is_null());

    let clean = testdata("flac-16bit-44k-stereo.flac");
    let out = run(&["scan", "--verify", "--format", "ndjson"], &[clean], 0);
    let r = &records(&out)[0];
    assert_eq!(r["verification"]["status"], "ok");
    assert_eq!(r["verification"]["decodedSamples"], 4000);
    assert_eq!(r["durationSource"], "decoded");
    assert_eq!(r["pcmMd5"], r["flacMd5"]);
}

#[test]
fn verify_json_lists_duplicate_masters() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.flac");
    let b = dir.path().join("b.flac");
    let c = dir.path().join("c.flac");
    std::fs::copy(testdata("flac-16bit-44k-stereo.flac"), &a).unwrap();
    std::fs::copy(testdata("flac-16bit-44k-stereo.flac"), &b).unwrap();
    // Same audio, different bytes (an ID3v2 tag in front).
    std::fs::copy(testdata("flac-id3v2.flac"), &c).unwrap();
    let out = run(
        &["scan", "--verify", "--format", "json"],
        &[dir.path().to_path_buf()],
        0,
    );
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let groups = doc["summary"]["duplicates"].as_array().unwrap();
    assert_eq!(groups.len(), 2, "{groups:?}");
    assert_eq!(groups[0]["by"], "sha256");
    assert_eq!(groups[0]["paths"], serde_json::json!(["a.flac", "b.flac"]));
    assert_eq!(groups[1]["by"], "pcmMd5");
    assert_eq!(
        groups[1]["paths"],
        serde_json::json!(["a.flac", "b.flac", "c.flac"])
    );
    assert_eq!(doc["summary"]["verification"]["ok"], 2);
}

/// The conventions of the tools around it: a version that names its
/// build, completions and a manual page from the same flag definitions,
/// `--color` and `NO_COLOR`.
#[test]
fn version_completions_man_and_colour() {
    let out = bin().arg("--version").output().unwrap();
    let v = String::from_utf8(out.stdout).unwrap();
    assert!(
        v.starts_with(&format!("ddexprobe {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{v}"
    );
    assert!(v.contains("features: cli"), "{v}");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = bin().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(
            script.contains("ddexprobe") && script.contains("verify-budget"),
            "{shell}"
        );
    }
    let out = bin().arg("man").output().unwrap();
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH ddexprobe 1"), "{page}");
    for section in [
        "DDEXPROBE SCAN",
        "DDEXPROBE CHECK",
        "DDEXPROBE ERN",
        "\\-\\-fail\\-on",
    ] {
        assert!(page.contains(section), "{section}");
    }
    // Colour: on when asked, never with --color never or NO_COLOR (auto).
    let missing = "/no/such/file.wav";
    let err = |args: &[&str], no_color: bool| {
        let mut cmd = bin();
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        String::from_utf8(cmd.args(args).arg(missing).output().unwrap().stderr).unwrap()
    };
    assert!(err(&["--color", "always", "scan"], false).contains("\u{1b}[1;31merror:\u{1b}[0m"));
    assert!(err(&["scan", "--color=always"], true).contains("\u{1b}["));
    assert!(!err(&["--color", "never", "scan"], false).contains('\u{1b}'));
    assert!(!err(&["scan"], true).contains('\u{1b}'));
}
