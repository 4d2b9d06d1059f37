//! Apple Core Audio Format (CAF: `caff` magic).
//!
//! An 8-byte file header (`caff`, version, flags), then chunks of a
//! four-character type and a big-endian signed 64-bit size. The chunks that
//! measure the audio:
//!
//! * `desc`: sample rate (a 64-bit float), format id (`lpcm`, `alac`,
//!   `aac `, `ulaw`, `alaw`, `ima4`...), format flags (for `lpcm`: float,
//!   little-endian), bytes per packet, frames per packet, channels, bits per
//!   channel;
//! * `data`: a 32-bit edit count, then the audio; a size of -1 means "to the
//!   end of the file" (a writer that could not seek back), measured with a
//!   `data_size_unset` warning;
//! * `pakt`: the packet table of variable-size or variable-duration codecs:
//!   number of packets, number of valid frames, priming and remainder
//!   frames, then one variable-length integer per packet for its size
//!   and/or frame count;
//! * `kuki`: the codec's magic cookie (ALAC's gives the bit depth);
//! * `chan`: the channel layout.
//!
//! Linear PCM, A-law and mu-law (one packet per frame of constant size) are
//! described by a [`PcmLayout`], so `--verify`, `pcmMd5` and `--qc` work as
//! for WAV and AIFF. ALAC and AAC are named by codec and counted exactly
//! from the packet table (`totalSamples` = its valid frames,
//! `encoderDelay` = priming, `encoderPadding` = remainder); their verifier
//! ([`verify`]) checks the table against the data chunk without decoding.
//! A constant-size codec without a table (`ima4`: 34 bytes per 64 frames)
//! is counted as packets x frames per packet.

pub mod verify;

use crate::formats::pcm::{Encoding, PcmLayout};
use crate::formats::riff::wav::COMPANDED_BITS;
use crate::formats::{Layout, Probe, push_unique};
use crate::io::reader::{Bytes, Endian, Reader, fourcc_str};
use crate::record::{Code, DurationSource, FileFormat, SampleFormat};

const BE: Endian = Endian::Big;

/// `lpcm` format flags.
const FLAG_FLOAT: u32 = 1;
const FLAG_LITTLE_ENDIAN: u32 = 2;

/// Most chunks walked in one file.
const MAX_CHUNKS: u32 = 100_000;

/// The `desc` chunk.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Desc {
    rate: f64,
    format: [u8; 4],
    flags: u32,
    bytes_per_packet: u32,
    frames_per_packet: u32,
    channels: u32,
    bits: u32,
}

/// The header of the `pakt` chunk and where its table lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pakt {
    packets: i64,
    valid_frames: i64,
    priming: i32,
    remainder: i32,
    /// Offset of the first table entry.
    table: u64,
    /// Bytes of table the file holds.
    table_len: u64,
}

/// Where the packets of a compressed CAF stream lie, for [`verify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CafLayout {
    /// Offset of the first audio byte (after the edit count).
    pub offset: u64,
    /// Bytes of audio the file holds.
    pub len: u64,
    /// Whether the file holds the data chunk as declared.
    pub complete: bool,
    /// Packets the table declares.
    pub packets: u64,
    /// Constant bytes per packet, or 0 when the table gives each size.
    pub bytes_per_packet: u32,
    /// Constant frames per packet, or 0 when the table gives each count.
    pub frames_per_packet: u32,
    /// Offset and length of the packet table entries.
    pub table: (u64, u64),
    /// Valid frames, priming and remainder from the table's header.
    pub valid_frames: u64,
    /// Priming frames.
    pub priming: u64,
    /// Remainder frames.
    pub remainder: u64,
}

