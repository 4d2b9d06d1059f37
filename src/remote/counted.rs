//! What a remote measurement asks of the store, counted over an in-memory
//! store: the requests and bytes per object, and records equal to those of
//! the same files on disk.

use super::{Location, RemoteOptions, Scheme};
use crate::checksum::Hashes;
use crate::formats::Budget;
use crate::io::source::{HEAD_WINDOW, Source, TAIL_WINDOW};
use crate::scan::discover::{Discovery, Walk, discover_with};
use crate::scan::{ScanOptions, Target};
use futures::stream::BoxStream;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{
    CopyOptions, GetOptions, GetRange, GetResult, ListResult, MultipartUpload, ObjectMeta,
    ObjectStore, ObjectStoreExt, PutMultipartOptions, PutOptions, PutPayload, PutResult,
};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};

/// One GET as the store saw it: the range asked for, whether it was a
/// HEAD, and the bytes the response carried.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Get {
    range: Option<GetRange>,
    head: bool,
    bytes: u64,
}

/// An in-memory store that counts every GET per object, and can hold
/// the listing of one prefix until the test opens its gate.
#[derive(Debug, Default)]
struct Counting {
    inner: InMemory,
    gets: Mutex<BTreeMap<String, Vec<Get>>>,
    gate: Mutex<Option<(String, Arc<tokio::sync::Semaphore>)>>,
}

impl fmt::Display for Counting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Counting({})", self.inner)
    }
}

impl Counting {
    fn gets(&self, key: &str) -> Vec<Get> {
        self.gets
            .lock()
            .unwrap()
            .get(key)
            .cloned()
            .unwrap_or_default()
    }

    fn reset(&self) {
        self.gets.lock().unwrap().clear();
    }
}

#[async_trait::async_trait]
impl ObjectStore for Counting {
    async fn put_opts(
        &self,
        location: &Path,
        payload: PutPayload,
        opts: PutOptions,
    ) -> object_store::Result<PutResult> {
        self.inner.put_opts(location, payload, opts).await
    }

    async fn put_multipart_opts(
        &self,
        location: &Path,
        opts: PutMultipartOptions,
    ) -> object_store::Result<Box<dyn MultipartUpload>> {
        self.inner.put_multipart_opts(location, opts).await
    }

    async fn get_opts(
        &self,
        location: &Path,
        options: GetOptions,
    ) -> object_store::Result<GetResult> {
        let (range, head) = (options.range.clone(), options.head);
        let result = self.inner.get_opts(location, options).await?;
        let bytes = if head {
            0
        } else {
            result.range.end - result.range.start
        };
        self.gets
            .lock()
            .unwrap()
            .entry(location.to_string())
            .or_default()
            .push(Get { range, head, bytes });
        Ok(result)
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, object_store::Result<Path>>,
    ) -> BoxStream<'static, object_store::Result<Path>> {
        self.inner.delete_stream(locations)
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        self.inner.list(prefix)
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> object_store::Result<ListResult> {
        let gate = self.gate.lock().unwrap().clone();
        if let Some((held, gate)) = gate
            && prefix.is_some_and(|p| p.as_ref() == held)
        {
            drop(gate.acquire().await);
        }
        self.inner.list_with_delimiter(prefix).await
    }

    async fn copy_opts(
        &self,
        from: &Path,
        to: &Path,
        options: CopyOptions,
    ) -> object_store::Result<()> {
        self.inner.copy_opts(from, to, options).await
    }
}

