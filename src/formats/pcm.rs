//! Verification of uncompressed PCM (WAV/RF64/BW64, AIFF/AIFC).
//!
//! There is nothing to decode: the bytes of the data chunk are read once, in
//! the same pass over the file as the whole-file digests
//! ([`Source::digest_with`]), and give
//!
//! * `pcmMd5`, the MD5 of the samples in FLAC's STREAMINFO convention:
//!   interleaved, signed two's complement, little-endian, `ceil(bits / 8)`
//!   bytes per sample, each sample shifted down to its valid bits (a 24-bit
//!   sample in a 32-bit container hashes like the 24-bit FLAC encoded from
//!   it). Only whole sample frames count. When the file already stores that
//!   form (16-bit little-endian WAV, for one) the data is hashed where it
//!   lies; otherwise a bounded buffer converts it a batch at a time;
//! * the check of a BWF `MD5 ` chunk against the data chunk's bytes.
//!
//! What the headers tell (a data chunk shorter than declared, a partial last
//! sample frame, container and `ds64` sizes) the probe already reports, the
//! containers of PCM (WAV, W64, AU, CAF) through one count,
//! [`count_frames`]; this pass adds only what needs the audio bytes.

use crate::checksum::{Digests, Hashes, hex};
use crate::formats::Outcome;
use crate::io::source::Source;
use crate::qc::Analysis;
use crate::record::Method;
use crate::record::{Code, Findings};
use md5::{Digest, Md5};

/// Count the sample frames of PCM data that `holder` (\"data chunk\", \"the
/// header\") declares as `declared` bytes, of which the file holds
/// `present`, in frames of `frame` bytes (not 0): the total is the whole
/// frames present, a shortfall is `truncated_data` with both figures and
/// `declaredSamples`, a partial last frame `partial_sample_frame`.
pub(crate) fn count_frames(
    p: &mut crate::formats::Probe,
    holder: &str,
    declared: u64,
    present: u64,
    frame: u64,
) {
    let frame = frame.max(1);
    let frames = present / frame;
    p.total_samples = Some(frames);
    p.duration_source = Some(crate::record::DurationSource::Header);
    if present < declared {
        let declared_frames = declared / frame;
        p.declared_samples = Some(declared_frames);
        p.findings.error(
            Code::TruncatedData,
            format!(
                "{holder} declares {declared} bytes ({declared_frames} sample frames), the file holds {present} bytes ({frames} sample frames): {} frames missing",
                declared_frames - frames
            ),
        );
    } else if !present.is_multiple_of(frame) {
        p.findings.warn(
            Code::PartialSampleFrame,
            format!(
                "{holder} holds {present} bytes, not a whole number of {frame}-byte sample frames: the last {} bytes are ignored",
                present % frame
            ),
        );
    }
}

/// Converted bytes handed to MD5 at a time (at least one sample frame).
const BATCH: usize = 64 * 1024;

/// Largest sample frame given a `pcmMd5`: 65535 channels of 8 bytes fit, and
/// a hostile layout cannot make the carry or batch buffers grow beyond it.
const MAX_FRAME: u32 = 1 << 20;

/// How the samples of a PCM data chunk are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Two's-complement integers.
    Signed,
    /// Offset-binary integers (8-bit WAV, AIFC `raw `).
    Unsigned,
    /// IEEE floats (4 or 8 bytes): read, counted and analysed, no
    /// `pcmMd5`.
    Float,
    /// A-law, mu-law: read and counted, no `pcmMd5`.
    Other,
}

/// Where the sample data of a PCM file is and how it is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PcmLayout {
    /// Offset of the first sample byte.
    pub offset: u64,
    /// Bytes of sample data the file holds (whole frames or not): the data
    /// chunk's declared size or what is present, whichever is smaller.
    pub len: u64,
    /// Bytes per sample frame (block align).
    pub frame_bytes: u32,
    /// Channels.
    pub channels: u32,
    /// Bytes per stored sample.
    pub sample_bytes: u32,
    /// Valid bits per sample (left-justified in the stored bytes).
    pub valid_bits: u32,
    /// Byte order of the stored samples.
    pub big_endian: bool,
    /// Sample encoding.
    pub encoding: Encoding,
    /// The BWF `MD5 ` chunk's digest of the audio data, when present, as the
    /// 16 bytes stored in the file.
    pub md5_chunk: Option<[u8; 16]>,
    /// Whether the file holds the data chunk in full (`len` is its declared
    /// size), so that a digest of the chunk can be checked.
    pub complete: bool,
}

