//! Advanced Systems Format (ASF: WMA, and MP3 or other audio in ASF).
//!
//! The Header Object's File Properties Object gives the play duration (in
//! 100 ns units, preroll included) and the data packet count; the audio
//! Stream Properties Object a WAVEFORMATEX (codec tag, rate, channels,
//! bits). ASF declares a duration, not a sample count, and packets carry
//! no sample counts without decoding: `totalSamples` is
//! `(play duration - preroll) x rate / 10^7`, rounded, with
//! `durationSource: "estimated"` and an `unknown_duration` warning saying
//! so. A broadcast file (flag set) declares no valid duration at all.
//! Verification checks the container: the header objects' sizes, the Data
//! Object's packet count x packet size against the bytes present.

pub mod verify;

use crate::formats::{Layout, Probe, push_unique};
use crate::io::reader::{Bytes, Endian, Reader};
use crate::record::{Code, DurationSource, FileFormat};

const LE: Endian = Endian::Little;

/// GUIDs in their byte order on disk.
pub const HEADER: [u8; 16] = guid(
    0x75B2_2630,
    0x668E,
    0x11CF,
    [0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C],
);
const DATA: [u8; 16] = guid(
    0x75B2_2636,
    0x668E,
    0x11CF,
    [0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C],
);
const FILE_PROPERTIES: [u8; 16] = guid(
    0x8CAB_DCA1,
    0xA947,
    0x11CF,
    [0x8E, 0xE4, 0x00, 0xC0, 0x0C, 0x20, 0x53, 0x65],
);
const STREAM_PROPERTIES: [u8; 16] = guid(
    0xB7DC_0791,
    0xA9B7,
    0x11CF,
    [0x8E, 0xE6, 0x00, 0xC0, 0x0C, 0x20, 0x53, 0x65],
);
const AUDIO_MEDIA: [u8; 16] = guid(
    0xF869_9E40,
    0x5B4D,
    0x11CF,
    [0xA8, 0xFD, 0x00, 0x80, 0x5F, 0x5C, 0x44, 0x2B],
);
const CONTENT_DESCRIPTION: [u8; 16] = guid(
    0x7520_8CA0,
    0x6DFB,
    0x11D0,
    [0xA4, 0x66, 0x00, 0xA0, 0xC9, 0x03, 0x48, 0x9C],
);
const EXTENDED_CONTENT: [u8; 16] = guid(
    0xD2D0_A440,
    0xE307,
    0x11D2,
    [0x97, 0xF0, 0x00, 0xA0, 0xC9, 0x5E, 0xA8, 0x50],
);

const fn guid(a: u32, b: u16, c: u16, d: [u8; 8]) -> [u8; 16] {
    let a = a.to_le_bytes();
    let b = b.to_le_bytes();
    let c = c.to_le_bytes();
    [
        a[0], a[1], a[2], a[3], b[0], b[1], c[0], c[1], d[0], d[1], d[2], d[3], d[4], d[5], d[6],
        d[7],
    ]
}

/// The codec of a WAVEFORMATEX tag in ASF, and whether its bits per
/// sample are the audio's bit depth (lossless only).
pub fn codec_name(tag: u16) -> (&'static str, bool) {
    match tag {
        0x0160..=0x0162 => ("WMA", false),
        0x0163 => ("WMA", true),
        0x000A => ("WMA Voice", false),
        0x0055 => ("MP3", false),
        0x0050 => ("MP2", false),
        0x0001 => ("PCM", true),
        _ => ("unknown", false),
    }
}

/// Where the Data Object's packets lie: what verification checks.
#[derive(Debug, Clone, PartialEq)]
pub struct AsfLayout {
    /// Offset of the Data Object.
    pub(crate) data: u64,
    /// The Data Object's declared size (0: unknown, as while streaming).
    pub(crate) data_size: u64,
    /// Packets the Data Object declares.
    pub(crate) packets: u64,
    /// The fixed packet size of the File Properties Object (0 if it
    /// varies).
    pub(crate) packet_size: u64,
}

