//! The audio track's figures from its boxes: the gapless sample count (from
//! `iTunSMPB`, the edit list or the sample table), the encoder delay and
//! padding, and whether the file holds the samples the tables point to.

use super::{Edit, Entry, MAX_EDITS, State, Track};
use crate::formats::Probe;
use crate::io::reader::{Bytes, Endian, Reader, fourcc_str};
use crate::record::{Code, DurationSource, SampleFormat};

const BE: Endian = Endian::Big;

/// Convert `n` from timescale `from` to `to`: `(value, exact)`, rounded to
/// nearest.
pub(super) fn rescale(n: u64, from: u32, to: u32) -> (u64, bool) {
    if from == to || from == 0 {
        return (n, true);
    }
    let num = u128::from(n) * u128::from(to);
    let den = u128::from(from);
    let v = (num + den / 2) / den;
    (u64::try_from(v).unwrap_or(u64::MAX), num % den == 0)
}

/// The audio track's figures, from its sample entry, media header, sample
/// table or fragments, edit list and `iTunSMPB`.
pub(super) fn measure(
    bytes: Bytes<'_>,
    p: &mut Probe,
    st: &State,
    t: &Track,
    frag_total: Option<Option<u64>>,
    moof_count: u32,
) {
    let entry = sample_entry(p, t);
    let media_ts = media_timescale(p, t, &entry);
    let frame_out = output_rate(p, t, &entry, media_ts);
    let Some(media_ts) = media_ts else { return };
    let out_rate = p.sample_rate.unwrap_or(media_ts);
    let media_ts = checked_timescale(p, t, media_ts, out_rate);
    let Some(media_total) = media_samples(p, st, t, frag_total, moof_count, media_ts) else {
        return;
    };
    let mut edit = edit_list(p, st, t, media_total, media_ts);
    let mut frag_after = 0;
    if let (Some(Some(frag)), Some((start, play, exact))) = (frag_total, edit)
        && frag > 0
    {
        match fragments_vs_edit(p, st, t, frag, media_total, media_ts, (start, play)) {
            FragmentsAre::Programme => edit = Some((start, media_total - start, exact)),
            FragmentsAre::Ignored => frag_after = frag,
            FragmentsAre::Unaffected => {}
        }
    }

    // Choose: iTunSMPB, else the edit list, else stts.
    let to_out = |n: u64| rescale(n, media_ts, out_rate);
    let media_out = to_out(media_total).0;
    let (total, delay, padding, inexact) = if let Some((d, pad, count)) = st.smpb
        && count > 0
    {
        let avail = media_out.saturating_sub(d);
        if count > avail {
            p.findings.warn(
                Code::InconsistentHeader,
                format!(
                    "iTunSMPB declares {count} samples after a delay of {d}, the sample table holds {avail} after it: the sample table's count is used"
                ),
            );
            (avail, d, media_out.saturating_sub(d + avail), false)
        } else {
            // A tag that pads to a whole last frame, over a sample table
            // whose last frame is already short (ALAC), agrees with it.
            let whole_frames = frame_out
                .or(entry.alac_frame)
                .map(|f| t.stts_samples.saturating_mul(u64::from(f)));
            let padded_whole = media_out == d + count && Some(d + count + pad) == whole_frames;
            if d + count + pad != media_out && !padded_whole {
                p.findings.warn(
                    Code::InconsistentHeader,
                    format!(
                        "iTunSMPB delay {d} + samples {count} + padding {pad} = {}, the sample table holds {media_out}",
                        d + count + pad
                    ),
                );
            }
            if let Some((start, play, _)) = edit {
                let (s, _) = to_out(start);
                let (pl, _) = to_out(play);
                if s != d || pl != count {
                    p.findings.warn(
                        Code::InconsistentHeader,
                        format!(
                            "iTunSMPB (delay {d}, {count} samples) and the edit list (priming {s}, {pl} samples) disagree: iTunSMPB is used"
                        ),
                    );
                }
            }
            (count, d, pad, false)
        }
    } else if let Some((start, play, exact)) = edit {
        let (s, e1) = to_out(start);
        let (pl, e2) = to_out(play);
        // Padding: what a decoder outputs past the end, counted in whole
        // frames where the frame length is known (the last sample's stts
        // duration is often already shortened to the real end).
        let decoded = match frame_out {
            Some(f) if frag_total.is_none() && t.stts_samples > 0 => {
                t.stts_samples.saturating_mul(u64::from(f)).max(media_out)
            }
            _ => media_out,
        };
        // Fragments past the edit's end are not the programme, nor padding.
        let decoded = decoded.saturating_sub(to_out(frag_after).0);
        let pad = decoded.saturating_sub(s).saturating_sub(pl);
        (pl, s, pad, !(exact && e1 && e2))
    } else {
        let (n, ex) = to_out(media_total);
        p.total_samples = Some(n);
        p.duration_source = Some(DurationSource::Header);
        if !ex {
            warn_inexact(p, media_ts, out_rate);
        }
        check_tables(bytes, p, t, media_total);
        return;
    };
    if inexact {
        warn_inexact(p, media_ts, out_rate);
    }
    p.total_samples = Some(total);
    p.duration_source = Some(DurationSource::Header);
    p.encoder_delay = Some(delay);
    p.encoder_padding = Some(padding);
    check_tables(bytes, p, t, media_total);
}

