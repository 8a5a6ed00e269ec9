//! The output folder as one unit.
//!
//! `-o DIR` holds exactly one build's files, plus whatever files perfreport
//! never wrote, which it never touches. A reader of `DIR` sees the previous
//! build's files or this build's files, never a mix, and nothing is left
//! behind after an error, SIGINT or SIGTERM.
//!
//! How (every step runs under an exclusive `flock` on `DIR`, so two builds
//! never interleave; the second exits 2 with "another perfreport build is
//! writing to DIR"):
//!
//! 1. **Swap** (the normal case). The whole report is written into a fresh
//!    sibling folder `.DIR.perfreport-XXXXXX` on the same file system, with
//!    the user's own files of `DIR` hard-linked in and a new manifest
//!    (`.perfreport-manifest`, the files this build wrote). One
//!    `renameat2(RENAME_EXCHANGE)` then swaps the two names: the kernel
//!    replaces both directory entries in one step, so a path lookup of `DIR`
//!    resolves to the old folder or the new one, never to a mix. The old
//!    folder, now under the temporary name, is removed.
//! 2. **In place**, where a swap is impossible: `DIR` is a mount point (a
//!    Docker volume, a CI artifact mount: "Invalid cross-device link"), its
//!    parent is not writable, the working directory is inside it, the file
//!    system has no `RENAME_EXCHANGE`, or a user file cannot be hard-linked.
//!    The report is written into `DIR/.perfreport-staging/`, then a
//!    `.pending` manifest is renamed into the staging folder: that rename is
//!    the commit point. Before it, the staging folder is discarded; after it,
//!    the files are renamed into place one by one, the files of the old
//!    manifest that this build did not write are removed, and the manifest is
//!    renamed into place last. A build killed during those renames is rolled
//!    forward by the next build into the same folder (under the lock, before
//!    anything else). While the renames run (milliseconds), a reader can see
//!    some new files beside old ones; this is the one case that is not
//!    atomic for readers, and the manifest says which files belong to which.
//!
//! `kill -9` cannot be caught: a build killed that way may leave its
//! temporary sibling folder (or a staging folder). `DIR` itself is still one
//! build's files, and the next build into `DIR` removes what was left
//! (a temporary folder whose lock nobody holds belongs to no running build).

use super::OutputFile;
use anyhow::{bail, Context};
use std::cell::Cell;
use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::os::fd::OwnedFd;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// The hidden file listing the files the last build wrote, one path a line.
pub const MANIFEST: &str = ".perfreport-manifest";
/// In-place mode: the folder inside `-o` the report is written to first.
const STAGING: &str = ".perfreport-staging";
/// In-place mode: the manifest of a staged build; its presence commits it.
const PENDING: &str = ".perfreport-manifest.pending";
const MANIFEST_HEADER: &str =
    "# perfreport: the files its last build wrote here; the next build removes them, and nothing else.";

/// Counts file operations and fails the chosen one: the fault-injection
/// hook of the tests (the real build uses [`Io::real`], which never fails).
#[derive(Debug, Default)]
pub struct Io {
    fail_at: Option<usize>,
    crash: bool,
    in_place: bool,
    ops: Cell<usize>,
    crashed: Cell<bool>,
}

impl Io {
    /// No injected faults.
    pub fn real() -> Io {
        Io::default()
    }

    /// Operation `n` (0-based) fails with an I/O error; the writer then
    /// cleans up as after any error.
    pub fn fail_at(n: usize) -> Io {
        Io {
            fail_at: Some(n),
            ..Io::default()
        }
    }

    /// The process "dies" at operation `n`: the writer stops there and
    /// cleans nothing up, as after `kill -9`.
    pub fn crash_at(n: usize) -> Io {
        Io {
            fail_at: Some(n),
            crash: true,
            ..Io::default()
        }
    }

    /// Always takes the in-place path (as when `-o` is a mount point).
    pub fn in_place(self) -> Io {
        Io {
            in_place: true,
            ..self
        }
    }

    /// File operations counted so far.
    pub fn ops(&self) -> usize {
        self.ops.get()
    }

