//! Writing technical sidecars (`ddexprobe sidecar`).
//!
//! Each audio file gets `<file name>.technical.json` beside it, or at the
//! same relative path under an output directory. The sidecar holds measured
//! values only, and a `generatedBy` stamp: the tool, its version, and the
//! size and modification time the audio file had when it was measured.
//!
//! Three rules keep the files safe and re-runs cheap:
//!
//! - a sidecar is written to a temporary file in its directory and moved
//!   into place whole, so a reader never sees half of one;
//! - a file at the sidecar's path that ddexprobe did not write (no
//!   `generatedBy.tool == "ddexprobe"`) is never replaced;
//! - a sidecar whose stamp matches the audio file's current size and
//!   modification time (and that holds every digest asked for) is left as
//!   it is: the audio is only `stat`ed, never opened.
//!
//! Files that cannot be measured, or whose record has an error, get no
//! sidecar; files with warnings only get one.

use crate::checksum::Hashes;
use crate::io::atomic::{self, Replace, Seen, WriteError};
use crate::record::Record;
use crate::scan::ScanOptions;
use crate::scan::discover::Target;
use serde::Serialize;
use std::collections::HashMap;
use std::ffi::OsString;
use std::fs::{self, Metadata};
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// What a sidecar file name ends with.
pub const SUFFIX: &str = ".technical.json";

/// The `generatedBy.tool` marker of sidecars ddexprobe wrote.
pub const TOOL: &str = "ddexprobe";

/// Existing files larger than this at a sidecar's path are not ddexprobe's.
const MAX_SIDECAR_BYTES: u64 = 1 << 20;

/// What happened to one audio file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A sidecar was written (new, or replacing an outdated one).
    Written,
    /// The existing sidecar matches the audio file; nothing was read.
    Unchanged,
    /// No sidecar was written, for this reason.
    Failed(String),
    /// Not audio (an image, a document, text): no sidecar, and no failure.
    NotAudio,
}

/// One file that got no sidecar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The audio file as the scan names it.
    pub path: String,
    /// Why.
    pub reason: String,
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Sidecars written.
    pub written: u64,
    /// Sidecars already up to date.
    pub unchanged: u64,
    /// Files without a sidecar, sorted by path.
    pub failed: Vec<Failure>,
    /// Files that are not audio (images, documents, text), left alone.
    pub not_audio: u64,
}

/// Where the audio file was when it was measured: the stamp that tells a
/// later run whether the sidecar still describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, RFC 3339 UTC with nanoseconds ([`rfc3339`]);
    /// `None` where the file system keeps none.
    pub modified: Option<String>,
}

impl Stamp {
    /// The stamp of a file's metadata.
    pub fn of(meta: &Metadata) -> Stamp {
        Stamp {
            size: meta.len(),
            modified: meta.modified().ok().map(rfc3339),
        }
    }
}

/// Whether `path` names a sidecar (`*.technical.json`, any case).
pub fn is_sidecar(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.len() > SUFFIX.len() && n.to_ascii_lowercase().ends_with(SUFFIX))
}

/// Where the sidecar of `target` goes: beside the audio file, or under
/// `out_dir` at the target's relative path. Only the normal components of
/// that path are kept, so an absolute or `..` path given on the command
/// line stays inside `out_dir`.
pub fn sidecar_path(target: &Target, out_dir: Option<&Path>) -> PathBuf {
    let audio = match out_dir {
        None => target.path.clone(),
        Some(dir) => {
            // The display path's parts, taken from the real path so a name
            // that is not UTF-8 keeps its bytes (two such names never meet
            // in one lossy rendering).
            let wanted = Path::new(&target.display)
                .components()
                .filter(|c| matches!(c, Component::Normal(_)))
                .count();
            let parts: Vec<&std::ffi::OsStr> = target
                .path
                .components()
                .filter_map(|c| match c {
                    Component::Normal(part) => Some(part),
                    _ => None,
                })
                .collect();
            let mut p = dir.to_path_buf();
            for part in &parts[parts.len().saturating_sub(wanted)..] {
                p.push(part);
            }
            if p == dir {
                // Nothing usable in the display path: fall back to the name.
                if let Some(name) = target.path.file_name() {
                    p.push(name);
                }
            }
            p
        }
    };
    let mut name: OsString = audio.file_name().map(OsString::from).unwrap_or_default();
    name.push(SUFFIX);
    audio.with_file_name(name)
}