/// A 16-bit stereo WAV with `junk` bytes of `JUNK` before `fmt ` and
/// `data` bytes of audio.
fn wav(junk: usize, data: usize) -> Vec<u8> {
    let mut v = b"RIFF".to_vec();
    let riff = 4 + (8 + junk) * usize::from(junk > 0) + 8 + 16 + 8 + data;
    v.extend((riff as u32).to_le_bytes());
    v.extend(b"WAVE");
    if junk > 0 {
        v.extend(b"JUNK");
        v.extend((junk as u32).to_le_bytes());
        v.extend(vec![0u8; junk]);
    }
    v.extend(b"fmt ");
    v.extend(16u32.to_le_bytes());
    v.extend(1u16.to_le_bytes());
    v.extend(2u16.to_le_bytes());
    v.extend(44_100u32.to_le_bytes());
    v.extend(176_400u32.to_le_bytes());
    v.extend(4u16.to_le_bytes());
    v.extend(16u16.to_le_bytes());
    v.extend(b"data");
    v.extend((data as u32).to_le_bytes());
    v.extend((0..data).map(|i| (i * 7 % 251) as u8));
    v
}

/// The same files on disk and in a counting store under `cat/`.
struct Fixture {
    dir: tempfile::TempDir,
    store: Arc<Counting>,
    sizes: BTreeMap<&'static str, u64>,
}

const BIG: &str = "a/big.wav";
const SMALL: &str = "small.wav";
const MIDDLE: &str = "b/middle.wav";

fn fixture() -> Fixture {
    let files: Vec<(&str, Vec<u8>)> = vec![
        (BIG, wav(0, 400_000)),
        (SMALL, wav(0, 20_000)),
        // `fmt ` lies in neither window: the parser needs the middle.
        (MIDDLE, wav(40_000, 100_000)),
        ("a/.hidden.wav", wav(0, 100)),
        ("a/big.wav.json", b"{}".to_vec()),
        ("notes.txt", b"not audio".to_vec()),
        ("a/c/deeper.wav", wav(0, 1000)),
        ("a0.wav", wav(0, 100_000)),
    ];
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Counting::default());
    let mut sizes = BTreeMap::new();
    for (name, bytes) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, &bytes).unwrap();
        sizes.insert(name, bytes.len() as u64);
        super::session::runtime()
            .block_on(store.put(&Path::from(format!("cat/{name}")), bytes.into()))
            .unwrap();
    }
    // An object beside the prefix, never listed.
    super::session::runtime()
        .block_on(store.put(&Path::from("cat2/x.wav"), wav(0, 10).into()))
        .unwrap();
    Fixture { dir, store, sizes }
}

fn location() -> Location {
    Location {
        url: "s3://bucket/cat".into(),
        scheme: Scheme::S3,
        bucket: "bucket".into(),
        key: "cat".into(),
        is_prefix: false,
    }
}

fn remote(f: &Fixture, io: usize) -> Discovery {
    let location = Location {
        url: "s3://bucket/cat".into(),
        scheme: Scheme::S3,
        bucket: "bucket".into(),
        key: "cat".into(),
        is_prefix: false,
    };
    let mut out = Discovery::default();
    let options = RemoteOptions {
        endpoint: None,
        io_concurrency: io,
    };
    super::list::discover_in(
        f.store.clone(),
        &location,
        &Walk::new(false),
        &options,
        &mut out,
    );
    out
}

fn records(targets: &[Target], opts: ScanOptions) -> Vec<String> {
    let mut out = Vec::new();
    crate::scan::scan(
        targets,
        opts,
        |r| {
            out.push(serde_json::to_string(r).unwrap());
            Ok(())
        },
        |_| {},
    );
    out
}

fn options(hashes: Hashes, verify: bool) -> ScanOptions {
    ScanOptions {
        hashes,
        jobs: 2,
        verify,
        budget: Budget::default(),
        qc: None,
    }
}

fn key(name: &str) -> String {
    format!("cat/{name}")
}

