//! `--qc` on files with known answers, each with the negative twin that
//! must not be flagged: silence of exactly 2.5 s, a sine clipped by 20 dB,
//! a 16-bit signal in a 24-bit file, noise upsampled from 44.1 to 96 kHz
//! and genuine 96 kHz noise, noise through a 128 kbps MP3 and back,
//! identical channels; and the verdicts the built-in profiles give them.
//!
//! The signals are built here and written with hound into a temporary
//! folder: band-limited noise is made in the frequency domain (random
//! spectrum, nothing above the cutoff, inverse FFT), so its band edge is
//! exact. The MP3 round trip needs `lame` (installed by `.ci/run`; without
//! it the test says it skipped, unless `DDEXPROBE_REQUIRE_TOOLS=1`).

use crate::util::{bin, skipped};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A small deterministic generator (xorshift).
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    }
}

/// `n` samples of noise with nothing above `cutoff` Hz at `rate`, peak
/// normalised to `peak`.
fn band_limited(n: usize, rate: u32, cutoff: f64, peak: f64, seed: u64) -> Vec<f64> {
    let mut planner = realfft::RealFftPlanner::<f64>::new();
    let inverse = planner.plan_fft_inverse(n);
    let mut spectrum = inverse.make_input_vec();
    let mut noise = Noise(seed);
    let bin_hz = f64::from(rate) / n as f64;
    let bins = spectrum.len();
    for (k, c) in spectrum.iter_mut().enumerate() {
        let f = k as f64 * bin_hz;
        if k > 0 && k < bins - 1 && f < cutoff {
            *c = realfft::num_complex::Complex::new(noise.next(), noise.next());
        }
    }
    let mut out = inverse.make_output_vec();
    inverse.process(&mut spectrum, &mut out).unwrap();
    let max = out.iter().fold(0f64, |m, v| m.max(v.abs()));
    out.iter().map(|v| v / max * peak).collect()
}

/// Write `channels` (equal lengths, full scale 1.0) as integer PCM.
fn write_wav(path: &Path, rate: u32, bits: u16, channels: &[Vec<f64>]) {
    let full = f64::from(1u32 << (bits - 1));
    let ints: Vec<Vec<i32>> = channels
        .iter()
        .map(|c| {
            c.iter()
                .map(|v| (v * full).round().clamp(-full, full - 1.0) as i32)
                .collect()
        })
        .collect();
    write_ints(path, rate, bits, &ints);
}

