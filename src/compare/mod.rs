//! Comparing runs against a baseline: the release gate.
//!
//! [`baseline::load`] reads the baseline (a previous `summary.json` or a
//! results directory); [`compare`] matches runs (by `scenario`, else by name)
//! and endpoints (by method and name), and judges each figure's change with
//! [`verdict::judge`]. Unmatched runs and endpoints are listed, never dropped.

pub mod baseline;
pub mod significance;
pub mod verdict;

use crate::model::{Percentile, RunMeta};
use crate::sla::regression::Regression;
use crate::stats::{Figures, RunStats};
use baseline::Origin;
use verdict::{Test, Threshold, Verdict};

/// A compared figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Median response time.
    P50,
    /// 95th percentile response time.
    P95,
    /// 99th percentile response time.
    P99,
    /// Unexpected failures ÷ requests.
    ErrorRate,
    /// Requests per second.
    Throughput,
}

impl Metric {
    /// Every compared figure, in report order.
    pub const ALL: [Metric; 5] = [
        Metric::P50,
        Metric::P95,
        Metric::P99,
        Metric::ErrorRate,
        Metric::Throughput,
    ];

    /// `P95`, `Error rate`.
    pub fn label(self) -> &'static str {
        match self {
            Metric::P50 => "P50",
            Metric::P95 => "P95",
            Metric::P99 => "P99",
            Metric::ErrorRate => "Error rate",
            Metric::Throughput => "Throughput",
        }
    }

    /// `p50`, `error_rate`: the key in summary.json and the SLA file.
    pub fn code(self) -> &'static str {
        match self {
            Metric::P50 => "p50",
            Metric::P95 => "p95",
            Metric::P99 => "p99",
            Metric::ErrorRate => "error_rate",
            Metric::Throughput => "throughput",
        }
    }

    /// A value of this metric as text.
    pub fn format(self, v: f64) -> String {
        use crate::report::format as fmt;
        match self {
            Metric::P50 | Metric::P95 | Metric::P99 => fmt::ms(v),
            Metric::ErrorRate => fmt::percent(v),
            Metric::Throughput => fmt::rps(v),
        }
    }

    /// A difference of this metric as text: `+12 ms`, `+1.20 pp`, `-3.00 req/s`.
    pub fn format_delta(self, d: f64) -> String {
        let sign = if d >= 0.0 { "+" } else { "-" };
        let a = d.abs();
        match self {
            Metric::ErrorRate => format!("{sign}{:.2} pp", a * 100.0),
            _ => format!("{sign}{}", self.format(a)),
        }
    }

    fn value(self, f: &Figures) -> Option<f64> {
        match self {
            Metric::P50 => f.latency.percentile(Percentile::P50),
            Metric::P95 => f.latency.percentile(Percentile::P95),
            Metric::P99 => f.latency.percentile(Percentile::P99),
            Metric::ErrorRate => f.error_rate,
            Metric::Throughput => f.throughput_rps,
        }
    }

    fn threshold(self, r: &Regression) -> Option<Threshold> {
        match self {
            Metric::P50 => r.p50.map(Threshold::Latency),
            Metric::P95 => r.p95.map(Threshold::Latency),
            Metric::P99 => r.p99.map(Threshold::Latency),
            Metric::ErrorRate => r.error_rate_pp.map(Threshold::Points),
            Metric::Throughput => r.throughput_drop.map(Threshold::Drop),
        }
    }

    /// The SLA's threshold for this metric as written (`+10%`), `None`: not checked.
    pub fn threshold_text(self, r: &Regression) -> Option<&str> {
        let key = match self {
            Metric::ErrorRate => "Error rate",
            other => other.label(),
        };
        r.text
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, t)| t.as_str())
    }
}

/// One side's run, as the comparison sees it.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// Name, scenario, tool.
    pub meta: &'a RunMeta,
    /// Its figures.
    pub stats: &'a RunStats,
}

/// How two runs were paired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedBy {
    /// Same `scenario` in run.toml.
    Scenario,
    /// Same run name.
    Name,
    /// Neither: each side holds one run, so those two are compared, names apart.
    OnlyRun,
}

impl MatchedBy {
    /// `scenario` / `name`.
    pub fn code(self) -> &'static str {
        match self {
            MatchedBy::Scenario => "scenario",
            MatchedBy::Name => "name",
            MatchedBy::OnlyRun => "only-run",
        }
    }

    /// Ends "matched by …" in the reports.
    pub fn describe(self) -> &'static str {
        match self {
            MatchedBy::Scenario => "scenario",
            MatchedBy::Name => "name",
            MatchedBy::OnlyRun => "being the only run on each side (the names differ)",
        }
    }
}

