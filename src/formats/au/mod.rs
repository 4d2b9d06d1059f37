//! Sun/NeXT audio (`.snd` magic, files named `.au` or `.snd`).
//!
//! A 24-byte big-endian header (magic, data offset, data size, encoding,
//! sample rate, channels), an annotation up to the data offset, then the
//! samples, interleaved and big-endian. The sample count is the bytes the
//! file really holds from the data offset, up to the declared data size,
//! divided by the frame size: a size of `0xFFFFFFFF` ("unknown", written by
//! streaming writers) is measured to the end of the file with a
//! `data_size_unset` warning, a size larger than the file holds is
//! `truncated_data` with both figures, and bytes after the declared data
//! are `trailing_data`.
//!
//! Linear PCM (encodings 2-5: 8, 16, 24 and 32 bits, signed), IEEE float
//! (6) and double (7) are described by a [`PcmLayout`], so `--verify`,
//! `pcmMd5` and `--qc` work as for WAV and AIFF. mu-law (1) and A-law (27)
//! are measured like G.711 in WAV and AIFF-C: `bitDepth` 16 (the decoded
//! width), `containerBitDepth` 8 (the coded width), read and counted by the
//! PCM verifier without a digest or analysis. Every other encoding (the
//! G.72x ADPCMs, DSP programs, ...) is named and its duration not guessed.

use crate::formats::pcm::{Encoding, PcmLayout};
use crate::formats::riff::wav::COMPANDED_BITS;
use crate::formats::{Layout, Probe};
use crate::io::reader::{Bytes, Endian, Reader};
use crate::record::{Code, FileFormat, SampleFormat};

/// The header's data size meaning "unknown": to the end of the file.
const SIZE_UNKNOWN: u32 = u32::MAX;

/// The smallest header (without annotation).
const HEADER: u64 = 24;

/// How an AU encoding stores its samples.
struct Coding {
    /// The DDEX AudioCodecType word or a plain name.
    codec: &'static str,
    /// Bytes per stored sample (0: not a sample-per-byte-group coding).
    bytes: u32,
    /// `bitDepth`.
    bits: u32,
    encoding: Encoding,
    sample_format: Option<SampleFormat>,
}

/// The encodings of the Sun/NeXT header (`audio_filehdr.h`, NeXT
/// `soundstruct.h`).
fn coding(id: u32) -> Result<Coding, &'static str> {
    let pcm = |bytes: u32| Coding {
        codec: "PCM",
        bytes,
        bits: bytes * 8,
        encoding: Encoding::Signed,
        sample_format: Some(SampleFormat::Int),
    };
    let g711 = |codec: &'static str| Coding {
        codec,
        bytes: 1,
        bits: COMPANDED_BITS,
        encoding: Encoding::Other,
        sample_format: Some(SampleFormat::Int),
    };
    let float = |bytes: u32| Coding {
        codec: "PCM",
        bytes,
        bits: bytes * 8,
        encoding: Encoding::Float,
        sample_format: Some(SampleFormat::Float),
    };
    Ok(match id {
        1 => g711("MuLaw"),
        2 => pcm(1),
        3 => pcm(2),
        4 => pcm(3),
        5 => pcm(4),
        6 => float(4),
        7 => float(8),
        27 => g711("ALaw"),
        8 => return Err("fragmented sample data (encoding 8)"),
        10..=13 => return Err("DSP program or fixed-point DSP data (encodings 10-13)"),
        18 => return Err("16-bit linear with emphasis (encoding 18)"),
        19 => return Err("16-bit linear compressed (encoding 19)"),
        20 => return Err("16-bit linear with emphasis and compression (encoding 20)"),
        21..=22 => return Err("Music Kit DSP commands (encodings 21-22)"),
        23 => return Err("G.721 ADPCM (encoding 23)"),
        24 => return Err("G.722 ADPCM (encoding 24)"),
        25 => return Err("G.723 3-bit ADPCM (encoding 25)"),
        26 => return Err("G.723 5-bit ADPCM (encoding 26)"),
        _ => return Err("an unknown encoding"),
    })
}

