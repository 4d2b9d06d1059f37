//! `--verify` for Monkey's Audio: the frames the seek table lists,
//! checked for structure.
//!
//! Each frame's CRC-32 covers its decoded samples and ddexprobe has no APE
//! decoder, so nothing is decoded (`method: "structure"`): the seek table
//! must list every frame, the first where the header says the audio
//! starts, each after the one before and inside the audio data, and the
//! last must end where the audio does.

use super::{ApeLayout, seek_entry};
use crate::formats::Outcome;
use crate::formats::decode::Failures;
use crate::io::reader::Bytes;
use crate::record::Code;

/// Check the frames of `layout` in `bytes`.
pub(crate) fn verify_with(
    bytes: &[u8],
    layout: &ApeLayout,
    reached: &mut dyn FnMut(u64),
) -> Outcome {
    let all = Bytes::full(bytes);
    let mut out = crate::formats::decode::structure();
    let mut order = Failures::default();
    let end = layout.audio_end.min(layout.file_end);
    let mut prev: Option<u64> = None;
    let mut cut = None;
    for i in 0..layout.frames.min(layout.seek_entries) {
        let Some(start) = seek_entry(all, layout, i) else {
            break;
        };
        reached(start.min(end));
        if i == 0 && start != layout.first_frame {
            order.add(start, || {
                format!(
                    "the seek table puts frame 0 at offset {start}, the header's audio starts at {}",
                    layout.first_frame
                )
            });
            out.bad_frames += 1;
        }
        if let Some(p) = prev
            && start <= p
        {
            order.add(start, || {
                format!(
                    "frame {i} starts at offset {start}, not after frame {} at {p}",
                    i - 1
                )
            });
            out.bad_frames += 1;
        }
        if start >= end {
            cut.get_or_insert((i, start));
            break;
        }
        out.frames += 1;
        prev = Some(start);
    }
    order.report(
        &mut out.findings,
        Code::DecodeError,
        "seek table entry",
        ("is out of place", "are out of place"),
    );
    if let Some((i, start)) = cut {
        out.findings.error(
            Code::TruncatedData,
            format!(
                "frame {i} of {} starts at offset {start}, past the end of the audio at {end}",
                layout.frames
            ),
        );
    } else if layout.seek_entries < layout.frames {
        out.findings.error(
            Code::TruncatedData,
            format!(
                "the seek table lists {} of the {} frames",
                layout.seek_entries, layout.frames
            ),
        );
    } else if layout.audio_end > layout.file_end {
        out.findings.error(
            Code::TruncatedData,
            format!(
                "the audio data should end at offset {}, the file's audio ends at {}",
                layout.audio_end, layout.file_end
            ),
        );
    }
    out
}
