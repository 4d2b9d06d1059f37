//! The codecs an Ogg stream can carry, each in one place: what its
//! identification header says ([`identify`]), how many header packets
//! follow, and how many samples an audio packet holds (Vorbis block sizes
//! from the setup header's modes, the Opus TOC byte and the framing rules
//! of RFC 6716, FLAC frame headers, Speex frames per packet). The probe
//! and the verifier both use them.

use crate::io::reader::{Endian, Reader};
use crate::record::Code;

const LE: Endian = Endian::Little;
const BE: Endian = Endian::Big;

/// Opus: the most samples (at 48 kHz) one packet may hold, 120 ms.
const OPUS_MAX_SAMPLES: u64 = 5760;

/// What a logical stream carries.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Codec {
    Vorbis {
        /// Short and long block sizes.
        blocksizes: [u32; 2],
        /// Block flag of each mode, from the setup header (empty: unknown).
        modes: Vec<bool>,
    },
    Opus {
        pre_skip: u16,
        /// Elementary streams per packet (mapping family 0: one).
        streams: u8,
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
    pub fn name(&self) -> &'static str {
        match self {
            Codec::Vorbis { .. } => "Vorbis",
            Codec::Opus { .. } => "Opus",
            Codec::Flac { .. } => "FLAC",
            Codec::Speex { .. } => "Speex",
            Codec::Other(name) => name,
        }
    }
    pub fn is_audio(&self) -> bool {
        !matches!(self, Codec::Other(_))
    }
}

/// What a beginning-of-stream packet says.
#[derive(Debug, Clone)]
pub(crate) struct Ident {
    /// The codec and what its header says about packet sizes.
    pub codec: Codec,
    /// Sample rate in Hz (0: unknown).
    pub rate: u32,
    /// Channels (0: unknown).
    pub channels: u32,
    /// The encoder's input rate (Opus).
    pub input_rate: Option<u32>,
    /// Header packets, the identification included; `None`: until a packet
    /// that is not a header (FLAC-in-Ogg with an unknown count).
    pub headers: Option<u64>,
    /// What is wrong with the header.
    pub problems: Vec<(Code, String)>,
}

impl Default for Ident {
    fn default() -> Ident {
        Ident {
            codec: Codec::Other("unknown"),
            rate: 0,
            channels: 0,
            input_rate: None,
            headers: Some(1),
            problems: Vec::new(),
        }
    }
}

impl Ident {
    fn problem(&mut self, code: Code, msg: String) {
        self.problems.push((code, msg));
    }
}

