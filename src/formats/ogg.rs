//! Ogg streams (Vorbis, Opus, FLAC-in-Ogg, Speex), measured from page
//! headers without decoding.
//!
//! An Ogg file is a sequence of pages, each carrying a CRC-32, a stream
//! serial number, a sequence number and a granule position (for audio codecs:
//! the sample count at the end of the last packet completed on the page).
//! The figures come from two places:
//!
//! * the pages at the start: the beginning-of-stream (BOS) page names each
//!   logical stream's codec (identification header: rate, channels; Opus
//!   pre-skip and input rate; FLAC STREAMINFO; Speex header), the next header
//!   packets carry the Vorbis comment (tags) and, for Vorbis, the setup header
//!   whose mode list gives each audio packet's block size. The first page
//!   with a granule position gives the stream's starting offset: its granule
//!   minus the samples of the packets completed on it (a stream cut from a
//!   longer one starts above zero; a granule below that count is a start trim
//!   and the output still starts at 0);
//! * the last page of the stream, found by scanning back from the end of the
//!   file: its granule position is where the stream ends, end trimming
//!   included.
//!
//! `totalSamples` is the last granule minus the starting offset, minus the
//! pre-skip for Opus (what a gapless decoder outputs; `encoderDelay` is the
//! pre-skip). ffmpeg agrees for Opus and FLAC; for Vorbis it decodes a few
//! hundred samples more or less than the granule positions say, and for
//! Speex it outputs whole frames without trimming: the granule positions are
//! the specification, and what libvorbis and speexdec output. For FLAC the
//! starting offset comes from the first frame header (its frame or sample
//! number), read without the rest of that page, which can be long; a
//! STREAMINFO total that disagrees with the granule positions is a warning. Every page read has its CRC checked (`bad_page_crc`; pages at
//! the start are still used, pages at the end only when their CRC holds) and
//! its sequence number followed (`page_sequence`). The pages in the middle of
//! the file are not read unless the file turns out to be chained.
//!
//! Decisions:
//! * Chained streams (a new BOS after the end of the previous stream,
//!   detected when a page at the end belongs to a stream the start did not
//!   announce, or when a BOS page follows data pages) are walked page by page.
//!   When every link is the same codec with the same rate and channels, the
//!   totals are summed (a gapless player outputs them back to back);
//!   otherwise the first link's figures are reported. Either way
//!   `chained_streams` says how many links and their codecs. A chain whose
//!   links share one serial number (forbidden, but `cat a.ogg a.ogg` makes
//!   one) is only seen when a BOS page lies in the last 64 KiB or among the
//!   pages read at the start.
//! * Multiplexed streams (several BOS pages at the start): the first audio
//!   stream is measured, `multiplexed_streams` names the others, and
//!   `audio_bytes` (hence the bitrate) is left unset, since the pages of the
//!   other streams cannot be told apart without reading them all.
//! * Truncation is reported as `truncated_data` only when provable: a page
//!   header right after the last complete page declares more bytes than the
//!   file holds. The total is then what the complete pages hold. A stream
//!   whose last page lacks the end-of-stream flag (cut at a page boundary, or
//!   never finished) gets a `page_sequence` warning.

use crate::reader::{Bytes, Endian, Reader};
use crate::record::{Code, DurationSource, FileFormat, Probe, SampleFormat};
use crate::tags::Tags;
use crate::tags::vorbis::read_vorbis_comment;

const LE: Endian = Endian::Little;
const BE: Endian = Endian::Big;

/// Page header length before the segment table.
const HEADER: u64 = 27;
/// The tail window first searched for the last page.
const TAIL_FIRST: u64 = 64 << 10;
/// The widest window searched before falling back to the whole file.
const TAIL_WIDE: u64 = 1 << 20;
/// Logical streams tracked at most; further ones are counted, not parsed.
const MAX_STREAMS: usize = 64;
/// A header packet longer than this is not assembled (pictures in comments
/// can be large, but not this large).
const MAX_HEADER_PACKET: usize = 64 << 20;

const fn crc_table() -> [u32; 256] {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = (i as u32) << 24;
        let mut k = 0;
        while k < 8 {
            c = if c & 0x8000_0000 != 0 {
                (c << 1) ^ 0x04C1_1DB7
            } else {
                c << 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
}

static CRC: [u32; 256] = crc_table();

/// Tables for eight bytes at a time: `SLICES[k][b]` is the CRC of byte `b`
/// followed by `k` zero bytes.
const fn slice_tables() -> [[u32; 256]; 8] {
    let mut t = [[0u32; 256]; 8];
    t[0] = crc_table();
    let mut k = 1;
    while k < 8 {
        let mut i = 0;
        while i < 256 {
            let prev = t[k - 1][i];
            t[k][i] = (prev << 8) ^ t[0][(prev >> 24) as usize];
            i += 1;
        }
        k += 1;
    }
    t
}

static SLICES: [[u32; 256]; 8] = slice_tables();

/// Ogg's CRC-32 (polynomial 0x04C11DB7, initial value 0, not reflected, no
/// final XOR), continued from `crc`. Eight bytes per step (slicing-by-8):
/// every page read is checked, so this is the probe's hot loop.
pub fn crc32(crc: u32, data: &[u8]) -> u32 {
    let mut c = crc;
    let mut chunks = data.chunks_exact(8);
    for w in &mut chunks {
        let a = c ^ u32::from_be_bytes([w[0], w[1], w[2], w[3]]);
        let b = u32::from_be_bytes([w[4], w[5], w[6], w[7]]);
        c = SLICES[7][(a >> 24) as usize]
            ^ SLICES[6][((a >> 16) & 0xFF) as usize]
            ^ SLICES[5][((a >> 8) & 0xFF) as usize]
            ^ SLICES[4][(a & 0xFF) as usize]
            ^ SLICES[3][(b >> 24) as usize]
            ^ SLICES[2][((b >> 16) & 0xFF) as usize]
            ^ SLICES[1][((b >> 8) & 0xFF) as usize]
            ^ SLICES[0][(b & 0xFF) as usize];
    }
    chunks
        .remainder()
        .iter()
        .fold(c, |c, &b| (c << 8) ^ CRC[usize::from((c >> 24) as u8 ^ b)])
}

/// One page, read through [`Bytes`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Page<'a> {
    /// Offset of the capture pattern.
    pub pos: u64,
    /// Header type flags: continued, beginning, end of stream.
    pub flags: u8,
    /// Granule position (-1: no packet ends on the page).
    pub granule: i64,
    /// Logical stream serial number.
    pub serial: u32,
    /// Page sequence number.
    pub seq: u32,
    /// The segment table.
    pub lacing: &'a [u8],
    /// The page's packet data.
    pub body: &'a [u8],
    /// Whether the page's CRC-32 matches.
    pub crc_ok: bool,
}

impl Page<'_> {
    /// Bytes from the capture pattern to the end of the body.
    pub fn len(&self) -> u64 {
        HEADER + self.lacing.len() as u64 + self.body.len() as u64
    }
    fn continued(&self) -> bool {
        self.flags & 1 != 0
    }
    fn bos(&self) -> bool {
        self.flags & 2 != 0
    }
    fn eos(&self) -> bool {
        self.flags & 4 != 0
    }
}

