//! ASF: the container checked (structure only: there is no WMA decoder
//! here). The Data Object's declared size and packet count x fixed packet
//! size are compared with the bytes present; a packet's first byte must
//! be a valid error correction or payload parsing flag byte.

use super::AsfLayout;
use crate::formats::{Outcome, Probe};
use crate::qc::Analysis;
use crate::record::Code;

/// Check the Data Object the probe located in `bytes`.
pub(crate) fn verify_with(
    bytes: &[u8],
    layout: &AsfLayout,
    _probe: &Probe,
    reached: &mut dyn FnMut(u64),
    qc: Option<&mut Analysis>,
) -> Outcome {
    if let Some(qc) = qc {
        qc.stop("ASF audio is checked for structure only (no decoder here): not analysed");
    }
    let mut out = crate::formats::decode::structure();
    let len = bytes.len() as u64;
    let first = layout.data.saturating_add(50);
    let f = &mut out.findings;
    if layout.data_size > 0 && layout.data.saturating_add(layout.data_size) > len {
        f.error(
            Code::TruncatedData,
            format!(
                "the Data Object declares {} bytes, {} are present",
                layout.data_size,
                len.saturating_sub(layout.data)
            ),
        );
    }
    if layout.packet_size == 0 {
        return out;
    }
    let mut pos = first;
    let mut bad = 0u64;
    let mut first_bad = None;
    for _ in 0..layout.packets {
        if pos.saturating_add(layout.packet_size) > len {
            break;
        }
        reached(pos);
        let b = bytes[pos as usize];
        // Error correction present (0x80) with its length type 0 and data
        // length 2, or payload parsing information directly (bit 7 clear).
        let ok = if b & 0x80 != 0 {
            b & 0x6F == 0x02
        } else {
            true
        };
        if !ok {
            bad += 1;
            first_bad.get_or_insert(pos);
        }
        out.frames += 1;
        pos += layout.packet_size;
    }
    out.bad_frames = bad;
    if out.frames < layout.packets {
        f.error(
            Code::TruncatedData,
            format!(
                "the Data Object declares {} packets of {} bytes, {} are whole",
                layout.packets, layout.packet_size, out.frames
            ),
        );
    }
    if let Some(at) = first_bad {
        f.error(
            Code::DecodeError,
            format!(
                "{bad} data packet(s) start with an invalid flag byte, the first at offset {at}"
            ),
        );
    }
    out
}
