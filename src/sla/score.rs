//! `score`: a pure function from a run's figures and an SLA to a [`Score`].

use super::evidence::{Evidence, SmallSample};
use super::target::{Metric, ResourceAgg};
use super::{Rule, Scope, Scoring, Sla};
use crate::stats::{Figures, RunStats};

/// The outcome of one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The target is met.
    Pass,
    /// The target is missed.
    Fail,
    /// The rule cannot be judged (the input does not hold the figure, or it
    /// rests on too few requests): no points at the low end of the score,
    /// full points at the high end; cannot pass a gate.
    Inconclusive,
}

impl Status {
    /// `pass`, `fail`, `inconclusive` (JSON).
    pub fn code(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Inconclusive => "inconclusive",
        }
    }
}

/// One rule's result.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleResult {
    /// The rule's id.
    pub id: String,
    /// The measured value in canonical units (ms, fraction, req/s, ratio),
    /// whenever the input holds it, also when the rule could not be scored.
    pub measured: Option<f64>,
    /// For endpoint scopes: the endpoint that decided the result.
    pub measured_at: Option<String>,
    /// Why `measured` was not scored, in a few words ("from 7 values above
    /// it: too few to score"); `None` when it was scored or is absent.
    pub unscored: Option<String>,
    /// Credit in [0, 1].
    pub credit: f64,
    /// weight × credit.
    pub points: f64,
    /// Pass, fail or inconclusive.
    pub status: Status,
    /// Why the rule is inconclusive, or which endpoints failed.
    pub note: Option<String>,
    /// Figures this rule looked at that rest on too few requests.
    pub small_samples: Vec<SmallSampleFinding>,
}

impl RuleResult {
    /// `rule` could not be judged, and `note` says why: no value, no points.
    fn inconclusive(rule: &Rule, note: String) -> Self {
        RuleResult {
            id: rule.id.clone(),
            measured: None,
            measured_at: None,
            unscored: None,
            credit: 0.0,
            points: 0.0,
            status: Status::Inconclusive,
            note: Some(note),
            small_samples: Vec::new(),
        }
    }
}

/// A percentile computed from too few requests to mean much.
#[derive(Debug, Clone, PartialEq)]
pub struct SmallSampleFinding {
    /// The endpoint (or `Aggregated`).
    pub endpoint: String,
    /// The percentile looked at (`p99`).
    pub percentile: String,
    /// Requests it was computed from.
    pub requests: u64,
    /// Requests it needs.
    pub needed: u64,
    /// How many values lie above it.
    pub values_above: u64,
}

/// The verdict printed at the top of every output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// The low end of the score reaches `pass_score`, and every gate was
    /// judged and passed.
    Pass,
    /// What could not be judged decides: the run passes at the high end of
    /// the score and fails at the low end, or a gate could not be judged.
    Inconclusive,
    /// The high end of the score misses `pass_score`, or a judged gate failed.
    Fail,
    /// The figures were not measured: not for sign-off whatever the score.
    NotValid,
}

impl Verdict {
    /// `PASS`, `FAIL`, `INCONCLUSIVE`, `NOT VALID FOR SIGN-OFF`.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::Inconclusive => "INCONCLUSIVE",
            Verdict::NotValid => "NOT VALID FOR SIGN-OFF",
        }
    }

    /// `pass`, `fail`, `inconclusive`, `not-valid` (summary.json, CSS).
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Inconclusive => "inconclusive",
            Verdict::NotValid => "not-valid",
        }
    }
}

/// A run's score against an SLA.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// 0–100, the low end: inconclusive rules earn no credit.
    pub value: f64,
    /// 0–100, the high end: inconclusive rules earn full credit. Equal to
    /// `value` when every rule was judged.
    pub value_high: f64,
    /// The grade band `value` falls in.
    pub grade: String,
    /// The grade band `value_high` falls in.
    pub grade_high: String,
    /// The verdict is [`Verdict::Pass`] but for the simulated label.
    pub passed: bool,
    /// What the reports lead with.
    pub verdict: Verdict,
    /// One result per SLA rule, in file order.
    pub rules: Vec<RuleResult>,
    /// Ids of gate rules that were judged and failed, and `evidence:<code>`
    /// for evidence gates of the SLA's `[evidence]` table.
    pub failed_gates: Vec<String>,
    /// Ids of gate rules that could not be judged.
    pub inconclusive_gates: Vec<String>,
    /// The run's figures were not measured.
    pub simulated: bool,
    /// The SLA's pass mark.
    pub pass_score: f64,
}

