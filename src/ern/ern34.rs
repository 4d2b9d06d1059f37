//! ERN 3.4 and 3.4.1: `TechnicalSoundRecordingDetails`, `SoundRecording`,
//! `ResourceList`, and a minimal `NewReleaseMessage` around them.
//!
//! 3.4 has no word for FLAC, MP3, RF64 or BW64 containers, for ALAC or Opus
//! codecs, nor for SHA-256: those are `UserDefined` with a
//! `UserDefinedValue`, as the schema provides.

use super::{Asset, ErnError, Fragment, Hash, Xml};

/// ContainerFormat words of ERN 3.4.
const CONTAINERS: &[&str] = &["AIFF", "MP4", "Ogg", "WAV"];
/// AudioCodecType words of ERN 3.4.
const CODECS: &[&str] = &[
    "AAC",
    "ADPCM",
    "ALaw",
    "AMR-NB",
    "AMR-WB",
    "FLAC",
    "MP2",
    "MP3",
    "MuLaw",
    "PCM",
    "PDM",
    "QCELP",
    "RealAudio",
    "Shockwave",
    "Vorbis",
    "WMA",
];

/// Write `fragment` for `assets` (see [`super::write`]).
pub fn write(fragment: Fragment, assets: &[Asset], hash: Hash) -> Result<Vec<Vec<u8>>, ErnError> {
    match fragment {
        Fragment::Technical => assets
            .iter()
            .map(|a| {
                let mut x = Xml::new();
                technical(&mut x, a, hash)?;
                Ok(x.finish())
            })
            .collect(),
        Fragment::SoundRecording => assets
            .iter()
            .map(|a| {
                let mut x = Xml::new();
                sound_recording(&mut x, a, hash)?;
                Ok(x.finish())
            })
            .collect(),
        Fragment::ResourceList => {
            let mut x = Xml::new();
            resource_list(&mut x, assets, hash)?;
            Ok(vec![x.finish()])
        }
    }
}

/// A `<name>` holding an allowed word, or `UserDefined` with the name.
fn word(
    x: &mut Xml,
    name: &str,
    value: &str,
    allowed: &[&str],
    field: &str,
) -> Result<(), ErnError> {
    if allowed.contains(&value) {
        x.leaf(name, &[], value, field)
    } else {
        x.leaf(name, &[("UserDefinedValue", value)], "UserDefined", field)
    }
}

/// The container word for a record's `fileFormat`.
pub(crate) fn container(format: &str) -> &str {
    match format {
        "AIFC" => "AIFF",
        "OGG" => "Ogg",
        other => other,
    }
}

/// `<TechnicalSoundRecordingDetails>` of one asset.
pub fn technical(x: &mut Xml, a: &Asset, hash: Hash) -> Result<(), ErnError> {
    let r = &a.record;
    x.path = r.path.clone();
    x.open("TechnicalSoundRecordingDetails", &[])?;
    x.leaf(
        "TechnicalResourceDetailsReference",
        &[],
        &a.technical_reference,
        "TechnicalResourceDetailsReference",
    )?;
    if let Some(f) = r.file_format {
        word(
            x,
            "ContainerFormat",
            container(f.as_str()),
            CONTAINERS,
            "fileFormat",
        )?;
    }
    if let Some(c) = &r.audio_codec {
        word(x, "AudioCodecType", c, CODECS, "audioCodec")?;
    }
    super::audio_figures(x, r)?;
    x.open("File", &[])?;
    x.leaf("FileName", &[], a.file_name(), "path")?;
    if let Some((dir, _)) = a.file_path.rsplit_once('/') {
        x.leaf("FilePath", &[], &format!("{dir}/"), "path")?;
    }
    hash_sum(x, r, hash)?;
    x.close("File");
    x.close("TechnicalSoundRecordingDetails");
    Ok(())
}

