//! ddexprobe: exact technical metadata for music delivery.
//!
//! The library is the whole engine and prints nothing. It finds audio files
//! ([`discover`]), measures each one from its content ([`formats`]), hashes it
//! ([`checksum`]) and builds a [`record::Record`]; [`pipeline`] runs that over
//! a catalog in parallel with output in input order; [`output`] writes the
//! records as NDJSON, JSON, CSV, a table or a report for people;
//! [`sidecar`] writes a technical sidecar file per audio file.
//!
//! ```
//! let wav = std::fs::read("testdata/wav-pcm16-44k-stereo.wav").unwrap();
//! let record = ddexprobe::probe_bytes(&wav, "wav-pcm16-44k-stereo.wav", ddexprobe::Hashes::NONE);
//! assert_eq!(record.sample_rate, Some(44_100));
//! assert!(record.errors.is_empty());
//! ```

#![deny(missing_docs)]

pub mod checksum;
pub mod duration;
pub mod ern;
pub mod formats;
pub mod io;
pub mod metadata;
pub mod output;
pub mod readiness;
pub mod record;
pub mod scan;
pub mod tags;
pub mod verify;

// Old paths still used by the MP4 and Ogg modules.
pub(crate) use io::reader;

pub use checksum::Hashes;
pub use record::{Code, Issue, Record};
pub use scan::{Summary, probe_file, verify_file};

use std::path::Path;

/// Measure a file already in memory. `name` is used for the record's path
/// and as the extension hint.
pub fn probe_bytes(bytes: &[u8], name: &str, hashes: Hashes) -> Record {
    let ext = Path::new(name).extension().and_then(|e| e.to_str());
    let probe = formats::probe(bytes, ext);
    let mut record = probe.into_record(name.to_string(), bytes.len() as u64);
    let digests = checksum::digest(bytes, hashes);
    record.md5 = digests.md5;
    record.sha256 = digests.sha256;
    record
}
