//! Tests of the MP4 probe.

use super::esds::*;
use super::ilst::*;
use super::*;
use crate::record::{DurationSource, SampleFormat};
use std::cell::Cell;

fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut v = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    v.extend_from_slice(kind);
    v.extend_from_slice(body);
    v
}

fn full(kind: &[u8; 4], version: u8, body: &[u8]) -> Vec<u8> {
    let mut b = vec![version, 0, 0, 0];
    b.extend_from_slice(body);
    bx(kind, &b)
}

fn cat(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.concat()
}

/// Pack bit fields `(value, width)` into bytes, zero-padded.
fn bits(fields: &[(u32, usize)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut acc = 0u64;
    let mut n = 0;
    for &(v, w) in fields {
        for i in (0..w).rev() {
            acc = (acc << 1) | u64::from((v >> i) & 1);
            n += 1;
            if n == 8 {
                out.push(acc as u8);
                acc = 0;
                n = 0;
            }
        }
    }
    if n > 0 {
        out.push((acc << (8 - n)) as u8);
    }
    out
}

fn esds(asc: &[u8]) -> Vec<u8> {
    let mut dsi = vec![5, asc.len() as u8];
    dsi.extend_from_slice(asc);
    let mut dc = vec![4, (13 + dsi.len()) as u8, 0x40, 0x15, 0, 0, 0];
    dc.extend_from_slice(&[0; 8]);
    dc.extend_from_slice(&dsi);
    let mut es = vec![3, (3 + dc.len()) as u8, 0, 1, 0];
    es.extend_from_slice(&dc);
    full(b"esds", 0, &es)
}

fn sound_entry(kind: &[u8; 4], channels: u16, bits: u16, rate: u32, kids: &[u8]) -> Vec<u8> {
    let mut b = vec![0; 6];
    b.extend_from_slice(&1u16.to_be_bytes());
    b.extend_from_slice(&[0; 8]);
    b.extend_from_slice(&channels.to_be_bytes());
    b.extend_from_slice(&bits.to_be_bytes());
    b.extend_from_slice(&[0; 4]);
    b.extend_from_slice(&(rate << 16).to_be_bytes());
    b.extend_from_slice(kids);
    bx(kind, &b)
}

fn times(ts: u32, dur: u32) -> Vec<u8> {
    let mut b = vec![0; 8];
    b.extend_from_slice(&ts.to_be_bytes());
    b.extend_from_slice(&dur.to_be_bytes());
    b.extend_from_slice(&[0; 80]);
    b
}

fn table(entries: &[&[u32]]) -> Vec<u8> {
    let mut b = (entries.len() as u32).to_be_bytes().to_vec();
    for e in entries {
        for v in *e {
            b.extend_from_slice(&v.to_be_bytes());
        }
    }
    b
}

fn data_item(kind: &[u8; 4], ty: u32, value: &[u8]) -> Vec<u8> {
    let mut d = ty.to_be_bytes().to_vec();
    d.extend_from_slice(&[0; 4]);
    d.extend_from_slice(value);
    bx(kind, &bx(b"data", &d))
}

fn freeform(name: &str, value: &str) -> Vec<u8> {
    let mut mean = vec![0; 4];
    mean.extend_from_slice(b"com.apple.iTunes");
    let mut nm = vec![0; 4];
    nm.extend_from_slice(name.as_bytes());
    let mut d = 1u32.to_be_bytes().to_vec();
    d.extend_from_slice(&[0; 4]);
    d.extend_from_slice(value.as_bytes());
    bx(
        b"----",
        &cat(&[bx(b"mean", &mean), bx(b"name", &nm), bx(b"data", &d)]),
    )
}

struct Spec {
    entry: Vec<u8>,
    media_ts: u32,
    movie_ts: u32,
    stts: Vec<(u32, u32)>,
    elst: Option<(u32, i32)>,
    ilst: Vec<u8>,
    sample_size: u32,
    /// Chunk offset relative to the mdat payload; None: just after it.
    moov_first: bool,
    payload: usize,
    extra_moov: Vec<u8>,
}

fn aac_lc_44k() -> Vec<u8> {
    sound_entry(b"mp4a", 2, 16, 44_100, &esds(&[0x12, 0x10]))
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            entry: aac_lc_44k(),
            media_ts: 44_100,
            movie_ts: 1000,
            stts: vec![(10, 1024), (1, 500)],
            elst: Some((200, 1024)),
            ilst: Vec::new(),
            sample_size: 10,
            moov_first: false,
            payload: 110,
            extra_moov: Vec::new(),
        }
    }
}

