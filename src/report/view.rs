//! The view model: everything a template lays out, with every number already
//! formatted by [`super::format`]. Built once per report.

use super::format as fmt;
use super::Scored;
use crate::model::{Percentile, SourceFile};
use crate::sla::score::{RuleResult, Status};
use crate::sla::target::Kind;
use crate::sla::{Rule, Sla};
use crate::stats::Figures;
use serde::Serialize;
use std::collections::BTreeMap;

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    /// Page title.
    pub title: String,
    /// `perfreport 0.1.0`.
    pub generator: String,
    /// The SLA the runs were scored against.
    pub sla: SlaView,
    /// True when any run is simulated: every page carries the banner.
    pub simulated: bool,
    /// The banner text when `simulated`.
    pub simulated_banner: String,
    /// One entry per run (ordered by users, then name, when there are several).
    pub runs: Vec<RunView>,
    /// The comparison across runs, when there are several.
    pub scenario_set: Option<ScenarioSetView>,
    /// The comparison with a baseline, when one was given.
    pub comparison: Option<super::comparison::ComparisonView>,
}

/// Several runs side by side: the SLA compliance matrix and the breaking point.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioSetView {
    /// One column per run, in ladder order.
    pub columns: Vec<ColumnView>,
    /// One row per SLA rule (union over the runs' SLAs, in first-seen order).
    pub rows: Vec<MatrixRow>,
    /// Where the ladder breaks, as a sentence.
    pub breaking_point: String,
    /// True when at least two runs record users: capacity charts are drawn.
    pub has_capacity: bool,
}

/// A run as a matrix column.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnView {
    /// Run name.
    pub name: String,
    /// HTML page of the run, relative to index.html.
    pub page: String,
    /// `50 users` or `—`.
    pub users: String,
    /// `FAIL`.
    pub verdict: String,
    /// CSS class of the verdict.
    pub class: String,
    /// `70.0`.
    pub score: String,
    /// `GOOD`.
    pub grade: String,
}

/// One rule across runs.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    /// Rule id.
    pub rule: String,
    /// Metric and target, e.g. `p95 < 100ms`.
    pub what: String,
    /// One cell per column.
    pub cells: Vec<MatrixCell>,
}

/// One rule for one run.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixCell {
    /// Measured value, `—` when not measurable, empty when the run's SLA lacks the rule.
    pub measured: String,
    /// `PASS`, `FAIL`, `INCONCLUSIVE`, or empty.
    pub status: String,
    /// CSS class.
    pub class: String,
}

/// The SLA, described.
#[derive(Debug, Clone, Serialize)]
pub struct SlaView {
    /// Name.
    pub name: String,
    /// Description, if any.
    pub description: Option<String>,
    /// File it came from.
    pub source: String,
    /// `70`.
    pub pass_score: String,
    /// `EXCELLENT ≥ 90 · GOOD ≥ 70 · FAIR ≥ 50 · POOR below`.
    pub grades: String,
    /// Declared expected failures.
    pub expected_failures: Vec<ExpectedView>,
}

/// One declared expected failure.
#[derive(Debug, Clone, Serialize)]
pub struct ExpectedView {
    /// `GET /x, status 404`.
    pub what: String,
    /// Why it is expected.
    pub reason: String,
    /// Line in the SLA file.
    pub line: u64,
}

/// One run.
#[derive(Debug, Clone, Serialize)]
pub struct RunView {
    /// Display name.
    pub name: String,
    /// HTML anchor.
    pub anchor: String,
    /// Tool (and version).
    pub tool: String,
    /// The run's figures were not measured.
    pub simulated: bool,
    /// The verdict and its one-line reason.
    pub verdict: VerdictView,
    /// Key figures (requests, failures, error rate, …).
    pub figures: Vec<FigureView>,
    /// What run.toml says about the test (users planned, environment, …).
    pub setup: Vec<FigureView>,
    /// SLA rule table.
    pub rules: Vec<RuleView>,
    /// Per-endpoint table.
    pub endpoints: Vec<EndpointView>,
    /// Endpoints left out of this rendering to fit a size limit (the GitHub step summary).
    pub endpoints_omitted: usize,
    /// The totals row of the endpoint table.
    pub totals: EndpointView,
    /// Transactions (JMeter Transaction Controller rows), a table of their own.
    pub transactions: Vec<EndpointView>,
    /// What the endpoint table counts, when the run has transactions.
    pub requests_note: Option<String>,
    /// Error table.
    pub errors: Vec<ErrorView>,
    /// Exceptions raised by the test code.
    pub exceptions: Vec<ExceptionView>,
    /// Warnings, most severe first.
    pub warnings: Vec<WarningView>,
    /// Files read and skipped.
    pub sources: Vec<SourceView>,
    /// How exact the latency figures are.
    pub precision_note: String,
    /// What the reader of the input wants known about it (e.g. what the format lacks).
    pub input_notes: Vec<String>,
    /// run.toml notes, as Markdown.
    pub notes_markdown: Option<String>,
    /// The same notes as sanitised HTML.
    pub notes_html: Option<String>,
    /// Resource metrics sampled during the run (min/avg/max), in input order.
    pub resources: Vec<ResourceView>,
}

