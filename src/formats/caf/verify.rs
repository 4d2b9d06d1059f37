//! `--verify` for compressed CAF streams (ALAC, AAC and the other codecs
//! with a packet table): the structure, not the audio.
//!
//! Nothing is decoded ([`Method::Structure`]): the packet table is walked
//! entry by entry (a variable-length integer per packet for its size, and
//! one for its frame count when packets vary in duration), bounded by the
//! bytes of the table the file holds, and
//!
//! * the entries must be as many as the table's header declares;
//! * the packet sizes must add up to the bytes of the data chunk: more is
//!   audio missing (`truncated_data`), fewer is bytes in no packet
//!   (`trailing_data`);
//! * the frame counts, where the table gives them, must add up to valid +
//!   priming + remainder frames (`inconsistent_header`).

use super::CafLayout;
use crate::formats::Outcome;
use crate::record::Code;

/// Check the packet table of `layout` against the data in `bytes` (the
/// whole file).
pub fn verify(bytes: &[u8], layout: &CafLayout) -> Outcome {
    let mut out = crate::formats::decode::structure();
    let (start, len) = layout.table;
    let bpp = layout.bytes_per_packet;
    let fpp = layout.frames_per_packet;
    let Some(walk) = super::table_walk(
        crate::io::reader::Bytes::full(bytes),
        start,
        len.min((bytes.len() as u64).saturating_sub(start)),
        layout.packets,
        bpp,
        fpp,
    ) else {
        return out;
    };
    let (packets, bytes_sum, frames_sum) =
        (walk.packets, u128::from(walk.bytes_sum), walk.frames_sum);
    out.frames = packets;
    let f = &mut out.findings;
    if packets < layout.packets {
        f.error(
            Code::InvalidHeader,
            format!(
                "the packet table declares {} packets, its entries describe {packets}",
                layout.packets
            ),
        );
        out.bad_frames = layout.packets - packets;
        return out;
    }
    let held = u128::from(layout.len);
    if bytes_sum > held {
        f.error(
            Code::TruncatedData,
            format!(
                "the packet table's {packets} packets take {bytes_sum} bytes, the data chunk holds {held}: {} bytes of audio missing",
                bytes_sum - held
            ),
        );
    } else if bytes_sum < held && layout.complete {
        f.warn(
            Code::TrailingData,
            format!(
                "the data chunk holds {held} bytes, the packet table's {packets} packets take {bytes_sum}: {} bytes are in no packet",
                held - bytes_sum
            ),
        );
    }
    let accounted =
        u128::from(layout.valid_frames) + u128::from(layout.priming) + u128::from(layout.remainder);
    if fpp == 0 && frames_sum != accounted {
        f.warn(
            Code::InconsistentHeader,
            format!(
                "the packet table's entries hold {frames_sum} frames, its header {} valid + {} priming + {} remainder = {accounted}",
                layout.valid_frames, layout.priming, layout.remainder
            ),
        );
    }
    out
}
