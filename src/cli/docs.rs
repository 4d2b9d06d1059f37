//! `ddexprobe completions SHELL` and `ddexprobe man`: shell completion
//! scripts and the manual page, generated from the same clap definition as
//! the program's flags, so they never drift from it.

use super::args::Cli;
use super::exit::Exit;
use anyhow::{Context, Result};
use clap::CommandFactory;
use std::io::Write;

/// Print the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> Result<Exit> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "ddexprobe", &mut out);
    std::io::stdout()
        .write_all(&out)
        .context("cannot write to standard output")?;
    Ok(Exit::Clean)
}

/// Print the manual page (roff), with a page section per command.
pub fn man() -> Result<Exit> {
    let cmd = Cli::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .render(&mut out)
        .context("cannot render the manual page")?;
    // Each command's own flags, in a section of its own.
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        writeln!(out, ".SH \"DDEXPROBE {}\"", sub.get_name().to_uppercase())?;
        if let Some(about) = sub.get_about() {
            writeln!(out, "{}", about.to_string().replace('\\', "\\\\"))?;
        }
        let mut section = Vec::new();
        clap_mangen::Man::new(sub.clone())
            .render_options_section(&mut section)
            .context("cannot render the manual page")?;
        // The section's own heading is OPTIONS: keep it as a subsection.
        let text = String::from_utf8_lossy(&section).replacen(".SH OPTIONS", ".SS Options", 1);
        out.write_all(text.as_bytes())?;
    }
    std::io::stdout()
        .write_all(&out)
        .context("cannot write to standard output")?;
    Ok(Exit::Clean)
}
