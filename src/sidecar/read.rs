//! Reading descriptive metadata: JSON sidecars beside the audio and catalog
//! manifests (JSON keyed by path, or CSV with dotted column names).
//!
//! Every source is flattened into dotted field names
//! (`soundRecordingDetails.pLine.year`), so a sidecar, a manifest row and
//! a spreadsheet column say the same thing the same way, and the rules in
//! [`crate::readiness`] look fields up by name. Keys that are not fields of
//! the asset shape are kept as warnings with the closest field name, so a
//! typo like `displayArtits` cannot pass silently.

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every field of the asset metadata shape.
pub const FIELDS: &[&str] = &[
    "ddexMetadata.resourceReference",
    "ddexMetadata.title",
    "ddexMetadata.displayArtist",
    "ddexMetadata.languageOfPerformance",
    "ddexMetadata.duration",
    "ddexMetadata.parentalWarningType",
    "technicalResourceDetails.fileFormat",
    "technicalResourceDetails.sampleRate",
    "technicalResourceDetails.bitDepth",
    "technicalResourceDetails.numberOfChannels",
    "technicalResourceDetails.audioCodec",
    "soundRecordingDetails.isrc",
    "soundRecordingDetails.pLine.year",
    "soundRecordingDetails.pLine.pLineText",
    "soundRecordingDetails.genre",
    "soundRecordingDetails.subGenre",
    "musicalWorkReference.workId",
    "musicalWorkReference.iswc",
    "musicalWorkReference.composers",
    "musicalWorkReference.publishers",
];

/// Top-level keys of technical sidecars that are not descriptive metadata:
/// accepted and ignored.
const IGNORED: &[&str] = &["file", "generatedBy"];

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
    fn walk(prefix: &str, obj: &Map<String, Value>, m: &mut Metadata) {
        for (k, v) in obj {
            let name = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            if prefix.is_empty() && IGNORED.contains(&k.as_str()) {
                continue;
            }
            match v {
                Value::Object(inner) if is_group(&name) => walk(&name, inner, m),
                _ if FIELDS.contains(&name.as_str()) => {
                    if !v.is_null() {
                        m.fields.insert(name, v.clone());
                    }
                }
                _ => m.warnings.push(unknown_key(&name)),
            }
        }
    }
    walk("", obj, metadata);
}

/// Whether `name` is an object of the shape (`ddexMetadata`, `soundRecordingDetails.pLine`...).
fn is_group(name: &str) -> bool {
    FIELDS
        .iter()
        .any(|f| f.len() > name.len() && f.starts_with(name) && f.as_bytes()[name.len()] == b'.')
}

fn unknown_key(name: &str) -> String {
    let closest = FIELDS
        .iter()
        .map(|f| (edit_distance(&name.to_lowercase(), &f.to_lowercase()), *f))
        .min();
    match closest {
        Some((d, f)) if d <= 3 => {
            format!("unknown key '{name}' is ignored (did you mean '{f}'?)")
        }
        _ => format!("unknown key '{name}' is ignored: it is not a field of the asset metadata"),
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

/// Parse a sidecar's text. Invalid JSON, or JSON that is not an object, is
/// an `error` naming the line and column.
pub fn parse_sidecar(text: &str, source: &str) -> Metadata {
    let mut m = Metadata {
        source: Some(source.to_string()),
        ..Metadata::default()
    };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(obj)) => flatten_into(&obj, &mut m),
        Ok(_) => m.error = Some(format!("{source}: the sidecar is not a JSON object")),
        Err(e) => {
            m.error = Some(format!(
                "{source}: invalid JSON at line {}, column {}: {e}",
                e.line(),
                e.column()
            ))
        }
    }
    m
}

/// The sidecar files that may describe `audio`: `track01.json` and
/// `track01.wav.json`.
pub fn candidates(audio: &Path) -> [PathBuf; 2] {
    let mut long = audio.as_os_str().to_owned();
    long.push(".json");
    [audio.with_extension("json"), PathBuf::from(long)]
}

/// Largest sidecar read (a sidecar is a few hundred bytes).
const MAX_SIDECAR: u64 = 1 << 20;

/// Read the sidecar of `audio`, if it has one. When both `track01.json` and
/// `track01.wav.json` exist, the more specific `track01.wav.json` is used
/// and a warning says so.
pub fn load_sidecar(audio: &Path) -> Option<Metadata> {
    let [short, long] = candidates(audio);
    let exists = |p: &Path| p.is_file() && p != audio;
    let (chosen, other) = match (exists(&short), exists(&long)) {
        (_, true) => (long, exists(&short).then_some(short)),
        (true, false) => (short, None),
        (false, false) => return None,
    };
    let shown = chosen.display().to_string();
    let mut m = match std::fs::metadata(&chosen) {
        Ok(meta) if meta.len() > MAX_SIDECAR => Metadata {
            source: Some(shown.clone()),
            error: Some(format!(
                "{shown}: {} bytes is too large for a sidecar",
                meta.len()
            )),
            ..Metadata::default()
        },
        _ => match std::fs::read_to_string(&chosen) {
            Ok(text) => parse_sidecar(&text, &shown),
            Err(e) => Metadata {
                source: Some(shown.clone()),
                error: Some(format!("{shown}: cannot be read: {e}")),
                ..Metadata::default()
            },
        },
    };
    if let Some(other) = other {
        m.warnings.push(format!(
            "both {} and {shown} exist: {shown} is used",
            other.display()
        ));
    }
    Some(m)
}

