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
//! a whole-file read for large files). Without any fragment the duration is
//! `unknown_duration`.
//!
//! Nothing here recurses on file data: the box paths are fixed, so depth is
//! bounded by the code. Counts from the file are never used to allocate;
//! tables are walked within the bytes their box holds.

use crate::formats::push_unique;
use crate::reader::{Bytes, Endian, Reader, fourcc_str};
use crate::record::{Code, DurationSource, FileFormat, Probe, SampleFormat};
use crate::tags::{Field, parse_explicit};

const BE: Endian = Endian::Big;

/// Most edit-list entries kept.
const MAX_EDITS: usize = 64;
/// Most ilst items read.
const MAX_ITEMS: usize = 512;
/// Most `moof` boxes walked in a fragmented file (each a few hundred bytes).
const MAX_FRAGMENTS: u32 = 1_000_000;
/// Most top-level boxes walked (hostile files of tiny boxes).
const MAX_TOP_BOXES: u32 = 10_000_000;

/// One box: its type, where it starts, and a reader over its body.
struct Atom<'a> {
    kind: [u8; 4],
    start: u64,
    body: Reader<'a>,
}

/// The children of a box body, in order. A child that does not fit its
/// parent ends the walk and leaves a message in `err`.
struct Atoms<'a> {
    r: Reader<'a>,
    err: Option<String>,
}

impl<'a> Atoms<'a> {
    fn new(r: Reader<'a>) -> Self {
        Atoms { r, err: None }
    }
}

impl<'a> Iterator for Atoms<'a> {
    type Item = Atom<'a>;

    fn next(&mut self) -> Option<Atom<'a>> {
        if self.err.is_some() || self.r.is_empty() {
            return None;
        }
        match read_header(&mut self.r) {
            Ok((kind, start, size, hlen)) => {
                let body_len = size - hlen;
                match self.r.sub(body_len) {
                    Ok(body) => Some(Atom { kind, start, body }),
                    Err(_) => {
                        self.err = Some(format!(
                            "box '{}' at offset {start} declares {size} bytes, its parent holds {} from there",
                            fourcc_str(&kind),
                            self.r.remaining() + hlen
                        ));
                        None
                    }
                }
            }
            Err(msg) => {
                self.err = Some(msg);
                None
            }
        }
    }
}

/// Read a box header: `(type, start, total size, header length)`. Size 0
/// means "to the end of the parent".
fn read_header(r: &mut Reader<'_>) -> Result<([u8; 4], u64, u64, u64), String> {
    let start = r.pos();
    let left = r.remaining();
    let (Ok(size32), Ok(kind)) = (r.u32(BE), r.fourcc()) else {
        return Err(format!(
            "{left} stray bytes at offset {start}, too few for a box header"
        ));
    };
    let (size, hlen) = match size32 {
        0 => (left, 8),
        1 => {
            let Ok(large) = r.u64(BE) else {
                return Err(format!(
                    "box '{}' at offset {start} ends inside its 64-bit size",
                    fourcc_str(&kind)
                ));
            };
            (large, 16)
        }
        n => (u64::from(n), 8),
    };
    if size < hlen {
        return Err(format!(
            "box '{}' at offset {start} declares {size} bytes, less than its {hlen}-byte header",
            fourcc_str(&kind)
        ));
    }
    Ok((kind, start, size, hlen))
}

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
    /// stsz: constant size (0 when per-sample), count, and the box body.
    stsz: Option<(u32, u32)>,
    stsz_body: Option<(u64, u64)>,
    /// Last chunk offset and the number of chunks.
    last_chunk: Option<(u64, u32)>,
    /// Samples per chunk of the last stsc entry.
    last_spc: Option<u32>,
}

