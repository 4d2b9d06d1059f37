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
    eprintln!(
        "skipped: xmllint or {} not found (set DDEXPROBE_REQUIRE_XSD=1 to require them)",
        script.display()
    );
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
    let found = ddexprobe::scan::discover::discover(&[dir.to_path_buf()], false).unwrap();
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
        eprintln!("skipped: {} not found", corpora.display());
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
