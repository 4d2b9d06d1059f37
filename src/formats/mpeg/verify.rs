//! MPEG audio (Layers I, II, III): every frame of the probe's frame walk
//! decoded, CRC-16 checked, the Layer III bit reservoir followed.

use crate::formats::Outcome;
use crate::formats::Probe;
use crate::formats::crc::crc16_bits;
use crate::formats::decode::{Decoded, Decoder, Failures, QcScratch, Trim};
use crate::formats::mpeg::{FrameHeader, Frames, Located, Step, Version};
use crate::io::reader::Bytes;
use crate::qc::Analysis;
use crate::record::Code;
use crate::record::Method;
use symphonia::core::codecs::audio::AudioCodecParameters;
use symphonia::core::codecs::audio::well_known::{CODEC_ID_MP1, CODEC_ID_MP2, CODEC_ID_MP3};
use symphonia::default::codecs::MpaDecoder;

/// The decoder of the current layer and signal (Symphonia's decoder does
/// not follow a change of layer, rate or channel count).
struct Current {
    key: (u8, u32, u32),
    decoder: Option<Decoder>,
}

/// Decode every frame of the MPEG audio the probe located in `bytes`,
/// telling `reached` where each frame starts (the digests follow) and
/// handing the decoded audio, without the encoder's delay and padding, to
/// `qc`.
pub(crate) fn verify_with(
    bytes: &[u8],
    loc: &Located,
    probe: &Probe,
    reached: &mut dyn FnMut(u64),
    mut qc: Option<&mut Analysis>,
) -> Outcome {
    let mut trim = Trim::of(probe);
    let mut scratch = QcScratch::default();
    let all = Bytes::full(bytes);
    let mut out = Outcome::default();
    let mut current: Option<Current> = None;
    let mut decode_failures = Failures::default();
    let mut crc_failures = Failures::default();
    let mut lost = Failures::default();
    let mut lost_bytes = 0u64;
    let mut free_format = false;
    // Samples of every complete frame, and of the frames that decoded.
    let mut raw = 0u64;
    let mut decoded = 0u64;
    let mut walked = 0u64;
    // Bytes of main data the frames so far make available to the next one.
    let mut reservoir = 0u64;
    let mut partial = None;
    let mut trailing = None;
    for step in Frames::new(all, loc.audio_start, loc.end, &loc.first, loc.free) {
        let (pos, len, h) = match step {
            Step::Frame { pos, len, header } => {
                reached(pos);
                (pos, len, header)
            }
            Step::Lost { pos, len } => {
                lost.add(pos, String::new);
                lost_bytes += len;
                continue;
            }
            Step::Partial { pos, have, need } => {
                partial = Some((pos, have, need));
                continue;
            }
            Step::Trailing { pos, len } => {
                trailing = Some((pos, len));
                continue;
            }
        };
        let Some(frame) = bytes.get(pos as usize..(pos + len) as usize) else {
            break;
        };
        walked += 1;
        raw += u64::from(h.samples());
        let mut bad = false;
        if h.protected
            && let Some((stored, computed)) = frame_crc(frame, &h)
            && stored != computed
        {
            crc_failures.add(pos, || {
                format!(
                    "the frame stores CRC-16 {stored:04x}, its protected bits give {computed:04x}"
                )
            });
            bad = true;
        }
        if h.layer == 3
            && let Some(begin) = main_data_begin(frame, &h)
        {
            if u64::from(begin) > reservoir {
                decode_failures.add(pos, || {
                    format!(
                        "its main data starts {begin} bytes back, the frames before it hold {reservoir}"
                    )
                });
                bad = true;
            }
            let side = 4 + if h.protected { 2 } else { 0 } + h.side_info_len();
            reservoir = reservoir
                .saturating_add(len.saturating_sub(side))
                .min(1 << 16);
        }
        if h.bitrate == 0 {
            // Symphonia does not decode free-format streams.
            free_format = true;
            out.bad_frames += u64::from(bad);
            continue;
        }
        let key = (h.layer, h.sample_rate, h.channels());
        if current.as_ref().is_none_or(|c| c.key != key) {
            current = Some(Current {
                key,
                decoder: make_decoder(&h),
            });
        }
        let Some(decoder) = current.as_mut().and_then(|c| c.decoder.as_mut()) else {
            out.bad_frames += u64::from(bad);
            continue;
        };
        match decoder.decode(frame) {
            Decoded::Frames(n) => {
                decoded += n as u64;
                out.frames += 1;
                let kept = trim.next(n as u64);
                if let Some(qc) = qc.as_deref_mut() {
                    decoder.analyse(qc, None, kept, &mut scratch);
                }
            }
            Decoded::Failed(why) | Decoded::Unsupported(why) => {
                if !bad {
                    decode_failures.add(pos, || why);
                }
                bad = true;
            }
        }
        out.bad_frames += u64::from(bad);
    }

    let f = &mut out.findings;
    decode_failures.report(
        f,
        Code::DecodeError,
        "frame",
        ("does not decode", "do not decode"),
    );
    crc_failures.report(
        f,
        Code::FrameCrcMismatch,
        "frame",
        ("fails its CRC-16 check", "fail their CRC-16 check"),
    );
    if lost.count > 0 {
        f.warn(
            Code::CorruptFrames,
            format!(
                "{lost_bytes} bytes in {} place{} inside the stream are not MPEG frames (sync lost and found again), the first at offset {}",
                lost.count,
                if lost.count == 1 { "" } else { "s" },
                lost.first.as_ref().map_or(0, |x| x.0)
            ),
        );
    }
    if let Some((pos, len)) = trailing {
        f.warn(
            Code::TrailingData,
            format!(
                "{len} bytes after the last MPEG frame (offset {pos}) are neither a frame nor a known tag"
            ),
        );
    }
    if let Some((pos, have, need)) = partial {
        f.error(
            Code::TruncatedData,
            format!(
                "the last frame (offset {pos}) is cut short: {have} of its {need} bytes are present"
            ),
        );
    }
    if free_format {
        // Nothing decoded: the frames and their CRCs were checked.
        out.method = Method::Structure;
        out.frames = walked;
        return out;
    }

    // The gapless count, as the probe computes it from the same frames.
    let spf = u64::from(loc.first.samples());
    let expected = gapless(raw, walked, loc, probe, spf);
    // A frame that does not decode outputs nothing; the ends are trimmed
    // as for the whole stream.
    let trimmed = expected.saturating_sub(raw - decoded.min(raw));
    out.decoded_samples = Some(trimmed);
    if let Some(v) = &loc.vbr
        && let Some(n) = v.frames
        && n != walked
        && !probe.findings.has_error(Code::TruncatedData)
    {
        f.warn(
            Code::VbrHeaderMismatch,
            format!(
                "the {} header declares {n} frames ({} samples), decoding finds {walked} ({expected} samples)",
                v.kind,
                gapless(n * spf, n, loc, probe, spf)
            ),
        );
    } else if out.bad_frames == 0
        && let Some(header) = probe.total_samples
        && header != expected
    {
        f.error(
            Code::SampleCountMismatch,
            format!("the headers give {header} samples, decoding gives {expected}"),
        );
    }
    out.exact = out.bad_frames == 0 && walked > 0 && trimmed == expected;
    out
}

