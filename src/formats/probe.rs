//! What a container parser measured ([`Probe`]) and where it found the
//! audio ([`Layout`]), before checksums and file facts make it a
//! [`Record`].

use crate::record::{DurationSource, FileFormat, Findings, Method, Record, SampleFormat, Tags};

/// What a container parser measured. Checksums and file facts are added by
/// the pipeline to make a [`Record`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Probe {
    /// Container format, when recognised.
    pub file_format: Option<FileFormat>,
    /// DDEX AudioCodecType word where one exists, else a plain name.
    pub audio_codec: Option<String>,
    /// Integer or float samples, when known.
    pub sample_format: Option<SampleFormat>,
    /// Sample rate in Hz.
    pub sample_rate: Option<u32>,
    /// Valid bits per sample (null for lossy codecs).
    pub bit_depth: Option<u32>,
    /// Storage width when it differs from `bit_depth`.
    pub container_bit_depth: Option<u32>,
    /// Channels.
    pub channels: Option<u32>,
    /// WAVE_FORMAT_EXTENSIBLE channel mask, when declared.
    pub channel_mask: Option<u32>,
    /// The WAV family's `fmt ` format tag.
    pub format_tag: Option<u16>,
    /// RIFF chunks after the start of the data chunk, in file order.
    pub after_data: Vec<String>,
    /// Sample frames per channel that the file holds.
    pub total_samples: Option<u64>,
    /// What the header declared, when it differs from `total_samples`.
    pub declared_samples: Option<u64>,
    /// How `total_samples` was obtained.
    pub duration_source: Option<DurationSource>,
    /// Bytes of audio data, for the average bitrate.
    pub audio_bytes: Option<u64>,
    /// Metadata chunks or blocks present (`bext`, `iXML`, `VORBIS_COMMENT`...).
    pub metadata_chunks: Vec<String>,
    /// ADM (`chna` and `axml` chunks) present.
    pub adm: Option<bool>,
    /// Tracks the `chna` chunk assigns an ADM track UID.
    pub adm_tracks: Option<u32>,
    /// `chna` tracks in DirectSpeakers (bed) pack formats.
    pub adm_bed_channels: Option<u32>,
    /// `axml` audioObjects of Objects pack formats.
    pub adm_objects: Option<u32>,
    /// FLAC STREAMINFO MD5 signature of the decoded audio, when set.
    pub flac_md5: Option<String>,
    /// The encoder's input rate, where the codec decodes at another (Opus).
    pub input_sample_rate: Option<u32>,
    /// Priming samples removed at the start (LAME delay + decoder delay,
    /// Opus pre-skip, MP4 edit list / iTunSMPB).
    pub encoder_delay: Option<u64>,
    /// Padding samples removed at the end.
    pub encoder_padding: Option<u64>,
    /// Descriptive tags the file carries.
    pub tags: Tags,
    /// What the file is when it is clearly not audio.
    pub non_audio: Option<super::nonaudio::NonAudio>,
    /// What a JPEG or PNG image is (cover art).
    pub artwork: Option<crate::record::Artwork>,
    /// Problems found.
    pub findings: Findings,
    /// Where the audio lies, for verification.
    pub layout: Option<Layout>,
}

/// Where a parser found the audio and how it is stored: what verification
/// needs to read it without parsing the container again.
#[derive(Debug, Clone, PartialEq)]
pub enum Layout {
    /// Uncompressed PCM in one chunk (WAV family, W64, AIFF/AIFC, CAF,
    /// AU).
    Pcm(crate::formats::pcm::PcmLayout),
    /// A native FLAC stream.
    Flac(crate::formats::flac::StreamLayout),
    /// MPEG audio frames.
    Mpeg(crate::formats::mpeg::Located),
    /// The audio track of an MP4 file: its sample tables.
    Mp4(crate::formats::mp4::TrackLayout),
    /// The logical streams of an Ogg file that the figures describe.
    Ogg(crate::formats::ogg::OggLayout),
    /// WavPack blocks.
    WavPack(crate::formats::wavpack::WavPackLayout),
    /// Monkey's Audio frames, from the seek table.
    Ape(crate::formats::ape::ApeLayout),
    /// TTA frames, from the seek table.
    Tta(crate::formats::tta::TtaLayout),
    /// A Shorten stream, decoded block by block.
    Shorten(crate::formats::shorten::ShortenLayout),
    /// OptimFROG `COMP` blocks.
    OptimFrog(crate::formats::optimfrog::OfrLayout),
    /// Raw AAC in ADTS frames.
    Adts(crate::formats::aac::AdtsLayout),
    /// AC-3 or E-AC-3 frames.
    Ac3(crate::formats::ac3::Ac3Layout),
    /// The Data Object of an ASF file.
    Asf(crate::formats::asf::AsfLayout),
    /// The packets of a compressed CAF stream (ALAC, AAC...) and its
    /// packet table.
    Caf(crate::formats::caf::CafLayout),
    /// The 1-bit data of a DSF or DSDIFF file.
    Dsd(crate::formats::dsd::DsdLayout),
    /// The audio track of a Matroska or WebM file.
    Matroska(crate::formats::matroska::MatroskaLayout),
    /// Musepack packets (SV8) or frames (SV4-SV7).
    Musepack(crate::formats::musepack::MpcLayout),
}

