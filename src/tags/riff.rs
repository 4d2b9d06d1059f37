//! Descriptive text in RIFF and AIFF files: `LIST`/`INFO`, `bext`, and the
//! AIFF `NAME`, `AUTH` and `(c) ` chunks.
//!
//! These carry a title, artist, album, date, genre and copyright in plain
//! strings. Two traps are handled here: RIFF INFO's `ISRC` key means
//! "source" (who supplied the material), not the recording code, so it is
//! taken as an ISRC only when it has the ISRC's shape; and the strings have
//! no declared encoding, so UTF-8 is tried first and Latin-1 otherwise.

use crate::io::reader::{Endian, Reader};
use crate::tags::{Field, Tags};

/// Largest single string read from these chunks.
const MAX_TEXT: u64 = 16 * 1024;

/// Decode a NUL-padded string: UTF-8 when valid, else Latin-1.
pub fn text(raw: &[u8]) -> String {
    let raw = raw.split(|&b| b == 0).next().unwrap_or_default();
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => raw.iter().map(|&b| char::from(b)).collect(),
    }
}

/// Whether `s`, without hyphens or spaces, has the shape of an ISRC
/// (`CCXXXYYNNNNN`: two letters, three alphanumerics, seven digits).
pub fn looks_like_isrc(s: &str) -> bool {
    let c: Vec<char> = s
        .chars()
        .filter(|c| *c != '-' && *c != ' ')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    c.len() == 12
        && c[..2].iter().all(char::is_ascii_uppercase)
        && c[2..5].iter().all(char::is_ascii_alphanumeric)
        && c[5..].iter().all(char::is_ascii_digit)
}

/// Read the sub-chunks of a `LIST`/`INFO` chunk (after its `INFO` id).
pub fn read_info(r: &mut Reader<'_>, tags: &mut Tags) {
    let mut found = false;
    while r.remaining() >= 8 {
        let Ok(id) = r.fourcc() else { break };
        let Ok(size) = r.u32(Endian::Little) else {
            break;
        };
        let size = u64::from(size);
        let mut body = r.sub_up_to(size);
        if size % 2 == 1 {
            let _ = r.skip(1);
        }
        let value = text(body.bytes_up_to(MAX_TEXT));
        let key = String::from_utf8_lossy(&id).into_owned();
        let recognised = match &id {
            // INFO's ISRC is "source"; only an ISRC-shaped value is one.
            b"ISRC" => {
                if looks_like_isrc(&value) {
                    tags.set(Field::Isrc, &value);
                }
                true
            }
            _ => tags.set_by_key(&key, &value),
        };
        found |= recognised;
    }
    if found {
        tags.add_source("RIFF INFO");
    }
}

/// Read the Broadcast Wave `bext` chunk: the origination date, and an ISRC
/// written into the description (as some DAWs do: `ISRC: CC-XXX-YY-NNNNN`).
pub fn read_bext(r: &mut Reader<'_>, tags: &mut Tags) {
    let Ok(description) = r.bytes(256) else {
        return;
    };
    let description = text(description);
    let (Ok(_originator), Ok(_reference), Ok(date)) = (r.bytes(32), r.bytes(32), r.bytes(10))
    else {
        return;
    };
    let mut found = false;
    if let Some(isrc) = isrc_in(&description) {
        tags.set(Field::Isrc, &isrc);
        found = true;
    }
    let date = text(date);
    if date.len() == 10 && date.chars().take(4).all(|c| c.is_ascii_digit()) {
        tags.set(Field::Date, &date);
        found = true;
    }
    if found {
        tags.add_source("bext");
    }
}

/// An ISRC following the word "ISRC" in free text.
fn isrc_in(text: &str) -> Option<String> {
    let at = text.to_ascii_uppercase().find("ISRC")?;
    let rest = text.get(at + 4..)?;
    let candidate: String = rest
        .trim_start_matches([':', '=', ' ', '\t'])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    looks_like_isrc(&candidate).then(|| candidate.replace('-', "").to_ascii_uppercase())
}

/// Read an AIFF text chunk (`NAME`, `AUTH`, `(c) `); other ids are ignored.
pub fn read_aiff_text(id: &[u8; 4], r: &mut Reader<'_>, tags: &mut Tags) {
    let field = match id {
        b"NAME" => Field::Title,
        b"AUTH" => Field::Artist,
        b"(c) " => Field::Copyright,
        _ => return,
    };
    let value = text(r.bytes_up_to(MAX_TEXT));
    tags.set(field, &value);
    tags.add_source("AIFF");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(entries: &[(&[u8; 4], &str)]) -> Vec<u8> {
        let mut v = Vec::new();
        for (id, value) in entries {
            let mut b = value.as_bytes().to_vec();
            b.push(0);
            v.extend_from_slice(*id);
            v.extend_from_slice(&(b.len() as u32).to_le_bytes());
            v.extend_from_slice(&b);
            if b.len() % 2 == 1 {
                v.push(0);
            }
        }
        v
    }

    #[test]
    fn info_fields_and_the_isrc_trap() {
        let v = info(&[
            (b"INAM", "Title"),
            (b"IART", "Björk"),
            (b"ISRC", "Studio tape"),
            (b"ICOP", "(P) 2021 Label"),
        ]);
        let mut tags = Tags::default();
        read_info(&mut Reader::new(&v), &mut tags);
        assert_eq!(tags.title.as_deref(), Some("Title"));
        assert_eq!(tags.artist.as_deref(), Some("Björk"));
        assert_eq!(tags.isrc, None, "INFO ISRC is the source, not a code");
        assert_eq!(tags.copyright.as_deref(), Some("(P) 2021 Label"));
        assert_eq!(tags.sources, vec!["RIFF INFO"]);

        let v = info(&[(b"ISRC", "GB-AYE-07-00123")]);
        let mut tags = Tags::default();
        read_info(&mut Reader::new(&v), &mut tags);
        assert_eq!(tags.isrc.as_deref(), Some("GB-AYE-07-00123"));
    }

    #[test]
    fn latin1_fallback_and_truncated_entries() {
        assert_eq!(text(b"Caf\xe9\0\0"), "Café");
        let mut v = info(&[(b"INAM", "A song")]);
        v.truncate(v.len() - 3);
        let mut tags = Tags::default();
        read_info(&mut Reader::new(&v), &mut tags);
        assert_eq!(tags.title.as_deref(), Some("A son"));
    }

    #[test]
    fn bext_date_and_isrc_in_description() {
        let mut v = vec![0u8; 256 + 32 + 32 + 10 + 8];
        let d = b"Master. ISRC: US-RC1-76-07839";
        v[..d.len()].copy_from_slice(d);
        v[320..330].copy_from_slice(b"2019-05-01");
        let mut tags = Tags::default();
        read_bext(&mut Reader::new(&v), &mut tags);
        assert_eq!(tags.isrc.as_deref(), Some("USRC17607839"));
        assert_eq!(tags.date.as_deref(), Some("2019-05-01"));
        assert!(looks_like_isrc("USRC17607839"));
        assert!(!looks_like_isrc("USRC1760783"));
    }
}
