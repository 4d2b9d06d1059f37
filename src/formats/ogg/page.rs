//! Ogg pages (RFC 3533): reading one at an offset with its CRC-32 checked,
//! finding the next good one after damage, and assembling the packets of a
//! logical stream from their segments.
//!
//! The probe and the verifier both read pages through this module; they
//! differ only in how many pages they read and what they do with the
//! packets.

use crate::formats::crc::crc32_ogg;
use crate::io::reader::{Bytes, Endian, Reader};

const LE: Endian = Endian::Little;

/// Page header length before the segment table.
pub(crate) const HEADER: u64 = 27;

/// One page, read through [`Bytes`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Page<'a> {
    /// Offset of the capture pattern.
    pub pos: u64,
    /// Header type flags: continued, beginning, end of stream.
    pub flags: u8,
    /// Granule position (-1: no packet ends on the page).
    pub granule: i64,
    /// Logical stream serial number.
    pub serial: u32,
    /// Page sequence number.
    pub seq: u32,
    /// The segment table.
    pub lacing: &'a [u8],
    /// The page's packet data.
    pub body: &'a [u8],
    /// Whether the page's CRC-32 matches.
    pub crc_ok: bool,
}

impl<'a> Page<'a> {
    /// Bytes from the capture pattern to the end of the body.
    pub fn len(&self) -> u64 {
        HEADER + self.lacing.len() as u64 + self.body.len() as u64
    }
    /// The first packet continues one from the previous page.
    pub fn continued(&self) -> bool {
        self.flags & 1 != 0
    }
    /// Beginning of a logical stream.
    pub fn bos(&self) -> bool {
        self.flags & 2 != 0
    }
    /// End of a logical stream.
    pub fn eos(&self) -> bool {
        self.flags & 4 != 0
    }
    /// Each segment with its lacing value (below 255: a packet ends there).
    pub fn segments(&self) -> impl Iterator<Item = (u8, &'a [u8])> + 'a {
        let mut body = self.body;
        self.lacing.iter().map(move |&lace| {
            let (seg, rest) = body.split_at(usize::from(lace).min(body.len()));
            body = rest;
            (lace, seg)
        })
    }
}

/// Why no page could be read at an offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NoPage {
    /// The bytes there are not a page header (or the file ends before one).
    NotAPage,
    /// A page header whose page runs past the end of the file.
    Truncated { need: u64, have: u64 },
}

