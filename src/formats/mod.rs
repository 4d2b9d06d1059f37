//! Format detection and the one probing entry point.
//!
//! The content decides: [`detect`] reads magic bytes (and, for FLAC, a leading
//! ID3v2 tag and frame sync codes) and never looks at the file name. The
//! extension is only a hint: when it names another format than the content,
//! the record gets an `extension_mismatch` warning. Content of a format this
//! version does not measure (MIDI, AMR...) is named in an
//! `unsupported_format` error rather than "unknown". One exception: legacy
//! Musepack (SV4-SV6) has no magic bytes, and is taken as such only when
//! nothing else is recognised, its header word is valid and the file is
//! named `.mpc`, `.mp+` or `.mpp`.

pub mod aac;
pub mod ac3;
pub mod ape;
pub mod artwork;
pub mod asf;
pub mod au;
pub mod caf;
pub mod crc;
pub(crate) mod decode;
pub mod dsd;
pub(crate) mod elementary;
pub mod flac;
pub mod matroska;
pub mod module;
pub mod mp4;
pub mod mpeg;
pub mod musepack;
pub mod nonaudio;
pub mod ogg;
pub mod optimfrog;
pub mod pcm;
mod probe;
pub mod riff;
pub mod shorten;
pub mod tak;
pub mod tta;
pub mod verify;
pub mod w64;
pub mod wavpack;

pub use probe::{Budget, Layout, Outcome, Probe};
pub use riff::RiffForm;

use crate::io::reader::Bytes;
use crate::record::Code;

/// What the first bytes of a file say it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detected {
    /// A WAVE file in one of the RIFF forms.
    Wave(RiffForm),
    /// AIFF (`false`) or AIFF-C (`true`).
    Aiff(bool),
    /// A FLAC stream whose `fLaC` marker is at this offset (after ID3v2).
    Flac(u64),
    /// A FLAC stream without `fLaC` and metadata, starting with a frame
    /// header at this offset (after junk when not 0).
    FlacFrames(u64),
    /// MPEG audio; the first frame (or the junk before it) is at this offset,
    /// after any ID3v2 tags.
    Mpeg(u64),
    /// An Ogg stream.
    Ogg,
    /// An ISO base media file (MP4, M4A, M4B, QuickTime).
    Mp4,
    /// WavPack blocks, the first at this offset (after ID3v2).
    WavPack(u64),
    /// Monkey's Audio, its `MAC ` at this offset (after ID3v2).
    Ape(u64),
    /// TTA, its `TTA1` at this offset (after ID3v2).
    Tta(u64),
    /// Shorten, its `ajkg` at this offset (after ID3v2).
    Shorten(u64),
    /// OptimFROG, its `OFR ` at this offset (after ID3v2).
    OptimFrog(u64),
    /// TAK, its `tBaK` at this offset (after ID3v2).
    Tak(u64),
    /// Raw AAC (ADTS frames or an ADIF header) after any ID3v2 tags, which
    /// end at this offset.
    Aac(u64),
    /// An AC-3 or E-AC-3 elementary stream whose first frame is at this
    /// offset (after any ID3v2 tags).
    Ac3(u64),
    /// An ASF file (WMA).
    Asf,
    /// Sony Wave64.
    W64,
    /// Apple Core Audio Format.
    Caf,
    /// Sun/NeXT audio.
    Au,
    /// Sony DSF (DSD).
    Dsf,
    /// Philips DSDIFF (DSD or DST).
    Dsdiff,
    /// An EBML file: Matroska or WebM.
    Matroska,
    /// A tracker module (named, not measured: a score, not audio).
    Module(module::Tracker),
    /// Musepack: `MPCK` (SV8), `MP+` (SV7) or, only in a file named so, a
    /// legacy SV4-SV6 header, at this offset (after ID3v2).
    Musepack(u64),
    /// A known format that this version does not measure.
    Unsupported(&'static str),
    /// Clearly not audio: an image, a PDF, an archive, text.
    NonAudio(nonaudio::NonAudio),
    /// Nothing recognised.
    Unknown,
    /// Zero bytes.
    Empty,
}

