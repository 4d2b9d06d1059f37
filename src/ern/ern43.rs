//! ERN 4.3: `TechnicalDetails`, `SoundRecording`, `ResourceList`, and a
//! minimal whole `NewReleaseMessage`.
//!
//! Element order follows `../shared/ddex/reference/ern43_types.txt`; words
//! come from the 4.3 allowed-value sets (AvsVersionId 3). Values missing
//! from a list are written as `UserDefined` with a `UserDefinedValue`.

use super::{Asset, ErnError, Fragment, Hash, Xml};
use crate::record::FileFormat;

/// The 4.3 `AudioCodecType` words.
const AUDIO_CODECS: &[&str] = &[
    "AAC",
    "AC-4",
    "DolbyAtmosMasterADM",
    "ADPCM",
    "ALaw",
    "AMR",
    "AMR-NB",
    "AMR-WB",
    "DolbyDigitalPlus",
    "FLAC",
    "MP",
    "MP2",
    "MP3",
    "MPEG-H_3D",
    "MQA",
    "MuLaw",
    "PCM",
    "PDM",
    "QCELP",
    "RealAudio",
    "Shockwave",
    "Vorbis",
    "WMA",
];

/// The 4.3 `ParentalWarningType` words (without `UserDefined`).
const PARENTAL_WARNINGS: &[&str] = &[
    "Explicit",
    "ExplicitContentEdited",
    "NoAdviceAvailable",
    "NotExplicit",
    "Unknown",
];

/// Write `fragment` for `assets` (see [`super::write`]).
pub fn write(fragment: Fragment, assets: &[Asset], hash: Hash) -> Result<Vec<Vec<u8>>, ErnError> {
    match fragment {
        Fragment::Technical => assets
            .iter()
            .map(|a| {
                let mut xml = Xml::new();
                xml.path = a.record.path.clone();
                technical(&mut xml, a, hash)?;
                Ok(xml.finish())
            })
            .collect(),
        Fragment::SoundRecording => assets
            .iter()
            .map(|a| {
                let mut xml = Xml::new();
                xml.path = a.record.path.clone();
                sound_recording(&mut xml, a, hash)?;
                Ok(xml.finish())
            })
            .collect(),
        Fragment::ResourceList => {
            let mut xml = Xml::new();
            resource_list(&mut xml, assets, hash)?;
            Ok(vec![xml.finish()])
        }
    }
}

