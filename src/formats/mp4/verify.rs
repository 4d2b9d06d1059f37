//! MP4: the sample tables of the audio track the probe laid out
//! ([`super::TrackLayout`]) walked sample by sample
//! (every sample inside the file), AAC-LC and ALAC samples decoded, the
//! decoded count compared with the sample table's, and the decoded ALAC
//! audio hashed over the samples the edit list or `iTunSMPB` keeps.

use super::{DecoderConfig, Span, TrackLayout};
use crate::formats::decode::{
    Decoded, Decoder, Failures, QcScratch, Trim, hash_left_justified, structure,
};
use crate::formats::{Outcome, Probe};
use crate::io::reader::{Bytes, Endian, Reader};
use crate::qc::Analysis;
use crate::record::{Code, Method};
use md5::Digest;
use symphonia::core::codecs::audio::AudioCodecParameters;
use symphonia::core::codecs::audio::well_known::{CODEC_ID_AAC, CODEC_ID_ALAC};
use symphonia::default::codecs::{AacDecoder, AlacDecoder};

const BE: Endian = Endian::Big;

/// A table box body: its entry count and a reader at the first entry.
#[derive(Clone)]
struct Table<'a> {
    count: u32,
    entries: Reader<'a>,
}

/// A full box with a 32-bit entry count whose `width`-byte entries must
/// all be present.
fn table<'a>(mut body: Reader<'a>, width: u64) -> Result<Table<'a>, String> {
    body.skip(4).map_err(|_| "too short".to_string())?;
    let count = body.u32(BE).map_err(|_| "too short".to_string())?;
    if u64::from(count) * width > body.remaining() {
        return Err(format!(
            "declares {count} entries, holds {}",
            body.remaining() / width.max(1)
        ));
    }
    Ok(Table {
        count,
        entries: body,
    })
}

/// What the sample description says the decoder needs.
enum Codec {
    /// AAC with its AudioSpecificConfig.
    Aac(Vec<u8>),
    /// ALAC with its magic cookie and bit depth.
    Alac(Vec<u8>, u32),
    /// Anything else: structure only.
    Other,
}

/// The audio track's tables.
struct Track<'a> {
    codec: Codec,
    media_ts: Option<u32>,
    stts: Option<Reader<'a>>,
    stsc: Option<Reader<'a>>,
    stsz: Option<Reader<'a>>,
    stco: Option<(Reader<'a>, bool)>,
}

/// The audio track's tables, from the layout the probe returned.
fn audio_track<'a>(bytes: Bytes<'a>, layout: &TrackLayout) -> Track<'a> {
    let slice = |span: Span| span.reader(bytes).bytes_up_to(u64::MAX).to_vec();
    Track {
        codec: match layout.config {
            DecoderConfig::Aac(asc) => {
                let asc = slice(asc);
                // A stray core coder bit is dropped, as decoders ignore it.
                match super::esds::parse_asc(&asc).and_then(|a| super::esds::without_stray_bit(&a))
                {
                    Some(clean) => Codec::Aac(clean),
                    None => Codec::Aac(asc),
                }
            }
            DecoderConfig::Alac(cookie, bits) => Codec::Alac(slice(cookie), bits),
            DecoderConfig::Other => Codec::Other,
        },
        media_ts: layout.media_ts,
        stts: layout.stts.map(|s| s.reader(bytes)),
        stsc: layout.stsc.map(|s| s.reader(bytes)),
        stsz: layout.stsz.map(|s| s.reader(bytes)),
        stco: layout
            .stco
            .map(|s| (s.reader(bytes), false))
            .or_else(|| layout.co64.map(|s| (s.reader(bytes), true))),
    }
}

/// Walk the sample tables of the audio track the probe laid out, decoding
/// every sample.
#[cfg(test)]
pub(crate) fn verify(bytes: &[u8], layout: &TrackLayout, probe: &Probe) -> Outcome {
    verify_with(bytes, layout, probe, &mut |_| {}, None)
}

