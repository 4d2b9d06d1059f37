//! The parts of a sharded run (`--shard K/N`), and merging them back into
//! what one run over all the files would have written (`ddexprobe merge`).
//!
//! A part is NDJSON. Each line is the line a single run writes, with a
//! `"shard"` object put first: the file's position in the whole work list
//! ([`ScanHead`]), and for `check` what the catalog checks need and a
//! report does not carry ([`CheckHead`]: digests, size, the identifiers,
//! the QC figures). A part ends with one `{"shardComplete": …}` line, a
//! [`Trailer`]: the part's number, the work list's fingerprint, the options
//! and the line count. The merge refuses parts that do not fit together
//! (missing, repeated, cut short, made from other inputs or options, or by
//! another version) before it writes anything, then merges them by
//! position: the lines of a single run come out byte for byte, because the
//! merge writes the bytes each part wrote, not a re-serialisation.
//!
//! `check` parts carry no catalog finding: a part sees only some of the
//! files. The merge makes them over the whole catalog (duplicate ISRCs,
//! resource references and masters across every part; files of the same
//! size that were not hashed are hashed here, as a single run does) and
//! recomputes every summary.

use crate::qc::Qc;
use crate::readiness::Report;
use crate::record::{InputProblem, Record};
use crate::scan::shard::{LINE_KEY, Selector, TRAILER_KEY, Trailer};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What a `scan` part line adds to the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanHead {
    /// The file's 0-based position in the whole work list.
    pub ordinal: u64,
}

/// Whether a `check` line is an audio asset's report or cover art's
/// (written after every audio report, as a single run does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// An audio asset.
    Audio,
    /// Cover art.
    Artwork,
}

/// What a `check` part line adds to the report: its position, and the
/// inputs of the catalog checks and of the QC summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CheckHead {
    /// The file's 0-based position in the whole work list.
    pub ordinal: u64,
    /// Audio or artwork.
    pub kind: Kind,
    /// Where the part opened the file (the merge hashes files of equal
    /// size from here when no digest was taken).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The file's size.
    #[serde(default)]
    pub size_bytes: u64,
    /// SHA-256, when taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// MD5, when taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub md5: Option<String>,
    /// MD5 of the decoded audio (`--verify`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pcm_md5: Option<String>,
    /// Whether the record is of audio that the catalog checks compare
    /// (an empty file is no one's master).
    #[serde(default)]
    pub has_audio: bool,
    /// The merged ISRC field the catalog checks compare.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isrc: Option<serde_json::Value>,
    /// The merged resource reference field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_reference: Option<serde_json::Value>,
    /// The measured bit depth, for the QC summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bit_depth: Option<u32>,
    /// The QC figures (`--qc`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qc: Option<Qc>,
}

/// Write one part line: `head` as `"shard"`, then the fields of `body`
/// (which serialises to a JSON object) as a single run writes them.
pub fn write_line<W: Write>(
    out: &mut W,
    head: &impl Serialize,
    body: &impl Serialize,
) -> io::Result<()> {
    let body = serde_json::to_vec(body)?;
    out.write_all(b"{\"")?;
    out.write_all(LINE_KEY.as_bytes())?;
    out.write_all(b"\":")?;
    serde_json::to_writer(&mut *out, head)?;
    match body.as_slice() {
        b"{}" => out.write_all(b"}\n"),
        [b'{', rest @ ..] => {
            out.write_all(b",")?;
            out.write_all(rest)?;
            out.write_all(b"\n")
        }
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "a part line's body must be a JSON object",
        )),
    }
}

/// Write a part's last line.
pub fn write_trailer<W: Write>(out: &mut W, trailer: &Trailer) -> io::Result<()> {
    #[derive(Serialize)]
    struct Line<'a> {
        #[serde(rename = "shardComplete")]
        trailer: &'a Trailer,
    }
    serde_json::to_writer(&mut *out, &Line { trailer })?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Writes a `scan` part: each record with its position, then the
/// trailer. The positions come from the [`Selector`] the work list is
/// taken through, as the walk goes; the trailer's count and fingerprint
/// are read from it at the end.
pub struct PartWriter<W: Write> {
    out: W,
    selector: Arc<Mutex<Selector>>,
    trailer: Trailer,
}

impl<W: Write> PartWriter<W> {
    /// A writer over `out` for the records of the targets `selector` keeps
    /// (in order); `trailer` is completed (lines, files, fingerprint,
    /// input problems) at the end.
    pub fn new(out: W, selector: Arc<Mutex<Selector>>, trailer: Trailer) -> Self {
        PartWriter {
            out,
            selector,
            trailer,
        }
    }
}

