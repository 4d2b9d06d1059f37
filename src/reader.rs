//! A bounded, panic-free byte reader shared by every container parser.
//!
//! Parsers never index a slice directly with an offset that came from a file.
//! They read through [`Reader`], whose every method checks the remaining length
//! first and returns [`Eof`] instead of panicking. Lengths read from a file are
//! compared with what is left (`len <= remaining`), never added to a position
//! first, so a hostile 64-bit size cannot overflow.

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

/// A cursor over a byte slice that cannot read past its end.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader over the whole of `buf`, positioned at its start.
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    /// A reader over `buf`, positioned at `pos` (clamped to the end).
    pub fn at(buf: &'a [u8], pos: u64) -> Self {
        let pos = usize::try_from(pos).unwrap_or(usize::MAX).min(buf.len());
        Reader { buf, pos }
    }

    /// The current offset from the start of the buffer.
    pub fn pos(&self) -> u64 {
        self.pos as u64
    }

    /// How many bytes are left.
    pub fn remaining(&self) -> u64 {
        (self.buf.len() - self.pos) as u64
    }

    /// Whether no byte is left.
    pub fn is_empty(&self) -> bool {
        self.pos == self.buf.len()
    }

    /// Take the next `n` bytes.
    pub fn bytes(&mut self, n: u64) -> Result<&'a [u8], Eof> {
        if n > self.remaining() {
            return Err(Eof);
        }
        let n = n as usize;
        let out = &self.buf[self.pos..self.pos + n];
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

    /// Skip `n` bytes.
    pub fn skip(&mut self, n: u64) -> Result<(), Eof> {
        self.bytes(n).map(|_| ())
    }

    /// A child reader over the next `n` bytes; this reader moves past them.
    pub fn sub(&mut self, n: u64) -> Result<Reader<'a>, Eof> {
        self.bytes(n).map(Reader::new)
    }

    /// Take up to `n` bytes: fewer when fewer are left.
    pub fn bytes_up_to(&mut self, n: u64) -> &'a [u8] {
        let n = n.min(self.remaining());
        // `n` is at most `remaining`, so this cannot fail.
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
        let r = Reader::at(&data, u64::MAX);
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
    fn fourcc_escapes_control_bytes() {
        assert_eq!(fourcc_str(b"fmt "), "fmt ");
        assert_eq!(fourcc_str(&[0x1b, b'[', b'2', b'J']), "\\x1b[2J");
    }
}
