//! Change points: where a series of runs shifted, found with E-divisive
//! means and a permutation significance test, the method Apache Otava uses
//! (`otava/change_point_divisive/`; Matteson & James, 2014).
//!
//! 1. **Candidates.** Within a window of runs, the split τ (with an end κ)
//!    maximising the energy statistic
//!    Q̂(X, Y) = 2/(m+n)·Σ|Xᵢ−Yⱼ| − 2m/((m+n)(n−1))·Σᵢ<ₖ|Xᵢ−Xₖ| − 2n/((m+n)(m−1))·Σⱼ<ₖ|Yⱼ−Yₖ|
//!    over X = z[s..τ], Y = z[τ..κ] is the next candidate; segments found so
//!    far are searched independently (hierarchical splitting).
//! 2. **Significance.** The values of each segment are shuffled within the
//!    segment and the best candidate recomputed, `permutations` times; the
//!    p-value is (exceedances + 1)/(permutations + 1), the form that is never
//!    0 (Otava writes exceedances/(permutations+1)). The search stops at the
//!    first candidate that is not significant.
//! 3. **Windows.** As Otava does, the series is searched in windows of
//!    `window` runs moving by half a window, so the cost stays linear in the
//!    history's length and changes in a long series are not masked.
//! 4. **Merging.** Each change point is then tested again as a two-sample
//!    energy permutation test between its neighbouring segments (at most
//!    half a window each side); the weakest above `max_p` is removed and its
//!    neighbours retested, until all pass (Otava's `merge`, with this test
//!    in place of its t-test).
//!
//! The random shuffles come from a fixed-seed SplitMix64, written here
//! rather than taken from `rand`, whose generators do not promise the same
//! stream across versions: the same history gives the same report, byte
//! for byte. A change point needs at least [`MIN_SEGMENT`] runs on each
//! side, and a series shorter than [`min_runs`] is "too short": a
//! permutation test over fewer runs cannot reach the p-value asked for.

/// Runs needed on each side of a change point.
pub const MIN_SEGMENT: usize = 3;

/// The detector's settings (Otava's defaults).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Runs per search window.
    pub window: usize,
    /// Largest p-value reported as a change.
    pub max_p: f64,
    /// Shuffles per significance test.
    pub permutations: usize,
    /// Seed of the shuffles.
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            window: 50,
            max_p: 0.001,
            permutations: 1999,
            seed: 0x005E_ED0F_0A7A,
        }
    }
}

/// A shift in a series.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangePoint {
    /// Index of the first value after the shift.
    pub index: usize,
    /// Mean of the segment before.
    pub mean_before: f64,
    /// Standard deviation (population) of the segment before.
    pub sd_before: f64,
    /// Mean of the segment after.
    pub mean_after: f64,
    /// Standard deviation (population) of the segment after.
    pub sd_after: f64,
    /// Permutation p-value of the split.
    pub p: f64,
}

/// What the detector found.
#[derive(Debug, Clone, PartialEq)]
pub enum Detection {
    /// Fewer values than [`min_runs`]: nothing can be said.
    TooShort {
        /// Values in the series.
        have: usize,
        /// Values needed.
        need: usize,
    },
    /// The change points, in index order (none: no shift found at `max_p`).
    Found(Vec<ChangePoint>),
}

/// The shortest series in which a split can reach `max_p`: the smallest n
/// with C(n, ⌊n/2⌋) ≥ 1/max_p (the distinct two-sample splits a
/// permutation test has), and at least two segments of [`MIN_SEGMENT`].
pub fn min_runs(max_p: f64) -> usize {
    let need = if max_p > 0.0 {
        1.0 / max_p
    } else {
        f64::INFINITY
    };
    let mut n = 2 * MIN_SEGMENT;
    while n < 10_000 {
        let k = n / 2;
        let ways = (0..k).fold(1.0_f64, |acc, i| acc * (n - i) as f64 / (i + 1) as f64);
        if ways >= need {
            return n;
        }
        n += 1;
    }
    n
}

