//! Sample-level statistics: sample peak, clipping, leading and trailing
//! silence, DC offset, identical channels, stereo correlation and the bits
//! a file actually uses.
//!
//! Integer samples are judged as integers (a sample at full scale is
//! exactly `2^(bits-1) - 1` or `-2^(bits-1)`; the bits used come from the
//! OR of every sample; the DC sums are exact in `i128`), float samples as
//! floats (clipping is a magnitude beyond 1.0; the bits used are those a
//! fixed-point value needs to hold every sample exactly).

/// Consecutive clipped samples in one channel that make a clip event.
const EVENT_RUN: u32 = 3;

/// Channels that differ by less than this (−90 dBFS) are the same.
const DUAL_MONO: f64 = 3.162_277_660_168_379_5e-5;

/// The statistics gathered so far.
#[derive(Debug, Clone)]
pub struct Levels {
    /// Silence threshold as a fraction of full scale.
    threshold: f64,
    /// Frames seen.
    frames: u64,
    /// First and last frame with a sample above the threshold.
    first_loud: Option<u64>,
    last_loud: Option<u64>,
    /// Largest magnitude, as a fraction of full scale.
    peak: f64,
    clipped: u64,
    events: u64,
    /// Current run of clipped samples per channel.
    runs: Vec<u32>,
    /// Per-channel sums, integer sources (exact) and float ones.
    int_sums: Vec<i128>,
    float_sums: Vec<f64>,
    /// OR of every integer sample.
    or_bits: u32,
    /// The lowest set bit of any float sample, as a power of two.
    lowest_bit: i32,
    /// Largest difference between a channel and the first.
    max_diff: f64,
    /// Sums for the correlation of the first two channels.
    lr: f64,
    ll: f64,
    rr: f64,
}

impl Levels {
    /// Statistics for `channels` channels, silence below `threshold_db`
    /// dBFS.
    pub fn new(channels: usize, threshold_db: f64) -> Levels {
        Levels {
            threshold: 10f64.powf(threshold_db / 20.0),
            frames: 0,
            first_loud: None,
            last_loud: None,
            peak: 0.0,
            clipped: 0,
            events: 0,
            runs: vec![0; channels],
            int_sums: vec![0; channels],
            float_sums: vec![0.0; channels],
            or_bits: 0,
            lowest_bit: i32::MAX,
            max_diff: 0.0,
            lr: 0.0,
            ll: 0.0,
            rr: 0.0,
        }
    }

    /// Note that a sample at `index` of the current block is above the
    /// threshold (the first and last of a block are enough).
    fn loud(&mut self, first: Option<usize>, last: Option<usize>) {
        if let (Some(f), Some(l)) = (first, last) {
            let (f, l) = (self.frames + f as u64, self.frames + l as u64);
            self.first_loud = Some(self.first_loud.map_or(f, |x| x.min(f)));
            self.last_loud = Some(self.last_loud.map_or(l, |x| x.max(l)));
        }
    }

    /// Count clipped samples and runs of them in one channel.
    fn clips(&mut self, channel: usize, clipped: impl Iterator<Item = bool>) {
        let run = &mut self.runs[channel];
        for c in clipped {
            if c {
                self.clipped += 1;
                *run += 1;
                if *run == EVENT_RUN {
                    self.events += 1;
                }
            } else {
                *run = 0;
            }
        }
    }

    /// Add a block of integer samples of `bits` valid bits.
    pub fn push_int(&mut self, planes: &[&[i32]], bits: u32) {
        let bits = bits.clamp(2, 32);
        let full = 1i64 << (bits - 1);
        let (top, bottom) = (full - 1, -full);
        let threshold = (self.threshold * full as f64).floor() as i64;
        for (c, plane) in planes.iter().enumerate().take(self.runs.len()) {
            let (or, sum, max, at_full) = int_stats(plane, bits, top, bottom);
            self.or_bits |= or;
            self.int_sums[c] += i128::from(sum);
            self.peak = self.peak.max(max as f64 / full as f64);
            if at_full > 0 {
                self.clips(
                    c,
                    plane.iter().map(|&v| {
                        let v = i64::from(v);
                        v >= top || v <= bottom
                    }),
                );
            } else {
                self.runs[c] = 0;
            }
            let above = |v: &i32| i64::from(*v).abs() > threshold;
            let first = plane.iter().position(above);
            let last = first.and_then(|_| plane.iter().rposition(above));
            self.loud(first, last);
        }
    }

