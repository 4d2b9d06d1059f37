//! Raw AAC: ADTS frames (ISO/IEC 13818-7 and 14496-3 Audio Data Transport
//! Stream) or an ADIF header (Audio Data Interchange Format).
//!
//! ADTS: every frame header is read and the frames are counted
//! (`durationSource: "frames"`): each holds 1 to 4 raw data blocks of
//! 1,024 samples. Raw ADTS carries no gapless information, so the count
//! includes the encoder's priming and padding (`encoderDelay` stays
//! null), as a decoder outputs it. HE-AAC (SBR) cannot be told from the
//! ADTS header: the rate and sample count are those of the AAC core (SBR
//! doubles both at the output). The frame walk needs the whole file.
//!
//! ADIF: one header (bit rate, program config element) and no frame
//! boundaries: the sample count is estimated from the bit rate and the
//! size (`durationSource: "estimated"`, with a warning) for a constant
//! bit rate stream, and unknown (`unknown_duration`) for a variable one.

pub mod verify;

use crate::formats::elementary::{Frames, Head, Summary};
use crate::formats::{Layout, Probe, push_unique};
use crate::io::reader::Bytes;
use crate::record::{Code, DurationSource, FileFormat};

/// Sampling frequencies by `sampling_frequency_index`.
pub const RATES: [u32; 13] = [
    96_000, 88_200, 64_000, 48_000, 44_100, 32_000, 24_000, 22_050, 16_000, 12_000, 11_025, 8_000,
    7_350,
];

/// Samples per channel of one raw data block.
pub const BLOCK_SAMPLES: u64 = 1024;

/// What must stay the same from one ADTS frame to the next: MPEG version
/// bit, profile, sampling frequency index, channel configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdtsKey {
    /// `ID`: 0 MPEG-4, 1 MPEG-2.
    pub mpeg2: bool,
    /// `profile` (the audio object type minus 1: 1 = LC).
    pub profile: u8,
    /// `sampling_frequency_index`.
    pub rate_index: u8,
    /// `channel_configuration` (0: defined by a program config element).
    pub channels: u8,
}

/// One ADTS frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdtsHeader {
    /// The fixed header's fields.
    pub key: AdtsKey,
    /// Whether a CRC follows the header (`protection_absent` = 0).
    pub protected: bool,
    /// `frame_length`: bytes of the frame, header included.
    pub frame_len: u16,
    /// `adts_buffer_fullness` (0x7FF: variable bit rate).
    pub fullness: u16,
    /// Raw data blocks in the frame (1 to 4).
    pub blocks: u8,
}

impl AdtsHeader {
    /// Parse the 7-byte header at the start of `b`; `None` when it is no
    /// valid ADTS header (no sync, layer not 0, reserved rate index, a
    /// frame too short to hold its header).
    pub fn parse(b: &[u8]) -> Option<AdtsHeader> {
        let h = b.get(..7)?;
        if h[0] != 0xFF || h[1] & 0xF6 != 0xF0 {
            return None;
        }
        let rate_index = (h[2] >> 2) & 0xF;
        if usize::from(rate_index) >= RATES.len() {
            return None;
        }
        let protected = h[1] & 1 == 0;
        let frame_len =
            (u16::from(h[3] & 3) << 11) | (u16::from(h[4]) << 3) | (u16::from(h[5]) >> 5);
        let fullness = (u16::from(h[5] & 0x1F) << 6) | (u16::from(h[6]) >> 2);
        let blocks = (h[6] & 3) + 1;
        let header_len = if protected { 9 } else { 7 };
        if frame_len < header_len {
            return None;
        }
        Some(AdtsHeader {
            key: AdtsKey {
                mpeg2: h[1] & 8 != 0,
                profile: h[2] >> 6,
                rate_index,
                channels: ((h[2] & 1) << 2) | (h[3] >> 6),
            },
            protected,
            frame_len,
            fullness,
            blocks,
        })
    }

