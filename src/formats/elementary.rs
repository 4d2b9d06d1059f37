//! Walking an elementary stream of self-delimiting frames (ADTS AAC,
//! AC-3, E-AC-3): each frame starts with a sync code and a header that
//! gives its length, so the stream is read frame by frame without a
//! container. The walk is shared by each format's probe (which counts the
//! samples) and its verifier (which checks each frame), so both see the
//! same frames and the same resynchronisation after junk.
//!
//! A frame is taken where a header parses and agrees with the stream's
//! first one (the format's `key`: rate, channels...). Bytes that are no
//! frame are skipped up to the next header that is followed by another
//! agreeing header (or by the end of the stream): one header alone is
//! found by chance in any large run of bytes, two in a row are not.

use crate::io::reader::Bytes;

/// What one header says: the frame's length in bytes and the stream
/// parameters that must stay the same from frame to frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Head<K> {
    /// Bytes of the whole frame, header included (never 0).
    pub(crate) len: u64,
    /// What must agree with the first frame.
    pub(crate) key: K,
}

/// One step of the walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step<K> {
    /// A whole frame at `pos`.
    Frame { pos: u64, head: Head<K> },
    /// `len` bytes at `pos` that are no frame, followed by frames.
    Lost { pos: u64, len: u64 },
    /// A frame whose header is at `pos`, cut short: `have` of its `need`
    /// bytes are there. The walk ends.
    Partial { pos: u64, have: u64, need: u64 },
    /// `len` bytes at `pos`, up to the end, that are no frame.
    Trailing { pos: u64, len: u64 },
}

/// How many bytes a header parser is given.
const HEADER_BYTES: u64 = 32;

/// The frames from `start` to `end`, where `parse` reads a header from
/// the bytes at a position (it returns `None` when they are no header),
/// `sync` says whether bytes start with the sync code (for a cut header),
/// and `key` is the first frame's parameters.
pub(crate) struct Frames<'a, K, P> {
    bytes: Bytes<'a>,
    pos: u64,
    end: u64,
    key: K,
    parse: P,
    done: bool,
}

impl<'a, K, P> Frames<'a, K, P>
where
    K: Copy + PartialEq,
    P: Fn(&[u8]) -> Option<Head<K>>,
{
    /// Walk `bytes[start..end]`.
    pub(crate) fn new(bytes: Bytes<'a>, start: u64, end: u64, key: K, parse: P) -> Self {
        Frames {
            bytes,
            pos: start,
            end: end.min(bytes.len()),
            key,
            parse,
            done: false,
        }
    }

    /// The agreeing header at `pos`, if any.
    fn head_at(&self, pos: u64) -> Option<Head<K>> {
        let room = self.end.saturating_sub(pos).min(HEADER_BYTES);
        let buf = self.bytes.get_up_to(pos, room);
        (self.parse)(buf).filter(|h| h.key == self.key && h.len > 0)
    }

    /// The first position after `from` where an agreeing header is
    /// followed by another one or ends exactly at the end of the stream.
    fn resync(&self, from: u64) -> Option<u64> {
        let mut pos = from;
        while pos < self.end {
            if let Some(h) = self.head_at(pos) {
                let next = pos.saturating_add(h.len);
                if next == self.end || (next < self.end && self.head_at(next).is_some()) {
                    return Some(pos);
                }
            }
            pos += 1;
        }
        None
    }
}

impl<K, P> Iterator for Frames<'_, K, P>
where
    K: Copy + PartialEq,
    P: Fn(&[u8]) -> Option<Head<K>>,
{
    type Item = Step<K>;

    fn next(&mut self) -> Option<Step<K>> {
        if self.done || self.pos >= self.end {
            return None;
        }
        let pos = self.pos;
        let left = self.end - pos;
        if let Some(head) = self.head_at(pos) {
            if head.len <= left {
                self.pos = pos + head.len;
                return Some(Step::Frame { pos, head });
            }
            // The last frame, cut short, unless what follows its header
            // holds a real frame (a false header inside junk).
            if let Some(next) = self.resync(pos + 1) {
                self.pos = next;
                return Some(Step::Lost {
                    pos,
                    len: next - pos,
                });
            }
            self.done = true;
            return Some(Step::Partial {
                pos,
                have: left,
                need: head.len,
            });
        }
        match self.resync(pos + 1) {
            Some(next) => {
                self.pos = next;
                Some(Step::Lost {
                    pos,
                    len: next - pos,
                })
            }
            None => {
                self.done = true;
                Some(Step::Trailing { pos, len: left })
            }
        }
    }
}

