//! Finding the files to measure.
//!
//! Paths given on the command line may be files or directories. Directories
//! are walked recursively in sorted order (so output is stable), following
//! symbolic links with loop detection; hidden entries, `.json` sidecars and
//! non-regular files are skipped, and only files with an audio extension are
//! taken unless every file is asked for (their content is then sniffed).
//! `--include` and `--exclude` globs ([`Walk`]) narrow what a walk takes,
//! ripgrep-style: a glob without `/` matches a name at any depth, one with
//! `/` the path relative to the walked directory; an excluded directory is
//! not entered. Files named explicitly are always taken.
//!
//! Nothing here stops the run: a path that does not exist, a directory that
//! cannot be read, a link loop, a directory with nothing to measure and a
//! device or FIFO named explicitly (refused before it is opened: reading
//! `/dev/zero` never ends, opening a FIFO without a writer never returns)
//! are [`InputProblem`]s, and the rest of the inputs are walked.
//!
//! The walk is an iterator, [`Walker`]: files ([`Found::Target`]) and
//! problems ([`Found::Problem`]) come in order one directory entry at a
//! time, so a scan can measure the first files while the walk goes on;
//! it keeps only the identities of the files taken. [`discover_with`]
//! collects it into a [`Discovery`] for the commands that need every file
//! before the first report.

use crate::record::{InputCode, InputProblem};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
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
    /// The object to fetch instead of opening `path`, for a location in
    /// object storage ([`crate::remote`]).
    pub remote: Option<crate::remote::Object>,
}

/// The files found, and what could not be walked.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Files to measure, in order; a file reached twice (named twice, or
    /// under two of the given directories) is listed once.
    pub targets: Vec<Target>,
    /// Inputs that could not be used, in the order met.
    pub problems: Vec<InputProblem>,
    /// The paths walked, as given (after a `-` was expanded).
    pub roots: Vec<PathBuf>,
}

/// What a directory walk takes.
#[derive(Debug, Clone, Default)]
pub struct Walk {
    /// Every file, not only those with an audio extension (`--all`).
    pub all: bool,
    include: Option<Globs>,
    exclude: Option<Globs>,
}

/// Globs split by what they match: a name, or a relative path.
#[derive(Debug, Clone)]
struct Globs {
    names: GlobSet,
    paths: GlobSet,
}

impl Globs {
    fn build(patterns: &[String], flag: &str) -> Result<Option<Globs>, String> {
        if patterns.is_empty() {
            return Ok(None);
        }
        let mut names = GlobSetBuilder::new();
        let mut paths = GlobSetBuilder::new();
        for p in patterns {
            let (set, pat) = match p.strip_prefix('/') {
                Some(rest) => (&mut paths, rest),
                None if p.contains('/') => (&mut paths, p.as_str()),
                None => (&mut names, p.as_str()),
            };
            let glob = GlobBuilder::new(pat)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
                .map_err(|e| format!("{flag} {p:?}: {e}"))?;
            set.add(glob);
        }
        let built = |b: GlobSetBuilder| b.build().map_err(|e| format!("{flag}: {e}"));
        Ok(Some(Globs {
            names: built(names)?,
            paths: built(paths)?,
        }))
    }

    fn matches(&self, rel: &Path) -> bool {
        let name_hit = rel
            .file_name()
            .is_some_and(|n| self.names.is_match(Path::new(n)));
        name_hit || self.paths.is_match(slashed(rel))
    }
}

/// `rel` with `/` separators, as globs are written.
fn slashed(rel: &Path) -> PathBuf {
    if std::path::MAIN_SEPARATOR == '/' {
        rel.to_path_buf()
    } else {
        PathBuf::from(
            rel.to_string_lossy()
                .replace(std::path::MAIN_SEPARATOR, "/"),
        )
    }
}

impl Walk {
    /// Audio extensions only (`all: false`) or every file, no globs.
    pub fn new(all: bool) -> Walk {
        Walk {
            all,
            ..Walk::default()
        }
    }

    /// With `--include` globs (a walked file is taken only when it matches
    /// one) and `--exclude` globs (a walked file or directory that matches
    /// one is left out). Err: a glob that does not parse, with the reason.
    pub fn with_globs(mut self, include: &[String], exclude: &[String]) -> Result<Walk, String> {
        self.include = Globs::build(include, "--include")?;
        self.exclude = Globs::build(exclude, "--exclude")?;
        Ok(self)
    }

