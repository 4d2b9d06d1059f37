//! Writers for readiness reports (`ddexprobe check`): NDJSON, JSON, a table,
//! JUnit XML and GitHub Actions workflow commands, closed by a
//! [`CatalogSummary`].
//!
//! As with records, a writer gets every report as it comes and the summary
//! at the end. NDJSON and JSON carry the reports exactly; JUnit XML and the
//! GitHub commands are escaped by their own rules; the table is for people,
//! with control characters made visible.

use super::sanitize;
use super::xml::{xml_attr, xml_text};
use crate::readiness::{Gate, Report};
use crate::record::InputProblem;
use quick_xml::Writer as XmlWriter;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// How many fields [`CatalogSummary::top_missing_fields`] and
/// [`CatalogSummary::top_invalid_fields`] keep.
pub const TOP_FIELDS: usize = 10;

/// Output formats of `ddexprobe check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckFormat {
    /// Aligned columns for people.
    Table,
    /// One JSON document: `{"assets": [...], "summary": {...}}`.
    Json,
    /// One report per line.
    Ndjson,
    /// JUnit XML: one test case per asset, a failure per asset not ready.
    Junit,
    /// GitHub Actions workflow commands: an annotation per finding.
    Github,
}

impl CheckFormat {
    /// Parse a `--format` value.
    pub fn parse(s: &str) -> Option<CheckFormat> {
        Some(match s {
            "table" => CheckFormat::Table,
            "json" => CheckFormat::Json,
            "ndjson" | "jsonl" => CheckFormat::Ndjson,
            "junit" => CheckFormat::Junit,
            "github" => CheckFormat::Github,
            _ => return None,
        })
    }
}

/// Writes reports as they come and the summary at the end.
pub trait ReportWriter {
    /// Called before the first report.
    fn begin(&mut self) -> io::Result<()> {
        Ok(())
    }
    /// One report.
    fn report(&mut self, r: &Report) -> io::Result<()>;
    /// After the last report.
    fn finish(&mut self, summary: &CatalogSummary) -> io::Result<()>;
}

/// What the writers need beyond the reports.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// What fails the run: JUnit failures and GitHub `error` annotations
    /// follow it, so every CI output agrees with the exit code.
    pub gate: Gate,
    /// The directory CI annotations are relative to (GitHub: the
    /// repository checkout, the working directory of the job).
    pub base: Option<PathBuf>,
    /// The table's width in columns (0: 100).
    pub width: usize,
}

/// A writer for `format` over `out`.
pub fn report_writer<'a, W: Write + Send + 'a>(
    format: CheckFormat,
    out: W,
    options: ReportOptions,
) -> Box<dyn ReportWriter + Send + 'a> {
    match format {
        CheckFormat::Table => Box::new(TableReportWriter::new(out, options)),
        CheckFormat::Json => Box::new(JsonReportWriter::new(out)),
        CheckFormat::Ndjson => Box::new(NdjsonReportWriter::new(out)),
        CheckFormat::Junit => Box::new(JunitReportWriter::new(out, options)),
        CheckFormat::Github => Box::new(GithubReportWriter::new(out, options)),
    }
}

/// How many assets scored in each band. Serialized in this order, with the
/// keys `"100"`, `"90-99"`, `"75-89"`, `"50-74"` and `"0-49"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ScoreDistribution {
    /// Score 100.
    #[serde(rename = "100")]
    pub score_100: u64,
    /// Scores 90 to 99.
    #[serde(rename = "90-99")]
    pub score_90_99: u64,
    /// Scores 75 to 89.
    #[serde(rename = "75-89")]
    pub score_75_89: u64,
    /// Scores 50 to 74.
    #[serde(rename = "50-74")]
    pub score_50_74: u64,
    /// Scores 0 to 49.
    #[serde(rename = "0-49")]
    pub score_0_49: u64,
}

impl ScoreDistribution {
    fn add(&mut self, score: u32) {
        let bucket = match score {
            100.. => &mut self.score_100,
            90..=99 => &mut self.score_90_99,
            75..=89 => &mut self.score_75_89,
            50..=74 => &mut self.score_50_74,
            _ => &mut self.score_0_49,
        };
        *bucket += 1;
    }
}

/// A field and the number of assets it was found in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldCount {
    /// Dotted field name.
    pub field: String,
    /// Assets with this field missing (or invalid).
    pub count: u64,
}

