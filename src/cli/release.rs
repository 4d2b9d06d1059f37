//! The release commands: `check DIR --release` (the product's report),
//! `ern DIR --message` (its NewReleaseMessage) and `package DIR -o BATCH`
//! (its delivery batch). Each loads the folder once through the library
//! ([`ddexprobe::release::load`]), judges it
//! ([`ddexprobe::readiness::release`]), and writes nothing for a release
//! that is not ready unless `--force` says so, loudly.

use super::args::{
    CheckArgs, CheckFormatArg, ControlArg, ErnArgs, ErnHashArg, ErnVersionArg, FailOnArg,
    Inputs as InputArgs, MessageArgs, PackageArgs, UpdateArg,
};
use super::config;
use super::exit::Exit;
use super::progress::Bar;
use anyhow::{Result, bail};
use ddexprobe::checksum::Hashes;
use ddexprobe::ern::release::{self as message, Control, Files, Update};
use ddexprobe::ern::{Hash, Version};
use ddexprobe::io::atomic::{Inputs, Output};
use ddexprobe::metadata::Declarations;
use ddexprobe::output::{package, sanitize};
use ddexprobe::readiness::profile::Profile;
use ddexprobe::readiness::release::{ReleaseReport, assess_release};
use ddexprobe::release::{self, Release};
use ddexprobe::scan::ScanOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What loading a release needs.
struct Load<'a> {
    dir: &'a Path,
    metadata: Option<&'a Path>,
    profile: &'a Profile,
    hashes: Hashes,
    jobs: Option<usize>,
    verify: bool,
    qc: bool,
    budget: &'a str,
    quiet: bool,
}

