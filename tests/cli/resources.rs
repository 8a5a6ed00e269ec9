//! Resource samples (docker stats, long/wide CSV, JSON): min/avg/max against
//! an independent computation over the real docker-stats fixtures, time
//! alignment, resource SLA rules, `perfreport inspect`, and the latency
//! distribution chart.

use crate::common::{build, fixture, perfreport, read_csv, root, summary};
use predicates::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Bytes of a docker size such as `14.68MiB` or `1.34kB`, parsed here apart from perfreport.
fn docker_bytes(text: &str) -> f64 {
    let t = text.trim();
    let at = t.find(|c: char| c.is_ascii_alphabetic()).unwrap();
    let (num, unit) = t.split_at(at);
    let scale = match unit {
        "B" => 1.0,
        "kB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        "KiB" => 1024.0,
        "MiB" => 1048576.0,
        "GiB" => 1073741824.0,
        other => panic!("unit {other}"),
    };
    num.parse::<f64>().unwrap() * scale
}

/// (min, avg, max, n) of values.
fn mam(values: &[f64]) -> (f64, f64, f64, u64) {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let avg = values.iter().sum::<f64>() / values.len() as f64;
    (min, avg, max, values.len() as u64)
}

fn resource<'a>(run: &'a serde_json::Value, metric: &str) -> &'a serde_json::Value {
    run["resources"]
        .as_array()
        .expect("resources in summary.json")
        .iter()
        .find(|r| r["metric"] == metric)
        .unwrap_or_else(|| panic!("no resource {metric} in {}", run["resources"]))
}

fn assert_figures(got: &serde_json::Value, want: (f64, f64, f64, u64), what: &str) {
    for (key, w) in [("min", want.0), ("avg", want.1), ("max", want.2)] {
        let g = got[key].as_f64().unwrap();
        assert!(
            (g - w).abs() <= w.abs() * 1e-9 + 1e-9,
            "{what} {key}: {g} vs {w}"
        );
    }
    assert_eq!(got["samples"].as_u64(), Some(want.3), "{what} samples");
}

/// A generic per-request run of `n` requests from `start_ms`, one every `step_ms`.
fn requests_csv(start_ms: u64, step_ms: u64, n: u64) -> String {
    let mut s = String::from("timestamp,endpoint,latency_ms,status,ok\n");
    for i in 0..n {
        let latency = 5.0 + (i % 17) as f64 * 3.5;
        s.push_str(&format!(
            "{},GET /api,{latency},200,true\n",
            start_ms + i * step_ms
        ));
    }
    s
}

/// A temporary run directory holding `files` (name, contents).
fn run_dir(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn copy(rel: &str) -> String {
    std::fs::read_to_string(root().join(fixture(rel))).unwrap()
}

fn p(dir: &Path) -> &str {
    dir.to_str().unwrap()
}

#[test]
fn docker_stats_of_several_containers_match_an_independent_computation() {
    let rel = "resources/reverseproxy-numpy-dstats.csv";
    // The requests are handmade to span the fixture's 1740726640..1740726927 s.
    let dir = run_dir(&[
        ("requests.csv", requests_csv(1_740_726_640_000, 1_000, 288)),
        ("reverseproxy-numpy-dstats.csv", copy(rel)),
    ]);
    let (_, _o, out) = build(&[p(dir.path())]);
    let s = summary(&out);
    let run = &s["runs"][0];
    assert_eq!(run["tool"], "generic", "the resource file joins the run");
    assert_eq!(
        s["runs"].as_array().unwrap().len(),
        1,
        "never a run of its own"
    );
    let rows = read_csv(&fixture(rel));
    let mut by: BTreeMap<(String, &str), Vec<f64>> = BTreeMap::new();
    for r in &rows {
        let name = r.text("Name").to_string();
        let cpu: f64 = r.text("CPUPerc").trim_end_matches('%').parse().unwrap();
        let mem: f64 = r.text("MemPerc").trim_end_matches('%').parse().unwrap();
        let used = docker_bytes(r.text("MemUsage").split(" / ").next().unwrap());
        by.entry((name.clone(), "cpu")).or_default().push(cpu);
        by.entry((name.clone(), "mem")).or_default().push(mem);
        by.entry((name.clone(), "mem_used")).or_default().push(used);
        by.entry((name, "processes"))
            .or_default()
            .push(r.num("PIDs").unwrap());
    }
    assert_eq!(by.len(), 20, "5 containers x 4 metrics");
    for ((name, metric), values) in &by {
        let key = format!("{name}:{metric}");
        assert_figures(resource(run, &key), mam(values), &key);
    }
    assert!(
        resource(run, "reverse-proxy-controller-1:cpu")["max"]
            .as_f64()
            .unwrap()
            > 100.0,
        "CPU above 100 % (several cores) is kept"
    );
    assert_eq!(resource(run, "reverse-proxy-api-1:mem_used")["unit"], "B");
    let notes = run["notes"].to_string();
    assert!(!notes.contains("not taken during the run"), "{notes}");
    // Resource files are no source of request figures.
    assert!(!run["totals"]["source"].as_str().unwrap().contains("dstats"));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("### Resources"));
    assert!(md.contains("| reverse-proxy-api-1:cpu | % |"));
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("Resource use over the run (%)"));
    assert!(html.contains("Memory over the run"));
    assert!(html.contains("<table class=\"resources\">"));
}

