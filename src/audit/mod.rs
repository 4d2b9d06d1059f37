//! `audit`: does an ERN message tell the truth about the files delivered
//! with it?
//!
//! The message is read in one pass ([`message`]); every file it names is
//! resolved inside the batch (the message's folder, or `--root`), and
//! measured on the scan's workers with the digests the message states,
//! in one read ([`crate::scan`]); each is compared with what its
//! technical block declares ([`compare`]); the message's own rules — ISRCs,
//! references, the feed's shape, the deals — are checked ([`rules`]), and
//! so is its schema when the DDEX schemas are at hand ([`schema`]). The
//! result is an [`AuditReport`]: one [`Finding`] per problem with a stable
//! code, the resource, the file, the declared and measured values, and
//! what to do; per-resource statuses and a summary.

pub mod compare;
pub mod message;
pub mod rules;
pub mod schema;

pub use message::{Message, ReadError};
pub use schema::SchemaCheck;

use crate::checksum::Hashes;
use crate::formats::Budget;
use crate::readiness::profile::Profile;
use crate::record::Record;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Component, Path, PathBuf};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The message and the files disagree, or the message breaks a rule
    /// the profile makes binding: the audit fails.
    Error,
    /// Worth a look; fails only with `--fail-on warning`.
    Warning,
}

/// The stable codes of audit findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditCode {
    /// A file the message names is not in the batch.
    FileMissing,
    /// A file the message names lies outside the batch (`..`, an absolute
    /// path): it is not opened.
    FileOutsideBatch,
    /// A file the message names by a remote URL: not checked.
    FileNotLocal,
    /// A file that cannot be read (permissions, not a regular file).
    FileUnreadable,
    /// The file is cut short.
    FileTruncated,
    /// The file is damaged (a bad header, CRC or frame).
    FileCorrupt,
    /// `--verify` could not finish reading the file within its budget:
    /// nothing is known of the rest of its audio.
    FileNotVerified,
    /// The file is another resource's: its digest is the one the message
    /// states for that resource.
    FileSwapped,
    /// The stated `FileSize` is not the file's.
    SizeMismatch,
    /// The stated digest is not the file's.
    HashMismatch,
    /// The message states a digest ddexprobe does not compute (CRC32,
    /// MD4...): the file's identity is not checked.
    HashUnchecked,
    /// The message states no digest for a file.
    HashMissing,
    /// The declared duration is more than a second from the file's.
    DurationMismatch,
    /// A declared technical figure (rate, depth, channels, codec,
    /// container, bit rate, image size or codec) is not the file's.
    TechnicalMismatch,
    /// A file in the batch that no resource names.
    UnreferencedFile,
    /// The audio breaks an error rule of the profile's QC.
    QcFailed,
    /// The audio breaks a warning rule of the profile's QC.
    QcWarning,
    /// A sound recording without an ISRC.
    IsrcMissing,
    /// An ISRC that is not one.
    IsrcInvalid,
    /// Two sound recordings with one ISRC.
    DuplicateIsrc,
    /// A resource, release or technical reference used twice.
    DuplicateReference,
    /// A release listing a resource, or a deal a release, that the message
    /// does not have.
    DanglingReference,
    /// A sound recording no track release carries.
    TrackReleaseMissing,
    /// The cover is not the last resource.
    ArtworkNotLast,
    /// The message carries no image.
    ArtworkMissing,
    /// A track's deals do not grant what the profile asks.
    DealTermsMissing,
    /// More sound recordings than one message may carry.
    TooManyRecordings,
    /// The message does not validate against its ERN schema.
    SchemaInvalid,
    /// The schema check was not run (no schemas, no xmllint, no schema for
    /// the version).
    SchemaNotChecked,
    /// An ERN version this reader was not tested on.
    VersionUntested,
}

impl AuditCode {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditCode::FileMissing => "file_missing",
            AuditCode::FileOutsideBatch => "file_outside_batch",
            AuditCode::FileNotLocal => "file_not_local",
            AuditCode::FileUnreadable => "file_unreadable",
            AuditCode::FileTruncated => "file_truncated",
            AuditCode::FileCorrupt => "file_corrupt",
            AuditCode::FileNotVerified => "file_not_verified",
            AuditCode::FileSwapped => "file_swapped",
            AuditCode::SizeMismatch => "size_mismatch",
            AuditCode::HashMismatch => "hash_mismatch",
            AuditCode::HashUnchecked => "hash_unchecked",
            AuditCode::HashMissing => "hash_missing",
            AuditCode::DurationMismatch => "duration_mismatch",
            AuditCode::TechnicalMismatch => "technical_mismatch",
            AuditCode::UnreferencedFile => "unreferenced_file",
            AuditCode::QcFailed => "qc_failed",
            AuditCode::QcWarning => "qc_warning",
            AuditCode::IsrcMissing => "isrc_missing",
            AuditCode::IsrcInvalid => "isrc_invalid",
            AuditCode::DuplicateIsrc => "duplicate_isrc",
            AuditCode::DuplicateReference => "duplicate_reference",
            AuditCode::DanglingReference => "dangling_reference",
            AuditCode::TrackReleaseMissing => "track_release_missing",
            AuditCode::ArtworkNotLast => "artwork_not_last",
            AuditCode::ArtworkMissing => "artwork_missing",
            AuditCode::DealTermsMissing => "deal_terms_missing",
            AuditCode::TooManyRecordings => "too_many_recordings",
            AuditCode::SchemaInvalid => "schema_invalid",
            AuditCode::SchemaNotChecked => "schema_not_checked",
            AuditCode::VersionUntested => "version_untested",
        }
    }
}

impl std::fmt::Display for AuditCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// The stable code.
    pub code: AuditCode,
    /// Error or warning.
    pub severity: Severity,
    /// The resource (or release) reference it concerns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// The file it concerns, as the message names it (or, for an
    /// unreferenced file, relative to the batch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The field compared (`samplingRate`, `duration`, `md5`...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What the message says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared: Option<Value>,
    /// What the file is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measured: Option<Value>,
    /// What is wrong, for people.
    pub message: String,
    /// What to do about it.
    pub suggestion: String,
    /// Line of the message the finding points at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

