//! One file against its technical block: damage first (a truncated or
//! corrupt file explains every other difference, which its finding then
//! names), then the digest (a digest that is another resource's means the
//! files were swapped), the size, the duration (within the one second
//! `check` allows), the audio's figures, the image's, and with `--qc` the
//! profile's QC rules.
//!
//! Figures are compared exactly: a declared `44.1` `kHz` is 44100 Hz; a
//! declared bit rate in kbps agrees within 1 % or 1 kbps (a nominal 320
//! kbps for a 319.8 kbps average); a 4.x `FileSize` in kilobytes agrees
//! when the file's size rounds to it, in units of 1024 or 1000 bytes.

use super::message::{FileRef, Measure, Resource, Technical};
use super::{AuditCode, Finding};
use crate::readiness::profile::Profile;
use crate::record::{Code, Issue, Record, Status};
use serde_json::{Value, json};
use std::collections::HashMap;

/// What one comparison looks at.
pub struct Compared<'a> {
    /// The resource.
    pub resource: &'a Resource,
    /// Its technical block holding the file.
    pub technical: &'a Technical,
    /// The file as the message names it.
    pub file: &'a FileRef,
    /// The measurement.
    pub record: &'a Record,
    /// Every digest the message states, lowercase, with the resource
    /// stating it.
    pub stated: &'a HashMap<String, String>,
    /// The profile (QC rules).
    pub profile: &'a Profile,
    /// Whether `--qc` analysed the audio.
    pub qc: bool,
}

/// A decimal as an integer mantissa and a power of ten (`44.1` is
/// `(441, 1)`), at most 9 decimals; `None` when it is not one.
pub fn decimal(s: &str) -> Option<(u128, u32)> {
    let s = s.trim();
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 9
        || whole.len() > 20
    {
        return None;
    }
    let digits = format!("{whole}{frac}");
    let m: u128 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    Some((m, frac.len() as u32))
}

/// A measure in base units as `(numerator, denominator)`: `44.1 kHz` is
/// `(441000, 10)`. `default` is the unit when none is given; `units` maps
/// unit names to multipliers.
fn in_units(m: &Measure, default: &str, units: &[(&str, u128)]) -> Result<(u128, u128), String> {
    let (mantissa, scale) =
        decimal(&m.value).ok_or_else(|| format!("'{}' is not a number", m.value))?;
    let unit = m.unit.as_deref().unwrap_or(default);
    let mult = units
        .iter()
        .find(|(u, _)| u.eq_ignore_ascii_case(unit))
        .map(|(_, k)| *k)
        .ok_or_else(|| format!("unknown unit '{unit}'"))?;
    Ok((mantissa * mult, 10u128.pow(scale)))
}

