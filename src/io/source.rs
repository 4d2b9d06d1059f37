//! File bytes for the parsers and the hashers: memory-mapped, or read.
//!
//! Three ways in, chosen for speed:
//!
//! * A header-only probe ([`Source::open_windows`]) reads the first
//!   [`HEAD_WINDOW`] and last [`TAIL_WINDOW`] bytes of a file with two
//!   positioned reads. That is about a third of the cost of mapping and
//!   unmapping the file, and, unlike mappings, scales across threads (every
//!   `mmap`/`munmap` takes the process's address-space lock). When a parser
//!   needs bytes between the windows, the file is opened whole and probed
//!   again (see [`crate::io::reader::Bytes`]).
//! * Whole regular files of [`MAP_THRESHOLD`] bytes or more are memory-mapped
//!   (once the program allows it: [`install_sigbus_guard`]) with memmap2 and hashed straight from the mapping; hashed pages are
//!   released as the pass moves on, so resident memory stays small however
//!   large the file.
//! * Smaller files, and anything that is not a regular file, are read into
//!   memory with a bounded read.
//!
//! # A file truncated while it is mapped
//!
//! When another process truncates a mapped file, touching a page past the new
//! end raises `SIGBUS`, which would kill the whole batch. Files are mapped
//! only after the program has called [`install_sigbus_guard`] (the
//! `ddexprobe` binary does, first thing), which installs, once, a `SIGBUS`
//! handler that knows every live mapping (a fixed table of
//! atomics, written before and cleared after each mapping's use, so the
//! handler takes no lock). A fault inside one of our mappings is answered by
//! mapping anonymous zero pages over the rest of that mapping
//! (`mmap(MAP_FIXED)` from the handler; on Linux that is a plain system
//! call) and flagging it; the faulting read then resumes and sees zeros. The
//! pipeline checks [`Source::changed`] after the work and reports the file as
//! `file_changed` instead of trusting what it read. A fault anywhere else is
//! handed back to the default action, so real bugs still crash loudly. When
//! the table is full, or on platforms without the handler, files are read
//! instead of mapped, which cannot fault. A program embedding the library
//! keeps its own `SIGBUS` handler for faults outside these mappings: it is
//! put back and the fault repeats into it.
//!
//! The size and modification time are compared before and after, so a file
//! rewritten in place (or grown) while it was read is reported the same way.

use crate::checksum::{self, Digests, Hasher, Hashes};
use crate::io::reader::Bytes;
use std::cell::Cell;
use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::Path;
use std::time::SystemTime;

/// Files smaller than this are read rather than mapped.
pub const MAP_THRESHOLD: u64 = 64 * 1024;

/// Bytes read at the start of a file for a header-only probe: room for the
/// RIFF/AIFF header chunks, `bext` and a typical `iXML`, or FLAC metadata
/// without embedded pictures.
pub const HEAD_WINDOW: u64 = 16 * 1024;

/// Bytes read at the end of a file for a header-only probe: the last FLAC
/// frame of 24-bit stereo at 4096-sample blocks, or chunks after the audio.
pub const TAIL_WINDOW: u64 = 32 * 1024;

/// Hashed pages of a mapping are released in steps of this many bytes.
const RELEASE_STEP: usize = 8 << 20;

/// Largest non-regular file (pipe, device) read into memory.
pub const MAX_UNMAPPED_READ: u64 = 1 << 30;

/// Let large files be memory-mapped from now on, by installing (once) the
/// process-wide `SIGBUS` handler that makes a mapped file truncated by
/// another process a `file_changed` finding instead of a crash (see the
/// module documentation). Returns whether mapping is on.
///
/// This is the program's choice, made once in `main`: a program that never
/// calls it gets its files read into memory, never mapped, and keeps its
/// signal handlers as they are.
pub fn install_sigbus_guard() -> bool {
    #[cfg(unix)]
    return guard::install();
    #[cfg(not(unix))]
    return false;
}

/// The bytes of one file, and how to tell whether it changed underneath us.
pub struct Source {
    /// The file read, or `None` for bytes handed in
    /// ([`Source::from_memory`], [`Source::from_windows`]).
    file: Option<File>,
    data: Data,
    len: u64,
    modified: Option<SystemTime>,
    /// Raised when a parser read between the windows of a windowed source.
    gap: Cell<bool>,
}

