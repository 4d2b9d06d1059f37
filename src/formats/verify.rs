//! Integrity verification (`--verify`): read every frame of the audio, not
//! only the headers, and say exactly what is wrong.
//!
//! Each container's folder owns its verifier, which walks the layout its
//! probe returned ([`crate::formats::Layout`]) instead of parsing the
//! container again; this module dispatches to them and folds the result
//! into the record:
//!
//! * FLAC ([`crate::formats::flac::verify`]): every frame decoded by
//!   ddexprobe's own decoder, headers checked against STREAMINFO, every
//!   CRC-8 and CRC-16 checked, samples counted and the decoded audio's MD5
//!   compared with the STREAMINFO signature;
//! * PCM ([`crate::formats::pcm`]): WAV/RF64/BW64, W64, AIFF/AIFC, CAF and AU
//!   data read in
//!   the same pass as the file digests, which gives the decoded-audio MD5
//!   (`pcmMd5`) and checks a BWF `MD5 ` chunk;
//! * compressed CAF ([`crate::formats::caf::verify`]) and DSD
//!   ([`crate::formats::dsd::verify`]): the structure only (packet table
//!   against the data chunk; DSF blocks and padding, DST frame counts),
//!   nothing decoded;
//! * Musepack ([`crate::formats::musepack::verify`]): every SV8 packet or
//!   SV4-SV7 frame walked and counted against the header, nothing decoded;
//! * Matroska and WebM (`formats::matroska::verify`): every Cluster and
//!   block of the audio track walked, lacing, timestamps and CRC-32
//!   elements checked, nothing decoded;
//! * MPEG ([`crate::formats::mpeg::verify`]), Ogg
//!   (`formats::ogg::verify`) and MP4
//!   (`formats::mp4::verify`): packets found by
//!   ddexprobe's own parsers decoded with Symphonia (`formats/decode.rs`),
//!   and the decoded count compared with the header's.
//!
//! Each returns an [`Outcome`]: findings with stable codes, the decoded
//! sample count and, for lossless audio, the MD5 of the decoded samples in
//! FLAC's convention (interleaved, signed, little-endian, `ceil(bits / 8)`
//! bytes per sample), so the same master has the same `pcmMd5` as WAV, AIFF,
//! FLAC or ALAC.

use crate::checksum::{Digests, Hashes, hex};
use crate::formats::pcm::Encoding;
use crate::formats::{Budget, Layout, Outcome, Probe};
use crate::io::source::Source;
use crate::qc::{Analysis, Qc, Settings, Source as QcSource};
use crate::record::{Code, DurationSource, Record, Status, Verification};

/// Verify the audio of `source`, already probed into `probe`, and compute
/// the file digests in `hashes` (in the same pass for PCM). With `qc`,
/// every decoded block is also analysed ([`crate::qc`]) and the outcome
/// carries the record's `qc` object.
pub fn verify_source(
    source: &Source,
    probe: &Probe,
    hashes: Hashes,
    budget: Budget,
    qc: Option<Settings>,
) -> (Outcome, Option<Digests>) {
    let mut analysis = qc.map(|settings| start(probe, settings));
    let live = analysis.as_mut().and_then(|a| a.as_mut().ok());
    let (mut outcome, digests) = if let Some(Layout::Pcm(layout)) = &probe.layout {
        crate::formats::pcm::verify(source, layout, hashes, live)
    } else if source.bytes().get(0, source.len()).is_none() {
        // A windowed source: nothing to verify, nothing to hash.
        (Outcome::unverified(), None)
    } else {
        // One pass: the digests follow the verifier through the file.
        source.walk(hashes, |all, behind| {
            verify_walk(
                all,
                probe,
                budget,
                &mut |offset| behind.reached(offset),
                live,
            )
        })
    };
    outcome.qc = analysis.map(|a| a.map_or_else(|not| *not, Analysis::finish));
    (outcome, digests)
}