/// Probe a CAF file.
pub fn probe<'a>(bytes: impl Into<Bytes<'a>>) -> Probe {
    let bytes = bytes.into();
    let mut p = Probe {
        file_format: Some(FileFormat::Caf),
        ..Probe::default()
    };
    let file_len = bytes.len();
    let mut desc = None;
    let mut pakt = None;
    let mut kuki_bits = None;
    // (offset of the audio, bytes declared, bytes present)
    let mut data: Option<(u64, u64, u64)> = None;
    let mut pos = 8u64;
    let mut count = 0;
    while file_len.saturating_sub(pos) >= 12 {
        count += 1;
        if count > MAX_CHUNKS {
            p.findings.warn(
                Code::TruncatedChunk,
                format!("more than {MAX_CHUNKS} chunks: stopped walking at offset {pos}"),
            );
            break;
        }
        let mut r = Reader::at(bytes, pos);
        let (Ok(id), Ok(size)) = (r.fourcc(), r.u64(BE)) else {
            break;
        };
        let body = pos + 12;
        let left = file_len - body;
        let size = size as i64;
        if &id == b"data" && size == -1 {
            let audio = left.saturating_sub(4);
            p.findings.warn(
                Code::DataSizeUnset,
                format!(
                    "data chunk size is -1 (written without seeking back): measured to the end of the file, {audio} bytes"
                ),
            );
            if data.is_none() {
                data = Some((body + 4, audio, audio));
            }
            break;
        }
        let Ok(size) = u64::try_from(size) else {
            p.findings.error(
                Code::InvalidHeader,
                format!(
                    "chunk '{}' at offset {pos} declares a negative size ({size})",
                    fourcc_str(&id)
                ),
            );
            break;
        };
        let held = size.min(left);
        let mut b = Reader::at(bytes, body).sub_up_to(held);
        match &id {
            b"desc" if desc.is_none() => {
                desc = parse_desc(&mut b);
                if desc.is_none() {
                    p.findings.error(
                        Code::InvalidHeader,
                        format!("desc chunk at offset {pos} is only {size} bytes (32 needed)"),
                    );
                    return p;
                }
            }
            b"data" if data.is_none() => {
                // The edit count, then the audio.
                let declared = size.saturating_sub(4);
                data = Some((body + 4, declared, held.saturating_sub(4)));
            }
            b"pakt" if pakt.is_none() => pakt = parse_pakt(&mut b, body),
            b"kuki" => kuki_bits = alac_cookie_bits(&mut b),
            b"info" => push_unique(&mut p.metadata_chunks, "info"),
            b"chan" => push_unique(&mut p.metadata_chunks, "chan"),
            b"mark" => push_unique(&mut p.metadata_chunks, "mark"),
            b"regn" => push_unique(&mut p.metadata_chunks, "regn"),
            b"uuid" => push_unique(&mut p.metadata_chunks, "uuid"),
            b"ID3 " | b"id3 " => {
                push_unique(&mut p.metadata_chunks, "ID3");
                crate::tags::id3v2::read_id3v2(bytes, body, &mut p.tags);
            }
            _ => {}
        }
        if size > left {
            if &id != b"data" {
                p.findings.warn(
                    Code::TruncatedChunk,
                    format!(
                        "chunk '{}' at offset {pos} declares {size} bytes, only {left} remain in the file",
                        fourcc_str(&id)
                    ),
                );
            }
            break;
        }
        pos = body + size;
    }
    let rest = file_len.saturating_sub(pos);
    if rest > 0 && rest < 12 && data.is_some_and(|(_, d, h)| h >= d) {
        p.findings.warn(
            Code::TrailingData,
            format!("{rest} bytes after the last chunk"),
        );
    }

    let Some(d) = desc else {
        p.findings.error(
            Code::InvalidHeader,
            "no desc chunk: the audio format is not declared",
        );
        return p;
    };
    if d.channels == 0 {
        p.findings
            .error(Code::InvalidHeader, "desc chunk declares 0 channels");
        return p;
    }
    let rate = d.rate;
    if !(rate.is_finite() && rate >= 1.0 && rate <= f64::from(u32::MAX)) {
        p.findings.error(
            Code::InvalidHeader,
            format!("desc chunk sample rate {rate} is not a positive number"),
        );
        return p;
    }
    let whole = rate.round() as u32;
    if f64::from(whole) != rate {
        p.findings.warn(
            Code::NonIntegerSampleRate,
            format!("sample rate is {rate} Hz, reported as {whole}"),
        );
    }
    p.sample_rate = Some(whole);
    p.channels = Some(d.channels);
    measure(p, bytes, &d, pakt, kuki_bits, data)
}

