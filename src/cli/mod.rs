//! The `ddexprobe` binary's side: parse flags ([`args`]) into a validated
//! configuration ([`config`]), call the library once per command, print
//! what people read on standard error ([`messages`], [`progress`]), and map
//! the outcome to an exit code ([`exit`]). Nothing here measures, judges or
//! writes documents: that is the library's.

pub mod args;
pub mod audit;
pub mod check;
pub mod config;
pub mod docs;
pub mod ern;
pub mod exit;
pub mod merge;
pub mod messages;
pub mod progress;
pub mod release;
pub mod scan;
pub mod sidecar;