#[test]
fn time_of_day_docker_stats_are_placed_on_the_runs_date_and_stopped_rows_skipped() {
    let rel = "resources/supersorter-docker-stats.csv";
    // 2026-11-23 01:20:00 UTC onwards, one request a second for 10 minutes.
    let start_ms = 1_795_395_600_000 - 1_795_395_600_000 % 86_400_000 + 4_800_000;
    let dir = run_dir(&[
        ("requests.csv", requests_csv(start_ms, 1_000, 600)),
        ("supersorter-docker-stats.csv", copy(rel)),
    ]);
    let (_, _o, out) = build(&[p(dir.path())]);
    let s = summary(&out);
    let run = &s["runs"][0];
    let rows: Vec<_> = read_csv(&fixture(rel))
        .into_iter()
        .filter(|r| r.text("CPU") != "--")
        .collect();
    assert_eq!(rows.len(), 135, "one `--` row in the trimmed copy");
    let cpu: Vec<f64> = rows
        .iter()
        .map(|r| r.text("CPU").trim_end_matches('%').parse().unwrap())
        .collect();
    let (used, mem): (Vec<f64>, Vec<f64>) = rows
        .iter()
        .map(|r| {
            let (u, l) = r.text("Memory").split_once(" / ").unwrap();
            let (u, l) = (docker_bytes(u), docker_bytes(l));
            (u, u / l * 100.0)
        })
        .unzip();
    // One container: plain metric names.
    assert_figures(resource(run, "cpu"), mam(&cpu), "cpu");
    assert_figures(resource(run, "mem_used"), mam(&used), "mem_used");
    assert_figures(resource(run, "mem"), mam(&mem), "mem");
    let notes = run["notes"].to_string();
    assert!(notes.contains("1 row of `--`"), "{notes}");
    assert!(notes.contains("placed on the run's date"), "{notes}");
    assert!(notes.contains("used ÷ limit"), "{notes}");
    assert!(!notes.contains("not taken during the run"), "{notes}");
}

#[test]
fn time_of_day_samples_stay_relative_beside_a_run_without_a_date() {
    // hey records offsets from its start, not dates.
    let dir = run_dir(&[
        ("create.csv", copy("hey/create_n2000_c10.csv")),
        ("stats.csv", copy("resources/supersorter-docker-stats.csv")),
    ]);
    let (_, _o, out) = build(&[p(dir.path())]);
    let run = &summary(&out)["runs"][0];
    assert_eq!(run["tool"], "hey");
    assert!(run["notes"]
        .to_string()
        .contains("kept as seconds since the file's first sample"));
    assert_eq!(resource(run, "cpu")["samples"].as_u64(), Some(135));
}

