//! DDEX ERN output: the technical block (`TechnicalSoundRecordingDetails`
//! in ERN 3.4 and 3.4.1, `TechnicalDetails` in 4.3), the whole
//! `SoundRecording` resource, or a `ResourceList`, written from measured
//! values and the merged sidecar metadata, valid against the official
//! schemas.
//!
//! XML is written with quick-xml, so text and attributes are escaped by
//! the writer; characters XML 1.0 forbids (control characters other than
//! tab, line feed and carriage return) are refused with an error naming the
//! field, never written. Element order follows the schemas
//! (`../shared/ddex/reference/ern34_types.txt`, `ern43_types.txt`). Output
//! is deterministic: references are assigned in the order of the assets.

pub mod ern34;
pub mod ern43;
pub mod release;

use crate::metadata::Metadata;
use crate::record::Record;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// The ERN version written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// ERN 3.4.
    Ern34,
    /// ERN 3.4.1 (the same technical and resource content model as 3.4).
    Ern341,
    /// ERN 4.3.
    Ern43,
}

/// What is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fragment {
    /// The technical block of each asset.
    Technical,
    /// A `SoundRecording` resource per asset.
    SoundRecording,
    /// One `ResourceList` holding a `SoundRecording` per asset.
    ResourceList,
}

/// The file digest carried in `HashSum`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    /// MD5 (ERN 3.4 `MD5`, 4.3 `MD5`).
    Md5,
    /// SHA-256 (ERN 3.4 `UserDefined` "SHA-256", 4.3 `SHA-256`).
    Sha256,
}

/// One recording to describe.
#[derive(Debug, Clone)]
pub struct Asset {
    /// The measured record (its `md5`/`sha256` are used for `HashSum`).
    pub record: Record,
    /// Merged metadata by dotted field name
    /// ([`crate::metadata::merge()`]).
    pub fields: BTreeMap<String, Value>,
    /// The file's path as the message names it (`FilePath`/`URI`), `/`-separated.
    pub file_path: String,
    /// `A1`, `A2`...: the resource reference.
    pub resource_reference: String,
    /// `T1`, `T2`...: the technical resource details reference.
    pub technical_reference: String,
    /// Whether the technical block is written (not in a metadata-only
    /// update, whose files are not delivered).
    pub with_technical: bool,
    /// The namespace of the recording's `ProprietaryId` (`DPID:` and the
    /// sender's party id), when a message has a sender to scope it.
    pub proprietary_namespace: Option<String>,
}

impl Asset {
    /// The asset of a measured file and what is declared for it, numbered
    /// later ([`number`]); `Err` says why the file cannot be described (an
    /// error in the file, or metadata that cannot be read).
    ///
    /// `file` is where the file really is: a name that is not valid UTF-8
    /// cannot be written in a message (its display form would name a file
    /// that does not exist), so such a file is refused.
    pub fn describe(
        file: &std::path::Path,
        record: &Record,
        declared: Option<&Metadata>,
    ) -> Result<Asset, String> {
        if file.to_str().is_none() {
            return Err(format!(
                "{}: the file name is not valid UTF-8, so a message cannot name the file; rename it",
                record.path
            ));
        }
        if let Some(e) = record.errors.first() {
            return Err(format!("{}: {}: {}", record.path, e.code, e.message));
        }
        if let Some(e) = declared.and_then(|d| d.error.clone()) {
            return Err(e);
        }
        Ok(Asset {
            fields: crate::metadata::merge(
                record,
                declared.map(|d| d.fields.clone()).unwrap_or_default(),
            )
            .fields,
            file_path: record.path.replace('\\', "/"),
            record: record.clone(),
            resource_reference: String::new(),
            technical_reference: String::new(),
            with_technical: true,
            proprietary_namespace: None,
        })
    }