enum Data {
    Read(Vec<u8>),
    Windows {
        head: Vec<u8>,
        tail: Vec<u8>,
    },
    #[cfg(unix)]
    Mapped(guard::GuardedMap),
}

impl Source {
    /// Open the whole of `path`: mapped when large and regular, else read.
    pub fn open(path: &Path) -> io::Result<Source> {
        let file = File::open(path)?;
        let meta = file.metadata()?;
        Source::whole(file, &meta)
    }

    /// Open `path` for a header-only probe: only its first and last bytes
    /// are read when it is a large regular file.
    pub fn open_windows(path: &Path) -> io::Result<Source> {
        let file = File::open(path)?;
        let meta = file.metadata()?;
        let len = meta.len();
        if meta.is_file() && len > HEAD_WINDOW + TAIL_WINDOW {
            let mut head = vec![0u8; HEAD_WINDOW as usize];
            let mut tail = vec![0u8; TAIL_WINDOW as usize];
            // A file that shrank since the metadata was read fails here and
            // is opened whole instead, where the change is reported.
            if read_exact_at(&file, &mut head, 0).is_ok()
                && read_exact_at(&file, &mut tail, len - TAIL_WINDOW).is_ok()
            {
                return Ok(Source {
                    file: Some(file),
                    data: Data::Windows { head, tail },
                    len,
                    modified: meta.modified().ok(),
                    gap: Cell::new(false),
                });
            }
        }
        Source::whole(file, &meta)
    }

    fn whole(mut file: File, meta: &Metadata) -> io::Result<Source> {
        let len = meta.len();
        let modified = meta.modified().ok();
        if meta.is_file() && len >= MAP_THRESHOLD {
            #[cfg(unix)]
            if let Some(map) = guard::GuardedMap::new(&file)? {
                return Ok(Source {
                    file: Some(file),
                    data: Data::Mapped(map),
                    len,
                    modified,
                    gap: Cell::new(false),
                });
            }
        }
        let data = read_bounded(&mut file, meta)?;
        let len = data.len() as u64;
        Ok(Source {
            file: Some(file),
            data: Data::Read(data),
            len,
            modified,
            gap: Cell::new(false),
        })
    }

    /// The whole of an open file (a temporary copy of bytes fetched from
    /// elsewhere): mapped when large and regular, else read.
    pub fn from_file(file: File) -> io::Result<Source> {
        let meta = file.metadata()?;
        Source::whole(file, &meta)
    }

    /// Bytes already in memory, whole.
    pub fn from_memory(data: Vec<u8>) -> Source {
        Source {
            file: None,
            len: data.len() as u64,
            data: Data::Read(data),
            modified: None,
            gap: Cell::new(false),
        }
    }

