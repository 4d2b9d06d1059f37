//! Tests of the Ogg probe and verifier on pages built here: every codec,
//! chains, multiplexing, damage, truncation and hostile headers.

use super::codecs::*;
use super::page::*;
use super::probe::probe;
use super::verify::verify;
use super::{Measured, OggLayout};
use crate::formats::Probe;
use crate::formats::crc::crc32_ogg as crc32;
use crate::io::reader::Bytes;
use crate::record::{Code, DurationSource, FileFormat, SampleFormat};

mod header_probe {
    use super::*;
    use std::cell::Cell;

    /// One page holding `packets`; when `open` is set, the last one continues
    /// on the next page.
    fn page(
        flags: u8,
        granule: i64,
        serial: u32,
        seq: u32,
        packets: &[&[u8]],
        open: bool,
    ) -> Vec<u8> {
        let mut lacing = Vec::new();
        let mut body = Vec::new();
        for (i, p) in packets.iter().enumerate() {
            let mut n = p.len();
            while n >= 255 {
                lacing.push(255u8);
                n -= 255;
            }
            if !(open && i + 1 == packets.len()) {
                lacing.push(n as u8);
            }
            body.extend_from_slice(p);
        }
        let mut v = b"OggS\0".to_vec();
        v.push(flags);
        v.extend_from_slice(&granule.to_le_bytes());
        v.extend_from_slice(&serial.to_le_bytes());
        v.extend_from_slice(&seq.to_le_bytes());
        v.extend_from_slice(&[0; 4]);
        v.push(lacing.len() as u8);
        v.extend_from_slice(&lacing);
        v.extend_from_slice(&body);
        let crc = crc32(0, &v);
        v[22..26].copy_from_slice(&crc.to_le_bytes());
        v
    }

    /// Vorbis-style LSB-first bit writer.
    struct Bits {
        out: Vec<u8>,
        n: usize,
    }
    impl Bits {
        fn put(&mut self, value: u32, bits: usize) {
            for i in 0..bits {
                if self.n.is_multiple_of(8) {
                    self.out.push(0);
                }
                if (value >> i) & 1 == 1 {
                    *self.out.last_mut().unwrap() |= 1 << (self.n % 8);
                }
                self.n += 1;
            }
        }
    }

    fn vorbis_ident(rate: u32, channels: u8) -> Vec<u8> {
        let mut v = b"\x01vorbis".to_vec();
        v.extend_from_slice(&0u32.to_le_bytes());
        v.push(channels);
        v.extend_from_slice(&rate.to_le_bytes());
        v.extend_from_slice(&[0; 12]);
        v.push(0xB8); // block sizes 256 and 2048
        v.push(1);
        v
    }

    fn comment(prefix: &[u8], entries: &[&str]) -> Vec<u8> {
        let mut v = prefix.to_vec();
        v.extend_from_slice(&4u32.to_le_bytes());
        v.extend_from_slice(b"test");
        v.extend_from_slice(&(entries.len() as u32).to_le_bytes());
        for e in entries {
            v.extend_from_slice(&(e.len() as u32).to_le_bytes());
            v.extend_from_slice(e.as_bytes());
        }
        v
    }

    /// A setup header whose mode list is `modes` (block flags); what comes
    /// before the modes is filler, as the parser only reads the modes.
    fn vorbis_setup(modes: &[bool]) -> Vec<u8> {
        let mut b = Bits {
            out: b"\x05vorbis".to_vec(),
            n: 0,
        };
        b.out.extend_from_slice(&[0xFF; 16]);
        b.n = b.out.len() * 8;
        b.put(modes.len() as u32 - 1, 6);
        for (i, &m) in modes.iter().enumerate() {
            b.put(u32::from(m), 1);
            b.put(0, 16);
            b.put(0, 16);
            b.put(i as u32, 8);
        }
        b.put(1, 1);
        b.out
    }

    /// An audio packet in mode `mode` (of two).
    fn vorbis_audio(mode: u8, len: usize) -> Vec<u8> {
        let mut v = vec![0x55; len.max(1)];
        v[0] = mode << 1;
        v
    }

    const S: u32 = 0x1234_5678;

