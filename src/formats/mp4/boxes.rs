//! The one box walker of ISO base media files: box headers (32-bit, 64-bit
//! and to-the-end sizes) and the children of a box body, in order. The
//! probe walks the boxes once; verification walks the sample tables the
//! probe laid out and never walks boxes itself.

use crate::io::reader::{Endian, Reader, fourcc_str};

const BE: Endian = Endian::Big;

/// One box: its type, where it starts, and a reader over its body.
pub(super) struct Atom<'a> {
    pub(super) kind: [u8; 4],
    pub(super) start: u64,
    pub(super) body: Reader<'a>,
}

/// Most children walked in one box body (hostile files of tiny boxes).
const MAX_CHILDREN: u32 = 100_000;

/// The children of a box body, in order. A child that does not fit its
/// parent ends the walk and leaves a message in `err`.
pub(super) struct Atoms<'a> {
    r: Reader<'a>,
    pub(super) err: Option<String>,
    seen: u32,
}

impl<'a> Atoms<'a> {
    /// A walk over the children in `r`.
    pub(super) fn new(r: Reader<'a>) -> Self {
        Atoms {
            r,
            err: None,
            seen: 0,
        }
    }
}

impl<'a> Iterator for Atoms<'a> {
    type Item = Atom<'a>;

    fn next(&mut self) -> Option<Atom<'a>> {
        if self.err.is_some() || self.r.is_empty() || self.seen >= MAX_CHILDREN {
            return None;
        }
        self.seen += 1;
        match read_header(&mut self.r) {
            Ok((kind, start, size, hlen)) => {
                let body_len = size - hlen;
                match self.r.sub(body_len) {
                    Ok(body) => Some(Atom { kind, start, body }),
                    Err(_) => {
                        self.err = Some(format!(
                            "box '{}' at offset {start} declares {size} bytes, its parent holds {} from there",
                            fourcc_str(&kind),
                            self.r.remaining() + hlen
                        ));
                        None
                    }
                }
            }
            Err(msg) => {
                self.err = Some(msg);
                None
            }
        }
    }
}

/// Read a box header: `(type, start, total size, header length)`. Size 0
/// means "to the end of the parent".
pub(super) fn read_header(r: &mut Reader<'_>) -> Result<([u8; 4], u64, u64, u64), String> {
    let start = r.pos();
    let left = r.remaining();
    let (Ok(size32), Ok(kind)) = (r.u32(BE), r.fourcc()) else {
        return Err(format!(
            "{left} stray bytes at offset {start}, too few for a box header"
        ));
    };
    let (size, hlen) = match size32 {
        0 => (left, 8),
        1 => {
            let Ok(large) = r.u64(BE) else {
                return Err(format!(
                    "box '{}' at offset {start} ends inside its 64-bit size",
                    fourcc_str(&kind)
                ));
            };
            (large, 16)
        }
        n => (u64::from(n), 8),
    };
    if size < hlen {
        return Err(format!(
            "box '{}' at offset {start} declares {size} bytes, less than its {hlen}-byte header",
            fourcc_str(&kind)
        ));
    }
    Ok((kind, start, size, hlen))
}
