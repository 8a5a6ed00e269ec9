//! The output folder as one unit: kills, signals and a second build never
//! leave a mix of two builds or a temporary folder (the fault injection at
//! every file operation is in `report::outdir`'s unit tests).

use crate::common::{perfreport, root};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const TWO_RUNS: [&str; 2] = ["samples/locust-peak", "samples/locust-target"];
const ONE_RUN: [&str; 1] = ["samples/locust-peak"];

fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, rel: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(root.join(rel)).unwrap() {
            let e = e.unwrap();
            let rel = rel.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                walk(root, &rel, out);
            } else {
                out.insert(rel.display().to_string(), std::fs::read(e.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, Path::new(""), &mut out);
    out
}

fn build_into(inputs: &[&str], out: &Path) -> std::process::Output {
    perfreport()
        .arg("build")
        .args(inputs)
        .arg("-o")
        .arg(out)
        .arg("--quiet")
        .output()
        .unwrap()
}

fn spawn_build(inputs: &[&str], out: &Path) -> std::process::Child {
    Command::new(assert_cmd::cargo::cargo_bin("perfreport"))
        .current_dir(root())
        .arg("build")
        .args(inputs)
        .arg("-o")
        .arg(out)
        .arg("--quiet")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn siblings(parent: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The two builds' files, each with a user's note beside them.
fn references() -> (BTreeMap<String, Vec<u8>>, BTreeMap<String, Vec<u8>>) {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    build_into(&TWO_RUNS, &a);
    build_into(&ONE_RUN, &b);
    let (mut a, mut b) = (snapshot(&a), snapshot(&b));
    assert!(a.contains_key("runs/run-target-20-users.html"));
    assert!(!b.contains_key("runs/run-target-20-users.html"));
    a.insert("mine.txt".into(), b"user".to_vec());
    b.insert("mine.txt".into(), b"user".to_vec());
    (a, b)
}

#[test]
fn a_build_killed_at_any_moment_leaves_one_builds_files_and_the_next_cleans_up() {
    let (a, b) = references();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report");
    for (k, delay_ms) in [0, 120, 400, 700, 1000, 0, 0, 0, 0, 0]
        .into_iter()
        .enumerate()
    {
        let _ = std::fs::remove_dir_all(&out);
        build_into(&TWO_RUNS, &out);
        std::fs::write(out.join("mine.txt"), "user").unwrap();
        let mut child = spawn_build(&ONE_RUN, &out);
        std::thread::sleep(Duration::from_millis(delay_ms));
        if delay_ms == 0 && k > 0 {
            // Kill while the temporary folder exists (being written, or
            // holding the old build after the swap), when it can be caught.
            if !wait_for_temporary_folder(tmp.path(), &mut child) {
                eprintln!("kill {k}: the build ended before its temporary folder was seen");
            }
        }
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let now = snapshot(&out);
        assert!(
            now == a || now == b,
            "kill {k} after {delay_ms} ms: a mix of two builds"
        );
        // A kill -9 cannot be caught; the next build removes what it left.
        build_into(&ONE_RUN, &out);
        assert_eq!(snapshot(&out), b, "kill {k}: the next build");
        assert_eq!(siblings(tmp.path()), ["report"], "kill {k}: leftovers");
    }
}

#[test]
fn sigterm_and_sigint_leave_no_temporary_folder() {
    let (a, b) = references();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report");
    for (k, delay_ms) in [0, 100, 300, 500, 700, 0, 0, 0, 0].into_iter().enumerate() {
        let _ = std::fs::remove_dir_all(&out);
        build_into(&TWO_RUNS, &out);
        std::fs::write(out.join("mine.txt"), "user").unwrap();
        let mut child = spawn_build(&ONE_RUN, &out);
        std::thread::sleep(Duration::from_millis(delay_ms));
        if k >= 5 {
            // Signal while the temporary folder exists: the window the
            // handler is for (when it can be caught).
            if !wait_for_temporary_folder(tmp.path(), &mut child) {
                eprintln!("signal {k}: the build ended before its temporary folder was seen");
            }
        }
        let (sig, signal) = if k % 2 == 0 {
            ("TERM", rustix::process::Signal::TERM)
        } else {
            ("INT", rustix::process::Signal::INT)
        };
        let pid = rustix::process::Pid::from_raw(child.id() as i32).unwrap();
        let _ = rustix::process::kill_process(pid, signal);
        let status = child.wait().unwrap();
        let now = snapshot(&out);
        assert!(now == a || now == b, "SIG{sig} after {delay_ms} ms: a mix");
        assert_eq!(
            siblings(tmp.path()),
            ["report"],
            "SIG{sig} after {delay_ms} ms ({status}): a temporary folder left"
        );
    }
}

#[test]
fn a_second_build_into_a_folder_being_written_exits_2_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report");
    build_into(&TWO_RUNS, &out);
    let before = snapshot(&out);
    // Hold the folder's lock as a running build does.
    let dir = std::fs::File::open(&out).unwrap();
    rustix::fs::flock(&dir, rustix::fs::FlockOperation::LockExclusive).unwrap();
    let second = build_into(&ONE_RUN, &out);
    assert_eq!(second.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains("another perfreport build is writing to"),
        "{stderr}"
    );
    assert_eq!(snapshot(&out), before);
    assert_eq!(siblings(tmp.path()), ["report"]);
    drop(dir);
    assert_eq!(build_into(&ONE_RUN, &out).status.code(), Some(1));
}

/// Waits until the build's temporary folder exists beside `report`; false
/// when the build was done before it could be seen (a quick build's window
/// is a few milliseconds). Whether a kill lands inside the window is up to
/// the scheduler, so it is not asserted here: the library tests in
/// `report::outdir` crash at every file operation deterministically; these
/// check the same invariants on a real process.
fn wait_for_temporary_folder(parent: &Path, child: &mut std::process::Child) -> bool {
    let t0 = std::time::Instant::now();
    while t0.elapsed() < Duration::from_secs(10) {
        if siblings(parent).len() >= 2 {
            return true;
        }
        if child.try_wait().is_ok_and(|s| s.is_some()) {
            return false;
        }
        std::thread::yield_now();
    }
    false
}
