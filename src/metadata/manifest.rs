//! Catalog manifests: one file of metadata for many recordings (JSON
//! object keyed by path, or CSV with a `path` column and dotted field
//! columns).
//!
//! A key is a path relative to the manifest's own folder, or absolute, so
//! the same manifest works whatever path the command is given
//! (`check "cat/The Kilns" --metadata cat/kilns.csv`). A key that names no
//! file there but is the path of a checked file under the folder it was
//! found in (the older convention) still matches, with a warning saying
//! how to write it.

use super::{FIELDS, Metadata, flatten_into, unknown_key};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

/// A catalog manifest: metadata by path.
#[derive(Debug, Default)]
pub struct Manifest {
    /// Metadata by key as written (`/`-separated, no leading `./`).
    pub entries: BTreeMap<String, Metadata>,
    /// The folder keys are relative to (absolute), when loaded from a file.
    pub dir: Option<PathBuf>,
    /// Each key resolved to the file it names (canonical when it exists).
    resolved: HashMap<PathBuf, String>,
    /// The release keys of a JSON manifest (`messageHeader`, `release`,
    /// `deals`, `artwork`: the shape of `release.json`), when it has any.
    pub release: Option<Map<String, Value>>,
}

/// The top-level keys of a JSON manifest that declare the release (the
/// shape of `release.json`) rather than a file.
pub const RELEASE_KEYS: &[&str] = &["messageHeader", "release", "deals", "artwork"];

/// The entry a file matched, and how.
#[derive(Debug, Clone, Copy)]
pub struct Match<'a> {
    /// The entry's key as written.
    pub key: &'a str,
    /// Its metadata.
    pub metadata: &'a Metadata,
    /// Matched by the path under the scanned folder, not by the path
    /// relative to the manifest (the older convention).
    pub by_scan_path: bool,
}

/// `p` made absolute and free of `.` and `..`: canonical when it exists
/// (links resolved), else lexically.
pub fn resolve(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
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
        let mut m = if csv {
            Manifest::from_csv(&text, &shown)
        } else {
            Manifest::from_json(&text, &shown)
        }
        .map_err(crate::Error::Metadata)?;
        let dir = resolve(path)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        m.relative_to(&dir);
        Ok(m)
    }

    /// Resolve every key relative to `dir` (absolute keys stay).
    pub fn relative_to(&mut self, dir: &Path) {
        self.resolved = self
            .entries
            .keys()
            .map(|k| (resolve(&dir.join(k)), k.clone()))
            .collect();
        self.dir = Some(dir.to_path_buf());
    }

    /// The entry for the file opened at `audio`, which the scan names
    /// `display`: by the path its key resolves to, else (older manifests)
    /// by `display` when that key resolves to no existing file.
    pub fn find(&self, audio: &Path, display: &str) -> Option<Match<'_>> {
        if self.dir.is_some() {
            if let Some(key) = self.resolved.get(&resolve(audio)) {
                return self.entries.get(key).map(|metadata| Match {
                    key,
                    metadata,
                    by_scan_path: false,
                });
            }
            // A name that is not UTF-8 has only a lossy display form,
            // which other files may share: it matches no key by it.
            audio.to_str()?;
            let key = normalize(display);
            let (key, metadata) = self.entries.get_key_value(&key)?;
            let names_a_file = self.resolved.iter().any(|(p, k)| k == key && p.exists());
            return (!names_a_file).then_some(Match {
                key,
                metadata,
                by_scan_path: true,
            });
        }
        audio.to_str()?;
        let (key, metadata) = self.entries.get_key_value(&normalize(display))?;
        Some(Match {
            key,
            metadata,
            by_scan_path: false,
        })
    }

    /// Where the entry `key` points, for messages.
    pub fn target_of(&self, key: &str) -> Option<&Path> {
        self.resolved
            .iter()
            .find(|(_, k)| k.as_str() == key)
            .map(|(p, _)| p.as_path())
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
        let mut release: Option<Map<String, Value>> = None;
        for (key, v) in obj {
            if RELEASE_KEYS.contains(&key.as_str()) {
                release.get_or_insert_with(Map::new).insert(key, v);
                continue;
            }
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
        Ok(Manifest {
            entries,
            release,
            ..Manifest::default()
        })
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
        Ok(Manifest {
            entries,
            ..Manifest::default()
        })
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
