//! A bounded, panic-free byte reader shared by every container parser.
//!
//! Parsers never index a slice directly with an offset that came from a file.
//! They read through [`Reader`], whose every method checks the remaining length
//! first and returns [`Eof`] instead of panicking. Lengths read from a file are
//! compared with what is left (`len <= remaining`), never added to a position
//! first, so a hostile 64-bit size cannot overflow.
//!
//! The bytes behind a reader are a [`Bytes`] view: the whole file, or a head
//! and a tail window of it, so a header-only scan reads a few KiB per file.

use std::cell::Cell;

/// The reader ran out of bytes: the structure claims more than the buffer holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Eof;

/// Byte order of multi-byte integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endian {
    /// Least significant byte first (RIFF, RF64, BW64, AIFC `sowt` data).
    Little,
    /// Most significant byte first (RIFX, AIFF, FLAC).
    Big,
}

/// A file's bytes as the parsers see them: the whole file, or, for a
/// header-only scan of a large file, a window at its head and one at its
/// tail.
///
/// A read that falls between the windows returns nothing and raises the
/// `gap` flag; the caller then probes again over the whole file. A probe
/// that never raised the flag looked only at real bytes, so its result is
/// the one the whole file gives, for a fraction of the reading.
#[derive(Debug, Clone, Copy)]
pub struct Bytes<'a> {
    head: &'a [u8],
    tail: &'a [u8],
    tail_start: u64,
    len: u64,
    gap: Option<&'a Cell<bool>>,
}

impl<'a> Bytes<'a> {
    /// All of a file's bytes.
    pub fn full(buf: &'a [u8]) -> Self {
        Bytes {
            head: buf,
            tail: &[],
            tail_start: buf.len() as u64,
            len: buf.len() as u64,
            gap: None,
        }
    }

    /// The first and last bytes of a file of `len` bytes; `gap` is raised by
    /// any read between them. The windows must not overlap.
    pub fn windows(head: &'a [u8], tail: &'a [u8], len: u64, gap: &'a Cell<bool>) -> Self {
        let tail_start = len.saturating_sub(tail.len() as u64);
        debug_assert!(head.len() as u64 <= tail_start);
        Bytes {
            head,
            tail,
            tail_start,
            len,
            gap: Some(gap),
        }
    }

    /// The file's length.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes `offset..offset + n`, when the file holds them and they lie in
    /// a window; a range inside the file but outside the windows raises the
    /// gap flag.
    pub fn get(&self, offset: u64, n: u64) -> Option<&'a [u8]> {
        let end = offset.checked_add(n)?;
        if end > self.len {
            return None;
        }
        if end <= self.head.len() as u64 {
            return self.head.get(offset as usize..end as usize);
        }
        if offset >= self.tail_start {
            let from = (offset - self.tail_start) as usize;
            return self.tail.get(from..from + n as usize);
        }
        if let Some(gap) = self.gap {
            gap.set(true);
        }
        None
    }

    /// Up to `n` bytes from `offset`: fewer at the end of the file, none in
    /// the gap between windows (raising the flag).
    pub fn get_up_to(&self, offset: u64, n: u64) -> &'a [u8] {
        let n = n.min(self.len.saturating_sub(offset));
        self.get(offset, n).unwrap_or_default()
    }

    /// The last window: `(offset, bytes)` of the tail of a windowed file, or
    /// of the last `n` bytes of a whole one.
    pub fn tail(&self, n: u64) -> (u64, &'a [u8]) {
        if self.gap.is_some() {
            (self.tail_start, self.tail)
        } else {
            let from = self.len.saturating_sub(n);
            (from, self.get_up_to(from, n))
        }
    }
}

impl<'a> From<&'a [u8]> for Bytes<'a> {
    fn from(buf: &'a [u8]) -> Self {
        Bytes::full(buf)
    }
}

