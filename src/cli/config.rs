//! Flags turned into validated settings: worker counts, digests, output
//! formats, the cache of records, and the inputs an output must never
//! replace.

use super::args::{Common, FailOnArg, Inputs as InputArgs};
use super::messages;
use anyhow::{Context, Result, bail};
use ddexprobe::checksum::Hashes;
use ddexprobe::formats::Budget;
use ddexprobe::io::atomic::Inputs;
use ddexprobe::metadata::Declarations;
use ddexprobe::record::InputProblem;
use ddexprobe::scan::cache::Cache;
use ddexprobe::scan::discover::{Discovery, Walk, discover_with, read_path_list_with};
use ddexprobe::scan::shard::{Selector, Shard};
use ddexprobe::scan::{Found, ScanOptions, Target, Walker};
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};

/// Workers per core `--jobs` may ask for: beyond it threads only contend
/// (reading is sequential per file, and memory grows with each worker).
pub const JOBS_PER_CORE: usize = 8;

/// `--jobs`: at least 1, all cores by default, at most
/// [`JOBS_PER_CORE`] per core (a larger figure is capped, with a warning).
pub fn jobs(n: Option<usize>) -> Result<usize> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cap = cores * JOBS_PER_CORE;
    match n {
        Some(0) => bail!("--jobs must be at least 1"),
        Some(n) if n > cap => {
            messages::warn(&format!(
                "--jobs {n}: capped at {cap} ({JOBS_PER_CORE} per core on {cores} cores)"
            ));
            Ok(cap)
        }
        Some(n) => Ok(n),
        None => Ok(cores),
    }
}

/// The files a command works on: the paths (a `-` among them reads more
/// from standard input, one per line, or NUL-ended with `-0`), then those
/// of `--files-from`, walked with `--all`, `--include` and `--exclude`,
/// every file listed before the first is measured (for commands that need
/// them all first). Every input problem is printed here, once. A command
/// that cannot be split refuses `--shard` here.
pub fn discover(i: &InputArgs) -> Result<Discovery> {
    if i.shard.is_some() || i.shard_from_env {
        bail!(
            "--shard: this command writes one document for all its files and cannot be split; \
             shard `scan`, `check` or `sidecar` instead"
        );
    }
    let (roots, walk) = roots(i)?;
    let found = discover_roots(&roots, &walk, i);
    for p in &found.problems {
        messages::problem(p);
    }
    Ok(found)
}

/// The part of the work a sharded run does (`--shard K/N`).
pub struct Part {
    /// Which part.
    pub shard: Shard,
    /// Each kept target's 0-based position in the whole work list.
    pub ordinals: Vec<u64>,
    /// Files in the whole work list.
    pub files: u64,
    /// The whole work list's fingerprint.
    pub work_list: String,
    /// The targets of the other parts (`check` needs them to tell metadata
    /// describing no file from metadata of another part's file).
    pub others: Vec<Target>,
}

