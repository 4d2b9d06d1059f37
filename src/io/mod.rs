//! Reading files: the bounded byte views every parser reads through
//! ([`reader`]) and the file source behind them ([`source`]: whole files,
//! memory-mapped or read, or a head and a tail window for header-only
//! scans, hashed in the same pass), and writing files whole or not at all
//! ([`atomic`]), and small text files with a size limit ([`text`]).

pub mod atomic;
pub mod reader;
// The memory map and its SIGBUS handler: the one module allowed `unsafe`.
#[allow(unsafe_code)]
pub mod source;
pub mod text;
