//! WAVE in all its containers: RIFF, RIFX (big-endian), RF64 and BW64.
//!
//! Chunks may come in any order; odd-sized chunks carry a pad byte; unknown
//! chunks are skipped. The sample count comes from the bytes of the `data`
//! chunk actually present in the file divided by the block alignment, so a
//! data chunk shorter than its header says is reported (`truncated_data`)
//! with both figures instead of being believed. RF64/BW64 sizes of
//! `0xFFFFFFFF` are taken from the `ds64` chunk.

use crate::formats::pcm::{Encoding, PcmLayout};
use crate::formats::push_unique;
use crate::formats::riff::adm::{self, Axml, Chna};
use crate::formats::riff::chunks::{self, Chunks};
use crate::formats::riff::{RiffForm, chunk_name};
use crate::formats::{Layout, Probe};
use crate::io::reader::{Bytes, Endian, Reader, fourcc_str};
use crate::record::{Code, DurationSource, FileFormat, SampleFormat};
use crate::tags::riff;

const TAG_PCM: u16 = 0x0001;
const TAG_ADPCM: u16 = 0x0002;
const TAG_FLOAT: u16 = 0x0003;
const TAG_ALAW: u16 = 0x0006;
const TAG_MULAW: u16 = 0x0007;
const TAG_IMA_ADPCM: u16 = 0x0011;
const TAG_EXTENSIBLE: u16 = 0xFFFE;

/// The tail shared by the standard KSDATAFORMAT sub-format GUIDs
/// (`xxxxxxxx-0000-0010-8000-00aa00389b71`), after the 32-bit format code.
const KS_GUID_TAIL: [u8; 12] = [
    0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71,
];
/// The tail of the ambisonic B-format GUIDs (`xxxxxxxx-0721-11d3-8644-c8c1ca000000`).
const AMBISONIC_GUID_TAIL: [u8; 12] = [
    0x21, 0x07, 0xd3, 0x11, 0x86, 0x44, 0xc8, 0xc1, 0xca, 0x00, 0x00, 0x00,
];

#[derive(Debug, Default)]
pub(crate) struct Fmt {
    tag: u16,
    channels: u16,
    rate: u32,
    byte_rate: u32,
    block_align: u16,
    bits: u16,
    valid_bits: Option<u16>,
    channel_mask: Option<u32>,
    sub_format: Option<SubFormat>,
}

#[derive(Debug, Clone, Copy)]
enum SubFormat {
    Known(u16),
    Other([u8; 16]),
}

#[derive(Debug, Default)]
pub(crate) struct Ds64 {
    riff_size: u64,
    data_size: u64,
    sample_count: u64,
}

/// Probe a RIFF/RIFX/RF64/BW64 WAVE file.
pub fn probe<'a>(bytes: impl Into<Bytes<'a>>, form: RiffForm) -> Probe {
    let bytes = bytes.into();
    let mut p = Probe::default();
    let (endian, format) = match form {
        RiffForm::Riff => (Endian::Little, FileFormat::Wav),
        RiffForm::Rifx => (Endian::Big, FileFormat::Wav),
        RiffForm::Rf64 => (Endian::Little, FileFormat::Rf64),
        RiffForm::Bw64 => (Endian::Little, FileFormat::Bw64),
    };
    p.file_format = Some(format);
    let is_64 = matches!(form, RiffForm::Rf64 | RiffForm::Bw64);

    let mut r = Reader::over(bytes);
    // Detection guaranteed 12 bytes: magic, size, "WAVE".
    let _ = r.skip(4);
    let riff_size32 = r.u32(endian).unwrap_or(0);
    // Where the RIFF chunk says it ends, when its 32-bit size is meaningful
    // (RF64/BW64 put 0xFFFFFFFF there and the real size in ds64).
    let declared_end = (!(is_64 && riff_size32 == u32::MAX)).then(|| u64::from(riff_size32) + 8);

    let Some(walked) = walk(bytes, endian, is_64, declared_end, &mut p) else {
        return p;
    };
    let riff_end = check_container(
        &mut p,
        &walked,
        form,
        riff_size32,
        declared_end,
        bytes.len(),
    );
    let channels = walked.fmt.as_ref().map(|f| f.channels);
    report_adm(&mut p, &walked.adm, channels);
    measure(p, walked, form, endian, riff_end, bytes.len())
}

/// The ADM figures and findings from the `chna` and `axml` chunks: `adm`
/// when both are present, `incomplete_adm` when one is missing (an `axml`
/// chunk alone counts only when it holds ADM), `invalid_adm` for content
/// that cannot be read as ADM.
fn report_adm(p: &mut Probe, a: &AdmChunks, channels: Option<u16>) {
    let has_chna = a.chna.is_some() || a.chna_short;
    let axml_adm = a.axml.as_ref().is_some_and(|x| x.adm);
    if a.chna_short {
        p.findings.warn(
            Code::InvalidAdm,
            "chna chunk is shorter than its 4-byte header",
        );
    }
    if let Some(c) = &a.chna {
        for problem in &c.problems {
            p.findings.warn(Code::InvalidAdm, problem.clone());
        }
        if let Some(ch) = channels
            && c.max_track > ch
        {
            p.findings.warn(
                Code::InvalidAdm,
                format!(
                    "chna chunk names track {}, the file has {ch} channels",
                    c.max_track
                ),
            );
        }
    }
    if let Some(x) = &a.axml
        && let Some(problem) = &x.problem
    {
        p.findings.warn(Code::InvalidAdm, problem.clone());
    }
    match (has_chna, &a.axml) {
        (true, Some(x)) => {
            if !x.adm && x.problem.is_none() {
                p.findings.warn(
                    Code::InvalidAdm,
                    "axml chunk holds no audioFormatExtended element: no ADM description of the chna tracks",
                );
            }
            p.adm = Some(true);
            p.adm_tracks = a.chna.as_ref().map(|c| c.tracks);
            p.adm_bed_channels = a.chna.as_ref().map(|c| c.bed_channels);
            p.adm_objects = x.objects.filter(|_| x.adm);
        }
        (true, None) => p.findings.warn(
            Code::IncompleteAdm,
            "chna chunk without an axml chunk: the ADM tracks have no description",
        ),
        (false, Some(_)) if axml_adm => p.findings.warn(
            Code::IncompleteAdm,
            "axml chunk with ADM (audioFormatExtended) but no chna chunk: the ADM is not tied to the file's tracks",
        ),
        _ => {}
    }
}

