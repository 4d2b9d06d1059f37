//! `--verify` for OptimFROG: every `COMP` block's CRC-32 checked.
//!
//! A `COMP` block starts with a CRC-32 of the rest of its bytes (4.50
//! alpha wrote `NONE` there instead, which is skipped). Every block is read
//! and checked; nothing is decoded (no OptimFROG decoder here), so the
//! method is `structure`.

use super::{OfrLayout, chunks};
use crate::formats::Outcome;
use crate::formats::crc::crc32;
use crate::formats::decode::Failures;
use crate::io::reader::Bytes;
use crate::record::Code;

/// Check every `COMP` block of `layout` in `bytes`.
pub(crate) fn verify_with(
    bytes: &[u8],
    layout: &OfrLayout,
    reached: &mut dyn FnMut(u64),
) -> Outcome {
    let all = Bytes::full(bytes);
    let mut out = crate::formats::decode::structure();
    let mut bad = Failures::default();
    let end = layout.end.min(bytes.len() as u64);
    for c in chunks(all, layout.first, end) {
        let c = match c {
            Ok(c) => c,
            Err((pos, need)) => {
                out.findings.error(
                    Code::TruncatedData,
                    format!(
                        "the chunk at offset {pos} ({need} bytes) runs past the end of the file"
                    ),
                );
                break;
            }
        };
        if &c.id != b"COMP" {
            continue;
        }
        reached(c.pos);
        out.frames += 1;
        let Some(data) = all.get(c.data, c.size).filter(|d| d.len() >= 4) else {
            bad.add(c.pos, || "it is shorter than its CRC".into());
            out.bad_frames += 1;
            continue;
        };
        let stored = u32::from_le_bytes([data[0], data[1], data[2], data[3]]);
        if &data[..4] == b"NONE" {
            continue;
        }
        let computed = crc32(&data[4..]);
        if stored != computed {
            bad.add(c.pos, || {
                format!("it stores {stored:08x}, its bytes give {computed:08x}")
            });
            out.bad_frames += 1;
        }
    }
    bad.report(
        &mut out.findings,
        Code::FrameCrcMismatch,
        "COMP block",
        ("fails its CRC-32 check", "fail their CRC-32 check"),
    );
    out
}
