//! Reading the small text files a run is given (manifests, sidecars,
//! profiles) with a size limit: only regular files are read (a device such
//! as `/dev/zero`, a pipe or a directory is refused before any byte), never
//! more than the limit plus one byte, and a leading UTF-8 byte order mark
//! is dropped.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Largest manifest read: a catalog of a few hundred thousand recordings.
pub const MAX_MANIFEST_BYTES: u64 = 256 << 20;

/// Largest sidecar or profile read: these are a few kilobytes.
pub const MAX_SMALL_BYTES: u64 = 1 << 20;

/// The text of the regular file at `path`, at most `max` bytes; `what`
/// names it in errors (`"manifest"`). Errors are sentences that start with
/// the path.
pub fn read_limited(path: &Path, max: u64, what: &str) -> Result<String, String> {
    let shown = path.display();
    let file = File::open(path).map_err(|e| format!("{shown}: cannot be read: {e}"))?;
    let meta = file
        .metadata()
        .map_err(|e| format!("{shown}: cannot be read: {e}"))?;
    if !meta.is_file() {
        return Err(format!(
            "{shown}: is not a regular file; a {what} must be one (devices, pipes and directories are not read)"
        ));
    }
    if meta.len() > max {
        return Err(format!(
            "{shown}: {} bytes is more than a {what} may be ({max} bytes)",
            meta.len()
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{shown}: cannot be read: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(format!(
            "{shown}: grew past {max} bytes while it was read; a {what} may not be larger"
        ));
    }
    let mut text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "{shown}: is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_devices_and_byte_order_marks() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.json");
        std::fs::write(&p, "\u{feff}{}").unwrap();
        assert_eq!(read_limited(&p, 10, "manifest").unwrap(), "{}");
        std::fs::write(&p, "x".repeat(11)).unwrap();
        let e = read_limited(&p, 10, "manifest").unwrap_err();
        assert!(e.contains("11 bytes is more than a manifest may be"), "{e}");
        assert!(read_limited(dir.path(), 10, "manifest").is_err());
        #[cfg(unix)]
        {
            let e = read_limited(Path::new("/dev/zero"), 10, "manifest").unwrap_err();
            assert!(e.contains("not a regular file"), "{e}");
        }
        std::fs::write(&p, b"{\"a\": \"\xff\"}").unwrap();
        assert!(
            read_limited(&p, 100, "manifest")
                .unwrap_err()
                .contains("offset 7")
        );
    }
}