/// An analysis for the stream `probe` describes, or the record saying why
/// there can be none.
fn start(probe: &Probe, settings: Settings) -> Result<Analysis, Box<Qc>> {
    let not = |why: &str| Box::new(Qc::not_analysed(why, &settings));
    if probe.file_format == Some(crate::record::FileFormat::Module) {
        return Err(not(
            "a tracker module is a score, not audio: render it to PCM to analyse it",
        ));
    }
    let (Some(rate), Some(channels)) = (probe.sample_rate, probe.channels) else {
        return Err(not("the stream's sample rate or channel count is unknown"));
    };
    let source = match &probe.layout {
        Some(Layout::Pcm(l)) => match l.encoding {
            Encoding::Signed | Encoding::Unsigned => QcSource::Integer(l.valid_bits),
            Encoding::Float => QcSource::Float(l.sample_bytes * 8),
            Encoding::Other => {
                return Err(not(
                    "A-law and mu-law samples are not analysed: convert to linear PCM to check them",
                ));
            }
        },
        Some(Layout::Flac(_)) => QcSource::Integer(probe.bit_depth.unwrap_or(16)),
        Some(Layout::Shorten(l)) => QcSource::Integer(l.bits),
        Some(Layout::Mp4(_)) => match probe.bit_depth {
            Some(bits) => QcSource::Integer(bits),
            None => QcSource::Lossy,
        },
        Some(
            Layout::Mpeg(_) | Layout::Ogg(_) | Layout::Adts(_) | Layout::Ac3(_) | Layout::Asf(_),
        ) => QcSource::Lossy,
        Some(Layout::Matroska(_)) => match (probe.sample_format, probe.bit_depth) {
            (Some(crate::record::SampleFormat::Float), Some(bits)) => QcSource::Float(bits),
            (_, Some(bits)) => QcSource::Integer(bits),
            _ => QcSource::Lossy,
        },
        Some(Layout::Dsd(_)) => {
            return Err(not(
                "DSD is 1-bit audio, not PCM: not analysed (convert to PCM to check it)",
            ));
        }
        Some(Layout::Caf(_)) => {
            return Err(not(&format!(
                "{} in CAF is checked for structure only (no decoder here): not analysed",
                probe.audio_codec.as_deref().unwrap_or("compressed audio")
            )));
        }
        Some(
            Layout::WavPack(_)
            | Layout::Ape(_)
            | Layout::Tta(_)
            | Layout::OptimFrog(_)
            | Layout::Musepack(_),
        )
        | None => {
            return Err(not(&match &probe.audio_codec {
                Some(codec) => format!(
                    "{codec} audio is checked for structure only (no decoder here): not analysed"
                ),
                None => "no audio stream was found to analyse".to_string(),
            }));
        }
    };
    Analysis::new(rate, channels, probe.channel_mask, source, settings).map_err(|why| not(&why))
}

/// Verify `bytes`, telling `reached` how far the walk has gone (the
/// digests and the release of mapped pages follow it), and handing each
/// decoded block to `qc`.
fn verify_walk(
    bytes: &[u8],
    probe: &Probe,
    budget: Budget,
    reached: &mut dyn FnMut(u64),
    qc: Option<&mut Analysis>,
) -> Outcome {
    match &probe.layout {
        Some(Layout::Flac(layout)) => {
            crate::formats::flac::verify::verify_with(bytes, layout, budget, reached, qc)
        }
        Some(Layout::Pcm(layout)) => crate::formats::pcm::verify_bytes(bytes, layout),
        Some(Layout::Mp4(track)) => {
            crate::formats::mp4::verify::verify_with(bytes, track, probe, reached, qc)
        }
        Some(Layout::Mpeg(located)) => {
            crate::formats::mpeg::verify::verify_with(bytes, located, probe, reached, qc)
        }
        Some(Layout::Ogg(layout)) => {
            crate::formats::ogg::verify::verify_with(bytes, layout, probe, reached, qc)
        }
        Some(Layout::WavPack(layout)) => {
            crate::formats::wavpack::verify::verify_with(bytes, layout, reached)
        }
        Some(Layout::OptimFrog(layout)) => {
            crate::formats::optimfrog::verify::verify_with(bytes, layout, reached)
        }
        Some(Layout::Tta(layout)) => {
            crate::formats::tta::verify::verify_with(bytes, layout, reached)
        }
        Some(Layout::Shorten(layout)) => {
            crate::formats::shorten::verify::verify_with(bytes, layout, probe, reached, qc)
        }
        Some(Layout::Ape(layout)) => {
            crate::formats::ape::verify::verify_with(bytes, layout, reached)
        }
        Some(Layout::Adts(layout)) => {
            crate::formats::aac::verify::verify_with(bytes, layout, probe, reached, qc)
        }
        Some(Layout::Ac3(layout)) => {
            crate::formats::ac3::verify::verify_with(bytes, layout, probe, reached, qc)
        }
        Some(Layout::Asf(layout)) => {
            crate::formats::asf::verify::verify_with(bytes, layout, probe, reached, qc)
        }
        Some(Layout::Caf(layout)) => crate::formats::caf::verify::verify(bytes, layout),
        Some(Layout::Dsd(layout)) => crate::formats::dsd::verify::verify(bytes, layout),
        Some(Layout::Matroska(layout)) => {
            crate::formats::matroska::verify::verify_with(bytes, layout, probe, reached, qc)
        }
        Some(Layout::Musepack(layout)) => {
            crate::formats::musepack::verify::verify_with(bytes, layout, probe, reached)
        }
        None => Outcome::unverified(),
    }
}

