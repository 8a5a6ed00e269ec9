//! Derived figures of a run: failures split into expected and unexpected,
//! error rates, consistency. The [`Run`] is never changed; this pass builds
//! [`RunStats`] beside it.
//!
//! Locust's CSVs are pre-aggregated, so latency figures pass through with
//! their precision marked as the tool's own; raw-sample formats will compute
//! them here from histograms.

pub mod capacity;
pub mod histogram;
pub mod samples;

use crate::model::{EndpointStats, FailureGroup, LatencyStats, Percentile, ResourceUnit, Run};

/// One endpoint's (or the whole run's) figures, ready to score.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// Method or request type; empty for the totals.
    pub method: String,
    /// Endpoint name; `Aggregated` for the totals.
    pub name: String,
    /// `METHOD NAME` for display.
    pub label: String,
    /// Requests made.
    pub requests: u64,
    /// All failed requests.
    pub failures: u64,
    /// Failed requests the SLA file declares expected.
    pub expected_failures: u64,
    /// Unexpected failures ÷ requests; `None` without requests.
    pub error_rate: Option<f64>,
    /// All failures ÷ requests, expected ones included.
    pub error_rate_all: Option<f64>,
    /// Requests per second.
    pub throughput_rps: Option<f64>,
    /// Response-time figures.
    pub latency: LatencyStats,
    /// p99 ÷ p95, when both are known and p95 > 0.
    pub consistency: Option<f64>,
    /// Where the figures come from (file and line).
    pub source: Option<String>,
    /// False when the input does not say how many requests there were.
    pub requests_known: bool,
}

impl Figures {
    /// Failures that were not declared expected.
    pub fn unexpected_failures(&self) -> u64 {
        self.failures.saturating_sub(self.expected_failures)
    }
}

/// A failure group and the SLA's verdict on it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassifiedFailure {
    /// The failures as read.
    pub group: FailureGroup,
    /// Index of the `[[expected_failure]]` entry that excuses them, if any.
    pub expected_by: Option<usize>,
}

/// Everything the scoring and the reports need beyond the raw [`Run`].
#[derive(Debug, Clone, PartialEq)]
pub struct RunStats {
    /// The whole run.
    pub totals: Figures,
    /// Each endpoint, in input order.
    pub endpoints: Vec<Figures>,
    /// Each transaction (a group of requests timed as one), apart from the requests.
    pub transactions: Vec<Figures>,
    /// Failure groups, most frequent first.
    pub failures: Vec<ClassifiedFailure>,
    /// Resource metrics sampled during the run, in input order.
    pub resources: Vec<ResourceFigures>,
}

/// Min, mean and max of one resource metric over the run.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceFigures {
    /// Metric name (`cpu`, `api:mem`).
    pub metric: String,
    /// Unit of the values.
    pub unit: ResourceUnit,
    /// Smallest sample.
    pub min: f64,
    /// Mean of the samples (each sample weighs the same).
    pub avg: f64,
    /// Largest sample.
    pub max: f64,
    /// Number of samples.
    pub samples: u64,
    /// The file they come from.
    pub source: String,
}

/// Min/avg/max of each resource series that has samples.
pub fn resources(run: &Run) -> Vec<ResourceFigures> {
    run.resources
        .iter()
        .filter(|r| !r.points.is_empty())
        .map(|r| {
            let n = r.points.len();
            let (min, max, sum) = r.points.iter().fold(
                (f64::INFINITY, f64::NEG_INFINITY, 0.0),
                |(lo, hi, sum), &(_, v)| (lo.min(v), hi.max(v), sum + v),
            );
            ResourceFigures {
                metric: r.metric.clone(),
                unit: r.unit,
                min,
                avg: sum / n as f64,
                max,
                samples: n as u64,
                source: r.source.clone(),
            }
        })
        .collect()
}

