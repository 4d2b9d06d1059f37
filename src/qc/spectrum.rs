//! Bandwidth, upsampled masters and lossy sources, from the averaged spectrum.
//!
//! A [`Spectrum`] is fed the decoded samples of every channel, block by
//! block, and [`Spectrum::finish`] reads three [`Findings`] off the power
//! spectrum averaged over the whole file:
//!
//! * the audio bandwidth: where the content ends;
//! * a master upsampled from a lower rate ("fake hi-res"): nothing above the
//!   Nyquist frequency of a standard lower rate;
//! * a lossless file decoded from a lossy source: the brick-wall lowpass that
//!   MP3 and AAC encoders put around 15 to 20 kHz.
//!
//! # Averaging
//!
//! Each channel is cut into non-overlapping frames of N samples (N = 4096 up
//! to 48 kHz, 8192 up to 96 kHz, 16384 above: bins of 10 to 12 Hz); a frame
//! left incomplete at the end of a block is completed by the next block. Each
//! frame is Hann-windowed and transformed (a real FFT planned once, with
//! buffers reused, so nothing is allocated per frame), and its power per bin
//! is added, in `f64`, to its channel's sums. Frames of digital silence (mean
//! square at most -200 dBFS) are skipped. Non-finite samples count as 0, and
//! so do samples beyond ±10⁶ (120 dB over full scale), so that no sum can
//! overflow. Memory is bounded by N and the channel count (at most 64
//! channels are analysed), never by the length of the input; the sums of the
//! channels are added in channel order at the end, so the findings do not
//! depend on how the samples were split into blocks.
//!
//! # Reading the spectrum
//!
//! The bins are grouped into bands of about 215 Hz, each with its mean power
//! in dB (zero power is -300 dB; the two lowest bins, where a DC offset
//! lands, are left out). For a band edge `e`, the *contrast* is the
//! level of the 1.5 kHz just below `e` (mean power of its bands) minus the
//! loudest band from `e` + 500 Hz (the guard, which leaves room for a filter's
//! transition band) up to the Nyquist frequency. Scanning down from the
//! Nyquist frequency, the first edge with a contrast of 25 dB or more is a
//! brick wall: content that rolls off naturally (6 to 24 dB per octave, even
//! where it meets a dither floor) loses a few dB over such a span, a lowpass
//! filter loses 60 dB and more. Within 2 kHz below that first edge, the edge
//! of greatest contrast places the passband (the 1.5 kHz below it) and the
//! floor (the loudest band above its guard); the cutoff is then the highest
//! point, in steps of about 50 Hz, still within 20 dB of the passband (or
//! half-way down to the floor, for a shallow wall).
//!
//! * `bandwidth_hz` is that cutoff, or the Nyquist frequency without a wall.
//! * `upsampled_from` is the smallest of 44.1, 48, 88.2, 96 and 176.4 kHz,
//!   below the file's rate, with the cutoff between 85 % and 101 % of its
//!   Nyquist frequency (a resampler's passband ends a little below the old
//!   Nyquist frequency; the -20 dB point can be a little above it).
//! * `lossy_source` is true for a cutoff between 10 and 20.5 kHz that is also
//!   below 90 % of the Nyquist frequency of the original rate (the upsampled
//!   one, else the file's). A genuine 44.1 kHz recording, whose converter
//!   passes 20 kHz and more, is not flagged.
//!
//! All three are `None` for under 0.9 s of non-silent audio on every
//! channel: too little to average.
//!
//! # Limits
//!
//! The wall is what the spectrum shows, not its cause: a master resampled
//! from 32 kHz or lowpassed on purpose at 16 kHz looks like a lossy source,
//! and an encoder that keeps everything up to 20 kHz (MP3 at 320 kbit/s,
//! AAC at 256 kbit/s) leaves no mark below 90 % of 22.05 kHz. A lossy file
//! upsampled to a higher rate shows the encoder's wall, the highest one: it is
//! flagged lossy, but `upsampled_from` stays `None`; the images a poor
//! upsampler leaves above the old Nyquist frequency count as content. A wall
//! less than 25 dB over what lies above it (quiet 16-bit material with little
//! treble, over its dither) goes unseen. Content ending low (a test tone, a
//! bass stem) gives a low bandwidth and neither flag.