impl Score {
    /// Sets `passed` and `verdict` from the range, the gates and the
    /// simulated label (see DESIGN.md, "Verdicts").
    pub fn decide(&mut self) {
        let fails = self.value_high < self.pass_score || !self.failed_gates.is_empty();
        let passes = self.value >= self.pass_score && self.inconclusive_gates.is_empty();
        let outcome = if fails {
            Verdict::Fail
        } else if passes {
            Verdict::Pass
        } else {
            Verdict::Inconclusive
        };
        self.passed = outcome == Verdict::Pass;
        self.verdict = if self.simulated {
            Verdict::NotValid
        } else {
            outcome
        };
    }

    /// The verdict the figures would earn if they had been measured: the
    /// same as `verdict` for a measured run.
    pub fn outcome(&self) -> Verdict {
        match self.verdict {
            Verdict::NotValid => {
                let mut s = self.clone();
                s.simulated = false;
                s.decide();
                s.verdict
            }
            v => v,
        }
    }

    /// True when the low and high ends differ: some rule could not be judged.
    pub fn is_range(&self) -> bool {
        self.value_high > self.value
    }
}

/// Scores `stats` against `sla`. A simulated run gets [`Verdict::NotValid`].
pub fn score(stats: &RunStats, sla: &Sla, simulated: bool) -> Score {
    let rules: Vec<RuleResult> = sla
        .rules
        .iter()
        .map(|r| evaluate(r, stats, &sla.evidence))
        .collect();
    let total_weight: f64 = sla.rules.iter().map(|r| r.weight).sum();
    let percent = |points: f64| {
        if total_weight > 0.0 {
            points / total_weight * 100.0
        } else {
            0.0
        }
    };
    let earned: f64 = rules.iter().map(|r| r.points).sum();
    let open: f64 = sla
        .rules
        .iter()
        .zip(&rules)
        .filter(|(_, res)| res.status == Status::Inconclusive)
        .map(|(rule, _)| rule.weight)
        .sum();
    let gates = |status: Status| -> Vec<String> {
        sla.rules
            .iter()
            .zip(&rules)
            .filter(|(rule, res)| rule.gate && res.status == status)
            .map(|(rule, _)| rule.id.clone())
            .collect()
    };
    let mut failed_gates = gates(Status::Fail);
    let inconclusive_gates = gates(Status::Inconclusive);
    if sla.evidence.small_sample == SmallSample::Gate
        && rules.iter().any(|r| !r.small_samples.is_empty())
    {
        failed_gates.push("evidence:small-sample".to_string());
    }
    let value = percent(earned);
    // Both ends from the same sum, so a run with nothing open has value_high == value exactly.
    let value_high = if open > 0.0 {
        percent(earned + open)
    } else {
        value
    };
    let mut s = Score {
        value,
        value_high,
        grade: sla.grade(value),
        grade_high: sla.grade(value_high),
        passed: false,
        verdict: Verdict::Fail,
        rules,
        failed_gates,
        inconclusive_gates,
        simulated,
        pass_score: sla.pass_score,
    };
    s.decide();
    s
}

/// The percentile a metric rests on, for the small-sample check.
fn tail_percentile(metric: Metric) -> Option<f64> {
    match metric {
        Metric::Percentile(p) if p.percent() < 100.0 => Some(p.percent()),
        Metric::Consistency => Some(99.0),
        _ => None,
    }
}

