//! A whole `NewReleaseMessage` for a release folder
//! ([`crate::release::Release`]), in ERN 3.4 or 4.3, written from the
//! measured values and the declared metadata, as delivery feeds built on
//! ERN ask for it (the YouTube ERN 3.4 feed specification among them):
//!
//! - `MessageHeader`: thread id (`messageHeader.messageThreadId`, else the
//!   ICPN), message id (given, or derived from the sender, the release, the
//!   update mode and the creation time, so the same inputs give the same
//!   message), sender, sent-on-behalf-of, recipient, creation time, and
//!   `TestMessage` or `LiveMessage`.
//! - `ResourceList`: the sound recordings `A1`...`An` in album order, each
//!   with its ISRC, `ProprietaryId` in the sender's namespace when given,
//!   and its technical block; the cover last (`An+1`) as a
//!   `FrontCoverImage` with its technical block.
//! - `ReleaseList`: the album as `R0` with a resource group per disc
//!   (sequence numbers for discs and tracks), then one `TrackRelease`
//!   (`R1`...`Rn`) per recording.
//! - `DealList`: one `ReleaseDeal` per track release (and the album) with
//!   the deal terms of `release.json`.
//!
//! Update modes ([`Update`]): a metadata-only or deals-only update leaves
//! out every technical block (the files are not delivered) but keeps the
//! `Image` resource itself; a takedown is ERN 3.4's `TakeDown` in the deal
//! terms, and in ERN 4.3 — which has no `TakeDown` — the deal sent again
//! with the end date of its validity period, which needs the deal's start
//! date.

use super::{Asset, ErnError, Hash, Version, Xml};
use crate::release::{Deal, Release};
use sha2::{Digest, Sha256};

/// `MessageControlType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Validated by the recipient, never processed.
    Test,
    /// Processed.
    Live,
}

/// What kind of message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Update {
    /// The first delivery of the release (ERN 3.4 `OriginalMessage`).
    New,
    /// A full update: files included, everything sent again.
    Full,
    /// Metadata only: no file delivered nor referenced.
    MetadataOnly,
    /// The deals of a release whose files came before (the second phase
    /// of a two-phased delivery).
    DealsOnly,
    /// Take the release down.
    Takedown,
}

impl Update {
    /// Whether the message's files are delivered with it.
    pub fn delivers_files(self) -> bool {
        matches!(self, Update::New | Update::Full)
    }

    /// `new`, `full`, `metadata-only`, `deals-only`, `takedown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Update::New => "new",
            Update::Full => "full",
            Update::MetadataOnly => "metadata-only",
            Update::DealsOnly => "deals-only",
            Update::Takedown => "takedown",
        }
    }
}

/// How the message is written.
#[derive(Debug, Clone)]
pub struct Options {
    /// ERN 3.4, 3.4.1 or 4.3.
    pub version: Version,
    /// Test or live.
    pub control: Control,
    /// The kind of message.
    pub update: Update,
    /// `MessageCreatedDateTime`, `YYYY-MM-DDThh:mm:ssZ`.
    pub created: String,
    /// `MessageId`; derived when `None`.
    pub message_id: Option<String>,
    /// The digest in each `HashSum`.
    pub hash: Hash,
}

/// How the message names each file: the tracks' paths in album order and
/// the cover's, `/`-separated (relative to the message's folder).
#[derive(Debug, Clone)]
pub struct Files {
    /// One per track, in album order.
    pub tracks: Vec<String>,
    /// The cover's.
    pub cover: Option<String>,
}

impl Files {
    /// The files where they are: paths relative to the release folder.
    pub fn in_place(release: &Release) -> Files {
        Files {
            tracks: release
                .tracks
                .iter()
                .map(|t| t.record.path.replace('\\', "/"))
                .collect(),
            cover: release
                .cover
                .as_ref()
                .map(|c| c.record.path.replace('\\', "/")),
        }
    }
}

/// The most sound recordings one message carries (the YouTube feed's
/// limit, and a sane one for any recipient).
pub const MAX_RECORDINGS: usize = 1000;

/// A message-level error (no asset's path).
fn error(field: &str, message: impl Into<String>) -> ErnError {
    ErnError {
        path: String::new(),
        field: field.to_string(),
        message: message.into(),
    }
}

