//! Latency histograms: HDR histograms of microseconds with 3 significant
//! digits, and the one percentile definition perfreport uses.
//!
//! **Percentile definition.** pN is the smallest recorded value v such that
//! at least N % of the values are ≤ v (the nearest-rank method, as in
//! HdrHistogram and most load-testing tools). From a histogram, v is the upper
//! end of its bucket, so it is within 0.1 % of the exact nearest-rank value.
//!
//! **Compact histograms.** An endpoint with few requests would pay for the
//! whole dense counts array (90–190 KB at 3 digits, whatever it holds). A
//! [`LatencyHistogram::compact`] histogram keeps, while it has at most
//! [`MAX_COMPACT`] distinct buckets, only the buckets it uses: (the lowest
//! value of the HDR bucket, count), sorted. It turns dense when it grows past
//! that, and answers every query with the dense histogram's own arithmetic
//! (bucket bounds come from HdrHistogram for the same configuration), so
//! every figure is the one the dense histogram gives for the same values.

use hdrhistogram::{Counter, Histogram};
use std::sync::OnceLock;

/// Significant decimal digits kept by endpoint and run histograms.
pub const SIGNIFICANT_DIGITS: u8 = 3;
/// Significant digits of the per-time-bucket histograms (charts only).
pub const SERIES_SIGNIFICANT_DIGITS: u8 = 2;

/// Distinct buckets a compact histogram keeps before it turns dense: 8 KB
/// of (value, count) pairs, against 90 KB or more for the dense array.
pub const MAX_COMPACT: usize = 512;

/// Values a compact histogram takes before it turns dense whatever its
/// buckets: a binary search per value costs more CPU than the dense array's
/// index once values are this many (the time buckets of a 1 GB log), and so
/// many values have paid for the dense array's memory.
pub const DENSE_AT_COUNT: u64 = 1024;

/// A histogram of response times in microseconds. The time-bucket
/// histograms count in `u32` (half the memory; counts saturate, and no
/// bucket holds four billion requests).
#[derive(Clone)]
pub struct LatencyHistogram<C: Counter = u64>(Repr<C>);

#[derive(Clone)]
enum Repr<C: Counter> {
    /// The buckets in use: (lowest value of the HDR bucket, count), sorted
    /// by value, no zero counts; `total` is the sum of the counts.
    Compact {
        digits: u8,
        total: u64,
        buckets: Vec<(u64, C)>,
    },
    /// HdrHistogram's own, auto-resizing.
    Dense(Histogram<C>),
}

/// A histogram of each configuration, for its bucket arithmetic only
/// (`lowest_equivalent` and `highest_equivalent` depend on the
/// configuration, never on the counts).
fn template(digits: u8) -> &'static Histogram<u8> {
    static TEMPLATES: [OnceLock<Histogram<u8>>; 6] = [const { OnceLock::new() }; 6];
    TEMPLATES[usize::from(digits.min(5))]
        .get_or_init(|| Histogram::new(digits.min(5)).expect("0..=5 significant digits is valid"))
}

impl<C: Counter> std::fmt::Debug for LatencyHistogram<C> {
    // The counts array is thousands of entries: show a summary instead.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LatencyHistogram")
            .field("compact", &self.compact_len())
            .field("count", &self.count())
            .field("max_us", &self.max())
            .field("p50_us", &self.value_at_quantile(0.5))
            .field("p99_us", &self.value_at_quantile(0.99))
            .finish()
    }
}

/// Equal when they hold the same counts in the same buckets, compact or dense.
impl<C: Counter> PartialEq for LatencyHistogram<C> {
    fn eq(&self, other: &Self) -> bool {
        self.digits() == other.digits()
            && self.count() == other.count()
            && self.recorded() == other.recorded()
    }
}

impl LatencyHistogram<u64> {
    /// An empty dense histogram with [`SIGNIFICANT_DIGITS`].
    pub fn new() -> Self {
        Self::with_digits(SIGNIFICANT_DIGITS)
    }