use std::sync::Arc;

use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};

/// Highest sample rate analysed, in Hz.
const MAX_RATE: u32 = 768_000;
/// Most channels analysed; the rest are ignored.
const MAX_CHANNELS: usize = 64;
/// Largest sample magnitude taken as is; beyond it (or not finite), 0.
const MAX_SAMPLE: f32 = 1e6;
/// A frame whose mean square is at most this (-200 dBFS) is digital silence.
const SILENCE: f64 = 1e-20;
/// Least non-silent audio, in seconds on the busiest channel, to judge.
const MIN_SECONDS: f64 = 0.9;
/// Width of the bands the wall is looked for in.
const BAND_HZ: f64 = 215.0;
/// Width of the steps the cutoff is placed in.
const STEP_HZ: f64 = 50.0;
/// Span below an edge whose level is compared with the tail above it.
const BELOW_HZ: f64 = 1500.0;
/// Gap between an edge and the tail, for a filter's transition band.
const GUARD_HZ: f64 = 500.0;
/// How far below the first wall edge the best-placed edge is looked for.
const SEARCH_HZ: f64 = 2000.0;
/// Least contrast, in dB, between the content below an edge and the tail.
const WALL_DB: f64 = 25.0;
/// How far below the passband level the cutoff is placed, at most, in dB.
const EDGE_DB: f64 = 20.0;
/// The level of zero power, in dB.
const FLOOR_DB: f64 = -300.0;
/// Standard rates a master may have been upsampled from, smallest first.
const ORIGINAL_RATES: [u32; 5] = [44_100, 48_000, 88_200, 96_000, 176_400];

/// What the averaged spectrum shows.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Findings {
    /// Highest frequency with content (Hz, rounded to whole Hz): the cutoff
    /// when a brick wall is found, the Nyquist frequency when the content
    /// reaches it; `None` when too little signal to tell (silent, or under
    /// ~1 s of non-silent audio).
    pub bandwidth_hz: Option<u32>,
    /// The likely original rate when there is no content above its Nyquist
    /// frequency (candidates 44100, 48000, 88200, 96000, 176400 below the
    /// file's rate), else `None`.
    pub upsampled_from: Option<u32>,
    /// `Some(true)` when the spectrum shows a lossy encoder's lowpass;
    /// `Some(false)` when analysed and not; `None` when not enough signal.
    pub lossy_source: Option<bool>,
}

/// Averaged power spectrum of every channel, fed block by block.
pub struct Spectrum {
    rate: u32,
    /// The transform and its buffers; `None` when nothing is analysed.
    analyser: Option<Analyser>,
    /// One per analysed channel.
    channels: Vec<Channel>,
}

/// A planned real FFT, its window and its buffers.
struct Analyser {
    fft: Arc<dyn RealToComplex<f32>>,
    window: Vec<f32>,
    input: Vec<f32>,
    output: Vec<Complex<f32>>,
    scratch: Vec<Complex<f32>>,
}

/// What one channel has accumulated.
#[derive(Default)]
struct Channel {
    /// Samples of a frame not yet complete.
    pending: Vec<f32>,
    /// Power per bin summed over the non-silent frames; empty until the
    /// channel's first block.
    power: Vec<f64>,
    /// Non-silent frames summed.
    frames: u64,
}

