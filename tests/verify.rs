//! `--verify` on the committed fixtures: the expectations in
//! `testdata/verify.tsv` (one row per failure kind, with the exact codes),
//! and the property that a clean file never reports a finding.

use crate::util::{self, testdata};
use ddexprobe::{Hashes, probe_file, verify_file};
use std::collections::BTreeSet;

fn split(s: &str) -> BTreeSet<String> {
    s.split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn verify_fixtures_match_their_expectations() {
    let dir = testdata("");
    let rows = util::read_tsv(&dir.join("verify.tsv"));
    let mut failures = Vec::new();
    for row in &rows {
        let name = &row["file"];
        let r = verify_file(&dir.join(name), name.clone(), Hashes::NONE);
        let json = serde_json::to_value(&r).unwrap();
        let v = &json["verification"];
        let mut check = |what: &str, got: String, want: &str| {
            if got != want {
                failures.push(format!("{name}: {what} is {got:?}, expected {want:?}"));
            }
        };
        let text = |x: &serde_json::Value| match x {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        check("status", text(&v["status"]), &row["status"]);
        check("method", text(&v["method"]), &row["method"]);
        check(
            "decodedSamples",
            text(&v["decodedSamples"]),
            &row["decodedSamples"],
        );
        check("pcmMd5", text(&json["pcmMd5"]), &row["pcmMd5"]);
        let errors: BTreeSet<String> = r.errors.iter().map(|i| i.code.to_string()).collect();
        if errors != split(&row["errors"]) {
            failures.push(format!(
                "{name}: errors {errors:?}, expected {:?}",
                row["errors"]
            ));
        }
        let warnings: BTreeSet<String> = r.warnings.iter().map(|i| i.code.to_string()).collect();
        for w in split(&row["warnings"]) {
            if !warnings.contains(&w) {
                failures.push(format!("{name}: warning {w} missing (has {warnings:?})"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every fixture the header probe finds clean verifies clean: no finding,
/// status `ok`, and the decoded count equal to the header's. Fixtures damaged
/// where only `--verify` looks (`verify.tsv` rows whose status is not `ok`)
/// are left to their expectations.
#[test]
fn clean_files_verify_clean() {
    let dir = testdata("");
    let rows = util::read_tsv(&dir.join("expected.tsv"));
    // Damage only a decode finds: these are expected to fail (verify.tsv).
    let damaged: BTreeSet<String> = util::read_tsv(&dir.join("verify.tsv"))
        .into_iter()
        .filter(|r| r["status"] != "ok")
        .map(|r| r["file"].clone())
        .collect();
    let mut checked = 0;
    let mut failures = Vec::new();
    for row in &rows {
        let name = &row["file"];
        let path = dir.join(name);
        let plain = probe_file(&path, name.clone(), Hashes::NONE);
        if !plain.errors.is_empty() || !plain.warnings.is_empty() || damaged.contains(name) {
            continue;
        }
        checked += 1;
        let r = verify_file(&path, name.clone(), Hashes::NONE);
        let v = r.verification.as_ref();
        let status = v.map(|v| serde_json::to_value(v.status).unwrap());
        if !r.errors.is_empty() || !r.warnings.is_empty() || status != Some("ok".into()) {
            failures.push(format!(
                "{name}: {:?} {:?} {:?}",
                status, r.errors, r.warnings
            ));
        }
        if r.total_samples != plain.total_samples {
            failures.push(format!(
                "{name}: decoded {:?}, header {:?}",
                r.total_samples, plain.total_samples
            ));
        }
    }
    assert!(checked >= 40, "only {checked} clean fixtures");
    assert!(
        failures.is_empty(),
        "{} clean fixtures report findings under --verify:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A FLAC stream that declares 400 MiB of audio in 10 KB (constant
/// subframes of 8 channels at 32 bits): the probe warns, `--verify` stops at
/// the work budget with `not_verified` (status `unverified`, exit 1), and
/// `--verify-budget unlimited` reads it whole and finds it sound.
#[test]
fn a_stream_declaring_hours_in_kilobytes_stops_at_the_budget() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("implausible.flac");
    std::fs::write(&path, crate::flacgen::build(crate::flacgen::IMPLAUSIBLE).0).unwrap();
    let run = |extra: &[&str], code: i32| {
        let out = util::bin()
            .args([
                "scan", "--verify", "--hash", "none", "--format", "json", "-q",
            ])
            .args(extra)
            .arg(&path)
            .assert()
            .code(code)
            .get_output()
            .stdout
            .clone();
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        json["records"][0].clone()
    };
    let codes = |r: &serde_json::Value, key: &str| -> Vec<String> {
        r[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["code"].as_str().unwrap().to_string())
            .collect()
    };
    let stopped = run(&[], 1);
    assert_eq!(codes(&stopped, "errors"), ["not_verified"]);
    assert_eq!(codes(&stopped, "warnings"), ["implausible_compression"]);
    assert_eq!(stopped["verification"]["status"], "unverified");
    assert!(stopped["verification"]["decodedSamples"].is_null());
    assert!(stopped["pcmMd5"].is_null());

    let whole = run(&["--verify-budget", "unlimited"], 0);
    assert_eq!(codes(&whole, "errors"), Vec::<String>::new());
    assert_eq!(whole["verification"]["status"], "warning");
    assert_eq!(whole["verification"]["decodedSamples"], 200 * 65_535);

    for bad in ["0", "-1", "lots"] {
        util::bin()
            .args(["scan", "--verify", "--verify-budget", bad])
            .arg(&path)
            .assert()
            .code(2);
    }
}

/// Work bounded by the bytes given: no fixture and no corpus file decodes
/// to more audio than the default budget allows for its size, none is
/// stopped by it or called implausible (real files never are), and no
/// damaged variant of one escapes the bound either. Decoded bytes are
/// counted as FLAC's convention counts them (`ceil(bits / 8)` per sample,
/// 4 for lossy codecs, whose decoders output 32-bit floats).
#[test]
fn verification_work_is_bounded_by_the_bytes_given() {
    use ddexprobe::formats::Budget;
    let mut files = Vec::new();
    util::all_files(&testdata(""), &mut files);
    if let Some(root) = util::corpora() {
        util::all_files(&root, &mut files);
    }
    let mut failures = Vec::new();
    let mut checked = 0;
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let ext = path.extension().and_then(|e| e.to_str());
        let mut variants = vec![(true, bytes.clone())];
        let mut flipped = bytes.clone();
        let at = flipped.len() / 2;
        if let Some(b) = flipped.get_mut(at..at + 4) {
            b.iter_mut().for_each(|x| *x ^= 0x5A);
        }
        variants.push((false, flipped));
        for (whole, v) in &variants {
            let probe = ddexprobe::formats::probe(v, ext);
            if probe.file_format.is_none() {
                continue;
            }
            checked += 1;
            let width = match probe.sample_format {
                Some(ddexprobe::record::SampleFormat::Int) => {
                    u64::from(probe.bit_depth.unwrap_or(32).div_ceil(8))
                }
                _ => 4,
            };
            let channels = u64::from(probe.channels.unwrap_or(0));
            let out = ddexprobe::formats::verify::verify_bytes(v, &probe);
            let decoded = out.decoded_samples.unwrap_or(0) * channels * width;
            let allowed = Budget::default().allowance(v.len() as u64);
            let name = path.display();
            if decoded > allowed {
                failures.push(format!(
                    "{name}: decoded {decoded} bytes, {allowed} allowed"
                ));
            }
            let flagged = out
                .findings
                .errors
                .iter()
                .chain(&probe.findings.warnings)
                .filter(|i| {
                    matches!(
                        i.code,
                        ddexprobe::Code::NotVerified | ddexprobe::Code::ImplausibleCompression
                    )
                })
                .count();
            if *whole && flagged > 0 {
                failures.push(format!("{name}: a real file stopped or called implausible"));
            }
        }
    }
    assert!(checked > 100, "only {checked} files checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