    /// Records `n` response times of `ms` milliseconds (a tool's count table).
    pub fn record_ms_n(&mut self, ms: f64, n: u64) {
        match &mut self.0 {
            Repr::Dense(h) => {
                let _ = h.record_n(to_us(ms), n);
            }
            Repr::Compact { .. } => {
                self.densify();
                self.record_ms_n(ms, n);
            }
        }
    }
}

impl<C: Counter> LatencyHistogram<C> {
    /// An empty dense histogram keeping `digits` significant digits.
    pub fn with_digits(digits: u8) -> Self {
        // Auto-resizing: memory follows the largest value actually recorded.
        LatencyHistogram(Repr::Dense(
            Histogram::new(digits).expect("1..=5 significant digits is valid"),
        ))
    }

    /// An empty compact histogram keeping `digits` significant digits: a few
    /// bytes per bucket in use until it holds more than [`MAX_COMPACT`]
    /// distinct buckets, then dense.
    pub fn compact(digits: u8) -> Self {
        LatencyHistogram(Repr::Compact {
            digits: digits.min(5),
            total: 0,
            buckets: Vec::new(),
        })
    }

    /// The number of buckets held while compact; `None` once dense.
    pub fn compact_len(&self) -> Option<usize> {
        match &self.0 {
            Repr::Compact { buckets, .. } => Some(buckets.len()),
            Repr::Dense(_) => None,
        }
    }

    /// Bytes its counts take: 16 a bucket while compact, the whole counts
    /// array once dense (what a budget of many histograms counts).
    pub fn heap_bytes(&self) -> usize {
        match &self.0 {
            Repr::Compact { buckets, .. } => buckets.len() * std::mem::size_of::<(u64, C)>(),
            Repr::Dense(h) => h.distinct_values() * std::mem::size_of::<C>(),
        }
    }

    /// Gives back spare capacity (a finished histogram kept in the model).
    pub fn shrink(&mut self) {
        if let Repr::Compact { buckets, .. } = &mut self.0 {
            buckets.shrink_to_fit();
        }
    }

    fn digits(&self) -> u8 {
        match &self.0 {
            Repr::Compact { digits, .. } => *digits,
            Repr::Dense(h) => h.sigfig(),
        }
    }

    /// Turns a compact histogram into the dense one holding the same counts.
    fn densify(&mut self) {
        if let Repr::Compact {
            digits, buckets, ..
        } = &self.0
        {
            let mut h = Histogram::new(*digits).expect("0..=5 significant digits is valid");
            // The largest first: the counts array grows once.
            for &(v, n) in buckets.iter().rev() {
                let _ = h.record_n(v, n);
            }
            self.0 = Repr::Dense(h);
        }
    }

    /// Records one response time in milliseconds (rounded to whole µs).
    pub fn record_ms(&mut self, ms: f64) {
        self.record_us(to_us(ms));
    }

    /// Records one response time in whole microseconds.
    #[inline]
    pub fn record_us(&mut self, us: u64) {
        match &mut self.0 {
            Repr::Dense(h) => {
                // Auto-resize makes `record` infallible for u64 values.
                let _ = h.record(us);
            }
            Repr::Compact {
                digits,
                total,
                buckets,
            } => {
                let low = template(*digits).lowest_equivalent(us);
                match buckets.binary_search_by_key(&low, |b| b.0) {
                    Ok(i) => buckets[i].1 = buckets[i].1.saturating_add(C::one()),
                    Err(_) if buckets.len() >= MAX_COMPACT => {
                        self.densify();
                        self.record_us(us);
                        return;
                    }
                    Err(i) => buckets.insert(i, (low, C::one())),
                }
                *total = total.saturating_add(1);
                if *total >= DENSE_AT_COUNT {
                    self.densify();
                }
            }
        }
    }

