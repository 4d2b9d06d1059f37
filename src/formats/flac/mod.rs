//! Native FLAC streams, measured without decoding.
//!
//! `STREAMINFO` gives the rate, channels, bit depth, total samples and the
//! MD5 signature of the audio. ddexprobe does not take the total on trust:
//!
//! * the first frame header (right after the metadata) must agree with
//!   `STREAMINFO` (block size within min/max, channels, bits, rate);
//! * the last frame is found by scanning back from the end of the file for a
//!   frame header (sync code, valid fields, CRC-8) whose frame, run to the end
//!   of the file, carries a matching CRC-16. Its frame or sample number plus
//!   its block size is where the stream really ends. A stream that ends before
//!   `STREAMINFO`'s total, or inside a frame, is `truncated_data`; one that
//!   runs past it is `sample_count_mismatch`; a total of 0 (unknown) is
//!   replaced by the count from the frames (`durationSource: "frames"`).
//!
//! That costs a few KiB of reading at each end of the file, whatever its size.

use crate::checksum::hex;
pub use crate::formats::crc::{crc8, crc16};
use crate::formats::push_unique;
use crate::formats::{Budget, Layout, Probe};
use crate::io::reader::{Bytes, Endian, Reader};
use crate::record::{Code, DurationSource, FileFormat, SampleFormat};
use crate::tags::vorbis::read_vorbis_comment;

// The decoder has one `unsafe` path: BMI2/LZCNT bit reading, chosen at
// run time only when the CPU has them.
#[allow(unsafe_code)]
pub mod decoder;
pub mod verify;

const BE: Endian = Endian::Big;

/// How far back from the end the last frame header is searched for first;
/// a frame of 16-bit stereo at the usual block sizes is a few KiB.
const TAIL_FIRST: u64 = 64 << 10;
/// How far back it is searched for at most.
const TAIL_WINDOW: u64 = 16 << 20;
/// How many candidate headers get the (costlier) CRC-16 check.
const TAIL_CANDIDATES: usize = 8;

/// One parsed frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameHeader {
    /// Offset of the sync code in the buffer.
    pub pos: u64,
    /// Header length in bytes, CRC-8 included.
    pub len: u64,
    /// Variable block size: `number` is a sample number, else a frame number.
    pub variable: bool,
    /// Frame number (fixed block size) or first sample number (variable).
    pub number: u64,
    /// Samples per channel in this frame.
    pub block_size: u32,
    /// Sample rate, when the header states one.
    pub rate: Option<u32>,
    /// Channel count.
    pub channels: u32,
    /// Bits per sample, when the header states them.
    pub bits: Option<u32>,
    /// Channel assignment code: 0-7 independent channels, 8 left/side,
    /// 9 side/right, 10 mid/side.
    pub assignment: u8,
}

/// STREAMINFO fields.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamInfo {
    /// Minimum block size in samples.
    pub min_block: u32,
    /// Maximum block size in samples.
    pub max_block: u32,
    /// Minimum frame size in bytes (0: unknown).
    pub min_frame: u32,
    /// Maximum frame size in bytes (0: unknown).
    pub max_frame: u32,
    /// Sample rate in Hz.
    pub rate: u32,
    /// Channels.
    pub channels: u32,
    /// Bits per sample.
    pub bits: u32,
    /// Total samples per channel (0: unknown).
    pub total: u64,
    /// MD5 of the decoded audio (all zeros: unset).
    pub md5: [u8; 16],
}

/// Where a FLAC stream's frames are, for verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamLayout {
    /// STREAMINFO, when the stream has one.
    pub info: Option<StreamInfo>,
    /// Offset where the metadata ends and the first frame should start.
    pub audio_start: u64,
    /// Offset where the stream ends (before ID3v1/APEv2 tags).
    pub end: u64,
}

