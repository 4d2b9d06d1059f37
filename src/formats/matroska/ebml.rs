//! EBML, the binary container grammar under Matroska and WebM: element IDs
//! and sizes as variable-length integers, read through [`Bytes`] with every
//! size checked against what the file and the parent element hold.

use crate::io::reader::Bytes;

/// Element IDs (with their length marker bits, as written).
pub(crate) mod id {
    pub const EBML: u32 = 0x1A45_DFA3;
    pub const DOC_TYPE: u32 = 0x4282;
    pub const SEGMENT: u32 = 0x1853_8067;
    pub const SEEK_HEAD: u32 = 0x114D_9B74;
    pub const SEEK: u32 = 0x4DBB;
    pub const SEEK_ID: u32 = 0x53AB;
    pub const SEEK_POSITION: u32 = 0x53AC;
    pub const INFO: u32 = 0x1549_A966;
    pub const TIMESTAMP_SCALE: u32 = 0x2A_D7B1;
    pub const DURATION: u32 = 0x4489;
    pub const TRACKS: u32 = 0x1654_AE6B;
    pub const TRACK_ENTRY: u32 = 0xAE;
    pub const TRACK_NUMBER: u32 = 0xD7;
    pub const TRACK_TYPE: u32 = 0x83;
    pub const FLAG_DEFAULT: u32 = 0x88;
    pub const CODEC_ID: u32 = 0x86;
    pub const CODEC_PRIVATE: u32 = 0x63A2;
    pub const CODEC_DELAY: u32 = 0x56AA;
    pub const DEFAULT_DURATION: u32 = 0x23_E383;
    pub const CONTENT_ENCODINGS: u32 = 0x6D80;
    pub const AUDIO: u32 = 0xE1;
    pub const SAMPLING_FREQUENCY: u32 = 0xB5;
    pub const OUTPUT_SAMPLING_FREQUENCY: u32 = 0x78B5;
    pub const CHANNELS: u32 = 0x9F;
    pub const BIT_DEPTH: u32 = 0x6264;
    pub const CLUSTER: u32 = 0x1F43_B675;
    pub const TIMESTAMP: u32 = 0xE7;
    pub const SIMPLE_BLOCK: u32 = 0xA3;
    pub const BLOCK_GROUP: u32 = 0xA0;
    pub const BLOCK: u32 = 0xA1;
    pub const BLOCK_DURATION: u32 = 0x9B;
    pub const DISCARD_PADDING: u32 = 0x75A2;
    pub const CUES: u32 = 0x1C53_BB6B;
    pub const CHAPTERS: u32 = 0x1043_A770;
    pub const TAGS: u32 = 0x1254_C367;
    pub const ATTACHMENTS: u32 = 0x1941_A469;
    pub const CRC32: u32 = 0xBF;
    pub const VOID: u32 = 0xEC;
}

/// Whether `id` is a child of the Segment (or the EBML header): what ends
/// a Cluster of unknown size.
pub(crate) fn is_top_level(i: u32) -> bool {
    matches!(
        i,
        id::EBML
            | id::SEGMENT
            | id::SEEK_HEAD
            | id::INFO
            | id::TRACKS
            | id::CLUSTER
            | id::CUES
            | id::CHAPTERS
            | id::TAGS
            | id::ATTACHMENTS
    )
}

/// An element header: where its data starts and how long it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    /// The element ID, marker bits included.
    pub id: u32,
    /// Offset of the ID.
    pub start: u64,
    /// Offset of the data.
    pub data: u64,
    /// Data size; `None`: unknown (all value bits set), allowed for the
    /// Segment and Clusters of live streams.
    pub size: Option<u64>,
}

impl Header {
    /// The end of the data, when the size is known.
    pub fn end(&self) -> Option<u64> {
        self.size.and_then(|s| self.data.checked_add(s))
    }
}

/// Why an element header could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bad {
    /// The file (or the readable window) ends inside the header.
    End,
    /// Not a valid variable-length integer.
    Invalid,
}

/// Read the element header at `pos`, within `limit` (the parent's end).
pub(crate) fn header(bytes: Bytes<'_>, pos: u64, limit: u64) -> Result<Header, Bad> {
    let avail = limit.min(bytes.len()).saturating_sub(pos);
    let b = bytes.get_up_to(pos, avail.min(12));
    let first = *b.first().ok_or(Bad::End)?;
    let id_len = first.leading_zeros() as usize + 1;
    if id_len > 4 {
        return Err(Bad::Invalid);
    }
    let idb = b.get(..id_len).ok_or(Bad::End)?;
    let id = idb.iter().fold(0u32, |a, &x| (a << 8) | u32::from(x));
    let rest = &b[id_len..];
    let (size, size_len) = vint(rest)?;
    let data = pos + (id_len + size_len) as u64;
    Ok(Header {
        id,
        start: pos,
        data,
        size,
    })
}

