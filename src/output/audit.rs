//! Writers for `ddexprobe audit`: the report as one JSON document, as
//! NDJSON (a line per resource, then one for the message), a table for
//! people, JUnit XML (a test case per resource, one for the batch and one
//! for the message's rules and schema) and GitHub Actions annotations
//! pointing at the message's lines.

use super::reports::{
    Case, annotation_path, github_data, github_property, junit_suite, start, value_text,
};
use super::sanitize;
use crate::audit::{AuditReport, Finding, Severity};
use quick_xml::Writer as XmlWriter;
use quick_xml::events::{BytesDecl, BytesEnd, Event};
use serde_json::json;
use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

/// Output formats of `ddexprobe audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditFormat {
    /// Aligned text for people.
    Table,
    /// The whole report as one JSON document.
    Json,
    /// One JSON line per resource, then the message's line.
    Ndjson,
    /// JUnit XML.
    Junit,
    /// GitHub Actions workflow commands.
    Github,
}

/// Whether a finding fails the audit: errors, and warnings under
/// `--fail-on warning`.
pub fn fails(f: &Finding, fail_on_warning: bool) -> bool {
    f.severity == Severity::Error || fail_on_warning
}

/// Write `report` in `format`. `base` is the folder GitHub annotations are
/// relative to.
pub fn write<W: Write>(
    report: &AuditReport,
    format: AuditFormat,
    fail_on_warning: bool,
    base: Option<&Path>,
    out: &mut W,
) -> io::Result<()> {
    match format {
        AuditFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, report)?;
            out.write_all(b"\n")
        }
        AuditFormat::Ndjson => ndjson(report, out),
        AuditFormat::Table => table(report, out),
        AuditFormat::Junit => junit(report, fail_on_warning, out),
        AuditFormat::Github => github(report, fail_on_warning, base, out),
    }
}

/// The findings about each resource's files, by reference (built once:
/// a message may hold many resources and many findings).
fn by_resource(report: &AuditReport) -> HashMap<&str, Vec<&Finding>> {
    let mut map: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for f in &report.findings {
        if let (Some(r), Some(_)) = (f.resource.as_deref(), &f.file) {
            map.entry(r).or_default().push(f);
        }
    }
    map
}

/// Findings about the message as a whole (rules, schema, the batch).
fn message_findings(report: &AuditReport) -> impl Iterator<Item = &Finding> {
    let refs: std::collections::HashSet<&str> = report
        .resources
        .iter()
        .map(|r| r.reference.as_str())
        .collect();
    report.findings.iter().filter(move |f| {
        !(f.file.is_some() && f.resource.as_deref().is_some_and(|r| refs.contains(r)))
    })
}

fn ndjson<W: Write>(report: &AuditReport, out: &mut W) -> io::Result<()> {
    let by = by_resource(report);
    for r in &report.resources {
        let findings = by.get(r.reference.as_str()).cloned().unwrap_or_default();
        let mut v = serde_json::to_value(r).map_err(io::Error::other)?;
        v["type"] = json!("resource");
        v["message"] = json!(report.message);
        v["findings"] = serde_json::to_value(findings).map_err(io::Error::other)?;
        serde_json::to_writer(&mut *out, &v)?;
        out.write_all(b"\n")?;
    }
    let findings: Vec<&Finding> = message_findings(report).collect();
    let v = json!({
        "type": "message",
        "message": report.message,
        "root": report.root,
        "ernVersion": report.ern_version,
        "messageId": report.message_id,
        "messageThreadId": report.message_thread_id,
        "sender": report.sender,
        "recipient": report.recipient,
        "profile": report.profile,
        "schema": report.schema,
        "findings": findings,
        "summary": report.summary,
    });
    serde_json::to_writer(&mut *out, &v)?;
    out.write_all(b"\n")
}

/// One finding for people: a head line (severity, code, resource, file,
/// line), then what is wrong, the values compared and what to do.
fn line_of(f: &Finding) -> String {
    let mut head = format!(
        "{:<7} {}",
        match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        },
        f.code.as_str()
    );
    if let Some(r) = &f.resource {
        head.push_str(&format!("  {}", sanitize(r)));
    }
    if let Some(file) = &f.file {
        head.push_str(&format!("  {}", sanitize(file)));
    }
    if let Some(l) = f.line {
        head.push_str(&format!("  (line {l})"));
    }
    let pad = "        ";
    let mut s = format!("{head}\n{pad}{}", sanitize(&f.message));
    if let (Some(field), Some(d), Some(m)) = (&f.field, &f.declared, &f.measured)
        && !d.is_null()
    {
        s.push_str(&format!(
            "\n{pad}{field}: declared {}, measured {}",
            sanitize(&value_text(d)),
            sanitize(&value_text(m))
        ));
    }
    s.push_str(&format!("\n{pad}fix: {}", sanitize(&f.suggestion)));
    s
}