/// Computes the figures of `run`. `expected` tells, for a failure group,
/// which expected-failure entry (if any) excuses it.
pub fn compute(run: &Run, expected: impl Fn(&FailureGroup) -> Option<usize>) -> RunStats {
    let mut failures: Vec<ClassifiedFailure> = run
        .failures
        .iter()
        .map(|g| ClassifiedFailure {
            expected_by: expected(g),
            group: g.clone(),
        })
        .collect();
    failures.sort_by(|a, b| {
        b.group
            .occurrences
            .cmp(&a.group.occurrences)
            .then_with(|| a.group.name.cmp(&b.group.name))
            .then_with(|| a.group.error.cmp(&b.group.error))
    });
    let expected_on = |e: &EndpointStats| -> u64 {
        let n: u64 = failures
            .iter()
            .filter(|f| {
                f.expected_by.is_some() && f.group.method == e.method && f.group.name == e.name
            })
            .map(|f| f.group.occurrences)
            .sum();
        // Never excuse more failures than the endpoint recorded.
        n.min(e.failures)
    };
    let known = !run.meta.no_failure_data;
    let endpoints: Vec<Figures> = run
        .endpoints
        .iter()
        .map(|e| figures(e, expected_on(e), known))
        .collect();
    let total_expected: u64 = endpoints.iter().map(|e| e.expected_failures).sum();
    let totals = figures(&run.totals, total_expected.min(run.totals.failures), known);
    let (mut totals, mut endpoints) = (totals, endpoints);
    if run.meta.no_request_counts {
        totals.requests_known = false;
        endpoints.iter_mut().for_each(|e| e.requests_known = false);
    }
    // Transactions counted as the requests (the input held nothing else) are both.
    let transactions = if run.meta.transactions_as_requests {
        endpoints.clone()
    } else {
        run.transactions
            .iter()
            .map(|t| figures(t, 0, known))
            .collect()
    };
    RunStats {
        totals,
        endpoints,
        transactions,
        failures,
        resources: resources(run),
    }
}

fn figures(e: &EndpointStats, expected_failures: u64, failures_known: bool) -> Figures {
    let rate = |n: u64| (failures_known && e.requests > 0).then(|| n as f64 / e.requests as f64);
    let p95 = e.latency.percentile(Percentile::P95);
    let p99 = e.latency.percentile(Percentile::P99);
    Figures {
        method: e.method.clone(),
        name: e.name.clone(),
        label: e.label(),
        requests: e.requests,
        failures: e.failures,
        expected_failures,
        error_rate: rate(e.failures.saturating_sub(expected_failures)),
        error_rate_all: rate(e.failures),
        throughput_rps: e.throughput_rps,
        latency: e.latency.clone(),
        consistency: consistency(p95, p99),
        source: e.source.clone(),
        requests_known: true,
    }
}

/// p99 ÷ p95; `None` when either is missing or p95 is 0.
pub fn consistency(p95: Option<f64>, p99: Option<f64>) -> Option<f64> {
    match (p95, p99) {
        (Some(a), Some(b)) if a > 0.0 => Some(b / a),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(name: &str, requests: u64, failures: u64) -> EndpointStats {
        EndpointStats {
            method: "GET".into(),
            name: name.into(),
            requests,
            failures,
            ..EndpointStats::default()
        }
    }

    #[test]
    fn expected_failures_are_counted_apart_and_never_exceed_recorded_ones() {
        let run = Run {
            meta: Default::default(),
            totals: EndpointStats {
                requests: 200,
                failures: 30,
                ..Default::default()
            },
            endpoints: vec![endpoint("/a", 100, 10), endpoint("/b", 100, 20)],
            transactions: vec![],
            series: vec![],
            failures: vec![
                FailureGroup {
                    method: "GET".into(),
                    name: "/a".into(),
                    error: "404".into(),
                    status: Some(404),
                    occurrences: 15,
                },
                FailureGroup {
                    method: "GET".into(),
                    name: "/b".into(),
                    error: "500".into(),
                    status: Some(500),
                    occurrences: 20,
                },
            ],
            exceptions: vec![],
            sources: vec![],
            resources: vec![],
        };
        let stats = compute(&run, |g| (g.status == Some(404)).then_some(0));
        assert_eq!(stats.endpoints[0].expected_failures, 10);
        assert_eq!(stats.endpoints[0].error_rate, Some(0.0));
        assert_eq!(stats.endpoints[0].error_rate_all, Some(0.1));
        assert_eq!(stats.totals.expected_failures, 10);
        assert_eq!(stats.totals.error_rate, Some(0.1));
        assert_eq!(stats.totals.error_rate_all, Some(0.15));
        assert_eq!(stats.failures[0].group.name, "/b", "most frequent first");
    }

    #[test]
    fn consistency_needs_both_percentiles() {
        assert_eq!(consistency(Some(10.0), Some(15.0)), Some(1.5));
        assert_eq!(consistency(Some(0.0), Some(15.0)), None);
        assert_eq!(consistency(None, Some(15.0)), None);
    }
}