fn moov(s: &Spec, chunk_offset: u32) -> Vec<u8> {
    let samples: u32 = s.stts.iter().map(|e| e.0).sum();
    let stts: Vec<[u32; 2]> = s.stts.iter().map(|&(c, d)| [c, d]).collect();
    let stts_refs: Vec<&[u32]> = stts.iter().map(|e| &e[..]).collect();
    let stbl = bx(
        b"stbl",
        &cat(&[
            full(
                b"stsd",
                0,
                &cat(&[1u32.to_be_bytes().to_vec(), s.entry.clone()]),
            ),
            full(b"stts", 0, &table(&stts_refs)),
            full(b"stsc", 0, &table(&[&[1, samples, 1]])),
            full(
                b"stsz",
                0,
                &cat(&[
                    s.sample_size.to_be_bytes().to_vec(),
                    samples.to_be_bytes().to_vec(),
                ]),
            ),
            full(b"stco", 0, &table(&[&[chunk_offset]])),
        ]),
    );
    let mut hdlr = vec![0; 4];
    hdlr.extend_from_slice(b"soun");
    hdlr.extend_from_slice(&[0; 13]);
    let mdia = bx(
        b"mdia",
        &cat(&[
            full(b"mdhd", 0, &times(s.media_ts, 0)[..20]),
            full(b"hdlr", 0, &hdlr),
            bx(b"minf", &stbl),
        ]),
    );
    let mut tkhd = vec![0; 8];
    tkhd.extend_from_slice(&1u32.to_be_bytes());
    tkhd.extend_from_slice(&[0; 68]);
    let mut trak = full(b"tkhd", 0, &tkhd);
    if let Some((dur, mt)) = s.elst {
        let e = table(&[&[dur, mt as u32, 0x0001_0000]]);
        trak.extend(bx(b"edts", &full(b"elst", 0, &e)));
    }
    trak.extend(mdia);
    let mut parts = vec![full(b"mvhd", 0, &times(s.movie_ts, 0)), bx(b"trak", &trak)];
    if !s.ilst.is_empty() {
        let mut mh = vec![0; 4];
        mh.extend_from_slice(b"mdir");
        mh.extend_from_slice(&[0; 13]);
        let meta = full(
            b"meta",
            0,
            &cat(&[full(b"hdlr", 0, &mh), bx(b"ilst", &s.ilst)]),
        );
        parts.push(bx(b"udta", &meta));
    }
    parts.push(s.extra_moov.clone());
    bx(b"moov", &cat(&parts))
}

fn file(s: &Spec) -> Vec<u8> {
    let ftyp = bx(b"ftyp", b"M4A \0\0\0\0M4A mp42");
    let mdat = bx(b"mdat", &vec![0xAA; s.payload]);
    if s.moov_first {
        // The moov's size does not depend on the chunk offset.
        let len = moov(s, 0).len();
        let off = (ftyp.len() + len + 8) as u32;
        cat(&[ftyp, moov(s, off), mdat])
    } else {
        let off = (ftyp.len() + 8) as u32;
        cat(&[ftyp, mdat, moov(s, off)])
    }
}

fn codes(p: &Probe) -> (Vec<Code>, Vec<Code>) {
    (
        p.findings.errors.iter().map(|i| i.code).collect(),
        p.findings.warnings.iter().map(|i| i.code).collect(),
    )
}

