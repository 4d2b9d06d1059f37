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
    coef: [[f32; FACTOR]; SPAN],
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
            coef,
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
            self.max = scan(work, &self.coef, self.gain, self.max);
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

/// The largest interpolated value of `x` (whose first `SPAN - 1` values
/// are history), or `max` if none is larger. Phase 0 reproduces the input
/// (its only non-zero tap is the centre), so only phases 1 to 3 are
/// computed; the sample peak covers phase 0.
fn scan(x: &[f32], coef: &[[f32; FACTOR]; SPAN], gain: f32, mut max: f32) -> f32 {
    let outputs = x.len().saturating_sub(SPAN - 1);
    let mut y = [0f32; CHUNK];
    let mut start = 0;
    while start < outputs {
        let end = (start + CHUNK).min(outputs);
        // Inputs that outputs start..end depend on.
        let bound = x[start..end + SPAN - 1]
            .iter()
            .fold(0f32, |m, v| m.max(v.abs()));
        if bound * gain > max {
            let len = end - start;
            for p in 1..FACTOR {
                let y = &mut y[..len];
                y.fill(0.0);
                // One tap at a time over the whole chunk: a multiply-add
                // per output that vectorises without shuffles. Delay k of
                // output n is x[n + SPAN - 1 - k].
                for (k, c) in coef.iter().enumerate().take(SPAN - 1) {
                    let from = start + SPAN - 1 - k;
                    let cp = c[p];
                    for (out, v) in y.iter_mut().zip(&x[from..from + len]) {
                        *out += cp * v;
                    }
                }
                max = y.iter().fold(max, |m, v| m.max(v.abs()));
            }
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
        let fast = scan(&padded, &meter.coef, meter.gain, 0.0);
        let full = scan(&padded, &meter.coef, f32::INFINITY, 0.0);
        assert_eq!(fast, full);
        let mut tp = TruePeak::new(1);
        tp.push(&[&x]);
        assert_eq!(tp.finish(), full);
    }
}
