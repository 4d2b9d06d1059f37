//! MPEG audio (MPEG-1, 2 and 2.5; Layers I, II and III), measured to the
//! sample a gapless decoder outputs, without decoding.
//!
//! Peers get MP3 durations wrong in two ways: they count whole frames
//! (ignoring the encoder delay and padding a gapless decoder removes), or
//! they estimate from the bitrate. ddexprobe:
//!
//! * skips the tags around the audio: ID3v2 at the start (the caller found
//!   them; they are read for [`Tags`](crate::tags::Tags)), and ID3v1,
//!   APEv2, Lyrics3 and appended ID3v2 at the end, in any order;
//! * accepts a frame only when the next frame header agrees with it, which
//!   tolerates junk before the first frame (`leading_data`) and finds
//!   free-format frame sizes (the distance to the next identical header);
//! * reads the Xing/Info or VBRI header of the first frame, at the offset
//!   its version, channel mode and CRC protection put it; with a LAME (or
//!   Lavf/Lavc) extension the total is `frames x samples per frame - delay
//!   - padding` with the 529-sample decoder delay convention that LAME and
//!   ffmpeg share, from the head and tail of the file alone
//!   (`durationSource: "header"`);
//! * otherwise walks every frame header (4 bytes and a jump per frame) for an
//!   exact count (`durationSource: "frames"`), and reports what the walk
//!   finds: a header that contradicts it, a truncated last frame, lost sync,
//!   trailing junk, mid-stream changes of rate or channel mode.
//!
//! The frame carrying a Xing/VBRI header is not audio (decoders skip it) and
//! is not counted.

use crate::formats::push_unique;
use crate::formats::{Layout, Probe};
use crate::io::reader::{Bytes, Endian, Reader};
use crate::record::{Code, DurationSource, FileFormat};
use crate::tags::id3v2;

mod frame;
pub mod verify;

use frame::*;
pub use frame::{FrameHeader, Version, find_sync, sync_within};
pub(crate) use frame::{Frames, Step};

/// The decoder delay of the MP3 synthesis filter bank, in samples, as LAME
/// and ffmpeg account for it (528 + 1).
const DECODER_DELAY: u64 = 529;

/// What a Xing/Info or VBRI header says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct VbrHeader {
    /// `Xing`, `Info` or `VBRI`.
    pub(crate) kind: &'static str,
    /// Frames of audio (the header frame excluded).
    pub(crate) frames: Option<u64>,
    /// Bytes of the stream, the header frame included.
    pub(crate) bytes: Option<u64>,
    /// Encoder delay and padding from a LAME/Lavf/Lavc extension.
    pub(crate) gapless: Option<(u64, u64)>,
}

fn read_vbr_header(bytes: Bytes<'_>, pos: u64, h: &FrameHeader) -> Option<VbrHeader> {
    if h.layer != 3 {
        return None;
    }
    // Some encoders put the tag where an unprotected frame would have it.
    let mut offsets = vec![h.xing_offset()];
    if h.protected {
        offsets.push(h.xing_offset() - 2);
    }
    for off in offsets {
        let mut r = Reader::at(bytes, pos + off);
        let Ok(id) = r.fourcc() else { continue };
        let kind = match &id {
            b"Xing" => "Xing",
            b"Info" => "Info",
            _ => continue,
        };
        let flags = r.u32(Endian::Big).ok()?;
        let mut v = VbrHeader {
            kind,
            ..VbrHeader::default()
        };
        if flags & 1 != 0 {
            v.frames = Some(u64::from(r.u32(Endian::Big).ok()?));
        }
        if flags & 2 != 0 {
            v.bytes = Some(u64::from(r.u32(Endian::Big).ok()?));
        }
        if flags & 4 != 0 && r.skip(100).is_err() {
            return Some(v);
        }
        if flags & 8 != 0 && r.skip(4).is_err() {
            return Some(v);
        }
        // The LAME extension: 9-byte encoder, 12 bytes of settings, then
        // delay and padding, 12 bits each.
        if let Ok(enc) = r.bytes(9)
            && matches!(&enc[..4], b"LAME" | b"Lavf" | b"Lavc")
            && r.skip(12).is_ok()
            && let Ok(d) = r.u24(Endian::Big)
        {
            v.gapless = Some((u64::from(d >> 12), u64::from(d & 0xFFF)));
        }
        return Some(v);
    }
    // VBRI (Fraunhofer): always 32 bytes after the header.
    let mut r = Reader::at(bytes, pos + 36);
    if r.fourcc().ok()? != *b"VBRI" {
        return None;
    }
    let _version = r.u16(Endian::Big).ok()?;
    let _delay = r.u16(Endian::Big).ok()?;
    let _quality = r.u16(Endian::Big).ok()?;
    let stream_bytes = r.u32(Endian::Big).ok()?;
    let frames = r.u32(Endian::Big).ok()?;
    Some(VbrHeader {
        kind: "VBRI",
        frames: Some(u64::from(frames)),
        bytes: Some(u64::from(stream_bytes)),
        gapless: None,
    })
}

