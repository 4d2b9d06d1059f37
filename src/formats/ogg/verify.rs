//! Verification of an Ogg file: every page read and checked (CRC-32,
//! sequence numbers, granule positions), Vorbis packets decoded, Opus
//! packets checked against the framing rules of RFC 6716 section 3, FLAC
//! packets checked for a frame header. The granule position of every page
//! that ends an audio packet must be the stream's start plus the samples of
//! the packets so far (the last page may trim the end); the decoded count
//! is compared with the last one. The streams measured are those the probe
//! measured ([`OggLayout`]).

use super::codecs::{self, Codec};
use super::page::{NoPage, Packets, Page, Piece, read_page, resync};
use super::{Measured, OggLayout};
use crate::formats::decode::{Decoded, Decoder, Failures, QcScratch};
use crate::formats::{Outcome, Probe};
use crate::io::reader::Bytes;
use crate::qc::Analysis;
use crate::record::{Code, Method};
use symphonia::core::codecs::audio::AudioCodecParameters;
use symphonia::core::codecs::audio::well_known::CODEC_ID_VORBIS;
use symphonia::default::codecs::VorbisDecoder;

/// Logical streams followed at most (more are only CRC-checked).
const MAX_STREAMS: usize = 64;
/// The longest packet assembled; longer ones are counted as bad.
const MAX_PACKET: usize = 16 << 20;
/// One logical stream (one link of a chain).
struct Stream {
    serial: u32,
    codec: Codec,
    /// Header packets (identification included); `None`: until a packet
    /// that is not a header (FLAC-in-Ogg with an unknown count).
    headers: Option<u64>,
    packets: u64,
    /// The packet being assembled.
    asm: Packets,
    next_seq: Option<u32>,
    eos: bool,
    vorbis_ident: Option<Vec<u8>>,
    decoder: Option<Decoder>,
    /// Buffers for handing decoded Vorbis audio to a QC analysis.
    qc_scratch: QcScratch,
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
    pending: Option<(u64, i64, u64)>,
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
            codec: Codec::Other("unknown"),
            headers: Some(1),
            packets: 0,
            asm: Packets::default(),
            next_seq: None,
            eos: false,
            vorbis_ident: None,
            decoder: None,
            qc_scratch: QcScratch::default(),
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
    fn packet(&mut self, data: &[u8], at: u64, qc: Option<&mut Analysis>) -> bool {
        let index = self.packets;
        if index == 0 {
            self.packets = 1;
            self.identify(data);
            return false;
        }
        if !self.headers_done() {
            if matches!(self.codec, Codec::Flac { .. }) && data.first() == Some(&0xFF) {
                // The header count was unknown: audio already.
                self.headers = Some(index);
            } else {
                self.packets += 1;
                self.header(index, data);
                return false;
            }
        }
        self.packets += 1;
        self.audio(data, at, qc);
        true
    }

    fn identify(&mut self, data: &[u8]) {
        let id = codecs::identify(data);
        if let Codec::Vorbis { .. } = id.codec {
            self.vorbis_ident = Some(data.to_vec());
        }
        self.codec = id.codec;
        self.headers = id.headers;
    }