/// What the chunk walk found.
pub(crate) struct Walked {
    pub(crate) fmt: Option<Fmt>,
    pub(crate) ds64: Option<Ds64>,
    pub(crate) fact: Option<u32>,
    /// (declared size, bytes present) of the data chunk.
    pub(crate) data: Option<(u64, u64)>,
    /// Offset of the data chunk's first byte.
    pub(crate) data_offset: u64,
    pub(crate) size_unset: bool,
    /// The BWF `MD5 ` chunk (BWF MetaEdit): a digest of the data chunk.
    pub(crate) md5_chunk: Option<[u8; 16]>,
    /// The size of a ds64 chunk too short to hold the sizes.
    pub(crate) ds64_short: Option<u64>,
    /// The walk stopped at a chunk running past the end of the file, or
    /// left bytes that do not make a whole chunk header.
    pub(crate) broken: bool,
    /// The ADM chunks (the first of each).
    pub(crate) adm: AdmChunks,
    /// (offset, count) of bytes after the last chunk, too few for a chunk.
    pub(crate) stray: Option<(u64, u64)>,
}

/// The first `chna` and `axml` chunks, read.
#[derive(Default)]
pub(crate) struct AdmChunks {
    chna: Option<Chna>,
    /// A `chna` chunk too short for its two counts.
    chna_short: bool,
    axml: Option<Axml>,
}

impl AdmChunks {
    /// Read `id`'s body when it is the first `chna` or `axml` chunk.
    pub(crate) fn read(&mut self, id: &[u8; 4], body: &mut Reader<'_>) {
        match id {
            b"chna" if self.chna.is_none() && !self.chna_short => {
                self.chna = adm::read_chna(body);
                self.chna_short = self.chna.is_none();
            }
            b"axml" if self.axml.is_none() => {
                // The chunk's real bytes only; a read in the gap between
                // header-only windows makes the file be probed whole.
                let n = body.remaining();
                self.axml = body.bytes(n).ok().map(adm::read_axml);
            }
            _ => {}
        }
    }
}

