//! Identifier and code validation for readiness rules.
//!
//! Pure functions, no I/O (apart from [`current_year`], which reads the
//! system clock). Each check answers `Err` with a sentence for people that
//! names what is wrong and, where it can, how to write the value instead.
//!
//! - [`isrc`]: ISO 3901 recording codes, normalized to 12 characters.
//! - [`iswc`]: ISO 15707 musical work codes, check digit verified, in the
//!   canonical `T-123.456.789-C` form.
//! - [`language`]: ISO 639-1 two-letter language codes, lower case (ERN
//!   3.x, and profiles that demand it); [`language_tag`]: BCP 47 tags as
//!   ERN 4.x accepts them (`zxx`, `yue`, `pt-BR`, `zh-Hant`).
//! - [`country`]: ISO 3166-1 alpha-2 country codes.
//! - [`iso8601_duration`]: DDEX durations (`PT3M45S`) in milliseconds.
//! - [`p_line_year`]: a plausible P-line year.
//! - [`resource_reference`]: DDEX `ResourceReference` values (`A1`).
//! - [`icpn`]: UPC-A and EAN-13 release codes, GS1 check digit verified.
//! - [`grid`]: Global Release Identifiers, ISO 7064 Mod 37,36 check
//!   character verified; [`dpid`]: DDEX Party Identifiers.
//! - [`date`]: ISO 8601 calendar dates (`2024-05-01`) as day counts.
//! - [`territory`]: ISO 3166-1 codes or `Worldwide`.
//!
//! The country and language lists are generated from the DDEX ERN 3.4
//! schemas by `scripts/gen-codes.sh` into `code_lists.rs`.

use serde_json::Value;
use std::time::{SystemTime, UNIX_EPOCH};

use super::code_lists;

pub use code_lists::{ISO_639_1, ISO_3166_ALPHA2};

/// ISRC country codes (element 1) that are not ISO 3166-1 codes but are
/// allocated by the ISRC agencies, sorted.
///
/// - `CP`, `DG`: exceptionally reserved in ISO 3166-1 (never a country of
///   their own) and taken up as additional ISRC country codes (ISRC Bulletin
///   2015/01, valid values for element 1).
/// - `QM`, `QT`, `QZ`: allocated to the US ISRC Agency in addition to `US`
///   (`QM`, `QZ` for earlier registrants, `QT` for new ones since 2024).
/// - `QN`: a further `Q*` code from the ISO 3166 user-assigned range
///   allocated as an additional ISRC country code.
/// - `ZZ`: used by the International ISRC Agency itself when a national
///   agency cannot allocate registrant codes (ISRC Bulletin 2007/01).
///
/// Codes of dissolved countries that the ERN 3.4 list no longer carries
/// (`YU`, `CS`) are left out: nothing we can cite keeps them valid for new
/// ISRCs. `AN` (Netherlands Antilles) is accepted through the ISO list,
/// which still carries it unmarked.
pub const ISRC_AGENCY_PREFIXES: &[&str] = &["CP", "DG", "QM", "QN", "QT", "QZ", "ZZ"];

/// Whether `s` is an ISO 3166-1 alpha-2 country code (upper case).
pub fn country(s: &str) -> bool {
    ISO_3166_ALPHA2.binary_search(&s).is_ok()
}

/// Whether `s` may start an ISRC: an ISO 3166 code or an agency prefix.
fn isrc_country(s: &str) -> bool {
    country(s) || ISRC_AGENCY_PREFIXES.binary_search(&s).is_ok()
}

/// Checks an ISRC and returns it as 12 characters (hyphens and surrounding
/// whitespace removed), e.g. `US-RC1-76-07839` → `USRC17607839`.
///
/// Lower-case letters are refused rather than silently upper-cased.
pub fn isrc(s: &str) -> Result<String, String> {
    let code: String = s.trim().chars().filter(|&c| c != '-').collect();
    if code.is_empty() {
        return Err("the ISRC is empty".to_string());
    }
    if code.chars().any(|c| c.is_ascii_lowercase()) {
        return Err(format!(
            "ISRC must be upper case: '{}' should be written '{}'",
            s.trim(),
            code.to_ascii_uppercase()
        ));
    }
    if code.chars().count() != 12 {
        return Err(format!(
            "'{}' is not an ISRC: an ISRC has 12 characters without hyphens \
             (CC-XXX-YY-NNNNN), this has {}",
            s.trim(),
            code.chars().count()
        ));
    }
    let b = code.as_bytes();
    let shape = b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..5]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && b[5..].iter().all(u8::is_ascii_digit);
    if !shape {
        return Err(format!(
            "'{}' is not an ISRC: it must be 2 letters, 3 letters or digits, \
             then 7 digits (CC-XXX-YY-NNNNN)",
            s.trim()
        ));
    }
    let cc = &code[..2];
    if !isrc_country(cc) {
        return Err(format!(
            "'{}' is not an ISRC: '{cc}' is neither an ISO 3166 country code \
             nor an ISRC agency code",
            s.trim()
        ));
    }
    Ok(code)
}

