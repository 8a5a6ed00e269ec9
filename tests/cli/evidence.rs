//! Evidence checks (issue #5): each is triggered from a fixture, and stays
//! silent on clean real runs.

use crate::common::{build, fixture, root, summary};
use serde_json::Value;
use std::fs;

fn codes(run: &Value) -> Vec<&str> {
    run["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect()
}

fn warning<'a>(run: &'a Value, code: &str) -> &'a Value {
    run["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == code)
        .unwrap_or_else(|| panic!("no {code} warning in {:?}", codes(run)))
}

fn rule<'a>(run: &'a Value, id: &str) -> &'a Value {
    run["score"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap()
}

#[test]
fn p99_of_228_requests_is_inconclusive_and_the_example_scores_70() {
    let (code, _d, out) = build(&[&fixture("locust/handmade/eighty")]);
    let run = &summary(&out)["runs"][0];
    assert_eq!(run["score"]["value"], 70.0);
    assert_eq!(code, 0, "70 is the pass mark");
    let c = rule(run, "consistency");
    assert_eq!(c["status"], "inconclusive");
    assert!(c["note"].as_str().unwrap().contains("p99 of 228 requests rests on 2 values above it; scoring it needs at least 1,000 requests"), "{c}");
    let w = warning(run, "small-sample");
    assert_eq!(w["data"][0]["requests"], 228);
    assert_eq!(w["data"][0]["needed"], 1000);
    let md = fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains("| 1.43, from 2 values above it: too few to score | 0–10 / 10 | ⚠️ INCONCLUSIVE: P99 needs ≥ 1,000 requests; this run has 228 |"),
        "the report shows the figure and explains it:\n{md}"
    );
}

#[test]
fn small_sample_warn_restores_the_80_points_with_a_warning() {
    let (_, _d, out) = build(&[
        &fixture("locust/handmade/eighty"),
        "--sla",
        &fixture("sla/default-small-sample-warn.toml"),
    ]);
    let run = &summary(&out)["runs"][0];
    assert_eq!(run["score"]["value"], 80.0);
    assert_eq!(rule(run, "consistency")["status"], "pass");
    assert!(warning(run, "small-sample")["message"]
        .as_str()
        .unwrap()
        .contains("scored anyway"));
}

#[test]
fn small_sample_can_be_a_gate() {
    let (code, _d, out) = build(&[
        &fixture("locust/handmade/eighty"),
        "--sla",
        &fixture("sla/strict-evidence.toml"),
    ]);
    let run = &summary(&out)["runs"][0];
    assert_eq!(code, 1);
    let gates = run["score"]["failed_gates"].as_array().unwrap();
    assert!(
        gates.iter().any(|g| g == "evidence:small-sample"),
        "{gates:?}"
    );
}

