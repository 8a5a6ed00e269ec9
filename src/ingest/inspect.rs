//! `perfreport inspect PATH...`: what perfreport makes of each file, without
//! scoring anything: the format detected, the run it belongs to, the records
//! read and the malformed rows skipped (with why), and the files it does not
//! recognise (with why). Files are read as `build --skip-bad-rows` reads them.

use super::{detect, groups_of, input, list, read_group_tallied, resources, scan_dir, ReadOptions};
use std::path::{Path, PathBuf};

/// What perfreport makes of one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Inspected {
    /// The file.
    pub path: PathBuf,
    /// Reader id and description, when the format was recognised.
    pub format: Option<(&'static str, &'static str)>,
    /// The run the file belongs to.
    pub run: Option<String>,
    /// Records read (requests, endpoint rows, history rows, resource rows, …);
    /// `None` when the file was not read.
    pub rows: Option<u64>,
    /// Malformed rows skipped.
    pub skipped: u64,
    /// Why (the first few skipped rows' errors).
    pub skipped_why: Vec<String>,
    /// Why the file was not read or not recognised, or the error reading it.
    pub note: Option<String>,
}

/// The files under the paths given, and the errors that made some unreadable.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inspection {
    /// One entry per file, in path order.
    pub files: Vec<Inspected>,
    /// Input errors (exit code 2).
    pub errors: Vec<String>,
}

/// Inspects every file under `paths`.
pub fn inspect(paths: &[PathBuf], opts: &ReadOptions) -> Inspection {
    let opts = ReadOptions {
        skip_bad_rows: true,
        ..opts.clone()
    };
    let mut out = Inspection::default();
    for path in paths {
        if path.is_dir() {
            match groups_of(path) {
                Ok(groups) => {
                    for g in groups {
                        read(g, &opts, None, &mut out);
                    }
                }
                Err(e) => out.errors.push(e.to_string()),
            }
            // Files no run took (unknown files in a directory without runs).
            let mut dirs = vec![path.clone()];
            dirs.extend(
                list(path)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|p| p.is_dir()),
            );
            for d in dirs {
                for f in list(&d)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|p| p.is_file())
                {
                    if !out.files.iter().any(|i| i.path == f) {
                        out.files.push(not_recognised(&f));
                    }
                }
            }
        } else if path.is_file() {
            let dir = path
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            let group = match scan_dir(&dir, false) {
                Ok(groups) => groups.into_iter().find(|g| {
                    g.files.iter().any(|(p, _)| p == path) || g.skipped.iter().any(|p| p == path)
                }),
                Err(e) => {
                    out.errors.push(e.to_string());
                    continue;
                }
            };
            match group {
                Some(mut g) => {
                    g.drop_compressed_twins(Some(path));
                    read(g, &opts, Some(path), &mut out)
                }
                None => out.files.push(not_recognised(path)),
            }
        } else {
            out.files.push(Inspected {
                note: Some("no such file or directory".to_string()),
                ..blank(path)
            });
            out.errors
                .push(format!("{}: no such file or directory", path.display()));
        }
    }
    out
}

fn blank(path: &Path) -> Inspected {
    Inspected {
        path: path.to_path_buf(),
        format: None,
        run: None,
        rows: None,
        skipped: 0,
        skipped_why: Vec::new(),
        note: None,
    }
}

/// Reads one run's files and notes what each gave; `only` limits the output to one file.
fn read(group: super::Group, opts: &ReadOptions, only: Option<&Path>, out: &mut Inspection) {
    let files = group.files.clone();
    let skipped = group.skipped.clone();
    let dir = group.dir.clone();
    let mut tallies = Vec::new();
    let result = read_group_tallied(group, false, opts, &mut tallies);
    let wanted = |p: &Path| only.is_none_or(|o| o == p);
    match result {
        Ok(run) => {
            for (path, reader, t) in tallies {
                if wanted(&path) {
                    out.files.push(Inspected {
                        format: Some((reader.id(), reader.describe())),
                        run: Some(run.meta.name.clone()),
                        rows: Some(t.rows),
                        skipped: t.skipped,
                        skipped_why: t.examples,
                        ..blank(&path)
                    });
                }
            }
            for s in run.sources.iter().filter(|s| !s.read) {
                let path = PathBuf::from(&s.path);
                if wanted(&path) {
                    out.files.push(Inspected {
                        format: detect::detect(&path)
                            .ok()
                            .flatten()
                            .map(|r| (r.id(), r.describe())),
                        run: Some(run.meta.name.clone()),
                        note: Some(s.role.clone()),
                        ..blank(&path)
                    });
                }
            }
            if only.is_none() && dir.join("run.toml").is_file() {
                out.files.push(Inspected {
                    run: Some(run.meta.name.clone()),
                    note: Some("run metadata".to_string()),
                    ..blank(&dir.join("run.toml"))
                });
            }
        }
        Err(e) => {
            let msg = e.to_string();
            for (path, reader) in files {
                if !wanted(&path) {
                    continue;
                }
                let done = tallies.iter().find(|(p, _, _)| *p == path);
                let failed = Path::new(&e.path) == path;
                out.files.push(Inspected {
                    format: Some((reader.id(), reader.describe())),
                    rows: done.map(|(_, _, t)| t.rows),
                    skipped: done.map_or(0, |(_, _, t)| t.skipped),
                    skipped_why: done.map(|(_, _, t)| t.examples.clone()).unwrap_or_default(),
                    note: Some(if failed {
                        format!("cannot be read: {msg}")
                    } else {
                        format!("its run cannot be built: {msg}")
                    }),
                    ..blank(&path)
                });
            }
            for path in skipped.into_iter().filter(|p| wanted(p)) {
                out.files.push(not_recognised(&path));
            }
            out.errors.push(msg);
        }
    }
}

/// A file no run took, and why.
fn not_recognised(path: &Path) -> Inspected {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let note = match detect::detect(path) {
        _ if name == "run.toml" => "run metadata, with no result file beside it".to_string(),
        Ok(Some(r)) if resources::is_resource(r) => {
            "resource samples with no run to join: no result file in this directory (or several runs, and the file's name starts with none of their names)".to_string()
        }
        Ok(Some(_)) => "recognised, but no run here takes it".to_string(),
        Ok(None) => match input::head(path) {
            Ok(h) if h.iter().all(u8::is_ascii_whitespace) => "the file is empty".to_string(),
            Ok(h) => match super::unreadable::recognise(&input::logical_name(path), &h) {
                Some(what) => what,
                None => {
                    let first =
                        String::from_utf8_lossy(h.split(|b| *b == b'\n').next().unwrap_or_default())
                            .trim()
                            .chars()
                            .take(60)
                            .collect::<String>();
                    if first.chars().any(|c| c.is_control()) {
                        "not a format perfreport reads (binary content)".to_string()
                    } else {
                        format!("not a format perfreport reads (first line: `{first}`)")
                    }
                }
            },
            Err(e) => format!("cannot be read: {e}"),
        },
        Err(e) => format!("cannot be read: {e}"),
    };
    Inspected {
        format: detect::detect(path)
            .ok()
            .flatten()
            .map(|r| (r.id(), r.describe())),
        note: Some(note),
        ..blank(path)
    }
}
