//! The message's own rules, as the YouTube ERN 3.4 feed specification
//! states them and as any recipient needs them: an ISRC on every sound
//! recording, no ISRC or reference twice, no reference to what the message
//! does not have; the cover as the last resource, a `TrackRelease` per
//! recording, track deals granting both subscription and
//! advertisement-supported streaming, at most 1000 recordings.
//!
//! The identity rules are always errors. The feed's shape is the
//! profile's `[release]` rules (`artworkLast`, `trackReleases`,
//! `dealCommercialModels`, `dealUseTypes`, `maxTracks`): errors where the
//! profile states them (`youtube` states them all), and where it does not,
//! warnings with YouTube's values that name the feed.

use super::message::Message;
use super::{AuditCode, Finding, Severity};
use crate::readiness::profile::Profile;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The feed's rules: the profile's where it states them (errors), else
/// YouTube's (warnings).
struct Feed {
    artwork_last: Severity,
    track_releases: Severity,
    models: (Vec<String>, Severity),
    use_types: (Vec<String>, Severity),
    max_tracks: (u32, Severity),
    /// Said in warnings: whose rule it is.
    source: String,
}

impl Feed {
    fn of(profile: &Profile) -> Feed {
        let youtube = Profile::built_in("youtube")
            .and_then(Result::ok)
            .map(|p| p.release)
            .unwrap_or_default();
        let p = &profile.release;
        let pick = |own: bool| {
            if own {
                Severity::Error
            } else {
                Severity::Warning
            }
        };
        Feed {
            artwork_last: pick(p.artwork_last),
            track_releases: pick(p.track_releases),
            models: if p.deal_commercial_models.is_empty() {
                (youtube.deal_commercial_models.clone(), Severity::Warning)
            } else {
                (p.deal_commercial_models.clone(), Severity::Error)
            },
            use_types: if p.deal_use_types.is_empty() {
                (youtube.deal_use_types.clone(), Severity::Warning)
            } else {
                (p.deal_use_types.clone(), Severity::Error)
            },
            max_tracks: match p.max_tracks {
                Some(n) => (n, Severity::Error),
                None => (youtube.max_tracks.unwrap_or(1000), Severity::Warning),
            },
            source: profile.name.clone(),
        }
    }

    /// How a rule's finding names its source.
    fn whose(&self, severity: Severity) -> String {
        match severity {
            Severity::Error => format!("the {} profile's rule", self.source),
            Severity::Warning => {
                "the YouTube ERN feed's rule (an error with --profile youtube)".to_string()
            }
        }
    }
}

/// Check the message's rules.
pub fn check(msg: &Message, profile: &Profile) -> Vec<Finding> {
    let mut out = Vec::new();
    let feed = Feed::of(profile);
    if !msg.version.tested() {
        out.push(Finding::warning(
            AuditCode::VersionUntested,
            format!(
                "ERN {} is read like its neighbours, but audit was tested on 3.4, 3.4.1, 3.8.x, 4.1, 4.2 and 4.3 only",
                msg.version
            ),
            "Check the findings against the version's own schema",
        ));
    }
    identity(msg, &mut out);
    references(msg, &mut out);
    shape(msg, &feed, &mut out);
    deals(msg, &feed, &mut out);
    out
}

/// ISRCs: present, well-formed, once each.
fn identity(msg: &Message, out: &mut Vec<Finding>) {
    let mut seen: BTreeMap<String, Vec<(&str, u32)>> = BTreeMap::new();
    for r in msg.resources.iter().filter(|r| r.kind == "SoundRecording") {
        if r.isrcs.is_empty() {
            out.push(
                Finding::error(
                    AuditCode::IsrcMissing,
                    format!("sound recording {} has no ISRC", r.name()),
                    "Give every sound recording its ISRC (SoundRecordingId/ISRC in 3.x, ResourceId/ISRC in 4.x)",
                )
                .resource(r.reference.as_deref())
                .line(r.line),
            );
        }
        for isrc in &r.isrcs {
            match crate::metadata::identifiers::isrc(isrc) {
                Ok(norm) => seen.entry(norm).or_default().push((r.name(), r.line)),
                Err(why) => out.push(
                    Finding::error(
                        AuditCode::IsrcInvalid,
                        why,
                        "Write the ISRC as 12 characters: CC-XXX-YY-NNNNN without hyphens",
                    )
                    .resource(r.reference.as_deref())
                    .line(r.line)
                    .values(
                        "isrc",
                        isrc.as_str().into(),
                        serde_json::Value::Null,
                    ),
                ),
            }
        }
    }
    for (isrc, on) in seen {
        if on.len() > 1 {
            let refs: Vec<&str> = on.iter().map(|(r, _)| *r).collect();
            out.push(
                Finding::error(
                    AuditCode::DuplicateIsrc,
                    format!("ISRC {isrc} is on {} sound recordings: {}", refs.len(), refs.join(", ")),
                    "One recording, one ISRC: correct the ISRC of the recordings that are not this one",
                )
                .resource(Some(on[1].0))
                .line(on[1].1),
            );
        }
    }
}

