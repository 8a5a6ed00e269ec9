//! The trend of each scenario over its recorded runs: the figures in run
//! order, the SLA targets, the change points of each figure, and each
//! endpoint's P95, worst movers first. Plain data; `report::trend` renders it.
//!
//! Simulated runs are carried (the report shows them) but never decide
//! anything: change points and movers are computed on measured runs only.

use super::changepoint::{self, ChangePoint, Detection, Options};
use super::StoredRun;
use crate::sla::target::{Metric as SlaMetric, Target};
use serde::Serialize;
use std::collections::BTreeMap;

/// A figure followed over the runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Median response time, ms.
    P50,
    /// 95th percentile, ms.
    P95,
    /// 99th percentile, ms.
    P99,
    /// Unexpected failures ÷ requests.
    ErrorRate,
    /// Requests per second.
    Throughput,
    /// SLA score, 0–100.
    Score,
}

impl Metric {
    /// Every followed figure, in report order.
    pub const ALL: [Metric; 6] = [
        Metric::P50,
        Metric::P95,
        Metric::P99,
        Metric::ErrorRate,
        Metric::Throughput,
        Metric::Score,
    ];

    /// `P95`, `Error rate`.
    pub fn label(self) -> &'static str {
        match self {
            Metric::P50 => "P50",
            Metric::P95 => "P95",
            Metric::P99 => "P99",
            Metric::ErrorRate => "Error rate",
            Metric::Throughput => "Throughput",
            Metric::Score => "Score",
        }
    }

    /// The key of the SLA metric whose total-scope rule gives the target line.
    fn sla_key(self) -> Option<&'static str> {
        match self {
            Metric::P50 => Some("p50"),
            Metric::P95 => Some("p95"),
            Metric::P99 => Some("p99"),
            Metric::ErrorRate => Some("error_rate"),
            Metric::Throughput => Some("throughput"),
            Metric::Score => None,
        }
    }

    /// True when a higher value is worse.
    pub fn higher_is_worse(self) -> bool {
        !matches!(self, Metric::Throughput | Metric::Score)
    }

    fn value(self, r: &super::RunRecord) -> Option<f64> {
        let t = &r.totals;
        match self {
            Metric::P50 => t.p50_ms,
            Metric::P95 => t.p95_ms,
            Metric::P99 => t.p99_ms,
            Metric::ErrorRate => t.error_rate,
            Metric::Throughput => t.throughput_rps,
            Metric::Score => r.score,
        }
        .filter(|v| v.is_finite())
    }
}

/// One run on the trend's x axis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunPoint {
    /// Row id in the history.
    pub id: i64,
    /// The run's name.
    pub name: String,
    /// `--label` when given.
    pub label: Option<String>,
    /// Commit, when CI said.
    pub commit: Option<String>,
    /// Branch, when CI said.
    pub branch: Option<String>,
    /// When it ran (RFC 3339).
    pub run_at: String,
    /// Not measured: shown, never used to decide.
    pub simulated: bool,
    /// `pass`, `fail`, `inconclusive`, `not-valid`.
    pub verdict: Option<String>,
    /// The run's report, when a build wrote one.
    pub report_path: Option<String>,
}

/// A change point placed on the runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Index into the scenario's runs of the first run after the shift.
    pub run: usize,
    /// Measured runs before and after the shift, in its segments.
    pub runs_before: usize,
    /// See `runs_before`.
    pub runs_after: usize,
    /// Mean before.
    pub mean_before: f64,
    /// Standard deviation before.
    pub sd_before: f64,
    /// Mean after.
    pub mean_after: f64,
    /// Standard deviation after.
    pub sd_after: f64,
    /// Permutation p-value.
    pub p: f64,
    /// True when the shift is for the worse (slower, more errors, less throughput, lower score).
    pub worse: bool,
}

/// What the detector said about one figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Changes {
    /// Too few measured runs with this figure.
    TooShort {
        /// Measured runs with the figure.
        have: usize,
        /// Runs needed.
        need: usize,
    },
    /// The change points found (empty: none at the chosen p-value).
    Found {
        /// In run order.
        changes: Vec<Change>,
    },
}

/// One figure over the runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricTrend {
    /// Which figure.
    pub metric: Metric,
    /// Its value per run (`None`: the run does not hold it).
    pub values: Vec<Option<f64>>,
    /// The SLA target of the latest measured run that has one, as written and as a value.
    pub target: Option<(String, f64)>,
    /// Its change points.
    pub changes: Changes,
}

