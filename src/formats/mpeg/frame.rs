//! MPEG audio frames: the 4-byte frame header and its tables, free-format
//! frame lengths, finding sync (a header counts only when the next one
//! agrees with it), and the walk over every frame that the probe and
//! verification share.

use crate::io::reader::Bytes;

/// How far junk before the first frame (or between frames) is searched
/// for a frame sync.
pub(super) const SYNC_SEARCH: u64 = 64 << 10;
/// The longest free-format frame looked for (640 kbit/s at 8 kHz is 5760
/// bytes).
pub(super) const MAX_FREE_FRAME: u64 = 8192;

/// The MPEG version of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// MPEG-1 (32, 44.1, 48 kHz).
    Mpeg1,
    /// MPEG-2 LSF (16, 22.05, 24 kHz).
    Mpeg2,
    /// MPEG-2.5 (8, 11.025, 12 kHz).
    Mpeg25,
}

/// One parsed 4-byte frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameHeader {
    /// MPEG version.
    pub version: Version,
    /// Layer: 1, 2 or 3.
    pub layer: u8,
    /// A 16-bit CRC follows the header.
    pub protected: bool,
    /// Bitrate in kbit/s; 0 for free format.
    pub bitrate: u32,
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// The frame has one padding slot.
    pub padding: bool,
    /// Channel mode: 0 stereo, 1 joint stereo, 2 dual channel, 3 mono.
    pub mode: u8,
    raw: [u8; 4],
}

pub(super) const BITRATES_V1: [[u32; 15]; 3] = [
    [
        0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448,
    ],
    [
        0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384,
    ],
    [
        0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
    ],
];
pub(super) const BITRATES_V2: [[u32; 15]; 2] = [
    [
        0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256,
    ],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
];

impl FrameHeader {
    /// Parse a frame header; `None` unless the sync and every field are valid.
    pub fn parse(b: &[u8]) -> Option<FrameHeader> {
        let b: [u8; 4] = b.get(..4)?.try_into().ok()?;
        if b[0] != 0xFF || b[1] & 0xE0 != 0xE0 {
            return None;
        }
        let version = match (b[1] >> 3) & 3 {
            0 => Version::Mpeg25,
            2 => Version::Mpeg2,
            3 => Version::Mpeg1,
            _ => return None,
        };
        let layer = match (b[1] >> 1) & 3 {
            1 => 3,
            2 => 2,
            3 => 1,
            _ => return None,
        };
        let br_index = usize::from(b[2] >> 4);
        let sr_index = (b[2] >> 2) & 3;
        if br_index == 15 || sr_index == 3 {
            return None;
        }
        let base = [44_100, 48_000, 32_000][usize::from(sr_index)];
        let sample_rate = match version {
            Version::Mpeg1 => base,
            Version::Mpeg2 => base / 2,
            Version::Mpeg25 => base / 4,
        };
        let bitrate = match version {
            Version::Mpeg1 => BITRATES_V1[usize::from(layer - 1)][br_index],
            _ => BITRATES_V2[usize::from(layer != 1)][br_index],
        };
        Some(FrameHeader {
            version,
            layer,
            protected: b[1] & 1 == 0,
            bitrate,
            sample_rate,
            padding: (b[2] >> 1) & 1 == 1,
            mode: b[3] >> 6,
            raw: b,
        })
    }

    /// Channels: 1 for mono, else 2.
    pub fn channels(&self) -> u32 {
        if self.mode == 3 { 1 } else { 2 }
    }

    /// Samples per channel in one frame.
    pub fn samples(&self) -> u32 {
        match (self.layer, self.version) {
            (1, _) => 384,
            (3, Version::Mpeg2 | Version::Mpeg25) => 576,
            _ => 1152,
        }
    }

    /// The frame is `coefficient * bitrate / rate` slots of `slot` bytes.
    pub(super) fn slot_coefficient(&self) -> (u64, u64) {
        match (self.layer, self.version) {
            (1, _) => (12, 4),
            (3, Version::Mpeg2 | Version::Mpeg25) => (72, 1),
            _ => (144, 1),
        }
    }

    /// The padding slot's size in bytes (0 without padding).
    pub(super) fn padding_len(&self) -> u64 {
        if self.padding {
            self.slot_coefficient().1
        } else {
            0
        }
    }

    /// Frame length in bytes, header included; `None` for free format.
    pub fn frame_len(&self) -> Option<u64> {
        if self.bitrate == 0 {
            return None;
        }
        let (coef, slot) = self.slot_coefficient();
        let slots = coef * u64::from(self.bitrate) * 1000 / u64::from(self.sample_rate);
        Some(slots * slot + self.padding_len())
    }

