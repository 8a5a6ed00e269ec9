//! `summary.json` (schema `perfreport/summary/v1`): the figures as numbers,
//! for CI and as a later baseline. Rates are fractions, latencies ms,
//! durations seconds; a figure the input does not hold is `null`.

use super::Report;
use crate::model::Percentile;
use crate::stats::Figures;
use serde::Serialize;
use std::collections::BTreeMap;

/// The schema id written into every summary (defined with the read types).
pub use crate::summary::SCHEMA;

#[derive(Serialize)]
struct Summary<'a> {
    schema: &'static str,
    generator: String,
    sla: SlaSummary<'a>,
    passed: bool,
    /// The whole build: the worst run verdict (`pass`, `inconclusive`,
    /// `fail`, `not-valid`), `fail` when a regression was found.
    verdict: &'static str,
    /// The one line every report opens with.
    overall: &'a str,
    runs: Vec<RunSummary<'a>>,
    /// Several runs: the matrix order and the breaking point.
    #[serde(skip_serializing_if = "Option::is_none")]
    scenario_set: Option<ScenarioSetJson>,
    /// The comparison with a baseline, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    comparison: Option<serde_json::Value>,
}

#[derive(Serialize)]
struct ScenarioSetJson {
    /// Run names in ladder order (users, then name): the matrix columns.
    order: Vec<String>,
    /// Where the ladder breaks; null with fewer than two runs that record users.
    breaking_point: Option<BreakingPointJson>,
}

#[derive(Serialize)]
struct BreakingPointJson {
    /// `between`, `at-or-below` or `not-reached`.
    kind: &'static str,
    /// The last load that held (users), for `between`.
    from_users: Option<u64>,
    /// The first load that broke, or the lowest / highest load tested.
    to_users: u64,
    /// The sentence the reports print.
    sentence: String,
}

#[derive(Serialize)]
struct SlaSummary<'a> {
    name: &'a str,
    source: String,
    pass_score: f64,
}

#[derive(Serialize)]
struct RunSummary<'a> {
    name: &'a str,
    /// The SLA this run was scored against (its scenario's, or the main one).
    sla: &'a str,
    scenario: Option<&'a str>,
    tool: &'a str,
    tool_version: Option<&'a str>,
    simulated: bool,
    simulated_reason: Option<&'a str>,
    started_at: Option<String>,
    duration_s: Option<f64>,
    users: Option<u64>,
    users_planned: Option<u64>,
    totals: FiguresJson<'a>,
    endpoints: Vec<FiguresJson<'a>>,
    /// Transactions (JMeter Transaction Controller rows), apart from the
    /// requests: never counted in `totals` (absent when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    transactions: Vec<FiguresJson<'a>>,
    /// The input held transaction rows only: `totals` and `endpoints` count
    /// transactions as the requests (absent otherwise).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    requests_are_transactions: bool,
    failures: Vec<FailureJson<'a>>,
    score: ScoreJson<'a>,
    warnings: Vec<WarningJson>,
    /// What the reader of the input wants known about it.
    notes: &'a [String],
    sources: Vec<SourceJson<'a>>,
    /// Resource metrics sampled during the run (absent when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    resources: Vec<ResourceJson<'a>>,
}

#[derive(Serialize)]
struct ResourceJson<'a> {
    metric: &'a str,
    /// `%`, `B` or `` (a plain number).
    unit: &'static str,
    min: f64,
    avg: f64,
    max: f64,
    samples: u64,
    source: &'a str,
}

#[derive(Serialize)]
struct FiguresJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    method: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    requests: Option<u64>,
    failures: Option<u64>,
    expected_failures: u64,
    error_rate: Option<f64>,
    error_rate_including_expected: Option<f64>,
    throughput_rps: Option<f64>,
    latency_ms: LatencyJson,
    consistency: Option<f64>,
    /// File and line (or files) the figures come from.
    source: Option<&'a str>,
}

#[derive(Serialize)]
struct LatencyJson {
    min: Option<f64>,
    avg: Option<f64>,
    p50: Option<f64>,
    p90: Option<f64>,
    p95: Option<f64>,
    p99: Option<f64>,
    max: Option<f64>,
    /// Every percentile the input holds, keyed `p75`, `p99.9`, in percentile order.
    percentiles: Percentiles,
    /// `exact`, `histogram` or `tool`.
    precision: &'static str,
}

/// Percentiles as a JSON object in numeric order (`p50` before `p100`).
struct Percentiles(BTreeMap<Percentile, f64>);

impl Serialize for Percentiles {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (p, v) in &self.0 {
            map.serialize_entry(&p.to_string(), v)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct FailureJson<'a> {
    method: &'a str,
    name: &'a str,
    error: &'a str,
    status: Option<u16>,
    occurrences: u64,
    expected: bool,
}

#[derive(Serialize)]
struct ScoreJson<'a> {
    /// The low end: rules that could not be judged earn nothing.
    value: f64,
    /// The high end: rules that could not be judged earn full credit.
    value_high: f64,
    grade: &'a str,
    grade_high: &'a str,
    passed: bool,
    /// `pass`, `fail`, `inconclusive`, `not-valid`.
    verdict: &'static str,
    failed_gates: &'a [String],
    inconclusive_gates: &'a [String],
    rules: Vec<RuleJson<'a>>,
}

