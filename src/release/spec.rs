//! `release.json`: what a release folder declares about the release as a
//! whole — the message header's parties, the release's identifiers and
//! credits, its deals and its cover — in the same camelCase style as the
//! sidecars. The object is flattened into dotted fields
//! (`release.pLine.year`) like asset metadata, unknown keys are warnings
//! with the closest field, and `deals` is read into [`Deal`]s whose type
//! errors are findings, never a stop. Judging the values is
//! [`crate::readiness::release`]'s work.

use crate::metadata::{Metadata, Shape, flatten_shape};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// Every field of `release.json` apart from `deals`.
pub const RELEASE_FIELDS: &[&str] = &[
    "messageHeader.messageThreadId",
    "messageHeader.senderPartyId",
    "messageHeader.senderName",
    "messageHeader.recipientPartyId",
    "messageHeader.recipientName",
    "messageHeader.sentOnBehalfOf.partyId",
    "messageHeader.sentOnBehalfOf.name",
    "release.icpn",
    "release.grid",
    "release.proprietaryId",
    "release.catalogNumber",
    "release.title",
    "release.displayArtist",
    "release.labelName",
    "release.releaseType",
    "release.originalReleaseDate",
    "release.pLine.year",
    "release.pLine.pLineText",
    "release.cLine.year",
    "release.cLine.cLineText",
    "release.genre",
    "release.subGenre",
    "release.parentalWarningType",
    "artwork.file",
    "artwork.proprietaryId",
];

/// The keys of one deal.
pub const DEAL_FIELDS: &[&str] = &[
    "territories",
    "excludedTerritories",
    "startDate",
    "endDate",
    "commercialModels",
    "useTypes",
    "takedown",
];

/// The shape of `release.json`.
pub const SHAPE: Shape = Shape {
    fields: RELEASE_FIELDS,
    ignored: &["deals", "$schema"],
    name: "release",
};

/// The file a release folder declares its release in.
pub const FILE_NAME: &str = "release.json";

/// One deal: where, when and how the release may be used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deal {
    /// ISO 3166-1 codes or `Worldwide`.
    pub territories: Vec<String>,
    /// Territories left out of `Worldwide`.
    pub excluded_territories: Vec<String>,
    /// `YYYY-MM-DD`; absent: valid at once.
    pub start_date: Option<String>,
    /// `YYYY-MM-DD`; absent: valid indefinitely.
    pub end_date: Option<String>,
    /// DDEX `CommercialModelType` words.
    pub commercial_models: Vec<String>,
    /// DDEX `UseType` words.
    pub use_types: Vec<String>,
    /// Whether this deal takes the release down.
    pub takedown: bool,
}

/// A value of `release.json` that has the wrong type or shape: the dotted
/// field (`deals[0].territories`), what is wrong, and the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Dotted field name.
    pub field: String,
    /// What is wrong, for people.
    pub issue: String,
    /// The value as written.
    pub value: Value,
}

/// What `release.json` (or a manifest's release keys) declares.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spec {
    /// Dotted fields to values, as written.
    pub fields: BTreeMap<String, Value>,
    /// The deals, in order; `None` when `deals` is absent.
    pub deals: Option<Vec<Deal>>,
    /// Where the release was declared (the file, or the manifest).
    pub source: String,
    /// Keys that are not fields of the shape, and duplicate keys.
    pub warnings: Vec<String>,
    /// Values of the wrong type.
    pub problems: Vec<Problem>,
    /// Why the source could not be read at all.
    pub error: Option<String>,
}

impl Spec {
    /// The `release.json` in `dir`; `None` when there is none.
    pub fn load(dir: &Path) -> Option<Spec> {
        let path = dir.join(FILE_NAME);
        if !path.exists() {
            return None;
        }
        let source = path.display().to_string();
        Some(
            match crate::io::text::read_limited(
                &path,
                crate::io::text::MAX_SMALL_BYTES,
                "release file",
            ) {
                Ok(text) => Spec::parse(&text, &source),
                Err(e) => Spec {
                    source,
                    error: Some(e),
                    ..Spec::default()
                },
            },
        )
    }

    /// The release declared in JSON `text`, read from `source`.
    pub fn parse(text: &str, source: &str) -> Spec {
        match crate::metadata::json::parse(text) {
            Ok(parsed) => {
                let mut spec = match parsed.value {
                    Value::Object(obj) => Spec::from_object(&obj, source),
                    _ => Spec {
                        source: source.to_string(),
                        error: Some(format!("{source}: the release file is not a JSON object")),
                        ..Spec::default()
                    },
                };
                for d in parsed.duplicates {
                    spec.warnings.push(format!(
                        "{source}: {}",
                        crate::metadata::json::duplicate_warning(&d.join("."))
                    ));
                }
                spec
            }
            Err(e) => Spec {
                source: source.to_string(),
                error: Some(format!(
                    "{source}: invalid JSON at line {}, column {}: {e}",
                    e.line(),
                    e.column()
                )),
                ..Spec::default()
            },
        }
    }

