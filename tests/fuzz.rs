//! The fuzzer's findings, replayed for ever: every input in
//! `tests/crashes/TARGET/` (saved by `fuzz/` when it panicked or ran too
//! long) runs through its target again and must return in time. Then a
//! fixed-seed round of the same mutation engine runs a few thousand mutants
//! per target, so the suite itself attacks every parser on every run.

#[path = "../fuzz/src/engine.rs"]
mod engine;
#[path = "../fuzz/src/mutate.rs"]
mod mutate;
#[path = "../fuzz/src/targets.rs"]
mod targets;

use crate::util::root;
use std::time::{Duration, Instant};

#[test]
fn saved_crashes_stay_fixed() {
    let dir = root().join("tests/crashes");
    let mut replayed = 0;
    let mut failures = Vec::new();
    for folder in std::fs::read_dir(&dir).unwrap().flatten() {
        if !folder.path().is_dir() {
            continue;
        }
        let name = folder.file_name().to_string_lossy().into_owned();
        let target = targets::find(&name)
            .unwrap_or_else(|| panic!("tests/crashes/{name}: no fuzz target of that name"));
        for e in std::fs::read_dir(folder.path()).unwrap().flatten() {
            let input = std::fs::read(e.path()).unwrap();
            if let Some(f) = engine::run_one(target, &input) {
                failures.push(format!("{}: {} ({})", e.path().display(), f.kind, f.detail));
            }
            replayed += 1;
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    eprintln!("replayed {replayed} saved inputs");
}

#[test]
fn a_fixed_seed_round_finds_nothing() {
    const PER_TARGET: u64 = 3_000;
    let mut failures = Vec::new();
    for target in targets::TARGETS {
        let seeds = engine::seeds(&root().join("testdata"), target.seeds);
        assert!(!seeds.is_empty(), "{}: no seeds", target.name);
        let mut rng = mutate::Rng::new(0x0dde_7b0b_e000 ^ target.name.len() as u64);
        let ran = engine::round(
            target,
            &seeds,
            &mut rng,
            PER_TARGET,
            Instant::now() + Duration::from_secs(60),
            &mut |f| {
                failures.push(format!(
                    "{}: {} ({}), input {:02x?}...",
                    target.name,
                    f.kind,
                    f.detail,
                    &f.input[..f.input.len().min(32)]
                ))
            },
        );
        assert!(ran > 0);
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
