//! The objects a message names, found in storage for `audit`
//! ([`locate`]): the batch's root prefix is listed once, whole (one flat
//! listing the store pages through), which also gives every object under
//! it that no resource names; an object elsewhere is looked up in one
//! delimited listing of its parent prefix, each parent listed once however
//! many objects it holds. Only a store that cannot list (a plain web
//! server) is asked object by object (a HEAD request each). The objects
//! found become [`Target`]s measured through [`crate::scan::ScanOptions::measure`],
//! fetched ahead of the workers in the order given, one session per store
//! and way of reading (whole, or the head and tail windows), so that every
//! object a session fetches ahead is one its workers take.

use super::fetch::Mode;
use super::session::{Session, runtime};
use super::{Location, Object, RemoteOptions, Scheme};
use crate::scan::Target;
use futures::StreamExt;
use object_store::path::Path;
use object_store::{ObjectMeta, ObjectStore, ObjectStoreExt};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

/// What became of one object asked for.
#[derive(Debug)]
pub enum Lookup {
    /// In the store: measure it.
    Found(Target),
    /// Not in the store (its listing does not hold it, or the store says
    /// there is no such object).
    Missing,
    /// The store could not tell: why.
    Failed(String),
}

/// The objects of a batch in storage.
#[derive(Debug)]
pub struct Located {
    /// Every object under the root, its key relative to the root
    /// (`/`-separated), in the store's order; `None` when no root was
    /// given or it could not be listed.
    pub under_root: Option<Vec<String>>,
    /// Why the root could not be listed.
    pub root_problem: Option<String>,
    /// Each object asked for, in the order asked.
    pub objects: Vec<Lookup>,
}

/// An object's size and modification time.
type Meta = (u64, SystemTime);

fn meta(m: &ObjectMeta) -> Meta {
    (m.size, m.last_modified.into())
}

/// Which store a location lives in.
type StoreKey = (Scheme, String);

/// An object found: its store, key, size and modification time.
type Hit = (StoreKey, Path, Meta);

/// The objects of one session: key and size.
type SessionList = Vec<(Path, Option<u64>)>;

/// Find `wanted` (each an object's URL, and whether it is read whole:
/// digests, verification or QC) in storage, listing `root` (a prefix)
/// whole when it is given.
pub fn locate(
    root: Option<&Location>,
    wanted: &[(String, bool)],
    options: &RemoteOptions,
) -> Located {
    runtime().block_on(locate_async(root, wanted, options))
}

