//! Delivery profiles: which fields are required and recommended, and which
//! sample rates, bit depths, channel counts, formats, layouts and genres a
//! target accepts.
//!
//! Profiles are data: the built-in ones are the TOML files in `profiles/`
//! (`default`, `youtube`, `spotify`, `distributor`), each citing the rules
//! it models, compiled into the binary. A profile file of the user's (JSON,
//! or TOML by extension) has the same keys, names a base profile with
//! `extends` and replaces any list it gives; unknown keys are errors, so a
//! typo in a profile cannot weaken it silently.

use serde::Deserialize;
use std::path::Path;

/// The built-in profiles, by name, as the files in `profiles/` say.
const BUILT_IN: &[(&str, &str)] = &[
    ("default", include_str!("../../profiles/default.toml")),
    ("youtube", include_str!("../../profiles/youtube.toml")),
    ("spotify", include_str!("../../profiles/spotify.toml")),
    (
        "distributor",
        include_str!("../../profiles/distributor.toml"),
    ),
    (
        "apple-digital-masters",
        include_str!("../../profiles/apple-digital-masters.toml"),
    ),
    (
        "apple-spatial",
        include_str!("../../profiles/apple-spatial.toml"),
    ),
];

/// The names of the built-in profiles.
pub fn built_in_names() -> Vec<&'static str> {
    BUILT_IN.iter().map(|(n, _)| *n).collect()
}

/// DDEX ParentalWarningType values (ERN 3.4 and 4.3).
pub const PARENTAL_WARNINGS: &[&str] = &[
    "Explicit",
    "ExplicitContentEdited",
    "NotExplicit",
    "NoAdviceAvailable",
    "Unknown",
];

/// The colour spaces a cover's `artwork.colorSpace` can name.
pub const ARTWORK_COLOR_SPACES: &[&str] = &["RGB", "Grayscale", "CMYK", "YCCK", "Indexed"];

/// The compound field that stands for a complete P-line (year and text).
pub const P_LINE: &str = "soundRecordingDetails.pLine";

/// A delivery profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// The name reports carry.
    pub name: String,
    /// Where the rules come from (a service's page and its date).
    pub sources: Vec<String>,
    /// Required fields (60 % of the score, each the same weight).
    pub required: Vec<String>,
    /// Recommended fields (30 %).
    pub recommended: Vec<String>,
    /// Accepted sample rates in Hz (empty: any).
    pub sample_rates: Vec<u32>,
    /// The lowest accepted sample rate.
    pub min_sample_rate: Option<u32>,
    /// Sample rates the target recommends: another accepted rate is a
    /// warning.
    pub preferred_sample_rates: Vec<u32>,
    /// Accepted bit depths (empty: any).
    pub bit_depths: Vec<u32>,
    /// The lowest accepted bit depth.
    pub min_bit_depth: Option<u32>,
    /// Accepted channel counts (empty: any).
    pub channels: Vec<u32>,
    /// Accepted file formats (`fileFormat` names: WAV, FLAC, AIFF...).
    pub formats: Vec<String>,
    /// Accepted WAV format tags (`formatTag`; empty: any).
    pub wav_format_tags: Vec<u32>,
    /// Whether a WAV must hold nothing but audio after its data chunk
    /// starts.
    pub audio_last: bool,
    /// The shortest accepted recording, in seconds.
    pub min_duration: Option<u32>,
    /// Recognised genres; others are a warning.
    pub genres: Vec<String>,
    /// Whether a missing musical work reference is worth a warning.
    pub warn_missing_work: bool,
    /// What a language of performance must be: `bcp47` (a BCP 47 tag as
    /// ERN 4.x accepts: `zxx`, `pt-BR`, `zh-Hant`) or `iso639-1` (a
    /// two-letter code, as ERN 3.x and feeds built on it demand).
    pub language_codes: LanguageCodes,
    /// Whether the file must be an ADM master (BW64 with `chna` and
    /// `axml`).
    pub require_adm: bool,
    /// Rules on what `--qc` measures in the audio.
    pub qc_rules: Vec<QcRule>,
    /// Samples at or below this level (dBFS) are silence for `--qc`.
    pub silence_threshold: f64,
    /// The loudness the target normalises playback to (LUFS), which
    /// reports compare the integrated loudness with.
    pub loudness_reference: Option<f64>,
    /// Cover art formats accepted (`JPEG`, `PNG`); empty: any measured.
    pub artwork_formats: Vec<String>,
    /// Smallest cover width and height accepted, pixels.
    pub artwork_min_size: Option<u32>,
    /// Largest cover width and height accepted, pixels.
    pub artwork_max_size: Option<u32>,
    /// Whether the cover must be square.
    pub artwork_square: bool,
    /// Cover colour spaces accepted (`RGB`, `Grayscale`, `CMYK`, `YCCK`,
    /// `Indexed`); empty: any.
    pub artwork_color_spaces: Vec<String>,
    /// Where the cover art rules come from.
    pub artwork_sources: Vec<String>,
    /// Release rules (`check --release`, `ern --message`, `package`).
    pub release: ReleaseRules,
}

