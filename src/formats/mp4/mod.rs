//! ISO base media files (MP4, M4A, M4B, QuickTime), measured from their
//! boxes without decoding.
//!
//! Catalogs hold AAC and Apple Lossless in MP4, and their durations are where
//! peers go wrong: the media holds whole codec frames, with encoder priming at
//! the start and padding at the end, and only the container says how many of
//! the decoded samples are real. This module reads:
//!
//! * the top-level boxes (32-bit, 64-bit and to-end-of-file sizes), `moov`
//!   before or after `mdat`. `mdat` is jumped over by its size, never read,
//!   so a header-only scan touches the head and the tail of the file;
//! * the first audio track (`hdlr` `soun`): `mdhd` timescale and duration,
//!   the `stsd` sample entry (`mp4a` + `esds` → AudioSpecificConfig: object
//!   type, rate, channels, SBR/PS signalled explicitly or seen implicitly
//!   from the sample entry; `alac` magic cookie; `fLaC`/`dfLa`; `Opus`/`dOps`;
//!   others named by their fourcc), `stts`, `elst`, and the last chunk of the
//!   sample tables (`stsz`, `stco`/`co64`, `stsc`) to see whether the file
//!   holds the audio the tables point to;
//! * `moov/udta/meta/ilst` (and `moov/meta/ilst`): title, artist, album,
//!   date, genre, copyright, `rtng`, and freeform `----:com.apple.iTunes`
//!   items (ISRC, ITUNESADVISORY, and `iTunSMPB` for gapless playback).
//!
//! The gapless total is, in order of preference: the `iTunSMPB` original
//! sample count (clamped to what the sample table holds after the delay);
//! the edit list (`elst` media time = priming, segment duration = the samples
//! to play); the `stts` total. It is what a decoder that honours the
//! container outputs. ffmpeg 5.1 honours the edit list's start (priming) but
//! outputs the whole last AAC frame (and Opus packet), so it decodes up to a
//! frame more than the edit list and the encoder's input; the edit list wins.
//! `encoderPadding` is what such a decoder outputs past the end: for AAC,
//! whole frames × frame length − delay − total, so for ffmpeg-made files
//! `totalSamples + encoderPadding` is exactly what ffmpeg decodes.
//!
//! Fragments against the edit list: an edit that ends where the `moov`'s
//! samples end, while the movie extends header (`mehd`) covers the
//! fragments too, was written before them: its end is ignored. Otherwise
//! the fragments after the edit's end are not played, and are named as
//! ignored rather than counted as padding. A sample table whose total
//! passes the media header's duration by less than its last sample (the
//! short last frame counted whole) yields to the media header; an
//! `iTunSMPB` that pads to whole frames agrees with a table that already
//! ends short.
//!
//! An edit that ends less than one movie-timescale tick before the media
//! does (ffmpeg writes milliseconds, rounded down) ends with the media: the
//! sample table's count is the exact one. A media timescale that makes a
//! whole frame shorter than one sample (or that is negative as a signed
//! value) is corrupt: `invalid_header`, and the sample rate stands in.
//!
//! Whether the file holds its audio is checked cheaply: the last chunk's
//! offset (`stco`/`co64`) plus the sizes of its samples (the last `stsc`
//! entry and the tail of `stsz`) must lie within the file, else
//! `truncated_data` with both figures. `audioBytes` is the `mdat` payload.
//!
//! For HE-AAC (SBR), `sampleRate` is the output (SBR) rate, twice the core
//! AAC rate, as decoders output it; sample counts are in that rate.
//! HE-AACv2 (PS) outputs two channels from a mono core.
//!
//! Fragmented files (`mvex`, `moof`) are recognised and warned about
//! (`fragmented_mp4`); their total is the sum of the audio track's `trun`
//! sample durations over every `moof` (reading each `moof`'s header boxes:
//! a whole-file read for large files), and verification walks and decodes
//! their samples after the sample table's ([`walk_fragments`]). Without any
//! fragment the duration is `unknown_duration`.
//!
//! Nothing here recurses on file data: the box paths are fixed, so depth is
//! bounded by the code. Counts from the file are never used to allocate;
//! tables are walked within the bytes their box holds.

mod boxes;
pub(crate) mod esds;
mod ilst;
mod measure;
pub(crate) mod verify;

use crate::formats::{Layout, Probe};
use crate::io::reader::{Bytes, Endian, Reader, fourcc_str};
use crate::record::{Code, FileFormat};
use boxes::{Atom, Atoms, read_header};
use esds::parse_esds;
use ilst::parse_meta;
use measure::measure;

