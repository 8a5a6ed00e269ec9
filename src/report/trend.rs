//! The trend report (`perfreport history DB -o trend/`): `trend.md`,
//! `trend.html` and `trend.json` from a [`history::trend::Trend`]. The view
//! holds every figure already formatted; `templates/trend.md` and
//! `templates/trend.html` lay it out.

use super::charts::trend::{self as chart, Mark, XPoint};
use super::charts::Chart;
use super::format;
use super::templates::Templates;
use super::OutputFile;
use crate::history::trend::{Change, Changes, Metric, RunPoint, ScenarioTrend, Trend};
use serde::Serialize;

/// The trend.json schema id.
pub const SCHEMA: &str = "perfreport/trend/v1";

/// Endpoints shown in the Markdown (the HTML shows them all).
const MD_ENDPOINTS: usize = 10;
/// Runs listed in the Markdown table (the newest; the HTML lists them all).
const MD_RUNS: usize = 20;
/// Runs drawn in each sparkline (the newest).
const SPARK_RUNS: usize = 100;

#[derive(Debug, Serialize)]
struct Head {
    generator: String,
    simulated: bool,
}

#[derive(Debug, Serialize)]
struct TrendView {
    report: Head,
    title: String,
    source: String,
    method: String,
    simulated_runs: usize,
    scenarios: Vec<ScenarioView>,
}

#[derive(Debug, Serialize)]
struct ScenarioView {
    name: String,
    anchor: String,
    summary: String,
    charts: Vec<Chart>,
    changes: Vec<ChangeView>,
    /// Figures with no change point, or a history too short, as sentences.
    notes: Vec<String>,
    runs: Vec<RunRow>,
    runs_md: Vec<RunRow>,
    runs_md_note: Option<String>,
    endpoints: Vec<EndpointView>,
    endpoints_md: usize,
    spark_note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
struct ChangeView {
    metric: String,
    run: String,
    date: String,
    before: String,
    after: String,
    change: String,
    p: String,
    worse: bool,
    sentence: String,
}

#[derive(Debug, Clone, Serialize)]
struct RunRow {
    number: usize,
    label: String,
    date: String,
    simulated: bool,
    verdict: String,
    score: String,
    p50: String,
    p95: String,
    p99: String,
    error_rate: String,
    throughput: String,
    report: Option<String>,
}

#[derive(Debug, Serialize)]
struct EndpointView {
    name: String,
    spark_svg: String,
    spark_text: String,
    first: String,
    last: String,
    movement: String,
    worse: bool,
}

/// The short label of a run: its `--label`, else its commit (8 characters), else its name.
fn short_label(r: &RunPoint) -> String {
    r.label
        .clone()
        .or_else(|| r.commit.as_ref().map(|c| c.chars().take(8).collect()))
        .unwrap_or_else(|| r.name.clone())
}

/// `2026-11-23 11:12` from RFC 3339.
fn date(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339).map_or_else(
        |_| rfc3339.to_string(),
        |t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        },
    )
}

fn value_text(m: Metric, v: f64) -> String {
    match m {
        Metric::P50 | Metric::P95 | Metric::P99 => format::ms(v),
        Metric::ErrorRate => format::percent(v),
        Metric::Throughput => format::rps(v),
        Metric::Score => format::score(v),
    }
}

fn p_text(p: f64) -> String {
    if p < 0.0001 {
        format!("{p:.1e}")
    } else {
        format!("{p:.4}")
    }
}

fn relative(before: f64, after: f64) -> String {
    if before == 0.0 {
        return format::NOT_IN_INPUT.to_string();
    }
    let r = (after / before - 1.0) * 100.0;
    format!("{}{:.1} %", if r >= 0.0 { "+" } else { "−" }, r.abs())
}

fn change_view(m: Metric, c: &Change, runs: &[RunPoint]) -> ChangeView {
    let r = &runs[c.run];
    let before = format!(
        "{} ± {}",
        value_text(m, c.mean_before),
        value_text(m, c.sd_before)
    );
    let after = format!(
        "{} ± {}",
        value_text(m, c.mean_after),
        value_text(m, c.sd_after)
    );
    let change = relative(c.mean_before, c.mean_after);
    ChangeView {
        metric: m.label().to_string(),
        run: short_label(r),
        date: date(&r.run_at),
        sentence: format!(
            "{} shifted {} at run {} ({}): {} over {} runs before → {} over {} runs after ({change}), p = {}.",
            m.label(),
            if c.worse { "for the worse" } else { "for the better" },
            c.run + 1,
            short_label(r),
            before,
            c.runs_before,
            after,
            c.runs_after,
            p_text(c.p)
        ),
        before,
        after,
        change,
        p: p_text(c.p),
        worse: c.worse,
    }
}

