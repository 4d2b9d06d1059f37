//! The walk over a Segment's Clusters (known or unknown size), their
//! SimpleBlocks and BlockGroups, shared by the probe (which needs the last
//! block of the audio track) and `--verify` (which checks every one).
//!
//! Every element size is checked against its parent's end and the bytes
//! the file holds; a Cluster of unknown size (live streams) ends at the
//! next element that belongs to the Segment. Reads go through [`Bytes`],
//! so a walk over a header-only window asks for the whole file.

use super::ebml::{self, Bad, header, id, int, is_top_level, uint};
use crate::formats::crc::crc32;
use crate::io::reader::Bytes;
use crate::record::Code;

/// One block of the audio track.
pub(crate) struct Block<'a> {
    /// Offset of the SimpleBlock or Block element.
    pub pos: u64,
    /// Cluster timestamp + the block's relative timestamp, in ticks.
    pub ts: i64,
    /// The frames of the block (one unless laced).
    pub frames: &'a [&'a [u8]],
    /// BlockDuration, in ticks.
    pub duration: Option<u64>,
    /// DiscardPadding, in nanoseconds.
    pub discard_ns: Option<i64>,
}

/// What the walk found besides the blocks.
#[derive(Debug, Default)]
pub(crate) struct Walked {
    /// Clusters read.
    pub clusters: u64,
    /// Blocks of the track.
    pub blocks: u64,
    /// An element ran past the end of the file.
    pub truncated: Option<String>,
    /// Errors in the structure: `(code, message)`, the first few.
    pub problems: Vec<(Code, String)>,
    /// Problems beyond those kept.
    pub more_problems: u64,
    /// Where the walk stopped.
    pub end: u64,
    /// CRC-32 elements checked.
    pub crcs: u64,
}

impl Walked {
    fn problem(&mut self, code: Code, msg: String) {
        if self.problems.len() < 8 {
            self.problems.push((code, msg));
        } else {
            self.more_problems += 1;
        }
    }
}