    /// A text field of the merged metadata.
    pub fn text(&self, field: &str) -> Option<String> {
        match self.fields.get(field)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// A text field that must be there.
    pub fn require(&self, field: &str) -> Result<String, ErnError> {
        self.text(field).ok_or_else(|| ErnError {
            path: self.record.path.clone(),
            field: field.to_string(),
            message: "is required for this fragment and missing".to_string(),
        })
    }

    /// The ISWC of the musical work, without punctuation (`T0345246801`),
    /// when one is declared and valid (an invalid one is refused before
    /// anything is written, or left out with `--force`).
    pub fn iswc(&self) -> Option<String> {
        let declared = self.text("musicalWorkReference.iswc")?;
        crate::metadata::identifiers::iswc(&declared).ok()?;
        Some(
            declared
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect(),
        )
    }

    /// A list field (`composers`, `publishers`): the non-empty texts of an
    /// array, or one text.
    pub fn list(&self, field: &str) -> Vec<String> {
        match self.fields.get(field) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str())
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            Some(Value::String(s)) if !s.trim().is_empty() => vec![s.trim().to_string()],
            _ => Vec::new(),
        }
    }

    /// The recording's `ProprietaryId` and its namespace, when both are
    /// known.
    pub fn proprietary_id(&self) -> Option<(String, String)> {
        Some((
            self.proprietary_namespace.clone()?,
            self.text("soundRecordingDetails.proprietaryId")?,
        ))
    }

    /// The file name (last path component).
    pub fn file_name(&self) -> &str {
        self.file_path.rsplit('/').next().unwrap_or(&self.file_path)
    }
}

/// Why an asset cannot be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErnError {
    /// The asset's path.
    pub path: String,
    /// The field at fault (dotted name or element).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ErnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} {}", self.path, self.field, self.message)
    }
}

impl std::error::Error for ErnError {}

/// A quick-xml writer that refuses characters XML 1.0 forbids, naming the
/// field, and indents by two spaces.
pub struct Xml {
    w: Writer<Vec<u8>>,
    /// The asset being written, for errors.
    pub path: String,
}

impl Xml {
    /// A writer with the XML declaration written.
    pub fn new() -> Xml {
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
        // Writing to a Vec cannot fail.
        let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        Xml {
            w,
            path: String::new(),
        }
    }

    fn check(&self, field: &str, text: &str) -> Result<(), ErnError> {
        match text.chars().find(|&c| !crate::output::xml::allowed(c)) {
            None => Ok(()),
            Some(c) => Err(ErnError {
                path: self.path.clone(),
                field: field.to_string(),
                message: format!(
                    "contains the character U+{:04X}, which XML 1.0 does not allow",
                    u32::from(c)
                ),
            }),
        }
    }

    /// Open `name` with `attrs`.
    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) -> Result<(), ErnError> {
        let mut start = BytesStart::new(name);
        for (k, v) in attrs {
            self.check(name, v)?;
            start.push_attribute((*k, *v));
        }
        let _ = self.w.write_event(Event::Start(start));
        Ok(())
    }

    /// Close `name`.
    pub fn close(&mut self, name: &str) {
        let _ = self.w.write_event(Event::End(BytesEnd::new(name)));
    }

    /// `<name attrs>text</name>`; `field` names the source of the text in
    /// errors.
    pub fn leaf(
        &mut self,
        name: &str,
        attrs: &[(&str, &str)],
        text: &str,
        field: &str,
    ) -> Result<(), ErnError> {
        self.check(field, text)?;
        let mut start = BytesStart::new(name);
        for (k, v) in attrs {
            self.check(field, v)?;
            start.push_attribute((*k, *v));
        }
        let _ = self.w.write_event(Event::Start(start));
        let _ = self.w.write_event(Event::Text(BytesText::new(text)));
        let _ = self.w.write_event(Event::End(BytesEnd::new(name)));
        Ok(())
    }

    /// The document.
    pub fn finish(self) -> Vec<u8> {
        let mut v = self.w.into_inner();
        v.push(b'\n');
        v
    }
}

impl Default for Xml {
    fn default() -> Self {
        Xml::new()
    }
}