/// The ISWC check digit of nine work digits: `(10 - (1 + Σ i·dᵢ) mod 10) mod 10`
/// (ISO 15707; e.g. T-034.524.680 → 1).
fn iswc_check_digit(digits: &[u8]) -> u8 {
    let sum: u32 = 1 + digits
        .iter()
        .enumerate()
        .map(|(i, &d)| (i as u32 + 1) * u32::from(d - b'0'))
        .sum::<u32>();
    ((10 - sum % 10) % 10) as u8
}

/// Checks an ISWC written `T-123.456.789-C`, `T-123456789-C` or
/// `T123456789C`, verifies its check digit and returns it in the canonical
/// `T-123.456.789-C` form.
pub fn iswc(s: &str) -> Result<String, String> {
    let t = s.trim();
    let shape_err =
        || format!("'{t}' is not an ISWC: write it as T-123.456.789-C (or T1234567890)");
    if t.is_empty() {
        return Err("the ISWC is empty".to_string());
    }
    if t.starts_with('t') {
        return Err(format!(
            "'{t}' is not an ISWC: the prefix must be an upper-case 'T'"
        ));
    }
    let Some(rest) = t.strip_prefix('T') else {
        return Err(format!("'{t}' is not an ISWC: it must start with 'T'"));
    };
    let b = rest.as_bytes();
    let digit = |i: usize| b[i].is_ascii_digit();
    let digits: Vec<u8> = match b.len() {
        10 if (0..10).all(digit) => b.to_vec(),
        12 if b[0] == b'-' && (1..10).all(digit) && b[10] == b'-' && digit(11) => {
            b[1..10].iter().chain(&b[11..]).copied().collect()
        }
        14 if b[0] == b'-'
            && b[4] == b'.'
            && b[8] == b'.'
            && b[12] == b'-'
            && [1, 2, 3, 5, 6, 7, 9, 10, 11, 13].into_iter().all(digit) =>
        {
            [1, 2, 3, 5, 6, 7, 9, 10, 11, 13].map(|i| b[i]).to_vec()
        }
        _ => return Err(shape_err()),
    };
    let expected = iswc_check_digit(&digits[..9]);
    let given = digits[9] - b'0';
    if expected != given {
        return Err(format!(
            "'{t}' is not a valid ISWC: the check digit is {given} but the work \
             number gives {expected}"
        ));
    }
    let d = |r: std::ops::Range<usize>| String::from_utf8_lossy(&digits[r]).into_owned();
    Ok(format!(
        "T-{}.{}.{}-{}",
        d(0..3),
        d(3..6),
        d(6..9),
        d(9..10)
    ))
}

/// Checks an ISO 639-1 language code: two lower-case letters from the list,
/// as DDEX writes them (`en`, not `EN`, `eng` or `english`).
pub fn language(s: &str) -> Result<(), String> {
    let known = |c: &str| ISO_639_1.binary_search(&c).is_ok();
    if known(s) {
        return Ok(());
    }
    let lower = s.trim().to_ascii_lowercase();
    if known(&lower) {
        return Err(format!(
            "'{s}' is not an ISO 639-1 code as DDEX writes it (use lower case: '{lower}')"
        ));
    }
    if let Some((head, _)) = lower.split_once(['-', '_'])
        && known(head)
    {
        return Err(format!(
            "'{s}' is not an ISO 639-1 code (use the two-letter code '{head}')"
        ));
    }
    if lower.len() == 3 && lower.bytes().all(|c| c.is_ascii_lowercase()) {
        return Err(format!(
            "'{s}' looks like an ISO 639-2 code; DDEX expects an ISO 639-1 \
             two-letter code such as 'en'"
        ));
    }
    Err(format!(
        "'{s}' is not an ISO 639-1 code (use a two-letter code such as 'en')"
    ))
}

