//! Reading result files into [`Run`]s.
//!
//! `load` finds the result files under the paths given, groups them into runs
//! (each subdirectory is a run; in one directory, each Locust prefix is a run),
//! detects each file's format from its content, and feeds the matching reader
//! into a [`RunBuilder`]. Readers know nothing of statistics or rendering.

pub mod ab;
pub mod artillery;
pub mod autocannon;
pub mod builder;
pub mod checksum;
pub mod chunked;
pub mod csvfile;
pub mod detect;
pub mod endpoint;
pub mod gatling;
pub mod gatling_binary;
pub mod generic;
pub mod hey;
pub mod input;
pub mod inspect;
pub mod jmeter;
pub mod k6;
pub mod locust;
pub mod locust_json;
pub mod oha;
pub mod resources;
pub mod run_toml;
pub mod unreadable;
pub mod vegeta;
pub mod wrk;

pub use builder::{FileTally, RunBuilder};

use crate::error::InputError;
use crate::model::{Run, SourceFile};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A reader of one file format. A new format is one file implementing this
/// and one line in [`detect::READERS`].
pub trait Reader: Sync {
    /// Stable id, e.g. `jmeter-csv`.
    fn id(&self) -> &'static str;
    /// The format and the command that produces it, for errors and `inspect`.
    fn describe(&self) -> &'static str;
    /// True when `head` (the first decompressed bytes of a file named `name`,
    /// without `.gz`) is this format.
    fn sniff(&self, name: &str, head: &[u8]) -> bool;
    /// Reads the whole file into `builder`, streaming.
    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        opts: &ReadOptions,
    ) -> Result<(), InputError>;
    /// Files of one run are read in this order (lowest first).
    fn order(&self) -> u8 {
        5
    }
    /// Whether several files of this format in one folder can be read as
    /// shards of one run (one file per load generator).
    fn shards(&self) -> Shards {
        Shards::Refused(
            "it holds figures the tool already summarised (percentiles per endpoint), and \
             percentiles of several files cannot be combined: an average of P95s is not the P95 \
             of all the requests",
        )
    }
}

/// Whether files of a format can be shards of one run; see [`Reader::shards`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shards {
    /// One row per request: shards are read into one run, their histograms merged.
    PerRequest,
    /// A summary whose figures merge exactly (counts, min/max, a table of
    /// response times): the reader merges each shard into the ones before it.
    Summaries,
    /// Not as shards, and why.
    Refused(&'static str),
}

impl Shards {
    /// Files of this format can be read as shards of one run.
    pub fn merge(self) -> bool {
        !matches!(self, Shards::Refused(_))
    }
}

/// The tool a reader belongs to (`jmeter-csv` → `jmeter`): shards of one run
/// come from one tool, whichever of its per-request outputs each is.
fn tool_of(reader: &dyn Reader) -> &'static str {
    let id = reader.id();
    id.split('-').next().unwrap_or(id)
}

/// Options every reader gets.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Skip malformed rows (counted in a warning) instead of stopping.
    pub skip_bad_rows: bool,
    /// How URLs become endpoint names.
    pub naming: endpoint::Naming,
    /// Threads that parse one file (`--threads`); 0 = every core.
    pub threads: usize,
    /// Most endpoints kept from raw samples (`--max-endpoints`); `None` = 500.
    pub max_endpoints: Option<usize>,
    /// The zone of dates written without one (`--timezone`, or run.toml `timezone`).
    pub timezone: Option<chrono::FixedOffset>,
    /// Read every file with the general readers only (`PERFREPORT_NO_FAST_PATH=1`),
    /// to check the fast paths against them.
    pub no_fast_path: bool,
    /// Scored windows (Unix ms) by run (`RunMeta::group_id`): with the SLA's
    /// `exclude_ramp_up`, a second reading keeps only the steady state.
    pub windows: BTreeMap<String, (f64, f64)>,
}

impl ReadOptions {
    /// The number of threads to parse with: `threads`, or every core.
    pub fn thread_count(&self) -> usize {
        if self.threads > 0 {
            self.threads
        } else {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        }
    }
}

