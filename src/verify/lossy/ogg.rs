//! Ogg: every page read and checked (CRC-32, sequence numbers, granule
//! positions), Vorbis packets decoded, Opus packets checked against the
//! framing rules of RFC 6716 section 3, FLAC packets checked for a frame
//! header. The granule position of every page that ends an audio packet
//! must be the stream's start plus the samples of the packets so far (the
//! last page may trim the end); the decoded count is compared with the
//! last one.

use super::{Decoded, Decoder, Failures};
use crate::formats::ogg::{NoPage, Page, read_page};
use crate::reader::Bytes;
use crate::record::{Code, Probe};
use crate::verify::{Method, Outcome};
use symphonia::core::codecs::audio::AudioCodecParameters;
use symphonia::core::codecs::audio::well_known::CODEC_ID_VORBIS;
use symphonia::default::codecs::VorbisDecoder;

/// Logical streams followed at most (more are only CRC-checked).
const MAX_STREAMS: usize = 64;
/// The longest packet assembled; longer ones are counted as bad.
const MAX_PACKET: usize = 16 << 20;
/// Opus: the most samples (at 48 kHz) one packet may hold, 120 ms.
const OPUS_MAX_SAMPLES: u64 = 5760;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Codec {
    Unknown,
    Vorbis,
    /// Opus with its stream count (the framing is checked for one stream).
    Opus {
        streams: u8,
    },
    Flac,
    Speex,
    Other,
}

impl Codec {
    fn is_audio(self) -> bool {
        !matches!(self, Codec::Unknown | Codec::Other)
    }
}

/// One logical stream (one link of a chain).
struct Stream {
    serial: u32,
    codec: Codec,
    /// Header packets (identification included); `None`: until a packet
    /// that is not a header (FLAC-in-Ogg with an unknown count).
    headers: Option<u64>,
    packets: u64,
    partial: Vec<u8>,
    in_packet: bool,
    /// The packet being assembled lost a part (bad page, missing page).
    damaged: bool,
    /// The packet being assembled is too long to be kept.
    oversized: bool,
    next_seq: Option<u32>,
    eos: bool,
    vorbis_ident: Option<Vec<u8>>,
    decoder: Option<Decoder>,
    /// Why the stream is not decoded, when it is Vorbis.
    no_decoder: Option<String>,
    /// Samples of the audio packets completed so far.
    cum: u64,
    /// Every audio packet since the last granule position was counted;
    /// every audio packet of the stream was.
    counted: bool,
    all_counted: bool,
    /// Granule position minus samples at the first page ending an audio
    /// packet (the stream's start; negative: samples trimmed at the
    /// start), and the same after the last discontinuity.
    base0: Option<i64>,
    base: Option<i64>,
    /// Samples of packets lost or not decoded, as the granule positions
    /// around them tell.
    lost_samples: i64,
    /// The last page ending an audio packet: (offset, granule, samples up
    /// to it), checked once it is known whether a later one follows.
    pending: Option<(usize, i64, u64)>,
    last_granule: Option<i64>,
    audio_packets: u64,
    decoded_packets: u64,
    bad_packets: Failures,
    /// Audio packets lost with a page that fails its CRC or is missing.
    lost_packets: Failures,
    granule_jumps: Failures,
}

impl Stream {
    fn new(serial: u32) -> Stream {
        Stream {
            serial,
            codec: Codec::Unknown,
            headers: Some(1),
            packets: 0,
            partial: Vec::new(),
            in_packet: false,
            damaged: false,
            oversized: false,
            next_seq: None,
            eos: false,
            vorbis_ident: None,
            decoder: None,
            no_decoder: None,
            cum: 0,
            counted: true,
            all_counted: true,
            base0: None,
            base: None,
            lost_samples: 0,
            pending: None,
            last_granule: None,
            audio_packets: 0,
            decoded_packets: 0,
            bad_packets: Failures::default(),
            lost_packets: Failures::default(),
            granule_jumps: Failures::default(),
        }
    }

    fn headers_done(&self) -> bool {
        self.headers.is_some_and(|n| self.packets >= n)
    }

