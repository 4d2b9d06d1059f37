//! `ddexprobe audit MESSAGE.xml`: the message against the files delivered
//! with it ([`ddexprobe::audit`]), written as a table, JSON, NDJSON, JUnit
//! or GitHub annotations. Exit 0 when everything matches, 1 when anything
//! does not, 2 when the message cannot be read at all (said with its line
//! and column). With the `remote` feature the message, its batch (`--root`)
//! or the files it names may be in object storage (`--endpoint`,
//! `--io-concurrency`).

use super::args::{AuditArgs, CheckFormatArg, FailOnArg};
use super::config;
use super::exit::Exit;
use super::messages;
use anyhow::Result;
use ddexprobe::audit::{self, AuditOptions};
use ddexprobe::io::atomic::{Inputs, Output};
use ddexprobe::output::audit::{AuditFormat, fails, write};
use ddexprobe::readiness::profile::Profile;
use std::io::Write;
use std::path::Path;

/// `ddexprobe audit`.
pub fn run(a: AuditArgs) -> Result<Exit> {
    let profile = Profile::load(&a.profile).map_err(anyhow::Error::msg)?;
    let jobs = config::jobs(a.jobs)?;
    let budget = config::budget(&a.verify_budget)?;
    let is_url = |p: &Path| p.to_str().is_some_and(ddexprobe::remote::Location::is_url);
    if let Some(root) = &a.root
        && !is_url(root)
        && !root.is_dir()
    {
        anyhow::bail!("--root {} is not a folder", root.display());
    }
    #[cfg(not(feature = "remote"))]
    if let Some(root) = a.root.as_deref().filter(|r| is_url(r)) {
        anyhow::bail!(
            "--root {} is a location in object storage, which this build cannot read: \
             build with `cargo install --path . --features remote` (the release binaries have it)",
            root.display()
        );
    }
    let format = match a.format {
        Some(CheckFormatArg::Table) => AuditFormat::Table,
        Some(CheckFormatArg::Json) => AuditFormat::Json,
        Some(CheckFormatArg::Ndjson) => AuditFormat::Ndjson,
        Some(CheckFormatArg::Junit) => AuditFormat::Junit,
        Some(CheckFormatArg::Github) => AuditFormat::Github,
        None if config::for_people(a.output.as_deref()) => AuditFormat::Table,
        None => AuditFormat::Ndjson,
    };
    let options = AuditOptions {
        root: a.root.clone(),
        verify: a.verify,
        qc: a.qc,
        budget,
        profile,
        jobs,
        schemas: a.schemas.clone(),
        ignore: audit::Ignore::new(&a.ignore).map_err(anyhow::Error::msg)?,
        #[cfg(feature = "remote")]
        remote: ddexprobe::remote::RemoteOptions {
            endpoint: a.endpoint.clone(),
            io_concurrency: a.io_concurrency.max(1),
        },
        #[cfg(not(feature = "remote"))]
        remote: ddexprobe::remote::RemoteOptions::default(),
    };
    let report = match audit::audit(&a.message, &options) {
        Ok(r) => r,
        Err(e) => {
            messages::error(&format!("cannot audit {}: {e}", a.message.display()));
            return Ok(Exit::NothingDone);
        }
    };
    // -o never replaces the message, the profile or a file of the batch
    // (a message or a batch in object storage is no local file).
    let mut inputs = Inputs::new();
    if a.output.is_some() {
        if !is_url(&a.message) {
            inputs.add(&a.message, &a.message.display().to_string());
        }
        inputs.add(Path::new(&a.profile), &a.profile);
        let batch = Path::new(&report.root);
        let local = (!is_url(batch)).then_some(batch);
        for entry in local
            .into_iter()
            .flat_map(|b| walkdir::WalkDir::new(b).into_iter().flatten())
        {
            if entry.file_type().is_file() {
                inputs.add(entry.path(), &entry.path().display().to_string());
            }
        }
    }
    let (mut sink, out) = Output::open(a.output.as_deref(), &inputs).map_err(anyhow::Error::msg)?;
    let fail_on_warning = a.fail_on == FailOnArg::Warning;
    let base = std::env::current_dir().ok();
    let written = write(&report, format, fail_on_warning, base.as_deref(), &mut sink)
        .and_then(|()| sink.flush());
    drop(sink);
    out.close(written.err()).map_err(anyhow::Error::msg)?;
    let failed = report.findings.iter().any(|f| fails(f, fail_on_warning));
    if !a.quiet && format != AuditFormat::Table {
        eprintln!(
            "ddexprobe: {}: {}",
            if failed {
                "audit failed"
            } else {
                "audit passed"
            },
            report.summary_line()
        );
    }
    Ok(Exit::failed_if(failed))
}
