//! WavPack (`wvpk` blocks), measured without decoding.
//!
//! A WavPack file is a run of blocks, each a 32-byte header (`ckSize`,
//! stream version, 40-bit block index and total sample count, samples in
//! the block, flags, CRC of the decoded samples) followed by metadata
//! sub-blocks. The flags give the bytes per sample, mono/stereo, hybrid
//! (lossy) mode, float data, DSD, the sample rate index and the shift of
//! the samples; a rate outside the table is in an `ID_SAMPLE_RATE`
//! sub-block, the channel count and mask of a multichannel stream in
//! `ID_CHANNEL_INFO`, and the DSD rate multiplier in the first byte of
//! `ID_DSD_BLOCK`.
//!
//! The first block's total sample count is the exact length when it is set
//! (`durationSource: "header"`), but it is not taken on trust: every block
//! header is walked (one jump per block, a few hundred per hour of audio)
//! and the samples of the initial blocks of each channel set are summed. A
//! stream whose blocks stop short of the total, or whose last block is cut
//! short, is `truncated_data`; blocks holding more than the total is
//! `sample_count_mismatch`; a total of -1 (unknown, as a streamed encode
//! leaves it) is replaced by the sum (`durationSource: "frames"`, with a
//! `data_size_unset` warning saying so).
//!
//! DSD streams (WavPack 5) are reported as DSD: bit depth 1, the DSD rate
//! (the header's byte rate times the sub-block's multiplier, times 8) and
//! the count in DSD samples. A hybrid stream without its correction file
//! is lossy: `audioCodec` "WavPack Hybrid", no bit depth, and a
//! `lossy_hybrid` warning.

pub mod verify;

use crate::formats::{Layout, Probe, push_unique};
use crate::io::reader::{Bytes, Endian, Reader};
use crate::record::{Code, DurationSource, FileFormat, SampleFormat};

const LE: Endian = Endian::Little;

/// Block header flags.
const MONO_FLAG: u32 = 0x4;
const HYBRID_FLAG: u32 = 0x8;
const FLOAT_DATA: u32 = 0x80;
const INITIAL_BLOCK: u32 = 0x800;
const FINAL_BLOCK: u32 = 0x1000;
const DSD_FLAG: u32 = 0x8000_0000;

/// Metadata sub-block ids (the low six bits).
const ID_CHANNEL_INFO: u8 = 0x0d;
const ID_DSD_BLOCK: u8 = 0x0e;
const ID_SAMPLE_RATE: u8 = 0x27;
/// WavPack 5's checksum of the block's bytes.
pub(crate) const ID_BLOCK_CHECKSUM: u8 = 0x2f;

/// The rates of the header's 4-bit index (15: in `ID_SAMPLE_RATE`).
const RATES: [u32; 15] = [
    6000, 8000, 9600, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000,
    192000,
];

/// The oldest and newest stream versions of the block format.
const VERSIONS: std::ops::RangeInclusive<u16> = 0x402..=0x410;

/// Blocks larger than this are not WavPack's (the format caps them at 1 MiB
/// of samples; 16 MiB leaves room for any encoder).
const MAX_BLOCK: u64 = 16 << 20;

/// How far past damage the next block header is searched for.
const RESYNC: u64 = 1 << 20;

/// One block header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockHeader {
    /// Offset of `wvpk`.
    pub pos: u64,
    /// The whole block's length (`ckSize` + 8).
    pub len: u64,
    /// Stream version (0x402-0x410).
    pub version: u16,
    /// Index of the block's first sample.
    pub index: u64,
    /// Total samples of the stream, when set.
    pub total: Option<u64>,
    /// Samples per channel in the block.
    pub samples: u32,
    /// Flags.
    pub flags: u32,
}

impl BlockHeader {
    /// Whether the block starts a channel set (a sample period).
    pub fn initial(&self) -> bool {
        self.flags & INITIAL_BLOCK != 0
    }

    /// Channels the block codes (1 or 2).
    fn channels(&self) -> u32 {
        if self.flags & MONO_FLAG != 0 { 1 } else { 2 }
    }
}