    /// One completed packet, whose last segment is on the page at `at`;
    /// `true` when it is an audio packet.
    fn packet(&mut self, data: &[u8], at: usize) -> bool {
        let index = self.packets;
        if index == 0 {
            self.packets = 1;
            self.identify(data);
            return false;
        }
        if !self.headers_done() {
            if self.codec == Codec::Flac && data.first() == Some(&0xFF) {
                // The header count was unknown: audio already.
                self.headers = Some(index);
            } else {
                self.packets += 1;
                self.header(index, data);
                return false;
            }
        }
        self.packets += 1;
        self.audio(data, at);
        true
    }

    fn identify(&mut self, data: &[u8]) {
        if data.starts_with(b"\x01vorbis") {
            self.codec = Codec::Vorbis;
            self.headers = Some(3);
            self.vorbis_ident = Some(data.to_vec());
        } else if data.starts_with(b"OpusHead") {
            let family = data.get(18).copied().unwrap_or(0);
            let streams = if family == 0 {
                1
            } else {
                data.get(19).copied().unwrap_or(0)
            };
            self.codec = Codec::Opus { streams };
            self.headers = Some(2);
        } else if data.starts_with(b"\x7FFLAC") {
            self.codec = Codec::Flac;
            let count = data
                .get(7..9)
                .map_or(0, |b| u16::from_be_bytes([b[0], b[1]]));
            self.headers = (count > 0).then_some(1 + u64::from(count));
        } else if data.starts_with(b"Speex   ") {
            self.codec = Codec::Speex;
            let extra = data
                .get(76..80)
                .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
            self.headers = Some(2 + u64::from(extra.min(16)));
        } else {
            self.codec = Codec::Other;
            self.headers = Some(1);
        }
    }

    fn header(&mut self, index: u64, data: &[u8]) {
        match self.codec {
            Codec::Vorbis if index == 2 => {
                let Some(ident) = self.vorbis_ident.take() else {
                    return;
                };
                if !data.starts_with(b"\x05vorbis") {
                    // The probe reports the header.
                    self.no_decoder = Some("the setup header is missing".into());
                    return;
                }
                if let Err(why) = vorbis_setup_budget(data) {
                    self.no_decoder = Some(why);
                    return;
                }
                let mut extra = ident;
                extra.extend_from_slice(data);
                let mut params = AudioCodecParameters::new();
                params
                    .for_codec(CODEC_ID_VORBIS)
                    .with_extra_data(extra.into_boxed_slice());
                match Decoder::new(&params, |p, o| Ok(Box::new(VorbisDecoder::try_new(p, o)?))) {
                    Ok(d) => self.decoder = Some(d),
                    Err(why) => self.no_decoder = Some(why),
                }
            }
            // The last metadata block ends the headers.
            Codec::Flac
                if self.headers.is_none() && data.first().is_some_and(|b| b & 0x80 != 0) =>
            {
                self.headers = Some(index + 1);
            }
            _ => {}
        }
    }

    /// An audio packet: decode or check it and count its samples.
    fn audio(&mut self, data: &[u8], at: usize) {
        self.audio_packets += 1;
        let samples = match self.codec {
            Codec::Vorbis => match self.decoder.as_mut() {
                Some(d) => match d.decode(data) {
                    Decoded::Frames(n) => {
                        self.decoded_packets += 1;
                        Some(n as u64)
                    }
                    Decoded::Failed(why) | Decoded::Unsupported(why) => {
                        self.bad_packets.add(at as u64, || why);
                        None
                    }
                },
                None => None,
            },
            Codec::Opus { streams } => match opus_packet(data, streams == 1) {
                Ok(n) => Some(n),
                Err(why) => {
                    self.bad_packets.add(at as u64, || why);
                    None
                }
            },
            Codec::Flac => match crate::formats::flac::parse_frame_header(data, 0) {
                Some(h) => Some(u64::from(h.block_size)),
                None => {
                    self.bad_packets.add(at as u64, || {
                        "the packet does not start with a valid FLAC frame header".to_string()
                    });
                    None
                }
            },
            _ => None,
        };
        match samples {
            Some(n) => self.cum = self.cum.saturating_add(n),
            None => self.uncounted(),
        }
    }

