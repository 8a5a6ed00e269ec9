//! `history export`: the recorded runs in the shapes other tools import.
//!
//! - **Apache Otava**, its JSON importer (`otava/importer.py`, `JsonImporter`;
//!   example `otava/examples/json/data/sample.json`): an array of
//!   `{"timestamp": <unix s>, "metrics": [{"name", "value"}], "attributes": {…}}`,
//!   one object per run of one test. Otava appends each metric's values in
//!   order and reads every attribute of every object, so every object has
//!   the same metrics (those all exported runs hold) and the same attributes
//!   (`""` when unknown; `branch` is the one Otava filters on).
//! - **Bencher Metric Format** (bencher.dev/docs/reference/bencher-metric-format):
//!   `{"<benchmark>": {"<measure>": {"value", "lower_value"?, "upper_value"?}}}`.
//!   One BMF document is one Bencher report, so each run is one document,
//!   one per line, in run order. Benchmarks are the scenario and
//!   `scenario: METHOD name` per endpoint; measures are `p50-ms`, `p95-ms`
//!   (lower/upper: P50 and P99), `p99-ms`, `error-rate` (a fraction) and
//!   Bencher's built-in `throughput` (operations per second = requests per second).
//!
//! Simulated runs are left out of both: those tools would treat them as measured.

use super::{Figures, StoredRun};
use serde_json::{json, Map, Value};

/// Otava's JSON for the runs of one scenario. Errors when `runs` hold several.
pub fn otava(runs: &[StoredRun]) -> anyhow::Result<Vec<u8>> {
    let runs: Vec<&StoredRun> = runs.iter().filter(|r| !r.run.simulated).collect();
    let mut scenarios: Vec<&str> = runs.iter().map(|r| r.run.scenario.as_str()).collect();
    scenarios.sort_unstable();
    scenarios.dedup();
    if scenarios.len() > 1 {
        anyhow::bail!(
            "--format otava: the history holds {} scenarios ({}); Otava reads one series per test, so give --scenario",
            scenarios.len(),
            scenarios.join(", ")
        );
    }
    type Get = fn(&StoredRun) -> Option<f64>;
    let all: [(&str, Get); 6] = [
        ("p50_ms", |r| r.run.totals.p50_ms),
        ("p95_ms", |r| r.run.totals.p95_ms),
        ("p99_ms", |r| r.run.totals.p99_ms),
        ("error_rate", |r| r.run.totals.error_rate),
        ("throughput_rps", |r| r.run.totals.throughput_rps),
        ("score", |r| r.run.score),
    ];
    let metrics: Vec<(&str, Get)> = all
        .into_iter()
        .filter(|(_, get)| runs.iter().all(|r| get(r).is_some_and(f64::is_finite)))
        .collect();
    let rows: Vec<Value> = runs
        .iter()
        .map(|r| {
            let p = &r.run.provenance;
            json!({
                "timestamp": timestamp(&r.run.run_at),
                "metrics": metrics.iter().map(|(name, get)| json!({"name": name, "value": get(r)})).collect::<Vec<_>>(),
                "attributes": {
                    "branch": p.branch.clone().unwrap_or_default(),
                    "commit": p.commit.clone().unwrap_or_default(),
                    "version": p.label.clone().unwrap_or_default(),
                    "run": r.id.to_string(),
                    "scenario": r.run.scenario,
                    "verdict": r.run.verdict.clone().unwrap_or_default(),
                }
            })
        })
        .collect();
    let mut out = serde_json::to_vec_pretty(&rows)?;
    out.push(b'\n');
    Ok(out)
}

/// Bencher Metric Format: one document per measured run, one per line.
pub fn bencher(runs: &[StoredRun]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    for r in runs.iter().filter(|r| !r.run.simulated) {
        let mut doc = Map::new();
        doc.insert(r.run.scenario.clone(), measures(&r.run.totals));
        for e in &r.run.endpoints {
            let name = crate::model::endpoint_label(&e.method, &e.name);
            doc.insert(format!("{}: {name}", r.run.scenario), measures(e));
        }
        serde_json::to_writer(&mut out, &Value::Object(doc))?;
        out.push(b'\n');
    }
    Ok(out)
}

