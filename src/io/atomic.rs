//! Every file ddexprobe writes goes through here: `-o` outputs and technical
//! sidecars are written to a temporary file in the destination's folder and
//! moved into place only when complete, so nobody ever sees half of one and
//! a failed write leaves the destination as it was.
//!
//! The folders written to may be shared with others (album folders,
//! dropboxes, CI workspaces), so nothing here trusts a name it did not
//! create:
//!
//! * temporary files are created with `O_CREAT | O_EXCL` (`O_NOFOLLOW`
//!   semantics: an existing name, link or not, is never opened) under an
//!   unpredictable, bounded name, `.ddexprobe-PID-RANDOM.tmp`, whatever the
//!   length of the destination's name; a leftover of a killed run is
//!   recognised by that name and removed by [`sweep`] once its process is
//!   gone;
//! * the final move is a rename, which replaces a link planted at the
//!   destination instead of following it;
//! * an `-o` path that is a symbolic link is resolved first: the link's
//!   target is replaced whole, never written in place, and a link to a
//!   device (`/dev/null`) or a pipe is written through;
//! * inputs are protected by identity (device and inode, after resolving
//!   links), never by name: [`Inputs`];
//! * a file that must not replace another is moved with a no-replace rename,
//!   and a file that may replace only the one the caller read is exchanged
//!   with it and put back when it is not that file ([`Replace`]).

use std::collections::HashMap;
use std::fs::{self, Metadata};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// What temporary files start and end with.
const TEMP_PREFIX: &str = ".ddexprobe-";
const TEMP_SUFFIX: &str = ".tmp";

/// The temporary files this process has open, for [`remove_temporaries`].
static LIVE: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// A temporary file's place in [`LIVE`], given up when dropped (after the
/// file was moved into place or removed).
struct Live(PathBuf);

impl Drop for Live {
    fn drop(&mut self) {
        if let Ok(mut live) = LIVE.lock()
            && let Some(i) = live.iter().rposition(|p| p == &self.0)
        {
            live.swap_remove(i);
        }
    }
}

/// Remove every temporary file this process has open and return how many
/// there were: for an interrupt handler (Ctrl-C), just before the process
/// exits, so no hidden `.ddexprobe-*.tmp` file is left behind. Outputs
/// already moved into place are complete and stay.
pub fn remove_temporaries() -> usize {
    let Ok(mut live) = LIVE.lock() else {
        return 0;
    };
    let n = live.len();
    for p in live.drain(..) {
        let _ = fs::remove_file(p);
    }
    n
}

/// A new temporary file in `dir`, registered for [`remove_temporaries`].
fn temp_in(dir: &Path) -> io::Result<(NamedTempFile, Live)> {
    let temp = new_temp(dir)?;
    let path = temp.path().to_path_buf();
    if let Ok(mut live) = LIVE.lock() {
        live.push(path.clone());
    }
    Ok((temp, Live(path)))
}

/// A new temporary file in `dir`: `.ddexprobe-PID-RANDOM.tmp`, created
/// exclusively (an existing name or link fails and another name is tried).
fn new_temp(dir: &Path) -> io::Result<NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    // Created as `File::create` would (0666 less the umask), not 0600, so
    // the finished file is as readable as any other the user writes.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    builder
        .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
        .suffix(TEMP_SUFFIX)
        .rand_bytes(12)
        .tempfile_in(dir)
}

/// The folder a file is written into (`.` for a bare name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Whether the process `pid` may still be running. Without `/proc`, every
/// process is assumed to be, so nothing of another run is ever removed.
fn may_be_running(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// Remove the temporary files that runs of ddexprobe killed before they
/// could clean up left in `dir`: regular files (never links) named
/// `.ddexprobe-PID-RANDOM.tmp` whose process is gone and that belong to this
/// user. Returns how many were removed. Failures are ignored: a leftover is
/// untidy, not harmful.
pub fn sweep(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(pid) = name
            .strip_prefix(TEMP_PREFIX)
            .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(meta) = fs::symlink_metadata(entry.path()) else {
            continue;
        };
        if meta.file_type().is_file() && owned_by_us(&meta) && !may_be_running(pid) {
            removed += usize::from(fs::remove_file(entry.path()).is_ok());
        }
    }
    removed
}

