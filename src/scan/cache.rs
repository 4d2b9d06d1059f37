//! Incremental runs: a cache of records, so a file measured once is not
//! read again while it is unchanged (`--cache FILE`).
//!
//! The cache is a [redb](https://docs.rs/redb) database: pure Rust (it
//! builds for every target the program does, with no C toolchain), one
//! file, and copy-on-write transactions, so a run killed mid-write leaves
//! the last committed state and nothing half-written.
//!
//! An entry is keyed by the options that shaped the record (a digest of
//! the digests asked for, verification and its budget, the QC settings)
//! and the file's absolute path; it holds the file's stamp when it was
//! measured (device and inode on Unix, size, modification time to the
//! nanosecond) and the record without its path. A record is reused only
//! when the options and the stamp are the same: a look-up costs one `stat`
//! and one read of the database, and the file is neither opened nor read.
//! The path a record shows is set at reuse, so the same file reached under
//! another display name gets the record a fresh measurement would give.
//!
//! An object in storage ([`crate::remote`]) is keyed by its URL, and its
//! stamp is its entity tag (as the first 8 bytes of its SHA-256), size and
//! modification time from the listing: a re-run over an unchanged bucket
//! costs its listing and no GET. A store rewrites the tag with every
//! write, so an object's record is stored however recently it was
//! written; an object listed without a tag is measured, not stored.
//!
//! The database's `meta` table names the version that wrote it
//! ([`FORMAT`]): a cache written by another version of ddexprobe, or in
//! another layout, is never trusted: its entries are dropped when it is
//! opened and it is written again. A cache that cannot be opened (not a
//! database, damaged, in use by another run) is a [`CacheError`] for the
//! caller to report; the run goes on without it.
//!
//! Workers look records up in one read snapshot taken at open; records
//! measured afresh are queued and written in batches of [`BATCH`], each in
//! one write transaction by one writer at a time (a worker that finds the
//! writer busy goes on measuring), and the rest by [`Cache::finish`].
//! Records that say the file could not be read or changed while it was
//! read (`read_error`, `file_changed`), that would not read back equal,
//! or of files modified in the [`SETTLE`] before they were looked at (a
//! write within the same tick of the file system's clock would leave the
//! stamp unchanged) are not stored.

use crate::record::{Code, Record};
use crate::scan::{ScanOptions, Target};
use redb::{Database, TableDefinition};
use sha2::{Digest, Sha256};
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Records by options digest and absolute path.
const RECORDS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("records");
/// What wrote the cache: `format` is [`FORMAT`].
const META: TableDefinition<&str, &str> = TableDefinition::new("meta");

/// The version of the program and of the entries' layout a cache holds:
/// a cache with another is not trusted.
pub const FORMAT: &str = concat!("ddexprobe ", env!("CARGO_PKG_VERSION"), " records 1");

/// Records measured afresh written per transaction.
pub const BATCH: usize = 1024;

/// A file modified less than this before it was looked at is measured but
/// not stored: its modification time could still change within the same
/// tick of the file system's clock (2 s on FAT).
pub const SETTLE: Duration = Duration::from_secs(2);

/// The bytes of an entry before the record: device, inode, size, seconds
/// and nanoseconds of the modification time.
const STAMP_LEN: usize = 8 * 4 + 4;

/// Why a cache cannot be used, with a stable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheError {
    /// `cache_unusable` (cannot be opened or is damaged) or
    /// `cache_write_failed` (records could not be stored).
    pub code: &'static str,
    /// What happened.
    pub message: String,
}

impl fmt::Display for CacheError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]", self.message, self.code)
    }
}

impl CacheError {
    fn unusable(path: &Path, why: impl fmt::Display) -> CacheError {
        CacheError {
            code: "cache_unusable",
            message: format!(
                "--cache {}: cannot be used ({why}); every file is measured",
                path.display()
            ),
        }
    }

    fn write(why: impl fmt::Display) -> CacheError {
        CacheError {
            code: "cache_write_failed",
            message: format!("the cache could not store records ({why}); the records are right"),
        }
    }
}

/// What a run did with the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Records taken from the cache.
    pub reused: u64,
    /// Records measured from the file.
    pub measured: u64,
    /// Of those, records stored for the next run.
    pub stored: u64,
}

