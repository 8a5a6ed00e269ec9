//! Streaming statistics over raw samples (one row per request): per-endpoint
//! HDR histograms, counters, failure groups and time buckets (the whole run's
//! figures are the endpoints' merged at the end). Memory depends on the number
//! of endpoints and time buckets, never on the number of samples: endpoints
//! beyond [`DEFAULT_MAX_ENDPOINTS`] distinct names fold into one named
//! [`OTHER`]. Accumulators merge, so chunks can be read in parallel; merging
//! chunks in file order gives exactly the figures of one sequential pass (the
//! endpoints kept are the first names in file order in both cases).
//!
//! **One read past the cap.** A chunk does not know which names the whole
//! file keeps (a name may come first in an earlier chunk), so a chunk keeps
//! the names it meets past the cap apart too, as "extras" with compact
//! histograms, up to [`CHUNK_NAMES`] names and [`CHUNK_EXTRA_BYTES`] of
//! histogram counts; merging in file order then keeps the first names of the
//! file and folds the rest into [`OTHER`], as one sequential pass does. An
//! extra that would pass those bounds is given up: folded into the chunk's
//! own [`OTHER`] at once. Should the file keep a
//! name a chunk gave up, [`SampleStats::kept_in_file`] says so and the reader
//! reads the file again knowing the names kept (the exact fallback).

use super::histogram::{to_us, LatencyHistogram, SERIES_SIGNIFICANT_DIGITS, SIGNIFICANT_DIGITS};
use crate::model::{
    EndpointStats, FailureGroup, LatencyStats, Percentile, Precision, Sample, SeriesPoint,
};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

/// Percentiles listed in summary.json for raw-sample runs (any other can
/// still be asked for by an SLA rule: the histogram holds them all).
pub const LISTED_PERCENTILES: &[f64] = &[
    50.0, 66.0, 75.0, 80.0, 90.0, 95.0, 98.0, 99.0, 99.9, 99.99, 100.0,
];

/// The most points a time series keeps; buckets widen (1 s, 2 s, 4 s, …) to stay under it.
pub const MAX_SERIES_POINTS: usize = 1000;

/// Distinct endpoints kept by default (`--max-endpoints`); the rest fold into [`OTHER`].
pub const DEFAULT_MAX_ENDPOINTS: usize = 500;

/// The endpoint that holds the requests of every endpoint past the cap.
pub const OTHER: &str = "other";

/// Distinct folded names counted exactly; past this the warning says "more than".
pub const MAX_FOLDED_COUNTED: usize = 1_000_000;

/// Names a chunk keeps apart (the cap's and extras), whatever the cap: about
/// 300 bytes each plus their histogram buckets.
pub const CHUNK_NAMES: usize = 100_000;

/// Bytes of histogram counts a chunk's extras may hold together: the 1.2 GB
/// JTL with 50,000 labels (`scripts/bench`) needs about 70 MB in the second
/// of two chunks (the first chunk never holds extras).
pub const CHUNK_EXTRA_BYTES: usize = 128 << 20;

/// A small, fast, deterministic hasher (FxHash) for short keys.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn write_u8(&mut self, b: u8) {
        self.write(&[b]);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// `HashMap`/`HashSet` hasher state using [`FxHasher`].
pub type FxBuild = BuildHasherDefault<FxHasher>;

fn fx(bytes: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(bytes);
    // Mix the length in, so "a" and "a\0" differ.
    h.write(&(bytes.len() as u64).to_le_bytes());
    h.finish()
}

#[derive(Debug, Clone)]
struct EndpointAcc {
    method: String,
    name: String,
    count: u64,
    failures: u64,
    hist: LatencyHistogram,
    /// Sum of response times in whole µs: integer, so merged chunks give the
    /// same mean; u128, as one latency may be up to ~1e23 µs (1e20 ms is the
    /// largest figure read) and a u64 sum would wrap.
    sum_us: u128,
    min_us: u64,
    max_us: u64,
    bytes: u64,
    bytes_n: u64,
    /// A chunk's name past the cap, kept apart in case the file keeps it.
    extra: bool,
    /// An extra given up: its requests go to [`OTHER`].
    gone: bool,
}

impl EndpointAcc {
    fn new(method: &str, name: &str) -> Self {
        EndpointAcc {
            method: method.to_string(),
            name: name.to_string(),
            count: 0,
            failures: 0,
            // Compact: most endpoints of a run with thousands of them have few requests.
            hist: LatencyHistogram::compact(SIGNIFICANT_DIGITS),
            sum_us: 0,
            min_us: u64::MAX,
            max_us: 0,
            bytes: 0,
            bytes_n: 0,
            extra: false,
            gone: false,
        }
    }

    #[inline]
    fn record(&mut self, s: &Sample<'_>) {
        self.count += 1;
        if !s.ok {
            self.failures += 1;
        }
        if let Some(ms) = s.latency_ms {
            let us = to_us(ms);
            self.hist.record_us(us);
            self.sum_us += u128::from(us);
            self.min_us = self.min_us.min(us);
            self.max_us = self.max_us.max(us);
        }
        if let Some(b) = s.bytes {
            self.bytes += b;
            self.bytes_n += 1;
        }
    }

