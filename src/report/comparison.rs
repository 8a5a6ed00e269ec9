//! The view of a baseline comparison: every figure formatted once, for the
//! regression section of report.md and index.html, and for regression.md.

use super::format as fmt;
use crate::compare::verdict::{signed_percent, Verdict};
use crate::compare::{Check, Comparison, Row};
use serde::Serialize;

/// The comparison section.
#[derive(Debug, Clone, Serialize)]
pub struct ComparisonView {
    /// A regression was found.
    pub regressed: bool,
    /// `REGRESSION` / `NO REGRESSION`.
    pub label: String,
    /// CSS class: `fail` / `pass`.
    pub class: String,
    /// One sentence: what was found.
    pub headline: String,
    /// Where the baseline came from.
    pub baseline: BaselineView,
    /// `P95 +10% · Error rate +0.5pp · Throughput -10%`.
    pub thresholds: String,
    /// `0.01`.
    pub significance: String,
    /// How changes were tested, in words.
    pub method: String,
    /// Every regressed check, one sentence each.
    pub regressions: Vec<String>,
    /// Matched runs.
    pub runs: Vec<RunComparisonView>,
    /// Baseline runs with no current counterpart.
    pub unmatched_baseline: Vec<String>,
    /// Current runs with no baseline counterpart.
    pub unmatched_current: Vec<String>,
}

/// The baseline, identified.
#[derive(Debug, Clone, Serialize)]
pub struct BaselineView {
    /// Path as given.
    pub path: String,
    /// `summary.json` / `results`.
    pub kind: String,
    /// The perfreport that wrote it, or empty.
    pub generator: String,
    /// BLAKE3 of the summary, or empty.
    pub blake3: String,
}

/// One pair of runs.
#[derive(Debug, Clone, Serialize)]
pub struct RunComparisonView {
    /// `target → target`.
    pub title: String,
    /// `scenario` / `name`.
    pub matched_by: String,
    /// The rows, total first.
    pub rows: Vec<RowView>,
    /// Endpoint rows left out of this rendering (GitHub size limit).
    pub rows_omitted: usize,
    /// Endpoints only the baseline has.
    pub only_in_baseline: Vec<String>,
    /// Endpoints only the current run has.
    pub only_in_current: Vec<String>,
}

/// One endpoint (or the total).
#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    /// `GET /x` or `Total`.
    pub label: String,
    /// Is it the total.
    pub total: bool,
    /// `1,000 → 980`.
    pub requests: String,
    /// Requests in the current run, for trimming by traffic.
    #[serde(skip)]
    pub traffic: u64,
    /// One cell per metric.
    pub checks: Vec<CheckView>,
    /// The worst verdict's class.
    pub class: String,
}

/// One figure compared.
#[derive(Debug, Clone, Serialize)]
pub struct CheckView {
    /// `P95`.
    pub metric: String,
    /// `12 ms`.
    pub baseline: String,
    /// `18 ms`.
    pub current: String,
    /// `+6 ms`.
    pub absolute: String,
    /// `+50.0 %`.
    pub relative: String,
    /// `+10%`, or `not checked`.
    pub threshold: String,
    /// `Mann–Whitney U, p = 0.0003` / `not tested for significance`.
    pub test: String,
    /// `REGRESSED`, `WITHIN NOISE`, `INCONCLUSIVE`, `IMPROVED`, `not checked`.
    pub verdict: String,
    /// CSS class: `regressed`, `within-noise`, `inconclusive`, `improved`, `unchecked`.
    pub class: String,
    /// Why.
    pub sentence: String,
}

