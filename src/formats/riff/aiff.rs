//! AIFF and AIFF-C (`FORM`/`AIFF`, `FORM`/`AIFC`).
//!
//! The sample count is `COMM`'s `numSampleFrames`, checked against the bytes
//! the `SSND` chunk really holds after its offset; the sample rate is an
//! 80-bit IEEE extended float, converted exactly in integer arithmetic.
//! Compression types NONE, `twos`, `sowt`, `raw `, `in24`, `in32`, `fl32`,
//! `fl64`, `alaw` and `ulaw` are measured; any other type is reported by its
//! code and name, and its duration is not guessed.

use crate::formats::pcm::{Encoding, PcmLayout};
use crate::formats::push_unique;
use crate::formats::riff::chunk_name;
use crate::formats::riff::chunks::{self, Chunks};
use crate::formats::riff::wav::COMPANDED_BITS;
use crate::formats::{Layout, Probe};
use crate::io::reader::{Bytes, Endian, Reader, fourcc_str};
use crate::record::{Code, DurationSource, FileFormat, SampleFormat};
use crate::tags::riff;

const BE: Endian = Endian::Big;

struct Comm {
    channels: u16,
    frames: u32,
    sample_size: u16,
    rate: Rate,
    compression: [u8; 4],
    compression_name: String,
}

/// An 80-bit extended sample rate converted to an integer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rate {
    /// An exact integer rate.
    Exact(u32),
    /// Not an integer: the nearest integer, and the value as text.
    Rounded(u32, f64),
    /// Zero, negative, NaN, infinite or beyond 32 bits.
    Invalid,
}

/// Convert an IEEE 754 80-bit extended float to an integer sample rate.
pub fn extended_to_rate(b: [u8; 10]) -> Rate {
    let sign = b[0] & 0x80 != 0;
    let exp = i32::from(u16::from_be_bytes([b[0] & 0x7f, b[1]]));
    let mant = u64::from_be_bytes([b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9]]);
    if sign || exp == 0x7fff || mant == 0 {
        return Rate::Invalid;
    }
    // value = mant * 2^(exp - 16383 - 63)
    let shift = exp - 16383 - 63;
    let approx = mant as f64 * 2f64.powi(shift);
    if shift >= 0 {
        // Only tiny mantissas could fit after shifting left; anything that
        // does not fit 32 bits is not a sample rate.
        if shift >= 32 {
            return Rate::Invalid;
        }
        return match u32::try_from(u128::from(mant) << shift) {
            Ok(v) => Rate::Exact(v),
            Err(_) => Rate::Invalid,
        };
    }
    let down = (-shift) as u32;
    if down >= 128 {
        return Rate::Invalid;
    }
    let m = u128::from(mant);
    let whole = m >> down;
    let frac_mask = (1u128 << down) - 1;
    let exact = m & frac_mask == 0;
    let rounded = (m + (1u128 << (down - 1))) >> down;
    match (u32::try_from(whole), u32::try_from(rounded)) {
        (Ok(w), _) if exact && w > 0 => Rate::Exact(w),
        (_, Ok(r)) if r > 0 => Rate::Rounded(r, approx),
        _ => Rate::Invalid,
    }
}

