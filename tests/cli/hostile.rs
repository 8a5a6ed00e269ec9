//! Hostile inputs at the process level: what a results folder written by
//! someone else can make perfreport read, and what it costs. One process per
//! behaviour; the per-reader cases are library tests.

use crate::common::perfreport;
use std::path::Path;

/// A run folder holding one small Locust stats file.
fn locust_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        crate::common::root().join("tests/fixtures/locust/handmade/eighty/eighty_stats.csv"),
        dir.path().join("eighty_stats.csv"),
    )
    .unwrap();
    dir
}

/// `build PATH` into a temporary folder: (exit code, stderr).
fn build(path: &Path) -> (i32, String) {
    let out = tempfile::tempdir().unwrap();
    let o = perfreport()
        .arg("build")
        .arg(path)
        .arg("-o")
        .arg(out.path().join("r"))
        .arg("--quiet")
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn notes_naming_the_process_environment_exit_2_naming_run_toml_and_line() {
    let dir = locust_folder();
    std::fs::write(
        dir.path().join("run.toml"),
        "name = \"r\"\nusers = 10\nnotes = \"/proc/self/environ\"\n",
    )
    .unwrap();
    let (code, err) = build(dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("run.toml: line 3"), "{err}");
    assert!(err.contains("absolute path"), "{err}");
    // Nothing of the environment is echoed.
    assert!(!err.contains("PATH="), "{err}");
}

#[test]
fn a_fifo_or_a_device_given_as_path_says_what_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("results.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
    let (code, err) = build(&fifo);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("a FIFO (named pipe)"), "{err}");
    let (code, err) = build(Path::new("/dev/zero"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("a character device"), "{err}");
}
