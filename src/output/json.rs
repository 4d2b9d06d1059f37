//! NDJSON (one record per line) and JSON (`{"records": [...], "summary": {...}}`).

use super::RecordWriter;
use crate::record::Record;
use crate::scan::Summary;
use std::io::{self, Write};

/// One JSON object per line.
pub struct NdjsonWriter<W: Write> {
    out: W,
}

impl<W: Write> NdjsonWriter<W> {
    /// A writer over `out`.
    pub fn new(out: W) -> Self {
        NdjsonWriter { out }
    }
}

impl<W: Write> RecordWriter for NdjsonWriter<W> {
    fn record(&mut self, r: &Record) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, r)?;
        self.out.write_all(b"\n")
    }
    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.out.flush()
    }
}

/// A single JSON document, streamed.
pub struct JsonWriter<W: Write> {
    out: W,
    first: bool,
}

impl<W: Write> JsonWriter<W> {
    /// A writer over `out`.
    pub fn new(out: W) -> Self {
        JsonWriter { out, first: true }
    }
}

impl<W: Write> RecordWriter for JsonWriter<W> {
    fn begin(&mut self) -> io::Result<()> {
        self.out.write_all(b"{\"records\": [")
    }
    fn record(&mut self, r: &Record) -> io::Result<()> {
        self.out
            .write_all(if self.first { b"\n" } else { b",\n" })?;
        self.first = false;
        serde_json::to_writer(&mut self.out, r)?;
        Ok(())
    }
    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.out.write_all(b"\n],\n\"summary\": ")?;
        serde_json::to_writer_pretty(&mut self.out, summary)?;
        self.out.write_all(b"}\n")?;
        self.out.flush()
    }
}
