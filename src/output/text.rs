//! The `inspect` report: every field of a record, one per line, for people.

use super::{RecordWriter, sanitize};
use crate::record::Record;
use crate::scan::Summary;
use std::io::{self, Write};

/// Text report writer.
pub struct TextWriter<W: Write> {
    out: W,
    first: bool,
}

impl<W: Write> TextWriter<W> {
    /// A writer over `out`.
    pub fn new(out: W) -> Self {
        TextWriter { out, first: true }
    }
}

impl<W: Write> RecordWriter for TextWriter<W> {
    fn record(&mut self, r: &Record) -> io::Result<()> {
        if !self.first {
            writeln!(self.out)?;
        }
        self.first = false;
        let o = &mut self.out;
        writeln!(o, "{}", sanitize(&r.path))?;
        let line = |o: &mut W, k: &str, v: Option<String>| -> io::Result<()> {
            match v {
                Some(v) => writeln!(o, "  {k:<18} {}", sanitize(&v)),
                None => Ok(()),
            }
        };
        line(o, "size", Some(format!("{} bytes", r.size_bytes)))?;
        line(o, "format", r.file_format.map(|f| f.to_string()))?;
        let codec = r.audio_codec.clone().map(|c| match r.sample_format {
            Some(crate::record::SampleFormat::Float) => format!("{c} (float)"),
            Some(crate::record::SampleFormat::Int) => format!("{c} (integer)"),
            None => c,
        });
        line(o, "codec", codec)?;
        line(o, "sample rate", r.sample_rate.map(|v| format!("{v} Hz")))?;
        let companded = matches!(r.audio_codec.as_deref(), Some("ALaw" | "MuLaw"));
        let bits = r.bit_depth.map(|b| match r.container_bit_depth {
            Some(c) if companded => format!("{b} bits decoded, {c} bits coded"),
            Some(c) => format!("{b} bits in {c}-bit containers"),
            None => format!("{b} bits"),
        });
        line(o, "bit depth", bits)?;
        let ch = r.number_of_channels.map(|c| match r.channel_mask {
            Some(m) => format!("{c} (mask 0x{m:X})"),
            None => c.to_string(),
        });
        line(o, "channels", ch)?;
        let image = r.artwork.as_ref().map(|a| {
            let mut s = format!(
                "{}, {} bits x {} components",
                crate::formats::artwork::describe(a),
                a.bit_depth,
                a.components
            );
            for (on, what) in [(a.alpha, "alpha"), (a.progressive, "progressive")] {
                if on {
                    s.push_str(", ");
                    s.push_str(what);
                }
            }
            if let Some(icc) = &a.icc_profile {
                s.push_str(&format!(", ICC profile {icc}"));
            }
            if let Some(o) = a.orientation {
                s.push_str(&format!(", EXIF orientation {o}"));
            }
            s
        });
        line(o, "image", image)?;
        if let (Some(d), Some(n)) = (&r.duration, r.total_samples) {
            let src = r
                .duration_source
                .and_then(|s| serde_json::to_value(s).ok())
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let secs = r.duration_seconds.unwrap_or(0.0);
            line(
                o,
                "duration",
                Some(format!("{d} ({n} samples, {secs:.6} s, from {src})")),
            )?;
        }
        if let Some(declared) = r.declared_samples {
            line(o, "declared samples", Some(declared.to_string()))?;
        }
        line(o, "bitrate", r.bitrate.map(|b| format!("{b} bit/s")))?;
        if !r.metadata_chunks.is_empty() {
            line(o, "metadata", Some(r.metadata_chunks.join(", ")))?;
        }
        if r.adm == Some(true) {
            let n = |v: Option<u32>| v.map_or_else(|| "?".to_string(), |v| v.to_string());
            line(
                o,
                "ADM",
                Some(format!(
                    "{} tracks, {} bed channels, {} objects",
                    n(r.adm_tracks),
                    n(r.adm_bed_channels),
                    n(r.adm_objects)
                )),
            )?;
        }
        line(o, "FLAC MD5", r.flac_md5.clone())?;
        line(
            o,
            "input rate",
            r.input_sample_rate
                .map(|v| format!("{v} Hz (encoder input)")),
        )?;
        if r.encoder_delay.is_some() || r.encoder_padding.is_some() {
            line(
                o,
                "gapless trim",
                Some(format!(
                    "{} samples at the start, {} at the end",
                    r.encoder_delay.unwrap_or(0),
                    r.encoder_padding.unwrap_or(0)
                )),
            )?;
        }
        let t = &r.tags;
        for (k, v) in [
            ("ISRC", &t.isrc),
            ("title", &t.title),
            ("artist", &t.artist),
            ("album", &t.album),
            ("date", &t.date),
            ("genre", &t.genre),
            ("copyright", &t.copyright),
        ] {
            line(o, k, v.clone())?;
        }
        line(
            o,
            "explicit",
            t.explicit.map(|e| if e { "yes" } else { "no" }.to_string()),
        )?;
        if !t.sources.is_empty() {
            line(o, "tags from", Some(t.sources.join(", ")))?;
        }
        if let Some(v) = &r.verification {
            let status = serde_json::to_value(v.status).unwrap_or_default();
            let method = serde_json::to_value(v.method).unwrap_or_default();
            let mut what = format!(
                "{} ({}; {} frames",
                status.as_str().unwrap_or("?"),
                method.as_str().unwrap_or("?"),
                v.frames
            );
            if v.bad_frames > 0 {
                what.push_str(&format!(", {} bad", v.bad_frames));
            }
            if let Some(n) = v.decoded_samples {
                what.push_str(&format!(", {n} samples"));
            }
            what.push(')');
            line(o, "verification", Some(what))?;
        }
        if let Some(q) = &r.qc {
            qc_lines(o, q, r.sample_rate)?;
        }
        line(o, "PCM MD5", r.pcm_md5.clone())?;
        line(o, "md5", r.md5.clone())?;
        line(o, "sha256", r.sha256.clone())?;
        for e in &r.errors {
            line(o, "error", Some(format!("{}: {}", e.code, e.message)))?;
        }
        for w in &r.warnings {
            line(o, "warning", Some(format!("{}: {}", w.code, w.message)))?;
        }
        Ok(())
    }
    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.out.flush()
    }
}

