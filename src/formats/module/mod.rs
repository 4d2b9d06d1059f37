//! Tracker modules (ProTracker MOD, Scream Tracker 3 S3M, FastTracker 2 XM,
//! Impulse Tracker IT), named from their headers.
//!
//! A module is a score with its instruments: a player renders it, at a
//! rate, length and channel count of the player's choosing (and loops can
//! make it endless). There is no sample count, no duration and no audio to
//! deliver until it is rendered, so the record names the module (its
//! tracker, title and tracker channel count) in `fileFormat: "Module"` and
//! `audioCodec`, and says so in an `unknown_duration` error: render it to
//! PCM (WAV, FLAC) for delivery. `numberOfChannels` stays empty, since the
//! tracker's channels are voices, not output channels. Under `--verify`
//! there is no audio to walk (status `unverified`), and `--qc` says why it
//! analyses nothing.

use crate::formats::Probe;
use crate::record::{Code, FileFormat};

/// The trackers a module comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tracker {
    /// ProTracker and its relatives (`M.K.` and the channel tags at 1080).
    ProTracker,
    /// Scream Tracker 3 (`SCRM` at 44).
    ScreamTracker3,
    /// FastTracker 2 (`Extended Module: `).
    FastTracker2,
    /// Impulse Tracker (`IMPM`).
    ImpulseTracker,
}

impl Tracker {
    /// The name `audioCodec` gives.
    pub fn name(self) -> &'static str {
        match self {
            Tracker::ProTracker => "ProTracker module",
            Tracker::ScreamTracker3 => "Scream Tracker 3 module",
            Tracker::FastTracker2 => "FastTracker 2 module",
            Tracker::ImpulseTracker => "Impulse Tracker module",
        }
    }
}

/// The MOD channel tag at offset 1080 and its channel count: `M.K.` and
/// friends (4), `xCHN` (x channels), `xxCH` (xx channels), `FLT4`/`FLT8`.
fn mod_channels(tag: &[u8]) -> Option<u32> {
    match tag {
        b"M.K." | b"M!K!" | b"FLT4" | b"4CHN" => Some(4),
        b"FLT8" | b"OCTA" | b"CD81" => Some(8),
        [d, b'C', b'H', b'N'] if d.is_ascii_digit() && *d != b'0' => Some(u32::from(d - b'0')),
        [a, b, b'C', b'H'] if a.is_ascii_digit() && b.is_ascii_digit() => {
            Some(u32::from(a - b'0') * 10 + u32::from(b - b'0')).filter(|&n| n > 0)
        }
        _ => None,
    }
}

/// The tracker whose header `buf` (the first 1084 bytes, or fewer) starts
/// with.
pub fn detect(buf: &[u8]) -> Option<Tracker> {
    if buf.starts_with(b"IMPM") {
        return Some(Tracker::ImpulseTracker);
    }
    if buf.starts_with(b"Extended Module: ") {
        return Some(Tracker::FastTracker2);
    }
    if buf.get(44..48) == Some(b"SCRM") {
        return Some(Tracker::ScreamTracker3);
    }
    if buf.get(1080..1084).and_then(mod_channels).is_some() {
        return Some(Tracker::ProTracker);
    }
    None
}

/// A fixed-size, NUL-padded title field as text (printable ASCII and
/// Latin-1 kept, control bytes dropped).
fn title(field: Option<&[u8]>) -> Option<String> {
    let field = field?;
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    let text: String = field[..end]
        .iter()
        .filter(|&&b| b >= 0x20 && b != 0x7F)
        .map(|&b| char::from(b))
        .collect();
    let text = text.trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// Little-endian u16 at `at`.
fn u16_at(buf: &[u8], at: usize) -> Option<u16> {
    buf.get(at..at + 2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
}

/// The module's title and tracker channel count.
fn header(buf: &[u8], tracker: Tracker) -> (Option<String>, Option<u32>) {
    match tracker {
        Tracker::ProTracker => (
            title(buf.get(..20)),
            buf.get(1080..1084).and_then(mod_channels),
        ),
        Tracker::ScreamTracker3 => {
            // 32 channel settings at 64: below 16 is an enabled channel.
            let channels = buf
                .get(64..96)
                .map(|c| c.iter().filter(|&&b| b < 16).count() as u32);
            (title(buf.get(..28)), channels)
        }
        Tracker::FastTracker2 => (
            title(buf.get(17..37)),
            u16_at(buf, 68).map(u32::from).filter(|&n| n > 0),
        ),
        Tracker::ImpulseTracker => {
            // 64 channel pan entries at 64: bit 7 set is a disabled channel.
            let channels = buf
                .get(64..128)
                .map(|c| c.iter().filter(|&&b| b < 128).count() as u32);
            (title(buf.get(4..30)), channels)
        }
    }
}

/// Probe a module whose header `buf` (the file's first bytes) was
/// recognised as `tracker`'s.
pub fn probe(buf: &[u8], tracker: Tracker) -> Probe {
    let mut p = Probe {
        file_format: Some(FileFormat::Module),
        audio_codec: Some(tracker.name().to_string()),
        ..Probe::default()
    };
    let (name, channels) = header(buf, tracker);
    p.tags.title = name.clone();
    p.findings.error(
        Code::UnknownDuration,
        format!(
            "this {}{}{} is a score that a player renders: it has no sample count, rate or duration until it is rendered; render it to PCM (WAV or FLAC) for delivery",
            tracker.name(),
            name.map(|n| format!(" (\"{n}\")")).unwrap_or_default(),
            channels
                .map(|c| format!(" of {c} tracker channels"))
                .unwrap_or_default(),
        ),
    );
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn protracker(tag: &[u8; 4]) -> Vec<u8> {
        let mut b = vec![0u8; 1084 + 1024];
        b[..9].copy_from_slice(b"Sine song");
        b[1080..1084].copy_from_slice(tag);
        b
    }

    #[test]
    fn modules_are_named_with_their_channels() {
        let b = protracker(b"M.K.");
        assert_eq!(detect(&b), Some(Tracker::ProTracker));
        assert_eq!(
            header(&b, Tracker::ProTracker),
            (Some("Sine song".into()), Some(4))
        );
        assert_eq!(header(&protracker(b"6CHN"), Tracker::ProTracker).1, Some(6));
        assert_eq!(
            header(&protracker(b"12CH"), Tracker::ProTracker).1,
            Some(12)
        );
        assert_eq!(detect(&protracker(b"ABCD")), None);
        assert_eq!(detect(&protracker(b"0CHN")), None);
        let p = probe(&b, Tracker::ProTracker);
        assert_eq!(p.file_format, Some(FileFormat::Module));
        assert!(p.findings.has_error(Code::UnknownDuration));
        assert_eq!(p.total_samples, None);
    }

    #[test]
    fn short_headers_do_not_panic() {
        for t in [
            Tracker::ProTracker,
            Tracker::ScreamTracker3,
            Tracker::FastTracker2,
            Tracker::ImpulseTracker,
        ] {
            for n in [0, 4, 30, 70, 100] {
                let _ = probe(&vec![0x41; n], t);
            }
        }
        assert_eq!(detect(b"IMPM"), Some(Tracker::ImpulseTracker));
        assert_eq!(detect(b"Extended Module"), None);
    }
}