/// Read the data of a PCM source once, computing the file digests, the
/// decoded-audio MD5, the BWF MD5 check and the QC analysis in the same
/// pass.
pub fn verify(
    source: &Source,
    layout: &PcmLayout,
    hashes: Hashes,
    qc: Option<&mut Analysis>,
) -> (Outcome, Option<Digests>) {
    let mut pass = Pass::new(layout);
    pass.qc = qc;
    let range = layout.offset..layout.offset.saturating_add(layout.len);
    match source.digest_with(hashes, range, &mut |bytes| pass.feed(bytes)) {
        Some(digests) => (pass.finish(), Some(digests)),
        // Only the head and tail of the file were read: no single pass.
        None => {
            let bytes = source.bytes();
            let outcome = match bytes.get(0, bytes.len()) {
                Some(all) => {
                    let data = data_of(all, layout);
                    pass.feed(data);
                    pass.finish()
                }
                None => Outcome::unverified(),
            };
            (outcome, None)
        }
    }
}

/// [`verify`] for the whole file in memory, without the file digests.
pub fn verify_bytes(bytes: &[u8], layout: &PcmLayout) -> Outcome {
    let mut pass = Pass::new(layout);
    pass.feed(data_of(bytes, layout));
    pass.finish()
}

/// [`verify_bytes`], handing the samples to a QC analysis as well.
pub fn verify_bytes_with(bytes: &[u8], layout: &PcmLayout, qc: Option<&mut Analysis>) -> Outcome {
    let mut pass = Pass::new(layout);
    pass.qc = qc;
    pass.feed(data_of(bytes, layout));
    pass.finish()
}

/// The sample data of a whole file in memory.
fn data_of<'a>(bytes: &'a [u8], layout: &PcmLayout) -> &'a [u8] {
    let start = usize::try_from(layout.offset).unwrap_or(usize::MAX);
    let data = bytes.get(start..).unwrap_or_default();
    let len = usize::try_from(layout.len).unwrap_or(usize::MAX);
    &data[..len.min(data.len())]
}

/// How stored samples become FLAC's MD5 form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Conv {
    /// Bytes per stored sample (1 to 8).
    in_bytes: usize,
    /// Bytes per sample in the MD5 form: `ceil(valid bits / 8)`.
    out_bytes: usize,
    /// Right shift from the container to the valid bits.
    shift: u32,
    /// Stored most significant byte first.
    big: bool,
    /// XORed into the stored value: the sign bit for offset binary.
    flip: u64,
}

impl Conv {
    /// The conversion for `l`, or `None` when its samples have no MD5 form
    /// here (not integers, or a frame layout other than interleaved
    /// samples of `sample_bytes` each).
    fn new(l: &PcmLayout) -> Option<Conv> {
        let unsigned = match l.encoding {
            Encoding::Signed => false,
            Encoding::Unsigned => true,
            Encoding::Float | Encoding::Other => return None,
        };
        let container = l.sample_bytes * 8;
        if !(1..=8).contains(&l.sample_bytes)
            || l.valid_bits == 0
            || l.valid_bits > container
            || l.channels == 0
            || l.frame_bytes > MAX_FRAME
            || u64::from(l.frame_bytes) != u64::from(l.channels) * u64::from(l.sample_bytes)
        {
            return None;
        }
        Some(Conv {
            in_bytes: l.sample_bytes as usize,
            out_bytes: l.valid_bits.div_ceil(8) as usize,
            shift: container - l.valid_bits,
            big: l.big_endian && l.sample_bytes > 1,
            flip: if unsigned { 1 << (container - 1) } else { 0 },
        })
    }

    /// Whether the stored bytes already are the MD5 form.
    fn is_identity(&self) -> bool {
        self.shift == 0 && self.flip == 0 && !self.big && self.in_bytes == self.out_bytes
    }

