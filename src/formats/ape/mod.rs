//! Monkey's Audio (`MAC `), measured from its header and seek table.
//!
//! Two header layouts: from version 3.98 (3980) an `APE_DESCRIPTOR` (the
//! lengths of the header, seek table, stored WAV header, audio data and
//! WAV tail, and an MD5) followed by an `APE_HEADER` (compression level,
//! format flags, blocks per frame, blocks of the final frame, total
//! frames, bits, channels, rate); before it one 32-byte header (version,
//! compression level, format flags, channels, rate, WAV header and
//! terminating bytes, total frames, final frame blocks), with the bit
//! depth in the flags (8, 24, else 16) and the blocks per frame fixed by
//! the version and compression level (294,912 from 3.95, 73,728 from 3.90
//! or from 3.80 at "extra high", else 9,216).
//!
//! The exact count is `(total frames - 1) x blocks per frame + final frame
//! blocks` (`durationSource: "header"`). The seek table gives each frame's
//! offset: a frame that starts or (from 3.98, where the audio data length
//! is known) ends past the end of the file is `truncated_data`, and the
//! samples of the frames that are whole are reported, with the header's
//! figure as `declaredSamples`. Each frame's CRC-32 covers its decoded
//! samples, so `--verify` (without an APE decoder) checks structure only:
//! the seek table's offsets in order and inside the audio.

pub mod verify;

use crate::formats::{Layout, Probe};
use crate::io::reader::{Bytes, Endian, Reader};
use crate::record::{Code, DurationSource, FileFormat, SampleFormat};

const LE: Endian = Endian::Little;

const FLAG_8_BIT: u16 = 1;
const FLAG_PEAK_LEVEL: u16 = 4;
const FLAG_24_BIT: u16 = 8;
const FLAG_SEEK_ELEMENTS: u16 = 16;
const FLAG_CREATE_WAV_HEADER: u16 = 32;

/// Where the verifier finds the frames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApeLayout {
    /// Offset of `MAC ` (after ID3v2 tags): seek table offsets count from it.
    pub junk: u64,
    /// Offset and entries of the seek table.
    pub seek_at: u64,
    /// Entries of the seek table (as many as the file holds).
    pub seek_entries: u64,
    /// Frames the header declares.
    pub frames: u64,
    /// Where the first frame should start.
    pub first_frame: u64,
    /// Where the audio data ends: declared (from 3.98) or the end of the
    /// file less the WAV tail and tags.
    pub audio_end: u64,
    /// The file's audio end less tags (what the file holds).
    pub file_end: u64,
    /// Blocks per frame and blocks of the final frame.
    pub blocks_per_frame: u64,
    /// Blocks of the final frame.
    pub final_blocks: u64,
}

/// The fields of either header layout.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Header {
    version: u16,
    compression: u16,
    flags: u16,
    blocks_per_frame: u64,
    final_blocks: u64,
    frames: u64,
    bits: u32,
    channels: u32,
    rate: u32,
    /// Offset of the seek table and its length in bytes.
    seek_at: u64,
    seek_len: u64,
    /// Offset of the first frame.
    first_frame: u64,
    /// Bytes of audio data (3.98 and later).
    audio_len: Option<u64>,
    /// Bytes of WAV tail after the audio.
    tail_len: u64,
}

