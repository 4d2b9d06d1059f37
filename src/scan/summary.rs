//! The closing summary of a scan: counts by format, code and verification
//! status, the total duration, and groups of duplicate masters. Its memory
//! does not grow with the files but for the digests of hashed files, kept
//! compact ([`super::digests`]).

use crate::record::{InputProblem, Record};
use serde::Serialize;
use std::collections::BTreeMap;

/// What a scan found, for the closing summary.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Records emitted.
    pub files: u64,
    /// Files per `fileFormat` (`unrecognised` for none).
    pub formats: BTreeMap<String, u64>,
    /// Files with at least one error.
    pub files_with_errors: u64,
    /// Files with warnings and no error.
    pub files_with_warnings: u64,
    /// How often each error code occurred.
    pub error_codes: BTreeMap<String, u64>,
    /// How often each warning code occurred.
    pub warning_codes: BTreeMap<String, u64>,
    /// Sum of the files' durations, in milliseconds.
    pub total_duration_ms: u64,
    /// Sum of the files' durations, ISO 8601.
    pub total_duration: String,
    /// Sum of the file sizes.
    pub bytes: u64,
    /// Files per verification status (`--verify`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub verification: BTreeMap<String, u64>,
    /// Groups of files that are the same master: identical files (same
    /// `sha256`), or the same decoded audio in different files (same
    /// `pcmMd5`). Distributors reject duplicate masters.
    pub duplicates: Vec<DuplicateGroup>,
    /// What `--qc` found over the files.
    #[serde(skip_serializing_if = "crate::qc::summary::QcSummary::is_empty")]
    pub qc: crate::qc::summary::QcSummary,
    /// Inputs that could not be used (set by the caller after discovery).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub input_problems: Vec<InputProblem>,
    /// The digests seen, for the duplicate groups.
    #[serde(skip)]
    digests: super::digests::Digests,
}

/// What a duplicate group shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Key {
    /// The same bytes.
    #[serde(rename = "sha256")]
    Sha256,
    /// The same decoded audio.
    #[serde(rename = "pcmMd5")]
    PcmMd5,
}

/// Files that share a digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuplicateGroup {
    /// `sha256` or `pcmMd5`.
    pub by: Key,
    /// The shared digest.
    pub value: String,
    /// The files, in scan order.
    pub paths: Vec<String>,
}

impl Summary {
    /// Count one record in.
    pub fn add(&mut self, r: &Record) {
        self.files += 1;
        self.bytes += r.size_bytes;
        let fmt = match (r.file_format, &r.non_audio) {
            (Some(f), _) => f.as_str(),
            (None, Some(other)) => other.format,
            (None, None) => "unrecognised",
        };
        *self.formats.entry(fmt.to_string()).or_default() += 1;
        if r.has_errors() {
            self.files_with_errors += 1;
        } else if !r.warnings.is_empty() {
            self.files_with_warnings += 1;
        }
        for i in &r.errors {
            *self.error_codes.entry(i.code.to_string()).or_default() += 1;
        }
        for i in &r.warnings {
            *self.warning_codes.entry(i.code.to_string()).or_default() += 1;
        }
        if let (Some(n), Some(rate)) = (r.total_samples, r.sample_rate)
            && let Some(ms) = crate::duration::millis(n, rate)
        {
            self.total_duration_ms = self
                .total_duration_ms
                .saturating_add(u64::try_from(ms).unwrap_or(u64::MAX));
        }
        self.total_duration = crate::duration::format_millis(u128::from(self.total_duration_ms));
        if let Some(v) = &r.verification
            && let Ok(serde_json::Value::String(status)) = serde_json::to_value(v.status)
        {
            *self.verification.entry(status).or_default() += 1;
        }
        if let Some(qc) = &r.qc {
            self.qc.add(qc, r.bit_depth);
        }
        // Empty files (and empty audio) are all alike and no one's master:
        // they are reported as empty_file, never as duplicates.
        // Nor are images and documents masters.
        let has_audio = r.total_samples != Some(0) && r.is_audio();
        let mut digests: [(Key, &str); 2] = [(Key::Sha256, ""); 2];
        let mut n = 0;
        for (key, digest) in [(Key::Sha256, &r.sha256), (Key::PcmMd5, &r.pcm_md5)] {
            if r.size_bytes == 0 || !r.is_audio() || (key == Key::PcmMd5 && !has_audio) {
                continue;
            }
            if let Some(d) = digest {
                digests[n] = (key, d);
                n += 1;
            }
        }
        if n > 0 {
            self.digests.add(&r.path, &digests[..n]);
        }
    }

    /// Form the duplicate groups once every record is in. Identical files
    /// are one `sha256` group; a `pcmMd5` group is listed only when its
    /// files are not all one identical set.
    pub fn close(&mut self) {
        self.qc.close();
        self.total_duration = crate::duration::format_millis(u128::from(self.total_duration_ms));
        let mut groups: Vec<DuplicateGroup> = self
            .digests
            .take_groups()
            .into_iter()
            .filter(|(_, paths)| paths.len() > 1)
            .map(|((by, value), paths)| DuplicateGroup { by, value, paths })
            .collect();
        // A set, so grouping stays linear in the number of groups.
        let identical: std::collections::HashSet<Vec<String>> = groups
            .iter()
            .filter(|g| g.by == Key::Sha256)
            .map(|g| g.paths.clone())
            .collect();
        groups.retain(|g| g.by == Key::Sha256 || !identical.contains(&g.paths));
        groups.sort_by(|a, b| (a.by, &a.paths).cmp(&(b.by, &b.paths)));
        self.duplicates = groups;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(path: String, sha: &str, pcm: &str) -> Record {
        let mut r = Record::failed(path, 1, crate::record::Code::EmptyFile, String::new());
        r.errors.clear();
        r.sha256 = Some(sha.to_string());
        r.pcm_md5 = Some(pcm.to_string());
        r
    }

    #[test]
    fn identical_pairs_are_one_group_each_and_same_audio_is_listed_apart() {
        let mut s = Summary::default();
        // 40,000 pairs of identical files: the same audio too, so only
        // their sha256 groups are listed (once quadratic: 4 s).
        for i in 0..40_000 {
            for copy in 0..2 {
                s.add(&record(
                    format!("{i}/{copy}"),
                    &format!("{i:016x}{i:048x}"),
                    &format!("{i:016x}{i:016x}"),
                ));
            }
        }
        // One master as two different files.
        s.add(&record("wav".into(), &"a".repeat(64), &"5".repeat(32)));
        s.add(&record("flac".into(), &"b".repeat(64), &"5".repeat(32)));
        s.close();
        assert_eq!(s.duplicates.len(), 40_001);
        let pcm: Vec<_> = s
            .duplicates
            .iter()
            .filter(|g| g.by == Key::PcmMd5)
            .collect();
        assert_eq!(pcm.len(), 1);
        assert_eq!(pcm[0].paths, ["wav", "flac"]);
    }

    #[test]
    fn empty_files_are_never_duplicates() {
        let mut s = Summary::default();
        for i in 0..3 {
            let mut r = record(format!("e{i}"), "empty-sha", "empty-pcm");
            r.size_bytes = 0;
            s.add(&r);
        }
        for i in 0..2 {
            let mut r = record(format!("silent{i}"), &format!("s{i}"), "no-audio");
            r.total_samples = Some(0);
            s.add(&r);
        }
        s.close();
        assert!(s.duplicates.is_empty(), "{:?}", s.duplicates);
    }
}