/// `BitRate` (kbps), `NumberOfChannels`, `SamplingRate` (Hz),
/// `BitsPerSample` (when a bit depth was measured) and `Duration`: the same
/// elements in the same order in ERN 3.4 and 4.3.
pub(crate) fn audio_figures(x: &mut Xml, r: &Record) -> Result<(), ErnError> {
    if let Some(bps) = r.bitrate {
        x.leaf(
            "BitRate",
            &[("UnitOfMeasure", "kbps")],
            &kbps(bps),
            "bitrate",
        )?;
    }
    if let Some(n) = r.number_of_channels {
        x.leaf("NumberOfChannels", &[], &n.to_string(), "numberOfChannels")?;
    }
    if let Some(rate) = r.sample_rate {
        x.leaf(
            "SamplingRate",
            &[("UnitOfMeasure", "Hz")],
            &rate.to_string(),
            "sampleRate",
        )?;
    }
    if let Some(bits) = r.bit_depth {
        x.leaf("BitsPerSample", &[], &bits.to_string(), "bitDepth")?;
    }
    if let Some(d) = &r.duration {
        x.leaf("Duration", &[], d, "duration")?;
    }
    Ok(())
}

/// `<PLine>` with `Year` and `PLineText` when the metadata has both (the
/// same element in ERN 3.4 and 4.3).
pub(crate) fn p_line(x: &mut Xml, a: &Asset) -> Result<(), ErnError> {
    if let (Some(year), Some(text)) = (
        a.text("soundRecordingDetails.pLine.year"),
        a.text("soundRecordingDetails.pLine.pLineText"),
    ) {
        x.open("PLine", &[])?;
        x.leaf("Year", &[], &year, "soundRecordingDetails.pLine.year")?;
        x.leaf(
            "PLineText",
            &[],
            &text,
            "soundRecordingDetails.pLine.pLineText",
        )?;
        x.close("PLine");
    }
    Ok(())
}

/// A bit rate in kbps as a decimal without trailing zeros (1411200 bps ->
/// `1411.2`), exact.
pub fn kbps(bps: u64) -> String {
    let (whole, frac) = (bps / 1000, bps % 1000);
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{frac:03}")
            .trim_end_matches('0')
            .to_string()
    }
}

/// The assets of a message in delivery order with their references: a
/// declared `ddexMetadata.sequence` first (1, 2, ...), then the paths in
/// natural order (`2.wav` before `10.wav`); a declared
/// `ddexMetadata.resourceReference` is kept, the others get `A1`, `A2`...
/// (skipping declared ones), and `T1`, `T2`... in the same order.
pub fn number(mut assets: Vec<Asset>) -> Vec<Asset> {
    let sequence = |a: &Asset| match a.fields.get("ddexMetadata.sequence") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    assets.sort_by(|a, b| {
        let (sa, sb) = (sequence(a), sequence(b));
        // Sequenced assets first, by their number.
        sa.is_none()
            .cmp(&sb.is_none())
            .then(sa.cmp(&sb))
            .then_with(|| natural_cmp(&a.file_path, &b.file_path))
    });
    let declared: std::collections::HashSet<String> = assets
        .iter()
        .filter_map(|a| a.text("ddexMetadata.resourceReference"))
        .collect();
    let mut next = 1u64;
    for (i, a) in assets.iter_mut().enumerate() {
        a.resource_reference = match a.text("ddexMetadata.resourceReference") {
            Some(r) => r,
            None => loop {
                let r = format!("A{next}");
                next += 1;
                if !declared.contains(&r) {
                    break r;
                }
            },
        };
        a.technical_reference = format!("T{}", i + 1);
    }
    assets
}

