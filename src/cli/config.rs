//! Flags turned into validated settings: worker counts, digests, output
//! formats, and the inputs an output must never replace.

use super::args::Common;
use anyhow::{Result, bail};
use ddexprobe::checksum::Hashes;
use ddexprobe::formats::Budget;
use ddexprobe::io::atomic::Inputs;
use ddexprobe::metadata::Declarations;
use ddexprobe::scan::{ScanOptions, Target};
use std::io::{self, IsTerminal};
use std::path::Path;

/// `--jobs`: at least 1, all cores by default.
pub fn jobs(n: Option<usize>) -> Result<usize> {
    match n {
        Some(0) => bail!("--jobs must be at least 1"),
        Some(n) => Ok(n),
        None => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
    }
}

/// The scan options of `--hash`, `--jobs` and `--verify`.
pub fn scan_options(c: &Common) -> Result<ScanOptions> {
    Ok(ScanOptions {
        hashes: Hashes::parse(&c.hash).map_err(anyhow::Error::msg)?,
        jobs: jobs(c.jobs)?,
        verify: c.verify,
        budget: budget(&c.verify_budget)?,
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

/// Whether to draw a progress bar: stderr is a terminal and not `-q`.
pub fn progress_wanted(quiet: bool) -> bool {
    !quiet && io::stderr().is_terminal()
}

/// What `-o` must never replace: every file the command reads. The audio
/// files always; for commands that read declared metadata, the manifest or
/// every sidecar a file may have, and a profile file. Files are known by
/// identity (device and inode after resolving links), so a link or a hard
/// link to an input is refused like the input itself. Only built when `-o`
/// is given: it costs a `stat` per file.
pub fn inputs(targets: &[Target], metadata: Option<&Declarations>, extra: &[&Path]) -> Inputs {
    let mut inputs = Inputs::new();
    for t in targets {
        inputs.add(&t.path, &t.display);
        if let Some(Declarations::Sidecars) = metadata {
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
