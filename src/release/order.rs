//! The track order of a release: which disc each recording is on and its
//! place there.
//!
//! A track's disc is its declared `ddexMetadata.discNumber`, else the
//! number of a `disc1/`, `cd2/`, `Disc 3/` folder it lies in, else 1. On
//! its disc, tracks with a declared `ddexMetadata.trackNumber` (or
//! `ddexMetadata.sequence`) come first by that number, then the others in
//! natural path order (`2.wav` before `10.wav`); their places are 1, 2, ...
//! A declared numbering must be whole: discs 1..D, and on each disc
//! tracks 1..N once each — a gap or a duplicate is a finding naming the
//! numbers, since a store would show the album with a hole in it.

use serde_json::Value;
use std::collections::BTreeMap;

/// What the order knows of one track.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// The path relative to the release folder, `/`-separated.
    pub path: &'a str,
    /// The merged metadata by dotted field.
    pub fields: &'a BTreeMap<String, Value>,
}

/// The place of one track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// The disc, from 1.
    pub disc: u32,
    /// The place on the disc, from 1.
    pub number: u32,
}

/// A numbering problem: the field, what is wrong, the numbers as given.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// `ddexMetadata.trackNumber` or `ddexMetadata.discNumber`.
    pub field: &'static str,
    /// What is wrong.
    pub issue: String,
    /// The numbers as declared.
    pub value: Value,
    /// Whether it is only a warning (the order is still defined).
    pub warning: bool,
}

