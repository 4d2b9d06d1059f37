//! Runs split across machines: `--files-from`, `--shard K/N`,
//! `--shard-from-env` and `ddexprobe merge`. A run split N ways and merged
//! is byte-identical to the single run, in every format the merge writes;
//! parts that do not fit together are refused before anything is written.

use crate::util::{bin, root, testdata};
use std::fs;
use std::path::{Path, PathBuf};

/// Run `ddexprobe ARGS -o OUT` in the repository root; its stdout is
/// empty. Returns the exit code.
fn run_to(args: &[&str], out: &Path) -> i32 {
    let o = bin()
        .current_dir(root())
        .args(args)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        o.status.code().is_some(),
        "{args:?}: killed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o.status.code().unwrap()
}

/// `args` run whole and split `n` ways then merged (`merge_args` added to
/// the merge): (single output, merged output, single exit, merge exit,
/// the parts).
fn split_and_merge(
    args: &[&str],
    n: u32,
    merge_args: &[&str],
    single_args: &[&str],
) -> (Vec<u8>, Vec<u8>, i32, i32, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap().keep();
    let single = dir.join("single");
    let all: Vec<&str> = args.iter().chain(single_args).copied().collect();
    let single_code = run_to(&all, &single);
    let mut parts = Vec::new();
    for k in 1..=n {
        let p = dir.join(format!("part-{k}.ndjson"));
        let shard = format!("{k}/{n}");
        let mut a: Vec<&str> = args.to_vec();
        a.extend(["--shard", &shard]);
        let code = run_to(&a, &p);
        assert!(code == 0 || code == 1, "part {k}: exit {code}");
        parts.push(p);
    }
    let merged = dir.join("merged");
    let mut m = bin();
    m.current_dir(root()).arg("merge");
    // In another order than written: the merge orders them.
    for p in parts.iter().rev() {
        m.arg(p);
    }
    let o = m.args(merge_args).arg("-o").arg(&merged).output().unwrap();
    let merge_code = o.status.code().unwrap();
    assert!(
        merge_code != 2,
        "merge failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    (
        fs::read(&single).unwrap(),
        fs::read(&merged).unwrap(),
        single_code,
        merge_code,
        parts,
    )
}

fn assert_same(single: &[u8], merged: &[u8], what: &str) {
    if single != merged {
        let s = String::from_utf8_lossy(single);
        let m = String::from_utf8_lossy(merged);
        for (i, (a, b)) in s.lines().zip(m.lines()).enumerate() {
            assert_eq!(a, b, "{what}: line {} differs", i + 1);
        }
        panic!(
            "{what}: {} lines single, {} merged",
            s.lines().count(),
            m.lines().count()
        );
    }
}

#[test]
fn a_scan_split_four_ways_and_merged_is_the_single_run() {
    let (single, merged, sc, mc, parts) =
        split_and_merge(&["scan", "testdata", "--format", "ndjson"], 4, &[], &[]);
    assert!(single.len() > 10_000, "the scan covers testdata");
    assert_same(&single, &merged, "scan NDJSON");
    assert_eq!(sc, mc, "the same exit code");
    // Each part did some of the work, none all of it.
    let lines: Vec<usize> = parts
        .iter()
        .map(|p| fs::read_to_string(p).unwrap().lines().count() - 1)
        .collect();
    let total = String::from_utf8_lossy(&single).lines().count();
    assert_eq!(lines.iter().sum::<usize>(), total);
    assert!(lines.iter().all(|&l| l > 0 && l < total), "{lines:?}");
}

#[test]
fn hashed_scans_merge_with_duplicates_found_across_parts() {
    for format in ["json", "csv", "table"] {
        let (single, merged, sc, mc, _) = split_and_merge(
            &["scan", "testdata/duplicates", "--hash", "md5,sha256"],
            3,
            &["--format", format],
            &["--format", format],
        );
        assert_same(&single, &merged, format);
        assert_eq!(sc, mc);
        if format == "json" {
            // The summary names the copies, whatever parts they were in.
            let v: serde_json::Value = serde_json::from_slice(&merged).unwrap();
            let groups = v["summary"]["duplicates"].as_array().unwrap();
            assert!(!groups.is_empty(), "{v}");
        }
    }
}

#[test]
fn verified_and_qc_scans_merge() {
    let (single, merged, sc, mc, _) = split_and_merge(
        &[
            "scan",
            "testdata/catalog",
            "testdata/duplicates",
            "--verify",
            "--qc",
            "--hash",
            "sha256",
        ],
        2,
        &["--format", "json"],
        &["--format", "json"],
    );
    assert_same(&single, &merged, "scan --verify --qc JSON");
    assert_eq!(sc, mc);
}

