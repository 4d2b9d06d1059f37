//! IFF-style chunk walking, shared by the RIFF family and AIFF.
//!
//! Both containers are a sequence of chunks: a four-character id, a 32-bit
//! size (little-endian in RIFF, big-endian in RIFX and AIFF), the body and a
//! pad byte when the size is odd. [`Chunks`] walks them with the bounded
//! [`Reader`], hands each header to the parser (which may replace the size,
//! as RF64 does from `ds64`), and gives back the body, or the part of it the
//! file holds when the chunk runs past the end. A walk stops after
//! [`MAX_CHUNKS`] chunks so a file of millions of empty chunks cannot stall
//! a scan.

use crate::io::reader::{Bytes, Endian, Reader, fourcc_str};
use crate::record::{Code, Findings};

/// Most chunks walked in one file.
pub const MAX_CHUNKS: u32 = 100_000;

/// A chunk header.
#[derive(Debug, Clone, Copy)]
pub struct Header {
    /// Four-character id.
    pub id: [u8; 4],
    /// Offset of the header in the file.
    pub start: u64,
    /// The 32-bit size field as written.
    pub size32: u32,
}

/// Why a walk ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Fewer than 8 bytes left: no further chunk header.
    End,
    /// [`MAX_CHUNKS`] reached.
    Limit,
}

/// A walk over the chunks of a container.
pub struct Chunks<'a> {
    r: Reader<'a>,
    endian: Endian,
    count: u32,
}

impl<'a> Chunks<'a> {
    /// Walk the chunks of `buf` from offset `start`.
    pub fn new(bytes: Bytes<'a>, start: u64, endian: Endian) -> Self {
        Chunks {
            r: Reader::at(bytes, start),
            endian,
            count: 0,
        }
    }

    /// The next chunk header, or `None` at the end of the chunks; a walk
    /// stopped by [`MAX_CHUNKS`] is reported in `findings`.
    pub fn next(&mut self, findings: &mut Findings) -> Option<Header> {
        match self.next_header() {
            Ok(h) => Some(h),
            Err(Stop::End) => None,
            Err(Stop::Limit) => {
                findings.warn(
                    Code::TruncatedChunk,
                    format!(
                        "more than {MAX_CHUNKS} chunks: stopped walking at offset {}",
                        self.pos()
                    ),
                );
                None
            }
        }
    }

    /// The next chunk header.
    pub fn next_header(&mut self) -> Result<Header, Stop> {
        if self.r.remaining() < 8 {
            return Err(Stop::End);
        }
        if self.count == MAX_CHUNKS {
            return Err(Stop::Limit);
        }
        self.count += 1;
        let start = self.r.pos();
        let id = self.r.fourcc().map_err(|_| Stop::End)?;
        let size32 = self.r.u32(self.endian).map_err(|_| Stop::End)?;
        Ok(Header { id, start, size32 })
    }

    /// Take the body of a chunk of `size` bytes and its pad byte. `Err`
    /// carries the part the file holds when the chunk runs past the end of
    /// the file; the walk is then at the end.
    pub fn body(&mut self, size: u64) -> Result<Reader<'a>, Reader<'a>> {
        match self.r.sub(size) {
            Ok(body) => {
                if size % 2 == 1 {
                    // The pad byte; a missing one at the very end is tolerated.
                    let _ = self.r.skip(1);
                }
                Ok(body)
            }
            Err(_) => Err(self.r.sub_up_to(size)),
        }
    }

    /// The offset of the next unread byte.
    pub fn pos(&self) -> u64 {
        self.r.pos()
    }

    /// Bytes left after the current position.
    pub fn remaining(&self) -> u64 {
        self.r.remaining()
    }

    /// A look at what follows, without moving.
    pub fn rest(&self) -> Reader<'a> {
        self.r.clone()
    }
}

/// Report a chunk of `size` bytes of which the file holds only `partial`.
pub fn report_truncated(findings: &mut Findings, h: &Header, size: u64, partial: &Reader<'_>) {
    findings.warn(
        Code::TruncatedChunk,
        format!(
            "chunk '{}' at offset {} declares {size} bytes, only {} remain in the file",
            fourcc_str(&h.id),
            h.start,
            partial.remaining()
        ),
    );
}

/// Whether `id` is a valid chunk id: four printable ASCII characters, with
/// spaces only as padding at the end.
pub fn valid_id(id: &[u8; 4]) -> bool {
    let printable = id.iter().all(|&b| (0x20..=0x7E).contains(&b));
    let text_len = id.iter().rposition(|&b| b != b' ').map_or(0, |i| i + 1);
    printable && text_len > 0 && !id[..text_len].contains(&b' ')
}

/// A chunk id for a message: quoted when printable, in hex otherwise.
pub fn describe_id(id: &[u8; 4]) -> String {
    if id.iter().all(|&b| (0x20..=0x7E).contains(&b)) {
        format!("'{}'", String::from_utf8_lossy(id))
    } else {
        format!("{:02x} {:02x} {:02x} {:02x}", id[0], id[1], id[2], id[3])
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn chunk_ids_are_printable_ascii_padded_at_the_end() {
        for ok in [b"fmt ", b"data", b"LIST", b"id3 ", b"a   "] {
            assert!(valid_id(ok), "{ok:?}");
        }
        for bad in [
            b"    ",
            b" fmt",
            b"j k.",
            b"da\x01a",
            b"\x9fIST",
            b"\0\0\0\0",
        ] {
            assert!(!valid_id(bad), "{bad:?}");
        }
        assert_eq!(describe_id(b"j k "), "'j k '");
        assert_eq!(describe_id(b"\x9fIST"), "9f 49 53 54");
    }

    use super::*;

    #[test]
    fn walks_padded_and_truncated_chunks() {
        let mut v = Vec::new();
        v.extend_from_slice(b"abcd\x03\x00\x00\x00xyz\x00");
        v.extend_from_slice(b"efgh\x10\x00\x00\x00short");
        let mut c = Chunks::new(Bytes::full(&v), 0, Endian::Little);
        let h = c.next_header().unwrap();
        assert_eq!((&h.id, h.start, h.size32), (b"abcd", 0, 3));
        assert_eq!(c.body(3).unwrap().remaining(), 3);
        let h = c.next_header().unwrap();
        assert_eq!(h.start, 12);
        let partial = c.body(16).unwrap_err();
        assert_eq!(partial.remaining(), 5);
        assert_eq!(c.next_header().unwrap_err(), Stop::End);
    }

    #[test]
    fn stops_at_the_chunk_limit() {
        let v = vec![0u8; 8 * (MAX_CHUNKS as usize + 1)];
        let mut c = Chunks::new(Bytes::full(&v), 0, Endian::Big);
        let mut n = 0;
        while let Ok(h) = c.next_header() {
            c.body(u64::from(h.size32)).unwrap();
            n += 1;
        }
        assert_eq!(n, MAX_CHUNKS);
        assert_eq!(c.next_header().unwrap_err(), Stop::Limit);
    }
}
