//! The ordered parallel map every command runs its per-file work through.
//!
//! Items come from an iterator (a directory walk going on, or a list): a
//! worker takes the next one and its index under one lock, runs the work
//! on it, then commits the result: under another lock, a result is parked
//! until every earlier one is out, and whichever worker completes the run
//! in front hands it and all parked successors to the sink. The walk thus
//! goes on while the first records are written, one entry at a time, on
//! whichever worker needs an item. No thread sits between the workers and
//! the output, so nothing is handed over per item, and with one job the
//! map runs on the calling thread alone. Workers never run more than a
//! fixed window ahead of the output, which bounds memory whatever the
//! number of items. When the sink fails (a closed pipe, a full disk) no
//! new item is taken and the error is returned.

use std::collections::HashMap;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

/// The output side, behind one lock.
struct Commit<T, S> {
    /// Finished results waiting for an earlier one.
    parked: HashMap<usize, T>,
    /// Index of the next result to emit.
    next_out: usize,
    sink: S,
    sink_error: Option<io::Error>,
}

impl<T, S> Commit<T, S>
where
    S: FnMut(T) -> io::Result<()>,
{
    /// Park result `i`, then emit every result that is next in order.
    fn commit(&mut self, i: usize, result: T) {
        if self.sink_error.is_some() {
            return;
        }
        self.parked.insert(i, result);
        while let Some(result) = self.parked.remove(&self.next_out) {
            self.next_out += 1;
            if let Err(e) = (self.sink)(result) {
                self.sink_error = Some(e);
                self.parked.clear();
                return;
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock is a bug elsewhere; the data is still
    // consistent (every update is a single step), so carry on with it.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What the workers take items from: the iterator and the index of its
/// next item.
struct Source<I> {
    items: I,
    next_in: usize,
}

/// Run `work(i, item)` for every item of `items` (`i` its 0-based index)
/// on `jobs` threads (the calling thread is one of them) and call `sink`
/// with each result in index order. Items are taken from the iterator one
/// at a time, as workers need them, never more than a window ahead of the
/// output. Returns the sink's error, if it failed.
pub fn ordered<I, T, W, S>(items: I, jobs: usize, work: W, sink: S) -> Option<io::Error>
where
    I: IntoIterator,
    I::IntoIter: Send,
    T: Send,
    W: Fn(usize, I::Item) -> T + Sync,
    S: FnMut(T) -> io::Result<()> + Send,
{
    let jobs = jobs.max(1);
    let window = (jobs * 32).max(64);
    let source = Mutex::new(Source {
        items: items.into_iter().fuse(),
        next_in: 0,
    });
    let stop = AtomicBool::new(false);
    let waiting = AtomicUsize::new(0);
    let advanced = Condvar::new();
    let out = Mutex::new(Commit {
        parked: HashMap::new(),
        next_out: 0,
        sink,
        sink_error: None,
    });

    let run = || {
        loop {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            // Wait for room in the window before taking an item, so that
            // nothing is taken from the walk further ahead than that.
            let (i, item) = {
                let mut s = lock(&source);
                let i = s.next_in;
                {
                    let mut c = lock(&out);
                    while i >= c.next_out + window && c.sink_error.is_none() {
                        waiting.fetch_add(1, Ordering::SeqCst);
                        c = advanced.wait(c).unwrap_or_else(|e| e.into_inner());
                        waiting.fetch_sub(1, Ordering::SeqCst);
                    }
                    if c.sink_error.is_some() {
                        break;
                    }
                }
                let Some(item) = s.items.next() else {
                    break;
                };
                s.next_in += 1;
                (i, item)
            };
            let result = work(i, item);
            let mut c = lock(&out);
            let before = c.next_out;
            c.commit(i, result);
            if c.sink_error.is_some() {
                stop.store(true, Ordering::Relaxed);
            }
            let moved = c.next_out != before || c.sink_error.is_some();
            drop(c);
            if moved && waiting.load(Ordering::SeqCst) > 0 {
                advanced.notify_all();
            }
        }
    };

    let pool = (jobs > 1)
        .then(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(jobs - 1)
                .build()
                .ok()
        })
        .flatten();
    match pool {
        Some(pool) => pool.in_place_scope(|s| {
            let run = &run;
            for _ in 1..jobs {
                s.spawn(move |_| run());
            }
            run();
        }),
        None => run(),
    }

    out.into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .sink_error
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_index_order_whatever_the_jobs() {
        for jobs in [1, 2, 4, 16] {
            let mut seen = Vec::new();
            let err = ordered(
                0..1000,
                jobs,
                |_, i| {
                    // Uneven work, so that workers finish out of order.
                    if i % 13 == 0 {
                        std::thread::yield_now();
                    }
                    i * 2
                },
                |x| {
                    seen.push(x);
                    Ok(())
                },
            );
            assert!(err.is_none());
            assert_eq!(seen, (0..1000).map(|i| i * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_failing_sink_stops_new_work() {
        let started = AtomicUsize::new(0);
        let mut n = 0;
        let err = ordered(
            0..100_000,
            2,
            |_, i| {
                started.fetch_add(1, Ordering::Relaxed);
                i
            },
            |_| {
                n += 1;
                if n == 3 {
                    Err(io::Error::from(io::ErrorKind::BrokenPipe))
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(err.unwrap().kind(), io::ErrorKind::BrokenPipe);
        assert_eq!(n, 3);
        // At most the window ahead of the output was started.
        assert!(started.load(Ordering::Relaxed) < 1_000);
    }

    #[test]
    fn items_are_taken_as_needed_and_indexed_in_order() {
        for jobs in [1, 3] {
            let taken = AtomicUsize::new(0);
            let items = (0..10_000).inspect(|_| {
                taken.fetch_add(1, Ordering::SeqCst);
            });
            let mut first_seen_at = None;
            let mut n = 0;
            let err = ordered(
                items,
                jobs,
                |i, x| {
                    assert_eq!(i, x);
                    x
                },
                |x| {
                    assert_eq!(x, n);
                    n += 1;
                    first_seen_at.get_or_insert(taken.load(Ordering::SeqCst));
                    Ok(())
                },
            );
            assert!(err.is_none());
            assert_eq!(n, 10_000);
            // The first result was out while most items were still to come.
            let at = first_seen_at.unwrap();
            assert!(
                at <= (jobs * 32).max(64) + jobs,
                "{at} taken before the first result"
            );
        }
    }
}
