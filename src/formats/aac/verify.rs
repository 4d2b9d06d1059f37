//! ADTS: every frame of the probe's frame walk read again, its header
//! checked against the first, and AAC-LC frames of one raw data block
//! decoded with Symphonia's AAC decoder (configured from the ADTS header:
//! object type, rate, channel configuration). Other profiles, frames of
//! several raw data blocks and channel configuration 0 are checked for
//! structure only. The CRC of protected frames (`protection_absent` = 0)
//! is not checked: it covers a selection of bits inside the channel
//! elements that only a syntax parse of the raw data would find.

use super::{AdtsHeader, AdtsLayout, adts_head};
use crate::formats::decode::{Decoded, Decoder, Failures, QcScratch, Trim};
use crate::formats::elementary::{Frames, Step, Summary};
use crate::formats::{Outcome, Probe};
use crate::io::reader::Bytes;
use crate::qc::Analysis;
use crate::record::{Code, Method};
use symphonia::core::codecs::audio::AudioCodecParameters;
use symphonia::core::codecs::audio::well_known::CODEC_ID_AAC;
use symphonia::default::codecs::AacDecoder;

/// Walk and decode the ADTS frames the probe located in `bytes`.
pub(crate) fn verify_with(
    bytes: &[u8],
    layout: &AdtsLayout,
    probe: &Probe,
    reached: &mut dyn FnMut(u64),
    mut qc: Option<&mut Analysis>,
) -> Outcome {
    let all = Bytes::full(bytes);
    let mut out = crate::formats::decode::structure();
    let key = layout.key;
    // AudioSpecificConfig: object type, rate index, channel configuration.
    let mut decoder = (key.profile == 1 && key.channels > 0)
        .then(|| {
            let aot = key.profile + 1;
            let asc = [
                (aot << 3) | (key.rate_index >> 1),
                ((key.rate_index & 1) << 7) | (key.channels << 3),
            ];
            let mut params = AudioCodecParameters::new();
            params
                .for_codec(CODEC_ID_AAC)
                .with_extra_data(asc.to_vec().into_boxed_slice());
            Decoder::new(&params, |p, o| Ok(Box::new(AacDecoder::try_new(p, o)?))).ok()
        })
        .flatten();
    if decoder.is_none()
        && let Some(qc) = qc.as_deref_mut()
    {
        qc.stop(
            "this AAC profile or channel configuration is checked for structure only (no decoder here): not analysed",
        );
    }
    let mut trim = Trim::of(probe);
    let mut scratch = QcScratch::default();
    let mut failures = Failures::default();
    let mut sum = Summary::default();
    let mut raw = 0u64;
    let mut decoded = 0u64;
    let mut undecodable = false;
    for step in Frames::new(all, layout.start, layout.end, key, adts_head) {
        sum.add(&step);
        let Step::Frame { pos, head } = step else {
            continue;
        };
        reached(pos);
        let Some(frame) = all.get(pos, head.len) else {
            break;
        };
        let Some(h) = AdtsHeader::parse(frame) else {
            continue;
        };
        raw += h.samples();
        let Some(d) = decoder.as_mut() else {
            continue;
        };
        if h.blocks != 1 {
            undecodable = true;
            continue;
        }
        let payload = frame.get(h.header_len() as usize..).unwrap_or_default();
        match d.decode(payload) {
            Decoded::Frames(n) => {
                decoded += n as u64;
                let kept = trim.next(n as u64);
                if let Some(qc) = qc.as_deref_mut() {
                    d.analyse(qc, None, kept, &mut scratch);
                }
            }
            Decoded::Failed(why) | Decoded::Unsupported(why) => {
                failures.add(pos, || why);
            }
        }
    }
    out.frames = sum.frames;
    out.bad_frames = failures.count;
    let f = &mut out.findings;
    sum.report(f, "ADTS frame");
    if undecodable && let Some(qc) = qc {
        qc.stop("frames of several raw data blocks are checked for structure only: not analysed");
    }
    if decoder.is_none() || undecodable {
        return out;
    }
    out.method = Method::Decoded;
    failures.report(
        f,
        Code::DecodeError,
        "ADTS frame",
        ("does not decode", "do not decode"),
    );
    out.decoded_samples = Some(decoded);
    if failures.count == 0
        && let Some(header) = probe.total_samples
        && header != decoded
    {
        f.error(
            Code::SampleCountMismatch,
            format!("the frame headers give {header} samples, decoding gives {decoded}"),
        );
    }
    out.exact = failures.count == 0 && sum.frames > 0 && decoded == raw;
    out
}
