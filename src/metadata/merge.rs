//! One asset's metadata: what was declared, with what was measured and
//! what the file's own tags say filled in, and every contradiction between
//! the declaration and the measurement kept as data for the caller to
//! judge ([`crate::readiness`]) or refuse ([`crate::ern`]).
//!
//! Measured values fill `technicalResourceDetails` and
//! `ddexMetadata.duration`. A declared technical value that contradicts the
//! measurement is replaced by it; a declared duration agrees when it is
//! within one second of the measured one, and is kept. Embedded tags
//! (ISRC, title, artist, genre) fill only what the declaration lacks.

use super::identifiers;
use crate::record::Record;
use serde_json::Value;
use std::collections::BTreeMap;

/// `technicalResourceDetails.sampleRate`.
pub const SAMPLE_RATE: &str = "technicalResourceDetails.sampleRate";
/// `technicalResourceDetails.bitDepth`.
pub const BIT_DEPTH: &str = "technicalResourceDetails.bitDepth";
/// `technicalResourceDetails.fileFormat`.
pub const FILE_FORMAT: &str = "technicalResourceDetails.fileFormat";
/// `ddexMetadata.duration`.
pub const DURATION: &str = "ddexMetadata.duration";

/// How far a declared duration may be from the measured one and still
/// agree: one second, since platforms floor seconds when they convert
/// (225.9 s is PT3M45S) and others round.
pub const DURATION_TOLERANCE_MS: u64 = 1000;

/// A declared value the measurement contradicts.
#[derive(Debug, Clone, PartialEq)]
pub struct Contradiction {
    /// Dotted field name.
    pub field: String,
    /// The value as declared.
    pub declared: Value,
    /// How it contradicts the measurement.
    pub conflict: Conflict,
}

/// How a declared value contradicts the measurement.
#[derive(Debug, Clone, PartialEq)]
pub enum Conflict {
    /// The measurement says otherwise.
    Differs {
        /// The measured value (the ISO 8601 duration for durations).
        measured: Value,
    },
    /// The declared duration is not an ISO 8601 duration.
    NotADuration {
        /// Why, when the text could be read at all.
        why: Option<String>,
        /// The measured duration, ISO 8601.
        measured: String,
    },
}

/// A field filled from the file's embedded tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FromTags {
    /// Dotted field name.
    pub field: String,
    /// The tag's value.
    pub value: String,
    /// Which tags, for people ("the file's ID3v2 tags").
    pub from: String,
}

/// The merged metadata of one asset.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Merged {
    /// Values by dotted field name.
    pub fields: BTreeMap<String, Value>,
    /// Declared values the measurement contradicts, in field order of the
    /// asset shape.
    pub contradictions: Vec<Contradiction>,
    /// Fields taken from embedded tags.
    pub from_tags: Vec<FromTags>,
}

/// Whether a value says something: not null, not an empty string or list.
pub fn present(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.trim().is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => true,
    }
}

/// A number, or a string holding one.
fn number(v: &Value) -> Option<u64> {
    // 44100, "44100", 44100.0 and "44100.0" are the same rate.
    let whole = |f: f64| (f.fract() == 0.0 && (0.0..9.0e15).contains(&f)).then_some(f as u64);
    match v {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().and_then(whole)),
        Value::String(s) => {
            let s = s.trim();
            s.parse()
                .ok()
                .or_else(|| s.parse::<f64>().ok().and_then(whole))
        }
        _ => None,
    }
}

/// Merge `record` and its file's tags into the `declared` fields.
pub fn merge(record: &Record, declared: BTreeMap<String, Value>) -> Merged {
    let mut m = Merged {
        fields: declared,
        ..Merged::default()
    };
    merge_measured(record, &mut m);
    merge_tags(record, &mut m);
    m
}

