//! Splitting one run across machines: `--shard K/N`.
//!
//! Every worker is given the same inputs (the same paths, or the same work
//! list with `--files-from`), walks them all in the same order, and
//! measures only the files whose name falls in its part: a stable
//! partition by a hash of the name the record gives the file (its `path`),
//! so N workers do disjoint work that covers everything, whatever machine
//! or mount point each runs on. The engine around ddexprobe (a Kubernetes
//! Indexed Job, an AWS Batch array job, a Slurm array) schedules and
//! retries the parts; `ddexprobe merge` joins their outputs into what one
//! run would have written.
//!
//! The hash is FNV-1a (64-bit) of the name's bytes, mixed with
//! SplitMix64's finaliser so nearby names spread evenly, modulo N. It is
//! part of the output's contract: it never changes between versions.
//!
//! A part's NDJSON carries what the merge needs and a single run does not
//! write: each line starts with a `"shard"` object (the file's position in
//! the whole work list, and for `check` what the catalog checks need), and
//! the part ends with a [`Trailer`] line that proves it complete (a part
//! cut short by a killed worker has none, and the merge refuses it).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One part of N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 0-based part index (`--shard K/N` has K = index + 1).
    pub index: u32,
    /// Number of parts (at least 1).
    pub count: u32,
}

/// The environment variables `--shard-from-env` reads the part's index
/// from, in this order, and whether each counts from 0.
pub const INDEX_VARIABLES: [(&str, bool); 5] = [
    ("DDEXPROBE_SHARD_INDEX", true),
    // Kubernetes Indexed Jobs.
    ("JOB_COMPLETION_INDEX", true),
    // AWS Batch array jobs.
    ("AWS_BATCH_JOB_ARRAY_INDEX", true),
    // Google Cloud Run jobs and Cloud Batch.
    ("CLOUD_RUN_TASK_INDEX", true),
    // Slurm job arrays (made 0-based with SLURM_ARRAY_TASK_MIN).
    ("SLURM_ARRAY_TASK_ID", false),
];

/// The environment variables `--shard-from-env` reads the number of
/// parts from, in this order.
pub const COUNT_VARIABLES: [&str; 3] = [
    "DDEXPROBE_SHARD_COUNT",
    "CLOUD_RUN_TASK_COUNT",
    "SLURM_ARRAY_TASK_COUNT",
];

/// Largest number of parts.
pub const MAX_SHARDS: u32 = 1 << 20;

impl Shard {
    /// Parse `K/N` (1 <= K <= N).
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || format!("--shard {s:?}: expected K/N with 1 <= K <= N (e.g. 3/8)");
        let (k, n) = s.trim().split_once('/').ok_or_else(bad)?;
        let k: u32 = k.trim().parse().map_err(|_| bad())?;
        let n: u32 = n.trim().parse().map_err(|_| bad())?;
        if k == 0 || n == 0 || k > n {
            return Err(bad());
        }
        if n > MAX_SHARDS {
            return Err(format!("--shard {s:?}: at most {MAX_SHARDS} parts"));
        }
        Ok(Shard {
            index: k - 1,
            count: n,
        })
    }

    /// The part named by the environment (`--shard-from-env`), read through
    /// `var` (`std::env::var` in the program): the index from the first of
    /// [`INDEX_VARIABLES`] that is set, the count from the first of
    /// [`COUNT_VARIABLES`].
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
        let number = |name: &str, v: &str| -> Result<u64, String> {
            v.trim()
                .parse::<u64>()
                .map_err(|_| format!("{name}={v:?} is not a whole number"))
        };
        let Some((name, raw, zero_based)) = INDEX_VARIABLES
            .iter()
            .find_map(|&(name, zero)| var(name).map(|v| (name, v, zero)))
        else {
            return Err(format!(
                "--shard-from-env: none of {} is set",
                INDEX_VARIABLES.map(|(n, _)| n).join(", ")
            ));
        };
        let mut index = number(name, &raw)?;
        if !zero_based {
            let min = match var("SLURM_ARRAY_TASK_MIN") {
                Some(m) => number("SLURM_ARRAY_TASK_MIN", &m)?,
                None => 0,
            };
            index = index
                .checked_sub(min)
                .ok_or_else(|| format!("{name}={raw} is below SLURM_ARRAY_TASK_MIN={min}"))?;
        }
        let Some((count_name, count_raw)) = COUNT_VARIABLES
            .iter()
            .find_map(|&name| var(name).map(|v| (name, v)))
        else {
            return Err(format!(
                "--shard-from-env: {name} gives the part, but nothing gives the number of parts: \
                 set DDEXPROBE_SHARD_COUNT (to the job's completions or array size)"
            ));
        };
        let count = number(count_name, &count_raw)?;
        if count == 0 || count > u64::from(MAX_SHARDS) {
            return Err(format!(
                "{count_name}={count_raw}: the number of parts must be 1 to {MAX_SHARDS}"
            ));
        }
        if index >= count {
            return Err(format!(
                "{name}={raw} names part {} of {count}: the index must be below the count \
                 ({count_name}={count_raw})",
                index + 1
            ));
        }
        Ok(Shard {
            index: index as u32,
            count: count as u32,
        })
    }

    /// Whether the file a record names `name` belongs to this part.
    pub fn takes(&self, name: &[u8]) -> bool {
        part_of(name, self.count) == self.index
    }

    /// `K/N`, as the flag is written.
    pub fn label(&self) -> String {
        format!("{}/{}", self.index + 1, self.count)
    }
}

