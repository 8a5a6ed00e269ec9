//! Locust's --json output: counts and percentiles against the file's own
//! tables, and never read twice beside the same run's CSVs.

use crate::common::{assert_close, build, fixture, nearest, root, summary};
use serde_json::Value;

#[test]
fn counts_and_percentiles_come_from_the_files_own_tables() {
    let text = std::fs::read_to_string(root().join(fixture("locust/json/peak.json"))).unwrap();
    let entries: Vec<Value> = serde_json::from_str(&text).unwrap();
    let (_, _d, out) = build(&[&fixture("locust/json/peak.json")]);
    let s = summary(&out);
    let run = &s["runs"][0];
    assert_eq!(run["tool"], "locust");
    let mut all = Vec::new();
    for e in &entries {
        let mut values = Vec::new();
        for (ms, n) in e["response_times"].as_object().unwrap() {
            values.extend(std::iter::repeat_n(
                ms.parse::<f64>().unwrap(),
                n.as_u64().unwrap() as usize,
            ));
        }
        let ep = run["endpoints"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["name"] == e["name"])
            .unwrap();
        assert_eq!(ep["requests"], e["num_requests"]);
        assert_eq!(ep["failures"], e["num_failures"]);
        assert_close(
            &ep["latency_ms"]["p95"],
            nearest(&mut values.clone(), 95.0),
            "p95",
        );
        assert_close(
            &ep["latency_ms"]["max"],
            e["max_response_time"].as_f64().unwrap(),
            "max",
        );
        all.extend(values);
    }
    let requests: u64 = entries
        .iter()
        .map(|e| e["num_requests"].as_u64().unwrap())
        .sum();
    assert_eq!(run["totals"]["requests"].as_u64(), Some(requests));
    for (key, pct) in [("p50", 50.0), ("p95", 95.0), ("p99", 99.0)] {
        assert_close(
            &run["totals"]["latency_ms"][key],
            nearest(&mut all.clone(), pct),
            key,
        );
    }
    assert!(run["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n.as_str().unwrap().contains("does not describe them")));
}

#[test]
fn beside_the_same_runs_csvs_the_json_is_listed_not_read() {
    let dir = tempfile::tempdir().unwrap();
    for f in [
        "peak_stats.csv",
        "peak_failures.csv",
        "peak_stats_history.csv",
    ] {
        std::fs::copy(
            root().join("samples/locust-peak").join(f),
            dir.path().join(f),
        )
        .unwrap();
    }
    std::fs::copy(
        root().join(fixture("locust/json/peak.json")),
        dir.path().join("peak.json"),
    )
    .unwrap();
    let (_, _d, out) = build(&[dir.path().to_str().unwrap()]);
    let s = summary(&out);
    assert_eq!(s["runs"].as_array().unwrap().len(), 1);
    let run = &s["runs"][0];
    assert_eq!(
        run["totals"]["requests"], 1772,
        "the CSV's count, not the JSON's 1,789 nor both"
    );
    assert_eq!(run["endpoints"].as_array().unwrap().len(), 13);
    let json = run["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["path"].as_str().unwrap().ends_with("peak.json"))
        .unwrap();
    assert_eq!(json["read"], false);
}