/// Parse the frame header at `pos`, checking its fields and CRC-8.
///
/// `streaminfo_rate`/`bits` fill in "see STREAMINFO" codes when known.
pub fn parse_frame_header<'a>(bytes: impl Into<Bytes<'a>>, pos: u64) -> Option<FrameHeader> {
    let bytes = bytes.into();
    let mut r = Reader::at(bytes, pos);
    let b0 = r.u8().ok()?;
    let b1 = r.u8().ok()?;
    if b0 != 0xFF || b1 & 0xFE != 0xF8 {
        return None;
    }
    let variable = b1 & 1 == 1;
    let b2 = r.u8().ok()?;
    let b3 = r.u8().ok()?;
    let bs_code = b2 >> 4;
    let sr_code = b2 & 0x0F;
    let ch_code = b3 >> 4;
    let ss_code = (b3 >> 1) & 0x07;
    if bs_code == 0 || sr_code == 15 || ch_code > 10 || ss_code == 3 || b3 & 1 != 0 {
        return None;
    }
    // UTF-8-like coded number: up to 7 bytes (36 bits).
    let first = r.u8().ok()?;
    let (mut number, extra) = match first.leading_ones() {
        0 => (u64::from(first), 0),
        n @ 2..=7 => (u64::from(first & (0x7F >> n)), n - 1),
        8 if variable => (0, 6),
        _ => return None,
    };
    for _ in 0..extra {
        let b = r.u8().ok()?;
        if b & 0xC0 != 0x80 {
            return None;
        }
        number = (number << 6) | u64::from(b & 0x3F);
    }
    if !variable && extra > 5 {
        return None;
    }
    let block_size = match bs_code {
        1 => 192,
        2..=5 => 576 << (bs_code - 2),
        6 => u32::from(r.u8().ok()?) + 1,
        7 => u32::from(r.u16(BE).ok()?) + 1,
        _ => 256 << (bs_code - 8),
    };
    let rate = match sr_code {
        0 => None,
        1 => Some(88_200),
        2 => Some(176_400),
        3 => Some(192_000),
        4 => Some(8_000),
        5 => Some(16_000),
        6 => Some(22_050),
        7 => Some(24_000),
        8 => Some(32_000),
        9 => Some(44_100),
        10 => Some(48_000),
        11 => Some(96_000),
        12 => Some(u32::from(r.u8().ok()?) * 1000),
        13 => Some(u32::from(r.u16(BE).ok()?)),
        _ => Some(u32::from(r.u16(BE).ok()?) * 10),
    };
    let channels = if ch_code < 8 {
        u32::from(ch_code) + 1
    } else {
        2
    };
    let bits = match ss_code {
        0 => None,
        1 => Some(8),
        2 => Some(12),
        4 => Some(16),
        5 => Some(20),
        6 => Some(24),
        _ => Some(32),
    };
    let end = r.pos();
    let crc = r.u8().ok()?;
    let header = bytes.get(pos, end - pos)?;
    if crc8(header) != crc {
        return None;
    }
    Some(FrameHeader {
        pos,
        len: end + 1 - pos,
        variable,
        number,
        block_size,
        rate,
        channels,
        bits,
        assignment: ch_code,
    })
}

/// An empty probe of a FLAC stream: integer PCM coded as FLAC.
fn flac_probe() -> Probe {
    Probe {
        file_format: Some(FileFormat::Flac),
        audio_codec: Some("FLAC".to_string()),
        sample_format: Some(SampleFormat::Int),
        ..Probe::default()
    }
}