    /// Bytes of the header, with its CRC (and raw data block positions).
    pub fn header_len(&self) -> u64 {
        if self.protected {
            7 + 2 * u64::from(self.blocks)
        } else {
            7
        }
    }

    /// The sampling frequency.
    pub fn rate(&self) -> u32 {
        RATES[usize::from(self.key.rate_index) % RATES.len()]
    }

    /// Samples per channel of the frame.
    pub fn samples(&self) -> u64 {
        u64::from(self.blocks) * BLOCK_SAMPLES
    }
}

/// The frame-walk view of a header.
pub(crate) fn adts_head(b: &[u8]) -> Option<Head<AdtsKey>> {
    let h = AdtsHeader::parse(b)?;
    (u64::from(h.frame_len) >= h.header_len()).then_some(Head {
        len: u64::from(h.frame_len),
        key: h.key,
    })
}

/// The AAC profile's name.
pub fn profile_name(key: &AdtsKey) -> &'static str {
    match key.profile {
        0 => "Main",
        1 => "LC",
        2 => "SSR",
        _ => "LTP",
    }
}

/// Where the ADTS frames of a file lie: what verification walks.
#[derive(Debug, Clone, PartialEq)]
pub struct AdtsLayout {
    /// The first frame.
    pub(crate) start: u64,
    /// Where the audio ends (tags at the end excluded).
    pub(crate) end: u64,
    /// The first frame's fixed header.
    pub(crate) key: AdtsKey,
}

/// Two agreeing ADTS headers in a row at `pos` (or one frame that ends
/// exactly at the end of the file).
pub(crate) fn adts_at(bytes: Bytes<'_>, pos: u64) -> bool {
    let Some(h) = adts_head(bytes.get_up_to(pos, 16)) else {
        return false;
    };
    let next = pos.saturating_add(h.len);
    if next == bytes.len() {
        return true;
    }
    adts_head(bytes.get_up_to(next, 16)).is_some_and(|n| n.key == h.key)
}

/// The first offset in `from..from + limit` where [`adts_at`] holds.
pub(crate) fn adts_within(bytes: Bytes<'_>, from: u64, limit: u64) -> Option<u64> {
    let window = bytes.get_up_to(from, limit);
    (0..window.len())
        .filter(|&i| window[i] == 0xFF)
        .map(|i| from + i as u64)
        .find(|&at| adts_at(bytes, at))
}

/// How far after the tags junk before the first ADTS frame is searched.
pub(crate) const ADTS_JUNK: u64 = 4096;

/// Probe raw AAC: an ADIF header or ADTS frames at or after `start` (the
/// end of any ID3v2 tags).
pub fn probe(bytes: Bytes<'_>, start: u64) -> Probe {
    let mut p = Probe {
        file_format: Some(FileFormat::Aac),
        audio_codec: Some("AAC".to_string()),
        ..Probe::default()
    };
    crate::formats::read_leading_id3v2(bytes, start, &mut p);
    let start = start.min(bytes.len());
    let zeros = bytes
        .get_up_to(start, ADTS_JUNK)
        .iter()
        .take_while(|&&b| b == 0)
        .count() as u64;
    if bytes.get(start + zeros, 4) == Some(b"ADIF") {
        probe_adif(bytes, start + zeros, &mut p);
        return p;
    }
    let end = crate::formats::mpeg::audio_end(bytes, start, &mut p);
    let Some(first) = adts_within(bytes, start, ADTS_JUNK.min(end.saturating_sub(start))) else {
        p.findings.error(
            Code::InvalidHeader,
            format!("no ADTS frame found in the bytes after offset {start}"),
        );
        return p;
    };
    if first > start + zeros {
        p.findings.warn(
            Code::LeadingData,
            format!(
                "{} bytes before the first ADTS frame (offset {first}) are neither a tag nor audio",
                first - start - zeros
            ),
        );
    }
    let Some(h) = AdtsHeader::parse(bytes.get_up_to(first, 7)) else {
        return p;
    };
    p.sample_rate = Some(h.rate());
    if h.key.channels > 0 {
        // 7 is 7.1: eight channels.
        p.channels = Some(if h.key.channels == 7 {
            8
        } else {
            u32::from(h.key.channels)
        });
    } else {
        p.findings.warn(
            Code::UnsupportedCodec,
            "channel_configuration 0: the channels are defined by a program config element inside the raw data, which is not read",
        );
    }
    let mut samples = 0u64;
    let mut sum = Summary::default();
    for step in Frames::new(bytes, first, end, h.key, adts_head) {
        if let crate::formats::elementary::Step::Frame { pos, .. } = step
            && let Some(f) = AdtsHeader::parse(bytes.get_up_to(pos, 7))
        {
            samples += f.samples();
        }
        sum.add(&step);
    }
    sum.report(&mut p.findings, "ADTS frame");
    p.total_samples = Some(samples);
    p.duration_source = Some(DurationSource::Frames);
    p.audio_bytes = Some(sum.frame_bytes);
    p.layout = Some(Layout::Adts(AdtsLayout {
        start: first,
        end,
        key: h.key,
    }));
    p
}