/// Strip the tags at the end of the audio (ID3v1, APEv2, Lyrics3, appended
/// ID3v2, in any order) and return where the audio ends. An ID3v1 tag is
/// read as a fallback for the fields ID3v2 did not set.
pub(crate) fn audio_end(bytes: Bytes<'_>, start: u64, p: &mut Probe) -> u64 {
    let mut end = bytes.len();
    let mut id3v1_at = None;
    for _ in 0..8 {
        let room = end.saturating_sub(start);
        // ID3v1 (and the "TAG+" extended tag before it).
        if id3v1_at.is_none() && room >= 128 && bytes.get(end - 128, 3) == Some(b"TAG") {
            end -= 128;
            id3v1_at = Some(end);
            push_unique(&mut p.metadata_chunks, "ID3v1");
            if end - start >= 227 && bytes.get(end - 227, 4) == Some(b"TAG+") {
                end -= 227;
            }
            continue;
        }
        // APEv2/APEv1 footer.
        if room >= 32 && bytes.get(end - 32, 8) == Some(b"APETAGEX") {
            let mut r = Reader::at(bytes, end - 32 + 12);
            let size = r.u32(Endian::Little).map(u64::from).unwrap_or(0);
            let _items = r.u32(Endian::Little);
            let flags = r.u32(Endian::Little).unwrap_or(0);
            let header = if flags & 0x8000_0000 != 0 { 32 } else { 0 };
            if size >= 32 && size + header <= room {
                end -= size + header;
                push_unique(&mut p.metadata_chunks, "APEv2");
                continue;
            }
        }
        // Lyrics3 v2: 6-digit size + "LYRICS200".
        if room >= 15 + 11 && bytes.get(end - 9, 9) == Some(b"LYRICS200") {
            let size = bytes
                .get(end - 15, 6)
                .and_then(|d| std::str::from_utf8(d).ok())
                .and_then(|d| d.parse::<u64>().ok());
            if let Some(size) = size.filter(|s| s + 15 <= room) {
                let from = end - 15 - size;
                if bytes.get(from, 11) == Some(b"LYRICSBEGIN") {
                    end = from;
                    push_unique(&mut p.metadata_chunks, "Lyrics3");
                    continue;
                }
            }
        }
        // Lyrics3 v1: "LYRICSBEGIN" ... "LYRICSEND", at most 5100 bytes of text.
        if room >= 9 + 11 && bytes.get(end - 9, 9) == Some(b"LYRICSEND") {
            let from = end.saturating_sub(9 + 11 + 5100).max(start);
            let text = bytes.get_up_to(from, end - 9 - from);
            if let Some(i) = text.windows(11).rposition(|w| w == b"LYRICSBEGIN") {
                end = from + i as u64;
                push_unique(&mut p.metadata_chunks, "Lyrics3");
                continue;
            }
        }
        // An ID3v2 tag appended with a footer ("3DI").
        if room >= 20
            && let Some(f) = bytes.get(end - 10, 10).filter(|f| &f[..3] == b"3DI")
            && let Some(size) = f[6..10]
                .iter()
                .try_fold(0u64, |a, &b| {
                    (b & 0x80 == 0).then_some((a << 7) | u64::from(b))
                })
                .filter(|s| s + 20 <= room)
            && bytes.get(end - 20 - size, 3) == Some(b"ID3")
        {
            let from = end - 20 - size;
            id3v2::read_id3v2(bytes, from, &mut p.tags);
            push_unique(&mut p.metadata_chunks, "ID3v2");
            end = from;
            continue;
        }
        break;
    }
    if let Some(at) = id3v1_at {
        id3v2::read_id3v1(bytes, at, &mut p.tags);
    }
    end
}

