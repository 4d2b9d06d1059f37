//! One asset's readiness: merge what was measured, what the file's tags
//! say and what was declared, apply a profile's rules, score.
//!
//! Merging: measured values fill `technicalResourceDetails` and
//! `ddexMetadata.duration`; a declared value that contradicts the
//! measurement is an invalid field ("declared 44100, measured 48000"; a
//! declared duration within one second of the measured one agrees, since
//! platforms floor seconds when they convert). Embedded tags (ISRC, title,
//! artist, genre) fill what the declared metadata lacks, with a warning
//! saying so. An error in the file itself (truncated, corrupt, unreadable)
//! is an invalid field `file`, so the asset is not ready.
//!
//! Every invalid field is of one kind: a declared value that is wrong
//! ([`Kind::Declared`]), a measured value the profile does not accept
//! ([`Kind::Rule`]), or damage in the file ([`Kind::File`]). One field can
//! be invalid in two ways at once (declared 44100, measured 22050, and
//! 22050 not accepted): each is reported with its own suggestion.
//!
//! Scoring (the readiness API's 60/30/10, see [`score`]): a required or
//! recommended field earns its share when present and not wrongly
//! declared; a wrongly declared field outside both lists (an ISWC, a
//! resource reference) costs one recommended share. Technical quality is
//! two halves: the audio's parameters (sample rate, bit depth, channels,
//! length) accepted, and the file (format, WAV format tag, layout) accepted
//! and intact. A report with anything missing or invalid scores at most
//! 99, so `isReady` is exactly `readinessScore == 100`.

use super::profile::{LanguageCodes, Level, Measure, P_LINE, PARENTAL_WARNINGS, Profile, QcRule};
use super::{CategoryScores, InvalidField, Report};
use crate::metadata::Metadata;
use crate::metadata::identifiers as codes;
use crate::metadata::merge::{
    self, BIT_DEPTH, Conflict, DURATION, FILE_FORMAT, Merged, SAMPLE_RATE, present,
};
use crate::qc::Qc;
use crate::record::Record;
use serde_json::Value;
use std::collections::BTreeMap;

/// What makes a field invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The declared value is wrong: malformed, or contradicted by the
    /// measurement.
    Declared,
    /// The measured value is one the profile does not accept.
    Rule,
    /// The file itself is damaged or unreadable.
    File,
}

/// The fields of the technical half "the audio's parameters".
const PARAMETERS: &[&str] = &[SAMPLE_RATE, BIT_DEPTH, CHANNELS, DURATION];
/// `technicalResourceDetails.numberOfChannels`.
const CHANNELS: &str = "technicalResourceDetails.numberOfChannels";
/// The WAV format tag, as an invalid field.
const FORMAT_TAG: &str = "technicalResourceDetails.formatTag";
/// Chunks after the audio, as an invalid field.
const AFTER_DATA: &str = "technicalResourceDetails.chunksAfterData";

/// A report being built: every finding comes with a suggestion.
#[derive(Default)]
struct Builder {
    fields: BTreeMap<String, Value>,
    invalid: Vec<InvalidField>,
    kinds: Vec<Kind>,
    warnings: Vec<String>,
    suggestions: Vec<String>,
}

impl Builder {
    /// A declared value that is wrong.
    fn invalid(
        &mut self,
        field: &str,
        issue: impl Into<String>,
        value: Value,
        fix: impl Into<String>,
    ) {
        self.invalid_of(Kind::Declared, field, issue, value, fix);
    }

    /// A field invalid in the way `kind` says (once per field and kind).
    fn invalid_of(
        &mut self,
        kind: Kind,
        field: &str,
        issue: impl Into<String>,
        value: Value,
        fix: impl Into<String>,
    ) {
        if self.has(kind, field) {
            return;
        }
        self.invalid.push(InvalidField {
            field: field.to_string(),
            issue: issue.into(),
            current_value: value,
        });
        self.kinds.push(kind);
        self.suggest(fix);
    }

