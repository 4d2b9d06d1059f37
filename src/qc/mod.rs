//! Delivery QC from the audio itself (`--qc`): loudness, true peak,
//! clipping, silence, DC offset, identical channels, the bits a master
//! really uses, and spectra that give away an upsampled or lossy source.
//!
//! Nothing here reads a file. The verifiers of each container
//! (`formats/*/verify.rs`, `formats/pcm.rs`) decode every frame anyway; with
//! `--qc` they hand each decoded block to an [`Analysis`], in the same pass
//! that checks the frames and feeds the digests, and the finished
//! analysis is the record's [`Qc`]. Integer samples come as integers of a
//! stated depth (PCM, FLAC, ALAC), float samples as floats (float PCM, and
//! the lossy decoders' output).
//!
//! * [`loudness`]: integrated loudness, loudness range, largest momentary
//!   and short-term loudness (ITU-R BS.1770-4, EBU R 128, Tech 3342);
//! * [`peak`]: true peak, four times oversampled (BS.1770-4 Annex 2);
//! * [`levels`]: sample peak, clipping, silence, DC, dual mono,
//!   correlation, effective bit depth;
//! * [`spectrum`]: bandwidth, upsampling and lossy-source detection;
//! * [`summary`]: the loudness spread and finding counts of a catalog.
//!
//! Every figure is derived from the decoded samples; counts and silences
//! are exact sample counts. The loudness core is ddexprobe's own rather
//! than the `ebur128` crate's: the crate is correct, but measured on the
//! same 300 s of 44.1 kHz stereo it took 1.22 s (0.32 s without true
//! peak), against ffmpeg's 1.47 s, where this one shares one conversion
//! per block with every other measure and skips the oversampling wherever
//! it provably cannot raise the peak (see `README.md` for the figures).

pub mod levels;
pub mod loudness;
pub mod peak;
pub mod spectrum;
pub mod summary;

use serde::{Deserialize, Serialize};

/// The largest sample rate analysed: beyond it the windows and spectra
/// would be sized by a header value nothing real uses.
pub const MAX_RATE: u32 = 768_000;
/// The most channels analysed (ADM masters carry up to 128).
pub const MAX_CHANNELS: usize = 128;

/// How the analysis judges what it measures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Samples at or below this level (dBFS) count as silence.
    pub silence_threshold: f64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            silence_threshold: -60.0,
        }
    }
}

/// What kind of samples the stream decodes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Integers of this many valid bits (PCM, FLAC, ALAC).
    Integer(u32),
    /// The file's own float samples (float PCM), of this many bits.
    Float(u32),
    /// A lossy decoder's output: no bit depth, no exact values.
    Lossy,
}

/// What `--qc` found in the audio, as the record's `qc` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Qc {
    /// Whether the audio was analysed; when not, `reason` says why and
    /// every figure is null.
    pub analysed: bool,
    /// Why the audio was not analysed, or where the analysis stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Sample frames analysed.
    pub analysed_samples: u64,
    /// LUFS, BS.1770-4 with both gates (null: nothing above −70 LUFS).
    pub integrated_loudness: Option<f64>,
    /// LU, EBU Tech 3342 (null: under 3 s, or nothing above the gates).
    pub loudness_range: Option<f64>,
    /// LUFS, largest 400 ms window.
    pub max_momentary_loudness: Option<f64>,
    /// LUFS, largest 3 s window.
    pub max_short_term_loudness: Option<f64>,
    /// dBTP, largest over channels, four times oversampled.
    pub true_peak: Option<f64>,
    /// dBFS, largest sample magnitude over channels.
    pub sample_peak: Option<f64>,
    /// Samples at full scale (integers) or beyond 1.0 (floats).
    pub clipped_samples: Option<u64>,
    /// Runs of three or more clipped samples in one channel.
    pub clip_events: Option<u64>,
    /// Seconds before the first sample above the silence threshold.
    pub leading_silence: Option<f64>,
    /// Seconds after the last sample above the silence threshold.
    pub trailing_silence: Option<f64>,
    /// Whether no sample rises above the silence threshold.
    pub silent: Option<bool>,
    /// The silence threshold used, dBFS.
    pub silence_threshold: f64,
    /// Largest absolute per-channel mean, fraction of full scale.
    pub dc_offset: Option<f64>,
    /// Whether every channel equals the first within −90 dBFS, with
    /// signal (null for mono).
    pub dual_mono: Option<bool>,
    /// Correlation of the first two channels, −1 to 1.
    pub stereo_correlation: Option<f64>,
    /// The bits the samples use (null for lossy sources).
    pub effective_bit_depth: Option<u32>,
    /// The likely original rate of a master with nothing above that
    /// rate's Nyquist frequency.
    pub upsampled_from: Option<u32>,
    /// Whether the spectrum shows a lossy encoder's lowpass.
    pub lossy_source: Option<bool>,
    /// Highest frequency with content, Hz.
    pub bandwidth_hz: Option<u32>,
}

