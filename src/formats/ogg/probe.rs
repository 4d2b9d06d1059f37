//! The header probe: the pages at the start (identification, comment and
//! setup headers, the first granule position) and the last pages, found by
//! scanning back from the end of the file. The pages in between are read
//! only when the file turns out to be chained. See the module above for the
//! rules.

use super::codecs::{self, Codec};
use super::page::{NoPage, Packets, Page, Piece, crc_budget, read_page, resync};
use super::{Measured, OggLayout};
use crate::formats::Probe;
use crate::io::reader::{Bytes, Reader};
use crate::record::{Code, DurationSource, FileFormat, SampleFormat};
use crate::tags::Tags;
use crate::tags::vorbis::read_vorbis_comment;

/// The tail window first searched for the last page.
const TAIL_FIRST: u64 = 64 << 10;
/// The widest window searched before falling back to the whole file.
const TAIL_WIDE: u64 = 1 << 20;
/// Logical streams tracked at most; further ones are counted, not parsed.
const MAX_STREAMS: usize = 64;
/// A header packet longer than this is not assembled (pictures in comments
/// can be large, but not this large).
const MAX_HEADER_PACKET: usize = 64 << 20;

/// The state of one logical stream while its pages are read.
#[derive(Debug, Clone)]
struct Stream {
    serial: u32,
    codec: Codec,
    rate: u32,
    channels: u32,
    input_rate: Option<u32>,
    /// Header packets (identification included); `None`: until a packet
    /// that is not a header (FLAC-in-Ogg with an unknown count).
    headers: Option<u64>,
    headers_done: bool,
    /// Completed packets.
    packets: u64,
    /// The packet being assembled.
    asm: Packets,
    /// Whether packet contents are still needed.
    collect: bool,
    /// Samples of the audio packets completed so far (until the first
    /// granule), and whether all of them could be sized.
    samples: u64,
    sized: bool,
    prev_block: Option<u32>,
    /// The first granule page: (granule, samples of the packets up to it,
    /// whether the page ends the stream).
    first: Option<(i64, u64, bool)>,
    /// The last page with a granule position (and a good CRC) seen.
    last: Option<(i64, u64)>,
    eos: bool,
    next_seq: Option<u32>,
    header_bytes: u64,
    tags: Tags,
    problems: Vec<(Code, String)>,
}

impl Stream {
    fn new(serial: u32) -> Stream {
        Stream {
            serial,
            codec: Codec::Other("unknown"),
            rate: 0,
            channels: 0,
            input_rate: None,
            headers: Some(1),
            headers_done: false,
            packets: 0,
            asm: Packets::default(),
            collect: true,
            samples: 0,
            sized: true,
            prev_block: None,
            first: None,
            last: None,
            eos: false,
            next_seq: None,
            header_bytes: 0,
            tags: Tags::default(),
            problems: Vec::new(),
        }
    }

    fn describe(&self) -> String {
        match &self.codec {
            Codec::Other(_) => format!("{} (serial {:08x})", self.codec.name(), self.serial),
            c => format!("{} {} Hz {} ch", c.name(), self.rate, self.channels),
        }
    }

    fn problem(&mut self, code: Code, msg: String) {
        if self.problems.len() < 8 {
            self.problems.push((code, msg));
        }
    }

    /// One completed packet.
    fn packet(&mut self, data: &[u8]) {
        let index = self.packets;
        self.packets += 1;
        if index == 0 {
            self.identify(data);
        } else if !self.headers_done {
            self.header(index, data);
        } else if self.first.is_none() {
            match self.duration(data) {
                Some(n) => self.samples = self.samples.saturating_add(n),
                None => self.sized = false,
            }
        }
        if let Some(n) = self.headers
            && self.packets >= n
        {
            self.headers_done = true;
        }
        if self.headers_done && (self.first.is_some() || !self.codec.is_audio()) {
            self.collect = false;
        }
    }