/// The message id when none is given: the first 32 hex digits of the
/// SHA-256 of the sender, the release, the update mode and the time, upper
/// case (the same inputs give the same id; a new time gives a new one).
pub fn derived_message_id(release: &Release, update: Update, created: &str) -> String {
    let mut h = Sha256::new();
    for part in [
        release
            .text("messageHeader.senderPartyId")
            .unwrap_or_default(),
        release.text("release.icpn").unwrap_or_default(),
        release.text("release.title").unwrap_or_default(),
        update.as_str().to_string(),
        created.to_string(),
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    let digest = h.finalize();
    digest[..16]
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<String>()
}

/// The release's parts, resolved once for both versions.
struct Parts {
    assets: Vec<Asset>,
    sender: String,
    sender_name: String,
    recipient: String,
    recipient_name: String,
    on_behalf: Option<(String, Option<String>)>,
    thread_id: String,
    message_id: String,
    icpn: Option<(String, bool)>,
    grid: Option<String>,
    proprietary_id: Option<String>,
    catalog_number: Option<String>,
    title: String,
    artist: String,
    label: String,
    release_type: String,
    original_date: Option<String>,
    p_line: Option<(String, String)>,
    c_line: Option<(String, String)>,
    genre: Option<String>,
    sub_genre: Option<String>,
    parental_warning: Option<String>,
    cover: Option<Cover>,
    deals: Vec<Deal>,
    /// (disc, track indices in order).
    discs: Vec<(u32, Vec<usize>)>,
}

/// The cover as the message names it.
struct Cover {
    reference: String,
    technical_reference: String,
    proprietary_id: String,
    path: String,
    record: crate::record::Record,
}

fn parts(release: &Release, files: &Files, opts: &Options) -> Result<Parts, ErnError> {
    let need = |field: &str| {
        release.text(field).ok_or_else(|| {
            error(
                field,
                "is required for a message and missing from release.json",
            )
        })
    };
    if release.tracks.is_empty() {
        return Err(error(
            "tracks",
            "a release message needs at least one recording",
        ));
    }
    if release.tracks.len() > MAX_RECORDINGS {
        return Err(error(
            "tracks",
            format!(
                "{} recordings: one message carries at most {MAX_RECORDINGS}",
                release.tracks.len()
            ),
        ));
    }
    if files.tracks.len() != release.tracks.len() {
        return Err(error("files", "one file name per track is needed"));
    }
    let sender = need("messageHeader.senderPartyId")?;
    let namespace = format!("DPID:{sender}");
    let mut assets = Vec::with_capacity(release.tracks.len());
    for (i, (t, path)) in release.tracks.iter().zip(&files.tracks).enumerate() {
        let mut a =
            Asset::describe(&t.file, &t.record, Some(&t.declared)).map_err(|e| ErnError {
                path: t.record.path.clone(),
                field: "file".to_string(),
                message: e,
            })?;
        a.file_path = path.clone();
        a.resource_reference = format!("A{}", i + 1);
        a.technical_reference = format!("T{}", i + 1);
        a.with_technical = opts.update.delivers_files();
        a.proprietary_namespace = Some(namespace.clone());
        assets.push(a);
    }
    let n = assets.len();
    let icpn = match release.text("release.icpn") {
        Some(v) => {
            Some(crate::metadata::identifiers::icpn(&v).map_err(|why| error("release.icpn", why))?)
        }
        None => None,
    };
    let cover = match (&release.cover, &files.cover) {
        (Some(c), Some(path)) => Some(Cover {
            reference: format!("A{}", n + 1),
            technical_reference: format!("T{}", n + 1),
            proprietary_id: release.text("artwork.proprietaryId").unwrap_or_else(|| {
                format!(
                    "{}_FrontCoverImage",
                    icpn.as_ref()
                        .map(|i| i.0.clone())
                        .unwrap_or_else(|| "release".to_string())
                )
            }),
            path: path.clone(),
            record: c.record.clone(),
        }),
        _ => None,
    };
    let mut discs: Vec<(u32, Vec<usize>)> = Vec::new();
    for (i, t) in release.tracks.iter().enumerate() {
        match discs.last_mut() {
            Some((d, v)) if *d == t.place.disc => v.push(i),
            _ => discs.push((t.place.disc, vec![i])),
        }
    }
    let line = |year: &str, text: &str| Some((release.text(year)?, release.text(text)?));
    let created = &opts.created;
    Ok(Parts {
        sender_name: need("messageHeader.senderName")?,
        recipient: need("messageHeader.recipientPartyId")?,
        recipient_name: need("messageHeader.recipientName")?,
        on_behalf: release
            .text("messageHeader.sentOnBehalfOf.partyId")
            .map(|id| (id, release.text("messageHeader.sentOnBehalfOf.name"))),
        thread_id: release
            .text("messageHeader.messageThreadId")
            .or_else(|| icpn.as_ref().map(|i| i.0.clone()))
            .unwrap_or_else(|| derived_message_id(release, Update::New, "")),
        message_id: opts
            .message_id
            .clone()
            .unwrap_or_else(|| derived_message_id(release, opts.update, created)),
        grid: match release.text("release.grid") {
            Some(g) => Some(
                crate::metadata::identifiers::grid(&g).map_err(|why| error("release.grid", why))?,
            ),
            None => None,
        },
        icpn,
        proprietary_id: release.text("release.proprietaryId"),
        catalog_number: release.text("release.catalogNumber"),
        title: need("release.title")?,
        artist: need("release.displayArtist")?,
        label: need("release.labelName")?,
        release_type: need("release.releaseType")?,
        original_date: release.text("release.originalReleaseDate"),
        p_line: line("release.pLine.year", "release.pLine.pLineText"),
        c_line: line("release.cLine.year", "release.cLine.cLineText"),
        genre: release.text("release.genre"),
        sub_genre: release.text("release.subGenre"),
        parental_warning: release.text("release.parentalWarningType"),
        sender,
        cover,
        // A takedown ends every deal release.json gives.
        deals: release
            .spec
            .as_ref()
            .and_then(|s| s.deals.clone())
            .unwrap_or_default()
            .into_iter()
            .map(|mut d| {
                d.takedown |= opts.update == Update::Takedown;
                d
            })
            .collect(),
        discs,
        assets,
    })
}

/// Write the `NewReleaseMessage` of `release`, naming its files as
/// `files` says. `Err` names the first value that cannot be written.
pub fn message(release: &Release, files: &Files, opts: &Options) -> Result<Vec<u8>, ErnError> {
    let p = parts(release, files, opts)?;
    let takedown = opts.update == Update::Takedown;
    if takedown && p.deals.is_empty() {
        return Err(error(
            "deals",
            "a takedown names the deals it ends (their territories): give them in release.json",
        ));
    }
    if !takedown && p.deals.iter().any(|d| d.takedown) {
        return Err(error(
            "deals",
            "release.json marks deals as takedowns: write the message with --update takedown",
        ));
    }
    match opts.version {
        Version::Ern34 | Version::Ern341 => v34::message(&p, opts),
        Version::Ern43 => v43::message(&p, opts),
    }
}

/// A `Title`-like element holding one `TitleText`.
fn title(x: &mut Xml, name: &str, attrs: &[(&str, &str)], text: &str) -> Result<(), ErnError> {
    x.open(name, attrs)?;
    x.leaf("TitleText", &[], text, "title")?;
    x.close(name);
    Ok(())
}

/// `<PLine>`/`<CLine>` with `Year` and the text.
fn line(x: &mut Xml, name: &str, text_name: &str, line: &(String, String)) -> Result<(), ErnError> {
    x.open(name, &[])?;
    x.leaf("Year", &[], &line.0, name)?;
    x.leaf(text_name, &[], &line.1, name)?;
    x.close(name);
    Ok(())
}

/// The file name and folder of a `/`-separated path.
fn split_path(path: &str) -> (&str, Option<&str>) {
    match path.rsplit_once('/') {
        Some((dir, name)) => (name, Some(dir)),
        None => (path, None),
    }
}

/// The `ImageCodecType` word of an image.
fn image_codec(r: &crate::record::Record) -> Option<&str> {
    r.artwork
        .as_ref()
        .map(|a| a.format.as_str())
        .filter(|f| matches!(*f, "JPEG" | "PNG"))
}

/// A messaging party: `PartyId` and, when known, its name (the same in
/// ERN 3.4 and 4.3).
fn party(x: &mut Xml, role: &str, id: &str, name: Option<&str>) -> Result<(), ErnError> {
    x.open(role, &[])?;
    x.leaf("PartyId", &[], id, role)?;
    if let Some(name) = name {
        x.open("PartyName", &[])?;
        x.leaf("FullName", &[], name, role)?;
        x.close("PartyName");
    }
    x.close(role);
    Ok(())
}

/// `MessageHeader`: the same elements in the same order in ERN 3.4 and 4.3.
fn header(x: &mut Xml, p: &Parts, opts: &Options) -> Result<(), ErnError> {
    x.open("MessageHeader", &[])?;
    x.leaf(
        "MessageThreadId",
        &[],
        &p.thread_id,
        "messageHeader.messageThreadId",
    )?;
    x.leaf("MessageId", &[], &p.message_id, "MessageId")?;
    party(x, "MessageSender", &p.sender, Some(&p.sender_name))?;
    if let Some((id, name)) = &p.on_behalf {
        party(x, "SentOnBehalfOf", id, name.as_deref())?;
    }
    party(x, "MessageRecipient", &p.recipient, Some(&p.recipient_name))?;
    x.leaf("MessageCreatedDateTime", &[], &opts.created, "created")?;
    x.leaf(
        "MessageControlType",
        &[],
        match opts.control {
            Control::Test => "TestMessage",
            Control::Live => "LiveMessage",
        },
        "control",
    )?;
    x.close("MessageHeader");
    Ok(())
}

mod v34 {
    //! ERN 3.4 and 3.4.1.
    use super::*;

    pub(super) fn message(p: &Parts, opts: &Options) -> Result<Vec<u8>, ErnError> {
        let (ns, id) = match opts.version {
            Version::Ern341 => ("http://ddex.net/xml/ern/341", "ern/341"),
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
        header(&mut x, p, opts)?;
        x.leaf(
            "UpdateIndicator",
            &[],
            if opts.update == Update::New {
                "OriginalMessage"
            } else {
                "UpdateMessage"
            },
            "update",
        )?;
        x.open("ResourceList", &[])?;
        for a in &p.assets {
            super::super::ern34::sound_recording(&mut x, a, opts.hash)?;
        }
        if let Some(c) = &p.cover {
            image(&mut x, p, c, opts)?;
        }
        x.close("ResourceList");
        x.path.clear();
        x.open("ReleaseList", &[])?;
        album(&mut x, p)?;
        for (i, a) in p.assets.iter().enumerate() {
            track_release(&mut x, p, i, a)?;
        }
        x.close("ReleaseList");
        deal_list(&mut x, p, opts)?;
        x.close("ern:NewReleaseMessage");
        Ok(x.finish())
    }

    fn image(x: &mut Xml, p: &Parts, c: &Cover, opts: &Options) -> Result<(), ErnError> {
        x.path = c.record.path.clone();
        x.open("Image", &[])?;
        x.leaf("ImageType", &[], "FrontCoverImage", "artwork")?;
        x.open("ImageId", &[])?;
        let ns = format!("DPID:{}", p.sender);
        x.leaf(
            "ProprietaryId",
            &[("Namespace", &ns)],
            &c.proprietary_id,
            "artwork.proprietaryId",
        )?;
        x.close("ImageId");
        x.leaf("ResourceReference", &[], &c.reference, "artwork")?;
        x.open("ImageDetailsByTerritory", &[])?;
        x.leaf("TerritoryCode", &[], "Worldwide", "artwork")?;
        if let Some(cl) = &p.c_line {
            line(x, "CLine", "CLineText", cl)?;
        }
        if opts.update.delivers_files() {
            x.open("TechnicalImageDetails", &[])?;
            x.leaf(
                "TechnicalResourceDetailsReference",
                &[],
                &c.technical_reference,
                "artwork",
            )?;
            if let Some(codec) = image_codec(&c.record) {
                x.leaf("ImageCodecType", &[], codec, "artwork.format")?;
            }
            if let Some(a) = &c.record.artwork {
                let px = [("UnitOfMeasure", "Pixel")];
                x.leaf("ImageHeight", &px, &a.height.to_string(), "artwork.height")?;
                x.leaf("ImageWidth", &px, &a.width.to_string(), "artwork.width")?;
                let bits = a.bit_depth.saturating_mul(a.components);
                x.leaf("ColorDepth", &[], &bits.to_string(), "artwork.bitDepth")?;
            }
            let (name, dir) = split_path(&c.path);
            x.open("File", &[])?;
            x.leaf("FileName", &[], name, "artwork.file")?;
            if let Some(dir) = dir {
                x.leaf("FilePath", &[], &format!("{dir}/"), "artwork.file")?;
            }
            super::super::ern34::hash_sum(x, &c.record, opts.hash)?;
            x.close("File");
            x.close("TechnicalImageDetails");
        }
        x.close("ImageDetailsByTerritory");
        x.close("Image");
        Ok(())
    }

    fn display_artist(x: &mut Xml, name: &str) -> Result<(), ErnError> {
        x.open("DisplayArtist", &[("SequenceNumber", "1")])?;
        x.open("PartyName", &[])?;
        x.leaf("FullName", &[], name, "displayArtist")?;
        x.close("PartyName");
        x.leaf("ArtistRole", &[], "MainArtist", "displayArtist")?;
        x.close("DisplayArtist");
        Ok(())
    }

    fn release_type(x: &mut Xml, t: &str) -> Result<(), ErnError> {
        // 3.4 has no EP: a user-defined type, as the schema provides.
        if t == "EP" {
            x.leaf(
                "ReleaseType",
                &[("UserDefinedValue", "EP")],
                "UserDefined",
                "release.releaseType",
            )
        } else {
            x.leaf("ReleaseType", &[], t, "release.releaseType")
        }
    }

    fn content_item(
        x: &mut Xml,
        sequence: Option<usize>,
        kind: &str,
        reference: &str,
        primary: bool,
    ) -> Result<(), ErnError> {
        x.open("ResourceGroupContentItem", &[])?;
        if let Some(n) = sequence {
            x.leaf("SequenceNumber", &[], &n.to_string(), "sequence")?;
        }
        x.leaf("ResourceType", &[], kind, "sequence")?;
        x.leaf(
            "ReleaseResourceReference",
            &[(
                "ReleaseResourceType",
                if primary {
                    "PrimaryResource"
                } else {
                    "SecondaryResource"
                },
            )],
            reference,
            "sequence",
        )?;
        x.close("ResourceGroupContentItem");
        Ok(())
    }

    fn album(x: &mut Xml, p: &Parts) -> Result<(), ErnError> {
        x.open("Release", &[])?;
        x.open("ReleaseId", &[])?;
        if let Some(g) = &p.grid {
            x.leaf("GRid", &[], g, "release.grid")?;
        }
        if let Some((icpn, ean)) = &p.icpn {
            x.leaf(
                "ICPN",
                &[("IsEan", if *ean { "true" } else { "false" })],
                icpn,
                "release.icpn",
            )?;
        }
        if let Some(c) = &p.catalog_number {
            let ns = format!("DPID:{}", p.sender);
            x.leaf(
                "CatalogNumber",
                &[("Namespace", &ns)],
                c,
                "release.catalogNumber",
            )?;
        }
        if let Some(id) = &p.proprietary_id {
            let ns = format!("DPID:{}", p.sender);
            x.leaf(
                "ProprietaryId",
                &[("Namespace", &ns)],
                id,
                "release.proprietaryId",
            )?;
        }
        x.close("ReleaseId");
        x.leaf("ReleaseReference", &[], "R0", "release")?;
        title(x, "ReferenceTitle", &[], &p.title)?;
        x.open("ReleaseResourceReferenceList", &[])?;
        for a in &p.assets {
            x.leaf(
                "ReleaseResourceReference",
                &[("ReleaseResourceType", "PrimaryResource")],
                &a.resource_reference,
                "release",
            )?;
        }
        if let Some(c) = &p.cover {
            x.leaf(
                "ReleaseResourceReference",
                &[("ReleaseResourceType", "SecondaryResource")],
                &c.reference,
                "release",
            )?;
        }
        x.close("ReleaseResourceReferenceList");
        release_type(x, &p.release_type)?;
        x.open("ReleaseDetailsByTerritory", &[])?;
        x.leaf("TerritoryCode", &[], "Worldwide", "release")?;
        x.leaf("DisplayArtistName", &[], &p.artist, "release.displayArtist")?;
        x.leaf("LabelName", &[], &p.label, "release.labelName")?;
        title(x, "Title", &[("TitleType", "FormalTitle")], &p.title)?;
        title(x, "Title", &[("TitleType", "DisplayTitle")], &p.title)?;
        display_artist(x, &p.artist)?;
        if let Some(w) = &p.parental_warning {
            x.leaf("ParentalWarningType", &[], w, "release.parentalWarningType")?;
        }
        // The album: a group per disc, the tracks numbered on each, and
        // the cover beside them.
        x.open("ResourceGroup", &[])?;
        for (disc, members) in &p.discs {
            x.open("ResourceGroup", &[])?;
            x.leaf("SequenceNumber", &[], &disc.to_string(), "discNumber")?;
            for (k, &i) in members.iter().enumerate() {
                content_item(
                    x,
                    Some(k + 1),
                    "SoundRecording",
                    &p.assets[i].resource_reference,
                    true,
                )?;
            }
            x.close("ResourceGroup");
        }
        if let Some(c) = &p.cover {
            content_item(x, None, "Image", &c.reference, false)?;
        }
        x.close("ResourceGroup");
        if let Some(g) = &p.genre {
            x.open("Genre", &[])?;
            x.leaf("GenreText", &[], g, "release.genre")?;
            if let Some(s) = &p.sub_genre {
                x.leaf("SubGenre", &[], s, "release.subGenre")?;
            }
            x.close("Genre");
        }
        if let Some(d) = &p.original_date {
            x.leaf("OriginalReleaseDate", &[], d, "release.originalReleaseDate")?;
        }
        x.close("ReleaseDetailsByTerritory");
        if let Some(pl) = &p.p_line {
            line(x, "PLine", "PLineText", pl)?;
        }
        if let Some(cl) = &p.c_line {
            line(x, "CLine", "CLineText", cl)?;
        }
        x.close("Release");
        Ok(())
    }

    fn track_release(x: &mut Xml, p: &Parts, i: usize, a: &Asset) -> Result<(), ErnError> {
        x.path = a.record.path.clone();
        let isrc: String = a
            .require("soundRecordingDetails.isrc")?
            .chars()
            .filter(|c| *c != '-')
            .collect();
        let title_text = a.require("ddexMetadata.title")?;
        let artist = a.require("ddexMetadata.displayArtist")?;
        x.open("Release", &[])?;
        x.open("ReleaseId", &[])?;
        x.leaf("ISRC", &[], &isrc, "soundRecordingDetails.isrc")?;
        if let Some((namespace, id)) = a.proprietary_id() {
            x.leaf(
                "ProprietaryId",
                &[("Namespace", &namespace)],
                &id,
                "soundRecordingDetails.proprietaryId",
            )?;
        }
        x.close("ReleaseId");
        x.leaf("ReleaseReference", &[], &format!("R{}", i + 1), "release")?;
        title(x, "ReferenceTitle", &[], &title_text)?;
        x.open("ReleaseResourceReferenceList", &[])?;
        x.leaf(
            "ReleaseResourceReference",
            &[("ReleaseResourceType", "PrimaryResource")],
            &a.resource_reference,
            "release",
        )?;
        if let Some(c) = &p.cover {
            x.leaf(
                "ReleaseResourceReference",
                &[("ReleaseResourceType", "SecondaryResource")],
                &c.reference,
                "release",
            )?;
        }
        x.close("ReleaseResourceReferenceList");
        x.leaf("ReleaseType", &[], "TrackRelease", "release")?;
        x.open("ReleaseDetailsByTerritory", &[])?;
        x.leaf("TerritoryCode", &[], "Worldwide", "release")?;
        x.leaf(
            "DisplayArtistName",
            &[],
            &artist,
            "ddexMetadata.displayArtist",
        )?;
        if let Some(label) = a.text("soundRecordingDetails.labelName") {
            x.leaf("LabelName", &[], &label, "soundRecordingDetails.labelName")?;
        }
        title(x, "Title", &[("TitleType", "DisplayTitle")], &title_text)?;
        display_artist(x, &artist)?;
        if let Some(w) = a.text("ddexMetadata.parentalWarningType") {
            x.leaf(
                "ParentalWarningType",
                &[],
                &w,
                "ddexMetadata.parentalWarningType",
            )?;
        }
        x.open("ResourceGroup", &[])?;
        content_item(x, Some(1), "SoundRecording", &a.resource_reference, true)?;
        if let Some(c) = &p.cover {
            content_item(x, None, "Image", &c.reference, false)?;
        }
        x.close("ResourceGroup");
        if let Some(g) = a.text("soundRecordingDetails.genre") {
            x.open("Genre", &[])?;
            x.leaf("GenreText", &[], &g, "soundRecordingDetails.genre")?;
            x.close("Genre");
        }
        if let Some(d) = &p.original_date {
            x.leaf("OriginalReleaseDate", &[], d, "release.originalReleaseDate")?;
        }
        x.close("ReleaseDetailsByTerritory");
        super::super::p_line(x, a)?;
        x.close("Release");
        Ok(())
    }

    fn deal_list(x: &mut Xml, p: &Parts, opts: &Options) -> Result<(), ErnError> {
        x.path.clear();
        x.open("DealList", &[])?;
        let references: Vec<String> = std::iter::once("R0".to_string())
            .chain((1..=p.assets.len()).map(|i| format!("R{i}")))
            .collect();
        for reference in &references {
            x.open("ReleaseDeal", &[])?;
            x.leaf("DealReleaseReference", &[], reference, "deals")?;
            for d in &p.deals {
                x.open("Deal", &[])?;
                x.open("DealTerms", &[])?;
                if d.takedown {
                    x.leaf("TakeDown", &[], "true", "deals.takedown")?;
                } else {
                    for m in &d.commercial_models {
                        x.leaf("CommercialModelType", &[], m, "deals.commercialModels")?;
                    }
                    x.open("Usage", &[])?;
                    for u in &d.use_types {
                        x.leaf("UseType", &[], u, "deals.useTypes")?;
                    }
                    x.close("Usage");
                }
                territories(x, d)?;
                x.open("ValidityPeriod", &[])?;
                // An open-ended deal still has its (empty) ValidityPeriod.
                let start = match (&d.start_date, d.takedown) {
                    (Some(s), _) => Some(s.clone()),
                    (None, true) => Some(opts.created[..10].to_string()),
                    (None, false) => None,
                };
                if let Some(s) = start {
                    x.leaf("StartDate", &[], &s, "deals.startDate")?;
                }
                if let (Some(e), false) = (&d.end_date, d.takedown) {
                    x.leaf("EndDate", &[], e, "deals.endDate")?;
                }
                x.close("ValidityPeriod");
                x.close("DealTerms");
                x.close("Deal");
            }
            x.close("ReleaseDeal");
        }
        x.close("DealList");
        Ok(())
    }

    fn territories(x: &mut Xml, d: &Deal) -> Result<(), ErnError> {
        if d.excluded_territories.is_empty() {
            for t in &d.territories {
                x.leaf("TerritoryCode", &[], t, "deals.territories")?;
            }
        } else {
            // Worldwide less these.
            for t in &d.excluded_territories {
                x.leaf("ExcludedTerritoryCode", &[], t, "deals.excludedTerritories")?;
            }
        }
        Ok(())
    }
}

mod v43 {
    //! ERN 4.3.
    use super::super::ern43;
    use super::*;

    pub(super) fn message(p: &Parts, opts: &Options) -> Result<Vec<u8>, ErnError> {
        // 4.3 has no TakeDown: the deal is sent again with its end, which
        // needs the start it had.
        if opts.update == Update::Takedown
            && let Some(i) = p.deals.iter().position(|d| d.start_date.is_none())
        {
            return Err(error(
                &format!("deals[{i}].startDate"),
                "ERN 4.3 has no TakeDown: a takedown is the deal sent again with an end date, \
                 and that needs the deal's start date; give it, or write ERN 3.4 (TakeDown)",
            ));
        }
        let mut x = Xml::new();
        x.open(
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
        header(&mut x, p, opts)?;
        party_list(&mut x, p)?;
        x.open("ResourceList", &[])?;
        for a in &p.assets {
            x.path = a.record.path.clone();
            ern43::sound_recording(&mut x, a, opts.hash)?;
        }
        if let Some(c) = &p.cover {
            image(&mut x, p, c, opts)?;
        }
        x.close("ResourceList");
        x.path.clear();
        x.open("ReleaseList", &[])?;
        album(&mut x, p)?;
        for (i, a) in p.assets.iter().enumerate() {
            track_release(&mut x, p, i, a)?;
        }
        x.close("ReleaseList");
        deal_list(&mut x, p, opts)?;
        x.close("ern:NewReleaseMessage");
        Ok(x.finish())
    }

    fn party_list(x: &mut Xml, p: &Parts) -> Result<(), ErnError> {
        x.open("PartyList", &[])?;
        x.open("Party", &[])?;
        x.leaf("PartyReference", &[], "PR0", "release.displayArtist")?;
        ern43::party_name(x, &p.artist, "release.displayArtist")?;
        x.close("Party");
        for a in &p.assets {
            x.path = a.record.path.clone();
            let artist = a.require("ddexMetadata.displayArtist")?;
            x.open("Party", &[])?;
            x.leaf(
                "PartyReference",
                &[],
                &ern43::party_reference(a),
                "resourceReference",
            )?;
            ern43::party_name(x, &artist, "ddexMetadata.displayArtist")?;
            x.close("Party");
            for (reference, name, _, field) in ern43::contributors(a) {
                x.open("Party", &[])?;
                x.leaf("PartyReference", &[], &reference, field)?;
                ern43::party_name(x, &name, field)?;
                x.close("Party");
            }
        }
        x.path.clear();
        x.open("Party", &[])?;
        x.leaf("PartyReference", &[], "PLabel", "release.labelName")?;
        ern43::party_name(x, &p.label, "release.labelName")?;
        x.close("Party");
        x.close("PartyList");
        Ok(())
    }

    fn image(x: &mut Xml, p: &Parts, c: &Cover, opts: &Options) -> Result<(), ErnError> {
        x.path = c.record.path.clone();
        x.open("Image", &[])?;
        x.leaf("ResourceReference", &[], &c.reference, "artwork")?;
        x.leaf("Type", &[], "FrontCoverImage", "artwork")?;
        x.open("ResourceId", &[])?;
        let ns = format!("DPID:{}", p.sender);
        x.leaf(
            "ProprietaryId",
            &[("Namespace", &ns)],
            &c.proprietary_id,
            "artwork.proprietaryId",
        )?;
        x.close("ResourceId");
        if let Some(cl) = &p.c_line {
            line(x, "CLine", "CLineText", cl)?;
        }
        if opts.update.delivers_files() {
            x.open("TechnicalDetails", &[])?;
            x.leaf(
                "TechnicalResourceDetailsReference",
                &[],
                &c.technical_reference,
                "artwork",
            )?;
            if let Some(codec) = image_codec(&c.record) {
                x.leaf("ImageCodecType", &[], codec, "artwork.format")?;
            }
            if let Some(a) = &c.record.artwork {
                let px = [("UnitOfMeasure", "Pixel")];
                x.leaf("ImageHeight", &px, &a.height.to_string(), "artwork.height")?;
                x.leaf("ImageWidth", &px, &a.width.to_string(), "artwork.width")?;
                let bits = a.bit_depth.saturating_mul(a.components);
                x.leaf("ColorDepth", &[], &bits.to_string(), "artwork.bitDepth")?;
                x.leaf(
                    "BitDepth",
                    &[],
                    &a.bit_depth.to_string(),
                    "artwork.bitDepth",
                )?;
            }
            x.open("File", &[])?;
            x.leaf("URI", &[], &c.path, "artwork.file")?;
            let (algorithm, digest) = match opts.hash {
                Hash::Md5 => ("MD5", &c.record.md5),
                Hash::Sha256 => ("SHA-256", &c.record.sha256),
            };
            if let Some(d) = digest {
                x.open("HashSum", &[])?;
                x.leaf("Algorithm", &[], algorithm, "hash")?;
                x.leaf("HashSumValue", &[], d, "hash")?;
                x.close("HashSum");
            }
            x.close("File");
            x.close("TechnicalDetails");
        }
        x.close("Image");
        Ok(())
    }

    fn display(x: &mut Xml, title_text: &str, artist: &str, party: &str) -> Result<(), ErnError> {
        x.leaf("DisplayTitleText", &[], title_text, "title")?;
        title(x, "DisplayTitle", &[], title_text)?;
        x.leaf("DisplayArtistName", &[], artist, "displayArtist")?;
        x.open("DisplayArtist", &[("SequenceNumber", "1")])?;
        x.leaf("ArtistPartyReference", &[], party, "displayArtist")?;
        x.leaf("DisplayArtistRole", &[], "MainArtist", "displayArtist")?;
        x.close("DisplayArtist");
        Ok(())
    }

    fn genre(x: &mut Xml, genre: Option<&str>, sub: Option<&str>) -> Result<(), ErnError> {
        x.open("Genre", &[])?;
        // 4.3 requires a genre on every release.
        x.leaf("GenreText", &[], genre.unwrap_or("Unknown"), "genre")?;
        if let Some(s) = sub {
            x.leaf("SubGenre", &[], s, "subGenre")?;
        }
        x.close("Genre");
        Ok(())
    }

    fn album(x: &mut Xml, p: &Parts) -> Result<(), ErnError> {
        x.open("Release", &[])?;
        x.leaf("ReleaseReference", &[], "R0", "release")?;
        x.leaf("ReleaseType", &[], &p.release_type, "release.releaseType")?;
        x.open("ReleaseId", &[])?;
        if let Some(g) = &p.grid {
            x.leaf("GRid", &[], g, "release.grid")?;
        }
        if let Some((icpn, _)) = &p.icpn {
            x.leaf("ICPN", &[], icpn, "release.icpn")?;
        }
        let ns = format!("DPID:{}", p.sender);
        if let Some(c) = &p.catalog_number {
            x.leaf(
                "CatalogNumber",
                &[("Namespace", &ns)],
                c,
                "release.catalogNumber",
            )?;
        }
        if let Some(id) = &p.proprietary_id {
            x.leaf(
                "ProprietaryId",
                &[("Namespace", &ns)],
                id,
                "release.proprietaryId",
            )?;
        }
        x.close("ReleaseId");
        display(x, &p.title, &p.artist, "PR0")?;
        x.leaf("ReleaseLabelReference", &[], "PLabel", "release.labelName")?;
        if let Some(pl) = &p.p_line {
            line(x, "PLine", "PLineText", pl)?;
        }
        if let Some(cl) = &p.c_line {
            line(x, "CLine", "CLineText", cl)?;
        }
        genre(x, p.genre.as_deref(), p.sub_genre.as_deref())?;
        if let Some(d) = &p.original_date {
            x.leaf("OriginalReleaseDate", &[], d, "release.originalReleaseDate")?;
        }
        x.leaf(
            "ParentalWarningType",
            &[],
            p.parental_warning.as_deref().unwrap_or("Unknown"),
            "release.parentalWarningType",
        )?;
        x.open("ResourceGroup", &[])?;
        for (disc, members) in &p.discs {
            x.open("ResourceGroup", &[("ResourceGroupType", "Component")])?;
            x.leaf("SequenceNumber", &[], &disc.to_string(), "discNumber")?;
            for (k, &i) in members.iter().enumerate() {
                x.open("ResourceGroupContentItem", &[])?;
                x.leaf("SequenceNumber", &[], &(k + 1).to_string(), "trackNumber")?;
                x.leaf(
                    "ReleaseResourceReference",
                    &[],
                    &p.assets[i].resource_reference,
                    "release",
                )?;
                x.close("ResourceGroupContentItem");
            }
            x.close("ResourceGroup");
        }
        if let Some(c) = &p.cover {
            x.open("ResourceGroupContentItem", &[])?;
            x.leaf("ReleaseResourceReference", &[], &c.reference, "artwork")?;
            x.close("ResourceGroupContentItem");
        }
        x.close("ResourceGroup");
        x.close("Release");
        Ok(())
    }

    fn track_release(x: &mut Xml, p: &Parts, i: usize, a: &Asset) -> Result<(), ErnError> {
        x.path = a.record.path.clone();
        let title_text = a.require("ddexMetadata.title")?;
        let isrc: String = a
            .require("soundRecordingDetails.isrc")?
            .chars()
            .filter(|c| *c != '-')
            .collect();
        x.open("TrackRelease", &[])?;
        x.leaf("ReleaseReference", &[], &format!("R{}", i + 1), "release")?;
        // 4.3 release ids have no ISRC: the recording's id in the sender's
        // namespace (its proprietary id, else its ISRC).
        x.open("ReleaseId", &[])?;
        let (ns, id) = a
            .proprietary_id()
            .unwrap_or_else(|| (format!("DPID:{}", p.sender), isrc));
        x.leaf("ProprietaryId", &[("Namespace", &ns)], &id, "release")?;
        x.close("ReleaseId");
        x.leaf("DisplayTitleText", &[], &title_text, "ddexMetadata.title")?;
        title(x, "DisplayTitle", &[], &title_text)?;
        x.leaf(
            "ReleaseResourceReference",
            &[],
            &a.resource_reference,
            "release",
        )?;
        x.leaf("ReleaseLabelReference", &[], "PLabel", "release.labelName")?;
        genre(
            x,
            a.text("soundRecordingDetails.genre")
                .or_else(|| p.genre.clone())
                .as_deref(),
            None,
        )?;
        x.close("TrackRelease");
        Ok(())
    }

    fn deal_list(x: &mut Xml, p: &Parts, opts: &Options) -> Result<(), ErnError> {
        x.path.clear();
        x.open("DealList", &[])?;
        let references: Vec<String> = std::iter::once("R0".to_string())
            .chain((1..=p.assets.len()).map(|i| format!("R{i}")))
            .collect();
        let today = &opts.created[..10];
        for reference in &references {
            x.open("ReleaseDeal", &[])?;
            x.leaf("DealReleaseReference", &[], reference, "deals")?;
            for d in &p.deals {
                x.open("Deal", &[])?;
                x.open("DealTerms", &[])?;
                if d.excluded_territories.is_empty() {
                    for t in &d.territories {
                        x.leaf("TerritoryCode", &[], t, "deals.territories")?;
                    }
                } else {
                    for t in &d.excluded_territories {
                        x.leaf("ExcludedTerritoryCode", &[], t, "deals.excludedTerritories")?;
                    }
                }
                x.open("ValidityPeriod", &[])?;
                // 4.3 needs a start: an open start is valid from now.
                let start = d.start_date.as_deref().unwrap_or(today);
                x.leaf("StartDate", &[], start, "deals.startDate")?;
                let end = if d.takedown {
                    Some(d.end_date.as_deref().unwrap_or(today))
                } else {
                    d.end_date.as_deref()
                };
                if let Some(e) = end {
                    x.leaf("EndDate", &[], e, "deals.endDate")?;
                }
                x.close("ValidityPeriod");
                for m in &d.commercial_models {
                    x.leaf("CommercialModelType", &[], m, "deals.commercialModels")?;
                }
                for u in &d.use_types {
                    x.leaf("UseType", &[], u, "deals.useTypes")?;
                }
                x.close("DealTerms");
                x.close("Deal");
            }
            x.close("ReleaseDeal");
        }
        x.close("DealList");
        Ok(())
    }
}