impl Qc {
    /// The record of audio that could not be analysed, and why.
    pub fn not_analysed(reason: impl Into<String>, settings: &Settings) -> Qc {
        Qc {
            analysed: false,
            reason: Some(reason.into()),
            analysed_samples: 0,
            integrated_loudness: None,
            loudness_range: None,
            max_momentary_loudness: None,
            max_short_term_loudness: None,
            true_peak: None,
            sample_peak: None,
            clipped_samples: None,
            clip_events: None,
            leading_silence: None,
            trailing_silence: None,
            silent: None,
            silence_threshold: settings.silence_threshold,
            dc_offset: None,
            dual_mono: None,
            stereo_correlation: None,
            effective_bit_depth: None,
            upsampled_from: None,
            lossy_source: None,
            bandwidth_hz: None,
        }
    }
}

/// An analysis in progress, fed decoded blocks in stream order.
pub struct Analysis {
    rate: u32,
    channels: usize,
    source: Source,
    settings: Settings,
    loudness: loudness::Loudness,
    peak: peak::TruePeak,
    spectrum: spectrum::Spectrum,
    levels: levels::Levels,
    /// Normalised samples of the block being analysed, per channel.
    scratch: Vec<Vec<f32>>,
    /// Why the analysis stopped, when it did.
    stopped: Option<String>,
}

impl Analysis {
    /// An analysis of a stream of `channels` channels at `rate` Hz, or the
    /// reason it cannot be analysed. `mask` is the WAV channel mask, when
    /// declared, for the loudness weights.
    pub fn new(
        rate: u32,
        channels: u32,
        mask: Option<u32>,
        source: Source,
        settings: Settings,
    ) -> Result<Analysis, String> {
        if rate == 0 || rate > MAX_RATE {
            return Err(format!(
                "a sample rate of {rate} Hz is outside what QC analyses (1 to {MAX_RATE} Hz)"
            ));
        }
        let n = channels as usize;
        if n == 0 || n > MAX_CHANNELS {
            return Err(format!(
                "{channels} channels is outside what QC analyses (1 to {MAX_CHANNELS})"
            ));
        }
        Ok(Analysis {
            rate,
            channels: n,
            source,
            settings,
            loudness: loudness::Loudness::new(rate, loudness::channel_weights(n, mask)),
            peak: peak::TruePeak::new(n),
            spectrum: spectrum::Spectrum::new(rate, n),
            levels: levels::Levels::new(n, settings.silence_threshold),
            scratch: vec![Vec::new(); n],
            stopped: None,
        })
    }

    /// Whether the block's shape fits the stream; stop the analysis when
    /// it does not.
    fn accepts(&mut self, channels: usize) -> bool {
        if self.stopped.is_some() {
            return false;
        }
        if channels != self.channels {
            self.stopped = Some(format!(
                "the stream changes from {} to {channels} channels; the analysis stopped there",
                self.channels
            ));
            return false;
        }
        true
    }

    /// Add a block of integer samples, right-justified, of `bits` valid
    /// bits (1 to 32), one slice per channel.
    pub fn push_int(&mut self, planes: &[&[i32]], bits: u32) {
        if !self.accepts(planes.len()) {
            return;
        }
        let bits = bits.clamp(2, 32);
        self.levels.push_int(planes, bits);
        let scale = 1.0 / (1u64 << (bits - 1)) as f32;
        for (plane, out) in planes.iter().zip(self.scratch.iter_mut()) {
            out.clear();
            out.extend(plane.iter().map(|&v| v as f32 * scale));
        }
        self.analyse_scratch();
    }

