//! Catalogs in object storage. Built without the `remote` feature, a
//! location is the input problem `remote_not_built`. Built with it, a
//! catalog uploaded to moto's S3 server (started here on a free port of
//! 127.0.0.1; skipped with a message when moto is not installed, unless
//! `DDEXPROBE_REQUIRE_TOOLS=1`) gives the same records and the same
//! readiness reports as the same files scanned on disk, and an ERN
//! message uploaded with its files audits as its local copy does.

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

#[cfg(not(feature = "remote"))]
#[test]
fn audit_says_storage_needs_the_remote_feature() {
    // A message in storage cannot be read: exit 2, saying how to build.
    let out = bin()
        .args(["audit", "s3://bucket/release/message.xml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--features remote"), "{err}");
    // A file named by its URL is not checked, and the finding says why.
    let dir = tempfile::tempdir().unwrap();
    let message =
        std::fs::read_to_string(crate::util::testdata("audit/handwritten-43/message.xml"))
            .unwrap()
            .replace("<URI>cover.png</URI>", "<URI>s3://bucket/cover.png</URI>");
    std::fs::write(dir.path().join("message.xml"), message).unwrap();
    let out = bin()
        .current_dir(dir.path())
        .args(["audit", "message.xml", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let finding = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "file_not_local")
        .expect("file_not_local");
    assert_eq!(finding["file"], "s3://bucket/cover.png");
    assert!(
        finding["suggestion"]
            .as_str()
            .unwrap()
            .contains("--features remote"),
        "{finding}"
    );
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

    /// `ddexprobe ARGS` with dummy credentials for the local endpoint:
    /// (stdout, stderr).
    pub fn run(args: &[&str], port: u16, cwd: &Path) -> (String, String) {
        let (_, out, err) = run_code(args, port, cwd);
        (out, err)
    }

    /// `ddexprobe ARGS` with dummy credentials for the local endpoint:
    /// (exit code, stdout, stderr).
    pub fn run_code(args: &[&str], port: u16, cwd: &Path) -> (i32, String, String) {
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
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// The release folder `testdata/audit/NAME` copied to `dir` and
    /// uploaded under `bucket/prefix/`, but for the files `leave_out`
    /// (relative paths), which are neither copied nor uploaded.
    pub fn release(
        port: u16,
        bucket: &str,
        prefix: &str,
        name: &str,
        dir: &Path,
        leave_out: &[&str],
    ) {
        let from = testdata("audit").join(name);
        let mut files = Vec::new();
        crate::util::all_files(&from, &mut files);
        for f in files {
            let rel = f
                .strip_prefix(&from)
                .unwrap()
                .to_str()
                .unwrap()
                .replace('\\', "/");
            if leave_out.contains(&rel.as_str()) {
                continue;
            }
            let bytes = std::fs::read(&f).unwrap();
            let local = dir.join(&rel);
            std::fs::create_dir_all(local.parent().unwrap()).unwrap();
            std::fs::write(&local, &bytes).unwrap();
            let key = rel.replace(' ', "%20");
            assert_eq!(put(port, &format!("/{bucket}/{prefix}/{key}"), &bytes), 200);
        }
    }

    #[test]
    fn an_audit_of_a_message_in_a_bucket_is_the_audit_of_its_local_copy() {
        let Some(moto) = moto() else {
            return;
        };
        let port = moto.port;
        let dir = tempfile::tempdir().unwrap();
        let cwd = dir.path();
        assert_eq!(put(port, "/deliveries", b""), 200);
        // A clean release, one with faults (a missing file, an
        // unreferenced one, a wrong size...), and the clean one without a
        // track: the bucket's report is the local copy's, byte for byte,
        // but for where the message and its batch are.
        let cases: [(&str, &str, &[&str], i32); 3] = [
            ("handwritten-43", "handwritten-43", &[], 0),
            ("handwritten-faults-43", "handwritten-faults-43", &[], 1),
            ("handwritten-43", "no-reed-bed", &["tracks/Reed Bed.wav"], 1),
        ];
        for (name, prefix, leave_out, code) in cases {
            release(
                port,
                "deliveries",
                prefix,
                name,
                &cwd.join(prefix),
                leave_out,
            );
            for format in ["json", "ndjson", "github"] {
                let local = format!("{prefix}/message.xml");
                let url = format!("s3://deliveries/{prefix}/message.xml");
                let (want_code, want, _) =
                    run_code(&["audit", "--format", format, &local], port, cwd);
                let (got_code, got, err) =
                    run_code(&["audit", "--format", format, &url], port, cwd);
                assert_eq!((want_code, got_code), (code, code), "{prefix}: {err}");
                // (GitHub escapes the `:` of an annotation's file.)
                let got = got
                    .replace(&url.replacen(':', "%3A", 1), &local)
                    .replace(&url, &local)
                    .replace(&format!("s3://deliveries/{prefix}/"), prefix);
                assert_eq!(got, want, "{prefix} {format}");
            }
            let (_, report, _) = run_code(
                &[
                    "audit",
                    "--format",
                    "json",
                    &format!("s3://deliveries/{prefix}/message.xml"),
                ],
                port,
                cwd,
            );
            let v: serde_json::Value = serde_json::from_str(&report).unwrap();
            let codes: Vec<&str> = v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["code"].as_str().unwrap())
                .filter(|c| *c != "schema_not_checked")
                .collect();
            match prefix {
                "handwritten-43" => {
                    assert!(codes.is_empty(), "{codes:?}");
                    assert_eq!(v["summary"]["filesMatching"], 3);
                }
                "no-reed-bed" => assert_eq!(codes, ["file_missing"]),
                _ => {
                    for c in ["file_missing", "unreferenced_file", "size_mismatch"] {
                        assert!(codes.contains(&c), "{c}: {codes:?}");
                    }
                }
            }
        }
        // --root in the bucket: a local message, its files there.
        let (code, out, err) = run_code(
            &[
                "audit",
                "--format",
                "json",
                "no-reed-bed/message.xml",
                "--root",
                "s3://deliveries/handwritten-43",
                // The bucket's copy of the message is a file of the batch.
                "--ignore",
                "message.xml",
            ],
            port,
            cwd,
        );
        let v: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
        assert_eq!(code, 0, "{v:#}");
        assert_eq!(v["root"], "s3://deliveries/handwritten-43/");
        assert_eq!(v["summary"]["filesMatching"], 3);
        // A local message naming its files by URL: fetched and measured,
        // with the digests it states.
        let message = std::fs::read_to_string(cwd.join("no-reed-bed/message.xml"))
            .unwrap()
            .replace(
                "<URI>tracks/Reed%20Bed.wav</URI>",
                "<URI>s3://deliveries/handwritten-43/tracks/Reed%20Bed.wav</URI>",
            );
        std::fs::write(cwd.join("no-reed-bed/by-url.xml"), message).unwrap();
        std::fs::remove_file(cwd.join("no-reed-bed/message.xml")).unwrap();
        let (code, out, err) = run_code(
            &["audit", "--format", "json", "no-reed-bed/by-url.xml"],
            port,
            cwd,
        );
        let v: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
        assert_eq!(code, 0, "{v:#}");
        let file = &v["resources"][1]["files"][0];
        assert_eq!(
            file["file"],
            "s3://deliveries/handwritten-43/tracks/Reed%20Bed.wav"
        );
        assert_eq!(file["status"], "match");
        assert!(
            file["checked"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c == "sha256"),
            "{file}"
        );
        // Named by URL but not in the store: missing, as a local file is.
        let message = std::fs::read_to_string(cwd.join("no-reed-bed/by-url.xml"))
            .unwrap()
            .replace("handwritten-43/tracks/Reed", "handwritten-43/tracks/No");
        std::fs::write(cwd.join("no-reed-bed/by-url.xml"), message).unwrap();
        let (code, out, _) = run_code(
            &["audit", "--format", "json", "no-reed-bed/by-url.xml"],
            port,
            cwd,
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(code, 1);
        assert_eq!(v["summary"]["byCode"]["file_missing"], 1, "{v:#}");
        // -o: a message in storage is no local input; the report is
        // written.
        let (code, _, err) = run_code(
            &[
                "audit",
                "s3://deliveries/handwritten-43/message.xml",
                "-o",
                "report.json",
                "--format",
                "json",
            ],
            port,
            cwd,
        );
        assert_eq!(code, 0, "{err}");
        assert!(
            std::fs::read_to_string(cwd.join("report.json"))
                .unwrap()
                .contains("\"summary\"")
        );
        // A message that is not there: exit 2, said.
        let (code, out, err) =
            run_code(&["audit", "s3://deliveries/no-such/message.xml"], port, cwd);
        assert_eq!(code, 2, "{out}");
        assert!(err.contains("no such object"), "{err}");
        assert!(err.contains("s3://deliveries/no-such/message.xml"), "{err}");
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