#[test]
fn a_run_whose_only_failures_are_404s_on_one_endpoint_fails_then_passes_when_they_are_declared() {
    // 15 of 2,000 requests fail, all 404s on one endpoint: 0.75 % in total, so the
    // total error-rate rule passes, but the endpoint failed every request.
    let (code, _d, out) = build(&[&fixture("locust/handmade/only-404s")]);
    let run = &summary(&out)["runs"][0];
    assert_eq!(code, 1);
    assert_eq!(rule(run, "error-rate")["status"], "pass");
    assert_eq!(
        run["score"]["value"], 100.0,
        "a perfect score cannot hide it"
    );
    assert_eq!(run["score"]["verdict"], "fail");
    assert_eq!(codes(run)[0], "endpoint-all-failed", "listed first");
    assert!(warning(run, "endpoint-all-failed")["message"]
        .as_str()
        .unwrap()
        .starts_with("GET /v1/items/[missing] failed every request (15 of 15"));
    let md = fs::read_to_string(out.join("report.md")).unwrap();
    // The verdict and its reason open the file, in a CAUTION alert.
    let head: Vec<&str> = md.lines().take(3).collect();
    assert_eq!(head[0], "> [!CAUTION]");
    assert!(head[1].contains("FAIL"), "{head:?}");
    assert!(
        head[2].contains("Evidence gate \"endpoint-all-failed\" failed"),
        "the verdict says why: {head:?}"
    );
    let first_warning = md.find("<summary>Warnings").unwrap();
    assert!(
        md[first_warning..]
            .lines()
            .next()
            .unwrap()
            .contains("): endpoint-all-failed"),
        "first in the warnings"
    );
    let html = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("endpoint-all-failed"));

    let (code, _d, out) = build(&[
        &fixture("locust/handmade/only-404s"),
        "--sla",
        &fixture("sla/default-404-expected.toml"),
    ]);
    let run = &summary(&out)["runs"][0];
    assert_eq!(code, 0);
    assert_eq!(run["score"]["verdict"], "pass");
    assert!(!codes(run).contains(&"endpoint-all-failed"));
    assert_eq!(run["totals"]["expected_failures"], 15);
    assert_eq!(run["totals"]["error_rate"], 0.0);
    assert_eq!(run["totals"]["error_rate_including_expected"], 0.0075);
    let w = warning(run, "expected-failures");
    assert!(w["message"]
        .as_str()
        .unwrap()
        .contains("15 failed requests were excluded"));
    assert!(w["message"]
        .as_str()
        .unwrap()
        .contains("Error rate 0.75 % with them, 0 % without"));
    // Every output shows both rates and the excluded count.
    let md = fs::read_to_string(out.join("report.md")).unwrap();
    // The key figures lead with the rate without them; the fold has the other.
    let key = md
        .lines()
        .position(|l| l.starts_with("| Requests | Error rate |"))
        .unwrap();
    let values: Vec<&str> = md.lines().nth(key + 2).unwrap().split(" | ").collect();
    assert_eq!(values[1], "0 %", "{values:?}");
    assert!(md.contains("| Error rate incl. expected failures | 0.75 % |"));
    assert!(md.contains("15 (15 expected, excluded from the error rate)"));
    let html = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("0.75 %") && html.contains("15 expected"));
}

#[test]
fn short_runs_warn_and_can_be_a_gate() {
    let (_, _d, out) = build(&["samples/locust-peak", "--sla", "sla/peak.toml"]);
    let run = &summary(&out)["runs"][0];
    let w = warning(run, "short-run");
    assert_eq!(
        w["data"]["steady_state_s"], 40.0,
        "peak users from 11:12:28 to the end"
    );
    assert_eq!(w["gate"], false);
    let (code, _d, out) = build(&[
        "samples/locust-target",
        "--sla",
        &fixture("sla/strict-evidence.toml"),
    ]);
    assert_eq!(code, 1);
    let run = &summary(&out)["runs"][0];
    assert_eq!(warning(run, "short-run")["gate"], true);
}

#[test]
fn ramp_up_names_the_steady_window() {
    let (_, _d, out) = build(&[&fixture("locust/generated/stress")]);
    let run = &summary(&out)["runs"][0];
    let w = warning(run, "ramp-up");
    assert_eq!(w["severity"], "warning");
    // Independently: the first history row at peak users, from the file.
    let rows =
        crate::common::read_csv(&fixture("locust/generated/stress/stress_stats_history.csv"));
    let rows: Vec<_> = rows
        .iter()
        .filter(|r| r.text("Name") == "Aggregated")
        .collect();
    let peak = rows
        .iter()
        .filter_map(|r| r.num("User Count"))
        .fold(0.0, f64::max);
    let t0 = rows[0].num("Timestamp").unwrap();
    let at_peak = rows
        .iter()
        .find(|r| r.num("User Count") == Some(peak))
        .unwrap()
        .num("Timestamp")
        .unwrap();
    assert_eq!(w["data"]["peak_users"].as_f64(), Some(peak));
    assert_eq!(w["data"]["ramp_up_s"].as_f64(), Some(at_peak - t0));
    assert!(
        w["message"]
            .as_str()
            .unwrap()
            .contains(&format!("steady state from {} s", at_peak - t0)),
        "{w}"
    );
}