#[cfg(unix)]
fn owned_by_us(meta: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    // The effective user owns what it creates; a file of anyone else's is
    // left alone.
    meta.uid() == rustix::process::geteuid().as_raw()
}

#[cfg(not(unix))]
fn owned_by_us(_: &Metadata) -> bool {
    true
}

/// What identifies a file whatever its name: device and inode on Unix, the
/// canonical path elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileKey(#[cfg(unix)] (u64, u64), #[cfg(not(unix))] PathBuf);

impl FileKey {
    /// The key of the file `path` names, after resolving links.
    pub fn of(path: &Path) -> Option<FileKey> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let m = fs::metadata(path).ok()?;
            Some(FileKey((m.dev(), m.ino())))
        }
        #[cfg(not(unix))]
        {
            path.canonicalize().ok().map(FileKey)
        }
    }
}

/// The files a command reads (audio, manifest, sidecars, profile), which no
/// output may replace.
#[derive(Debug, Default)]
pub struct Inputs {
    keys: HashMap<FileKey, String>,
}

impl Inputs {
    /// No inputs yet.
    pub fn new() -> Inputs {
        Inputs::default()
    }

    /// Protect the file at `path` (named `shown` in messages), if it exists.
    pub fn add(&mut self, path: &Path, shown: &str) {
        if let Some(key) = FileKey::of(path) {
            self.keys.entry(key).or_insert_with(|| shown.to_string());
        }
    }

    /// How the input that `path` names (after resolving links) is shown,
    /// when it is one.
    pub fn find(&self, path: &Path) -> Option<&str> {
        self.keys.get(&FileKey::of(path)?).map(String::as_str)
    }
}

/// A file's identity and state when the caller read it: device, inode,
/// size and modification time. A file replaced or rewritten since has
/// another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    key: Option<(u64, u64)>,
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl Seen {
    /// The state of the file `meta` describes (from `symlink_metadata` or
    /// the open file).
    pub fn of(meta: &Metadata) -> Seen {
        #[cfg(unix)]
        let key = {
            use std::os::unix::fs::MetadataExt;
            Some((meta.dev(), meta.ino()))
        };
        #[cfg(not(unix))]
        let key = None;
        Seen {
            key,
            len: meta.len(),
            modified: meta.modified().ok(),
        }
    }

    fn matches(&self, path: &Path) -> bool {
        fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file() && Seen::of(&m) == *self)
    }
}

/// Where a command's output goes, opened before any work starts.
pub struct Output {
    /// The temporary file and the destination it is moved to at the end.
    pending: Option<(NamedTempFile, PathBuf, Live)>,
}

/// The writer of an [`Output`].
pub type Sink = Box<dyn Write + Send>;