#[test]
fn a_prefix_lists_as_a_local_walk_walks() {
    let f = fixture();
    let remote = remote(&f, 4);
    let local = discover_with(&[f.dir.path().to_path_buf()], &Walk::new(false));
    assert!(remote.problems.is_empty(), "{:?}", remote.problems);
    let names = |d: &Discovery| {
        d.targets
            .iter()
            .map(|t| t.display.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&remote), names(&local));
    assert_eq!(
        names(&remote),
        [
            "a/big.wav",
            "a/c/deeper.wav",
            "a0.wav",
            "b/middle.wav",
            "small.wav"
        ]
    );
    let sizes: Vec<u64> = remote.targets.iter().map(|t| t.size).collect();
    assert_eq!(
        sizes,
        local.targets.iter().map(|t| t.size).collect::<Vec<_>>()
    );
    assert_eq!(
        remote.targets[0].path,
        std::path::PathBuf::from("s3://bucket/cat/a/big.wav")
    );
    // Listing costs no GET.
    assert!(f.store.gets.lock().unwrap().is_empty());
}

#[test]
fn a_header_only_scan_reads_the_two_windows_and_the_middle_only_when_asked() {
    let f = fixture();
    // The middle file really needs the middle when read locally.
    let s = Source::open_windows(&f.dir.path().join(MIDDLE)).unwrap();
    let _ = crate::formats::probe(s.bytes(), Some("wav"));
    assert!(s.needs_whole());

    let local = discover_with(&[f.dir.path().to_path_buf()], &Walk::new(false));
    for io in [1, 3, 64] {
        f.store.reset();
        let remote = remote(&f, io);
        let opts = options(Hashes::NONE, false);
        assert_eq!(
            records(&remote.targets, opts),
            records(&local.targets, opts)
        );
        let windows = vec![
            Get {
                range: Some(GetRange::Bounded(0..HEAD_WINDOW)),
                head: false,
                bytes: HEAD_WINDOW,
            },
            Get {
                range: Some(GetRange::Suffix(TAIL_WINDOW)),
                head: false,
                bytes: TAIL_WINDOW,
            },
        ];
        let mut big = f.store.gets(&key(BIG));
        big.sort_by_key(|g| g.bytes);
        assert_eq!(big, windows, "io {io}");
        assert_eq!(
            f.store.gets(&key(SMALL)),
            [Get {
                range: None,
                head: false,
                bytes: f.sizes[SMALL]
            }]
        );
        let mut middle = f.store.gets(&key(MIDDLE));
        middle.sort_by_key(|g| g.bytes);
        let mut want = windows.clone();
        want.push(Get {
            range: None,
            head: false,
            bytes: f.sizes[MIDDLE],
        });
        assert_eq!(middle, want, "one more GET, of the whole object");
        // No HEAD request at all, and nothing outside the prefix.
        let all = f.store.gets.lock().unwrap().clone();
        assert!(all.values().flatten().all(|g| !g.head));
        assert!(!all.contains_key("cat2/x.wav"));
        assert_eq!(all.len(), 5);
    }
}

#[test]
fn digests_and_verification_stream_each_object_once() {
    let f = fixture();
    let local = discover_with(&[f.dir.path().to_path_buf()], &Walk::new(false));
    for (hashes, verify) in [
        (Hashes::BOTH, false),
        (Hashes::NONE, true),
        (Hashes::BOTH, true),
    ] {
        f.store.reset();
        let remote = remote(&f, 8);
        let opts = options(hashes, verify);
        let got = records(&remote.targets, opts);
        assert_eq!(got, records(&local.targets, opts));
        if hashes.any() {
            assert!(got[0].contains("\"md5\""), "{}", got[0]);
        }
        for name in [BIG, SMALL, MIDDLE] {
            assert_eq!(
                f.store.gets(&key(name)),
                [Get {
                    range: None,
                    head: false,
                    bytes: f.sizes[name]
                }],
                "{name}"
            );
        }
    }
}

