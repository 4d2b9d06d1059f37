//! Criterion benches: probing per format on in-memory buffers, the
//! one-pass hashing, and reading a 1000-track ERN message for `audit`.
//! Run with `cargo bench`; figures go in the README.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ddexprobe::checksum::{self, Hashes};
use ddexprobe::formats;
use std::hint::black_box;
use std::path::Path;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata")
            .join(name),
    )
    .expect("fixture")
}

/// A FLAC file padded with copies of its own frames is not valid; instead the
/// large-file case uses a real fixture whose tail scan cost does not depend
/// on the file size, and a large WAV whose data chunk is never read.
fn big_wav(bytes: usize) -> Vec<u8> {
    let mut v = fixture("wav-pcm16-44k-stereo.wav");
    let data_at = v.windows(4).position(|w| w == b"data").unwrap();
    v.truncate(data_at + 8);
    let len = (bytes - v.len()) as u32;
    v[data_at + 4..data_at + 8].copy_from_slice(&len.to_le_bytes());
    let riff = (v.len() - 8) as u32 + len;
    v[4..8].copy_from_slice(&riff.to_le_bytes());
    v.resize(bytes, 0x55);
    v
}

fn probe_formats(c: &mut Criterion) {
    let mut g = c.benchmark_group("probe");
    let cases = [
        ("wav-pcm16", "wav-pcm16-44k-stereo.wav"),
        ("wav-extensible", "wav-extensible-24in32-48k-stereo.wav"),
        ("wav-bext-ixml", "wav-bext-ixml-info-md5.wav"),
        ("rf64", "rf64-pcm16-48k-stereo.wav"),
        ("aiff", "aiff-pcm16-44k-stereo.aiff"),
        ("aifc-sowt", "aifc-sowt-pcm16-44k-stereo.aifc"),
        ("flac", "flac-16bit-44k-stereo.flac"),
        ("flac-24bit-96k", "flac-24bit-96k-stereo.flac"),
        ("flac-truncated", "flac-truncated-mid-frame.flac"),
        ("mp3-lame-vbr", "mp3-lame-vbr-44k-mono.mp3"),
        ("mp3-no-xing-frame-walk", "mp3-no-xing-44k-mono.mp3"),
        ("mp3-id3v2-tags", "mp3-lame-vbr-48k-stereo-id3.mp3"),
        ("ogg-vorbis", "ogg-vorbis-44k-stereo-tags.ogg"),
        ("ogg-opus", "opus-48k-stereo.opus"),
        ("m4a-aac", "m4a-aac-44k-stereo.m4a"),
        ("m4a-alac", "m4a-alac-16bit-44k-stereo.m4a"),
        ("w64", "w64-pcm24-48k-mono.w64"),
        ("caf-alac", "caf-alac-44k-mono.caf"),
        ("au", "au-pcm16-8k-mono.au"),
        ("dsf", "dsf-dsd64-mono.dsf"),
        ("dff-dst", "dff-dst-3frames.dff"),
        ("wavpack", "wavpack-16bit-44k-stereo.wv"),
        ("ape", "ape-3990-16bit-44k-stereo.ape"),
        ("tta", "tta-16bit-44k-stereo.tta"),
        ("tak", "tak-16bit-44k-stereo.tak"),
        ("optimfrog", "ofr-16bit-44k-stereo.ofr"),
        ("adts-frame-walk", "aac-adts-lc-44k-stereo.aac"),
        ("ac3-frame-walk", "ac3-48k-stereo.ac3"),
        ("asf", "asf-mp3-44k-stereo.asf"),
        ("mka-opus-block-count", "mka-opus-48k-stereo.mka"),
        ("mka-flac-block-count", "mka-flac-16bit-44k-stereo.mka"),
    ];
    for (name, file) in cases {
        let bytes = fixture(file);
        let ext = Path::new(file).extension().and_then(|e| e.to_str());
        g.bench_with_input(BenchmarkId::from_parameter(name), &bytes, |b, bytes| {
            b.iter(|| formats::probe(black_box(bytes), ext))
        });
    }
    let big = big_wav(64 << 20);
    g.bench_function("wav-64MiB-header-only", |b| {
        b.iter(|| formats::probe(black_box(&big), Some("wav")))
    });
    g.finish();
}

