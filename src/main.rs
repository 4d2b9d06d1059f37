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
