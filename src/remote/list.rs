//! Listing a location into targets, streamed, in the order and with the
//! names a local walk of the same files gives.
//!
//! A prefix is walked as a local walk walks a directory: one delimited
//! listing per "directory" (paginated by the store), its entries sorted by
//! name, a "directory" descended into where its name sorts, hidden names,
//! excluded folders, `.json` sidecars and (without `--all`) names without
//! an audio extension left out, `--include` / `--exclude` applied to the
//! path relative to the prefix, which is also the record's `path`: a
//! bucket and a local copy of it give the same records. (A flat listing
//! costs fewer requests but gives keys in byte order, where `Album 1.wav`
//! comes before `Album/01.wav`; putting them in walk order would hold back
//! whole subtrees in catalogs named `Artist NN/…`.)
//!
//! The walk runs on the I/O runtime, a bounded channel ahead of the
//! consumer: each object is handed on as soon as its "directory" is
//! listed, so the first records come while the rest is being listed, and
//! memory holds the "directories" on the way down, not the catalog.
//!
//! An object named by its URL (no trailing `/`) costs one HEAD request
//! (its size and entity tag); only when there is no such object is the
//! URL walked as a prefix.

use super::session::{Session, runtime};
use super::{Location, Object, RemoteOptions};
use crate::record::{InputCode, InputProblem};
use crate::scan::Target;
use crate::scan::discover::{Discovery, Found, Walk, has_audio_extension, is_hidden};
use object_store::path::Path;
use object_store::{ObjectMeta, ObjectStore, ObjectStoreExt};
use std::collections::VecDeque;
use std::ffi::OsStr;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;
use tokio::sync::mpsc;

/// Targets and problems listed ahead of the consumer at most.
const LISTED_AHEAD: usize = 4096;

fn problem(url: &str, code: InputCode, message: impl Into<String>) -> InputProblem {
    InputProblem {
        path: url.to_string(),
        code,
        message: message.into(),
    }
}

/// One entry of a listed "directory".
enum Entry {
    /// An object.
    Object(ObjectMeta),
    /// A common prefix, listed when the walk reaches it.
    Prefix(Path),
}

impl Entry {
    fn name(&self) -> &str {
        let p = match self {
            Entry::Object(m) => &m.location,
            Entry::Prefix(p) => p,
        };
        p.as_ref().rsplit('/').next().unwrap_or("")
    }
}

/// One delimited listing (the store pages through it), sorted by name.
async fn list_dir(store: &dyn ObjectStore, prefix: &Path) -> object_store::Result<VecDeque<Entry>> {
    let prefix = (!prefix.as_ref().is_empty()).then_some(prefix);
    let listed = store.list_with_delimiter(prefix).await?;
    let mut entries: Vec<Entry> = listed
        .objects
        .into_iter()
        .map(Entry::Object)
        .chain(listed.common_prefixes.into_iter().map(Entry::Prefix))
        .collect();
    entries.sort_by(|a, b| a.name().cmp(b.name()));
    Ok(entries.into())
}

/// Whether a local walk takes the file at `rel` (its path relative to the
/// prefix, in a folder the walk entered): not hidden, not a `.json`
/// sidecar, an audio extension unless `--all`, and the `--include` /
/// `--exclude` globs.
fn takes(walk: &Walk, rel: &str) -> bool {
    let path = FsPath::new(rel);
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if rel.is_empty() || is_hidden(OsStr::new(name)) {
        return false;
    }
    let is_json = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json || !(walk.all || has_audio_extension(path)) {
        return false;
    }
    !walk.excluded(path) && walk.included(path)
}

/// Where the listing's targets and problems go.
struct Out {
    send: mpsc::Sender<Found>,
    location: Location,
    session: Arc<Session>,
    next: usize,
}

impl Out {
    /// Send a found object; false when nobody listens any more.
    async fn object(&mut self, meta: ObjectMeta, display: String) -> bool {
        let url = self.location.object_url(meta.location.as_ref());
        let target = Target {
            path: PathBuf::from(&url),
            display,
            size: meta.size,
            remote: Some(Object {
                url,
                size: Some(meta.size),
                modified: Some(meta.last_modified.into()),
                etag: meta.e_tag,
                key: meta.location,
                session: self.session.clone(),
                index: self.next,
            }),
        };
        self.next += 1;
        self.send.send(Found::Target(target)).await.is_ok()
    }

