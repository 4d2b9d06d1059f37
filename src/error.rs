//! The library's one error type, for what stops a call before any file is
//! measured. Problems with files are never errors: they are findings in
//! the records ([`crate::record::Issue`]), and the batch goes on.

use std::fmt;
use std::path::PathBuf;

/// What a call could not start with.
#[derive(Debug)]
pub enum Error {
    /// A path the caller gave does not exist or cannot be walked.
    Path(PathError),
    /// A list of digests that is not understood (`--hash`).
    Hashes(String),
    /// A delivery profile that is not built in, cannot be read or is not
    /// valid.
    Profile(String),
    /// A metadata manifest that cannot be read or is not valid.
    Metadata(String),
    /// The caller's sink failed (a closed pipe, a full disk): the scan
    /// stopped there.
    Output(std::io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Path(e) => e.fmt(f),
            Error::Hashes(why) | Error::Profile(why) | Error::Metadata(why) => f.write_str(why),
            Error::Output(e) => write!(f, "cannot write the output: {e}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<PathError> for Error {
    fn from(e: PathError) -> Error {
        Error::Path(e)
    }
}

/// A path given by the user cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    /// The path as given.
    pub path: PathBuf,
    /// Why.
    pub reason: String,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

impl std::error::Error for PathError {}