/// Where the MPEG audio of a file lies, as the probe finds it: what
/// verification walks.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    /// The first audio frame.
    pub(crate) audio_start: u64,
    /// Where the audio ends (the tags at the end excluded).
    pub(crate) end: u64,
    /// The first frame's header.
    pub(crate) first: FrameHeader,
    /// The unpadded free-format frame length, for a free-format stream.
    pub(crate) free: Option<u64>,
    /// The Xing/Info or VBRI header.
    pub(crate) vbr: Option<VbrHeader>,
}

/// Probe MPEG audio whose first frame (or junk before it) is at `start`,
/// after any ID3v2 tags.
pub fn probe(bytes: Bytes<'_>, start: u64) -> Probe {
    let mut p = Probe {
        file_format: Some(FileFormat::Mp3),
        ..Probe::default()
    };
    crate::formats::read_leading_id3v2(bytes, start, &mut p);
    let start = start.min(bytes.len());
    let end = audio_end(bytes, start, &mut p);
    if start >= end {
        p.findings.error(
            Code::UnknownDuration,
            format!(
                "no MPEG audio: the file holds only tags ({} bytes)",
                bytes.len()
            ),
        );
        return p;
    }
    let Some((first_pos, first)) = find_sync_until(bytes, start, SYNC_SEARCH, end, Free::Search)
    else {
        p.findings.error(
            Code::InvalidHeader,
            format!(
                "no MPEG audio frame found in the {} bytes after offset {start} (no frame header followed by an agreeing one)",
                (end - start).min(SYNC_SEARCH)
            ),
        );
        return p;
    };
    // Zero bytes after the tags are the padding taggers leave, not junk.
    let padding = if start > 0 {
        id3v2::zeros_at(bytes, start, first_pos - start)
    } else {
        0
    };
    if first_pos > start + padding {
        p.findings.warn(
            Code::LeadingData,
            format!(
                "{} bytes before the first MPEG frame (offset {first_pos}) are neither a tag nor audio",
                first_pos - start - padding
            ),
        );
    }
    let h = first.header;
    p.audio_codec = Some(h.codec().to_string());
    p.sample_rate = Some(h.sample_rate);
    p.channels = Some(h.channels());
    let spf = u64::from(h.samples());
    let mut vbr = read_vbr_header(bytes, first_pos, &h);
    // A LAME tag whose delay and padding leave nothing of the frames it
    // declares cannot be right: the frames are counted instead.
    if let Some(v) = &mut vbr
        && let (Some(frames), Some((delay, padding))) = (v.frames, v.gapless)
    {
        let (d, pad) = removed(delay, padding);
        if frames > 0 && d + pad >= frames * spf {
            p.findings.warn(
                Code::VbrHeaderMismatch,
                format!(
                    "the LAME tag (in the {} header) declares delay {delay} and padding {padding}: with the {DECODER_DELAY}-sample decoder delay a gapless decoder would remove {} samples, as many as or more than its {frames} frames hold ({}); the tag is ignored and the frames are counted",
                    v.kind,
                    d + pad,
                    frames * spf
                ),
            );
            v.gapless = None;
        }
    }
    let audio_start = if vbr.is_some() {
        first_pos + first.len
    } else {
        first_pos
    };
    p.layout = Some(Layout::Mpeg(Located {
        audio_start,
        end,
        first: h,
        free: first.free,
        vbr: vbr.clone(),
    }));
    if let Some(v) = &vbr {
        push_unique(&mut p.metadata_chunks, v.kind);
        if v.gapless.is_some() {
            push_unique(&mut p.metadata_chunks, "LAME");
        }
    }

    // The header path: a LAME-style tag with a frame count, and a stream
    // whose length is what the tag says (or the tag does not say).
    if let Some(v) = &vbr
        && let (Some(frames), Some((delay, padding))) = (v.frames, v.gapless)
        && v.bytes.is_none_or(|b| b == end - first_pos)
        && frames > 0
    {
        let (d, pad) = removed(delay, padding);
        p.total_samples = Some((frames * spf).saturating_sub(d + pad));
        p.encoder_delay = Some(d);
        p.encoder_padding = Some(pad);
        p.duration_source = Some(DurationSource::Header);
        p.audio_bytes = Some(end - audio_start);
        return p;
    }

    // The frame walk.
    let w = walk(bytes, audio_start, end, &h, first.free);
    report_walk(&mut p, &w, &h, bytes, end);
    p.audio_bytes = Some(w.audio_bytes);
    p.duration_source = Some(DurationSource::Frames);
    let declared = vbr.as_ref().and_then(|v| v.frames);
    let kind = vbr.as_ref().map_or("", |v| v.kind);
    match (declared, vbr.as_ref().and_then(|v| v.gapless)) {
        (Some(n), Some((delay, padding))) => {
            let (d, pad) = removed(delay, padding);
            p.encoder_delay = Some(d);
            p.encoder_padding = Some(pad);
            let declared_total = (n * spf).saturating_sub(d + pad);
            if w.complete() < n {
                // What a gapless decoder outputs: the frames present, less
                // the delay, and less whatever of the padding is present.
                let present = w.samples.min((n * spf).saturating_sub(pad));
                p.total_samples = Some(present.saturating_sub(d));
                p.declared_samples = Some(declared_total);
                p.findings.error(
                    Code::TruncatedData,
                    format!(
                        "the {kind} header declares {n} frames ({declared_total} samples); the file holds {}{} ({} samples)",
                        w.frames,
                        w.cut_note(),
                        present.saturating_sub(d)
                    ),
                );
            } else {
                p.total_samples = Some(w.samples.saturating_sub(d + pad));
                if w.frames > n {
                    p.findings.warn(
                        Code::VbrHeaderMismatch,
                        format!(
                            "the {kind} header declares {n} frames, the stream holds {}: the frames are counted",
                            w.frames
                        ),
                    );
                } else {
                    p.duration_source = Some(DurationSource::Header);
                }
            }
        }
        (declared, _) => {
            p.total_samples = Some(w.samples);
            if let Some(n) = declared.filter(|&n| n != w.frames) {
                if n > w.complete() {
                    p.declared_samples = Some(n * spf);
                    p.findings.error(
                        Code::TruncatedData,
                        format!(
                            "the {kind} header declares {n} frames ({} samples); the file holds {}{} ({} samples)",
                            n * spf,
                            w.frames,
                            w.cut_note(),
                            w.samples
                        ),
                    );
                } else {
                    p.findings.warn(
                        Code::VbrHeaderMismatch,
                        format!(
                            "the {kind} header declares {n} frames, the stream holds {}: the frames are counted",
                            w.frames
                        ),
                    );
                }
            }
        }
    }
    // After the header checks, which report a cut together with what the
    // header declared.
    if let Some((have, need)) = w.partial
        && !p.findings.has_error(Code::TruncatedData)
    {
        p.findings.error(
            Code::TruncatedData,
            format!(
                "the last frame is cut short: {have} of its {need} bytes are present; its samples are not counted"
            ),
        );
    }
    if w.frames == 0 {
        p.findings.error(
            Code::UnknownDuration,
            "the stream holds no complete audio frame",
        );
    }
    p
}