    fn merge(&mut self, o: &EndpointAcc) {
        self.count += o.count;
        self.failures += o.failures;
        self.hist.merge(&o.hist);
        self.sum_us += o.sum_us;
        self.min_us = self.min_us.min(o.min_us);
        self.max_us = self.max_us.max(o.max_us);
        self.bytes += o.bytes;
        self.bytes_n += o.bytes_n;
    }

    fn finish(mut self, duration_s: Option<f64>) -> EndpointStats {
        self.hist.shrink();
        let timed = self.hist.count();
        let rate = |n: u64| duration_s.filter(|d| *d > 0.0).map(|d| n as f64 / d);
        let percentiles = LISTED_PERCENTILES
            .iter()
            .filter_map(|p| {
                let v = self
                    .hist
                    .percentile_ms(*p)?
                    .min(self.max_us as f64 / 1000.0);
                Some((Percentile::from_percent(*p)?, v))
            })
            .collect();
        EndpointStats {
            method: self.method,
            name: self.name,
            requests: self.count,
            failures: self.failures,
            throughput_rps: rate(self.count),
            failures_per_s: rate(self.failures),
            latency: LatencyStats {
                min_ms: (timed > 0).then(|| self.min_us as f64 / 1000.0),
                avg_ms: (timed > 0).then(|| self.sum_us as f64 / timed as f64 / 1000.0),
                max_ms: (timed > 0).then(|| self.max_us as f64 / 1000.0),
                percentiles,
                precision: Precision::Histogram {
                    significant_digits: SIGNIFICANT_DIGITS,
                },
                histogram: (timed > 0).then(|| Arc::new(self.hist)),
            },
            avg_content_bytes: (self.bytes_n > 0).then(|| self.bytes as f64 / self.bytes_n as f64),
            source: None,
        }
    }
}

#[derive(Debug, Clone)]
struct Bucket {
    count: u64,
    failures: u64,
    hist: LatencyHistogram<u32>,
    users: Option<u32>,
}

impl Bucket {
    fn new() -> Self {
        Bucket {
            count: 0,
            failures: 0,
            hist: LatencyHistogram::compact(SERIES_SIGNIFICANT_DIGITS),
            users: None,
        }
    }

    fn merge(&mut self, o: &Bucket) {
        self.count += o.count;
        self.failures += o.failures;
        self.hist.merge(&o.hist);
        self.users = self.users.max(o.users);
    }
}

/// Time buckets keyed by `start_ms.div_euclid(width)`: slot `i` is key
/// `base + i`; the first and last slots are always filled.
#[derive(Debug, Clone, Default)]
struct Buckets {
    base: i64,
    slots: Vec<Option<Bucket>>,
}

impl Buckets {
    /// Keys first to last (the span a series covers).
    fn span(&self) -> usize {
        self.slots.len()
    }

    /// The keys two bucket sets cover together, first to last.
    fn joint_span(a: &Buckets, b: &Buckets) -> usize {
        let range = |x: &Buckets| {
            (!x.slots.is_empty()).then(|| (x.base, x.base + x.slots.len() as i64 - 1))
        };
        match (range(a), range(b)) {
            (Some((a0, a1)), Some((b0, b1))) => {
                (a1.max(b1) as i128 - a0.min(b0) as i128 + 1).min(usize::MAX as i128) as usize
            }
            (Some((x0, x1)), None) | (None, Some((x0, x1))) => (x1 - x0 + 1) as usize,
            (None, None) => 0,
        }
    }

    /// The span once `key` is included, without growing anything.
    fn span_with(&self, key: i64) -> usize {
        if self.slots.is_empty() {
            return 1;
        }
        let last = self.base + self.slots.len() as i64 - 1;
        (last.max(key) - self.base.min(key) + 1) as usize
    }

    #[inline]
    fn get_mut(&mut self, key: i64) -> &mut Bucket {
        if self.slots.is_empty() {
            self.base = key;
            self.slots.push(None);
        } else if key < self.base {
            let n = (self.base - key) as usize;
            self.slots
                .splice(0..0, std::iter::repeat_with(|| None).take(n));
            self.base = key;
        } else if key >= self.base + self.slots.len() as i64 {
            let n = (key - self.base) as usize + 1;
            self.slots.resize_with(n, || None);
        }
        self.slots[(key - self.base) as usize].get_or_insert_with(Bucket::new)
    }

    fn into_iter(self) -> impl Iterator<Item = (i64, Bucket)> {
        let base = self.base;
        self.slots
            .into_iter()
            .enumerate()
            .filter_map(move |(i, b)| b.map(|b| (base + i as i64, b)))
    }
}

