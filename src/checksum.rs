//! Whole-file checksums (MD5, SHA-256 and, for messages that state one,
//! SHA-1) computed in one pass.
//!
//! Both digests consume the same block while it is hot in the CPU cache, so
//! the file's bytes are brought in from memory once. `sha2` uses the SHA
//! extensions when the CPU has them (detected at run time) and `md-5` its
//! assembly implementation, which keeps the pass close to `openssl dgst`.

use md5::{Digest, Md5};
use sha1::Sha1;
use sha2::Sha256;
use std::fmt::Write;

/// Which digests to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Hashes {
    /// MD5 of the file.
    pub md5: bool,
    /// SHA-256 of the file.
    pub sha256: bool,
    /// SHA-1 of the file (only `audit` asks for it, when a message states
    /// a SHA-1 `HashSum`).
    pub sha1: bool,
}

impl Hashes {
    /// Both digests.
    pub const BOTH: Hashes = Hashes {
        md5: true,
        sha256: true,
        sha1: false,
    };
    /// No digest: a header-only scan.
    pub const NONE: Hashes = Hashes {
        md5: false,
        sha256: false,
        sha1: false,
    };

    /// Parse `md5,sha256`, `sha256`, `md5` or `none`.
    pub fn parse(s: &str) -> Result<Hashes, crate::Error> {
        let mut set = Hashes::NONE;
        for part in s.split(',').map(str::trim) {
            match part.to_ascii_lowercase().as_str() {
                "md5" => set.md5 = true,
                "sha256" | "sha-256" => set.sha256 = true,
                "none" if s.trim().eq_ignore_ascii_case("none") => {}
                other => {
                    return Err(crate::Error::Hashes(format!(
                        "unknown hash '{other}': expected md5, sha256, md5,sha256 or none"
                    )));
                }
            }
        }
        Ok(set)
    }

    /// Whether any digest is wanted.
    pub fn any(self) -> bool {
        self.md5 || self.sha256 || self.sha1
    }

    /// Every digest in `self` or `other`.
    pub fn union(self, other: Hashes) -> Hashes {
        Hashes {
            md5: self.md5 || other.md5,
            sha256: self.sha256 || other.sha256,
            sha1: self.sha1 || other.sha1,
        }
    }
}

/// Lowercase hex digests of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Digests {
    /// MD5, when asked for.
    pub md5: Option<String>,
    /// SHA-256, when asked for.
    pub sha256: Option<String>,
    /// SHA-1, when asked for.
    pub sha1: Option<String>,
}

/// Block size of the shared pass: small enough to stay in L2 between the two
/// digests, large enough that per-call overhead vanishes.
const BLOCK: usize = 128 * 1024;

/// Both digests fed block by block, for input that arrives in pieces.
pub struct Hasher {
    md5: Option<Md5>,
    sha: Option<Sha256>,
    sha1: Option<Sha1>,
}

impl Hasher {
    /// A hasher computing the digests in `set`.
    pub fn new(set: Hashes) -> Hasher {
        Hasher {
            md5: set.md5.then(Md5::new),
            sha: set.sha256.then(Sha256::new),
            sha1: set.sha1.then(Sha1::new),
        }
    }

    /// Feed `bytes` (any length) to every digest, a cache-sized block at a time.
    pub fn update(&mut self, bytes: &[u8]) {
        for block in bytes.chunks(BLOCK) {
            if let Some(h) = self.md5.as_mut() {
                h.update(block);
            }
            if let Some(h) = self.sha.as_mut() {
                h.update(block);
            }
            if let Some(h) = self.sha1.as_mut() {
                h.update(block);
            }
        }
    }

    /// The lowercase hex digests.
    pub fn finish(self) -> Digests {
        Digests {
            md5: self.md5.map(|h| hex(&h.finalize())),
            sha256: self.sha.map(|h| hex(&h.finalize())),
            sha1: self.sha1.map(|h| hex(&h.finalize())),
        }
    }
}

/// Hash `bytes` with the digests in `set`, in one pass.
pub fn digest(bytes: &[u8], set: Hashes) -> Digests {
    let mut h = Hasher::new(set);
    h.update(bytes);
    h.finish()
}

/// Lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        // Writing to a String cannot fail.
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        let d = digest(b"abc", Hashes::BOTH);
        assert_eq!(d.md5.unwrap(), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            d.sha256.unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let d = digest(b"", Hashes::BOTH);
        assert_eq!(d.md5.unwrap(), "d41d8cd98f00b204e9800998ecf8427e");
        let sha1 = Hashes {
            sha1: true,
            ..Hashes::NONE
        };
        assert_eq!(
            digest(b"abc", sha1).sha1.unwrap(),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
    }

    #[test]
    fn blocks_do_not_change_the_digest() {
        let data: Vec<u8> = (0..(BLOCK * 3 + 17))
            .map(|i| (i * 31 % 251) as u8)
            .collect();
        let whole = digest(&data, Hashes::BOTH);
        let mut md5 = Md5::new();
        md5.update(&data);
        assert_eq!(whole.md5.unwrap(), hex(&md5.finalize()));
        let mut sha = Sha256::new();
        sha.update(&data);
        assert_eq!(whole.sha256.unwrap(), hex(&sha.finalize()));
    }

    #[test]
    fn parse_hash_lists() {
        assert_eq!(Hashes::parse("md5,sha256").unwrap(), Hashes::BOTH);
        assert_eq!(Hashes::parse("none").unwrap(), Hashes::NONE);
        assert_eq!(
            Hashes::parse("sha256").unwrap(),
            Hashes {
                md5: false,
                sha256: true,
                sha1: false,
            }
        );
        assert!(Hashes::parse("crc32").is_err());
        assert!(Hashes::parse("md5,none").is_err());
        let d = digest(b"x", Hashes::NONE);
        assert_eq!(d, Digests::default());
    }
}