/// Probe an AIFF or AIFF-C file (`aifc` tells which form detection saw).
pub fn probe<'a>(bytes: impl Into<Bytes<'a>>, aifc: bool) -> Probe {
    let bytes = bytes.into();
    let mut p = Probe {
        file_format: Some(if aifc {
            FileFormat::Aifc
        } else {
            FileFormat::Aiff
        }),
        ..Probe::default()
    };
    let file_len = bytes.len();
    let mut r = Reader::over(bytes);
    let _ = r.skip(4);
    let form_size = r.u32(BE).unwrap_or(0);

    let (comm, ssnd) = match walk(bytes, aifc, &mut p) {
        Some(found) => found,
        None => return p,
    };

    let form_end = u64::from(form_size) + 8;
    let truncated = ssnd.is_some_and(|(d, present, _)| present < d);
    if form_end < file_len {
        p.findings.warn(
            Code::TrailingData,
            format!(
                "{} bytes after the end of the FORM chunk",
                file_len - form_end
            ),
        );
    } else if form_end > file_len && !truncated {
        p.findings.warn(
            Code::ContainerSizeMismatch,
            format!("FORM chunk declares {form_end} bytes, the file has {file_len}"),
        );
    }

    let Some(comm) = comm else {
        p.findings.error(
            Code::InvalidHeader,
            "no COMM chunk: the audio format is not declared",
        );
        return p;
    };
    if comm.channels == 0 {
        p.findings
            .error(Code::InvalidHeader, "COMM chunk declares 0 channels");
        return p;
    }
    let rate = match comm.rate {
        Rate::Exact(r) => r,
        Rate::Rounded(r, v) => {
            p.findings.warn(
                Code::NonIntegerSampleRate,
                format!("sample rate is {v} Hz, reported as {r}"),
            );
            r
        }
        Rate::Invalid => {
            p.findings.error(
                Code::InvalidHeader,
                "COMM chunk sample rate is not a positive number",
            );
            return p;
        }
    };
    p.sample_rate = Some(rate);
    p.channels = Some(u32::from(comm.channels));

    let bits = u32::from(comm.sample_size);
    // (codec, sample format, bytes per sample, reported bit depth)
    let layout = match &comm.compression {
        b"NONE" | b"twos" | b"sowt" | b"raw " | b"in24" | b"in32" | b"42ni" | b"23ni" => {
            let width = match &comm.compression {
                b"in24" | b"42ni" => 24,
                b"in32" | b"23ni" => 32,
                _ => bits,
            };
            Some(("PCM", SampleFormat::Int, width.div_ceil(8), bits.min(width)))
        }
        b"fl32" | b"FL32" => Some(("PCM", SampleFormat::Float, 4, 32)),
        b"fl64" | b"FL64" => Some(("PCM", SampleFormat::Float, 8, 64)),
        // G.711: 8 coded bits decoding to 16-bit samples (the AIFF-C
        // specification's sampleSize is 16); bitDepth is the decoded width.
        b"alaw" | b"ALAW" => Some(("ALaw", SampleFormat::Int, 1, COMPANDED_BITS)),
        b"ulaw" | b"ULAW" => Some(("MuLaw", SampleFormat::Int, 1, COMPANDED_BITS)),
        _ => None,
    };
    // An unknown compression type whose SSND holds exactly the bytes of
    // uncompressed big-endian PCM (Ableton writes `able`) is measured as PCM,
    // with a warning: the size proves the layout, nothing is guessed.
    let unknown_type = layout.is_none();
    let pcm_sized = ssnd.is_some_and(|(declared, _, _)| {
        let frame = u64::from(comm.channels) * u64::from(bits.div_ceil(8));
        bits > 0 && declared == u64::from(comm.frames) * frame
    });
    let layout = match layout {
        None if pcm_sized => Some(("PCM", SampleFormat::Int, bits.div_ceil(8), bits)),
        other => other,
    };
    if unknown_type && pcm_sized {
        p.findings.warn(
            Code::UnsupportedCodec,
            format!(
                "unknown AIFC compression type {}{}: its SSND size matches uncompressed {bits}-bit PCM exactly, so it is measured as PCM",
                fourcc_str(&comm.compression),
                if comm.compression_name.is_empty() { String::new() } else { format!(" ({})", comm.compression_name) }
            ),
        );
    }
    let Some((codec, sample_format, bytes_per_sample, bit_depth)) = layout else {
        let name = if comm.compression_name.is_empty() {
            fourcc_str(&comm.compression)
        } else {
            format!(
                "{} ({})",
                fourcc_str(&comm.compression),
                comm.compression_name
            )
        };
        p.audio_codec = Some(name.clone());
        p.findings.warn(
            Code::UnsupportedCodec,
            format!("AIFC compression {name} is identified but not decoded"),
        );
        p.findings.error(
            Code::UnknownDuration,
            format!("the sample count of AIFC compression {name} is not derived without decoding"),
        );
        return p;
    };
    if bytes_per_sample == 0 {
        p.findings
            .error(Code::InvalidHeader, "COMM chunk declares 0 bits per sample");
        return p;
    }
    p.audio_codec = Some(codec.to_string());
    p.sample_format = Some(sample_format);
    p.bit_depth = Some(bit_depth);
    if bytes_per_sample * 8 != bit_depth {
        // 24 bits in 32-bit slots, or 8 coded bits of A-law/mu-law.
        p.container_bit_depth = Some(bytes_per_sample * 8);
    }

    let frame_bytes = u64::from(comm.channels) * u64::from(bytes_per_sample);
    let declared = u64::from(comm.frames);
    p.duration_source = Some(DurationSource::Header);
    match ssnd {
        None if declared > 0 => {
            p.total_samples = Some(0);
            p.declared_samples = Some(declared);
            p.findings.error(
                Code::TruncatedData,
                format!("COMM declares {declared} sample frames but there is no SSND chunk"),
            );
        }
        None => p.total_samples = Some(0),
        Some((ssnd_declared, present, offset)) => {
            let needed = declared * frame_bytes;
            let held = present / frame_bytes;
            p.audio_bytes = Some(present.min(needed));
            p.layout = Some(Layout::Pcm(PcmLayout {
                offset,
                len: present.min(needed),
                frame_bytes: u32::try_from(frame_bytes).unwrap_or(0),
                channels: u32::from(comm.channels),
                sample_bytes: bytes_per_sample,
                // AIFF samples are left-justified in their bytes; G.711
                // samples are 8 coded bits.
                valid_bits: bit_depth.min(bytes_per_sample * 8),
                big_endian: !matches!(&comm.compression, b"sowt" | b"42ni" | b"23ni"),
                encoding: match (&comm.compression, sample_format) {
                    (_, SampleFormat::Float) if matches!(bytes_per_sample, 4 | 8) => {
                        Encoding::Float
                    }
                    (_, SampleFormat::Float) => Encoding::Other,
                    _ if codec != "PCM" => Encoding::Other,
                    // QuickTime's `raw `: 8-bit offset binary.
                    (b"raw ", _) if bytes_per_sample == 1 => Encoding::Unsigned,
                    (b"raw ", _) => Encoding::Other,
                    _ => Encoding::Signed,
                },
                md5_chunk: None,
                complete: present >= needed,
            }));
            if present < needed {
                p.total_samples = Some(held);
                p.declared_samples = Some(declared);
                p.findings.error(
                    Code::TruncatedData,
                    format!(
                        "COMM declares {declared} sample frames ({needed} bytes), the SSND chunk holds {present} bytes ({held} sample frames): {} frames missing",
                        declared - held
                    ),
                );
            } else {
                p.total_samples = Some(declared);
                if ssnd_declared / frame_bytes > declared {
                    p.findings.warn(
                        Code::InconsistentHeader,
                        format!(
                            "SSND chunk holds {} sample frames, COMM declares {declared}",
                            ssnd_declared / frame_bytes
                        ),
                    );
                } else if ssnd_declared > needed {
                    p.findings.warn(
                        Code::PartialSampleFrame,
                        format!(
                            "SSND chunk holds {} bytes after the {declared} sample frames COMM declares, less than a {frame_bytes}-byte frame: ignored",
                            ssnd_declared - needed
                        ),
                    );
                }
            }
        }
    }
    p
}

