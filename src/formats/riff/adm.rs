//! ADM (ITU-R BS.2076 Audio Definition Model) in WAVE files: the BS.2088
//! `chna` chunk (which track carries which ADM track UID, track format and
//! pack format) and the `axml` chunk (the ADM XML document). Dolby Atmos
//! master files (ADM BWF) carry both.
//!
//! Only a few cheap, well-defined figures are taken:
//!
//! - from `chna` (fixed 40-byte entries, read only as far as the chunk's
//!   bytes go): the tracks that carry an ADM track UID, and those of them
//!   whose pack format (`AP_yyyyxxxx`, `yyyy` the BS.2076 type label; the
//!   track format `AT_yyyyxxxx_zz` when the pack reference is blank) is
//!   `0001` DirectSpeakers, the bed channels;
//! - from `axml` (parsed with quick-xml, over the chunk's bytes only): the
//!   `audioObject` elements that refer to a pack format of type `0003`
//!   Objects, and whether the document holds an `audioFormatExtended`
//!   element (ADM content, not just other XML in an `axml` chunk).
//!
//! Nothing is allocated from a header value: the track set is a fixed
//! 65,536-bit set, entries are read one at a time.

use crate::io::reader::{Endian, Reader};
use quick_xml::events::Event;

/// The size of one `chna` entry (BS.2088: u16 trackIndex, 12-byte UID,
/// 14-byte track format reference, 11-byte pack format reference, 1 pad).
const ENTRY: u64 = 40;

/// The BS.2076 type label of DirectSpeakers (beds).
const TYPE_DIRECT_SPEAKERS: &[u8; 4] = b"0001";
/// The BS.2076 type label of Objects.
const TYPE_OBJECTS: &[u8; 4] = b"0003";

/// What a `chna` chunk holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chna {
    /// The numTracks field.
    pub declared_tracks: u16,
    /// The numUIDs field.
    pub declared_uids: u16,
    /// Entries read (numUIDs, or fewer when the chunk ends first).
    pub entries: u32,
    /// Distinct track indexes (1-based) among the entries with one.
    pub tracks: u32,
    /// Distinct tracks whose pack (or track) format is DirectSpeakers.
    pub bed_channels: u32,
    /// The highest track index named.
    pub max_track: u16,
    /// What is wrong with the chunk, one sentence each (`invalid_adm`).
    pub problems: Vec<String>,
}

/// Read a `chna` chunk body. `None` when it is too short for its two
/// counts.
pub fn read_chna(body: &mut Reader<'_>) -> Option<Chna> {
    let e = Endian::Little;
    let size = body.remaining();
    let mut c = Chna {
        declared_tracks: body.u16(e).ok()?,
        declared_uids: body.u16(e).ok()?,
        ..Chna::default()
    };
    let mut seen = vec![0u64; 1024];
    let mut bed = vec![0u64; 1024];
    let mark = |set: &mut [u64], i: u16| -> bool {
        let (w, b) = (usize::from(i) / 64, 1u64 << (i % 64));
        let new = set[w] & b == 0;
        set[w] |= b;
        new
    };
    for _ in 0..c.declared_uids {
        let Ok(entry) = body.bytes(ENTRY) else {
            c.problems.push(format!(
                "chna chunk declares {} track UIDs, its {size} bytes hold {}",
                c.declared_uids, c.entries
            ));
            break;
        };
        c.entries += 1;
        let index = u16::from_le_bytes([entry[0], entry[1]]);
        if index == 0 {
            // An unused (reserved) entry.
            continue;
        }
        c.max_track = c.max_track.max(index);
        if mark(&mut seen, index) {
            c.tracks += 1;
        }
        let (track_ref, pack_ref) = (&entry[14..28], &entry[28..39]);
        let kind = type_label(pack_ref, b"AP_").or_else(|| type_label(track_ref, b"AT_"));
        if kind == Some(TYPE_DIRECT_SPEAKERS) && mark(&mut bed, index) {
            c.bed_channels += 1;
        }
    }
    if c.problems.is_empty() && c.tracks != u32::from(c.declared_tracks) {
        c.problems.push(format!(
            "chna chunk declares {} tracks, its entries name {}",
            c.declared_tracks, c.tracks
        ));
    }
    Some(c)
}

/// The four hex digits of a BS.2076 type label after `prefix` in an ID
/// such as `AP_00010002` or `AT_00031001_01`.
fn type_label<'a>(id: &'a [u8], prefix: &[u8]) -> Option<&'a [u8; 4]> {
    let label = id.strip_prefix(prefix)?.first_chunk::<4>()?;
    label.iter().all(u8::is_ascii_hexdigit).then_some(label)
}

/// What an `axml` chunk holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Axml {
    /// The document has an `audioFormatExtended` element: ADM content.
    pub adm: bool,
    /// `audioObject` elements referring to an Objects pack format; `None`
    /// when the XML is not well-formed.
    pub objects: Option<u32>,
    /// Why the XML could not be read (`invalid_adm`).
    pub problem: Option<String>,
}

