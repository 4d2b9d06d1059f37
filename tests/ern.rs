//! DDEX ERN output validated against the official schemas with xmllint
//! (`../shared/ddex/validate.sh`): the technical block of every fixture and
//! of every corpus file ddexprobe measures, sound recordings and resource
//! lists from the readiness catalog (inside a whole `NewReleaseMessage` per
//! version), hostile text, exact output, and the errors for missing
//! metadata and forbidden characters.
//!
//! Skipped with a message when xmllint or the schemas are absent; required
//! when `DDEXPROBE_REQUIRE_XSD=1` (as in `.ci/run`).

use crate::util::{bin, root};
use ddexprobe::ern::{self, Asset, Fragment, Hash, Version};
use ddexprobe::metadata::load_sidecar;
use ddexprobe::readiness::assess::merged;
use ddexprobe::{Hashes, probe_file};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The validation script, when xmllint and the schemas are here.
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
    crate::util::skipped(&format!(
        "xmllint or {} not found: the ERN schema validations test nothing here (set DDEXPROBE_REQUIRE_XSD=1 to require them)",
        script.display()
    ));
    None
}

/// Validate `files` with `validate.sh VERSION [--fragment]`, all in one
/// xmllint run; the failures with xmllint's messages.
fn validate(script: &Path, version: &str, fragment: bool, files: &[PathBuf]) -> Result<(), String> {
    if files.is_empty() {
        return Ok(());
    }
    let mut cmd = Command::new("sh");
    cmd.arg(script).arg(version);
    if fragment {
        cmd.arg("--fragment");
    }
    let out = cmd.args(files).output().unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

fn asset(path: &Path, display: &str, hashes: Hashes) -> Asset {
    let record = probe_file(path, display.to_string(), hashes);
    let declared = load_sidecar(path);
    Asset {
        fields: merged(&record, declared.as_ref()),
        file_path: display.to_string(),
        record,
        resource_reference: String::new(),
        technical_reference: String::new(),
        with_technical: true,
        proprietary_namespace: None,
    }
}

/// Write each document to `dir`, named by index.
fn save(dir: &Path, tag: &str, docs: &[Vec<u8>]) -> Vec<PathBuf> {
    docs.iter()
        .enumerate()
        .map(|(i, d)| {
            let p = dir.join(format!("{tag}-{i}.xml"));
            std::fs::write(&p, d).unwrap();
            p
        })
        .collect()
}

/// Every probe-clean file under `dir` (walked), as assets.
fn clean_assets(dir: &Path) -> Vec<Asset> {
    let found = ddexprobe::scan::discover::discover(&[dir.to_path_buf()], false);
    let assets: Vec<Asset> = found
        .targets
        .iter()
        .map(|t| asset(&t.path, &t.display, Hashes::BOTH))
        .filter(|a| a.record.errors.is_empty() && a.record.file_format.is_some())
        .collect();
    ern::number(assets)
}

fn technical_blocks_validate(dir: &Path, min: usize) {
    let Some(script) = validator() else { return };
    let assets = clean_assets(dir);
    assert!(assets.len() >= min, "{} assets", assets.len());
    let tmp = tempfile::tempdir().unwrap();
    for (version, schema) in [
        (Version::Ern34, "34"),
        (Version::Ern341, "34"),
        (Version::Ern43, "43"),
    ] {
        for hash in [Hash::Md5, Hash::Sha256] {
            let docs = ern::write(version, Fragment::Technical, &assets, hash).unwrap();
            assert_eq!(docs.len(), assets.len());
            let files = save(tmp.path(), &format!("{schema}-{hash:?}"), &docs);
            if let Err(e) = validate(&script, schema, true, &files) {
                panic!("ERN {version:?} technical blocks fail validation:\n{e}");
            }
        }
    }
}

#[test]
fn technical_blocks_of_every_fixture_validate() {
    technical_blocks_validate(&root().join("testdata"), 60);
}

#[test]
fn technical_blocks_of_every_corpus_file_validate() {
    let corpora = root().join("../shared/corpora");
    if !corpora.is_dir() {
        if std::env::var("DDEXPROBE_REQUIRE_CORPORA").is_ok_and(|v| v == "1") {
            panic!(
                "DDEXPROBE_REQUIRE_CORPORA=1 but {} is missing",
                corpora.display()
            );
        }
        crate::util::skipped(&format!("{} not found", corpora.display()));
        return;
    }
    technical_blocks_validate(&corpora, 300);
}

/// Assets of the catalog with the metadata a sound recording needs.
fn album() -> Vec<Asset> {
    let dir = root().join("testdata/catalog");
    ern::number(
        ["ready.wav", "example.aiff", "mismatch.wav"]
            .iter()
            .map(|n| asset(&dir.join(n), n, Hashes::BOTH))
            .map(|mut a| {
                // example.aiff has no ISRC in its sidecar.
                a.fields
                    .entry("soundRecordingDetails.isrc".to_string())
                    .or_insert_with(|| "GBAYE0601499".into());
                a
            })
            .collect(),
    )
}

#[test]
fn sound_recordings_and_whole_messages_validate() {
    let Some(script) = validator() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let assets = album();
    for (version, schema) in [(Version::Ern34, "34"), (Version::Ern43, "43")] {
        let docs = ern::write(version, Fragment::SoundRecording, &assets, Hash::Sha256).unwrap();
        let files = save(tmp.path(), &format!("sr{schema}"), &docs);
        if let Err(e) = validate(&script, schema, true, &files) {
            panic!("ERN {version:?} sound recordings fail validation:\n{e}");
        }
    }
    // A resource list of the album inside a whole message, per version.
    let messages = [
        (
            "34",
            ern::ern34::message(Version::Ern34, &assets, Hash::Md5).unwrap(),
        ),
        (
            "341",
            ern::ern34::message(Version::Ern341, &assets, Hash::Sha256).unwrap(),
        ),
        ("43", ern::ern43::message(&assets, Hash::Sha256).unwrap()),
    ];
    for (schema, doc) in messages {
        let p = tmp.path().join(format!("message-{schema}.xml"));
        std::fs::write(&p, &doc).unwrap();
        if let Err(e) = validate(&script, schema, false, &[p]) {
            panic!("ERN {schema} message fails validation:\n{e}");
        }
    }
}

#[test]
fn hostile_text_is_escaped_and_forbidden_characters_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("testdata/catalog/ready.wav"),
        dir.path().join("x.wav"),
    )
    .unwrap();
    let hostile = "<b>&amp;</b> \"quoted\" 'single' \u{1F3B5} \u{623}\u{63A}\u{646}\u{64A}\u{629}";
    let sidecar = serde_json::json!({
        "ddexMetadata": {"title": hostile, "displayArtist": hostile},
        "soundRecordingDetails": {"isrc": "USRC17607839"}
    });
    std::fs::write(dir.path().join("x.json"), sidecar.to_string()).unwrap();
    let assets = ern::number(vec![asset(
        &dir.path().join("x.wav"),
        "dir/x & y.wav",
        Hashes::BOTH,
    )]);
    for version in [Version::Ern34, Version::Ern43] {
        let doc = ern::write(version, Fragment::SoundRecording, &assets, Hash::Md5)
            .unwrap()
            .remove(0);
        let text = String::from_utf8(doc.clone()).unwrap();
        assert!(text.contains("&lt;b&gt;&amp;amp;&lt;/b&gt;"), "{text}");
        // Escaped once, and reads back exactly.
        let escaped = quick_xml::escape::escape(hostile);
        assert!(text.contains(&*escaped), "{text}");
        assert_eq!(quick_xml::escape::unescape(&escaped).unwrap(), hostile);
        assert!(
            text.contains("<FileName>x &amp; y.wav</FileName>") || text.contains("x &amp; y.wav")
        );
        if let Some(script) = validator() {
            let p = dir.path().join(format!("hostile-{version:?}.xml"));
            std::fs::write(&p, &doc).unwrap();
            let schema = if version == Version::Ern43 {
                "43"
            } else {
                "34"
            };
            validate(&script, schema, true, &[p]).unwrap();
        }
    }

    // A control character cannot be written: the error names the field.
    let bell = ern::number(vec![asset(
        &root().join("testdata/catalog/hostile.wav"),
        "hostile.wav",
        Hashes::NONE,
    )]);
    let mut bell = bell;
    bell[0]
        .fields
        .insert("soundRecordingDetails.isrc".into(), "USRC17607839".into());
    let e = ern::write(Version::Ern34, Fragment::SoundRecording, &bell, Hash::Md5).unwrap_err();
    assert_eq!(e.field, "ddexMetadata.displayArtist", "{e}");
    assert!(e.message.contains("U+0007"), "{e}");
}