/// Values gathered from the whole file.
#[derive(Default)]
struct State {
    movie_ts: Option<u32>,
    fragmented: bool,
    trex_default: Vec<(u32, u32)>,
    tracks: Vec<Track>,
    smpb: Option<(u64, u64, u64)>,
    saw_moov: bool,
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
    if mdat_seen {
        p.audio_bytes = Some(mdat_bytes);
    }
    let frag_total = if st.fragmented {
        Some(sum_fragments(bytes, &moofs, &track, &st))
    } else {
        None
    };
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
                    if &c.kind == b"trex" {
                        let mut b = c.body;
                        if b.skip(4).is_ok()
                            && let (Ok(id), Ok(_sdi), Ok(dur)) = (b.u32(BE), b.u32(BE), b.u32(BE))
                            && st.trex_default.len() < MAX_EDITS
                        {
                            st.trex_default.push((id, dur));
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
        match &a.kind {
            b"stsd" => {
                if b.skip(4).is_ok()
                    && let Ok(n) = b.u32(BE)
                    && n > 0
                    && let Some(e) = Atoms::new(b).next()
                {
                    t.entry = Some(parse_entry(e));
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

/// Parse an audio sample entry.
fn parse_entry(a: Atom<'_>) -> Entry {
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
                    if let (Ok(_frame), Ok(_ver), Ok(bits), Ok(_), Ok(_), Ok(_), Ok(ch)) = (
                        body.u32(BE),
                        body.u8(),
                        body.u8(),
                        body.u8(),
                        body.u8(),
                        body.u8(),
                        body.u8(),
                    ) {
                        let _ = body.skip(10);
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
    e
}

/// The body of the first descriptor tagged `tag` among the next few (16 at
/// most, so a hostile chain cannot loop long); the reader moves past it.
pub(crate) fn find_descriptor<'a>(r: &mut Reader<'a>, tag: u8) -> Option<Reader<'a>> {
    for _ in 0..16 {
        let (t, len) = descriptor(r)?;
        let body = r.sub_up_to(len);
        if t == tag {
            return Some(body);
        }
    }
    None
}

/// Read an MPEG-4 descriptor header: `(tag, length)`.
pub(crate) fn descriptor(b: &mut Reader<'_>) -> Option<(u8, u64)> {
    let tag = b.u8().ok()?;
    let mut len = 0u64;
    for _ in 0..4 {
        let c = b.u8().ok()?;
        len = (len << 7) | u64::from(c & 0x7F);
        if c & 0x80 == 0 {
            return Some((tag, len));
        }
    }
    Some((tag, len))
}

fn parse_esds(mut b: Reader<'_>, e: &mut Entry) {
    let bad = |e: &mut Entry, what: &str| {
        e.notes.push((
            Code::InvalidHeader,
            format!("the esds box is malformed ({what}): AAC details from the sample entry"),
        ));
    };
    if b.skip(4).is_err() {
        return bad(e, "too short");
    }
    let Some((3, len)) = descriptor(&mut b) else {
        return bad(e, "no ES descriptor");
    };
    let mut es = b.sub_up_to(len);
    let Ok(_id) = es.u16(BE) else {
        return bad(e, "ES descriptor too short");
    };
    let Ok(flags) = es.u8() else {
        return bad(e, "ES descriptor too short");
    };
    if flags & 0x80 != 0 && es.skip(2).is_err() {
        return bad(e, "ES descriptor too short");
    }
    if flags & 0x40 != 0 {
        let n = es.u8().unwrap_or(0);
        if es.skip(u64::from(n)).is_err() {
            return bad(e, "ES descriptor URL too long");
        }
    }
    if flags & 0x20 != 0 && es.skip(2).is_err() {
        return bad(e, "ES descriptor too short");
    }
    let Some(mut dc) = find_descriptor(&mut es, 4) else {
        return bad(e, "no DecoderConfigDescriptor");
    };
    let Ok(oti) = dc.u8() else {
        return bad(e, "DecoderConfigDescriptor too short");
    };
    if dc.skip(12).is_err() {
        return bad(e, "DecoderConfigDescriptor too short");
    }
    match oti {
        0x40 => {}
        0x66..=0x68 => return,
        0x69 | 0x6B => {
            e.codec = Some("MP3".to_string());
            return;
        }
        0xA5 => {
            e.codec = Some("AC-3".to_string());
            return;
        }
        0xA6 => {
            e.codec = Some("E-AC-3".to_string());
            return;
        }
        0xDD => {
            e.codec = Some("Vorbis".to_string());
            return;
        }
        0xAD => {
            e.codec = Some("Opus".to_string());
            return;
        }
        other => {
            e.codec = Some(format!("MPEG-4 object type 0x{other:02x}"));
            e.notes.push((
                Code::UnsupportedCodec,
                format!("the esds object type 0x{other:02x} is not known to this version"),
            ));
            return;
        }
    }
    let Some(mut asc) = find_descriptor(&mut dc, 5) else {
        return bad(e, "no AudioSpecificConfig");
    };
    let cfg = asc.bytes_up_to(64);
    match parse_asc(cfg) {
        Some(a) => apply_asc(&a, e),
        None => bad(e, "AudioSpecificConfig too short"),
    }
}

/// What an AudioSpecificConfig says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Asc {
    aot: u32,
    rate: Option<u32>,
    channel_config: u32,
    /// SBR output rate, when SBR is signalled (explicitly or by sync ext).
    sbr_rate: Option<u32>,
    sbr: bool,
    ps: bool,
    /// Whether SBR was ruled in or out by signalling (so no implicit check).
    sbr_signalled: bool,
    frame_960: bool,
    /// USAC: the output frame length.
    usac_frame: Option<u32>,
}

struct Bits<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl Bits<'_> {
    fn read(&mut self, n: usize) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            let byte = *self.buf.get(self.pos / 8)?;
            v = (v << 1) | u32::from((byte >> (7 - self.pos % 8)) & 1);
            self.pos += 1;
        }
        Some(v)
    }
    fn left(&self) -> usize {
        (self.buf.len() * 8).saturating_sub(self.pos)
    }
}

const AAC_RATES: [u32; 13] = [
    96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
];

fn aot(b: &mut Bits<'_>) -> Option<u32> {
    let a = b.read(5)?;
    if a == 31 {
        Some(32 + b.read(6)?)
    } else {
        Some(a)
    }
}

fn freq(b: &mut Bits<'_>) -> Option<Option<u32>> {
    let i = b.read(4)?;
    if i == 15 {
        let r = b.read(24)?;
        Some((r > 0).then_some(r))
    } else {
        Some(AAC_RATES.get(i as usize).copied())
    }
}

fn parse_asc(buf: &[u8]) -> Option<Asc> {
    let mut b = Bits { buf, pos: 0 };
    let mut a = Asc {
        aot: aot(&mut b)?,
        rate: freq(&mut b)?,
        ..Asc::default()
    };
    a.channel_config = b.read(4)?;
    if a.aot == 42 {
        // USAC: its own sampling frequency index (5 bits) and frame length.
        let i = b.read(5)?;
        a.rate = if i == 0x1F {
            Some(b.read(24)?)
        } else {
            AAC_RATES.get(i as usize).copied()
        };
        let core = b.read(3)?;
        a.usac_frame = Some(match core {
            0 => 768,
            1 => 1024,
            2 | 3 => 2048,
            _ => 4096,
        });
        let cci = b.read(5)?;
        if cci != 0 {
            a.channel_config = cci;
        }
        a.sbr_signalled = true;
        return Some(a);
    }
    let mut core = a.aot;
    if a.aot == 5 || a.aot == 29 {
        a.sbr = true;
        a.ps = a.aot == 29;
        a.sbr_signalled = true;
        a.sbr_rate = freq(&mut b)?;
        core = aot(&mut b)?;
        if core == 22 {
            b.read(4)?;
        }
    }
    if matches!(core, 1..=4 | 6 | 7 | 17 | 19..=23) {
        a.frame_960 = b.read(1)? == 1;
        if b.read(1)? == 1 {
            b.read(14)?;
        }
        let ext = b.read(1)?;
        if a.channel_config == 0 {
            // A program config element follows; the sync extension after it
            // is not looked for.
            if !a.sbr {
                a.aot = core;
            }
            return Some(a);
        }
        if matches!(core, 6 | 20) {
            b.read(3)?;
        }
        if ext == 1 {
            if core == 22 {
                b.read(16)?;
            }
            if matches!(core, 17 | 19 | 20 | 23) {
                b.read(3)?;
            }
            b.read(1)?;
        }
    }
    if !a.sbr && b.left() >= 16 && b.read(11)? == 0x2B7 {
        let ext_aot = aot(&mut b)?;
        if ext_aot == 5 {
            a.sbr_signalled = true;
            if b.read(1)? == 1 {
                a.sbr = true;
                a.sbr_rate = freq(&mut b)?;
                if b.left() >= 12 && b.read(11)? == 0x548 && b.read(1)? == 1 {
                    a.ps = true;
                }
            }
        }
    }
    if a.sbr {
        a.aot = if a.ps { 29 } else { 5 };
    } else {
        a.aot = core;
    }
    Some(a)
}

fn channels_of(config: u32) -> Option<u32> {
    match config {
        1..=6 => Some(config),
        7 | 12 | 14 => Some(8),
        11 => Some(7),
        13 => Some(24),
        _ => None,
    }
}

fn apply_asc(a: &Asc, e: &mut Entry) {
    match a.aot {
        42 => e.codec = Some("xHE-AAC".to_string()),
        36 => e.codec = Some("ALS".to_string()),
        34 => e.codec = Some("MP3".to_string()),
        32 | 33 => e.codec = Some("MP2".to_string()),
        _ => {}
    }
    if let Some(ch) = channels_of(a.channel_config) {
        e.channels = Some(ch);
    }
    if a.ps {
        e.channels = Some(2);
    }
    let core = a.rate;
    let out = if a.sbr {
        a.sbr_rate.or(core.map(|r| r * 2))
    } else {
        core
    };
    if let Some(r) = out {
        e.rate = Some(r);
    }
    if a.aot == 2 && !a.sbr_signalled {
        e.aac_core = core;
    }
    let frame = if a.frame_960 { 960 } else { 1024 };
    e.frame_out = match (a.usac_frame, a.sbr) {
        (Some(f), _) => Some(f),
        (None, true) => Some(frame * 2),
        (None, false) if matches!(a.aot, 1..=4 | 17 | 19 | 20 | 21 | 22 | 23) => Some(frame),
        _ => None,
    };
}

/// Read `meta` (full box in ISO files, plain in some QuickTime files).
fn parse_meta(mut meta: Reader<'_>, st: &mut State, p: &mut Probe) {
    // A plain (QuickTime) meta starts with a child box header: its bytes
    // 4..8 are a box type, where a full box has its first child's size.
    let mut peek = meta.clone();
    let plain = peek.skip(4).is_ok()
        && matches!(
            &peek.fourcc().unwrap_or_default(),
            b"hdlr" | b"ilst" | b"keys" | b"free" | b"xml " | b"iinf"
        );
    if !plain {
        let _ = meta.skip(4);
    }
    for a in Atoms::new(meta) {
        if &a.kind == b"ilst" {
            parse_ilst(a.body, st, p);
        }
    }
}

/// The text of an item's first `data` atom of a text type, or its raw value
/// for integer types: `(type, bytes)`.
fn item_data<'a>(item: Reader<'a>) -> Option<(u32, &'a [u8])> {
    for d in Atoms::new(item).take(16) {
        if &d.kind == b"data" {
            let mut b = d.body;
            let ty = b.u32(BE).ok()? & 0x00FF_FFFF;
            b.skip(4).ok()?;
            let n = b.remaining().min(64 << 10);
            return Some((ty, b.bytes(n).ok()?));
        }
    }
    None
}

