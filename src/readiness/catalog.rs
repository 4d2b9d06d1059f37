//! Catalog-level checks: what no single asset shows. Two assets with the
//! same ISRC (an ISRC identifies one recording), the same declared
//! resource reference (a message needs each once), or the same master (two
//! byte-identical files, or the same decoded audio in two files). Each is a
//! finding on every asset involved, naming the others.
//!
//! Byte identity needs the files' digests: [`same_size`] names the assets
//! worth hashing (only files of equal size can be identical), so a command
//! that computes no digests hashes those few, not the catalog.

use super::{InvalidField, Report};
use crate::record::Record;
use serde_json::Value;
use std::collections::BTreeMap;

/// One asset as the catalog checks see it.
pub struct Item<'a> {
    /// Its measured record (`sha256`/`md5` and `pcmMd5` when computed).
    pub record: &'a Record,
    /// Its merged metadata ([`crate::readiness::assess::merged`]).
    pub fields: &'a BTreeMap<String, Value>,
}

/// A finding on one asset.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The asset's index in the items given.
    pub index: usize,
    /// The field at fault (`file` for duplicate masters).
    pub field: String,
    /// What is wrong, naming the other assets.
    pub issue: String,
    /// The shared value.
    pub value: Value,
    /// What to do.
    pub suggestion: String,
}

/// Indices of assets whose files have the same size as another's: the
/// only ones that can be byte-identical.
pub fn same_size(records: &[&Record]) -> Vec<usize> {
    let mut by_size: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        if r.size_bytes > 0 {
            by_size.entry(r.size_bytes).or_default().push(i);
        }
    }
    let mut out: Vec<usize> = by_size
        .into_values()
        .filter(|g| g.len() > 1)
        .flatten()
        .collect();
    out.sort_unstable();
    out
}

/// Give the records of files that could be byte-identical (those of equal
/// size, [`same_size`]) a SHA-256 from `hash` (given the record's index)
/// when they have none, so [`findings`] can compare them; the other files
/// are not read again. Returns the indices `hash` could not hash.
pub fn fill_digests(
    records: &mut [Record],
    mut hash: impl FnMut(usize) -> Option<String>,
) -> Vec<usize> {
    let refs: Vec<&Record> = records.iter().collect();
    let wanted = same_size(&refs);
    let mut failed = Vec::new();
    for i in wanted {
        let r = &mut records[i];
        if r.sha256.is_some() || r.md5.is_some() {
            continue;
        }
        match hash(i) {
            Some(d) => r.sha256 = Some(d),
            None => failed.push(i),
        }
    }
    failed
}

/// Every catalog-level finding, in asset order.
pub fn findings(items: &[Item<'_>]) -> Vec<Finding> {
    let mut out = Vec::new();
    let text = |item: &Item<'_>, field: &str| -> Option<String> {
        match item.fields.get(field)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            _ => None,
        }
    };
    // The same ISRC, compared without hyphens and case.
    let isrc = |i: &Item<'_>| {
        text(i, "soundRecordingDetails.isrc").map(|s| {
            s.chars()
                .filter(|c| *c != '-')
                .collect::<String>()
                .to_ascii_uppercase()
        })
    };
    shared(items, isrc, &mut out, |others, value| {
        (
            "soundRecordingDetails.isrc".to_string(),
            format!("the ISRC {value} is also given to {others}: an ISRC identifies one recording"),
            "Give each recording its own ISRC (the same recording delivered twice is one asset)"
                .to_string(),
        )
    });
    let reference = |i: &Item<'_>| text(i, "ddexMetadata.resourceReference");
    shared(items, reference, &mut out, |others, value| {
        (
            "ddexMetadata.resourceReference".to_string(),
            format!("the resource reference {value} is also declared for {others}"),
            "Declare a different resourceReference for each asset of a message (or none: they are assigned)"
                .to_string(),
        )
    });
    let bytes = |i: &Item<'_>| i.record.sha256.clone().or_else(|| i.record.md5.clone());
    shared(items, bytes, &mut out, |others, _| {
        (
            "file".to_string(),
            format!("duplicate master: byte-identical to {others}"),
            "Deliver each master once: remove the copy or replace it with the intended recording"
                .to_string(),
        )
    });
    // The same audio in different files (a WAV and the FLAC made from it),
    // known after --verify; byte-identical files are reported above.
    let audio = |i: &Item<'_>| i.record.pcm_md5.clone();
    let mut same_audio = Vec::new();
    shared(items, audio, &mut same_audio, |others, _| {
        (
            "file".to_string(),
            format!("duplicate master: the same decoded audio (pcmMd5) as {others}"),
            "Deliver each master once: the files hold the same recording".to_string(),
        )
    });
    for f in same_audio {
        if !out.iter().any(|o| o.index == f.index && o.field == "file") {
            out.push(f);
        }
    }
    out.sort_by_key(|f| f.index);
    out
}

