//! The JSON Schemas in `schemas/`: each is a valid draft 2020-12 schema,
//! every JSON output of the binary (scan and inspect records and documents,
//! check reports and documents, technical sidecars) validates against its
//! schema, and the schemas reject what they should, so a field added to an
//! output without being documented fails here.
//!
//! The schemas refer to each other by relative `$ref`; they are loaded from
//! the files into one registry under their `$id`s and nothing is fetched.

use crate::util::{all_files, bin, root, testdata};
use jsonschema::{Registry, Validator};
use serde_json::{Value, json};
use std::path::Path;

/// The base of every schema's `$id`.
const BASE: &str = "https://ddexprobe.dev/schemas/";

/// Every published schema, by file name.
const SCHEMAS: [&str; 8] = [
    "record.schema.json",
    "scan.schema.json",
    "report.schema.json",
    "check.schema.json",
    "technical-sidecar.schema.json",
    "release-report.schema.json",
    "release.schema.json",
    "audit-report.schema.json",
];

/// How many validation errors a failure prints.
const SHOWN: usize = 10;

fn load(name: &str) -> Value {
    let path = root().join("schemas").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A validator for the schema in `schemas/<name>`, with every other schema
/// of the folder registered under its `$id` (offline: nothing is fetched).
fn validator(name: &str) -> Validator {
    let schemas: Vec<(String, Value)> = SCHEMAS
        .iter()
        .map(|n| (format!("{BASE}{n}"), load(n)))
        .collect();
    let registry = Registry::new()
        .extend(schemas.iter().map(|(uri, schema)| (uri.as_str(), schema)))
        .and_then(|b| b.prepare())
        .unwrap_or_else(|e| panic!("cannot register the schemas: {e}"));
    jsonschema::draft202012::options()
        .offline()
        .with_registry(&registry)
        .build(&load(name))
        .unwrap_or_else(|e| panic!("{name} does not compile: {e}"))
}

/// The validation errors of `instance`, each with the path of the offending
/// value inside it (`/` for the whole of it).
fn errors(validator: &Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| {
            let path = e.instance_path().to_string();
            let path = if path.is_empty() {
                "/".to_string()
            } else {
                path
            };
            format!("at {path:?}: {e}")
        })
        .collect()
}

/// Validate every `(label, instance)`; on failure, panic with the first
/// distinct errors, each naming the first instance it was found in, the
/// path inside it, and how many instances share it.
fn assert_valid(schema: &str, instances: &[(String, Value)]) {
    assert!(
        !instances.is_empty(),
        "nothing to validate against {schema}"
    );
    let v = validator(schema);
    // Distinct errors in the order found: (error, first label, count).
    let mut distinct: Vec<(String, String, usize)> = Vec::new();
    let mut total = 0;
    for (label, instance) in instances {
        for e in errors(&v, instance) {
            total += 1;
            match distinct.iter_mut().find(|(seen, _, _)| *seen == e) {
                Some((_, _, n)) => *n += 1,
                None => distinct.push((e, label.clone(), 1)),
            }
        }
    }
    assert!(
        total == 0,
        "{total} validation errors against {schema} ({} distinct); the first:\n{}",
        distinct.len(),
        distinct
            .iter()
            .take(SHOWN)
            .map(|(e, label, n)| match n {
                1 => format!("{label} {e}"),
                n => format!("{label} {e} (and {} more like it)", n - 1),
            })
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Run the binary with `args`, expect exit `code`, return its stdout.
fn run(args: &[&str], paths: &[&Path], code: i32) -> String {
    let out = bin()
        .args(args)
        .args(paths)
        .assert()
        .code(code)
        .get_output()
        .clone();
    String::from_utf8(out.stdout).expect("JSON output is UTF-8")
}

/// Each NDJSON line, labelled by its line number and `path`.
fn ndjson(text: &str) -> Vec<(String, Value)> {
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            let v: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("line {}: {e}: {line}", i + 1));
            (format!("line {} ({}),", i + 1, v["path"]), v)
        })
        .collect()
}

/// A whole JSON document, labelled.
fn document(label: &str, text: &str) -> (String, Value) {
    let v = serde_json::from_str(text).unwrap_or_else(|e| panic!("{label}: {e}: {text}"));
    (format!("{label},"), v)
}