/// Parse the block header at `pos`: `wvpk`, a known version, a plausible
/// size.
pub fn parse_header(bytes: Bytes<'_>, pos: u64) -> Option<BlockHeader> {
    let mut r = Reader::at(bytes, pos);
    if &r.fourcc().ok()? != b"wvpk" {
        return None;
    }
    let ck = u64::from(r.u32(LE).ok()?);
    let version = r.u16(LE).ok()?;
    let index_u8 = r.u8().ok()?;
    let total_u8 = r.u8().ok()?;
    let total_lo = r.u32(LE).ok()?;
    let index_lo = r.u32(LE).ok()?;
    let samples = r.u32(LE).ok()?;
    let flags = r.u32(LE).ok()?;
    if !VERSIONS.contains(&version) || ck < 24 || ck + 8 > MAX_BLOCK || ck % 2 != 0 {
        return None;
    }
    // The upper bytes of the 40-bit fields are WavPack 5's (0x410); before,
    // they were unused. The total is stored base 0xFFFFFFFF, so that a low
    // word of 0xFFFFFFFF keeps meaning "unknown".
    let wide = version >= 0x410;
    let (index_u8, total_u8) = if wide {
        (u64::from(index_u8), u64::from(total_u8))
    } else {
        (0, 0)
    };
    let total = (total_lo != u32::MAX).then(|| (u64::from(total_lo) + (total_u8 << 32)) - total_u8);
    Some(BlockHeader {
        pos,
        len: ck + 8,
        version,
        index: u64::from(index_lo) + (index_u8 << 32),
        total,
        samples,
        flags,
    })
}

/// One metadata sub-block of a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SubBlock {
    /// The id's low six bits.
    pub id: u8,
    /// Offset of the id byte.
    pub pos: u64,
    /// Offset of the data.
    pub data: u64,
    /// Data bytes (the odd-size flag applied).
    pub len: u64,
    /// Bytes the sub-block occupies in the block, header included.
    pub span: u64,
}

/// The metadata sub-blocks of the block `h`, in order; `Err(offset)` where
/// one overruns the block.
pub(crate) fn sub_blocks(bytes: Bytes<'_>, h: &BlockHeader) -> Result<Vec<SubBlock>, u64> {
    let mut out = Vec::new();
    let end = h.pos + h.len;
    let mut pos = h.pos + 32;
    while pos < end {
        let mut r = Reader::at(bytes, pos);
        let id = r.u8().map_err(|_| pos)?;
        let words = if id & 0x80 != 0 {
            u64::from(r.u24(LE).map_err(|_| pos)?)
        } else {
            u64::from(r.u8().map_err(|_| pos)?)
        };
        let head = if id & 0x80 != 0 { 4 } else { 2 };
        let span = head + words * 2;
        let len = if id & 0x40 != 0 && words > 0 {
            words * 2 - 1
        } else {
            words * 2
        };
        if span > end - pos {
            return Err(pos);
        }
        out.push(SubBlock {
            id: id & 0x3f,
            pos,
            data: pos + head,
            len,
            span,
        });
        pos += span;
    }
    Ok(out)
}

/// What the walk of all blocks found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Walk {
    /// Complete blocks.
    pub blocks: u64,
    /// Samples of the complete initial blocks.
    pub samples: u64,
    /// Bytes of the complete blocks.
    pub bytes: u64,
    /// Where the last complete block ends.
    pub end: u64,
    /// A block cut short: (offset, bytes present, bytes declared).
    pub partial: Option<(u64, u64, u64)>,
    /// Bytes that are no blocks between blocks: (first offset, total bytes).
    pub junk: Option<(u64, u64)>,
    /// Bytes after the last block (before the end tags).
    pub trailing: Option<(u64, u64)>,
    /// The first initial block whose index does not follow the one before:
    /// (offset, index, expected).
    pub gap: Option<(u64, u64, u64)>,
    /// Index continuity breaks.
    pub gaps: u64,
}