/// One figure of one endpoint (or the total), compared.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// Which figure.
    pub metric: Metric,
    /// Baseline value.
    pub baseline: Option<f64>,
    /// Current value.
    pub current: Option<f64>,
    /// The threshold as written, `None` when the metric is not checked.
    pub threshold: Option<String>,
    /// The noise test.
    pub test: Test,
    /// The verdict; `None` when not checked.
    pub verdict: Option<Verdict>,
    /// Why, in one sentence.
    pub sentence: String,
}

impl Check {
    /// current − baseline.
    pub fn absolute(&self) -> Option<f64> {
        Some(self.current? - self.baseline?)
    }

    /// (current − baseline) ÷ baseline.
    pub fn relative(&self) -> Option<f64> {
        verdict::relative(self.baseline?, self.current?)
    }
}

/// One endpoint (or the total) compared.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// `GET /x`, or `Total`.
    pub label: String,
    /// Method (empty for the total).
    pub method: String,
    /// Name (empty for the total).
    pub name: String,
    /// True for the whole run.
    pub total: bool,
    /// Requests on each side, when known.
    pub requests: (Option<u64>, Option<u64>),
    /// One check per [`Metric::ALL`].
    pub checks: Vec<Check>,
}

impl Row {
    /// The worst verdict of the row's checks.
    pub fn worst(&self) -> Option<Verdict> {
        self.checks.iter().filter_map(|c| c.verdict).max()
    }
}

/// A pair of matched runs.
#[derive(Debug, Clone, PartialEq)]
pub struct RunComparison {
    /// Baseline run name.
    pub baseline: String,
    /// Current run name.
    pub current: String,
    /// How they were paired.
    pub matched_by: MatchedBy,
    /// The total first, then each endpoint present on both sides in current order.
    pub rows: Vec<Row>,
    /// Endpoints only the baseline has.
    pub only_in_baseline: Vec<String>,
    /// Endpoints only the current run has.
    pub only_in_current: Vec<String>,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Where the baseline came from.
    pub baseline: Origin,
    /// The thresholds and significance used.
    pub regression: Regression,
    /// Matched runs, in current order.
    pub runs: Vec<RunComparison>,
    /// Baseline runs with no current counterpart.
    pub unmatched_baseline: Vec<String>,
    /// Current runs with no baseline counterpart.
    pub unmatched_current: Vec<String>,
}

impl Comparison {
    /// True when any check regressed.
    pub fn regressed(&self) -> bool {
        self.regressions().next().is_some()
    }

    /// Every regressed check with its run and row.
    pub fn regressions(&self) -> impl Iterator<Item = (&RunComparison, &Row, &Check)> {
        self.checks()
            .filter(|(_, _, c)| c.verdict == Some(Verdict::Regressed))
    }

    /// Every check with its run and row.
    pub fn checks(&self) -> impl Iterator<Item = (&RunComparison, &Row, &Check)> {
        self.runs.iter().flat_map(|r| {
            r.rows
                .iter()
                .flat_map(move |row| row.checks.iter().map(move |c| (r, row, c)))
        })
    }
}