    /// A packet lost with a page that fails its CRC or is missing.
    fn lost(&mut self, at: usize) {
        let audio = self.headers_done();
        self.packets += 1;
        if audio {
            self.audio_packets += 1;
            self.uncounted();
            self.lost_packets.add(at as u64, || {
                "the page fails its CRC-32 check or is missing".to_string()
            });
        }
    }

    /// An audio packet whose samples are not known.
    fn uncounted(&mut self) {
        self.counted = false;
        self.all_counted = false;
    }

    /// A page with a granule position that ends at least one audio packet.
    fn granule(&mut self, pos: usize, granule: i64, eos: bool) {
        if let Some(prev) = self.last_granule
            && granule < prev
        {
            self.granule_jumps.add(pos as u64, || {
                format!("the granule position goes back from {prev} to {granule}")
            });
        }
        self.last_granule = Some(granule);
        let cum = i64::try_from(self.cum).unwrap_or(i64::MAX);
        match self.base {
            None => {
                // On a page that also ends the stream, the granule position
                // trims the end, not the start.
                let base = if eos { 0 } else { granule.saturating_sub(cum) };
                self.base0 = Some(base);
                self.base = Some(base);
            }
            Some(base) => {
                if let Some((at, g, n)) = self.pending {
                    // Followed by this page, so not the last: exact.
                    let want = base.saturating_add(i64::try_from(n).unwrap_or(i64::MAX));
                    if g != want {
                        self.granule_jumps.add(at as u64, || {
                            format!(
                                "the granule position is {g}, the audio packets up to it hold {want} from the stream's start"
                            )
                        });
                        self.base = Some(g.saturating_sub(i64::try_from(n).unwrap_or(i64::MAX)));
                    }
                }
                if !self.counted {
                    // Packets of unknown length since the last granule
                    // position: count from here; the samples the granule
                    // positions hold beyond the packets counted are lost.
                    let old = self.base.unwrap_or(0);
                    let new = granule.saturating_sub(cum);
                    self.lost_samples = self
                        .lost_samples
                        .saturating_add(new.saturating_sub(old).max(0));
                    self.base = Some(new);
                }
            }
        }
        self.pending = Some((pos, granule, self.cum));
        self.counted = true;
    }

    /// The samples the last granule position makes playable, once every
    /// page has been read: `(granule count, decoded count)`.
    fn totals(&self) -> Option<(u64, u64)> {
        let (base0, base, (_, last, n)) = (self.base0?, self.base?, self.pending?);
        let start = base0.max(0);
        let end = base.saturating_add(i64::try_from(n).unwrap_or(i64::MAX));
        let by_granule = last.saturating_sub(start).max(0) as u64;
        let decoded = last
            .min(end)
            .saturating_sub(start)
            .saturating_sub(self.lost_samples)
            .max(0) as u64;
        Some((by_granule, decoded))
    }
}

/// The verdict of the page walk.
#[derive(Default)]
struct Walk {
    streams: Vec<Stream>,
    bad_crc: Failures,
    seq_gaps: Failures,
    junk: Failures,
    junk_bytes: u64,
    truncated: Option<usize>,
    pages: u64,
    chained: bool,
    bos_phase_done: bool,
    multiplexed: bool,
}

pub(super) fn verify(bytes: &[u8], probe: &Probe) -> Outcome {
    let mut w = Walk::default();
    let mut pos = 0usize;
    while pos < bytes.len() {
        match read_page(Bytes::full(bytes), pos as u64) {
            Ok(page) => {
                pos += page.len() as usize;
                w.pages += 1;
                feed(&mut w, &page);
            }
            Err(NoPage::NotAPage) => match resync(bytes, pos + 1) {
                Some(next) if !w.streams.is_empty() => {
                    w.junk.add(pos as u64, String::new);
                    w.junk_bytes += (next - pos) as u64;
                    pos = next;
                }
                _ => break,
            },
            Err(NoPage::Truncated { .. }) => {
                w.truncated = Some(pos);
                break;
            }
        }
    }
    finish(w, probe)
}

