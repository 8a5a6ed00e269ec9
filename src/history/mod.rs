//! The run history: every recorded run kept in a database, read back for
//! trends, change points and a baseline picked from history.
//!
//! Runs go in and come out through the `summary.json` types
//! ([`crate::summary`]): a build records the summary it just wrote, and
//! `history import` records old summaries the same way. Besides the figures,
//! a record keeps the mergeable latency histograms (HdrHistogram V2), so any
//! percentile can be recomputed from history alone.
//!
//! The store is one small trait, [`Store`]; [`sqlite`] is the embedded
//! default. The schema is versioned ([`SCHEMA_VERSION`]); a database written
//! by a newer perfreport is refused, never rewritten. This module sits
//! between `sla` and `report`: it knows nothing of rendering.

pub mod baseline;
pub mod changepoint;
pub mod export;
pub mod postgresql;
pub mod sqlite;
#[cfg(test)]
mod suite;
pub mod trend;

use crate::summary::{FiguresIn, RunIn, SummaryIn, SCHEMA};
use anyhow::Context;
use std::path::Path;

/// The history schema this perfreport writes and reads.
pub const SCHEMA_VERSION: i64 = 1;

/// A run's figures (its totals, or one endpoint).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Figures {
    /// HTTP method (empty for totals).
    pub method: String,
    /// Endpoint name (empty for totals).
    pub name: String,
    /// Requests made.
    pub requests: Option<u64>,
    /// Unexpected failures.
    pub failures: Option<u64>,
    /// Unexpected failures ÷ requests (a fraction).
    pub error_rate: Option<f64>,
    /// Requests per second.
    pub throughput_rps: Option<f64>,
    /// Median, ms.
    pub p50_ms: Option<f64>,
    /// 90th percentile, ms.
    pub p90_ms: Option<f64>,
    /// 95th percentile, ms.
    pub p95_ms: Option<f64>,
    /// 99th percentile, ms.
    pub p99_ms: Option<f64>,
    /// Fastest, ms.
    pub min_ms: Option<f64>,
    /// Mean, ms.
    pub avg_ms: Option<f64>,
    /// Slowest, ms.
    pub max_ms: Option<f64>,
    /// The latency histogram in HdrHistogram V2 format (µs, 3 significant
    /// digits), when the run had per-request data.
    pub histogram: Option<Vec<u8>>,
}

impl Figures {
    fn from_summary(f: &FiguresIn) -> Figures {
        let l = &f.latency_ms;
        Figures {
            method: f.method.clone(),
            name: f.name.clone(),
            requests: f.requests,
            failures: f.failures,
            error_rate: f.error_rate,
            throughput_rps: f.throughput_rps,
            p50_ms: l.p50,
            p90_ms: l.p90,
            p95_ms: l.p95,
            p99_ms: l.p99,
            min_ms: l.min,
            avg_ms: l.avg,
            max_ms: l.max,
            histogram: None,
        }
    }
}

/// Where a run came from, besides its summary: the label and the CI context.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Provenance {
    /// `--label` (a release such as `v2.4.0`).
    pub label: Option<String>,
    /// The commit (`GITHUB_SHA`, `CI_COMMIT_SHA`).
    pub commit: Option<String>,
    /// The branch (`GITHUB_REF_NAME`, `CI_COMMIT_REF_NAME`).
    pub branch: Option<String>,
    /// The run's report (`report/index.html`), when written by a build.
    pub report_path: Option<String>,
}

impl Provenance {
    /// `label` plus the commit and branch from the CI variables GitHub
    /// Actions and GitLab CI set, read through `var`.
    pub fn from_env(label: Option<String>, var: impl Fn(&str) -> Option<String>) -> Provenance {
        let first = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| var(n).filter(|v| !v.trim().is_empty()))
        };
        Provenance {
            label,
            commit: first(&["GITHUB_SHA", "CI_COMMIT_SHA"]),
            branch: first(&["GITHUB_REF_NAME", "CI_COMMIT_REF_NAME"]),
            report_path: None,
        }
    }
}