/// One row of the resource table.
#[derive(Debug, Clone, Serialize)]
pub struct ResourceView {
    /// `cpu`, `api:mem`.
    pub metric: String,
    /// `%`, `bytes`, `count`.
    pub unit: String,
    /// Smallest sample.
    pub min: String,
    /// Mean of the samples.
    pub avg: String,
    /// Largest sample.
    pub max: String,
    /// Number of samples.
    pub samples: String,
    /// File the samples come from.
    pub source: String,
}

/// The verdict block.
#[derive(Debug, Clone, Serialize)]
pub struct VerdictView {
    /// `PASS`, `FAIL`, `NOT VALID FOR SIGN-OFF`.
    pub label: String,
    /// CSS class: `pass`, `fail`, `invalid`.
    pub class: String,
    /// `80.0`.
    pub score: String,
    /// `GOOD`.
    pub grade: String,
    /// One sentence saying why.
    pub reason: String,
}

/// A labelled figure.
#[derive(Debug, Clone, Serialize)]
pub struct FigureView {
    /// What it is.
    pub label: String,
    /// The formatted value.
    pub value: String,
    /// Where it comes from (file and line), empty for metadata.
    pub source: String,
}

/// One row of the SLA rule table.
#[derive(Debug, Clone, Serialize)]
pub struct RuleView {
    /// Rule id.
    pub id: String,
    /// `p95 (each endpoint)`.
    pub metric: String,
    /// `< 50ms`.
    pub target: String,
    /// `6.86 ms` or `—`.
    pub measured: String,
    /// The endpoint that decided an endpoint-scoped rule.
    pub measured_at: String,
    /// `40 / 40`.
    pub points: String,
    /// `PASS`, `FAIL`, `INCONCLUSIVE`.
    pub status: String,
    /// CSS class.
    pub class: String,
    /// Is it a gate.
    pub gate: bool,
    /// `step`, `linear`, `lognormal`.
    pub scoring: String,
    /// Why inconclusive, which endpoints failed.
    pub note: String,
    /// Where the measured value comes from.
    pub source: String,
}

/// One row of the endpoint table.
#[derive(Debug, Clone, Serialize)]
pub struct EndpointView {
    /// `GET /v1/deployments`.
    pub label: String,
    /// Requests.
    pub requests: String,
    /// Failures (unexpected + expected).
    pub failures: String,
    /// Expected failures among them.
    pub expected: String,
    /// Unexpected error rate.
    pub error_rate: String,
    /// Requests per second.
    pub rps: String,
    /// Mean.
    pub avg: String,
    /// Minimum.
    pub min: String,
    /// Median.
    pub median: String,
    /// 95th percentile.
    pub p95: String,
    /// 99th percentile.
    pub p99: String,
    /// Maximum.
    pub max: String,
    /// Every failure of this endpoint is unexpected and it failed every request.
    pub all_failed: bool,
    /// Where the figures come from (file and line), for hover and footnotes.
    pub source: String,
}

/// One row of the error table.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorView {
    /// Method.
    pub method: String,
    /// Endpoint name.
    pub endpoint: String,
    /// Error text.
    pub error: String,
    /// Occurrences.
    pub occurrences: String,
    /// `yes (sla line 12)` or `no`.
    pub expected: String,
}

/// One exception raised by the test code.
#[derive(Debug, Clone, Serialize)]
pub struct ExceptionView {
    /// How many times.
    pub count: String,
    /// Message.
    pub message: String,
}

/// One warning.
#[derive(Debug, Clone, Serialize)]
pub struct WarningView {
    /// Stable code.
    pub code: String,
    /// `critical`, `warning`, `info`.
    pub severity: String,
    /// One line.
    pub message: String,
    /// Why it matters.
    pub why: String,
}