#[test]
fn aac_with_edit_list_and_tags() {
    let ilst = cat(&[
        data_item(b"\xa9nam", 1, b"Song"),
        data_item(b"\xa9ART", 1, b"Artist"),
        data_item(b"\xa9alb", 1, b"Album"),
        data_item(b"\xa9day", 1, b"2024"),
        data_item(b"gnre", 0, &[0, 18]),
        data_item(b"cprt", 1, b"(P) 2024 Label"),
        data_item(b"rtng", 21, &[4]),
        freeform("ISRC", "USRC17607839"),
    ]);
    let s = Spec {
        ilst,
        ..Spec::default()
    };
    let p = probe(Bytes::full(&file(&s)));
    assert_eq!(codes(&p), (vec![], vec![]), "{:?}", p.findings);
    assert_eq!(p.file_format, Some(FileFormat::Mp4));
    assert_eq!(p.audio_codec.as_deref(), Some("AAC"));
    assert_eq!(p.sample_rate, Some(44_100));
    assert_eq!(p.channels, Some(2));
    assert_eq!(p.bit_depth, None);
    assert_eq!(p.sample_format, None);
    // 200 ms at 44.1 kHz = 8820 samples after 1024 of priming; the
    // media holds 10 * 1024 + 500 = 10740.
    assert_eq!(p.total_samples, Some(8820));
    assert_eq!(p.encoder_delay, Some(1024));
    // A decoder outputs 11 whole frames: 11264 - 1024 - 8820 removed at
    // the end.
    assert_eq!(p.encoder_padding, Some(11 * 1024 - 1024 - 8820));
    assert_eq!(p.duration_source, Some(DurationSource::Header));
    assert_eq!(p.audio_bytes, Some(110));
    let t = &p.tags;
    assert_eq!(t.title.as_deref(), Some("Song"));
    assert_eq!(t.artist.as_deref(), Some("Artist"));
    assert_eq!(t.album.as_deref(), Some("Album"));
    assert_eq!(t.date.as_deref(), Some("2024"));
    assert_eq!(t.genre.as_deref(), Some("Rock"));
    assert_eq!(t.copyright.as_deref(), Some("(P) 2024 Label"));
    assert_eq!(t.isrc.as_deref(), Some("USRC17607839"));
    assert_eq!(t.explicit, Some(true));
    assert_eq!(t.sources, vec!["MP4 ilst".to_string()]);
}

#[test]
fn edit_list_rounded_to_the_movie_timescale_ends_with_the_media() {
    // 48 kHz, 1.2345 s: ffmpeg writes 1234 ms; the media holds
    // 1024 + 59256 samples: the media's count is the exact one.
    let s = Spec {
        entry: sound_entry(b"mp4a", 1, 16, 48_000, &esds(&[0x11, 0x88])),
        media_ts: 48_000,
        stts: vec![(58, 1024), (1, 88)],
        elst: Some((1234, 1024)),
        ..Spec::default()
    };
    let p = probe(Bytes::full(&file(&s)));
    assert_eq!(p.sample_rate, Some(48_000));
    assert_eq!(p.channels, Some(1));
    assert_eq!(p.total_samples, Some(58 * 1024 + 88 - 1024));
    // The last frame holds 88 real samples of 1024.
    assert_eq!(p.encoder_padding, Some(1024 - 88));
}

#[test]
fn without_edit_list_the_sample_table_counts() {
    let s = Spec {
        elst: None,
        moov_first: true,
        ..Spec::default()
    };
    let p = probe(Bytes::full(&file(&s)));
    assert_eq!(p.total_samples, Some(10 * 1024 + 500));
    assert_eq!(p.encoder_delay, None);
}