async fn locate_async(
    root: Option<&Location>,
    wanted: &[(String, bool)],
    options: &RemoteOptions,
) -> Located {
    let mut stores: HashMap<StoreKey, Result<Arc<dyn ObjectStore>, String>> = HashMap::new();
    let mut store_of = |l: &Location| {
        stores
            .entry((l.scheme, l.bucket.clone()))
            .or_insert_with(|| super::store::build(l, options))
            .clone()
    };
    // The root, listed whole.
    let mut root_listing: Option<(StoreKey, String, HashMap<String, Meta>)> = None;
    let mut under_root = None;
    let mut root_problem = None;
    if let Some(root) = root {
        match store_of(root) {
            Ok(store) => match list_all(store.as_ref(), &root.key).await {
                Ok(all) => {
                    let prefix = Path::from(root.key.as_str());
                    let rel = |key: &str| -> String {
                        match prefix.as_ref() {
                            "" => key.to_string(),
                            p => key
                                .strip_prefix(p)
                                .map_or(key, |k| k.trim_start_matches('/'))
                                .to_string(),
                        }
                    };
                    under_root = Some(all.iter().map(|m| rel(m.location.as_ref())).collect());
                    let by_key = all
                        .iter()
                        .map(|m| (m.location.as_ref().to_string(), meta(m)))
                        .collect();
                    root_listing = Some((
                        (root.scheme, root.bucket.clone()),
                        prefix.as_ref().to_string(),
                        by_key,
                    ));
                }
                Err(e) => root_problem = Some(format!("cannot be listed: {e}")),
            },
            Err(why) => root_problem = Some(why),
        }
    }
    // Each object: in the root's listing, in its parent's, or asked for.
    let mut parents: HashMap<(StoreKey, String), Option<HashMap<String, Meta>>> = HashMap::new();
    let mut found: Vec<Result<Option<Hit>, String>> = Vec::new();
    for (url, _) in wanted {
        let location = match Location::parse(url) {
            Some(Ok(l)) => l,
            Some(Err(why)) => {
                found.push(Err(why));
                continue;
            }
            None => {
                found.push(Err("not a location in object storage".to_string()));
                continue;
            }
        };
        let store_key = (location.scheme, location.bucket.clone());
        let key = Path::from(location.key.as_str());
        let store = match store_of(&location) {
            Ok(s) => s,
            Err(why) => {
                found.push(Err(why));
                continue;
            }
        };
        if let Some((root_store, prefix, by_key)) = &root_listing
            && *root_store == store_key
            && (prefix.is_empty() || key.as_ref().starts_with(&format!("{prefix}/")))
        {
            found.push(Ok(by_key.get(key.as_ref()).map(|m| (store_key, key, *m))));
            continue;
        }
        let parent = key
            .as_ref()
            .rsplit_once('/')
            .map_or(String::new(), |(p, _)| p.to_string());
        let slot = (store_key.clone(), parent.clone());
        if !parents.contains_key(&slot) {
            let listed = list_dir(store.as_ref(), &parent).await.ok();
            parents.insert(slot.clone(), listed);
        }
        match parents.get(&slot) {
            Some(Some(listed)) => {
                found.push(Ok(listed.get(key.as_ref()).map(|m| (store_key, key, *m))));
            }
            _ => match store.head(&key).await {
                Ok(m) => found.push(Ok(Some((store_key, key, meta(&m))))),
                Err(object_store::Error::NotFound { .. }) => found.push(Ok(None)),
                Err(e) => found.push(Err(format!("cannot be read: {e}"))),
            },
        }
    }
    // One session per store and way of reading, its objects in the order
    // asked.
    let mut lists: HashMap<(StoreKey, bool), SessionList> = HashMap::new();
    let mut places = Vec::with_capacity(found.len());
    for (f, (_, whole)) in found.iter().zip(wanted) {
        places.push(match f {
            Ok(Some((store, key, (size, _)))) => {
                let list = lists.entry((store.clone(), *whole)).or_default();
                list.push((key.clone(), Some(*size)));
                Some(list.len() - 1)
            }
            _ => None,
        });
    }
    let mut sessions: HashMap<(StoreKey, bool), Arc<Session>> = HashMap::new();
    for (group, objects) in lists {
        if let Some(Ok(store)) = stores.get(&group.0) {
            // Every object found is measured, in this order: all are
            // announced now, and fetched ahead within the permits.
            let session = Session::new(store.clone(), options.io_concurrency);
            let mode = if group.1 { Mode::Whole } else { Mode::Windows };
            for (index, (key, size)) in objects.iter().enumerate() {
                session.announce(index, key, *size, mode);
            }
            sessions.insert(group, Arc::new(session));
        }
    }
    let objects = found
        .into_iter()
        .zip(places)
        .zip(wanted)
        .map(|((f, place), (url, whole))| match (f, place) {
            (Ok(Some((store, key, (size, modified)))), Some(index)) => {
                match sessions.get(&(store, *whole)) {
                    Some(session) => Lookup::Found(Target {
                        path: PathBuf::from(url),
                        display: url.clone(),
                        size,
                        remote: Some(Object {
                            url: url.clone(),
                            size: Some(size),
                            modified: Some(modified),
                            etag: None,
                            key,
                            session: session.clone(),
                            index,
                        }),
                    }),
                    None => Lookup::Failed("its store could not be reached".to_string()),
                }
            }
            (Ok(_), _) => Lookup::Missing,
            (Err(why), _) => Lookup::Failed(why),
        })
        .collect();
    Located {
        under_root,
        root_problem,
        objects,
    }
}

/// Every object under `prefix`, in one flat listing, sorted by key.
async fn list_all(store: &dyn ObjectStore, prefix: &str) -> object_store::Result<Vec<ObjectMeta>> {
    let prefix = Path::from(prefix);
    let prefix = (!prefix.as_ref().is_empty()).then_some(&prefix);
    let mut stream = store.list(prefix);
    let mut all = Vec::new();
    while let Some(m) = stream.next().await {
        all.push(m?);
    }
    all.sort_by(|a, b| a.location.cmp(&b.location));
    Ok(all)
}

/// The objects directly under `prefix`, in one delimited listing.
async fn list_dir(
    store: &dyn ObjectStore,
    prefix: &str,
) -> object_store::Result<HashMap<String, Meta>> {
    let prefix = Path::from(prefix);
    let prefix = (!prefix.as_ref().is_empty()).then_some(&prefix);
    let listed = store.list_with_delimiter(prefix).await?;
    Ok(listed
        .objects
        .iter()
        .map(|m| (m.location.as_ref().to_string(), meta(m)))
        .collect())
}