/// Builds the view of `c`.
pub fn build(c: &Comparison) -> ComparisonView {
    let regressions: Vec<String> = c
        .regressions()
        .map(|(run, row, check)| {
            format!(
                "{} / {}: {}",
                run.current,
                row.label,
                check.sentence.trim_end_matches('.')
            ) + "."
        })
        .collect();
    let checked = c.checks().filter(|(_, _, k)| k.verdict.is_some()).count();
    let inconclusive = c
        .checks()
        .filter(|(_, _, k)| k.verdict == Some(Verdict::Inconclusive))
        .count();
    let untested = c.checks().any(|(_, _, k)| {
        k.verdict.is_some()
            && k.metric != crate::compare::Metric::Throughput
            && k.metric != crate::compare::Metric::ErrorRate
            && k.test.result().is_none()
    });
    let regressed = !regressions.is_empty();
    let nothing_judged = inconclusive == checked;
    let headline = if c.runs.is_empty() {
        "No run of the baseline matches a current run (by scenario or name): nothing was compared."
            .to_string()
    } else if regressed {
        format!(
            "{} of {checked} checks regressed against the baseline{}.",
            regressions.len(),
            if inconclusive > 0 {
                format!("; {inconclusive} could not be judged")
            } else {
                String::new()
            }
        )
    } else if inconclusive == checked {
        format!(
            "No regression found, but none of the {checked} checks could be judged: too little data."
        )
    } else {
        format!(
            "No regression: {} of {checked} checks within the thresholds or noise, {inconclusive} could not be judged.",
            checked - inconclusive
        )
    };
    let mut method = format!(
        "A change is a regression when it is beyond the SLA's [regression] threshold and distinguishable from noise at the {} level: response times by a Mann–Whitney U test over both runs' histograms (raw-sample inputs only), error rates by a two-proportion z test. Throughput is judged on its threshold alone. Fewer than 100 requests on either side (1,000 for P99) is inconclusive.",
        fmt::trim_number(c.regression.significance)
    );
    if untested {
        method.push_str(" Some response-time changes were not tested for significance (one side holds aggregates only) and are judged on the thresholds alone.");
    }
    ComparisonView {
        regressed,
        label: if regressed {
            "REGRESSION"
        } else if nothing_judged {
            "INCONCLUSIVE"
        } else {
            "NO REGRESSION"
        }
        .to_string(),
        class: if regressed {
            "fail"
        } else if nothing_judged {
            "invalid"
        } else {
            "pass"
        }
        .to_string(),
        headline,
        baseline: BaselineView {
            path: c.baseline.path.clone(),
            kind: c.baseline.kind.code().to_string(),
            generator: c.baseline.generator.clone().unwrap_or_default(),
            blake3: c.baseline.blake3.clone().unwrap_or_default(),
        },
        thresholds: c
            .regression
            .text
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(" · "),
        significance: fmt::trim_number(c.regression.significance),
        method,
        regressions,
        runs: c
            .runs
            .iter()
            .map(|r| RunComparisonView {
                title: if r.baseline == r.current {
                    r.current.clone()
                } else {
                    format!("{} → {}", r.baseline, r.current)
                },
                matched_by: r.matched_by.describe().to_string(),
                rows: r.rows.iter().map(row_view).collect(),
                rows_omitted: 0,
                only_in_baseline: r.only_in_baseline.clone(),
                only_in_current: r.only_in_current.clone(),
            })
            .collect(),
        unmatched_baseline: c.unmatched_baseline.clone(),
        unmatched_current: c.unmatched_current.clone(),
    }
}

fn row_view(r: &Row) -> RowView {
    let count = |n: Option<u64>| fmt::opt(n, fmt::count);
    RowView {
        label: r.label.clone(),
        total: r.total,
        requests: format!("{} → {}", count(r.requests.0), count(r.requests.1)),
        traffic: r.requests.1.unwrap_or(0),
        checks: r.checks.iter().map(check_view).collect(),
        class: r.worst().map_or("unchecked", Verdict::code).to_string(),
    }
}

fn check_view(c: &Check) -> CheckView {
    let m = c.metric;
    CheckView {
        metric: m.label().to_string(),
        baseline: fmt::opt(c.baseline, |v| m.format(v)),
        current: fmt::opt(c.current, |v| m.format(v)),
        absolute: fmt::opt(c.absolute(), |d| m.format_delta(d)),
        relative: fmt::opt(c.relative(), signed_percent),
        threshold: c.threshold.clone().unwrap_or_else(|| "not checked".into()),
        test: c.test.describe(),
        verdict: c.verdict.map_or("not checked", Verdict::label).to_string(),
        class: c.verdict.map_or("unchecked", Verdict::code).to_string(),
        sentence: c.sentence.clone(),
    }
}