impl Probe {
    /// The record of this measurement, with the facts about the file
    /// (checksums and verification are added by the caller).
    pub fn into_record(self, path: String, size_bytes: u64) -> Record {
        let probe = self;
        let duration = match (probe.total_samples, probe.sample_rate) {
            (Some(n), Some(rate)) => crate::duration::iso8601(n, rate),
            _ => None,
        };
        let duration_seconds = match (probe.total_samples, probe.sample_rate) {
            (Some(n), Some(rate)) => crate::duration::seconds(n, rate),
            _ => None,
        };
        let bitrate = match (probe.audio_bytes, probe.total_samples, probe.sample_rate) {
            (Some(bytes), Some(n), Some(rate)) if n > 0 => {
                // bits * rate / samples, rounded to nearest.
                let num = u128::from(bytes) * 8 * u128::from(rate);
                let den = u128::from(n);
                u64::try_from((num + den / 2) / den).ok()
            }
            _ => None,
        };
        Record {
            path,
            path_bytes: None,
            size_bytes,
            file_format: probe.file_format,
            audio_codec: probe.audio_codec,
            sample_format: probe.sample_format,
            sample_rate: probe.sample_rate,
            bit_depth: probe.bit_depth,
            container_bit_depth: probe.container_bit_depth,
            number_of_channels: probe.channels,
            channel_mask: probe.channel_mask,
            format_tag: probe.format_tag,
            chunks_after_data: probe.after_data,
            total_samples: probe.total_samples,
            declared_samples: probe.declared_samples,
            duration_seconds,
            duration,
            duration_source: probe.duration_source,
            bitrate,
            metadata_chunks: probe.metadata_chunks,
            adm: probe.adm,
            adm_tracks: probe.adm_tracks,
            adm_bed_channels: probe.adm_bed_channels,
            adm_objects: probe.adm_objects,
            flac_md5: probe.flac_md5,
            input_sample_rate: probe.input_sample_rate,
            encoder_delay: probe.encoder_delay,
            encoder_padding: probe.encoder_padding,
            tags: probe.tags,
            non_audio: probe.non_audio,
            artwork: probe.artwork,
            pcm_md5: None,
            verification: None,
            qc: None,
            md5: None,
            sha256: None,
            sha1: None,
            errors: probe.findings.errors,
            warnings: probe.findings.warnings,
        }
    }
}

/// What one verifier found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// How the audio was read.
    pub method: Method,
    /// Sample frames per channel decoded, when the stream could be read.
    pub decoded_samples: Option<u64>,
    /// Frames, packets or PCM sample frames read.
    pub frames: u64,
    /// Frames or packets that failed a check.
    pub bad_frames: u64,
    /// MD5 of the decoded audio in FLAC's convention (lossless audio only).
    pub pcm_md5: Option<[u8; 16]>,
    /// Whether `decoded_samples` is the exact playable length and should
    /// replace the header's figure (`durationSource: "decoded"`).
    pub exact: bool,
    /// Problems found.
    pub findings: Findings,
    /// What `--qc` found in the decoded audio.
    pub qc: Option<crate::qc::Qc>,
}

impl Outcome {
    /// Nothing could be read as audio: the probe's findings say why.
    pub(crate) fn unverified() -> Outcome {
        Outcome {
            method: Method::Structure,
            ..Outcome::default()
        }
    }
}

/// How much decoding `--verify` may do for one stream, in proportion to its
/// size: a stream that declares far more audio than its bytes could hold
/// (a few bytes of constant subframes can declare hours of 8-channel
/// 32-bit audio) would otherwise cost minutes of CPU per megabyte.
///
/// The limit is `ratio` bytes of decoded audio per byte of coded audio,
/// and never less than [`Budget::FLOOR`]. Real recordings stay far below
/// the default: masters compress 1.5-4:1, and a whole track of digital
/// silence (the most compressible real audio) about 1,100:1 at 16 bits and
/// 1,800:1 at 32 bits with FLAC's usual 4,096-sample blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Decoded bytes allowed per byte of coded audio.
    pub ratio: u64,
}

impl Budget {
    /// The default ratio (`--verify-budget`).
    pub const DEFAULT_RATIO: u64 = 2048;
    /// Decoded audio any stream may demand, whatever its size (256 MiB:
    /// 25 minutes of CD audio, 4 minutes of 8-channel 24-bit 48 kHz).
    pub const FLOOR: u64 = 256 << 20;
    /// No limit.
    pub const UNLIMITED: Budget = Budget { ratio: u64::MAX };

    /// Decoded bytes allowed for `coded` bytes of audio.
    pub fn allowance(self, coded: u64) -> u64 {
        coded.saturating_mul(self.ratio).max(Budget::FLOOR)
    }
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            ratio: Budget::DEFAULT_RATIO,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_derives_duration_and_bitrate() {
        let probe = Probe {
            file_format: Some(FileFormat::Wav),
            sample_rate: Some(44_100),
            total_samples: Some(9_922_500),
            audio_bytes: Some(9_922_500 * 4),
            ..Probe::default()
        };
        let r = probe.into_record("a.wav".into(), 1);
        assert_eq!(r.duration.as_deref(), Some("PT3M45S"));
        assert_eq!(r.bitrate, Some(1_411_200));
        assert_eq!(r.duration_seconds, Some(225.0));
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["fileFormat"], "WAV");
        assert!(json.get("channelMask").is_none());
        assert!(json["md5"].is_null());
    }
}
