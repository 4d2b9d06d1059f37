//! Fetching one object: the two windows of a header-only probe as two
//! ranged GETs, or the whole object in one streamed GET, spilled to an
//! unlinked temporary file beyond [`IN_MEMORY`] bytes.

use crate::io::source::{HEAD_WINDOW, Source, TAIL_WINDOW};
use futures::StreamExt;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, GetResult, ObjectStore};
use std::fs::File;
use std::io::{self, Seek, Write};

/// Largest object (or object part) held in memory; larger ones are
/// streamed to a temporary file. With 64 requests in flight that bounds
/// fetched bytes in memory to 64 MiB.
pub const IN_MEMORY: u64 = 1 << 20;

/// What a measurement asks of an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The head and tail windows (a header-only probe).
    Windows,
    /// Every byte (digests, verification, QC, or a parser that needs the
    /// middle).
    Whole,
}

/// Bytes fetched, not yet a [`Source`] (which is made on the worker).
#[derive(Debug)]
pub enum Fetched {
    /// The head and tail windows of an object `len` bytes long.
    Windows {
        head: Vec<u8>,
        tail: Vec<u8>,
        len: u64,
    },
    /// A whole object, in memory.
    Memory(Vec<u8>),
    /// A whole object, in an unlinked temporary file.
    File(File),
}

impl Fetched {
    /// The bytes as the parsers read them.
    pub fn into_source(self) -> io::Result<Source> {
        match self {
            Fetched::Windows { head, tail, len } => Source::from_windows(head, tail, len),
            Fetched::Memory(v) => Ok(Source::from_memory(v)),
            Fetched::File(f) => Source::from_file(f),
        }
    }
}

fn io_error(e: object_store::Error) -> io::Error {
    let kind = match &e {
        object_store::Error::NotFound { .. } => io::ErrorKind::NotFound,
        object_store::Error::PermissionDenied { .. }
        | object_store::Error::Unauthenticated { .. } => io::ErrorKind::PermissionDenied,
        _ => io::ErrorKind::Other,
    };
    io::Error::new(kind, e.to_string())
}

async fn get(
    store: &dyn ObjectStore,
    path: &Path,
    range: Option<GetRange>,
) -> io::Result<GetResult> {
    store
        .get_opts(
            path,
            GetOptions {
                range,
                ..GetOptions::default()
            },
        )
        .await
        .map_err(io_error)
}

/// The bytes of a GET's response, in memory up to [`IN_MEMORY`] and in a
/// temporary file beyond, checked against the range the response claims.
async fn collect(result: GetResult) -> io::Result<Fetched> {
    let want = result.range.end.saturating_sub(result.range.start);
    let mut stream = result.into_stream();
    let mut memory = Vec::with_capacity(want.min(IN_MEMORY) as usize);
    let mut file: Option<File> = None;
    let mut got = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(io_error)?;
        got += chunk.len() as u64;
        if got > want {
            return Err(io::Error::other(format!(
                "the store sent more than the {want} bytes it announced"
            )));
        }
        match &mut file {
            Some(f) => f.write_all(&chunk)?,
            None if got > IN_MEMORY => {
                let mut f = tempfile::tempfile()?;
                f.write_all(&memory)?;
                f.write_all(&chunk)?;
                memory = Vec::new();
                file = Some(f);
            }
            None => memory.extend_from_slice(&chunk),
        }
    }
    if got != want {
        return Err(io::Error::other(format!(
            "the object changed while it was read ({got} bytes of {want} received)"
        )));
    }
    Ok(match file {
        Some(mut f) => {
            f.flush()?;
            f.rewind()?;
            Fetched::File(f)
        }
        None => Fetched::Memory(memory),
    })
}

/// A response's bytes in memory (a window: at most [`TAIL_WINDOW`]).
async fn bytes(result: GetResult) -> io::Result<Vec<u8>> {
    Ok(result.bytes().await.map_err(io_error)?.to_vec())
}

/// Fetch `path` (of `size` bytes when the listing said) as `mode` asks.
pub async fn fetch(
    store: &dyn ObjectStore,
    path: &Path,
    size: Option<u64>,
    mode: Mode,
) -> io::Result<Fetched> {
    let windows = HEAD_WINDOW + TAIL_WINDOW;
    match (mode, size) {
        (_, Some(0)) => Ok(Fetched::Memory(Vec::new())),
        (Mode::Whole, _) => collect(get(store, path, None).await?).await,
        (Mode::Windows, Some(n)) if n <= windows => collect(get(store, path, None).await?).await,
        (Mode::Windows, Some(_)) => {
            let (head, tail) = futures::future::try_join(
                get(store, path, Some(GetRange::Bounded(0..HEAD_WINDOW))),
                get(store, path, Some(GetRange::Suffix(TAIL_WINDOW))),
            )
            .await?;
            let len = head.meta.size;
            if tail.meta.size != len || len <= windows {
                // Rewritten between the two requests, or shrunk since the
                // listing: read it whole, once.
                return collect(get(store, path, None).await?).await;
            }
            let (head, tail) = futures::future::try_join(bytes(head), bytes(tail)).await?;
            Ok(Fetched::Windows { head, tail, len })
        }
        (Mode::Windows, None) => {
            // Size unknown (an object named by its URL where the store
            // cannot list): the first response says it.
            let first = get(store, path, Some(GetRange::Bounded(0..HEAD_WINDOW))).await?;
            let len = first.meta.size;
            let head = bytes(first).await?;
            if len <= HEAD_WINDOW && head.len() as u64 == len {
                return Ok(Fetched::Memory(head));
            }
            if len <= windows {
                let rest =
                    bytes(get(store, path, Some(GetRange::Offset(HEAD_WINDOW))).await?).await?;
                let mut all = head;
                all.extend_from_slice(&rest);
                return Ok(Fetched::Memory(all));
            }
            let tail = get(store, path, Some(GetRange::Suffix(TAIL_WINDOW))).await?;
            if tail.meta.size != len {
                return collect(get(store, path, None).await?).await;
            }
            Ok(Fetched::Windows {
                head,
                tail: bytes(tail).await?,
                len,
            })
        }
    }
}