impl Finding {
    /// An error finding with no resource, file or values yet.
    pub fn error(
        code: AuditCode,
        message: impl Into<String>,
        suggestion: impl Into<String>,
    ) -> Finding {
        Finding {
            code,
            severity: Severity::Error,
            resource: None,
            file: None,
            field: None,
            declared: None,
            measured: None,
            message: message.into(),
            suggestion: suggestion.into(),
            line: None,
        }
    }

    /// A warning finding.
    pub fn warning(
        code: AuditCode,
        message: impl Into<String>,
        suggestion: impl Into<String>,
    ) -> Finding {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(code, message, suggestion)
        }
    }

    /// With its severity set.
    pub fn severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }

    /// With the resource it concerns.
    pub fn resource(mut self, r: Option<&str>) -> Finding {
        self.resource = r.map(str::to_string);
        self
    }

    /// With the file it concerns.
    pub fn file(mut self, f: impl Into<String>) -> Finding {
        self.file = Some(f.into());
        self
    }

    /// With the line it points at.
    pub fn line(mut self, line: u32) -> Finding {
        self.line = Some(line);
        self
    }

    /// With the field compared and both values.
    pub fn values(mut self, field: &str, declared: Value, measured: Value) -> Finding {
        self.field = Some(field.to_string());
        self.declared = Some(declared);
        self.measured = Some(measured);
        self
    }
}

/// What an audit does besides the comparison.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    /// The batch folder files are resolved in (default: the message's).
    pub root: Option<PathBuf>,
    /// Read every frame of each file (`--verify`).
    pub verify: bool,
    /// Analyse the audio and apply the profile's QC rules (`--qc`).
    pub qc: bool,
    /// How much decoding verification may do per file.
    pub budget: Budget,
    /// The profile: QC rules, and the release rules that make the feed's
    /// rules binding.
    pub profile: Profile,
    /// Worker threads.
    pub jobs: usize,
    /// The DDEX schemas (a folder with `ern34/`, `ern43/`...
    /// `release-notification.xsd`), when the schema is to be checked.
    pub schemas: Option<PathBuf>,
    /// Files of the batch that are not deliveries (`--ignore`): never
    /// `unreferenced_file`.
    pub ignore: Ignore,
    /// How to reach object storage, for a message, a batch or files in it
    /// (`--endpoint`, `--io-concurrency`; cargo feature `remote`).
    pub remote: crate::remote::RemoteOptions,
}

/// Globs of batch files that are not deliveries (`--ignore '*.json'`): a
/// glob without `/` matches a file's name, with `/` its path relative to
/// the batch.
#[derive(Debug, Clone, Default)]
pub struct Ignore {
    names: Option<globset::GlobSet>,
    paths: Option<globset::GlobSet>,
}

impl Ignore {
    /// Compile `globs`.
    pub fn new(globs: &[String]) -> Result<Ignore, String> {
        let mut names = globset::GlobSetBuilder::new();
        let mut paths = globset::GlobSetBuilder::new();
        for g in globs {
            let glob = globset::GlobBuilder::new(g)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("--ignore '{g}': {e}"))?;
            if g.contains('/') {
                paths.add(glob);
            } else {
                names.add(glob);
            }
        }
        let build = |b: globset::GlobSetBuilder| b.build().map_err(|e| e.to_string());
        Ok(Ignore {
            names: Some(build(names)?),
            paths: Some(build(paths)?),
        })
    }

    /// Whether the batch file at `rel` (relative, `/`-separated) is ignored.
    pub fn matches(&self, rel: &str) -> bool {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        self.names.as_ref().is_some_and(|s| s.is_match(name))
            || self.paths.as_ref().is_some_and(|s| s.is_match(rel))
    }
}

/// One file a resource names, and what became of it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileAudit {
    /// `TechnicalResourceDetailsReference`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub technical_reference: Option<String>,
    /// The location as the message writes it.
    pub file: String,
    /// Whether the file is in the batch.
    pub present: bool,
    /// Its size, when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size_bytes: Option<u64>,
    /// What was compared (`md5`, `duration`, `samplingRate`...), and found
    /// to match or not.
    pub checked: Vec<String>,
    /// `match`, `mismatch`, `missing`, `damaged`, `not_checked`.
    pub status: &'static str,
    /// Line of the `File` element.
    pub line: u32,
    /// The measurement (not serialized).
    #[serde(skip)]
    pub record: Option<Record>,
}

/// One resource of the message.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceAudit {
    /// `ResourceReference`.
    pub reference: String,
    /// `SoundRecording`, `Image`...
    pub kind: String,
    /// Its ISRC, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub isrc: Option<String>,
    /// Line of the resource in the message.
    pub line: u32,
    /// `ok` (every file matches), `failed` (an error), `warning`, or
    /// `no_file` (the message names no file for it).
    pub status: &'static str,
    /// Its files.
    pub files: Vec<FileAudit>,
    /// Error findings about it.
    pub errors: usize,
    /// Warning findings about it.
    pub warnings: usize,
}

/// Counts over one audit.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditSummary {
    /// Whether the message tells the truth: no error finding.
    pub ok: bool,
    /// Resources in the message.
    pub resources: usize,
    /// Sound recordings.
    pub sound_recordings: usize,
    /// Images.
    pub images: usize,
    /// Releases (track releases included).
    pub releases: usize,
    /// Files the message names.
    pub files_named: usize,
    /// Of them, files found in the batch.
    pub files_present: usize,
    /// Of them, files that match every declared figure.
    pub files_matching: usize,
    /// Files in the batch no resource names.
    pub unreferenced_files: usize,
    /// Bytes of the files measured.
    pub bytes: u64,
    /// Error findings.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
    /// Findings per code.
    pub by_code: BTreeMap<String, usize>,
}