#[derive(Serialize)]
struct RuleJson<'a> {
    id: &'a str,
    metric: String,
    scope: String,
    target: &'a str,
    scoring: &'static str,
    measured: Option<f64>,
    measured_at: Option<&'a str>,
    /// Why `measured` was not scored.
    unscored: Option<&'a str>,
    weight: f64,
    points: f64,
    status: &'static str,
    gate: bool,
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct WarningJson {
    code: &'static str,
    severity: &'static str,
    message: String,
    why: &'static str,
    gate: bool,
    /// The figures that triggered the warning.
    data: serde_json::Value,
}

#[derive(Serialize)]
struct SourceJson<'a> {
    path: String,
    role: String,
    read: bool,
    blake3: Option<&'a str>,
}

fn figures(f: &Figures, with_name: bool) -> FiguresJson<'_> {
    let l = &f.latency;
    FiguresJson {
        method: with_name.then_some(f.method.as_str()),
        name: with_name.then_some(f.name.as_str()),
        requests: f.requests_known.then_some(f.requests),
        // Unknown when the input cannot tell failures apart (error_rate is null then).
        failures: (f.requests_known && f.error_rate.is_some()).then_some(f.failures),
        expected_failures: f.expected_failures,
        error_rate: f.error_rate,
        error_rate_including_expected: f.error_rate_all,
        throughput_rps: f.throughput_rps,
        latency_ms: LatencyJson {
            min: l.min_ms,
            avg: l.avg_ms,
            p50: l.percentile(Percentile::P50),
            p90: l.percentile(Percentile::P90),
            p95: l.percentile(Percentile::P95),
            p99: l.percentile(Percentile::P99),
            max: l.max_ms,
            percentiles: Percentiles(l.percentiles.clone()),
            precision: l.precision.code(),
        },
        consistency: f.consistency,
        source: f.source.as_deref(),
    }
}

fn scenario_set(report: &Report) -> ScenarioSetJson {
    use crate::stats::capacity::{breaking_point, BreakingPoint};
    ScenarioSetJson {
        order: report
            .scored
            .iter()
            .map(|s| s.run.meta.name.clone())
            .collect(),
        breaking_point: breaking_point(&super::view::ladder(&report.scored)).map(|b| {
            let sentence = b.sentence(super::format::count);
            let (kind, from_users, to_users) = match b {
                BreakingPoint::Between {
                    from_users,
                    to_users,
                    ..
                } => ("between", Some(from_users), to_users),
                BreakingPoint::AtOrBelow { users, .. } => ("at-or-below", None, users),
                BreakingPoint::NotReached { max_users } => ("not-reached", None, max_users),
            };
            BreakingPointJson {
                kind,
                from_users,
                to_users,
                sentence,
            }
        }),
    }
}