/// One source file.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    /// Path.
    pub path: String,
    /// Read as / skipped because.
    pub role: String,
    /// Was it read.
    pub read: bool,
    /// BLAKE3 of the file, hex; empty when not read.
    pub blake3: String,
}

/// Builds the view of all scored runs.
pub fn build(scored: &[Scored], sla: &Sla) -> ReportView {
    let mut runs: Vec<RunView> = scored.iter().map(|s| run_view(s, &s.sla)).collect();
    // Two names can reduce to one anchor ("peak 1" and "peak-1"): number the repeats,
    // so no run's page overwrites another's.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for r in &mut runs {
        let n = seen.entry(r.anchor.clone()).or_default();
        *n += 1;
        if *n > 1 {
            r.anchor = format!("{}-{}", r.anchor, n);
        }
    }
    let anchors: Vec<String> = runs.iter().map(|r| r.anchor.clone()).collect();
    let simulated = scored.iter().any(|s| s.run.meta.simulated);
    let names: Vec<&str> = scored.iter().map(|s| s.run.meta.name.as_str()).collect();
    let mut grades: Vec<String> = sla
        .grades
        .iter()
        .map(|(g, b)| format!("{g} ≥ {}", fmt::trim_number(*b)))
        .collect();
    grades.push("POOR below".to_string());
    ReportView {
        title: format!("Performance report: {}", names.join(", ")),
        generator: format!("perfreport {}", env!("CARGO_PKG_VERSION")),
        sla: SlaView {
            name: sla.name.clone(),
            description: sla.description.clone(),
            source: sla.source.display().to_string(),
            pass_score: fmt::trim_number(sla.pass_score),
            grades: grades.join(" · "),
            expected_failures: sla
                .expected_failures
                .iter()
                .map(|e| ExpectedView {
                    what: e.describe(),
                    reason: e
                        .reason
                        .clone()
                        .unwrap_or_else(|| "no reason given".to_string()),
                    line: e.line,
                })
                .collect(),
        },
        simulated,
        scenario_set: (scored.len() > 1).then(|| scenario_set(scored, &anchors)),
        simulated_banner: "SIMULATED — NOT VALID FOR SIGN-OFF: these figures were not measured."
            .to_string(),
        runs,
        comparison: None,
    }
}

/// The HTML page of a run in a scenario set.
pub fn run_page(anchor: &str) -> String {
    format!("runs/{anchor}.html")
}

fn scenario_set(scored: &[Scored], anchors: &[String]) -> ScenarioSetView {
    let columns = scored
        .iter()
        .enumerate()
        .map(|(i, s)| ColumnView {
            name: s.run.meta.name.clone(),
            page: run_page(&anchors[i]),
            users: fmt::opt(
                s.run.meta.users_recorded.or(s.run.meta.users_planned),
                |u| format!("{} user{}", fmt::count(u), if u == 1 { "" } else { "s" }),
            ),
            verdict: s.score.verdict.label().to_string(),
            class: verdict_class(s.score.verdict).to_string(),
            score: fmt::score(s.score.value),
            grade: s.score.grade.clone(),
        })
        .collect();
    let mut ids: Vec<(String, String)> = Vec::new();
    for s in scored {
        for r in &s.sla.rules {
            let what = format!("{} {}", rule_metric(r), r.target.text);
            // One row per rule as written: the same id with another target is another row.
            if !ids.iter().any(|(id, w)| id == &r.id && w == &what) {
                ids.push((
                    r.id.clone(),
                    format!("{} {}", rule_metric(r), r.target.text),
                ));
            }
        }
    }
    let rows = ids
        .into_iter()
        .map(|(id, what)| MatrixRow {
            cells: scored
                .iter()
                .map(|s| {
                    match s.sla.rules.iter().zip(&s.score.rules).find(|(r, _)| {
                        r.id == id && format!("{} {}", rule_metric(r), r.target.text) == what
                    }) {
                        Some((r, res)) => MatrixCell {
                            measured: fmt::opt(res.measured, |v| fmt::value(r.metric.kind(), v)),
                            status: res.status.code().to_uppercase(),
                            class: res.status.code().to_string(),
                        },
                        None => MatrixCell {
                            measured: String::new(),
                            status: String::new(),
                            class: "absent".to_string(),
                        },
                    }
                })
                .collect(),
            rule: id,
            what,
        })
        .collect();
    let steps = ladder(scored);
    let breaking_point = match crate::stats::capacity::breaking_point(&steps) {
        Some(b) => b.sentence(fmt::count),
        None => "Fewer than two runs record their number of users, so there is no load ladder to find a breaking point on.".to_string(),
    };
    ScenarioSetView {
        columns,
        rows,
        breaking_point,
        has_capacity: steps.len() >= 2,
    }
}

