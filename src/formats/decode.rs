//! Decoding lossy streams with Symphonia, packet by packet, for the
//! verifiers of MP3, Ogg and MP4 (each in its format's folder).
//!
//! The packets are found by ddexprobe's own parsers, not by a demuxer, so a
//! finding can name the byte offset where it is:
//!
//! * MPEG: the frame walk of the header probe (the same frames, the
//!   same resynchronisation after junk); every frame is decoded, its CRC-16
//!   checked when it has one, and the Layer III bit reservoir followed;
//! * Ogg: every page read, its CRC, sequence number and granule
//!   position checked; Vorbis packets decoded, Opus packets checked
//!   against RFC 6716 (no decoder here), FLAC and Speex structure only;
//! * MP4: the audio track's sample tables walked sample by sample,
//!   every sample inside the file; AAC-LC and ALAC samples decoded, and the
//!   decoded ALAC audio hashed into `pcmMd5`.
//!
//! Decoding is Symphonia's. Its decoders are fed packets whose bounds come
//! from the tables above, and their errors are counted, never propagated.

use crate::formats::Outcome;
use crate::record::Method;
use crate::record::{Code, Findings};
use symphonia::core::codecs::audio::{AudioCodecParameters, AudioDecoder, AudioDecoderOptions};
use symphonia::core::errors::Error;
use symphonia::core::packet::PacketRef;
use symphonia::core::units::{Duration, Timestamp};

/// Nothing decoded: the structure (or nothing) was checked.
pub(crate) fn structure() -> Outcome {
    Outcome {
        method: Method::Structure,
        ..Outcome::default()
    }
}

/// What one packet gave.
pub(crate) enum Decoded {
    /// Sample frames per channel.
    Frames(usize),
    /// The packet is corrupt.
    Failed(String),
    /// The decoder does not support what the packet uses.
    Unsupported(String),
}

/// A Symphonia decoder fed packets one by one.
pub(crate) struct Decoder {
    pub(crate) inner: Box<dyn AudioDecoder>,
}

impl Decoder {
    /// A decoder for `params`; `Err` with Symphonia's reason when the codec
    /// or its configuration is not supported.
    pub(crate) fn new(params: &AudioCodecParameters, make: MakeDecoder) -> Result<Decoder, String> {
        let opts = AudioDecoderOptions::default();
        make(params, &opts)
            .map(|inner| Decoder { inner })
            .map_err(|e| e.to_string())
    }

    /// Decode one packet.
    pub(crate) fn decode(&mut self, data: &[u8]) -> Decoded {
        let packet = PacketRef::new(0, Timestamp::new(0), Duration::new(0), data);
        match self.inner.decode_ref(&packet) {
            Ok(buf) => Decoded::Frames(buf.frames()),
            Err(Error::Unsupported(what)) => Decoded::Unsupported(what.to_string()),
            Err(e) => Decoded::Failed(e.to_string()),
        }
    }

    /// Call `f` with each plane of the last decoded packet when its samples
    /// are 32-bit integers (ALAC).
    pub(crate) fn with_i32_planes(&self, mut f: impl FnMut(&[&[i32]])) {
        use symphonia::core::audio::{Audio, GenericAudioBufferRef};
        if let GenericAudioBufferRef::S32(buf) = self.inner.last_decoded() {
            let planes: Vec<&[i32]> = (0..buf.num_planes()).filter_map(|i| buf.plane(i)).collect();
            f(&planes);
        }
    }
}

/// Which decoded samples belong to the stream: gapless trimming removes
/// the encoder's priming samples at the start and its padding at the end.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Trim {
    /// Decoded samples to drop at the start.
    pub(crate) skip: u64,
    /// Samples to keep after them (all when unknown).
    pub(crate) keep: Option<u64>,
    /// Samples decoded so far.
    pub(crate) decoded: u64,
}

impl Trim {
    /// Trimming from the probe's figures.
    pub(crate) fn of(probe: &crate::formats::Probe) -> Trim {
        Trim {
            skip: probe.encoder_delay.unwrap_or(0),
            keep: probe.total_samples,
            decoded: 0,
        }
    }

    /// The frames `from..from + take` of a packet of `n` that are kept,
    /// and count the packet.
    pub(crate) fn next(&mut self, n: u64) -> (usize, usize) {
        let from = self.skip.saturating_sub(self.decoded);
        let end = self.keep.map_or(u64::MAX, |k| self.skip.saturating_add(k));
        let take = end
            .saturating_sub(self.decoded.max(self.skip))
            .min(n.saturating_sub(from));
        self.decoded += n;
        if from >= n {
            return (0, 0);
        }
        (from as usize, take as usize)
    }
}