/// Where and what a file was when it was looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    dev: u64,
    ino: u64,
    size: u64,
    secs: i64,
    nanos: u32,
}

/// Seconds and nanoseconds since the epoch, before it as a negative
/// second and a forward fraction.
fn since_epoch(t: SystemTime) -> Option<(i64, u32)> {
    Some(match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (i64::try_from(d.as_secs()).ok()?, d.subsec_nanos()),
        Err(e) => {
            let d = e.duration();
            let secs = i64::try_from(d.as_secs()).ok()?;
            match d.subsec_nanos() {
                0 => (-secs, 0),
                n => (-secs - 1, 1_000_000_000 - n),
            }
        }
    })
}

impl Stamp {
    /// The stamp of an object in storage, from its listing: its tag's
    /// digest where a file has its inode. None without a tag.
    fn of_object(object: &crate::remote::Object) -> Option<Stamp> {
        let etag = object.etag.as_deref()?;
        let (secs, nanos) = since_epoch(object.modified?)?;
        let digest = Sha256::digest(etag.as_bytes());
        let mut ino = [0u8; 8];
        ino.copy_from_slice(&digest[..8]);
        Some(Stamp {
            dev: u64::MAX,
            ino: u64::from_le_bytes(ino),
            size: object.size?,
            secs,
            nanos,
        })
    }

    fn of(path: &Path) -> Option<(Stamp, SystemTime)> {
        let meta = std::fs::metadata(path).ok()?;
        if !meta.is_file() {
            return None;
        }
        let modified = meta.modified().ok()?;
        let (secs, nanos) = since_epoch(modified)?;
        #[cfg(unix)]
        let (dev, ino) = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino())
        };
        // Elsewhere the key's path (canonical there) is the identity.
        #[cfg(not(unix))]
        let (dev, ino) = (0, 0);
        let stamp = Stamp {
            dev,
            ino,
            size: meta.len(),
            secs,
            nanos,
        };
        Some((stamp, modified))
    }

    fn bytes(&self) -> [u8; STAMP_LEN] {
        let mut b = [0u8; STAMP_LEN];
        b[0..8].copy_from_slice(&self.dev.to_le_bytes());
        b[8..16].copy_from_slice(&self.ino.to_le_bytes());
        b[16..24].copy_from_slice(&self.size.to_le_bytes());
        b[24..32].copy_from_slice(&self.secs.to_le_bytes());
        b[32..36].copy_from_slice(&self.nanos.to_le_bytes());
        b
    }
}

/// An open cache for one set of options.
pub struct Cache {
    db: Database,
    /// The records as they were when the cache was opened: every worker
    /// looks up in this one snapshot (each file is looked up once a run).
    snapshot: Option<redb::ReadOnlyTable<&'static [u8], &'static [u8]>>,
    /// The working directory, which relative paths are keyed under.
    cwd: Option<PathBuf>,
    /// The digest of the options, the first bytes of every key.
    scope: [u8; 16],
    /// Entries measured and not yet written.
    pending: Mutex<Vec<(Vec<u8>, Vec<u8>)>>,
    /// Held by the one worker writing a batch.
    writer: Mutex<()>,
    /// The first write that failed: nothing more is written.
    failed: Mutex<Option<CacheError>>,
    reused: AtomicU64,
    measured: AtomicU64,
    stored: AtomicU64,
}

impl fmt::Debug for Cache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cache")
            .field("stats", &self.stats())
            .finish()
    }
}

/// The options that shape a record, as the digest that scopes its keys.
fn scope(opts: &ScanOptions) -> [u8; 16] {
    let verify = (opts.verify || opts.qc.is_some()).then_some(opts.budget);
    let text = format!(
        "{FORMAT}\nhashes {:?}\nverify {verify:?}\nqc {:?}",
        opts.hashes, opts.qc
    );
    let digest = Sha256::digest(text.as_bytes());
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    out
}

/// The path bytes of a key: absolute without touching the file system on
/// Unix (under `cwd`, read once a run; the stamp's device and inode tell
/// whether it is the same file), canonical elsewhere (where the path is
/// the identity).
fn key_path(path: &Path, cwd: Option<&Path>) -> Option<PathBuf> {
    #[cfg(unix)]
    {
        match cwd {
            Some(cwd) => std::path::absolute(cwd.join(path)).ok(),
            None => std::path::absolute(path).ok(),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = cwd;
        std::fs::canonicalize(path).ok()
    }
}

fn path_bytes(path: &Path) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        path.to_string_lossy().into_owned().into_bytes()
    }
}

