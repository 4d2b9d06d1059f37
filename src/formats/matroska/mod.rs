//! Matroska and WebM audio (`.mka`, `.mkv`, `.webm`): an EBML header whose
//! DocType is `matroska` or `webm`, then a Segment holding Info
//! (TimestampScale, Duration), Tracks and Clusters of blocks.
//!
//! The figures come from the first audio track (TrackType 2) whose
//! FlagDefault is set, or else the first audio track: its CodecID names the
//! codec, its Audio element and CodecPrivate give rate, channels and bit
//! depth (OpusHead, the Vorbis identification and setup headers, FLAC
//! STREAMINFO, the AAC AudioSpecificConfig, the ALAC magic cookie).
//!
//! The length is counted, never taken from the Segment Duration when the
//! blocks can be read: every block of the audio track is visited (lacing
//! undone) and the samples of each frame added up from the codec's own
//! framing (Opus TOC byte, Vorbis modes from the setup header, FLAC and
//! MPEG frame headers, 1024 or 2048 per AAC frame, AC-3 1536, E-AC-3 from
//! its header, ALAC packets of the cookie's length unless the packet states
//! fewer, PCM bytes / bytes per sample frame). From that sum come off the
//! codec delay (the Opus pre-skip, else CodecDelay) and the DiscardPadding
//! of the last block: what a gapless decoder outputs (`durationSource`
//! `frames`; ffmpeg agrees for Opus, MP3, FLAC, PCM and AAC). A FLAC
//! STREAMINFO total that agrees makes it `header`. A codec whose frames
//! cannot be sized (DTS, TrueHD, compressed frames) is measured from the
//! last block's timestamp plus its duration, and without any block from the
//! Segment Duration (`estimated`, with a message saying how).
//!
//! Counting needs the whole file: a header-only scan that reaches the
//! Clusters reads between the head and tail windows, which asks for the
//! whole file (see [`Bytes`]).
//!
//! `--verify` walks every Cluster again ([`verify`]): element sizes within
//! their parent, well-formed lacing, block timestamps that never go back,
//! CRC-32 elements, a Cluster cut short (`truncated_data`). Nothing is
//! decoded (`method` `structure`).

mod codec;
mod ebml;
pub(crate) mod verify;
mod walk;

use crate::formats::{Layout, Probe};
use crate::io::reader::Bytes;
use crate::record::{Code, DurationSource, FileFormat, SampleFormat};
use codec::{Kind, frame_samples};
use ebml::{Bad, Children, float, header, id, uint};

/// Where the audio lies, for verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatroskaLayout {
    /// Offset of the first Cluster.
    pub first_cluster: u64,
    /// End of the Segment (the file's end when its size is unknown).
    pub segment_end: u64,
    /// The audio track's number.
    pub track: u64,
}

/// Whether `buf` starts with an EBML header.
pub fn is_ebml(buf: &[u8]) -> bool {
    buf.starts_with(&[0x1A, 0x45, 0xDF, 0xA3])
}

/// The most bytes a header element (EBML, Info, Tracks, SeekHead) may
/// have: larger ones are not read.
const HEADER_LIMIT: u64 = 16 << 20;

