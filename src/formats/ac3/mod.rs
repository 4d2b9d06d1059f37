//! Dolby AC-3 (ATSC A/52) and E-AC-3 (A/52 Annex E) elementary streams:
//! sync-coded frames (0x0B77) whose headers give their length.
//!
//! Every frame header is read and the samples counted
//! (`durationSource: "frames"`): 1,536 per AC-3 frame; 256 per audio block
//! of an E-AC-3 frame (1, 2, 3 or 6 blocks), counted only in frames of
//! independent substream 0 (dependent substreams and further independent
//! substreams carry more channels or programs of the same time span). The
//! channels are those of the first frame's `acmod` and `lfeon` (of
//! independent substream 0 for E-AC-3). The frame walk needs the whole
//! file.

pub mod verify;

use crate::formats::elementary::{Frames, Head, Step, Summary};
use crate::formats::{Layout, Probe};
use crate::io::reader::Bytes;
use crate::record::{Code, DurationSource, FileFormat};

/// Samples per channel of an AC-3 frame (6 blocks of 256).
pub const AC3_FRAME_SAMPLES: u64 = 1536;

/// AC-3 bit rates in kbit/s by `frmsizecod >> 1`.
const BITRATES: [u32; 19] = [
    32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 576, 640,
];

/// Full-bandwidth channels by `acmod`.
const ACMOD_CHANNELS: [u32; 8] = [2, 1, 2, 3, 3, 4, 4, 5];

/// Which syntax a frame uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// AC-3 (`bsid` 0 to 10).
    Ac3,
    /// E-AC-3 (`bsid` 11 to 16).
    Eac3,
}

/// One frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameHeader {
    /// AC-3 or E-AC-3.
    pub syntax: Syntax,
    /// Bytes of the frame.
    pub len: u64,
    /// The sample rate.
    pub rate: u32,
    /// Samples per channel of the frame.
    pub samples: u64,
    /// Channels (`acmod` and `lfeon`).
    pub channels: u32,
    /// E-AC-3 `strmtyp`: 0 independent, 1 dependent, 2 independent
    /// (converted from AC-3); 0 for AC-3.
    pub stream_type: u8,
    /// E-AC-3 `substreamid`; 0 for AC-3.
    pub substream: u8,
    /// `bsid`.
    pub bsid: u8,
}

impl FrameHeader {
    /// Whether the frame's samples count towards the stream's length
    /// (AC-3, or independent substream 0 of E-AC-3).
    pub fn counts(&self) -> bool {
        self.syntax == Syntax::Ac3 || (self.stream_type != 1 && self.substream == 0)
    }

    /// Parse the header at the start of `b`.
    pub fn parse(b: &[u8]) -> Option<FrameHeader> {
        let h = b.get(..8)?;
        if h[0] != 0x0B || h[1] != 0x77 {
            return None;
        }
        let bsid = h[5] >> 3;
        match bsid {
            0..=10 => parse_ac3(h, bsid),
            11..=16 => parse_eac3(h, bsid),
            _ => None,
        }
    }
}

fn parse_ac3(h: &[u8], bsid: u8) -> Option<FrameHeader> {
    let fscod = h[4] >> 6;
    let code = h[4] & 0x3F;
    let kbps = *BITRATES.get(usize::from(code >> 1))?;
    let (rate, words) = match fscod {
        0 => (48_000, kbps * 2),
        1 => (
            44_100,
            kbps * 1000 * 1536 / (44_100 * 16) + u32::from(code & 1),
        ),
        2 => (32_000, kbps * 3),
        _ => return None,
    };
    // bsid 9 and 10: half and quarter rate (A/52 Annex E's predecessor).
    let shift = u32::from(bsid.saturating_sub(8));
    // acmod, then the mix levels that depend on it, then lfeon.
    let acmod = h[6] >> 5;
    let mut bit = 3u32; // bits of byte 6 read (acmod)
    if acmod & 1 != 0 && acmod != 1 {
        bit += 2;
    }
    if acmod & 4 != 0 {
        bit += 2;
    }
    if acmod == 2 {
        bit += 2;
    }
    let word = u16::from_be_bytes([h[6], h[7]]);
    let lfe = u32::from((word >> (15 - bit)) & 1);
    Some(FrameHeader {
        syntax: Syntax::Ac3,
        len: u64::from(words) * 2,
        rate: rate >> shift,
        samples: AC3_FRAME_SAMPLES,
        channels: ACMOD_CHANNELS[usize::from(acmod)] + lfe,
        stream_type: 0,
        substream: 0,
        bsid,
    })
}

