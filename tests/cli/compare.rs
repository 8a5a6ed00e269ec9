//! Baseline comparison: self-comparison, a real degraded run, too little data,
//! summary.json baselines, JUnit and the GitHub step summary.

use crate::common::{fixture, perfreport, read_csv, summary};
use perfreport::stats::histogram::nearest_rank;
use std::path::Path;

const LENIENT: &str = "tests/fixtures/compare/lenient.toml";

/// Runs `compare BASELINE CURRENT --sla lenient -o OUT -q [extra]`; returns (code, tmp, out).
fn compare(
    baseline: &str,
    current: &str,
    extra: &[&str],
) -> (i32, tempfile::TempDir, std::path::PathBuf) {
    let (dir, out) = crate::common::out_dir();
    let o = perfreport()
        .args(["compare", baseline, current, "--sla", LENIENT, "-q", "-o"])
        .arg(&out)
        .args(extra)
        .output()
        .unwrap();
    let code = o.status.code().unwrap();
    assert_ne!(code, 2, "{}", String::from_utf8_lossy(&o.stderr));
    (code, dir, out)
}

fn checks<'a>(
    s: &'a serde_json::Value,
    metric: &'a str,
) -> impl Iterator<Item = (&'a serde_json::Value, &'a serde_json::Value)> + 'a {
    s["comparison"]["runs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["rows"].as_array().unwrap())
        .flat_map(move |row| {
            row["checks"]
                .as_array()
                .unwrap()
                .iter()
                .filter(move |c| c["metric"] == metric)
                .map(move |c| (row, c))
        })
}

