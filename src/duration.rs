//! Exact durations: ISO 8601 text from a sample count, in integer arithmetic.
//!
//! A duration is never derived from a bitrate or a float. It is the number of
//! sample frames divided by the sample rate, rounded to the nearest
//! millisecond with halves rounded up, then written the way DDEX messages
//! carry it (`xs:duration`): zero components omitted, no trailing zeros in the
//! fraction, and `PT0S` for nothing.

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

#[cfg(test)]
mod tests {
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
}
