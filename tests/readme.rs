//! Every example in the README is run and compared with what it shows, so
//! the README cannot go stale. An example is a `console` block after an
//! `<!-- example -->` line: one `$ command` (run by `sh` from the
//! repository root, with the built `ddexprobe` first on `PATH`), then its
//! standard output and standard error as one stream, then `# exit code N`
//! when it is not 0. Timings in summaries are masked before comparing.
//!
//! `scripts/readme-examples.sh` (`DDEXPROBE_UPDATE_README=1` here)
//! writes the current outputs into the README.

use crate::util::root;
use std::path::PathBuf;

/// One example: where its output lines are in the README, the command,
/// and the output shown.
struct Example {
    first: usize,
    end: usize,
    command: String,
    shown: Vec<String>,
}

fn examples(lines: &[&str]) -> Vec<Example> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() == "<!-- example -->" {
            assert_eq!(
                lines.get(i + 1).copied(),
                Some("```console"),
                "line {}",
                i + 2
            );
            let command = lines[i + 2]
                .strip_prefix("$ ")
                .unwrap_or_else(|| panic!("line {}: a `$ command`", i + 3))
                .to_string();
            let first = i + 3;
            let mut end = first;
            while lines[end] != "```" {
                end += 1;
            }
            out.push(Example {
                first,
                end,
                command,
                shown: lines[first..end].iter().map(|l| l.to_string()).collect(),
            });
            i = end;
        }
        i += 1;
    }
    out
}

fn run(command: &str) -> Vec<String> {
    let bin_dir: PathBuf = assert_cmd::cargo::cargo_bin("ddexprobe")
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("exec 2>&1; {command}"))
        .current_dir(root())
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .output()
        .unwrap();
    let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    match out.status.code() {
        Some(0) => {}
        Some(n) => lines.push(format!("# exit code {n}")),
        None => lines.push("# killed".to_string()),
    }
    lines
}

/// Timings vary from run to run: `in 0.01 s (3.2 MB/s, 900 files/s)`.
fn masked(line: &str) -> String {
    match line.find(" in ").zip(line.rfind(" files/s)")) {
        Some((at, _)) if line.starts_with("ddexprobe: ") => format!("{} in (timing)", &line[..at]),
        _ => line.to_string(),
    }
}

#[test]
fn every_readme_example_is_what_the_command_prints() {
    let readme_path = root().join("README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap();
    let lines: Vec<&str> = readme.lines().collect();
    let found = examples(&lines);
    assert!(found.len() >= 6, "the README's examples are marked");
    if std::env::var("DDEXPROBE_UPDATE_README").is_ok_and(|v| v == "1") {
        let mut out: Vec<String> = Vec::new();
        let mut at = 0;
        for e in &found {
            out.extend(lines[at..e.first].iter().map(|l| l.to_string()));
            out.extend(run(&e.command));
            at = e.end;
        }
        out.extend(lines[at..].iter().map(|l| l.to_string()));
        std::fs::write(&readme_path, out.join("\n") + "\n").unwrap();
        return;
    }
    let mut stale = Vec::new();
    for e in &found {
        let got: Vec<String> = run(&e.command).iter().map(|l| masked(l)).collect();
        let shown: Vec<String> = e.shown.iter().map(|l| masked(l)).collect();
        if got != shown {
            stale.push(format!(
                "README line {}: `{}` prints:\n{}",
                e.first,
                e.command,
                got.join("\n")
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "stale README examples (run scripts/readme-examples.sh):\n{}",
        stale.join("\n\n")
    );
}
