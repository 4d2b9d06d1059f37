//! Measure one file and print its record as JSON.
//!
//! ```sh
//! cargo run --example probe_one -- testdata/flac-16bit-44k-stereo.flac
//! ```

use std::path::PathBuf;

fn main() {
    let path: PathBuf = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| "testdata/flac-16bit-44k-stereo.flac".into());
    let options = ddexprobe::Options {
        verify: true,
        ..ddexprobe::Options::default()
    };
    let record = ddexprobe::probe_path(&path, &options);
    println!(
        "{}",
        serde_json::to_string_pretty(&record).expect("records serialize")
    );
    for issue in record.errors.iter().chain(&record.warnings) {
        eprintln!("{}: {}", issue.code, issue.message);
    }
}