/// References: each once, and each pointing at something.
fn references(msg: &Message, out: &mut Vec<Finding>) {
    let dup = |what: &str, items: Vec<(&str, u32)>, out: &mut Vec<Finding>| {
        let mut lines: HashMap<&str, Vec<u32>> = HashMap::new();
        let mut order = Vec::new();
        for (r, line) in items {
            let e = lines.entry(r).or_default();
            if e.is_empty() {
                order.push(r);
            }
            e.push(line);
        }
        for r in order {
            let ls = &lines[r];
            if ls.len() > 1 {
                let shown: Vec<String> = ls.iter().map(u32::to_string).collect();
                out.push(
                    Finding::error(
                        AuditCode::DuplicateReference,
                        format!(
                            "{what} {r} is used {} times (lines {})",
                            ls.len(),
                            shown.join(", ")
                        ),
                        "Give every resource, release and technical block its own reference",
                    )
                    .resource(Some(r))
                    .line(ls[1]),
                );
            }
        }
    };
    dup(
        "resource reference",
        msg.resources
            .iter()
            .filter_map(|r| r.reference.as_deref().map(|x| (x, r.line)))
            .collect(),
        out,
    );
    dup(
        "release reference",
        msg.releases
            .iter()
            .filter_map(|r| r.reference.as_deref().map(|x| (x, r.line)))
            .collect(),
        out,
    );
    dup(
        "technical reference",
        msg.resources
            .iter()
            .flat_map(|r| r.technical.iter())
            .filter_map(|t| t.reference.as_deref().map(|x| (x, t.line)))
            .collect(),
        out,
    );
    let resources: HashSet<&str> = msg
        .resources
        .iter()
        .filter_map(|r| r.reference.as_deref())
        .collect();
    for rel in &msg.releases {
        for (r, line) in &rel.resources {
            if !resources.contains(r.as_str()) {
                out.push(
                    Finding::error(
                        AuditCode::DanglingReference,
                        format!(
                            "release {} lists resource {r}, which is not in the ResourceList",
                            rel.reference.as_deref().unwrap_or("(no reference)")
                        ),
                        "Add the resource to the ResourceList, or remove it from the release",
                    )
                    .resource(Some(r))
                    .line(*line),
                );
            }
        }
    }
    let releases: HashSet<&str> = msg
        .releases
        .iter()
        .filter_map(|r| r.reference.as_deref())
        .collect();
    for d in &msg.deals {
        for r in &d.releases {
            if !releases.contains(r.as_str()) {
                out.push(
                    Finding::error(
                        AuditCode::DanglingReference,
                        format!(
                            "a ReleaseDeal is for release {r}, which is not in the ReleaseList"
                        ),
                        "Add the release, or correct the DealReleaseReference",
                    )
                    .resource(Some(r))
                    .line(d.line),
                );
            }
        }
    }
}

