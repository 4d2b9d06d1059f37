//! The command line: every command, flag and value the binary accepts, as
//! clap parses them. Turning them into a validated configuration is each
//! command's first step ([`super::config`]).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

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
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
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
pub enum ErnVersionArg {
    #[value(name = "3.4")]
    V34,
    #[value(name = "3.4.1")]
    V341,
    #[value(name = "4.3")]
    V43,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ErnFragmentArg {
    Technical,
    SoundRecording,
    ResourceList,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ErnHashArg {
    Md5,
    Sha256,
}

#[derive(Args)]
pub struct ErnArgs {
    /// Files or directories (walked recursively, in sorted order).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// ERN version.
    #[arg(long = "ern", value_enum, value_name = "VERSION")]
    pub version: ErnVersionArg,
    /// What to write.
    #[arg(long, value_enum, default_value = "technical")]
    pub fragment: ErnFragmentArg,
    /// The file digest in HashSum.
    #[arg(long, value_enum, default_value = "md5")]
    pub hash: ErnHashArg,
    /// A catalog manifest (JSON or CSV) instead of sidecars.
    #[arg(long, value_name = "FILE")]
    pub metadata: Option<PathBuf>,
    /// The profile whose rules the metadata must pass before anything is
    /// written (as `check`): default, youtube, spotify, distributor or a file.
    #[arg(long, default_value = "default", value_name = "NAME|FILE")]
    pub profile: String,
    /// Write even when the metadata has invalid values: they are left out
    /// of the XML (each one named on stderr), never written.
    #[arg(long)]
    pub force: bool,
    /// Write to FILE instead of stdout (written whole, then renamed into place).
    #[arg(short, long, value_name = "FILE", conflicts_with = "out_dir")]
    pub output: Option<PathBuf>,
    /// One document per asset in DIR (`A1-track01.wav.xml`...), for the
    /// technical and sound-recording fragments of several files.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum CheckFormatArg {
    Table,
    Json,
    Ndjson,
    Junit,
    Github,
}

#[derive(Args)]
pub struct CheckArgs {
    /// Files or directories (walked recursively).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Delivery profile: default, youtube, spotify, distributor, or a profile file (JSON or TOML).
    #[arg(long, default_value = "default", value_name = "NAME|FILE")]
    pub profile: String,
    /// A catalog manifest (JSON keyed by relative path, or CSV with a path
    /// column and dotted field columns) instead of sidecars.
    #[arg(long, value_name = "FILE")]
    pub metadata: Option<PathBuf>,
    /// Output format [default: table on a terminal, ndjson otherwise].
    #[arg(long, value_enum)]
    pub format: Option<CheckFormatArg>,
    /// Pass assets that score at least N even when not ready.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=100))]
    pub min_score: Option<u32>,
    /// Decode every frame: an asset whose audio is damaged is not ready.
    #[arg(long)]
    pub verify: bool,
    /// With --verify: decoded bytes allowed per byte of coded audio before
    /// a file is reported not_verified (a number, or "unlimited").
    #[arg(long, default_value = "2048", value_name = "RATIO")]
    pub verify_budget: String,
    /// Write the reports to FILE instead of stdout (written whole, then renamed into place).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Consider every file in the directories, not only audio extensions.
    #[arg(long)]
    pub all: bool,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// No progress bar and no summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ScanFormat {
    Ndjson,
    Json,
    Csv,
    Table,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum InspectFormat {
    Text,
    Json,
}

#[derive(Args)]
pub struct Common {
    /// Digests of the whole file: md5,sha256 | md5 | sha256 | none.
    #[arg(long, default_value = "md5,sha256", value_name = "LIST")]
    pub hash: String,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Decode and check every frame of every file (slower: reads all the audio).
    #[arg(long)]
    pub verify: bool,
    /// With --verify: decoded bytes allowed per byte of coded audio before
    /// a file is reported not_verified (a number, or "unlimited").
    #[arg(long, default_value = "2048", value_name = "RATIO")]
    pub verify_budget: String,
    /// No progress bar and no summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Args)]
pub struct ScanArgs {
    /// Files or directories (walked recursively).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format [default: table on a terminal, ndjson otherwise].
    #[arg(long, value_enum)]
    pub format: Option<ScanFormat>,
    /// Write records to FILE instead of stdout (written whole, then renamed into place).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Consider every file in the directories, not only audio extensions.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args)]
pub struct InspectArgs {
    /// Files to inspect.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: InspectFormat,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args)]
pub struct SidecarArgs {
    /// Files or directories (walked recursively).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Write the sidecars under DIR, at the files' relative paths, instead of
    /// beside the audio.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    #[command(flatten)]
    pub common: Common,
}
