//! The Locust reader end to end: every figure in summary.json must equal the
//! number in the CSV it came from, read here independently with the csv crate.

use crate::common::{build, fixture, read_csv, root, summary, CsvRow};
use serde_json::Value;

/// Finds the endpoint of `run` with this method and name.
fn endpoint<'a>(run: &'a Value, method: &str, name: &str) -> &'a Value {
    run["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["method"] == method && e["name"] == name)
        .unwrap_or_else(|| panic!("endpoint {method} {name} in summary"))
}

fn close(a: &Value, b: Option<f64>, what: &str) {
    match b {
        None => assert!(a.is_null(), "{what}: expected null, got {a}"),
        Some(b) => {
            let a = a
                .as_f64()
                .unwrap_or_else(|| panic!("{what}: expected {b}, got {a}"));
            assert!(
                (a - b).abs() <= 1e-9 * b.abs().max(1.0),
                "{what}: {a} != {b}"
            );
        }
    }
}

/// Compares one 2.x stats row with its summary.json figures.
fn check_row(row: &CsvRow, fig: &Value, pcts: &[(&str, &str)]) {
    let what = format!("{} {}", row.text("Type"), row.text("Name"));
    assert_eq!(
        fig["requests"].as_u64(),
        row.num("Request Count").map(|v| v as u64),
        "{what} requests"
    );
    assert_eq!(
        fig["failures"].as_u64(),
        row.num("Failure Count").map(|v| v as u64),
        "{what} failures"
    );
    close(
        &fig["throughput_rps"],
        row.num("Requests/s"),
        &format!("{what} rps"),
    );
    close(
        &fig["latency_ms"]["min"],
        row.num("Min Response Time"),
        &format!("{what} min"),
    );
    close(
        &fig["latency_ms"]["avg"],
        row.num("Average Response Time"),
        &format!("{what} avg"),
    );
    close(
        &fig["latency_ms"]["max"],
        row.num("Max Response Time"),
        &format!("{what} max"),
    );
    for (key, column) in pcts {
        close(
            &fig["latency_ms"]["percentiles"][key],
            row.num(column),
            &format!("{what} {key}"),
        );
    }
    assert_eq!(fig["latency_ms"]["precision"], "tool");
}

const DEFAULT_PCTS: &[(&str, &str)] = &[
    ("p50", "50%"),
    ("p66", "66%"),
    ("p75", "75%"),
    ("p80", "80%"),
    ("p90", "90%"),
    ("p95", "95%"),
    ("p98", "98%"),
    ("p99", "99%"),
    ("p99.9", "99.9%"),
    ("p99.99", "99.99%"),
    ("p100", "100%"),
];

fn check_stats_file(stats: &str, run: &Value, pcts: &[(&str, &str)]) {
    let rows = read_csv(stats);
    let mut endpoints = 0;
    for row in &rows {
        if row.text("Name") == "Aggregated" {
            check_row(row, &run["totals"], pcts);
        } else {
            check_row(row, endpoint(run, row.text("Type"), row.text("Name")), pcts);
            endpoints += 1;
        }
    }
    assert_eq!(
        run["endpoints"].as_array().unwrap().len(),
        endpoints,
        "one entry per endpoint row"
    );
}

/// Independent duration and peak users from a history file's Aggregated rows.
fn history_span(history: &str) -> (f64, f64) {
    let rows: Vec<CsvRow> = read_csv(history)
        .into_iter()
        .filter(|r| r.text("Name") == "Aggregated")
        .collect();
    let ts: Vec<f64> = rows.iter().filter_map(|r| r.num("Timestamp")).collect();
    let users = rows
        .iter()
        .filter_map(|r| r.num("User Count"))
        .fold(0.0, f64::max);
    (
        ts.iter().cloned().fold(f64::MIN, f64::max) - ts.iter().cloned().fold(f64::MAX, f64::min),
        users,
    )
}

#[test]
fn every_sample_figure_matches_the_locust_csv() {
    for (dir, prefix) in [
        ("samples/locust-peak", "peak"),
        ("samples/locust-target", "target"),
    ] {
        let (_, _d, out) = build(&[dir, "--sla", "sla/peak.toml"]);
        let s = summary(&out);
        let run = &s["runs"][0];
        assert_eq!(run["tool"], "locust");
        check_stats_file(&format!("{dir}/{prefix}_stats.csv"), run, DEFAULT_PCTS);
        let (duration, users) = history_span(&format!("{dir}/{prefix}_stats_history.csv"));
        close(&run["duration_s"], Some(duration), "duration");
        assert_eq!(run["users"].as_f64(), Some(users));
        // Failure groups are the failures.csv rows, and add up to the stats' failures.
        let failures = read_csv(&format!("{dir}/{prefix}_failures.csv"));
        let listed: u64 = failures
            .iter()
            .map(|r| r.num("Occurrences").unwrap() as u64)
            .sum();
        assert_eq!(run["totals"]["failures"].as_u64(), Some(listed));
        let expected: u64 = failures
            .iter()
            .filter(|r| r.text("Name") == "GET /v1/deployments/[random-id]")
            .map(|r| r.num("Occurrences").unwrap() as u64)
            .sum();
        assert!(expected > 0);
        assert_eq!(run["totals"]["expected_failures"].as_u64(), Some(expected));
        let requests = run["totals"]["requests"].as_f64().unwrap();
        close(
            &run["totals"]["error_rate"],
            Some((listed - expected) as f64 / requests),
            "error rate",
        );
        close(
            &run["totals"]["error_rate_including_expected"],
            Some(listed as f64 / requests),
            "error rate incl.",
        );
    }
}