    /// Adds every value of `other`.
    pub fn merge(&mut self, other: &LatencyHistogram<C>) {
        match (&mut self.0, &other.0) {
            (_, Repr::Compact { total: 0, .. }) => {}
            (Repr::Dense(a), Repr::Dense(b)) => {
                let _ = a.add(b);
            }
            (Repr::Dense(a), Repr::Compact { buckets, .. }) => {
                for &(v, n) in buckets.iter().rev() {
                    let _ = a.record_n(v, n);
                }
            }
            (Repr::Compact { .. }, Repr::Dense(_)) => {
                self.densify();
                self.merge(other);
            }
            (
                Repr::Compact {
                    total: ta,
                    buckets: a,
                    ..
                },
                Repr::Compact {
                    total: tb,
                    buckets: b,
                    ..
                },
            ) => {
                let mut out = Vec::with_capacity(a.len() + b.len());
                let (mut i, mut j) = (0, 0);
                while i < a.len() || j < b.len() {
                    if j == b.len() || (i < a.len() && a[i].0 < b[j].0) {
                        out.push(a[i]);
                        i += 1;
                    } else if i == a.len() || b[j].0 < a[i].0 {
                        out.push(b[j]);
                        j += 1;
                    } else {
                        out.push((a[i].0, a[i].1.saturating_add(b[j].1)));
                        i += 1;
                        j += 1;
                    }
                }
                *a = out;
                *ta = ta.saturating_add(*tb);
                if a.len() > MAX_COMPACT {
                    self.densify();
                }
            }
        }
    }

    /// Number of values recorded.
    pub fn count(&self) -> u64 {
        match &self.0 {
            Repr::Compact { total, .. } => *total,
            Repr::Dense(h) => h.len(),
        }
    }

    /// HdrHistogram's `highest_equivalent` for this configuration.
    fn highest_equivalent(&self, us: u64) -> u64 {
        match &self.0 {
            Repr::Compact { digits, .. } => template(*digits).highest_equivalent(us),
            Repr::Dense(h) => h.highest_equivalent(us),
        }
    }

    /// HdrHistogram's `max`: the top of the highest bucket in use (0 when empty).
    fn max(&self) -> u64 {
        match &self.0 {
            Repr::Compact { buckets, .. } => buckets
                .last()
                .map_or(0, |&(v, _)| self.highest_equivalent(v)),
            Repr::Dense(h) => h.max(),
        }
    }

    /// HdrHistogram's `value_at_quantile`, step for step.
    fn value_at_quantile(&self, quantile: f64) -> u64 {
        let (digits, total, buckets) = match &self.0 {
            Repr::Dense(h) => return h.value_at_quantile(quantile),
            Repr::Compact {
                digits,
                total,
                buckets,
            } => (*digits, *total, buckets),
        };
        let quantile = if quantile > 1.0 { 1.0 } else { quantile };
        let fractional_count = quantile * total as f64;
        let count_at_quantile = (fractional_count.ceil() as u64).max(1);
        let mut so_far: u64 = 0;
        for &(v, n) in buckets {
            so_far += n.as_u64();
            if so_far >= count_at_quantile {
                return if quantile == 0.0 {
                    v
                } else {
                    template(digits).highest_equivalent(v)
                };
            }
        }
        0
    }

    /// The buckets in use, lowest first: (top of the bucket in µs, count),
    /// as HdrHistogram's `iter_recorded` gives them.
    fn recorded(&self) -> Vec<(u64, u64)> {
        match &self.0 {
            Repr::Compact { buckets, .. } => buckets
                .iter()
                .map(|&(v, n)| (self.highest_equivalent(v), n.as_u64()))
                .collect(),
            Repr::Dense(h) => h
                .iter_recorded()
                .map(|v| (v.value_iterated_to(), v.count_at_value().as_u64()))
                .collect(),
        }
    }

    /// The `pct` percentile (0–100) in ms, `None` when empty.
    pub fn percentile_ms(&self, pct: f64) -> Option<f64> {
        if self.count() == 0 {
            return None;
        }
        let us = if pct >= 100.0 {
            self.max()
        } else {
            self.value_at_quantile(pct / 100.0)
        };
        Some(self.highest_equivalent(us).min(self.max()) as f64 / 1000.0)
    }

