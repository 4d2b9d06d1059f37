//! Philips DSDIFF (`FRM8` ... `DSD `, files named `.dff`): IFF with 64-bit
//! big-endian chunk sizes and even padding. The `PROP` chunk (type `SND `)
//! holds `FS  ` (sample rate), `CHNL` (channel count and ids) and `CMPR`
//! (`DSD ` uncompressed or `DST ` Direct Stream Transfer); the audio is a
//! `DSD ` chunk of interleaved bytes (one byte = 8 samples of one channel:
//! samples per channel = bytes x 8 / channels) or a `DST ` chunk of `DSTF`
//! frames, whose `FRTE` chunk gives the number of frames and the frame rate
//! (75 per second): samples = frames x sample rate / frame rate, exact
//! when the rate divides (it always does for the DSD rates). Without
//! `FRTE` the `DSTF` frames are counted (`durationSource` `frames`).

use super::DsdLayout;
use crate::formats::{Layout, Probe, push_unique};
use crate::io::reader::{Bytes, Endian, Reader, fourcc_str};
use crate::record::{Code, DurationSource, FileFormat, SampleFormat};

const BE: Endian = Endian::Big;
/// Most chunks walked.
const MAX_CHUNKS: u32 = 100_000;

/// One chunk: id, offset of its body, declared size, bytes present.
type Chunk = ([u8; 4], u64, u64, u64);

/// The chunks from `start` to `end` (bounded by the file).
fn chunks(bytes: Bytes<'_>, start: u64, end: u64, out: &mut Vec<Chunk>, p: &mut Probe) {
    let end = end.min(bytes.len());
    let mut pos = start;
    while end.saturating_sub(pos) >= 12 && out.len() < MAX_CHUNKS as usize {
        let mut r = Reader::at(bytes, pos);
        let (Ok(id), Ok(size)) = (r.fourcc(), r.u64(BE)) else {
            break;
        };
        let body = pos + 12;
        let held = size.min(end - body);
        out.push((id, body, size, held));
        if held < size {
            if !matches!(&id, b"DSD " | b"DST ") {
                p.findings.warn(
                    Code::TruncatedChunk,
                    format!(
                        "chunk '{}' at offset {pos} declares {size} bytes, only {held} remain",
                        fourcc_str(&id)
                    ),
                );
            }
            return;
        }
        pos = body.saturating_add(size).saturating_add(size & 1);
    }
}