/// `<HashSum>` of a file's digest (ERN 3.x: MD5, or SHA-256 as
/// `UserDefined`), when it was computed.
pub(crate) fn hash_sum(x: &mut Xml, r: &crate::record::Record, hash: Hash) -> Result<(), ErnError> {
    let digest = match hash {
        Hash::Md5 => r.md5.as_deref(),
        Hash::Sha256 => r.sha256.as_deref(),
    };
    if let Some(d) = digest {
        x.open("HashSum", &[])?;
        x.leaf("HashSum", &[], d, "hash")?;
        match hash {
            Hash::Md5 => x.leaf("HashSumAlgorithmType", &[], "MD5", "hash")?,
            Hash::Sha256 => x.leaf(
                "HashSumAlgorithmType",
                &[("UserDefinedValue", "SHA-256")],
                "UserDefined",
                "hash",
            )?,
        }
        x.close("HashSum");
    }
    Ok(())
}

/// `<SoundRecording>` of one asset, from its merged metadata.
pub fn sound_recording(x: &mut Xml, a: &Asset, hash: Hash) -> Result<(), ErnError> {
    x.path = a.record.path.clone();
    let isrc: String = a
        .require("soundRecordingDetails.isrc")?
        .chars()
        .filter(|c| *c != '-')
        .collect();
    let title = a.require("ddexMetadata.title")?;
    let artist = a.require("ddexMetadata.displayArtist")?;
    let duration = a.record.duration.clone().ok_or_else(|| ErnError {
        path: a.record.path.clone(),
        field: "ddexMetadata.duration".to_string(),
        message: "is required and the audio could not be measured".to_string(),
    })?;
    x.open("SoundRecording", &[])?;
    x.leaf(
        "SoundRecordingType",
        &[],
        "MusicalWorkSoundRecording",
        "type",
    )?;
    x.open("SoundRecordingId", &[])?;
    x.leaf("ISRC", &[], &isrc, "soundRecordingDetails.isrc")?;
    if let Some((namespace, id)) = a.proprietary_id() {
        x.leaf(
            "ProprietaryId",
            &[("Namespace", &namespace)],
            &id,
            "soundRecordingDetails.proprietaryId",
        )?;
    }
    x.close("SoundRecordingId");
    if let Some(iswc) = a.iswc() {
        x.open("IndirectSoundRecordingId", &[])?;
        x.leaf("ISWC", &[], &iswc, "musicalWorkReference.iswc")?;
        x.close("IndirectSoundRecordingId");
    }
    x.leaf(
        "ResourceReference",
        &[],
        &a.resource_reference,
        "resourceReference",
    )?;
    x.open("ReferenceTitle", &[])?;
    x.leaf("TitleText", &[], &title, "ddexMetadata.title")?;
    x.close("ReferenceTitle");
    if let Some(lang) = a.text("ddexMetadata.languageOfPerformance") {
        x.leaf(
            "LanguageOfPerformance",
            &[],
            &lang,
            "ddexMetadata.languageOfPerformance",
        )?;
    }
    x.leaf("Duration", &[], &duration, "ddexMetadata.duration")?;
    x.open("SoundRecordingDetailsByTerritory", &[])?;
    x.leaf("TerritoryCode", &[], "Worldwide", "territory")?;
    x.open("Title", &[("TitleType", "DisplayTitle")])?;
    x.leaf("TitleText", &[], &title, "ddexMetadata.title")?;
    x.close("Title");
    x.open("DisplayArtist", &[("SequenceNumber", "1")])?;
    x.open("PartyName", &[])?;
    x.leaf("FullName", &[], &artist, "ddexMetadata.displayArtist")?;
    x.close("PartyName");
    x.leaf("ArtistRole", &[], "MainArtist", "role")?;
    x.close("DisplayArtist");
    // The musical work's composers and publishers.
    for (field, role) in [
        ("musicalWorkReference.composers", "Composer"),
        ("musicalWorkReference.publishers", "MusicPublisher"),
    ] {
        for name in a.list(field) {
            x.open("IndirectResourceContributor", &[])?;
            x.open("PartyName", &[])?;
            x.leaf("FullName", &[], &name, field)?;
            x.close("PartyName");
            x.leaf("IndirectResourceContributorRole", &[], role, field)?;
            x.close("IndirectResourceContributor");
        }
    }
    if let Some(label) = a.text("soundRecordingDetails.labelName") {
        x.leaf("LabelName", &[], &label, "soundRecordingDetails.labelName")?;
    }
    super::p_line(x, a)?;
    if let Some(genre) = a.text("soundRecordingDetails.genre") {
        x.open("Genre", &[])?;
        x.leaf("GenreText", &[], &genre, "soundRecordingDetails.genre")?;
        if let Some(sub) = a.text("soundRecordingDetails.subGenre") {
            x.leaf("SubGenre", &[], &sub, "soundRecordingDetails.subGenre")?;
        }
        x.close("Genre");
    }
    if let Some(pw) = a.text("ddexMetadata.parentalWarningType") {
        x.leaf(
            "ParentalWarningType",
            &[],
            &pw,
            "ddexMetadata.parentalWarningType",
        )?;
    }
    if a.with_technical {
        technical(x, a, hash)?;
    }
    x.close("SoundRecordingDetailsByTerritory");
    x.close("SoundRecording");
    Ok(())
}