/// The page at `pos`, its CRC checked.
pub(crate) fn read_page(bytes: Bytes<'_>, pos: u64) -> Result<Page<'_>, NoPage> {
    let mut r = Reader::at(bytes, pos);
    let head: [u8; 27] = r.array().map_err(|_| NoPage::NotAPage)?;
    if &head[..4] != b"OggS" || head[4] != 0 {
        return Err(NoPage::NotAPage);
    }
    let mut h = Reader::new(&head[5..]);
    let flags = h.u8().map_err(|_| NoPage::NotAPage)?;
    let granule = h.u64(LE).map_err(|_| NoPage::NotAPage)? as i64;
    let serial = h.u32(LE).map_err(|_| NoPage::NotAPage)?;
    let seq = h.u32(LE).map_err(|_| NoPage::NotAPage)?;
    let crc = h.u32(LE).map_err(|_| NoPage::NotAPage)?;
    let nseg = h.u8().map_err(|_| NoPage::NotAPage)?;
    let have = r.remaining();
    let lacing = r.bytes(u64::from(nseg)).map_err(|_| NoPage::Truncated {
        need: HEADER + u64::from(nseg),
        have: HEADER + have,
    })?;
    let body_len: u64 = lacing.iter().map(|&l| u64::from(l)).sum();
    let body = r.bytes(body_len).map_err(|_| NoPage::Truncated {
        need: HEADER + u64::from(nseg) + body_len,
        have: HEADER + have,
    })?;
    let mut zeroed = head;
    zeroed[22..26].fill(0);
    let computed = crc32_ogg(crc32_ogg(crc32_ogg(0, &zeroed), lacing), body);
    Ok(Page {
        pos,
        flags,
        granule,
        serial,
        seq,
        lacing,
        body,
        crc_ok: computed == crc,
    })
}

/// How many bytes a search over `window` bytes may checksum: real pages do
/// not overlap, so twice the window (plus a page or so) covers any genuine
/// file, however many false capture patterns its packets hold.
pub(crate) fn crc_budget(window: usize) -> u64 {
    2 * window as u64 + (1 << 20)
}

/// The next page with a good CRC at or after `from`. Hostile data can hold
/// a capture pattern every few bytes, each claiming a long page: the bytes
/// checksummed are bounded by [`crc_budget`].
pub(crate) fn resync(bytes: Bytes<'_>, from: u64) -> Option<u64> {
    let len = bytes.len();
    let window = bytes.get(from, len.saturating_sub(from))?;
    let mut budget = crc_budget(window.len());
    for (i, w) in window.windows(4).enumerate() {
        if w != b"OggS" {
            continue;
        }
        if budget == 0 {
            return None;
        }
        let at = from + i as u64;
        if let Ok(p) = read_page(bytes, at) {
            budget = budget.saturating_sub(p.len());
            if p.crc_ok {
                return Some(at);
            }
        }
    }
    None
}

/// What the segments of a logical stream gave.
#[derive(Debug)]
pub(crate) enum Piece {
    /// A whole packet: its bytes (empty when they were not kept) and
    /// whether it was longer than the limit (then only its start is kept).
    Packet(Vec<u8>, bool),
    /// A packet that lost a part: it continues one whose start is not in
    /// the file, a page of it is missing or failed its CRC, or it never
    /// ended.
    Lost,
}

/// Packet assembly for one logical stream: segments are joined until a
/// lacing value below 255 ends the packet.
#[derive(Debug, Clone, Default)]
pub(crate) struct Packets {
    partial: Vec<u8>,
    in_packet: bool,
    damaged: bool,
    oversized: bool,
}

impl Packets {
    /// A new page starts: `Some(Piece::Lost)` when it does not continue a
    /// packet left open on the previous one.
    pub fn begin(&mut self, page: &Page<'_>) -> Option<Piece> {
        if page.continued() && !self.in_packet {
            // The page continues a packet whose start is not here.
            self.in_packet = true;
            self.damaged = true;
            None
        } else if !page.continued() && self.in_packet {
            self.reset();
            Some(Piece::Lost)
        } else {
            None
        }
    }

    /// One segment; `keep`: store its bytes, up to `limit` per packet.
    pub fn segment(&mut self, lace: u8, seg: &[u8], keep: bool, limit: usize) -> Option<Piece> {
        if keep {
            if !self.oversized && self.partial.len() + seg.len() <= limit {
                self.partial.extend_from_slice(seg);
            } else {
                self.oversized = true;
            }
        }
        self.in_packet = true;
        if lace == 255 {
            return None;
        }
        let piece = if self.damaged {
            self.partial.clear();
            Piece::Lost
        } else {
            Piece::Packet(std::mem::take(&mut self.partial), self.oversized)
        };
        self.in_packet = false;
        self.damaged = false;
        self.oversized = false;
        Some(piece)
    }

    /// Give a packet's buffer back, to be reused for the next one.
    pub fn recycle(&mut self, mut buf: Vec<u8>) {
        if self.partial.is_empty() {
            buf.clear();
            self.partial = buf;
        }
    }

    /// A page of the stream is missing: the packet in progress lost a part.
    pub fn gap(&mut self) {
        self.damaged |= self.in_packet;
    }

    /// A page whose content is not trusted: the packets ending on it are
    /// lost (their count is returned), and one that continues after it.
    pub fn drop_page(&mut self, page: &Page<'_>) -> usize {
        self.partial.clear();
        self.in_packet = page.lacing.last() == Some(&255);
        self.damaged = self.in_packet;
        self.oversized = false;
        page.lacing.iter().filter(|&&l| l < 255).count()
    }

    /// Stop keeping the bytes of the packet in progress.
    pub fn discard(&mut self) {
        self.partial = Vec::new();
    }

    fn reset(&mut self) {
        self.partial.clear();
        self.in_packet = false;
        self.damaged = false;
        self.oversized = false;
    }
}