#[test]
fn long_wide_and_json_samples_are_normalised() {
    let start = 1_795_432_343u64;
    let long = format!(
        "timestamp,metric,value,host\n{start},cpu,50,api\n{},cpu,70%,api\n{start},cpu,20,db\n{start},rss,12MiB,api\n{start},db_pool_in_use,7,db\n",
        start + 5
    );
    let wide = format!(
        "time,cpu_percent,memory_percent,rss_mb,processes\n{start},10.5,40,100,12\n{},30.5,,300,14\n",
        start + 10
    );
    let json = format!(
        "[{{\"timestamp\": {start}, \"metric\": \"cpu\", \"value\": 5}}, {{\"timestamp\": \"2026-11-23T11:12:33Z\", \"metric\": \"cpu\", \"value\": 15}}]"
    );
    for (name, text, checks) in [
        (
            "long.csv",
            long,
            vec![
                ("api:cpu", "%", 50.0, 70.0, 2),
                ("db:cpu", "%", 20.0, 20.0, 1),
                ("api:rss", "B", 12.0 * 1048576.0, 12.0 * 1048576.0, 1),
                ("db:db_pool_in_use", "", 7.0, 7.0, 1),
            ],
        ),
        (
            "wide.csv",
            wide,
            vec![
                ("cpu", "%", 10.5, 30.5, 2),
                ("mem", "%", 40.0, 40.0, 1),
                ("rss", "B", 100e6, 300e6, 2),
                ("processes", "", 12.0, 14.0, 2),
            ],
        ),
        ("samples.json", json, vec![("cpu", "%", 5.0, 15.0, 2)]),
    ] {
        let dir = run_dir(&[
            ("requests.csv", requests_csv(start * 1000, 100, 200)),
            (name, text),
        ]);
        let (_, _o, out) = build(&[p(dir.path())]);
        let run = &summary(&out)["runs"][0];
        for (metric, unit, min, max, n) in checks {
            let r = resource(run, metric);
            assert_eq!(r["unit"], unit, "{name} {metric}");
            assert_eq!(r["min"].as_f64(), Some(min), "{name} {metric}");
            assert_eq!(r["max"].as_f64(), Some(max), "{name} {metric}");
            assert_eq!(r["samples"].as_u64(), Some(n), "{name} {metric}");
        }
    }
}

#[test]
fn resource_rules_score_the_maximum_and_a_missing_metric_is_inconclusive() {
    let rel = "resources/reverseproxy-numpy-dstats.csv";
    let sla = "pass_score = 50\n\
        [[rule]]\nid = \"cpu\"\nmetric = \"resource:cpu\"\ntarget = \"< 80%\"\nweight = 1\n\
        [[rule]]\nid = \"api-mem\"\nmetric = \"resource:reverse-proxy-api-1:mem_used:avg\"\ntarget = \"< 256MiB\"\nweight = 1\n\
        [[rule]]\nid = \"swap\"\nmetric = \"resource:swap\"\ntarget = \"< 10%\"\nweight = 1\n";
    let dir = run_dir(&[
        ("requests.csv", requests_csv(1_740_726_640_000, 1_000, 288)),
        ("reverseproxy-numpy-dstats.csv", copy(rel)),
        ("sla.toml", sla.to_string()),
    ]);
    let sla_path = dir.path().join("sla.toml");
    let (code, _o, out) = build(&[p(dir.path()), "--sla", sla_path.to_str().unwrap()]);
    let run = &summary(&out)["runs"][0];
    let rules = run["score"]["rules"].as_array().unwrap();
    // Independent: the largest CPUPerc of any container.
    let rows = read_csv(&fixture(rel));
    let (worst, max_cpu) = rows
        .iter()
        .map(|r| {
            (
                r.text("Name").to_string(),
                r.text("CPUPerc")
                    .trim_end_matches('%')
                    .parse::<f64>()
                    .unwrap(),
            )
        })
        .fold(
            (String::new(), f64::MIN),
            |a, b| if b.1 > a.1 { b } else { a },
        );
    assert_eq!(rules[0]["metric"], "resource:cpu");
    assert_eq!(rules[0]["status"], "fail");
    assert_eq!(rules[0]["measured"].as_f64(), Some(max_cpu));
    assert_eq!(rules[0]["measured_at"], format!("{worst}:cpu"));
    let api: Vec<f64> = rows
        .iter()
        .filter(|r| r.text("Name") == "reverse-proxy-api-1")
        .map(|r| docker_bytes(r.text("MemUsage").split(" / ").next().unwrap()))
        .collect();
    let avg = mam(&api).1;
    assert_eq!(rules[1]["status"], "pass");
    assert!((rules[1]["measured"].as_f64().unwrap() - avg).abs() < 1e-6);
    assert_eq!(rules[2]["status"], "inconclusive");
    assert!(rules[2]["note"].as_str().unwrap().contains("`swap`"));
    assert_eq!(rules[2]["measured"], serde_json::Value::Null);
    assert_eq!(code, 1, "1 of 3 rules: score 33 below 50");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains(&format!("{} %", {
        let v = max_cpu;
        format!("{v:.1}")
    })));
}

