//! ID3v2 (2.2, 2.3, 2.4) and ID3v1 tags, read for their descriptive fields.
//!
//! MP3 files carry their descriptive metadata in ID3 tags, and WAV/AIFF files
//! sometimes embed one in an `id3 ` chunk, so the reader lives here rather
//! than in the MPEG parser. Only the text frames that map onto [`Tags`]
//! are decoded; every other frame (pictures, lyrics...) is skipped by its
//! size without being read, so a tag with a large cover picture costs a few
//! frame headers. Sizes come from the file and are compared with what the
//! tag and the file hold; nothing is allocated from them beyond the bytes
//! that are really there (a whole-tag copy is only made to undo ID3v2.2/2.3
//! tag-level unsynchronisation).

use crate::io::reader::{Bytes, Endian, Reader};
use crate::tags::{Field, Tags};

/// How many bytes of a text frame are decoded (values are capped anyway).
const MAX_TEXT_BYTES: u64 = 8192;

/// The ID3v1 genre list (with the Winamp extensions), by number.
const GENRES: [&str; 192] = [
    "Blues",
    "Classic Rock",
    "Country",
    "Dance",
    "Disco",
    "Funk",
    "Grunge",
    "Hip-Hop",
    "Jazz",
    "Metal",
    "New Age",
    "Oldies",
    "Other",
    "Pop",
    "R&B",
    "Rap",
    "Reggae",
    "Rock",
    "Techno",
    "Industrial",
    "Alternative",
    "Ska",
    "Death Metal",
    "Pranks",
    "Soundtrack",
    "Euro-Techno",
    "Ambient",
    "Trip-Hop",
    "Vocal",
    "Jazz+Funk",
    "Fusion",
    "Trance",
    "Classical",
    "Instrumental",
    "Acid",
    "House",
    "Game",
    "Sound Clip",
    "Gospel",
    "Noise",
    "Alternative Rock",
    "Bass",
    "Soul",
    "Punk",
    "Space",
    "Meditative",
    "Instrumental Pop",
    "Instrumental Rock",
    "Ethnic",
    "Gothic",
    "Darkwave",
    "Techno-Industrial",
    "Electronic",
    "Pop-Folk",
    "Eurodance",
    "Dream",
    "Southern Rock",
    "Comedy",
    "Cult",
    "Gangsta",
    "Top 40",
    "Christian Rap",
    "Pop/Funk",
    "Jungle",
    "Native American",
    "Cabaret",
    "New Wave",
    "Psychedelic",
    "Rave",
    "Showtunes",
    "Trailer",
    "Lo-Fi",
    "Tribal",
    "Acid Punk",
    "Acid Jazz",
    "Polka",
    "Retro",
    "Musical",
    "Rock & Roll",
    "Hard Rock",
    "Folk",
    "Folk-Rock",
    "National Folk",
    "Swing",
    "Fast Fusion",
    "Bebop",
    "Latin",
    "Revival",
    "Celtic",
    "Bluegrass",
    "Avantgarde",
    "Gothic Rock",
    "Progressive Rock",
    "Psychedelic Rock",
    "Symphonic Rock",
    "Slow Rock",
    "Big Band",
    "Chorus",
    "Easy Listening",
    "Acoustic",
    "Humour",
    "Speech",
    "Chanson",
    "Opera",
    "Chamber Music",
    "Sonata",
    "Symphony",
    "Booty Bass",
    "Primus",
    "Porn Groove",
    "Satire",
    "Slow Jam",
    "Club",
    "Tango",
    "Samba",
    "Folklore",
    "Ballad",
    "Power Ballad",
    "Rhythmic Soul",
    "Freestyle",
    "Duet",
    "Punk Rock",
    "Drum Solo",
    "A Cappella",
    "Euro-House",
    "Dance Hall",
    "Goa",
    "Drum & Bass",
    "Club-House",
    "Hardcore",
    "Terror",
    "Indie",
    "BritPop",
    "Negerpunk",
    "Polsk Punk",
    "Beat",
    "Christian Gangsta Rap",
    "Heavy Metal",
    "Black Metal",
    "Crossover",
    "Contemporary Christian",
    "Christian Rock",
    "Merengue",
    "Salsa",
    "Thrash Metal",
    "Anime",
    "JPop",
    "Synthpop",
    "Abstract",
    "Art Rock",
    "Baroque",
    "Bhangra",
    "Big Beat",
    "Breakbeat",
    "Chillout",
    "Downtempo",
    "Dub",
    "EBM",
    "Eclectic",
    "Electro",
    "Electroclash",
    "Emo",
    "Experimental",
    "Garage",
    "Global",
    "IDM",
    "Illbient",
    "Industro-Goth",
    "Jam Band",
    "Krautrock",
    "Leftfield",
    "Lounge",
    "Math Rock",
    "New Romantic",
    "Nu-Breakz",
    "Post-Punk",
    "Post-Rock",
    "Psytrance",
    "Shoegaze",
    "Space Rock",
    "Trop Rock",
    "World Music",
    "Neoclassical",
    "Audiobook",
    "Audio Theatre",
    "Neue Deutsche Welle",
    "Podcast",
    "Indie Rock",
    "G-Funk",
    "Dubstep",
    "Garage Rock",
    "Psybient",
];