/// The `qc` object as lines: the measures people read first.
fn qc_lines(o: &mut dyn Write, q: &crate::qc::Qc, rate: Option<u32>) -> io::Result<()> {
    let put = |o: &mut dyn Write, k: &str, v: Option<String>| match v {
        Some(v) => writeln!(o, "  {k:<18} {}", sanitize(&v)),
        None => Ok(()),
    };
    if !q.analysed {
        return put(
            o,
            "qc",
            Some(format!(
                "not analysed: {}",
                q.reason.clone().unwrap_or_default()
            )),
        );
    }
    let num = |v: Option<f64>, unit: &str| v.map(|v| format!("{v:.1} {unit}"));
    let loud = match (q.integrated_loudness, q.loudness_range) {
        (Some(i), Some(lra)) => Some(format!("{i:.1} LUFS (range {lra:.1} LU)")),
        (Some(i), None) => Some(format!("{i:.1} LUFS")),
        _ if rate.is_some_and(|r| q.analysed_samples * 10 < u64::from(r) * 4) => {
            Some("not measured: shorter than one 400 ms block".to_string())
        }
        _ => Some("below -70 LUFS (nothing above the absolute gate)".to_string()),
    };
    put(o, "loudness", loud)?;
    put(o, "max momentary", num(q.max_momentary_loudness, "LUFS"))?;
    put(o, "max short-term", num(q.max_short_term_loudness, "LUFS"))?;
    put(o, "true peak", num(q.true_peak, "dBTP"))?;
    put(o, "sample peak", num(q.sample_peak, "dBFS"))?;
    put(
        o,
        "clipping",
        q.clipped_samples
            .zip(q.clip_events)
            .map(|(s, e)| format!("{s} samples, {e} events")),
    )?;
    put(
        o,
        "silence",
        Some(match q.silent {
            Some(true) => format!("silent (nothing above {} dBFS)", q.silence_threshold),
            _ => format!(
                "{} s leading, {} s trailing (below {} dBFS)",
                q.leading_silence.unwrap_or(0.0),
                q.trailing_silence.unwrap_or(0.0),
                q.silence_threshold
            ),
        }),
    )?;
    put(o, "DC offset", q.dc_offset.map(|v| format!("{v}")))?;
    put(
        o,
        "dual mono",
        q.dual_mono
            .map(|v| if v { "yes" } else { "no" }.to_string()),
    )?;
    put(
        o,
        "correlation",
        q.stereo_correlation.map(|v| format!("{v}")),
    )?;
    put(
        o,
        "effective bits",
        q.effective_bit_depth.map(|v| v.to_string()),
    )?;
    put(o, "bandwidth", q.bandwidth_hz.map(|v| format!("{v} Hz")))?;
    put(
        o,
        "upsampled from",
        q.upsampled_from.map(|v| format!("{v} Hz")),
    )?;
    put(
        o,
        "lossy source",
        q.lossy_source
            .map(|v| if v { "yes" } else { "no" }.to_string()),
    )?;
    if let Some(why) = &q.reason {
        put(o, "qc note", Some(why.clone()))?;
    }
    Ok(())
}