/// Files of one run, before reading.
#[derive(Default)]
struct Group {
    dir: PathBuf,
    key: String,
    files: Vec<(PathBuf, &'static dyn Reader)>,
    skipped: Vec<PathBuf>,
    /// Files not read because they hold what another file of the run holds, with why.
    duplicates: Vec<(PathBuf, String)>,
    /// The per-request files are shards of one run: why they were taken as one.
    sharded: Option<String>,
}

/// Whether `a` and `b`, one plain and one gzip of the same name, hold the
/// same bytes as far as gzip says without decompressing: its trailer keeps
/// the uncompressed length (mod 2^32). Two different logs of one name are
/// both read, as any two logs of a run are.
fn same_log(a: &Path, b: &Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let gz = |p: &Path| input::is_gzip(p).unwrap_or(false);
    let (plain, zipped) = match (gz(a), gz(b)) {
        (false, true) => (a, b),
        (true, false) => (b, a),
        _ => return false,
    };
    let Ok(len) = std::fs::metadata(plain).map(|m| m.len()) else {
        return false;
    };
    let trailer = || -> std::io::Result<u32> {
        let mut f = std::fs::File::open(zipped)?;
        f.seek(SeekFrom::End(-4))?;
        let mut b = [0u8; 4];
        f.read_exact(&mut b)?;
        Ok(u32::from_le_bytes(b))
    };
    trailer().is_ok_and(|isize| u64::from(isize) == len % (1 << 32))
}

impl Group {
    /// Of a file and its gzip beside it (`results.jtl`, `results.jtl.gz`),
    /// reads one: `prefer` when it is one of them, else the plain file.
    /// Reading both would count every request twice.
    fn drop_compressed_twins(&mut self, prefer: Option<&Path>) {
        let mut k = 0;
        while k < self.files.len() {
            let name = input::logical_name(&self.files[k].0);
            let twin = (0..self.files.len()).find(|&j| {
                j != k
                    && input::logical_name(&self.files[j].0) == name
                    && same_log(&self.files[k].0, &self.files[j].0)
            });
            let Some(j) = twin else {
                k += 1;
                continue;
            };
            let is_gz = |i: usize| self.files[i].0.extension().is_some_and(|e| e == "gz");
            let named = |i: usize| prefer.is_some_and(|p| same_file(&self.files[i].0, p));
            let drop = if named(k) {
                j
            } else if named(j) || is_gz(k) {
                k
            } else {
                j
            };
            let keep = if drop == k { j } else { k };
            let why = format!(
                "not read: the same log as {} (one compressed), which was; reading both would count every request twice",
                self.files[keep].0.display()
            );
            let (path, _) = self.files.remove(drop);
            self.duplicates.push((path, why));
        }
    }
}

/// Loads every run found under `paths`, in path order.
/// `simulated` marks them all as simulated (`--simulated`).
pub fn load(
    paths: &[PathBuf],
    simulated: bool,
    opts: &ReadOptions,
) -> Result<Vec<Run>, InputError> {
    let mut groups: Vec<Group> = Vec::new();
    for path in paths {
        for g in groups_of(path)? {
            // One run, however its directory was spelled (`./x.jtl`, `/abs/x.jtl.gz`).
            if !groups
                .iter()
                .any(|h| h.key == g.key && same_file(&h.dir, &g.dir))
            {
                groups.push(g);
            }
        }
    }
    // A resource file named on its own joins the run given beside it.
    for path in paths.iter().filter(|p| p.is_file()) {
        let is_resource = detect::detect(path)?.is_some_and(resources::is_resource);
        let joined = groups
            .iter()
            .any(|g| g.files.iter().any(|(p, _)| same_file(p, path)));
        if is_resource && !joined {
            return Err(InputError::new(
                path,
                "resource samples are not a run of their own: give them with the run's result files (or their directory), in the same directory (the only run there, or one whose name prefixes the file's)",
            ));
        }
    }
    let mut runs = Vec::with_capacity(groups.len());
    for group in groups {
        runs.push(read_group(group, simulated, opts)?);
    }
    disambiguate_names(&mut runs);
    Ok(runs)
}

/// What a folder without result files holds, by kind: "12 files, none a
/// result file: 10 .txt, 2 .png" (the folder and its subfolders, as far as
/// `groups_of` looks; at most 10,000 entries are counted).
fn what_is_there(dir: &Path) -> String {
    let mut kinds: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    let mut files = 0usize;
    let mut stack = vec![(dir.to_path_buf(), 0)];
    let mut seen = 0;
    while let Some((d, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten().take(10_000 - seen.min(10_000)) {
            seen += 1;
            let Ok(t) = e.file_type() else { continue };
            if t.is_dir() {
                if depth < 2 {
                    stack.push((e.path(), depth + 1));
                }
            } else if t.is_file() {
                files += 1;
                let kind = Path::new(&e.file_name()).extension().map_or_else(
                    || "no extension".to_string(),
                    |x| format!(".{}", x.to_string_lossy().to_lowercase()),
                );
                *kinds.entry(kind).or_default() += 1;
            }
        }
    }
    if files == 0 {
        return "it holds no files".to_string();
    }
    let mut kinds: Vec<(String, usize)> = kinds.into_iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut shown: Vec<String> = kinds
        .iter()
        .take(6)
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    if kinds.len() > 6 {
        shown.push(format!("{} other kinds", kinds.len() - 6));
    }
    let noun = if files == 1 { "file" } else { "files" };
    let none = if files == 1 {
        "not a result file"
    } else {
        "none a result file"
    };
    format!("{files} {noun}, {none}: {}", shown.join(", "))
}

/// The runs (groups of files) under one path given on the command line.
fn groups_of(path: &Path) -> Result<Vec<Group>, InputError> {
    if path.is_dir() {
        let mut found = scan_dir(path, true)?;
        let mut subdirs = list(path)?
            .into_iter()
            .filter(|p| p.is_dir())
            .collect::<Vec<_>>();
        subdirs.sort();
        for sub in subdirs {
            let mut groups = scan_dir(&sub, true)?;
            // A Gatling run folder holds simulation.log and the HTML report's
            // js/ beside it: the same run twice. The log has every request.
            if is_report_of_read_log(&sub, &found) {
                for g in &mut groups {
                    g.skipped.extend(g.files.drain(..).map(|(p, _)| p));
                }
                attach_skipped(&mut found, groups);
                continue;
            }
            found.extend(groups);
        }
        for g in &mut found {
            g.drop_compressed_twins(None);
        }
        if found.is_empty() {
            // Name what is here that perfreport knows but does not read.
            let mut known = Vec::new();
            for file in list(path)?.into_iter().filter(|p| p.is_file()) {
                if let Some(what) = detect::unreadable(&file)? {
                    known.push(format!("{} is {what}", file.display()));
                }
            }
            if !known.is_empty() {
                return Err(InputError::new(
                    path,
                    format!(
                        "no result files perfreport reads here: {}",
                        known.join("; ")
                    ),
                ));
            }
            return Err(InputError::new(
                path,
                format!(
                    "no result files found here or in its subdirectories ({}). perfreport reads {}. `perfreport inspect {}` says, file by file, why it was not read.",
                    what_is_there(path),
                    detect::known_formats_short(),
                    path.display()
                ),
            ));
        }
        Ok(found)
    } else if path.is_file() {
        let reader = detect::detect(path)?;
        if reader.is_none() {
            if input::head(path)?.iter().all(u8::is_ascii_whitespace) {
                return Err(InputError::new(path, "the file is empty"));
            }
            if let Some(what) = detect::unreadable(path)? {
                return Err(InputError::new(path, format!("this is {what}")));
            }
            return Err(InputError::new(
                path,
                format!(
                    "not a result file perfreport knows; it reads {}. `perfreport inspect {}` says why.",
                    detect::known_formats_short(),
                    path.display()
                ),
            ));
        }
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let key = detect::run_key(path);
        // A file named on its own is read with its run (by name), not with
        // the shards beside it: the person asked for that file.
        let groups = scan_dir(&dir, false)?;
        if reader.is_some_and(resources::is_resource) {
            // Read with its run when that run is given too; see `load`.
            return Ok(Vec::new());
        }
        let mut group = groups
            .into_iter()
            .find(|g| g.key == key)
            .ok_or_else(|| InputError::new(path, "cannot group this file into a run"))?;
        group.drop_compressed_twins(Some(path));
        Ok(vec![group])
    } else if let Ok(meta) = std::fs::metadata(path) {
        // A FIFO or a device would block or never end: say what it is.
        Err(InputError::new(
            path,
            format!("is {}; give result files or folders", input::kind_of(&meta)),
        ))
    } else {
        Err(InputError::new(path, "no such file or directory"))
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

/// `sub` is the `js/` folder of a Gatling report whose `simulation.log` is
/// among `parent_groups`.
fn is_report_of_read_log(sub: &Path, parent_groups: &[Group]) -> bool {
    sub.file_name().is_some_and(|n| n == "js")
        && parent_groups
            .iter()
            .any(|g| g.files.iter().any(|(_, r)| gatling::is_log(r.id())))
}

/// Lists the files of `groups` as not read, under the run they duplicate.
fn attach_skipped(found: &mut [Group], groups: Vec<Group>) {
    if let Some(log) = found
        .iter_mut()
        .find(|g| g.files.iter().any(|(_, r)| gatling::is_log(r.id())))
    {
        for g in groups {
            log.skipped.extend(g.skipped);
        }
    }
}

/// `name (the whole file)`: the source of figures a summary file holds once.
pub fn whole_file(path: &Path) -> String {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    format!("{name} (the whole file)")
}

/// The entries of `dir` (hidden ones left out), sorted. A folder of results
/// is untrusted input, so a symlink in it must resolve inside `dir`: one
/// that leads out (`results.jtl -> /etc/passwd`, `run -> /`) is an error
/// naming it, never followed (the paths given on the command line are the
/// user's own and may be symlinks).
fn list(dir: &Path) -> Result<Vec<PathBuf>, InputError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| InputError::new(dir, format!("cannot list directory: {e}")))?;
    let root = dir.canonicalize().ok();
    let mut out = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|e| InputError::new(dir, format!("cannot list directory: {e}")))?;
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if hidden {
            continue;
        }
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_symlink()) {
            check_link_inside(&path, root.as_deref())?;
        }
        out.push(path);
    }
    out.sort();
    Ok(out)
}