#[test]
fn itunsmpb_is_preferred() {
    let s = Spec {
        ilst: freeform(
            "iTunSMPB",
            " 00000000 00000840 00000100 00000000000027D4 00000000",
        ),
        stts: vec![(13, 1024)],
        ..Spec::default()
    };
    let p = probe(Bytes::full(&file(&s)));
    // 0x840 + 0x27D4 + 0x100 = 13312 = 13 * 1024.
    assert_eq!(p.total_samples, Some(0x27D4));
    assert_eq!(p.encoder_delay, Some(0x840));
    assert_eq!(p.encoder_padding, Some(0x100));
    // The edit list (200 ms) disagrees: warned.
    assert!(codes(&p).1.contains(&Code::InconsistentHeader));
    // A count past the media is clamped.
    assert_eq!(parse_smpb(" 0 840 0 FFFFFF"), Some((0x840, 0, 0xFF_FFFF)));
    assert_eq!(parse_smpb("junk"), None);
}

#[test]
fn alac_magic_cookie() {
    let mut cookie = vec![0, 0, 0, 0];
    cookie.extend_from_slice(&4096u32.to_be_bytes());
    cookie.extend_from_slice(&[0, 24, 40, 10, 14, 2, 0, 255]);
    cookie.extend_from_slice(&[0; 8]);
    cookie.extend_from_slice(&96_000u32.to_be_bytes());
    let entry = sound_entry(b"alac", 2, 24, 0, &bx(b"alac", &cookie));
    let s = Spec {
        entry,
        media_ts: 96_000,
        elst: None,
        stts: vec![(3, 4096), (1, 100)],
        ..Spec::default()
    };
    let p = probe(Bytes::full(&file(&s)));
    assert_eq!(p.audio_codec.as_deref(), Some("ALAC"));
    assert_eq!(p.sample_format, Some(SampleFormat::Int));
    assert_eq!(p.bit_depth, Some(24));
    assert_eq!(p.sample_rate, Some(96_000));
    assert_eq!(p.total_samples, Some(3 * 4096 + 100));
}

#[test]
fn other_codecs_are_named() {
    let mut dops = vec![0, 2, 0x01, 0x38];
    dops.extend_from_slice(&44_100u32.to_be_bytes());
    dops.extend_from_slice(&[0, 0, 0]);
    let s = Spec {
        entry: sound_entry(b"Opus", 2, 16, 48_000, &bx(b"dOps", &dops)),
        media_ts: 48_000,
        elst: Some((10, 312)),
        stts: vec![(2, 960)],
        ..Spec::default()
    };
    let p = probe(Bytes::full(&file(&s)));
    assert_eq!(p.audio_codec.as_deref(), Some("Opus"));
    assert_eq!(p.input_sample_rate, Some(44_100));
    assert_eq!(p.total_samples, Some(480));
    assert_eq!(p.encoder_delay, Some(312));
    let s = Spec {
        entry: sound_entry(b"ac-3", 6, 16, 48_000, &[]),
        media_ts: 48_000,
        ..Spec::default()
    };
    let p = probe(Bytes::full(&file(&s)));
    assert_eq!(p.audio_codec.as_deref(), Some("AC-3"));
    assert_eq!(p.bit_depth, None);
    let s = Spec {
        entry: sound_entry(b"zzzz", 2, 16, 48_000, &[]),
        ..Spec::default()
    };
    let p = probe(Bytes::full(&file(&s)));
    assert!(codes(&p).1.contains(&Code::UnsupportedCodec));
}

