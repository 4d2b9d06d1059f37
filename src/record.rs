//! The technical record: the stable, documented result for one file.
//!
//! Field names are camelCase in JSON and documented in the README; CI users
//! build on them, so fields are added, never renamed. Problems are data
//! ([`Issue`] with a stable snake_case [`Code`]), never panics or early exits.

use serde::{Deserialize, Serialize};
use std::fmt;

pub use crate::tags::Tags;

/// The container, as the record's `fileFormat` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub enum FileFormat {
    /// RIFF (little-endian) or RIFX (big-endian) WAVE.
    #[serde(rename = "WAV")]
    Wav,
    /// EBU Tech 3306 RF64.
    #[serde(rename = "RF64")]
    Rf64,
    /// ITU-R BS.2088 BW64.
    #[serde(rename = "BW64")]
    Bw64,
    /// Apple/EA IFF AIFF.
    #[serde(rename = "AIFF")]
    Aiff,
    /// AIFF-C, with a compression type.
    #[serde(rename = "AIFC")]
    Aifc,
    /// Native FLAC stream.
    #[serde(rename = "FLAC")]
    Flac,
    /// MPEG audio elementary stream (Layers I, II, III), with any tags.
    #[serde(rename = "MP3")]
    Mp3,
    /// Ogg container (Vorbis, Opus, FLAC, Speex).
    #[serde(rename = "OGG")]
    Ogg,
    /// ISO base media / MP4 / M4A / M4B.
    #[serde(rename = "MP4")]
    Mp4,
    /// Sony Wave64 (PCM in GUID-keyed chunks).
    #[serde(rename = "W64")]
    W64,
    /// Apple Core Audio Format (PCM, ALAC, AAC...).
    #[serde(rename = "CAF")]
    Caf,
    /// Sun/NeXT AU (`.snd`).
    #[serde(rename = "AU")]
    Au,
    /// Sony DSD Stream File (1-bit DSD).
    #[serde(rename = "DSF")]
    Dsf,
    /// Philips DSD Interchange File Format (DFF; DSD or DST).
    #[serde(rename = "DSDIFF")]
    Dsdiff,
    /// WavPack (lossless, hybrid or DSD) blocks.
    #[serde(rename = "WavPack")]
    WavPack,
    /// Monkey's Audio.
    #[serde(rename = "APE")]
    Ape,
    /// True Audio (TTA1).
    #[serde(rename = "TTA")]
    Tta,
    /// Tom's lossless Audio Kompressor.
    #[serde(rename = "TAK")]
    Tak,
    /// OptimFROG (lossless or DualStream).
    #[serde(rename = "OptimFROG")]
    OptimFrog,
    /// Shorten (`ajkg`).
    #[serde(rename = "Shorten")]
    Shorten,
    /// Raw AAC: ADTS frames or an ADIF header.
    #[serde(rename = "AAC")]
    Aac,
    /// Dolby AC-3 or E-AC-3 elementary stream.
    #[serde(rename = "AC3")]
    Ac3,
    /// Musepack SV4-SV8.
    #[serde(rename = "Musepack")]
    Musepack,
    /// Advanced Systems Format (WMA).
    #[serde(rename = "ASF")]
    Asf,
    /// Matroska (MKA/MKV) audio.
    #[serde(rename = "Matroska")]
    Matroska,
    /// WebM (the Matroska subset) audio.
    #[serde(rename = "WebM")]
    WebM,
    /// A tracker module (MOD, S3M, XM, IT...).
    #[serde(rename = "Module")]
    Module,
}

