//! Gatling: simulation.log figures against an independent parse of the log
//! (sorting every latency), the report's stats files against their own
//! numbers, the log against the report of the same run, and the refusals
//! (empty log, malformed records); the binary 3.13+ log read and cut short.

use crate::common::assert_close;
use crate::common::{build, fixture, out_dir, perfreport, root, summary};
use predicates::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;

/// Where a layout keeps the fields of a REQUEST record (0-based).
struct Layout {
    name: usize,
    start: usize,
    end: usize,
    status: usize,
}

/// Gatling 3.4+: `REQUEST groups name start end status message`.
const V3: Layout = Layout {
    name: 2,
    start: 3,
    end: 4,
    status: 5,
};
/// Gatling 2.2: `REQUEST scenario userId groups name start end status message`.
const V2: Layout = Layout {
    name: 4,
    start: 5,
    end: 6,
    status: 7,
};

/// One request as the test reads it from the log.
struct Req {
    name: String,
    latency: f64,
    ok: bool,
    message: String,
}

fn parse_log(rel: &str, l: &Layout) -> Vec<Req> {
    let text = std::fs::read_to_string(root().join(rel)).unwrap();
    text.lines()
        .map(|line| line.split('\t').collect::<Vec<_>>())
        .filter(|f| f[0] == "REQUEST")
        .map(|f| {
            let start: u64 = f[l.start].parse().unwrap();
            let end: u64 = f[l.end].parse().unwrap();
            assert!(f[l.status] == "OK" || f[l.status] == "KO");
            Req {
                name: f[l.name].to_string(),
                latency: (end - start) as f64,
                ok: f[l.status] == "OK",
                message: f.get(l.status + 1).unwrap_or(&"").trim().to_string(),
            }
        })
        .collect()
}

/// The highest number of users active at once, from USER START/END records.
fn peak_users(rel: &str) -> u64 {
    let text = std::fs::read_to_string(root().join(rel)).unwrap();
    let (mut now, mut peak) = (0i64, 0i64);
    for line in text.lines().filter(|l| l.starts_with("USER\t")) {
        if line.contains("\tSTART\t") {
            now += 1;
        } else if line.contains("\tEND\t") {
            now -= 1;
        }
        peak = peak.max(now);
    }
    peak as u64
}

fn check_log(rel: &str, layout: &Layout, version: Option<&str>) -> Value {
    let reqs = parse_log(rel, layout);
    let (_, _d, out) = build(&[rel]);
    let s = summary(&out);
    let run = s["runs"][0].clone();
    assert_eq!(run["tool"], "gatling");
    assert_eq!(run["tool_version"].as_str(), version, "{rel}");
    let t = &run["totals"];
    assert_eq!(t["requests"].as_u64(), Some(reqs.len() as u64), "{rel}");
    let ko = reqs.iter().filter(|r| !r.ok).count() as u64;
    assert_eq!(t["failures"].as_u64(), Some(ko), "{rel}");
    assert_eq!(t["latency_ms"]["precision"], "histogram");
    let mut all: Vec<f64> = reqs.iter().map(|r| r.latency).collect();
    for (key, pct) in [("p50", 50.0), ("p95", 95.0), ("p99", 99.0), ("max", 100.0)] {
        assert_close(
            &t["latency_ms"][key],
            crate::common::nearest(&mut all, pct),
            &format!("{rel} {key}"),
        );
    }
    let mut names: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for r in &reqs {
        names.entry(&r.name).or_default().push(r.latency);
    }
    let eps = run["endpoints"].as_array().unwrap();
    assert_eq!(eps.len(), names.len(), "{rel} endpoints");
    for ep in eps {
        let name = ep["name"].as_str().unwrap();
        assert_eq!(ep["method"], "", "Gatling logs no method");
        let mine = names.get_mut(name).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(ep["requests"].as_u64(), Some(mine.len() as u64), "{name}");
        assert_close(
            &ep["latency_ms"]["p95"],
            crate::common::nearest(mine, 95.0),
            &format!("{rel} {name} p95"),
        );
    }
    assert_eq!(run["users"].as_u64(), Some(peak_users(rel)), "{rel} users");
    run
}