/// The samples removed at the start and at the end for a LAME tag's delay
/// and padding: ffmpeg and LAME skip `delay + 529` at the start and stop
/// `padding - 529` before the end (never after it).
fn removed(delay: u64, padding: u64) -> (u64, u64) {
    (delay + DECODER_DELAY, padding.saturating_sub(DECODER_DELAY))
}

fn report_walk(p: &mut Probe, w: &Walk, first: &FrameHeader, bytes: Bytes<'_>, end: u64) {
    if w.trailing > 0 {
        let from = end - w.trailing;
        let message = if id3v2::zeros_at(bytes, from, w.trailing) == w.trailing {
            format!(
                "{} zero bytes after the last MPEG frame (from offset {from}): no audio, and the mark of a copy or download that stopped before the end; compare the file with its source",
                w.trailing
            )
        } else {
            format!(
                "{} bytes after the last MPEG frame (from offset {from}) are neither a frame nor a known tag",
                w.trailing
            )
        };
        p.findings.warn(Code::TrailingData, message);
    }
    if w.lost.0 > 0 {
        p.findings.warn(
            Code::CorruptFrames,
            format!(
                "{} bytes in {} place{} inside the stream are not MPEG frames (sync lost and found again)",
                w.lost.1,
                w.lost.0,
                if w.lost.0 == 1 { "" } else { "s" }
            ),
        );
    }
    if let Some((at, what)) = &w.rate_change {
        p.findings.warn(
            Code::StreamParametersChange,
            format!(
                "the stream starts as {} and changes to {what} at offset {at}",
                first.describe()
            ),
        );
    }
    if let Some((at, ch)) = w.mode_change {
        p.findings.warn(
            Code::StreamParametersChange,
            format!(
                "the stream starts with {} channel(s) and changes to {ch} at offset {at}",
                first.channels()
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, joint stereo, no CRC.
    const H128: [u8; 4] = [0xFF, 0xFB, 0x90, 0x40];

    fn frame(h: [u8; 4]) -> Vec<u8> {
        let fh = FrameHeader::parse(&h).unwrap();
        let mut f = h.to_vec();
        f.resize(fh.frame_len().unwrap() as usize, 0x55);
        f
    }

    fn stream(h: [u8; 4], n: usize) -> Vec<u8> {
        (0..n).flat_map(|_| frame(h)).collect()
    }

    /// A LAME Info frame for `h` declaring `frames`, with delay/padding.
    fn lame_frame(h: [u8; 4], frames: u32, bytes: Option<u32>, delay: u32, pad: u32) -> Vec<u8> {
        let fh = FrameHeader::parse(&h).unwrap();
        let mut f = vec![0u8; fh.frame_len().unwrap() as usize];
        f[..4].copy_from_slice(&h);
        let mut x = b"Info".to_vec();
        x.extend_from_slice(&(1u32 | if bytes.is_some() { 2 } else { 0 }).to_be_bytes());
        x.extend_from_slice(&frames.to_be_bytes());
        if let Some(b) = bytes {
            x.extend_from_slice(&b.to_be_bytes());
        }
        x.extend_from_slice(b"LAME3.100");
        x.extend_from_slice(&[0; 12]);
        let d = (delay << 12) | pad;
        x.extend_from_slice(&d.to_be_bytes()[1..]);
        let off = fh.xing_offset() as usize;
        f[off..off + x.len()].copy_from_slice(&x);
        f
    }

    #[test]
    fn header_fields_and_lengths() {
        let h = FrameHeader::parse(&H128).unwrap();
        assert_eq!(h.version, Version::Mpeg1);
        assert_eq!((h.layer, h.bitrate, h.sample_rate), (3, 128, 44_100));
        assert_eq!(h.frame_len(), Some(417));
        assert_eq!(h.samples(), 1152);
        assert_eq!(h.xing_offset(), 36);
        // MPEG-2 Layer III mono 8 kbit/s 22.05 kHz with CRC.
        let h2 = FrameHeader::parse(&[0xFF, 0xF2, 0x10, 0xC0]).unwrap();
        assert_eq!(
            (h2.version, h2.sample_rate, h2.bitrate),
            (Version::Mpeg2, 22_050, 8)
        );
        assert_eq!(h2.samples(), 576);
        assert_eq!(h2.xing_offset(), 4 + 2 + 9);
        // Layer I, 32 kHz, 32 kbit/s: (12 * 32000 / 32000) * 4 = 48.
        let l1 = FrameHeader::parse(&[0xFF, 0xFF, 0x18, 0x00]).unwrap();
        assert_eq!((l1.layer, l1.frame_len()), (1, Some(48)));
        assert_eq!(l1.codec(), "MP1");
        // Reserved fields.
        assert!(FrameHeader::parse(&[0xFF, 0xEB, 0x90, 0x40]).is_none());
        assert!(FrameHeader::parse(&[0xFF, 0xF9, 0x90, 0x40]).is_none());
        assert!(FrameHeader::parse(&[0xFF, 0xFB, 0xF0, 0x40]).is_none());
        assert!(FrameHeader::parse(&[0xFF, 0xFB, 0x9C, 0x40]).is_none());
    }

    #[test]
    fn plain_stream_is_walked() {
        let s = stream(H128, 10);
        let p = probe(Bytes::full(&s), 0);
        assert!(p.findings.errors.is_empty(), "{:?}", p.findings);
        assert!(p.findings.warnings.is_empty(), "{:?}", p.findings);
        assert_eq!(p.total_samples, Some(11_520));
        assert_eq!(p.duration_source, Some(DurationSource::Frames));
        assert_eq!(p.audio_codec.as_deref(), Some("MP3"));
        assert_eq!(p.channels, Some(2));
        assert_eq!(p.audio_bytes, Some(4170));
    }

    #[test]
    fn lame_header_gives_gapless_count() {
        let mut s = lame_frame(H128, 10, Some(11 * 417), 576, 1000);
        s.extend(stream(H128, 10));
        let p = probe(Bytes::full(&s), 0);
        assert!(p.findings.errors.is_empty(), "{:?}", p.findings);
        assert_eq!(p.total_samples, Some(11_520 - 576 - 1000));
        assert_eq!(p.encoder_delay, Some(576 + 529));
        assert_eq!(p.encoder_padding, Some(1000 - 529));
        assert_eq!(p.duration_source, Some(DurationSource::Header));
        assert_eq!(p.audio_bytes, Some(4170));
    }

    #[test]
    fn lame_header_on_a_crc_protected_frame() {
        let hp = [0xFF, 0xFA, 0x90, 0x40]; // protected
        let mut s = lame_frame(hp, 3, None, 576, 600);
        s.extend(stream(hp, 3));
        let p = probe(Bytes::full(&s), 0);
        assert_eq!(p.total_samples, Some(3 * 1152 - 576 - 600));
        assert_eq!(p.duration_source, Some(DurationSource::Header));
    }

    #[test]
    fn truncated_lame_stream_is_an_error_with_both_figures() {
        let mut s = lame_frame(H128, 10, Some(11 * 417), 576, 1000);
        s.extend(stream(H128, 10));
        s.truncate(s.len() - 600);
        let p = probe(Bytes::full(&s), 0);
        assert!(
            p.findings.has_error(Code::TruncatedData),
            "{:?}",
            p.findings
        );
        // Eight whole frames remain; the ninth is cut short and not counted.
        assert_eq!(p.total_samples, Some(8 * 1152 - 576 - 529));
        assert_eq!(p.declared_samples, Some(11_520 - 576 - 1000));
        let msg = &p.findings.errors[0].message;
        assert!(
            msg.contains("10 frames") && msg.contains("holds 8 and part of one more"),
            "{msg}"
        );
        assert_eq!(p.findings.errors.len(), 1, "one truncation error, not two");
    }

    #[test]
    fn junk_tags_and_trailing_data() {
        let mut s = b"junk!".to_vec();
        s.extend(stream(H128, 5));
        s.extend_from_slice(b"garbage at the end");
        // Lyrics3 v2, APEv2 (with header), ID3v1.
        let lyr = b"LYRICSBEGININD00002xx";
        s.extend_from_slice(lyr);
        s.extend_from_slice(format!("{:06}LYRICS200", lyr.len()).as_bytes());
        let mut ape = b"APETAGEX".to_vec();
        ape.extend_from_slice(&2000u32.to_le_bytes());
        ape.extend_from_slice(&32u32.to_le_bytes());
        ape.extend_from_slice(&0u32.to_le_bytes());
        ape.extend_from_slice(&0xA000_0000u32.to_le_bytes());
        ape.extend_from_slice(&[0; 8]);
        s.extend_from_slice(&ape);
        let mut foot = ape.clone();
        foot[20..24].copy_from_slice(&0x8000_0000u32.to_le_bytes());
        s.extend_from_slice(&foot);
        let mut v1 = vec![0u8; 128];
        v1[..3].copy_from_slice(b"TAG");
        v1[3..6].copy_from_slice(b"Hey");
        s.extend_from_slice(&v1);
        let p = probe(Bytes::full(&s), 0);
        assert_eq!(p.total_samples, Some(5 * 1152));
        let codes: Vec<Code> = p.findings.warnings.iter().map(|w| w.code).collect();
        assert_eq!(
            codes,
            vec![Code::LeadingData, Code::TrailingData],
            "{:?}",
            p.findings
        );
        assert!(p.findings.warnings[1].message.starts_with("18 bytes"));
        assert_eq!(p.tags.title.as_deref(), Some("Hey"));
        assert_eq!(p.metadata_chunks, vec!["ID3v1", "APEv2", "Lyrics3"]);
    }

    #[test]
    fn free_format_frames_are_sized_from_the_next_sync() {
        // MPEG-1 Layer II free format, 48 kHz: 500-byte frames, one padded.
        let h = [0xFF, 0xFD, 0x04, 0x00];
        let hp = [0xFF, 0xFD, 0x06, 0x00];
        let mut s = Vec::new();
        for i in 0..6 {
            let mut f = if i == 2 { hp.to_vec() } else { h.to_vec() };
            f.resize(if i == 2 { 501 } else { 500 }, 0);
            s.extend(f);
        }
        let p = probe(Bytes::full(&s), 0);
        assert!(p.findings.warnings.is_empty(), "{:?}", p.findings);
        assert_eq!(p.total_samples, Some(6 * 1152));
        assert_eq!(p.audio_codec.as_deref(), Some("MP2"));
    }

    #[test]
    fn rate_and_mode_changes_are_warned() {
        let mut s = stream(H128, 3);
        s.extend(stream([0xFF, 0xFB, 0x94, 0xC0], 3)); // 48 kHz mono
        let p = probe(Bytes::full(&s), 0);
        let n = p
            .findings
            .warnings
            .iter()
            .filter(|w| w.code == Code::StreamParametersChange)
            .count();
        assert_eq!(n, 2, "{:?}", p.findings);
        assert_eq!(p.total_samples, Some(6 * 1152));
    }

    #[test]
    fn xing_without_lame_trusts_the_frames() {
        let mut f = lame_frame(H128, 2, None, 0, 0);
        f[36 + 12..36 + 21].copy_from_slice(b"OTHERENC!");
        f[36..40].copy_from_slice(b"Xing");
        let mut s = f;
        s.extend(stream(H128, 4));
        let p = probe(Bytes::full(&s), 0);
        assert_eq!(p.total_samples, Some(4 * 1152));
        assert_eq!(p.findings.warnings[0].code, Code::VbrHeaderMismatch);
        assert_eq!(p.encoder_delay, None);
    }

    #[test]
    fn find_sync_needs_an_agreeing_next_header() {
        let mut s = vec![0xFF, 0xFB, 0x90, 0x40, 1, 2, 3];
        s.extend(stream(H128, 2));
        assert_eq!(find_sync(Bytes::full(&s), 0, 1000), Some(7));
        assert!(sync_within(Bytes::full(&s), 1000));
        assert_eq!(find_sync(Bytes::full(b"\xff\xfb\x90"), 0, 10), None);
    }

    #[test]
    fn tag_only_and_hostile_inputs_do_not_panic() {
        let tag = [b'I', b'D', b'3', 3, 0, 0, 0, 0, 0, 0];
        let p = probe(Bytes::full(&tag), 10);
        assert!(p.findings.has_error(Code::UnknownDuration));
        let p = probe(Bytes::full(b"\xff\xfb\x90\x40"), 0);
        assert!(!p.findings.errors.is_empty());
        let mut s = lame_frame(H128, u32::MAX, Some(u32::MAX), 4095, 4095);
        s.extend(stream(H128, 3));
        s.extend_from_slice(b"3DI\x04\0\0\x7f\x7f\x7f\x7f");
        for cut in 0..s.len() {
            let _ = probe(Bytes::full(&s[..cut]), 0);
            let _ = probe(Bytes::full(&s[..cut]), 5);
        }
        let p = probe(Bytes::full(&s), 0);
        assert!(p.findings.has_error(Code::TruncatedData));
    }

    #[test]
    fn lame_file_is_measured_from_head_and_tail_only() {
        let mut s = lame_frame(H128, 200, Some(201 * 417), 576, 1000);
        s.extend(stream(H128, 200));
        let len = s.len() as u64;
        let gap = std::cell::Cell::new(false);
        let tail_from = s.len() - 4096;
        let b = Bytes::windows(&s[..4096], &s[tail_from..], len, &gap);
        let p = probe(b, 0);
        assert!(
            !gap.get(),
            "the header path must not read between the windows"
        );
        assert_eq!(p.total_samples, Some(200 * 1152 - 576 - 1000));
        // A walk reads between the windows and asks for the whole file.
        let mut plain = stream(H128, 200);
        plain.truncate(s.len());
        let gap = std::cell::Cell::new(false);
        let tail_from = plain.len() - 4096;
        let b = Bytes::windows(
            &plain[..4096],
            &plain[tail_from..],
            plain.len() as u64,
            &gap,
        );
        let _ = probe(b, 0);
        assert!(gap.get());
    }

    #[test]
    fn vbri_header_is_read() {
        let mut f = frame(H128);
        f[36..40].copy_from_slice(b"VBRI");
        f[46..50].copy_from_slice(&(5 * 417u32).to_be_bytes());
        f[50..54].copy_from_slice(&4u32.to_be_bytes());
        let mut s = f;
        s.extend(stream(H128, 4));
        let p = probe(Bytes::full(&s), 0);
        assert!(p.findings.errors.is_empty() && p.findings.warnings.is_empty());
        assert_eq!(p.total_samples, Some(4 * 1152));
        assert_eq!(p.metadata_chunks, vec!["VBRI"]);
    }

    #[test]
    fn leading_id3v2_is_read_and_lost_sync_is_reported() {
        let mut s = vec![b'I', b'D', b'3', 3, 0, 0, 0, 0, 0, 13];
        s.extend_from_slice(b"TIT2\0\0\0\x03\0\0\0Hi");
        s.extend(stream(H128, 3));
        s.extend_from_slice(&[0u8; 50]);
        s.extend(stream(H128, 3));
        // An ID3v2 tag appended at the end, with a footer.
        let mut app = vec![b'I', b'D', b'3', 4, 0, 0x10, 0, 0, 0, 0];
        app.extend_from_slice(&[b'3', b'D', b'I', 4, 0, 0x10, 0, 0, 0, 0]);
        s.extend(app);
        let p = probe(Bytes::full(&s), 23);
        assert_eq!(p.tags.title.as_deref(), Some("Hi"));
        assert_eq!(p.total_samples, Some(6 * 1152));
        let codes: Vec<Code> = p.findings.warnings.iter().map(|w| w.code).collect();
        assert_eq!(codes, vec![Code::CorruptFrames], "{:?}", p.findings);
        assert!(
            p.findings.warnings[0]
                .message
                .starts_with("50 bytes in 1 place ")
        );
    }

    #[test]
    fn lyrics3_v1_is_skipped() {
        let mut s = stream(H128, 3);
        s.extend_from_slice(b"LYRICSBEGINsome words hereLYRICSEND");
        let p = probe(Bytes::full(&s), 0);
        assert!(p.findings.warnings.is_empty(), "{:?}", p.findings);
        assert_eq!(p.metadata_chunks, vec!["Lyrics3"]);
    }
}