fn parse_desc(r: &mut Reader<'_>) -> Option<Desc> {
    Some(Desc {
        rate: f64::from_bits(r.u64(BE).ok()?),
        format: r.fourcc().ok()?,
        flags: r.u32(BE).ok()?,
        bytes_per_packet: r.u32(BE).ok()?,
        frames_per_packet: r.u32(BE).ok()?,
        channels: r.u32(BE).ok()?,
        bits: r.u32(BE).ok()?,
    })
}

fn parse_pakt(r: &mut Reader<'_>, body: u64) -> Option<Pakt> {
    let packets = r.u64(BE).ok()? as i64;
    let valid_frames = r.u64(BE).ok()? as i64;
    let priming = r.u32(BE).ok()? as i32;
    let remainder = r.u32(BE).ok()? as i32;
    Some(Pakt {
        packets,
        valid_frames,
        priming,
        remainder,
        table: body + 24,
        table_len: r.remaining(),
    })
}

/// The bit depth in an ALAC magic cookie: the 24-byte ALACSpecificConfig,
/// bare or inside the `frma`/`alac` atoms some writers wrap it in.
fn alac_cookie_bits(r: &mut Reader<'_>) -> Option<u32> {
    let n = r.remaining().min(256);
    let cookie = r.bytes(n).ok()?;
    // An `alac` atom (size, 'alac', version/flags, then the config), not
    // the `frma` atom's 'alac' content.
    let atom = (4..cookie.len().saturating_sub(3))
        .find(|&at| &cookie[at..at + 4] == b"alac" && &cookie[at - 4..at] != b"frma");
    let config = match atom {
        Some(at) if cookie.len() >= at + 8 + 24 => &cookie[at + 8..],
        _ => cookie,
    };
    // frameLength (4), compatibleVersion (1), bitDepth (1).
    let bits = *config.get(5)?;
    (config.len() >= 24 && matches!(bits, 16 | 20 | 24 | 32)).then_some(u32::from(bits))
}

/// The codec's name and, for what the PCM verifier reads, how its samples
/// are stored: (name, encoding, bytes per sample, bitDepth, sample format).
fn codec(d: &Desc) -> (String, Option<(Encoding, u32, u32)>, Option<SampleFormat>) {
    let bits = d.bits;
    match &d.format {
        b"lpcm" => {
            let float = d.flags & FLAG_FLOAT != 0;
            let width = if d.channels > 0 && d.bytes_per_packet.is_multiple_of(d.channels) {
                d.bytes_per_packet / d.channels
            } else {
                bits.div_ceil(8)
            };
            let enc = match (float, width) {
                (true, 4 | 8) => Encoding::Float,
                (true, _) => Encoding::Other,
                (false, 1) if d.flags & FLAG_LITTLE_ENDIAN == 0 => Encoding::Signed,
                (false, _) => Encoding::Signed,
            };
            let sf = if float {
                SampleFormat::Float
            } else {
                SampleFormat::Int
            };
            ("PCM".into(), Some((enc, width, bits)), Some(sf))
        }
        b"ulaw" => (
            "MuLaw".into(),
            Some((Encoding::Other, 1, COMPANDED_BITS)),
            Some(SampleFormat::Int),
        ),
        b"alaw" => (
            "ALaw".into(),
            Some((Encoding::Other, 1, COMPANDED_BITS)),
            Some(SampleFormat::Int),
        ),
        b"alac" => ("ALAC".into(), None, None),
        b"aac " | b"aach" | b"aacp" | b"aacl" | b"aace" | b"aacf" | b"aacg" | b"aacs" => {
            ("AAC".into(), None, None)
        }
        b"ima4" => ("ADPCM".into(), None, None),
        b".mp3" => ("MP3".into(), None, None),
        b".mp2" => ("MP2".into(), None, None),
        b".mp1" => ("MP1".into(), None, None),
        b"ac-3" => ("AC-3".into(), None, None),
        b"ec-3" => ("E-AC-3".into(), None, None),
        b"opus" => ("Opus".into(), None, None),
        b"flac" => ("FLAC".into(), None, None),
        b"samr" => ("AMR".into(), None, None),
        b"agsm" => ("GSM 6.10".into(), None, None),
        b"Qclp" => ("QCELP".into(), None, None),
        b"MAC3" | b"MAC6" => ("MACE".into(), None, None),
        other => (format!("CAF format '{}'", fourcc_str(other)), None, None),
    }
}

