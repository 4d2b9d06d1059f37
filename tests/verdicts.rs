//! Verdicts that never say "ready" when they should not, over the catalog
//! in `testdata/verdicts` (one asset per case, each sidecar complete but for
//! the change its name says) and every built-in profile: the exact score,
//! the invalid fields and the exit codes, worked out from the rules in the
//! README.

use crate::util::{bin, testdata};
use serde_json::Value;
use std::collections::BTreeMap;

/// `check --profile PROFILE` over the catalog: the reports by file name.
fn reports(profile: &str) -> BTreeMap<String, Value> {
    let out = bin()
        .args(["check", "-q", "--format", "ndjson", "--profile", profile])
        .arg(testdata("verdicts"))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let name = v["path"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string();
            (name, v)
        })
        .collect()
}

/// One asset's expected verdict: file, score, and `(field, issue prefix)`
/// of each invalid field in order.
type Case<'a> = (&'a str, u64, &'a [(&'a str, &'a str)]);

/// `(file, score, [(field, issue prefix)])` for every asset: ready exactly
/// when the score is 100 and nothing is invalid.
fn expect(profile: &str, table: &[Case]) {
    let all = reports(profile);
    assert_eq!(all.len(), table.len(), "{profile}: {:?}", all.keys());
    let mut failures = Vec::new();
    for (file, score, invalid) in table {
        let r = &all[*file];
        let got: Vec<(String, String)> = r["invalidFields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["field"].as_str().unwrap().to_string(),
                    i["issue"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let fits = got.len() == invalid.len()
            && got
                .iter()
                .zip(invalid.iter())
                .all(|((f, i), (ef, ei))| f == ef && i.starts_with(ei));
        if r["readinessScore"] != *score || !fits {
            failures.push(format!(
                "{profile} {file}: score {} (expected {score}), invalid {got:?}",
                r["readinessScore"]
            ));
        }
        if r["isReady"] != (*score == 100) {
            failures.push(format!(
                "{profile} {file}: isReady {} with score {score}",
                r["isReady"]
            ));
        }
        // Every finding comes with something to do.
        if r["suggestions"].as_array().unwrap().len() < invalid.len() {
            failures.push(format!("{profile} {file}: fewer suggestions than findings"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const RATE: &str = "technicalResourceDetails.sampleRate";
const DURATION: &str = "ddexMetadata.duration";
const ISWC: (&str, &str) = (
    "musicalWorkReference.iswc",
    "'T-123.456.789-0' is not a valid ISWC: the check digit is 0 but the work number gives 4",
);
const TRUNCATED: (&str, &str) = ("file", "truncated_data:");
const DURATION_OFF: (&str, &str) = (
    DURATION,
    "declared PT2S, measured PT0.023S (1000 samples at 44100 Hz): more than one second apart",
);

#[test]
fn default_profile() {
    expect(
        "default",
        &[
            ("aiff-44k.aiff", 100, &[]),
            ("chunks-after-data.wav", 100, &[]),
            ("complete.wav", 100, &[]),
            // PT0S is the measured 0.023 s floored, as the platform converts.
            ("duration-floor.wav", 100, &[]),
            // Required 5 of 6 (50) + 30 + 10 = 90.
            ("duration-off.wav", 90, &[DURATION_OFF]),
            ("extensible-24bit.wav", 100, &[]),
            ("hires-96k.wav", 100, &[]),
            // An invalid field outside both lists costs a recommended share:
            // 60 + 22.5 + 10 = 92.5 -> 93.
            ("iswc-check-digit.wav", 93, &[ISWC]),
            ("mono-48k.wav", 100, &[]),
            // Both findings, each with its own fix: required 5 of 6 (the
            // declared rate is wrong) 50 + 30 + technical 1 of 2 (rate) 5.
            (
                "rate-22k-declared-44k.aiff",
                85,
                &[
                    (RATE, "declared 44100, measured 22050"),
                    (RATE, "Must be 44100, 48000 or 96000"),
                ],
            ),
            // The file half of the technical category fails: 95.
            ("truncated-master.wav", 95, &[TRUNCATED]),
        ],
    );
}

#[test]
fn youtube_accepts_96k_and_recommends_48k() {
    let all = reports("youtube");
    assert_eq!(all["hires-96k.wav"]["isReady"], true);
    assert_eq!(
        all["hires-96k.wav"]["warnings"][0],
        "96000 Hz is accepted; youtube recommends 48000 Hz"
    );
    assert_eq!(all["mono-48k.wav"]["warnings"], Value::Array(vec![]));
    let rate = &all["rate-22k-declared-44k.aiff"]["invalidFields"][1];
    assert_eq!(rate["issue"], "Must be at least 44100 Hz");
}

#[test]
fn spotify_profile() {
    expect(
        "spotify",
        &[
            (
                "aiff-44k.aiff",
                95,
                &[("technicalResourceDetails.fileFormat", "Must be FLAC or WAV")],
            ),
            (
                "chunks-after-data.wav",
                95,
                &[(
                    "technicalResourceDetails.chunksAfterData",
                    "LIST, MD5 after the start of the data chunk; spotify accepts nothing but audio there",
                )],
            ),
            ("complete.wav", 100, &[]),
            ("duration-floor.wav", 100, &[]),
            ("duration-off.wav", 90, &[DURATION_OFF]),
            (
                "extensible-24bit.wav",
                95,
                &[(
                    "technicalResourceDetails.formatTag",
                    "WAV format tag 0xFFFE (WAVE_FORMAT_EXTENSIBLE); spotify accepts 0x0001 only",
                )],
            ),
            ("hires-96k.wav", 100, &[]),
            ("iswc-check-digit.wav", 93, &[ISWC]),
            (
                "mono-48k.wav",
                95,
                &[(
                    "technicalResourceDetails.numberOfChannels",
                    "Must be 2 channels",
                )],
            ),
            // Both technical halves fail: 50 + 30 + 0.
            (
                "rate-22k-declared-44k.aiff",
                80,
                &[
                    (RATE, "declared 44100, measured 22050"),
                    (RATE, "Must be at least 44100 Hz"),
                    (
                        "technicalResourceDetails.numberOfChannels",
                        "Must be 2 channels",
                    ),
                    ("technicalResourceDetails.fileFormat", "Must be FLAC or WAV"),
                ],
            ),
            ("truncated-master.wav", 95, &[TRUNCATED]),
        ],
    );
}

#[test]
fn distributor_profile_refuses_tracks_under_30_seconds() {
    let all = reports("distributor");
    for (name, r) in &all {
        let invalid = r["invalidFields"].as_array().unwrap();
        assert!(
            invalid.iter().any(|i| i["field"] == DURATION
                && i["issue"]
                    .as_str()
                    .unwrap()
                    .starts_with("Must be at least 30 s; the audio is")),
            "{name}: {invalid:?}"
        );
        assert_eq!(r["isReady"], false, "{name}");
    }
    assert_eq!(all["complete.wav"]["readinessScore"], 95);
    // Mono is accepted here: what is invalid is the duration, and the QC
    // rules, which were not checked without --qc (their errors could not be
    // ruled out, so the asset cannot be ready).
    let fields: Vec<&str> = all["mono-48k.wav"]["invalidFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, [DURATION, "qc"]);
}

#[test]
fn min_score_100_passes_only_ready_assets() {
    let run = |file: &str, code: i32| {
        bin()
            .args(["check", "-q", "--format", "json", "--min-score", "100"])
            .arg(testdata("verdicts").join(file))
            .assert()
            .code(code);
    };
    run("complete.wav", 0);
    run("duration-floor.wav", 0);
    run("iswc-check-digit.wav", 1);
    run("truncated-master.wav", 1);
    run("rate-22k-declared-44k.aiff", 1);
}

/// For random sidecars of valid and invalid values, `isReady` is exactly
/// `readinessScore == 100`, and a report with anything missing or invalid
/// never scores 100.
#[test]
fn ready_if_and_only_if_100() {
    use ddexprobe::metadata::{Metadata, flatten_into};
    use ddexprobe::readiness::{assess::assess, profile::Profile};
    let audio = testdata("verdicts/complete.wav");
    let record = ddexprobe::probe_file(&audio, "complete.wav".into(), ddexprobe::Hashes::NONE);
    let values: &[(&str, &[Value])] = &[
        (
            "ddexMetadata.title",
            &[Value::Null, Value::from(""), Value::from("A Song")],
        ),
        (
            "ddexMetadata.displayArtist",
            &[Value::Null, Value::from("An Artist")],
        ),
        (
            "ddexMetadata.languageOfPerformance",
            &[Value::Null, Value::from("en"), Value::from("eng")],
        ),
        (
            "ddexMetadata.parentalWarningType",
            &[
                Value::Null,
                Value::from("NotExplicit"),
                Value::from("Clean"),
            ],
        ),
        (
            "ddexMetadata.duration",
            &[
                Value::Null,
                Value::from("PT0S"),
                Value::from("PT9S"),
                Value::from("3:45"),
            ],
        ),
        (
            "soundRecordingDetails.isrc",
            &[
                Value::Null,
                Value::from("USRC17607839"),
                Value::from("not an isrc"),
            ],
        ),
        (
            "soundRecordingDetails.genre",
            &[Value::Null, Value::from("Pop"), Value::from("Unknown")],
        ),
        (
            "soundRecordingDetails.pLine.year",
            &[Value::Null, Value::from(2019), Value::from("MMXXIV")],
        ),
        (
            "soundRecordingDetails.pLine.pLineText",
            &[Value::Null, Value::from("2019 Label")],
        ),
        (
            "musicalWorkReference.iswc",
            &[
                Value::Null,
                Value::from("T-034.524.680-1"),
                Value::from("T-123.456.789-0"),
            ],
        ),
        (
            "ddexMetadata.resourceReference",
            &[Value::Null, Value::from("A1"), Value::from("R 1")],
        ),
        (
            "technicalResourceDetails.sampleRate",
            &[Value::Null, Value::from(44100), Value::from(48000)],
        ),
    ];
    let profiles: Vec<Profile> = ["default", "youtube", "spotify", "distributor"]
        .iter()
        .map(|p| Profile::load(p).unwrap())
        .collect();
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut ready = 0;
    for case in 0..3000 {
        let mut obj = serde_json::Map::new();
        for (field, choices) in values {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let v = &choices[(seed % choices.len() as u64) as usize];
            if v.is_null() {
                continue;
            }
            let mut node = &mut obj;
            let parts: Vec<&str> = field.split('.').collect();
            for g in &parts[..parts.len() - 1] {
                node = node
                    .entry(g.to_string())
                    .or_insert_with(|| Value::Object(Default::default()))
                    .as_object_mut()
                    .unwrap();
            }
            node.insert(parts[parts.len() - 1].to_string(), v.clone());
        }
        let mut m = Metadata::default();
        flatten_into(&obj, &mut m);
        let p = &profiles[case % profiles.len()];
        let r = assess(&record, Some(&m), p);
        let clean = r.missing_fields.is_empty() && r.invalid_fields.is_empty();
        assert_eq!(r.is_ready, r.readiness_score == 100, "{obj:?}: {r:?}");
        assert_eq!(r.is_ready, clean, "{} {obj:?}: {r:?}", p.name);
        ready += usize::from(r.is_ready);
    }
    assert!(
        ready > 0,
        "no random case was ready: the generator is too harsh"
    );
}

/// Catalog-level findings on every asset involved: the same master twice,
/// one ISRC (compared without hyphens) on two recordings, one declared
/// resource reference on two. Nothing here is ready.
#[test]
fn duplicates_are_findings_on_every_asset_involved() {
    let out = bin()
        .args(["check", "-q", "--format", "ndjson"])
        .arg(testdata("duplicates"))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let all: BTreeMap<String, Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["path"].as_str().unwrap().to_string(), v)
        })
        .collect();
    let issues = |name: &str| -> Vec<String> {
        all[name]["invalidFields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                format!(
                    "{}: {}",
                    i["field"].as_str().unwrap(),
                    i["issue"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        issues("master.wav"),
        ["file: duplicate master: byte-identical to master-copy.wav"]
    );
    assert_eq!(
        issues("master-copy.wav"),
        ["file: duplicate master: byte-identical to master.wav"]
    );
    assert_eq!(
        issues("isrc-1.wav"),
        [
            "soundRecordingDetails.isrc: the ISRC GBAYE2400001 is also given to isrc-2.flac: an ISRC identifies one recording"
        ]
    );
    assert_eq!(issues("isrc-2.flac").len(), 1);
    assert_eq!(
        issues("reference-2.aiff"),
        [
            "ddexMetadata.resourceReference: the resource reference A10 is also declared for reference-1.wav"
        ]
    );
    for (name, r) in &all {
        assert_eq!(r["isReady"], false, "{name}");
        assert!(r["readinessScore"].as_u64().unwrap() < 100, "{name}");
    }
}