/// The next page with a good CRC at or after `from`, checksumming a
/// bounded number of bytes (hostile data can hold a capture pattern every
/// few bytes).
fn resync(bytes: &[u8], from: usize) -> Option<usize> {
    let window = bytes.get(from..)?;
    let mut budget = 2 * window.len() + (1 << 20);
    for (i, w) in window.windows(4).enumerate() {
        if w != b"OggS" {
            continue;
        }
        if let Ok(p) = read_page(Bytes::full(bytes), (from + i) as u64) {
            if p.crc_ok {
                return Some(from + i);
            }
            budget = budget.checked_sub(p.len() as usize)?;
        }
    }
    None
}

fn feed(w: &mut Walk, page: &Page<'_>) {
    let bos = page.flags & 2 != 0;
    if !page.crc_ok {
        w.bad_crc.add(page.pos, String::new);
    }
    if !bos {
        w.bos_phase_done = true;
    }
    let known = w.streams.iter().rposition(|s| s.serial == page.serial);
    let idx = match known {
        // A damaged page does not start a stream.
        Some(i) if !page.crc_ok => i,
        None if !page.crc_ok => return,
        Some(i) if !bos || w.streams[i].packets == 0 => i,
        _ => {
            if !bos || w.streams.len() >= MAX_STREAMS {
                // A stream whose start is not in the file, or one too many:
                // its pages are only CRC-checked.
                return;
            }
            if w.bos_phase_done || known.is_some() {
                w.chained = true;
            } else if !w.streams.is_empty() {
                w.multiplexed = true;
            }
            w.streams.push(Stream::new(page.serial));
            w.streams.len() - 1
        }
    };
    let s = &mut w.streams[idx];
    if let Some(next) = s.next_seq
        && page.seq != next
    {
        let serial = s.serial;
        w.seq_gaps.add(page.pos, || {
            format!(
                "stream {serial:08x} expects page {next}, finds page {}",
                page.seq
            )
        });
        s.damaged |= s.in_packet;
    }
    s.next_seq = Some(page.seq.wrapping_add(1));
    if page.flags & 4 != 0 {
        s.eos = true;
    }
    if !page.crc_ok {
        // Its content is not trusted and a player drops it: the packets
        // that end on it are lost, and one that continues after it.
        s.partial.clear();
        for _ in page.lacing.iter().filter(|&&l| l < 255) {
            s.lost(page.pos as usize);
        }
        s.in_packet = page.lacing.last() == Some(&255);
        s.damaged = s.in_packet;
        return;
    }
    if page.flags & 1 != 0 && !s.in_packet {
        // The page continues a packet whose start is not here: lost.
        s.in_packet = true;
        s.damaged = true;
    } else if page.flags & 1 == 0 && s.in_packet {
        // The previous packet never ended: lost.
        s.partial.clear();
        s.lost(page.pos as usize);
        s.in_packet = false;
        s.damaged = false;
    }
    let mut body = page.body;
    let mut ended_audio = false;
    // The packets of a stream that is not audio are counted, not kept.
    let keep = s.codec != Codec::Other || !s.headers_done();
    for &lace in page.lacing {
        let (seg, rest) = body.split_at(usize::from(lace).min(body.len()));
        body = rest;
        if !keep {
            if lace < 255 {
                s.packets += 1;
            }
            continue;
        }
        if s.partial.len() + seg.len() <= MAX_PACKET {
            s.partial.extend_from_slice(seg);
        } else {
            s.oversized = true;
        }
        s.in_packet = true;
        if lace < 255 {
            let data = std::mem::take(&mut s.partial);
            if s.damaged {
                // A packet with a lost part is not decoded; it is counted.
                s.lost(page.pos as usize);
                s.damaged = false;
                s.oversized = false;
            } else if s.oversized {
                s.oversized = false;
                if s.headers_done() {
                    s.packets += 1;
                    s.audio_packets += 1;
                    s.uncounted();
                    s.bad_packets.add(page.pos, || {
                        format!("the packet is longer than {MAX_PACKET} bytes")
                    });
                } else {
                    s.packets += 1;
                }
            } else if s.packet(&data, page.pos as usize) {
                ended_audio = true;
            }
            s.partial = data;
            s.partial.clear();
            s.in_packet = false;
        }
    }
    if ended_audio && page.granule != -1 && s.codec.is_audio() {
        s.granule(page.pos as usize, page.granule, page.flags & 4 != 0);
    }
}