impl FileFormat {
    /// The format a record's `fileFormat` name stands for.
    pub fn parse(name: &str) -> Option<FileFormat> {
        [
            FileFormat::Wav,
            FileFormat::Rf64,
            FileFormat::Bw64,
            FileFormat::Aiff,
            FileFormat::Aifc,
            FileFormat::Flac,
            FileFormat::Mp3,
            FileFormat::Ogg,
            FileFormat::Mp4,
            FileFormat::W64,
            FileFormat::Caf,
            FileFormat::Au,
            FileFormat::Dsf,
            FileFormat::Dsdiff,
            FileFormat::WavPack,
            FileFormat::Ape,
            FileFormat::Tta,
            FileFormat::Tak,
            FileFormat::OptimFrog,
            FileFormat::Shorten,
            FileFormat::Aac,
            FileFormat::Ac3,
            FileFormat::Musepack,
            FileFormat::Asf,
            FileFormat::Matroska,
            FileFormat::WebM,
            FileFormat::Module,
        ]
        .into_iter()
        .find(|f| f.as_str() == name)
    }

    /// The name used in records and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            FileFormat::Wav => "WAV",
            FileFormat::Rf64 => "RF64",
            FileFormat::Bw64 => "BW64",
            FileFormat::Aiff => "AIFF",
            FileFormat::Aifc => "AIFC",
            FileFormat::Flac => "FLAC",
            FileFormat::Mp3 => "MP3",
            FileFormat::Ogg => "OGG",
            FileFormat::Mp4 => "MP4",
            FileFormat::W64 => "W64",
            FileFormat::Caf => "CAF",
            FileFormat::Au => "AU",
            FileFormat::Dsf => "DSF",
            FileFormat::Dsdiff => "DSDIFF",
            FileFormat::WavPack => "WavPack",
            FileFormat::Ape => "APE",
            FileFormat::Tta => "TTA",
            FileFormat::Tak => "TAK",
            FileFormat::OptimFrog => "OptimFROG",
            FileFormat::Shorten => "Shorten",
            FileFormat::Aac => "AAC",
            FileFormat::Ac3 => "AC3",
            FileFormat::Musepack => "Musepack",
            FileFormat::Asf => "ASF",
            FileFormat::Matroska => "Matroska",
            FileFormat::WebM => "WebM",
            FileFormat::Module => "Module",
        }
    }
}

impl fmt::Display for FileFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Integer or floating-point samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SampleFormat {
    /// Integer PCM (and companded A-law/mu-law, stored as integers).
    Int,
    /// IEEE 754 floating point.
    Float,
}

/// How `totalSamples` (and so the duration) was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DurationSource {
    /// From a complete header (WAV data length, AIFF COMM, FLAC STREAMINFO).
    Header,
    /// Counted from frame headers without decoding.
    Frames,
    /// From a full decode.
    Decoded,
    /// Estimated: not exact; the messages say how.
    Estimated,
}