impl Spectrum {
    /// A spectrum of `channels` channels at `rate` Hz. Only the first 64
    /// channels are analysed (blocks of the others are ignored). A rate of 0
    /// or over 768 kHz, or no channels, gives a spectrum that analyses
    /// nothing and finishes with every finding `None`.
    pub fn new(rate: u32, channels: usize) -> Spectrum {
        let analysed = channels.min(MAX_CHANNELS);
        if rate == 0 || rate > MAX_RATE || analysed == 0 {
            return Spectrum {
                rate,
                analyser: None,
                channels: Vec::new(),
            };
        }
        let size = frame_size(rate);
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(size);
        // The periodic Hann window.
        let window = (0..size)
            .map(|i| {
                let phase = std::f64::consts::TAU * i as f64 / size as f64;
                (0.5 - 0.5 * phase.cos()) as f32
            })
            .collect();
        let analyser = Analyser {
            window,
            input: fft.make_input_vec(),
            output: fft.make_output_vec(),
            scratch: fft.make_scratch_vec(),
            fft,
        };
        Spectrum {
            rate,
            analyser: Some(analyser),
            channels: (0..analysed).map(|_| Channel::default()).collect(),
        }
    }

    /// One block of samples of channel `channel`, normalised so full scale is
    /// 1.0. Blocks of all channels are pushed in turn with equal lengths
    /// (channel 0 block, channel 1 block, ...); block lengths vary from call to
    /// call (1 to 65536 samples). Non-finite samples count as 0.
    pub fn push(&mut self, channel: usize, samples: &[f32]) {
        let Some(analyser) = self.analyser.as_mut() else {
            return;
        };
        let Some(state) = self.channels.get_mut(channel) else {
            return;
        };
        let size = analyser.input.len();
        if state.power.is_empty() {
            state.power = vec![0.0; analyser.output.len()];
            state.pending.reserve_exact(size);
        }
        let mut rest = samples;
        if !state.pending.is_empty() {
            // Complete the frame an earlier block began.
            let take = (size - state.pending.len()).min(rest.len());
            state.pending.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if state.pending.len() < size {
                return;
            }
            state.frames += u64::from(analyser.add_frame(&state.pending, &mut state.power));
            state.pending.clear();
        }
        let mut frames = rest.chunks_exact(size);
        for frame in &mut frames {
            state.frames += u64::from(analyser.add_frame(frame, &mut state.power));
        }
        state.pending.extend_from_slice(frames.remainder());
    }

    /// Read the findings off the spectrum averaged over everything pushed.
    pub fn finish(self) -> Findings {
        let Some(analyser) = &self.analyser else {
            return Findings::default();
        };
        let size = analyser.input.len();
        let frames = self.channels.iter().map(|c| c.frames).max().unwrap_or(0);
        if (frames as f64) * (size as f64) < MIN_SECONDS * f64::from(self.rate) {
            return Findings::default();
        }
        let mut power = vec![0.0; analyser.output.len()];
        for channel in &self.channels {
            for (sum, p) in power.iter_mut().zip(&channel.power) {
                *sum += p;
            }
        }
        // An offset is not content: leave out the DC bin and the next one,
        // where the window spreads it.
        for bin in power.iter_mut().take(2) {
            *bin = 0.0;
        }
        examine(&power, self.rate, size)
    }
}

impl Analyser {
    /// Add the power spectrum of one frame (`input.len()` samples) to
    /// `power`, unless it is digital silence. Returns whether it was added.
    fn add_frame(&mut self, frame: &[f32], power: &mut [f64]) -> bool {
        // Eight running sums, so that the loop vectorises.
        let mut squares = [0.0f32; 8];
        let lanes = self
            .input
            .chunks_exact_mut(8)
            .zip(self.window.chunks_exact(8))
            .zip(frame.chunks_exact(8));
        for ((input, window), samples) in lanes {
            for (((x, &w), &s), sum) in input.iter_mut().zip(window).zip(samples).zip(&mut squares)
            {
                // Not finite or absurd: 0 (NaN fails every comparison).
                let s = if s.abs() <= MAX_SAMPLE { s } else { 0.0 };
                *sum += s * s;
                *x = s * w;
            }
        }
        let energy: f64 = squares.iter().map(|&s| f64::from(s)).sum();
        if energy <= SILENCE * self.input.len() as f64 {
            return false;
        }
        // The lengths are the planned ones: this cannot fail.
        if self
            .fft
            .process_with_scratch(&mut self.input, &mut self.output, &mut self.scratch)
            .is_err()
        {
            return false;
        }
        for (sum, bin) in power.iter_mut().zip(&self.output) {
            *sum += f64::from(bin.norm_sqr());
        }
        true
    }
}