/// The genre name of an ID3v1 genre number.
pub fn genre_name(n: u8) -> Option<&'static str> {
    GENRES.get(usize::from(n)).copied()
}

/// Resolve ID3v2 genre text: `(17)`, `17`, `(17)Rock`, `(RX)`, `(CR)`.
pub fn resolve_genre(text: &str) -> String {
    let t = text.trim();
    if let Ok(n) = t.parse::<u8>()
        && let Some(g) = genre_name(n)
    {
        return g.to_string();
    }
    if let Some(rest) = t.strip_prefix('(')
        && let Some((code, after)) = rest.split_once(')')
    {
        let after = after.trim();
        if !after.is_empty() && !after.starts_with('(') {
            return after.to_string();
        }
        let named = match code {
            "RX" => Some("Remix"),
            "CR" => Some("Cover"),
            _ => code.parse::<u8>().ok().and_then(genre_name),
        };
        if let Some(g) = named {
            return g.to_string();
        }
    }
    t.to_string()
}

/// The length of the ID3v2 tag at `pos` (header, body and footer), if a
/// well-formed tag header is there.
pub fn tag_len(bytes: Bytes<'_>, pos: u64) -> Option<u64> {
    let h = bytes.get(pos, 10)?;
    if &h[..3] != b"ID3" || h[3] == 0xFF || h[4] == 0xFF {
        return None;
    }
    let size = synchsafe(&h[6..10])?;
    let footer = if h[5] & 0x10 != 0 { 10 } else { 0 };
    Some(10 + size + footer)
}

/// Where the ID3v2 tags at the start of a file end, past the zero padding
/// some taggers write after a tag (outside its declared size) when another
/// tag follows it; `None` when the file does not start with a tag. At most
/// eight tags are followed.
pub fn leading_end(bytes: Bytes<'_>) -> Option<u64> {
    let mut pos = 0u64;
    let mut tags = 0;
    while tags < 8 {
        if let Some(len) = tag_len(bytes, pos) {
            pos = pos.saturating_add(len);
            tags += 1;
            continue;
        }
        let zeros = zeros_at(bytes, pos, 64 << 10);
        if tags == 0 || zeros == 0 || tag_len(bytes, pos + zeros).is_none() {
            break;
        }
        pos += zeros;
    }
    (tags > 0).then_some(pos)
}

/// How many zero bytes start at `pos`, looking at most `limit` bytes.
pub fn zeros_at(bytes: Bytes<'_>, pos: u64, limit: u64) -> u64 {
    let buf = bytes.get_up_to(pos, limit);
    buf.iter().take_while(|&&b| b == 0).count() as u64
}

fn synchsafe(b: &[u8]) -> Option<u64> {
    if b.iter().any(|x| x & 0x80 != 0) {
        return None;
    }
    Some(b.iter().fold(0u64, |a, &x| (a << 7) | u64::from(x)))
}