/// The whole audit of one message.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditReport {
    /// The message, as given.
    pub message: String,
    /// The batch folder files were resolved in.
    pub root: String,
    /// The ERN version (`4.3`).
    pub ern_version: String,
    /// `MessageId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// `MessageThreadId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_thread_id: Option<String>,
    /// Sender's `PartyId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    /// Recipient's `PartyId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
    /// The profile whose rules applied.
    pub profile: String,
    /// Whether and how the schema was checked.
    pub schema: SchemaCheck,
    /// Every resource with its files.
    pub resources: Vec<ResourceAudit>,
    /// Every finding: the files' in resource order, then the batch's, then
    /// the message's.
    pub findings: Vec<Finding>,
    /// The counts.
    pub summary: AuditSummary,
}

impl AuditReport {
    /// The summary for people, one line: files present, matching and
    /// unreferenced, findings, the schema's status.
    pub fn summary_line(&self) -> String {
        let s = &self.summary;
        format!(
            "{} of {} files present, {} matching, {} unreferenced; {} errors, {} warnings; schema {}",
            s.files_present,
            s.files_named,
            s.files_matching,
            s.unreferenced_files,
            s.errors,
            s.warnings,
            self.schema.status
        )
    }
}

/// Where a named file is, or why it is not looked for.
enum Resolved {
    /// A path inside the batch folder.
    Local(PathBuf),
    /// An object in storage: its URL, and whether the message names it
    /// relative to a batch in storage (rather than by its URL).
    #[cfg_attr(not(feature = "remote"), allow(dead_code))]
    Url { url: String, inside: bool },
    /// Not looked for: the finding says why.
    Refused(Finding),
}

/// The name a message gives a file, read before any batch.
enum Name {
    /// A path relative to the batch, normalized, `/`-separated, never
    /// above it.
    Relative(String),
    /// The path of a `file:` URI.
    FileUri(PathBuf),
    /// A location in object storage or on a web server (percent-decoded).
    #[cfg_attr(not(feature = "remote"), allow(dead_code))]
    Url(String),
    /// Not looked for: the finding says why.
    Refused(Finding),
}

/// Decode `%XX` escapes of a URI path (invalid escapes are kept).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex_val(b[i + 1]), hex_val(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_val(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Read the name `location` gives a file: relative paths never above the
/// batch, `file:` URIs, and locations in object storage; `root` is how
/// findings show the batch.
fn name_of(location: &message::Location, root: &str) -> Name {
    let text = location.text();
    let refuse = |code, why: String, fix: &str| {
        Name::Refused(Finding::error(code, why, fix).file(text.clone()))
    };
    let raw = match location {
        message::Location::Uri(u) => {
            let lower = u.to_ascii_lowercase();
            if let Some(rest) = lower.strip_prefix("file:") {
                let path = percent_decode(&u[u.len() - rest.len()..]);
                let path = path.trim_start_matches("//localhost");
                let path = if path.starts_with("//") {
                    &path[1..]
                } else {
                    path
                };
                return Name::FileUri(PathBuf::from(path));
            }
            if let Some(scheme_end) = u.find("://").or_else(|| {
                u.find(':').filter(|&i| {
                    i > 1
                        && u[..i].bytes().all(|b| {
                            b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.'
                        })
                })
            }) {
                if matches!(crate::remote::Location::parse(u), Some(Ok(_))) {
                    return Name::Url(percent_decode(u));
                }
                let scheme = &u[..scheme_end];
                return refuse(
                    AuditCode::FileNotLocal,
                    format!(
                        "'{text}' is a {scheme} location: audit reads files in the batch and in object storage (s3://, gs://, az://, https://) only, so this one was not checked"
                    ),
                    "Download the file into the batch and name it relative to the message",
                );
            }
            percent_decode(u)
        }
        message::Location::Name { name, .. } if name.is_empty() => {
            return refuse(
                AuditCode::FileMissing,
                "the File has a FilePath but no FileName".to_string(),
                "Give every File its FileName",
            );
        }
        message::Location::Name { .. } => text.clone(),
    };
    let normal = raw.replace('\\', "/");
    let path = Path::new(&normal);
    let mut inside: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(p) => inside.push(p.to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::ParentDir if !inside.is_empty() => {
                inside.pop();
            }
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                return refuse(
                    AuditCode::FileOutsideBatch,
                    format!("'{text}' points outside the batch ({root}): it was not opened"),
                    "Name files relative to the message, inside the batch",
                );
            }
        }
    }
    if inside.is_empty() {
        return refuse(
            AuditCode::FileMissing,
            format!("'{text}' names no file"),
            "Give every File its name",
        );
    }
    Name::Relative(inside.join("/"))
}

/// Resolve a location inside the batch folder `root`: relative paths
/// only, never above the root; `file:` URIs are accepted when they point
/// inside it; a location in object storage is fetched from there (a build
/// without the `remote` feature says it cannot).
fn resolve(root: &Path, location: &message::Location) -> Resolved {
    let text = location.text();
    let refuse = |code, why: String, fix: &str| {
        Resolved::Refused(Finding::error(code, why, fix).file(text.clone()))
    };
    match name_of(location, &root.display().to_string()) {
        Name::Refused(f) => Resolved::Refused(f),
        Name::Relative(rel) => {
            let mut path = root.to_path_buf();
            for part in rel.split('/') {
                path.push(part);
            }
            Resolved::Local(path)
        }
        Name::FileUri(p) => {
            let (Ok(canon_root), Ok(canon)) = (root.canonicalize(), p.canonicalize()) else {
                return refuse(
                    AuditCode::FileMissing,
                    format!("'{text}' does not exist"),
                    "Deliver the file the message names, or correct the message",
                );
            };
            if !canon.starts_with(&canon_root) {
                return refuse(
                    AuditCode::FileOutsideBatch,
                    format!(
                        "'{text}' is outside the batch ({}): it was not opened",
                        root.display()
                    ),
                    "Name files relative to the message, inside the batch",
                );
            }
            Resolved::Local(canon)
        }
        #[cfg(feature = "remote")]
        Name::Url(url) => Resolved::Url { url, inside: false },
        #[cfg(not(feature = "remote"))]
        Name::Url(_) => refuse(
            AuditCode::FileNotLocal,
            format!(
                "'{text}' is in object storage, which this build cannot read: it was not checked"
            ),
            "Build with `cargo install --path . --features remote` (the release binaries have \
             it), or download the file into the batch and name it relative to the message",
        ),
    }
}