    fn header(&mut self, index: u64, data: &[u8]) {
        match self.codec {
            Codec::Vorbis { .. } if index == 2 => {
                let Some(ident) = self.vorbis_ident.take() else {
                    return;
                };
                if !data.starts_with(b"\x05vorbis") {
                    // The probe reports the header.
                    self.no_decoder = Some("the setup header is missing".into());
                    return;
                }
                if let Err(why) = codecs::vorbis_setup_budget(data) {
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
            Codec::Flac { .. } if self.headers.is_none() && codecs::flac_last_header(data) => {
                self.headers = Some(index + 1);
            }
            _ => {}
        }
    }

    /// An audio packet: decode or check it and count its samples.
    fn audio(&mut self, data: &[u8], at: u64, mut qc: Option<&mut Analysis>) {
        self.audio_packets += 1;
        if !matches!(self.codec, Codec::Vorbis { .. })
            && let Some(qc) = qc.take()
        {
            qc.stop(match self.codec {
                Codec::Opus { .. } => {
                    "Opus packets are checked, not decoded (ddexprobe has no Opus decoder): \
                     the audio is not analysed"
                }
                _ => "this Ogg codec is checked for structure only: the audio is not analysed",
            });
        }
        let samples = match self.codec {
            // An empty packet is allowed by Ogg and holds no audio (ffmpeg
            // ends Ogg FLAC with one; Vorbis I decodes one to nothing).
            Codec::Flac { .. } | Codec::Vorbis { .. } | Codec::Speex { .. } if data.is_empty() => {
                Some(0)
            }
            Codec::Speex {
                frame_size,
                frames_per_packet,
            } => Some(u64::from(frame_size) * u64::from(frames_per_packet.max(1))),
            Codec::Vorbis { .. } => match self.decoder.as_mut() {
                Some(d) => match d.decode(data) {
                    Decoded::Frames(n) => {
                        self.decoded_packets += 1;
                        if let Some(qc) = qc {
                            d.analyse(qc, None, (0, n), &mut self.qc_scratch);
                        }
                        Some(n as u64)
                    }
                    Decoded::Failed(why) | Decoded::Unsupported(why) => {
                        self.bad_packets.add(at, || why);
                        None
                    }
                },
                None => None,
            },
            Codec::Opus { streams, .. } => match codecs::opus_packet(data, streams == 1) {
                Ok(n) => Some(n),
                Err(why) => {
                    self.bad_packets.add(at, || why);
                    None
                }
            },
            Codec::Flac { .. } => match crate::formats::flac::parse_frame_header(data, 0) {
                Some(h) => Some(u64::from(h.block_size)),
                None => {
                    self.bad_packets.add(at, || {
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
    fn lost(&mut self, at: u64) {
        let audio = self.headers_done();
        self.packets += 1;
        if audio {
            self.audio_packets += 1;
            self.uncounted();
            self.lost_packets.add(at, || {
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
    fn granule(&mut self, pos: u64, granule: i64, eos: bool) {
        if let Some(prev) = self.last_granule
            && granule < prev
        {
            self.granule_jumps.add(pos, || {
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
                        self.granule_jumps.add(at, || {
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
    truncated: Option<u64>,
    pages: u64,
    chained: bool,
    bos_phase_done: bool,
    multiplexed: bool,
}

/// Read every page of `bytes`, which the probe laid out as `layout`.
#[cfg(test)]
pub(crate) fn verify(bytes: &[u8], layout: &OggLayout, probe: &Probe) -> Outcome {
    verify_with(bytes, layout, probe, &mut |_| {}, None)
}

/// Read every page of `bytes`, which the probe laid out as `layout`,
/// telling `reached` where each page starts (the digests follow).
pub(crate) fn verify_with(
    bytes: &[u8],
    layout: &OggLayout,
    probe: &Probe,
    reached: &mut dyn FnMut(u64),
    mut qc: Option<&mut Analysis>,
) -> Outcome {
    let all = Bytes::full(bytes);
    let mut w = Walk::default();
    let mut pos = 0u64;
    let len = all.len();
    while pos < len {
        reached(pos);
        match read_page(all, pos) {
            Ok(page) => {
                pos += page.len();
                w.pages += 1;
                feed(&mut w, &page, qc.as_deref_mut());
            }
            Err(NoPage::NotAPage) => match resync(all, pos + 1) {
                Some(next) if !w.streams.is_empty() => {
                    w.junk.add(pos, String::new);
                    w.junk_bytes += next - pos;
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
    if w.multiplexed
        && let Some(qc) = qc
    {
        qc.stop("the file plays several Ogg streams at once: they are not analysed as one signal");
    }
    finish(w, layout, probe)
}

fn feed(w: &mut Walk, page: &Page<'_>, mut qc: Option<&mut Analysis>) {
    if !page.crc_ok {
        w.bad_crc.add(page.pos, String::new);
    }
    if !page.bos() {
        w.bos_phase_done = true;
    }
    let known = w.streams.iter().rposition(|s| s.serial == page.serial);
    let idx = match known {
        // A damaged page does not start a stream.
        Some(i) if !page.crc_ok => i,
        None if !page.crc_ok => return,
        Some(i) if !page.bos() || w.streams[i].packets == 0 => i,
        _ => {
            if !page.bos() || w.streams.len() >= MAX_STREAMS {
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
    let multiplexed = w.multiplexed;
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
        s.asm.gap();
    }
    s.next_seq = Some(page.seq.wrapping_add(1));
    if page.eos() {
        s.eos = true;
    }
    if !page.crc_ok {
        // Its content is not trusted and a player drops it: the packets
        // that end on it are lost, and one that continues after it.
        for _ in 0..s.asm.drop_page(page) {
            s.lost(page.pos);
        }
        return;
    }
    let mut asm = std::mem::take(&mut s.asm);
    if let Some(Piece::Lost) = asm.begin(page) {
        // The previous packet never ended.
        s.lost(page.pos);
    }
    let mut ended_audio = false;
    for (lace, seg) in page.segments() {
        // The packets of a stream that is not audio are counted, not kept.
        let keep = s.codec.is_audio() || !s.headers_done();
        match asm.segment(lace, seg, keep, MAX_PACKET) {
            None => {}
            Some(Piece::Lost) => s.lost(page.pos),
            Some(Piece::Packet(_, _)) if !keep => s.packets += 1,
            Some(Piece::Packet(data, true)) => {
                s.packets += 1;
                if s.headers_done() {
                    s.audio_packets += 1;
                    s.uncounted();
                    s.bad_packets.add(page.pos, || {
                        format!("the packet is longer than {MAX_PACKET} bytes")
                    });
                }
                asm.recycle(data);
            }
            Some(Piece::Packet(data, false)) => {
                // Streams played at the same time are not one signal.
                let qc = qc.as_deref_mut().filter(|_| !multiplexed);
                ended_audio |= s.packet(&data, page.pos, qc);
                asm.recycle(data);
            }
        }
    }
    s.asm = asm;
    if ended_audio && page.granule != -1 && s.codec.is_audio() {
        s.granule(page.pos, page.granule, page.eos());
    }
}

fn finish(w: Walk, layout: &OggLayout, probe: &Probe) -> Outcome {
    let mut out = crate::formats::decode::structure();
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
    // The streams the probe measured: the first, or every link of a chain
    // whose links agree.
    let measured: Vec<&Stream> = match layout.measured {
        Measured::EveryLink => audio.clone(),
        Measured::First => vec![first],
    };
    // Links the probe did not see (a chain whose later links share the
    // first one's serial number and lie before the last 64 KiB).
    let unseen = !w.multiplexed && audio.len() > layout.audio_streams.max(1);
    if unseen {
        out.findings.warn(
            Code::ChainedStreams,
            format!(
                "reading every page finds {} chained audio streams where the header probe found {}: the figures are those of the first",
                audio.len(),
                layout.audio_streams
            ),
        );
    }
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
        // The last page may trim the end, never add samples (known only
        // when every packet's length is).
        if s.all_counted
            && let (Some(base), Some((at, g, n))) = (s.base, s.pending)
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
        .all(|s| matches!(s.codec, Codec::Vorbis { .. }) && s.decoder.is_some());
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
    out.exact = clean && counted && total == expected && !unseen;
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
