//! Cover art measured from its content: JPEG ([`jpeg`]) and PNG ([`png`]).
//!
//! A release folder holds its cover beside the audio. The image is named
//! by [`crate::formats::nonaudio`] from its magic bytes; this module then
//! walks the whole file and fills a [`crate::record::Artwork`] with what
//! delivery rules on cover art look at: pixel size, colour space, bit
//! depth, components, alpha, progressive or interlaced, the embedded ICC
//! profile's name and the EXIF orientation. The walk also says whether
//! the image is whole: a JPEG that ends before its end-of-image marker, a
//! PNG without `IEND` or whose chunks run past the end is
//! `truncated_data`; a PNG chunk whose CRC-32 does not match is
//! `chunk_crc_mismatch`; bytes after the end are `trailing_data`.
//!
//! The parsers never allocate by a header's figure: every loop advances
//! through the bytes the file holds, and an ICC profile split over JPEG
//! segments is reassembled up to [`MAX_ICC`] bytes only. Pixels are not
//! decoded.

pub mod exif;
pub mod icc;
pub mod jpeg;
pub mod png;

use crate::io::reader::Bytes;
use crate::record::{Artwork, Findings};

/// The image formats measured as artwork (the `format` of
/// [`crate::record::Artwork`]).
pub const FORMATS: &[&str] = &["JPEG", "PNG"];

/// The largest ICC profile reassembled from JPEG `APP2` segments (a
/// profile is a few KiB; larger ones are reported as `embedded`).
pub const MAX_ICC: usize = 1 << 20;

/// What a walk over an image found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Measured {
    /// The image's figures, when its header could be read.
    pub artwork: Option<Artwork>,
    /// Errors and warnings.
    pub findings: Findings,
}

/// Measure the image `bytes` holds, whose magic bytes said `format`
/// (`JPEG` or `PNG`); `None` for any other format.
pub fn probe(bytes: Bytes<'_>, format: &str) -> Option<Measured> {
    match format {
        "JPEG" => Some(jpeg::probe(bytes)),
        "PNG" => Some(png::probe(bytes)),
        _ => None,
    }
}

/// `JPEG 3000x3000 RGB`: one line for tables and text output.
pub fn describe(a: &Artwork) -> String {
    format!("{} {}x{} {}", a.format, a.width, a.height, a.color_space)
}