/// Why no page could be read at an offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NoPage {
    /// The bytes there are not a page header (or the file ends before one).
    NotAPage,
    /// A page header whose page runs past the end of the file.
    Truncated { need: u64, have: u64 },
}

/// The page at `pos`, its CRC checked.
pub(crate) fn read_page(bytes: Bytes<'_>, pos: u64) -> Result<Page<'_>, NoPage> {
    let mut r = Reader::at(bytes, pos);
    let head: [u8; 27] = r.array().map_err(|_| NoPage::NotAPage)?;
    if &head[..4] != b"OggS" || head[4] != 0 {
        return Err(NoPage::NotAPage);
    }
    let mut h = Reader::new(&head[5..]);
    let flags = h.u8().map_err(|_| NoPage::NotAPage)?;
    let granule = h.u64(LE).map_err(|_| NoPage::NotAPage)? as i64;
    let serial = h.u32(LE).map_err(|_| NoPage::NotAPage)?;
    let seq = h.u32(LE).map_err(|_| NoPage::NotAPage)?;
    let crc = h.u32(LE).map_err(|_| NoPage::NotAPage)?;
    let nseg = h.u8().map_err(|_| NoPage::NotAPage)?;
    let have = r.remaining();
    let lacing = r.bytes(u64::from(nseg)).map_err(|_| NoPage::Truncated {
        need: HEADER + u64::from(nseg),
        have: HEADER + have,
    })?;
    let body_len: u64 = lacing.iter().map(|&l| u64::from(l)).sum();
    let body = r.bytes(body_len).map_err(|_| NoPage::Truncated {
        need: HEADER + u64::from(nseg) + body_len,
        have: HEADER + have,
    })?;
    let mut zeroed = head;
    zeroed[22..26].fill(0);
    let computed = crc32(crc32(crc32(0, &zeroed), lacing), body);
    Ok(Page {
        pos,
        flags,
        granule,
        serial,
        seq,
        lacing,
        body,
        crc_ok: computed == crc,
    })
}

/// What a logical stream carries.
#[derive(Debug, Clone, PartialEq)]
enum Codec {
    Vorbis {
        /// Short and long block sizes.
        blocksizes: [u32; 2],
        /// Block flag of each mode, from the setup header (empty: unknown).
        modes: Vec<bool>,
    },
    Opus {
        pre_skip: u16,
    },
    Flac {
        bits: u32,
        total: u64,
    },
    Speex {
        frame_size: u32,
        frames_per_packet: u32,
    },
    /// Not an audio codec this parser measures (Theora, Skeleton...).
    Other(&'static str),
}

impl Codec {
    fn name(&self) -> &'static str {
        match self {
            Codec::Vorbis { .. } => "Vorbis",
            Codec::Opus { .. } => "Opus",
            Codec::Flac { .. } => "FLAC",
            Codec::Speex { .. } => "Speex",
            Codec::Other(name) => name,
        }
    }
    fn is_audio(&self) -> bool {
        !matches!(self, Codec::Other(_))
    }
}

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
    partial: Vec<u8>,
    in_packet: bool,
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
            partial: Vec::new(),
            in_packet: false,
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
        let mut r = Reader::new(data);
        if data.starts_with(b"\x01vorbis") {
            let _ = r.skip(7);
            let version = r.u32(LE).unwrap_or(u32::MAX);
            let channels = r.u8().map(u32::from);
            let rate = r.u32(LE);
            let _ = r.skip(12);
            let bs = r.u8();
            match (channels, rate, bs) {
                (Ok(ch), Ok(rate), Ok(bs)) => {
                    self.channels = ch;
                    self.rate = rate;
                    let b0 = 1u32 << (bs & 0x0F).min(13);
                    let b1 = 1u32 << (bs >> 4).min(13);
                    if version != 0 || ch == 0 || rate == 0 || b0 > b1 || b0 < 64 {
                        self.problem(
                            Code::InvalidHeader,
                            format!("the Vorbis identification header is invalid (version {version}, {ch} channels, {rate} Hz, block sizes {b0}/{b1})"),
                        );
                    }
                    self.codec = Codec::Vorbis {
                        blocksizes: [b0, b1],
                        modes: Vec::new(),
                    };
                }
                _ => {
                    self.codec = Codec::Vorbis {
                        blocksizes: [0, 0],
                        modes: Vec::new(),
                    };
                    self.problem(
                        Code::InvalidHeader,
                        format!(
                            "the Vorbis identification header is {} bytes; it must be 30",
                            data.len()
                        ),
                    );
                }
            }
            self.headers = Some(3);
        } else if data.starts_with(b"OpusHead") {
            let _ = r.skip(8);
            let version = r.u8();
            let channels = r.u8().map(u32::from);
            let pre_skip = r.u16(LE);
            let input = r.u32(LE);
            self.rate = 48_000;
            self.headers = Some(2);
            match (version, channels, pre_skip, input) {
                (Ok(v), Ok(ch), Ok(pre_skip), Ok(input)) => {
                    self.channels = ch;
                    self.input_rate = (input != 0).then_some(input);
                    self.codec = Codec::Opus { pre_skip };
                    if v & 0xF0 != 0 || ch == 0 {
                        self.problem(
                            Code::InvalidHeader,
                            format!("the Opus header is invalid (version {v}, {ch} channels)"),
                        );
                    }
                }
                _ => {
                    self.codec = Codec::Opus { pre_skip: 0 };
                    self.problem(
                        Code::InvalidHeader,
                        format!(
                            "the Opus header is {} bytes; it must be at least 19",
                            data.len()
                        ),
                    );
                }
            }
        } else if data.starts_with(b"\x7FFLAC") {
            let _ = r.skip(5);
            let _major = r.u8();
            let _minor = r.u8();
            let count = r.u16(BE).unwrap_or(0);
            let magic = r.fourcc();
            let _block_header = r.u32(BE);
            let info = parse_streaminfo(&mut r);
            self.headers = (count > 0).then_some(1 + u64::from(count));
            match (magic, info) {
                (Ok(m), Some((rate, channels, bits, total))) if &m == b"fLaC" => {
                    self.rate = rate;
                    self.channels = channels;
                    self.codec = Codec::Flac { bits, total };
                }
                _ => {
                    self.codec = Codec::Flac { bits: 0, total: 0 };
                    self.problem(
                        Code::InvalidHeader,
                        "the FLAC-in-Ogg header has no valid STREAMINFO".to_string(),
                    );
                }
            }
        } else if data.starts_with(b"Speex   ") {
            let _ = r.skip(8 + 20 + 4 + 4);
            let rate = r.u32(LE);
            let _mode = r.u32(LE);
            let _mode_version = r.u32(LE);
            let channels = r.u32(LE);
            let _bitrate = r.u32(LE);
            let frame_size = r.u32(LE);
            let _vbr = r.u32(LE);
            let fpp = r.u32(LE);
            let extra = r.u32(LE).unwrap_or(0);
            self.headers = Some(2 + u64::from(extra.min(16)));
            match (rate, channels, frame_size, fpp) {
                (Ok(rate), Ok(ch), Ok(fs), Ok(fpp)) => {
                    self.rate = rate;
                    self.channels = ch;
                    self.codec = Codec::Speex {
                        frame_size: fs,
                        frames_per_packet: fpp.max(1),
                    };
                    if rate == 0 || ch == 0 || ch > 2 {
                        self.problem(
                            Code::InvalidHeader,
                            format!("the Speex header is invalid ({rate} Hz, {ch} channels)"),
                        );
                    }
                }
                _ => {
                    self.codec = Codec::Speex {
                        frame_size: 0,
                        frames_per_packet: 1,
                    };
                    self.problem(
                        Code::InvalidHeader,
                        format!("the Speex header is {} bytes; it must be 80", data.len()),
                    );
                }
            }
        } else {
            self.codec = Codec::Other(other_codec(data));
            self.headers = Some(1);
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
                let modes = vorbis_modes(data);
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
                if self.headers.is_none() && first & 0x80 != 0 {
                    self.headers = Some(index + 1);
                }
            }
            _ => {}
        }
    }

    /// Samples an audio packet decodes to, before any trimming.
    fn duration(&mut self, data: &[u8]) -> Option<u64> {
        match &self.codec {
            Codec::Vorbis { blocksizes, modes } => {
                let &b0 = data.first()?;
                if b0 & 1 != 0 || modes.is_empty() {
                    return if b0 & 1 != 0 { Some(0) } else { None };
                }
                let bits = 32 - (modes.len() as u32 - 1).leading_zeros();
                let mode = usize::from(b0 >> 1) & ((1usize << bits) - 1);
                let flag = *modes.get(mode)?;
                let cur = blocksizes[usize::from(flag)];
                let n = self
                    .prev_block
                    .map_or(0, |prev| u64::from(prev / 4 + cur / 4));
                self.prev_block = Some(cur);
                Some(n)
            }
            Codec::Opus { .. } => opus_samples(data),
            Codec::Flac { .. } => {
                crate::formats::flac::parse_frame_header(data, 0).map(|h| u64::from(h.block_size))
            }
            Codec::Speex {
                frame_size,
                frames_per_packet,
            } => Some(u64::from(*frame_size) * u64::from(*frames_per_packet)),
            Codec::Other(_) => None,
        }
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
            Codec::Opus { pre_skip } => u64::from(pre_skip),
            _ => 0,
        };
        Some((
            last.saturating_sub(start).saturating_sub(pre_skip),
            start,
            pre_skip,
        ))
    }
}