/// What a gapless decoder outputs for `samples` decoded from `frames`
/// frames: the LAME delay removed, and the padding where the frames that
/// hold it are present (as the probe counts).
fn gapless(samples: u64, frames: u64, loc: &Located, probe: &Probe, spf: u64) -> u64 {
    let Some(v) = loc.vbr.as_ref().filter(|v| v.gapless.is_some()) else {
        return samples;
    };
    let delay = probe.encoder_delay.unwrap_or(0);
    let padding = probe.encoder_padding.unwrap_or(0);
    let end = match v.frames {
        Some(n) if frames <= n => (n * spf).saturating_sub(padding),
        _ => samples.saturating_sub(padding),
    };
    samples.min(end).saturating_sub(delay)
}

fn make_decoder(h: &FrameHeader) -> Option<Decoder> {
    let codec = match h.layer {
        1 => CODEC_ID_MP1,
        2 => CODEC_ID_MP2,
        _ => CODEC_ID_MP3,
    };
    let mut params = AudioCodecParameters::new();
    params.for_codec(codec).with_sample_rate(h.sample_rate);
    Decoder::new(&params, |p, o| Ok(Box::new(MpaDecoder::try_new(p, o)?))).ok()
}

/// Layer III `main_data_begin`: how many bytes before the frame's own
/// main data its main data starts.
fn main_data_begin(frame: &[u8], h: &FrameHeader) -> Option<u16> {
    let at = 4 + if h.protected { 2 } else { 0 };
    let b = frame.get(at..at + 2)?;
    let v = u16::from_be_bytes([b[0], b[1]]);
    Some(match h.version {
        Version::Mpeg1 => v >> 7,
        _ => v >> 8,
    })
}