/// Probe a FLAC stream whose `fLaC` marker is at `start` (after any ID3v2).
pub fn probe<'a>(bytes: impl Into<Bytes<'a>>, start: u64) -> Probe {
    let buf = bytes.into();
    let mut p = flac_probe();
    if start > 0 {
        p.findings.warn(
            Code::LeadingId3,
            format!(
                "the FLAC stream starts after a {start}-byte ID3v2 tag, which some decoders reject"
            ),
        );
    }
    let mut r = Reader::at(buf, start + 4);
    let mut info: Option<StreamInfo> = None;
    let mut index = 0u32;
    let mut chain_ok = true;
    loop {
        let block_start = r.pos();
        let Ok(h) = r.u8() else {
            p.findings.error(
                Code::InvalidHeader,
                format!("the metadata ends at offset {block_start} without a last-block flag and with no audio"),
            );
            return p;
        };
        let last = h & 0x80 != 0;
        let kind = h & 0x7F;
        let Ok(len) = r.u24(BE) else {
            p.findings.error(
                Code::InvalidHeader,
                "the file ends inside a metadata block header",
            );
            return p;
        };
        let len = u64::from(len);
        if kind == 127 {
            p.findings.error(
                Code::InvalidHeader,
                format!("metadata block {index} at offset {block_start} has the invalid type 127: the metadata chain is corrupt"),
            );
            chain_ok = false;
            break;
        }
        let Ok(mut body) = r.sub(len) else {
            p.findings.error(
                Code::InvalidHeader,
                format!(
                    "metadata block {index} ({}) at offset {block_start} claims {len} bytes, only {} remain",
                    block_name(kind),
                    r.remaining()
                ),
            );
            chain_ok = false;
            break;
        };
        match kind {
            0 => {
                if index != 0 {
                    p.findings.error(
                        Code::InvalidHeader,
                        format!("STREAMINFO is metadata block {index}; it must be the first"),
                    );
                }
                if info.is_some() {
                    p.findings
                        .error(Code::InvalidHeader, "more than one STREAMINFO block");
                } else if len < 34 {
                    p.findings.error(
                        Code::InvalidHeader,
                        format!("STREAMINFO is {len} bytes; it must be 34"),
                    );
                } else {
                    info = parse_streaminfo(&mut body);
                }
            }
            _ => {
                if index == 0 {
                    p.findings.error(
                        Code::InvalidHeader,
                        format!(
                            "the first metadata block is {}, not STREAMINFO",
                            block_name(kind)
                        ),
                    );
                }
                let problem = if kind == 4 {
                    read_vorbis_comment(&mut body, &mut p.tags)
                        .err()
                        .map(|m| format!("VORBIS_COMMENT {m}"))
                } else {
                    check_block(kind, &mut body)
                };
                if let Some(msg) = problem {
                    p.findings.error(Code::InvalidMetadata, msg);
                }
                if kind != 1 && kind < 7 {
                    push_unique(&mut p.metadata_chunks, block_name(kind));
                }
                if (7..127).contains(&kind) {
                    p.findings.warn(
                        Code::InconsistentHeader,
                        format!("metadata block {index} has the reserved type {kind}"),
                    );
                }
            }
        }
        index += 1;
        if last {
            break;
        }
    }
    let audio_start = r.pos();
    let mut first = parse_frame_header(buf, audio_start);
    if first.is_none() && audio_start < buf.len() {
        if chain_ok {
            p.findings.error(
                Code::InvalidHeader,
                format!("no frame header where the metadata ends (offset {audio_start}): a metadata block length is wrong or the audio is corrupt"),
            );
        }
        // Still say what the frames say, when they can be found.
        first = find_frame_forward(buf, audio_start);
    }
    if info.is_none() && !p.findings.has_error(Code::InvalidHeader) {
        p.findings
            .error(Code::InvalidHeader, "no STREAMINFO metadata block");
    }
    measure(buf, &mut p, info, first, audio_start);
    check_compression(&mut p);
    p
}

/// Warn when the audio the stream declares is out of all proportion to its
/// bytes (more than [`Budget::DEFAULT_RATIO`] decoded bytes per coded
/// byte, and more than [`Budget::FLOOR`] in all): no real recording
/// compresses like that, and `--verify` would stop with `not_verified`.
fn check_compression(p: &mut Probe) {
    let (Some(total), Some(channels), Some(coded)) = (p.total_samples, p.channels, p.audio_bytes)
    else {
        return;
    };
    let width = u64::from(p.bit_depth.unwrap_or(32).div_ceil(8));
    let decoded = total
        .saturating_mul(u64::from(channels))
        .saturating_mul(width);
    if decoded > Budget::FLOOR && decoded / coded.max(1) > Budget::DEFAULT_RATIO {
        p.findings.warn(
            Code::ImplausibleCompression,
            format!(
                "the stream declares {decoded} bytes of decoded audio in {coded} bytes \
                 ({}:1; real recordings compress about 1.5-4:1 and digital silence about \
                 1,100:1): it is crafted or corrupt, and --verify stops before its end \
                 unless --verify-budget is raised",
                decoded / coded.max(1)
            ),
        );
    }
}

/// Probe a FLAC stream that starts directly at a frame header, at `start`
/// (after junk when not 0).
pub fn probe_frames_only<'a>(bytes: impl Into<Bytes<'a>>, start: u64) -> Probe {
    let buf = bytes.into();
    let mut p = flac_probe();
    p.findings.warn(
        Code::NoStreamHeader,
        "the stream has no fLaC marker and no STREAMINFO: figures come from the frame headers",
    );
    if start > 0 {
        p.findings.warn(
            Code::LeadingData,
            format!("{start} bytes before the first FLAC frame are not audio"),
        );
    }
    let first = parse_frame_header(buf, start);
    measure(buf, &mut p, None, first, start);
    check_compression(&mut p);
    p
}