    pub(crate) fn excluded(&self, rel: &Path) -> bool {
        self.exclude.as_ref().is_some_and(|g| g.matches(rel))
    }

    pub(crate) fn included(&self, rel: &Path) -> bool {
        self.include.as_ref().is_none_or(|g| g.matches(rel))
    }
}

/// Whether `path` has an extension that directory walks take
/// ([`crate::formats::EXTENSIONS`]).
pub fn has_audio_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .and_then(crate::formats::extension)
        .is_some_and(|e| e.walked)
}

/// Whether `path`'s extension is one of cover art (`jpg`, `jpeg`, `png`):
/// walked, but never promising audio.
pub fn has_artwork_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .and_then(crate::formats::extension)
        .is_some_and(|e| e.is_artwork())
}

pub(crate) fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with('.') && n != "." && n != "..")
}

fn problem(path: &Path, code: InputCode, message: impl Into<String>) -> InputProblem {
    InputProblem {
        path: path.to_string_lossy().into_owned(),
        code,
        message: message.into(),
    }
}

/// What kind of non-regular file `t` is, for the message.
fn special_kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    let _ = t;
    "not a regular file"
}

/// Walk `roots` and list the files to measure. `all`: every file, not only
/// those with audio extensions.
pub fn discover(roots: &[PathBuf], all: bool) -> Discovery {
    discover_with(roots, &Walk::new(all))
}

/// Walk `roots` as `walk` says and list the files to measure: [`Walker`]
/// collected, for commands that need every file before the first report.
pub fn discover_with(roots: &[PathBuf], walk: &Walk) -> Discovery {
    let mut out = Discovery {
        roots: roots.to_vec(),
        ..Discovery::default()
    };
    for found in Walker::new(roots.to_vec(), walk.clone()) {
        match found {
            Found::Target(t) => out.targets.push(t),
            Found::Problem(p) => out.problems.push(p),
        }
    }
    out
}

/// What a walk meets, in order: a file to measure or an input it could not
/// use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A file to measure.
    Target(Target),
    /// An input that could not be used.
    Problem(InputProblem),
}

/// The walk of a list of paths as an iterator, one directory entry at a
/// time: the same files and problems in the same order as
/// [`discover_with`], but the first file comes as soon as it is met, and
/// memory hardly grows with the files listed (only the identities of the
/// files taken are kept, inode numbers in a compressed bitmap on Unix, so
/// that a file reached twice is measured once).
pub struct Walker {
    roots: std::vec::IntoIter<PathBuf>,
    walk: Walk,
    seen: Seen,
    /// The directory being walked.
    dir: Option<DirWalk>,
}

/// One directory given on the command line, being walked.
struct DirWalk {
    root: PathBuf,
    entries: walkdir::IntoIter,
    /// Files taken (duplicates included), files without an audio
    /// extension, files left out by the globs: for the `nothing to
    /// measure` problem.
    taken: u64,
    other: u64,
    excluded: u64,
}

/// The files already taken, by identity: device and inode where the
/// platform gives them (and the metadata could be read), else the path.
/// Inodes are kept per device in a compressed bitmap ([`roaring`]): file
/// systems hand out the inodes of files written together in runs, which
/// it stores in a few bits each (and in at most about 2 bytes each when
/// they are scattered), where a hash set takes 16 or more.
#[derive(Default)]
struct Seen {
    #[cfg(unix)]
    inodes: std::collections::HashMap<u64, roaring::RoaringTreemap>,
    paths: std::collections::HashSet<PathBuf>,
}

impl Seen {
    /// Whether the file is new (and remember it).
    fn insert(&mut self, path: &Path, meta: Option<&std::fs::Metadata>) -> bool {
        match meta {
            #[cfg(unix)]
            Some(m) => {
                use std::os::unix::fs::MetadataExt;
                self.inodes.entry(m.dev()).or_default().insert(m.ino())
            }
            #[cfg(not(unix))]
            Some(_) => self
                .paths
                .insert(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())),
            None => self.paths.insert(path.to_path_buf()),
        }
    }
}