impl<W: Write> super::RecordWriter for PartWriter<W> {
    fn record(&mut self, r: &Record) -> io::Result<()> {
        let ordinal = lock(&self.selector)
            .next_ordinal()
            .ok_or_else(|| io::Error::other("more records than files in the part"))?;
        write_line(&mut self.out, &ScanHead { ordinal }, r)?;
        self.trailer.lines += 1;
        self.trailer.measured += 1;
        Ok(())
    }
    fn finish(&mut self, summary: &crate::scan::Summary) -> io::Result<()> {
        {
            let s = lock(&self.selector);
            self.trailer.files = s.files();
            self.trailer.work_list = s.fingerprint();
        }
        self.trailer.input_problems = summary.input_problems.clone();
        write_trailer(&mut self.out, &self.trailer)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Why parts cannot be merged. Nothing is written when one is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeError {
    /// Stable snake_case code.
    pub code: &'static str,
    /// What was found and what to do.
    pub message: String,
}

impl fmt::Display for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]", self.message, self.code)
    }
}

impl std::error::Error for MergeError {}

fn fail(code: &'static str, message: String) -> MergeError {
    MergeError { code, message }
}

/// A part file, its last line read and checked.
#[derive(Debug, Clone)]
pub struct Part {
    /// Where it is.
    pub path: PathBuf,
    /// Its last line.
    pub trailer: Trailer,
}

/// The parts given, checked against each other: every part of one run,
/// once, each complete. Returned in part order.
pub fn open(paths: &[PathBuf]) -> Result<Vec<Part>, MergeError> {
    if paths.is_empty() {
        return Err(fail("part_missing", "no part given".to_string()));
    }
    let mut parts = Vec::with_capacity(paths.len());
    for p in paths {
        parts.push(Part {
            path: p.clone(),
            trailer: read_trailer(p)?,
        });
    }
    let first = parts[0].trailer.clone();
    let shown = |p: &Part| p.path.display().to_string();
    for p in &parts[1..] {
        let t = &p.trailer;
        let differs = if t.command != first.command {
            Some(format!(
                "written by `{}`, not `{}`",
                t.command, first.command
            ))
        } else if t.version != first.version {
            Some(format!(
                "written by ddexprobe {}, not {}",
                t.version, first.version
            ))
        } else if t.parts != first.parts {
            Some(format!(
                "one of {} parts, not of {} (the parts of one run share N)",
                t.parts, first.parts
            ))
        } else if t.work_list != first.work_list || t.files != first.files {
            Some(format!(
                "made from another work list ({} files, fingerprint {}; {} has {} files, {}): \
                 every part must be given the same inputs",
                t.files,
                short(&t.work_list),
                shown(&parts[0]),
                first.files,
                short(&first.work_list)
            ))
        } else if t.options != first.options {
            Some(format!(
                "run with other options ({}; {} with {})",
                t.options,
                shown(&parts[0]),
                first.options
            ))
        } else if t.input_problems != first.input_problems {
            Some("met other input problems: the inputs differed between the workers".to_string())
        } else {
            None
        };
        if let Some(why) = differs {
            return Err(fail(
                "parts_differ",
                format!("{}: {why}; run it again like the others", shown(p)),
            ));
        }
    }
    parts.sort_by_key(|p| p.trailer.part);
    for w in parts.windows(2) {
        if w[0].trailer.part == w[1].trailer.part {
            return Err(fail(
                "part_repeated",
                format!(
                    "{} and {} are both part {}/{}: give each part once",
                    shown(&w[0]),
                    shown(&w[1]),
                    w[0].trailer.part,
                    w[0].trailer.parts
                ),
            ));
        }
    }
    let missing: Vec<String> = (1..=first.parts)
        .filter(|k| !parts.iter().any(|p| p.trailer.part == *k))
        .map(|k| format!("{k}/{}", first.parts))
        .collect();
    if !missing.is_empty() {
        let shown_missing = if missing.len() > 10 {
            format!(
                "{} and {} more",
                missing[..10].join(", "),
                missing.len() - 10
            )
        } else {
            missing.join(", ")
        };
        return Err(fail(
            "part_missing",
            format!("part {shown_missing} missing: run it and give every part"),
        ));
    }
    let measured: u64 = parts.iter().map(|p| p.trailer.measured).sum();
    if measured != first.files {
        return Err(fail(
            "parts_differ",
            format!(
                "the parts measured {measured} files of a work list of {}: they do not cover it once",
                first.files
            ),
        ));
    }
    Ok(parts)
}

fn short(fingerprint: &str) -> &str {
    fingerprint.get(..12).unwrap_or(fingerprint)
}