/// Letters and digits only, uppercase: `AC-3` and `ac3` are one word.
fn squash(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The words a container may be declared as.
fn container_words(r: &Record) -> Vec<String> {
    let Some(f) = r.file_format else {
        return match &r.artwork {
            Some(a) => vec![squash(&a.format)],
            None => Vec::new(),
        };
    };
    let name = f.as_str();
    let mut words = vec![squash(name), squash(crate::ern::ern34::container(name))];
    match name {
        "RF64" | "BW64" => words.push("WAV".into()),
        "AIFC" => words.push("AIFF".into()),
        "MP4" => words.extend(["M4A".to_string(), "QUICKTIME".to_string()]),
        _ => {}
    }
    words
}

/// The words a codec may be declared as.
fn codec_words(r: &Record) -> Vec<String> {
    let Some(c) = &r.audio_codec else {
        return Vec::new();
    };
    let mut words = vec![squash(c)];
    match squash(c).as_str() {
        "MP3" => words.push("MPEG1LAYER3".into()),
        "AAC" => words.extend(["MPEG4AAC".to_string(), "HEAAC".to_string()]),
        "AC3" => words.push("DOLBYDIGITAL".into()),
        "EAC3" => words.push("DOLBYDIGITALPLUS".into()),
        "PCM" => words.extend(["LPCM".to_string(), "LINEARPCM".to_string()]),
        _ => {}
    }
    words
}

/// A mismatch of `field`.
fn mismatch(
    c: &Compared,
    field: &str,
    declared: Value,
    measured: Value,
    what: String,
    fix: &str,
) -> Finding {
    Finding::error(AuditCode::TechnicalMismatch, what, fix)
        .resource(c.resource.reference.as_deref())
        .file(location(c))
        .line(c.technical.line)
        .values(field, declared, measured)
}

fn location(c: &Compared) -> String {
    c.file
        .location
        .as_ref()
        .map(|l| l.text())
        .unwrap_or_default()
}

/// The fix for a technical block that disagrees with its file.
const FIX_TECHNICAL: &str = "Write the technical details from the file itself (ddexprobe ern does), or deliver the file the message describes";

/// Compare one file; push findings to `out` and return what was checked.
pub fn compare(c: &Compared, out: &mut Vec<Finding>) -> Vec<String> {
    let r = c.record;
    let mut checked = Vec::new();
    let file = location(c);
    let res = c.resource.reference.as_deref();
    // Damage first: it explains every other difference.
    let truncated = r
        .errors
        .iter()
        .find(|i| matches!(i.code, Code::TruncatedData | Code::EmptyFile));
    let unreadable = r
        .errors
        .iter()
        .find(|i| matches!(i.code, Code::ReadError | Code::FileChanged));
    let corrupt = r.errors.iter().find(|i| {
        !matches!(
            i.code,
            Code::TruncatedData
                | Code::EmptyFile
                | Code::ReadError
                | Code::FileChanged
                | Code::UnsupportedFormat
        )
    });
    // A verification's verdict, when no error says it already.
    let verdict = r.verification.as_ref().map(|v| v.status);
    let said = Issue {
        code: Code::DecodeError,
        message: "the audio does not decode as its headers describe".to_string(),
    };
    let damage = unreadable
        .map(|i| (AuditCode::FileUnreadable, i))
        .or(truncated.map(|i| (AuditCode::FileTruncated, i)))
        .or(corrupt.map(|i| (AuditCode::FileCorrupt, i)))
        .or(match verdict {
            Some(Status::Corrupt) | Some(Status::Truncated) => Some((
                if verdict == Some(Status::Truncated) {
                    AuditCode::FileTruncated
                } else {
                    AuditCode::FileCorrupt
                },
                &said,
            )),
            _ => None,
        });
    if verdict == Some(Status::Unverified) && r.is_audio() {
        out.push(
            Finding::warning(
                AuditCode::FileNotVerified,
                format!(
                    "'{file}' was not read to its end: it demands more decoding than --verify-budget allows"
                ),
                "Raise --verify-budget (or 'unlimited') to read it whole",
            )
            .resource(res)
            .file(file.clone())
            .line(c.file.line),
        );
    }
    // What else differs, said in the damage finding instead of its own.
    let mut also: Vec<Finding> = Vec::new();
    // The digest.
    let mut swapped = false;
    match &c.file.hash {
        Some(h) => match super::algorithm(h) {
            Some((name, _)) => {
                checked.push(name.to_string());
                let declared = h.value.trim().to_ascii_lowercase();
                match super::digest_of(r, name) {
                    Some(d) if d == declared => {}
                    Some(d) => {
                        let other = c
                            .stated
                            .get(d)
                            .filter(|other| Some(other.as_str()) != res);
                        match other {
                            Some(other) => {
                                swapped = true;
                                also.push(
                                    Finding::error(
                                        AuditCode::FileSwapped,
                                        format!(
                                            "'{file}' is {other}'s file: its {name} is the one the message states for {other}"
                                        ),
                                        "Put each file where the message says (the files were swapped or misnamed)",
                                    )
                                    .values(name, json!(declared), json!(d)),
                                );
                            }
                            None => also.push(
                                Finding::error(
                                    AuditCode::HashMismatch,
                                    format!("the {name} of '{file}' is not the one the message states"),
                                    "Deliver the file the message was written for, or write the message again from the files",
                                )
                                .values(name, json!(declared), json!(d)),
                            ),
                        }
                    }
                    None => {}
                }
            }
            None => out.push(
                Finding::warning(
                    AuditCode::HashUnchecked,
                    format!(
                        "the message states a {} digest, which ddexprobe does not compute: the file's identity was not checked",
                        h.algorithm.value()
                    ),
                    "State an MD5, SHA-1 or SHA-256 HashSum",
                )
                .resource(res)
                .file(file.clone())
                .line(c.file.line),
            ),
        },
        None => out.push(
            Finding::warning(
                AuditCode::HashMissing,
                format!("the message states no digest for '{file}': only its figures were compared"),
                "State a HashSum (MD5 or SHA-256) for every file",
            )
            .resource(res)
            .file(file.clone())
            .line(c.file.line),
        ),
    }
    // The size (4.x, kilobytes).
    if let Some(kb) = &c.file.size_kb {
        checked.push("fileSize".into());
        let fits = |base: u128| {
            decimal(kb).is_some_and(|(m, scale)| {
                // |bytes·10^s − m·base| ≤ base/2 (rounding to the last digit).
                let lhs = u128::from(r.size_bytes) * 10u128.pow(scale) * 2;
                let mid = m * base * 2;
                lhs.abs_diff(mid) <= base
            })
        };
        if !fits(1024) && !fits(1000) {
            also.push(
                Finding::error(
                    AuditCode::SizeMismatch,
                    format!(
                        "'{file}' is {} bytes ({}.{:03} kB of 1024 bytes), not the {kb} kB the message states",
                        r.size_bytes,
                        r.size_bytes / 1024,
                        (r.size_bytes % 1024) * 1000 / 1024
                    ),
                    "Deliver the file the message was written for, or write the message again from the files",
                )
                .values("fileSize", json!(kb), json!(r.size_bytes)),
            );
        }
    }
    // The duration: the file's own (technical) and the recording's, when
    // the file is not an excerpt; each is compared.
    let mut declared_durations: Vec<&str> = Vec::new();
    if let Some(d) = &c.technical.duration {
        declared_durations.push(d);
    }
    if let Some(d) = &c.resource.duration
        && !c.technical.preview
        && !declared_durations.contains(&d.as_str())
    {
        declared_durations.push(d);
    }
    if r.is_audio() && !declared_durations.is_empty() {
        checked.push("duration".into());
    }
    for d in declared_durations.into_iter().filter(|_| r.is_audio()) {
        let measured_ms = match (r.total_samples, r.sample_rate) {
            (Some(n), Some(rate)) => {
                crate::duration::millis(n, rate).and_then(|m| u64::try_from(m).ok())
            }
            _ => None,
        };
        match (
            crate::metadata::identifiers::iso8601_duration(d),
            measured_ms,
        ) {
            (Ok(ms), Some(m)) if ms.abs_diff(m) > crate::metadata::merge::DURATION_TOLERANCE_MS => {
                also.push(
                    Finding::error(
                        AuditCode::DurationMismatch,
                        format!(
                            "'{file}' lasts {} ({m} ms), the message says {d} ({ms} ms): {} ms apart, more than the one second allowed",
                            r.duration.clone().unwrap_or_default(),
                            ms.abs_diff(m)
                        ),
                        "Write the duration from the file's sample count (ddexprobe ern does), or deliver the file the message describes",
                    )
                    .values("duration", json!(d), json!(r.duration)),
                );
            }
            (Err(why), _) => also.push(
                Finding::error(
                    AuditCode::DurationMismatch,
                    format!("the declared duration {why}"),
                    "Write the duration as ISO 8601 (PT3M45.123S)",
                )
                .values("duration", json!(d), json!(r.duration)),
            ),
            _ => {}
        }
    }
    let t = c.technical;
    let mut tech: Vec<Finding> = Vec::new();
    // The container and codecs.
    if let Some(w) = &t.container {
        checked.push("containerFormat".into());
        let words = container_words(r);
        if !words.contains(&squash(w.value())) {
            tech.push(mismatch(
                c,
                "containerFormat",
                json!(w.value()),
                json!(
                    r.file_format
                        .map(|f| f.as_str())
                        .or(r.artwork.as_ref().map(|a| a.format.as_str()))
                ),
                format!(
                    "'{file}' is {}, the message says {}",
                    r.file_format
                        .map_or("not a known audio container", |f| f.as_str()),
                    w.value()
                ),
                FIX_TECHNICAL,
            ));
        }
    }
    if let Some(w) = &t.audio_codec {
        checked.push("audioCodecType".into());
        if !codec_words(r).contains(&squash(w.value())) {
            tech.push(mismatch(
                c,
                "audioCodecType",
                json!(w.value()),
                json!(r.audio_codec),
                format!(
                    "'{file}' is {}, the message says {}",
                    r.audio_codec.as_deref().unwrap_or("not audio"),
                    w.value()
                ),
                FIX_TECHNICAL,
            ));
        }
    }
    if let Some(m) = &t.sampling_rate {
        checked.push("samplingRate".into());
        let units = [("Hz", 1), ("kHz", 1000), ("MHz", 1_000_000)];
        let good = match (in_units(m, "Hz", &units), r.sample_rate) {
            (Ok((num, den)), Some(rate)) => num == u128::from(rate) * den,
            _ => false,
        };
        if !good {
            tech.push(mismatch(
                c,
                "samplingRate",
                json!(format!("{} {}", m.value, m.unit.as_deref().unwrap_or("Hz"))),
                json!(r.sample_rate),
                format!(
                    "'{file}' is sampled at {}, the message says {} {}",
                    r.sample_rate
                        .map_or("no known rate".to_string(), |x| format!("{x} Hz")),
                    m.value,
                    m.unit.as_deref().unwrap_or("Hz")
                ),
                FIX_TECHNICAL,
            ));
        }
    }
    if let Some(b) = &t.bits_per_sample
        && let Some(depth) = r.bit_depth
    {
        checked.push("bitsPerSample".into());
        if b.trim().parse::<u32>().ok() != Some(depth) {
            tech.push(mismatch(
                c,
                "bitsPerSample",
                json!(b),
                json!(depth),
                format!("'{file}' has {depth} bits per sample, the message says {b}"),
                FIX_TECHNICAL,
            ));
        }
    }
    if let Some(n) = &t.channels {
        checked.push("numberOfChannels".into());
        if n.trim().parse::<u32>().ok() != r.number_of_channels {
            tech.push(mismatch(
                c,
                "numberOfChannels",
                json!(n),
                json!(r.number_of_channels),
                format!(
                    "'{file}' has {} channels, the message says {n}",
                    r.number_of_channels
                        .map_or("no known number of".to_string(), |x| x.to_string())
                ),
                FIX_TECHNICAL,
            ));
        }
    }
    if let Some(m) = &t.bit_rate {
        checked.push("bitRate".into());
        let units = [
            ("bps", 1),
            ("kbps", 1000),
            ("Mbps", 1_000_000),
            ("Gbps", 1_000_000_000),
        ];
        let good = match (in_units(m, "kbps", &units), r.bitrate) {
            // |declared − measured| ≤ max(1 %, 1 kbps), in integers.
            (Ok((num, den)), Some(bps)) => {
                let measured = u128::from(bps) * den;
                let slack = (measured / 100).max(1000 * den);
                num.abs_diff(measured) <= slack
            }
            _ => false,
        };
        if !good {
            tech.push(mismatch(
                c,
                "bitRate",
                json!(format!(
                    "{} {}",
                    m.value,
                    m.unit.as_deref().unwrap_or("kbps")
                )),
                json!(r.bitrate),
                format!(
                    "'{file}' averages {}, the message says {} {}",
                    r.bitrate
                        .map_or("no known bit rate".to_string(), |b| format!(
                            "{} kbps",
                            crate::ern::kbps(b)
                        )),
                    m.value,
                    m.unit.as_deref().unwrap_or("kbps")
                ),
                FIX_TECHNICAL,
            ));
        }
    }
    // The image.
    if let Some(w) = &t.image_codec {
        checked.push("imageCodecType".into());
        let measured = r.artwork.as_ref().map(|a| squash(&a.format));
        let declared = match squash(w.value()).as_str() {
            "JPG" => "JPEG".to_string(),
            other => other.to_string(),
        };
        if measured.as_deref() != Some(declared.as_str()) {
            tech.push(mismatch(
                c,
                "imageCodecType",
                json!(w.value()),
                json!(r.artwork.as_ref().map(|a| &a.format)),
                format!(
                    "'{file}' is {}, the message says {}",
                    r.artwork
                        .as_ref()
                        .map_or("not a JPEG or PNG image", |a| a.format.as_str()),
                    w.value()
                ),
                FIX_TECHNICAL,
            ));
        }
    }
    for (field, declared, measured) in [
        ("imageWidth", &t.width, r.artwork.as_ref().map(|a| a.width)),
        (
            "imageHeight",
            &t.height,
            r.artwork.as_ref().map(|a| a.height),
        ),
    ] {
        if let Some(d) = declared {
            checked.push(field.to_string());
            if d.trim().parse::<u32>().ok() != measured {
                tech.push(mismatch(
                    c,
                    field,
                    json!(d),
                    json!(measured),
                    format!(
                        "'{file}' is {} pixels {}, the message says {d}",
                        measured.map_or("of unknown size".to_string(), |m| m.to_string()),
                        if field == "imageWidth" {
                            "wide"
                        } else {
                            "high"
                        }
                    ),
                    FIX_TECHNICAL,
                ));
            }
        }
    }
    if swapped {
        // Another resource's file: its figures are that resource's; the
        // swap is the finding.
        tech.clear();
        also.retain(|f| f.code == AuditCode::FileSwapped);
    }
    also.extend(tech);
    match damage {
        Some((code, issue)) => {
            let mut message = format!(
                "'{file}' {}: {}",
                match code {
                    AuditCode::FileTruncated => "is truncated",
                    AuditCode::FileUnreadable => "cannot be read",
                    _ => "is damaged",
                },
                issue.message
            );
            if !also.is_empty() {
                let fields: Vec<String> = also
                    .iter()
                    .map(|f| f.field.clone().unwrap_or_else(|| f.code.to_string()))
                    .collect();
                message.push_str(&format!(
                    " (so its {} differ from the message's)",
                    fields.join(", ")
                ));
            }
            out.push(
                Finding::error(code, message, match code {
                    AuditCode::FileTruncated => "Deliver the file again: the copy in the batch is cut short",
                    AuditCode::FileUnreadable => "Make the file readable (permissions, a regular file) and audit again",
                    _ => "Deliver an undamaged copy of the file (check the master with ddexprobe scan --verify)",
                })
                .resource(res)
                .file(file)
                .line(c.file.line)
                .values(issue.code.as_str(), Value::Null, json!(issue.code.as_str())),
            );
        }
        None => {
            for f in also {
                let f = if f.resource.is_none() {
                    f.resource(res)
                } else {
                    f
                };
                let f = if f.file.is_none() {
                    f.file(file.clone())
                } else {
                    f
                };
                let f = if f.line.is_none() {
                    f.line(c.file.line)
                } else {
                    f
                };
                out.push(f);
            }
            if c.qc {
                qc_findings(c, out);
            }
        }
    }
    checked
}

/// The profile's QC rules on the analysed audio.
fn qc_findings(c: &Compared, out: &mut Vec<Finding>) {
    if !c.record.is_audio() {
        return;
    }
    let (invalid, warnings, suggestions) =
        crate::readiness::assess::quality_findings(c.record, c.profile);
    // The rules' own suggestions, together (the profile's wording).
    let fix = suggestions.join("; ");
    for f in &invalid {
        out.push(
            Finding::error(AuditCode::QcFailed, f.issue.clone(), fix.clone())
                .resource(c.resource.reference.as_deref())
                .file(location(c))
                .line(c.file.line)
                .values(&f.field, Value::Null, f.current_value.clone()),
        );
    }
    for w in warnings {
        out.push(
            Finding::warning(AuditCode::QcWarning, w, fix.clone())
                .resource(c.resource.reference.as_deref())
                .file(location(c))
                .line(c.file.line),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_and_units() {
        assert_eq!(decimal("44.1"), Some((441, 1)));
        assert_eq!(decimal("44100"), Some((44100, 0)));
        assert_eq!(decimal(".5"), Some((5, 1)));
        assert_eq!(decimal("1e3"), None);
        assert_eq!(decimal("-1"), None);
        assert_eq!(decimal(""), None);
        assert_eq!(decimal("1.0000000001"), None);
        let m = |v: &str, u: Option<&str>| Measure {
            value: v.into(),
            unit: u.map(String::from),
        };
        let hz = [("Hz", 1), ("kHz", 1000)];
        assert_eq!(
            in_units(&m("44.1", Some("kHz")), "Hz", &hz),
            Ok((441_000, 10))
        );
        assert_eq!(in_units(&m("48000", None), "Hz", &hz), Ok((48_000, 1)));
        assert!(in_units(&m("48", Some("furlongs")), "Hz", &hz).is_err());
    }

    #[test]
    fn words() {
        assert_eq!(squash("AC-3"), "AC3");
        assert_eq!(squash("Ogg"), "OGG");
    }
}
