//! Scoring end to end, from CSV to summary.json.

use crate::common::{build, fixture, summary};
use serde_json::Value;

fn rule<'a>(run: &'a Value, id: &str) -> &'a Value {
    run["score"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap()
}

#[test]
fn the_design_example_scores_80_good_when_small_samples_only_warn() {
    // P95 6.86 ms, 0 % errors, 3.8 req/s, P99/P95 = 9.81 / 6.86 = 1.43: 40 + 30 + 0 + 10.
    // (With the default [evidence] settings P99 of 228 requests is INCONCLUSIVE: see evidence.rs.)
    let (code, _d, out) = build(&[
        &fixture("locust/handmade/eighty"),
        "--sla",
        &fixture("sla/default-small-sample-warn.toml"),
    ]);
    assert_eq!(code, 0);
    let s = summary(&out);
    let run = &s["runs"][0];
    let points: Vec<f64> = run["score"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["points"].as_f64().unwrap())
        .collect();
    assert_eq!(points, [40.0, 30.0, 0.0, 10.0]);
    assert_eq!(run["score"]["value"], 80.0);
    assert_eq!(run["score"]["grade"], "GOOD");
    assert_eq!(run["score"]["passed"], true);
    assert_eq!(rule(run, "p95")["measured"], 6.86);
    assert_eq!(rule(run, "throughput")["status"], "fail");
    assert!((rule(run, "consistency")["measured"].as_f64().unwrap() - 1.43).abs() < 0.001);
    assert_eq!(s["sla"]["name"], "Default SLA, small samples only warn");
}

#[test]
fn expected_failures_are_excluded_from_the_scored_rate_but_shown() {
    let (_, _d, out) = build(&["samples/locust-target", "--sla", "sla/peak.toml"]);
    let run = &summary(&out)["runs"][0];
    // 38 failures: 32 on [random-id] are declared expected, 6 are not.
    assert_eq!(run["totals"]["failures"], 38);
    assert_eq!(run["totals"]["expected_failures"], 32);
    assert_eq!(
        rule(run, "error-rate")["measured"].as_f64(),
        Some(6.0 / 731.0)
    );
    assert_eq!(rule(run, "error-rate")["status"], "pass");
    let w = run["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "expected-failures")
        .unwrap();
    assert!(
        w["message"]
            .as_str()
            .unwrap()
            .contains("32 failed requests were excluded"),
        "{w}"
    );
    assert!(
        w["message"]
            .as_str()
            .unwrap()
            .contains("5.20 % with them, 0.82 % without"),
        "{w}"
    );
    let excluded: Vec<&Value> = run["failures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["expected"] == true)
        .collect();
    assert_eq!(excluded.len(), 1);
    assert_eq!(excluded[0]["status"], 404);
}

#[test]
fn without_the_expected_failure_declaration_the_same_run_fails() {
    let (code, _d, out) = build(&[
        "samples/locust-target",
        "--sla",
        &fixture("sla/peak-no-expected.toml"),
    ]);
    assert_eq!(code, 1);
    let run = &summary(&out)["runs"][0];
    assert_eq!(run["totals"]["expected_failures"], 0);
    assert_eq!(rule(run, "error-rate")["status"], "fail");
    assert_eq!(run["score"]["failed_gates"][0], "error-rate");
}

#[test]
fn a_percentile_the_input_lacks_is_inconclusive_and_earns_nothing() {
    let (code, _d, out) = build(&[
        &fixture("locust/real/chatops-0x"),
        "--sla",
        &fixture("sla/tail.toml"),
    ]);
    let run = &summary(&out)["runs"][0];
    let tail = rule(run, "p99.9");
    assert_eq!(tail["status"], "inconclusive");
    assert!(tail["measured"].is_null());
    assert_eq!(tail["points"], 0.0);
    assert!(
        tail["note"]
            .as_str()
            .unwrap()
            .contains("p99.9 is not in the input"),
        "{tail}"
    );
    assert_eq!(rule(run, "p90")["status"], "pass");
    assert_eq!(run["score"]["value"], 50.0);
    assert_eq!(code, 1, "an inconclusive gate fails the run");
}

#[test]
fn each_endpoint_rules_name_the_endpoint_that_decided() {
    let (_, _d, out) = build(&[
        "samples/locust-peak",
        "--sla",
        &fixture("sla/peak-small-sample-warn.toml"),
    ]);
    let run = &summary(&out)["runs"][0];
    let r = rule(run, "endpoint-p95");
    assert_eq!(r["measured"], 340.0);
    assert_eq!(r["measured_at"], "POST /v1/deployments/[id]/scale");
}

#[test]
fn the_shipped_sla_files_are_valid() {
    for f in ["sla/default.toml", "sla/peak.toml", "sla/baseline.toml"] {
        crate::common::perfreport()
            .args(["check-sla", f])
            .assert()
            .success();
    }
}
