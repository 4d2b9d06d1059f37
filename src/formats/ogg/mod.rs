//! Ogg streams (Vorbis, Opus, FLAC-in-Ogg, Speex), measured from page
//! headers without decoding.
//!
//! An Ogg file is a sequence of pages, each carrying a CRC-32, a stream
//! serial number, a sequence number and a granule position (for audio codecs:
//! the sample count at the end of the last packet completed on the page).
//! The figures come from two places:
//!
//! * the pages at the start: the beginning-of-stream (BOS) page names each
//!   logical stream's codec (identification header: rate, channels; Opus
//!   pre-skip and input rate; FLAC STREAMINFO; Speex header), the next header
//!   packets carry the Vorbis comment (tags) and, for Vorbis, the setup header
//!   whose mode list gives each audio packet's block size. The first page
//!   with a granule position gives the stream's starting offset: its granule
//!   minus the samples of the packets completed on it (a stream cut from a
//!   longer one starts above zero; a granule below that count is a start trim
//!   and the output still starts at 0);
//! * the last page of the stream, found by scanning back from the end of the
//!   file: its granule position is where the stream ends, end trimming
//!   included.
//!
//! `totalSamples` is the last granule minus the starting offset, minus the
//! pre-skip for Opus (what a gapless decoder outputs; `encoderDelay` is the
//! pre-skip). ffmpeg agrees for Opus and FLAC; for Vorbis it decodes a few
//! hundred samples more or less than the granule positions say, and for
//! Speex it outputs whole frames without trimming: the granule positions are
//! the specification, and what libvorbis and speexdec output. For FLAC the
//! starting offset comes from the first frame header (its frame or sample
//! number), read without the rest of that page, which can be long; a
//! STREAMINFO total that disagrees with the granule positions is a warning. Every page read has its CRC checked (`bad_page_crc`; pages at
//! the start are still used, pages at the end only when their CRC holds) and
//! its sequence number followed (`page_sequence`). The pages in the middle of
//! the file are not read unless the file turns out to be chained.
//!
//! Decisions:
//! * Chained streams (a new BOS after the end of the previous stream,
//!   detected when a page at the end belongs to a stream the start did not
//!   announce, or when a BOS page follows data pages) are walked page by page.
//!   When every link is the same codec with the same rate and channels, the
//!   totals are summed (a gapless player outputs them back to back);
//!   otherwise the first link's figures are reported. Either way
//!   `chained_streams` says how many links and their codecs. A chain whose
//!   links share one serial number (forbidden, but `cat a.ogg a.ogg` makes
//!   one) is only seen when a BOS page lies in the last 64 KiB or among the
//!   pages read at the start.
//! * Multiplexed streams (several BOS pages at the start): the first audio
//!   stream is measured, `multiplexed_streams` names the others, and
//!   `audio_bytes` (hence the bitrate) is left unset, since the pages of the
//!   other streams cannot be told apart without reading them all.
//! * Truncation is reported as `truncated_data` only when provable: a page
//!   header right after the last complete page declares more bytes than the
//!   file holds. The total is then what the complete pages hold. A stream
//!   whose last page lacks the end-of-stream flag (cut at a page boundary, or
//!   never finished) gets a `page_sequence` warning.
//!
//! Layout of this folder, after Symphonia's `format-ogg`:
//!
//! * `page.rs`: one page reader (CRC-32 checked), one resynchronisation
//!   after damage, and the packet assembly of a logical stream;
//! * `codecs.rs`: what each codec's headers say and how many samples its
//!   packets hold;
//! * `probe.rs`: the header probe, which returns an [`OggLayout`];
//! * `verify.rs`: `--verify`, which reads every page and measures the
//!   streams the layout names.

pub(crate) mod codecs;
mod page;
mod probe;
pub(crate) mod verify;

#[cfg(test)]
mod tests;

pub use probe::probe;

/// What the probe found that verification must measure the same way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OggLayout {
    /// Which audio streams the record's figures describe.
    pub measured: Measured,
    /// Audio streams (chained links or multiplexed streams) the probe saw.
    pub audio_streams: usize,
}

/// Which audio streams of an Ogg file the figures describe.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Measured {
    /// The first audio stream (one stream, multiplexed streams, or chained
    /// links that differ).
    #[default]
    First,
    /// Every link of a chain whose links share codec, rate and channels:
    /// their samples are summed.
    EveryLink,
}
