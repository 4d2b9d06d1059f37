//! `ddexprobe-fuzz`: in-process mutation fuzzing of ddexprobe's parsers on
//! stable Rust. Every input that panics or takes longer than its size
//! allows is saved to `tests/crashes/TARGET/` (named by its content), where
//! the ordinary test suite replays it for ever after.
//!
//! ```text
//! cargo run --release --manifest-path fuzz/Cargo.toml -- TARGET [SECONDS] [SEED]
//! cargo run --release --manifest-path fuzz/Cargo.toml -- all 60
//! ```

mod engine;
mod mutate;
mod targets;

use std::path::PathBuf;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(which) = args.first() else {
        let names: Vec<&str> = targets::TARGETS.iter().map(|t| t.name).collect();
        eprintln!(
            "usage: ddexprobe-fuzz TARGET|all [SECONDS=60] [SEED=time]\ntargets: {}",
            names.join(", ")
        );
        std::process::exit(2);
    };
    let seconds: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(60);
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    });
    let chosen: Vec<&targets::Target> = if which == "all" {
        targets::TARGETS.iter().collect()
    } else {
        match targets::find(which) {
            Some(t) => vec![t],
            None => {
                eprintln!("unknown target {which}");
                std::process::exit(2);
            }
        }
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    // Panics are findings, reported below, not noise on stderr.
    std::panic::set_hook(Box::new(|_| {}));
    let per_target = Duration::from_secs(seconds) / chosen.len() as u32;
    let mut total = 0;
    for target in chosen {
        let seeds = engine::seeds(&root.join("testdata"), target.seeds);
        let mut rng = mutate::Rng::new(seed ^ target.name.len() as u64);
        let out = root.join("tests/crashes").join(target.name);
        let mut found = 0;
        let ran = engine::round(
            target,
            &seeds,
            &mut rng,
            u64::MAX,
            Instant::now() + per_target,
            &mut |f| {
                found += 1;
                let name = format!("{}-{:016x}", f.kind, fnv(&f.input));
                let _ = std::fs::create_dir_all(&out);
                let _ = std::fs::write(out.join(&name), &f.input);
                eprintln!("{}: {} ({}) saved as {name}", target.name, f.kind, f.detail);
            },
        );
        eprintln!(
            "{}: {ran} inputs from {} seeds (seed {seed}), {found} findings",
            target.name,
            seeds.len()
        );
        total += found;
    }
    std::process::exit(i32::from(total > 0));
}

/// FNV-1a, to name a saved input by its content.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