/// The last line of a part, as a [`Trailer`].
fn read_trailer(path: &Path) -> Result<Trailer, MergeError> {
    let unreadable = |e: io::Error| {
        fail(
            "part_unreadable",
            format!("{}: cannot be read: {e}", path.display()),
        )
    };
    let mut f = File::open(path).map_err(unreadable)?;
    let len = f.metadata().map_err(unreadable)?.len();
    // The last line, read backwards in growing steps (a trailer listing
    // many input problems can be long).
    let mut step = 64 * 1024u64;
    let last = loop {
        let start = len.saturating_sub(step);
        f.seek(SeekFrom::Start(start)).map_err(unreadable)?;
        let mut buf = Vec::new();
        (&mut f)
            .take(len - start)
            .read_to_end(&mut buf)
            .map_err(unreadable)?;
        let body = buf.strip_suffix(b"\n").unwrap_or(&buf);
        match body.iter().rposition(|&b| b == b'\n') {
            Some(i) => break body[i + 1..].to_vec(),
            None if start == 0 => break body.to_vec(),
            None if step >= 256 << 20 => {
                return Err(fail(
                    "part_incomplete",
                    format!("{}: its last line is over 256 MiB", path.display()),
                ));
            }
            None => step *= 4,
        }
    };
    #[derive(Deserialize)]
    struct Line {
        #[serde(rename = "shardComplete")]
        trailer: Trailer,
    }
    match serde_json::from_slice::<Line>(&last) {
        Ok(l) => Ok(l.trailer),
        Err(_) => Err(fail(
            "part_incomplete",
            format!(
                "{}: does not end with a `{TRAILER_KEY}` line: the worker did not finish \
                 (killed, out of space) or this is not a part; run that part again",
                path.display()
            ),
        )),
    }
}

/// One line of a part, split.
#[derive(Debug)]
pub struct Line<H> {
    /// The `"shard"` object.
    pub head: H,
    /// The line a single run writes, without its newline.
    pub body: Vec<u8>,
}

/// Split a part line into its head and the single run's line.
pub fn split<H: serde::de::DeserializeOwned>(line: &[u8]) -> Result<Line<H>, String> {
    let prefix = format!("{{\"{LINE_KEY}\":");
    let rest = line
        .strip_prefix(prefix.as_bytes())
        .ok_or_else(|| format!("does not start with {prefix}"))?;
    let mut stream = serde_json::Deserializer::from_slice(rest).into_iter::<H>();
    let head = match stream.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(format!("its \"{LINE_KEY}\" object: {e}")),
        None => return Err(format!("no \"{LINE_KEY}\" object")),
    };
    let after = &rest[stream.byte_offset()..];
    let mut body = Vec::with_capacity(after.len() + 1);
    body.push(b'{');
    match after.first() {
        Some(b',') => body.extend_from_slice(&after[1..]),
        Some(b'}') if after.len() == 1 => body.push(b'}'),
        _ => return Err("a malformed line".to_string()),
    }
    Ok(Line { head, body })
}

/// A part's lines, one at a time, checked as they come.
struct Reader<H> {
    part: Part,
    lines: io::Split<BufReader<File>>,
    read: u64,
    /// The last position read in each lane.
    last: [Option<u64>; 2],
    _head: std::marker::PhantomData<H>,
}

impl<H: serde::de::DeserializeOwned + Ordinal> Reader<H> {
    fn new(part: &Part) -> Result<Self, MergeError> {
        let f = File::open(&part.path).map_err(|e| {
            fail(
                "part_unreadable",
                format!("{}: cannot be read: {e}", part.path.display()),
            )
        })?;
        Ok(Reader {
            part: part.clone(),
            lines: BufReader::with_capacity(1 << 16, f).split(b'\n'),
            read: 0,
            last: [None; 2],
            _head: std::marker::PhantomData,
        })
    }

    /// The next line, `None` at the trailer.
    fn next_line(&mut self) -> Result<Option<Line<H>>, MergeError> {
        let at = |r: &Self, why: String| {
            fail(
                "part_corrupt",
                format!(
                    "{} line {}: {why}; run that part again",
                    r.part.path.display(),
                    r.read + 1
                ),
            )
        };
        if self.read == self.part.trailer.lines {
            return Ok(None);
        }
        let line = match self.lines.next() {
            Some(Ok(l)) => l,
            Some(Err(e)) => return Err(at(self, format!("cannot be read: {e}"))),
            None => return Err(at(self, "the part ends before its last line".into())),
        };
        let split = split::<H>(&line).map_err(|why| at(self, why))?;
        let ordinal = split.head.ordinal();
        let lane = split.head.lane().min(1);
        if ordinal >= self.part.trailer.files || self.last[lane].is_some_and(|l| ordinal <= l) {
            return Err(at(
                self,
                format!("position {ordinal} is out of order or outside the work list"),
            ));
        }
        self.last[lane] = Some(ordinal);
        self.read += 1;
        Ok(Some(split))
    }
}