/// Walk the chunks: the format, the sizes, the data chunk's place, and the
/// metadata chunks and tags into `p`. `None` when the fmt chunk is too
/// short to say anything (the error is in `p`).
fn walk(
    bytes: Bytes<'_>,
    endian: Endian,
    is_64: bool,
    declared_end: Option<u64>,
    p: &mut Probe,
) -> Option<Walked> {
    let mut fmt: Option<Fmt> = None;
    let mut ds64: Option<Ds64> = None;
    let mut fact: Option<u32> = None;
    let mut data: Option<(u64, u64)> = None;
    let mut data_offset = 0;
    let mut size_unset = false;
    let mut md5_chunk: Option<[u8; 16]> = None;
    let mut ds64_short: Option<u64> = None;
    let mut walk_broken = false;
    let mut adm_chunks = AdmChunks::default();
    let mut chunks = Chunks::new(bytes, 12, endian);
    let mut bad_ids = 0u32;
    let mut data_before_fmt = None;
    while let Some(h) = chunks.next(&mut p.findings) {
        let start = h.start;
        let mut size = u64::from(h.size32);
        if !chunks::valid_id(&h.id) {
            if bad_ids == 0 {
                p.findings.warn(
                    Code::InvalidChunkId,
                    format!(
                        "the chunk at offset {start} has the id {}, which is not four printable ASCII characters (spaces only at the end)",
                        chunks::describe_id(&h.id)
                    ),
                );
            }
            bad_ids += 1;
        }
        if &h.id == b"data" && fmt.is_none() && data.is_none() {
            data_before_fmt = Some(start);
        }
        if data.is_some() && p.after_data.len() < 64 {
            p.after_data.push(fourcc_str(&h.id).trim_end().to_string());
        }
        if &h.id == b"data" {
            if is_64 && let Some(d) = &ds64 {
                if h.size32 == u32::MAX {
                    size = d.data_size;
                } else if d.data_size != size && d.data_size != 0 && data.is_none() {
                    // Both sizes written and different. A 32-bit field
                    // cannot hold a size beyond 4 GiB: the ds64 one is then
                    // the real size, and the 32-bit one its wrapped value.
                    let use_ds64 = d.data_size > u64::from(u32::MAX);
                    p.findings.warn(
                        Code::InconsistentHeader,
                        format!(
                            "ds64 data size is {}, the data chunk header says {size}: {} used",
                            d.data_size,
                            if use_ds64 { d.data_size } else { size }
                        ),
                    );
                    if use_ds64 {
                        size = d.data_size;
                    }
                }
            }
            if data.is_some() {
                p.findings.warn(
                    Code::InconsistentHeader,
                    format!("a second data chunk at offset {start} is ignored"),
                );
                let _ = chunks.body(size);
                continue;
            }
            let unset = h.size32 == u32::MAX && !(is_64 && ds64.is_some())
                || h.size32 == 0 && chunks.remaining() > 0 && !looks_like_chunk(chunks.rest());
            if unset {
                size_unset = true;
                size = chunks.remaining();
                p.findings.warn(
                    Code::DataSizeUnset,
                    format!(
                        "data chunk size is 0x{:08X} (written by a streaming encoder): measured to the end of the file, {size} bytes",
                        h.size32
                    ),
                );
            }
            data = Some((size, size.min(chunks.remaining())));
            data_offset = chunks.pos();
            let _ = chunks.body(size);
            continue;
        }
        let mut body = match chunks.body(size) {
            Ok(body) => body,
            Err(partial) => {
                // A chunk that runs past the end: parse it if it is the fmt
                // chunk and complete enough, warn and stop. Past the RIFF
                // chunk's declared end this is trailing data, not a chunk,
                // and is reported as such below.
                walk_broken = true;
                if declared_end.is_some_and(|end| start >= end) {
                    break;
                }
                if &h.id == b"fmt " && fmt.is_none() {
                    fmt = parse_fmt(&mut partial.clone(), endian);
                }
                adm_chunks.read(&h.id, &mut partial.clone());
                chunks::report_truncated(&mut p.findings, &h, size, &partial);
                break;
            }
        };
        match &h.id {
            b"fmt " => {
                if fmt.is_some() {
                    p.findings.warn(
                        Code::InconsistentHeader,
                        format!("a second fmt chunk at offset {start} is ignored"),
                    );
                } else {
                    if let Some(extra) = fmt_extra(&mut body.clone(), endian, size) {
                        p.findings.warn(
                            Code::FmtExtraBytes,
                            format!("the fmt chunk at offset {start} {extra}"),
                        );
                    }
                    if let Some(at) = data_before_fmt {
                        p.findings.warn(
                            Code::ChunkOrder,
                            format!(
                                "the data chunk (offset {at}) comes before the fmt chunk (offset {start}): a reader that streams the file meets audio it cannot interpret"
                            ),
                        );
                    }
                    fmt = parse_fmt(&mut body, endian);
                    if fmt.is_none() {
                        p.findings.error(
                            Code::InvalidHeader,
                            format!("fmt chunk at offset {start} is only {size} bytes (at least 14 needed)"),
                        );
                        return None;
                    }
                }
            }
            b"ds64" if is_64 && ds64.is_none() => {
                ds64 = parse_ds64(&mut body);
                if ds64.is_none() {
                    ds64_short = Some(size);
                }
            }
            b"fact" => fact = body.u32(endian).ok(),
            b"LIST" => {
                let kind = body.fourcc().map(|k| fourcc_str(&k)).unwrap_or_default();
                push_unique(&mut p.metadata_chunks, &format!("LIST-{}", kind.trim()));
                if kind == "INFO" {
                    riff::read_info(&mut body, &mut p.tags);
                }
            }
            b"bext" => {
                push_unique(&mut p.metadata_chunks, "bext");
                let mut at_version = body.clone();
                if at_version.skip(346).is_ok()
                    && let Ok(version) = at_version.u16(endian)
                    && version > 2
                {
                    p.findings.warn(
                        Code::UnknownBextVersion,
                        format!(
                            "the bext chunk at offset {start} declares version {version}; EBU Tech 3285 defines 0, 1 and 2, so its later fields may mean something else"
                        ),
                    );
                }
                riff::read_bext(&mut body, &mut p.tags);
            }
            id => {
                if let Some(name) = chunk_name(id) {
                    push_unique(&mut p.metadata_chunks, name);
                }
                if id == b"MD5 " && md5_chunk.is_none() {
                    // 16 bytes; BWF MetaEdit reads the first 16 of a longer one.
                    md5_chunk = body.array::<16>().ok();
                }
                adm_chunks.read(id, &mut body);
                if matches!(id, b"id3 " | b"ID3 ") {
                    // An ID3v2 tag in a chunk, as many taggers write it.
                    crate::tags::id3v2::read_id3v2(bytes, body.pos(), &mut p.tags);
                }
            }
        }
    }

    if bad_ids > 1 {
        p.findings.warn(
            Code::InvalidChunkId,
            format!("{} more chunks have invalid ids", bad_ids - 1),
        );
    }
    // A walk that ended with a few bytes left that make no chunk header;
    // a single byte is the pad of an odd-sized last chunk.
    let left = chunks.remaining();
    let stray = (!walk_broken && left > 1 && left < 8).then(|| (chunks.pos(), left));
    Some(Walked {
        stray,
        fmt,
        ds64,
        fact,
        data,
        data_offset,
        size_unset,
        md5_chunk,
        ds64_short,
        // Bytes left over that do not make a whole chunk header.
        broken: walk_broken || chunks.remaining() > 1,
        adm: adm_chunks,
    })
}

/// Check the container's sizes against the file and each other; returns
/// where the RIFF (or RF64/BW64) chunk ends.
fn check_container(
    p: &mut Probe,
    w: &Walked,
    form: RiffForm,
    riff_size32: u32,
    declared_end: Option<u64>,
    file_len: u64,
) -> Option<u64> {
    let format = p.file_format.unwrap_or(FileFormat::Wav);
    let is_64 = matches!(form, RiffForm::Rf64 | RiffForm::Bw64);
    let (ds64, ds64_short) = (&w.ds64, w.ds64_short);
    let mut riff_end =
        declared_end.or_else(|| ds64.as_ref().map(|d| d.riff_size.saturating_add(8)));
    if let (Some(d), Some(end)) = (ds64, declared_end)
        && d.riff_size != 0
        && d.riff_size.saturating_add(8) != end
    {
        // Both sizes written and different: as for the data size, one
        // beyond 4 GiB can only be the ds64 one.
        let use_ds64 = d.riff_size > u64::from(u32::MAX);
        p.findings.warn(
            Code::InconsistentHeader,
            format!(
                "ds64 {} size is {}, the {} header says {riff_size32}: {} used",
                form_name(form),
                d.riff_size,
                form_name(form),
                if use_ds64 {
                    d.riff_size
                } else {
                    u64::from(riff_size32)
                }
            ),
        );
        if use_ds64 {
            riff_end = Some(d.riff_size.saturating_add(8));
        }
    }
    if is_64 && ds64.is_none() {
        p.findings.warn(
            Code::MissingDs64,
            match ds64_short {
                Some(n) => format!(
                    "{format} file whose ds64 chunk is only {n} bytes (at least 16 needed): sizes taken from the 32-bit fields"
                ),
                None => format!(
                    "{format} file without a ds64 chunk: sizes taken from the 32-bit fields"
                ),
            },
        );
    }
    if let (Some((at, n)), Some(end)) = (w.stray, riff_end)
        && at + n <= end
        && end <= file_len
    {
        p.findings.warn(
            Code::StrayBytes,
            format!(
                "{n} bytes at offset {at}, inside the {} chunk after its last chunk, are no chunk (a chunk header needs 8)",
                form_name(form)
            ),
        );
    }
    let truncated = w.data.is_some_and(|(declared, present)| present < declared);
    let (walk_broken, size_unset) = (w.broken, w.size_unset);
    if let Some(end) = riff_end {
        if end < file_len && walk_broken {
            p.findings.warn(
                Code::TrailingData,
                format!(
                    "{} bytes after the end of the {} chunk ({} declared, file is {file_len})",
                    file_len - end,
                    form_name(form),
                    end
                ),
            );
        } else if end < file_len {
            // Whole chunks follow the declared end: the size field is wrong.
            p.findings.warn(
                Code::ContainerSizeMismatch,
                format!(
                    "{} chunk declares {end} bytes, but its chunks run to the end of the file at {file_len}",
                    form_name(form)
                ),
            );
        } else if end > file_len && !truncated && !size_unset {
            p.findings.warn(
                Code::ContainerSizeMismatch,
                format!(
                    "{} chunk declares {end} bytes, the file has {file_len}",
                    form_name(form)
                ),
            );
        }
    }

    riff_end
}