/// Error and warning codes. Stable: tools match on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    // Errors.
    /// Zero-byte file.
    EmptyFile,
    /// Content not recognised, or a format this version does not probe.
    UnsupportedFormat,
    /// A required header is missing or malformed.
    InvalidHeader,
    /// The audio data is shorter than the header declares.
    TruncatedData,
    /// No sample count can be derived.
    UnknownDuration,
    /// FLAC frame headers contradict STREAMINFO, or use a forbidden block size.
    InconsistentStream,
    /// FLAC frames carry more samples than STREAMINFO declares.
    SampleCountMismatch,
    /// A metadata block with invalid content.
    InvalidMetadata,
    /// The file could not be opened or read.
    ReadError,
    /// The file changed (was truncated) while it was being read.
    FileChanged,
    /// A PNG chunk whose CRC-32 does not match its type and data.
    ChunkCrcMismatch,
    // Warnings.
    /// The content is not what the file's extension says.
    ExtensionMismatch,
    /// FLAC STREAMINFO MD5 signature is all zeros.
    Md5Unset,
    /// Audio data length is not a whole number of sample frames.
    PartialSampleFrame,
    /// The codec is identified but not measured from its frames.
    UnsupportedCodec,
    /// WAV data size is 0 or 0xFFFFFFFF (streamed): measured to end of file.
    DataSizeUnset,
    /// RIFF/FORM size disagrees with the file size.
    ContainerSizeMismatch,
    /// Bytes after the end of the container or stream.
    TrailingData,
    /// The decoded audio a stream declares is far larger than its bytes
    /// could plausibly hold.
    ImplausibleCompression,
    /// `--verify` stopped before the end: the work the file demands is out
    /// of proportion to its size.
    NotVerified,
    /// A non-audio chunk runs past the end of the file.
    TruncatedChunk,
    /// Redundant header fields disagree with each other.
    InconsistentHeader,
    /// An ID3v2 tag precedes a FLAC stream.
    LeadingId3,
    /// An AIFF sample rate with a fractional part.
    NonIntegerSampleRate,
    /// One of the two ADM chunks (`chna`, `axml` with ADM) without the other.
    IncompleteAdm,
    /// A `chna` or `axml` chunk whose content cannot be read as ADM.
    InvalidAdm,
    /// FLAC frames change rate, channels or bit depth mid-stream.
    StreamParametersChange,
    /// FLAC stream without the `fLaC` marker and STREAMINFO.
    NoStreamHeader,
    /// RF64/BW64 without a `ds64` chunk.
    MissingDs64,
    /// Bytes before the first MPEG frame that are neither a tag nor audio.
    LeadingData,
    /// An Ogg page whose CRC does not match.
    BadPageCrc,
    /// Ogg pages missing or out of sequence.
    PageSequence,
    /// Several Ogg logical streams one after another.
    ChainedStreams,
    /// Several Ogg logical streams interleaved.
    MultiplexedStreams,
    /// A Xing/VBRI/LAME figure that contradicts the frames.
    VbrHeaderMismatch,
    /// A fragmented MP4 (`moof`), measured from its fragments or not at all.
    FragmentedMp4,
    /// Bytes inside an MPEG audio stream that are not frames (sync lost).
    CorruptFrames,
    /// A RIFF chunk id that is not four printable ASCII characters (spaces only as trailing padding).
    InvalidChunkId,
    /// A WAV `data` chunk before its `fmt ` chunk.
    ChunkOrder,
    /// Bytes inside the container, after its last chunk, that are no chunk.
    StrayBytes,
    /// A `fmt ` chunk with bytes its format does not define.
    FmtExtraBytes,
    /// A `bext` chunk whose version is not 0, 1 or 2.
    UnknownBextVersion,
    // Verification (`--verify`).
    /// A frame or packet that does not decode.
    DecodeError,
    /// A frame whose checksum (FLAC CRC-16, MPEG CRC-16) does not match.
    FrameCrcMismatch,
    /// The decoded audio's MD5 differs from the one the file declares
    /// (FLAC STREAMINFO, BWF `MD5 ` chunk).
    Md5Mismatch,
    /// Ogg granule positions that go backwards or jump; Matroska block
    /// timestamps that go backwards.
    GranuleDiscontinuity,
    /// The codec has no decoder here: only the stream's structure was verified.
    NotDecoded,
    /// A hybrid stream (WavPack hybrid, OptimFROG DualStream): lossy alone,
    /// lossless only with its correction file.
    LossyHybrid,
}