/// The FFT size for `rate`: bins of 10 to 12 Hz at the usual rates.
fn frame_size(rate: u32) -> usize {
    match rate {
        0..=48_000 => 4096,
        48_001..=96_000 => 8192,
        _ => 16_384,
    }
}

/// The findings from the power per bin (`size / 2 + 1` bins) at `rate`.
fn examine(power: &[f64], rate: u32, size: usize) -> Findings {
    let nyquist = f64::from(rate) / 2.0;
    let Some(cutoff) = find_wall(power, f64::from(rate) / size as f64) else {
        return Findings {
            bandwidth_hz: Some(nyquist.round() as u32),
            upsampled_from: None,
            lossy_source: Some(false),
        };
    };
    let cutoff = cutoff.min(nyquist);
    let upsampled_from = ORIGINAL_RATES.into_iter().find(|&original| {
        let old_nyquist = f64::from(original) / 2.0;
        original < rate && (0.85 * old_nyquist..=1.01 * old_nyquist).contains(&cutoff)
    });
    let original_nyquist = f64::from(upsampled_from.unwrap_or(rate)) / 2.0;
    let lossy = (10_000.0..=20_500.0).contains(&cutoff) && cutoff < 0.9 * original_nyquist;
    Findings {
        bandwidth_hz: Some(cutoff.round() as u32),
        upsampled_from,
        lossy_source: Some(lossy),
    }
}

/// The cutoff of the highest brick wall in the spectrum, in Hz, if any
/// (bins `bin_hz` apart, from 0 Hz).
fn find_wall(power: &[f64], bin_hz: f64) -> Option<f64> {
    let bins = |hz: f64| ((hz / bin_hz).round() as usize).max(1);
    let band = bins(BAND_HZ);
    let band_hz = band as f64 * bin_hz;
    let bands: Vec<f64> = power.chunks(band).map(mean).collect();
    let guard = ((GUARD_HZ / band_hz).ceil() as usize).max(1);
    let width = ((BELOW_HZ / band_hz).round() as usize).max(1);
    let search = (SEARCH_HZ / band_hz).round() as usize;

    // tail[b]: the level of the loudest band from band b up.
    let mut tail = vec![f64::NEG_INFINITY; bands.len() + 1];
    for b in (0..bands.len()).rev() {
        tail[b] = tail[b + 1].max(db(bands[b]));
    }
    // The level of the bands just below edge e (bands e - width .. e).
    let below = |e: usize| db(mean(&bands[e.saturating_sub(width)..e]));
    let contrast = |e: usize| below(e) - tail[e + guard];

    // Edges with content below and a tail above: 1 ..= last.
    let last = bands.len().checked_sub(guard + 1)?;
    let first = (1..=last).rev().find(|&e| contrast(e) >= WALL_DB)?;
    // The best-placed edge near it, the highest of equals.
    let edge = (first.saturating_sub(search).max(1)..=first)
        .max_by(|&a, &b| contrast(a).total_cmp(&contrast(b)))
        .unwrap_or(first);

    let passband = below(edge);
    let threshold = passband - EDGE_DB.min(contrast(edge) / 2.0);
    // The highest step still up to the threshold, down from the tail.
    let step = bins(STEP_HZ);
    let low = edge.saturating_sub(width) * band;
    let mut top = ((edge + guard) * band).min(power.len());
    while top > low {
        let start = top.saturating_sub(step).max(low);
        if db(mean(&power[start..top])) >= threshold {
            // The middle of the step.
            return Some((start + top - 1) as f64 / 2.0 * bin_hz);
        }
        top = start;
    }
    Some(edge as f64 * band_hz)
}