fn finish(w: Walk, probe: &Probe) -> Outcome {
    let mut out = Outcome {
        method: Method::Structure,
        ..Outcome::default()
    };
    // Page damage is a warning, as the probe reports it; what it costs the
    // audio (lost packets, granule jumps) is an error below.
    let f = &mut out.findings;
    if let Some((at, _)) = &w.bad_crc.first {
        let n = w.bad_crc.count;
        f.warn(
            Code::BadPageCrc,
            format!(
                "{n} Ogg page{} of {} fail{} the CRC-32 check, the first at offset {at}",
                if n == 1 { "" } else { "s" },
                w.pages,
                if n == 1 { "s" } else { "" }
            ),
        );
    }
    if let Some((at, why)) = &w.seq_gaps.first {
        f.warn(
            Code::PageSequence,
            format!(
                "{} break{} in the page sequence, the first at offset {at}: {why}",
                w.seq_gaps.count,
                if w.seq_gaps.count == 1 { "" } else { "s" }
            ),
        );
    }
    if w.junk.count > 0 {
        f.warn(
            Code::PageSequence,
            format!(
                "{} bytes in {} places between Ogg pages are not pages, the first at offset {}",
                w.junk_bytes,
                w.junk.count,
                w.junk.first.as_ref().map_or(0, |x| x.0)
            ),
        );
    }
    if let Some(at) = w.truncated {
        f.error(
            Code::TruncatedData,
            format!("the Ogg page at offset {at} runs past the end of the file"),
        );
    }
    let audio: Vec<&Stream> = w.streams.iter().filter(|s| s.codec.is_audio()).collect();
    let Some(first) = audio.first() else {
        out.bad_frames = w.bad_crc.count;
        return out;
    };
    // The streams the probe measures: the first, or every link of a chain.
    let measured: Vec<&Stream> = if w.multiplexed {
        vec![first]
    } else {
        audio.clone()
    };
    let mut clean = w.bad_crc.count == 0 && w.seq_gaps.count == 0 && w.truncated.is_none();
    for s in &audio {
        let f = &mut out.findings;
        s.bad_packets.report(
            f,
            Code::DecodeError,
            "audio packet",
            ("does not decode", "do not decode"),
        );
        s.lost_packets.report(
            f,
            Code::DecodeError,
            "audio packet",
            ("is lost with its page", "are lost with their pages"),
        );
        s.granule_jumps.report(
            f,
            Code::GranuleDiscontinuity,
            "page",
            (
                "has a granule position that does not follow from its packets",
                "have a granule position that does not follow from their packets",
            ),
        );
        out.bad_frames += s.bad_packets.count + s.lost_packets.count;
        out.frames += s.audio_packets;
        clean &= s.bad_packets.count == 0 && s.lost_packets.count == 0;
        clean &= s.granule_jumps.count == 0;
        // The last page may trim the end, never add samples.
        if let (Some(base), Some((at, g, n))) = (s.base, s.pending)
            && g > base.saturating_add(i64::try_from(n).unwrap_or(i64::MAX))
        {
            clean = false;
            f.error(
                Code::SampleCountMismatch,
                format!(
                    "the last granule position is {g} (page at offset {at}), past the end of the audio its packets hold ({})",
                    i128::from(n) + i128::from(base)
                ),
            );
        }
    }
    if out.bad_frames == 0 {
        out.bad_frames = w.bad_crc.count;
    }
    if let Some(why) = measured.iter().find_map(|s| s.no_decoder.as_ref()) {
        out.findings.warn(
            Code::NotDecoded,
            format!("the Vorbis audio is not decoded ({why}): its pages, packets and granule positions were checked"),
        );
    }
    let decoded_all = measured
        .iter()
        .all(|s| s.codec == Codec::Vorbis && s.decoder.is_some());
    if !decoded_all {
        return out;
    }
    out.method = Method::Decoded;
    let mut total = 0u64;
    let mut expected = 0u64;
    let mut counted = true;
    for s in &measured {
        match s.totals() {
            Some((g, d)) => {
                expected = expected.saturating_add(g);
                total = total.saturating_add(d);
            }
            None => counted = false,
        }
        clean &= s.all_counted && s.decoded_packets == s.audio_packets;
    }
    if counted {
        out.decoded_samples = Some(total);
    }
    out.exact = clean && counted && total == expected;
    if out.exact
        && !w.chained
        && !w.multiplexed
        && let Some(header) = probe.total_samples
        && header != total
    {
        out.exact = false;
        out.findings.error(
            Code::SampleCountMismatch,
            format!("the header probe counts {header} samples, decoding gives {total}"),
        );
    }
    out
}