/// One run as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    /// Identity: BLAKE3 over the scenario and the input digests (or the
    /// run's summary when it names no digests). The same run recorded twice
    /// has the same digest and is stored once.
    pub digest: String,
    /// When the run ran (RFC 3339): its start, else when it was recorded.
    pub run_at: String,
    /// When it was recorded (RFC 3339).
    pub recorded_at: String,
    /// Its start as the input says (RFC 3339).
    pub started_at: Option<String>,
    /// Label, commit, branch, report path.
    pub provenance: Provenance,
    /// `scenario` of run.toml, else the run's name: the key runs are grouped by.
    pub scenario: String,
    /// The run's name.
    pub name: String,
    /// The load-testing tool.
    pub tool: String,
    /// Users measured (else planned).
    pub users: Option<u64>,
    /// The SLA's name.
    pub sla: Option<String>,
    /// `pass`, `fail`, `inconclusive` or `not-valid`.
    pub verdict: Option<String>,
    /// SLA score, 0–100.
    pub score: Option<f64>,
    /// The SLA's pass mark, 0–100 (when the summary says which SLA the run was scored against).
    pub pass_score: Option<f64>,
    /// The figures were not measured.
    pub simulated: bool,
    /// Length of the run, seconds.
    pub duration_s: Option<f64>,
    /// The whole run's figures.
    pub totals: Figures,
    /// Per-endpoint figures.
    pub endpoints: Vec<Figures>,
    /// (code, severity, message) of each warning.
    pub warnings: Vec<(String, String, String)>,
    /// (path, BLAKE3) of each input file.
    pub inputs: Vec<(String, Option<String>)>,
    /// The run's object from summary.json, verbatim.
    pub summary_json: String,
}

/// A run read back from the store.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRun {
    /// Row id: increases with each recording.
    pub id: i64,
    /// The run.
    pub run: RunRecord,
}

/// What recording one run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// Stored under this id.
    New(i64),
    /// Already in the history under this id (same digest): not stored again.
    Duplicate(i64),
}

/// Which runs to read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    /// Only the run with this id.
    pub id: Option<i64>,
    /// Only this scenario.
    pub scenario: Option<String>,
    /// Only the last N runs of each scenario.
    pub last: Option<usize>,
    /// Read per-endpoint figures too.
    pub endpoints: bool,
    /// Read histograms too (they are the bulk of the data).
    pub histograms: bool,
}

/// What `history prune` removes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Prune {
    /// Keep only the newest N runs of each scenario.
    pub keep: Option<usize>,
    /// Remove runs that ran before this time (RFC 3339).
    pub before: Option<String>,
}

/// A run store. Every method is one transaction: a recording lands whole or
/// not at all.
pub trait Store {
    /// Records `runs`, skipping those already stored (same digest).
    fn record(&mut self, runs: &[RunRecord]) -> anyhow::Result<Vec<Recorded>>;
    /// Reads runs in run order (`run_at`, then recording order).
    fn runs(&mut self, query: &Query) -> anyhow::Result<Vec<StoredRun>>;
    /// Removes runs; returns how many.
    fn prune(&mut self, prune: &Prune) -> anyhow::Result<usize>;
}

/// Opens the history at `location`: a `postgres://` (or `postgresql://`) URL,
/// else a SQLite file path. With `create`, a missing file is created;
/// without, it is an error naming the path.
pub fn open(location: &str, create: bool) -> anyhow::Result<Box<dyn Store>> {
    if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        return Ok(Box::new(postgresql::PostgresStore::open(location)?));
    }
    Ok(Box::new(sqlite::SqliteStore::open(
        Path::new(location),
        create,
    )?))
}

/// Turns a summary (the bytes of a `summary.json`) into records. `path`
/// names the file in errors; `now` is the recording time (RFC 3339).
pub fn records_from_summary(
    bytes: &[u8],
    path: &Path,
    provenance: &Provenance,
    now: &str,
) -> anyhow::Result<Vec<RunRecord>> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{}: line {}, column {}: not valid JSON: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    match value.get("schema").and_then(|s| s.as_str()) {
        Some(SCHEMA) => {}
        Some(other) => anyhow::bail!(
            "{}: schema `{other}` is not one this perfreport reads ({SCHEMA})",
            path.display()
        ),
        None => anyhow::bail!(
            "{}: not a perfreport summary: no \"schema\": \"{SCHEMA}\"",
            path.display()
        ),
    }
    let run_values: Vec<serde_json::Value> = value
        .get("runs")
        .and_then(|r| r.as_array())
        .cloned()
        .unwrap_or_default();
    let summary: SummaryIn = serde_json::from_value(value)
        .with_context(|| format!("{}: not a valid {SCHEMA} summary", path.display()))?;
    let main_sla = summary.sla.as_ref();
    summary
        .runs
        .iter()
        .zip(&run_values)
        .map(|(r, v)| record_from_run(r, v, main_sla, provenance, now))
        .collect()
}