/// Heads that give a position.
pub trait Ordinal {
    /// The file's position in the whole work list.
    fn ordinal(&self) -> u64;

    /// The sequence the line is in (0 or 1): positions rise within each.
    fn lane(&self) -> usize {
        0
    }
}

impl Ordinal for ScanHead {
    fn ordinal(&self) -> u64 {
        self.ordinal
    }
}

impl Ordinal for CheckHead {
    fn ordinal(&self) -> u64 {
        self.ordinal
    }

    /// Audio reports, then artwork reports, each in order.
    fn lane(&self) -> usize {
        self.kind as usize
    }
}

/// Merge `scan` parts: `each` gets every record line (the bytes a single
/// run writes, without the newline) and the record read from it, in the
/// single run's order. Memory stays flat: a line per part is held.
pub fn merge_scan(
    parts: &[Part],
    mut each: impl FnMut(&[u8], &Record) -> io::Result<()>,
) -> Result<Result<(), io::Error>, MergeError> {
    expect_command(parts, "scan")?;
    let mut readers = parts
        .iter()
        .map(Reader::<ScanHead>::new)
        .collect::<Result<Vec<_>, _>>()?;
    let mut heads: std::collections::BinaryHeap<std::cmp::Reverse<(u64, usize)>> =
        Default::default();
    let mut pending: Vec<Option<Vec<u8>>> = vec![None; readers.len()];
    for (i, r) in readers.iter_mut().enumerate() {
        if let Some(l) = r.next_line()? {
            heads.push(std::cmp::Reverse((l.head.ordinal, i)));
            pending[i] = Some(l.body);
        }
    }
    while let Some(std::cmp::Reverse((ordinal, i))) = heads.pop() {
        let body = pending[i].take().unwrap_or_default();
        let record: Record = serde_json::from_slice(&body).map_err(|e| {
            fail(
                "part_corrupt",
                format!(
                    "{}: the record at position {ordinal} cannot be read: {e}",
                    readers[i].part.path.display()
                ),
            )
        })?;
        if let Err(e) = each(&body, &record) {
            return Ok(Err(e));
        }
        if let Some(l) = readers[i].next_line()? {
            heads.push(std::cmp::Reverse((l.head.ordinal, i)));
            pending[i] = Some(l.body);
        }
    }
    Ok(Ok(()))
}

/// Every `check` line of the parts: audio reports in the single run's
/// order, then the artwork reports, each with its head.
pub fn read_check(parts: &[Part]) -> Result<Vec<(CheckHead, Report)>, MergeError> {
    expect_command(parts, "check")?;
    let mut all = Vec::new();
    for p in parts {
        let mut r = Reader::<CheckHead>::new(p)?;
        while let Some(l) = r.next_line()? {
            let report: Report = serde_json::from_slice(&l.body).map_err(|e| {
                fail(
                    "part_corrupt",
                    format!(
                        "{}: the report at position {} cannot be read: {e}",
                        p.path.display(),
                        l.head.ordinal
                    ),
                )
            })?;
            all.push((l.head, report));
        }
    }
    all.sort_by_key(|(h, _)| (h.kind, h.ordinal));
    for w in all.windows(2) {
        if (w[0].0.kind, w[0].0.ordinal) == (w[1].0.kind, w[1].0.ordinal) {
            return Err(fail(
                "parts_differ",
                format!(
                    "two parts report position {}: they do not split one work list",
                    w[0].0.ordinal
                ),
            ));
        }
    }
    Ok(all)
}

/// A merged `check`: every report in the single run's order with the
/// catalog findings made over all the parts, and the summary.
#[derive(Debug)]
pub struct MergedCheck {
    /// Audio reports, then artwork reports.
    pub reports: Vec<Report>,
    /// Counted over every report (input problems included).
    pub summary: super::reports::CatalogSummary,
    /// Files of equal size that could not be hashed here (their part
    /// took no digest and the merge cannot read them): duplicate masters
    /// among them are unknown.
    pub unhashed: Vec<String>,
}