/// How many bytes at the start of a file detection looks at (plus any
/// ID3v2 tags it skips).
const SNIFF: u64 = 4096;

/// How far into a file junk before MPEG audio is searched for a frame sync.
const MPEG_JUNK: u64 = 64 << 10;

/// Identify the content of a file.
pub fn detect<'a>(bytes: impl Into<Bytes<'a>>) -> Detected {
    detect_named(bytes, None)
}

/// Identify the content of a file whose name ends in `ext` (which only
/// decides whether a short text is taken as text).
pub fn detect_named<'a>(bytes: impl Into<Bytes<'a>>, ext: Option<&str>) -> Detected {
    let bytes = bytes.into();
    if bytes.is_empty() {
        return Detected::Empty;
    }
    let buf = bytes.get_up_to(0, SNIFF);
    if let Some(other) = nonaudio::detect(bytes) {
        return Detected::NonAudio(other);
    }
    if let Some(found) = sniff(bytes, 0) {
        return found;
    }
    if let Some(tracker) = module::detect(buf) {
        return Detected::Module(tracker);
    }
    // Another container is that container (named, possibly damaged): the
    // frame searches below must not claim its contents as MPEG or FLAC.
    if let Some(name) = foreign_container(buf) {
        return Detected::Unsupported(name);
    }
    // Skip ID3v2 tags (there may be several), then the zero padding some
    // taggers leave after them, and look again for every known format:
    // Monkey's Audio, TTA, Musepack and FLAC files carry ID3v2 as often as
    // MP3 does.
    if let Some(pos) = crate::tags::id3v2::leading_end(bytes) {
        let after = pos + crate::tags::id3v2::zeros_at(bytes, pos, SNIFF);
        if let Some(found) = sniff(bytes, after) {
            return found;
        }
        if let Some(name) = foreign_container(bytes.get_up_to(after, SNIFF)) {
            return Detected::Unsupported(name);
        }
        // ADTS frames, perhaps behind a few bytes of junk (MPEG audio,
        // whose layer is never 0, cannot be read as ADTS).
        if !is_mpeg_audio(bytes.get_up_to(after, SNIFF))
            && aac::adts_within(bytes, after, aac::ADTS_JUNK).is_some()
        {
            return Detected::Aac(pos);
        }
        if let Some(found) = legacy_musepack(bytes, after, ext) {
            return found;
        }
        return Detected::Mpeg(pos);
    }
    if flac::parse_frame_header(bytes, 0).is_some() {
        return Detected::FlacFrames(0);
    }
    if is_mpeg_audio(buf) {
        return Detected::Mpeg(0);
    }
    if aac::adts_at(bytes, 0) {
        return Detected::Aac(0);
    }
    // Before the searches through junk, which find frame syncs by chance
    // in Musepack's bit-packed frames.
    if let Some(found) = legacy_musepack(bytes, 0, ext) {
        return found;
    }
    // Last: MPEG audio behind a few bytes of junk.
    if mpeg::sync_within(bytes, MPEG_JUNK) {
        return Detected::Mpeg(0);
    }
    // Last: FLAC frames behind junk, as a stream captured mid-way starts.
    if let Some(at) = flac_frame_within(bytes, FLAC_JUNK) {
        return Detected::FlacFrames(at);
    }
    if let Some(text) = nonaudio::text(bytes, ext) {
        return Detected::NonAudio(text);
    }
    Detected::Unknown
}