#[test]
fn missing_metadata_is_an_error_naming_the_field() {
    let assets = ern::number(vec![asset(
        &root().join("testdata/catalog/typo.wav"),
        "typo.wav",
        Hashes::NONE,
    )]);
    for version in [Version::Ern34, Version::Ern43] {
        let e = ern::write(version, Fragment::SoundRecording, &assets, Hash::Md5).unwrap_err();
        assert_eq!(e.field, "ddexMetadata.displayArtist", "{e}");
    }
    // The command writes nothing and exits 1.
    let out = bin()
        .args(["ern", "--ern", "4.3", "--fragment", "sound-recording"])
        .arg(root().join("testdata/catalog/typo.wav"))
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ddexMetadata.displayArtist"));
}

#[test]
fn technical_block_is_exact() {
    let assets = ern::number(vec![asset(
        &root().join("testdata/wav-pcm16-44k-stereo.wav"),
        "masters/wav-pcm16-44k-stereo.wav",
        Hashes::BOTH,
    )]);
    let md5 = assets[0].record.md5.clone().unwrap();
    let doc = ern::write(Version::Ern34, Fragment::Technical, &assets, Hash::Md5)
        .unwrap()
        .remove(0);
    let doc = String::from_utf8(doc).unwrap();
    insta::assert_snapshot!(doc);
    assert!(doc.ends_with("</TechnicalSoundRecordingDetails>\n"));
    assert!(doc.contains(&format!("<HashSum>{md5}</HashSum>")));
    let sha = ern::write(Version::Ern34, Fragment::Technical, &assets, Hash::Sha256)
        .unwrap()
        .remove(0);
    assert!(String::from_utf8(sha).unwrap().contains(
        r#"<HashSumAlgorithmType UserDefinedValue="SHA-256">UserDefined</HashSumAlgorithmType>"#
    ));
}