    /// A Vorbis file: headers, then audio pages with the given granules,
    /// each holding the given modes (first page) or two long packets.
    pub(super) fn vorbis_file(first: (&[u8], i64), rest: &[i64], serial: u32) -> Vec<u8> {
        let mut f = page(2, 0, serial, 0, &[&vorbis_ident(44_100, 2)], false);
        let c = comment(b"\x03vorbis", &["TITLE=Tune", "ISRC=XX0000000001"]);
        f.extend(page(
            0,
            0,
            serial,
            1,
            &[&c, &vorbis_setup(&[false, true])],
            false,
        ));
        let packets: Vec<Vec<u8>> = first.0.iter().map(|&m| vorbis_audio(m, 40)).collect();
        let refs: Vec<&[u8]> = packets.iter().map(|p| p.as_slice()).collect();
        let eos = if rest.is_empty() { 4 } else { 0 };
        f.extend(page(eos, first.1, serial, 2, &refs, false));
        for (i, &g) in rest.iter().enumerate() {
            let flags = if i + 1 == rest.len() { 4 } else { 0 };
            let a = vorbis_audio(1, 300);
            f.extend(page(flags, g, serial, 3 + i as u32, &[&a, &a], false));
        }
        f
    }

    fn codes(p: &Probe) -> (Vec<&str>, Vec<&str>) {
        (
            p.findings.errors.iter().map(|i| i.code.as_str()).collect(),
            p.findings
                .warnings
                .iter()
                .map(|i| i.code.as_str())
                .collect(),
        )
    }

    #[test]
    fn opus_packet_sizes() {
        assert_eq!(opus_samples(&[31 << 3]), Some(960));
        assert_eq!(opus_samples(&[(16 << 3) | 1]), Some(240));
        assert_eq!(opus_samples(&[(3 << 3) | 3, 3]), Some(3 * 2880));
        assert_eq!(opus_samples(&[(3 << 3) | 3]), None);
        assert_eq!(opus_samples(&[]), Some(0));
    }

    #[test]
    fn vorbis_modes_from_the_end() {
        assert_eq!(
            vorbis_modes(&vorbis_setup(&[false, true])),
            Some(vec![false, true])
        );
        assert_eq!(
            vorbis_modes(&vorbis_setup(&[true, false, true])),
            Some(vec![true, false, true])
        );
        assert_eq!(vorbis_modes(b"\x05vorbis\xff\xff"), None);
        assert_eq!(vorbis_modes(&[0u8; 64]), None);
    }