    /// Values at or below `ms` (for Apdex).
    pub fn count_at_or_below_ms(&self, ms: f64) -> u64 {
        let us = (ms * 1000.0).round().max(0.0) as u64;
        self.recorded()
            .into_iter()
            .filter(|(to, _)| *to <= us)
            .map(|(_, n)| n)
            .sum()
    }

    /// Recorded values as (upper bound ms, count) per histogram bucket, for the distribution chart.
    pub fn buckets_ms(&self) -> Vec<(f64, u64)> {
        self.recorded()
            .into_iter()
            .map(|(to, n)| (to as f64 / 1000.0, n))
            .collect()
    }
}

impl LatencyHistogram<u64> {
    /// The histogram in HdrHistogram's V2 serialization format (the format
    /// every HdrHistogram implementation reads), for storing in a history.
    ///
    /// Written from a histogram rebuilt by recording each bucket, so the
    /// header's highest trackable value depends on the values only, not on
    /// how the histogram grew (recording and merging resize it differently):
    /// the same data gives the same bytes, compact or dense, on any number of
    /// threads.
    pub fn to_v2_bytes(&self) -> anyhow::Result<Vec<u8>> {
        use hdrhistogram::serialization::{Serializer, V2Serializer};
        let mut h = Histogram::<u64>::new(self.digits())
            .map_err(|e| anyhow::anyhow!("cannot make a histogram: {e:?}"))?;
        let t = template(self.digits());
        for (to, n) in self.recorded().into_iter().rev() {
            let _ = h.record_n(t.lowest_equivalent(to), n);
        }
        let mut out = Vec::new();
        V2Serializer::new()
            .serialize(&h, &mut out)
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
        Ok(LatencyHistogram(Repr::Dense(h)))
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
    fn a_busy_compact_histogram_turns_dense_with_the_same_figures() {
        let mut c = LatencyHistogram::<u32>::compact(SERIES_SIGNIFICANT_DIGITS);
        let mut d = LatencyHistogram::<u32>::with_digits(SERIES_SIGNIFICANT_DIGITS);
        for k in 0..DENSE_AT_COUNT {
            assert!(
                c.compact_len().is_some(),
                "compact below {DENSE_AT_COUNT} values"
            );
            let us = 1_000 + (k % 7) * 250;
            c.record_us(us);
            d.record_us(us);
        }
        assert_eq!(c.compact_len(), None, "dense at {DENSE_AT_COUNT} values");
        assert!(c == d);
        for p in [50.0, 95.0, 99.0, 100.0] {
            assert_eq!(c.percentile_ms(p), d.percentile_ms(p));
        }
    }

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

    /// Response times of many magnitudes, with repeats (as whole-ms tools write them).
    fn latencies() -> impl Strategy<Value = Vec<u64>> {
        proptest::collection::vec(
            prop_oneof![
                0u64..3000,
                (0u64..5000).prop_map(|ms| ms * 1000),
                0u64..200_000_000,
                Just(0u64),
            ],
            0..1500,
        )
    }

    fn dense_of(values: &[u64]) -> LatencyHistogram {
        let mut h = LatencyHistogram::new();
        values.iter().for_each(|v| h.record_us(*v));
        h
    }

    fn compact_of(values: &[u64]) -> LatencyHistogram {
        let mut h = LatencyHistogram::compact(SIGNIFICANT_DIGITS);
        values.iter().for_each(|v| h.record_us(*v));
        h
    }

    /// Percentiles, buckets, Apdex counts, V2 bytes and count.
    type AllFigures = (Vec<Option<f64>>, Vec<(f64, u64)>, Vec<u64>, Vec<u8>, u64);

    /// Every figure a histogram gives, straight from HdrHistogram's dense one
    /// when `h` is dense.
    fn figures(h: &LatencyHistogram, thresholds: &[f64]) -> AllFigures {
        let pcts = [
            0.0, 0.1, 1.0, 25.0, 50.0, 66.0, 90.0, 95.0, 99.0, 99.9, 99.99, 100.0, 150.0,
        ];
        (
            pcts.iter().map(|p| h.percentile_ms(*p)).collect(),
            h.buckets_ms(),
            thresholds
                .iter()
                .map(|t| h.count_at_or_below_ms(*t))
                .collect(),
            h.to_v2_bytes().unwrap(),
            h.count(),
        )
    }

    #[test]
    fn a_compact_histogram_stays_small_until_it_has_many_buckets() {
        let mut h = LatencyHistogram::compact(SIGNIFICANT_DIGITS);
        // From 3 ms on, `v` and `v + 1` share a bucket (it is wider than 1 µs).
        // Fewer values than DENSE_AT_COUNT: only the buckets decide.
        let twice = |ms: u64| ms < 3 + (DENSE_AT_COUNT - 1 - MAX_COMPACT as u64);
        for ms in 3..3 + MAX_COMPACT as u64 {
            h.record_us(ms * 1000);
            if twice(ms) {
                h.record_us(ms * 1000 + 1);
            }
        }
        assert_eq!(h.compact_len(), Some(MAX_COMPACT));
        assert_eq!(h.count(), DENSE_AT_COUNT - 1);
        h.record_us(999_999_999);
        assert_eq!(h.compact_len(), None, "dense past {MAX_COMPACT} buckets");
        assert_eq!(h, {
            let mut d = LatencyHistogram::new();
            (3..3 + MAX_COMPACT as u64).for_each(|ms| {
                d.record_us(ms * 1000);
                if twice(ms) {
                    d.record_us(ms * 1000 + 1)
                }
            });
            d.record_us(999_999_999);
            d
        });
    }

    #[test]
    fn v2_bytes_do_not_depend_on_how_the_histogram_grew() {
        // Merging resizes to the other's maximum, recording to whole buckets.
        let (mut merged, mut part) = (LatencyHistogram::new(), LatencyHistogram::new());
        merged.record_us(5);
        part.record_us(70_000_123);
        merged.merge(&part);
        let recorded = dense_of(&[5, 70_000_123]);
        assert_eq!(
            merged.to_v2_bytes().unwrap(),
            recorded.to_v2_bytes().unwrap()
        );
    }

    proptest! {
        // Each case builds a dozen dense histograms: fewer cases keep the suite quick.
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn a_compact_histogram_gives_every_figure_the_dense_one_gives(
            values in latencies(),
            thresholds in proptest::collection::vec(0.0f64..200_000.0, 1..8),
        ) {
            let (c, d) = (compact_of(&values), dense_of(&values));
            prop_assert_eq!(figures(&c, &thresholds), figures(&d, &thresholds));
            prop_assert_eq!(&c, &d);
            // The Apdex count against sorting, and the percentile definition
            // against the exact nearest rank (within a bucket).
            let mut sorted = values.clone();
            sorted.sort_unstable();
            for t in &thresholds {
                let us = (t * 1000.0).round() as u64;
                let exact = sorted.iter().filter(|v| template(3).highest_equivalent(**v) <= us).count() as u64;
                prop_assert_eq!(c.count_at_or_below_ms(*t), exact);
            }
            if let Some(p95) = c.percentile_ms(95.0) {
                let f: Vec<f64> = sorted.iter().map(|v| *v as f64).collect();
                let want = nearest_rank(&f, 95.0).unwrap();
                prop_assert!((p95 * 1000.0 - want).abs() <= want * 0.001 + 1.0, "{} vs {}", p95, want);
            }
        }

        #[test]
        fn compact_and_dense_merge_to_the_same_figures(
            a in latencies(),
            b in latencies(),
            c in latencies(),
        ) {
            let all: Vec<u64> = a.iter().chain(&b).chain(&c).copied().collect();
            let want = figures(&dense_of(&all), &[1.0, 500.0]);
            // Every mix of compact and dense parts, merged in file order.
            for kinds in 0..8u8 {
                let part = |v: &[u64], k: u8| if kinds & k == 0 { compact_of(v) } else { dense_of(v) };
                let mut h = part(&a, 1);
                h.merge(&part(&b, 2));
                h.merge(&part(&c, 4));
                prop_assert_eq!(&figures(&h, &[1.0, 500.0]), &want, "kinds {}", kinds);
            }
        }
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