/// Probe a DSDIFF file.
pub fn probe<'a>(bytes: impl Into<Bytes<'a>>) -> Probe {
    let bytes = bytes.into();
    let mut p = Probe {
        file_format: Some(FileFormat::Dsdiff),
        ..Probe::default()
    };
    let file_len = bytes.len();
    let form_size = Reader::at(bytes, 4).u64(BE).unwrap_or(0);
    let form_end = form_size.saturating_add(12);
    let mut top = Vec::new();
    chunks(bytes, 16, form_end, &mut top, &mut p);
    let (mut rate, mut channels, mut compression) = (None, None, None);
    let mut audio: Option<Chunk> = None;
    for &(id, body, size, held) in &top {
        match &id {
            b"PROP" => {
                if Reader::at(bytes, body).fourcc().ok() != Some(*b"SND ") {
                    continue;
                }
                let mut props = Vec::new();
                chunks(bytes, body + 4, body + held, &mut props, &mut p);
                for (pid, pbody, _, pheld) in props {
                    let mut r = Reader::at(bytes, pbody).sub_up_to(pheld);
                    match &pid {
                        b"FS  " => rate = r.u32(BE).ok(),
                        b"CHNL" => channels = r.u16(BE).ok(),
                        b"CMPR" => compression = r.fourcc().ok(),
                        _ => {}
                    }
                }
            }
            b"DSD " | b"DST " if audio.is_none() => audio = Some((id, body, size, held)),
            b"ID3 " => {
                push_unique(&mut p.metadata_chunks, "ID3");
                crate::tags::id3v2::read_id3v2(bytes, body, &mut p.tags);
            }
            b"DIIN" => push_unique(&mut p.metadata_chunks, "DIIN"),
            b"COMT" => push_unique(&mut p.metadata_chunks, "COMT"),
            _ => {}
        }
    }
    if form_end < file_len {
        p.findings.warn(
            Code::TrailingData,
            format!(
                "{} bytes after the end of the FRM8 chunk",
                file_len - form_end
            ),
        );
    }
    let (Some(rate), Some(channels)) = (rate.filter(|&r| r > 0), channels.filter(|&c| c > 0))
    else {
        p.findings.error(
            Code::InvalidHeader,
            "the PROP chunk does not declare a sample rate (FS) and channel count (CHNL)",
        );
        return p;
    };
    let channels = u32::from(channels);
    p.sample_rate = Some(rate);
    p.channels = Some(channels);
    p.bit_depth = Some(1);
    p.sample_format = Some(SampleFormat::Int);
    let compression = compression.unwrap_or(*b"DSD ");
    p.audio_codec = Some(match &compression {
        b"DSD " => "DSD".into(),
        b"DST " => "DST".into(),
        other => format!("DSDIFF compression '{}'", fourcc_str(other)),
    });
    let Some((id, body, size, held)) = audio else {
        p.findings.error(
            Code::InvalidHeader,
            "no DSD or DST sound data chunk: the file holds no audio",
        );
        return p;
    };
    p.audio_bytes = Some(held);
    match (&compression, &id) {
        (b"DSD ", b"DSD ") => {
            let per_channel = |n: u64| n / u64::from(channels) * 8;
            p.total_samples = Some(per_channel(held));
            p.duration_source = Some(DurationSource::Header);
            if held < size {
                p.declared_samples = Some(per_channel(size));
                p.findings.error(
                    Code::TruncatedData,
                    format!(
                        "the DSD chunk declares {size} bytes ({} samples per channel), the file holds {held} ({} samples per channel)",
                        per_channel(size),
                        per_channel(held)
                    ),
                );
            } else if held % u64::from(channels) != 0 {
                p.findings.warn(
                    Code::PartialSampleFrame,
                    format!(
                        "the DSD chunk holds {held} bytes, not a whole number of {channels}-byte frames"
                    ),
                );
            }
            p.layout = Some(Layout::Dsd(DsdLayout::Dff {
                offset: body,
                len: held,
                channels,
            }));
        }
        (b"DST ", b"DST ") => {
            let mut frames = Vec::new();
            let mut quiet = Probe::default();
            chunks(bytes, body, body + held, &mut frames, &mut quiet);
            let frte = frames.iter().find(|c| &c.0 == b"FRTE").and_then(|c| {
                let mut r = Reader::at(bytes, c.1).sub_up_to(c.3);
                Some((r.u32(BE).ok()?, r.u16(BE).ok()?))
            });
            let counted = frames.iter().filter(|c| &c.0 == b"DSTF").count() as u64;
            match frte {
                Some((n, fr)) if fr > 0 && rate % u32::from(fr) == 0 => {
                    let per_frame = u64::from(rate / u32::from(fr));
                    p.total_samples = Some(u64::from(n) * per_frame);
                    p.duration_source = Some(DurationSource::Header);
                    if held < size {
                        p.declared_samples = p.total_samples;
                        p.total_samples = Some(counted.min(u64::from(n)) * per_frame);
                        p.findings.error(
                            Code::TruncatedData,
                            format!(
                                "the DST chunk declares {size} bytes, the file holds {held}: {counted} of the {n} frames FRTE declares are present"
                            ),
                        );
                    }
                }
                _ => {
                    // No usable frame rate: count the frames at the standard
                    // 75 per second, when the rate allows.
                    if rate % 75 == 0 {
                        p.total_samples = Some(counted * u64::from(rate / 75));
                        p.duration_source = Some(DurationSource::Estimated);
                        p.findings.warn(
                            Code::UnknownDuration,
                            format!(
                                "no usable FRTE chunk: {counted} DST frames counted and taken at the standard 75 frames per second"
                            ),
                        );
                    } else {
                        p.findings.error(
                            Code::UnknownDuration,
                            "no usable FRTE chunk and a sample rate that is no multiple of 75: the sample count cannot be derived",
                        );
                    }
                    if held < size {
                        p.findings.error(
                            Code::TruncatedData,
                            format!("the DST chunk declares {size} bytes, the file holds {held}"),
                        );
                    }
                }
            }
            p.layout = Some(Layout::Dsd(DsdLayout::Dst {
                offset: body,
                len: held,
                frames: frte.map(|f| f.0),
            }));
        }
        _ => {
            p.findings.error(
                Code::InvalidHeader,
                format!(
                    "CMPR declares '{}' but the sound data is a '{}' chunk",
                    fourcc_str(&compression),
                    fourcc_str(&id)
                ),
            );
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ck(id: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut v = id.to_vec();
        v.extend_from_slice(&(body.len() as u64).to_be_bytes());
        v.extend_from_slice(body);
        if body.len() % 2 == 1 {
            v.push(0);
        }
        v
    }

    fn dff(cmpr: &[u8; 4], sound: Vec<u8>) -> Vec<u8> {
        let mut prop = b"SND ".to_vec();
        prop.extend(ck(b"FS  ", &2_822_400u32.to_be_bytes()));
        prop.extend(ck(b"CHNL", b"\x00\x02SLFTSRGT"));
        let mut c = cmpr.to_vec();
        c.extend_from_slice(b"\x03abc");
        prop.extend(ck(b"CMPR", &c));
        let mut body = b"DSD ".to_vec();
        body.extend(ck(b"FVER", &[1, 5, 0, 0]));
        body.extend(ck(b"PROP", &prop));
        body.extend(sound);
        let mut v = b"FRM8".to_vec();
        v.extend_from_slice(&(body.len() as u64).to_be_bytes());
        v.extend(body);
        v
    }

    #[test]
    fn dsd_and_dst() {
        let v = dff(b"DSD ", ck(b"DSD ", &[0x69; 1000]));
        let p = probe(&v);
        assert_eq!(p.findings.errors, vec![]);
        assert_eq!(p.findings.warnings, vec![]);
        assert_eq!((p.total_samples, p.channels), (Some(4000), Some(2)));
        let p = probe(&v[..v.len() - 100]);
        assert!(p.findings.has_error(Code::TruncatedData));
        assert_eq!(
            (p.total_samples, p.declared_samples),
            (Some(3600), Some(4000))
        );
        let mut dst = ck(b"FRTE", &[0, 0, 0, 2, 0, 75]);
        dst.extend(ck(b"DSTF", &[1, 2, 3]));
        dst.extend(ck(b"DSTF", &[4, 5]));
        let v = dff(b"DST ", ck(b"DST ", &dst));
        let p = probe(&v);
        assert_eq!(p.findings.errors, vec![]);
        assert_eq!(p.audio_codec.as_deref(), Some("DST"));
        assert_eq!(p.total_samples, Some(2 * 37_632));
        for cut in 0..v.len() {
            let _ = probe(&v[..cut]);
        }
    }
}