/// Walk and decode the audio track's samples, telling `reached` where each
/// sample starts (the digests follow; samples are usually in file order,
/// and one that is not is read again from the file).
pub(crate) fn verify_with(
    bytes: &[u8],
    layout: &TrackLayout,
    probe: &Probe,
    reached: &mut dyn FnMut(u64),
    mut qc: Option<&mut Analysis>,
) -> Outcome {
    let track = audio_track(Bytes::full(bytes), layout);
    let mut out = structure();
    let f = &mut out.findings;
    let bad_table = |f: &mut crate::record::Findings, name: &str, why: String| {
        f.error(
            Code::InvalidHeader,
            format!("the {name} box of the audio track {why}"),
        );
    };
    let (Some(stsz), Some((stco, wide)), Some(stsc)) = (track.stsz, track.stco, track.stsc) else {
        // No sample table (a fragmented file, or one the probe reports).
        return out;
    };
    // stsz: a constant size, or one size per sample.
    let mut stsz_r = stsz;
    let (Ok(_), Ok(const_size), Ok(count)) = (stsz_r.u32(BE), stsz_r.u32(BE), stsz_r.u32(BE))
    else {
        bad_table(f, "stsz", "is too short".into());
        return out;
    };
    if const_size == 0 && u64::from(count) * 4 > stsz_r.remaining() {
        bad_table(
            f,
            "stsz",
            format!(
                "declares {count} sample sizes, holds {}",
                stsz_r.remaining() / 4
            ),
        );
        return out;
    }
    let stco = match table(stco, if wide { 8 } else { 4 }) {
        Ok(t) => t,
        Err(why) => {
            bad_table(f, if wide { "co64" } else { "stco" }, why);
            return out;
        }
    };
    let stsc = match table(stsc, 12) {
        Ok(t) => t,
        Err(why) => {
            bad_table(f, "stsc", why);
            return out;
        }
    };
    // stts: sample count and total duration in the media timescale.
    let (mut stts_samples, mut stts_total) = (0u64, 0u64);
    if let Some(t) = track.stts.and_then(|b| table(b, 8).ok()) {
        let mut r = t.entries;
        for _ in 0..t.count {
            let (Ok(n), Ok(d)) = (r.u32(BE), r.u32(BE)) else {
                break;
            };
            stts_samples += u64::from(n);
            stts_total = stts_total.saturating_add(u64::from(n) * u64::from(d));
        }
    }
    if stts_samples != u64::from(count) {
        f.error(
            Code::InvalidHeader,
            format!(
                "the audio track's sample sizes (stsz) count {count} samples, its sample durations (stts) {stts_samples}"
            ),
        );
    }

    let mut dec = Decoding::new(&track.codec, probe);
    let mut walk = TableWalk {
        stsz: stsz_r,
        const_size,
        count,
        stco,
        wide,
        stsc,
    };
    let len = bytes.len() as u64;
    let mut read_total = 0u64;
    let mut outside: Option<(u32, u64, u64)> = None;
    let mut overlapping = false;
    let placed = walk.run(|index, offset, size| {
        let end = offset.saturating_add(u64::from(size));
        read_total = read_total.saturating_add(u64::from(size));
        if end > len {
            outside = Some((index, offset, end));
            return false;
        }
        // Samples do not share bytes: tables that say otherwise are not
        // followed further than twice the file.
        if read_total > len.saturating_mul(2) {
            overlapping = true;
            return false;
        }
        out.frames += 1;
        reached(offset);
        let data = &bytes[offset as usize..end as usize];
        dec.packet(data, offset, qc.as_deref_mut());
        true
    });
    let f = &mut out.findings;
    match (placed, outside) {
        _ if overlapping => f.error(
            Code::InvalidHeader,
            format!(
                "the audio track's sample tables describe more than twice the file's {len} bytes"
            ),
        ),
        (_, Some((index, offset, end))) => f.error(
            Code::TruncatedData,
            format!(
                "audio sample {} of {count} lies at bytes {offset}..{end}, past the end of the file ({len} bytes): {} samples are missing",
                u64::from(index) + 1,
                count - index
            ),
        ),
        (Err(why), None) => bad_table(f, "sample table", why),
        (Ok(n), None) if n < count => f.error(
            Code::InvalidHeader,
            format!(
                "the audio track's chunks (stsc, stco) place {n} of the {count} samples its sample sizes (stsz) list"
            ),
        ),
        _ => {}
    }
    // The movie fragments' samples follow the sample table's.
    let mut count = u64::from(count);
    if !layout.fragments.moofs.is_empty() && out.findings.errors.is_empty() {
        let mut cut: Option<(u64, u64)> = None;
        let walked = super::walk_fragments(Bytes::full(bytes), &layout.fragments, |s| {
            let end = s.offset.saturating_add(u64::from(s.size));
            read_total = read_total.saturating_add(u64::from(s.size));
            if end > len || read_total > len.saturating_mul(2) {
                cut = Some((s.offset, end));
                return false;
            }
            count += 1;
            stts_total = stts_total.saturating_add(u64::from(s.duration));
            out.frames += 1;
            reached(s.offset);
            dec.packet(
                &bytes[s.offset as usize..end as usize],
                s.offset,
                qc.as_deref_mut(),
            );
            true
        });
        let f = &mut out.findings;
        if let Some((offset, end)) = cut {
            f.error(
                Code::TruncatedData,
                format!(
                    "a movie fragment's audio sample lies at bytes {offset}..{end}, past the end of the file ({len} bytes)"
                ),
            );
        } else if walked.is_none() {
            bad_table(f, "movie fragment (moof)", "cannot be read".into());
        }
    }
    dec.finish(&mut out, probe, track.media_ts, stts_total, count);
    out
}