/// `time` as RFC 3339 in UTC with nine fraction digits, e.g.
/// `2026-11-21T10:00:00.123456789Z`.
pub fn rfc3339(time: SystemTime) -> String {
    let (secs, nanos) = match time.duration_since(UNIX_EPOCH) {
        Ok(d) => (d.as_secs() as i128, d.subsec_nanos()),
        Err(e) => {
            // Before 1970: step back to the whole second below.
            let d = e.duration();
            let (s, n) = (d.as_secs() as i128, d.subsec_nanos());
            if n == 0 {
                (-s, 0)
            } else {
                (-s - 1, 1_000_000_000 - n)
            }
        }
    };
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = crate::duration::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{nanos:09}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Sidecar<'a> {
    ddex_metadata: DdexMetadata<'a>,
    technical_resource_details: Technical<'a>,
    file: FileFacts<'a>,
    generated_by: GeneratedBy<'a>,
}

#[derive(Serialize)]
struct DdexMetadata<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    duration: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Technical<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    file_format: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sample_rate: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bit_depth: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    number_of_channels: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    audio_codec: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    total_samples: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration_source: Option<crate::record::DurationSource>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FileFacts<'a> {
    name: &'a str,
    size_bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    md5: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sha256: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GeneratedBy<'a> {
    tool: &'static str,
    version: &'static str,
    source_size_bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_modified: Option<&'a str>,
}

/// The sidecar document for `record` of the file called `file_name`,
/// measured with `stamp`: pretty JSON in a fixed key order, ending with a
/// newline.
pub fn render(record: &Record, file_name: &str, stamp: &Stamp) -> String {
    let doc = Sidecar {
        ddex_metadata: DdexMetadata {
            duration: record.duration.as_deref(),
        },
        technical_resource_details: Technical {
            file_format: record.file_format.map(|f| f.as_str()),
            sample_rate: record.sample_rate,
            bit_depth: record.bit_depth,
            number_of_channels: record.number_of_channels,
            audio_codec: record.audio_codec.as_deref(),
            total_samples: record.total_samples,
            duration_source: record.duration_source,
        },
        file: FileFacts {
            name: file_name,
            size_bytes: record.size_bytes,
            md5: record.md5.as_deref(),
            sha256: record.sha256.as_deref(),
        },
        generated_by: GeneratedBy {
            tool: TOOL,
            version: env!("CARGO_PKG_VERSION"),
            source_size_bytes: stamp.size,
            source_modified: stamp.modified.as_deref(),
        },
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("plain structs serialize");
    text.push('\n');
    text
}

/// The measurement an up-to-date technical sidecar beside `audio` holds,
/// as the record a scan would give (named `display`), or `None` when
/// there is no sidecar of ours, or it no longer matches the file (size or
/// modification time) or lacks a figure. `check --technical` uses it to
/// judge a catalog without reading its audio again.
pub fn measurement(audio: &Path, display: &str) -> Option<Record> {
    let meta = fs::metadata(audio).ok()?;
    let stamp = Stamp::of(&meta);
    let mut name = audio.file_name()?.to_os_string();
    name.push(SUFFIX);
    let Ok(Existing::Ours(v, _)) = existing(&audio.with_file_name(name)) else {
        return None;
    };
    if !up_to_date(&v, &stamp, Hashes::NONE) {
        return None;
    }
    let t = &v["technicalResourceDetails"];
    let number = |k: &str| t[k].as_u64().and_then(|n| u32::try_from(n).ok());
    let mut probe = crate::formats::Probe {
        file_format: t["fileFormat"]
            .as_str()
            .and_then(crate::record::FileFormat::parse),
        audio_codec: t["audioCodec"].as_str().map(str::to_string),
        sample_rate: number("sampleRate"),
        bit_depth: number("bitDepth"),
        channels: number("numberOfChannels"),
        total_samples: t["totalSamples"].as_u64(),
        duration_source: serde_json::from_value(t["durationSource"].clone()).ok(),
        ..crate::formats::Probe::default()
    };
    probe.file_format?;
    probe.sample_rate?;
    // The bit rate is not kept: it is left out rather than guessed.
    probe.audio_bytes = None;
    let mut record = probe.into_record(display.to_string(), stamp.size);
    record.md5 = v["file"]["md5"].as_str().map(str::to_string);
    record.sha256 = v["file"]["sha256"].as_str().map(str::to_string);
    Some(record)
}

/// What is at a sidecar's path.
enum Existing {
    Nothing,
    /// A sidecar ddexprobe wrote, and the state it was read in.
    Ours(serde_json::Value, Seen),
    /// Anything else: never replaced.
    Foreign,
}

fn existing(path: &Path) -> io::Result<Existing> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Existing::Nothing),
        Err(e) => return Err(e),
    };
    // ddexprobe writes regular files of a few hundred bytes; a link, a
    // directory or a large file is someone else's.
    if !meta.is_file() || meta.len() > MAX_SIDECAR_BYTES {
        return Ok(Existing::Foreign);
    }
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        // A link swapped in since the look above is not followed.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    let file = match options.open(path) {
        Ok(f) => f,
        Err(_) if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) => {
            return Ok(Existing::Foreign);
        }
        Err(e) => return Err(e),
    };
    // The state of the file held open: what a replacement must still find.
    let seen = Seen::of(&file.metadata()?);
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_SIDECAR_BYTES + 1).read_to_end(&mut bytes)?;
    Ok(match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(v) if v.is_object() && v["generatedBy"]["tool"] == TOOL => Existing::Ours(v, seen),
        _ => Existing::Foreign,
    })
}