fn find_frame_forward(buf: Bytes<'_>, from: u64) -> Option<FrameHeader> {
    let end = buf.len().min(from.saturating_add(1 << 20));
    (from..end).find_map(|pos| parse_frame_header(buf, pos))
}

fn parse_streaminfo(r: &mut Reader<'_>) -> Option<StreamInfo> {
    let min_block = u32::from(r.u16(BE).ok()?);
    let max_block = u32::from(r.u16(BE).ok()?);
    let min_frame = r.u24(BE).ok()?;
    let max_frame = r.u24(BE).ok()?;
    let packed = r.u64(BE).ok()?;
    let md5 = r.array::<16>().ok()?;
    Some(StreamInfo {
        min_block,
        max_block,
        min_frame,
        max_frame,
        rate: (packed >> 44) as u32,
        channels: ((packed >> 41) & 0x7) as u32 + 1,
        bits: ((packed >> 36) & 0x1F) as u32 + 1,
        total: packed & 0xF_FFFF_FFFF,
        md5,
    })
}

fn block_name(kind: u8) -> &'static str {
    match kind {
        0 => "STREAMINFO",
        1 => "PADDING",
        2 => "APPLICATION",
        3 => "SEEKTABLE",
        4 => "VORBIS_COMMENT",
        5 => "CUESHEET",
        6 => "PICTURE",
        _ => "reserved",
    }
}

/// Structural checks of metadata blocks whose content has lengths inside.
fn check_block(kind: u8, r: &mut Reader<'_>) -> Option<String> {
    match kind {
        3 if !r.remaining().is_multiple_of(18) => Some(format!(
            "SEEKTABLE is {} bytes, not a multiple of 18",
            r.remaining()
        )),
        6 => {
            let le = Endian::Big;
            let _ptype = r.u32(le).ok();
            for what in ["MIME type", "description"] {
                let Ok(len) = r.u32(le) else {
                    return Some(format!("PICTURE block ends before its {what} length"));
                };
                if r.skip(u64::from(len)).is_err() {
                    return Some(format!(
                        "PICTURE {what} claims {len} bytes, the block holds fewer"
                    ));
                }
            }
            if r.skip(16).is_err() {
                return Some("PICTURE block ends inside its dimensions".to_string());
            }
            let Ok(len) = r.u32(le) else {
                return Some("PICTURE block ends before its data length".to_string());
            };
            if u64::from(len) > r.remaining() {
                return Some(format!(
                    "PICTURE data claims {len} bytes, the block holds {}",
                    r.remaining()
                ));
            }
            None
        }
        _ => None,
    }
}

/// The byte where the stream ends: the file's end less ID3v1/APEv2 tags.
fn stream_end(bytes: Bytes<'_>, p: &mut Probe) -> u64 {
    let mut end = bytes.len();
    let mut tags = Vec::new();
    if let Some(tag) = end.checked_sub(128).and_then(|at| bytes.get(at, 128))
        && tag.starts_with(b"TAG")
    {
        end -= 128;
        tags.push("a 128-byte ID3v1 tag".to_string());
    }
    if let Some(footer) = end.checked_sub(32).and_then(|at| bytes.get(at, 32))
        && footer.starts_with(b"APETAGEX")
    {
        let size = u64::from(u32::from_le_bytes([
            footer[12], footer[13], footer[14], footer[15],
        ]));
        let flags = u32::from_le_bytes([footer[20], footer[21], footer[22], footer[23]]);
        let header = if flags & 0x8000_0000 != 0 { 32 } else { 0 };
        if let Some(total) = size.checked_add(header)
            && total <= end
        {
            end -= total;
            tags.push(format!("a {total}-byte APEv2 tag"));
        }
    }
    if !tags.is_empty() {
        p.findings.warn(
            Code::TrailingData,
            format!("{} after the FLAC stream", tags.join(" and ")),
        );
    }
    end
}

enum Tail {
    /// The last frame, verified by its CRC-16, ending at `end`.
    Complete(FrameHeader, u64),
    /// The stream ends inside this frame (no CRC-16 matches).
    Partial(FrameHeader),
    /// No frame header in the window.
    None,
}