/// A minimal whole `NewReleaseMessage` holding `assets` as one album
/// release, with a fixed header so the output is deterministic.
#[doc(hidden)]
pub fn message(assets: &[Asset], hash: Hash) -> Result<Vec<u8>, ErnError> {
    let first = assets.first().ok_or_else(|| ErnError {
        path: String::new(),
        field: "assets".to_string(),
        message: "a message needs at least one recording".to_string(),
    })?;
    let mut xml = Xml::new();
    xml.open(
        "ern:NewReleaseMessage",
        &[
            ("xmlns:ern", "http://ddex.net/xml/ern/43"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            (
                "xsi:schemaLocation",
                "http://ddex.net/xml/ern/43 http://ddex.net/xml/ern/43/release-notification.xsd",
            ),
            ("ReleaseProfileVersionId", "Audio"),
            ("AvsVersionId", "3"),
            ("LanguageAndScriptCode", "en"),
        ],
    )?;

    super::message_header(&mut xml)?;

    xml.open("PartyList", &[])?;
    for a in assets {
        xml.path = a.record.path.clone();
        let artist = a.require("ddexMetadata.displayArtist")?;
        xml.open("Party", &[])?;
        xml.leaf(
            "PartyReference",
            &[],
            &party_reference(a),
            "resourceReference",
        )?;
        party_name(&mut xml, &artist, "ddexMetadata.displayArtist")?;
        xml.close("Party");
        for (reference, name, _, field) in contributors(a) {
            xml.open("Party", &[])?;
            xml.leaf("PartyReference", &[], &reference, field)?;
            party_name(&mut xml, &name, field)?;
            xml.close("Party");
        }
    }
    xml.open("Party", &[])?;
    xml.leaf("PartyReference", &[], "PLabel1", "PartyReference")?;
    // The release's label: the first declared one (ERN 4.3 names the label
    // on the release, not on each sound recording).
    let label = assets
        .iter()
        .find_map(|a| a.text("soundRecordingDetails.labelName"))
        .unwrap_or_else(|| "Example Label".to_string());
    party_name(&mut xml, &label, "soundRecordingDetails.labelName")?;
    xml.close("Party");
    xml.close("PartyList");

    xml.open("ResourceList", &[])?;
    for a in assets {
        xml.path = a.record.path.clone();
        sound_recording(&mut xml, a, hash)?;
    }
    xml.close("ResourceList");

    xml.path = first.record.path.clone();
    let title = first.require("ddexMetadata.title")?;
    let artist = first.require("ddexMetadata.displayArtist")?;
    xml.open("ReleaseList", &[])?;
    xml.open("Release", &[])?;
    xml.leaf("ReleaseReference", &[], "R0", "ReleaseReference")?;
    xml.leaf("ReleaseType", &[], "Album", "ReleaseType")?;
    xml.open("ReleaseId", &[])?;
    xml.leaf("ICPN", &[], "123456789012", "ICPN")?;
    xml.close("ReleaseId");
    display_title_and_artist(&mut xml, first, &title, &artist)?;
    xml.leaf(
        "ReleaseLabelReference",
        &[],
        "PLabel1",
        "ReleaseLabelReference",
    )?;
    xml.open("PLine", &[])?;
    xml.leaf("Year", &[], "2024", "PLine")?;
    xml.leaf("PLineText", &[], "(P) 2024 Example Label", "PLine")?;
    xml.close("PLine");
    xml.open("Genre", &[])?;
    xml.leaf("GenreText", &[], "Pop", "Genre")?;
    xml.close("Genre");
    xml.leaf(
        "ParentalWarningType",
        &[],
        &parental_warning(first)?,
        "ddexMetadata.parentalWarningType",
    )?;
    xml.open("ResourceGroup", &[])?;
    for (i, a) in assets.iter().enumerate() {
        xml.open("ResourceGroupContentItem", &[])?;
        xml.leaf(
            "SequenceNumber",
            &[],
            &(i + 1).to_string(),
            "SequenceNumber",
        )?;
        xml.leaf(
            "ReleaseResourceReference",
            &[],
            &a.resource_reference,
            "resourceReference",
        )?;
        xml.close("ResourceGroupContentItem");
    }
    xml.close("ResourceGroup");
    xml.close("Release");
    xml.close("ReleaseList");
    xml.close("ern:NewReleaseMessage");
    Ok(xml.finish())
}

/// `<PartyName><FullName>name</FullName></PartyName>`.
pub(crate) fn party_name(xml: &mut Xml, name: &str, field: &str) -> Result<(), ErnError> {
    xml.open("PartyName", &[])?;
    xml.leaf("FullName", &[], name, field)?;
    xml.close("PartyName");
    Ok(())
}

/// The party of an asset's display artist: `P` + the resource reference.
pub(crate) fn party_reference(a: &Asset) -> String {
    format!("P{}", a.resource_reference)
}

/// The musical work's composers and publishers of `a`, each with its
/// party reference (`PA1C1`, ...) and `Contributor` role.
pub(crate) fn contributors(a: &Asset) -> Vec<(String, String, &'static str, &'static str)> {
    let mut out = Vec::new();
    for (field, role) in [
        ("musicalWorkReference.composers", "Composer"),
        ("musicalWorkReference.publishers", "MusicPublisher"),
    ] {
        for name in a.list(field) {
            let reference = format!("P{}C{}", a.resource_reference, out.len() + 1);
            out.push((reference, name, role, field));
        }
    }
    out
}

/// One `Contributor` per composer and publisher of the musical work.
fn contributor_list(xml: &mut Xml, a: &Asset) -> Result<(), ErnError> {
    for (i, (reference, _, role, field)) in contributors(a).iter().enumerate() {
        let n = (i + 1).to_string();
        xml.open("Contributor", &[("SequenceNumber", n.as_str())])?;
        xml.leaf("ContributorPartyReference", &[], reference, field)?;
        xml.leaf("Role", &[], role, field)?;
        xml.close("Contributor");
    }
    Ok(())
}

fn resource_list(xml: &mut Xml, assets: &[Asset], hash: Hash) -> Result<(), ErnError> {
    xml.open("ResourceList", &[])?;
    for a in assets {
        xml.path = a.record.path.clone();
        sound_recording(xml, a, hash)?;
    }
    xml.close("ResourceList");
    Ok(())
}

/// The `ContainerFormat` word and, for `UserDefined`, its value.
fn container_format(format: FileFormat) -> (&'static str, Option<&'static str>) {
    match format {
        FileFormat::Wav => ("WAV", None),
        FileFormat::Rf64 => ("UserDefined", Some("RF64")),
        FileFormat::Bw64 => ("UserDefined", Some("BW64")),
        FileFormat::Aiff | FileFormat::Aifc => ("AIFF", None),
        FileFormat::Flac => ("UserDefined", Some("FLAC")),
        FileFormat::Mp3 => ("UserDefined", Some("MP3")),
        FileFormat::Ogg => ("Ogg", None),
        FileFormat::Mp4 => ("MP4", None),
        FileFormat::W64 => ("UserDefined", Some("W64")),
        FileFormat::Caf => ("UserDefined", Some("CAF")),
        FileFormat::Au => ("UserDefined", Some("AU")),
        FileFormat::Dsf => ("UserDefined", Some("DSF")),
        FileFormat::Dsdiff => ("UserDefined", Some("DSDIFF")),
        FileFormat::WavPack => ("UserDefined", Some("WavPack")),
        FileFormat::Ape => ("UserDefined", Some("APE")),
        FileFormat::Tta => ("UserDefined", Some("TTA")),
        FileFormat::Tak => ("UserDefined", Some("TAK")),
        FileFormat::OptimFrog => ("UserDefined", Some("OptimFROG")),
        FileFormat::Shorten => ("UserDefined", Some("Shorten")),
        FileFormat::Aac => ("UserDefined", Some("AAC")),
        FileFormat::Ac3 => ("UserDefined", Some("AC3")),
        FileFormat::Musepack => ("UserDefined", Some("Musepack")),
        FileFormat::Asf => ("UserDefined", Some("ASF")),
        FileFormat::Matroska => ("UserDefined", Some("Matroska")),
        FileFormat::WebM => ("UserDefined", Some("WebM")),
        FileFormat::Module => ("UserDefined", Some("Module")),
    }
}

/// A file size in kilobytes (1024 bytes), rounded half up to two decimals.
fn kilobytes(bytes: u64) -> String {
    let hundredths = (u128::from(bytes) * 100 + 512) / 1024;
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// The technical block of one asset: `TechnicalDetails`.
fn technical(xml: &mut Xml, a: &Asset, hash: Hash) -> Result<(), ErnError> {
    let r = &a.record;
    xml.open("TechnicalDetails", &[])?;
    xml.leaf(
        "TechnicalResourceDetailsReference",
        &[],
        &a.technical_reference,
        "technicalReference",
    )?;
    xml.open("DeliveryFile", &[])?;
    xml.leaf("Type", &[], "AudioFile", "Type")?;
    if let Some(format) = r.file_format {
        let (word, value) = container_format(format);
        match value {
            Some(v) => xml.leaf(
                "ContainerFormat",
                &[("UserDefinedValue", v)],
                word,
                "fileFormat",
            )?,
            None => xml.leaf("ContainerFormat", &[], word, "fileFormat")?,
        }
    }
    if let Some(codec) = &r.audio_codec {
        if AUDIO_CODECS.contains(&codec.as_str()) {
            xml.leaf("AudioCodecType", &[], codec, "audioCodec")?;
        } else {
            xml.leaf(
                "AudioCodecType",
                &[("UserDefinedValue", codec)],
                "UserDefined",
                "audioCodec",
            )?;
        }
    }
    super::audio_figures(xml, r)?;
    xml.open("File", &[])?;
    xml.leaf("URI", &[], &a.file_path, "filePath")?;
    let (algorithm, digest, field) = match hash {
        Hash::Md5 => ("MD5", &r.md5, "md5"),
        Hash::Sha256 => ("SHA-256", &r.sha256, "sha256"),
    };
    if let Some(digest) = digest {
        xml.open("HashSum", &[])?;
        xml.leaf("Algorithm", &[], algorithm, field)?;
        xml.leaf("HashSumValue", &[], digest, field)?;
        xml.close("HashSum");
    }
    xml.leaf("FileSize", &[], &kilobytes(r.size_bytes), "sizeBytes")?;
    xml.close("File");
    xml.close("DeliveryFile");
    immersive(xml, r)?;
    xml.close("TechnicalDetails");
    Ok(())
}

/// `HasImmersiveAudioMetadata` (4.3 `TechnicalSoundRecordingDetails`,
/// after `DeliveryFile`): `true` when the file carries ADM (`adm`), absent
/// otherwise. The codec stays `PCM`: `DolbyAtmosMasterADM` names a Dolby
/// profile whose conformance is not checked here.
fn immersive(xml: &mut Xml, r: &crate::record::Record) -> Result<(), ErnError> {
    if r.adm == Some(true) {
        xml.leaf("HasImmersiveAudioMetadata", &[], "true", "adm")?;
    }
    Ok(())
}

/// The parental warning of an asset; `Unknown` when the metadata gives
/// none, since 4.3 requires at least one `ParentalWarningType`.
pub(crate) fn parental_warning(a: &Asset) -> Result<String, ErnError> {
    let field = "ddexMetadata.parentalWarningType";
    match a.text(field) {
        None => Ok("Unknown".to_string()),
        Some(w) if PARENTAL_WARNINGS.contains(&w.as_str()) => Ok(w),
        Some(w) => Err(ErnError {
            path: a.record.path.clone(),
            field: field.to_string(),
            message: format!("\"{w}\" is not an ERN 4.3 ParentalWarningType"),
        }),
    }
}

/// `DisplayArtist` pointing at the asset's artist party.
/// `DisplayTitleText`, `DisplayTitle`, `DisplayArtistName` and
/// `DisplayArtist`: the same sequence in a release and a sound recording.
fn display_title_and_artist(
    xml: &mut Xml,
    a: &Asset,
    title: &str,
    artist: &str,
) -> Result<(), ErnError> {
    xml.leaf("DisplayTitleText", &[], title, "ddexMetadata.title")?;
    xml.open("DisplayTitle", &[])?;
    xml.leaf("TitleText", &[], title, "ddexMetadata.title")?;
    xml.close("DisplayTitle");
    xml.leaf(
        "DisplayArtistName",
        &[],
        artist,
        "ddexMetadata.displayArtist",
    )?;
    display_artist(xml, a)
}

fn display_artist(xml: &mut Xml, a: &Asset) -> Result<(), ErnError> {
    xml.open("DisplayArtist", &[("SequenceNumber", "1")])?;
    xml.leaf(
        "ArtistPartyReference",
        &[],
        &party_reference(a),
        "resourceReference",
    )?;
    xml.leaf("DisplayArtistRole", &[], "MainArtist", "DisplayArtistRole")?;
    xml.close("DisplayArtist");
    Ok(())
}

/// One `SoundRecording`.
pub(crate) fn sound_recording(xml: &mut Xml, a: &Asset, hash: Hash) -> Result<(), ErnError> {
    let isrc = a.require("soundRecordingDetails.isrc")?.replace('-', "");
    let title = a.require("ddexMetadata.title")?;
    let artist = a.require("ddexMetadata.displayArtist")?;
    let duration = a.record.duration.clone().ok_or_else(|| ErnError {
        path: a.record.path.clone(),
        field: "duration".to_string(),
        message: "is required for a SoundRecording and was not measured".to_string(),
    })?;
    let warning = parental_warning(a)?;

    xml.open("SoundRecording", &[])?;
    xml.leaf(
        "ResourceReference",
        &[],
        &a.resource_reference,
        "resourceReference",
    )?;
    xml.leaf("Type", &[], "MusicalWorkSoundRecording", "Type")?;
    xml.open("SoundRecordingEdition", &[])?;
    xml.leaf("Type", &[], "NonImmersiveEdition", "Type")?;
    xml.open("ResourceId", &[])?;
    xml.leaf("ISRC", &[], &isrc, "soundRecordingDetails.isrc")?;
    if let Some((namespace, id)) = a.proprietary_id() {
        xml.leaf(
            "ProprietaryId",
            &[("Namespace", &namespace)],
            &id,
            "soundRecordingDetails.proprietaryId",
        )?;
    }
    xml.close("ResourceId");
    super::p_line(xml, a)?;
    if a.with_technical {
        technical(xml, a, hash)?;
    }
    xml.close("SoundRecordingEdition");
    if let Some(iswc) = a.iswc() {
        xml.open("WorkId", &[])?;
        xml.leaf("ISWC", &[], &iswc, "musicalWorkReference.iswc")?;
        xml.close("WorkId");
    }
    display_title_and_artist(xml, a, &title, &artist)?;
    contributor_list(xml, a)?;
    xml.leaf("Duration", &[], &duration, "duration")?;
    xml.leaf(
        "ParentalWarningType",
        &[],
        &warning,
        "ddexMetadata.parentalWarningType",
    )?;
    if let Some(language) = a.text("ddexMetadata.languageOfPerformance") {
        xml.leaf(
            "LanguageOfPerformance",
            &[],
            &language,
            "ddexMetadata.languageOfPerformance",
        )?;
    }
    xml.close("SoundRecording");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Hashes;
    use crate::ern::number;
    use serde_json::Value;
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};
    use std::process::Command;

    fn asset(name: &str, title: &str) -> Asset {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata")
            .join(name);
        let record = crate::scan::probe_file(path.as_path(), name.into(), Hashes::BOTH);
        let mut fields = BTreeMap::new();
        for (k, v) in [
            ("soundRecordingDetails.isrc", "US-ABC-24-00001"),
            ("ddexMetadata.title", title),
            ("ddexMetadata.displayArtist", "Example Artist"),
            ("soundRecordingDetails.pLine.year", "2024"),
            (
                "soundRecordingDetails.pLine.pLineText",
                "(P) 2024 Example Label",
            ),
            ("ddexMetadata.parentalWarningType", "NotExplicit"),
            ("ddexMetadata.languageOfPerformance", "en"),
        ] {
            fields.insert(k.to_string(), Value::String(v.to_string()));
        }
        Asset {
            record,
            fields,
            file_path: format!("resources/{name}"),
            resource_reference: String::new(),
            technical_reference: String::new(),
            with_technical: true,
            proprietary_namespace: None,
        }
    }

    /// The validation script, or `None` (with a note) when it or xmllint
    /// is missing and `DDEXPROBE_REQUIRE_XSD` is not `1`.
    fn validator() -> Option<PathBuf> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/ddex/validate.sh");
        let xmllint = Command::new("xmllint").arg("--version").output().is_ok();
        if script.exists() && xmllint {
            return Some(script);
        }
        if std::env::var("DDEXPROBE_REQUIRE_XSD").as_deref() == Ok("1") {
            panic!("validate.sh or xmllint missing and DDEXPROBE_REQUIRE_XSD=1");
        }
        eprintln!("skipping schema validation: validate.sh or xmllint missing");
        None
    }

    fn validate(doc: &[u8], fragment: bool) {
        let Some(script) = validator() else { return };
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("doc.xml");
        std::fs::write(&file, doc).unwrap();
        let mut cmd = Command::new("sh");
        cmd.arg(&script).arg("43");
        if fragment {
            cmd.arg("--fragment");
        }
        let out = cmd.arg(&file).output().unwrap();
        assert!(
            out.status.success(),
            "invalid:\n{}\n{}",
            String::from_utf8_lossy(doc),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn validate_all(assets: Vec<Asset>) {
        let assets = number(assets);
        for hash in [Hash::Md5, Hash::Sha256] {
            for fragment in [
                Fragment::Technical,
                Fragment::SoundRecording,
                Fragment::ResourceList,
            ] {
                let docs = write(fragment, &assets, hash).unwrap();
                let expected = if fragment == Fragment::ResourceList {
                    1
                } else {
                    assets.len()
                };
                assert_eq!(docs.len(), expected);
                for doc in &docs {
                    // ResourceList is not a global element of the fragment
                    // schema; it is validated inside the whole message.
                    if fragment != Fragment::ResourceList {
                        validate(doc, true);
                    }
                }
            }
            validate(&message(&assets, hash).unwrap(), false);
        }
    }

    #[test]
    fn ern43_fixtures_validate() {
        validate_all(vec![
            asset("wav-pcm16-44k-stereo.wav", "Example Song"),
            asset("m4a-alac-16bit-44k-stereo.m4a", "Second"),
            asset("mp3-lame-cbr128-44k-stereo.mp3", "Third"),
            asset("flac-16bit-44k-stereo.flac", "Fourth"),
            asset("bw64-pcm24-48k-stereo.wav", "Fifth"),
            asset("aiff-pcm16-44k-stereo.aiff", "Sixth"),
        ]);
    }

    #[test]
    fn ern43_codec_words() {
        let assets = number(vec![
            asset("m4a-alac-16bit-44k-stereo.m4a", "A"),
            asset("mp3-lame-cbr128-44k-stereo.mp3", "B"),
            asset("flac-16bit-44k-stereo.flac", "C"),
        ]);
        let written: Vec<String> = write(Fragment::Technical, &assets, Hash::Sha256)
            .unwrap()
            .into_iter()
            .map(|d| String::from_utf8(d).unwrap())
            .collect();
        // In the order given here (numbering puts them in delivery order).
        let doc = |prefix: &str| {
            let i = assets
                .iter()
                .position(|a| a.file_name().starts_with(prefix))
                .unwrap();
            written[i].clone()
        };
        let docs = [doc("m4a"), doc("mp3"), doc("flac")];
        assert!(
            docs[0]
                .contains("<AudioCodecType UserDefinedValue=\"ALAC\">UserDefined</AudioCodecType>")
        );
        assert!(docs[0].contains("<ContainerFormat>MP4</ContainerFormat>"));
        assert!(docs[1].contains("<AudioCodecType>MP3</AudioCodecType>"));
        assert!(
            docs[1].contains(
                "<ContainerFormat UserDefinedValue=\"MP3\">UserDefined</ContainerFormat>"
            )
        );
        assert!(!docs[1].contains("BitsPerSample"));
        assert!(docs[1].contains("<BitRate UnitOfMeasure=\"kbps\">"));
        assert!(docs[2].contains("<AudioCodecType>FLAC</AudioCodecType>"));
        assert!(docs[2].contains("<BitsPerSample>16</BitsPerSample>"));
        assert!(docs[2].contains("<Algorithm>SHA-256</Algorithm>"));
    }

    #[test]
    fn ern43_hostile_text_validates() {
        let title = "Rock & Roll <Live> \"quoted\" 'single' 🎸 أغنية عربية";
        let a = asset("wav-pcm16-44k-stereo.wav", title);
        validate_all(vec![a.clone()]);
        let docs = write(Fragment::SoundRecording, &number(vec![a]), Hash::Md5).unwrap();
        let doc = String::from_utf8(docs[0].clone()).unwrap();
        assert!(doc.contains("Rock &amp; Roll &lt;Live&gt;"));
        assert!(doc.contains("🎸 أغنية عربية"));
    }

    #[test]
    fn ern43_forbidden_character_is_an_error() {
        let a = asset("wav-pcm16-44k-stereo.wav", "Bell \u{7} song");
        let err = write(Fragment::SoundRecording, &number(vec![a]), Hash::Md5).unwrap_err();
        assert_eq!(err.field, "ddexMetadata.title");
        assert!(err.message.contains("U+0007"));
    }

    #[test]
    fn ern43_missing_required_field() {
        let mut a = asset("wav-pcm16-44k-stereo.wav", "Song");
        a.fields.remove("soundRecordingDetails.isrc");
        let err = write(Fragment::SoundRecording, &number(vec![a]), Hash::Md5).unwrap_err();
        assert_eq!(err.field, "soundRecordingDetails.isrc");
    }

    #[test]
    fn ern43_kilobytes() {
        assert_eq!(kilobytes(0), "0.00");
        assert_eq!(kilobytes(1024), "1.00");
        assert_eq!(kilobytes(1536), "1.50");
        assert_eq!(kilobytes(1029), "1.00");
        assert_eq!(kilobytes(1030), "1.01");
    }

    #[test]
    fn ern43_wav_technical_snapshot() {
        let assets = number(vec![asset("wav-pcm16-44k-stereo.wav", "Song")]);
        let docs = write(Fragment::Technical, &assets, Hash::Md5).unwrap();
        let doc = String::from_utf8(docs[0].clone()).unwrap();
        let expected = r#"<?xml version="1.0" encoding="UTF-8"?>
<TechnicalDetails>
  <TechnicalResourceDetailsReference>T1</TechnicalResourceDetailsReference>
  <DeliveryFile>
    <Type>AudioFile</Type>
    <ContainerFormat>WAV</ContainerFormat>
    <AudioCodecType>PCM</AudioCodecType>
    <BitRate UnitOfMeasure="kbps">1411.2</BitRate>
    <NumberOfChannels>2</NumberOfChannels>
    <SamplingRate UnitOfMeasure="Hz">44100</SamplingRate>
    <BitsPerSample>16</BitsPerSample>
    <Duration>PT0.023S</Duration>
    <File>
      <URI>resources/wav-pcm16-44k-stereo.wav</URI>
      <HashSum>
        <Algorithm>MD5</Algorithm>
        <HashSumValue>0e096e5d7fe21afcd570d1de152fca51</HashSumValue>
      </HashSum>
      <FileSize>3.95</FileSize>
    </File>
  </DeliveryFile>
</TechnicalDetails>
"#;
        assert_eq!(doc, expected);
    }
}