/// Resolve a location inside the batch in storage under `root` (a
/// prefix): a relative path is the object under the prefix, a URL the
/// object it names; a local file is outside the batch.
#[cfg(feature = "remote")]
fn resolve_in_store(root: &crate::remote::Location, location: &message::Location) -> Resolved {
    match name_of(location, &root.url) {
        Name::Refused(f) => Resolved::Refused(f),
        Name::Relative(rel) => {
            let key = if root.key.is_empty() {
                rel
            } else {
                format!("{}/{rel}", root.key)
            };
            Resolved::Url {
                url: root.object_url(&key),
                inside: true,
            }
        }
        Name::FileUri(_) => {
            let text = location.text();
            Resolved::Refused(
                Finding::error(
                    AuditCode::FileOutsideBatch,
                    format!(
                        "'{text}' is a local file, outside the batch in storage ({}): it was not opened",
                        root.url
                    ),
                    "Name files relative to the message, inside the batch",
                )
                .file(text),
            )
        }
        Name::Url(url) => Resolved::Url { url, inside: false },
    }
}

/// An object's store and key, to tell two URLs of one object apart from
/// two objects (`s3://` and `s3a://`, a trailing `/`).
#[cfg(feature = "remote")]
fn object_id(url: &str) -> Option<(crate::remote::Scheme, String, String)> {
    match crate::remote::Location::parse(url) {
        Some(Ok(l)) => Some((l.scheme, l.bucket, l.key)),
        _ => None,
    }
}

/// Where the files of a batch are.
enum Batch<'a> {
    /// A folder.
    Local(&'a Path),
    /// A prefix in object storage (ending with `/`).
    #[cfg(feature = "remote")]
    Remote(&'a crate::remote::Location),
}

impl Batch<'_> {
    fn display(&self) -> String {
        match self {
            Batch::Local(p) => p.display().to_string(),
            #[cfg(feature = "remote")]
            Batch::Remote(l) => l.url.clone(),
        }
    }
}

/// One file to measure: which resource and technical block it belongs to.
struct Named {
    resource: usize,
    technical: usize,
    file: usize,
    place: Place,
    hashes: Hashes,
}

/// Where a file to measure is.
enum Place {
    /// In the batch folder.
    Local(PathBuf),
    /// In storage: its URL, whether the message names it relative to the
    /// batch, and its place in the objects looked for.
    #[cfg_attr(not(feature = "remote"), allow(dead_code))]
    Url {
        url: String,
        inside: bool,
        index: usize,
    },
}

/// The digest a stated algorithm asks for, with its name in records.
pub fn algorithm(decl: &message::HashDecl) -> Option<(&'static str, Hashes)> {
    let word = decl
        .algorithm
        .value()
        .to_ascii_uppercase()
        .replace(['-', '_', ' '], "");
    let value_len = decl.value.trim().len();
    match word.as_str() {
        "MD5" => Some((
            "md5",
            Hashes {
                md5: true,
                ..Hashes::NONE
            },
        )),
        "SHA1" | "SHA" => Some((
            "sha1",
            Hashes {
                sha1: true,
                ..Hashes::NONE
            },
        )),
        "SHA256" => Some((
            "sha256",
            Hashes {
                sha256: true,
                ..Hashes::NONE
            },
        )),
        // SHA2 names a family; a 64-digit value is SHA-256.
        "SHA2" if value_len == 64 => Some((
            "sha256",
            Hashes {
                sha256: true,
                ..Hashes::NONE
            },
        )),
        _ => None,
    }
}

/// The digest of `record` named `name` (`md5`, `sha1`, `sha256`).
pub fn digest_of<'a>(record: &'a Record, name: &str) -> Option<&'a str> {
    match name {
        "md5" => record.md5.as_deref(),
        "sha1" => record.sha1.as_deref(),
        "sha256" => record.sha256.as_deref(),
        _ => None,
    }
}

/// Audit `message_path`: read it (an error when it cannot be read at all),
/// then measure and compare every file and check the message's rules.
///
/// A message given as a location in object storage (`s3://bucket/
/// release/message.xml`, cargo feature `remote`) is fetched (no more than
/// [`message::MAX_MESSAGE_BYTES`]), and its batch is its prefix
/// (`s3://bucket/release/`); a `--root` given as a location puts the batch
/// in storage whatever the message.
pub fn audit(message_path: &Path, options: &AuditOptions) -> Result<AuditReport, ReadError> {
    let url = message_path
        .to_str()
        .filter(|s| crate::remote::Location::is_url(s));
    let bytes = match url {
        Some(url) => read_from_store(url, options)?,
        None => read_local(message_path)?,
    };
    let msg = message::read(&bytes)?;
    let root_url = options
        .root
        .as_deref()
        .and_then(Path::to_str)
        .filter(|s| crate::remote::Location::is_url(s));
    if url.is_some() || root_url.is_some() {
        #[cfg(feature = "remote")]
        return audit_in_store(message_path, url, root_url, &msg, &bytes, options);
        #[cfg(not(feature = "remote"))]
        return Err(unreadable(
            root_url.unwrap_or_default(),
            "it is a location in object storage, which this build cannot read: build with \
             `cargo install --path . --features remote` (the release binaries have it)",
        ));
    }
    drop(bytes);
    let root = options
        .root
        .clone()
        .unwrap_or_else(|| match message_path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        });
    let schema = schema::check(message_path, &msg.version, options.schemas.as_deref());
    Ok(audit_message(message_path, &msg, &root, schema, options))
}