    /// Called before each file operation.
    fn step(&self, what: &str, path: &Path) -> io::Result<()> {
        let n = self.ops.get();
        self.ops.set(n + 1);
        if self.fail_at == Some(n) {
            self.crashed.set(self.crash);
            return Err(io::Error::other(format!(
                "injected fault at operation {n} ({what} {})",
                path.display()
            )));
        }
        Ok(())
    }

    fn cleanup_allowed(&self) -> bool {
        !self.crashed.get()
    }
}

/// The temporary folders a running build owns, removed by the signal
/// handler. The writer holds this lock during each file operation on them,
/// so the handler never removes a folder half-way through a rename.
static OWNED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// On SIGINT, SIGTERM and SIGHUP: remove the temporary folders of the build
/// under way (`-o` is left as it was, or as the new build if the swap had
/// happened), then die of the signal as if no handler were installed.
pub fn install_signal_cleanup() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            // Waits for the file operation under way, then keeps the lock
            // until the process is gone, so no further operation starts.
            let owned = OWNED.lock().unwrap_or_else(|e| e.into_inner());
            for p in owned.iter() {
                let _ = fs::remove_dir_all(p);
            }
            let _ = signal_hook::low_level::emulate_default_handler(sig);
            std::process::exit(128 + sig);
        }
    });
}

/// A temporary folder this build owns: registered for the signal handler,
/// removed on drop (unless the test "crashed" the process).
struct Owned<'a> {
    path: PathBuf,
    io: &'a Io,
    _lock: Option<OwnedFd>,
    released: bool,
}

impl<'a> Owned<'a> {
    /// Creates the folder and registers it in one step as far as the signal
    /// handler can tell (it waits for the lock held here), so no signal can
    /// leave a folder that nobody knew to remove.
    fn create(io: &'a Io, make: impl FnOnce() -> io::Result<PathBuf>) -> io::Result<Owned<'a>> {
        let mut owned = OWNED.lock().unwrap_or_else(|e| e.into_inner());
        let path = make()?;
        owned.push(path.clone());
        Ok(Owned {
            path,
            io,
            _lock: None,
            released: false,
        })
    }
}

impl Owned<'_> {
    /// The folder is no longer this build's to remove (a committed staging
    /// folder: removing it would lose the record of what to finish).
    fn release(mut self) {
        self.released = true;
    }
}

impl Drop for Owned<'_> {
    fn drop(&mut self) {
        let mut owned = OWNED.lock().unwrap_or_else(|e| e.into_inner());
        if self.io.cleanup_allowed() && !self.released {
            if let Err(e) = fs::remove_dir_all(&self.path) {
                if e.kind() != io::ErrorKind::NotFound {
                    eprintln!(
                        "perfreport: cannot remove the temporary folder {}: {e}",
                        self.path.display()
                    );
                }
            }
        }
        owned.retain(|p| p != &self.path);
    }
}

/// Runs one file operation on an owned folder with the signal handler held off.
fn guarded<T>(op: impl FnOnce() -> io::Result<T>) -> io::Result<T> {
    let _held = OWNED.lock().unwrap_or_else(|e| e.into_inner());
    op()
}

/// Writes `files` into `dir` as one unit (see the module documentation).
pub fn write(dir: &Path, files: &[OutputFile], io: &Io) -> anyhow::Result<()> {
    for f in files {
        if !is_plain_relative(&f.name) {
            bail!(
                "internal error: output name {:?} is not a plain relative path",
                f.name
            );
        }
    }
    let target = resolve(dir, io)?;
    let _lock = lock(&target, dir)?;
    let (parent, name) = split(&target)?;
    remove_stale_siblings(&parent, &name, io);
    recover_staging(&target, io)?;
    let old = read_manifest(&target.join(MANIFEST))?;
    if !io.in_place && swap_possible(&target) {
        match write_swap(&target, &parent, &name, files, &old, io)? {
            Swapped::Yes => return Ok(()),
            Swapped::Impossible => {}
        }
    }
    write_in_place(&target, files, io)
}

