//! The digests a scan has seen, for the duplicate groups of its
//! [`Summary`](super::Summary), in memory that stays small per file.
//!
//! A digest is kept in binary (32 bytes for a `sha256`, 16 for a
//! `pcmMd5`) in a hash map to where the first file with it is in a log of
//! paths. Paths are needed only when a second file with the same digest
//! comes, so they are not kept in memory: each hashed file's path is
//! appended (a 4-byte length, then the UTF-8 text) to a temporary file
//! deleted as soon as it is created (it vanishes with the process), and
//! read back only for a duplicate. Memory per hashed file is thus the map
//! entry, 40 bytes (`sha256`) or 24 (`pcmMd5`) plus the map's slack,
//! whatever the length of the path. Where no temporary file can be made
//! (or written), the log is kept in memory instead: the path's bytes and
//! four more per file. Files with a duplicate keep their paths in memory,
//! as the groups list them.
//!
//! A digest that is not lowercase hex of the expected length (one read
//! from a sidecar, say) is kept by its text, so that groups are exactly
//! those of equal digest text.

use super::summary::Key;
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};

/// How much of the log is held before it is written to its file.
const PENDING: usize = 64 * 1024;

/// Where a path is in the [`PathLog`].
type Offset = u64;

/// The paths of the first files of each digest.
#[derive(Default)]
pub struct PathLog {
    /// The file the log goes to: `None` before the first write, or when
    /// none could be made.
    file: Option<File>,
    /// Whether a file was tried.
    tried: bool,
    /// Whether writing to the file failed: what it holds is still read,
    /// and the rest of the log stays in memory.
    full: bool,
    /// Bytes written to the file.
    written: u64,
    /// Bytes after those, not written (yet).
    pending: Vec<u8>,
}

impl PathLog {
    /// Append `path`; returns where it is.
    pub fn append(&mut self, path: &str) -> Offset {
        let offset = self.written + self.pending.len() as u64;
        let bytes = path.as_bytes();
        let n = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        self.pending.extend_from_slice(&n.to_le_bytes());
        self.pending.extend_from_slice(&bytes[..n as usize]);
        if self.pending.len() >= PENDING {
            self.spill();
        }
        offset
    }

    /// Write what is pending to the file (making it first). On failure
    /// the rest of the log stays in memory.
    fn spill(&mut self) {
        if self.full {
            return;
        }
        if !self.tried {
            self.tried = true;
            self.file = tempfile::tempfile().ok();
        }
        let Some(file) = &mut self.file else {
            self.full = true;
            return;
        };
        let wrote = file
            .seek(SeekFrom::Start(self.written))
            .and_then(|_| file.write_all(&self.pending));
        match wrote {
            Ok(()) => {
                self.written += self.pending.len() as u64;
                self.pending.clear();
            }
            Err(_) => self.full = true,
        }
    }

    /// The path at `offset`.
    pub fn get(&mut self, offset: Offset) -> io::Result<String> {
        let mut bytes = Vec::new();
        if offset >= self.written {
            let eof = || io::Error::from(io::ErrorKind::UnexpectedEof);
            let at = usize::try_from(offset - self.written).map_err(|_| eof())?;
            let len = self
                .pending
                .get(at..at + 4)
                .and_then(|b| <[u8; 4]>::try_from(b).ok())
                .map(u32::from_le_bytes)
                .ok_or_else(eof)?;
            let start = at + 4;
            bytes.extend_from_slice(
                self.pending
                    .get(start..start + len as usize)
                    .ok_or_else(eof)?,
            );
        } else {
            let Some(file) = &mut self.file else {
                return Err(io::Error::from(io::ErrorKind::NotFound));
            };
            file.seek(SeekFrom::Start(offset))?;
            let mut len = [0u8; 4];
            file.read_exact(&mut len)?;
            (&mut *file)
                .take(u64::from(u32::from_le_bytes(len)))
                .read_to_end(&mut bytes)?;
        }
        String::from_utf8(bytes).map_err(io::Error::other)
    }
}

impl Clone for PathLog {
    /// A copy in memory; if the file cannot be read back, a copy that
    /// reads the same file and writes no more to it.
    fn clone(&self) -> PathLog {
        let mut all = Vec::new();
        let read_back = match &self.file {
            None => true,
            Some(file) => {
                let mut f: &File = file;
                f.seek(SeekFrom::Start(0))
                    .and_then(|_| f.take(self.written).read_to_end(&mut all))
                    .is_ok_and(|n| n as u64 == self.written)
            }
        };
        if read_back {
            all.extend_from_slice(&self.pending);
            PathLog {
                file: None,
                tried: true,
                full: true,
                written: 0,
                pending: all,
            }
        } else {
            PathLog {
                file: self.file.as_ref().and_then(|f| f.try_clone().ok()),
                tried: true,
                full: true,
                written: self.written,
                pending: self.pending.clone(),
            }
        }
    }
}

/// Lowercase hex of exactly `N` bytes, in binary.
fn parse_hex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let b = s.as_bytes();
    if b.len() != 2 * N {
        return None;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = nibble(b[2 * i])? << 4 | nibble(b[2 * i + 1])?;
    }
    Some(out)
}

/// The digests seen so far and the groups of files that share one.
#[derive(Default)]
pub struct Digests {
    sha256: HashMap<[u8; 32], Offset>,
    pcm_md5: HashMap<[u8; 16], Offset>,
    /// Digests that are not lowercase hex of their length, by text.
    text: HashMap<(Key, String), Offset>,
    /// Digests shared by two files or more, with the files' paths in scan
    /// order.
    groups: HashMap<(Key, String), Vec<String>>,
    paths: PathLog,
}