    /// Convert the whole samples of `src` into `dst` (cleared first).
    fn convert(&self, src: &[u8], dst: &mut Vec<u8>) {
        let n = src.len() / self.in_bytes;
        dst.clear();
        dst.resize(n * self.out_bytes, 0);
        let (s, f) = (self.shift, self.flip);
        macro_rules! dispatch {
            ($(($i:literal, $o:literal)),*) => {
                match (self.in_bytes, self.out_bytes, self.big) {
                    $(
                        ($i, $o, false) => convert_n::<$i, $o, false>(src, dst, s, f),
                        ($i, $o, true) => convert_n::<$i, $o, true>(src, dst, s, f),
                    )*
                    _ => self.convert_any(src, dst),
                }
            };
        }
        dispatch!(
            (1, 1),
            (2, 1),
            (2, 2),
            (3, 1),
            (3, 2),
            (3, 3),
            (4, 1),
            (4, 2),
            (4, 3),
            (4, 4)
        );
    }

    /// [`Conv::convert`] for containers of 5 to 8 bytes (rare: no need to
    /// be fast).
    fn convert_any(&self, src: &[u8], dst: &mut [u8]) {
        let top = 64 - 8 * self.in_bytes as u32;
        for (s, d) in src
            .chunks_exact(self.in_bytes)
            .zip(dst.chunks_exact_mut(self.out_bytes))
        {
            let mut v = 0u64;
            for i in 0..self.in_bytes {
                let b = if self.big {
                    s[i]
                } else {
                    s[self.in_bytes - 1 - i]
                };
                v = (v << 8) | u64::from(b);
            }
            let x = ((((v ^ self.flip) << top) as i64) >> top) >> self.shift;
            d.copy_from_slice(&x.to_le_bytes()[..self.out_bytes]);
        }
    }
}

/// Samples of `IN` stored bytes to `OUT` little-endian bytes: read, undo
/// offset binary (`flip`), sign-extend from the container, shift down to the
/// valid bits.
#[inline(always)]
fn convert_n<const IN: usize, const OUT: usize, const BIG: bool>(
    src: &[u8],
    dst: &mut [u8],
    shift: u32,
    flip: u64,
) {
    if flip == 0 && shift as usize == 8 * (IN - OUT) {
        // Whole valid bytes (24-bit AIFF, 24 bits in 32): the result is the
        // top `OUT` bytes of each sample, least significant first.
        for (s, d) in src.chunks_exact(IN).zip(dst.chunks_exact_mut(OUT)) {
            for k in 0..OUT {
                d[k] = if BIG { s[OUT - 1 - k] } else { s[IN - OUT + k] };
            }
        }
        return;
    }
    let top = 64 - 8 * IN as u32;
    for (s, d) in src.chunks_exact(IN).zip(dst.chunks_exact_mut(OUT)) {
        let mut v = 0u64;
        for i in 0..IN {
            let b = if BIG { s[i] } else { s[IN - 1 - i] };
            v = (v << 8) | u64::from(b);
        }
        let x = ((((v ^ flip) << top) as i64) >> top) >> shift;
        d.copy_from_slice(&x.to_le_bytes()[..OUT]);
    }
}

/// One pass over the data chunk, fed in pieces of any size.
struct Pass<'a> {
    layout: &'a PcmLayout,
    /// The QC analysis the samples go to.
    qc: Option<&'a mut Analysis>,
    /// Its per-channel buffers.
    planes: Planes,
    /// Bytes per sample frame.
    frame: usize,
    conv: Option<Conv>,
    /// MD5 of the samples in FLAC's form.
    pcm: Option<Md5>,
    /// MD5 of the data chunk's bytes for the BWF check, when it is not the
    /// same as `pcm` (see [`Pass::new`]).
    data: Option<Md5>,
    /// The BWF check takes the `pcm` digest: the stored bytes are the MD5
    /// form and the chunk is whole frames.
    data_is_pcm: bool,
    /// The start of a sample frame split across two pieces.
    carry: Vec<u8>,
    /// Converted samples.
    out: Vec<u8>,
    /// Stored bytes per conversion batch (whole frames).
    batch: usize,
    /// Bytes fed.
    seen: u64,
}