/// What a profile asks of a release as a whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReleaseRules {
    /// Release fields that must be present (`release.icpn`, the compound
    /// `release.pLine` and `release.cLine`, `deals`, `artwork`...): 60 % of
    /// the release's score.
    #[serde(default)]
    pub required: Vec<String>,
    /// Release fields worth giving: 30 %.
    #[serde(default)]
    pub recommended: Vec<String>,
    /// Commercial models every deal must grant (YouTube: both
    /// `SubscriptionModel` and `AdvertisementSupportedModel`).
    #[serde(default)]
    pub deal_commercial_models: Vec<String>,
    /// Use types of which every deal must grant at least one (YouTube:
    /// `OnDemandStream` or `Stream`).
    #[serde(default)]
    pub deal_use_types: Vec<String>,
    /// The most sound recordings one message may carry.
    #[serde(default)]
    pub max_tracks: Option<u32>,
    /// The cover must be a message's last resource (YouTube: "a key visual
    /// element in the generated Art Tracks"); `audit` checks it.
    #[serde(default)]
    pub artwork_last: bool,
    /// Every sound recording must be a `TrackRelease` of its own; `audit`
    /// checks it (`ern --message` always writes them).
    #[serde(default)]
    pub track_releases: bool,
    /// The deal a release without `deals` gets (said in a warning), as a
    /// service's feed documents its usual terms.
    #[serde(default)]
    pub default_deal: Option<DefaultDeal>,
}

/// A profile's default deal: territories, commercial models and use types,
/// valid from the release's original release date (or at once).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DefaultDeal {
    /// ISO 3166-1 codes or `Worldwide`.
    pub territories: Vec<String>,
    /// DDEX `CommercialModelType` words.
    pub commercial_models: Vec<String>,
    /// DDEX `UseType` words.
    pub use_types: Vec<String>,
}

/// The release fields a profile may require: every field of `release.json`,
/// the compound P- and C-lines, the deals and the cover.
pub fn release_field_known(f: &str) -> bool {
    crate::release::spec::RELEASE_FIELDS.contains(&f)
        || matches!(f, "release.pLine" | "release.cLine" | "deals" | "artwork")
}

/// What a QC rule looks at: a field of the record's `qc` object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Measure {
    /// `integratedLoudness`, LUFS.
    IntegratedLoudness,
    /// `loudnessRange`, LU.
    LoudnessRange,
    /// `truePeak`, dBTP.
    TruePeak,
    /// `samplePeak`, dBFS.
    SamplePeak,
    /// `clippedSamples`.
    ClippedSamples,
    /// `clipEvents`.
    ClipEvents,
    /// `leadingSilence`, seconds.
    LeadingSilence,
    /// `trailingSilence`, seconds.
    TrailingSilence,
    /// `dcOffset`, fraction of full scale.
    DcOffset,
    /// `effectiveBitDepth`, bits.
    EffectiveBitDepth,
    /// `silent`: the rule fails when true.
    Silent,
    /// `dualMono`: the rule fails when true.
    DualMono,
    /// `upsampledFrom`: the rule fails when set.
    Upsampled,
    /// `lossySource`: the rule fails when true.
    LossySource,
}

impl Measure {
    /// The field's name in the `qc` object.
    pub fn field(self) -> &'static str {
        match self {
            Measure::IntegratedLoudness => "integratedLoudness",
            Measure::LoudnessRange => "loudnessRange",
            Measure::TruePeak => "truePeak",
            Measure::SamplePeak => "samplePeak",
            Measure::ClippedSamples => "clippedSamples",
            Measure::ClipEvents => "clipEvents",
            Measure::LeadingSilence => "leadingSilence",
            Measure::TrailingSilence => "trailingSilence",
            Measure::DcOffset => "dcOffset",
            Measure::EffectiveBitDepth => "effectiveBitDepth",
            Measure::Silent => "silent",
            Measure::DualMono => "dualMono",
            Measure::Upsampled => "upsampledFrom",
            Measure::LossySource => "lossySource",
        }
    }

    /// Whether the measure is a flag (the rule fails when it is set).
    pub fn is_flag(self) -> bool {
        matches!(
            self,
            Measure::Silent | Measure::DualMono | Measure::Upsampled | Measure::LossySource
        )
    }
}

