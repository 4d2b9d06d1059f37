//! The command line: every command, flag and value the binary accepts, as
//! clap parses them. Turning them into a validated configuration is each
//! command's first step ([`super::config`]).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// `ddexprobe --version`: the version, then the build (commit, target,
/// features).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("DDEXPROBE_BUILD"),
    ")"
);

#[derive(Parser)]
#[command(
    name = "ddexprobe",
    version = VERSION,
    about = "Exact technical metadata for music delivery",
    long_about = "Measures audio files exactly (container, codec, sample rate, bit depth, channels, \
                  sample count, ISO 8601 duration, checksums) from their content, for whole catalogs \
                  in parallel.\n\nExit codes: 0 everything was done and nothing failed; 1 done, with \
                  problems (a file with an error, an asset not ready, an input that could not be \
                  used, or a warning with --fail-on warning); 2 nothing could be done (a usage \
                  error, or no file to work on); 130 interrupted (Ctrl-C: unfinished outputs are \
                  removed)."
)]
pub struct Cli {
    /// Colour in messages on standard error and in help: auto (a terminal,
    /// NO_COLOR unset or empty, TERM not dumb), always or never.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "auto",
        value_name = "WHEN"
    )]
    pub color: ColorArg,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

/// What makes a run fail (exit 1).
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    /// Errors only (and assets not ready).
    Error,
    /// Warnings as well.
    Warning,
}

