//! Listing a location into targets, in the order and with the names a
//! local walk of the same files gives.

use super::session::{Session, runtime};
use super::{Location, Object, RemoteOptions};
use crate::record::{InputCode, InputProblem};
use crate::scan::Target;
use crate::scan::discover::{Discovery, Walk, has_audio_extension, is_hidden};
use object_store::ObjectStore;
use object_store::path::Path;
use std::collections::VecDeque;
use std::ffi::OsStr;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// One entry of a listed "directory".
enum Entry {
    /// An object: its key, size and modification time.
    Object(Path, u64, SystemTime),
    /// A common prefix, listed when the walk reaches it.
    Prefix(Path),
}

impl Entry {
    fn name(&self) -> &str {
        let p = match self {
            Entry::Object(p, _, _) | Entry::Prefix(p) => p,
        };
        p.as_ref().rsplit('/').next().unwrap_or("")
    }
}

/// An object found: its key, size and modification time when listed, and
/// how records name it.
struct Found {
    key: Path,
    size: Option<u64>,
    modified: Option<SystemTime>,
    display: String,
}

fn problem(url: &str, code: InputCode, message: impl Into<String>) -> InputProblem {
    InputProblem {
        path: url.to_string(),
        code,
        message: message.into(),
    }
}

/// One delimited listing (the store pages through it), sorted by name.
async fn list_dir(store: &dyn ObjectStore, prefix: &Path) -> object_store::Result<Vec<Entry>> {
    let prefix = (!prefix.as_ref().is_empty()).then_some(prefix);
    let listed = store.list_with_delimiter(prefix).await?;
    let mut entries: Vec<Entry> = listed
        .objects
        .into_iter()
        .map(|m| Entry::Object(m.location, m.size, m.last_modified.into()))
        .chain(listed.common_prefixes.into_iter().map(Entry::Prefix))
        .collect();
    entries.sort_by(|a, b| a.name().cmp(b.name()));
    Ok(entries)
}

/// The objects under `root`, depth first in name order, filtered as a
/// local walk filters files: `(key, size, modified, path relative to root)`.
async fn walk_prefix(
    store: &dyn ObjectStore,
    root: &Path,
    walk: &Walk,
    problems: &mut Vec<InputProblem>,
    url: &Location,
) -> Vec<(Path, u64, SystemTime, String)> {
    let mut found = Vec::new();
    let mut stack: Vec<VecDeque<Entry>> = Vec::new();
    match list_dir(store, root).await {
        Ok(e) => stack.push(e.into()),
        Err(e) => {
            problems.push(problem(
                &url.url,
                InputCode::UnreadableDirectory,
                format!("cannot be listed: {e}"),
            ));
            return found;
        }
    }
    let rel_of = |p: &Path| -> String {
        let key = p.as_ref();
        match root.as_ref() {
            "" => key.to_string(),
            r => key
                .strip_prefix(r)
                .map_or(key, |k| k.trim_start_matches('/'))
                .to_string(),
        }
    };
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
                let rel = rel_of(&p);
                if walk.excluded(FsPath::new(&rel)) {
                    continue;
                }
                match list_dir(store, &p).await {
                    Ok(e) => stack.push(e.into()),
                    Err(e) => problems.push(problem(
                        &url.object_url(p.as_ref()),
                        InputCode::UnreadableDirectory,
                        format!("cannot be listed ({e}): what it holds was not measured"),
                    )),
                }
            }
            Entry::Object(p, size, modified) => {
                let rel = rel_of(&p);
                let path = FsPath::new(&rel);
                let is_json = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| e.eq_ignore_ascii_case("json"));
                if is_json || !(walk.all || has_audio_extension(path)) {
                    continue;
                }
                if walk.excluded(path) || !walk.included(path) {
                    continue;
                }
                found.push((p, size, modified, rel));
            }
        }
    }
    found
}