/// Checks a language tag as ERN 4.x accepts it (IETF BCP 47, RFC 5646, in
/// the schema's form `lang[-script][-region][-variant]`): `en`, `zxx` (no
/// linguistic content, for instrumentals), `yue`, `pt-BR`, `zh-Hant`,
/// `sr-Latn-RS`. A two-letter language must be an ISO 639-1 code; a
/// three-letter one (ISO 639-2/3) is taken as written.
pub fn language_tag(s: &str) -> Result<(), String> {
    let parts: Vec<&str> = s.split('-').collect();
    let letters = |p: &str| !p.is_empty() && p.bytes().all(|c| c.is_ascii_alphabetic());
    let lang = parts[0];
    if !(2..=3).contains(&lang.len()) || !letters(lang) {
        return Err(if s.contains('_') {
            format!("'{s}' is not a language tag (subtags are joined by '-', e.g. 'pt-BR')")
        } else {
            format!(
                "'{s}' is not a language tag: it starts with a two- or three-letter \
                 language code (e.g. 'en', 'pt-BR', 'zxx' for instrumentals)"
            )
        });
    }
    if lang.len() == 2
        && ISO_639_1
            .binary_search(&lang.to_ascii_lowercase().as_str())
            .is_err()
    {
        return Err(format!("'{s}': '{lang}' is not an ISO 639-1 language code"));
    }
    // [-script][-region][-variant], each optional, in that order.
    let mut rest = &parts[1..];
    let take = |rest: &mut &[&str], ok: &dyn Fn(&str) -> bool| {
        if let Some((first, tail)) = rest.split_first()
            && ok(first)
        {
            *rest = tail;
        }
    };
    take(&mut rest, &|p| letters(p) && p.len() != 2);
    take(&mut rest, &|p| {
        (p.len() == 2 && letters(p)) || (p.len() == 3 && p.bytes().all(|c| c.is_ascii_digit()))
    });
    take(&mut rest, &|p| {
        p.len() >= 5
            && p.as_bytes()[0].is_ascii_alphabetic()
            && p.bytes().all(|c| c.is_ascii_alphanumeric())
    });
    // A region alone after the language (`pt-BR`) is also read by the
    // schema as a script of two letters.
    if rest.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "'{s}' is not a language tag of the form language[-script][-region][-variant] \
             (e.g. 'en', 'pt-BR', 'zh-Hant', 'sr-Latn-RS')"
        ))
    }
}

/// Parses an ISO 8601 duration as DDEX uses it (`PT3M45S`, `PT1H2M3.5S`,
/// `PT0.3S`, `P0DT0H3M45S`) into milliseconds, rounding to the nearest
/// millisecond. Days are accepted (24 h); years, months and weeks are refused
/// as ambiguous for audio. Only the seconds may carry a fraction.
pub fn iso8601_duration(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let err = |why: &str| Err(format!("'{t}' is not an ISO 8601 duration: {why}"));
    if t.is_empty() {
        return Err("the duration is empty".to_string());
    }
    if t.starts_with('-') {
        return err("a duration cannot be negative");
    }
    let Some(body) = t.strip_prefix('P') else {
        return err("it must start with 'P' (e.g. PT3M45S)");
    };
    if body.is_empty() {
        return err("it has no parts (e.g. PT3M45S)");
    }
    // Designators in the order they must appear; `T` separates date and time.
    const ORDER: [char; 4] = ['D', 'H', 'M', 'S'];
    let mut in_time = false;
    let mut last: Option<usize> = None;
    let mut parts = 0;
    let mut ms: u64 = 0;
    let mut num = String::new();
    for c in body.chars() {
        match c {
            '0'..='9' | '.' | ',' => num.push(c),
            'T' => {
                if in_time {
                    return err("'T' appears twice");
                }
                if !num.is_empty() {
                    return err("a number before 'T' has no designator");
                }
                in_time = true;
            }
            'Y' | 'W' => {
                return err("years and weeks are ambiguous for audio; use days, hours, \
                            minutes and seconds");
            }
            'M' if !in_time => {
                return err("'M' before 'T' means months, which are ambiguous for \
                            audio; minutes need a 'T' (e.g. PT3M45S)");
            }
            'D' | 'H' | 'M' | 'S' => {
                if (c == 'D') == in_time {
                    return err(if c == 'D' {
                        "days must come before 'T'"
                    } else {
                        "hours, minutes and seconds need a 'T' before them (e.g. PT3M45S)"
                    });
                }
                let pos = ORDER.iter().position(|&o| o == c).unwrap_or(0);
                if let Some(l) = last {
                    if l == pos {
                        return err(&format!("'{c}' appears twice"));
                    }
                    if l > pos {
                        return err("the parts are out of order (days, hours, minutes, seconds)");
                    }
                }
                last = Some(pos);
                if num.is_empty() {
                    return err(&format!("'{c}' has no number before it"));
                }
                let unit_ms: u64 = match c {
                    'D' => 86_400_000,
                    'H' => 3_600_000,
                    'M' => 60_000,
                    _ => 1_000,
                };
                let value = match parse_scaled(&num, unit_ms, c == 'S') {
                    Ok(v) => v,
                    Err(why) => return err(&why),
                };
                ms = match ms.checked_add(value) {
                    Some(v) => v,
                    None => return err("it is too long"),
                };
                parts += 1;
                num.clear();
            }
            _ => return err(&format!("'{c}' is not allowed")),
        }
    }
    if !num.is_empty() {
        return err("the last number has no designator (D, H, M or S)");
    }
    if parts == 0 {
        return err(if in_time {
            "'T' must be followed by hours, minutes or seconds"
        } else {
            "it has no parts (e.g. PT3M45S)"
        });
    }
    Ok(ms)
}