/// Measure the stream `d` describes.
fn measure(
    mut p: Probe,
    bytes: Bytes<'_>,
    d: &Desc,
    pakt: Option<Pakt>,
    kuki_bits: Option<u32>,
    data: Option<(u64, u64, u64)>,
) -> Probe {
    let (name, pcm, sample_format) = codec(d);
    p.audio_codec = Some(name.clone());
    p.sample_format = sample_format;
    let Some((offset, declared, present)) = data else {
        p.findings.error(
            Code::InvalidHeader,
            "no data chunk: the file holds no audio",
        );
        return p;
    };
    p.audio_bytes = Some(present);
    let truncated = present < declared;
    if let Some((encoding, width, bits)) = pcm {
        return measure_pcm(p, d, (encoding, width, bits), (offset, declared, present));
    }
    if &d.format == b"alac" {
        // The cookie's depth; else the desc flags (1: 16, 2: 20, 3: 24, 4: 32).
        p.bit_depth = kuki_bits.or(match d.flags {
            1 => Some(16),
            2 => Some(20),
            3 => Some(24),
            4 => Some(32),
            _ => None,
        });
        p.sample_format = p.bit_depth.map(|_| SampleFormat::Int);
    }
    if !matches!(&d.format, b"alac" | b"aac ") {
        p.findings.warn(
            Code::UnsupportedCodec,
            format!("{name} audio is identified but not decoded"),
        );
    }
    let fpp = u64::from(d.frames_per_packet);
    let bpp = u64::from(d.bytes_per_packet);
    match pakt {
        Some(t) => {
            let (Ok(packets), Ok(valid), Ok(priming), Ok(remainder)) = (
                u64::try_from(t.packets),
                u64::try_from(t.valid_frames),
                u64::try_from(t.priming),
                u64::try_from(t.remainder),
            ) else {
                p.findings.error(
                    Code::InvalidHeader,
                    "the packet table declares a negative count",
                );
                return p;
            };
            p.total_samples = Some(valid);
            p.duration_source = Some(DurationSource::Header);
            p.encoder_delay = Some(priming);
            p.encoder_padding = Some(remainder);
            if &d.format == b"alac" && fpp > 0 && !truncated {
                alac_last_frame(&mut p, bytes, &t, offset, packets, fpp, (valid, priming, remainder));
            }
            if fpp > 0 {
                let coded = u128::from(packets) * u128::from(fpp);
                let accounted = u128::from(valid) + u128::from(priming) + u128::from(remainder);
                if coded != accounted {
                    p.findings.warn(
                        Code::InconsistentHeader,
                        format!(
                            "the packet table declares {packets} packets of {fpp} frames ({coded} frames), but valid + priming + remainder frames are {valid} + {priming} + {remainder} = {accounted}"
                        ),
                    );
                }
            }
            if bpp > 0
                && !truncated
                && u128::from(packets) * u128::from(bpp) != u128::from(declared)
            {
                p.findings.warn(
                    Code::InconsistentHeader,
                    format!(
                        "the packet table declares {packets} packets of {bpp} bytes, the data chunk holds {declared} bytes"
                    ),
                );
            }
            if truncated {
                p.findings.error(
                    Code::TruncatedData,
                    format!(
                        "data chunk declares {declared} bytes of audio, the file holds {present}: the packet table's {valid} frames are not all present"
                    ),
                );
            }
            p.layout = Some(Layout::Caf(CafLayout {
                offset,
                len: present,
                complete: !truncated,
                packets,
                bytes_per_packet: d.bytes_per_packet,
                frames_per_packet: d.frames_per_packet,
                table: (t.table, t.table_len),
                valid_frames: valid,
                priming,
                remainder,
            }));
        }
        None if bpp > 0 && fpp > 0 => {
            // Constant packets: the count follows from the bytes.
            let packets = present / bpp;
            p.total_samples = Some(packets.saturating_mul(fpp));
            p.duration_source = Some(DurationSource::Header);
            if truncated {
                p.declared_samples = Some((declared / bpp).saturating_mul(fpp));
                p.findings.error(
                    Code::TruncatedData,
                    format!("data chunk declares {declared} bytes, the file holds {present}"),
                );
            } else if present % bpp != 0 {
                p.findings.warn(
                    Code::PartialSampleFrame,
                    format!(
                        "data holds {present} bytes, not a whole number of {bpp}-byte packets: the last {} bytes are ignored",
                        present % bpp
                    ),
                );
            }
        }
        None => p.findings.error(
            Code::UnknownDuration,
            format!(
                "{name} with variable packets and no packet table (pakt chunk): the sample count cannot be derived without decoding"
            ),
        ),
    }
    p
}