fn evaluate(rule: &Rule, stats: &RunStats, evidence: &Evidence) -> RuleResult {
    if let Metric::Resource { name, agg, unit } = rule.metric {
        return evaluate_resource(rule, stats, name, agg, unit);
    }
    let scoped: Vec<&Figures> = match &rule.scope {
        Scope::Total => vec![&stats.totals],
        Scope::EachEndpoint => stats.endpoints.iter().collect(),
        Scope::Endpoints(p) => stats
            .endpoints
            .iter()
            .filter(|e| p.matches(&e.method, &e.name))
            .collect(),
        Scope::EachTransaction => stats.transactions.iter().collect(),
        Scope::Transactions(p) => stats
            .transactions
            .iter()
            .filter(|t| p.matches(&t.method, &t.name))
            .collect(),
    };
    let inconclusive = |note: String| RuleResult::inconclusive(rule, note);
    if scoped.is_empty() {
        return inconclusive(match &rule.scope {
            Scope::EachTransaction | Scope::Transactions(_) if stats.transactions.is_empty() => {
                "the run has no transactions (JMeter Transaction Controller rows)".to_string()
            }
            Scope::EachTransaction | Scope::Transactions(_) => {
                format!("no transaction matches `{}`", rule.scope)
            }
            _ => format!("no endpoint matches `{}`", rule.scope),
        });
    }
    let per_endpoint = rule.scope != Scope::Total;
    let mut measured = Vec::new();
    let mut missing = Vec::new();
    let mut small_samples = Vec::new();
    // Every figure the input holds, scored or not, with why it was not scored.
    let mut held: Vec<(String, f64, Option<String>)> = Vec::new();
    for f in &scoped {
        let value = measure(rule.metric, f);
        let figure = value.as_ref().ok().copied();
        let small = tail_percentile(rule.metric).and_then(|pct| {
            let needed = evidence.requests_needed(pct);
            (f.requests < needed && value.is_ok()).then(|| SmallSampleFinding {
                endpoint: f.label.clone(),
                percentile: crate::model::Percentile::from_percent(pct)
                    .map_or_else(|| format!("p{pct}"), |p| p.to_string()),
                requests: f.requests,
                needed,
                values_above: (f.requests as f64 * (1.0 - pct / 100.0)).floor() as u64,
            })
        });
        let value = if f.requests_known || tail_percentile(rule.metric).is_none() {
            value
        } else {
            Err("the input does not say how many requests this percentile rests on".to_string())
        };
        let small = small.filter(|_| f.requests_known);
        let value = match (&small, evidence.small_sample) {
            (Some(s), SmallSample::Inconclusive | SmallSample::Gate) => Err(format!(
                "{} of {} requests rests on {} above it; scoring it needs at least {} requests",
                s.percentile,
                crate::report::format::count(s.requests),
                crate::report::format::plural(s.values_above as usize, "value"),
                crate::report::format::count(s.needed)
            )),
            _ => value,
        };
        if let Some(v) = figure {
            let why = match (&small, &value) {
                (_, Ok(_)) => None,
                (Some(s), Err(_)) => Some(format!(
                    "from {} above it: too few to score",
                    crate::report::format::plural(s.values_above as usize, "value")
                )),
                (None, Err(_)) => Some("request count not in the input: not scored".to_string()),
            };
            held.push((f.label.clone(), v, why));
        }
        small_samples.extend(small);
        match value {
            Ok(v) => measured.push((f.label.clone(), v, credit(rule, v))),
            Err(why) => missing.push((f.label.clone(), why)),
        }
    }
    // The figure an inconclusive rule shows: the worst the input holds.
    let lower = rule.target.op.lower_is_better();
    let worst_held = held
        .iter()
        .max_by(|a, b| {
            if lower {
                a.1.total_cmp(&b.1)
            } else {
                b.1.total_cmp(&a.1)
            }
        })
        .cloned();
    let show_held = |r: &mut RuleResult| {
        if let Some((label, v, why)) = worst_held.clone() {
            r.measured = Some(v);
            r.measured_at = per_endpoint.then_some(label);
            r.unscored = why;
        }
    };
    // The worst endpoint decides: lowest credit, then the worst value.
    let worst = measured.iter().min_by(|a, b| {
        a.2.total_cmp(&b.2).then_with(|| {
            if lower {
                b.1.total_cmp(&a.1)
            } else {
                a.1.total_cmp(&b.1)
            }
        })
    });
    let failing: Vec<&String> = measured
        .iter()
        .filter(|(_, v, _)| !rule.target.met_by(*v))
        .map(|(l, _, _)| l)
        .collect();
    let Some((label, value, credit)) = worst.cloned() else {
        let (label, why) = &missing[0];
        let mut r = inconclusive(if per_endpoint {
            format!("{label}: {why}")
        } else {
            why.clone()
        });
        r.small_samples = small_samples;
        show_held(&mut r);
        return r;
    };
    let status = if !failing.is_empty() {
        Status::Fail
    } else if !missing.is_empty() {
        Status::Inconclusive
    } else {
        Status::Pass
    };
    let note = match status {
        Status::Fail if per_endpoint => Some(format!(
            "{} of {} endpoints miss the target",
            failing.len(),
            scoped.len()
        )),
        Status::Inconclusive => Some(format!(
            "{} of {} endpoints cannot be judged: {}: {}",
            missing.len(),
            scoped.len(),
            missing[0].0,
            missing[0].1
        )),
        _ => None,
    };
    let credit = if status == Status::Inconclusive {
        0.0
    } else {
        credit
    };
    let mut r = RuleResult {
        id: rule.id.clone(),
        measured: Some(value),
        measured_at: per_endpoint.then_some(label),
        unscored: None,
        credit,
        points: rule.weight * credit,
        status,
        note,
        small_samples,
    };
    if status == Status::Inconclusive {
        // The worst figure the input holds, scored or not: an endpoint that
        // could not be scored may be slower than every judged one.
        show_held(&mut r);
    }
    r
}