/// Whether an existing sidecar still describes the audio file: the same
/// size and modification time, and every digest asked for present.
fn up_to_date(sidecar: &serde_json::Value, stamp: &Stamp, hashes: Hashes) -> bool {
    let by = &sidecar["generatedBy"];
    let Some(modified) = &stamp.modified else {
        return false;
    };
    by["sourceSizeBytes"].as_u64() == Some(stamp.size)
        && by["sourceModified"].as_str() == Some(modified.as_str())
        // Sidecars of versions that did not keep the sample count are
        // written again once.
        && sidecar["technicalResourceDetails"]["totalSamples"].is_u64()
        && (!hashes.md5 || sidecar["file"]["md5"].is_string())
        && (!hashes.sha256 || sidecar["file"]["sha256"].is_string())
}

const NOT_OURS: &str = "exists and was not written by ddexprobe; not overwritten";

/// Measure `target` and write its sidecar at `dest`, unless an up-to-date
/// sidecar is there already.
pub fn write_one(target: &Target, dest: &Path, opts: ScanOptions) -> Outcome {
    write_measured(target, dest, opts, &|t| opts.measure(t))
}

/// [`write_one`] with the record made by `measure` (e.g. through a cache).
fn write_measured(
    target: &Target,
    dest: &Path,
    opts: ScanOptions,
    measure: &(dyn Fn(&Target) -> Record + Sync),
) -> Outcome {
    if is_sidecar(&target.path) {
        return Outcome::Failed(format!("is a sidecar ({SUFFIX}), not audio; not measured"));
    }
    // An object in storage: its stamp is the listing's.
    let remote = target.remote.as_ref().map(|o| Stamp {
        size: o.size.unwrap_or(target.size),
        modified: o.modified.map(rfc3339),
    });
    let stamp = match remote.clone() {
        Some(stamp) => stamp,
        None => match fs::metadata(&target.path) {
            Ok(m) => Stamp::of(&m),
            Err(e) => return Outcome::Failed(format!("read_error: cannot read the file: {e}")),
        },
    };
    let replace = match plan_write(dest, &stamp, opts.hashes) {
        Ok(Some(replace)) => replace,
        Ok(None) => return Outcome::Unchanged,
        Err(failed) => return failed,
    };

    let record = measure(target);
    if !record.is_audio() {
        return Outcome::NotAudio;
    }
    if let Some(e) = record.errors.first() {
        return Outcome::Failed(format!("{}: {}", e.code, e.message));
    }
    // A file that changed while it was read may not be what was measured
    // (an object: the size read is the size listed).
    let after = match &remote {
        Some(_) => (record.size_bytes == stamp.size).then(|| stamp.clone()),
        None => fs::metadata(&target.path).ok().map(|m| Stamp::of(&m)),
    };
    match after {
        Some(after) if after == stamp => {}
        _ => {
            return Outcome::Failed(
                "file_changed: the file changed while it was measured".to_string(),
            );
        }
    }

    let file_name = target
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| target.display.clone());
    let text = render(&record, &file_name, &stamp);
    if let Some(parent) = dest.parent().filter(|p| !p.as_os_str().is_empty())
        && let Err(e) = fs::create_dir_all(parent)
    {
        return Outcome::Failed(format!("cannot create {}: {e}", parent.display()));
    }
    match atomic::write_file(dest, text.as_bytes(), replace) {
        Ok(()) => Outcome::Written,
        Err(WriteError::Exists) => {
            // Something appeared or changed since the look: another run of
            // ddexprobe (its sidecar is then fine, or replaced once more),
            // or the user (never replaced).
            match plan_write(dest, &stamp, opts.hashes) {
                Ok(None) => Outcome::Unchanged,
                Ok(Some(replace @ Replace::Only(_))) => {
                    match atomic::write_file(dest, text.as_bytes(), replace) {
                        Ok(()) => Outcome::Written,
                        Err(_) => Outcome::Failed(format!("{}: {CHANGING}", dest.display())),
                    }
                }
                Ok(Some(Replace::Never)) => {
                    Outcome::Failed(format!("{}: {CHANGING}", dest.display()))
                }
                Err(failed) => failed,
            }
        }
        Err(WriteError::Io(why)) => Outcome::Failed(why),
    }
}