/// An error reading the message itself, said with what was read.
fn unreadable(what: &str, why: impl fmt::Display) -> ReadError {
    ReadError {
        line: None,
        column: None,
        message: format!("cannot read {what}: {why}"),
    }
}

/// The message's bytes from a file: never more than the reader takes,
/// whatever the file's size says.
fn read_local(message_path: &Path) -> Result<Vec<u8>, ReadError> {
    let cannot = |e: std::io::Error| unreadable(&message_path.display().to_string(), e);
    let mut bytes = Vec::new();
    let file = std::fs::File::open(message_path).map_err(cannot)?;
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, message::MAX_MESSAGE_BYTES as u64 + 1),
        &mut bytes,
    )
    .map_err(cannot)?;
    Ok(bytes)
}

/// The message's bytes from object storage, refused unread beyond
/// [`message::MAX_MESSAGE_BYTES`].
#[cfg(feature = "remote")]
fn read_from_store(url: &str, options: &AuditOptions) -> Result<Vec<u8>, ReadError> {
    crate::remote::read_object(url, &options.remote, message::MAX_MESSAGE_BYTES as u64)
        .map_err(|why| unreadable(url, why))
}

/// Without the `remote` feature a location cannot be read.
#[cfg(not(feature = "remote"))]
fn read_from_store(url: &str, _: &AuditOptions) -> Result<Vec<u8>, ReadError> {
    Err(unreadable(
        url,
        "it is a location in object storage, which this build cannot read: build with \
         `cargo install --path . --features remote` (the release binaries have it)",
    ))
}

/// Audit a message whose batch (or the message itself) is in object
/// storage: the batch is `--root` when given, else the message's prefix;
/// the schema is checked on a temporary copy of the message.
#[cfg(feature = "remote")]
fn audit_in_store(
    message_path: &Path,
    url: Option<&str>,
    root_url: Option<&str>,
    msg: &Message,
    bytes: &[u8],
    options: &AuditOptions,
) -> Result<AuditReport, ReadError> {
    use crate::remote::Location;
    let parse = |u: &str| match Location::parse(u) {
        Some(Ok(l)) => Ok(l),
        Some(Err(why)) => Err(unreadable(u, why)),
        None => Err(unreadable(u, "not a location in object storage")),
    };
    let root = match (root_url, url, &options.root) {
        (Some(r), _, _) => Some(parse(&format!("{}/", r.trim_end_matches('/')))?),
        (None, Some(_), Some(_)) => None,
        (None, Some(u), None) => {
            let m = parse(u)?;
            let parent = m.key.rsplit_once('/').map_or("", |(p, _)| p);
            let prefix = if parent.is_empty() {
                m.object_url("")
            } else {
                format!("{}/", m.object_url(parent))
            };
            Some(parse(&prefix)?)
        }
        (None, None, _) => None,
    };
    let schema = match url {
        Some(_) => {
            // xmllint reads a file: a temporary copy, removed when dropped.
            let copy = tempfile::Builder::new()
                .prefix("ddexprobe-message-")
                .suffix(".xml")
                .tempfile()
                .and_then(|mut f| {
                    std::io::Write::write_all(&mut f, bytes)?;
                    Ok(f)
                });
            match copy {
                Ok(f) => schema::check(f.path(), &msg.version, options.schemas.as_deref()),
                Err(e) => SchemaCheck::not_checked(format!(
                    "the message could not be copied for xmllint: {e}"
                )),
            }
        }
        None => schema::check(message_path, &msg.version, options.schemas.as_deref()),
    };
    let local_root;
    let batch = match &root {
        Some(r) => Batch::Remote(r),
        None => {
            local_root = options.root.clone().unwrap_or_else(|| PathBuf::from("."));
            Batch::Local(&local_root)
        }
    };
    Ok(audit_batch(message_path, msg, &batch, schema, options))
}

/// Audit a message already read, its batch the folder `root`.
pub fn audit_message(
    message_path: &Path,
    msg: &Message,
    root: &Path,
    schema: SchemaCheck,
    options: &AuditOptions,
) -> AuditReport {
    audit_batch(message_path, msg, &Batch::Local(root), schema, options)
}