impl std::fmt::Debug for Walker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Walker")
            .field("roots_left", &self.roots.len())
            .field("walking", &self.dir.as_ref().map(|d| &d.root))
            .finish_non_exhaustive()
    }
}

impl Walker {
    /// A walk of `roots` (files and directories, in this order) as `walk`
    /// says.
    pub fn new(roots: Vec<PathBuf>, walk: Walk) -> Walker {
        Walker {
            roots: roots.into_iter(),
            walk,
            seen: Seen::default(),
            dir: None,
        }
    }

    /// Start on `root`: a file given explicitly (or a problem) at once, a
    /// directory to walk from the next call on.
    fn start(&mut self, root: PathBuf) -> Option<Found> {
        let meta = match std::fs::metadata(&root) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Some(Found::Problem(problem(
                    &root,
                    InputCode::NotFound,
                    "no such file or directory",
                )));
            }
            Err(e) => {
                let code = if e.kind() == std::io::ErrorKind::PermissionDenied {
                    InputCode::UnreadableDirectory
                } else {
                    InputCode::NotFound
                };
                return Some(Found::Problem(problem(
                    &root,
                    code,
                    format!("cannot be read: {e}"),
                )));
            }
        };
        if !meta.is_dir() {
            if !meta.is_file() {
                return Some(Found::Problem(problem(
                    &root,
                    InputCode::NotARegularFile,
                    format!(
                        "is {}: only regular files are measured (copy the audio to a file first)",
                        special_kind(&meta.file_type())
                    ),
                )));
            }
            // Given explicitly: measured whatever its name.
            if self.seen.insert(&root, Some(&meta)) {
                return Some(Found::Target(Target {
                    display: root.to_string_lossy().into_owned(),
                    path: root,
                    size: meta.len(),
                    remote: None,
                }));
            }
            return None;
        }
        let entries = WalkDir::new(&root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter();
        self.dir = Some(DirWalk {
            root,
            entries,
            taken: 0,
            other: 0,
            excluded: 0,
        });
        None
    }

    /// The next thing the directory being walked holds, or `None` once it
    /// is walked (then with its `nothing to measure` problem, if any, in
    /// `Some(Some(..))`).
    fn step(&mut self) -> Option<Option<Found>> {
        let walk = &self.walk;
        let d = self.dir.as_mut()?;
        loop {
            let entry = match d.entries.next() {
                None => {
                    let problem = d.nothing_to_measure(walk);
                    self.dir = None;
                    return Some(problem.map(Found::Problem));
                }
                Some(Err(e)) => return Some(Some(Found::Problem(walk_error(&d.root, &e)))),
                Some(Ok(e)) => e,
            };
            if entry.depth() > 0 {
                // A hidden entry, or an excluded directory, is left out and
                // not entered.
                let left_out = is_hidden(entry.file_name())
                    || (entry.file_type().is_dir()
                        && walk
                            .excluded(entry.path().strip_prefix(&d.root).unwrap_or(entry.path())));
                if left_out {
                    if entry.file_type().is_dir() {
                        d.entries.skip_current_dir();
                    }
                    continue;
                }
            }
            if !entry.file_type().is_file() {
                continue;
            }
            let path = entry.path();
            let rel = path.strip_prefix(&d.root).unwrap_or(path);
            let is_json = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("json"));
            if is_json || !(walk.all || has_audio_extension(path)) {
                d.other += 1;
                continue;
            }
            if walk.excluded(rel) || !walk.included(rel) {
                d.excluded += 1;
                continue;
            }
            let meta = entry.metadata().ok();
            d.taken += 1;
            if !self.seen.insert(path, meta.as_ref()) {
                continue;
            }
            return Some(Some(Found::Target(Target {
                path: path.to_path_buf(),
                display: rel.to_string_lossy().into_owned(),
                size: meta.map_or(0, |m| m.len()),
                remote: None,
            })));
        }
    }
}

impl Iterator for Walker {
    type Item = Found;

    fn next(&mut self) -> Option<Found> {
        loop {
            match self.step() {
                Some(Some(found)) => return Some(found),
                Some(None) => continue,
                None => {}
            }
            let root = self.roots.next()?;
            if let Some(found) = self.start(root) {
                return Some(found);
            }
        }
    }
}

