//! TAK (`tBaK`), measured from its STREAMINFO metadata object.
//!
//! After `tBaK` come metadata objects, each a type byte, a 24-bit
//! little-endian size and its data, ending with a CRC-24 (OpenPGP's
//! polynomial and initial value, stored little-endian) that is checked
//! here for every object; an `END` object (type 0) precedes the frames.
//! STREAMINFO (type 1) is bit-packed, least significant bit first: codec
//! (6 bits), profile (4), frame size type (4), samples per channel (35),
//! data type (3), sample rate - 6000 (18), bits - 8 (5), channels - 1
//! (4). Its sample count is exact (`durationSource: "header"`). The
//! LAST_FRAME object (type 7: the last frame's 40-bit offset from the
//! first frame and its 24-bit size) says where the audio ends: past the end of the file is
//! `truncated_data` (the count of the missing frames cannot be known
//! without decoding their headers, so the header's figure is kept and the
//! error says so).
//!
//! TAK frames are not walked: `--verify` checks nothing more than the
//! probe did (`method: "structure"`, no frames counted).

use crate::formats::crc::crc24;
use crate::formats::{Probe, push_unique};
use crate::io::reader::{Bytes, Endian, Reader};
use crate::record::{Code, DurationSource, FileFormat, SampleFormat};

/// Bits read least significant first.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Bits<'_> {
    fn take(&mut self, n: usize) -> Option<u64> {
        let mut v = 0u64;
        for i in 0..n {
            let byte = *self.data.get((self.pos + i) / 8)?;
            v |= u64::from((byte >> ((self.pos + i) % 8)) & 1) << i;
        }
        self.pos += n;
        Some(v)
    }
}

/// The STREAMINFO fields ddexprobe reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct StreamInfo {
    samples: u64,
    data_type: u64,
    rate: u32,
    bits: u32,
    channels: u32,
}

fn streaminfo(data: &[u8]) -> Option<StreamInfo> {
    let mut b = Bits { data, pos: 0 };
    let _codec = b.take(6)?;
    let _profile = b.take(4)?;
    let _frame_type = b.take(4)?;
    let samples = b.take(35)?;
    let data_type = b.take(3)?;
    let rate = b.take(18)? as u32 + 6000;
    let bits = b.take(5)? as u32 + 8;
    let channels = b.take(4)? as u32 + 1;
    Some(StreamInfo {
        samples,
        data_type,
        rate,
        bits,
        channels,
    })
}

/// Probe the TAK stream whose `tBaK` is at `start`.
pub fn probe(bytes: Bytes<'_>, start: u64) -> Probe {
    let mut p = Probe {
        file_format: Some(FileFormat::Tak),
        audio_codec: Some("TAK".into()),
        ..Probe::default()
    };
    let mut pos = start + 4;
    let mut info = None;
    let mut last_end = None;
    let mut ended = false;
    // Objects are at least 4 bytes: the loop is bounded by the file.
    while let Some(head) = bytes.get(pos, 4) {
        let kind = head[0] & 0x7f;
        let size = u64::from(u32::from_le_bytes([head[1], head[2], head[3], 0]));
        pos += 4;
        if kind == 0 {
            ended = true;
            break;
        }
        let Some(data) = bytes.get(pos, size) else {
            p.findings.error(
                Code::InvalidHeader,
                format!(
                    "metadata object {kind} at offset {} ({size} bytes) runs past the end of the file",
                    pos - 4
                ),
            );
            return p;
        };
        if size >= 3 {
            let n = data.len() - 3;
            let stored = u32::from_le_bytes([data[n], data[n + 1], data[n + 2], 0]);
            let computed = crc24(&data[..n]);
            if stored != computed && matches!(kind, 1 | 7) {
                p.findings.error(
                    Code::InvalidHeader,
                    format!(
                        "metadata object {kind} at offset {} stores CRC-24 {stored:06x}, its bytes give {computed:06x}",
                        pos - 4
                    ),
                );
                return p;
            } else if stored != computed {
                p.findings.warn(
                    Code::InvalidMetadata,
                    format!(
                        "metadata object {kind} at offset {} stores CRC-24 {stored:06x}, its bytes give {computed:06x}",
                        pos - 4
                    ),
                );
            }
            match kind {
                1 => info = streaminfo(&data[..n]),
                7 if n >= 8 => {
                    let mut r = Reader::new(&data[..n]);
                    let lo = r.u32(Endian::Little).unwrap_or(0);
                    let hi = r.u8().unwrap_or(0);
                    let size = r.u24(Endian::Little).unwrap_or(0);
                    let at = u64::from(lo) | u64::from(hi) << 32;
                    last_end = Some(at.saturating_add(u64::from(size)));
                }
                3 => push_unique(&mut p.metadata_chunks, "WAV header"),
                6 => push_unique(&mut p.metadata_chunks, "MD5"),
                _ => {}
            }
        }
        pos += size;
    }
    let Some(si) = info else {
        p.findings
            .error(Code::InvalidHeader, "no valid STREAMINFO metadata object");
        return p;
    };
    p.sample_rate = Some(si.rate);
    p.bit_depth = Some(si.bits);
    p.channels = Some(si.channels);
    p.sample_format = Some(SampleFormat::Int);
    if si.data_type != 0 {
        p.findings.warn(
            Code::UnsupportedCodec,
            format!(
                "STREAMINFO names data type {} (0 is integer PCM)",
                si.data_type
            ),
        );
    }
    // LAST_FRAME counts from the first frame, right after END.
    let last_end = last_end.map(|l| l.saturating_add(pos));
    let end = crate::formats::mpeg::audio_end(bytes, start, &mut p);
    p.audio_bytes = Some(end.saturating_sub(pos));
    p.total_samples = Some(si.samples);
    p.duration_source = Some(DurationSource::Header);
    if !ended {
        p.findings.error(
            Code::TruncatedData,
            "the metadata has no END object: the file ends before the audio",
        );
    } else if let Some(last) = last_end
        && last > end
    {
        p.findings.error(
            Code::TruncatedData,
            format!(
                "the last frame ends at offset {last} (LAST_FRAME object), the file's audio ends at {end}: frames are missing (how many samples they held needs a decoder; {} is STREAMINFO's count)",
                si.samples
            ),
        );
    } else if let Some(last) = last_end
        && last < end
    {
        p.findings.warn(
            Code::TrailingData,
            format!(
                "{} bytes after the last frame (offset {last}, per the LAST_FRAME object) are neither a frame nor a known tag",
                end - last
            ),
        );
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streaminfo_bits_least_significant_first() {
        // codec 2, profile 0, frame type 1, 44100 Hz, 16 bits, stereo,
        // 162496 samples.
        let mut v: u128 = 2;
        let mut at = 6;
        for (value, bits) in [
            (0u128, 4),
            (1, 4),
            (162_496, 35),
            (0, 3),
            (38_100, 18),
            (8, 5),
            (1, 4),
        ] {
            v |= value << at;
            at += bits;
        }
        let bytes = v.to_le_bytes();
        let si = streaminfo(&bytes).unwrap();
        assert_eq!(
            (si.samples, si.rate, si.bits, si.channels),
            (162_496, 44100, 16, 2)
        );
    }
}
