//! JPEG: the marker segments from `SOI` to `EOI`, and the entropy-coded
//! data between them.
//!
//! The walk reads `APPn` segments (`APP1 Exif` for the orientation, `APP2
//! ICC_PROFILE` chunks reassembled in sequence order up to
//! [`super::MAX_ICC`] bytes, `APP14 Adobe` for its colour transform), the
//! first start-of-frame (`SOF0`-`SOF15` but `DHT`, `JPG` and `DAC`: sample
//! precision, height, width, components; `SOF2`, `SOF6`, `SOF10` and
//! `SOF14` are progressive), and after each start-of-scan the entropy-coded
//! bytes up to the next marker (a `0xFF` followed by anything but `0x00`
//! or a restart marker). The colour space follows libjpeg's reading: one
//! component is Grayscale; three are RGB (YCbCr, or RGB by Adobe
//! transform 0); four are CMYK, or YCCK under Adobe transform 2.
//!
//! A file that ends before `EOI` is `truncated_data`; bytes after `EOI`
//! are `trailing_data`; no start-of-frame, a zero width or height, or a
//! component count other than 1, 3 or 4 is `invalid_header`.

use super::{MAX_ICC, Measured, exif, icc};
use crate::io::reader::Bytes;
use crate::record::{Artwork, Code};

/// Whether a start-of-frame marker codes its scans progressively.
fn progressive(marker: u8) -> bool {
    matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE)
}

/// Whether `marker` is a start-of-frame.
fn is_sof(marker: u8) -> bool {
    (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC)
}

/// The frame header: what `SOFn` declares.
struct Frame {
    marker: u8,
    precision: u8,
    height: u16,
    width: u16,
    components: u8,
}

/// Measure a JPEG file (starting with `FF D8`).
pub fn probe(bytes: Bytes<'_>) -> Measured {
    let mut out = Measured::default();
    let len = bytes.len();
    let mut frame: Option<Frame> = None;
    let mut adobe: Option<u8> = None;
    let mut orientation = None;
    // ICC chunks: (sequence number, bytes), bounded in total.
    let mut icc_parts: Vec<(u8, &[u8])> = Vec::new();
    let mut icc_total = 0usize;
    let mut icc_seen = false;
    let mut icc_too_large = false;
    let mut ended = None;
    let mut scans = 0u32;
    let mut pos = 2u64;
    // Each turn consumes at least two bytes, so the loop ends.
    while pos < len {
        let Some(&[ff, mut marker]) = bytes.get(pos, 2) else {
            break;
        };
        if ff != 0xFF {
            out.findings.error(
                Code::InvalidHeader,
                format!("no JPEG marker at offset {pos} (0x{ff:02X} instead of 0xFF)"),
            );
            return finish(out, frame, adobe, orientation, None, icc_seen);
        }
        pos += 2;
        // Fill bytes: any number of 0xFF before the marker code.
        while marker == 0xFF {
            match bytes.get(pos, 1) {
                Some(&[m]) => {
                    marker = m;
                    pos += 1;
                }
                _ => break,
            }
        }
        if marker == 0xD9 {
            ended = Some(pos);
            break;
        }
        if matches!(marker, 0xD0..=0xD7 | 0x01 | 0xD8 | 0xFF) {
            continue;
        }
        let Some(l) = bytes.get(pos, 2) else {
            break;
        };
        let seg_len = u64::from(u16::from_be_bytes([l[0], l[1]]));
        if seg_len < 2 {
            out.findings.error(
                Code::InvalidHeader,
                format!("JPEG segment 0x{marker:02X} at offset {pos} declares length {seg_len}"),
            );
            return finish(out, frame, adobe, orientation, None, icc_seen);
        }
        let Some(seg) = bytes.get(pos + 2, seg_len - 2) else {
            break;
        };
        pos += seg_len;
        match marker {
            0xE1 if seg.starts_with(b"Exif\0\0") && orientation.is_none() => {
                orientation = exif::orientation(&seg[6..]);
            }
            0xE2 if seg.starts_with(b"ICC_PROFILE\0") && seg.len() >= 14 => {
                icc_seen = true;
                let part = &seg[14..];
                if icc_total.saturating_add(part.len()) > MAX_ICC || icc_parts.len() >= 255 {
                    icc_too_large = true;
                } else {
                    icc_total += part.len();
                    icc_parts.push((seg[12], part));
                }
            }
            0xEE if seg.starts_with(b"Adobe") && seg.len() >= 12 => adobe = Some(seg[11]),
            m if is_sof(m) && frame.is_none() => {
                if seg.len() < 6 {
                    out.findings.error(
                        Code::InvalidHeader,
                        format!("JPEG start-of-frame 0x{m:02X} is {} bytes long", seg.len()),
                    );
                    return finish(out, frame, adobe, orientation, None, icc_seen);
                }
                frame = Some(Frame {
                    marker: m,
                    precision: seg[0],
                    height: u16::from_be_bytes([seg[1], seg[2]]),
                    width: u16::from_be_bytes([seg[3], seg[4]]),
                    components: seg[5],
                });
            }
            0xDA => {
                scans += 1;
                if frame.is_none() {
                    out.findings.error(
                        Code::InvalidHeader,
                        "a JPEG start-of-scan before any start-of-frame",
                    );
                    return finish(out, frame, adobe, orientation, None, icc_seen);
                }
                match entropy_end(bytes, pos) {
                    Some(next) => pos = next,
                    None => break,
                }
            }
            _ => {}
        }
    }
    let icc = if icc_too_large {
        None
    } else {
        icc_parts.sort_by_key(|(seq, _)| *seq);
        let whole: Vec<u8> = icc_parts
            .iter()
            .flat_map(|(_, p)| p.iter().copied())
            .collect();
        icc::description(&whole)
    };
    match ended {
        Some(end) if end < len => out.findings.warn(
            Code::TrailingData,
            format!(
                "{} bytes after the JPEG end-of-image marker (offset {end})",
                len - end
            ),
        ),
        Some(_) => {}
        None => {
            if frame.is_none() {
                out.findings.error(
                    Code::TruncatedData,
                    format!("the JPEG ends (at {len} bytes) before its start-of-frame"),
                );
            } else {
                out.findings.error(
                    Code::TruncatedData,
                    format!(
                        "the JPEG ends (at {len} bytes, after {scans} scan{}) without its \
                         end-of-image marker",
                        if scans == 1 { "" } else { "s" }
                    ),
                );
            }
        }
    }
    finish(out, frame, adobe, orientation, icc, icc_seen)
}