/// The runs that record users, as load-ladder steps (in report order).
pub fn ladder(scored: &[Scored]) -> Vec<crate::stats::capacity::Step> {
    scored
        .iter()
        .filter_map(|s| {
            Some(crate::stats::capacity::Step {
                name: s.run.meta.name.clone(),
                users: s.run.meta.users_recorded.or(s.run.meta.users_planned)?,
                throughput_rps: s.stats.totals.throughput_rps,
                p95_ms: s.stats.totals.latency.percentile(Percentile::P95),
                // A run breaks when a rule fails; a rule that could not be judged
                // (too little data) says nothing about the system's capacity.
                passed: !s
                    .score
                    .rules
                    .iter()
                    .any(|r| r.status == crate::sla::Status::Fail)
                    && !s
                        .score
                        .failed_gates
                        .iter()
                        .any(|g| g.starts_with("evidence:endpoint")),
            })
        })
        .collect()
}

fn verdict_class(v: crate::sla::Verdict) -> &'static str {
    match v {
        crate::sla::Verdict::Pass => "pass",
        crate::sla::Verdict::Fail => "fail",
        crate::sla::Verdict::NotValid => "invalid",
    }
}

/// Which rows are requests and which are transactions, when a run has both kinds.
fn requests_note(s: &Scored) -> Option<String> {
    if s.run.meta.transactions_as_requests {
        Some(
            "These requests are transactions (JMeter Transaction Controller rows): the input \
             holds no sampler rows, so each transaction counts as one request."
                .to_string(),
        )
    } else if !s.stats.transactions.is_empty() {
        Some(
            "Requests, error rate and throughput count samplers only; transactions \
             (Transaction Controller rows) are in their own table and not counted here."
                .to_string(),
        )
    } else {
        None
    }
}

fn rule_metric(rule: &Rule) -> String {
    match &rule.scope {
        crate::sla::Scope::Total => rule.metric.to_string(),
        scope => format!("{} ({scope})", rule.metric),
    }
}