/// One step of a walk over the blocks between `start` and `end`.
pub(crate) enum Step {
    /// A complete block.
    Block(BlockHeader),
    /// Bytes that are no block, before the next one.
    Junk { pos: u64, len: u64 },
    /// A block cut short by the end.
    Partial { pos: u64, have: u64, need: u64 },
    /// Bytes after the last block.
    Trailing { pos: u64, len: u64 },
}

/// The blocks between `start` and `end`, resynchronising on the next
/// block header after damage.
pub(crate) struct Blocks<'a> {
    bytes: Bytes<'a>,
    pos: u64,
    end: u64,
    done: bool,
}

impl<'a> Blocks<'a> {
    pub(crate) fn new(bytes: Bytes<'a>, start: u64, end: u64) -> Self {
        Blocks {
            bytes,
            pos: start,
            end,
            done: false,
        }
    }

    /// The next offset within the resync distance where a block header
    /// parses.
    fn resync(&self, from: u64) -> Option<u64> {
        let limit = self.end.min(from.saturating_add(RESYNC));
        let window = self.bytes.get_up_to(from, limit.saturating_sub(from));
        let mut i = 0;
        while let Some(k) = window
            .get(i..)
            .and_then(|w| w.windows(4).position(|x| x == b"wvpk"))
        {
            let at = from + (i + k) as u64;
            if parse_header(self.bytes, at).is_some() {
                return Some(at);
            }
            i += k + 1;
        }
        None
    }
}

impl Iterator for Blocks<'_> {
    type Item = Step;

    fn next(&mut self) -> Option<Step> {
        if self.done || self.pos >= self.end {
            return None;
        }
        let pos = self.pos;
        match parse_header(self.bytes, pos) {
            Some(h) if h.len <= self.end - pos => {
                self.pos += h.len;
                Some(Step::Block(h))
            }
            Some(h) => {
                self.done = true;
                Some(Step::Partial {
                    pos,
                    have: self.end - pos,
                    need: h.len,
                })
            }
            None => match self.resync(pos + 1) {
                Some(next) => {
                    self.pos = next;
                    Some(Step::Junk {
                        pos,
                        len: next - pos,
                    })
                }
                None => {
                    self.done = true;
                    Some(Step::Trailing {
                        pos,
                        len: self.end - pos,
                    })
                }
            },
        }
    }
}

/// Walk every block from `start` to `end`.
pub(crate) fn walk(bytes: Bytes<'_>, start: u64, end: u64) -> Walk {
    let mut w = Walk {
        end: start,
        ..Walk::default()
    };
    let mut next_index: Option<u64> = None;
    for step in Blocks::new(bytes, start, end) {
        match step {
            Step::Block(h) => {
                w.blocks += 1;
                w.bytes += h.len;
                w.end = h.pos + h.len;
                if h.initial() {
                    w.samples = w.samples.saturating_add(u64::from(h.samples));
                    if let Some(want) = next_index
                        && want != h.index
                        && h.samples > 0
                    {
                        w.gaps += 1;
                        w.gap.get_or_insert((h.pos, h.index, want));
                    }
                    if h.samples > 0 {
                        next_index = Some(h.index.saturating_add(u64::from(h.samples)));
                    }
                }
            }
            Step::Junk { pos, len } => {
                let j = w.junk.get_or_insert((pos, 0));
                j.1 += len;
            }
            Step::Partial { pos, have, need } => w.partial = Some((pos, have, need)),
            Step::Trailing { pos, len } => w.trailing = Some((pos, len)),
        }
    }
    w
}

/// Where the verifier finds the blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WavPackLayout {
    /// Offset of the first block.
    pub start: u64,
    /// Where the blocks end (before the end tags).
    pub end: u64,
    /// The first block's total sample count, when set.
    pub declared: Option<u64>,
}

/// The format's facts from the first block (and its channel set).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Params {
    rate: Option<u32>,
    channels: u32,
    mask: Option<u32>,
    dsd_power: Option<u32>,
}