impl Digests {
    /// Count in the file `path` with `digests` (at most one per key).
    pub fn add(&mut self, path: &str, digests: &[(Key, &str)]) {
        // The file's path, appended once whatever the number of digests.
        let mut logged: Option<Offset> = None;
        for &(key, digest) in digests {
            let first =
                match key {
                    Key::Sha256 => parse_hex::<32>(digest).map(|d| {
                        *self.sha256.entry(d).or_insert_with(|| {
                            *logged.get_or_insert_with(|| self.paths.append(path))
                        })
                    }),
                    Key::PcmMd5 => parse_hex::<16>(digest).map(|d| {
                        *self.pcm_md5.entry(d).or_insert_with(|| {
                            *logged.get_or_insert_with(|| self.paths.append(path))
                        })
                    }),
                };
            let first = match first {
                Some(first) => first,
                None => match self.text.get(&(key, digest.to_string())) {
                    Some(&first) => first,
                    None => {
                        let at = *logged.get_or_insert_with(|| self.paths.append(path));
                        self.text.insert((key, digest.to_string()), at);
                        at
                    }
                },
            };
            if Some(first) == logged {
                // The first file with this digest: nothing to group yet.
                continue;
            }
            match self.groups.get_mut(&(key, digest.to_string())) {
                Some(paths) => paths.push(path.to_string()),
                None => {
                    let first = self
                        .paths
                        .get(first)
                        .unwrap_or_else(|e| format!("(the path of this file is unavailable: {e})"));
                    self.groups
                        .insert((key, digest.to_string()), vec![first, path.to_string()]);
                }
            }
        }
    }

    /// The digests shared by two files or more, with the files' paths in
    /// scan order (in no particular order of groups); the index is emptied.
    pub fn take_groups(&mut self) -> HashMap<(Key, String), Vec<String>> {
        let groups = std::mem::take(&mut self.groups);
        *self = Digests::default();
        groups
    }
}

impl Clone for Digests {
    fn clone(&self) -> Digests {
        Digests {
            sha256: self.sha256.clone(),
            pcm_md5: self.pcm_md5.clone(),
            text: self.text.clone(),
            groups: self.groups.clone(),
            paths: self.paths.clone(),
        }
    }
}

impl std::fmt::Debug for Digests {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Digests")
            .field("sha256", &self.sha256.len())
            .field("pcm_md5", &self.pcm_md5.len())
            .field("text", &self.text.len())
            .field("groups", &self.groups.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha(i: u32) -> String {
        format!("{i:064x}")
    }

    #[test]
    fn groups_hold_the_first_path_read_back_and_the_others_in_order() {
        let mut d = Digests::default();
        // Enough paths to go through the file several times over; names
        // of every kind (multi-byte, a newline, the replacement character
        // a name that is not UTF-8 becomes).
        let name = |i: u32| format!("dir {i}/ñame\n\u{fffd}{i}.wav");
        for i in 0..20_000 {
            d.add(
                &name(i),
                &[
                    (Key::Sha256, &sha(i)),
                    (Key::PcmMd5, &format!("{:032x}", i % 7_000)),
                ],
            );
        }
        assert!(d.paths.written > 0, "the log went to its file");
        // Copies of the first 3 files, again and again.
        for round in 0..3 {
            for i in 0..3 {
                d.add(&format!("copy {round} of {i}"), &[(Key::Sha256, &sha(i))]);
            }
        }
        let groups = d.take_groups();
        let g = &groups[&(Key::Sha256, sha(1))];
        assert_eq!(
            g,
            &[
                name(1),
                "copy 0 of 1".into(),
                "copy 1 of 1".into(),
                "copy 2 of 1".into()
            ]
        );
        // Same audio every 7,000 files: 3 files for the first 6,000 digests.
        let p = &groups[&(Key::PcmMd5, format!("{:032x}", 5))];
        assert_eq!(p, &[name(5), name(7_005), name(14_005)]);
        let pcm = groups.keys().filter(|(k, _)| *k == Key::PcmMd5).count();
        assert_eq!(pcm, 7_000);
        assert_eq!(groups.len(), 7_003);
    }

    #[test]
    fn digests_that_are_not_lowercase_hex_are_kept_by_text() {
        let mut d = Digests::default();
        // Upper and lower case: distinct texts, never one group.
        d.add("a", &[(Key::Sha256, "not-hex")]);
        d.add("b", &[(Key::Sha256, "not-hex")]);
        d.add("c", &[(Key::Sha256, &"AB".repeat(32))]);
        d.add("d", &[(Key::Sha256, &"ab".repeat(32))]);
        let groups = d.take_groups();
        assert_eq!(groups.len(), 1, "{groups:?}");
        assert_eq!(groups[&(Key::Sha256, "not-hex".into())], ["a", "b"]);
    }

    #[test]
    fn a_copy_of_the_index_reads_the_same_paths() {
        let mut d = Digests::default();
        for i in 0..10_000 {
            d.add(&format!("f{i}"), &[(Key::Sha256, &sha(i))]);
        }
        let mut copy = d.clone();
        copy.add("again", &[(Key::Sha256, &sha(42))]);
        assert_eq!(
            copy.take_groups()[&(Key::Sha256, sha(42))],
            ["f42", "again"]
        );
        assert!(hex_round_trips());
    }

    fn hex_round_trips() -> bool {
        let s = "00ff10ab".repeat(8);
        parse_hex::<32>(&s).map(|b| crate::checksum::hex(&b)) == Some(s)
            && parse_hex::<32>(&"0".repeat(63)).is_none()
            && parse_hex::<16>(&"G".repeat(32)).is_none()
    }
}