impl Code {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::EmptyFile => "empty_file",
            Code::UnsupportedFormat => "unsupported_format",
            Code::InvalidHeader => "invalid_header",
            Code::TruncatedData => "truncated_data",
            Code::UnknownDuration => "unknown_duration",
            Code::InconsistentStream => "inconsistent_stream",
            Code::SampleCountMismatch => "sample_count_mismatch",
            Code::InvalidMetadata => "invalid_metadata",
            Code::ReadError => "read_error",
            Code::FileChanged => "file_changed",
            Code::ChunkCrcMismatch => "chunk_crc_mismatch",
            Code::ExtensionMismatch => "extension_mismatch",
            Code::Md5Unset => "md5_unset",
            Code::PartialSampleFrame => "partial_sample_frame",
            Code::UnsupportedCodec => "unsupported_codec",
            Code::DataSizeUnset => "data_size_unset",
            Code::ContainerSizeMismatch => "container_size_mismatch",
            Code::TrailingData => "trailing_data",
            Code::ImplausibleCompression => "implausible_compression",
            Code::NotVerified => "not_verified",
            Code::TruncatedChunk => "truncated_chunk",
            Code::InconsistentHeader => "inconsistent_header",
            Code::LeadingId3 => "leading_id3",
            Code::NonIntegerSampleRate => "non_integer_sample_rate",
            Code::IncompleteAdm => "incomplete_adm",
            Code::InvalidAdm => "invalid_adm",
            Code::StreamParametersChange => "stream_parameters_change",
            Code::NoStreamHeader => "no_stream_header",
            Code::MissingDs64 => "missing_ds64",
            Code::LeadingData => "leading_data",
            Code::BadPageCrc => "bad_page_crc",
            Code::PageSequence => "page_sequence",
            Code::ChainedStreams => "chained_streams",
            Code::MultiplexedStreams => "multiplexed_streams",
            Code::VbrHeaderMismatch => "vbr_header_mismatch",
            Code::FragmentedMp4 => "fragmented_mp4",
            Code::CorruptFrames => "corrupt_frames",
            Code::InvalidChunkId => "invalid_chunk_id",
            Code::ChunkOrder => "chunk_order",
            Code::StrayBytes => "stray_bytes",
            Code::FmtExtraBytes => "fmt_extra_bytes",
            Code::UnknownBextVersion => "unknown_bext_version",
            Code::DecodeError => "decode_error",
            Code::FrameCrcMismatch => "frame_crc_mismatch",
            Code::Md5Mismatch => "md5_mismatch",
            Code::GranuleDiscontinuity => "granule_discontinuity",
            Code::NotDecoded => "not_decoded",
            Code::LossyHybrid => "lossy_hybrid",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding: a stable code and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Issue {
    /// Stable snake_case code.
    pub code: Code,
    /// What was found, with the figures involved.
    pub message: String,
}

/// A problem with the inputs of a run rather than with one file's content:
/// a path that cannot be walked or read, a directory with nothing to
/// measure, metadata that describes no file. Each makes the run exit
/// non-zero and is named in the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputProblem {
    /// The path as the user gave it or as the walk found it.
    pub path: String,
    /// Stable snake_case code.
    pub code: InputCode,
    /// What was found and what to do.
    pub message: String,
}

/// The stable codes of [`InputProblem`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputCode {
    /// A path given (on the command line or on standard input) that does
    /// not exist.
    NotFound,
    /// A directory (or a path inside one) that cannot be listed or read.
    UnreadableDirectory,
    /// A symbolic link that leads back to one of its own parents.
    LinkLoop,
    /// A directory given with no file to measure in it.
    NoAudioFiles,
    /// A character or block device, FIFO or socket named explicitly: only
    /// regular files are read.
    NotARegularFile,
    /// Declared metadata (a manifest row, a sidecar) for an audio file that
    /// is not among the inputs.
    MetadataWithoutAudio,
}

impl InputCode {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            InputCode::NotFound => "not_found",
            InputCode::UnreadableDirectory => "unreadable_directory",
            InputCode::LinkLoop => "link_loop",
            InputCode::NoAudioFiles => "no_audio_files",
            InputCode::NotARegularFile => "not_a_regular_file",
            InputCode::MetadataWithoutAudio => "metadata_without_audio",
        }
    }
}

impl fmt::Display for InputCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How many findings of one code a file lists; beyond it, the last one
/// listed says how many more there were. A damaged file can hold hundreds
/// of thousands of bad frames, and a report of them all helps nobody.
pub const MAX_FINDINGS_PER_CODE: usize = 20;

/// Errors and warnings collected while probing, at most
/// [`MAX_FINDINGS_PER_CODE`] per code and kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    /// Problems that make the measurement unusable or the file undeliverable.
    pub errors: Vec<Issue>,
    /// Problems worth knowing that do not invalidate the measurement.
    pub warnings: Vec<Issue>,
    /// Findings not listed, by code and kind (`true`: error).
    unlisted: Vec<(Code, bool, u64)>,
}