/// The sample entry's facts (codec, channels, bits), and its problems.
fn sample_entry(p: &mut Probe, t: &Track) -> Entry {
    let entry = t.entry.clone().unwrap_or_default();
    if t.entry.is_none() {
        p.findings.error(
            Code::InvalidHeader,
            "the audio track has no sample description (stsd)",
        );
    }
    for (code, msg) in &entry.notes {
        match code {
            Code::InvalidHeader => p.findings.error(*code, msg.clone()),
            _ => p.findings.warn(*code, msg.clone()),
        }
    }
    if entry.encrypted {
        p.findings.warn(
            Code::UnsupportedCodec,
            format!(
                "the audio is encrypted ('enca', original format '{}'): it cannot be decoded without its key",
                fourcc_str(&entry.fourcc)
            ),
        );
    }
    p.audio_codec = entry.codec.clone();
    p.channels = entry.channels;
    p.bit_depth = entry.bits;
    if entry.int {
        p.sample_format = Some(SampleFormat::Int);
    }
    if entry.codec.as_deref() == Some("Opus") {
        p.input_sample_rate = entry.input_rate;
    }
    entry
}

/// The media timescale (`mdhd`), or the sample entry's rate standing in
/// for an absurd one.
fn media_timescale(p: &mut Probe, t: &Track, entry: &Entry) -> Option<u32> {
    match t.media_ts {
        Some(0) => {
            p.findings.error(
                Code::InvalidHeader,
                "the audio track's media header (mdhd) has a timescale of 0: no duration can be derived",
            );
            None
        }
        Some(ts) if ts > i32::MAX as u32 => {
            // Readers take the timescale as a signed 32-bit value.
            let fallback = entry.rate;
            p.findings.error(
                Code::InvalidHeader,
                match fallback {
                    Some(r) => format!(
                        "the audio track's media timescale {ts} is absurd (negative as a signed value): the sample entry's rate {r} is used instead"
                    ),
                    None => format!("the audio track's media timescale {ts} is absurd"),
                },
            );
            fallback
        }
        Some(ts) => Some(ts),
        None => {
            p.findings.error(
                Code::InvalidHeader,
                "the audio track has no media header (mdhd)",
            );
            None
        }
    }
}

/// Set the output rate (doubled for implicit SBR, seen from the
/// container); returns the samples a coded frame outputs.
fn output_rate(p: &mut Probe, t: &Track, entry: &Entry, media_ts: Option<u32>) -> Option<u32> {
    let mut rate = entry.rate.or(media_ts);
    let mut frame_out = entry.frame_out;
    if let Some(core) = entry.aac_core
        && core <= 24_000
    {
        let double = core * 2;
        let by_entry = media_ts == Some(double) || t.stts_first_delta == Some(2048);
        if by_entry {
            rate = Some(double);
            frame_out = frame_out.map(|f| f * 2);
            p.findings.warn(
                Code::InconsistentHeader,
                format!(
                    "the AudioSpecificConfig says AAC LC at {core} Hz but the container says {double} Hz: implicit SBR (HE-AAC) assumed, sampleRate is its {double} Hz output rate"
                ),
            );
        }
    }
    p.sample_rate = rate;
    if rate == Some(0) {
        p.sample_rate = None;
    }

    frame_out
}

/// The media timescale, unless a whole coded frame would last less than
/// one output sample: such a timescale is corrupt, and the sample rate
/// stands in for it.
fn checked_timescale(p: &mut Probe, t: &Track, media_ts: u32, out_rate: u32) -> u32 {
    match t.stts_first_delta {
        Some(d)
            if d > 0
                && out_rate != media_ts
                && u64::from(d) * u64::from(out_rate) < u64::from(media_ts) =>
        {
            p.findings.error(
                Code::InvalidHeader,
                format!(
                    "the audio track's media timescale {media_ts} makes a {d}-tick frame shorter than one sample at {out_rate} Hz: the timescale is taken to be {out_rate}"
                ),
            );
            out_rate
        }
        _ => media_ts,
    }
}

/// What the samples of the movie fragments are, against an edit list.
enum FragmentsAre {
    /// The edit ends where the moov's samples end and the movie extends
    /// header covers the fragments: the edit was written before them.
    Programme,
    /// The edit ends before the fragments: they are not played.
    Ignored,
    /// The edit reaches into the fragments, and says where it ends.
    Unaffected,
}