/// Everything learnt from the raw samples of one run.
#[derive(Debug, Clone)]
pub struct SampleStats {
    index: HashMap<String, usize, FxBuild>,
    key: String,
    endpoints: Vec<EndpointAcc>,
    /// Most named endpoints kept; the rest go to `other`.
    cap: usize,
    /// Names kept apart while recording: `cap`, or more for a chunk (extras).
    keep: usize,
    /// Bytes of histogram counts the extras hold.
    extra_bytes: usize,
    /// The most bytes of histogram counts the extras may hold.
    extra_budget: usize,
    /// Index of the [`OTHER`] endpoint, once a name was folded.
    other: Option<usize>,
    /// Hashes of the (method, name) keys folded into `other`.
    folded: HashSet<u64, FxBuild>,
    /// More than [`MAX_FOLDED_COUNTED`] distinct names were folded.
    folded_overflow: bool,
    count: u64,
    width_ms: i64,
    /// The last bucket found: (width, first ms, past-the-end ms, key); a row
    /// usually falls in the same second as the one before.
    last_bucket: (i64, i64, i64, i64),
    buckets: Buckets,
    failure_index: HashMap<String, usize, FxBuild>,
    /// Failure groups with their lookup key (method, name, status, error).
    failures: Vec<(String, FailureGroup)>,
    first_start_ms: Option<f64>,
    last_end_ms: Option<f64>,
    /// Only requests starting in [from, to) Unix ms count (`exclude_ramp_up`).
    window: Option<(f64, f64)>,
    /// Requests left out by `window`.
    outside: u64,
}

impl Default for SampleStats {
    fn default() -> Self {
        SampleStats::with_cap(DEFAULT_MAX_ENDPOINTS)
    }
}

/// What [`SampleStats::finish`] hands to the run.
#[derive(Debug, Clone)]
pub struct Finished {
    /// Per endpoint, sorted by label.
    pub endpoints: Vec<EndpointStats>,
    /// The whole run.
    pub totals: EndpointStats,
    /// Time buckets, oldest first.
    pub series: Vec<SeriesPoint>,
    /// Failure groups in first-seen order.
    pub failures: Vec<FailureGroup>,
    /// First request start, Unix seconds.
    pub started_at_s: Option<f64>,
    /// First request start to last response end, seconds.
    pub duration_s: Option<f64>,
    /// Width of a time bucket, seconds.
    pub bucket_s: f64,
    /// Requests left out because they started outside the scored window.
    pub outside_window: u64,
    /// Distinct endpoint names folded into [`OTHER`], and whether there were
    /// more than that (more than [`MAX_FOLDED_COUNTED`]).
    pub folded: Option<(u64, bool)>,
}

impl SampleStats {
    /// An empty accumulator keeping [`DEFAULT_MAX_ENDPOINTS`] endpoints.
    pub fn new() -> Self {
        SampleStats::default()
    }

    /// An empty accumulator keeping at most `cap` named endpoints (at least 1).
    pub fn with_cap(cap: usize) -> Self {
        SampleStats {
            index: HashMap::default(),
            key: String::new(),
            endpoints: Vec::new(),
            cap: cap.max(1),
            keep: cap.max(1),
            extra_bytes: 0,
            extra_budget: CHUNK_EXTRA_BYTES,
            other: None,
            folded: HashSet::default(),
            folded_overflow: false,
            count: 0,
            width_ms: 1000,
            last_bucket: (0, 0, 0, 0),
            buckets: Buckets::default(),
            failure_index: HashMap::default(),
            failures: Vec::new(),
            first_start_ms: None,
            last_end_ms: None,
            window: None,
            outside: 0,
        }
    }

    /// This accumulator is for a chunk of a file read in parallel: it keeps
    /// the names past the cap apart too (see the module notes), so that
    /// merging the chunks folds in file order without reading the file again.
    pub fn for_chunk(mut self) -> Self {
        self.keep = self.cap.max(CHUNK_NAMES);
        self
    }

    /// The accumulator a run keeps: a chunk's extras folded by the cap.
    pub fn folded_to_cap(self) -> Self {
        if self.keep == self.cap {
            return self;
        }
        let mut run = SampleStats::with_cap(self.cap);
        run.window = self.window;
        run.merge(self);
        run
    }