/// `num` (digits, optionally a fraction after `.` or `,` when `fraction` is
/// allowed) times `unit_ms`, rounded to the nearest millisecond.
fn parse_scaled(num: &str, unit_ms: u64, fraction: bool) -> Result<u64, String> {
    let (int, frac) = match num.split_once(['.', ',']) {
        Some((i, f)) => (i, Some(f)),
        None => (num, None),
    };
    if int.is_empty() || !int.bytes().all(|c| c.is_ascii_digit()) {
        return Err(format!("'{num}' is not a number"));
    }
    let whole = int
        .parse::<u64>()
        .ok()
        .and_then(|v| v.checked_mul(unit_ms))
        .ok_or_else(|| "it is too long".to_string())?;
    let Some(frac) = frac else {
        return Ok(whole);
    };
    if !fraction {
        return Err("only the seconds may have a fraction".to_string());
    }
    if frac.is_empty() || !frac.bytes().all(|c| c.is_ascii_digit()) {
        return Err(format!("'{num}' is not a number"));
    }
    // Seconds: the first three fraction digits are milliseconds, the fourth
    // rounds (half up).
    let mut digits = frac.bytes().map(|c| u64::from(c - b'0'));
    let mut part = 0;
    for _ in 0..3 {
        part = part * 10 + digits.next().unwrap_or(0);
    }
    if digits.next().unwrap_or(0) >= 5 {
        part += 1;
    }
    whole
        .checked_add(part)
        .ok_or_else(|| "it is too long".to_string())
}

/// Checks a P-line year: four digits (a JSON number or string) from 1900 to
/// `current_year`. `Ok(Some(warning))` when it is the current year, which is
/// often the delivery year put in by mistake.
pub fn p_line_year(y: &Value, current_year: u32) -> Result<Option<String>, String> {
    let year: u32 = match y {
        Value::Number(n) => match n.as_u64() {
            Some(v) if (1000..=9999).contains(&v) => v as u32,
            _ => return Err(format!("the P-line year {n} is not a four-digit year")),
        },
        Value::String(s) if s.len() == 4 && s.bytes().all(|c| c.is_ascii_digit()) => s
            .parse()
            .map_err(|_| format!("the P-line year '{s}' is not a year"))?,
        Value::String(s) => {
            return Err(format!("the P-line year '{s}' is not a four-digit year"));
        }
        other => return Err(format!("the P-line year {other} is not a four-digit year")),
    };
    if year < 1900 {
        return Err(format!(
            "the P-line year {year} is implausible (sound recordings published before 1900 \
             are not expected)"
        ));
    }
    if year > current_year {
        return Err(format!(
            "the P-line year {year} is in the future (the current year is {current_year})"
        ));
    }
    if year == current_year {
        return Ok(Some(format!(
            "the P-line year is the year of first publication; {year} is the current year, \
             check it is not simply the year of this delivery"
        )));
    }
    Ok(None)
}