/// Measure the audio the fmt and data chunks describe.
pub(crate) fn measure(
    mut p: Probe,
    w: Walked,
    form: RiffForm,
    endian: Endian,
    riff_end: Option<u64>,
    file_len: u64,
) -> Probe {
    let truncated = w.data.is_some_and(|(declared, present)| present < declared);
    let Walked {
        fmt,
        ds64,
        fact,
        data,
        data_offset,
        md5_chunk,
        ..
    } = w;
    let Some(fmt) = fmt else {
        match riff_end {
            // Cut inside the chunks before the fmt chunk: the file is
            // incomplete, not malformed.
            Some(end) if end > file_len && data.is_none() => p.findings.error(
                Code::TruncatedData,
                format!(
                    "the file ends at {file_len} bytes before its fmt and data chunks; the {} chunk declares {end}: the file is incomplete",
                    form_name(form)
                ),
            ),
            _ => p.findings.error(
                Code::InvalidHeader,
                "no fmt chunk: the audio format is not declared",
            ),
        }
        return p;
    };
    if fmt.channels == 0 {
        p.findings
            .error(Code::InvalidHeader, "fmt chunk declares 0 channels");
        return p;
    }
    if fmt.rate == 0 {
        p.findings.error(
            Code::InvalidHeader,
            "fmt chunk declares a sample rate of 0 Hz",
        );
        return p;
    }
    p.sample_rate = Some(fmt.rate);
    p.channels = Some(u32::from(fmt.channels));
    p.channel_mask = fmt.channel_mask;
    p.format_tag = Some(fmt.tag);

    let codec = describe_codec(&fmt, endian);
    p.audio_codec = Some(codec.name.clone());
    p.sample_format = codec.sample_format;

    let Some((declared, present)) = data else {
        if codec.measurable {
            fill_depths(&mut p, &fmt, &codec);
        }
        match riff_end {
            Some(end) if end > file_len => {
                p.total_samples = Some(0);
                p.duration_source = Some(DurationSource::Header);
                p.findings.error(
                    Code::TruncatedData,
                    format!(
                        "the file ends at {file_len} bytes before any data chunk; the {} chunk declares {end}",
                        form_name(form)
                    ),
                );
            }
            _ => p.findings.error(
                Code::InvalidHeader,
                "no data chunk: the file holds no audio",
            ),
        }
        return p;
    };
    p.audio_bytes = Some(present);

    if !codec.measurable {
        p.findings.warn(
            Code::UnsupportedCodec,
            format!("{} audio is identified but not decoded", codec.name),
        );
        match fact {
            Some(n) => {
                p.total_samples = Some(u64::from(n));
                p.duration_source = Some(DurationSource::Header);
            }
            None => p.findings.error(
                Code::UnknownDuration,
                format!("{} data without a fact chunk: the sample count cannot be derived without decoding", codec.name),
            ),
        }
        if truncated {
            p.findings.error(
                Code::TruncatedData,
                format!("data chunk declares {declared} bytes, the file holds {present}"),
            );
        }
        return p;
    }

    if fmt.bits == 0 {
        p.findings
            .error(Code::InvalidHeader, "fmt chunk declares 0 bits per sample");
        return p;
    }
    let (container_bits, align) = fill_depths(&mut p, &fmt, &codec);
    let expected_align = u64::from(fmt.channels) * u64::from(container_bits.div_ceil(8));
    if u64::from(fmt.block_align) != align {
        // Measured anyway, but a file whose header says a sample frame has no
        // bytes is not deliverable as it is.
        p.findings.error(
            Code::InvalidHeader,
            format!("block align is 0: counted frames of {expected_align} bytes (channels x bytes per sample)"),
        );
    } else if align != expected_align {
        p.findings.warn(
            Code::InconsistentHeader,
            format!(
                "block align is {align}, {} channels of {container_bits}-bit samples need {expected_align}: counting frames of {align} bytes",
                fmt.channels
            ),
        );
    }
    let expected_rate = u64::from(fmt.rate) * align;
    if u64::from(fmt.byte_rate) != expected_rate {
        p.findings.warn(
            Code::InconsistentHeader,
            format!(
                "byte rate is {}, {} Hz x {align}-byte frames is {expected_rate}",
                fmt.byte_rate, fmt.rate
            ),
        );
    }

    crate::formats::pcm::count_frames(&mut p, "data chunk", declared, present, align);
    let frames = present / align.max(1);
    if let Some(d) = &ds64
        && d.sample_count != 0
        && d.sample_count != frames
        && !truncated
    {
        p.findings.warn(
            Code::InconsistentHeader,
            format!(
                "ds64 sample count is {}, the data holds {frames} frames",
                d.sample_count
            ),
        );
    }
    if let Some(n) = fact
        && fmt.tag != TAG_PCM
        && u64::from(n) != frames
        && !truncated
        && n != u32::MAX
    {
        p.findings.warn(
            Code::InconsistentHeader,
            format!("fact chunk says {n} sample frames, the data holds {frames}"),
        );
    }
    let container_bytes = container_bits.div_ceil(8);
    let encoding = match codec.sample_format {
        _ if codec.companded => Encoding::Other,
        Some(SampleFormat::Int) if container_bytes == 1 => Encoding::Unsigned,
        Some(SampleFormat::Int) => Encoding::Signed,
        Some(SampleFormat::Float) if matches!(container_bytes, 4 | 8) => Encoding::Float,
        _ => Encoding::Other,
    };
    p.layout = Some(Layout::Pcm(PcmLayout {
        offset: data_offset,
        len: present,
        frame_bytes: u32::try_from(align).unwrap_or(0),
        channels: u32::from(fmt.channels),
        sample_bytes: container_bytes,
        // Samples are left-justified in their container (WAVEFORMATEX and
        // WAVE_FORMAT_EXTENSIBLE alike).
        valid_bits: fmt
            .valid_bits
            .map(u32::from)
            .filter(|&v| v != 0)
            .unwrap_or(container_bits)
            .min(container_bits),
        big_endian: endian == Endian::Big,
        encoding,
        md5_chunk,
        complete: present >= declared,
    }));
    p
}

