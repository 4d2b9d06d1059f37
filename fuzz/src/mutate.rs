//! The mutation engine shared by the fuzzer (`fuzz/`) and the test that
//! runs a fixed-seed round of it (`tests/fuzz.rs`): a deterministic
//! generator and the mutations that find parser bugs in binary formats —
//! bit flips, "interesting" integers written over length and count fields,
//! truncation, deleted, duplicated and spliced ranges.

/// xorshift64*: small, fast, and the same sequence for the same seed on
/// every machine.
pub struct Rng(u64);

impl Rng {
    /// A generator; a zero seed is replaced.
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Values that sit on the edges parsers get wrong.
const INTERESTING: [u32; 12] = [
    0,
    1,
    0x7f,
    0x80,
    0xff,
    0x7fff,
    0x8000,
    0xffff,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_fffe,
    0xffff_ffff,
];

/// One to four mutations of `input`, using `other` for splices. The result
/// is never longer than `max_len`.
pub fn mutate(input: &[u8], other: &[u8], rng: &mut Rng, max_len: usize) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = v.len();
        match rng.below(9) {
            0 | 1 if len > 0 => {
                let at = rng.below(len);
                v[at] ^= 1 << rng.below(8);
            }
            2 if len > 0 => {
                let at = rng.below(len);
                v[at] = rng.next() as u8;
            }
            3 if len >= 4 => {
                let at = rng.below(len - 3);
                let value = INTERESTING[rng.below(INTERESTING.len())];
                let bytes = if rng.below(2) == 0 {
                    value.to_le_bytes()
                } else {
                    value.to_be_bytes()
                };
                v[at..at + 4].copy_from_slice(&bytes);
            }
            4 if len > 0 => v.truncate(rng.below(len)),
            5 if len > 1 => {
                let at = rng.below(len);
                let n = 1 + rng.below((len - at).min(256));
                v.drain(at..at + n);
            }
            6 if len > 0 => {
                let at = rng.below(len);
                let n = 1 + rng.below((len - at).min(1024));
                let chunk = v[at..at + n].to_vec();
                let to = rng.below(len + 1);
                v.splice(to..to, chunk);
            }
            7 if !other.is_empty() => {
                let from = rng.below(other.len());
                let n = 1 + rng.below((other.len() - from).min(4096));
                let to = rng.below(len + 1);
                let end = (to + n).min(len);
                v.splice(to..end, other[from..from + n].iter().copied());
            }
            _ => {
                let to = rng.below(len + 1);
                let n = 1 + rng.below(16);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                v.splice(to..to, bytes);
            }
        }
        v.truncate(max_len);
    }
    v
}
