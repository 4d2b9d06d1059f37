//! Reading one small object whole, never more than a limit: the ERN
//! message `audit` reads from storage. The object's size comes with the
//! GET's response, so an object over the limit is refused before its body
//! is read; the body is counted as it streams in, so a store that sends
//! more than it announced is refused too.

use super::session::runtime;
use super::{Location, RemoteOptions};
use futures::StreamExt;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt};

/// The bytes of the object at `url`, at most `max_bytes` of them. Err: why
/// it cannot be read, in words (no such object, larger than the limit, the
/// store cannot be reached).
pub fn read_object(url: &str, options: &RemoteOptions, max_bytes: u64) -> Result<Vec<u8>, String> {
    let location = match Location::parse(url) {
        Some(Ok(l)) => l,
        Some(Err(why)) => return Err(why),
        None => return Err("not a location in object storage".to_string()),
    };
    if location.is_prefix {
        return Err("names a prefix, not an object".to_string());
    }
    let store = super::store::build(&location, options)?;
    let key = Path::from(location.key.as_str());
    runtime().block_on(read_in(store.as_ref(), &key, max_bytes))
}

/// [`read_object`] in a store already built (tests give an in-memory one).
pub(crate) async fn read_in(
    store: &dyn ObjectStore,
    key: &Path,
    max_bytes: u64,
) -> Result<Vec<u8>, String> {
    let result = store.get(key).await.map_err(|e| match e {
        object_store::Error::NotFound { .. } => "no such object".to_string(),
        e => format!("cannot be read: {e}"),
    })?;
    let too_large = |n: u64| {
        format!("is {n} bytes, more than the {max_bytes} bytes read at most (refused unread)")
    };
    let size = result.meta.size;
    if size > max_bytes {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    let mut stream = result.into_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| format!("cannot be read: {e}"))?;
        if (bytes.len() + chunk.len()) as u64 > max_bytes {
            return Err(too_large((bytes.len() + chunk.len()) as u64));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use object_store::PutPayload;
    use object_store::memory::InMemory;

    #[test]
    fn reads_whole_within_the_limit_and_refuses_beyond() {
        let store = InMemory::new();
        let key = Path::from("release/message.xml");
        runtime()
            .block_on(store.put(&key, PutPayload::from(vec![b'x'; 100])))
            .unwrap();
        let read = |max| runtime().block_on(read_in(&store, &key, max));
        assert_eq!(read(100).unwrap().len(), 100);
        let err = read(99).unwrap_err();
        assert!(err.contains("100 bytes, more than the 99 bytes"), "{err}");
        let missing = runtime().block_on(read_in(&store, &Path::from("release/nope.xml"), 100));
        assert_eq!(missing.unwrap_err(), "no such object");
    }
}