/// A bit reader over a slice, most significant bit first.
pub(crate) struct Bits<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Bits<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Bits { buf, pos: 0 }
    }

    /// The next `n` bits (at most 32), `None` past the end.
    pub(crate) fn read(&mut self, n: u32) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            let byte = *self.buf.get(self.pos / 8)?;
            let bit = (byte >> (7 - self.pos % 8)) & 1;
            v = (v << 1) | u32::from(bit);
            self.pos += 1;
        }
        Some(v)
    }

    /// Bits read so far.
    pub(crate) fn position(&self) -> usize {
        self.pos
    }
}

/// What an ADIF header declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Adif {
    pub(crate) variable: bool,
    pub(crate) bitrate: u32,
    pub(crate) rate_index: u8,
    pub(crate) channels: u32,
    pub(crate) header_len: u64,
}

/// Parse an ADIF header (the bytes from `ADIF`).
pub(crate) fn parse_adif(b: &[u8]) -> Option<Adif> {
    let mut r = Bits::new(b.get(4..)?);
    if r.read(1)? == 1 {
        r.read(32)?;
        r.read(32)?;
        r.read(8)?;
    }
    r.read(2)?; // original_copy, home
    let variable = r.read(1)? == 1;
    let bitrate = r.read(23)?;
    let pces = r.read(4)? + 1;
    let mut first = None;
    for _ in 0..pces {
        if !variable {
            r.read(20)?; // adif_buffer_fullness
        }
        // program_config_element()
        r.read(4)?; // element_instance_tag
        r.read(2)?; // object_type
        let rate_index = r.read(4)? as u8;
        let front = r.read(4)?;
        let side = r.read(4)?;
        let back = r.read(4)?;
        let lfe = r.read(2)?;
        let assoc = r.read(3)?;
        let cc = r.read(4)?;
        for _ in 0..2 {
            if r.read(1)? == 1 {
                r.read(4)?; // mono/stereo mixdown element number
            }
        }
        if r.read(1)? == 1 {
            r.read(3)?; // matrix mixdown
        }
        let mut channels = 0u32;
        for _ in 0..front + side + back {
            channels += if r.read(1)? == 1 { 2 } else { 1 };
            r.read(4)?;
        }
        for _ in 0..lfe {
            r.read(4)?;
            channels += 1;
        }
        for _ in 0..assoc {
            r.read(4)?;
        }
        for _ in 0..cc {
            r.read(5)?;
        }
        // byte_alignment() relative to the header, then the comment.
        let pad = (8 - (r.position() + 32) % 8) % 8;
        r.read(pad as u32)?;
        let comment = r.read(8)?;
        for _ in 0..comment {
            r.read(8)?;
        }
        first.get_or_insert((rate_index, channels));
    }
    let (rate_index, channels) = first?;
    Some(Adif {
        variable,
        bitrate,
        rate_index,
        channels,
        header_len: 4 + r.position().div_ceil(8) as u64,
    })
}