/// The formats recognised by magic bytes at `pos` (the start of the file,
/// or the end of its ID3v2 tags).
fn sniff(bytes: Bytes<'_>, pos: u64) -> Option<Detected> {
    let buf = bytes.get_up_to(pos, 64);
    let at = |from: usize, n: usize| buf.get(from..from + n);
    let tag = (at(0, 4), at(8, 4));
    if pos == 0 {
        match tag {
            (Some(b"RIFF"), Some(b"WAVE")) => return Some(Detected::Wave(RiffForm::Riff)),
            (Some(b"RIFX"), Some(b"WAVE")) => return Some(Detected::Wave(RiffForm::Rifx)),
            (Some(b"RF64"), Some(b"WAVE")) => return Some(Detected::Wave(RiffForm::Rf64)),
            (Some(b"BW64"), Some(b"WAVE")) => return Some(Detected::Wave(RiffForm::Bw64)),
            (Some(b"FORM"), Some(b"AIFF")) => return Some(Detected::Aiff(false)),
            (Some(b"FORM"), Some(b"AIFC")) => return Some(Detected::Aiff(true)),
            (Some(b"RIFF"), Some(_)) => {
                return Some(Detected::Unsupported("RIFF (not WAVE)"));
            }
            (Some(b"FORM"), Some(_)) => return Some(Detected::Unsupported("IFF (not AIFF)")),
            _ => {}
        }
        if w64::is_w64(buf) {
            return Some(Detected::W64);
        }
        if at(0, 4) == Some(b"FRM8") && at(12, 4) == Some(b"DSD ") {
            return Some(Detected::Dsdiff);
        }
    }
    // Formats taggers also put an ID3v2 tag in front of.
    match at(0, 4) {
        Some(b".snd") => return Some(Detected::Au),
        Some(b"caff") => return Some(Detected::Caf),
        Some(b"DSD ") if at(28, 4) == Some(b"fmt ") => return Some(Detected::Dsf),
        _ => {}
    }
    if at(0, 4) == Some(b"fLaC") {
        return Some(Detected::Flac(pos));
    }
    if at(0, 4) == Some(b"ADIF") {
        return Some(Detected::Aac(pos));
    }
    if at(0, 2) == Some(&[0x0B, 0x77]) && ac3::ac3_at(bytes, pos) {
        return Some(Detected::Ac3(pos));
    }
    if pos == 0 && at(0, 4) == Some(&asf::HEADER[..4]) && at(0, 16).is_none_or(|g| g == asf::HEADER)
    {
        return Some(Detected::Asf);
    }
    if pos == 0 && at(0, 4) == Some(b"OggS") {
        return Some(Detected::Ogg);
    }
    if matroska::is_ebml(buf) {
        return Some(Detected::Matroska);
    }
    if pos == 0
        && matches!(
            at(4, 4),
            Some(b"ftyp" | b"moov" | b"mdat" | b"wide" | b"free" | b"skip")
        )
    {
        return Some(Detected::Mp4);
    }
    if at(0, 4) == Some(b"wvpk") {
        return Some(Detected::WavPack(pos));
    }
    if at(0, 4) == Some(b"MAC ") {
        return Some(Detected::Ape(pos));
    }
    if at(0, 4) == Some(b"OFR ") {
        return Some(Detected::OptimFrog(pos));
    }
    if at(0, 4) == Some(b"tBaK") {
        return Some(Detected::Tak(pos));
    }
    if at(0, 4) == Some(b"TTA1") {
        return Some(Detected::Tta(pos));
    }
    if at(0, 4) == Some(b"ajkg") {
        return Some(Detected::Shorten(pos));
    }
    if at(0, 4) == Some(b"MPCK") || at(0, 3) == Some(b"MP+") {
        return Some(Detected::Musepack(pos));
    }
    let magic: [(&[u8], &'static str); 2] = [(b"MThd", "MIDI"), (b"#!AMR", "AMR")];
    for (m, name) in magic {
        if buf.starts_with(m) {
            return Some(Detected::Unsupported(name));
        }
    }
    None
}

/// Container formats this version does not measure, by the magic at the
/// start of `buf`: a file that starts with one is that container, never
/// MPEG or FLAC frames found by searching through it.
fn foreign_container(buf: &[u8]) -> Option<&'static str> {
    const AT_START: [(&[u8], &str); 6] = [
        (b"FRM8", "DSDIFF (DSD audio)"),
        (b"tBaK", "TAK"),
        (b"OFR ", "OptimFROG"),
        (b"ADIF", "AAC (ADIF)"),
        (b"riff\x2e\x91\xcf\x11", "W64 (Sony Wave64)"),
        (b"TTA2", "TTA"),
    ];
    if let Some((_, name)) = AT_START.iter().find(|(m, _)| buf.starts_with(m)) {
        return Some(name);
    }
    None
}

/// A legacy Musepack (SV4-SV6) header at `pos` of a file named `.mpc`,
/// `.mp+` or `.mpp`, that is not MPEG audio: SV4-SV6 has no magic bytes,
/// so the name decides between it and "unknown" (the probe says so).
fn legacy_musepack(bytes: Bytes<'_>, pos: u64, ext: Option<&str>) -> Option<Detected> {
    let named = ext.is_some_and(|e| {
        ["mpc", "mp+", "mpp"]
            .iter()
            .any(|m| m.eq_ignore_ascii_case(e))
    });
    let buf = bytes.get_up_to(pos, SNIFF);
    (named && !is_mpeg_audio(buf) && musepack::legacy_header(buf).is_some())
        .then_some(Detected::Musepack(pos))
}

/// How far into a file junk before a FLAC frame is searched for.
const FLAC_JUNK: u64 = 64 << 10;

/// The first offset within `limit` where a FLAC frame header starts a frame
/// that decodes with a matching CRC-16: a sync code and a CRC-8 alone are
/// found by chance in any large file, a whole frame is not.
fn flac_frame_within(bytes: Bytes<'_>, limit: u64) -> Option<u64> {
    let window = bytes.get(0, bytes.len().min(limit))?;
    let mut decoder = crate::formats::flac::decoder::Decoder::new();
    let mut tried = 0;
    for i in 0..window.len().saturating_sub(1) {
        if window[i] != 0xFF || window[i + 1] & 0xFE != 0xF8 {
            continue;
        }
        let Some(h) = flac::parse_frame_header(Bytes::full(window), i as u64) else {
            continue;
        };
        if h.rate.is_none() || h.bits.is_none() {
            continue;
        }
        if decoder
            .decode(&window[i..], &h, None)
            .is_ok_and(|f| f.crc_ok)
        {
            return Some(i as u64);
        }
        tried += 1;
        if tried == 64 {
            break;
        }
    }
    None
}

/// Two consecutive MPEG audio frame headers at the start (or one that
/// fills what there is).
fn is_mpeg_audio(buf: &[u8]) -> bool {
    let frame_len = |h: &[u8]| {
        mpeg::FrameHeader::parse(h)?
            .frame_len()
            .and_then(|n| usize::try_from(n).ok())
            .filter(|&n| n >= 4)
    };
    match frame_len(buf) {
        Some(len) => buf.get(len..).and_then(frame_len).is_some() || buf.len() <= len,
        None => false,
    }
}

/// Probe a file seen through `bytes` (its whole content, or head and tail
/// windows: see [`Bytes`]); `ext` is the file name's extension (a hint
/// only: the content decides).
pub fn probe<'a>(bytes: impl Into<Bytes<'a>>, ext: Option<&str>) -> Probe {
    let buf = bytes.into();
    let detected = detect_named(buf, ext);
    let mut p = match detected {
        Detected::Wave(form) => riff::wav::probe(buf, form),
        Detected::Aiff(aifc) => riff::aiff::probe(buf, aifc),
        Detected::Flac(start) => flac::probe(buf, start),
        Detected::FlacFrames(at) => flac::probe_frames_only(buf, at),
        Detected::Mpeg(start) => mpeg::probe(buf, start),
        Detected::Ogg => ogg::probe(buf),
        Detected::Mp4 => mp4::probe(buf),
        Detected::WavPack(start) => wavpack::probe(buf, start),
        Detected::Ape(start) => ape::probe(buf, start),
        Detected::Tta(start) => tta::probe(buf, start),
        Detected::Shorten(start) => shorten::probe(buf, start),
        Detected::OptimFrog(start) => optimfrog::probe(buf, start),
        Detected::Tak(start) => tak::probe(buf, start),
        Detected::Aac(start) => aac::probe(buf, start),
        Detected::Ac3(start) => ac3::probe(buf, start),
        Detected::Asf => asf::probe(buf),
        Detected::W64 => w64::probe(buf),
        Detected::Caf => caf::probe(buf),
        Detected::Au => au::probe(buf),
        Detected::Dsf => dsd::dsf::probe(buf),
        Detected::Dsdiff => dsd::dsdiff::probe(buf),
        Detected::Matroska => matroska::probe(buf),
        Detected::Module(tracker) => module::probe(buf.get_up_to(0, SNIFF), tracker),
        Detected::Musepack(start) => musepack::probe(buf, start),
        Detected::Empty => {
            let mut p = Probe::default();
            p.findings
                .error(Code::EmptyFile, "the file is empty (0 bytes)");
            return p;
        }
        Detected::Unsupported(name) => {
            let mut p = Probe::default();
            p.findings.error(
                Code::UnsupportedFormat,
                format!("the content is {name}, which this version does not measure"),
            );
            p
        }
        Detected::NonAudio(other) => {
            let mut p = Probe::default();
            // Named for what it is; an error only when the name promises
            // audio.
            let row = ext.and_then(extension);
            let promised = row
                .filter(|e| !e.is_artwork() && (!e.holds.is_empty() || e.walked))
                .is_some();
            if let Some(ext) = ext.filter(|_| promised) {
                p.findings.error(
                    Code::UnsupportedFormat,
                    format!(
                        "the content is {}, not audio, though the file is named .{ext}",
                        other.describe()
                    ),
                );
            }
            if let (Some(ext), Some(row)) = (ext, row.filter(|r| r.is_artwork()))
                && !row.holds.contains(&other.format)
            {
                p.findings.warn(
                    Code::ExtensionMismatch,
                    format!(
                        "the file is named .{ext} but its content is {}",
                        other.describe()
                    ),
                );
            }
            // Cover art: the whole image walked and measured.
            if let Some(m) = artwork::probe(buf, other.format) {
                p.artwork = m.artwork;
                p.findings.errors.extend(m.findings.errors);
                p.findings.warnings.extend(m.findings.warnings);
            }
            p.non_audio = Some(other);
            return p;
        }
        Detected::Unknown => {
            let mut p = Probe::default();
            p.findings.error(
                Code::UnsupportedFormat,
                format!(
                    "unrecognised content ({})",
                    describe_start(buf.get_up_to(0, 16))
                ),
            );
            return p;
        }
    };
    if let Some(ext) = ext {
        check_extension(&mut p, &detected, ext);
    }
    p
}