/// The 0-based part of `count` the name `name` falls in.
pub fn part_of(name: &[u8], count: u32) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in name {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // SplitMix64's finaliser.
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    (h % u64::from(count.max(1))) as u32
}

/// The fingerprint of a work list: SHA-256 over every file's name in
/// order, so parts made from different inputs are never merged.
#[derive(Clone, Default)]
pub struct WorkList {
    hasher: Sha256,
    files: u64,
}

impl WorkList {
    /// Count in the next file of the whole (unsharded) list.
    pub fn add(&mut self, name: &[u8]) {
        self.hasher.update((name.len() as u64).to_le_bytes());
        self.hasher.update(name);
        self.files += 1;
    }

    /// Files counted so far.
    pub fn files(&self) -> u64 {
        self.files
    }

    /// The fingerprint, in hex.
    pub fn fingerprint(&self) -> String {
        let d = self.hasher.clone().finalize();
        d.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// A part's share of a work list, taken as the list goes by: every name
/// is counted into the fingerprint, the part's own are kept with their
/// positions, which the writer takes back in the same order (the records
/// come out in the order their files were taken).
#[derive(Clone)]
pub struct Selector {
    shard: Shard,
    list: WorkList,
    ordinals: std::collections::VecDeque<u64>,
}

impl Selector {
    /// A selector for `shard`.
    pub fn new(shard: Shard) -> Selector {
        Selector {
            shard,
            list: WorkList::default(),
            ordinals: Default::default(),
        }
    }

    /// Count in the next name of the work list; whether it is this part's.
    pub fn offer(&mut self, name: &[u8]) -> bool {
        let ordinal = self.list.files();
        self.list.add(name);
        let mine = self.shard.takes(name);
        if mine {
            self.ordinals.push_back(ordinal);
        }
        mine
    }

    /// The position of the oldest kept name not yet taken back.
    pub fn next_ordinal(&mut self) -> Option<u64> {
        self.ordinals.pop_front()
    }

    /// Every kept position not yet taken back, in order.
    pub fn drain_ordinals(&mut self) -> Vec<u64> {
        self.ordinals.drain(..).collect()
    }

    /// Names counted so far.
    pub fn files(&self) -> u64 {
        self.list.files()
    }

    /// The fingerprint of the names counted so far.
    pub fn fingerprint(&self) -> String {
        self.list.fingerprint()
    }

    /// The part.
    pub fn shard(&self) -> Shard {
        self.shard
    }
}

/// The last line of a part: proof that it is complete, and what the merge
/// checks the parts against each other with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Trailer {
    /// The command that wrote the part (`scan`, `check`).
    pub command: String,
    /// 1-based part.
    pub part: u32,
    /// Number of parts.
    pub parts: u32,
    /// Files in the whole work list.
    pub files: u64,
    /// [`WorkList::fingerprint`] of the whole work list.
    pub work_list: String,
    /// What shaped the records (digests, verification, profile...), so
    /// parts run with different options are never merged.
    pub options: String,
    /// Lines of the part before this one.
    pub lines: u64,
    /// Files this part measured (a file that is not an asset writes no
    /// `check` line).
    pub measured: u64,
    /// The ddexprobe version that wrote the part.
    pub version: String,
    /// The records carry QC figures (`--qc`): the table shows them.
    #[serde(default)]
    pub qc: bool,
    /// Inputs that could not be used (every part walks every input, so
    /// every part lists the same).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub input_problems: Vec<crate::record::InputProblem>,
}

/// The key every part line starts with.
pub const LINE_KEY: &str = "shard";

/// The key of a part's last line.
pub const TRAILER_KEY: &str = "shardComplete";

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn parses_k_of_n() {
        assert_eq!(Shard::parse("1/4"), Ok(Shard { index: 0, count: 4 }));
        assert_eq!(Shard::parse(" 4 / 4 "), Ok(Shard { index: 3, count: 4 }));
        for bad in ["0/4", "5/4", "1/0", "a/b", "3", "", "-1/4", "1/4/5"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        assert!(Shard::parse("1/2000000").is_err());
    }

    #[test]
    fn parts_are_disjoint_cover_everything_and_are_even() {
        let names: Vec<String> = (0..40_000)
            .map(|i| format!("label/{:03}/track-{i:05}.wav", i / 100))
            .collect();
        for n in [1u32, 2, 3, 4, 7, 16] {
            let mut sizes = vec![0u32; n as usize];
            for name in &names {
                let owners: Vec<u32> = (0..n)
                    .filter(|&k| Shard { index: k, count: n }.takes(name.as_bytes()))
                    .collect();
                assert_eq!(owners.len(), 1, "{name} in {owners:?} of {n}");
                sizes[owners[0] as usize] += 1;
            }
            let even = names.len() as f64 / f64::from(n);
            for s in sizes {
                assert!(
                    (f64::from(s) - even).abs() < even * 0.05,
                    "{n} parts: a part of {s}, {even} expected"
                );
            }
        }
    }

    #[test]
    fn the_partition_never_changes() {
        // Part of the output's contract: a change here splits catalogs
        // differently from earlier versions.
        assert_eq!(part_of(b"a.wav", 4), part_of(b"a.wav", 4));
        let got: Vec<u32> = ["a.wav", "b.flac", "album/01.wav", ""]
            .iter()
            .map(|n| part_of(n.as_bytes(), 1000))
            .collect();
        assert_eq!(got, PINNED);
    }
    // Computed independently (Python, the same FNV-1a and SplitMix64 steps).
    const PINNED: [u32; 4] = [251, 96, 793, 203];

    #[test]
    fn reads_the_engines_variables() {
        let env = |pairs: &[(&str, &str)]| {
            let m: HashMap<String, String> = pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            move |k: &str| m.get(k).cloned()
        };
        let k8s = env(&[
            ("JOB_COMPLETION_INDEX", "2"),
            ("DDEXPROBE_SHARD_COUNT", "8"),
        ]);
        assert_eq!(Shard::from_env(k8s), Ok(Shard { index: 2, count: 8 }));
        let batch = env(&[
            ("AWS_BATCH_JOB_ARRAY_INDEX", "0"),
            ("DDEXPROBE_SHARD_COUNT", "3"),
        ]);
        assert_eq!(Shard::from_env(batch), Ok(Shard { index: 0, count: 3 }));
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "5"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "10"),
        ]);
        assert_eq!(
            Shard::from_env(slurm),
            Ok(Shard {
                index: 4,
                count: 10
            })
        );
        let cloud_run = env(&[("CLOUD_RUN_TASK_INDEX", "1"), ("CLOUD_RUN_TASK_COUNT", "2")]);
        assert_eq!(Shard::from_env(cloud_run), Ok(Shard { index: 1, count: 2 }));
        let ours_first = env(&[
            ("DDEXPROBE_SHARD_INDEX", "1"),
            ("JOB_COMPLETION_INDEX", "0"),
            ("DDEXPROBE_SHARD_COUNT", "2"),
        ]);
        assert_eq!(Shard::from_env(ours_first).unwrap().index, 1);
        for bad in [
            env(&[]),
            env(&[("JOB_COMPLETION_INDEX", "2")]),
            env(&[
                ("JOB_COMPLETION_INDEX", "8"),
                ("DDEXPROBE_SHARD_COUNT", "8"),
            ]),
            env(&[
                ("JOB_COMPLETION_INDEX", "x"),
                ("DDEXPROBE_SHARD_COUNT", "8"),
            ]),
            env(&[
                ("JOB_COMPLETION_INDEX", "0"),
                ("DDEXPROBE_SHARD_COUNT", "0"),
            ]),
            env(&[
                ("SLURM_ARRAY_TASK_ID", "0"),
                ("SLURM_ARRAY_TASK_MIN", "1"),
                ("SLURM_ARRAY_TASK_COUNT", "2"),
            ]),
        ] {
            assert!(Shard::from_env(bad).is_err());
        }
    }

    #[test]
    fn work_lists_differ_by_name_and_order() {
        let fp = |names: &[&str]| {
            let mut w = WorkList::default();
            for n in names {
                w.add(n.as_bytes());
            }
            w.fingerprint()
        };
        assert_eq!(fp(&["a", "b"]), fp(&["a", "b"]));
        assert_ne!(fp(&["a", "b"]), fp(&["b", "a"]));
        assert_ne!(fp(&["ab"]), fp(&["a", "b"]));
    }
}
