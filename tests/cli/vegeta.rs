//! vegeta: the JSON report against its own numbers (ns → ms), and the
//! per-request JSON lines (a hand-made file) against a sorted computation.

use crate::common::{build, fixture, out_dir, perfreport, root, summary};
use perfreport::stats::histogram::nearest_rank;
use predicates::prelude::*;
use serde_json::Value;

#[test]
fn vegeta_report_figures_are_the_files_own() {
    let rel = "vegeta/avitoshop-2025_report.json";
    let f: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(fixture(rel))).unwrap()).unwrap();
    let (_, _d, out) = build(&[&fixture(rel)]);
    let s = summary(&out);
    let run = &s["runs"][0];
    assert_eq!(run["tool"], "vegeta");
    let t = &run["totals"];
    assert_eq!(t["requests"], f["requests"]);
    let ok = (f["success"].as_f64().unwrap() * f["requests"].as_f64().unwrap()).round() as u64;
    assert_eq!(
        t["failures"].as_u64(),
        Some(f["requests"].as_u64().unwrap() - ok)
    );
    let ms = |k: &str| f["latencies"][k].as_f64().unwrap() / 1e6;
    let l = &t["latency_ms"];
    for (key, src) in [
        ("p50", "50th"),
        ("p95", "95th"),
        ("p99", "99th"),
        ("max", "max"),
        ("min", "min"),
        ("avg", "mean"),
    ] {
        assert_eq!(l[key].as_f64(), Some(ms(src)), "{key}");
    }
    assert_eq!(
        run["duration_s"].as_f64(),
        Some(f["duration"].as_f64().unwrap() / 1e9)
    );
    assert_eq!(run["started_at"], "2025-02-16T17:42:22+00:00");
}

#[test]
fn vegeta_lines_match_a_sorted_computation() {
    let rel = "vegeta/handmade_results.json";
    let lines: Vec<Value> = std::fs::read_to_string(root().join(fixture(rel)))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let (_, _d, out) = build(&[&fixture(rel)]);
    let s = summary(&out);
    let t = &s["runs"][0]["totals"];
    assert_eq!(t["requests"].as_u64(), Some(lines.len() as u64));
    let code = |l: &Value| l["code"].as_u64().unwrap();
    let failed = lines
        .iter()
        .filter(|l| code(l) == 0 || code(l) >= 400)
        .count();
    assert_eq!(t["failures"].as_u64(), Some(failed as u64));
    let mut ms: Vec<f64> = lines
        .iter()
        .filter(|l| code(l) != 0)
        .map(|l| l["latency"].as_f64().unwrap() / 1e6)
        .collect();
    ms.sort_by(f64::total_cmp);
    for (key, pct) in [("p50", 50.0), ("p95", 95.0), ("p99", 99.0), ("max", 100.0)] {
        let want = nearest_rank(&ms, pct).unwrap();
        let got = t["latency_ms"][key].as_f64().unwrap();
        assert!(
            (got - want).abs() <= want * 0.001 + 0.001,
            "{key}: {got} vs {want}"
        );
    }
    let names: Vec<String> = s["runs"][0]["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["method"].as_str().unwrap(),
                e["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            "GET /old",
            "GET /v1/deployments",
            "GET /v1/deployments/{id}",
            "POST /v1/deployments"
        ]
    );
}

#[test]
fn vegeta_bad_line_names_file_and_line_unless_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("results.json");
    let text = std::fs::read_to_string(root().join(fixture("vegeta/handmade_results.json")))
        .unwrap()
        .replacen("\"latency\":8300000", "\"latency\":\"8ms\"", 1);
    std::fs::write(&file, text).unwrap();
    let (_d, out) = out_dir();
    perfreport()
        .args(["build", file.to_str().unwrap(), "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("results.json: line 2, column"));
    let (_, _d2, out) = build(&[file.to_str().unwrap(), "--skip-bad-rows"]);
    assert_eq!(summary(&out)["runs"][0]["totals"]["requests"], 9);
}

#[test]
fn vegeta_binary_results_exit_2_with_the_command_that_converts_them() {
    let (_d, out) = out_dir();
    let bin = fixture("vegeta/results-gob-2018.bin");
    perfreport()
        .args(["build", &bin, "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{bin}: this is vegeta's binary results (Go gob, from `vegeta attack > results.bin`), which perfreport does not read: convert them with `vegeta encode --to json < results.bin > results.json`"
        )))
        .stderr(predicate::str::contains("not a result file perfreport knows").not());
    assert!(!out.exists());
    // A directory holding only such files says what they are, too.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(root().join(&bin), dir.path().join("results.bin")).unwrap();
    std::fs::write(
        dir.path().join("plan.jmx"),
        "<?xml version=\"1.0\"?>\n<jmeterTestPlan version=\"1.2\">\n",
    )
    .unwrap();
    perfreport()
        .args(["build", dir.path().to_str().unwrap(), "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("plan.jmx is a JMeter test plan (.jmx), not its results: run it with `jmeter -n -t plan.jmx -l results.jtl`"))
        .stderr(predicate::str::contains("results.bin is vegeta's binary results"));
}