impl Decoder {
    /// Hand the kept part of the last decoded packet (`from..from + take`)
    /// to a QC analysis: integers of `bits` bits when the decoder gives
    /// left-justified 32-bit integers (ALAC), floats otherwise.
    pub(crate) fn analyse(
        &self,
        qc: &mut crate::qc::Analysis,
        bits: Option<u32>,
        (from, take): (usize, usize),
        scratch: &mut QcScratch,
    ) {
        use symphonia::core::audio::{Audio, GenericAudioBufferRef};
        if take == 0 {
            return;
        }
        let buf = self.inner.last_decoded();
        if let (GenericAudioBufferRef::S32(b), Some(bits)) = (&buf, bits) {
            let shift = 32 - bits.clamp(1, 32);
            scratch.ints.resize(b.num_planes(), Vec::new());
            for (i, out) in scratch.ints.iter_mut().enumerate() {
                out.clear();
                if let Some(p) = b.plane(i) {
                    let end = (from + take).min(p.len());
                    out.extend(p[from.min(end)..end].iter().map(|v| v >> shift));
                }
            }
            let planes: Vec<&[i32]> = scratch.ints.iter().map(Vec::as_slice).collect();
            qc.push_int(&planes, bits);
            return;
        }
        buf.copy_to_vecs_planar::<f32>(&mut scratch.floats);
        let planes: Vec<&[f32]> = scratch
            .floats
            .iter()
            .map(|p| {
                let end = (from + take).min(p.len());
                &p[from.min(end)..end]
            })
            .collect();
        qc.push_float(&planes);
    }
}

/// Buffers reused from packet to packet for [`Decoder::analyse`].
#[derive(Debug, Default)]
pub(crate) struct QcScratch {
    ints: Vec<Vec<i32>>,
    floats: Vec<Vec<f32>>,
}

/// A Symphonia decoder constructor.
pub(crate) type MakeDecoder = fn(
    &AudioCodecParameters,
    &AudioDecoderOptions,
) -> symphonia::core::errors::Result<Box<dyn AudioDecoder>>;

/// Packets that failed, for one finding with the count and the first.
#[derive(Debug, Default)]
pub(crate) struct Failures {
    pub(crate) count: u64,
    pub(crate) first: Option<(u64, String)>,
}

impl Failures {
    pub(crate) fn add(&mut self, at: u64, why: impl FnOnce() -> String) {
        self.count += 1;
        if self.first.is_none() {
            self.first = Some((at, why()));
        }
    }

    /// Report as an error with `code`: `what` names the packets ("frame",
    /// "packet"), `verb` says what is wrong with them, singular and plural.
    pub(crate) fn report(&self, f: &mut Findings, code: Code, what: &str, verb: (&str, &str)) {
        if let Some((at, why)) = &self.first {
            let n = self.count;
            let (s, verb) = if n == 1 { ("", verb.0) } else { ("s", verb.1) };
            let why = if why.is_empty() {
                String::new()
            } else {
                format!(": {why}")
            };
            f.error(
                code,
                format!("{n} {what}{s} {verb}, the first at offset {at}{why}"),
            );
        }
    }
}

/// `ceil(bits / 8)` little-endian bytes of each sample, interleaved: FLAC's
/// MD5 convention. `planes` hold samples left-justified in 32 bits (as
/// Symphonia's ALAC decoder returns them); frames `skip..skip + take` of
/// the packet are hashed.
pub(crate) fn hash_left_justified(
    md5: &mut md5::Md5,
    planes: &[&[i32]],
    bits: u32,
    skip: usize,
    take: usize,
    scratch: &mut Vec<u8>,
) {
    use md5::Digest;
    let width = bits.div_ceil(8) as usize;
    let shift = 32 - bits.clamp(1, 32);
    let frames = planes.iter().map(|p| p.len()).min().unwrap_or(0);
    let end = skip.saturating_add(take).min(frames);
    let from = skip.min(end);
    scratch.clear();
    scratch.resize((end - from) * planes.len() * width, 0);
    let mut out = scratch.chunks_exact_mut(width);
    for i in from..end {
        for p in planes {
            if let Some(o) = out.next() {
                o.copy_from_slice(&(p[i] >> shift).to_le_bytes()[..width]);
            }
        }
    }
    md5.update(&scratch[..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use md5::Digest;

    /// Cut and damaged copies of every lossy fixture: verification reports,
    /// never panics.
    #[test]
    fn damaged_fixtures_do_not_panic() {
        let rounds: u64 = std::env::var("DDEXPROBE_FUZZ_ROUNDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(12);
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !matches!(ext, "mp3" | "mp2" | "ogg" | "opus" | "m4a") {
                continue;
            }
            let original = std::fs::read(&path).unwrap();
            for round in 0..rounds {
                let mut b = original.clone();
                match round % 3 {
                    0 => b.truncate((next() % b.len() as u64) as usize),
                    1 => {
                        for _ in 0..1 + next() % 8 {
                            let i = (next() % b.len() as u64) as usize;
                            b[i] ^= 1 << (next() % 8);
                        }
                    }
                    _ => {
                        let i = (next() % b.len() as u64) as usize;
                        let n = (next() % 64) as usize;
                        for x in b.iter_mut().skip(i).take(n) {
                            *x = next() as u8;
                        }
                    }
                }
                let probe = crate::formats::probe(&b, Some(ext));
                let _ = crate::formats::verify::verify_bytes(&b, &probe);
            }
        }
    }

    #[test]
    fn left_justified_samples_hash_as_flac_does() {
        // 24-bit -1 and 2, left-justified, two channels, one frame skipped.
        let a = [0x7FFF_FF00u32 as i32, -256, 0];
        let b = [0, 2 << 8, 0];
        let mut md5 = md5::Md5::new();
        let mut scratch = Vec::new();
        hash_left_justified(&mut md5, &[&a, &b], 24, 1, 1, &mut scratch);
        let want = md5::Md5::digest([0xFF, 0xFF, 0xFF, 2, 0, 0]);
        assert_eq!(md5.finalize()[..], want[..]);
    }
}