    /// Send a problem; false when nobody listens any more.
    async fn problem(&mut self, p: InputProblem) -> bool {
        self.send.send(Found::Problem(p)).await.is_ok()
    }
}

/// Walk the objects under `root` depth first in name order into `out`,
/// as a local walk walks a directory. How many objects were taken, or
/// `None` when the consumer stopped listening; `Err` when `root` itself
/// cannot be listed.
async fn walk_prefix(
    store: &dyn ObjectStore,
    root: &Path,
    walk: &Walk,
    out: &mut Out,
) -> Result<Option<usize>, object_store::Error> {
    let mut stack = vec![list_dir(store, root).await?];
    let rel_of = |p: &Path| -> String {
        let key = p.as_ref();
        match root.as_ref() {
            "" => key.to_string(),
            r => key
                .strip_prefix(r)
                .and_then(|k| k.strip_prefix('/'))
                .unwrap_or(key)
                .to_string(),
        }
    };
    let mut kept = 0;
    while let Some(top) = stack.last_mut() {
        let Some(entry) = top.pop_front() else {
            stack.pop();
            continue;
        };
        if is_hidden(OsStr::new(entry.name())) {
            continue;
        }
        match entry {
            Entry::Prefix(p) => {
                if walk.excluded(FsPath::new(&rel_of(&p))) {
                    continue;
                }
                match list_dir(store, &p).await {
                    Ok(e) => stack.push(e),
                    Err(e) => {
                        let url = out.location.object_url(p.as_ref());
                        let p = problem(
                            &url,
                            InputCode::UnreadableDirectory,
                            format!("cannot be listed ({e}): what it holds was not measured"),
                        );
                        if !out.problem(p).await {
                            return Ok(None);
                        }
                    }
                }
            }
            Entry::Object(meta) => {
                let rel = rel_of(&meta.location);
                if !takes(walk, &rel) {
                    continue;
                }
                kept += 1;
                if !out.object(meta, rel).await {
                    return Ok(None);
                }
            }
        }
    }
    Ok(Some(kept))
}

/// List the location into `out`: the object its URL names, or what its
/// prefix holds.
async fn produce(store: Arc<dyn ObjectStore>, walk: Walk, mut out: Out) {
    let location = out.location.clone();
    let root = Path::from(location.key.as_str());
    let mut head_error = None;
    if !location.is_prefix {
        // Named explicitly: measured whatever its name.
        match store.head(&root).await {
            Ok(meta) => {
                out.object(meta, location.url.clone()).await;
                return;
            }
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => head_error = Some(e.to_string()),
        }
    }
    let url = location.url.as_str();
    let p = match (
        walk_prefix(store.as_ref(), &root, &walk, &mut out).await,
        head_error,
    ) {
        (Ok(None), _) => return,
        (Ok(Some(kept)), _) if kept > 0 => return,
        (Err(e), _) => problem(
            url,
            InputCode::UnreadableDirectory,
            format!("cannot be listed: {e}"),
        ),
        (Ok(Some(_)), Some(e)) => problem(url, InputCode::NotFound, format!("cannot be read: {e}")),
        (Ok(Some(_)), None) if location.is_prefix => problem(
            url,
            InputCode::NoAudioFiles,
            "holds no object to measure (--all takes every object)",
        ),
        (Ok(Some(_)), None) => problem(url, InputCode::NotFound, "no such object or prefix"),
    };
    out.problem(p).await;
}

/// A location's listing as it goes: each object a [`Found::Target`] whose
/// `display` is its key relative to the location's prefix (the location
/// itself for an object named by its URL), and the problems met, in the
/// order a local walk of the same files gives. The listing starts when
/// the first item is asked for.
pub struct Listing {
    state: State,
}

