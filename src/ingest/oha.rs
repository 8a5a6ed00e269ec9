//! oha's JSON output (`oha --no-tui -j URL > oha.json`), bare or nested under
//! `.stdout.value` of a runner's envelope (`{"stdout":{"type":"json","value":{…}},
//! "stderr":…,"exitCode":…}`). Whole-run figures as oha computed them
//! (precision `tool`):
//!
//! - `summary`: `total` (duration), `slowest`, `fastest`, `average`,
//!   `requestsPerSec`; `latencyPercentiles` `p10`…`p99.99`. All in SECONDS.
//! - Requests: the responses in `statusCodeDistribution` plus the errors in
//!   `errorDistribution`. Failures: responses with status 400 or more, plus
//!   every error (no response). 3xx is not a failure.
//! - `aborted due to deadline` errors are the requests still in flight when
//!   `-z` ended: oha leaves them out of its `successRate` and so does this
//!   reader (neither requests nor failures), with a note giving their number.
//! - With no response at all, the latency figures are unknown (oha writes
//!   `null` or `NaN`-like zeros then).
//!
//! The endpoint is `(all requests)`: the file holds no URL.

use super::autocannon::{json_with_keys, parse_json, percentile_key, read_text};
use super::hey::ALL_REQUESTS;
use super::{ReadOptions, Reader, RunBuilder};
use crate::error::InputError;
use crate::model::{EndpointStats, LatencyStats, Precision};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The error oha gives requests cut off by the end of a `-z` run.
const DEADLINE: &str = "aborted due to deadline";

/// The oha `-j` reader.
pub struct Oha;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OhaJson {
    summary: Summary,
    latency_percentiles: Option<BTreeMap<String, Option<f64>>>,
    status_code_distribution: BTreeMap<String, u64>,
    #[serde(default)]
    error_distribution: BTreeMap<String, u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    total: Option<f64>,
    slowest: Option<f64>,
    fastest: Option<f64>,
    average: Option<f64>,
    requests_per_sec: Option<f64>,
}

#[derive(Deserialize)]
struct Envelope {
    stdout: Stdout,
}

#[derive(Deserialize)]
struct Stdout {
    value: OhaJson,
}

impl Reader for Oha {
    fn id(&self) -> &'static str {
        "oha-json"
    }

    fn describe(&self) -> &'static str {
        "oha JSON output (oha --no-tui -j URL > oha.json), bare or under .stdout.value"
    }

    fn sniff(&self, _name: &str, head: &[u8]) -> bool {
        json_with_keys(head, &["summary", "successRate", "requestsPerSec"])
    }

    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        _opts: &ReadOptions,
    ) -> Result<(), InputError> {
        builder.tool("oha", None);
        let text = read_text(path)?;
        let probe: serde_json::Value = parse_json(path, &text, "JSON document")?;
        let o: OhaJson = if probe.get("stdout").is_some() && probe.get("summary").is_none() {
            parse_json::<Envelope>(path, &text, "oha -j output under .stdout.value")?
                .stdout
                .value
        } else {
            parse_json(path, &text, "oha -j output")?
        };
        let mut responses = 0u64;
        let mut failed_responses = 0u64;
        for (code, n) in &o.status_code_distribution {
            let code: u16 = code.trim().parse().map_err(|_| {
                InputError::new(
                    path,
                    format!("statusCodeDistribution key `{code}` is not an HTTP status"),
                )
            })?;
            responses += n;
            if code >= 400 {
                failed_responses += n;
            }
        }
        let aborted = o.error_distribution.get(DEADLINE).copied().unwrap_or(0);
        let errors: u64 = o.error_distribution.values().sum::<u64>() - aborted;
        if aborted > 0 {
            builder.note(format!(
                "{aborted} requests were still in flight when oha's -z deadline ended (\"{DEADLINE}\"); \
                 like oha's successRate, they are counted neither as requests nor as failures"
            ));
        }
        let s = &o.summary;
        let mut latency = LatencyStats {
            precision: Precision::Tool,
            ..LatencyStats::default()
        };
        if responses > 0 {
            let ms = |v: Option<f64>| v.filter(|v| v.is_finite()).map(|v| v * 1000.0);
            latency.min_ms = ms(s.fastest);
            latency.max_ms = ms(s.slowest);
            latency.avg_ms = ms(s.average);
            for (k, v) in o.latency_percentiles.iter().flatten() {
                if let (Some(p), Some(v)) = (percentile_key(k), ms(*v)) {
                    latency.percentiles.insert(p, v);
                }
            }
        }
        if let Some(d) = s.total.filter(|d| *d > 0.0) {
            builder.duration(d);
        }
        let stats = |name: &str| EndpointStats {
            source: Some(super::whole_file(path)),
            method: String::new(),
            name: name.to_string(),
            requests: responses + errors,
            failures: failed_responses + errors,
            throughput_rps: s.requests_per_sec.filter(|r| r.is_finite()),
            failures_per_s: None,
            latency: latency.clone(),
            avg_content_bytes: None,
        };
        builder.endpoint(stats(ALL_REQUESTS));
        builder.totals(stats("Total"));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Percentile;

    fn read(json: &str) -> crate::model::Run {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("o.json");
        std::fs::write(&p, json).unwrap();
        let mut b = RunBuilder::new();
        Oha.read(&p, &mut b, &ReadOptions::default()).unwrap();
        b.build(crate::model::RunMeta::default()).unwrap()
    }

    #[test]
    fn bare_form_errors_and_statuses() {
        let run = read(
            r#"{"summary":{"successRate":0.9,"total":2.0,"slowest":0.5,"fastest":0.001,"average":0.01,"requestsPerSec":50.0},
               "latencyPercentiles":{"p50":0.01,"p95":0.2,"p99.9":0.4},
               "statusCodeDistribution":{"200":80,"301":5,"404":4,"503":1},
               "errorDistribution":{"connection refused":10,"aborted due to deadline":3}}"#,
        );
        assert_eq!(run.totals.requests, 100);
        assert_eq!(run.totals.failures, 15);
        assert_eq!(run.totals.latency.percentile(Percentile::P95), Some(200.0));
        assert_eq!(run.totals.latency.max_ms, Some(500.0));
        assert_eq!(run.meta.reader_notes.len(), 1);
    }

    #[test]
    fn every_request_failed_means_no_latency() {
        let run = read(
            r#"{"summary":{"successRate":0,"total":1.0,"slowest":null,"fastest":null,"average":null,"requestsPerSec":5.0},
               "latencyPercentiles":{"p50":null},"statusCodeDistribution":{},
               "errorDistribution":{"connection refused":5}}"#,
        );
        assert_eq!(run.totals.requests, 5);
        assert_eq!(run.totals.failures, 5);
        assert_eq!(run.totals.latency.avg_ms, None);
        assert_eq!(run.totals.latency.percentile(Percentile::P50), None);
    }

    #[test]
    fn sniffs_bare_and_wrapped() {
        assert!(Oha.sniff(
            "x.json",
            br#"{"stdout":{"type":"json","value":{"summary":{"successRate":1,"total":1,"requestsPerSec":2}}}}"#
        ));
        assert!(!Oha.sniff("x.json", br#"{"summary":{"total":1}}"#));
    }
}
