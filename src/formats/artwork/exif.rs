//! The EXIF orientation (tag 0x0112 of IFD0) from a TIFF structure, as a
//! JPEG `APP1 Exif` segment or a PNG `eXIf` chunk holds it, in either
//! byte order (`II` little-endian, `MM` big-endian).

/// The orientation (1-8) the TIFF structure `tiff` declares in its first
/// IFD; `None` when it has none, or one out of range, or the structure
/// cannot be read.
pub fn orientation(tiff: &[u8]) -> Option<u16> {
    let little = match tiff.get(..4)? {
        b"II*\0" => true,
        b"MM\0*" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b = tiff.get(at..at.checked_add(2)?)?;
        Some(if little {
            u16::from_le_bytes([b[0], b[1]])
        } else {
            u16::from_be_bytes([b[0], b[1]])
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b = tiff.get(at..at.checked_add(4)?)?;
        let a = [b[0], b[1], b[2], b[3]];
        Some(if little {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        })
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd)?);
    // Each entry is 12 bytes; the loop stops at the end of the buffer.
    for i in 0..count {
        let entry = ifd.checked_add(2)?.checked_add(i.checked_mul(12)?)?;
        let tag = u16_at(entry)?;
        if tag != 0x0112 {
            continue;
        }
        // SHORT (type 3), count 1: the value sits in the first two bytes
        // of the value field.
        let kind = u16_at(entry + 2)?;
        let n = u32_at(entry + 4)?;
        if kind != 3 || n != 1 {
            return None;
        }
        let v = u16_at(entry + 8)?;
        return (1..=8).contains(&v).then_some(v);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_byte_orders() {
        let le = b"II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0\x06\0\0\0\0\0\0\0";
        assert_eq!(orientation(le), Some(6));
        let be = b"MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x03\0\0\0\0\0\0";
        assert_eq!(orientation(be), Some(3));
        // Out of range, wrong type, short, hostile counts.
        let bad = b"MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x09\0\0";
        assert_eq!(orientation(bad), None);
        assert_eq!(orientation(b"MM\0*\xff\xff\xff\xff"), None);
        assert_eq!(orientation(b"MM\0*\0\0\0\x08\xff\xff"), None);
        assert_eq!(orientation(b"II"), None);
    }
}