    /// The first and last bytes of something `len` bytes long, fetched
    /// elsewhere, for a header-only probe: `head` from offset 0, `tail`
    /// ending at `len`. Err when they are not the windows of such a file
    /// (too long, or together shorter than `len` when the file is no
    /// longer than [`HEAD_WINDOW`] + [`TAIL_WINDOW`]).
    pub fn from_windows(head: Vec<u8>, tail: Vec<u8>, len: u64) -> io::Result<Source> {
        let (h, t) = (head.len() as u64, tail.len() as u64);
        if h != HEAD_WINDOW || t != TAIL_WINDOW || len <= HEAD_WINDOW + TAIL_WINDOW {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "windows of {h} and {t} bytes do not fit a file of {len} bytes \
                     ({HEAD_WINDOW} and {TAIL_WINDOW} expected)"
                ),
            ));
        }
        Ok(Source {
            file: None,
            data: Data::Windows { head, tail },
            len,
            modified: None,
            gap: Cell::new(false),
        })
    }

    /// The file's bytes as the parsers see them.
    pub fn bytes(&self) -> Bytes<'_> {
        match &self.data {
            Data::Read(v) => Bytes::full(v),
            Data::Windows { head, tail } => Bytes::windows(head, tail, self.len, &self.gap),
            #[cfg(unix)]
            Data::Mapped(m) => Bytes::full(m.bytes()),
        }
    }

    /// Whether a parser needed bytes between the windows: the probe must be
    /// run again over the whole file.
    pub fn needs_whole(&self) -> bool {
        self.gap.get()
    }

    /// MD5/SHA-256 of the whole file, or `None` for a windowed source.
    /// Mapped pages are released behind the pass.
    pub fn digest(&self, set: Hashes) -> Option<Digests> {
        match &self.data {
            Data::Read(v) => Some(checksum::digest(v, set)),
            Data::Windows { .. } => None,
            #[cfg(unix)]
            Data::Mapped(m) => {
                m.advise_sequential();
                let mut hasher = Hasher::new(set);
                for (i, step) in m.bytes().chunks(RELEASE_STEP).enumerate() {
                    hasher.update(step);
                    m.release(i * RELEASE_STEP, step.len());
                }
                Some(hasher.finish())
            }
        }
    }

    /// [`Source::digest`], also handing the bytes of `range` to `tap` in the
    /// same pass, in order: one read of the file serves the digests and a
    /// decoded-audio check. `None` for a windowed source.
    pub fn digest_with(
        &self,
        set: Hashes,
        range: std::ops::Range<u64>,
        tap: &mut dyn FnMut(&[u8]),
    ) -> Option<Digests> {
        let all: &[u8] = match &self.data {
            Data::Read(v) => v,
            Data::Windows { .. } => return None,
            #[cfg(unix)]
            Data::Mapped(m) => {
                m.advise_sequential();
                m.bytes()
            }
        };
        let len = all.len() as u64;
        let (start, end) = (range.start.min(len), range.end.min(len));
        let mut hasher = Hasher::new(set);
        for (i, step) in all.chunks(RELEASE_STEP).enumerate() {
            let at = (i * RELEASE_STEP) as u64;
            hasher.update(step);
            let (lo, hi) = (start.max(at), end.min(at + step.len() as u64));
            if lo < hi {
                tap(&step[(lo - at) as usize..(hi - at) as usize]);
            }
            #[cfg(unix)]
            if let Data::Mapped(m) = &self.data {
                m.release(i * RELEASE_STEP, step.len());
            }
        }
        Some(hasher.finish())
    }

    /// Run `walk` over the whole file while the digests follow it: `walk`
    /// gets every byte and a [`Behind`] it tells how far it has read
    /// ([`Behind::reached`]); the bytes before that point are hashed right
    /// then, while they are still in the cache, and the mapped pages behind
    /// are released, so a frame-by-frame verifier and the digests share one
    /// pass and resident memory stays bounded whatever the file's size. The
    /// digests of what `walk` did not reach are taken at the end. `None`
    /// digests for a windowed source (whose `walk` sees no bytes).
    pub fn walk<R>(
        &self,
        set: Hashes,
        walk: impl FnOnce(&[u8], &mut Behind<'_>) -> R,
    ) -> (R, Option<Digests>) {
        let all: &[u8] = match &self.data {
            Data::Read(v) => v,
            Data::Windows { .. } => {
                let mut behind = Behind::new(&[], set, None);
                return (walk(&[], &mut behind), None);
            }
            #[cfg(unix)]
            Data::Mapped(m) => {
                m.advise_sequential();
                m.bytes()
            }
        };
        #[cfg(unix)]
        let map = match &self.data {
            Data::Mapped(m) => Some(m),
            _ => None,
        };
        #[cfg(not(unix))]
        let map = None;
        let mut behind = Behind::new(all, set, map);
        let result = walk(all, &mut behind);
        behind.reached(all.len() as u64);
        (result, Some(behind.hasher.finish()))
    }

    /// The size when the file was opened.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether the file is memory-mapped.
    pub fn is_mapped(&self) -> bool {
        #[cfg(unix)]
        return matches!(self.data, Data::Mapped(_));
        #[cfg(not(unix))]
        false
    }

    /// Why the bytes read may not be the file's, if they may not: a fault in
    /// the mapping (the file shrank), or a different size or modification
    /// time now than at opening.
    pub fn changed(&self) -> Option<String> {
        #[cfg(unix)]
        if let Data::Mapped(m) = &self.data
            && m.faulted()
        {
            let now = self
                .file
                .as_ref()
                .and_then(|f| f.metadata().ok())
                .map_or(0, |m| m.len());
            return Some(format!(
                "the file was truncated while it was read ({} bytes at opening, {} now)",
                self.len, now
            ));
        }
        let meta = self.file.as_ref()?.metadata().ok()?;
        if !meta.is_file() {
            return None;
        }
        if meta.len() != self.len {
            return Some(format!(
                "the file changed size while it was read ({} bytes at opening, {} now)",
                self.len,
                meta.len()
            ));
        }
        if meta.modified().ok() != self.modified {
            return Some("the file was modified while it was read".to_string());
        }
        None
    }
}

