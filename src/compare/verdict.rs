//! The verdict on one figure's change, and the sentence that says why.
//!
//! A change is **Regressed** (or **Improved**) only when it is beyond the
//! SLA's `[regression]` threshold *and*, where a test applies, significant at
//! the configured level. Beyond the threshold but not significant, or within
//! it, is **WithinNoise**. Missing figures or too few requests (fewer than
//! 100 on either side; 1,000 for P99) are **Inconclusive**, never "no change".

use super::significance::TestResult;
use super::Metric;
use crate::report::format as fmt;
use crate::sla::regression::Growth;

/// What a change amounts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Better beyond the threshold (and significant where tested).
    Improved,
    /// Within the threshold, or not distinguishable from noise.
    WithinNoise,
    /// Not enough data to judge.
    Inconclusive,
    /// Worse beyond the threshold (and significant where tested).
    Regressed,
}

impl Verdict {
    /// `improved`, `within-noise`, `inconclusive`, `regressed`.
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Improved => "improved",
            Verdict::WithinNoise => "within-noise",
            Verdict::Inconclusive => "inconclusive",
            Verdict::Regressed => "regressed",
        }
    }

    /// `IMPROVED`, `WITHIN NOISE`, …
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Improved => "IMPROVED",
            Verdict::WithinNoise => "WITHIN NOISE",
            Verdict::Inconclusive => "INCONCLUSIVE",
            Verdict::Regressed => "REGRESSED",
        }
    }
}

/// The noise test behind a verdict.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// Mann–Whitney U over both runs' response times.
    MannWhitney(TestResult),
    /// Two-proportion z test over both runs' failure counts.
    TwoProportions(TestResult),
    /// No test: why not.
    NotTested(String),
}

impl Test {
    /// `Mann–Whitney p = 0.0003`, or `not tested for significance`.
    pub fn describe(&self) -> String {
        match self {
            Test::MannWhitney(r) => format!("Mann–Whitney U test ({})", p_value(r.p)),
            Test::TwoProportions(r) => format!("two-proportion z test ({})", p_value(r.p)),
            Test::NotTested(_) => "not tested for significance".to_string(),
        }
    }

    /// The test's outcome, when there was one.
    pub fn result(&self) -> Option<&TestResult> {
        match self {
            Test::MannWhitney(r) | Test::TwoProportions(r) => Some(r),
            Test::NotTested(_) => None,
        }
    }
}

/// A p-value for reading: `p = 0.0003`, `p < 0.0001`, `p = 0.42`.
pub fn p_value(p: f64) -> String {
    if p < 0.0001 {
        "p < 0.0001".to_string()
    } else if p < 0.01 {
        format!("p = {p:.4}")
    } else {
        format!("p = {p:.2}")
    }
}

/// The threshold of one metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Threshold {
    /// Latency growth.
    Latency(Growth),
    /// Error-rate growth, as a fraction.
    Points(f64),
    /// Throughput drop, as a fraction of the baseline.
    Drop(f64),
}

/// Everything [`judge`] looks at.
pub struct Inputs<'a> {
    /// Which figure.
    pub metric: Metric,
    /// Baseline value.
    pub baseline: Option<f64>,
    /// Current value.
    pub current: Option<f64>,
    /// Requests behind each value (`None`: the input does not count them).
    pub requests: (Option<u64>, Option<u64>),
    /// The threshold, `None`: not checked.
    pub threshold: Option<Threshold>,
    /// The threshold as written (`+10%`).
    pub threshold_text: Option<&'a str>,
    /// The noise test.
    pub test: &'a Test,
    /// Significance level.
    pub significance: f64,
}

/// Requests each side needs before `metric` can be judged.
pub fn min_requests(metric: Metric) -> u64 {
    match metric {
        Metric::P99 => 1000,
        _ => 100,
    }
}