impl Findings {
    /// Record an error.
    pub fn error(&mut self, code: Code, message: impl Into<String>) {
        Findings::add(&mut self.errors, &mut self.unlisted, true, code, message);
    }

    /// Record a warning.
    pub fn warn(&mut self, code: Code, message: impl Into<String>) {
        Findings::add(&mut self.warnings, &mut self.unlisted, false, code, message);
    }

    fn add(
        list: &mut Vec<Issue>,
        unlisted: &mut Vec<(Code, bool, u64)>,
        error: bool,
        code: Code,
        message: impl Into<String>,
    ) {
        if list.iter().filter(|i| i.code == code).count() < MAX_FINDINGS_PER_CODE {
            list.push(Issue {
                code,
                message: message.into(),
            });
            return;
        }
        // The last listed finding of this code becomes the count of the
        // ones not listed (itself included).
        let more = match unlisted
            .iter_mut()
            .find(|(c, e, _)| *c == code && *e == error)
        {
            Some(entry) => {
                entry.2 += 1;
                entry.2
            }
            None => {
                unlisted.push((code, error, 2));
                2
            }
        };
        if let Some(last) = list.iter_mut().rev().find(|i| i.code == code) {
            last.message = format!(
                "... and {more} more {code} findings in this file, not listed (the first {} are)",
                MAX_FINDINGS_PER_CODE - 1
            );
        }
    }

    /// Whether an error with `code` was recorded.
    pub fn has_error(&self, code: Code) -> bool {
        self.errors.iter().any(|i| i.code == code)
    }
}

/// The verdict of a verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Every frame read and checked, nothing found.
    Ok,
    /// Warnings only: the audio is intact.
    Warning,
    /// Frames that do not decode or whose checksums fail, or audio that
    /// differs from its declared MD5.
    Corrupt,
    /// The audio ends before the container or stream header says it does.
    Truncated,
    /// The walk stopped before the end because the file demands work out
    /// of proportion to its size (`not_verified`): nothing is known of the
    /// rest. Also a tracker module, which holds no audio to verify.
    Unverified,
}

/// How the audio was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Every frame or packet was decoded.
    #[default]
    Decoded,
    /// Uncompressed PCM: every byte of the data was read (there is nothing
    /// to decode).
    Pcm,
    /// No decoder for this codec here: the stream's structure (pages,
    /// packets, sample tables) was checked, not the audio inside.
    Structure,
}

/// The `verification` object of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Verification {
    /// `ok`, `warning`, `corrupt`, `truncated` or `unverified`.
    pub status: Status,
    /// `decoded`, `pcm` or `structure`.
    pub method: Method,
    /// Sample frames per channel decoded (or read, for PCM).
    pub decoded_samples: Option<u64>,
    /// Frames, packets or (PCM) sample frames read.
    pub frames: u64,
    /// Frames or packets that failed a check (bad CRC, decode error).
    pub bad_frames: u64,
}

/// A JPEG or PNG image measured from its content: what delivery rules on
/// cover art look at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Artwork {
    /// `JPEG` or `PNG`.
    pub format: String,
    /// Pixels.
    pub width: u32,
    /// Pixels.
    pub height: u32,
    /// `RGB`, `Grayscale`, `CMYK`, `YCCK` or `Indexed`.
    pub color_space: String,
    /// Bits per sample of one component (8 for ordinary JPEG, 1-16 for PNG).
    pub bit_depth: u32,
    /// Components per pixel as stored (alpha included).
    pub components: u32,
    /// Whether the image has an alpha channel (or PNG transparency).
    pub alpha: bool,
    /// JPEG progressive, or PNG Adam7 interlaced.
    pub progressive: bool,
    /// The embedded ICC profile's description, or `embedded` when it has
    /// none that can be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icc_profile: Option<String>,
    /// EXIF orientation (1-8), when the image carries one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orientation: Option<u16>,
}

