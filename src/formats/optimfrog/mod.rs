//! OptimFROG (`OFR `), measured from its header and its `COMP` blocks.
//!
//! An OptimFROG file (4.50 and later) is a run of chunks, each a four-byte
//! id and a 32-bit little-endian size: `OFR ` (the header: total samples
//! over all channels in 48 bits, the sample type, the channel
//! configuration, the rate, and from 4.504 the encoder and mode), `HEAD`
//! and `TAIL` (the original WAV file's header and trailer), `COMP` (the
//! compressed audio: a CRC-32 of the rest of the block, its sample count,
//! type and channels, the algorithm), `RECV`, `MD5 `, `APET`.
//!
//! The header's total divided by the channels is the exact count
//! (`durationSource: "header"`); the `COMP` blocks' counts must add up to
//! it, else the file is `truncated_data` (fewer: the samples of the whole
//! blocks are reported) or `sample_count_mismatch` (more). Sample types
//! 0-7 are 8- to 32-bit integers, 8-10 32-bit floats.
//!
//! DualStream (lossy) files carry the same header; the public format says
//! nothing of the mode, but their `COMP` blocks name algorithm 0x09xx where
//! lossless encodes (4.520 and 5.100) name 0x08xx: such a file is named
//! "OptimFROG DualStream" with a `lossy_hybrid` warning.
//!
//! `--verify` checks every `COMP` block's CRC-32 over its bytes: a real
//! check of the coded audio, though nothing is decoded (`structure`).

pub mod verify;

use crate::formats::{Layout, Probe};
use crate::io::reader::{Bytes, Endian, Reader};
use crate::record::{Code, DurationSource, FileFormat, SampleFormat};

const LE: Endian = Endian::Little;

/// Where the verifier finds the blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfrLayout {
    /// Offset of the first chunk after the header.
    pub first: u64,
    /// Where the chunks end (before the end tags).
    pub end: u64,
}

/// One chunk: id, offset of its data, size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Chunk {
    pub id: [u8; 4],
    pub pos: u64,
    pub data: u64,
    pub size: u64,
}

/// The chunks from `pos` to `end`; the last item is `Err` when a chunk runs
/// past `end` (offset, size).
pub(crate) fn chunks(bytes: Bytes<'_>, mut pos: u64, end: u64) -> Vec<Result<Chunk, (u64, u64)>> {
    let mut out = Vec::new();
    while pos < end {
        let mut r = Reader::at(bytes, pos);
        let (Ok(id), Ok(size)) = (r.fourcc(), r.u32(LE)) else {
            out.push(Err((pos, 8)));
            break;
        };
        let size = u64::from(size);
        if size > end.saturating_sub(pos + 8) {
            out.push(Err((pos, size + 8)));
            break;
        }
        out.push(Ok(Chunk {
            id,
            pos,
            data: pos + 8,
            size,
        }));
        pos += 8 + size;
    }
    out
}

/// Probe the OptimFROG file whose `OFR ` is at `start`.
pub fn probe(bytes: Bytes<'_>, start: u64) -> Probe {
    let mut p = Probe {
        file_format: Some(FileFormat::OptimFrog),
        audio_codec: Some("OptimFROG".into()),
        ..Probe::default()
    };
    let mut r = Reader::at(bytes, start + 4);
    let size = u64::from(r.u32(LE).unwrap_or(0));
    let fields = (|| {
        let lo = u64::from(r.u32(LE).ok()?);
        let hi = u64::from(r.u16(LE).ok()?);
        let kind = r.u8().ok()?;
        let config = r.u8().ok()?;
        let rate = r.u32(LE).ok()?;
        Some((lo | hi << 32, kind, config, rate))
    })();
    let Some((total, kind, config, rate)) = fields.filter(|_| size >= 12) else {
        p.findings.error(
            Code::InvalidHeader,
            "the OFR header is cut short or shorter than its 12 bytes",
        );
        return p;
    };
    let channels = u32::from(config) + 1;
    let (bits, float) = match kind {
        0 | 1 => (8, false),
        2 | 3 => (16, false),
        4 | 5 => (24, false),
        6 | 7 => (32, false),
        8..=10 => (32, true),
        _ => {
            p.findings.error(
                Code::InvalidHeader,
                format!("the header's sample type is {kind} (0-10 are defined)"),
            );
            return p;
        }
    };
    if rate == 0 {
        p.findings
            .error(Code::InvalidHeader, "the header declares a rate of 0 Hz");
        return p;
    }
    p.sample_rate = Some(rate);
    p.channels = Some(channels);
    p.bit_depth = Some(bits);
    p.sample_format = Some(if float {
        SampleFormat::Float
    } else {
        SampleFormat::Int
    });
    let per_channel = total / u64::from(channels);
    if total % u64::from(channels) != 0 {
        p.findings.warn(
            Code::InconsistentHeader,
            format!(
                "the header's {total} samples are not a whole number of {channels}-channel frames"
            ),
        );
    }
    let end = crate::formats::mpeg::audio_end(bytes, start, &mut p);
    let first = start + 8 + size;
    let mut counted = 0u64;
    let mut comp_bytes = 0u64;
    let mut dual = false;
    let mut cut = None;
    let mut blocks = 0u64;
    for c in chunks(bytes, first, end) {
        match c {
            Ok(c) if &c.id == b"COMP" => {
                blocks += 1;
                comp_bytes += c.size + 8;
                let mut r = Reader::at(bytes, c.data + 4);
                counted = counted.saturating_add(u64::from(r.u32(LE).unwrap_or(0)));
                let _ = r.u16(LE);
                if r.u16(LE).is_ok_and(|a| a >> 8 == 9) {
                    dual = true;
                }
            }
            Ok(c) if &c.id == b"MD5 " => {
                crate::formats::push_unique(&mut p.metadata_chunks, "MD5");
            }
            Ok(_) => {}
            Err(at) => cut = Some(at),
        }
    }
    p.audio_bytes = Some(comp_bytes);
    if dual {
        p.audio_codec = Some("OptimFROG DualStream".into());
        p.bit_depth = None;
        p.findings.warn(
            Code::LossyHybrid,
            "an OptimFROG DualStream file (its COMP blocks name algorithm 0x09xx): decoded alone it is lossy",
        );
    }
    let counted_pc = counted / u64::from(channels);
    if let Some((pos, need)) = cut {
        p.findings.error(
            Code::TruncatedData,
            format!(
                "the chunk at offset {pos} ({need} bytes) runs past the end of the file: the whole COMP blocks hold {counted_pc} of the {per_channel} samples per channel the header declares"
            ),
        );
    } else if counted < total {
        p.findings.error(
            Code::TruncatedData,
            format!(
                "the header declares {per_channel} samples per channel, the {blocks} COMP blocks hold {counted_pc}"
            ),
        );
    } else if counted > total {
        p.findings.error(
            Code::SampleCountMismatch,
            format!(
                "the header declares {per_channel} samples per channel, the {blocks} COMP blocks hold {counted_pc}"
            ),
        );
    }
    if counted == total && cut.is_none() {
        p.total_samples = Some(per_channel);
        p.duration_source = Some(DurationSource::Header);
    } else {
        p.total_samples = Some(counted_pc);
        p.declared_samples = Some(per_channel);
        p.duration_source = Some(DurationSource::Frames);
    }
    p.layout = Some(Layout::OptimFrog(OfrLayout { first, end }));
    p
}
