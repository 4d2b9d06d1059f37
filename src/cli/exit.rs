//! Exit codes, documented in the README and `ddexprobe --help`.

use std::process::ExitCode;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything was done and nothing failed.
    Clean = 0,
    /// Done, with problems: a file with an error, an asset not ready, an
    /// input that could not be used (or a warning, with `--fail-on
    /// warning`).
    Problems = 1,
    /// Nothing could be done: a usage error, or no file to work on.
    NothingDone = 2,
}

impl Exit {
    /// `Problems` when `failed`, else `Clean`.
    pub fn failed_if(failed: bool) -> Exit {
        if failed { Exit::Problems } else { Exit::Clean }
    }

    /// How a run over `files` ended: nothing done when there was no file
    /// to work on, else [`Exit::failed_if`].
    pub fn of_run(files: usize, failed: bool) -> Exit {
        if files == 0 {
            Exit::NothingDone
        } else {
            Exit::failed_if(failed)
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}
