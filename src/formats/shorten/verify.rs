//! `--verify` for Shorten: every block decoded (predictors, means, bit
//! shifts), the decoded count held against the probe's, `pcmMd5` over the
//! samples (FLAC's convention), and the samples handed to `--qc`. Shorten
//! has no checksum of its own: a damaged stream shows as a command or a
//! value the format does not allow, or as a stream that ends before `QUIT`.

use super::ShortenLayout;
use super::decoder::{self, Stop};
use crate::formats::{Outcome, Probe};
use crate::qc::Analysis;
use crate::record::{Code, Method};
use md5::Digest;

/// Decode the stream `layout` places in `bytes`.
pub fn verify_with(
    bytes: &[u8],
    layout: &ShortenLayout,
    probe: &Probe,
    reached: &mut dyn FnMut(u64),
    mut qc: Option<&mut Analysis>,
) -> Outcome {
    let mut out = crate::formats::decode::structure();
    let from = usize::try_from(layout.start + 4).unwrap_or(usize::MAX);
    let to = usize::try_from(layout.end)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    let Some(stream) = bytes.get(from..to.max(from)) else {
        out.findings
            .error(Code::TruncatedData, "the Shorten stream is not in the file");
        return out;
    };
    let bits = layout.bits.clamp(1, 32);
    let mut md5 = md5::Md5::new();
    let mut scratch: Vec<u8> = Vec::new();
    // Unsigned types, made signed (FLAC's convention, and the analysis's).
    let mut signed: Vec<Vec<i32>> = Vec::new();
    let width = bits.div_ceil(8) as usize;
    let result = decoder::run(stream, true, |planes, n| {
        // FLAC's MD5 convention: interleaved, little-endian, ceil(bits/8)
        // bytes of each sample.
        let planes: Vec<&[i32]> = if layout.bias == 0 {
            planes.to_vec()
        } else {
            signed.resize(planes.len(), Vec::new());
            for (s, p) in signed.iter_mut().zip(planes) {
                s.clear();
                s.extend(p.iter().map(|&v| v.wrapping_sub(layout.bias)));
            }
            signed.iter().map(|s| &s[..]).collect()
        };
        scratch.clear();
        for i in 0..n {
            for p in &planes {
                scratch.extend_from_slice(&p[i].to_le_bytes()[..width]);
            }
        }
        md5.update(&scratch);
        if let Some(qc) = qc.as_deref_mut() {
            qc.push_int(&planes, bits);
        }
    });
    reached(layout.end);
    let (_, sum) = match result {
        Ok(r) => r,
        Err(why) => {
            out.findings.error(
                Code::InvalidHeader,
                format!("the Shorten header cannot be read: {why:?}"),
            );
            return out;
        }
    };
    out.method = Method::Decoded;
    out.frames = sum.blocks;
    match sum.stop {
        Some(Stop::Truncated) => {
            out.findings.error(
                Code::TruncatedData,
                format!(
                    "the stream ends before its QUIT command: {} sample frames decode",
                    sum.samples
                ),
            );
            out.bad_frames = 1;
        }
        Some(Stop::Corrupt(why)) => {
            out.findings.error(
                Code::DecodeError,
                format!(
                    "the stream is corrupt at offset {} ({why}): {} sample frames decode before it",
                    layout.start + 4 + sum.stop_bit / 8,
                    sum.samples
                ),
            );
            out.bad_frames = 1;
        }
        None => {
            out.exact = true;
            out.pcm_md5 = Some(md5.finalize().into());
            if probe.total_samples.is_some_and(|n| n != sum.samples) {
                out.findings.error(
                    Code::SampleCountMismatch,
                    format!(
                        "the walk counted {} sample frames, decoding gives {}",
                        probe.total_samples.unwrap_or(0),
                        sum.samples
                    ),
                );
            }
        }
    }
    out.decoded_samples = Some(sum.samples);
    out
}
