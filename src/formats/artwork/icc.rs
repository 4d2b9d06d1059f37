//! The description of an ICC profile (its `desc` tag): ICC v2
//! `textDescriptionType` (ASCII) or ICC v4 `multiLocalizedUnicodeType`
//! (`mluc`, UTF-16BE: the first record). Only the bytes given are read.

/// The profile's description, trimmed, when its `desc` tag can be read
/// and holds printable text.
pub fn description(profile: &[u8]) -> Option<String> {
    let be32 = |at: usize| -> Option<usize> {
        let b = profile.get(at..at.checked_add(4)?)?;
        usize::try_from(u32::from_be_bytes([b[0], b[1], b[2], b[3]])).ok()
    };
    if profile.get(36..40)? != b"acsp" {
        return None;
    }
    let count = be32(128)?;
    // Tag table entries are 12 bytes; the loop stops at the buffer's end.
    for i in 0..count.min(profile.len() / 12) {
        let at = 132 + i * 12;
        if profile.get(at..at + 4)? != b"desc" {
            continue;
        }
        let offset = be32(at + 4)?;
        let size = be32(at + 8)?;
        let tag = profile.get(offset..offset.checked_add(size)?)?;
        let text = match tag.get(..4)? {
            b"desc" => {
                let n =
                    usize::try_from(u32::from_be_bytes(tag.get(8..12)?.try_into().ok()?)).ok()?;
                let ascii = tag.get(12..12usize.checked_add(n)?)?;
                let end = ascii.iter().position(|&b| b == 0).unwrap_or(ascii.len());
                String::from_utf8_lossy(&ascii[..end]).into_owned()
            }
            b"mluc" => {
                let len =
                    usize::try_from(u32::from_be_bytes(tag.get(20..24)?.try_into().ok()?)).ok()?;
                let off =
                    usize::try_from(u32::from_be_bytes(tag.get(24..28)?.try_into().ok()?)).ok()?;
                let utf16 = tag.get(off..off.checked_add(len)?)?;
                let units: Vec<u16> = utf16
                    .chunks_exact(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .take_while(|&u| u != 0)
                    .collect();
                String::from_utf16_lossy(&units)
            }
            _ => return None,
        };
        let text: String = text.chars().filter(|c| !c.is_control()).collect();
        let text = text.trim();
        return (!text.is_empty()).then(|| text.chars().take(200).collect());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(tag: &[u8]) -> Vec<u8> {
        let mut p = vec![0u8; 144];
        p[36..40].copy_from_slice(b"acsp");
        p[128..132].copy_from_slice(&1u32.to_be_bytes());
        p[132..136].copy_from_slice(b"desc");
        p[136..140].copy_from_slice(&144u32.to_be_bytes());
        p[140..144].copy_from_slice(&(tag.len() as u32).to_be_bytes());
        p.extend_from_slice(tag);
        p
    }

    #[test]
    fn v2_and_v4_descriptions() {
        let mut v2 = b"desc\0\0\0\0\0\0\0\x05sRGB\0".to_vec();
        v2.extend_from_slice(&[0; 8]);
        assert_eq!(description(&profile(&v2)).as_deref(), Some("sRGB"));
        let mut v4 = b"mluc\0\0\0\0\0\0\0\x01\0\0\0\x0cenUS\0\0\0\x06\0\0\0\x1c".to_vec();
        v4.extend_from_slice(b"\0P\0\x33\0!");
        assert_eq!(description(&profile(&v4)).as_deref(), Some("P3!"));
        // Hostile offsets and sizes.
        let mut p = profile(b"desc");
        p[136..140].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(description(&p), None);
        assert_eq!(description(b"short"), None);
    }
}