/// Find the last frame of the stream ending at `end`: first in the last
/// [`TAIL_FIRST`] bytes (or the tail window of a windowed view), then, when
/// no frame header is there, back to [`TAIL_WINDOW`].
fn find_tail(bytes: Bytes<'_>, from: u64, end: u64, like: Option<&FrameHeader>) -> Tail {
    let near = from.max(bytes.tail(TAIL_FIRST).0);
    match scan_tail(bytes, near, end, like) {
        Tail::None if near > from && end - near < TAIL_WINDOW => {
            scan_tail(bytes, from.max(end.saturating_sub(TAIL_WINDOW)), end, like)
        }
        found => found,
    }
}

fn scan_tail(bytes: Bytes<'_>, floor: u64, end: u64, like: Option<&FrameHeader>) -> Tail {
    if end < floor.saturating_add(2) {
        return Tail::None;
    }
    let Some(window) = bytes.get(floor, end - floor) else {
        return Tail::None;
    };
    let mut latest: Option<FrameHeader> = None;
    let mut tried = 0;
    for i in (0..window.len() - 1).rev() {
        let pos = floor + i as u64;
        if window[i] == 0xFF
            && window[i + 1] & 0xFE == 0xF8
            && let Some(h) = parse_frame_header(bytes, pos)
            && like.is_none_or(|f| f.variable == h.variable && h.number >= f.number)
            && pos + h.len < end
        {
            if crc16(&window[i..]) == 0 {
                return Tail::Complete(h, end);
            }
            latest.get_or_insert(h);
            tried += 1;
            if tried >= TAIL_CANDIDATES {
                break;
            }
        }
    }
    match latest {
        Some(h) => {
            // A complete frame followed by other bytes: the running CRC-16
            // reaches zero where the frame ends.
            let mut crc = 0u16;
            let start = (h.pos - floor) as usize;
            for (k, &b) in window[start..].iter().enumerate() {
                crc = crate::formats::crc::crc16_byte(crc, b);
                if crc == 0 && k as u64 + 1 > h.len + 2 {
                    return Tail::Complete(h, h.pos + k as u64 + 1);
                }
            }
            Tail::Partial(h)
        }
        None => Tail::None,
    }
}

/// The first sample of frame `h`. `by_sample`: the number is a sample
/// number (variable block size, or the pre-1.0 convention of a fixed-size
/// sync code with STREAMINFO min and max block sizes differing, as Flake 0.11
/// wrote, which libFLAC also accepts).
fn first_sample(h: &FrameHeader, nominal: u32, by_sample: bool) -> u64 {
    if h.variable || by_sample {
        h.number
    } else {
        h.number.saturating_mul(u64::from(nominal))
    }
}

