//! Programme loudness as ITU-R BS.1770-4 and EBU R 128 define it:
//! integrated loudness with its two gates, loudness range (EBU Tech 3342),
//! and the largest momentary (400 ms) and short-term (3 s) loudness.
//!
//! Each channel goes through the K-weighting filter (a high shelf and the
//! RLB high-pass, two biquads in `f64`, their coefficients derived for the
//! stream's rate from the analogue prototype so that 48 kHz gives the
//! table of BS.1770), is squared and summed per 10 ms sub-block, weighted
//! by channel (1.0 for front channels, 1.41 for surrounds, LFE left out).
//! Every window is a sum of whole sub-blocks:
//!
//! * gating blocks of 400 ms every 100 ms for the integrated loudness
//!   (absolute gate −70 LUFS, relative gate −10 LU), kept exactly, not in a
//!   histogram;
//! * short-term windows of 3 s every 100 ms for the loudness range
//!   (absolute gate −70 LUFS, relative gate −20 LU, 10th to 95th
//!   percentile);
//! * momentary and short-term maxima over windows ending at every 10 ms,
//!   so a burst is never missed by more than 5 ms of its length (EBU Tech
//!   3341 cases 10 and 13 place bursts anywhere against a meter's update
//!   instants). Windows that would reach before the start of the stream
//!   count the missing time as silence, as a meter started with the
//!   programme does.
//!
//! Sub-block boundaries fall at `floor(k * rate / 100)`, so rates that are
//! not multiples of 100 Hz (11025 Hz) keep exact window lengths on
//! average, and each window's power is its energy over its own length.
//! What is kept grows by one number per 100 ms of audio actually decoded,
//! never with a header value.

/// Sub-blocks per second: the resolution of every window.
const SUB_PER_SECOND: u64 = 100;
/// Sub-blocks in a momentary window (400 ms).
const MOMENTARY: usize = 40;
/// Sub-blocks in a short-term window (3 s).
const SHORT_TERM: usize = 300;
/// Sub-blocks between gating blocks and between loudness-range values.
const STEP: u64 = 10;

/// The loudness of a mean-square power, in LUFS.
pub fn lufs(power: f64) -> f64 {
    -0.691 + 10.0 * power.log10()
}

/// The power a loudness in LUFS stands for.
fn power_of(lufs: f64) -> f64 {
    10f64.powf((lufs + 0.691) / 10.0)
}

/// One biquad section, direct form I.
#[derive(Debug, Clone, Copy, Default)]
struct Biquad {
    b: [f64; 3],
    a: [f64; 2],
}

