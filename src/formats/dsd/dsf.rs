//! Sony DSF (`DSD ` magic): a `DSD ` chunk (its own size 28, the total
//! file size, the offset of the ID3v2 metadata at the end or 0), a `fmt `
//! chunk (format version 1, format id 0 = DSD raw, channel type, channel
//! count, sampling frequency, bits per sample 1 (LSB first) or 8 (MSB
//! first), sample count per channel, block size per channel 4096) and a
//! `data` chunk of blocks: `block` bytes of channel 1, then of channel 2...,
//! the last block of each channel padded with zeros. All sizes are 64-bit
//! little-endian and count the 12-byte chunk header.
//!
//! `totalSamples` is the header's sample count when the data chunk holds
//! it; a data chunk shorter than the count needs is `truncated_data` with
//! the samples it does hold (per channel: whole block groups, then what
//! the partial last group holds of the last channel), and one larger than
//! the count needs is `inconsistent_header`.

use super::DsdLayout;
use crate::formats::{Layout, Probe};
use crate::io::reader::{Bytes, Endian, Reader};
use crate::record::{Code, DurationSource, FileFormat, SampleFormat};

const LE: Endian = Endian::Little;

/// Probe a DSF file.
pub fn probe<'a>(bytes: impl Into<Bytes<'a>>) -> Probe {
    let bytes = bytes.into();
    let mut p = Probe {
        file_format: Some(FileFormat::Dsf),
        audio_codec: Some("DSD".into()),
        ..Probe::default()
    };
    let file_len = bytes.len();
    let mut r = Reader::at(bytes, 4);
    let head = (|| Some((r.u64(LE).ok()?, r.u64(LE).ok()?, r.u64(LE).ok()?)))();
    let Some((dsd_size, total_size, metadata)) = head else {
        p.findings
            .error(Code::InvalidHeader, "the DSD chunk is cut short");
        return p;
    };
    if dsd_size != 28 {
        p.findings.warn(
            Code::InconsistentHeader,
            format!("the DSD chunk declares {dsd_size} bytes, the specification 28"),
        );
    }
    let fmt_at = dsd_size.max(28);
    let mut r = Reader::at(bytes, fmt_at);
    let fmt = (|| {
        let id = r.fourcc().ok()?;
        let size = r.u64(LE).ok()?;
        Some((
            id,
            size,
            [
                r.u32(LE).ok()?,
                r.u32(LE).ok()?,
                r.u32(LE).ok()?,
                r.u32(LE).ok()?,
                r.u32(LE).ok()?,
                r.u32(LE).ok()?,
            ],
            r.u64(LE).ok()?,
            r.u32(LE).ok()?,
        ))
    })();
    let Some((
        id,
        fmt_size,
        [version, format_id, _channel_type, channels, rate, bits],
        samples,
        block,
    )) = fmt
    else {
        p.findings.error(
            Code::InvalidHeader,
            format!("no complete fmt chunk at offset {fmt_at}"),
        );
        return p;
    };
    if &id != b"fmt " {
        p.findings.error(
            Code::InvalidHeader,
            format!("the chunk at offset {fmt_at} is not the fmt chunk"),
        );
        return p;
    }
    if version != 1 {
        p.findings.warn(
            Code::InconsistentHeader,
            format!("format version {version}, the specification's is 1"),
        );
    }
    if format_id != 0 {
        p.audio_codec = Some(format!("DSF format {format_id}"));
        p.findings.warn(
            Code::UnsupportedCodec,
            format!("DSF format id {format_id} is not DSD raw (0)"),
        );
        p.findings.error(
            Code::UnknownDuration,
            format!("the sample count of DSF format {format_id} is not derived"),
        );
        return p;
    }
    if channels == 0 || rate == 0 || block == 0 {
        p.findings.error(
            Code::InvalidHeader,
            format!("the fmt chunk declares {channels} channels, {rate} Hz, {block}-byte blocks"),
        );
        return p;
    }
    if !matches!(bits, 1 | 8) {
        p.findings.warn(
            Code::InconsistentHeader,
            format!("bits per sample is {bits}, the specification allows 1 or 8"),
        );
    }
    if block != 4096 {
        p.findings.warn(
            Code::InconsistentHeader,
            format!("block size per channel is {block}, the specification's is 4096"),
        );
    }
    p.sample_rate = Some(rate);
    p.channels = Some(channels);
    p.bit_depth = Some(1);
    p.sample_format = Some(SampleFormat::Int);

    // The data chunk.
    let data_at = fmt_at.saturating_add(fmt_size.max(52));
    let mut r = Reader::at(bytes, data_at);
    let (Ok(id), Ok(size)) = (r.fourcc(), r.u64(LE)) else {
        p.total_samples = Some(0);
        p.declared_samples = Some(samples);
        p.duration_source = Some(DurationSource::Header);
        p.findings.error(
            Code::TruncatedData,
            format!("the file ends at {file_len} bytes, before the data chunk"),
        );
        return p;
    };
    if &id != b"data" {
        p.findings.error(
            Code::InvalidHeader,
            format!("the chunk at offset {data_at} is not the data chunk"),
        );
        return p;
    }
    let offset = data_at + 12;
    let declared = size.saturating_sub(12);
    let present = declared.min(file_len.saturating_sub(offset));
    p.audio_bytes = Some(present);

    // Bytes per channel the sample count needs, in whole blocks.
    let group = u64::from(channels) * u64::from(block);
    let need_per_channel = samples.div_ceil(8);
    let blocks = need_per_channel.div_ceil(u64::from(block));
    let need = u128::from(blocks) * u128::from(group);
    // Samples per channel the bytes present hold.
    let whole = present / group;
    let rest = present % group;
    let last = rest
        .saturating_sub(u64::from(channels - 1) * u64::from(block))
        .min(u64::from(block));
    let held = (whole * u64::from(block) + last)
        .saturating_mul(8)
        .min(samples);
    p.duration_source = Some(DurationSource::Header);
    if held < samples {
        p.total_samples = Some(held);
        p.declared_samples = Some(samples);
        p.findings.error(
            Code::TruncatedData,
            format!(
                "the fmt chunk declares {samples} samples per channel ({blocks} blocks of {block} bytes per channel, {need} bytes), the data chunk {} {present} bytes ({held} samples per channel)",
                if present < declared { "holds only" } else { "declares" }
            ),
        );
    } else {
        p.total_samples = Some(samples);
        if u128::from(declared) != need {
            p.findings.warn(
                Code::InconsistentHeader,
                format!(
                    "the data chunk holds {declared} bytes; {samples} samples per channel take {blocks} blocks of {block} bytes per channel, {need} bytes"
                ),
            );
        }
    }
    if present < declared && held >= samples {
        p.findings.error(
            Code::TruncatedData,
            format!("the data chunk declares {declared} bytes, the file holds {present}"),
        );
    }
    // The file size and the metadata.
    if metadata != 0 {
        if metadata >= file_len {
            p.findings.warn(
                Code::TruncatedChunk,
                format!(
                    "the metadata pointer is {metadata}, past the end of the {file_len}-byte file"
                ),
            );
        } else if crate::tags::id3v2::tag_len(bytes, metadata).is_some() {
            crate::formats::push_unique(&mut p.metadata_chunks, "ID3");
            crate::tags::id3v2::read_id3v2(bytes, metadata, &mut p.tags);
        }
    }
    let data_end = offset.saturating_add(declared);
    if total_size != file_len && present == declared {
        if total_size < file_len && metadata == 0 && data_end < file_len {
            p.findings.warn(
                Code::TrailingData,
                format!(
                    "{} bytes after the {total_size} bytes the DSD chunk declares",
                    file_len - total_size
                ),
            );
        } else {
            p.findings.warn(
                Code::ContainerSizeMismatch,
                format!("the DSD chunk declares a {total_size}-byte file, the file has {file_len}"),
            );
        }
    }
    p.layout = Some(Layout::Dsd(DsdLayout::Dsf {
        offset,
        len: present,
        declared,
        channels,
        block,
        samples,
    }));
    p
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A DSF file of `samples` samples per channel of pattern 0x69.
    pub(crate) fn dsf(channels: u32, samples: u64) -> Vec<u8> {
        let per_channel = samples.div_ceil(8).div_ceil(4096) * 4096;
        let mut data = Vec::new();
        for _ in 0..per_channel / 4096 {
            for _ in 0..channels {
                let mut b = vec![0x69u8; 4096];
                data.append(&mut b);
            }
        }
        let mut v = b"DSD ".to_vec();
        let total = 28 + 52 + 12 + data.len() as u64;
        for x in [28u64, total, 0] {
            v.extend_from_slice(&x.to_le_bytes());
        }
        v.extend_from_slice(b"fmt ");
        v.extend_from_slice(&52u64.to_le_bytes());
        for x in [1u32, 0, 2, channels, 2_822_400, 1] {
            v.extend_from_slice(&x.to_le_bytes());
        }
        v.extend_from_slice(&samples.to_le_bytes());
        v.extend_from_slice(&4096u32.to_le_bytes());
        v.extend_from_slice(&0u32.to_le_bytes());
        v.extend_from_slice(b"data");
        v.extend_from_slice(&(12 + data.len() as u64).to_le_bytes());
        v.extend(data);
        v
    }

    #[test]
    fn measures_dsd_samples() {
        let p = probe(&dsf(2, 40_000));
        assert_eq!(p.findings.errors, vec![]);
        assert_eq!(p.findings.warnings, vec![]);
        assert_eq!(
            (p.sample_rate, p.bit_depth, p.total_samples),
            (Some(2_822_400), Some(1), Some(40_000))
        );
    }

    #[test]
    fn truncation_counts_what_is_held() {
        let v = dsf(2, 40_000);
        // Cut inside the second block group's second channel: both channels
        // hold one whole block (32768 samples), the first a second one.
        let cut = 92 + 8192 + 4096 + 100;
        let p = probe(&v[..cut]);
        assert!(p.findings.has_error(Code::TruncatedData));
        assert_eq!(
            (p.total_samples, p.declared_samples),
            (Some(32_768 + 800), Some(40_000))
        );
        for cut in 0..200 {
            let _ = probe(&v[..cut]);
        }
        // A sample count the data cannot hold.
        let mut v = dsf(1, 4096 * 8);
        v[64..72].copy_from_slice(&(4096u64 * 8 * 3).to_le_bytes());
        let p = probe(&v);
        assert!(p.findings.has_error(Code::TruncatedData));
        assert_eq!(p.total_samples, Some(4096 * 8));
    }
}