/// A link from `out_dir` to a run's report recorded as `path` (both relative
/// to the working directory); `None` when it cannot be made safely.
fn report_href(path: &str, out_dir: &std::path::Path) -> Option<String> {
    use std::path::Component;
    let p = std::path::Path::new(path);
    if path.contains(':')
        || !p
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return None;
    }
    let mut up = 0;
    for c in out_dir.components() {
        match c {
            Component::Normal(_) => up += 1,
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(format!("{}{}", "../".repeat(up), path.replace('\\', "/")))
}

fn run_rows(s: &ScenarioTrend, out_dir: &std::path::Path) -> Vec<RunRow> {
    let get = |m: Metric, i: usize| {
        s.metrics
            .iter()
            .find(|t| t.metric == m)
            .and_then(|t| t.values[i])
            .map_or_else(|| format::NOT_IN_INPUT.to_string(), |v| value_text(m, v))
    };
    s.runs
        .iter()
        .enumerate()
        .map(|(i, r)| RunRow {
            number: i + 1,
            label: match (&r.label, &r.commit) {
                (Some(l), Some(c)) => format!("{l} ({})", c.chars().take(8).collect::<String>()),
                _ => short_label(r),
            },
            date: date(&r.run_at),
            simulated: r.simulated,
            verdict: r
                .verdict
                .as_deref()
                .map_or_else(|| format::NOT_IN_INPUT.to_string(), str::to_uppercase),
            score: get(Metric::Score, i),
            p50: get(Metric::P50, i),
            p95: get(Metric::P95, i),
            p99: get(Metric::P99, i),
            error_rate: get(Metric::ErrorRate, i),
            throughput: get(Metric::Throughput, i),
            report: r
                .report_path
                .as_deref()
                .and_then(|p| report_href(p, out_dir)),
        })
        .collect()
}

fn scenario_view(s: &ScenarioTrend, max_p: f64, out_dir: &std::path::Path) -> ScenarioView {
    let mut changes = Vec::new();
    let mut notes = Vec::new();
    let mut charts = Vec::new();
    let points: Vec<(String, String)> = s
        .runs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                short_label(r),
                format!(
                    "run {} · {}{} · {}{}",
                    i + 1,
                    short_label(r),
                    r.branch
                        .as_ref()
                        .map_or(String::new(), |b| format!(" on {b}")),
                    date(&r.run_at),
                    if r.simulated { " · SIMULATED" } else { "" }
                ),
            )
        })
        .collect();
    for m in &s.metrics {
        if m.values.iter().all(Option::is_none) {
            continue;
        }
        let mut marks = Vec::new();
        match &m.changes {
            Changes::TooShort { have, need } => notes.push(format!(
                "{}: history too short for change points ({have} measured run{}; at least {need} are needed to reach p ≤ {max_p}).",
                m.metric.label(),
                if *have == 1 { "" } else { "s" }
            )),
            Changes::Found { changes: found } if found.is_empty() => notes.push(format!(
                "{}: no change point at p ≤ {max_p}.",
                m.metric.label()
            )),
            Changes::Found { changes: found } => {
                for c in found {
                    let v = change_view(m.metric, c, &s.runs);
                    marks.push(Mark {
                        at: c.run,
                        text: format!("{}, p = {}", v.change, v.p),
                        worse: c.worse,
                    });
                    changes.push(v);
                }
            }
        }
        let xs: Vec<XPoint> = points
            .iter()
            .zip(&s.runs)
            .zip(&m.values)
            .map(|(((label, title), r), v)| XPoint {
                label: label.clone(),
                title: format!(
                    "{title}: {} {}",
                    m.metric.label(),
                    v.map_or_else(
                        || format::NOT_IN_INPUT.to_string(),
                        |v| value_text(m.metric, v)
                    )
                ),
                value: *v,
                simulated: r.simulated,
            })
            .collect();
        let metric = m.metric;
        let mut c = chart::figure(
            &format!("{} over the runs of {}", metric.label(), s.scenario),
            &xs,
            m.target.as_ref().map(|(t, v)| (t.as_str(), *v)),
            &marks,
            &move |v| value_text(metric, v),
        );
        c.caption = format!(
            "{} of each run of {} in run order{}; dashed lines mark change points.",
            metric.label(),
            s.scenario,
            match &m.target {
                Some((t, _)) => format!(", with the SLA target ({t})"),
                None => String::new(),
            }
        );
        charts.push(c);
    }
    let measured = s.runs.iter().filter(|r| !r.simulated).count();
    let simulated = s.runs.len() - measured;
    let first = s.runs.first().map(|r| date(&r.run_at)).unwrap_or_default();
    let last = s.runs.last().map(|r| date(&r.run_at)).unwrap_or_default();
    let summary = format!(
        "{} run{} from {first} to {last}{}.",
        s.runs.len(),
        if s.runs.len() == 1 { "" } else { "s" },
        if simulated > 0 {
            format!("; {simulated} simulated (shown, never used for change points or movers)")
        } else {
            String::new()
        }
    );
    let spark_from = s.runs.len().saturating_sub(SPARK_RUNS);
    let measured_only = |v: &[Option<f64>]| -> Vec<Option<f64>> {
        v.iter()
            .zip(&s.runs)
            .map(|(v, r)| v.filter(|_| !r.simulated))
            .collect()
    };
    let endpoints = s
        .endpoints
        .iter()
        .map(|e| {
            let name = crate::model::endpoint_label(&e.method, &e.name);
            let shown = measured_only(&e.p95_ms[spark_from..]);
            let measured: Vec<f64> = measured_only(&e.p95_ms).into_iter().flatten().collect();
            EndpointView {
                spark_svg: chart::sparkline(&shown, &format!("P95 of {name}")),
                spark_text: chart::spark_text(&shown[shown.len().saturating_sub(30)..]),
                first: measured
                    .first()
                    .map_or_else(|| format::NOT_IN_INPUT.to_string(), |v| format::ms(*v)),
                last: measured
                    .last()
                    .map_or_else(|| format::NOT_IN_INPUT.to_string(), |v| format::ms(*v)),
                movement: e.movement.map_or_else(
                    || format::NOT_IN_INPUT.to_string(),
                    |m| {
                        format!(
                            "{}{:.1} %",
                            if m >= 0.0 { "+" } else { "−" },
                            (m * 100.0).abs()
                        )
                    },
                ),
                worse: e.movement.is_some_and(|m| m > 0.0),
                name,
            }
        })
        .collect();
    let runs = run_rows(s, out_dir);
    let md_from = runs.len().saturating_sub(MD_RUNS);
    ScenarioView {
        name: s.scenario.clone(),
        anchor: format!("scenario-{}", anchor(&s.scenario)),
        summary,
        charts,
        changes,
        notes,
        runs_md: runs[md_from..].to_vec(),
        runs_md_note: (md_from > 0).then(|| {
            format!(
                "The newest {MD_RUNS} of {} runs; trend.html lists them all.",
                runs.len()
            )
        }),
        runs,
        endpoints_md: MD_ENDPOINTS,
        endpoints,
        spark_note: (spark_from > 0)
            .then(|| format!("Sparklines show the newest {SPARK_RUNS} runs.")),
    }
}

