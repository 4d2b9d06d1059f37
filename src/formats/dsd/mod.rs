//! Direct Stream Digital: the two containers of 1-bit audio, Sony's DSF
//! ([`dsf`]) and Philips' DSDIFF ([`dsdiff`], `.dff`), uncompressed or
//! DST-compressed.
//!
//! DSD is reported as what it is: `sampleRate` the DSD rate (2822400 for
//! DSD64, 5644800, 11289600...), `bitDepth` 1, `totalSamples` in DSD
//! samples per channel, `audioCodec` `DSD` (or `DST`). Nothing is decoded:
//! `--verify` checks the structure ([`verify`]: block layout, padding,
//! sizes, DST frame counts) with method `structure`, and `--qc` says why it
//! does not analyse (DSD is not PCM).

pub mod dsdiff;
pub mod dsf;
pub mod verify;

/// Where the audio of a DSD file lies, for [`verify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DsdLayout {
    /// A DSF `data` chunk: blocks of `block` bytes per channel, channel
    /// after channel.
    Dsf {
        /// Offset of the first sample byte.
        offset: u64,
        /// Bytes of sample data the file holds.
        len: u64,
        /// Bytes the data chunk declares.
        declared: u64,
        /// Channels.
        channels: u32,
        /// Block size per channel (4096).
        block: u32,
        /// Samples per channel the header declares.
        samples: u64,
    },
    /// A DSDIFF `DSD ` chunk of interleaved bytes.
    Dff {
        /// Offset of the first sample byte.
        offset: u64,
        /// Bytes of sample data the file holds.
        len: u64,
        /// Channels.
        channels: u32,
    },
    /// A DSDIFF `DST ` chunk of `DSTF` frames.
    Dst {
        /// Offset of the chunk's body (its first sub-chunk).
        offset: u64,
        /// Bytes of it the file holds.
        len: u64,
        /// Frames the `FRTE` chunk declares, when present.
        frames: Option<u32>,
    },
}