    /// Whether `next` can follow this frame in one stream: same version,
    /// layer and sample rate, and both free format or neither.
    pub fn agrees(&self, next: &FrameHeader) -> bool {
        self.version == next.version
            && self.layer == next.layer
            && self.sample_rate == next.sample_rate
            && (self.bitrate == 0) == (next.bitrate == 0)
    }

    /// Identical fields apart from padding, private bit and the stereo
    /// mode (for finding free-format frames; streams switch between stereo
    /// and joint stereo frame by frame).
    pub(super) fn same_fields(&self, next: &FrameHeader) -> bool {
        self.raw[1] == next.raw[1]
            && self.raw[2] & 0xFC == next.raw[2] & 0xFC
            && self.channels() == next.channels()
    }

    /// The four header bytes.
    pub fn raw(&self) -> [u8; 4] {
        self.raw
    }

    /// Bytes of Layer III side information after the header and CRC.
    pub fn side_info_len(&self) -> u64 {
        match (self.version, self.mode == 3) {
            (Version::Mpeg1, false) => 32,
            (Version::Mpeg1, true) => 17,
            (_, false) => 17,
            (_, true) => 9,
        }
    }

    /// Where a Xing/Info header starts, from the frame start: after the
    /// header, the CRC and the Layer III side information.
    pub(super) fn xing_offset(&self) -> u64 {
        4 + if self.protected { 2 } else { 0 } + self.side_info_len()
    }

    pub(super) fn codec(&self) -> &'static str {
        match self.layer {
            1 => "MP1",
            2 => "MP2",
            _ => "MP3",
        }
    }

    pub(super) fn describe(&self) -> String {
        let v = match self.version {
            Version::Mpeg1 => "MPEG-1",
            Version::Mpeg2 => "MPEG-2",
            Version::Mpeg25 => "MPEG-2.5",
        };
        let l = ["I", "II", "III"][usize::from(self.layer - 1)];
        format!("{v} Layer {l} at {} Hz", self.sample_rate)
    }
}

pub(super) fn header_at(bytes: Bytes<'_>, pos: u64) -> Option<FrameHeader> {
    FrameHeader::parse(bytes.get(pos, 4)?)
}

/// The length of the frame at `pos` with header `h`: from the bitrate, or for
/// free format `free` (the length without padding) when known.
pub(super) fn frame_len_with(h: &FrameHeader, free: Option<u64>) -> Option<u64> {
    match h.frame_len() {
        Some(n) => Some(n),
        None => free.map(|f| f + h.padding_len()),
    }
}

/// Find the unpadded length of the free-format frame at `pos`: the distance
/// to the next header with identical fields, confirmed by a third one (or
/// by the end of the stream).
pub(super) fn free_format_len(
    bytes: Bytes<'_>,
    pos: u64,
    h: &FrameHeader,
    end: u64,
) -> Option<u64> {
    let from = pos.checked_add(8)?;
    let span = MAX_FREE_FRAME.min(end.saturating_sub(from));
    let window = bytes.get_up_to(from, span);
    for (i, _) in window.iter().enumerate().filter(|(_, b)| **b == 0xFF) {
        let next_pos = from + i as u64;
        let Some(next) = header_at(bytes, next_pos) else {
            continue;
        };
        if !h.same_fields(&next) {
            continue;
        }
        let base = (next_pos - pos).checked_sub(h.padding_len())?;
        let after = next_pos + base + next.padding_len();
        if after == end || header_at(bytes, after).is_some_and(|n| h.same_fields(&n)) {
            return Some(base);
        }
    }
    // A single free-format frame that ends the stream.
    None
}

/// How a sync search treats free-format headers. Finding a free-format
/// frame's length scans up to [`MAX_FREE_FRAME`] bytes, so it is done where
/// a stream starts, not at every byte of a damaged stream.
#[derive(Debug, Clone, Copy)]
pub(super) enum Free {
    /// Look for the next identical header.
    Search,
    /// The stream's unpadded free-format frame length.
    Known(u64),
    /// The stream is not free format: ignore free-format headers.
    Never,
}

/// A frame accepted by [`frame_pair_at`]: its header, its length, and the
/// unpadded free-format length when the stream is free format.
#[derive(Debug, Clone, Copy)]
pub(super) struct Accepted {
    pub(super) header: FrameHeader,
    pub(super) len: u64,
    pub(super) free: Option<u64>,
}

