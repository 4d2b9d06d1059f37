//! Say whether one recording can be delivered: measure it, read its
//! sidecar, judge both with a delivery profile, print the readiness report.
//!
//! ```sh
//! cargo run --example readiness -- testdata/catalog/mismatch.wav youtube
//! ```

use ddexprobe::metadata::Declarations;
use ddexprobe::readiness::{assess::assess, profile::Profile};
use std::path::PathBuf;

fn main() {
    let mut args = std::env::args_os().skip(1);
    let audio: PathBuf = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| "testdata/catalog/ready.wav".into());
    let profile_name = args
        .next()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "default".into());
    let profile = match Profile::load(&profile_name) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let record = ddexprobe::probe_path(&audio, &ddexprobe::Options::default());
    // The sidecar beside the file (track01.json or track01.wav.json).
    let declared = Declarations::Sidecars.for_file(&audio, &record.path);
    let report = assess(&record, declared.as_ref(), &profile);
    println!(
        "{}",
        serde_json::to_string_pretty(&report).expect("reports serialize")
    );
}