/// The [`Shard`] of `--shard` or `--shard-from-env`, if any.
pub fn shard(i: &InputArgs) -> Result<Option<Shard>> {
    Ok(match (&i.shard, i.shard_from_env) {
        (Some(s), _) => Some(Shard::parse(s).map_err(anyhow::Error::msg)?),
        (None, true) => Some(
            Shard::from_env(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
                .map_err(anyhow::Error::msg)?,
        ),
        (None, false) => None,
    })
}

/// [`discover`] for a command that can be split: with `--shard` (or
/// `--shard-from-env`), only this part's targets are kept, and the part
/// says where each lies in the whole list.
pub fn discover_part(i: &InputArgs) -> Result<(Discovery, Option<Part>)> {
    let shard = shard(i)?;
    let (roots, walk) = roots(i)?;
    let mut found = discover_roots(&roots, &walk, i);
    for p in &found.problems {
        messages::problem(p);
    }
    let Some(shard) = shard else {
        return Ok((found, None));
    };
    let mut selector = Selector::new(shard);
    let mut kept = Vec::new();
    let mut others = Vec::new();
    for t in std::mem::take(&mut found.targets) {
        if selector.offer(&part_name(&t)) {
            kept.push(t);
        } else {
            others.push(t);
        }
    }
    found.targets = kept;
    Ok((
        found,
        Some(Part {
            shard,
            ordinals: selector.drain_ordinals(),
            files: selector.files(),
            work_list: selector.fingerprint(),
            others,
        }),
    ))
}

/// The bytes a target is partitioned by: the name its record gives it
/// (the raw bytes, in hex, where the name is not UTF-8).
pub fn part_name(t: &Target) -> Vec<u8> {
    match ddexprobe::scan::measure::display_bytes(&t.path, &t.display) {
        Some(hex) => hex.into_bytes(),
        None => t.display.as_bytes().to_vec(),
    }
}

/// The same walk as [`discover`], as it goes: files and problems in the
/// same order, the first file as soon as it is met. The caller prints the
/// problems as they come ([`Problems`]).
pub fn walk(i: &InputArgs) -> Result<Walked> {
    let (roots, walk) = roots(i)?;
    let is_url = |p: &PathBuf| p.to_str().is_some_and(ddexprobe::remote::Location::is_url);
    if !roots.iter().any(is_url) {
        return Ok(Box::new(Walker::new(roots, walk)));
    }
    // Local paths in runs, each run one walk; each location in object
    // storage its listing, streamed as it goes.
    let mut parts: Vec<Walked> = Vec::new();
    let mut local = Vec::new();
    for root in roots {
        match root.to_str().filter(|_| is_url(&root)) {
            Some(url) => {
                if !local.is_empty() {
                    parts.push(Box::new(Walker::new(
                        std::mem::take(&mut local),
                        walk.clone(),
                    )));
                }
                parts.push(listing(url, &walk, i));
            }
            None => local.push(root),
        }
    }
    if !local.is_empty() {
        parts.push(Box::new(Walker::new(local, walk)));
    }
    Ok(Box::new(parts.into_iter().flatten()))
}

/// The listing of a location in object storage, as it goes (an input
/// problem when this build has no `remote` feature).
fn listing(url: &str, walk: &Walk, i: &InputArgs) -> Walked {
    #[cfg(feature = "remote")]
    {
        let options = ddexprobe::remote::RemoteOptions {
            endpoint: i.endpoint.clone(),
            io_concurrency: i.io_concurrency.max(1),
        };
        Box::new(ddexprobe::remote::list(url, walk, &options))
    }
    #[cfg(not(feature = "remote"))]
    {
        let _ = (walk, i);
        Box::new(std::iter::once(Found::Problem(
            ddexprobe::remote::not_built(url),
        )))
    }
}

/// What a walk finds, as it goes.
pub type Walked = Box<dyn Iterator<Item = Found> + Send>;

/// The paths to walk (`-` and `--files-from` expanded, in order) and how
/// to walk them.
fn roots(i: &InputArgs) -> Result<(Vec<PathBuf>, Walk)> {
    let walk = Walk::new(i.all)
        .with_globs(&i.include, &i.exclude)
        .map_err(anyhow::Error::msg)?;
    let end = if i.null { 0 } else { b'\n' };
    let from_stdin = i
        .files_from
        .as_deref()
        .is_some_and(|f| f.as_os_str() == "-");
    if from_stdin && i.paths.iter().any(|p| p.as_os_str() == "-") {
        bail!("standard input can be read once: give `-` as a PATH or as --files-from, not both");
    }
    let mut roots = Vec::new();
    let mut stdin_read = false;
    for p in &i.paths {
        if p.as_os_str() == "-" {
            if !stdin_read {
                stdin_read = true;
                let listed = read_path_list_with(io::stdin().lock(), end)
                    .context("cannot read paths from standard input")?;
                roots.extend(listed);
            }
        } else {
            roots.push(p.clone());
        }
    }
    if let Some(f) = &i.files_from {
        let listed = if from_stdin {
            read_path_list_with(io::stdin().lock(), end)
                .context("cannot read --files-from from standard input")?
        } else {
            let file = std::fs::File::open(f)
                .with_context(|| format!("--files-from {}: cannot be opened", f.display()))?;
            read_path_list_with(io::BufReader::new(file), end)
                .with_context(|| format!("--files-from {}: cannot be read", f.display()))?
        };
        if listed.is_empty() && i.paths.is_empty() {
            bail!("--files-from {}: lists no path", f.display());
        }
        if !i.null
            && listed
                .iter()
                .any(|p| p.as_os_str().as_encoded_bytes().contains(&0))
        {
            bail!(
                "--files-from {}: holds NUL bytes: a list ended by NUL (find -print0) needs -0",
                f.display()
            );
        }
        roots.extend(listed);
    }
    Ok((roots, walk))
}

/// The input problems of a walk going on: each printed when met, and kept
/// for the summary.
#[derive(Debug, Default)]
pub struct Problems {
    /// The problems met so far, in order.
    pub list: Vec<InputProblem>,
}

impl Problems {
    /// The targets of `found`, printing and keeping its problems on the
    /// way.
    pub fn targets<'a>(
        &'a mut self,
        found: impl Iterator<Item = Found> + 'a,
    ) -> impl Iterator<Item = Target> + 'a {
        found.filter_map(|f| match f {
            Found::Target(t) => Some(t),
            Found::Problem(p) => {
                messages::problem(&p);
                self.list.push(p);
                None
            }
        })
    }
}

