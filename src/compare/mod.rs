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
    /// Its verdict against the SLA of this build, when it was scored (a
    /// baseline that is itself inconclusive makes a weak comparison).
    pub verdict: Option<crate::sla::Verdict>,
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
    /// Why the comparison is weak, one clause each (`the baseline ran with
    /// 20 users, this run with 50`); empty when both sides are alike.
    pub weak: Vec<String>,
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
            // Two different declared scenarios stay apart. (An empty
            // baseline, e.g. a history with no passing run, pairs nothing.)
            let [only] = baseline else { return None };
            let both_declared = cur.meta.scenario.is_some() && only.meta.scenario.is_some();
            (current.len() == 1 && !both_declared).then_some((0, MatchedBy::OnlyRun))
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
    let only_in_baseline: Vec<String> = base
        .stats
        .endpoints
        .iter()
        .filter(|b| !cur.stats.endpoints.iter().any(|e| key(e) == key(b)))
        .map(|b| b.label.clone())
        .collect();
    // One endpoint on each side that is the whole run: its row repeats the
    // total's figures, and counting both would double every verdict (issue #14).
    if let [total, only] = rows.as_slice() {
        let same = |a: &Row, b: &Row| {
            a.requests == b.requests
                && a.checks.len() == b.checks.len()
                && a.checks.iter().zip(&b.checks).all(|(x, y)| {
                    (x.metric, x.baseline, x.current, x.verdict)
                        == (y.metric, y.baseline, y.current, y.verdict)
                })
        };
        if only_in_baseline.is_empty() && only_in_current.is_empty() && same(total, only) {
            rows.truncate(1);
        }
    }
    RunComparison {
        baseline: base.meta.name.clone(),
        current: cur.meta.name.clone(),
        matched_by,
        rows,
        only_in_baseline,
        only_in_current,
        weak: weakness(base, cur),
    }
}

/// What makes the baseline a weak reference for `cur`: another tool,
/// another user count, simulated figures, or a baseline that is itself
/// inconclusive against this SLA (a failing baseline is still a reference).
fn weakness(base: &Side<'_>, cur: &Side<'_>) -> Vec<String> {
    use crate::sla::Verdict as Sla;
    let mut out = Vec::new();
    if !base.meta.tool.eq_ignore_ascii_case(&cur.meta.tool) {
        out.push(format!(
            "the baseline was measured with {}, this run with {}",
            base.meta.tool, cur.meta.tool
        ));
    }
    let users = |m: &RunMeta| m.users_recorded.or(m.users_planned);
    if let (Some(b), Some(c)) = (users(base.meta), users(cur.meta)) {
        if b != c {
            out.push(format!(
                "the baseline ran with {} users, this run with {}",
                crate::report::format::count(b),
                crate::report::format::count(c)
            ));
        }
    }
    if base.meta.simulated {
        out.push("the baseline is simulated: its figures were not measured".to_string());
    } else if base.verdict == Some(Sla::Inconclusive) {
        out.push(
            "the baseline is itself INCONCLUSIVE against this SLA (too little data to judge it)"
                .to_string(),
        );
    }
    out
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
            baseline::OriginKind::History => format!(
                "the baseline run was recorded from {} aggregates only (no histogram in the history)",
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

#[cfg(test)]
mod tests {
    use super::*;

    fn stats() -> RunStats {
        let totals = Figures {
            method: String::new(),
            name: "Total".into(),
            label: "Total".into(),
            requests: 500,
            failures: 0,
            expected_failures: 0,
            error_rate: Some(0.0),
            error_rate_all: Some(0.0),
            throughput_rps: Some(10.0),
            latency: crate::model::LatencyStats::default(),
            consistency: None,
            source: None,
            requests_known: true,
        };
        let mut only = totals.clone();
        (only.method, only.name, only.label) = ("GET".into(), "/x".into(), "GET /x".into());
        RunStats {
            totals,
            endpoints: vec![only],
            transactions: vec![],
            failures: vec![],
            resources: vec![],
        }
    }

    #[test]
    fn a_baseline_of_another_tool_load_or_verdict_is_a_weak_reference() {
        let s = stats();
        let meta = |tool: &str, users: u64, simulated: bool| RunMeta {
            name: "r".into(),
            tool: tool.into(),
            users_recorded: Some(users),
            simulated,
            ..RunMeta::default()
        };
        let (b, c) = (meta("locust", 20, false), meta("locust", 20, false));
        let side = |m, v| Side {
            meta: m,
            stats: &s,
            verdict: v,
        };
        let alike = compare(
            baseline_origin(),
            &[side(&b, Some(crate::sla::Verdict::Pass))],
            &[side(&c, Some(crate::sla::Verdict::Pass))],
            &Regression::default(),
        );
        assert!(alike.runs[0].weak.is_empty());
        // The one endpoint repeats the total: one row, not two.
        assert_eq!(alike.runs[0].rows.len(), 1);
        let b = meta("k6", 50, false);
        let weak = compare(
            baseline_origin(),
            &[side(&b, Some(crate::sla::Verdict::Inconclusive))],
            &[side(&c, Some(crate::sla::Verdict::Pass))],
            &Regression::default(),
        );
        assert_eq!(
            weak.runs[0].weak,
            [
                "the baseline was measured with k6, this run with locust",
                "the baseline ran with 50 users, this run with 20",
                "the baseline is itself INCONCLUSIVE against this SLA (too little data to judge it)",
            ]
        );
        let b = meta("locust", 20, true);
        let simulated = compare(
            baseline_origin(),
            &[side(&b, Some(crate::sla::Verdict::NotValid))],
            &[side(&c, None)],
            &Regression::default(),
        );
        assert_eq!(
            simulated.runs[0].weak,
            ["the baseline is simulated: its figures were not measured"]
        );
    }

    #[test]
    fn an_empty_baseline_pairs_nothing_and_lists_the_current_run() {
        // A history with no passing run of the scenario gives no baseline
        // run: the only-run pairing indexed baseline[0] and panicked.
        let s = stats();
        let c = RunMeta {
            name: "r".into(),
            ..RunMeta::default()
        };
        let cur = Side {
            meta: &c,
            stats: &s,
            verdict: None,
        };
        let none = compare(baseline_origin(), &[], &[cur], &Regression::default());
        assert!(none.runs.is_empty());
        assert_eq!(none.unmatched_current, ["r"]);
    }

    fn baseline_origin() -> Origin {
        Origin {
            path: "base".into(),
            kind: baseline::OriginKind::Results,
            generator: None,
            blake3: None,
            reason: None,
        }
    }
}