/// Decide from the edit list and the movie extends header whether the
/// fragments' samples (`frag`, after the moov's) are part of the programme,
/// and say what is ignored.
fn fragments_vs_edit(
    p: &mut Probe,
    st: &State,
    t: &Track,
    frag: u64,
    media_total: u64,
    media_ts: u32,
    (start, play): (u64, u64),
) -> FragmentsAre {
    let moov = media_total.saturating_sub(frag);
    let end = start.saturating_add(play);
    if end > moov {
        return FragmentsAre::Unaffected;
    }
    let secs = |n: u64, ts: u32| n as f64 / f64::from(ts.max(1));
    let frame = u64::from(t.stts_last_delta.unwrap_or(0));
    let at_moov_end = moov - end <= frame;
    // The whole presentation the movie extends header declares, in media
    // time (rounded up: writers round it so).
    let mehd = match (st.mehd, st.movie_ts) {
        (Some(d), Some(ts)) => Some(rescale(d, ts, media_ts).0),
        _ => None,
    };
    if at_moov_end && mehd.is_some_and(|m| m + frame >= media_total) {
        p.findings.warn(
            Code::InconsistentHeader,
            format!(
                "the edit list ends at {:.3} s ({end} in timescale {media_ts}), where the samples of the moov's table end ({moov}); the movie extends header (mehd) declares {:.3} s, which the movie fragments' {frag} fill: the fragments are part of the programme, and the edit list's end, written before them, is ignored (its start, {start}, is kept)",
                secs(end, media_ts),
                secs(mehd.unwrap_or(0), media_ts),
            ),
        );
        return FragmentsAre::Programme;
    }
    p.findings.warn(
        Code::InconsistentHeader,
        format!(
            "the edit list ends at {:.3} s ({end} in timescale {media_ts}), before the movie fragments' {frag} (which start at {moov}){}: the fragments are not part of the programme and are ignored",
            secs(end, media_ts),
            match mehd {
                Some(m) => format!(", and the movie extends header (mehd) declares only {:.3} s", secs(m, media_ts)),
                None => ", and no movie extends header (mehd) says otherwise".to_string(),
            }
        ),
    );
    FragmentsAre::Ignored
}

/// Media samples: `stts`, plus fragments; `None` when the duration is
/// settled (unknown, or an empty track).
fn media_samples(
    p: &mut Probe,
    st: &State,
    t: &Track,
    frag_total: Option<Option<u64>>,
    moof_count: u32,
    media_ts: u32,
) -> Option<u64> {
    let mut media_total = t.stts_total.filter(|&n| n > 0);
    if let Some(frag) = frag_total {
        let sum = frag.unwrap_or(0);
        if sum > 0 {
            media_total = Some(media_total.unwrap_or(0).saturating_add(sum));
        }
        p.findings.warn(
            Code::FragmentedMp4,
            match frag {
                Some(n) => format!(
                    "the file is fragmented ({moof_count} movie fragments holding {n} in timescale {media_ts}, after {} in the moov's sample table){}",
                    t.stts_total.unwrap_or(0),
                    if t.edits.is_empty() {
                        "; there is no edit list, so any encoder priming is counted"
                    } else {
                        ""
                    }
                ),
                None if moof_count == 0 => {
                    "the file is fragmented (mvex) but holds no movie fragment".to_string()
                }
                None => format!(
                    "the file is fragmented ({moof_count} movie fragments) and their sample durations cannot be read"
                ),
            },
        );
    }
    let Some(media_total) = media_total else {
        if st.fragmented || t.stts_total.is_none() {
            p.findings.error(
                Code::UnknownDuration,
                "no sample durations: the audio track's sample table is empty and no fragment describes samples",
            );
            return None;
        }
        p.total_samples = Some(0);
        p.duration_source = Some(DurationSource::Header);
        return None;
    };
    if let Some(d) = t.media_dur
        && d != media_total
        && d > 0
        && !st.fragmented
    {
        // A sample table that counts the last frame whole, past the media
        // header's end, holds the padding of that frame: the media header
        // is the programme (ALAC's short last frame says the same).
        let last = u64::from(t.stts_last_delta.unwrap_or(0));
        if d < media_total && media_total - d < last {
            p.findings.warn(
                Code::InconsistentHeader,
                format!(
                    "the media header (mdhd) says {d} in timescale {media_ts}, the sample durations (stts) add up to {media_total}: the {} past it lie inside the last sample ({last} long), so the sample table counts that frame whole and the media header's {d} is used",
                    media_total - d
                ),
            );
            return Some(d);
        }
        p.findings.warn(
            Code::InconsistentHeader,
            format!(
                "the media header (mdhd) says {d} in timescale {media_ts}, the sample durations (stts) add up to {media_total}: the sample table is used"
            ),
        );
    }

    Some(media_total)
}