/// A group of file name extensions.
#[derive(Debug)]
pub struct Extension {
    /// The extensions, lowercase.
    pub names: &'static [&'static str],
    /// What content they promise: `fileFormat` names, or the names of
    /// formats this version does not measure. Empty: known as audio, but
    /// content is not compared with it.
    pub holds: &'static [&'static str],
    /// Whether a directory walk takes such files (without `--all`).
    pub walked: bool,
}

/// Every extension ddexprobe knows: the one table that directory walks
/// and the `extension_mismatch` warning read.
pub const EXTENSIONS: &[Extension] = &[
    Extension {
        names: &["wav", "wave", "bwf"],
        holds: &["WAV", "RF64", "BW64"],
        walked: true,
    },
    Extension {
        names: &["rf64"],
        holds: &["RF64", "WAV"],
        walked: true,
    },
    Extension {
        names: &["bw64"],
        holds: &["BW64", "RF64", "WAV"],
        walked: true,
    },
    Extension {
        names: &["aif", "aiff"],
        holds: &["AIFF", "AIFC"],
        walked: true,
    },
    Extension {
        names: &["aifc", "afc"],
        holds: &["AIFC", "AIFF"],
        walked: true,
    },
    Extension {
        names: &["flac", "fla"],
        holds: &["FLAC"],
        walked: true,
    },
    Extension {
        names: &["mp3", "mp2", "mp1"],
        holds: &["MP3"],
        walked: true,
    },
    Extension {
        names: &["mpga"],
        holds: &["MP3"],
        walked: false,
    },
    Extension {
        names: &["ogg", "oga", "opus"],
        holds: &["OGG"],
        walked: true,
    },
    Extension {
        names: &["spx"],
        holds: &["OGG"],
        walked: false,
    },
    Extension {
        names: &["m4a", "m4b", "mp4"],
        holds: &["MP4"],
        walked: true,
    },
    Extension {
        names: &["m4p", "mov"],
        holds: &["MP4"],
        walked: false,
    },
    Extension {
        names: &["ac3", "eac3", "ec3"],
        holds: &["AC3"],
        walked: true,
    },
    Extension {
        names: &["mka", "webm"],
        holds: &["Matroska", "WebM"],
        walked: true,
    },
    Extension {
        names: &["mkv"],
        holds: &["Matroska", "WebM"],
        walked: false,
    },
    Extension {
        names: &["au", "snd"],
        holds: &["AU"],
        walked: true,
    },
    Extension {
        names: &["w64"],
        holds: &["W64"],
        walked: true,
    },
    Extension {
        names: &["caf"],
        holds: &["CAF"],
        walked: true,
    },
    Extension {
        names: &["dsf"],
        holds: &["DSF"],
        walked: true,
    },
    Extension {
        names: &["dff"],
        holds: &["DSDIFF"],
        walked: true,
    },
    Extension {
        names: &["aac", "adts"],
        holds: &["AAC"],
        walked: true,
    },
    Extension {
        names: &["wv"],
        holds: &["WavPack"],
        walked: true,
    },
    Extension {
        names: &["ape"],
        holds: &["APE"],
        walked: true,
    },
    Extension {
        names: &["tta"],
        holds: &["TTA"],
        walked: true,
    },
    Extension {
        names: &["shn"],
        holds: &["Shorten"],
        walked: true,
    },
    Extension {
        names: &["tak"],
        holds: &["TAK"],
        walked: true,
    },
    Extension {
        names: &["ofr", "ofs"],
        holds: &["OptimFROG"],
        walked: true,
    },
    Extension {
        names: &["mpc", "mp+", "mpp"],
        holds: &["Musepack"],
        walked: true,
    },
    Extension {
        names: &["wma", "asf"],
        holds: &["ASF"],
        walked: true,
    },
    Extension {
        names: &["mod", "s3m", "xm", "it"],
        holds: &["Module"],
        walked: true,
    },
    // Cover art: walked beside the audio and measured as an image.
    Extension {
        names: &["jpg", "jpeg"],
        holds: &["JPEG"],
        walked: true,
    },
    Extension {
        names: &["png"],
        holds: &["PNG"],
        walked: true,
    },
];