/// The feed's shape: the cover last, a track release per recording, at
/// most so many recordings.
fn shape(msg: &Message, feed: &Feed, out: &mut Vec<Finding>) {
    let recordings: Vec<_> = msg
        .resources
        .iter()
        .filter(|r| r.kind == "SoundRecording")
        .collect();
    let (max, sev) = feed.max_tracks;
    if recordings.len() > max as usize {
        out.push(
            Finding::error(
                AuditCode::TooManyRecordings,
                format!(
                    "the message carries {} sound recordings, more than {max} ({})",
                    recordings.len(),
                    feed.whose(sev)
                ),
                format!("Split the delivery into messages of at most {max} recordings"),
            )
            .severity(sev),
        );
    }
    let sev = feed.artwork_last;
    match msg.resources.last() {
        None => {}
        Some(last)
            if !recordings.is_empty() && !msg.resources.iter().any(|r| r.kind == "Image") =>
        {
            out.push(
                Finding::error(
                    AuditCode::ArtworkMissing,
                    format!(
                        "the message carries no Image: the release has no cover ({})",
                        feed.whose(sev)
                    ),
                    "Add the front cover as an Image resource, last in the ResourceList",
                )
                .severity(sev)
                .line(last.line),
            );
        }
        Some(last) if last.kind != "Image" && msg.resources.iter().any(|r| r.kind == "Image") => {
            let image = msg.resources.iter().find(|r| r.kind == "Image");
            out.push(
                Finding::error(
                    AuditCode::ArtworkNotLast,
                    format!(
                        "the last resource is {} {}, not the cover ({})",
                        last.kind,
                        last.name(),
                        feed.whose(sev)
                    ),
                    "Put the album artwork's Image last in the ResourceList",
                )
                .severity(sev)
                .resource(image.and_then(|i| i.reference.as_deref()))
                .line(image.map_or(last.line, |i| i.line)),
            );
        }
        Some(_) => {}
    }
    let sev = feed.track_releases;
    let in_track: HashSet<&str> = msg
        .releases
        .iter()
        .filter(|r| r.is_track_release())
        .flat_map(|r| r.resources.iter().map(|(x, _)| x.as_str()))
        .collect();
    for r in &recordings {
        if let Some(reference) = &r.reference
            && !in_track.contains(reference.as_str())
        {
            out.push(
                Finding::error(
                    AuditCode::TrackReleaseMissing,
                    format!("sound recording {reference} has no TrackRelease ({})", feed.whose(sev)),
                    "Add a TrackRelease for every sound recording (ddexprobe ern --message writes them)",
                )
                .severity(sev)
                .resource(Some(reference))
                .line(r.line),
            );
        }
    }
}

/// Track deals: both commercial models and a streaming use type, over the
/// deals of each track release. A message without a `DealList` (the first
/// half of a two-phased delivery) and takedown deals are not judged.
fn deals(msg: &Message, feed: &Feed, out: &mut Vec<Finding>) {
    if !msg.has_deal_list {
        return;
    }
    // The deals of each release, indexed once.
    let mut of: HashMap<&str, Vec<&super::message::DealTerms>> = HashMap::new();
    for d in &msg.deals {
        for r in &d.releases {
            of.entry(r.as_str()).or_default().extend(d.deals.iter());
        }
    }
    for rel in msg.releases.iter().filter(|r| r.is_track_release()) {
        let Some(reference) = rel.reference.as_deref() else {
            continue;
        };
        let terms: &[&super::message::DealTerms] = of.get(reference).map_or(&[], Vec::as_slice);
        if !terms.is_empty() && terms.iter().all(|t| t.takedown) {
            continue;
        }
        let live: Vec<_> = terms.iter().filter(|t| !t.takedown).collect();
        let models: HashSet<&str> = live
            .iter()
            .flat_map(|t| t.commercial_models.iter().map(String::as_str))
            .collect();
        let uses: HashSet<&str> = live
            .iter()
            .flat_map(|t| t.use_types.iter().map(String::as_str))
            .collect();
        let (want, sev) = &feed.models;
        let missing: Vec<&str> = want
            .iter()
            .map(String::as_str)
            .filter(|m| !models.contains(m))
            .collect();
        if !missing.is_empty() {
            out.push(
                Finding::error(
                    AuditCode::DealTermsMissing,
                    if live.is_empty() {
                        format!(
                            "track release {reference} has no deal ({})",
                            feed.whose(*sev)
                        )
                    } else {
                        format!(
                            "the deals of track release {reference} do not grant {} ({})",
                            missing.join(" and "),
                            feed.whose(*sev)
                        )
                    },
                    format!("Grant {} to every track release", want.join(" and ")),
                )
                .severity(*sev)
                .resource(Some(reference))
                .line(rel.line)
                .values(
                    "commercialModelType",
                    serde_json::json!(want),
                    serde_json::json!(models.iter().collect::<std::collections::BTreeSet<_>>()),
                ),
            );
            continue;
        }
        let (want, sev) = &feed.use_types;
        if !want.is_empty() && !want.iter().any(|u| uses.contains(u.as_str())) {
            out.push(
                Finding::error(
                    AuditCode::DealTermsMissing,
                    format!(
                        "the deals of track release {reference} grant no {} ({})",
                        want.join(" or "),
                        feed.whose(*sev)
                    ),
                    format!(
                        "Grant the use type {} with the commercial models",
                        want.join(" or ")
                    ),
                )
                .severity(*sev)
                .resource(Some(reference))
                .line(rel.line)
                .values(
                    "useType",
                    serde_json::json!(want),
                    serde_json::json!(uses.iter().collect::<std::collections::BTreeSet<_>>()),
                ),
            );
        }
    }
}