/// ALAC packets are whole frames of `fpp` samples but the last, whose
/// header may declare fewer (the "has size" flag and a 32-bit count).
/// Writers that fill the packet table's valid frames with packets x frames
/// per packet (ffmpeg) then overstate the length: the last packet's own
/// count, found through the table's sizes, gives the exact total.
fn alac_last_frame(
    p: &mut Probe,
    bytes: Bytes<'_>,
    t: &Pakt,
    offset: u64,
    packets: u64,
    fpp: u64,
    (valid, priming, remainder): (u64, u64, u64),
) {
    let Some(walk) = table_walk(bytes, t.table, t.table_len, packets, 0, fpp as u32) else {
        return;
    };
    if walk.packets != packets || packets == 0 {
        return;
    }
    let last_at = offset.saturating_add(walk.bytes_sum.saturating_sub(walk.last_size));
    let Some(h) = bytes.get(last_at, 7) else {
        return;
    };
    // 3 bits element, 4 bits tag, 12 unused, 1 has-size, 2 shift, 1 escape,
    // then (with has-size) the 32-bit sample count.
    let bits = u64::from_be_bytes([h[0], h[1], h[2], h[3], h[4], h[5], h[6], 0]);
    let has_size = (bits >> (63 - 19)) & 1 == 1;
    let count = (bits >> (64 - 23 - 32)) & 0xFFFF_FFFF;
    if !has_size || count == 0 || count > fpp {
        return;
    }
    let exact = (packets - 1) * fpp + count;
    let from_table = valid + priming + remainder;
    if exact != valid && priming == 0 {
        p.findings.warn(
            Code::InconsistentHeader,
            format!(
                "the packet table declares {valid} valid frames ({from_table} with priming and remainder), the ALAC packets hold {exact}: {} whole packets of {fpp} and a last one of {count}",
                packets - 1
            ),
        );
        p.declared_samples = Some(valid);
        p.total_samples = Some(exact);
        p.encoder_padding = Some(from_table.saturating_sub(exact));
        p.duration_source = Some(DurationSource::Frames);
    }
}

/// What a walk over a packet table found.
pub(crate) struct TableWalk {
    /// Entries read (at most the packets declared).
    pub(crate) packets: u64,
    /// Bytes of all packets.
    pub(crate) bytes_sum: u64,
    /// Frames of all packets.
    pub(crate) frames_sum: u128,
    /// Bytes of the last packet.
    pub(crate) last_size: u64,
}