/// Load and judge the release folder.
fn load(l: Load<'_>) -> Result<(Release, ReleaseReport)> {
    let declarations = Declarations::load(l.metadata).map_err(anyhow::Error::msg)?;
    let opts = ScanOptions {
        hashes: l.hashes,
        jobs: config::jobs(l.jobs)?,
        verify: l.verify,
        budget: config::budget(l.budget)?,
        qc: l.qc.then(|| l.profile.qc_settings()),
    };
    let total: u64 = walkdir::WalkDir::new(l.dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum();
    let bar = Bar::new(config::progress_wanted(l.quiet), total);
    let r = release::load(
        l.dir,
        release::Options {
            scan: opts,
            declarations: &declarations,
        },
        |p| bar.update(p),
    );
    bar.finish();
    let mut r = r.map_err(anyhow::Error::msg)?;
    r.default_deals(&l.profile.release, &l.profile.name);
    for p in &r.problems {
        super::messages::problem(p);
    }
    let report = assess_release(&r, l.profile);
    Ok((r, report))
}

/// Every file the run read (the release's audio, cover and release.json,
/// the manifest and the profile file): an output never replaces one.
fn inputs(release: &Release, dir: &Path, metadata: Option<&Path>, profile: &str) -> Inputs {
    let mut inputs = Inputs::new();
    for t in &release.tracks {
        inputs.add(&t.file, &t.record.path);
    }
    if let Some(c) = &release.cover {
        inputs.add(&c.file, &c.record.path);
    }
    inputs.add(&dir.join(release::spec::FILE_NAME), "release.json");
    if let Some(m) = metadata {
        inputs.add(m, &m.display().to_string());
    }
    inputs.add(Path::new(profile), profile);
    inputs
}

/// The one release folder among `paths`.
/// The one release folder of `inputs`: a release is judged whole, so
/// `--shard` and `--files-from` are refused.
fn release_dir(inputs: &InputArgs, what: &str) -> Result<PathBuf> {
    if inputs.shard.is_some() || inputs.shard_from_env {
        bail!("{what}: a release is judged whole and cannot be split with --shard");
    }
    if inputs.files_from.is_some() {
        bail!("{what} takes one release folder, not --files-from");
    }
    one_dir(&inputs.paths, what)
}

fn one_dir(paths: &[PathBuf], what: &str) -> Result<PathBuf> {
    match paths {
        [dir] if dir.is_dir() => Ok(dir.clone()),
        [other] => bail!(
            "{what}: {} is not a folder: a release is a folder holding its audio, its cover and \
             release.json",
            other.display()
        ),
        _ => bail!("{what} takes one release folder, not {} paths", paths.len()),
    }
}

/// `check DIR --release`.
pub fn check(a: CheckArgs) -> Result<Exit> {
    let dir = release_dir(&a.inputs, "check --release")?;
    let profile = Profile::load(&a.profile).map_err(anyhow::Error::msg)?;
    let (release, report) = load(Load {
        dir: &dir,
        metadata: a.metadata.as_deref(),
        profile: &profile,
        hashes: Hashes::parse("md5").map_err(anyhow::Error::msg)?,
        jobs: a.jobs,
        verify: a.verify,
        qc: a.qc,
        budget: &a.verify_budget,
        quiet: a.quiet,
    })?;
    let json = match a.format {
        Some(CheckFormatArg::Json) => true,
        Some(CheckFormatArg::Table) => false,
        None => !config::for_people(a.output.as_deref()),
        Some(CheckFormatArg::Ndjson | CheckFormatArg::Junit | CheckFormatArg::Github) => bail!(
            "check --release writes one report: --format table or json (the tracks' reports \
             are inside it)"
        ),
    };
    let text = if json {
        let mut s = serde_json::to_string_pretty(&report)?;
        s.push('\n');
        s
    } else {
        table(&report)
    };
    let inputs = inputs(&release, &dir, a.metadata.as_deref(), &a.profile);
    let (mut sink, out) = Output::open(a.output.as_deref(), &inputs).map_err(anyhow::Error::msg)?;
    let failed = sink
        .write_all(text.as_bytes())
        .and_then(|()| sink.flush())
        .err();
    drop(sink);
    out.close(failed).map_err(anyhow::Error::msg)?;
    let passes = (report.is_ready || a.min_score.is_some_and(|m| report.readiness_score >= m))
        && (a.fail_on != FailOnArg::Warning || report.warnings.is_empty());
    Ok(if passes { Exit::Clean } else { Exit::Problems })
}

/// The release report for people.
fn table(r: &ReleaseReport) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let verdict = if r.is_ready { "ready" } else { "NOT READY" };
    let _ = writeln!(
        s,
        "release {}  {verdict}  score {}  (profile {})",
        sanitize(&r.path),
        r.readiness_score,
        r.profile
    );
    if let Some(icpn) = &r.icpn {
        let _ = writeln!(s, "  icpn       {icpn}");
    }
    let discs: Vec<String> = r
        .discs
        .iter()
        .map(|d| format!("disc {}: {} tracks", d.disc, d.tracks))
        .collect();
    let _ = writeln!(s, "  discs      {}", discs.join(", "));
    if let Some(o) = &r.ownership {
        let _ = writeln!(s, "  ownership  {} (from {})", o.date, o.basis);
    }
    for f in &r.missing_fields {
        let _ = writeln!(s, "  missing    {f}");
    }
    for f in &r.invalid_fields {
        let _ = writeln!(s, "  invalid    {}: {}", f.field, sanitize(&f.issue));
    }
    for w in &r.warnings {
        let _ = writeln!(s, "  warning    {}", sanitize(w));
    }
    for t in &r.suggestions {
        let _ = writeln!(s, "  suggestion {}", sanitize(t));
    }
    let _ = writeln!(s, "tracks");
    let places = r
        .discs
        .iter()
        .flat_map(|d| (1..=d.tracks).map(move |n| format!("{}-{n:02}", d.disc)));
    for (t, place) in r.tracks.iter().zip(places) {
        let _ = writeln!(
            s,
            "  {place:<6} {:<9} {:>3}  {}",
            if t.is_ready { "ready" } else { "NOT READY" },
            t.readiness_score,
            sanitize(&t.path)
        );
    }
    match &r.artwork {
        Some(a) => {
            let _ = writeln!(
                s,
                "artwork\n  {:<6} {:<9} {:>3}  {}",
                "cover",
                if a.is_ready { "ready" } else { "NOT READY" },
                a.readiness_score,
                sanitize(&a.path)
            );
        }
        None => {
            let _ = writeln!(s, "artwork\n  none found");
        }
    }
    s
}

