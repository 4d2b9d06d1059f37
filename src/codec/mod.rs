//! Decoders that ddexprobe owns, where verification needs more than a
//! library decoder gives: frame boundaries, every checksum, resynchronising
//! after damage and every corner of the format.

pub mod flac;
