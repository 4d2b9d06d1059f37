//! The cyclic redundancy checks of the formats read here, in one place:
//! CRC-8 (poly 0x07) of FLAC frame headers, CRC-16 (poly 0x8005,
//! unreflected) of FLAC frames and of protected MPEG audio frames (which
//! start from 0xFFFF and cover a bit count, not a byte count), and Ogg's
//! page CRC-32 (poly 0x04C11DB7, unreflected), zlib's reflected CRC-32 (TTA,
//! OptimFROG) and OpenPGP's CRC-24 (TAK metadata). Tables are built at compile
//! time; the byte-wise CRC-16 and the CRC-32 run eight bytes at a time.

const fn crc8_table() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u8;
        let mut k = 0;
        while k < 8 {
            c = if c & 0x80 != 0 {
                (c << 1) ^ 0x07
            } else {
                c << 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
}

const fn crc16_table() -> [u16; 256] {
    let mut t = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = (i as u16) << 8;
        let mut k = 0;
        while k < 8 {
            c = if c & 0x8000 != 0 {
                (c << 1) ^ 0x8005
            } else {
                c << 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
}

static CRC8: [u8; 256] = crc8_table();
static CRC16: [u16; 256] = crc16_table();

/// CRC-8 (poly 0x07) as FLAC frame headers use it.
pub fn crc8(data: &[u8]) -> u8 {
    data.iter().fold(0u8, |c, &b| CRC8[usize::from(c ^ b)])
}

/// CRC-16 (poly 0x8005, initial value 0) as FLAC frames use it.
pub fn crc16(data: &[u8]) -> u16 {
    crc16_update(0, data)
}

/// CRC-16 (poly 0x8005, MSB first, unreflected) of `data`, continued from
/// `crc`, eight bytes at a time.
pub fn crc16_update(mut crc: u16, data: &[u8]) -> u16 {
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let t = &CRC16_8;
        let hi = crc.to_be_bytes();
        crc = t[7][usize::from(c[0] ^ hi[0])]
            ^ t[6][usize::from(c[1] ^ hi[1])]
            ^ t[5][usize::from(c[2])]
            ^ t[4][usize::from(c[3])]
            ^ t[3][usize::from(c[4])]
            ^ t[2][usize::from(c[5])]
            ^ t[1][usize::from(c[6])]
            ^ t[0][usize::from(c[7])];
    }
    chunks
        .remainder()
        .iter()
        .fold(crc, |c, &b| crc16_byte(c, b))
}

/// One byte more of a CRC-16 (poly 0x8005), for a running check.
#[inline]
pub fn crc16_byte(crc: u16, b: u8) -> u16 {
    (crc << 8) ^ CRC16[usize::from((crc >> 8) as u8 ^ b)]
}

/// `CRC16_8[k][b]`: the CRC of byte `b` followed by `k` zero bytes.
static CRC16_8: [[u16; 256]; 8] = crc16_slices();

const fn crc16_slices() -> [[u16; 256]; 8] {
    let mut t = [[0u16; 256]; 8];
    t[0] = crc16_table();
    let mut k = 1;
    while k < 8 {
        let mut i = 0;
        while i < 256 {
            let prev = t[k - 1][i];
            t[k][i] = (prev << 8) ^ t[0][(prev >> 8) as usize];
            i += 1;
        }
        k += 1;
    }
    t
}

/// CRC-16 (poly 0x8005, MSB first) of the first `bits` bits of `data`,
/// continued from `crc`: whole bytes through the table, the last few bits
/// one at a time.
pub fn crc16_bits(crc: u16, data: &[u8], bits: u64) -> u16 {
    let whole = usize::try_from(bits / 8)
        .unwrap_or(usize::MAX)
        .min(data.len());
    let mut crc = crc16_update(crc, &data[..whole]);
    if whole < data.len() {
        let byte = data[whole];
        for i in 0..bits % 8 {
            let bit = u16::from((byte >> (7 - i)) & 1);
            let top = crc >> 15;
            crc <<= 1;
            if top ^ bit != 0 {
                crc ^= 0x8005;
            }
        }
    }
    crc
}

const fn crc32_table() -> [u32; 256] {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = (i as u32) << 24;
        let mut k = 0;
        while k < 8 {
            c = if c & 0x8000_0000 != 0 {
                (c << 1) ^ 0x04C1_1DB7
            } else {
                c << 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
}

static CRC32: [u32; 256] = crc32_table();

/// Tables for eight bytes at a time: `CRC32_8[k][b]` is the CRC of byte `b`
/// followed by `k` zero bytes.
const fn crc32_slices() -> [[u32; 256]; 8] {
    let mut t = [[0u32; 256]; 8];
    t[0] = crc32_table();
    let mut k = 1;
    while k < 8 {
        let mut i = 0;
        while i < 256 {
            let prev = t[k - 1][i];
            t[k][i] = (prev << 8) ^ t[0][(prev >> 24) as usize];
            i += 1;
        }
        k += 1;
    }
    t
}

static CRC32_8: [[u32; 256]; 8] = crc32_slices();

/// Ogg's CRC-32 (polynomial 0x04C11DB7, initial value 0, not reflected, no
/// final XOR), continued from `crc`. Eight bytes per step (slicing-by-8):
/// every page read is checked, so this is the probe's hot loop.
pub fn crc32_ogg(crc: u32, data: &[u8]) -> u32 {
    let mut c = crc;
    let mut chunks = data.chunks_exact(8);
    for w in &mut chunks {
        let a = c ^ u32::from_be_bytes([w[0], w[1], w[2], w[3]]);
        let b = u32::from_be_bytes([w[4], w[5], w[6], w[7]]);
        c = CRC32_8[7][(a >> 24) as usize]
            ^ CRC32_8[6][((a >> 16) & 0xFF) as usize]
            ^ CRC32_8[5][((a >> 8) & 0xFF) as usize]
            ^ CRC32_8[4][(a & 0xFF) as usize]
            ^ CRC32_8[3][(b >> 24) as usize]
            ^ CRC32_8[2][((b >> 16) & 0xFF) as usize]
            ^ CRC32_8[1][((b >> 8) & 0xFF) as usize]
            ^ CRC32_8[0][(b & 0xFF) as usize];
    }
    chunks.remainder().iter().fold(c, |c, &b| {
        (c << 8) ^ CRC32[usize::from((c >> 24) as u8 ^ b)]
    })
}

const fn crc32_reflected_table() -> [u32; 256] {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
}

static CRC32_REFLECTED: [u32; 256] = crc32_reflected_table();

/// Tables for eight bytes at a time of the reflected CRC-32:
/// `CRC32_REFLECTED_8[k][b]` is the CRC of byte `b` followed by `k` zero
/// bytes.
const fn crc32_reflected_slices() -> [[u32; 256]; 8] {
    let mut t = [[0u32; 256]; 8];
    t[0] = crc32_reflected_table();
    let mut k = 1;
    while k < 8 {
        let mut i = 0;
        while i < 256 {
            let prev = t[k - 1][i];
            t[k][i] = (prev >> 8) ^ t[0][(prev & 0xFF) as usize];
            i += 1;
        }
        k += 1;
    }
    t
}

static CRC32_REFLECTED_8: [[u32; 256]; 8] = crc32_reflected_slices();

/// The CRC-32 of zlib, PNG and Ethernet (poly 0x04C11DB7 reflected, initial
/// value and final XOR 0xFFFFFFFF), as TTA frames and headers, OptimFROG
/// `COMP` blocks and PNG chunks carry it. Eight bytes per step
/// (slicing-by-8): every PNG chunk's data is checked.
pub fn crc32(data: &[u8]) -> u32 {
    let t = &CRC32_REFLECTED_8;
    let mut c = !0u32;
    let mut chunks = data.chunks_exact(8);
    for w in &mut chunks {
        let a = c ^ u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
        c = t[7][(a & 0xFF) as usize]
            ^ t[6][((a >> 8) & 0xFF) as usize]
            ^ t[5][((a >> 16) & 0xFF) as usize]
            ^ t[4][(a >> 24) as usize]
            ^ t[3][usize::from(w[4])]
            ^ t[2][usize::from(w[5])]
            ^ t[1][usize::from(w[6])]
            ^ t[0][usize::from(w[7])];
    }
    !chunks.remainder().iter().fold(c, |c, &b| {
        (c >> 8) ^ CRC32_REFLECTED[usize::from(c as u8 ^ b)]
    })
}

const fn crc24_table() -> [u32; 256] {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = (i as u32) << 16;
        let mut k = 0;
        while k < 8 {
            c <<= 1;
            if c & 0x0100_0000 != 0 {
                c ^= 0x0186_4CFB;
            }
            k += 1;
        }
        t[i] = c & 0x00FF_FFFF;
        i += 1;
    }
    t
}

static CRC24: [u32; 256] = crc24_table();

/// CRC-24 (poly 0x864CFB, initial value 0xB704CE, unreflected: OpenPGP's),
/// as TAK metadata objects end with it.
pub fn crc24(data: &[u8]) -> u32 {
    data.iter().fold(0x00B7_04CE, |c, &b| {
        ((c << 8) & 0x00FF_FFFF) ^ CRC24[usize::from((c >> 16) as u8 ^ b)]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_check_values() {
        // CRC-8/SMBUS and CRC-16/UMTS (BUYPASS) check values for "123456789".
        assert_eq!(crc8(b"123456789"), 0xF4);
        assert_eq!(crc16(b"123456789"), 0xFEE8);
        // CRC-32/MPEG-2 without its initial value and final XOR: Ogg's.
        assert_eq!(crc32_ogg(0, b"123456789"), 0x89A1_897F);
        // CRC-32/ISO-HDLC (zlib) and CRC-24/OPENPGP.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc24(b"123456789"), 0x21CF02);
    }

    #[test]
    fn crc16_matches_the_reference() {
        // CRC-16/CMS (poly 0x8005, init 0xFFFF, unreflected) of "123456789".
        assert_eq!(crc16_bits(0xFFFF, b"123456789", 72), 0xAEE7);
    }

    #[test]
    fn bit_counts_match_a_bit_by_bit_crc() {
        let slow = |mut crc: u16, data: &[u8], bits: u64| {
            for i in 0..bits {
                let Some(&byte) = data.get((i / 8) as usize) else {
                    break;
                };
                let bit = u16::from((byte >> (7 - i % 8)) & 1);
                let top = crc >> 15;
                crc <<= 1;
                if top ^ bit != 0 {
                    crc ^= 0x8005;
                }
            }
            crc
        };
        let data: Vec<u8> = (0..40u32).map(|i| (i * 37 + 11) as u8).collect();
        for bits in 0..=330 {
            assert_eq!(
                crc16_bits(0xFFFF, &data, bits),
                slow(0xFFFF, &data, bits),
                "{bits}"
            );
        }
    }

    #[test]
    fn sliced_crc32_equals_the_bytewise_crc32() {
        let bytewise = |crc: u32, data: &[u8]| {
            data.iter().fold(crc, |c, &b| {
                (c << 8) ^ CRC32[usize::from((c >> 24) as u8 ^ b)]
            })
        };
        let data: Vec<u8> = (0..1000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for len in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 999, 1000] {
            for start in [0u32, 1, 0xDEAD_BEEF] {
                assert_eq!(
                    crc32_ogg(start, &data[..len]),
                    bytewise(start, &data[..len]),
                    "len {len}"
                );
            }
        }
        // Split anywhere, the CRC continues.
        assert_eq!(
            crc32_ogg(crc32_ogg(0, &data[..333]), &data[333..]),
            crc32_ogg(0, &data)
        );
    }

    #[test]
    fn crc32_eight_bytes_at_a_time_is_the_bytewise_crc() {
        let bytewise = |d: &[u8]| {
            !d.iter().fold(!0u32, |c, &b| {
                (c >> 8) ^ CRC32_REFLECTED[usize::from(c as u8 ^ b)]
            })
        };
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7919 % 251) as u8).collect();
        for n in [0, 1, 7, 8, 9, 15, 16, 17, 100, 1000] {
            assert_eq!(crc32(&data[..n]), bytewise(&data[..n]), "{n}");
        }
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }
}