    /// Add a block of float samples (full scale 1.0); `exact_bits` says
    /// whether they are the file's own values (float PCM), whose precision
    /// means something, or a lossy decoder's output.
    pub fn push_float(&mut self, planes: &[&[f32]], exact_bits: bool) {
        let threshold = self.threshold as f32;
        for (c, plane) in planes.iter().enumerate().take(self.runs.len()) {
            let mut sum = 0f64;
            let mut max = 0f32;
            let mut beyond = 0usize;
            for &v in plane.iter() {
                sum += f64::from(v);
                beyond += usize::from(v.abs() > 1.0);
            }
            max = max.max(super::abs_max(plane));
            self.float_sums[c] += sum;
            self.peak = self.peak.max(f64::from(max));
            if beyond > 0 {
                self.clips(c, plane.iter().map(|v| v.abs() > 1.0));
            } else {
                self.runs[c] = 0;
            }
            if exact_bits {
                for &v in plane.iter() {
                    self.lowest_bit = self.lowest_bit.min(lowest_bit(v));
                }
            }
            let above = |v: &f32| v.abs() > threshold;
            let first = plane.iter().position(above);
            let last = first.and_then(|_| plane.iter().rposition(above));
            self.loud(first, last);
        }
    }

    /// Compare channels and correlate the first two, from the normalised
    /// samples of the block just pushed; then count its frames.
    pub fn push_normalised(&mut self, planes: &[&[f32]]) {
        let n = planes.iter().map(|p| p.len()).min().unwrap_or(0);
        if let Some((first, rest)) = planes.split_first() {
            // Once the channels are known to differ, they need no more
            // comparing.
            for other in rest {
                if self.max_diff >= DUAL_MONO {
                    break;
                }
                let d = super::lanes_max(
                    first[..n]
                        .iter()
                        .zip(&other[..n])
                        .map(|(a, b)| (a - b).abs()),
                );
                self.max_diff = self.max_diff.max(f64::from(d));
            }
            if let Some(second) = rest.first() {
                // Sums in f32 over runs of 1024 samples, then in f64: the
                // correlation is reported to three decimals.
                for (l, r) in first[..n].chunks(1024).zip(second[..n].chunks(1024)) {
                    let (mut lr, mut ll, mut rr) = (0f32, 0f32, 0f32);
                    for (&l, &r) in l.iter().zip(r) {
                        lr += l * r;
                        ll += l * l;
                        rr += r * r;
                    }
                    self.lr += f64::from(lr);
                    self.ll += f64::from(ll);
                    self.rr += f64::from(rr);
                }
            }
        }
        self.frames += n as u64;
    }

    /// Frames pushed so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// The statistics for everything pushed; `rate` converts frames to
    /// seconds, `bits` is the integer depth (None for float sources).
    pub fn finish(&self, rate: u32, bits: Option<u32>, float_bits: u32) -> Stats {
        let channels = self.runs.len();
        let full = bits.map(|b| (1i128 << (b.clamp(2, 32) - 1)) as f64);
        let dc = (0..channels)
            .map(|c| {
                let mean = match full {
                    Some(f) => self.int_sums[c] as f64 / f,
                    None => self.float_sums[c],
                };
                (mean / self.frames.max(1) as f64).abs()
            })
            .fold(0.0, f64::max);
        let silent = self.first_loud.is_none();
        let (leading, trailing) = match (self.first_loud, self.last_loud) {
            (Some(f), Some(l)) => (f, self.frames - 1 - l),
            _ => (self.frames, self.frames),
        };
        let effective = match bits {
            Some(_) if self.or_bits == 0 => Some(0),
            Some(b) => Some(b.saturating_sub(self.or_bits.trailing_zeros()).max(1)),
            None if self.lowest_bit == i32::MAX => None,
            // Bits of a signed fixed-point value with full scale 2^(n-1)
            // holding the lowest bit seen.
            None => Some(
                u32::try_from(1 - i64::from(self.lowest_bit))
                    .map_or(float_bits, |n| n.clamp(1, float_bits)),
            ),
        };
        let correlation = (channels >= 2 && self.ll > 0.0 && self.rr > 0.0)
            .then(|| (self.lr / (self.ll * self.rr).sqrt()).clamp(-1.0, 1.0));
        Stats {
            peak: self.peak,
            clipped: self.clipped,
            events: self.events,
            leading: leading as f64 / f64::from(rate.max(1)),
            trailing: trailing as f64 / f64::from(rate.max(1)),
            leading_frames: leading,
            trailing_frames: trailing,
            silent,
            dc,
            dual_mono: (channels >= 2).then(|| !silent && self.max_diff < 10f64.powf(-90.0 / 20.0)),
            correlation,
            effective_bits: effective,
        }
    }
}