/// Finds the change points of `z`.
pub fn detect(z: &[f64], opts: &Options) -> Detection {
    let need = min_runs(opts.max_p);
    if z.len() < need {
        return Detection::TooShort {
            have: z.len(),
            need,
        };
    }
    let mut rng = SplitMix64(opts.seed);
    let window = opts.window.max(2 * MIN_SEGMENT);
    let step = window / 2;
    let mut found: Vec<usize> = Vec::new();
    let mut start = 0;
    while start < z.len() {
        let end = (start + window).min(z.len());
        let local = e_divisive(&z[start..end], opts, &mut rng);
        let last = local.last().map_or(0, |&i| i + start);
        for i in local {
            if !found.contains(&(i + start)) {
                found.push(i + start);
            }
        }
        if end == z.len() {
            break;
        }
        start = last.max(start + step);
    }
    found.sort_unstable();
    Detection::Found(merge(z, found, opts, &mut rng))
}

/// Hierarchical E-divisive on one window: indexes of significant splits.
fn e_divisive(z: &[f64], opts: &Options, rng: &mut SplitMix64) -> Vec<usize> {
    let mut cps: Vec<usize> = Vec::new();
    loop {
        let bounds = intervals(&cps, z.len());
        let Some((index, q)) = best_candidate(z, &bounds) else {
            break;
        };
        let Some(limit) = exceedance_limit(opts) else {
            break;
        };
        let mut shuffled = z.to_vec();
        let mut exceed = 0;
        for _ in 0..opts.permutations {
            shuffled.copy_from_slice(z);
            for &(s, e) in &bounds {
                rng.shuffle(&mut shuffled[s..e]);
            }
            if best_candidate(&shuffled, &bounds).is_some_and(|(_, qp)| qp >= q) {
                exceed += 1;
                if exceed > limit {
                    break;
                }
            }
        }
        if exceed > limit {
            break;
        }
        cps.push(index);
        cps.sort_unstable();
    }
    cps
}

/// Most exceedances with which (exceed + 1)/(permutations + 1) ≤ max_p;
/// `None` when even none would not do (too few permutations for `max_p`).
fn exceedance_limit(opts: &Options) -> Option<usize> {
    let allowed = opts.max_p * (opts.permutations as f64 + 1.0) - 1.0;
    (allowed >= 0.0).then(|| allowed.floor() as usize)
}

/// The segments `[s, e)` that change points `cps` (sorted) cut `0..len` into.
fn intervals(cps: &[usize], len: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(cps.len() + 1);
    let mut s = 0;
    for &c in cps {
        out.push((s, c));
        s = c;
    }
    out.push((s, len));
    out
}

/// The split with the largest Q̂ over all `bounds`, and that Q̂.
fn best_candidate(z: &[f64], bounds: &[(usize, usize)]) -> Option<(usize, f64)> {
    let mut best: Option<(usize, f64)> = None;
    for &(s, e) in bounds {
        if let Some((i, q)) = best_in(&z[s..e]) {
            if best.is_none_or(|(_, b)| q > b) {
                best = Some((i + s, q));
            }
        }
    }
    best
}