/// Write samples given as integers of `bits` bits.
fn write_ints(path: &Path, rate: u32, bits: u16, channels: &[Vec<i32>]) {
    let spec = hound::WavSpec {
        channels: channels.len() as u16,
        sample_rate: rate,
        bits_per_sample: bits,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..channels[0].len() {
        for c in channels {
            w.write_sample(c[i]).unwrap();
        }
    }
    w.finalize().unwrap();
}

fn sine(rate: u32, freq: f64, peak: f64, secs: f64) -> Vec<f64> {
    let n = (f64::from(rate) * secs).round() as usize;
    (0..n)
        .map(|i| peak * (2.0 * std::f64::consts::PI * freq * i as f64 / f64::from(rate)).sin())
        .collect()
}

/// `scan --qc` of `paths`: their `qc` objects, by file name.
fn qc(paths: &[PathBuf]) -> std::collections::HashMap<String, Value> {
    let out = bin()
        .args(["scan", "--qc", "--hash", "none", "--format", "ndjson"])
        .args(paths)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .map(|l| {
            let r: Value = serde_json::from_str(l).unwrap();
            let name = Path::new(r["path"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, r["qc"].clone())
        })
        .collect()
}

/// The fixtures, written once per test that needs them.
fn fixtures(dir: &Path) -> Vec<PathBuf> {
    let p = |n: &str| dir.join(n);
    // A cosine: its first sample is its peak, so the silence ends exactly
    // where the tone starts.
    let tone: Vec<f64> = sine(44100, 997.0, 0.1, 2.0)
        .iter()
        .enumerate()
        .map(|(i, _)| 0.1 * (2.0 * std::f64::consts::PI * 997.0 * i as f64 / 44100.0).cos())
        .collect();
    // Exactly 2.5 s (110250 samples) of digital silence, then the tone;
    // the twin starts with the tone.
    let mut late = vec![0.0; 110_250];
    late.extend(&tone);
    write_wav(
        &p("silence-2.5s-lead.wav"),
        44100,
        16,
        &[late.clone(), late],
    );
    write_wav(
        &p("no-silence.wav"),
        44100,
        16,
        &[tone.clone(), tone.clone()],
    );
    write_wav(&p("all-silent.wav"), 44100, 16, &[vec![0.0; 88_200]]);
    // A sine 20 dB over full scale, clipped; its twin peaks at -1 dBFS.
    let hot: Vec<f64> = sine(44100, 441.0, 10.0, 1.0)
        .iter()
        .map(|v| v.clamp(-1.0, 1.0))
        .collect();
    write_wav(&p("sine-clipped-20db.wav"), 44100, 16, &[hot]);
    write_wav(
        &p("sine-minus-1db.wav"),
        44100,
        16,
        &[sine(44100, 441.0, 0.891, 1.0)],
    );
    // A 16-bit signal in a 24-bit file, and genuine 24-bit noise.
    let sixteen: Vec<i32> = band_limited(96_000, 48000, 20000.0, 0.5, 7)
        .iter()
        .map(|v| ((v * 32768.0).round() as i32) << 8)
        .collect();
    write_ints(&p("pcm16-in-24bit.wav"), 48000, 24, &[sixteen]);
    write_wav(
        &p("pcm24-genuine.wav"),
        48000,
        24,
        &[band_limited(96_000, 48000, 23000.0, 0.5, 8)],
    );
    // Noise with nothing above 21 kHz at 96 kHz (a 44.1 kHz master
    // upsampled: resamplers pass up to 95-98 % of the old Nyquist), and
    // noise up to 47 kHz.
    let up = band_limited(1 << 18, 96000, 21000.0, 0.5, 9);
    write_wav(
        &p("noise-upsampled-44k-to-96k.wav"),
        96000,
        24,
        &[up.clone(), up],
    );
    let full = band_limited(1 << 18, 96000, 47000.0, 0.5, 10);
    write_wav(
        &p("noise-genuine-96k.wav"),
        96000,
        24,
        &[full.clone(), full],
    );
    // Identical channels, and independent ones.
    let a = band_limited(88_200, 44100, 20000.0, 0.5, 11);
    let b = band_limited(88_200, 44100, 20000.0, 0.5, 12);
    write_wav(&p("dual-mono.wav"), 44100, 16, &[a.clone(), a.clone()]);
    write_wav(&p("true-stereo.wav"), 44100, 16, &[a, b]);
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect()
}

#[test]
fn every_field_has_its_known_answer_and_twins_are_not_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let files = fixtures(dir.path());
    let q = qc(&files);
    let f = |name: &str, field: &str| q[name][field].clone();
    assert_eq!(f("silence-2.5s-lead.wav", "leadingSilence"), 2.5);
    assert_eq!(f("silence-2.5s-lead.wav", "trailingSilence"), 0.0);
    assert_eq!(f("no-silence.wav", "leadingSilence"), 0.0);
    assert_eq!(f("all-silent.wav", "silent"), true);
    assert_eq!(f("all-silent.wav", "integratedLoudness"), Value::Null);
    assert_eq!(f("no-silence.wav", "silent"), false);
    assert!(f("sine-clipped-20db.wav", "clipEvents").as_u64().unwrap() >= 800);
    assert!(
        f("sine-clipped-20db.wav", "clippedSamples")
            .as_u64()
            .unwrap()
            > 30_000
    );
    assert_eq!(f("sine-minus-1db.wav", "clippedSamples"), 0);
    let peak = f("sine-minus-1db.wav", "samplePeak").as_f64().unwrap();
    assert!((peak - -1.0).abs() < 0.02, "{peak}");
    assert_eq!(f("pcm16-in-24bit.wav", "effectiveBitDepth"), 16);
    assert_eq!(f("pcm24-genuine.wav", "effectiveBitDepth"), 24);
    assert_eq!(f("noise-upsampled-44k-to-96k.wav", "upsampledFrom"), 44100);
    let bw = f("noise-upsampled-44k-to-96k.wav", "bandwidthHz")
        .as_u64()
        .unwrap();
    assert!((20_500..=21_500).contains(&bw), "{bw}");
    assert_eq!(f("noise-genuine-96k.wav", "upsampledFrom"), Value::Null);
    assert_eq!(f("noise-genuine-96k.wav", "lossySource"), false);
    assert_eq!(f("dual-mono.wav", "dualMono"), true);
    assert_eq!(f("dual-mono.wav", "stereoCorrelation"), 1.0);
    assert_eq!(f("true-stereo.wav", "dualMono"), false);
    let r = f("true-stereo.wav", "stereoCorrelation").as_f64().unwrap();
    assert!(r.abs() < 0.05, "{r}");
    assert_eq!(f("true-stereo.wav", "lossySource"), false);
    // Mono has no channel to compare.
    assert_eq!(f("sine-minus-1db.wav", "dualMono"), Value::Null);
}

#[test]
fn noise_through_a_128_kbps_mp3_is_a_lossy_source() {
    let have = std::process::Command::new("lame")
        .arg("--version")
        .output()
        .is_ok();
    if !have {
        if std::env::var("DDEXPROBE_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
            panic!("DDEXPROBE_REQUIRE_TOOLS=1 but lame is not installed");
        }
        skipped("lame not found: the MP3 round trip tests nothing here");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    let x = band_limited(44100 * 4, 44100, 22000.0, 0.5, 21);
    let y = band_limited(44100 * 4, 44100, 22000.0, 0.5, 22);
    write_wav(&p("noise.wav"), 44100, 16, &[x, y]);
    let run = |args: &[&str]| {
        let ok = std::process::Command::new("lame")
            .args(["--quiet"])
            .args(args)
            .status()
            .unwrap()
            .success();
        assert!(ok, "lame {args:?}");
    };
    let s = |n: &str| p(n).to_string_lossy().into_owned();
    run(&["-b", "128", &s("noise.wav"), &s("noise.mp3")]);
    run(&["--decode", &s("noise.mp3"), &s("noise-from-mp3.wav")]);
    let q = qc(&[p("noise.wav"), p("noise-from-mp3.wav"), p("noise.mp3")]);
    assert_eq!(q["noise.wav"]["lossySource"], false);
    assert_eq!(q["noise-from-mp3.wav"]["lossySource"], true);
    let bw = q["noise-from-mp3.wav"]["bandwidthHz"].as_u64().unwrap();
    assert!((15_000..=18_000).contains(&bw), "{bw}");
    // The MP3 itself is decoded and analysed the same way.
    assert_eq!(q["noise.mp3"]["lossySource"], true);
    assert_eq!(q["noise.mp3"]["effectiveBitDepth"], Value::Null);
}

/// `check --qc --profile NAME` reports of `paths`, by file name.
fn check(profile: &str, paths: &[PathBuf]) -> std::collections::HashMap<String, Value> {
    let out = bin()
        .args(["check", "--qc", "--profile", profile, "--format", "ndjson"])
        .args(paths)
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let r: Value = serde_json::from_str(l).unwrap();
            let name = Path::new(r["file"].as_str().or(r["path"].as_str()).unwrap_or(""))
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, r)
        })
        .collect()
}

