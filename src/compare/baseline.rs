//! Loading one side of a comparison: a previous `summary.json` (schema
//! `perfreport/summary/v1`), a directory holding one, or a results directory
//! read with the normal readers.
//!
//! A summary becomes [`Run`]s again, holding exactly the figures the summary
//! holds (no histograms: a summary has no raw samples), so both sides are
//! scored and classified by the same SLA. Every error names the file.

use crate::error::{InputError, Position};
use crate::ingest::{self, ReadOptions};
use crate::model::{
    EndpointStats, FailureGroup, LatencyStats, Percentile, Precision, Run, RunMeta, SourceFile,
};
use crate::report::json::SCHEMA;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where the figures of one side came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    /// The path as given.
    pub path: String,
    /// `summary.json` or `results`.
    pub kind: OriginKind,
    /// The perfreport that wrote the summary (`perfreport 0.1.0`).
    pub generator: Option<String>,
    /// BLAKE3 of the summary file.
    pub blake3: Option<String>,
}

/// What kind of input a side was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OriginKind {
    /// A perfreport `summary.json`: aggregates only.
    Summary,
    /// Result files read by perfreport's readers.
    Results,
}

impl OriginKind {
    /// `summary.json` / `results`.
    pub fn code(self) -> &'static str {
        match self {
            OriginKind::Summary => "summary.json",
            OriginKind::Results => "results",
        }
    }
}

/// Loads the runs at `path`: a perfreport summary (a file, or with
/// `dir_summary` a directory holding `summary.json`), else result files.
pub fn load(
    path: &Path,
    opts: &ReadOptions,
    dir_summary: bool,
) -> Result<(Origin, Vec<Run>), InputError> {
    if let Some(summary) = summary_file(path, dir_summary)? {
        let text = std::fs::read_to_string(&summary)
            .map_err(|e| InputError::new(&summary, format!("cannot read: {e}")))?;
        let (generator, runs) = parse_summary(&text, &summary)?;
        return Ok((
            Origin {
                path: summary.display().to_string(),
                kind: OriginKind::Summary,
                generator,
                blake3: Some(blake3_hex(text.as_bytes())),
            },
            runs,
        ));
    }
    let runs = ingest::load(&[path.to_path_buf()], false, opts)?;
    Ok((
        Origin {
            path: path.display().to_string(),
            kind: OriginKind::Results,
            generator: None,
            blake3: None,
        },
        runs,
    ))
}

/// The summary file `path` is or holds, if it is a perfreport summary.
pub fn summary_file(path: &Path, dir_summary: bool) -> Result<Option<PathBuf>, InputError> {
    if path.is_dir() && !dir_summary {
        return Ok(None);
    }
    let candidate = if path.is_dir() {
        path.join("summary.json")
    } else {
        path.to_path_buf()
    };
    if !candidate.is_file() {
        return Ok(None);
    }
    let head = ingest::input::head(&candidate)?;
    let text = String::from_utf8_lossy(&head);
    let is_json = text.trim_start().starts_with('{');
    // Ours (any version, so a newer one gets a clear error), or a file named
    // summary.json given directly that is not another tool's (k6 writes one too).
    let ours = text.contains("\"perfreport/summary/");
    Ok((is_json && ours).then_some(candidate))
}

#[derive(Deserialize)]
struct SummaryIn {
    generator: Option<String>,
    runs: Vec<RunIn>,
}

#[derive(Deserialize)]
struct RunIn {
    name: String,
    scenario: Option<String>,
    tool: String,
    tool_version: Option<String>,
    #[serde(default)]
    simulated: bool,
    simulated_reason: Option<String>,
    duration_s: Option<f64>,
    users: Option<u64>,
    users_planned: Option<u64>,
    totals: FiguresIn,
    endpoints: Vec<FiguresIn>,
    #[serde(default)]
    transactions: Vec<FiguresIn>,
    #[serde(default)]
    transactions_as_requests: bool,
    #[serde(default)]
    failures: Vec<FailureIn>,
    #[serde(default)]
    notes: Vec<String>,
}

#[derive(Deserialize)]
struct FiguresIn {
    #[serde(default)]
    method: String,
    #[serde(default)]
    name: String,
    requests: Option<u64>,
    failures: Option<u64>,
    throughput_rps: Option<f64>,
    latency_ms: LatencyIn,
    source: Option<String>,
}

#[derive(Deserialize)]
struct LatencyIn {
    min: Option<f64>,
    avg: Option<f64>,
    p50: Option<f64>,
    p90: Option<f64>,
    p95: Option<f64>,
    p99: Option<f64>,
    max: Option<f64>,
    #[serde(default)]
    percentiles: BTreeMap<String, f64>,
    precision: Option<String>,
}

#[derive(Deserialize)]
struct FailureIn {
    method: String,
    name: String,
    error: String,
    status: Option<u16>,
    occurrences: u64,
}

