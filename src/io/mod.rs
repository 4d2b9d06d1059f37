//! Reading files: the bounded byte views every parser reads through
//! ([`reader`]) and the file source behind them ([`source`]: whole files,
//! memory-mapped or read, or a head and a tail window for header-only
//! scans, hashed in the same pass).

pub mod reader;
pub mod source;