#[test]
fn audio_specific_configs() {
    // AAC LC 44.1 kHz stereo.
    let a = parse_asc(&[0x12, 0x10]).unwrap();
    assert_eq!(
        (a.aot, a.rate, a.channel_config, a.sbr),
        (2, Some(44_100), 2, false)
    );
    // HE-AAC, explicit hierarchical: AOT 5, core 22.05 kHz, SBR 44.1 kHz.
    let he = bits(&[(5, 5), (7, 4), (2, 4), (4, 4), (2, 5), (0, 3)]);
    let a = parse_asc(&he).unwrap();
    assert_eq!(
        (a.aot, a.rate, a.sbr_rate, a.ps),
        (5, Some(22_050), Some(44_100), false)
    );
    let mut e = Entry::default();
    apply_asc(&a, &mut e);
    assert_eq!((e.rate, e.channels), (Some(44_100), Some(2)));
    // HE-AACv2: AOT 29, mono core, two output channels.
    let ps = bits(&[(29, 5), (6, 4), (1, 4), (3, 4), (2, 5), (0, 3)]);
    let a = parse_asc(&ps).unwrap();
    assert!(a.ps && a.sbr);
    let mut e = Entry::default();
    apply_asc(&a, &mut e);
    assert_eq!((e.rate, e.channels), (Some(48_000), Some(2)));
    // Backward-compatible signalling: LC, then sync extensions for SBR
    // and PS.
    let bc = bits(&[
        (2, 5),
        (7, 4),
        (1, 4),
        (0, 3),
        (0x2B7, 11),
        (5, 5),
        (1, 1),
        (4, 4),
        (0x548, 11),
        (1, 1),
    ]);
    let a = parse_asc(&bc).unwrap();
    assert_eq!((a.aot, a.sbr_rate, a.ps), (29, Some(44_100), true));
    // Escaped AOT and explicit frequency.
    let esc = bits(&[(31, 5), (4, 6), (15, 4), (44_056, 24), (2, 4)]);
    let a = parse_asc(&esc).unwrap();
    assert_eq!((a.aot, a.rate), (36, Some(44_056)));
    assert!(parse_asc(&[0x12]).is_none());
    // AAC LC 44.1 kHz stereo with a stray dependsOnCoreCoder bit and no
    // core coder delay after it: read, and flagged.
    let stray = parse_asc(&[0x12, 0x12]).unwrap();
    assert_eq!(
        (stray.aot, stray.rate, stray.channel_config),
        (2, Some(44100), 2)
    );
    assert!(stray.stray_core_coder);
    assert_eq!(
        crate::formats::mp4::esds::without_stray_bit(&stray),
        Some(vec![0x12, 0x10])
    );
    assert!(!parse_asc(&[0x12, 0x10]).unwrap().stray_core_coder);
    assert!(parse_asc(&[]).is_none());
}

#[test]
fn implicit_sbr_is_seen_from_the_timescale() {
    // LC at 22.05 kHz in the config, 44.1 kHz media with 2048-sample
    // frames: implicit SBR, output rate 44.1 kHz.
    let s = Spec {
        entry: sound_entry(b"mp4a", 2, 16, 44_100, &esds(&[0x13, 0x90])),
        stts: vec![(10, 2048)],
        elst: None,
        ..Spec::default()
    };
    let p = probe(Bytes::full(&file(&s)));
    assert_eq!(p.sample_rate, Some(44_100));
    assert_eq!(p.total_samples, Some(20_480));
    assert!(codes(&p).1.contains(&Code::InconsistentHeader));
}

#[test]
fn zero_timescale_is_an_error() {
    let s = Spec {
        media_ts: 0,
        ..Spec::default()
    };
    let p = probe(Bytes::full(&file(&s)));
    assert!(p.findings.has_error(Code::InvalidHeader));
    assert_eq!(p.total_samples, None);
    let s = Spec {
        movie_ts: 0,
        ..Spec::default()
    };
    let p = probe(Bytes::full(&file(&s)));
    assert!(p.findings.has_error(Code::InvalidHeader));
    // The edit list cannot be read; the sample table still counts.
    assert_eq!(p.total_samples, Some(10 * 1024 + 500));
}

