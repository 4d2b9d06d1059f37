//! The `ddexprobe` command: parse arguments, build a validated configuration,
//! call the library, map the outcome to an exit code.

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use ddexprobe::checksum::HashSet;
use ddexprobe::output::{self, Format};
use ddexprobe::scan::discover::{self, Target};
use ddexprobe::scan::{self, Progress, ScanOptions, Summary};
use ddexprobe::sidecar;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Exit codes (documented in the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exit {
    /// Every file was probed without error.
    Clean = 0,
    /// At least one file has an error.
    FileErrors = 1,
    /// Usage error, or a path that does not exist.
    Usage = 2,
}

#[derive(Parser)]
#[command(
    name = "ddexprobe",
    version,
    about = "Exact technical metadata for music delivery",
    long_about = "Measures audio files exactly (container, codec, sample rate, bit depth, channels, \
                  sample count, ISO 8601 duration, checksums) from their content, for whole catalogs \
                  in parallel.\n\nExit codes: 0 every file probed without error; 1 at least one file \
                  has an error; 2 usage error or a path that does not exist."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Measure every audio file under the given paths and write one record per file.
    Scan(ScanArgs),
    /// Show a readable report for each given file.
    Inspect(InspectArgs),
    /// Say whether each recording can be delivered: a readiness report per
    /// audio file from its measurement and its sidecar metadata.
    Check(CheckArgs),
    /// Write a technical sidecar (`<file>.technical.json`) for each audio file.
    Sidecar(SidecarArgs),
    /// Write DDEX ERN XML (technical details, sound recordings or a resource
    /// list) from the measured files and their sidecars.
    Ern(ErnArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum ErnVersionArg {
    #[value(name = "3.4")]
    V34,
    #[value(name = "3.4.1")]
    V341,
    #[value(name = "4.3")]
    V43,
}

#[derive(Clone, Copy, ValueEnum)]
enum ErnFragmentArg {
    Technical,
    SoundRecording,
    ResourceList,
}

#[derive(Clone, Copy, ValueEnum)]
enum ErnHashArg {
    Md5,
    Sha256,
}

#[derive(Args)]
struct ErnArgs {
    /// Files or directories (walked recursively, in sorted order).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// ERN version.
    #[arg(long = "ern", value_enum, value_name = "VERSION")]
    version: ErnVersionArg,
    /// What to write.
    #[arg(long, value_enum, default_value = "technical")]
    fragment: ErnFragmentArg,
    /// The file digest in HashSum.
    #[arg(long, value_enum, default_value = "md5")]
    hash: ErnHashArg,
    /// A catalog manifest (JSON or CSV) instead of sidecars.
    #[arg(long, value_name = "FILE")]
    metadata: Option<PathBuf>,
    /// Write to FILE instead of stdout (written whole, then renamed into place).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<usize>,
}

#[derive(Clone, Copy, ValueEnum)]
enum CheckFormatArg {
    Table,
    Json,
    Ndjson,
    Junit,
    Github,
}

#[derive(Args)]
struct CheckArgs {
    /// Files or directories (walked recursively).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Delivery profile: default, youtube, or a profile file (JSON or TOML).
    #[arg(long, default_value = "default", value_name = "NAME|FILE")]
    profile: String,
    /// A catalog manifest (JSON keyed by relative path, or CSV with a path
    /// column and dotted field columns) instead of sidecars.
    #[arg(long, value_name = "FILE")]
    metadata: Option<PathBuf>,
    /// Output format [default: table on a terminal, ndjson otherwise].
    #[arg(long, value_enum)]
    format: Option<CheckFormatArg>,
    /// Pass assets that score at least N even when not ready.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=100))]
    min_score: Option<u32>,
    /// Decode every frame: an asset whose audio is damaged is not ready.
    #[arg(long)]
    verify: bool,
    /// Write the reports to FILE instead of stdout (written whole, then renamed into place).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Consider every file in the directories, not only audio extensions.
    #[arg(long)]
    all: bool,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<usize>,
    /// No progress bar and no summary on stderr.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum ScanFormat {
    Ndjson,
    Json,
    Csv,
    Table,
}

#[derive(Clone, Copy, ValueEnum)]
enum InspectFormat {
    Text,
    Json,
}

#[derive(Args)]
struct Common {
    /// Digests of the whole file: md5,sha256 | md5 | sha256 | none.
    #[arg(long, default_value = "md5,sha256", value_name = "LIST")]
    hash: String,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<usize>,
    /// Decode and check every frame of every file (slower: reads all the audio).
    #[arg(long)]
    verify: bool,
    /// No progress bar and no summary on stderr.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Args)]
struct ScanArgs {
    /// Files or directories (walked recursively).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format [default: table on a terminal, ndjson otherwise].
    #[arg(long, value_enum)]
    format: Option<ScanFormat>,
    /// Write records to FILE instead of stdout (written whole, then renamed into place).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Consider every file in the directories, not only audio extensions.
    #[arg(long)]
    all: bool,
    #[command(flatten)]
    common: Common,
}

#[derive(Args)]
struct InspectArgs {
    /// Files to inspect.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: InspectFormat,
    #[command(flatten)]
    common: Common,
}

#[derive(Args)]
struct SidecarArgs {
    /// Files or directories (walked recursively).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Write the sidecars under DIR, at the files' relative paths, instead of
    /// beside the audio.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    #[command(flatten)]
    common: Common,
}

/// The validated configuration of one run.
struct Config {
    targets: Vec<Target>,
    format: Format,
    output: Option<PathBuf>,
    opts: ScanOptions,
    progress: bool,
    summary: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(e) => {
            eprintln!("ddexprobe: error: {e:#}");
            ExitCode::from(Exit::Usage as u8)
        }
    }
}

/// `--jobs`: at least 1, all cores by default.
fn jobs(n: Option<usize>) -> Result<usize> {
    match n {
        Some(0) => bail!("--jobs must be at least 1"),
        Some(n) => Ok(n),
        None => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
    }
}

fn common_opts(c: &Common) -> Result<(ScanOptions, bool)> {
    let hashes = HashSet::parse(&c.hash).map_err(anyhow::Error::msg)?;
    let jobs = jobs(c.jobs)?;
    Ok((
        ScanOptions {
            hashes,
            jobs,
            verify: c.verify,
        },
        c.quiet,
    ))
}

fn build_config(command: Command) -> Result<(Config, Vec<String>)> {
    match command {
        Command::Check(_) => bail!("check is run by run_check"),
        Command::Ern(_) => bail!("ern is run by run_ern"),
        Command::Scan(a) => {
            let (opts, quiet) = common_opts(&a.common)?;
            let found = discover::discover(&a.paths, a.all)?;
            let format = match a.format {
                Some(ScanFormat::Ndjson) => Format::Ndjson,
                Some(ScanFormat::Json) => Format::Json,
                Some(ScanFormat::Csv) => Format::Csv,
                Some(ScanFormat::Table) => Format::Table,
                None if a.output.is_none() && io::stdout().is_terminal() => Format::Table,
                None => Format::Ndjson,
            };
            if let Some(out) = &a.output {
                refuse_input_as_output(out, &found.targets)?;
            }
            let interactive = io::stderr().is_terminal();
            Ok((
                Config {
                    targets: found.targets,
                    format,
                    output: a.output,
                    opts,
                    progress: interactive && !quiet,
                    summary: !quiet,
                },
                found.skipped,
            ))
        }
        Command::Sidecar(_) => bail!("the sidecar command has no scan configuration"),
        Command::Inspect(a) => {
            let (opts, _quiet) = common_opts(&a.common)?;
            let mut targets = Vec::new();
            for f in &a.files {
                let meta = std::fs::metadata(f)
                    .with_context(|| format!("{}: no such file", f.display()))?;
                if meta.is_dir() {
                    bail!(
                        "{}: is a directory (use `ddexprobe scan` for directories)",
                        f.display()
                    );
                }
                targets.push(Target {
                    path: f.clone(),
                    display: f.to_string_lossy().into_owned(),
                    size: meta.len(),
                });
            }
            let format = match a.format {
                InspectFormat::Text => Format::Text,
                InspectFormat::Json => Format::Json,
            };
            Ok((
                Config {
                    targets,
                    format,
                    output: None,
                    opts,
                    progress: false,
                    summary: false,
                },
                Vec::new(),
            ))
        }
    }
}

/// `-o` must never clobber one of the files being measured. Only an
/// existing regular file can be one (a new path is none, and devices or
/// pipes are written through, never replaced), and it is recognised by its
/// device and inode, which costs one `stat` per input and no path resolving.
fn refuse_input_as_output(out: &Path, targets: &[Target]) -> Result<()> {
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

fn run(cli: Cli) -> Result<Exit> {
    let command = match cli.command {
        Command::Check(a) => return run_check(a),
        Command::Sidecar(a) => return run_sidecar(a),
        Command::Ern(a) => return run_ern(a),
        other => other,
    };
    let (config, skipped) = build_config(command)?;
    for s in &skipped {
        eprintln!("ddexprobe: warning: {s}");
    }
    let started = Instant::now();

    let (sink, temp) = open_output(config.output.as_deref())?;
    let mut writer = output::writer(config.format, sink);

    let total_bytes: u64 = config.targets.iter().map(|t| t.size).sum();
    let bar = config.progress.then(|| progress_bar(total_bytes));
    let mut sink_error = writer.begin().err();
    let outcome = if sink_error.is_none() {
        scan::scan(
            &config.targets,
            config.opts,
            |r| writer.record(r),
            |p: Progress| {
                if let Some(bar) = &bar {
                    // Time goes into bytes, not files: the bar and its ETA
                    // follow bytes, the message counts files.
                    bar.set_position(p.bytes.min(total_bytes));
                    bar.set_message(format!("{}/{} files", p.done, p.total));
                }
            },
        )
    } else {
        scan::ScanOutcome {
            summary: Summary::default(),
            sink_error: None,
        }
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    sink_error = sink_error.or(outcome.sink_error);
    if sink_error.is_none() {
        sink_error = writer.finish(&outcome.summary).err();
    }
    drop(writer);

    let summary = outcome.summary;
    close_output(sink_error, temp)?;
    if config.summary {
        eprintln!("{}", summary_line(&summary, started.elapsed()));
    }
    Ok(if summary.files_with_errors > 0 {
        Exit::FileErrors
    } else {
        Exit::Clean
    })
}

fn run_ern(a: ErnArgs) -> Result<Exit> {
    use ddexprobe::ern::{self, Asset, Fragment, Hash, Version};
    use ddexprobe::readiness::assess::merged;
    use ddexprobe::sidecar::read::{self, Manifest};
    use std::collections::HashMap;

    let manifest = a
        .metadata
        .as_deref()
        .map(Manifest::load)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let jobs = jobs(a.jobs)?;
    let found = discover::discover(&a.paths, false)?;
    if found.targets.is_empty() {
        bail!("no audio file under the given paths");
    }
    if let Some(out) = &a.output {
        refuse_input_as_output(out, &found.targets)?;
    }
    let (hash, hashes) = match a.hash {
        ErnHashArg::Md5 => (
            Hash::Md5,
            HashSet::parse("md5").map_err(anyhow::Error::msg)?,
        ),
        ErnHashArg::Sha256 => (
            Hash::Sha256,
            HashSet::parse("sha256").map_err(anyhow::Error::msg)?,
        ),
    };
    let files: HashMap<&str, &Path> = found
        .targets
        .iter()
        .map(|t| (t.display.as_str(), t.path.as_path()))
        .collect();
    let mut assets = Vec::new();
    let mut problems = Vec::new();
    scan::scan(
        &found.targets,
        ScanOptions {
            hashes,
            jobs,
            verify: false,
        },
        |record| {
            if let Some(e) = record.errors.first() {
                problems.push(format!("{}: {}: {}", record.path, e.code, e.message));
                return Ok(());
            }
            let declared = match &manifest {
                Some(m) => m.get(&record.path).cloned(),
                None => files
                    .get(record.path.as_str())
                    .and_then(|p| read::load_sidecar(p)),
            };
            if let Some(e) = declared.as_ref().and_then(|d| d.error.clone()) {
                problems.push(e);
                return Ok(());
            }
            assets.push(Asset {
                fields: merged(record, declared.as_ref()),
                file_path: record.path.replace('\\', "/"),
                record: record.clone(),
                resource_reference: String::new(),
                technical_reference: String::new(),
            });
            Ok(())
        },
        |_| {},
    );
    let assets = ern::number(assets);
    let version = match a.version {
        ErnVersionArg::V34 => Version::Ern34,
        ErnVersionArg::V341 => Version::Ern341,
        ErnVersionArg::V43 => Version::Ern43,
    };
    let fragment = match a.fragment {
        ErnFragmentArg::Technical => Fragment::Technical,
        ErnFragmentArg::SoundRecording => Fragment::SoundRecording,
        ErnFragmentArg::ResourceList => Fragment::ResourceList,
    };
    let docs = if problems.is_empty() {
        match ern::write(version, fragment, &assets, hash) {
            Ok(docs) => docs,
            Err(e) => {
                problems.push(e.to_string());
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };
    if !problems.is_empty() {
        // Nothing is written: a message missing a recording is worse than none.
        for p in &problems {
            eprintln!("ddexprobe: error: {}", output::sanitize(p));
        }
        eprintln!(
            "ddexprobe: no ERN written: {} of {} files cannot be described (fix them or leave them out)",
            problems.len(),
            found.targets.len()
        );
        return Ok(Exit::FileErrors);
    }
    let (mut sink, temp) = open_output(a.output.as_deref())?;
    let mut sink_error = None;
    for d in &docs {
        if let Err(e) = sink.write_all(d) {
            sink_error = Some(e);
            break;
        }
    }
    if sink_error.is_none() {
        sink_error = sink.flush().err();
    }
    drop(sink);
    close_output(sink_error, temp)?;
    Ok(Exit::Clean)
}

fn run_check(a: CheckArgs) -> Result<Exit> {
    use ddexprobe::output::reports::{CatalogSummary, CheckFormat, report_writer};
    use ddexprobe::readiness::{assess::assess, profile::Profile};
    use ddexprobe::sidecar::read::{self, Manifest};
    use std::collections::HashMap;

    let profile = Profile::load(&a.profile).map_err(anyhow::Error::msg)?;
    let manifest = a
        .metadata
        .as_deref()
        .map(Manifest::load)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let jobs = jobs(a.jobs)?;
    let found = discover::discover(&a.paths, a.all)?;
    if !a.quiet {
        for s in &found.skipped {
            eprintln!("ddexprobe: warning: {s}");
        }
    }
    if found.targets.is_empty() {
        bail!("no audio file to check under the given paths");
    }
    if let Some(out) = &a.output {
        refuse_input_as_output(out, &found.targets)?;
    }
    let format = match a.format {
        Some(CheckFormatArg::Table) => CheckFormat::Table,
        Some(CheckFormatArg::Json) => CheckFormat::Json,
        Some(CheckFormatArg::Ndjson) => CheckFormat::Ndjson,
        Some(CheckFormatArg::Junit) => CheckFormat::Junit,
        Some(CheckFormatArg::Github) => CheckFormat::Github,
        None if a.output.is_none() && io::stdout().is_terminal() => CheckFormat::Table,
        None => CheckFormat::Ndjson,
    };
    let files: HashMap<&str, &Path> = found
        .targets
        .iter()
        .map(|t| (t.display.as_str(), t.path.as_path()))
        .collect();

    let (sink, temp) = open_output(a.output.as_deref())?;
    let mut writer = report_writer(format, sink);
    let mut summary = CatalogSummary::default();
    let mut failing = 0u64;
    let mut seen_manifest = std::collections::HashSet::new();
    let opts = ScanOptions {
        hashes: HashSet::NONE,
        jobs,
        verify: a.verify,
    };
    let total_bytes: u64 = found.targets.iter().map(|t| t.size).sum();
    let bar = (!a.quiet && io::stderr().is_terminal()).then(|| progress_bar(total_bytes));
    let mut sink_error = writer.begin().err();
    if sink_error.is_none() {
        let outcome = scan::scan(
            &found.targets,
            opts,
            |record| {
                let declared = match &manifest {
                    Some(m) => {
                        seen_manifest.insert(read::normalize(&record.path));
                        m.get(&record.path).cloned()
                    }
                    None => files
                        .get(record.path.as_str())
                        .and_then(|p| read::load_sidecar(p)),
                };
                let report = assess(record, declared.as_ref(), &profile);
                let passes =
                    report.is_ready || a.min_score.is_some_and(|min| report.readiness_score >= min);
                if !passes {
                    failing += 1;
                }
                summary.add(&report);
                writer.report(&report)
            },
            |p: Progress| {
                if let Some(bar) = &bar {
                    bar.set_position(p.bytes.min(total_bytes));
                    bar.set_message(format!("{}/{} files", p.done, p.total));
                }
            },
        );
        sink_error = outcome.sink_error;
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if sink_error.is_none() {
        sink_error = writer.finish(&summary).err();
    }
    drop(writer);
    close_output(sink_error, temp)?;

    if !a.quiet {
        // Metadata that describes no audio file.
        let orphans: Vec<String> = match &manifest {
            Some(m) => m
                .entries
                .keys()
                .filter(|k| !seen_manifest.contains(k.as_str()))
                .cloned()
                .collect(),
            None => {
                let audio: Vec<PathBuf> = found.targets.iter().map(|t| t.path.clone()).collect();
                read::orphans(&a.paths, &audio)
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect()
            }
        };
        for o in &orphans {
            eprintln!(
                "ddexprobe: warning: {}: metadata for no audio file",
                output::sanitize(o)
            );
        }
        eprintln!(
            "ddexprobe: {} assets checked with profile {}: {} ready, {} not ready{}",
            summary.assets,
            profile.name,
            summary.ready,
            summary.not_ready,
            match a.min_score {
                Some(min) => format!(", {failing} below --min-score {min}"),
                None => String::new(),
            }
        );
    }
    Ok(if failing > 0 {
        Exit::FileErrors
    } else {
        Exit::Clean
    })
}

/// Where records or reports go, and the temporary file to rename into place.
type Output = (Box<dyn Write + Send>, Option<(PathBuf, PathBuf)>);

/// Open the output before any work starts. A regular file (or a new path)
/// is written beside its destination and renamed into place when complete,
/// so a failed run never leaves half a report over a good one. Anything
/// else (/dev/null, a pipe, a terminal) is written directly: renaming over
/// it would replace the device with a file.
fn open_output(output: Option<&Path>) -> Result<Output> {
    Ok(match output {
        Some(path) if is_replaceable(path) => {
            let temp = temp_path(path);
            let file =
                File::create(&temp).with_context(|| format!("cannot create {}", temp.display()))?;
            (
                Box::new(BufWriter::new(file)),
                Some((temp, path.to_path_buf())),
            )
        }
        Some(path) => {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .with_context(|| format!("cannot open {}", path.display()))?;
            (Box::new(BufWriter::new(file)), None)
        }
        None => (Box::new(BufWriter::new(io::stdout())), None),
    })
}

/// Move a complete output into place, or remove it after a write error. A
/// closed pipe (`| head`) ends quietly.
fn close_output(sink_error: Option<io::Error>, temp: Option<(PathBuf, PathBuf)>) -> Result<()> {
    match sink_error {
        Some(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Some(e) => {
            if let Some((temp, _)) = &temp {
                let _ = std::fs::remove_file(temp);
            }
            bail!("cannot write the output: {e}");
        }
        None => {
            if let Some((temp, path)) = &temp {
                std::fs::rename(temp, path)
                    .with_context(|| format!("cannot move the output into {}", path.display()))?;
            }
            Ok(())
        }
    }
}

fn run_sidecar(a: SidecarArgs) -> Result<Exit> {
    let (opts, quiet) = common_opts(&a.common)?;
    if let Some(dir) = &a.out_dir
        && dir.exists()
        && !dir.is_dir()
    {
        bail!("--out-dir {}: not a directory", dir.display());
    }
    let found = discover::discover(&a.paths, false)?;
    for s in &found.skipped {
        eprintln!("ddexprobe: warning: {s}");
    }
    let report = sidecar::write::write_all(&found.targets, opts, a.out_dir.as_deref());
    if !quiet {
        eprintln!(
            "ddexprobe: {} sidecars written, {} unchanged, {} failed",
            report.written,
            report.unchanged,
            report.failed.len()
        );
        for f in &report.failed {
            eprintln!(
                "  {}: {}",
                output::sanitize(&f.path),
                output::sanitize(&f.reason)
            );
        }
    }
    Ok(if report.failed.is_empty() {
        Exit::Clean
    } else {
        Exit::FileErrors
    })
}

/// Whether `path` may be replaced by renaming a new file over it: it does not
/// exist yet, or it is a regular file. Symbolic links are followed, so a link
/// to a device is written through, not replaced.
fn is_replaceable(path: &Path) -> bool {
    match std::fs::metadata(path) {
        Ok(meta) => meta.is_file() && !path.is_symlink(),
        Err(_) => true,
    }
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_string());
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

fn progress_bar(total_bytes: u64) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{bar:30} {msg}  {bytes}/{total_bytes}  {bytes_per_sec}  ETA {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

fn human_bytes(b: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = b;
    let mut u = 0;
    while v >= 1000.0 && u < UNITS.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    format!("{v:.1} {}", UNITS[u])
}

fn summary_line(s: &Summary, elapsed: Duration) -> String {
    let formats: Vec<String> = s.formats.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let secs = elapsed.as_secs_f64().max(1e-9);
    let mut line = format!(
        "ddexprobe: {} files ({}); {} with errors, {} with warnings; audio {}; {} in {:.2} s ({}/s, {:.0} files/s)",
        s.files,
        if formats.is_empty() {
            "none".to_string()
        } else {
            formats.join(", ")
        },
        s.files_with_errors,
        s.files_with_warnings,
        s.total_duration,
        human_bytes(s.bytes as f64),
        secs,
        human_bytes(s.bytes as f64 / secs),
        s.files as f64 / secs
    );
    if !s.verification.is_empty() {
        let counts: Vec<String> = s
            .verification
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect();
        line.push_str(&format!("\nddexprobe: verified: {}", counts.join(", ")));
    }
    if !s.duplicates.is_empty() {
        const SHOWN: usize = 5;
        line.push_str(&format!(
            "\nddexprobe: {} duplicate group(s) (distributors reject duplicate masters):",
            s.duplicates.len()
        ));
        for g in s.duplicates.iter().take(SHOWN) {
            let what = match g.by {
                scan::Key::Sha256 => "identical files",
                scan::Key::PcmMd5 => "same audio",
            };
            line.push_str(&format!(
                "\n  {what}: {}",
                g.paths
                    .iter()
                    .map(|p| ddexprobe::output::sanitize(p))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if s.duplicates.len() > SHOWN {
            line.push_str(&format!(
                "\n  ... {} more in --format json",
                s.duplicates.len() - SHOWN
            ));
        }
    }
    if !s.error_codes.is_empty() {
        let codes: Vec<String> = s
            .error_codes
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        line.push_str(&format!("\nddexprobe: errors: {}", codes.join(", ")));
    }
    line
}