    fn identify(&mut self, data: &[u8]) {
        let id = codecs::identify(data);
        self.codec = id.codec;
        self.rate = id.rate;
        self.channels = id.channels;
        self.input_rate = id.input_rate;
        self.headers = id.headers;
        for (code, msg) in id.problems {
            self.problem(code, msg);
        }
    }

    fn header(&mut self, index: u64, data: &[u8]) {
        let comment = |s: &mut Stream, skip: u64, what: &str| {
            let mut r = Reader::new(data);
            let _ = r.skip(skip);
            if let Err(m) = read_vorbis_comment(&mut r, &mut s.tags) {
                s.problem(Code::InvalidHeader, format!("the {what} {m}"));
            }
        };
        match &self.codec {
            Codec::Vorbis { .. } if index == 1 => {
                if data.starts_with(b"\x03vorbis") {
                    comment(self, 7, "Vorbis comment header");
                } else {
                    self.problem(
                        Code::InvalidHeader,
                        "the second Vorbis packet is not the comment header".to_string(),
                    );
                }
            }
            Codec::Vorbis { .. } => {
                if !data.starts_with(b"\x05vorbis") {
                    self.problem(
                        Code::InvalidHeader,
                        "the third Vorbis packet is not the setup header".to_string(),
                    );
                    return;
                }
                let modes = codecs::vorbis_modes(data);
                if modes.is_none() {
                    self.problem(
                        Code::InconsistentHeader,
                        "the Vorbis setup header's mode list could not be read: packet sizes are unknown, so the stream is assumed to start at sample 0".to_string(),
                    );
                }
                if let Codec::Vorbis { modes: m, .. } = &mut self.codec {
                    *m = modes.unwrap_or_default();
                }
            }
            Codec::Opus { .. } => {
                if data.starts_with(b"OpusTags") {
                    comment(self, 8, "OpusTags header");
                } else {
                    self.problem(
                        Code::InvalidHeader,
                        "the second Opus packet is not OpusTags".to_string(),
                    );
                }
            }
            Codec::Speex { .. } if index == 1 => comment(self, 0, "Speex comment header"),
            Codec::Flac { .. } => {
                let Some(&first) = data.first() else { return };
                if first == 0xFF {
                    // Audio already: the header count was unknown.
                    self.headers_done = true;
                    self.headers = Some(index);
                    self.packets = index;
                    self.packet(data);
                    return;
                }
                if first & 0x7F == 4 {
                    comment(self, 4, "VORBIS_COMMENT block");
                }
                if self.headers.is_none() && codecs::flac_last_header(data) {
                    self.headers = Some(index + 1);
                }
            }
            _ => {}
        }
    }

    /// Samples an audio packet decodes to, before any trimming.
    fn duration(&mut self, data: &[u8]) -> Option<u64> {
        codecs::packet_samples(&self.codec, data, &mut self.prev_block)
    }

    /// The figures of this stream: (total, start offset, pre-skip removed).
    fn total(&self) -> Option<(u64, u64, u64)> {
        let (last, _) = self.last?;
        let last = u64::try_from(last).ok()?;
        let start = match self.first {
            Some((g, n, eos)) if !eos && self.sized => {
                u64::try_from(g).map_or(0, |g| g.saturating_sub(n))
            }
            _ => 0,
        };
        let pre_skip = match self.codec {
            Codec::Opus { pre_skip, .. } => u64::from(pre_skip),
            _ => 0,
        };
        Some((
            last.saturating_sub(start).saturating_sub(pre_skip),
            start,
            pre_skip,
        ))
    }
}

/// Walks pages forward, feeding the streams.
struct Walk<'a> {
    bytes: Bytes<'a>,
    pos: u64,
    streams: Vec<Stream>,
    extra_streams: u32,
    /// Only BOS pages seen so far.
    bos_phase: bool,
    chained: bool,
    bad_crc: u64,
    first_bad_crc: Option<u64>,
    seq_gaps: u64,
    first_gap: Option<String>,
    /// End of the last page read.
    end: u64,
    /// Why the walk stopped, when not at the end of the file.
    stop: Option<(u64, NoPage)>,
    /// Bytes skipped between pages: (offset, length).
    junk: Vec<(u64, u64)>,
}