/// The sample tables, walked chunk by chunk.
struct TableWalk<'a> {
    stsz: Reader<'a>,
    const_size: u32,
    count: u32,
    stco: Table<'a>,
    wide: bool,
    stsc: Table<'a>,
}

impl TableWalk<'_> {
    /// Call `f(index, offset, size)` for every sample placed by the chunk
    /// tables, in order, until it returns `false`; the number of samples
    /// placed, or why the tables cannot be walked.
    fn run(&mut self, mut f: impl FnMut(u32, u64, u32) -> bool) -> Result<u32, String> {
        let mut stsc = self.stsc.entries.clone();
        let mut stsc_left = self.stsc.count;
        let mut next_entry = read_stsc(&mut stsc, &mut stsc_left);
        let mut spc = 0u32;
        let mut sample = 0u32;
        let mut offsets = self.stco.entries.clone();
        for chunk in 1..=self.stco.count {
            while let Some((first, n)) = next_entry
                && first <= chunk
            {
                spc = n;
                next_entry = read_stsc(&mut stsc, &mut stsc_left);
            }
            let offset = if self.wide {
                offsets.u64(BE)
            } else {
                offsets.u32(BE).map(u64::from)
            };
            let Ok(mut offset) = offset else {
                return Err("ends before its last chunk offset".into());
            };
            for _ in 0..spc {
                if sample >= self.count {
                    return Ok(sample);
                }
                let size = if self.const_size != 0 {
                    self.const_size
                } else {
                    self.stsz
                        .u32(BE)
                        .map_err(|_| "ends before its last sample size".to_string())?
                };
                if !f(sample, offset, size) {
                    return Ok(sample);
                }
                offset = offset.saturating_add(u64::from(size));
                sample += 1;
            }
        }
        Ok(sample)
    }
}

/// The next stsc entry: (first chunk, samples per chunk).
fn read_stsc(r: &mut Reader<'_>, left: &mut u32) -> Option<(u32, u32)> {
    if *left == 0 {
        return None;
    }
    *left -= 1;
    let (first, spc) = (r.u32(BE).ok()?, r.u32(BE).ok()?);
    r.skip(4).ok()?;
    Some((first, spc))
}

/// The decoder and what it gave.
struct Decoding {
    decoder: Option<Decoder>,
    /// Why nothing is decoded (HE-AAC, a codec without a decoder here).
    structure_only: bool,
    /// ALAC bit depth: the decoded samples are hashed.
    bits: Option<u32>,
    md5: md5::Md5,
    scratch: Vec<u8>,
    /// The decoded samples the gapless trimming keeps: from `skip`,
    /// `keep` of them.
    skip: u64,
    keep: Option<u64>,
    decoded: u64,
    failures: Failures,
    packets: u64,
    qc_scratch: QcScratch,
}