/// Read the ID3v2 tag at `pos` into `tags` (first value of each field
/// wins) and return its length, footer included; `None` when no tag
/// header is there. A tag that runs past the end of the file is read as
/// far as it goes.
pub fn read_id3v2(bytes: Bytes<'_>, pos: u64, tags: &mut Tags) -> Option<u64> {
    let len = tag_len(bytes, pos)?;
    let h = bytes.get(pos, 10)?;
    let major = h[3];
    let flags = h[5];
    let size = len - 10 - if flags & 0x10 != 0 { 10 } else { 0 };
    if !(2..=4).contains(&major) {
        return Some(len);
    }
    let body_start = pos + 10;
    let avail = size.min(bytes.len().saturating_sub(body_start));
    let before = tags.clone();
    if flags & 0x80 != 0 && major < 4 {
        // Tag-level unsynchronisation (2.2/2.3): undo it over the bytes
        // really present, then parse the copy.
        let raw = bytes.get_up_to(body_start, avail);
        let body = resync(raw);
        parse_body(Bytes::full(&body), 0, body.len() as u64, major, flags, tags);
    } else {
        parse_body(bytes, body_start, body_start + avail, major, flags, tags);
    }
    if *tags != before {
        tags.add_source(&format!("ID3v2.{major}"));
    }
    Some(len)
}

/// Undo unsynchronisation: every `FF 00` becomes `FF`.
fn resync(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut prev_ff = false;
    for &b in raw {
        if prev_ff && b == 0 {
            prev_ff = false;
            continue;
        }
        out.push(b);
        prev_ff = b == 0xFF;
    }
    out
}

/// Walk the frames of a tag body `start..end` of `src`.
fn parse_body(src: Bytes<'_>, start: u64, end: u64, major: u8, flags: u8, tags: &mut Tags) {
    let mut r = Reader::at(src, start);
    let Ok(mut r) = r.sub(end.saturating_sub(start)) else {
        return;
    };
    // Extended header (2.3 and 2.4 only; the 2.2 flag meant compression).
    if flags & 0x40 != 0 {
        match major {
            3 => {
                let Ok(n) = r.u32(Endian::Big) else { return };
                if r.skip(u64::from(n)).is_err() {
                    return;
                }
            }
            4 => {
                let Ok(b) = r.array::<4>() else { return };
                let Some(n) = synchsafe(&b) else { return };
                if n < 4 || r.skip(n - 4).is_err() {
                    return;
                }
            }
            _ => return,
        }
    }
    let tag_unsync = flags & 0x80 != 0 && major == 4;
    let header_len: u64 = if major == 2 { 6 } else { 10 };
    // A tag with thousands of frames is hostile; stop at a sane number.
    for _ in 0..4096 {
        if r.remaining() < header_len {
            return;
        }
        let frame_pos = r.pos();
        let Ok(hdr) = r.bytes(header_len) else { return };
        let id_len = if major == 2 { 3 } else { 4 };
        let id = &hdr[..id_len];
        if !id
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            return; // padding or garbage
        }
        let size = match major {
            2 => u64::from(u32::from_be_bytes([0, hdr[3], hdr[4], hdr[5]])),
            3 => u64::from(u32::from_be_bytes([hdr[4], hdr[5], hdr[6], hdr[7]])),
            _ => frame_size_v24(src, frame_pos, &hdr[4..8], r.pos() + r.remaining()),
        };
        let fflags = if major == 2 { 0 } else { hdr[9] };
        let Ok(mut body) = r.sub(size) else {
            // The frame claims more than the tag holds: read what is there.
            let rest = r.remaining();
            let body = r.sub_up_to(rest);
            read_frame(id, body, major, fflags, tag_unsync, tags);
            return;
        };
        read_frame(id, body.sub_up_to(size), major, fflags, tag_unsync, tags);
    }
}

/// ID3v2.4 frame sizes are synchsafe, but some writers (old iTunes) wrote
/// plain integers: take the reading after which a frame header (or padding
/// or the end) follows.
fn frame_size_v24(src: Bytes<'_>, frame_pos: u64, b: &[u8], end: u64) -> u64 {
    let plain = u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    let Some(safe) = synchsafe(b) else {
        return plain;
    };
    if safe == plain {
        return safe;
    }
    let plausible = |size: u64| {
        let Some(next) = (frame_pos + 10).checked_add(size) else {
            return false;
        };
        if next >= end {
            return next == end;
        }
        match src.get(next, 4.min(end - next)) {
            Some(id) => {
                id.iter().all(|&c| c == 0)
                    || id
                        .iter()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            }
            None => false,
        }
    };
    if !plausible(safe) && plausible(plain) {
        plain
    } else {
        safe
    }
}

