//! k6 readers: summaries against the figures in the file (read here with
//! serde_json), NDJSON against a sort of every `http_req_duration` point,
//! bad lines, and detection from content whatever the file is called.

use crate::common::assert_close;
use crate::common::{build, fixture, out_dir, perfreport, root, summary};
use perfreport::stats::histogram::nearest_rank;
use predicates::prelude::*;
use serde_json::Value;

fn json(rel: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join(rel)).unwrap()).unwrap()
}

/// A metric's figures, nested under `values` (handleSummary) or not (--summary-export).
fn figure(doc: &Value, metric: &str, key: &str) -> Value {
    let m = &doc["metrics"][metric];
    let v = if m.get("values").is_some() {
        &m["values"]
    } else {
        m
    };
    v.get(key).cloned().unwrap_or(Value::Null)
}

fn check_summary(rel: &str) -> Value {
    let doc = json(rel);
    let (_, _d, out) = build(&[rel]);
    let s = summary(&out);
    let run = s["runs"][0].clone();
    assert_eq!(run["tool"], "k6");
    let t = &run["totals"];
    assert_eq!(t["requests"], figure(&doc, "http_reqs", "count"), "{rel}");
    // http_req_failed counts "failed = true": its passes are the failed requests.
    assert_eq!(
        t["failures"],
        figure(&doc, "http_req_failed", "passes"),
        "{rel}"
    );
    assert_eq!(
        t["throughput_rps"],
        figure(&doc, "http_reqs", "rate"),
        "{rel}"
    );
    for (ours, theirs) in [
        ("p50", "med"),
        ("p90", "p(90)"),
        ("p95", "p(95)"),
        ("p99", "p(99)"),
        ("avg", "avg"),
        ("min", "min"),
        ("max", "max"),
    ] {
        // A figure the file does not hold (p(99) here) must be null, not 0.
        assert_eq!(
            t["latency_ms"][ours],
            figure(&doc, "http_req_duration", theirs),
            "{rel} {ours}"
        );
    }
    assert_eq!(t["latency_ms"]["precision"], "tool");
    run
}

#[test]
fn summary_export_takes_failures_from_passes() {
    let rel = fixture("k6/summary-export/ticketreserve-2024_summary-export.json");
    let run = check_summary(&rel);
    assert_eq!(run["totals"]["failures"], 1, "passes=1, fails=99");
    assert_eq!(run["totals"]["latency_ms"]["p99"], Value::Null);
    assert_eq!(run["users"], 97);
}

#[test]
fn handle_summary_files_read_their_values() {
    for rel in [
        fixture("k6/summary/circleci-orb-handlesummary-2022.json"),
        fixture("k6/summary/parabank-2025_summary.json"),
    ] {
        let doc = json(&rel);
        let run = check_summary(&rel);
        let ms = doc["state"]["testRunDurationMs"].as_f64().unwrap();
        assert!((run["duration_s"].as_f64().unwrap() - ms / 1000.0).abs() < 1e-9);
        assert_eq!(run["users"], doc["metrics"]["vus"]["values"]["max"]);
        assert!(run["endpoints"].as_array().unwrap().is_empty());
    }
}

#[test]
fn a_summary_is_recognised_by_content_not_name() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.json");
    std::fs::copy(
        root().join(fixture("k6/summary/parabank-2025_summary.json")),
        &file,
    )
    .unwrap();
    let (_, _d, out) = build(&[file.to_str().unwrap()]);
    assert_eq!(summary(&out)["runs"][0]["totals"]["requests"], 60);
    let log = dir.path().join("k6.log");
    std::fs::copy(
        root().join(fixture("k6/ndjson/ticketreserve-2024_out.ndjson")),
        &log,
    )
    .unwrap();
    let (_, _d, out) = build(&[log.to_str().unwrap()]);
    assert_eq!(summary(&out)["runs"][0]["totals"]["requests"], 100);
}