const CHANGING: &str = "kept changing while the sidecar was written; not overwritten";

/// How the sidecar at `dest` may be written for a file with `stamp`:
/// `None` when an up-to-date one is there, or the failure when a file
/// ddexprobe did not write is.
fn plan_write(dest: &Path, stamp: &Stamp, hashes: Hashes) -> Result<Option<Replace>, Outcome> {
    match existing(dest) {
        Ok(Existing::Nothing) => Ok(Some(Replace::Never)),
        Ok(Existing::Foreign) => Err(Outcome::Failed(format!("{}: {NOT_OURS}", dest.display()))),
        Ok(Existing::Ours(v, _)) if up_to_date(&v, stamp, hashes) => Ok(None),
        Ok(Existing::Ours(_, seen)) => Ok(Some(Replace::Only(seen))),
        Err(e) => Err(Outcome::Failed(format!(
            "cannot read {}: {e}",
            dest.display()
        ))),
    }
}

/// Write the sidecars of `targets` on `opts.jobs` threads, beside the audio
/// or under `out_dir`. A file given twice is handled once; two files whose
/// sidecars would have the same path get one (the first) and a failure.
pub fn write_all(
    targets: &[Target],
    opts: ScanOptions,
    out_dir: Option<&Path>,
    progress: impl FnMut(crate::scan::Progress) + Send,
) -> Report {
    write_all_with(targets, opts, out_dir, |t| opts.measure(t), progress)
}

