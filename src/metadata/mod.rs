//! Descriptive metadata: what people declare about each recording, in JSON
//! sidecars beside the audio ([`sidecar`]) or catalog manifests
//! ([`manifest`]: JSON keyed by path, or CSV with dotted column names),
//! merged with what was measured ([`mod@merge`], which returns contradictions
//! as data), and the identifier rules every consumer shares
//! ([`identifiers`]: ISRC, ISWC, languages, countries, durations).
//! [`crate::readiness`] judges the merged metadata, [`crate::ern`] writes it.
//!
//! Every source is flattened into dotted field names
//! (`soundRecordingDetails.pLine.year`), so a sidecar, a manifest row and
//! a spreadsheet column say the same thing the same way, and the rules in
//! [`crate::readiness`] look fields up by name. Keys that are not fields of
//! the asset shape are kept as warnings with the closest field name, so a
//! typo like `displayArtits` cannot pass silently.

mod code_lists;
pub mod identifiers;
pub mod json;
pub mod manifest;
pub mod merge;
pub mod sidecar;

pub use manifest::{Manifest, normalize};
pub use merge::{Merged, merge};
pub use sidecar::{load_sidecar, orphans, parse_sidecar};

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// Every field of the asset metadata shape.
pub const FIELDS: &[&str] = &[
    "ddexMetadata.resourceReference",
    "ddexMetadata.title",
    "ddexMetadata.displayArtist",
    "ddexMetadata.languageOfPerformance",
    "ddexMetadata.duration",
    "ddexMetadata.parentalWarningType",
    "ddexMetadata.sequence",
    "ddexMetadata.trackNumber",
    "ddexMetadata.discNumber",
    "technicalResourceDetails.fileFormat",
    "technicalResourceDetails.sampleRate",
    "technicalResourceDetails.bitDepth",
    "technicalResourceDetails.numberOfChannels",
    "technicalResourceDetails.audioCodec",
    "soundRecordingDetails.isrc",
    "soundRecordingDetails.proprietaryId",
    "soundRecordingDetails.pLine.year",
    "soundRecordingDetails.pLine.pLineText",
    "soundRecordingDetails.genre",
    "soundRecordingDetails.subGenre",
    "soundRecordingDetails.labelName",
    "musicalWorkReference.workId",
    "musicalWorkReference.iswc",
    "musicalWorkReference.composers",
    "musicalWorkReference.publishers",
];

/// Top-level keys of technical sidecars that are not descriptive metadata:
/// accepted and ignored.
const IGNORED: &[&str] = &["file", "generatedBy"];

/// Where each asset's declared metadata comes from: the sidecar beside
/// each audio file, or a catalog manifest together with the sidecars.
///
/// With a manifest, its entry and the file's sidecar are merged field by
/// field, and the manifest takes precedence: a field both give with
/// different values is taken from the manifest, with a warning naming both
/// values; fields only the sidecar gives are kept. (Embedded tags and
/// measurements come after both: see [`mod@merge`].)
#[derive(Debug)]
pub enum Declarations {
    /// `track01.json` or `track01.wav.json` beside `track01.wav`.
    Sidecars,
    /// Entries of a manifest, by path, over the sidecars.
    Manifest(Manifest),
}

impl Declarations {
    /// The manifest at `path`, or sidecars when there is none.
    pub fn load(manifest: Option<&Path>) -> Result<Declarations, crate::Error> {
        Ok(match manifest {
            Some(path) => Declarations::Manifest(Manifest::load(path)?),
            None => Declarations::Sidecars,
        })
    }

    /// What is declared for the audio file at `audio`, which the scan names
    /// `display`.
    pub fn for_file(&self, audio: &Path, display: &str) -> Option<Metadata> {
        self.declare(audio, display).0
    }

    /// What is declared for the audio file at `audio` (which the scan names
    /// `display`), and the key of the manifest entry it matched, if any.
    pub fn declare(&self, audio: &Path, display: &str) -> (Option<Metadata>, Option<String>) {
        let sidecar = load_sidecar(audio);
        let Declarations::Manifest(m) = self else {
            return (sidecar, None);
        };
        let Some(found) = m.find(audio, display) else {
            let shown = m.dir.as_deref().map_or_else(String::new, |d| {
                format!(" (keys are paths relative to {})", d.display())
            });
            let note = format!("no entry in the manifest{shown} names this file");
            return match sidecar {
                Some(mut s) => {
                    s.warnings
                        .push(format!("{note}: only its sidecar describes it"));
                    (Some(s), None)
                }
                None => (
                    Some(Metadata {
                        warnings: vec![format!(
                            "{note}, and it has no sidecar: only what the file itself says is known"
                        )],
                        ..Metadata::default()
                    }),
                    None,
                ),
            };
        };
        let mut entry = found.metadata.clone();
        if found.by_scan_path {
            entry.warnings.push(format!(
                "the manifest key '{}' names no file beside the manifest; it was matched by the \
                 path under the scanned folder: write keys relative to the manifest's folder",
                found.key
            ));
        }
        let merged = match sidecar {
            None => entry,
            Some(side) => overlay(entry, side),
        };
        (Some(merged), Some(found.key.to_string()))
    }
}