/// Set the bit depths from the fmt chunk; returns the declared bits per
/// sample and the block alignment used to count frames (the declared one, or
/// channels x bytes per sample when it is 0).
fn fill_depths(p: &mut Probe, fmt: &Fmt, codec: &CodecInfo) -> (u32, u64) {
    let container_bits = u32::from(fmt.bits);
    let mut valid_bits = fmt
        .valid_bits
        .map(u32::from)
        .filter(|&v| v != 0)
        .unwrap_or(container_bits);
    if valid_bits > container_bits && container_bits != 0 {
        p.findings.warn(
            Code::InconsistentHeader,
            format!("valid bits per sample {valid_bits} exceed the container's {container_bits}"),
        );
        valid_bits = container_bits;
    }
    let channels = u64::from(fmt.channels.max(1));
    let expected_align = channels * u64::from(container_bits.div_ceil(8));
    let align = match u64::from(fmt.block_align) {
        0 => expected_align,
        a => a,
    };
    // Storage width per sample as the file lays it out (24 bits in 4 bytes).
    let slot_bits = u32::try_from(align * 8 / channels).unwrap_or(0);
    let storage_bits = if align % channels == 0 && slot_bits > container_bits {
        slot_bits
    } else {
        container_bits.div_ceil(8) * 8
    };
    if container_bits > 0 {
        if codec.companded {
            // G.711: 8 coded bits per sample that decode to 16-bit linear
            // samples. bitDepth is the decoded width (as the AIFF-C
            // specification, ffprobe and MediaInfo give it), the coded
            // width is the storage width.
            p.bit_depth = Some(COMPANDED_BITS);
            p.container_bit_depth = Some(8);
        } else {
            p.bit_depth = Some(valid_bits);
            if storage_bits != valid_bits {
                p.container_bit_depth = Some(storage_bits);
            }
        }
    }
    (container_bits, align)
}

/// The width A-law and mu-law samples decode to (ITU-T G.711: 13- and
/// 14-bit linear values, carried as 16-bit samples): their `bitDepth`.
pub(crate) const COMPANDED_BITS: u32 = 16;

fn form_name(form: RiffForm) -> &'static str {
    match form {
        RiffForm::Riff => "RIFF",
        RiffForm::Rifx => "RIFX",
        RiffForm::Rf64 => "RF64",
        RiffForm::Bw64 => "BW64",
    }
}

/// Whether the next 8 bytes look like a chunk header (printable id).
fn looks_like_chunk(mut r: Reader<'_>) -> bool {
    match r.fourcc() {
        Ok(id) => id.iter().all(|b| (0x20..0x7f).contains(b)),
        Err(_) => false,
    }
}

pub(crate) fn parse_fmt(r: &mut Reader<'_>, e: Endian) -> Option<Fmt> {
    let tag = r.u16(e).ok()?;
    let channels = r.u16(e).ok()?;
    let rate = r.u32(e).ok()?;
    let byte_rate = r.u32(e).ok()?;
    let block_align = r.u16(e).ok()?;
    // WAVEFORMAT (14 bytes, no bits field) is used by old non-PCM writers.
    let bits = r.u16(e).unwrap_or(0);
    let mut fmt = Fmt {
        tag,
        channels,
        rate,
        byte_rate,
        block_align,
        bits,
        ..Fmt::default()
    };
    if tag == TAG_EXTENSIBLE
        && let Ok(cb) = r.u16(e)
        && cb >= 22
    {
        fmt.valid_bits = r.u16(e).ok();
        fmt.channel_mask = r.u32(e).ok();
        if let Ok(code) = r.u32(e)
            && let Ok(tail) = r.array::<12>()
        {
            let tail_le = if e == Endian::Big {
                swap_guid_tail(tail)
            } else {
                tail
            };
            fmt.sub_format = Some(
                if tail_le == KS_GUID_TAIL || tail_le == AMBISONIC_GUID_TAIL {
                    SubFormat::Known((code & 0xFFFF) as u16)
                } else {
                    let mut g = [0u8; 16];
                    g[..4].copy_from_slice(&code.to_le_bytes());
                    g[4..].copy_from_slice(&tail);
                    SubFormat::Other(g)
                },
            );
        }
    }
    Some(fmt)
}