/// The sound data chunk: bytes of sample data declared, bytes present,
/// offset of the first.
type Ssnd = (u64, u64, u64);

/// Walk the chunks: COMM, the sound data's place, and the metadata chunks
/// and tags into `p`. `None` when COMM is too short to say anything (the
/// error is in `p`).
fn walk(bytes: Bytes<'_>, aifc: bool, p: &mut Probe) -> Option<(Option<Comm>, Option<Ssnd>)> {
    let mut comm: Option<Comm> = None;
    let mut ssnd: Option<Ssnd> = None;
    let mut chunks = Chunks::new(bytes, 12, BE);
    while let Some(h) = chunks.next(&mut p.findings) {
        let size = u64::from(h.size32);
        if &h.id == b"SSND" {
            // Sound data may be cut short: take what the file holds.
            let mut body = chunks.body(size).unwrap_or_else(|partial| partial);
            let offset = u64::from(body.u32(BE).unwrap_or(0));
            let _block = body.u32(BE);
            let declared = size.saturating_sub(8).saturating_sub(offset);
            let present = body.remaining().saturating_sub(offset);
            if ssnd.is_none() {
                ssnd = Some((declared, present, body.pos().saturating_add(offset)));
            }
            continue;
        }
        let mut body = match chunks.body(size) {
            Ok(body) => body,
            Err(partial) => {
                if &h.id == b"COMM" && comm.is_none() {
                    comm = parse_comm(&mut partial.clone(), aifc);
                }
                chunks::report_truncated(&mut p.findings, &h, size, &partial);
                break;
            }
        };
        match &h.id {
            b"COMM" => {
                if comm.is_none() {
                    comm = parse_comm(&mut body, aifc);
                    if comm.is_none() {
                        p.findings.error(
                            Code::InvalidHeader,
                            format!("COMM chunk at offset {} is only {size} bytes", h.start),
                        );
                        return None;
                    }
                }
            }
            id => {
                if let Some(name) = chunk_name(id) {
                    push_unique(&mut p.metadata_chunks, name);
                }
                if matches!(id, b"id3 " | b"ID3 ") {
                    // An ID3v2 tag in a chunk, as many taggers write it.
                    crate::tags::id3v2::read_id3v2(bytes, body.pos(), &mut p.tags);
                }
                riff::read_aiff_text(id, &mut body, &mut p.tags);
            }
        }
    }

    Some((comm, ssnd))
}

