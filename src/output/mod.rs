//! Output writers: one trait, one module per format.
//!
//! A writer is opened before the scan starts, gets every record as it is
//! emitted (so output streams), and closes with the summary. Machine formats
//! (NDJSON, JSON, CSV) carry exactly the record fields documented in the
//! README; the table and the text report are for people, with control
//! characters in paths and messages made visible.

pub mod audit;
mod csv;
mod json;
pub mod package;
pub mod part;
pub mod reports;
pub mod sidecar;
mod table;
mod text;
pub mod xml;

use crate::record::Record;
use crate::scan::Summary;
use std::io::{self, Write};

pub use csv::CsvWriter;
pub use json::{JsonWriter, NdjsonWriter};
pub use table::TableWriter;
pub use text::TextWriter;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON record per line.
    Ndjson,
    /// One JSON document: `{"records": [...], "summary": {...}}`.
    Json,
    /// One row per record, fixed columns.
    Csv,
    /// Aligned columns for people.
    Table,
    /// A report per file for people.
    Text,
}

impl Format {
    /// Parse a `--format` value.
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "ndjson" | "jsonl" => Format::Ndjson,
            "json" => Format::Json,
            "csv" => Format::Csv,
            "table" => Format::Table,
            "text" => Format::Text,
            _ => return None,
        })
    }
}

/// Writes records as they come and the summary at the end.
pub trait RecordWriter {
    /// Called before the first record.
    fn begin(&mut self) -> io::Result<()> {
        Ok(())
    }
    /// One record.
    fn record(&mut self, r: &Record) -> io::Result<()>;
    /// After the last record.
    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}

/// A writer for `format` over `out`. Writers are `Send`: the scan's workers
/// write records as they complete them.
/// The table's lines are cut to `width` columns (0: never); with `qc`
/// (`--qc`) the table gains loudness and true-peak columns.
pub fn writer<'a, W: Write + Send + 'a>(
    format: Format,
    out: W,
    width: usize,
    qc: bool,
) -> Box<dyn RecordWriter + Send + 'a> {
    match format {
        Format::Ndjson => Box::new(NdjsonWriter::new(out)),
        Format::Json => Box::new(JsonWriter::new(out)),
        Format::Csv => Box::new(CsvWriter::new(out)),
        Format::Table => Box::new(TableWriter::new(out, width).with_qc(qc)),
        Format::Text => Box::new(TextWriter::new(out)),
    }
}

/// Whether `c` can drive a terminal or reorder what it shows: C0 and C1
/// controls, DEL, and the bidirectional formatting characters (a name with
/// U+202E shows its end reversed).
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Make control and bidirectional formatting characters visible
/// (`\u{1b}`, `\n`), so a hostile file name or message cannot drive the
/// terminal or a CI log. Every text that reaches standard error or a
/// table goes through it.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_unsafe_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// The status word of a record for people: `ok`, `warning` or `error`.
pub fn status(r: &Record) -> String {
    if let Some(e) = r.errors.first() {
        format!("error: {}", e.code)
    } else if let Some(w) = r.warnings.first() {
        format!("warning: {}", w.code)
    } else {
        "ok".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_escapes_controls() {
        assert_eq!(sanitize("a\x1b[31mb\n"), "a\\u{1b}[31mb\\n");
        assert_eq!(sanitize("Björk – أغنية"), "Björk – أغنية");
        assert_eq!(sanitize("x\u{9b}2J\u{7f}"), "x\\u{9b}2J\\u{7f}");
        assert_eq!(sanitize("evil\u{202e}vaw.exe"), "evil\\u{202e}vaw.exe");
    }
}