impl Output {
    /// Open `path` (standard output when `None`) for writing, refusing any
    /// path that is (or links to) one of `inputs`, or a directory. A new
    /// path or a regular file is replaced whole at [`Output::close`]; a
    /// symbolic link has its target replaced; a device or a pipe (or a
    /// link to one) is written through.
    pub fn open(path: Option<&Path>, inputs: &Inputs) -> Result<(Sink, Output), String> {
        let Some(path) = path else {
            return Ok((
                Box::new(BufWriter::new(io::stdout())),
                Output { pending: None },
            ));
        };
        if let Some(input) = inputs.find(path) {
            return Err(format!(
                "-o {} is one of the input files ({input}); refusing to overwrite it",
                path.display()
            ));
        }
        let dest = match fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => fs::canonicalize(path).map_err(|e| {
                format!(
                    "-o {} is a symbolic link that cannot be followed ({e}); give the file itself",
                    path.display()
                )
            })?,
            _ => path.to_path_buf(),
        };
        match fs::metadata(&dest) {
            Ok(m) if m.is_dir() => Err(format!("-o {} is a directory", path.display())),
            Ok(m) if !m.is_file() => {
                let file = fs::OpenOptions::new()
                    .write(true)
                    .open(&dest)
                    .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
                Ok((Box::new(BufWriter::new(file)), Output { pending: None }))
            }
            Ok(_) => Output::replacing(dest),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Output::replacing(dest),
            Err(e) => Err(format!("cannot open {}: {e}", path.display())),
        }
    }

    fn replacing(dest: PathBuf) -> Result<(Sink, Output), String> {
        let dir = folder_of(&dest);
        sweep(dir);
        let (temp, live) = temp_in(dir)
            .map_err(|e| format!("cannot create a temporary file in {}: {e}", dir.display()))?;
        let file = temp
            .as_file()
            .try_clone()
            .map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
        Ok((
            Box::new(BufWriter::new(file)),
            Output {
                pending: Some((temp, dest, live)),
            },
        ))
    }

    /// Move a complete output into place, or remove it after the write
    /// error `failed` (the writer must have been dropped, and so flushed).
    /// A closed pipe (`| head`) ends quietly.
    pub fn close(self, failed: Option<io::Error>) -> Result<(), String> {
        match failed {
            // Dropping the temporary file removes it.
            Some(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            Some(e) => Err(match &self.pending {
                Some((_, dest, _)) => format!("cannot write {}: {e}", dest.display()),
                None => format!("cannot write to standard output: {e}"),
            }),
            None => match self.pending {
                Some((temp, dest, _live)) => temp.persist(&dest).map(drop).map_err(|e| {
                    format!(
                        "cannot move the output into {}: {}",
                        dest.display(),
                        e.error
                    )
                }),
                None => Ok(()),
            },
        }
    }
}

/// What [`write_file`] may replace at its destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replace {
    /// Nothing: the destination must not exist. One that appeared since
    /// the caller looked is left alone ([`WriteError::Exists`]).
    Never,
    /// Only the file the caller read, in the state it read it; anything
    /// else found there is put back ([`WriteError::Exists`]).
    Only(Seen),
}

/// Why [`write_file`] failed.
#[derive(Debug)]
pub enum WriteError {
    /// The destination holds a file [`Replace`] does not allow replacing.
    Exists,
    /// Anything else, said in a sentence.
    Io(String),
}

/// Write `bytes` to `dest` through a temporary file in the same folder.
pub fn write_file(dest: &Path, bytes: &[u8], replace: Replace) -> Result<(), WriteError> {
    let dir = folder_of(dest);
    let (mut temp, live) = temp_in(dir).map_err(|e| {
        WriteError::Io(format!(
            "cannot create a temporary file in {}: {e}",
            dir.display()
        ))
    })?;
    temp.write_all(bytes)
        .and_then(|()| temp.flush())
        .map_err(|e| WriteError::Io(format!("cannot write {}: {e}", dest.display())))?;
    match replace {
        Replace::Never => match temp.persist_noclobber(dest) {
            Ok(_) => Ok(()),
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => Err(WriteError::Exists),
            Err(e) => Err(WriteError::Io(format!(
                "cannot move {} into place: {}",
                dest.display(),
                e.error
            ))),
        },
        Replace::Only(seen) => replace_only(temp, live, dest, &seen),
    }
}