impl<'a, const N: usize> From<&'a [u8; N]> for Bytes<'a> {
    fn from(buf: &'a [u8; N]) -> Self {
        Bytes::full(buf)
    }
}

impl<'a> From<&'a Vec<u8>> for Bytes<'a> {
    fn from(buf: &'a Vec<u8>) -> Self {
        Bytes::full(buf)
    }
}

/// A cursor over [`Bytes`] that cannot read past its end.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    bytes: Bytes<'a>,
    pos: u64,
    end: u64,
}

impl<'a> Reader<'a> {
    /// A reader over the whole of `buf`, positioned at its start.
    pub fn new(buf: &'a [u8]) -> Self {
        Reader::over(Bytes::full(buf))
    }

    /// A reader over `bytes`, positioned at the start.
    pub fn over(bytes: Bytes<'a>) -> Self {
        Reader {
            bytes,
            pos: 0,
            end: bytes.len(),
        }
    }

    /// A reader over `bytes`, positioned at `pos` (clamped to the end).
    pub fn at(bytes: Bytes<'a>, pos: u64) -> Self {
        Reader {
            bytes,
            pos: pos.min(bytes.len()),
            end: bytes.len(),
        }
    }

    /// The current offset from the start of the file.
    pub fn pos(&self) -> u64 {
        self.pos
    }

    /// How many bytes are left.
    pub fn remaining(&self) -> u64 {
        self.end - self.pos
    }

    /// Whether no byte is left.
    pub fn is_empty(&self) -> bool {
        self.pos == self.end
    }

    /// Take the next `n` bytes.
    pub fn bytes(&mut self, n: u64) -> Result<&'a [u8], Eof> {
        if n > self.remaining() {
            return Err(Eof);
        }
        let out = self.bytes.get(self.pos, n).ok_or(Eof)?;
        self.pos += n;
        Ok(out)
    }

    /// Take the next `N` bytes as an array.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], Eof> {
        let b = self.bytes(N as u64)?;
        let mut out = [0u8; N];
        out.copy_from_slice(b);
        Ok(out)
    }

    /// Skip `n` bytes (without reading them).
    pub fn skip(&mut self, n: u64) -> Result<(), Eof> {
        if n > self.remaining() {
            return Err(Eof);
        }
        self.pos += n;
        Ok(())
    }

    /// A child reader over the next `n` bytes; this reader moves past them.
    pub fn sub(&mut self, n: u64) -> Result<Reader<'a>, Eof> {
        if n > self.remaining() {
            return Err(Eof);
        }
        let child = Reader {
            bytes: self.bytes,
            pos: self.pos,
            end: self.pos + n,
        };
        self.pos += n;
        Ok(child)
    }

    /// A child reader over at most the next `n` bytes (fewer at the end).
    pub fn sub_up_to(&mut self, n: u64) -> Reader<'a> {
        let n = n.min(self.remaining());
        let child = Reader {
            bytes: self.bytes,
            pos: self.pos,
            end: self.pos + n,
        };
        self.pos += n;
        child
    }

    /// Take up to `n` bytes: fewer when fewer are left.
    pub fn bytes_up_to(&mut self, n: u64) -> &'a [u8] {
        let n = n.min(self.remaining());
        self.bytes(n).unwrap_or_default()
    }

    /// Read one byte.
    pub fn u8(&mut self) -> Result<u8, Eof> {
        Ok(self.array::<1>()?[0])
    }

    /// Read a 16-bit unsigned integer.
    pub fn u16(&mut self, e: Endian) -> Result<u16, Eof> {
        let b = self.array::<2>()?;
        Ok(match e {
            Endian::Little => u16::from_le_bytes(b),
            Endian::Big => u16::from_be_bytes(b),
        })
    }

    /// Read a 24-bit unsigned integer.
    pub fn u24(&mut self, e: Endian) -> Result<u32, Eof> {
        let b = self.array::<3>()?;
        Ok(match e {
            Endian::Little => u32::from_le_bytes([b[0], b[1], b[2], 0]),
            Endian::Big => u32::from_be_bytes([0, b[0], b[1], b[2]]),
        })
    }

    /// Read a 32-bit unsigned integer.
    pub fn u32(&mut self, e: Endian) -> Result<u32, Eof> {
        let b = self.array::<4>()?;
        Ok(match e {
            Endian::Little => u32::from_le_bytes(b),
            Endian::Big => u32::from_be_bytes(b),
        })
    }

    /// Read a 64-bit unsigned integer.
    pub fn u64(&mut self, e: Endian) -> Result<u64, Eof> {
        let b = self.array::<8>()?;
        Ok(match e {
            Endian::Little => u64::from_le_bytes(b),
            Endian::Big => u64::from_be_bytes(b),
        })
    }

    /// Read a four-character code.
    pub fn fourcc(&mut self) -> Result<[u8; 4], Eof> {
        self.array::<4>()
    }
}