fn anchor(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

fn view(trend: &Trend, source: &str, out_dir: &std::path::Path) -> TrendView {
    let o = &trend.options;
    let min_runs = crate::history::changepoint::min_runs(o.max_p);
    TrendView {
        report: Head {
            generator: format!("perfreport {}", env!("CARGO_PKG_VERSION")),
            simulated: false,
        },
        title: "Performance trend".to_string(),
        source: source.to_string(),
        method: format!(
            "Change points: E-divisive means with a permutation test (as Apache Otava), window {} runs, p ≤ {}, {} shuffles with a fixed seed; at least {} measured runs per figure and {} on each side of a change. Measured runs only.",
            o.window,
            o.max_p,
            o.permutations,
            min_runs,
            crate::history::changepoint::MIN_SEGMENT
        ),
        simulated_runs: trend
            .scenarios
            .iter()
            .map(|s| s.runs.iter().filter(|r| r.simulated).count())
            .sum(),
        scenarios: trend
            .scenarios
            .iter()
            .map(|s| scenario_view(s, o.max_p, out_dir))
            .collect(),
    }
}

/// Renders trend.md, trend.html and trend.json. `source` names the history;
/// `out_dir` is where they go (for links to the runs' reports).
pub fn render(
    trend: &Trend,
    source: &str,
    out_dir: &std::path::Path,
    templates: &Templates,
) -> anyhow::Result<Vec<OutputFile<'static>>> {
    let v = view(trend, source, out_dir);
    let ctx = tera::Context::from_serialize(&v)?;
    let mut json = serde_json::to_vec_pretty(&serde_json::json!({
        "schema": SCHEMA,
        "generator": v.report.generator,
        "source": source,
        "change_points": {
            "method": "e-divisive-means",
            "window": trend.options.window,
            "max_p": trend.options.max_p,
            "permutations": trend.options.permutations,
            "seed": trend.options.seed,
        },
        "scenarios": trend.scenarios,
    }))?;
    json.push(b'\n');
    Ok(vec![
        OutputFile::new("trend.md", templates.render("trend.md", &ctx)?.into_bytes()),
        OutputFile::new(
            "trend.html",
            templates.render("trend.html", &ctx)?.into_bytes(),
        ),
        OutputFile::new("trend.json", json),
    ])
}