/// Walk `roots` in order: local paths with [`discover_with`], locations in
/// object storage through [`ddexprobe::remote`] (an input problem when
/// this build has no `remote` feature).
fn discover_roots(roots: &[PathBuf], walk: &Walk, i: &InputArgs) -> Discovery {
    let is_url = |p: &PathBuf| p.to_str().is_some_and(ddexprobe::remote::Location::is_url);
    if !roots.iter().any(is_url) {
        return discover_with(roots, walk);
    }
    let mut found = Discovery::default();
    let mut local = Vec::new();
    let flush = |local: &mut Vec<PathBuf>, found: &mut Discovery| {
        if !local.is_empty() {
            let d = discover_with(local, walk);
            found.targets.extend(d.targets);
            found.problems.extend(d.problems);
            found.roots.extend(d.roots);
            local.clear();
        }
    };
    for root in roots {
        let Some(url) = root.to_str().filter(|_| is_url(root)) else {
            local.push(root.clone());
            continue;
        };
        flush(&mut local, &mut found);
        #[cfg(feature = "remote")]
        {
            let options = ddexprobe::remote::RemoteOptions {
                endpoint: i.endpoint.clone(),
                io_concurrency: i.io_concurrency.max(1),
            };
            let d = ddexprobe::remote::discover(url, walk, &options);
            found.targets.extend(d.targets);
            found.problems.extend(d.problems);
        }
        #[cfg(not(feature = "remote"))]
        {
            let _ = i;
            found.problems.push(ddexprobe::remote::not_built(url));
        }
    }
    flush(&mut local, &mut found);
    found
}

/// Whether a record's findings fail the run under `--fail-on`.
pub fn fails(record: &ddexprobe::Record, fail_on: FailOnArg) -> bool {
    record.has_errors() || (fail_on == FailOnArg::Warning && !record.warnings.is_empty())
}

/// The scan options of `--hash`, `--jobs` and `--verify`.
pub fn scan_options(c: &Common) -> Result<ScanOptions> {
    Ok(ScanOptions {
        hashes: Hashes::parse(&c.hash).map_err(anyhow::Error::msg)?,
        jobs: jobs(c.jobs)?,
        verify: c.verify,
        budget: budget(&c.verify_budget)?,
        qc: c.qc.then(ddexprobe::qc::Settings::default),
    })
}

/// `--verify-budget`: decoded bytes per coded byte (at least 1), or
/// `unlimited`.
pub fn budget(s: &str) -> Result<Budget> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("unlimited") {
        return Ok(Budget::UNLIMITED);
    }
    match s.parse::<u64>() {
        Ok(ratio) if ratio >= 1 => Ok(Budget { ratio }),
        _ => bail!(
            "--verify-budget must be a whole number of at least 1 or \"unlimited\", not {s:?}"
        ),
    }
}

/// Whether the output is for people: no `-o` and a terminal on stdout.
/// Commands then default to a table.
pub fn for_people(output: Option<&Path>) -> bool {
    output.is_none() && io::stdout().is_terminal()
}