fn record_from_run(
    r: &RunIn,
    value: &serde_json::Value,
    main_sla: Option<&crate::summary::SlaIn>,
    provenance: &Provenance,
    now: &str,
) -> anyhow::Result<RunRecord> {
    let scenario = r.scenario.clone().unwrap_or_else(|| r.name.clone());
    let summary_json = serde_json::to_string(value)?;
    let digests: Vec<&str> = r
        .sources
        .iter()
        .filter_map(|s| s.blake3.as_deref())
        .collect();
    let digest = {
        let mut h = blake3::Hasher::new();
        h.update(scenario.as_bytes());
        h.update(b"\n");
        h.update(r.name.as_bytes());
        h.update(b"\n");
        if digests.is_empty() {
            h.update(summary_json.as_bytes());
        } else {
            let mut sorted = digests.clone();
            sorted.sort_unstable();
            for d in sorted {
                h.update(d.as_bytes());
                h.update(b"\n");
            }
        }
        h.finalize().to_hex().to_string()
    };
    let started_at = r.started_at.clone();
    Ok(RunRecord {
        digest,
        run_at: started_at.clone().unwrap_or_else(|| now.to_string()),
        recorded_at: now.to_string(),
        started_at,
        provenance: provenance.clone(),
        scenario,
        name: r.name.clone(),
        tool: r.tool.clone(),
        users: r.users.or(r.users_planned),
        sla: r.sla.clone().or_else(|| main_sla.map(|s| s.name.clone())),
        verdict: r.verdict_code(),
        score: r.score.as_ref().map(|s| s.value),
        // The main SLA's pass mark holds for runs scored against it.
        pass_score: main_sla
            .filter(|m| r.sla.as_ref().is_none_or(|s| *s == m.name))
            .and_then(|m| m.pass_score),
        simulated: r.simulated,
        duration_s: r.duration_s,
        totals: Figures::from_summary(&r.totals),
        endpoints: r.endpoints.iter().map(Figures::from_summary).collect(),
        warnings: r
            .warnings
            .iter()
            .map(|w| {
                (
                    w.code.clone(),
                    w.severity.clone().unwrap_or_default(),
                    w.message.clone(),
                )
            })
            .collect(),
        inputs: r
            .sources
            .iter()
            .map(|s| (s.path.clone(), s.blake3.clone()))
            .collect(),
        summary_json,
    })
}

/// The current time as RFC 3339 (UTC, whole seconds), as the store keeps it.
pub fn now_rfc3339() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S+00:00")
        .to_string()
}