fn parse(bytes: Bytes<'_>, junk: u64) -> Result<Header, String> {
    let eof = |_| "the header is cut short".to_string();
    let mut r = Reader::at(bytes, junk + 4);
    let version = r.u16(LE).map_err(eof)?;
    let mut h = Header {
        version,
        ..Header::default()
    };
    if version >= 3980 {
        let _padding = r.u16(LE).map_err(eof)?;
        let descriptor = u64::from(r.u32(LE).map_err(eof)?);
        let header = u64::from(r.u32(LE).map_err(eof)?);
        let seek = u64::from(r.u32(LE).map_err(eof)?);
        let wav_header = u64::from(r.u32(LE).map_err(eof)?);
        let audio_lo = u64::from(r.u32(LE).map_err(eof)?);
        let audio_hi = u64::from(r.u32(LE).map_err(eof)?);
        h.tail_len = u64::from(r.u32(LE).map_err(eof)?);
        if descriptor < 52 || header < 24 {
            return Err(format!(
                "the descriptor ({descriptor} bytes) or header ({header} bytes) is shorter than the format's 52 and 24"
            ));
        }
        let mut r = Reader::at(bytes, junk + descriptor);
        h.compression = r.u16(LE).map_err(eof)?;
        h.flags = r.u16(LE).map_err(eof)?;
        h.blocks_per_frame = u64::from(r.u32(LE).map_err(eof)?);
        h.final_blocks = u64::from(r.u32(LE).map_err(eof)?);
        h.frames = u64::from(r.u32(LE).map_err(eof)?);
        h.bits = u32::from(r.u16(LE).map_err(eof)?);
        h.channels = u32::from(r.u16(LE).map_err(eof)?);
        h.rate = r.u32(LE).map_err(eof)?;
        h.seek_at = junk + descriptor + header;
        h.seek_len = seek;
        h.first_frame = h.seek_at + seek + wav_header;
        h.audio_len = Some(audio_lo | audio_hi << 32);
    } else {
        h.compression = r.u16(LE).map_err(eof)?;
        h.flags = r.u16(LE).map_err(eof)?;
        h.channels = u32::from(r.u16(LE).map_err(eof)?);
        h.rate = r.u32(LE).map_err(eof)?;
        let wav_header = u64::from(r.u32(LE).map_err(eof)?);
        h.tail_len = u64::from(r.u32(LE).map_err(eof)?);
        h.frames = u64::from(r.u32(LE).map_err(eof)?);
        h.final_blocks = u64::from(r.u32(LE).map_err(eof)?);
        if h.flags & FLAG_PEAK_LEVEL != 0 {
            r.skip(4).map_err(eof)?;
        }
        h.seek_len = if h.flags & FLAG_SEEK_ELEMENTS != 0 {
            u64::from(r.u32(LE).map_err(eof)?) * 4
        } else {
            h.frames * 4
        };
        let wav_header = if h.flags & FLAG_CREATE_WAV_HEADER != 0 {
            0
        } else {
            wav_header
        };
        h.seek_at = r.pos() + wav_header;
        // Before 3.81 a table of one byte per frame follows the seek table.
        let bit_table = if version < 3810 { h.frames } else { 0 };
        h.first_frame = h.seek_at + h.seek_len + bit_table;
        h.bits = if h.flags & FLAG_8_BIT != 0 {
            8
        } else if h.flags & FLAG_24_BIT != 0 {
            24
        } else {
            16
        };
        h.blocks_per_frame = if version >= 3950 {
            73728 * 4
        } else if version >= 3900 || (version >= 3800 && h.compression >= 4000) {
            73728
        } else {
            9216
        };
    }
    Ok(h)
}