impl<'a> Pass<'a> {
    fn new(layout: &'a PcmLayout) -> Pass<'a> {
        let frame = layout.frame_bytes as usize;
        let conv = Conv::new(layout).filter(|_| frame > 0);
        let identity = conv.is_some_and(|c| c.is_identity());
        let check_md5 = layout.complete && layout.md5_chunk.is_some_and(|d| d != [0; 16]);
        let data_is_pcm =
            check_md5 && identity && frame > 0 && layout.len.is_multiple_of(frame as u64);
        let batch = conv.map_or(frame, |c| {
            let out_frame = frame / c.in_bytes * c.out_bytes;
            (BATCH / out_frame).max(1) * frame
        });
        Pass {
            layout,
            qc: None,
            planes: Planes::default(),
            frame,
            conv,
            pcm: conv.map(|_| Md5::new()),
            data: (check_md5 && !data_is_pcm).then(Md5::new),
            data_is_pcm,
            carry: Vec::new(),
            out: Vec::new(),
            batch,
            seen: 0,
        }
    }

    fn feed(&mut self, mut bytes: &[u8]) {
        self.seen += bytes.len() as u64;
        if let Some(h) = self.data.as_mut() {
            h.update(bytes);
        }
        if self.pcm.is_none() && self.qc.is_none() || self.frame == 0 {
            return;
        }
        if !self.carry.is_empty() {
            let take = (self.frame - self.carry.len()).min(bytes.len());
            self.carry.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if self.carry.len() < self.frame {
                return;
            }
            let carry = std::mem::take(&mut self.carry);
            self.frames(&carry);
            self.carry = carry;
            self.carry.clear();
        }
        let whole = bytes.len() / self.frame * self.frame;
        self.frames(&bytes[..whole]);
        self.carry.extend_from_slice(&bytes[whole..]);
    }

    /// Hash and analyse whole sample frames.
    fn frames(&mut self, bytes: &[u8]) {
        if let Some(qc) = self.qc.as_deref_mut() {
            // Batches of at most 4096 frames: bounded buffers.
            for batch in bytes.chunks(self.frame * 4096) {
                self.planes.analyse(self.layout, batch, qc);
            }
        }
        let (Some(conv), Some(pcm)) = (self.conv, self.pcm.as_mut()) else {
            return;
        };
        if conv.is_identity() {
            pcm.update(bytes);
            return;
        }
        for batch in bytes.chunks(self.batch) {
            conv.convert(batch, &mut self.out);
            pcm.update(&self.out);
        }
    }

    fn finish(self) -> Outcome {
        let layout = self.layout;
        let frames = if self.frame > 0 {
            self.seen / self.frame as u64
        } else {
            0
        };
        let pcm_md5: Option<[u8; 16]> = self.pcm.map(|h| h.finalize().into());
        let mut findings = Findings::default();
        if let Some(stored) = layout.md5_chunk {
            // BWF MetaEdit ("Evaluate MD5 for audio data" / "Embed MD5") hashes
            // the payload of the data chunk, every byte of it, without its
            // header or pad byte, and stores the digest as a little-endian
            // 128-bit number: the 16 digest bytes in reverse order. Some
            // other writers store the digest bytes in their usual order;
            // either matches.
            let data: Option<[u8; 16]> = if self.data_is_pcm {
                pcm_md5.filter(|_| self.seen == layout.len)
            } else {
                self.data.map(|h| h.finalize().into())
            };
            let mut shown = stored;
            shown.reverse();
            if stored == [0; 16] {
                findings.warn(
                    Code::Md5Unset,
                    "the BWF MD5 chunk is all zeros: no checksum of the audio data was embedded",
                );
            } else if let Some(d) = data
                && d != stored
                && d != shown
            {
                findings.error(
                    Code::Md5Mismatch,
                    format!(
                        "the BWF MD5 chunk says {} but the {} bytes of the data chunk hash to {}: the audio changed after the checksum was embedded",
                        hex(&shown),
                        layout.len,
                        hex(&d)
                    ),
                );
            }
        }
        Outcome {
            method: Method::Pcm,
            decoded_samples: (self.frame > 0).then_some(frames),
            frames,
            bad_frames: 0,
            pcm_md5,
            exact: false,
            findings,
            qc: None,
        }
    }
}

/// Stored sample frames made into one slice of samples per channel, for
/// the QC analysis.
#[derive(Debug, Default)]
struct Planes {
    ints: Vec<Vec<i32>>,
    floats: Vec<Vec<f32>>,
}

impl Planes {
    /// Decode the whole frames of `bytes` and hand them to `qc`.
    fn analyse(&mut self, l: &PcmLayout, bytes: &[u8], qc: &mut Analysis) {
        let channels = l.channels as usize;
        let width = l.sample_bytes as usize;
        if channels == 0 || !(1..=8).contains(&width) || l.frame_bytes as usize != channels * width
        {
            qc.stop("the sample frames are not interleaved samples of one width; not analysed");
            return;
        }
        let frames = bytes.len() / (channels * width);
        let big = l.big_endian;
        let read = |s: &[u8]| -> u64 {
            let mut v = 0u64;
            for i in 0..s.len() {
                v = (v << 8) | u64::from(if big { s[i] } else { s[s.len() - 1 - i] });
            }
            v
        };
        match l.encoding {
            Encoding::Signed | Encoding::Unsigned => {
                let container = 8 * width as u32;
                let valid = l.valid_bits.clamp(1, container.min(32));
                let shift = container - valid;
                let top = 64 - container;
                let flip = if l.encoding == Encoding::Unsigned {
                    1u64 << (container - 1)
                } else {
                    0
                };
                self.ints.resize(channels, Vec::new());
                for (c, out) in self.ints.iter_mut().enumerate() {
                    out.clear();
                    out.reserve(frames);
                    let samples = bytes
                        .chunks_exact(channels * width)
                        .map(|f| &f[c * width..(c + 1) * width]);
                    match (width, big, flip) {
                        (2, false, 0) => out.extend(
                            samples.map(|s| i32::from(i16::from_le_bytes([s[0], s[1]])) >> shift),
                        ),
                        (3, false, 0) => out
                            .extend(samples.map(|s| {
                                (i32::from_le_bytes([0, s[0], s[1], s[2]]) >> 8) >> shift
                            })),
                        (4, false, 0) => out.extend(
                            samples.map(|s| i32::from_le_bytes([s[0], s[1], s[2], s[3]]) >> shift),
                        ),
                        _ => {
                            out.extend(samples.map(|s| {
                                ((((read(s) ^ flip) << top) as i64 >> top) >> shift) as i32
                            }))
                        }
                    }
                }
                let planes: Vec<&[i32]> = self.ints.iter().map(Vec::as_slice).collect();
                qc.push_int(&planes, valid);
            }
            Encoding::Float if width == 4 || width == 8 => {
                self.floats.resize(channels, Vec::new());
                for (c, out) in self.floats.iter_mut().enumerate() {
                    out.clear();
                    let samples = bytes
                        .chunks_exact(channels * width)
                        .map(|f| &f[c * width..(c + 1) * width]);
                    if width == 4 {
                        out.extend(samples.map(|s| f32::from_bits(read(s) as u32)));
                    } else {
                        out.extend(samples.map(|s| f64::from_bits(read(s)) as f32));
                    }
                }
                let planes: Vec<&[f32]> = self.floats.iter().map(Vec::as_slice).collect();
                qc.push_float(&planes);
            }
            _ => qc.stop("these samples are not linear PCM; not analysed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(bytes: u32, valid: u32, channels: u32, big: bool, encoding: Encoding) -> PcmLayout {
        PcmLayout {
            offset: 0,
            len: 0,
            frame_bytes: channels * bytes,
            channels,
            sample_bytes: bytes,
            valid_bits: valid,
            big_endian: big,
            encoding,
            md5_chunk: None,
            complete: true,
        }
    }

    fn run(l: &PcmLayout, data: &[u8]) -> Outcome {
        let l = PcmLayout {
            len: data.len() as u64,
            ..*l
        };
        verify_bytes(data, &l)
    }

    fn md5(b: &[u8]) -> [u8; 16] {
        Md5::digest(b).into()
    }

    /// Samples as FLAC hashes them, from their values.
    fn flac_form(values: &[i64], bytes: usize) -> Vec<u8> {
        values
            .iter()
            .flat_map(|v| v.to_le_bytes()[..bytes].to_vec())
            .collect()
    }

    #[test]
    fn unsigned_8_bit() {
        let data = [0x00, 0x80, 0xff, 0x7f, 0x01];
        let o = run(&layout(1, 8, 1, false, Encoding::Unsigned), &data);
        let want = flac_form(&[-128, 0, 127, -1, -127], 1);
        assert_eq!(o.pcm_md5, Some(md5(&want)));
        assert_eq!(o.decoded_samples, Some(5));
        assert_eq!(o.method, Method::Pcm);
        assert!(!o.exact);
    }

    #[test]
    fn signed_8_bit_aiff_is_stored_as_is() {
        let data = [0x80, 0x00, 0x7f, 0xff];
        let o = run(&layout(1, 8, 2, true, Encoding::Signed), &data);
        assert_eq!(o.pcm_md5, Some(md5(&data)));
        assert_eq!(o.decoded_samples, Some(2));
    }

    #[test]
    fn little_endian_16_bit_takes_the_fast_path() {
        let l = layout(2, 16, 2, false, Encoding::Signed);
        assert!(Conv::new(&l).unwrap().is_identity());
        let data: Vec<u8> = (0..4000u32).map(|i| (i * 37 % 251) as u8).collect();
        let o = run(&l, &data);
        assert_eq!(o.pcm_md5, Some(md5(&data)));
        assert_eq!(o.decoded_samples, Some(1000));
        // The converting path gives the same digest.
        let conv = Conv {
            in_bytes: 2,
            out_bytes: 2,
            shift: 0,
            big: false,
            flip: 0,
        };
        let mut out = Vec::new();
        conv.convert(&data, &mut out);
        assert_eq!(out, data);
        let mut any = vec![0; data.len()];
        conv.convert_any(&data, &mut any);
        assert_eq!(any, data);
    }

    #[test]
    fn big_endian_24_bit() {
        // AIFF: 0x123456, -2, 0x800000 (most negative).
        let data = [0x12, 0x34, 0x56, 0xff, 0xff, 0xfe, 0x80, 0x00, 0x00];
        let o = run(&layout(3, 24, 1, true, Encoding::Signed), &data);
        let want = flac_form(&[0x123456, -2, -0x800000], 3);
        assert_eq!(o.pcm_md5, Some(md5(&want)));
        assert_eq!(o.decoded_samples, Some(3));
    }

    #[test]
    fn twenty_bits_in_24() {
        // Left-justified: the stored value is the sample times 16.
        let values = [0x7ffff_i64, -0x80000, 5, -1];
        let data: Vec<u8> = values
            .iter()
            .flat_map(|v| (v << 4).to_le_bytes()[..3].to_vec())
            .collect();
        let o = run(&layout(3, 20, 2, false, Encoding::Signed), &data);
        assert_eq!(o.pcm_md5, Some(md5(&flac_form(&values, 3))));
        assert_eq!(o.decoded_samples, Some(2));
    }

    #[test]
    fn twenty_four_bits_in_32_hash_like_24_bit() {
        let values = [0x123456_i64, -0x800000, 0x7fffff, -1, 0, 42];
        let in32: Vec<u8> = values
            .iter()
            .flat_map(|v| ((v << 8) as i32).to_le_bytes())
            .collect();
        let in24: Vec<u8> = flac_form(&values, 3);
        let a = run(&layout(4, 24, 2, false, Encoding::Signed), &in32);
        let b = run(&layout(3, 24, 2, false, Encoding::Signed), &in24);
        assert_eq!(a.pcm_md5, Some(md5(&in24)));
        assert_eq!(a.pcm_md5, b.pcm_md5);
        // The same samples big-endian (RIFX, AIFC in32).
        let be: Vec<u8> = values
            .iter()
            .flat_map(|v| ((v << 8) as i32).to_be_bytes())
            .collect();
        let c = run(&layout(4, 24, 2, true, Encoding::Signed), &be);
        assert_eq!(c.pcm_md5, a.pcm_md5);
    }

    #[test]
    fn specialised_conversions_match_the_general_one() {
        let src: Vec<u8> = (0..4 * 3 * 1000u32)
            .map(|i| (i * 151 % 256) as u8)
            .collect();
        for in_bytes in 1..=4 {
            for out_bytes in 1..=in_bytes {
                for valid in (out_bytes * 8 - 7)..=(out_bytes * 8) {
                    for big in [false, true] {
                        for flip in [0, 1 << (in_bytes * 8 - 1)] {
                            let c = Conv {
                                in_bytes,
                                out_bytes,
                                shift: (in_bytes * 8 - valid) as u32,
                                big,
                                flip,
                            };
                            let mut fast = Vec::new();
                            c.convert(&src, &mut fast);
                            let mut slow = vec![0; fast.len()];
                            c.convert_any(&src, &mut slow);
                            assert_eq!(fast, slow, "{c:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn wide_containers_use_the_general_path() {
        let values = [1_i64 << 40, -(1 << 47), -1];
        let data: Vec<u8> = values
            .iter()
            .flat_map(|v| (v << 16).to_be_bytes())
            .collect();
        let o = run(&layout(8, 48, 1, true, Encoding::Signed), &data);
        assert_eq!(o.pcm_md5, Some(md5(&flac_form(&values, 6))));
    }

    #[test]
    fn pieces_of_any_size_give_the_same_digest() {
        let data: Vec<u8> = (0..6 * 1000 + 5).map(|i| (i * 7 + i / 13) as u8).collect();
        for l in [
            layout(3, 24, 2, true, Encoding::Signed),
            layout(2, 16, 3, false, Encoding::Signed),
            layout(4, 20, 1, false, Encoding::Signed),
            layout(1, 8, 2, false, Encoding::Unsigned),
        ] {
            let l = PcmLayout {
                len: data.len() as u64,
                md5_chunk: Some([1; 16]),
                ..l
            };
            let whole = verify_bytes(&data, &l);
            for step in [1, 2, 5, 4095, 65536 + 3] {
                let mut pass = Pass::new(&l);
                for piece in data.chunks(step) {
                    pass.feed(piece);
                }
                assert_eq!(pass.finish(), whole, "pieces of {step}");
            }
            let frame = l.frame_bytes as u64;
            assert_eq!(whole.decoded_samples, Some(data.len() as u64 / frame));
            // The partial last frame is not hashed.
            let cut = data.len() - data.len() % frame as usize;
            assert_eq!(whole.pcm_md5, run(&l, &data[..cut]).pcm_md5);
        }
    }

    #[test]
    fn floats_are_counted_without_a_digest() {
        let o = run(&layout(4, 32, 2, false, Encoding::Other), &[0; 80]);
        assert_eq!(o.pcm_md5, None);
        assert_eq!(o.decoded_samples, Some(10));
        // A block align that is not channels x sample bytes: no digest.
        let l = PcmLayout {
            frame_bytes: 8,
            ..layout(3, 24, 2, false, Encoding::Signed)
        };
        let o = run(&l, &[0; 80]);
        assert_eq!((o.pcm_md5, o.decoded_samples), (None, Some(10)));
    }

    #[test]
    fn bwf_md5_chunk_is_checked() {
        let data: Vec<u8> = (0..4002u32).map(|i| (i % 253) as u8).collect();
        let digest = md5(&data);
        let mut reversed = digest;
        reversed.reverse();
        for l in [
            layout(2, 16, 2, false, Encoding::Signed),
            layout(2, 16, 2, true, Encoding::Signed),
            layout(4, 32, 1, false, Encoding::Other),
        ] {
            for (stored, ok) in [(reversed, true), (digest, true), ([7; 16], false)] {
                let l = PcmLayout {
                    md5_chunk: Some(stored),
                    ..l
                };
                let o = run(&l, &data);
                assert!(o.findings.warnings.is_empty());
                if ok {
                    assert!(o.findings.errors.is_empty(), "{:?}", o.findings);
                } else {
                    let e = &o.findings.errors[0];
                    assert_eq!(e.code, Code::Md5Mismatch);
                    assert!(e.message.contains("BWF MD5 chunk"), "{}", e.message);
                    assert!(e.message.contains(&hex(&digest)), "{}", e.message);
                    assert!(e.message.contains(&"07".repeat(16)), "{}", e.message);
                }
            }
        }
        // Whole frames on the fast path: the pcm digest serves the check.
        let l = PcmLayout {
            md5_chunk: Some([7; 16]),
            ..layout(2, 16, 2, false, Encoding::Signed)
        };
        let o = run(&l, &data[..4000]);
        assert_eq!(o.findings.errors[0].code, Code::Md5Mismatch);
        let l = PcmLayout {
            md5_chunk: Some(md5(&data[..4000])),
            ..l
        };
        assert!(run(&l, &data[..4000]).findings.errors.is_empty());
        // All zeros: unset. A chunk the file does not hold whole: not checked.
        let l = PcmLayout {
            md5_chunk: Some([0; 16]),
            ..l
        };
        let o = run(&l, &data);
        assert_eq!(o.findings.warnings[0].code, Code::Md5Unset);
        assert!(o.findings.errors.is_empty());
        let l = PcmLayout {
            md5_chunk: Some([7; 16]),
            complete: false,
            ..l
        };
        assert_eq!(run(&l, &data).findings, Findings::default());
    }

    #[test]
    fn one_pass_over_a_mapped_file_matches_the_bytes_in_memory() {
        // Larger than a release step of the pass, with 6-byte frames that
        // straddle its boundaries.
        let len = (9 << 20) + 12_345;
        let bytes: Vec<u8> = (0..len as u64)
            .map(|i| (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as u8)
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.aiff");
        std::fs::write(&path, &bytes).unwrap();
        let source = Source::open(&path).unwrap();
        let l = PcmLayout {
            offset: 1001,
            len: len as u64 - 1001 - 7,
            md5_chunk: Some([3; 16]),
            ..layout(3, 24, 2, true, Encoding::Signed)
        };
        let (outcome, digests) = verify(&source, &l, Hashes::BOTH, None);
        assert_eq!(outcome, verify_bytes(&bytes, &l));
        assert_eq!(digests, Some(crate::checksum::digest(&bytes, Hashes::BOTH)));
        assert_eq!(outcome.decoded_samples, Some(l.len / 6));
        assert_eq!(outcome.findings.errors[0].code, Code::Md5Mismatch);
        let (_, none) = verify(&source, &l, Hashes::NONE, None);
        assert_eq!(none, Some(Digests::default()));
    }

    #[test]
    fn damaged_fixtures_verify_without_panicking() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !matches!(ext, "wav" | "aiff" | "aifc") {
                continue;
            }
            let whole = std::fs::read(&path).unwrap();
            let mut variants: Vec<Vec<u8>> =
                (0..whole.len()).map(|n| whole[..n].to_vec()).collect();
            for at in (4..whole.len().min(120)).step_by(3) {
                let mut v = whole.clone();
                v[at] ^= 0xA5;
                variants.push(v);
            }
            for v in variants {
                let probe = crate::formats::probe(&v, Some(ext));
                if probe.layout.is_some() {
                    seen += 1;
                    let _ = crate::formats::verify::verify_bytes(&v, &probe);
                }
            }
        }
        assert!(seen > 10_000, "{seen}");
    }

    #[test]
    fn hostile_layouts_do_not_panic() {
        let data = [0x55u8; 100];
        for bytes in [0, 1, 3, 8, 9, 1000] {
            for valid in [0, 1, 7, 24, 64, 65, 10_000] {
                for frame in [0, 1, 3, 6, 64, u32::MAX] {
                    let l = PcmLayout {
                        offset: 7,
                        len: u64::MAX,
                        frame_bytes: frame,
                        channels: 2,
                        sample_bytes: bytes,
                        valid_bits: valid,
                        big_endian: true,
                        encoding: Encoding::Unsigned,
                        md5_chunk: Some([1; 16]),
                        complete: true,
                    };
                    let _ = verify_bytes(&data, &l);
                    let _ = verify_bytes(&data, &PcmLayout { offset: 1000, ..l });
                }
            }
        }
    }
}
