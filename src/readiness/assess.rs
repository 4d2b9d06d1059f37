//! One asset's readiness: merge what was measured, what the file's tags
//! say and what was declared, apply a profile's rules, score.
//!
//! Merging: measured values fill `technicalResourceDetails` and
//! `ddexMetadata.duration`; a declared value that contradicts the
//! measurement is an invalid field ("declared 44100, measured 48000";
//! durations are compared to the second, each rounded to the nearest
//! second). Embedded tags (ISRC, title, artist, genre) fill what the
//! declared metadata lacks, with a warning saying so. An error in the file
//! itself (truncated, corrupt, unreadable) is an invalid field `file`, so
//! the asset is not ready.
//!
//! Scoring: required fields weigh 60 points, recommended fields 30 and
//! technical quality 10 (accepted sample rate, bit depth and format); the
//! items of a category weigh the same, and an invalid value counts as
//! absent. The score is rounded to the nearest integer (halves up); an
//! empty category counts as met. `isReady` needs 100 and no invalid field.

use super::profile::{P_LINE, PARENTAL_WARNINGS, Profile};
use super::{CategoryScores, InvalidField, Report};
use crate::metadata::Metadata;
use crate::metadata::identifiers as codes;
use crate::metadata::merge::{
    self, BIT_DEPTH, Conflict, DURATION, FILE_FORMAT, Merged, SAMPLE_RATE, present,
};
use crate::record::Record;
use serde_json::Value;
use std::collections::BTreeMap;

/// A report being built: every finding comes with a suggestion.
struct Builder {
    fields: BTreeMap<String, Value>,
    invalid: Vec<InvalidField>,
    warnings: Vec<String>,
    suggestions: Vec<String>,
}

impl Builder {
    fn invalid(
        &mut self,
        field: &str,
        issue: impl Into<String>,
        value: Value,
        fix: impl Into<String>,
    ) {
        if self.invalid.iter().any(|i| i.field == field) {
            return;
        }
        self.invalid.push(InvalidField {
            field: field.to_string(),
            issue: issue.into(),
            current_value: value,
        });
        self.suggest(fix);
    }

    fn warn(&mut self, what: impl Into<String>, fix: impl Into<String>) {
        self.warnings.push(what.into());
        self.suggest(fix);
    }

    fn suggest(&mut self, fix: impl Into<String>) {
        let fix = fix.into();
        if !self.suggestions.contains(&fix) {
            self.suggestions.push(fix);
        }
    }

    fn is_invalid(&self, field: &str) -> bool {
        self.invalid.iter().any(|i| i.field == field)
    }

