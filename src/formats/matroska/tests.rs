//! Unit tests of the Matroska probe on files built here element by element.

use super::*;

/// An element: ID bytes, an 8-byte size, the data.
fn el(id: &[u8], data: &[u8]) -> Vec<u8> {
    let mut v = id.to_vec();
    v.push(0x01);
    v.extend_from_slice(&(data.len() as u64).to_be_bytes()[1..]);
    v.extend_from_slice(data);
    v
}

fn pcm_file(blocks: usize, unknown: bool) -> Vec<u8> {
    let mut f = el(&[0x1A, 0x45, 0xDF, 0xA3], &el(&[0x42, 0x82], b"matroska"));
    let audio = [
        el(&[0xB5], &48000f64.to_be_bytes()),
        el(&[0x9F], &[2]),
        el(&[0x62, 0x64], &[16]),
    ]
    .concat();
    let entry = [
        el(&[0xD7], &[1]),
        el(&[0x83], &[2]),
        el(&[0x86], b"A_PCM/INT/LIT"),
        el(&[0xE1], &audio),
    ]
    .concat();
    let mut seg = el(
        &[0x15, 0x49, 0xA9, 0x66],
        &el(&[0x2A, 0xD7, 0xB1], &[0x0F, 0x42, 0x40]),
    );
    seg.extend(el(&[0x16, 0x54, 0xAE, 0x6B], &el(&[0xAE], &entry)));
    let mut cluster = el(&[0xE7], &[0]);
    for i in 0..blocks {
        let mut b = vec![0x81, 0, (i * 2) as u8, 0x80];
        b.extend(vec![0u8; 400]);
        cluster.extend(el(&[0xA3], &b));
    }
    if unknown {
        seg.extend_from_slice(&[0x1F, 0x43, 0xB6, 0x75, 0xFF]);
        seg.extend(cluster);
        f.extend_from_slice(&[0x18, 0x53, 0x80, 0x67, 0xFF]);
    } else {
        seg.extend(el(&[0x1F, 0x43, 0xB6, 0x75], &cluster));
        f.extend_from_slice(&[0x18, 0x53, 0x80, 0x67]);
        f.push(0x01);
        f.extend_from_slice(&(seg.len() as u64).to_be_bytes()[1..]);
    }
    f.extend(seg);
    f
}

#[test]
fn pcm_blocks_are_counted_exactly() {
    for unknown in [false, true] {
        let f = pcm_file(5, unknown);
        assert_eq!(
            crate::formats::detect(&f),
            crate::formats::Detected::Matroska
        );
        let p = probe(Bytes::full(&f));
        assert!(p.findings.errors.is_empty(), "{:?}", p.findings);
        assert_eq!(p.audio_codec.as_deref(), Some("PCM"));
        assert_eq!(p.total_samples, Some(500));
        assert_eq!(p.bit_depth, Some(16));
        assert_eq!(p.duration_source, Some(DurationSource::Frames));
        let out = crate::formats::verify::verify_bytes(&f, &p);
        assert!(out.findings.errors.is_empty(), "{:?}", out.findings);
        assert_eq!(out.frames, 5);
    }
}

#[test]
fn every_cut_is_handled() {
    let f = pcm_file(3, false);
    for n in 0..f.len() {
        let p = probe(Bytes::full(&f[..n]));
        if let Some(Layout::Matroska(_)) = &p.layout {
            let _ = crate::formats::verify::verify_bytes(&f[..n], &p);
        }
    }
    let p = probe(Bytes::full(&f[..f.len() - 10]));
    assert!(p.findings.has_error(Code::TruncatedData));
}