/// Probe a Matroska or WebM file.
pub fn probe(bytes: Bytes<'_>) -> Probe {
    let mut p = Probe {
        file_format: Some(FileFormat::Matroska),
        ..Probe::default()
    };
    let len = bytes.len();
    let ebml = match header(bytes, 0, len) {
        Ok(h) => h,
        Err(_) => {
            p.findings
                .error(Code::InvalidHeader, "the EBML header is cut short");
            return p;
        }
    };
    let doc = ebml
        .size
        .filter(|&s| s <= 4096)
        .and_then(|s| bytes.get(ebml.data, s));
    let Some(doc) = doc else {
        p.findings.error(
            Code::InvalidHeader,
            "the EBML header's size is unknown or larger than the file",
        );
        return p;
    };
    let doc_type = Children::new(doc)
        .find(|(i, _)| *i == id::DOC_TYPE)
        .map(|(_, v)| {
            String::from_utf8_lossy(v)
                .trim_end_matches('\0')
                .to_string()
        });
    match doc_type.as_deref() {
        Some("webm") => p.file_format = Some(FileFormat::WebM),
        Some("matroska") => {}
        other => {
            p.findings.error(
                Code::InvalidHeader,
                format!(
                    "the EBML DocType is {}, not matroska or webm",
                    other.map_or("missing".to_string(), |d| format!("\"{d}\""))
                ),
            );
            return p;
        }
    }
    // The Segment follows (after any Void).
    let mut pos = ebml.end().unwrap_or(len);
    let seg = loop {
        match header(bytes, pos, len) {
            Ok(h) if h.id == id::SEGMENT => break h,
            Ok(h) if h.id == id::VOID && h.end().is_some() => pos = h.end().unwrap_or(len),
            Ok(h) => {
                p.findings.error(
                    Code::InvalidHeader,
                    format!(
                        "no Segment after the EBML header (element 0x{:X} at offset {pos})",
                        h.id
                    ),
                );
                return p;
            }
            Err(_) => {
                p.findings.error(
                    if pos >= len {
                        Code::TruncatedData
                    } else {
                        Code::InvalidHeader
                    },
                    "the file ends before the Segment",
                );
                return p;
            }
        }
    };
    let seg_end = seg.end().unwrap_or(len);
    let mut truncated: Option<String> = None;
    if seg_end > len {
        truncated = Some(format!(
            "the Segment declares {} bytes, the file holds {}",
            seg.size.unwrap_or(0),
            len - seg.data
        ));
    }
    let seg_end = seg_end.min(len);

    // The Segment's children up to the first Cluster.
    let mut info: Option<&[u8]> = None;
    let mut tracks: Option<&[u8]> = None;
    let mut seeks: Vec<(u32, u64)> = Vec::new();
    let mut first_cluster = None;
    let mut pos = seg.data;
    while pos < seg_end {
        let h = match header(bytes, pos, seg_end) {
            Ok(h) => h,
            Err(Bad::End) => {
                truncated.get_or_insert_with(|| {
                    format!("the file ends inside an element header at offset {pos}")
                });
                break;
            }
            Err(Bad::Invalid) => {
                p.findings.error(
                    Code::InvalidHeader,
                    format!("no valid EBML element at offset {pos} in the Segment"),
                );
                break;
            }
        };
        if h.id == id::CLUSTER {
            first_cluster = Some(pos);
            break;
        }
        let Some(end) = h.end() else {
            p.findings.error(
                Code::InvalidHeader,
                format!(
                    "the Segment child 0x{:X} at offset {pos} has an unknown size",
                    h.id
                ),
            );
            break;
        };
        if end > len {
            truncated.get_or_insert_with(|| {
                format!(
                    "the element 0x{:X} at offset {pos} declares {} bytes, the file holds {}",
                    h.id,
                    h.size.unwrap_or(0),
                    len - h.data
                )
            });
        }
        let body = || {
            h.size
                .filter(|&s| s <= HEADER_LIMIT)
                .and_then(|s| bytes.get(h.data, s))
        };
        match h.id {
            id::INFO => info = info.or_else(body),
            id::TRACKS => tracks = tracks.or_else(body),
            id::SEEK_HEAD => seeks.extend(body().map(seek_entries).unwrap_or_default()),
            _ => {}
        }
        if end > len {
            break;
        }
        pos = end;
    }
    // Info or Tracks after the Clusters: where the SeekHead says.
    let at = |want: u32| {
        let off = seeks.iter().find(|(i, _)| *i == want)?.1;
        let h = header(bytes, seg.data.checked_add(off)?, seg_end).ok()?;
        (h.id == want).then_some(())?;
        bytes.get(h.data, h.size.filter(|&s| s <= HEADER_LIMIT)?)
    };
    if info.is_none() {
        info = at(id::INFO);
    }
    if tracks.is_none() {
        tracks = at(id::TRACKS);
    }

    let mut scale: u64 = 1_000_000;
    let mut duration: Option<f64> = None;
    if let Some(info) = info {
        for (i, v) in Children::new(info) {
            match i {
                id::TIMESTAMP_SCALE => match uint(v) {
                    Some(s) if s > 0 => scale = s,
                    _ => p.findings.warn(
                        Code::InvalidHeader,
                        "the TimestampScale is 0 or malformed: 1,000,000 ns assumed",
                    ),
                },
                id::DURATION => duration = float(v).filter(|d| d.is_finite() && *d >= 0.0),
                _ => {}
            }
        }
    }
    let Some(tracks) = tracks else {
        if let Some(t) = truncated {
            p.findings.error(Code::TruncatedData, t);
        }
        p.findings.error(
            Code::InvalidHeader,
            "the Segment has no Tracks element: the audio track is unknown",
        );
        return p;
    };
    let (entries, overflow) = codec::entries(tracks);
    if overflow {
        p.findings.warn(
            Code::InvalidHeader,
            "an element inside Tracks runs past its end: the tracks after it are not read",
        );
    }
    let audio: Vec<&codec::Entry<'_>> = entries.iter().filter(|e| e.kind == 2).collect();
    let Some(entry) = audio.iter().find(|e| e.default).or(audio.first()) else {
        let kinds: Vec<String> = entries
            .iter()
            .map(|e| match e.kind {
                1 => format!("video {}", e.codec_id),
                17 => format!("subtitle {}", e.codec_id),
                k => format!("type {k} {}", e.codec_id),
            })
            .collect();
        if let Some(t) = truncated {
            p.findings.error(Code::TruncatedData, t);
        }
        p.findings.error(
            Code::UnsupportedFormat,
            if kinds.is_empty() {
                "the Matroska file has no audio track".to_string()
            } else {
                format!(
                    "the Matroska file has no audio track (tracks: {})",
                    kinds.join(", ")
                )
            },
        );
        return p;
    };
    let t = codec::track(entry);
    for (code, msg) in &t.problems {
        p.findings.warn(*code, msg.clone());
    }
    p.audio_codec = Some(t.codec.clone());
    p.sample_rate = t.rate;
    p.channels = t.channels;
    p.input_sample_rate = t.input_rate;
    if t.lossless {
        p.bit_depth = t.bit_depth;
        p.sample_format = Some(if t.float {
            SampleFormat::Float
        } else {
            SampleFormat::Int
        });
    }

    // Count the samples of every frame of the track.
    let mut sum: Option<u64> = Some(0);
    let mut bytes_total = 0u64;
    let mut frames_total = 0u64;
    let mut last: Option<(i64, Option<u64>, u64)> = None;
    let mut discard: Option<i64> = None;
    let mut partial = 0u64;
    let mut prev = None;
    let mut walked = None;
    if let Some(from) = first_cluster {
        let mut on = |b: &walk::Block<'_>| {
            let mut block_samples = Some(0u64);
            for f in b.frames {
                frames_total += 1;
                bytes_total += f.len() as u64;
                if let Kind::Pcm(bpf) = t.kind
                    && !(f.len() as u64).is_multiple_of(bpf)
                {
                    partial += 1;
                }
                let n = frame_samples(&t.kind, f, &mut prev);
                block_samples = block_samples.zip(n).map(|(a, b)| a + b);
            }
            sum = sum.zip(block_samples).map(|(a, b)| a + b);
            last = Some((b.ts, b.duration, block_samples.unwrap_or(0)));
            discard = b.discard_ns;
        };
        walked = Some(walk::walk(bytes, from, seg_end, t.number, false, &mut on));
    }
    if let Some(w) = &walked {
        if let Some(tr) = &w.truncated {
            truncated.get_or_insert_with(|| tr.clone());
        }
        for (code, msg) in &w.problems {
            p.findings.warn(*code, msg.clone());
        }
    }
    if let Some(tr) = truncated {
        p.findings.error(Code::TruncatedData, tr);
    }
    p.layout = first_cluster.map(|f| {
        Layout::Matroska(MatroskaLayout {
            first_cluster: f,
            segment_end: seg_end,
            track: t.number,
        })
    });
    if partial > 0 {
        p.findings.warn(
            Code::PartialSampleFrame,
            format!("{partial} PCM frames are not a whole number of sample frames"),
        );
    }
    let rate = t.rate;
    let to_samples = |ns: u128| -> Option<u64> {
        let r = u128::from(rate?);
        u64::try_from((ns * r + 500_000_000) / 1_000_000_000).ok()
    };
    let ticks_ns = |ticks: u64| u128::from(ticks) * u128::from(scale);
    // Delay and padding, in samples at the output rate.
    let delay = match t.pre_skip {
        Some(ps) => ps,
        None => to_samples(u128::from(t.codec_delay_ns)).unwrap_or(0),
    };
    let padding = discard
        .filter(|&d| d > 0)
        .and_then(|d| to_samples(d as u128))
        .unwrap_or(0);
    let declared = duration.and_then(|d| {
        let ns = d * scale as f64;
        (ns.is_finite() && ns < 1e22)
            .then_some(ns as u128)
            .and_then(&to_samples)
    });
    p.audio_bytes = (frames_total > 0).then_some(bytes_total);
    match (sum, last) {
        (Some(gross), Some(_)) if frames_total > 0 => {
            let total = gross.saturating_sub(delay).saturating_sub(padding);
            p.total_samples = Some(total);
            p.duration_source = Some(DurationSource::Frames);
            if delay > 0 {
                p.encoder_delay = Some(delay);
            }
            if padding > 0 {
                p.encoder_padding = Some(padding);
            }
            if p.findings.has_error(Code::TruncatedData) {
                p.declared_samples = declared.filter(|&d| d != total);
            }
            if let Some(ft) = t.flac_total.filter(|&n| n > 0) {
                if ft == total {
                    p.duration_source = Some(DurationSource::Header);
                } else {
                    p.declared_samples = Some(ft);
                    if !p.findings.has_error(Code::TruncatedData) {
                        p.findings.warn(
                            Code::InconsistentHeader,
                            format!(
                                "the FLAC STREAMINFO declares {ft} samples, the blocks hold {total}"
                            ),
                        );
                    }
                }
            }
            if let (Some(d), Some(r)) = (declared, rate)
                && d.abs_diff(total) > u64::from(r / 10)
                && !p.findings.has_error(Code::TruncatedData)
            {
                p.findings.warn(
                    Code::InconsistentHeader,
                    format!(
                        "the Segment Duration says {d} samples ({:.3} s), the blocks hold {total}",
                        d as f64 / f64::from(r)
                    ),
                );
            }
        }
        (_, Some((ts, dur, _))) if rate.is_some() => {
            // Frames that cannot be sized: the last block's end time.
            let dur_ns = dur
                .map(ticks_ns)
                .or(t.default_duration_ns.map(u128::from))
                .unwrap_or(0);
            let end_ns = ticks_ns(u64::try_from(ts).unwrap_or(0)) + dur_ns;
            let end = to_samples(end_ns)
                .unwrap_or(0)
                .saturating_sub(to_samples(u128::from(t.codec_delay_ns)).unwrap_or(0))
                .saturating_sub(padding);
            p.total_samples = Some(end);
            p.duration_source = Some(DurationSource::Estimated);
            p.findings.warn(
                Code::UnknownDuration,
                format!(
                    "the length is the last block's timestamp plus its duration ({} ns per tick): {} frames cannot be sized exactly",
                    scale, t.codec
                ),
            );
        }
        _ if p.findings.has_error(Code::TruncatedData) => {
            p.declared_samples = declared;
            p.findings.error(
                Code::UnknownDuration,
                "the file ends before a complete block of the audio track: the length is unknown",
            );
        }
        _ => match declared {
            Some(d) if rate.is_some() => {
                p.total_samples = Some(d);
                p.duration_source = Some(DurationSource::Estimated);
                p.findings.warn(
                    Code::UnknownDuration,
                    format!(
                        "no block of the audio track was read: the length comes from the Segment Duration ({} timestamp units of {scale} ns)",
                        duration.unwrap_or(0.0)
                    ),
                );
            }
            _ => p.findings.error(
                Code::UnknownDuration,
                "no block of the audio track and no Segment Duration: the length is unknown",
            ),
        },
    }
    p
}

/// The `(element ID, position)` entries of a SeekHead.
fn seek_entries(data: &[u8]) -> Vec<(u32, u64)> {
    Children::new(data)
        .filter(|(i, _)| *i == id::SEEK)
        .take(64)
        .filter_map(|(_, s)| {
            let mut want = None;
            let mut at = None;
            for (i, v) in Children::new(s) {
                match i {
                    id::SEEK_ID => want = uint(v).and_then(|x| u32::try_from(x).ok()),
                    id::SEEK_POSITION => at = uint(v),
                    _ => {}
                }
            }
            Some((want?, at?))
        })
        .collect()
}

#[cfg(test)]
mod tests;