/// Fill rate/channels/bits/total from STREAMINFO (if any) and the frames.
fn measure(
    buf: Bytes<'_>,
    p: &mut Probe,
    info: Option<StreamInfo>,
    first: Option<FrameHeader>,
    audio_start: u64,
) {
    if let Some(si) = info {
        if si.rate == 0 {
            p.findings
                .error(Code::InvalidHeader, "STREAMINFO sample rate is 0");
        } else {
            p.sample_rate = Some(si.rate);
        }
        p.channels = Some(si.channels);
        p.bit_depth = Some(si.bits);
        if si.md5 == [0; 16] {
            p.findings.warn(
                Code::Md5Unset,
                "STREAMINFO MD5 signature is unset (all zeros): the decoded audio cannot be checked against it",
            );
        } else {
            p.flac_md5 = Some(hex(&si.md5));
        }
    } else if let Some(f) = first {
        p.sample_rate = f.rate;
        p.channels = Some(f.channels);
        p.bit_depth = f.bits;
        if f.rate.is_none() || f.bits.is_none() {
            p.findings.error(
                Code::InvalidHeader,
                "the frame headers refer to a STREAMINFO block that is missing: rate or bit depth unknown",
            );
        }
    }

    let end = stream_end(buf, p);
    p.layout = Some(Layout::Flac(StreamLayout {
        info,
        audio_start,
        end,
    }));
    let Some(first) = first else {
        // No audio frames at all.
        match info {
            Some(si) if si.total > 0 => {
                p.total_samples = Some(0);
                p.declared_samples = Some(si.total);
                p.duration_source = Some(DurationSource::Frames);
                p.findings.error(
                    Code::TruncatedData,
                    format!(
                        "STREAMINFO declares {} samples but the file holds no audio frame",
                        si.total
                    ),
                );
            }
            Some(_) => {
                p.total_samples = Some(0);
                p.duration_source = Some(DurationSource::Header);
            }
            None => {}
        }
        return;
    };

    // The first frame against STREAMINFO.
    if let Some(si) = info {
        check_frame(p, &si, &first, true);
    }
    let nominal = first.block_size;
    let by_sample = info.is_some_and(|si| si.min_block != si.max_block);

    let tail = find_tail(buf, audio_start, end, Some(&first));
    let (last, stream_stop, complete) = match tail {
        Tail::Complete(h, stop) => (h, stop, true),
        Tail::Partial(h) => (h, h.pos, false),
        Tail::None => (first, end, false),
    };
    if complete && stream_stop < end {
        p.findings.warn(
            Code::TrailingData,
            format!("{} bytes after the last FLAC frame", end - stream_stop),
        );
    }
    p.audio_bytes = Some(stream_stop.saturating_sub(first.pos));

    // Mid-stream changes seen between the first and the last frame.
    let mut changes = Vec::new();
    if last.channels != first.channels {
        changes.push(format!("channels {} -> {}", first.channels, last.channels));
    }
    if let (Some(a), Some(b)) = (first.rate, last.rate)
        && a != b
    {
        changes.push(format!("sample rate {a} -> {b}"));
    }
    if let (Some(a), Some(b)) = (first.bits, last.bits)
        && a != b
    {
        changes.push(format!("bit depth {a} -> {b}"));
    }
    if !changes.is_empty() {
        p.findings.warn(
            Code::StreamParametersChange,
            format!("the stream changes parameters: {}", changes.join(", ")),
        );
    }

    // Samples are counted from the first frame: a stream captured mid-way
    // (no STREAMINFO) starts at a high frame number.
    // When the first frame sits where the metadata ends (or there is no
    // STREAMINFO), samples count from it; a first frame found only by
    // searching past damage leaves earlier frames uncounted, so count from 0.
    let origin = if first.pos == audio_start || info.is_none() {
        first_sample(&first, nominal, by_sample)
    } else {
        0
    };
    if origin > 0 && info.is_some() {
        p.findings.warn(
            Code::InconsistentHeader,
            format!("the first frame starts at sample {origin}, not 0: counting from it"),
        );
    }
    if last.pos != first.pos
        && first_sample(&last, nominal, by_sample) <= first_sample(&first, nominal, by_sample)
    {
        p.findings.error(
            Code::InconsistentStream,
            format!(
                "the last frame (offset {}) has the same or a lower {} number than the first: frames are repeated or out of order",
                last.pos,
                if last.variable { "sample" } else { "frame" }
            ),
        );
    }
    let last_start = first_sample(&last, nominal, by_sample).saturating_sub(origin);
    let frames_end = last_start.saturating_add(u64::from(last.block_size));
    let declared = info.map_or(0, |si| si.total);
    if first.pos != audio_start && info.is_some() {
        // The first frame was found only by searching past damaged metadata:
        // the frames say how far the audio runs, but comparing that with
        // STREAMINFO would blame the audio for the metadata's fault.
        p.total_samples = Some(frames_end);
        p.declared_samples = (declared != frames_end && declared > 0).then_some(declared);
        p.duration_source = Some(DurationSource::Frames);
        return;
    }
    if complete {
        if declared == 0 {
            // 0 means "unknown" in STREAMINFO: the frames tell.
            p.total_samples = Some(frames_end);
            p.duration_source = Some(DurationSource::Frames);
        } else if frames_end == declared {
            p.total_samples = Some(declared);
            p.duration_source = Some(DurationSource::Header);
        } else if frames_end < declared {
            p.total_samples = Some(frames_end);
            p.declared_samples = Some(declared);
            p.duration_source = Some(DurationSource::Frames);
            p.findings.error(
                Code::TruncatedData,
                format!(
                    "STREAMINFO declares {declared} samples, the frames end at sample {frames_end}: {} samples missing",
                    declared - frames_end
                ),
            );
        } else {
            p.total_samples = Some(frames_end);
            p.declared_samples = Some(declared);
            p.duration_source = Some(DurationSource::Frames);
            p.findings.error(
                Code::SampleCountMismatch,
                format!("the frames carry {frames_end} samples, STREAMINFO declares {declared}"),
            );
        }
    } else {
        // The file ends inside the frame that starts at `last_start`.
        p.total_samples = Some(last_start);
        p.duration_source = Some(DurationSource::Frames);
        if declared > 0 {
            p.declared_samples = Some(declared);
        }
        let what = if declared > 0 {
            format!(
                "STREAMINFO declares {declared} samples; the file ends inside the frame at samples {last_start}..{frames_end} at offset {}: {} samples missing or incomplete",
                last.pos,
                declared.saturating_sub(last_start)
            )
        } else {
            format!(
                "the file ends inside the frame at samples {last_start}..{frames_end} at offset {}",
                last.pos
            )
        };
        p.findings.error(Code::TruncatedData, what);
    }
}