/// Parses a summary's text into runs; `path` is named in every error.
pub fn parse_summary(text: &str, path: &Path) -> Result<(Option<String>, Vec<Run>), InputError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        InputError::at(
            path,
            Position {
                line: e.line() as u64,
                column: Some(e.column() as u64),
            },
            format!("not valid JSON: {e}"),
        )
    })?;
    match value.get("schema").and_then(|s| s.as_str()) {
        Some(SCHEMA) => {}
        Some(other) => {
            return Err(InputError::new(
                path,
                format!("schema `{other}` is not one this perfreport reads ({SCHEMA})"),
            ))
        }
        None => {
            return Err(InputError::new(
                path,
                format!("not a perfreport summary: no \"schema\": \"{SCHEMA}\""),
            ))
        }
    }
    let summary: SummaryIn = serde_json::from_value(value)
        .map_err(|e| InputError::new(path, format!("not a valid {SCHEMA} summary: {e}")))?;
    let file = path.display().to_string();
    let sha = blake3_hex(text.as_bytes());
    let runs = summary
        .runs
        .into_iter()
        .map(|r| run_from(r, &file, &sha))
        .collect();
    Ok((summary.generator, runs))
}

fn run_from(r: RunIn, file: &str, sha: &str) -> Run {
    let no_request_counts = r.totals.requests.is_none();
    let no_failure_data = r.totals.failures.is_none();
    let mut notes = r.notes;
    notes.push(format!(
        "Read from the perfreport summary {file}: aggregated figures only, no per-request data."
    ));
    let meta = RunMeta {
        name: r.name,
        scenario: r.scenario,
        tool: r.tool,
        tool_version: r.tool_version,
        users_recorded: r.users,
        users_planned: r.users_planned,
        simulated: r.simulated,
        simulated_reason: r.simulated_reason,
        duration_s: r.duration_s,
        reader_notes: notes,
        no_failure_data,
        no_request_counts,
        transactions_as_requests: r.transactions_as_requests,
        ..RunMeta::default()
    };
    let mut totals = endpoint_from(r.totals, file);
    if totals.name.is_empty() {
        totals.name = "Total".to_string();
    }
    Run {
        meta,
        totals,
        endpoints: r
            .endpoints
            .into_iter()
            .map(|e| endpoint_from(e, file))
            .collect(),
        transactions: r
            .transactions
            .into_iter()
            .map(|e| endpoint_from(e, file))
            .collect(),
        series: Vec::new(),
        resources: Vec::new(),
        failures: r
            .failures
            .into_iter()
            .map(|f| FailureGroup {
                method: f.method,
                name: f.name,
                error: f.error,
                status: f.status,
                occurrences: f.occurrences,
            })
            .collect(),
        exceptions: Vec::new(),
        sources: vec![SourceFile {
            path: file.to_string(),
            role: format!("perfreport summary ({SCHEMA})"),
            read: true,
            blake3: Some(sha.to_string()),
        }],
    }
}

fn endpoint_from(f: FiguresIn, file: &str) -> EndpointStats {
    let l = f.latency_ms;
    let mut percentiles: BTreeMap<Percentile, f64> = l
        .percentiles
        .iter()
        .filter_map(|(k, v)| k.parse::<Percentile>().ok().map(|p| (p, *v)))
        .collect();
    for (p, v) in [
        (Percentile::P50, l.p50),
        (Percentile::P90, l.p90),
        (Percentile::P95, l.p95),
        (Percentile::P99, l.p99),
    ] {
        if let Some(v) = v {
            percentiles.insert(p, v);
        }
    }
    EndpointStats {
        method: f.method,
        name: f.name,
        requests: f.requests.unwrap_or(0),
        failures: f.failures.unwrap_or(0),
        throughput_rps: f.throughput_rps,
        failures_per_s: None,
        latency: LatencyStats {
            min_ms: l.min,
            avg_ms: l.avg,
            max_ms: l.max,
            percentiles,
            precision: match l.precision.as_deref() {
                Some("exact") => Precision::Exact,
                Some("histogram") => Precision::Histogram {
                    significant_digits: crate::stats::histogram::SIGNIFICANT_DIGITS,
                },
                _ => Precision::Tool,
            },
            histogram: None,
        },
        avg_content_bytes: None,
        source: Some(match f.source {
            Some(s) => format!("{s}, via {file}"),
            None => ingest::whole_file(Path::new(file)),
        }),
    }
}

fn blake3_hex(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_file_and_place() {
        let p = Path::new("base/summary.json");
        let e = parse_summary("{\n  \"schema\": ", p)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("base/summary.json: line 2"), "{e}");
        let e = parse_summary("{\"schema\": \"perfreport/summary/v9\"}", p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("base/summary.json") && e.contains("v9"), "{e}");
        let e = parse_summary("{\"schema\": \"perfreport/summary/v1\"}", p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("base/summary.json") && e.contains("runs"), "{e}");
        let e = parse_summary("[]", p).unwrap_err().to_string();
        assert!(
            e.contains("base/summary.json: not a perfreport summary"),
            "{e}"
        );
    }
}