/// A symlink found inside a results folder must resolve inside that folder.
fn check_link_inside(link: &Path, root: Option<&Path>) -> Result<(), InputError> {
    match (link.canonicalize(), root) {
        // A dangling link is skipped later like any path that is not a file.
        (Err(_), _) => Ok(()),
        (Ok(target), Some(root)) if target.starts_with(root) && target != root => Ok(()),
        (Ok(_), _) => Err(InputError::new(
            link,
            "is a symlink that leads out of its results folder: perfreport reads only the paths given and the files inside them (give the target's own path on the command line to read it)",
        )),
    }
}

/// Groups the result files directly in `dir` by run key; with `shards`,
/// per-request files of one tool are one run (see [`merge_shards`]).
fn scan_dir(dir: &Path, shards: bool) -> Result<Vec<Group>, InputError> {
    let mut by_key: BTreeMap<String, Group> = BTreeMap::new();
    let mut others = Vec::new();
    let mut resource_files = Vec::new();
    for path in list(dir)?.into_iter().filter(|p| p.is_file()) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name == "run.toml" {
            continue;
        }
        match detect::detect(&path)? {
            Some(f) if resources::is_resource(f) => resource_files.push((path, f)),
            Some(f) => {
                let key = detect::run_key(&path);
                let g = by_key.entry(key.clone()).or_insert_with(|| Group {
                    dir: dir.to_path_buf(),
                    key,
                    ..Group::default()
                });
                g.files.push((path, f));
            }
            None => others.push(path),
        }
    }
    if shards {
        merge_shards(dir, &mut by_key)?;
    }
    let keys: Vec<String> = by_key.keys().cloned().collect();
    // Resource samples join the run they sit beside: the only run of the
    // directory, else the run whose name prefixes the file's. Never a run of their own.
    for (path, reader) in resource_files {
        let name = input::logical_name(&path);
        let owner = keys
            .iter()
            .filter(|k| !k.is_empty() && name.starts_with(k.as_str()))
            .max_by_key(|k| k.len())
            .or(if keys.len() == 1 { keys.first() } else { None });
        match owner.and_then(|k| by_key.get_mut(k)) {
            Some(g) => g.files.push((path, reader)),
            None => {
                for g in by_key.values_mut() {
                    g.skipped.push(path.clone());
                }
            }
        }
    }
    // Files that are not results (console logs, HTML reports) are listed with
    // the run they sit beside, so the report shows what was not read.
    for path in others {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let owner = keys
            .iter()
            .filter(|k| !k.is_empty() && name.starts_with(k.as_str()))
            .max_by_key(|k| k.len())
            .or(if keys.len() == 1 { keys.first() } else { None });
        if let Some(k) = owner {
            if let Some(g) = by_key.get_mut(k) {
                g.skipped.push(path);
            }
        }
    }
    Ok(by_key.into_values().collect())
}