/// A size: `(value, length)`; `None` value for the reserved all-ones
/// (unknown) size.
pub(crate) fn vint(b: &[u8]) -> Result<(Option<u64>, usize), Bad> {
    let first = *b.first().ok_or(Bad::End)?;
    if first == 0 {
        return Err(Bad::Invalid);
    }
    let len = first.leading_zeros() as usize + 1;
    let raw = b.get(..len).ok_or(Bad::End)?;
    let mut v = u64::from(first) & (0xFF >> len);
    for &x in &raw[1..] {
        v = (v << 8) | u64::from(x);
    }
    let all = if len == 8 {
        (1u64 << 56) - 1
    } else {
        (1u64 << (7 * len)) - 1
    };
    Ok(((v != all).then_some(v), len))
}

/// An unsigned integer element's value (at most 8 bytes; empty is 0).
pub(crate) fn uint(data: &[u8]) -> Option<u64> {
    if data.len() > 8 {
        return None;
    }
    Some(data.iter().fold(0u64, |a, &x| (a << 8) | u64::from(x)))
}

/// A signed integer element's value.
pub(crate) fn int(data: &[u8]) -> Option<i64> {
    let u = uint(data)?;
    if data.is_empty() {
        return Some(0);
    }
    let shift = 64 - 8 * data.len() as u32;
    Some(((u << shift) as i64) >> shift)
}

/// A float element's value (4 or 8 bytes; empty is 0).
pub(crate) fn float(data: &[u8]) -> Option<f64> {
    match data.len() {
        0 => Some(0.0),
        4 => Some(f64::from(f32::from_be_bytes(data.try_into().ok()?))),
        8 => Some(f64::from_be_bytes(data.try_into().ok()?)),
        _ => None,
    }
}

/// The children of a master element whose data lies in `data` (a slice
/// the caller read whole): `(id, payload)` pairs, ending at the first that
/// does not fit (its size beyond the parent), which sets `overflow`.
pub(crate) struct Children<'a> {
    data: &'a [u8],
    pos: usize,
    /// A child's size ran past the parent's end, or its header was invalid.
    pub overflow: bool,
}

impl<'a> Children<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Children {
            data,
            pos: 0,
            overflow: false,
        }
    }
}

impl<'a> Iterator for Children<'a> {
    type Item = (u32, &'a [u8]);
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.data.len() || self.overflow {
            return None;
        }
        let all = Bytes::full(self.data);
        let Ok(h) = header(all, self.pos as u64, self.data.len() as u64) else {
            self.overflow = true;
            return None;
        };
        let Some(end) = h.end().filter(|&e| e <= self.data.len() as u64) else {
            self.overflow = true;
            return None;
        };
        self.pos = end as usize;
        Some((h.id, &self.data[h.data as usize..end as usize]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_length_integers() {
        assert_eq!(vint(&[0x81]), Ok((Some(1), 1)));
        assert_eq!(vint(&[0x40, 0x02]), Ok((Some(2), 2)));
        assert_eq!(vint(&[0xFF]), Ok((None, 1)));
        assert_eq!(
            vint(&[0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
            Ok((None, 8))
        );
        assert_eq!(vint(&[0x01, 0, 0, 0, 0, 0, 1, 0]), Ok((Some(256), 8)));
        assert_eq!(vint(&[0x00]), Err(Bad::Invalid));
        assert_eq!(vint(&[0x40]), Err(Bad::End));
        let h = header(
            Bytes::full(&[0x1A, 0x45, 0xDF, 0xA3, 0x84, 1, 2, 3, 4]),
            0,
            9,
        )
        .unwrap();
        assert_eq!((h.id, h.data, h.size), (id::EBML, 5, Some(4)));
        assert_eq!(int(&[0xFF, 0xFE]), Some(-2));
        assert_eq!(
            float(&[0x40, 0x49, 0x0F, 0xDB]).map(|f| f as f32),
            Some(std::f32::consts::PI)
        );
        let kids: Vec<_> = Children::new(&[0x83, 0x81, 2, 0x86, 0x85, b'A']).collect();
        assert_eq!(kids, vec![(0x83, &[2u8][..])]);
    }
}
