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
