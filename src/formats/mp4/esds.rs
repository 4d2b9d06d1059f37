//! The MPEG-4 elementary stream descriptor (`esds`) and the
//! AudioSpecificConfig inside it: object type, rate, channels, SBR and PS,
//! signalled explicitly or implicitly.

use super::Entry;
use crate::io::reader::{Endian, Reader};
use crate::record::Code;

const BE: Endian = Endian::Big;

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

/// The object type and the rest of the DecoderConfigDescriptor (after its
/// 13 fixed bytes) of an `esds` box body, or why they cannot be read.
pub(super) fn decoder_config(mut b: Reader<'_>) -> Result<(u8, Reader<'_>), &'static str> {
    b.skip(4).map_err(|_| "too short")?;
    let Some((3, len)) = descriptor(&mut b) else {
        return Err("no ES descriptor");
    };
    let mut es = b.sub_up_to(len);
    const SHORT: &str = "ES descriptor too short";
    es.u16(BE).map_err(|_| SHORT)?;
    let flags = es.u8().map_err(|_| SHORT)?;
    if flags & 0x80 != 0 {
        es.skip(2).map_err(|_| SHORT)?;
    }
    if flags & 0x40 != 0 {
        let n = es.u8().unwrap_or(0);
        es.skip(u64::from(n))
            .map_err(|_| "ES descriptor URL too long")?;
    }
    if flags & 0x20 != 0 {
        es.skip(2).map_err(|_| SHORT)?;
    }
    let mut dc = find_descriptor(&mut es, 4).ok_or("no DecoderConfigDescriptor")?;
    const DC_SHORT: &str = "DecoderConfigDescriptor too short";
    let oti = dc.u8().map_err(|_| DC_SHORT)?;
    dc.skip(12).map_err(|_| DC_SHORT)?;
    Ok((oti, dc))
}

/// Whether an object type is AAC (MPEG-4, or MPEG-2 Main, LC, SSR).
pub(super) fn is_aac(oti: u8) -> bool {
    matches!(oti, 0x40 | 0x66..=0x68)
}

/// The AudioSpecificConfig in the rest of a DecoderConfigDescriptor: its
/// offset in the file and its bytes (at most 64).
pub(super) fn audio_specific_config<'a>(dc: &mut Reader<'a>) -> Option<(u64, &'a [u8])> {
    let mut asc = find_descriptor(dc, 5)?;
    Some((asc.pos(), asc.bytes_up_to(64)))
}

pub(super) fn parse_esds(b: Reader<'_>, e: &mut Entry) {
    let bad = |e: &mut Entry, what: &str| {
        e.notes.push((
            Code::InvalidHeader,
            format!("the esds box is malformed ({what}): AAC details from the sample entry"),
        ));
    };
    let (oti, mut dc) = match decoder_config(b) {
        Ok(found) => found,
        Err(what) => return bad(e, what),
    };
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
    let Some((_, cfg)) = audio_specific_config(&mut dc) else {
        return bad(e, "no AudioSpecificConfig");
    };
    match parse_asc(cfg) {
        Some(a) => apply_asc(&a, e),
        None => bad(e, "AudioSpecificConfig too short"),
    }
}

/// What an AudioSpecificConfig says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Asc {
    pub(crate) aot: u32,
    pub(crate) rate: Option<u32>,
    pub(crate) channel_config: u32,
    /// SBR output rate, when SBR is signalled (explicitly or by sync ext).
    pub(crate) sbr_rate: Option<u32>,
    pub(crate) sbr: bool,
    pub(crate) ps: bool,
    /// Whether SBR was ruled in or out by signalling (so no implicit check).
    pub(crate) sbr_signalled: bool,
    pub(crate) frame_960: bool,
    /// USAC: the output frame length.
    pub(crate) usac_frame: Option<u32>,
    /// The GASpecificConfig sets `dependsOnCoreCoder` but the config ends
    /// before the 14-bit core coder delay it announces: a stray bit (AAC
    /// LC has no core coder), which decoders ignore.
    pub(crate) stray_core_coder: bool,
}

pub(super) struct Bits<'a> {
    pub(super) buf: &'a [u8],
    pub(super) pos: usize,
}

impl Bits<'_> {
    pub(super) fn read(&mut self, n: usize) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            let byte = *self.buf.get(self.pos / 8)?;
            v = (v << 1) | u32::from((byte >> (7 - self.pos % 8)) & 1);
            self.pos += 1;
        }
        Some(v)
    }
    pub(super) fn left(&self) -> usize {
        (self.buf.len() * 8).saturating_sub(self.pos)
    }
}

pub(super) const AAC_RATES: [u32; 13] = [
    96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
];

pub(super) fn aot(b: &mut Bits<'_>) -> Option<u32> {
    let a = b.read(5)?;
    if a == 31 {
        Some(32 + b.read(6)?)
    } else {
        Some(a)
    }
}

pub(super) fn freq(b: &mut Bits<'_>) -> Option<Option<u32>> {
    let i = b.read(4)?;
    if i == 15 {
        let r = b.read(24)?;
        Some((r > 0).then_some(r))
    } else {
        Some(AAC_RATES.get(i as usize).copied())
    }
}

pub(crate) fn parse_asc(buf: &[u8]) -> Option<Asc> {
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
        if b.read(1)? == 1 && b.read(14).is_none() {
            // The core, rate and channels are read; what the stray bit
            // announces is not there, and nothing after it is needed.
            a.stray_core_coder = true;
            if !a.sbr {
                a.aot = core;
            }
            return Some(a);
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

/// The AudioSpecificConfig a decoder is given for one with a stray core
/// coder bit: the same object type, rate and channels without it (AAC
/// without SBR at a tabled rate; `None` otherwise).
pub(crate) fn without_stray_bit(a: &Asc) -> Option<Vec<u8>> {
    if !a.stray_core_coder || a.sbr || a.aot >= 31 {
        return None;
    }
    let index = AAC_RATES.iter().position(|&r| Some(r) == a.rate)? as u16;
    let bits = (a.aot as u16) << 11
        | index << 7
        | (a.channel_config as u16 & 15) << 3
        | u16::from(a.frame_960) << 2;
    Some(bits.to_be_bytes().to_vec())
}

pub(crate) fn channels_of(config: u32) -> Option<u32> {
    match config {
        1..=6 => Some(config),
        7 | 12 | 14 => Some(8),
        11 => Some(7),
        13 => Some(24),
        _ => None,
    }
}

pub(super) fn apply_asc(a: &Asc, e: &mut Entry) {
    if a.stray_core_coder {
        e.notes.push((
            Code::InconsistentHeader,
            "the AudioSpecificConfig sets dependsOnCoreCoder but ends before the core coder delay it announces: a stray bit that decoders ignore, so the configuration is read without it".to_string(),
        ));
    }
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