/// Audit a message already read against its batch.
fn audit_batch(
    message_path: &Path,
    msg: &Message,
    batch: &Batch,
    schema: SchemaCheck,
    options: &AuditOptions,
) -> AuditReport {
    let root_display = batch.display();
    // Resolve every file; collect what to measure.
    let mut refused: HashMap<(usize, usize, usize), Finding> = HashMap::new();
    let mut named: Vec<Named> = Vec::new();
    let canon_root = match batch {
        Batch::Local(root) => root.canonicalize().ok(),
        #[cfg(feature = "remote")]
        Batch::Remote(_) => None,
    };
    let resolve_in = |location: &message::Location| match batch {
        Batch::Local(root) => resolve(root, location),
        #[cfg(feature = "remote")]
        Batch::Remote(root) => resolve_in_store(root, location),
    };
    let qc = options.qc.then(|| options.profile.qc_settings());
    let verify = (options.verify || options.qc).then_some(options.budget);
    // Objects to look for in storage: URL, and whether read whole.
    let mut wanted: Vec<(String, bool)> = Vec::new();
    for (ri, r) in msg.resources.iter().enumerate() {
        for (ti, t) in r.technical.iter().enumerate() {
            for (fi, f) in t.files.iter().enumerate() {
                let Some(location) = &f.location else {
                    refused.insert(
                        (ri, ti, fi),
                        Finding::error(
                            AuditCode::FileMissing,
                            "the File element names no file (no FileName, URL or URI)",
                            "Name the file in the message",
                        )
                        .resource(r.reference.as_deref())
                        .line(f.line),
                    );
                    continue;
                };
                let resolved = match resolve_in(location) {
                    // A link inside the batch to a file outside it is not
                    // followed: the batch is what was delivered.
                    Resolved::Local(path) => match (path.canonicalize(), &canon_root) {
                        (Ok(c), Some(r)) if !c.starts_with(r) => Resolved::Refused(
                            Finding::error(
                                AuditCode::FileOutsideBatch,
                                format!(
                                    "'{}' is a link to {}, outside the batch: it was not opened",
                                    location.text(),
                                    c.display()
                                ),
                                "Deliver the file itself in the batch, not a link to it",
                            )
                            .file(location.text()),
                        ),
                        _ => Resolved::Local(path),
                    },
                    other => other,
                };
                let hashes = f
                    .hash
                    .as_ref()
                    .and_then(algorithm)
                    .map_or(Hashes::NONE, |(_, h)| h);
                let place = match resolved {
                    Resolved::Local(path) => Place::Local(path),
                    Resolved::Url { url, inside } => {
                        let whole = hashes != Hashes::NONE || verify.is_some();
                        wanted.push((url.clone(), whole));
                        Place::Url {
                            url,
                            inside,
                            index: wanted.len() - 1,
                        }
                    }
                    Resolved::Refused(finding) => {
                        refused.insert(
                            (ri, ti, fi),
                            finding.resource(r.reference.as_deref()).line(f.line),
                        );
                        continue;
                    }
                };
                named.push(Named {
                    resource: ri,
                    technical: ti,
                    file: fi,
                    place,
                    hashes,
                });
            }
        }
    }
    let display = |n: &Named| {
        let f = &msg.resources[n.resource].technical[n.technical].files[n.file];
        f.location.as_ref().map(|l| l.text()).unwrap_or_default()
    };
    // The objects in storage: found by listing, before any is measured.
    let stored = Stored::look_up(batch, &wanted, options);
    let mut records: Vec<Option<Record>> = Vec::with_capacity(named.len());
    let _ = crate::scan::map::ordered(
        0..named.len(),
        options.jobs,
        |_, i| {
            let n = &named[i];
            match &n.place {
                Place::Local(path) => match std::fs::metadata(path) {
                    Ok(m) if m.is_file() => Some(crate::scan::measure::measure_file(
                        path,
                        display(n),
                        n.hashes,
                        verify,
                        qc,
                    )),
                    Ok(_) => Some(Record::failed(
                        display(n),
                        0,
                        crate::record::Code::ReadError,
                        "not a regular file".to_string(),
                    )),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                    Err(e) => Some(Record::failed(
                        display(n),
                        0,
                        crate::record::Code::ReadError,
                        e.to_string(),
                    )),
                },
                Place::Url { index, .. } => stored.measure(*index, display(n), n.hashes, options),
            }
        },
        |r| {
            records.push(r);
            Ok(())
        },
    );
    let mut measured: HashMap<(usize, usize, usize), Record> = HashMap::new();
    for (n, r) in named.iter().zip(records) {
        if let Some(r) = r {
            measured.insert((n.resource, n.technical, n.file), r);
        }
    }
    let mut places: HashMap<(usize, usize, usize), &Place> = HashMap::new();
    for n in &named {
        places.insert((n.resource, n.technical, n.file), &n.place);
    }
    // Every stated digest, for telling a swapped file from a changed one.
    let mut stated: HashMap<String, String> = HashMap::new();
    for r in &msg.resources {
        for t in &r.technical {
            for f in &t.files {
                if let Some(h) = &f.hash {
                    stated
                        .entry(h.value.trim().to_ascii_lowercase())
                        .or_insert_with(|| r.name().to_string());
                }
            }
        }
    }
    let mut findings = Vec::new();
    let mut resources = Vec::new();
    let mut summary = AuditSummary::default();
    let mut referenced: HashSet<PathBuf> = HashSet::new();
    let mut referenced_urls: HashSet<String> = HashSet::new();
    let mut reference = |place: &Place| match place {
        Place::Local(path) => {
            if let Ok(c) = path.canonicalize() {
                referenced.insert(c);
            }
        }
        Place::Url { url, .. } => {
            referenced_urls.insert(url.clone());
        }
    };
    for n in &named {
        reference(&n.place);
    }
    // Files of the message outside resources count as named.
    for f in &msg.other_files {
        if let Some(l) = &f.location {
            match resolve_in(l) {
                Resolved::Local(p) => reference(&Place::Local(p)),
                Resolved::Url { url, inside } => reference(&Place::Url {
                    url,
                    inside,
                    index: 0,
                }),
                Resolved::Refused(_) => {}
            }
        }
    }
    for (ri, r) in msg.resources.iter().enumerate() {
        let mut files = Vec::new();
        let mut own = Vec::new();
        for (ti, t) in r.technical.iter().enumerate() {
            for (fi, f) in t.files.iter().enumerate() {
                summary.files_named += 1;
                let text = f.location.as_ref().map(|l| l.text()).unwrap_or_default();
                let key = (ri, ti, fi);
                let mut fa = FileAudit {
                    technical_reference: t.reference.clone(),
                    file: text.clone(),
                    present: false,
                    size_bytes: None,
                    checked: Vec::new(),
                    status: "missing",
                    line: f.line,
                    record: None,
                };
                if let Some(finding) = refused.remove(&key) {
                    fa.status = "not_checked";
                    own.push(finding);
                } else if let Some(record) = measured.remove(&key) {
                    fa.present = true;
                    fa.size_bytes = Some(record.size_bytes);
                    summary.files_present += 1;
                    summary.bytes += record.size_bytes;
                    let before = own.len();
                    let cmp = compare::Compared {
                        resource: r,
                        technical: t,
                        file: f,
                        record: &record,
                        stated: &stated,
                        profile: &options.profile,
                        qc: options.qc,
                    };
                    fa.checked = compare::compare(&cmp, &mut own);
                    let bad = own[before..].iter().any(|x| x.severity == Severity::Error);
                    let damaged = own[before..].iter().any(|x| {
                        matches!(
                            x.code,
                            AuditCode::FileTruncated
                                | AuditCode::FileCorrupt
                                | AuditCode::FileUnreadable
                        )
                    });
                    fa.status = if damaged {
                        "damaged"
                    } else if bad {
                        "mismatch"
                    } else {
                        summary.files_matching += 1;
                        "match"
                    };
                    fa.record = Some(record);
                } else {
                    let why = match places.get(&key) {
                        Some(Place::Url { inside: false, .. }) => {
                            format!("'{text}' is not in its store (no such object)")
                        }
                        _ => format!("'{text}' is not in the batch ({root_display})"),
                    };
                    own.push(
                        Finding::error(
                            AuditCode::FileMissing,
                            why,
                            "Deliver the file the message names, or correct the message's file name",
                        )
                        .resource(r.reference.as_deref())
                        .file(text.clone())
                        .line(f.line),
                    );
                }
                files.push(fa);
            }
        }
        let errors = own.iter().filter(|f| f.severity == Severity::Error).count();
        let warnings = own.len() - errors;
        resources.push(ResourceAudit {
            reference: r.name().to_string(),
            kind: r.kind.clone(),
            isrc: r.isrcs.first().cloned(),
            line: r.line,
            status: if errors > 0 {
                "failed"
            } else if files.is_empty() {
                "no_file"
            } else if warnings > 0 {
                "warning"
            } else {
                "ok"
            },
            files,
            errors,
            warnings,
        });
        findings.extend(own);
    }
    // Files in the batch that nothing names.
    let unreferenced = match batch {
        Batch::Local(root) => unreferenced_local(root, message_path, &referenced, options),
        #[cfg(feature = "remote")]
        Batch::Remote(root) => stored.unreferenced(root, message_path, &referenced_urls, options),
    };
    for rel in unreferenced {
        summary.unreferenced_files += 1;
        findings.push(
            Finding::error(
                AuditCode::UnreferencedFile,
                format!("'{rel}' is in the batch but no resource of the message names it"),
                "Remove the file from the batch, or add the resource it belongs to to the message",
            )
            .file(rel),
        );
    }
    findings.extend(rules::check(msg, &options.profile));
    findings.extend(schema.findings());
    summary.resources = msg.resources.len();
    summary.sound_recordings = msg
        .resources
        .iter()
        .filter(|r| r.kind == "SoundRecording")
        .count();
    summary.images = msg.resources.iter().filter(|r| r.kind == "Image").count();
    summary.releases = msg.releases.len();
    for f in &findings {
        match f.severity {
            Severity::Error => summary.errors += 1,
            Severity::Warning => summary.warnings += 1,
        }
        *summary
            .by_code
            .entry(f.code.as_str().to_string())
            .or_default() += 1;
    }
    summary.ok = summary.errors == 0;
    AuditReport {
        message: message_path.display().to_string(),
        root: root_display,
        ern_version: msg.version.to_string(),
        message_id: msg.message_id.clone(),
        message_thread_id: msg.thread_id.clone(),
        sender: msg.sender.clone(),
        recipient: msg.recipient.clone(),
        profile: options.profile.name.clone(),
        schema,
        resources,
        findings,
        summary,
    }
}