    #[test]
    fn vorbis_total_is_the_last_granule() {
        // Long blocks: 0 + 1024 + 1024 samples on the first audio page.
        let f = vorbis_file((&[1, 1, 1], 2048), &[3000, 4321], S);
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p), (vec![], vec![]));
        assert_eq!(p.file_format, Some(FileFormat::Ogg));
        assert_eq!(p.audio_codec.as_deref(), Some("Vorbis"));
        assert_eq!(p.sample_rate, Some(44_100));
        assert_eq!(p.channels, Some(2));
        assert_eq!(p.bit_depth, None);
        assert_eq!(p.sample_format, None);
        assert_eq!(p.total_samples, Some(4321));
        assert_eq!(p.duration_source, Some(DurationSource::Header));
        assert_eq!(p.tags.title.as_deref(), Some("Tune"));
        assert_eq!(p.tags.isrc.as_deref(), Some("XX0000000001"));
        assert_eq!(p.tags.sources, vec!["Vorbis comment".to_string()]);
        // Audio bytes: the three audio pages.
        let header = page(2, 0, S, 0, &[&vorbis_ident(44_100, 2)], false).len();
        assert!(p.audio_bytes.unwrap() < (f.len() - header) as u64);
    }

    #[test]
    fn vorbis_mixed_blocks_and_start_offset() {
        // short, long, short: 0 + (64 + 512) + (512 + 64) = 1152.
        let f = vorbis_file((&[0, 1, 0], 1152), &[5000], S);
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p), (vec![], vec![]));
        assert_eq!(p.total_samples, Some(5000));
        // The same packets ending at 1652: the stream starts at 500.
        let f = vorbis_file((&[0, 1, 0], 1652), &[5500], S);
        let p = probe(Bytes::full(&f));
        assert_eq!(p.total_samples, Some(5000));
        assert_eq!(codes(&p), (vec![], vec!["inconsistent_header"]));
        assert!(p.findings.warnings[0].message.contains("500"));
        // Ending at 1000: a start trim; the output still starts at 0.
        let f = vorbis_file((&[0, 1, 0], 1000), &[5000], S);
        let p = probe(Bytes::full(&f));
        assert_eq!(p.total_samples, Some(5000));
        assert_eq!(codes(&p), (vec![], vec![]));
    }

    #[test]
    fn single_audio_page_with_end_trim() {
        let f = vorbis_file((&[1, 1, 1], 1500), &[], S);
        let p = probe(Bytes::full(&f));
        assert_eq!(p.total_samples, Some(1500));
        assert_eq!(codes(&p), (vec![], vec![]));
    }

    fn opus_file(pre_skip: u16, granules: &[i64]) -> Vec<u8> {
        let mut head = b"OpusHead".to_vec();
        head.push(1);
        head.push(2);
        head.extend_from_slice(&pre_skip.to_le_bytes());
        head.extend_from_slice(&44_100u32.to_le_bytes());
        head.extend_from_slice(&[0, 0, 0]);
        let mut f = page(2, 0, 7, 0, &[&head], false);
        // A comment long enough to span two pages.
        let long = format!("ARTIST={}", "a".repeat(600));
        let tags = comment(b"OpusTags", &["title=Opus song", &long]);
        let (a, b) = tags.split_at(255);
        f.extend(page(0, -1, 7, 1, &[a], true));
        f.extend(page(1, 0, 7, 2, &[b], false));
        let pkt = [31u8 << 3, 0, 0, 0];
        for (i, &g) in granules.iter().enumerate() {
            let flags = if i + 1 == granules.len() { 4 } else { 0 };
            f.extend(page(flags, g, 7, 3 + i as u32, &[&pkt, &pkt, &pkt], false));
        }
        f
    }

    #[test]
    fn opus_removes_pre_skip() {
        let f = opus_file(312, &[2880, 5760, 7000]);
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p), (vec![], vec![]));
        assert_eq!(p.audio_codec.as_deref(), Some("Opus"));
        assert_eq!(p.sample_rate, Some(48_000));
        assert_eq!(p.input_sample_rate, Some(44_100));
        assert_eq!(p.encoder_delay, Some(312));
        assert_eq!(p.total_samples, Some(7000 - 312));
        assert_eq!(p.tags.title.as_deref(), Some("Opus song"));
        assert_eq!(p.tags.artist.as_deref().map(str::len), Some(600));
    }

    #[test]
    fn flac_in_ogg() {
        let mut head = b"\x7FFLAC\x01\x00\x00\x01fLaC".to_vec();
        head.extend_from_slice(&[0x00, 0, 0, 34]);
        head.extend_from_slice(&[0x10, 0, 0x10, 0, 0, 0, 0, 0, 0, 0]);
        let packed: u64 = (44_100u64 << 44) | (1 << 41) | (15 << 36) | 10_000;
        head.extend_from_slice(&packed.to_be_bytes());
        head.extend_from_slice(&[0; 16]);
        let mut vc = vec![0x84, 0, 0, 0];
        vc.extend(comment(b"", &["ALBUM=Record"]));
        let mut f = page(2, 0, 9, 0, &[&head], false);
        f.extend(page(0, 0, 9, 1, &[&vc], false));
        let mut frame = vec![0xFF, 0xF8, 0xC9, 0x18, 0x00];
        frame.push(crate::formats::flac::crc8(&frame));
        frame.extend_from_slice(&[0; 20]);
        f.extend(page(0, 4096, 9, 2, &[&frame], false));
        f.extend(page(4, 10_000, 9, 3, &[&frame], false));
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p), (vec![], vec![]));
        assert_eq!(p.audio_codec.as_deref(), Some("FLAC"));
        assert_eq!(p.bit_depth, Some(16));
        assert_eq!(p.sample_format, Some(SampleFormat::Int));
        assert_eq!(p.channels, Some(2));
        assert_eq!(p.total_samples, Some(10_000));
        assert_eq!(p.tags.album.as_deref(), Some("Record"));
    }

    #[test]
    fn speex() {
        let mut head = b"Speex   ".to_vec();
        head.extend_from_slice(&[b'1'; 20]);
        for v in [1u32, 80, 16_000, 1, 4, 1, 0, 320, 0, 2, 0, 0, 0] {
            head.extend_from_slice(&v.to_le_bytes());
        }
        let mut f = page(2, 0, 3, 0, &[&head], false);
        f.extend(page(0, 0, 3, 1, &[&comment(b"", &["GENRE=Speech"])], false));
        let pkt = [0u8; 30];
        f.extend(page(0, 1280 - 143, 3, 2, &[&pkt, &pkt], false));
        f.extend(page(4, 2000, 3, 3, &[&pkt, &pkt], false));
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p), (vec![], vec![]));
        assert_eq!(p.audio_codec.as_deref(), Some("Speex"));
        assert_eq!(p.sample_rate, Some(16_000));
        assert_eq!(p.total_samples, Some(2000));
        assert_eq!(p.tags.genre.as_deref(), Some("Speech"));
    }

    #[test]
    fn bad_crc_and_sequence_gap_are_warnings() {
        let mut f = vorbis_file((&[1, 1, 1], 2048), &[3000, 4000], S);
        // Corrupt a byte of the comment page's body.
        let at = 58 + 40;
        f[at] ^= 0x20;
        let p = probe(Bytes::full(&f));
        let (_, w) = codes(&p);
        assert!(w.contains(&"bad_page_crc"), "{w:?}");
        assert!(p.findings.warnings[0].message.contains("offset 58"));
        assert_eq!(p.total_samples, Some(4000));

        let mut f = page(2, 0, S, 0, &[&vorbis_ident(44_100, 2)], false);
        f.extend(page(
            0,
            0,
            S,
            1,
            &[&comment(b"\x03vorbis", &[]), &vorbis_setup(&[false, true])],
            false,
        ));
        let a = vorbis_audio(1, 10);
        f.extend(page(0, 2048, S, 5, &[&a, &a, &a], false));
        f.extend(page(4, 3000, S, 6, &[&a], false));
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p), (vec![], vec!["page_sequence"]));
        assert!(
            p.findings.warnings[0]
                .message
                .contains("sequence number 5, 2")
        );
    }

    #[test]
    fn missing_eos_is_noted() {
        let mut f = vorbis_file((&[1, 1, 1], 2048), &[3000], S);
        // Clear the EOS flag of the last page and fix its CRC.
        let last = f.len()
            - page(
                4,
                3000,
                S,
                3,
                &[&vorbis_audio(1, 300), &vorbis_audio(1, 300)],
                false,
            )
            .len();
        f[last + 5] = 0;
        f[last + 22..last + 26].fill(0);
        let crc = crc32(0, &f[last..]);
        f[last + 22..last + 26].copy_from_slice(&crc.to_le_bytes());
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p), (vec![], vec!["page_sequence"]));
        assert_eq!(p.total_samples, Some(3000));
    }

    #[test]
    fn chained_streams_are_summed_when_alike() {
        let mut f = vorbis_file((&[1, 1, 1], 2048), &[3000], 1);
        f.extend(vorbis_file((&[1, 1, 1], 2048), &[5000], 2));
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p), (vec![], vec!["chained_streams"]));
        assert_eq!(p.total_samples, Some(8000));
        assert!(p.findings.warnings[0].message.contains("3000 + 5000"));
        // The same serial twice (concatenated copies).
        let mut f = vorbis_file((&[1, 1, 1], 2048), &[3000], 1);
        f.extend(vorbis_file((&[1, 1, 1], 2048), &[3000], 1));
        let p = probe(Bytes::full(&f));
        assert_eq!(p.total_samples, Some(6000));
        // Different codecs: the first only.
        let mut f = vorbis_file((&[1, 1, 1], 2048), &[3000], 1);
        f.extend(opus_file(312, &[2880, 9000]));
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p), (vec![], vec!["chained_streams"]));
        assert_eq!(p.total_samples, Some(3000));
        assert!(p.findings.warnings[0].message.contains("Opus"));
    }

    #[test]
    fn multiplexed_streams_report_the_first_audio_stream() {
        let mut f = page(
            2,
            0,
            1,
            0,
            &[b"\x80theora0000000000000000000000000000000000"],
            false,
        );
        f.extend(page(2, 0, S, 0, &[&vorbis_ident(48_000, 1)], false));
        f.extend(page(0, 0, 1, 1, &[b"\x81theora"], false));
        f.extend(page(
            0,
            0,
            S,
            1,
            &[&comment(b"\x03vorbis", &[]), &vorbis_setup(&[false, true])],
            false,
        ));
        let a = vorbis_audio(1, 10);
        f.extend(page(0, 2048, S, 2, &[&a, &a, &a], false));
        f.extend(page(0, 99, 1, 2, &[b"frame"], false));
        f.extend(page(4, 4000, S, 3, &[&a], false));
        f.extend(page(4, 100, 1, 3, &[b"frame"], false));
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p), (vec![], vec!["multiplexed_streams"]));
        assert_eq!(p.total_samples, Some(4000));
        assert_eq!(p.sample_rate, Some(48_000));
        assert_eq!(p.audio_bytes, None);
        assert!(p.findings.warnings[0].message.contains("Theora"));
    }

    #[test]
    fn truncation_is_proved_by_the_last_page() {
        let f = vorbis_file((&[1, 1, 1], 2048), &[3000, 4000, 5000], S);
        let cut = &f[..f.len() - 100];
        let p = probe(Bytes::full(cut));
        assert_eq!(codes(&p), (vec!["truncated_data"], vec![]));
        assert_eq!(p.total_samples, Some(4000));
        let m = &p.findings.errors[0].message;
        assert!(m.contains("declares 631 bytes, the file holds 531"), "{m}");
        // Junk after the last page is trailing data.
        let mut g = f.clone();
        g.extend_from_slice(&[0; 10]);
        let p = probe(Bytes::full(&g));
        assert_eq!(codes(&p), (vec![], vec!["trailing_data"]));
        assert_eq!(p.total_samples, Some(5000));
    }

    #[test]
    fn not_a_stream() {
        let p = probe(Bytes::full(b"OggS\x01garbage"));
        assert_eq!(codes(&p).0, vec!["invalid_header"]);
        let f = page(0, 5, 1, 0, &[b"data"], false);
        let p = probe(Bytes::full(&f));
        assert!(p.findings.errors[0].message.contains("beginning-of-stream"));
        let f = page(6, 0, 1, 0, &[b"\x80theora"], false);
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p).0, vec!["unsupported_format"]);
        // Headers only, then EOS: an empty stream.
        let mut f = page(2, 0, S, 0, &[&vorbis_ident(8_000, 2)], false);
        f.extend(page(
            4,
            0,
            S,
            1,
            &[&comment(b"\x03vorbis", &[]), &vorbis_setup(&[false, true])],
            false,
        ));
        let p = probe(Bytes::full(&f));
        assert_eq!(codes(&p), (vec![], vec![]));
        assert_eq!(p.total_samples, Some(0));
    }

    #[test]
    fn hostile_headers() {
        // Identification headers that are too short.
        for head in [
            &b"\x01vorbis\0\0"[..],
            b"OpusHead\x01",
            b"Speex   ",
            b"\x7FFLAC",
        ] {
            let mut f = page(2, 0, 1, 0, &[head], false);
            f.extend(page(4, 100, 1, 1, &[b"x"], false));
            let p = probe(Bytes::full(&f));
            assert!(p.findings.has_error(Code::InvalidHeader), "{head:?}");
        }
        // A comment whose count and lengths lie.
        let mut c = b"\x03vorbis".to_vec();
        c.extend_from_slice(&u32::MAX.to_le_bytes());
        let mut f = page(2, 0, 1, 0, &[&vorbis_ident(44_100, 1)], false);
        f.extend(page(0, 0, 1, 1, &[&c, &vorbis_setup(&[true])], false));
        f.extend(page(4, 1000, 1, 2, &[&vorbis_audio(0, 5)], false));
        let p = probe(Bytes::full(&f));
        assert!(
            p.findings.errors[0]
                .message
                .contains("vendor string claims")
        );
        assert_eq!(p.total_samples, Some(1000));
    }

    #[test]
    fn every_truncation_is_handled() {
        let files = [
            vorbis_file((&[1, 1, 1], 2048), &[3000, 4000], S),
            opus_file(312, &[2880, 5000]),
        ];
        for f in &files {
            for cut in 0..f.len() {
                let p = probe(Bytes::full(&f[..cut]));
                assert!(p.total_samples.is_none_or(|n| n <= 4000), "cut {cut}");
            }
        }
    }

    #[test]
    fn windowed_views_read_only_head_and_tail() {
        let a = vorbis_audio(1, 250);
        let mut f = {
            let mut g = page(2, 0, S, 0, &[&vorbis_ident(44_100, 2)], false);
            g.extend(page(
                0,
                0,
                S,
                1,
                &[&comment(b"\x03vorbis", &[]), &vorbis_setup(&[false, true])],
                false,
            ));
            g
        };
        let mut granule = 0;
        for i in 0..400u32 {
            granule += if i == 0 { 2048 } else { 3072 };
            let flags = if i == 399 { 4 } else { 0 };
            f.extend(page(flags, granule, S, 2 + i, &[&a, &a, &a], false));
        }
        let whole = probe(Bytes::full(&f));
        assert_eq!(codes(&whole), (vec![], vec![]));
        let head = &f[..16 << 10];
        let tail = &f[f.len() - (32 << 10)..];
        let gap = Cell::new(false);
        let p = probe(Bytes::windows(head, tail, f.len() as u64, &gap));
        assert!(!gap.get(), "the probe read between the windows");
        assert_eq!(p, whole);
        assert_eq!(p.total_samples, Some(granule as u64));
    }
}