/// The manifest entry over the sidecar: the entry's values win, the
/// sidecar fills what the entry lacks, and every field they disagree on is
/// named.
fn overlay(entry: Metadata, side: Metadata) -> Metadata {
    let mut out = Metadata {
        source: match (&entry.source, &side.source) {
            (Some(a), Some(b)) => Some(format!("{a} over {b}")),
            (a, b) => a.clone().or(b.clone()),
        },
        error: entry.error.clone().or(side.error.clone()),
        warnings: entry.warnings.clone(),
        fields: side.fields.clone(),
    };
    out.warnings.extend(side.warnings.iter().cloned());
    for (k, v) in entry.fields {
        if let Some(old) = out.fields.get(&k)
            && old != &v
        {
            out.warnings.push(format!(
                "{k}: the manifest's {v} ({}) is used, not the sidecar's {old} ({})",
                entry.source.as_deref().unwrap_or("manifest"),
                side.source.as_deref().unwrap_or("sidecar")
            ));
        }
        out.fields.insert(k, v);
    }
    out
}

/// Where a metadata value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A sidecar or a manifest entry (its path).
    Declared(String),
    /// The audio file's embedded tags (their format).
    Tags(String),
    /// Measured from the audio.
    Measured,
}

/// The metadata of one asset: dotted field name to value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    /// Declared values by field.
    pub fields: BTreeMap<String, Value>,
    /// Where the declared values come from (the sidecar or manifest).
    pub source: Option<String>,
    /// Problems with the source: unknown keys, duplicate sidecars.
    pub warnings: Vec<String>,
    /// Why the source could not be read (invalid JSON with line and
    /// column), when it could not.
    pub error: Option<String>,
}

/// Flatten a JSON object into `metadata`, reporting keys that are not
/// fields of the asset shape.
pub fn flatten_into(obj: &Map<String, Value>, metadata: &mut Metadata) {
    flatten_shape(obj, &Shape::ASSET, metadata);
}

/// A metadata shape: its dotted fields, the top-level keys it ignores, and
/// its name for messages.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Every field, dotted.
    pub fields: &'static [&'static str],
    /// Top-level keys accepted and left to the caller.
    pub ignored: &'static [&'static str],
    /// `asset metadata`, `release`.
    pub name: &'static str,
}

impl Shape {
    /// The asset metadata of sidecars and manifests.
    pub const ASSET: Shape = Shape {
        fields: FIELDS,
        ignored: IGNORED,
        name: "asset metadata",
    };
}

/// Flatten a JSON object of `shape` into `metadata`: fields by dotted name,
/// unknown keys as warnings with the closest field.
pub fn flatten_shape(obj: &Map<String, Value>, shape: &Shape, metadata: &mut Metadata) {
    fn walk(prefix: &str, obj: &Map<String, Value>, shape: &Shape, m: &mut Metadata) {
        let is_group = |name: &str| is_group(shape.fields, name);
        for (k, v) in obj {
            let name = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            if prefix.is_empty() && shape.ignored.contains(&k.as_str()) {
                continue;
            }
            match v {
                Value::Object(inner) if is_group(&name) => walk(&name, inner, shape, m),
                Value::Null if is_group(&name) => m.warnings.push(format!(
                    "'{name}' is null: it is a group of fields and holds none here; \
                     remove it or give its fields"
                )),
                _ if is_group(&name) => m.warnings.push(format!(
                    "'{name}' is ignored: it is a group of fields and must be an object, not {}",
                    kind(v)
                )),
                _ if shape.fields.contains(&name.as_str()) => {
                    if !v.is_null() {
                        m.fields.insert(name, v.clone());
                    }
                }
                _ => m.warnings.push(unknown_key_in(&name, shape)),
            }
        }
    }
    walk("", obj, shape, metadata);
}

/// What kind of JSON value `v` is, for messages.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Whether `name` is an object of the shape (`ddexMetadata`, `soundRecordingDetails.pLine`...).
fn is_group(fields: &[&str], name: &str) -> bool {
    fields
        .iter()
        .any(|f| f.len() > name.len() && f.starts_with(name) && f.as_bytes()[name.len()] == b'.')
}

pub(crate) fn unknown_key(name: &str) -> String {
    unknown_key_in(name, &Shape::ASSET)
}

