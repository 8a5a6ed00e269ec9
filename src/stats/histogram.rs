//! Latency histograms: HDR histograms of microseconds with 3 significant
//! digits, and the one percentile definition perfreport uses.
//!
//! **Percentile definition.** pN is the smallest recorded value v such that
//! at least N % of the values are ≤ v (the nearest-rank method, as in
//! HdrHistogram and most load-testing tools). From a histogram, v is the upper
//! end of its bucket, so it is within 0.1 % of the exact nearest-rank value.

use hdrhistogram::{Counter, Histogram};

/// Significant decimal digits kept by endpoint and run histograms.
pub const SIGNIFICANT_DIGITS: u8 = 3;
/// Significant digits of the per-time-bucket histograms (charts only).
pub const SERIES_SIGNIFICANT_DIGITS: u8 = 2;

/// A histogram of response times in microseconds. The time-bucket
/// histograms count in `u32` (half the memory; counts saturate, and no
/// bucket holds four billion requests).
#[derive(Clone, PartialEq)]
pub struct LatencyHistogram<C: Counter = u64>(Histogram<C>);

impl<C: Counter> std::fmt::Debug for LatencyHistogram<C> {
    // The counts array is thousands of entries: show a summary instead.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LatencyHistogram")
            .field("count", &self.0.len())
            .field("min_us", &self.0.min())
            .field("max_us", &self.0.max())
            .field("p50_us", &self.0.value_at_quantile(0.5))
            .field("p99_us", &self.0.value_at_quantile(0.99))
            .finish()
    }
}

impl LatencyHistogram<u64> {
    /// An empty histogram with [`SIGNIFICANT_DIGITS`].
    pub fn new() -> Self {
        Self::with_digits(SIGNIFICANT_DIGITS)
    }

    /// Records `n` response times of `ms` milliseconds (a tool's count table).
    pub fn record_ms_n(&mut self, ms: f64, n: u64) {
        let _ = self.0.record_n(to_us(ms), n);
    }
}

impl<C: Counter> LatencyHistogram<C> {
    /// An empty histogram keeping `digits` significant digits.
    pub fn with_digits(digits: u8) -> Self {
        // Auto-resizing: memory follows the largest value actually recorded.
        LatencyHistogram(Histogram::new(digits).expect("1..=5 significant digits is valid"))
    }

    /// Records one response time in milliseconds (rounded to whole µs).
    pub fn record_ms(&mut self, ms: f64) {
        self.record_us(to_us(ms));
    }

    /// Records one response time in whole microseconds.
    pub fn record_us(&mut self, us: u64) {
        // Auto-resize makes `record` infallible for u64 values.
        let _ = self.0.record(us);
    }

    /// Adds every value of `other`.
    pub fn merge(&mut self, other: &LatencyHistogram<C>) {
        let _ = self.0.add(&other.0);
    }

    /// Number of values recorded.
    pub fn count(&self) -> u64 {
        self.0.len()
    }

    /// The `pct` percentile (0–100) in ms, `None` when empty.
    pub fn percentile_ms(&self, pct: f64) -> Option<f64> {
        if self.0.is_empty() {
            return None;
        }
        let us = if pct >= 100.0 {
            self.0.max()
        } else {
            self.0.value_at_quantile(pct / 100.0)
        };
        Some(self.0.highest_equivalent(us).min(self.0.max()) as f64 / 1000.0)
    }

    /// Values at or below `ms` (for Apdex).
    pub fn count_at_or_below_ms(&self, ms: f64) -> u64 {
        let us = (ms * 1000.0).round().max(0.0) as u64;
        self.0
            .iter_recorded()
            .filter(|v| v.value_iterated_to() <= us)
            .map(|v| v.count_at_value().as_u64())
            .sum()
    }

    /// Recorded values as (upper bound ms, count) per histogram bucket, for the distribution chart.
    pub fn buckets_ms(&self) -> Vec<(f64, u64)> {
        self.0
            .iter_recorded()
            .map(|v| {
                (
                    v.value_iterated_to() as f64 / 1000.0,
                    v.count_at_value().as_u64(),
                )
            })
            .collect()
    }
}

impl LatencyHistogram<u64> {
    /// The histogram in HdrHistogram's V2 serialization format (the format
    /// every HdrHistogram implementation reads), for storing in a history.
    pub fn to_v2_bytes(&self) -> anyhow::Result<Vec<u8>> {
        use hdrhistogram::serialization::{Serializer, V2Serializer};
        let mut out = Vec::new();
        V2Serializer::new()
            .serialize(&self.0, &mut out)
            .map_err(|e| anyhow::anyhow!("cannot serialise a histogram: {e:?}"))?;
        Ok(out)
    }

