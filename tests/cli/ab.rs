//! ApacheBench `-g` and `-e`: figures against a sorted computation over the
//! TSV, ab's own printed summary of the same run, and the percentile CSV's
//! own numbers.

use crate::common::assert_close;
use crate::common::{build, fixture, out_dir, perfreport, root, summary};
use perfreport::stats::histogram::nearest_rank;
use predicates::prelude::*;

fn ttimes(rel: &str) -> Vec<f64> {
    let text = std::fs::read_to_string(root().join(fixture(rel))).unwrap();
    let mut v: Vec<f64> = text
        .lines()
        .skip(1)
        .map(|l| l.split('\t').nth(4).unwrap().parse().unwrap())
        .collect();
    v.sort_by(f64::total_cmp);
    v
}

/// ab's printed "Percentage of the requests served" table and "Complete requests".
fn ab_text(rel: &str) -> (u64, Vec<(f64, f64)>) {
    let text = std::fs::read_to_string(root().join(fixture(rel))).unwrap();
    let complete = text
        .lines()
        .find_map(|l| l.strip_prefix("Complete requests:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let table = text
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            let p = w.next()?.strip_suffix('%')?.parse().ok()?;
            Some((p, w.next()?.parse().ok()?))
        })
        .collect();
    (complete, table)
}

#[test]
fn ab_gnuplot_matches_sorted_ttime_and_ab_own_table() {
    let rel = "ab/notfound_n2000_c10.tsv";
    let all = ttimes(rel);
    let (_, _d, out) = build(&[&fixture(rel)]);
    let s = summary(&out);
    let run = &s["runs"][0];
    assert_eq!(run["tool"], "ab");
    let t = &run["totals"];
    let (complete, table) = ab_text("ab/notfound_n2000_c10.txt");
    assert_eq!(t["requests"].as_u64(), Some(all.len() as u64));
    assert_eq!(t["requests"].as_u64(), Some(complete));
    // Every response was a 404, but ab -g cannot tell: failures and the error
    // rate are null (never 0), the error-rate rule is INCONCLUSIVE, and the run
    // carries the no-failure-data warning, so it cannot pass.
    assert!(t["failures"].is_null());
    assert!(t["error_rate"].is_null());
    assert!(run["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["code"] == "no-failure-data"));
    let err = run["score"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["metric"] == "error_rate")
        .unwrap();
    assert_eq!(err["status"], "inconclusive");
    assert!(run["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n.as_str().unwrap().contains("does not record")));
    for (key, pct) in [("p50", 50.0), ("p95", 95.0), ("p99", 99.0), ("max", 100.0)] {
        assert_close(&t["latency_ms"][key], nearest_rank(&all, pct).unwrap(), key);
    }
    assert_eq!(table.len(), 9);
    for (pct, ms) in table {
        let key = if pct == 100.0 {
            "p100".to_string()
        } else {
            format!("p{pct}")
        };
        assert_close(&t["latency_ms"]["percentiles"][&key], ms, &key);
    }
    assert!(run["started_at"]
        .as_str()
        .unwrap()
        .starts_with("2026-11-23T11:22:"));
}

#[test]
fn ab_gnuplot_real_file_sorted_by_ttime() {
    let rel = "ab/bedrock-2015_ab.tsv";
    let all = ttimes(rel);
    let (_, _d, out) = build(&[&fixture(rel)]);
    let t = &summary(&out)["runs"][0]["totals"];
    assert_eq!(t["requests"].as_u64(), Some(1500));
    for (key, pct) in [("p50", 50.0), ("p95", 95.0), ("p99", 99.0), ("max", 100.0)] {
        assert_close(&t["latency_ms"][key], nearest_rank(&all, pct).unwrap(), key);
    }
}

#[test]
fn ab_percentile_csv_gives_its_own_numbers_and_no_counts() {
    let rel = "ab/list_n5000_c20_pct.csv";
    let text = std::fs::read_to_string(root().join(fixture(rel))).unwrap();
    let pct: std::collections::BTreeMap<u32, f64> = text
        .lines()
        .skip(1)
        .map(|l| {
            let (a, b) = l.split_once(',').unwrap();
            (a.parse().unwrap(), b.parse().unwrap())
        })
        .collect();
    let (_, _d, out) = build(&[&fixture(rel)]);
    let t = &summary(&out)["runs"][0]["totals"];
    let l = &t["latency_ms"];
    assert_eq!(l["precision"], "tool");
    assert_eq!(l["p50"].as_f64(), Some(pct[&50]));
    assert_eq!(l["p95"].as_f64(), Some(pct[&95]));
    assert_eq!(l["p99"].as_f64(), Some(pct[&99]));
    assert_eq!(l["min"].as_f64(), Some(pct[&0]));
    assert_eq!(l["max"].as_f64(), Some(pct[&100]));
    assert_eq!(l["avg"], serde_json::Value::Null);
    assert_eq!(t["error_rate"], serde_json::Value::Null, "no counts");
    // ab's own table for this run, rounded to whole ms.
    let (_, table) = ab_text("ab/list_n5000_c20.txt");
    for (p, ms) in table {
        assert!((pct[&(p as u32)] - ms).abs() <= 0.5, "{p}%: {ms}");
    }
}

#[test]
fn ab_bad_row_names_file_and_line_unless_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("g.tsv");
    std::fs::write(
        &file,
        "starttime\tseconds\tctime\tdtime\tttime\twait\n\
         Mon Nov 23 11:22:13 2026\t1795432933\t1\t11\t12\t11\n\
         Mon Nov 23 11:22:13 2026\t1795432933\t1\t11\tlong\t11\n\
         Mon Nov 23 11:22:14 2026\t1795432934\t1\t20\t21\t19\n",
    )
    .unwrap();
    let (_d, out) = out_dir();
    perfreport()
        .args(["build", file.to_str().unwrap(), "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "g.tsv: line 3, column 5: `long` in column `ttime` is not a number",
        ));
    let (_, _d2, out) = build(&[file.to_str().unwrap(), "--skip-bad-rows"]);
    assert_eq!(summary(&out)["runs"][0]["totals"]["requests"], 2);
}
