//! Verification of native FLAC streams: every frame decoded and checked.
//!
//! The stream is walked frame by frame from where the metadata ends, with
//! ddexprobe's own decoder ([`crate::formats::flac::decoder`]), which reports each
//! frame's length. Checked for every frame:
//!
//! * the header: sync code, reserved bits, CRC-8 (a header that fails any of
//!   them is lost sync: the bytes up to the next valid header are reported
//!   as `decode_error`);
//! * against STREAMINFO: block size within min/max (the last frame may be
//!   shorter), frame size within min/max, and channels, bit depth and rate
//!   (a change against the previous frame is `stream_parameters_change`;
//!   the first frame against STREAMINFO is checked by the header probe);
//! * the frame or sample number continues the previous frame's;
//! * the subframes decode, and the CRC-16 matches.
//!
//! At the end the decoded sample count is compared with STREAMINFO's total
//! and the MD5 of the decoded audio with the STREAMINFO signature.

use crate::checksum::hex;
use crate::formats::Outcome;
use crate::formats::flac::decoder::{Decoder, Frame, FrameError, Sample, Samples};
use crate::formats::flac::{FrameHeader, StreamInfo, StreamLayout, parse_frame_header};
use crate::io::reader::Bytes;
use crate::record::Code;
use crate::record::Method;
use md5::{Digest, Md5};

/// How far past damage the next frame header is searched for.
const RESYNC_WINDOW: usize = 16 << 20;
/// How far past the first candidate header a header that continues the
/// numbering is looked for.
const LOOKAHEAD: usize = 64 << 10;

/// The first occurrence of a kind of problem and how often it occurred.
#[derive(Default)]
struct Tally {
    count: u64,
    first: Option<String>,
}

impl Tally {
    fn add(&mut self, what: impl FnOnce() -> String) {
        self.count += 1;
        if self.first.is_none() {
            self.first = Some(what());
        }
    }

    fn message(&self, kind: &str) -> Option<String> {
        let first = self.first.as_ref()?;
        Some(if self.count == 1 {
            format!("{kind}: {first}")
        } else {
            format!("{} {kind}s, the first: {first}", self.count)
        })
    }
}

/// What the frames showed, kept as the walk goes and reported at its end.
#[derive(Default)]
struct Checks {
    lost: Tally,
    crc: Tally,
    broken: Tally,
    block_size: Tally,
    frame_size: Tally,
    numbering: Tally,
    changes: Vec<String>,
    truncated: Option<String>,
    trailing: Option<usize>,
    /// The frame or sample number expected next.
    next_number: Option<u64>,
    previous: Option<(u32, Option<u32>, u32)>,
    /// A frame shorter than the minimum block size is fine only if it is
    /// the last.
    short: Option<String>,
}

impl Checks {
    /// A frame that decoded: its numbering, its sizes against STREAMINFO and
    /// its parameters against the previous frame's.
    fn frame(
        &mut self,
        pos: usize,
        h: &FrameHeader,
        frame: &Frame,
        info: Option<StreamInfo>,
        by_sample: bool,
    ) {
        let sample_numbered = h.variable || by_sample;
        let number = h.number;
        if let Some(want) = self.next_number
            && number != want
        {
            self.numbering.add(|| {
                format!(
                    "the frame at offset {pos} has {} number {number}, {want} expected: frames are missing, repeated or out of order",
                    if sample_numbered { "sample" } else { "frame" }
                )
            });
        }
        self.next_number = Some(if sample_numbered {
            number.saturating_add(u64::from(h.block_size))
        } else {
            number.saturating_add(1)
        });
        if let Some(si) = info {
            if h.block_size > si.max_block {
                self.block_size.add(|| {
                    format!(
                        "the frame at offset {pos} has {} samples, STREAMINFO's maximum block size is {}",
                        h.block_size, si.max_block
                    )
                });
            } else if h.block_size < si.min_block.max(16) {
                self.short = Some(format!(
                    "the frame at offset {pos} has {} samples, STREAMINFO's minimum block size is {} (only the last frame may be shorter)",
                    h.block_size, si.min_block
                ));
            }
            // A frame that fails its CRC has no trustworthy length.
            let len = frame.len as u64;
            if !frame.crc_ok {
            } else if si.max_frame > 0 && len > u64::from(si.max_frame) {
                self.frame_size.add(|| {
                    format!(
                        "the frame at offset {pos} is {len} bytes, STREAMINFO's maximum frame size is {}",
                        si.max_frame
                    )
                });
            } else if si.min_frame > 0 && len < u64::from(si.min_frame) {
                self.frame_size.add(|| {
                    format!(
                        "the frame at offset {pos} is {len} bytes, STREAMINFO's minimum frame size is {}",
                        si.min_frame
                    )
                });
            }
        }
        let params = (h.channels, h.rate, frame.bits);
        if let Some(prev) = self.previous
            && prev != params
        {
            let what = describe_change(prev, params);
            if self.changes.len() < 8 && !self.changes.contains(&what) {
                self.changes.push(what);
            }
        }
        self.previous = Some(params);
    }