fn parse_eac3(h: &[u8], bsid: u8) -> Option<FrameHeader> {
    let stream_type = h[2] >> 6;
    if stream_type == 3 {
        return None;
    }
    let substream = (h[2] >> 3) & 7;
    let frmsiz = (u64::from(h[2] & 7) << 8) | u64::from(h[3]);
    let fscod = h[4] >> 6;
    let (rate, blocks) = if fscod == 3 {
        let rate = match (h[4] >> 4) & 3 {
            0 => 24_000,
            1 => 22_050,
            2 => 16_000,
            _ => return None,
        };
        (rate, 6)
    } else {
        let rate = [48_000, 44_100, 32_000][usize::from(fscod)];
        (rate, [1, 2, 3, 6][usize::from((h[4] >> 4) & 3)])
    };
    let acmod = (h[4] >> 1) & 7;
    let lfe = u32::from(h[4] & 1);
    Some(FrameHeader {
        syntax: Syntax::Eac3,
        len: (frmsiz + 1) * 2,
        rate,
        samples: 256 * blocks,
        channels: ACMOD_CHANNELS[usize::from(acmod)] + lfe,
        stream_type,
        substream,
        bsid,
    })
}

/// The frame-walk view of a header: frames must keep the first one's
/// sample rate (substreams of one E-AC-3 stream differ in their channels).
pub(crate) fn head(b: &[u8]) -> Option<Head<u32>> {
    let h = FrameHeader::parse(b)?;
    (h.len >= 8).then_some(Head {
        len: h.len,
        key: h.rate,
    })
}

/// Two agreeing frame headers in a row at `pos` (or one frame that ends
/// exactly at the end of the file).
pub(crate) fn ac3_at(bytes: Bytes<'_>, pos: u64) -> bool {
    let Some(h) = head(bytes.get_up_to(pos, 16)) else {
        return false;
    };
    let next = pos.saturating_add(h.len);
    next == bytes.len() || head(bytes.get_up_to(next, 16)).is_some_and(|n| n.key == h.key)
}

/// Where the frames of a file lie: what verification walks.
#[derive(Debug, Clone, PartialEq)]
pub struct Ac3Layout {
    /// The first frame.
    pub(crate) start: u64,
    /// Where the audio ends (tags at the end excluded).
    pub(crate) end: u64,
    /// The stream's sample rate (every frame's).
    pub(crate) rate: u32,
}

/// Probe an AC-3 or E-AC-3 stream whose first frame is at `start` (after
/// any ID3v2 tags).
pub fn probe(bytes: Bytes<'_>, start: u64) -> Probe {
    let mut p = Probe {
        file_format: Some(FileFormat::Ac3),
        ..Probe::default()
    };
    crate::formats::read_leading_id3v2(bytes, start, &mut p);
    let start = start.min(bytes.len());
    let end = crate::formats::mpeg::audio_end(bytes, start, &mut p);
    let Some(first) = FrameHeader::parse(bytes.get_up_to(start, 16)) else {
        p.findings
            .error(Code::InvalidHeader, "no AC-3 frame header at the start");
        return p;
    };
    p.audio_codec = Some(
        match first.syntax {
            Syntax::Ac3 => "AC-3",
            Syntax::Eac3 => "E-AC-3",
        }
        .to_string(),
    );
    p.sample_rate = Some(first.rate);
    p.channels = Some(first.channels);
    let mut samples = 0u64;
    let mut sum = Summary::default();
    let mut dependent = false;
    for step in Frames::new(bytes, start, end, first.rate, head) {
        if let Step::Frame { pos, .. } = step
            && let Some(f) = FrameHeader::parse(bytes.get_up_to(pos, 16))
        {
            if f.counts() {
                samples += f.samples;
            } else {
                dependent = true;
            }
        }
        sum.add(&step);
    }
    if dependent {
        p.findings.warn(
            Code::UnsupportedCodec,
            "the stream has E-AC-3 dependent or further independent substreams: numberOfChannels is that of independent substream 0 only",
        );
    }
    sum.report(&mut p.findings, "AC-3 frame");
    p.total_samples = Some(samples);
    p.duration_source = Some(DurationSource::Frames);
    p.audio_bytes = Some(sum.frame_bytes);
    p.layout = Some(Layout::Ac3(Ac3Layout {
        start,
        end,
        rate: first.rate,
    }));
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_give_length_rate_and_channels() {
        // AC-3, 48 kHz, 192 kbit/s (frmsizecod 20), bsid 8, acmod 2, lfe 0.
        let h = FrameHeader::parse(&[0x0B, 0x77, 0, 0, 20, 8 << 3, 0x40, 0]).unwrap();
        assert_eq!((h.len, h.rate, h.channels), (768, 48_000, 2));
        // acmod 7 (3/2) with LFE: cmixlev and surmixlev before lfeon.
        let h = FrameHeader::parse(&[0x0B, 0x77, 0, 0, 20, 8 << 3, 0xE1, 0]).unwrap();
        assert_eq!(h.channels, 6);
        // 44.1 kHz, 32 kbit/s padded: 70 words.
        let h = FrameHeader::parse(&[0x0B, 0x77, 0, 0, 0x41, 8 << 3, 0x40, 0]).unwrap();
        assert_eq!(h.len, 140);
        // E-AC-3: frmsiz 383, 48 kHz, 6 blocks, acmod 2.
        let h = FrameHeader::parse(&[0x0B, 0x77, 0x01, 0x7F, 0x34, 16 << 3, 0, 0]).unwrap();
        assert_eq!((h.len, h.samples, h.channels), (768, 1536, 2));
        assert!(FrameHeader::parse(&[0x0B, 0x77, 0, 0, 0xC0, 8 << 3, 0, 0]).is_none());
    }
}