/// A resource rule: the named metric's max (or avg, min) over the run. A
/// name without a container prefix (`cpu`) also matches every prefixed one
/// (`api:cpu`, `db:cpu`), and the worst decides. Scope does not apply.
fn evaluate_resource(
    rule: &Rule,
    stats: &RunStats,
    name: &str,
    agg: ResourceAgg,
    unit: Option<crate::model::ResourceUnit>,
) -> RuleResult {
    let inconclusive = |note: String| RuleResult::inconclusive(rule, note);
    let exact: Vec<&crate::stats::ResourceFigures> = stats
        .resources
        .iter()
        .filter(|r| r.metric.eq_ignore_ascii_case(name))
        .collect();
    let matched = if exact.is_empty() {
        stats
            .resources
            .iter()
            .filter(|r| {
                r.metric
                    .rsplit_once(':')
                    .is_some_and(|(_, m)| m.eq_ignore_ascii_case(name))
            })
            .collect()
    } else {
        exact
    };
    if matched.is_empty() {
        let held: Vec<&str> = stats.resources.iter().map(|r| r.metric.as_str()).collect();
        return inconclusive(if held.is_empty() {
            format!("resource metric `{name}` is not in the input (it holds no resource samples)")
        } else {
            format!(
                "resource metric `{name}` is not in the input (it holds {})",
                held.join(", ")
            )
        });
    }
    let unit_word = |u: crate::model::ResourceUnit| match u {
        crate::model::ResourceUnit::Percent => "percent",
        crate::model::ResourceUnit::Bytes => "bytes",
        crate::model::ResourceUnit::Count => "a plain number",
    };
    if let Some(u) = unit {
        if let Some(other) = matched.iter().find(|r| r.unit != u) {
            return inconclusive(format!(
                "resource metric `{}` is in {}, the target `{}` in {}",
                other.metric,
                unit_word(other.unit),
                rule.target.text,
                unit_word(u)
            ));
        }
    }
    let measured: Vec<(&str, f64, f64)> = matched
        .iter()
        .map(|r| {
            let v = match agg {
                ResourceAgg::Max => r.max,
                ResourceAgg::Avg => r.avg,
                ResourceAgg::Min => r.min,
            };
            (r.metric.as_str(), v, credit(rule, v))
        })
        .collect();
    let lower = rule.target.op.lower_is_better();
    let Some(&(label, value, c)) = measured.iter().min_by(|a, b| {
        a.2.total_cmp(&b.2).then_with(|| {
            if lower {
                b.1.total_cmp(&a.1)
            } else {
                a.1.total_cmp(&b.1)
            }
        })
    }) else {
        return inconclusive(format!("resource metric `{name}` has no samples"));
    };
    let failing = measured
        .iter()
        .filter(|(_, v, _)| !rule.target.met_by(*v))
        .count();
    RuleResult {
        id: rule.id.clone(),
        measured: Some(value),
        measured_at: Some(label.to_string()),
        unscored: None,
        credit: c,
        points: rule.weight * c,
        status: if failing > 0 {
            Status::Fail
        } else {
            Status::Pass
        },
        note: (failing > 0 && measured.len() > 1)
            .then(|| format!("{failing} of {} series miss the target", measured.len())),
        small_samples: Vec::new(),
    }
}

/// The figure a metric names, or why the input cannot give it.
pub fn measure(metric: Metric, f: &Figures) -> Result<f64, String> {
    let missing = |what: &str| format!("{what} is not in the input");
    let lat = &f.latency;
    match metric {
        Metric::Percentile(p) => lat.percentile(p).ok_or_else(|| {
            if lat.percentiles.is_empty() {
                format!("{p} is not in the input (it holds no percentiles)")
            } else {
                let held: Vec<String> = lat.percentiles.keys().map(|k| k.to_string()).collect();
                format!("{p} is not in the input (it holds {})", held.join(", "))
            }
        }),
        Metric::Min => lat
            .min_ms
            .ok_or_else(|| missing("the minimum response time")),
        Metric::Max => lat
            .max_ms
            .ok_or_else(|| missing("the maximum response time")),
        Metric::Avg => lat.avg_ms.ok_or_else(|| missing("the mean response time")),
        Metric::ErrorRate => f
            .error_rate
            .ok_or_else(|| "no requests were made".to_string()),
        Metric::Throughput => f.throughput_rps.ok_or_else(|| missing("throughput")),
        Metric::Consistency => crate::stats::consistency(
            lat.percentile(crate::model::Percentile::P95),
            lat.percentile(crate::model::Percentile::P99),
        )
        .ok_or_else(|| {
            "consistency needs p95 > 0 and p99, which the input does not hold".to_string()
        }),
        Metric::Apdex { .. } => Err(
            "apdex needs each request's response time; this input holds only aggregated figures"
                .to_string(),
        ),
        Metric::Resource { .. } => {
            Err("a resource metric is not a figure of an endpoint".to_string())
        }
    }
}

