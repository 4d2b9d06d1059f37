//! Delivery profiles: which fields are required and recommended, and which
//! sample rates, bit depths, formats and genres a target accepts.
//!
//! Two profiles are built in: `default` (the rules of the readiness API
//! delivery platforms use) and `youtube` (YouTube's DDEX audio feed: an
//! ISRC on every recording, lossless FLAC or PCM at 44.1 or 48 kHz, 16 or
//! 24 bit). A profile file (JSON, or TOML by extension) names a base
//! profile with `extends` and changes any list; unknown keys are errors, so
//! a typo in a profile cannot weaken it silently.

use serde::Deserialize;
use std::path::Path;

/// The standard genre list.
pub const GENRES: &[&str] = &[
    "Alternative",
    "Blues",
    "Children's Music",
    "Classical",
    "Comedy",
    "Country",
    "Dance",
    "Electronic",
    "Folk",
    "Hip-Hop/Rap",
    "Jazz",
    "Latin",
    "Pop",
    "R&B/Soul",
    "Reggae",
    "Rock",
    "Soundtrack",
    "World",
];

/// DDEX ParentalWarningType values (ERN 3.4 and 4.3).
pub const PARENTAL_WARNINGS: &[&str] = &[
    "Explicit",
    "ExplicitContentEdited",
    "NotExplicit",
    "NoAdviceAvailable",
    "Unknown",
];

/// The compound field that stands for a complete P-line (year and text).
pub const P_LINE: &str = "soundRecordingDetails.pLine";

/// A delivery profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// The name reports carry.
    pub name: String,
    /// Required fields (60 % of the score, each the same weight).
    pub required: Vec<String>,
    /// Recommended fields (30 %).
    pub recommended: Vec<String>,
    /// Accepted sample rates in Hz.
    pub sample_rates: Vec<u32>,
    /// Accepted bit depths.
    pub bit_depths: Vec<u32>,
    /// Accepted file formats (`fileFormat` names: WAV, FLAC, AIFF...).
    pub formats: Vec<String>,
    /// Recognised genres; others are a warning.
    pub genres: Vec<String>,
    /// Whether a missing musical work reference is worth a warning.
    pub warn_missing_work: bool,
}

impl Profile {
    /// The default rules.
    pub fn default_rules() -> Profile {
        Profile {
            name: "default".to_string(),
            required: [
                "soundRecordingDetails.isrc",
                "ddexMetadata.duration",
                "ddexMetadata.title",
                "ddexMetadata.displayArtist",
                "technicalResourceDetails.fileFormat",
                "technicalResourceDetails.sampleRate",
            ]
            .map(String::from)
            .to_vec(),
            recommended: [
                "soundRecordingDetails.genre",
                "ddexMetadata.languageOfPerformance",
                P_LINE,
                "ddexMetadata.parentalWarningType",
            ]
            .map(String::from)
            .to_vec(),
            sample_rates: vec![44_100, 48_000, 96_000],
            bit_depths: vec![16, 24],
            formats: ["WAV", "FLAC", "AIFF"].map(String::from).to_vec(),
            genres: GENRES.iter().map(|g| g.to_string()).collect(),
            warn_missing_work: true,
        }
    }

    /// YouTube's DDEX audio feed, as this profile models it: lossless FLAC
    /// or PCM at 44.1 or 48 kHz, 16 or 24 bit, and the parental warning
    /// required rather than recommended.
    pub fn youtube() -> Profile {
        let mut p = Profile::default_rules();
        p.name = "youtube".to_string();
        p.sample_rates = vec![44_100, 48_000];
        p.required
            .push("ddexMetadata.parentalWarningType".to_string());
        p.recommended
            .retain(|f| f != "ddexMetadata.parentalWarningType");
        p
    }

    /// A built-in profile by name, or a profile file.
    pub fn load(spec: &str) -> Result<Profile, crate::Error> {
        Profile::load_spec(spec).map_err(crate::Error::Profile)
    }

    fn load_spec(spec: &str) -> Result<Profile, String> {
        match spec {
            "default" => return Ok(Profile::default_rules()),
            "youtube" => return Ok(Profile::youtube()),
            _ => {}
        }
        let path = Path::new(spec);
        if !path.is_file() {
            return Err(format!(
                "--profile {spec}: not a built-in profile (default, youtube) nor a file"
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
        file.into_profile(stem).map_err(|e| format!("{spec}: {e}"))
    }
}

/// A profile file: any list replaces the base profile's.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ProfileFile {
    name: Option<String>,
    extends: Option<String>,
    required: Option<Vec<String>>,
    recommended: Option<Vec<String>>,
    sample_rates: Option<Vec<u32>>,
    bit_depths: Option<Vec<u32>>,
    formats: Option<Vec<String>>,
    genres: Option<Vec<String>>,
    warn_missing_work: Option<bool>,
}

impl ProfileFile {
    fn into_profile(self, stem: String) -> Result<Profile, String> {
        let mut p = match self.extends.as_deref() {
            None | Some("default") => Profile::default_rules(),
            Some("youtube") => Profile::youtube(),
            Some(other) => return Err(format!("extends '{other}': not a built-in profile")),
        };
        p.name = self.name.unwrap_or(stem);
        for list in [&self.required, &self.recommended].into_iter().flatten() {
            for f in list {
                if f != P_LINE && !crate::metadata::FIELDS.contains(&f.as_str()) {
                    return Err(format!("'{f}' is not a field of the asset metadata"));
                }
            }
        }
        if let Some(v) = self.required {
            p.required = v;
        }
        if let Some(v) = self.recommended {
            p.recommended = v;
        }
        if let Some(v) = self.sample_rates {
            p.sample_rates = v;
        }
        if let Some(v) = self.bit_depths {
            p.bit_depths = v;
        }
        if let Some(v) = self.formats {
            p.formats = v;
        }
        if let Some(v) = self.genres {
            p.genres = v;
        }
        if let Some(v) = self.warn_missing_work {
            p.warn_missing_work = v;
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
        assert!(Profile::load("spotify").is_err());
    }
}
