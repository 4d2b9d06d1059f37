//! Exit codes, documented in the README and `ddexprobe --help`.

use std::process::ExitCode;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Every file was handled without error (every asset ready).
    Clean = 0,
    /// At least one file has an error (or an asset is not ready).
    FileErrors = 1,
    /// Usage error, or a path that does not exist.
    Usage = 2,
}

impl Exit {
    /// `FileErrors` when `failed`, else `Clean`.
    pub fn failed_if(failed: bool) -> Exit {
        if failed {
            Exit::FileErrors
        } else {
            Exit::Clean
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}
