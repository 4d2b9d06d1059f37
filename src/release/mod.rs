//! A release folder: the unit of delivery. Its audio files with their
//! sidecars (as everywhere), its cover image, and a `release.json`
//! ([`spec`]) declaring the message header's parties, the release's
//! identifiers and credits and its deals — or the same keys in a
//! `--metadata` manifest.
//!
//! [`load`] walks the folder once and measures every file on the scan's
//! workers (one read per file, like `scan`); it finds the cover, puts the
//! tracks in album order ([`order`]) and gives each track the release's
//! values where its own metadata is silent (label, P-line, genre, parental
//! warning, display artist). [`crate::readiness::release`] judges the
//! result, [`crate::ern::release`] writes its message and
//! [`crate::output::package`] its batch.

pub mod order;
pub mod spec;

use crate::metadata::{Declarations, Metadata};
use crate::record::{InputProblem, Record};
use crate::scan::{self, Progress, ScanOptions, discover};
use serde_json::Value;
use std::path::{Path, PathBuf};

pub use order::Place;
pub use spec::{Deal, Spec};

/// Image names taken as the cover without being named in `release.json`,
/// by stem, in order of preference.
pub const COVER_NAMES: &[&str] = &["cover", "front", "folder", "artwork"];

/// Release values a track inherits when its own metadata does not give
/// them: (release field, track field).
pub const INHERITED: &[(&str, &str)] = &[
    ("release.displayArtist", "ddexMetadata.displayArtist"),
    ("release.labelName", "soundRecordingDetails.labelName"),
    ("release.genre", "soundRecordingDetails.genre"),
    ("release.subGenre", "soundRecordingDetails.subGenre"),
    (
        "release.parentalWarningType",
        "ddexMetadata.parentalWarningType",
    ),
    ("release.pLine.year", "soundRecordingDetails.pLine.year"),
    (
        "release.pLine.pLineText",
        "soundRecordingDetails.pLine.pLineText",
    ),
];

/// One recording of the release.
#[derive(Debug, Clone)]
pub struct Track {
    /// Where the file is.
    pub file: PathBuf,
    /// The measurement (`path` relative to the release folder).
    pub record: Record,
    /// What its sidecar or manifest entry declares, with the release's
    /// values filled in where it is silent.
    pub declared: Metadata,
    /// The manifest key it matched, if any.
    pub manifest_key: Option<String>,
    /// Its disc and place on the disc.
    pub place: Place,
}

/// The cover image.
#[derive(Debug, Clone)]
pub struct Cover {
    /// Where the file is.
    pub file: PathBuf,
    /// Its measurement (`artwork` when it is a JPEG or PNG).
    pub record: Record,
}

/// A release folder, measured.
#[derive(Debug, Clone)]
pub struct Release {
    /// The folder.
    pub dir: PathBuf,
    /// What `release.json` (or the manifest) declares; `None` when nothing
    /// does.
    pub spec: Option<Spec>,
    /// The recordings in album order (disc, then place).
    pub tracks: Vec<Track>,
    /// The cover, when one was found.
    pub cover: Option<Cover>,
    /// Why no cover was taken, or which images were passed over.
    pub cover_notes: Vec<String>,
    /// Numbering problems of the track order.
    pub order: Vec<order::Finding>,
    /// Inputs that could not be read (unreadable folders, link loops).
    pub problems: Vec<InputProblem>,
    /// Files under the folder that are neither audio nor the cover.
    pub other_files: Vec<String>,
    /// What was assumed for the release (a profile's default deal), for
    /// the report's warnings.
    pub assumed: Vec<String>,
}

/// How [`load`] measures.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// Digests, workers, verification and QC, as for `scan`.
    pub scan: ScanOptions,
    /// Sidecars, or a manifest (whose release keys stand in for
    /// `release.json`).
    pub declarations: &'a Declarations,
}

/// Whether `path`'s extension is an image extension a cover may have.
fn is_image_name(path: &Path) -> bool {
    discover::has_artwork_extension(path)
}