/// The verdict (`None`: the metric has no threshold) and its sentence.
pub fn judge(i: &Inputs<'_>) -> (Option<Verdict>, String) {
    let name = i.metric.label();
    let (Some(threshold), Some(text)) = (i.threshold, i.threshold_text) else {
        return (
            None,
            format!(
                "{name} is not checked: the SLA's [regression] table sets no threshold for it."
            ),
        );
    };
    let (b, c) = match (i.baseline, i.current) {
        (Some(b), Some(c)) => (b, c),
        (None, _) => {
            return (
                Some(Verdict::Inconclusive),
                format!("{name} is not in the baseline's figures, so it cannot be compared."),
            )
        }
        (_, None) => {
            return (
                Some(Verdict::Inconclusive),
                format!("{name} is not in the current run's figures, so it cannot be compared."),
            )
        }
    };
    let need = min_requests(i.metric);
    let count = |n: Option<u64>| n.map_or_else(|| "an unknown number".to_string(), fmt::count);
    if i.requests.0.is_none_or(|n| n < need) || i.requests.1.is_none_or(|n| n < need) {
        return (
            Some(Verdict::Inconclusive),
            format!(
                "Too few requests to judge {name}: {} in the baseline and {} now ({} needed on each side).",
                count(i.requests.0),
                count(i.requests.1),
                fmt::count(need)
            ),
        );
    }
    // +1 worse beyond the threshold, -1 better beyond it, 0 within.
    let direction = match threshold {
        Threshold::Latency(Growth::Relative(r)) => {
            if b <= 0.0 {
                i32::from(c > 0.0)
            } else if c > b * (1.0 + r) {
                1
            } else if c < b * (1.0 - r) {
                -1
            } else {
                0
            }
        }
        Threshold::Latency(Growth::AbsoluteMs(a)) => {
            if c - b > a {
                1
            } else if b - c > a {
                -1
            } else {
                0
            }
        }
        Threshold::Points(pp) => {
            if c - b > pp {
                1
            } else if b - c > pp {
                -1
            } else {
                0
            }
        }
        Threshold::Drop(d) => {
            if c < b * (1.0 - d) {
                1
            } else if c > b * (1.0 + d) {
                -1
            } else {
                0
            }
        }
    };
    let change = describe_change(i.metric, b, c);
    if direction == 0 {
        return (
            Some(Verdict::WithinNoise),
            format!("{name} {change}, within the {text} threshold."),
        );
    }
    let worse = direction > 0;
    let what = if worse {
        format!("more than the {text} threshold allows")
    } else {
        format!("an improvement beyond the {text} threshold")
    };
    match i.test.result() {
        Some(r) => {
            // The test's direction must agree: z > 0 means the current run is higher.
            let higher_is_worse = i.metric != Metric::Throughput;
            let agrees = (r.z > 0.0) == (worse == higher_is_worse);
            if r.p < i.significance && agrees {
                let verdict = if worse {
                    Verdict::Regressed
                } else {
                    Verdict::Improved
                };
                (
                    verdict,
                    format!(
                        "{name} {change}, {what}, and the {} says it is not noise (significance {}).",
                        i.test.describe(),
                        fmt::trim_number(i.significance)
                    ),
                )
                    .into_some()
            } else {
                (
                    Some(Verdict::WithinNoise),
                    format!(
                        "{name} {change}, beyond the {text} threshold, but the {} cannot tell it from noise at the {} level.",
                        i.test.describe(),
                        fmt::trim_number(i.significance)
                    ),
                )
            }
        }
        None => {
            let why = match i.test {
                Test::NotTested(why) => why.as_str(),
                _ => "",
            };
            let verdict = if worse {
                Verdict::Regressed
            } else {
                Verdict::Improved
            };
            (
                Some(verdict),
                format!(
                    "{name} {change}, {what}; not tested for significance ({why}), so judged on the threshold alone."
                ),
            )
        }
    }
}

trait IntoSome {
    fn into_some(self) -> (Option<Verdict>, String);
}

impl IntoSome for (Verdict, String) {
    fn into_some(self) -> (Option<Verdict>, String) {
        (Some(self.0), self.1)
    }
}

/// `went from 12 ms to 18 ms (+50.0 %)`.
pub fn describe_change(metric: Metric, b: f64, c: f64) -> String {
    let rel = relative(b, c)
        .map(|r| format!(" ({})", signed_percent(r)))
        .unwrap_or_default();
    format!(
        "went from {} to {}{rel}",
        metric.format(b),
        metric.format(c)
    )
}

/// (current − baseline) ÷ baseline; `None` when the baseline is 0.
pub fn relative(b: f64, c: f64) -> Option<f64> {
    (b != 0.0).then(|| (c - b) / b)
}

/// `+12.5 %`, `-3.0 %`.
pub fn signed_percent(fraction: f64) -> String {
    format!("{:+.1} %", fraction * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs<'a>(metric: Metric, b: f64, c: f64, n: u64, test: &'a Test) -> Inputs<'a> {
        Inputs {
            metric,
            baseline: Some(b),
            current: Some(c),
            requests: (Some(n), Some(n)),
            threshold: Some(Threshold::Latency(Growth::Relative(0.1))),
            threshold_text: Some("+10%"),
            test,
            significance: 0.01,
        }
    }

    #[test]
    fn thresholds_significance_and_sample_size_decide() {
        let untested = Test::NotTested("aggregates only".into());
        let sig = Test::MannWhitney(TestResult {
            u: Some(1.0),
            z: 5.0,
            p: 1e-6,
        });
        let noise = Test::MannWhitney(TestResult {
            u: Some(1.0),
            z: 1.0,
            p: 0.3,
        });
        let (v, s) = judge(&inputs(Metric::P95, 10.0, 12.0, 500, &untested));
        assert_eq!(v, Some(Verdict::Regressed));
        assert!(s.contains("not tested for significance"), "{s}");
        assert_eq!(
            judge(&inputs(Metric::P95, 10.0, 12.0, 500, &sig)).0,
            Some(Verdict::Regressed)
        );
        let (v, s) = judge(&inputs(Metric::P95, 10.0, 12.0, 500, &noise));
        assert_eq!(v, Some(Verdict::WithinNoise));
        assert!(s.contains("cannot tell it from noise"), "{s}");
        assert_eq!(
            judge(&inputs(Metric::P95, 10.0, 10.5, 500, &sig)).0,
            Some(Verdict::WithinNoise)
        );
        let (v, s) = judge(&inputs(Metric::P95, 10.0, 20.0, 99, &untested));
        assert_eq!(v, Some(Verdict::Inconclusive));
        assert!(s.contains("Too few requests"), "{s}");
        assert_eq!(
            judge(&inputs(Metric::P99, 10.0, 20.0, 999, &untested)).0,
            Some(Verdict::Inconclusive)
        );
        assert_eq!(
            judge(&inputs(Metric::P95, 10.0, 8.0, 500, &untested)).0,
            Some(Verdict::Improved)
        );
        let mut i = inputs(Metric::Throughput, 100.0, 80.0, 500, &untested);
        i.threshold = Some(Threshold::Drop(0.1));
        assert_eq!(judge(&i).0, Some(Verdict::Regressed));
        i.threshold = None;
        assert_eq!(judge(&i).0, None);
    }
}
