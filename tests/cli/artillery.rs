//! Artillery reader: 1.x and 2.x reports against the figures in the file
//! (read here with serde_json), the run's own console summary, and the empty
//! report file found in the wild.

use crate::common::{build, fixture, out_dir, perfreport, root, summary};
use predicates::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;

fn json(rel: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join(rel)).unwrap()).unwrap()
}

fn num(v: &Value) -> u64 {
    v.as_u64().unwrap()
}

/// Failures of a 2.x counters object: errors.* + http.codes.N with N >= 400.
fn v2_failures(counters: &Value) -> u64 {
    counters
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| {
            k.starts_with("errors.")
                || k.strip_prefix("http.codes.")
                    .is_some_and(|c| c.parse::<u16>().unwrap() >= 400)
        })
        .map(|(_, v)| num(v))
        .sum()
}

fn check_v2(rel: &str) -> Value {
    let doc = json(rel);
    let agg = &doc["aggregate"];
    let (_, _d, out) = build(&[rel]);
    let s = summary(&out);
    let run = s["runs"][0].clone();
    assert_eq!(run["tool"], "artillery");
    let t = &run["totals"];
    assert_eq!(t["requests"], agg["counters"]["http.requests"], "{rel}");
    assert_eq!(num(&t["failures"]), v2_failures(&agg["counters"]), "{rel}");
    let rt = &agg["summaries"]["http.response_time"];
    for (ours, theirs) in [
        ("p50", "median"),
        ("p90", "p90"),
        ("p95", "p95"),
        ("p99", "p99"),
        ("avg", "mean"),
        ("min", "min"),
        ("max", "max"),
    ] {
        assert_eq!(
            t["latency_ms"][ours].as_f64(),
            rt[theirs].as_f64(),
            "{rel} {ours}"
        );
    }
    assert_eq!(t["latency_ms"]["percentiles"]["p99.9"], rt["p999"]);
    assert_eq!(t["latency_ms"]["precision"], "tool");
    let span =
        (agg["lastMetricAt"].as_f64().unwrap() - agg["firstMetricAt"].as_f64().unwrap()) / 1000.0;
    assert!((run["duration_s"].as_f64().unwrap() - span).abs() < 1e-9);
    assert_eq!(
        run["users"],
        Value::Null,
        "Artillery records no concurrency"
    );
    run
}