/// The split τ of `z` (and end κ) maximising Q̂(z[..τ], z[τ..κ]), with at
/// least [`MIN_SEGMENT`] values each side. O(n²) with column prefix sums.
fn best_in(z: &[f64]) -> Option<(usize, f64)> {
    let n = z.len();
    if n < 2 * MIN_SEGMENT {
        return None;
    }
    // prefix[j * (n + 1) + r] = Σ_{i<r} |z_i − z_j|
    let mut prefix = vec![0.0; n * (n + 1)];
    for j in 0..n {
        let row = &mut prefix[j * (n + 1)..(j + 1) * (n + 1)];
        for i in 0..n {
            row[i + 1] = row[i] + (z[i] - z[j]).abs();
        }
    }
    let p = |col: usize, r: usize| prefix[col * (n + 1) + r];
    let mut best: Option<(usize, f64)> = None;
    // Within-X sum for X = z[..tau], grown one column at a time.
    let mut within_x = 0.0;
    for k in 0..MIN_SEGMENT {
        within_x += p(k, k);
    }
    for tau in MIN_SEGMENT..=n - MIN_SEGMENT {
        let nx = tau as f64;
        let mut cross = 0.0;
        let mut within_y = 0.0;
        for kappa in tau + 1..=n {
            let col = kappa - 1;
            cross += p(col, tau);
            within_y += p(col, col) - p(col, tau);
            let m = kappa - tau;
            if m < MIN_SEGMENT {
                continue;
            }
            let q = energy(cross, within_x, within_y, nx, m as f64);
            if best.is_none_or(|(_, b)| q > b) {
                best = Some((tau, q));
            }
        }
        within_x += p(tau, tau);
    }
    best
}

/// Q̂ from the cross and within sums of X (n values) and Y (m values).
fn energy(cross: f64, within_x: f64, within_y: f64, n: f64, m: f64) -> f64 {
    let wx = if n > 1.0 {
        2.0 * m / ((m + n) * (n - 1.0)) * within_x
    } else {
        0.0
    };
    let wy = if m > 1.0 {
        2.0 * n / ((m + n) * (m - 1.0)) * within_y
    } else {
        0.0
    };
    2.0 / (m + n) * cross - wx - wy
}

/// Q̂ of the fixed split of `z` at `at`.
fn energy_at(z: &[f64], at: usize) -> f64 {
    let (x, y) = z.split_at(at);
    let pairs = |a: &[f64], b: &[f64]| -> f64 {
        a.iter()
            .map(|u| b.iter().map(|v| (u - v).abs()).sum::<f64>())
            .sum()
    };
    let within = |a: &[f64]| -> f64 {
        (0..a.len())
            .map(|i| a[i + 1..].iter().map(|v| (a[i] - v).abs()).sum::<f64>())
            .sum()
    };
    energy(
        pairs(x, y),
        within(x),
        within(y),
        x.len() as f64,
        y.len() as f64,
    )
}

/// Retests each change point against its neighbours and drops the weakest
/// until every one is significant.
fn merge(z: &[f64], mut cps: Vec<usize>, opts: &Options, rng: &mut SplitMix64) -> Vec<ChangePoint> {
    loop {
        let tested: Vec<ChangePoint> = (0..cps.len())
            .map(|k| {
                let prev = if k == 0 { 0 } else { cps[k - 1] };
                let next = cps.get(k + 1).copied().unwrap_or(z.len());
                split_test(z, prev, cps[k], next, opts, rng)
            })
            .collect();
        match tested
            .iter()
            .enumerate()
            .filter(|(_, c)| c.p > opts.max_p)
            .max_by(|a, b| a.1.p.total_cmp(&b.1.p).then(b.0.cmp(&a.0)))
        {
            Some((weakest, _)) => {
                cps.remove(weakest);
            }
            None => return tested,
        }
    }
}