/// The technical record of one file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Record {
    /// Path as given, or relative to the scanned directory.
    pub path: String,
    /// The bytes of that path in hex, when they are not UTF-8 (`path` then
    /// shows them with U+FFFD and cannot be turned back into the name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path_bytes: Option<String>,
    /// File size in bytes.
    pub size_bytes: u64,
    /// Container format.
    pub file_format: Option<FileFormat>,
    /// What the file is when it is clearly not audio (an image, a PDF,
    /// text...): named, with no error, unless its name promises audio.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub non_audio: Option<crate::formats::nonaudio::NonAudio>,
    /// What a JPEG or PNG image is, measured from its content (cover art).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artwork: Option<Artwork>,
    /// DDEX AudioCodecType word (`PCM`, `FLAC`, `ALaw`, `MuLaw`) or a plain name.
    pub audio_codec: Option<String>,
    /// `int` or `float`.
    pub sample_format: Option<SampleFormat>,
    /// Hz.
    pub sample_rate: Option<u32>,
    /// Valid bits per sample.
    pub bit_depth: Option<u32>,
    /// Storage bits per sample, when different from `bitDepth`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_bit_depth: Option<u32>,
    /// Channel count.
    pub number_of_channels: Option<u32>,
    /// Speaker mask from WAVE_FORMAT_EXTENSIBLE.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel_mask: Option<u32>,
    /// The `fmt ` chunk's format tag (WAV, RF64, BW64): 1 PCM, 3 IEEE
    /// float, 0xFFFE (65534) WAVE_FORMAT_EXTENSIBLE...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format_tag: Option<u16>,
    /// Chunks after the start of the data chunk, in file order (WAV, RF64,
    /// BW64); some services accept nothing but audio there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chunks_after_data: Vec<String>,
    /// Sample frames per channel.
    pub total_samples: Option<u64>,
    /// The header's figure, when it differs from what the file holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared_samples: Option<u64>,
    /// `totalSamples / sampleRate`.
    pub duration_seconds: Option<f64>,
    /// ISO 8601, rounded to the millisecond.
    pub duration: Option<String>,
    /// How `totalSamples` was obtained.
    pub duration_source: Option<DurationSource>,
    /// Average bits per second of the audio data.
    pub bitrate: Option<u64>,
    /// Metadata chunks or blocks present.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metadata_chunks: Vec<String>,
    /// `true` when the file describes its tracks with ADM (ITU-R BS.2076):
    /// both a `chna` and an `axml` chunk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adm: Option<bool>,
    /// Tracks the `chna` chunk assigns an ADM track UID (distinct track
    /// indexes), with `adm`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adm_tracks: Option<u32>,
    /// Of those, tracks whose pack format is DirectSpeakers (type `0001`):
    /// bed channels, with `adm`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adm_bed_channels: Option<u32>,
    /// `audioObject` elements of the `axml` chunk that refer to an Objects
    /// pack format (type `0003`), when the XML is well-formed ADM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adm_objects: Option<u32>,
    /// FLAC STREAMINFO MD5 signature of the decoded audio.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flac_md5: Option<String>,
    /// The encoder's input rate (Opus), when it differs from `sampleRate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_sample_rate: Option<u32>,
    /// Priming samples removed at the start to get `totalSamples`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoder_delay: Option<u64>,
    /// Padding samples removed at the end to get `totalSamples`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoder_padding: Option<u64>,
    /// Descriptive tags the file carries.
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
    /// MD5 of the decoded audio in FLAC's convention (`--verify`, lossless
    /// sources): equal for the same master in any lossless container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pcm_md5: Option<String>,
    /// What `--verify` found by reading every frame.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
    /// What `--qc` measured in the decoded audio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qc: Option<crate::qc::Qc>,
    /// MD5 of the whole file, lowercase hex.
    pub md5: Option<String>,
    /// SHA-256 of the whole file, lowercase hex.
    pub sha256: Option<String>,
    /// SHA-1 of the whole file, lowercase hex: only when asked for (`audit`
    /// of a message stating SHA-1 digests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha1: Option<String>,
    /// Errors: the file cannot be trusted or delivered as it is.
    pub errors: Vec<Issue>,
    /// Warnings.
    pub warnings: Vec<Issue>,
}