/// `ddexprobe ern ARGS`: the exit code, stdout and stderr.
fn ern_cli(args: &[&str], paths: &[PathBuf]) -> (i32, Vec<u8>, String) {
    let out = bin().arg("ern").args(args).args(paths).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn verdict(name: &str) -> PathBuf {
    root().join("testdata/verdicts").join(name)
}

/// Invalid metadata is refused before anything is written: every finding
/// listed at once, exit 1, no output file; `--force` writes a document that
/// validates, without the invalid values, and says so.
#[test]
fn invalid_metadata_is_refused_whole_and_force_leaves_it_out() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.xml");
    let out_arg = out.to_str().unwrap();
    let files = [
        verdict("complete.wav"),
        verdict("duration-off.wav"),
        verdict("iswc-check-digit.wav"),
        verdict("rate-22k-declared-44k.aiff"),
    ];
    let args = ["--ern", "4.3", "--fragment", "resource-list", "-o", out_arg];
    let into = dir.path().join("forced");
    let (code, _, err) = ern_cli(&args, &files);
    assert_eq!(code, 1, "{err}");
    assert!(!out.exists(), "nothing is written");
    for finding in [
        "duration-off.wav ddexMetadata.duration: declared PT2S",
        "iswc-check-digit.wav musicalWorkReference.iswc: 'T-123.456.789-0' is not a valid ISWC",
        "rate-22k-declared-44k.aiff technicalResourceDetails.sampleRate: declared 44100, measured 22050",
        "rate-22k-declared-44k.aiff technicalResourceDetails.sampleRate: Must be 44100, 48000 or 96000",
    ] {
        assert!(err.contains(finding), "{finding} not in:\n{err}");
    }
    assert!(
        err.contains("no ERN written: 4 invalid values in 3 of 4 files"),
        "{err}"
    );

    let forced = [
        "--ern",
        "4.3",
        "--fragment",
        "sound-recording",
        "--out-dir",
        into.to_str().unwrap(),
        "--force",
    ];
    let (code, _, err) = ern_cli(&forced, &files);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("--force: writing the ERN WITHOUT the 4 invalid values"),
        "{err}"
    );
    let written: Vec<PathBuf> = std::fs::read_dir(&into)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(written.len(), 4);
    for w in &written {
        let xml = std::fs::read_to_string(w).unwrap();
        assert!(
            !xml.contains("PT2S") && !xml.contains("T-123.456.789-0"),
            "{xml}"
        );
    }
    if let Some(script) = validator() {
        validate(&script, "43", true, &written).unwrap();
    }
}