mod hostile {
    use super::*;
    use std::time::Instant;

    #[test]
    fn capture_patterns_everywhere_stay_cheap() {
        // A valid start, then 4 MiB of page headers each claiming 255 full
        // segments: every one is a page whose CRC must be computed.
        let mut unit = b"OggS\0\x00".to_vec();
        unit.extend_from_slice(&[0; 20]);
        unit.push(255);
        let mut f = super::header_probe::vorbis_file((&[1, 1, 1], 2048), &[], 5);
        while f.len() < 4 << 20 {
            f.extend_from_slice(&unit);
            f.extend(std::iter::repeat_n(255u8, 255));
        }
        let t = Instant::now();
        let p = probe(Bytes::full(&f));
        assert!(!p.findings.warnings.is_empty());
        assert!(t.elapsed().as_secs() < 5, "{:?}", t.elapsed());
    }

    #[test]
    fn mutations_do_not_panic() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let base = {
            let mut v = Vec::new();
            for (flags, g, seq, body) in [
                (
                    2u8,
                    0i64,
                    0u32,
                    b"\x01vorbis\0\0\0\0\x02\x44\xac\0\0\0\0\0\0\0\0\0\0\0\0\0\xb8\x01".to_vec(),
                ),
                (
                    0,
                    0,
                    1,
                    b"\x03vorbis\x01\0\0\0v\x01\0\0\0\x07\0\0\0TITLE=x".to_vec(),
                ),
                (0, 2048, 2, vec![2u8; 40]),
                (4, 4000, 3, vec![2u8; 40]),
            ] {
                let mut p = b"OggS\0".to_vec();
                p.push(flags);
                p.extend_from_slice(&g.to_le_bytes());
                p.extend_from_slice(&5u32.to_le_bytes());
                p.extend_from_slice(&seq.to_le_bytes());
                p.extend_from_slice(&[0; 4]);
                p.push(1);
                p.push(body.len() as u8);
                p.extend_from_slice(&body);
                let crc = crc32(0, &p);
                p[22..26].copy_from_slice(&crc.to_le_bytes());
                v.extend(p);
            }
            v
        };
        for _ in 0..3000 {
            let mut f = base.clone();
            for _ in 0..1 + next() % 4 {
                let i = (next() % f.len() as u64) as usize;
                f[i] = next() as u8;
            }
            let cut = (next() % (f.len() as u64 + 1)) as usize;
            let _ = probe(Bytes::full(&f[..cut]));
        }
    }
}