fn run_view(s: &Scored, sla: &Sla) -> RunView {
    let meta = &s.run.meta;
    let t = &s.stats.totals;
    let score = &s.score;
    let verdict = VerdictView {
        label: score.verdict.label().to_string(),
        class: verdict_class(score.verdict).to_string(),
        score: fmt::score(score.value),
        grade: score.grade.clone(),
        reason: verdict_reason(s, sla),
    };
    // Measured only: planned users (run.toml) are shown apart, as the plan.
    let users = meta.users_recorded;
    let mut figures = vec![
        fig(
            "Requests",
            if t.requests_known {
                fmt::count(t.requests)
            } else {
                fmt::NOT_IN_INPUT.to_string()
            },
        ),
        fig(
            "Failures",
            if t.error_rate.is_none() {
                fmt::NOT_IN_INPUT.to_string()
            } else if t.expected_failures > 0 {
                format!(
                    "{} ({} expected, excluded from the error rate)",
                    fmt::count(t.failures),
                    fmt::count(t.expected_failures)
                )
            } else {
                fmt::count(t.failures)
            },
        ),
        fig("Error rate", fmt::percent_opt(t.error_rate)),
    ];
    if t.expected_failures > 0 {
        figures.push(fig(
            "Error rate incl. expected failures",
            fmt::percent_opt(t.error_rate_all),
        ));
    }
    figures.extend([
        fig("Throughput", fmt::opt(t.throughput_rps, fmt::rps)),
        fig(
            "P50",
            fmt::opt(t.latency.percentile(Percentile::P50), fmt::ms),
        ),
        fig(
            "P95",
            fmt::opt(t.latency.percentile(Percentile::P95), fmt::ms),
        ),
        fig(
            "P99",
            fmt::opt(t.latency.percentile(Percentile::P99), fmt::ms),
        ),
        fig("Duration", fmt::opt(meta.duration_s, fmt::duration)),
        fig("Peak users", fmt::opt(users, fmt::count)),
        fig(
            "Started",
            if meta.clock_zone_unknown {
                fmt::opt(meta.started_at_s, fmt::timestamp_as_written)
            } else {
                fmt::opt(meta.started_at_s, fmt::timestamp)
            },
        ),
    ]);
    let totals_source = t.source.clone().unwrap_or_default();
    for f in figures
        .iter_mut()
        .filter(|f| !matches!(f.label.as_str(), "Duration" | "Peak users" | "Started"))
    {
        f.source = totals_source.clone();
    }
    let mut setup = Vec::new();
    let mut add = |label: &str, v: Option<String>| {
        if let Some(v) = v {
            setup.push(fig(label, v));
        }
    };
    add("Scenario", meta.scenario.clone());
    add("Users planned", meta.users_planned.map(fmt::count));
    add(
        "Spawn rate",
        meta.spawn_rate
            .map(|r| format!("{} users/s", fmt::trim_number(r))),
    );
    add("Think time", meta.think_time.clone());
    add("Environment", meta.environment.clone());
    add("Duration taken from", meta.duration_source.clone());
    let rules = sla
        .rules
        .iter()
        .zip(&score.rules)
        .map(|(r, res)| rule_view(r, res))
        .collect();
    RunView {
        name: meta.name.clone(),
        anchor: anchor(&meta.name),
        tool: match &meta.tool_version {
            Some(v) => format!("{} {v}", meta.tool),
            None => meta.tool.clone(),
        },
        simulated: meta.simulated,
        verdict,
        figures,
        setup,
        rules,
        endpoints: s.stats.endpoints.iter().map(endpoint_view).collect(),
        endpoints_omitted: 0,
        totals: endpoint_view(t),
        transactions: if meta.transactions_as_requests {
            Vec::new()
        } else {
            s.stats.transactions.iter().map(endpoint_view).collect()
        },
        requests_note: requests_note(s),
        errors: s
            .stats
            .failures
            .iter()
            .map(|f| ErrorView {
                method: f.group.method.clone(),
                endpoint: f.group.name.clone(),
                error: f.group.error.clone(),
                occurrences: fmt::count(f.group.occurrences),
                expected: match f.expected_by {
                    Some(i) => format!("yes (SLA line {})", sla.expected_failures[i].line),
                    None => "no".to_string(),
                },
            })
            .collect(),
        exceptions: s
            .run
            .exceptions
            .iter()
            .map(|e| ExceptionView {
                count: fmt::count(e.count),
                message: e.message.clone(),
            })
            .collect(),
        warnings: s
            .warnings
            .iter()
            .map(|w| WarningView {
                code: w.code().to_string(),
                severity: w.severity.code().to_string(),
                message: w.message.clone(),
                why: w.why().to_string(),
            })
            .collect(),
        sources: s.run.sources.iter().map(source_view).collect(),
        precision_note: precision_note(s),
        input_notes: meta.reader_notes.clone(),
        notes_markdown: meta.notes_markdown.clone(),
        notes_html: meta.notes_markdown.as_deref().map(fmt::notes_html),
        resources: s.stats.resources.iter().map(resource_view).collect(),
    }
}

fn resource_view(r: &crate::stats::ResourceFigures) -> ResourceView {
    ResourceView {
        metric: r.metric.clone(),
        unit: match r.unit {
            crate::model::ResourceUnit::Percent => "%",
            crate::model::ResourceUnit::Bytes => "bytes",
            crate::model::ResourceUnit::Count => "count",
        }
        .to_string(),
        min: fmt::resource(r.unit, r.min),
        avg: fmt::resource(r.unit, r.avg),
        max: fmt::resource(r.unit, r.max),
        samples: fmt::count(r.samples),
        source: r.source.clone(),
    }
}