/// Decode one frame, if it is one of the fields the record keeps.
fn read_frame(
    id: &[u8],
    mut body: Reader<'_>,
    major: u8,
    flags: u8,
    tag_unsync: bool,
    tags: &mut Tags,
) {
    let field = match id {
        b"TSRC" | b"TRC" => Some(Field::Isrc),
        b"TIT2" | b"TT2" => Some(Field::Title),
        b"TPE1" | b"TP1" => Some(Field::Artist),
        b"TALB" | b"TAL" => Some(Field::Album),
        b"TDRC" | b"TYER" | b"TYE" | b"TDRL" => Some(Field::Date),
        b"TCON" | b"TCO" => Some(Field::Genre),
        b"TCOP" | b"TCR" => Some(Field::Copyright),
        b"TXXX" | b"TXX" => None,
        _ => return,
    };
    let mut unsync = tag_unsync;
    match major {
        3 => {
            // Compressed or encrypted frames are not read.
            if flags & 0xC0 != 0 {
                return;
            }
            if flags & 0x20 != 0 && body.skip(1).is_err() {
                return;
            }
        }
        4 => {
            if flags & 0x0C != 0 {
                return;
            }
            if flags & 0x40 != 0 && body.skip(1).is_err() {
                return;
            }
            if flags & 0x01 != 0 && body.skip(4).is_err() {
                return;
            }
            unsync |= flags & 0x02 != 0;
        }
        _ => {}
    }
    let raw = body.bytes_up_to(MAX_TEXT_BYTES);
    let owned;
    let data: &[u8] = if unsync {
        owned = resync(raw);
        &owned
    } else {
        raw
    };
    let Some((&enc, text)) = data.split_first() else {
        return;
    };
    let values = decode_values(enc, text);
    match field {
        Some(Field::Genre) => {
            let genres: Vec<String> = values
                .iter()
                .filter(|v| !v.trim().is_empty())
                .map(|v| resolve_genre(v))
                .collect();
            tags.set(Field::Genre, &genres.join("; "));
        }
        Some(f) => {
            let joined: Vec<&str> = values
                .iter()
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .collect();
            tags.set(f, &joined.join("; "));
        }
        None => {
            // TXXX: description, then value(s).
            let mut it = values.iter();
            let (Some(desc), Some(value)) = (it.next(), it.next()) else {
                return;
            };
            let key = desc.trim().to_ascii_uppercase();
            if matches!(key.as_str(), "ISRC" | "ITUNESADVISORY" | "EXPLICIT") {
                tags.set_by_key(&key, value);
            }
        }
    }
}

/// Decode NUL-separated strings in an ID3v2 text encoding: 0 ISO-8859-1,
/// 1 UTF-16 with BOM, 2 UTF-16BE, 3 UTF-8.
fn decode_values(enc: u8, text: &[u8]) -> Vec<String> {
    match enc {
        1 | 2 => {
            let mut out = Vec::new();
            let mut units: Vec<u16> = Vec::new();
            let mut big = enc == 2;
            let mut at_start = true;
            for pair in text.chunks_exact(2) {
                let be = u16::from_be_bytes([pair[0], pair[1]]);
                if at_start && enc == 1 {
                    at_start = false;
                    match be {
                        0xFEFF => {
                            big = true;
                            continue;
                        }
                        0xFFFE => {
                            big = false;
                            continue;
                        }
                        _ => {} // no BOM: keep the previous order
                    }
                }
                let u = if big {
                    be
                } else {
                    u16::from_le_bytes([pair[0], pair[1]])
                };
                if u == 0 {
                    out.push(String::from_utf16_lossy(&units));
                    units.clear();
                    at_start = true;
                } else {
                    units.push(u);
                }
            }
            if !units.is_empty() {
                out.push(String::from_utf16_lossy(&units));
            }
            out
        }
        3 => text
            .split(|&b| b == 0)
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .collect(),
        _ => text.split(|&b| b == 0).map(latin1).collect(),
    }
}