fn read_bounded(file: &mut File, meta: &Metadata) -> io::Result<Vec<u8>> {
    let hint = if meta.is_file() { meta.len() } else { 0 };
    let mut data = Vec::with_capacity(hint.min(MAP_THRESHOLD) as usize);
    file.take(MAX_UNMAPPED_READ + 1).read_to_end(&mut data)?;
    if data.len() as u64 > MAX_UNMAPPED_READ {
        return Err(io::Error::other(format!(
            "not a regular file and larger than {MAX_UNMAPPED_READ} bytes"
        )));
    }
    Ok(data)
}

/// Fill `buf` from `file` at `offset`, without moving a cursor.
#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, offset)
}

/// Fill `buf` from `file` at `offset` (Windows: `seek_read` until full).
#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Elsewhere: no positioned reads, so files are read whole.
#[cfg(not(any(unix, windows)))]
fn read_exact_at(_: &File, _: &mut [u8], _: u64) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

/// How far a [`Source::walk`] has read: the digests and the release of
/// mapped pages follow it.
pub struct Behind<'a> {
    all: &'a [u8],
    hasher: Hasher,
    hashed: u64,
    #[cfg(unix)]
    released: u64,
    #[cfg(unix)]
    map: Option<&'a guard::GuardedMap>,
}

impl<'a> Behind<'a> {
    #[cfg(unix)]
    fn new(all: &'a [u8], set: Hashes, map: Option<&'a guard::GuardedMap>) -> Behind<'a> {
        Behind {
            all,
            hasher: Hasher::new(set),
            hashed: 0,
            released: 0,
            map,
        }
    }

    #[cfg(not(unix))]
    fn new(all: &'a [u8], set: Hashes, _: Option<()>) -> Behind<'a> {
        Behind {
            all,
            hasher: Hasher::new(set),
            hashed: 0,
        }
    }

    /// Everything before `offset` has been read and will not be needed
    /// again (a later look back still works: a released page is read
    /// again from the file). Offsets that go backwards are ignored.
    pub fn reached(&mut self, offset: u64) {
        let to = offset.min(self.all.len() as u64);
        if to <= self.hashed {
            return;
        }
        self.hasher
            .update(&self.all[self.hashed as usize..to as usize]);
        self.hashed = to;
        #[cfg(unix)]
        if let Some(m) = self.map {
            let step = RELEASE_STEP as u64;
            let upto = to / step * step;
            if upto > self.released {
                m.release(self.released as usize, (upto - self.released) as usize);
                self.released = upto;
            }
        }
    }
}

#[cfg(unix)]
mod guard {
    //! The mapping table and the `SIGBUS` handler. This is the crate's only
    //! `unsafe` code.

    use memmap2::{Advice, Mmap, UncheckedAdvice};
    use std::fs::File;
    use std::io;
    use std::sync::Once;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    const SLOTS: usize = 512;
    const FREE: usize = 0;
    const CLAIMED: usize = 1;

    // Slot i describes one live mapping: STARTS[i] is its address (FREE or
    // CLAIMED when none), LENS[i] its length, FAULTED[i] whether the handler
    // had to patch it.
    static STARTS: [AtomicUsize; SLOTS] = [const { AtomicUsize::new(FREE) }; SLOTS];
    static LENS: [AtomicUsize; SLOTS] = [const { AtomicUsize::new(0) }; SLOTS];
    static FAULTED: [AtomicBool; SLOTS] = [const { AtomicBool::new(false) }; SLOTS];
    static INSTALL: Once = Once::new();
    static INSTALLED: AtomicBool = AtomicBool::new(false);