/// How much a broken rule weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Level {
    /// Not ready.
    Error,
    /// Ready, but said.
    Warning,
}

/// A rule on what `--qc` measured.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QcRule {
    /// What is measured.
    pub measure: Measure,
    /// The largest value accepted.
    #[serde(default)]
    pub max: Option<f64>,
    /// The smallest value accepted.
    #[serde(default)]
    pub min: Option<f64>,
    /// The rule applies only to files louder than this (LUFS).
    #[serde(default)]
    pub when_louder_than: Option<f64>,
    /// Error or warning.
    pub level: Level,
    /// Where the threshold is published.
    pub source: String,
}

/// The language codes a profile accepts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum LanguageCodes {
    /// BCP 47 tags (ERN 4.x).
    #[default]
    #[serde(rename = "bcp47")]
    Bcp47,
    /// ISO 639-1 two-letter codes only (ERN 3.x).
    #[serde(rename = "iso639-1")]
    Iso639_1,
}

impl Profile {
    /// The default rules (`profiles/default.toml`).
    pub fn default_rules() -> Profile {
        Profile::built_in("default")
            .and_then(Result::ok)
            .unwrap_or_else(Profile::empty)
    }

    /// A profile that accepts anything and requires nothing: the base the
    /// built-in files are read onto.
    fn empty() -> Profile {
        Profile {
            name: String::new(),
            sources: Vec::new(),
            required: Vec::new(),
            recommended: Vec::new(),
            sample_rates: Vec::new(),
            min_sample_rate: None,
            preferred_sample_rates: Vec::new(),
            bit_depths: Vec::new(),
            min_bit_depth: None,
            channels: Vec::new(),
            formats: Vec::new(),
            wav_format_tags: Vec::new(),
            audio_last: false,
            min_duration: None,
            genres: Vec::new(),
            warn_missing_work: false,
            language_codes: LanguageCodes::Bcp47,
            require_adm: false,
            qc_rules: Vec::new(),
            silence_threshold: -60.0,
            loudness_reference: None,
            artwork_formats: Vec::new(),
            artwork_min_size: None,
            artwork_max_size: None,
            artwork_square: false,
            artwork_color_spaces: Vec::new(),
            artwork_sources: Vec::new(),
            release: ReleaseRules::default(),
        }
    }

    /// The QC settings this profile measures with.
    pub fn qc_settings(&self) -> crate::qc::Settings {
        crate::qc::Settings {
            silence_threshold: self.silence_threshold,
        }
    }

    /// A built-in profile by name: `None` when there is none of that name.
    pub fn built_in(name: &str) -> Option<Result<Profile, String>> {
        let (_, text) = BUILT_IN.iter().find(|(n, _)| *n == name)?;
        Some(
            toml::from_str::<ProfileFile>(text)
                .map_err(|e| format!("built-in profile {name}: {e}"))
                .and_then(|f| f.into_profile(name.to_string(), 0)),
        )
    }

    /// Whether `rate` is an accepted sample rate.
    pub fn accepts_rate(&self, rate: u32) -> bool {
        (self.sample_rates.is_empty() || self.sample_rates.contains(&rate))
            && self.min_sample_rate.is_none_or(|m| rate >= m)
    }

    /// Whether `bits` is an accepted bit depth.
    pub fn accepts_depth(&self, bits: u32) -> bool {
        (self.bit_depths.is_empty() || self.bit_depths.contains(&bits))
            && self.min_bit_depth.is_none_or(|m| bits >= m)
    }

    /// Whether the profile constrains the bit depth at all.
    pub fn constrains_depth(&self) -> bool {
        !self.bit_depths.is_empty() || self.min_bit_depth.is_some()
    }

    /// Whether `format` (a `fileFormat` name) is accepted.
    pub fn accepts_format(&self, format: &str) -> bool {
        self.formats.is_empty() || self.formats.iter().any(|a| a.eq_ignore_ascii_case(format))
    }

    /// A built-in profile by name, or a profile file.
    pub fn load(spec: &str) -> Result<Profile, crate::Error> {
        Profile::load_spec(spec).map_err(crate::Error::Profile)
    }

