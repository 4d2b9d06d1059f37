//! Catalogs in object storage: `s3://bucket/prefix`, `gs://`, `az://` (or
//! `azure://`) and `https://` locations measured like local paths, through
//! Apache Arrow's `object_store` (cargo feature `remote`).
//!
//! * [`Location`] (always built): telling a location from a path, and its
//!   parts. Without the feature a location is an input problem
//!   (`remote_not_built`) saying how to build with it.
//! * `store` builds one store per location, its credentials from the
//!   standard environment chain of each cloud (`AmazonS3Builder::from_env`
//!   and its kin), an explicit endpoint for S3-compatible stores
//!   (`--endpoint` or `AWS_ENDPOINT_URL`; plain `http://` endpoints are
//!   allowed when asked for), and retries with exponential backoff on
//!   throttling and transient failures.
//! * `list` walks a prefix as a local walk walks a directory: one
//!   delimited listing per "directory" (paginated by the store), entries
//!   sorted by name, a directory descended into where its name sorts,
//!   hidden names, `.json` sidecars and (without `--all`) names without an
//!   audio extension left out, `--include` / `--exclude` applied to the
//!   path relative to the prefix, which is also the record's `path`: a
//!   bucket and a local copy of it give the same records.
//! * `fetch` reads what a local measurement reads: for a header-only scan
//!   the head and tail windows ([`crate::io::source::HEAD_WINDOW`],
//!   [`crate::io::source::TAIL_WINDOW`]) as two ranged GETs (one GET for an
//!   object no larger than both), never a HEAD request (the size comes
//!   from the listing, or from the GET's response); the whole object once
//!   more only when a parser asks for it
//!   ([`crate::io::source::Source::needs_whole`]); with digests,
//!   verification or QC one streamed GET into an unlinked temporary file,
//!   read as a local file, so memory stays bounded whatever the object's
//!   size.
//! * `session` owns the tokio runtime and fetches objects ahead of the CPU
//!   workers, in their order, with up to `--io-concurrency` requests in
//!   flight: the work is latency-bound, so many requests hide the latency
//!   while `--jobs` workers parse.
//! * `read` reads one small object whole, within a limit: the ERN message
//!   `audit` reads from storage ([`read_object`]).
//! * `batch` finds the objects a message names for `audit` ([`locate`]):
//!   the batch's root prefix listed once, whole (which also gives the
//!   objects no resource names), any other parent prefix once, and
//!   targets fetched ahead in the message's order.

#[cfg(feature = "remote")]
mod batch;
#[cfg(feature = "remote")]
mod fetch;
#[cfg(feature = "remote")]
mod list;
#[cfg(feature = "remote")]
mod read;
#[cfg(feature = "remote")]
mod session;
#[cfg(feature = "remote")]
mod store;

#[cfg(feature = "remote")]
pub use batch::{Located, Lookup, locate};
#[cfg(feature = "remote")]
pub use list::{Listing, discover, list};
#[cfg(feature = "remote")]
pub use read::read_object;
#[cfg(feature = "remote")]
pub use session::measure;
#[cfg(feature = "remote")]
pub use store::build as build_store;

use std::fmt;

/// Requests in flight by default (`--io-concurrency`): well above any core
/// count, since each request mostly waits.
pub const DEFAULT_IO_CONCURRENCY: usize = 64;

/// How to reach the stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteOptions {
    /// The endpoint of an S3-compatible store or of an Azure emulator
    /// (`--endpoint`); `AWS_ENDPOINT_URL` is read when it is not given.
    pub endpoint: Option<String>,
    /// Requests in flight at most, per location (at least 1).
    pub io_concurrency: usize,
}

impl Default for RemoteOptions {
    fn default() -> RemoteOptions {
        RemoteOptions {
            endpoint: None,
            io_concurrency: DEFAULT_IO_CONCURRENCY,
        }
    }
}

/// The kind of store a location names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Amazon S3 or an S3-compatible store: `s3://bucket/prefix`.
    S3,
    /// Google Cloud Storage: `gs://bucket/prefix`.
    Gcs,
    /// Azure Blob Storage: `az://container/prefix` or `azure://`.
    Azure,
    /// A web server: `https://host/path` (or `http://`).
    Http,
}

/// A location in object storage, as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The location as given.
    pub url: String,
    /// Which store.
    pub scheme: Scheme,
    /// The bucket or container; for [`Scheme::Http`], `scheme://host[:port]`.
    pub bucket: String,
    /// The key or prefix inside the bucket, without leading or trailing
    /// `/` (empty: the whole bucket).
    pub key: String,
    /// Whether the location ended with `/`: a prefix, never one object.
    pub is_prefix: bool,
}

impl Location {
    /// The location `s` names, or `None` when `s` is not a URL (a local
    /// path). Err: a URL this program cannot read, with the reason.
    pub fn parse(s: &str) -> Option<Result<Location, String>> {
        let (scheme, rest) = s.split_once("://")?;
        if scheme.is_empty() || !scheme.chars().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        let kind = match scheme.to_ascii_lowercase().as_str() {
            "s3" | "s3a" => Scheme::S3,
            "gs" => Scheme::Gcs,
            "az" | "azure" | "abfs" | "abfss" => Scheme::Azure,
            "https" | "http" => Scheme::Http,
            other => {
                return Some(Err(format!(
                    "{other}:// is not a store this program reads \
                     (s3://, gs://, az://, azure://, https://)"
                )));
            }
        };
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        if host.is_empty() {
            return Some(Err(format!("{s}: no bucket or host")));
        }
        let bucket = match kind {
            Scheme::Http => format!("{scheme}://{host}"),
            _ => host.to_string(),
        };
        Some(Ok(Location {
            url: s.to_string(),
            scheme: kind,
            bucket,
            key: path.trim_matches('/').to_string(),
            is_prefix: path.is_empty() || path.ends_with('/'),
        }))
    }

