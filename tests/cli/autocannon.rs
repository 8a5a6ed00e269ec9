//! autocannon `--json`: figures against the file's own numbers, read here
//! with serde_json; p95 stays unknown; all-403 runs are all failures.

use crate::common::{build, fixture, out_dir, perfreport, root, summary};
use predicates::prelude::*;
use serde_json::Value;

fn json(rel: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join(fixture(rel))).unwrap()).unwrap()
}

#[test]
fn autocannon_figures_are_the_files_own() {
    for rel in [
        "autocannon/list_c20_20s.json",
        "autocannon/notfound_c10_15s.json",
        "autocannon/homecastr-2026_autocannon.json",
    ] {
        let f = json(rel);
        let (_, _d, out) = build(&[&fixture(rel)]);
        let s = summary(&out);
        let run = &s["runs"][0];
        assert_eq!(run["tool"], "autocannon");
        let t = &run["totals"];
        let n = |k: &str| f[k].as_u64().unwrap();
        let requests = f["requests"]["total"].as_u64().unwrap() + n("errors");
        assert_eq!(t["requests"].as_u64(), Some(requests), "{rel}");
        assert_eq!(
            t["failures"].as_u64(),
            Some(n("errors") + n("4xx") + n("5xx") + n("mismatches")),
            "{rel}"
        );
        let l = &t["latency_ms"];
        assert_eq!(l["p50"].as_f64(), f["latency"]["p50"].as_f64(), "{rel}");
        assert_eq!(l["p99"].as_f64(), f["latency"]["p99"].as_f64(), "{rel}");
        assert_eq!(
            l["percentiles"]["p97.5"].as_f64(),
            f["latency"]["p97_5"].as_f64(),
            "{rel}"
        );
        assert_eq!(
            l["percentiles"]["p99.9"].as_f64(),
            f["latency"]["p99_9"].as_f64(),
            "{rel}"
        );
        assert_eq!(l["max"].as_f64(), f["latency"]["max"].as_f64(), "{rel}");
        assert_eq!(l["p95"], Value::Null, "autocannon has no p95: {rel}");
        assert_eq!(run["duration_s"].as_f64(), f["duration"].as_f64());
        assert_eq!(run["users"].as_u64(), f["connections"].as_u64());
    }
}

#[test]
fn autocannon_every_403_is_a_failure_even_with_no_errors() {
    let (_, _d, out) = build(&[&fixture("autocannon/homecastr-2026_autocannon.json")]);
    let t = &summary(&out)["runs"][0]["totals"];
    assert_eq!(t["requests"], 6500);
    assert_eq!(t["failures"], 6500);
}

#[test]
fn autocannon_is_recognised_by_content_and_a_bad_value_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.json");
    let text = std::fs::read_to_string(root().join(fixture("autocannon/list_c20_20s.json")))
        .unwrap()
        .replace(",\"errors\":0,", ",\n\"errors\":\"none\",");
    std::fs::write(&file, text).unwrap();
    let (_d, out) = out_dir();
    perfreport()
        .args(["build", file.to_str().unwrap(), "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("out.json: line 2, column"));
}