/// Walk the Segment's elements from `from` (the first Cluster) to
/// `seg_end`, calling `on_block` for each block of track `track`; with
/// `check`, CRC-32 elements are verified and lacing errors reported.
pub(crate) fn walk(
    bytes: Bytes<'_>,
    from: u64,
    seg_end: u64,
    track: u64,
    check: bool,
    on_block: &mut dyn FnMut(&Block<'_>),
) -> Walked {
    let mut w = Walked::default();
    let len = bytes.len();
    let end = seg_end.min(len);
    let mut pos = from;
    let mut frames: Vec<&[u8]> = Vec::new();
    while pos < end {
        let h = match header(bytes, pos, end) {
            Ok(h) => h,
            Err(Bad::End) => {
                w.truncated = Some(format!(
                    "the file ends inside an element header at offset {pos}"
                ));
                break;
            }
            Err(Bad::Invalid) => {
                w.problem(
                    Code::InvalidHeader,
                    format!("no valid EBML element at offset {pos}"),
                );
                match resync(bytes, pos + 1, end) {
                    Some(next) => {
                        pos = next;
                        continue;
                    }
                    None => break,
                }
            }
        };
        if h.id != id::CLUSTER {
            let Some(e) = h.end() else {
                w.problem(
                    Code::InvalidHeader,
                    format!(
                        "the Segment child 0x{:X} at offset {pos} has an unknown size",
                        h.id
                    ),
                );
                break;
            };
            if e > len {
                w.truncated = Some(format!(
                    "the element 0x{:X} at offset {pos} declares {} bytes, the file holds {}",
                    h.id,
                    h.size.unwrap_or(0),
                    len.saturating_sub(h.data)
                ));
                pos = len;
                break;
            }
            pos = e;
            continue;
        }
        w.clusters += 1;
        let limit = match h.end() {
            Some(e) if e > len => {
                w.truncated = Some(format!(
                    "the Cluster at offset {pos} declares {} bytes, the file holds {}",
                    h.size.unwrap_or(0),
                    len.saturating_sub(h.data)
                ));
                len
            }
            Some(e) if e > end => {
                w.problem(
                    Code::InvalidHeader,
                    format!("the Cluster at offset {pos} runs past the end of its Segment"),
                );
                end
            }
            Some(e) => e,
            None => end,
        };
        let known = h.size.is_some();
        // A Cluster cut short: its CRC-32 covers bytes the file lacks.
        let whole = h.end().is_some_and(|e| e <= len);
        let mut cts: Option<u64> = None;
        let mut cpos = h.data;
        let mut first = true;
        let mut next = limit;
        while cpos < limit {
            let c = match header(bytes, cpos, limit) {
                Ok(c) => c,
                Err(Bad::End) => {
                    w.truncated.get_or_insert_with(|| {
                        format!("the file ends inside an element header at offset {cpos}")
                    });
                    break;
                }
                Err(Bad::Invalid) => {
                    w.problem(
                        Code::InvalidHeader,
                        format!("no valid EBML element at offset {cpos} in the Cluster at {pos}"),
                    );
                    next = resync(bytes, cpos + 1, end).unwrap_or(end);
                    break;
                }
            };
            if !known && is_top_level(c.id) {
                next = cpos;
                break;
            }
            let Some(size) = c.size else {
                w.problem(
                    Code::InvalidHeader,
                    format!(
                        "the element 0x{:X} at offset {cpos} has an unknown size",
                        c.id
                    ),
                );
                next = resync(bytes, cpos + 1, end).unwrap_or(end);
                break;
            };
            let c_end = c.data.saturating_add(size);
            if c_end > limit {
                if c_end > len {
                    w.truncated.get_or_insert_with(|| {
                        format!(
                            "the element 0x{:X} at offset {cpos} declares {size} bytes, the file holds {}",
                            c.id,
                            len.saturating_sub(c.data)
                        )
                    });
                } else {
                    w.problem(
                        Code::InvalidHeader,
                        format!(
                            "the element 0x{:X} at offset {cpos} runs past the end of its Cluster",
                            c.id
                        ),
                    );
                }
                next = limit;
                break;
            }
            match c.id {
                id::CRC32 if first && check && known && whole => {
                    w.crcs += 1;
                    let stored = bytes.get(c.data, 4).filter(|_| size == 4);
                    let covered = bytes.get(c_end, limit - c_end);
                    if let (Some(s), Some(rest)) = (stored, covered) {
                        let want = u32::from_le_bytes([s[0], s[1], s[2], s[3]]);
                        if crc32(rest) != want {
                            w.problem(
                                Code::FrameCrcMismatch,
                                format!("the CRC-32 of the Cluster at offset {pos} does not match its content"),
                            );
                        }
                    }
                }
                id::TIMESTAMP => cts = bytes.get(c.data, size).and_then(uint),
                id::SIMPLE_BLOCK | id::BLOCK_GROUP => {
                    let Some(data) = bytes.get(c.data, size) else {
                        break;
                    };
                    let (block, duration, discard) = if c.id == id::SIMPLE_BLOCK {
                        (Some((c.start, data)), None, None)
                    } else {
                        group(data, c.data)
                    };
                    if let Some((bpos, b)) = block {
                        match parse_block(b, &mut frames) {
                            Ok((t, rel)) if t == track => {
                                if cts.is_none() {
                                    w.problem(
                                        Code::InvalidHeader,
                                        format!("the Cluster at offset {pos} has no Timestamp before its first block"),
                                    );
                                    cts = Some(0);
                                }
                                w.blocks += 1;
                                let ts = i64::try_from(cts.unwrap_or(0))
                                    .unwrap_or(i64::MAX)
                                    .saturating_add(i64::from(rel));
                                on_block(&Block {
                                    pos: bpos,
                                    ts,
                                    frames: &frames,
                                    duration,
                                    discard_ns: discard,
                                });
                            }
                            Ok(_) => {}
                            Err(why) => {
                                if check || parse_track(b) == Some(track) {
                                    w.problem(
                                        Code::DecodeError,
                                        format!("the block at offset {bpos}: {why}"),
                                    );
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
            first = false;
            cpos = c_end;
            next = c_end;
        }
        if w.truncated.is_some() {
            pos = len;
            break;
        }
        pos = if known { limit.max(next) } else { next };
        if pos <= h.start {
            break;
        }
    }
    w.end = pos;
    w
}

/// The next Cluster ID after damage, within 1 MiB.
fn resync(bytes: Bytes<'_>, from: u64, end: u64) -> Option<u64> {
    let window = bytes.get_up_to(from, (end.saturating_sub(from)).min(1 << 20));
    window
        .windows(4)
        .position(|w| w == [0x1F, 0x43, 0xB6, 0x75])
        .map(|i| from + i as u64)
}

/// The Block, BlockDuration and DiscardPadding of a BlockGroup whose data
/// starts at `base`.
#[allow(clippy::type_complexity)]
fn group(data: &[u8], base: u64) -> (Option<(u64, &[u8])>, Option<u64>, Option<i64>) {
    let mut block = None;
    let mut duration = None;
    let mut discard = None;
    let mut at = 0u64;
    let all = Bytes::full(data);
    while at < data.len() as u64 {
        let Ok(h) = header(all, at, data.len() as u64) else {
            break;
        };
        let Some(e) = h.end().filter(|&e| e <= data.len() as u64) else {
            break;
        };
        let v = &data[h.data as usize..e as usize];
        match h.id {
            id::BLOCK => block = Some((base + at, v)),
            id::BLOCK_DURATION => duration = uint(v),
            id::DISCARD_PADDING => discard = int(v),
            _ => {}
        }
        at = e;
    }
    (block, duration, discard)
}

/// The track number of a block.
fn parse_track(b: &[u8]) -> Option<u64> {
    ebml::vint(b).ok().and_then(|(t, _)| t)
}

/// Split a block's data into its track number, relative timestamp and
/// frames (lacing undone into `frames`).
pub(crate) fn parse_block<'a>(
    b: &'a [u8],
    frames: &mut Vec<&'a [u8]>,
) -> Result<(u64, i16), String> {
    frames.clear();
    let (t, n) = ebml::vint(b).map_err(|_| "the track number is not a valid number".to_string())?;
    let track = t.ok_or("the track number is reserved")?;
    let head = b.get(n..n + 3).ok_or("the block ends inside its header")?;
    let rel = i16::from_be_bytes([head[0], head[1]]);
    let flags = head[2];
    let mut rest = &b[n + 3..];
    let lacing = (flags >> 1) & 3;
    if lacing == 0 {
        frames.push(rest);
        return Ok((track, rel));
    }
    let (&count, r) = rest
        .split_first()
        .ok_or("the block ends before its lace count")?;
    rest = r;
    let count = usize::from(count) + 1;
    let mut sizes: Vec<u64> = Vec::with_capacity(count);
    match lacing {
        1 => {
            for _ in 1..count {
                let mut n = 0u64;
                loop {
                    let (&x, r) = rest
                        .split_first()
                        .ok_or("the Xiph lace sizes run past the block")?;
                    rest = r;
                    n += u64::from(x);
                    if x != 255 {
                        break;
                    }
                }
                sizes.push(n);
            }
        }
        3 => {
            let mut prev = 0i64;
            for i in 1..count {
                let (v, used) = ebml::vint(rest).map_err(|_| "an EBML lace size is malformed")?;
                let v = v.ok_or("an EBML lace size is reserved")? as i64;
                let size = if i == 1 {
                    v
                } else {
                    let bias = (1i64 << (7 * used - 1)) - 1;
                    prev + (v - bias)
                };
                if size < 0 {
                    return Err("an EBML lace size is negative".into());
                }
                rest = &rest[used..];
                sizes.push(size as u64);
                prev = size;
            }
        }
        _ => {
            let total = rest.len();
            if !total.is_multiple_of(count) {
                return Err(format!(
                    "{total} bytes of fixed-size lacing do not split into {count} frames"
                ));
            }
            for _ in 1..count {
                sizes.push((total / count) as u64);
            }
        }
    }
    for s in sizes {
        let s = usize::try_from(s).map_err(|_| "a lace size is too large")?;
        let (f, r) = rest
            .split_at_checked(s)
            .ok_or("the lace sizes add up to more than the block holds")?;
        frames.push(f);
        rest = r;
    }
    frames.push(rest);
    Ok((track, rel))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lacing() {
        let mut f = Vec::new();
        // track 1, ts 5, no lacing
        assert_eq!(parse_block(&[0x81, 0, 5, 0x80, 9, 9], &mut f), Ok((1, 5)));
        assert_eq!(f, vec![&[9u8, 9][..]]);
        // Xiph: 3 frames of 2, 1, rest 3
        let b = [0x81, 0, 0, 0x02, 2, 2, 1, 1, 1, 2, 3, 3, 3];
        assert!(parse_block(&b, &mut f).is_ok());
        assert_eq!(f, vec![&[1u8, 1][..], &[2], &[3, 3, 3]]);
        // EBML: sizes 2, then +1 (signed 0x80+63+1 = 0xC0), rest
        let b = [0x81, 0, 0, 0x06, 2, 0x82, 0xC0, 1, 1, 2, 2, 2, 3];
        assert!(parse_block(&b, &mut f).is_ok());
        assert_eq!(f, vec![&[1u8, 1][..], &[2, 2, 2], &[3]]);
        // Fixed: 4 bytes in 2 frames
        assert!(parse_block(&[0x81, 0, 0, 0x04, 1, 1, 2, 3, 4], &mut f).is_ok());
        assert_eq!(f.len(), 2);
        assert!(parse_block(&[0x81, 0, 0, 0x04, 1, 1, 2, 3], &mut f).is_err());
        // Xiph sizes larger than the block
        assert!(parse_block(&[0x81, 0, 0, 0x02, 1, 200, 1], &mut f).is_err());
        assert!(parse_block(&[0x81, 0], &mut f).is_err());
    }
}