/// Copy the file at `src` to `dest` (which must not exist) through a
/// temporary file in `dest`'s folder, and return the MD5 of the bytes
/// written, so the caller can check the copy against the digest it
/// measured before.
pub fn copy_file(src: &Path, dest: &Path) -> Result<String, WriteError> {
    use md5::{Digest, Md5};
    use std::io::Read;
    let dir = folder_of(dest);
    let (mut temp, _live) = temp_in(dir).map_err(|e| {
        WriteError::Io(format!(
            "cannot create a temporary file in {}: {e}",
            dir.display()
        ))
    })?;
    let mut input = fs::File::open(src)
        .map_err(|e| WriteError::Io(format!("cannot read {}: {e}", src.display())))?;
    let mut hasher = Md5::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(WriteError::Io(format!(
                    "cannot read {}: {e}",
                    src.display()
                )));
            }
        };
        hasher.update(&buf[..n]);
        temp.write_all(&buf[..n])
            .map_err(|e| WriteError::Io(format!("cannot write {}: {e}", dest.display())))?;
    }
    temp.flush()
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| WriteError::Io(format!("cannot write {}: {e}", dest.display())))?;
    match temp.persist_noclobber(dest) {
        Ok(_) => Ok(hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()),
        Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => Err(WriteError::Exists),
        Err(e) => Err(WriteError::Io(format!(
            "cannot move {} into place: {}",
            dest.display(),
            e.error
        ))),
    }
}

