//! PNG: the signature, then every chunk to `IEND`, each chunk's CRC-32
//! (over its type and data) checked.
//!
//! `IHDR` gives the size, bit depth, colour type (0 Grayscale, 2 RGB, 3
//! Indexed, 4 Grayscale with alpha, 6 RGB with alpha) and interlace method
//! (1: Adam7, reported as `progressive`); `tRNS` gives an image without an
//! alpha channel transparency (`alpha`); `iCCP` names its ICC profile (the
//! profile itself is zlib-compressed and not inflated here: the name the
//! chunk gives is reported); `eXIf` holds the EXIF orientation.
//!
//! `IHDR` missing, not first, or with a zero size or an invalid
//! combination of depth and colour type, no `IDAT`, or an indexed image
//! without `PLTE` is `invalid_header`; a chunk running past the end or no
//! `IEND` is `truncated_data`; a chunk whose CRC does not match is
//! `chunk_crc_mismatch`; bytes after `IEND` are `trailing_data`.

use super::{Measured, exif};
use crate::formats::crc::crc32;
use crate::io::reader::Bytes;
use crate::record::{Artwork, Code};

/// The PNG signature.
pub const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// The colour space, components and whether the depth is allowed, for a
/// colour type and bit depth (PNG specification, table 11.1).
fn color(kind: u8, depth: u8) -> Option<(&'static str, u32, bool)> {
    let (space, comps, depths): (_, _, &[u8]) = match kind {
        0 => ("Grayscale", 1, &[1, 2, 4, 8, 16]),
        2 => ("RGB", 3, &[8, 16]),
        3 => ("Indexed", 1, &[1, 2, 4, 8]),
        4 => ("Grayscale", 2, &[8, 16]),
        6 => ("RGB", 4, &[8, 16]),
        _ => return None,
    };
    depths
        .contains(&depth)
        .then_some((space, comps, kind == 4 || kind == 6))
}

/// Measure a PNG file (starting with its signature).
pub fn probe(bytes: Bytes<'_>) -> Measured {
    let mut out = Measured::default();
    let len = bytes.len();
    let mut art: Option<Artwork> = None;
    let mut pos = 8u64;
    let mut first = true;
    let mut idat = false;
    let mut plte = false;
    let mut end = None;
    let mut bad_crc = 0u64;
    let mut first_bad = String::new();
    // Each turn consumes at least 12 bytes, so the loop ends.
    while pos < len {
        let Some(h) = bytes.get(pos, 8) else {
            break;
        };
        let n = u32::from_be_bytes([h[0], h[1], h[2], h[3]]);
        let kind = [h[4], h[5], h[6], h[7]];
        let name = String::from_utf8_lossy(&kind).into_owned();
        if n > 0x7FFF_FFFF || !kind.iter().all(u8::is_ascii_alphabetic) {
            out.findings.error(
                Code::InvalidHeader,
                format!("no PNG chunk at offset {pos} (type {kind:02X?}, length {n})"),
            );
            return out_with(out, art);
        }
        // Type, data and CRC, contiguous.
        let Some(body) = bytes.get(pos + 4, u64::from(n) + 8) else {
            if bytes.len() >= pos + 12 + u64::from(n) {
                // Between header windows: the caller reads the whole file.
                break;
            }
            out.findings.error(
                Code::TruncatedData,
                format!(
                    "the PNG chunk {name} at offset {pos} declares {n} bytes, the file holds {}",
                    len.saturating_sub(pos + 12)
                ),
            );
            return out_with(out, art);
        };
        let data = &body[4..body.len() - 4];
        let stored = u32::from_be_bytes(body[body.len() - 4..].try_into().unwrap_or_default());
        if crc32(&body[..body.len() - 4]) != stored {
            if bad_crc == 0 {
                first_bad = format!("{name} at offset {pos}");
            }
            bad_crc += 1;
        }
        pos += u64::from(n) + 12;
        if first && &kind != b"IHDR" {
            out.findings.error(
                Code::InvalidHeader,
                format!("the first PNG chunk is {name}, not IHDR"),
            );
            return out_with(out, art);
        }
        first = false;
        match &kind {
            b"IHDR" => {
                if data.len() != 13 || art.is_some() {
                    out.findings.error(
                        Code::InvalidHeader,
                        format!("a PNG IHDR chunk of {} bytes (13 expected)", data.len()),
                    );
                    return out_with(out, art);
                }
                let w = u32::from_be_bytes([data[0], data[1], data[2], data[3]]);
                let h = u32::from_be_bytes([data[4], data[5], data[6], data[7]]);
                let (depth, ctype, interlace) = (data[8], data[9], data[12]);
                let Some((space, comps, alpha)) = color(ctype, depth) else {
                    out.findings.error(
                        Code::InvalidHeader,
                        format!("PNG colour type {ctype} with bit depth {depth} is not defined"),
                    );
                    return out_with(out, art);
                };
                if w == 0 || h == 0 || w > 0x7FFF_FFFF || h > 0x7FFF_FFFF {
                    out.findings.error(
                        Code::InvalidHeader,
                        format!("the PNG IHDR declares {w}x{h} pixels"),
                    );
                }
                if data[10] != 0 || data[11] != 0 || interlace > 1 {
                    out.findings.error(
                        Code::InvalidHeader,
                        format!(
                            "PNG IHDR compression {}, filter {}, interlace {} (0, 0 and 0 or 1 \
                             are defined)",
                            data[10], data[11], interlace
                        ),
                    );
                }
                art = Some(Artwork {
                    format: "PNG".to_string(),
                    width: w,
                    height: h,
                    color_space: space.to_string(),
                    bit_depth: u32::from(depth),
                    components: comps,
                    alpha,
                    progressive: interlace == 1,
                    icc_profile: None,
                    orientation: None,
                });
            }
            b"PLTE" => plte = true,
            b"IDAT" => idat = true,
            b"tRNS" => {
                if let Some(a) = art.as_mut() {
                    a.alpha = true;
                }
            }
            b"iCCP" => {
                if let Some(a) = art.as_mut() {
                    let keyword = data.split(|&b| b == 0).next().unwrap_or_default();
                    let keyword: String = String::from_utf8_lossy(keyword)
                        .chars()
                        .filter(|c| !c.is_control())
                        .take(79)
                        .collect();
                    let keyword = keyword.trim();
                    a.icc_profile = Some(if keyword.is_empty() {
                        "embedded".to_string()
                    } else {
                        keyword.to_string()
                    });
                }
            }
            b"eXIf" => {
                if let Some(a) = art.as_mut() {
                    a.orientation = exif::orientation(data);
                }
            }
            b"IEND" => {
                end = Some(pos);
                break;
            }
            _ => {}
        }
    }
    if bad_crc > 0 {
        out.findings.error(
            Code::ChunkCrcMismatch,
            format!(
                "{bad_crc} PNG chunk{} whose CRC-32 does not match (the first: {first_bad})",
                if bad_crc == 1 { "" } else { "s" }
            ),
        );
    }
    if art.is_some() && !idat {
        out.findings.error(
            Code::InvalidHeader,
            "a PNG without image data (no IDAT chunk)",
        );
    }
    if art.as_ref().is_some_and(|a| a.color_space == "Indexed") && !plte {
        out.findings.error(
            Code::InvalidHeader,
            "an indexed PNG without a palette (PLTE)",
        );
    }
    match end {
        Some(e) if e < len => out.findings.warn(
            Code::TrailingData,
            format!("{} bytes after the PNG IEND chunk (offset {e})", len - e),
        ),
        Some(_) => {}
        None => out.findings.error(
            Code::TruncatedData,
            format!("the PNG ends (at {len} bytes) without its IEND chunk"),
        ),
    }
    out_with(out, art)
}