/// Every subschema of `schema` with the JSON pointer that reaches it
/// (not those of `if`/`then`, which only add constraints to properties
/// declared beside them).
fn subschemas<'a>(pointer: String, schema: &'a Value, out: &mut Vec<(String, &'a Value)>) {
    let Some(object) = schema.as_object() else {
        return;
    };
    out.push((pointer.clone(), schema));
    for (key, value) in object {
        match key.as_str() {
            "properties" | "$defs" => {
                for (name, sub) in value.as_object().into_iter().flatten() {
                    subschemas(format!("{pointer}/{key}/{name}"), sub, out);
                }
            }
            "items" | "additionalProperties" | "propertyNames" => {
                subschemas(format!("{pointer}/{key}"), value, out);
            }
            "anyOf" | "allOf" | "oneOf" => {
                for (i, sub) in value.as_array().into_iter().flatten().enumerate() {
                    subschemas(format!("{pointer}/{key}/{i}"), sub, out);
                }
            }
            _ => {}
        }
    }
}

#[test]
fn schemas_are_valid_documented_and_closed() {
    for name in SCHEMAS {
        let schema = load(name);
        if let Err(e) = jsonschema::meta::validate(&schema) {
            panic!("{name} is not a valid schema: {e} at {}", e.instance_path());
        }
        assert_eq!(
            schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name}"
        );
        assert_eq!(schema["$id"], format!("{BASE}{name}"), "{name}");
        for key in ["title", "description"] {
            assert!(schema[key].is_string(), "{name} has no {key}");
        }
        let mut all = Vec::new();
        subschemas(String::new(), &schema, &mut all);
        for (pointer, sub) in all {
            // Every object is closed, so an undocumented field fails.
            if sub.get("properties").is_some() {
                assert_eq!(
                    sub["additionalProperties"],
                    json!(false),
                    "{name}#{pointer}: objects take no additional properties"
                );
            }
            // Every property says what it is.
            if pointer.rsplit('/').nth(1) == Some("properties") {
                assert!(
                    sub["description"].is_string(),
                    "{name}#{pointer} has no description"
                );
            }
        }
        // Compiles, with its references resolved from the folder.
        validator(name);
    }
}

#[test]
fn scan_records_match_the_record_schema() {
    let dir = testdata("");
    let plain = run(
        &[
            "scan",
            "--format",
            "ndjson",
            "--hash",
            "md5,sha256",
            "--all",
        ],
        &[&dir],
        1,
    );
    let verified = run(
        &["scan", "--format", "ndjson", "--hash", "md5,sha256", "--qc"],
        &[&dir],
        1,
    );
    let plain = ndjson(&plain);
    let verified = ndjson(&verified);
    // --qc implies --verify: every audio record has both objects, analysed
    // or saying why not.
    assert!(
        verified
            .iter()
            .all(|(_, r)| r["fileFormat"].is_null() || r["qc"].is_object())
    );
    assert!(verified.iter().any(|(_, r)| r["qc"]["analysed"] == false));
    assert!(
        verified
            .iter()
            .any(|(_, r)| r["qc"]["integratedLoudness"].is_number())
    );
    // The runs cover what the optional parts of the schema describe.
    assert!(plain.iter().any(|(_, r)| r.get("nonAudio").is_some()));
    assert!(plain.iter().any(|(_, r)| r.get("tags").is_some()));
    // Files not recognised as audio have nothing to verify.
    assert!(
        verified
            .iter()
            .all(|(_, r)| r["fileFormat"].is_null() || r["verification"].is_object())
    );
    assert_valid("record.schema.json", &plain);
    assert_valid("record.schema.json", &verified);
}

/// A name that is not UTF-8 gets `pathBytes`, the one field the fixtures
/// cannot show (they are checked in under UTF-8 names).
#[cfg(unix)]
#[test]
fn a_record_with_path_bytes_matches_the_record_schema() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.wav");
    std::fs::copy(testdata("wav-pcm16-44k-stereo.wav"), dir.path().join(name)).unwrap();
    let records = ndjson(&run(&["scan", "--format", "ndjson"], &[dir.path()], 0));
    assert_eq!(records[0].1["pathBytes"], "636166e92e776176");
    assert_valid("record.schema.json", &records);
}

