//! wrk's text output: figures against the numbers in the file, read here with
//! a separate little parser; errors; a malformed value.

use crate::common::{build, fixture, out_dir, perfreport, root, summary};
use predicates::prelude::*;

/// `value unit` → ms, independently of the reader.
fn ms(text: &str) -> f64 {
    for (unit, f) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] {
        if let Some(n) = text.strip_suffix(unit) {
            if let Ok(v) = n.parse::<f64>() {
                return v * f;
            }
        }
    }
    panic!("{text}")
}

fn after<'a>(text: &'a str, prefix: &str) -> Option<Vec<&'a str>> {
    text.lines()
        .map(str::trim)
        .find(|l| l.starts_with(prefix))
        .map(|l| l[prefix.len()..].split_whitespace().collect())
}

#[test]
fn wrk_figures_are_the_files_own() {
    for rel in [
        "wrk/list_t2_c20_20s.txt",
        "wrk/health_t2_c50_15s.txt",
        "wrk/pvzavito-2025_wrk.txt",
        "wrk/perfplugin-wrk-errors-2014.txt",
    ] {
        let text = std::fs::read_to_string(root().join(fixture(rel))).unwrap();
        let (_, _d, out) = build(&[&fixture(rel)]);
        let s = summary(&out);
        let run = &s["runs"][0];
        assert_eq!(run["tool"], "wrk", "{rel}");
        let t = &run["totals"];
        let line = text.lines().find(|l| l.contains(" requests in ")).unwrap();
        let words: Vec<&str> = line.split_whitespace().collect();
        let non2xx: u64 =
            after(&text, "Non-2xx or 3xx responses:").map_or(0, |w| w[0].parse().unwrap());
        assert_eq!(
            t["requests"].as_u64(),
            Some(words[0].parse().unwrap()),
            "{rel}"
        );
        assert_eq!(t["failures"].as_u64(), Some(non2xx), "{rel}");
        assert_eq!(
            run["duration_s"].as_f64(),
            Some(ms(words[3].trim_end_matches(',')) / 1000.0)
        );
        let lat = after(&text, "Latency ").unwrap();
        assert_eq!(t["latency_ms"]["avg"].as_f64(), Some(ms(lat[0])), "{rel}");
        assert_eq!(t["latency_ms"]["max"].as_f64(), Some(ms(lat[2])), "{rel}");
        assert_eq!(t["latency_ms"]["min"], serde_json::Value::Null);
        assert_eq!(
            t["latency_ms"]["p95"],
            serde_json::Value::Null,
            "wrk has no p95"
        );
        assert_eq!(t["latency_ms"]["precision"], "tool");
        for (pct, key) in [("50%", "p50"), ("90%", "p90"), ("99%", "p99")] {
            let want = text
                .lines()
                .map(str::trim)
                .find(|l| l.starts_with(pct))
                .map(|l| ms(l.split_whitespace().nth(1).unwrap()));
            assert_eq!(t["latency_ms"][key].as_f64(), want, "{rel} {key}");
        }
        let rps: f64 = after(&text, "Requests/sec:").unwrap()[0].parse().unwrap();
        assert_eq!(t["throughput_rps"].as_f64(), Some(rps));
    }
}

#[test]
fn wrk_all_non_2xx_is_all_failures_and_p95_rules_are_inconclusive() {
    let (_, _d, out) = build(&[&fixture("wrk/perfplugin-wrk-errors-2014.txt")]);
    let t = &summary(&out)["runs"][0]["totals"];
    assert_eq!(t["requests"], 12);
    assert_eq!(t["failures"], 12);
    assert_eq!(t["error_rate"].as_f64(), Some(1.0));
}

#[test]
fn wrk_socket_errors_count_and_a_bad_value_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wrk.log");
    let good = "Running 10s test @ http://h/x\n  2 threads and 8 connections\n  Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency    10.00ms    1.00ms  20.00ms   50.00%\n    Req/Sec   10.00      1.00    12.00     50.00%\n  Latency Distribution\n     50%   9.00ms\n     75%   11.00ms\n     90%   14.00ms\n     99%   19.00ms\n  200 requests in 10.00s, 1.00MB read\n  Socket errors: connect 0, read 1, write 0, timeout 4\nRequests/sec:     20.00\n";
    std::fs::write(&file, good).unwrap();
    let (_, _d, out) = build(&[file.to_str().unwrap()]);
    let t = &summary(&out)["runs"][0]["totals"];
    assert_eq!(t["requests"], 201);
    assert_eq!(t["failures"], 5);
    std::fs::write(
        &file,
        good.replace("     90%   14.00ms", "     90%   14.00xs"),
    )
    .unwrap();
    let (_d, out) = out_dir();
    perfreport()
        .args(["build", file.to_str().unwrap(), "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "wrk.log: line 9, column 6: `14.00xs` is not a wrk time",
        ));
}

#[test]
fn twelve_runs_appended_to_one_file_are_refused_at_the_second_then_read_once_split() {
    // A real shell loop (`for c …; for p …; wrk … >> loop.txt`): 12 runs.
    let rel = fixture("wrk/loop-12-runs.txt");
    let (_d, out) = out_dir();
    perfreport()
        .args(["build", &rel, "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{rel}: line 14, column 1: a second wrk run starts here (`Running 2s test @ http://127.0.0.1:18093/v1/deployments`; the first was `Running 2s test @ http://127.0.0.1:18093/health` on line 1)"
        )));
    assert!(!out.exists(), "nothing half-written");
    // Split as the message says: one file per `Running` block, each its own run.
    let text = std::fs::read_to_string(root().join(&rel)).unwrap();
    let mut blocks: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.starts_with("Running ") {
            blocks.push(String::new());
        }
        let b = blocks.last_mut().unwrap();
        b.push_str(line);
        b.push('\n');
    }
    assert_eq!(blocks.len(), 12);
    let dir = tempfile::tempdir().unwrap();
    for (i, b) in blocks.iter().enumerate() {
        std::fs::write(dir.path().join(format!("wrk-{i:02}.txt")), b).unwrap();
    }
    let (_, _d2, out) = build(&[dir.path().to_str().unwrap()]);
    let s = summary(&out);
    let runs = s["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 12);
    for (i, b) in blocks.iter().enumerate() {
        let run = runs
            .iter()
            .find(|r| r["name"] == format!("wrk-{i:02}"))
            .unwrap();
        let count = |prefix: &str| -> u64 {
            b.lines()
                .find_map(|l| l.trim().strip_prefix(prefix))
                .map_or(0, |v| v.split_whitespace().next().unwrap().parse().unwrap())
        };
        let requests: u64 = b
            .lines()
            .find(|l| l.contains(" requests in "))
            .and_then(|l| l.split_whitespace().next())
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(
            run["totals"]["requests"].as_u64(),
            Some(requests),
            "run {i}"
        );
        assert_eq!(
            run["totals"]["failures"].as_u64(),
            Some(count("Non-2xx or 3xx responses:")),
            "run {i}"
        );
    }
}