    fn load_spec(spec: &str) -> Result<Profile, String> {
        if let Some(p) = Profile::built_in(spec) {
            return p;
        }
        let path = Path::new(spec);
        if !path.is_file() {
            return Err(format!(
                "--profile {spec}: not a built-in profile ({}) nor a file",
                built_in_names().join(", ")
            ));
        }
        let text =
            crate::io::text::read_limited(path, crate::io::text::MAX_SMALL_BYTES, "profile")?;
        let toml = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
        let file: ProfileFile = if toml {
            toml::from_str(&text).map_err(|e| format!("{spec}: {e}"))?
        } else {
            serde_json::from_str(&text)
                .map_err(|e| format!("{spec}: line {}, column {}: {e}", e.line(), e.column()))?
        };
        let stem = path
            .file_stem()
            .map_or_else(|| spec.to_string(), |s| s.to_string_lossy().into_owned());
        file.into_profile(stem, 0)
            .map_err(|e| format!("{spec}: {e}"))
    }
}

/// A profile file: any list replaces the base profile's.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ProfileFile {
    name: Option<String>,
    extends: Option<String>,
    sources: Option<Vec<String>>,
    required: Option<Vec<String>>,
    recommended: Option<Vec<String>>,
    sample_rates: Option<Vec<u32>>,
    min_sample_rate: Option<u32>,
    preferred_sample_rates: Option<Vec<u32>>,
    bit_depths: Option<Vec<u32>>,
    min_bit_depth: Option<u32>,
    channels: Option<Vec<u32>>,
    formats: Option<Vec<String>>,
    wav_format_tags: Option<Vec<u32>>,
    audio_last: Option<bool>,
    min_duration: Option<u32>,
    genres: Option<Vec<String>>,
    warn_missing_work: Option<bool>,
    language_codes: Option<LanguageCodes>,
    require_adm: Option<bool>,
    qc_rules: Option<Vec<QcRule>>,
    silence_threshold: Option<f64>,
    loudness_reference: Option<f64>,
    artwork_formats: Option<Vec<String>>,
    artwork_min_size: Option<u32>,
    artwork_max_size: Option<u32>,
    artwork_square: Option<bool>,
    artwork_color_spaces: Option<Vec<String>>,
    artwork_sources: Option<Vec<String>>,
    /// `[release]`: replaces the base profile's release rules whole.
    release: Option<ReleaseRules>,
}