/// One endpoint's P95 over the runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EndpointTrend {
    /// HTTP method (may be empty).
    pub method: String,
    /// Endpoint name.
    pub name: String,
    /// P95 per run, ms.
    pub p95_ms: Vec<Option<f64>>,
    /// The latest measured P95 relative to the median of the earlier
    /// measured ones (0.2: 20 % slower); `None` without both.
    pub movement: Option<f64>,
}

/// One scenario's trend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioTrend {
    /// The scenario (run.toml `scenario`, else the run's name).
    pub scenario: String,
    /// Its runs in run order.
    pub runs: Vec<RunPoint>,
    /// The followed figures.
    pub metrics: Vec<MetricTrend>,
    /// Endpoints, worst movers first.
    pub endpoints: Vec<EndpointTrend>,
}

/// Every scenario's trend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    /// By scenario name.
    pub scenarios: Vec<ScenarioTrend>,
    /// The detector's settings.
    #[serde(skip)]
    pub options: Options,
}

/// Builds the trend of `runs` (as [`super::Store::runs`] returns them, with endpoints).
pub fn build(runs: &[StoredRun], options: Options) -> Trend {
    let mut by_scenario: BTreeMap<&str, Vec<&StoredRun>> = BTreeMap::new();
    for r in runs {
        by_scenario.entry(&r.run.scenario).or_default().push(r);
    }
    Trend {
        scenarios: by_scenario
            .into_iter()
            .map(|(name, runs)| scenario(name, &runs, &options))
            .collect(),
        options,
    }
}

fn scenario(name: &str, runs: &[&StoredRun], options: &Options) -> ScenarioTrend {
    let points: Vec<RunPoint> = runs
        .iter()
        .map(|s| RunPoint {
            id: s.id,
            name: s.run.name.clone(),
            label: s.run.provenance.label.clone(),
            commit: s.run.provenance.commit.clone(),
            branch: s.run.provenance.branch.clone(),
            run_at: s.run.run_at.clone(),
            simulated: s.run.simulated,
            verdict: s.run.verdict.clone(),
            report_path: s.run.provenance.report_path.clone(),
        })
        .collect();
    let measured: Vec<bool> = runs.iter().map(|s| !s.run.simulated).collect();
    let metrics = Metric::ALL
        .iter()
        .map(|&m| {
            let values: Vec<Option<f64>> = runs.iter().map(|s| m.value(&s.run)).collect();
            MetricTrend {
                metric: m,
                target: target(runs, m),
                changes: changes(&values, &measured, m, options),
                values,
            }
        })
        .collect();
    ScenarioTrend {
        scenario: name.to_string(),
        runs: points,
        metrics,
        endpoints: endpoints(runs, &measured),
    }
}

/// The change points of `values`, found on the measured runs holding it.
fn changes(values: &[Option<f64>], measured: &[bool], m: Metric, options: &Options) -> Changes {
    let (at, z): (Vec<usize>, Vec<f64>) = values
        .iter()
        .zip(measured)
        .enumerate()
        .filter_map(|(i, (v, &ok))| v.filter(|_| ok).map(|v| (i, v)))
        .unzip();
    match changepoint::detect(&z, options) {
        Detection::TooShort { have, need } => Changes::TooShort { have, need },
        Detection::Found(cps) => {
            let mut bounds: Vec<usize> = cps.iter().map(|c| c.index).collect();
            bounds.insert(0, 0);
            bounds.push(z.len());
            Changes::Found {
                changes: cps
                    .iter()
                    .enumerate()
                    .map(|(k, c): (usize, &ChangePoint)| Change {
                        run: at[c.index],
                        runs_before: bounds[k + 1] - bounds[k],
                        runs_after: bounds[k + 2] - bounds[k + 1],
                        mean_before: c.mean_before,
                        sd_before: c.sd_before,
                        mean_after: c.mean_after,
                        sd_after: c.sd_after,
                        p: c.p,
                        worse: (c.mean_after > c.mean_before) == m.higher_is_worse(),
                    })
                    .collect(),
            }
        }
    }
}

/// The target of the total-scope SLA rule for `m` in the latest measured run
/// that has one (the score's target is the pass mark).
fn target(runs: &[&StoredRun], m: Metric) -> Option<(String, f64)> {
    let latest = runs.iter().rev().filter(|s| !s.run.simulated);
    let Some(key) = m.sla_key() else {
        return latest
            .clone()
            .find_map(|s| s.run.pass_score)
            .map(|p| (format!(">= {p}"), p));
    };
    for s in latest {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&s.run.summary_json) else {
            continue;
        };
        let rules = v
            .pointer("/score/rules")
            .and_then(|r| r.as_array())
            .cloned()
            .unwrap_or_default();
        for rule in rules {
            let field = |k: &str| rule.get(k).and_then(|x| x.as_str()).unwrap_or_default();
            if field("metric") != key || field("scope") != "total" {
                continue;
            }
            let Ok(metric) = SlaMetric::parse(key, None) else {
                continue;
            };
            if let Ok(t) = Target::parse(field("target"), metric.kind()) {
                return Some((t.text, t.value));
            }
        }
    }
    None
}