    /// The action that was in place before ours, restored for faults that
    /// are not in our mappings so an embedding program's handler still runs.
    struct Previous(std::cell::UnsafeCell<std::mem::MaybeUninit<libc::sigaction>>);
    // SAFETY: written once inside `INSTALL.call_once`, before `INSTALLED` is
    // published with Release ordering; only read after that.
    unsafe impl Sync for Previous {}
    static PREVIOUS: Previous =
        Previous(std::cell::UnsafeCell::new(std::mem::MaybeUninit::zeroed()));

    /// A read-only mapping registered with the `SIGBUS` handler.
    pub struct GuardedMap {
        map: Mmap,
        slot: usize,
    }

    impl GuardedMap {
        /// Map `file`, or `None` when the handler is unavailable or the
        /// table is full (the caller then reads the file instead).
        pub fn new(file: &File) -> io::Result<Option<GuardedMap>> {
            if !INSTALLED.load(Ordering::Acquire) {
                return Ok(None);
            }
            let Some(slot) = claim_slot() else {
                return Ok(None);
            };
            // SAFETY: the mapping is read-only and private to this process.
            // Another process may still truncate or rewrite the file while it
            // is mapped; truncation is made survivable by the SIGBUS handler
            // below, and rewrites are detected by `Source::changed` (the
            // bytes read are then discarded with a `file_changed` error).
            let map = match unsafe { Mmap::map(file) } {
                Ok(map) => map,
                Err(e) => {
                    STARTS[slot].store(FREE, Ordering::Release);
                    return Err(e);
                }
            };
            FAULTED[slot].store(false, Ordering::Relaxed);
            LENS[slot].store(map.len(), Ordering::Relaxed);
            STARTS[slot].store(map.as_ptr() as usize, Ordering::Release);
            Ok(Some(GuardedMap { map, slot }))
        }

        pub fn bytes(&self) -> &[u8] {
            &self.map
        }

        pub fn faulted(&self) -> bool {
            FAULTED[self.slot].load(Ordering::Acquire)
        }

        pub fn advise_sequential(&self) {
            // Advice is a hint; failure changes nothing.
            let _ = self.map.advise(Advice::Sequential);
        }

        /// Drop `len` bytes at `offset` from this process's resident set
        /// once they have been read.
        pub fn release(&self, offset: usize, len: usize) {
            // SAFETY: the mapping is shared, read-only and file-backed:
            // MADV_DONTNEED only unmaps its pages from this process (they
            // stay in the page cache) and a later read faults them back in
            // from the file, so no data can change or be lost. Failure is
            // harmless.
            let _ = unsafe {
                self.map
                    .unchecked_advise_range(UncheckedAdvice::DontNeed, offset, len)
            };
        }
    }

    impl Drop for GuardedMap {
        fn drop(&mut self) {
            // Unregister before the mapping goes away (the field drops after).
            STARTS[self.slot].store(FREE, Ordering::Release);
        }
    }

    fn claim_slot() -> Option<usize> {
        (0..SLOTS).find(|&i| {
            STARTS[i]
                .compare_exchange(FREE, CLAIMED, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        })
    }

    /// Install the handler (once); whether it is in place.
    pub fn install() -> bool {
        INSTALL.call_once(install_handler);
        INSTALLED.load(Ordering::Acquire)
    }

    fn install_handler() {
        // SAFETY: a zeroed sigaction is a valid starting value; we set the
        // handler and flags before passing it to the kernel.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_sigbus as *const () as usize;
            action.sa_flags = libc::SA_SIGINFO;
            libc::sigemptyset(&mut action.sa_mask);
            let previous = (*PREVIOUS.0.get()).as_mut_ptr();
            if libc::sigaction(libc::SIGBUS, &action, previous) == 0 {
                INSTALLED.store(true, Ordering::Release);
            }
        }
    }