/// Compares `current` runs with `baseline` runs.
pub fn compare(
    origin: Origin,
    baseline: &[Side<'_>],
    current: &[Side<'_>],
    regression: &Regression,
) -> Comparison {
    let mut used = vec![false; baseline.len()];
    let mut runs = Vec::new();
    let mut unmatched_current = Vec::new();
    for cur in current {
        let by_scenario = cur.meta.scenario.as_ref().and_then(|s| {
            (0..baseline.len()).find(|&i| !used[i] && baseline[i].meta.scenario.as_ref() == Some(s))
        });
        let found = match by_scenario {
            Some(i) => Some((i, MatchedBy::Scenario)),
            None => (0..baseline.len())
                .find(|&i| !used[i] && baseline[i].meta.name == cur.meta.name)
                .map(|i| (i, MatchedBy::Name)),
        };
        // One run on each side, under other names (v1/ against v2/, a
        // renamed Locust prefix): they are the comparison the user asked for.
        let found = found.or_else(|| {
            // Two different declared scenarios stay apart.
            let both_declared = cur.meta.scenario.is_some() && baseline[0].meta.scenario.is_some();
            (baseline.len() == 1 && current.len() == 1 && !both_declared)
                .then_some((0, MatchedBy::OnlyRun))
        });
        match found {
            Some((i, by)) => {
                used[i] = true;
                runs.push(compare_runs(&baseline[i], cur, by, regression, origin.kind));
            }
            None => unmatched_current.push(cur.meta.name.clone()),
        }
    }
    let unmatched_baseline = baseline
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(b, _)| b.meta.name.clone())
        .collect();
    Comparison {
        baseline: origin,
        regression: regression.clone(),
        runs,
        unmatched_baseline,
        unmatched_current,
    }
}

fn compare_runs(
    base: &Side<'_>,
    cur: &Side<'_>,
    matched_by: MatchedBy,
    regression: &Regression,
    kind: baseline::OriginKind,
) -> RunComparison {
    let key = |f: &Figures| (f.method.clone(), f.name.clone());
    let mut rows = vec![row(
        &base.stats.totals,
        &cur.stats.totals,
        true,
        regression,
        (base, cur, kind),
    )];
    let mut only_in_current = Vec::new();
    for e in &cur.stats.endpoints {
        match base.stats.endpoints.iter().find(|b| key(b) == key(e)) {
            Some(b) => rows.push(row(b, e, false, regression, (base, cur, kind))),
            None => only_in_current.push(e.label.clone()),
        }
    }
    let only_in_baseline = base
        .stats
        .endpoints
        .iter()
        .filter(|b| !cur.stats.endpoints.iter().any(|e| key(e) == key(b)))
        .map(|b| b.label.clone())
        .collect();
    RunComparison {
        baseline: base.meta.name.clone(),
        current: cur.meta.name.clone(),
        matched_by,
        rows,
        only_in_baseline,
        only_in_current,
    }
}

fn row(
    b: &Figures,
    c: &Figures,
    total: bool,
    regression: &Regression,
    (base, cur, kind): (&Side<'_>, &Side<'_>, baseline::OriginKind),
) -> Row {
    let requests = (
        b.requests_known.then_some(b.requests),
        c.requests_known.then_some(c.requests),
    );
    let latency_test = match (&b.latency.histogram, &c.latency.histogram) {
        (Some(hb), Some(hc)) => match significance::mann_whitney(hb, hc) {
            Some(r) => Test::MannWhitney(r),
            None => Test::NotTested("no response times on one side".into()),
        },
        (None, _) => Test::NotTested(match kind {
            baseline::OriginKind::Summary => {
                "the baseline is a summary.json, which holds aggregates only".to_string()
            }
            baseline::OriginKind::Results => format!(
                "the baseline's {} files hold aggregates only",
                base.meta.tool
            ),
        }),
        (_, None) => Test::NotTested(format!(
            "the current run's {} files hold aggregates only",
            cur.meta.tool
        )),
    };
    let error_test = match (requests, b.error_rate, c.error_rate) {
        ((Some(nb), Some(nc)), Some(rb), Some(rc)) => {
            match significance::two_proportions(
                rb * nb as f64,
                nb as f64,
                rc * nc as f64,
                nc as f64,
            ) {
                Some(r) => Test::TwoProportions(r),
                None => Test::NotTested("no requests on one side".into()),
            }
        }
        _ => Test::NotTested("request or failure counts are missing".into()),
    };
    let throughput_test =
        Test::NotTested("throughput is one figure per run; no test applies".into());
    let checks = Metric::ALL
        .iter()
        .map(|&metric| {
            let test = match metric {
                Metric::ErrorRate => error_test.clone(),
                Metric::Throughput => throughput_test.clone(),
                _ => latency_test.clone(),
            };
            let threshold_text = metric.threshold_text(regression);
            let (verdict, sentence) = verdict::judge(&verdict::Inputs {
                metric,
                baseline: metric.value(b),
                current: metric.value(c),
                requests,
                threshold: metric.threshold(regression),
                threshold_text,
                test: &test,
                significance: regression.significance,
            });
            Check {
                metric,
                baseline: metric.value(b),
                current: metric.value(c),
                threshold: threshold_text.map(str::to_string),
                test,
                verdict,
                sentence,
            }
        })
        .collect();
    Row {
        label: if total {
            "Total".to_string()
        } else {
            c.label.clone()
        },
        method: if total {
            String::new()
        } else {
            c.method.clone()
        },
        name: if total { String::new() } else { c.name.clone() },
        total,
        requests,
        checks,
    }
}
