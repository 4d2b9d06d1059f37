//! AC-3 and E-AC-3: every frame of the probe's frame walk read again and
//! its CRCs checked (structure only: there is no AC-3 decoder here).
//!
//! AC-3 (A/52 5.4.1.2 and 7.10.1): `crc1` makes the CRC-16 (polynomial
//! 0x8005, initial value 0) of the first 5/8 of the frame after the sync
//! word zero, and `crc2` that of the rest of the frame. E-AC-3 (A/52
//! Annex E) has no `crc1`: `crc2` makes the CRC of the whole frame after
//! the sync word zero.

use super::{Ac3Layout, FrameHeader, Syntax, head};
use crate::formats::crc::crc16;
use crate::formats::decode::Failures;
use crate::formats::elementary::{Frames, Step, Summary};
use crate::formats::{Outcome, Probe};
use crate::io::reader::Bytes;
use crate::qc::Analysis;
use crate::record::Code;

/// Which CRC of `frame` fails, if one does.
pub(crate) fn crc_failure(frame: &[u8], h: &FrameHeader) -> Option<&'static str> {
    match h.syntax {
        Syntax::Ac3 => {
            let words = frame.len() / 2;
            let split = ((words >> 1) + (words >> 3)) * 2;
            if crc16(frame.get(2..split)?) != 0 {
                Some("crc1 (the first 5/8 of the frame)")
            } else if crc16(frame.get(split..)?) != 0 {
                Some("crc2 (the last 3/8 of the frame)")
            } else {
                None
            }
        }
        Syntax::Eac3 => (crc16(frame.get(2..)?) != 0).then_some("crc2 (the whole frame)"),
    }
}

/// Walk the frames the probe located in `bytes` and check their CRCs.
pub(crate) fn verify_with(
    bytes: &[u8],
    layout: &Ac3Layout,
    probe: &Probe,
    reached: &mut dyn FnMut(u64),
    qc: Option<&mut Analysis>,
) -> Outcome {
    if let Some(qc) = qc {
        qc.stop("AC-3 audio is checked for structure only (no decoder here): not analysed");
    }
    let all = Bytes::full(bytes);
    let mut out = crate::formats::decode::structure();
    let mut sum = Summary::default();
    let mut crc = Failures::default();
    let mut samples = 0u64;
    for step in Frames::new(all, layout.start, layout.end, layout.rate, head) {
        sum.add(&step);
        let Step::Frame { pos, head } = step else {
            continue;
        };
        reached(pos);
        let Some(frame) = all.get(pos, head.len) else {
            break;
        };
        let Some(h) = FrameHeader::parse(frame) else {
            continue;
        };
        if h.counts() {
            samples += h.samples;
        }
        if let Some(which) = crc_failure(frame, &h) {
            crc.add(pos, || format!("{which} does not match"));
        }
    }
    out.frames = sum.frames;
    out.bad_frames = crc.count;
    let f = &mut out.findings;
    sum.report(f, "AC-3 frame");
    crc.report(
        f,
        Code::FrameCrcMismatch,
        "frame",
        ("fails its CRC check", "fail their CRC checks"),
    );
    if let Some(header) = probe.total_samples
        && header != samples
    {
        f.error(
            Code::SampleCountMismatch,
            format!("the probe counted {header} samples, the verification walk {samples}"),
        );
    }
    out
}
