//! True Audio (`TTA1`), measured from its header and seek table.
//!
//! The 22-byte header (format, channels, bits, rate, samples per channel)
//! ends with a CRC-32 of its first 18 bytes, checked here; the seek table
//! that follows lists the size of every frame of `rate x 256 / 245`
//! samples (the last one shorter) and ends with its own CRC-32, also
//! checked. The header's count is exact (`durationSource: "header"`) when
//! the frames the table lists are all in the file; a table pointing past
//! the end is `truncated_data`, and the samples of the whole frames are
//! reported with the header's figure as `declaredSamples`.
//!
//! Each frame ends with a CRC-32 of its bytes: `--verify` checks every one
//! (`method: "structure"`: without a TTA decoder the samples themselves
//! are not decoded, but every byte of every frame is covered).

pub mod verify;

use crate::formats::crc::crc32;
use crate::formats::{Layout, Probe};
use crate::io::reader::{Bytes, Endian, Reader};
use crate::record::{Code, DurationSource, FileFormat, SampleFormat};

const LE: Endian = Endian::Little;

/// Where the verifier finds the frames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TtaLayout {
    /// Offset of the seek table.
    pub seek_at: u64,
    /// Frames the header implies (and the table lists).
    pub frames: u64,
    /// Offset of the first frame.
    pub first_frame: u64,
    /// Where the audio ends (before the end tags).
    pub end: u64,
}

/// Samples per frame at `rate`: 256/245 of a second.
fn frame_len(rate: u32) -> u64 {
    u64::from(rate) * 256 / 245
}

/// The size of frame `i` from the seek table.
pub(crate) fn frame_size(bytes: Bytes<'_>, l: &TtaLayout, i: u64) -> Option<u64> {
    let b = bytes.get(l.seek_at.checked_add(i.checked_mul(4)?)?, 4)?;
    Some(u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
}

/// Probe the TTA stream whose `TTA1` is at `start`.
pub fn probe(bytes: Bytes<'_>, start: u64) -> Probe {
    let mut p = Probe {
        file_format: Some(FileFormat::Tta),
        audio_codec: Some("TTA".into()),
        ..Probe::default()
    };
    let Some(head) = bytes.get(start, 22) else {
        p.findings
            .error(Code::InvalidHeader, "the 22-byte TTA header is cut short");
        return p;
    };
    let mut r = Reader::new(head);
    let _magic = r.fourcc();
    let format = r.u16(LE).unwrap_or(0);
    let channels = u32::from(r.u16(LE).unwrap_or(0));
    let bits = u32::from(r.u16(LE).unwrap_or(0));
    let rate = r.u32(LE).unwrap_or(0);
    let declared = u64::from(r.u32(LE).unwrap_or(0));
    let stored = r.u32(LE).unwrap_or(0);
    let computed = crc32(&head[..18]);
    if stored != computed {
        p.findings.error(
            Code::InvalidHeader,
            format!("the header's CRC-32 is {stored:08x}, its bytes give {computed:08x}"),
        );
        return p;
    }
    if channels == 0 || rate == 0 || !(8..=32).contains(&bits) {
        p.findings.error(
            Code::InvalidHeader,
            format!("the header declares {channels} channels, {rate} Hz and {bits} bits"),
        );
        return p;
    }
    p.sample_rate = Some(rate);
    p.channels = Some(channels);
    p.bit_depth = Some(bits);
    p.sample_format = Some(SampleFormat::Int);
    if format == 2 {
        p.audio_codec = Some("TTA (encrypted)".into());
    } else if format != 1 {
        p.findings.error(
            Code::InvalidHeader,
            format!("the header's format is {format} (1: PCM, 2: encrypted)"),
        );
        return p;
    }
    let flen = frame_len(rate);
    let frames = declared.div_ceil(flen);
    let seek_at = start + 22;
    let end = crate::formats::mpeg::audio_end(bytes, start, &mut p);
    let first_frame = seek_at + frames * 4 + 4;
    let layout = TtaLayout {
        seek_at,
        frames,
        first_frame,
        end,
    };
    // The seek table and its CRC.
    let table = bytes.get(seek_at, frames * 4 + 4);
    let Some(table) = table else {
        p.findings.error(
            Code::TruncatedData,
            format!(
                "the seek table of {frames} frames runs past the end of the file: none of the {declared} samples per channel is there"
            ),
        );
        p.total_samples = Some(0);
        p.declared_samples = Some(declared);
        p.duration_source = Some(DurationSource::Frames);
        return p;
    };
    let n = table.len() - 4;
    let stored = u32::from_le_bytes([table[n], table[n + 1], table[n + 2], table[n + 3]]);
    let computed = crc32(&table[..n]);
    if stored != computed {
        p.findings.error(
            Code::InvalidHeader,
            format!("the seek table's CRC-32 is {stored:08x}, its bytes give {computed:08x}"),
        );
    }
    // The frames the file holds whole.
    let mut pos = first_frame;
    let mut whole = 0u64;
    let mut cut = None;
    for i in 0..frames {
        let size = frame_size(bytes, &layout, i).unwrap_or(u64::MAX);
        if size > end.saturating_sub(pos) {
            cut = Some((i, pos, size));
            break;
        }
        pos += size;
        whole += 1;
    }
    p.audio_bytes = Some(pos.saturating_sub(first_frame));
    if let Some((i, at, size)) = cut {
        let total = (whole * flen).min(declared);
        p.total_samples = Some(total);
        p.declared_samples = Some(declared);
        p.duration_source = Some(DurationSource::Frames);
        p.findings.error(
            Code::TruncatedData,
            format!(
                "the header declares {declared} samples per channel in {frames} frames; frame {i} (offset {at}, {size} bytes per the seek table) runs past the end of the audio at {end}: the {whole} whole frames hold {total}"
            ),
        );
    } else {
        p.total_samples = Some(declared);
        p.duration_source = Some(DurationSource::Header);
        if pos < end {
            p.findings.warn(
                Code::TrailingData,
                format!(
                    "{} bytes after the last frame (offset {pos}) are neither a frame nor a known tag",
                    end - pos
                ),
            );
        }
    }
    p.layout = Some(Layout::Tta(layout));
    p
}