/// The rate, channels and DSD multiplier from the first channel set.
fn params(bytes: Bytes<'_>, first: &BlockHeader, end: u64, p: &mut Probe) -> Params {
    let mut out = Params::default();
    let index = (first.flags >> 23) & 0xF;
    out.rate = RATES.get(index as usize).copied();
    let mut channel_info = None;
    match sub_blocks(bytes, first) {
        Ok(subs) => {
            for s in subs {
                let data = bytes.get_up_to(s.data, s.len.min(16));
                match s.id {
                    ID_SAMPLE_RATE if data.len() >= 3 => {
                        let mut rate = u32::from(data[0])
                            | u32::from(data[1]) << 8
                            | u32::from(data[2] & 0x7f) << 16;
                        if let Some(&b) = data.get(3) {
                            rate |= u32::from(b & 0x7f) << 23;
                        }
                        out.rate = Some(rate);
                    }
                    ID_CHANNEL_INFO if !data.is_empty() => {
                        channel_info = Some(channel_info_of(data));
                    }
                    ID_DSD_BLOCK if !data.is_empty() => out.dsd_power = Some(u32::from(data[0])),
                    0x21 => push_unique(&mut p.metadata_chunks, "RIFF header"),
                    0x23 => push_unique(&mut p.metadata_chunks, "alternate header"),
                    0x26 => push_unique(&mut p.metadata_chunks, "MD5"),
                    _ => {}
                }
            }
        }
        // A block cut short is truncated_data, said by the walk.
        Err(_) if first.pos + first.len > bytes.len() => {}
        Err(at) => p.findings.error(
            Code::InvalidHeader,
            format!(
                "the first block's metadata sub-block at offset {at} runs past the end of the block"
            ),
        ),
    }
    if first.flags & DSD_FLAG == 0 {
        out.dsd_power = None;
    }
    match channel_info {
        Some((n, mask)) => {
            out.channels = n;
            out.mask = (mask != 0).then_some(mask);
        }
        None => {
            // Without ID_CHANNEL_INFO: the channels of the first set's
            // blocks, from the initial block to the final one.
            let mut pos = first.pos;
            let mut n = 0u32;
            for _ in 0..256 {
                let Some(h) = parse_header(bytes, pos).filter(|h| h.len <= end - pos.min(end))
                else {
                    break;
                };
                n += h.channels();
                if h.flags & FINAL_BLOCK != 0 {
                    break;
                }
                pos += h.len;
            }
            out.channels = n.max(first.channels());
        }
    }
    out
}

/// `(channels, mask)` of an `ID_CHANNEL_INFO` sub-block: one byte of
/// channels and up to four of mask, or WavPack 5's six- or seven-byte form
/// with 12-bit channel counts.
fn channel_info_of(data: &[u8]) -> (u32, u32) {
    let le = |b: &[u8]| b.iter().rev().fold(0u32, |a, &x| (a << 8) | u32::from(x));
    if data.len() >= 6 {
        let n = (u32::from(data[0]) | (u32::from(data[2]) & 0xF) << 8) + 1;
        (n, le(&data[3..data.len().min(7)]))
    } else {
        (u32::from(data[0]), le(&data[1..]))
    }
}