/// The files of the batch folder `root` that nothing names (relative,
/// `/`-separated, in walk order): hidden names, the message and `--ignore`
/// left out.
fn unreferenced_local(
    root: &Path,
    message_path: &Path,
    referenced: &HashSet<PathBuf>,
    options: &AuditOptions,
) -> Vec<String> {
    let message_canon = message_path.canonicalize().ok();
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .flatten()
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(canon) = entry.path().canonicalize() else {
            continue;
        };
        if referenced.contains(&canon) || message_canon.as_ref() == Some(&canon) {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        if !options.ignore.matches(&rel) {
            out.push(rel);
        }
    }
    out
}

/// The objects of an audit in storage, found before any is measured.
struct Stored {
    #[cfg(feature = "remote")]
    located: Option<crate::remote::Located>,
}

impl Stored {
    /// Look for `wanted` (and list the batch when it is in storage).
    #[cfg(feature = "remote")]
    fn look_up(batch: &Batch, wanted: &[(String, bool)], options: &AuditOptions) -> Stored {
        let root = match batch {
            Batch::Remote(r) => Some(*r),
            Batch::Local(_) => None,
        };
        let located = (root.is_some() || !wanted.is_empty())
            .then(|| crate::remote::locate(root, wanted, &options.remote));
        Stored { located }
    }

    /// Nothing is in storage without the `remote` feature.
    #[cfg(not(feature = "remote"))]
    fn look_up(_: &Batch, _: &[(String, bool)], _: &AuditOptions) -> Stored {
        Stored {}
    }

    /// Measure object `index` of those looked for, named `display`, as the
    /// scan measures a target in storage: `None` when it is not there.
    #[cfg(feature = "remote")]
    fn measure(
        &self,
        index: usize,
        display: String,
        hashes: Hashes,
        options: &AuditOptions,
    ) -> Option<Record> {
        use crate::remote::Lookup;
        match self.located.as_ref()?.objects.get(index)? {
            Lookup::Found(target) => {
                let target = crate::scan::Target {
                    display,
                    ..target.clone()
                };
                let scan = crate::scan::ScanOptions {
                    hashes,
                    jobs: 1,
                    verify: options.verify,
                    budget: options.budget,
                    qc: options.qc.then(|| options.profile.qc_settings()),
                };
                Some(scan.measure(&target))
            }
            Lookup::Missing => None,
            Lookup::Failed(why) => Some(Record::failed(
                display,
                0,
                crate::record::Code::ReadError,
                why.clone(),
            )),
        }
    }

    /// Nothing is in storage without the `remote` feature.
    #[cfg(not(feature = "remote"))]
    fn measure(&self, _: usize, _: String, _: Hashes, _: &AuditOptions) -> Option<Record> {
        None
    }