/// Replace `dest` by `temp` if `dest` is still the file `seen` describes.
/// On Linux the two are exchanged atomically and swapped back when the
/// file that came out is not that one, so no file is ever lost; elsewhere
/// the check comes just before the rename.
fn replace_only(
    temp: NamedTempFile,
    live: Live,
    dest: &Path,
    seen: &Seen,
) -> Result<(), WriteError> {
    let io_error =
        |e: io::Error| WriteError::Io(format!("cannot move {} into place: {e}", dest.display()));
    // From the exchange on, the temporary name may hold the file that was
    // at `dest`: an interrupt must never remove it.
    drop(live);
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        let temp_path = temp.path().to_path_buf();
        match renameat_with(CWD, &temp_path, CWD, dest, RenameFlags::EXCHANGE) {
            Ok(()) => {
                // `temp_path` now names what was at `dest`.
                if seen.matches(&temp_path) {
                    return temp.close().map_err(io_error);
                }
                return match renameat_with(CWD, &temp_path, CWD, dest, RenameFlags::EXCHANGE) {
                    Ok(()) => Err(WriteError::Exists),
                    Err(e) => {
                        // Both files are still there; keep ours under its
                        // temporary name rather than remove the other.
                        let _ = temp.into_temp_path().keep();
                        Err(io_error(e.into()))
                    }
                };
            }
            // File systems without the exchange: check, then rename.
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) if e == rustix::io::Errno::NOENT => return Err(WriteError::Exists),
            Err(e) => return Err(io_error(e.into())),
        }
    }
    if !seen.matches(dest) {
        return Err(WriteError::Exists);
    }
    temp.persist(dest).map(drop).map_err(|e| io_error(e.error))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

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
        let seen = Seen::of(&fs::symlink_metadata(&dest).unwrap());
        write_file(&dest, b"three", Replace::Only(seen)).unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"three");
        assert_eq!(names(dir.path()), ["a.json"]);
    }

    #[test]
    fn a_file_replaced_since_it_was_read_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("a.json");
        fs::write(&dest, b"ours").unwrap();
        let seen = Seen::of(&fs::symlink_metadata(&dest).unwrap());
        // The user replaces it between the check and the write.
        fs::remove_file(&dest).unwrap();
        fs::write(&dest, b"the user's, longer").unwrap();
        assert!(matches!(
            write_file(&dest, b"new", Replace::Only(seen.clone())),
            Err(WriteError::Exists)
        ));
        assert_eq!(fs::read(&dest).unwrap(), b"the user's, longer");
        // Or removes it.
        fs::remove_file(&dest).unwrap();
        assert!(matches!(
            write_file(&dest, b"new", Replace::Only(seen)),
            Err(WriteError::Exists)
        ));
        assert!(!dest.exists());
        assert!(names(dir.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_at_the_destination_is_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, b"precious").unwrap();
        let dest = dir.path().join("a.json");
        std::os::unix::fs::symlink(&victim, &dest).unwrap();
        assert!(matches!(
            write_file(&dest, b"x", Replace::Never),
            Err(WriteError::Exists)
        ));
        let seen = Seen::of(&fs::symlink_metadata(&victim).unwrap());
        assert!(matches!(
            write_file(&dest, b"x", Replace::Only(seen)),
            Err(WriteError::Exists)
        ));
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
        assert!(
            fs::symlink_metadata(&dest)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn temporary_names_are_unpredictable_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let (a, _) = temp_in(dir.path()).unwrap();
        let (b, _) = temp_in(dir.path()).unwrap();
        assert_ne!(a.path(), b.path());
        for t in [&a, &b] {
            let name = t.path().file_name().unwrap().to_str().unwrap();
            assert!(name.starts_with(&format!(".ddexprobe-{}-", std::process::id())));
            assert!(name.len() <= 40, "{name}");
        }
        // A destination name of 255 bytes still gets a temporary file.
        let long = dir.path().join("x".repeat(255));
        write_file(&long, b"ok", Replace::Never).unwrap();
        assert_eq!(fs::read(&long).unwrap(), b"ok");
    }

    #[test]
    fn leftovers_of_dead_runs_are_swept_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        // Above any pid_max: never a running process.
        let dead = dir.path().join(".ddexprobe-4194305-abcdefabcdef.tmp");
        let live = dir.path().join(format!(
            ".ddexprobe-{}-abcdefabcdef.tmp",
            std::process::id()
        ));
        let other = dir.path().join(".ddexprobe-notes.tmp");
        for p in [&dead, &live, &other] {
            fs::write(p, b"x").unwrap();
        }
        let expected = if Path::new("/proc/self").exists() {
            1
        } else {
            0
        };
        assert_eq!(sweep(dir.path()), expected);
        assert_eq!(dead.exists(), expected == 0);
        assert!(live.exists() && other.exists());
    }

    #[test]
    fn an_output_appears_only_when_complete() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.ndjson");
        fs::write(&dest, b"old").unwrap();
        let (mut w, out) = Output::open(Some(&dest), &Inputs::new()).unwrap();
        w.write_all(b"new").unwrap();
        w.flush().unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"old");
        drop(w);
        out.close(None).unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"new");
        // A failed run leaves the old output and no temporary file.
        let (w, out) = Output::open(Some(&dest), &Inputs::new()).unwrap();
        drop(w);
        assert!(out.close(Some(io::Error::other("disk full"))).is_err());
        assert_eq!(fs::read(&dest).unwrap(), b"new");
        assert_eq!(names(dir.path()), ["out.ndjson"]);
    }

    #[cfg(unix)]
    #[test]
    fn an_output_through_a_link_replaces_the_target_whole() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("report.json");
        fs::write(&target, "a much longer old report than the new one").unwrap();
        let link = dir.path().join("latest.json");
        std::os::unix::fs::symlink("report.json", &link).unwrap();
        let (mut w, out) = Output::open(Some(&link), &Inputs::new()).unwrap();
        w.write_all(b"{}").unwrap();
        drop(w);
        out.close(None).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"{}");
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        // A dangling link and a directory are refused.
        let dangling = dir.path().join("dangling.json");
        std::os::unix::fs::symlink("nowhere/x.json", &dangling).unwrap();
        assert!(Output::open(Some(&dangling), &Inputs::new()).is_err());
        assert!(Output::open(Some(dir.path()), &Inputs::new()).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn inputs_are_known_by_identity_through_links() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("manifest.json");
        fs::write(&manifest, b"{}").unwrap();
        let link = dir.path().join("out.json");
        std::os::unix::fs::symlink(&manifest, &link).unwrap();
        let mut inputs = Inputs::new();
        inputs.add(&manifest, "manifest.json");
        let err = Output::open(Some(&link), &inputs).err().unwrap();
        assert!(err.contains("manifest.json"), "{err}");
        let hard = dir.path().join("hard.json");
        fs::hard_link(&manifest, &hard).unwrap();
        assert!(Output::open(Some(&hard), &inputs).is_err());
        assert_eq!(fs::read(&manifest).unwrap(), b"{}");
    }
}