/// The change point at `at` between segments `[prev, at)` and `[at, next)`:
/// means and spreads over the whole segments, the p-value of a two-sample
/// energy permutation test on at most half a window each side.
fn split_test(
    z: &[f64],
    prev: usize,
    at: usize,
    next: usize,
    opts: &Options,
    rng: &mut SplitMix64,
) -> ChangePoint {
    let (before, after) = (&z[prev..at], &z[at..next]);
    let (mean_before, sd_before) = mean_sd(before);
    let (mean_after, sd_after) = mean_sd(after);
    let half = (opts.window / 2).max(MIN_SEGMENT);
    let lo = prev.max(at.saturating_sub(half));
    let hi = next.min(at + half);
    let limit = exceedance_limit(opts);
    let p = if at - lo < MIN_SEGMENT || hi - at < MIN_SEGMENT || limit.is_none() {
        1.0
    } else {
        let limit = limit.unwrap_or(0);
        let seg = &z[lo..hi];
        let cut = at - lo;
        let q = energy_at(seg, cut);
        let mut shuffled = seg.to_vec();
        let mut exceed = 0;
        let mut done = 0;
        for _ in 0..opts.permutations {
            rng.shuffle(&mut shuffled);
            done += 1;
            if energy_at(&shuffled, cut) >= q {
                exceed += 1;
                if exceed > limit {
                    break;
                }
            }
        }
        if exceed > limit {
            // Stopped early: at least this large, and above max_p.
            ((exceed + 1) as f64 / (done + 1) as f64)
                .max(opts.max_p * 2.0)
                .min(1.0)
        } else {
            (exceed + 1) as f64 / (opts.permutations + 1) as f64
        }
    };
    ChangePoint {
        index: at,
        mean_before,
        sd_before,
        mean_after,
        sd_after,
        p,
    }
}