/// Shards of one run: several files in one folder, one per load generator
/// (distributed JMeter, a JTL per pod, k6 instances, Locust workers' request
/// logs), declared in run.toml: `shards = true` makes the per-request files
/// of one tool in the folder one run (a file and its `.gz` twin count once);
/// `shards = "GLOB"` names the files that are (and refuses formats whose
/// percentiles cannot be merged). Without it (or with `shards = false`) each
/// file is a run of its own, as a folder of separate runs needs.
fn merge_shards(dir: &Path, by_key: &mut BTreeMap<String, Group>) -> Result<(), InputError> {
    let setting = run_toml::shards(dir)?;
    let run_toml = dir.join("run.toml");
    let (run_glob, matcher) = match &setting {
        run_toml::ShardsSetting::Auto(false) => return Ok(()),
        run_toml::ShardsSetting::Auto(true) => {
            // Only runs that are per-request files alone, grouped by tool.
            let mut tools: BTreeMap<&'static str, usize> = BTreeMap::new();
            for g in by_key.values() {
                if let Some(tool) = lone_tool(g) {
                    *tools.entry(tool).or_default() += 1;
                }
            }
            let Some((&tool, _)) = tools.iter().find(|(_, n)| **n > 1) else {
                return Ok(());
            };
            if tools.values().filter(|n| **n > 1).count() > 1 {
                // Two tools' shards in one folder: which are one run is not
                // clear; each file stays a run, as before.
                return Ok(());
            }
            let keys: Vec<String> = by_key
                .iter()
                .filter(|(_, g)| lone_tool(g) == Some(tool))
                .map(|(k, _)| k.clone())
                .collect();
            let why = format!(
                "the per-request files of {tool} in one folder are one run (run.toml `shards = false` reads each as a run of its own)"
            );
            return join(dir, by_key, &keys, why);
        }
        run_toml::ShardsSetting::Glob(glob) => {
            let matcher = globset::Glob::new(glob)
                .map_err(|e| {
                    InputError::new(
                        &run_toml,
                        format!("`shards = \"{glob}\"` is not a file-name pattern: {e}"),
                    )
                })?
                .compile_matcher();
            (glob.clone(), matcher)
        }
    };
    let is_shard = |p: &Path| p.file_name().is_some_and(|n| matcher.is_match(n));
    let mut keys = Vec::new();
    let mut tool: Option<(&'static str, PathBuf)> = None;
    let mut kind: Option<(Shards, PathBuf)> = None;
    for (key, g) in by_key.iter() {
        let matched: Vec<_> = g.files.iter().filter(|(p, _)| is_shard(p)).collect();
        if matched.is_empty() {
            continue;
        }
        if matched.len() != g.files.len() {
            let (p, _) = g
                .files
                .iter()
                .find(|(p, _)| !is_shard(p))
                .expect("one is not matched");
            return Err(InputError::new(
                &run_toml,
                format!(
                    "`shards = \"{run_glob}\"` matches {} but not {}, which is of the same run (same name): make the pattern match both or neither",
                    matched[0].0.display(),
                    p.display()
                ),
            ));
        }
        for (p, r) in matched {
            if let Shards::Refused(why) = r.shards() {
                return Err(InputError::new(
                    p,
                    format!(
                        "run.toml `shards = \"{run_glob}\"` makes this file a shard of one run, but it is {}: {why}. Give each such file its own folder (each is then a run), or narrow the pattern",
                        r.describe()
                    ),
                ));
            }
            match &tool {
                Some((t, first)) if *t != tool_of(*r) => {
                    return Err(InputError::new(
                        p,
                        format!(
                            "run.toml `shards = \"{run_glob}\"` makes this {} file a shard of the same run as {} ({}): shards of one run come from one tool",
                            tool_of(*r),
                            first.display(),
                            t
                        ),
                    ));
                }
                Some(_) => {}
                None => tool = Some((tool_of(*r), p.clone())),
            }
            match &kind {
                Some((k, first)) if *k != r.shards() => {
                    return Err(InputError::new(
                        p,
                        format!(
                            "run.toml `shards = \"{run_glob}\"` makes this file ({}) a shard of the same run as {}: a tool's per-request logs and its summaries cannot be merged into one run",
                            r.describe(),
                            first.display(),
                        ),
                    ));
                }
                Some(_) => {}
                None => kind = Some((r.shards(), p.clone())),
            }
        }
        keys.push(key.clone());
    }
    if keys.is_empty() {
        return Err(InputError::new(
            &run_toml,
            format!(
                "`shards = \"{run_glob}\"` matches no result file in {}",
                dir.display()
            ),
        ));
    }
    let why = format!("run.toml says `shards = \"{run_glob}\"`");
    join(dir, by_key, &keys, why)
}

/// The tool of a run made of per-request files only (one or a compressed twin).
fn lone_tool(g: &Group) -> Option<&'static str> {
    let (_, first) = g.files.first()?;
    let (tool, kind) = (tool_of(*first), first.shards());
    // Summaries and per-request files do not mix in one run.
    g.files
        .iter()
        .all(|(_, r)| kind.merge() && r.shards() == kind && tool_of(*r) == tool)
        .then_some(tool)
}

