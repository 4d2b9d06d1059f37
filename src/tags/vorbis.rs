//! Vorbis comments: the `KEY=value` tags of Ogg (Vorbis, Opus, Speex,
//! FLAC-in-Ogg) and of FLAC's `VORBIS_COMMENT` block.
//!
//! One parser serves every container that carries them. The layout is a
//! little-endian length-prefixed vendor string, a comment count, then that
//! many length-prefixed UTF-8 `KEY=value` entries. Lengths come from the
//! file, so each is checked against what the block still holds before it is
//! read; the count is only trusted as far as the block has room for entries.

use crate::io::reader::{Endian, Reader};
use crate::tags::Tags;

const LE: Endian = Endian::Little;

/// Read a Vorbis comment block from `r` (positioned at the vendor length,
/// after any codec-specific packet signature such as `\x03vorbis` or
/// `OpusTags`) into `tags`. Recognised keys go through
/// [`Tags::set_by_key`]; when one is, the source `Vorbis comment` is noted.
///
/// Returns `Err` with a sentence (to be prefixed by the caller with the
/// block's name) when a length runs past the end of the block; the entries
/// read before the fault are kept.
pub fn read_vorbis_comment(r: &mut Reader<'_>, tags: &mut Tags) -> Result<(), String> {
    let vendor = r.u32(LE).map_err(|_| {
        format!(
            "ends before its vendor string length ({} bytes)",
            r.remaining()
        )
    })?;
    if r.skip(u64::from(vendor)).is_err() {
        return Err(format!(
            "vendor string claims {vendor} bytes, {} remain",
            r.remaining()
        ));
    }
    let count = r
        .u32(LE)
        .map_err(|_| "ends before its comment count".to_string())?;
    let mut recognised = false;
    let mut result = Ok(());
    for i in 0..count {
        // Every entry needs at least its 4-byte length: a count the block has
        // no room for fails here, after at most `remaining / 4` entries.
        let Ok(len) = r.u32(LE) else {
            result = Err(format!("claims {count} comments, the block ends after {i}"));
            break;
        };
        let Ok(entry) = r.bytes(u64::from(len)) else {
            result = Err(format!(
                "comment {i} claims {len} bytes, {} remain",
                r.remaining()
            ));
            break;
        };
        let text = String::from_utf8_lossy(entry);
        if let Some((key, value)) = text.split_once('=')
            && tags.set_by_key(key, value)
        {
            recognised = true;
        }
    }
    if recognised {
        tags.add_source("Vorbis comment");
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(vendor: &str, entries: &[&str]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&(vendor.len() as u32).to_le_bytes());
        v.extend_from_slice(vendor.as_bytes());
        v.extend_from_slice(&(entries.len() as u32).to_le_bytes());
        for e in entries {
            v.extend_from_slice(&(e.len() as u32).to_le_bytes());
            v.extend_from_slice(e.as_bytes());
        }
        v
    }

    #[test]
    fn reads_entries() {
        let b = block(
            "Xiph.Org libVorbis I 20200704 (Reducing Environment)",
            &[
                "TITLE=Song",
                "artist=Someone",
                "ISRC=USRC17607839",
                "COMMENT=ignored",
                "no equals sign",
                "DATE=2024",
            ],
        );
        let mut t = Tags::default();
        read_vorbis_comment(&mut Reader::new(&b), &mut t).unwrap();
        assert_eq!(t.title.as_deref(), Some("Song"));
        assert_eq!(t.artist.as_deref(), Some("Someone"));
        assert_eq!(t.isrc.as_deref(), Some("USRC17607839"));
        assert_eq!(t.date.as_deref(), Some("2024"));
        assert_eq!(t.sources, vec!["Vorbis comment".to_string()]);
    }

    #[test]
    fn no_recognised_key_adds_no_source() {
        let b = block("v", &["COMMENT=x"]);
        let mut t = Tags::default();
        read_vorbis_comment(&mut Reader::new(&b), &mut t).unwrap();
        assert!(t.sources.is_empty() && t.is_empty());
    }

    #[test]
    fn hostile_lengths_are_errors() {
        // Vendor length past the end.
        let mut b = u32::MAX.to_le_bytes().to_vec();
        b.extend_from_slice(b"abc");
        let e = read_vorbis_comment(&mut Reader::new(&b), &mut Tags::default()).unwrap_err();
        assert!(e.contains("4294967295"), "{e}");
        // A huge count with nothing behind it.
        let mut b = block("v", &[]);
        let n = b.len();
        b[n - 4..].copy_from_slice(&u32::MAX.to_le_bytes());
        let e = read_vorbis_comment(&mut Reader::new(&b), &mut Tags::default()).unwrap_err();
        assert!(e.contains("ends after 0"), "{e}");
        // An entry length past the end keeps what came before.
        let mut b = block("v", &["TITLE=a", "ARTIST=b"]);
        let n = b.len();
        b[n - 12..n - 8].copy_from_slice(&1000u32.to_le_bytes());
        let mut t = Tags::default();
        let e = read_vorbis_comment(&mut Reader::new(&b), &mut t).unwrap_err();
        assert!(e.contains("comment 1 claims 1000"), "{e}");
        assert_eq!(t.title.as_deref(), Some("a"));
    }

    #[test]
    fn every_truncation_is_handled() {
        let b = block("vendor", &["TITLE=x", "ALBUM=y"]);
        for cut in 0..b.len() {
            let mut t = Tags::default();
            assert!(read_vorbis_comment(&mut Reader::new(&b[..cut]), &mut t).is_err());
        }
        assert!(read_vorbis_comment(&mut Reader::new(&b), &mut Tags::default()).is_ok());
    }
}
