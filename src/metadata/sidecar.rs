//! JSON sidecars: `track01.json` or `track01.wav.json` beside
//! `track01.wav`, in the asset metadata shape, and the metadata files that
//! describe no audio file.

use super::{Metadata, flatten_into};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Parse a sidecar's text. Invalid JSON, or JSON that is not an object, is
/// an `error` naming the line and column.
pub fn parse_sidecar(text: &str, source: &str) -> Metadata {
    let mut m = Metadata {
        source: Some(source.to_string()),
        ..Metadata::default()
    };
    match super::json::parse(text) {
        Ok(super::json::Parsed {
            value: Value::Object(obj),
            duplicates,
        }) => {
            for d in duplicates {
                m.warnings.push(format!(
                    "{source}: {}",
                    super::json::duplicate_warning(&d.join("."))
                ));
            }
            flatten_into(&obj, &mut m)
        }
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

/// Whether an audio file the sidecar at `sidecar` could describe exists
/// beside it (`x.wav` for `x.wav.json`; any `x.*` but JSON for `x.json`),
/// whether or not it was among a run's inputs (left out by `--exclude`,
/// or without an audio extension).
pub fn has_audio_beside(sidecar: &Path) -> bool {
    let (Some(dir), Some(name)) = (sidecar.parent(), sidecar.file_name()) else {
        return false;
    };
    let name = name.to_string_lossy();
    let Some(stem) = name.strip_suffix(".json") else {
        return false;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    if dir.join(stem).is_file() {
        return true;
    }
    let prefix = format!("{stem}.");
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.starts_with(&prefix) && !n.ends_with(".json") && e.path().is_file()
        })
    })
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
    let mut m = match crate::io::text::read_limited(&chosen, MAX_SIDECAR, "sidecar") {
        Ok(text) => parse_sidecar(&text, &shown),
        Err(error) => Metadata {
            source: Some(shown.clone()),
            error: Some(error),
            ..Metadata::default()
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