/// A catalog manifest: metadata by relative path.
#[derive(Debug, Default)]
pub struct Manifest {
    /// Metadata by path, as the scan names files (relative to the scanned
    /// directory, `/`-separated).
    pub entries: BTreeMap<String, Metadata>,
}

impl Manifest {
    /// Read a JSON (object keyed by relative path) or CSV (a `path` column
    /// and dotted field columns) manifest, by extension.
    pub fn load(path: &Path) -> Result<Manifest, String> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
        let csv = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        if csv {
            Manifest::from_csv(&text, &shown)
        } else {
            Manifest::from_json(&text, &shown)
        }
    }

    /// A JSON manifest: `{"path/to/file.wav": {asset metadata}, ...}`.
    pub fn from_json(text: &str, shown: &str) -> Result<Manifest, String> {
        let doc: Value = serde_json::from_str(text).map_err(|e| {
            format!(
                "{shown}: invalid JSON at line {}, column {}: {e}",
                e.line(),
                e.column()
            )
        })?;
        let Value::Object(obj) = doc else {
            return Err(format!(
                "{shown}: a JSON manifest is an object keyed by file path"
            ));
        };
        let mut entries = BTreeMap::new();
        for (key, v) in obj {
            let mut m = Metadata {
                source: Some(format!("{shown} [{key}]")),
                ..Metadata::default()
            };
            match v {
                Value::Object(asset) => flatten_into(&asset, &mut m),
                _ => m.error = Some(format!("{shown}: the entry for '{key}' is not an object")),
            }
            entries.insert(normalize(&key), m);
        }
        Ok(Manifest { entries })
    }

    /// A CSV manifest: one row per file, a `path` column and dotted field
    /// names as column headers (`soundRecordingDetails.isrc`). Numbers in
    /// numeric fields are read as numbers; `composers` and `publishers`
    /// are split on `;`.
    pub fn from_csv(text: &str, shown: &str) -> Result<Manifest, String> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| format!("{shown}: {e}"))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let Some(path_col) = headers.iter().position(|h| h == "path") else {
            return Err(format!("{shown}: no 'path' column"));
        };
        let mut unknown = Vec::new();
        for h in &headers {
            if h != "path" && !FIELDS.contains(&h.as_str()) {
                unknown.push(unknown_key(h));
            }
        }
        let mut entries = BTreeMap::new();
        for (i, row) in reader.records().enumerate() {
            let row = row.map_err(|e| format!("{shown}: {e}"))?;
            let line = row.position().map_or(i as u64 + 2, |p| p.line());
            let key = row.get(path_col).unwrap_or_default().to_string();
            let mut m = Metadata {
                source: Some(format!("{shown} line {line}")),
                warnings: unknown.clone(),
                ..Metadata::default()
            };
            for (h, cell) in headers.iter().zip(row.iter()) {
                let cell = cell.trim();
                if h == "path" || cell.is_empty() || !FIELDS.contains(&h.as_str()) {
                    continue;
                }
                m.fields.insert(h.clone(), csv_value(h, cell));
            }
            entries.insert(normalize(&key), m);
        }
        Ok(Manifest { entries })
    }

    /// The entry for a file the scan names `path`.
    pub fn get(&self, path: &str) -> Option<&Metadata> {
        self.entries.get(&normalize(path))
    }
}

/// A CSV cell as the JSON value a sidecar would hold.
fn csv_value(field: &str, cell: &str) -> Value {
    let numeric = field.ends_with(".sampleRate")
        || field.ends_with(".bitDepth")
        || field.ends_with(".numberOfChannels")
        || field.ends_with(".year");
    if numeric && let Ok(n) = cell.parse::<u64>() {
        return Value::from(n);
    }
    if field.ends_with(".composers") || field.ends_with(".publishers") {
        return Value::Array(
            cell.split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_string()))
                .collect(),
        );
    }
    Value::String(cell.to_string())
}

/// Manifest keys and scan paths compared the same way: `/` separators, no
/// leading `./`.
pub fn normalize(p: &str) -> String {
    let p = p.replace('\\', "/");
    p.trim_start_matches("./").to_string()
}

/// JSON files under `roots` that are neither sidecars of `audio` nor
/// technical sidecars: sidecars for no audio file.
pub fn orphans(roots: &[PathBuf], audio: &[PathBuf]) -> Vec<PathBuf> {
    let claimed: std::collections::HashSet<PathBuf> =
        audio.iter().flat_map(|a| candidates(a)).collect();
    let mut found = Vec::new();
    for root in roots.iter().filter(|r| r.is_dir()) {
        for entry in walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
            .flatten()
        {
            let p = entry.path();
            let name = entry.file_name().to_string_lossy();
            if entry.file_type().is_file()
                && name.ends_with(".json")
                && !name.ends_with(".technical.json")
                && !claimed.contains(p)
            {
                found.push(p.to_path_buf());
            }
        }
    }
    found
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
}
