//! Files that are clearly not audio: named, never mistaken for broken
//! audio. A catalog folder holds cover art, liner notes and contracts
//! beside its audio; with `--all` they are walked too, and each is named
//! for what it is — an image with its pixel size ([`image`]), a PDF, an
//! archive, XML or plain text — rather than reported as an unreadable
//! audio file. A file whose name promises audio (`track.wav`) but holds
//! one of these is still an error: it is not the audio it claims to be.

pub mod image;

use crate::io::reader::Bytes;
use serde::{Deserialize, Serialize};

/// What a non-audio file is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NonAudio {
    /// `image` (artwork), `document` (PDF), `archive`, `text` (XML or
    /// plain text).
    pub kind: Kind,
    /// The format's name: `PNG`, `JPEG`, `GIF`, `WebP`, `BMP`, `TIFF`,
    /// `PDF`, `ZIP`, `XML`, `text` (one of [`FORMATS`]).
    pub format: &'static str,
    /// Image width in pixels, when the header gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Image height in pixels, when the header gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
}

/// Every name [`NonAudio::format`] takes.
pub const FORMATS: &[&str] = &[
    "PNG", "JPEG", "GIF", "WebP", "BMP", "TIFF", "PDF", "ZIP", "XML", "text",
];

/// A [`NonAudio`] as read back, its `format` any string.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Named {
    kind: Kind,
    format: String,
    width: Option<u32>,
    height: Option<u32>,
}

impl<'de> Deserialize<'de> for NonAudio {
    /// The `format` becomes its static name, one of [`FORMATS`]; any other
    /// name is refused (no record of this version carries it).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<NonAudio, D::Error> {
        let n = Named::deserialize(d)?;
        let format = FORMATS
            .iter()
            .copied()
            .find(|f| *f == n.format)
            .ok_or_else(|| {
                serde::de::Error::custom(format_args!("unknown non-audio format {:?}", n.format))
            })?;
        Ok(NonAudio {
            kind: n.kind,
            format,
            width: n.width,
            height: n.height,
        })
    }
}

/// The kinds of [`NonAudio`] file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A picture: cover art, booklet pages.
    Image,
    /// A PDF.
    Document,
    /// A ZIP archive (and the formats built on it).
    Archive,
    /// XML or plain text.
    Text,
}

impl NonAudio {
    /// `a PNG image (3000x3000)`, `a PDF document`, for messages.
    pub fn describe(&self) -> String {
        let size = match (self.width, self.height) {
            (Some(w), Some(h)) => format!(" ({w}x{h})"),
            _ => String::new(),
        };
        match self.kind {
            Kind::Image => format!("a {} image{size}", self.format),
            Kind::Document => format!("a {} document", self.format),
            Kind::Archive => format!("a {} archive", self.format),
            Kind::Text if self.format == "text" => "plain text".to_string(),
            Kind::Text => format!("{} text", self.format),
        }
    }
}

/// The non-audio format `bytes` holds, by its magic bytes, or `None`.
/// Only strong signatures are taken here; plain text is [`text`], tried
/// after every audio format.
pub fn detect(bytes: Bytes<'_>) -> Option<NonAudio> {
    let head = bytes.get_up_to(0, 16);
    let named = |kind, format| NonAudio {
        kind,
        format,
        width: None,
        height: None,
    };
    if let Some(img) = image::detect(bytes) {
        return Some(img);
    }
    if head.starts_with(b"%PDF-") {
        return Some(named(Kind::Document, "PDF"));
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Some(named(Kind::Archive, "ZIP"));
    }
    let unbom = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if unbom.starts_with(b"<?xml") {
        return Some(named(Kind::Text, "XML"));
    }
    None
}

/// Extensions of text files: a short file with one of these names is
/// taken as text; without, only 64 bytes or more of it are.
const TEXT_EXTENSIONS: &[&str] = &[
    "txt", "text", "md", "csv", "tsv", "xml", "json", "nfo", "log", "cue", "m3u", "m3u8", "pls",
    "lrc", "srt", "rtf", "html", "htm", "yaml", "yml", "toml",
];

/// Plain text: the first 4 KiB are UTF-8 (a character cut at the end
/// allowed) without NUL, almost all printable; at least 64 bytes of it
/// unless `ext` names a text file (five letters of garbage are not
/// clearly text).
pub fn text(bytes: Bytes<'_>, ext: Option<&str>) -> Option<NonAudio> {
    let buf = bytes.get_up_to(0, 4096);
    if buf.is_empty() || buf.contains(&0) {
        return None;
    }
    let named_text = ext.is_some_and(|e| TEXT_EXTENSIONS.iter().any(|t| t.eq_ignore_ascii_case(e)));
    if buf.len() < 64 && !named_text {
        return None;
    }
    let s = match std::str::from_utf8(buf) {
        Ok(s) => s,
        Err(e) if e.error_len().is_none() && buf.len() == 4096 => {
            std::str::from_utf8(&buf[..e.valid_up_to()]).ok()?
        }
        Err(_) => return None,
    };
    let total = s.chars().count();
    let odd = s
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    (total > 0 && odd * 100 <= total).then_some(NonAudio {
        kind: Kind::Text,
        format: "text",
        width: None,
        height: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(b: &[u8]) -> Option<NonAudio> {
        detect(Bytes::full(b)).or_else(|| text(Bytes::full(b), Some("txt")))
    }

    #[test]
    fn documents_archives_and_text_are_named() {
        assert_eq!(of(b"%PDF-1.7\n%\xe2\xe3").unwrap().format, "PDF");
        assert_eq!(of(b"PK\x03\x04\x14\x00").unwrap().kind, Kind::Archive);
        assert_eq!(
            of(b"\xEF\xBB\xBF<?xml version=\"1.0\"?>").unwrap().format,
            "XML"
        );
        let notes = of("Liner notes — Björk\r\n\tside A\n".as_bytes()).unwrap();
        assert_eq!((notes.kind, notes.format), (Kind::Text, "text"));
        assert_eq!(notes.describe(), "plain text");
        // Binary is not text.
        assert!(of(b"\x00\x01\x02\x03").is_none());
        assert!(of(b"abc\x1b\x1b\x1b\x01\x02").is_none());
        assert!(of(b"\xff\xfe\xfd").is_none());
        // Short text is text only when named so.
        assert!(text(Bytes::full(b"small"), Some("bit")).is_none());
        assert!(text(Bytes::full(b"small"), None).is_none());
        assert!(text(Bytes::full(&[b'a'; 64]), None).is_some());
    }
}
