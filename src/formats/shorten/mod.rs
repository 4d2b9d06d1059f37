//! Shorten (`ajkg`), measured by walking every command of its bitstream.
//!
//! After the magic and a version byte, a Shorten stream is one bitstream
//! ([`decoder`]): a header (sample type, channels, block size, predictor
//! order, means), the original file's WAV or AIFF header carried verbatim,
//! then blocks of each channel in turn up to a `QUIT` command. The header
//! says nothing of the length, so the probe walks every block (reading the
//! Rice codes, not predicting): `totalSamples` is the sample frames of the
//! complete blocks (`durationSource: "frames"`). Rate and bit depth come
//! from the embedded WAV `fmt ` chunk or AIFF `COMM`; its data size (or
//! frame count) is the declared length, held against the count: a stream
//! that ends before `QUIT` is `truncated_data` with both figures, a
//! complete one that disagrees `inconsistent_header`. A stream without an
//! embedded WAV or AIFF header has no rate (`invalid_header`), as ffmpeg
//! refuses it too.
//!
//! The walk reads the whole stream, so a header-only scan of Shorten reads
//! the whole file. `--verify` decodes every block ([`verify`]): `pcmMd5`,
//! the decoded count, and the samples for `--qc`.

pub(crate) mod decoder;
pub mod verify;

use crate::formats::{Layout, Probe};
use crate::io::reader::Bytes;
use crate::record::{Code, DurationSource, FileFormat, SampleFormat};
use decoder::Stop;

/// Where the stream is, for verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortenLayout {
    /// Offset of `ajkg`.
    pub start: u64,
    /// The end of the stream's bytes (before end tags).
    pub end: u64,
    /// Bits per sample (for `pcmMd5` and the QC).
    pub bits: u32,
    /// What the unsigned sample types (8- and 16-bit) are stored above
    /// the signed value: subtracted before hashing and analysis.
    pub bias: i32,
}

/// What the embedded WAV or AIFF header says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Embedded {
    rate: u32,
    channels: u32,
    bits: u32,
    /// Sample frames the original file declared.
    frames: Option<u64>,
    float: bool,
}

fn le16(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 2)
        .map(|x| u32::from(u16::from_le_bytes([x[0], x[1]])))
}
fn le32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]))
}
fn be16(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 2)
        .map(|x| u32::from(u16::from_be_bytes([x[0], x[1]])))
}
fn be32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|x| u32::from_be_bytes([x[0], x[1], x[2], x[3]]))
}

/// The embedded header's figures: a RIFF/WAVE `fmt ` (and `data` size) or
/// an AIFF `COMM`.
fn embedded(h: &[u8]) -> Option<Embedded> {
    if h.get(0..4) == Some(b"RIFF") && h.get(8..12) == Some(b"WAVE") {
        let mut e = Embedded::default();
        let mut align = 0u32;
        let mut seen_fmt = false;
        let mut i = 12usize;
        while let (Some(id), Some(size)) = (h.get(i..i + 4), le32(h, i + 4)) {
            let body = i + 8;
            match id {
                b"fmt " => {
                    let tag = le16(h, body)?;
                    e.channels = le16(h, body + 2)?;
                    e.rate = le32(h, body + 4)?;
                    align = le16(h, body + 12)?;
                    e.bits = le16(h, body + 14)?;
                    e.float = tag == 3;
                    seen_fmt = true;
                }
                b"data" => {
                    e.frames = (align > 0).then(|| u64::from(size) / u64::from(align));
                    break;
                }
                _ => {}
            }
            i = body
                .checked_add(size as usize)?
                .checked_add(size as usize & 1)?;
        }
        return seen_fmt.then_some(e);
    }
    if h.get(0..4) == Some(b"FORM") && matches!(h.get(8..12), Some(b"AIFF" | b"AIFC")) {
        let mut i = 12usize;
        while let (Some(id), Some(size)) = (h.get(i..i + 4), be32(h, i + 4)) {
            let body = i + 8;
            if id == b"COMM" {
                use crate::formats::riff::aiff::{Rate, extended_to_rate};
                let ext: [u8; 10] = h.get(body + 8..body + 18)?.try_into().ok()?;
                let rate = match extended_to_rate(ext) {
                    Rate::Exact(r) | Rate::Rounded(r, _) => r,
                    Rate::Invalid => 0,
                };
                return Some(Embedded {
                    channels: be16(h, body)?,
                    frames: Some(u64::from(be32(h, body + 2)?)),
                    bits: be16(h, body + 6)?,
                    rate,
                    float: false,
                });
            }
            i = body
                .checked_add(size as usize)?
                .checked_add(size as usize & 1)?;
        }
    }
    None
}

/// Bits per sample of Shorten's sample types.
fn type_bits(ftype: u32) -> Option<u32> {
    match ftype {
        1 | 2 | 7 | 10 => Some(8),
        3..=6 => Some(16),
        _ => None,
    }
}

