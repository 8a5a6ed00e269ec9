//! hey `-o csv`: figures against a sorted computation over the same file, the
//! tool's own printed summary (a separate run of the same command), bad rows.

use crate::common::assert_close;
use crate::common::{build, fixture, out_dir, perfreport, read_csv, root, summary};
use predicates::prelude::*;

/// Checks one hey CSV against an independent reading of it; returns the run.
fn check(rel: &str) -> serde_json::Value {
    let rows = read_csv(&fixture(rel));
    let (_, _d, out) = build(&[&fixture(rel)]);
    let s = summary(&out);
    let run = s["runs"][0].clone();
    assert_eq!(run["tool"], "hey");
    assert_eq!(
        run["started_at"],
        serde_json::Value::Null,
        "hey has no clock"
    );
    let t = &run["totals"];
    assert_eq!(t["requests"].as_u64(), Some(rows.len() as u64));
    let failed = rows
        .iter()
        .filter(|r| r.num("status-code").unwrap() >= 400.0)
        .count() as u64;
    assert_eq!(t["failures"].as_u64(), Some(failed));
    let mut ms: Vec<f64> = rows
        .iter()
        .map(|r| r.num("response-time").unwrap() * 1000.0)
        .collect();
    for (key, pct) in [("p50", 50.0), ("p95", 95.0), ("p99", 99.0), ("max", 100.0)] {
        assert_close(
            &t["latency_ms"][key],
            crate::common::nearest(&mut ms, pct),
            key,
        );
    }
    let start = rows
        .iter()
        .map(|r| r.num("offset").unwrap())
        .fold(f64::MAX, f64::min);
    let end = rows
        .iter()
        .map(|r| r.num("offset").unwrap() + r.num("response-time").unwrap())
        .fold(f64::MIN, f64::max);
    assert!((run["duration_s"].as_f64().unwrap() - (end - start)).abs() < 1e-6);
    let eps = run["endpoints"].as_array().unwrap();
    assert_eq!(eps.len(), 1);
    assert_eq!(eps[0]["name"], "(all requests)");
    run
}

#[test]
fn hey_create_run_matches_a_sorted_computation_and_hey_own_summary() {
    let run = check("hey/create_n2000_c10.csv");
    assert_eq!(run["totals"]["failures"], 19, "the 500s of this run");
    // hey's printed summary comes from a separate run of the same command
    // (fixtures README): same request count, close figures, not the same ones.
    let text = std::fs::read_to_string(root().join(fixture("hey/create_n2000_c10.txt"))).unwrap();
    let responses: u64 = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix('['))
        .filter_map(|l| l.split_once(']'))
        .map(|(_, n)| n.split_whitespace().next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(run["totals"]["requests"].as_u64(), Some(responses));
    for (pct, key) in [("50%", "p50"), ("95%", "p95"), ("99%", "p99")] {
        let line = text
            .lines()
            .find(|l| l.trim().starts_with(&format!("{pct} in")))
            .unwrap();
        let hey_ms: f64 = line
            .split_whitespace()
            .nth(2)
            .unwrap()
            .parse::<f64>()
            .unwrap()
            * 1000.0;
        let ours = run["totals"]["latency_ms"][key].as_f64().unwrap();
        assert!(
            (ours - hey_ms).abs() <= hey_ms * 0.03,
            "{key}: {ours} vs hey's {hey_ms} (another run)"
        );
    }
}

#[test]
fn hey_list_run_matches_a_sorted_computation() {
    let run = check("hey/list_c20_20s_first1500.csv");
    assert_eq!(run["totals"]["failures"], 0);
}

#[test]
fn hey_is_recognised_by_content_and_bad_rows_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.txt");
    std::fs::write(
        &file,
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n\
         0.0100,0,0,0,0,0,200,0.1\n0.01x0,0,0,0,0,0,200,0.2\n0.0300,0,0,0,0,0,302,0.3\n0.0400,0,0,0,0,0,404,0.4\n",
    )
    .unwrap();
    let (_d, out) = out_dir();
    perfreport()
        .args(["build", file.to_str().unwrap(), "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "out.txt: line 3, column 1: `0.01x0` in column `response-time` is not a number",
        ));
    let (_, _d2, out) = build(&[file.to_str().unwrap(), "--skip-bad-rows"]);
    let s = summary(&out);
    assert_eq!(s["runs"][0]["tool"], "hey");
    assert_eq!(s["runs"][0]["totals"]["requests"], 3);
    assert_eq!(
        s["runs"][0]["totals"]["failures"], 1,
        "404 fails, 302 does not"
    );
}
