//! Writing files so that nobody ever sees half of one: every file ddexprobe
//! writes (`-o` outputs, technical sidecars) is written to a temporary file
//! in the destination's folder and moved into place only when complete; a
//! failed write removes the temporary file and leaves the destination as it
//! was.
//!
//! Two kinds of destination:
//!
//! * an output ([`Output::open`]): a new path or a regular file is replaced
//!   whole; anything else (`/dev/null`, a pipe, a terminal, a link to one)
//!   is written through, since renaming over it would replace the device
//!   with a file; no path means standard output;
//! * a file that must not replace another ([`write_file`] with
//!   [`Replace::Never`]): the move is a hard link, which fails when the
//!   destination appeared in the meantime, so nothing created since the
//!   caller's check is lost.

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The temporary file beside `dest`: `.NAME.PID.tmp` in the same folder, so
/// the final rename never crosses file systems.
fn temp_path(dest: &Path) -> PathBuf {
    let mut name = OsString::from(".");
    name.push(dest.file_name().unwrap_or_else(|| "output".as_ref()));
    name.push(format!(".{}.tmp", std::process::id()));
    dest.with_file_name(name)
}

/// Whether `path` may be replaced by renaming a new file over it: it does
/// not exist yet, or it is a regular file. Symbolic links are followed, so
/// a link to a device is written through, not replaced.
fn is_replaceable(path: &Path) -> bool {
    match fs::metadata(path) {
        Ok(meta) => meta.is_file() && !path.is_symlink(),
        Err(_) => true,
    }
}

/// Where a command's output goes, opened before any work starts.
pub struct Output {
    /// The temporary file and its destination, when the output is moved
    /// into place at the end.
    pending: Option<(PathBuf, PathBuf)>,
}

impl Output {
    /// Open `path` (standard output when `None`) for writing. Returns the
    /// writer and the handle that [`Output::close`]s it.
    pub fn open(path: Option<&Path>) -> Result<(Box<dyn Write + Send>, Output), String> {
        Ok(match path {
            Some(path) if is_replaceable(path) => {
                let temp = temp_path(path);
                let file = File::create(&temp)
                    .map_err(|e| format!("cannot create {}: {e}", temp.display()))?;
                (
                    Box::new(BufWriter::new(file)),
                    Output {
                        pending: Some((temp, path.to_path_buf())),
                    },
                )
            }
            Some(path) => {
                let file = fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
                (Box::new(BufWriter::new(file)), Output { pending: None })
            }
            None => (
                Box::new(BufWriter::new(io::stdout())),
                Output { pending: None },
            ),
        })
    }

    /// Move a complete output into place, or remove it after the write
    /// error `failed` (the writer must have been dropped, and so flushed).
    /// A closed pipe (`| head`) ends quietly.
    pub fn close(self, failed: Option<io::Error>) -> Result<(), String> {
        match failed {
            Some(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            Some(e) => {
                if let Some((temp, _)) = &self.pending {
                    let _ = fs::remove_file(temp);
                }
                Err(format!("cannot write the output: {e}"))
            }
            None => match &self.pending {
                Some((temp, path)) => fs::rename(temp, path)
                    .map_err(|e| format!("cannot move the output into {}: {e}", path.display())),
                None => Ok(()),
            },
        }
    }
}

/// Whether [`write_file`] may replace an existing destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replace {
    /// The destination is the caller's to replace.
    Allow,
    /// The destination must not exist; one that appeared since the caller
    /// looked is left alone and the write fails with
    /// [`io::ErrorKind::AlreadyExists`] in the message's place.
    Never,
}

/// Why [`write_file`] failed.
#[derive(Debug)]
pub enum WriteError {
    /// The destination exists and [`Replace::Never`] was asked for.
    Exists,
    /// Anything else, said in a sentence.
    Io(String),
}

/// Write `bytes` to `dest` through a temporary file in the same folder.
pub fn write_file(dest: &Path, bytes: &[u8], replace: Replace) -> Result<(), WriteError> {
    let temp = temp_path(dest);
    let result = (|| {
        let mut f = File::create(&temp)
            .map_err(|e| WriteError::Io(format!("cannot create {}: {e}", temp.display())))?;
        f.write_all(bytes)
            .map_err(|e| WriteError::Io(format!("cannot write {}: {e}", temp.display())))?;
        drop(f);
        if replace == Replace::Never {
            // A hard link fails when the destination exists, where a rename
            // would replace it: no file created since the check is lost.
            match fs::hard_link(&temp, dest) {
                Ok(()) => {
                    let _ = fs::remove_file(&temp);
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    return Err(WriteError::Exists);
                }
                // File systems without hard links: rename instead.
                Err(_) => {}
            }
        }
        fs::rename(&temp, dest)
            .map_err(|e| WriteError::Io(format!("cannot move {} into place: {e}", dest.display())))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_written_and_an_existing_one_kept_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("a.json");
        write_file(&dest, b"one", Replace::Never).unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"one");
        assert!(matches!(
            write_file(&dest, b"two", Replace::Never),
            Err(WriteError::Exists)
        ));
        assert_eq!(fs::read(&dest).unwrap(), b"one");
        write_file(&dest, b"three", Replace::Allow).unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"three");
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_output_appears_only_when_complete() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.ndjson");
        fs::write(&dest, b"old").unwrap();
        let (mut w, out) = Output::open(Some(&dest)).unwrap();
        w.write_all(b"new").unwrap();
        w.flush().unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"old");
        drop(w);
        out.close(None).unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"new");
        // A failed run leaves the old output and no temporary file.
        let (w, out) = Output::open(Some(&dest)).unwrap();
        drop(w);
        assert!(out.close(Some(io::Error::other("disk full"))).is_err());
        assert_eq!(fs::read(&dest).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
