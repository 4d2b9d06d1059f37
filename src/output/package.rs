//! A delivery batch, as a DSP's dropbox takes it: a folder per release
//! named by its ICPN holding the message (`ICPN.xml`) and its files under
//! `resources/` (`ICPN_01_001.wav`: disc and track; `ICPN.jpg`: the
//! cover), and the `BatchComplete_BATCHID.xml` marker beside them,
//! written last. A recipient that sees the marker may take the batch: so
//! it is written only when everything else is in place, each file is
//! copied whole (through a temporary file) and checked against the digest
//! the message states, and nothing is written into a batch folder that
//! already holds anything. A batch that fails half-way is removed again,
//! marker-less.

use crate::ern::release::Files;
use crate::io::atomic::{self, Replace, WriteError};
use crate::release::Release;
use std::path::{Path, PathBuf};

/// What a batch holds, once written.
#[derive(Debug, Clone)]
pub struct Batch {
    /// The batch folder.
    pub dir: PathBuf,
    /// The message.
    pub message: PathBuf,
    /// The files copied, in order (tracks, then the cover).
    pub files: Vec<PathBuf>,
    /// The `BatchComplete_*.xml` marker.
    pub marker: PathBuf,
}

/// The release folder's name in a batch: the ICPN, else the release's
/// proprietary id, else `release`, kept to safe characters.
pub fn release_folder(release: &Release) -> String {
    let name = release
        .text("release.icpn")
        .or_else(|| release.text("release.proprietaryId"))
        .unwrap_or_else(|| "release".to_string());
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.is_empty() {
        "release".to_string()
    } else {
        safe
    }
}

/// The names the message gives the files in a batch, relative to the
/// message: `resources/ICPN_DD_TTT.ext` for each track (disc and place),
/// `resources/ICPN.ext` for the cover.
pub fn batch_files(release: &Release) -> Files {
    let stem = release_folder(release);
    let ext = |p: &str| {
        Path::new(p)
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| format!(".{}", e.to_ascii_lowercase()))
            .unwrap_or_default()
    };
    Files {
        tracks: release
            .tracks
            .iter()
            .map(|t| {
                format!(
                    "resources/{stem}_{:02}_{:03}{}",
                    t.place.disc,
                    t.place.number,
                    ext(&t.record.path)
                )
            })
            .collect(),
        cover: release
            .cover
            .as_ref()
            .map(|c| format!("resources/{stem}{}", ext(&c.record.path))),
    }
}

/// Write the batch of `release` into `dir`: the message `message` (whose
/// file names are `files`), the files themselves when `with_files`, and
/// the marker `BatchComplete_{batch_id}.xml` last.
pub fn write(
    release: &Release,
    files: &Files,
    message: &[u8],
    dir: &Path,
    batch_id: &str,
    with_files: bool,
) -> Result<Batch, String> {
    let created_dir = match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(format!(
                    "{}: the batch folder already holds files; a batch is never written over \
                     another (give a new folder)",
                    dir.display()
                ));
            }
            false
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            true
        }
        Err(e) => return Err(format!("{}: {e}", dir.display())),
    };
    let folder = dir.join(release_folder(release));
    let result = fill(release, files, message, dir, &folder, batch_id, with_files);
    if result.is_err() {
        // Leave nothing that looks like a batch.
        let _ = std::fs::remove_dir_all(&folder);
        if created_dir {
            let _ = std::fs::remove_dir(dir);
        }
    }
    result
}

fn fill(
    release: &Release,
    files: &Files,
    message: &[u8],
    dir: &Path,
    folder: &Path,
    batch_id: &str,
    with_files: bool,
) -> Result<Batch, String> {
    std::fs::create_dir(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    let mut copied = Vec::new();
    if with_files {
        std::fs::create_dir(folder.join("resources"))
            .map_err(|e| format!("{}: {e}", folder.join("resources").display()))?;
        let mut pairs: Vec<(&Path, &str, Option<&str>)> = release
            .tracks
            .iter()
            .zip(&files.tracks)
            .map(|(t, name)| (t.file.as_path(), name.as_str(), t.record.md5.as_deref()))
            .collect();
        if let (Some(c), Some(name)) = (&release.cover, &files.cover) {
            pairs.push((c.file.as_path(), name.as_str(), c.record.md5.as_deref()));
        }
        for (src, name, measured) in pairs {
            let dest = folder.join(name);
            let md5 = atomic::copy_file(src, &dest).map_err(|e| match e {
                WriteError::Exists => format!("{} exists already", dest.display()),
                WriteError::Io(m) => m,
            })?;
            if let Some(m) = measured
                && m != md5
            {
                return Err(format!(
                    "{}: the file changed since it was measured (MD5 {md5}, the message says \
                     {m}); run the command again",
                    src.display()
                ));
            }
            copied.push(dest);
        }
    }
    let message_path = folder.join(format!("{}.xml", release_folder(release)));
    write_new(&message_path, message)?;
    let marker = dir.join(format!("BatchComplete_{batch_id}.xml"));
    let text = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BatchComplete BatchId=\"{batch_id}\" \
         NumberOfMessages=\"1\"/>\n"
    );
    write_new(&marker, text.as_bytes())?;
    Ok(Batch {
        dir: dir.to_path_buf(),
        message: message_path,
        files: copied,
        marker,
    })
}

fn write_new(path: &Path, bytes: &[u8]) -> Result<(), String> {
    atomic::write_file(path, bytes, Replace::Never).map_err(|e| match e {
        WriteError::Exists => format!("{} exists already", path.display()),
        WriteError::Io(m) => m,
    })
}

/// A batch id from a creation time `YYYY-MM-DDThh:mm:ssZ`: its digits
/// (`20240501120000`), as batch ids are commonly formed.
pub fn batch_id(created: &str) -> String {
    created.chars().filter(char::is_ascii_digit).collect()
}
