//! A table for people: fixed columns so it can stream, path last (cut
//! from the left to the terminal's width), float samples marked (`32f`),
//! and how many findings there are beyond the first. With `--qc`, the
//! integrated loudness (LUFS) and true peak (dBTP) follow the duration.

use super::{RecordWriter, sanitize, status};
use crate::record::{Record, SampleFormat};
use crate::scan::Summary;
use std::io::{self, Write};

/// Table writer.
pub struct TableWriter<W: Write> {
    out: W,
    width: usize,
    qc: bool,
}

impl<W: Write> TableWriter<W> {
    /// A writer over `out`, its lines cut to `width` columns (0: never).
    pub fn new(out: W, width: usize) -> Self {
        TableWriter {
            out,
            width,
            qc: false,
        }
    }

    /// With the loudness and true-peak columns of `--qc`.
    pub fn with_qc(mut self, qc: bool) -> Self {
        self.qc = qc;
        self
    }
}

/// The LUFS and dBTP columns of a record (`-` where not measured).
fn qc_columns(r: &Record) -> String {
    let (lufs, dbtp) = match &r.qc {
        Some(q) if q.analysed => (
            q.integrated_loudness.map(|v| format!("{v:.1}")),
            q.true_peak.map(|v| format!("{v:.1}")),
        ),
        _ => (None, None),
    };
    let dash = || "-".to_string();
    format!(
        "{:>6} {:>6} ",
        lufs.unwrap_or_else(dash),
        dbtp.unwrap_or_else(dash)
    )
}

/// `path` cut from the left to `room` characters (`…` and its end: the
/// file name is what people look for), or whole.
fn fit(path: &str, room: usize) -> String {
    let n = path.chars().count();
    if n <= room || room < 8 {
        return path.to_string();
    }
    let tail: String = path.chars().skip(n - (room - 1)).collect();
    format!("…{tail}")
}

/// The status of a record for the table: the first finding and how many
/// more there are, or what a file that is not audio is.
fn table_status(r: &Record) -> String {
    if let (Some(a), false) = (&r.artwork, r.has_errors()) {
        let art = crate::formats::artwork::describe(a);
        return match r.warnings.len() {
            0 => art,
            n => format!(
                "{art}, {}{}",
                status(r),
                if n > 1 {
                    format!(" (+{})", n - 1)
                } else {
                    String::new()
                }
            ),
        };
    }
    if let (Some(other), false) = (&r.non_audio, r.has_errors()) {
        return match (other.width, other.height) {
            (Some(w), Some(h)) => format!("not audio: image {w}x{h}"),
            _ => format!("not audio: {}", other.describe()),
        };
    }
    let more = (r.errors.len() + r.warnings.len()).saturating_sub(1);
    match more {
        0 => status(r),
        n => format!("{} (+{n})", status(r)),
    }
}

impl<W: Write> RecordWriter for TableWriter<W> {
    fn begin(&mut self) -> io::Result<()> {
        let qc = if self.qc {
            format!("{:>6} {:>6} ", "LUFS", "DBTP")
        } else {
            String::new()
        };
        writeln!(
            self.out,
            "{:<6} {:<6} {:>7} {:>4} {:>3} {:>13} {qc}{:<33} PATH",
            "FORMAT", "CODEC", "RATE", "BITS", "CH", "DURATION", "STATUS"
        )
    }
    fn record(&mut self, r: &Record) -> io::Result<()> {
        let dash = || "-".to_string();
        let format = match (r.file_format, &r.non_audio) {
            (Some(f), _) => f.to_string(),
            (None, Some(other)) => other.format.to_string(),
            (None, None) => dash(),
        };
        // Float samples say so: 32f, 64f.
        let bits = match (r.bit_depth, r.sample_format) {
            (Some(b), Some(SampleFormat::Float)) => format!("{b}f"),
            (Some(b), _) => b.to_string(),
            (None, _) => dash(),
        };
        let qc = if self.qc {
            qc_columns(r)
        } else {
            String::new()
        };
        let line = format!(
            "{:<6} {:<6} {:>7} {:>4} {:>3} {:>13} {qc}{:<33} ",
            format,
            sanitize(r.audio_codec.as_deref().unwrap_or("-")),
            r.sample_rate.map_or_else(dash, |v| v.to_string()),
            bits,
            r.number_of_channels.map_or_else(dash, |v| v.to_string()),
            r.duration.clone().unwrap_or_else(dash),
            table_status(r),
        );
        let room = self.width.saturating_sub(line.chars().count());
        let path = sanitize(&r.path);
        let path = if self.width == 0 {
            path
        } else {
            fit(&path, room)
        };
        writeln!(self.out, "{line}{path}")
    }
    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.out.flush()
    }
}
