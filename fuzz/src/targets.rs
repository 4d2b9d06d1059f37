//! The fuzz targets, one per format ddexprobe parses: each names the
//! fixtures in `testdata/` it starts from and runs an input through
//! everything a file of that format meets (probe, verification, the QC
//! analysis, the record) in memory. Metadata targets run the sidecar, manifest and
//! release.json readers; `ern_message` runs the ERN message reader and the
//! message rules `ddexprobe audit` applies.

/// One fuzz target.
pub struct Target {
    /// Its name on the command line and its folder in `tests/crashes/`.
    pub name: &'static str,
    /// File name extensions of its seed fixtures in `testdata/`.
    pub seeds: &'static [&'static str],
    /// Run one input.
    pub run: fn(&[u8]),
}

fn audio(bytes: &[u8], name: &str) {
    let options = ddexprobe::Options {
        verify: true,
        qc: Some(ddexprobe::qc::Settings::default()),
        ..ddexprobe::Options::default()
    };
    let record = ddexprobe::probe_bytes(bytes, name, &options);
    // Every record must serialise: no NaN, no value the writers refuse.
    serde_json::to_string(&record).expect("a record always serialises");
}

/// Every target.
pub const TARGETS: &[Target] = &[
    Target {
        name: "wav",
        seeds: &["wav"],
        run: |b| audio(b, "x.wav"),
    },
    Target {
        name: "aiff",
        seeds: &["aiff", "aifc"],
        run: |b| audio(b, "x.aiff"),
    },
    Target {
        name: "flac",
        seeds: &["flac"],
        run: |b| audio(b, "x.flac"),
    },
    Target {
        name: "mpeg",
        seeds: &["mp3", "mp2"],
        run: |b| audio(b, "x.mp3"),
    },
    Target {
        name: "ogg",
        seeds: &["ogg", "opus"],
        run: |b| audio(b, "x.ogg"),
    },
    Target {
        name: "mp4",
        seeds: &["m4a"],
        run: |b| audio(b, "x.m4a"),
    },
    Target {
        name: "lossless",
        seeds: &["wv", "ape", "tta", "tak", "ofr"],
        run: |b| audio(b, "x.wv"),
    },
    Target {
        name: "musepack",
        seeds: &["mpc"],
        run: |b| audio(b, "x.mpc"),
    },
    Target {
        name: "aac",
        seeds: &["aac"],
        run: |b| audio(b, "x.aac"),
    },
    Target {
        name: "ac3",
        seeds: &["ac3", "eac3"],
        run: |b| audio(b, "x.ac3"),
    },
    Target {
        name: "asf",
        seeds: &["wma", "asf"],
        run: |b| audio(b, "x.wma"),
    },
    Target {
        name: "w64",
        seeds: &["w64"],
        run: |b| audio(b, "x.w64"),
    },
    Target {
        name: "caf",
        seeds: &["caf"],
        run: |b| audio(b, "x.caf"),
    },
    Target {
        name: "au",
        seeds: &["au"],
        run: |b| audio(b, "x.au"),
    },
    Target {
        name: "dsd",
        seeds: &["dsf", "dff"],
        run: |b| audio(b, "x.dsf"),
    },
    Target {
        name: "matroska",
        seeds: &["mka", "webm"],
        run: |b| audio(b, "x.mka"),
    },
    Target {
        name: "shorten",
        seeds: &["shn"],
        run: |b| audio(b, "x.shn"),
    },
    Target {
        name: "module",
        seeds: &["mod", "s3m", "xm", "it"],
        run: |b| audio(b, "x.mod"),
    },
    Target {
        name: "jpeg",
        seeds: &["jpg"],
        run: |b| audio(b, "cover.jpg"),
    },
    Target {
        name: "png",
        seeds: &["png"],
        run: |b| audio(b, "cover.png"),
    },
    Target {
        name: "sidecar",
        seeds: &["json"],
        run: |b| {
            let text = String::from_utf8_lossy(b);
            let _ = ddexprobe::metadata::sidecar::parse_sidecar(&text, "x.json");
        },
    },
    Target {
        name: "manifest",
        seeds: &["csv", "json"],
        run: |b| {
            let text = String::from_utf8_lossy(b);
            let _ = ddexprobe::metadata::manifest::Manifest::from_csv(&text, "m.csv");
            let _ = ddexprobe::metadata::manifest::Manifest::from_json(&text, "m.json");
        },
    },
    Target {
        name: "release",
        seeds: &["json"],
        run: |b| {
            use ddexprobe::metadata::identifiers as id;
            let text = String::from_utf8_lossy(b);
            let spec = ddexprobe::release::spec::Spec::parse(&text, "release.json");
            for (field, check) in [
                (
                    "release.icpn",
                    (|s: &str| id::icpn(s).is_ok()) as fn(&str) -> bool,
                ),
                ("release.grid", |s| id::grid(s).is_ok()),
                ("messageHeader.senderPartyId", |s| id::dpid(s).is_ok()),
                ("release.originalReleaseDate", |s| id::date(s).is_ok()),
            ] {
                if let Some(v) = spec.text(field) {
                    let _ = check(&v);
                }
            }
            for deal in spec.deals.iter().flatten() {
                for d in deal.start_date.iter().chain(&deal.end_date) {
                    let _ = id::date(d);
                }
            }
        },
    },
    Target {
        name: "ern_message",
        seeds: &["xml"],
        run: |b| {
            use ddexprobe::readiness::profile::Profile;
            static PROFILE: std::sync::OnceLock<Profile> = std::sync::OnceLock::new();
            let profile = PROFILE.get_or_init(|| {
                Profile::built_in("default")
                    .expect("the default profile is built in")
                    .expect("the default profile parses")
            });
            if let Ok(msg) = ddexprobe::audit::message::read(b) {
                let findings = ddexprobe::audit::rules::check(&msg, profile);
                // Every finding must serialise, as the writers do.
                serde_json::to_string(&findings).expect("the findings always serialise");
            }
        },
    },
];

/// The target called `name`.
pub fn find(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}
