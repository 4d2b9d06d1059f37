//! What `--qc` found over a whole catalog: the spread of integrated
//! loudness and how many files show each finding, for the closing summary
//! of `scan` and `check`.

use super::Qc;
use serde::Serialize;
use std::collections::BTreeMap;

/// Upper edges (LUFS) of the loudness bands of [`QcSummary::loudness`]:
/// broadcast (-23), Apple spatial (-18), the streaming references (-14),
/// loud, very loud.
const BANDS: [(f64, &str); 5] = [
    (-23.0, "below -23 LUFS"),
    (-18.0, "-23 to -18 LUFS"),
    (-14.0, "-18 to -14 LUFS"),
    (-9.0, "-14 to -9 LUFS"),
    (-6.0, "-9 to -6 LUFS"),
];
/// The band above the last edge.
const LOUDEST: &str = "-6 LUFS and louder";

/// The spread of integrated loudness.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Loudness {
    /// Files with an integrated loudness.
    pub files: u64,
    /// The quietest, LUFS.
    pub min: Option<f64>,
    /// The median, LUFS (the lower middle value for an even count), once
    /// the summary is closed.
    pub median: Option<f64>,
    /// The loudest, LUFS.
    pub max: Option<f64>,
    /// Files per loudness band.
    pub bands: BTreeMap<String, u64>,
}

/// QC over a catalog.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QcSummary {
    /// Files analysed.
    pub analysed: u64,
    /// Files that could not be analysed (each record says why).
    pub not_analysed: u64,
    /// The spread of integrated loudness.
    pub loudness: Loudness,
    /// Files per finding: `clipped` (clip events), `truePeakOver0dBTP`,
    /// `truePeakOverMinus1dBTP`, `silent`, `leadingSilenceOver10s`,
    /// `trailingSilenceOver10s`, `dualMono`, `dcOffset` (over 1 % of full
    /// scale), `paddedBitDepth` (fewer bits used than stored),
    /// `upsampled`, `lossySource`.
    pub findings: BTreeMap<String, u64>,
    #[serde(skip)]
    values: Vec<f64>,
}

impl QcSummary {
    /// Count one record's `qc` in; `bit_depth` is the depth the file
    /// declares.
    pub fn add(&mut self, qc: &Qc, bit_depth: Option<u32>) {
        if !qc.analysed {
            self.not_analysed += 1;
            return;
        }
        self.analysed += 1;
        if let Some(i) = qc.integrated_loudness {
            self.values.push(i);
            let band = BANDS
                .iter()
                .find(|(edge, _)| i < *edge)
                .map_or(LOUDEST, |(_, name)| name);
            *self.loudness.bands.entry(band.to_string()).or_default() += 1;
            let l = &mut self.loudness;
            l.files = self.values.len() as u64;
            l.min = Some(l.min.map_or(i, |m| m.min(i)));
            l.max = Some(l.max.map_or(i, |m| m.max(i)));
        }
        let found = [
            ("clipped", qc.clip_events.is_some_and(|n| n > 0)),
            ("truePeakOver0dBTP", qc.true_peak.is_some_and(|v| v > 0.0)),
            (
                "truePeakOverMinus1dBTP",
                qc.true_peak.is_some_and(|v| v > -1.0),
            ),
            ("silent", qc.silent == Some(true)),
            (
                "leadingSilenceOver10s",
                qc.leading_silence.is_some_and(|s| s > 10.0) && qc.silent != Some(true),
            ),
            (
                "trailingSilenceOver10s",
                qc.trailing_silence.is_some_and(|s| s > 10.0) && qc.silent != Some(true),
            ),
            ("dualMono", qc.dual_mono == Some(true)),
            ("dcOffset", qc.dc_offset.is_some_and(|d| d > 0.01)),
            (
                "paddedBitDepth",
                matches!((qc.effective_bit_depth, bit_depth), (Some(e), Some(d)) if e > 0 && e < d),
            ),
            ("upsampled", qc.upsampled_from.is_some()),
            ("lossySource", qc.lossy_source == Some(true)),
        ];
        for (name, yes) in found {
            if yes {
                *self.findings.entry(name.to_string()).or_default() += 1;
            }
        }
    }

    /// Work out the median once every file is in (kept out of
    /// [`QcSummary::add`], which would otherwise sort the catalog per file).
    pub fn close(&mut self) {
        if self.values.is_empty() {
            return;
        }
        let mid = (self.values.len() - 1) / 2;
        let (_, median, _) = self.values.select_nth_unstable_by(mid, f64::total_cmp);
        self.loudness.median = Some(*median);
    }

    /// Whether anything was counted.
    pub fn is_empty(&self) -> bool {
        self.analysed == 0 && self.not_analysed == 0
    }

    /// The summary in one or two lines for people.
    pub fn line(&self) -> String {
        let mut line = format!("QC: {} analysed", self.analysed);
        if self.not_analysed > 0 {
            line.push_str(&format!(", {} not analysed", self.not_analysed));
        }
        let l = &self.loudness;
        if let (Some(min), Some(median), Some(max)) = (l.min, l.median, l.max) {
            line.push_str(&format!(
                "; loudness {min:.1} to {max:.1} LUFS, median {median:.1}"
            ));
        }
        if !self.findings.is_empty() {
            let counts: Vec<String> = self
                .findings
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect();
            line.push_str(&format!("; {}", counts.join(", ")));
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qc::Settings;

    fn qc(i: Option<f64>, tp: f64) -> Qc {
        let mut q = Qc::not_analysed("", &Settings::default());
        q.analysed = true;
        q.reason = None;
        q.integrated_loudness = i;
        q.true_peak = Some(tp);
        q.effective_bit_depth = Some(16);
        q
    }

    #[test]
    fn bands_median_and_findings() {
        let mut s = QcSummary::default();
        s.add(&qc(Some(-8.0), 0.5), Some(24));
        s.add(&qc(Some(-14.0), -1.5), Some(16));
        s.add(&qc(Some(-30.0), -20.0), Some(16));
        s.add(&qc(None, -90.0), Some(16));
        s.add(&Qc::not_analysed("opus", &Settings::default()), None);
        s.close();
        assert_eq!((s.analysed, s.not_analysed), (4, 1));
        assert_eq!(s.loudness.files, 3);
        assert_eq!(
            (s.loudness.min, s.loudness.median, s.loudness.max),
            (Some(-30.0), Some(-14.0), Some(-8.0))
        );
        assert_eq!(s.loudness.bands["-14 to -9 LUFS"], 1);
        assert_eq!(s.loudness.bands["-9 to -6 LUFS"], 1);
        assert_eq!(s.loudness.bands["below -23 LUFS"], 1);
        assert_eq!(s.findings["truePeakOver0dBTP"], 1);
        assert_eq!(s.findings["paddedBitDepth"], 1);
        assert!(
            s.line()
                .contains("loudness -30.0 to -8.0 LUFS, median -14.0"),
            "{}",
            s.line()
        );
    }
}