#[test]
fn closed_loop_throughput_annotates_the_throughput_rule() {
    // 50 users with 1.3 s mean think time can send at most 50 / (1.3 + 0.0205) ≈ 37.9 req/s.
    let (_, _d, out) = build(&["samples/locust-peak", "--sla", "sla/peak.toml"]);
    let run = &summary(&out)["runs"][0];
    let w = warning(run, "closed-loop-throughput");
    let bound = w["data"]["bound_rps"].as_f64().unwrap();
    let avg = run["totals"]["latency_ms"]["avg"].as_f64().unwrap();
    assert!((bound - 50.0 / (1.3 + avg / 1000.0)).abs() < 1e-9);
    assert!(rule(run, "throughput")["note"]
        .as_str()
        .unwrap()
        .starts_with("limited by the test design"));
}

fn copy_run(from: &str, to: &std::path::Path, run_toml: &str) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(root().join(from)).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "csv") {
            fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
    fs::write(to.join("run.toml"), run_toml).unwrap();
}

#[test]
fn partial_runs_name_planned_and_recorded_figures() {
    let dir = tempfile::tempdir().unwrap();
    let run_dir = dir.path().join("target");
    copy_run(
        "samples/locust-target",
        &run_dir,
        "name = \"cut short\"\nusers = 40\nduration = \"2m\"\n",
    );
    let (_, _d, out) = build(&[run_dir.to_str().unwrap()]);
    let run = &summary(&out)["runs"][0];
    let w = warning(run, "partial-run");
    let m = w["message"].as_str().unwrap();
    assert!(
        m.contains("the data covers 44 s of the planned 2 min"),
        "{m}"
    );
    assert!(m.contains("users reached 20 of the planned 40"), "{m}");
}

#[test]
fn coordinated_omission_is_flagged_when_throughput_halves_as_p99_rises() {
    let (_, _d, out) = build(&[&fixture("locust/handmade/co-dip")]);
    let run = &summary(&out)["runs"][0];
    let w = warning(run, "coordinated-omission");
    assert_eq!(w["data"]["at_s"], 50.0);
    assert_eq!(w["data"]["p99_ms"], 180.0);
}

#[test]
fn clock_problems_show_both_figures() {
    let (_, _d, out) = build(&[&fixture("locust/handmade/clock-skew")]);
    let run = &summary(&out)["runs"][0];
    let w = warning(run, "clock");
    assert_eq!(w["data"]["rows_backwards"], 1);
    let implied = w["data"]["implied_duration_s"].as_f64().unwrap();
    assert!((implied - 1100.0 / 50.93).abs() < 1e-9);
    assert_eq!(w["data"]["recorded_duration_s"], 90.0);
}

#[test]
fn too_regular_figures_are_flagged_never_silently_labelled() {
    let (_, _d, out) = build(&[&fixture("locust/handmade/too-regular")]);
    let run = &summary(&out)["runs"][0];
    let m = warning(run, "suspicious-regularity")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(m.contains("every latency figure is a round number"), "{m}");
    assert!(m.contains("exactly 100 users × 0.5"), "{m}");
    assert_eq!(run["simulated"], false, "a warning, not a label");
    let (_, _d, out) = build(&[&fixture("locust/handmade/same-error-rate")]);
    let s = summary(&out);
    for run in s["runs"].as_array().unwrap() {
        assert!(warning(run, "suspicious-regularity")["message"]
            .as_str()
            .unwrap()
            .contains("exactly the same as in"));
    }
}

/// Warnings a clean real run may legitimately carry: facts about how it was
/// run (short, ramping, closed loop), not doubts about the numbers.
const ABOUT_THE_TEST_DESIGN: &[&str] = &[
    "short-run",
    "ramp-up",
    "closed-loop-throughput",
    "small-sample",
    "expected-failures",
    "endpoint-all-failed",
    "test-code-exceptions",
];