/// The mean of `values`, 0 for none.
fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.iter().sum::<f64>() / values.len() as f64
}

/// A power in dB, at least [`FLOOR_DB`].
fn db(power: f64) -> f64 {
    if power > 0.0 {
        (10.0 * power.log10()).max(FLOOR_DB)
    } else {
        FLOOR_DB
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// xorshift64*: deterministic noise without a dependency.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        /// Uniform in [-1, 1).
        fn uniform(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 52) as f64 - 1.0
        }

        /// Uniform in `1..=max`.
        fn length(&mut self, max: usize) -> usize {
            (self.next() % max as u64) as usize + 1
        }
    }

    /// `seconds` of white noise at `rate`, uniform in ±`peak`.
    fn noise(rng: &mut Rng, rate: u32, seconds: f64, peak: f64) -> Vec<f64> {
        let len = (f64::from(rate) * seconds) as usize;
        (0..len).map(|_| peak * rng.uniform()).collect()
    }

    /// The modified Bessel function I0, for the Kaiser window.
    fn bessel_i0(x: f64) -> f64 {
        let mut sum = 1.0;
        let mut term = 1.0;
        for k in 1..60 {
            term *= (x / 2.0 / k as f64).powi(2);
            sum += term;
        }
        sum
    }

    /// Linear-phase lowpass: a Kaiser-windowed sinc (beta 12, about -117 dB
    /// in the stopband) of `taps` taps, -6 dB at `cutoff`. The output is
    /// shorter than the input by `taps - 1` samples.
    fn lowpass(signal: &[f64], rate: u32, cutoff: f64, taps: usize) -> Vec<f64> {
        let beta = 12.0;
        let middle = (taps - 1) as f64 / 2.0;
        let fc = cutoff / f64::from(rate);
        let kernel: Vec<f64> = (0..taps)
            .map(|i| {
                let t = i as f64 - middle;
                let sinc = if t == 0.0 {
                    2.0 * fc
                } else {
                    (std::f64::consts::TAU * fc * t).sin() / (std::f64::consts::PI * t)
                };
                let r = t / middle;
                sinc * bessel_i0(beta * (1.0 - r * r).sqrt()) / bessel_i0(beta)
            })
            .collect();
        signal
            .windows(taps)
            .map(|w| w.iter().zip(&kernel).map(|(x, h)| x * h).sum())
            .collect()
    }

    /// Quantise to 16 bits with TPDF dither, back to floats.
    fn dither_16(rng: &mut Rng, signal: &[f64]) -> Vec<f64> {
        signal
            .iter()
            .map(|&x| {
                let tpdf = (rng.uniform() + rng.uniform()) / 2.0;
                ((x * 32768.0 + tpdf).round().clamp(-32768.0, 32767.0)) / 32768.0
            })
            .collect()
    }

    fn to_f32(signal: &[f64]) -> Vec<f32> {
        signal.iter().map(|&x| x as f32).collect()
    }

    /// Push `channels` (of equal lengths) in blocks of `block` samples.
    fn measure(rate: u32, channels: &[Vec<f32>], block: usize) -> Findings {
        let mut spectrum = Spectrum::new(rate, channels.len());
        let len = channels.first().map_or(0, Vec::len);
        let mut at = 0;
        while at < len {
            let end = (at + block).min(len);
            for (c, samples) in channels.iter().enumerate() {
                spectrum.push(c, &samples[at..end]);
            }
            at = end;
        }
        spectrum.finish()
    }

    fn measure_mono(rate: u32, signal: &[f64]) -> Findings {
        measure(rate, &[to_f32(signal)], 4800)
    }

    fn assert_near(found: Option<u32>, expected: f64, tolerance: f64) {
        let found = found.expect("a bandwidth") as f64;
        assert!(
            (found - expected).abs() <= tolerance,
            "bandwidth {found} Hz, expected {expected} ± {tolerance}"
        );
    }

    #[test]
    fn white_noise_reaches_nyquist() {
        let mut rng = Rng(1);
        let left = to_f32(&noise(&mut rng, 44_100, 10.0, 0.5));
        let right = to_f32(&noise(&mut rng, 44_100, 10.0, 0.5));
        let findings = measure(44_100, &[left, right], 1152);
        assert_eq!(
            findings,
            Findings {
                bandwidth_hz: Some(22_050),
                upsampled_from: None,
                lossy_source: Some(false),
            }
        );
    }

    #[test]
    fn genuine_96k_is_not_upsampled() {
        let mut rng = Rng(2);
        let findings = measure_mono(96_000, &noise(&mut rng, 96_000, 3.0, 0.5));
        assert_eq!(findings.bandwidth_hz, Some(48_000));
        assert_eq!(findings.upsampled_from, None);
        assert_eq!(findings.lossy_source, Some(false));
    }

    /// 96 kHz noise lowpassed at `cutoff`, over a -140 dBFS floor.
    fn upsampled_96k(seed: u64, cutoff: f64) -> Findings {
        let mut rng = Rng(seed);
        let white = noise(&mut rng, 96_000, 3.0, 0.5);
        let mut band_limited = lowpass(&white, 96_000, cutoff, 1023);
        for x in &mut band_limited {
            // Uniform in ±1.7e-7: 1e-7 RMS.
            *x += 1.7e-7 * rng.uniform();
        }
        measure_mono(96_000, &band_limited)
    }

    #[test]
    fn upsampled_from_44k() {
        let findings = upsampled_96k(3, 20_900.0);
        assert_eq!(findings.upsampled_from, Some(44_100));
        assert_near(findings.bandwidth_hz, 20_900.0, 500.0);
        assert_eq!(findings.lossy_source, Some(false));
    }

    #[test]
    fn upsampled_from_48k() {
        let findings = upsampled_96k(4, 23_000.0);
        assert_eq!(findings.upsampled_from, Some(48_000));
        assert_near(findings.bandwidth_hz, 23_000.0, 500.0);
        assert_eq!(findings.lossy_source, Some(false));
    }

    #[test]
    fn upsampled_from_88k() {
        let mut rng = Rng(12);
        let white = noise(&mut rng, 192_000, 2.0, 0.5);
        let findings = measure_mono(192_000, &lowpass(&white, 192_000, 42_000.0, 1023));
        assert_eq!(findings.upsampled_from, Some(88_200));
        assert_near(findings.bandwidth_hz, 42_000.0, 800.0);
        assert_eq!(findings.lossy_source, Some(false));
    }

    #[test]
    fn converter_lowpass_at_44k_is_not_lossy() {
        // A sample-rate converter's filter ends the band a little below the
        // Nyquist frequency: a wall, but not an encoder's.
        for (seed, cutoff) in [(13, 20_500.0), (14, 20_000.0)] {
            let mut rng = Rng(seed);
            let white = noise(&mut rng, 44_100, 4.0, 0.5);
            let converted = dither_16(&mut rng, &lowpass(&white, 44_100, cutoff, 1023));
            let findings = measure_mono(44_100, &converted);
            assert_near(findings.bandwidth_hz, cutoff, 500.0);
            assert_eq!(findings.upsampled_from, None);
            assert_eq!(findings.lossy_source, Some(false), "cutoff {cutoff} Hz");
        }
    }

    #[test]
    fn mp3_lowpass_is_a_lossy_source() {
        let mut rng = Rng(5);
        let white = noise(&mut rng, 44_100, 4.0, 0.5);
        let decoded = dither_16(&mut rng, &lowpass(&white, 44_100, 16_000.0, 1023));
        let findings = measure_mono(44_100, &decoded);
        assert_eq!(findings.lossy_source, Some(true));
        assert_near(findings.bandwidth_hz, 16_000.0, 500.0);
        assert_eq!(findings.upsampled_from, None);

        // The same wall under a spectrum falling like music's, 30 dB down at
        // 16 kHz, still well over the dither.
        let pink = pinkish(&noise(&mut rng, 44_100, 4.0, 0.9));
        let decoded = dither_16(&mut rng, &lowpass(&pink, 44_100, 16_000.0, 1023));
        let findings = measure_mono(44_100, &decoded);
        assert_eq!(findings.lossy_source, Some(true));
        assert_near(findings.bandwidth_hz, 16_000.0, 500.0);
    }

    /// `signal` through a one-pole lowpass at about 360 Hz: falling 6 dB per
    /// octave above, like the spectrum of much music.
    fn pinkish(signal: &[f64]) -> Vec<f64> {
        let mut y = 0.0;
        signal
            .iter()
            .map(|&x| {
                y += 0.05 * (x - y);
                y
            })
            .collect()
    }

    #[test]
    fn pink_noise_rolls_off_naturally() {
        let mut rng = Rng(6);
        let white = noise(&mut rng, 44_100, 4.0, 0.9);
        let findings = measure_mono(44_100, &dither_16(&mut rng, &pinkish(&white)));
        assert_eq!(findings.bandwidth_hz, Some(22_050));
        assert_eq!(findings.upsampled_from, None);
        assert_eq!(findings.lossy_source, Some(false));
    }

    #[test]
    fn steep_natural_rolloff_into_dither_is_not_a_wall() {
        // Four one-pole lowpasses at about 2 kHz (24 dB per octave), then the
        // 16-bit dither floor: the content sinks into it without a wall.
        let mut rng = Rng(7);
        let white = noise(&mut rng, 44_100, 4.0, 0.9);
        let mut poles = [0.0; 4];
        let dark: Vec<f64> = white
            .iter()
            .map(|&x| {
                let mut v = x;
                for p in &mut poles {
                    *p += 0.25 * (v - *p);
                    v = *p;
                }
                v
            })
            .collect();
        let findings = measure_mono(44_100, &dither_16(&mut rng, &dark));
        assert_eq!(findings.bandwidth_hz, Some(22_050));
        assert_eq!(findings.upsampled_from, None);
        assert_eq!(findings.lossy_source, Some(false));
    }

    #[test]
    fn sine_tone_has_a_low_bandwidth_and_no_flag() {
        let sine: Vec<f64> = (0..48_000 * 3)
            .map(|i| 0.5 * (std::f64::consts::TAU * 1000.0 * i as f64 / 48_000.0).sin())
            .collect();
        let findings = measure_mono(48_000, &sine);
        assert_eq!(findings.upsampled_from, None);
        assert_eq!(findings.lossy_source, Some(false));
        assert_near(findings.bandwidth_hz, 1000.0, 300.0);
    }

    #[test]
    fn silence_and_short_audio_tell_nothing() {
        let silence = vec![vec![0.0f32; 441_000], vec![0.0f32; 441_000]];
        assert_eq!(measure(44_100, &silence, 4096), Findings::default());

        let mut rng = Rng(8);
        let short = noise(&mut rng, 44_100, 0.2, 0.5);
        assert_eq!(measure_mono(44_100, &short), Findings::default());

        // 0.2 s of noise in 10 s of silence is still too little.
        let mut padded = vec![0.0; 441_000];
        padded[100_000..100_000 + short.len()].copy_from_slice(&short);
        assert_eq!(measure_mono(44_100, &padded), Findings::default());
    }

    #[test]
    fn dc_offset_is_not_content() {
        let mut rng = Rng(15);
        let quiet: Vec<f64> = noise(&mut rng, 44_100, 3.0, 0.001)
            .iter()
            .map(|x| x + 0.1)
            .collect();
        let findings = measure_mono(44_100, &quiet);
        assert_eq!(findings.bandwidth_hz, Some(22_050));
        assert_eq!(findings.lossy_source, Some(false));
    }

    #[test]
    fn block_lengths_do_not_matter() {
        let mut rng = Rng(9);
        let white = noise(&mut rng, 44_100, 6.0, 0.5);
        let left = to_f32(&lowpass(&white, 44_100, 16_000.0, 255));
        let right: Vec<f32> = left.iter().map(|x| -0.5 * x).collect();
        let whole = measure(44_100, &[left.clone(), right.clone()], left.len());

        let mut spectrum = Spectrum::new(44_100, 2);
        let mut at = 0;
        while at < left.len() {
            // Mostly short blocks, some long ones, up to 65536.
            let max = if rng.length(8) == 1 { 65_536 } else { 700 };
            let end = (at + rng.length(max)).min(left.len());
            spectrum.push(0, &left[at..end]);
            spectrum.push(1, &right[at..end]);
            at = end;
        }
        assert_eq!(spectrum.finish(), whole);
        assert_eq!(whole.lossy_source, Some(true));
    }

    #[test]
    fn odd_input_does_not_panic() {
        let mut rng = Rng(10);
        let block = to_f32(&noise(&mut rng, 44_100, 2.0, 0.5));

        for (rate, channels) in [
            (44_100, 0),
            (0, 2),
            (768_001, 2),
            (u32::MAX, 2),
            (1, 1),
            (8, 3),
            (768_000, 1000),
        ] {
            let mut spectrum = Spectrum::new(rate, channels);
            for channel in [0, 1, 63, 64, 999, usize::MAX] {
                spectrum.push(channel, &block);
                spectrum.push(channel, &[]);
                spectrum.push(channel, &block[..1]);
            }
            let findings = spectrum.finish();
            if rate == 0 || rate > MAX_RATE || channels == 0 {
                assert_eq!(findings, Findings::default());
            }
        }

        // Non-finite and absurd samples count as 0.
        let mut spoiled = block.clone();
        for (i, x) in spoiled.iter_mut().enumerate().step_by(97) {
            *x = [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, f32::MAX][i % 4];
        }
        let findings = measure(44_100, &[spoiled], 4096);
        assert_eq!(findings.bandwidth_hz, Some(22_050));
        assert_eq!(findings.lossy_source, Some(false));

        let nan = vec![f32::NAN; 88_200];
        assert_eq!(measure(44_100, &[nan], 4096), Findings::default());
    }

    #[test]
    fn spectrum_can_move_between_threads() {
        fn send<T: Send>(_: &T) {}
        send(&Spectrum::new(44_100, 2));
    }

    /// Throughput, in release mode:
    /// `cargo test --release --lib qc::spectrum -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn throughput() {
        let mut rng = Rng(11);
        for rate in [44_100, 96_000, 192_000] {
            let block = to_f32(&noise(&mut rng, rate, 10.0, 0.5));
            let rounds = 60;
            let start = std::time::Instant::now();
            let mut spectrum = Spectrum::new(rate, 1);
            for _ in 0..rounds {
                for chunk in block.chunks(4608) {
                    spectrum.push(0, chunk);
                }
            }
            let findings = spectrum.finish();
            let elapsed = start.elapsed().as_secs_f64();
            let seconds = 10.0 * f64::from(rounds);
            println!(
                "{seconds} s of one {rate} Hz channel in {elapsed:.3} s: {:.0}x realtime",
                seconds / elapsed
            );
            assert_eq!(findings.bandwidth_hz, Some(rate / 2));
        }
    }
}
