//! The digests a scan has seen, for the duplicate groups of its
//! [`Summary`](super::Summary), in memory that stays small per file.
//!
//! Each hashed file's digests (32 bytes of `sha256`, 16 of `pcmMd5`) and
//! path go to a log, a temporary file deleted as soon as it is created (it
//! vanishes with the process), and a hash map takes the first 8 bytes of
//! each digest to where the first file with it is in the log. Paths and
//! whole digests are needed only when a second file has the same first 8
//! bytes: the entry is then read back and its digest compared (two
//! different digests that share their first 8 bytes, about one chance in
//! 3·10^7 among a million files, are told apart by text). Memory per
//! hashed file is thus one map entry per digest, 16 bytes and the map's
//! slack (19 to 39 bytes a file, up to 58 while the map grows), whatever
//! the length of the path. Where no temporary file can be made (or
//! written), the log is kept in memory instead: 52 bytes and the path's
//! per file. Files with a duplicate keep their paths in memory, as the
//! groups list them.
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

/// Where a file's entry is in the [`PathLog`].
type Offset = u64;

/// A file's digests as the log holds them: its `sha256` (32 bytes) then its
/// `pcmMd5` (16), zeros where it has none.
type Block = [u8; BLOCK];
const BLOCK: usize = 48;

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
    /// Append a file's digests and its path; returns where they are.
    pub fn append(&mut self, digests: &Block, path: &str) -> Offset {
        let offset = self.written + self.pending.len() as u64;
        let bytes = path.as_bytes();
        let n = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        self.pending.extend_from_slice(digests);
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

    /// The digests and the path at `offset`.
    pub fn get(&mut self, offset: Offset) -> io::Result<(Block, String)> {
        let mut head = [0u8; BLOCK + 4];
        let mut bytes = Vec::new();
        if offset >= self.written {
            let eof = || io::Error::from(io::ErrorKind::UnexpectedEof);
            let at = usize::try_from(offset - self.written).map_err(|_| eof())?;
            head.copy_from_slice(self.pending.get(at..at + BLOCK + 4).ok_or_else(eof)?);
            let len = u32::from_le_bytes([
                head[BLOCK],
                head[BLOCK + 1],
                head[BLOCK + 2],
                head[BLOCK + 3],
            ]);
            let start = at + BLOCK + 4;
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
            file.read_exact(&mut head)?;
            let len = u32::from_le_bytes([
                head[BLOCK],
                head[BLOCK + 1],
                head[BLOCK + 2],
                head[BLOCK + 3],
            ]);
            (&mut *file).take(u64::from(len)).read_to_end(&mut bytes)?;
        }
        let mut block = [0u8; BLOCK];
        block.copy_from_slice(&head[..BLOCK]);
        Ok((block, String::from_utf8(bytes).map_err(io::Error::other)?))
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
    /// The first 8 bytes of each `sha256` seen, to where the first file
    /// with it is in the log (which holds the whole digest).
    sha256: HashMap<u64, Offset>,
    /// The same for `pcmMd5`.
    pcm_md5: HashMap<u64, Offset>,
    /// Digests that are not lowercase hex of their length, and the rare
    /// digest whose first 8 bytes are another's: by text.
    text: HashMap<(Key, String), Offset>,
    /// Digests shared by two files or more, with the files' paths in scan
    /// order.
    groups: HashMap<(Key, String), Vec<String>>,
    paths: PathLog,
}

/// The map's key for a digest: its first 8 bytes.
fn prefix(d: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    for (o, i) in b.iter_mut().zip(d) {
        *o = *i;
    }
    u64::from_le_bytes(b)
}

impl Digests {
    /// The log entry of the file being added, appended on first need.
    fn entry_of(&mut self, logged: &mut Option<Offset>, block: &Block, path: &str) -> Offset {
        *logged.get_or_insert_with(|| self.paths.append(block, path))
    }

    /// Count in the file `path` with `digests` (at most one per key).
    pub fn add(&mut self, path: &str, digests: &[(Key, &str)]) {
        let mut block: Block = [0; BLOCK];
        let mut binary: [Option<std::ops::Range<usize>>; 2] = [None, None];
        for &(key, digest) in digests {
            match key {
                Key::Sha256 => {
                    if let Some(d) = parse_hex::<32>(digest) {
                        block[..32].copy_from_slice(&d);
                        binary[0] = Some(0..32);
                    }
                }
                Key::PcmMd5 => {
                    if let Some(d) = parse_hex::<16>(digest) {
                        block[32..].copy_from_slice(&d);
                        binary[1] = Some(32..48);
                    }
                }
            }
        }
        // The file's entry, appended once whatever the number of digests.
        let mut logged: Option<Offset> = None;
        for &(key, digest) in digests {
            let text_key = (key, digest.to_string());
            if let Some(paths) = self.groups.get_mut(&text_key) {
                paths.push(path.to_string());
                continue;
            }
            let range = match key {
                Key::Sha256 => binary[0].clone(),
                Key::PcmMd5 => binary[1].clone(),
            };
            // The first file's path, once it is known to have this digest.
            let mut first = None;
            if let Some(range) = range {
                let p = prefix(&block[range.clone()]);
                let map = match key {
                    Key::Sha256 => &self.sha256,
                    Key::PcmMd5 => &self.pcm_md5,
                };
                match map.get(&p).copied() {
                    None => {
                        let at = self.entry_of(&mut logged, &block, path);
                        match key {
                            Key::Sha256 => self.sha256.insert(p, at),
                            Key::PcmMd5 => self.pcm_md5.insert(p, at),
                        };
                        continue;
                    }
                    Some(at) => match self.paths.get(at) {
                        Ok((theirs, first_path)) if theirs[range.clone()] == block[range] => {
                            first = Some(first_path);
                        }
                        // Another digest with the same first 8 bytes: kept
                        // by text.
                        Ok(_) => {}
                        Err(e) => first = Some(unavailable(&e)),
                    },
                }
            }
            let first = match first {
                Some(first) => first,
                None => match self.text.get(&text_key).copied() {
                    Some(at) => self
                        .paths
                        .get(at)
                        .map_or_else(|e| unavailable(&e), |(_, p)| p),
                    None => {
                        let at = self.entry_of(&mut logged, &block, path);
                        self.text.insert(text_key, at);
                        continue;
                    }
                },
            };
            self.groups.insert(text_key, vec![first, path.to_string()]);
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

/// What a group shows for a first file whose path cannot be read back.
fn unavailable(e: &io::Error) -> String {
    format!("(the path of this file is unavailable: {e})")
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

    /// A digest whose first 8 bytes differ with `i`.
    fn sha(i: u32) -> String {
        format!("{i:016x}{i:048x}")
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
                    (
                        Key::PcmMd5,
                        &format!("{:032x}", u128::from(i % 7_000) << 64),
                    ),
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
        let p = &groups[&(Key::PcmMd5, format!("{:032x}", 5u128 << 64))];
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
    fn digests_sharing_their_first_bytes_are_told_apart() {
        let mut d = Digests::default();
        // One prefix, five different digests, each twice (at the second
        // pass from the file: more than the in-memory part in between).
        let same_start = |i: u32| format!("{:016x}{i:048x}", 7);
        for round in 0..2 {
            for i in 0..5 {
                d.add(&format!("{round}-{i}"), &[(Key::Sha256, &same_start(i))]);
            }
            for i in 0..5_000 {
                d.add(
                    &format!("filler {round} {i}"),
                    &[(Key::Sha256, &sha(i + 100 + round * 10_000))],
                );
            }
        }
        let groups = d.take_groups();
        assert_eq!(groups.len(), 5, "{:?}", groups.keys());
        for i in 0..5 {
            assert_eq!(
                groups[&(Key::Sha256, same_start(i))],
                [format!("0-{i}"), format!("1-{i}")]
            );
        }
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