impl Biquad {
    /// The K-weighting high shelf (stage 1) for `rate`.
    fn shelf(rate: f64) -> Biquad {
        let f0 = 1_681.974_450_955_533;
        let gain_db = 3.999_843_853_973_347;
        let q = 0.707_175_236_955_419_6;
        let k = (std::f64::consts::PI * f0 / rate).tan();
        let vh = 10f64.powf(gain_db / 20.0);
        let vb = vh.powf(0.499_666_774_154_541_6);
        let a0 = 1.0 + k / q + k * k;
        Biquad {
            b: [
                (vh + vb * k / q + k * k) / a0,
                2.0 * (k * k - vh) / a0,
                (vh - vb * k / q + k * k) / a0,
            ],
            a: [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
        }
    }

    /// The RLB high-pass (stage 2) for `rate`.
    fn high_pass(rate: f64) -> Biquad {
        let f0 = 38.135_470_876_024_44;
        let q = 0.500_327_037_323_877_3;
        let k = (std::f64::consts::PI * f0 / rate).tan();
        let a0 = 1.0 + k / q + k * k;
        Biquad {
            b: [1.0, -2.0, 1.0],
            a: [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
        }
    }
}

/// The two K-weighting sections and their state for one channel.
#[derive(Debug, Clone, Copy, Default)]
struct KFilter {
    s1: Biquad,
    s2: Biquad,
    /// Inputs and outputs of stage 1 (x1, x2, y1, y2), and outputs of
    /// stage 2 (z1, z2).
    x: [f64; 2],
    y: [f64; 2],
    z: [f64; 2],
}

impl KFilter {
    fn new(rate: u32) -> KFilter {
        let r = f64::from(rate);
        KFilter {
            s1: Biquad::shelf(r),
            s2: Biquad::high_pass(r),
            ..KFilter::default()
        }
    }

    /// Filter `samples` and return the sum of the squared outputs.
    #[inline]
    fn energy(&mut self, samples: &[f32]) -> f64 {
        let (b1, a1, b2, a2) = (self.s1.b, self.s1.a, self.s2.b, self.s2.a);
        let [mut x1, mut x2] = self.x;
        let [mut y1, mut y2] = self.y;
        let [mut z1, mut z2] = self.z;
        let mut sum = 0.0;
        for &s in samples {
            let x0 = f64::from(s);
            // The term of the previous output last: the recursion then
            // waits on one multiply and one subtraction per sample.
            let y0 = (b1[0] * x0 + b1[1] * x1 + b1[2] * x2 - a1[1] * y2) - a1[0] * y1;
            // Stage 2's numerator is 1, -2, 1.
            let z0 = (b2[0] * (y0 - 2.0 * y1 + y2) - a2[1] * z2) - a2[0] * z1;
            x2 = x1;
            x1 = x0;
            y2 = y1;
            y1 = y0;
            z2 = z1;
            z1 = z0;
            sum += z0 * z0;
        }
        self.store([x1, x2], [y1, y2], [z1, z2]);
        sum
    }

    /// Keep the state after a block; a stream of denormals would slow
    /// everything, so tiny values are flushed to zero.
    fn store(&mut self, x: [f64; 2], y: [f64; 2], z: [f64; 2]) {
        let flush = |v: [f64; 2]| v.map(|v| if v.abs() < 1e-30 { 0.0 } else { v });
        self.x = flush(x);
        self.y = flush(y);
        self.z = flush(z);
    }

    /// [`KFilter::energy`] of two channels at once.
    #[inline]
    fn energy_pair(fa: &mut KFilter, fb: &mut KFilter, a: &[f32], b: &[f32]) -> (f64, f64) {
        let (b1, a1, b2, a2) = (fa.s1.b, fa.s1.a, fa.s2.b, fa.s2.a);
        let (mut xa, mut ya, mut za) = (fa.x, fa.y, fa.z);
        let (mut xb, mut yb, mut zb) = (fb.x, fb.y, fb.z);
        let (mut sa, mut sb) = (0.0, 0.0);
        for (&va, &vb) in a.iter().zip(b) {
            let (x0a, x0b) = (f64::from(va), f64::from(vb));
            let y0a = (b1[0] * x0a + b1[1] * xa[0] + b1[2] * xa[1] - a1[1] * ya[1]) - a1[0] * ya[0];
            let y0b = (b1[0] * x0b + b1[1] * xb[0] + b1[2] * xb[1] - a1[1] * yb[1]) - a1[0] * yb[0];
            let z0a = (b2[0] * (y0a - 2.0 * ya[0] + ya[1]) - a2[1] * za[1]) - a2[0] * za[0];
            let z0b = (b2[0] * (y0b - 2.0 * yb[0] + yb[1]) - a2[1] * zb[1]) - a2[0] * zb[0];
            xa = [x0a, xa[0]];
            xb = [x0b, xb[0]];
            ya = [y0a, ya[0]];
            yb = [y0b, yb[0]];
            za = [z0a, za[0]];
            zb = [z0b, zb[0]];
            sa += z0a * z0a;
            sb += z0b * z0b;
        }
        fa.store(xa, ya, za);
        fb.store(xb, yb, zb);
        (sa, sb)
    }
}

/// The BS.1770 weight of each channel: `mask` is a WAVE_FORMAT_EXTENSIBLE
/// channel mask when the file declares one; otherwise the usual order for
/// the count (L R C LFE Ls Rs for six channels, L R C Ls Rs for five).
pub fn channel_weights(channels: usize, mask: Option<u32>) -> Vec<f64> {
    const SURROUND: f64 = 1.41;
    if let Some(mask) = mask.filter(|m| m.count_ones() as usize == channels) {
        // Speaker positions in mask order: bit 3 is LFE; back, side and
        // top-back positions are surrounds.
        let mut weights = Vec::with_capacity(channels);
        for bit in 0..32 {
            if mask & (1 << bit) == 0 {
                continue;
            }
            weights.push(match bit {
                3 => 0.0,
                4 | 5 | 8 | 9 | 10 => SURROUND,
                _ => 1.0,
            });
        }
        return weights;
    }
    match channels {
        5 => vec![1.0, 1.0, 1.0, SURROUND, SURROUND],
        6 => vec![1.0, 1.0, 1.0, 0.0, SURROUND, SURROUND],
        8 => vec![1.0, 1.0, 1.0, 0.0, SURROUND, SURROUND, SURROUND, SURROUND],
        n => vec![1.0; n],
    }
}

/// What the loudness measurement gives.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Readings {
    /// Integrated loudness, LUFS (`None`: no gating block above −70 LUFS).
    pub integrated: Option<f64>,
    /// Loudness range, LU (`None`: shorter than one 3 s window, or nothing
    /// above the gates).
    pub range: Option<f64>,
    /// Largest momentary loudness, LUFS.
    pub max_momentary: Option<f64>,
    /// Largest short-term loudness, LUFS.
    pub max_short_term: Option<f64>,
}

/// A loudness measurement fed planar blocks of samples (full scale 1.0).
#[derive(Debug, Clone)]
pub struct Loudness {
    rate: u64,
    weights: Vec<f64>,
    filters: Vec<KFilter>,
    /// Frames fed.
    frames: u64,
    /// Index of the sub-block being filled, and the frame where it ends.
    sub: u64,
    sub_end: u64,
    /// Weighted energy of the sub-block being filled.
    acc: f64,
    /// Energy and length of the last `SHORT_TERM` complete sub-blocks.
    ring: Vec<(f64, u64)>,
    /// Running sums over the last `MOMENTARY` and `SHORT_TERM` entries of
    /// `ring`, recomputed exactly every so often against drift.
    momentary_sum: (f64, u64),
    short_sum: (f64, u64),
    /// Power of each gating block (400 ms every 100 ms).
    gating: Vec<f64>,
    /// Power of each short-term window, every 100 ms.
    short_terms: Vec<f64>,
    max_momentary: f64,
    max_short_term: f64,
}

impl Loudness {
    /// A measurement for `rate` Hz (at least 100) and these channel
    /// weights.
    pub fn new(rate: u32, weights: Vec<f64>) -> Loudness {
        let rate = u64::from(rate.max(100));
        Loudness {
            rate,
            filters: vec![KFilter::new(rate as u32); weights.len()],
            weights,
            frames: 0,
            sub: 0,
            sub_end: rate / SUB_PER_SECOND,
            acc: 0.0,
            ring: vec![(0.0, 0); SHORT_TERM],
            momentary_sum: (0.0, 0),
            short_sum: (0.0, 0),
            gating: Vec::new(),
            short_terms: Vec::new(),
            max_momentary: 0.0,
            max_short_term: 0.0,
        }
    }