fn other_codec(data: &[u8]) -> &'static str {
    const KNOWN: [(&[u8], &str); 8] = [
        (b"\x80theora", "Theora"),
        (b"fishead\0", "Skeleton"),
        (b"\x80kate", "Kate"),
        (b"PCM     ", "PCM"),
        (b"CELT    ", "CELT"),
        (b"BBCD\0", "Dirac"),
        (b"\x01video\0\0\0", "OGM video"),
        (b"Annodex\0", "Annodex"),
    ];
    KNOWN
        .iter()
        .find(|(m, _)| data.starts_with(m))
        .map_or("unknown codec", |(_, n)| n)
}

/// STREAMINFO body: (rate, channels, bits, total).
fn parse_streaminfo(r: &mut Reader<'_>) -> Option<(u32, u32, u32, u64)> {
    r.skip(10).ok()?;
    let packed = r.u64(BE).ok()?;
    r.skip(16).ok()?;
    Some((
        (packed >> 44) as u32,
        ((packed >> 41) & 7) as u32 + 1,
        ((packed >> 36) & 0x1F) as u32 + 1,
        packed & 0xF_FFFF_FFFF,
    ))
}

/// Samples (at 48 kHz) in an Opus packet, from its TOC byte (RFC 6716 3.1).
fn opus_samples(data: &[u8]) -> Option<u64> {
    let Some(&toc) = data.first() else {
        return Some(0);
    };
    let config = toc >> 3;
    let frame: u64 = match config {
        0..=11 => [480, 960, 1920, 2880][usize::from(config & 3)],
        12..=15 => [480, 960][usize::from(config & 1)],
        _ => [120, 240, 480, 960][usize::from(config & 3)],
    };
    let frames = match toc & 3 {
        0 => 1,
        1 | 2 => 2,
        _ => u64::from(*data.get(1)? & 0x3F),
    };
    Some(frame * frames)
}