#[test]
fn a_check_split_and_merged_is_the_single_run() {
    // testdata/duplicates holds the same ISRC, the same resource reference
    // and the same master in different files: the merge finds them across
    // parts as the single run does.
    for format in ["ndjson", "json", "junit", "github"] {
        let (single, merged, sc, mc, _) = split_and_merge(
            &[
                "check",
                "testdata/duplicates",
                "testdata/catalog",
                "testdata/artwork",
            ],
            3,
            &["--format", format],
            &["--format", format],
        );
        assert_same(&single, &merged, &format!("check {format}"));
        assert_eq!(sc, mc, "{format}");
        if format == "ndjson" {
            let text = String::from_utf8_lossy(&merged);
            assert!(text.contains("duplicate master"), "{text}");
            assert!(text.contains("is also given to"), "{text}");
        }
    }
}

#[test]
fn parts_that_do_not_fit_are_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let part = |name: &str, args: &[&str]| {
        let p = dir.path().join(name);
        run_to(args, &p);
        p
    };
    let p1 = part("1", &["scan", "testdata/catalog", "--shard", "1/3"]);
    let p2 = part("2", &["scan", "testdata/catalog", "--shard", "2/3"]);
    let p3 = part("3", &["scan", "testdata/catalog", "--shard", "3/3"]);
    let other_inputs = part("x", &["scan", "testdata/duplicates", "--shard", "3/3"]);
    let other_options = part(
        "y",
        &[
            "scan",
            "testdata/catalog",
            "--shard",
            "3/3",
            "--hash",
            "md5",
        ],
    );
    let of_two = part("z", &["scan", "testdata/catalog", "--shard", "2/2"]);
    let cut = dir.path().join("cut");
    let text = fs::read_to_string(&p3).unwrap();
    let without_last: String = text
        .lines()
        .take(text.lines().count() - 1)
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(&cut, without_last).unwrap();
    let corrupt = dir.path().join("corrupt");
    fs::write(&corrupt, text.replacen("\"ordinal\":", "\"ordinal\":9", 1)).unwrap();
    let check_part = part("c", &["check", "testdata/catalog", "--shard", "3/3"]);

    let out = dir.path().join("merged");
    for (parts, code) in [
        (vec![&p1, &p2], "part_missing"),
        (vec![&p1, &p2, &p3, &p3], "part_repeated"),
        (vec![&p1, &p2, &cut], "part_incomplete"),
        (vec![&p1, &p2, &other_inputs], "parts_differ"),
        (vec![&p1, &p2, &other_options], "parts_differ"),
        (vec![&p1, &p2, &of_two], "parts_differ"),
        (vec![&p1, &p2, &check_part], "parts_differ"),
        (vec![&p1, &p2, &corrupt], "part_corrupt"),
    ] {
        let o = bin()
            .arg("merge")
            .args(&parts)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{code}: {err}");
        assert!(err.contains(code), "{code}: {err}");
        assert!(!out.exists(), "{code}: nothing is written");
    }
    // A part is never written over.
    let o = bin()
        .arg("merge")
        .args([&p1, &p2, &p3])
        .arg("-o")
        .arg(&p1)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(fs::read_to_string(&p1).unwrap().contains("shardComplete"));
}

#[test]
fn parts_are_disjoint_and_small_catalogs_leave_parts_empty() {
    let dir = tempfile::tempdir().unwrap();
    let mut seen = Vec::new();
    for k in 1..=8 {
        let p = dir.path().join(format!("{k}"));
        let shard = format!("{k}/8");
        let code = run_to(&["scan", "testdata/catalog", "--shard", &shard], &p);
        assert!(
            code == 0 || code == 1,
            "an empty part is no failure: {code}"
        );
        let text = fs::read_to_string(&p).unwrap();
        let last = text.lines().last().unwrap();
        assert!(last.starts_with("{\"shardComplete\":"), "{last}");
        for l in text.lines().filter(|l| l.starts_with("{\"shard\":")) {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            seen.push(v["path"].as_str().unwrap().to_string());
        }
    }
    let n = seen.len();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), n, "no file in two parts");
    assert_eq!(
        n,
        fs::read_dir(testdata("catalog"))
            .unwrap()
            .filter(|e| {
                let p = e.as_ref().unwrap().path();
                p.extension().is_none_or(|x| x != "json")
            })
            .count()
    );
}