#[test]
fn gatling_3_6_log_matches_a_sorted_computation() {
    let rel = fixture("gatling/ohrm-3.6.1/simulation.log");
    let run = check_log(&rel, &V3, Some("3.6.1"));
    // The run is named after its folder, as Gatling names the run.
    assert_eq!(run["name"], "ohrm-3.6.1");
    // KO messages of status checks give the status; every failure is grouped.
    let reqs = parse_log(&rel, &V3);
    let failures = run["failures"].as_array().unwrap();
    let grouped: u64 = failures
        .iter()
        .map(|f| f["occurrences"].as_u64().unwrap())
        .sum();
    assert_eq!(grouped, reqs.iter().filter(|r| !r.ok).count() as u64);
    let found_401 = reqs
        .iter()
        .filter(|r| !r.ok && r.message.ends_with("found 401"))
        .count() as u64;
    assert!(found_401 > 0);
    let with_401: u64 = failures
        .iter()
        .filter(|f| f["status"] == 401)
        .map(|f| f["occurrences"].as_u64().unwrap())
        .sum();
    assert_eq!(with_401, found_401);
}

#[test]
fn gatling_2_log_with_scenario_and_user_columns_reads() {
    let rel = fixture("gatling/pix-2.2/simulation.log");
    let run = check_log(&rel, &V2, None);
    let statuses: Vec<u64> = run["failures"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["status"].as_u64())
        .collect();
    assert!(
        statuses.contains(&500) && statuses.contains(&502),
        "{statuses:?}"
    );
}

#[test]
fn gatling_3_5_and_assertion_first_logs_read() {
    check_log(
        &fixture("gatling/taurus-3.5.1/simulation.log"),
        &V3,
        Some("3.5.1"),
    );
    // ASSERTION records before RUN, five-field USER records, no message field.
    check_log(
        &fixture("gatling/taurus-2017/simulation.log"),
        &V3,
        Some("3.5.1"),
    );
}

fn json(rel: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join(rel)).unwrap()).unwrap()
}

/// The figures of a Gatling stats node, as the file writes them (numbers or strings).
fn figure(stats: &Value, field: &str) -> f64 {
    match &stats[field]["total"] {
        Value::Number(n) => n.as_f64().unwrap(),
        Value::String(s) => s.parse().unwrap(),
        other => panic!("{field}: {other}"),
    }
}

fn check_node(ours: &Value, stats: &Value, what: &str) {
    assert_eq!(
        ours["requests"].as_f64(),
        Some(figure(stats, "numberOfRequests")),
        "{what}"
    );
    let ko = match &stats["numberOfRequests"]["ko"] {
        Value::Number(n) => n.as_u64().unwrap(),
        Value::String(s) => s.parse().unwrap(),
        other => panic!("{other}"),
    };
    assert_eq!(ours["failures"].as_u64(), Some(ko), "{what}");
    let l = &ours["latency_ms"];
    assert_eq!(l["precision"], "tool", "{what}");
    for (key, field) in [
        ("min", "minResponseTime"),
        ("avg", "meanResponseTime"),
        ("max", "maxResponseTime"),
        ("p50", "percentiles1"),
        ("p95", "percentiles3"),
        ("p99", "percentiles4"),
    ] {
        assert_eq!(l[key].as_f64(), Some(figure(stats, field)), "{what} {key}");
    }
    assert_eq!(
        l["percentiles"]["p75"].as_f64(),
        Some(figure(stats, "percentiles2")),
        "{what} p75"
    );
    assert_eq!(l["p90"], Value::Null, "{what}: Gatling's report has no p90");
    assert_eq!(
        ours["throughput_rps"].as_f64(),
        Some(figure(stats, "meanNumberOfRequestsPerSecond")),
        "{what} rps"
    );
}

/// Every REQUEST node of a stats tree, by path.
fn requests_of(node: &Value, out: &mut BTreeMap<String, Value>) {
    if let Some(contents) = node["contents"].as_object() {
        for child in contents.values() {
            if child["type"] == "REQUEST" {
                out.insert(
                    child["path"].as_str().unwrap().to_string(),
                    child["stats"].clone(),
                );
            } else {
                requests_of(child, out);
            }
        }
    }
}

#[test]
fn gatling_stats_json_figures_are_the_files_own() {
    for dir in ["ohrm-3.6.1", "pix-2.2"] {
        let rel = fixture(&format!("gatling/{dir}/js/stats.json"));
        let tree = json(&rel);
        let (_, _d, out) = build(&[&rel]);
        let s = summary(&out);
        assert_eq!(s["runs"].as_array().unwrap().len(), 1, "one run per report");
        let run = &s["runs"][0];
        assert_eq!(run["name"], dir, "named after the report folder");
        assert_eq!(run["tool"], "gatling");
        check_node(&run["totals"], &tree["stats"], &format!("{dir} totals"));
        let mut want = BTreeMap::new();
        requests_of(&tree, &mut want);
        let eps = run["endpoints"].as_array().unwrap();
        assert_eq!(eps.len(), want.len());
        for ep in eps {
            let name = ep["name"].as_str().unwrap();
            check_node(ep, &want[name], &format!("{dir} {name}"));
        }
    }
}