fn text(ty: u32, v: &[u8]) -> Option<String> {
    match ty {
        1 => Some(String::from_utf8_lossy(v).into_owned()),
        2 => {
            let units: Vec<u16> = v
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            Some(String::from_utf16_lossy(&units))
        }
        _ => None,
    }
}

fn parse_ilst(ilst: Reader<'_>, st: &mut State, p: &mut Probe) {
    let mut any = false;
    for item in Atoms::new(ilst).take(MAX_ITEMS) {
        let field = match &item.kind {
            b"\xa9nam" => Some(Field::Title),
            b"\xa9ART" => Some(Field::Artist),
            b"\xa9alb" => Some(Field::Album),
            b"\xa9day" => Some(Field::Date),
            b"\xa9gen" => Some(Field::Genre),
            b"cprt" | b"\xa9cpy" => Some(Field::Copyright),
            _ => None,
        };
        if let Some(field) = field {
            if let Some((ty, v)) = item_data(item.body.clone())
                && let Some(s) = text(ty, v)
            {
                p.tags.set(field, &s);
                any = true;
            }
            continue;
        }
        match &item.kind {
            b"gnre" => {
                if let Some((_, v)) = item_data(item.body.clone())
                    && v.len() >= 2
                {
                    let n = u16::from_be_bytes([v[0], v[1]]);
                    if let Some(g) = n
                        .checked_sub(1)
                        .and_then(|i| u8::try_from(i).ok())
                        .and_then(crate::tags::id3v2::genre_name)
                    {
                        p.tags.set(Field::Genre, g);
                        any = true;
                    }
                }
            }
            b"rtng" => {
                if let Some((_, v)) = item_data(item.body.clone())
                    && let Some(&n) = v.last()
                    && let Some(x) = parse_explicit(&n.to_string())
                {
                    p.tags.set_explicit(x);
                    any = true;
                }
            }
            b"----" => {
                let mut mean = None;
                let mut name = None;
                for c in Atoms::new(item.body.clone()).take(16) {
                    if &c.kind == b"mean" || &c.kind == b"name" {
                        let mut b = c.body;
                        if b.skip(4).is_ok() {
                            let s = String::from_utf8_lossy(b.bytes_up_to(256)).into_owned();
                            if &c.kind == b"mean" {
                                mean = Some(s);
                            } else {
                                name = Some(s);
                            }
                        }
                    }
                }
                if mean.as_deref() != Some("com.apple.iTunes") {
                    continue;
                }
                let Some(name) = name else { continue };
                let Some((ty, v)) = item_data(item.body.clone()) else {
                    continue;
                };
                let Some(value) = text(ty, v) else { continue };
                match name.to_ascii_uppercase().as_str() {
                    "ITUNSMPB" => match parse_smpb(&value) {
                        Some(s) => st.smpb = Some(s),
                        None => p.findings.warn(
                            Code::InconsistentHeader,
                            format!(
                                "the iTunSMPB tag is malformed ({:?}): ignored",
                                crate::tags::clean(&value).unwrap_or_default()
                            ),
                        ),
                    },
                    "ISRC" | "ITUNESADVISORY" if p.tags.set_by_key(&name, &value) => {
                        any = true;
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    if any {
        p.tags.add_source("MP4 ilst");
    }
    push_unique(&mut p.metadata_chunks, "ilst");
}

/// `iTunSMPB`: hex fields; the 2nd is the delay, the 3rd the padding, the
/// 4th the original sample count.
fn parse_smpb(s: &str) -> Option<(u64, u64, u64)> {
    let mut f = s.split_whitespace();
    let _ = f.next()?;
    let mut hex = || u64::from_str_radix(f.next()?, 16).ok();
    let delay = hex()?;
    let padding = hex()?;
    let count = hex()?;
    Some((delay, padding, count))
}

/// Sum the audio track's `trun` sample durations over the fragments.
fn sum_fragments(bytes: Bytes<'_>, moofs: &[u64], t: &Track, st: &State) -> Option<u64> {
    let default = st
        .trex_default
        .iter()
        .find(|(id, _)| *id == t.id)
        .map(|(_, d)| *d)
        .unwrap_or(0);
    let mut total: u64 = 0;
    let mut any = false;
    for &at in moofs {
        let mut r = Reader::at(bytes, at);
        let Ok((_, _, size, hlen)) = read_header(&mut r) else {
            return None;
        };
        let body = r.sub_up_to(size - hlen);
        for traf in Atoms::new(body).filter(|a| &a.kind == b"traf") {
            let mut track_default = default;
            let mut mine = true;
            for c in Atoms::new(traf.body) {
                let mut b = c.body;
                match &c.kind {
                    b"tfhd" => {
                        let (Ok(_), Ok(flags), Ok(id)) = (b.u8(), b.u24(BE), b.u32(BE)) else {
                            return None;
                        };
                        mine = id == t.id || t.id == 0;
                        if flags & 1 != 0 && b.skip(8).is_err() {
                            return None;
                        }
                        if flags & 2 != 0 && b.skip(4).is_err() {
                            return None;
                        }
                        if flags & 8 != 0 {
                            track_default = b.u32(BE).ok()?;
                        }
                    }
                    b"trun" if mine => {
                        let (Ok(_), Ok(flags), Ok(n)) = (b.u8(), b.u24(BE), b.u32(BE)) else {
                            return None;
                        };
                        if flags & 1 != 0 && b.skip(4).is_err() {
                            return None;
                        }
                        if flags & 4 != 0 && b.skip(4).is_err() {
                            return None;
                        }
                        any = true;
                        if flags & 0x100 == 0 {
                            total = total.saturating_add(u64::from(n) * u64::from(track_default));
                            continue;
                        }
                        let per = 4 * u64::from(
                            (flags & 0x100 != 0) as u8
                                + (flags & 0x200 != 0) as u8
                                + (flags & 0x400 != 0) as u8
                                + (flags & 0x800 != 0) as u8,
                        );
                        if u64::from(n) * per > b.remaining() {
                            return None;
                        }
                        for _ in 0..n {
                            let d = b.u32(BE).ok()?;
                            b.skip(per - 4).ok()?;
                            total = total.saturating_add(u64::from(d));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    any.then_some(total)
}

/// Convert `n` from timescale `from` to `to`: `(value, exact)`, rounded to
/// nearest.
fn rescale(n: u64, from: u32, to: u32) -> (u64, bool) {
    if from == to || from == 0 {
        return (n, true);
    }
    let num = u128::from(n) * u128::from(to);
    let den = u128::from(from);
    let v = (num + den / 2) / den;
    (u64::try_from(v).unwrap_or(u64::MAX), num % den == 0)
}

fn measure(
    bytes: Bytes<'_>,
    p: &mut Probe,
    st: &State,
    t: &Track,
    frag_total: Option<Option<u64>>,
    moof_count: u32,
) {
    let entry = t.entry.clone().unwrap_or_default();
    if t.entry.is_none() {
        p.findings.error(
            Code::InvalidHeader,
            "the audio track has no sample description (stsd)",
        );
    }
    for (code, msg) in &entry.notes {
        match code {
            Code::InvalidHeader => p.findings.error(*code, msg.clone()),
            _ => p.findings.warn(*code, msg.clone()),
        }
    }
    if entry.encrypted {
        p.findings.warn(
            Code::UnsupportedCodec,
            format!(
                "the audio is encrypted ('enca', original format '{}'): it cannot be decoded without its key",
                fourcc_str(&entry.fourcc)
            ),
        );
    }
    p.audio_codec = entry.codec.clone();
    p.channels = entry.channels;
    p.bit_depth = entry.bits;
    if entry.int {
        p.sample_format = Some(SampleFormat::Int);
    }
    if entry.codec.as_deref() == Some("Opus") {
        p.input_sample_rate = entry.input_rate;
    }
    let media_ts = match t.media_ts {
        Some(0) => {
            p.findings.error(
                Code::InvalidHeader,
                "the audio track's media header (mdhd) has a timescale of 0: no duration can be derived",
            );
            None
        }
        Some(ts) if ts > i32::MAX as u32 => {
            // Readers take the timescale as a signed 32-bit value.
            let fallback = entry.rate;
            p.findings.error(
                Code::InvalidHeader,
                match fallback {
                    Some(r) => format!(
                        "the audio track's media timescale {ts} is absurd (negative as a signed value): the sample entry's rate {r} is used instead"
                    ),
                    None => format!("the audio track's media timescale {ts} is absurd"),
                },
            );
            fallback
        }
        Some(ts) => Some(ts),
        None => {
            p.findings.error(
                Code::InvalidHeader,
                "the audio track has no media header (mdhd)",
            );
            None
        }
    };
    // Output rate, and implicit SBR seen from the container.
    let mut rate = entry.rate.or(media_ts);
    let mut frame_out = entry.frame_out;
    if let Some(core) = entry.aac_core
        && core <= 24_000
    {
        let double = core * 2;
        let by_entry = media_ts == Some(double) || t.stts_first_delta == Some(2048);
        if by_entry {
            rate = Some(double);
            frame_out = frame_out.map(|f| f * 2);
            p.findings.warn(
                Code::InconsistentHeader,
                format!(
                    "the AudioSpecificConfig says AAC LC at {core} Hz but the container says {double} Hz: implicit SBR (HE-AAC) assumed, sampleRate is its {double} Hz output rate"
                ),
            );
        }
    }
    p.sample_rate = rate;
    if rate == Some(0) {
        p.sample_rate = None;
    }

    let Some(media_ts) = media_ts else { return };
    let out_rate = p.sample_rate.unwrap_or(media_ts);
    // A whole coded frame cannot last less than one output sample: such a
    // media timescale is corrupt, and the sample rate stands in for it.
    let media_ts = match t.stts_first_delta {
        Some(d)
            if d > 0
                && out_rate != media_ts
                && u64::from(d) * u64::from(out_rate) < u64::from(media_ts) =>
        {
            p.findings.error(
                Code::InvalidHeader,
                format!(
                    "the audio track's media timescale {media_ts} makes a {d}-tick frame shorter than one sample at {out_rate} Hz: the timescale is taken to be {out_rate}"
                ),
            );
            out_rate
        }
        _ => media_ts,
    };

    // Media samples: stts, plus fragments.
    let mut media_total = t.stts_total.filter(|&n| n > 0);
    if let Some(frag) = frag_total {
        let sum = frag.unwrap_or(0);
        if sum > 0 {
            media_total = Some(media_total.unwrap_or(0).saturating_add(sum));
        }
        p.findings.warn(
            Code::FragmentedMp4,
            match frag {
                Some(n) => format!(
                    "the file is fragmented ({moof_count} movie fragments): its duration is the sum of their sample durations ({n} in timescale {media_ts}){}",
                    if t.edits.is_empty() {
                        "; there is no edit list, so any encoder priming is counted"
                    } else {
                        ""
                    }
                ),
                None if moof_count == 0 => {
                    "the file is fragmented (mvex) but holds no movie fragment".to_string()
                }
                None => format!(
                    "the file is fragmented ({moof_count} movie fragments) and their sample durations cannot be read"
                ),
            },
        );
    }
    let Some(media_total) = media_total else {
        if st.fragmented || t.stts_total.is_none() {
            p.findings.error(
                Code::UnknownDuration,
                "no sample durations: the audio track's sample table is empty and no fragment describes samples",
            );
            return;
        }
        p.total_samples = Some(0);
        p.duration_source = Some(DurationSource::Header);
        return;
    };
    if let Some(d) = t.media_dur
        && d != media_total
        && d > 0
        && !st.fragmented
    {
        p.findings.warn(
            Code::InconsistentHeader,
            format!(
                "the media header (mdhd) says {d} in timescale {media_ts}, the sample durations (stts) add up to {media_total}: the sample table is used"
            ),
        );
    }

    // Edit list: the first non-empty edit gives the priming; the sum of the
    // non-empty edits the samples to play.
    let mut edit: Option<(u64, u64, bool)> = None; // (priming, play, exact)
    let non_empty: Vec<&Edit> = t.edits.iter().filter(|e| e.media_time >= 0).collect();
    if let (Some(first), Some(movie_ts)) = (non_empty.first(), st.movie_ts) {
        let start = first.media_time as u64;
        let avail = media_total.saturating_sub(start);
        let mut play: u64 = 0;
        let mut exact = true;
        let mut to_end = false;
        for e in &non_empty {
            if e.duration == 0 {
                to_end = true;
                continue;
            }
            let (v, ex) = rescale(e.duration, movie_ts, media_ts);
            exact &= ex;
            play = play.saturating_add(v);
        }
        // The movie timescale (often 1000) cannot say where a sample-exact
        // edit ends: an edit that ends less than one movie tick before the
        // media does ends with it, and the media's own count is the exact one.
        if play <= avail && u128::from(avail - play) * u128::from(movie_ts) < u128::from(media_ts) {
            to_end = true;
        }
        if to_end || play > avail {
            play = avail;
            exact = true;
        }
        if non_empty.iter().any(|e| e.rate != 1) {
            p.findings.warn(
                Code::InconsistentHeader,
                "the edit list plays media at a rate other than 1: ignored for the duration",
            );
        } else if start > media_total {
            p.findings.error(
                Code::InvalidHeader,
                format!(
                    "the edit list starts at media time {start}, past the end of the media ({media_total})"
                ),
            );
        } else {
            if non_empty.len() > 1 {
                p.findings.warn(
                    Code::InconsistentHeader,
                    format!(
                        "the edit list has {} segments: the total is their sum, the priming the first one's start",
                        non_empty.len()
                    ),
                );
            }
            edit = Some((start, play, exact));
        }
    }
    if t.edits_dropped {
        p.findings.warn(
            Code::InconsistentHeader,
            format!("the edit list has more than {MAX_EDITS} entries: only the first are used"),
        );
    }

    // Choose: iTunSMPB, else the edit list, else stts.
    let to_out = |n: u64| rescale(n, media_ts, out_rate);
    let media_out = to_out(media_total).0;
    let (total, delay, padding, inexact) = if let Some((d, pad, count)) = st.smpb
        && count > 0
    {
        let avail = media_out.saturating_sub(d);
        if count > avail {
            p.findings.warn(
                Code::InconsistentHeader,
                format!(
                    "iTunSMPB declares {count} samples after a delay of {d}, the sample table holds {avail} after it: the sample table's count is used"
                ),
            );
            (avail, d, media_out.saturating_sub(d + avail), false)
        } else {
            if d + count + pad != media_out {
                p.findings.warn(
                    Code::InconsistentHeader,
                    format!(
                        "iTunSMPB delay {d} + samples {count} + padding {pad} = {}, the sample table holds {media_out}",
                        d + count + pad
                    ),
                );
            }
            if let Some((start, play, _)) = edit {
                let (s, _) = to_out(start);
                let (pl, _) = to_out(play);
                if s != d || pl != count {
                    p.findings.warn(
                        Code::InconsistentHeader,
                        format!(
                            "iTunSMPB (delay {d}, {count} samples) and the edit list (priming {s}, {pl} samples) disagree: iTunSMPB is used"
                        ),
                    );
                }
            }
            (count, d, pad, false)
        }
    } else if let Some((start, play, exact)) = edit {
        let (s, e1) = to_out(start);
        let (pl, e2) = to_out(play);
        // Padding: what a decoder outputs past the end, counted in whole
        // frames where the frame length is known (the last sample's stts
        // duration is often already shortened to the real end).
        let decoded = match frame_out {
            Some(f) if frag_total.is_none() && t.stts_samples > 0 => {
                t.stts_samples.saturating_mul(u64::from(f)).max(media_out)
            }
            _ => media_out,
        };
        let pad = decoded.saturating_sub(s).saturating_sub(pl);
        (pl, s, pad, !(exact && e1 && e2))
    } else {
        let (n, ex) = to_out(media_total);
        p.total_samples = Some(n);
        p.duration_source = Some(DurationSource::Header);
        if !ex {
            warn_inexact(p, media_ts, out_rate);
        }
        check_tables(bytes, p, t, media_total);
        return;
    };
    if inexact {
        warn_inexact(p, media_ts, out_rate);
    }
    p.total_samples = Some(total);
    p.duration_source = Some(DurationSource::Header);
    p.encoder_delay = Some(delay);
    p.encoder_padding = Some(padding);
    check_tables(bytes, p, t, media_total);
}

fn warn_inexact(p: &mut Probe, media_ts: u32, out_rate: u32) {
    p.findings.warn(
        Code::InconsistentHeader,
        format!(
            "the track's timescales ({media_ts} Hz media) do not convert exactly to the {out_rate} Hz output rate: totalSamples is rounded to the nearest sample"
        ),
    );
}

/// Whether the file holds the last chunk the sample tables point to.
fn check_tables(bytes: Bytes<'_>, p: &mut Probe, t: &Track, media_total: u64) {
    let (Some((last_off, _chunks)), Some((size, count))) = (t.last_chunk, t.stsz) else {
        return;
    };
    let k = u64::from(t.last_spc.unwrap_or(1).max(1)).min(u64::from(count));
    let last_bytes = if size != 0 {
        k.saturating_mul(u64::from(size))
    } else {
        let Some((pos, avail)) = t.stsz_body else {
            return;
        };
        if u64::from(count) * 4 > avail || k == 0 {
            return;
        }
        let mut r = Reader::at(bytes, pos + (u64::from(count) - k) * 4);
        let mut sum = 0u64;
        for _ in 0..k {
            let Ok(s) = r.u32(BE) else { return };
            sum += u64::from(s);
        }
        sum
    };
    let end = last_off.saturating_add(last_bytes);
    if end > bytes.len() {
        p.findings.error(
            Code::TruncatedData,
            format!(
                "the sample tables place the last chunk of audio at bytes {last_off}..{end}, the file is {} bytes: the media data is cut short ({} media samples declared)",
                bytes.len(),
                media_total
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut v = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(body);
        v
    }

    fn full(kind: &[u8; 4], version: u8, body: &[u8]) -> Vec<u8> {
        let mut b = vec![version, 0, 0, 0];
        b.extend_from_slice(body);
        bx(kind, &b)
    }

    fn cat(parts: &[Vec<u8>]) -> Vec<u8> {
        parts.concat()
    }

    /// Pack bit fields `(value, width)` into bytes, zero-padded.
    fn bits(fields: &[(u32, usize)]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut acc = 0u64;
        let mut n = 0;
        for &(v, w) in fields {
            for i in (0..w).rev() {
                acc = (acc << 1) | u64::from((v >> i) & 1);
                n += 1;
                if n == 8 {
                    out.push(acc as u8);
                    acc = 0;
                    n = 0;
                }
            }
        }
        if n > 0 {
            out.push((acc << (8 - n)) as u8);
        }
        out
    }

    fn esds(asc: &[u8]) -> Vec<u8> {
        let mut dsi = vec![5, asc.len() as u8];
        dsi.extend_from_slice(asc);
        let mut dc = vec![4, (13 + dsi.len()) as u8, 0x40, 0x15, 0, 0, 0];
        dc.extend_from_slice(&[0; 8]);
        dc.extend_from_slice(&dsi);
        let mut es = vec![3, (3 + dc.len()) as u8, 0, 1, 0];
        es.extend_from_slice(&dc);
        full(b"esds", 0, &es)
    }

    fn sound_entry(kind: &[u8; 4], channels: u16, bits: u16, rate: u32, kids: &[u8]) -> Vec<u8> {
        let mut b = vec![0; 6];
        b.extend_from_slice(&1u16.to_be_bytes());
        b.extend_from_slice(&[0; 8]);
        b.extend_from_slice(&channels.to_be_bytes());
        b.extend_from_slice(&bits.to_be_bytes());
        b.extend_from_slice(&[0; 4]);
        b.extend_from_slice(&(rate << 16).to_be_bytes());
        b.extend_from_slice(kids);
        bx(kind, &b)
    }

    fn times(ts: u32, dur: u32) -> Vec<u8> {
        let mut b = vec![0; 8];
        b.extend_from_slice(&ts.to_be_bytes());
        b.extend_from_slice(&dur.to_be_bytes());
        b.extend_from_slice(&[0; 80]);
        b
    }

    fn table(entries: &[&[u32]]) -> Vec<u8> {
        let mut b = (entries.len() as u32).to_be_bytes().to_vec();
        for e in entries {
            for v in *e {
                b.extend_from_slice(&v.to_be_bytes());
            }
        }
        b
    }

    fn data_item(kind: &[u8; 4], ty: u32, value: &[u8]) -> Vec<u8> {
        let mut d = ty.to_be_bytes().to_vec();
        d.extend_from_slice(&[0; 4]);
        d.extend_from_slice(value);
        bx(kind, &bx(b"data", &d))
    }

    fn freeform(name: &str, value: &str) -> Vec<u8> {
        let mut mean = vec![0; 4];
        mean.extend_from_slice(b"com.apple.iTunes");
        let mut nm = vec![0; 4];
        nm.extend_from_slice(name.as_bytes());
        let mut d = 1u32.to_be_bytes().to_vec();
        d.extend_from_slice(&[0; 4]);
        d.extend_from_slice(value.as_bytes());
        bx(
            b"----",
            &cat(&[bx(b"mean", &mean), bx(b"name", &nm), bx(b"data", &d)]),
        )
    }

    struct Spec {
        entry: Vec<u8>,
        media_ts: u32,
        movie_ts: u32,
        stts: Vec<(u32, u32)>,
        elst: Option<(u32, i32)>,
        ilst: Vec<u8>,
        sample_size: u32,
        /// Chunk offset relative to the mdat payload; None: just after it.
        moov_first: bool,
        payload: usize,
        extra_moov: Vec<u8>,
    }

    fn aac_lc_44k() -> Vec<u8> {
        sound_entry(b"mp4a", 2, 16, 44_100, &esds(&[0x12, 0x10]))
    }

    impl Default for Spec {
        fn default() -> Self {
            Spec {
                entry: aac_lc_44k(),
                media_ts: 44_100,
                movie_ts: 1000,
                stts: vec![(10, 1024), (1, 500)],
                elst: Some((200, 1024)),
                ilst: Vec::new(),
                sample_size: 10,
                moov_first: false,
                payload: 110,
                extra_moov: Vec::new(),
            }
        }
    }

    fn moov(s: &Spec, chunk_offset: u32) -> Vec<u8> {
        let samples: u32 = s.stts.iter().map(|e| e.0).sum();
        let stts: Vec<[u32; 2]> = s.stts.iter().map(|&(c, d)| [c, d]).collect();
        let stts_refs: Vec<&[u32]> = stts.iter().map(|e| &e[..]).collect();
        let stbl = bx(
            b"stbl",
            &cat(&[
                full(
                    b"stsd",
                    0,
                    &cat(&[1u32.to_be_bytes().to_vec(), s.entry.clone()]),
                ),
                full(b"stts", 0, &table(&stts_refs)),
                full(b"stsc", 0, &table(&[&[1, samples, 1]])),
                full(
                    b"stsz",
                    0,
                    &cat(&[
                        s.sample_size.to_be_bytes().to_vec(),
                        samples.to_be_bytes().to_vec(),
                    ]),
                ),
                full(b"stco", 0, &table(&[&[chunk_offset]])),
            ]),
        );
        let mut hdlr = vec![0; 4];
        hdlr.extend_from_slice(b"soun");
        hdlr.extend_from_slice(&[0; 13]);
        let mdia = bx(
            b"mdia",
            &cat(&[
                full(b"mdhd", 0, &times(s.media_ts, 0)[..20]),
                full(b"hdlr", 0, &hdlr),
                bx(b"minf", &stbl),
            ]),
        );
        let mut tkhd = vec![0; 8];
        tkhd.extend_from_slice(&1u32.to_be_bytes());
        tkhd.extend_from_slice(&[0; 68]);
        let mut trak = full(b"tkhd", 0, &tkhd);
        if let Some((dur, mt)) = s.elst {
            let e = table(&[&[dur, mt as u32, 0x0001_0000]]);
            trak.extend(bx(b"edts", &full(b"elst", 0, &e)));
        }
        trak.extend(mdia);
        let mut parts = vec![full(b"mvhd", 0, &times(s.movie_ts, 0)), bx(b"trak", &trak)];
        if !s.ilst.is_empty() {
            let mut mh = vec![0; 4];
            mh.extend_from_slice(b"mdir");
            mh.extend_from_slice(&[0; 13]);
            let meta = full(
                b"meta",
                0,
                &cat(&[full(b"hdlr", 0, &mh), bx(b"ilst", &s.ilst)]),
            );
            parts.push(bx(b"udta", &meta));
        }
        parts.push(s.extra_moov.clone());
        bx(b"moov", &cat(&parts))
    }

    fn file(s: &Spec) -> Vec<u8> {
        let ftyp = bx(b"ftyp", b"M4A \0\0\0\0M4A mp42");
        let mdat = bx(b"mdat", &vec![0xAA; s.payload]);
        if s.moov_first {
            // The moov's size does not depend on the chunk offset.
            let len = moov(s, 0).len();
            let off = (ftyp.len() + len + 8) as u32;
            cat(&[ftyp, moov(s, off), mdat])
        } else {
            let off = (ftyp.len() + 8) as u32;
            cat(&[ftyp, mdat, moov(s, off)])
        }
    }

    fn codes(p: &Probe) -> (Vec<Code>, Vec<Code>) {
        (
            p.findings.errors.iter().map(|i| i.code).collect(),
            p.findings.warnings.iter().map(|i| i.code).collect(),
        )
    }

    #[test]
    fn aac_with_edit_list_and_tags() {
        let ilst = cat(&[
            data_item(b"\xa9nam", 1, b"Song"),
            data_item(b"\xa9ART", 1, b"Artist"),
            data_item(b"\xa9alb", 1, b"Album"),
            data_item(b"\xa9day", 1, b"2024"),
            data_item(b"gnre", 0, &[0, 18]),
            data_item(b"cprt", 1, b"(P) 2024 Label"),
            data_item(b"rtng", 21, &[4]),
            freeform("ISRC", "USRC17607839"),
        ]);
        let s = Spec {
            ilst,
            ..Spec::default()
        };
        let p = probe(Bytes::full(&file(&s)));
        assert_eq!(codes(&p), (vec![], vec![]), "{:?}", p.findings);
        assert_eq!(p.file_format, Some(FileFormat::Mp4));
        assert_eq!(p.audio_codec.as_deref(), Some("AAC"));
        assert_eq!(p.sample_rate, Some(44_100));
        assert_eq!(p.channels, Some(2));
        assert_eq!(p.bit_depth, None);
        assert_eq!(p.sample_format, None);
        // 200 ms at 44.1 kHz = 8820 samples after 1024 of priming; the
        // media holds 10 * 1024 + 500 = 10740.
        assert_eq!(p.total_samples, Some(8820));
        assert_eq!(p.encoder_delay, Some(1024));
        // A decoder outputs 11 whole frames: 11264 - 1024 - 8820 removed at
        // the end.
        assert_eq!(p.encoder_padding, Some(11 * 1024 - 1024 - 8820));
        assert_eq!(p.duration_source, Some(DurationSource::Header));
        assert_eq!(p.audio_bytes, Some(110));
        let t = &p.tags;
        assert_eq!(t.title.as_deref(), Some("Song"));
        assert_eq!(t.artist.as_deref(), Some("Artist"));
        assert_eq!(t.album.as_deref(), Some("Album"));
        assert_eq!(t.date.as_deref(), Some("2024"));
        assert_eq!(t.genre.as_deref(), Some("Rock"));
        assert_eq!(t.copyright.as_deref(), Some("(P) 2024 Label"));
        assert_eq!(t.isrc.as_deref(), Some("USRC17607839"));
        assert_eq!(t.explicit, Some(true));
        assert_eq!(t.sources, vec!["MP4 ilst".to_string()]);
    }

    #[test]
    fn edit_list_rounded_to_the_movie_timescale_ends_with_the_media() {
        // 48 kHz, 1.2345 s: ffmpeg writes 1234 ms; the media holds
        // 1024 + 59256 samples: the media's count is the exact one.
        let s = Spec {
            entry: sound_entry(b"mp4a", 1, 16, 48_000, &esds(&[0x11, 0x88])),
            media_ts: 48_000,
            stts: vec![(58, 1024), (1, 88)],
            elst: Some((1234, 1024)),
            ..Spec::default()
        };
        let p = probe(Bytes::full(&file(&s)));
        assert_eq!(p.sample_rate, Some(48_000));
        assert_eq!(p.channels, Some(1));
        assert_eq!(p.total_samples, Some(58 * 1024 + 88 - 1024));
        // The last frame holds 88 real samples of 1024.
        assert_eq!(p.encoder_padding, Some(1024 - 88));
    }

    #[test]
    fn without_edit_list_the_sample_table_counts() {
        let s = Spec {
            elst: None,
            moov_first: true,
            ..Spec::default()
        };
        let p = probe(Bytes::full(&file(&s)));
        assert_eq!(p.total_samples, Some(10 * 1024 + 500));
        assert_eq!(p.encoder_delay, None);
    }

    #[test]
    fn itunsmpb_is_preferred() {
        let s = Spec {
            ilst: freeform(
                "iTunSMPB",
                " 00000000 00000840 00000100 00000000000027D4 00000000",
            ),
            stts: vec![(13, 1024)],
            ..Spec::default()
        };
        let p = probe(Bytes::full(&file(&s)));
        // 0x840 + 0x27D4 + 0x100 = 13312 = 13 * 1024.
        assert_eq!(p.total_samples, Some(0x27D4));
        assert_eq!(p.encoder_delay, Some(0x840));
        assert_eq!(p.encoder_padding, Some(0x100));
        // The edit list (200 ms) disagrees: warned.
        assert!(codes(&p).1.contains(&Code::InconsistentHeader));
        // A count past the media is clamped.
        assert_eq!(parse_smpb(" 0 840 0 FFFFFF"), Some((0x840, 0, 0xFF_FFFF)));
        assert_eq!(parse_smpb("junk"), None);
    }

    #[test]
    fn alac_magic_cookie() {
        let mut cookie = vec![0, 0, 0, 0];
        cookie.extend_from_slice(&4096u32.to_be_bytes());
        cookie.extend_from_slice(&[0, 24, 40, 10, 14, 2, 0, 255]);
        cookie.extend_from_slice(&[0; 8]);
        cookie.extend_from_slice(&96_000u32.to_be_bytes());
        let entry = sound_entry(b"alac", 2, 24, 0, &bx(b"alac", &cookie));
        let s = Spec {
            entry,
            media_ts: 96_000,
            elst: None,
            stts: vec![(3, 4096), (1, 100)],
            ..Spec::default()
        };
        let p = probe(Bytes::full(&file(&s)));
        assert_eq!(p.audio_codec.as_deref(), Some("ALAC"));
        assert_eq!(p.sample_format, Some(SampleFormat::Int));
        assert_eq!(p.bit_depth, Some(24));
        assert_eq!(p.sample_rate, Some(96_000));
        assert_eq!(p.total_samples, Some(3 * 4096 + 100));
    }

    #[test]
    fn other_codecs_are_named() {
        let mut dops = vec![0, 2, 0x01, 0x38];
        dops.extend_from_slice(&44_100u32.to_be_bytes());
        dops.extend_from_slice(&[0, 0, 0]);
        let s = Spec {
            entry: sound_entry(b"Opus", 2, 16, 48_000, &bx(b"dOps", &dops)),
            media_ts: 48_000,
            elst: Some((10, 312)),
            stts: vec![(2, 960)],
            ..Spec::default()
        };
        let p = probe(Bytes::full(&file(&s)));
        assert_eq!(p.audio_codec.as_deref(), Some("Opus"));
        assert_eq!(p.input_sample_rate, Some(44_100));
        assert_eq!(p.total_samples, Some(480));
        assert_eq!(p.encoder_delay, Some(312));
        let s = Spec {
            entry: sound_entry(b"ac-3", 6, 16, 48_000, &[]),
            media_ts: 48_000,
            ..Spec::default()
        };
        let p = probe(Bytes::full(&file(&s)));
        assert_eq!(p.audio_codec.as_deref(), Some("AC-3"));
        assert_eq!(p.bit_depth, None);
        let s = Spec {
            entry: sound_entry(b"zzzz", 2, 16, 48_000, &[]),
            ..Spec::default()
        };
        let p = probe(Bytes::full(&file(&s)));
        assert!(codes(&p).1.contains(&Code::UnsupportedCodec));
    }

    #[test]
    fn audio_specific_configs() {
        // AAC LC 44.1 kHz stereo.
        let a = parse_asc(&[0x12, 0x10]).unwrap();
        assert_eq!(
            (a.aot, a.rate, a.channel_config, a.sbr),
            (2, Some(44_100), 2, false)
        );
        // HE-AAC, explicit hierarchical: AOT 5, core 22.05 kHz, SBR 44.1 kHz.
        let he = bits(&[(5, 5), (7, 4), (2, 4), (4, 4), (2, 5), (0, 3)]);
        let a = parse_asc(&he).unwrap();
        assert_eq!(
            (a.aot, a.rate, a.sbr_rate, a.ps),
            (5, Some(22_050), Some(44_100), false)
        );
        let mut e = Entry::default();
        apply_asc(&a, &mut e);
        assert_eq!((e.rate, e.channels), (Some(44_100), Some(2)));
        // HE-AACv2: AOT 29, mono core, two output channels.
        let ps = bits(&[(29, 5), (6, 4), (1, 4), (3, 4), (2, 5), (0, 3)]);
        let a = parse_asc(&ps).unwrap();
        assert!(a.ps && a.sbr);
        let mut e = Entry::default();
        apply_asc(&a, &mut e);
        assert_eq!((e.rate, e.channels), (Some(48_000), Some(2)));
        // Backward-compatible signalling: LC, then sync extensions for SBR
        // and PS.
        let bc = bits(&[
            (2, 5),
            (7, 4),
            (1, 4),
            (0, 3),
            (0x2B7, 11),
            (5, 5),
            (1, 1),
            (4, 4),
            (0x548, 11),
            (1, 1),
        ]);
        let a = parse_asc(&bc).unwrap();
        assert_eq!((a.aot, a.sbr_rate, a.ps), (29, Some(44_100), true));
        // Escaped AOT and explicit frequency.
        let esc = bits(&[(31, 5), (4, 6), (15, 4), (44_056, 24), (2, 4)]);
        let a = parse_asc(&esc).unwrap();
        assert_eq!((a.aot, a.rate), (36, Some(44_056)));
        assert!(parse_asc(&[0x12]).is_none());
        assert!(parse_asc(&[]).is_none());
    }

    #[test]
    fn implicit_sbr_is_seen_from_the_timescale() {
        // LC at 22.05 kHz in the config, 44.1 kHz media with 2048-sample
        // frames: implicit SBR, output rate 44.1 kHz.
        let s = Spec {
            entry: sound_entry(b"mp4a", 2, 16, 44_100, &esds(&[0x13, 0x90])),
            stts: vec![(10, 2048)],
            elst: None,
            ..Spec::default()
        };
        let p = probe(Bytes::full(&file(&s)));
        assert_eq!(p.sample_rate, Some(44_100));
        assert_eq!(p.total_samples, Some(20_480));
        assert!(codes(&p).1.contains(&Code::InconsistentHeader));
    }

    #[test]
    fn zero_timescale_is_an_error() {
        let s = Spec {
            media_ts: 0,
            ..Spec::default()
        };
        let p = probe(Bytes::full(&file(&s)));
        assert!(p.findings.has_error(Code::InvalidHeader));
        assert_eq!(p.total_samples, None);
        let s = Spec {
            movie_ts: 0,
            ..Spec::default()
        };
        let p = probe(Bytes::full(&file(&s)));
        assert!(p.findings.has_error(Code::InvalidHeader));
        // The edit list cannot be read; the sample table still counts.
        assert_eq!(p.total_samples, Some(10 * 1024 + 500));
    }

    #[test]
    fn truncated_media_data() {
        let s = Spec::default();
        let f = file(&s);
        // Cut inside the mdat (moov first, so it survives).
        let s2 = Spec {
            moov_first: true,
            ..Spec::default()
        };
        let f2 = file(&s2);
        let cut = &f2[..f2.len() - 50];
        let p = probe(Bytes::full(cut));
        assert!(p.findings.has_error(Code::TruncatedData));
        let msg = &p.findings.errors[0].message;
        assert!(msg.contains("110") && msg.contains("60"), "{msg}");
        assert_eq!(p.audio_bytes, Some(60));
        // Tables pointing past the end: the mdat is whole but shorter.
        let s3 = Spec {
            sample_size: 100,
            ..Spec::default()
        };
        let p = probe(Bytes::full(&file(&s3)));
        assert!(
            p.findings.has_error(Code::TruncatedData),
            "{:?}",
            p.findings
        );
        // The moov cut short.
        let p = probe(Bytes::full(&f[..f.len() - 10]));
        assert!(p.findings.has_error(Code::TruncatedData));
    }

    #[test]
    fn box_sizes() {
        // 64-bit mdat size, then moov.
        let s = Spec::default();
        let ftyp = bx(b"ftyp", b"M4A \0\0\0\0");
        let mut mdat = 1u32.to_be_bytes().to_vec();
        mdat.extend_from_slice(b"mdat");
        mdat.extend_from_slice(&(16u64 + 110).to_be_bytes());
        mdat.extend_from_slice(&[0; 110]);
        let off = (ftyp.len() + 16) as u32;
        let f = cat(&[ftyp.clone(), mdat, moov(&s, off)]);
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p).0, vec![]);
        assert_eq!(p.audio_bytes, Some(110));
        // mdat of size 0 runs to the end of the file, after the moov.
        let m = moov(&s, 0);
        let off = (ftyp.len() + m.len() + 8) as u32;
        let mut f = cat(&[ftyp.clone(), moov(&s, off)]);
        f.extend_from_slice(&[0, 0, 0, 0]);
        f.extend_from_slice(b"mdat");
        f.extend_from_slice(&[0; 110]);
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p).0, vec![]);
        assert_eq!(p.audio_bytes, Some(110));
        // Absurd sizes: a 64-bit size of u64::MAX, a size below the header.
        let mut f = ftyp.clone();
        f.extend_from_slice(&1u32.to_be_bytes());
        f.extend_from_slice(b"moov");
        f.extend_from_slice(&u64::MAX.to_be_bytes());
        f.extend_from_slice(&[0; 32]);
        let p = probe(Bytes::full(&f));
        assert!(p.findings.has_error(Code::TruncatedData));
        assert!(p.findings.errors[0].message.contains(&u64::MAX.to_string()));
        let mut f = ftyp.clone();
        f.extend_from_slice(&[0, 0, 0, 4]);
        f.extend_from_slice(b"moov");
        let p = probe(Bytes::full(&f));
        assert!(p.findings.has_error(Code::InvalidHeader));
        // A child larger than its parent.
        let mut inner = 0xFFFF_FFF0u32.to_be_bytes().to_vec();
        inner.extend_from_slice(b"trak");
        inner.extend_from_slice(&[0; 8]);
        let f = cat(&[ftyp, bx(b"moov", &inner)]);
        let p = probe(Bytes::full(&f));
        let msg = &p.findings.errors[0].message;
        assert!(msg.contains("4294967280") && msg.contains("16"), "{msg}");
    }

    #[test]
    fn fragmented_files_sum_their_runs() {
        let mut trex = 1u32.to_be_bytes().to_vec();
        trex.extend_from_slice(&[0, 0, 0, 1, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let s = Spec {
            stts: vec![],
            elst: None,
            extra_moov: bx(b"mvex", &full(b"trex", 0, &trex)),
            moov_first: true,
            payload: 0,
            ..Spec::default()
        };
        let mut f = file(&s);
        // One fragment with per-sample durations, one with the default.
        let mut tfhd = vec![0, 0, 0, 0];
        tfhd.extend_from_slice(&1u32.to_be_bytes());
        let mut trun = vec![0, 0, 1, 0];
        trun.extend_from_slice(&2u32.to_be_bytes());
        trun.extend_from_slice(&1024u32.to_be_bytes());
        trun.extend_from_slice(&500u32.to_be_bytes());
        let traf = bx(b"traf", &cat(&[bx(b"tfhd", &tfhd), bx(b"trun", &trun)]));
        f.extend(bx(b"moof", &traf));
        let mut trun2 = vec![0, 0, 0, 0];
        trun2.extend_from_slice(&3u32.to_be_bytes());
        let traf = bx(b"traf", &cat(&[bx(b"tfhd", &tfhd), bx(b"trun", &trun2)]));
        f.extend(bx(b"moof", &traf));
        f.extend(bx(b"mdat", &[0; 20]));
        let p = probe(Bytes::full(&f));
        assert!(codes(&p).1.contains(&Code::FragmentedMp4));
        assert_eq!(p.total_samples, Some(1024 + 500 + 3 * 1024));
        // mvex without fragments: unknown duration.
        let p = probe(Bytes::full(&file(&s)));
        assert!(p.findings.has_error(Code::UnknownDuration));
    }

    #[test]
    fn no_moov_or_no_audio() {
        let p = probe(Bytes::full(&bx(b"ftyp", b"isom")));
        assert!(p.findings.has_error(Code::InvalidHeader));
        let mut f = file(&Spec::default());
        let at = f.windows(4).position(|w| w == b"soun").unwrap();
        f[at..at + 4].copy_from_slice(b"vide");
        let p = probe(Bytes::full(&f));
        assert!(p.findings.has_error(Code::UnsupportedFormat));
        assert!(p.findings.errors[0].message.contains("vide"));
    }

    #[test]
    fn plain_and_full_meta_boxes() {
        let ilst = bx(b"ilst", &data_item(b"\xa9ART", 1, b"Foo artist"));
        let hdlr = full(b"hdlr", 0, &[0; 21]);
        let plain = cat(&[hdlr.clone(), ilst.clone()]);
        let fullb = cat(&[vec![0; 4], hdlr, ilst]);
        for body in [plain, fullb] {
            let mut st = State::default();
            let mut p = Probe::default();
            parse_meta(Reader::new(&body), &mut st, &mut p);
            assert_eq!(p.tags.artist.as_deref(), Some("Foo artist"));
        }
        // UTF-16 text and non-text data types.
        assert_eq!(text(2, &[0, b'h', 0, b'i']).as_deref(), Some("hi"));
        assert_eq!(text(21, &[1]), None);
    }

    #[test]
    fn every_truncation_and_corruption_is_safe() {
        let s = Spec {
            ilst: cat(&[
                data_item(b"\xa9nam", 1, b"Song"),
                freeform("iTunSMPB", " 0 840 0 1000"),
            ]),
            moov_first: true,
            ..Spec::default()
        };
        let f = file(&s);
        for cut in 0..f.len() {
            let _ = probe(Bytes::full(&f[..cut]));
        }
        for i in 0..f.len() {
            for v in [0x00, 0xFF, 0x7F, 0x01] {
                let mut g = f.clone();
                g[i] = v;
                let _ = probe(Bytes::full(&g));
            }
        }
    }

    #[test]
    fn windowed_view_skips_the_media_data() {
        let s = Spec {
            payload: 100_000,
            ..Spec::default()
        };
        let f = file(&s);
        let whole = probe(Bytes::full(&f));
        let gap = Cell::new(false);
        let head = &f[..4096];
        let tail = &f[f.len() - 8192..];
        let p = probe(Bytes::windows(head, tail, f.len() as u64, &gap));
        assert!(!gap.get(), "the mdat was read");
        assert_eq!(p, whole);
        assert_eq!(p.total_samples, Some(8820));
    }
}
