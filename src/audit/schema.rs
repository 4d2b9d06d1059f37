//! The schema check of an audit: the message validated with `xmllint`
//! against the official DDEX schema of its version, when a folder of
//! schemas is given (`--schemas DIR`, or `DDEXPROBE_DDEX_SCHEMAS`, holding
//! `ern34/`, `ern341/`, `ern42/`, `ern43/`... each with its
//! `release-notification.xsd`). ddexprobe does not ship DDEX's schemas;
//! when the check cannot run, the report says so and why, and the audit
//! carries a `schema_not_checked` warning: an audit never implies a
//! validity it did not see.

use super::message::ErnVersion;
use super::{AuditCode, Finding};
use serde::Serialize;
use std::path::Path;
use std::process::Command;

/// The most schema errors a report lists.
const MAX_ERRORS: usize = 20;

/// Whether and how the schema was checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaCheck {
    /// `valid`, `invalid` or `not_checked`.
    pub status: &'static str,
    /// The schema file used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Why the check was not run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// xmllint's errors (the first 20), `line N: message`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
}

impl SchemaCheck {
    /// Not checked, because of `reason`.
    pub fn not_checked(reason: impl Into<String>) -> SchemaCheck {
        SchemaCheck {
            status: "not_checked",
            schema: None,
            reason: Some(reason.into()),
            errors: Vec::new(),
        }
    }

    /// The findings the check makes.
    pub fn findings(&self) -> Vec<Finding> {
        match self.status {
            "invalid" => {
                let first = self.errors.first().cloned().unwrap_or_default();
                let line = first
                    .strip_prefix("line ")
                    .and_then(|r| r.split(':').next())
                    .and_then(|n| n.parse().ok());
                let mut f = Finding::error(
                    AuditCode::SchemaInvalid,
                    format!(
                        "the message does not validate against {} ({} error{}): {first}",
                        self.schema.as_deref().unwrap_or("its schema"),
                        self.errors.len(),
                        if self.errors.len() == 1 { "" } else { "s" }
                    ),
                    "Correct the message so that it validates against its ERN schema",
                );
                f.line = line;
                vec![f]
            }
            "not_checked" => vec![Finding::warning(
                AuditCode::SchemaNotChecked,
                format!(
                    "the schema was not checked: {}",
                    self.reason.as_deref().unwrap_or("unknown reason")
                ),
                "Give --schemas DIR (the DDEX ERN schemas) and install xmllint to check it",
            )],
            _ => Vec::new(),
        }
    }
}

/// Check `message` against its version's schema in `dir`.
pub fn check(message: &Path, version: &ErnVersion, dir: Option<&Path>) -> SchemaCheck {
    let from_env = std::env::var_os("DDEXPROBE_DDEX_SCHEMAS").map(std::path::PathBuf::from);
    let Some(dir) = dir.map(Path::to_path_buf).or(from_env) else {
        return SchemaCheck::not_checked(
            "no DDEX schemas were given (--schemas DIR or DDEXPROBE_DDEX_SCHEMAS)",
        );
    };
    let xsd = dir
        .join(format!("ern{}", version.code))
        .join("release-notification.xsd");
    if !xsd.is_file() {
        return SchemaCheck::not_checked(format!(
            "no schema for ERN {version} in {} (looked for {})",
            dir.display(),
            xsd.display()
        ));
    }
    let output = Command::new("xmllint")
        .arg("--nonet")
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .arg(message)
        .output();
    let output = match output {
        Ok(o) => o,
        Err(e) => {
            return SchemaCheck::not_checked(format!(
                "xmllint could not be run ({e}); install libxml2-utils"
            ));
        }
    };
    let schema = Some(xsd.display().to_string());
    match output.status.code() {
        Some(0) => SchemaCheck {
            status: "valid",
            schema,
            reason: None,
            errors: Vec::new(),
        },
        Some(3) | Some(1) => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let prefix = message.display().to_string();
            let errors = stderr
                .lines()
                .filter(|l| !l.ends_with(" fails to validate") && !l.trim().is_empty())
                .take(MAX_ERRORS)
                .map(|l| {
                    // `FILE:LINE: element X: Schemas validity error : ...`
                    let rest = l.strip_prefix(&prefix).and_then(|r| r.strip_prefix(':'));
                    match rest.and_then(|r| r.split_once(':')) {
                        Some((n, msg)) if n.bytes().all(|b| b.is_ascii_digit()) => {
                            format!("line {n}:{msg}")
                        }
                        _ => l.to_string(),
                    }
                })
                .collect();
            SchemaCheck {
                status: "invalid",
                schema,
                reason: None,
                errors,
            }
        }
        _ => SchemaCheck::not_checked(format!(
            "xmllint could not use {} ({})",
            xsd.display(),
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .next()
                .unwrap_or("")
        )),
    }
}