    /// The objects under the batch's prefix `root` that nothing names
    /// (relative, `/`-separated, in the order a walk of a local copy gives
    /// them): hidden names, the message and `--ignore` left out. None when
    /// the store cannot list.
    #[cfg(feature = "remote")]
    fn unreferenced(
        &self,
        root: &crate::remote::Location,
        message_path: &Path,
        referenced: &HashSet<String>,
        options: &AuditOptions,
    ) -> Vec<String> {
        let Some(listed) = self.located.as_ref().and_then(|l| l.under_root.as_ref()) else {
            return Vec::new();
        };
        let named: HashSet<_> = referenced.iter().filter_map(|u| object_id(u)).collect();
        let message = message_path.to_str().and_then(object_id);
        let mut rels: Vec<&String> = listed
            .iter()
            .filter(|rel| !rel.split('/').any(|part| part.starts_with('.')))
            .collect();
        // A walk goes folder by folder in name order: `a/x` before `a.wav`.
        rels.sort_by(|a, b| a.split('/').cmp(b.split('/')));
        let mut out = Vec::new();
        for rel in rels {
            let key = if root.key.is_empty() {
                rel.clone()
            } else {
                format!("{}/{rel}", root.key)
            };
            let id = (root.scheme, root.bucket.clone(), key);
            if named.contains(&id) || message.as_ref() == Some(&id) {
                continue;
            }
            if !options.ignore.matches(rel) {
                out.push(rel.clone());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use message::Location;

    #[test]
    fn locations_stay_inside_the_batch() {
        let root = Path::new("/batch");
        let name = |n: &str, p: Option<&str>| Location::Name {
            name: n.into(),
            path: p.map(String::from),
        };
        let ok = |l: Location| match resolve(root, &l) {
            Resolved::Local(p) => p,
            Resolved::Url { url, .. } => panic!("{url} is in storage"),
            Resolved::Refused(f) => panic!("{}", f.message),
        };
        let refused = |l: Location| match resolve(root, &l) {
            Resolved::Local(p) => panic!("{} resolved", p.display()),
            Resolved::Url { url, .. } => panic!("{url} is in storage"),
            Resolved::Refused(f) => f.code,
        };
        assert_eq!(
            ok(name("a.wav", Some("resources/"))),
            Path::new("/batch/resources/a.wav")
        );
        assert_eq!(
            ok(name("a.wav", Some("resources\\"))),
            Path::new("/batch/resources/a.wav")
        );
        assert_eq!(
            ok(Location::Uri("resources/My%20Song.wav".into())),
            Path::new("/batch/resources/My Song.wav")
        );
        assert_eq!(
            ok(Location::Uri("./x/../a.wav".into())),
            Path::new("/batch/a.wav")
        );
        assert_eq!(
            refused(name("passwd", Some("../../etc/"))),
            AuditCode::FileOutsideBatch
        );
        assert_eq!(
            refused(Location::Uri("/etc/passwd".into())),
            AuditCode::FileOutsideBatch
        );
        assert_eq!(
            refused(Location::Uri("ftp://cdn.example/a.wav".into())),
            AuditCode::FileNotLocal
        );
        assert_eq!(
            refused(Location::Uri("urn:isbn:0451450523".into())),
            AuditCode::FileNotLocal
        );
        // Locations in object storage are fetched from there, when this
        // build can.
        for url in ["https://cdn.example/a.wav", "s3://bucket/My%20Song.wav"] {
            match resolve(root, &Location::Uri(url.into())) {
                #[cfg(feature = "remote")]
                Resolved::Url { url: got, inside } => {
                    assert_eq!(got, url.replace("%20", " "));
                    assert!(!inside);
                }
                #[cfg(not(feature = "remote"))]
                Resolved::Refused(f) => {
                    assert_eq!(f.code, AuditCode::FileNotLocal);
                    assert!(f.message.contains("cannot read"), "{}", f.message);
                    assert!(f.suggestion.contains("--features remote"));
                }
                _ => panic!("{url}"),
            }
        }
        assert_eq!(refused(Location::Uri("".into())), AuditCode::FileMissing);
        assert_eq!(
            refused(name("", Some("resources/"))),
            AuditCode::FileMissing
        );
    }

    #[cfg(feature = "remote")]
    #[test]
    fn names_in_a_batch_in_storage_are_objects_under_its_prefix() {
        let root = crate::remote::Location::parse("s3://music/release/")
            .unwrap()
            .unwrap();
        let url = |l: Location| match resolve_in_store(&root, &l) {
            Resolved::Url { url, inside } => (url, inside),
            Resolved::Local(p) => panic!("{} is local", p.display()),
            Resolved::Refused(f) => panic!("{}", f.message),
        };
        assert_eq!(
            url(Location::Uri("tracks/./My%20Song.wav".into())),
            ("s3://music/release/tracks/My Song.wav".to_string(), true)
        );
        assert_eq!(
            url(Location::Uri("gs://other/a.flac".into())),
            ("gs://other/a.flac".to_string(), false)
        );
        for outside in ["../x.wav", "file:///etc/passwd"] {
            match resolve_in_store(&root, &Location::Uri(outside.into())) {
                Resolved::Refused(f) => assert_eq!(f.code, AuditCode::FileOutsideBatch),
                _ => panic!("{outside} resolved"),
            }
        }
    }

    #[test]
    fn algorithms() {
        let decl = |w: &str, u: Option<&str>, v: &str| message::HashDecl {
            algorithm: message::Word {
                word: w.into(),
                user_defined: u.map(String::from),
            },
            value: v.into(),
        };
        assert_eq!(algorithm(&decl("MD5", None, "")).unwrap().0, "md5");
        assert_eq!(algorithm(&decl("SHA1", None, "")).unwrap().0, "sha1");
        assert_eq!(algorithm(&decl("SHA-256", None, "")).unwrap().0, "sha256");
        assert_eq!(
            algorithm(&decl("UserDefined", Some("SHA-256"), ""))
                .unwrap()
                .0,
            "sha256"
        );
        assert_eq!(
            algorithm(&decl("SHA2", None, &"a".repeat(64))).unwrap().0,
            "sha256"
        );
        assert!(algorithm(&decl("SHA2", None, &"a".repeat(128))).is_none());
        assert!(algorithm(&decl("CRC32", None, "")).is_none());
    }
}