/// The frame at `pos` if the next frame header agrees with it (or it ends
/// exactly at `end`).
pub(super) fn frame_pair_at(bytes: Bytes<'_>, pos: u64, end: u64, mode: Free) -> Option<Accepted> {
    let header = header_at(bytes, pos)?;
    let free = if header.bitrate == 0 {
        Some(match mode {
            Free::Search => free_format_len(bytes, pos, &header, end)?,
            Free::Known(n) => n,
            Free::Never => return None,
        })
    } else {
        None
    };
    let len = frame_len_with(&header, free)?;
    let next = pos.checked_add(len)?;
    if next > end {
        return None;
    }
    if next == end || header_at(bytes, next).is_some_and(|n| header.agrees(&n)) {
        return Some(Accepted { header, len, free });
    }
    None
}

/// The first offset in `from..from + limit` where an MPEG frame header is
/// followed by an agreeing one (or by the end of the file).
pub fn find_sync(bytes: Bytes<'_>, from: u64, limit: u64) -> Option<u64> {
    find_sync_until(bytes, from, limit, bytes.len(), Free::Search).map(|a| a.0)
}

pub(super) fn find_sync_until(
    bytes: Bytes<'_>,
    from: u64,
    limit: u64,
    end: u64,
    mode: Free,
) -> Option<(u64, Accepted)> {
    let stop = from.saturating_add(limit).min(end);
    let mut chunk_start = from;
    while chunk_start < stop {
        let chunk = bytes.get_up_to(chunk_start, (stop - chunk_start).min(4096));
        if chunk.is_empty() {
            return None;
        }
        for (i, _) in chunk.iter().enumerate().filter(|(_, b)| **b == 0xFF) {
            let pos = chunk_start + i as u64;
            if let Some(a) = frame_pair_at(bytes, pos, end, mode) {
                return Some((pos, a));
            }
        }
        chunk_start += chunk.len() as u64;
    }
    None
}

/// Whether an MPEG stream starts within the first `limit` bytes, with at
/// least three agreeing frames (or fewer that end the file or are followed
/// by a tag): the detection
/// fallback for files whose first bytes are junk.
pub fn sync_within(bytes: Bytes<'_>, limit: u64) -> bool {
    // A lone frame at the start, followed by the tags at the end.
    let lone = header_at(bytes, 0).and_then(|h| h.frame_len());
    if lone.is_some_and(|len| tag_follows(bytes, len)) {
        return true;
    }
    let Some((pos, a)) = find_sync_until(bytes, 0, limit, bytes.len(), Free::Search) else {
        return false;
    };
    let next = pos + a.len;
    if next == bytes.len() || frame_pair_at(bytes, next, bytes.len(), Free::Search).is_some() {
        return true;
    }
    tag_follows(bytes, next)
}

/// Whether a tag that ends MPEG audio starts at `pos`.
pub(super) fn tag_follows(bytes: Bytes<'_>, pos: u64) -> bool {
    let b = bytes.get_up_to(pos, 8);
    b.starts_with(b"TAG") || b.starts_with(b"APETAGEX") || b.starts_with(b"LYRICSBE")
}

/// What walking the frame headers found.
#[derive(Debug, Clone, Default)]
pub(super) struct Walk {
    pub(super) frames: u64,
    pub(super) samples: u64,
    pub(super) audio_bytes: u64,
    /// A last frame cut short, not counted in `frames`: (bytes present,
    /// bytes its header says).
    pub(super) partial: Option<(u64, u64)>,
    /// Bytes after the last frame that are not a frame.
    pub(super) trailing: u64,
    /// Stretches of non-frame bytes inside the stream: (count, bytes).
    pub(super) lost: (u64, u64),
    /// Where the first change of rate / version, and of channel mode, was.
    pub(super) rate_change: Option<(u64, String)>,
    pub(super) mode_change: Option<(u64, u32)>,
}

impl Walk {
    /// Frames present in full (a cut-short last frame is never counted).
    pub(super) fn complete(&self) -> u64 {
        self.frames
    }

    pub(super) fn cut_note(&self) -> &'static str {
        if self.partial.is_some() {
            " and part of one more"
        } else {
            ""
        }
    }
}

/// Inside a stream, free-format frames are only accepted at the stream's
/// own free-format length.
pub(super) fn free_mode(free: Option<u64>) -> Free {
    free.map_or(Free::Never, Free::Known)
}