/// What a check found over the catalog, for the closing summary. Built
/// report by report with [`CatalogSummary::add`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogSummary {
    /// Reports counted.
    pub assets: u64,
    /// Assets ready for delivery.
    pub ready: u64,
    /// Assets not ready.
    pub not_ready: u64,
    /// Assets that fail the run: not ready (unless `--min-score` passes
    /// them) or, with `--fail-on warning`, with a warning.
    pub failing: u64,
    /// Mean readiness score, rounded half up; 0 with no assets.
    pub average_score: u32,
    /// Assets per score band.
    pub score_distribution: ScoreDistribution,
    /// The [`TOP_FIELDS`] fields missing from the most assets, by count
    /// (descending) then name.
    pub top_missing_fields: Vec<FieldCount>,
    /// The [`TOP_FIELDS`] fields invalid in the most assets, by count
    /// (descending) then name. An asset counts once per field.
    pub top_invalid_fields: Vec<FieldCount>,
    /// What `--qc` found over the assets.
    #[serde(skip_serializing_if = "crate::qc::summary::QcSummary::is_empty")]
    pub qc: crate::qc::summary::QcSummary,
    /// Inputs that could not be used: unreadable directories, metadata
    /// for no audio file... Each fails the run.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub input_problems: Vec<InputProblem>,
    #[serde(skip)]
    score_sum: u64,
    #[serde(skip)]
    missing: HashMap<String, u64>,
    #[serde(skip)]
    invalid: HashMap<String, u64>,
}

impl CatalogSummary {
    /// Count one report in, judged by `gate`.
    pub fn add(&mut self, r: &Report, gate: &Gate) {
        self.assets += 1;
        if !gate.passes(r) {
            self.failing += 1;
        }
        if r.is_ready {
            self.ready += 1;
        } else {
            self.not_ready += 1;
        }
        self.score_sum += u64::from(r.readiness_score);
        self.average_score = ((self.score_sum + self.assets / 2) / self.assets) as u32;
        self.score_distribution.add(r.readiness_score);
        if count_fields(&mut self.missing, r.missing_fields.iter()) {
            self.top_missing_fields = top(&self.missing);
        }
        if count_fields(&mut self.invalid, r.invalid_fields.iter().map(|f| &f.field)) {
            self.top_invalid_fields = top(&self.invalid);
        }
    }
}

/// Count each distinct field once; whether there was any.
fn count_fields<'a>(
    counts: &mut HashMap<String, u64>,
    fields: impl Iterator<Item = &'a String>,
) -> bool {
    let distinct: BTreeSet<&String> = fields.collect();
    for f in &distinct {
        match counts.get_mut(*f) {
            Some(n) => *n += 1,
            None => {
                counts.insert((*f).clone(), 1);
            }
        }
    }
    !distinct.is_empty()
}

