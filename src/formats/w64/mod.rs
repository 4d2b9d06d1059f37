//! Sony Wave64 (W64): WAVE with GUID chunk ids and 64-bit sizes.
//!
//! The file is a `riff` chunk (GUID `66666972-912E-11CF-A5D6-28DB04C10000`)
//! whose form GUID is `wave`; every chunk is a 16-byte GUID, a 64-bit
//! little-endian size that counts the 24-byte header, and the body, padded
//! to a multiple of 8 bytes. The `fmt ` chunk holds the same WAVEFORMATEX /
//! WAVE_FORMAT_EXTENSIBLE payload as WAV and the `data` chunk the samples,
//! so this module only walks the GUID chunks and hands what it found to the
//! WAV measurement ([`crate::formats::riff::wav`]): the same codecs, bit
//! depths, block-align checks, truncation findings and
//! [`crate::formats::pcm::PcmLayout`] (so `--verify`, `pcmMd5` and `--qc`
//! work as for WAV, integer and float alike).

use crate::formats::Probe;
use crate::formats::RiffForm;
use crate::formats::riff::chunk_name;
use crate::formats::riff::wav::{self, AdmChunks, Walked};
use crate::io::reader::{Bytes, Endian, Reader};
use crate::record::{Code, FileFormat};
use crate::tags::riff;

/// The tail shared by the RIFF-derived GUIDs (`riff`, `list`).
const RIFF_TAIL: [u8; 12] = [
    0x2E, 0x91, 0xCF, 0x11, 0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00,
];
/// The tail shared by the WAVE GUIDs (`wave`, `fmt `, `data`, `fact`...).
const WAVE_TAIL: [u8; 12] = [
    0xF3, 0xAC, 0xD3, 0x11, 0x8C, 0xD1, 0x00, 0xC0, 0x4F, 0x8E, 0xDB, 0x8A,
];

/// The 40-byte file header: `riff` GUID, size, `wave` GUID.
const HEADER: u64 = 40;
/// A chunk header: GUID and 64-bit size.
const CHUNK: u64 = 24;
/// Most chunks walked in one file.
const MAX_CHUNKS: u32 = 100_000;

/// Whether `buf` starts with the W64 `riff` and `wave` GUIDs.
pub fn is_w64(buf: &[u8]) -> bool {
    buf.len() >= 40
        && &buf[..4] == b"riff"
        && buf[4..16] == RIFF_TAIL
        && &buf[24..28] == b"wave"
        && buf[28..40] == WAVE_TAIL
}

/// The four-character name of a GUID of either family, or `None` for a
/// GUID of neither.
fn guid_name(g: &[u8]) -> Option<[u8; 4]> {
    let tail = g.get(4..16)?;
    (tail == RIFF_TAIL || tail == WAVE_TAIL).then(|| [g[0], g[1], g[2], g[3]])
}

/// Probe a Wave64 file.
pub fn probe<'a>(bytes: impl Into<Bytes<'a>>) -> Probe {
    let bytes = bytes.into();
    let mut p = Probe {
        file_format: Some(FileFormat::W64),
        ..Probe::default()
    };
    let file_len = bytes.len();
    let riff_size = Reader::at(bytes, 16).u64(Endian::Little).unwrap_or(0);
    let walked = walk(bytes, &mut p);
    if walked.fmt.is_none() && p.findings.has_error(Code::InvalidHeader) {
        return p;
    }
    let truncated = walked.data.is_some_and(|(d, present)| present < d);
    if riff_size < file_len && walked.broken {
        p.findings.warn(
            Code::TrailingData,
            format!(
                "{} bytes after the end of the riff chunk ({riff_size} declared, file is {file_len})",
                file_len - riff_size
            ),
        );
    } else if riff_size != file_len && !truncated && !walked.size_unset {
        p.findings.warn(
            Code::ContainerSizeMismatch,
            format!("the riff chunk declares {riff_size} bytes, the file has {file_len}"),
        );
    }
    let riff_end = Some(riff_size);
    wav::measure(
        p,
        walked,
        RiffForm::Riff,
        Endian::Little,
        riff_end,
        file_len,
    )
}

