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
use crate::formats::flac::decoder::{Decoder, Frame, FrameError, Sample, Samples};
use crate::formats::flac::{FrameHeader, StreamInfo, StreamLayout, parse_frame_header};
use crate::formats::{Budget, Outcome};
use crate::io::reader::Bytes;
use crate::qc::Analysis;
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
    /// The offsets of the first [`LISTED`] occurrences.
    at: Vec<usize>,
}

/// Offsets listed per kind of finding; the count covers the rest.
const LISTED: usize = 10;

impl Tally {
    fn add(&mut self, pos: usize, what: impl FnOnce() -> String) {
        self.count += 1;
        if self.at.len() < LISTED {
            self.at.push(pos);
        }
        if self.first.is_none() {
            self.first = Some(what());
        }
    }

    /// `kind` in the singular and the plural.
    fn message(&self, kind: (&str, &str)) -> Option<String> {
        let first = self.first.as_ref()?;
        if self.count == 1 {
            return Some(format!("{}: {first}", kind.0));
        }
        let listed: Vec<String> = self.at.iter().map(|a| a.to_string()).collect();
        let more = self.count - self.at.len() as u64;
        let rest = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        Some(format!(
            "{} {}, at offsets {}{rest}; the first: {first}",
            self.count,
            kind.1,
            listed.join(", ")
        ))
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
    /// Samples in frames whose header was sound but whose audio did not
    /// decode: counted as there, but lost.
    broken_samples: u64,
    /// Why the walk stopped before the end, when the work budget ran out.
    stopped: Option<String>,
    /// The frame or sample number expected next.
    next_number: Option<u64>,
    previous: Option<(u32, Option<u32>, u32)>,
    /// A frame shorter than the minimum block size is fine only if it is
    /// the last.
    short: Option<(usize, String)>,
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
            self.numbering.add(pos, || {
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
                self.block_size.add(pos, || {
                    format!(
                        "the frame at offset {pos} has {} samples, STREAMINFO's maximum block size is {}",
                        h.block_size, si.max_block
                    )
                });
            } else if h.block_size < si.min_block.max(16) {
                self.short = Some((
                    pos,
                    format!(
                        "the frame at offset {pos} has {} samples, STREAMINFO's minimum block size is {} (only the last frame may be shorter)",
                        h.block_size, si.min_block
                    ),
                ));
            }
            // A frame that fails its CRC has no trustworthy length.
            let len = frame.len as u64;
            if !frame.crc_ok {
            } else if si.max_frame > 0 && len > u64::from(si.max_frame) {
                self.frame_size.add(pos, || {
                    format!(
                        "the frame at offset {pos} is {len} bytes, STREAMINFO's maximum frame size is {}",
                        si.max_frame
                    )
                });
            } else if si.min_frame > 0 && len < u64::from(si.min_frame) {
                self.frame_size.add(pos, || {
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
        if let Some(m) = self
            .lost
            .message(("stretch of lost sync", "stretches of lost sync"))
        {
            f.error(Code::DecodeError, m);
        }
        if let Some(m) = self
            .broken
            .message(("frame that does not decode", "frames that do not decode"))
        {
            f.error(Code::DecodeError, m);
        }
        if let Some(m) = self.crc.message(("CRC-16 mismatch", "CRC-16 mismatches")) {
            f.error(Code::FrameCrcMismatch, m);
        }
        if let Some(m) = self
            .block_size
            .message(("block size violation", "block size violations"))
        {
            f.error(Code::InconsistentStream, m);
        }
        if let Some(m) = self
            .frame_size
            .message(("frame size violation", "frame size violations"))
        {
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
        if let Some(m) = self
            .numbering
            .message(("numbering break", "numbering breaks"))
        {
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
        if let Some(why) = self.stopped.clone() {
            // Nothing about the whole stream can be said.
            f.error(Code::NotVerified, why);
            out.decoded_samples = None;
            out.exact = false;
            return;
        }
        let damaged = self.damaged();
        if let Some(si) = info {
            if si.total > 0 && decoded != si.total {
                if decoded < si.total && self.truncated.is_some() {
                    // Reported as truncated_data above.
                } else if decoded.saturating_add(self.broken_samples) == si.total {
                    // The missing samples are those of the frames reported
                    // as not decoding.
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

/// Decode and check every frame of the FLAC stream in `bytes`, within the
/// default [`Budget`].
pub fn verify(bytes: &[u8], layout: &StreamLayout) -> Outcome {
    verify_with(bytes, layout, Budget::default(), &mut |_| {}, None)
}

/// Decode and check every frame of the FLAC stream in `bytes`, decoding at
/// most what `budget` allows, and tell `reached` after each frame how far
/// the walk has gone (so the file digests follow it in the same pass);
/// each decoded frame goes to `qc` as well.
pub fn verify_with(
    bytes: &[u8],
    layout: &StreamLayout,
    budget: Budget,
    reached: &mut dyn FnMut(u64),
    mut qc: Option<&mut Analysis>,
) -> Outcome {
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
    let mut lookahead = end;
    let coded = end.saturating_sub(pos) as u64;
    let allowance = budget.allowance(coded);
    let mut spent = 0u64;

    while pos < end {
        reached(pos as u64);
        let Some(h) = parse_frame_header(Bytes::full(stream), pos as u64) else {
            match next_header(stream, pos + 1, None, &mut lookahead) {
                Some(next) => {
                    c.lost.add(pos, || {
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
        if let Some((at, s)) = c.short.take() {
            c.block_size.add(at, || s);
        }
        spent = spent.saturating_add(
            u64::from(h.block_size)
                * u64::from(h.channels)
                * u64::from(h.bits.or(info.map(|si| si.bits)).unwrap_or(32).div_ceil(8)),
        );
        if spent > allowance {
            c.stopped = Some(format!(
                "verification stopped at offset {pos} after {decoded} samples: the stream \
                 declares more than {allowance} bytes of decoded audio for {coded} bytes of \
                 audio data ({} per byte), far beyond any real recording, and the rest was not \
                 checked; raise the limit with --verify-budget if the file is genuine",
                budget.ratio
            ));
            break;
        }
        match decoder.decode(&stream[pos..], &h, info.map(|si| si.bits)) {
            Ok(frame) => {
                out.frames += 1;
                decoded += u64::from(h.block_size);
                if !frame.crc_ok {
                    out.bad_frames += 1;
                    c.crc.add(pos, || {
                        format!("frame at offset {pos} ({} bytes)", frame.len)
                    });
                }
                c.frame(pos, &h, &frame, info, by_sample);
                feed(&decoder, &mut md5, &mut pcm);
                // A frame that fails its CRC decoded to values nobody
                // wrote: it is not analysed.
                if frame.crc_ok
                    && let Some(qc) = qc.as_deref_mut()
                {
                    analyse(&decoder, qc);
                }
                if frame.crc_ok
                    || parse_frame_header(Bytes::full(stream), (pos + frame.len) as u64).is_some()
                {
                    pos += frame.len;
                } else {
                    // Damage changed how the frame decoded, so its length
                    // is unknown: resume at the next header, preferring the
                    // one that continues the numbering.
                    let want = c.next_number.map(|n| (n, h.variable || by_sample));
                    match next_header(stream, pos + h.len as usize, want, &mut lookahead) {
                        Some(next) => pos = next,
                        None => break,
                    }
                }
            }
            Err(FrameError::Truncated)
                if next_header(stream, pos + h.len as usize, None, &mut lookahead).is_none() =>
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
                c.broken
                    .add(pos, || format!("frame at offset {pos}: {why}"));
                c.broken_samples = c.broken_samples.saturating_add(u64::from(h.block_size));
                // The header was sound (its CRC-8 matched), so the frame
                // after the damaged one carries the number after it.
                let sample_numbered = h.variable || by_sample;
                c.next_number = Some(if sample_numbered {
                    h.number.saturating_add(u64::from(h.block_size))
                } else {
                    h.number.saturating_add(1)
                });
                // Skip the damaged frame: resume at the next valid header.
                let want = c.next_number.map(|n| (n, sample_numbered));
                match next_header(stream, pos + h.len as usize, want, &mut lookahead) {
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
///
/// The look past the first candidate draws on `lookahead`, a budget the
/// whole walk shares (the stream's length): however many frames are
/// damaged, resynchronisation reads each byte a bounded number of times.
fn next_header(
    stream: &[u8],
    from: usize,
    want: Option<(u64, bool)>,
    lookahead: &mut usize,
) -> Option<usize> {
    let stop = stream.len().min(from.saturating_add(RESYNC_WINDOW));
    let window = stream.get(from..stop)?;
    let mut first: Option<usize> = None;
    // How far the search may go: the whole window until a first candidate
    // is found, then at most LOOKAHEAD (and what is left of the walk's
    // budget) past it.
    let mut limit = window.len();
    let mut i = 0;
    let found = loop {
        if i + 1 >= limit {
            break None;
        }
        let Some(rel) = memchr_ff(&window[i..limit]) else {
            break None;
        };
        let at = rel + i;
        if at + 1 < window.len()
            && window[at + 1] & 0xFE == 0xF8
            && let Some(h) = parse_frame_header(Bytes::full(stream), (from + at) as u64)
        {
            match want {
                None => break Some(at),
                Some((n, _)) if h.number == n => break Some(at),
                Some(_) if first.is_none() => {
                    first = Some(at);
                    let reach = LOOKAHEAD.min(*lookahead);
                    limit = limit.min(at.saturating_add(1).saturating_add(reach));
                }
                Some(_) => {}
            }
        }
        i = at + 1;
    };
    #[cfg(test)]
    tests::SCANNED.with(|n| n.set(n.get() + found.unwrap_or(i.min(limit)) as u64));
    // Charge the walk's budget for the bytes read past the first candidate.
    if let Some(f) = first {
        let reached = found.unwrap_or(limit.min(window.len()));
        *lookahead = lookahead.saturating_sub(reached.saturating_sub(f));
    }
    found.or(first).map(|at| from + at)
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

/// Hand the last frame's samples to a QC analysis, one slice per channel.
fn analyse(d: &Decoder, qc: &mut Analysis) {
    let block = d.block().max(1);
    match d.samples() {
        Samples::Narrow(s) => {
            let planes: Vec<&[i32]> = s.chunks_exact(block).take(d.channels()).collect();
            qc.push_int(&planes, d.bits());
        }
        Samples::Wide(s) => {
            let planes: Vec<&[i64]> = s.chunks_exact(block).take(d.channels()).collect();
            qc.push_wide(&planes, d.bits());
        }
    }
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

#[cfg(test)]
#[path = "../../../tests/flacgen.rs"]
mod flacgen;

#[cfg(test)]
mod tests {
    //! FLAC streams built bit by bit: clean, damaged in many frames, damaged
    //! at the very end, full of false sync codes, and declaring hours of
    //! audio in a few bytes.

    use super::flacgen::{self, STEREO, Shape, build, frame};
    use super::*;
    use crate::formats::{Layout, Probe};
    use std::cell::Cell;

    thread_local! {
        /// Bytes examined by `next_header` on this thread.
        pub(super) static SCANNED: Cell<u64> = const { Cell::new(0) };
    }

    fn probe(bytes: &[u8]) -> Probe {
        crate::formats::flac::probe(bytes, 0)
    }

    fn run(bytes: &[u8], budget: Budget) -> Outcome {
        let p = probe(bytes);
        let Some(Layout::Flac(layout)) = &p.layout else {
            panic!("not probed as FLAC: {:?}", p.findings);
        };
        verify_with(bytes, layout, budget, &mut |_| {}, None)
    }

    fn codes(out: &Outcome) -> Vec<&'static str> {
        let f = &out.findings;
        f.errors
            .iter()
            .chain(&f.warnings)
            .map(|i| i.code.as_str())
            .collect()
    }

    #[test]
    fn a_built_stream_verifies_clean() {
        let (bytes, _) = build(STEREO);
        assert!(bytes.len() > 200_000);
        let out = run(&bytes, Budget::default());
        assert_eq!(codes(&out), Vec::<&str>::new(), "{:?}", out.findings);
        assert_eq!(out.decoded_samples, Some(64_000));
        assert_eq!(out.frames, 1000);
        assert!(out.exact && out.pcm_md5.is_some());
    }

    #[test]
    fn every_damaged_frame_is_reported_and_numbering_stays_intact() {
        let (mut bytes, subframes) = build(STEREO);
        let damaged: Vec<usize> = (0..1000).step_by(7).collect();
        for &n in &damaged {
            // Subframe type 000010 is reserved: the frame cannot decode.
            bytes[subframes[n]] = 0x04;
        }
        let out = run(&bytes, Budget::default());
        assert_eq!(out.bad_frames, damaged.len() as u64);
        assert_eq!(out.frames, 1000 - damaged.len() as u64);
        let errors = &out.findings.errors;
        let broken = errors
            .iter()
            .find(|i| i.message.contains("frames that do not decode"))
            .unwrap_or_else(|| panic!("damaged frames reported: {errors:?}"));
        assert!(
            broken
                .message
                .starts_with(&format!("{} frames that do not decode", damaged.len())),
            "{}",
            broken.message
        );
        // Frame 0's 8-byte header starts 8 bytes before its subframe.
        let listed = format!("at offsets {}, {}", subframes[0] - 8, subframes[7] - 8);
        assert!(broken.message.contains(&listed), "{}", broken.message);
        assert!(
            !errors.iter().any(|i| i.message.contains("numbering")),
            "a damaged frame is not a numbering break: {errors:?}"
        );
        assert!(!out.exact && out.pcm_md5.is_none());
    }

    #[test]
    fn damage_in_the_last_64_kib_does_not_stop_the_walk() {
        let (mut bytes, subframes) = build(STEREO);
        // Frame 995 is well inside the last 64 KiB; 996..999 follow it.
        assert!(bytes.len() - subframes[995] < 64 << 10);
        bytes[subframes[995]] = 0x04;
        let out = run(&bytes, Budget::default());
        assert_eq!(out.bad_frames, 1);
        assert_eq!(out.frames, 999, "the frames after the damage are decoded");
        assert!(!out.findings.has_error(Code::TruncatedData));
    }

    #[test]
    fn resynchronisation_reads_each_byte_a_bounded_number_of_times() {
        // 512 KiB of frames that all claim number 0 and do not decode: after
        // each, the frame that continues the numbering is searched for and
        // never found. Searching 64 KiB past every one was quadratic.
        let shape = Shape {
            frames: 2000,
            ..STEREO
        };
        let (mut bytes, subframes) = build(shape);
        let one = frame(shape, 0).0;
        let start = subframes[0] - 8;
        let mut at = start;
        while at + one.len() < start + (512 << 10) {
            bytes[at..at + one.len()].copy_from_slice(&one);
            bytes[at + 8] = 0x04;
            at += one.len();
        }
        SCANNED.with(|n| n.set(0));
        let out = run(&bytes, Budget::default());
        let scanned = SCANNED.with(|n| n.get());
        assert!(out.bad_frames > 1000, "{}", out.bad_frames);
        assert!(
            scanned <= 3 * bytes.len() as u64,
            "resynchronisation read {scanned} bytes of a {}-byte stream",
            bytes.len()
        );
    }

    #[test]
    fn a_stream_declaring_hours_in_a_few_bytes_is_not_verified() {
        // 8 channels of 32-bit constant subframes, 65,535 samples a frame:
        // 52 bytes declare 2 MiB of audio, 10 KB declare 400 MiB.
        let (bytes, _) = build(flacgen::IMPLAUSIBLE);
        assert!(bytes.len() < 12_000, "{}", bytes.len());
        let p = probe(&bytes);
        assert!(
            p.findings
                .warnings
                .iter()
                .any(|i| i.code == Code::ImplausibleCompression),
            "{:?}",
            p.findings
        );
        let out = run(&bytes, Budget::default());
        let stop = out
            .findings
            .errors
            .iter()
            .find(|i| i.code == Code::NotVerified)
            .expect("not_verified");
        assert!(stop.message.contains("--verify-budget"), "{}", stop.message);
        assert_eq!(out.decoded_samples, None);
        assert!(!out.exact && out.pcm_md5.is_none());
        // Within the budget, work stopped at the allowance.
        assert!(out.frames * 65_535 * 8 * 4 <= Budget::default().allowance(bytes.len() as u64));
        // A raised budget checks it whole, and it is sound.
        let whole = run(&bytes, Budget::UNLIMITED);
        assert_eq!(
            codes(&whole),
            vec!["implausible_compression"; 0],
            "{:?}",
            whole.findings
        );
        assert_eq!(whole.decoded_samples, Some(200 * 65_535));
    }

    #[test]
    fn silence_of_a_real_length_is_within_the_default_budget() {
        // Ten minutes of 24-bit stereo digital silence in 4,096-sample
        // constant frames: the most compressible real audio.
        let shape = Shape {
            frames: 44_100 * 600 / 4096,
            block: 4096,
            channels: 2,
            bits: 24,
            constant: true,
        };
        let (bytes, _) = build(shape);
        let p = probe(&bytes);
        assert!(p.findings.warnings.is_empty(), "{:?}", p.findings);
        let out = run(&bytes, Budget::default());
        assert!(out.findings.errors.is_empty(), "{:?}", out.findings);
        assert!(out.exact);
    }
}