    /// Whether `s` is a URL rather than a local path.
    pub fn is_url(s: &str) -> bool {
        Location::parse(s).is_some()
    }

    /// The URL of the object at `key` in this location's bucket.
    pub fn object_url(&self, key: &str) -> String {
        let scheme = self.url.split_once("://").map_or("", |(s, _)| s);
        match self.scheme {
            Scheme::Http => format!("{}/{key}", self.bucket),
            _ => format!("{scheme}://{}/{key}", self.bucket),
        }
    }
}

/// One object to measure: the remote side of a [`crate::scan::Target`].
#[derive(Clone)]
pub struct Object {
    /// Its URL.
    pub url: String,
    /// Its size from the listing, when the listing gave it.
    pub size: Option<u64>,
    /// Its modification time from the listing, when the listing gave it.
    pub modified: Option<std::time::SystemTime>,
    /// Its entity tag from the listing, when the store gives one: with
    /// the size and modification time, what `--cache` knows it by.
    pub etag: Option<String>,
    /// Its key in its store.
    #[cfg(feature = "remote")]
    pub(crate) key: object_store::path::Path,
    #[cfg(feature = "remote")]
    pub(crate) session: std::sync::Arc<session::Session>,
    /// Its place in its location's listing.
    #[cfg(feature = "remote")]
    pub(crate) index: usize,
}

impl Object {
    /// Start fetching this object ahead of its measurement, which reads
    /// it whole (`whole`: digests, verification or QC) or only its head
    /// and tail windows. Whoever announces an object must hand it to a
    /// measurement ([`crate::scan::ScanOptions::measure`]) or
    /// [`Object::release`] it.
    pub fn announce(&self, whole: bool) {
        #[cfg(feature = "remote")]
        {
            let mode = if whole {
                fetch::Mode::Whole
            } else {
                fetch::Mode::Windows
            };
            self.session
                .announce(self.index, &self.key, self.size, mode);
        }
        #[cfg(not(feature = "remote"))]
        let _ = whole;
    }

    /// This object will not be measured after all (its record came from
    /// elsewhere): drop what was fetched ahead for it.
    pub fn release(&self) {
        #[cfg(feature = "remote")]
        self.session.release(self.index);
    }

    /// How many objects of its location are worth announcing ahead: its
    /// requests in flight at most.
    pub fn lookahead(&self) -> usize {
        #[cfg(feature = "remote")]
        {
            self.session.io_concurrency()
        }
        #[cfg(not(feature = "remote"))]
        {
            0
        }
    }
}

impl fmt::Debug for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Object")
            .field("url", &self.url)
            .field("size", &self.size)
            .field("modified", &self.modified)
            .field("etag", &self.etag)
            .finish()
    }
}

impl PartialEq for Object {
    fn eq(&self, other: &Object) -> bool {
        self.url == other.url
            && self.size == other.size
            && self.modified == other.modified
            && self.etag == other.etag
    }
}

impl Eq for Object {}

/// The input problem of a location given to a build without the `remote`
/// feature.
pub fn not_built(url: &str) -> crate::record::InputProblem {
    crate::record::InputProblem {
        path: url.to_string(),
        code: crate::record::InputCode::RemoteNotBuilt,
        message: "is a location in object storage, which this build cannot read: \
                  build with `cargo install --path . --features remote` (the release \
                  binaries have it)"
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_told_from_paths() {
        assert!(Location::parse("album/01.wav").is_none());
        assert!(Location::parse("C:\\music").is_none());
        assert!(Location::parse("/data/s3://x").is_none());
        let l = Location::parse("s3://bucket/a/b/").unwrap().unwrap();
        assert_eq!(
            (l.scheme, l.bucket.as_str(), l.key.as_str(), l.is_prefix),
            (Scheme::S3, "bucket", "a/b", true)
        );
        let l = Location::parse("az://c/x.wav").unwrap().unwrap();
        assert_eq!(
            (l.scheme, l.key.as_str(), l.is_prefix),
            (Scheme::Azure, "x.wav", false)
        );
        assert_eq!(l.object_url("y/z.flac"), "az://c/y/z.flac");
        let l = Location::parse("gs://b").unwrap().unwrap();
        assert_eq!(
            (l.scheme, l.key.as_str(), l.is_prefix),
            (Scheme::Gcs, "", true)
        );
        let l = Location::parse("https://cdn.example:8443/m/a.wav")
            .unwrap()
            .unwrap();
        assert_eq!(l.bucket, "https://cdn.example:8443");
        assert_eq!(l.key, "m/a.wav");
        assert_eq!(l.object_url("m/b.wav"), "https://cdn.example:8443/m/b.wav");
        assert!(Location::parse("ftp://x/y").unwrap().is_err());
        assert!(Location::parse("s3:///y").unwrap().is_err());
    }
}

#[cfg(all(test, feature = "remote"))]
mod counted;