/// What a location holds: a prefix walked like a directory, or the one
/// object its URL names, and the problems met.
async fn resolve(
    store: &dyn ObjectStore,
    location: &Location,
    walk: &Walk,
) -> (Vec<Found>, Vec<InputProblem>) {
    let mut problems = Vec::new();
    let root = Path::from(location.key.as_str());
    let under = walk_prefix(store, &root, walk, &mut problems, location).await;
    if !under.is_empty() || location.is_prefix {
        if under.is_empty() && problems.is_empty() {
            problems.push(problem(
                &location.url,
                InputCode::NoAudioFiles,
                "holds no object to measure (--all takes every object)",
            ));
        }
        let found = under
            .into_iter()
            .map(|(key, size, modified, display)| Found {
                key,
                size: Some(size),
                modified: Some(modified),
                display,
            })
            .collect();
        return (found, problems);
    }
    // Not a prefix: the object the URL names, its size from its parent's
    // listing (no HEAD request). A store that cannot list (a plain web
    // server) gives the size with the first GET.
    let parent: Path = root
        .as_ref()
        .rsplit_once('/')
        .map_or_else(Path::default, |(p, _)| Path::from(p));
    let size = match list_dir(store, &parent).await {
        Ok(entries) => {
            let hit = entries.into_iter().find_map(|e| match e {
                Entry::Object(p, s, m) if p == root => Some((s, m)),
                _ => None,
            });
            match hit {
                Some(s) => Some(s),
                None => {
                    return (
                        Vec::new(),
                        vec![problem(
                            &location.url,
                            InputCode::NotFound,
                            "no such object or prefix",
                        )],
                    );
                }
            }
        }
        Err(_) => None,
    };
    // Named explicitly: measured whatever its name.
    let found = Found {
        key: root,
        size: size.map(|(s, _)| s),
        modified: size.map(|(_, m)| m),
        display: location.url.clone(),
    };
    (vec![found], Vec::new())
}

/// List `url` as `walk` says: each object a [`Target`] whose `display` is
/// its key relative to the location's prefix (the location itself for an
/// object named by its URL), fetched when measured with up to
/// `options.io_concurrency` requests in flight. A location that cannot be
/// read is an input problem.
pub fn discover(url: &str, walk: &Walk, options: &RemoteOptions) -> Discovery {
    let mut out = Discovery::default();
    let location = match Location::parse(url) {
        Some(Ok(l)) => l,
        Some(Err(why)) => {
            out.problems.push(problem(url, InputCode::NotFound, why));
            return out;
        }
        None => {
            out.problems.push(problem(
                url,
                InputCode::NotFound,
                "not a location in object storage",
            ));
            return out;
        }
    };
    let store = match super::store::build(&location, options) {
        Ok(s) => s,
        Err(why) => {
            out.problems
                .push(problem(url, InputCode::UnreadableDirectory, why));
            return out;
        }
    };
    discover_in(store, &location, walk, options, &mut out);
    out
}

/// [`discover`] in a store already built (tests give an in-memory one).
pub(crate) fn discover_in(
    store: Arc<dyn ObjectStore>,
    location: &Location,
    walk: &Walk,
    options: &RemoteOptions,
    out: &mut Discovery,
) {
    let (found, problems) = runtime().block_on(resolve(store.as_ref(), location, walk));
    out.problems.extend(problems);
    let session = Arc::new(Session::new(
        store,
        found.iter().map(|f| (f.key.clone(), f.size)).collect(),
        options.io_concurrency,
    ));
    for (index, f) in found.into_iter().enumerate() {
        let url = location.object_url(f.key.as_ref());
        out.targets.push(Target {
            path: PathBuf::from(&url),
            display: f.display,
            size: f.size.unwrap_or(0),
            remote: Some(Object {
                url,
                size: f.size,
                modified: f.modified,
                session: session.clone(),
                index,
            }),
        });
    }
}