/// `<ResourceList>` with one `SoundRecording` per asset.
pub fn resource_list(x: &mut Xml, assets: &[Asset], hash: Hash) -> Result<(), ErnError> {
    x.open("ResourceList", &[])?;
    for a in assets {
        sound_recording(x, a, hash)?;
    }
    x.close("ResourceList");
    Ok(())
}

/// A minimal whole `NewReleaseMessage` (ERN 3.4 or 3.4.1) holding the
/// `ResourceList` of `assets` and one album `Release` of them all, with a
/// fixed header (test message, fixed ids and date: the output is
/// deterministic). For validating resource lists in context.
#[doc(hidden)]
pub fn message(version: super::Version, assets: &[Asset], hash: Hash) -> Result<Vec<u8>, ErnError> {
    let (ns, id) = match version {
        super::Version::Ern341 => ("http://ddex.net/xml/ern/341", "ern/341"),
        _ => ("http://ddex.net/xml/ern/34", "ern/34"),
    };
    let location = format!("{ns} {ns}/release-notification.xsd");
    let mut x = Xml::new();
    x.open(
        "ern:NewReleaseMessage",
        &[
            ("xmlns:ern", ns),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            ("xsi:schemaLocation", &location),
            ("MessageSchemaVersionId", id),
            ("LanguageAndScriptCode", "en"),
        ],
    )?;
    super::message_header(&mut x)?;
    x.leaf("UpdateIndicator", &[], "OriginalMessage", "header")?;
    resource_list(&mut x, assets, hash)?;
    let artist = assets
        .first()
        .and_then(|a| a.text("ddexMetadata.displayArtist"))
        .unwrap_or_else(|| "Various Artists".to_string());
    x.open("ReleaseList", &[])?;
    x.open("Release", &[])?;
    x.open("ReleaseId", &[])?;
    x.leaf("ICPN", &[("IsEan", "false")], "123456789012", "release")?;
    x.close("ReleaseId");
    x.leaf("ReleaseReference", &[], "R0", "release")?;
    x.open("ReferenceTitle", &[])?;
    x.leaf("TitleText", &[], "Album", "release")?;
    x.close("ReferenceTitle");
    x.open("ReleaseResourceReferenceList", &[])?;
    for a in assets {
        x.leaf(
            "ReleaseResourceReference",
            &[("ReleaseResourceType", "PrimaryResource")],
            &a.resource_reference,
            "release",
        )?;
    }
    x.close("ReleaseResourceReferenceList");
    x.leaf("ReleaseType", &[], "Album", "release")?;
    x.open("ReleaseDetailsByTerritory", &[])?;
    x.leaf("TerritoryCode", &[], "Worldwide", "release")?;
    x.leaf(
        "DisplayArtistName",
        &[],
        &artist,
        "ddexMetadata.displayArtist",
    )?;
    x.leaf("LabelName", &[], "Example Label", "release")?;
    x.open("Title", &[("TitleType", "DisplayTitle")])?;
    x.leaf("TitleText", &[], "Album", "release")?;
    x.close("Title");
    x.open("DisplayArtist", &[("SequenceNumber", "1")])?;
    x.open("PartyName", &[])?;
    x.leaf("FullName", &[], &artist, "ddexMetadata.displayArtist")?;
    x.close("PartyName");
    x.leaf("ArtistRole", &[], "MainArtist", "release")?;
    x.close("DisplayArtist");
    x.close("ReleaseDetailsByTerritory");
    x.close("Release");
    x.close("ReleaseList");
    x.close("ern:NewReleaseMessage");
    Ok(x.finish())
}