/// Mean and population standard deviation (numpy's `std`, as Otava reports).
pub fn mean_sd(v: &[f64]) -> (f64, f64) {
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// SplitMix64 (Steele, Lea & Flood 2014): a fixed, documented stream.
#[derive(Debug, Clone)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut x = self.0;
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^ (x >> 31)
    }

    /// A uniform index below `n` (Lemire's multiply-shift; the bias is
    /// below 2⁻⁵⁰ for the lengths shuffled here).
    fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// Fisher–Yates shuffle.
    pub fn shuffle(&mut self, v: &mut [f64]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }

    /// A standard normal value (Box–Muller), for tests and benchmarks.
    pub fn normal(&mut self) -> f64 {
        let u1 = ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
        let u2 = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Q̂ straight from its definition, to check the prefix-sum version.
    fn q_direct(x: &[f64], y: &[f64]) -> f64 {
        let (n, m) = (x.len() as f64, y.len() as f64);
        let mut cross = 0.0;
        for a in x {
            for b in y {
                cross += (a - b).abs();
            }
        }
        let mut wx = 0.0;
        for i in 0..x.len() {
            for k in i + 1..x.len() {
                wx += (x[i] - x[k]).abs();
            }
        }
        let mut wy = 0.0;
        for i in 0..y.len() {
            for k in i + 1..y.len() {
                wy += (y[i] - y[k]).abs();
            }
        }
        let e = 2.0 / (n * m) * cross - wx / (n * (n - 1.0) / 2.0) - wy / (m * (m - 1.0) / 2.0);
        n * m / (n + m) * e
    }

    #[test]
    fn the_fast_candidate_search_agrees_with_the_definition() {
        let mut rng = SplitMix64(7);
        for len in [6, 7, 11, 30] {
            let z: Vec<f64> = (0..len)
                .map(|i| rng.normal() + if i > len / 3 { 2.0 } else { 0.0 })
                .collect();
            let mut want: Option<(usize, f64)> = None;
            for tau in MIN_SEGMENT..=len - MIN_SEGMENT {
                for kappa in tau + MIN_SEGMENT..=len {
                    let q = q_direct(&z[..tau], &z[tau..kappa]);
                    if want.is_none_or(|(_, b)| q > b) {
                        want = Some((tau, q));
                    }
                }
            }
            let got = best_in(&z).unwrap();
            let want = want.unwrap();
            assert_eq!(got.0, want.0, "len {len}");
            assert!(
                (got.1 - want.1).abs() < 1e-9 * want.1.abs().max(1.0),
                "{got:?} {want:?}"
            );
            let (tau, end) = (got.0, (got.0 + 4).min(len));
            let fixed = energy_at(&z[..end], tau);
            assert!(
                (fixed - q_direct(&z[..tau], &z[tau..end])).abs() < 1e-9,
                "{fixed}"
            );
        }
    }

    #[test]
    fn a_step_is_found_at_its_index_with_its_size_and_p_value() {
        let mut rng = SplitMix64(42);
        let z: Vec<f64> = (0..40)
            .map(|i| if i < 24 { 100.0 } else { 130.0 } + 3.0 * rng.normal())
            .collect();
        let Detection::Found(cps) = detect(&z, &Options::default()) else {
            panic!("long enough");
        };
        assert_eq!(cps.len(), 1, "{cps:?}");
        let c = &cps[0];
        assert_eq!(c.index, 24);
        let (mb, sb) = mean_sd(&z[..24]);
        let (ma, sa) = mean_sd(&z[24..]);
        assert_eq!(
            (c.mean_before, c.sd_before, c.mean_after, c.sd_after),
            (mb, sb, ma, sa)
        );
        assert!((c.mean_after - c.mean_before - 30.0).abs() < 3.0, "{c:?}");
        // 1/(permutations+1): no shuffle of a clean step beats it.
        assert_eq!(c.p, 1.0 / 2000.0);
        // Deterministic: the same series gives the same answer.
        assert_eq!(detect(&z, &Options::default()), Detection::Found(cps));
    }

    #[test]
    fn two_steps_in_a_long_series_are_both_found() {
        let mut rng = SplitMix64(3);
        let z: Vec<f64> = (0..160)
            .map(|i| match i {
                0..60 => 50.0,
                60..110 => 65.0,
                _ => 45.0,
            } + 2.0 * rng.normal())
            .collect();
        let Detection::Found(cps) = detect(&z, &Options::default()) else {
            panic!()
        };
        let at: Vec<usize> = cps.iter().map(|c| c.index).collect();
        assert_eq!(at, vec![60, 110], "{cps:?}");
    }

    #[test]
    fn noise_alone_gives_no_change_point_at_any_length() {
        for (seed, len) in [
            (1, 13),
            (2, 20),
            (3, 35),
            (4, 50),
            (5, 80),
            (6, 150),
            (7, 300),
        ] {
            let mut rng = SplitMix64(seed);
            let z: Vec<f64> = (0..len).map(|_| 200.0 + 10.0 * rng.normal()).collect();
            assert_eq!(
                detect(&z, &Options::default()),
                Detection::Found(vec![]),
                "len {len}"
            );
            // Heavy-tailed noise (latency-like): exp of a normal.
            let z: Vec<f64> = (0..len).map(|_| (3.0 + 0.5 * rng.normal()).exp()).collect();
            assert_eq!(
                detect(&z, &Options::default()),
                Detection::Found(vec![]),
                "lognormal len {len}"
            );
        }
    }

    #[test]
    fn a_short_history_is_said_to_be_too_short() {
        assert_eq!(min_runs(0.001), 13); // C(12,6) = 924 < 1000 ≤ C(13,6) = 1716
        assert_eq!(min_runs(0.05), 2 * MIN_SEGMENT);
        let z = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 9.0, 9.0, 9.0, 9.0, 9.0, 9.0];
        assert_eq!(
            detect(&z, &Options::default()),
            Detection::TooShort { have: 12, need: 13 }
        );
    }

    #[test]
    fn the_shuffle_is_a_permutation_and_fixed_by_its_seed() {
        let mut a = SplitMix64(9);
        let mut v: Vec<f64> = (0..20).map(f64::from).collect();
        a.shuffle(&mut v);
        let mut sorted = v.clone();
        sorted.sort_by(f64::total_cmp);
        assert_eq!(sorted, (0..20).map(f64::from).collect::<Vec<_>>());
        let mut w: Vec<f64> = (0..20).map(f64::from).collect();
        SplitMix64(9).shuffle(&mut w);
        assert_eq!(v, w);
        // The first output of SplitMix64 seeded 0 (reference value).
        assert_eq!(SplitMix64(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    }
}