/// What is wrong with the length of a `fmt ` chunk of `size` bytes, if
/// anything: PCM and float define no extension, and any other format's
/// `cbSize` must account for every byte after the first 18.
fn fmt_extra(r: &mut Reader<'_>, e: Endian, size: u64) -> Option<String> {
    let tag = r.u16(e).ok()?;
    if size <= 16 || r.skip(14).is_err() {
        return None;
    }
    let Ok(cb) = r.u16(e) else {
        return Some(format!(
            "is {size} bytes: one byte more than the 16 of its fields, too few for a cbSize"
        ));
    };
    let cb = u64::from(cb);
    let after = size - 18;
    if matches!(tag, 1 | 3) && (cb > 0 || after > 0) {
        return Some(format!(
            "is {size} bytes with cbSize {cb}: format {tag} ({}) defines no extension",
            if tag == 1 { "PCM" } else { "IEEE float" }
        ));
    }
    if cb != after {
        return Some(format!(
            "is {size} bytes, but its cbSize says {cb} bytes follow the first 18 ({after} do)"
        ));
    }
    None
}

/// In RIFX the GUID's 16-bit Data2 and Data3 fields are big-endian too.
fn swap_guid_tail(mut t: [u8; 12]) -> [u8; 12] {
    t.swap(0, 1);
    t.swap(2, 3);
    t
}

fn parse_ds64(r: &mut Reader<'_>) -> Option<Ds64> {
    Some(Ds64 {
        riff_size: r.u64(Endian::Little).ok()?,
        data_size: r.u64(Endian::Little).ok()?,
        sample_count: r.u64(Endian::Little).unwrap_or(0),
    })
}

struct CodecInfo {
    name: String,
    sample_format: Option<SampleFormat>,
    /// Sample count = data bytes / block align.
    measurable: bool,
    /// A-law or mu-law: 8 bits stored per sample.
    companded: bool,
}

fn describe_codec(fmt: &Fmt, _e: Endian) -> CodecInfo {
    let tag = match (fmt.tag, fmt.sub_format) {
        (TAG_EXTENSIBLE, Some(SubFormat::Known(code))) => code,
        (TAG_EXTENSIBLE, Some(SubFormat::Other(g))) => {
            return CodecInfo {
                name: format!("WAVE_FORMAT_EXTENSIBLE {}", guid_text(&g)),
                sample_format: None,
                measurable: false,
                companded: false,
            };
        }
        // Extensible without a sub-format: treat as PCM by its bits.
        (TAG_EXTENSIBLE, None) => TAG_PCM,
        (t, _) => t,
    };
    let (name, sample_format, measurable, companded) = match tag {
        TAG_PCM => ("PCM".to_string(), Some(SampleFormat::Int), true, false),
        TAG_FLOAT => ("PCM".to_string(), Some(SampleFormat::Float), true, false),
        TAG_ALAW => ("ALaw".to_string(), Some(SampleFormat::Int), true, true),
        TAG_MULAW => ("MuLaw".to_string(), Some(SampleFormat::Int), true, true),
        TAG_ADPCM | TAG_IMA_ADPCM | 0x0010 | 0x0020 | 0x0040 | 0x0064 => {
            ("ADPCM".to_string(), None, false, false)
        }
        0x0031 => ("GSM 6.10".to_string(), None, false, false),
        0x0050 => ("MP2".to_string(), None, false, false),
        0x0055 => ("MP3".to_string(), None, false, false),
        0x0160..=0x0163 => ("WMA".to_string(), None, false, false),
        0xF1AC => ("FLAC".to_string(), None, false, false),
        other => (format!("WAVE format 0x{other:04X}"), None, false, false),
    };
    CodecInfo {
        name,
        sample_format,
        measurable,
        companded,
    }
}