/// `dir` with a symlink followed (the report goes where it points, and the
/// link stays), created when missing.
fn resolve(dir: &Path, io: &Io) -> anyhow::Result<PathBuf> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    match fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() || m.file_type().is_symlink() => {}
        Ok(_) => bail!("{} exists and is not a directory", dir.display()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            io.step("create", dir)
                .and_then(|()| fs::create_dir_all(dir))
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
    }
    let target =
        fs::canonicalize(dir).with_context(|| format!("cannot resolve {}", dir.display()))?;
    if !target.is_dir() {
        bail!("{} is not a directory", dir.display());
    }
    Ok(target)
}

fn split(target: &Path) -> anyhow::Result<(PathBuf, String)> {
    match (target.parent(), target.file_name()) {
        (Some(p), Some(n)) => Ok((p.to_path_buf(), n.to_string_lossy().into_owned())),
        _ => Ok((target.to_path_buf(), String::new())),
    }
}

/// An exclusive, non-blocking `flock` on the folder itself. The lock lives on
/// the folder's inode, so after a swap the path names a folder that the
/// swapping build still holds (it locks its new folder before the swap): a
/// second build can never lock the folder while the first is under way.
fn lock(target: &Path, shown: &Path) -> anyhow::Result<OwnedFd> {
    for _ in 0..5 {
        let fd = lock_fd(target)
            .with_context(|| format!("cannot open {} to lock it", shown.display()))?;
        match rustix::fs::flock(&fd, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => {}
            Err(e) if e == rustix::io::Errno::WOULDBLOCK => bail!(
                "another perfreport build is writing to {}; nothing was written (run the builds one after the other, or give each its own -o)",
                shown.display()
            ),
            Err(e) => {
                return Err(io::Error::from(e))
                    .with_context(|| format!("cannot lock {}", shown.display()))
            }
        }
        // A build that swapped between our open and our lock leaves us
        // holding its old folder: the path must still name what we locked.
        let held = rustix::fs::fstat(&fd)?;
        let now = rustix::fs::stat(target)?;
        if (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino) {
            return Ok(fd);
        }
    }
    bail!(
        "another perfreport build keeps replacing {}; nothing was written",
        shown.display()
    )
}

fn lock_fd(path: &Path) -> io::Result<OwnedFd> {
    use rustix::fs::{Mode, OFlags};
    Ok(rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?)
}

fn try_lock(path: &Path) -> Option<OwnedFd> {
    let fd = lock_fd(path).ok()?;
    rustix::fs::flock(&fd, rustix::fs::FlockOperation::NonBlockingLockExclusive).ok()?;
    Some(fd)
}

/// The paths of a manifest: only plain relative paths, so a tampered
/// manifest cannot make perfreport remove anything outside `-o`.
fn read_manifest(path: &Path) -> anyhow::Result<BTreeSet<String>> {
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    Ok(text
        .lines()
        .filter(|l| !l.starts_with('#') && is_plain_relative(l))
        .map(str::to_string)
        .collect())
}

fn manifest_text(files: &[OutputFile]) -> String {
    let mut names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let mut s = format!("{MANIFEST_HEADER}\n");
    for n in names {
        s.push_str(n);
        s.push('\n');
    }
    s
}

fn is_plain_relative(p: &str) -> bool {
    !p.is_empty()
        && !p.contains('\n')
        && Path::new(p)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
        && p != MANIFEST
        && p != PENDING
        && !p.starts_with(STAGING)
}

fn temp_prefix(name: &str) -> String {
    format!(".{name}.perfreport-")
}

/// Temporary folders of builds into the same `-o` that were killed (a
/// running build holds a lock on each of its own).
fn remove_stale_siblings(parent: &Path, name: &str, io: &Io) {
    if name.is_empty() {
        return;
    }
    let prefix = temp_prefix(name);
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let is_ours = e.file_name().to_string_lossy().starts_with(&prefix)
            && e.file_type().is_ok_and(|t| t.is_dir());
        if is_ours && try_lock(&e.path()).is_some() {
            let _ = io
                .step("remove", &e.path())
                .and_then(|()| fs::remove_dir_all(e.path()));
        }
    }
}

fn swap_possible(target: &Path) -> bool {
    // Swapping the working directory away would leave this process (and
    // the user's shell) in a deleted folder.
    let cwd_inside = std::env::current_dir()
        .and_then(fs::canonicalize)
        .is_ok_and(|cwd| cwd.starts_with(target));
    cfg!(target_os = "linux") && !cwd_inside && target.parent().is_some()
}