const BE: Endian = Endian::Big;

/// Most edit-list entries kept.
const MAX_EDITS: usize = 64;
/// Most ilst items read.
const MAX_ITEMS: usize = 512;
/// Most `moof` boxes walked in a fragmented file (each a few hundred bytes).
const MAX_FRAGMENTS: u32 = 1_000_000;
/// Most top-level boxes walked (hostile files of tiny boxes).
const MAX_TOP_BOXES: u32 = 10_000_000;

/// One edit-list entry.
#[derive(Debug, Clone, Copy)]
struct Edit {
    /// In the movie timescale.
    duration: u64,
    /// In the media timescale; -1 for an empty edit.
    media_time: i64,
    /// Media rate integer part (1 for normal playback).
    rate: i16,
}

/// What the sample description says.
#[derive(Debug, Clone, Default)]
struct Entry {
    fourcc: [u8; 4],
    /// Codec name for the record.
    codec: Option<String>,
    channels: Option<u32>,
    rate: Option<u32>,
    bits: Option<u32>,
    int: bool,
    /// The codec's own config gave rate/channels (not only the entry).
    input_rate: Option<u32>,
    /// Notes on how the figures were derived.
    notes: Vec<(Code, String)>,
    encrypted: bool,
    /// AAC core rate, when SBR is implicit-capable (AOT 2, no SBR signalled).
    aac_core: Option<u32>,
    /// Samples a decoder outputs per AAC frame (1024 or 960, doubled by
    /// SBR), for the padding.
    frame_out: Option<u32>,
    /// The most samples an ALAC packet holds (its cookie's frame length):
    /// packets hold it, the last one fewer.
    alac_frame: Option<u32>,
}

/// A byte range of the file: a box body, or a codec configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    offset: u64,
    len: u64,
}

impl Span {
    /// The range `r` covers.
    fn of(r: &Reader<'_>) -> Span {
        Span {
            offset: r.pos(),
            len: r.remaining(),
        }
    }

    /// A reader over this range of `bytes` (as far as they go).
    fn reader<'a>(self, bytes: Bytes<'a>) -> Reader<'a> {
        Reader::at(bytes, self.offset).sub_up_to(self.len)
    }
}

/// What the audio track's decoder needs, as the sample entry says it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DecoderConfig {
    /// AAC, with its AudioSpecificConfig.
    Aac(Span),
    /// ALAC, with its magic cookie and bit depth.
    Alac(Span, u32),
    /// Anything else: verification checks the structure only.
    #[default]
    Other,
}

/// Where the audio track's samples are described: the layout the probe
/// returns and verification walks, sample by sample. Box bodies are kept
/// as ranges of the file, never copied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrackLayout {
    config: DecoderConfig,
    /// The movie fragments, walked after the sample table.
    fragments: Fragments,
    media_ts: Option<u32>,
    stts: Option<Span>,
    stsc: Option<Span>,
    stsz: Option<Span>,
    stco: Option<Span>,
    co64: Option<Span>,
}

/// The parts of a `trak` that matter.
#[derive(Debug, Clone, Default)]
struct Track {
    id: u32,
    handler: Option<[u8; 4]>,
    media_ts: Option<u32>,
    media_dur: Option<u64>,
    edits: Vec<Edit>,
    edits_dropped: bool,
    entry: Option<Entry>,
    /// stts: sum of count × delta, and sum of counts.
    stts_total: Option<u64>,
    stts_samples: u64,
    /// stts delta of the first entry (frame length in the media timescale).
    stts_first_delta: Option<u32>,
    /// stts delta of the last entry (the last sample's duration).
    stts_last_delta: Option<u32>,
    /// stsz: constant size (0 when per-sample), count, and the box body.
    stsz: Option<(u32, u32)>,
    stsz_body: Option<(u64, u64)>,
    /// Last chunk offset and the number of chunks.
    last_chunk: Option<(u64, u32)>,
    /// Samples per chunk of the last stsc entry.
    last_spc: Option<u32>,
    /// Where the sample tables and the decoder configuration are.
    layout: TrackLayout,
}

/// Values gathered from the whole file.
#[derive(Default)]
struct State {
    movie_ts: Option<u32>,
    fragmented: bool,
    trex_default: Vec<TrexDefaults>,
    tracks: Vec<Track>,
    smpb: Option<(u64, u64, u64)>,
    saw_moov: bool,
    /// The movie extends header's fragment duration (`mehd`), in the movie
    /// timescale: the whole presentation, fragments included.
    mehd: Option<u64>,
}

