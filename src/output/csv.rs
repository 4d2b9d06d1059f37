//! CSV: a header row and one row per record, written by the `csv` crate
//! (RFC 4180 quoting), every text cell neutralised against formula
//! injection first.
//!
//! Errors and warnings are given as `;`-separated codes; the messages are in
//! the JSON formats.

use super::RecordWriter;
use crate::record::{Issue, Record};
use crate::scan::Summary;
use std::io::{self, Write};

/// The CSV columns, in order.
pub const COLUMNS: &[&str] = &[
    "path",
    "sizeBytes",
    "fileFormat",
    "audioCodec",
    "sampleFormat",
    "sampleRate",
    "bitDepth",
    "containerBitDepth",
    "numberOfChannels",
    "channelMask",
    "totalSamples",
    "declaredSamples",
    "durationSeconds",
    "duration",
    "durationSource",
    "bitrate",
    "md5",
    "sha256",
    "errors",
    "warnings",
    "inputSampleRate",
    "encoderDelay",
    "encoderPadding",
    "tags.isrc",
    "tags.title",
    "tags.artist",
    "pcmMd5",
    "verification.status",
    "verification.decodedSamples",
    "adm",
    "admTracks",
    "admBedChannels",
    "admObjects",
    "pathBytes",
    "nonAudio",
    "artwork.width",
    "artwork.height",
    "artwork.colorSpace",
];

/// CSV writer.
pub struct CsvWriter<W: Write> {
    out: csv::Writer<W>,
}

impl<W: Write> CsvWriter<W> {
    /// A writer over `out`.
    pub fn new(out: W) -> Self {
        CsvWriter {
            out: csv::WriterBuilder::new().from_writer(out),
        }
    }
}

/// One text cell. Text a spreadsheet would run as a formula (a cell
/// beginning with `=`, `+`, `-`, `@`, TAB or CR that is not a number) is
/// neutralised with a leading `'`, as OWASP recommends; numbers stay
/// numbers. Quoting is the `csv` crate's.
fn field(s: &str) -> String {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.parse::<f64>().is_err();
    if formula {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn csv_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn codes(list: &[Issue]) -> String {
    list.iter()
        .map(|i| i.code.as_str())
        .collect::<Vec<_>>()
        .join(";")
}

fn json_word<T: serde::Serialize>(v: &Option<T>) -> String {
    match v {
        Some(v) => serde_json::to_value(v)
            .ok()
            .and_then(|j| j.as_str().map(str::to_string))
            .unwrap_or_default(),
        None => String::new(),
    }
}

impl<W: Write> RecordWriter for CsvWriter<W> {
    fn begin(&mut self) -> io::Result<()> {
        self.out.write_record(COLUMNS).map_err(csv_error)
    }
    fn record(&mut self, r: &Record) -> io::Result<()> {
        let row = [
            field(&r.path),
            r.size_bytes.to_string(),
            opt(r.file_format),
            field(&r.audio_codec.clone().unwrap_or_default()),
            json_word(&r.sample_format),
            opt(r.sample_rate),
            opt(r.bit_depth),
            opt(r.container_bit_depth),
            opt(r.number_of_channels),
            opt(r.channel_mask),
            opt(r.total_samples),
            opt(r.declared_samples),
            opt(r.duration_seconds),
            opt(r.duration.clone()),
            json_word(&r.duration_source),
            opt(r.bitrate),
            opt(r.md5.clone()),
            opt(r.sha256.clone()),
            codes(&r.errors),
            codes(&r.warnings),
            opt(r.input_sample_rate),
            opt(r.encoder_delay),
            opt(r.encoder_padding),
            field(&r.tags.isrc.clone().unwrap_or_default()),
            field(&r.tags.title.clone().unwrap_or_default()),
            field(&r.tags.artist.clone().unwrap_or_default()),
            opt(r.pcm_md5.clone()),
            json_word(&r.verification.as_ref().map(|v| v.status)),
            opt(r.verification.as_ref().and_then(|v| v.decoded_samples)),
            opt(r.adm),
            opt(r.adm_tracks),
            opt(r.adm_bed_channels),
            opt(r.adm_objects),
            opt(r.path_bytes.clone()),
            opt(r.non_audio.as_ref().map(|n| n.format)),
            opt(r.artwork.as_ref().map(|a| a.width)),
            opt(r.artwork.as_ref().map(|a| a.height)),
            opt(r.artwork.as_ref().map(|a| a.color_space.clone())),
        ];
        self.out.write_record(&row).map_err(csv_error)
    }
    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(field("plain"), "plain");
        // Formula injection is neutralised; numbers are left alone.
        assert_eq!(field("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("+1-2"), "'+1-2");
        assert_eq!(field("-3.5"), "-3.5");
        // Quoting by the csv crate, read back by it.
        let mut w = CsvWriter::new(Vec::new());
        let mut r = Record {
            path: "a,\"b\"\n=c.wav".to_string(),
            ..Record::default()
        };
        r.tags.title = Some("=cmd|' /C calc'!A0".to_string());
        w.begin().unwrap();
        w.record(&r).unwrap();
        let out = w.out.into_inner().unwrap();
        let mut rd = csv::Reader::from_reader(&out[..]);
        let row = rd.records().next().unwrap().unwrap();
        assert_eq!(&row[0], "a,\"b\"\n=c.wav");
        assert_eq!(&row[24], "'=cmd|' /C calc'!A0");
        assert_eq!(row.len(), COLUMNS.len());
    }
}
