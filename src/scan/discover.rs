//! Finding the files to measure.
//!
//! Paths given on the command line may be files or directories. Directories
//! are walked recursively in sorted order (so output is stable), following
//! symbolic links with loop detection; hidden entries, `.json` sidecars and
//! non-regular files are skipped, and only files with an audio extension are
//! taken unless every file is asked for (their content is then sniffed).
//! A path that does not exist is an error for the whole run; a directory
//! entry that cannot be read is a warning and the walk goes on.

use std::path::{Path, PathBuf};
use walkdir::WalkDir;

pub use crate::error::PathError;

/// One file to measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Where to open it.
    pub path: PathBuf,
    /// How records name it: as given, or relative to the walked directory.
    pub display: String,
    /// Size at discovery, for progress estimates (0 when unknown).
    pub size: u64,
}

/// The files found, and what could not be walked.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Files to measure, in order.
    pub targets: Vec<Target>,
    /// Entries skipped with a reason (unreadable directories, link loops).
    pub skipped: Vec<String>,
}

/// Whether `path` has an extension that directory walks take
/// ([`crate::formats::EXTENSIONS`]).
pub fn has_audio_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .and_then(crate::formats::extension)
        .is_some_and(|e| e.walked)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with('.') && n != "." && n != "..")
}

/// Walk `roots` and list the files to measure. `all`: every file, not only
/// those with audio extensions.
pub fn discover(roots: &[PathBuf], all: bool) -> Result<Discovery, PathError> {
    let mut out = Discovery::default();
    for root in roots {
        let meta = std::fs::metadata(root).map_err(|e| PathError {
            path: root.clone(),
            reason: if e.kind() == std::io::ErrorKind::NotFound {
                "no such file or directory".to_string()
            } else {
                e.to_string()
            },
        })?;
        if !meta.is_dir() {
            // Given explicitly: measured whatever its name or kind.
            out.targets.push(Target {
                path: root.clone(),
                display: root.to_string_lossy().into_owned(),
                size: meta.len(),
            });
            continue;
        }
        let walker = WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let what = e
                        .path()
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| root.display().to_string());
                    let why = if e.loop_ancestor().is_some() {
                        "symbolic link loop, skipped".to_string()
                    } else {
                        e.io_error()
                            .map(|io| io.to_string())
                            .unwrap_or_else(|| e.to_string())
                    };
                    out.skipped.push(format!("{what}: {why}"));
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let path = entry.path();
            let is_json = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("json"));
            if is_json || !(all || has_audio_extension(path)) {
                continue;
            }
            let rel = path.strip_prefix(root).unwrap_or(path);
            out.targets.push(Target {
                path: path.to_path_buf(),
                display: rel.to_string_lossy().into_owned(),
                size: entry.metadata().map_or(0, |m| m.len()),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn walks_sorted_skipping_hidden_json_and_non_audio() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("b/album")).unwrap();
        fs::create_dir_all(root.join(".hidden")).unwrap();
        for f in [
            "b/album/02.flac",
            "b/album/01.WAV",
            "a.aiff",
            "a.json",
            "notes.txt",
            ".x.wav",
            ".hidden/y.wav",
        ] {
            fs::write(root.join(f), b"x").unwrap();
        }
        let d = discover(&[root.to_path_buf()], false).unwrap();
        let names: Vec<_> = d.targets.iter().map(|t| t.display.as_str()).collect();
        let sep = std::path::MAIN_SEPARATOR;
        assert_eq!(
            names,
            vec![
                "a.aiff".to_string(),
                format!("b{sep}album{sep}01.WAV"),
                format!("b{sep}album{sep}02.flac")
            ]
        );
        let d = discover(&[root.to_path_buf()], true).unwrap();
        assert_eq!(
            d.targets.len(),
            4,
            "--all adds notes.txt but never .json or hidden files"
        );
    }

    #[test]
    fn missing_path_is_an_error() {
        let err = discover(&[PathBuf::from("/no/such/dir/x")], false).unwrap_err();
        assert!(err.to_string().contains("no such file"));
    }

    #[test]
    #[cfg(unix)]
    fn symlink_loops_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("d")).unwrap();
        fs::write(root.join("d/t.wav"), b"x").unwrap();
        std::os::unix::fs::symlink(root.join("d"), root.join("d/loop")).unwrap();
        let d = discover(&[root.to_path_buf()], false).unwrap();
        assert_eq!(d.targets.len(), 1);
        assert!(
            d.skipped.iter().any(|s| s.contains("loop")),
            "{:?}",
            d.skipped
        );
    }
}