/// Renders `summary.json`, pretty-printed, ending in a newline.
pub fn render(report: &Report) -> anyhow::Result<Vec<u8>> {
    let sla = &report.sla;
    let runs = report
        .scored
        .iter()
        .map(|s| {
            let m = &s.run.meta;
            RunSummary {
                name: &m.name,
                sla: &s.sla.name,
                scenario: m.scenario.as_deref(),
                tool: &m.tool,
                tool_version: m.tool_version.as_deref(),
                simulated: m.simulated,
                simulated_reason: m.simulated_reason.as_deref(),
                // A date read without a zone stays without one (ISO 8601 local time).
                started_at: m.started_at_s.and_then(|t| {
                    chrono::DateTime::from_timestamp(t.floor() as i64, 0).map(|d| {
                        if m.clock_zone_unknown {
                            d.naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string()
                        } else {
                            d.to_rfc3339()
                        }
                    })
                }),
                duration_s: m.duration_s,
                // Measured users only; the plan is users_planned.
                users: m.users_recorded,
                users_planned: m.users_planned,
                totals: figures(&s.stats.totals, false),
                endpoints: s.stats.endpoints.iter().map(|e| figures(e, true)).collect(),
                transactions: if m.transactions_as_requests {
                    Vec::new()
                } else {
                    s.stats
                        .transactions
                        .iter()
                        .map(|t| figures(t, true))
                        .collect()
                },
                requests_are_transactions: m.transactions_as_requests,
                failures: s
                    .stats
                    .failures
                    .iter()
                    .map(|f| FailureJson {
                        method: &f.group.method,
                        name: &f.group.name,
                        error: &f.group.error,
                        status: f.group.status,
                        occurrences: f.group.occurrences,
                        expected: f.expected_by.is_some(),
                    })
                    .collect(),
                score: ScoreJson {
                    value: s.score.value,
                    value_high: s.score.value_high,
                    grade: &s.score.grade,
                    grade_high: &s.score.grade_high,
                    passed: s.score.passed,
                    verdict: s.score.verdict.code(),
                    failed_gates: &s.score.failed_gates,
                    inconclusive_gates: &s.score.inconclusive_gates,
                    rules: s
                        .sla
                        .rules
                        .iter()
                        .zip(&s.score.rules)
                        .map(|(r, res)| RuleJson {
                            id: &r.id,
                            metric: r.metric.to_string(),
                            scope: r.scope.to_string(),
                            target: &r.target.text,
                            scoring: r.scoring.code(),
                            measured: res.measured,
                            measured_at: res.measured_at.as_deref(),
                            unscored: res.unscored.as_deref(),
                            weight: r.weight,
                            points: res.points,
                            status: res.status.code(),
                            gate: r.gate,
                            note: res.note.as_deref(),
                        })
                        .collect(),
                },
                warnings: s
                    .warnings
                    .iter()
                    .map(|w| WarningJson {
                        code: w.code(),
                        severity: w.severity.code(),
                        message: w.message.clone(),
                        why: w.why(),
                        gate: w.gate,
                        data: w.data.clone(),
                    })
                    .collect(),
                notes: &m.reader_notes,
                resources: s
                    .stats
                    .resources
                    .iter()
                    .map(|r| ResourceJson {
                        metric: &r.metric,
                        unit: r.unit.code(),
                        min: r.min,
                        avg: r.avg,
                        max: r.max,
                        samples: r.samples,
                        source: &r.source,
                    })
                    .collect(),
                sources: s
                    .run
                    .sources
                    .iter()
                    .map(|src| SourceJson {
                        path: super::format::display_path(&src.path),
                        role: super::format::display_paths_in(
                            &src.role,
                            s.run.sources.iter().map(|o| o.path.as_str()),
                        ),
                        read: src.read,
                        blake3: src.blake3.as_deref(),
                    })
                    .collect(),
            }
        })
        .collect();
    let summary = Summary {
        schema: SCHEMA,
        generator: report.view.generator.clone(),
        sla: SlaSummary {
            name: &sla.name,
            source: super::format::display_path(&sla.source.display().to_string()),
            pass_score: sla.pass_score,
        },
        passed: report
            .scored
            .iter()
            .all(|s| s.score.passed && !s.run.meta.simulated),
        verdict: match report.view.overall.class.as_str() {
            "pass" => "pass",
            "inconclusive" => "inconclusive",
            "invalid" => "not-valid",
            _ => "fail",
        },
        overall: &report.view.overall.line,
        runs,
        scenario_set: (report.scored.len() > 1).then(|| scenario_set(report)),
        comparison: report.comparison.as_ref().map(comparison),
    };
    let mut out = serde_json::to_vec_pretty(&summary)?;
    out.push(b'\n');
    Ok(out)
}

/// The `comparison` object: every check with both values, the change, the test and the verdict.
fn comparison(c: &crate::compare::Comparison) -> serde_json::Value {
    use crate::compare::verdict::Test;
    use crate::compare::Metric;
    use serde_json::json;
    let test = |t: &Test| match t {
        Test::MannWhitney(r) => {
            json!({"kind": "mann-whitney", "u": r.u, "z": r.z, "p": r.p, "reason": null})
        }
        Test::TwoProportions(r) => {
            json!({"kind": "two-proportions", "u": null, "z": r.z, "p": r.p, "reason": null})
        }
        Test::NotTested(why) => {
            json!({"kind": "none", "u": null, "z": null, "p": null, "reason": why})
        }
    };
    json!({
        "baseline": {
            "path": super::format::display_path(&c.baseline.path),
            "kind": c.baseline.kind.code(),
            "generator": c.baseline.generator,
            "blake3": c.baseline.blake3,
            "reason": c.baseline.reason,
        },
        "thresholds": Metric::ALL
            .iter()
            .map(|m| (m.code().to_string(), json!(m.threshold_text(&c.regression))))
            .collect::<serde_json::Map<_, _>>(),
        "significance": c.regression.significance,
        "regressed": c.regressed(),
        "runs": c.runs.iter().map(|r| json!({
            "baseline": r.baseline,
            "current": r.current,
            "matched_by": r.matched_by.code(),
            "rows": r.rows.iter().map(|row| json!({
                "method": if row.total { None } else { Some(&row.method) },
                "name": if row.total { None } else { Some(&row.name) },
                "total": row.total,
                "requests_baseline": row.requests.0,
                "requests_current": row.requests.1,
                "checks": row.checks.iter().map(|k| json!({
                    "metric": k.metric.code(),
                    "baseline": k.baseline,
                    "current": k.current,
                    "absolute": k.absolute(),
                    "relative": k.relative(),
                    "threshold": k.threshold,
                    "test": test(&k.test),
                    "verdict": k.verdict.map(|v| v.code()),
                    "reason": k.sentence,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "only_in_baseline": r.only_in_baseline,
            "only_in_current": r.only_in_current,
            "weak": r.weak,
        })).collect::<Vec<_>>(),
        "unmatched_baseline": c.unmatched_baseline,
        "unmatched_current": c.unmatched_current,
    })
}
