//! The audio track of a Matroska file: what its TrackEntry, Audio element
//! and CodecPrivate say (codec, rate, channels, bit depth, Opus pre-skip,
//! Vorbis modes, FLAC STREAMINFO, AAC AudioSpecificConfig, ALAC magic
//! cookie), and how many samples one coded frame holds.

use super::ebml::{Children, float, id, uint};
use crate::formats::ogg::codecs::{self, Codec};
use crate::record::Code;

/// How the frames of a codec are sized.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    /// Opus: the TOC byte (RFC 6716), at 48 kHz.
    Opus,
    /// Vorbis: the block size of each packet's mode, from the setup header.
    Vorbis(Codec),
    /// FLAC: the frame header's block size.
    Flac,
    /// AAC: a fixed number of output samples per frame.
    Aac(u64),
    /// PCM: this many bytes per sample frame.
    Pcm(u64),
    /// MPEG audio layer I-III: the frame header.
    Mpeg,
    /// AC-3: 1536 samples per frame.
    Ac3,
    /// E-AC-3: blocks per frame from the frame header.
    Eac3,
    /// ALAC: this many samples per packet, unless the packet says fewer.
    Alac(u64),
    /// Not sized from its frames.
    Other,
}

/// What the probe knows of the audio track.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Track {
    pub number: u64,
    pub codec_id: String,
    /// The record's `audioCodec`.
    pub codec: String,
    pub kind: Kind,
    /// Output sample rate (SBR and Opus included).
    pub rate: Option<u32>,
    pub channels: Option<u32>,
    pub bit_depth: Option<u32>,
    pub float: bool,
    pub lossless: bool,
    /// Opus pre-skip (samples at 48 kHz).
    pub pre_skip: Option<u64>,
    /// The encoder's input rate (Opus).
    pub input_rate: Option<u32>,
    pub codec_delay_ns: u64,
    pub default_duration_ns: Option<u64>,
    /// FLAC STREAMINFO total samples (0: unknown).
    pub flac_total: Option<u64>,
    /// The frames are compressed or have stripped headers
    /// (ContentEncodings): their bytes cannot be sized.
    pub encoded: bool,
    /// Problems with the headers.
    pub problems: Vec<(Code, String)>,
}

/// One TrackEntry, read enough to choose the audio track.
#[derive(Debug, Default)]
pub(crate) struct Entry<'a> {
    pub number: u64,
    pub kind: u64,
    pub default: bool,
    pub codec_id: String,
    pub private: Option<&'a [u8]>,
    pub codec_delay: u64,
    pub default_duration: Option<u64>,
    pub encoded: bool,
    pub rate: Option<f64>,
    pub out_rate: Option<f64>,
    pub channels: Option<u64>,
    pub bits: Option<u64>,
}