#[test]
fn large_objects_are_spilled_to_a_file_not_held_in_memory() {
    let store = Counting::default();
    let rt = super::session::runtime();
    let big = wav(0, (super::fetch::IN_MEMORY + 10) as usize);
    rt.block_on(store.put(&Path::from("x.wav"), big.clone().into()))
        .unwrap();
    let fetched = rt
        .block_on(super::fetch::fetch(
            &store,
            &Path::from("x.wav"),
            Some(big.len() as u64),
            super::fetch::Mode::Whole,
        ))
        .unwrap();
    assert!(matches!(fetched, super::fetch::Fetched::File(_)));
    let s = fetched.into_source().unwrap();
    assert_eq!(s.len(), big.len() as u64);
    assert_eq!(
        s.digest(Hashes::BOTH),
        Some(crate::checksum::digest(&big, Hashes::BOTH))
    );
    // The size unknown (no listing): the first GET's response says it.
    store.reset();
    let fetched = rt
        .block_on(super::fetch::fetch(
            &store,
            &Path::from("x.wav"),
            None,
            super::fetch::Mode::Windows,
        ))
        .unwrap();
    assert!(
        matches!(fetched, super::fetch::Fetched::Windows { len, .. } if len == big.len() as u64)
    );
    assert_eq!(store.gets("x.wav").len(), 2);
}

#[test]
fn a_missing_object_is_a_record_with_a_read_error() {
    let f = fixture();
    let remote = remote(&f, 2);
    let t = &remote.targets[0];
    super::session::runtime()
        .block_on(f.store.delete(&Path::from(key(BIG))))
        .unwrap();
    let r = options(Hashes::NONE, false).measure(t);
    assert_eq!(r.errors[0].code, crate::record::Code::ReadError);
    assert_eq!(r.path, "a/big.wav");
}

#[test]
fn objects_come_while_the_listing_goes_on() {
    let f = fixture();
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    *f.store.gate.lock().unwrap() = Some(("cat/b".to_string(), gate.clone()));
    let options = RemoteOptions {
        endpoint: None,
        io_concurrency: 4,
    };
    let listing = super::list::list_in(f.store.clone(), &location(), &Walk::new(false), &options);
    let (send, receive) = std::sync::mpsc::channel();
    let walker = std::thread::spawn(move || {
        for found in listing {
            if let crate::scan::Found::Target(t) = found {
                send.send(t.display).unwrap();
            }
        }
    });
    let wait = std::time::Duration::from_secs(10);
    // Everything before `b/` in walk order, while `cat/b` cannot be listed.
    for want in ["a/big.wav", "a/c/deeper.wav", "a0.wav"] {
        assert_eq!(receive.recv_timeout(wait).unwrap(), want);
    }
    assert!(
        receive
            .recv_timeout(std::time::Duration::from_millis(200))
            .is_err()
    );
    gate.add_permits(1);
    for want in ["b/middle.wav", "small.wav"] {
        assert_eq!(receive.recv_timeout(wait).unwrap(), want);
    }
    walker.join().unwrap();
}

#[test]
fn objects_fetched_ahead_and_not_measured_give_their_requests_back() {
    let f = fixture();
    // One request in flight: an object fetched ahead and never taken
    // would stop every later one.
    let remote = remote(&f, 1);
    let opts = options(Hashes::NONE, false);
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut records = Vec::new();
        crate::scan::scan_map_with(
            // The cache would say which: here it knows one of them only.
            crate::scan::ahead(&remote.targets, false, |t| t.display == BIG),
            2,
            |t| {
                // Records from elsewhere (a cache) for some objects.
                if t.display.starts_with('a') {
                    crate::record::Record::failed(
                        t.display.clone(),
                        0,
                        crate::record::Code::ReadError,
                        "from elsewhere".into(),
                    )
                } else {
                    opts.measure(t)
                }
            },
            |_, _| (),
            |r, ()| {
                records.push(r.path.clone());
                Ok(())
            },
            |_| {},
        );
        send.send(records).unwrap();
    });
    let records = receive
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the scan ended");
    assert_eq!(records.len(), 5);
    // What the cache is known to give is never fetched.
    assert!(f.store.gets(&key(BIG)).is_empty());
    assert!(!f.store.gets(&key(SMALL)).is_empty());
}
