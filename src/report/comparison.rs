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
    /// The answer first (issue #14): `Against base/ (results): 2 regressed,
    /// 1 improved, 9 unchanged, 3 could not be judged.`
    pub lead: String,
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
    /// Why these runs were taken (a baseline picked from a history), or empty.
    pub reason: String,
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
    /// The checks that regressed or improved, worst first.
    pub changed: Vec<ChangedView>,
    /// The checks that could not be judged, one line per reason.
    pub unjudged: Vec<String>,
    /// Checks within the thresholds or noise.
    pub unchanged: usize,
    /// Why this baseline is a weak reference, one clause each.
    pub weak: Vec<String>,
}

/// A check that regressed or improved, for the short list under the answer.
#[derive(Debug, Clone, Serialize)]
pub struct ChangedView {
    /// `GET /x` or `Total`.
    pub label: String,
    /// `P95`.
    pub metric: String,
    /// `44.0 ms → 361 ms`.
    pub before_after: String,
    /// `+719.2 %` (or `+6.90 pp` for rates).
    pub change: String,
    /// `Mann–Whitney U test (p < 0.0001)` / `not tested for significance`.
    pub test: String,
    /// `REGRESSED` / `IMPROVED`.
    pub verdict: String,
    /// ❌ / ✅.
    pub mark: String,
    /// CSS class.
    pub class: String,
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
    let count = |v: Verdict| c.checks().filter(|(_, _, k)| k.verdict == Some(v)).count();
    let mut counts = vec![format!("{} regressed", count(Verdict::Regressed))];
    for (n, what) in [
        (count(Verdict::Improved), "improved"),
        (count(Verdict::WithinNoise), "unchanged"),
        (inconclusive, "could not be judged"),
    ] {
        if n > 0 {
            counts.push(format!("{n} {what}"));
        }
    }
    let lead = format!(
        "Against {} ({}): {}.",
        fmt::display_path(&c.baseline.path),
        c.baseline.kind.code(),
        if c.runs.is_empty() {
            "no run matches a current run, nothing was compared".to_string()
        } else if checked == 0 {
            "nothing could be checked".to_string()
        } else {
            counts.join(", ")
        }
    );
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
        lead,
        baseline: BaselineView {
            path: fmt::display_path(&c.baseline.path),
            kind: c.baseline.kind.code().to_string(),
            generator: c.baseline.generator.clone().unwrap_or_default(),
            blake3: c.baseline.blake3.clone().unwrap_or_default(),
            reason: c.baseline.reason.clone().unwrap_or_default(),
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
                changed: changed(r),
                unjudged: unjudged(r),
                unchanged: r
                    .rows
                    .iter()
                    .flat_map(|row| &row.checks)
                    .filter(|k| k.verdict == Some(Verdict::WithinNoise))
                    .count(),
                weak: r.weak.clone(),
            })
            .collect(),
        unmatched_baseline: c.unmatched_baseline.clone(),
        unmatched_current: c.unmatched_current.clone(),
    }
}

/// The regressed and improved checks of `r`, regressions first.
fn changed(r: &crate::compare::RunComparison) -> Vec<ChangedView> {
    let mut out: Vec<(u8, ChangedView)> = Vec::new();
    for row in &r.rows {
        for k in &row.checks {
            let (rank, mark) = match k.verdict {
                Some(Verdict::Regressed) => (0, "❌"),
                Some(Verdict::Improved) => (1, "✅"),
                _ => continue,
            };
            let v = check_view(k);
            out.push((
                rank,
                ChangedView {
                    label: row.label.clone(),
                    metric: v.metric,
                    before_after: format!("{} → {}", v.baseline, v.current),
                    change: if v.relative == fmt::NOT_IN_INPUT {
                        v.absolute
                    } else {
                        v.relative
                    },
                    test: v.test,
                    verdict: v.verdict,
                    mark: mark.to_string(),
                    class: v.class,
                },
            ));
        }
    }
    out.sort_by_key(|(rank, _)| *rank);
    out.into_iter().map(|(_, v)| v).collect()
}

/// The checks of `r` that could not be judged, grouped by reason, one line
/// each: `4 endpoints have fewer than 100 requests on one side (P95, error rate)`.
fn unjudged(r: &crate::compare::RunComparison) -> Vec<String> {
    use std::collections::BTreeMap;
    /// The rows and the metrics of one reason, both in first-seen order.
    type Group = (Vec<String>, Vec<&'static str>);
    let mut groups: BTreeMap<(u8, String), Group> = BTreeMap::new();
    for row in &r.rows {
        for k in &row.checks {
            if k.verdict != Some(Verdict::Inconclusive) {
                continue;
            }
            let need = crate::compare::verdict::min_requests(k.metric);
            let few = |n: Option<u64>| n.is_none_or(|n| n < need);
            let key = if k.baseline.is_none() {
                (0, "the figure is not in the baseline".to_string())
            } else if k.current.is_none() {
                (1, "the figure is not in the current run".to_string())
            } else if few(row.requests.0) || few(row.requests.1) {
                (
                    2,
                    format!("fewer than {} requests on one side", fmt::count(need)),
                )
            } else {
                (3, k.sentence.trim_end_matches('.').to_string())
            };
            let (rows, metrics) = groups.entry(key).or_default();
            if !rows.contains(&row.label) {
                rows.push(row.label.clone());
            }
            let m = k.metric.label();
            if !metrics.contains(&m) {
                metrics.push(m);
            }
        }
    }
    groups
        .into_iter()
        .map(|((_, why), (rows, metrics))| {
            let who = match rows.as_slice() {
                [one] => one.clone(),
                many => {
                    let endpoints = many.iter().filter(|l| *l != "Total").count();
                    let total = if many.iter().any(|l| l == "Total") {
                        "the total and "
                    } else {
                        ""
                    };
                    format!("{total}{}", fmt::plural(endpoints, "endpoint"))
                }
            };
            format!("{who}: {why} ({})", metrics.join(", "))
        })
        .collect()
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
