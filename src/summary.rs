//! The `summary.json` shape (schema `perfreport/summary/v1`) as it is read
//! back: by `compare/` (a summary as a baseline) and by `history/` (a build's
//! runs recorded, old summaries imported). `report/json.rs` writes it.
//!
//! These types sit below both readers so that neither imports from the
//! layer that writes the file. Fields are owned and lenient where older
//! summaries lack them (`#[serde(default)]`); a figure the summary does not
//! hold stays `None`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The schema id written into, and required of, every summary.
pub const SCHEMA: &str = "perfreport/summary/v1";

/// A whole summary file.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SummaryIn {
    /// The perfreport that wrote it (`perfreport 0.1.0`).
    pub generator: Option<String>,
    /// The SLA the build scored against.
    #[serde(default)]
    pub sla: Option<SlaIn>,
    /// One entry per run.
    pub runs: Vec<RunIn>,
}

/// The summary's `sla` object.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SlaIn {
    /// The SLA's name.
    pub name: String,
    /// Score at or above which a run passes (0–100).
    #[serde(default)]
    pub pass_score: Option<f64>,
}

/// One run of a summary.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RunIn {
    /// The run's name.
    pub name: String,
    /// The SLA this run was scored against (its scenario's, or the main one).
    #[serde(default)]
    pub sla: Option<String>,
    /// `scenario` of its run.toml.
    pub scenario: Option<String>,
    /// The load-testing tool (`locust`, `hey`, …).
    pub tool: String,
    /// The tool's version, when the input says.
    pub tool_version: Option<String>,
    /// The figures were not measured.
    #[serde(default)]
    pub simulated: bool,
    /// Why the run is simulated.
    pub simulated_reason: Option<String>,
    /// Start of the run, RFC 3339.
    #[serde(default)]
    pub started_at: Option<String>,
    /// Length of the run in seconds.
    pub duration_s: Option<f64>,
    /// Users measured.
    pub users: Option<u64>,
    /// Users planned (run.toml).
    pub users_planned: Option<u64>,
    /// The whole run's figures.
    pub totals: FiguresIn,
    /// Per-endpoint figures.
    pub endpoints: Vec<FiguresIn>,
    /// Per-transaction figures (JMeter Transaction Controllers), apart from
    /// the requests.
    #[serde(default)]
    pub transactions: Vec<FiguresIn>,
    /// The input held transaction rows only, so totals and endpoints count
    /// the transactions as the requests.
    #[serde(default, alias = "transactions_as_requests")]
    pub requests_are_transactions: bool,
    /// Failure groups.
    #[serde(default)]
    pub failures: Vec<FailureIn>,
    /// The score (absent from hand-written summaries).
    #[serde(default)]
    pub score: Option<ScoreIn>,
    /// Warnings raised on the run.
    #[serde(default)]
    pub warnings: Vec<WarningIn>,
    /// What the reader of the input wants known about it.
    #[serde(default)]
    pub notes: Vec<String>,
    /// The input files, with their digests.
    #[serde(default)]
    pub sources: Vec<SourceIn>,
}

/// Figures of a run's totals or of one endpoint.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct FiguresIn {
    /// HTTP method (endpoints only; empty for totals).
    #[serde(default)]
    pub method: String,
    /// Endpoint name (endpoints only; empty for totals).
    #[serde(default)]
    pub name: String,
    /// Requests made.
    pub requests: Option<u64>,
    /// Unexpected failures.
    pub failures: Option<u64>,
    /// Unexpected failures ÷ requests (a fraction).
    #[serde(default)]
    pub error_rate: Option<f64>,
    /// Requests per second.
    pub throughput_rps: Option<f64>,
    /// Response times.
    pub latency_ms: LatencyIn,
    /// File and line (or files) the figures come from.
    pub source: Option<String>,
}

