//! The objects of one location and their fetching ahead of the workers.
//!
//! Objects are fetched ahead only when announced: whoever hands targets to
//! the workers ([`crate::scan::ahead`]) announces each object it is about
//! to hand over, in order, with the mode its measurement will ask for. A
//! driver task on the remote module's own tokio runtime fetches the
//! announced objects in that order with at most `io_concurrency` requests
//! in flight or fetched and not yet taken by a worker (a header-only fetch
//! of a large object is two requests at once): the semaphore permits
//! travel with each fetched object and are given back when a worker takes
//! it, or when the object is released untaken (a record that came from
//! elsewhere), so memory is bounded by the concurrency whatever the
//! catalog's size, and an object that is never measured never holds a
//! permit for long. A worker waits only for its own object. An object not
//! announced, or measured in another mode (the whole object when a parser
//! needs the middle), is fetched directly.

use super::fetch::{Fetched, Mode, fetch};
use crate::checksum::Hashes;
use crate::formats::Budget;
use crate::io::source::{HEAD_WINDOW, TAIL_WINDOW};
use crate::qc::Settings;
use crate::record::Record;
use object_store::ObjectStore;
use object_store::path::Path;
use std::collections::{HashMap, HashSet};
use std::io;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use tokio::runtime::Runtime;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
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

/// An object announced: its place, key, listed size and fetch mode.
struct Job {
    index: usize,
    key: Path,
    size: Option<u64>,
    mode: Mode,
}

/// What the workers and the fetches share, behind one lock.
#[derive(Default)]
struct State {
    /// Announced and not yet taken or released: the mode announced.
    announced: HashMap<usize, Mode>,
    /// Fetched and not yet taken.
    slots: HashMap<usize, Slot>,
    /// Released before their fetch ended: dropped when it does.
    released: HashSet<usize>,
}

type Shared = Arc<(Mutex<State>, Condvar)>;

/// The objects of one location and the store they are in.
pub struct Session {
    store: Arc<dyn ObjectStore>,
    io_concurrency: usize,
    shared: Shared,
    driver: Mutex<Option<(UnboundedSender<Job>, tokio::task::JoinHandle<()>)>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Session {
    /// A session over the objects of `store`, fetching ahead with at most
    /// `io_concurrency` requests in flight.
    pub fn new(store: Arc<dyn ObjectStore>, io_concurrency: usize) -> Session {
        Session {
            store,
            io_concurrency: io_concurrency.max(1),
            shared: Arc::default(),
            driver: Mutex::new(None),
        }
    }

    /// Requests in flight at most: how far ahead objects are worth
    /// announcing.
    pub fn io_concurrency(&self) -> usize {
        self.io_concurrency
    }

    /// The driver: fetches announced objects in order, within the permits.
    fn start(&self) -> (UnboundedSender<Job>, tokio::task::JoinHandle<()>) {
        let (send, mut jobs) = unbounded_channel::<Job>();
        let permits = Arc::new(Semaphore::new(self.io_concurrency));
        let io = u32::try_from(self.io_concurrency).unwrap_or(u32::MAX);
        let (store, shared) = (self.store.clone(), self.shared.clone());
        let driver = runtime().spawn(async move {
            while let Some(job) = jobs.recv().await {
                let two = job.mode == Mode::Windows
                    && job.size.is_none_or(|n| n > HEAD_WINDOW + TAIL_WINDOW);
                let need = if two { 2.min(io) } else { 1 };
                let Ok(permit) = permits.clone().acquire_many_owned(need).await else {
                    return;
                };
                let (store, shared) = (store.clone(), shared.clone());
                tokio::spawn(async move {
                    let fetched = fetch(store.as_ref(), &job.key, job.size, job.mode).await;
                    let mut state = lock(&shared.0);
                    if !state.released.remove(&job.index) {
                        state.slots.insert(job.index, (fetched, permit));
                        shared.1.notify_all();
                    }
                });
            }
        });
        (send, driver)
    }

    /// Fetch object `index` ahead, as `mode` asks: its worker will
    /// [`Session::take`] it (or [`Session::release`] it).
    pub fn announce(&self, index: usize, key: &Path, size: Option<u64>, mode: Mode) {
        lock(&self.shared.0).announced.insert(index, mode);
        let mut driver = lock(&self.driver);
        let (send, _) = driver.get_or_insert_with(|| self.start());
        let job = Job {
            index,
            key: key.clone(),
            size,
            mode,
        };
        if send.send(job).is_err() {
            // The driver is gone (the runtime is shutting down): fetched
            // directly when taken.
            lock(&self.shared.0).announced.remove(&index);
        }
    }

    /// Object `index` fetched as `mode` asks: from the fetches ahead when
    /// it was announced in that mode, else now.
    pub fn take(
        &self,
        index: usize,
        key: &Path,
        size: Option<u64>,
        mode: Mode,
    ) -> io::Result<Fetched> {
        let (state, arrived) = &*self.shared;
        let mut state = lock(state);
        if state.announced.get(&index) != Some(&mode) {
            drop(state);
            return self.fetch_now(key, size, mode);
        }
        state.announced.remove(&index);
        loop {
            if let Some((fetched, _permit)) = state.slots.remove(&index) {
                return fetched;
            }
            state = arrived.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Object `index` will not be taken: its fetch ahead, if any, is
    /// dropped and its permits given back.
    pub fn release(&self, index: usize) {
        let mut state = lock(&self.shared.0);
        if state.announced.remove(&index).is_some() && state.slots.remove(&index).is_none() {
            state.released.insert(index);
        }
    }

    /// An object fetched now, on the calling thread.
    pub fn fetch_now(&self, key: &Path, size: Option<u64>, mode: Mode) -> io::Result<Fetched> {
        runtime().block_on(fetch(self.store.as_ref(), key, size, mode))
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some((_, driver)) = lock(&self.driver).take() {
            driver.abort();
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
            session.take(object.index, &object.key, object.size, mode)
        } else {
            session.fetch_now(&object.key, object.size, mode)
        };
        fetched?.into_source()
    };
    let ext = std::path::Path::new(&object.url)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_string);
    let record = crate::scan::measure::measure_with(
        open,
        || object.size.unwrap_or(0),
        ext.as_deref(),
        display,
        hashes,
        verify,
        qc,
    );
    // Never taken (the measurement failed before it opened anything).
    session.release(object.index);
    record
}
