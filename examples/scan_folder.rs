//! Measure every audio file under a folder in parallel and print one line
//! per file, then the summary.
//!
//! ```sh
//! cargo run --example scan_folder -- testdata
//! ```

use std::io::Write;
use std::path::PathBuf;

fn main() {
    let root: PathBuf = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| "testdata".into());
    let options = ddexprobe::Options {
        hashes: ddexprobe::Hashes::NONE,
        ..ddexprobe::Options::default()
    };
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let result = ddexprobe::scan(&[root], &options, |r| {
        let status = r.errors.first().map_or("ok", |e| e.code.as_str());
        writeln!(
            out,
            "{:<6} {:>6} Hz {:>10}  {:<20} {}",
            r.file_format.map_or("-", |f| f.as_str()),
            r.sample_rate.unwrap_or(0),
            r.duration.as_deref().unwrap_or("-"),
            status,
            r.path
        )
    });
    match result {
        Ok(summary) => eprintln!(
            "{} files, {} with errors, audio {}",
            summary.files, summary.files_with_errors, summary.total_duration
        ),
        // `| head` closed the pipe: nothing more to say.
        Err(ddexprobe::Error::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}