#[test]
fn scan_documents_match_the_scan_schema() {
    let all = run(&["scan", "--format", "json"], &[&testdata("")], 1);
    let verified = run(
        &["inspect", "--format", "json", "--qc"],
        &[&testdata("pair-master.wav"), &testdata("pair-master.flac")],
        0,
    );
    // An empty folder is an input problem: the summary names it.
    let empty = tempfile::tempdir().unwrap();
    let problems = run(
        &["scan", "--format", "json"],
        &[empty.path(), &testdata("wav-pcm16-44k-stereo.wav")],
        1,
    );
    let docs = [
        document("scan testdata", &all),
        document("inspect --qc", &verified),
        document("scan of an empty folder", &problems),
    ];
    assert!(
        docs[0].1["summary"]["duplicates"]
            .as_array()
            .is_some_and(|d| !d.is_empty())
    );
    assert!(docs[1].1["summary"]["verification"].is_object());
    assert_eq!(docs[1].1["summary"]["qc"]["analysed"], 2);
    assert_eq!(
        docs[2].1["summary"]["inputProblems"][0]["code"],
        "no_audio_files"
    );
    assert_valid("scan.schema.json", &docs);
}

#[test]
fn check_outputs_match_the_report_and_check_schemas() {
    let catalog = testdata("catalog");
    let lines = run(&["check", "--format", "ndjson"], &[&catalog], 1);
    let whole = run(&["check", "--format", "json"], &[&catalog], 1);
    let qc = run(&["check", "--qc", "--format", "json"], &[&catalog], 1);
    let reports = ndjson(&lines);
    assert!(reports.iter().any(|(_, r)| r.get("isrc").is_some()));
    assert_valid("report.schema.json", &reports);
    let qc = document("check --qc catalog", &qc);
    assert!(qc.1["summary"]["qc"]["analysed"].as_u64() > Some(0));
    assert_valid(
        "check.schema.json",
        &[document("check catalog", &whole), qc],
    );
}

#[test]
fn sidecars_match_the_technical_sidecar_schema() {
    let out = tempfile::tempdir().unwrap();
    let dir = testdata("");
    // Some fixtures are broken on purpose: they get no sidecar, and exit 1.
    bin()
        .args(["sidecar", "-q", "--out-dir"])
        .arg(out.path())
        .arg(&dir)
        .assert()
        .code(1);
    let mut files = Vec::new();
    all_files(out.path(), &mut files);
    let sidecars: Vec<(String, Value)> = files
        .iter()
        .map(|p| {
            let rel = p.strip_prefix(out.path()).unwrap().display().to_string();
            assert!(rel.ends_with(".technical.json"), "{rel}");
            document(&rel, &std::fs::read_to_string(p).unwrap())
        })
        .collect();
    assert!(sidecars.len() > 50, "only {} sidecars", sidecars.len());
    assert_valid("technical-sidecar.schema.json", &sidecars);
}