/// `--verify` on fixtures: every frame decoded (or, for PCM, every sample
/// read), in samples per second of audio.
fn verification(c: &mut Criterion) {
    let mut g = c.benchmark_group("verify");
    let cases = [
        ("flac-16bit-stereo", "flac-16bit-44k-stereo.flac"),
        ("flac-24bit-96k", "flac-24bit-96k-stereo.flac"),
        ("flac-8bit-mono", "flac-8bit-22k-mono.flac"),
        ("wav-pcm16", "wav-pcm16-44k-stereo.wav"),
        ("aiff-pcm24", "aiff-pcm24-48k-mono.aiff"),
        ("mp3-lame-vbr", "mp3-lame-vbr-44k-mono.mp3"),
        ("ogg-vorbis", "ogg-vorbis-44k-stereo-tags.ogg"),
        ("m4a-aac", "m4a-aac-44k-stereo.m4a"),
        ("m4a-alac", "m4a-alac-16bit-44k-stereo.m4a"),
    ];
    for (name, file) in cases {
        let bytes = fixture(file);
        let ext = Path::new(file).extension().and_then(|e| e.to_str());
        let probe = formats::probe(&bytes, ext);
        let samples = probe.total_samples.unwrap_or(0) * u64::from(probe.channels.unwrap_or(1));
        g.throughput(Throughput::Elements(samples));
        g.bench_with_input(BenchmarkId::from_parameter(name), &bytes, |b, bytes| {
            b.iter(|| ddexprobe::formats::verify::verify_bytes(black_box(bytes), &probe))
        });
    }
    g.finish();
}

fn hashing(c: &mut Criterion) {
    let mut g = c.benchmark_group("hash");
    let data: Vec<u8> = (0..(16usize << 20))
        .map(|i| (i * 2_654_435_761) as u8)
        .collect();
    g.throughput(Throughput::Bytes(data.len() as u64));
    let sets = [
        (
            "md5",
            Hashes {
                md5: true,
                ..Hashes::NONE
            },
        ),
        (
            "sha256",
            Hashes {
                sha256: true,
                ..Hashes::NONE
            },
        ),
        ("md5+sha256", Hashes::BOTH),
    ];
    for (name, set) in sets {
        g.bench_with_input(BenchmarkId::new(name, "16MiB"), &data, |b, d| {
            b.iter(|| checksum::digest(black_box(d), set))
        });
    }
    g.finish();
}

/// A 4.3 message of `n` sound recordings: the hand-written fixture's first
/// recording repeated, each with its own reference and ISRC.
fn big_message(n: usize) -> String {
    let text = String::from_utf8(fixture("audit/handwritten-43/message.xml")).unwrap();
    let start = text.find("<SoundRecording>").unwrap();
    let end = text.find("</SoundRecording>").unwrap() + "</SoundRecording>".len();
    let one = &text[start..end];
    let mut out = text[..start].to_string();
    for i in 0..n {
        out.push_str(
            &one.replace(">A1<", &format!(">A{}<", i + 1000))
                .replace("USKT12400001", &format!("USKT1{:07}", i)),
        );
        out.push('\n');
    }
    out.push_str(&text[end..]);
    out
}

fn audit_message(c: &mut Criterion) {
    let mut g = c.benchmark_group("audit");
    let text = big_message(1000);
    g.throughput(Throughput::Bytes(text.len() as u64));
    let profile = ddexprobe::readiness::profile::Profile::built_in("youtube")
        .unwrap()
        .unwrap();
    g.bench_function("read 1000-track ERN 4.3 message", |b| {
        b.iter(|| ddexprobe::audit::message::read(black_box(text.as_bytes())).unwrap())
    });
    let msg = ddexprobe::audit::message::read(text.as_bytes()).unwrap();
    assert_eq!(msg.resources.len(), 1002);
    g.bench_function("rules of a 1000-track message", |b| {
        b.iter(|| ddexprobe::audit::rules::check(black_box(&msg), &profile))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = probe_formats, verification, hashing, audit_message
}
criterion_main!(benches);