/// Reads bits backwards from the end of a packet: the last byte's most
/// significant bit first, so Vorbis's LSB-first fields come out whole.
struct RevBits<'a> {
    data: &'a [u8],
    pos: usize,
}

impl RevBits<'_> {
    fn left(&self) -> usize {
        (self.data.len() * 8).saturating_sub(self.pos)
    }
    fn bit(&mut self) -> Option<u32> {
        let byte = self.data.len().checked_sub(1 + self.pos / 8)?;
        let b = *self.data.get(byte)?;
        let v = (b >> (7 - self.pos % 8)) & 1;
        self.pos += 1;
        Some(u32::from(v))
    }
    fn bits(&mut self, n: u32) -> Option<u32> {
        (0..n).try_fold(0u32, |acc, _| Some((acc << 1) | self.bit()?))
    }
}

/// The block flag of each mode of a Vorbis setup header, read backwards
/// from its end (the modes are its last fields; everything before them has
/// variable length). The mode count is the largest that agrees with the
/// 6-bit count field before the modes, as ffmpeg and liboggz do.
fn vorbis_modes(data: &[u8]) -> Option<Vec<bool>> {
    let mut r = RevBits { data, pos: 0 };
    // Skip the padding above the framing bit.
    loop {
        if r.left() <= 97 {
            return None;
        }
        if r.bit()? == 1 {
            break;
        }
    }
    let framing = r.pos;
    let mut count = 0u32;
    let mut best = 0u32;
    while r.left() >= 97 {
        let mapping = r.bits(8)?;
        let transform = r.bits(16)?;
        let window = r.bits(16)?;
        if mapping > 63 || transform != 0 || window != 0 {
            break;
        }
        r.bit()?;
        count += 1;
        if count > 64 {
            break;
        }
        let save = r.pos;
        if r.bits(6)? + 1 == count {
            best = count;
        }
        r.pos = save;
    }
    if best == 0 {
        return None;
    }
    r.pos = framing;
    let mut modes = vec![false; best as usize];
    for slot in modes.iter_mut().rev() {
        r.bits(40)?;
        *slot = r.bit()? == 1;
    }
    Some(modes)
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
                        && let Some(next) = self.resync(self.pos + 1)
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
        s.partial = Vec::new();
    }

    fn resync(&self, from: u64) -> Option<u64> {
        let len = self.bytes.len();
        let window = self.bytes.get(from, len.saturating_sub(from))?;
        // Hostile data can hold a capture pattern every few bytes, each
        // claiming a long page: bound the bytes checksummed.
        let mut budget = crc_budget(window.len());
        for (i, w) in window.windows(4).enumerate() {
            if w != b"OggS" {
                continue;
            }
            if budget == 0 {
                return None;
            }
            let at = from + i as u64;
            if let Ok(p) = read_page(self.bytes, at) {
                budget = budget.saturating_sub(p.len());
                if p.crc_ok {
                    return Some(at);
                }
            }
        }
        None
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
        let mut off = 0usize;
        let mut skipping = page.continued() && !s.in_packet;
        if !page.continued() && s.in_packet {
            // The rest of the previous packet is missing.
            s.partial.clear();
            s.in_packet = false;
        }
        for &lace in page.lacing {
            let n = usize::from(lace);
            let seg = page.body.get(off..off + n).unwrap_or_default();
            off += n;
            if skipping {
                if lace < 255 {
                    skipping = false;
                }
                continue;
            }
            if s.collect && s.partial.len() + seg.len() <= MAX_HEADER_PACKET {
                s.partial.extend_from_slice(seg);
            }
            s.in_packet = true;
            if lace < 255 {
                let was_audio = s.headers_done;
                let data = std::mem::take(&mut s.partial);
                s.packet(&data);
                s.in_packet = false;
                if was_audio || (s.headers_done && s.packets > s.headers.unwrap_or(0)) {
                    completed_audio = true;
                }
            }
        }
        if !headers_before {
            s.header_bytes += page.len();
        }
        if s.headers_done && page.granule != -1 && page.crc_ok {
            if s.first.is_none() && completed_audio {
                s.first = Some((page.granule, s.samples, page.eos()));
                s.collect = false;
                s.partial = Vec::new();
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

/// How many bytes a search over `window` bytes may checksum: real pages do
/// not overlap, so twice the window (plus a page or so) covers any genuine
/// file, however many false capture patterns its packets hold.
fn crc_budget(window: usize) -> u64 {
    2 * window as u64 + (1 << 20)
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

    // The end of the file, unless the walk already got there.
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

    // Apply the tail's last page to the primary stream.
    let mut stream_end = walk.end;
    if let Some(t) = &tail {
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

    if walk.chained {
        chained(&mut p, &walk, &audio);
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

/// Chained links: sum when they agree, else keep the first.
fn chained(p: &mut Probe, walk: &Walk<'_>, audio: &[usize]) {
    let links: Vec<&Stream> = audio.iter().filter_map(|&i| walk.streams.get(i)).collect();
    let names: Vec<String> = walk.streams.iter().map(Stream::describe).collect();
    let Some(first) = links.first() else { return };
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
        }
        _ => {
            p.findings.warn(
                Code::ChainedStreams,
                format!(
                    "the file chains {count} logical streams ({}); they differ, so only the first is measured",
                    names.join(", ")
                ),
            );
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

#[cfg(test)]
mod tests {
    #[test]
    fn sliced_crc_equals_the_bytewise_crc() {
        let bytewise = |crc: u32, data: &[u8]| {
            data.iter().fold(crc, |c, &b| {
                (c << 8) ^ CRC[usize::from((c >> 24) as u8 ^ b)]
            })
        };
        let data: Vec<u8> = (0..1000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for len in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 999, 1000] {
            for start in [0u32, 1, 0xDEAD_BEEF] {
                assert_eq!(
                    crc32(start, &data[..len]),
                    bytewise(start, &data[..len]),
                    "len {len}"
                );
            }
        }
        // Split anywhere, the CRC continues.
        assert_eq!(crc32(crc32(0, &data[..333]), &data[333..]), crc32(0, &data));
    }

    use super::*;
    use std::cell::Cell;

    /// One page holding `packets`; when `open` is set, the last one continues
    /// on the next page.
    fn page(
        flags: u8,
        granule: i64,
        serial: u32,
        seq: u32,
        packets: &[&[u8]],
        open: bool,
    ) -> Vec<u8> {
        let mut lacing = Vec::new();
        let mut body = Vec::new();
        for (i, p) in packets.iter().enumerate() {
            let mut n = p.len();
            while n >= 255 {
                lacing.push(255u8);
                n -= 255;
            }
            if !(open && i + 1 == packets.len()) {
                lacing.push(n as u8);
            }
            body.extend_from_slice(p);
        }
        let mut v = b"OggS\0".to_vec();
        v.push(flags);
        v.extend_from_slice(&granule.to_le_bytes());
        v.extend_from_slice(&serial.to_le_bytes());
        v.extend_from_slice(&seq.to_le_bytes());
        v.extend_from_slice(&[0; 4]);
        v.push(lacing.len() as u8);
        v.extend_from_slice(&lacing);
        v.extend_from_slice(&body);
        let crc = crc32(0, &v);
        v[22..26].copy_from_slice(&crc.to_le_bytes());
        v
    }

    /// Vorbis-style LSB-first bit writer.
    struct Bits {
        out: Vec<u8>,
        n: usize,
    }
    impl Bits {
        fn put(&mut self, value: u32, bits: usize) {
            for i in 0..bits {
                if self.n.is_multiple_of(8) {
                    self.out.push(0);
                }
                if (value >> i) & 1 == 1 {
                    *self.out.last_mut().unwrap() |= 1 << (self.n % 8);
                }
                self.n += 1;
            }
        }
    }

    fn vorbis_ident(rate: u32, channels: u8) -> Vec<u8> {
        let mut v = b"\x01vorbis".to_vec();
        v.extend_from_slice(&0u32.to_le_bytes());
        v.push(channels);
        v.extend_from_slice(&rate.to_le_bytes());
        v.extend_from_slice(&[0; 12]);
        v.push(0xB8); // block sizes 256 and 2048
        v.push(1);
        v
    }

    fn comment(prefix: &[u8], entries: &[&str]) -> Vec<u8> {
        let mut v = prefix.to_vec();
        v.extend_from_slice(&4u32.to_le_bytes());
        v.extend_from_slice(b"test");
        v.extend_from_slice(&(entries.len() as u32).to_le_bytes());
        for e in entries {
            v.extend_from_slice(&(e.len() as u32).to_le_bytes());
            v.extend_from_slice(e.as_bytes());
        }
        v
    }

    /// A setup header whose mode list is `modes` (block flags); what comes
    /// before the modes is filler, as the parser only reads the modes.
    fn vorbis_setup(modes: &[bool]) -> Vec<u8> {
        let mut b = Bits {
            out: b"\x05vorbis".to_vec(),
            n: 0,
        };
        b.out.extend_from_slice(&[0xFF; 16]);
        b.n = b.out.len() * 8;
        b.put(modes.len() as u32 - 1, 6);
        for (i, &m) in modes.iter().enumerate() {
            b.put(u32::from(m), 1);
            b.put(0, 16);
            b.put(0, 16);
            b.put(i as u32, 8);
        }
        b.put(1, 1);
        b.out
    }

    /// An audio packet in mode `mode` (of two).
    fn vorbis_audio(mode: u8, len: usize) -> Vec<u8> {
        let mut v = vec![0x55; len.max(1)];
        v[0] = mode << 1;
        v
    }

    const S: u32 = 0x1234_5678;

    /// A Vorbis file: headers, then audio pages with the given granules,
    /// each holding the given modes (first page) or two long packets.
    pub(super) fn vorbis_file(first: (&[u8], i64), rest: &[i64], serial: u32) -> Vec<u8> {
        let mut f = page(2, 0, serial, 0, &[&vorbis_ident(44_100, 2)], false);
        let c = comment(b"\x03vorbis", &["TITLE=Tune", "ISRC=XX0000000001"]);
        f.extend(page(
            0,
            0,
            serial,
            1,
            &[&c, &vorbis_setup(&[false, true])],
            false,
        ));
        let packets: Vec<Vec<u8>> = first.0.iter().map(|&m| vorbis_audio(m, 40)).collect();
        let refs: Vec<&[u8]> = packets.iter().map(|p| p.as_slice()).collect();
        let eos = if rest.is_empty() { 4 } else { 0 };
        f.extend(page(eos, first.1, serial, 2, &refs, false));
        for (i, &g) in rest.iter().enumerate() {
            let flags = if i + 1 == rest.len() { 4 } else { 0 };
            let a = vorbis_audio(1, 300);
            f.extend(page(flags, g, serial, 3 + i as u32, &[&a, &a], false));
        }
        f
    }

    fn codes(p: &Probe) -> (Vec<&str>, Vec<&str>) {
        (
            p.findings.errors.iter().map(|i| i.code.as_str()).collect(),
            p.findings
                .warnings
                .iter()
                .map(|i| i.code.as_str())
                .collect(),
        )
    }

    #[test]
    fn crc_check_value() {
        assert_eq!(crc32(0, b"123456789"), 0x89A1_897F);
    }

    #[test]
    fn opus_packet_sizes() {
        assert_eq!(opus_samples(&[31 << 3]), Some(960));
        assert_eq!(opus_samples(&[(16 << 3) | 1]), Some(240));
        assert_eq!(opus_samples(&[(3 << 3) | 3, 3]), Some(3 * 2880));
        assert_eq!(opus_samples(&[(3 << 3) | 3]), None);
        assert_eq!(opus_samples(&[]), Some(0));
    }

    #[test]
    fn vorbis_modes_from_the_end() {
        assert_eq!(
            vorbis_modes(&vorbis_setup(&[false, true])),
            Some(vec![false, true])
        );
        assert_eq!(
            vorbis_modes(&vorbis_setup(&[true, false, true])),
            Some(vec![true, false, true])
        );
        assert_eq!(vorbis_modes(b"\x05vorbis\xff\xff"), None);
        assert_eq!(vorbis_modes(&[0u8; 64]), None);
    }

    #[test]
    fn vorbis_total_is_the_last_granule() {
        // Long blocks: 0 + 1024 + 1024 samples on the first audio page.
        let f = vorbis_file((&[1, 1, 1], 2048), &[3000, 4321], S);
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p), (vec![], vec![]));
        assert_eq!(p.file_format, Some(FileFormat::Ogg));
        assert_eq!(p.audio_codec.as_deref(), Some("Vorbis"));
        assert_eq!(p.sample_rate, Some(44_100));
        assert_eq!(p.channels, Some(2));
        assert_eq!(p.bit_depth, None);
        assert_eq!(p.sample_format, None);
        assert_eq!(p.total_samples, Some(4321));
        assert_eq!(p.duration_source, Some(DurationSource::Header));
        assert_eq!(p.tags.title.as_deref(), Some("Tune"));
        assert_eq!(p.tags.isrc.as_deref(), Some("XX0000000001"));
        assert_eq!(p.tags.sources, vec!["Vorbis comment".to_string()]);
        // Audio bytes: the three audio pages.
        let header = page(2, 0, S, 0, &[&vorbis_ident(44_100, 2)], false).len();
        assert!(p.audio_bytes.unwrap() < (f.len() - header) as u64);
    }

    #[test]
    fn vorbis_mixed_blocks_and_start_offset() {
        // short, long, short: 0 + (64 + 512) + (512 + 64) = 1152.
        let f = vorbis_file((&[0, 1, 0], 1152), &[5000], S);
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p), (vec![], vec![]));
        assert_eq!(p.total_samples, Some(5000));
        // The same packets ending at 1652: the stream starts at 500.
        let f = vorbis_file((&[0, 1, 0], 1652), &[5500], S);
        let p = probe(Bytes::full(&f));
        assert_eq!(p.total_samples, Some(5000));
        assert_eq!(codes(&p), (vec![], vec!["inconsistent_header"]));
        assert!(p.findings.warnings[0].message.contains("500"));
        // Ending at 1000: a start trim; the output still starts at 0.
        let f = vorbis_file((&[0, 1, 0], 1000), &[5000], S);
        let p = probe(Bytes::full(&f));
        assert_eq!(p.total_samples, Some(5000));
        assert_eq!(codes(&p), (vec![], vec![]));
    }

    #[test]
    fn single_audio_page_with_end_trim() {
        let f = vorbis_file((&[1, 1, 1], 1500), &[], S);
        let p = probe(Bytes::full(&f));
        assert_eq!(p.total_samples, Some(1500));
        assert_eq!(codes(&p), (vec![], vec![]));
    }

    fn opus_file(pre_skip: u16, granules: &[i64]) -> Vec<u8> {
        let mut head = b"OpusHead".to_vec();
        head.push(1);
        head.push(2);
        head.extend_from_slice(&pre_skip.to_le_bytes());
        head.extend_from_slice(&44_100u32.to_le_bytes());
        head.extend_from_slice(&[0, 0, 0]);
        let mut f = page(2, 0, 7, 0, &[&head], false);
        // A comment long enough to span two pages.
        let long = format!("ARTIST={}", "a".repeat(600));
        let tags = comment(b"OpusTags", &["title=Opus song", &long]);
        let (a, b) = tags.split_at(255);
        f.extend(page(0, -1, 7, 1, &[a], true));
        f.extend(page(1, 0, 7, 2, &[b], false));
        let pkt = [31u8 << 3, 0, 0, 0];
        for (i, &g) in granules.iter().enumerate() {
            let flags = if i + 1 == granules.len() { 4 } else { 0 };
            f.extend(page(flags, g, 7, 3 + i as u32, &[&pkt, &pkt, &pkt], false));
        }
        f
    }

    #[test]
    fn opus_removes_pre_skip() {
        let f = opus_file(312, &[2880, 5760, 7000]);
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p), (vec![], vec![]));
        assert_eq!(p.audio_codec.as_deref(), Some("Opus"));
        assert_eq!(p.sample_rate, Some(48_000));
        assert_eq!(p.input_sample_rate, Some(44_100));
        assert_eq!(p.encoder_delay, Some(312));
        assert_eq!(p.total_samples, Some(7000 - 312));
        assert_eq!(p.tags.title.as_deref(), Some("Opus song"));
        assert_eq!(p.tags.artist.as_deref().map(str::len), Some(600));
    }

    #[test]
    fn flac_in_ogg() {
        let mut head = b"\x7FFLAC\x01\x00\x00\x01fLaC".to_vec();
        head.extend_from_slice(&[0x00, 0, 0, 34]);
        head.extend_from_slice(&[0x10, 0, 0x10, 0, 0, 0, 0, 0, 0, 0]);
        let packed: u64 = (44_100u64 << 44) | (1 << 41) | (15 << 36) | 10_000;
        head.extend_from_slice(&packed.to_be_bytes());
        head.extend_from_slice(&[0; 16]);
        let mut vc = vec![0x84, 0, 0, 0];
        vc.extend(comment(b"", &["ALBUM=Record"]));
        let mut f = page(2, 0, 9, 0, &[&head], false);
        f.extend(page(0, 0, 9, 1, &[&vc], false));
        let mut frame = vec![0xFF, 0xF8, 0xC9, 0x18, 0x00];
        frame.push(crate::formats::flac::crc8(&frame));
        frame.extend_from_slice(&[0; 20]);
        f.extend(page(0, 4096, 9, 2, &[&frame], false));
        f.extend(page(4, 10_000, 9, 3, &[&frame], false));
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p), (vec![], vec![]));
        assert_eq!(p.audio_codec.as_deref(), Some("FLAC"));
        assert_eq!(p.bit_depth, Some(16));
        assert_eq!(p.sample_format, Some(SampleFormat::Int));
        assert_eq!(p.channels, Some(2));
        assert_eq!(p.total_samples, Some(10_000));
        assert_eq!(p.tags.album.as_deref(), Some("Record"));
    }

    #[test]
    fn speex() {
        let mut head = b"Speex   ".to_vec();
        head.extend_from_slice(&[b'1'; 20]);
        for v in [1u32, 80, 16_000, 1, 4, 1, 0, 320, 0, 2, 0, 0, 0] {
            head.extend_from_slice(&v.to_le_bytes());
        }
        let mut f = page(2, 0, 3, 0, &[&head], false);
        f.extend(page(0, 0, 3, 1, &[&comment(b"", &["GENRE=Speech"])], false));
        let pkt = [0u8; 30];
        f.extend(page(0, 1280 - 143, 3, 2, &[&pkt, &pkt], false));
        f.extend(page(4, 2000, 3, 3, &[&pkt, &pkt], false));
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p), (vec![], vec![]));
        assert_eq!(p.audio_codec.as_deref(), Some("Speex"));
        assert_eq!(p.sample_rate, Some(16_000));
        assert_eq!(p.total_samples, Some(2000));
        assert_eq!(p.tags.genre.as_deref(), Some("Speech"));
    }

    #[test]
    fn bad_crc_and_sequence_gap_are_warnings() {
        let mut f = vorbis_file((&[1, 1, 1], 2048), &[3000, 4000], S);
        // Corrupt a byte of the comment page's body.
        let at = 58 + 40;
        f[at] ^= 0x20;
        let p = probe(Bytes::full(&f));
        let (_, w) = codes(&p);
        assert!(w.contains(&"bad_page_crc"), "{w:?}");
        assert!(p.findings.warnings[0].message.contains("offset 58"));
        assert_eq!(p.total_samples, Some(4000));

        let mut f = page(2, 0, S, 0, &[&vorbis_ident(44_100, 2)], false);
        f.extend(page(
            0,
            0,
            S,
            1,
            &[&comment(b"\x03vorbis", &[]), &vorbis_setup(&[false, true])],
            false,
        ));
        let a = vorbis_audio(1, 10);
        f.extend(page(0, 2048, S, 5, &[&a, &a, &a], false));
        f.extend(page(4, 3000, S, 6, &[&a], false));
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p), (vec![], vec!["page_sequence"]));
        assert!(
            p.findings.warnings[0]
                .message
                .contains("sequence number 5, 2")
        );
    }

    #[test]
    fn missing_eos_is_noted() {
        let mut f = vorbis_file((&[1, 1, 1], 2048), &[3000], S);
        // Clear the EOS flag of the last page and fix its CRC.
        let last = f.len()
            - page(
                4,
                3000,
                S,
                3,
                &[&vorbis_audio(1, 300), &vorbis_audio(1, 300)],
                false,
            )
            .len();
        f[last + 5] = 0;
        f[last + 22..last + 26].fill(0);
        let crc = crc32(0, &f[last..]);
        f[last + 22..last + 26].copy_from_slice(&crc.to_le_bytes());
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p), (vec![], vec!["page_sequence"]));
        assert_eq!(p.total_samples, Some(3000));
    }

    #[test]
    fn chained_streams_are_summed_when_alike() {
        let mut f = vorbis_file((&[1, 1, 1], 2048), &[3000], 1);
        f.extend(vorbis_file((&[1, 1, 1], 2048), &[5000], 2));
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p), (vec![], vec!["chained_streams"]));
        assert_eq!(p.total_samples, Some(8000));
        assert!(p.findings.warnings[0].message.contains("3000 + 5000"));
        // The same serial twice (concatenated copies).
        let mut f = vorbis_file((&[1, 1, 1], 2048), &[3000], 1);
        f.extend(vorbis_file((&[1, 1, 1], 2048), &[3000], 1));
        let p = probe(Bytes::full(&f));
        assert_eq!(p.total_samples, Some(6000));
        // Different codecs: the first only.
        let mut f = vorbis_file((&[1, 1, 1], 2048), &[3000], 1);
        f.extend(opus_file(312, &[2880, 9000]));
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p), (vec![], vec!["chained_streams"]));
        assert_eq!(p.total_samples, Some(3000));
        assert!(p.findings.warnings[0].message.contains("Opus"));
    }

    #[test]
    fn multiplexed_streams_report_the_first_audio_stream() {
        let mut f = page(
            2,
            0,
            1,
            0,
            &[b"\x80theora0000000000000000000000000000000000"],
            false,
        );
        f.extend(page(2, 0, S, 0, &[&vorbis_ident(48_000, 1)], false));
        f.extend(page(0, 0, 1, 1, &[b"\x81theora"], false));
        f.extend(page(
            0,
            0,
            S,
            1,
            &[&comment(b"\x03vorbis", &[]), &vorbis_setup(&[false, true])],
            false,
        ));
        let a = vorbis_audio(1, 10);
        f.extend(page(0, 2048, S, 2, &[&a, &a, &a], false));
        f.extend(page(0, 99, 1, 2, &[b"frame"], false));
        f.extend(page(4, 4000, S, 3, &[&a], false));
        f.extend(page(4, 100, 1, 3, &[b"frame"], false));
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p), (vec![], vec!["multiplexed_streams"]));
        assert_eq!(p.total_samples, Some(4000));
        assert_eq!(p.sample_rate, Some(48_000));
        assert_eq!(p.audio_bytes, None);
        assert!(p.findings.warnings[0].message.contains("Theora"));
    }

    #[test]
    fn truncation_is_proved_by_the_last_page() {
        let f = vorbis_file((&[1, 1, 1], 2048), &[3000, 4000, 5000], S);
        let cut = &f[..f.len() - 100];
        let p = probe(Bytes::full(cut));
        assert_eq!(codes(&p), (vec!["truncated_data"], vec![]));
        assert_eq!(p.total_samples, Some(4000));
        let m = &p.findings.errors[0].message;
        assert!(m.contains("declares 631 bytes, the file holds 531"), "{m}");
        // Junk after the last page is trailing data.
        let mut g = f.clone();
        g.extend_from_slice(&[0; 10]);
        let p = probe(Bytes::full(&g));
        assert_eq!(codes(&p), (vec![], vec!["trailing_data"]));
        assert_eq!(p.total_samples, Some(5000));
    }

    #[test]
    fn not_a_stream() {
        let p = probe(Bytes::full(b"OggS\x01garbage"));
        assert_eq!(codes(&p).0, vec!["invalid_header"]);
        let f = page(0, 5, 1, 0, &[b"data"], false);
        let p = probe(Bytes::full(&f));
        assert!(p.findings.errors[0].message.contains("beginning-of-stream"));
        let f = page(6, 0, 1, 0, &[b"\x80theora"], false);
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p).0, vec!["unsupported_format"]);
        // Headers only, then EOS: an empty stream.
        let mut f = page(2, 0, S, 0, &[&vorbis_ident(8_000, 2)], false);
        f.extend(page(
            4,
            0,
            S,
            1,
            &[&comment(b"\x03vorbis", &[]), &vorbis_setup(&[false, true])],
            false,
        ));
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p), (vec![], vec![]));
        assert_eq!(p.total_samples, Some(0));
    }

    #[test]
    fn hostile_headers() {
        // Identification headers that are too short.
        for head in [
            &b"\x01vorbis\0\0"[..],
            b"OpusHead\x01",
            b"Speex   ",
            b"\x7FFLAC",
        ] {
            let mut f = page(2, 0, 1, 0, &[head], false);
            f.extend(page(4, 100, 1, 1, &[b"x"], false));
            let p = probe(Bytes::full(&f));
            assert!(p.findings.has_error(Code::InvalidHeader), "{head:?}");
        }
        // A comment whose count and lengths lie.
        let mut c = b"\x03vorbis".to_vec();
        c.extend_from_slice(&u32::MAX.to_le_bytes());
        let mut f = page(2, 0, 1, 0, &[&vorbis_ident(44_100, 1)], false);
        f.extend(page(0, 0, 1, 1, &[&c, &vorbis_setup(&[true])], false));
        f.extend(page(4, 1000, 1, 2, &[&vorbis_audio(0, 5)], false));
        let p = probe(Bytes::full(&f));
        assert!(
            p.findings.errors[0]
                .message
                .contains("vendor string claims")
        );
        assert_eq!(p.total_samples, Some(1000));
    }

    #[test]
    fn every_truncation_is_handled() {
        let files = [
            vorbis_file((&[1, 1, 1], 2048), &[3000, 4000], S),
            opus_file(312, &[2880, 5000]),
        ];
        for f in &files {
            for cut in 0..f.len() {
                let p = probe(Bytes::full(&f[..cut]));
                assert!(p.total_samples.is_none_or(|n| n <= 4000), "cut {cut}");
            }
        }
    }

    #[test]
    fn windowed_views_read_only_head_and_tail() {
        let a = vorbis_audio(1, 250);
        let mut f = {
            let mut g = page(2, 0, S, 0, &[&vorbis_ident(44_100, 2)], false);
            g.extend(page(
                0,
                0,
                S,
                1,
                &[&comment(b"\x03vorbis", &[]), &vorbis_setup(&[false, true])],
                false,
            ));
            g
        };
        let mut granule = 0;
        for i in 0..400u32 {
            granule += if i == 0 { 2048 } else { 3072 };
            let flags = if i == 399 { 4 } else { 0 };
            f.extend(page(flags, granule, S, 2 + i, &[&a, &a, &a], false));
        }
        let whole = probe(Bytes::full(&f));
        assert_eq!(codes(&whole), (vec![], vec![]));
        let head = &f[..16 << 10];
        let tail = &f[f.len() - (32 << 10)..];
        let gap = Cell::new(false);
        let p = probe(Bytes::windows(head, tail, f.len() as u64, &gap));
        assert!(!gap.get(), "the probe read between the windows");
        assert_eq!(p, whole);
        assert_eq!(p.total_samples, Some(granule as u64));
    }
}