/// Every `http_req_duration` point of an NDJSON file: (latency, failed, name tag).
fn points(rel: &str) -> Vec<(f64, bool, String)> {
    std::fs::read_to_string(root().join(rel))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["type"] == "Point" && v["metric"] == "http_req_duration")
        .map(|v| {
            let tags = &v["data"]["tags"];
            (
                v["data"]["value"].as_f64().unwrap(),
                tags["expected_response"] == "false",
                tags["name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn ndjson_figures_match_a_sorted_computation() {
    for rel in [
        fixture("k6/ndjson/ticketreserve-2024_out.ndjson"),
        fixture("k6/ndjson/golangapi-2024_results.ndjson"),
    ] {
        let pts = points(&rel);
        let (_, _d, out) = build(&[&rel]);
        let s = summary(&out);
        let run = &s["runs"][0];
        let t = &run["totals"];
        assert_eq!(t["requests"].as_u64(), Some(pts.len() as u64), "{rel}");
        let failed = pts.iter().filter(|p| p.1).count() as u64;
        assert_eq!(t["failures"].as_u64(), Some(failed), "{rel}");
        assert_eq!(t["latency_ms"]["precision"], "histogram");
        let mut all: Vec<f64> = pts.iter().map(|p| p.0).collect();
        all.sort_by(f64::total_cmp);
        for (key, pct) in [("p50", 50.0), ("p95", 95.0), ("p99", 99.0), ("max", 100.0)] {
            assert_close(
                &t["latency_ms"][key],
                nearest_rank(&all, pct).unwrap(),
                &format!("{rel} {key}"),
            );
        }
        // The name tag is k6's default (the URL): generalised like any URL.
        let eps = run["endpoints"].as_array().unwrap();
        assert_eq!(eps.len(), 1);
        let url = &pts[0].2;
        assert_eq!(
            eps[0]["name"],
            url.trim_start_matches("http://localhost:8080")
        );
        assert!(run["users"].as_u64().unwrap() > 0, "from the vus points");
    }
    // The same run as its summary export: one failure in 100.
    let (_, _d, out) = build(&[&fixture("k6/ndjson/ticketreserve-2024_out.ndjson")]);
    let s = summary(&out);
    assert_eq!(s["runs"][0]["totals"]["failures"], 1);
    assert_eq!(s["runs"][0]["failures"][0]["error"], "HTTP 500");
    assert_eq!(s["runs"][0]["failures"][0]["name"], "/event/reserve");
}

#[test]
fn a_bad_ndjson_line_stops_the_build_unless_skipped() {
    let lines: Vec<String> =
        std::fs::read_to_string(root().join(fixture("k6/ndjson/ticketreserve-2024_out.ndjson")))
            .unwrap()
            .lines()
            .take(60)
            .map(str::to_string)
            .collect();
    let mut broken = lines.clone();
    broken[3] = broken[3][..40].to_string(); // the first http_req_duration point, cut short
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.ndjson");
    std::fs::write(&file, broken.join("\n")).unwrap();
    let (_d, out) = out_dir();
    perfreport()
        .args(["build", file.to_str().unwrap(), "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.ndjson: line 4, column 40: invalid JSON",
        ));
    let whole = dir.path().join("whole.ndjson");
    std::fs::write(&whole, lines.join("\n")).unwrap();
    let (_, _d1, a) = build(&[whole.to_str().unwrap()]);
    let (_, _d2, b) = build(&[file.to_str().unwrap(), "--skip-bad-rows"]);
    let (a, b) = (summary(&a), summary(&b));
    let n = a["runs"][0]["totals"]["requests"].as_u64().unwrap();
    assert!(n > 1);
    assert_eq!(b["runs"][0]["totals"]["requests"].as_u64(), Some(n - 1));
    assert!(b["runs"][0]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["code"] == "bad-rows-skipped"));
}

/// Every `http_req_duration` row of a k6 CSV (gzip or not): (latency, failed).
fn csv_points(rel: &str) -> Vec<(f64, bool)> {
    let raw = std::fs::read(root().join(rel)).unwrap();
    let data = if rel.ends_with(".gz") {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&raw[..]), &mut out).unwrap();
        out
    } else {
        raw
    };
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(&data[..]);
    let h = rdr.headers().unwrap().clone();
    let at = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (m, v, e) = (
        at("metric_name"),
        at("metric_value"),
        at("expected_response"),
    );
    rdr.records()
        .map(|r| r.unwrap())
        .filter(|r| &r[m] == "http_req_duration")
        .map(|r| (r[v].parse().unwrap(), &r[e] == "false"))
        .collect()
}