fn measures(f: &Figures) -> Value {
    let mut m = Map::new();
    let finite = |v: Option<f64>| v.filter(|v| v.is_finite());
    if let Some(v) = finite(f.p50_ms) {
        m.insert("p50-ms".into(), json!({ "value": v }));
    }
    if let Some(v) = finite(f.p95_ms) {
        let mut o = Map::new();
        o.insert("value".into(), json!(v));
        if let (Some(lo), Some(hi)) = (finite(f.p50_ms), finite(f.p99_ms)) {
            o.insert("lower_value".into(), json!(lo));
            o.insert("upper_value".into(), json!(hi));
        }
        m.insert("p95-ms".into(), Value::Object(o));
    }
    if let Some(v) = finite(f.p99_ms) {
        m.insert("p99-ms".into(), json!({ "value": v }));
    }
    if let Some(v) = finite(f.error_rate) {
        m.insert("error-rate".into(), json!({ "value": v }));
    }
    if let Some(v) = finite(f.throughput_rps) {
        m.insert("throughput".into(), json!({ "value": v }));
    }
    Value::Object(m)
}

fn timestamp(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339).map_or(0, |t| t.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::tests::summary;
    use crate::history::{records_from_summary, Provenance};
    use std::path::Path;

    fn runs() -> Vec<StoredRun> {
        let p = Provenance {
            label: Some("v1".into()),
            branch: Some("main".into()),
            ..Provenance::default()
        };
        (0..3)
            .map(|i| StoredRun {
                id: i + 1,
                run: records_from_summary(
                    &summary(&[("peak", 40.0 + i as f64, true, &format!("d{i}"))]),
                    Path::new("s.json"),
                    &p,
                    &format!("2026-01-0{}T00:00:00+00:00", i + 1),
                )
                .unwrap()
                .remove(0),
            })
            .collect()
    }

    #[test]
    fn otava_json_has_the_importer_shape() {
        let v: Value = serde_json::from_slice(&otava(&runs()).unwrap()).unwrap();
        let rows = v.as_array().unwrap();
        assert_eq!(rows.len(), 3);
        // What Otava's JsonImporter reads: timestamp, metrics[].name/value, attributes.branch.
        assert_eq!(rows[0]["timestamp"], json!(1_767_225_600));
        assert_eq!(
            rows[2]["metrics"][1],
            json!({"name": "p95_ms", "value": 42.0})
        );
        assert_eq!(rows[0]["attributes"]["branch"], json!("main"));
        assert_eq!(rows[0]["attributes"]["version"], json!("v1"));
        for r in rows {
            assert_eq!(r["metrics"].as_array().unwrap().len(), 6);
        }
        let mut two = runs();
        two[1].run.scenario = "soak".into();
        assert!(otava(&two).unwrap_err().to_string().contains("--scenario"));
    }

    #[test]
    fn bencher_documents_follow_the_metric_format() {
        let text = String::from_utf8(bencher(&runs()).unwrap()).unwrap();
        let docs: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(docs.len(), 3);
        let d = &docs[0];
        assert_eq!(
            d["peak"]["p95-ms"],
            json!({"value": 40.0, "lower_value": 4.0, "upper_value": 12.0})
        );
        assert_eq!(d["peak: GET /a|b"]["throughput"], json!({"value": 10.0}));
        // BMF's schema: every measure object has a numeric `value`, and only value/lower_value/upper_value.
        for (_, bench) in d.as_object().unwrap() {
            for (_, m) in bench.as_object().unwrap() {
                let m = m.as_object().unwrap();
                assert!(m["value"].is_number());
                assert!(m
                    .keys()
                    .all(|k| ["value", "lower_value", "upper_value"].contains(&k.as_str())));
            }
        }
    }
}
