//! Conformance over the public corpora in `../shared/corpora`.
//!
//! `tests/corpora/expected.tsv` states, per file, what the format
//! specifications and each suite's own documentation say (not what ffprobe or
//! MediaInfo say; see `tests/corpora/README.md`). The corpora are not part of
//! this repository: these tests skip with a message when the folder is
//! absent, and fail instead when `DDEXPROBE_REQUIRE_CORPORA=1` (as in CI).

use crate::util::{self, corpora};
use ddexprobe::{Hashes, probe_file};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

#[test]
fn corpus_files_match_their_documented_values() {
    let Some(root) = corpora() else { return };
    let rows = util::read_tsv(&util::root().join("tests/corpora/expected.tsv"));
    assert!(rows.len() > 300, "expected.tsv has {} rows", rows.len());
    let mut failures = Vec::new();
    for row in &rows {
        let Some(base) = corpus_dir(&root, &row["corpus"]) else {
            continue;
        };
        let path = base.join(&row["path"]);
        if !path.exists() {
            failures.push(format!("{}: missing from the corpus", path.display()));
            continue;
        }
        let record = probe_file(&path, row["path"].clone(), Hashes::NONE);
        for d in util::compare(&record, row) {
            failures.push(format!("{}/{}: {d}", row["corpus"], row["path"]));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Where a corpus lies: `../shared/corpora/NAME`, or for `mutagen` (whose
/// test data is GPL and never copied here) the folder named by
/// `DDEXPROBE_MUTAGEN_DATA`; its rows are skipped with a message when the
/// variable is unset.
fn corpus_dir(root: &Path, corpus: &str) -> Option<PathBuf> {
    if corpus != "mutagen" {
        return Some(root.join(corpus));
    }
    match std::env::var_os("DDEXPROBE_MUTAGEN_DATA") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => {
            static ONCE: std::sync::Once = std::sync::Once::new();
            ONCE.call_once(|| {
                eprintln!("DDEXPROBE_MUTAGEN_DATA is not set: the mutagen corpus rows are skipped");
            });
            None
        }
    }
}

#[test]
fn no_corpus_file_makes_the_parsers_panic() {
    let Some(root) = corpora() else { return };
    let mut files = Vec::new();
    util::all_files(&root, &mut files);
    assert!(files.len() > 500);
    let mut panics = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let ext = path.extension().and_then(|e| e.to_str());
        // Every prefix length matters too: truncation is the commonest damage.
        let cuts = [
            bytes.len(),
            bytes.len() / 2,
            bytes.len().min(64),
            bytes.len().min(13),
        ];
        for cut in cuts {
            if catch_unwind(AssertUnwindSafe(|| {
                ddexprobe::formats::probe(&bytes[..cut], ext)
            }))
            .is_err()
            {
                panics.push(format!("{} (first {cut} bytes)", path.display()));
            }
        }
    }
    assert!(
        panics.is_empty(),
        "parsers panicked on:\n{}",
        panics.join("\n")
    );
}

/// `--verify` decodes whatever the probe recognised: no corpus file, cut in
/// half or with bytes flipped inside its audio, may make a decoder panic.
#[test]
fn no_damaged_corpus_file_makes_verification_panic() {
    let Some(root) = corpora() else { return };
    let mut files = Vec::new();
    util::all_files(&root, &mut files);
    let mut panics = Vec::new();
    let mut verified = 0;
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let ext = path.extension().and_then(|e| e.to_str());
        let mut variants = vec![("whole", bytes.clone())];
        variants.push(("cut in half", bytes[..bytes.len() / 2].to_vec()));
        for k in 1..4 {
            let mut v = bytes.clone();
            let at = v.len() * k / 4;
            if let Some(b) = v.get_mut(at..at + 4) {
                b.iter_mut().for_each(|x| *x ^= 0x5A);
            }
            variants.push(("bytes flipped", v));
        }
        for (what, v) in &variants {
            let probe = ddexprobe::formats::probe(v, ext);
            if probe.file_format.is_none() {
                continue;
            }
            verified += 1;
            if catch_unwind(AssertUnwindSafe(|| {
                ddexprobe::formats::verify::verify_bytes(v, &probe)
            }))
            .is_err()
            {
                panics.push(format!("{} ({what})", path.display()));
            }
        }
    }
    assert!(verified > 2000, "only {verified} variants verified");
    assert!(
        panics.is_empty(),
        "verification panicked on:\n{}",
        panics.join("\n")
    );
}

/// hound is an independent WAV reader: wherever it accepts a file, it must
/// agree with us on the format and the sample count.
#[test]
fn wav_figures_agree_with_hound() {
    let Some(root) = corpora() else { return };
    let mut files = Vec::new();
    util::all_files(&root, &mut files);
    let mut compared = 0;
    let mut failures = Vec::new();
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("wav")))
    {
        let Ok(reader) = hound::WavReader::open(path) else {
            continue;
        };
        let spec = reader.spec();
        let r = probe_file(path, path.display().to_string(), Hashes::NONE);
        if r.has_errors() {
            continue;
        }
        compared += 1;
        let ours = (r.sample_rate, r.number_of_channels, r.total_samples);
        let theirs = (
            Some(spec.sample_rate),
            Some(u32::from(spec.channels)),
            Some(u64::from(reader.duration())),
        );
        if ours != theirs {
            failures.push(format!(
                "{}: ours {ours:?}, hound {theirs:?}",
                path.display()
            ));
        }
    }
    eprintln!("hound agrees on {compared} WAV files");
    assert!(compared >= 40, "only {compared} WAV files compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// claxon is an independent FLAC reader: its STREAMINFO must agree with our
/// figures for every FLAC file we measure without error.
#[test]
fn flac_figures_agree_with_claxon() {
    let Some(root) = corpora() else { return };
    let mut files = Vec::new();
    util::all_files(&root, &mut files);
    let mut compared = 0;
    let mut failures = Vec::new();
    for path in files.iter().filter(|p| {
        p.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("flac"))
    }) {
        let Ok(reader) = claxon::FlacReader::open(path) else {
            continue;
        };
        let info = reader.streaminfo();
        let r = probe_file(path, path.display().to_string(), Hashes::NONE);
        if r.has_errors() || info.samples.is_none() {
            continue;
        }
        compared += 1;
        let ours = (
            r.sample_rate,
            r.number_of_channels,
            r.bit_depth,
            r.total_samples,
        );
        let theirs = (
            Some(info.sample_rate),
            Some(info.channels),
            Some(info.bits_per_sample),
            info.samples,
        );
        if ours != theirs {
            failures.push(format!(
                "{}: ours {ours:?}, claxon {theirs:?}",
                path.display()
            ));
        }
    }
    eprintln!("claxon agrees on {compared} FLAC files");
    assert!(compared >= 50, "only {compared} FLAC files compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A header-only scan reads a head and a tail window of large files and
/// falls back to the whole file when a parser needs more. Over every corpus
/// file the result must be exactly what probing the whole file gives.
#[test]
fn windowed_probing_equals_whole_file_probing() {
    let Some(root) = corpora() else { return };
    let mut files = Vec::new();
    util::all_files(&root, &mut files);
    let mut large = 0;
    let mut differences = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        if bytes.len() as u64
            > ddexprobe::io::source::HEAD_WINDOW + ddexprobe::io::source::TAIL_WINDOW
        {
            large += 1;
        }
        let whole = ddexprobe::probe_bytes(
            &bytes,
            &path.to_string_lossy(),
            &ddexprobe::Options {
                hashes: Hashes::NONE,
                ..Default::default()
            },
        );
        let windowed = probe_file(path, path.to_string_lossy().into_owned(), Hashes::NONE);
        if whole != windowed {
            differences.push(format!(
                "{}:\n  whole    {whole:?}\n  windowed {windowed:?}",
                path.display()
            ));
        }
    }
    eprintln!(
        "{} files probed windowed and whole ({large} large enough for windows)",
        files.len()
    );
    assert!(
        large > 100,
        "only {large} files are large enough to be windowed"
    );
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

/// `--verify` over the IETF FLAC decoder testbench: every faulty file is
/// flagged with the reason its README gives (including 02, which `flac -t`
/// passes), every subset file decodes clean with its MD5 confirmed, and the
/// uncommon files pass or warn as their README says.
#[test]
fn flac_testbench_verifies_as_documented() {
    let Some(root) = corpora() else { return };
    let dir = root.join("flac-test-files");
    let files = |group: &str| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join(group))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "flac"))
            .collect();
        v.sort();
        v
    };
    let verify = |p: &Path| ddexprobe::verify_file(p, p.display().to_string(), Hashes::NONE);
    let mut failures = Vec::new();

    // (file number, error code, words of the message)
    let faulty = [
        (
            "01",
            "inconsistent_stream",
            "exceeds STREAMINFO's maximum 4096",
        ),
        ("02", "inconsistent_stream", "maximum frame size is 654"),
        ("03", "inconsistent_stream", "STREAMINFO says 24"),
        ("04", "inconsistent_stream", "STREAMINFO says 5"),
        ("05", "sample_count_mismatch", "STREAMINFO declares 39842"),
        ("06", "invalid_header", "not STREAMINFO"),
        ("07", "invalid_header", "STREAMINFO is metadata block 2"),
        ("08", "inconsistent_stream", "block size 65536"),
        ("09", "inconsistent_stream", "block size 1 "),
        ("10", "invalid_metadata", "VORBIS_COMMENT"),
        ("11", "invalid_header", "metadata chain is corrupt"),
    ];
    let faulty_files = files("faulty");
    assert_eq!(faulty_files.len(), faulty.len());
    for (path, (n, code, words)) in faulty_files.iter().zip(faulty) {
        let name = path.file_name().unwrap().to_string_lossy();
        assert!(name.starts_with(n), "{name}");
        let r = verify(path);
        let found = r
            .errors
            .iter()
            .any(|i| i.code.as_str() == code && i.message.contains(words));
        let status = r.verification.as_ref().map(|v| v.status);
        if !found || status != Some(ddexprobe::record::Status::Corrupt) {
            failures.push(format!(
                "faulty {name}: want {code} \"{words}\", got {status:?} {:?}",
                r.errors
            ));
        }
    }

    let subset = files("subset");
    assert!(subset.len() >= 50);
    for path in &subset {
        let r = verify(path);
        let v = r.verification.as_ref().unwrap();
        let md5_ok = r.flac_md5.is_none() || r.pcm_md5 == r.flac_md5;
        if !r.errors.is_empty()
            || !r.warnings.is_empty()
            || v.status != ddexprobe::record::Status::Ok
            || v.decoded_samples != r.total_samples
            || r.pcm_md5.is_none()
            || !md5_ok
        {
            failures.push(format!(
                "subset {}: {:?} {:?} {:?} decoded {:?} pcmMd5 {:?} STREAMINFO {:?}",
                path.display(),
                v.status,
                r.errors,
                r.warnings,
                v.decoded_samples,
                r.pcm_md5,
                r.flac_md5
            ));
        }
    }

    for path in files("uncommon") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let r = verify(&path);
        let warnings: Vec<&str> = r.warnings.iter().map(|i| i.code.as_str()).collect();
        let ok = match &name[..2] {
            // Parameters change mid-stream: valid, and worth a warning.
            "01" | "02" | "03" | "04" => {
                r.errors.is_empty() && warnings.contains(&"stream_parameters_change")
            }
            // 32-bit, 15-bit, 65535-sample blocks, partition order 15.
            "05" | "07" | "08" | "09" => {
                r.errors.is_empty() && r.warnings.is_empty() && r.pcm_md5 == r.flac_md5
            }
            "10" => r.errors.is_empty() && warnings == ["no_stream_header"],
            // Junk before the first frame header.
            "11" => r.errors.is_empty() && warnings == ["no_stream_header", "leading_data"],
            _ => false,
        };
        if !ok {
            failures.push(format!("uncommon {name}: {:?} {:?}", r.errors, r.warnings));
        }
    }
    assert!(
        failures.is_empty(),
        "{} files verify otherwise than documented:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