/// Several per-asset documents are never one stream: refused without
/// `--out-dir`, one validating file per asset with it.
#[test]
fn one_document_per_output() {
    let files = [
        verdict("complete.wav"),
        verdict("hires-96k.wav"),
        verdict("mono-48k.wav"),
    ];
    for fragment in ["technical", "sound-recording"] {
        let (code, out, err) = ern_cli(&["--ern", "3.4", "--fragment", fragment], &files);
        assert_eq!(code, 2, "{err}");
        assert!(out.is_empty());
        assert!(err.contains("give --out-dir DIR"), "{err}");
    }
    let dir = tempfile::tempdir().unwrap();
    for (version, schema) in [("3.4", "34"), ("4.3", "43")] {
        for fragment in ["technical", "sound-recording"] {
            let into = dir.path().join(format!("{schema}-{fragment}"));
            let (code, out, err) = ern_cli(
                &[
                    "--ern",
                    version,
                    "--fragment",
                    fragment,
                    "--out-dir",
                    into.to_str().unwrap(),
                ],
                &files,
            );
            assert_eq!(code, 0, "{err}");
            assert!(out.is_empty());
            let mut written: Vec<PathBuf> = std::fs::read_dir(&into)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            written.sort();
            let names: Vec<String> = written
                .iter()
                .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
                .collect();
            // The declared resource references (A1, A7, A8) are kept.
            assert_eq!(
                names,
                [
                    "A1-complete.wav.xml",
                    "A7-hires-96k.wav.xml",
                    "A8-mono-48k.wav.xml"
                ]
            );
            if let Some(script) = validator() {
                validate(&script, schema, true, &written).unwrap();
            }
        }
    }
}

/// Duplicates across the catalog are refused: the same master, ISRC or
/// resource reference twice.
#[test]
fn catalog_duplicates_are_refused() {
    let (code, out, err) = ern_cli(
        &["--ern", "4.3", "--fragment", "resource-list"],
        &[root().join("testdata/duplicates")],
    );
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    for finding in [
        "master.wav file: duplicate master: byte-identical to master-copy.wav",
        "isrc-1.wav soundRecordingDetails.isrc: the ISRC GBAYE2400001 is also given to isrc-2.flac",
        "reference-2.aiff ddexMetadata.resourceReference: the resource reference A10 is also declared for reference-1.wav",
    ] {
        assert!(err.contains(finding), "{finding} not in:\n{err}");
    }
}

