//! `--verify` for TTA: every frame's CRC-32 checked.
//!
//! Each frame the seek table lists ends with a CRC-32 of its other bytes;
//! every frame is read and checked. The samples are not decoded (no TTA
//! decoder here), so the method is `structure`, though every byte of the
//! audio is covered by a checksum.

use super::{TtaLayout, frame_size};
use crate::formats::Outcome;
use crate::formats::crc::crc32;
use crate::formats::decode::Failures;
use crate::io::reader::Bytes;
use crate::record::Code;

/// Check every frame of `layout` in `bytes`.
pub(crate) fn verify_with(
    bytes: &[u8],
    layout: &TtaLayout,
    reached: &mut dyn FnMut(u64),
) -> Outcome {
    let all = Bytes::full(bytes);
    let mut out = crate::formats::decode::structure();
    let mut bad = Failures::default();
    let end = layout.end.min(bytes.len() as u64);
    let mut pos = layout.first_frame;
    for i in 0..layout.frames {
        let Some(size) = frame_size(all, layout, i) else {
            break;
        };
        let Some(frame) = all
            .get(pos, size)
            .filter(|_| size <= end.saturating_sub(pos))
        else {
            out.findings.error(
                Code::TruncatedData,
                format!(
                    "frame {i} of {} (offset {pos}, {size} bytes) runs past the end of the audio at {end}",
                    layout.frames
                ),
            );
            break;
        };
        reached(pos);
        out.frames += 1;
        let ok = frame.len() >= 4 && {
            let n = frame.len() - 4;
            crc32(&frame[..n])
                == u32::from_le_bytes([frame[n], frame[n + 1], frame[n + 2], frame[n + 3]])
        };
        if !ok {
            bad.add(pos, || format!("frame {i} ({size} bytes)"));
            out.bad_frames += 1;
        }
        pos += size;
    }
    bad.report(
        &mut out.findings,
        Code::FrameCrcMismatch,
        "frame",
        ("fails its CRC-32 check", "fail their CRC-32 check"),
    );
    out
}