enum Swapped {
    Yes,
    Impossible,
}

fn write_swap(
    target: &Path,
    parent: &Path,
    name: &str,
    files: &[OutputFile],
    old: &BTreeSet<String>,
    io: &Io,
) -> anyhow::Result<Swapped> {
    io.step("create", parent)?;
    let created = Owned::create(io, || {
        let tmp = tempfile::Builder::new()
            .prefix(&temp_prefix(name))
            .tempdir_in(parent)?;
        Ok(tmp.keep())
    });
    let Ok(mut owned) = created else {
        return Ok(Swapped::Impossible); // the parent is not writable
    };
    let tmp = owned.path.clone();
    owned._lock = try_lock(&tmp);
    if owned._lock.is_none() || !same_device(&tmp, target) {
        return Ok(Swapped::Impossible); // `-o` is a mount point
    }
    write_files(&tmp, files, io)?;
    let new: BTreeSet<&str> = files.iter().map(|f| f.name.as_str()).collect();
    if carry_user_files(target, &tmp, Path::new(""), old, &new, io).is_err() {
        return Ok(Swapped::Impossible); // e.g. a file system without hard links
    }
    let manifest = tmp.join(MANIFEST);
    guarded(|| {
        io.step("write", &manifest)?;
        fs::write(&manifest, manifest_text(files))
    })
    .with_context(|| format!("cannot write {}", manifest.display()))?;
    // The temporary folder is 0700; the report keeps the folder's mode.
    let mode = fs::metadata(target)?.permissions();
    guarded(|| {
        io.step("chmod", &tmp)?;
        fs::set_permissions(&tmp, mode)
    })?;
    // The commit: one renameat2(RENAME_EXCHANGE). Both names exist before
    // and after; a lookup of `target` resolves to the old folder before the
    // call and to the new one after it, never to anything in between.
    let swapped = guarded(|| {
        io.step("swap", target)?;
        exchange(&tmp, target)
    });
    match swapped {
        Ok(()) => {}
        Err(e) if is_unsupported(&e) => return Ok(Swapped::Impossible),
        Err(e) => {
            return Err(e)
                .with_context(|| format!("cannot move the report into {}", target.display()))
        }
    }
    // `tmp` now holds the previous build (and the user files' other links):
    // removing it, here or in `Owned::drop`, leaves `target` complete.
    let removed = guarded(|| {
        io.step("remove", &tmp)?;
        fs::remove_dir_all(&tmp)
    });
    drop(removed); // on failure `Owned::drop` tries again and says so
    Ok(Swapped::Yes)
}