    /// Add one block: `planes[c]` holds channel `c`'s samples, all of the
    /// same length.
    pub fn push(&mut self, planes: &[&[f32]]) {
        let n = planes.iter().map(|p| p.len()).min().unwrap_or(0) as u64;
        let mut done = 0u64;
        while done < n {
            let room = self.sub_end - self.frames;
            let take = room.min(n - done);
            let (from, to) = (done as usize, (done + take) as usize);
            let mut energy = 0.0;
            if let ([l, r], [fl, fr]) = (planes, &mut self.filters[..]) {
                // Two channels in one loop: each filter's recursion waits
                // on its previous output, and the other channel's work
                // fills the wait.
                let (el, er) = KFilter::energy_pair(fl, fr, &l[from..to], &r[from..to]);
                energy = self.weights[0] * el + self.weights[1] * er;
            } else {
                for ((plane, filter), &w) in planes.iter().zip(&mut self.filters).zip(&self.weights)
                {
                    let e = filter.energy(&plane[from..to]);
                    if w != 0.0 {
                        energy += w * e;
                    }
                }
            }
            self.acc += energy;
            self.frames += take;
            done += take;
            if self.frames == self.sub_end {
                self.close_sub_block();
            }
        }
    }

    /// The sub-block just filled is complete: update the windows.
    fn close_sub_block(&mut self) {
        let start = self.sub * self.rate / SUB_PER_SECOND;
        let len = self.sub_end - start;
        let slot = (self.sub % SHORT_TERM as u64) as usize;
        let old_short = self.ring[slot];
        let old_momentary = self.ring
            [((self.sub + SHORT_TERM as u64 - MOMENTARY as u64) % SHORT_TERM as u64) as usize];
        self.ring[slot] = (self.acc, len);
        let done = self.sub + 1;
        if done.is_multiple_of(1000) {
            // Recompute the running sums from the ring: no drift.
            self.momentary_sum = self.window_sum(MOMENTARY);
            self.short_sum = self.window_sum(SHORT_TERM);
        } else {
            self.momentary_sum.0 += self.acc - old_momentary.0;
            self.momentary_sum.1 = self.momentary_sum.1 + len - old_momentary.1;
            self.short_sum.0 += self.acc - old_short.0;
            self.short_sum.1 = self.short_sum.1 + len - old_short.1;
        }
        let nominal = |subs: usize| (subs as u64 * self.rate).div_ceil(SUB_PER_SECOND);
        let power = |(e, l): (f64, u64), subs: usize| e.max(0.0) / l.max(nominal(subs)) as f64;
        let momentary = power(self.momentary_sum, MOMENTARY);
        let short = power(self.short_sum, SHORT_TERM);
        self.max_momentary = self.max_momentary.max(momentary);
        self.max_short_term = self.max_short_term.max(short);
        if done.is_multiple_of(STEP) {
            if done >= MOMENTARY as u64 {
                self.gating.push(momentary);
            }
            if done >= SHORT_TERM as u64 {
                self.short_terms.push(short);
            }
        }
        self.sub = done;
        self.sub_end = (done + 1) * self.rate / SUB_PER_SECOND;
        self.acc = 0.0;
    }

