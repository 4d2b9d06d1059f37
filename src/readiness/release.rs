//! Release-level readiness: whether a release folder can be delivered as a
//! product, in the same shape as the asset reports (`isReady`,
//! `readinessScore`, `missingFields`, `invalidFields`, `warnings`,
//! `suggestions`), with the tracks' reports under `tracks` and the
//! cover's under `artwork`.
//!
//! The release's own score follows the asset score's categories: the
//! profile's required release fields weigh 60 points, the recommended 30,
//! and 10 go to what the release is made of (5 when every track is ready,
//! 5 when the cover is). A release is ready only at 100 with no invalid
//! field: every track ready, the cover acceptable, the numbering whole,
//! the identifiers valid, the deals complete, and the dates consistent.

use super::assess::assess;
use super::profile::{PARENTAL_WARNINGS, Profile};
use super::{CategoryScores, InvalidField, Report, catalog};
use crate::metadata::identifiers as codes;
use crate::release::Release;
use serde::Serialize;
use serde_json::Value;

/// Release types a message is written for.
pub const RELEASE_TYPES: &[&str] = &["Album", "Single", "EP"];

/// `CommercialModelType` words both ERN 3.4 and 4.3 accept.
pub const COMMERCIAL_MODELS: &[&str] = &[
    "AdvertisementSupportedModel",
    "AsPerContract",
    "DeviceFeeModel",
    "FreeOfChargeModel",
    "PayAsYouGoModel",
    "PerformanceRoyaltiesModel",
    "SubscriptionModel",
];

/// `UseType` words both ERN 3.4 and 4.3 accept.
pub const USE_TYPES: &[&str] = &[
    "Broadcast",
    "ConditionalDownload",
    "ContentInfluencedStream",
    "Display",
    "Download",
    "KioskDownload",
    "Narrowcast",
    "NonInteractiveStream",
    "OnDemandStream",
    "PerformInPublic",
    "PermanentDownload",
    "PlayInPublic",
    "Playback",
    "Podcast",
    "Print",
    "PrivateCopy",
    "Rent",
    "Simulcast",
    "Stream",
    "TetheredDownload",
    "TimeInfluencedStream",
    "UseAsAlertTone",
    "UseAsDevice",
    "UseAsKaraoke",
    "UseAsRingbackTone",
    "UseAsRingbackTune",
    "UseAsRingtone",
    "UseAsRingtune",
    "UseAsScreensaver",
    "UseAsVoiceMail",
    "UserMakeAvailableLabelProvided",
    "UserMakeAvailableUserProvided",
    "Webcast",
];

/// The date a platform dates ownership from, and what gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ownership {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `OriginalReleaseDate`, or `PLine` (December 31 of its year).
    pub basis: String,
}

/// The readiness report of a release.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseReport {
    /// The release folder.
    pub path: String,
    /// The release's ICPN, echoed when valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icpn: Option<String>,
    /// Ready for delivery.
    pub is_ready: bool,
    /// 0-100.
    pub readiness_score: u32,
    /// Release fields that are absent (`release.icpn`, `deals`, `artwork`).
    pub missing_fields: Vec<String>,
    /// Release fields whose values break a rule; `tracks` and `artwork`
    /// when a track or the cover is not ready.
    pub invalid_fields: Vec<InvalidField>,
    /// Findings that do not lower the score.
    pub warnings: Vec<String>,
    /// What a person can do about each finding.
    pub suggestions: Vec<String>,
    /// The profile that judged the release.
    pub profile: String,
    /// Per-category scores.
    pub category_scores: CategoryScores,
    /// The date ownership is dated from (OriginalReleaseDate, else the
    /// P-line year's last day), when either is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ownership: Option<Ownership>,
    /// Each disc and its number of tracks, in order.
    pub discs: Vec<Disc>,
    /// The tracks' reports, in album order.
    pub tracks: Vec<Report>,
    /// The cover's report, when a cover was found.
    pub artwork: Option<Report>,
}

/// One disc of the release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Disc {
    /// From 1.
    pub disc: u32,
    /// Tracks on it.
    pub tracks: usize,
}