#[test]
fn truncated_media_data() {
    let s = Spec::default();
    let f = file(&s);
    // Cut inside the mdat (moov first, so it survives).
    let s2 = Spec {
        moov_first: true,
        ..Spec::default()
    };
    let f2 = file(&s2);
    let cut = &f2[..f2.len() - 50];
    let p = probe(Bytes::full(cut));
    assert!(p.findings.has_error(Code::TruncatedData));
    let msg = &p.findings.errors[0].message;
    assert!(msg.contains("110") && msg.contains("60"), "{msg}");
    assert_eq!(p.audio_bytes, Some(60));
    // Tables pointing past the end: the mdat is whole but shorter.
    let s3 = Spec {
        sample_size: 100,
        ..Spec::default()
    };
    let p = probe(Bytes::full(&file(&s3)));
    assert!(
        p.findings.has_error(Code::TruncatedData),
        "{:?}",
        p.findings
    );
    // The moov cut short.
    let p = probe(Bytes::full(&f[..f.len() - 10]));
    assert!(p.findings.has_error(Code::TruncatedData));
}

#[test]
fn box_sizes() {
    // 64-bit mdat size, then moov.
    let s = Spec::default();
    let ftyp = bx(b"ftyp", b"M4A \0\0\0\0");
    let mut mdat = 1u32.to_be_bytes().to_vec();
    mdat.extend_from_slice(b"mdat");
    mdat.extend_from_slice(&(16u64 + 110).to_be_bytes());
    mdat.extend_from_slice(&[0; 110]);
    let off = (ftyp.len() + 16) as u32;
    let f = cat(&[ftyp.clone(), mdat, moov(&s, off)]);
    let p = probe(Bytes::full(&f));
    assert_eq!(codes(&p).0, vec![]);
    assert_eq!(p.audio_bytes, Some(110));
    // mdat of size 0 runs to the end of the file, after the moov.
    let m = moov(&s, 0);
    let off = (ftyp.len() + m.len() + 8) as u32;
    let mut f = cat(&[ftyp.clone(), moov(&s, off)]);
    f.extend_from_slice(&[0, 0, 0, 0]);
    f.extend_from_slice(b"mdat");
    f.extend_from_slice(&[0; 110]);
    let p = probe(Bytes::full(&f));
    assert_eq!(codes(&p).0, vec![]);
    assert_eq!(p.audio_bytes, Some(110));
    // Absurd sizes: a 64-bit size of u64::MAX, a size below the header.
    let mut f = ftyp.clone();
    f.extend_from_slice(&1u32.to_be_bytes());
    f.extend_from_slice(b"moov");
    f.extend_from_slice(&u64::MAX.to_be_bytes());
    f.extend_from_slice(&[0; 32]);
    let p = probe(Bytes::full(&f));
    assert!(p.findings.has_error(Code::TruncatedData));
    assert!(p.findings.errors[0].message.contains(&u64::MAX.to_string()));
    let mut f = ftyp.clone();
    f.extend_from_slice(&[0, 0, 0, 4]);
    f.extend_from_slice(b"moov");
    let p = probe(Bytes::full(&f));
    assert!(p.findings.has_error(Code::InvalidHeader));
    // A child larger than its parent.
    let mut inner = 0xFFFF_FFF0u32.to_be_bytes().to_vec();
    inner.extend_from_slice(b"trak");
    inner.extend_from_slice(&[0; 8]);
    let f = cat(&[ftyp, bx(b"moov", &inner)]);
    let p = probe(Bytes::full(&f));
    let msg = &p.findings.errors[0].message;
    assert!(msg.contains("4294967280") && msg.contains("16"), "{msg}");
}