/// The warning for a key `shape` does not know, with the closest field.
pub(crate) fn unknown_key_in(name: &str, shape: &Shape) -> String {
    let fields = shape.fields;
    let lower = name.to_lowercase();
    let leaf = |f: &str| f.rsplit('.').next().unwrap_or(f).to_lowercase();
    let name_leaf = leaf(&lower);
    // A known field at the wrong level (`title`, `ddexMetadata.isrc`):
    // the fields whose last part it is.
    let placed: Vec<&str> = fields
        .iter()
        .copied()
        .filter(|f| leaf(f) == name_leaf)
        .collect();
    if !placed.is_empty() {
        let list: Vec<String> = placed.iter().map(|f| format!("'{f}'")).collect();
        return format!(
            "unknown key '{name}' is ignored (did you mean {}? the field belongs in its group)",
            list.join(" or ")
        );
    }
    let closest = fields
        .iter()
        .map(|f| (edit_distance(&lower, &f.to_lowercase()), *f))
        .min();
    if let Some((d, f)) = closest
        && d <= 3
    {
        return format!("unknown key '{name}' is ignored (did you mean '{f}'?)");
    }
    // A misspelt field at the wrong level (`titel`).
    let by_leaf = fields
        .iter()
        .map(|f| (edit_distance(&name_leaf, &leaf(f)), *f))
        .min();
    match by_leaf {
        Some((d, f)) if d <= 2 && name_leaf.len() > 3 => {
            format!("unknown key '{name}' is ignored (did you mean '{f}'?)")
        }
        _ => format!(
            "unknown key '{name}' is ignored: it is not a field of the {}",
            shape.name
        ),
    }
}

/// Levenshtein distance, for "did you mean".
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sidecars_flatten_and_typos_are_named() {
        let m = parse_sidecar(
            r#"{"ddexMetadata": {"title": "Song", "displayArtits": "X"},
                "soundRecordingDetails": {"pLine": {"year": 2020, "pLineText": "Label"}},
                "generatedBy": {"tool": "ddexprobe"}}"#,
            "a.json",
        );
        assert_eq!(m.fields["ddexMetadata.title"], "Song");
        assert_eq!(m.fields["soundRecordingDetails.pLine.year"], 2020);
        assert_eq!(m.warnings.len(), 1);
        assert!(
            m.warnings[0].contains("did you mean 'ddexMetadata.displayArtist'"),
            "{:?}",
            m.warnings
        );
    }

    #[test]
    fn invalid_json_names_line_and_column() {
        let m = parse_sidecar(
            "{\n  \"ddexMetadata\": {\n    \"title\": \"x\",\n  }\n}",
            "t.json",
        );
        let e = m.error.unwrap();
        assert!(e.contains("line 4, column 3"), "{e}");
    }

    #[test]
    fn csv_manifest_rows_by_path() {
        let csv = "path,soundRecordingDetails.isrc,technicalResourceDetails.sampleRate,musicalWorkReference.composers,ddexMetadata.titel\n\
                   ./a/b.wav,USRC17607839,44100,A; B,x\n";
        let m = Manifest::from_csv(csv, "m.csv").unwrap();
        let e = m.get("a/b.wav").unwrap();
        assert_eq!(e.fields["technicalResourceDetails.sampleRate"], 44100);
        assert_eq!(
            e.fields["musicalWorkReference.composers"],
            serde_json::json!(["A", "B"])
        );
        assert!(e.warnings[0].contains("ddexMetadata.title"));
        assert_eq!(e.source.as_deref(), Some("m.csv line 2"));
    }

    #[test]
    fn json_manifest_entries() {
        let m = Manifest::from_json(
            r#"{"x.flac": {"ddexMetadata": {"title": "T"}}, "y.wav": 3}"#,
            "m.json",
        )
        .unwrap();
        assert_eq!(m.get("x.flac").unwrap().fields["ddexMetadata.title"], "T");
        assert!(m.get("y.wav").unwrap().error.is_some());
        assert!(Manifest::from_json("[1]", "m.json").is_err());
    }

    #[test]
    fn flat_and_misplaced_keys_get_a_did_you_mean() {
        let m = parse_sidecar(
            r#"{"title": "Song", "ddexMetadata": {"isrc": "USRC17607839"}, "genere": "Pop",
                "soundRecordingDetails": {"year": 2020}}"#,
            "a.json",
        );
        let w = m.warnings.join("\n");
        assert!(
            w.contains("'title' is ignored (did you mean 'ddexMetadata.title'?"),
            "{w}"
        );
        assert!(
            w.contains(
                "'ddexMetadata.isrc' is ignored (did you mean 'soundRecordingDetails.isrc'?"
            ),
            "{w}"
        );
        assert!(
            w.contains("'genere' is ignored (did you mean 'soundRecordingDetails.genre'?"),
            "{w}"
        );
        assert!(w.contains("'soundRecordingDetails.pLine.year'"), "{w}");
        assert_eq!(m.warnings.len(), 4);
    }
}