impl ProfileFile {
    /// The profile this file describes, read onto its base. `depth` bounds
    /// the chain of built-in bases.
    fn into_profile(self, stem: String, depth: u32) -> Result<Profile, String> {
        let mut p = match self.extends.as_deref() {
            None => Profile::empty(),
            Some(base) if depth < 4 => match BUILT_IN.iter().find(|(n, _)| *n == base) {
                Some((_, text)) => toml::from_str::<ProfileFile>(text)
                    .map_err(|e| format!("built-in profile {base}: {e}"))?
                    .into_profile(base.to_string(), depth + 1)?,
                None => {
                    return Err(format!(
                        "extends '{base}': not a built-in profile ({})",
                        built_in_names().join(", ")
                    ));
                }
            },
            Some(base) => return Err(format!("extends '{base}': the chain is too long")),
        };
        p.name = self.name.unwrap_or(stem);
        for list in [&self.required, &self.recommended].into_iter().flatten() {
            for f in list {
                if f != P_LINE && !crate::metadata::FIELDS.contains(&f.as_str()) {
                    return Err(format!("'{f}' is not a field of the asset metadata"));
                }
            }
        }
        if let Some(rules) = &self.release {
            for f in rules.required.iter().chain(&rules.recommended) {
                if !release_field_known(f) {
                    return Err(format!("release: '{f}' is not a field of release.json"));
                }
            }
        }
        if let Some(t) = self.wav_format_tags.iter().flatten().find(|t| **t > 0xFFFF) {
            return Err(format!("wavFormatTags: {t} is not a 16-bit format tag"));
        }
        macro_rules! take {
            ($($field:ident),*) => {
                $(if let Some(v) = self.$field { p.$field = v; })*
            };
        }
        take!(
            sources,
            required,
            recommended,
            sample_rates,
            preferred_sample_rates,
            bit_depths,
            channels,
            formats,
            wav_format_tags,
            audio_last,
            genres,
            warn_missing_work,
            language_codes,
            require_adm,
            qc_rules,
            silence_threshold,
            release,
            artwork_formats,
            artwork_square,
            artwork_color_spaces,
            artwork_sources
        );
        if !(-200.0..=0.0).contains(&p.silence_threshold) {
            return Err(format!(
                "silenceThreshold: {} dBFS is not a level between -200 and 0",
                p.silence_threshold
            ));
        }
        for rule in &p.qc_rules {
            let bounded = rule.max.is_some() || rule.min.is_some();
            if rule.measure.is_flag() == bounded {
                return Err(format!(
                    "qcRules: {} {}",
                    rule.measure.field(),
                    if bounded {
                        "is a flag: the rule fails when it is set, without max or min"
                    } else {
                        "needs a max or a min"
                    }
                ));
            }
        }
        macro_rules! take_some {
            ($($field:ident),*) => {
                $(if self.$field.is_some() { p.$field = self.$field; })*
            };
        }
        take_some!(
            min_sample_rate,
            min_bit_depth,
            min_duration,
            loudness_reference,
            artwork_min_size,
            artwork_max_size
        );
        if let Some(f) = p
            .artwork_formats
            .iter()
            .find(|f| !crate::formats::artwork::FORMATS.contains(&f.as_str()))
        {
            return Err(format!(
                "artworkFormats: '{f}' is not a cover art format measured here (JPEG, PNG)"
            ));
        }
        if let Some(c) = p
            .artwork_color_spaces
            .iter()
            .find(|c| !ARTWORK_COLOR_SPACES.contains(&c.as_str()))
        {
            return Err(format!(
                "artworkColorSpaces: '{c}' is not one of {}",
                ARTWORK_COLOR_SPACES.join(", ")
            ));
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_files_extend_and_reject_typos() {
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join("label.json");
        std::fs::write(
            &json,
            r#"{"extends": "youtube", "sampleRates": [48000], "formats": ["FLAC"]}"#,
        )
        .unwrap();
        let p = Profile::load(json.to_str().unwrap()).unwrap();
        assert_eq!(p.name, "label");
        assert_eq!(p.sample_rates, [48_000]);
        assert!(
            p.required
                .contains(&"ddexMetadata.parentalWarningType".to_string())
        );

        let toml = dir.path().join("hires.toml");
        std::fs::write(
            &toml,
            "name = \"hi-res\"\nbitDepths = [24]\nsampleRates = [96000, 192000]\n",
        )
        .unwrap();
        let p = Profile::load(toml.to_str().unwrap()).unwrap();
        assert_eq!(
            (p.name.as_str(), p.bit_depths.as_slice()),
            ("hi-res", &[24][..])
        );

        std::fs::write(&json, r#"{"sampleRate": [48000]}"#).unwrap();
        assert!(
            Profile::load(json.to_str().unwrap())
                .unwrap_err()
                .to_string()
                .contains("sampleRate")
        );
        std::fs::write(&json, r#"{"required": ["ddexMetadata.titel"]}"#).unwrap();
        assert!(Profile::load(json.to_str().unwrap()).is_err());
        assert!(Profile::load("soundcloud").is_err());
    }
}

#[cfg(test)]
mod built_in {
    use super::*;

    #[test]
    fn every_built_in_profile_reads() {
        for name in built_in_names() {
            let p = Profile::built_in(name).unwrap().unwrap();
            assert_eq!(p.name, name);
            assert!(!p.sources.is_empty(), "{name} cites no source");
        }
        let d = Profile::default_rules();
        assert_eq!(d.sample_rates, [44_100, 48_000, 96_000]);
        assert_eq!(d.required.len(), 6);
        assert_eq!(d.genres.len(), 18);
    }

    #[test]
    fn youtube_accepts_96k_and_prefers_48k() {
        let y = Profile::load("youtube").unwrap();
        assert!(y.accepts_rate(96_000) && y.accepts_rate(44_100) && y.accepts_rate(192_000));
        assert!(!y.accepts_rate(22_050));
        assert_eq!(y.preferred_sample_rates, [48_000]);
        assert!(
            y.required
                .contains(&"ddexMetadata.parentalWarningType".to_string())
        );
    }

    #[test]
    fn spotify_is_flac_or_wav_stereo_pcm() {
        let s = Profile::load("spotify").unwrap();
        assert!(s.accepts_format("FLAC") && s.accepts_format("wav") && !s.accepts_format("AIFF"));
        assert!(s.accepts_rate(44_100) && s.accepts_rate(192_000) && !s.accepts_rate(32_000));
        assert!(s.accepts_depth(16) && s.accepts_depth(32) && !s.accepts_depth(8));
        assert_eq!(
            (s.channels.as_slice(), s.wav_format_tags.as_slice()),
            (&[2][..], &[1][..])
        );
        assert!(s.audio_last);
        // What it does not change, it has from the default.
        assert_eq!(s.required, Profile::default_rules().required);
    }

    #[test]
    fn distributor_needs_30_seconds() {
        let d = Profile::load("distributor").unwrap();
        assert_eq!(d.min_duration, Some(30));
        assert_eq!(d.channels, [1, 2]);
    }
}