/// Walk `dir`, measure its files and assemble the release. `progress` is
/// called after each file. `Err` when `dir` is not a folder.
pub fn load(
    dir: &Path,
    opts: Options<'_>,
    progress: impl FnMut(Progress) + Send,
) -> Result<Release, String> {
    if !dir.is_dir() {
        return Err(format!(
            "{}: not a folder: a release is a folder holding its audio, its cover and \
             release.json",
            dir.display()
        ));
    }
    let spec = match opts.declarations {
        Declarations::Manifest(m) if m.release.is_some() => m
            .release
            .as_ref()
            .map(|obj| Spec::from_object(obj, "the manifest's release keys")),
        _ => Spec::load(dir),
    };
    let found = discover::discover(&[dir.to_path_buf()], true);
    let mut targets = Vec::new();
    let mut other_files = Vec::new();
    for t in found.targets {
        let name = t.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let is_json = t
            .path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if name == spec::FILE_NAME || is_json {
            continue;
        }
        if discover::has_audio_extension(&t.path) || is_image_name(&t.path) {
            targets.push(t);
        } else {
            other_files.push(t.display);
        }
    }
    let mut measured: Vec<(discover::Target, Record, Option<Metadata>, Option<String>)> =
        Vec::new();
    let declarations = opts.declarations;
    let mut index = 0usize;
    let outcome = scan::scan_map(
        &targets,
        opts.scan,
        |t, record| {
            if !is_image_name(&t.path) {
                declarations.declare(&t.path, &record.path)
            } else {
                (None, None)
            }
        },
        |record, (declared, key)| {
            measured.push((targets[index].clone(), record.clone(), declared, key));
            index += 1;
            Ok(())
        },
        progress,
    );
    if let Some(e) = outcome.sink_error {
        return Err(e.to_string());
    }

    // The cover: the image release.json names, else the one image at the
    // top of the folder, else the one named cover/front/folder/artwork.
    let named = spec.as_ref().and_then(|s| s.text("artwork.file"));
    let mut cover_notes = Vec::new();
    let images: Vec<usize> = measured
        .iter()
        .enumerate()
        .filter(|(_, (t, _, _, _))| is_image_name(&t.path))
        .map(|(i, _)| i)
        .collect();
    let top: Vec<usize> = images
        .iter()
        .copied()
        .filter(|&i| !measured[i].1.path.contains('/'))
        .collect();
    let chosen = match &named {
        Some(name) => {
            let found = images
                .iter()
                .copied()
                .find(|&i| measured[i].1.path == name.trim_start_matches("./"));
            if found.is_none() {
                cover_notes.push(format!(
                    "release.json names the cover '{name}', which is not an image in the folder"
                ));
            }
            found
        }
        None if top.len() == 1 => Some(top[0]),
        None => {
            let stem = |i: usize| {
                Path::new(&measured[i].1.path)
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or("")
                    .to_ascii_lowercase()
            };
            let by_name = COVER_NAMES
                .iter()
                .find_map(|n| top.iter().copied().find(|&i| stem(i) == *n));
            if by_name.is_none() && top.len() > 1 {
                cover_notes.push(format!(
                    "{} images at the top of the folder and none named cover, front, folder or \
                     artwork: name the cover in release.json (\"artwork\": {{\"file\": \"...\"}})",
                    top.len()
                ));
            }
            by_name
        }
    };
    let mut cover = None;
    let mut tracks = Vec::new();
    for (i, (t, record, declared, key)) in measured.into_iter().enumerate() {
        if Some(i) == chosen {
            cover = Some(Cover {
                file: t.path,
                record,
            });
        } else if images.contains(&i) {
            cover_notes.push(format!(
                "{}: an image that is not the cover, left out",
                record.path
            ));
            other_files.push(record.path);
        } else if !record.is_audio() {
            other_files.push(record.path);
        } else {
            let mut declared = declared.unwrap_or_default();
            if let Some(spec) = &spec {
                for (from, to) in INHERITED {
                    if !declared.fields.contains_key(*to)
                        && let Some(v) = spec.fields.get(*from)
                    {
                        declared.fields.insert(to.to_string(), v.clone());
                    }
                }
            }
            tracks.push(Track {
                file: t.path,
                record,
                declared,
                manifest_key: key,
                place: Place { disc: 1, number: 1 },
            });
        }
    }
    let merged: Vec<std::collections::BTreeMap<String, Value>> = tracks
        .iter()
        .map(|t| crate::metadata::merge(&t.record, t.declared.fields.clone()).fields)
        .collect();
    let entries: Vec<order::Entry<'_>> = tracks
        .iter()
        .zip(&merged)
        .map(|(t, fields)| order::Entry {
            path: &t.record.path,
            fields,
        })
        .collect();
    let (places, order_findings) = order::places(&entries);
    for (t, p) in tracks.iter_mut().zip(places) {
        t.place = p;
    }
    tracks.sort_by_key(|t| (t.place.disc, t.place.number));
    Ok(Release {
        dir: dir.to_path_buf(),
        spec,
        tracks,
        cover,
        cover_notes,
        order: order_findings,
        problems: found.problems,
        other_files,
        assumed: Vec::new(),
    })
}

impl Release {
    /// Give a release whose `release.json` has no deals the profile's
    /// default deal, valid from the original release date (or at once),
    /// and say so.
    pub fn default_deals(
        &mut self,
        rules: &crate::readiness::profile::ReleaseRules,
        profile: &str,
    ) {
        let Some(default) = &rules.default_deal else {
            return;
        };
        let Some(spec) = self.spec.as_mut() else {
            return;
        };
        if spec.deals.as_ref().is_some_and(|d| !d.is_empty()) {
            return;
        }
        let start = spec.text("release.originalReleaseDate");
        spec.deals = Some(vec![Deal {
            territories: default.territories.clone(),
            excluded_territories: Vec::new(),
            start_date: start.clone(),
            end_date: None,
            commercial_models: default.commercial_models.clone(),
            use_types: default.use_types.clone(),
            takedown: false,
        }]);
        self.assumed.push(format!(
            "release.json gives no deals: the {profile} profile's default deal is used ({} in {}, \
             {}, from {})",
            default.use_types.join("/"),
            default.territories.join(", "),
            default.commercial_models.join(" and "),
            start.as_deref().unwrap_or("now")
        ));
    }

    /// The discs and how many tracks each has, in order.
    pub fn discs(&self) -> Vec<(u32, usize)> {
        let mut out: Vec<(u32, usize)> = Vec::new();
        for t in &self.tracks {
            match out.last_mut() {
                Some((d, n)) if *d == t.place.disc => *n += 1,
                _ => out.push((t.place.disc, 1)),
            }
        }
        out
    }

    /// A text field of the release spec.
    pub fn text(&self, field: &str) -> Option<String> {
        self.spec.as_ref().and_then(|s| s.text(field))
    }
}
