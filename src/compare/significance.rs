//! Is a change distinguishable from noise? Two tests:
//!
//! - **Mann–Whitney U** on the response times of the two runs, computed from
//!   their HDR histograms (only raw-sample inputs have them): values in the
//!   same histogram bucket are ties and get the mean of their ranks; the
//!   p-value is two-sided, from the normal approximation with tie correction
//!   and continuity correction (as `scipy.stats.mannwhitneyu(method="asymptotic")`).
//! - **Two proportions** (pooled z test) for error rates, from request and
//!   failure counts, which aggregated inputs hold too.

use crate::stats::histogram::LatencyHistogram;
use std::collections::BTreeMap;

/// The outcome of a two-sample test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TestResult {
    /// The statistic: U of the baseline sample for Mann–Whitney, none for proportions.
    pub u: Option<f64>,
    /// The standardised statistic (positive: the current run is higher).
    pub z: f64,
    /// Two-sided p-value.
    pub p: f64,
}

/// Mann–Whitney U test of `baseline` against `current` histograms;
/// `None` when either is empty.
pub fn mann_whitney(baseline: &LatencyHistogram, current: &LatencyHistogram) -> Option<TestResult> {
    // Merge the buckets: value (µs, the bucket's upper end) → (baseline count, current count).
    let mut merged: BTreeMap<u64, (u64, u64)> = BTreeMap::new();
    for (ms, n) in baseline.buckets_ms() {
        merged.entry((ms * 1000.0).round() as u64).or_default().0 += n;
    }
    for (ms, n) in current.buckets_ms() {
        merged.entry((ms * 1000.0).round() as u64).or_default().1 += n;
    }
    mann_whitney_counts(merged.values().copied())
}

/// Mann–Whitney U from tie groups in ascending value order, each
/// (count in the baseline, count in the current sample).
pub fn mann_whitney_counts(groups: impl Iterator<Item = (u64, u64)>) -> Option<TestResult> {
    let (mut n1, mut n2) = (0f64, 0f64);
    let mut rank_sum_1 = 0f64;
    let mut ties = 0f64;
    let mut below = 0f64;
    for (a, b) in groups {
        let (a, b) = (a as f64, b as f64);
        let t = a + b;
        if t == 0.0 {
            continue;
        }
        // Ranks below+1 ..= below+t share their mean.
        let mid = below + (t + 1.0) / 2.0;
        rank_sum_1 += a * mid;
        ties += t * t * t - t;
        below += t;
        n1 += a;
        n2 += b;
    }
    if n1 == 0.0 || n2 == 0.0 {
        return None;
    }
    let n = n1 + n2;
    let u1 = rank_sum_1 - n1 * (n1 + 1.0) / 2.0;
    let mean = n1 * n2 / 2.0;
    let var = n1 * n2 / 12.0 * ((n + 1.0) - ties / (n * (n - 1.0)));
    if var <= 0.0 {
        // Every value is tied: the samples cannot be told apart.
        return Some(TestResult {
            u: Some(u1),
            z: 0.0,
            p: 1.0,
        });
    }
    let sd = var.sqrt();
    let d = u1 - mean;
    let corrected = (d.abs() - 0.5).max(0.0);
    // U1 small means the baseline ranks low: the current run is higher.
    let z = -d.signum() * corrected / sd;
    Some(TestResult {
        u: Some(u1),
        z,
        p: two_sided(z),
    })
}

/// Pooled two-proportion z test: `f1` of `n1` against `f2` of `n2`.
pub fn two_proportions(f1: f64, n1: f64, f2: f64, n2: f64) -> Option<TestResult> {
    if n1 <= 0.0 || n2 <= 0.0 {
        return None;
    }
    let (p1, p2) = (f1 / n1, f2 / n2);
    let pooled = (f1 + f2) / (n1 + n2);
    let var = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2);
    if var <= 0.0 {
        return Some(TestResult {
            u: None,
            z: 0.0,
            p: 1.0,
        });
    }
    let z = (p2 - p1) / var.sqrt();
    Some(TestResult {
        u: None,
        z,
        p: two_sided(z),
    })
}

/// Two-sided p-value of a standard normal `z`.
fn two_sided(z: f64) -> f64 {
    libm::erfc(z.abs() / std::f64::consts::SQRT_2).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hist(ms: &[f64]) -> LatencyHistogram {
        let mut h = LatencyHistogram::new();
        for v in ms {
            h.record_ms(*v);
        }
        h
    }

    #[test]
    fn mann_whitney_matches_a_hand_computed_example_with_ties() {
        // Baseline 1,2,2,3 ms; current 2,3,4,5,5 ms. Merged ranks: 1→1, 2→3 (three
        // ties at 2..4), 3→5.5, 4→7, 5→8.5. R1 = 1+3+3+5.5 = 12.5, U1 = 12.5 − 10 = 2.5.
        // mean 10; Σ(t³−t) = 24+6+6 = 36; var = 20/12·(10 − 36/72) = 15.8333;
        // z = (7.5 − 0.5)/3.97911 = 1.759186; p = erfc(z/√2) = 0.0785459
        // (scipy.stats.mannwhitneyu(a, b, method="asymptotic") gives the same).
        let r = mann_whitney(
            &hist(&[1.0, 2.0, 2.0, 3.0]),
            &hist(&[2.0, 3.0, 4.0, 5.0, 5.0]),
        )
        .unwrap();
        assert_eq!(r.u, Some(2.5));
        assert!((r.z - 1.759186).abs() < 1e-6, "{r:?}");
        assert!((r.p - 0.0785459).abs() < 1e-6, "{r:?}");
        // Swapping the sides flips the sign, not the p-value.
        let s = mann_whitney(
            &hist(&[2.0, 3.0, 4.0, 5.0, 5.0]),
            &hist(&[1.0, 2.0, 2.0, 3.0]),
        )
        .unwrap();
        assert_eq!(s.u, Some(17.5));
        assert!((s.z + r.z).abs() < 1e-12 && (s.p - r.p).abs() < 1e-12);
    }

    #[test]
    fn identical_samples_are_not_significant_and_shifted_ones_are() {
        let a: Vec<f64> = (0..500).map(|i| 10.0 + f64::from(i % 50) * 0.3).collect();
        let same = mann_whitney(&hist(&a), &hist(&a)).unwrap();
        assert_eq!(same.p, 1.0);
        let b: Vec<f64> = a.iter().map(|v| v * 1.2).collect();
        let shifted = mann_whitney(&hist(&a), &hist(&b)).unwrap();
        assert!(shifted.p < 1e-6 && shifted.z > 0.0, "{shifted:?}");
        assert!(mann_whitney(&hist(&a), &hist(&[])).is_none());
        let all_tied = mann_whitney(&hist(&[5.0; 4]), &hist(&[5.0; 3])).unwrap();
        assert_eq!(all_tied.p, 1.0);
    }

    #[test]
    fn two_proportions_matches_a_hand_computed_example() {
        // 10/1000 against 30/1000: pooled 0.02, se = √(0.02·0.98·0.002) = 0.0062610,
        // z = 0.02/0.0062610 = 3.19438, p = 0.0014013.
        let r = two_proportions(10.0, 1000.0, 30.0, 1000.0).unwrap();
        assert!((r.z - 3.19438).abs() < 1e-4, "{r:?}");
        assert!((r.p - 0.0014013).abs() < 1e-6, "{r:?}");
        assert_eq!(two_proportions(0.0, 10.0, 0.0, 10.0).unwrap().p, 1.0);
    }
}
