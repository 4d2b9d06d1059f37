//! `--verify` for WavPack: every block walked, structure checked, without
//! decoding.
//!
//! Each block's size must fit the file, its metadata sub-blocks must fill
//! it exactly, the sample index of each initial block must continue the
//! one before, the samples must add up to the first block's total, and
//! WavPack 5's `ID_BLOCK_CHECKSUM` (a checksum of the block's bytes) must
//! match where a block has one. The header's `crc` field covers the
//! decoded samples: it cannot be checked without a WavPack decoder, which
//! ddexprobe does not have, so the method is `structure`.

use super::{Blocks, ID_BLOCK_CHECKSUM, Step, WavPackLayout, sub_blocks};
use crate::formats::Outcome;
use crate::formats::decode::Failures;
use crate::io::reader::Bytes;
use crate::record::Code;

/// WavPack 5's block checksum over `words` (the block's bytes before the
/// checksum sub-block, as little-endian 16-bit words).
fn block_checksum(words: &[u8]) -> u32 {
    words.chunks_exact(2).fold(u32::MAX, |c, w| {
        c.wrapping_mul(3)
            .wrapping_add(u32::from(w[0]))
            .wrapping_add(u32::from(w[1]) << 8)
    })
}

/// Walk every block of `layout` in `bytes`.
pub(crate) fn verify_with(
    bytes: &[u8],
    layout: &WavPackLayout,
    reached: &mut dyn FnMut(u64),
) -> Outcome {
    let all = Bytes::full(bytes);
    let mut out = crate::formats::decode::structure();
    let mut checksums = Failures::default();
    let mut malformed = Failures::default();
    let mut gaps = Failures::default();
    let mut junk = (0u64, None);
    let mut samples = 0u64;
    let mut next_index: Option<u64> = None;
    let mut dsd = false;
    let end = layout.end.min(bytes.len() as u64);
    for step in Blocks::new(all, layout.start, end) {
        let h = match step {
            Step::Block(h) => h,
            Step::Junk { pos, len } => {
                junk.0 += len;
                junk.1.get_or_insert(pos);
                continue;
            }
            Step::Partial { pos, have, need } => {
                out.findings.error(
                    Code::TruncatedData,
                    format!(
                        "the block at offset {pos} is cut short: {have} of its {need} bytes are present"
                    ),
                );
                continue;
            }
            Step::Trailing { pos, len } => {
                out.findings.warn(
                    Code::TrailingData,
                    format!("{len} bytes after the last block (offset {pos}) are no block"),
                );
                continue;
            }
        };
        reached(h.pos);
        out.frames += 1;
        dsd |= h.flags & super::DSD_FLAG != 0;
        let mut bad = false;
        if h.initial() {
            samples = samples.saturating_add(u64::from(h.samples));
            if let Some(want) = next_index
                && want != h.index
                && h.samples > 0
            {
                gaps.add(h.pos, || {
                    format!("it starts at sample {}, {want} was next", h.index)
                });
                bad = true;
            }
            if h.samples > 0 {
                next_index = Some(h.index.saturating_add(u64::from(h.samples)));
            }
        }
        match sub_blocks(all, &h) {
            Err(at) => {
                malformed.add(h.pos, || {
                    format!("its metadata sub-block at offset {at} runs past the block's end")
                });
                bad = true;
            }
            Ok(subs) => {
                for s in subs.iter().filter(|s| s.id == ID_BLOCK_CHECKSUM) {
                    let (Some(covered), Some(stored)) =
                        (all.get(h.pos, s.pos - h.pos), all.get(s.data, s.len))
                    else {
                        continue;
                    };
                    let sum = block_checksum(covered);
                    let ok = match stored.len() {
                        4 => stored == sum.to_le_bytes(),
                        2 => stored == ((sum ^ (sum >> 16)) as u16).to_le_bytes(),
                        _ => false,
                    };
                    if !ok {
                        checksums.add(h.pos, || {
                            format!(
                                "it stores {}, its bytes give {sum:08x}",
                                stored
                                    .iter()
                                    .map(|b| format!("{b:02x}"))
                                    .collect::<String>()
                            )
                        });
                        bad = true;
                    }
                }
            }
        }
        out.bad_frames += u64::from(bad);
    }
    checksums.report(
        &mut out.findings,
        Code::FrameCrcMismatch,
        "block",
        (
            "fails its block checksum (ID_BLOCK_CHECKSUM)",
            "fail their block checksums (ID_BLOCK_CHECKSUM)",
        ),
    );
    malformed.report(
        &mut out.findings,
        Code::DecodeError,
        "block",
        ("has malformed metadata", "have malformed metadata"),
    );
    gaps.report(
        &mut out.findings,
        Code::InconsistentStream,
        "block",
        (
            "does not continue the sample index",
            "do not continue the sample index",
        ),
    );
    if let (len, Some(pos)) = junk {
        out.findings.warn(
            Code::CorruptFrames,
            format!("{len} bytes between blocks are no WavPack block, the first at offset {pos}"),
        );
    }
    let scale = if dsd { 8 } else { 1 };
    if let Some(total) = layout.declared {
        let counted = samples;
        if counted < total && !out.findings.has_error(Code::TruncatedData) {
            out.findings.error(
                Code::TruncatedData,
                format!(
                    "the header declares {} samples per channel, the blocks hold {}",
                    total.saturating_mul(scale),
                    counted.saturating_mul(scale)
                ),
            );
        } else if counted > total {
            out.findings.error(
                Code::SampleCountMismatch,
                format!(
                    "the header declares {} samples per channel, the blocks hold {}",
                    total.saturating_mul(scale),
                    counted.saturating_mul(scale)
                ),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_of_words() {
        assert_eq!(block_checksum(&[]), u32::MAX);
        assert_eq!(
            block_checksum(&[1, 0]),
            u32::MAX.wrapping_mul(3).wrapping_add(1)
        );
    }
}