    /// The energy and length of the last `subs` complete sub-blocks.
    fn window_sum(&self, subs: usize) -> (f64, u64) {
        let have = (self.sub + 1).min(subs as u64);
        (0..have).fold((0.0, 0), |(e, l), back| {
            let i = ((self.sub - back) % SHORT_TERM as u64) as usize;
            (e + self.ring[i].0, l + self.ring[i].1)
        })
    }

    /// The readings for everything fed.
    pub fn finish(&self) -> Readings {
        let loud = |p: f64| (p > 0.0 && p.is_finite()).then(|| lufs(p));
        Readings {
            integrated: integrated(&self.gating),
            range: range(&self.short_terms),
            max_momentary: loud(self.max_momentary),
            max_short_term: loud(self.max_short_term),
        }
    }
}

/// Integrated loudness from gating-block powers (BS.1770-4 §2.8).
fn integrated(blocks: &[f64]) -> Option<f64> {
    let absolute = power_of(-70.0);
    let mean = |min: f64| {
        let (sum, n) = blocks
            .iter()
            .filter(|&&p| p > min)
            .fold((0.0, 0u64), |(s, n), &p| (s + p, n + 1));
        (n > 0).then(|| sum / n as f64)
    };
    let ungated = mean(absolute)?;
    let relative = power_of(lufs(ungated) - 10.0).max(absolute);
    mean(relative).map(lufs)
}

/// Loudness range from short-term powers (EBU Tech 3342).
fn range(values: &[f64]) -> Option<f64> {
    let absolute = power_of(-70.0);
    let above: Vec<f64> = values.iter().copied().filter(|&p| p > absolute).collect();
    if above.is_empty() {
        return None;
    }
    let mean = above.iter().sum::<f64>() / above.len() as f64;
    let relative = power_of(lufs(mean) - 20.0);
    let mut kept: Vec<f64> = above.into_iter().filter(|&p| p > relative).collect();
    if kept.is_empty() {
        return None;
    }
    kept.sort_by(f64::total_cmp);
    let at = |q: f64| kept[((kept.len() - 1) as f64 * q + 0.5) as usize];
    Some(lufs(at(0.95)) - lufs(at(0.10)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coefficients_at_48_khz_are_those_of_bs_1770() {
        let s1 = Biquad::shelf(48000.0);
        let s2 = Biquad::high_pass(48000.0);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(close(s1.b[0], 1.535_124_859_586_97), "{}", s1.b[0]);
        assert!(close(s1.b[1], -2.691_696_189_406_38), "{}", s1.b[1]);
        assert!(close(s1.b[2], 1.198_392_810_852_85), "{}", s1.b[2]);
        assert!(close(s1.a[0], -1.690_659_293_182_41), "{}", s1.a[0]);
        assert!(close(s1.a[1], 0.732_480_774_215_85), "{}", s1.a[1]);
        assert!(
            (s2.a[0] - -1.990_047_454_833_98).abs() < 1e-9,
            "{}",
            s2.a[0]
        );
        assert!((s2.a[1] - 0.990_072_250_366_21).abs() < 1e-9, "{}", s2.a[1]);
    }

    #[test]
    fn gates_drop_quiet_blocks() {
        // Ten blocks at -20 LUFS and ten at -80 (under the absolute gate).
        let mut blocks = vec![power_of(-20.0); 10];
        blocks.extend(vec![power_of(-80.0); 10]);
        let i = integrated(&blocks).unwrap();
        assert!((i - -20.0).abs() < 1e-9, "{i}");
        // Below the relative gate: -35 is 15 LU under the ungated mean.
        blocks.extend(vec![power_of(-35.0); 10]);
        let i = integrated(&blocks).unwrap();
        assert!((i - -20.0).abs() < 1e-9, "{i}");
        assert_eq!(integrated(&[power_of(-75.0)]), None);
        assert_eq!(integrated(&[]), None);
    }

    #[test]
    fn weights_follow_the_mask_or_the_count() {
        assert_eq!(channel_weights(2, None), vec![1.0, 1.0]);
        assert_eq!(
            channel_weights(6, None),
            vec![1.0, 1.0, 1.0, 0.0, 1.41, 1.41]
        );
        // 5.1 side: FL FR FC LFE SL SR (0x60F).
        assert_eq!(
            channel_weights(6, Some(0x60F)),
            vec![1.0, 1.0, 1.0, 0.0, 1.41, 1.41]
        );
        // A mask that disagrees with the count is ignored.
        assert_eq!(channel_weights(2, Some(0x60F)), vec![1.0, 1.0]);
    }
}
