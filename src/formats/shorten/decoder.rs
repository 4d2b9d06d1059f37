//! The Shorten bitstream: its header, and every command after it, decoded
//! or only walked.
//!
//! Shorten (Tony Robinson, 1994) codes blocks of each channel in turn with a
//! fixed polynomial predictor (`DIFF0`..`DIFF3`) or a quantised LPC one
//! (`QLPC`), residuals Rice-coded; `ZERO` blocks are silence, `BLOCKSIZE`
//! changes the block length (the encoder shortens the last block this way),
//! `BITSHIFT` drops zero low bits, `VERBATIM` carries bytes (the original
//! WAV or AIFF header first), and `QUIT` ends the stream. Versions 1-3 are
//! read, as ffmpeg's decoder reads them; version 0 (unsigned-variable
//! header fields of fixed width) too.
//!
//! Walking and decoding are one loop: the Rice codes must be read to find
//! the next command either way, so counting the samples costs almost what
//! decoding them does, and [`run`] skips only the prediction arithmetic
//! when it is not asked for. Every size read from the stream is bounded
//! before anything is allocated from it.

/// Commands.
const FN_DIFF0: u32 = 0;
const FN_DIFF3: u32 = 3;
const FN_QUIT: u32 = 4;
const FN_BLOCKSIZE: u32 = 5;
const FN_BITSHIFT: u32 = 6;
const FN_QLPC: u32 = 7;
const FN_ZERO: u32 = 8;
const FN_VERBATIM: u32 = 9;

/// Field widths of the format.
const FNSIZE: u32 = 2;
const TYPESIZE: u32 = 4;
const CHANSIZE: u32 = 0;
const LPCQSIZE: u32 = 2;
const NSKIPSIZE: u32 = 1;
const ENERGYSIZE: u32 = 3;
const BITSHIFTSIZE: u32 = 2;
const LPCQUANT: u32 = 5;
const VERBATIM_CKSIZE_SIZE: u32 = 5;
const VERBATIM_BYTE_SIZE: u32 = 8;
const ULONGSIZE: u32 = 2;
const NWRAP: usize = 3;
const DEFAULT_BLOCK_SIZE_LOG2: u32 = 8;

/// Limits (those of the reference decoder and ffmpeg's).
pub(crate) const MAX_CHANNELS: u32 = 8;
const MAX_BLOCKSIZE: u32 = 65_535;
const MAX_NMEAN: u32 = 32_768;
const MAX_NLPC: u32 = 1_024;
/// The embedded header is kept up to this size; longer verbatim runs are
/// skipped, not stored.
const MAX_HEADER: u32 = 16_384;
/// Verbatim bytes skipped in one command at most (beyond: corrupt).
const MAX_VERBATIM: u32 = 1 << 24;

/// Fixed predictors of `DIFF0`..`DIFF3`.
const FIXED: [&[i64]; 4] = [&[], &[1], &[2, -1], &[3, -3, 1]];

/// Why the walk stopped before `QUIT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The bytes ended inside a command.
    Truncated,
    /// A command or a value the format does not allow.
    Corrupt(String),
}

/// The stream's header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) version: u8,
    /// Shorten's sample type (1 s8, 2 u8, 3-6 16-bit, 7 mu-law, 10 A-law...).
    pub(crate) ftype: u32,
    pub(crate) channels: u32,
    pub(crate) blocksize: u32,
    pub(crate) maxnlpc: u32,
    pub(crate) nmean: u32,
    /// The first verbatim bytes: the original file's header.
    pub(crate) verbatim: Vec<u8>,
}

/// What a walk found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    /// Sample frames per channel in complete blocks of every channel.
    pub(crate) samples: u64,
    /// Audio commands read (one per channel per block).
    pub(crate) blocks: u64,
    /// Whether `QUIT` was reached; else why not.
    pub(crate) stop: Option<Stop>,
    /// The byte just past `QUIT` (its last bit), relative to the stream.
    pub(crate) end: u64,
    /// Bit offset where a stop happened.
    pub(crate) stop_bit: u64,
}

/// An MSB-first bit reader.
struct Bits<'a> {
    buf: &'a [u8],
    pos: u64,
}