/// Verify audio held in memory within the default [`Budget`] (no PCM pass:
/// see [`verify_source`]).
pub fn verify_bytes(bytes: &[u8], probe: &Probe) -> Outcome {
    verify_bytes_within(bytes, probe, Budget::default())
}

/// Verify audio held in memory, decoding at most what `budget` allows.
pub fn verify_bytes_within(bytes: &[u8], probe: &Probe, budget: Budget) -> Outcome {
    verify_walk(bytes, probe, budget, &mut |_| {}, None)
}

/// Verify audio held in memory within `budget` and, with `qc`, analyse it
/// in the same walk (PCM included: [`verify_source`] without the digests).
pub fn verify_bytes_with(
    bytes: &[u8],
    probe: &Probe,
    budget: Budget,
    qc: Option<Settings>,
) -> Outcome {
    let mut analysis = qc.map(|settings| start(probe, settings));
    let live = analysis.as_mut().and_then(|a| a.as_mut().ok());
    let mut outcome = match &probe.layout {
        Some(Layout::Pcm(layout)) => crate::formats::pcm::verify_bytes_with(bytes, layout, live),
        _ => verify_walk(bytes, probe, budget, &mut |_| {}, live),
    };
    outcome.qc = analysis.map(|a| a.map_or_else(|not| *not, Analysis::finish));
    outcome
}

/// Put what verification found into the record: the `verification` object,
/// `pcmMd5`, the decoded count, and findings whose code the probe did not
/// already report (the probe's message is kept: it came first and says the
/// same thing from the headers).
pub fn apply(record: &mut Record, outcome: Outcome) {
    let codes = |list: &[crate::record::Issue]| list.iter().map(|i| i.code).collect::<Vec<Code>>();
    let (errors, warnings) = (codes(&record.errors), codes(&record.warnings));
    // An error is new unless the probe reported the same error; a warning
    // is new unless the probe reported the code at all.
    for issue in outcome.findings.errors {
        if !errors.contains(&issue.code) {
            record.errors.push(issue);
        }
    }
    for issue in outcome.findings.warnings {
        if !errors.contains(&issue.code) && !warnings.contains(&issue.code) {
            record.warnings.push(issue);
        }
    }
    if outcome.exact
        && let Some(n) = outcome.decoded_samples
    {
        if record.total_samples != Some(n) {
            if record.declared_samples.is_none() {
                record.declared_samples = record.total_samples;
            }
            record.total_samples = Some(n);
            if let Some(rate) = record.sample_rate {
                record.duration = crate::duration::iso8601(n, rate);
                record.duration_seconds = crate::duration::seconds(n, rate);
            }
        }
        record.duration_source = Some(DurationSource::Decoded);
    }
    record.pcm_md5 = outcome.pcm_md5.map(|d| hex(&d));
    record.qc = outcome.qc;
    // A tracker module has no audio: nothing was verified.
    let status = if record.file_format == Some(crate::record::FileFormat::Module) {
        Status::Unverified
    } else if record.errors.iter().any(|i| i.code == Code::TruncatedData) {
        Status::Truncated
    } else if record.errors.iter().any(|i| i.code != Code::NotVerified) {
        Status::Corrupt
    } else if record.has_errors() {
        Status::Unverified
    } else if !record.warnings.is_empty() {
        Status::Warning
    } else {
        Status::Ok
    };
    record.verification = Some(Verification {
        status,
        method: outcome.method,
        decoded_samples: outcome.decoded_samples,
        frames: outcome.frames,
        bad_frames: outcome.bad_frames,
    });
}
