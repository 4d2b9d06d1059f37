//! Images by their headers: the format and, where the first bytes give
//! it, the pixel size (PNG `IHDR`, JPEG start-of-frame, GIF logical
//! screen, WebP `VP8`/`VP8L`/`VP8X`, BMP info header). Cover art is judged
//! by its size; everything else about an image is for the artwork checks.

use super::{Kind, NonAudio};
use crate::io::reader::Bytes;

fn be16(b: &[u8]) -> u32 {
    u32::from(u16::from_be_bytes([b[0], b[1]]))
}

fn le16(b: &[u8]) -> u32 {
    u32::from(u16::from_le_bytes([b[0], b[1]]))
}

fn le24(b: &[u8]) -> u32 {
    u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16
}

fn image(format: &'static str, size: Option<(u32, u32)>) -> NonAudio {
    NonAudio {
        kind: Kind::Image,
        format,
        width: size.map(|s| s.0),
        height: size.map(|s| s.1),
    }
}

/// The image `bytes` holds, with its size when the header gives it.
pub fn detect(bytes: Bytes<'_>) -> Option<NonAudio> {
    let head = bytes.get_up_to(0, 64);
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        let size = bytes.get(12, 12).filter(|b| &b[..4] == b"IHDR").map(|b| {
            let w = u32::from_be_bytes([b[4], b[5], b[6], b[7]]);
            let h = u32::from_be_bytes([b[8], b[9], b[10], b[11]]);
            (w, h)
        });
        return Some(image("PNG", size));
    }
    if head.starts_with(b"\xFF\xD8\xFF") {
        return Some(image("JPEG", jpeg_size(bytes)));
    }
    if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        let size = bytes.get(6, 4).map(|b| (le16(b), le16(&b[2..])));
        return Some(image("GIF", size));
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Some(image("WebP", webp_size(bytes)));
    }
    if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        return Some(image("TIFF", None));
    }
    if head.starts_with(b"BM") && head.len() >= 26 {
        // The info header's own size is 12, 40, 52, 56, 64, 108 or 124.
        let info = u32::from_le_bytes([head[14], head[15], head[16], head[17]]);
        if matches!(info, 12 | 40 | 52 | 56 | 64 | 108 | 124) {
            let size = if info == 12 {
                (le16(&head[18..]), le16(&head[20..]))
            } else {
                let w = i32::from_le_bytes([head[18], head[19], head[20], head[21]]);
                let h = i32::from_le_bytes([head[22], head[23], head[24], head[25]]);
                (w.unsigned_abs(), h.unsigned_abs())
            };
            return Some(image("BMP", Some(size)));
        }
    }
    None
}

/// A JPEG's size from its first start-of-frame marker, walking the marker
/// segments from the start (within what can be read).
fn jpeg_size(bytes: Bytes<'_>) -> Option<(u32, u32)> {
    let mut pos = 2u64;
    for _ in 0..256 {
        let m = bytes.get(pos, 4)?;
        if m[0] != 0xFF {
            return None;
        }
        let marker = m[1];
        if marker == 0xFF {
            pos += 1;
            continue;
        }
        let len = u64::from(be16(&m[2..]));
        let sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if sof {
            let f = bytes.get(pos + 4, 5)?;
            return Some((be16(&f[3..]), be16(&f[1..])));
        }
        if marker == 0xD9 || marker == 0xDA || len < 2 {
            return None;
        }
        pos += 2 + len;
    }
    None
}

