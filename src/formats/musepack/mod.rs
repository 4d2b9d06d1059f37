//! Musepack (MPC), stream versions 8 (`MPCK`), 7 (`MP+`) and the legacy
//! 4 to 6 (no magic).
//!
//! * **SV8**: after `MPCK` come packets, each a two-letter key (`A`-`Z`),
//!   a size (big-endian base-128 varint, most significant group first, a
//!   set top bit meaning "more", counting the key and the size bytes) and
//!   data. The stream header `SH` holds a CRC-32 (big-endian, of the rest of
//!   its data: checked, `invalid_header` when wrong), the version (8), the
//!   sample count and the beginning silence (varints), the sample rate
//!   index (44100, 48000, 37800, 32000) with the maximum band, and the
//!   channels, mid/side flag and the frames per audio packet
//!   (`4^x` frames of 1,152 samples). `totalSamples` = samples - beginning
//!   silence (`durationSource: "header"`), `encoderDelay` = the beginning
//!   silence. Every packet (`RG`, `EI`, `SO`, `ST`, `AP`, `CT`, `SE`) is
//!   walked by its size: a packet past the end of the file, or a stream
//!   without its `SE` end packet, is `truncated_data`, with the count the
//!   whole `AP` (audio) packets hold (`durationSource: "frames"`).
//! * **SV7**: a 28-byte header of little-endian 32-bit words, read most
//!   significant bit first: the frame count, the sample rate index, a
//!   "true gapless" flag and the valid samples of the last frame (11 bits).
//!   With the flag, `totalSamples` = (frames - 1) x 1,152 + last frame's
//!   samples (`header`); without it the reference decoder (libmpcdec)
//!   outputs frames x 1,152 - 481 (its synthesis delay) and the encoder's
//!   padding is unknown: that figure is `estimated` with an
//!   `unknown_duration` warning saying so (ffmpeg outputs frames x 1,152).
//! * **SV4-SV6**: one little-endian header word (bit rate, intensity and
//!   mid/side stereo, version in bits 11-20, maximum band, block size) and
//!   the frame count (16 bits for SV4, 32 bits for SV5 and SV6); 44.1 kHz
//!   stereo; up to SV5 the last counted frame is invalid. Without magic
//!   bytes, such a file is only taken as Musepack when its name ends in
//!   `.mpc`, `.mp+` or `.mpp`, its header word is one the reference decoder
//!   accepts, and no other format is recognised: the record says so in an
//!   `unknown_duration` warning, with the estimated count frames x 1,152 -
//!   481 as for SV7 without the gapless flag.
//!
//! SV4 to SV7 frames are bit-packed, each behind a 20-bit length: they are
//! walked (the probe needs the whole file for it) and counted against the
//! header; a file that ends inside a frame is `truncated_data`, frames
//! beyond the header's count or bytes after the last frame
//! `trailing_data`. `--verify` walks the same packets or frames
//! (`method: "structure"`: without a Musepack decoder nothing is decoded).

pub mod verify;

use crate::formats::crc::crc32;
use crate::formats::{Layout, Probe};
use crate::io::reader::Bytes;
use crate::record::{Code, DurationSource, FileFormat, Findings};

/// Samples per frame.
const FRAME: u64 = 1152;
/// Samples the reference decoder drops at the start (its synthesis delay)
/// when the stream does not say how long it is.
const SYNTH_DELAY: u64 = 481;
/// Sample rates by index (SV7 and SV8).
const RATES: [u32; 4] = [44_100, 48_000, 37_800, 32_000];

/// Which stream version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// SV8 packets.
    Sv8,
    /// SV4 to SV7 bit-packed frames (the version number).
    Frames(u8),
}