fn guid_text(g: &[u8; 16]) -> String {
    format!(
        "{{{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}}}",
        g[3],
        g[2],
        g[1],
        g[0],
        g[5],
        g[4],
        g[7],
        g[6],
        g[8],
        g[9],
        g[10],
        g[11],
        g[12],
        g[13],
        g[14],
        g[15]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal RIFF WAVE with the given fmt fields and `frames` frames.
    fn wav(tag: u16, channels: u16, rate: u32, bits: u16, frames: u32, extra: &[u8]) -> Vec<u8> {
        let align = channels * bits.div_ceil(8);
        let data_len = u32::from(align) * frames;
        let mut v = Vec::new();
        v.extend_from_slice(b"RIFF");
        v.extend_from_slice(&(4 + 24 + extra.len() as u32 + 8 + data_len).to_le_bytes());
        v.extend_from_slice(b"WAVE");
        v.extend_from_slice(b"fmt ");
        v.extend_from_slice(&16u32.to_le_bytes());
        v.extend_from_slice(&tag.to_le_bytes());
        v.extend_from_slice(&channels.to_le_bytes());
        v.extend_from_slice(&rate.to_le_bytes());
        v.extend_from_slice(&(rate * u32::from(align)).to_le_bytes());
        v.extend_from_slice(&align.to_le_bytes());
        v.extend_from_slice(&bits.to_le_bytes());
        v.extend_from_slice(extra);
        v.extend_from_slice(b"data");
        v.extend_from_slice(&data_len.to_le_bytes());
        v.resize(v.len() + data_len as usize, 0);
        v
    }

    #[test]
    fn pcm16_stereo() {
        let p = probe(&wav(1, 2, 44_100, 16, 1000, &[]), RiffForm::Riff);
        assert_eq!(p.findings.errors, vec![]);
        assert_eq!(p.findings.warnings, vec![]);
        assert_eq!(p.total_samples, Some(1000));
        assert_eq!(p.bit_depth, Some(16));
        assert_eq!(p.container_bit_depth, None);
        assert_eq!(p.audio_codec.as_deref(), Some("PCM"));
    }

    #[test]
    fn truncated_data_reports_both_figures() {
        let mut v = wav(1, 2, 48_000, 24, 100, &[]);
        v.truncate(v.len() - 61); // 10 frames and a partial one gone
        let p = probe(&v, RiffForm::Riff);
        assert!(p.findings.has_error(Code::TruncatedData));
        assert_eq!(p.total_samples, Some(89));
        assert_eq!(p.declared_samples, Some(100));
        let msg = &p.findings.errors[0].message;
        assert!(msg.contains("600 bytes (100 sample frames)"), "{msg}");
    }

    #[test]
    fn odd_unknown_chunk_is_padded_and_skipped() {
        // "junk" chunk of 3 bytes + pad byte before data.
        let extra = [b'j', b'u', b'n', b'k', 3, 0, 0, 0, 1, 2, 3, 0];
        let p = probe(&wav(1, 1, 8000, 8, 10, &extra), RiffForm::Riff);
        assert_eq!(p.findings.errors, vec![]);
        assert_eq!(p.total_samples, Some(10));
    }

    #[test]
    fn missing_fmt_and_zero_channels_are_errors() {
        let mut v = wav(1, 0, 8000, 8, 10, &[]);
        let p = probe(&v, RiffForm::Riff);
        assert!(p.findings.has_error(Code::InvalidHeader));
        v[12..16].copy_from_slice(b"xxxx");
        let p = probe(&v, RiffForm::Riff);
        assert!(p.findings.has_error(Code::InvalidHeader));
    }

    #[test]
    fn hostile_sizes_do_not_panic() {
        let mut v = wav(1, 2, 44_100, 16, 4, &[]);
        // fmt size 0xFFFFFFFF
        v[16..20].copy_from_slice(&u32::MAX.to_le_bytes());
        let p = probe(&v, RiffForm::Riff);
        assert!(!p.findings.errors.is_empty() || !p.findings.warnings.is_empty());
        for cut in 0..v.len() {
            let _ = probe(&v[..cut], RiffForm::Riff);
        }
    }

    #[test]
    fn unset_data_size_is_measured_to_the_end() {
        let mut v = wav(1, 2, 44_100, 16, 50, &[]);
        let at = v.len() - 200 - 4;
        v[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let p = probe(&v, RiffForm::Riff);
        assert_eq!(p.total_samples, Some(50));
        assert!(
            p.findings
                .warnings
                .iter()
                .any(|w| w.code == Code::DataSizeUnset)
        );
        assert_eq!(p.findings.errors, vec![]);
    }

    fn pcm_layout(p: &Probe) -> PcmLayout {
        match &p.layout {
            Some(Layout::Pcm(l)) => *l,
            other => panic!("no PCM layout: {other:?}"),
        }
    }

    #[test]
    fn pcm_layout_and_bwf_md5_chunk() {
        let mut v = wav(1, 2, 44_100, 16, 10, &[]);
        v.extend_from_slice(b"MD5 \x10\0\0\0");
        v.extend_from_slice(&[9; 16]);
        let size = (v.len() - 8) as u32;
        v[4..8].copy_from_slice(&size.to_le_bytes());
        let p = probe(&v, RiffForm::Riff);
        assert_eq!(p.findings, Default::default());
        assert_eq!(p.metadata_chunks, vec!["MD5".to_string()]);
        let l = pcm_layout(&p);
        assert_eq!((l.offset, l.len, l.frame_bytes), (44, 40, 4));
        assert_eq!((l.channels, l.sample_bytes, l.valid_bits), (2, 2, 16));
        assert_eq!(l.encoding, Encoding::Signed);
        assert!(!l.big_endian && l.complete);
        assert_eq!(l.md5_chunk, Some([9; 16]));
        // 8-bit WAV is offset binary.
        let l = pcm_layout(&probe(&wav(1, 1, 8000, 8, 10, &[]), RiffForm::Riff));
        assert_eq!(l.encoding, Encoding::Unsigned);
        // Float and G.711 are counted, not hashed; ADPCM has no layout.
        let l = pcm_layout(&probe(&wav(3, 1, 8000, 32, 10, &[]), RiffForm::Riff));
        assert_eq!(l.encoding, Encoding::Float);
        let l = pcm_layout(&probe(&wav(6, 1, 8000, 8, 10, &[]), RiffForm::Riff));
        assert_eq!(l.encoding, Encoding::Other);
        let p = probe(&wav(0x11, 1, 8000, 4, 10, &[]), RiffForm::Riff);
        assert_eq!(p.layout, None);
        // Truncated: what the file holds, flagged incomplete.
        let mut v = wav(1, 2, 44_100, 16, 10, &[]);
        v.truncate(v.len() - 6);
        let l = pcm_layout(&probe(&v, RiffForm::Riff));
        assert_eq!((l.len, l.complete), (34, false));
    }

    /// RF64 with a ds64 chunk: RIFF size, data size, sample count.
    fn rf64(riff32: u32, data32: u32, ds64: [u64; 3], frames: u32) -> Vec<u8> {
        let mut v = wav(1, 2, 48_000, 16, frames, &[]);
        v[..4].copy_from_slice(b"RF64");
        v[4..8].copy_from_slice(&riff32.to_le_bytes());
        let mut ds = b"ds64\x1c\0\0\0".to_vec();
        for x in ds64 {
            ds.extend_from_slice(&x.to_le_bytes());
        }
        ds.extend_from_slice(&0u32.to_le_bytes());
        v.splice(12..12, ds);
        let at = v.len() - 4 * frames as usize - 4;
        v[at..at + 4].copy_from_slice(&data32.to_le_bytes());
        v
    }

    #[test]
    fn ds64_sizes_are_checked() {
        let len = 12 + 36 + 24 + 8 + 400;
        let ok = rf64(u32::MAX, u32::MAX, [len - 8, 400, 100], 100);
        assert_eq!(ok.len() as u64, len);
        let p = probe(&ok, RiffForm::Rf64);
        assert_eq!(p.findings, Default::default());
        assert_eq!(pcm_layout(&p).len, 400);
        // Both sizes written and equal (REAPER, libbw64): clean.
        let p = probe(
            &rf64(len as u32 - 8, 400, [len - 8, 400, 100], 100),
            RiffForm::Rf64,
        );
        assert_eq!(p.findings, Default::default());
        // ds64 RIFF size against the file.
        let p = probe(
            &rf64(u32::MAX, u32::MAX, [len + 92, 400, 100], 100),
            RiffForm::Rf64,
        );
        assert_eq!(p.findings.warnings[0].code, Code::ContainerSizeMismatch);
        // ds64 data size against the data present.
        let p = probe(
            &rf64(u32::MAX, u32::MAX, [len - 8, 800, 200], 100),
            RiffForm::Rf64,
        );
        assert!(p.findings.has_error(Code::TruncatedData));
        assert_eq!(p.declared_samples, Some(200));
        // Both written and different: reported, the 32-bit one used...
        let p = probe(
            &rf64(len as u32 - 8, 400, [len - 8, 396, 99], 100),
            RiffForm::Rf64,
        );
        assert_eq!(p.total_samples, Some(100));
        assert!(
            p.findings
                .warnings
                .iter()
                .any(|w| w.code == Code::InconsistentHeader
                    && w.message.contains("ds64 data size is 396"))
        );
        let p = probe(
            &rf64(len as u32, 400, [len - 8, 400, 100], 100),
            RiffForm::Rf64,
        );
        assert!(p.findings.warnings.iter().any(|w| w.code == Code::InconsistentHeader
            && w.message.contains("ds64 RF64 size")));
        // ...unless the ds64 one is beyond 4 GiB (the 32-bit one wrapped).
        let p = probe(
            &rf64(u32::MAX, 400, [len - 8, (1 << 32) + 400, 100], 100),
            RiffForm::Rf64,
        );
        assert!(p.findings.has_error(Code::TruncatedData));
        assert_eq!(p.total_samples, Some(100));
        // A ds64 chunk too short to hold the sizes.
        let mut v = ok.clone();
        v[16..20].copy_from_slice(&8u32.to_le_bytes());
        let p = probe(&v, RiffForm::Rf64);
        assert!(
            p.findings
                .warnings
                .iter()
                .any(|w| w.code == Code::MissingDs64 && w.message.contains("only 8 bytes"))
        );
    }

    /// A chna chunk of `n` entries (tracks 1..=n, the first two of a
    /// DirectSpeakers pack, the rest Objects) and an ADM axml chunk.
    fn adm_chunks(n: u16) -> (Vec<u8>, Vec<u8>) {
        let mut chna = b"chna".to_vec();
        chna.extend_from_slice(&(4 + 40 * u32::from(n)).to_le_bytes());
        chna.extend_from_slice(&n.to_le_bytes());
        chna.extend_from_slice(&n.to_le_bytes());
        for i in 1..=n {
            chna.extend_from_slice(&i.to_le_bytes());
            chna.extend_from_slice(format!("ATU_{i:08}").as_bytes());
            let kind = if i <= 2 { "0001" } else { "0003" };
            chna.extend_from_slice(format!("AT_{kind}{i:04}_01").as_bytes());
            chna.extend_from_slice(format!("AP_{kind}{i:04}").as_bytes());
            chna.push(0);
        }
        let xml = b"<ebuCoreMain><coreMetadata><format><audioFormatExtended>\
<audioObject><audioPackFormatIDRef>AP_00031001</audioPackFormatIDRef></audioObject>\
</audioFormatExtended></format></coreMetadata></ebuCoreMain>";
        let mut axml = b"axml".to_vec();
        axml.extend_from_slice(&(xml.len() as u32).to_le_bytes());
        axml.extend_from_slice(xml);
        if xml.len() % 2 == 1 {
            axml.push(0);
        }
        (chna, axml)
    }

    #[test]
    fn adm_chunks_and_their_findings() {
        let (chna, axml) = adm_chunks(3);
        let with = |extra: &[u8], tail: &[u8]| {
            let mut v = wav(1, 3, 48_000, 24, 10_000, extra);
            v.extend_from_slice(tail);
            let size = (v.len() - 8) as u32;
            v[4..8].copy_from_slice(&size.to_le_bytes());
            v
        };
        let v = with(&chna, &axml);
        let p = probe(&v, RiffForm::Riff);
        assert_eq!(p.findings, Default::default());
        assert_eq!(
            (p.adm, p.adm_tracks, p.adm_bed_channels, p.adm_objects),
            (Some(true), Some(3), Some(2), Some(1))
        );
        // The axml chunk past the head window: the probe reads in the gap,
        // which has the file probed again whole.
        let gap = std::cell::Cell::new(false);
        let (head, tail) = (&v[..1024], &v[v.len() - 64..]);
        let _ = probe(
            Bytes::windows(head, tail, v.len() as u64, &gap),
            RiffForm::Riff,
        );
        assert!(gap.get());
        // chna alone; more tracks named than channels.
        let p = probe(&with(&adm_chunks(4).0, &[]), RiffForm::Riff);
        let codes: Vec<_> = p.findings.warnings.iter().map(|w| w.code).collect();
        assert_eq!(codes, [Code::InvalidAdm, Code::IncompleteAdm]);
        assert_eq!(p.adm, None);
        // An axml chunk without ADM and no chna is nobody's business; with
        // a chna it is invalid_adm.
        let ixml = b"axml\x08\0\0\0<a>x</a>".to_vec();
        let p = probe(&with(&[], &ixml), RiffForm::Riff);
        assert_eq!(p.findings, Default::default());
        let p = probe(&with(&chna, &ixml), RiffForm::Riff);
        assert_eq!(p.findings.warnings[0].code, Code::InvalidAdm);
        assert_eq!((p.adm, p.adm_objects), (Some(true), None));
        // A chna chunk running past the end of the file.
        let mut v = with(&[], &chna);
        v.truncate(v.len() - 50);
        let p = probe(&v, RiffForm::Riff);
        let codes: Vec<_> = p.findings.warnings.iter().map(|w| w.code).collect();
        assert!(codes.contains(&Code::TruncatedChunk), "{codes:?}");
        assert!(codes.contains(&Code::InvalidAdm), "{codes:?}");
        for cut in 0..v.len().min(200) {
            let _ = probe(&v[..cut], RiffForm::Riff);
        }
    }

    #[test]
    fn guid_is_printed_in_registry_form() {
        let mut g = [0u8; 16];
        g[..4].copy_from_slice(&1u32.to_le_bytes());
        g[4..].copy_from_slice(&KS_GUID_TAIL);
        assert_eq!(guid_text(&g), "{00000001-0000-0010-8000-00aa00389b71}");
    }
}
