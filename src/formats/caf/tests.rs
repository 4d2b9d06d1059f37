use super::*;

fn chunk(id: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut v = id.to_vec();
    v.extend_from_slice(&(body.len() as u64).to_be_bytes());
    v.extend_from_slice(body);
    v
}

fn desc(format: &[u8; 4], flags: u32, bpp: u32, fpp: u32, ch: u32, bits: u32) -> Vec<u8> {
    let mut d = 44_100f64.to_bits().to_be_bytes().to_vec();
    d.extend_from_slice(format);
    for x in [flags, bpp, fpp, ch, bits] {
        d.extend_from_slice(&x.to_be_bytes());
    }
    chunk(b"desc", &d)
}

fn caf(parts: &[Vec<u8>]) -> Vec<u8> {
    let mut v = b"caff\x00\x01\x00\x00".to_vec();
    for p in parts {
        v.extend_from_slice(p);
    }
    v
}

fn data(n: usize) -> Vec<u8> {
    let mut body = vec![0, 0, 0, 1];
    body.extend((0..n).map(|i| i as u8));
    chunk(b"data", &body)
}

#[test]
fn lpcm_goes_through_the_pcm_layout() {
    let v = caf(&[desc(b"lpcm", 2, 4, 1, 2, 16), data(400)]);
    let p = probe(&v);
    assert_eq!(p.findings.errors, vec![]);
    assert_eq!(p.findings.warnings, vec![]);
    assert_eq!((p.total_samples, p.bit_depth), (Some(100), Some(16)));
    let Some(Layout::Pcm(l)) = p.layout else {
        panic!("no layout")
    };
    assert_eq!((l.offset, l.len, l.big_endian), (8 + 44 + 16, 400, false));
    let p = probe(&caf(&[desc(b"lpcm", 1, 8, 1, 2, 32), data(400)]));
    assert_eq!(p.sample_format, Some(SampleFormat::Float));
    let p = probe(&caf(&[desc(b"ulaw", 0, 1, 1, 1, 8), data(400)]));
    assert_eq!((p.bit_depth, p.container_bit_depth), (Some(16), Some(8)));
    assert_eq!(p.total_samples, Some(400));
}

#[test]
fn data_size_minus_one_runs_to_the_end() {
    let mut v = caf(&[desc(b"lpcm", 0, 2, 1, 1, 16), data(200)]);
    let at = v.len() - 200 - 4 - 8;
    v[at..at + 8].copy_from_slice(&u64::MAX.to_be_bytes());
    let p = probe(&v);
    assert_eq!(p.findings.warnings[0].code, Code::DataSizeUnset);
    assert_eq!(p.total_samples, Some(100));
    // Truncated.
    let v = caf(&[desc(b"lpcm", 0, 2, 1, 1, 16), data(200)]);
    let p = probe(&v[..v.len() - 50]);
    assert!(p.findings.has_error(Code::TruncatedData));
    assert_eq!((p.total_samples, p.declared_samples), (Some(75), Some(100)));
    for cut in 0..v.len() {
        let _ = probe(&v[..cut]);
    }
}

fn pakt(packets: u64, valid: u64, priming: u32, remainder: u32, sizes: &[u8]) -> Vec<u8> {
    let mut b = packets.to_be_bytes().to_vec();
    b.extend_from_slice(&valid.to_be_bytes());
    b.extend_from_slice(&priming.to_be_bytes());
    b.extend_from_slice(&remainder.to_be_bytes());
    b.extend_from_slice(sizes);
    chunk(b"pakt", &b)
}

#[test]
fn aac_counts_come_from_the_packet_table() {
    // Three packets of 1024 frames: 2112 priming, 3072 - 2112 - 100 valid.
    let v = caf(&[
        desc(b"aac ", 0, 0, 1024, 2, 0),
        pakt(3, 860, 2112, 100, &[10, 0x81, 0x00, 20]),
        data(158),
    ]);
    let p = probe(&v);
    assert_eq!(p.findings.errors, vec![]);
    assert_eq!(p.findings.warnings, vec![]);
    assert_eq!(p.audio_codec.as_deref(), Some("AAC"));
    assert_eq!(p.total_samples, Some(860));
    assert_eq!(
        (p.encoder_delay, p.encoder_padding),
        (Some(2112), Some(100))
    );
    assert_eq!(p.bit_depth, None);
    let Some(Layout::Caf(l)) = p.layout else {
        panic!("no layout")
    };
    let o = verify::verify(&v, &l);
    assert_eq!(o.method, crate::record::Method::Structure);
    assert_eq!(o.frames, 3);
    assert_eq!(o.findings, crate::record::Findings::default());
    // The data chunk lost bytes the table promises.
    let short = caf(&[
        desc(b"aac ", 0, 0, 1024, 2, 0),
        pakt(3, 860, 2112, 100, &[10, 0x81, 0x00, 20]),
        data(150),
    ]);
    let p = probe(&short);
    let Some(Layout::Caf(l)) = p.layout else {
        panic!("no layout")
    };
    assert!(
        verify::verify(&short, &l)
            .findings
            .has_error(Code::TruncatedData)
    );
    // A header that does not add up.
    let bad = caf(&[
        desc(b"aac ", 0, 0, 1024, 2, 0),
        pakt(3, 5000, 2112, 100, &[10, 0x81, 0x00, 20]),
        data(158),
    ]);
    let p = probe(&bad);
    assert_eq!(p.findings.warnings[0].code, Code::InconsistentHeader);
    for cut in 0..v.len() {
        let p = probe(&v[..cut]);
        if let Some(Layout::Caf(l)) = p.layout {
            let _ = verify::verify(&v[..cut], &l);
        }
    }
}

#[test]
fn alac_depth_comes_from_the_cookie() {
    let mut cookie = vec![0, 0, 16, 0, 0, 24];
    cookie.resize(24, 0);
    let v = caf(&[
        desc(b"alac", 3, 0, 4096, 2, 0),
        chunk(b"kuki", &cookie),
        pakt(1, 4000, 0, 96, &[50]),
        data(50),
    ]);
    let p = probe(&v);
    assert_eq!(p.audio_codec.as_deref(), Some("ALAC"));
    assert_eq!((p.bit_depth, p.total_samples), (Some(24), Some(4000)));
}