fn verdicts(s: &serde_json::Value) -> Vec<String> {
    s["comparison"]["runs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["rows"].as_array().unwrap())
        .flat_map(|row| row["checks"].as_array().unwrap())
        .filter_map(|c| c["verdict"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn a_run_compared_with_itself_has_no_regression() {
    for dir in ["compare/locust-normal", "compare/hey-normal"] {
        let f = fixture(dir);
        let (code, _t, out) = compare(&f, &f, &[]);
        let s = summary(&out);
        assert_eq!(code, 0, "{dir}");
        assert_eq!(s["comparison"]["regressed"], false);
        assert!(!out.join("regression.md").exists());
        let v = verdicts(&s);
        assert!(!v.is_empty());
        assert!(
            v.iter().all(|v| v == "within-noise" || v == "inconclusive"),
            "{dir}: {v:?}"
        );
        assert!(std::fs::read_to_string(out.join("report.md"))
            .unwrap()
            .contains("NO REGRESSION"));
    }
    // A regression.md left by an earlier comparison into the same directory goes.
    let (code, _t, out) = compare(
        &fixture("compare/hey-normal"),
        &fixture("compare/hey-degraded"),
        &[],
    );
    assert_eq!(code, 1);
    assert!(out.join("regression.md").is_file());
    let f = fixture("compare/hey-normal");
    let o = perfreport()
        .args(["compare", &f, &f, "--sla", LENIENT, "-q", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(!out.join("regression.md").exists());
    // Raw samples on both sides: the Mann–Whitney test ran and sees identical samples.
    let f = fixture("compare/hey-normal");
    let (_, _t, out) = compare(&f, &f, &[]);
    let s = summary(&out);
    for (_, c) in checks(&s, "p95") {
        assert_eq!(c["test"]["kind"], "mann-whitney");
        assert_eq!(c["test"]["p"], 1.0);
    }
}

#[test]
fn a_degraded_locust_run_regresses_on_the_slowed_endpoints() {
    // Every endpoint of loadlab's server was slowed (+40 ms, +0..120 ms jitter).
    let (code, _t, out) = compare(
        &fixture("compare/locust-normal"),
        &fixture("compare/locust-degraded"),
        &[],
    );
    assert_eq!(code, 1);
    let s = summary(&out);
    let c = &s["comparison"];
    assert_eq!(c["regressed"], true);
    assert_eq!(c["runs"][0]["matched_by"], "scenario");
    // The figures are the CSVs' own P95s.
    let p95 = |file: &str| -> std::collections::BTreeMap<String, (f64, f64)> {
        read_csv(file)
            .iter()
            .map(|r| {
                let name = if r.text("Type").is_empty() {
                    "Total".to_string()
                } else {
                    format!("{} {}", r.text("Type"), r.text("Name"))
                };
                (
                    name,
                    (r.num("95%").unwrap(), r.num("Request Count").unwrap()),
                )
            })
            .collect()
    };
    let base = p95("tests/fixtures/compare/locust-normal/target_stats.csv");
    let cur = p95("tests/fixtures/compare/locust-degraded/target_stats.csv");
    let mut regressed = 0;
    for (row, check) in checks(&s, "p95") {
        let label = if row["total"] == true {
            "Total".to_string()
        } else {
            format!(
                "{} {}",
                row["method"].as_str().unwrap(),
                row["name"].as_str().unwrap()
            )
        };
        let (b, nb) = base[&label];
        let (k, nc) = cur[&label];
        assert_eq!(check["baseline"].as_f64(), Some(b), "{label}");
        assert_eq!(check["current"].as_f64(), Some(k), "{label}");
        // Aggregated Locust files: no raw samples, so no significance test.
        assert_eq!(check["test"]["kind"], "none");
        let expected = if nb < 100.0 || nc < 100.0 {
            "inconclusive"
        } else {
            regressed += 1;
            "regressed"
        };
        assert_eq!(check["verdict"], expected, "{label}");
    }
    assert!(regressed >= 3, "total and the busy endpoints: {regressed}");
    let issue = std::fs::read_to_string(out.join("regression.md")).unwrap();
    assert!(issue.starts_with("# Performance regression"));
    assert!(issue.contains("tests/fixtures/compare/locust-normal"));
    assert!(issue.contains("GET /v1/deployments"));
    assert!(issue.contains("not tested for significance"));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("Regression check against the baseline: REGRESSION"));
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        html.contains("P95 change against the baseline"),
        "the chart is inlined"
    );
}

/// Response times (ms) of a hey CSV, sorted, read independently.
fn hey_ms(rel: &str) -> Vec<f64> {
    let mut v: Vec<f64> = read_csv(rel)
        .iter()
        .map(|r| (r.num("response-time").unwrap() * 1000.0 * 1000.0).round() / 1000.0)
        .collect();
    v.sort_by(f64::total_cmp);
    v
}

#[test]
fn a_degraded_hey_run_regresses_and_the_mann_whitney_test_says_so() {
    let (code, _t, out) = compare(
        &fixture("compare/hey-normal"),
        &fixture("compare/hey-degraded"),
        &[],
    );
    assert_eq!(code, 1);
    let s = summary(&out);
    assert_eq!(s["comparison"]["runs"][0]["matched_by"], "name");
    let base = hey_ms("tests/fixtures/compare/hey-normal/list.csv");
    let cur = hey_ms("tests/fixtures/compare/hey-degraded/list.csv");
    for (_, c) in checks(&s, "p95") {
        let (b, k) = (
            nearest_rank(&base, 95.0).unwrap(),
            nearest_rank(&cur, 95.0).unwrap(),
        );
        let got = (
            c["baseline"].as_f64().unwrap(),
            c["current"].as_f64().unwrap(),
        );
        assert!((got.0 - b).abs() <= b * 0.001 + 0.001, "{got:?} vs {b}");
        assert!((got.1 - k).abs() <= k * 0.001 + 0.001, "{got:?} vs {k}");
        assert_eq!(c["test"]["kind"], "mann-whitney");
        assert!(c["test"]["p"].as_f64().unwrap() < 0.01);
        assert!(
            c["test"]["z"].as_f64().unwrap() > 0.0,
            "the current run is slower"
        );
        assert_eq!(c["verdict"], "regressed");
    }
    assert!(out.join("regression.md").is_file());
}

#[test]
fn runs_of_five_requests_are_inconclusive_not_unchanged() {
    let (_, _t, out) = compare(
        &fixture("compare/hey5-normal"),
        &fixture("compare/hey5-degraded"),
        &[],
    );
    let s = summary(&out);
    assert_eq!(s["comparison"]["regressed"], false);
    let v = verdicts(&s);
    assert!(
        !v.is_empty() && v.iter().all(|v| v == "inconclusive"),
        "{v:?}"
    );
    assert!(!out.join("regression.md").exists());
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("Regression check against the baseline: INCONCLUSIVE"));
    assert!(md.contains("Too few requests to judge P95: 5 in the baseline and 5 now"));
}

#[test]
fn a_summary_json_baseline_has_no_samples_so_no_significance_test() {
    let (code, _t, base_out) =
        crate::common::build(&[&fixture("compare/hey-normal"), "--sla", LENIENT]);
    assert_eq!(code, 0);
    let base_summary = base_out.join("summary.json");
    let bytes = std::fs::read(&base_summary).unwrap();
    let sha = blake3::hash(&bytes).to_hex().to_string();
    let base = base_summary.to_str().unwrap();
    let (code, _t2, out) = compare(base, &fixture("compare/hey-degraded"), &[]);
    assert_eq!(code, 1);
    let s = summary(&out);
    let b = &s["comparison"]["baseline"];
    assert_eq!(b["kind"], "summary.json");
    assert_eq!(b["blake3"], sha.as_str());
    assert_eq!(
        b["generator"],
        format!("perfreport {}", env!("CARGO_PKG_VERSION"))
    );
    for (_, c) in checks(&s, "p95") {
        assert_eq!(c["test"]["kind"], "none");
        assert!(c["test"]["reason"]
            .as_str()
            .unwrap()
            .contains("summary.json"));
        assert_eq!(c["verdict"], "regressed");
    }
    let issue = std::fs::read_to_string(out.join("regression.md")).unwrap();
    assert!(issue.contains(&sha) && issue.contains("perfreport "));
    // The report directory works as a baseline too; so does `build --baseline`,
    // and a summary compared with itself has no regression.
    let dir = base_out.to_str().unwrap();
    let (code, _t3, _) = compare(dir, base, &[]);
    assert_eq!(code, 0);
    let (code, _t4, out) = crate::common::build(&[
        &fixture("compare/hey-degraded"),
        "--sla",
        LENIENT,
        "--baseline",
        dir,
    ]);
    assert_eq!(code, 1);
    assert_eq!(summary(&out)["comparison"]["regressed"], true);
}

#[test]
fn unmatched_runs_are_listed_not_dropped() {
    // Two current runs, one baseline run of another name: nothing pairs.
    let two = tempfile::tempdir().unwrap();
    for sub in ["x", "y"] {
        std::fs::create_dir(two.path().join(sub)).unwrap();
        std::fs::copy(
            fixture("compare/hey-normal/list.csv"),
            two.path().join(sub).join("list.csv"),
        )
        .unwrap();
    }
    let (code, _t, out) = compare(
        &fixture("compare/locust-normal"),
        two.path().to_str().unwrap(),
        &[],
    );
    assert_eq!(code, 0);
    let c = &summary(&out)["comparison"];
    assert_eq!(c["runs"].as_array().unwrap().len(), 0);
    assert_eq!(c["unmatched_baseline"], serde_json::json!(["target"]));
    assert_eq!(c["unmatched_current"].as_array().unwrap().len(), 2);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("Baseline runs with no current run to compare: target."));
}

#[test]
fn one_run_on_each_side_is_paired_whatever_its_name_and_the_report_says_so() {
    // The degraded hey run under another name ("renamed", not "list").
    let renamed = tempfile::tempdir().unwrap();
    let current = renamed.path().join("renamed.csv");
    std::fs::copy(fixture("compare/hey-degraded/list.csv"), &current).unwrap();
    let current = current.to_str().unwrap();
    let (code, _t, out) = compare(&fixture("compare/hey-normal"), current, &[]);
    assert_eq!(code, 1, "the degraded run regressed");
    let c = &summary(&out)["comparison"];
    assert_eq!(c["runs"][0]["matched_by"], "only-run");
    assert_eq!(c["runs"][0]["baseline"], "list");
    assert_eq!(c["runs"][0]["current"], "renamed");
    assert_eq!(c["regressed"], true);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains("matched by being the only run on each side (the names differ)"),
        "{md}"
    );
    // The same through build --baseline.
    let (code, _t2, out) = crate::common::build(&[
        current,
        "--sla",
        LENIENT,
        "--baseline",
        &fixture("compare/hey-normal"),
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        summary(&out)["comparison"]["runs"][0]["matched_by"],
        "only-run"
    );
}

#[test]
fn a_bad_baseline_is_exit_2_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("summary.json");
    std::fs::write(
        &bad,
        "{\"schema\": \"perfreport/summary/v1\",\n \"runs\": [}\n",
    )
    .unwrap();
    let o = perfreport()
        .args([
            "compare",
            bad.to_str().unwrap(),
            &fixture("compare/hey-normal"),
            "-q",
            "-o",
        ])
        .arg(tmp.path().join("r"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("{}: line 2", bad.display())), "{err}");
}

/// Counts of elements in junit.xml, parsed back with quick-xml.
#[derive(Default, Debug)]
struct Junit {
    testsuites: usize,
    testsuite: usize,
    testcase: usize,
    failure: usize,
    skipped: usize,
    declared_failures: usize,
}

fn parse_junit(path: &Path) -> Junit {
    use quick_xml::events::Event;
    let text = std::fs::read_to_string(path).unwrap();
    let mut r = quick_xml::Reader::from_str(&text);
    let mut j = Junit::default();
    loop {
        match r.read_event().expect("junit.xml is well-formed XML") {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"testsuites" => {
                    j.testsuites += 1;
                    let a = e.try_get_attribute("failures").unwrap().unwrap();
                    j.declared_failures = String::from_utf8_lossy(&a.value).parse().unwrap();
                }
                b"testsuite" => j.testsuite += 1,
                b"testcase" => j.testcase += 1,
                b"failure" => j.failure += 1,
                b"skipped" => j.skipped += 1,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    j
}

#[test]
fn junit_has_a_case_per_sla_rule_and_per_regression_check() {
    let (code, _t, out) = compare(
        &fixture("compare/locust-normal"),
        &fixture("compare/locust-degraded"),
        &["--format", "json,junit"],
    );
    assert_eq!(code, 1);
    let s = summary(&out);
    let j = parse_junit(&out.join("junit.xml"));
    let rules: Vec<&serde_json::Value> = s["runs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["score"]["rules"].as_array().unwrap())
        .collect();
    let v = verdicts(&s);
    let runs = s["runs"].as_array().unwrap();
    assert_eq!(j.testsuites, 1);
    assert_eq!(j.testsuite, runs.len() + 1);
    // One verdict case per run, one per SLA rule, one per regression check.
    assert_eq!(j.testcase, runs.len() + rules.len() + v.len());
    let failed_rules = rules.iter().filter(|r| r["status"] == "fail").count();
    let failed_runs = runs
        .iter()
        .filter(|r| r["score"]["verdict"] != "PASS")
        .count();
    let regressions = v.iter().filter(|v| *v == "regressed").count();
    assert!(regressions > 0);
    assert_eq!(j.failure, failed_runs + failed_rules + regressions);
    assert_eq!(j.declared_failures, j.failure);
    let skipped = rules
        .iter()
        .filter(|r| r["status"] == "inconclusive")
        .count()
        + v.iter().filter(|v| *v == "inconclusive").count();
    assert_eq!(j.skipped, skipped);
    // Without a baseline: only the SLA suites.
    let (_, _t, out) = crate::common::build(&[&fixture("compare/hey-normal"), "--format", "junit"]);
    let j = parse_junit(&out.join("junit.xml"));
    assert_eq!(
        (j.testsuite, j.testcase),
        (1, 5),
        "the run's verdict and the default SLA's 4 rules"
    );
}

#[test]
fn github_appends_the_markdown_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let step = tmp.path().join("step_summary.md");
    std::fs::write(&step, "earlier step\n").unwrap();
    let out = tmp.path().join("r");
    let o = perfreport()
        .args([
            "compare",
            &fixture("compare/hey-normal"),
            &fixture("compare/hey-degraded"),
        ])
        .args(["--sla", LENIENT, "-q", "--github", "-o"])
        .arg(&out)
        .env("GITHUB_STEP_SUMMARY", &step)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let appended = std::fs::read_to_string(&step).unwrap();
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert_eq!(appended, format!("earlier step\n{md}\n"));
}

#[test]
fn the_github_summary_keeps_the_busiest_endpoints_under_the_limit() {
    // 3,000 endpoints: e0000..e0099 with 20 requests each, the rest with 1.
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("many");
    std::fs::create_dir(&run).unwrap();
    let mut csv = String::from("timestamp,endpoint,latency_ms,status\n");
    let mut t = 1_795_432_343_000u64;
    for i in 0..3000 {
        let n = if i < 100 { 20 } else { 1 };
        for k in 0..n {
            t += 7;
            csv.push_str(&format!(
                "{t},GET /items/e{i:04},{}.5,200\n",
                10 + (i + k) % 30
            ));
        }
    }
    std::fs::write(run.join("requests.csv"), csv).unwrap();
    let step = tmp.path().join("step.md");
    let out = tmp.path().join("r");
    let o = perfreport()
        .args([
            "build",
            run.to_str().unwrap(),
            "--baseline",
            run.to_str().unwrap(),
        ])
        .args(["--sla", LENIENT, "-q", "--github", "--format", "md", "-o"])
        .arg(&out)
        // Past the default cap of 500 endpoints the rest fold into "other": keep all 3,000 here.
        .args(["--max-endpoints", "5000"])
        .env("GITHUB_STEP_SUMMARY", &step)
        .output()
        .unwrap();
    assert_ne!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let full = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        full.len() > 65_536,
        "the full report.md keeps every endpoint"
    );
    let gh = std::fs::read_to_string(&step).unwrap();
    assert!(gh.chars().count() < 65_536, "{}", gh.len());
    let shown: std::collections::BTreeSet<usize> = gh
        .lines()
        .filter_map(|l| l.strip_prefix("| GET /items/e"))
        .map(|l| l[..4].parse().unwrap())
        .collect();
    let omitted: usize = gh
        .lines()
        .find_map(|l| {
            l.strip_prefix('*')?
                .split_once(" endpoints with the least traffic")?
                .0
                .parse()
                .ok()
        })
        .expect("the summary says how many endpoints were left out");
    assert_eq!(shown.len() + omitted, 3000);
    assert!(shown.len() >= 50, "{}", shown.len());
    assert!(
        shown.iter().all(|&i| i < 100),
        "only the busiest endpoints are kept: {shown:?}"
    );
    // The comparison table is trimmed the same way and says so.
    assert!(gh.contains("Regression check against the baseline"));
    assert!(
        gh.matches("endpoints with the least traffic are left out")
            .count()
            >= 2
    );
}
