//! The generic per-request CSV: figures against an independent computation
//! (sorting every latency), bad rows, and gzip input.

use crate::common::assert_close;
use crate::common::{build, fixture, out_dir, perfreport, read_csv, summary};
use predicates::prelude::*;

#[test]
fn generic_csv_figures_match_a_sorted_computation() {
    let rows = read_csv(&fixture("generic/checkout.csv"));
    let (_, _d, out) = build(&[&fixture("generic/checkout.csv")]);
    let s = summary(&out);
    let run = &s["runs"][0];
    assert_eq!(run["tool"], "generic");
    assert_eq!(run["totals"]["requests"].as_u64(), Some(rows.len() as u64));
    let failures = rows.iter().filter(|r| r.text("ok") == "false").count() as u64;
    assert!(failures > 0);
    assert_eq!(run["totals"]["failures"].as_u64(), Some(failures));
    assert_eq!(run["totals"]["latency_ms"]["precision"], "histogram");
    let mut all: Vec<f64> = rows.iter().map(|r| r.num("latency_ms").unwrap()).collect();
    for (key, pct) in [("p50", 50.0), ("p95", 95.0), ("p99", 99.0), ("max", 100.0)] {
        assert_close(
            &run["totals"]["latency_ms"][key],
            crate::common::nearest(&mut all, pct),
            key,
        );
    }
    for ep in run["endpoints"].as_array().unwrap() {
        let name = ep["name"].as_str().unwrap();
        let mut mine: Vec<f64> = rows
            .iter()
            .filter(|r| r.text("endpoint") == name)
            .map(|r| r.num("latency_ms").unwrap())
            .collect();
        assert_eq!(ep["requests"].as_u64(), Some(mine.len() as u64), "{name}");
        assert_close(
            &ep["latency_ms"]["p95"],
            crate::common::nearest(&mut mine, 95.0),
            &format!("{name} p95"),
        );
    }
    // Duration: first start to last start + its latency, all from the file.
    let ts: Vec<f64> = rows.iter().map(|r| r.num("timestamp").unwrap()).collect();
    let last = rows
        .iter()
        .max_by(|a, b| {
            a.num("timestamp")
                .unwrap()
                .total_cmp(&b.num("timestamp").unwrap())
        })
        .unwrap();
    let duration = (ts.iter().cloned().fold(f64::MIN, f64::max) + last.num("latency_ms").unwrap()
        - ts.iter().cloned().fold(f64::MAX, f64::min))
        / 1000.0;
    assert!((run["duration_s"].as_f64().unwrap() - duration).abs() < 1e-6);
    assert!(
        (run["totals"]["throughput_rps"].as_f64().unwrap() - rows.len() as f64 / duration).abs()
            < 1e-6
    );
}

#[test]
fn a_bad_row_stops_the_build_unless_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("run.csv");
    std::fs::write(
        &file,
        "endpoint,latency_ms,status\n/a,12.5,200\n/a,slow,200\n/a,13,200\n/b,1,2,3\n",
    )
    .unwrap();
    let (_d, out) = out_dir();
    perfreport()
        .args(["build", file.to_str().unwrap(), "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "run.csv: line 3, column 2: `slow` in column `latency_ms` is not a number",
        ));
    let (_, _d2, out) = build(&[file.to_str().unwrap(), "--skip-bad-rows"]);
    let s = summary(&out);
    assert_eq!(s["runs"][0]["totals"]["requests"], 2);
    let w = s["runs"][0]["warnings"]
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
fn gzip_input_reads_like_the_plain_file() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("checkout.csv.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::default(),
    );
    enc.write_all(
        &std::fs::read(crate::common::root().join(fixture("generic/checkout.csv"))).unwrap(),
    )
    .unwrap();
    enc.finish().unwrap();
    let (_, _d1, plain) = build(&[&fixture("generic/checkout.csv")]);
    let (_, _d2, zipped) = build(&[gz.to_str().unwrap()]);
    // The source names the file, which differs; every figure must not.
    let (a, b) = (
        crate::common::without_sources(summary(&plain)),
        crate::common::without_sources(summary(&zipped)),
    );
    assert_eq!(a["runs"][0]["totals"], b["runs"][0]["totals"]);
    assert_eq!(a["runs"][0]["endpoints"], b["runs"][0]["endpoints"]);
}

#[test]
fn a_truncated_gzip_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("cut.csv.gz");
    let mut bytes = Vec::new();
    {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(&mut bytes, flate2::Compression::default());
        enc.write_all(
            &std::fs::read(crate::common::root().join(fixture("generic/checkout.csv"))).unwrap(),
        )
        .unwrap();
        enc.finish().unwrap();
    }
    std::fs::write(&gz, &bytes[..bytes.len() / 2]).unwrap();
    let (_d, out) = out_dir();
    perfreport()
        .args(["build", gz.to_str().unwrap(), "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cut.csv.gz"));
}