#[test]
fn k6_csv_matches_a_sorted_computation_and_k6s_own_counts() {
    for (rel, summary_export) in [
        (
            fixture("k6/loadlab-1.1.0/out.csv.gz"),
            Some("tests/fixtures/k6/loadlab-1.1.0/summary-export.json"),
        ),
        (fixture("k6/csv/taurus-k6-kpi-2021.csv"), None),
    ] {
        let pts = csv_points(&rel);
        let (_, _d, out) = build(&[&rel]);
        let run = summary(&out)["runs"][0].clone();
        assert_eq!(run["tool"], "k6");
        let t = &run["totals"];
        assert_eq!(t["requests"].as_u64(), Some(pts.len() as u64), "{rel}");
        let failed = pts.iter().filter(|p| p.1).count() as u64;
        assert_eq!(t["failures"].as_u64(), Some(failed), "{rel}");
        let mut all: Vec<f64> = pts.iter().map(|p| p.0).collect();
        all.sort_by(f64::total_cmp);
        for (key, pct) in [("p50", 50.0), ("p95", 95.0), ("p99", 99.0), ("max", 100.0)] {
            assert_close(
                &t["latency_ms"][key],
                nearest_rank(&all, pct).unwrap(),
                &format!("{rel} {key}"),
            );
        }
        if let Some(export) = summary_export {
            // The same run's --summary-export: 65 requests, 30 failed (404s).
            let doc = json(export);
            assert_eq!(t["requests"], figure(&doc, "http_reqs", "count"));
            assert_eq!(t["failures"], figure(&doc, "http_req_failed", "passes"));
            assert_close(
                &t["latency_ms"]["max"],
                figure(&doc, "http_req_duration", "max").as_f64().unwrap(),
                "max",
            );
            let dropped = figure(&doc, "dropped_iterations", "count");
            assert!(
                run["notes"]
                    .to_string()
                    .contains(&format!("k6 dropped {dropped} iterations")),
                "{}",
                run["notes"]
            );
            // Named by the name tag; the JSON lines of the same run agree.
            let names: Vec<&str> = run["endpoints"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["name"].as_str().unwrap())
                .collect();
            assert_eq!(
                names,
                ["get unknown", "list", "create"],
                "sorted by METHOD NAME"
            );
            let (_, _d2, out2) = build(&[&fixture("k6/loadlab-1.1.0/out-json.ndjson.gz")]);
            let nd = summary(&out2)["runs"][0]["totals"].clone();
            assert_eq!(
                (&nd["requests"], &nd["failures"]),
                (&t["requests"], &t["failures"])
            );
        }
    }
}

#[test]
fn loadlab_summaries_read_k6s_own_figures() {
    let run = check_summary("tests/fixtures/k6/loadlab-1.1.0/summary-export.json");
    assert!(
        run["notes"]
            .to_string()
            .contains("http_req_duration{name:list}"),
        "{}",
        run["notes"]
    );
    check_summary("tests/fixtures/k6/loadlab-1.1.0/handlesummary.json");
}

#[test]
fn the_versioned_machine_readable_summary_is_read() {
    // Built from grafana/k6's schema (see the README) with the loadlab run's figures.
    let rel = "tests/fixtures/k6/loadlab-1.1.0/machine-readable-1.0.0.json";
    let doc = json(rel);
    let metric = |name: &str| {
        doc["results"]["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == name)
            .unwrap()["values"]
            .clone()
    };
    let (_, _d, out) = build(&[rel]);
    let run = summary(&out)["runs"][0].clone();
    assert_eq!(run["tool"], "k6");
    let t = &run["totals"];
    assert_eq!(t["requests"], metric("http_reqs")["count"]);
    // For http_req_failed, `matches` (true events) are the failed requests.
    assert_eq!(t["failures"], metric("http_req_failed")["matches"]);
    let d = doc["config"]["duration"].as_f64().unwrap();
    assert_eq!(run["duration_s"].as_f64(), Some(d));
    assert_close(
        &t["throughput_rps"],
        metric("http_reqs")["count"].as_f64().unwrap() / d,
        "rps",
    );
    for (ours, theirs) in [
        ("p50", "med"),
        ("p90", "p(90)"),
        ("p95", "p(95)"),
        ("max", "max"),
    ] {
        assert_eq!(
            t["latency_ms"][ours],
            metric("http_req_duration")[theirs],
            "{ours}"
        );
    }
    assert_eq!(
        t["latency_ms"]["p99"],
        Value::Null,
        "not in the schema: null, never 0"
    );
    assert!(run["notes"]
        .to_string()
        .contains("machine-readable summary"));
    // The same run's --summary-export says the same.
    let export = json("tests/fixtures/k6/loadlab-1.1.0/summary-export.json");
    assert_eq!(t["requests"], figure(&export, "http_reqs", "count"));
    assert_eq!(t["failures"], figure(&export, "http_req_failed", "passes"));
}