/// Checks a DDEX `ResourceReference`: an `A` followed by one or more ASCII
/// letters, digits, `-` or `_`. ERN 3.4 `ddexC.xsd` restricts the
/// `ResourceReference` elements to `xs:IDREF` with the pattern
/// `A[\d\-_a-zA-Z]+`.
pub fn resource_reference(s: &str) -> Result<(), String> {
    match s.strip_prefix('A') {
        Some(rest)
            if !rest.is_empty()
                && rest
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_') =>
        {
            Ok(())
        }
        Some("") => Err(format!(
            "'{s}' is not a resource reference: 'A' must be followed by letters, digits, \
             '-' or '_' (e.g. A1)"
        )),
        Some(_) => Err(format!(
            "'{s}' is not a resource reference: only letters, digits, '-' and '_' may \
             follow the 'A' (e.g. A1)"
        )),
        None => Err(format!(
            "'{s}' is not a resource reference: it must start with an upper-case 'A' (e.g. A1)"
        )),
    }
}

/// Checks an ICPN (the release's UPC or EAN barcode): 12 digits (UPC-A)
/// or 13 (EAN-13), the last being the GS1 check digit. Returns the digits
/// and whether it is an EAN (13 digits), which ERN 3.4 writes as `IsEan`.
pub fn icpn(s: &str) -> Result<(String, bool), String> {
    let t = s.trim();
    if !t.bytes().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "'{s}' is not an ICPN: a UPC or EAN is 12 or 13 digits, nothing else (no spaces or \
             hyphens)"
        ));
    }
    if t.len() != 12 && t.len() != 13 {
        return Err(format!(
            "'{s}' is not an ICPN: it has {} digits; a UPC-A has 12 and an EAN-13 13",
            t.len()
        ));
    }
    let digits: Vec<u32> = t.bytes().map(|c| u32::from(c - b'0')).collect();
    let (body, check) = digits.split_at(digits.len() - 1);
    let expected = gs1_check_digit(body);
    if check[0] != expected {
        return Err(format!(
            "'{s}' fails its GS1 check digit: the last digit should be {expected}, not {} \
             (a mistyped digit: copy the barcode again from its issuer)",
            check[0]
        ));
    }
    Ok((t.to_string(), t.len() == 13))
}

/// The GS1 check digit of `body`: weights 3 and 1 alternating from the
/// rightmost digit.
fn gs1_check_digit(body: &[u32]) -> u32 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d })
        .sum();
    (10 - sum % 10) % 10
}

/// The ISO 7064 Mod 37,36 check character of `body` (digits and upper-case
/// letters), as GRid and DDEX Party Identifiers carry it.
fn mod37_36(body: &str) -> Option<char> {
    const ALPHABET: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut p: u32 = 36;
    for c in body.bytes() {
        let v = ALPHABET.iter().position(|&a| a == c)? as u32;
        p = (p + v) % 36;
        if p == 0 {
            p = 36;
        }
        p = (p * 2) % 37;
    }
    Some(char::from(ALPHABET[((37 - p) % 36) as usize]))
}

/// Checks a GRid (Global Release Identifier): 18 characters, `A1`, a
/// five-character issuer code, a ten-character release number and an ISO
/// 7064 Mod 37,36 check character; hyphens are accepted and removed
/// (`A1-2425G-ABC1234002-M` -> `A12425GABC1234002M`).
pub fn grid(s: &str) -> Result<String, String> {
    let t: String = s.trim().chars().filter(|c| *c != '-').collect();
    if t.len() != 18
        || !t
            .bytes()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
    {
        return Err(format!(
            "'{s}' is not a GRid: 18 characters (digits and upper-case letters), \
             e.g. A1-2425G-ABC1234002-M"
        ));
    }
    if !t.starts_with("A1") {
        return Err(format!("'{s}' is not a GRid: a GRid starts with 'A1'"));
    }
    let expected = mod37_36(&t[..17]).unwrap_or('?');
    if !t.ends_with(expected) {
        return Err(format!(
            "'{s}' fails its check character: it should end in {expected} (ISO 7064 Mod 37,36)"
        ));
    }
    Ok(t)
}