/// Credit in [0, 1] for value `v` under the rule's scoring.
pub fn credit(rule: &Rule, v: f64) -> f64 {
    let met = rule.target.met_by(v);
    let lower = rule.target.op.lower_is_better();
    let c = match rule.scoring {
        Scoring::Step => f64::from(u8::from(met)),
        Scoring::Linear { zero_at } => {
            if met {
                1.0
            } else {
                (zero_at - v) / (zero_at - rule.target.value)
            }
        }
        Scoring::LogNormal { p10, median } => {
            if v <= 0.0 {
                f64::from(u8::from(lower))
            } else {
                // Lighthouse: 0.9 at p10, 0.5 at median. One formula serves both
                // directions because ln(median / p10) changes sign with them.
                let x = (v / median).ln() * 0.906_193_8 / (median / p10).ln();
                (1.0 - libm::erf(x)) / 2.0
            }
        }
    };
    c.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LatencyStats, Percentile, Precision};
    use crate::sla::evidence::SmallSample;
    use crate::sla::file::{default_sla, parse};
    use std::collections::BTreeMap;
    use std::path::Path;

    fn figures(label: &str, p95: f64, p99: f64, error_rate: f64, rps: f64) -> Figures {
        Figures {
            method: "GET".into(),
            name: label.into(),
            label: label.into(),
            requests: 228,
            failures: 0,
            expected_failures: 0,
            error_rate: Some(error_rate),
            error_rate_all: Some(error_rate),
            throughput_rps: Some(rps),
            latency: LatencyStats {
                percentiles: BTreeMap::from([(Percentile::P95, p95), (Percentile::P99, p99)]),
                precision: Precision::Tool,
                ..LatencyStats::default()
            },
            consistency: Some(p99 / p95),
            source: None,
            requests_known: true,
        }
    }

    fn stats(totals: Figures, endpoints: Vec<Figures>) -> RunStats {
        RunStats {
            totals,
            endpoints,
            transactions: vec![],
            failures: vec![],
            resources: vec![],
        }
    }

    fn sla(rules: &str) -> Sla {
        parse(rules, Path::new("t.toml")).unwrap()
    }

    #[test]
    fn the_design_example_scores_80_good_by_hand_when_small_samples_only_warn() {
        // P95 6.86 ms, 0 % errors, 3.8 req/s, P99/P95 1.43: 40 + 30 + 0 + 10.
        let mut sla = default_sla();
        sla.evidence.small_sample = SmallSample::Warn;
        let s = score(
            &stats(figures("all", 6.86, 6.86 * 1.43, 0.0, 3.8), vec![]),
            &sla,
            false,
        );
        let points: Vec<f64> = s.rules.iter().map(|r| r.points).collect();
        assert_eq!(points, vec![40.0, 30.0, 0.0, 10.0]);
        assert_eq!(s.value, 80.0);
        assert_eq!(s.grade, "GOOD");
        assert!(s.passed);
        assert_eq!(s.verdict, Verdict::Pass);
        assert_eq!(s.rules[3].small_samples.len(), 1, "still reported");
    }

    #[test]
    fn p99_of_228_requests_is_inconclusive_by_default() {
        // Issue #5: consistency (P99/P95) of 228 requests rests on two values above P99.
        let s = score(
            &stats(figures("all", 6.86, 6.86 * 1.43, 0.0, 3.8), vec![]),
            &default_sla(),
            false,
        );
        let points: Vec<f64> = s.rules.iter().map(|r| r.points).collect();
        assert_eq!(points, vec![40.0, 30.0, 0.0, 0.0]);
        assert_eq!(s.value, 70.0);
        assert_eq!(s.rules[3].status, Status::Inconclusive);
        let f = &s.rules[3].small_samples[0];
        assert_eq!((f.requests, f.needed, f.values_above), (228, 1000, 2));
        assert!(s.rules[3]
            .note
            .as_deref()
            .unwrap()
            .contains("p99 of 228 requests rests on 2 values"));
        assert_eq!(
            s.rules[0].status,
            Status::Pass,
            "p95 of 228 has 11 values above it: enough"
        );
    }

    #[test]
    fn transaction_rules_look_at_transactions_only() {
        let sla = sla("[[rule]]\nid = \"login\"\nmetric = \"p95\"\ntarget = \"< 100ms\"\nweight = 1\nscope = \"transaction Log*\"\n\n[[rule]]\nid = \"all\"\nmetric = \"p95\"\ntarget = \"< 100ms\"\nweight = 1\nscope = \"each transaction\"\n");
        let mut st = stats(
            figures("t", 10.0, 10.0, 0.0, 1.0),
            vec![figures("Login", 10.0, 10.0, 0.0, 1.0)],
        );
        let none = score(&st, &sla, false);
        assert_eq!(none.rules[0].status, Status::Inconclusive);
        assert!(none.rules[0]
            .note
            .as_deref()
            .unwrap()
            .contains("no transactions"));
        let mut login = figures("Login", 150.0, 150.0, 0.0, 1.0);
        login.method = String::new();
        st.transactions = vec![login, figures("Checkout", 50.0, 50.0, 0.0, 1.0)];
        let s = score(&st, &sla, false);
        assert_eq!(s.rules[0].status, Status::Fail);
        assert_eq!(s.rules[0].measured, Some(150.0));
        assert_eq!(
            s.rules[1].measured,
            Some(150.0),
            "the worst transaction decides"
        );
    }

    #[test]
    fn linear_scoring_gives_partial_credit_between_target_and_zero() {
        let sla = sla("[[rule]]\nmetric = \"p95\"\ntarget = \"< 50ms\"\nweight = 10\nscoring = \"linear\"\nzero_at = \"150ms\"\n");
        let at = |p95: f64| {
            score(
                &stats(figures("t", p95, p95, 0.0, 1.0), vec![]),
                &sla,
                false,
            )
        };
        assert_eq!(at(40.0).rules[0].points, 10.0);
        // 75 ms is a quarter of the way from 50 to 150: credit 0.75.
        assert_eq!(at(75.0).rules[0].credit, 0.75);
        assert_eq!(at(75.0).rules[0].points, 7.5);
        assert_eq!(at(75.0).rules[0].status, Status::Fail);
        assert_eq!(at(150.0).rules[0].points, 0.0);
        assert_eq!(at(900.0).rules[0].points, 0.0);
    }

    #[test]
    fn linear_scoring_works_for_higher_is_better_metrics() {
        let sla = sla("[[rule]]\nmetric = \"throughput\"\ntarget = \">= 100/s\"\nweight = 1\nscoring = \"linear\"\nzero_at = \"20/s\"\n");
        let s = score(
            &stats(figures("t", 1.0, 1.0, 0.0, 60.0), vec![]),
            &sla,
            false,
        );
        assert_eq!(s.rules[0].credit, 0.5); // (60 - 20) / (100 - 20)
    }

    #[test]
    fn lognormal_scoring_matches_lighthouse_control_points() {
        let sla = sla("[[rule]]\nmetric = \"p95\"\ntarget = \"< 100ms\"\nweight = 1\nscoring = \"lognormal\"\np10 = \"50ms\"\nmedian = \"200ms\"\n");
        let c = |v: f64| credit(&sla.rules[0], v);
        assert!((c(50.0) - 0.9).abs() < 1e-6, "{}", c(50.0));
        assert!((c(200.0) - 0.5).abs() < 1e-9);
        assert!(c(25.0) > 0.9 && c(800.0) < 0.5 && c(800.0) > 0.0);
        assert_eq!(c(0.0), 1.0);
        // Higher is better: p10 above median.
        let up = sla_rule_throughput();
        assert!((credit(&up.rules[0], 200.0) - 0.9).abs() < 1e-6);
        assert!((credit(&up.rules[0], 100.0) - 0.5).abs() < 1e-9);
    }

    fn sla_rule_throughput() -> Sla {
        sla("[[rule]]\nmetric = \"throughput\"\ntarget = \">= 150/s\"\nweight = 1\nscoring = \"lognormal\"\np10 = \"200/s\"\nmedian = \"100/s\"\n")
    }

    #[test]
    fn a_percentile_the_input_lacks_is_inconclusive_not_zero() {
        let sla = sla("[[rule]]\nid = \"tail\"\nmetric = \"p99.9\"\ntarget = \"< 50ms\"\nweight = 1\ngate = true\n[[rule]]\nmetric = \"p95\"\ntarget = \"< 50ms\"\nweight = 1\n");
        let s = score(
            &stats(figures("t", 10.0, 12.0, 0.0, 1.0), vec![]),
            &sla,
            false,
        );
        assert_eq!(s.rules[0].status, Status::Inconclusive);
        assert_eq!(s.rules[0].points, 0.0);
        assert_eq!(s.rules[0].measured, None);
        assert!(s.rules[0]
            .note
            .as_deref()
            .unwrap()
            .contains("holds p95, p99"));
        assert_eq!((s.value, s.value_high), (50.0, 100.0));
        assert!(s.failed_gates.is_empty(), "not judged, so not failed");
        assert_eq!(
            s.inconclusive_gates,
            vec!["tail".to_string()],
            "inconclusive cannot pass a gate"
        );
        assert!(!s.passed);
        assert_eq!(s.verdict, Verdict::Inconclusive);
    }

    /// P95 (judged, 10 ms) and P99 (228 requests: too few, inconclusive),
    /// with the given weights and P95 target, pass mark 70.
    fn p95_and_thin_p99(p95_target: &str, w95: u32, w99: u32, p99_gate: bool) -> Score {
        let sla = sla(&format!(
            "pass_score = 70\n[[rule]]\nid = \"p95\"\nmetric = \"p95\"\ntarget = \"{p95_target}\"\nweight = {w95}\n[[rule]]\nid = \"p99\"\nmetric = \"p99\"\ntarget = \"< 50ms\"\nweight = {w99}\ngate = {p99_gate}\n"
        ));
        score(
            &stats(figures("t", 10.0, 12.0, 0.0, 1.0), vec![]),
            &sla,
            false,
        )
    }

    #[test]
    fn a_run_that_passes_whatever_the_inconclusive_rules_score_is_pass() {
        // Low end 80 / 100 ≥ 70: PASS even if P99 earned nothing.
        let s = p95_and_thin_p99("< 50ms", 80, 20, false);
        assert_eq!((s.value, s.value_high), (80.0, 100.0));
        assert_eq!(
            (s.grade.as_str(), s.grade_high.as_str()),
            ("GOOD", "EXCELLENT")
        );
        assert_eq!(s.verdict, Verdict::Pass);
        assert!(s.passed && s.is_range());
        // The figure is kept, with why it was not scored.
        let p99 = &s.rules[1];
        assert_eq!(p99.status, Status::Inconclusive);
        assert_eq!(p99.measured, Some(12.0));
        assert_eq!(
            p99.unscored.as_deref(),
            Some("from 2 values above it: too few to score")
        );
    }

    #[test]
    fn a_run_that_fails_whatever_the_inconclusive_rules_score_is_fail() {
        // P95 missed: high end 20 / 100 < 70 even with full credit for P99.
        let s = p95_and_thin_p99("< 5ms", 80, 20, false);
        assert_eq!((s.value, s.value_high), (0.0, 20.0));
        assert_eq!(s.verdict, Verdict::Fail);
        assert!(!s.passed);
    }

    #[test]
    fn a_run_the_inconclusive_rules_decide_is_inconclusive() {
        // 50–100: passes only if P99 passes.
        let s = p95_and_thin_p99("< 50ms", 50, 50, false);
        assert_eq!((s.value, s.value_high), (50.0, 100.0));
        assert_eq!(s.verdict, Verdict::Inconclusive);
        assert!(!s.passed);
        // An inconclusive gate keeps a run from passing even at 80 ≥ 70.
        let s = p95_and_thin_p99("< 50ms", 80, 20, true);
        assert_eq!(s.inconclusive_gates, vec!["p99".to_string()]);
        assert_eq!(s.verdict, Verdict::Inconclusive);
        // A judged gate that fails decides, whatever the range.
        let s = p95_and_thin_p99("< 5ms", 20, 80, false);
        assert_eq!(s.verdict, Verdict::Inconclusive, "0–80 straddles 70");
        let sla = sla("pass_score = 10\n[[rule]]\nid = \"p95\"\nmetric = \"p95\"\ntarget = \"< 5ms\"\nweight = 1\ngate = true\n[[rule]]\nid = \"p99\"\nmetric = \"p99\"\ntarget = \"< 50ms\"\nweight = 9\n");
        let s = score(
            &stats(figures("t", 10.0, 12.0, 0.0, 1.0), vec![]),
            &sla,
            false,
        );
        assert_eq!((s.value, s.value_high), (0.0, 90.0));
        assert_eq!(s.failed_gates, vec!["p95".to_string()]);
        assert_eq!(s.verdict, Verdict::Fail);
    }

    #[test]
    fn a_simulated_run_is_not_valid_but_keeps_its_outcome() {
        let sla = sla("pass_score = 70\n[[rule]]\nmetric = \"p95\"\ntarget = \"< 50ms\"\nweight = 50\n[[rule]]\nmetric = \"p99\"\ntarget = \"< 50ms\"\nweight = 50\n");
        let s = score(
            &stats(figures("t", 10.0, 12.0, 0.0, 1.0), vec![]),
            &sla,
            true,
        );
        assert_eq!(s.verdict, Verdict::NotValid);
        assert_eq!(s.outcome(), Verdict::Inconclusive);
        assert_eq!(Verdict::NotValid.code(), "not-valid");
    }

    #[test]
    fn per_endpoint_rules_are_decided_by_the_worst_endpoint() {
        let sla = sla("[[rule]]\nmetric = \"p95\"\ntarget = \"< 50ms\"\nweight = 1\nscope = \"each endpoint\"\n");
        let s = score(
            &stats(
                figures("all", 20.0, 30.0, 0.0, 1.0),
                vec![
                    figures("/fast", 10.0, 11.0, 0.0, 1.0),
                    figures("/slow", 80.0, 90.0, 0.0, 1.0),
                ],
            ),
            &sla,
            false,
        );
        assert_eq!(s.rules[0].status, Status::Fail);
        assert_eq!(s.rules[0].measured, Some(80.0));
        assert_eq!(s.rules[0].measured_at.as_deref(), Some("/slow"));
        assert_eq!(
            s.rules[0].note.as_deref(),
            Some("1 of 2 endpoints miss the target")
        );
    }

    #[test]
    fn glob_scopes_only_look_at_matching_endpoints() {
        let sla = sla("[[rule]]\nmetric = \"p95\"\ntarget = \"< 50ms\"\nweight = 1\nscope = \"GET /f*\"\n[[rule]]\nmetric = \"p95\"\ntarget = \"< 50ms\"\nweight = 1\nscope = \"/nothing/*\"\n");
        let s = score(
            &stats(
                figures("all", 20.0, 30.0, 0.0, 1.0),
                vec![
                    figures("/fast", 10.0, 11.0, 0.0, 1.0),
                    figures("/slow", 80.0, 90.0, 0.0, 1.0),
                ],
            ),
            &sla,
            false,
        );
        assert_eq!(s.rules[0].status, Status::Pass);
        assert_eq!(s.rules[1].status, Status::Inconclusive);
        assert!(s.rules[1]
            .note
            .as_deref()
            .unwrap()
            .contains("no endpoint matches"));
    }

    #[test]
    fn a_failed_gate_fails_the_run_whatever_the_score() {
        let sla = sla("pass_score = 50\n[[rule]]\nid = \"errors\"\nmetric = \"error_rate\"\ntarget = \"< 1%\"\nweight = 1\ngate = true\n[[rule]]\nmetric = \"p95\"\ntarget = \"< 50ms\"\nweight = 9\n");
        let s = score(
            &stats(figures("t", 10.0, 11.0, 0.02, 1.0), vec![]),
            &sla,
            false,
        );
        assert_eq!(s.value, 90.0);
        assert_eq!(s.grade, "EXCELLENT");
        assert!(!s.passed);
        assert_eq!(s.verdict, Verdict::Fail);
        assert_eq!(s.failed_gates, vec!["errors".to_string()]);
    }

    #[test]
    fn simulated_runs_are_never_valid_for_sign_off() {
        let s = score(
            &stats(figures("t", 1.0, 1.1, 0.0, 100.0), vec![]),
            &default_sla(),
            true,
        );
        assert!(s.passed);
        assert_eq!(s.verdict, Verdict::NotValid);
    }

    #[test]
    fn resource_rules_score_the_max_and_are_inconclusive_without_the_metric() {
        use crate::model::ResourceUnit;
        use crate::stats::ResourceFigures;
        let res = |metric: &str, unit, min, avg, max| ResourceFigures {
            metric: metric.into(),
            unit,
            min,
            avg,
            max,
            samples: 10,
            source: "r.csv".into(),
        };
        let mut st = stats(figures("t", 1.0, 1.1, 0.0, 100.0), vec![]);
        st.resources = vec![
            res("api:cpu", ResourceUnit::Percent, 1.0, 40.0, 85.0),
            res("db:cpu", ResourceUnit::Percent, 1.0, 20.0, 60.0),
            res("rss", ResourceUnit::Bytes, 1e6, 2e6, 3e6),
        ];
        let sla = sla("[[rule]]\nid = \"cpu\"\nmetric = \"resource:cpu\"\ntarget = \"< 80%\"\nweight = 1\n[[rule]]\nid = \"cpu-avg\"\nmetric = \"resource:cpu:avg\"\ntarget = \"< 80%\"\nweight = 1\n[[rule]]\nid = \"swap\"\nmetric = \"resource:swap\"\ntarget = \"< 10%\"\nweight = 1\n[[rule]]\nid = \"rss\"\nmetric = \"resource:rss\"\ntarget = \"< 2MB\"\nweight = 1\n[[rule]]\nid = \"rss-pct\"\nmetric = \"resource:rss\"\ntarget = \"< 2%\"\nweight = 1\n");
        let s = score(&st, &sla, false);
        let r = &s.rules;
        assert_eq!((r[0].status, r[0].measured), (Status::Fail, Some(85.0)));
        assert_eq!(r[0].measured_at.as_deref(), Some("api:cpu"));
        assert_eq!((r[1].status, r[1].measured), (Status::Pass, Some(40.0)));
        assert_eq!(r[2].status, Status::Inconclusive);
        assert!(r[2]
            .note
            .as_deref()
            .unwrap()
            .contains("`swap` is not in the input"));
        assert_eq!((r[3].status, r[3].measured), (Status::Fail, Some(3e6)));
        assert_eq!(
            r[4].status,
            Status::Inconclusive,
            "percent target on a byte metric"
        );
        assert_eq!(s.value, 20.0);
    }

    #[test]
    fn grades_follow_the_bands_and_fall_to_poor() {
        let sla = default_sla();
        assert_eq!(sla.grade(90.0), "EXCELLENT");
        assert_eq!(sla.grade(89.9), "GOOD");
        assert_eq!(sla.grade(50.0), "FAIR");
        assert_eq!(sla.grade(49.9), "POOR");
    }
}
