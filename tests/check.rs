//! `ddexprobe check` over the readiness catalog in `testdata/catalog`: one
//! asset per rule, with the exact reports the rules give (worked out by hand
//! from the rules in the README), every output format and exit code.

use crate::util::{bin, testdata};
use serde_json::{Value, json};
use std::path::PathBuf;

fn check(args: &[&str], paths: &[PathBuf], code: i32) -> (String, String) {
    let out = bin()
        .arg("check")
        .args(args)
        .args(paths)
        .assert()
        .code(code)
        .get_output()
        .clone();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The reports of the whole catalog, by path.
fn reports(args: &[&str]) -> std::collections::BTreeMap<String, Value> {
    let mut all = vec!["--format", "ndjson"];
    all.extend_from_slice(args);
    let (out, _) = check(&all, &[testdata("catalog")], 1);
    out.lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["path"].as_str().unwrap().to_string(), v)
        })
        .collect()
}

fn fields(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|i| i["field"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_complete_asset_is_ready() {
    let r = &reports(&[])["ready.wav"];
    assert_eq!(
        r,
        &json!({
            "path": "ready.wav",
            "isrc": "US-RC1-76-07839",
            "resourceReference": "A1",
            "isReady": true,
            "readinessScore": 100,
            "missingFields": [],
            "invalidFields": [],
            "warnings": [],
            "suggestions": [],
            "profile": "default",
            "categoryScores": {"required": 100, "recommended": 100, "technical": 100}
        })
    );
}

#[test]
fn the_readiness_api_example() {
    // No ISRC, 22.05 kHz, genre 'Unknown', no musical work reference; the
    // duration is measured, so unlike the platform's example (75) it is
    // not missing. Required: 5 of 6 (ISRC missing; the sample rate is
    // there, its rule is technical) = 50; recommended 4 of 4 = 30;
    // technical 1 of 2 (the rate fails the parameters half) = 5: 85.
    let r = &reports(&[])["example.aiff"];
    assert_eq!(r["isReady"], false);
    assert_eq!(r["readinessScore"], 85);
    assert_eq!(r["missingFields"], json!(["soundRecordingDetails.isrc"]));
    assert_eq!(
        r["invalidFields"],
        json!([{
            "field": "technicalResourceDetails.sampleRate",
            "issue": "Must be 44100, 48000 or 96000",
            "currentValue": 22050
        }])
    );
    let warnings = r["warnings"].as_array().unwrap();
    assert_eq!(
        warnings[0],
        "Genre 'Unknown' may not be recognized by all DSPs"
    );
    assert!(
        warnings[1]
            .as_str()
            .unwrap()
            .starts_with("no musical work reference")
    );
    let suggestions: Vec<&str> = r["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(suggestions.contains(&"Add ISRC code for proper identification"));
    assert!(suggestions.contains(&"Update sample rate to 44100 Hz or 48000 Hz"));
    assert_eq!(
        r["categoryScores"],
        json!({"required": 83, "recommended": 100, "technical": 50})
    );
}

#[test]
fn every_identifier_rule_names_its_field() {
    let r = &reports(&[])["bad-ids.flac"];
    assert_eq!(
        fields(&r["invalidFields"]),
        [
            "soundRecordingDetails.isrc",
            "ddexMetadata.languageOfPerformance",
            "ddexMetadata.parentalWarningType",
            "soundRecordingDetails.pLine.year",
            "ddexMetadata.resourceReference",
            "musicalWorkReference.iswc",
        ]
    );
    // Required: ISRC invalid: 5 of 6 = 50; recommended: genre only (language,
    // parental warning and P-line invalid), less one share each for the
    // invalid resource reference and ISWC = 0; technical 2 of 2 = 10.
    assert_eq!(r["readinessScore"], 60);
    // Every finding comes with something to do.
    assert!(r["suggestions"].as_array().unwrap().len() >= 6);
}

#[test]
fn declared_values_that_contradict_the_file_are_invalid() {
    let r = &reports(&[])["mismatch.wav"];
    let invalid = r["invalidFields"].as_array().unwrap();
    let issue = |f: &str| {
        invalid
            .iter()
            .find(|i| i["field"] == f)
            .map(|i| i["issue"].as_str().unwrap().to_string())
    };
    assert_eq!(
        issue("technicalResourceDetails.fileFormat").as_deref(),
        Some("declared FLAC, measured WAV")
    );
    assert_eq!(
        issue("technicalResourceDetails.sampleRate").as_deref(),
        Some("declared 48000, measured 44100")
    );
    assert_eq!(
        issue("technicalResourceDetails.bitDepth").as_deref(),
        Some("declared 24, measured 16")
    );
    assert_eq!(
        issue("ddexMetadata.duration").as_deref(),
        Some(
            "declared PT5M, measured PT0.023S (1000 samples at 44100 Hz): more than one second apart"
        )
    );
    assert_eq!(r["isReady"], false);
}

#[test]
fn sidecar_problems_are_reported_per_asset() {
    let all = reports(&[]);
    let typo = &all["typo.wav"];
    assert!(
        typo["warnings"][0]
            .as_str()
            .unwrap()
            .contains("did you mean 'ddexMetadata.displayArtist'"),
        "{typo}"
    );
    assert!(
        typo["missingFields"]
            .as_array()
            .unwrap()
            .contains(&json!("ddexMetadata.displayArtist"))
    );

    let broken = &all["broken.wav"];
    assert_eq!(broken["invalidFields"][0]["field"], "sidecar");
    assert!(
        broken["invalidFields"][0]["issue"]
            .as_str()
            .unwrap()
            .contains("line 4, column 3"),
        "{broken}"
    );

    let both = &all["both.wav"];
    assert!(
        both["warnings"][0]
            .as_str()
            .unwrap()
            .contains("both.wav.json is used")
    );

    // Tags fill what is missing, and say so; lossy audio is not a master.
    let tagged = &all["tagged.mp3"];
    let warnings: Vec<&str> = tagged["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("'QZDA42400001' is taken from the file's ID3v2.3 tags"))
    );
    assert!(
        !tagged["missingFields"]
            .as_array()
            .unwrap()
            .contains(&json!("soundRecordingDetails.isrc"))
    );
    assert_eq!(
        fields(&tagged["invalidFields"]),
        [
            "technicalResourceDetails.bitDepth",
            "technicalResourceDetails.fileFormat"
        ]
    );

    // Damaged audio is never ready, whatever the metadata says.
    let damaged = &all["damaged.flac"];
    assert_eq!(damaged["invalidFields"][0]["field"], "file");
    assert_eq!(
        damaged["invalidFields"][0]["currentValue"],
        "truncated_data"
    );
    assert_eq!(damaged["isReady"], false);
}

#[test]
fn exit_codes_and_min_score() {
    check(
        &["-q", "--format", "json"],
        &[testdata("catalog/ready.wav")],
        0,
    );
    check(
        &["-q", "--format", "json"],
        &[testdata("catalog/example.aiff")],
        1,
    );
    check(
        &["-q", "--format", "json", "--min-score", "85"],
        &[testdata("catalog/example.aiff")],
        0,
    );
    check(
        &["-q", "--format", "json", "--min-score", "86"],
        &[testdata("catalog/example.aiff")],
        1,
    );
    // Usage errors, and nothing to check.
    check(&["--profile", "nosuch"], &[testdata("catalog")], 2);
    check(&["--min-score", "101"], &[testdata("catalog")], 2);
    let empty = tempfile::tempdir().unwrap();
    check(&[], &[empty.path().to_path_buf()], 2);
}

#[test]
fn the_summary_names_metadata_without_audio() {
    let (_, err) = check(&["--format", "json"], &[testdata("catalog")], 1);
    assert!(
        err.contains("orphan.json: a sidecar beside no audio file of the same name")
            && err.contains("[metadata_without_audio]"),
        "{err}"
    );
    assert!(
        err.contains("1 input problem (metadata_without_audio 1)"),
        "{err}"
    );
    assert!(err.contains("assets checked with profile default"), "{err}");
}

#[test]
fn manifests_take_precedence_over_sidecars() {
    for manifest in ["catalog.csv", "catalog.json"] {
        let m = testdata("manifests").join(manifest);
        let (out, err) = check(
            &["--format", "ndjson", "--metadata", m.to_str().unwrap()],
            &[testdata("catalog")],
            1,
        );
        let by_path: std::collections::BTreeMap<String, Value> = out
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                (v["path"].as_str().unwrap().to_string(), v)
            })
            .collect();
        // The manifest's title, not the sidecar's.
        let ready = &by_path["ready.wav"];
        assert!(
            !ready["missingFields"]
                .as_array()
                .unwrap()
                .contains(&json!("ddexMetadata.title"))
        );
        assert!(
            err.contains("nothing.wav, which does not exist: deliver the audio or remove the entry [metadata_without_audio]"),
            "{err}"
        );
        // The older key form still matches, and says how to write it.
        if manifest == "catalog.json" {
            let tagged = by_path["tagged.mp3"]["warnings"].to_string();
            assert!(
                tagged.contains("write keys relative to the manifest's folder"),
                "{tagged}"
            );
        }
        if manifest == "catalog.csv" {
            // The manifest's rate over the sidecar's, contradicted by the
            // measurement.
            let mismatch = by_path["mismatch.wav"]["invalidFields"].to_string();
            assert!(
                mismatch.contains("declared 48000, measured 44100"),
                "{mismatch}"
            );
        }
    }
}

#[test]
fn youtube_profile_requires_the_parental_warning_and_44_khz_or_more() {
    let r = reports(&["--profile", "youtube"]);
    assert_eq!(r["ready.wav"]["isReady"], true);
    assert_eq!(r["ready.wav"]["profile"], "youtube");
    assert_eq!(
        r["example.aiff"]["invalidFields"][0]["issue"],
        "Must be at least 44100 Hz"
    );
}

#[test]
fn every_format_is_written() {
    let catalog = [testdata("catalog")];
    let (json_out, _) = check(&["--format", "json", "-q"], &catalog, 1);
    let doc: Value = serde_json::from_str(&json_out).unwrap();
    assert_eq!(
        doc["assets"].as_array().unwrap().len(),
        doc["summary"]["assets"].as_u64().unwrap() as usize
    );
    assert_eq!(doc["summary"]["ready"], 1);

    let (junit, _) = check(&["--format", "junit", "-q"], &catalog, 1);
    assert!(junit.starts_with("<?xml"));
    // A test case per asset and one per input problem (the orphan
    // sidecar), failing exactly as the run does.
    let problems = doc["summary"]["inputProblems"].as_array().unwrap().len();
    assert_eq!(problems, 1);
    assert_eq!(
        junit.matches("<testcase ").count(),
        doc["assets"].as_array().unwrap().len() + problems
    );
    assert_eq!(
        junit.matches("<failure ").count(),
        doc["summary"]["failing"].as_u64().unwrap() as usize + problems
    );
    // Hostile metadata never breaks the XML.
    assert!(
        junit.contains("US&lt;RC&gt;"),
        "the hostile ISRC is quoted, escaped"
    );
    assert!(!junit.contains("<b>"));
    assert!(!junit.contains('\u{7}'));

    let (github, _) = check(&["--format", "github", "-q"], &catalog, 1);
    assert!(github.lines().any(|l| l.starts_with("::error file=")));
    assert!(github.lines().all(|l| l.starts_with("::")));

    let (table, _) = check(&["--format", "table", "-q"], &catalog, 1);
    assert!(table.contains("ready.wav"));
}

/// Sidecar JSON as people write it: a byte order mark is accepted, a key
/// or group given twice is reported (JSON parsers keep the last silently),
/// a `null` group is named for what it is.
#[test]
fn sidecar_json_duplicates_bom_and_null_groups() {
    let dir = tempfile::tempdir().unwrap();
    let wav = "wav-pcm16-44k-stereo.wav";
    std::fs::copy(testdata(wav), dir.path().join(wav)).unwrap();
    std::fs::write(
        dir.path().join("wav-pcm16-44k-stereo.json"),
        "\u{feff}{\"ddexMetadata\": {\"title\": \"A\", \"title\": \"B\"},\n\
         \"ddexMetadata\": {\"displayArtist\": \"X\"},\n\
         \"musicalWorkReference\": null}",
    )
    .unwrap();
    let out = bin()
        .args(["check", "--format", "json", "-q"])
        .arg(dir.path())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let warnings = v["assets"][0]["warnings"].to_string();
    assert!(!warnings.contains("invalid JSON"), "{warnings}");
    assert!(
        warnings.contains("key 'ddexMetadata.title' appears more than once"),
        "{warnings}"
    );
    assert!(
        warnings.contains("key 'ddexMetadata' appears more than once"),
        "{warnings}"
    );
    assert!(
        warnings.contains("'musicalWorkReference' is null"),
        "{warnings}"
    );
    assert!(!warnings.contains("unknown key"), "{warnings}");
}

/// `--metadata` is a regular file of bounded size: a device is refused
/// before a byte is read.
#[cfg(unix)]
#[test]
fn metadata_from_a_device_is_refused() {
    bin()
        .args(["check", "--metadata", "/dev/zero"])
        .arg(testdata("wav-pcm16-44k-stereo.wav"))
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a regular file"));
}

/// Keys are relative to the manifest's own folder (or absolute), whatever
/// path the command is given; the manifest's values win over a sidecar's,
/// named in a warning; a row for no file fails the run.
#[test]
fn manifest_keys_are_relative_to_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let album = dir.path().join("cat/The Kilns");
    std::fs::create_dir_all(&album).unwrap();
    let wav = testdata("catalog/ready.wav");
    std::fs::copy(&wav, album.join("01 Intro.wav")).unwrap();
    std::fs::copy(&wav, album.join("02 Kiln.wav")).unwrap();
    std::fs::write(
        album.join("02 Kiln.json"),
        r#"{"ddexMetadata": {"title": "Sidecar Title", "displayArtist": "Sidecar Artist"}}"#,
    )
    .unwrap();
    let abs = album.join("02 Kiln.wav");
    std::fs::write(
        dir.path().join("cat/kilns.csv"),
        format!(
            "path,ddexMetadata.title\n\
             The Kilns/01 Intro.wav,Intro\n\
             {},Kiln\n\
             The Kilns/03 Missing.wav,Gone\n",
            abs.display()
        ),
    )
    .unwrap();
    let out = bin()
        .current_dir(dir.path())
        .args([
            "check",
            "--format",
            "ndjson",
            "cat/The Kilns",
            "--metadata",
            "cat/kilns.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    let r: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(r.len(), 2, "{stdout}");
    for a in &r {
        let missing = a["missingFields"].to_string();
        assert!(!missing.contains("ddexMetadata.title"), "{a}");
    }
    // The sidecar's artist is kept; its title loses to the manifest's.
    let kiln = r[1]["warnings"].to_string();
    assert!(
        kiln.contains("ddexMetadata.title: the manifest's \\\"Kiln\\\"")
            && kiln.contains("not the sidecar's \\\"Sidecar Title\\\""),
        "{kiln}"
    );
    assert!(
        !r[1]["missingFields"].to_string().contains("displayArtist"),
        "{}",
        r[1]
    );
    // The row for no file is named and fails the run.
    assert!(err.contains("The Kilns/03 Missing.wav"), "{err}");
    assert!(err.contains("[metadata_without_audio]"), "{err}");
}

#[test]
fn duplicate_masters_are_found_when_cover_art_comes_first() {
    // The cover sorts before the audio: the files of equal size to hash are
    // found by their own paths, not by their place among every file walked.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        testdata("artwork/art-jpeg-baseline-rgb-square.jpg"),
        dir.path().join("a-cover.jpg"),
    )
    .unwrap();
    for name in ["b-track.wav", "c-copy.wav"] {
        std::fs::copy(testdata("catalog/ready.wav"), dir.path().join(name)).unwrap();
    }
    let (out, _) = check(&["--format", "ndjson"], &[dir.path().to_path_buf()], 1);
    let dupes = out
        .lines()
        .filter(|l| l.contains("duplicate master: byte-identical to"))
        .count();
    assert_eq!(dupes, 2, "{out}");
}