impl Bits<'_> {
    fn bits_left(&self) -> u64 {
        (self.buf.len() as u64 * 8).saturating_sub(self.pos)
    }

    fn read(&mut self, n: u32) -> Result<u32, Stop> {
        if n == 0 {
            return Ok(0);
        }
        if u64::from(n) > self.bits_left() {
            return Err(Stop::Truncated);
        }
        let mut v: u64 = 0;
        let mut need = n;
        while need > 0 {
            let byte = self.buf[(self.pos / 8) as usize];
            let used = (self.pos % 8) as u32;
            let take = (8 - used).min(need);
            let bits = (u64::from(byte) >> (8 - used - take)) & ((1u64 << take) - 1);
            v = (v << take) | bits;
            need -= take;
            self.pos += u64::from(take);
        }
        Ok(v as u32)
    }

    /// The number of 0 bits before the next 1 bit, which is consumed.
    fn unary(&mut self) -> Result<u32, Stop> {
        let mut q: u32 = 0;
        loop {
            let i = (self.pos / 8) as usize;
            let Some(&byte) = self.buf.get(i) else {
                return Err(Stop::Truncated);
            };
            let used = (self.pos % 8) as u32;
            let rest = (u32::from(byte) << used) as u8;
            if rest != 0 {
                let z = rest.leading_zeros();
                q += z;
                self.pos += u64::from(z) + 1;
                return Ok(q);
            }
            q += 8 - used;
            self.pos += u64::from(8 - used);
            if q > 1 << 24 {
                return Err(Stop::Corrupt(format!("a run of {q} zero bits")));
            }
        }
    }

    /// Rice code with `k` low bits: `q` zeros, a one, `k` bits.
    fn urice(&mut self, k: u32) -> Result<u32, Stop> {
        let q = self.unary()?;
        if k >= 32 || (k > 0 && q >= 1 << (32 - k)) || (k == 0 && q == u32::MAX) {
            return Err(Stop::Corrupt(format!(
                "a Rice code of {q} x 2^{k} does not fit in 32 bits"
            )));
        }
        let low = self.read(k)?;
        Ok((q << k) | low)
    }

    /// Signed Rice code: the sign in the lowest bit.
    fn srice(&mut self, k: u32) -> Result<i32, Stop> {
        let u = self.urice(k + 1)?;
        Ok(if u & 1 == 1 {
            !((u >> 1) as i32)
        } else {
            (u >> 1) as i32
        })
    }

    /// An unsigned header field: version 0 has fixed widths, later
    /// versions say the width first.
    fn uint(&mut self, version: u8, k: u32) -> Result<u32, Stop> {
        let k = if version == 0 {
            k
        } else {
            let k = self.urice(ULONGSIZE)?;
            if k > 31 {
                return Err(Stop::Corrupt(format!("a field width of {k} bits")));
            }
            k
        };
        self.urice(k)
    }
}

/// Read the header at the start of `stream` (just after `ajkg`, at the
/// version byte).
fn header(stream: &[u8], bits: &mut Bits<'_>) -> Result<Header, Stop> {
    let version = *stream.first().ok_or(Stop::Truncated)?;
    if version > 3 {
        return Err(Stop::Corrupt(format!(
            "version {version} (1 to 3 are known)"
        )));
    }
    bits.pos = 8;
    let mut h = Header {
        version,
        ftype: bits.uint(version, TYPESIZE)?,
        channels: bits.uint(version, CHANSIZE)?,
        blocksize: 256,
        ..Header::default()
    };
    if h.channels == 0 || h.channels > MAX_CHANNELS {
        return Err(Stop::Corrupt(format!(
            "{} channels (1 to {MAX_CHANNELS})",
            h.channels
        )));
    }
    if version > 0 {
        h.blocksize = bits.uint(version, DEFAULT_BLOCK_SIZE_LOG2)?;
        if h.blocksize == 0 || h.blocksize > MAX_BLOCKSIZE {
            return Err(Stop::Corrupt(format!("a block size of {}", h.blocksize)));
        }
        h.maxnlpc = bits.uint(version, LPCQSIZE)?;
        if h.maxnlpc > MAX_NLPC {
            return Err(Stop::Corrupt(format!("an LPC order of {}", h.maxnlpc)));
        }
        h.nmean = bits.uint(version, 0)?;
        if h.nmean > MAX_NMEAN {
            return Err(Stop::Corrupt(format!("{} means", h.nmean)));
        }
        let skip = bits.uint(version, NSKIPSIZE)?;
        if u64::from(skip) * 8 > bits.bits_left() {
            return Err(Stop::Truncated);
        }
        bits.pos += u64::from(skip) * 8;
    }
    // The original file's header, as the first verbatim section.
    if bits.urice(FNSIZE)? != FN_VERBATIM {
        return Err(Stop::Corrupt(
            "the stream does not start with a verbatim section (the original file's header)".into(),
        ));
    }
    let n = bits.urice(VERBATIM_CKSIZE_SIZE)?;
    if n > MAX_HEADER {
        return Err(Stop::Corrupt(format!("a header of {n} bytes")));
    }
    for _ in 0..n {
        h.verbatim.push(bits.urice(VERBATIM_BYTE_SIZE)? as u8);
    }
    Ok(h)
}