    /// Reads back a histogram written by [`LatencyHistogram::to_v2_bytes`].
    pub fn from_v2_bytes(bytes: &[u8]) -> anyhow::Result<Self> {
        use hdrhistogram::serialization::Deserializer;
        let mut h: Histogram<u64> = Deserializer::new()
            .deserialize(&mut std::io::Cursor::new(bytes))
            .map_err(|e| anyhow::anyhow!("not an HdrHistogram V2 histogram: {e:?}"))?;
        h.auto(true);
        Ok(LatencyHistogram(h))
    }
}

impl Default for LatencyHistogram {
    fn default() -> Self {
        Self::new()
    }
}

/// Milliseconds to whole microseconds, the unit every accumulator sums in,
/// so that totals do not depend on the order values arrive in.
#[inline]
pub fn to_us(ms: f64) -> u64 {
    // `(ms * 1000.0).round()` for the non-negative values, without the call to
    // libm's `round` that x86-64's baseline instruction set needs: below 2^53
    // `v - floor(v)` is exact, and half rounds away from zero as `round` does.
    let v = ms * 1000.0;
    if v.is_nan() || v <= 0.0 {
        return 0;
    }
    let whole = v as u64;
    if v < 9_007_199_254_740_992.0 && v - whole as f64 >= 0.5 {
        whole + 1
    } else {
        whole
    }
}

/// Nearest-rank percentile of `sorted` values: the reference definition the
/// histogram approximates. Used by tests and for small exact inputs.
pub fn nearest_rank(sorted: &[f64], pct: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((pct / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    Some(sorted[rank.min(sorted.len()) - 1])
}

#[cfg(test)]
mod tests {
    #[test]
    fn microseconds_round_as_f64_round_does() {
        let reference = |ms: f64| (ms * 1000.0).round().max(0.0) as u64;
        let mut ms = vec![
            0.0,
            -0.0,
            -1.0,
            0.0004,
            0.0005,
            0.0015,
            2.5e-3,
            1e15,
            1e300,
            f64::NAN,
        ];
        ms.extend((0..200_000).map(|i| i as f64 * 0.0005));
        ms.extend((0..100_000).map(|i| i as f64 / 3.0));
        ms.extend((0..60).map(|e| 2f64.powi(e) + 0.0005));
        ms.extend((1..1000).map(|i| 0.4999999999999999 + i as f64));
        for m in ms {
            assert_eq!(to_us(m), reference(m), "{m}");
        }
    }
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn nearest_rank_is_the_textbook_definition() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(nearest_rank(&v, 95.0), Some(95.0));
        assert_eq!(nearest_rank(&v, 99.9), Some(100.0));
        assert_eq!(nearest_rank(&v, 0.0), Some(1.0));
        assert_eq!(nearest_rank(&[7.0], 50.0), Some(7.0));
        assert_eq!(nearest_rank(&[], 50.0), None);
    }

    proptest! {
        #[test]
        fn histogram_percentiles_agree_with_sorting_within_precision(
            values in proptest::collection::vec(0.001f64..120_000.0, 1..2000),
            pct in prop::sample::select(vec![50.0, 75.0, 90.0, 95.0, 99.0, 99.9, 100.0]),
        ) {
            let mut h = LatencyHistogram::new();
            // Compare against values rounded to µs, as recorded.
            let mut exact: Vec<f64> = values.iter().map(|v| (v * 1000.0).round() / 1000.0).collect();
            for v in &values { h.record_ms(*v); }
            exact.sort_by(f64::total_cmp);
            let want = nearest_rank(&exact, pct).unwrap();
            let got = h.percentile_ms(pct).unwrap();
            // 3 significant digits: within 0.1 % (plus the 1 µs recording step).
            prop_assert!((got - want).abs() <= want * 0.001 + 0.001, "p{pct}: {got} vs exact {want}");
        }

        #[test]
        fn merging_equals_recording_everything_in_one(
            a in proptest::collection::vec(0.0f64..10_000.0, 0..500),
            b in proptest::collection::vec(0.0f64..10_000.0, 0..500),
        ) {
            let (mut ha, mut hb, mut all) = (LatencyHistogram::new(), LatencyHistogram::new(), LatencyHistogram::new());
            for v in &a { ha.record_ms(*v); all.record_ms(*v); }
            for v in &b { hb.record_ms(*v); all.record_ms(*v); }
            ha.merge(&hb);
            prop_assert_eq!(ha, all);
        }

        #[test]
        fn a_v2_serialised_histogram_reads_back_equal(
            a in proptest::collection::vec(0.0f64..100_000.0, 0..500),
        ) {
            let mut h = LatencyHistogram::new();
            for v in &a { h.record_ms(*v); }
            let back = LatencyHistogram::from_v2_bytes(&h.to_v2_bytes().unwrap()).unwrap();
            prop_assert_eq!(back.count(), h.count());
            for p in [50.0, 95.0, 99.0, 100.0] {
                prop_assert_eq!(back.percentile_ms(p), h.percentile_ms(p));
            }
        }
    }
}