/// One step of a walk over the frames of an MPEG audio stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// A whole frame at `pos`, `len` bytes long.
    Frame {
        pos: u64,
        len: u64,
        header: FrameHeader,
    },
    /// `len` bytes at `pos` that are not frames; a frame follows them.
    Lost { pos: u64, len: u64 },
    /// The last frame, at `pos`, is cut short: `have` of its `need` bytes
    /// are present. Ends the walk.
    Partial { pos: u64, have: u64, need: u64 },
    /// `len` bytes at `pos`, up to the end of the audio, that are not a
    /// frame. Ends the walk.
    Trailing { pos: u64, len: u64 },
}

/// Walks the frames from `from` (a frame agreeing with `first`) to `end`,
/// finding sync again after junk; the probe and verification share it, so
/// both see the same frames.
#[derive(Debug, Clone)]
pub(crate) struct Frames<'a> {
    bytes: Bytes<'a>,
    pos: u64,
    end: u64,
    free: Option<u64>,
    current: FrameHeader,
    done: bool,
}

impl<'a> Frames<'a> {
    pub(crate) fn new(
        bytes: Bytes<'a>,
        from: u64,
        end: u64,
        first: &FrameHeader,
        free: Option<u64>,
    ) -> Self {
        Frames {
            bytes,
            pos: from,
            end,
            free,
            current: *first,
            done: false,
        }
    }
}

impl Iterator for Frames<'_> {
    type Item = Step;

    fn next(&mut self) -> Option<Step> {
        if self.done || self.pos >= self.end {
            return None;
        }
        let (bytes, pos, end) = (self.bytes, self.pos, self.end);
        let remaining = end - pos;
        let header = if remaining >= 4 {
            header_at(bytes, pos)
        } else {
            None
        };
        // A header of another kind than the previous frame must itself be
        // confirmed by the next frame, so junk is not taken for a change.
        let accepted = match header {
            Some(h) if self.current.agrees(&h) => Some((h, frame_len_with(&h, self.free))),
            Some(_) => frame_pair_at(bytes, pos, end, free_mode(self.free))
                .map(|a| (a.header, Some(a.len))),
            None => None,
        };
        let (h, len) = match accepted {
            Some((h, Some(len))) => (h, len),
            Some((h, None)) => match free_format_len(bytes, pos, &h, end) {
                Some(f) => {
                    self.free = Some(f);
                    (h, f + h.padding_len())
                }
                None => {
                    self.done = true;
                    return Some(Step::Trailing {
                        pos,
                        len: remaining,
                    });
                }
            },
            None => {
                return match find_sync_until(bytes, pos + 1, SYNC_SEARCH, end, free_mode(self.free))
                {
                    Some((q, _)) => {
                        self.pos = q;
                        Some(Step::Lost { pos, len: q - pos })
                    }
                    None => {
                        self.done = true;
                        Some(Step::Trailing {
                            pos,
                            len: remaining,
                        })
                    }
                };
            }
        };
        if len > remaining {
            // A frame cut short is reported and not counted: its samples are
            // not in the file (decoders differ in what they make of it), as
            // for a WAV data chunk or a FLAC frame cut short.
            self.done = true;
            return Some(Step::Partial {
                pos,
                have: remaining,
                need: len,
            });
        }
        if h.bitrate != 0 {
            self.free = None;
        }
        self.current = h;
        self.pos += len;
        Some(Step::Frame {
            pos,
            len,
            header: h,
        })
    }
}

/// Walk the frames from `from` (a frame agreeing with `first`) to `end`.
pub(super) fn walk(
    bytes: Bytes<'_>,
    from: u64,
    end: u64,
    first: &FrameHeader,
    free: Option<u64>,
) -> Walk {
    let mut w = Walk::default();
    for step in Frames::new(bytes, from, end, first, free) {
        match step {
            Step::Frame {
                pos,
                len,
                header: h,
            } => {
                if (h.sample_rate != first.sample_rate || h.version != first.version)
                    && w.rate_change.is_none()
                {
                    w.rate_change = Some((pos, h.describe()));
                }
                if h.channels() != first.channels() && w.mode_change.is_none() {
                    w.mode_change = Some((pos, h.channels()));
                }
                w.frames += 1;
                w.samples += u64::from(h.samples());
                w.audio_bytes += len;
            }
            Step::Lost { len, .. } => {
                w.lost.0 += 1;
                w.lost.1 += len;
            }
            Step::Partial { have, need, .. } => w.partial = Some((have, need)),
            Step::Trailing { len, .. } => w.trailing = len,
        }
    }
    w
}