/// Checks a DDEX Party Identifier: `PADPID`, then 11 digits or upper-case
/// letters and a check character. `Ok(Some(warning))` when the last
/// character is not the ISO 7064 Mod 37,36 check character of the rest:
/// DDEX's registry is the authority, so a mismatch is for a person to
/// confirm, not a refusal.
pub fn dpid(s: &str) -> Result<Option<String>, String> {
    let t = s.trim();
    let well_formed = t.len() == 18
        && t.starts_with("PADPID")
        && t.bytes()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
    if !well_formed {
        return Err(format!(
            "'{s}' is not a DDEX Party Identifier: 18 characters, 'PADPID' followed by 12 digits \
             or upper-case letters (e.g. PADPIDA2013020802I); look it up at dpid.ddex.net"
        ));
    }
    let expected = mod37_36(&t[..17]).unwrap_or('?');
    if t.ends_with(expected) {
        Ok(None)
    } else {
        Ok(Some(format!(
            "the DDEX Party Identifier '{s}' does not end in its ISO 7064 Mod 37,36 check \
             character ({expected}): confirm it against the DPID registry (dpid.ddex.net)"
        )))
    }
}

/// Checks an ISO 8601 calendar date `YYYY-MM-DD` and returns its day
/// number since 1970-01-01 (for comparisons).
pub fn date(s: &str) -> Result<i64, String> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err(format!(
            "'{s}' is not an ISO 8601 date: write it as YYYY-MM-DD (e.g. 2024-05-01)"
        ));
    }
    let num = |r: std::ops::Range<usize>| -> i64 { s[r].parse().unwrap_or(0) };
    let (y, m, d) = (num(0..4), num(5..7), num(8..10));
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in_month = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    if y < 1000 || d < 1 || d > days_in_month {
        return Err(format!("'{s}' is not a calendar date"));
    }
    Ok(crate::duration::days_from_civil(y, m as u32, d as u32))
}

/// Whether `s` is a deal territory: an ISO 3166-1 alpha-2 code or
/// `Worldwide`.
pub fn territory(s: &str) -> bool {
    s == "Worldwide" || country(s)
}

/// The current calendar year (UTC) from the system clock.
pub fn current_year() -> u32 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    year_from_days((secs / 86_400) as i64)
}

/// The proleptic Gregorian year of a day count since 1970-01-01.
fn year_from_days(days: i64) -> u32 {
    crate::duration::civil_from_days(i128::from(days)).0 as u32
}

#[cfg(test)]
mod release_tests {
    use super::*;

    #[test]
    fn icpn_check_digits() {
        assert_eq!(
            icpn("5012345678900"),
            Ok(("5012345678900".to_string(), true))
        );
        assert_eq!(
            icpn("036000291452"),
            Ok(("036000291452".to_string(), false))
        );
        let e = icpn("5012345678901").unwrap_err();
        assert!(e.contains("should be 0, not 1"), "{e}");
        assert!(icpn("50123456789").unwrap_err().contains("11 digits"));
        assert!(icpn("5012-34567890").is_err());
    }

    #[test]
    fn grid_and_dpid_check_characters() {
        // The GRid standard's own example.
        assert_eq!(grid("A1-2425G-ABC1234002-M").unwrap(), "A12425GABC1234002M");
        assert!(
            grid("A1-2425G-ABC1234002-N")
                .unwrap_err()
                .contains("end in M")
        );
        assert!(grid("B1-2425G-ABC1234002-M").is_err());
        // YouTube's DPID from its feed specification.
        assert_eq!(dpid("PADPIDA2013020802I"), Ok(None));
        let w = dpid("PADPIDA2014101001U").unwrap().unwrap();
        assert!(w.contains("(E)"), "{w}");
        assert!(dpid("PADPID123").is_err());
    }