/// What a walk found, summed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    /// Whole frames.
    pub(crate) frames: u64,
    /// Bytes of whole frames.
    pub(crate) frame_bytes: u64,
    /// Runs of junk between frames, their bytes and the first one's offset.
    pub(crate) lost: u64,
    pub(crate) lost_bytes: u64,
    pub(crate) first_lost: Option<u64>,
    /// The cut last frame: offset, bytes present, bytes needed.
    pub(crate) partial: Option<(u64, u64, u64)>,
    /// Bytes after the last frame that are no frame: offset, length.
    pub(crate) trailing: Option<(u64, u64)>,
}

impl Summary {
    /// Count one step.
    pub(crate) fn add<K: Copy>(&mut self, step: &Step<K>) {
        match *step {
            Step::Frame { head, .. } => {
                self.frames += 1;
                self.frame_bytes += head.len;
            }
            Step::Lost { pos, len } => {
                self.lost += 1;
                self.lost_bytes += len;
                self.first_lost.get_or_insert(pos);
            }
            Step::Partial { pos, have, need } => self.partial = Some((pos, have, need)),
            Step::Trailing { pos, len } => self.trailing = Some((pos, len)),
        }
    }

    /// Report the damage: junk inside the stream (`corrupt_frames`), a cut
    /// last frame (`truncated_data`), bytes after the last frame
    /// (`trailing_data`). `what` names the frames ("ADTS frame").
    pub(crate) fn report(&self, f: &mut crate::record::Findings, what: &str) {
        use crate::record::Code;
        if let Some(at) = self.first_lost {
            f.warn(
                Code::CorruptFrames,
                format!(
                    "{} bytes in {} run(s) inside the stream are no {what}, the first at offset {at}; the frames after them were found again",
                    self.lost_bytes, self.lost
                ),
            );
        }
        if let Some((pos, have, need)) = self.partial {
            f.error(
                Code::TruncatedData,
                format!(
                    "the last {what} (offset {pos}) is cut short: {have} of its {need} bytes are there; it is not counted"
                ),
            );
        }
        if let Some((pos, len)) = self.trailing {
            f.warn(
                Code::TrailingData,
                format!("{len} bytes after the last {what} (offset {pos}) are no frame"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy format: 0xAB, then the frame length in one byte.
    fn toy(b: &[u8]) -> Option<Head<u8>> {
        match b {
            [0xAB, len, ..] if *len >= 2 => Some(Head {
                len: u64::from(*len),
                key: 1,
            }),
            _ => None,
        }
    }

    fn walk(b: &[u8]) -> Summary {
        let mut s = Summary::default();
        for step in Frames::new(Bytes::full(b), 0, b.len() as u64, 1u8, toy) {
            s.add(&step);
        }
        s
    }

    #[test]
    fn frames_junk_cut_and_trailing() {
        let clean = [0xAB, 3, 0, 0xAB, 2, 0xAB, 4, 0, 0];
        let s = walk(&clean);
        assert_eq!(
            (s.frames, s.lost, s.partial, s.trailing),
            (3, 0, None, None)
        );
        let junk = [0xAB, 3, 0, 9, 9, 0xAB, 2, 0xAB, 2];
        let s = walk(&junk);
        assert_eq!((s.frames, s.lost_bytes), (3, 2));
        let cut = [0xAB, 3, 0, 0xAB, 9, 0];
        let s = walk(&cut);
        assert_eq!((s.frames, s.partial), (1, Some((3, 3, 9))));
        let trailing = [0xAB, 2, 1, 2, 3];
        let s = walk(&trailing);
        assert_eq!((s.frames, s.trailing), (1, Some((2, 3))));
        assert_eq!(walk(&[]).frames, 0);
    }
}