/// A whole number from 1 declared in `field`.
fn number(fields: &BTreeMap<String, Value>, field: &str) -> Option<u32> {
    let n = match fields.get(field)? {
        Value::Number(n) => n.as_u64()?,
        Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    u32::try_from(n).ok().filter(|n| *n >= 1)
}

/// The disc a folder name stands for: `disc1`, `Disc 2`, `cd03`, `disk-4`.
pub fn folder_disc(path: &str) -> Option<u32> {
    let mut parts: Vec<&str> = path.split('/').collect();
    parts.pop();
    parts.iter().rev().find_map(|dir| {
        let lower = dir.to_ascii_lowercase();
        let rest = ["disc", "disk", "cd"]
            .iter()
            .find_map(|p| lower.strip_prefix(p))?;
        let digits = rest.trim_start_matches([' ', '_', '-']);
        (!digits.is_empty() && digits.len() <= 3 && digits.bytes().all(|c| c.is_ascii_digit()))
            .then(|| digits.parse().ok())
            .flatten()
            .filter(|n: &u32| *n >= 1)
    })
}

/// The places of `entries` (in the same order) and the numbering findings.
pub fn places(entries: &[Entry<'_>]) -> (Vec<Place>, Vec<Finding>) {
    let mut findings = Vec::new();
    let discs: Vec<u32> = entries
        .iter()
        .map(|e| {
            let declared = number(e.fields, "ddexMetadata.discNumber");
            let folder = folder_disc(e.path);
            if let (Some(d), Some(f)) = (declared, folder)
                && d != f
            {
                findings.push(Finding {
                    field: "ddexMetadata.discNumber",
                    issue: format!(
                        "{}: declared disc {d}, but the file lies in the folder of disc {f}",
                        e.path
                    ),
                    value: Value::from(d),
                    warning: false,
                });
            }
            declared.or(folder).unwrap_or(1)
        })
        .collect();
    let mut by_disc: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, d) in discs.iter().enumerate() {
        by_disc.entry(*d).or_default().push(i);
    }
    let numbers: Vec<u32> = by_disc.keys().copied().collect();
    if numbers
        .iter()
        .enumerate()
        .any(|(i, d)| *d as usize != i + 1)
    {
        findings.push(Finding {
            field: "ddexMetadata.discNumber",
            issue: format!(
                "the discs are numbered {}: they must run 1, 2, ... without a gap",
                list(&numbers)
            ),
            value: Value::from(numbers.clone()),
            warning: false,
        });
    }
    let mut places = vec![Place { disc: 1, number: 1 }; entries.len()];
    for (disc, mut members) in by_disc {
        let track = |i: usize| {
            number(entries[i].fields, "ddexMetadata.trackNumber")
                .or_else(|| number(entries[i].fields, "ddexMetadata.sequence"))
        };
        members.sort_by(|&a, &b| {
            let (ta, tb) = (track(a), track(b));
            ta.is_none()
                .cmp(&tb.is_none())
                .then(ta.cmp(&tb))
                .then_with(|| crate::ern::natural_cmp(entries[a].path, entries[b].path))
        });
        let declared: Vec<u32> = members.iter().filter_map(|&i| track(i)).collect();
        if !declared.is_empty() {
            let mut sorted = declared.clone();
            sorted.sort_unstable();
            let duplicates: Vec<u32> = sorted
                .windows(2)
                .filter(|w| w[0] == w[1])
                .map(|w| w[0])
                .collect();
            let mut unique = sorted.clone();
            unique.dedup();
            let missing: Vec<u32> = (1..=unique.last().copied().unwrap_or(0))
                .filter(|n| unique.binary_search(n).is_err())
                .collect();
            if !duplicates.is_empty() {
                findings.push(Finding {
                    field: "ddexMetadata.trackNumber",
                    issue: format!(
                        "disc {disc}: track number {} is given to more than one file",
                        list(&duplicates)
                    ),
                    value: Value::from(sorted.clone()),
                    warning: false,
                });
            }
            if !missing.is_empty() {
                findings.push(Finding {
                    field: "ddexMetadata.trackNumber",
                    issue: format!(
                        "disc {disc}: the track numbers are {}; {} missing",
                        list(&sorted),
                        match missing.len() {
                            1 => format!("{} is", missing[0]),
                            _ => format!("{} are", list(&missing)),
                        }
                    ),
                    value: Value::from(sorted.clone()),
                    warning: false,
                });
            }
            if declared.len() < members.len() {
                findings.push(Finding {
                    field: "ddexMetadata.trackNumber",
                    issue: format!(
                        "disc {disc}: {} of {} files declare a track number; the others follow \
                         them in file-name order",
                        declared.len(),
                        members.len()
                    ),
                    value: Value::from(sorted),
                    warning: true,
                });
            }
        }
        for (k, &i) in members.iter().enumerate() {
            places[i] = Place {
                disc,
                number: u32::try_from(k + 1).unwrap_or(u32::MAX),
            };
        }
    }
    (places, findings)
}

/// `1, 2, 4`.
fn list(numbers: &[u32]) -> String {
    numbers
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(pairs: &[(&str, Value)]) -> BTreeMap<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn folders_name_discs() {
        assert_eq!(folder_disc("disc1/01.wav"), Some(1));
        assert_eq!(folder_disc("Disc 2/a.flac"), Some(2));
        assert_eq!(folder_disc("x/CD-03/a.flac"), Some(3));
        assert_eq!(folder_disc("discography/a.flac"), None);
        assert_eq!(folder_disc("disc1.wav"), None);
        assert_eq!(folder_disc("disc0/a.wav"), None);
    }

    #[test]
    fn natural_order_within_folders_and_declared_numbers_first() {
        let empty = fields(&[]);
        let two = fields(&[("ddexMetadata.trackNumber", json!(2))]);
        let one = fields(&[("ddexMetadata.trackNumber", json!(1))]);
        let entries = [
            Entry {
                path: "disc2/10.wav",
                fields: &empty,
            },
            Entry {
                path: "disc2/2.wav",
                fields: &empty,
            },
            Entry {
                path: "disc1/b.wav",
                fields: &one,
            },
            Entry {
                path: "disc1/a.wav",
                fields: &two,
            },
        ];
        let (places, findings) = places(&entries);
        assert!(findings.is_empty(), "{findings:?}");
        let p = |d, n| Place { disc: d, number: n };
        assert_eq!(places, [p(2, 2), p(2, 1), p(1, 1), p(1, 2)]);
    }

    #[test]
    fn gaps_and_duplicates_are_findings() {
        let f1 = fields(&[("ddexMetadata.trackNumber", json!(1))]);
        let f3 = fields(&[("ddexMetadata.trackNumber", json!(3))]);
        let d3 = fields(&[("ddexMetadata.discNumber", json!(3))]);
        let entries = [
            Entry {
                path: "a.wav",
                fields: &f1,
            },
            Entry {
                path: "b.wav",
                fields: &f3,
            },
            Entry {
                path: "c.wav",
                fields: &f3,
            },
            Entry {
                path: "disc2/d.wav",
                fields: &d3,
            },
        ];
        let (_, findings) = places(&entries);
        let issues: Vec<&str> = findings.iter().map(|f| f.issue.as_str()).collect();
        assert!(
            issues.iter().any(|i| i.contains("numbered 1, 3")),
            "{issues:?}"
        );
        assert!(
            issues.iter().any(|i| i.contains("declared disc 3")),
            "{issues:?}"
        );
        assert!(
            issues
                .iter()
                .any(|i| i.contains("track number 3 is given to more"))
        );
        assert!(issues.iter().any(|i| i.contains("1, 3, 3; 2 is missing")));
        assert!(findings.iter().all(|f| !f.warning));
    }
}