impl<'a> Walk<'a> {
    fn new(bytes: Bytes<'a>) -> Walk<'a> {
        Walk {
            bytes,
            pos: 0,
            streams: Vec::new(),
            extra_streams: 0,
            bos_phase: true,
            chained: false,
            bad_crc: 0,
            first_bad_crc: None,
            seq_gaps: 0,
            first_gap: None,
            end: 0,
            stop: None,
            junk: Vec::new(),
        }
    }

    fn primary(&self) -> Option<&Stream> {
        self.streams.iter().find(|s| s.codec.is_audio())
    }

    /// Whether the start of the file has told what a header-only probe needs.
    fn enough(&self) -> bool {
        if self.bos_phase {
            return false;
        }
        match self.primary() {
            Some(s) => s.headers_done && (s.first.is_some() || s.eos),
            None => self.streams.iter().all(|s| s.headers_done),
        }
    }

    /// Read pages until `enough` (when `full` is false) or the end.
    fn run(&mut self, full: bool) {
        while self.pos < self.bytes.len() {
            if !full && !self.chained {
                self.peek_flac_start();
                if self.enough() {
                    return;
                }
            }
            match read_page(self.bytes, self.pos) {
                Ok(page) => {
                    self.pos += page.len();
                    self.end = self.pos;
                    self.feed(&page);
                }
                Err(e) => {
                    // Resynchronise on the next page with a good CRC.
                    if e == NoPage::NotAPage
                        && let Some(next) = resync(self.bytes, self.pos + 1)
                    {
                        self.junk.push((self.pos, next - self.pos));
                        self.pos = next;
                        continue;
                    }
                    self.stop = Some((self.pos, e));
                    return;
                }
            }
        }
    }

    /// FLAC-in-Ogg: the first audio page can be long (a frame of
    /// high-resolution audio is tens of KiB), but the frame header at its
    /// start says where the stream starts, without reading the whole page.
    fn peek_flac_start(&mut self) {
        let Some(i) = self.streams.iter().position(|s| s.codec.is_audio()) else {
            return;
        };
        let s = &self.streams[i];
        if !matches!(s.codec, Codec::Flac { .. }) || !s.headers_done || s.first.is_some() {
            return;
        }
        let mut r = Reader::at(self.bytes, self.pos);
        let Ok(head) = r.array::<27>() else { return };
        let serial = u32::from_le_bytes([head[14], head[15], head[16], head[17]]);
        if &head[..5] != b"OggS\0" || head[5] & 1 != 0 || serial != s.serial {
            return;
        }
        if r.skip(u64::from(head[26])).is_err() {
            return;
        }
        let Some(h) = crate::formats::flac::parse_frame_header(self.bytes, r.pos()) else {
            return;
        };
        let start = if h.variable {
            h.number
        } else {
            h.number.saturating_mul(u64::from(h.block_size))
        };
        let s = &mut self.streams[i];
        s.first = Some((i64::try_from(start).unwrap_or(i64::MAX), 0, false));
        s.collect = false;
        s.asm.discard();
    }

    fn feed(&mut self, page: &Page<'_>) {
        if !page.crc_ok {
            self.bad_crc += 1;
            self.first_bad_crc.get_or_insert(page.pos);
        }
        // The latest stream with this serial; a BOS page of a serial already
        // seen starts a new link (a chain of copies of one file).
        let known = self.streams.iter().rposition(|s| s.serial == page.serial);
        let idx = match known {
            Some(i) if !page.bos() || self.streams[i].packets == 0 => i,
            _ => {
                if !page.bos() {
                    // A page of a stream whose start is not in the file.
                    if self.first_gap.is_none() {
                        self.first_gap = Some(format!(
                            "the page at offset {} belongs to stream {:08x}, which has no beginning-of-stream page",
                            page.pos, page.serial
                        ));
                    }
                    self.seq_gaps += 1;
                    self.bos_phase = false;
                    return;
                }
                if !self.bos_phase {
                    self.chained = true;
                }
                if self.streams.len() >= MAX_STREAMS {
                    self.extra_streams += 1;
                    return;
                }
                self.streams.push(Stream::new(page.serial));
                self.streams.len() - 1
            }
        };
        if !page.bos() {
            self.bos_phase = false;
        }
        let s = &mut self.streams[idx];
        if let Some(next) = s.next_seq
            && next != page.seq
        {
            self.seq_gaps += 1;
            if self.first_gap.is_none() {
                self.first_gap = Some(format!(
                    "the page at offset {} of stream {:08x} has sequence number {}, {} was expected",
                    page.pos, page.serial, page.seq, next
                ));
            }
        }
        s.next_seq = Some(page.seq.wrapping_add(1));
        let headers_before = s.headers_done;
        let mut completed_audio = false;
        // A packet that lost its start (or its end) is not read.
        let _ = s.asm.begin(page);
        for (lace, seg) in page.segments() {
            let Some(Piece::Packet(data, _)) =
                s.asm.segment(lace, seg, s.collect, MAX_HEADER_PACKET)
            else {
                continue;
            };
            let was_audio = s.headers_done;
            s.packet(&data);
            if was_audio || (s.headers_done && s.packets > s.headers.unwrap_or(0)) {
                completed_audio = true;
            }
        }
        if !headers_before {
            s.header_bytes += page.len();
        }
        if s.headers_done && page.granule != -1 && page.crc_ok {
            if s.first.is_none() && completed_audio {
                s.first = Some((page.granule, s.samples, page.eos()));
                s.collect = false;
                s.asm.discard();
            }
            if completed_audio || s.first.is_some() {
                s.last = Some((page.granule, page.pos));
            }
        }
        if page.eos() {
            s.eos = true;
        }
    }
}

/// What the end of the file says.
#[derive(Debug, Default)]
struct Tail {
    /// The last page with a good CRC: (offset, end, serial, eos).
    last_page: Option<(u64, u64, u32, bool)>,
    /// The last granule page of the primary stream: (granule, offset, eos).
    last_primary: Option<(i64, u64, bool)>,
    /// A page header after the last good page that runs past the end.
    cut: Option<(u64, u64, u64)>,
    /// A beginning-of-stream page (good CRC) in the window: a chained link.
    bos: bool,
}

/// Scan `from..len` backwards for the last pages.
fn scan_tail(bytes: Bytes<'_>, from: u64, serial: Option<u32>) -> Option<Tail> {
    let len = bytes.len();
    let window = bytes.get(from, len.saturating_sub(from))?;
    let mut tail = Tail::default();
    let mut cut = None;
    let mut budget = crc_budget(window.len());
    for i in (0..window.len().saturating_sub(3)).rev() {
        if window.get(i..i + 4) != Some(b"OggS") {
            continue;
        }
        if budget == 0 {
            break;
        }
        let at = from + i as u64;
        let page = read_page(bytes, at);
        if let Ok(p) = &page {
            budget = budget.saturating_sub(p.len());
        }
        match page {
            Ok(p) if p.crc_ok => {
                if tail.last_page.is_none() {
                    let end = at + p.len();
                    tail.last_page = Some((at, end, p.serial, p.eos()));
                    tail.cut = cut.filter(|&(pos, _, _)| pos == end);
                    cut = None;
                }
                tail.bos |= p.bos();
                if Some(p.serial) == serial && p.granule != -1 && tail.last_primary.is_none() {
                    tail.last_primary = Some((p.granule, at, p.eos()));
                }
            }
            Err(NoPage::Truncated { need, have }) if tail.last_page.is_none() => {
                cut = Some((at, need, have));
            }
            _ => {}
        }
    }
    if tail.last_page.is_none() {
        // Whether it follows the last page before the window is for the
        // caller to say.
        tail.cut = cut;
    }
    Some(tail)
}

/// Probe an Ogg stream.
pub fn probe(bytes: Bytes<'_>) -> Probe {
    let mut layout = OggLayout::default();
    let mut p = measure(bytes, &mut layout);
    p.layout = Some(crate::formats::Layout::Ogg(layout));
    p
}

/// The figures, and in `layout` what verification must know.
fn measure(bytes: Bytes<'_>, layout: &mut OggLayout) -> Probe {
    let mut p = Probe {
        file_format: Some(FileFormat::Ogg),
        ..Probe::default()
    };
    let len = bytes.len();
    let mut walk = Walk::new(bytes);
    walk.run(false);

    if walk.streams.is_empty() {
        let msg = match walk.stop {
            Some((_, NoPage::Truncated { need, have })) => {
                format!("the first Ogg page declares {need} bytes, the file holds {have}")
            }
            _ if walk.end > 0 => format!(
                "no Ogg page up to offset {} starts a logical stream (no beginning-of-stream page)",
                walk.end
            ),
            _ => "no valid Ogg page at the start of the file".to_string(),
        };
        let code = if matches!(walk.stop, Some((_, NoPage::Truncated { .. }))) {
            Code::TruncatedData
        } else {
            Code::InvalidHeader
        };
        p.findings.error(code, msg);
        return p;
    }

    let tail = read_end(bytes, &mut walk);
    report_walk(&mut p, &walk);
    let audio: Vec<usize> = walk
        .streams
        .iter()
        .enumerate()
        .filter(|(_, s)| s.codec.is_audio())
        .map(|(i, _)| i)
        .collect();
    let Some(&first) = audio.first() else {
        let names: Vec<String> = walk.streams.iter().map(Stream::describe).collect();
        p.findings.error(
            Code::UnsupportedFormat,
            format!(
                "the Ogg file holds no Vorbis, Opus, FLAC or Speex stream ({})",
                names.join(", ")
            ),
        );
        return p;
    };

    let stream_end = apply_end(&mut p, &mut walk, tail.as_ref(), first, len);

    let s = &walk.streams[first];
    for (code, msg) in &s.problems {
        if *code == Code::InvalidHeader {
            p.findings.error(*code, msg.clone());
        } else {
            p.findings.warn(*code, msg.clone());
        }
    }
    p.tags = s.tags.clone();
    p.audio_codec = Some(s.codec.name().to_string());
    p.sample_rate = (s.rate > 0).then_some(s.rate);
    p.channels = (s.channels > 0).then_some(s.channels);
    p.input_sample_rate = s.input_rate;
    if let Codec::Flac { bits, .. } = s.codec {
        p.bit_depth = (bits > 0).then_some(bits);
        p.sample_format = Some(SampleFormat::Int);
    }
    if !s.headers_done {
        p.findings.error(
            Code::InvalidHeader,
            format!(
                "the {} stream ends before its header packets are complete",
                s.codec.name()
            ),
        );
        return p;
    }
    if !s.eos && !p.findings.has_error(Code::TruncatedData) {
        p.findings.warn(
            Code::PageSequence,
            format!(
                "the {} stream has no end-of-stream page: the file may be cut at a page boundary",
                s.codec.name()
            ),
        );
    }

    let Some((total, start, pre_skip)) = s.total() else {
        if s.first.is_none() && s.last.is_none() && s.eos {
            // Headers only: an empty stream.
            p.total_samples = Some(0);
            p.duration_source = Some(DurationSource::Header);
            p.audio_bytes = Some(0);
        } else {
            p.findings.error(
                Code::UnknownDuration,
                "no page with a granule position was found for the audio stream",
            );
        }
        return p;
    };
    if start > 0 {
        p.findings.warn(
            Code::InconsistentHeader,
            format!("the stream starts at granule position {start}, not 0: counting from it"),
        );
    }
    if !s.sized && s.first.is_some_and(|(_, _, eos)| !eos) {
        p.findings.warn(
            Code::InconsistentHeader,
            "the first audio packets could not be sized: the stream is assumed to start at sample 0",
        );
    }
    if let Codec::Opus { .. } = s.codec {
        p.encoder_delay = Some(pre_skip);
        if let Some((last, _)) = s.last
            && (last as u64) < pre_skip + start
        {
            p.findings.warn(
                Code::InconsistentHeader,
                format!("the last granule position {last} is below the pre-skip {pre_skip}: no sample is output"),
            );
        }
    }
    if let Codec::Flac {
        total: declared, ..
    } = s.codec
        && declared > 0
        && declared != total
    {
        p.declared_samples = Some(declared);
        if !p.findings.has_error(Code::TruncatedData) {
            p.findings.warn(
                Code::InconsistentHeader,
                format!("STREAMINFO declares {declared} samples, the granule positions {total}"),
            );
        }
    }
    p.total_samples = Some(total);
    p.duration_source = Some(DurationSource::Header);

    let header_bytes: u64 = walk.streams.iter().map(|s| s.header_bytes).sum();
    let junk: u64 = walk.junk.iter().map(|j| j.1).sum();
    let multiplexed = walk.streams.len() > 1 && !walk.chained;
    if !multiplexed {
        p.audio_bytes = Some(stream_end.saturating_sub(header_bytes + junk));
    }

    layout.audio_streams = audio.len();
    if walk.chained {
        if chained(&mut p, &walk, &audio) {
            layout.measured = Measured::EveryLink;
        }
    } else if multiplexed {
        let names: Vec<String> = walk.streams.iter().map(Stream::describe).collect();
        p.findings.warn(
            Code::MultiplexedStreams,
            format!(
                "the file interleaves {} logical streams ({}): the first audio stream is measured, the bitrate is not given",
                walk.streams.len() + walk.extra_streams as usize,
                names.join(", ")
            ),
        );
    }
    p
}

/// The end of the file, unless the walk already got there: the last pages,
/// found by scanning back in widening windows. A chain found there makes
/// the walk read every page instead (and no tail is returned).
fn read_end(bytes: Bytes<'_>, walk: &mut Walk<'_>) -> Option<Tail> {
    let len = bytes.len();
    let primary_serial = walk.primary().map(|s| s.serial);
    let mut tail = None;
    if walk.pos < len && walk.stop.is_none() && !walk.chained {
        let floor = walk.pos;
        let (start, _) = bytes.tail(TAIL_FIRST);
        let mut found = scan_tail(bytes, start.max(floor), primary_serial);
        let mut reach = start.max(floor);
        while found
            .as_ref()
            .is_some_and(|t| t.last_primary.is_none() && primary_serial.is_some())
            && reach > floor
        {
            reach = if len - reach < TAIL_WIDE {
                len.saturating_sub(TAIL_WIDE).max(floor)
            } else {
                floor
            };
            found = scan_tail(bytes, reach, primary_serial);
        }
        if let Some(t) = &found
            && (t.bos
                || t.last_page.is_some_and(|(_, _, serial, _)| {
                    !walk.streams.iter().any(|s| s.serial == serial)
                }))
        {
            walk.chained = true;
        }
        tail = found;
    }
    if walk.chained {
        walk.run(true);
        tail = None;
    }

    tail
}

/// Apply the last page found at the end to the primary stream, and say
/// whether the file is cut or has bytes after its last page; returns where
/// the stream ends.
fn apply_end(
    p: &mut Probe,
    walk: &mut Walk<'_>,
    tail: Option<&Tail>,
    first: usize,
    len: u64,
) -> u64 {
    let mut stream_end = walk.end;
    if let Some(t) = tail {
        let s = &mut walk.streams[first];
        if let Some((g, at, eos)) = t.last_primary
            && s.last.is_none_or(|(_, pos)| at > pos)
        {
            s.last = Some((g, at));
            s.eos = eos;
        }
        if let Some((_, end, _, _)) = t.last_page {
            stream_end = stream_end.max(end);
        }
        let good_end = t.last_page.map_or(walk.end, |(_, end, _, _)| end);
        if let Some((at, need, have)) = t.cut.filter(|&(at, _, _)| at == good_end) {
            p.findings.error(
                Code::TruncatedData,
                format!("the last Ogg page (offset {at}) declares {need} bytes, the file holds {have}: the stream is cut, and is measured to the last complete page"),
            );
        } else if stream_end < len {
            p.findings.warn(
                Code::TrailingData,
                format!(
                    "{} bytes after the last Ogg page (offset {stream_end})",
                    len - stream_end
                ),
            );
        }
    } else {
        match walk.stop {
            Some((at, NoPage::Truncated { need, have })) => p.findings.error(
                Code::TruncatedData,
                format!("the last Ogg page (offset {at}) declares {need} bytes, the file holds {have}: the stream is cut, and is measured to the last complete page"),
            ),
            Some((at, NoPage::NotAPage)) => p.findings.warn(
                Code::TrailingData,
                format!("{} bytes after the last Ogg page (offset {at})", len - at),
            ),
            None => {}
        }
    }

    stream_end
}

/// Chained links: sum when they agree (`true`), else keep the first.
fn chained(p: &mut Probe, walk: &Walk<'_>, audio: &[usize]) -> bool {
    let links: Vec<&Stream> = audio.iter().filter_map(|&i| walk.streams.get(i)).collect();
    let names: Vec<String> = walk.streams.iter().map(Stream::describe).collect();
    let Some(first) = links.first() else {
        return false;
    };
    let same = links.iter().all(|s| {
        s.codec.name() == first.codec.name() && s.rate == first.rate && s.channels == first.channels
    });
    let totals: Option<Vec<(u64, u64, u64)>> = links.iter().map(|s| s.total()).collect();
    let count = walk.streams.len() + walk.extra_streams as usize;
    match totals {
        Some(t) if same && walk.extra_streams == 0 => {
            let sum = t.iter().fold(0u64, |a, x| a.saturating_add(x.0));
            let figures: Vec<String> = t.iter().map(|x| x.0.to_string()).collect();
            p.total_samples = Some(sum);
            if let Codec::Opus { .. } = first.codec {
                p.encoder_delay = Some(t.iter().map(|x| x.2).sum());
            }
            p.declared_samples = None;
            p.findings.warn(
                Code::ChainedStreams,
                format!(
                    "the file chains {count} logical streams ({}); totalSamples is the sum of their samples ({})",
                    names.join(", "),
                    figures.join(" + ")
                ),
            );
            true
        }
        _ => {
            p.findings.warn(
                Code::ChainedStreams,
                format!(
                    "the file chains {count} logical streams ({}); they differ, so only the first is measured",
                    names.join(", ")
                ),
            );
            false
        }
    }
}

fn report_walk(p: &mut Probe, walk: &Walk<'_>) {
    if walk.bad_crc > 0
        && let Some(at) = walk.first_bad_crc
    {
        p.findings.warn(
            Code::BadPageCrc,
            format!(
                "{} Ogg page{} with a wrong CRC, the first at offset {at}: {} content is not trusted",
                walk.bad_crc,
                if walk.bad_crc == 1 { "" } else { "s" },
                if walk.bad_crc == 1 { "its" } else { "their" }
            ),
        );
    }
    if let Some(first) = &walk.first_gap {
        p.findings.warn(
            Code::PageSequence,
            format!(
                "{} page{} out of sequence; {first}",
                walk.seq_gaps,
                if walk.seq_gaps == 1 { "" } else { "s" }
            ),
        );
    }
    if let Some(&(at, n)) = walk.junk.first() {
        p.findings.warn(
            Code::PageSequence,
            format!(
                "{n} bytes between Ogg pages at offset {at} are not a page (damaged or missing pages){}",
                if walk.junk.len() > 1 {
                    format!("; {} such gaps", walk.junk.len())
                } else {
                    String::new()
                }
            ),
        );
    }
}
