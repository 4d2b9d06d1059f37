//! `--verify` for Matroska and WebM: every Cluster of the Segment walked
//! again from the probe's layout, every block of the audio track split
//! into its frames. Element sizes must lie within their parent and the
//! file, lacing must add up, block timestamps must not go back, and each
//! CRC-32 element must match the data it covers. No decoder is run: the
//! method is `structure`.

use super::MatroskaLayout;
use super::walk::{Block, walk};
use crate::formats::{Outcome, Probe};
use crate::qc::Analysis;
use crate::record::Code;

/// Verify the audio track `layout` names in the whole file `bytes`.
pub(crate) fn verify_with(
    bytes: &[u8],
    layout: &MatroskaLayout,
    probe: &Probe,
    reached: &mut dyn FnMut(u64),
    qc: Option<&mut Analysis>,
) -> Outcome {
    let mut out = crate::formats::decode::structure();
    let mut prev_ts: Option<i64> = None;
    let mut backwards: Option<String> = None;
    let mut back_count = 0u64;
    let mut frames = 0u64;
    let mut on = |b: &Block<'_>| {
        frames += b.frames.len() as u64;
        if let Some(p) = prev_ts
            && b.ts < p
        {
            back_count += 1;
            backwards.get_or_insert_with(|| {
                format!(
                    "the block at offset {} goes back in time (timestamp {} after {p})",
                    b.pos, b.ts
                )
            });
        }
        prev_ts = Some(b.ts);
        reached(b.pos);
    };
    let w = walk(
        bytes.into(),
        layout.first_cluster,
        layout.segment_end,
        layout.track,
        true,
        &mut on,
    );
    reached(w.end);
    out.frames = frames;
    if let Some(t) = w.truncated {
        out.findings.error(Code::TruncatedData, t);
    }
    for (code, msg) in w.problems {
        out.findings.error(code, msg);
    }
    if w.more_problems > 0 {
        out.findings.error(
            Code::InvalidHeader,
            format!("{} more problems in the Clusters", w.more_problems),
        );
    }
    if let Some(b) = backwards {
        out.findings.warn(
            Code::GranuleDiscontinuity,
            if back_count > 1 {
                format!("{b}, and {} more blocks", back_count - 1)
            } else {
                b
            },
        );
    }
    if frames == 0 {
        out.findings.error(
            Code::TruncatedData,
            "the Clusters hold no block of the audio track",
        );
    }
    let codec = probe.audio_codec.as_deref().unwrap_or("the");
    if let Some(a) = qc {
        a.stop(format!(
            "{codec} audio in Matroska is checked for structure only (no decoder here): not analysed"
        ));
    }
    out
}