/// OR, sum, largest magnitude and samples at full scale of `plane`. For
/// depths up to 24 bits the sums run in `i32` over runs of 128 samples
/// (at most 2^30), which the compiler vectorises; deeper samples take
/// `i64` throughout.
fn int_stats(plane: &[i32], bits: u32, top: i64, bottom: i64) -> (u32, i64, i64, usize) {
    let (mut or, mut sum, mut at_full) = (0u32, 0i64, 0usize);
    let (mut hi, mut lo) = (0i32, 0i32);
    if bits <= 24 {
        let (top, bottom) = (top as i32, bottom as i32);
        for chunk in plane.chunks(128) {
            let (mut o, mut s, mut n, mut h, mut l) = (0u32, 0i32, 0u32, 0i32, 0i32);
            for &v in chunk {
                o |= v as u32;
                s = s.wrapping_add(v);
                h = h.max(v);
                l = l.min(v);
                n += u32::from(v >= top || v <= bottom);
            }
            or |= o;
            sum += i64::from(s);
            at_full += n as usize;
            hi = hi.max(h);
            lo = lo.min(l);
        }
    } else {
        for &v in plane {
            let w = i64::from(v);
            or |= v as u32;
            sum += w;
            hi = hi.max(v);
            lo = lo.min(v);
            at_full += usize::from(w >= top || w <= bottom);
        }
    }
    let max = i64::from(hi).max(-i64::from(lo));
    (or, sum, max, at_full)
}

/// The power of two of the lowest set bit of `v` (`i32::MAX` for zero and
/// values that are not finite).
fn lowest_bit(v: f32) -> i32 {
    let bits = v.to_bits() & 0x7FFF_FFFF;
    if bits == 0 || !v.is_finite() {
        return i32::MAX;
    }
    let exp = (bits >> 23) as i32;
    let mantissa = bits & 0x7F_FFFF;
    if exp == 0 {
        -149 + mantissa.trailing_zeros() as i32
    } else {
        exp - 150 + (mantissa | 0x80_0000).trailing_zeros() as i32
    }
}

/// What [`Levels`] found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// Largest magnitude, fraction of full scale.
    pub peak: f64,
    /// Samples at or beyond full scale.
    pub clipped: u64,
    /// Runs of at least three clipped samples in one channel.
    pub events: u64,
    /// Seconds before the first and after the last sample above the
    /// threshold (the whole length when silent).
    pub leading: f64,
    /// Seconds after the last sample above the threshold.
    pub trailing: f64,
    /// `leading` in sample frames.
    pub leading_frames: u64,
    /// `trailing` in sample frames.
    pub trailing_frames: u64,
    /// Whether nothing rises above the threshold.
    pub silent: bool,
    /// Largest absolute per-channel mean, fraction of full scale.
    pub dc: f64,
    /// Whether every channel equals the first within −90 dBFS (None for
    /// mono).
    pub dual_mono: Option<bool>,
    /// Correlation of the first two channels.
    pub correlation: Option<f64>,
    /// The bits the samples use.
    pub effective_bits: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowest_bits_of_floats() {
        assert_eq!(lowest_bit(0.5), -1);
        assert_eq!(lowest_bit(-0.75), -2);
        assert_eq!(lowest_bit(1.0 / 32768.0), -15);
        assert_eq!(lowest_bit(0.0), i32::MAX);
        assert_eq!(lowest_bit(f32::NAN), i32::MAX);
    }

    #[test]
    fn a_16_bit_signal_in_24_bits_uses_16() {
        let mut l = Levels::new(1, -60.0);
        let x: Vec<i32> = (0..1000).map(|i| ((i * 37) % 2000 - 1000) << 8).collect();
        l.push_int(&[&x], 24);
        let f: Vec<f32> = x.iter().map(|&v| v as f32 / 8_388_608.0).collect();
        l.push_normalised(&[&f]);
        assert_eq!(l.finish(48000, Some(24), 32).effective_bits, Some(16));
        // The same values as floats need 16 bits too.
        let mut l = Levels::new(1, -60.0);
        l.push_float(&[&f], true);
        l.push_normalised(&[&f]);
        assert_eq!(l.finish(48000, None, 32).effective_bits, Some(16));
    }

    #[test]
    fn runs_of_three_clipped_samples_make_an_event_across_blocks() {
        let mut l = Levels::new(1, -60.0);
        let top = 32767;
        l.push_int(&[&[0, top, top]], 16);
        l.push_int(&[&[top, 0, -32768, -32768, 0]], 16);
        let s = l.finish(44100, Some(16), 32);
        assert_eq!((s.clipped, s.events), (5, 1));
    }

    #[test]
    fn silence_is_counted_in_frames() {
        let mut l = Levels::new(2, -60.0);
        let quiet = vec![32i32; 100]; // -60.2 dBFS at 16 bits: silence
        let mut loud = vec![0i32; 100];
        loud[40] = 33; // -59.9 dBFS
        l.push_int(&[&quiet, &loud], 16);
        let f: Vec<f32> = vec![0.0; 100];
        l.push_normalised(&[&f, &f]);
        let s = l.finish(100, Some(16), 32);
        assert_eq!((s.leading_frames, s.trailing_frames), (40, 59));
        assert!(!s.silent);
    }
}