/// Probe the Shorten stream whose `ajkg` is at `start`.
pub fn probe(bytes: Bytes<'_>, start: u64) -> Probe {
    let mut p = Probe {
        file_format: Some(FileFormat::Shorten),
        audio_codec: Some("Shorten".into()),
        sample_format: Some(SampleFormat::Int),
        ..Probe::default()
    };
    let end = crate::formats::mpeg::audio_end(bytes, start, &mut p);
    let Some(stream) = bytes.get(start + 4, end.saturating_sub(start + 4)) else {
        // A header-only window: the walk asks for the whole file.
        return p;
    };
    let (h, sum) = match decoder::run(stream, false, |_, _| {}) {
        Ok(r) => r,
        Err(Stop::Truncated) => {
            p.findings.error(
                Code::TruncatedData,
                "the stream ends inside its header: no audio is there",
            );
            return p;
        }
        Err(Stop::Corrupt(why)) => {
            p.findings.error(
                Code::InvalidHeader,
                format!("the Shorten header is invalid: {why}"),
            );
            return p;
        }
    };
    p.channels = Some(h.channels);
    let emb = embedded(&h.verbatim);
    let bits = emb
        .map(|e| e.bits)
        .filter(|&b| b > 0)
        .or(type_bits(h.ftype));
    p.bit_depth = bits;
    match emb {
        Some(e) => {
            if e.rate > 0 {
                p.sample_rate = Some(e.rate);
            }
            if e.channels != h.channels {
                p.findings.warn(
                    Code::InconsistentHeader,
                    format!(
                        "the embedded header says {} channels, the Shorten stream codes {}",
                        e.channels, h.channels
                    ),
                );
            }
            if e.float {
                p.findings.error(
                    Code::InvalidHeader,
                    "the embedded header declares float samples, which Shorten cannot code",
                );
            }
        }
        None => p.findings.error(
            Code::InvalidHeader,
            if h.verbatim.is_empty() {
                "the stream carries no original WAV or AIFF header: its sample rate is unknown".to_string()
            } else {
                format!(
                    "the stream's verbatim header ({} bytes) is neither WAV nor AIFF: its sample rate is unknown",
                    h.verbatim.len()
                )
            },
        ),
    }
    let declared = emb.and_then(|e| e.frames);
    p.total_samples = Some(sum.samples);
    p.duration_source = Some(DurationSource::Frames);
    match &sum.stop {
        Some(why) => {
            p.declared_samples = declared;
            let at = start + 4 + sum.stop_bit / 8;
            let what = match why {
                Stop::Truncated => "the stream ends".to_string(),
                Stop::Corrupt(c) => format!("the stream is corrupt ({c})"),
            };
            p.findings.error(
                if matches!(why, Stop::Truncated) {
                    Code::TruncatedData
                } else {
                    Code::CorruptFrames
                },
                format!(
                    "{what} at offset {at}, before its QUIT command: {} sample frames in complete blocks{}",
                    sum.samples,
                    declared.map(|d| format!(", the embedded header declares {d}")).unwrap_or_default()
                ),
            );
        }
        None => {
            if let Some(d) = declared
                && d != sum.samples
            {
                p.findings.warn(
                    Code::InconsistentHeader,
                    format!(
                        "the embedded header declares {d} sample frames, the stream's blocks hold {}: the blocks are counted",
                        sum.samples
                    ),
                );
            }
            let used = start + 4 + sum.end;
            if end > used + 3 {
                p.findings.warn(
                    Code::TrailingData,
                    format!(
                        "{} bytes after the QUIT command (offset {used}) are neither audio nor a known tag",
                        end - used
                    ),
                );
            }
        }
    }
    p.audio_bytes = Some(end.saturating_sub(start));
    if let Some(bits) = bits {
        let bias = match h.ftype {
            2 => 128,
            4 | 6 => 32_768,
            _ => 0,
        };
        p.layout = Some(Layout::Shorten(ShortenLayout {
            start,
            end,
            bits,
            bias,
        }));
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_wave_header() {
        let mut h = b"RIFF\0\0\0\0WAVEfmt \x10\0\0\0".to_vec();
        h.extend_from_slice(&[1, 0, 2, 0]);
        h.extend_from_slice(&44100u32.to_le_bytes());
        h.extend_from_slice(&(44100u32 * 4).to_le_bytes());
        h.extend_from_slice(&[4, 0, 16, 0]);
        h.extend_from_slice(b"data");
        h.extend_from_slice(&4000u32.to_le_bytes());
        let e = embedded(&h).unwrap();
        assert_eq!(
            (e.rate, e.channels, e.bits, e.frames),
            (44100, 2, 16, Some(1000))
        );
        assert_eq!(embedded(b"RIFF"), None);
        assert_eq!(embedded(&h[..20]), None);
    }

    #[test]
    fn hostile_streams_end_quickly() {
        for data in [
            &b"ajkg"[..],
            b"ajkg\x02",
            b"ajkg\x09\xff\xff",
            b"ajkg\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00",
            b"ajkg\x02\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",
        ] {
            let p = probe(Bytes::full(data), 0);
            assert!(!p.findings.errors.is_empty(), "{data:?}");
        }
    }
}