mod verifier {
    use super::*;

    #[test]
    fn opus_framing_rules() {
        // Code 0, 20 ms SILK frame.
        assert_eq!(opus_packet(&[0x08, 1, 2, 3], true), Ok(960));
        // Code 1 with an odd payload is invalid.
        assert!(opus_packet(&[0x09, 1, 2, 3], true).is_err());
        assert_eq!(opus_packet(&[0x09, 1, 2, 3, 4], true), Ok(1920));
        // Code 2: first frame 2 bytes, second 1.
        assert_eq!(opus_packet(&[0x0A, 2, 9, 9, 9], true), Ok(1920));
        assert!(opus_packet(&[0x0A, 9, 1], true).is_err());
        // Code 3 CBR, 3 frames of 2 bytes, 20 ms each.
        assert_eq!(opus_packet(&[0x0B, 3, 1, 1, 2, 2, 3, 3], true), Ok(2880));
        assert!(opus_packet(&[0x0B, 3, 1, 1, 2, 2, 3], true).is_err());
        // Code 3 with 7 frames of 20 ms is longer than 120 ms.
        assert!(opus_packet(&[0x0B, 7, 0, 0, 0, 0, 0, 0, 0], true).is_err());
        // Code 3 VBR with padding: 2 frames, lengths 1 and the rest.
        assert_eq!(
            opus_packet(&[0x0B, 0xC2, 2, 1, 7, 8, 8, 0, 0], true),
            Ok(1920)
        );
        assert!(opus_packet(&[], true).is_err());
        assert!(opus_packet(&[0x0B, 0xC2, 255], true).is_err());
    }