fn table<W: Write>(report: &AuditReport, out: &mut W) -> io::Result<()> {
    writeln!(
        out,
        "{} (ERN {}, message {}), files in {}",
        sanitize(&report.message),
        report.ern_version,
        sanitize(report.message_id.as_deref().unwrap_or("without id")),
        sanitize(&report.root)
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<8} {:<15} {:<13} {:<9} FILE",
        "RESOURCE", "KIND", "ISRC", "STATUS"
    )?;
    for r in &report.resources {
        let files: Vec<String> = r
            .files
            .iter()
            .map(|f| format!("{} [{}]", sanitize(&f.file), f.status))
            .collect();
        writeln!(
            out,
            "{:<8} {:<15} {:<13} {:<9} {}",
            sanitize(&r.reference),
            sanitize(&r.kind),
            sanitize(r.isrc.as_deref().unwrap_or("-")),
            r.status,
            if files.is_empty() {
                "(no file named)".to_string()
            } else {
                files.join(", ")
            }
        )?;
    }
    if !report.findings.is_empty() {
        writeln!(out)?;
        for f in &report.findings {
            writeln!(out, "{}", line_of(f))?;
        }
    }
    writeln!(out)?;
    let s = &report.summary;
    writeln!(
        out,
        "schema: {}{}",
        report.schema.status,
        report
            .schema
            .reason
            .as_deref()
            .map(|r| format!(" ({})", sanitize(r)))
            .unwrap_or_default()
    )?;
    writeln!(
        out,
        "{}: {} resources ({} sound recordings, {} images), {} of {} files present, {} matching, {} unreferenced; {} errors, {} warnings",
        if s.ok { "ok" } else { "FAILED" },
        s.resources,
        s.sound_recordings,
        s.images,
        s.files_present,
        s.files_named,
        s.files_matching,
        s.unreferenced_files,
        s.errors,
        s.warnings
    )
}

fn case(name: String, findings: &[&Finding], fail_on_warning: bool, kind: &'static str) -> Case {
    let text: Vec<String> = findings.iter().map(|f| line_of(f)).collect();
    let failing: Vec<&&Finding> = findings
        .iter()
        .filter(|f| fails(f, fail_on_warning))
        .collect();
    match failing.first() {
        Some(first) => Case {
            name,
            failure: Some((
                format!("{}: {}", first.code, first.message),
                kind,
                text.join("\n"),
            )),
            output: None,
        },
        None => Case {
            name,
            failure: None,
            output: (!text.is_empty()).then(|| text.join("\n")),
        },
    }
}

fn junit<W: Write>(report: &AuditReport, fail_on_warning: bool, out: &mut W) -> io::Result<()> {
    let mut cases = Vec::new();
    let by = by_resource(report);
    for r in &report.resources {
        let findings = by.get(r.reference.as_str()).cloned().unwrap_or_default();
        let files: Vec<&str> = r.files.iter().map(|f| f.file.as_str()).collect();
        let name = if files.is_empty() {
            format!("{} {}", r.reference, r.kind)
        } else {
            format!("{} {} {}", r.reference, r.kind, files.join(", "))
        };
        cases.push(case(name, &findings, fail_on_warning, "audit"));
    }
    let rest: Vec<&Finding> = message_findings(report).collect();
    let batch: Vec<&Finding> = rest.iter().copied().filter(|f| f.file.is_some()).collect();
    let rules: Vec<&Finding> = rest.iter().copied().filter(|f| f.file.is_none()).collect();
    cases.push(case(
        "batch: files no resource names".into(),
        &batch,
        fail_on_warning,
        "batch",
    ));
    cases.push(case(
        "message: rules and schema".into(),
        &rules,
        fail_on_warning,
        "message",
    ));
    let failures = cases.iter().filter(|c| c.failure.is_some()).count();
    let mut w = XmlWriter::new_with_indent(&mut *out, b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.write_event(Event::Start(start(
        "testsuites",
        &[
            ("name", "ddexprobe audit".to_string()),
            ("tests", cases.len().to_string()),
            ("failures", failures.to_string()),
        ],
    )))?;
    junit_suite(&mut w, &report.message, "ddexprobe.audit", &cases)?;
    w.write_event(Event::End(BytesEnd::new("testsuites")))?;
    out.write_all(b"\n")
}

fn github<W: Write>(
    report: &AuditReport,
    fail_on_warning: bool,
    base: Option<&Path>,
    out: &mut W,
) -> io::Result<()> {
    let file = annotation_path(Path::new(&report.message), base);
    for f in &report.findings {
        let kind = if fails(f, fail_on_warning) {
            "error"
        } else {
            "warning"
        };
        let mut message = f.message.clone();
        if let Some(r) = &f.resource {
            message = format!("{r}: {message}");
        }
        message.push_str(&format!(" — {}", f.suggestion));
        let line = f.line.map(|l| format!(",line={l}")).unwrap_or_default();
        writeln!(
            out,
            "::{kind} file={}{line},title={}::{}",
            github_property(&file),
            github_property(f.code.as_str()),
            github_data(&message)
        )?;
    }
    writeln!(
        out,
        "::notice title={}::{}",
        github_property("ddexprobe audit"),
        github_data(&format!("{}: {}", report.message, report.summary_line()))
    )
}
