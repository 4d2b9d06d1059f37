//! Exact durations: ISO 8601 text from a sample count, in integer arithmetic.
//!
//! A duration is never derived from a bitrate or a float. It is the number of
//! sample frames divided by the sample rate, rounded to the nearest
//! millisecond with halves rounded up, then written the way DDEX messages
//! carry it (`xs:duration`): zero components omitted, no trailing zeros in the
//! fraction, and `PT0S` for nothing. Calendar dates (sidecar stamps, the
//! current year for P-line checks) come from [`civil_from_days`].

/// Milliseconds in `samples` frames at `rate` Hz, rounded to nearest, halves up.
///
/// Returns `None` for a zero rate.
pub fn millis(samples: u64, rate: u32) -> Option<u128> {
    if rate == 0 {
        return None;
    }
    let rate = u128::from(rate);
    // round(samples * 1000 / rate) = floor((2 * samples * 1000 + rate) / (2 * rate))
    Some((u128::from(samples) * 2000 + rate) / (2 * rate))
}

/// ISO 8601 duration of `samples` frames at `rate` Hz, e.g. `PT3M45S`.
///
/// ```
/// use ddexprobe::duration::iso8601;
/// assert_eq!(iso8601(9_922_500, 44_100).as_deref(), Some("PT3M45S"));
/// assert_eq!(iso8601(158_782_050, 44_100).as_deref(), Some("PT1H0.5S"));
/// ```
pub fn iso8601(samples: u64, rate: u32) -> Option<String> {
    millis(samples, rate).map(format_millis)
}

/// Write a millisecond count as an ISO 8601 duration (`PT1H2M3.45S`).
pub fn format_millis(ms: u128) -> String {
    if ms == 0 {
        return "PT0S".to_string();
    }
    let hours = ms / 3_600_000;
    let minutes = ms / 60_000 % 60;
    let secs = ms / 1000 % 60;
    let frac = ms % 1000;
    let mut out = String::from("PT");
    if hours > 0 {
        out.push_str(&format!("{hours}H"));
    }
    if minutes > 0 {
        out.push_str(&format!("{minutes}M"));
    }
    if secs > 0 || frac > 0 {
        out.push_str(&secs.to_string());
        if frac > 0 {
            let digits = format!("{frac:03}");
            out.push('.');
            out.push_str(digits.trim_end_matches('0'));
        }
        out.push('S');
    }
    out
}

/// Seconds as a float, for people and spreadsheets; the exact figure is
/// `totalSamples / sampleRate`.
pub fn seconds(samples: u64, rate: u32) -> Option<f64> {
    (rate != 0).then(|| samples as f64 / f64::from(rate))
}

/// Proleptic Gregorian `(year, month, day)` of a day count from 1970-01-01
/// (Howard Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i128) -> (i128, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], from March
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i128::from(m <= 2);
    (y, m, d)
}

/// The day count from 1970-01-01 of a proleptic Gregorian date (Howard
/// Hinnant's `days_from_civil`, the inverse of [`civil_from_days`]).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let mp = i64::from((m + 9) % 12); // [0, 11], from March
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DDThh:mm:ssZ` of a time in seconds since 1970-01-01 UTC.
pub fn utc_timestamp(secs: u64) -> String {
    let days = i128::from(secs / 86_400);
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn days_round_trip() {
        for days in [-800_000i64, -1, 0, 1, 19_844, 2_932_896] {
            let (y, m, d) = super::civil_from_days(i128::from(days));
            assert_eq!(super::days_from_civil(y as i64, m, d), days);
        }
        assert_eq!(super::utc_timestamp(1_714_521_600), "2024-05-01T00:00:00Z");
    }

    use super::*;

    #[test]
    fn examples_from_the_record_contract() {
        assert_eq!(iso8601(9_922_500, 44_100).unwrap(), "PT3M45S");
        assert_eq!(iso8601(220_501, 44_100).unwrap(), "PT5S");
        assert_eq!(iso8601(3307, 11_025).unwrap(), "PT0.3S");
        assert_eq!(iso8601(158_760_000, 44_100).unwrap(), "PT1H");
        assert_eq!(iso8601(158_782_050, 44_100).unwrap(), "PT1H0.5S");
        assert_eq!(iso8601(0, 44_100).unwrap(), "PT0S");
    }

    #[test]
    fn halves_round_up() {
        // 1 frame at 2000 Hz is exactly 0.5 ms.
        assert_eq!(millis(1, 2000), Some(1));
        // 1 frame at 2001 Hz is just under 0.5 ms.
        assert_eq!(millis(1, 2001), Some(0));
        assert_eq!(iso8601(1, 2000).unwrap(), "PT0.001S");
        // 22.675 ms + a hair rounds to 23 ms.
        assert_eq!(iso8601(1000, 44_100).unwrap(), "PT0.023S");
    }

    #[test]
    fn fraction_and_components() {
        assert_eq!(format_millis(61_010), "PT1M1.01S");
        assert_eq!(format_millis(3_600_000 + 60_000), "PT1H1M");
        assert_eq!(format_millis(120), "PT0.12S");
        assert_eq!(format_millis(86_400_000 * 3), "PT72H");
    }

    #[test]
    fn zero_rate_and_huge_counts() {
        assert_eq!(iso8601(10, 0), None);
        // u64::MAX samples at 1 Hz does not overflow.
        assert!(iso8601(u64::MAX, 1).unwrap().starts_with("PT"));
    }

    #[test]
    fn civil_dates_round_trip_day_by_day() {
        // Walk 1900..2100 and check against a simple calendar count.
        let mut days = -25_567; // 1900-01-01
        for y in 1900..2100i128 {
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            for m in 1..=12u32 {
                let len = match m {
                    2 if leap => 29,
                    2 => 28,
                    4 | 6 | 9 | 11 => 30,
                    _ => 31,
                };
                for d in 1..=len {
                    assert_eq!(civil_from_days(days), (y, m, d));
                    days += 1;
                }
            }
        }
    }
}
