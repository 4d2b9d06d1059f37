//! Every committed fixture in `testdata/` against the expected record fields
//! in `testdata/expected.tsv` (values from the encoders' parameters, checked
//! against independent tools when the fixtures were made).

use crate::util::{self, testdata};
use ddexprobe::{Hashes, probe_file};

#[test]
fn every_fixture_matches_its_expected_record() {
    let dir = testdata("");
    let rows = util::read_tsv(&dir.join("expected.tsv"));
    assert!(
        rows.len() >= 40,
        "expected.tsv lists {} fixtures",
        rows.len()
    );
    let mut failures = Vec::new();
    for row in &rows {
        let name = &row["file"];
        let path = dir.join(name);
        assert!(
            path.exists(),
            "{name} is listed in expected.tsv but missing"
        );
        let record = probe_file(&path, name.clone(), Hashes::NONE);
        for d in util::compare(&record, row) {
            failures.push(format!("{name}: {d}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_fixture_is_listed() {
    let dir = testdata("");
    let rows = util::read_tsv(&dir.join("expected.tsv"));
    let listed: std::collections::BTreeSet<_> = rows.iter().map(|r| r["file"].clone()).collect();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".tsv")
            || name.ends_with(".md")
            || name.starts_with('.')
            || entry.file_type().unwrap().is_dir()
        {
            // Tables, notes, and the readiness catalog (tests/check.rs).
            continue;
        }
        assert!(listed.contains(&name), "{name} has no row in expected.tsv");
    }
}

#[test]
fn fixtures_stay_tiny() {
    let dir = testdata("");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".tsv") || name.ends_with(".md") {
            // The expectations and their notes, not fixtures.
            continue;
        }
        let len = entry.metadata().unwrap().len();
        assert!(len <= 16 * 1024, "{name} is {len} bytes");
    }
}

#[test]
fn checksums_match_reference_implementations() {
    // md5sum/sha256sum of testdata/wav-pcm16-44k-stereo.wav, computed when the
    // fixture was made, would tie the test to the fixture bytes; instead
    // compare the one-pass digests with independent single digests.
    use md5::Digest;
    let path = testdata("flac-16bit-44k-stereo.flac");
    let bytes = std::fs::read(&path).unwrap();
    let r = probe_file(&path, "x".into(), Hashes::BOTH);
    let md5 = ddexprobe::checksum::hex(&md5::Md5::digest(&bytes));
    let sha = ddexprobe::checksum::hex(&sha2::Sha256::digest(&bytes));
    assert_eq!(r.md5.as_deref(), Some(md5.as_str()));
    assert_eq!(r.sha256.as_deref(), Some(sha.as_str()));
}

/// Damage every fixture (each truncation length, and deterministic byte
/// flips in the headers): the parsers never panic, and a file cut short
/// never claims more samples than the whole file holds before gapless
/// trimming (a cut can take the trim information with it, as an MP4 whose
/// `moov` comes last loses its iTunSMPB, but never add audio).
#[test]
fn damaged_fixtures_never_panic() {
    let dir = testdata("");
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".tsv") || name.ends_with(".md") || path.is_dir() {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let ext = path.extension().and_then(|e| e.to_str());
        let full = ddexprobe::formats::probe(&bytes, ext);
        let whole = full
            .total_samples
            .map(|n| n + full.encoder_delay.unwrap_or(0) + full.encoder_padding.unwrap_or(0));
        for cut in 0..bytes.len() {
            let result = std::panic::catch_unwind(|| ddexprobe::formats::probe(&bytes[..cut], ext));
            assert!(result.is_ok(), "{name}: panic on the first {cut} bytes");
            if let (Some(whole), Some(part)) = (whole, result.unwrap().total_samples) {
                assert!(
                    part <= whole,
                    "{name}: {part} samples in the first {cut} bytes, {whole} in all"
                );
            }
        }
        for _ in 0..300 {
            let mut damaged = bytes.clone();
            let span = damaged.len().clamp(1, 256);
            for _ in 0..1 + next() % 4 {
                let at = (next() as usize) % span;
                if let Some(b) = damaged.get_mut(at) {
                    *b ^= 1 << (next() % 8);
                }
            }
            let result = std::panic::catch_unwind(|| ddexprobe::formats::probe(&damaged, ext));
            assert!(result.is_ok(), "{name}: panic on a damaged header");
        }
    }
}