fn out_with(mut out: Measured, art: Option<Artwork>) -> Measured {
    if art.is_none() && out.findings.errors.is_empty() {
        out.findings
            .error(Code::InvalidHeader, "a PNG without an IHDR chunk");
    }
    out.artwork = art;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut v = (data.len() as u32).to_be_bytes().to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(data);
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        v.extend_from_slice(&crc32(&body).to_be_bytes());
        v
    }

    fn png(w: u32, h: u32, ctype: u8, depth: u8, extra: &[u8], tail: &[u8]) -> Vec<u8> {
        let mut v = SIGNATURE.to_vec();
        let mut ihdr = w.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[depth, ctype, 0, 0, 0]);
        v.extend(chunk(b"IHDR", &ihdr));
        v.extend_from_slice(extra);
        v.extend(chunk(b"IDAT", b"x"));
        v.extend_from_slice(tail);
        v
    }

    #[test]
    fn header_figures_and_end() {
        let iend = chunk(b"IEND", b"");
        let m = probe(Bytes::full(&png(3000, 3000, 6, 8, &[], &iend)));
        assert!(m.findings.errors.is_empty(), "{:?}", m.findings);
        let a = m.artwork.unwrap();
        assert_eq!((a.width, a.components, a.alpha), (3000, 4, true));
        let m = probe(Bytes::full(&png(
            1,
            2,
            0,
            16,
            &chunk(b"tRNS", b"\0\0"),
            &iend,
        )));
        let a = m.artwork.unwrap();
        assert_eq!(
            (a.color_space.as_str(), a.bit_depth, a.alpha),
            ("Grayscale", 16, true)
        );
        let m = probe(Bytes::full(&png(1, 1, 2, 8, &[], b"")));
        assert_eq!(m.findings.errors[0].code, Code::TruncatedData);
        let mut trailing = iend.clone();
        trailing.extend_from_slice(b"more");
        let m = probe(Bytes::full(&png(1, 1, 2, 8, &[], &trailing)));
        assert_eq!(m.findings.warnings[0].code, Code::TrailingData);
    }

    #[test]
    fn invalid_headers_and_crc() {
        let iend = chunk(b"IEND", b"");
        for (w, h, t, d) in [(0, 5, 2, 8), (5, 0, 2, 8), (5, 5, 2, 4), (5, 5, 7, 8)] {
            let m = probe(Bytes::full(&png(w, h, t, d, &[], &iend)));
            assert_eq!(
                m.findings.errors[0].code,
                Code::InvalidHeader,
                "{w} {h} {t} {d}"
            );
        }
        let m = probe(Bytes::full(&png(4, 4, 3, 8, &[], &iend)));
        assert_eq!(m.findings.errors[0].code, Code::InvalidHeader);
        let mut bad = png(4, 4, 2, 8, &[], &iend);
        bad[29] ^= 1; // IHDR's CRC.
        let m = probe(Bytes::full(&bad));
        assert_eq!(m.findings.errors[0].code, Code::ChunkCrcMismatch);
        // A length past the end, a huge length, no chunk at all.
        let mut long = png(4, 4, 2, 8, &[], b"");
        long.extend_from_slice(b"\x00\x10\x00\x00IDATxx");
        let m = probe(Bytes::full(&long));
        assert_eq!(m.findings.errors[0].code, Code::TruncatedData);
        let mut huge = SIGNATURE.to_vec();
        huge.extend_from_slice(b"\xff\xff\xff\xffIHDR");
        assert_eq!(
            probe(Bytes::full(&huge)).findings.errors[0].code,
            Code::InvalidHeader
        );
        assert!(probe(Bytes::full(SIGNATURE)).artwork.is_none());
    }
}