/// The message options of `m`.
fn message_options(
    version: ErnVersionArg,
    hash: ErnHashArg,
    m: &MessageArgs,
) -> Result<message::Options> {
    let created = match &m.created {
        Some(t) => {
            let b = t.as_bytes();
            let shape = b.len() == 20
                && b[10] == b'T'
                && b[19] == b'Z'
                && ddexprobe::metadata::identifiers::date(&t[..10]).is_ok()
                && b[13] == b':'
                && b[16] == b':'
                && [11, 12, 14, 15, 17, 18]
                    .iter()
                    .all(|&i| b[i].is_ascii_digit())
                && t[11..13] < *"24"
                && t[14..16] < *"60"
                && t[17..19] < *"60";
            if !shape {
                bail!("--created {t}: write the time as YYYY-MM-DDThh:mm:ssZ (UTC)");
            }
            t.clone()
        }
        None => {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            ddexprobe::duration::utc_timestamp(secs)
        }
    };
    if let Some(id) = &m.message_id
        && (id.is_empty() || id.len() > 128 || id.chars().any(char::is_control))
    {
        bail!("--message-id: give 1 to 128 printable characters");
    }
    Ok(message::Options {
        version: match version {
            ErnVersionArg::V34 => Version::Ern34,
            ErnVersionArg::V341 => Version::Ern341,
            ErnVersionArg::V43 => Version::Ern43,
        },
        control: match m.control {
            ControlArg::Test => Control::Test,
            ControlArg::Live => Control::Live,
        },
        update: match m.update {
            None => Update::New,
            Some(UpdateArg::Full) => Update::Full,
            Some(UpdateArg::MetadataOnly) => Update::MetadataOnly,
            Some(UpdateArg::DealsOnly) => Update::DealsOnly,
            Some(UpdateArg::Takedown) => Update::Takedown,
        },
        created,
        message_id: m.message_id.clone(),
        hash: match hash {
            ErnHashArg::Md5 => Hash::Md5,
            ErnHashArg::Sha256 => Hash::Sha256,
        },
    })
}

/// Whether the release may be written: ready, or `--force` (said loudly).
/// The findings go to standard error either way.
fn gate(report: &ReleaseReport, release: &Release, opts: &message::Options, force: bool) -> bool {
    let mut blocking = false;
    let say = |line: String| eprintln!("ddexprobe: {line}");
    if !report.is_ready {
        for f in &report.missing_fields {
            say(format!("{}: missing {f}", report.path));
        }
        for f in &report.invalid_fields {
            say(format!(
                "{}: {}: {}",
                report.path,
                f.field,
                sanitize(&f.issue)
            ));
        }
        blocking = true;
    }
    // A release with damaged audio is never written, --force or not.
    let damaged: Vec<&str> = release
        .tracks
        .iter()
        .filter(|t| t.record.has_errors())
        .map(|t| t.record.path.as_str())
        .collect();
    if !damaged.is_empty() && opts.update.delivers_files() {
        say(format!(
            "error: the audio of {} cannot be delivered ({}): `ddexprobe scan --verify` says why",
            damaged.len(),
            damaged.join(", ")
        ));
        return false;
    }
    if blocking && !force {
        say(format!(
            "nothing written: the release is not ready (score {}, profile {}); `ddexprobe check \
             {} --release` says what to do, or --force to write it anyway",
            report.readiness_score, report.profile, report.path
        ));
        return false;
    }
    if blocking {
        say(format!(
            "warning: --force: writing the message of a release that is NOT READY (score {}): \
             the recipient may refuse it",
            report.readiness_score
        ));
    }
    true
}