/// Response times in milliseconds.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct LatencyIn {
    /// Fastest response, ms.
    pub min: Option<f64>,
    /// Mean response, ms.
    pub avg: Option<f64>,
    /// Median, ms.
    pub p50: Option<f64>,
    /// 90th percentile, ms.
    pub p90: Option<f64>,
    /// 95th percentile, ms.
    pub p95: Option<f64>,
    /// 99th percentile, ms.
    pub p99: Option<f64>,
    /// Slowest response, ms.
    pub max: Option<f64>,
    /// Every percentile the input holds, keyed `p75`, `p99.9`.
    #[serde(default)]
    pub percentiles: BTreeMap<String, f64>,
    /// `exact`, `histogram` or `tool`.
    pub precision: Option<String>,
}

/// One failure group.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct FailureIn {
    /// HTTP method.
    pub method: String,
    /// Endpoint name.
    pub name: String,
    /// Error text.
    pub error: String,
    /// HTTP status, when there was one.
    pub status: Option<u16>,
    /// How many times it happened.
    pub occurrences: u64,
}

/// A run's score.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ScoreIn {
    /// 0–100.
    pub value: f64,
    /// The grade band.
    #[serde(default)]
    pub grade: Option<String>,
    /// Score ≥ pass_score and no gate failed.
    pub passed: bool,
    /// The verdict as printed (`PASS`, `FAIL`, `NOT VALID FOR SIGN-OFF`, …).
    #[serde(default)]
    pub verdict: Option<String>,
}

/// A warning raised on a run.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct WarningIn {
    /// Stable code (`small-sample`).
    pub code: String,
    /// `error`, `warning` or `info`.
    #[serde(default)]
    pub severity: Option<String>,
    /// The sentence shown.
    pub message: String,
}

/// One input file of a run.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SourceIn {
    /// The path as given.
    pub path: String,
    /// Its role (`requests`, `stats`).
    #[serde(default)]
    pub role: String,
    /// Whether perfreport read it.
    #[serde(default)]
    pub read: bool,
    /// BLAKE3 of its bytes.
    pub blake3: Option<String>,
}

impl RunIn {
    /// The verdict as a short code, `pass`, `fail`, `inconclusive` or
    /// `not-valid`: the summary's own `verdict` when it has one, else
    /// derived from `simulated` and `score.passed`; `None` without a score.
    pub fn verdict_code(&self) -> Option<String> {
        if let Some(v) = self.score.as_ref().and_then(|s| s.verdict.as_deref()) {
            let v = v.trim().to_ascii_lowercase();
            return Some(if v.starts_with("not valid") || v == "not-valid" {
                "not-valid".to_string()
            } else {
                v.replace(' ', "-")
            });
        }
        let score = self.score.as_ref()?;
        Some(
            if self.simulated {
                "not-valid"
            } else if score.passed {
                "pass"
            } else {
                "fail"
            }
            .to_string(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(score: &str) -> RunIn {
        serde_json::from_str(&format!(
            r#"{{"name":"peak","scenario":null,"tool":"hey","tool_version":null,
                "simulated_reason":null,"duration_s":null,"users":null,"users_planned":null,
                "totals":{{"requests":1,"failures":0,"throughput_rps":null,"source":null,
                  "latency_ms":{{"min":null,"avg":null,"p50":null,"p90":null,"p95":null,"p99":null,"max":null,"precision":null}}}},
                "endpoints":[]{score}}}"#
        ))
        .unwrap()
    }

    #[test]
    fn the_verdict_is_read_or_derived_as_a_short_code() {
        assert_eq!(run("").verdict_code(), None);
        assert_eq!(
            run(r#","score":{"value":80,"passed":true}"#).verdict_code(),
            Some("pass".into())
        );
        assert_eq!(
            run(r#","score":{"value":80,"passed":false}"#).verdict_code(),
            Some("fail".into())
        );
        assert_eq!(
            run(r#","score":{"value":80,"passed":true,"verdict":"NOT VALID FOR SIGN-OFF"}"#)
                .verdict_code(),
            Some("not-valid".into())
        );
        assert_eq!(
            run(r#","score":{"value":80,"passed":true,"verdict":"INCONCLUSIVE"}"#).verdict_code(),
            Some("inconclusive".into())
        );
    }
}