/// Probe an MP4 file.
pub fn probe(bytes: Bytes<'_>) -> Probe {
    let mut p = Probe {
        file_format: Some(FileFormat::Mp4),
        ..Probe::default()
    };
    let mut st = State::default();
    let mut r = Reader::over(bytes);
    let mut mdat_bytes: u64 = 0;
    let mut mdat_seen = false;
    let mut moofs: Vec<u64> = Vec::new();
    let mut moof_count: u32 = 0;
    let mut boxes = 0u32;
    while !r.is_empty() && boxes < MAX_TOP_BOXES {
        boxes += 1;
        let (kind, start, size, hlen) = match read_header(&mut r) {
            Ok(h) => h,
            Err(msg) => {
                if st.saw_moov {
                    p.findings.warn(Code::TrailingData, msg);
                } else {
                    p.findings.error(Code::InvalidHeader, msg);
                }
                break;
            }
        };
        let body_len = size - hlen;
        let avail = r.remaining();
        let fits = body_len <= avail;
        match &kind {
            b"mdat" => {
                mdat_seen = true;
                mdat_bytes = mdat_bytes.saturating_add(body_len.min(avail));
                if !fits {
                    p.findings.error(
                        Code::TruncatedData,
                        format!(
                            "the mdat box at offset {start} declares {body_len} bytes of media data, the file holds {avail}"
                        ),
                    );
                }
            }
            b"moov" => {
                if !fits {
                    p.findings.error(
                        Code::TruncatedData,
                        format!(
                            "the moov box at offset {start} declares {size} bytes, the file holds {} from there",
                            avail + hlen
                        ),
                    );
                }
                if st.saw_moov {
                    p.findings.warn(
                        Code::InconsistentHeader,
                        format!("a second moov box at offset {start} is ignored"),
                    );
                } else {
                    st.saw_moov = true;
                    let mut rr = r.clone();
                    let body = rr.sub_up_to(body_len);
                    parse_moov(body, &mut st, &mut p, fits);
                }
            }
            b"moof" => {
                st.fragmented = true;
                moof_count += 1;
                if moof_count <= MAX_FRAGMENTS {
                    moofs.push(start);
                }
            }
            b"meta" if !st.saw_moov => {}
            _ => {
                if !fits {
                    p.findings.warn(
                        Code::TruncatedChunk,
                        format!(
                            "the '{}' box at offset {start} declares {size} bytes, the file holds {} from there",
                            fourcc_str(&kind),
                            avail + hlen
                        ),
                    );
                }
            }
        }
        if !fits || r.skip(body_len).is_err() {
            break;
        }
    }
    if !st.saw_moov {
        p.findings.error(
            Code::InvalidHeader,
            if mdat_seen {
                "no moov box: the file has media data but no description of it".to_string()
            } else {
                "no moov box: the file describes no media".to_string()
            },
        );
        return p;
    }
    let Some(ti) = st.tracks.iter().position(|t| t.handler == Some(*b"soun")) else {
        let handlers: Vec<String> = st
            .tracks
            .iter()
            .filter_map(|t| t.handler.map(|h| fourcc_str(&h)))
            .collect();
        p.findings.error(
            Code::UnsupportedFormat,
            if handlers.is_empty() {
                "the MP4 file has no audio track".to_string()
            } else {
                format!(
                    "the MP4 file has no audio track (tracks: {})",
                    handlers.join(", ")
                )
            },
        );
        return p;
    };
    let track = st.tracks[ti].clone();
    p.layout = Some(Layout::Mp4(TrackLayout {
        media_ts: track.media_ts,
        ..track.layout.clone()
    }));
    if mdat_seen {
        p.audio_bytes = Some(mdat_bytes);
    }
    let frags = Fragments {
        trex: st
            .trex_default
            .iter()
            .find(|d| d.track == track.id)
            .copied()
            .unwrap_or_default(),
        moofs,
        track: track.id,
    };
    let frag_total = st.fragmented.then(|| sum_fragments(bytes, &frags));
    if let Some(Layout::Mp4(l)) = &mut p.layout {
        l.fragments = frags;
    }
    measure(bytes, &mut p, &st, &track, frag_total, moof_count);
    p
}