/// The problem of an entry a walk could not read.
fn walk_error(root: &Path, e: &walkdir::Error) -> InputProblem {
    let at = e.path().unwrap_or(root);
    if e.loop_ancestor().is_some() {
        problem(
            at,
            InputCode::LinkLoop,
            "symbolic link to one of its own parent directories: not followed",
        )
    } else {
        let why = e
            .io_error()
            .map(|io| io.to_string())
            .unwrap_or_else(|| e.to_string());
        problem(
            at,
            InputCode::UnreadableDirectory,
            format!(
                "cannot be read ({why}): what it holds was not measured;                                  fix its permissions or leave it out with --exclude"
            ),
        )
    }
}

impl DirWalk {
    /// The problem of a directory in which nothing was taken.
    fn nothing_to_measure(&self, walk: &Walk) -> Option<InputProblem> {
        if self.taken > 0 {
            return None;
        }
        let mut why = Vec::new();
        if self.other > 0 {
            why.push(format!(
                "{} file(s) without an audio extension{}",
                self.other,
                if walk.all {
                    ""
                } else {
                    " (--all takes every file)"
                }
            ));
        }
        if self.excluded > 0 {
            why.push(format!("{} left out by --include/--exclude", self.excluded));
        }
        let message = if why.is_empty() {
            "nothing to measure: the directory holds no file".to_string()
        } else {
            format!("nothing to measure: {}", why.join(", "))
        };
        Some(problem(&self.root, InputCode::NoAudioFiles, message))
    }
}

/// Paths read from `input`, one per line (`\r\n` accepted, empty lines
/// skipped), for a `-` among the paths. Names need not be UTF-8 on Unix.
pub fn read_path_list(input: impl std::io::BufRead) -> std::io::Result<Vec<PathBuf>> {
    read_path_list_with(input, b'\n')
}

/// Paths read from `input`, each ended by `end`: `b'\n'` (a line, `\r\n`
/// accepted) or `0` (`find -print0`, `--files-from F -0`: any byte but NUL
/// may be in a name). Empty entries are skipped; a missing last ending is
/// accepted. For `--files-from` and `-` among the paths.
pub fn read_path_list_with(
    mut input: impl std::io::BufRead,
    end: u8,
) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(end, &mut line)? == 0 {
            break;
        }
        let mut l: &[u8] = &line;
        l = l.strip_suffix(&[end]).unwrap_or(l);
        if end == b'\n' {
            l = l.strip_suffix(b"\r").unwrap_or(l);
        }
        if !l.is_empty() {
            out.push(path_from_bytes(l));
        }
    }
    Ok(out)
}

#[cfg(unix)]
fn path_from_bytes(b: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(b))
}