#[test]
fn real_runs_raise_no_false_alarms() {
    for dir in ["samples", "locust/real", "locust/generated"] {
        let path = if dir == "samples" {
            dir.to_string()
        } else {
            fixture(dir)
        };
        let (_, _d, out) = build(&[&path, "--sla", "sla/peak.toml"]);
        for run in summary(&out)["runs"].as_array().unwrap() {
            for code in codes(run) {
                assert!(
                    ABOUT_THE_TEST_DESIGN.contains(&code),
                    "{}: false alarm {code}: {}",
                    run["name"],
                    warning(run, code)["message"]
                );
            }
        }
    }
}

#[test]
fn every_figure_names_its_source_file_and_line_and_files_their_blake3() {
    let (_, _d, out) = build(&["samples/locust-peak", "--sla", "sla/peak.toml"]);
    let run = &summary(&out)["runs"][0];
    let stats_text = fs::read_to_string(root().join("samples/locust-peak/peak_stats.csv")).unwrap();
    let lines: Vec<&str> = stats_text.lines().collect();
    for e in run["endpoints"].as_array().unwrap() {
        let src = e["source"].as_str().unwrap();
        let line: usize = src
            .strip_prefix("peak_stats.csv, line ")
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            lines[line - 1].contains(&format!(",{},", e["name"].as_str().unwrap())),
            "{src} is not the row of {}",
            e["name"]
        );
    }
    let total_line: usize = run["totals"]["source"]
        .as_str()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(lines[total_line - 1].starts_with(",Aggregated,"));
    for s in run["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["read"] == true)
    {
        let bytes = fs::read(root().join(s["path"].as_str().unwrap())).unwrap();
        let want = blake3::hash(&bytes).to_hex().to_string();
        assert_eq!(s["blake3"], want.as_str());
    }
    let html = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        html.contains("title=\"Source: peak_stats.csv, line 2\""),
        "hover shows the source"
    );
}

#[test]
fn exclude_ramp_up_scores_only_the_steady_state_of_per_request_data() {
    use std::io::Read;
    let jtl = fixture("jmeter/results.jtl.gz");
    let (_, _d, whole) = build(&[&jtl]);
    let whole = summary(&whole);
    let (_, _d, steady) = build(&[&jtl, "--sla", &fixture("sla/exclude-ramp-up.toml")]);
    let steady = summary(&steady);
    let run = &steady["runs"][0];
    let w = warning(run, "ramp-up");
    let (from, to) = (
        w["data"]["scored_from"].as_f64().unwrap(),
        w["data"]["scored_to"].as_f64().unwrap(),
    );
    let left_out = w["data"]["requests_left_out"].as_u64().unwrap();
    let scored = run["totals"]["requests"].as_u64().unwrap();
    assert!(left_out > 0);
    assert_eq!(
        scored + left_out,
        whole["runs"][0]["totals"]["requests"].as_u64().unwrap()
    );
    // Independently: the JTL rows whose timeStamp falls in the scored window.
    let mut text = String::new();
    flate2::read::GzDecoder::new(fs::File::open(root().join(&jtl)).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let ts = rdr
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "timeStamp")
        .unwrap();
    let in_window = rdr
        .records()
        .map(|r| r.unwrap()[ts].parse::<f64>().unwrap())
        .filter(|t| *t >= from * 1000.0 && *t < to * 1000.0)
        .count() as u64;
    assert_eq!(scored, in_window);
    assert!(w["message"]
        .as_str()
        .unwrap()
        .contains("only the steady state from"));
}

#[test]
fn junit_fails_a_run_whose_evidence_gate_failed_even_when_every_rule_passed() {
    let (_, _d, out) = build(&[
        &fixture("locust/handmade/only-404s"),
        "--format",
        "json,junit",
    ]);
    let xml = fs::read_to_string(out.join("junit.xml")).unwrap();
    assert!(xml.contains("verdict: FAIL"), "{xml}");
    assert!(xml.contains("endpoint-all-failed"));
    assert!(
        !xml.contains("failures=\"0\""),
        "a failing run is not a green test suite"
    );
}