    /// The `SIGBUS` handler. Async-signal-safe: atomics and system calls only.
    extern "C" fn on_sigbus(
        _sig: libc::c_int,
        info: *mut libc::siginfo_t,
        _ctx: *mut libc::c_void,
    ) {
        // SAFETY: the kernel passes a valid siginfo for SA_SIGINFO handlers.
        let addr = unsafe { (*info).si_addr() } as usize;
        for i in 0..SLOTS {
            let start = STARTS[i].load(Ordering::Acquire);
            if start <= CLAIMED {
                continue;
            }
            let len = LENS[i].load(Ordering::Relaxed);
            if addr < start || addr - start >= len {
                continue;
            }
            // SAFETY: sysconf is async-signal-safe.
            let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(4096) as usize;
            let from = addr & !(page - 1);
            let to = start + len;
            // SAFETY: [from, to) lies inside our own live mapping; replacing
            // its pages with anonymous zero pages keeps the memory valid for
            // the reader that faulted, which then sees zeros.
            let res = unsafe {
                libc::mmap(
                    from as *mut libc::c_void,
                    to - from,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                    -1,
                    0,
                )
            };
            if res != libc::MAP_FAILED {
                FAULTED[i].store(true, Ordering::Release);
                return;
            }
            break;
        }
        // Not ours (or the patch failed): put back the action that was there
        // before us, so the faulting instruction faults again and that
        // handler (or the default action, ending the process) takes it as it
        // would have without us.
        // SAFETY: sigaction is async-signal-safe; PREVIOUS was filled by the
        // kernel before this handler was installed.
        unsafe {
            libc::sigaction(
                libc::SIGBUS,
                (*PREVIOUS.0.get()).as_ptr(),
                std::ptr::null_mut(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn small_files_are_read_large_ones_mapped() {
        assert!(install_sigbus_guard());
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small");
        std::fs::write(&small, b"RIFF").unwrap();
        let s = Source::open(&small).unwrap();
        assert!(!s.is_mapped());
        assert_eq!(s.bytes().get(0, 4), Some(&b"RIFF"[..]));

        let big = dir.path().join("big");
        std::fs::write(&big, vec![7u8; MAP_THRESHOLD as usize]).unwrap();
        let s = Source::open(&big).unwrap();
        assert!(s.is_mapped());
        assert_eq!(s.bytes().len(), MAP_THRESHOLD);
        assert!(s.changed().is_none());
        let d = s.digest(Hashes::BOTH).unwrap();
        assert_eq!(
            d,
            checksum::digest(&vec![7u8; MAP_THRESHOLD as usize], Hashes::BOTH)
        );

        let w = Source::open_windows(&big).unwrap();
        assert!(!w.is_mapped());
        assert_eq!(w.bytes().get(0, 2), Some(&[7u8, 7][..]));
        assert!(!w.needs_whole());
        assert_eq!(w.bytes().get(HEAD_WINDOW + 1, 1), None);
        assert!(w.needs_whole(), "a read between the windows is flagged");
        assert!(w.digest(Hashes::BOTH).is_none());
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn truncation_while_mapped_is_survived_and_reported() {
        assert!(install_sigbus_guard());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shrinks");
        let mut f = File::create(&path).unwrap();
        f.write_all(&vec![1u8; 1 << 20]).unwrap();
        drop(f);
        let s = Source::open(&path).unwrap();
        assert!(s.is_mapped());
        // Another writer truncates the file to 4 KiB while it is mapped.
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(4096)
            .unwrap();
        // Reading the whole mapping would raise SIGBUS without the guard.
        let all = s.bytes().get(0, 1 << 20).unwrap();
        let sum: u64 = all.iter().map(|&b| u64::from(b)).sum();
        assert_eq!(sum, 4096, "pages past the new end read as zeros");
        let why = s.changed().expect("the truncation is reported");
        assert!(why.contains("truncated"), "{why}");
    }

    #[test]
    fn growth_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("grows");
        std::fs::write(&path, b"abc").unwrap();
        let s = Source::open(&path).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"def")
            .unwrap();
        assert!(s.changed().unwrap().contains("changed size"));
    }
}