#[test]
fn fragmented_files_sum_their_runs() {
    let mut trex = 1u32.to_be_bytes().to_vec();
    trex.extend_from_slice(&[0, 0, 0, 1, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let s = Spec {
        stts: vec![],
        elst: None,
        extra_moov: bx(b"mvex", &full(b"trex", 0, &trex)),
        moov_first: true,
        payload: 0,
        ..Spec::default()
    };
    let mut f = file(&s);
    // One fragment with per-sample durations, one with the default.
    let mut tfhd = vec![0, 0, 0, 0];
    tfhd.extend_from_slice(&1u32.to_be_bytes());
    let mut trun = vec![0, 0, 1, 0];
    trun.extend_from_slice(&2u32.to_be_bytes());
    trun.extend_from_slice(&1024u32.to_be_bytes());
    trun.extend_from_slice(&500u32.to_be_bytes());
    let traf = bx(b"traf", &cat(&[bx(b"tfhd", &tfhd), bx(b"trun", &trun)]));
    f.extend(bx(b"moof", &traf));
    let mut trun2 = vec![0, 0, 0, 0];
    trun2.extend_from_slice(&3u32.to_be_bytes());
    let traf = bx(b"traf", &cat(&[bx(b"tfhd", &tfhd), bx(b"trun", &trun2)]));
    f.extend(bx(b"moof", &traf));
    f.extend(bx(b"mdat", &[0; 20]));
    let p = probe(Bytes::full(&f));
    assert!(codes(&p).1.contains(&Code::FragmentedMp4));
    assert_eq!(p.total_samples, Some(1024 + 500 + 3 * 1024));
    // mvex without fragments: unknown duration.
    let p = probe(Bytes::full(&file(&s)));
    assert!(p.findings.has_error(Code::UnknownDuration));
}

#[test]
fn no_moov_or_no_audio() {
    let p = probe(Bytes::full(&bx(b"ftyp", b"isom")));
    assert!(p.findings.has_error(Code::InvalidHeader));
    let mut f = file(&Spec::default());
    let at = f.windows(4).position(|w| w == b"soun").unwrap();
    f[at..at + 4].copy_from_slice(b"vide");
    let p = probe(Bytes::full(&f));
    assert!(p.findings.has_error(Code::UnsupportedFormat));
    assert!(p.findings.errors[0].message.contains("vide"));
}

#[test]
fn plain_and_full_meta_boxes() {
    let ilst = bx(b"ilst", &data_item(b"\xa9ART", 1, b"Foo artist"));
    let hdlr = full(b"hdlr", 0, &[0; 21]);
    let plain = cat(&[hdlr.clone(), ilst.clone()]);
    let fullb = cat(&[vec![0; 4], hdlr, ilst]);
    for body in [plain, fullb] {
        let mut st = State::default();
        let mut p = Probe::default();
        parse_meta(Reader::new(&body), &mut st, &mut p);
        assert_eq!(p.tags.artist.as_deref(), Some("Foo artist"));
    }
    // UTF-16 text and non-text data types.
    assert_eq!(text(2, &[0, b'h', 0, b'i']).as_deref(), Some("hi"));
    assert_eq!(text(21, &[1]), None);
}

#[test]
fn every_truncation_and_corruption_is_safe() {
    let s = Spec {
        ilst: cat(&[
            data_item(b"\xa9nam", 1, b"Song"),
            freeform("iTunSMPB", " 0 840 0 1000"),
        ]),
        moov_first: true,
        ..Spec::default()
    };
    let f = file(&s);
    for cut in 0..f.len() {
        let _ = probe(Bytes::full(&f[..cut]));
    }
    for i in 0..f.len() {
        for v in [0x00, 0xFF, 0x7F, 0x01] {
            let mut g = f.clone();
            g[i] = v;
            let _ = probe(Bytes::full(&g));
        }
    }
}

#[test]
fn windowed_view_skips_the_media_data() {
    let s = Spec {
        payload: 100_000,
        ..Spec::default()
    };
    let f = file(&s);
    let whole = probe(Bytes::full(&f));
    let gap = Cell::new(false);
    let head = &f[..4096];
    let tail = &f[f.len() - 8192..];
    let p = probe(Bytes::windows(head, tail, f.len() as u64, &gap));
    assert!(!gap.get(), "the mdat was read");
    assert_eq!(p, whole);
    assert_eq!(p.total_samples, Some(8820));
}