#[test]
fn schemas_reject_unknown_fields_and_wrong_types() {
    let line = run(
        &["scan", "--format", "ndjson"],
        &[&testdata("wav-pcm16-44k-stereo.wav")],
        0,
    );
    let record: Value = serde_json::from_str(line.trim()).unwrap();
    let v = validator("record.schema.json");
    assert_eq!(errors(&v, &record), Vec::<String>::new());

    let broken = |edit: &dyn Fn(&mut Value)| {
        let mut r = record.clone();
        edit(&mut r);
        errors(&v, &r)
    };
    let unknown = broken(&|r| r["undocumentedField"] = json!(1));
    assert!(
        unknown.iter().any(|e| e.contains("undocumentedField")),
        "{unknown:?}"
    );
    let wrong_type = broken(&|r| r["sampleRate"] = json!("44100"));
    assert!(
        wrong_type
            .iter()
            .any(|e| e.starts_with("at \"/sampleRate\"")),
        "{wrong_type:?}"
    );
    let bad_code = broken(&|r| {
        r["warnings"] = json!([{"code": "no_such_code", "message": "x"}]);
    });
    assert!(
        bad_code
            .iter()
            .any(|e| e.starts_with("at \"/warnings/0/code\"")),
        "{bad_code:?}"
    );
    let missing = broken(&|r| {
        r.as_object_mut().unwrap().remove("errors");
    });
    assert!(!missing.is_empty());

    // Through a reference: a record inside a scan document.
    let scan = validator("scan.schema.json");
    let mut doc = json!({"records": [record], "summary": {
        "files": 1, "formats": {"WAV": 1}, "filesWithErrors": 0,
        "filesWithWarnings": 0, "errorCodes": {}, "warningCodes": {},
        "totalDurationMs": 11, "totalDuration": "PT0.011S", "bytes": 1,
        "duplicates": []
    }});
    assert_eq!(errors(&scan, &doc), Vec::<String>::new());
    doc["records"][0]["extra"] = json!(true);
    let nested = errors(&scan, &doc);
    assert!(
        nested.iter().any(|e| e.starts_with("at \"/records/0\"")),
        "{nested:?}"
    );
    doc["records"][0].as_object_mut().unwrap().remove("extra");
    doc["summary"]["errorCodes"] = json!({"no_such_code": 1});
    let key = errors(&scan, &doc);
    assert!(
        key.iter()
            .any(|e| e.starts_with("at \"/summary/errorCodes\"")),
        "{key:?}"
    );

    // A report, a check document and a sidecar.
    let report = json!({
        "path": "a.wav", "isReady": false, "readinessScore": 101,
        "missingFields": [], "invalidFields": [], "warnings": [],
        "suggestions": [], "profile": "default",
        "categoryScores": {"required": 100, "recommended": 100, "technical": 100}
    });
    let score = errors(&validator("report.schema.json"), &report);
    assert!(
        score
            .iter()
            .any(|e| e.starts_with("at \"/readinessScore\"")),
        "{score:?}"
    );
    let check = json!({"assets": [report], "summary": {}});
    assert!(errors(&validator("check.schema.json"), &check).len() >= 2);
    let sidecar = json!({
        "ddexMetadata": {}, "technicalResourceDetails": {},
        "file": {"name": "a.wav", "sizeBytes": 1},
        "generatedBy": {"tool": "other", "version": "0.1.0", "sourceSizeBytes": 1}
    });
    let tool = errors(&validator("technical-sidecar.schema.json"), &sidecar);
    assert!(
        tool.iter()
            .any(|e| e.starts_with("at \"/generatedBy/tool\"")),
        "{tool:?}"
    );
}

/// Every fixture release's `release.json` matches the release.json schema,
/// and `check --release` reports match the release report schema, ready
/// or not.
#[test]
fn releases_match_their_schemas() {
    let mut specs = Vec::new();
    let mut reports = Vec::new();
    for entry in std::fs::read_dir(testdata("releases")).unwrap() {
        let dir = entry.unwrap().path();
        let spec = dir.join("release.json");
        let text = std::fs::read_to_string(&spec).unwrap();
        specs.push(document(&spec.display().to_string(), &text));
        for profile in ["default", "youtube"] {
            let out = crate::util::bin()
                .args([
                    "check",
                    "--release",
                    "--format",
                    "json",
                    "--profile",
                    profile,
                ])
                .arg(&dir)
                .output()
                .unwrap();
            let text = String::from_utf8(out.stdout).unwrap();
            reports.push(document(&dir.display().to_string(), &text));
        }
    }
    assert!(reports.iter().any(|(_, r)| r["isReady"] == true));
    assert!(reports.iter().any(|(_, r)| r["isReady"] == false));
    assert!(reports.iter().any(|(_, r)| r["ownership"].is_object()));
    assert_valid("release.schema.json", &specs);
    assert_valid("release-report.schema.json", &reports);
}

#[test]
fn audits_match_their_schema() {
    let mut reports = Vec::new();
    for entry in std::fs::read_dir(testdata("audit")).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let message = dir.join("message.xml");
        for extra in [&[][..], &["--profile", "youtube"][..]] {
            let out = crate::util::bin()
                .args(["audit", "--format", "json"])
                .args(extra)
                .arg(&message)
                .output()
                .unwrap();
            let text = String::from_utf8(out.stdout).unwrap();
            reports.push(document(&message.display().to_string(), &text));
        }
    }
    assert!(reports.iter().any(|(_, r)| r["summary"]["ok"] == true));
    assert!(reports.iter().any(|(_, r)| r["summary"]["ok"] == false));
    assert_valid("audit-report.schema.json", &reports);
}