/// Where the verifier finds the packets or frames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MpcLayout {
    /// The stream version.
    pub version: Version,
    /// Offset of `MPCK`, `MP+` or the legacy header.
    pub start: u64,
    /// Where the audio ends (before the end tags).
    pub end: u64,
    /// SV4-SV7: frames the header declares. SV8: frames the header's sample
    /// count needs.
    pub frames: u64,
    /// SV8: frames per audio packet.
    pub per_packet: u64,
}

/// What a walk of the packets or frames found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Walk {
    /// Packets (SV8) or frames (SV4-SV7) read whole.
    pub units: u64,
    /// SV8: audio packets read whole.
    pub audio_packets: u64,
    /// Bytes of the audio packets or frames.
    pub audio_bytes: u64,
    /// Where the walk ended.
    pub pos: u64,
    /// SV8: whether the `SE` packet was reached.
    pub ended: bool,
    /// The stream ends inside a packet or frame: its index, offset and size
    /// in bytes (bits for frames).
    pub cut: Option<(u64, u64, u64)>,
    /// A packet key that is not two capital letters, at this offset.
    pub lost: Option<u64>,
}

/// An SV8 size: a big-endian base-128 varint, at most 8 bytes. The value
/// and the bytes it took.
fn varint(buf: &[u8]) -> Option<(u64, u64)> {
    let mut v = 0u64;
    for (i, &b) in buf.iter().enumerate().take(8) {
        v = (v << 7) | u64::from(b & 0x7F);
        if b & 0x80 == 0 {
            return Some((v, i as u64 + 1));
        }
    }
    None
}

/// The SV8 packet at `pos`: key, size of the key and size fields, total
/// size. `None` when its key and size do not fit before `end`.
fn packet(bytes: Bytes<'_>, pos: u64, end: u64) -> Option<([u8; 2], u64, u64)> {
    let key = bytes.get(pos, 2).filter(|_| end.saturating_sub(pos) >= 2)?;
    let room = end.saturating_sub(pos + 2).min(8);
    let (size, len) = varint(bytes.get_up_to(pos + 2, room))?;
    Some(([key[0], key[1]], 2 + len, size))
}

/// Walk the SV8 packets from `pos` (after `MPCK` and `SH`) to `end`.
pub(crate) fn walk_packets(
    bytes: Bytes<'_>,
    mut pos: u64,
    end: u64,
    reached: &mut dyn FnMut(u64),
) -> Walk {
    let mut w = Walk::default();
    while pos < end {
        reached(pos);
        let Some((key, head, size)) = packet(bytes, pos, end) else {
            w.cut = Some((w.units, pos, end - pos));
            break;
        };
        if !key.iter().all(u8::is_ascii_uppercase) || size < head {
            w.lost = Some(pos);
            break;
        }
        if size > end - pos {
            w.cut = Some((w.units, pos, size));
            break;
        }
        w.units += 1;
        if &key == b"AP" {
            w.audio_packets += 1;
            w.audio_bytes += size;
        }
        pos += size;
        if &key == b"SE" {
            w.ended = true;
            break;
        }
    }
    w.pos = pos;
    w
}

