//! `--verify` for Musepack: every packet (SV8) or frame (SV4-SV7) walked.
//!
//! SV8 packets are walked by their keys and sizes to the end packet, SV4
//! to SV7 frames by their 20-bit lengths, and the count of audio packets
//! or frames compared with the header's. Without a Musepack decoder no
//! sample is decoded (`method: "structure"`).

use super::{FRAME, MpcLayout, Version, frames_findings, sv8_findings, walk_frames, walk_packets};
use crate::formats::Outcome;
use crate::io::reader::Bytes;
use crate::record::{Findings, Method};

/// Walk the packets or frames of `layout` in `bytes`.
pub(crate) fn verify_with(
    bytes: &[u8],
    layout: &MpcLayout,
    probe: &crate::formats::Probe,
    reached: &mut dyn FnMut(u64),
) -> Outcome {
    let all = Bytes::full(bytes);
    let mut out = Outcome {
        method: Method::Structure,
        ..Outcome::default()
    };
    let mut findings = Findings::default();
    let declared = probe.declared_samples.or(probe.total_samples).unwrap_or(0);
    match layout.version {
        Version::Sv8 => {
            // The stream header was checked by the probe: walk what follows.
            let sh = super::packet(all, layout.start + 4, layout.end);
            let from = layout.start + 4 + sh.map_or(0, |(_, _, size)| size);
            let w = walk_packets(all, from, layout.end, reached);
            let silence = probe.encoder_delay.unwrap_or(0);
            let held = w
                .audio_packets
                .saturating_mul(layout.per_packet)
                .saturating_mul(FRAME)
                .min(declared.saturating_add(silence))
                .saturating_sub(silence);
            out.frames = w.audio_packets;
            sv8_findings(&w, layout, declared, held, &mut findings);
        }
        Version::Frames(_) => {
            let w = walk_frames(all, layout, reached);
            out.frames = w.units;
            frames_findings(&w, layout, declared, &mut findings);
        }
    }
    out.findings = findings;
    out
}