enum State {
    Pending {
        url: String,
        walk: Box<Walk>,
        options: RemoteOptions,
    },
    Ready(VecDeque<Found>),
    Running(mpsc::Receiver<Found>),
}

/// List `url` as `walk` says, fetching its objects when measured with up
/// to `options.io_concurrency` requests in flight. A location that cannot
/// be read is an input problem.
pub fn list(url: &str, walk: &Walk, options: &RemoteOptions) -> Listing {
    Listing {
        state: State::Pending {
            url: url.to_string(),
            walk: Box::new(walk.clone()),
            options: options.clone(),
        },
    }
}

impl Listing {
    fn start(url: &str, walk: Walk, options: &RemoteOptions) -> State {
        let one = |p| State::Ready(VecDeque::from([Found::Problem(p)]));
        let location = match Location::parse(url) {
            Some(Ok(l)) => l,
            Some(Err(why)) => return one(problem(url, InputCode::NotFound, why)),
            None => {
                return one(problem(
                    url,
                    InputCode::NotFound,
                    "not a location in object storage",
                ));
            }
        };
        match super::store::build(&location, options) {
            Ok(store) => Listing::start_in(store, location, walk, options),
            Err(why) => one(problem(url, InputCode::UnreadableDirectory, why)),
        }
    }

    fn start_in(
        store: Arc<dyn ObjectStore>,
        location: Location,
        walk: Walk,
        options: &RemoteOptions,
    ) -> State {
        let (send, receive) = mpsc::channel(LISTED_AHEAD);
        let out = Out {
            send,
            location,
            session: Arc::new(Session::new(store.clone(), options.io_concurrency)),
            next: 0,
        };
        runtime().spawn(produce(store, walk, out));
        State::Running(receive)
    }
}

impl Iterator for Listing {
    type Item = Found;

    fn next(&mut self) -> Option<Found> {
        if let State::Pending { url, walk, options } = &self.state {
            self.state = Listing::start(url, (**walk).clone(), options);
        }
        match &mut self.state {
            State::Ready(items) => items.pop_front(),
            State::Running(receive) => receive.blocking_recv(),
            State::Pending { .. } => None,
        }
    }
}

/// [`list`], collected: every target and problem before the first is
/// measured.
pub fn discover(url: &str, walk: &Walk, options: &RemoteOptions) -> Discovery {
    collect(list(url, walk, options))
}

fn collect(listing: Listing) -> Discovery {
    let mut out = Discovery::default();
    for found in listing {
        match found {
            Found::Target(t) => out.targets.push(t),
            Found::Problem(p) => out.problems.push(p),
        }
    }
    out
}

/// [`list`] in a store already built (tests give an in-memory one).
#[cfg(test)]
pub(crate) fn list_in(
    store: Arc<dyn ObjectStore>,
    location: &Location,
    walk: &Walk,
    options: &RemoteOptions,
) -> Listing {
    Listing {
        state: Listing::start_in(store, location.clone(), walk.clone(), options),
    }
}

/// [`discover`] in a store already built.
#[cfg(test)]
pub(crate) fn discover_in(
    store: Arc<dyn ObjectStore>,
    location: &Location,
    walk: &Walk,
    options: &RemoteOptions,
    out: &mut Discovery,
) {
    let found = collect(list_in(store, location, walk, options));
    out.targets.extend(found.targets);
    out.problems.extend(found.problems);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_walk_takes_what_a_local_walk_takes() {
        let walk = Walk::new(false);
        assert!(takes(&walk, "a/b.wav"));
        assert!(!takes(&walk, "a/.b.wav"));
        assert!(!takes(&walk, "a/b.json"));
        assert!(!takes(&walk, "a/b.txt"));
        assert!(!takes(&walk, ""));
        assert!(takes(&Walk::new(true), "a/b.txt"));
        let globs = Walk::new(false)
            .with_globs(&["*.flac".to_string()], &["skip*".to_string()])
            .unwrap();
        assert!(!takes(&globs, "skip.flac"));
        assert!(!takes(&globs, "keep.wav"));
        assert!(takes(&globs, "keep.flac"));
    }
}