/// Joins the runs `keys` of `by_key` into one, named after the folder.
fn join(
    dir: &Path,
    by_key: &mut BTreeMap<String, Group>,
    keys: &[String],
    why: String,
) -> Result<(), InputError> {
    let files: usize = keys
        .iter()
        .filter_map(|k| by_key.get(k))
        .map(|g| g.files.len())
        .sum();
    // A run already named after the folder (a `.jtl` with no stem, Locust's
    // `_stats.csv`) that is not among them keeps the name: no merge.
    if files < 2 || (by_key.contains_key("") && !keys.iter().any(String::is_empty)) {
        return Ok(());
    }
    let mut shard = Group {
        dir: dir.to_path_buf(),
        key: String::new(),
        sharded: Some(why),
        ..Group::default()
    };
    for k in keys {
        if let Some(g) = by_key.remove(k) {
            shard.files.extend(g.files);
            shard.skipped.extend(g.skipped);
            shard.duplicates.extend(g.duplicates);
        }
    }
    shard.files.sort_by(|a, b| a.0.cmp(&b.0));
    by_key.insert(String::new(), shard);
    Ok(())
}

fn read_group(group: Group, simulated_flag: bool, opts: &ReadOptions) -> Result<Run, InputError> {
    read_group_tallied(group, simulated_flag, opts, &mut Vec::new())
}

