//! Readiness: whether each recording can be delivered, in the shape of the
//! readiness API delivery platforms answer with (`isReady`,
//! `readinessScore`, `missingFields`, `invalidFields`, `warnings`,
//! `suggestions`), from the merged metadata of an asset and its measured
//! record, judged by a delivery profile.

pub mod assess;
pub mod catalog;
pub mod profile;
pub mod release;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A field whose value breaks a rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InvalidField {
    /// Dotted field name, e.g. `technicalResourceDetails.sampleRate`.
    pub field: String,
    /// What is wrong, for people.
    pub issue: String,
    /// The value as declared (or measured).
    pub current_value: Value,
}

/// The points of each category, 0-100 within the category.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CategoryScores {
    /// Required fields (60 % of the score).
    pub required: u32,
    /// Recommended fields (30 %).
    pub recommended: u32,
    /// Technical quality (10 %).
    pub technical: u32,
}

/// The readiness report of one asset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Report {
    /// The audio file, as the scan names it.
    pub path: String,
    /// The ISRC the asset was judged with (declared, or embedded in the
    /// file), echoed so a report can be joined to its recording.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub isrc: Option<String>,
    /// The declared resource reference, echoed likewise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_reference: Option<String>,
    /// Where the file was opened (not serialized): CI annotations name it
    /// relative to the working directory.
    #[serde(skip)]
    pub file: Option<std::path::PathBuf>,
    /// Ready for delivery: score 100, no invalid field, no integrity error.
    pub is_ready: bool,
    /// 0-100.
    pub readiness_score: u32,
    /// Dotted names of required and recommended fields that are absent.
    pub missing_fields: Vec<String>,
    /// Fields whose values break a rule.
    pub invalid_fields: Vec<InvalidField>,
    /// Findings that do not lower the score.
    pub warnings: Vec<String>,
    /// What a person can do about each finding.
    pub suggestions: Vec<String>,
    /// The profile that judged the asset.
    pub profile: String,
    /// Per-category scores.
    pub category_scores: CategoryScores,
}

/// What makes an asset fail a run (exit 1): not being ready, unless it
/// scores at least `min_score`; with `fail_on_warning`, any warning too.
/// Every CI output (JUnit, GitHub annotations) follows the same gate as the
/// exit code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Gate {
    /// `--min-score`: pass assets that score at least this.
    pub min_score: Option<u32>,
    /// `--fail-on warning`.
    pub fail_on_warning: bool,
}

impl Gate {
    /// Whether `r` fails for not being ready (after `min_score`).
    pub fn fails_not_ready(&self, r: &Report) -> bool {
        !r.is_ready && self.min_score.is_none_or(|m| r.readiness_score < m)
    }

    /// Whether `r` passes the gate.
    pub fn passes(&self, r: &Report) -> bool {
        !self.fails_not_ready(r) && (!self.fail_on_warning || r.warnings.is_empty())
    }
}