/// Check an Opus packet against the framing rules of RFC 6716 section 3.4
/// and return its samples at 48 kHz. `single`: the packet is one stream
/// (multistream packets use self-delimited framing; only the first TOC
/// byte is read).
fn opus_packet(data: &[u8], single: bool) -> Result<u64, String> {
    let Some(&toc) = data.first() else {
        return Err("the Opus packet is empty".to_string());
    };
    let config = toc >> 3;
    let frame: u64 = match config {
        0..=11 => [480, 960, 1920, 2880][usize::from(config & 3)],
        12..=15 => [480, 960][usize::from(config & 1)],
        _ => [120, 240, 480, 960][usize::from(config & 3)],
    };
    let len = data.len();
    let frame_len = |at: usize| -> Option<(usize, usize)> {
        let b0 = usize::from(*data.get(at)?);
        if b0 < 252 {
            Some((b0, 1))
        } else {
            Some((usize::from(*data.get(at + 1)?) * 4 + b0, 2))
        }
    };
    let too_long = |n: usize| n > 1275;
    match toc & 3 {
        0 => {
            if single && too_long(len - 1) {
                return Err(format!(
                    "a one-frame Opus packet of {} bytes (at most 1275)",
                    len - 1
                ));
            }
            Ok(frame)
        }
        1 => {
            if single && (!(len - 1).is_multiple_of(2) || too_long((len - 1) / 2)) {
                return Err(format!(
                    "a two-frame Opus packet of equal frames has {} bytes of frames",
                    len - 1
                ));
            }
            Ok(2 * frame)
        }
        2 => {
            if single {
                let Some((n1, used)) = frame_len(1) else {
                    return Err("a two-frame Opus packet ends inside its frame length".into());
                };
                let rest = len - 1 - used;
                if n1 > rest || too_long(n1) || too_long(rest - n1) {
                    return Err(format!(
                        "a two-frame Opus packet declares a first frame of {n1} bytes, {rest} bytes follow"
                    ));
                }
            }
            Ok(2 * frame)
        }
        _ => {
            let Some(&fc) = data.get(1) else {
                return Err("an Opus packet of code 3 has no frame count byte".into());
            };
            let m = u64::from(fc & 0x3F);
            if m == 0 || m * frame > OPUS_MAX_SAMPLES {
                return Err(format!(
                    "an Opus packet holds {m} frames of {frame} samples (at most 120 ms)"
                ));
            }
            if !single {
                return Ok(m * frame);
            }
            let vbr = fc & 0x80 != 0;
            let mut at = 2usize;
            let mut padding = 0usize;
            if fc & 0x40 != 0 {
                loop {
                    let Some(&p) = data.get(at) else {
                        return Err("an Opus packet ends inside its padding length".into());
                    };
                    at += 1;
                    padding += if p == 255 { 254 } else { usize::from(p) };
                    if p != 255 {
                        break;
                    }
                }
            }
            let Some(mut avail) = len.checked_sub(at).and_then(|a| a.checked_sub(padding)) else {
                return Err(format!(
                    "an Opus packet of {len} bytes declares {padding} bytes of padding"
                ));
            };
            if vbr {
                for _ in 1..m {
                    let Some((n, used)) = frame_len(at) else {
                        return Err("an Opus packet ends inside its frame lengths".into());
                    };
                    at += used;
                    let need = n + used;
                    if need > avail || too_long(n) {
                        return Err(format!(
                            "an Opus packet's frame lengths add up to more than its {len} bytes"
                        ));
                    }
                    avail -= need;
                }
                if too_long(avail) {
                    return Err(format!("an Opus frame of {avail} bytes (at most 1275)"));
                }
            } else if !(avail as u64).is_multiple_of(m) || too_long(avail / m as usize) {
                return Err(format!(
                    "an Opus packet of {m} equal frames has {avail} bytes of frames"
                ));
            }
            Ok(m * frame)
        }
    }
}