/// `whole`: the moov box is complete (else a child cut short by the end of
/// the file is not reported again).
fn parse_moov(moov: Reader<'_>, st: &mut State, p: &mut Probe, whole: bool) {
    let mut it = Atoms::new(moov);
    for a in it.by_ref() {
        match &a.kind {
            b"mvhd" => {
                let mut b = a.body;
                match full_box_times(&mut b) {
                    Some((ts, _)) => {
                        if ts == 0 {
                            p.findings.error(
                                Code::InvalidHeader,
                                "the movie header (mvhd) has a timescale of 0: its durations and the edit list cannot be read",
                            );
                        } else {
                            st.movie_ts = Some(ts);
                        }
                    }
                    None => p.findings.error(
                        Code::InvalidHeader,
                        format!("the mvhd box at offset {} is too short", a.start),
                    ),
                }
            }
            b"mvex" => {
                st.fragmented = true;
                for c in Atoms::new(a.body) {
                    if &c.kind == b"mehd" {
                        let mut b = c.body.clone();
                        if let Ok(version) = b.u8()
                            && b.skip(3).is_ok()
                        {
                            st.mehd = if version == 1 {
                                b.u64(BE).ok()
                            } else {
                                b.u32(BE).ok().map(u64::from)
                            }
                            .filter(|&d| d > 0);
                        }
                    }
                    if &c.kind == b"trex" {
                        let mut b = c.body;
                        if b.skip(4).is_ok()
                            && let (Ok(track), Ok(_sdi), Ok(duration)) =
                                (b.u32(BE), b.u32(BE), b.u32(BE))
                            && st.trex_default.len() < MAX_EDITS
                        {
                            let size = b.u32(BE).unwrap_or(0);
                            st.trex_default.push(TrexDefaults {
                                track,
                                duration,
                                size,
                            });
                        }
                    }
                }
            }
            b"trak" if st.tracks.len() < 256 => {
                let t = parse_trak(a.body, p);
                st.tracks.push(t);
            }
            b"udta" => {
                for c in Atoms::new(a.body) {
                    if &c.kind == b"meta" {
                        parse_meta(c.body, st, p);
                    }
                }
            }
            b"meta" => parse_meta(a.body, st, p),
            _ => {}
        }
    }
    if let Some(e) = it.err
        && whole
    {
        p.findings
            .error(Code::InvalidHeader, format!("in moov: {e}"));
    }
}

/// Read a version-0/1 `mvhd`/`mdhd` body: `(timescale, duration)`.
fn full_box_times(b: &mut Reader<'_>) -> Option<(u32, u64)> {
    let version = b.u8().ok()?;
    b.skip(3).ok()?;
    if version == 1 {
        b.skip(16).ok()?;
        let ts = b.u32(BE).ok()?;
        let dur = b.u64(BE).ok()?;
        Some((ts, dur))
    } else {
        b.skip(8).ok()?;
        let ts = b.u32(BE).ok()?;
        let dur = b.u32(BE).ok()?;
        let dur = if dur == u32::MAX {
            u64::MAX
        } else {
            u64::from(dur)
        };
        Some((ts, dur))
    }
}

fn parse_trak(trak: Reader<'_>, p: &mut Probe) -> Track {
    let mut t = Track::default();
    let mut it = Atoms::new(trak);
    for a in it.by_ref() {
        match &a.kind {
            b"tkhd" => {
                let mut b = a.body;
                if let Ok(v) = b.u8() {
                    let skip = if v == 1 { 3 + 16 } else { 3 + 8 };
                    if b.skip(skip).is_ok()
                        && let Ok(id) = b.u32(BE)
                    {
                        t.id = id;
                    }
                }
            }
            b"edts" => {
                for c in Atoms::new(a.body) {
                    if &c.kind == b"elst" {
                        parse_elst(c.body, &mut t);
                    }
                }
            }
            b"mdia" => parse_mdia(a.body, &mut t, p),
            _ => {}
        }
    }
    if let Some(e) = it.err {
        p.findings
            .error(Code::InvalidHeader, format!("in trak: {e}"));
    }
    t
}

fn parse_elst(mut b: Reader<'_>, t: &mut Track) {
    let Ok(version) = b.u8() else { return };
    if b.skip(3).is_err() {
        return;
    }
    let Ok(count) = b.u32(BE) else { return };
    for _ in 0..count {
        let e = if version == 1 {
            match (b.u64(BE), b.u64(BE), b.u16(BE), b.u16(BE)) {
                (Ok(d), Ok(m), Ok(rate), Ok(_)) => Edit {
                    duration: d,
                    media_time: m as i64,
                    rate: rate as i16,
                },
                _ => break,
            }
        } else {
            match (b.u32(BE), b.u32(BE), b.u16(BE), b.u16(BE)) {
                (Ok(d), Ok(m), Ok(rate), Ok(_)) => Edit {
                    duration: u64::from(d),
                    media_time: i64::from(m as i32),
                    rate: rate as i16,
                },
                _ => break,
            }
        };
        if t.edits.len() >= MAX_EDITS {
            t.edits_dropped = true;
            break;
        }
        t.edits.push(e);
    }
}