/// Walk `packets` entries of the packet table at `start` (`len` bytes held):
/// a variable-length integer (7 bits a byte, high bit set on all but the
/// last) for each packet's size when `bpp` is 0 and for its frame count
/// when `fpp` is 0. `None` when the table cannot be read.
pub(crate) fn table_walk(
    bytes: Bytes<'_>,
    start: u64,
    len: u64,
    packets: u64,
    bpp: u32,
    fpp: u32,
) -> Option<TableWalk> {
    let table = bytes.get(start, len)?;
    let mut at = 0usize;
    let mut read = || -> Option<u64> {
        let mut v = 0u64;
        for _ in 0..10 {
            let b = *table.get(at)?;
            at += 1;
            v = v.checked_shl(7)? | u64::from(b & 0x7F);
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    };
    let mut w = TableWalk {
        packets: 0,
        bytes_sum: 0,
        frames_sum: 0,
        last_size: 0,
    };
    while w.packets < packets {
        let size = if bpp == 0 {
            read()
        } else {
            Some(u64::from(bpp))
        };
        let frames = if fpp == 0 {
            read()
        } else {
            Some(u64::from(fpp))
        };
        let (Some(size), Some(frames)) = (size, frames) else {
            break;
        };
        w.packets += 1;
        w.bytes_sum = w.bytes_sum.saturating_add(size);
        w.frames_sum += u128::from(frames);
        w.last_size = size;
        if bpp != 0 && fpp != 0 {
            // Nothing in the table: every packet is the same.
            w.packets = packets;
            w.bytes_sum = packets.saturating_mul(u64::from(bpp));
            w.frames_sum = u128::from(packets) * u128::from(fpp);
            break;
        }
    }
    Some(w)
}

/// Measure uncompressed (or G.711) audio through the PCM layout.
fn measure_pcm(
    mut p: Probe,
    d: &Desc,
    (encoding, width, bits): (Encoding, u32, u32),
    (offset, declared, present): (u64, u64, u64),
) -> Probe {
    if width == 0 || bits == 0 {
        p.findings.error(
            Code::InvalidHeader,
            "desc chunk declares 0 bits or bytes per sample",
        );
        return p;
    }
    let frame = u64::from(d.channels) * u64::from(width);
    if u64::from(d.bytes_per_packet) != frame || d.frames_per_packet != 1 {
        p.findings.warn(
            Code::InconsistentHeader,
            format!(
                "desc chunk declares {} bytes and {} frames per packet; {} channels of {width}-byte samples are {frame}-byte frames, one per packet: counting {frame}-byte frames",
                d.bytes_per_packet, d.frames_per_packet, d.channels
            ),
        );
    }
    let valid = bits.min(width * 8);
    p.bit_depth = Some(bits.min(if encoding == Encoding::Other {
        bits
    } else {
        width * 8
    }));
    if p.bit_depth != Some(width * 8) {
        p.container_bit_depth = Some(width * 8);
    }
    crate::formats::pcm::count_frames(&mut p, "data chunk", declared, present, frame);
    p.layout = Some(Layout::Pcm(PcmLayout {
        offset,
        len: present,
        frame_bytes: u32::try_from(frame).unwrap_or(0),
        channels: d.channels,
        sample_bytes: width,
        // CAF integer samples are high-aligned only with the
        // kCAFLinearPCMFormatFlagIsAlignedHigh flag; ffmpeg and afconvert
        // write whole-byte samples, so the stored width is the valid one
        // unless fewer bits are declared (left-justified, as in AIFF).
        valid_bits: if encoding == Encoding::Other {
            width * 8
        } else {
            valid
        },
        big_endian: d.flags & FLAG_LITTLE_ENDIAN == 0,
        encoding,
        md5_chunk: None,
        complete: present >= declared,
    }));
    p
}

#[cfg(test)]
mod tests;
