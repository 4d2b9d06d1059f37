//! One fuzzing round: mutate seeds, run each mutant through a target with
//! panics caught, and report every input that panics or takes longer than
//! its size allows. Shared by the fuzzer and the fixed-seed test.

use super::mutate::{Rng, mutate};
use super::targets::Target;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

/// Mutants are at most this long: parsers must be exercised, not the disk.
pub const MAX_INPUT: usize = 256 << 10;

/// What one input may cost: a floor, plus time in proportion to its size
/// (work bounded by the bytes given).
pub fn allowed(len: usize) -> Duration {
    Duration::from_millis(250) + Duration::from_micros(len as u64 * 20)
}

/// An input that failed, and how.
pub struct Finding {
    /// `crash` (a panic) or `slow` (over [`allowed`]).
    pub kind: &'static str,
    /// The input.
    pub input: Vec<u8>,
    /// What happened.
    pub detail: String,
}

/// Every file under `dir` whose extension is one of `exts`, sorted.
pub fn seeds(dir: &Path, exts: &[&str]) -> Vec<Vec<u8>> {
    let mut paths = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e))
            {
                paths.push(p);
            }
        }
    }
    paths.sort();
    paths
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter(|b| b.len() <= MAX_INPUT)
        .collect()
}

/// Run `input` through `target`: `None` when it returned in time.
pub fn run_one(target: &Target, input: &[u8]) -> Option<Finding> {
    let started = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| (target.run)(input)));
    let took = started.elapsed();
    match result {
        Err(panic) => {
            let detail = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "panic".to_string());
            Some(Finding {
                kind: "crash",
                input: input.to_vec(),
                detail,
            })
        }
        Ok(()) if took > allowed(input.len()) => Some(Finding {
            kind: "slow",
            input: input.to_vec(),
            detail: format!("{took:?} for {} bytes", input.len()),
        }),
        Ok(()) => None,
    }
}

/// Run mutants of `seeds` through `target` until `iterations` have run or
/// `deadline` has passed; every finding goes to `found`. Returns how many
/// inputs ran.
pub fn round(
    target: &Target,
    seeds: &[Vec<u8>],
    rng: &mut Rng,
    iterations: u64,
    deadline: Instant,
    found: &mut dyn FnMut(Finding),
) -> u64 {
    let empty = Vec::new();
    let mut ran = 0;
    while ran < iterations && Instant::now() < deadline {
        let base = seeds.get(rng.below(seeds.len())).unwrap_or(&empty);
        let other = seeds.get(rng.below(seeds.len())).unwrap_or(&empty);
        let input = mutate(base, other, rng, MAX_INPUT);
        if let Some(f) = run_one(target, &input) {
            found(f);
        }
        ran += 1;
    }
    ran
}
