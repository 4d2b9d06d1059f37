//! Cover art: every fixture in `testdata/artwork/` measured as
//! `testdata/artwork/expected.tsv` says (values from the generation
//! parameters, cross-checked with ffprobe and mediainfo by the generator),
//! `scan` exit codes, and `check` reports under the default, spotify and
//! apple-digital-masters profiles.

use crate::util::{bin, read_tsv, testdata};
use serde_json::Value;
use std::path::PathBuf;

fn art(name: &str) -> PathBuf {
    testdata("artwork").join(name)
}

/// `scan --format ndjson` of `paths`, with the exit code expected.
fn scan(paths: &[PathBuf], code: i32) -> Vec<Value> {
    let out = bin()
        .args(["scan", "--format", "ndjson", "-q"])
        .args(paths)
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn codes(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_fixture_measures_as_its_table_says() {
    let rows = read_tsv(&art("expected.tsv"));
    let mut listed: Vec<String> = rows.iter().map(|r| r["file"].clone()).collect();
    let mut files: Vec<String> = std::fs::read_dir(testdata("artwork"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "expected.tsv")
        .collect();
    listed.sort();
    files.sort();
    assert_eq!(
        listed, files,
        "every fixture has a row, every row a fixture"
    );
    let mut failures = Vec::new();
    for row in &rows {
        let name = &row["file"];
        let damaged = !row["errors"].is_empty();
        let recs = scan(&[art(name)], i32::from(damaged));
        let r = &recs[0];
        let a = &r["artwork"];
        let text = |v: &Value| match v {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        for col in [
            "format",
            "width",
            "height",
            "colorSpace",
            "bitDepth",
            "components",
            "alpha",
            "progressive",
            "iccProfile",
            "orientation",
        ] {
            if text(&a[col]) != row[col] {
                failures.push(format!(
                    "{name}: {col} {} (expected {})",
                    text(&a[col]),
                    row[col]
                ));
            }
        }
        // Named as an image, as without the artwork object.
        assert_eq!(r["nonAudio"]["kind"], "image", "{name}");
        assert_eq!(r["nonAudio"]["format"], a["format"], "{name}");
        assert!(r["md5"].is_string() && r["sha256"].is_string(), "{name}");
        let errors = codes(&r["errors"]);
        let expected: Vec<String> = row["errors"]
            .split(',')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        if errors != expected {
            failures.push(format!("{name}: errors {errors:?} (expected {expected:?})"));
        }
        let warnings = codes(&r["warnings"]);
        match row["warnings"].as_str() {
            "none" if !warnings.is_empty() => {
                failures.push(format!("{name}: warnings {warnings:?} (expected none)"))
            }
            "none" | "" => {}
            w => {
                for code in w.split(',') {
                    if !warnings.iter().any(|c| c == code) {
                        failures.push(format!("{name}: no {code} warning in {warnings:?}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_extension_is_a_hint_only() {
    let dir = tempfile::tempdir().unwrap();
    // A PNG named .jpg: measured as a PNG, with a warning.
    let png = dir.path().join("cover.jpg");
    std::fs::copy(art("art-png-rgb.png"), &png).unwrap();
    let r = &scan(std::slice::from_ref(&png), 0)[0];
    assert_eq!(r["artwork"]["format"], "PNG");
    assert_eq!(codes(&r["warnings"]), ["extension_mismatch"]);
    // A JPEG named .wav promised audio: an error, still measured.
    let wav = dir.path().join("track.wav");
    std::fs::copy(art("art-jpeg-grayscale.jpg"), &wav).unwrap();
    let r = &scan(std::slice::from_ref(&wav), 1)[0];
    assert_eq!(codes(&r["errors"]), ["unsupported_format"]);
    assert_eq!(r["artwork"]["colorSpace"], "Grayscale");
}

#[test]
fn a_folder_walk_takes_covers_and_the_summary_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["art-jpeg-icc.jpg", "art-png-rgba.png"] {
        std::fs::copy(art(name), dir.path().join(name)).unwrap();
    }
    // A GIF stays out without --all.
    std::fs::write(dir.path().join("anim.gif"), b"GIF89a\x01\x00\x01\x00").unwrap();
    let out = bin()
        .args(["scan", "--format", "json", "-q"])
        .arg(dir.path())
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let doc: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["records"].as_array().unwrap().len(), 2);
    assert_eq!(doc["summary"]["files"], 2);
    let table = bin()
        .args(["scan", "--format", "table", "--hash", "none", "-q"])
        .arg(dir.path())
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8(table).unwrap();
    assert!(table.contains("JPEG 64x64 RGB"), "{table}");
    assert!(table.contains("PNG 64x64 RGB"), "{table}");
}

/// `check --format ndjson --profile PROFILE FILE`: the one report.
fn report(profile: &str, name: &str) -> Value {
    let out = bin()
        .args(["check", "--format", "ndjson", "-q", "--profile", profile])
        .arg(art(name))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{profile} {name}: {text}");
    let r: Value = serde_json::from_str(lines[0]).unwrap();
    let ready = r["isReady"].as_bool().unwrap();
    assert_eq!(out.status.code(), Some(if ready { 0 } else { 1 }), "{name}");
    assert_eq!(r["profile"], profile);
    r
}

fn fields(r: &Value) -> Vec<String> {
    r["invalidFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn check_judges_covers_by_the_profile() {
    for profile in ["default", "spotify", "apple-digital-masters"] {
        // A whole 3000x3000 RGB PNG is ready everywhere.
        let good = report(profile, "art-png-3000-square.png");
        assert_eq!(good["isReady"], true, "{profile}: {good}");
        assert_eq!(good["readinessScore"], 100);
        assert!(good["missingFields"].as_array().unwrap().is_empty());
        // So is the header that declares 3000x3000.
        assert_eq!(
            report(profile, "art-jpeg-3000-header-only.jpg")["isReady"],
            true
        );

        // Not square: refused by every profile.
        let r = report(profile, "art-png-not-square.png");
        assert!(fields(&r).contains(&"artwork.square".to_string()), "{r}");
        assert_eq!(r["isReady"], false);

        // CMYK: refused.
        let r = report(profile, "art-jpeg-cmyk-adobe.jpg");
        assert!(fields(&r).contains(&"artwork.colorSpace".to_string()));
        assert_eq!(r["isReady"], false);
        let fix = r["suggestions"][0].as_str().unwrap();
        assert!(
            fix.starts_with("Re-export the cover as a square RGB JPEG or PNG"),
            "{fix}"
        );

        // Truncated: never ready, whatever its size.
        let r = report(profile, "art-jpeg-truncated.jpg");
        assert_eq!(r["isReady"], false);
        assert_eq!(r["invalidFields"][0]["field"], "file");
        assert_eq!(r["invalidFields"][0]["currentValue"], "truncated_data");
        assert!(r["readinessScore"].as_u64().unwrap() < 100);
    }
    // 64x64: too small for every profile (Spotify's minimum is 640).
    for (profile, min) in [
        ("default", 3000),
        ("spotify", 640),
        ("apple-digital-masters", 3000),
    ] {
        let r = report(profile, "art-png-rgb.png");
        assert_eq!(fields(&r), ["artwork.width", "artwork.height"], "{r}");
        assert_eq!(
            r["invalidFields"][0]["issue"],
            format!("64 px, below the minimum of {min} px")
        );
        assert_eq!(
            r["suggestions"][0],
            format!(
                "Re-export the cover as a square RGB JPEG or PNG of at least {min}x{min} pixels"
            )
        );
    }
    // Orientation and transparency are warnings.
    let r = report("spotify", "art-jpeg-exif-orientation-6.jpg");
    assert!(r["warnings"][0].as_str().unwrap().contains("orientation 6"));
    let r = report("spotify", "art-png-rgba.png");
    assert!(r["warnings"][0].as_str().unwrap().contains("transparency"));
}

#[test]
fn covers_beside_audio_get_their_own_reports() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        testdata("catalog").join("ready.wav"),
        dir.path().join("ready.wav"),
    )
    .unwrap();
    std::fs::copy(
        testdata("catalog").join("ready.json"),
        dir.path().join("ready.json"),
    )
    .unwrap();
    std::fs::copy(art("art-png-3000-square.png"), dir.path().join("cover.png")).unwrap();
    let out = bin()
        .args(["check", "--format", "json", "-q"])
        .arg(dir.path())
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let doc: Value = serde_json::from_slice(&out).unwrap();
    let assets = doc["assets"].as_array().unwrap();
    assert_eq!(assets.len(), 2, "{doc}");
    assert!(assets[1]["path"].as_str().unwrap().ends_with("cover.png"));
    assert_eq!(assets[1]["isReady"], true);
}
