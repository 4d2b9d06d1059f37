//! Flags turned into validated settings: worker counts, digests, output
//! formats, and the refusal to write an output over an input.

use super::args::Common;
use anyhow::{Result, bail};
use ddexprobe::checksum::Hashes;
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
    })
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

/// `-o` must never clobber one of the files being measured. Only an
/// existing regular file can be one (a new path is none, and devices or
/// pipes are written through, never replaced), and it is recognised by its
/// device and inode, which costs one `stat` per input and no path resolving.
pub fn refuse_input_as_output(out: &Path, targets: &[Target]) -> Result<()> {
    let Ok(out_meta) = std::fs::metadata(out) else {
        return Ok(());
    };
    if !out_meta.is_file() {
        return Ok(());
    }
    #[cfg(unix)]
    let same = {
        use std::os::unix::fs::MetadataExt;
        let id = (out_meta.dev(), out_meta.ino());
        move |p: &Path| std::fs::metadata(p).is_ok_and(|m| (m.dev(), m.ino()) == id)
    };
    #[cfg(not(unix))]
    let same = {
        let out = out.canonicalize()?;
        move |p: &Path| p.canonicalize().is_ok_and(|c| c == out)
    };
    if let Some(t) = targets.iter().find(|t| same(&t.path)) {
        bail!(
            "-o {} is one of the input files ({}); refusing to overwrite it",
            out.display(),
            t.display
        );
    }
    Ok(())
}