fn parse_mdia(mdia: Reader<'_>, t: &mut Track, p: &mut Probe) {
    for a in Atoms::new(mdia) {
        match &a.kind {
            b"mdhd" => {
                let mut b = a.body;
                if let Some((ts, dur)) = full_box_times(&mut b) {
                    t.media_ts = Some(ts);
                    t.media_dur = (dur != u64::MAX).then_some(dur);
                }
            }
            b"hdlr" => {
                let mut b = a.body;
                if b.skip(8).is_ok()
                    && let Ok(h) = b.fourcc()
                {
                    t.handler = Some(h);
                }
            }
            b"minf" => {
                for c in Atoms::new(a.body) {
                    if &c.kind == b"stbl" {
                        parse_stbl(c.body, t, p);
                    }
                }
            }
            _ => {}
        }
    }
}

fn parse_stbl(stbl: Reader<'_>, t: &mut Track, p: &mut Probe) {
    let mut it = Atoms::new(stbl);
    for a in it.by_ref() {
        let mut b = a.body.clone();
        let span = Span::of(&a.body);
        let first = |slot: &mut Option<Span>| {
            slot.get_or_insert(span);
        };
        match &a.kind {
            b"stts" => first(&mut t.layout.stts),
            b"stsc" => first(&mut t.layout.stsc),
            b"stsz" => first(&mut t.layout.stsz),
            b"stco" => first(&mut t.layout.stco),
            b"co64" => first(&mut t.layout.co64),
            _ => {}
        }
        match &a.kind {
            b"stsd" => {
                if b.skip(4).is_ok()
                    && let Ok(n) = b.u32(BE)
                    && n > 0
                    && let Some(e) = Atoms::new(b).next()
                {
                    let (entry, config) = parse_entry(e);
                    t.entry = Some(entry);
                    t.layout.config = config;
                }
            }
            b"stts" => {
                if b.skip(4).is_err() {
                    continue;
                }
                let Ok(n) = b.u32(BE) else { continue };
                let mut total: u64 = 0;
                let mut samples: u64 = 0;
                for i in 0..n {
                    let (Ok(count), Ok(delta)) = (b.u32(BE), b.u32(BE)) else {
                        p.findings.error(
                            Code::InvalidHeader,
                            format!(
                                "the stts box at offset {} declares {n} entries, it holds {i}",
                                a.start
                            ),
                        );
                        break;
                    };
                    if i == 0 {
                        t.stts_first_delta = Some(delta);
                    }
                    if count > 0 {
                        t.stts_last_delta = Some(delta);
                    }
                    total = total.saturating_add(u64::from(count) * u64::from(delta));
                    samples = samples.saturating_add(u64::from(count));
                }
                t.stts_total = Some(total);
                t.stts_samples = samples;
            }
            b"stsz" => {
                if b.skip(4).is_err() {
                    continue;
                }
                if let (Ok(size), Ok(count)) = (b.u32(BE), b.u32(BE)) {
                    t.stsz = Some((size, count));
                    t.stsz_body = Some((b.pos(), b.remaining()));
                }
            }
            b"stco" | b"co64" => {
                let wide = &a.kind == b"co64";
                let w = if wide { 8 } else { 4 };
                if b.skip(4).is_err() {
                    continue;
                }
                let Ok(n) = b.u32(BE) else { continue };
                if n == 0 {
                    continue;
                }
                let need = u64::from(n) * w;
                if need > b.remaining() {
                    p.findings.error(
                        Code::InvalidHeader,
                        format!(
                            "the {} box at offset {} declares {n} chunks, it holds {}",
                            fourcc_str(&a.kind),
                            a.start,
                            b.remaining() / w
                        ),
                    );
                    continue;
                }
                if b.skip(need - w).is_ok() {
                    let off = if wide {
                        b.u64(BE).ok()
                    } else {
                        b.u32(BE).ok().map(u64::from)
                    };
                    if let Some(off) = off {
                        t.last_chunk = Some((off, n));
                    }
                }
            }
            b"stsc" => {
                if b.skip(4).is_err() {
                    continue;
                }
                let Ok(n) = b.u32(BE) else { continue };
                if n == 0 || u64::from(n) * 12 > b.remaining() {
                    continue;
                }
                if b.skip((u64::from(n) - 1) * 12 + 4).is_ok()
                    && let Ok(spc) = b.u32(BE)
                {
                    t.last_spc = Some(spc);
                }
            }
            _ => {}
        }
    }
    if let Some(e) = it.err {
        p.findings
            .error(Code::InvalidHeader, format!("in stbl: {e}"));
    }
}

