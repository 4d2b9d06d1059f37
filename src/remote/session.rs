//! The objects of one location and their fetching ahead of the workers.
//!
//! The first measurement of a session starts a driver task on the remote
//! module's own tokio runtime that fetches every object of the session in
//! list order (the order the ordered map measures them in), in the mode
//! that measurement asked for, with at most `io_concurrency` requests in
//! flight or fetched and not yet taken by a worker (a header-only fetch of
//! a large object is two requests at once): the semaphore permits travel
//! with each fetched object and are given back when a worker takes it, so
//! memory is bounded by the concurrency whatever the catalog's size. A worker waits only for its own object. A measurement in another
//! mode (the whole object when a parser needs the middle, a digest asked
//! for later) fetches directly.

use super::fetch::{Fetched, Mode, fetch};
use crate::checksum::Hashes;
use crate::formats::Budget;
use crate::io::source::{HEAD_WINDOW, TAIL_WINDOW};
use crate::qc::Settings;
use crate::record::Record;
use object_store::ObjectStore;
use object_store::path::Path;
use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use tokio::runtime::Runtime;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The remote module's runtime: requests only (parsing stays on the
/// workers), so two threads are plenty for thousands in flight.
pub fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("ddexprobe-io")
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("cannot start the I/O runtime: {e}"))
    })
}

type Slot = (io::Result<Fetched>, OwnedSemaphorePermit);

/// Objects fetched ahead and not yet taken.
struct Ahead {
    mode: Mode,
    ready: Arc<(Mutex<HashMap<usize, Slot>>, Condvar)>,
    driver: tokio::task::JoinHandle<()>,
}

/// The objects of one location, in order, and the store they are in.
pub struct Session {
    store: Arc<dyn ObjectStore>,
    objects: Arc<Vec<(Path, Option<u64>)>>,
    io_concurrency: usize,
    ahead: Mutex<Option<Ahead>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Session {
    /// A session over `objects` (key, size when listed).
    pub fn new(
        store: Arc<dyn ObjectStore>,
        objects: Vec<(Path, Option<u64>)>,
        io_concurrency: usize,
    ) -> Session {
        Session {
            store,
            objects: Arc::new(objects),
            io_concurrency: io_concurrency.max(1),
            ahead: Mutex::new(None),
        }
    }

    fn start(&self, mode: Mode) -> Ahead {
        let ready: Arc<(Mutex<HashMap<usize, Slot>>, Condvar)> = Arc::default();
        let permits = Arc::new(Semaphore::new(self.io_concurrency));
        let io = u32::try_from(self.io_concurrency).unwrap_or(u32::MAX);
        let (store, objects, slots) = (self.store.clone(), self.objects.clone(), ready.clone());
        let driver = runtime().spawn(async move {
            for index in 0..objects.len() {
                // A header-only fetch of an object larger than both windows
                // is two requests at once.
                let two = mode == Mode::Windows
                    && objects[index]
                        .1
                        .is_none_or(|n| n > HEAD_WINDOW + TAIL_WINDOW);
                let need = if two { 2.min(io) } else { 1 };
                let Ok(permit) = permits.clone().acquire_many_owned(need).await else {
                    return;
                };
                let (store, objects, slots) = (store.clone(), objects.clone(), slots.clone());
                tokio::spawn(async move {
                    let (key, size) = &objects[index];
                    let fetched = fetch(store.as_ref(), key, *size, mode).await;
                    lock(&slots.0).insert(index, (fetched, permit));
                    slots.1.notify_all();
                });
            }
        });
        Ahead {
            mode,
            ready,
            driver,
        }
    }

    /// Object `index` fetched as `mode` asks: from the fetches ahead when
    /// they are in that mode (starting them on the first call), else
    /// directly.
    pub fn take(&self, index: usize, mode: Mode) -> io::Result<Fetched> {
        let ready = {
            let mut ahead = lock(&self.ahead);
            let a = ahead.get_or_insert_with(|| self.start(mode));
            (a.mode == mode).then(|| a.ready.clone())
        };
        match ready {
            Some(ready) if index < self.objects.len() => {
                let (slots, arrived) = &*ready;
                let mut map = lock(slots);
                loop {
                    if let Some((fetched, _permit)) = map.remove(&index) {
                        return fetched;
                    }
                    map = arrived.wait(map).unwrap_or_else(|e| e.into_inner());
                }
            }
            _ => self.fetch_now(index, mode),
        }
    }

    /// Object `index` fetched now, on the calling thread.
    pub fn fetch_now(&self, index: usize, mode: Mode) -> io::Result<Fetched> {
        let Some((key, size)) = self.objects.get(index) else {
            return Err(io::Error::other("no such object in this listing"));
        };
        runtime().block_on(fetch(self.store.as_ref(), key, *size, mode))
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(a) = lock(&self.ahead).take() {
            a.driver.abort();
        }
    }
}

/// Measure one object as [`crate::scan::measure`] measures a file: the
/// windows (or the whole, with digests, verification or QC) from the
/// fetches ahead, the whole once more only when a parser needs the middle.
pub fn measure(
    object: &super::Object,
    display: String,
    hashes: Hashes,
    verify: Option<Budget>,
    qc: Option<Settings>,
) -> Record {
    let verify = verify.or(qc.map(|_| Budget::default()));
    let session = &object.session;
    let first = std::cell::Cell::new(true);
    let open = |whole: bool| {
        let mode = if whole { Mode::Whole } else { Mode::Windows };
        let fetched = if first.replace(false) {
            session.take(object.index, mode)
        } else {
            session.fetch_now(object.index, mode)
        };
        fetched?.into_source()
    };
    let ext = std::path::Path::new(&object.url)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_string);
    crate::scan::measure::measure_with(
        open,
        || object.size.unwrap_or(0),
        ext.as_deref(),
        display,
        hashes,
        verify,
        qc,
    )
}
