//! The `ddexprobe` command: parse the arguments, run the command, map the
//! outcome to an exit code. Each command lives in [`cli`].

mod cli;

use clap::{CommandFactory, FromArgMatches};
use cli::args::{Cli, ColorArg, Command};
use cli::exit::Exit;
use std::process::ExitCode;

fn main() -> ExitCode {
    // A file truncated while it is mapped becomes a `file_changed` finding,
    // not a crash.
    ddexprobe::io::source::install_sigbus_guard();
    // Ctrl-C (and SIGTERM): outputs being written are removed, never left
    // behind as hidden temporary files; the exit code is 130, as shells
    // expect of an interrupted command.
    let _ = ctrlc::set_handler(|| {
        let removed = ddexprobe::io::atomic::remove_temporaries();
        let what = match removed {
            0 => String::new(),
            n => format!("; {n} unfinished output file(s) removed"),
        };
        eprintln!("ddexprobe: interrupted{what}");
        std::process::exit(130);
    });
    // Colour is decided before parsing, so help and usage errors follow
    // `--color` and NO_COLOR too.
    let when = color_flag();
    let stderr_color = cli::messages::set_color(when);
    let clap_color = match (when, stderr_color) {
        (ColorArg::Always, _) => clap::ColorChoice::Always,
        (ColorArg::Never, _) | (ColorArg::Auto, false) => clap::ColorChoice::Never,
        (ColorArg::Auto, true) => clap::ColorChoice::Auto,
    };
    let matches = Cli::command().color(clap_color).get_matches();
    let parsed = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    let result = match parsed.command {
        Command::Scan(a) => cli::scan::scan(a),
        Command::Inspect(a) => cli::scan::inspect(a),
        Command::Check(a) => cli::check::run(a),
        Command::Sidecar(a) => cli::sidecar::run(a),
        Command::Ern(a) => cli::ern::run(a),
        Command::Package(a) => cli::release::package(a),
        Command::Audit(a) => cli::audit::run(a),
        Command::Merge(a) => cli::merge::run(a),
        Command::Completions(a) => cli::docs::completions(a.shell),
        Command::Man => cli::docs::man(),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(e) => {
            cli::messages::error(&format!("{e:#}"));
            Exit::NothingDone.into()
        }
    }
}

/// `--color WHEN` (or `--color=WHEN`) from the raw arguments; `auto` when
/// absent or not understood (clap then reports it).
fn color_flag() -> ColorArg {
    // Arguments need not be UTF-8 (file names): only the flag is read.
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut when = None;
    for (i, a) in args.iter().enumerate() {
        if a == "--" {
            break;
        }
        if let Some(v) = a.strip_prefix("--color=") {
            when = Some(v.to_string());
        } else if a == "--color" {
            when = args.get(i + 1).cloned();
        }
    }
    match when.as_deref() {
        Some("always") => ColorArg::Always,
        Some("never") => ColorArg::Never,
        _ => ColorArg::Auto,
    }
}
