//! True peak (ITU-R BS.1770-4 Annex 2): the largest absolute value of the
//! signal oversampled four times, over every channel.
//!
//! The interpolator is a 49-tap Hann-windowed sinc split into four phases
//! (13 taps for phase 0, which reproduces the input samples exactly, 12
//! for the others), the design libebur128 uses, which meets EBU Tech 3341's
//! true-peak tolerance (+0.2/−0.4 dB) at 44.1 and 48 kHz. Phase 0 is the
//! input itself, so the sample peak stands for it; phases 1 to 3 are
//! computed a chunk of outputs at a time, one tap over the whole chunk
//! before the next, in `f32`.
//!
//! Most of a master cannot raise the maximum already found: an output is
//! a weighted sum of 13 inputs, so it is at most the largest of them times
//! the sum of a phase's absolute coefficients. Blocks of input whose bound
//! is below the running maximum skip the filter; the result is the same
//! as filtering everything.

/// Taps of the interpolating filter.
const TAPS: usize = 49;
/// Oversampling factor.
const FACTOR: usize = 4;
/// Input samples each output depends on.
const SPAN: usize = TAPS.div_ceil(FACTOR);
/// Input samples per bound check.
const CHUNK: usize = 64;

/// Coefficients by input delay, four phases each.
fn coefficients() -> [[f32; FACTOR]; SPAN] {
    let mut c = [[0f32; FACTOR]; SPAN];
    let centre = (TAPS - 1) as f64 / 2.0;
    for j in 0..TAPS {
        let m = j as f64 - centre;
        let sinc = if m == 0.0 {
            1.0
        } else {
            let x = m * std::f64::consts::PI / FACTOR as f64;
            x.sin() / x
        };
        let window =
            0.5 * (1.0 - (2.0 * std::f64::consts::PI * j as f64 / (TAPS - 1) as f64).cos());
        c[j / FACTOR][j % FACTOR] = (sinc * window) as f32;
    }
    c
}

/// The true-peak meter of one stream.
#[derive(Debug, Clone)]
pub struct TruePeak {
    folded: Folded,
    /// The largest sum of the absolute coefficients of phases 1 to 3.
    gain: f32,
    /// Per channel: the last `SPAN - 1` inputs, then room for a block.
    history: Vec<Vec<f32>>,
    max: f32,
}

impl TruePeak {
    /// A meter for `channels` channels.
    pub fn new(channels: usize) -> TruePeak {
        let coef = coefficients();
        let gain = (1..FACTOR)
            .map(|p| coef.iter().map(|c| c[p].abs()).sum::<f32>())
            .fold(0.0, f32::max);
        TruePeak {
            folded: Folded::new(&coef),
            gain,
            history: vec![vec![0.0; SPAN - 1]; channels],
            max: 0.0,
        }
    }

    /// Add one block of planar samples (full scale 1.0).
    pub fn push(&mut self, planes: &[&[f32]]) {
        for (plane, work) in planes.iter().zip(self.history.iter_mut()) {
            work.truncate(SPAN - 1);
            work.extend_from_slice(plane);
            self.max = scan(work, &self.folded, self.gain, self.max);
            let keep = work.len() - (SPAN - 1);
            work.copy_within(keep.., 0);
            work.truncate(SPAN - 1);
        }
    }

    /// The true peak as a linear value (1.0 is full scale), after the
    /// filter has been flushed with silence.
    pub fn finish(mut self) -> f32 {
        let silence = [0.0f32; SPAN];
        let planes: Vec<&[f32]> = (0..self.history.len()).map(|_| &silence[..]).collect();
        self.push(&planes);
        self.max
    }
}

/// Taps of phases 1 to 3.
const PHASE_TAPS: usize = SPAN - 1;
/// Half of them: the filter is symmetric, so phase 2 is a palindrome and
/// phase 3 is phase 1 reversed.
const HALF: usize = PHASE_TAPS / 2;

/// Phases 1 to 3 folded on the filter's symmetry: with `u = X_k +
/// X_(11-k)` and `v = X_k - X_(11-k)` over k < 6 (`X_k` the input k
/// samples back), phase 2 is `sum(half[k] u)`, and phases 1 and 3 are
/// `(P + M) / 2` and `(P - M) / 2` with `P = sum(plus[k] u)`, `M =
/// sum(minus[k] v)`: 18 multiplies per input sample instead of 36.
#[derive(Debug, Clone, Copy)]
struct Folded {
    half: [f32; HALF],
    plus: [f32; HALF],
    minus: [f32; HALF],
}

impl Folded {
    fn new(c: &[[f32; FACTOR]; SPAN]) -> Folded {
        let mut f = Folded {
            half: [0.0; HALF],
            plus: [0.0; HALF],
            minus: [0.0; HALF],
        };
        for k in 0..HALF {
            let m = PHASE_TAPS - 1 - k;
            f.half[k] = c[k][2];
            f.plus[k] = c[k][1] + c[m][1];
            f.minus[k] = c[k][1] - c[m][1];
        }
        f
    }
}

