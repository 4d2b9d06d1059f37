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
use ddexprobe::scan::cache::Cache;
use ddexprobe::scan::discover::{Discovery, Walk, discover_with, read_path_list};
use ddexprobe::scan::{ScanOptions, Target};
use std::io::{self, IsTerminal};
use std::path::Path;

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
/// from standard input, one per line), walked with `--all`, `--include`
/// and `--exclude`. Every input problem is printed here, once.
pub fn discover(i: &InputArgs) -> Result<Discovery> {
    let walk = Walk::new(i.all)
        .with_globs(&i.include, &i.exclude)
        .map_err(anyhow::Error::msg)?;
    let mut roots = Vec::new();
    let mut stdin_read = false;
    for p in &i.paths {
        if p.as_os_str() == "-" {
            if !stdin_read {
                stdin_read = true;
                let listed = read_path_list(io::stdin().lock())
                    .context("cannot read paths from standard input")?;
                roots.extend(listed);
            }
        } else {
            roots.push(p.clone());
        }
    }
    let found = discover_with(&roots, &walk);
    for p in &found.problems {
        messages::problem(p);
    }
    Ok(found)
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

/// Give the records of files that could be byte-identical (those of equal
/// size, [`catalog::same_size`]) a SHA-256 when they have no digest, so the
/// catalog checks can compare them; the other files are not read again.
pub fn fill_digests(targets: &[Target], records: &mut [ddexprobe::Record]) {
    let refs: Vec<&ddexprobe::Record> = records.iter().collect();
    let wanted = ddexprobe::readiness::catalog::same_size(&refs);
    for i in wanted {
        let r = &mut records[i];
        if r.sha256.is_some() || r.md5.is_some() {
            continue;
        }
        // Records come in target order.
        if let Some(t) = targets.get(i).filter(|t| t.display == r.path) {
            let sha256 = Hashes::parse("sha256").unwrap_or(Hashes::BOTH);
            let hashed = ddexprobe::probe_file(&t.path, t.display.clone(), sha256);
            r.sha256 = hashed.sha256;
        }
    }
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