impl Decoding {
    fn new(codec: &Codec, probe: &Probe) -> Decoding {
        let mut params = AudioCodecParameters::new();
        let (decoder, bits) = match codec {
            Codec::Aac(asc) => {
                params
                    .for_codec(CODEC_ID_AAC)
                    .with_extra_data(asc.clone().into_boxed_slice());
                let d = Decoder::new(&params, |p, o| Ok(Box::new(AacDecoder::try_new(p, o)?)));
                // HE-AAC (explicit, or implicit: the container's rate is the
                // SBR output rate) is decoded at the core rate only.
                let d = d.ok().filter(|d| {
                    d.inner.codec_params().sample_rate.is_some() && {
                        let rate = d.inner.codec_params().sample_rate;
                        probe.sample_rate.is_none() || rate == probe.sample_rate
                    }
                });
                (d, None)
            }
            Codec::Alac(cookie, bits) => {
                params
                    .for_codec(CODEC_ID_ALAC)
                    .with_extra_data(cookie.clone().into_boxed_slice());
                let d = Decoder::new(&params, |p, o| Ok(Box::new(AlacDecoder::try_new(p, o)?)));
                (d.ok(), Some(*bits))
            }
            Codec::Other => (None, None),
        };
        Decoding {
            structure_only: decoder.is_none(),
            decoder,
            bits,
            md5: md5::Md5::new(),
            scratch: Vec::new(),
            skip: probe.encoder_delay.unwrap_or(0),
            keep: probe.total_samples,
            decoded: 0,
            failures: Failures::default(),
            packets: 0,
            qc_scratch: QcScratch::default(),
        }
    }

    fn packet(&mut self, data: &[u8], offset: u64, qc: Option<&mut Analysis>) {
        let Some(d) = self.decoder.as_mut() else {
            if let Some(qc) = qc {
                qc.stop(
                    "this MP4 audio is checked for structure only (no decoder here for its \
                     codec or profile): the audio is not analysed",
                );
            }
            return;
        };
        self.packets += 1;
        match d.decode(data) {
            Decoded::Frames(n) => {
                let n = n as u64;
                // The part of this packet inside skip..skip + keep.
                let (from, take) = Trim {
                    skip: self.skip,
                    keep: self.keep,
                    decoded: self.decoded,
                }
                .next(n);
                if let Some(qc) = qc {
                    d.analyse(qc, self.bits, (from, take), &mut self.qc_scratch);
                }
                if let Some(bits) = self.bits {
                    let (from, take) = (from as u64, take as u64);
                    if from < n && take > 0 {
                        let (md5, scratch) = (&mut self.md5, &mut self.scratch);
                        d.with_i32_planes(|planes| {
                            hash_left_justified(
                                md5,
                                planes,
                                bits,
                                from as usize,
                                take as usize,
                                scratch,
                            );
                        });
                    }
                }
                self.decoded += n;
            }
            Decoded::Failed(why) | Decoded::Unsupported(why) => {
                self.failures.add(offset, || why);
            }
        }
    }