impl Record {
    /// A record for a file that could not be probed at all.
    pub fn failed(path: String, size_bytes: u64, code: Code, message: String) -> Record {
        Record {
            path,
            size_bytes,
            errors: vec![Issue { code, message }],
            ..Record::default()
        }
    }

    /// Whether the file is audio (or was meant to be): every record but
    /// those of files named as images, documents or text.
    pub fn is_audio(&self) -> bool {
        !self.is_artwork() && (self.non_audio.is_none() || self.has_errors())
    }

    /// Whether the file is cover art: a JPEG or PNG image (measured in
    /// `artwork`, or too damaged to be) not named as audio.
    pub fn is_artwork(&self) -> bool {
        self.non_audio
            .as_ref()
            .is_some_and(|n| crate::formats::artwork::FORMATS.contains(&n.format))
            && !self
                .errors
                .iter()
                .any(|e| e.code == Code::UnsupportedFormat)
    }

    /// Whether the record carries an error.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_are_capped_per_code_with_a_count_of_the_rest() {
        let mut f = Findings::default();
        for i in 0..250_000 {
            f.warn(Code::FrameCrcMismatch, format!("frame {i}"));
            if i < 3 {
                f.warn(Code::LeadingData, "junk");
            }
        }
        f.error(Code::DecodeError, "one");
        assert_eq!(f.warnings.len(), MAX_FINDINGS_PER_CODE + 3);
        let crc: Vec<_> = f
            .warnings
            .iter()
            .filter(|i| i.code == Code::FrameCrcMismatch)
            .collect();
        assert_eq!(crc[0].message, "frame 0");
        assert_eq!(crc[18].message, "frame 18");
        assert_eq!(
            crc[19].message,
            "... and 249981 more frame_crc_mismatch findings in this file, not listed (the first 19 are)"
        );
        assert_eq!(f.errors.len(), 1);
    }

    #[test]
    fn codes_serialize_as_their_stable_names() {
        let all = [
            Code::EmptyFile,
            Code::UnsupportedFormat,
            Code::InvalidHeader,
            Code::TruncatedData,
            Code::UnknownDuration,
            Code::InconsistentStream,
            Code::SampleCountMismatch,
            Code::InvalidMetadata,
            Code::ReadError,
            Code::FileChanged,
            Code::ChunkCrcMismatch,
            Code::ExtensionMismatch,
            Code::Md5Unset,
            Code::PartialSampleFrame,
            Code::UnsupportedCodec,
            Code::DataSizeUnset,
            Code::ContainerSizeMismatch,
            Code::TrailingData,
            Code::ImplausibleCompression,
            Code::NotVerified,
            Code::TruncatedChunk,
            Code::InconsistentHeader,
            Code::LeadingId3,
            Code::NonIntegerSampleRate,
            Code::IncompleteAdm,
            Code::InvalidAdm,
            Code::StreamParametersChange,
            Code::NoStreamHeader,
            Code::MissingDs64,
            Code::LeadingData,
            Code::BadPageCrc,
            Code::PageSequence,
            Code::ChainedStreams,
            Code::MultiplexedStreams,
            Code::VbrHeaderMismatch,
            Code::FragmentedMp4,
            Code::CorruptFrames,
            Code::InvalidChunkId,
            Code::ChunkOrder,
            Code::StrayBytes,
            Code::FmtExtraBytes,
            Code::UnknownBextVersion,
            Code::DecodeError,
            Code::FrameCrcMismatch,
            Code::Md5Mismatch,
            Code::GranuleDiscontinuity,
            Code::NotDecoded,
            Code::LossyHybrid,
        ];
        for code in all {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
        let inputs = [
            InputCode::NotFound,
            InputCode::UnreadableDirectory,
            InputCode::LinkLoop,
            InputCode::NoAudioFiles,
            InputCode::NotARegularFile,
            InputCode::MetadataWithoutAudio,
        ];
        for code in inputs {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }
}