    /// A Vorbis setup header with `books` ordered codebooks of
    /// `entries` x `dims` vector-quantisation values (lookup type 1).
    fn setup(books: u32, entries: u32, dims: u32) -> Vec<u8> {
        let mut bits: Vec<bool> = Vec::new();
        let mut put = |v: u64, n: u32| bits.extend((0..n).map(|i| (v >> i) & 1 == 1));
        put(u64::from(books - 1), 8);
        for _ in 0..books {
            put(0x56_4342, 24);
            put(u64::from(dims), 16);
            put(u64::from(entries), 24);
            put(1, 1); // ordered
            put(0, 5);
            put(u64::from(entries), 32 - entries.leading_zeros());
            put(1, 4); // lookup type 1
            put(0, 64);
            put(0, 4); // 1-bit values
            put(0, 1);
            put(
                0,
                lookup1_values(u64::from(entries), u64::from(dims)) as u32,
            );
        }
        let mut out = b"\x05vorbis".to_vec();
        out.extend(bits.chunks(8).map(|c| {
            c.iter()
                .enumerate()
                .fold(0u8, |b, (i, &bit)| b | (u8::from(bit) << i))
        }));
        out
    }

    #[test]
    fn setup_headers_declaring_huge_codebooks_are_not_decoded() {
        assert_eq!(vorbis_setup_budget(&setup(2, 100_000, 32)), Ok(()));
        assert!(vorbis_setup_budget(&setup(3, 100_000, 32)).is_err());
        assert!(vorbis_setup_budget(&setup(2, 100_000, 32)[..20]).is_err());
    }

