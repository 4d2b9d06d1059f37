//! A table for people: fixed columns so it can stream, path last.

use super::{RecordWriter, sanitize, status};
use crate::record::Record;
use crate::scan::Summary;
use std::io::{self, Write};

/// Table writer.
pub struct TableWriter<W: Write> {
    out: W,
}

impl<W: Write> TableWriter<W> {
    /// A writer over `out`.
    pub fn new(out: W) -> Self {
        TableWriter { out }
    }
}

impl<W: Write> RecordWriter for TableWriter<W> {
    fn begin(&mut self) -> io::Result<()> {
        writeln!(
            self.out,
            "{:<6} {:<6} {:>7} {:>4} {:>3} {:>13} {:<33} PATH",
            "FORMAT", "CODEC", "RATE", "BITS", "CH", "DURATION", "STATUS"
        )
    }
    fn record(&mut self, r: &Record) -> io::Result<()> {
        let dash = || "-".to_string();
        writeln!(
            self.out,
            "{:<6} {:<6} {:>7} {:>4} {:>3} {:>13} {:<33} {}",
            r.file_format.map_or_else(dash, |f| f.to_string()),
            sanitize(r.audio_codec.as_deref().unwrap_or("-")),
            r.sample_rate.map_or_else(dash, |v| v.to_string()),
            r.bit_depth.map_or_else(dash, |v| v.to_string()),
            r.number_of_channels.map_or_else(dash, |v| v.to_string()),
            r.duration.clone().unwrap_or_else(dash),
            status(r),
            sanitize(&r.path)
        )
    }
    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.out.flush()
    }
}