    fn finish(
        self,
        out: &mut Outcome,
        probe: &Probe,
        media_ts: Option<u32>,
        stts_total: u64,
        count: u64,
    ) {
        out.bad_frames = self.failures.count;
        if self.structure_only {
            return;
        }
        out.method = Method::Decoded;
        let f = &mut out.findings;
        self.failures.report(
            f,
            Code::DecodeError,
            "sample",
            ("does not decode", "do not decode"),
        );
        let rate = self
            .decoder
            .as_ref()
            .and_then(|d| d.inner.codec_params().sample_rate);
        // The sample table's count, at the decoder's rate.
        let table = match (media_ts, rate) {
            (Some(ts), Some(rate)) if ts > 0 && ts != rate => {
                (u128::from(stts_total) * u128::from(rate) / u128::from(ts)) as u64
            }
            _ => stts_total,
        };
        let whole = self.failures.count == 0 && self.packets == count;
        let lossless = self.bits.is_some();
        // ALAC packets decode to exactly their duration; the last AAC frame
        // may be longer than its (shortened) duration, never shorter.
        // A lossless decode may also confirm the probe's own figure, which
        // it takes from the media header when the sample table counts a
        // short last frame whole (said by the probe).
        let agrees = if lossless {
            self.decoded == table
                || probe
                    .total_samples
                    .is_some_and(|n| self.decoded == n.saturating_add(self.skip))
        } else {
            self.decoded >= table
        };
        if whole && !agrees {
            f.error(
                Code::SampleCountMismatch,
                format!(
                    "the sample table (stts) gives {table} samples, decoding gives {}",
                    self.decoded
                ),
            );
        }
        let after_delay = self.decoded.saturating_sub(self.skip);
        let trimmed = match self.keep {
            Some(k) => after_delay.min(k),
            None => after_delay.saturating_sub(probe.encoder_padding.unwrap_or(0)),
        };
        out.decoded_samples = Some(trimmed);
        if whole && agrees && self.keep.is_some_and(|k| k > after_delay) {
            f.error(
                Code::SampleCountMismatch,
                format!(
                    "the container declares {} samples after a delay of {}, decoding gives {after_delay}",
                    self.keep.unwrap_or(0),
                    self.skip
                ),
            );
        }
        out.exact = whole && agrees && self.keep.is_none_or(|k| k <= after_delay);
        if lossless && out.exact {
            out.pcm_md5 = Some(self.md5.finalize().into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut v = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(body);
        v
    }

    fn full(kind: &[u8; 4], fields: &[u32]) -> Vec<u8> {
        let mut body = vec![0u8; 4];
        for f in fields {
            body.extend_from_slice(&f.to_be_bytes());
        }
        bx(kind, &body)
    }

    /// An MP4 whose audio track has the given sample tables, followed by
    /// `media` bytes of media data.
    fn file(stsz: &[u32], stsc: &[u32], stco: &[u32], stts: &[u32], media: usize) -> Vec<u8> {
        let stbl = [
            full(b"stts", stts),
            full(b"stsc", stsc),
            full(b"stsz", stsz),
            full(b"stco", stco),
        ]
        .concat();
        let minf = bx(b"minf", &bx(b"stbl", &stbl));
        // hdlr: version/flags, pre-defined, handler type, reserved.
        let soun = u32::from_be_bytes(*b"soun");
        let hdlr = full(b"hdlr", &[0, soun, 0, 0, 0]);
        let mdia = bx(b"mdia", &[hdlr, minf].concat());
        let moov = bx(b"moov", &bx(b"trak", &mdia));
        let mut f = bx(b"ftyp", b"M4A \0\0\0\0");
        f.extend(moov);
        f.extend(bx(b"mdat", &vec![0x21; media]));
        f
    }

    /// Probe `f`, then verify the audio track the probe laid out.
    fn run(f: &[u8]) -> Outcome {
        let p = crate::formats::probe(f, None);
        match &p.layout {
            Some(crate::formats::Layout::Mp4(track)) => verify(f, track, &p),
            _ => structure(),
        }
    }

    #[test]
    fn hostile_sample_tables_end_quickly() {
        // Four billion one-byte samples in one chunk at offset 0.
        let f = file(
            &[1, u32::MAX],
            &[1, 1, u32::MAX, 1],
            &[1, 0],
            &[1, u32::MAX, 1],
            64,
        );
        let start = std::time::Instant::now();
        let out = run(&f);
        assert!(start.elapsed().as_secs() < 5);
        assert!(out.findings.has_error(Code::TruncatedData), "{:?}", out);
        // Every chunk at the same offset: the tables describe the same
        // bytes over and over.
        let mut stco = vec![1000];
        stco.extend([16; 1000]);
        let f = file(&[16, 1000], &[1, 1, 1, 1], &stco, &[1, 1000, 1024], 16);
        let out = run(&f);
        assert!(out.findings.has_error(Code::InvalidHeader), "{:?}", out);
        // A chunk past the end of the file.
        let f = file(&[4, 2], &[1, 1, 1, 1], &[2, 16, 1 << 30], &[1, 2, 1024], 64);
        let out = run(&f);
        assert!(out.findings.has_error(Code::TruncatedData), "{:?}", out);
        // Tables that declare more entries than their boxes hold.
        let f = file(&[0, 1 << 30], &[1, 1, 1, 1], &[1, 16], &[1, 1, 1024], 64);
        let out = run(&f);
        assert!(out.findings.has_error(Code::InvalidHeader), "{:?}", out);
        for cut in 0..f.len() {
            let _ = run(&f[..cut]);
        }
    }
}