/// The TrackEntries of a Tracks element's data.
pub(crate) fn entries(data: &[u8]) -> (Vec<Entry<'_>>, bool) {
    let mut kids = Children::new(data);
    let mut out = Vec::new();
    for (i, body) in kids.by_ref() {
        if i != id::TRACK_ENTRY || out.len() >= 128 {
            continue;
        }
        let mut e = Entry {
            default: true,
            ..Entry::default()
        };
        for (i, v) in Children::new(body) {
            match i {
                id::TRACK_NUMBER => e.number = uint(v).unwrap_or(0),
                id::TRACK_TYPE => e.kind = uint(v).unwrap_or(0),
                id::FLAG_DEFAULT => e.default = uint(v).unwrap_or(1) != 0,
                id::CODEC_ID => {
                    e.codec_id = String::from_utf8_lossy(&v[..v.len().min(64)])
                        .trim_end_matches('\0')
                        .to_string();
                }
                id::CODEC_PRIVATE => e.private = Some(v),
                id::CODEC_DELAY => e.codec_delay = uint(v).unwrap_or(0),
                id::DEFAULT_DURATION => e.default_duration = uint(v),
                id::CONTENT_ENCODINGS => e.encoded = true,
                id::AUDIO => {
                    for (i, v) in Children::new(v) {
                        match i {
                            id::SAMPLING_FREQUENCY => e.rate = float(v),
                            id::OUTPUT_SAMPLING_FREQUENCY => e.out_rate = float(v),
                            id::CHANNELS => e.channels = uint(v),
                            id::BIT_DEPTH => e.bits = uint(v),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        out.push(e);
    }
    (out, kids.overflow)
}

/// A rate element as whole hertz (rounded), with a problem when it is not
/// a positive whole number.
fn whole_rate(r: f64, problems: &mut Vec<(Code, String)>) -> Option<u32> {
    if !(r.is_finite() && (1.0..1.0e9).contains(&r)) {
        problems.push((
            Code::InvalidHeader,
            format!("the track's SamplingFrequency {r} is not a sample rate"),
        ));
        return None;
    }
    let n = r.round();
    if (r - n).abs() > 1e-6 {
        problems.push((
            Code::NonIntegerSampleRate,
            format!("the track's SamplingFrequency {r} Hz is not a whole number: {n} Hz reported"),
        ));
    }
    Some(n as u32)
}

/// The Xiph-laced packets of a Vorbis CodecPrivate.
fn xiph_packets(p: &[u8]) -> Option<Vec<&[u8]>> {
    let (&count, mut rest) = p.split_first()?;
    let mut sizes = Vec::new();
    for _ in 0..count {
        let mut n = 0usize;
        loop {
            let (&b, r) = rest.split_first()?;
            rest = r;
            n = n.checked_add(usize::from(b))?;
            if b != 255 {
                break;
            }
        }
        sizes.push(n);
    }
    let mut out = Vec::new();
    for n in sizes {
        let (a, r) = rest.split_at_checked(n)?;
        out.push(a);
        rest = r;
    }
    out.push(rest);
    Some(out)
}

/// Read the chosen audio TrackEntry.
pub(crate) fn track(e: &Entry<'_>) -> Track {
    let mut problems = Vec::new();
    let rate = e.rate.and_then(|r| whole_rate(r, &mut problems));
    let out_rate = e.out_rate.and_then(|r| whole_rate(r, &mut problems));
    let bits = e.bits.filter(|&b| (1..=64).contains(&b)).map(|b| b as u32);
    let mut t = Track {
        number: e.number,
        codec_id: e.codec_id.clone(),
        codec: e.codec_id.clone(),
        kind: Kind::Other,
        rate: out_rate.or(rate),
        channels: e
            .channels
            .filter(|&c| (1..=255).contains(&c))
            .map(|c| c as u32)
            .or(Some(1)),
        bit_depth: None,
        float: false,
        lossless: false,
        pre_skip: None,
        input_rate: None,
        codec_delay_ns: e.codec_delay,
        default_duration_ns: e.default_duration,
        flac_total: None,
        encoded: e.encoded,
        problems: Vec::new(),
    };
    let private = e.private.unwrap_or_default();
    let id = e.codec_id.as_str();
    let bad_private = |problems: &mut Vec<(Code, String)>, what: &str| {
        problems.push((
            Code::InvalidHeader,
            format!("the {what} CodecPrivate of the audio track is malformed"),
        ));
    };
    match id {
        "A_OPUS" => {
            t.codec = "Opus".into();
            t.kind = Kind::Opus;
            let ident = codecs::identify(private);
            if let Codec::Opus { pre_skip, .. } = ident.codec {
                t.pre_skip = Some(u64::from(pre_skip));
                t.input_rate = ident.input_rate;
                if ident.channels > 0 {
                    t.channels = Some(ident.channels);
                }
            } else {
                bad_private(&mut problems, "Opus (OpusHead)");
            }
            // Opus always decodes at 48 kHz.
            t.rate = Some(48_000);
        }
        "A_VORBIS" => {
            t.codec = "Vorbis".into();
            let packets = xiph_packets(private).unwrap_or_default();
            let ident = packets.first().map(|p| codecs::identify(p));
            match (ident, packets.get(2)) {
                (Some(id), Some(setup)) if matches!(id.codec, Codec::Vorbis { .. }) => {
                    if id.rate > 0 {
                        t.rate = Some(id.rate);
                    }
                    if id.channels > 0 {
                        t.channels = Some(id.channels);
                    }
                    let mut codec = id.codec;
                    if let Codec::Vorbis { modes, .. } = &mut codec
                        && let Some(m) = codecs::vorbis_modes(setup)
                    {
                        *modes = m;
                    }
                    if matches!(&codec, Codec::Vorbis { modes, .. } if modes.is_empty()) {
                        problems.push((
                            Code::InvalidHeader,
                            "the Vorbis setup header's modes cannot be read: packet sizes are unknown".into(),
                        ));
                    } else {
                        t.kind = Kind::Vorbis(codec);
                    }
                }
                _ => bad_private(&mut problems, "Vorbis"),
            }
        }
        "A_FLAC" => {
            t.codec = "FLAC".into();
            t.kind = Kind::Flac;
            t.lossless = true;
            match streaminfo(private) {
                Some((rate, ch, bits, total)) => {
                    t.rate = Some(rate);
                    t.channels = Some(ch);
                    t.bit_depth = Some(bits);
                    t.flac_total = Some(total);
                }
                None => {
                    bad_private(&mut problems, "FLAC (fLaC + STREAMINFO)");
                    t.bit_depth = bits;
                }
            }
        }
        _ if id.starts_with("A_AAC") => {
            t.codec = "AAC".into();
            let core = rate;
            let mut out = out_rate.or(rate);
            let mut frame = 1024;
            if !private.is_empty() {
                match crate::formats::mp4::esds::parse_asc(private) {
                    Some(a) => {
                        if let Some(ch) = crate::formats::mp4::esds::channels_of(a.channel_config) {
                            t.channels = Some(if a.ps { 2 } else { ch });
                        }
                        if a.frame_960 {
                            frame = 960;
                        }
                        let core_rate = a.rate.or(core);
                        out = if a.sbr {
                            a.sbr_rate.or(core_rate.map(|r| r * 2))
                        } else {
                            out_rate.or(core_rate)
                        };
                        if let (Some(o), Some(c)) = (out, core_rate)
                            && o == 2 * c
                        {
                            frame *= 2;
                        }
                    }
                    None => bad_private(&mut problems, "AAC (AudioSpecificConfig)"),
                }
            } else if id.contains("SBR")
                || matches!((out_rate, rate), (Some(o), Some(c)) if o == 2 * c)
            {
                frame *= 2;
            }
            t.rate = out;
            t.kind = Kind::Aac(frame);
        }
        "A_PCM/INT/LIT" | "A_PCM/INT/BIG" | "A_PCM/FLOAT/IEEE" => {
            t.codec = "PCM".into();
            t.lossless = true;
            t.float = id == "A_PCM/FLOAT/IEEE";
            t.bit_depth = bits;
            match (bits, t.channels) {
                (Some(b), Some(c)) if b % 8 == 0 => {
                    t.kind = Kind::Pcm(u64::from(b / 8) * u64::from(c));
                }
                _ => problems.push((
                    Code::InvalidHeader,
                    format!(
                        "the PCM track's BitDepth ({:?}) is not a whole number of bytes",
                        e.bits
                    ),
                )),
            }
        }
        "A_MPEG/L3" | "A_MPEG/L2" | "A_MPEG/L1" => {
            t.codec = if id == "A_MPEG/L3" { "MP3" } else { "MP2" }.into();
            t.kind = Kind::Mpeg;
        }
        "A_AC3" | "A_AC3/BSID9" | "A_AC3/BSID10" => {
            t.codec = "AC-3".into();
            t.kind = Kind::Ac3;
        }
        "A_EAC3" => {
            t.codec = "E-AC-3".into();
            t.kind = Kind::Eac3;
        }
        "A_ALAC" => {
            t.codec = "ALAC".into();
            t.lossless = true;
            let cookie = if private.get(4..8) == Some(b"alac") {
                private.get(12..).unwrap_or_default()
            } else {
                private
            };
            match cookie.get(..24) {
                Some(c) => {
                    let frames = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
                    let depth = u32::from(c[5]);
                    let ch = u32::from(c[9]);
                    let r = u32::from_be_bytes([c[20], c[21], c[22], c[23]]);
                    if depth > 0 {
                        t.bit_depth = Some(depth);
                    }
                    if ch > 0 {
                        t.channels = Some(ch);
                    }
                    if r > 0 {
                        t.rate = Some(r);
                    }
                    if frames > 0 {
                        t.kind = Kind::Alac(u64::from(frames));
                    }
                }
                None => bad_private(&mut problems, "ALAC (magic cookie)"),
            }
        }
        "A_TTA1" => {
            t.codec = "TTA".into();
            t.lossless = true;
            t.bit_depth = bits;
        }
        "A_WAVPACK4" => {
            t.codec = "WavPack".into();
            t.bit_depth = bits;
        }
        "A_TRUEHD" => t.codec = "TrueHD".into(),
        "A_MLP" => t.codec = "MLP".into(),
        _ if id.starts_with("A_DTS") => t.codec = "DTS".into(),
        _ if id.starts_with("A_REAL") => t.codec = "RealAudio".into(),
        "A_MS/ACM" => t.codec = "ACM".into(),
        _ => {}
    }
    if !matches!(t.kind, Kind::Other) && e.encoded {
        problems.push((
            Code::UnsupportedCodec,
            "the audio track's frames are compressed or have stripped headers (ContentEncodings): they are not sized from their bytes".into(),
        ));
        t.kind = Kind::Other;
    }
    if matches!(t.kind, Kind::Other) && !e.encoded {
        problems.push((
            Code::UnsupportedCodec,
            format!(
                "the codec {} ({}) is not sized from its frames: the length comes from the block timestamps",
                t.codec, t.codec_id
            ),
        ));
    }
    t.problems = problems;
    t
}

/// `fLaC` and a STREAMINFO block: `(rate, channels, bits, total)`.
fn streaminfo(p: &[u8]) -> Option<(u32, u32, u32, u64)> {
    let body = p.strip_prefix(b"fLaC")?;
    if body.first()? & 0x7F != 0 {
        return None;
    }
    let s = body.get(4..4 + 34)?;
    let x = u64::from_be_bytes(s[10..18].try_into().ok()?);
    let rate = (x >> 44) as u32;
    let channels = ((x >> 41) & 7) as u32 + 1;
    let bits = ((x >> 36) & 31) as u32 + 1;
    let total = x & ((1 << 36) - 1);
    (rate > 0).then_some((rate, channels, bits, total))
}

/// Samples one coded frame of `kind` holds; `prev` carries the previous
/// Vorbis block size. `None`: the frame cannot be sized.
pub(crate) fn frame_samples(kind: &Kind, frame: &[u8], prev: &mut Option<u32>) -> Option<u64> {
    match kind {
        Kind::Opus => codecs::opus_samples(frame),
        Kind::Vorbis(codec) => codecs::packet_samples(codec, frame, prev),
        Kind::Flac => {
            crate::formats::flac::parse_frame_header(frame, 0).map(|h| u64::from(h.block_size))
        }
        Kind::Aac(n) => Some(*n),
        Kind::Pcm(bpf) => Some(frame.len() as u64 / bpf),
        Kind::Mpeg => {
            crate::formats::mpeg::FrameHeader::parse(frame).map(|h| u64::from(h.samples()))
        }
        Kind::Ac3 => (frame.get(..2) == Some(&[0x0B, 0x77])).then_some(1536),
        Kind::Eac3 => {
            let b = frame.get(..5)?;
            if b[..2] != [0x0B, 0x77] {
                return None;
            }
            let blocks = if b[4] >> 6 == 3 {
                6
            } else {
                [1, 2, 3, 6][usize::from((b[4] >> 4) & 3)]
            };
            Some(blocks * 256)
        }
        Kind::Alac(n) => {
            // Element tag (3 bits), instance (4), 12 unused bits, then the
            // "has size" flag: a shorter packet states its sample count.
            let b = frame.get(..3)?;
            if b[2] & 0x10 != 0 {
                // The count: 32 bits from bit 23 (after the flag, 2 bits
                // of shift and the escape flag).
                let w = frame.get(..8)?;
                let all = u64::from_be_bytes(w.try_into().ok()?);
                Some((all >> (64 - 23 - 32)) & 0xFFFF_FFFF).filter(|&v| v <= *n)
            } else {
                Some(*n)
            }
        }
        Kind::Other => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xiph_lacing_and_streaminfo() {
        let p = [2u8, 3, 255, 1, b'a', b'b', b'c'];
        assert!(xiph_packets(&p).is_none());
        let mut v = vec![2u8, 1, 2];
        v.extend_from_slice(b"abcdef");
        assert_eq!(xiph_packets(&v).unwrap(), vec![&b"a"[..], b"bc", b"def"]);
        let mut si = b"fLaC\x80\0\0\x22".to_vec();
        si.extend_from_slice(&[0x10, 0, 0x10, 0, 0, 0, 0, 0, 0, 0]);
        // 44100 Hz, 2 channels, 16 bits, 4000 samples
        let x: u64 = (44100 << 44) | (1 << 41) | (15 << 36) | 4000;
        si.extend_from_slice(&x.to_be_bytes());
        si.extend_from_slice(&[0; 16]);
        assert_eq!(streaminfo(&si), Some((44100, 2, 16, 4000)));
    }
}