/// The terminal's width in columns on stdout (0 when not a terminal):
/// `COLUMNS` first, as shells export it.
pub fn terminal_width() -> usize {
    if !io::stdout().is_terminal() {
        return 0;
    }
    if let Some(n) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return n;
    }
    terminal_size::terminal_size().map_or(0, |(w, _)| usize::from(w.0))
}

/// Whether to draw a progress bar: stderr is a terminal and not `-q`.
pub fn progress_wanted(quiet: bool) -> bool {
    !quiet && io::stderr().is_terminal()
}

/// What `-o` must never replace: every file the command reads. The audio
/// files always; for commands that read declared metadata, every sidecar a
/// file may have, the manifest, and a profile file. Files are known by
/// identity (device and inode after resolving links), so a link or a hard
/// link to an input is refused like the input itself. Only built when `-o`
/// is given: it costs a `stat` per file.
pub fn inputs(targets: &[Target], metadata: Option<&Declarations>, extra: &[&Path]) -> Inputs {
    let mut inputs = Inputs::new();
    for t in targets {
        inputs.add(&t.path, &t.display);
        // Sidecars are read with or without a manifest.
        if metadata.is_some() {
            for c in ddexprobe::metadata::sidecar::candidates(&t.path) {
                inputs.add(&c, &c.display().to_string());
            }
        }
    }
    for p in extra {
        inputs.add(p, &p.display().to_string());
    }
    inputs
}

/// The SHA-256 of the file at `path`, for the catalog checks' duplicate
/// masters ([`ddexprobe::readiness::catalog::fill_digests`]); `None` when
/// it cannot be read.
pub fn sha256_of(path: &Path) -> Option<String> {
    let sha256 = Hashes::parse("sha256").unwrap_or(Hashes::BOTH);
    let shown = path.display().to_string();
    let hashed = ddexprobe::probe_file(path, shown, sha256);
    hashed.sha256
}

/// The SHA-256 of a target, through its own way in (a file, or an object
/// in storage); `None` when it cannot be read.
pub fn sha256_of_target(t: &Target) -> Option<String> {
    let sha256 = Hashes::parse("sha256").unwrap_or(Hashes::BOTH);
    ScanOptions {
        hashes: sha256,
        jobs: 1,
        verify: false,
        qc: None,
        ..ScanOptions::default()
    }
    .measure(t)
    .sha256
}

/// `--cache FILE`: the cache of records for these options, or `None` (with
/// a warning: the run goes on and measures every file) when it cannot be
/// used.
pub fn cache(path: Option<&Path>, opts: &ScanOptions) -> Option<Cache> {
    match Cache::open(path?, opts) {
        Ok(cache) => Some(cache),
        Err(e) => {
            messages::warn(&e.to_string());
            None
        }
    }
}

/// `targets` in order, each object in storage fetched ahead of its
/// measurement unless the cache will give its record.
pub fn ahead<'a, I>(
    targets: I,
    cache: Option<&'a Cache>,
    opts: &ScanOptions,
) -> ddexprobe::scan::Ahead<I::IntoIter, impl FnMut(&Target) -> bool + 'a>
where
    I: IntoIterator,
    I::Item: std::borrow::Borrow<Target>,
{
    ddexprobe::scan::ahead(targets, opts.reads_whole(), move |t| {
        cache.is_some_and(|c| c.holds(t))
    })
}

/// How each target is measured: through the cache when there is one.
pub fn measure<'a>(
    cache: Option<&'a Cache>,
    opts: &'a ScanOptions,
) -> impl Fn(&Target) -> ddexprobe::Record + Sync + 'a {
    move |t| match cache {
        Some(c) => c.measure(t, |t| opts.measure(t)),
        None => opts.measure(t),
    }
}

/// Store what the cache still holds, and say (unless `quiet`) how many
/// records it gave and how many were measured.
pub fn finish_cache(cache: Option<Cache>, path: Option<&Path>, quiet: bool) {
    let (Some(cache), Some(path)) = (cache, path) else {
        return;
    };
    let (stats, failed) = cache.finish();
    if let Some(e) = failed {
        messages::warn(&e.to_string());
    }
    if !quiet {
        eprintln!(
            "ddexprobe: cache {}: {} records reused, {} measured ({} stored)",
            ddexprobe::output::sanitize(&path.display().to_string()),
            stats.reused,
            stats.measured,
            stats.stored
        );
    }
}