fn verdict_reason(s: &Scored, sla: &Sla) -> String {
    let score = &s.score;
    let mut parts = Vec::new();
    if s.run.meta.simulated {
        parts.push("the figures were not measured (simulated run)".to_string());
    }
    for id in &score.failed_gates {
        if let Some(code) = id.strip_prefix("evidence:") {
            let what = s
                .warnings
                .iter()
                .find(|w| w.code() == code)
                .map_or(String::new(), |w| {
                    format!(": {}", w.message.trim_end_matches('.'))
                });
            parts.push(format!("evidence gate \"{code}\" failed{what}"));
            continue;
        }
        if let Some((rule, res)) = sla
            .rules
            .iter()
            .zip(&score.rules)
            .find(|(r, _)| &r.id == id)
        {
            let measured = res.measured.map_or_else(
                || "not measurable".to_string(),
                |v| fmt::value(rule.metric.kind(), v),
            );
            let verb = if res.status == Status::Inconclusive {
                "cannot be judged"
            } else {
                "failed"
            };
            parts.push(format!(
                "gate \"{id}\" {verb}: {measured} against {}",
                rule.target.text
            ));
        }
    }
    if score.value < sla.pass_score {
        parts.push(format!(
            "score {} is below the pass mark {}",
            fmt::score(score.value),
            fmt::trim_number(sla.pass_score)
        ));
    }
    if parts.is_empty() {
        let passed = score
            .rules
            .iter()
            .filter(|r| r.status == Status::Pass)
            .count();
        format!(
            "score {} is at or above the pass mark {}; {passed} of {} rules met.",
            fmt::score(score.value),
            fmt::trim_number(sla.pass_score),
            score.rules.len()
        )
    } else {
        let mut text = parts.join("; ");
        if let Some(first) = text.get(..1) {
            text = first.to_uppercase() + &text[1..];
        }
        text + "."
    }
}

fn rule_view(rule: &Rule, res: &RuleResult) -> RuleView {
    let kind: Kind = rule.metric.kind();
    RuleView {
        id: rule.id.clone(),
        metric: rule_metric(rule),
        target: rule.target.text.clone(),
        measured: fmt::opt(res.measured, |v| fmt::value(kind, v)),
        measured_at: res.measured_at.clone().unwrap_or_default(),
        points: fmt::points(res.points, rule.weight),
        status: res.status.code().to_uppercase(),
        class: res.status.code().to_string(),
        gate: rule.gate,
        scoring: rule.scoring.code().to_string(),
        note: res.note.clone().unwrap_or_default(),
        source: String::new(),
    }
}

fn endpoint_view(f: &Figures) -> EndpointView {
    let l = &f.latency;
    EndpointView {
        label: f.label.clone(),
        requests: if f.requests_known {
            fmt::count(f.requests)
        } else {
            fmt::NOT_IN_INPUT.to_string()
        },
        failures: if f.requests_known && f.error_rate.is_some() {
            fmt::count(f.failures)
        } else {
            fmt::NOT_IN_INPUT.to_string()
        },
        expected: fmt::count(f.expected_failures),
        error_rate: fmt::percent_opt(f.error_rate),
        rps: fmt::opt(f.throughput_rps, fmt::rps),
        avg: fmt::opt(l.avg_ms, fmt::ms),
        min: fmt::opt(l.min_ms, fmt::ms),
        median: fmt::opt(l.percentile(Percentile::P50), fmt::ms),
        p95: fmt::opt(l.percentile(Percentile::P95), fmt::ms),
        p99: fmt::opt(l.percentile(Percentile::P99), fmt::ms),
        max: fmt::opt(l.max_ms, fmt::ms),
        all_failed: f.requests > 0 && f.unexpected_failures() == f.requests,
        source: f.source.clone().unwrap_or_default(),
    }
}

fn source_view(s: &SourceFile) -> SourceView {
    SourceView {
        path: s.path.clone(),
        role: s.role.clone(),
        read: s.read,
        blake3: s.blake3.clone().unwrap_or_default(),
    }
}

fn precision_note(s: &Scored) -> String {
    match s.run.totals.latency.precision {
        crate::model::Precision::Tool if s.run.meta.tool == "locust" => "Response-time figures are copied from Locust's own report; Locust computes percentiles from response times rounded to two significant digits.".to_string(),
        crate::model::Precision::Tool => format!("Response-time figures are copied from {}'s own report, as it computed them.", s.run.meta.tool),
        crate::model::Precision::Exact => "Response-time figures are exact, computed from every request.".to_string(),
        crate::model::Precision::Histogram { significant_digits } => format!(
            "Response-time percentiles come from a histogram keeping {significant_digits} significant digits."
        ),
    }
}

fn fig(label: &str, value: String) -> FigureView {
    FigureView {
        label: label.to_string(),
        value,
        source: String::new(),
    }
}

/// An HTML id from a run name: lowercase letters, digits and dashes.
pub fn anchor(name: &str) -> String {
    let mut out = String::from("run-");
    let mut dash = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            dash = false;
        } else if !dash {
            out.push('-');
            dash = true;
        }
    }
    out.trim_end_matches('-').to_string()
}