/// Whether a record describes the file rather than a failure to read it.
fn cacheable(record: &Record) -> bool {
    !record
        .errors
        .iter()
        .any(|e| matches!(e.code, Code::ReadError | Code::FileChanged))
}

impl Cache {
    /// Open (or create) the cache at `path` for records measured with
    /// `opts`. A cache written by another version is emptied.
    pub fn open(path: &Path, opts: &ScanOptions) -> Result<Cache, CacheError> {
        Cache::open_as(path, opts, FORMAT)
    }

    /// [`Cache::open`] as a program whose cache format is `format` (for
    /// tests: a cache written by another version).
    pub fn open_as(path: &Path, opts: &ScanOptions, format: &str) -> Result<Cache, CacheError> {
        // A damaged file must never stop the run, whatever the database
        // code makes of it.
        let opened = catch_unwind(AssertUnwindSafe(|| {
            Database::builder().set_cache_size(32 << 20).create(path)
        }))
        .map_err(|_| CacheError::unusable(path, "damaged"))?;
        let db = opened.map_err(|e| CacheError::unusable(path, e))?;
        let prepared = catch_unwind(AssertUnwindSafe(|| Cache::prepare(&db, format)))
            .map_err(|_| CacheError::unusable(path, "damaged"))?;
        prepared.map_err(|e| CacheError::unusable(path, e))?;
        let snapshot = catch_unwind(AssertUnwindSafe(|| {
            db.begin_read().ok()?.open_table(RECORDS).ok()
        }))
        .ok()
        .flatten();
        Ok(Cache {
            db,
            snapshot,
            cwd: std::env::current_dir().ok(),
            scope: scope(opts),
            pending: Mutex::new(Vec::new()),
            writer: Mutex::new(()),
            failed: Mutex::new(None),
            reused: AtomicU64::new(0),
            measured: AtomicU64::new(0),
            stored: AtomicU64::new(0),
        })
    }

    /// Empty a cache of another format and mark it as of `format`.
    fn prepare(db: &Database, format: &str) -> Result<(), String> {
        let read = db.begin_read().map_err(text)?;
        let current = match read.open_table(META) {
            Ok(meta) => meta
                .get("format")
                .map_err(text)?
                .map(|v| v.value().to_string()),
            Err(redb::TableError::TableDoesNotExist(_)) => None,
            Err(e) => return Err(text(e)),
        };
        drop(read);
        if current.as_deref() == Some(format) {
            return Ok(());
        }
        let txn = db.begin_write().map_err(text)?;
        txn.delete_table(RECORDS).map_err(text)?;
        {
            let mut meta = txn.open_table(META).map_err(text)?;
            meta.insert("format", format).map_err(text)?;
        }
        txn.commit().map_err(text)
    }

    /// The record of `target`: from the cache when the file is unchanged
    /// since it was stored (no open, no read), else from `measure`, stored
    /// for the next run.
    pub fn measure(&self, target: &Target, measure: impl FnOnce(&Target) -> Record) -> Record {
        let looked = SystemTime::now();
        let found = match &target.remote {
            // The tag changes with every write: no settling time.
            Some(object) => {
                Stamp::of_object(object).map(|stamp| (stamp, None, self.object_key(object)))
            }
            None => Stamp::of(&target.path).and_then(|(stamp, modified)| {
                let path = key_path(&target.path, self.cwd.as_deref())?;
                let mut key = self.scope.to_vec();
                key.extend_from_slice(&path_bytes(&path));
                Some((stamp, Some(modified), key))
            }),
        };
        let Some((stamp, modified, key)) = found else {
            self.measured.fetch_add(1, Ordering::Relaxed);
            return measure(target);
        };
        if let Some(mut record) = self.get(&key, &stamp) {
            record.path_bytes = crate::scan::measure::display_bytes(&target.path, &target.display);
            record.path = target.display.clone();
            self.reused.fetch_add(1, Ordering::Relaxed);
            return record;
        }
        let record = measure(target);
        self.measured.fetch_add(1, Ordering::Relaxed);
        let settled =
            modified.is_none_or(|m| looked.duration_since(m).is_ok_and(|age| age >= SETTLE));
        if settled && cacheable(&record) {
            self.put(key, &stamp, &record);
        }
        record
    }