    #[test]
    fn dates() {
        assert_eq!(date("1970-01-02"), Ok(1));
        assert!(date("2024-02-29").is_ok());
        assert!(date("2023-02-29").is_err());
        assert!(date("2024-5-1").is_err());
        assert!(date("2024-13-01").is_err());
        assert!(territory("Worldwide") && territory("GB") && !territory("UK"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_are_sorted_and_sized() {
        for list in [ISO_3166_ALPHA2, ISO_639_1, ISRC_AGENCY_PREFIXES] {
            assert!(list.windows(2).all(|w| w[0] < w[1]));
        }
        assert_eq!(ISO_3166_ALPHA2.len(), 250);
        assert!(country("SS") && country("CW"));
        assert_eq!(ISO_639_1.len(), 185);
        assert!(ISRC_AGENCY_PREFIXES.iter().all(|c| !country(c)));
    }

    #[test]
    fn countries() {
        assert!(country("US"));
        assert!(country("GB"));
        assert!(country("TC"));
        assert!(!country("us"));
        assert!(!country("UK"));
        assert!(!country("QM"));
        assert!(!country("USA"));
    }

    #[test]
    fn isrc_valid() {
        assert_eq!(isrc("USRC17607839").unwrap(), "USRC17607839");
        assert_eq!(isrc(" US-RC1-76-07839 ").unwrap(), "USRC17607839");
        assert_eq!(isrc("GBAYE0601498").unwrap(), "GBAYE0601498");
        assert_eq!(isrc("QM-6N2-24-00001").unwrap(), "QM6N22400001");
        assert_eq!(isrc("ZZ0010512345").unwrap(), "ZZ0010512345");
    }

    #[test]
    fn isrc_invalid() {
        let e = isrc("usrc17607839").unwrap_err();
        assert!(e.contains("ISRC must be upper case"), "{e}");
        assert!(e.contains("USRC17607839"), "{e}");
        let e = isrc("XXRC17607839").unwrap_err();
        assert!(e.contains("'XX'"), "{e}");
        assert!(isrc("USRC1760783").unwrap_err().contains("12 characters"));
        assert!(isrc("USRC176078390").is_err());
        assert!(isrc("U1RC17607839").is_err());
        assert!(isrc("USRC1760783A").is_err());
        assert!(isrc("US RC17607839").is_err());
        assert!(isrc("").is_err());
    }

    #[test]
    fn iswc_check_digit_formula() {
        assert_eq!(iswc_check_digit(b"034524680"), 1);
        assert_eq!(iswc_check_digit(b"000000001"), 0);
    }

    #[test]
    fn iswc_forms() {
        assert_eq!(iswc("T-034.524.680-1").unwrap(), "T-034.524.680-1");
        assert_eq!(iswc("T0345246801").unwrap(), "T-034.524.680-1");
        assert_eq!(iswc("T-034524680-1").unwrap(), "T-034.524.680-1");
        assert_eq!(iswc(" T-000.000.001-0 ").unwrap(), "T-000.000.001-0");
    }

    #[test]
    fn iswc_invalid() {
        let e = iswc("T-034.524.680-2").unwrap_err();
        assert!(e.contains("check digit is 2"), "{e}");
        assert!(e.contains("gives 1"), "{e}");
        assert!(iswc("t-034.524.680-1").is_err());
        assert!(iswc("034.524.680-1").is_err());
        assert!(iswc("T-034.524.6801").is_err());
        assert!(iswc("T-034-524-680-1").is_err());
        assert!(iswc("T03452468").is_err());
        assert!(iswc("").is_err());
    }

    #[test]
    fn language_tags_as_ern_4_accepts_them() {
        for ok in [
            "en",
            "zxx",
            "yue",
            "pt-BR",
            "zh-Hant",
            "sr-Latn-RS",
            "es-419",
            "sl-rozaj",
        ] {
            assert!(language_tag(ok).is_ok(), "{ok}: {:?}", language_tag(ok));
        }
        for bad in ["english", "pt_BR", "xx", "", "en-", "e1", "en-US-x-y-z"] {
            assert!(language_tag(bad).is_err(), "{bad}");
        }
        assert!(language_tag("pt_BR").unwrap_err().contains("'-'"));
    }

    #[test]
    fn languages() {
        assert!(language("en").is_ok());
        assert!(language("fr").is_ok());
        let e = language("EN").unwrap_err();
        assert!(e.contains("'en'"), "{e}");
        let e = language("eng").unwrap_err();
        assert!(e.contains("ISO 639-2"), "{e}");
        assert!(e.contains("'en'"), "{e}");
        let e = language("english").unwrap_err();
        assert_eq!(
            e,
            "'english' is not an ISO 639-1 code (use a two-letter code such as 'en')"
        );
        assert!(language("en-US").unwrap_err().contains("'en'"));
        assert!(language("xx").is_err());
        assert!(language("").is_err());
    }

    #[test]
    fn durations_valid() {
        assert_eq!(iso8601_duration("PT0S"), Ok(0));
        assert_eq!(iso8601_duration("PT3M45S"), Ok(225_000));
        assert_eq!(iso8601_duration("PT1H2M3.5S"), Ok(3_723_500));
        assert_eq!(iso8601_duration("PT0.3S"), Ok(300));
        assert_eq!(iso8601_duration("P0DT0H3M45S"), Ok(225_000));
        assert_eq!(iso8601_duration("PT1H0.5S"), Ok(3_600_500));
        assert_eq!(iso8601_duration("P1D"), Ok(86_400_000));
        assert_eq!(iso8601_duration("PT1.0004S"), Ok(1_000));
        assert_eq!(iso8601_duration("PT1.0005S"), Ok(1_001));
        assert_eq!(iso8601_duration("PT0.9996S"), Ok(1_000));
        assert_eq!(iso8601_duration("PT2,5S"), Ok(2_500));
        assert_eq!(iso8601_duration("PT90S"), Ok(90_000));
    }

    #[test]
    fn durations_invalid() {
        for bad in [
            "", "P", "PT", "-PT3S", "P1Y", "P1M", "P1W", "P3M45S", "P45S", "PT1D", "3M45S",
            "PT3M4M", "PT45S3M", "PT1H1H", "PTT1S", "PT1.5M", "PT.5S", "PT1.S", "PT3", "PTS",
            "pt3s", "PT3M 45S",
        ] {
            assert!(iso8601_duration(bad).is_err(), "{bad} accepted");
        }
        assert!(iso8601_duration("P1Y").unwrap_err().contains("ambiguous"));
        assert!(iso8601_duration("P3M45S").unwrap_err().contains("PT3M45S"));
        assert!(iso8601_duration("PT45S3M").unwrap_err().contains("order"));
        assert!(iso8601_duration("PT3M4M").unwrap_err().contains("twice"));
        assert!(iso8601_duration("-PT3S").unwrap_err().contains("negative"));
    }

    #[test]
    fn p_line_years() {
        assert_eq!(p_line_year(&json!(2020), 2025), Ok(None));
        assert_eq!(p_line_year(&json!("1999"), 2025), Ok(None));
        assert_eq!(p_line_year(&json!(1900), 2025), Ok(None));
        let w = p_line_year(&json!(2025), 2025).unwrap().unwrap();
        assert!(w.starts_with("the P-line year is the year of first publication"));
        assert!(p_line_year(&json!("2025"), 2025).unwrap().is_some());
        assert!(
            p_line_year(&json!(2026), 2025)
                .unwrap_err()
                .contains("future")
        );
        assert!(p_line_year(&json!(1899), 2025).is_err());
        assert!(p_line_year(&json!(99), 2025).is_err());
        assert!(p_line_year(&json!("99"), 2025).is_err());
        assert!(p_line_year(&json!("(P) 2020"), 2025).is_err());
        assert!(p_line_year(&json!(2020.5), 2025).is_err());
        assert!(p_line_year(&json!(-2020), 2025).is_err());
        assert!(p_line_year(&json!(null), 2025).is_err());
    }

    #[test]
    fn resource_references() {
        assert!(resource_reference("A1").is_ok());
        assert!(resource_reference("A-res_01").is_ok());
        assert!(resource_reference("AbC9").is_ok());
        assert!(resource_reference("A").is_err());
        assert!(resource_reference("R1").is_err());
        assert!(resource_reference("a1").is_err());
        assert!(resource_reference("A 1").is_err());
        assert!(resource_reference("A1.0").is_err());
        assert!(resource_reference("").is_err());
    }

    #[test]
    fn years_from_days() {
        assert_eq!(year_from_days(0), 1970);
        assert_eq!(year_from_days(-1), 1969);
        assert_eq!(year_from_days(10_957), 2000); // 2000-01-01
        assert_eq!(year_from_days(11_322), 2000); // 2000-12-31
        assert_eq!(year_from_days(11_323), 2001);
        assert_eq!(year_from_days(20_088), 2024); // 2024-12-31
        assert_eq!(year_from_days(20_089), 2025);
        assert!(current_year() >= 2025);
    }
}