fn same_device(a: &Path, b: &Path) -> bool {
    match (rustix::fs::stat(a), rustix::fs::stat(b)) {
        (Ok(a), Ok(b)) => a.st_dev == b.st_dev,
        _ => false,
    }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    Ok(rustix::fs::renameat_with(
        rustix::fs::CWD,
        a,
        rustix::fs::CWD,
        b,
        rustix::fs::RenameFlags::EXCHANGE,
    )?)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

fn is_unsupported(e: &io::Error) -> bool {
    use rustix::io::Errno;
    e.kind() == io::ErrorKind::Unsupported
        || [
            Errno::XDEV,
            Errno::BUSY,
            Errno::INVAL,
            Errno::NOSYS,
            Errno::NOTSUP,
        ]
        .iter()
        .any(|x| e.raw_os_error() == Some(x.raw_os_error()))
}

/// Writes each file under `root`, creating its folders.
fn write_files(root: &Path, files: &[OutputFile], io: &Io) -> anyhow::Result<()> {
    for f in files {
        let path = root.join(&f.name);
        // A run page renders here, and its bytes go once written.
        let bytes = f.bytes()?;
        guarded(|| {
            if let Some(dir) = path.parent() {
                if !dir.is_dir() {
                    io.step("create", dir)?;
                    fs::create_dir_all(dir)?;
                }
            }
            io.step("write", &path)?;
            fs::write(&path, &bytes)
        })
        .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// Hard-links into `to` every entry of `from` that no perfreport build wrote
/// (not in the old manifest) and this build does not replace, folders
/// recreated. A user's file is then in both folders, as the same inode.
fn carry_user_files(
    from: &Path,
    to: &Path,
    rel: &Path,
    old: &BTreeSet<String>,
    new: &BTreeSet<&str>,
    io: &Io,
) -> io::Result<()> {
    for e in fs::read_dir(from.join(rel))? {
        let e = e?;
        let rel = rel.join(e.file_name());
        let key = rel.to_string_lossy();
        if rel == Path::new(MANIFEST) || rel == Path::new(STAGING) || new.contains(key.as_ref()) {
            continue;
        }
        let ty = e.file_type()?;
        if ty.is_dir() {
            let dest = to.join(&rel);
            let ours_below = old.iter().any(|p| Path::new(p).starts_with(&rel));
            if !ours_below && !dest.exists() {
                guarded(|| {
                    io.step("create", &dest)?;
                    fs::create_dir_all(&dest)
                })?;
            }
            carry_user_files(from, to, &rel, old, new, io)?;
        } else if !old.contains(key.as_ref()) {
            let dest = to.join(&rel);
            guarded(|| {
                if let Some(d) = dest.parent() {
                    if !d.is_dir() {
                        io.step("create", d)?;
                        fs::create_dir_all(d)?;
                    }
                }
                io.step("link", &dest)?;
                fs::hard_link(e.path(), &dest)
            })?;
        }
    }
    Ok(())
}

/// In-place mode (see the module documentation).
fn write_in_place(target: &Path, files: &[OutputFile], io: &Io) -> anyhow::Result<()> {
    let staging = target.join(STAGING);
    let owned = Owned::create(io, || {
        io.step("create", &staging)?;
        fs::create_dir(&staging)?;
        Ok(staging.clone())
    })
    .with_context(|| format!("cannot create {}", staging.display()))?;
    write_files(&staging, files, io)?;
    let pending_tmp = staging.join(".pending.tmp");
    guarded(|| {
        io.step("write", &pending_tmp)?;
        fs::write(&pending_tmp, manifest_text(files))
    })
    .with_context(|| format!("cannot write {}", pending_tmp.display()))?;
    // The commit point: the rename makes the complete manifest appear in
    // one step. Before it, a killed build's staging is discarded; after
    // it, the next build finishes this one (`recover_staging`).
    let committed = {
        let mut held = OWNED.lock().unwrap_or_else(|e| e.into_inner());
        let r = io
            .step("rename", &pending_tmp)
            .and_then(|()| fs::rename(&pending_tmp, staging.join(PENDING)));
        if r.is_ok() {
            // From here on the staging folder is a commitment, not a
            // temporary: a signal must not remove it.
            held.retain(|p| p != &staging);
        }
        r
    };
    committed.with_context(|| format!("cannot write {}", staging.join(PENDING).display()))?;
    owned.release();
    // Each step of the commit can be repeated: one failure is retried at
    // once; a second leaves the staging folder for the next build to finish.
    commit_staging(target, io)
        .or_else(|_| commit_staging(target, io))
        .with_context(|| {
            format!(
                "the report in {} is half-replaced; the next perfreport build into it finishes this one",
                target.display()
            )
        })
}

/// Moves a committed staging folder's files into place, removes the old
/// build's other files, and renames its manifest into place last. Every step
/// can be repeated, so a build killed half-way is finished by the next.
fn commit_staging(target: &Path, io: &Io) -> anyhow::Result<()> {
    let staging = target.join(STAGING);
    if !staging.join(PENDING).is_file() {
        // The manifest is in place: all that is left is the empty staging folder.
        return io
            .step("remove", &staging)
            .and_then(|()| fs::remove_dir_all(&staging))
            .with_context(|| format!("cannot remove {}", staging.display()));
    }
    let new = read_manifest(&staging.join(PENDING))?;
    let old = read_manifest(&target.join(MANIFEST))?;
    for f in &new {
        let (from, to) = (staging.join(f), target.join(f));
        if !from.exists() {
            continue; // moved by the build that was killed
        }
        guarded(|| {
            if let Some(d) = to.parent() {
                if !d.is_dir() {
                    io.step("create", d)?;
                    fs::create_dir_all(d)?;
                }
            }
            io.step("rename", &to)?;
            fs::rename(&from, &to)
        })
        .with_context(|| format!("cannot write {}", to.display()))?;
    }
    for f in old.difference(&new) {
        let path = target.join(f);
        let is_file = fs::symlink_metadata(&path).is_ok_and(|m| !m.is_dir());
        if is_file {
            guarded(|| {
                io.step("remove", &path)?;
                fs::remove_file(&path)
            })
            .with_context(|| format!("cannot remove {}", path.display()))?;
            remove_empty_parents(target, Path::new(f));
        }
    }
    let manifest = target.join(MANIFEST);
    guarded(|| {
        io.step("rename", &manifest)?;
        fs::rename(staging.join(PENDING), &manifest)
    })
    .with_context(|| format!("cannot write {}", manifest.display()))?;
    guarded(|| {
        io.step("remove", &staging)?;
        fs::remove_dir_all(&staging)
    })
    .with_context(|| format!("cannot remove {}", staging.display()))?;
    Ok(())
}

/// `runs/` goes with the last page in it; a folder holding anything else stays.
fn remove_empty_parents(target: &Path, rel: &Path) {
    let mut p = rel.parent();
    while let Some(d) = p.filter(|d| !d.as_os_str().is_empty()) {
        if fs::remove_dir(target.join(d)).is_err() {
            break;
        }
        p = d.parent();
    }
}

/// A staging folder left by a killed in-place build: committed ones are
/// finished, uncommitted ones discarded.
fn recover_staging(target: &Path, io: &Io) -> anyhow::Result<()> {
    let staging = target.join(STAGING);
    if !staging.is_dir() {
        return Ok(());
    }
    if staging.join(PENDING).is_file() {
        commit_staging(target, io)
    } else {
        io.step("remove", &staging)
            .and_then(|()| fs::remove_dir_all(&staging))
            .with_context(|| format!("cannot remove {}", staging.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn build(files: &[(&str, &str)]) -> Vec<OutputFile<'static>> {
        files
            .iter()
            .map(|(n, b)| OutputFile::new(n.to_string(), b.as_bytes().to_vec()))
            .collect()
    }

    /// Build A: four run pages. Build B: one run page, no summary.json, a
    /// regression.md. Build C: something else again.
    fn a() -> Vec<OutputFile<'static>> {
        build(&[
            ("report.md", "A report"),
            ("summary.json", "A summary"),
            ("index.html", "A index"),
            ("runs/run-1.html", "A1"),
            ("runs/run-2.html", "A2"),
            ("runs/run-3.html", "A3"),
            ("runs/run-4.html", "A4"),
        ])
    }
    /// Its run page renders when written, as a build of several runs' does.
    fn b() -> Vec<OutputFile<'static>> {
        let mut files = build(&[
            ("report.md", "B report"),
            ("index.html", "B index"),
            ("regression.md", "B regression"),
        ]);
        files.insert(
            2,
            OutputFile::later("runs/run-1.html", || Ok(b"B1".to_vec())),
        );
        files
    }
    fn c() -> Vec<OutputFile<'static>> {
        build(&[("report.md", "C report")])
    }

    /// Every file under `dir` (symlinks not followed) with its contents.
    fn snapshot(dir: &Path) -> BTreeMap<String, String> {
        fn walk(root: &Path, rel: &Path, out: &mut BTreeMap<String, String>) {
            for e in fs::read_dir(root.join(rel)).unwrap() {
                let e = e.unwrap();
                let rel = rel.join(e.file_name());
                if e.file_type().unwrap().is_dir() {
                    walk(root, &rel, out);
                } else {
                    let text = fs::read_to_string(e.path()).unwrap();
                    out.insert(rel.to_string_lossy().into_owned(), text);
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(dir, Path::new(""), &mut out);
        out
    }

    /// What `dir` must hold after `files` were written: them, their
    /// manifest, and the user's files.
    fn expected(files: &[OutputFile]) -> BTreeMap<String, String> {
        let mut m: BTreeMap<String, String> = files
            .iter()
            .map(|f| {
                let bytes = f.bytes().unwrap().into_owned();
                (f.name.clone(), String::from_utf8(bytes).unwrap())
            })
            .collect();
        m.insert(MANIFEST.into(), manifest_text(files));
        m.insert("notes/mine.txt".into(), "the user's".into());
        m.insert("runs/keep.txt".into(), "also the user's".into());
        m
    }

    /// A folder holding build A and two files of the user's, one of them in
    /// perfreport's own `runs/`.
    fn with_a(io_mode: fn() -> Io) -> (tempfile::TempDir, PathBuf) {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("report");
        write(&dir, &a(), &io_mode()).unwrap();
        fs::create_dir_all(dir.join("notes")).unwrap();
        fs::write(dir.join("notes/mine.txt"), "the user's").unwrap();
        fs::write(dir.join("runs/keep.txt"), "also the user's").unwrap();
        assert_eq!(snapshot(&dir), expected(&a()));
        (root, dir)
    }

    /// Nothing but the output folder in its parent: no temporary folder.
    fn no_leftovers(root: &Path) {
        let names: Vec<String> = fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["report"], "leftovers beside the report");
        assert!(!root.join("report").join(STAGING).exists(), "staging left");
    }

    #[test]
    fn a_new_build_replaces_only_the_files_the_last_one_wrote() {
        for mode in [Io::real as fn() -> Io, || Io::real().in_place()] {
            let (root, dir) = with_a(mode);
            write(&dir, &b(), &mode()).unwrap();
            assert_eq!(snapshot(&dir), expected(&b()));
            // The four-run build's pages are gone, the user's file in runs/ stays.
            assert!(!dir.join("runs/run-4.html").exists());
            write(&dir, &c(), &mode()).unwrap();
            assert_eq!(snapshot(&dir), expected(&c()));
            no_leftovers(root.path());
        }
    }

    #[test]
    fn a_users_regression_md_survives_a_build_without_a_regression() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("report");
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("regression.md"), "my notes").unwrap();
        write(&dir, &c(), &Io::real()).unwrap();
        write(&dir, &c(), &Io::real()).unwrap();
        assert_eq!(
            fs::read_to_string(dir.join("regression.md")).unwrap(),
            "my notes"
        );
        // perfreport's own regression.md goes once there is no regression.
        write(&dir, &b(), &Io::real()).unwrap();
        write(&dir, &c(), &Io::real()).unwrap();
        assert!(!dir.join("regression.md").exists());
    }

    #[test]
    fn a_page_that_fails_to_render_leaves_the_old_build() {
        for mode in [Io::real as fn() -> Io, || Io::real().in_place()] {
            let (root, dir) = with_a(mode);
            let mut files = b();
            files.push(OutputFile::later("runs/run-2.html", || {
                anyhow::bail!("the chart cannot be drawn")
            }));
            let err = write(&dir, &files, &mode()).unwrap_err();
            assert!(format!("{err:#}").contains("the chart cannot be drawn"));
            assert_eq!(snapshot(&dir), expected(&a()));
            no_leftovers(root.path());
        }
    }

    /// Fails every file operation in turn: the folder is build A or build B,
    /// entirely, and nothing temporary remains.
    #[test]
    fn a_failure_at_any_operation_leaves_the_old_build_or_the_new_one() {
        for mode in [Io::real as fn() -> Io, || Io::real().in_place()] {
            let count = {
                let (_root, dir) = with_a(mode);
                let io = mode();
                write(&dir, &b(), &io).unwrap();
                io.ops()
            };
            assert!(count > 10, "only {count} operations counted");
            let (mut saw_a, mut saw_b) = (false, false);
            for n in 0..count {
                let (root, dir) = with_a(mode);
                let io = Io {
                    fail_at: Some(n),
                    ..mode()
                };
                let result = write(&dir, &b(), &io);
                let now = snapshot(&dir);
                if now == expected(&a()) {
                    assert!(result.is_err(), "op {n}: no error, yet the old build");
                    saw_a = true;
                } else {
                    assert_eq!(now, expected(&b()), "op {n}: neither build: {result:?}");
                    saw_b = true;
                }
                no_leftovers(root.path());
            }
            assert!(saw_a && saw_b);
        }
    }

    /// Stops dead at every file operation in turn (as `kill -9` would): the
    /// folder is build A or build B (in place, after the commit point, the
    /// next build finishes B first), and the next build leaves no leftovers.
    #[test]
    fn a_kill_at_any_operation_is_repaired_by_the_next_build() {
        for (in_place, mode) in [
            (false, Io::real as fn() -> Io),
            (true, || Io::real().in_place()),
        ] {
            let count = {
                let (_root, dir) = with_a(mode);
                let io = mode();
                write(&dir, &b(), &io).unwrap();
                io.ops()
            };
            for n in 0..count {
                let (root, dir) = with_a(mode);
                let io = Io {
                    fail_at: Some(n),
                    crash: true,
                    ..mode()
                };
                let _ = write(&dir, &b(), &io);
                let now = snapshot(&dir);
                let whole = now == expected(&a()) || now == expected(&b());
                if in_place && dir.join(STAGING).exists() {
                    // The staging folder is inside `-o`: a reader of the
                    // files outside it sees A, B, or B's renames under way,
                    // which the next build completes before anything else.
                    let mut settled = Io::real();
                    settled.fail_at = Some(usize::MAX);
                    recover_staging(&dir, &settled).unwrap();
                    let now = snapshot(&dir);
                    assert!(
                        now == expected(&a()) || now == expected(&b()),
                        "op {n}: {now:?}"
                    );
                } else {
                    assert!(whole, "op {n}: a mix: {now:?}");
                }
                write(&dir, &c(), &mode()).unwrap();
                assert_eq!(snapshot(&dir), expected(&c()), "op {n}");
                no_leftovers(root.path());
            }
        }
    }

    #[test]
    fn a_second_build_while_one_holds_the_folder_is_refused_and_changes_nothing() {
        let (root, dir) = with_a(Io::real);
        let held = lock(&dir, &dir).unwrap();
        let err = write(&dir, &b(), &Io::real()).unwrap_err().to_string();
        assert!(
            err.contains("another perfreport build is writing to"),
            "{err}"
        );
        assert_eq!(snapshot(&dir), expected(&a()));
        drop(held);
        no_leftovers(root.path());
        write(&dir, &b(), &Io::real()).unwrap();
        assert_eq!(snapshot(&dir), expected(&b()));
    }

    #[test]
    fn concurrent_builds_end_with_one_complete_build() {
        let (root, dir) = with_a(Io::real);
        for _ in 0..20 {
            let (d1, d2) = (dir.clone(), dir.clone());
            let t1 = std::thread::spawn(move || write(&d1, &b(), &Io::real()));
            let t2 = std::thread::spawn(move || write(&d2, &c(), &Io::real()));
            let results = [t1.join().unwrap(), t2.join().unwrap()];
            for r in &results {
                if let Err(e) = r {
                    assert!(e.to_string().contains("another perfreport build"), "{e:#}");
                }
            }
            assert!(results.iter().any(Result::is_ok));
            let now = snapshot(&dir);
            assert!(now == expected(&b()) || now == expected(&c()), "{now:?}");
            no_leftovers(root.path());
        }
    }

    #[test]
    fn a_tampered_manifest_cannot_remove_files_outside_the_folder() {
        let (root, dir) = with_a(Io::real);
        let outside = root.path().join("precious.txt");
        fs::write(&outside, "x").unwrap();
        fs::write(
            dir.join(MANIFEST),
            format!(
                "../precious.txt\n{}\n/etc/passwd\nnotes/../../precious.txt\n",
                outside.display()
            ),
        )
        .unwrap();
        for mode in [Io::real as fn() -> Io, || Io::real().in_place()] {
            write(&dir, &c(), &mode()).unwrap();
            assert!(outside.exists());
        }
    }

    #[test]
    fn a_symlinked_output_folder_stays_a_symlink_to_the_new_report() {
        let root = tempfile::tempdir().unwrap();
        let real = root.path().join("volume");
        fs::create_dir(&real).unwrap();
        let link = root.path().join("report-link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write(&link, &a(), &Io::real()).unwrap();
        write(&link, &c(), &Io::real()).unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            fs::read_to_string(real.join("report.md")).unwrap(),
            "C report"
        );
        assert!(!real.join("index.html").exists());
    }
}
