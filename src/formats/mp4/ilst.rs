//! iTunes-style metadata: `moov/udta/meta/ilst` (and `moov/meta/ilst`)
//! items into the record's tags, and the `iTunSMPB` gapless figures.

use super::boxes::Atoms;
use super::{MAX_ITEMS, State};
use crate::formats::{Probe, push_unique};
use crate::io::reader::{Endian, Reader};
use crate::record::Code;
use crate::tags::{Field, parse_explicit};

const BE: Endian = Endian::Big;

/// Read `meta` (full box in ISO files, plain in some QuickTime files).
pub(super) fn parse_meta(mut meta: Reader<'_>, st: &mut State, p: &mut Probe) {
    // A plain (QuickTime) meta starts with a child box header: its bytes
    // 4..8 are a box type, where a full box has its first child's size.
    let mut peek = meta.clone();
    let plain = peek.skip(4).is_ok()
        && matches!(
            &peek.fourcc().unwrap_or_default(),
            b"hdlr" | b"ilst" | b"keys" | b"free" | b"xml " | b"iinf"
        );
    if !plain {
        let _ = meta.skip(4);
    }
    for a in Atoms::new(meta) {
        if &a.kind == b"ilst" {
            parse_ilst(a.body, st, p);
        }
    }
}

/// The text of an item's first `data` atom of a text type, or its raw value
/// for integer types: `(type, bytes)`.
pub(super) fn item_data<'a>(item: Reader<'a>) -> Option<(u32, &'a [u8])> {
    for d in Atoms::new(item).take(16) {
        if &d.kind == b"data" {
            let mut b = d.body;
            let ty = b.u32(BE).ok()? & 0x00FF_FFFF;
            b.skip(4).ok()?;
            let n = b.remaining().min(64 << 10);
            return Some((ty, b.bytes(n).ok()?));
        }
    }
    None
}

pub(super) fn text(ty: u32, v: &[u8]) -> Option<String> {
    match ty {
        1 => Some(String::from_utf8_lossy(v).into_owned()),
        2 => {
            let units: Vec<u16> = v
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            Some(String::from_utf16_lossy(&units))
        }
        _ => None,
    }
}

pub(super) fn parse_ilst(ilst: Reader<'_>, st: &mut State, p: &mut Probe) {
    let mut any = false;
    for item in Atoms::new(ilst).take(MAX_ITEMS) {
        let field = match &item.kind {
            b"\xa9nam" => Some(Field::Title),
            b"\xa9ART" => Some(Field::Artist),
            b"\xa9alb" => Some(Field::Album),
            b"\xa9day" => Some(Field::Date),
            b"\xa9gen" => Some(Field::Genre),
            b"cprt" | b"\xa9cpy" => Some(Field::Copyright),
            _ => None,
        };
        if let Some(field) = field {
            if let Some((ty, v)) = item_data(item.body.clone())
                && let Some(s) = text(ty, v)
            {
                p.tags.set(field, &s);
                any = true;
            }
            continue;
        }
        match &item.kind {
            b"gnre" => {
                if let Some((_, v)) = item_data(item.body.clone())
                    && v.len() >= 2
                {
                    let n = u16::from_be_bytes([v[0], v[1]]);
                    if let Some(g) = n
                        .checked_sub(1)
                        .and_then(|i| u8::try_from(i).ok())
                        .and_then(crate::tags::id3v2::genre_name)
                    {
                        p.tags.set(Field::Genre, g);
                        any = true;
                    }
                }
            }
            b"rtng" => {
                if let Some((_, v)) = item_data(item.body.clone())
                    && let Some(&n) = v.last()
                    && let Some(x) = parse_explicit(&n.to_string())
                {
                    p.tags.set_explicit(x);
                    any = true;
                }
            }
            b"----" => {
                let mut mean = None;
                let mut name = None;
                for c in Atoms::new(item.body.clone()).take(16) {
                    if &c.kind == b"mean" || &c.kind == b"name" {
                        let mut b = c.body;
                        if b.skip(4).is_ok() {
                            let s = String::from_utf8_lossy(b.bytes_up_to(256)).into_owned();
                            if &c.kind == b"mean" {
                                mean = Some(s);
                            } else {
                                name = Some(s);
                            }
                        }
                    }
                }
                if mean.as_deref() != Some("com.apple.iTunes") {
                    continue;
                }
                let Some(name) = name else { continue };
                let Some((ty, v)) = item_data(item.body.clone()) else {
                    continue;
                };
                let Some(value) = text(ty, v) else { continue };
                match name.to_ascii_uppercase().as_str() {
                    "ITUNSMPB" => match parse_smpb(&value) {
                        Some(s) => st.smpb = Some(s),
                        None => p.findings.warn(
                            Code::InconsistentHeader,
                            format!(
                                "the iTunSMPB tag is malformed ({:?}): ignored",
                                crate::tags::clean(&value).unwrap_or_default()
                            ),
                        ),
                    },
                    "ISRC" | "ITUNESADVISORY" if p.tags.set_by_key(&name, &value) => {
                        any = true;
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    if any {
        p.tags.add_source("MP4 ilst");
    }
    push_unique(&mut p.metadata_chunks, "ilst");
}

/// `iTunSMPB`: hex fields; the 2nd is the delay, the 3rd the padding, the
/// 4th the original sample count.
pub(super) fn parse_smpb(s: &str) -> Option<(u64, u64, u64)> {
    let mut f = s.split_whitespace();
    let _ = f.next()?;
    let mut hex = || u64::from_str_radix(f.next()?, 16).ok();
    let delay = hex()?;
    let padding = hex()?;
    let count = hex()?;
    Some((delay, padding, count))
}