/// A four-character code as printable text (`fmt `, `data`), with
/// non-printable bytes escaped so hostile ids cannot reach a terminal raw.
pub fn fourcc_str(id: &[u8]) -> String {
    let mut s = String::with_capacity(id.len());
    for &b in id {
        if (0x20..0x7f).contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("\\x{b:02x}"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_byte_orders() {
        let data = [1, 2, 3, 4, 5, 6, 7, 8];
        let mut r = Reader::new(&data);
        assert_eq!(r.u16(Endian::Little), Ok(0x0201));
        assert_eq!(r.u16(Endian::Big), Ok(0x0304));
        assert_eq!(r.u24(Endian::Big), Ok(0x050607));
        assert_eq!(r.remaining(), 1);
        assert_eq!(r.u16(Endian::Little), Err(Eof));
        // A failed read consumes nothing.
        assert_eq!(r.u8(), Ok(8));
        assert!(r.is_empty());
    }

    #[test]
    fn huge_lengths_do_not_overflow() {
        let data = [0u8; 4];
        let mut r = Reader::new(&data);
        r.skip(1).unwrap();
        assert_eq!(r.bytes(u64::MAX), Err(Eof));
        assert_eq!(r.sub(u64::MAX - 1).err(), Some(Eof));
        assert_eq!(r.bytes_up_to(u64::MAX).len(), 3);
        let r = Reader::at(Bytes::full(&data), u64::MAX);
        assert!(r.is_empty());
    }

    #[test]
    fn sub_reader_is_bounded() {
        let data = [9u8; 10];
        let mut r = Reader::new(&data);
        let mut child = r.sub(3).unwrap();
        assert_eq!(child.u32(Endian::Little), Err(Eof));
        assert_eq!(r.pos(), 3);
    }

    #[test]
    fn windows_flag_reads_in_the_gap() {
        let head = [1u8, 2, 3, 4];
        let tail = [7u8, 8];
        let gap = Cell::new(false);
        let b = Bytes::windows(&head, &tail, 100, &gap);
        assert_eq!(b.get(1, 2), Some(&[2u8, 3][..]));
        assert_eq!(b.get(98, 2), Some(&[7u8, 8][..]));
        assert!(!gap.get());
        // Past the end: plain end of data, not a gap.
        assert_eq!(b.get(99, 2), None);
        assert!(!gap.get());
        // Skipping over the gap reads nothing.
        let mut r = Reader::over(b);
        r.skip(90).unwrap();
        assert!(!gap.get());
        assert_eq!(r.u8(), Err(Eof));
        assert!(gap.get(), "a read between the windows raises the flag");
    }

    #[test]
    fn fourcc_escapes_control_bytes() {
        assert_eq!(fourcc_str(b"fmt "), "fmt ");
        assert_eq!(fourcc_str(&[0x1b, b'[', b'2', b'J']), "\\x1b[2J");
    }
}