/// Parse an audio sample entry: its figures, and what its decoder needs.
fn parse_entry(a: Atom<'_>) -> (Entry, DecoderConfig) {
    let entry_kind = a.kind;
    let mut e = Entry {
        fourcc: a.kind,
        ..Entry::default()
    };
    let mut b = a.body;
    // SampleEntry: 6 reserved + data reference index; then the (QuickTime)
    // sound description.
    let mut qt_version = 0u16;
    if b.skip(8).is_ok()
        && let (Ok(v), Ok(_), Ok(_), Ok(ch), Ok(bits), Ok(_), Ok(_), Ok(rate)) = (
            b.u16(BE),
            b.u16(BE),
            b.u32(BE),
            b.u16(BE),
            b.u16(BE),
            b.u16(BE),
            b.u16(BE),
            b.u32(BE),
        )
    {
        qt_version = v;
        e.channels = (ch > 0).then_some(u32::from(ch));
        e.bits = (bits > 0).then_some(u32::from(bits));
        e.rate = (rate >> 16 > 0).then_some(rate >> 16);
    }
    match qt_version {
        1 => {
            let _ = b.skip(16);
        }
        2 => {
            // sizeOfStructOnly, audioSampleRate (f64), numAudioChannels,
            // always7F000000, constBitsPerChannel, flags, bytes/packet,
            // frames/packet.
            if let (Ok(_), Ok(rate), Ok(ch), Ok(_), Ok(bits)) =
                (b.u32(BE), b.u64(BE), b.u32(BE), b.u32(BE), b.u32(BE))
            {
                let rate = f64::from_bits(rate);
                if (1.0..4e9).contains(&rate) && rate.fract() == 0.0 {
                    e.rate = Some(rate as u32);
                }
                e.channels = (ch > 0 && ch < 65_536).then_some(ch);
                e.bits = (bits > 0 && bits <= 64).then_some(bits);
            }
            let _ = b.skip(12);
        }
        _ => {}
    }
    let mut kind = a.kind;
    let children: Vec<Atom<'_>> = Atoms::new(b).take(64).collect();
    if &kind == b"enca" {
        e.encrypted = true;
        for c in &children {
            if &c.kind == b"sinf" {
                for s in Atoms::new(c.body.clone()) {
                    if &s.kind == b"frma" {
                        let mut sb = s.body;
                        if let Ok(f) = sb.fourcc() {
                            kind = f;
                        }
                    }
                }
            }
        }
        e.fourcc = kind;
    }
    // Codec configuration boxes, directly or inside a QuickTime 'wave'.
    let mut configs: Vec<Atom<'_>> = Vec::new();
    for c in children {
        if &c.kind == b"wave" {
            configs.extend(Atoms::new(c.body.clone()).take(64));
        }
        configs.push(c);
    }
    let find = |k: &[u8; 4]| {
        configs
            .iter()
            .find(|c| &c.kind == k)
            .map(|c| c.body.clone())
    };
    match &kind {
        b"mp4a" => {
            e.codec = Some("AAC".to_string());
            match find(b"esds") {
                Some(body) => parse_esds(body, &mut e),
                None => e.notes.push((
                    Code::InvalidHeader,
                    "the mp4a sample entry has no esds box: codec details unknown".to_string(),
                )),
            }
            if e.codec.as_deref() != Some("ALS") {
                e.bits = None;
            }
        }
        b"alac" => {
            e.codec = Some("ALAC".to_string());
            e.int = true;
            match find(b"alac") {
                Some(mut body) => {
                    // Full box (version + flags) before the 24-byte config,
                    // except in some QuickTime files.
                    if body.remaining() >= 28 {
                        let _ = body.skip(4);
                    }
                    if let (Ok(frame), Ok(_ver), Ok(bits), Ok(_), Ok(_), Ok(_), Ok(ch)) = (
                        body.u32(BE),
                        body.u8(),
                        body.u8(),
                        body.u8(),
                        body.u8(),
                        body.u8(),
                        body.u8(),
                    ) {
                        let _ = body.skip(10);
                        e.alac_frame = (frame > 0).then_some(frame);
                        if bits > 0 {
                            e.bits = Some(u32::from(bits));
                        }
                        if ch > 0 {
                            e.channels = Some(u32::from(ch));
                        }
                        if let Ok(rate) = body.u32(BE)
                            && rate > 0
                        {
                            e.rate = Some(rate);
                        }
                    }
                }
                None => e.notes.push((
                    Code::InvalidHeader,
                    "the alac sample entry has no magic cookie: figures from the sample entry"
                        .to_string(),
                )),
            }
        }
        b"fLaC" => {
            e.codec = Some("FLAC".to_string());
            e.int = true;
            if let Some(mut body) = find(b"dfLa")
                && body.skip(4).is_ok()
                && let Ok(h) = body.u32(BE)
                && (h >> 24) & 0x7F == 0
                && body.skip(10).is_ok()
                && let Ok(packed) = body.u64(BE)
            {
                let rate = (packed >> 44) as u32;
                if rate > 0 {
                    e.rate = Some(rate);
                }
                e.channels = Some(((packed >> 41) & 7) as u32 + 1);
                e.bits = Some(((packed >> 36) & 0x1F) as u32 + 1);
            }
        }
        b"Opus" => {
            e.codec = Some("Opus".to_string());
            e.bits = None;
            e.rate = Some(48_000);
            if let Some(mut body) = find(b"dOps")
                && let (Ok(_v), Ok(ch), Ok(_pre), Ok(input)) =
                    (body.u8(), body.u8(), body.u16(BE), body.u32(BE))
            {
                if ch > 0 {
                    e.channels = Some(u32::from(ch));
                }
                e.input_rate = (input > 0).then_some(input);
            }
        }
        _ => {
            let name = match &kind {
                b"ac-3" => Some("AC-3"),
                b"ec-3" => Some("E-AC-3"),
                b"ac-4" => Some("AC-4"),
                b".mp3" | b"mp3 " => Some("MP3"),
                b"samr" => Some("AMR"),
                b"sawb" => Some("AMR-WB"),
                b"sowt" | b"twos" | b"lpcm" | b"ipcm" | b"in24" | b"in32" | b"fl32" | b"fl64"
                | b"raw " => Some("PCM"),
                b"ulaw" => Some("MuLaw"),
                b"alaw" => Some("ALaw"),
                b"dtsc" | b"dtsh" | b"dtsl" | b"dtse" => Some("DTS"),
                b"mha1" | b"mhm1" => Some("MPEG-H"),
                _ => None,
            };
            if name != Some("PCM") {
                e.bits = None;
            }
            if matches!(name, Some("AMR" | "AMR-WB")) {
                // 3GPP sample entries always say 2 channels; AMR is mono.
                e.channels = Some(1);
            }
            match name {
                Some(n) => e.codec = Some(n.to_string()),
                None => {
                    e.codec = Some(fourcc_str(&kind));
                    e.notes.push((
                        Code::UnsupportedCodec,
                        format!(
                            "the audio codec '{}' is not known to this version: rate and channels are the sample entry's",
                            fourcc_str(&kind)
                        ),
                    ));
                }
            }
        }
    }
    let config = decoder_config(entry_kind, &find);
    (e, config)
}