/// The inputs of every command that walks directories.
#[derive(Args)]
pub struct Inputs {
    /// Files or directories (walked recursively, in sorted order); `-`
    /// reads more paths from standard input, one per line. Builds with the
    /// `remote` feature also read s3://, gs://, az:// and https://
    /// locations (a prefix is walked like a directory).
    #[arg(required_unless_present = "files_from", value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Read the paths to work on from FILE (`-`: standard input), one per
    /// line, after any PATH given: a manifest from S3 Inventory, `find` or
    /// a database drives the run. Directories listed are walked.
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<PathBuf>,
    /// Paths in --files-from and on standard input are ended by NUL, not
    /// by a newline (`find -print0`): names may hold any other byte.
    #[arg(short = '0', long = "null")]
    pub null: bool,
    /// Do only part K of N of the work (1-based): a stable partition by a
    /// hash of each file's name, so N workers given the same inputs do
    /// disjoint work that covers everything. Writes a part for
    /// `ddexprobe merge` (NDJSON with each file's position, and a last
    /// line proving the part complete).
    #[arg(long, value_name = "K/N", conflicts_with = "shard_from_env")]
    pub shard: Option<String>,
    /// --shard from the environment: the part from DDEXPROBE_SHARD_INDEX,
    /// JOB_COMPLETION_INDEX (Kubernetes Indexed Job),
    /// AWS_BATCH_JOB_ARRAY_INDEX, CLOUD_RUN_TASK_INDEX or
    /// SLURM_ARRAY_TASK_ID, the number of parts from DDEXPROBE_SHARD_COUNT,
    /// CLOUD_RUN_TASK_COUNT or SLURM_ARRAY_TASK_COUNT.
    #[arg(long)]
    pub shard_from_env: bool,
    /// Consider every file in the directories, not only audio extensions:
    /// the content decides; images are named and measured as artwork,
    /// documents named as such, neither is an error.
    #[arg(long)]
    pub all: bool,
    /// Take only walked files that match GLOB (repeatable). A glob without
    /// `/` matches a file name at any depth; with `/`, the path relative to
    /// the walked directory. Files named explicitly are always taken.
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Leave out walked files and directories that match GLOB (repeatable),
    /// matched as for --include.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// The endpoint of an S3-compatible store (MinIO, Ceph, R2, a local
    /// emulator) for s3:// locations, or of an Azure emulator for az://
    /// (default: AWS_ENDPOINT_URL for s3://); http:// endpoints are allowed.
    #[cfg(feature = "remote")]
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Requests in flight at most when fetching from object storage:
    /// objects are fetched ahead of the --jobs workers, which hides the
    /// store's latency.
    #[cfg(feature = "remote")]
    #[arg(long, value_name = "N", default_value_t = ddexprobe::remote::DEFAULT_IO_CONCURRENCY,
          value_parser = clap::value_parser!(usize))]
    pub io_concurrency: usize,
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
    /// list) from the measured files and their sidecars, or a release
    /// folder's whole NewReleaseMessage (`--message`).
    Ern(ErnArgs),
    /// Write a release folder's delivery batch: its message, its audio and
    /// cover under the names the message uses, and the BatchComplete marker
    /// last.
    Package(PackageArgs),
    /// Check that an ERN message tells the truth about the files delivered
    /// with it: every file present, whole, and what the message says it is
    /// (digest, size, duration, rate, depth, channels, codec, image size),
    /// no file in the batch left unnamed, and the message's own rules.
    Audit(AuditArgs),
    /// Join the parts of a sharded `scan` or `check` (`--shard K/N`) into
    /// what one run over every file writes: lines in the single run's
    /// order, the catalog checks (duplicate ISRCs and masters across
    /// parts) and the summary made over the whole.
    Merge(MergeArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Print the manual page (roff): `ddexprobe man > ddexprobe.1`.
    Man,
}

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
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

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ControlArg {
    /// `TestMessage`: the recipient validates it and processes nothing.
    Test,
    /// `LiveMessage`: the recipient processes it.
    Live,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UpdateArg {
    /// Everything again, files included.
    Full,
    /// Metadata only: no file delivered or referenced (the cover's Image
    /// stays, without its technical details).
    MetadataOnly,
    /// The deals of a release whose files came before (second phase).
    DealsOnly,
    /// Take the release down (release.json's deals say `"takedown": true`).
    Takedown,
}

/// How a release's message is written (`ern --message`, `package`).
#[derive(Args)]
pub struct MessageArgs {
    /// MessageControlType: a test message is only validated by the
    /// recipient.
    #[arg(long, value_enum, default_value = "test")]
    pub control: ControlArg,
    /// An update of a release delivered before (without it: a new release).
    #[arg(long, value_enum)]
    pub update: Option<UpdateArg>,
    /// MessageCreatedDateTime, YYYY-MM-DDThh:mm:ssZ (default: now, UTC).
    #[arg(long, value_name = "TIME")]
    pub created: Option<String>,
    /// MessageId (default: derived from the sender, the release, the
    /// update and the time).
    #[arg(long, value_name = "ID")]
    pub message_id: Option<String>,
}

#[derive(Args)]
pub struct PackageArgs {
    /// The release folder: audio with sidecars, the cover, release.json.
    #[arg(value_name = "RELEASE_DIR")]
    pub release: PathBuf,
    /// The batch folder to create (it must not exist, or be empty).
    #[arg(short, long, value_name = "BATCH_DIR")]
    pub output: PathBuf,
    /// ERN version of the message.
    #[arg(
        long = "ern",
        value_enum,
        value_name = "VERSION",
        default_value = "3.4"
    )]
    pub version: ErnVersionArg,
    #[command(flatten)]
    pub message: MessageArgs,
    /// The file digest in HashSum.
    #[arg(long, value_enum, default_value = "md5")]
    pub hash: ErnHashArg,
    /// A JSON manifest: metadata by file path, and the release keys of
    /// release.json.
    #[arg(long, value_name = "FILE")]
    pub metadata: Option<PathBuf>,
    /// The profile the release must pass: default, youtube, spotify... or a file.
    #[arg(long, default_value = "default", value_name = "NAME|FILE")]
    pub profile: String,
    /// Write even when the release is not ready (said loudly).
    #[arg(long)]
    pub force: bool,
    /// Decode every frame first: damaged audio is never packaged.
    #[arg(long)]
    pub verify: bool,
    /// Worker threads (default: all cores; at most 8 per core).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// No progress bar; only errors on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ErnHashArg {
    Md5,
    Sha256,
}