impl Extension {
    /// Whether the row names cover art ([`artwork::FORMATS`]): walked
    /// by default, measured as an image, never promising audio.
    pub fn is_artwork(&self) -> bool {
        !self.holds.is_empty() && self.holds.iter().all(|h| artwork::FORMATS.contains(h))
    }
}

/// The table row of extension `ext` (any case).
pub fn extension(ext: &str) -> Option<&'static Extension> {
    EXTENSIONS
        .iter()
        .find(|e| e.names.iter().any(|n| n.eq_ignore_ascii_case(ext)))
}

fn check_extension(p: &mut Probe, detected: &Detected, ext: &str) {
    let Some(expected) = extension(ext).map(|e| e.holds).filter(|h| !h.is_empty()) else {
        return;
    };
    let actual = match (detected, p.file_format) {
        (_, Some(f)) => f.as_str(),
        (Detected::Unsupported(name), _) => name,
        _ => return,
    };
    if !expected.contains(&actual) {
        p.findings.warn(
            Code::ExtensionMismatch,
            format!("the file is named .{ext} but its content is {actual}"),
        );
    }
}

/// A short, safe description of the first bytes, for error messages.
fn describe_start(buf: &[u8]) -> String {
    let head = &buf[..buf.len().min(16)];
    let printable = head
        .iter()
        .filter(|b| {
            b.is_ascii_graphic() || **b == b' ' || **b == b'\n' || **b == b'\r' || **b == b'\t'
        })
        .count();
    if printable == head.len() {
        let text: String = head
            .iter()
            .map(|&b| {
                if b.is_ascii_graphic() || b == b' ' {
                    b as char
                } else {
                    ' '
                }
            })
            .collect();
        format!("looks like text: \"{}\"", text.trim_end())
    } else {
        let hex: Vec<String> = head.iter().take(8).map(|b| format!("{b:02x}")).collect();
        format!("starts with bytes {}", hex.join(" "))
    }
}

