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
use crate::readiness::Report;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::io::{self, Write};

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

/// A writer for `format` over `out`.
pub fn report_writer<'a, W: Write + Send + 'a>(
    format: CheckFormat,
    out: W,
) -> Box<dyn ReportWriter + Send + 'a> {
    match format {
        CheckFormat::Table => Box::new(TableReportWriter::new(out)),
        CheckFormat::Json => Box::new(JsonReportWriter::new(out)),
        CheckFormat::Ndjson => Box::new(NdjsonReportWriter::new(out)),
        CheckFormat::Junit => Box::new(JunitReportWriter::new(out)),
        CheckFormat::Github => Box::new(GithubReportWriter::new(out)),
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
    #[serde(skip)]
    score_sum: u64,
    #[serde(skip)]
    missing: HashMap<String, u64>,
    #[serde(skip)]
    invalid: HashMap<String, u64>,
}

impl CatalogSummary {
    /// Count one report in.
    pub fn add(&mut self, r: &Report) {
        self.assets += 1;
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
    format!(
        "{}: {} ready, {} not ready, average score {}",
        plural(s.assets, "asset", "assets"),
        s.ready,
        s.not_ready,
        s.average_score
    )
}

/// A current value for people: JSON, so strings are quoted.
fn value_text(v: &serde_json::Value) -> String {
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

/// Width of the table's PROBLEM column, in characters; longer problems are
/// cut short with `…` so the paths stay aligned.
const PROBLEM_WIDTH: usize = 48;

/// `s` cut to `width` characters, the last one `…` when cut.
fn clip(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A table for people: fixed columns so it can stream, path last.
pub struct TableReportWriter<W: Write> {
    out: W,
}

impl<W: Write> TableReportWriter<W> {
    /// A writer over `out`.
    pub fn new(out: W) -> Self {
        TableReportWriter { out }
    }
}

/// The first problem of a report: its first invalid field, else its first
/// missing field, else its first warning, else `-`.
pub fn first_problem(r: &Report) -> String {
    if let Some(f) = r.invalid_fields.first() {
        format!("{}: {}", f.field, f.issue)
    } else if let Some(f) = r.missing_fields.first() {
        format!("missing {f}")
    } else if let Some(w) = r.warnings.first() {
        w.clone()
    } else {
        "-".to_string()
    }
}

impl<W: Write> ReportWriter for TableReportWriter<W> {
    fn begin(&mut self) -> io::Result<()> {
        writeln!(
            self.out,
            "{:<5} {:>5} {:<PROBLEM_WIDTH$} PATH",
            "READY", "SCORE", "PROBLEM"
        )
    }
    fn report(&mut self, r: &Report) -> io::Result<()> {
        writeln!(
            self.out,
            "{:<5} {:>5} {:<PROBLEM_WIDTH$} {}",
            if r.is_ready { "yes" } else { "no" },
            r.readiness_score,
            clip(&sanitize(&first_problem(r)), PROBLEM_WIDTH),
            sanitize(&r.path)
        )
    }
    fn finish(&mut self, summary: &CatalogSummary) -> io::Result<()> {
        writeln!(self.out, "\n{}", summary_line(summary))?;
        self.out.flush()
    }
}

/// JUnit XML: `testsuites > testsuite > testcase [> failure]`, one test case
/// per asset. The counts head the document, so test cases are held until
/// [`ReportWriter::finish`].
pub struct JunitReportWriter<W: Write> {
    out: W,
    cases: String,
    tests: u64,
    failures: u64,
}

impl<W: Write> JunitReportWriter<W> {
    /// A writer over `out`.
    pub fn new(out: W) -> Self {
        JunitReportWriter {
            out,
            cases: String::new(),
            tests: 0,
            failures: 0,
        }
    }
}

/// Every reason an asset is not ready, one per line.
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
    for s in &r.suggestions {
        lines.push(format!("suggestion: {s}"));
    }
    lines.join("\n")
}

impl<W: Write> ReportWriter for JunitReportWriter<W> {
    fn report(&mut self, r: &Report) -> io::Result<()> {
        use std::fmt::Write as _;
        self.tests += 1;
        let name = xml_attr(&r.path);
        if r.is_ready {
            let _ = writeln!(
                self.cases,
                "    <testcase classname=\"ddexprobe.readiness\" name=\"{name}\"/>"
            );
        } else {
            self.failures += 1;
            let _ = writeln!(
                self.cases,
                "    <testcase classname=\"ddexprobe.readiness\" name=\"{name}\">\n      \
                 <failure message=\"not ready: score {}\" type=\"readiness\">{}</failure>\n    \
                 </testcase>",
                r.readiness_score,
                xml_text(&failure_text(r))
            );
        }
        Ok(())
    }
    fn finish(&mut self, _summary: &CatalogSummary) -> io::Result<()> {
        let (t, f) = (self.tests, self.failures);
        write!(
            self.out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <testsuites name=\"ddexprobe check\" tests=\"{t}\" failures=\"{f}\">\n  \
             <testsuite name=\"readiness\" tests=\"{t}\" failures=\"{f}\" errors=\"0\" skipped=\"0\">\n\
             {}  </testsuite>\n\
             </testsuites>\n",
            self.cases
        )?;
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

/// GitHub Actions workflow commands: `::error` for every missing and invalid
/// field, `::warning` for every warning, and a closing `::notice` with the
/// summary.
pub struct GithubReportWriter<W: Write> {
    out: W,
}

impl<W: Write> GithubReportWriter<W> {
    /// A writer over `out`.
    pub fn new(out: W) -> Self {
        GithubReportWriter { out }
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
        for f in &r.missing_fields {
            self.command(
                "error",
                &r.path,
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
            self.command("error", &r.path, "Invalid field", &message)?;
        }
        if !r.is_ready && r.missing_fields.is_empty() && r.invalid_fields.is_empty() {
            let message = format!("readiness score {}", r.readiness_score);
            self.command("error", &r.path, "Not ready", &message)?;
        }
        for w in &r.warnings {
            self.command("warning", &r.path, "Readiness warning", w)?;
        }
        Ok(())
    }
    fn finish(&mut self, summary: &CatalogSummary) -> io::Result<()> {
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
            let mut w = report_writer(format, &mut buf);
            let mut summary = CatalogSummary::default();
            w.begin().unwrap();
            for r in [ready(), not_ready()] {
                summary.add(&r);
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
            let mut w = report_writer(CheckFormat::Json, &mut buf);
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
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 5, "{out}");
        let cols = |l: &str| l.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        assert_eq!(cols(lines[0]), ["READY", "SCORE", "PROBLEM", "PATH"]);
        // The path column starts at the same character on every row.
        let at = lines[0].find("PATH").unwrap();
        let split = |l: &str| {
            let c: Vec<char> = l.chars().collect();
            (
                c[..at].iter().collect::<String>(),
                c[at..].iter().collect::<String>(),
            )
        };
        assert_eq!(
            split(lines[1]),
            (
                format!("{:<at$}", "yes     100 loudness is above -9 LUFS"),
                "music/ready.wav".to_string()
            )
        );
        assert_eq!(
            split(lines[2]),
            (
                "no       58 technicalResourceDetails.sampleRate: below 4410… ".to_string(),
                "a,b:c%d\\n.wav".to_string()
            )
        );
        assert_eq!(lines[3], "");
        assert_eq!(lines[4], "2 assets: 1 ready, 1 not ready, average score 79");
    }

    #[test]
    fn first_problem_order() {
        let mut r = not_ready();
        assert!(first_problem(&r).starts_with("technicalResourceDetails.sampleRate: "));
        r.invalid_fields.clear();
        assert_eq!(first_problem(&r), "missing isrc");
        r.missing_fields.clear();
        assert_eq!(first_problem(&r), "-");
        assert_eq!(first_problem(&ready()), "loudness is above -9 LUFS");
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
        assert!(ok.children.is_empty());
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
            let mut w = report_writer(CheckFormat::Junit, &mut buf);
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
            let mut w = report_writer(CheckFormat::Junit, &mut buf);
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
            s.add(&r);
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
        h.add(&with(1, &[], &[]));
        h.add(&with(0, &[], &[]));
        assert_eq!(h.average_score, 1);
    }

    #[test]
    fn summary_keeps_top_ten() {
        let mut s = CatalogSummary::default();
        let mut r = not_ready();
        r.invalid_fields.clear();
        for i in 0..12 {
            r.missing_fields = (0..=i).map(|j| format!("f{j:02}")).collect();
            s.add(&r);
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
}
