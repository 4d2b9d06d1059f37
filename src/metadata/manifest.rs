//! Catalog manifests: one file of metadata for many recordings, keyed by
//! the path the scan gives each file (JSON object keyed by path, or CSV
//! with a `path` column and dotted field columns).

use super::{FIELDS, Metadata, flatten_into, unknown_key};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

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
    pub fn load(path: &Path) -> Result<Manifest, crate::Error> {
        let shown = path.display().to_string();
        let text =
            crate::io::text::read_limited(path, crate::io::text::MAX_MANIFEST_BYTES, "manifest")
                .map_err(crate::Error::Metadata)?;
        let csv = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        if csv {
            Manifest::from_csv(&text, &shown)
        } else {
            Manifest::from_json(&text, &shown)
        }
        .map_err(crate::Error::Metadata)
    }

    /// A JSON manifest: `{"path/to/file.wav": {asset metadata}, ...}`.
    pub fn from_json(text: &str, shown: &str) -> Result<Manifest, String> {
        let parsed = super::json::parse(text).map_err(|e| {
            format!(
                "{shown}: invalid JSON at line {}, column {}: {e}",
                e.line(),
                e.column()
            )
        })?;
        let Value::Object(obj) = parsed.value else {
            return Err(format!(
                "{shown}: a JSON manifest is an object keyed by file path"
            ));
        };
        let mut entries: BTreeMap<String, Metadata> = BTreeMap::new();
        for (key, v) in obj {
            let mut m = Metadata {
                source: Some(format!("{shown} [{key}]")),
                ..Metadata::default()
            };
            for d in parsed.duplicates.iter().filter(|d| d[0] == key) {
                let what = match d.len() {
                    1 => format!(
                        "{shown}: the entry '{key}' appears more than once: only the last is \
                         used and the earlier one's values are ignored; merge them into one"
                    ),
                    _ => format!(
                        "{shown} [{key}]: {}",
                        super::json::duplicate_warning(&d[1..].join("."))
                    ),
                };
                m.warnings.push(what);
            }
            match v {
                Value::Object(asset) => flatten_into(&asset, &mut m),
                _ => m.error = Some(format!("{shown}: the entry for '{key}' is not an object")),
            }
            insert_entry(&mut entries, &key, m, shown);
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
        let mut entries: BTreeMap<String, Metadata> = BTreeMap::new();
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
            insert_entry(&mut entries, &key, m, shown);
        }
        Ok(Manifest { entries })
    }

    /// The entry for a file the scan names `path`.
    pub fn get(&self, path: &str) -> Option<&Metadata> {
        self.entries.get(&normalize(path))
    }
}

/// Add the entry for `key`; a second entry naming the same file replaces
/// the first, with a warning saying so.
fn insert_entry(entries: &mut BTreeMap<String, Metadata>, key: &str, mut m: Metadata, shown: &str) {
    let path = normalize(key);
    if let Some(earlier) = entries.get(&path) {
        m.warnings.push(format!(
            "{}: names the same file as {}: only this entry is used; merge them",
            m.source.as_deref().unwrap_or(shown),
            earlier.source.as_deref().unwrap_or("an earlier entry")
        ));
    }
    entries.insert(path, m);
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