#[test]
fn gatling_global_stats_json_gives_the_totals_only() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.json"); // recognised by content, not name
    std::fs::copy(
        root().join(fixture("gatling/pix-2.2/js/global_stats.json")),
        &file,
    )
    .unwrap();
    let (_, _d, out) = build(&[file.to_str().unwrap()]);
    let s = summary(&out);
    let run = &s["runs"][0];
    check_node(
        &run["totals"],
        &json(&fixture("gatling/pix-2.2/js/global_stats.json")),
        "global",
    );
    assert_eq!(run["endpoints"].as_array().unwrap().len(), 0);
    // Duration: requests ÷ requests/s, as the file states neither.
    let rps = run["totals"]["throughput_rps"].as_f64().unwrap();
    let want = run["totals"]["requests"].as_f64().unwrap() / rps;
    assert!((run["duration_s"].as_f64().unwrap() - want).abs() < 1e-9);
}

#[test]
fn gatling_stats_js_reads_like_stats_json() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("stats.js");
    std::fs::copy(
        root().join(fixture("gatling/ohrm-3.6.1/js/stats.js")),
        &file,
    )
    .unwrap();
    let (_, _d1, js) = build(&[file.to_str().unwrap()]);
    let (_, _d2, json_out) = build(&[&fixture("gatling/ohrm-3.6.1/js/stats.json")]);
    let (a, b) = (summary(&js), summary(&json_out));
    let (a, b) = (&a["runs"][0], &b["runs"][0]);
    assert_eq!(a["endpoints"].as_array().unwrap().len(), 184);
    for (x, y) in a["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .zip(b["endpoints"].as_array().unwrap())
    {
        assert_eq!(x["name"], y["name"]);
        assert_eq!(x["requests"], y["requests"]);
        assert_eq!(x["failures"], y["failures"]);
        // stats.js rounds requests/s to three decimals; the times are the same.
        assert_eq!(x["latency_ms"], y["latency_ms"], "{}", x["name"]);
        let (rx, ry) = (
            x["throughput_rps"].as_f64().unwrap(),
            y["throughput_rps"].as_f64().unwrap(),
        );
        assert!((rx - ry).abs() <= 0.0005 + 1e-12, "{rx} vs {ry}");
    }
    assert_eq!(a["totals"]["requests"], 2458);
    assert_eq!(a["totals"]["failures"], 720);
    // And against the file itself: numbers quoted as strings.
    let text =
        std::fs::read_to_string(root().join(fixture("gatling/ohrm-3.6.1/js/stats.js"))).unwrap();
    assert!(text.contains("\"total\": \"2458\""));
}

#[test]
fn gatling_log_agrees_with_the_report_of_the_same_run() {
    // The whole 3.6.1 log and the report Gatling made from it.
    let (_, _d1, log) = build(&[&fixture("gatling/ohrm-3.6.1/simulation.log")]);
    let (_, _d2, rep) = build(&[&fixture("gatling/ohrm-3.6.1/js/global_stats.json")]);
    let (log, rep) = (summary(&log), summary(&rep));
    let (l, r) = (&log["runs"][0]["totals"], &rep["runs"][0]["totals"]);
    assert_eq!(l["requests"], r["requests"]);
    assert_eq!(l["failures"], r["failures"]);
    assert_eq!(l["latency_ms"]["max"], r["latency_ms"]["max"]);
    assert_eq!(l["latency_ms"]["min"], r["latency_ms"]["min"]);
    // Per request too: counts from the log equal the report's.
    let tree = json(&fixture("gatling/ohrm-3.6.1/js/stats.json"));
    let mut want = BTreeMap::new();
    requests_of(&tree, &mut want);
    for ep in log["runs"][0]["endpoints"].as_array().unwrap() {
        let stats = &want[ep["name"].as_str().unwrap()];
        assert_eq!(
            ep["requests"].as_f64(),
            Some(figure(stats, "numberOfRequests"))
        );
        assert_eq!(ep["failures"], stats["numberOfRequests"]["ko"]);
    }
}