    /// Present and valid.
    fn ok(&self, field: &str) -> bool {
        if field == P_LINE {
            return self.ok("soundRecordingDetails.pLine.year")
                && self.ok("soundRecordingDetails.pLine.pLineText");
        }
        self.fields.get(field).is_some_and(present) && !self.is_invalid(field)
    }
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// What to do about a missing field.
fn add_suggestion(field: &str) -> String {
    match field {
        "soundRecordingDetails.isrc" => "Add ISRC code for proper identification".to_string(),
        DURATION => "Add the duration (ISO 8601, e.g. PT3M45S); it is measured when the audio can be read".to_string(),
        "ddexMetadata.title" => "Add the recording's title (ddexMetadata.title)".to_string(),
        "ddexMetadata.displayArtist" => "Add the display artist (ddexMetadata.displayArtist)".to_string(),
        FILE_FORMAT | SAMPLE_RATE | BIT_DEPTH => {
            format!("{field} is measured from the audio: make sure the file is a readable audio file")
        }
        "soundRecordingDetails.genre" => "Add a genre from the standard list (e.g. Pop, Rock, Electronic)".to_string(),
        "ddexMetadata.languageOfPerformance" => {
            "Add the language of performance as an ISO 639-1 code (e.g. en)".to_string()
        }
        "soundRecordingDetails.pLine.year" | "soundRecordingDetails.pLine.pLineText" | P_LINE => {
            "Add the P-line: the year of first publication and the rights holder's text (soundRecordingDetails.pLine)".to_string()
        }
        "ddexMetadata.parentalWarningType" => format!(
            "Add the parental warning type ({})",
            PARENTAL_WARNINGS.join(", ")
        ),
        _ => format!("Add {field}"),
    }
}

/// The readiness of the asset measured as `record`, with the metadata
/// `declared` for it (a sidecar or manifest entry), judged by `profile`.
pub fn assess(record: &Record, declared: Option<&Metadata>, profile: &Profile) -> Report {
    let mut b = Builder {
        fields: BTreeMap::new(),
        invalid: Vec::new(),
        warnings: Vec::new(),
        suggestions: Vec::new(),
    };

    // What was declared, and what is wrong with the declaration itself.
    match declared {
        Some(m) => {
            if let Some(e) = &m.error {
                b.invalid(
                    "sidecar",
                    e.clone(),
                    Value::from(m.source.clone().unwrap_or_default()),
                    "Fix the sidecar so that it is a valid JSON object in the asset metadata shape",
                );
            }
            for w in &m.warnings {
                b.warn(
                    w.clone(),
                    "Correct or remove the keys the metadata shape does not know",
                );
            }
            b.fields = m.fields.clone();
        }
        None => b.warn(
            "no sidecar or manifest entry: only what the file itself says is known",
            "Add a sidecar (track01.json beside track01.wav) or a --metadata manifest entry",
        ),
    }

    // The file itself.
    for e in &record.errors {
        b.invalid.push(InvalidField {
            field: "file".to_string(),
            issue: format!("{}: {}", e.code, e.message),
            current_value: Value::from(e.code.as_str()),
        });
        b.suggest(format!(
            "Replace {} with an intact master ({})",
            record.path, e.code
        ));
    }

    let merged = merge::merge(record, std::mem::take(&mut b.fields));
    judge_merge(merged, &mut b);
    validate(record, profile, &mut b);

    // Missing fields.
    let mut missing = Vec::new();
    for field in profile.required.iter().chain(&profile.recommended) {
        let parts: Vec<&str> = if field == P_LINE {
            vec![
                "soundRecordingDetails.pLine.year",
                "soundRecordingDetails.pLine.pLineText",
            ]
        } else {
            vec![field.as_str()]
        };
        for part in parts {
            if !b.fields.get(part).is_some_and(present) && !missing.contains(&part.to_string()) {
                missing.push(part.to_string());
                b.suggest(add_suggestion(part));
            }
        }
    }
    let work_given = b
        .fields
        .keys()
        .any(|k| k.starts_with("musicalWorkReference."));
    if profile.warn_missing_work && !work_given {
        b.warn(
            "no musical work reference: the composition behind the recording is not identified",
            "Add musicalWorkReference (ISWC, work ID, composers, publishers) so the publishing side can be paid",
        );
    }

    // Score.
    let required = profile.required.iter().filter(|f| b.ok(f)).count();
    let recommended = profile.recommended.iter().filter(|f| b.ok(f)).count();
    let measured_rate = record.sample_rate;
    let technical = [
        measured_rate.is_some_and(|r| profile.sample_rates.contains(&r)),
        record
            .bit_depth
            .is_some_and(|d| profile.bit_depths.contains(&d)),
        record.file_format.is_some_and(|f| {
            profile
                .formats
                .iter()
                .any(|a| a.eq_ignore_ascii_case(f.as_str()))
        }),
    ]
    .iter()
    .filter(|ok| **ok)
    .count();
    let (score, category_scores) = score(
        (required, profile.required.len()),
        (recommended, profile.recommended.len()),
        (technical, 3),
    );
    Report {
        path: record.path.clone(),
        is_ready: score == 100 && b.invalid.is_empty(),
        readiness_score: score,
        missing_fields: missing,
        invalid_fields: b.invalid,
        warnings: b.warnings,
        suggestions: b.suggestions,
        profile: profile.name.clone(),
        category_scores,
    }
}

/// The merged metadata of an asset without judging it: declared values,
/// then measured values and embedded tags where the declaration has none
/// (a declared value that contradicts the measurement is replaced by the
/// measurement). What `ddexprobe ern` writes.
pub fn merged(record: &Record, declared: Option<&Metadata>) -> BTreeMap<String, Value> {
    merge::merge(
        record,
        declared.map(|m| m.fields.clone()).unwrap_or_default(),
    )
    .fields
}

/// Take the merged fields, with an invalid field for each contradiction
/// with the measurement and a warning for each field taken from tags.
fn judge_merge(merged: Merged, b: &mut Builder) {
    let shown = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
    for c in merged.contradictions {
        let field = c.field.as_str();
        match c.conflict {
            Conflict::Differs { measured } => b.invalid(
                field,
                format!(
                    "declared {}, measured {}",
                    shown(&c.declared),
                    shown(&measured)
                ),
                c.declared.clone(),
                format!(
                    "Correct {field} to {} (measured from the file)",
                    shown(&measured)
                ),
            ),
            Conflict::NotADuration { why, measured } => b.invalid(
                field,
                why.unwrap_or_else(|| "must be an ISO 8601 duration string".to_string()),
                c.declared.clone(),
                format!("Write the duration in ISO 8601, e.g. {measured} (measured)"),
            ),
        }
    }
    b.fields = merged.fields;
    for t in merged.from_tags {
        b.warn(
            format!(
                "{} '{}' is taken from {}, not from the sidecar",
                t.field, t.value, t.from
            ),
            format!(
                "Add {} to the sidecar so the delivery does not depend on embedded tags",
                t.field
            ),
        );
    }
}

/// `(met, items)` per category -> the score and the category scores, each
/// rounded to the nearest integer, halves up, in integer arithmetic.
pub fn score(
    required: (usize, usize),
    recommended: (usize, usize),
    technical: (usize, usize),
) -> (u32, CategoryScores) {
    // An empty category counts as met.
    let frac = |(met, n): (usize, usize)| {
        if n == 0 {
            (1u64, 1u64)
        } else {
            (met as u64, n as u64)
        }
    };
    let (r, rn) = frac(required);
    let (c, cn) = frac(recommended);
    let (t, tn) = frac(technical);
    let den = rn * cn * tn;
    let num = 60 * r * cn * tn + 30 * c * rn * tn + 10 * t * rn * cn;
    let round = |num: u64, den: u64| ((2 * num + den) / (2 * den)) as u32;
    (
        round(num, den),
        CategoryScores {
            required: round(100 * r, rn),
            recommended: round(100 * c, cn),
            technical: round(100 * t, tn),
        },
    )
}

/// Every rule of the profile on the merged values.
fn validate(record: &Record, profile: &Profile, b: &mut Builder) {
    let get = |b: &Builder, f: &str| b.fields.get(f).cloned().filter(present);
    let text = |v: &Value| v.as_str().map(str::to_string);

    if let Some(v) = get(b, "soundRecordingDetails.isrc") {
        match text(&v).map(|s| codes::isrc(&s)) {
            Some(Ok(_)) => {}
            Some(Err(why)) => b.invalid(
                "soundRecordingDetails.isrc",
                why,
                v.clone(),
                "Correct the ISRC: 12 characters, CC-XXX-YY-NNNNN (country, registrant, year, designation)",
            ),
            None => b.invalid(
                "soundRecordingDetails.isrc",
                "must be a string",
                v.clone(),
                "Write the ISRC as a string, e.g. \"USRC17607839\"",
            ),
        }
    }
    for field in ["ddexMetadata.title", "ddexMetadata.displayArtist"] {
        if let Some(v) = b.fields.get(field).cloned()
            && !matches!(&v, Value::String(s) if !s.trim().is_empty())
        {
            b.invalid(
                field,
                "must be a non-empty string",
                v,
                add_suggestion(field),
            );
        }
    }
    if let Some(v) = get(b, "ddexMetadata.languageOfPerformance")
        && let Err(why) =
            text(&v).map_or(Err("must be a string".to_string()), |s| codes::language(&s))
    {
        b.invalid(
            "ddexMetadata.languageOfPerformance",
            why,
            v,
            add_suggestion("ddexMetadata.languageOfPerformance"),
        );
    }
    if let Some(v) = get(b, "ddexMetadata.parentalWarningType")
        && !text(&v).is_some_and(|s| PARENTAL_WARNINGS.contains(&s.as_str()))
    {
        b.invalid(
            "ddexMetadata.parentalWarningType",
            format!("Must be one of {}", PARENTAL_WARNINGS.join(", ")),
            v,
            add_suggestion("ddexMetadata.parentalWarningType"),
        );
    }
    if let Some(v) = get(b, "soundRecordingDetails.genre") {
        match text(&v) {
            Some(g) if profile.genres.iter().any(|k| k == &g) => {}
            Some(g) => b.warn(
                format!("Genre '{g}' may not be recognized by all DSPs"),
                format!(
                    "Use a genre from the standard list ({})",
                    profile.genres.join(", ")
                ),
            ),
            None => b.invalid(
                "soundRecordingDetails.genre",
                "must be a string",
                v,
                add_suggestion("soundRecordingDetails.genre"),
            ),
        }
    }
    if let Some(v) = get(b, "soundRecordingDetails.pLine.year") {
        match codes::p_line_year(&v, codes::current_year()) {
            Ok(None) => {}
            Ok(Some(warning)) => b.warn(
                warning,
                "Check the P-line year: it is the year the recording was first published",
            ),
            Err(why) => b.invalid(
                "soundRecordingDetails.pLine.year",
                why,
                v,
                "Write the P-line year as the four-digit year of first publication",
            ),
        }
    }
    if let Some(v) = b
        .fields
        .get("soundRecordingDetails.pLine.pLineText")
        .cloned()
        && !matches!(&v, Value::String(s) if !s.trim().is_empty())
    {
        b.invalid(
            "soundRecordingDetails.pLine.pLineText",
            "must be a non-empty string",
            v,
            add_suggestion(P_LINE),
        );
    }
    if let Some(v) = get(b, "ddexMetadata.resourceReference")
        && let Err(why) = text(&v).map_or(Err("must be a string".to_string()), |s| {
            codes::resource_reference(&s)
        })
    {
        b.invalid(
            "ddexMetadata.resourceReference",
            why,
            v,
            "Use a DDEX resource reference: 'A' followed by letters, digits, '_' or '-' (e.g. A1)",
        );
    }
    if let Some(v) = get(b, "musicalWorkReference.iswc")
        && let Err(why) = text(&v).map_or(Err("must be a string".to_string()), |s| {
            codes::iswc(&s).map(|_| ())
        })
    {
        b.invalid(
            "musicalWorkReference.iswc",
            why,
            v,
            "Correct the ISWC: T-123.456.789-C with its check digit",
        );
    }

    // Technical quality, on the measured values.
    if let Some(rate) = record.sample_rate
        && !profile.sample_rates.contains(&rate)
    {
        let accepted: Vec<String> = profile.sample_rates.iter().map(u32::to_string).collect();
        let hz: Vec<String> = profile
            .sample_rates
            .iter()
            .take(2)
            .map(|r| format!("{r} Hz"))
            .collect();
        b.invalid(
            SAMPLE_RATE,
            format!("Must be {}", join_or(&accepted)),
            Value::from(rate),
            format!("Update sample rate to {}", join_or(&hz)),
        );
    }
    let depths: Vec<String> = profile.bit_depths.iter().map(u32::to_string).collect();
    match record.bit_depth {
        Some(d) if profile.bit_depths.contains(&d) => {}
        Some(d) => b.invalid(
            BIT_DEPTH,
            format!("Must be {}", join_or(&depths)),
            Value::from(d),
            format!("Deliver {}-bit audio", join_or(&depths)),
        ),
        None if record.file_format.is_some() => b.invalid(
            BIT_DEPTH,
            format!(
                "Must be {} (lossy or unmeasured audio has none)",
                join_or(&depths)
            ),
            Value::Null,
            format!("Deliver the lossless master ({}-bit)", join_or(&depths)),
        ),
        None => {}
    }
    if let Some(f) = record.file_format
        && !profile
            .formats
            .iter()
            .any(|a| a.eq_ignore_ascii_case(f.as_str()))
    {
        b.invalid(
            FILE_FORMAT,
            format!("Must be {}", join_or(&profile.formats)),
            Value::from(f.as_str()),
            format!("Deliver the master as {}", join_or(&profile.formats)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_arithmetic() {
        // Everything met.
        assert_eq!(score((6, 6), (4, 4), (3, 3)).0, 100);
        // The worked example of the README: 4 of 6 required (40), 3 of 4
        // recommended (22.5), 2 of 3 technical (6.67): 69.17 -> 69.
        let (s, c) = score((4, 6), (3, 4), (2, 3));
        assert_eq!(s, 69);
        assert_eq!((c.required, c.recommended, c.technical), (67, 75, 67));
        // Halves round up: 5 of 6 required (50) + 3 of 4 (22.5) + 3 of 3 (10) = 82.5.
        assert_eq!(score((5, 6), (3, 4), (3, 3)).0, 83);
        // One missing item can never round up to 100.
        assert_eq!(score((6, 6), (4, 4), (2, 3)).0, 97);
        assert_eq!(score((6, 6), (3, 4), (3, 3)).0, 93);
        // Empty categories count as met.
        assert_eq!(score((0, 0), (0, 0), (3, 3)).0, 100);
        assert_eq!(score((0, 6), (0, 4), (0, 3)).0, 0);
    }
}