/// The decoder configuration of a sample entry of type `kind`, from its
/// configuration boxes (`find`).
fn decoder_config<'a>(
    kind: [u8; 4],
    find: &dyn Fn(&[u8; 4]) -> Option<Reader<'a>>,
) -> DecoderConfig {
    match &kind {
        b"mp4a" => find(b"esds")
            .and_then(|body| esds::decoder_config(body).ok())
            .filter(|(oti, _)| esds::is_aac(*oti))
            .and_then(|(_, mut dc)| esds::audio_specific_config(&mut dc))
            .filter(|(_, asc)| asc.len() >= 2)
            .map_or(DecoderConfig::Other, |(offset, asc)| {
                DecoderConfig::Aac(Span {
                    offset,
                    len: asc.len() as u64,
                })
            }),
        b"alac" => {
            let Some(mut body) = find(b"alac") else {
                return DecoderConfig::Other;
            };
            // Full box (version + flags) before the 24-byte config, except
            // in some QuickTime files; a 48-byte cookie holds a channel
            // layout too.
            if body.remaining() >= 28 {
                let _ = body.skip(4);
            }
            let offset = body.pos();
            let cookie = body.bytes_up_to(48);
            let len = match cookie.len() {
                24 | 48 => cookie.len(),
                n if n > 24 => 24,
                _ => return DecoderConfig::Other,
            };
            let bits = u32::from(cookie[5]);
            if !matches!(bits, 16 | 20 | 24 | 32) {
                return DecoderConfig::Other;
            }
            DecoderConfig::Alac(
                Span {
                    offset,
                    len: len as u64,
                },
                bits,
            )
        }
        _ => DecoderConfig::Other,
    }
}