/// Each endpoint's P95 over the runs, worst movers first.
fn endpoints(runs: &[&StoredRun], measured: &[bool]) -> Vec<EndpointTrend> {
    let mut by_key: BTreeMap<(String, String), Vec<Option<f64>>> = BTreeMap::new();
    for (i, s) in runs.iter().enumerate() {
        for e in &s.run.endpoints {
            let series = by_key
                .entry((e.method.clone(), e.name.clone()))
                .or_insert_with(|| vec![None; runs.len()]);
            series[i] = e.p95_ms.filter(|v| v.is_finite());
        }
    }
    let mut out: Vec<EndpointTrend> = by_key
        .into_iter()
        .map(|((method, name), p95_ms)| {
            let movement = movement(&p95_ms, measured);
            EndpointTrend {
                method,
                name,
                p95_ms,
                movement,
            }
        })
        .collect();
    // Worst (largest slow-down) first; endpoints that cannot be judged last.
    out.sort_by(|a, b| match (a.movement, b.movement) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    out
}

/// Latest measured value ÷ median of the earlier measured values − 1.
fn movement(values: &[Option<f64>], measured: &[bool]) -> Option<f64> {
    let mut v: Vec<f64> = values
        .iter()
        .zip(measured)
        .filter_map(|(v, &ok)| v.filter(|_| ok))
        .collect();
    let last = v.pop()?;
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    let median = if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    };
    (median > 0.0).then(|| last / median - 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::tests::summary;
    use crate::history::{records_from_summary, Provenance};
    use std::path::Path;

    fn stored(p95s: &[f64], simulated_at: &[usize]) -> Vec<StoredRun> {
        p95s.iter()
            .enumerate()
            .map(|(i, p)| {
                let mut r = records_from_summary(
                    &summary(&[("peak", *p, true, &format!("d{i}"))]),
                    Path::new("s.json"),
                    &Provenance::default(),
                    &format!("2026-01-01T00:{:02}:00+00:00", i % 60),
                )
                .unwrap()
                .remove(0);
                r.simulated = simulated_at.contains(&i);
                StoredRun {
                    id: i as i64 + 1,
                    run: r,
                }
            })
            .collect()
    }

    #[test]
    fn a_step_in_p95_is_placed_on_its_run_and_simulated_runs_do_not_count() {
        let mut rng = changepoint::SplitMix64(11);
        let mut p95: Vec<f64> = (0..24)
            .map(|i| if i < 14 { 40.0 } else { 55.0 } + rng.normal())
            .collect();
        // A wild simulated run before the step: shown, not used.
        p95[5] = 500.0;
        let t = build(&stored(&p95, &[5]), Options::default());
        let s = &t.scenarios[0];
        let m = s.metrics.iter().find(|m| m.metric == Metric::P95).unwrap();
        assert_eq!(m.values[5], Some(500.0));
        let Changes::Found { changes } = &m.changes else {
            panic!("{:?}", m.changes)
        };
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].run, 14);
        assert_eq!((changes[0].runs_before, changes[0].runs_after), (13, 10));
        assert!(changes[0].worse);
        let before: Vec<f64> = p95[..14]
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 5)
            .map(|(_, v)| *v)
            .collect();
        assert!((changes[0].mean_before - before.iter().sum::<f64>() / 13.0).abs() < 1e-9);
        // The endpoint moved by the same step: last vs median of the rest.
        let e = &s.endpoints[0];
        assert_eq!(e.name, "/a|b");
        let mut rest: Vec<f64> = before.clone();
        rest.extend(&p95[14..23]);
        rest.sort_by(f64::total_cmp);
        let median = (rest[10] + rest[11]) / 2.0;
        assert!((e.movement.unwrap() - (p95[23] / median - 1.0)).abs() < 1e-12);
    }

    #[test]
    fn a_short_history_says_so_for_every_figure() {
        let t = build(&stored(&[1.0, 2.0, 3.0], &[]), Options::default());
        for m in &t.scenarios[0].metrics {
            assert_eq!(
                m.changes,
                Changes::TooShort { have: 3, need: 13 },
                "{:?}",
                m.metric
            );
        }
        // The pass mark is the score's target line.
        let score = t.scenarios[0]
            .metrics
            .iter()
            .find(|m| m.metric == Metric::Score)
            .unwrap();
        assert_eq!(score.target, Some((">= 70".to_string(), 70.0)));
    }
}