fn probe_adif(bytes: Bytes<'_>, at: u64, p: &mut Probe) {
    push_unique(&mut p.metadata_chunks, "ADIF");
    let Some(h) = parse_adif(bytes.get_up_to(at, 4096)) else {
        p.findings
            .error(Code::InvalidHeader, "the ADIF header is cut short");
        return;
    };
    let Some(&rate) = RATES.get(usize::from(h.rate_index)) else {
        p.findings.error(
            Code::InvalidHeader,
            format!(
                "the ADIF program config element uses the reserved sampling frequency index {}",
                h.rate_index
            ),
        );
        return;
    };
    p.sample_rate = Some(rate);
    p.channels = Some(h.channels).filter(|&c| c > 0);
    let coded = bytes.len().saturating_sub(at.saturating_add(h.header_len));
    p.audio_bytes = Some(coded);
    if h.variable || h.bitrate == 0 {
        p.findings.error(
            Code::UnknownDuration,
            format!(
                "ADIF has no frame boundaries and this stream has a variable bit rate (at most {} bit/s): its length needs a decoder",
                h.bitrate
            ),
        );
        return;
    }
    let samples = u128::from(coded) * 8 * u128::from(rate) / u128::from(h.bitrate);
    p.total_samples = u64::try_from(samples).ok();
    p.duration_source = Some(DurationSource::Estimated);
    p.findings.warn(
        Code::UnknownDuration,
        format!(
            "estimated: ADIF has no frame boundaries; {coded} bytes of audio at the header's constant {} bit/s",
            h.bitrate
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(len: u16, rate_index: u8, channels: u8) -> Vec<u8> {
        let mut f = vec![0u8; usize::from(len)];
        f[0] = 0xFF;
        f[1] = 0xF1;
        f[2] = (1 << 6) | (rate_index << 2) | (channels >> 2);
        f[3] = ((channels & 3) << 6) | ((len >> 11) as u8 & 3);
        f[4] = (len >> 3) as u8;
        f[5] = ((len & 7) as u8) << 5 | 0x1F;
        f[6] = 0xFC;
        f
    }

    #[test]
    fn adts_frames_are_counted() {
        let mut v = Vec::new();
        for _ in 0..5 {
            v.extend(frame(20, 4, 2));
        }
        let p = probe(Bytes::full(&v), 0);
        assert_eq!(p.sample_rate, Some(44_100));
        assert_eq!(p.channels, Some(2));
        assert_eq!(p.total_samples, Some(5 * 1024));
        assert!(p.findings.errors.is_empty());
        // The last frame cut short.
        let p = probe(Bytes::full(&v[..90]), 0);
        assert_eq!(p.total_samples, Some(4 * 1024));
        assert_eq!(p.findings.errors[0].code, Code::TruncatedData);
        // Junk in the middle.
        let mut w = v[..40].to_vec();
        w.extend_from_slice(b"junk junk");
        w.extend_from_slice(&v[40..]);
        let p = probe(Bytes::full(&w), 0);
        assert_eq!(p.total_samples, Some(5 * 1024));
        assert_eq!(p.findings.warnings[0].code, Code::CorruptFrames);
    }

    #[test]
    fn adif_header_is_read() {
        // mutagen's adif.aac header.
        let h = [
            0x41, 0x44, 0x49, 0x46, 0x00, 0x3e, 0x80, 0x00, 0x00, 0x00, 0x01, 0x98, 0x80, 0x00,
            0x04, 0x00, 0x00, 0x21,
        ];
        let a = parse_adif(&h).unwrap();
        assert!(!a.variable);
        assert_eq!(a.bitrate, 128_000);
        assert_eq!(RATES[usize::from(a.rate_index)], 48_000);
        assert_eq!(a.channels, 2);
    }
}