    /// Whether the record of an object in storage will come from the
    /// cache (so it need not be fetched ahead). Always false for a file
    /// on disk, which is never fetched ahead.
    pub fn holds(&self, target: &Target) -> bool {
        let Some(object) = &target.remote else {
            return false;
        };
        let Some(stamp) = Stamp::of_object(object) else {
            return false;
        };
        let key = self.object_key(object);
        let Some(table) = self.snapshot.as_ref() else {
            return false;
        };
        matches!(table.get(key.as_slice()), Ok(Some(v)) if v.value().get(..STAMP_LEN) == Some(&stamp.bytes()[..]))
    }

    /// The key of an object: the options' digest and its URL (which no
    /// absolute path starts like).
    fn object_key(&self, object: &crate::remote::Object) -> Vec<u8> {
        let mut key = self.scope.to_vec();
        key.extend_from_slice(object.url.as_bytes());
        key
    }

    /// The stored record of `key`, when its stamp is `stamp`.
    fn get(&self, key: &[u8], stamp: &Stamp) -> Option<Record> {
        let value = self.snapshot.as_ref()?.get(key).ok()??;
        let value = value.value();
        if value.len() < STAMP_LEN || value[..STAMP_LEN] != stamp.bytes() {
            return None;
        }
        serde_json::from_slice(&value[STAMP_LEN..]).ok()
    }

    /// Queue the entry of a record just measured, and write the queue when
    /// it is a batch long and no other worker is writing.
    fn put(&self, key: Vec<u8>, stamp: &Stamp, record: &Record) {
        let mut stored = record.clone();
        stored.path = String::new();
        stored.path_bytes = None;
        let Ok(json) = serde_json::to_vec(&stored) else {
            return;
        };
        // Only what reads back as the same record (a float that JSON cannot
        // hold would not).
        if serde_json::from_slice::<Record>(&json).ok().as_ref() != Some(&stored) {
            return;
        }
        let mut value = stamp.bytes().to_vec();
        value.extend_from_slice(&json);
        let (_writing, batch) = {
            let mut pending = lock(&self.pending);
            pending.push((key, value));
            if pending.len() < BATCH {
                return;
            }
            let Ok(writing) = self.writer.try_lock() else {
                return;
            };
            (writing, std::mem::take(&mut *pending))
        };
        self.write(batch);
    }

    /// Write `batch` in one transaction.
    fn write(&self, batch: Vec<(Vec<u8>, Vec<u8>)>) {
        if batch.is_empty() || lock(&self.failed).is_some() {
            return;
        }
        let n = batch.len() as u64;
        let written = catch_unwind(AssertUnwindSafe(|| -> Result<(), String> {
            let txn = self.db.begin_write().map_err(text)?;
            {
                let mut table = txn.open_table(RECORDS).map_err(text)?;
                for (k, v) in &batch {
                    table.insert(k.as_slice(), v.as_slice()).map_err(text)?;
                }
            }
            txn.commit().map_err(text)
        }));
        match written {
            Ok(Ok(())) => {
                self.stored.fetch_add(n, Ordering::Relaxed);
            }
            Ok(Err(e)) => *lock(&self.failed) = Some(CacheError::write(e)),
            Err(_) => *lock(&self.failed) = Some(CacheError::write("internal error")),
        }
    }

    /// Write what is queued; the run's figures, and the error that stopped
    /// the writes, if one did.
    pub fn finish(&self) -> (Stats, Option<CacheError>) {
        let batch = std::mem::take(&mut *lock(&self.pending));
        {
            let _writing = lock(&self.writer);
            self.write(batch);
        }
        (self.stats(), lock(&self.failed).clone())
    }

    /// The figures so far.
    pub fn stats(&self) -> Stats {
        Stats {
            reused: self.reused.load(Ordering::Relaxed),
            measured: self.measured.load(Ordering::Relaxed),
            stored: self.stored.load(Ordering::Relaxed),
        }
    }
}