/// Findings under construction.
struct Builder {
    invalid: Vec<InvalidField>,
    warnings: Vec<String>,
    suggestions: Vec<String>,
}

impl Builder {
    fn invalid(&mut self, field: &str, issue: impl Into<String>, value: Value, fix: &str) {
        self.invalid.push(InvalidField {
            field: field.to_string(),
            issue: issue.into(),
            current_value: value,
        });
        self.suggest(fix);
    }

    fn warn(&mut self, warning: impl Into<String>, fix: &str) {
        self.warnings.push(warning.into());
        self.suggest(fix);
    }

    fn suggest(&mut self, fix: &str) {
        if !fix.is_empty() && !self.suggestions.iter().any(|s| s == fix) {
            self.suggestions.push(fix.to_string());
        }
    }
}

/// The report of a cover image: the asset rules on artwork
/// ([`super::assess::assess_artwork`]).
fn cover_report(cover: &crate::release::Cover, profile: &Profile) -> Report {
    let mut r = super::assess::assess_artwork(&cover.record, profile);
    r.file = Some(cover.file.clone());
    r
}

/// Judge `release` by `profile`.
pub fn assess_release(release: &Release, profile: &Profile) -> ReleaseReport {
    let rules = &profile.release;
    let mut b = Builder {
        invalid: Vec::new(),
        warnings: Vec::new(),
        suggestions: Vec::new(),
    };
    let spec = release.spec.as_ref();
    let text = |f: &str| release.text(f);

    // The declaration itself.
    match spec {
        None => b.suggest(
            "Write release.json beside the audio (the message header's parties, the release, \
             its deals: see the README), or give the same keys in a --metadata manifest",
        ),
        Some(s) => {
            if let Some(e) = &s.error {
                b.invalid(
                    "release.json",
                    e.clone(),
                    Value::from(s.source.clone()),
                    "Fix release.json so that it is a JSON object in the release shape",
                );
            }
            for w in &s.warnings {
                b.warn(
                    w.clone(),
                    "Correct or remove the keys the release shape does not know",
                );
            }
            for p in &s.problems {
                b.invalid(
                    &p.field,
                    p.issue.clone(),
                    p.value.clone(),
                    "Write each deal as an object: territories, startDate, commercialModels, useTypes",
                );
            }
        }
    }

    // Presence.
    let present = |f: &str| -> bool {
        match f {
            "release.pLine" | "release.cLine" => {
                let (year, line) = if f == "release.pLine" {
                    ("release.pLine.year", "release.pLine.pLineText")
                } else {
                    ("release.cLine.year", "release.cLine.cLineText")
                };
                text(year).is_some() && text(line).is_some()
            }
            "deals" => spec
                .and_then(|s| s.deals.as_ref())
                .is_some_and(|d| !d.is_empty()),
            "artwork" => release.cover.is_some(),
            other => text(other).is_some(),
        }
    };
    let missing_required: Vec<&String> = rules.required.iter().filter(|f| !present(f)).collect();
    let missing_recommended: Vec<&String> =
        rules.recommended.iter().filter(|f| !present(f)).collect();
    let missing_fields: Vec<String> = missing_required
        .iter()
        .chain(&missing_recommended)
        .map(|f| f.to_string())
        .collect();
    for f in &missing_fields {
        let fix = match f.as_str() {
            "artwork" => {
                "Put the cover beside the audio (cover.jpg or cover.png), or name it in \
                 release.json: \"artwork\": {\"file\": \"...\"}"
            }
            "deals" => {
                "Give at least one deal: \"deals\": [{\"territories\": [\"Worldwide\"], \
                 \"startDate\": \"...\", \"commercialModels\": [...], \"useTypes\": [...]}]"
            }
            "release.originalReleaseDate" => {
                "Give release.originalReleaseDate (YYYY-MM-DD): platforms date ownership from it"
            }
            _ => "Give every field the profile requires in release.json",
        };
        b.suggest(fix);
    }
    for note in &release.assumed {
        b.warn(
            note.clone(),
            "Give the deals in release.json to state the terms yourself",
        );
    }
    for note in &release.cover_notes {
        b.warn(note.clone(), "Keep one cover image per release folder");
    }

    // Values.
    for (field, what) in [
        ("messageHeader.senderPartyId", "sender"),
        ("messageHeader.recipientPartyId", "recipient"),
        (
            "messageHeader.sentOnBehalfOf.partyId",
            "party sent on behalf of",
        ),
    ] {
        if let Some(v) = text(field) {
            match codes::dpid(&v) {
                Err(why) => b.invalid(
                    field,
                    why,
                    Value::from(v),
                    &format!(
                        "Give the {what}'s DDEX Party Identifier (PADPID...), as DDEX issued it"
                    ),
                ),
                Ok(Some(w)) => b.warn(
                    w,
                    "Check each DPID against the DDEX registry before a live delivery",
                ),
                Ok(None) => {}
            }
        }
    }
    if text("messageHeader.sentOnBehalfOf.name").is_some()
        && text("messageHeader.sentOnBehalfOf.partyId").is_none()
    {
        b.invalid(
            "messageHeader.sentOnBehalfOf.partyId",
            "the party sent on behalf of has a name but no DDEX Party Identifier",
            Value::Null,
            "Give sentOnBehalfOf.partyId: the recipient links the assets to that party's account",
        );
    }
    let icpn = text("release.icpn").and_then(|v| match codes::icpn(&v) {
        Ok((digits, _)) => Some(digits),
        Err(why) => {
            b.invalid(
                "release.icpn",
                why,
                Value::from(v),
                "Give the release's UPC (12 digits) or EAN (13 digits) exactly as issued",
            );
            None
        }
    });
    if let Some(v) = text("release.grid")
        && let Err(why) = codes::grid(&v)
    {
        b.invalid(
            "release.grid",
            why,
            Value::from(v),
            "Give the GRid as issued (A1-XXXXX-XXXXXXXXXX-C), or leave it out",
        );
    }
    if let Some(v) = text("release.releaseType")
        && !RELEASE_TYPES.contains(&v.as_str())
    {
        b.invalid(
            "release.releaseType",
            format!(
                "'{v}' is not a release type of an audio product: {}",
                RELEASE_TYPES.join(", ")
            ),
            Value::from(v),
            "Use Album, Single or EP (track releases are made for each track)",
        );
    }
    if let Some(v) = text("release.parentalWarningType")
        && !PARENTAL_WARNINGS.contains(&v.as_str())
    {
        b.invalid(
            "release.parentalWarningType",
            format!(
                "'{v}' is not a DDEX ParentalWarningType: {}",
                PARENTAL_WARNINGS.join(", ")
            ),
            Value::from(v),
            "Use one of the DDEX parental warning words",
        );
    }
    if let Some(g) = text("release.genre")
        && !profile.genres.is_empty()
        && !profile.genres.iter().any(|x| x.eq_ignore_ascii_case(&g))
    {
        b.warn(
            format!(
                "release.genre '{g}' is not in the {} profile's genre list",
                profile.name
            ),
            "Use a genre of the profile's list where one fits",
        );
    }
    let year_now = codes::current_year();
    let mut release_day = None;
    if let Some(v) = text("release.originalReleaseDate") {
        match codes::date(&v) {
            Ok(day) => release_day = Some((day, v)),
            Err(why) => b.invalid(
                "release.originalReleaseDate",
                why,
                Value::from(v),
                "Write the original release date as YYYY-MM-DD",
            ),
        }
    }
    for (field, what) in [
        ("release.pLine.year", "P-line"),
        ("release.cLine.year", "C-line"),
    ] {
        if let Some(y) = spec.and_then(|s| s.fields.get(field)) {
            match codes::p_line_year(y, year_now) {
                Err(why) => b.invalid(
                    field,
                    why.replace("P-line", what),
                    y.clone(),
                    "Write the year as four digits, the year of first publication",
                ),
                Ok(Some(w)) => b.warn(w.replace("P-line", what), ""),
                Ok(None) => {}
            }
        }
    }
    // P-lines against the original release date: no recording can be
    // first published after the release that carries it.
    if let Some((day, date)) = &release_day {
        let release_year = crate::duration::civil_from_days(i128::from(*day)).0;
        let late = |year: Option<&Value>| -> Option<i128> {
            let y = match year? {
                Value::Number(n) => i128::from(n.as_u64()?),
                Value::String(s) => s.trim().parse().ok()?,
                _ => return None,
            };
            (y > release_year).then_some(y)
        };
        if let Some(y) = late(spec.and_then(|s| s.fields.get("release.pLine.year"))) {
            b.invalid(
                "release.pLine.year",
                format!(
                    "the P-line year {y} is after the original release date {date}: one of them \
                     is wrong"
                ),
                Value::from(y as i64),
                "Make the P-line year the year of first publication, not later than the release",
            );
        }
        for t in &release.tracks {
            let merged = crate::metadata::merge(&t.record, t.declared.fields.clone()).fields;
            if let Some(y) = late(merged.get("soundRecordingDetails.pLine.year")) {
                b.invalid(
                    "soundRecordingDetails.pLine.year",
                    format!(
                        "{}: the P-line year {y} is after the release's original release date \
                         {date}",
                        t.record.path
                    ),
                    Value::from(y as i64),
                    "Make each track's P-line year not later than the release's original release date",
                );
            }
        }
    }
    let ownership = match (&release_day, text("release.pLine.year")) {
        (Some((_, date)), _) => Some(Ownership {
            date: date.clone(),
            basis: "OriginalReleaseDate".to_string(),
        }),
        (None, Some(year)) if year.len() == 4 && year.bytes().all(|c| c.is_ascii_digit()) => {
            b.warn(
                format!(
                    "no original release date: ownership is dated from the P-line, December 31 \
                     of {year} (YouTube's rule)"
                ),
                "Give release.originalReleaseDate to date ownership exactly",
            );
            Some(Ownership {
                date: format!("{year}-12-31"),
                basis: "PLine".to_string(),
            })
        }
        _ => None,
    };

    // Deals.
    let deals = spec.and_then(|s| s.deals.as_deref()).unwrap_or(&[]);
    let takedowns = deals.iter().filter(|d| d.takedown).count();
    if takedowns > 0 && takedowns < deals.len() {
        b.invalid(
            "deals",
            format!(
                "{takedowns} of {} deals are takedowns: a takedown is its own message",
                deals.len()
            ),
            Value::from(takedowns),
            "Send the takedown alone (every deal \"takedown\": true), or remove it",
        );
    }
    for (i, d) in deals.iter().enumerate() {
        let at = |k: &str| format!("deals[{i}].{k}");
        if d.territories.is_empty() {
            b.invalid(
                &at("territories"),
                "a deal needs at least one territory",
                Value::Null,
                "Give territories: [\"Worldwide\"] or ISO 3166-1 codes",
            );
        }
        for (k, list) in [
            ("territories", &d.territories),
            ("excludedTerritories", &d.excluded_territories),
        ] {
            let bad: Vec<&String> = list.iter().filter(|t| !codes::territory(t)).collect();
            if !bad.is_empty() {
                b.invalid(
                    &at(k),
                    format!(
                        "{} not an ISO 3166-1 alpha-2 code or Worldwide",
                        bad.iter()
                            .map(|t| format!("'{t}'"))
                            .collect::<Vec<_>>()
                            .join(", ")
                            + if bad.len() == 1 { " is" } else { " are" }
                    ),
                    Value::from(list.clone()),
                    "Use ISO 3166-1 alpha-2 codes (GB, not UK) or Worldwide",
                );
            }
        }
        if !d.excluded_territories.is_empty() && d.territories != ["Worldwide"] {
            b.invalid(
                &at("excludedTerritories"),
                "territories can be excluded only from Worldwide",
                Value::from(d.excluded_territories.clone()),
                "Give territories [\"Worldwide\"] with the exclusions, or list the territories",
            );
        }
        let mut days = [None, None];
        for (j, (k, v)) in [("startDate", &d.start_date), ("endDate", &d.end_date)]
            .into_iter()
            .enumerate()
        {
            if let Some(v) = v {
                match codes::date(v) {
                    Ok(day) => days[j] = Some(day),
                    Err(why) => b.invalid(
                        &at(k),
                        why,
                        Value::from(v.clone()),
                        "Write deal dates as YYYY-MM-DD",
                    ),
                }
            }
        }
        if let [Some(s), Some(e)] = days
            && e < s
        {
            b.invalid(
                &at("endDate"),
                "the deal ends before it starts",
                Value::from(d.end_date.clone()),
                "Make the end date the same as or later than the start date",
            );
        }
        if d.takedown {
            continue;
        }
        if d.commercial_models.is_empty() {
            b.invalid(
                &at("commercialModels"),
                "a deal needs at least one commercial model",
                Value::Null,
                "Give commercialModels, e.g. [\"SubscriptionModel\", \"AdvertisementSupportedModel\"]",
            );
        }
        if d.use_types.is_empty() {
            b.invalid(
                &at("useTypes"),
                "a deal needs at least one use type",
                Value::Null,
                "Give useTypes, e.g. [\"OnDemandStream\"]",
            );
        }
        for (k, list, allowed, what) in [
            (
                "commercialModels",
                &d.commercial_models,
                COMMERCIAL_MODELS,
                "CommercialModelType",
            ),
            ("useTypes", &d.use_types, USE_TYPES, "UseType"),
        ] {
            for v in list.iter().filter(|v| !allowed.contains(&v.as_str())) {
                b.invalid(
                    &at(k),
                    format!("'{v}' is not a DDEX {what} that ERN 3.4 and 4.3 both accept"),
                    Value::from(v.clone()),
                    "Use the DDEX words (SubscriptionModel, AdvertisementSupportedModel, OnDemandStream...)",
                );
            }
        }
        let lacking: Vec<&String> = rules
            .deal_commercial_models
            .iter()
            .filter(|m| !d.commercial_models.contains(m))
            .collect();
        if !lacking.is_empty() {
            b.invalid(
                &at("commercialModels"),
                format!(
                    "the {} profile needs every track deal to grant {}; this one lacks {}",
                    profile.name,
                    rules.deal_commercial_models.join(" and "),
                    lacking
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
                Value::from(d.commercial_models.clone()),
                "Grant both SubscriptionModel and AdvertisementSupportedModel in every deal",
            );
        }
        if !rules.deal_use_types.is_empty()
            && !d.use_types.iter().any(|u| rules.deal_use_types.contains(u))
        {
            b.invalid(
                &at("useTypes"),
                format!(
                    "the {} profile needs every deal to grant {}",
                    profile.name,
                    rules.deal_use_types.join(" or ")
                ),
                Value::from(d.use_types.clone()),
                "Grant OnDemandStream (or Stream) in every deal",
            );
        }
    }

    // The tracks.
    if release.tracks.is_empty() {
        b.invalid(
            "tracks",
            "the release folder holds no audio file",
            Value::from(release.dir.display().to_string()),
            "Put the release's audio files in its folder",
        );
    }
    if let Some(max) = rules.max_tracks
        && release.tracks.len() > max as usize
    {
        b.invalid(
            "tracks",
            format!(
                "{} recordings: the {} profile takes at most {max} in one message",
                release.tracks.len(),
                profile.name
            ),
            Value::from(release.tracks.len()),
            "Split the delivery into releases of at most the allowed size",
        );
    }
    for f in &release.order {
        if f.warning {
            b.warn(
                f.issue.clone(),
                "Declare a track number for every track, or for none",
            );
        } else {
            b.invalid(
                f.field,
                f.issue.clone(),
                f.value.clone(),
                "Number the discs 1, 2, ... and the tracks of each disc 1, 2, ... once each",
            );
        }
    }
    for p in &release.problems {
        b.invalid(
            "files",
            format!("{}: {} [{}]", p.path, p.message, p.code),
            Value::from(p.path.clone()),
            "Make every file of the release readable",
        );
    }
    let mut tracks: Vec<Report> = release
        .tracks
        .iter()
        .map(|t| {
            let mut r = assess(&t.record, Some(&t.declared), profile);
            r.file = Some(t.file.clone());
            r
        })
        .collect();
    let merged: Vec<_> = release
        .tracks
        .iter()
        .map(|t| crate::metadata::merge(&t.record, t.declared.fields.clone()).fields)
        .collect();
    let items: Vec<catalog::Item<'_>> = release
        .tracks
        .iter()
        .zip(&merged)
        .map(|(t, fields)| catalog::Item {
            record: &t.record,
            fields,
        })
        .collect();
    let findings = catalog::findings(&items);
    for (i, report) in tracks.iter_mut().enumerate() {
        catalog::apply(report, findings.iter().filter(|f| f.index == i));
    }
    for f in findings
        .iter()
        .filter(|f| f.field != "ddexMetadata.resourceReference")
    {
        // Once per group: the first track of it.
        if !findings[..]
            .iter()
            .any(|g| g.field == f.field && g.value == f.value && g.index < f.index)
        {
            b.invalid(
                &f.field,
                format!("{}: {}", release.tracks[f.index].record.path, f.issue),
                f.value.clone(),
                &f.suggestion,
            );
        }
    }
    let not_ready: Vec<&Report> = tracks.iter().filter(|r| !r.is_ready).collect();
    if !not_ready.is_empty() {
        let names: Vec<String> = not_ready
            .iter()
            .map(|r| {
                let why: Vec<&str> = r
                    .invalid_fields
                    .iter()
                    .map(|f| f.field.as_str())
                    .chain(r.missing_fields.iter().map(String::as_str))
                    .take(3)
                    .collect();
                format!("{} ({})", r.path, why.join(", "))
            })
            .collect();
        b.invalid(
            "tracks",
            format!(
                "{} of {} tracks are not ready: {}",
                not_ready.len(),
                tracks.len(),
                names.join("; ")
            ),
            Value::from(not_ready.len()),
            "Fix each track as its own report says (tracks[])",
        );
    }

    // The cover.
    let artwork = release.cover.as_ref().map(|c| cover_report(c, profile));
    if let Some(a) = &artwork
        && !a.is_ready
    {
        let why: Vec<String> = a
            .invalid_fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.issue))
            .chain(a.missing_fields.iter().map(|f| format!("{f} missing")))
            .collect();
        b.invalid(
            "artwork",
            format!("the cover {} is not acceptable: {}", a.path, why.join("; ")),
            Value::from(a.path.clone()),
            "Replace the cover as its report says (artwork)",
        );
    }

    // Score.
    let share = |total: usize, missing: usize| -> u32 {
        (100 * total.saturating_sub(missing))
            .checked_div(total)
            .map_or(100, |p| p as u32)
    };
    let invalid_required = rules
        .required
        .iter()
        .filter(|f| present(f) && b.invalid.iter().any(|i| field_of(&i.field) == f.as_str()))
        .count();
    let required = share(
        rules.required.len(),
        missing_required.len() + invalid_required,
    );
    let recommended = share(rules.recommended.len(), missing_recommended.len());
    let technical = {
        let tracks_ok = !tracks.is_empty() && not_ready.is_empty();
        let cover_ok = artwork.as_ref().is_some_and(|a| a.is_ready);
        50 * u32::from(tracks_ok) + 50 * u32::from(cover_ok)
    };
    let readiness_score = (required * 60 + recommended * 30 + technical * 10) / 100;
    let is_ready = readiness_score == 100 && b.invalid.is_empty();
    ReleaseReport {
        path: release.dir.display().to_string(),
        icpn,
        is_ready,
        readiness_score,
        missing_fields,
        invalid_fields: b.invalid,
        warnings: b.warnings,
        suggestions: b.suggestions,
        profile: profile.name.clone(),
        category_scores: CategoryScores {
            required,
            recommended,
            technical,
        },
        ownership,
        discs: release
            .discs()
            .into_iter()
            .map(|(disc, tracks)| Disc { disc, tracks })
            .collect(),
        tracks,
        artwork,
    }
}

/// The profile field an invalid field belongs to: `release.pLine.year` ->
/// `release.pLine`, `deals[0].useTypes` -> `deals`.
fn field_of(field: &str) -> &str {
    if field.starts_with("deals") {
        return "deals";
    }
    for compound in ["release.pLine", "release.cLine"] {
        if field.starts_with(compound) {
            return compound;
        }
    }
    field
}