/// Probe the WavPack stream whose first block is at `start` (0, or after
/// ID3v2 tags).
pub fn probe(bytes: Bytes<'_>, start: u64) -> Probe {
    let mut p = Probe {
        file_format: Some(FileFormat::WavPack),
        audio_codec: Some("WavPack".into()),
        ..Probe::default()
    };
    let Some(first) = parse_header(bytes, start) else {
        let version = bytes
            .get(start + 8, 2)
            .map(|v| u16::from_le_bytes([v[0], v[1]]));
        p.findings.error(
            Code::InvalidHeader,
            match version {
                Some(v) if !VERSIONS.contains(&v) => format!(
                    "the first block has stream version 0x{v:x}, outside the 0x402-0x410 this format has"
                ),
                _ => "the first WavPack block header is incomplete or malformed".to_string(),
            },
        );
        return p;
    };
    let end = crate::formats::mpeg::audio_end(bytes, start, &mut p);
    let pr = params(bytes, &first, end, &mut p);
    let dsd = pr.dsd_power.is_some();
    let hybrid = first.flags & HYBRID_FLAG != 0;
    // Samples per channel: DSD blocks count bytes, eight DSD samples each.
    let scale = if dsd { 8 } else { 1 };
    if dsd {
        p.audio_codec = Some("WavPack DSD".into());
        p.bit_depth = Some(1);
        let power = pr.dsd_power.unwrap_or(0);
        p.sample_rate = pr
            .rate
            .and_then(|r| r.checked_shl(power))
            .filter(|&r| power < 16 && r <= u32::MAX / 8)
            .map(|r| r * 8);
    } else {
        p.sample_rate = pr.rate;
        if first.flags & FLOAT_DATA != 0 {
            p.sample_format = Some(SampleFormat::Float);
            p.bit_depth = Some(32);
        } else {
            p.sample_format = Some(SampleFormat::Int);
            let bytes_per = (first.flags & 3) + 1;
            let shift = (first.flags >> 13) & 0x1F;
            p.bit_depth = Some((bytes_per * 8).saturating_sub(shift).max(1));
        }
        if hybrid {
            p.audio_codec = Some("WavPack Hybrid".into());
            p.bit_depth = None;
            p.findings.warn(
                Code::LossyHybrid,
                "a WavPack hybrid stream: decoded alone it is lossy; the original is restored only with its correction file (.wvc)",
            );
        }
    }
    if pr.channels > 0 {
        p.channels = Some(pr.channels);
    }
    p.channel_mask = pr.mask;
    if p.sample_rate.is_none_or(|r| r == 0) {
        p.sample_rate = None;
        p.findings.error(
            Code::InvalidHeader,
            "the first block declares a custom sample rate but carries no ID_SAMPLE_RATE sub-block",
        );
    }

    let w = walk(bytes, start, end);
    p.audio_bytes = Some(w.bytes);
    let counted = w.samples.saturating_mul(scale);
    let declared = first.total.map(|t| t.saturating_mul(scale));
    if let Some((pos, have, need)) = w.partial {
        p.findings.error(
            Code::TruncatedData,
            format!(
                "the block at offset {pos} is cut short: {have} of its {need} bytes are present"
            ),
        );
    }
    match declared {
        Some(total) if counted == total && w.partial.is_none() => {
            p.total_samples = Some(total);
            p.duration_source = Some(DurationSource::Header);
        }
        Some(total) if counted < total => {
            if w.partial.is_none() {
                p.findings.error(
                    Code::TruncatedData,
                    format!(
                        "the header declares {total} samples per channel, the blocks hold {counted}"
                    ),
                );
            }
            p.total_samples = Some(counted);
            p.declared_samples = Some(total);
            p.duration_source = Some(DurationSource::Frames);
        }
        Some(total) => {
            p.findings.error(
                Code::SampleCountMismatch,
                format!(
                    "the header declares {total} samples per channel, the blocks hold {counted}"
                ),
            );
            p.total_samples = Some(counted);
            p.declared_samples = Some(total);
            p.duration_source = Some(DurationSource::Frames);
        }
        None => {
            p.findings.warn(
                Code::DataSizeUnset,
                format!(
                    "the first block's total sample count is unknown (-1, as a streamed encode leaves it): {counted} counted from the samples of {} blocks",
                    w.blocks
                ),
            );
            p.total_samples = Some(counted);
            p.duration_source = Some(DurationSource::Frames);
        }
    }
    if let Some((pos, len)) = w.junk {
        p.findings.warn(
            Code::CorruptFrames,
            format!(
                "{len} bytes between blocks are no WavPack block (the first at offset {pos}): the walk found the next block header after them"
            ),
        );
    }
    if let Some((pos, len)) = w.trailing {
        p.findings.warn(
            Code::TrailingData,
            format!(
                "{len} bytes after the last block (offset {pos}) are neither a block nor a known tag"
            ),
        );
    }
    if let Some((pos, index, want)) = w.gap {
        p.findings.error(
            Code::InconsistentStream,
            format!(
                "{} block{} do not continue the sample index: the first at offset {pos} starts at sample {index}, {want} was next",
                w.gaps,
                if w.gaps == 1 { "" } else { "s" }
            ),
        );
    }
    p.layout = Some(Layout::WavPack(WavPackLayout {
        start,
        end,
        declared: first.total,
    }));
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A block of `samples` samples of 16-bit stereo 44.1 kHz, with `body`
    /// bytes of a WV bitstream sub-block.
    pub(crate) fn block(index: u64, total: Option<u64>, samples: u32, body: usize) -> Vec<u8> {
        let mut b = b"wvpk".to_vec();
        let ck = 24 + 4 + body;
        b.extend_from_slice(&(ck as u32).to_le_bytes());
        b.extend_from_slice(&0x410u16.to_le_bytes());
        b.push((index >> 32) as u8);
        let t = total.map(|t| t + t / 0xFFFF_FFFF);
        b.push(t.map_or(0, |t| (t >> 32) as u8));
        b.extend_from_slice(&t.map_or(u32::MAX, |t| t as u32).to_le_bytes());
        b.extend_from_slice(&(index as u32).to_le_bytes());
        b.extend_from_slice(&samples.to_le_bytes());
        b.extend_from_slice(&(1u32 | INITIAL_BLOCK | FINAL_BLOCK | 9 << 23).to_le_bytes());
        b.extend_from_slice(&0u32.to_le_bytes());
        b.push(0x8a);
        b.extend_from_slice(&((body / 2) as u32).to_le_bytes()[..3]);
        b.resize(b.len() + body, 0x55);
        b
    }

    #[test]
    fn total_is_checked_against_the_blocks() {
        let mut f = block(0, Some(3000), 1000, 8);
        f.extend(block(1000, Some(3000), 1000, 8));
        f.extend(block(2000, Some(3000), 1000, 8));
        let p = probe(Bytes::full(&f), 0);
        assert_eq!(p.total_samples, Some(3000));
        assert_eq!(p.duration_source, Some(DurationSource::Header));
        assert_eq!(p.channels, Some(2));
        assert_eq!(p.sample_rate, Some(44100));
        assert_eq!(p.bit_depth, Some(16));
        assert!(p.findings.errors.is_empty(), "{:?}", p.findings);
        // Cut inside the last block.
        let cut = &f[..f.len() - 3];
        let p = probe(Bytes::full(cut), 0);
        assert_eq!(p.total_samples, Some(2000));
        assert_eq!(p.declared_samples, Some(3000));
        assert!(p.findings.has_error(Code::TruncatedData));
        // Unknown total.
        let mut g = block(0, None, 1000, 8);
        g.extend(block(1000, None, 500, 8));
        let p = probe(Bytes::full(&g), 0);
        assert_eq!(p.total_samples, Some(1500));
        assert_eq!(p.duration_source, Some(DurationSource::Frames));
    }

    #[test]
    fn forty_bit_totals() {
        let t = (1u64 << 33) + 5;
        let f = block(0, Some(t), 1000, 8);
        assert_eq!(parse_header(Bytes::full(&f), 0).unwrap().total, Some(t));
        let f = block(0, Some(0xFFFF_FFFE), 1000, 8);
        assert_eq!(
            parse_header(Bytes::full(&f), 0).unwrap().total,
            Some(0xFFFF_FFFE)
        );
    }

    #[test]
    fn damaged_headers_do_not_panic() {
        let f = block(0, Some(3000), 1000, 8);
        for cut in 0..f.len() {
            let _ = probe(Bytes::full(&f[..cut]), 0);
        }
        let mut g = f.clone();
        g[32] = 0xFF;
        g[33] = 0xFF;
        let _ = probe(Bytes::full(&g), 0);
    }
}