#[cfg(test)]
mod hostile {
    use super::*;
    use std::time::Instant;

    #[test]
    fn capture_patterns_everywhere_stay_cheap() {
        // A valid start, then 4 MiB of page headers each claiming 255 full
        // segments: every one is a page whose CRC must be computed.
        let mut unit = b"OggS\0\x00".to_vec();
        unit.extend_from_slice(&[0; 20]);
        unit.push(255);
        let mut f = super::tests::vorbis_file((&[1, 1, 1], 2048), &[], 5);
        while f.len() < 4 << 20 {
            f.extend_from_slice(&unit);
            f.extend(std::iter::repeat_n(255u8, 255));
        }
        let t = Instant::now();
        let p = probe(Bytes::full(&f));
        assert!(!p.findings.warnings.is_empty());
        assert!(t.elapsed().as_secs() < 5, "{:?}", t.elapsed());
    }

    #[test]
    fn mutations_do_not_panic() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let base = {
            let mut v = Vec::new();
            for (flags, g, seq, body) in [
                (
                    2u8,
                    0i64,
                    0u32,
                    b"\x01vorbis\0\0\0\0\x02\x44\xac\0\0\0\0\0\0\0\0\0\0\0\0\0\xb8\x01".to_vec(),
                ),
                (
                    0,
                    0,
                    1,
                    b"\x03vorbis\x01\0\0\0v\x01\0\0\0\x07\0\0\0TITLE=x".to_vec(),
                ),
                (0, 2048, 2, vec![2u8; 40]),
                (4, 4000, 3, vec![2u8; 40]),
            ] {
                let mut p = b"OggS\0".to_vec();
                p.push(flags);
                p.extend_from_slice(&g.to_le_bytes());
                p.extend_from_slice(&5u32.to_le_bytes());
                p.extend_from_slice(&seq.to_le_bytes());
                p.extend_from_slice(&[0; 4]);
                p.push(1);
                p.push(body.len() as u8);
                p.extend_from_slice(&body);
                let crc = crc32(0, &p);
                p[22..26].copy_from_slice(&crc.to_le_bytes());
                v.extend(p);
            }
            v
        };
        for _ in 0..3000 {
            let mut f = base.clone();
            for _ in 0..1 + next() % 4 {
                let i = (next() % f.len() as u64) as usize;
                f[i] = next() as u8;
            }
            let cut = (next() % (f.len() as u64 + 1)) as usize;
            let _ = probe(Bytes::full(&f[..cut]));
        }
    }
}