/// Merge `check` parts: the catalog checks over every asset of every part
/// (files of equal size without a digest are hashed by `hash`, given the
/// path the part opened, as a single run hashes them), then every report
/// counted under `gate`.
pub fn merge_check(
    parts: &[Part],
    gate: &crate::readiness::Gate,
    mut hash: impl FnMut(&str) -> Option<String>,
) -> Result<MergedCheck, MergeError> {
    use crate::readiness::catalog;
    let all = read_check(parts)?;
    let (audio, artwork): (Vec<_>, Vec<_>) =
        all.into_iter().partition(|(h, _)| h.kind == Kind::Audio);
    let mut records: Vec<Record> = audio
        .iter()
        .map(|(h, r)| Record {
            path: r.path.clone(),
            size_bytes: h.size_bytes,
            sha256: h.sha256.clone(),
            md5: h.md5.clone(),
            pcm_md5: h.pcm_md5.clone(),
            ..Record::default()
        })
        .collect();
    let missed = catalog::fill_digests(&mut records, |i| {
        audio[i].0.file.as_deref().and_then(&mut hash)
    });
    let unhashed = missed
        .into_iter()
        .map(|i| {
            audio[i]
                .0
                .file
                .clone()
                .unwrap_or_else(|| audio[i].1.path.clone())
        })
        .collect();
    let fields: Vec<std::collections::BTreeMap<String, serde_json::Value>> = audio
        .iter()
        .map(|(h, _)| {
            let mut f = std::collections::BTreeMap::new();
            if let Some(v) = &h.isrc {
                f.insert("soundRecordingDetails.isrc".to_string(), v.clone());
            }
            if let Some(v) = &h.resource_reference {
                f.insert("ddexMetadata.resourceReference".to_string(), v.clone());
            }
            f
        })
        .collect();
    let items: Vec<catalog::Item<'_>> = records
        .iter()
        .zip(&fields)
        .map(|(record, fields)| catalog::Item { record, fields })
        .collect();
    let findings = catalog::findings(&items);
    let mut summary = super::reports::CatalogSummary::default();
    let mut reports = Vec::with_capacity(audio.len() + artwork.len());
    for (i, (head, mut report)) in audio.into_iter().enumerate() {
        catalog::apply(&mut report, findings.iter().filter(|f| f.index == i));
        summary.add(&report, gate);
        if let Some(qc) = &head.qc {
            summary.qc.add(qc, head.bit_depth);
        }
        report.file = head.file.map(PathBuf::from);
        reports.push(report);
    }
    for (head, mut report) in artwork {
        summary.add(&report, gate);
        report.file = head.file.map(PathBuf::from);
        reports.push(report);
    }
    summary.input_problems = input_problems(parts);
    summary.qc.close();
    Ok(MergedCheck {
        reports,
        summary,
        unhashed,
    })
}

fn expect_command(parts: &[Part], command: &str) -> Result<(), MergeError> {
    match parts.first() {
        Some(p) if p.trailer.command != command => Err(fail(
            "parts_differ",
            format!(
                "{}: a part of `{}`, merged here as `{command}`",
                p.path.display(),
                p.trailer.command
            ),
        )),
        _ => Ok(()),
    }
}

/// The input problems the parts met (every part met the same).
pub fn input_problems(parts: &[Part]) -> Vec<InputProblem> {
    parts
        .first()
        .map(|p| p.trailer.input_problems.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_splits_back_into_the_single_runs_bytes() {
        #[derive(Serialize)]
        struct Body {
            path: &'static str,
            n: f64,
        }
        let mut out = Vec::new();
        let body = Body {
            path: "a \"b\".wav",
            n: 0.1,
        };
        write_line(&mut out, &ScanHead { ordinal: 7 }, &body).unwrap();
        assert!(out.starts_with(b"{\"shard\":{\"ordinal\":7},\"path\""));
        let line = out.strip_suffix(b"\n").unwrap();
        let got = split::<ScanHead>(line).unwrap();
        assert_eq!(got.head, ScanHead { ordinal: 7 });
        assert_eq!(got.body, serde_json::to_vec(&body).unwrap());
        // An empty body.
        let mut out = Vec::new();
        write_line(&mut out, &ScanHead { ordinal: 0 }, &serde_json::json!({})).unwrap();
        let got = split::<ScanHead>(out.strip_suffix(b"\n").unwrap()).unwrap();
        assert_eq!(got.body, b"{}");
        for bad in [
            &b"{\"path\":1}"[..],
            b"{\"shard\":{\"ordinal\":1}",
            b"{\"shard\":{\"ordinal\":1}x",
            b"{\"shard\":{\"ordinal\":\"1\"},\"a\":1}",
            b"{\"shard\":{\"ordinal\":1,\"extra\":2},\"a\":1}",
        ] {
            assert!(
                split::<ScanHead>(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