/// A finding on every asset whose `key` another asset shares.
fn shared(
    items: &[Item<'_>],
    key: impl Fn(&Item<'_>) -> Option<String>,
    out: &mut Vec<Finding>,
    describe: impl Fn(&str, &str) -> (String, String, String),
) {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        if let Some(k) = key(item) {
            groups.entry(k).or_default().push(i);
        }
    }
    for (value, group) in groups.into_iter().filter(|(_, g)| g.len() > 1) {
        for &i in &group {
            let others: Vec<&str> = group
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| items[j].record.path.as_str())
                .collect();
            let (field, issue, suggestion) = describe(&others.join(", "), &value);
            out.push(Finding {
                index: i,
                field,
                issue,
                value: Value::from(value.clone()),
                suggestion,
            });
        }
    }
}

/// Add `findings` (all of one asset) to its report: invalid fields with
/// their suggestions; the asset is then not ready and scores at most 99.
pub fn apply<'a>(report: &mut Report, findings: impl IntoIterator<Item = &'a Finding>) {
    for f in findings {
        report.invalid_fields.push(InvalidField {
            field: f.field.clone(),
            issue: f.issue.clone(),
            current_value: f.value.clone(),
        });
        if !report.suggestions.contains(&f.suggestion) {
            report.suggestions.push(f.suggestion.clone());
        }
        report.is_ready = false;
        report.readiness_score = report.readiness_score.min(99);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(path: &str, size: u64, sha: Option<&str>, pcm: Option<&str>) -> Record {
        let mut r = Record::failed(
            path.into(),
            size,
            crate::record::Code::ReadError,
            String::new(),
        );
        r.errors.clear();
        r.sha256 = sha.map(String::from);
        r.pcm_md5 = pcm.map(String::from);
        r
    }

    #[test]
    fn duplicates_are_findings_on_every_asset_involved() {
        let recs = [
            record("a.wav", 10, Some("s1"), Some("p1")),
            record("b.wav", 10, Some("s1"), Some("p1")),
            record("c.flac", 7, Some("s2"), Some("p1")),
            record("d.wav", 9, Some("s3"), Some("p4")),
        ];
        let fields: Vec<BTreeMap<String, Value>> = [
            ("US-RC1-76-07839", "A1"),
            ("usrc17607839", "A2"),
            ("GBAYE0000001", "A2"),
            ("GBAYE0000002", "A3"),
        ]
        .iter()
        .map(|(isrc, reference)| {
            BTreeMap::from([
                ("soundRecordingDetails.isrc".to_string(), Value::from(*isrc)),
                (
                    "ddexMetadata.resourceReference".to_string(),
                    Value::from(*reference),
                ),
            ])
        })
        .collect();
        let items: Vec<Item<'_>> = recs
            .iter()
            .zip(&fields)
            .map(|(record, fields)| Item { record, fields })
            .collect();
        let f = findings(&items);
        let of = |i: usize| -> Vec<&str> {
            f.iter()
                .filter(|x| x.index == i)
                .map(|x| x.field.as_str())
                .collect()
        };
        assert_eq!(of(0), ["soundRecordingDetails.isrc", "file"]);
        assert_eq!(
            of(1),
            [
                "soundRecordingDetails.isrc",
                "ddexMetadata.resourceReference",
                "file"
            ]
        );
        assert_eq!(of(2), ["ddexMetadata.resourceReference", "file"]);
        assert!(of(3).is_empty());
        let c = f
            .iter()
            .find(|x| x.index == 2 && x.field == "file")
            .unwrap();
        assert_eq!(
            c.issue,
            "duplicate master: the same decoded audio (pcmMd5) as a.wav, b.wav"
        );
        let a = f
            .iter()
            .find(|x| x.index == 0 && x.field == "file")
            .unwrap();
        assert_eq!(a.issue, "duplicate master: byte-identical to b.wav");
        let refs: Vec<&Record> = recs.iter().collect();
        assert_eq!(same_size(&refs), [0, 1]);
    }
}