/// Read an `axml` chunk body (UTF-8 XML; trailing NUL padding, as some
/// writers leave, is ignored).
pub fn read_axml(body: &[u8]) -> Axml {
    let end = body.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    let mut reader = quick_xml::Reader::from_reader(&body[..end]);
    let mut out = Axml::default();
    let mut depth = 0u32;
    let mut objects = 0u32;
    // Inside an audioObject: its depth, and whether it refers to an
    // Objects pack; inside its audioPackFormatIDRef child.
    let mut object: Option<(u32, bool)> = None;
    let mut in_pack_ref = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                depth += 1;
                let name = e.local_name();
                match name.into_inner() {
                    "audioFormatExtended" => out.adm = true,
                    "audioObject" if object.is_none() => object = Some((depth, false)),
                    "audioPackFormatIDRef" if object.is_some() => in_pack_ref = true,
                    _ => {}
                }
            }
            Ok(Event::Empty(e)) => {
                if e.local_name().into_inner() == "audioFormatExtended" {
                    out.adm = true;
                }
            }
            Ok(Event::Text(t)) if in_pack_ref => {
                if type_label(t.into_inner().trim().as_bytes(), b"AP_") == Some(TYPE_OBJECTS)
                    && let Some((_, objs)) = object.as_mut()
                {
                    *objs = true;
                }
            }
            Ok(Event::End(_)) => {
                in_pack_ref = false;
                if let Some((d, objs)) = object
                    && d == depth
                {
                    objects += u32::from(objs);
                    object = None;
                }
                depth = depth.saturating_sub(1);
            }
            Ok(Event::Eof) => {
                if depth != 0 {
                    out.problem = Some(format!(
                        "axml chunk ends inside an element ({} bytes)",
                        body.len()
                    ));
                    return out;
                }
                break;
            }
            Ok(_) => {}
            Err(e) => {
                out.problem = Some(format!(
                    "axml chunk is not well-formed XML near byte {}: {e}",
                    reader.error_position()
                ));
                return out;
            }
        }
    }
    out.objects = Some(objects);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::reader::Bytes;

    fn entry(index: u16, uid: &str, track: &str, pack: &str) -> Vec<u8> {
        let mut v = index.to_le_bytes().to_vec();
        for (s, n) in [(uid, 12), (track, 14), (pack, 11)] {
            let mut b = s.as_bytes().to_vec();
            b.resize(n, 0);
            v.extend_from_slice(&b);
        }
        v.push(0);
        v
    }

    fn chna(tracks: u16, uids: u16, entries: &[Vec<u8>]) -> Chna {
        let mut v = tracks.to_le_bytes().to_vec();
        v.extend_from_slice(&uids.to_le_bytes());
        for e in entries {
            v.extend_from_slice(e);
        }
        read_chna(&mut Reader::over(Bytes::full(&v))).unwrap()
    }

    #[test]
    fn chna_counts_tracks_and_bed_channels() {
        let e = [
            entry(1, "ATU_00000001", "AT_00010001_01", "AP_00010002"),
            entry(2, "ATU_00000002", "AT_00010002_01", "AP_00010002"),
            entry(3, "ATU_00000003", "AT_00031001_01", "AP_00031001"),
            // Blank pack reference: the track format says Objects.
            entry(4, "ATU_00000004", "AT_00031002_01", ""),
            // Reserved entry.
            vec![0; 40],
        ];
        let c = chna(4, 5, &e);
        assert_eq!(
            (c.entries, c.tracks, c.bed_channels, c.max_track),
            (5, 4, 2, 4)
        );
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        // Fewer entries than numUIDs, and numTracks disagreeing.
        let c = chna(3, 3, &e[..2]);
        assert_eq!((c.entries, c.tracks, c.bed_channels), (2, 2, 2));
        assert_eq!(
            c.problems,
            ["chna chunk declares 3 track UIDs, its 84 bytes hold 2"]
        );
        let c = chna(5, 1, &e[..1]);
        assert_eq!(
            c.problems,
            ["chna chunk declares 5 tracks, its entries name 1"]
        );
        assert_eq!(read_chna(&mut Reader::new(&[1, 0, 1])), None);
        // u16::MAX entries declared, none present: no allocation, no panic.
        let c = chna(u16::MAX, u16::MAX, &[]);
        assert_eq!(c.entries, 0);
    }

    const XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ebuCoreMain xmlns="urn:ebu:metadata-schema:ebuCore_2016"><coreMetadata><format>
<adm:audioFormatExtended xmlns:adm="urn:x">
<adm:audioObject audioObjectID="AO_1001"><adm:audioPackFormatIDRef>AP_00010002</adm:audioPackFormatIDRef></adm:audioObject>
<adm:audioObject audioObjectID="AO_1002"><adm:audioPackFormatIDRef> AP_00031001 </adm:audioPackFormatIDRef></adm:audioObject>
<adm:audioObject audioObjectID="AO_1003"><adm:audioPackFormatIDRef>AP_00031002</adm:audioPackFormatIDRef><adm:audioPackFormatIDRef>AP_00031003</adm:audioPackFormatIDRef></adm:audioObject>
<adm:audioPackFormat audioPackFormatID="AP_00031001" typeLabel="0003"/>
</adm:audioFormatExtended></format></coreMetadata></ebuCoreMain>
"#;

    #[test]
    fn axml_counts_object_audio_objects() {
        let mut b = XML.as_bytes().to_vec();
        b.extend_from_slice(&[0, 0, 0]);
        let a = read_axml(&b);
        assert_eq!((a.adm, a.objects, a.problem), (true, Some(2), None));
        let a = read_axml(b"<BWFXML><PROJECT>x</PROJECT></BWFXML>");
        assert_eq!((a.adm, a.objects), (false, Some(0)));
        let a = read_axml(&XML.as_bytes()[..300]);
        assert!(a.problem.is_some() && a.objects.is_none());
        let a = read_axml(b"<a><b></a>");
        assert!(a.problem.is_some(), "{a:?}");
        for cut in 0..XML.len() {
            let _ = read_axml(&XML.as_bytes()[..cut]);
        }
    }
}