    fn has(&self, kind: Kind, field: &str) -> bool {
        self.invalid
            .iter()
            .zip(&self.kinds)
            .any(|(i, k)| *k == kind && i.field == field)
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

    /// Present and not wrongly declared (whether the profile accepts a
    /// measured value is the technical category's question).
    fn ok(&self, field: &str) -> bool {
        if field == P_LINE {
            return self.ok("soundRecordingDetails.pLine.year")
                && self.ok("soundRecordingDetails.pLine.pLineText");
        }
        self.fields.get(field).is_some_and(present) && !self.has(Kind::Declared, field)
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
            "Add the language of performance (e.g. en; zxx for an instrumental)".to_string()
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
    let mut b = Builder::default();

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
        b.kinds.push(Kind::File);
        b.suggest(format!(
            "Replace {} with an intact master ({})",
            record.path, e.code
        ));
    }

    let merged = merge::merge(record, std::mem::take(&mut b.fields));
    judge_merge(merged, record, &mut b);
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
    let listed = |f: &str| {
        profile
            .required
            .iter()
            .chain(&profile.recommended)
            .any(|l| l == f || (l == P_LINE && f.starts_with("soundRecordingDetails.pLine.")))
    };
    let mut unlisted: Vec<&str> = b
        .invalid
        .iter()
        .zip(&b.kinds)
        .filter(|(i, k)| **k == Kind::Declared && !listed(&i.field))
        .map(|(i, _)| i.field.as_str())
        .collect();
    unlisted.dedup();
    let required = profile.required.iter().filter(|f| b.ok(f)).count();
    let recommended = profile
        .recommended
        .iter()
        .filter(|f| b.ok(f))
        .count()
        .saturating_sub(unlisted.len());
    let rule = |fields: &[&str]| fields.iter().any(|f| b.has(Kind::Rule, f));
    let parameters = record.sample_rate.is_some() && !rule(PARAMETERS);
    let container = record.file_format.is_some()
        && !rule(&[FILE_FORMAT, FORMAT_TAG, AFTER_DATA])
        && !b.kinds.contains(&Kind::File);
    let technical = usize::from(parameters) + usize::from(container);
    let (mut score, category_scores) = score(
        (required, profile.required.len()),
        (recommended, profile.recommended.len()),
        (technical, 2),
    );
    if !missing.is_empty() || !b.invalid.is_empty() {
        // However many fields a profile lists, one finding is never 100.
        score = score.min(99);
    }
    let echo = |f: &str| b.fields.get(f).and_then(Value::as_str).map(str::to_string);
    Report {
        path: record.path.clone(),
        isrc: echo("soundRecordingDetails.isrc"),
        resource_reference: echo("ddexMetadata.resourceReference"),
        file: None,
        is_ready: score == 100,
        readiness_score: score,
        missing_fields: missing,
        invalid_fields: b.invalid,
        warnings: b.warnings,
        suggestions: b.suggestions,
        profile: profile.name.clone(),
        category_scores,
    }
}

/// The readiness of a cover image measured as `record` (its `artwork`
/// object), judged by the profile's artwork rules: format
/// (`artwork.format`), minimum and maximum width and height
/// (`artwork.width`, `artwork.height`), square (`artwork.square`) and
/// colour space (`artwork.colorSpace`); an error in the file (truncated,
/// a bad PNG CRC, unreadable) is an invalid field `file`, so a damaged
/// cover is never ready. An EXIF orientation other than 1 and
/// transparency are warnings. The score: the five checks (intact, format,
/// size, square, colour space) are the required share, the file being
/// intact the technical one; anything invalid keeps it below 100.
pub fn assess_artwork(record: &Record, profile: &Profile) -> Report {
    let mut b = Builder::default();
    let spec = artwork_spec(profile);
    let redo = format!("Re-export the cover as {spec}");
    for e in &record.errors {
        b.invalid_of(
            Kind::File,
            "file",
            format!("{}: {}", e.code, e.message),
            Value::from(e.code.as_str()),
            format!("Replace {} with an intact export: {spec}", record.path),
        );
    }
    let mut passed = 0usize;
    match &record.artwork {
        None => {
            if record.errors.is_empty() {
                b.invalid_of(
                    Kind::File,
                    "file",
                    "not a JPEG or PNG image that can be measured",
                    Value::Null,
                    redo.clone(),
                );
            }
        }
        Some(a) => {
            if profile.artwork_formats.is_empty()
                || profile.artwork_formats.iter().any(|f| f == &a.format)
            {
                passed += 1;
            } else {
                b.invalid_of(
                    Kind::Rule,
                    "artwork.format",
                    format!(
                        "{} is not accepted ({})",
                        a.format,
                        profile.artwork_formats.join(", ")
                    ),
                    Value::from(a.format.clone()),
                    redo.clone(),
                );
            }
            let mut size_ok = true;
            for (field, value) in [("artwork.width", a.width), ("artwork.height", a.height)] {
                if let Some(min) = profile.artwork_min_size.filter(|m| value < *m) {
                    size_ok = false;
                    b.invalid_of(
                        Kind::Rule,
                        field,
                        format!("{value} px, below the minimum of {min} px"),
                        Value::from(value),
                        redo.clone(),
                    );
                }
                if let Some(max) = profile.artwork_max_size.filter(|m| value > *m) {
                    size_ok = false;
                    b.invalid_of(
                        Kind::Rule,
                        field,
                        format!("{value} px, above the maximum of {max} px"),
                        Value::from(value),
                        format!("Downscale the cover to at most {max}x{max} pixels"),
                    );
                }
            }
            passed += usize::from(size_ok);
            if !profile.artwork_square || a.width == a.height {
                passed += 1;
            } else {
                b.invalid_of(
                    Kind::Rule,
                    "artwork.square",
                    format!("{}x{} is not square (1:1)", a.width, a.height),
                    Value::from(format!("{}x{}", a.width, a.height)),
                    redo.clone(),
                );
            }
            if profile.artwork_color_spaces.is_empty()
                || profile.artwork_color_spaces.contains(&a.color_space)
            {
                passed += 1;
            } else {
                b.invalid_of(
                    Kind::Rule,
                    "artwork.colorSpace",
                    format!(
                        "{} is not accepted ({})",
                        a.color_space,
                        profile.artwork_color_spaces.join(", ")
                    ),
                    Value::from(a.color_space.clone()),
                    redo.clone(),
                );
            }
            if let Some(o) = a.orientation.filter(|o| *o != 1) {
                b.warn(
                    format!(
                        "EXIF orientation {o}: a service that ignores the tag shows the cover \
                         rotated or mirrored"
                    ),
                    "Re-export the cover with its pixels upright and no orientation tag",
                );
            }
            if a.alpha {
                b.warn(
                    "the cover has transparency: a service composites it onto a background \
                     of its choosing",
                    "Flatten the cover onto an opaque background",
                );
            }
        }
    }
    let intact = !b.kinds.contains(&Kind::File);
    let (mut score, category_scores) = score(
        (passed + usize::from(intact), 5),
        (0, 0),
        (usize::from(intact), 1),
    );
    if !b.invalid.is_empty() {
        score = score.min(99);
    }
    Report {
        path: record.path.clone(),
        isrc: None,
        resource_reference: None,
        file: None,
        is_ready: score == 100,
        readiness_score: score,
        missing_fields: Vec::new(),
        invalid_fields: b.invalid,
        warnings: b.warnings,
        suggestions: b.suggestions,
        profile: profile.name.clone(),
        category_scores,
    }
}

/// What a profile asks of a cover, for suggestions: `a square RGB JPEG
/// or PNG of at least 3000x3000 pixels`.
fn artwork_spec(profile: &Profile) -> String {
    let mut s = String::from("a");
    if profile.artwork_square {
        s.push_str(" square");
    }
    if !profile.artwork_color_spaces.is_empty() {
        s.push(' ');
        s.push_str(&profile.artwork_color_spaces.join(" or "));
    }
    s.push(' ');
    if profile.artwork_formats.is_empty() {
        s.push_str("JPEG or PNG");
    } else {
        s.push_str(&profile.artwork_formats.join(" or "));
    }
    match (profile.artwork_min_size, profile.artwork_max_size) {
        (Some(min), Some(max)) => {
            s.push_str(&format!(" of {min}x{min} to {max}x{max} pixels"));
        }
        (Some(min), None) => s.push_str(&format!(" of at least {min}x{min} pixels")),
        (None, Some(max)) => s.push_str(&format!(" of at most {max}x{max} pixels")),
        (None, None) => {}
    }
    s
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
fn judge_merge(merged: Merged, record: &Record, b: &mut Builder) {
    let shown = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
    for c in merged.contradictions {
        let field = c.field.as_str();
        match c.conflict {
            Conflict::Differs { measured } if field == DURATION => {
                let exact = shown(&measured);
                let (samples, rate) = (record.total_samples, record.sample_rate);
                let how = match (samples, rate) {
                    (Some(n), Some(r)) => format!(" ({n} samples at {r} Hz)"),
                    _ => String::new(),
                };
                let floor = match (samples, rate) {
                    (Some(n), Some(r)) if r > 0 => {
                        crate::duration::iso8601(n / u64::from(r) * u64::from(r), r)
                    }
                    _ => None,
                };
                b.invalid(
                    field,
                    format!(
                        "declared {}, measured {exact}{how}: more than one second apart",
                        shown(&c.declared)
                    ),
                    c.declared.clone(),
                    match floor {
                        Some(f) => {
                            format!("Correct {field} to {f} (the measured {exact}, whole seconds)")
                        }
                        None => format!("Correct {field} to {exact} (measured from the file)"),
                    },
                );
            }
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
                format!("Give {field} as non-empty text"),
            );
        }
    }
    let strict = profile.language_codes == LanguageCodes::Iso639_1;
    let check_language = if strict {
        codes::language
    } else {
        codes::language_tag
    };
    if let Some(v) = get(b, "ddexMetadata.languageOfPerformance")
        && let Err(why) =
            text(&v).map_or(Err("must be a string".to_string()), |s| check_language(&s))
    {
        let fix = if strict {
            format!(
                "Write the language as an ISO 639-1 two-letter code (e.g. en); profile {} \
                 accepts no other form",
                profile.name
            )
        } else {
            "Write the language as a BCP 47 tag (e.g. en, pt-BR, zh-Hant; zxx for an \
             instrumental)"
                .to_string()
        };
        b.invalid("ddexMetadata.languageOfPerformance", why, v, fix);
    }
    if let Some(v) = get(b, "ddexMetadata.parentalWarningType")
        && !text(&v).is_some_and(|s| PARENTAL_WARNINGS.contains(&s.as_str()))
    {
        b.invalid(
            "ddexMetadata.parentalWarningType",
            format!("Must be one of {}", PARENTAL_WARNINGS.join(", ")),
            v,
            format!(
                "Replace the parental warning type with one of {} (spelt as here)",
                PARENTAL_WARNINGS.join(", ")
            ),
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
                "Write the genre as text from the standard list (e.g. Pop, Rock, Electronic)",
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
            "Write the P-line text as non-empty text (e.g. \"2024 Kiln Records\")",
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
    for (field, what) in [
        (
            "ddexMetadata.sequence",
            "the recording's place in the release",
        ),
        ("ddexMetadata.trackNumber", "the track's number on its disc"),
        ("ddexMetadata.discNumber", "the disc the track is on"),
    ] {
        if let Some(v) = get(b, field)
            && !v.as_u64().is_some_and(|n| (1..=99_999).contains(&n))
        {
            b.invalid(
                field,
                format!("must be a whole number from 1 ({what})"),
                v,
                format!("Write {field} as a whole number, e.g. 1"),
            );
        }
    }
    if let Some(v) = get(b, "soundRecordingDetails.proprietaryId")
        && text(&v).is_none_or(|s| s.trim().is_empty())
    {
        b.invalid(
            "soundRecordingDetails.proprietaryId",
            "must be non-empty text (the sender's own id for the recording)",
            v,
            "Write the proprietary id as text, e.g. \"TRK-0001\"",
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

    technical(record, profile, b);
    quality(record, profile, b);
}

/// The profile's QC rules alone on a record (`audit --qc`): the invalid
/// fields (error rules broken, or left unchecked), the warnings, and the
/// suggestions, in the order the rules gave them.
pub fn quality_findings(
    record: &Record,
    profile: &Profile,
) -> (Vec<InvalidField>, Vec<String>, Vec<String>) {
    let mut b = Builder::default();
    quality(record, profile, &mut b);
    (b.invalid, b.warnings, b.suggestions)
}

/// The profile's QC rules on what `--qc` measured in the audio: a broken
/// error rule is a [`Kind::Rule`] invalid field `qc.<measure>`, a broken
/// warning rule a warning; each says the threshold, its source and what to
/// do. Rules that could not be checked are said too: an error rule left
/// unchecked keeps the asset from being ready.
fn quality(record: &Record, profile: &Profile, b: &mut Builder) {
    if profile.require_adm && record.is_audio() && record.adm != Some(true) {
        b.invalid_of(
            Kind::Rule,
            "technicalResourceDetails.adm",
            format!(
                "{} requires an ADM master (BW64 with chna and axml chunks)",
                profile.name
            ),
            Value::Bool(false),
            "Export the Dolby Atmos master as an ADM BWF file from the renderer",
        );
    }
    if profile.qc_rules.is_empty() || !record.is_audio() {
        return;
    }
    let errors = profile.qc_rules.iter().any(|r| r.level == Level::Error);
    let qc = match &record.qc {
        Some(qc) if qc.analysed => qc,
        other => {
            let why = match other {
                Some(qc) => qc.reason.clone().unwrap_or_default(),
                None => "the audio was not analysed (run with --qc)".to_string(),
            };
            let what = format!("{}'s QC rules were not checked: {why}", profile.name);
            if errors {
                b.invalid_of(
                    Kind::Rule,
                    "qc",
                    what,
                    Value::Null,
                    "Run check with --qc on a format whose audio ddexprobe decodes (WAV, AIFF, FLAC, ALAC, MP3, AAC, Vorbis)",
                );
            } else if other.is_some() {
                b.warn(what, "Check loudness and peaks with another meter");
            }
            return;
        }
    };
    if let (Some(reference), Some(i)) = (profile.loudness_reference, qc.integrated_loudness) {
        let gain = reference - i;
        if gain.abs() >= 0.05 {
            b.suggest(format!(
                "Integrated loudness {i:.1} LUFS: {} normalises playback to {reference:.0} LUFS, {} it by {:.1} dB",
                profile.name,
                if gain < 0.0 { "turning it down" } else { "turning it up" },
                gain.abs()
            ));
        }
    }
    let value = serde_json::to_value(qc).unwrap_or(Value::Null);
    for rule in &profile.qc_rules {
        if let Some(louder) = rule.when_louder_than
            && qc.integrated_loudness.is_none_or(|i| i <= louder)
        {
            continue;
        }
        let field = rule.measure.field();
        let current = value.get(field).cloned().unwrap_or(Value::Null);
        let Some((what, fix)) = broken(rule, qc, &current) else {
            continue;
        };
        let when = rule
            .when_louder_than
            .map(|l| format!(" when louder than {l} LUFS"))
            .unwrap_or_default();
        let what = format!("{what}{when} ({}: {})", profile.name, rule.source);
        match rule.level {
            Level::Error => b.invalid_of(Kind::Rule, &format!("qc.{field}"), what, current, fix),
            Level::Warning => b.warn(what, fix),
        }
    }
}

/// What is wrong when `rule` is broken by `qc`, and what to do.
fn broken(rule: &QcRule, qc: &Qc, current: &Value) -> Option<(String, String)> {
    let field = rule.measure.field();
    if rule.measure.is_flag() {
        let set = match current {
            Value::Bool(b) => *b,
            Value::Null => false,
            _ => true,
        };
        if !set {
            return None;
        }
        let (what, fix) = match rule.measure {
            Measure::Silent => (
                format!(
                    "The audio stays below {} dBFS: silent",
                    qc.silence_threshold
                ),
                "Deliver the mastered audio: this file holds silence".to_string(),
            ),
            Measure::DualMono => (
                "The channels are identical (dual mono)".to_string(),
                "Deliver a mono file, or the stereo master".to_string(),
            ),
            Measure::Upsampled => (
                format!(
                    "Upsampled: nothing above {} Hz, the Nyquist frequency of {} Hz",
                    qc.upsampled_from.unwrap_or(0) / 2,
                    qc.upsampled_from.unwrap_or(0)
                ),
                format!(
                    "Deliver the master at its original rate ({} Hz)",
                    qc.upsampled_from.unwrap_or(0)
                ),
            ),
            _ => (
                format!(
                    "Lossy source: the spectrum stops at {} Hz like a lossy encoder's lowpass",
                    qc.bandwidth_hz.unwrap_or(0)
                ),
                "Deliver audio made from the lossless master, not from an MP3 or AAC".to_string(),
            ),
        };
        return Some((what, fix));
    }
    let v = current.as_f64()?;
    let unit = match rule.measure {
        Measure::IntegratedLoudness => " LUFS",
        Measure::LoudnessRange => " LU",
        Measure::TruePeak => " dBTP",
        Measure::SamplePeak => " dBFS",
        Measure::LeadingSilence | Measure::TrailingSilence => " s",
        Measure::EffectiveBitDepth => " bits",
        _ => "",
    };
    let show = |x: f64| {
        if x.fract() == 0.0 && x.abs() < 1e15 {
            format!("{x:.0}{unit}")
        } else {
            format!("{x}{unit}")
        }
    };
    let (limit, over) = match (rule.max, rule.min) {
        (Some(max), _) if v > max => (max, true),
        (_, Some(min)) if v < min => (min, false),
        _ => return None,
    };
    let what = format!(
        "{field} {} is {} the {} of {}",
        show(v),
        if over { "above" } else { "below" },
        if over { "maximum" } else { "minimum" },
        show(limit)
    );
    let fix = match rule.measure {
        Measure::IntegratedLoudness => {
            format!("Lower the master's loudness to {} or less", show(limit))
        }
        Measure::TruePeak | Measure::SamplePeak => {
            format!(
                "Limit the master's peaks to {} (a true-peak limiter)",
                show(limit)
            )
        }
        Measure::ClippedSamples | Measure::ClipEvents => {
            "Re-export the master from before the clipping, or with lower gain".to_string()
        }
        Measure::LeadingSilence | Measure::TrailingSilence => format!(
            "Trim the silence to at most {} (it is measured below {} dBFS)",
            show(limit),
            qc.silence_threshold
        ),
        Measure::EffectiveBitDepth => format!(
            "Deliver a true {}-bit master: this file uses {}",
            24,
            show(v)
        ),
        Measure::DcOffset => "Remove the DC offset (a high-pass filter) and re-export".to_string(),
        _ => format!("Bring {field} within {}", show(limit)),
    };
    Some((what, fix))
}

/// The profile's rules on the measured values: each refusal a
/// [`Kind::Rule`] invalid field with its own suggestion.
fn technical(record: &Record, profile: &Profile, b: &mut Builder) {
    let list =
        |v: &[u32], unit: &str| -> Vec<String> { v.iter().map(|x| format!("{x}{unit}")).collect() };
    let accepted = |list: Vec<String>, min: Option<u32>, unit: &str| -> String {
        let mut parts = Vec::new();
        if !list.is_empty() {
            parts.push(join_or(&list));
        }
        if let Some(m) = min {
            parts.push(format!("at least {m}{unit}"));
        }
        parts.join(" and ")
    };
    if let Some(rate) = record.sample_rate {
        if !profile.accepts_rate(rate) {
            let what = accepted(
                list(&profile.sample_rates, ""),
                profile.min_sample_rate,
                " Hz",
            );
            let to: Vec<String> = if profile.sample_rates.is_empty() {
                profile
                    .preferred_sample_rates
                    .iter()
                    .chain(profile.min_sample_rate.as_ref())
                    .take(2)
                    .map(|r| format!("{r} Hz"))
                    .collect()
            } else {
                list(&profile.sample_rates, " Hz")
                    .into_iter()
                    .take(2)
                    .collect()
            };
            b.invalid_of(
                Kind::Rule,
                SAMPLE_RATE,
                format!("Must be {what}"),
                Value::from(rate),
                format!("Update sample rate to {}", join_or(&to)),
            );
        } else if !profile.preferred_sample_rates.is_empty()
            && !profile.preferred_sample_rates.contains(&rate)
        {
            let preferred = list(&profile.preferred_sample_rates, " Hz");
            b.warn(
                format!(
                    "{rate} Hz is accepted; {} recommends {}",
                    profile.name,
                    join_or(&preferred)
                ),
                format!(
                    "Deliver at {} where a master at that rate exists",
                    join_or(&preferred)
                ),
            );
        }
    }
    if profile.constrains_depth() {
        let what = accepted(
            list(&profile.bit_depths, ""),
            profile.min_bit_depth,
            " bits",
        );
        // A-law and mu-law report the 16 bits they decode to, but carry 8
        // coded bits a sample: never the master a depth rule asks for.
        let companded = matches!(record.audio_codec.as_deref(), Some("ALaw" | "MuLaw"));
        match record.bit_depth {
            Some(d) if companded => b.invalid_of(
                Kind::Rule,
                BIT_DEPTH,
                format!("Must be {what} (A-law/mu-law stores 8 companded bits a sample)"),
                Value::from(d),
                format!("Deliver {what}-bit linear PCM from the master"),
            ),
            Some(d) if profile.accepts_depth(d) => {}
            Some(d) => b.invalid_of(
                Kind::Rule,
                BIT_DEPTH,
                format!("Must be {what}"),
                Value::from(d),
                format!("Deliver {what}-bit audio from the master"),
            ),
            None if record.file_format.is_some() => b.invalid_of(
                Kind::Rule,
                BIT_DEPTH,
                format!("Must be {what} (lossy or unmeasured audio has none)"),
                Value::Null,
                format!("Deliver the lossless master ({what}-bit)"),
            ),
            None => {}
        }
    }
    if let Some(n) = record.number_of_channels
        && !profile.channels.is_empty()
        && !profile.channels.contains(&n)
    {
        let what = join_or(&list(&profile.channels, ""));
        b.invalid_of(
            Kind::Rule,
            CHANNELS,
            format!("Must be {what} channels"),
            Value::from(n),
            format!("Deliver a {what}-channel master"),
        );
    }
    if let (Some(min), Some(n), Some(rate)) = (
        profile.min_duration,
        record.total_samples,
        record.sample_rate,
    ) && n < u64::from(min) * u64::from(rate)
    {
        b.invalid_of(
            Kind::Rule,
            DURATION,
            format!(
                "Must be at least {min} s; the audio is {} ({n} samples at {rate} Hz)",
                record.duration.as_deref().unwrap_or("shorter")
            ),
            Value::from(record.duration.clone()),
            format!(
                "Deliver the full recording: {} refuses tracks shorter than {min} s",
                profile.name
            ),
        );
    }
    if let Some(f) = record.file_format
        && !profile.accepts_format(f.as_str())
    {
        b.invalid_of(
            Kind::Rule,
            FILE_FORMAT,
            format!("Must be {}", join_or(&profile.formats)),
            Value::from(f.as_str()),
            format!("Deliver the master as {}", join_or(&profile.formats)),
        );
    }
    if let Some(tag) = record.format_tag
        && !profile.wav_format_tags.is_empty()
        && !profile.wav_format_tags.contains(&u32::from(tag))
    {
        let tags: Vec<String> = profile
            .wav_format_tags
            .iter()
            .map(|t| format!("0x{t:04X}"))
            .collect();
        let name = match tag {
            0xFFFE => " (WAVE_FORMAT_EXTENSIBLE)",
            3 => " (IEEE float)",
            _ => "",
        };
        b.invalid_of(
            Kind::Rule,
            FORMAT_TAG,
            format!(
                "WAV format tag 0x{tag:04X}{name}; {} accepts {} only",
                profile.name,
                join_or(&tags)
            ),
            Value::from(tag),
            format!(
                "Write the WAV with format tag {} (plain PCM, e.g. `sox in.wav -t wavpcm out.wav`)",
                join_or(&tags)
            ),
        );
    }
    let trailing = record
        .warnings
        .iter()
        .any(|w| w.code == crate::record::Code::TrailingData);
    if profile.audio_last
        && record.chunks_after_data.is_empty()
        && trailing
        && record.format_tag.is_some()
    {
        b.invalid_of(
            Kind::Rule,
            AFTER_DATA,
            format!("bytes that are not audio follow the data chunk; {} accepts nothing but audio there", profile.name),
            Value::from("trailing_data"),
            "Remove what follows the audio (an appended tag or junk)",
        );
    }
    if profile.audio_last && !record.chunks_after_data.is_empty() {
        b.invalid_of(
            Kind::Rule,
            AFTER_DATA,
            format!(
                "{} after the start of the data chunk; {} accepts nothing but audio there",
                record.chunks_after_data.join(", "),
                profile.name
            ),
            Value::from(record.chunks_after_data.clone()),
            "Move the metadata chunks before the data chunk (or remove them)",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_arithmetic() {
        // Everything met.
        assert_eq!(score((6, 6), (4, 4), (2, 2)).0, 100);
        // The readiness API's own example: ISRC and duration missing (4 of
        // 6 required: 40), sample rate 22050 (present, so required keeps
        // its share, but the technical half "sample rate and bit depth"
        // fails: 5 of 10), genre "Unknown" only a warning (4 of 4: 30).
        let (s, c) = score((4, 6), (4, 4), (1, 2));
        assert_eq!(s, 75);
        assert_eq!((c.required, c.recommended, c.technical), (67, 100, 50));
        // Halves round up: 5 of 6 required (50) + 3 of 4 (22.5) + 2 of 2 (10) = 82.5.
        assert_eq!(score((5, 6), (3, 4), (2, 2)).0, 83);
        // Empty categories count as met.
        assert_eq!(score((0, 0), (0, 0), (2, 2)).0, 100);
        assert_eq!(score((0, 6), (0, 4), (0, 2)).0, 0);
    }

    #[test]
    fn the_platform_example_scores_75() {
        // The readiness API's published example, field for field: no ISRC,
        // no duration (here: audio whose length is unknown), 22050 Hz,
        // genre "Unknown".
        use crate::formats::Probe;
        use crate::record::FileFormat;
        let record = Probe {
            file_format: Some(FileFormat::Aiff),
            sample_rate: Some(22_050),
            bit_depth: Some(16),
            channels: Some(2),
            ..Probe::default()
        }
        .into_record("example.aiff".into(), 1);
        let mut m = Metadata::default();
        let sidecar = serde_json::json!({
            "ddexMetadata": {"title": "T", "displayArtist": "A", "languageOfPerformance": "en",
                             "parentalWarningType": "NotExplicit"},
            "soundRecordingDetails": {"genre": "Unknown",
                                      "pLine": {"year": 2019, "pLineText": "2019 L"}},
            "musicalWorkReference": {"iswc": "T-034.524.680-1"}
        });
        crate::metadata::flatten_into(sidecar.as_object().unwrap(), &mut m);
        let r = assess(&record, Some(&m), &Profile::default_rules());
        assert_eq!(r.readiness_score, 75);
        assert!(!r.is_ready);
        assert_eq!(r.missing_fields, ["soundRecordingDetails.isrc", DURATION]);
        assert_eq!(r.invalid_fields.len(), 1);
        assert_eq!(r.invalid_fields[0].issue, "Must be 44100, 48000 or 96000");
        assert_eq!(
            r.warnings,
            ["Genre 'Unknown' may not be recognized by all DSPs"]
        );
        assert!(
            r.suggestions
                .contains(&"Add ISRC code for proper identification".to_string())
        );
        assert!(
            r.suggestions
                .contains(&"Update sample rate to 44100 Hz or 48000 Hz".to_string())
        );
    }
}