/// Probe a Sun/NeXT audio file.
pub fn probe<'a>(bytes: impl Into<Bytes<'a>>) -> Probe {
    let bytes = bytes.into();
    let mut p = Probe {
        file_format: Some(FileFormat::Au),
        ..Probe::default()
    };
    let file_len = bytes.len();
    let mut r = Reader::over(bytes);
    let _ = r.skip(4);
    let header = (|| {
        Some((
            r.u32(Endian::Big).ok()?,
            r.u32(Endian::Big).ok()?,
            r.u32(Endian::Big).ok()?,
            r.u32(Endian::Big).ok()?,
            r.u32(Endian::Big).ok()?,
        ))
    })();
    let Some((offset, size, encoding, rate, channels)) = header else {
        p.findings.error(
            Code::InvalidHeader,
            format!("the AU header needs {HEADER} bytes, the file has {file_len}"),
        );
        return p;
    };
    let offset = u64::from(offset);
    if offset < HEADER {
        p.findings.error(
            Code::InvalidHeader,
            format!("the data offset is {offset}, inside the {HEADER}-byte header"),
        );
        return p;
    }
    if channels == 0 {
        p.findings
            .error(Code::InvalidHeader, "the AU header declares 0 channels");
        return p;
    }
    if rate == 0 {
        p.findings.error(
            Code::InvalidHeader,
            "the AU header declares a sample rate of 0 Hz",
        );
        return p;
    }
    p.sample_rate = Some(rate);
    p.channels = Some(channels);
    read_annotation(bytes, offset, &mut p);

    // The bytes of sample data: declared, or to the end of the file.
    let available = file_len.saturating_sub(offset);
    let declared = if size == SIZE_UNKNOWN {
        p.findings.warn(
            Code::DataSizeUnset,
            format!(
                "the data size is 0xFFFFFFFF (unknown, written by a streaming writer): measured to the end of the file, {available} bytes"
            ),
        );
        available
    } else {
        u64::from(size)
    };
    let present = declared.min(available);
    p.audio_bytes = Some(present);
    if offset > file_len {
        p.findings.error(
            Code::TruncatedData,
            format!("the data offset is {offset}, past the end of the {file_len}-byte file"),
        );
    }
    if available > declared {
        p.findings.warn(
            Code::TrailingData,
            format!(
                "{} bytes after the {declared} bytes of data the header declares",
                available - declared
            ),
        );
    }

    let c = match coding(encoding) {
        Ok(c) => c,
        Err(name) => {
            let name = format!("AU {name}");
            p.audio_codec = Some(name.clone());
            p.findings.warn(
                Code::UnsupportedCodec,
                format!("{name} is identified but not decoded"),
            );
            p.findings.error(
                Code::UnknownDuration,
                format!("the sample count of {name} is not derived without decoding"),
            );
            return p;
        }
    };
    p.audio_codec = Some(c.codec.to_string());
    p.sample_format = c.sample_format;
    p.bit_depth = Some(c.bits);
    if c.bits != c.bytes * 8 {
        p.container_bit_depth = Some(c.bytes * 8);
    }
    let frame = u64::from(channels) * u64::from(c.bytes);
    crate::formats::pcm::count_frames(&mut p, "the header", declared, present, frame);
    p.layout = Some(Layout::Pcm(PcmLayout {
        offset,
        len: present,
        frame_bytes: u32::try_from(frame).unwrap_or(0),
        channels,
        sample_bytes: c.bytes,
        valid_bits: c.bytes * 8,
        big_endian: true,
        encoding: c.encoding,
        md5_chunk: None,
        complete: present >= declared,
    }));
    p
}

/// The annotation between the header and the data: text (often a title,
/// or `key=value` lines) listed as a metadata chunk when it holds any.
fn read_annotation(bytes: Bytes<'_>, offset: u64, p: &mut Probe) {
    let len = offset.saturating_sub(HEADER).min(4096);
    let text = bytes.get_up_to(HEADER, len);
    if text.iter().any(|&b| b != 0) {
        crate::formats::push_unique(&mut p.metadata_chunks, "annotation");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn au(encoding: u32, channels: u32, size: u32, data: usize) -> Vec<u8> {
        let mut v = b".snd".to_vec();
        for x in [32, size, encoding, 8000, channels] {
            v.extend_from_slice(&x.to_be_bytes());
        }
        v.extend_from_slice(b"title\0\0\0");
        v.resize(v.len() + data, 0);
        v
    }

    #[test]
    fn pcm16_is_measured_and_laid_out() {
        let p = probe(&au(3, 2, 400, 400));
        assert_eq!(p.findings.errors, vec![]);
        assert_eq!(p.findings.warnings, vec![]);
        assert_eq!(p.total_samples, Some(100));
        assert_eq!(p.bit_depth, Some(16));
        assert_eq!(p.metadata_chunks, vec!["annotation".to_string()]);
        let Some(Layout::Pcm(l)) = p.layout else {
            panic!("no layout")
        };
        assert_eq!(
            (l.offset, l.len, l.frame_bytes, l.big_endian),
            (32, 400, 4, true)
        );
    }

    #[test]
    fn companded_reports_the_decoded_width() {
        let p = probe(&au(1, 1, 100, 100));
        assert_eq!(p.audio_codec.as_deref(), Some("MuLaw"));
        assert_eq!((p.bit_depth, p.container_bit_depth), (Some(16), Some(8)));
        assert_eq!(p.total_samples, Some(100));
        let p = probe(&au(27, 1, 100, 100));
        assert_eq!(p.audio_codec.as_deref(), Some("ALaw"));
    }

    #[test]
    fn unknown_size_truncation_and_trailing_bytes() {
        let p = probe(&au(3, 1, u32::MAX, 101));
        assert_eq!(p.findings.warnings[0].code, Code::DataSizeUnset);
        assert_eq!(p.total_samples, Some(50));
        let p = probe(&au(3, 1, 400, 100));
        assert!(p.findings.has_error(Code::TruncatedData));
        assert_eq!((p.total_samples, p.declared_samples), (Some(50), Some(200)));
        let p = probe(&au(3, 1, 100, 120));
        assert_eq!(p.findings.warnings[0].code, Code::TrailingData);
        assert_eq!(p.total_samples, Some(50));
        let p = probe(&au(23, 1, 100, 100));
        assert!(p.findings.has_error(Code::UnknownDuration));
        assert_eq!(p.total_samples, None);
        let v = au(3, 2, 400, 400);
        for cut in 0..v.len() {
            let _ = probe(&v[..cut]);
        }
        for bad in [au(3, 0, 4, 4), {
            let mut v = au(3, 1, 4, 4);
            v[4..8].copy_from_slice(&8u32.to_be_bytes());
            v
        }] {
            assert!(probe(&bad).findings.has_error(Code::InvalidHeader));
        }
    }
}
