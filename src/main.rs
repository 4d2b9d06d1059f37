//! The `ddexprobe` command: parse the arguments, run the command, map the
//! outcome to an exit code. Each command lives in [`cli`].

mod cli;

use clap::Parser;
use cli::args::{Cli, Command};
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
    let result = match Cli::parse().command {
        Command::Scan(a) => cli::scan::scan(a),
        Command::Inspect(a) => cli::scan::inspect(a),
        Command::Check(a) => cli::check::run(a),
        Command::Sidecar(a) => cli::sidecar::run(a),
        Command::Ern(a) => cli::ern::run(a),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(e) => {
            cli::messages::error(&format!("{e:#}"));
            Exit::NothingDone.into()
        }
    }
}
