//! Catalogs in object storage. Built without the `remote` feature, a
//! location is the input problem `remote_not_built`. Built with it, a
//! catalog uploaded to moto's S3 server (started here on a free port of
//! 127.0.0.1; skipped with a message when moto is not installed, unless
//! `DDEXPROBE_REQUIRE_TOOLS=1`) gives the same records and the same
//! readiness reports as the same files scanned on disk.

use crate::util::bin;

#[cfg(not(feature = "remote"))]
#[test]
fn a_location_needs_the_remote_feature() {
    let out = bin()
        .args(["scan", "s3://bucket/catalog/"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("[remote_not_built]"), "{err}");
    assert!(err.contains("--features remote"), "{err}");
}

#[cfg(feature = "remote")]
mod moto {
    use super::bin;
    use crate::util::{skipped, testdata};
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::path::{Path, PathBuf};
    use std::process::{Child, Command, Stdio};
    use std::time::{Duration, Instant};

    /// moto's S3 server on 127.0.0.1, stopped when dropped.
    pub struct Moto {
        child: Child,
        pub port: u16,
    }

    impl Drop for Moto {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    fn start_with(program: &str, pre: &[&str], port: u16) -> Option<Child> {
        Command::new(program)
            .args(pre)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()
    }

    /// Start moto on a free port, or `None` (with a message) when it is
    /// not installed; a panic then when `DDEXPROBE_REQUIRE_TOOLS=1`.
    pub fn moto() -> Option<Moto> {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let installed = Command::new("python3")
            .args(["-c", "import moto.server"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        let child = if installed {
            start_with("python3", &["-m", "moto.server"], port)
        } else {
            start_with("moto_server", &[], port)
        };
        let Some(child) = child else {
            if std::env::var("DDEXPROBE_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
                panic!(
                    "DDEXPROBE_REQUIRE_TOOLS=1 but moto is not installed \
                     (python3 -m pip install 'moto[server]')"
                );
            }
            skipped("moto is not installed: the object storage test tests nothing");
            return None;
        };
        let moto = Moto { child, port };
        let until = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < until, "moto did not start on port {port}");
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(moto)
    }

    /// A plain HTTP PUT (moto checks no signature): the status code.
    pub fn put(port: u16, path: &str, body: &[u8]) -> u16 {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            s,
            "PUT {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n",
            body.len()
        )
        .unwrap();
        s.write_all(body).unwrap();
        let mut response = String::new();
        let _ = s.read_to_string(&mut response);
        response
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0)
    }

    /// A few dozen of the testdata audio files in nested folders: on disk
    /// under `dir`, and uploaded to `bucket` under `prefix/`.
    pub fn catalog(port: u16, bucket: &str, prefix: &str, dir: &Path) -> usize {
        assert_eq!(put(port, &format!("/{bucket}"), b""), 200, "bucket created");
        let mut files: Vec<PathBuf> = std::fs::read_dir(testdata(""))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file() && ddexprobe::scan::discover::has_audio_extension(p))
            .collect();
        files.sort();
        let picked: Vec<&PathBuf> = files.iter().step_by(3).take(36).collect();
        for (i, f) in picked.iter().enumerate() {
            let name = f.file_name().unwrap().to_str().unwrap();
            // "disc/" sorts before "disc 1/" and "disc-2/" on a walk and
            // after them in a listing's byte order.
            let rel = match i % 5 {
                0 => name.to_string(),
                1 => format!("disc 1/{name}"),
                2 => format!("disc 1/extras/{name}"),
                3 => format!("disc-2/{name}"),
                _ => format!("disc/{name}"),
            };
            let bytes = std::fs::read(f).unwrap();
            let local = dir.join(&rel);
            std::fs::create_dir_all(local.parent().unwrap()).unwrap();
            std::fs::write(&local, &bytes).unwrap();
            let key = rel.replace(' ', "%20");
            assert_eq!(put(port, &format!("/{bucket}/{prefix}/{key}"), &bytes), 200);
        }
        // Beside the prefix, never listed.
        assert_eq!(
            put(port, &format!("/{bucket}/{prefix}-other/x.wav"), b"RIFF"),
            200
        );
        picked.len()
    }

    /// `ddexprobe ARGS` with dummy credentials for the local endpoint.
    pub fn run(args: &[&str], port: u16, cwd: &Path) -> (String, String) {
        let endpoint = format!("http://127.0.0.1:{port}");
        let mut cmd = bin();
        for (k, _) in std::env::vars() {
            if k.starts_with("AWS_") {
                cmd.env_remove(k);
            }
        }
        let out = cmd
            .current_dir(cwd)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .args(args)
            .args(["--endpoint", &endpoint])
            .output()
            .unwrap();
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Whether `dir` holds `n` sidecars or fewer, and no temporary file.
    fn sidecars_only(dir: &Path, n: usize) -> bool {
        let mut files = Vec::new();
        crate::util::all_files(dir, &mut files);
        !files.is_empty()
            && files.len() <= n
            && files
                .iter()
                .all(|f| f.to_string_lossy().ends_with(".technical.json"))
    }

    #[test]
    fn a_bucket_gives_the_records_and_reports_of_its_local_copy() {
        let Some(moto) = moto() else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let local = dir.path().join("catalog");
        let n = catalog(moto.port, "music", "label/catalog", &local);
        assert!(n >= 20, "{n} files");
        let url = "s3://music/label/catalog";
        let mut records = String::new();
        for extra in [
            &[][..],
            &["--hash", "md5,sha256", "--verify"][..],
            &["--hash", "none", "--io-concurrency", "1"][..],
        ] {
            let mut args = vec!["scan", "--format", "ndjson"];
            args.extend(extra);
            let (want, _) = run(&[&args[..], &["catalog"]].concat(), moto.port, dir.path());
            let (got, err) = run(&[&args[..], &[url]].concat(), moto.port, dir.path());
            assert_eq!(want.lines().count(), n, "{want}");
            if extra.is_empty() {
                records = want.clone();
            }
            assert_eq!(got, want, "{extra:?}: {err}");
            assert!(err.contains(&format!("ddexprobe: {n} files")), "{err}");
        }
        // Split 3 ways and merged: the single run, byte for byte (objects
        // of other parts are never fetched, so one request in flight is
        // never held by one of them).
        let mut parts = Vec::new();
        for k in 1..=3 {
            let part = format!("part-{k}.ndjson");
            let shard = format!("{k}/3");
            let (_, err) = run(
                &[
                    "scan", "--format", "ndjson", "--shard", &shard, "-o", &part, url,
                ],
                moto.port,
                dir.path(),
            );
            assert!(dir.path().join(&part).is_file(), "{err}");
            parts.push(part);
        }
        let merged = bin()
            .current_dir(dir.path())
            .args(["merge", "--format", "ndjson"])
            .args(&parts)
            .output()
            .unwrap();
        assert_eq!(String::from_utf8(merged.stdout).unwrap(), records);
        // A cache knows objects by their ETag: the second run fetches
        // nothing and gives the same records.
        let mut cached = Vec::new();
        for _ in 0..2 {
            let (got, err) = run(
                &["scan", "--format", "ndjson", "--cache", "objects.redb", url],
                moto.port,
                dir.path(),
            );
            assert_eq!(got, records, "{err}");
            cached.push(err);
        }
        assert!(
            cached[0].contains(&format!("0 records reused, {n} measured")),
            "{}",
            cached[0]
        );
        assert!(
            cached[1].contains(&format!("{n} records reused, 0 measured")),
            "{}",
            cached[1]
        );
        let (want, _) = run(
            &["check", "--format", "ndjson", "catalog"],
            moto.port,
            dir.path(),
        );
        let (got, err) = run(&["check", "--format", "ndjson", url], moto.port, dir.path());
        assert!(want.lines().count() >= n / 2, "{want}");
        assert_eq!(got, want, "{err}");
        // A trailing slash, and one object named by its URL.
        let (got, _) = run(
            &["scan", "--format", "ndjson", "s3://music/label/catalog/"],
            moto.port,
            dir.path(),
        );
        assert_eq!(got.lines().count(), n);
        let first = got.lines().next().unwrap();
        let name: serde_json::Value = serde_json::from_str(first).unwrap();
        let key = name["path"].as_str().unwrap().replace(' ', "%20");
        let one = format!("s3://music/label/catalog/{key}");
        let (got, err) = run(&["scan", "--format", "ndjson", &one], moto.port, dir.path());
        let record: serde_json::Value = serde_json::from_str(got.trim()).unwrap();
        assert_eq!(record["path"], one.as_str(), "{err}");
        assert_eq!(record["sizeBytes"], name["sizeBytes"]);
        // ERN of a bucket's objects names them as it names the local copy's.
        // (One sound file without findings, one document: ERN refuses a
        // broken one.)
        let good = records
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .find(|r| {
                r["errors"].as_array().is_some_and(|e| e.is_empty())
                    && r["warnings"].as_array().is_some_and(|w| w.is_empty())
                    && ["WAV", "FLAC", "AIFF"].contains(&r["fileFormat"].as_str().unwrap_or(""))
            })
            .expect("a file without findings");
        let name = good["path"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        let ern = [
            "ern",
            "--ern",
            "4.3",
            "--fragment",
            "technical",
            "--force",
            "--include",
            &name,
        ];
        let (want, _) = run(&[&ern[..], &["catalog"]].concat(), moto.port, dir.path());
        let (got, err) = run(&[&ern[..], &[url]].concat(), moto.port, dir.path());
        assert!(want.contains("<File>"), "{want}");
        assert_eq!(got, want, "{err}");
        // Sidecars of a bucket go under --out-dir, as those of its copy,
        // the modification time being the listing's; a second run finds
        // them up to date.
        let (_, err) = run(
            &["sidecar", "--out-dir", "side-local", "catalog"],
            moto.port,
            dir.path(),
        );
        assert!(err.contains("sidecars written"), "{err}");
        let (_, first) = run(
            &["sidecar", "--out-dir", "side-remote", url],
            moto.port,
            dir.path(),
        );
        let (_, again) = run(
            &["sidecar", "--out-dir", "side-remote", url],
            moto.port,
            dir.path(),
        );
        assert!(!first.contains(" 0 sidecars written"), "{first}");
        assert!(again.contains(" 0 sidecars written"), "{again}");
        assert!(sidecars_only(&dir.path().join("side-remote"), n));
        let mut local_files = Vec::new();
        crate::util::all_files(&dir.path().join("side-local"), &mut local_files);
        assert!(local_files.len() >= n / 2, "{local_files:?}");
        for f in &local_files {
            let rel = f.strip_prefix(dir.path().join("side-local")).unwrap();
            let strip = |p: &Path| {
                std::fs::read_to_string(p)
                    .unwrap()
                    .lines()
                    .filter(|l| !l.contains("sourceModified"))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            let remote = dir.path().join("side-remote").join(rel);
            assert_eq!(strip(&remote), strip(f), "{}", rel.display());
        }
        let out = {
            let mut cmd = bin();
            cmd.current_dir(dir.path())
                .args(["sidecar", url, "--endpoint"])
                .arg(format!("http://127.0.0.1:{}", moto.port))
                .env("AWS_ACCESS_KEY_ID", "testing")
                .env("AWS_SECRET_ACCESS_KEY", "testing")
                .env("AWS_REGION", "us-east-1")
                .output()
                .unwrap()
        };
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("--out-dir"));
        // What is not there is an input problem, not a record.
        let (got, err) = run(&["scan", "s3://music/no/such/"], moto.port, dir.path());
        assert!(got.is_empty());
        assert!(
            err.contains("[no_audio_files]") || err.contains("[not_found]"),
            "{err}"
        );
    }
}