/// Fill the technical fields and the duration from the measurement, and
/// note declared values that contradict it.
fn merge_measured(record: &Record, m: &mut Merged) {
    let measured: [(&str, Option<Value>); 5] = [
        (
            FILE_FORMAT,
            record.file_format.map(|f| Value::from(f.as_str())),
        ),
        (SAMPLE_RATE, record.sample_rate.map(Value::from)),
        (BIT_DEPTH, record.bit_depth.map(Value::from)),
        (
            "technicalResourceDetails.numberOfChannels",
            record.number_of_channels.map(Value::from),
        ),
        (
            "technicalResourceDetails.audioCodec",
            record.audio_codec.clone().map(Value::from),
        ),
    ];
    for (field, value) in measured {
        let Some(value) = value else { continue };
        match m.fields.get(field).cloned() {
            Some(declared) if present(&declared) => {
                let agree = match (number(&declared), number(&value)) {
                    (Some(a), Some(b)) => a == b,
                    _ => match (declared.as_str(), value.as_str()) {
                        (Some(a), Some(b)) => a.trim().eq_ignore_ascii_case(b),
                        _ => false,
                    },
                };
                if !agree {
                    m.contradictions.push(Contradiction {
                        field: field.to_string(),
                        declared,
                        conflict: Conflict::Differs {
                            measured: value.clone(),
                        },
                    });
                    m.fields.insert(field.to_string(), value);
                }
            }
            _ => {
                m.fields.insert(field.to_string(), value);
            }
        }
    }
    // The duration: within one second of the measurement.
    let measured_ms = match (record.total_samples, record.sample_rate) {
        (Some(n), Some(rate)) => {
            crate::duration::millis(n, rate).and_then(|ms| u64::try_from(ms).ok())
        }
        _ => None,
    };
    match (
        m.fields.get(DURATION).cloned(),
        measured_ms,
        &record.duration,
    ) {
        (Some(declared), Some(ms), Some(iso)) if present(&declared) => {
            let conflict = match declared.as_str().map(identifiers::iso8601_duration) {
                Some(Ok(d)) if d.abs_diff(ms) <= DURATION_TOLERANCE_MS => None,
                Some(Ok(_)) => Some(Conflict::Differs {
                    measured: Value::from(iso.clone()),
                }),
                Some(Err(why)) => Some(Conflict::NotADuration {
                    why: Some(why),
                    measured: iso.clone(),
                }),
                None => Some(Conflict::NotADuration {
                    why: None,
                    measured: iso.clone(),
                }),
            };
            if let Some(conflict) = conflict {
                m.contradictions.push(Contradiction {
                    field: DURATION.to_string(),
                    declared,
                    conflict,
                });
            }
        }
        (declared, _, Some(iso)) if !declared.as_ref().is_some_and(present) => {
            m.fields
                .insert(DURATION.to_string(), Value::from(iso.clone()));
        }
        _ => {}
    }
}

/// Fill what the declared metadata lacks from the file's embedded tags.
fn merge_tags(record: &Record, m: &mut Merged) {
    let tags = &record.tags;
    let from = if tags.sources.is_empty() {
        "the file's tags".to_string()
    } else {
        format!("the file's {} tags", tags.sources.join(", "))
    };
    let candidates = [
        ("soundRecordingDetails.isrc", &tags.isrc),
        ("ddexMetadata.title", &tags.title),
        ("ddexMetadata.displayArtist", &tags.artist),
        ("soundRecordingDetails.genre", &tags.genre),
    ];
    for (field, value) in candidates {
        if let Some(v) = value
            && !v.trim().is_empty()
            && !m.fields.get(field).is_some_and(present)
        {
            m.fields.insert(field.to_string(), Value::from(v.clone()));
            m.from_tags.push(FromTags {
                field: field.to_string(),
                value: v.clone(),
                from: from.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn whole_numbers_agree_in_any_spelling() {
        for v in [
            json!(44100),
            json!("44100"),
            json!(44100.0),
            json!(" 44100.0 "),
        ] {
            assert_eq!(number(&v), Some(44_100), "{v}");
        }
        assert_eq!(number(&json!(44100.5)), None);
        assert_eq!(number(&json!(-1.0)), None);
        let mut record = crate::Record::failed(
            "a.wav".into(),
            1,
            crate::record::Code::EmptyFile,
            String::new(),
        );
        record.errors.clear();
        record.sample_rate = Some(44_100);
        let declared = BTreeMap::from([(SAMPLE_RATE.to_string(), json!(44100.0))]);
        assert!(merge(&record, declared).contradictions.is_empty());
    }
}
