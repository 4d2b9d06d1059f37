//! Release-level delivery over the fixture releases in
//! `testdata/releases/` (made by `scripts/gen-testdata.sh`): the product
//! report of `check --release`, the whole messages of `ern --message` in
//! ERN 3.4 and 4.3 (pinned as snapshots, validated against the official
//! schemas, and held to the YouTube feed's rules by XPath), and the
//! batches of `package`.

use crate::util::{bin, root};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A fixed creation time: messages are deterministic.
const CREATED: &str = "2024-05-02T09:30:00Z";

fn release(name: &str) -> String {
    format!("testdata/releases/{name}")
}

/// Run the binary from the repository root: (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let out = bin().current_dir(root()).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// `check DIR --release --format json` under `profile`.
fn report(name: &str, profile: &str) -> (i32, Value) {
    let (code, out, err) = run(&[
        "check",
        &release(name),
        "--release",
        "--profile",
        profile,
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, v)
}

fn invalid_fields(v: &Value) -> Vec<String> {
    v["invalidFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect()
}

/// The ERN message of a fixture release.
fn message(name: &str, version: &str, extra: &[&str]) -> (i32, String, String) {
    let dir = release(name);
    let mut args = vec![
        "ern",
        dir.as_str(),
        "--message",
        "--ern",
        version,
        "--profile",
        "youtube",
        "--created",
        CREATED,
        "-q",
    ];
    args.extend(extra);
    run(&args)
}

/// The schema validation script, when xmllint is here (required in CI).
fn validator() -> Option<PathBuf> {
    let script = root().join("../shared/ddex/validate.sh");
    let xmllint = Command::new("xmllint").arg("--version").output().is_ok();
    if script.is_file() && xmllint {
        return Some(script);
    }
    if std::env::var("DDEXPROBE_REQUIRE_XSD").is_ok_and(|v| v == "1") {
        panic!(
            "DDEXPROBE_REQUIRE_XSD=1 but xmllint or {} is missing",
            script.display()
        );
    }
    crate::util::skipped(
        "xmllint or the DDEX schemas not found: release messages are not validated here",
    );
    None
}

/// Validate `doc` as a whole message of `version` (`3.4` or `4.3`).
fn validate(doc: &str, version: &str) {
    let Some(script) = validator() else { return };
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("m.xml");
    std::fs::write(&p, doc).unwrap();
    let out = Command::new("sh")
        .arg(&script)
        .arg(version.replace('.', ""))
        .arg(&p)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ERN {version} message fails the schema:\n{}\n{doc}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Evaluate an XPath expression over `doc` with xmllint (`string(...)`,
/// `count(...)`); `None` without xmllint.
fn xpath(doc: &str, expr: &str) -> Option<String> {
    validator()?;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("m.xml");
    std::fs::write(&p, doc).unwrap();
    let out = Command::new("xmllint")
        .args(["--xpath", expr])
        .arg(&p)
        .output()
        .unwrap();
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[test]
fn ready_releases_are_ready_and_broken_ones_say_why() {
    for name in ["single", "album", "multi-disc", "metadata-only", "takedown"] {
        for profile in ["default", "youtube"] {
            let (code, v) = report(name, profile);
            assert_eq!(v["isReady"], true, "{name} {profile}: {v:#}");
            assert_eq!(v["readinessScore"], 100, "{name}");
            assert_eq!(code, 0, "{name}");
            assert!(v["artwork"]["isReady"].as_bool().unwrap(), "{name}");
            assert!(
                v["tracks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|t| t["isReady"] == true)
            );
        }
    }
    // The sender DPID of the documented example fails its check character:
    // a warning to confirm it, never a refusal.
    let (_, v) = report("album", "youtube");
    assert!(
        v["warnings"][0]
            .as_str()
            .unwrap()
            .contains("check character (E)"),
        "{v:#}"
    );
    assert_eq!(v["ownership"]["basis"], "OriginalReleaseDate");
    assert_eq!(v["ownership"]["date"], "2024-05-01");
    // Tracks in their declared order, not by name.
    let paths: Vec<&str> = v["tracks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["c.wav", "b.wav", "a.wav"]);

    let (_, v) = report("multi-disc", "default");
    assert_eq!(
        v["discs"],
        serde_json::json!([{"disc": 1, "tracks": 2}, {"disc": 2, "tracks": 3}])
    );
    let paths: Vec<&str> = v["tracks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "disc1/1.wav",
            "disc1/2.wav",
            "disc2/1.wav",
            "disc2/2.wav",
            "disc2/10.wav"
        ]
    );

    let (code, v) = report("bad-upc", "youtube");
    assert_eq!((code, &v["isReady"]), (1, &Value::Bool(false)));
    assert_eq!(invalid_fields(&v), ["release.icpn"]);
    assert!(
        v["invalidFields"][0]["issue"]
            .as_str()
            .unwrap()
            .contains("should be 0, not 1")
    );
    assert!(v.get("icpn").is_none());

    let (code, v) = report("broken-cover", "youtube");
    assert_eq!((code, &v["isReady"]), (1, &Value::Bool(false)));
    assert_eq!(invalid_fields(&v), ["artwork"]);
    assert_eq!(v["artwork"]["isReady"], false);
    assert!(v["readinessScore"].as_u64().unwrap() < 100);
}

/// Everything a release can get wrong at the release level, at once.
#[test]
fn release_level_findings() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    for entry in std::fs::read_dir(root().join("testdata/releases/album")).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, r.join(p.file_name().unwrap())).unwrap();
    }
    // Track 2's ISRC on track 3 too, a gap in the numbering, a P-line after
    // the release date, a deal without the ad-supported model, a bad
    // territory, an end before the start.
    let edit = |name: &str, f: &dyn Fn(&mut Value)| {
        let p = r.join(name);
        let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        f(&mut v);
        std::fs::write(&p, v.to_string()).unwrap();
    };
    edit("a.json", &|v| {
        v["soundRecordingDetails"]["isrc"] = "GBAYE2400202".into();
        v["ddexMetadata"]["trackNumber"] = 4.into();
    });
    edit("release.json", &|v| {
        v["release"]["pLine"]["year"] = 2025.into();
        v["deals"] = serde_json::json!([{
            "territories": ["UK"], "startDate": "2024-05-01", "endDate": "2024-04-01",
            "commercialModels": ["SubscriptionModel"], "useTypes": ["OnDemandStream"]
        }]);
    });
    let out = bin()
        .args([
            "check",
            "--release",
            "--profile",
            "youtube",
            "--format",
            "json",
        ])
        .arg(r)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let fields = invalid_fields(&v);
    for expected in [
        "release.pLine.year",
        "deals[0].territories",
        "deals[0].endDate",
        "deals[0].commercialModels",
        "ddexMetadata.trackNumber",
        "soundRecordingDetails.isrc",
        "tracks",
    ] {
        assert!(
            fields.iter().any(|f| f == expected),
            "{expected}: {fields:?}"
        );
    }
    let issues = v["invalidFields"].to_string();
    assert!(
        issues.contains("2025 is after the original release date 2024-05-01"),
        "{issues}"
    );
    assert!(
        issues.contains("lacks AdvertisementSupportedModel"),
        "{issues}"
    );
    assert!(
        issues.contains("the track numbers are 1, 2, 4; 3 is missing"),
        "{issues}"
    );
    // Every finding says what to do.
    assert!(v["suggestions"].as_array().unwrap().len() >= 6);
    // Without release.json every release field is missing.
    std::fs::remove_file(r.join("release.json")).unwrap();
    let out = bin()
        .args(["check", "--release", "--format", "json"])
        .arg(r)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(v["missingFields"].as_array().unwrap().len() >= 12, "{v:#}");
}

#[test]
fn messages_are_pinned_and_validate() {
    for (name, extra) in [
        ("single", &[][..]),
        ("album", &[][..]),
        ("multi-disc", &["--control", "live"][..]),
        ("metadata-only", &["--update", "metadata-only"][..]),
        ("takedown", &["--update", "takedown"][..]),
    ] {
        for version in ["3.4", "4.3"] {
            if name == "takedown" && version == "4.3" {
                continue;
            }
            let (code, doc, err) = message(name, version, extra);
            assert_eq!(code, 0, "{name} {version}: {err}");
            validate(&doc, version);
            insta::assert_snapshot!(format!("release_{name}_{version}"), doc);
        }
    }
    // ERN 4.3 has no TakeDown: the deal is sent again with its end.
    let (code, doc, err) = message("takedown", "4.3", &["--update", "takedown"]);
    assert_eq!(code, 0, "{err}");
    validate(&doc, "4.3");
    if let Some(end) = xpath(
        &doc,
        "string(//DealList/ReleaseDeal[1]/Deal/DealTerms/ValidityPeriod/EndDate)",
    ) {
        assert_eq!(end, "2024-05-02");
    }
}

#[test]
fn messages_keep_the_feed_rules() {
    for version in ["3.4", "4.3"] {
        for (name, tracks) in [("single", 1), ("album", 3), ("multi-disc", 5)] {
            let (code, doc, err) = message(name, version, &[]);
            assert_eq!(code, 0, "{err}");
            let Some(recordings) = xpath(&doc, "count(//ResourceList/SoundRecording)") else {
                return;
            };
            assert_eq!(recordings, tracks.to_string(), "{name}");
            let isrc = if version == "3.4" {
                "count(//ResourceList/SoundRecording/SoundRecordingId/ISRC)"
            } else {
                "count(//ResourceList/SoundRecording/SoundRecordingEdition/ResourceId/ISRC)"
            };
            assert_eq!(
                xpath(&doc, isrc).unwrap(),
                tracks.to_string(),
                "ISRC on every recording"
            );
            // The cover is the last resource, An+1.
            assert_eq!(
                xpath(&doc, "name(//ResourceList/*[last()])").unwrap(),
                "Image"
            );
            assert_eq!(
                xpath(&doc, "string(//ResourceList/*[last()]/ResourceReference)").unwrap(),
                format!("A{}", tracks + 1)
            );
            // R0 and one track release per recording.
            let (main, track_releases) = if version == "3.4" {
                (
                    "string(//ReleaseList/Release[1]/ReleaseReference)",
                    "count(//ReleaseList/Release[ReleaseType='TrackRelease'])",
                )
            } else {
                (
                    "string(//ReleaseList/Release/ReleaseReference)",
                    "count(//ReleaseList/TrackRelease)",
                )
            };
            assert_eq!(xpath(&doc, main).unwrap(), "R0");
            assert_eq!(xpath(&doc, track_releases).unwrap(), tracks.to_string());
            // Both commercial models on every track deal.
            for model in ["SubscriptionModel", "AdvertisementSupportedModel"] {
                let with = format!(
                    "count(//DealList/ReleaseDeal[DealReleaseReference!='R0'][Deal/DealTerms/CommercialModelType='{model}'])"
                );
                assert_eq!(
                    xpath(&doc, &with).unwrap(),
                    tracks.to_string(),
                    "{name} {model}"
                );
            }
        }
    }
    // Discs as resource groups with their sequence numbers.
    let (_, doc, _) = message("multi-disc", "3.4", &[]);
    if let Some(discs) = xpath(
        &doc,
        "count(//Release[ReleaseReference='R0']/ReleaseDetailsByTerritory/ResourceGroup/ResourceGroup)",
    ) {
        assert_eq!(discs, "2");
        assert_eq!(
            xpath(&doc, "string(//Release[ReleaseReference='R0']//ResourceGroup/ResourceGroup[2]/SequenceNumber)").unwrap(),
            "2"
        );
        // disc2/10.wav is the third track of disc 2 (natural order).
        assert_eq!(
            xpath(&doc, "string(//ResourceGroup/ResourceGroup[2]/ResourceGroupContentItem[3]/ReleaseResourceReference)").unwrap(),
            "A5"
        );
        assert_eq!(
            xpath(
                &doc,
                "string(//SoundRecording[ResourceReference='A5']//FileName)"
            )
            .unwrap(),
            "10.wav"
        );
        assert_eq!(
            xpath(&doc, "string(//MessageHeader/SentOnBehalfOf/PartyId)").unwrap(),
            "PADPIDA2010012301Z"
        );
    }
    // Metadata only: no technical block, the Image itself kept.
    let (_, doc, _) = message("metadata-only", "3.4", &["--update", "metadata-only"]);
    if let Some(n) = xpath(
        &doc,
        "count(//TechnicalSoundRecordingDetails | //TechnicalImageDetails)",
    ) {
        assert_eq!(n, "0");
        assert_eq!(xpath(&doc, "count(//ResourceList/Image)").unwrap(), "1");
        assert_eq!(
            xpath(&doc, "string(//UpdateIndicator)").unwrap(),
            "UpdateMessage"
        );
        assert_eq!(xpath(&doc, "count(//File)").unwrap(), "0");
    }
    // Takedown: TakeDown true in every deal, no usage.
    let (_, doc, _) = message("takedown", "3.4", &["--update", "takedown"]);
    if let Some(n) = xpath(&doc, "count(//DealTerms[TakeDown='true'])") {
        assert_eq!(n, "2");
        assert_eq!(xpath(&doc, "count(//DealTerms/Usage)").unwrap(), "0");
        assert_eq!(
            xpath(&doc, "count(//DealTerms/TerritoryCode)").unwrap(),
            "4"
        );
    }
}

#[test]
fn messages_of_releases_that_are_not_ready_are_refused_unless_forced() {
    let (code, out, err) = message("bad-upc", "3.4", &[]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(
        err.contains("release.icpn") && err.contains("nothing written"),
        "{err}"
    );
    // --force writes, loudly; an invalid ICPN is still never written.
    let (code, out, err) = message("bad-upc", "3.4", &["--force"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty() && err.contains("release.icpn"), "{err}");
    let (code, out, err) = message("broken-cover", "3.4", &["--force"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("NOT READY"), "{err}");
    validate(&out, "3.4");
    // Deals marked as takedowns need the takedown mode.
    let (code, _, err) = message("takedown", "3.4", &[]);
    assert_eq!(code, 1);
    assert!(err.contains("--update takedown"), "{err}");
    // Message flags need --message.
    let (code, _, err) = run(&[
        "ern",
        "testdata/releases/album",
        "--ern",
        "3.4",
        "--update",
        "full",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("add --message"), "{err}");
}

/// Every file of a directory, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut all = Vec::new();
    crate::util::all_files(dir, &mut all);
    let mut out: Vec<String> = all
        .iter()
        .map(|p| {
            p.strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    out.sort();
    out
}

#[test]
fn package_writes_the_batch_and_never_over_another() {
    let tmp = tempfile::tempdir().unwrap();
    let batch = tmp.path().join("batch");
    let (code, _, err) = run(&[
        "package",
        &release("multi-disc"),
        "-o",
        batch.to_str().unwrap(),
        "--profile",
        "youtube",
        "--created",
        CREATED,
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        files(&batch),
        [
            "5012345678917/5012345678917.xml",
            "5012345678917/resources/5012345678917.png",
            "5012345678917/resources/5012345678917_01_001.wav",
            "5012345678917/resources/5012345678917_01_002.wav",
            "5012345678917/resources/5012345678917_02_001.wav",
            "5012345678917/resources/5012345678917_02_002.wav",
            "5012345678917/resources/5012345678917_02_003.wav",
            "BatchComplete_20240502093000.xml",
        ]
    );
    // The copies are the files, byte for byte, under the names the message
    // gives them.
    let doc = std::fs::read_to_string(batch.join("5012345678917/5012345678917.xml")).unwrap();
    validate(&doc, "3.4");
    assert!(doc.contains("<FileName>5012345678917_02_003.wav</FileName>"));
    assert!(doc.contains("<FilePath>resources/</FilePath>"));
    assert_eq!(
        std::fs::read(batch.join("5012345678917/resources/5012345678917_02_003.wav")).unwrap(),
        std::fs::read(root().join("testdata/releases/multi-disc/disc2/10.wav")).unwrap()
    );
    // The marker is written last: nothing in the batch is newer.
    let marker = std::fs::metadata(batch.join("BatchComplete_20240502093000.xml"))
        .unwrap()
        .modified()
        .unwrap();
    for f in files(&batch) {
        let t = std::fs::metadata(batch.join(&f))
            .unwrap()
            .modified()
            .unwrap();
        assert!(t <= marker, "{f} is newer than the marker");
    }
    let marker_text =
        std::fs::read_to_string(batch.join("BatchComplete_20240502093000.xml")).unwrap();
    assert!(marker_text.starts_with("<?xml"), "{marker_text}");

    // Never over an existing batch.
    let before = files(&batch);
    let (code, _, err) = run(&["package", &release("album"), "-o", batch.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("already holds files"), "{err}");
    assert_eq!(files(&batch), before);

    // A release that is not ready gives no batch at all.
    let refused = tmp.path().join("refused");
    let (code, _, err) = run(&[
        "package",
        &release("bad-upc"),
        "-o",
        refused.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(!refused.exists());

    // A metadata-only update carries no files.
    let meta = tmp.path().join("meta");
    let (code, _, err) = run(&[
        "package",
        &release("metadata-only"),
        "-o",
        meta.to_str().unwrap(),
        "--update",
        "metadata-only",
        "--created",
        CREATED,
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        files(&meta),
        [
            "5012345678924/5012345678924.xml",
            "BatchComplete_20240502093000.xml"
        ]
    );
    // Not inside the release itself.
    let (code, _, err) = run(&[
        "package",
        &release("album"),
        "-o",
        &format!("{}/batch", release("album")),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(!root().join("testdata/releases/album/batch").exists());
}

#[test]
fn a_manifest_may_carry_the_release() {
    let tmp = tempfile::tempdir().unwrap();
    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("testdata/releases/single/release.json")).unwrap(),
    )
    .unwrap();
    let mut manifest = spec.as_object().unwrap().clone();
    manifest["release"]["title"] = "Morning (Manifest)".into();
    let p = tmp.path().join("m.json");
    std::fs::write(&p, Value::Object(manifest).to_string()).unwrap();
    let (code, doc, err) = message("single", "3.4", &["--metadata", p.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(doc.contains("<TitleText>Morning (Manifest)</TitleText>"));
}

/// A release.json without deals: the youtube profile's default deal, said
/// in a warning; the default profile, which has none, misses the deals.
#[test]
fn a_profile_default_deal_stands_in_for_missing_deals() {
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("testdata/releases/single")).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, tmp.path().join(p.file_name().unwrap())).unwrap();
    }
    let spec_path = tmp.path().join("release.json");
    let mut spec: Value =
        serde_json::from_str(&std::fs::read_to_string(&spec_path).unwrap()).unwrap();
    spec.as_object_mut().unwrap().remove("deals");
    std::fs::write(&spec_path, spec.to_string()).unwrap();
    let check = |profile: &str| -> Value {
        let out = bin()
            .args([
                "check",
                "--release",
                "--format",
                "json",
                "--profile",
                profile,
            ])
            .arg(tmp.path())
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let v = check("youtube");
    assert_eq!(v["isReady"], true, "{v:#}");
    assert!(
        v["warnings"]
            .to_string()
            .contains("default deal is used (OnDemandStream in Worldwide")
    );
    let v = check("default");
    assert_eq!(v["isReady"], false);
    assert!(
        v["missingFields"]
            .as_array()
            .unwrap()
            .contains(&Value::from("deals"))
    );
    // The message carries the default deal.
    let out = bin()
        .args([
            "ern",
            "--message",
            "--ern",
            "3.4",
            "--profile",
            "youtube",
            "-q",
            "--created",
            CREATED,
        ])
        .arg(tmp.path())
        .output()
        .unwrap();
    let doc = String::from_utf8(out.stdout).unwrap();
    assert!(
        doc.contains("<CommercialModelType>AdvertisementSupportedModel</CommercialModelType>"),
        "{doc}"
    );
    assert!(doc.contains("<StartDate>2024-05-01</StartDate>"));
}

/// The cover beside one recording is no second recording: `ern` writes
/// the technical fragment of the one file, not a refusal.
#[test]
fn ern_fragments_leave_the_cover_out() {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["01-morning.wav", "01-morning.json", "cover.png"] {
        std::fs::copy(
            root().join("testdata/releases/single").join(name),
            tmp.path().join(name),
        )
        .unwrap();
    }
    let out = bin()
        .args(["ern", "--ern", "4.3"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = String::from_utf8(out.stdout).unwrap();
    assert_eq!(doc.matches("<TechnicalDetails>").count(), 1, "{doc}");
    assert!(!doc.contains("cover.png"));
}

/// `-o` onto a file of the release (its audio, its cover, release.json) is
/// refused, and the file is left as it was.
#[test]
fn outputs_never_replace_the_release_files() {
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("testdata/releases/single")).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, tmp.path().join(p.file_name().unwrap())).unwrap();
    }
    for (command, target) in [
        (&["check", "--release"][..], "01-morning.wav"),
        (&["ern", "--message", "--ern", "3.4"][..], "cover.png"),
        (&["ern", "--message", "--ern", "4.3"][..], "release.json"),
    ] {
        let dest = tmp.path().join(target);
        let before = std::fs::read(&dest).unwrap();
        let out = bin()
            .args(command)
            .arg(tmp.path())
            .arg("-o")
            .arg(&dest)
            .arg("-q")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{command:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("refusing to overwrite"));
        assert_eq!(std::fs::read(&dest).unwrap(), before, "{target} changed");
    }
}