/// Read the identification header, the first packet of a logical stream.
pub(crate) fn identify(data: &[u8]) -> Ident {
    let mut id = Ident::default();
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
                id.channels = ch;
                id.rate = rate;
                let b0 = 1u32 << (bs & 0x0F).min(13);
                let b1 = 1u32 << (bs >> 4).min(13);
                if version != 0 || ch == 0 || rate == 0 || b0 > b1 || b0 < 64 {
                    id.problem(
                        Code::InvalidHeader,
                        format!("the Vorbis identification header is invalid (version {version}, {ch} channels, {rate} Hz, block sizes {b0}/{b1})"),
                    );
                }
                id.codec = Codec::Vorbis {
                    blocksizes: [b0, b1],
                    modes: Vec::new(),
                };
            }
            _ => {
                id.codec = Codec::Vorbis {
                    blocksizes: [0, 0],
                    modes: Vec::new(),
                };
                id.problem(
                    Code::InvalidHeader,
                    format!(
                        "the Vorbis identification header is {} bytes; it must be 30",
                        data.len()
                    ),
                );
            }
        }
        id.headers = Some(3);
    } else if data.starts_with(b"OpusHead") {
        let _ = r.skip(8);
        let version = r.u8();
        let channels = r.u8().map(u32::from);
        let pre_skip = r.u16(LE);
        let input = r.u32(LE);
        id.rate = 48_000;
        // Mapping family 0 is one stream; others declare their count.
        let family = data.get(18).copied().unwrap_or(0);
        let streams = if family == 0 {
            1
        } else {
            data.get(19).copied().unwrap_or(0)
        };
        id.headers = Some(2);
        match (version, channels, pre_skip, input) {
            (Ok(v), Ok(ch), Ok(pre_skip), Ok(input)) => {
                id.channels = ch;
                id.input_rate = (input != 0).then_some(input);
                id.codec = Codec::Opus { pre_skip, streams };
                if v & 0xF0 != 0 || ch == 0 {
                    id.problem(
                        Code::InvalidHeader,
                        format!("the Opus header is invalid (version {v}, {ch} channels)"),
                    );
                }
            }
            _ => {
                id.codec = Codec::Opus {
                    pre_skip: 0,
                    streams,
                };
                id.problem(
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
        id.headers = (count > 0).then_some(1 + u64::from(count));
        match (magic, info) {
            (Ok(m), Some((rate, channels, bits, total))) if &m == b"fLaC" => {
                id.rate = rate;
                id.channels = channels;
                id.codec = Codec::Flac { bits, total };
            }
            _ => {
                id.codec = Codec::Flac { bits: 0, total: 0 };
                id.problem(
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
        id.headers = Some(2 + u64::from(extra.min(16)));
        match (rate, channels, frame_size, fpp) {
            (Ok(rate), Ok(ch), Ok(fs), Ok(fpp)) => {
                id.rate = rate;
                id.channels = ch;
                id.codec = Codec::Speex {
                    frame_size: fs,
                    frames_per_packet: fpp.max(1),
                };
                if rate == 0 || ch == 0 || ch > 2 {
                    id.problem(
                        Code::InvalidHeader,
                        format!("the Speex header is invalid ({rate} Hz, {ch} channels)"),
                    );
                }
            }
            _ => {
                id.codec = Codec::Speex {
                    frame_size: 0,
                    frames_per_packet: 1,
                };
                id.problem(
                    Code::InvalidHeader,
                    format!("the Speex header is {} bytes; it must be 80", data.len()),
                );
            }
        }
    } else {
        id.codec = Codec::Other(other_codec(data));
        id.headers = Some(1);
    }
    id
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

/// FLAC-in-Ogg with an unknown header count: the header packet `index`
/// whose metadata block is flagged last ends the headers.
pub(crate) fn flac_last_header(data: &[u8]) -> bool {
    data.first().is_some_and(|b| b & 0x80 != 0)
}

/// Samples an audio packet decodes to, before any trimming; `prev_block`
/// carries the previous Vorbis block size. `None`: the packet cannot be
/// sized.
pub(crate) fn packet_samples(
    codec: &Codec,
    data: &[u8],
    prev_block: &mut Option<u32>,
) -> Option<u64> {
    match codec {
        Codec::Vorbis { blocksizes, modes } => {
            let &b0 = data.first()?;
            if b0 & 1 != 0 || modes.is_empty() {
                return if b0 & 1 != 0 { Some(0) } else { None };
            }
            let bits = 32 - (modes.len() as u32 - 1).leading_zeros();
            let mode = usize::from(b0 >> 1) & ((1usize << bits) - 1);
            let flag = *modes.get(mode)?;
            let cur = blocksizes[usize::from(flag)];
            let n = prev_block.map_or(0, |prev| u64::from(prev / 4 + cur / 4));
            *prev_block = Some(cur);
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

/// Samples of one Opus frame for the TOC byte's configuration (RFC 6716
/// 3.1).
fn opus_frame_samples(toc: u8) -> u64 {
    let config = toc >> 3;
    match config {
        0..=11 => [480, 960, 1920, 2880][usize::from(config & 3)],
        12..=15 => [480, 960][usize::from(config & 1)],
        _ => [120, 240, 480, 960][usize::from(config & 3)],
    }
}

/// Samples (at 48 kHz) in an Opus packet, from its TOC byte (RFC 6716 3.1).
pub(crate) fn opus_samples(data: &[u8]) -> Option<u64> {
    let Some(&toc) = data.first() else {
        return Some(0);
    };
    let frame = opus_frame_samples(toc);
    let frames = match toc & 3 {
        0 => 1,
        1 | 2 => 2,
        _ => u64::from(*data.get(1)? & 0x3F),
    };
    Some(frame * frames)
}

/// Check an Opus packet against the framing rules of RFC 6716 section 3.4
/// and return its samples at 48 kHz. `single`: the packet is one stream
/// (multistream packets use self-delimited framing; only the first TOC
/// byte is read).
pub(crate) fn opus_packet(data: &[u8], single: bool) -> Result<u64, String> {
    let Some(&toc) = data.first() else {
        return Err("the Opus packet is empty".to_string());
    };
    let frame = opus_frame_samples(toc);
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
pub(crate) fn vorbis_modes(data: &[u8]) -> Option<Vec<bool>> {
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
pub(crate) fn vorbis_setup_budget(setup: &[u8]) -> Result<(), String> {
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
pub(crate) fn lookup1_values(entries: u64, dims: u64) -> u64 {
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