/// The largest interpolated value of `x` (whose first `SPAN - 1` values
/// are history), or `max` if none is larger. Phase 0 reproduces the input
/// (its only non-zero tap is the centre), so only phases 1 to 3 are
/// computed; the sample peak covers phase 0.
fn scan(x: &[f32], folded: &Folded, gain: f32, mut max: f32) -> f32 {
    let outputs = x.len().saturating_sub(SPAN - 1);
    let (mut h, mut p, mut m) = ([0f32; CHUNK], [0f32; CHUNK], [0f32; CHUNK]);
    let mut start = 0;
    while start < outputs {
        let end = (start + CHUNK).min(outputs);
        // Inputs that outputs start..end depend on.
        let bound = super::abs_max(&x[start..end + SPAN - 1]);
        if bound * gain > max {
            let len = end - start;
            let (h, p, m) = (&mut h[..len], &mut p[..len], &mut m[..len]);
            h.fill(0.0);
            p.fill(0.0);
            m.fill(0.0);
            // One pair of taps at a time over the whole chunk: multiply-
            // adds per output that vectorise without shuffles. Delay k of
            // output n is x[n + SPAN - 1 - k].
            for k in 0..HALF {
                let a = start + SPAN - 1 - k;
                let b = start + SPAN - 1 - (PHASE_TAPS - 1 - k);
                let (fh, fp, fm) = (folded.half[k], folded.plus[k], folded.minus[k]);
                let lanes = h.iter_mut().zip(p.iter_mut()).zip(m.iter_mut());
                for (((h, p), m), (xa, xb)) in lanes.zip(x[a..a + len].iter().zip(&x[b..b + len])) {
                    let (u, v) = (xa + xb, xa - xb);
                    *h += fh * u;
                    *p += fp * u;
                    *m += fm * v;
                }
            }
            // max(|P + M|, |P - M|) / 2 = (|P| + |M|) / 2.
            for ((h, p), m) in h.iter_mut().zip(p.iter()).zip(m.iter()) {
                let side = 0.5 * (p.abs() + m.abs());
                let a = h.abs();
                *h = if a > side { a } else { side };
            }
            max = max.max(super::abs_max(h));
        }
        start = end;
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(v: f32) -> f64 {
        20.0 * f64::from(v).log10()
    }

    fn sine(rate: f64, freq: f64, amp: f64, phase_deg: f64, secs: f64) -> Vec<f32> {
        let n = (rate * secs) as usize;
        let ph = phase_deg.to_radians();
        (0..n)
            .map(|i| {
                (amp * (2.0 * std::f64::consts::PI * freq * i as f64 / rate + ph).sin()) as f32
            })
            .collect()
    }

    #[test]
    fn the_phases_are_symmetric_as_the_folding_assumes() {
        let c = coefficients();
        for k in 0..PHASE_TAPS {
            let m = PHASE_TAPS - 1 - k;
            assert!((c[k][2] - c[m][2]).abs() < 1e-7, "phase 2 tap {k}");
            assert!((c[k][3] - c[m][1]).abs() < 1e-7, "phase 3 tap {k}");
        }
        // The folded sums give what the taps give, on any input.
        let x: Vec<f32> = (0..SPAN)
            .map(|i| ((i * 7919) % 13) as f32 / 13.0 - 0.5)
            .collect();
        let direct = |p: usize| -> f32 {
            (0..PHASE_TAPS)
                .map(|k| c[k][p] * x[SPAN - 1 - k])
                .sum::<f32>()
                .abs()
        };
        let want = direct(1).max(direct(2)).max(direct(3));
        let got = scan(&x, &Folded::new(&c), f32::INFINITY, 0.0);
        assert!((got - want).abs() < 1e-6, "{got} {want}");
    }

    #[test]
    fn phase_zero_reproduces_the_input() {
        let c = coefficients();
        assert!((c[6][0] - 1.0).abs() < 1e-7);
        for (k, row) in c.iter().enumerate() {
            if k != 6 {
                assert!(row[0].abs() < 1e-7, "{k}: {}", row[0]);
            }
        }
    }

    #[test]
    fn a_quarter_rate_sine_sampled_at_45_degrees_reads_its_amplitude() {
        // Samples at +-0.354 (-9 dBFS), the waveform reaches 0.5 (-6 dBTP).
        let x = sine(48000.0, 12000.0, 0.5, 45.0, 1.0);
        let mut tp = TruePeak::new(1);
        for block in x.chunks(1000) {
            tp.push(&[block]);
        }
        let v = db(tp.finish());
        assert!((-6.4..=-5.8).contains(&v), "{v}");
    }

    #[test]
    fn skipping_blocks_changes_nothing() {
        // A loud burst first, then a long quieter part: most of it skipped.
        let mut x = sine(44100.0, 997.0, 0.9, 0.0, 0.1);
        x.extend(sine(44100.0, 5000.0, 0.3, 10.0, 2.0));
        x.push(0.95);
        x.extend(sine(44100.0, 11025.0, 0.1, 45.0, 1.0));
        let meter = TruePeak::new(1);
        let mut padded = vec![0.0; SPAN - 1];
        padded.extend_from_slice(&x);
        padded.extend(vec![0.0; SPAN]);
        let fast = scan(&padded, &meter.folded, meter.gain, 0.0);
        let full = scan(&padded, &meter.folded, f32::INFINITY, 0.0);
        assert_eq!(fast, full);
        let mut tp = TruePeak::new(1);
        tp.push(&[&x]);
        assert_eq!(tp.finish(), full);
    }
}