    /// Add a block of integer samples as [`Analysis::push_int`] does, from
    /// 64-bit values (FLAC's 32-bit side channels).
    pub fn push_wide(&mut self, planes: &[&[i64]], bits: u32) {
        let narrow: Vec<Vec<i32>> = planes
            .iter()
            .map(|p| {
                p.iter()
                    .map(|&v| v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
                    .collect()
            })
            .collect();
        let refs: Vec<&[i32]> = narrow.iter().map(Vec::as_slice).collect();
        self.push_int(&refs, bits);
    }

    /// Add a block of float samples (full scale 1.0), one slice per
    /// channel. Values that are not finite count as zero.
    pub fn push_float(&mut self, planes: &[&[f32]]) {
        if !self.accepts(planes.len()) {
            return;
        }
        for (plane, out) in planes.iter().zip(self.scratch.iter_mut()) {
            out.clear();
            out.extend(plane.iter().map(|&v| if v.is_finite() { v } else { 0.0 }));
        }
        let scratch = std::mem::take(&mut self.scratch);
        {
            let refs: Vec<&[f32]> = scratch.iter().map(Vec::as_slice).collect();
            self.levels
                .push_float(&refs, matches!(self.source, Source::Float(_)));
        }
        self.scratch = scratch;
        self.analyse_scratch();
    }

    /// Stop the analysis: what follows cannot be decoded (`why`).
    pub fn stop(&mut self, why: impl Into<String>) {
        if self.stopped.is_none() {
            self.stopped = Some(why.into());
        }
    }

    /// Run the normalised block in `scratch` through the measures that
    /// work on it.
    fn analyse_scratch(&mut self) {
        let refs: Vec<&[f32]> = self.scratch.iter().map(Vec::as_slice).collect();
        self.loudness.push(&refs);
        self.peak.push(&refs);
        for (c, plane) in refs.iter().enumerate() {
            self.spectrum.push(c, plane);
        }
        self.levels.push_normalised(&refs);
    }

    /// The record's `qc` object for everything fed; an analysis that saw
    /// no sample says why.
    pub fn finish(self) -> Qc {
        let settings = self.settings;
        let (bits, float_bits) = match self.source {
            Source::Integer(b) => (Some(b.clamp(2, 32)), 32),
            Source::Float(b) => (None, b.clamp(1, 64)),
            Source::Lossy => (None, 32),
        };
        let stats = self.levels.finish(self.rate, bits, float_bits);
        let readings = self.loudness.finish();
        let true_peak = f64::from(self.peak.finish()).max(stats.peak);
        let spectral = self.spectrum.finish();
        let db = |v: f64| (v > 0.0).then(|| round(20.0 * v.log10(), 2));
        let analysed_samples = self.levels.frames();
        if analysed_samples == 0 {
            let why = self
                .stopped
                .unwrap_or_else(|| "no audio could be decoded".to_string());
            return Qc::not_analysed(why, &settings);
        }
        Qc {
            analysed: true,
            reason: self.stopped,
            analysed_samples,
            integrated_loudness: readings.integrated.map(|v| round(v, 2)),
            loudness_range: readings.range.map(|v| round(v, 2)),
            max_momentary_loudness: readings.max_momentary.map(|v| round(v, 2)),
            max_short_term_loudness: readings.max_short_term.map(|v| round(v, 2)),
            true_peak: db(true_peak),
            sample_peak: db(stats.peak),
            clipped_samples: Some(stats.clipped),
            clip_events: Some(stats.events),
            leading_silence: Some(round(stats.leading, 6)),
            trailing_silence: Some(round(stats.trailing, 6)),
            silent: Some(stats.silent),
            silence_threshold: settings.silence_threshold,
            dc_offset: Some(significant(stats.dc, 3)),
            dual_mono: stats.dual_mono,
            stereo_correlation: stats.correlation.map(|v| round(v, 3)),
            effective_bit_depth: match self.source {
                Source::Lossy => None,
                _ => stats.effective_bits,
            },
            upsampled_from: spectral.upsampled_from,
            lossy_source: spectral.lossy_source,
            bandwidth_hz: spectral.bandwidth_hz,
        }
    }
}

/// The largest of `values` (0 when empty), in eight lanes the compiler
/// keeps in vector registers. `f32::max` would be one value at a time: it
/// must pass NaN by, and there is none here (samples that are not finite
/// are zero before they arrive).
#[inline]
pub(crate) fn lanes_max(values: impl Iterator<Item = f32>) -> f32 {
    let mut lanes = [0f32; 8];
    let mut values = values.peekable();
    while values.peek().is_some() {
        for lane in lanes.iter_mut() {
            let Some(v) = values.next() else { break };
            *lane = if v > *lane { v } else { *lane };
        }
    }
    lanes.iter().fold(0f32, |m, &l| if l > m { l } else { m })
}

/// The largest magnitude in `values` (0 when empty).
#[inline]
pub(crate) fn abs_max(values: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let chunks = values.chunks_exact(8);
    let rest = chunks.remainder();
    for chunk in chunks {
        for (lane, v) in lanes.iter_mut().zip(chunk) {
            let a = v.abs();
            *lane = if a > *lane { a } else { *lane };
        }
    }
    for v in rest {
        let a = v.abs();
        lanes[0] = if a > lanes[0] { a } else { lanes[0] };
    }
    lanes.iter().fold(0f32, |m, &l| if l > m { l } else { m })
}

/// `v` rounded to `places` decimals.
fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
}

/// `v` rounded to `digits` significant digits.
fn significant(v: f64, digits: i32) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return 0.0;
    }
    let places = digits - 1 - v.abs().log10().floor() as i32;
    round(v, places.clamp(0, 15))
}