/// Read the ID3v2 tags that lie before `start` (the stream's first byte),
/// and the zero padding taggers leave between them, into the probe's tags,
/// naming them in `metadataChunks`.
pub(crate) fn read_leading_id3v2(bytes: Bytes<'_>, start: u64, p: &mut Probe) {
    use crate::tags::id3v2;
    let mut pos = 0u64;
    while pos < start {
        match id3v2::read_id3v2(bytes, pos, &mut p.tags) {
            Some(len) => {
                push_unique(&mut p.metadata_chunks, "ID3v2");
                pos = pos.saturating_add(len);
            }
            // Zero padding between two tags.
            None => match id3v2::zeros_at(bytes, pos, start - pos) {
                0 => break,
                n => pos += n,
            },
        }
    }
}

pub(crate) fn push_unique(list: &mut Vec<String>, name: &str) {
    if !list.iter().any(|n| n == name) {
        list.push(name.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_content() {
        assert_eq!(detect(b""), Detected::Empty);
        assert_eq!(
            detect(b"RIFF\0\0\0\0WAVEfmt "),
            Detected::Wave(RiffForm::Riff)
        );
        assert_eq!(detect(b"RIFX\0\0\0\0WAVE"), Detected::Wave(RiffForm::Rifx));
        assert_eq!(
            detect(b"BW64\xff\xff\xff\xffWAVE"),
            Detected::Wave(RiffForm::Bw64)
        );
        assert_eq!(detect(b"FORM\0\0\0\0AIFC"), Detected::Aiff(true));
        assert_eq!(detect(b"fLaC\0"), Detected::Flac(0));
        assert_eq!(detect(b"OggS\0\x02"), Detected::Ogg);
        assert_eq!(detect(b"\0\0\0\x20ftypM4A "), Detected::Mp4);
        assert_eq!(detect(b"\x01\x02\x03\x04 binary"), Detected::Unknown);
        assert_eq!(detect(b"hello world"), Detected::Unknown);
        assert!(
            matches!(detect_named(b"hello world", Some("txt")), Detected::NonAudio(t) if t.format == "text")
        );
        let mut id3flac = vec![b'I', b'D', b'3', 4, 0, 0, 0, 0, 0, 2, 0, 0];
        id3flac.extend_from_slice(b"fLaC");
        assert_eq!(detect(&id3flac), Detected::Flac(12));
    }

    #[test]
    fn mpeg_behind_junk_is_found() {
        let frame = |n: usize| {
            let mut f = vec![0xFF, 0xFB, 0x90, 0x40];
            f.resize(417 * n, 0);
            for i in 0..n {
                f[i * 417..i * 417 + 4].copy_from_slice(&[0xFF, 0xFB, 0x90, 0x40]);
            }
            f
        };
        let mut v = b"some junk".to_vec();
        v.extend(frame(3));
        assert_eq!(detect(&v), Detected::Mpeg(0));
        let p = probe(&v, Some("mp3"));
        assert_eq!(p.findings.warnings[0].code, Code::LeadingData);
        assert_eq!(p.total_samples, Some(3 * 1152));
        // One frame followed by a lone false sync is not enough.
        let mut w = b"xx".to_vec();
        w.extend(frame(1));
        w.extend_from_slice(&[0xFF, 0xFB, 0x90, 0x40, 1, 2]);
        assert_eq!(detect(&w), Detected::Unknown);
    }

    #[test]
    fn frame_searches_never_claim_another_container() {
        let mut frames = Vec::new();
        for _ in 0..4 {
            let mut f = vec![0xFF, 0xFB, 0x90, 0x40];
            f.resize(417, 0);
            frames.extend(f);
        }
        for (magic, name) in [
            (&b"MPCK"[..], "Musepack"),
            (b"tBaK", "TAK"),
            (b"FRM8", "DSDIFF (DSD audio)"),
            (b"ADIF", "AAC (ADIF)"),
        ] {
            let mut v = magic.to_vec();
            v.extend_from_slice(&[0; 12]);
            v.extend_from_slice(&frames);
            // Named (measured, or as a format this version does not
            // measure), never MPEG.
            let named = |d: Detected| !matches!(d, Detected::Mpeg(_) | Detected::Unknown);
            assert!(named(detect(&v)), "{name}: {:?}", detect(&v));
            if name == "Musepack" {
                assert_eq!(detect(&v), Detected::Musepack(0));
            }
            // Behind an ID3v2 tag too.
            let mut t = vec![b'I', b'D', b'3', 4, 0, 0, 0, 0, 0, 0];
            t.extend_from_slice(&v);
            assert!(named(detect(&t)), "{name}: {:?}", detect(&t));
        }
        // EBML is Matroska, whatever frames it holds.
        let mut m = vec![0x1A, 0x45, 0xDF, 0xA3];
        m.extend_from_slice(&frames);
        assert_eq!(detect(&m), Detected::Matroska);
        // Not EBML: 1a 30 66 4c 61 43 is not the EBML magic.
        assert_ne!(detect(b"\x1a\x30\x66\x4c\x61\x43"), Detected::Matroska);
    }

    #[test]
    fn each_extension_has_one_row() {
        let mut seen = std::collections::HashSet::new();
        for row in EXTENSIONS {
            for name in row.names {
                assert!(seen.insert(*name), "{name} is listed twice");
                assert_eq!(name.to_ascii_lowercase(), *name);
            }
        }
        assert!(extension("FLAC").is_some_and(|e| e.walked && e.holds == ["FLAC"]));
        assert!(extension("mov").is_some_and(|e| !e.walked));
        assert!(extension("txt").is_none());
    }

    #[test]
    fn text_named_wav_is_unsupported_with_a_readable_message() {
        let p = probe(b"just some text\n", Some("wav"));
        assert_eq!(p.findings.errors[0].code, Code::UnsupportedFormat);
        assert!(p.findings.errors[0].message.contains("looks like text"));
        let long = [b'x'; 80];
        let p = probe(&long[..], Some("wav"));
        assert_eq!(
            p.findings.errors[0].message,
            "the content is plain text, not audio, though the file is named .wav"
        );
        // Not named as audio: named for what it is, without an error.
        for (bytes, ext, what) in [
            (&b"just some text\n"[..], Some("txt"), "text"),
            (b"%PDF-1.4\n", Some("pdf"), "PDF"),
            (b"%PDF-1.4\n", None, "PDF"),
        ] {
            let p = probe(bytes, ext);
            assert!(p.findings.errors.is_empty(), "{ext:?}");
            assert_eq!(p.non_audio.unwrap().format, what);
        }
    }

    #[test]
    fn extension_mismatch_is_a_warning() {
        let p = probe(b".snd\0\0\0\x18", Some("wav"));
        assert!(
            p.findings
                .warnings
                .iter()
                .any(|w| w.code == Code::ExtensionMismatch)
        );
        let p = probe(b".snd\0\0\0\x18", Some("au"));
        assert!(p.findings.warnings.is_empty());
    }
}