#[test]
fn artillery2_generated_report_matches_the_file_and_the_console() {
    let rel = fixture("artillery/generated/report.json");
    let run = check_v2(&rel);
    let doc = json(&rel);
    let counters = &doc["aggregate"]["counters"];
    // Per endpoint: the plugin's summaries and codes.
    for ep in run["endpoints"].as_array().unwrap() {
        let name = ep["name"].as_str().unwrap();
        let rt = &doc["aggregate"]["summaries"]
            [format!("plugins.metrics-by-endpoint.response_time.{name}")];
        assert_eq!(
            ep["latency_ms"]["p95"].as_f64(),
            rt["p95"].as_f64(),
            "{name}"
        );
        let prefix = format!("plugins.metrics-by-endpoint.{name}.codes.");
        let codes: BTreeMap<u16, u64> = counters
            .as_object()
            .unwrap()
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix(&prefix)?.parse().unwrap(), num(v))))
            .collect();
        assert_eq!(num(&ep["requests"]), codes.values().sum::<u64>(), "{name}");
        let failed: u64 = codes
            .iter()
            .filter(|(c, _)| **c >= 400)
            .map(|(_, n)| n)
            .sum();
        assert_eq!(num(&ep["failures"]), failed, "{name}");
    }
    // Artillery's printed summary says the same.
    let console =
        std::fs::read_to_string(root().join(fixture("artillery/generated/console.txt"))).unwrap();
    let summary_part = &console[console.find("Summary report").unwrap()..];
    let printed = |key: &str| -> f64 {
        let line = summary_part
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{key}:")))
            .unwrap_or_else(|| panic!("{key} printed"));
        line.rsplit(' ')
            .next()
            .unwrap()
            .trim_end_matches("/sec")
            .parse()
            .unwrap()
    };
    assert_eq!(
        run["totals"]["requests"].as_f64(),
        Some(printed("http.requests"))
    );
    assert_eq!(
        run["totals"]["failures"].as_f64(),
        Some(printed("http.codes.404"))
    );
    assert_eq!(
        run["totals"]["throughput_rps"].as_f64(),
        Some(printed("http.request_rate"))
    );
    let rt = &summary_part[summary_part.find("http.response_time:").unwrap()..];
    let p95: f64 = rt
        .lines()
        .find(|l| l.trim_start().starts_with("p95:"))
        .and_then(|l| l.rsplit(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(run["totals"]["latency_ms"]["p95"].as_f64(), Some(p95));
    assert_eq!(run["failures"][0]["status"], 404);
}

#[test]
fn artillery2_timeouts_are_failures() {
    let rel = fixture("artillery/real/artillery2-taskmgr-2025_report.json");
    let run = check_v2(&rel);
    let doc = json(&rel);
    let c = &doc["aggregate"]["counters"];
    // 98 % of requests never got a response: they count, and fail.
    assert!(num(&c["http.responses"]) < num(&c["http.requests"]) / 10);
    assert!(num(&run["totals"]["failures"]) > num(&run["totals"]["requests"]) * 9 / 10);
    let errors: Vec<&str> = run["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["error"].as_str().unwrap())
        .collect();
    assert!(errors.contains(&"ETIMEDOUT"), "{errors:?}");
}

#[test]
fn artillery1_report_matches_the_file() {
    let rel = fixture("artillery/real/artillery1-bank-2021_report.json");
    let doc = json(&rel);
    let agg = &doc["aggregate"];
    let (_, _d, out) = build(&[&rel]);
    let s = summary(&out);
    let run = &s["runs"][0];
    let t = &run["totals"];
    let errors: u64 = agg["errors"].as_object().unwrap().values().map(num).sum();
    let bad: u64 = agg["codes"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.parse::<u16>().unwrap() >= 400)
        .map(|(_, v)| num(v))
        .sum();
    // Requests sent = responses + requests that got none (= Artillery's rps.count).
    assert_eq!(num(&t["requests"]), num(&agg["requestsCompleted"]) + errors);
    assert_eq!(t["requests"], agg["rps"]["count"]);
    assert_eq!(num(&t["failures"]), errors + bad);
    for (ours, theirs) in [
        ("p50", "median"),
        ("p95", "p95"),
        ("p99", "p99"),
        ("min", "min"),
        ("max", "max"),
    ] {
        assert_eq!(
            t["latency_ms"][ours].as_f64(),
            agg["latency"][theirs].as_f64(),
            "{ours}"
        );
    }
    assert_eq!(t["latency_ms"]["avg"], Value::Null, "1.x has no mean");
    assert_eq!(t["latency_ms"]["p90"], Value::Null);
    assert_eq!(t["throughput_rps"].as_f64(), agg["rps"]["mean"].as_f64());
    let max_conc = doc["intermediate"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| num(&p["concurrency"]))
        .max();
    assert_eq!(run["users"].as_u64(), max_conc);
}

#[test]
fn an_empty_report_is_an_input_error() {
    let (_d, out) = out_dir();
    perfreport()
        .args([
            "build",
            &fixture("artillery/real/artillery2-taskmgr-2025_empty.json"),
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "artillery2-taskmgr-2025_empty.json: the file is empty",
        ));
}

#[test]
fn a_report_is_recognised_by_content_and_broken_json_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("results.txt");
    let text =
        std::fs::read_to_string(root().join(fixture("artillery/generated/report.json"))).unwrap();
    std::fs::write(&file, &text).unwrap();
    let (_, _d, out) = build(&[file.to_str().unwrap()]);
    assert_eq!(summary(&out)["runs"][0]["totals"]["requests"], 2057);

    let cut = dir.path().join("cut.json");
    let lines: Vec<&str> = text.lines().take(40).collect();
    std::fs::write(&cut, lines.join("\n")).unwrap();
    let (_d2, out) = out_dir();
    perfreport()
        .args(["build", cut.to_str().unwrap(), "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("cut.json: line 40")
                .and(predicate::str::contains("invalid JSON")),
        );
}