    /// Whether the audio cannot be trusted whole.
    fn damaged(&self) -> bool {
        self.lost.count + self.broken.count + self.numbering.count > 0 || self.truncated.is_some()
    }

    /// The findings, the decoded count and the MD5 against STREAMINFO.
    fn report(&self, out: &mut Outcome, info: Option<StreamInfo>, decoded: u64, digest: [u8; 16]) {
        let f = &mut out.findings;
        if let Some(m) = self.lost.message("stretch of lost sync") {
            f.error(Code::DecodeError, m);
        }
        if let Some(m) = self.broken.message("frame that does not decode") {
            f.error(Code::DecodeError, m);
        }
        if let Some(m) = self.crc.message("CRC-16 mismatch") {
            f.error(Code::FrameCrcMismatch, m);
        }
        if let Some(m) = self.block_size.message("block size violation") {
            f.error(Code::InconsistentStream, m);
        }
        if let Some(m) = self.frame_size.message("frame size violation") {
            if self.changes.is_empty() {
                f.error(Code::InconsistentStream, m);
            } else {
                // One STREAMINFO cannot describe the frame sizes of a stream
                // whose parameters change: the sizes are its first part's.
                f.warn(
                    Code::InconsistentHeader,
                    format!(
                        "{m} (the stream changes parameters, STREAMINFO describes only part of it)"
                    ),
                );
            }
        }
        if let Some(m) = self.numbering.message("numbering break") {
            f.error(Code::InconsistentStream, m);
        }
        if !self.changes.is_empty() {
            f.warn(
                Code::StreamParametersChange,
                format!("the stream changes parameters: {}", self.changes.join(", ")),
            );
        }
        if let Some(m) = self.truncated.clone() {
            f.error(Code::TruncatedData, m);
        }
        if let Some(n) = self.trailing {
            f.warn(
                Code::TrailingData,
                format!("{n} bytes after the last frame are not FLAC frames"),
            );
        }
        let damaged = self.damaged();
        if let Some(si) = info {
            if si.total > 0 && decoded != si.total {
                if decoded < si.total && self.truncated.is_some() {
                    // Reported as truncated_data above.
                } else {
                    f.error(
                        Code::SampleCountMismatch,
                        format!(
                            "{decoded} samples decoded, STREAMINFO declares {}",
                            si.total
                        ),
                    );
                }
            }
            if si.md5 == [0; 16] {
                f.warn(
                    Code::Md5Unset,
                    "STREAMINFO MD5 signature is unset (all zeros): the decoded audio cannot be checked against it",
                );
            } else if digest != si.md5 && !damaged {
                f.error(
                    Code::Md5Mismatch,
                    format!(
                        "the decoded audio's MD5 is {}, STREAMINFO says {}",
                        hex(&digest),
                        hex(&si.md5)
                    ),
                );
            }
        }
        out.decoded_samples = Some(decoded);
        out.exact = !damaged;
        if !damaged && out.bad_frames == 0 {
            out.pcm_md5 = Some(digest);
        }
    }
}

/// Decode and check every frame of the FLAC stream in `bytes`.
pub fn verify(bytes: &[u8], layout: &StreamLayout) -> Outcome {
    let end = (layout.end as usize).min(bytes.len());
    let stream = &bytes[..end];
    let info = layout.info;
    let by_sample = info.is_some_and(|si| si.min_block != si.max_block);

    let mut out = Outcome {
        method: Method::Decoded,
        ..Outcome::default()
    };
    let mut decoder = Decoder::new();
    let mut md5 = Md5::new();
    let mut pcm = Vec::new();
    let mut c = Checks::default();
    let mut decoded = 0u64;
    let mut pos = (layout.audio_start as usize).min(end);

    while pos < end {
        let Some(h) = parse_frame_header(Bytes::full(stream), pos as u64) else {
            match next_header(stream, pos + 1, None) {
                Some(next) => {
                    c.lost.add(|| {
                        format!("{} bytes at offset {pos} are not a valid frame", next - pos)
                    });
                    pos = next;
                    continue;
                }
                None => {
                    // Nothing decodable up to the end: bytes after the stream.
                    c.trailing = Some(end - pos);
                    break;
                }
            }
        };
        if let Some(s) = c.short.take() {
            c.block_size.add(|| s);
        }
        match decoder.decode(&stream[pos..], &h, info.map(|si| si.bits)) {
            Ok(frame) => {
                out.frames += 1;
                decoded += u64::from(h.block_size);
                if !frame.crc_ok {
                    out.bad_frames += 1;
                    c.crc
                        .add(|| format!("frame at offset {pos} ({} bytes)", frame.len));
                }
                c.frame(pos, &h, &frame, info, by_sample);
                feed(&decoder, &mut md5, &mut pcm);
                if frame.crc_ok
                    || parse_frame_header(Bytes::full(stream), (pos + frame.len) as u64).is_some()
                {
                    pos += frame.len;
                } else {
                    // Damage changed how the frame decoded, so its length
                    // is unknown: resume at the next header, preferring the
                    // one that continues the numbering.
                    let want = c.next_number.map(|n| (n, h.variable || by_sample));
                    match next_header(stream, pos + h.len as usize, want) {
                        Some(next) => pos = next,
                        None => break,
                    }
                }
            }
            Err(FrameError::Truncated)
                if next_header(stream, pos + h.len as usize, None).is_none() =>
            {
                c.truncated = Some(format!(
                    "the file ends inside the frame at offset {pos} ({} samples from sample {decoded})",
                    h.block_size
                ));
                break;
            }
            Err(e) => {
                out.bad_frames += 1;
                let why = match e {
                    FrameError::Invalid(why) => why,
                    FrameError::Truncated => "its subframes run past the next frame",
                };
                c.broken.add(|| format!("frame at offset {pos}: {why}"));
                // Skip the damaged frame: resume at the next valid header.
                let want = c.next_number.map(|n| (n, h.variable || by_sample));
                match next_header(stream, pos + h.len as usize, want) {
                    Some(next) => pos = next,
                    None => break,
                }
            }
        }
    }
    let digest: [u8; 16] = md5.finalize().into();
    c.report(&mut out, info, decoded, digest);
    out
}