/// Embedded tags, one fixture per tag format (values written by
/// scripts/gen-testdata.sh).
#[test]
fn embedded_tags_are_read() {
    let dir = testdata("");
    let cases = [
        (
            "mp3-lame-vbr-48k-stereo-id3.mp3",
            Some("QZDA42400001"),
            "ID3v2.3",
        ),
        (
            "ogg-vorbis-44k-stereo-tags.ogg",
            Some("QZDA42400002"),
            "Vorbis comment",
        ),
        ("m4a-aac-tags.m4a", Some("QZDA42400003"), "MP4 ilst"),
        ("wav-bext-ixml-info-md5.wav", None, "RIFF INFO"),
    ];
    for (name, isrc, source) in cases {
        let r = probe_file(&dir.join(name), name.into(), Hashes::NONE);
        assert_eq!(r.tags.isrc.as_deref(), isrc, "{name}");
        assert_eq!(r.tags.title.as_deref(), Some("Sine fixture"), "{name}");
        assert_eq!(r.tags.artist.as_deref(), Some("ddexprobe"), "{name}");
        assert!(
            r.tags.sources.iter().any(|s| s == source),
            "{name}: {:?}",
            r.tags.sources
        );
    }
    let plain = probe_file(
        &dir.join("wav-pcm16-44k-stereo.wav"),
        "x".into(),
        Hashes::NONE,
    );
    assert!(plain.tags.is_empty());
    let json = serde_json::to_value(&plain).unwrap();
    assert!(
        json.get("tags").is_none(),
        "no tags key when the file has none"
    );
}

/// (file, adm, admTracks, admBedChannels, admObjects, warning codes)
type AdmCase = (
    &'static str,
    Option<bool>,
    Option<u32>,
    Option<u32>,
    Option<u32>,
    &'static [&'static str],
);

#[test]
fn adm_fixtures_carry_their_counts() {
    let cases: &[AdmCase] = &[
        (
            "bw64-adm-2bed-1obj.wav",
            Some(true),
            Some(3),
            Some(2),
            Some(1),
            &[],
        ),
        (
            "bw64-adm-axml-only.wav",
            None,
            None,
            None,
            None,
            &["incomplete_adm"],
        ),
        (
            "bw64-adm-chna-short.wav",
            Some(true),
            Some(2),
            Some(2),
            Some(1),
            &["invalid_adm"],
        ),
        ("bw64-pcm24-48k-stereo.wav", None, None, None, None, &[]),
    ];
    for &(name, adm, tracks, bed, objects, warnings) in cases {
        let r = probe_file(&testdata(name), name.into(), Hashes::NONE);
        assert_eq!(
            (r.adm, r.adm_tracks, r.adm_bed_channels, r.adm_objects),
            (adm, tracks, bed, objects),
            "{name}"
        );
        let codes: Vec<_> = r.warnings.iter().map(|w| w.code.as_str()).collect();
        assert_eq!(codes, warnings, "{name}");
        assert!(r.errors.is_empty(), "{name}: {:?}", r.errors);
    }
    let r = probe_file(
        &testdata("bw64-adm-chna-short.wav"),
        "x".into(),
        Hashes::NONE,
    );
    assert_eq!(
        r.warnings[0].message,
        "chna chunk declares 3 track UIDs, its 84 bytes hold 2"
    );
    let json = serde_json::to_value(probe_file(
        &testdata("bw64-adm-2bed-1obj.wav"),
        "x".into(),
        Hashes::NONE,
    ))
    .unwrap();
    assert_eq!(json["adm"], true);
    assert_eq!(json["admTracks"], 3);
    assert_eq!(json["admBedChannels"], 2);
    assert_eq!(json["admObjects"], 1);
}