fn invalid(report: &Value) -> Vec<String> {
    report["invalidFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["field"].as_str().unwrap().to_string())
        .collect()
}

fn warnings(report: &Value) -> String {
    report["warnings"].to_string()
}

#[test]
fn profiles_judge_what_qc_measured() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    let tone = sine(44100, 997.0, 0.1, 31.0);
    // 12 s of silence before 31 s of tone: over the distributor's 10 s.
    let mut late = vec![0.0; 44100 * 12];
    late.extend(&tone);
    write_wav(&p("lead-12s.wav"), 44100, 16, &[late.clone(), late]);
    write_wav(&p("tone-31s.wav"), 44100, 16, &[tone.clone(), tone.clone()]);
    let sixteen: Vec<i32> = tone
        .iter()
        .map(|v| ((v * 32768.0).round() as i32) << 8)
        .collect();
    write_ints(
        &p("pcm16-in-24bit.wav"),
        44100,
        24,
        &[sixteen.clone(), sixteen],
    );
    let hot: Vec<f64> = sine(44100, 997.0, 0.99, 31.0);
    write_wav(&p("hot-tone.wav"), 44100, 16, &[hot.clone(), hot]);

    let d = check("distributor", &[p("lead-12s.wav"), p("tone-31s.wav")]);
    assert!(
        invalid(&d["lead-12s.wav"]).contains(&"qc.leadingSilence".to_string()),
        "{}",
        d["lead-12s.wav"]
    );
    assert!(
        !invalid(&d["tone-31s.wav"])
            .iter()
            .any(|f| f.starts_with("qc")),
        "{}",
        d["tone-31s.wav"]
    );

    let a = check("apple-digital-masters", &[p("pcm16-in-24bit.wav")]);
    assert!(invalid(&a["pcm16-in-24bit.wav"]).contains(&"qc.effectiveBitDepth".to_string()));
    assert_eq!(a["pcm16-in-24bit.wav"]["isReady"], false);

    // A sine at -0.09 dBFS: above Spotify's -1 dBTP, a warning, not a
    // refusal; the tone at -20 dBFS is within.
    let s = check("spotify", &[p("hot-tone.wav"), p("tone-31s.wav")]);
    assert!(
        warnings(&s["hot-tone.wav"]).contains("truePeak"),
        "{}",
        s["hot-tone.wav"]
    );
    assert!(!warnings(&s["tone-31s.wav"]).contains("truePeak"));
    assert!(
        !invalid(&s["hot-tone.wav"])
            .iter()
            .any(|f| f.starts_with("qc"))
    );
}
