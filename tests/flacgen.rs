//! FLAC streams built bit by bit for tests, with known answers: verbatim
//! or constant subframes, any channel count and bit depth, the STREAMINFO
//! MD5 of the audio written. Shared by the FLAC verifier's unit tests and
//! the integration tests (included with `#[path]`), so it depends on
//! nothing of the crate: its CRCs are its own.

#![allow(dead_code)]

use md5::{Digest, Md5};

/// FLAC's CRC-8 (polynomial 0x07).
fn crc8(data: &[u8]) -> u8 {
    let mut c = 0u8;
    for &b in data {
        c ^= b;
        for _ in 0..8 {
            c = if c & 0x80 != 0 {
                (c << 1) ^ 0x07
            } else {
                c << 1
            };
        }
    }
    c
}

/// FLAC's CRC-16 (polynomial 0x8005).
fn crc16(data: &[u8]) -> u16 {
    let mut c = 0u16;
    for &b in data {
        c ^= u16::from(b) << 8;
        for _ in 0..8 {
            c = if c & 0x8000 != 0 {
                (c << 1) ^ 0x8005
            } else {
                c << 1
            };
        }
    }
    c
}

/// 1,000 frames of 64 samples of 16-bit stereo, verbatim: 266 KB.
pub const STEREO: Shape = Shape {
    frames: 1000,
    block: 64,
    channels: 2,
    bits: 16,
    constant: false,
};

/// The stream that declares hours in a few bytes: 200 frames of 65,535
/// samples of 8 channels at 32 bits in constant subframes, 52 bytes each
/// for 2 MiB of audio (10 KB for 400 MiB).
pub const IMPLAUSIBLE: Shape = Shape {
    frames: 200,
    block: 65_535,
    channels: 8,
    bits: 32,
    constant: true,
};

/// A big-endian bit writer.
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, v: u64, bits: u32) {
        for i in (0..bits).rev() {
            self.acc = (self.acc << 1) | ((v >> i) & 1);
            self.n += 1;
            if self.n == 8 {
                self.out.push(self.acc as u8);
                self.acc = 0;
                self.n = 0;
            }
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            let pad = 8 - self.n;
            self.put(0, pad);
        }
        self.out
    }
}

/// FLAC's UTF-8-like coding of a frame number.
fn coded_number(n: u64) -> Vec<u8> {
    if n < 0x80 {
        return vec![n as u8];
    }
    let mut tail = Vec::new();
    let mut v = n;
    let mut len = 1;
    while v >= (1 << (6 - len)) {
        tail.push(0x80 | (v & 0x3F) as u8);
        v >>= 6;
        len += 1;
    }
    let lead = (0xFF00u16 >> len) as u8 | v as u8;
    let mut out = vec![lead];
    out.extend(tail.iter().rev());
    out
}

/// The shape of a built stream.
#[derive(Clone, Copy)]
pub struct Shape {
    pub frames: u64,
    pub block: u32,
    pub channels: u32,
    pub bits: u32,
    /// Constant subframes (one sample per channel) instead of verbatim.
    pub constant: bool,
}

fn sample(frame: u64, i: u32, ch: u32, bits: u32) -> i64 {
    let span = 1i64 << (bits - 1);
    (((frame * 7919 + u64::from(i) * 31 + u64::from(ch) * 17) % 2000) as i64 - 1000) % span
}

/// One frame; its subframe type byte is at the returned offset.
pub fn frame(shape: Shape, number: u64) -> (Vec<u8>, usize) {
    let ss = match shape.bits {
        8 => 1,
        16 => 4,
        24 => 6,
        _ => 7,
    };
    let mut f = vec![
        0xFF,
        0xF8,
        0x79,
        (((shape.channels - 1) << 4) | (ss << 1)) as u8,
    ];
    f.extend(coded_number(number));
    f.extend(((shape.block - 1) as u16).to_be_bytes());
    f.push(crc8(&f));
    let subframe_at = f.len();
    let mut b = Bits::default();
    for ch in 0..shape.channels {
        if shape.constant {
            b.put(0x00, 8);
            b.put(sample(number, 0, ch, shape.bits) as u64, shape.bits);
        } else {
            b.put(0x02, 8);
            for i in 0..shape.block {
                b.put(sample(number, i, ch, shape.bits) as u64, shape.bits);
            }
        }
    }
    f.extend(b.finish());
    let crc = crc16(&f);
    f.extend(crc.to_be_bytes());
    (f, subframe_at)
}

/// A whole stream (STREAMINFO with the audio's MD5, then the frames) and
/// the offset of each frame's first subframe type byte: set one to 0x04 (a
/// reserved type) and that frame cannot decode.
pub fn build(shape: Shape) -> (Vec<u8>, Vec<usize>) {
    let mut md5 = Md5::new();
    let width = shape.bits.div_ceil(8) as usize;
    let mut frames = Vec::new();
    let mut marks = Vec::new();
    for n in 0..shape.frames {
        let (f, at) = frame(shape, n);
        let mut pcm = Vec::with_capacity(shape.block as usize * shape.channels as usize * width);
        for i in 0..shape.block {
            for ch in 0..shape.channels {
                let v = sample(n, if shape.constant { 0 } else { i }, ch, shape.bits);
                pcm.extend_from_slice(&v.to_le_bytes()[..width]);
            }
        }
        md5.update(&pcm);
        marks.push(at);
        frames.push(f);
    }
    let mut out = b"fLaC".to_vec();
    out.push(0x80);
    out.extend(&[0, 0, 34]);
    let mut b = Bits::default();
    b.put(u64::from(shape.block), 16);
    b.put(u64::from(shape.block), 16);
    b.put(0, 24);
    b.put(0, 24);
    b.put(44_100, 20);
    b.put(u64::from(shape.channels - 1), 3);
    b.put(u64::from(shape.bits - 1), 5);
    b.put(shape.frames * u64::from(shape.block), 36);
    out.extend(b.finish());
    let digest: [u8; 16] = md5.finalize().into();
    out.extend(digest);
    let mut offsets = Vec::new();
    for (f, at) in frames.iter().zip(marks) {
        offsets.push(out.len() + at);
        out.extend(f);
    }
    (out, offsets)
}