/// References follow a declared sequence, then natural path order (`2.wav`
/// before `10.wav`); a declared reference is kept and not reused.
#[test]
fn references_follow_sequence_then_natural_order() {
    let dir = tempfile::tempdir().unwrap();
    let sidecar = std::fs::read_to_string(verdict("complete.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&sidecar).unwrap();
    let mut fixture = std::fs::read(verdict("complete.wav")).unwrap();
    for (i, name) in ["1", "10", "2", "3"].iter().enumerate() {
        let n = fixture.len();
        fixture[n - 1] = i as u8 + 10;
        std::fs::write(dir.path().join(format!("{name}.wav")), &fixture).unwrap();
        doc["soundRecordingDetails"]["isrc"] = format!("GBAYE240000{i}").into();
        let meta = doc["ddexMetadata"].as_object_mut().unwrap();
        meta.remove("resourceReference");
        match *name {
            // Declared first in the release, and with its own reference.
            "3" => {
                meta.insert("sequence".into(), 1.into());
                meta.insert("resourceReference".into(), "A2".into());
            }
            _ => {
                meta.remove("sequence");
            }
        }
        std::fs::write(dir.path().join(format!("{name}.json")), doc.to_string()).unwrap();
    }
    let (code, out, err) = ern_cli(
        &["--ern", "4.3", "--fragment", "resource-list"],
        &[dir.path().to_path_buf()],
    );
    assert_eq!(code, 0, "{err}");
    let xml = String::from_utf8(out).unwrap();
    let order: Vec<(String, String)> = xml
        .split("<SoundRecording>")
        .skip(1)
        .map(|sr| {
            let tag = |t: &str| {
                let open = format!("<{t}>");
                let start = sr.find(&open).unwrap() + open.len();
                sr[start..start + sr[start..].find('<').unwrap()].to_string()
            };
            (
                tag("ResourceReference"),
                tag("URI").rsplit('/').next().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            ("A2".to_string(), "3.wav".to_string()),
            ("A1".to_string(), "1.wav".to_string()),
            ("A3".to_string(), "2.wav".to_string()),
            ("A4".to_string(), "10.wav".to_string()),
        ]
    );
}

/// For random sidecars of valid and invalid values, `ern` either writes a
/// document that validates against the official schema or exits 1 having
/// written nothing.
#[test]
fn random_sidecars_give_a_valid_document_or_nothing() {
    let values: &[(&str, &[serde_json::Value])] = &[
        (
            "ddexMetadata.title",
            &["A <Song> & Co".into(), "".into(), serde_json::Value::Null],
        ),
        (
            "ddexMetadata.displayArtist",
            &["An Artist".into(), serde_json::Value::Null],
        ),
        (
            "ddexMetadata.languageOfPerformance",
            &["en".into(), "eng".into(), serde_json::Value::Null],
        ),
        (
            "ddexMetadata.parentalWarningType",
            &["NotExplicit".into(), "Clean".into()],
        ),
        (
            "ddexMetadata.duration",
            &[
                "PT0S".into(),
                serde_json::Value::Null,
                "PT9S".into(),
                "3:45".into(),
            ],
        ),
        (
            "ddexMetadata.sequence",
            &[1.into(), serde_json::Value::Null, 0.into(), "two".into()],
        ),
        (
            "soundRecordingDetails.isrc",
            &["USRC17607839".into(), "not an isrc at all".into()],
        ),
        (
            "soundRecordingDetails.genre",
            &["Pop".into(), "Unknown".into(), serde_json::Value::Null],
        ),
        (
            "soundRecordingDetails.pLine.year",
            &[2019.into(), "MMXXIV".into(), serde_json::Value::Null],
        ),
        (
            "soundRecordingDetails.pLine.pLineText",
            &["2019 Label".into(), serde_json::Value::Null],
        ),
        (
            "musicalWorkReference.iswc",
            &["T-034.524.680-1".into(), "T-123.456.789-0".into()],
        ),
    ];
    let script = validator();
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("track.wav");
    std::fs::copy(verdict("complete.wav"), &wav).unwrap();
    let out = dir.path().join("out.xml");
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let (mut written, mut refused) = (0, 0);
    for case in 0..60 {
        let mut doc = serde_json::json!({});
        for (field, choices) in values {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            // A third of the cases change nothing: the first choice of
            // every field is valid.
            let pick = if case % 3 == 0 {
                0
            } else {
                (seed % choices.len() as u64) as usize
            };
            let v = &choices[pick];
            if v.is_null() {
                continue;
            }
            let mut node = &mut doc;
            let parts: Vec<&str> = field.split('.').collect();
            for g in &parts[..parts.len() - 1] {
                node = node
                    .as_object_mut()
                    .unwrap()
                    .entry(g.to_string())
                    .or_insert_with(|| serde_json::json!({}));
            }
            node[parts[parts.len() - 1]] = v.clone();
        }
        std::fs::write(dir.path().join("track.json"), doc.to_string()).unwrap();
        let _ = std::fs::remove_file(&out);
        let version = if case % 2 == 0 {
            ("4.3", "43")
        } else {
            ("3.4", "34")
        };
        let (code, _, err) = ern_cli(
            &[
                "--ern",
                version.0,
                "--fragment",
                "sound-recording",
                "-o",
                out.to_str().unwrap(),
            ],
            std::slice::from_ref(&wav),
        );
        match code {
            0 => {
                written += 1;
                if let Some(script) = &script
                    && let Err(e) = validate(script, version.1, true, std::slice::from_ref(&out))
                {
                    panic!("{doc}: written but invalid:\n{e}");
                }
            }
            1 => {
                refused += 1;
                assert!(!out.exists(), "{doc}: exit 1 but a document was written");
            }
            other => panic!("{doc}: exit {other}: {err}"),
        }
    }
    assert!(
        written > 0 && refused > 0,
        "{written} written, {refused} refused"
    );
}

#[test]
fn ern43_declares_immersive_audio_metadata_for_adm() {
    let dir = root().join("testdata");
    let assets = ern::number(
        [
            "bw64-adm-2bed-1obj.wav",
            "bw64-pcm24-48k-stereo.wav",
            "bw64-adm-axml-only.wav",
        ]
        .iter()
        .map(|n| asset(&dir.join(n), n, Hashes::BOTH))
        .collect(),
    );
    let docs = ern::write(Version::Ern43, Fragment::Technical, &assets, Hash::Md5).unwrap();
    let text: Vec<String> = docs
        .iter()
        .map(|d| String::from_utf8(d.clone()).unwrap())
        .collect();
    assert!(
        text[0].contains(
            "  </DeliveryFile>\n  <HasImmersiveAudioMetadata>true</HasImmersiveAudioMetadata>\n</TechnicalDetails>"
        ),
        "{}",
        text[0]
    );
    // The codec stays PCM: DolbyAtmosMasterADM is a profile not checked here.
    assert!(text[0].contains("<AudioCodecType>PCM</AudioCodecType>"));
    assert!(!text[1].contains("HasImmersiveAudioMetadata"));
    assert!(!text[2].contains("HasImmersiveAudioMetadata"));
    // ERN 3.4 has no such element.
    let docs34 = ern::write(Version::Ern34, Fragment::Technical, &assets, Hash::Md5).unwrap();
    assert!(!String::from_utf8_lossy(&docs34[0]).contains("Immersive"));
    let Some(script) = validator() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let files = save(tmp.path(), "adm", &docs[..1]);
    validate(&script, "43", true, &files).unwrap();
}

/// The musical work reaches the sound recording: its ISWC (3.4
/// `IndirectSoundRecordingId`, 4.3 `WorkId`, without punctuation), its
/// composers and publishers (3.4 `IndirectResourceContributor`, 4.3
/// `Contributor` with a party each in a whole message), and the documents
/// validate.
#[test]
fn the_iswc_is_written_in_both_versions() {
    let dir = tempfile::tempdir().unwrap();
    for (version, schema, wrapper) in [
        ("3.4", "34", "IndirectSoundRecordingId"),
        ("4.3", "43", "WorkId"),
    ] {
        let out = dir.path().join(format!("sr{schema}.xml"));
        let (code, _, err) = ern_cli(
            &[
                "--ern",
                version,
                "--fragment",
                "sound-recording",
                "-o",
                out.to_str().unwrap(),
            ],
            &[root().join("testdata/catalog/ready.wav")],
        );
        assert_eq!(code, 0, "{err}");
        let xml = std::fs::read_to_string(&out).unwrap();
        assert!(
            xml.contains(&format!(
                "<{wrapper}>\n    <ISWC>T0345246801</ISWC>\n  </{wrapper}>"
            )),
            "{xml}"
        );
        // The composers and publishers of ready.json.
        let people = if schema == "34" {
            [
                "<FullName>A. Writer</FullName>",
                "<IndirectResourceContributorRole>Composer<",
                "<FullName>Example Music</FullName>",
                "<IndirectResourceContributorRole>MusicPublisher<",
            ]
        } else {
            [
                "<ContributorPartyReference>PA1C1<",
                "<Role>Composer</Role>",
                "<ContributorPartyReference>PA1C2<",
                "<Role>MusicPublisher</Role>",
            ]
        };
        for p in people {
            assert!(xml.contains(p), "{p} not in {xml}");
        }
        if let Some(script) = validator() {
            validate(&script, schema, true, &[out]).unwrap();
        }
    }
}

/// A declared label: 3.4 `LabelName` in the sound recording's territory
/// details, 4.3 the release label party of a whole message; both validate.
#[test]
fn the_label_is_written_where_each_version_has_a_place() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("t.wav");
    std::fs::copy(verdict("complete.wav"), &wav).unwrap();
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(verdict("complete.json")).unwrap()).unwrap();
    doc["soundRecordingDetails"]["labelName"] = "Kiln Records".into();
    std::fs::write(dir.path().join("t.json"), doc.to_string()).unwrap();
    let out = dir.path().join("sr34.xml");
    let (code, _, err) = ern_cli(
        &[
            "--ern",
            "3.4",
            "--fragment",
            "sound-recording",
            "-o",
            out.to_str().unwrap(),
        ],
        std::slice::from_ref(&wav),
    );
    assert_eq!(code, 0, "{err}");
    let xml = std::fs::read_to_string(&out).unwrap();
    assert!(xml.contains("<LabelName>Kiln Records</LabelName>"), "{xml}");
    let message = ern::ern43::message(
        &ern::number(vec![asset(&wav, "t.wav", Hashes::BOTH)]),
        Hash::Md5,
    )
    .unwrap();
    let text = String::from_utf8(message.clone()).unwrap();
    assert!(text.contains("<FullName>Kiln Records</FullName>"), "{text}");
    if let Some(script) = validator() {
        validate(&script, "34", true, &[out]).unwrap();
        let m = dir.path().join("message.xml");
        std::fs::write(&m, &message).unwrap();
        validate(&script, "43", false, &[m]).unwrap();
    }
}

/// Language tags as each version's schema takes them: ERN 4.3 takes BCP 47
/// (`zxx` for an instrumental, `pt-BR`, `zh-Hant`), ERN 3.4 only ISO 639-1,
/// so 3.4 refuses them before writing; `check` follows the profile.
#[test]
fn language_tags_follow_each_schema_version() {
    for tag in ["zxx", "yue", "pt-BR", "zh-Hant"] {
        let dir = tempfile::tempdir().unwrap();
        let wav = dir.path().join("t.wav");
        std::fs::copy(verdict("complete.wav"), &wav).unwrap();
        let mut doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(verdict("complete.json")).unwrap())
                .unwrap();
        doc["ddexMetadata"]["languageOfPerformance"] = tag.into();
        std::fs::write(dir.path().join("t.json"), doc.to_string()).unwrap();

        let out = dir.path().join("sr43.xml");
        let args = ["--ern", "4.3", "--fragment", "sound-recording", "-o"];
        let (code, _, err) = ern_cli(
            &[&args[..], &[out.to_str().unwrap()]].concat(),
            std::slice::from_ref(&wav),
        );
        assert_eq!(code, 0, "{tag}: {err}");
        let xml = std::fs::read_to_string(&out).unwrap();
        assert!(
            xml.contains(&format!(
                "<LanguageOfPerformance>{tag}</LanguageOfPerformance>"
            )),
            "{xml}"
        );
        if let Some(script) = validator() {
            validate(&script, "43", true, &[out]).unwrap();
        }

        let (code, stdout, err) = ern_cli(
            &["--ern", "3.4", "--fragment", "sound-recording"],
            std::slice::from_ref(&wav),
        );
        assert_eq!(code, 1, "{tag}: {err}");
        assert!(stdout.is_empty());
        assert!(
            err.contains("ERN 3.4 takes ISO 639-1 two-letter codes only"),
            "{err}"
        );

        // check: the default profile takes the tag, youtube (an ERN 3.4
        // feed) demands ISO 639-1.
        let run = |profile: &str| {
            let out = bin()
                .args(["check", "--format", "ndjson", "--profile", profile])
                .arg(&wav)
                .output()
                .unwrap();
            String::from_utf8(out.stdout).unwrap()
        };
        assert!(!run("default").contains("languageOfPerformance"), "{tag}");
        let yt = run("youtube");
        assert!(
            yt.contains("ddexMetadata.languageOfPerformance") && yt.contains("ISO 639-1"),
            "{yt}"
        );
    }
}

/// `ern --verify` decodes every frame first: audio damaged inside (a bit
/// flipped in a FLAC frame, which the headers cannot show) is refused
/// with the reason, and nothing is written.
#[test]
fn ern_verify_refuses_damaged_audio() {
    let dir = tempfile::tempdir().unwrap();
    let flac = dir.path().join("t.flac");
    std::fs::copy(root().join("testdata/flac-bitflip-in-frame.flac"), &flac).unwrap();
    std::fs::copy(verdict("complete.json"), dir.path().join("t.json")).unwrap();
    let args = ["--ern", "4.3", "--fragment", "sound-recording"];
    let (code, stdout, err) = ern_cli(&args, std::slice::from_ref(&flac));
    assert_eq!(code, 0, "headers only, the damage is not seen: {err}");
    assert!(!stdout.is_empty());
    let (code, stdout, err) = ern_cli(&[&args[..], &["--verify"]].concat(), &[flac]);
    assert_eq!(code, 1, "{err}");
    assert!(stdout.is_empty());
    assert!(err.contains("frame_crc_mismatch"), "{err}");
    assert!(err.contains("no ERN written"), "{err}");
}