/// Walk the GUID chunks after the header.
fn walk(bytes: Bytes<'_>, p: &mut Probe) -> Walked {
    let mut w = Walked {
        fmt: None,
        ds64: None,
        fact: None,
        data: None,
        data_offset: 0,
        size_unset: false,
        md5_chunk: None,
        ds64_short: None,
        broken: false,
        adm: AdmChunks::default(),
        stray: None,
    };
    let file_len = bytes.len();
    let mut pos = HEADER;
    let mut count = 0;
    while file_len.saturating_sub(pos) >= CHUNK {
        count += 1;
        if count > MAX_CHUNKS {
            p.findings.warn(
                Code::TruncatedChunk,
                format!("more than {MAX_CHUNKS} chunks: stopped walking at offset {pos}"),
            );
            break;
        }
        let mut r = Reader::at(bytes, pos);
        let Ok(guid) = r.array::<16>() else { break };
        let size = r.u64(Endian::Little).unwrap_or(0);
        let Some(id) = guid_name(&guid) else {
            // Not a chunk: what follows the last chunk is not W64.
            w.broken = true;
            break;
        };
        let body_start = pos + CHUNK;
        let left = file_len - body_start;
        if w.data.is_some() && p.after_data.len() < 64 {
            p.after_data
                .push(crate::io::reader::fourcc_str(&id).trim_end().to_string());
        }
        if size < CHUNK {
            if &id == b"data" && w.data.is_none() && size == 0 {
                // A streaming writer's unset size: to the end of the file.
                w.size_unset = true;
                p.findings.warn(
                    Code::DataSizeUnset,
                    format!(
                        "data chunk size is 0 (written by a streaming encoder): measured to the end of the file, {left} bytes"
                    ),
                );
                w.data = Some((left, left));
                w.data_offset = body_start;
                break;
            }
            p.findings.error(
                Code::InvalidHeader,
                format!(
                    "chunk '{}' at offset {pos} declares {size} bytes, less than its own 24-byte header",
                    crate::io::reader::fourcc_str(&id)
                ),
            );
            w.broken = true;
            break;
        }
        let body_len = size - CHUNK;
        if &id == b"data" {
            if w.data.is_none() {
                w.data = Some((body_len, body_len.min(left)));
                w.data_offset = body_start;
            } else {
                p.findings.warn(
                    Code::InconsistentHeader,
                    format!("a second data chunk at offset {pos} is ignored"),
                );
            }
        } else {
            let held = body_len.min(left);
            let mut body = Reader::at(bytes, body_start);
            let mut body = body.sub_up_to(held);
            match &id {
                b"fmt " if w.fmt.is_none() => {
                    w.fmt = wav::parse_fmt(&mut body, Endian::Little);
                    if w.fmt.is_none() {
                        p.findings.error(
                            Code::InvalidHeader,
                            format!(
                                "fmt chunk at offset {pos} is only {body_len} bytes (at least 14 needed)"
                            ),
                        );
                        return w;
                    }
                }
                b"fact" => w.fact = body.u32(Endian::Little).ok(),
                b"list" => {
                    let kind = body
                        .fourcc()
                        .map(|k| crate::io::reader::fourcc_str(&k))
                        .unwrap_or_default();
                    crate::formats::push_unique(
                        &mut p.metadata_chunks,
                        &format!("LIST-{}", kind.trim()),
                    );
                    if kind == "INFO" {
                        riff::read_info(&mut body, &mut p.tags);
                    }
                }
                b"bext" => {
                    crate::formats::push_unique(&mut p.metadata_chunks, "bext");
                    riff::read_bext(&mut body, &mut p.tags);
                }
                other => {
                    if let Some(name) = chunk_name(other) {
                        crate::formats::push_unique(&mut p.metadata_chunks, name);
                    }
                }
            }
            if body_len > left {
                w.broken = true;
                p.findings.warn(
                    Code::TruncatedChunk,
                    format!(
                        "chunk '{}' at offset {pos} declares {body_len} bytes, only {left} remain in the file",
                        crate::io::reader::fourcc_str(&id)
                    ),
                );
                break;
            }
        }
        // The next chunk starts at the next multiple of 8.
        match size.checked_add(7).map(|s| s & !7) {
            Some(step) => pos = pos.saturating_add(step),
            None => break,
        }
    }
    if pos < file_len && file_len - pos < CHUNK && file_len - pos > 7 {
        w.broken = true;
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::Layout;

    fn guid(name: &[u8; 4], tail: [u8; 12]) -> Vec<u8> {
        let mut g = name.to_vec();
        g.extend_from_slice(&tail);
        g
    }

    fn chunk(name: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut v = guid(name, WAVE_TAIL);
        v.extend_from_slice(&(body.len() as u64 + 24).to_le_bytes());
        v.extend_from_slice(body);
        v.resize(v.len().div_ceil(8) * 8, 0);
        v
    }

    pub(crate) fn w64(frames: u32, keep: Option<usize>) -> Vec<u8> {
        let mut fmt = Vec::new();
        for x in [1u16, 2] {
            fmt.extend_from_slice(&x.to_le_bytes());
        }
        fmt.extend_from_slice(&44_100u32.to_le_bytes());
        fmt.extend_from_slice(&(44_100u32 * 4).to_le_bytes());
        fmt.extend_from_slice(&4u16.to_le_bytes());
        fmt.extend_from_slice(&16u16.to_le_bytes());
        let mut body = guid(b"wave", WAVE_TAIL);
        body.extend(chunk(b"fmt ", &fmt));
        body.extend(chunk(b"data", &vec![1; frames as usize * 4]));
        let mut v = guid(b"riff", RIFF_TAIL);
        v.extend_from_slice(&(body.len() as u64 + 24).to_le_bytes());
        v.extend(body);
        if let Some(n) = keep {
            v.truncate(n);
        }
        v
    }

    #[test]
    fn pcm_is_measured_like_wav() {
        let v = w64(101, None);
        assert!(is_w64(&v));
        let p = probe(&v);
        assert_eq!(p.findings.errors, vec![]);
        assert_eq!(p.findings.warnings, vec![]);
        assert_eq!(p.total_samples, Some(101));
        assert_eq!(p.bit_depth, Some(16));
        let Some(Layout::Pcm(l)) = p.layout else {
            panic!("no layout")
        };
        assert_eq!((l.offset, l.len), (40 + 40 + 24, 404));
    }

    #[test]
    fn truncated_data_is_reported() {
        let v = w64(100, None);
        let p = probe(&v[..v.len() - 41]);
        assert!(p.findings.has_error(Code::TruncatedData));
        assert_eq!((p.total_samples, p.declared_samples), (Some(89), Some(100)));
        for cut in 0..v.len() {
            let _ = probe(&v[..cut]);
        }
    }
}