/// Natural order: runs of digits compare as numbers (`2` < `10`), the rest
/// as text.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return a.cmp(b),
            (None, _) => return Ordering::Less,
            (_, None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let run = |s: &[u8]| s.iter().take_while(|c| c.is_ascii_digit()).count();
                let (m, n) = (run(x), run(y));
                let trim = |s: &[u8]| -> usize { s.iter().take_while(|c| **c == b'0').count() };
                let (dx, dy) = (&x[..m], &y[..n]);
                let (dx, dy) = (
                    &dx[trim(dx).min(m.saturating_sub(1))..],
                    &dy[trim(dy).min(n.saturating_sub(1))..],
                );
                let ord = dx.len().cmp(&dy.len()).then(dx.cmp(dy));
                if ord != Ordering::Equal {
                    return ord;
                }
                x = &x[m..];
                y = &y[n..];
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(d);
                }
                x = &x[1..];
                y = &y[1..];
            }
        }
    }
}

/// Write `fragment` for `assets` in `version`. `Technical` and
/// `SoundRecording` give one XML document per asset (each validates on its
/// own against the fragment schemas); `ResourceList` gives one document
/// for all. The first asset that cannot be written stops the output with
/// an error naming its field.
pub fn write(
    version: Version,
    fragment: Fragment,
    assets: &[Asset],
    hash: Hash,
) -> Result<Vec<Vec<u8>>, ErnError> {
    match version {
        Version::Ern34 | Version::Ern341 => ern34::write(fragment, assets, hash),
        Version::Ern43 => ern43::write(fragment, assets, hash),
    }
}

/// What `version`'s schema refuses in an asset's values beyond the
/// readiness rules: ERN 3.x takes a language of performance only as an
/// ISO 639-1 two-letter code, where ERN 4.x takes BCP 47 tags (`zxx`,
/// `pt-BR`). Checked before anything is written, like those rules.
pub fn version_findings(version: Version, asset: &Asset) -> Vec<crate::readiness::InvalidField> {
    let mut out = Vec::new();
    if matches!(version, Version::Ern34 | Version::Ern341)
        && let Some(lang) = asset.text("ddexMetadata.languageOfPerformance")
        && let Err(why) = crate::metadata::identifiers::language(&lang)
    {
        out.push(crate::readiness::InvalidField {
            field: "ddexMetadata.languageOfPerformance".to_string(),
            issue: format!(
                "{why}: ERN 3.4 takes ISO 639-1 two-letter codes only (write it with --ern 4.3, \
                 which takes BCP 47 tags, or give the two-letter code)"
            ),
            current_value: serde_json::Value::from(lang),
        });
    }
    out
}

/// The fixed `MessageHeader` of a test message.
pub(crate) fn message_header(x: &mut Xml) -> Result<(), ErnError> {
    x.open("MessageHeader", &[])?;
    x.leaf("MessageThreadId", &[], "THREAD-0001", "header")?;
    x.leaf("MessageId", &[], "MSG-0001", "header")?;
    for (role, id, name) in [
        ("MessageSender", "PADPIDA0000000001X", "Example Label"),
        ("MessageRecipient", "PADPIDA0000000002Y", "Example DSP"),
    ] {
        x.open(role, &[])?;
        x.leaf("PartyId", &[], id, "header")?;
        x.open("PartyName", &[])?;
        x.leaf("FullName", &[], name, "header")?;
        x.close("PartyName");
        x.close(role);
    }
    x.leaf(
        "MessageCreatedDateTime",
        &[],
        "2024-01-01T12:00:00Z",
        "header",
    )?;
    x.leaf("MessageControlType", &[], "TestMessage", "header")?;
    x.close("MessageHeader");
    Ok(())
}

#[cfg(test)]
mod order_tests {
    use super::*;

    #[test]
    fn natural_order() {
        let mut v = vec![
            "10.wav",
            "2.wav",
            "1.wav",
            "cd2/1.wav",
            "cd10/1.wav",
            "cd1/02.wav",
        ];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            v,
            [
                "1.wav",
                "2.wav",
                "10.wav",
                "cd1/02.wav",
                "cd2/1.wav",
                "cd10/1.wav"
            ]
        );
    }
}
