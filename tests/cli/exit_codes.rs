//! Exit codes are a contract: 0 passed, 1 failed (or simulated), 2 bad input
//! with a message naming the file and line, and no report left behind.

use crate::common::{fixture, out_dir, perfreport};
use predicates::prelude::*;

#[test]
fn a_passing_run_exits_0() {
    let (_d, out) = out_dir();
    perfreport()
        .args([
            "build",
            "samples/locust-target",
            "--sla",
            "sla/peak.toml",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Target (20 users): PASS"));
    for f in ["report.md", "index.html", "summary.json"] {
        assert!(out.join(f).is_file(), "{f} written");
    }
}

#[test]
fn a_failing_run_exits_1_and_still_writes_the_report() {
    let (_d, out) = out_dir();
    perfreport()
        .args([
            "build",
            "samples/locust-peak",
            "--sla",
            "sla/peak.toml",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("Peak (50 users): FAIL"))
        .stdout(predicate::str::contains(
            "Gate \"error-rate\" failed: 2.54 % against < 1%",
        ));
    assert!(out.join("report.md").is_file());
}

#[test]
fn a_missing_directory_exits_2_naming_it() {
    let (dir, out) = out_dir();
    perfreport()
        .args(["build", "no/such/results", "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no/such/results: no such file or directory",
        ));
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing left behind"
    );
}

#[test]
fn a_directory_without_result_files_exits_2() {
    let (_d, out) = out_dir();
    perfreport()
        .args(["build", &fixture("locust/broken/empty-dir"), "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("empty-dir: no result files found"));
    assert!(!out.exists());
}

#[test]
fn failures_without_stats_exit_2_explaining_what_is_missing() {
    let (_d, out) = out_dir();
    perfreport()
        .args(["build", &fixture("locust/broken/only-failures"), "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no request figures"));
}

#[test]
fn a_non_numeric_cell_exits_2_naming_file_line_and_column() {
    let (dir, out) = out_dir();
    perfreport()
        .args(["build", &fixture("locust/broken/not-a-number"), "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad_stats.csv: line 3, column 3: `seventy` in column `Request Count` is not a whole number",
        ));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no partial output"
    );
}

#[test]
fn a_row_with_missing_fields_exits_2_naming_the_line() {
    let (_d, out) = out_dir();
    perfreport()
        .args(["build", &fixture("locust/broken/short-row"), "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad_stats.csv: line 3: the row has 6 fields but the header has 22",
        ));
}

#[test]
fn a_bad_sla_file_exits_2_naming_the_rule_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let sla = dir.path().join("bad.toml");
    std::fs::write(
        &sla,
        "[[rule]]\nid = \"lat\"\nmetric = \"p95\"\ntarget = \"under 50ms\"\nweight = 1\n",
    )
    .unwrap();
    perfreport()
        .args(["build", "samples/locust-peak", "-o"])
        .arg(dir.path().join("report"))
        .arg("--sla")
        .arg(&sla)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.toml: line 4: rule `lat`: target `under 50ms` must start with",
        ));
    assert!(!dir.path().join("report").exists());
}

#[test]
fn bad_usage_exits_2() {
    perfreport().args(["build"]).assert().code(2);
    perfreport()
        .args(["build", "x", "--format", "pdf"])
        .assert()
        .code(2);
}

#[test]
fn a_simulated_run_exits_1_unless_allowed() {
    let (_d, out) = out_dir();
    perfreport()
        .args(["build", &fixture("locust/simulated"), "-o"])
        .arg(&out)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("NOT VALID FOR SIGN-OFF"));
    let (_d2, out2) = out_dir();
    perfreport()
        .args([
            "build",
            &fixture("locust/simulated"),
            "--allow-simulated",
            "-o",
        ])
        .arg(&out2)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("NOT VALID FOR SIGN-OFF"));
}

#[test]
fn an_existing_output_directory_keeps_its_other_files() {
    let (_d, out) = out_dir();
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("keep.txt"), "mine").unwrap();
    std::fs::write(out.join("report.md"), "old").unwrap();
    perfreport()
        .args(["build", "samples/locust-target", "--quiet", "-o"])
        .arg(&out)
        .assert()
        .code(1); // the default SLA wants P95 < 50 ms
    assert_eq!(
        std::fs::read_to_string(out.join("keep.txt")).unwrap(),
        "mine"
    );
    assert!(std::fs::read_to_string(out.join("report.md"))
        .unwrap()
        .contains("Target (20 users)"));
    let leftovers: Vec<_> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".perfreport-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary directory removed");
}

#[test]
fn an_empty_failure_count_is_an_error_not_zero_failures() {
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(
        crate::common::root().join(fixture("locust/handmade/eighty/eighty_stats.csv")),
    )
    .unwrap();
    let blanked: Vec<String> = src
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 1 {
                l.replacen(",150,0,", ",150,,", 1)
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(dir.path().join("x_stats.csv"), blanked.join("\n") + "\n").unwrap();
    perfreport()
        .args(["build", dir.path().to_str().unwrap(), "-o"])
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "x_stats.csv: line 2, column 4: the failure count is empty",
        ));
}

#[test]
fn an_empty_error_text_cannot_excuse_every_failure() {
    let dir = tempfile::tempdir().unwrap();
    let sla = dir.path().join("sla.toml");
    std::fs::write(&sla, "[[rule]]\nmetric = \"error_rate\"\ntarget = \"< 1%\"\nweight = 1\n[[expected_failure]]\nendpoint = \"*\"\nerror = \"\"\n").unwrap();
    perfreport()
        .args(["check-sla", sla.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "line 6: expected_failure for `*`: error = \"\" would match every failure",
        ));
}