/// The offset of the next valid frame header at or after `from`. With
/// `want` (a frame or sample number, and which of the two it is), the first
/// header carrying that number is preferred: after damage it is the frame
/// that continues the stream, not a sync pattern inside the damaged audio.
fn next_header(stream: &[u8], from: usize, want: Option<(u64, bool)>) -> Option<usize> {
    let stop = stream.len().min(from.saturating_add(RESYNC_WINDOW));
    let window = stream.get(from..stop)?;
    let mut first = None;
    let mut i = 0;
    while i + 1 < window.len() {
        let at = memchr_ff(&window[i..])? + i;
        if at + 1 < window.len()
            && window[at + 1] & 0xFE == 0xF8
            && let Some(h) = parse_frame_header(Bytes::full(stream), (from + at) as u64)
        {
            match want {
                None => return Some(from + at),
                Some((n, _)) if h.number == n => return Some(from + at),
                Some(_) => {
                    // A continuing header far past the first candidate is
                    // not coming: take the candidate (bounded, so a file
                    // full of false sync codes costs linear time).
                    if at - *first.get_or_insert(at) > LOOKAHEAD {
                        break;
                    }
                }
            }
        }
        i = at + 1;
    }
    first.map(|at| from + at)
}

fn memchr_ff(s: &[u8]) -> Option<usize> {
    s.iter().position(|&b| b == 0xFF)
}

fn describe_change(a: (u32, Option<u32>, u32), b: (u32, Option<u32>, u32)) -> String {
    let mut parts = Vec::new();
    if a.0 != b.0 {
        parts.push(format!("channels {} -> {}", a.0, b.0));
    }
    if let (Some(x), Some(y)) = (a.1, b.1)
        && x != y
    {
        parts.push(format!("sample rate {x} -> {y}"));
    }
    if a.2 != b.2 {
        parts.push(format!("bit depth {} -> {}", a.2, b.2));
    }
    parts.join(", ")
}

/// Append the last frame's samples to the MD5 in FLAC's convention:
/// interleaved, little-endian, `ceil(bits / 8)` bytes per sample.
fn feed(d: &Decoder, md5: &mut Md5, buf: &mut Vec<u8>) {
    let (block, channels) = (d.block(), d.channels());
    match d.samples() {
        Samples::Narrow(s) => bytes_of(s, block, channels, d.bits(), buf),
        Samples::Wide(s) => bytes_of(s, block, channels, d.bits(), buf),
    }
    md5.update(&buf[..]);
}

fn bytes_of<S: Sample>(s: &[S], block: usize, channels: usize, bits: u32, buf: &mut Vec<u8>) {
    match bits.div_ceil(8) {
        1 => interleave::<S, 1>(s, block, channels, buf),
        2 => interleave::<S, 2>(s, block, channels, buf),
        3 => interleave::<S, 3>(s, block, channels, buf),
        _ => interleave::<S, 4>(s, block, channels, buf),
    }
}

fn interleave<S: Sample, const B: usize>(
    s: &[S],
    block: usize,
    channels: usize,
    buf: &mut Vec<u8>,
) {
    buf.clear();
    buf.resize(block * channels * B, 0);
    if channels == 2 {
        let (l, r) = s.split_at(block);
        for ((dst, a), b) in buf.chunks_exact_mut(2 * B).zip(l).zip(r) {
            dst[..B].copy_from_slice(&a.get().to_le_bytes()[..B]);
            dst[B..].copy_from_slice(&b.get().to_le_bytes()[..B]);
        }
        return;
    }
    for c in 0..channels {
        let channel = &s[c * block..(c + 1) * block];
        for (dst, x) in buf[c * B..].chunks_mut(channels * B).zip(channel) {
            dst[..B].copy_from_slice(&x.get().to_le_bytes()[..B]);
        }
    }
}