/// Defaults for a track's fragment samples (`trex`): duration and size.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct TrexDefaults {
    track: u32,
    duration: u32,
    size: u32,
}

/// The movie fragments of the audio track: where the `moof` boxes are
/// (at most [`MAX_FRAGMENTS`]) and the track's defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Fragments {
    moofs: Vec<u64>,
    track: u32,
    trex: TrexDefaults,
}

/// One sample of a movie fragment: where its bytes are, and its duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FragmentSample {
    pub(crate) offset: u64,
    pub(crate) size: u32,
    pub(crate) duration: u32,
}

/// Call `f` for every sample the audio track's `trun` boxes describe, in
/// order, until it returns `false`; `None` when a fragment's boxes cannot be
/// read, else whether any `trun` was found. Offsets follow ISO/IEC 14496-12:
/// the `tfhd` base data offset, else the `moof`'s start; a `trun` without a
/// data offset continues where the previous one ended.
pub(crate) fn walk_fragments(
    bytes: Bytes<'_>,
    frags: &Fragments,
    mut f: impl FnMut(FragmentSample) -> bool,
) -> Option<bool> {
    let mut any = false;
    for &at in &frags.moofs {
        let mut r = Reader::at(bytes, at);
        let Ok((_, _, size, hlen)) = read_header(&mut r) else {
            return None;
        };
        let body = r.sub_up_to(size - hlen);
        for traf in Atoms::new(body).filter(|a| &a.kind == b"traf") {
            let (mut duration, mut sample_size) = (frags.trex.duration, frags.trex.size);
            let mut base = at;
            let mut next: Option<u64> = None;
            let mut mine = true;
            for c in Atoms::new(traf.body) {
                let mut b = c.body;
                match &c.kind {
                    b"tfhd" => {
                        let (Ok(_), Ok(flags), Ok(id)) = (b.u8(), b.u24(BE), b.u32(BE)) else {
                            return None;
                        };
                        mine = id == frags.track || frags.track == 0;
                        if flags & 1 != 0 {
                            base = b.u64(BE).ok()?;
                        }
                        if flags & 2 != 0 && b.skip(4).is_err() {
                            return None;
                        }
                        if flags & 8 != 0 {
                            duration = b.u32(BE).ok()?;
                        }
                        if flags & 0x10 != 0 {
                            sample_size = b.u32(BE).ok()?;
                        }
                    }
                    b"trun" if mine => {
                        let (Ok(_), Ok(flags), Ok(n)) = (b.u8(), b.u24(BE), b.u32(BE)) else {
                            return None;
                        };
                        let mut offset = next.unwrap_or(base);
                        if flags & 1 != 0 {
                            let rel = i64::from(b.u32(BE).ok()? as i32);
                            offset = base.checked_add_signed(rel)?;
                        }
                        if flags & 4 != 0 && b.skip(4).is_err() {
                            return None;
                        }
                        any = true;
                        let fields = [0x100, 0x200, 0x400, 0x800].map(|m| flags & m != 0);
                        let per = 4 * fields.iter().filter(|&&x| x).count() as u64;
                        if u64::from(n) * per > b.remaining() {
                            return None;
                        }
                        if per == 0 && u64::from(n) > bytes.len() {
                            // More samples than bytes: not walked one by one.
                            return None;
                        }
                        for _ in 0..n {
                            let mut s = FragmentSample {
                                offset,
                                size: sample_size,
                                duration,
                            };
                            if fields[0] {
                                s.duration = b.u32(BE).ok()?;
                            }
                            if fields[1] {
                                s.size = b.u32(BE).ok()?;
                            }
                            b.skip(4 * (fields[2] as u64 + fields[3] as u64)).ok()?;
                            offset = offset.saturating_add(u64::from(s.size));
                            if !f(s) {
                                return Some(any);
                            }
                        }
                        next = Some(offset);
                    }
                    _ => {}
                }
            }
        }
    }
    Some(any)
}

/// The sum of the audio track's fragment sample durations; `None` when it
/// cannot be read or there is none.
fn sum_fragments(bytes: Bytes<'_>, frags: &Fragments) -> Option<u64> {
    let mut total: u64 = 0;
    let any = walk_fragments(bytes, frags, |s| {
        total = total.saturating_add(u64::from(s.duration));
        true
    })?;
    any.then_some(total)
}

#[cfg(test)]
mod tests;