#[test]
fn the_part_comes_from_the_environment_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let by_flag = dir.path().join("flag");
    run_to(&["scan", "testdata/catalog", "--shard", "2/3"], &by_flag);
    for (vars, expect) in [
        (
            vec![
                ("JOB_COMPLETION_INDEX", "1"),
                ("DDEXPROBE_SHARD_COUNT", "3"),
            ],
            true,
        ),
        (
            vec![
                ("AWS_BATCH_JOB_ARRAY_INDEX", "1"),
                ("DDEXPROBE_SHARD_COUNT", "3"),
            ],
            true,
        ),
        (
            vec![
                ("SLURM_ARRAY_TASK_ID", "2"),
                ("SLURM_ARRAY_TASK_MIN", "1"),
                ("SLURM_ARRAY_TASK_COUNT", "3"),
            ],
            true,
        ),
        (vec![("JOB_COMPLETION_INDEX", "1")], false),
        (
            vec![
                ("JOB_COMPLETION_INDEX", "3"),
                ("DDEXPROBE_SHARD_COUNT", "3"),
            ],
            false,
        ),
    ] {
        let out = dir.path().join("env");
        let _ = fs::remove_file(&out);
        let mut cmd = bin();
        cmd.current_dir(root());
        for v in [
            "JOB_COMPLETION_INDEX",
            "AWS_BATCH_JOB_ARRAY_INDEX",
            "SLURM_ARRAY_TASK_ID",
            "DDEXPROBE_SHARD_INDEX",
            "DDEXPROBE_SHARD_COUNT",
            "CLOUD_RUN_TASK_INDEX",
            "CLOUD_RUN_TASK_COUNT",
            "SLURM_ARRAY_TASK_COUNT",
            "SLURM_ARRAY_TASK_MIN",
        ] {
            cmd.env_remove(v);
        }
        for (k, v) in &vars {
            cmd.env(k, v);
        }
        let o = cmd
            .args(["scan", "testdata/catalog", "--shard-from-env", "-o"])
            .arg(&out)
            .output()
            .unwrap();
        if expect {
            assert_eq!(
                fs::read(&out).unwrap(),
                fs::read(&by_flag).unwrap(),
                "{vars:?}"
            );
        } else {
            assert_eq!(o.status.code(), Some(2), "{vars:?}");
            assert!(!out.exists());
        }
    }
    // Without the flag the environment is never read.
    let o = bin()
        .current_dir(root())
        .env("JOB_COMPLETION_INDEX", "1")
        .env("DDEXPROBE_SHARD_COUNT", "3")
        .args(["scan", "testdata/catalog", "--format", "ndjson"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&o.stdout).contains("\"shard\""));
}

#[test]
fn work_lists_drive_runs() {
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "testdata/catalog/ready.wav",
        "testdata/duplicates",
        "testdata/catalog/tagged.mp3",
    ];
    let by_args = dir.path().join("args");
    let mut a = vec!["scan", "--format", "ndjson"];
    a.extend(names);
    run_to(&a, &by_args);
    let list = dir.path().join("list");
    fs::write(&list, names.join("\n") + "\n").unwrap();
    let nul = dir.path().join("list0");
    fs::write(&nul, names.join("\0")).unwrap();
    for args in [
        vec![
            "scan",
            "--format",
            "ndjson",
            "--files-from",
            list.to_str().unwrap(),
        ],
        vec![
            "scan",
            "--format",
            "ndjson",
            "-0",
            "--files-from",
            nul.to_str().unwrap(),
        ],
    ] {
        let out = dir.path().join("out");
        assert_eq!(run_to(&args, &out), 0, "{args:?}");
        assert_eq!(
            fs::read(&out).unwrap(),
            fs::read(&by_args).unwrap(),
            "{args:?}"
        );
    }
    // From standard input.
    let o = bin()
        .current_dir(root())
        .args(["scan", "--format", "ndjson", "--files-from", "-"])
        .write_stdin(names.join("\n"))
        .output()
        .unwrap();
    assert_eq!(o.stdout, fs::read(&by_args).unwrap());
    // A NUL-ended list without -0, an empty list, a missing list.
    let empty = dir.path().join("empty");
    fs::write(&empty, "").unwrap();
    for (file, says) in [
        (&nul, "-0"),
        (&empty, "lists no path"),
        (&dir.path().join("none"), "cannot be opened"),
    ] {
        let o = bin()
            .current_dir(root())
            .args(["scan", "--files-from"])
            .arg(file)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&o.stderr).contains(says));
    }
    // A split work list merges into the whole list's run.
    let (single, merged, _, _, _) = split_and_merge(
        &[
            "scan",
            "--format",
            "ndjson",
            "--files-from",
            list.to_str().unwrap(),
        ],
        2,
        &[],
        &[],
    );
    assert_same(&single, &merged, "--files-from");
}

#[test]
fn commands_that_write_one_document_refuse_to_be_split() {
    let o = bin()
        .current_dir(root())
        .args(["ern", "testdata/catalog", "--ern", "4.3", "--shard", "1/2"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot be split"));
    let o = bin()
        .current_dir(root())
        .args([
            "scan",
            "testdata/catalog",
            "--shard",
            "1/2",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    for bad in ["0/2", "3/2", "x"] {
        let o = bin()
            .current_dir(root())
            .args(["scan", "testdata/catalog", "--shard", bad])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{bad}");
    }
}