#[derive(Args)]
pub struct ErnArgs {
    #[command(flatten)]
    pub inputs: Inputs,
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
    /// of the XML (each one named on stderr), never written. With
    /// --message: write the message of a release that is not ready.
    #[arg(long)]
    pub force: bool,
    /// The whole NewReleaseMessage of a release folder (one path: the
    /// folder, with release.json): header, resources with the cover last,
    /// the album and its track releases, the deals.
    #[arg(long, conflicts_with_all = ["fragment", "out_dir"])]
    pub message: bool,
    #[command(flatten)]
    pub message_args: MessageArgs,
    /// Write to FILE instead of stdout (written whole, then renamed into place).
    #[arg(short, long, value_name = "FILE", conflicts_with = "out_dir")]
    pub output: Option<PathBuf>,
    /// One document per asset in DIR (`A1-track01.wav.xml`...), for the
    /// technical and sound-recording fragments of several files.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Decode every frame first: nothing is written when a file's audio is
    /// damaged.
    #[arg(long)]
    pub verify: bool,
    /// With --verify: decoded bytes allowed per byte of coded audio before
    /// a file is reported not_verified (a number, or "unlimited").
    #[arg(long, default_value = "2048", value_name = "RATIO")]
    pub verify_budget: String,
    /// Worker threads (default: all cores; at most 8 per core).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Keep each file's record in FILE (a database) and reuse it while the
    /// file is unchanged (identity, size, modification time) and the
    /// options are the same (not with --message): a re-run reads only what changed.
    #[arg(long, value_name = "FILE", conflicts_with = "message")]
    pub cache: Option<PathBuf>,
    /// No progress bar; only errors on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Args)]
pub struct AuditArgs {
    /// The ERN NewReleaseMessage (3.4, 3.4.1, 3.8.x, 4.1, 4.2 or 4.3).
    /// Builds with the `remote` feature also read one from object storage
    /// (s3://, gs://, az://, https://): its batch is then its prefix.
    #[arg(value_name = "MESSAGE")]
    pub message: PathBuf,
    /// The batch folder the message's files are relative to (default: the
    /// message's folder), or a prefix in object storage (`remote`
    /// feature). Files under it that no resource names are reported;
    /// hidden files (`.name`) are not.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Files of the batch that are not deliveries and are never
    /// unreferenced_file (repeatable): a glob without `/` matches a file's
    /// name, with `/` its path relative to the batch (`--ignore '*.json'`
    /// for a release folder's sidecars).
    #[arg(long, value_name = "GLOB")]
    pub ignore: Vec<String>,
    /// Output format [default: table on a terminal, ndjson otherwise].
    #[arg(long, value_enum)]
    pub format: Option<CheckFormatArg>,
    /// Decode every frame: a damaged file is file_corrupt (without it, only
    /// what the headers and the digests show).
    #[arg(long)]
    pub verify: bool,
    /// Delivery QC from the audio (implies --verify, same pass), judged by
    /// the profile's QC rules.
    #[arg(long)]
    pub qc: bool,
    /// The profile: its QC rules, and its release rules, which make the
    /// feed's rules (cover last, track releases, deal terms, at most N
    /// recordings) errors; `youtube` states them all.
    #[arg(long, default_value = "default", value_name = "NAME|FILE")]
    pub profile: String,
    /// The DDEX ERN schemas (a folder with ern34/, ern341/, ern42/, ern43/
    /// ... release-notification.xsd) to validate the message against with
    /// xmllint [env: DDEXPROBE_DDEX_SCHEMAS]. Without them the report says
    /// the schema was not checked.
    #[arg(long, value_name = "DIR")]
    pub schemas: Option<PathBuf>,
    /// Fail (exit 1) on errors only, or on warnings as well.
    #[arg(long, value_enum, default_value = "error", value_name = "LEVEL")]
    pub fail_on: FailOnArg,
    /// With --verify: decoded bytes allowed per byte of coded audio before
    /// a file is reported not_verified (a number, or "unlimited").
    #[arg(long, default_value = "2048", value_name = "RATIO")]
    pub verify_budget: String,
    /// Write the report to FILE instead of stdout (written whole, then
    /// renamed into place; never over the message or a file of the batch).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Worker threads (default: all cores; at most 8 per core).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// No summary on stderr (errors are still printed).
    #[arg(short, long)]
    pub quiet: bool,
    /// The endpoint of an S3-compatible store (MinIO, Ceph, R2, a local
    /// emulator) for s3:// locations, or of an Azure emulator for az://
    /// (default: AWS_ENDPOINT_URL for s3://); http:// endpoints are allowed.
    #[cfg(feature = "remote")]
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Requests in flight at most when fetching the batch's files from
    /// object storage, ahead of the --jobs workers.
    #[cfg(feature = "remote")]
    #[arg(long, value_name = "N", default_value_t = ddexprobe::remote::DEFAULT_IO_CONCURRENCY,
          value_parser = clap::value_parser!(usize))]
    pub io_concurrency: usize,
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
    #[command(flatten)]
    pub inputs: Inputs,
    /// Delivery profile: default, youtube, spotify, distributor, or a profile file (JSON or TOML).
    #[arg(long, default_value = "default", value_name = "NAME|FILE")]
    pub profile: String,
    /// Judge one release folder as a product: its release.json, track
    /// order, cover and every track; one report with the tracks' and the
    /// cover's reports inside.
    #[arg(long)]
    pub release: bool,
    /// A catalog manifest (JSON keyed by path, or CSV with a path column and
    /// dotted field columns): paths relative to the manifest's folder, or
    /// absolute. Its values take precedence over sidecars field by field.
    #[arg(long, value_name = "FILE")]
    pub metadata: Option<PathBuf>,
    /// Output format [default: table on a terminal, ndjson otherwise].
    #[arg(long, value_enum)]
    pub format: Option<CheckFormatArg>,
    /// Pass assets that score at least N even when not ready (the exit
    /// code, JUnit and GitHub annotations agree).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=100))]
    pub min_score: Option<u32>,
    /// Fail (exit 1) on errors only, or on warnings as well.
    #[arg(long, value_enum, default_value = "error", value_name = "LEVEL")]
    pub fail_on: FailOnArg,
    /// Decode every frame: an asset whose audio is damaged is not ready.
    #[arg(long)]
    pub verify: bool,
    /// Delivery QC from the audio (implies --verify, same pass), judged by
    /// the profile's QC rules (loudness, true peak, clipping, silence,
    /// bit depth, upsampling, lossy source).
    #[arg(long, conflicts_with = "technical")]
    pub qc: bool,
    /// Take each file's measurement from its technical sidecar
    /// (`<file>.technical.json`, written by `ddexprobe sidecar`) when that
    /// still matches the file (size and modification time), instead of
    /// reading the audio again; files without one are measured. Not with
    /// --verify or --qc.
    #[arg(long, conflicts_with = "verify")]
    pub technical: bool,
    /// With --verify: decoded bytes allowed per byte of coded audio before
    /// a file is reported not_verified (a number, or "unlimited").
    #[arg(long, default_value = "2048", value_name = "RATIO")]
    pub verify_budget: String,
    /// Write the reports to FILE instead of stdout (written whole, then renamed into place).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Worker threads (default: all cores; at most 8 per core).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Keep each file's record in FILE (a database) and reuse it while the
    /// file is unchanged (identity, size, modification time) and the
    /// options are the same (not with --release): a re-run reads only what changed.
    #[arg(long, value_name = "FILE", conflicts_with = "release")]
    pub cache: Option<PathBuf>,
    /// No progress bar and no summary on stderr (errors are still printed).
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
    /// Worker threads (default: all cores; at most 8 per core).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Decode and check every frame of every file (slower: reads all the audio).
    #[arg(long)]
    pub verify: bool,
    /// Delivery QC from the audio (implies --verify, same pass): loudness,
    /// true peak, clipping, silence, DC offset, dual mono, effective bit
    /// depth, upsampling and lossy-source detection, in a `qc` object.
    #[arg(long)]
    pub qc: bool,
    /// With --verify: decoded bytes allowed per byte of coded audio before
    /// a file is reported not_verified (a number, or "unlimited").
    #[arg(long, default_value = "2048", value_name = "RATIO")]
    pub verify_budget: String,
    /// Keep each file's record in FILE (a database) and reuse it while the
    /// file is unchanged (identity, size, modification time) and the
    /// options are the same: a re-run reads only what changed.
    #[arg(long, value_name = "FILE")]
    pub cache: Option<PathBuf>,
    /// No progress bar and no summary on stderr (errors are still printed).
    #[arg(short, long)]
    pub quiet: bool,
    /// Fail (exit 1) on files with errors only, or on warnings as well.
    #[arg(long, value_enum, default_value = "error", value_name = "LEVEL")]
    pub fail_on: FailOnArg,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum MergeFormat {
    Ndjson,
    Json,
    Csv,
    Table,
    Junit,
    Github,
}