/// [`write_all`] with each record made by `measure` (e.g. through a
/// [`crate::scan::cache::Cache`]).
pub fn write_all_with(
    targets: &[Target],
    opts: ScanOptions,
    out_dir: Option<&Path>,
    measure: impl Fn(&Target) -> Record + Sync,
    mut progress: impl FnMut(crate::scan::Progress) + Send,
) -> Report {
    let mut first: HashMap<PathBuf, usize> = HashMap::new();
    // Per target: its sidecar path, or why it has none.
    let mut plan: Vec<Option<Result<PathBuf, String>>> = Vec::with_capacity(targets.len());
    for (i, t) in targets.iter().enumerate() {
        let dest = sidecar_path(t, out_dir);
        match first.get(&dest) {
            Some(&j) if targets[j].path == t.path => plan.push(None),
            Some(&j) => plan.push(Some(Err(format!(
                "its sidecar {} is that of {}; not written",
                dest.display(),
                targets[j].display
            )))),
            None => {
                first.insert(dest.clone(), i);
                plan.push(Some(Ok(dest)));
            }
        }
    }

    // Temporary files that killed runs left in the folders written to.
    let folders: std::collections::BTreeSet<&Path> = plan
        .iter()
        .flatten()
        .flatten()
        .filter_map(|dest| dest.parent())
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .collect();
    for folder in folders {
        atomic::sweep(folder);
    }

    let mut outcomes = Vec::with_capacity(targets.len());
    let mut bytes = 0u64;
    // Collecting into memory cannot fail.
    let total_bytes = targets.iter().map(|t| t.size).sum();
    // Objects in storage are fetched ahead of the workers, those that
    // will be measured.
    let mut planned = plan.iter();
    let ahead = crate::scan::ahead(targets, opts.reads_whole(), move |_| {
        !matches!(planned.next(), Some(Some(Ok(_))))
    });
    let _ = crate::scan::map::ordered(
        ahead,
        opts.jobs,
        |i, target| match &plan[i] {
            None => None,
            Some(Err(why)) => Some(Outcome::Failed(why.clone())),
            Some(Ok(dest)) => {
                let outcome = write_measured(target, dest, opts, &measure);
                if let Some(object) = &target.remote {
                    // Its sidecar was up to date: not measured after all.
                    object.release();
                }
                Some(outcome)
            }
        },
        |o| {
            let done = outcomes.len();
            bytes += targets[done].size;
            outcomes.push(o);
            progress(crate::scan::Progress {
                done: done + 1,
                total: targets.len(),
                bytes,
                total_bytes,
                complete: true,
            });
            Ok(())
        },
    );

    let mut report = Report::default();
    for (t, o) in targets.iter().zip(outcomes) {
        match o {
            None => {}
            Some(Outcome::Written) => report.written += 1,
            Some(Outcome::Unchanged) => report.unchanged += 1,
            Some(Outcome::NotAudio) => report.not_audio += 1,
            Some(Outcome::Failed(reason)) => report.failed.push(Failure {
                path: t.display.clone(),
                reason,
            }),
        }
    }
    report.failed.sort_by(|a, b| a.path.cmp(&b.path));
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn rfc3339_in_utc_with_nanoseconds() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000000000Z");
        // 2026-11-21T10:00:00Z is 1795255200 s after the epoch.
        let t = UNIX_EPOCH + Duration::new(1_795_255_200, 123_456_789);
        assert_eq!(rfc3339(t), "2026-11-21T10:00:00.123456789Z");
        // Leap day and the end of a century leap year.
        let t = UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29
        assert_eq!(rfc3339(t), "2000-02-29T00:00:00.000000000Z");
        let t = UNIX_EPOCH + Duration::from_secs(978_307_199); // 2000-12-31 23:59:59
        assert_eq!(rfc3339(t), "2000-12-31T23:59:59.000000000Z");
        // Before the epoch, a fraction counts forward from the second below.
        let t = UNIX_EPOCH - Duration::new(1, 500_000_000);
        assert_eq!(rfc3339(t), "1969-12-31T23:59:58.500000000Z");
        let t = UNIX_EPOCH - Duration::from_secs(86_400);
        assert_eq!(rfc3339(t), "1969-12-31T00:00:00.000000000Z");
    }

    fn target(path: &str, display: &str) -> Target {
        Target {
            path: PathBuf::from(path),
            display: display.to_string(),
            size: 0,
            remote: None,
        }
    }

    #[test]
    fn sidecar_paths_stay_inside_the_output_directory() {
        let t = target("music/a/01.wav", "a/01.wav");
        assert_eq!(
            sidecar_path(&t, None),
            PathBuf::from("music/a/01.wav.technical.json")
        );
        assert_eq!(
            sidecar_path(&t, Some(Path::new("out"))),
            PathBuf::from("out/a/01.wav.technical.json")
        );
        let t = target("/abs/../x.flac", "/abs/../x.flac");
        assert_eq!(
            sidecar_path(&t, Some(Path::new("out"))),
            PathBuf::from("out/abs/x.flac.technical.json")
        );
    }

    #[test]
    fn sidecar_names_are_recognised() {
        assert!(is_sidecar(Path::new("a/x.wav.technical.json")));
        assert!(is_sidecar(Path::new("X.WAV.TECHNICAL.JSON")));
        assert!(!is_sidecar(Path::new(".technical.json")));
        assert!(!is_sidecar(Path::new("x.wav")));
    }
}
