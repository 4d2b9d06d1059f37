//! `--verify` for DSD: the structure of the 1-bit data, nothing decoded
//! ([`Method::Structure`]).
//!
//! * DSF: the data chunk is whole block groups (`block` bytes per channel,
//!   channel after channel), and the padding after the last sample of each
//!   channel's last block is zeros, as the specification fills it (other
//!   bytes there mean the sample count leaves audio out);
//! * DSDIFF `DSD `: the chunk is whole frames of one byte per channel;
//! * DSDIFF `DST `: the `DSTF` frames are counted and compared with the
//!   `FRTE` chunk's number of frames.

use super::DsdLayout;
use crate::formats::Outcome;
use crate::io::reader::{Endian, Reader};
use crate::record::Code;

/// Check the DSD data of `layout` in `bytes` (the whole file).
pub fn verify(bytes: &[u8], layout: &DsdLayout) -> Outcome {
    let mut out = crate::formats::decode::structure();
    let slice = |offset: u64, len: u64| -> &[u8] {
        let data = usize::try_from(offset)
            .ok()
            .and_then(|s| bytes.get(s..))
            .unwrap_or_default();
        &data[..usize::try_from(len).unwrap_or(usize::MAX).min(data.len())]
    };
    let f = &mut out.findings;
    match *layout {
        DsdLayout::Dsf {
            offset,
            len,
            declared,
            channels,
            block,
            samples,
        } => {
            let data = slice(offset, len);
            let group = u64::from(channels) * u64::from(block);
            if group == 0 {
                return out;
            }
            out.frames = data.len() as u64 / u64::from(block);
            if declared % group != 0 {
                f.warn(
                    Code::InconsistentHeader,
                    format!(
                        "the data chunk holds {declared} bytes, not whole groups of {channels} blocks of {block} bytes"
                    ),
                );
            }
            // The last block group the sample count uses, and the bytes of
            // each channel's block that hold samples.
            let used = samples.div_ceil(8);
            let block64 = u64::from(block);
            if used > 0 {
                let last_group = (used - 1) / block64;
                let in_last = used - last_group * block64;
                let mut dirty = 0u64;
                // Bounded by the bytes present, whatever the header claims.
                let held_blocks = data.len() as u64 / block64 + 1;
                for c in 0..u64::from(channels).min(held_blocks) {
                    let start = last_group * group + c * block64;
                    let pad_from = usize::try_from(start + in_last).unwrap_or(usize::MAX);
                    let pad_to = usize::try_from(start + block64).unwrap_or(usize::MAX);
                    if let Some(pad) = data.get(pad_from..pad_to) {
                        dirty += pad.iter().filter(|&&b| b != 0).count() as u64;
                    }
                }
                if dirty > 0 {
                    f.warn(
                        Code::InconsistentHeader,
                        format!(
                            "{dirty} bytes of the padding after the last of the {samples} samples per channel are not zero: the sample count may leave audio out"
                        ),
                    );
                }
            }
        }
        DsdLayout::Dff {
            offset,
            len,
            channels,
        } => {
            let data = slice(offset, len);
            out.frames = data.len() as u64 / u64::from(channels.max(1));
        }
        DsdLayout::Dst {
            offset,
            len,
            frames,
        } => {
            let mut r = Reader::new(slice(offset, len));
            let mut counted = 0u64;
            let mut broken = false;
            while r.remaining() >= 12 {
                let (Ok(id), Ok(size)) = (r.fourcc(), r.u64(Endian::Big)) else {
                    break;
                };
                if &id == b"DSTF" {
                    counted += 1;
                }
                if r.skip(size.saturating_add(size & 1)).is_err() {
                    broken = &id == b"DSTF" || r.remaining() < size;
                    break;
                }
            }
            out.frames = counted;
            if let Some(n) = frames
                && u64::from(n) != counted
            {
                let missing = u64::from(n).saturating_sub(counted);
                if missing > 0 {
                    out.bad_frames = missing;
                    f.error(
                        Code::TruncatedData,
                        format!("FRTE declares {n} DST frames, the DST chunk holds {counted}"),
                    );
                } else {
                    f.warn(
                        Code::InconsistentHeader,
                        format!("FRTE declares {n} DST frames, the DST chunk holds {counted}"),
                    );
                }
            } else if broken {
                f.error(Code::TruncatedData, "the last DST frame is cut short");
            }
        }
    }
    out
}