/// The stored and the computed CRC-16 of a protected frame (ISO 11172-3
/// 2.4.3.1: polynomial 0x8005, initial value 0xFFFF, over the last two
/// header bytes and the bits that follow the CRC: the Layer III side
/// information, the Layer I bit allocation, the Layer II bit allocation
/// and scale factor selection); `None` when the frame is too short or the
/// layer's tables do not apply (free format).
fn frame_crc(frame: &[u8], h: &FrameHeader) -> Option<(u16, u16)> {
    let stored = u16::from_be_bytes([*frame.get(4)?, *frame.get(5)?]);
    let body = frame.get(6..)?;
    let bits = match h.layer {
        3 => h.side_info_len() * 8,
        1 => {
            let bound = stereo_bound(h, 32);
            if h.channels() == 1 {
                4 * 32
            } else {
                4 * (2 * bound + (32 - bound))
            }
        }
        _ => layer2_protected_bits(body, h)?,
    };
    if bits > body.len() as u64 * 8 {
        return None;
    }
    let raw = h.raw();
    let mut crc = crc16_bits(0xFFFF, &raw[2..4], 16);
    crc = crc16_bits(crc, body, bits);
    Some((stored, crc))
}

/// The first subband coded in intensity stereo (joint stereo in Layers I
/// and II), at most `limit`.
fn stereo_bound(h: &FrameHeader, limit: u64) -> u64 {
    let raw = h.raw();
    if h.mode == 1 {
        (u64::from((raw[3] >> 4) & 3) + 1) * 4
    } else {
        32
    }
    .min(limit)
}

/// Bits of Layer II bit allocation and scale factor selection, read from
/// the frame (ISO 11172-3 tables B.2a-d, ISO 13818-3 table B.1).
fn layer2_protected_bits(body: &[u8], h: &FrameHeader) -> Option<u64> {
    // (subbands, [(count, allocation bits)]) of each table.
    const TABLES: [(u64, &[(u64, u64)]); 5] = [
        (27, &[(11, 4), (12, 3), (4, 2)]),
        (30, &[(11, 4), (12, 3), (7, 2)]),
        (8, &[(2, 4), (6, 3)]),
        (12, &[(2, 4), (10, 3)]),
        (30, &[(4, 4), (7, 3), (19, 2)]),
    ];
    if h.bitrate == 0 {
        return None;
    }
    let nch = u64::from(h.channels());
    let table = if h.version != Version::Mpeg1 {
        4
    } else {
        let per_channel = u64::from(h.bitrate) / nch;
        if per_channel <= 48 {
            if h.sample_rate == 32_000 { 3 } else { 2 }
        } else if per_channel <= 80 {
            0
        } else {
            usize::from(h.sample_rate != 48_000)
        }
    };
    let (sblimit, runs) = TABLES[table];
    let mut nbal = [0u64; 32];
    let mut sb = 0;
    for &(count, bits) in runs {
        for _ in 0..count {
            nbal[sb] = bits;
            sb += 1;
        }
    }
    let bound = if nch == 1 {
        sblimit
    } else {
        stereo_bound(h, sblimit)
    };
    let mut r = BitReader { data: body, pos: 0 };
    let mut alloc = [[0u32; 32]; 2];
    for (sb, &n) in nbal.iter().enumerate().take(sblimit as usize) {
        if (sb as u64) < bound {
            for ch in alloc.iter_mut().take(nch as usize) {
                ch[sb] = r.read(n)?;
            }
        } else {
            let v = r.read(n)?;
            alloc[0][sb] = v;
            alloc[1][sb] = v;
        }
    }
    let mut scfsi = 0u64;
    for sb in 0..sblimit as usize {
        for ch in alloc.iter().take(nch as usize) {
            if ch[sb] != 0 {
                scfsi += 2;
            }
        }
    }
    Some(r.pos + scfsi)
}

/// Reads bits most significant first.
struct BitReader<'a> {
    data: &'a [u8],
    pos: u64,
}

impl BitReader<'_> {
    fn read(&mut self, n: u64) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            let byte = *self.data.get((self.pos / 8) as usize)?;
            v = (v << 1) | u32::from((byte >> (7 - self.pos % 8)) & 1);
            self.pos += 1;
        }
        Some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer2_allocation_tables_cover_their_subbands() {
        // MPEG-1 Layer II 48 kHz 192 kbit/s stereo: table B.2a, 27 subbands,
        // all allocations zero: 11 x 4 x 2 + 12 x 3 x 2 + 4 x 2 x 2 bits.
        let h = FrameHeader::parse(&[0xFF, 0xFC, 0xA4, 0x00]).unwrap();
        assert_eq!(h.layer, 2);
        let body = [0u8; 64];
        assert_eq!(layer2_protected_bits(&body, &h), Some(88 + 72 + 16));
        // Every allocation non-zero adds two scfsi bits per subband and channel.
        let body = [0xFFu8; 64];
        assert_eq!(layer2_protected_bits(&body, &h), Some(176 + 2 * 27 * 2));
    }
}