#[test]
fn a_malformed_resource_row_names_file_and_line_or_is_skipped() {
    let start = 1_795_432_343u64;
    let bad = format!("timestamp,cpu,mem\n{start},10,20\n{},lots,20\n", start + 1);
    let dir = run_dir(&[
        ("requests.csv", requests_csv(start * 1000, 100, 50)),
        ("host.csv", bad),
    ]);
    perfreport()
        .args(["build", p(dir.path()), "-q", "-o"])
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("host.csv: line 3, column 2"));
    let (_, _o, out) = build(&[p(dir.path()), "--skip-bad-rows"]);
    let run = &summary(&out)["runs"][0];
    assert_eq!(resource(run, "cpu")["samples"].as_u64(), Some(1));
}

#[test]
fn a_resource_file_alone_is_not_a_run() {
    perfreport()
        .args([
            "build",
            &fixture("resources/supersorter-docker-stats.csv"),
            "-q",
            "-o",
        ])
        .arg(tempfile::tempdir().unwrap().path().join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a run of their own"));
}

#[test]
fn inspect_lists_formats_runs_rows_and_what_it_did_not_read() {
    let start = 1_795_432_343u64;
    let dir = run_dir(&[
        ("requests.csv", requests_csv(start * 1000, 100, 40)),
        (
            "requests_host.csv",
            format!(
                "timestamp,cpu,mem\n{start},10,20\n{},lots,20\n{},12,21\n",
                start + 1,
                start + 2
            ),
        ),
        ("console.txt", "Starting load test...\n".to_string()),
        ("empty.json", String::new()),
    ]);
    let assert = perfreport()
        .args(["inspect", p(dir.path())])
        .assert()
        .code(0);
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let line = |name: &str| {
        out.lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} not in:\n{out}"))
            .split_whitespace()
            .skip(1)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        line("requests.csv"),
        ["generic-csv", "requests", "40", "0"],
        "{out}"
    );
    assert_eq!(
        line("requests_host.csv"),
        ["resources-wide-csv", "requests", "2", "1"],
        "{out}"
    );
    assert_eq!(
        line("console.txt"),
        ["-", "requests", "not", "read", "-"],
        "{out}"
    );
    assert!(out.contains("FILE") && out.contains("ROWS SKIPPED"));
    assert!(
        out.contains("generic-csv: generic per-request CSV"),
        "{out}"
    );
    assert!(
        out.contains("1 row skipped: ") && out.contains("line 3, column 2"),
        "{out}"
    );
    assert!(
        out.contains("console.txt: not a result file perfreport reads"),
        "{out}"
    );
    assert!(
        out.contains("empty.json: not a result file perfreport reads")
            || out.contains("empty.json: the file is empty"),
        "{out}"
    );
    // A missing path: listed, and exit code 2.
    perfreport()
        .args(["inspect", p(dir.path()), "no/such/dir"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("no/such/dir"))
        .stderr(predicate::str::contains("no such file or directory"));
}

#[test]
fn the_distribution_chart_is_drawn_for_raw_samples_only() {
    let (_, _o, out) = build(&[&fixture("generic/checkout.csv")]);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("Response-time distribution"));
    assert!(html.contains("Response time (ms, log scale)"));
    assert!(html.contains("How the 600 timed requests"));
    let (_, _o, out) = build(&[&fixture("locust/real/retaildemo-2.29")]);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!html.contains("Response-time distribution"));
}
