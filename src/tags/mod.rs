//! Descriptive tags embedded in audio files, as fallback metadata.
//!
//! Delivery metadata normally comes from sidecars; when a field is missing
//! there, what the file itself carries (ISRC, title, artist, album, date,
//! genre, copyright/P-line, explicit flag) is the next best source. Each
//! container's own tag format is read by its parser through the helpers
//! here: [`Tags::set_by_key`] maps the common key names (Vorbis comments,
//! APE, RIFF INFO, MP4 freeform atoms) onto the record's fields. The first
//! value found for a field is kept; values are trimmed, stripped of NULs and
//! capped in length so a hostile tag cannot bloat a record.

pub mod riff;
pub mod vorbis;

use serde::{Deserialize, Serialize};

pub mod id3v2;

/// Longest value kept, in characters.
pub const MAX_VALUE_CHARS: usize = 1024;

/// Descriptive tags of one file (camelCase in JSON; absent fields omitted).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Tags {
    /// International Standard Recording Code, as written in the tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub isrc: Option<String>,
    /// Track title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Track artist.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artist: Option<String>,
    /// Album or release title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub album: Option<String>,
    /// Recording or release date / year, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Genre, as written (ID3v1 genre numbers resolved).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub genre: Option<String>,
    /// Copyright or phonographic (P-line) notice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copyright: Option<String>,
    /// Explicit-content flag (iTunes advisory, `EXPLICIT`...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explicit: Option<bool>,
    /// Where the values came from (`ID3v2.4`, `Vorbis comment`, `MP4 ilst`,
    /// `RIFF INFO`, `bext`, `AIFF`...), in the order read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

/// A tag field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// ISRC.
    Isrc,
    /// Title.
    Title,
    /// Artist.
    Artist,
    /// Album.
    Album,
    /// Date or year.
    Date,
    /// Genre.
    Genre,
    /// Copyright / P-line.
    Copyright,
}

impl Tags {
    /// Whether no field is set.
    pub fn is_empty(&self) -> bool {
        self.isrc.is_none()
            && self.title.is_none()
            && self.artist.is_none()
            && self.album.is_none()
            && self.date.is_none()
            && self.genre.is_none()
            && self.copyright.is_none()
            && self.explicit.is_none()
    }

    /// Set `field` to `value` unless it already has one. Empty values are
    /// ignored.
    pub fn set(&mut self, field: Field, value: &str) {
        let Some(value) = clean(value) else { return };
        let slot = match field {
            Field::Isrc => &mut self.isrc,
            Field::Title => &mut self.title,
            Field::Artist => &mut self.artist,
            Field::Album => &mut self.album,
            Field::Date => &mut self.date,
            Field::Genre => &mut self.genre,
            Field::Copyright => &mut self.copyright,
        };
        if slot.is_none() {
            *slot = Some(value);
        }
    }

    /// Set the explicit flag unless it is already set.
    pub fn set_explicit(&mut self, explicit: bool) {
        self.explicit.get_or_insert(explicit);
    }

    /// Set a field from a common key name (case-insensitive): Vorbis
    /// comment, APE, RIFF INFO and MP4 freeform names. Unknown keys are
    /// ignored. Returns whether the key was recognised.
    pub fn set_by_key(&mut self, key: &str, value: &str) -> bool {
        let field = match key.trim().to_ascii_uppercase().as_str() {
            "ISRC" | "TSRC" => Field::Isrc,
            "TITLE" | "INAM" => Field::Title,
            "ARTIST" | "IART" | "PERFORMER" => Field::Artist,
            "ALBUM" | "IPRD" => Field::Album,
            "DATE" | "YEAR" | "ICRD" | "ORIGINALDATE" => Field::Date,
            "GENRE" | "IGNR" => Field::Genre,
            "COPYRIGHT" | "ICOP" | "PRODUCEDNOTICE" => Field::Copyright,
            "EXPLICIT" | "ITUNESADVISORY" | "RATING" => {
                match parse_explicit(value) {
                    Some(e) => self.set_explicit(e),
                    None => return false,
                }
                return true;
            }
            _ => return false,
        };
        self.set(field, value);
        true
    }

    /// Note where tags were read from (once per source).
    pub fn add_source(&mut self, source: &str) {
        if !self.sources.iter().any(|s| s == source) {
            self.sources.push(source.to_string());
        }
    }
}

/// Interpret an explicit/advisory value: `1`/`4`/`true`/`explicit` is
/// explicit, `0`/`2`/`false`/`clean` is not (iTunes `rtng`: 1 or 4
/// explicit, 2 clean, 0 none).
pub fn parse_explicit(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "4" | "true" | "yes" | "explicit" | "e" => Some(true),
        "0" | "2" | "false" | "no" | "clean" | "notexplicit" | "c" => Some(false),
        _ => None,
    }
}

/// Trim, drop NULs and control characters other than tab/newline, cap the
/// length; `None` when nothing is left.
pub fn clean(value: &str) -> Option<String> {
    let v: String = value
        .chars()
        .filter(|c| !c.is_control() || *c == '\t' || *c == '\n')
        .take(MAX_VALUE_CHARS)
        .collect();
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_value_wins_and_keys_map() {
        let mut t = Tags::default();
        assert!(t.set_by_key("title", " Song\0 "));
        assert!(t.set_by_key("TITLE", "Other"));
        assert!(t.set_by_key("isrc", "USRC17607839"));
        assert!(!t.set_by_key("COMMENT", "x"));
        assert!(t.set_by_key("ITUNESADVISORY", "1"));
        assert_eq!(t.title.as_deref(), Some("Song"));
        assert_eq!(t.isrc.as_deref(), Some("USRC17607839"));
        assert_eq!(t.explicit, Some(true));
        assert!(!t.is_empty());
        let json = serde_json::to_value(&t).unwrap();
        assert!(json.get("album").is_none());
    }

    #[test]
    fn values_are_bounded() {
        let long = "x".repeat(10_000);
        assert_eq!(clean(&long).unwrap().len(), MAX_VALUE_CHARS);
        assert_eq!(clean("\0\0  "), None);
    }
}