/// Per-channel state of a decode.
struct Channel {
    /// `nwrap` samples of history, then the block.
    samples: Vec<i32>,
    /// The last `nmean` block means.
    means: Vec<i32>,
}

/// Walk the stream after `ajkg` (`stream` starts at the version byte):
/// the header, then every command up to `QUIT` or a stop. With `decode`,
/// `out` receives each block of every channel: `(planes, frames)`, the
/// samples shifted back by the bit shift, one plane per channel.
pub(crate) fn run(
    stream: &[u8],
    decode: bool,
    mut out: impl FnMut(&[&[i32]], usize),
) -> Result<(Header, Summary), Stop> {
    let mut bits = Bits {
        buf: stream,
        pos: 0,
    };
    let h = header(stream, &mut bits)?;
    let mut sum = Summary::default();
    let nwrap = NWRAP.max(h.maxnlpc as usize);
    let mut blocksize = h.blocksize as usize;
    let nmean = h.nmean as usize;
    let mut channels: Vec<Channel> = (0..h.channels)
        .map(|_| Channel {
            samples: vec![0; nwrap + blocksize],
            means: vec![0; nmean.max(1)],
        })
        .collect();
    let mut bitshift: u32 = 0;
    let mut cur = 0usize;
    let lpcqoffset: i64 = if h.version > 1 { 1 << LPCQUANT } else { 0 };
    let mut coeffs: Vec<i64> = Vec::new();
    let mut planes_out: Vec<Vec<i32>> = vec![Vec::new(); h.channels as usize];
    let stop = |bits: &Bits<'_>, sum: &mut Summary, why: Stop| {
        sum.stop = Some(why);
        sum.stop_bit = bits.pos;
    };
    loop {
        let cmd = match bits.urice(FNSIZE) {
            Ok(c) => c,
            Err(why) => {
                stop(&bits, &mut sum, why);
                break;
            }
        };
        let step: Result<bool, Stop> = (|| {
            match cmd {
                FN_QUIT => return Ok(true),
                FN_VERBATIM => {
                    let n = bits.urice(VERBATIM_CKSIZE_SIZE)?;
                    if n > MAX_VERBATIM {
                        return Err(Stop::Corrupt(format!("a verbatim section of {n} bytes")));
                    }
                    for _ in 0..n {
                        bits.urice(VERBATIM_BYTE_SIZE)?;
                    }
                }
                FN_BITSHIFT => {
                    bitshift = bits.urice(BITSHIFTSIZE)?;
                    if bitshift > 31 {
                        return Err(Stop::Corrupt(format!("a bit shift of {bitshift}")));
                    }
                }
                FN_BLOCKSIZE => {
                    let k = (blocksize as u32).max(1).ilog2();
                    let n = bits.uint(h.version, k)?;
                    if n == 0 || n as usize > blocksize {
                        return Err(Stop::Corrupt(format!(
                            "a block size of {n} (at most the current {blocksize})"
                        )));
                    }
                    blocksize = n as usize;
                }
                FN_DIFF0..=FN_DIFF3 | FN_QLPC | FN_ZERO => {
                    let k = if cmd == FN_ZERO {
                        0
                    } else {
                        let mut k = bits.urice(ENERGYSIZE)?;
                        if h.version == 0 {
                            k = k.wrapping_sub(1);
                        }
                        if k > 30 {
                            return Err(Stop::Corrupt(format!("a residual width of {k}")));
                        }
                        k
                    };
                    let ch = &mut channels[cur];
                    // The offset: the mean of the last block means.
                    let coffset: i64 = if nmean == 0 {
                        i64::from(ch.means[0])
                    } else {
                        let mut s: i64 = if h.version < 2 { 0 } else { (nmean / 2) as i64 };
                        for m in &ch.means[..nmean] {
                            s += i64::from(*m);
                        }
                        let mut c = s / nmean as i64;
                        if h.version >= 2 && bitshift > 0 {
                            c >>= bitshift;
                        }
                        c
                    };
                    let (order, qlpc) = if cmd == FN_QLPC {
                        let order = bits.urice(LPCQSIZE)? as usize;
                        if order > nwrap {
                            return Err(Stop::Corrupt(format!(
                                "an LPC order of {order} (at most {nwrap})"
                            )));
                        }
                        coeffs.clear();
                        for _ in 0..order {
                            coeffs.push(i64::from(bits.srice(LPCQUANT)?));
                        }
                        (order, true)
                    } else if cmd == FN_ZERO {
                        (0, false)
                    } else {
                        (cmd as usize, false)
                    };
                    if ch.samples.len() < nwrap + blocksize {
                        ch.samples.resize(nwrap + blocksize, 0);
                    }
                    let s = &mut ch.samples;
                    if cmd == FN_ZERO {
                        s[nwrap..nwrap + blocksize].fill(0);
                    } else if !decode {
                        for _ in 0..blocksize {
                            bits.srice(k)?;
                        }
                    } else {
                        let fixed = FIXED[order.min(3)];
                        let co: &[i64] = if qlpc { &coeffs } else { fixed };
                        let qshift = if qlpc { LPCQUANT } else { 0 };
                        if qlpc && coffset != 0 {
                            for v in &mut s[nwrap - order..nwrap] {
                                *v = (i64::from(*v) - coffset) as i32;
                            }
                        }
                        let init: i64 = if order == 0 {
                            coffset
                        } else if qlpc {
                            lpcqoffset
                        } else {
                            0
                        };
                        for i in nwrap..nwrap + blocksize {
                            let mut acc = init;
                            for (j, c) in co.iter().enumerate() {
                                acc = acc.wrapping_add(c.wrapping_mul(i64::from(s[i - j - 1])));
                            }
                            let r = i64::from(bits.srice(k)?);
                            s[i] = r.wrapping_add(acc >> qshift) as i32;
                        }
                        if qlpc && coffset != 0 {
                            for v in &mut s[nwrap..nwrap + blocksize] {
                                *v = (i64::from(*v) + coffset) as i32;
                            }
                        }
                    }
                    // The block's mean joins the last ones.
                    if nmean > 0 {
                        let mut total: i64 = if h.version < 2 {
                            0
                        } else {
                            (blocksize / 2) as i64
                        };
                        if decode {
                            for v in &s[nwrap..nwrap + blocksize] {
                                total += i64::from(*v);
                            }
                        }
                        let mean = total / blocksize as i64;
                        let mean = if h.version < 2 {
                            mean
                        } else {
                            mean.wrapping_shl(bitshift)
                        };
                        ch.means.copy_within(1..nmean, 0);
                        ch.means[nmean - 1] = mean as i32;
                    }
                    // History for the next block.
                    s.copy_within(blocksize..blocksize + nwrap, 0);
                    if decode {
                        let plane = &mut planes_out[cur];
                        plane.clear();
                        plane.extend(
                            s[nwrap..nwrap + blocksize]
                                .iter()
                                .map(|&v| v.wrapping_shl(bitshift)),
                        );
                    }
                    sum.blocks += 1;
                    cur += 1;
                    if cur == channels.len() {
                        cur = 0;
                        sum.samples += blocksize as u64;
                        if decode {
                            let planes: Vec<&[i32]> =
                                planes_out.iter().map(|p| &p[..blocksize]).collect();
                            out(&planes, blocksize);
                        }
                    }
                }
                other => {
                    return Err(Stop::Corrupt(format!("command {other}")));
                }
            }
            Ok(false)
        })();
        match step {
            Ok(true) => {
                sum.end = bits.pos.div_ceil(8);
                break;
            }
            Ok(false) => {}
            Err(why) => {
                stop(&bits, &mut sum, why);
                break;
            }
        }
    }
    Ok((h, sum))
}