#[test]
fn generated_baseline_and_stress_runs_read_in_one_build_as_two_runs() {
    let (_, _d, out) = build(&[&fixture("locust/generated")]);
    let s = summary(&out);
    let names: Vec<&str> = s["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["baseline", "stress"]);
    check_stats_file(
        &fixture("locust/generated/baseline/baseline_stats.csv"),
        &s["runs"][0],
        DEFAULT_PCTS,
    );
    check_stats_file(
        &fixture("locust/generated/stress/stress_stats.csv"),
        &s["runs"][1],
        DEFAULT_PCTS,
    );
}

#[test]
fn real_locust_files_of_every_version_read() {
    let (_, _d, out) = build(&[&fixture("locust/real")]);
    let s = summary(&out);
    let runs = s["runs"].as_array().unwrap();
    let mut names: Vec<&str> = runs.iter().map(|r| r["name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["1_locust", "example", "locust", "results"]);
    let run = |name: &str| runs.iter().find(|r| r["name"] == name).unwrap();

    // 0.x: *_requests.csv + *_distribution.csv, "None","Total" row, names "GET /path".
    let chatops = run("example");
    assert_eq!(chatops["totals"]["requests"], 635);
    assert_eq!(chatops["totals"]["failures"], 1);
    close(&chatops["totals"]["throughput_rps"], Some(10.60), "0.x rps");
    let first = endpoint(chatops, "GET", "/first-task");
    assert_eq!(first["requests"], 108);
    close(
        &first["latency_ms"]["p95"],
        Some(7.0),
        "0.x p95 from the distribution file",
    );
    close(&first["latency_ms"]["p99"], Some(9.0), "0.x p99");
    close(&first["latency_ms"]["p100"], None, "no such key");
    close(
        &chatops["totals"]["latency_ms"]["p99"],
        Some(10.0),
        "0.x total p99",
    );
    close(
        &chatops["totals"]["latency_ms"]["percentiles"]["p99.9"],
        None,
        "0.x has no p99.9",
    );

    // 2.x with custom PERCENTILES_TO_REPORT and CRLF line ends.
    let grpc = run("locust");
    check_stats_file(
        &fixture("locust/real/loadhub-grpc/locust_stats.csv"),
        grpc,
        &[
            ("p50", "50%"),
            ("p60", "60%"),
            ("p70", "70%"),
            ("p80", "80%"),
            ("p90", "90%"),
            ("p95", "95%"),
            ("p99", "99%"),
            ("p100", "100%"),
        ],
    );
    assert!(grpc["totals"]["latency_ms"]["percentiles"]["p66"].is_null());
    let (duration, users) = history_span(&fixture(
        "locust/real/loadhub-grpc/locust_stats_history.csv",
    ));
    close(&grpc["duration_s"], Some(duration), "grpc duration");
    assert_eq!(grpc["users"].as_f64(), Some(users));

    // 2.29: quoted error with a comma, multi-line exception traceback.
    let retail = run("results");
    check_stats_file(
        &fixture("locust/real/retaildemo-2.29/results_stats.csv"),
        retail,
        DEFAULT_PCTS,
    );
    assert_eq!(
        retail["failures"][0]["error"],
        "gaierror(8, 'nodename nor servname provided, or not known')"
    );
    assert!(retail["failures"][0]["status"].is_null());
    let warn = retail["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "test-code-exceptions")
        .expect("exceptions warned");
    let raised: f64 = read_csv(&fixture(
        "locust/real/retaildemo-2.29/results_exceptions.csv",
    ))
    .iter()
    .map(|r| r.num("Count").unwrap())
    .sum();
    assert_eq!(raised, 14_715.0);
    assert!(
        warn["message"]
            .as_str()
            .unwrap()
            .contains("raised 14,715 exceptions"),
        "{warn}"
    );

    // Stats saved as *_requests.csv, PATCH/DELETE, integer medians, empty exceptions file.
    let sorter = run("1_locust");
    check_stats_file(
        &fixture("locust/real/supersorter-run1/1_locust_requests.csv"),
        sorter,
        DEFAULT_PCTS,
    );
    assert!(sorter["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w["code"] != "test-code-exceptions"));
    assert!(
        sorter["duration_s"].as_f64().is_some(),
        "duration from requests ÷ rps without history"
    );
}

#[test]
fn a_history_with_cr_cr_lf_line_ends_parses_and_still_needs_stats() {
    let out = crate::common::perfreport()
        .args([
            "build",
            &fixture("locust/broken/history-only"),
            "-o",
            "/nonexistent/never",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("history-only: no request figures"), "{err}");
}

#[test]
fn files_beside_the_results_are_listed_as_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    std::fs::create_dir(&run).unwrap();
    for f in ["peak_stats.csv", "peak_failures.csv"] {
        std::fs::copy(root().join("samples/locust-peak").join(f), run.join(f)).unwrap();
    }
    std::fs::write(run.join("peak_console.txt"), "console").unwrap();
    let (_, _d, out) = build(&[run.to_str().unwrap()]);
    let s = summary(&out);
    let sources = s["runs"][0]["sources"].as_array().unwrap();
    let console = sources
        .iter()
        .find(|x| x["path"].as_str().unwrap().ends_with("peak_console.txt"))
        .unwrap();
    assert_eq!(console["read"], false);
    assert_eq!(sources.iter().filter(|x| x["read"] == true).count(), 2);
}