fn top(counts: &HashMap<String, u64>) -> Vec<FieldCount> {
    let mut v: Vec<(&String, u64)> = counts.iter().map(|(f, n)| (f, *n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    v.into_iter()
        .take(TOP_FIELDS)
        .map(|(f, n)| FieldCount {
            field: f.clone(),
            count: n,
        })
        .collect()
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The closing line for people and for the GitHub notice.
fn summary_line(s: &CatalogSummary) -> String {
    let mut line = format!(
        "{}: {} ready, {} not ready, average score {}",
        plural(s.assets, "asset", "assets"),
        s.ready,
        s.not_ready,
        s.average_score
    );
    if s.failing != s.not_ready {
        line.push_str(&format!("; {} failing", s.failing));
    }
    if !s.input_problems.is_empty() {
        line.push_str(&format!(
            "; {} (the run is incomplete)",
            plural(
                s.input_problems.len() as u64,
                "input problem",
                "input problems"
            )
        ));
    }
    line
}

/// A current value for people: JSON, so strings are quoted.
pub(crate) fn value_text(v: &serde_json::Value) -> String {
    v.to_string()
}

/// One report per line.
pub struct NdjsonReportWriter<W: Write> {
    out: W,
}

impl<W: Write> NdjsonReportWriter<W> {
    /// A writer over `out`.
    pub fn new(out: W) -> Self {
        NdjsonReportWriter { out }
    }
}

impl<W: Write> ReportWriter for NdjsonReportWriter<W> {
    fn report(&mut self, r: &Report) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, r)?;
        self.out.write_all(b"\n")
    }
    fn finish(&mut self, _summary: &CatalogSummary) -> io::Result<()> {
        self.out.flush()
    }
}

/// A single JSON document, `{"assets": [...], "summary": {...}}`, streamed.
pub struct JsonReportWriter<W: Write> {
    out: W,
    started: bool,
    first: bool,
}

impl<W: Write> JsonReportWriter<W> {
    /// A writer over `out`.
    pub fn new(out: W) -> Self {
        JsonReportWriter {
            out,
            started: false,
            first: true,
        }
    }
}

impl<W: Write> ReportWriter for JsonReportWriter<W> {
    fn begin(&mut self) -> io::Result<()> {
        if !self.started {
            self.started = true;
            self.out.write_all(b"{\"assets\": [")?;
        }
        Ok(())
    }
    fn report(&mut self, r: &Report) -> io::Result<()> {
        self.begin()?;
        self.out
            .write_all(if self.first { b"\n" } else { b",\n" })?;
        self.first = false;
        serde_json::to_writer(&mut self.out, r)?;
        Ok(())
    }
    fn finish(&mut self, summary: &CatalogSummary) -> io::Result<()> {
        self.begin()?;
        self.out.write_all(b"\n],\n\"summary\": ")?;
        serde_json::to_writer_pretty(&mut self.out, summary)?;
        self.out.write_all(b"}\n")?;
        self.out.flush()
    }
}

/// `s` cut to `width` characters, the last one `…` when cut.
fn clip(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A table for people: a row per asset (ready, score, number of problems,
/// path), then every problem on its own indented line, cut to the width
/// of the terminal.
pub struct TableReportWriter<W: Write> {
    out: W,
    options: ReportOptions,
}

impl<W: Write> TableReportWriter<W> {
    /// A writer over `out`.
    pub fn new(out: W, options: ReportOptions) -> Self {
        TableReportWriter { out, options }
    }
}

/// Every problem of a report, for people, most serious first: invalid
/// fields, missing fields, warnings.
pub fn problems(r: &Report) -> Vec<String> {
    let mut out = Vec::new();
    for f in &r.invalid_fields {
        out.push(format!("{}: {}", f.field, f.issue));
    }
    for f in &r.missing_fields {
        out.push(format!("missing {f}"));
    }
    for w in &r.warnings {
        out.push(format!("warning: {w}"));
    }
    out
}

/// The first problem of a report, or `-`.
pub fn first_problem(r: &Report) -> String {
    problems(r)
        .into_iter()
        .next()
        .unwrap_or_else(|| "-".to_string())
}

impl<W: Write> ReportWriter for TableReportWriter<W> {
    fn begin(&mut self) -> io::Result<()> {
        writeln!(
            self.out,
            "{:<5} {:>5} {:>8}  PATH",
            "READY", "SCORE", "PROBLEMS"
        )
    }
    fn report(&mut self, r: &Report) -> io::Result<()> {
        let width = match self.options.width {
            0 => 100,
            w => w.max(40),
        };
        let problems = problems(r);
        let verdict = match (r.is_ready, self.options.gate.passes(r)) {
            (true, true) => "yes",
            (true, false) => "warn",
            (false, true) => "pass",
            (false, false) => "no",
        };
        writeln!(
            self.out,
            "{:<5} {:>5} {:>8}  {}",
            verdict,
            r.readiness_score,
            problems.len(),
            sanitize(&r.path)
        )?;
        for p in &problems {
            writeln!(self.out, "      {}", clip(&sanitize(p), width - 6))?;
        }
        Ok(())
    }
    fn finish(&mut self, summary: &CatalogSummary) -> io::Result<()> {
        writeln!(self.out, "\n{}", summary_line(summary))?;
        self.out.flush()
    }
}

/// JUnit XML (`testsuites > testsuite > testcase [> failure]`), written
/// with quick-xml: a test case per asset, failing exactly when the asset
/// fails the run ([`Gate`]); a second suite with a failing test case per
/// input problem. The counts head the document, so test cases are held
/// until [`ReportWriter::finish`].
pub struct JunitReportWriter<W: Write> {
    out: W,
    options: ReportOptions,
    cases: Vec<Case>,
}

/// One JUnit test case.
pub(crate) struct Case {
    /// The test case's name.
    pub(crate) name: String,
    /// Message, type and text of its failure.
    pub(crate) failure: Option<(String, &'static str, String)>,
    /// Its `system-out`.
    pub(crate) output: Option<String>,
}

impl<W: Write> JunitReportWriter<W> {
    /// A writer over `out`.
    pub fn new(out: W, options: ReportOptions) -> Self {
        JunitReportWriter {
            out,
            options,
            cases: Vec::new(),
        }
    }
}

/// Every finding of an asset, one per line.
fn failure_text(r: &Report) -> String {
    let mut lines = Vec::new();
    for f in &r.missing_fields {
        lines.push(format!("missing field: {f}"));
    }
    for f in &r.invalid_fields {
        lines.push(format!(
            "invalid field: {}: {} (current value: {})",
            f.field,
            f.issue,
            value_text(&f.current_value)
        ));
    }
    for w in &r.warnings {
        lines.push(format!("warning: {w}"));
    }
    for s in &r.suggestions {
        lines.push(format!("suggestion: {s}"));
    }
    lines.join("\n")
}

/// An element start with attributes escaped by [`xml_attr`] (quick-xml's
/// escaping, with the characters XML forbids replaced).
pub(crate) fn start<'a>(name: &'a str, attrs: &[(&str, String)]) -> BytesStart<'a> {
    let mut e = BytesStart::new(name);
    for (k, v) in attrs {
        e.push_attribute(Attribute {
            key: quick_xml::name::QName(k),
            value: std::borrow::Cow::Owned(xml_attr(v)),
        });
    }
    e
}

pub(crate) fn junit_suite<W: Write>(
    w: &mut XmlWriter<W>,
    name: &str,
    classname: &str,
    cases: &[Case],
) -> io::Result<()> {
    let failures = cases.iter().filter(|c| c.failure.is_some()).count();
    w.write_event(Event::Start(start(
        "testsuite",
        &[
            ("name", name.to_string()),
            ("tests", cases.len().to_string()),
            ("failures", failures.to_string()),
            ("errors", "0".to_string()),
            ("skipped", "0".to_string()),
        ],
    )))?;
    for c in cases {
        let open = start(
            "testcase",
            &[
                ("classname", classname.to_string()),
                ("name", c.name.clone()),
            ],
        );
        if c.failure.is_none() && c.output.is_none() {
            w.write_event(Event::Empty(open))?;
            continue;
        }
        w.write_event(Event::Start(open))?;
        if let Some((message, kind, text)) = &c.failure {
            w.write_event(Event::Start(start(
                "failure",
                &[("message", message.clone()), ("type", kind.to_string())],
            )))?;
            w.write_event(Event::Text(BytesText::from_escaped(xml_text(text))))?;
            w.write_event(Event::End(BytesEnd::new("failure")))?;
        }
        if let Some(out) = &c.output {
            w.write_event(Event::Start(BytesStart::new("system-out")))?;
            w.write_event(Event::Text(BytesText::from_escaped(xml_text(out))))?;
            w.write_event(Event::End(BytesEnd::new("system-out")))?;
        }
        w.write_event(Event::End(BytesEnd::new("testcase")))?;
    }
    w.write_event(Event::End(BytesEnd::new("testsuite")))
}

impl<W: Write> ReportWriter for JunitReportWriter<W> {
    fn report(&mut self, r: &Report) -> io::Result<()> {
        let passes = self.options.gate.passes(r);
        let text = failure_text(r);
        let case = if passes {
            Case {
                name: r.path.clone(),
                failure: None,
                // Passed by --min-score: what is still wrong stays visible.
                output: (!text.is_empty())
                    .then(|| format!("score {} (passes the gate)\n{text}", r.readiness_score)),
            }
        } else {
            let (message, kind) = if r.is_ready {
                (
                    format!("warnings (--fail-on warning): score {}", r.readiness_score),
                    "warning",
                )
            } else {
                (
                    format!("not ready: score {}", r.readiness_score),
                    "readiness",
                )
            };
            Case {
                name: r.path.clone(),
                failure: Some((message, kind, text)),
                output: None,
            }
        };
        self.cases.push(case);
        Ok(())
    }
    fn finish(&mut self, summary: &CatalogSummary) -> io::Result<()> {
        let inputs: Vec<Case> = summary
            .input_problems
            .iter()
            .map(|p| Case {
                name: p.path.clone(),
                failure: Some((
                    format!("{}: {}", p.code, p.message),
                    "input",
                    p.message.clone(),
                )),
                output: None,
            })
            .collect();
        let tests = self.cases.len() + inputs.len();
        let failures = self.cases.iter().filter(|c| c.failure.is_some()).count() + inputs.len();
        let mut w = XmlWriter::new_with_indent(&mut self.out, b' ', 2);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        w.write_event(Event::Start(start(
            "testsuites",
            &[
                ("name", "ddexprobe check".to_string()),
                ("tests", tests.to_string()),
                ("failures", failures.to_string()),
            ],
        )))?;
        junit_suite(&mut w, "readiness", "ddexprobe.readiness", &self.cases)?;
        if !inputs.is_empty() {
            junit_suite(&mut w, "inputs", "ddexprobe.inputs", &inputs)?;
        }
        w.write_event(Event::End(BytesEnd::new("testsuites")))?;
        self.out.write_all(b"\n")?;
        self.cases.clear();
        self.out.flush()
    }
}

/// Escape workflow command data (the message): GitHub's own encoding of
/// `%`, CR and LF, and every other control or bidirectional character made
/// visible, so nothing reaches the CI log that could drive it.
pub fn github_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if super::is_unsafe_char(c) => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    out
}

/// Escape a workflow command property value (`file`, `title`).
pub fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands: an annotation for every missing and
/// invalid field and every warning, and a closing `::notice` with the
/// summary. An annotation is an `error` exactly when its finding fails the
/// run ([`Gate`]: an asset not ready, a warning under `--fail-on
/// warning`, every input problem), else a `warning`. Files are named
/// relative to [`ReportOptions::base`], as GitHub attaches them.
pub struct GithubReportWriter<W: Write> {
    out: W,
    options: ReportOptions,
}

/// `file` as GitHub wants it: relative to `base` when under it, with `/`.
pub fn annotation_path(file: &Path, base: Option<&Path>) -> String {
    let rel = match base {
        Some(b) if file.is_absolute() => file.strip_prefix(b).unwrap_or(file),
        _ => file,
    };
    let rel = rel.strip_prefix(".").unwrap_or(rel);
    rel.to_string_lossy()
        .replace(std::path::MAIN_SEPARATOR, "/")
}

impl<W: Write> GithubReportWriter<W> {
    /// A writer over `out`.
    pub fn new(out: W, options: ReportOptions) -> Self {
        GithubReportWriter { out, options }
    }

    fn command(&mut self, kind: &str, file: &str, title: &str, message: &str) -> io::Result<()> {
        writeln!(
            self.out,
            "::{kind} file={},title={}::{}",
            github_property(file),
            github_property(title),
            github_data(message)
        )
    }
}

impl<W: Write> ReportWriter for GithubReportWriter<W> {
    fn report(&mut self, r: &Report) -> io::Result<()> {
        let file = match &r.file {
            Some(f) => annotation_path(f, self.options.base.as_deref()),
            None => r.path.clone(),
        };
        let gate = self.options.gate;
        let field_kind = if gate.fails_not_ready(r) {
            "error"
        } else {
            "warning"
        };
        for f in &r.missing_fields {
            self.command(
                field_kind,
                &file,
                "Missing field",
                &format!("{f} is missing"),
            )?;
        }
        for f in &r.invalid_fields {
            let message = format!(
                "{}: {} (current value: {})",
                f.field,
                f.issue,
                value_text(&f.current_value)
            );
            self.command(field_kind, &file, "Invalid field", &message)?;
        }
        if !r.is_ready && r.missing_fields.is_empty() && r.invalid_fields.is_empty() {
            let message = format!("readiness score {}", r.readiness_score);
            self.command(field_kind, &file, "Not ready", &message)?;
        }
        let warning_kind = if gate.fail_on_warning {
            "error"
        } else {
            "warning"
        };
        for w in &r.warnings {
            self.command(warning_kind, &file, "Readiness warning", w)?;
        }
        Ok(())
    }
    fn finish(&mut self, summary: &CatalogSummary) -> io::Result<()> {
        for p in &summary.input_problems {
            let file = annotation_path(Path::new(&p.path), self.options.base.as_deref());
            let title = format!("Input problem: {}", p.code);
            self.command("error", &file, &title, &p.message)?;
        }
        writeln!(
            self.out,
            "::notice title={}::{}",
            github_property("ddexprobe check"),
            github_data(&summary_line(summary))
        )?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::readiness::{CategoryScores, InvalidField};
    use serde_json::json;

    fn ready() -> Report {
        Report {
            isrc: None,
            resource_reference: None,
            file: None,
            path: "music/ready.wav".to_string(),
            is_ready: true,
            readiness_score: 100,
            missing_fields: vec![],
            invalid_fields: vec![],
            warnings: vec!["loudness is above -9 LUFS".to_string()],
            suggestions: vec![],
            profile: "streaming".to_string(),
            category_scores: CategoryScores {
                required: 100,
                recommended: 100,
                technical: 100,
            },
        }
    }

    fn not_ready() -> Report {
        Report {
            isrc: None,
            resource_reference: None,
            file: None,
            path: "a,b:c%d\n.wav".to_string(),
            is_ready: false,
            readiness_score: 58,
            missing_fields: vec!["isrc".to_string(), "displayArtist".to_string()],
            invalid_fields: vec![InvalidField {
                field: "technicalResourceDetails.sampleRate".to_string(),
                issue: "below 44100 Hz & <not> \"ok\"".to_string(),
                current_value: json!(22050),
            }],
            warnings: vec![],
            suggestions: vec!["Add the ISRC".to_string()],
            profile: "streaming".to_string(),
            category_scores: CategoryScores {
                required: 60,
                recommended: 50,
                technical: 70,
            },
        }
    }

    fn run(format: CheckFormat) -> String {
        let mut buf = Vec::new();
        {
            let mut w = report_writer(format, &mut buf, ReportOptions::default());
            let mut summary = CatalogSummary::default();
            w.begin().unwrap();
            for r in [ready(), not_ready()] {
                summary.add(&r, &Gate::default());
                w.report(&r).unwrap();
            }
            w.finish(&summary).unwrap();
        }
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn ndjson_exact() {
        let out = run(CheckFormat::Ndjson);
        insta::assert_snapshot!(out);
        // One line per report, each ending in a newline.
        assert!(out.ends_with("}\n") && out.lines().count() == 2);
    }

    #[test]
    fn json_exact() {
        let out = run(CheckFormat::Json);
        insta::assert_snapshot!(out);
        assert!(out.ends_with("}\n"));
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["assets"][1]["path"], "a,b:c%d\n.wav");
    }

    #[test]
    fn json_empty_is_valid() {
        let mut buf = Vec::new();
        {
            let mut w = report_writer(CheckFormat::Json, &mut buf, ReportOptions::default());
            w.begin().unwrap();
            w.finish(&CatalogSummary::default()).unwrap();
        }
        let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
        assert_eq!(v["assets"], json!([]));
        assert_eq!(v["summary"]["averageScore"], 0);
    }

    #[test]
    fn github_exact() {
        let out = run(CheckFormat::Github);
        insta::assert_snapshot!(out);
        assert!(out.ends_with('\n'));
    }

    #[test]
    fn github_escaping() {
        assert_eq!(github_data("50%\r\nx: a,b"), "50%25%0D%0Ax: a,b");
        assert_eq!(github_property("50%\r\nx: a,b"), "50%25%0D%0Ax%3A a%2Cb");
        // ESC, C1 CSI, DEL and a bidi override never reach the log raw.
        assert_eq!(
            github_data("a\x1b]0;pwned\x07b\u{9b}c\u{7f}\u{202e}"),
            "a\\u{1b}]0;pwned\\u{7}b\\u{9b}c\\u{7f}\\u{202e}"
        );
    }

    #[test]
    fn table_structure() {
        let out = run(CheckFormat::Table);
        assert_eq!(
            out,
            "READY SCORE PROBLEMS  PATH\n\
             yes     100        1  music/ready.wav\n      \
             warning: loudness is above -9 LUFS\n\
             no       58        3  a,b:c%d\\n.wav\n      \
             technicalResourceDetails.sampleRate: below 44100 Hz & <not> \"ok\"\n      \
             missing isrc\n      missing displayArtist\n\
             \n2 assets: 1 ready, 1 not ready, average score 79\n"
        );
        // Every problem is shown, cut to the terminal's width.
        let mut buf = Vec::new();
        {
            let options = ReportOptions {
                width: 40,
                ..ReportOptions::default()
            };
            let mut w = report_writer(CheckFormat::Table, &mut buf, options);
            w.report(&not_ready()).unwrap();
        }
        let out = String::from_utf8(buf).unwrap();
        assert!(out.lines().all(|l| l.chars().count() <= 40), "{out}");
        assert!(out.contains("technicalResourceDetails.sampleRa…"), "{out}");
    }

    #[test]
    fn first_problem_order() {
        let mut r = not_ready();
        assert!(first_problem(&r).starts_with("technicalResourceDetails.sampleRate: "));
        r.invalid_fields.clear();
        assert_eq!(first_problem(&r), "missing isrc");
        r.missing_fields.clear();
        assert_eq!(first_problem(&r), "-");
        assert_eq!(
            first_problem(&ready()),
            "warning: loudness is above -9 LUFS"
        );
    }

    /// A parsed element: name, attributes, text, children.
    #[derive(Debug, Default)]
    struct El {
        name: String,
        attrs: Vec<(String, String)>,
        text: String,
        children: Vec<El>,
    }

    impl El {
        fn attr(&self, k: &str) -> &str {
            &self.attrs.iter().find(|(n, _)| n == k).unwrap().1
        }
    }

    fn parse(xml: &str) -> El {
        use quick_xml::XmlVersion;
        use quick_xml::events::{BytesStart, Event};
        let element = |e: &BytesStart| El {
            name: e.name().as_ref().to_string(),
            attrs: e
                .attributes()
                .map(|a| {
                    let a = a.unwrap();
                    (
                        a.key.as_ref().to_string(),
                        a.normalized_value(XmlVersion::Implicit1_0)
                            .unwrap()
                            .into_owned(),
                    )
                })
                .collect(),
            ..El::default()
        };
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut stack = vec![El::default()];
        let mut decl = false;
        loop {
            match reader.read_event().unwrap() {
                Event::Decl(_) => decl = true,
                Event::Start(e) => stack.push(element(&e)),
                Event::Empty(e) => {
                    let el = element(&e);
                    stack.last_mut().unwrap().children.push(el);
                }
                Event::End(_) => {
                    let el = stack.pop().unwrap();
                    stack.last_mut().unwrap().children.push(el);
                }
                Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t.xml10_content()),
                Event::GeneralRef(r) => {
                    let c = match r.resolve_char_ref().unwrap() {
                        Some(c) => c.to_string(),
                        None => quick_xml::escape::resolve_predefined_entity(&r)
                            .unwrap()
                            .to_string(),
                    };
                    stack.last_mut().unwrap().text.push_str(&c);
                }
                Event::Eof => break,
                e => panic!("unexpected {e:?}"),
            }
        }
        assert!(decl);
        let mut root = stack.pop().unwrap();
        assert!(stack.is_empty());
        assert_eq!(root.children.len(), 1);
        root.children.pop().unwrap()
    }

    #[test]
    fn junit_structure() {
        let out = run(CheckFormat::Junit);
        insta::assert_snapshot!(out);
        assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
        let suites = parse(&out);
        assert_eq!(suites.name, "testsuites");
        assert_eq!(suites.attr("name"), "ddexprobe check");
        assert_eq!(suites.attr("tests"), "2");
        assert_eq!(suites.attr("failures"), "1");
        assert_eq!(suites.children.len(), 1);
        let suite = &suites.children[0];
        assert_eq!(suite.name, "testsuite");
        for (k, v) in [
            ("name", "readiness"),
            ("tests", "2"),
            ("failures", "1"),
            ("errors", "0"),
            ("skipped", "0"),
        ] {
            assert_eq!(suite.attr(k), v);
        }
        assert_eq!(suite.children.len(), 2);
        let (ok, bad) = (&suite.children[0], &suite.children[1]);
        for c in [ok, bad] {
            assert_eq!(c.name, "testcase");
            assert_eq!(c.attr("classname"), "ddexprobe.readiness");
        }
        assert_eq!(ok.attr("name"), "music/ready.wav");
        // Passing, with its warning kept visible, and no failure.
        assert_eq!(ok.children.len(), 1);
        assert_eq!(ok.children[0].name, "system-out");
        // The hostile path survives the round trip, newline included.
        assert_eq!(bad.attr("name"), "a,b:c%d\n.wav");
        assert_eq!(bad.children.len(), 1);
        let failure = &bad.children[0];
        assert_eq!(failure.name, "failure");
        assert_eq!(failure.attr("message"), "not ready: score 58");
        assert_eq!(failure.attr("type"), "readiness");
        assert_eq!(
            failure.text,
            "missing field: isrc\n\
             missing field: displayArtist\n\
             invalid field: technicalResourceDetails.sampleRate: below 44100 Hz & <not> \"ok\" (current value: 22050)\n\
             suggestion: Add the ISRC"
        );
    }

    #[test]
    fn junit_hostile_names_parse() {
        let mut r = not_ready();
        r.path = "\u{1}&<>\"'🎵 أغنية\r\t.wav".to_string();
        r.suggestions = vec!["\u{1b}[2J".to_string()];
        let mut buf = Vec::new();
        {
            let mut w = report_writer(CheckFormat::Junit, &mut buf, ReportOptions::default());
            w.report(&r).unwrap();
            w.finish(&CatalogSummary::default()).unwrap();
        }
        let suites = parse(std::str::from_utf8(&buf).unwrap());
        let case = &suites.children[0].children[0];
        assert_eq!(case.attr("name"), "\u{fffd}&<>\"'🎵 أغنية\r\t.wav");
        assert!(case.children[0].text.ends_with("suggestion: \u{fffd}[2J"));
    }

    #[test]
    fn junit_empty() {
        let mut buf = Vec::new();
        {
            let mut w = report_writer(CheckFormat::Junit, &mut buf, ReportOptions::default());
            w.finish(&CatalogSummary::default()).unwrap();
        }
        let suites = parse(std::str::from_utf8(&buf).unwrap());
        assert_eq!(suites.attr("tests"), "0");
        assert!(suites.children[0].children.is_empty());
    }

    #[test]
    fn summary_arithmetic() {
        let mut s = CatalogSummary::default();
        assert_eq!(s.average_score, 0);
        let with = |score: u32, missing: &[&str], invalid: &[&str]| {
            let mut r = not_ready();
            r.readiness_score = score;
            r.is_ready = score == 100;
            r.missing_fields = missing.iter().map(|s| s.to_string()).collect();
            r.invalid_fields = invalid
                .iter()
                .map(|f| InvalidField {
                    field: f.to_string(),
                    issue: "bad".to_string(),
                    current_value: json!(null),
                })
                .collect();
            r
        };
        for r in [
            with(100, &[], &[]),
            with(99, &["b"], &["x", "x"]),
            with(90, &["b", "a"], &["y"]),
            with(89, &["c"], &[]),
            with(75, &["a"], &[]),
            with(74, &[], &[]),
            with(50, &[], &[]),
            with(49, &[], &[]),
            with(0, &[], &[]),
        ] {
            s.add(&r, &Gate::default());
        }
        assert_eq!((s.assets, s.ready, s.not_ready), (9, 1, 8));
        // 626 / 9 = 69.56
        assert_eq!(s.average_score, 70);
        assert_eq!(
            s.score_distribution,
            ScoreDistribution {
                score_100: 1,
                score_90_99: 2,
                score_75_89: 2,
                score_50_74: 2,
                score_0_49: 2,
            }
        );
        let names = |v: &[FieldCount]| {
            v.iter()
                .map(|f| (f.field.clone(), f.count))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(&s.top_missing_fields),
            [("a".into(), 2), ("b".into(), 2), ("c".into(), 1)]
        );
        // An asset counts once per field.
        assert_eq!(
            names(&s.top_invalid_fields),
            [("x".into(), 1), ("y".into(), 1)]
        );
        // Rounding half up: 1 + 0 over 2.
        let mut h = CatalogSummary::default();
        h.add(&with(1, &[], &[]), &Gate::default());
        h.add(&with(0, &[], &[]), &Gate::default());
        assert_eq!(h.average_score, 1);
    }

    #[test]
    fn summary_keeps_top_ten() {
        let mut s = CatalogSummary::default();
        let mut r = not_ready();
        r.invalid_fields.clear();
        for i in 0..12 {
            r.missing_fields = (0..=i).map(|j| format!("f{j:02}")).collect();
            s.add(&r, &Gate::default());
        }
        assert_eq!(s.top_missing_fields.len(), TOP_FIELDS);
        assert_eq!(s.top_missing_fields[0].field, "f00");
        assert_eq!(s.top_missing_fields[0].count, 12);
        assert_eq!(s.top_missing_fields[9].field, "f09");
        assert_eq!(s.top_missing_fields[9].count, 3);
    }

    #[test]
    fn parse_formats() {
        for (s, f) in [
            ("table", CheckFormat::Table),
            ("json", CheckFormat::Json),
            ("ndjson", CheckFormat::Ndjson),
            ("junit", CheckFormat::Junit),
            ("github", CheckFormat::Github),
        ] {
            assert_eq!(CheckFormat::parse(s), Some(f));
        }
        assert_eq!(CheckFormat::parse("xml"), None);
    }

    fn run_with(
        format: CheckFormat,
        options: ReportOptions,
        problems: Vec<InputProblem>,
    ) -> String {
        let gate = options.gate;
        let mut buf = Vec::new();
        {
            let mut w = report_writer(format, &mut buf, options);
            let mut summary = CatalogSummary::default();
            w.begin().unwrap();
            let mut located = not_ready();
            located.file = Some(PathBuf::from("/repo/cat/a.wav"));
            for r in [ready(), located] {
                summary.add(&r, &gate);
                w.report(&r).unwrap();
            }
            summary.input_problems = problems;
            w.finish(&summary).unwrap();
        }
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn ci_outputs_follow_the_gate() {
        // --min-score 50 passes the score-58 asset: JUnit has no failure,
        // GitHub no error, and the summary counts nothing failing.
        let gate = Gate {
            min_score: Some(50),
            fail_on_warning: false,
        };
        let options = ReportOptions {
            gate,
            ..ReportOptions::default()
        };
        let junit = run_with(CheckFormat::Junit, options.clone(), vec![]);
        let root = parse(&junit);
        assert_eq!(root.attr("failures"), "0", "{junit}");
        assert!(junit.contains("passes the gate"), "{junit}");
        let github = run_with(CheckFormat::Github, options, vec![]);
        assert!(!github.contains("::error"), "{github}");
        assert!(github.contains("::warning"), "{github}");
        // --fail-on warning fails the ready asset with a warning.
        let options = ReportOptions {
            gate: Gate {
                min_score: None,
                fail_on_warning: true,
            },
            ..ReportOptions::default()
        };
        let junit = run_with(CheckFormat::Junit, options.clone(), vec![]);
        assert_eq!(parse(&junit).attr("failures"), "2", "{junit}");
        assert!(junit.contains("type=\"warning\""), "{junit}");
        let github = run_with(CheckFormat::Github, options, vec![]);
        assert!(
            github.contains("::error file=music/ready.wav,title=Readiness warning::"),
            "{github}"
        );
    }

    #[test]
    fn annotations_are_relative_to_the_base_and_inputs_fail() {
        let problem = InputProblem {
            path: "/repo/cat/locked".to_string(),
            code: crate::record::InputCode::UnreadableDirectory,
            message: "cannot be read".to_string(),
        };
        let options = ReportOptions {
            base: Some(PathBuf::from("/repo")),
            ..ReportOptions::default()
        };
        let github = run_with(CheckFormat::Github, options.clone(), vec![problem.clone()]);
        assert!(
            github.contains("::error file=cat/a.wav,title=Missing field::"),
            "{github}"
        );
        assert!(
            github.contains(
                "::error file=cat/locked,title=Input problem%3A unreadable_directory::cannot be read"
            ),
            "{github}"
        );
        let junit = run_with(CheckFormat::Junit, options, vec![problem]);
        let root = parse(&junit);
        assert_eq!(root.attr("tests"), "3");
        assert_eq!(root.attr("failures"), "2");
        assert_eq!(root.children.len(), 2, "{junit}");
        assert_eq!(annotation_path(Path::new("./x/y.wav"), None), "x/y.wav");
        assert_eq!(
            annotation_path(Path::new("/elsewhere/y.wav"), Some(Path::new("/repo"))),
            "/elsewhere/y.wav"
        );
    }
}