/// Reads bits least significant first, as Vorbis packs them.
struct LsbBits<'a> {
    data: &'a [u8],
    pos: u64,
}

impl LsbBits<'_> {
    fn read(&mut self, n: u32) -> Option<u32> {
        let mut v = 0u32;
        for i in 0..n {
            let byte = *self.data.get((self.pos / 8) as usize)?;
            v |= u32::from((byte >> (self.pos % 8)) & 1) << i;
            self.pos += 1;
        }
        Some(v)
    }

    fn skip(&mut self, n: u64) -> Option<()> {
        let end = self.pos.checked_add(n)?;
        (end <= self.data.len() as u64 * 8).then(|| self.pos = end)
    }
}

/// The decoder's tables for a setup header: most codebook entries, and
/// most vector-quantisation values, in total over all codebooks.
const MAX_ENTRIES: u64 = 4 << 20;
const MAX_VQ_VALUES: u64 = 8 << 20;

/// Check that the codebooks of a Vorbis setup header are of a size the
/// decoder can build: a few bytes of a hostile header can declare
/// codebooks of gigabytes.
fn vorbis_setup_budget(setup: &[u8]) -> Result<(), String> {
    let mut r = LsbBits {
        data: setup.get(7..).unwrap_or(&[]),
        pos: 0,
    };
    let bad = || "the Vorbis setup header's codebooks cannot be read".to_string();
    let count = r.read(8).ok_or_else(bad)? + 1;
    let (mut entries_total, mut vq_total) = (0u64, 0u64);
    for _ in 0..count {
        if r.read(24).ok_or_else(bad)? != 0x56_4342 {
            return Err(bad());
        }
        let dims = u64::from(r.read(16).ok_or_else(bad)?);
        let entries = u64::from(r.read(24).ok_or_else(bad)?);
        entries_total += entries;
        let ordered = r.read(1).ok_or_else(bad)? == 1;
        if ordered {
            r.read(5).ok_or_else(bad)?;
            let mut cur = 0u64;
            while cur < entries {
                let bits = 64 - (entries - cur).leading_zeros();
                cur += u64::from(r.read(bits).ok_or_else(bad)?);
            }
        } else {
            let sparse = r.read(1).ok_or_else(bad)? == 1;
            for _ in 0..entries {
                if !sparse || r.read(1).ok_or_else(bad)? == 1 {
                    r.skip(5).ok_or_else(bad)?;
                }
            }
        }
        let lookup = r.read(4).ok_or_else(bad)?;
        if lookup == 1 || lookup == 2 {
            r.skip(64).ok_or_else(bad)?;
            let value_bits = u64::from(r.read(4).ok_or_else(bad)?) + 1;
            r.skip(1).ok_or_else(bad)?;
            let values = if lookup == 1 {
                lookup1_values(entries, dims)
            } else {
                entries.saturating_mul(dims)
            };
            r.skip(values.saturating_mul(value_bits)).ok_or_else(bad)?;
            vq_total = vq_total.saturating_add(entries.saturating_mul(dims));
        } else if lookup != 0 {
            return Err(bad());
        }
        if entries_total > MAX_ENTRIES || vq_total > MAX_VQ_VALUES {
            return Err(format!(
                "the Vorbis setup header declares codebooks of more than {MAX_ENTRIES} entries or {MAX_VQ_VALUES} values"
            ));
        }
    }
    Ok(())
}