/// `ern DIR --message`.
pub fn ern(a: ErnArgs) -> Result<Exit> {
    let dir = release_dir(&a.inputs, "ern --message")?;
    let profile = Profile::load(&a.profile).map_err(anyhow::Error::msg)?;
    let opts = message_options(a.version, a.hash, &a.message_args)?;
    let (release, report) = load(Load {
        dir: &dir,
        metadata: a.metadata.as_deref(),
        profile: &profile,
        hashes: Hashes::parse(match a.hash {
            ErnHashArg::Md5 => "md5",
            ErnHashArg::Sha256 => "sha256",
        })
        .map_err(anyhow::Error::msg)?,
        jobs: a.jobs,
        verify: a.verify,
        qc: false,
        budget: &a.verify_budget,
        quiet: a.quiet,
    })?;
    if !gate(&report, &release, &opts, a.force) {
        return Ok(Exit::Problems);
    }
    let doc = match message::message(&release, &Files::in_place(&release), &opts) {
        Ok(doc) => doc,
        Err(e) => {
            eprintln!(
                "ddexprobe: error: {}; no message written",
                sanitize(&e.to_string())
            );
            return Ok(Exit::Problems);
        }
    };
    let inputs = inputs(&release, &dir, a.metadata.as_deref(), &a.profile);
    let (mut sink, out) = Output::open(a.output.as_deref(), &inputs).map_err(anyhow::Error::msg)?;
    let failed = sink.write_all(&doc).and_then(|()| sink.flush()).err();
    drop(sink);
    out.close(failed).map_err(anyhow::Error::msg)?;
    Ok(Exit::Clean)
}

/// `package DIR -o BATCH`.
pub fn package(a: PackageArgs) -> Result<Exit> {
    let dir = one_dir(std::slice::from_ref(&a.release), "package")?;
    let profile = Profile::load(&a.profile).map_err(anyhow::Error::msg)?;
    let opts = message_options(a.version, a.hash, &a.message)?;
    // The batch must never land inside the release it is made of.
    let canonical = std::fs::canonicalize(&dir)?;
    let out_abs = std::path::absolute(&a.output)?;
    if out_abs.starts_with(&canonical) || out_abs.starts_with(std::path::absolute(&dir)?) {
        bail!(
            "-o {}: the batch would be written inside the release folder; give a folder \
             elsewhere",
            a.output.display()
        );
    }
    let (release, report) = load(Load {
        dir: &dir,
        metadata: a.metadata.as_deref(),
        profile: &profile,
        // MD5 always: the copies are checked against it.
        hashes: Hashes::parse(match a.hash {
            ErnHashArg::Md5 => "md5",
            ErnHashArg::Sha256 => "md5,sha256",
        })
        .map_err(anyhow::Error::msg)?,
        jobs: a.jobs,
        verify: a.verify,
        qc: false,
        budget: "2048",
        quiet: a.quiet,
    })?;
    if !gate(&report, &release, &opts, a.force) {
        return Ok(Exit::Problems);
    }
    let files = package::batch_files(&release);
    let doc = match message::message(&release, &files, &opts) {
        Ok(doc) => doc,
        Err(e) => {
            eprintln!(
                "ddexprobe: error: {}; nothing written",
                sanitize(&e.to_string())
            );
            return Ok(Exit::Problems);
        }
    };
    let batch = match package::write(
        &release,
        &files,
        &doc,
        &a.output,
        &package::batch_id(&opts.created),
        opts.update.delivers_files(),
    ) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("ddexprobe: error: {}; no batch written", sanitize(&e));
            return Ok(Exit::Problems);
        }
    };
    if !a.quiet {
        eprintln!(
            "ddexprobe: batch {}: {} and {} file(s), {} written last",
            batch.dir.display(),
            batch.message.display(),
            batch.files.len(),
            batch.marker.display()
        );
    }
    Ok(Exit::Clean)
}