#[derive(Args)]
pub struct MergeArgs {
    /// The parts (each worker's `--shard` output), in any order: every
    /// part of the run, once.
    #[arg(required = true, value_name = "PART")]
    pub parts: Vec<PathBuf>,
    /// Output format, as the command that wrote the parts has them (csv:
    /// scan only; junit, github: check only) [default: table on a
    /// terminal, ndjson otherwise].
    #[arg(long, value_enum)]
    pub format: Option<MergeFormat>,
    /// Write to FILE instead of stdout (written whole, then renamed into
    /// place; never over a part).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Check parts: pass assets that score at least N even when not ready.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=100))]
    pub min_score: Option<u32>,
    /// Fail (exit 1) on errors only, or on warnings as well.
    #[arg(long, value_enum, default_value = "error", value_name = "LEVEL")]
    pub fail_on: FailOnArg,
    /// No summary on stderr (errors are still printed).
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Output format [default: table on a terminal, ndjson otherwise].
    #[arg(long, value_enum)]
    pub format: Option<ScanFormat>,
    /// Write records to FILE instead of stdout (written whole, then renamed into place).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
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
    #[command(flatten)]
    pub inputs: Inputs,
    /// Write the sidecars under DIR, at the files' relative paths, instead of
    /// beside the audio.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    #[command(flatten)]
    pub common: Common,
}