    /// Number of samples recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    fn named(&self) -> usize {
        self.endpoints.len() - usize::from(self.other.is_some())
    }

    fn other_index(&mut self) -> usize {
        match self.other {
            Some(i) => i,
            None => {
                self.endpoints.push(EndpointAcc::new("", OTHER));
                let i = self.endpoints.len() - 1;
                self.other = Some(i);
                i
            }
        }
    }

    fn fold(&mut self, hash: u64) {
        if self.folded.len() < MAX_FOLDED_COUNTED {
            self.folded.insert(hash);
        } else if !self.folded.contains(&hash) {
            self.folded_overflow = true;
        }
    }

    /// The accumulator index of endpoint (`method`, `name`): a new one while
    /// fewer than the cap exist, else [`OTHER`]'s. Readers that see the same
    /// name again and again may keep the index and call [`SampleStats::record_at`].
    pub fn endpoint(&mut self, method: &str, name: &str) -> usize {
        self.key.clear();
        self.key.push_str(method);
        self.key.push('\u{0}');
        self.key.push_str(name);
        if let Some(i) = self.index.get(self.key.as_str()) {
            return *i;
        }
        if self.named() < self.keep {
            let mut e = EndpointAcc::new(method, name);
            e.extra = self.named() >= self.cap;
            self.endpoints.push(e);
            let i = self.endpoints.len() - 1;
            self.index.insert(self.key.clone(), i);
            return i;
        }
        let h = fx(self.key.as_bytes());
        self.fold(h);
        self.other_index()
    }

    /// This accumulator keeps exactly the endpoints `kept` (method, name), in
    /// that order, and folds every other name: for a chunk of a file whose
    /// kept endpoints are known.
    pub fn keeping_only(mut self, kept: &[(String, String)]) -> Self {
        for (m, n) in kept {
            self.endpoint(m, n);
        }
        self.cap = self.named();
        self.keep = self.cap;
        self
    }

    /// When chunks (in file order) folded names past the cap, the endpoints
    /// the whole file keeps, if merging would not give them all their
    /// requests (a later chunk folded a name an earlier one kept); else `None`.
    pub fn kept_in_file(chunks: &[&SampleStats]) -> Option<Vec<(String, String)>> {
        if chunks.len() < 2 || chunks.iter().all(|c| c.other.is_none()) {
            return None;
        }
        let cap = chunks[0].cap;
        let mut kept: Vec<(String, String)> = Vec::new();
        let mut seen: HashSet<u64, FxBuild> = HashSet::default();
        for c in chunks {
            for (i, e) in c.endpoints.iter().enumerate() {
                if kept.len() < cap && c.other != Some(i) && !e.gone {
                    let h = fx(format!("{}\u{0}{}", e.method, e.name).as_bytes());
                    if seen.insert(h) {
                        kept.push((e.method.clone(), e.name.clone()));
                    }
                }
            }
        }
        let conflict = chunks
            .iter()
            .any(|c| c.folded_overflow || c.folded.iter().any(|h| seen.contains(h)));
        conflict.then_some(kept)
    }

    /// True when index `i` (from [`SampleStats::endpoint`]) is the folded [`OTHER`].
    pub fn is_other(&self, i: usize) -> bool {
        self.other == Some(i)
    }

    /// Counts only requests that start in [from_ms, to_ms) (the steady state).
    pub fn within(mut self, from_ms: f64, to_ms: f64) -> Self {
        self.window = Some((from_ms, to_ms));
        self
    }

    /// Records one request.
    pub fn record(&mut self, s: &Sample<'_>) {
        let i = self.endpoint(s.method, s.name);
        self.record_at(i, s);
    }

    /// Records one request of endpoint `i` (from [`SampleStats::endpoint`],
    /// called for this sample's method and name at least once before).
    #[inline]
    pub fn record_at(&mut self, i: usize, s: &Sample<'_>) {
        if let (Some((from, to)), Some(t)) = (self.window, s.start_ms) {
            if t < from || t >= to {
                self.outside += 1;
                return;
            }
        }
        self.count += 1;
        if self.endpoints[i].extra {
            self.record_extra(i, s);
        } else {
            self.endpoints[i].record(s);
        }
        if !s.ok {
            self.record_failure(i, s);
        }
        if let Some(start) = s.start_ms {
            let end = start + s.latency_ms.unwrap_or(0.0);
            self.first_start_ms = Some(self.first_start_ms.map_or(start, |f| f.min(start)));
            self.last_end_ms = Some(self.last_end_ms.map_or(end, |l| l.max(end)));
            let span = self.buckets.span();
            let key = self.fitting_key(start);
            let b = self.buckets.get_mut(key);
            b.count += 1;
            if !s.ok {
                b.failures += 1;
            }
            if let Some(ms) = s.latency_ms {
                b.hist.record_ms(ms);
            }
            b.users = b.users.max(s.users);
            if self.buckets.span() != span {
                self.coarsen_if_needed();
            }
        }
    }

    /// Records a request of an extra (a chunk's name past the cap), giving
    /// the name up when the extras would pass their bounds.
    #[cold]
    fn record_extra(&mut self, i: usize, s: &Sample<'_>) {
        if self.endpoints[i].gone {
            let o = self.other_index();
            self.endpoints[o].record(s);
            return;
        }
        let e = &mut self.endpoints[i];
        let before = e.hist.heap_bytes();
        e.record(s);
        let after = e.hist.heap_bytes();
        self.extra_bytes = self.extra_bytes + after - before;
        if self.extra_bytes > self.extra_budget {
            self.extra_bytes -= after;
            self.give_up(i);
        }
    }

    /// Folds extra `i` into [`OTHER`] for good (its failure groups are
    /// moved when the chunks merge, as every folded name's are).
    fn give_up(&mut self, i: usize) {
        let (method, name) = (
            self.endpoints[i].method.clone(),
            self.endpoints[i].name.clone(),
        );
        let mut empty = EndpointAcc::new(&method, &name);
        empty.extra = true;
        empty.gone = true;
        let acc = std::mem::replace(&mut self.endpoints[i], empty);
        let o = self.other_index();
        self.endpoints[o].merge(&acc);
        self.fold(fx(format!("{method}\u{0}{name}").as_bytes()));
    }

    /// Notes the number of active users at a moment, for formats that record
    /// it apart from the requests (k6 `vus`, Gatling user start/end records).
    pub fn users_at(&mut self, t_ms: f64, users: u32) {
        let key = self.fitting_key(t_ms);
        let b = self.buckets.get_mut(key);
        b.users = b.users.max(Some(users));
        self.coarsen_if_needed();
    }

    /// The bucket key of `t_ms`, widening the buckets first when it lies so far
    /// from the others (a stray timestamp) that the series would pass the cap:
    /// memory stays bounded whatever the timestamps.
    #[inline]
    fn fitting_key(&mut self, t_ms: f64) -> i64 {
        let t = t_ms as i64;
        let (width, from, to, key) = self.last_bucket;
        if width == self.width_ms && from <= t && t < to {
            return key;
        }
        loop {
            let key = t.div_euclid(self.width_ms);
            if self.buckets.span_with(key) <= MAX_SERIES_POINTS {
                let from = key * self.width_ms;
                self.last_bucket = (self.width_ms, from, from.saturating_add(self.width_ms), key);
                return key;
            }
            self.coarsen();
        }
    }

    fn record_failure(&mut self, i: usize, s: &Sample<'_>) {
        let error = match (s.error, s.status) {
            (Some(e), _) if !e.is_empty() => e,
            (_, Some(_)) => "",
            _ => "failed (no message)",
        };
        let (method, name) = (&self.endpoints[i].method, &self.endpoints[i].name);
        self.key.clear();
        self.key.push_str(method);
        self.key.push('\u{0}');
        self.key.push_str(name);
        self.key.push('\u{0}');
        if let Some(c) = s.status {
            use std::fmt::Write;
            let _ = write!(self.key, "{c}");
        }
        self.key.push('\u{0}');
        self.key.push_str(error);
        match self.failure_index.get(self.key.as_str()) {
            Some(j) => self.failures[*j].1.occurrences += 1,
            None => {
                let text = if error.is_empty() {
                    format!("HTTP {}", s.status.unwrap_or(0))
                } else {
                    error.to_string()
                };
                let group = FailureGroup {
                    method: method.clone(),
                    name: name.clone(),
                    error: text,
                    status: s.status,
                    occurrences: 1,
                };
                self.failure_index
                    .insert(self.key.clone(), self.failures.len());
                self.failures.push((self.key.clone(), group));
            }
        }
    }

    fn coarsen_if_needed(&mut self) {
        while self.buckets.span() > MAX_SERIES_POINTS {
            self.coarsen();
        }
    }

    /// Doubles the bucket width, merging neighbours.
    fn coarsen(&mut self) {
        self.width_ms *= 2;
        let old = std::mem::take(&mut self.buckets);
        for (k, b) in old.into_iter() {
            self.buckets.get_mut(k.div_euclid(2)).merge(&b);
        }
    }

    /// Adds everything `other` recorded: `other` must be the chunk of the
    /// same file that comes right after everything recorded here, so that
    /// the endpoints kept under the cap are the first ones in file order.
    pub fn merge(&mut self, mut other: SampleStats) {
        self.outside += other.outside;
        for (j, e) in other.endpoints.iter().enumerate() {
            if e.gone {
                continue; // its requests are in `other`'s OTHER, its name in `folded`
            }
            let target = if other.other == Some(j) {
                self.other_index()
            } else {
                self.key.clear();
                self.key.push_str(&e.method);
                self.key.push('\u{0}');
                self.key.push_str(&e.name);
                match self.index.get(self.key.as_str()) {
                    Some(i) => *i,
                    None if self.named() < self.cap => {
                        self.endpoints.push(EndpointAcc::new(&e.method, &e.name));
                        let i = self.endpoints.len() - 1;
                        self.index.insert(self.key.clone(), i);
                        i
                    }
                    None => {
                        let h = fx(self.key.as_bytes());
                        self.fold(h);
                        self.other_index()
                    }
                }
            };
            self.endpoints[target].merge(e);
        }
        self.count += other.count;
        for h in other.folded.drain() {
            self.fold(h);
        }
        self.folded_overflow |= other.folded_overflow;
        for (key, mut f) in other.failures.drain(..) {
            // A name kept in its chunk may be past the cap of the whole file.
            let key = if f.name != OTHER || !f.method.is_empty() {
                self.key.clear();
                self.key.push_str(&f.method);
                self.key.push('\u{0}');
                self.key.push_str(&f.name);
                if self.index.contains_key(self.key.as_str()) {
                    key
                } else {
                    f.method = String::new();
                    f.name = OTHER.to_string();
                    let rest = key.splitn(3, '\u{0}').nth(2).unwrap_or_default();
                    format!("\u{0}{OTHER}\u{0}{rest}")
                }
            } else {
                key
            };
            match self.failure_index.get(&key) {
                Some(i) => self.failures[*i].1.occurrences += f.occurrences,
                None => {
                    self.failure_index.insert(key.clone(), self.failures.len());
                    self.failures.push((key, f));
                }
            }
        }
        while other.width_ms < self.width_ms {
            other.coarsen();
        }
        while self.width_ms < other.width_ms {
            self.coarsen();
        }
        // Two chunks can cover far-apart times (a wrong timestamp in one of
        // them): widen both until the buckets they cover together fit, before
        // any slot is made (a span of years in 1 s slots asked for 3.8 GB;
        // found by fuzzing the k6 reader).
        while Buckets::joint_span(&self.buckets, &other.buckets) > MAX_SERIES_POINTS {
            self.coarsen();
            other.coarsen();
        }
        for (k, b) in other.buckets.into_iter() {
            self.buckets.get_mut(k).merge(&b);
        }
        self.coarsen_if_needed();
        self.first_start_ms = match (self.first_start_ms, other.first_start_ms) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last_end_ms = match (self.last_end_ms, other.last_end_ms) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }

    /// Turns the accumulators into the run's figures.
    pub fn finish(self) -> Finished {
        let duration_s = match (self.first_start_ms, self.last_end_ms) {
            (Some(a), Some(b)) if b > a => Some((b - a) / 1000.0),
            _ => None,
        };
        let width_s = self.width_ms as f64 / 1000.0;
        let mut totals = EndpointAcc::new("", "Total");
        for e in &self.endpoints {
            totals.merge(e);
        }
        let mut endpoints: Vec<EndpointStats> = self
            .endpoints
            .into_iter()
            .filter(|e| e.count > 0) // named only by requests outside the window
            .map(|e| e.finish(duration_s))
            .collect();
        endpoints.sort_by(|a, b| {
            a.label()
                .cmp(&b.label())
                .then_with(|| a.method.cmp(&b.method))
        });
        let mut series = Vec::with_capacity(self.buckets.span());
        for (i, slot) in self.buckets.slots.iter().enumerate() {
            let k = self.buckets.base + i as i64;
            // Every bucket in the span, empty ones as zero traffic, so gaps show.
            let t_s = (k * self.width_ms) as f64 / 1000.0;
            match slot {
                Some(b) => series.push(SeriesPoint {
                    t_s,
                    users: b.users.map(u64::from),
                    rps: Some(b.count as f64 / width_s),
                    failures_per_s: Some(b.failures as f64 / width_s),
                    p50_ms: b.hist.percentile_ms(50.0),
                    p95_ms: b.hist.percentile_ms(95.0),
                    p99_ms: b.hist.percentile_ms(99.0),
                    total_requests: None,
                }),
                None => series.push(SeriesPoint {
                    t_s,
                    users: None,
                    rps: Some(0.0),
                    failures_per_s: Some(0.0),
                    ..SeriesPoint::default()
                }),
            }
        }
        let folded = self
            .other
            .map(|_| (self.folded.len() as u64, self.folded_overflow));
        Finished {
            endpoints,
            totals: totals.finish(duration_s),
            series,
            failures: self.failures.into_iter().map(|(_, f)| f).collect(),
            started_at_s: self.first_start_ms.map(|t| t / 1000.0),
            duration_s,
            bucket_s: width_s,
            outside_window: self.outside,
            folded,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::histogram::nearest_rank;

    fn sample(start_ms: f64, latency: f64, name: &'static str, ok: bool) -> Sample<'static> {
        Sample {
            start_ms: Some(start_ms),
            latency_ms: Some(latency),
            method: "GET",
            name,
            ok,
            status: Some(if ok { 200 } else { 500 }),
            ..Sample::default()
        }
    }

    #[test]
    fn merging_chunks_of_far_apart_times_keeps_the_series_small() {
        // Each chunk alone fits in 1 s buckets; together they span ~30 years
        // (a billion 1 s slots before the merge widened them first).
        let (mut a, mut b) = (SampleStats::new(), SampleStats::new());
        a.record(&sample(1_000_000_000_000.0, 5.0, "/a", true));
        b.record(&sample(1_000_000_000_000.0 + 1e12, 7.0, "/a", true));
        a.merge(b);
        let f = a.finish();
        assert!(f.series.len() <= MAX_SERIES_POINTS, "{}", f.series.len());
        assert_eq!(
            f.series
                .iter()
                .map(|p| p.rps.unwrap() * f.bucket_s)
                .sum::<f64>(),
            2.0
        );
        assert_eq!(f.totals.requests, 2);
    }

    #[test]
    fn the_mean_of_the_largest_latencies_read_does_not_wrap() {
        // 1e20 ms (the largest figure a reader accepts) is ~1e23 µs: two of
        // them wrapped a u64 sum (a panic in debug builds, a wrong mean in
        // release; found by the seeded mutations of the hey reader).
        let mut s = SampleStats::new();
        s.record(&sample(1_000_000.0, 1e20, "/a", true));
        s.record(&sample(1_000_001.0, 1e20, "/a", true));
        let f = s.finish();
        let avg = f.totals.latency.avg_ms.unwrap();
        let max = f.totals.latency.max_ms.unwrap();
        assert!(avg > 1e16 && avg <= max, "avg {avg}, max {max}");
    }

    #[test]
    fn counts_rates_and_percentiles_match_a_direct_computation() {
        let mut s = SampleStats::new();
        let mut lat = Vec::new();
        for i in 0..1000 {
            let l = 1.0 + (i % 97) as f64 * 3.3;
            lat.push(l);
            s.record(&sample(
                1_000_000.0 + i as f64 * 10.0,
                l,
                if i % 3 == 0 { "/a" } else { "/b" },
                i % 50 != 0,
            ));
        }
        let f = s.finish();
        assert_eq!(f.totals.requests, 1000);
        assert_eq!(f.totals.failures, 20);
        assert_eq!(f.endpoints.iter().map(|e| e.requests).sum::<u64>(), 1000);
        lat.sort_by(f64::total_cmp);
        let p95 = f.totals.latency.percentile(Percentile::P95).unwrap();
        let exact = nearest_rank(&lat, 95.0).unwrap();
        assert!((p95 - exact).abs() <= exact * 0.001, "{p95} vs {exact}");
        // 1000 requests from t=0 to t=9.99 s plus the last latency.
        let d = f.duration_s.unwrap();
        assert!((d - (9.99 + lat_at(999) / 1000.0)).abs() < 1e-9, "{d}");
        assert!((f.totals.throughput_rps.unwrap() - 1000.0 / d).abs() < 1e-9);
        assert_eq!(f.series.len(), 10, "1 s buckets");
        assert_eq!(f.series.iter().map(|p| p.rps.unwrap()).sum::<f64>(), 1000.0);
        // i % 50 == 0 fails: i = 0, 150, 300 … fall on /a (i % 3 == 0), the rest on /b.
        assert_eq!(f.failures.iter().map(|g| g.occurrences).sum::<u64>(), 20);
        assert_eq!(
            f.failures
                .iter()
                .find(|g| g.name == "/a")
                .unwrap()
                .occurrences,
            7
        );
        assert!(f
            .failures
            .iter()
            .all(|g| g.error == "HTTP 500" && g.status == Some(500)));
    }

    fn lat_at(i: usize) -> f64 {
        1.0 + (i % 97) as f64 * 3.3
    }

    #[test]
    fn long_runs_get_coarser_buckets_never_more_than_the_cap() {
        let mut s = SampleStats::new();
        for i in 0..5000 {
            s.record(&sample(i as f64 * 1000.0, 5.0, "/a", true)); // one per second for 5000 s
        }
        let f = s.finish();
        assert!(f.series.len() <= MAX_SERIES_POINTS, "{}", f.series.len());
        assert_eq!(f.bucket_s, 8.0);
        assert_eq!(
            f.series
                .iter()
                .map(|p| p.rps.unwrap() * f.bucket_s)
                .sum::<f64>(),
            5000.0
        );
    }

    #[test]
    fn a_stray_timestamp_widens_the_buckets_instead_of_allocating_them() {
        let mut s = SampleStats::new();
        s.record(&sample(1_795_432_343_000.0, 5.0, "/a", true));
        s.record(&sample(0.0, 5.0, "/a", true)); // 57 years earlier
        s.record(&sample(1_795_432_344_000.0, 5.0, "/a", true));
        let f = s.finish();
        assert!(f.series.len() <= MAX_SERIES_POINTS);
        assert_eq!(f.totals.requests, 3);
    }

    #[test]
    fn merged_chunks_equal_one_pass() {
        let all: Vec<Sample<'static>> = (0..3000)
            .map(|i| {
                sample(
                    i as f64 * 7.0,
                    (i % 211) as f64 * 0.7,
                    ["/a", "/b", "/c"][i % 3],
                    i % 13 != 0,
                )
            })
            .collect();
        let mut one = SampleStats::new();
        all.iter().for_each(|s| one.record(s));
        let (mut a, mut b) = (SampleStats::new(), SampleStats::new());
        all[..1700].iter().for_each(|s| a.record(s));
        all[1700..].iter().for_each(|s| b.record(s));
        a.merge(b);
        let (x, y) = (one.finish(), a.finish());
        assert_eq!(x.endpoints, y.endpoints);
        assert_eq!(x.totals, y.totals);
        assert_eq!(x.series, y.series);
        assert_eq!(x.failures, y.failures);
    }

    /// 2,000 requests over 200 names, each name met all through the file
    /// (names interleaved across chunks), with failures and varied latencies.
    fn many_names() -> Vec<Sample<'static>> {
        let names: Vec<&'static str> = (0..200)
            .map(|i| &*Box::leak(format!("/item/{i}").into_boxed_str()))
            .collect();
        (0..2000)
            .map(|i| {
                // A different order of first meetings in every chunk.
                let n = ((i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize % 200;
                sample(
                    i as f64 * 50.0,
                    ((i * 31) % 997) as f64 * 1.3,
                    names[n],
                    i % 17 != 0,
                )
            })
            .collect()
    }

    /// Reads `all` as chunks cut at `cuts` would be read (the first without
    /// extras, as `ingest::chunked` does; all with them when `first_too`).
    fn chunked_with(
        all: &[Sample<'static>],
        cuts: &[usize],
        cap: usize,
        first_too: bool,
    ) -> Vec<SampleStats> {
        let mut bounds = vec![0];
        bounds.extend_from_slice(cuts);
        bounds.push(all.len());
        bounds
            .windows(2)
            .map(|w| {
                let c = SampleStats::with_cap(cap);
                let mut c = if w[0] > 0 || first_too {
                    c.for_chunk()
                } else {
                    c
                };
                all[w[0]..w[1]].iter().for_each(|s| c.record(s));
                c
            })
            .collect()
    }

    fn chunked(all: &[Sample<'static>], cuts: &[usize], cap: usize) -> Vec<SampleStats> {
        chunked_with(all, cuts, cap, false)
    }

    fn merged(chunks: Vec<SampleStats>) -> Finished {
        let mut chunks = chunks.into_iter();
        let mut run = chunks.next().unwrap().folded_to_cap();
        chunks.for_each(|c| run.merge(c));
        run.finish()
    }

    fn assert_same(x: &Finished, y: &Finished) {
        assert_eq!(x.endpoints, y.endpoints);
        assert_eq!(x.totals, y.totals);
        assert_eq!(x.series, y.series);
        assert_eq!(x.failures, y.failures);
        assert_eq!(x.folded, y.folded);
    }

    #[test]
    fn chunks_with_more_names_than_the_cap_merge_to_one_pass_without_a_second_read() {
        let all = many_names();
        for cap in [1, 10, 150, 500] {
            let mut one = SampleStats::with_cap(cap);
            all.iter().for_each(|s| one.record(s));
            let one = one.finish();
            let chunks = chunked(&all, &[300, 900, 1500], cap);
            let refs: Vec<&SampleStats> = chunks.iter().collect();
            assert_eq!(
                SampleStats::kept_in_file(&refs),
                None,
                "cap {cap}: read once"
            );
            let x = merged(chunks);
            assert_same(&one, &x);
            // A first chunk with extras folds them when it becomes the run's.
            assert_same(
                &one,
                &merged(chunked_with(&all, &[300, 900, 1500], cap, true)),
            );
            assert_eq!(x.endpoints.len(), cap.min(200) + usize::from(cap < 200));
        }
        // Without extras the same chunks fold names the file keeps.
        let plain: Vec<SampleStats> = [0..300, 300..2000]
            .into_iter()
            .map(|r| {
                let mut c = SampleStats::with_cap(10);
                all[r].iter().for_each(|s| c.record(s));
                c
            })
            .collect();
        assert!(SampleStats::kept_in_file(&plain.iter().collect::<Vec<_>>()).is_some());
    }

    #[test]
    fn an_extra_given_up_goes_to_other_and_a_kept_one_asks_for_a_second_read() {
        // "/busy" comes after the cap's names in the second chunk with more
        // distinct response times than a compact histogram holds (it turns
        // dense): within the budget it stays apart; past it, it is given up.
        let busy = |from: f64| {
            (0..1200)
                .map(move |i| sample(from + i as f64, 1.0 + i as f64 * 0.013, "/busy", i % 5 != 0))
        };
        let named = |names: &[&'static str], at: f64| {
            names
                .iter()
                .map(move |n| sample(at, 1.0, n, true))
                .collect::<Vec<_>>()
        };
        let mut all = named(&["/a", "/b", "/c", "/d"], 0.0);
        all.extend(busy(10.0));
        all.push(sample(2000.0, 3.0, "/a", false));
        let mut one = SampleStats::with_cap(2);
        all.iter().for_each(|s| one.record(s));
        let chunks = chunked(&all, &[2], 2);
        assert!(chunks[1]
            .endpoints
            .iter()
            .any(|e| e.name == "/busy" && e.extra && !e.gone));
        assert_same(&one.clone().finish(), &merged(chunks));
        let mut chunks = chunked(&all, &[2], 2);
        chunks[1] = SampleStats::with_cap(2).for_chunk();
        chunks[1].extra_budget = 4096;
        all[2..].iter().for_each(|s| chunks[1].record(s));
        assert!(chunks[1]
            .endpoints
            .iter()
            .any(|e| e.name == "/busy" && e.gone));
        let refs: Vec<&SampleStats> = chunks.iter().collect();
        assert_eq!(SampleStats::kept_in_file(&refs), None);
        assert_same(&one.finish(), &merged(chunks));
        // When "/busy" came first in an earlier chunk the file keeps it: the
        // chunks are read again knowing the names kept.
        let mut all = named(&["/busy", "/a", "/b"], 0.0);
        all.extend(busy(10.0));
        all.push(sample(2000.0, 3.0, "/a", false));
        let mut one = SampleStats::with_cap(2);
        all.iter().for_each(|s| one.record(s));
        let chunks = chunked(&all, &[1], 2);
        let refs: Vec<&SampleStats> = chunks.iter().collect();
        assert_eq!(
            SampleStats::kept_in_file(&refs),
            None,
            "kept apart: read once"
        );
        assert_same(&one.clone().finish(), &merged(chunks));
        let mut chunks = chunked(&all, &[1], 2);
        chunks[1] = SampleStats::with_cap(2).for_chunk();
        chunks[1].extra_budget = 4096;
        all[1..].iter().for_each(|s| chunks[1].record(s));
        let kept =
            SampleStats::kept_in_file(&chunks.iter().collect::<Vec<_>>()).expect("a second read");
        let get = |n: &str| ("GET".to_string(), n.to_string());
        assert_eq!(kept, [get("/busy"), get("/a")]);
        let again: Vec<SampleStats> = [0..1, 1..all.len()]
            .into_iter()
            .map(|r| {
                let mut c = SampleStats::with_cap(2).keeping_only(&kept);
                all[r].iter().for_each(|s| c.record(s));
                c
            })
            .collect();
        assert_same(&one.finish(), &merged(again));
    }

    #[test]
    fn requests_without_a_response_time_count_but_do_not_skew_latency() {
        let mut s = SampleStats::new();
        s.record(&sample(0.0, 10.0, "/a", true));
        s.record(&Sample {
            start_ms: Some(5.0),
            latency_ms: None,
            method: "GET",
            name: "/a",
            ok: false,
            error: Some("connection refused"),
            ..Sample::default()
        });
        let f = s.finish();
        assert_eq!(f.totals.requests, 2);
        assert_eq!(f.totals.failures, 1);
        assert_eq!(f.totals.latency.avg_ms, Some(10.0));
        assert_eq!(f.failures[0].error, "connection refused");
    }
}