    /// The release declared by the object `obj` (a `release.json`, or the
    /// release keys of a manifest).
    pub fn from_object(obj: &Map<String, Value>, source: &str) -> Spec {
        let mut m = Metadata::default();
        flatten_shape(obj, &SHAPE, &mut m);
        let mut spec = Spec {
            fields: m.fields,
            source: source.to_string(),
            warnings: m
                .warnings
                .into_iter()
                .map(|w| format!("{source}: {w}"))
                .collect(),
            ..Spec::default()
        };
        match obj.get("deals") {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                let deals = items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| spec.deal(i, v))
                    .collect();
                spec.deals = Some(deals);
            }
            Some(other) => spec.problems.push(Problem {
                field: "deals".to_string(),
                issue: "must be an array of deal objects".to_string(),
                value: other.clone(),
            }),
        }
        spec
    }

    /// Deal `i`, with its type errors recorded.
    fn deal(&mut self, i: usize, v: &Value) -> Option<Deal> {
        let Value::Object(obj) = v else {
            self.problems.push(Problem {
                field: format!("deals[{i}]"),
                issue: "must be an object (territories, startDate, commercialModels, useTypes...)"
                    .to_string(),
                value: v.clone(),
            });
            return None;
        };
        let mut deal = Deal::default();
        for (k, value) in obj {
            let field = format!("deals[{i}].{k}");
            let list = |out: &mut Vec<String>, problems: &mut Vec<Problem>| match value {
                Value::Array(items) if items.iter().all(Value::is_string) => {
                    out.extend(items.iter().filter_map(|s| s.as_str()).map(str::to_string));
                }
                Value::String(s) => out.push(s.clone()),
                _ => problems.push(Problem {
                    field: field.clone(),
                    issue: "must be an array of strings".to_string(),
                    value: value.clone(),
                }),
            };
            match k.as_str() {
                "territories" => list(&mut deal.territories, &mut self.problems),
                "excludedTerritories" => list(&mut deal.excluded_territories, &mut self.problems),
                "commercialModels" => list(&mut deal.commercial_models, &mut self.problems),
                "useTypes" => list(&mut deal.use_types, &mut self.problems),
                "startDate" | "endDate" => match value {
                    Value::String(s) => {
                        if k == "startDate" {
                            deal.start_date = Some(s.trim().to_string());
                        } else {
                            deal.end_date = Some(s.trim().to_string());
                        }
                    }
                    Value::Null => {}
                    _ => self.problems.push(Problem {
                        field,
                        issue: "must be a date as text, YYYY-MM-DD".to_string(),
                        value: value.clone(),
                    }),
                },
                "takedown" => match value {
                    Value::Bool(b) => deal.takedown = *b,
                    _ => self.problems.push(Problem {
                        field,
                        issue: "must be true or false".to_string(),
                        value: value.clone(),
                    }),
                },
                other => {
                    let closest = DEAL_FIELDS
                        .iter()
                        .find(|f| f.eq_ignore_ascii_case(other))
                        .map(|f| format!(" (did you mean '{f}'?)"))
                        .unwrap_or_else(|| format!(": a deal has {}", DEAL_FIELDS.join(", ")));
                    self.warnings.push(format!(
                        "{}: unknown key '{field}' is ignored{closest}",
                        self.source
                    ));
                }
            }
        }
        Some(deal)
    }

    /// A text field, trimmed, when present and not empty (numbers as
    /// text).
    pub fn text(&self, field: &str) -> Option<String> {
        match self.fields.get(field)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// Whether this release is taken down: every deal says `takedown`.
    pub fn is_takedown(&self) -> bool {
        self.deals
            .as_ref()
            .is_some_and(|d| !d.is_empty() && d.iter().all(|d| d.takedown))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"{ "messageHeader": { "senderPartyId": "PADPIDA2014101001U", "senderName": "Independent Records",
                     "recipientPartyId": "PADPIDA2013020802I", "recipientName": "YouTube" },
  "release": { "icpn": "5012345678900", "title": "First Light", "displayArtist": "The Artist",
               "labelName": "Independent Records", "releaseType": "Album", "originalReleaseDate": "2024-05-01",
               "pLine": { "year": 2024, "pLineText": "2024 Independent Records" },
               "cLine": { "year": 2024, "cLineText": "2024 Independent Records" },
               "genre": "Pop", "parentalWarningType": "NotExplicit" },
  "deals": [ { "territories": ["Worldwide"], "startDate": "2024-05-01",
               "commercialModels": ["SubscriptionModel", "AdvertisementSupportedModel"], "useTypes": ["OnDemandStream"] } ] }"#;

    #[test]
    fn the_documented_example_reads_whole() {
        let s = Spec::parse(EXAMPLE, "release.json");
        assert!(s.error.is_none() && s.warnings.is_empty() && s.problems.is_empty());
        assert_eq!(s.text("release.icpn").as_deref(), Some("5012345678900"));
        assert_eq!(s.text("release.pLine.year").as_deref(), Some("2024"));
        assert_eq!(
            s.text("messageHeader.recipientName").as_deref(),
            Some("YouTube")
        );
        let deals = s.deals.unwrap();
        assert_eq!(deals.len(), 1);
        assert_eq!(deals[0].territories, ["Worldwide"]);
        assert_eq!(
            deals[0].commercial_models,
            ["SubscriptionModel", "AdvertisementSupportedModel"]
        );
        assert_eq!(deals[0].start_date.as_deref(), Some("2024-05-01"));
        assert!(!deals[0].takedown);
    }

    #[test]
    fn wrong_types_and_typos_are_findings() {
        let s = Spec::parse(
            r#"{"release": {"titel": "X", "icpn": 5012345678900},
                "deals": [{"territories": "GB", "startDate": 2024, "takeDown": true}, 3]}"#,
            "r.json",
        );
        assert!(s.warnings.iter().any(|w| w.contains("'release.title'")));
        assert!(
            s.warnings
                .iter()
                .any(|w| w.contains("did you mean 'takedown'"))
        );
        let fields: Vec<&str> = s.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["deals[0].startDate", "deals[1]"]);
        // A single territory as text is accepted.
        assert_eq!(s.deals.unwrap()[0].territories, ["GB"]);
        assert!(Spec::parse("[1]", "r.json").error.is_some());
        assert!(Spec::parse("{", "r.json").error.unwrap().contains("line 1"));
    }
}