/// Check a frame header against STREAMINFO.
fn check_frame(p: &mut Probe, si: &StreamInfo, f: &FrameHeader, is_first: bool) {
    let mut bad = Vec::new();
    if f.block_size > 65_535 {
        bad.push(format!(
            "block size {} (STREAMINFO can describe at most 65535)",
            f.block_size
        ));
    } else if f.block_size > si.max_block {
        bad.push(format!(
            "block size {} exceeds STREAMINFO's maximum {}",
            f.block_size, si.max_block
        ));
    }
    if is_first && f.block_size < 16 && u64::from(f.block_size) < si.total {
        bad.push(format!(
            "block size {} (only the last frame may have fewer than 16 samples)",
            f.block_size
        ));
    } else if is_first && f.block_size < si.min_block && u64::from(f.block_size) < si.total {
        bad.push(format!(
            "block size {} is below STREAMINFO's minimum {}",
            f.block_size, si.min_block
        ));
    }
    if f.channels != si.channels {
        bad.push(format!(
            "{} channels, STREAMINFO says {}",
            f.channels, si.channels
        ));
    }
    if let Some(b) = f.bits
        && b != si.bits
    {
        bad.push(format!("{b}-bit samples, STREAMINFO says {}", si.bits));
    }
    if let Some(r) = f.rate
        && r != si.rate
    {
        bad.push(format!("{r} Hz, STREAMINFO says {}", si.rate));
    }
    if !bad.is_empty() {
        p.findings.error(
            Code::InconsistentStream,
            format!("the first frame (offset {}) has {}", f.pos, bad.join("; ")),
        );
    }
    let _ = si.max_frame;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_header_round_trip() {
        // Fixed block size, 4096 samples, 44.1 kHz, stereo independent,
        // 16-bit, frame number 0.
        let mut h = vec![0xFF, 0xF8, 0xC9, 0x18, 0x00];
        h.push(crc8(&h));
        let f = parse_frame_header(&h, 0).unwrap();
        assert_eq!(f.block_size, 4096);
        assert_eq!(f.rate, Some(44_100));
        assert_eq!(f.channels, 2);
        assert_eq!(f.bits, Some(16));
        assert_eq!(f.len, 6);
        // A wrong CRC is rejected.
        h[5] ^= 1;
        assert!(parse_frame_header(&h, 0).is_none());
    }

    #[test]
    fn coded_numbers() {
        // Variable block size, sample number 0x12345 coded in 4 bytes.
        let mut h = vec![0xFF, 0xF9, 0x79, 0x18];
        h.extend_from_slice(&[0xF0, 0x92, 0x8D, 0x85]);
        h.extend_from_slice(&[0x01, 0x00]); // block size 257 - 1 (16-bit)
        h.push(crc8(&h));
        let f = parse_frame_header(&h, 0).unwrap();
        assert!(f.variable);
        assert_eq!(f.number, 0x12345);
        assert_eq!(f.block_size, 257);
    }

    #[test]
    fn garbage_after_marker_does_not_panic() {
        let mut v = b"fLaC".to_vec();
        v.extend_from_slice(&[0x00, 0x00, 0x00, 0x22]);
        v.extend_from_slice(&[0xFF; 34]);
        for cut in 0..v.len() {
            let _ = probe(&v[..cut], 0);
        }
        let p = probe(&v, 0);
        assert!(!p.findings.errors.is_empty());
    }
}