/// The offset of frame `i` from the seek table (which counts from `MAC `).
pub(crate) fn seek_entry(bytes: Bytes<'_>, layout: &ApeLayout, i: u64) -> Option<u64> {
    let at = layout.seek_at.checked_add(i.checked_mul(4)?)?;
    let b = bytes.get(at, 4)?;
    Some(layout.junk + u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
}

/// Probe the Monkey's Audio stream whose `MAC ` is at `junk`.
pub fn probe(bytes: Bytes<'_>, junk: u64) -> Probe {
    let mut p = Probe {
        file_format: Some(FileFormat::Ape),
        audio_codec: Some("APE".into()),
        ..Probe::default()
    };
    let h = match parse(bytes, junk) {
        Ok(h) => h,
        Err(why) => {
            p.findings.error(Code::InvalidHeader, why);
            return p;
        }
    };
    if h.channels == 0 || h.rate == 0 || !matches!(h.bits, 8 | 16 | 24 | 32) {
        p.findings.error(
            Code::InvalidHeader,
            format!(
                "the header declares {} channels, {} Hz and {} bits (version {})",
                h.channels, h.rate, h.bits, h.version
            ),
        );
        return p;
    }
    p.sample_format = Some(SampleFormat::Int);
    p.sample_rate = Some(h.rate);
    p.channels = Some(h.channels);
    p.bit_depth = Some(h.bits);
    if h.frames > 0 && (h.final_blocks > h.blocks_per_frame || h.blocks_per_frame == 0) {
        p.findings.error(
            Code::InvalidHeader,
            format!(
                "the final frame declares {} blocks, more than the {} of a frame",
                h.final_blocks, h.blocks_per_frame
            ),
        );
        return p;
    }
    let declared = match h.frames {
        0 => 0,
        n => (n - 1) * h.blocks_per_frame + h.final_blocks,
    };
    let file_end = crate::formats::mpeg::audio_end(bytes, junk, &mut p);
    let audio_end = match h.audio_len {
        Some(len) => h.first_frame.saturating_add(len),
        None => file_end.saturating_sub(h.tail_len),
    };
    // Seek table entries the file holds (never more than the frames).
    let room = bytes.len().saturating_sub(h.seek_at) / 4;
    let entries = (h.seek_len / 4).min(room);
    let layout = ApeLayout {
        junk,
        seek_at: h.seek_at,
        seek_entries: entries,
        frames: h.frames,
        first_frame: h.first_frame,
        audio_end,
        file_end,
        blocks_per_frame: h.blocks_per_frame,
        final_blocks: h.final_blocks,
    };
    if h.frames > 0 && h.seek_len / 4 < h.frames {
        p.findings.error(
            Code::InvalidHeader,
            format!(
                "the seek table has {} entries for {} frames",
                h.seek_len / 4,
                h.frames
            ),
        );
    }
    // The complete frames: each ends where the next starts, the last at
    // the end of the audio.
    let held = whole_frames(bytes, &layout);
    let total = match held {
        Some((whole, _)) if whole == h.frames => declared,
        Some((whole, _)) => whole * h.blocks_per_frame,
        None => declared,
    };
    p.audio_bytes = Some(audio_end.min(file_end).saturating_sub(h.first_frame));
    p.total_samples = Some(total);
    if total == declared {
        p.duration_source = Some(DurationSource::Header);
    } else {
        p.declared_samples = Some(declared);
        p.duration_source = Some(DurationSource::Frames);
        let (whole, why) = match held {
            Some((whole, why)) => (whole, why.unwrap_or_default()),
            None => (0, String::new()),
        };
        p.findings.error(
            Code::TruncatedData,
            format!(
                "the header declares {declared} samples per channel in {} frames, the file holds {} whole frames ({total} samples){why}",
                h.frames, whole
            ),
        );
    }
    if let Some(len) = h.audio_len
        && audio_end < file_end.saturating_sub(h.tail_len)
    {
        p.findings.warn(
            Code::TrailingData,
            format!(
                "{} bytes after the {len} bytes of audio data and the WAV tail are neither audio nor a known tag",
                file_end - h.tail_len - audio_end
            ),
        );
    }
    p.layout = Some(Layout::Ape(layout));
    p
}

/// How many frames from the first the file holds whole, and why the next
/// one is not; `None` when the seek table is not readable.
fn whole_frames(bytes: Bytes<'_>, l: &ApeLayout) -> Option<(u64, Option<String>)> {
    let end = l.audio_end.min(l.file_end);
    let mut whole = 0;
    for i in 0..l.frames.min(l.seek_entries) {
        let start = seek_entry(bytes, l, i)?;
        let next = if i + 1 == l.frames {
            l.audio_end
        } else {
            seek_entry(bytes, l, i + 1).unwrap_or(u64::MAX)
        };
        if start >= end || next > end {
            let why = if start >= end {
                format!(": frame {i} starts at offset {start}, the audio ends at {end}")
            } else {
                format!(": frame {i} (offset {start}) runs to {next}, the audio ends at {end}")
            };
            return Some((whole, Some(why)));
        }
        whole += 1;
    }
    Some((whole, None))
}