/// [`read_group`], noting what each file gave in `tallies`.
fn read_group_tallied(
    group: Group,
    simulated_flag: bool,
    opts: &ReadOptions,
    tallies: &mut Vec<(PathBuf, &'static dyn Reader, FileTally)>,
) -> Result<Run, InputError> {
    let mut meta = run_toml::read(&group.dir)?;
    // run.toml `timezone` is this run's, over `--timezone`.
    let zoned;
    let opts = match meta.timezone {
        Some(zone) => {
            zoned = ReadOptions {
                timezone: Some(zone),
                ..opts.clone()
            };
            &zoned
        }
        None => opts,
    };
    if meta.name.is_empty() {
        meta.name = if group.key.is_empty() {
            group
                .dir
                .file_name()
                .map_or_else(|| "run".to_string(), |n| n.to_string_lossy().into_owned())
        } else {
            group.key.clone()
        };
    }
    if simulated_flag && !meta.simulated {
        meta.simulated = true;
        meta.simulated_reason
            .get_or_insert_with(|| "--simulated given on the command line".to_string());
    }
    let mut builder = RunBuilder::new();
    if let Some(n) = opts.max_endpoints {
        builder.max_endpoints(n);
    }
    let group_id = format!("{}#{}", group.dir.display(), group.key);
    if let Some((from, to)) = opts.windows.get(&group_id) {
        builder.window(*from, *to);
    }
    let shards = group.sharded.as_ref().map(|why| {
        let n = group
            .files
            .iter()
            .filter(|(_, r)| r.shards().merge())
            .count();
        (n, why.clone())
    });
    let mut files = group.files;
    let group_skipped = group.skipped;
    let mut duplicates = group.duplicates;
    let locust = locust_outputs(&mut files, &mut duplicates, opts)?;
    // Gatling's report holds its figures up to three times (js/stats.json,
    // stats.js, global_stats.json): the fullest is read, the others are not.
    let gatling = [
        "gatling-stats-json",
        "gatling-stats-js",
        "gatling-global-stats",
    ];
    if let Some(best) = gatling
        .iter()
        .find(|id| files.iter().any(|(_, r)| r.id() == **id))
    {
        let kept = files
            .iter()
            .find(|(_, r)| r.id() == *best)
            .map(|(p, _)| p.display().to_string())
            .unwrap_or_default();
        let (same, rest): (Vec<_>, Vec<_>) = files
            .into_iter()
            .partition(|(_, r)| gatling.contains(&r.id()) && r.id() != *best);
        files = rest;
        for (p, _) in same {
            duplicates.push((
                p,
                format!("the same run's Gatling report figures, not read: {kept} holds them all and was read"),
            ));
        }
    }
    // Stats first: the Locust 0.x distribution file adds percentiles to its endpoints.
    files.sort_by_key(|(p, r)| (r.order(), p.clone()));
    let stats_files: Vec<&PathBuf> = files
        .iter()
        .filter(|(_, r)| r.id() == "locust-stats")
        .map(|(p, _)| p)
        .collect();
    if stats_files.len() > 1 {
        return Err(InputError::new(
            &group.dir,
            format!(
                "run `{}` has more than one stats file ({}); give each run its own prefix or directory",
                meta.name,
                stats_files.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    for (path, reader) in &files {
        builder.start_file();
        let _bar = crate::progress::Bar::for_file(path);
        reader.read(path, &mut builder, opts)?;
        // The threads that read a large plain file hash it as they go;
        // anything else is hashed here, in one more pass.
        let sha = match builder.take_checksum() {
            Some(sha) => sha,
            None => checksum::file(path)?,
        };
        tallies.push((path.clone(), *reader, builder.file_tally()));
        builder.source(SourceFile {
            path: path.display().to_string(),
            role: reader.describe().to_string(),
            read: true,
            blake3: Some(sha),
        });
    }
    if group.dir.join("run.toml").is_file() {
        builder.source(SourceFile {
            path: group.dir.join("run.toml").display().to_string(),
            role: "run metadata".to_string(),
            read: true,
            blake3: Some(checksum::file(&group.dir.join("run.toml"))?),
        });
    }
    for (path, why) in &duplicates {
        builder.source(SourceFile {
            path: path.display().to_string(),
            role: why.clone(),
            read: false,
            blake3: None,
        });
    }
    for path in group_skipped {
        builder.source(SourceFile {
            path: path.display().to_string(),
            role: match detect::detect(&path).ok().flatten() {
                Some(r) if resources::is_resource(r) => {
                    "resource samples, not read: several runs here and the file's name starts with none of their names".to_string()
                }
                Some(r) if r.id() == "locust-json" => {
                    "the same run's Locust JSON, not read: its CSV files beside it were (they also describe the failures)".to_string()
                }
                Some(_) => "the same run's report, not read: the per-request log beside it was".to_string(),
                None => match detect::unreadable(&path).ok().flatten() {
                    Some(what) => format!("not read: {what}"),
                    None => "not a result file perfreport reads".to_string(),
                },
            },
            read: false,
            blake3: None,
        });
    }
    let dir = group.dir.clone();
    let mut run = builder.build(meta).map_err(|m| InputError::new(dir, m))?;
    run.meta.group_id = group_id;
    run.meta.shards = shards.filter(|(n, _)| *n > 1);
    if let Some(other) = locust {
        let (requests, failures) = (run.totals.requests, run.totals.failures);
        if (other.requests, other.failures) != (requests, failures) {
            run.meta.inputs_disagree.push(format!(
                "{} says {} requests and {} failures; {} (read) says {} and {}: {}",
                other.file,
                other.requests,
                other.failures,
                other.read,
                requests,
                failures,
                other.why
            ));
        }
    }
    Ok(run)
}

/// What an unread output of a run said, to compare with what was read.
struct OtherSaid {
    file: String,
    read: String,
    requests: u64,
    failures: u64,
    why: &'static str,
}

/// The whole-run requests and failures of one file read alone.
fn totals_of(
    path: &Path,
    reader: &dyn Reader,
    opts: &ReadOptions,
) -> Result<(u64, u64), InputError> {
    let mut b = RunBuilder::new();
    reader.read(path, &mut b, opts)?;
    let run = b
        .build(crate::model::RunMeta::default())
        .map_err(|m| InputError::new(path, m))?;
    Ok((run.totals.requests, run.totals.failures))
}

/// Which of one Locust run's outputs are read. Locust's per-request log
/// (`CsvRequestLogger`) holds every request with its exact time: beside the
/// stats CSVs or the `--json-file` of the same run, it is the one read.
/// Otherwise the CSVs and the JSON describe the run twice, possibly at two
/// moments (the CSVs are written periodically, the JSON at the end): the
/// one with more requests (the later, complete one) is read, the CSVs when
/// they agree. The files not read are listed with why; what the other said
/// comes back, to be compared with the run's figures.
fn locust_outputs(
    files: &mut Vec<(PathBuf, &'static dyn Reader)>,
    duplicates: &mut Vec<(PathBuf, String)>,
    opts: &ReadOptions,
) -> Result<Option<OtherSaid>, InputError> {
    let find = |files: &[(PathBuf, &'static dyn Reader)], id: &str| {
        files.iter().find(|(_, r)| r.id() == id).cloned()
    };
    let csv_parts = [
        "locust-stats",
        "locust-history",
        "locust-failures",
        "locust-distribution",
    ];
    let name = |p: &Path| p.display().to_string();
    let log = find(files, "locust-request-log");
    let stats = find(files, "locust-stats");
    let json = find(files, "locust-json");
    let mut drop = |files: &mut Vec<(PathBuf, &'static dyn Reader)>, ids: &[&str], why: String| {
        let (gone, kept): (Vec<_>, Vec<_>) =
            files.drain(..).partition(|(_, r)| ids.contains(&r.id()));
        *files = kept;
        duplicates.extend(gone.into_iter().map(|(p, _)| (p, why.clone())));
    };
    if let Some((log_path, _)) = log {
        let Some((other_path, other_reader)) = stats.clone().or(json.clone()) else {
            return Ok(None);
        };
        let (requests, failures) = totals_of(&other_path, other_reader, opts)?;
        let mut ids = csv_parts.to_vec();
        ids.push("locust-json");
        drop(
            files,
            &ids,
            format!(
                "the same run's Locust figures, not read: the per-request log {} beside it holds \
                 every request, with exact response times",
                name(&log_path)
            ),
        );
        return Ok(Some(OtherSaid {
            file: name(&other_path),
            read: name(&log_path),
            requests,
            failures,
            why: "the per-request log and Locust's own figures of one run should count the same requests",
        }));
    }
    let (Some((stats_path, stats_reader)), Some((json_path, json_reader))) = (stats, json) else {
        return Ok(None);
    };
    let from_csv = totals_of(&stats_path, stats_reader, opts)?;
    let from_json = totals_of(&json_path, json_reader, opts)?;
    if from_json.0 > from_csv.0 {
        // The history stays: a time series up to the snapshot, not a second count.
        drop(
            files,
            &["locust-stats", "locust-failures", "locust-distribution"],
            format!(
                "the same run's Locust CSV, not read: {} beside it counts more requests (the CSVs \
                 are an earlier snapshot)",
                name(&json_path)
            ),
        );
        Ok(Some(OtherSaid {
            file: name(&stats_path),
            read: name(&json_path),
            requests: from_csv.0,
            failures: from_csv.1,
            why: "the CSVs are an earlier snapshot of the run (Locust writes them periodically, the JSON at the end)",
        }))
    } else {
        let why = if from_json == from_csv {
            "the same run's Locust JSON, not read: its CSV files beside it give the same counts and also describe the failures".to_string()
        } else {
            format!(
                "the same run's Locust JSON, not read: {} beside it counts at least as many requests",
                name(&stats_path)
            )
        };
        drop(files, &["locust-json"], why);
        Ok(Some(OtherSaid {
            file: name(&json_path),
            read: name(&stats_path),
            requests: from_json.0,
            failures: from_json.1,
            why: "the two outputs of one run were written at different moments",
        }))
    }
}

/// Two runs with one name (a `results` prefix in two directories) get their
/// directory in front, so every column and section of the report is distinct.
fn disambiguate_names(runs: &mut [Run]) {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for r in runs.iter() {
        *counts.entry(r.meta.name.clone()).or_default() += 1;
    }
    for r in runs.iter_mut() {
        if counts[&r.meta.name] > 1 {
            if let Some(src) = r.sources.iter().find(|s| s.read) {
                let dir = Path::new(&src.path)
                    .parent()
                    .and_then(Path::file_name)
                    .map(|d| d.to_string_lossy().into_owned())
                    .unwrap_or_default();
                r.meta.name = format!("{dir}/{}", r.meta.name);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(rel: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(rel)
    }

    /// A folder holding `files` (fixture, name there) and `run_toml` when given.
    fn folder(files: &[(&str, &str)], run_toml: Option<&str>) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (src, name) in files {
            std::fs::copy(fixture(src), dir.path().join(name)).unwrap();
        }
        if let Some(t) = run_toml {
            std::fs::write(dir.path().join("run.toml"), t).unwrap();
        }
        dir
    }

    fn runs_of(dir: &Path) -> Result<Vec<Run>, InputError> {
        load(&[dir.to_path_buf()], false, &ReadOptions::default())
    }

    const A: &str = "jmeter/results_default_fields.jtl";
    const B: &str = "jmeter/reqres-403-5.6.3.jtl";

    #[test]
    fn per_request_files_of_one_tool_in_a_folder_are_shards_of_one_run_when_declared() {
        // Undeclared, two JTLs in one folder are two runs (separate tests).
        let plain = folder(&[(A, "pod-1.jtl"), (B, "pod-2.jtl")], None);
        assert_eq!(runs_of(plain.path()).unwrap().len(), 2);
        let dir = folder(
            &[(A, "pod-1.jtl"), (B, "pod-2.jtl")],
            Some("shards = true\n"),
        );
        let runs = runs_of(dir.path()).unwrap();
        let alone: Vec<u64> = [A, B]
            .iter()
            .map(|f| runs_of(&fixture(f)).unwrap()[0].totals.requests)
            .collect();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].totals.requests, alone[0] + alone[1]);
        assert_eq!(runs[0].meta.shards.as_ref().map(|s| s.0), Some(2));
        assert_eq!(
            runs[0].meta.name,
            dir.path().file_name().unwrap().to_string_lossy()
        );
        // A file named on its own is that file's run, not the folder's.
        let one = runs_of(&dir.path().join("pod-1.jtl")).unwrap();
        assert_eq!((one.len(), one[0].totals.requests), (1, alone[0]));
        assert_eq!(one[0].meta.shards, None);
    }

    #[test]
    fn run_toml_shards_false_keeps_each_file_a_run() {
        let dir = folder(&[(A, "a.jtl"), (B, "b.jtl")], Some("shards = false\n"));
        let runs = runs_of(dir.path()).unwrap();
        assert_eq!(runs.len(), 2);
        assert!(runs.iter().all(|r| r.meta.shards.is_none()));
    }

    #[test]
    fn two_tools_per_request_files_stay_runs_of_their_own() {
        let dir = folder(
            &[
                (A, "a.jtl"),
                (B, "b.jtl"),
                ("hey/create_n2000_c10.csv", "c.csv"),
                ("hey/list_c20_20s_first1500.csv", "d.csv"),
            ],
            None,
        );
        assert_eq!(runs_of(dir.path()).unwrap().len(), 4);
    }

    #[test]
    fn a_shards_pattern_takes_the_files_it_names() {
        let dir = folder(
            &[(A, "pod-1.jtl"), (B, "pod-2.jtl"), (A, "other.jtl")],
            Some("shards = \"pod-*.jtl\"\n"),
        );
        let runs = runs_of(dir.path()).unwrap();
        let mut sizes: Vec<(String, Option<usize>)> = runs
            .iter()
            .map(|r| (r.meta.name.clone(), r.meta.shards.as_ref().map(|s| s.0)))
            .collect();
        sizes.sort();
        let folder_name = dir
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let mut want = vec![("other".to_string(), None), (folder_name, Some(2))];
        want.sort();
        assert_eq!(sizes, want);
    }

    #[test]
    fn summaries_are_refused_as_shards_with_why() {
        let dir = folder(
            &[
                ("wrk/health_t2_c50_15s.txt", "w1.txt"),
                ("wrk/list_t2_c20_20s.txt", "w2.txt"),
            ],
            Some("shards = \"*.txt\"\n"),
        );
        let e = runs_of(dir.path()).unwrap_err().to_string();
        assert!(e.contains("w1.txt"), "{e}");
        assert!(e.contains("an average of P95s is not the P95"), "{e}");
        // Without the pattern, they are two runs, as before.
        std::fs::remove_file(dir.path().join("run.toml")).unwrap();
        assert_eq!(runs_of(dir.path()).unwrap().len(), 2);
    }

    #[test]
    fn a_pattern_that_matches_nothing_is_an_error() {
        let dir = folder(&[(A, "a.jtl")], Some("shards = \"*.csv\"\n"));
        let e = runs_of(dir.path()).unwrap_err().to_string();
        assert!(e.contains("matches no result file"), "{e}");
    }
}