    #[test]
    fn lookup1_is_the_integer_root() {
        assert_eq!(lookup1_values(729, 6), 3);
        assert_eq!(lookup1_values(728, 6), 2);
        assert_eq!(lookup1_values(81, 4), 3);
        assert_eq!(lookup1_values(1 << 24, 1), 1 << 24);
        assert_eq!(lookup1_values(5, 0), 0);
    }

    #[test]
    fn hostile_pages_do_not_panic() {
        let mut page = b"OggS\0\x02".to_vec();
        page.extend_from_slice(&[0; 20]);
        page.push(3);
        page.extend_from_slice(&[255, 255, 10]);
        for cut in 0..page.len() {
            let _ = verify(&page[..cut], &OggLayout::default(), &Probe::default());
        }
        assert!(resync(Bytes::full(&page), 1).is_none());
    }

    fn fixture(name: &str) -> Vec<u8> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
        std::fs::read(dir.join(name)).unwrap()
    }

    fn probe_and_verify(bytes: &[u8]) -> (Probe, crate::formats::Outcome) {
        let p = probe(Bytes::full(bytes));
        let Some(crate::formats::Layout::Ogg(layout)) = &p.layout else {
            panic!("no Ogg layout: {p:?}");
        };
        let out = verify(bytes, layout, &p);
        (p, out)
    }

    /// Two links that differ (22.05 and 44.1 kHz): the probe measures the
    /// first, and so does verification; two links alike are summed by both.
    #[test]
    fn verification_measures_the_links_the_probe_measured() {
        let a = fixture("ogg-vorbis-22k-mono.ogg");
        let b = fixture("ogg-vorbis-44k-mono.ogg");
        let differ = [a.clone(), b.clone()].concat();
        let (p, out) = probe_and_verify(&differ);
        assert_eq!(p.total_samples, Some(5000));
        assert!(matches!(
            &p.layout,
            Some(crate::formats::Layout::Ogg(OggLayout {
                measured: Measured::First,
                audio_streams: 2
            }))
        ));
        assert_eq!(out.decoded_samples, Some(5000));
        assert!(out.exact);

        let alike = [b.clone(), b].concat();
        let (p, out) = probe_and_verify(&alike);
        assert_eq!(p.total_samples, Some(2000));
        assert!(matches!(
            &p.layout,
            Some(crate::formats::Layout::Ogg(OggLayout {
                measured: Measured::EveryLink,
                ..
            }))
        ));
        assert_eq!((out.decoded_samples, out.exact), (Some(2000), true));
    }

    /// A chain the probe did not see is reported, and its decoded count
    /// does not replace the probe's figures.
    #[test]
    fn links_the_probe_missed_are_reported() {
        let a = fixture("ogg-vorbis-44k-mono.ogg");
        let chain = [a.clone(), a].concat();
        let p = probe(Bytes::full(&chain));
        let layout = OggLayout::default();
        let out = verify(&chain, &layout, &p);
        assert!(
            out.findings
                .warnings
                .iter()
                .any(|w| w.code == Code::ChainedStreams)
        );
        assert!(!out.exact);
    }

    /// Packet assembly: a packet spanning pages is whole, one whose start
    /// is missing or that never ends is lost, a dropped page loses the
    /// packets ending on it.
    #[test]
    fn packets_are_assembled_across_pages() {
        let first = page_bytes(0, &[&[1; 510]], true);
        let second = page_bytes(1, &[&[2; 10], &[3; 4]], false);
        let mut asm = Packets::default();
        let mut got = Vec::new();
        for bytes in [&first, &second] {
            let p = read_page(Bytes::full(bytes), 0).unwrap();
            assert!(asm.begin(&p).is_none());
            for (lace, seg) in p.segments() {
                if let Some(piece) = asm.segment(lace, seg, true, 1 << 20) {
                    got.push(piece);
                }
            }
        }
        let lens: Vec<Option<usize>> = got
            .iter()
            .map(|p| match p {
                Piece::Packet(d, false) => Some(d.len()),
                _ => None,
            })
            .collect();
        assert_eq!(lens, [Some(520), Some(4)]);

        // A continued page with nothing open: its first packet is lost.
        let mut asm = Packets::default();
        let p = read_page(Bytes::full(&second), 0).unwrap();
        let mut pieces = Vec::new();
        assert!(asm.begin(&p).is_none());
        for (lace, seg) in p.segments() {
            pieces.extend(asm.segment(lace, seg, true, 1 << 20));
        }
        assert!(matches!(pieces[..], [Piece::Lost, Piece::Packet(_, false)]));

        // An open packet followed by a fresh page is lost; a packet over
        // the limit is flagged; a dropped page loses what ends on it.
        let mut asm = Packets::default();
        let p = read_page(Bytes::full(&first), 0).unwrap();
        for (lace, seg) in p.segments() {
            assert!(asm.segment(lace, seg, true, 100).is_none());
        }
        let fresh = page_bytes(0, &[&[5; 3]], false);
        let fresh = read_page(Bytes::full(&fresh), 0).unwrap();
        assert!(matches!(asm.begin(&fresh), Some(Piece::Lost)));
        let p = read_page(Bytes::full(&second), 0).unwrap();
        let _ = asm.begin(&p);
        let mut asm = Packets::default();
        let big = page_bytes(0, &[&[7; 300]], false);
        let big = read_page(Bytes::full(&big), 0).unwrap();
        let pieces: Vec<Piece> = big
            .segments()
            .filter_map(|(lace, seg)| asm.segment(lace, seg, true, 100))
            .collect();
        assert!(matches!(pieces[..], [Piece::Packet(_, true)]));
        assert_eq!(asm.drop_page(&p), 2);
    }

    /// One page of stream 1 holding `packets`, flagged continued when `seq`
    /// is above 0; `open`: the last packet continues on the next page.
    fn page_bytes(seq: u32, packets: &[&[u8]], open: bool) -> Vec<u8> {
        let mut lacing = Vec::new();
        let mut body = Vec::new();
        for (i, p) in packets.iter().enumerate() {
            let mut n = p.len();
            while n >= 255 {
                lacing.push(255u8);
                n -= 255;
            }
            if !(open && i + 1 == packets.len()) {
                lacing.push(n as u8);
            }
            body.extend_from_slice(p);
        }
        let mut v = b"OggS\0".to_vec();
        v.push(u8::from(seq > 0));
        v.extend_from_slice(&(-1i64).to_le_bytes());
        v.extend_from_slice(&1u32.to_le_bytes());
        v.extend_from_slice(&seq.to_le_bytes());
        v.extend_from_slice(&[0; 4]);
        v.push(lacing.len() as u8);
        v.extend_from_slice(&lacing);
        v.extend_from_slice(&body);
        let crc = crc32(0, &v);
        v[22..26].copy_from_slice(&crc.to_le_bytes());
        v
    }
}