#[cfg(not(unix))]
fn path_from_bytes(b: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(b).into_owned())
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
        let d = discover(&[root.to_path_buf()], false);
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
        let d = discover(&[root.to_path_buf()], true);
        assert_eq!(
            d.targets.len(),
            4,
            "--all adds notes.txt but never .json or hidden files"
        );
    }

    #[test]
    fn missing_path_is_an_error() {
        let d = discover(&[PathBuf::from("/no/such/dir/x")], false);
        assert!(d.targets.is_empty());
        assert_eq!(d.problems.len(), 1);
        assert_eq!(d.problems[0].code, InputCode::NotFound);
    }

    #[test]
    #[cfg(unix)]
    fn symlink_loops_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("d")).unwrap();
        fs::write(root.join("d/t.wav"), b"x").unwrap();
        std::os::unix::fs::symlink(root.join("d"), root.join("d/loop")).unwrap();
        let d = discover(&[root.to_path_buf()], false);
        assert_eq!(d.targets.len(), 1);
        assert!(
            d.problems.iter().any(|p| p.code == InputCode::LinkLoop),
            "{:?}",
            d.problems
        );
    }

    #[test]
    fn globs_narrow_the_walk_ripgrep_style() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("outtakes/deep")).unwrap();
        fs::create_dir_all(root.join("album")).unwrap();
        for f in [
            "album/01.wav",
            "album/02.flac",
            "outtakes/x.wav",
            "outtakes/deep/y.wav",
            "z.wav",
        ] {
            fs::write(root.join(f), b"x").unwrap();
        }
        let names = |walk: Walk| {
            let d = discover_with(&[root.to_path_buf()], &walk);
            d.targets
                .iter()
                .map(|t| t.display.replace(std::path::MAIN_SEPARATOR, "/"))
                .collect::<Vec<_>>()
        };
        let g = |inc: &[&str], exc: &[&str]| {
            let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
            Walk::new(false).with_globs(&v(inc), &v(exc)).unwrap()
        };
        assert_eq!(names(g(&["*.flac"], &[])), ["album/02.flac"]);
        assert_eq!(
            names(g(&[], &["outtakes"])),
            ["album/01.wav", "album/02.flac", "z.wav"]
        );
        // With a slash: anchored at the walked directory.
        assert_eq!(
            names(g(&[], &["/album/*.wav"])),
            [
                "album/02.flac",
                "outtakes/deep/y.wav",
                "outtakes/x.wav",
                "z.wav"
            ]
        );
        assert_eq!(names(g(&["outtakes/**"], &["deep"])), ["outtakes/x.wav"]);
        assert!(Walk::new(false).with_globs(&["a[".into()], &[]).is_err());
        // Everything left out: the directory is named.
        let d = discover_with(&[root.to_path_buf()], &g(&["*.mp3"], &[]));
        assert!(d.targets.is_empty());
        assert_eq!(d.problems[0].code, InputCode::NoAudioFiles);
        assert!(
            d.problems[0].message.contains("5 left out"),
            "{:?}",
            d.problems
        );
    }

    #[test]
    fn empty_directories_and_twice_named_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("empty")).unwrap();
        fs::create_dir(root.join("docs")).unwrap();
        fs::write(root.join("docs/notes.txt"), b"x").unwrap();
        fs::write(root.join("a.wav"), b"x").unwrap();
        let d = discover(
            &[
                root.join("empty"),
                root.join("docs"),
                root.join("a.wav"),
                root.join("a.wav"),
                root.to_path_buf(),
            ],
            false,
        );
        assert_eq!(d.targets.len(), 1, "{:?}", d.targets);
        let codes: Vec<_> = d.problems.iter().map(|p| p.code).collect();
        assert_eq!(codes, [InputCode::NoAudioFiles, InputCode::NoAudioFiles]);
        assert!(d.problems[1].message.contains("--all"), "{:?}", d.problems);
    }

    #[test]
    #[cfg(unix)]
    fn a_file_reached_by_links_is_measured_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("a")).unwrap();
        for i in 0..300 {
            fs::write(root.join(format!("a/{i:03}.wav")), b"x").unwrap();
        }
        fs::hard_link(root.join("a/000.wav"), root.join("hard.wav")).unwrap();
        std::os::unix::fs::symlink(root.join("a"), root.join("b")).unwrap();
        let d = discover(&[root.to_path_buf(), root.join("a")], false);
        assert_eq!(d.targets.len(), 300, "{:?}", &d.targets[..3]);
        assert_eq!(d.targets[0].display, "a/000.wav");
    }

    #[test]
    #[cfg(unix)]
    fn devices_and_fifos_are_refused_unopened() {
        let d = discover(&[PathBuf::from("/dev/zero")], false);
        assert!(d.targets.is_empty());
        assert_eq!(d.problems[0].code, InputCode::NotARegularFile);
        assert!(d.problems[0].message.contains("character device"));
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.wav");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        let d = discover(&[fifo], false);
        assert_eq!(d.problems[0].code, InputCode::NotARegularFile);
        assert!(d.problems[0].message.contains("FIFO"));
    }

    #[test]
    fn path_lists_from_stdin() {
        let list = b"a.wav\r\n\nb/c.flac\nlast";
        let paths = read_path_list(&list[..]).unwrap();
        assert_eq!(
            paths,
            [
                PathBuf::from("a.wav"),
                PathBuf::from("b/c.flac"),
                PathBuf::from("last")
            ]
        );
        let list = b"a b.wav\0with\nnewline.flac\0\0x\r.wav";
        let paths = read_path_list_with(&list[..], 0).unwrap();
        assert_eq!(
            paths,
            [
                PathBuf::from("a b.wav"),
                PathBuf::from("with\nnewline.flac"),
                PathBuf::from("x\r.wav")
            ]
        );
    }
}