/// The offset of the marker that ends the entropy-coded data starting at
/// `from`, or `None` when the file ends first.
fn entropy_end(bytes: Bytes<'_>, from: u64) -> Option<u64> {
    let data = bytes.get(from, bytes.len().checked_sub(from)?)?;
    let mut i = 0usize;
    while let Some(off) = data[i..].iter().position(|&b| b == 0xFF) {
        let at = i + off;
        match data.get(at + 1) {
            // Stuffed zero, restart marker, or fill byte: still data.
            Some(0x00 | 0xD0..=0xD7) => i = at + 2,
            Some(0xFF) => i = at + 1,
            Some(_) => return Some(from + at as u64),
            None => return None,
        }
    }
    None
}

/// The artwork the frame describes, with the header checks.
fn finish(
    mut out: Measured,
    frame: Option<Frame>,
    adobe: Option<u8>,
    orientation: Option<u16>,
    icc: Option<String>,
    icc_seen: bool,
) -> Measured {
    let Some(f) = frame else {
        if out.findings.errors.is_empty() {
            out.findings
                .error(Code::InvalidHeader, "a JPEG without a start-of-frame");
        }
        return out;
    };
    let color_space = match (f.components, adobe) {
        (1, _) => "Grayscale",
        (3, _) => "RGB",
        (4, Some(2)) => "YCCK",
        (4, _) => "CMYK",
        (n, _) => {
            out.findings.error(
                Code::InvalidHeader,
                format!("a JPEG frame of {n} components (1, 3 or 4 are images)"),
            );
            return out;
        }
    };
    if f.width == 0 || f.height == 0 {
        out.findings.error(
            Code::InvalidHeader,
            format!("the JPEG frame declares {}x{} pixels", f.width, f.height),
        );
    }
    out.artwork = Some(Artwork {
        format: "JPEG".to_string(),
        width: u32::from(f.width),
        height: u32::from(f.height),
        color_space: color_space.to_string(),
        bit_depth: u32::from(f.precision),
        components: u32::from(f.components),
        alpha: false,
        progressive: progressive(f.marker),
        icc_profile: icc.or_else(|| icc_seen.then(|| "embedded".to_string())),
        orientation,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(marker: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![0xFF, marker];
        v.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
        v.extend_from_slice(body);
        v
    }

    fn jpeg(sof: u8, comps: u8, extra: &[u8], end: &[u8]) -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8];
        v.extend_from_slice(extra);
        let mut body = vec![8, 0x0B, 0xB8, 0x0B, 0xB8, comps];
        for c in 0..comps {
            body.extend_from_slice(&[c + 1, 0x11, 0]);
        }
        v.extend(seg(sof, &body));
        v.extend(seg(0xDA, &[1, 1, 0, 0, 63, 0]));
        v.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]);
        v.extend_from_slice(end);
        v
    }

    #[test]
    fn header_only_image_declaring_3000_square() {
        let m = probe(Bytes::full(&jpeg(0xC0, 3, &[], b"\xFF\xD9")));
        assert!(m.findings.errors.is_empty(), "{:?}", m.findings);
        let a = m.artwork.unwrap();
        assert_eq!(
            (a.width, a.height, a.color_space.as_str()),
            (3000, 3000, "RGB")
        );
        assert!(!a.progressive);
    }

    #[test]
    fn adobe_transform_decides_cmyk_or_ycck() {
        let adobe = |t: u8| seg(0xEE, &[b'A', b'd', b'o', b'b', b'e', 0, 100, 0, 0, 0, 0, t]);
        let m = probe(Bytes::full(&jpeg(0xC2, 4, &adobe(2), b"\xFF\xD9")));
        let a = m.artwork.unwrap();
        assert_eq!(a.color_space, "YCCK");
        assert!(a.progressive);
        let m = probe(Bytes::full(&jpeg(0xC0, 4, &adobe(0), b"\xFF\xD9")));
        assert_eq!(m.artwork.unwrap().color_space, "CMYK");
    }

    #[test]
    fn icc_chunks_reassemble_in_sequence_order() {
        let mut profile = vec![0u8; 144];
        profile[36..40].copy_from_slice(b"acsp");
        profile[128..132].copy_from_slice(&1u32.to_be_bytes());
        profile[132..136].copy_from_slice(b"desc");
        profile[136..140].copy_from_slice(&144u32.to_be_bytes());
        profile[140..144].copy_from_slice(&17u32.to_be_bytes());
        profile.extend_from_slice(b"desc\0\0\0\0\0\0\0\x05Wide\0");
        let chunk = |seq: u8, part: &[u8]| {
            let mut body = b"ICC_PROFILE\0".to_vec();
            body.extend_from_slice(&[seq, 2]);
            body.extend_from_slice(part);
            seg(0xE2, &body)
        };
        // The second chunk first: sequence numbers decide the order.
        let mut extra = chunk(2, &profile[100..]);
        extra.extend(chunk(1, &profile[..100]));
        let m = probe(Bytes::full(&jpeg(0xC0, 3, &extra, b"\xFF\xD9")));
        assert_eq!(m.artwork.unwrap().icc_profile.as_deref(), Some("Wide"));
        // A profile that cannot be read is still said to be there.
        let m = probe(Bytes::full(&jpeg(0xC0, 3, &chunk(1, b"junk"), b"\xFF\xD9")));
        assert_eq!(m.artwork.unwrap().icc_profile.as_deref(), Some("embedded"));
    }

    #[test]
    fn truncated_trailing_and_hostile() {
        let m = probe(Bytes::full(&jpeg(0xC0, 1, &[], b"")));
        assert_eq!(m.findings.errors[0].code, Code::TruncatedData);
        assert_eq!(m.artwork.unwrap().color_space, "Grayscale");
        let m = probe(Bytes::full(&jpeg(0xC0, 3, &[], b"\xFF\xD9junk")));
        assert_eq!(m.findings.warnings[0].code, Code::TrailingData);
        assert!(m.findings.errors.is_empty());
        let m = probe(Bytes::full(&jpeg(0xC0, 2, &[], b"\xFF\xD9")));
        assert_eq!(m.findings.errors[0].code, Code::InvalidHeader);
        assert!(m.artwork.is_none());
        // Lengths below 2, markers without 0xFF, a file of fill bytes.
        for bad in [
            &b"\xFF\xD8\xFF\xE0\x00\x01"[..],
            b"\xFF\xD8\x00",
            b"\xFF\xD8\xFF\xFF\xFF",
        ] {
            let m = probe(Bytes::full(bad));
            assert!(!m.findings.errors.is_empty());
            assert!(m.artwork.is_none());
        }
    }
}