fn latin1(b: &[u8]) -> String {
    b.iter().map(|&c| char::from(c)).collect()
}

/// Read the 128-byte ID3v1/v1.1 tag at `pos` as a fallback (fields already
/// set are kept). Returns whether a tag was there.
pub fn read_id3v1(bytes: Bytes<'_>, pos: u64, tags: &mut Tags) -> bool {
    let Some(t) = bytes.get(pos, 128) else {
        return false;
    };
    if &t[..3] != b"TAG" {
        return false;
    }
    let text = |from: usize, n: usize| {
        let s = &t[from..from + n];
        let s = s.split(|&b| b == 0).next().unwrap_or_default();
        latin1(s)
    };
    let before = tags.clone();
    tags.set(Field::Title, &text(3, 30));
    tags.set(Field::Artist, &text(33, 30));
    tags.set(Field::Album, &text(63, 30));
    tags.set(Field::Date, &text(93, 4));
    if let Some(g) = genre_name(t[127]) {
        tags.set(Field::Genre, g);
    }
    if *tags != before {
        tags.add_source("ID3v1");
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame23(id: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut f = id.to_vec();
        f.extend_from_slice(&(body.len() as u32).to_be_bytes());
        f.extend_from_slice(&[0, 0]);
        f.extend_from_slice(body);
        f
    }

    fn tag(major: u8, flags: u8, frames: &[u8], padding: usize) -> Vec<u8> {
        let size = frames.len() + padding;
        let mut t = vec![b'I', b'D', b'3', major, 0, flags];
        t.extend_from_slice(&[
            (size >> 21) as u8 & 0x7F,
            (size >> 14) as u8 & 0x7F,
            (size >> 7) as u8 & 0x7F,
            size as u8 & 0x7F,
        ]);
        t.extend_from_slice(frames);
        t.extend(std::iter::repeat_n(0u8, padding));
        t
    }

    #[test]
    fn reads_v23_text_frames_in_all_encodings() {
        let mut frames = frame23(b"TIT2", b"\0Caf\xe9");
        frames.extend(frame23(b"TPE1", b"\x01\xff\xfeA\0r\0t\0\0\0B\0"));
        frames.extend(frame23(b"TALB", b"\x02\0A\0l"));
        frames.extend(frame23(b"TSRC", b"\x03USRC17607839"));
        frames.extend(frame23(b"TCON", b"\0(17)"));
        frames.extend(frame23(b"TYER", b"\x001999"));
        frames.extend(frame23(b"TXXX", b"\0ITUNESADVISORY\x001"));
        frames.extend(frame23(b"APIC", &[0u8; 300]));
        frames.extend(frame23(b"TCOP", b"\0(C) Label"));
        let t = tag(3, 0, &frames, 20);
        let mut tags = Tags::default();
        assert_eq!(
            read_id3v2(Bytes::full(&t), 0, &mut tags),
            Some(t.len() as u64)
        );
        assert_eq!(tags.title.as_deref(), Some("Café"));
        assert_eq!(tags.artist.as_deref(), Some("Art; B"));
        assert_eq!(tags.album.as_deref(), Some("Al"));
        assert_eq!(tags.isrc.as_deref(), Some("USRC17607839"));
        assert_eq!(tags.genre.as_deref(), Some("Rock"));
        assert_eq!(tags.date.as_deref(), Some("1999"));
        assert_eq!(tags.explicit, Some(true));
        assert_eq!(tags.copyright.as_deref(), Some("(C) Label"));
        assert_eq!(tags.sources, vec!["ID3v2.3".to_string()]);
    }

    #[test]
    fn reads_v22_and_v24() {
        let mut f = b"TT2".to_vec();
        f.extend_from_slice(&[0, 0, 4, 0, b'S', b'o', b'n']);
        let t = tag(2, 0, &f, 0);
        let mut tags = Tags::default();
        read_id3v2(Bytes::full(&t), 0, &mut tags).unwrap();
        assert_eq!(tags.title.as_deref(), Some("Son"));
        assert_eq!(tags.sources, vec!["ID3v2.2".to_string()]);

        // 2.4, synchsafe frame size 200 (0x01 0x48), per-frame unsync.
        let mut body = vec![3u8];
        body.extend(std::iter::repeat_n(b'x', 199));
        let mut f = b"TIT2".to_vec();
        f.extend_from_slice(&[0, 0, 1, 0x48, 0, 0]);
        f.extend_from_slice(&body);
        f.extend(b"TCON\0\0\0\x03\0\0\x0017".iter());
        let t = tag(4, 0, &f, 0);
        let mut tags = Tags::default();
        read_id3v2(Bytes::full(&t), 0, &mut tags).unwrap();
        assert_eq!(tags.title.as_deref().map(str::len), Some(199));
        assert_eq!(tags.genre.as_deref(), Some("Rock"));
    }

    #[test]
    fn v24_plain_sizes_from_itunes_are_accepted() {
        // Size 0x80 written plain (not synchsafe: has the high bit).
        let mut f = b"TIT2".to_vec();
        f.extend_from_slice(&[0, 0, 0, 0x80, 0, 0]);
        f.push(0);
        f.extend(std::iter::repeat_n(b'a', 127));
        f.extend(frame23(b"TPE1", b"\0Me"));
        let t = tag(4, 0, &f, 0);
        let mut tags = Tags::default();
        read_id3v2(Bytes::full(&t), 0, &mut tags).unwrap();
        assert_eq!(tags.artist.as_deref(), Some("Me"));
    }

    #[test]
    fn tag_level_unsync_and_extended_header() {
        // 2.3 with an extended header (size 6) and unsynchronisation.
        let mut frames = vec![0, 0, 0, 6, 0, 0, 0, 0, 0, 0];
        // The frame size counts the bytes after resynchronisation (4).
        frames.extend(b"TIT2\0\0\0\x04\0\0\0\xff\0\xe0x".iter());
        let t = tag(3, 0xC0, &frames, 0);
        let mut tags = Tags::default();
        read_id3v2(Bytes::full(&t), 0, &mut tags).unwrap();
        assert_eq!(tags.title.as_deref(), Some("ÿàx"));
    }

    #[test]
    fn hostile_tags_do_not_panic() {
        let mut frames = frame23(b"TIT2", b"\x01\xff");
        frames.extend(b"TPE1\xff\xff\xff\xff\0\0\x01".iter());
        let t = tag(3, 0, &frames, 0);
        for cut in 0..t.len() {
            let mut tags = Tags::default();
            let _ = read_id3v2(Bytes::full(&t[..cut]), 0, &mut tags);
        }
        let t4 = tag(4, 0x40, &[0x7F, 0x7F, 0x7F, 0x7F, 1], 0);
        let mut tags = Tags::default();
        assert!(read_id3v2(Bytes::full(&t4), 0, &mut tags).is_some());
        assert!(tags.is_empty());
        assert_eq!(tag_len(Bytes::full(b"ID3\x03\0\0\x80\0\0\0"), 0), None);
    }

    #[test]
    fn id3v1_fallback() {
        let mut t = vec![0u8; 128];
        t[..3].copy_from_slice(b"TAG");
        t[3..8].copy_from_slice(b"Title");
        t[33..35].copy_from_slice(b"Me");
        t[93..97].copy_from_slice(b"2001");
        t[127] = 8;
        let mut tags = Tags::default();
        tags.set(Field::Title, "Kept");
        assert!(read_id3v1(Bytes::full(&t), 0, &mut tags));
        assert_eq!(tags.title.as_deref(), Some("Kept"));
        assert_eq!(tags.artist.as_deref(), Some("Me"));
        assert_eq!(tags.date.as_deref(), Some("2001"));
        assert_eq!(tags.genre.as_deref(), Some("Jazz"));
        assert!(!read_id3v1(Bytes::full(&t[1..]), 0, &mut tags));
    }

    #[test]
    fn genres_resolve() {
        assert_eq!(resolve_genre("(17)"), "Rock");
        assert_eq!(resolve_genre("17"), "Rock");
        assert_eq!(resolve_genre("(4)Eurodisco"), "Eurodisco");
        assert_eq!(resolve_genre("(RX)"), "Remix");
        assert_eq!(resolve_genre("Indie"), "Indie");
        assert_eq!(resolve_genre("(255)"), "(255)");
    }
}