fn parse_comm(r: &mut Reader<'_>, aifc: bool) -> Option<Comm> {
    let channels = r.u16(BE).ok()?;
    let frames = r.u32(BE).ok()?;
    let sample_size = r.u16(BE).ok()?;
    let rate = extended_to_rate(r.array::<10>().ok()?);
    let (compression, compression_name) = if aifc {
        match r.fourcc() {
            Ok(c) => {
                let name = r
                    .u8()
                    .ok()
                    .map(|n| String::from_utf8_lossy(r.bytes_up_to(u64::from(n))).into_owned())
                    .unwrap_or_default();
                (c, name)
            }
            // A short AIFC COMM: treat as uncompressed.
            Err(_) => (*b"NONE", String::new()),
        }
    } else {
        (*b"NONE", String::new())
    };
    Some(Comm {
        channels,
        frames,
        sample_size,
        rate,
        compression,
        compression_name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ext(v: u32) -> [u8; 10] {
        // Normalised: top mantissa bit set.
        let lz = v.leading_zeros();
        let mant = u64::from(v) << (32 + lz);
        let exp = 16383 + 31 - lz;
        let mut b = [0u8; 10];
        b[..2].copy_from_slice(&(exp as u16).to_be_bytes());
        b[2..].copy_from_slice(&mant.to_be_bytes());
        b
    }

    #[test]
    fn extended_rates() {
        for r in [
            8000, 11_025, 22_050, 44_100, 48_000, 96_000, 192_000, 1, 2_822_400,
        ] {
            assert_eq!(extended_to_rate(ext(r)), Rate::Exact(r), "{r}");
        }
        // 44100.5 Hz
        let mut b = ext(44_100);
        b[2..].copy_from_slice(&((88_201u64) << (64 - 17)).to_be_bytes());
        assert!(matches!(extended_to_rate(b), Rate::Rounded(44_101, _)));
        assert_eq!(extended_to_rate([0; 10]), Rate::Invalid);
        assert_eq!(extended_to_rate([0xff; 10]), Rate::Invalid);
        assert_eq!(
            extended_to_rate([0x7f, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0]),
            Rate::Invalid
        );
    }

    fn aiff(frames: u32, present: u32) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(b"FORM");
        v.extend_from_slice(&(4 + 26 + 16 + present * 4).to_be_bytes());
        v.extend_from_slice(b"AIFFCOMM");
        v.extend_from_slice(&18u32.to_be_bytes());
        v.extend_from_slice(&2u16.to_be_bytes());
        v.extend_from_slice(&frames.to_be_bytes());
        v.extend_from_slice(&16u16.to_be_bytes());
        v.extend_from_slice(&ext(44_100));
        v.extend_from_slice(b"SSND");
        v.extend_from_slice(&(8 + frames * 4).to_be_bytes());
        v.extend_from_slice(&[0; 8]);
        v.resize(v.len() + present as usize * 4, 0);
        v
    }

    #[test]
    fn pcm_layout_and_partial_frame() {
        let p = probe(&aiff(100, 100), false);
        let Some(Layout::Pcm(l)) = p.layout else {
            panic!("no PCM layout")
        };
        assert_eq!(
            (l.offset, l.len, l.frame_bytes, l.sample_bytes),
            (54, 400, 4, 2)
        );
        assert_eq!(
            (l.valid_bits, l.big_endian, l.encoding),
            (16, true, Encoding::Signed)
        );
        assert!(l.complete && l.md5_chunk.is_none());
        let Some(Layout::Pcm(l)) = probe(&aiff(100, 60), false).layout else {
            panic!("no PCM layout")
        };
        assert_eq!((l.len, l.complete), (240, false));
        // Two bytes after the last frame COMM declares.
        let mut v = aiff(100, 100);
        v.extend_from_slice(&[0, 0]);
        let n = u32::from_be_bytes([v[42], v[43], v[44], v[45]]) + 2;
        v[42..46].copy_from_slice(&n.to_be_bytes());
        let n = (v.len() - 8) as u32;
        v[4..8].copy_from_slice(&n.to_be_bytes());
        let p = probe(&v, false);
        assert_eq!(p.findings.warnings[0].code, Code::PartialSampleFrame);
        assert_eq!(p.total_samples, Some(100));
    }

    #[test]
    fn complete_and_truncated() {
        let p = probe(&aiff(100, 100), false);
        assert_eq!(p.findings.errors, vec![]);
        assert_eq!(p.total_samples, Some(100));
        let p = probe(&aiff(100, 60), false);
        assert!(p.findings.has_error(Code::TruncatedData));
        assert_eq!(p.total_samples, Some(60));
        assert_eq!(p.declared_samples, Some(100));
        let v = aiff(100, 100);
        for cut in 0..v.len() {
            let _ = probe(&v[..cut], false);
        }
    }
}