/// A WebP's canvas size from its first chunk.
fn webp_size(bytes: Bytes<'_>) -> Option<(u32, u32)> {
    let chunk = bytes.get(12, 4)?;
    match chunk {
        b"VP8X" => {
            let b = bytes.get(24, 6)?;
            Some((le24(b) + 1, le24(&b[3..]) + 1))
        }
        b"VP8L" => {
            let b = bytes.get(21, 4)?;
            let v = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            Some(((v & 0x3FFF) + 1, ((v >> 14) & 0x3FFF) + 1))
        }
        b"VP8 " => {
            let b = bytes.get(26, 4)?;
            Some((le16(b) & 0x3FFF, le16(&b[2..]) & 0x3FFF))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        v.extend_from_slice(&w.to_be_bytes());
        v.extend_from_slice(&h.to_be_bytes());
        v.extend_from_slice(&[8, 2, 0, 0, 0]);
        v
    }

    #[test]
    fn sizes_from_headers() {
        let p = detect(Bytes::full(&png(3000, 2999))).unwrap();
        assert_eq!(
            (p.format, p.width, p.height),
            ("PNG", Some(3000), Some(2999))
        );
        assert_eq!(p.describe(), "a PNG image (3000x2999)");
        // JPEG: SOI, an APP0 segment, then SOF0 with height 1400, width 1600.
        let mut j = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46];
        j.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08, 0x05, 0x78, 0x06, 0x40, 0x03]);
        let p = detect(Bytes::full(&j)).unwrap();
        assert_eq!(
            (p.format, p.width, p.height),
            ("JPEG", Some(1600), Some(1400))
        );
        let g = detect(Bytes::full(b"GIF89a\x40\x01\xf0\x00")).unwrap();
        assert_eq!((g.width, g.height), (Some(320), Some(240)));
        let mut w = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0".to_vec();
        w.extend_from_slice(&[0xB7, 0x0B, 0x00, 0xB7, 0x0B, 0x00]);
        let p = detect(Bytes::full(&w)).unwrap();
        assert_eq!(
            (p.format, p.width, p.height),
            ("WebP", Some(3000), Some(3000))
        );
        // A truncated JPEG is still named, without a size.
        let p = detect(Bytes::full(&[0xFF, 0xD8, 0xFF, 0xE0, 0x40, 0x00])).unwrap();
        assert_eq!((p.format, p.width), ("JPEG", None));
        assert!(detect(Bytes::full(b"RIFF\0\0\0\0WAVEfmt ")).is_none());
    }

    #[test]
    fn every_truncation_and_hostile_size_is_safe() {
        let mut jpeg = vec![0xFF, 0xD8];
        // Segments of every length, then a start-of-frame.
        for len in [2u16, 3, 0xFFFF] {
            jpeg.extend_from_slice(&[0xFF, 0xE1]);
            jpeg.extend_from_slice(&len.to_be_bytes());
            jpeg.extend(std::iter::repeat_n(0u8, usize::from(len).min(64)));
        }
        jpeg.extend_from_slice(&[0xFF, 0xC2, 0x00, 0x11, 0x08, 0xFF, 0xFF, 0xFF, 0xFF]);
        let mut webp_l = b"RIFF\0\0\0\0WEBPVP8L\0\0\0\0\x2f".to_vec();
        webp_l.extend_from_slice(&[0xFF; 4]);
        let mut bmp = b"BM".to_vec();
        bmp.extend_from_slice(&[0; 12]);
        bmp.extend_from_slice(&40u32.to_le_bytes());
        bmp.extend_from_slice(&i32::MIN.to_le_bytes());
        bmp.extend_from_slice(&i32::MIN.to_le_bytes());
        let samples = [
            png(u32::MAX, u32::MAX),
            jpeg,
            webp_l,
            bmp,
            b"GIF89a\xff\xff\xff\xff".to_vec(),
            b"RIFF\0\0\0\0WEBPVP8X\0\0\0\0\0\0\0\0\xff\xff\xff\xff\xff\xff".to_vec(),
        ];
        for sample in &samples {
            for cut in 0..=sample.len() {
                let _ = detect(Bytes::full(&sample[..cut]));
            }
        }
        let b = detect(Bytes::full(&samples[3])).unwrap();
        assert_eq!(b.width, Some(1 << 31));
        let w = detect(Bytes::full(&samples[5])).unwrap();
        assert_eq!((w.width, w.height), (Some(1 << 24), Some(1 << 24)));
    }
}