/// `n` (at most 32) bits at bit `at` of the stream of little-endian 32-bit
/// words starting at `start`, most significant bit first.
fn bits(bytes: Bytes<'_>, start: u64, at: u64, n: u32) -> Option<u32> {
    let word = |i: u64| {
        let b = bytes.get(start.checked_add(i.checked_mul(4)?)?, 4)?;
        Some(u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
    };
    let i = at / 32;
    let off = (at % 32) as u32;
    let two = (word(i)? << 32) | if off + n > 32 { word(i + 1)? } else { 0 };
    Some(((two << off) >> (64 - n)) as u32)
}

/// Where the frames of a version `v` stream start, in bits from its
/// header.
fn first_frame_bit(v: u8) -> u64 {
    match v {
        4 => 48,
        5 | 6 => 64,
        _ => 200,
    }
}

/// Walk the bit-packed frames (SV4-SV7) of the stream whose header is at
/// `start`: at most `frames`, each a 20-bit length and that many bits.
pub(crate) fn walk_frames(
    bytes: Bytes<'_>,
    layout: &MpcLayout,
    reached: &mut dyn FnMut(u64),
) -> Walk {
    let Version::Frames(v) = layout.version else {
        return Walk::default();
    };
    let start = layout.start;
    let avail = layout.end.saturating_sub(start).saturating_mul(8);
    let mut w = Walk::default();
    let mut at = first_frame_bit(v);
    while w.units < layout.frames {
        let len = match bits(bytes, start, at, 20) {
            Some(len) if at + 20 <= avail => u64::from(len),
            _ => {
                w.cut = Some((w.units, start + at / 8, 20));
                break;
            }
        };
        if at + 20 + len > avail {
            w.cut = Some((w.units, start + at / 8, 20 + len));
            break;
        }
        reached(start + at / 8);
        at += 20 + len;
        w.units += 1;
    }
    // Up to SV5 the header counts one more frame, which the reference
    // decoder does not play (encoders wrote it cut short): part of the
    // stream, not trailing bytes.
    if v < 6
        && w.cut.is_none()
        && let Some(len) = bits(bytes, start, at, 20).filter(|_| at + 20 <= avail)
    {
        at = (at + 20 + u64::from(len)).min(avail);
    }
    // The stream is padded to a whole 32-bit word.
    let first = first_frame_bit(v) / 8;
    w.pos = start + at.div_ceil(32) * 4;
    w.audio_bytes = (at / 8).saturating_sub(first);
    w
}

/// Whether `buf` starts with a legacy (SV4-SV6) header the reference
/// decoder accepts: version 4, 5 or 6, no fixed bit rate, no intensity
/// stereo, block size 1, and at least one frame.
pub(crate) fn legacy_header(buf: &[u8]) -> Option<(u8, u64)> {
    let b = buf.get(..8)?;
    let word = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    let version = (word >> 11) & 0x3FF;
    let bitrate = (word >> 23) & 0x1FF;
    let intensity = (word >> 22) & 1;
    let block_size = word & 0x3F;
    if !(4..=6).contains(&version) || bitrate != 0 || intensity != 0 || block_size != 1 {
        return None;
    }
    let frames = if version >= 5 {
        u64::from(u32::from_le_bytes([b[4], b[5], b[6], b[7]]))
    } else {
        u64::from(u16::from_le_bytes([b[6], b[7]]))
    };
    // Up to SV5 the last counted frame is not a frame.
    let frames = if version < 6 {
        frames.checked_sub(1)?
    } else {
        frames
    };
    (frames > 0).then_some((version as u8, frames))
}

/// Probe the Musepack stream at `start` (after any ID3v2 tags).
pub fn probe(bytes: Bytes<'_>, start: u64) -> Probe {
    let mut p = Probe {
        file_format: Some(FileFormat::Musepack),
        audio_codec: Some("Musepack".into()),
        ..Probe::default()
    };
    let end = crate::formats::mpeg::audio_end(bytes, start, &mut p);
    let head = bytes.get_up_to(start, 32);
    if head.starts_with(b"MPCK") {
        probe_sv8(bytes, start, end, &mut p);
    } else if head.starts_with(b"MP+") {
        probe_sv7(bytes, start, end, &mut p);
    } else if let Some((v, frames)) = legacy_header(head) {
        p.findings.warn(
            Code::UnknownDuration,
            format!(
                "no format's magic bytes: read as a Musepack SV{v} header (which has none) because the file is named .mpc, .mp+ or .mpp and its first word is a valid SV{v} header; {frames} frames x 1,152 samples - 481 (the reference decoder's synthesis delay) is an estimate: SV{v} does not record the encoder's padding"
            ),
        );

        p.sample_rate = Some(44_100);
        p.channels = Some(2);
        let layout = MpcLayout {
            version: Version::Frames(v),
            start,
            end,
            frames,
            per_packet: 1,
        };
        frames_total(bytes, layout, None, &mut p);
    } else {
        p.findings.error(
            Code::InvalidHeader,
            "no Musepack stream header (MPCK, MP+ or an SV4-SV6 header word)",
        );
    }
    p
}

fn probe_sv8(bytes: Bytes<'_>, start: u64, end: u64, p: &mut Probe) {
    let sh_at = start + 4;
    let sh = packet(bytes, sh_at, end);
    let Some((key, head, size)) = sh.filter(|(k, _, _)| k == b"SH") else {
        let what = if sh.is_none() && end.saturating_sub(sh_at) < 3 {
            "the file ends before the stream header (SH packet)"
        } else {
            "the first packet after MPCK is not a stream header (SH)"
        };
        if sh.is_none() {
            p.findings.error(Code::TruncatedData, what);
        } else {
            p.findings.error(Code::InvalidHeader, what);
        }
        return;
    };
    let _ = key;
    let data = size
        .checked_sub(head)
        .filter(|&n| (9..=64).contains(&n))
        .and_then(|n| bytes.get(sh_at + head, n).filter(|_| size <= end - sh_at));
    let Some(data) = data else {
        if size > end.saturating_sub(sh_at) {
            p.findings.error(
                Code::TruncatedData,
                format!(
                    "the stream header (SH packet, {size} bytes) runs past the end of the file"
                ),
            );
        } else {
            p.findings.error(
                Code::InvalidHeader,
                format!("the stream header (SH packet) is {size} bytes: not 13 to 72"),
            );
        }
        return;
    };
    let stored = u32::from_be_bytes([data[0], data[1], data[2], data[3]]);
    let computed = crc32(&data[4..]);
    if stored != computed {
        p.findings.error(
            Code::InvalidHeader,
            format!("the stream header's CRC-32 is {stored:08x}, its bytes give {computed:08x}"),
        );
        return;
    }
    let version = data[4];
    let fields = varint(&data[5..]).and_then(|(samples, a)| {
        let rest = &data[5 + a as usize..];
        let (silence, b) = varint(rest)?;
        let two = rest.get(b as usize..b as usize + 2)?;
        Some((samples, silence, two[0], two[1]))
    });
    let Some((samples, silence, rate_band, chan)) = fields.filter(|_| version == 8) else {
        p.findings.error(
            Code::InvalidHeader,
            format!("the stream header (version {version}) is not a complete SV8 header"),
        );
        return;
    };
    let Some(&rate) = RATES.get(usize::from(rate_band >> 5)) else {
        p.findings.error(
            Code::InvalidHeader,
            format!(
                "the stream header's sample rate index is {}",
                rate_band >> 5
            ),
        );
        return;
    };
    p.sample_rate = Some(rate);
    p.channels = Some(u32::from(chan >> 4) + 1);
    let per_packet = 1u64 << (2 * u32::from(chan & 7));
    let declared = samples.saturating_sub(silence);
    p.encoder_delay = Some(silence);
    let frames = samples.div_ceil(FRAME);
    let layout = MpcLayout {
        version: Version::Sv8,
        start,
        end,
        frames,
        per_packet,
    };
    let w = walk_packets(bytes, sh_at + size, end, &mut |_| {});
    p.audio_bytes = Some(w.audio_bytes);
    let held = w
        .audio_packets
        .saturating_mul(per_packet)
        .saturating_mul(FRAME)
        .min(samples)
        .saturating_sub(silence);
    let short = w.audio_packets < frames.div_ceil(per_packet);
    sv8_findings(&w, &layout, declared, held, &mut p.findings);
    if w.cut.is_some() || w.lost.is_some() || short || !w.ended {
        p.total_samples = Some(held);
        p.declared_samples = Some(declared).filter(|&d| d != held);
        p.duration_source = Some(DurationSource::Frames);
    } else {
        p.total_samples = Some(declared);
        p.duration_source = Some(DurationSource::Header);
    }
    p.layout = Some(Layout::Musepack(layout));
}

/// The findings of an SV8 packet walk (the probe's and the verifier's).
pub(crate) fn sv8_findings(w: &Walk, l: &MpcLayout, declared: u64, held: u64, f: &mut Findings) {
    let need = l.frames.div_ceil(l.per_packet);
    let ap = w.audio_packets;
    if let Some(at) = w.lost {
        f.error(
            Code::CorruptFrames,
            format!(
                "the packet at offset {at} has no valid key (two capital letters) and size: the {ap} audio packets before it hold {held} samples per channel of the {declared} declared"
            ),
        );
    } else if let Some((i, at, size)) = w.cut {
        f.error(
            Code::TruncatedData,
            format!(
                "packet {i} after the stream header (offset {at}, {size} bytes) runs past the end of the audio at {}: the header declares {declared} samples per channel in {need} audio packets, the {ap} whole ones hold {held}",
                l.end
            ),
        );
    } else if !w.ended {
        f.error(
            Code::TruncatedData,
            format!(
                "the stream has no end packet (SE): the header declares {declared} samples per channel in {need} audio packets, the {ap} in the file hold {held}"
            ),
        );
    } else if ap < need {
        f.error(
            Code::TruncatedData,
            format!(
                "the header declares {declared} samples per channel in {need} audio packets of {} frames; the stream has {ap}, which hold {held}",
                l.per_packet
            ),
        );
    } else if ap > need {
        f.warn(
            Code::TrailingData,
            format!(
                "the stream has {ap} audio packets, the header's {declared} samples per channel need {need}"
            ),
        );
    }
    if w.ended && w.pos < l.end {
        f.warn(
            Code::TrailingData,
            format!(
                "{} bytes after the end packet (offset {}) are neither a packet of the stream nor a known tag",
                l.end - w.pos,
                w.pos
            ),
        );
    }
}

fn probe_sv7(bytes: Bytes<'_>, start: u64, end: u64, p: &mut Probe) {
    let Some(h) = bytes
        .get(start, 28)
        .filter(|_| end.saturating_sub(start) >= 28)
    else {
        p.findings
            .error(Code::TruncatedData, "the 28-byte SV7 header is cut short");
        return;
    };
    let version = h[3];
    if version & 0x0F != 7 {
        p.findings.error(
            Code::InvalidHeader,
            format!("MP+ with stream version {version:#04x}: only 7 exists"),
        );
        return;
    }

    let word = |i: usize| u32::from_le_bytes([h[i], h[i + 1], h[i + 2], h[i + 3]]);
    let frames = u64::from(word(4));
    p.sample_rate = Some(RATES[((word(8) >> 16) & 3) as usize]);
    p.channels = Some(2);
    let gapless = word(20) >> 31 == 1;
    let last = u64::from((word(20) >> 20) & 0x7FF);
    let layout = MpcLayout {
        version: Version::Frames(7),
        start,
        end,
        frames,
        per_packet: 1,
    };
    let exact = if frames == 0 || gapless && (1..=FRAME).contains(&last) {
        Some(last)
    } else {
        if gapless {
            p.findings.warn(
                Code::InconsistentHeader,
                format!("the header's last frame holds {last} samples: not 1 to 1,152"),
            );
        }
        p.findings.warn(
            Code::UnknownDuration,
            format!(
                "the SV7 header does not say how many samples the last of its {frames} frames holds (no true-gapless flag): frames x 1,152 - 481 (the reference decoder's synthesis delay) is an estimate; ffmpeg outputs frames x 1,152"
            ),
        );
        None
    };
    frames_total(bytes, layout, exact, p);
}

/// The total of a bit-packed (SV4-SV7) stream: from the header when
/// `last` (the last frame's samples) is known and every frame is there,
/// else estimated or counted from the whole frames.
fn frames_total(bytes: Bytes<'_>, layout: MpcLayout, last: Option<u64>, p: &mut Probe) {
    let frames = layout.frames;
    let declared = match last {
        _ if frames == 0 => 0,
        Some(last) => (frames - 1) * FRAME + last,
        None => frames.saturating_mul(FRAME).saturating_sub(SYNTH_DELAY),
    };
    let w = walk_frames(bytes, &layout, &mut |_| {});
    p.audio_bytes = Some(w.audio_bytes);
    frames_findings(&w, &layout, declared, &mut p.findings);
    if w.cut.is_some() {
        let held = w.units.saturating_mul(FRAME).min(declared);
        p.total_samples = Some(held);
        p.declared_samples = Some(declared).filter(|&d| d != held);
        p.duration_source = Some(DurationSource::Frames);
    } else {
        p.total_samples = Some(declared);
        p.duration_source = Some(if last.is_some() {
            DurationSource::Header
        } else {
            DurationSource::Estimated
        });
    }
    p.layout = Some(Layout::Musepack(layout));
}

/// The findings of a walk of bit-packed frames.
pub(crate) fn frames_findings(w: &Walk, l: &MpcLayout, declared: u64, f: &mut Findings) {
    let frames = l.frames;
    if let Some((i, at, bits)) = w.cut {
        f.error(
            Code::TruncatedData,
            format!(
                "the header declares {frames} frames ({declared} samples per channel); frame {i} (offset {at}, {bits} bits) runs past the end of the audio at {}: the {} whole frames hold {}",
                l.end,
                w.units,
                w.units.saturating_mul(FRAME).min(declared)
            ),
        );
    } else if w.pos < l.end {
        f.warn(
            Code::TrailingData,
            format!(
                "{} bytes after the header's {frames} frames (offset {}) are neither frames of the stream nor a known tag",
                l.end - w.pos,
                w.pos
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_bits() {
        assert_eq!(varint(&[0x84, 0x83, 0x5E]), Some((66014, 3)));
        assert_eq!(varint(&[0x80; 9]), None);
        let words = [0x78, 0x56, 0x34, 0x12, 0xF0, 0xDE, 0xBC, 0x9A];
        let b = Bytes::full(&words);
        assert_eq!(bits(b, 0, 0, 8), Some(0x12));
        assert_eq!(bits(b, 0, 28, 8), Some(0x89));
        assert_eq!(bits(b, 0, 60, 8), None);
    }

    /// An SV8 stream: SH (`samples`, `silence`, 44.1 kHz stereo, 4 frames
    /// per packet), `aps` audio packets of 20 bytes, SE.
    fn sv8(samples: u8, silence: u8, aps: usize) -> Vec<u8> {
        let mut sh = vec![8, samples, silence, 0x13, 0x19];
        let crc = crc32(&sh).to_be_bytes();
        sh.splice(0..0, crc);
        let mut v = b"MPCK".to_vec();
        v.extend_from_slice(b"SH");
        v.push(sh.len() as u8 + 3);
        v.extend_from_slice(&sh);
        for _ in 0..aps {
            v.extend_from_slice(b"AP\x17");
            v.extend_from_slice(&[0x55; 20]);
        }
        v.extend_from_slice(b"SE\x03");
        v
    }

    #[test]
    fn sv8_counts_and_cuts() {
        let v = sv8(100, 10, 1);
        let p = crate::formats::probe(&v, Some("mpc"));
        assert_eq!(p.file_format, Some(FileFormat::Musepack));
        assert_eq!(p.total_samples, Some(90));
        assert_eq!(p.encoder_delay, Some(10));
        assert_eq!(p.duration_source, Some(DurationSource::Header));
        assert!(p.findings.errors.is_empty(), "{:?}", p.findings);
        // Without its end packet, and cut inside the audio packet.
        let p = crate::formats::probe(&v[..v.len() - 3], None);
        assert_eq!(p.findings.errors[0].code, Code::TruncatedData);
        assert_eq!(p.total_samples, Some(90));
        let p = crate::formats::probe(&v[..v.len() - 10], None);
        assert_eq!(p.findings.errors[0].code, Code::TruncatedData);
        assert_eq!(p.total_samples, Some(0));
        assert_eq!(p.declared_samples, Some(90));
        // A wrong CRC.
        let mut bad = v.clone();
        bad[12] ^= 1;
        let p = crate::formats::probe(&bad, None);
        assert_eq!(p.findings.errors[0].code, Code::InvalidHeader);
        assert_eq!(p.total_samples, None);
        // Every prefix and every flipped byte: no panic.
        for n in 0..v.len() {
            let p = crate::formats::probe(&v[..n], Some("mpc"));
            let _ = crate::formats::verify::verify_bytes(&v[..n], &p);
            let mut f = v.clone();
            f[n] ^= 0xFF;
            let p = crate::formats::probe(&f, Some("mpc"));
            let _ = crate::formats::verify::verify_bytes(&f, &p);
        }
    }

    #[test]
    fn sv7_frames_are_walked() {
        // Header: 2 frames, 48 kHz, gapless, last frame 100 samples; then
        // two frames of 40 bits after the 200 header bits.
        let mut words = [0u32; 10];
        words[0] = u32::from_le_bytes(*b"MP+\x07");
        words[1] = 2;
        words[2] = 1 << 16;
        words[5] = (1 << 31) | (100 << 20);
        words[6] = (115 << 24) | (40 << 4);
        // Frame 0's 40 bits end at bit 200 + 60; frame 1's length there.
        words[8] = 40 << 8;
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        let p = crate::formats::probe(&bytes, None);
        assert_eq!(p.sample_rate, Some(48_000));
        assert_eq!(p.total_samples, Some(1152 + 100));
        assert!(p.findings.errors.is_empty(), "{:?}", p.findings);
        let o = crate::formats::verify::verify_bytes(&bytes, &p);
        assert_eq!(o.frames, 2);
        let p = crate::formats::probe(&bytes[..36], None);
        assert_eq!(p.findings.errors[0].code, Code::TruncatedData);
        assert_eq!(p.total_samples, Some(1152));
        for n in 0..bytes.len() {
            let p = crate::formats::probe(&bytes[..n], Some("mpc"));
            let _ = crate::formats::verify::verify_bytes(&bytes[..n], &p);
        }
    }

    #[test]
    fn legacy_needs_the_name() {
        let mut v = vec![0xc1, 0x2f, 0x20, 0x00, 0x03, 0, 0, 0];
        v.extend_from_slice(&[0; 64]);
        assert_eq!(
            crate::formats::detect_named(&v, Some("mpc")),
            crate::formats::Detected::Musepack(0)
        );
        assert_eq!(
            crate::formats::detect_named(&v, Some("bin")),
            crate::formats::Detected::Unknown
        );
        let p = crate::formats::probe(&v, Some("MPC"));
        assert_eq!(p.findings.warnings[0].code, Code::UnknownDuration);
    }

    #[test]
    fn legacy_headers() {
        // mutagen's sv4_header.mpc and sv5_header.mpc start so.
        assert_eq!(
            legacy_header(b"\xc1\x27\x20\x00\xa7\x00\xf2\x03"),
            Some((4, 1009))
        );
        assert_eq!(
            legacy_header(b"\xc1\x2f\x20\x00\xf2\x03\x00\x00"),
            Some((5, 1009))
        );
        assert_eq!(legacy_header(b"\xc1\x2f\x20\x00\x01\x00\x00\x00"), None);
        assert_eq!(legacy_header(b"RIFF\0\0\0\0"), None);
    }
}