/// A database error as the text of a message.
fn text(e: impl fmt::Display) -> String {
    e.to_string()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checksum::Hashes;

    fn wav(dir: &Path, name: &str) -> Target {
        let path = dir.join(name);
        let mut bytes = b"RIFF\x28\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0\x44\xac\0\0\x88\x58\x01\0\x02\0\x10\0data\x04\0\0\0\0\0\0\0".to_vec();
        bytes.truncate(48);
        std::fs::write(&path, &bytes).unwrap();
        let old = SystemTime::now() - Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(old)
            .unwrap();
        Target {
            path,
            display: name.to_string(),
            size: bytes.len() as u64,
            remote: None,
        }
    }

    fn opts() -> ScanOptions {
        ScanOptions {
            hashes: Hashes::BOTH,
            jobs: 1,
            ..ScanOptions::default()
        }
    }

    #[test]
    fn a_write_never_committed_is_not_there_and_the_cache_still_opens() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("cache.redb");
        let a = wav(dir.path(), "a.wav");
        let b = wav(dir.path(), "b.wav");
        let o = opts();
        {
            let cache = Cache::open(&db, &o).unwrap();
            let r = cache.measure(&a, |t| o.measure(t));
            assert!(r.errors.is_empty(), "{:?}", r.errors);
            let (stats, err) = cache.finish();
            assert_eq!((stats.measured, stats.stored), (1, 1));
            assert!(err.is_none());
            // A second record, queued, and a transaction dropped without
            // its commit (what a crash mid-write leaves).
            cache.measure(&b, |t| o.measure(t));
            let txn = cache.db.begin_write().unwrap();
            {
                let mut t = txn.open_table(RECORDS).unwrap();
                let (k, v) = lock(&cache.pending).pop().unwrap();
                t.insert(k.as_slice(), v.as_slice()).unwrap();
            }
            drop(txn);
        }
        let cache = Cache::open(&db, &o).unwrap();
        let never = |_: &Target| -> Record { panic!("measured") };
        let r = cache.measure(&a, never);
        assert_eq!(r.path, "a.wav");
        let r = cache.measure(&b, |t| o.measure(t));
        assert_eq!(r.path, "b.wav");
        assert_eq!(cache.stats().reused, 1);
        assert_eq!(cache.stats().measured, 1);
    }

    #[test]
    fn other_options_and_other_versions_are_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("cache.redb");
        let a = wav(dir.path(), "a.wav");
        let o = opts();
        let cache = Cache::open_as(&db, &o, "ddexprobe 0.0.0 records 1").unwrap();
        cache.measure(&a, |t| o.measure(t));
        cache.finish();
        drop(cache);
        let cache = Cache::open(&db, &o).unwrap();
        cache.measure(&a, |t| o.measure(t));
        assert_eq!(cache.stats().measured, 1);
        cache.finish();
        let sha = ScanOptions {
            hashes: Hashes::parse("sha256").unwrap(),
            ..o
        };
        drop(cache);
        let cache = Cache::open(&db, &sha).unwrap();
        cache.measure(&a, |t| sha.measure(t));
        assert_eq!(cache.stats().measured, 1);
        drop(cache);
        let cache = Cache::open(&db, &o).unwrap();
        let r = cache.measure(&a, |t| o.measure(t));
        assert_eq!(cache.stats().reused, 1);
        assert_eq!(r, o.measure(&a));
    }

    #[test]
    fn a_file_modified_just_now_is_not_stored() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("cache.redb");
        let a = wav(dir.path(), "a.wav");
        std::fs::File::options()
            .write(true)
            .open(&a.path)
            .unwrap()
            .set_modified(SystemTime::now())
            .unwrap();
        let o = opts();
        let cache = Cache::open(&db, &o).unwrap();
        cache.measure(&a, |t| o.measure(t));
        assert_eq!(cache.finish().0.stored, 0);
    }

    #[test]
    fn bytes_that_are_no_database_are_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("cache.redb");
        let mut noise = Vec::new();
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            noise.push(x as u8);
        }
        std::fs::write(&db, &noise).unwrap();
        let err = Cache::open(&db, &opts()).unwrap_err();
        assert_eq!(err.code, "cache_unusable");
    }
}