/// Probe an ASF file.
pub fn probe(bytes: Bytes<'_>) -> Probe {
    let mut p = Probe {
        file_format: Some(FileFormat::Asf),
        ..Probe::default()
    };
    let mut r = Reader::over(bytes);
    let header = (|| {
        let id = r.array::<16>()?;
        let size = r.u64(LE)?;
        let count = r.u32(LE)?;
        r.skip(2)?;
        Ok::<_, crate::io::reader::Eof>((id, size, count))
    })();
    let Ok((_, header_size, count)) = header else {
        p.findings
            .error(Code::InvalidHeader, "the ASF Header Object is cut short");
        return p;
    };
    if header_size < 30 || header_size > bytes.len() {
        p.findings.error(
            if header_size > bytes.len() {
                Code::TruncatedData
            } else {
                Code::InvalidHeader
            },
            format!(
                "the ASF Header Object declares {header_size} bytes, the file holds {}",
                bytes.len()
            ),
        );
        if header_size < 30 {
            return p;
        }
    }
    let header_end = header_size.min(bytes.len());
    let mut file = None;
    let mut audio = None;
    let mut pos = 30u64;
    for _ in 0..count.min(1024) {
        if pos.saturating_add(24) > header_end {
            break;
        }
        let Some(head) = bytes.get(pos, 24) else {
            break;
        };
        let mut id = [0u8; 16];
        id.copy_from_slice(&head[..16]);
        let size = u64::from_le_bytes(head[16..24].try_into().unwrap_or_default());
        if size < 24 || size > header_end - pos {
            p.findings.error(
                Code::InvalidHeader,
                format!(
                    "a header object at offset {pos} declares {size} bytes, the Header Object has {} left",
                    header_end - pos
                ),
            );
            break;
        }
        let mut body = Reader::at(bytes, pos + 24);
        let body = body.sub_up_to(size - 24);
        if id == FILE_PROPERTIES {
            file = read_file_properties(body);
        } else if id == STREAM_PROPERTIES && audio.is_none() {
            audio = read_audio_stream(body);
        } else if id == CONTENT_DESCRIPTION {
            push_unique(&mut p.metadata_chunks, "Content Description");
        } else if id == EXTENDED_CONTENT {
            push_unique(&mut p.metadata_chunks, "Extended Content Description");
        }
        pos += size;
    }
    let Some(a) = audio else {
        p.findings.error(
            Code::InvalidHeader,
            "no audio Stream Properties Object in the ASF header",
        );
        return p;
    };
    let (codec, lossless) = codec_name(a.tag);
    p.format_tag = Some(a.tag);
    p.audio_codec = Some(codec.to_string()).filter(|_| codec != "unknown");
    p.sample_rate = Some(a.rate).filter(|&r| r > 0);
    p.channels = Some(u32::from(a.channels)).filter(|&c| c > 0);
    if lossless && a.bits > 0 {
        p.bit_depth = Some(u32::from(a.bits));
    }
    if a.rate == 0 || a.channels == 0 {
        p.findings.error(
            Code::InvalidHeader,
            format!(
                "the audio stream declares {} Hz and {} channels",
                a.rate, a.channels
            ),
        );
    }
    if codec == "unknown" {
        p.findings.warn(
            Code::UnsupportedCodec,
            format!(
                "the audio stream's format tag 0x{:04X} is not a known codec",
                a.tag
            ),
        );
    }
    // The Data Object right after the header.
    let data_at = header_size;
    let data = bytes.get(data_at, 50).filter(|d| d[..16] == DATA).map(|d| {
        let size = u64::from_le_bytes(d[16..24].try_into().unwrap_or_default());
        let packets = u64::from_le_bytes(d[40..48].try_into().unwrap_or_default());
        (size, packets)
    });
    let Some(f) = file else {
        p.findings.error(
            Code::InvalidHeader,
            "no File Properties Object in the ASF header",
        );
        return p;
    };
    if let Some((size, packets)) = data {
        p.audio_bytes = Some(size.saturating_sub(50));
        p.layout = Some(Layout::Asf(AsfLayout {
            data: data_at,
            data_size: size,
            packets,
            packet_size: if f.min_packet == f.max_packet {
                u64::from(f.max_packet)
            } else {
                0
            },
        }));
        if size > 0 && data_at.saturating_add(size) > bytes.len() {
            p.findings.error(
                Code::TruncatedData,
                format!(
                    "the Data Object declares {size} bytes, {} are present",
                    bytes.len() - data_at
                ),
            );
        }
        let declared = packets.saturating_mul(u64::from(f.max_packet));
        let present = bytes.len().saturating_sub(data_at.saturating_add(50));
        if f.min_packet == f.max_packet
            && declared > present
            && !p.findings.has_error(Code::TruncatedData)
        {
            p.findings.error(
                Code::TruncatedData,
                format!(
                    "the Data Object declares {packets} packets of {} bytes ({declared} bytes), {present} are present",
                    f.max_packet
                ),
            );
        }
    } else {
        p.findings.error(
            Code::InvalidHeader,
            format!("no ASF Data Object after the Header Object (offset {data_at})"),
        );
    }
    if f.flags & 1 != 0 {
        p.findings.error(
            Code::UnknownDuration,
            "the ASF broadcast flag is set: the file declares no valid play duration",
        );
        return p;
    }
    let Some(rate) = p.sample_rate else {
        return p;
    };
    let preroll = u128::from(f.preroll_ms) * 10_000;
    let play = u128::from(f.play_duration).saturating_sub(preroll);
    let samples = (play * u128::from(rate) + 5_000_000) / 10_000_000;
    p.total_samples = u64::try_from(samples).ok();
    p.duration_source = Some(DurationSource::Estimated);
    p.findings.warn(
        Code::UnknownDuration,
        format!(
            "estimated from the ASF play duration minus preroll ({} - {} ms, in 100 ns units): ASF declares a duration, not a sample count",
            f.play_duration, f.preroll_ms
        ),
    );
    p
}

struct FileProperties {
    play_duration: u64,
    preroll_ms: u64,
    flags: u32,
    min_packet: u32,
    max_packet: u32,
}

fn read_file_properties(mut r: Reader<'_>) -> Option<FileProperties> {
    r.skip(16 + 8 + 8 + 8).ok()?;
    let play_duration = r.u64(LE).ok()?;
    let _send = r.u64(LE).ok()?;
    let preroll_ms = r.u64(LE).ok()?;
    let flags = r.u32(LE).ok()?;
    let min_packet = r.u32(LE).ok()?;
    let max_packet = r.u32(LE).ok()?;
    Some(FileProperties {
        play_duration,
        preroll_ms,
        flags,
        min_packet,
        max_packet,
    })
}

struct AudioStream {
    tag: u16,
    channels: u16,
    rate: u32,
    bits: u16,
}

fn read_audio_stream(mut r: Reader<'_>) -> Option<AudioStream> {
    let kind = r.array::<16>().ok()?;
    if kind != AUDIO_MEDIA {
        return None;
    }
    r.skip(16 + 8 + 4 + 4 + 2 + 4).ok()?;
    let tag = r.u16(LE).ok()?;
    let channels = r.u16(LE).ok()?;
    let rate = r.u32(LE).ok()?;
    r.skip(4 + 2).ok()?;
    let bits = r.u16(LE).ok()?;
    Some(AudioStream {
        tag,
        channels,
        rate,
        bits,
    })
}