/// The edit list: the first non-empty edit gives the priming, the sum of
/// the non-empty edits the samples to play, in media time: `(priming,
/// play, exact)`.
fn edit_list(
    p: &mut Probe,
    st: &State,
    t: &Track,
    media_total: u64,
    media_ts: u32,
) -> Option<(u64, u64, bool)> {
    let mut edit: Option<(u64, u64, bool)> = None; // (priming, play, exact)
    let non_empty: Vec<&Edit> = t.edits.iter().filter(|e| e.media_time >= 0).collect();
    if let (Some(first), Some(movie_ts)) = (non_empty.first(), st.movie_ts) {
        let start = first.media_time as u64;
        let avail = media_total.saturating_sub(start);
        let mut play: u64 = 0;
        let mut exact = true;
        let mut to_end = false;
        for e in &non_empty {
            if e.duration == 0 {
                to_end = true;
                continue;
            }
            let (v, ex) = rescale(e.duration, movie_ts, media_ts);
            exact &= ex;
            play = play.saturating_add(v);
        }
        // The movie timescale (often 1000) cannot say where a sample-exact
        // edit ends: an edit that ends less than one movie tick before the
        // media does ends with it, and the media's own count is the exact one.
        if play <= avail && u128::from(avail - play) * u128::from(movie_ts) < u128::from(media_ts) {
            to_end = true;
        }
        if to_end || play > avail {
            play = avail;
            exact = true;
        }
        if non_empty.iter().any(|e| e.rate != 1) {
            p.findings.warn(
                Code::InconsistentHeader,
                "the edit list plays media at a rate other than 1: ignored for the duration",
            );
        } else if start > media_total {
            p.findings.error(
                Code::InvalidHeader,
                format!(
                    "the edit list starts at media time {start}, past the end of the media ({media_total})"
                ),
            );
        } else {
            if non_empty.len() > 1 {
                p.findings.warn(
                    Code::InconsistentHeader,
                    format!(
                        "the edit list has {} segments: the total is their sum, the priming the first one's start",
                        non_empty.len()
                    ),
                );
            }
            edit = Some((start, play, exact));
        }
    }
    if t.edits_dropped {
        p.findings.warn(
            Code::InconsistentHeader,
            format!("the edit list has more than {MAX_EDITS} entries: only the first are used"),
        );
    }

    edit
}

pub(super) fn warn_inexact(p: &mut Probe, media_ts: u32, out_rate: u32) {
    p.findings.warn(
        Code::InconsistentHeader,
        format!(
            "the track's timescales ({media_ts} Hz media) do not convert exactly to the {out_rate} Hz output rate: totalSamples is rounded to the nearest sample"
        ),
    );
}

/// Whether the file holds the last chunk the sample tables point to.
pub(super) fn check_tables(bytes: Bytes<'_>, p: &mut Probe, t: &Track, media_total: u64) {
    if let Some((size, 0)) = t.stsz
        && media_total > 0
    {
        p.findings.error(
            Code::InvalidHeader,
            format!(
                "the sample size table (stsz) lists no samples{}, but the time table declares {media_total}: the track has no audio to play",
                if size == 0 { "" } else { " of constant size" }
            ),
        );
        return;
    }
    if let Some((last_off, _)) = t.last_chunk
        && last_off >= bytes.len()
    {
        p.findings.error(
            Code::TruncatedData,
            format!(
                "the sample tables place audio at offset {last_off}, beyond the end of the file ({} bytes): the media data is missing or cut short ({media_total} media samples declared)",
                bytes.len()
            ),
        );
        return;
    }
    let (Some((last_off, _chunks)), Some((size, count))) = (t.last_chunk, t.stsz) else {
        return;
    };
    let k = u64::from(t.last_spc.unwrap_or(1).max(1)).min(u64::from(count));
    let last_bytes = if size != 0 {
        k.saturating_mul(u64::from(size))
    } else {
        let Some((pos, avail)) = t.stsz_body else {
            return;
        };
        if u64::from(count) * 4 > avail || k == 0 {
            return;
        }
        let mut r = Reader::at(bytes, pos + (u64::from(count) - k) * 4);
        let mut sum = 0u64;
        for _ in 0..k {
            let Ok(s) = r.u32(BE) else { return };
            sum += u64::from(s);
        }
        sum
    };
    let end = last_off.saturating_add(last_bytes);
    if end > bytes.len() {
        p.findings.error(
            Code::TruncatedData,
            format!(
                "the sample tables place the last chunk of audio at bytes {last_off}..{end}, the file is {} bytes: the media data is cut short ({} media samples declared)",
                bytes.len(),
                media_total
            ),
        );
    }
}