/// Parses `180d`, `12h`, `4w` into seconds (for `--older-than`).
pub fn parse_age(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: i64 = num
        .parse()
        .map_err(|_| format!("`{text}`: give a whole number and a unit, e.g. 180d"))?;
    let per = match unit {
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(format!("`{text}`: the unit must be h, d or w (e.g. 180d)")),
    };
    n.checked_mul(per)
        .ok_or_else(|| format!("`{text}`: too large"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A summary with one run per (scenario, p95, passed, digest) tuple.
    pub(crate) fn summary(runs: &[(&str, f64, bool, &str)]) -> Vec<u8> {
        let runs: Vec<serde_json::Value> = runs
            .iter()
            .map(|(scenario, p95, passed, digest)| {
                serde_json::json!({
                    "name": scenario, "scenario": scenario, "tool": "hey", "tool_version": null,
                    "simulated": false, "simulated_reason": null, "started_at": null,
                    "duration_s": 10.0, "users": 5, "users_planned": null,
                    "totals": {"requests": 100, "failures": 1, "error_rate": 0.01,
                               "throughput_rps": 10.0, "source": null,
                               "latency_ms": {"min": 1.0, "avg": 5.0, "p50": 4.0, "p90": 8.0,
                                              "p95": p95, "p99": 12.0, "max": 20.0,
                                              "percentiles": {}, "precision": "exact"}},
                    "endpoints": [{"method": "GET", "name": "/a|b", "requests": 100, "failures": 1,
                               "error_rate": 0.01, "throughput_rps": 10.0, "source": null,
                               "latency_ms": {"min": 1.0, "avg": 5.0, "p50": 4.0, "p90": 8.0,
                                              "p95": p95, "p99": 12.0, "max": 20.0,
                                              "percentiles": {}, "precision": "exact"}}],
                    "score": {"value": if *passed { 90.0 } else { 40.0 }, "grade": "GOOD",
                              "passed": passed, "verdict": if *passed { "PASS" } else { "FAIL" }},
                    "warnings": [{"code": "small-sample", "severity": "warning", "message": "few"}],
                    "sources": [{"path": "r.csv", "role": "requests", "read": true, "blake3": digest}]
                })
            })
            .collect();
        serde_json::to_vec(&serde_json::json!({
            "schema": SCHEMA, "generator": "perfreport test",
            "sla": {"name": "Peak", "source": "peak.toml", "pass_score": 70.0},
            "runs": runs
        }))
        .unwrap()
    }

    #[test]
    fn a_summary_becomes_records_with_its_figures_and_an_identity_from_its_inputs() {
        let p = Provenance {
            label: Some("v2.4.0".into()),
            ..Provenance::default()
        };
        let now = "2026-12-02T04:00:00+00:00";
        let a = records_from_summary(
            &summary(&[("peak", 42.0, true, "d1")]),
            Path::new("s.json"),
            &p,
            now,
        )
        .unwrap();
        assert_eq!(a.len(), 1);
        let r = &a[0];
        assert_eq!(r.scenario, "peak");
        assert_eq!(r.totals.p95_ms, Some(42.0));
        assert_eq!(r.endpoints[0].name, "/a|b");
        assert_eq!(r.verdict.as_deref(), Some("pass"));
        assert_eq!(r.sla.as_deref(), Some("Peak"));
        assert_eq!(r.run_at, now);
        assert_eq!(r.warnings[0].0, "small-sample");
        // Same inputs, different figures: same run (the digests say so).
        let b = records_from_summary(
            &summary(&[("peak", 50.0, true, "d1")]),
            Path::new("s.json"),
            &p,
            now,
        )
        .unwrap();
        assert_eq!(a[0].digest, b[0].digest);
        let c = records_from_summary(
            &summary(&[("peak", 42.0, true, "d2")]),
            Path::new("s.json"),
            &p,
            now,
        )
        .unwrap();
        assert_ne!(a[0].digest, c[0].digest);
    }

    #[test]
    fn ci_variables_fill_commit_and_branch() {
        let env = |k: &str| match k {
            "CI_COMMIT_SHA" => Some("abc123".to_string()),
            "GITHUB_REF_NAME" => Some("main".to_string()),
            "GITHUB_SHA" => Some("  ".to_string()),
            _ => None,
        };
        let p = Provenance::from_env(Some("v1".into()), env);
        assert_eq!(p.commit.as_deref(), Some("abc123"));
        assert_eq!(p.branch.as_deref(), Some("main"));
    }

    #[test]
    fn ages_parse_with_units() {
        assert_eq!(parse_age("180d"), Ok(180 * 86_400));
        assert_eq!(parse_age("2w"), Ok(14 * 86_400));
        assert!(parse_age("180").is_err());
        assert!(parse_age("d").is_err());
        assert!(parse_age("99999999999999999999d").is_err());
    }

    #[test]
    fn a_bad_summary_names_the_file() {
        let e = records_from_summary(
            b"{\n x",
            Path::new("old/summary.json"),
            &Provenance::default(),
            "t",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("old/summary.json: line 2"), "{e}");
        let e = records_from_summary(
            br#"{"schema":"perfreport/summary/v9","runs":[]}"#,
            Path::new("x.json"),
            &Provenance::default(),
            "t",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("x.json") && e.contains("v9"), "{e}");
    }
}