#[test]
fn a_binary_gatling_log_reads_and_a_cut_one_is_partial() {
    // Gatling 3.14.3 via Taurus: 25 requests under `HttpBin Group`; nearest-rank
    // P50 128 ms and P95 1,806 ms (the shared fixture README, decoded by the layout).
    let dir = fixture("gatling/binary-3.14.3");
    let (_, _d, out) = build(&[&dir]);
    let s = summary(&out);
    let run = &s["runs"][0];
    assert_eq!(run["name"], "binary-3.14.3", "named after its folder");
    assert_eq!(run["tool"], "gatling");
    assert_eq!(run["tool_version"], "3.14.3");
    assert_eq!(run["totals"]["requests"], 25);
    assert_eq!(run["totals"]["failures"], 0);
    assert_close(&run["totals"]["latency_ms"]["p50"], 128.0, "p50");
    assert_close(&run["totals"]["latency_ms"]["p95"], 1806.0, "p95");
    assert_eq!(run["totals"]["latency_ms"]["max"], 3209.0);
    assert!(!run["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["code"] == "partial-run"));
    // Killed mid-write: the last record is cut; the run is read and marked partial.
    let bytes = std::fs::read(root().join(&dir).join("simulation.log")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let cut = tmp.path().join("simulation.log");
    std::fs::write(&cut, &bytes[..bytes.len() - 3]).unwrap();
    let (_, _d2, out) = build(&[cut.to_str().unwrap()]);
    let s = summary(&out);
    let run = &s["runs"][0];
    let w = run["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "partial-run")
        .expect("a partial-run warning");
    assert!(
        w["message"]
            .as_str()
            .unwrap()
            .contains("the Gatling log ends inside a record at byte"),
        "{w}"
    );
    assert!(run["totals"]["requests"].as_u64().unwrap() <= 25);
}

#[test]
fn gatling_2_errors_written_as_group_records_warn_as_test_code_exceptions() {
    let (_, _d, out) = build(&[&fixture("gatling/taurus-build-errors-2019")]);
    let s = summary(&out);
    let w = s["runs"][0]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "test-code-exceptions")
        .expect("a test-code-exceptions warning");
    assert_eq!(w["data"]["exceptions"], 2, "{w}");
}

#[test]
fn an_empty_gatling_log_is_refused() {
    let (_d, out) = out_dir();
    perfreport()
        .args(["build", &fixture("gatling/empty-3.6.1"), "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "empty-3.6.1/simulation.log: empty file",
        ));
}

#[test]
fn a_malformed_request_stops_the_build_unless_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("simulation.log");
    std::fs::write(
        &file,
        "RUN\tc.Sim\tsim\t1693110642715\t \t3.6.1\n\
         USER\tS\tSTART\t1693110644344\n\
         REQUEST\t\tr\t1693110644407\t1693110645752\tOK\t \n\
         REQUEST\t\tr\t16931x\t1693110645752\tOK\t \n\
         REQUEST\t\tr\t1693110644407\t1693110645746\tKO\tstatus.find.in(200), found 500\n\
         BOGUS\tline\n\
         USER\tS\tEND\t1693110645800\n",
    )
    .unwrap();
    let (_d, out) = out_dir();
    perfreport()
        .args(["build", file.to_str().unwrap(), "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "simulation.log: line 4, column 4: `16931x` is not a timestamp (Unix ms) in a REQUEST record",
        ));
    let (_, _d2, out) = build(&[file.to_str().unwrap(), "--skip-bad-rows"]);
    let s = summary(&out);
    let run = &s["runs"][0];
    assert_eq!(run["totals"]["requests"], 2);
    assert_eq!(run["totals"]["failures"], 1);
    assert_eq!(run["failures"][0]["status"], 500);
    let w = run["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "bad-rows-skipped")
        .unwrap();
    assert!(
        w["message"]
            .as_str()
            .unwrap()
            .starts_with("2 malformed rows were skipped"),
        "{w}"
    );
}

#[test]
fn a_log_cut_short_is_read_as_far_as_it_goes() {
    // A run that stopped early: no USER END records, no last request.
    let text = std::fs::read_to_string(root().join(fixture("gatling/taurus-3.5.1/simulation.log")))
        .unwrap();
    let cut: String = text.lines().take(60).collect::<Vec<_>>().join("\n");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("simulation.log");
    std::fs::write(&file, format!("{cut}\n")).unwrap();
    let requests = cut.lines().filter(|l| l.starts_with("REQUEST\t")).count();
    assert!(!cut.contains("\tEND\t"));
    let (_, _d, out) = build(&[file.to_str().unwrap()]);
    let s = summary(&out);
    assert_eq!(
        s["runs"][0]["totals"]["requests"].as_u64(),
        Some(requests as u64)
    );
}

#[test]
fn gatling_error_records_are_exceptions_not_requests() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("simulation.log");
    std::fs::write(
        &file,
        "RUN\tc.Sim\tsim\t1693110642715\tnightly\t3.9.5\n\
         REQUEST\t\tr\t1693110644407\t1693110645752\tOK\t \n\
         ERROR\tNo attribute named 'token' is defined\t1693110645800\n\
         GROUP\tlogin\t1693110644407\t1693110645752\t1345\tOK\n\
         ERROR\tNo attribute named 'token' is defined\t1693110645900\n",
    )
    .unwrap();
    let (_, _d, out) = build(&[file.to_str().unwrap()]);
    let s = summary(&out);
    assert_eq!(s["runs"][0]["totals"]["requests"], 1);
    assert_eq!(s["runs"][0]["tool_version"], "3.9.5");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let line = md
        .lines()
        .find(|l| l.contains("No attribute named"))
        .expect("the ERROR records are listed as exceptions");
    assert!(line.contains('2'), "{line}");
}

#[test]
fn malformed_report_files_name_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("stats.json");
    let text = std::fs::read_to_string(root().join(fixture("gatling/pix-2.2/js/stats.json")))
        .unwrap()
        .replacen("\"total\": 7986", "\"total\": 7986,,", 1);
    std::fs::write(&file, text).unwrap();
    let (_d, out) = out_dir();
    perfreport()
        .args(["build", file.to_str().unwrap(), "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(
            predicate::str::is_match(r"stats\.json: line 9, column \d+: not valid JSON").unwrap(),
        );
    let js = dir.path().join("x_stats.js");
    std::fs::write(
        &js,
        "var stats = {\n  type: \"GROUP\",\nstats: {\n \"name\": \"Global Information\",\n \"numberOfRequests\": {\"total\": \"x1\", \"ok\": \"1\", \"ko\": \"0\"},\n \"percentiles1\": {}\n}\n};\n",
    )
    .unwrap();
    perfreport()
        .args(["build", js.to_str().unwrap(), "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "x_stats.js: `stats.numberOfRequests.total`: `x1` is not a number",
        ));
}

#[test]
fn a_run_folder_with_log_and_report_is_one_run_read_from_the_log() {
    let (_, _d, out) = build(&[&fixture("gatling/ohrm-3.6.1")]);
    let s = summary(&out);
    let runs = s["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1, "simulation.log and js/ are the same run");
    let sources = runs[0]["sources"].as_array().unwrap();
    let read: Vec<&str> = sources
        .iter()
        .filter(|x| x["read"] == true)
        .map(|x| x["path"].as_str().unwrap())
        .collect();
    assert_eq!(read.len(), 1);
    assert!(read[0].ends_with("simulation.log"));
    assert!(sources
        .iter()
        .any(|x| x["path"].as_str().unwrap().ends_with("js/stats.json") && x["read"] == false));
    let w = runs[0]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["code"] == "endpoint-all-failed")
        .count();
    assert_eq!(
        w, 1,
        "one warning listing the failed endpoints, not one per endpoint"
    );
}

#[test]
fn a_report_folder_reads_stats_json_and_lists_its_copies_as_not_read() {
    let (code, _d, out) = build(&[&fixture("gatling/ohrm-3.6.1/js")]);
    assert_ne!(code, 2);
    let s = summary(&out);
    let sources = s["runs"][0]["sources"].as_array().unwrap();
    let by_name = |n: &str| {
        sources
            .iter()
            .find(|x| x["path"].as_str().unwrap().ends_with(n))
            .unwrap_or_else(|| panic!("{n} not listed: {sources:?}"))
    };
    assert_eq!(by_name("/stats.json")["read"], true);
    for copy in ["/stats.js", "/global_stats.json"] {
        assert_eq!(by_name(copy)["read"], false, "{copy}");
        assert!(by_name(copy)["blake3"].is_null());
        assert!(by_name(copy)["role"]
            .as_str()
            .unwrap()
            .contains("stats.json holds them all"));
    }
    let (_, _d2, alone) = build(&[&fixture("gatling/ohrm-3.6.1/js/stats.json")]);
    assert_eq!(
        s["runs"][0]["totals"]["requests"],
        summary(&alone)["runs"][0]["totals"]["requests"],
        "the copies add nothing"
    );
}
