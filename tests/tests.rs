//! The integration tests, in one binary: one module per area, sharing the
//! helpers in [`util`].

mod artwork;
mod audit;
mod cache;
mod check;
mod cli;
mod corpora;
mod ebu;
mod ern;
mod fixtures;
mod flacgen;
mod fuzz;
mod injection;
mod inputs;
mod qc;
mod readme;
mod release;
mod remote;
mod roundtrip;
mod schemas;
mod shard;
mod sidecar;
mod snapshots;
mod util;
mod verdicts;
mod verify;
mod writes;