/// The largest `v` with `v ^ dims <= entries`.
fn lookup1_values(entries: u64, dims: u64) -> u64 {
    if dims == 0 {
        return 0;
    }
    let fits = |v: u64| {
        (0..dims)
            .try_fold(1u64, |acc, _| acc.checked_mul(v).filter(|&x| x <= entries))
            .is_some()
    };
    let (mut lo, mut hi) = (0u64, entries.min(1 << 24) + 1);
    while lo + 1 < hi {
        let mid = (lo + hi) / 2;
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opus_framing_rules() {
        // Code 0, 20 ms SILK frame.
        assert_eq!(opus_packet(&[0x08, 1, 2, 3], true), Ok(960));
        // Code 1 with an odd payload is invalid.
        assert!(opus_packet(&[0x09, 1, 2, 3], true).is_err());
        assert_eq!(opus_packet(&[0x09, 1, 2, 3, 4], true), Ok(1920));
        // Code 2: first frame 2 bytes, second 1.
        assert_eq!(opus_packet(&[0x0A, 2, 9, 9, 9], true), Ok(1920));
        assert!(opus_packet(&[0x0A, 9, 1], true).is_err());
        // Code 3 CBR, 3 frames of 2 bytes, 20 ms each.
        assert_eq!(opus_packet(&[0x0B, 3, 1, 1, 2, 2, 3, 3], true), Ok(2880));
        assert!(opus_packet(&[0x0B, 3, 1, 1, 2, 2, 3], true).is_err());
        // Code 3 with 7 frames of 20 ms is longer than 120 ms.
        assert!(opus_packet(&[0x0B, 7, 0, 0, 0, 0, 0, 0, 0], true).is_err());
        // Code 3 VBR with padding: 2 frames, lengths 1 and the rest.
        assert_eq!(
            opus_packet(&[0x0B, 0xC2, 2, 1, 7, 8, 8, 0, 0], true),
            Ok(1920)
        );
        assert!(opus_packet(&[], true).is_err());
        assert!(opus_packet(&[0x0B, 0xC2, 255], true).is_err());
    }

    /// A Vorbis setup header with `books` ordered codebooks of
    /// `entries` x `dims` vector-quantisation values (lookup type 1).
    fn setup(books: u32, entries: u32, dims: u32) -> Vec<u8> {
        let mut bits: Vec<bool> = Vec::new();
        let mut put = |v: u64, n: u32| bits.extend((0..n).map(|i| (v >> i) & 1 == 1));
        put(u64::from(books - 1), 8);
        for _ in 0..books {
            put(0x56_4342, 24);
            put(u64::from(dims), 16);
            put(u64::from(entries), 24);
            put(1, 1); // ordered
            put(0, 5);
            put(u64::from(entries), 32 - entries.leading_zeros());
            put(1, 4); // lookup type 1
            put(0, 64);
            put(0, 4); // 1-bit values
            put(0, 1);
            put(
                0,
                lookup1_values(u64::from(entries), u64::from(dims)) as u32,
            );
        }
        let mut out = b"\x05vorbis".to_vec();
        out.extend(bits.chunks(8).map(|c| {
            c.iter()
                .enumerate()
                .fold(0u8, |b, (i, &bit)| b | (u8::from(bit) << i))
        }));
        out
    }

    #[test]
    fn setup_headers_declaring_huge_codebooks_are_not_decoded() {
        assert_eq!(vorbis_setup_budget(&setup(2, 100_000, 32)), Ok(()));
        assert!(vorbis_setup_budget(&setup(3, 100_000, 32)).is_err());
        assert!(vorbis_setup_budget(&setup(2, 100_000, 32)[..20]).is_err());
    }

    #[test]
    fn lookup1_is_the_integer_root() {
        assert_eq!(lookup1_values(729, 6), 3);
        assert_eq!(lookup1_values(728, 6), 2);
        assert_eq!(lookup1_values(81, 4), 3);
        assert_eq!(lookup1_values(1 << 24, 1), 1 << 24);
        assert_eq!(lookup1_values(5, 0), 0);
    }

    #[test]
    fn hostile_pages_do_not_panic() {
        let mut page = b"OggS\0\x02".to_vec();
        page.extend_from_slice(&[0; 20]);
        page.push(3);
        page.extend_from_slice(&[255, 255, 10]);
        for cut in 0..page.len() {
            let _ = verify(&page[..cut], &Probe::default());
        }
        assert!(resync(&page, 1).is_none());
    }
}
