//! [`RunBuilder`]: what readers feed. Pre-aggregated formats give endpoint
//! rows, history rows and failure groups; raw-sample formats give one
//! [`Sample`] per request, which streams into [`SampleStats`]. `build`
//! checks the pieces fit and returns the [`Run`].

use crate::error::InputError;
use crate::model::{
    EndpointStats, ExceptionGroup, FailureGroup, Percentile, ResourceClock, ResourceSeries, Run,
    RunMeta, Sample, SeriesPoint, SourceFile,
};
use crate::stats::samples::SampleStats;
use std::collections::BTreeMap;

/// Rows skipped with `--skip-bad-rows`: how many, and the first few reasons.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Skipped {
    /// Rows skipped.
    pub count: u64,
    /// The first errors, for the warning.
    pub examples: Vec<String>,
}

/// Collects what the readers of one run find, in any order.
#[derive(Debug, Default)]
pub struct RunBuilder {
    totals: Option<EndpointStats>,
    endpoints: Vec<EndpointStats>,
    series: Vec<SeriesPoint>,
    failures: Vec<FailureGroup>,
    exceptions: Vec<ExceptionGroup>,
    sources: Vec<SourceFile>,
    samples: Option<SampleStats>,
    /// Transaction rows (JMeter Transaction Controller samples), kept apart from requests.
    transactions: Option<SampleStats>,
    skipped: Skipped,
    notes: Vec<String>,
    tool: Option<String>,
    tool_version: Option<String>,
    duration_s: Option<f64>,
    started_at_s: Option<f64>,
    users: Option<u64>,
    partial: Option<String>,
    no_failure_data: bool,
    clock_backwards: u64,
    relative_times: bool,
    no_request_counts: bool,
    resources: Vec<ResourceSeries>,
    resource_rows: u64,
    failure_rows: u64,
    file_start: FileTally,
    file_examples: Vec<String>,
    /// Most endpoints of raw samples kept (`None`: the default).
    max_endpoints: Option<usize>,
    /// Only requests starting in this window (Unix ms) are scored.
    window_ms: Option<(f64, f64)>,
    /// The BLAKE3 digest of the file being read, when its reader computed it.
    checksum: Option<String>,
    /// The times are dates without a zone, read as if UTC.
    clock_zone_unknown: bool,
    /// What a summary reader carries from one shard of the run to the next.
    shard_state: ShardState,
}

/// A summary reader's own state between the shards of one run (see
/// [`super::Shards::Summaries`]): the reader knows its type.
#[derive(Default)]
struct ShardState(Option<Box<dyn std::any::Any + Send + Sync>>);

impl std::fmt::Debug for ShardState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "ShardState(..)"
        } else {
            "ShardState(None)"
        })
    }
}

/// What one file gave the run: records taken and malformed rows skipped
/// (for `perfreport inspect`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileTally {
    /// Records taken from the file: requests, endpoint rows, history rows,
    /// failure and exception rows, resource samples.
    pub rows: u64,
    /// Malformed rows skipped.
    pub skipped: u64,
    /// The first few skipped rows' errors.
    pub examples: Vec<String>,
}

impl RunBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        RunBuilder::default()
    }

    /// Names the tool that wrote the files (the first reader to say so wins).
    pub fn tool(&mut self, tool: &str, version: Option<String>) {
        self.tool.get_or_insert_with(|| tool.to_string());
        if version.is_some() {
            self.tool_version = version;
        }
    }

    /// Keeps at most `n` endpoints of raw samples; the others fold into
    /// `other` with an `endpoints-folded` warning. Call before recording.
    pub fn max_endpoints(&mut self, n: usize) {
        self.max_endpoints = Some(n);
    }

    /// A fresh accumulator with this run's endpoint cap (and scored window),
    /// for a chunk read apart.
    pub fn new_samples(&self) -> SampleStats {
        let s = SampleStats::with_cap(
            self.max_endpoints
                .unwrap_or(crate::stats::samples::DEFAULT_MAX_ENDPOINTS),
        );
        match self.window_ms {
            Some((from, to)) => s.within(from, to),
            None => s,
        }
    }

    /// Scores only requests that start in [from_ms, to_ms) (`exclude_ramp_up`).
    /// Call before recording.
    pub fn window(&mut self, from_ms: f64, to_ms: f64) {
        self.window_ms = Some((from_ms, to_ms));
    }

    fn samples(&mut self) -> &mut SampleStats {
        if self.samples.is_none() {
            self.samples = Some(self.new_samples());
        }
        self.samples.as_mut().expect("just set")
    }

    /// Records one request of a raw-sample format.
    pub fn record(&mut self, sample: &Sample<'_>) {
        self.samples().record(sample);
    }

    /// The index of the endpoint `method name`, for [`RunBuilder::record_at`]:
    /// a reader that knows its names by a key of its own looks each up once.
    pub fn endpoint_index(&mut self, method: &str, name: &str) -> usize {
        self.samples().endpoint(method, name)
    }

    /// Records one request of endpoint `i` (from [`RunBuilder::endpoint_index`]);
    /// the sample's method and name are not read.
    pub fn record_at(&mut self, i: usize, sample: &Sample<'_>) {
        self.samples().record_at(i, sample);
    }

    /// Notes active users at a moment (Unix ms), for formats that record them apart.
    pub fn users_at(&mut self, t_ms: f64, users: u32) {
        self.samples().users_at(t_ms, users);
    }

    /// Adds statistics gathered elsewhere (a chunk read on another thread).
    pub fn merge_samples(&mut self, stats: SampleStats) {
        match &mut self.samples {
            Some(s) => s.merge(stats),
            None => self.samples = Some(stats.folded_to_cap()),
        }
    }

    /// Records one transaction (a group of requests timed as one, such as a
    /// JMeter Transaction Controller row): reported in a table of its own and
    /// not counted as a request, unless the input holds no requests at all.
    pub fn transaction(&mut self, sample: &Sample<'_>) {
        if self.transactions.is_none() {
            self.transactions = Some(self.new_samples());
        }
        self.transactions.as_mut().expect("just set").record(sample);
    }

    /// Adds transactions gathered elsewhere (a chunk read on another thread).
    pub fn merge_transactions(&mut self, stats: SampleStats) {
        if stats.count() == 0 {
            return;
        }
        match &mut self.transactions {
            Some(s) => s.merge(stats),
            None => self.transactions = Some(stats.folded_to_cap()),
        }
    }

    /// The input's times are dates written without a time zone, and none was
    /// given: they are read as if UTC and shown as written.
    pub fn clock_zone_unknown(&mut self) {
        self.clock_zone_unknown = true;
    }

    /// The state a summary reader left after the previous shard of this run
    /// (`None` for the first shard, or when it was of another type).
    pub fn take_shard_state<T: 'static>(&mut self) -> Option<T> {
        self.shard_state.0.take()?.downcast::<T>().ok().map(|b| *b)
    }

    /// Keeps `state` for the next shard of this run (see [`RunBuilder::take_shard_state`]).
    pub fn keep_shard_state<T: std::any::Any + Send + Sync>(&mut self, state: T) {
        self.shard_state.0 = Some(Box::new(state));
    }

    /// Forgets the endpoints, totals, time series, duration and start given
    /// so far: a summary reader gives them again with the next shard merged in.
    pub fn clear_summary(&mut self) {
        self.endpoints.clear();
        self.totals = None;
        self.series.clear();
        self.clock_backwards = 0;
        self.duration_s = None;
        self.started_at_s = None;
    }

    /// Adds an endpoint's pre-aggregated figures.
    pub fn endpoint(&mut self, stats: EndpointStats) {
        self.endpoints.push(stats);
    }

    /// Sets the whole-run figures (the tool's aggregated row).
    pub fn totals(&mut self, stats: EndpointStats) {
        self.totals = Some(stats);
    }

    /// Sets the run's duration when a pre-aggregated format states it.
    pub fn duration(&mut self, seconds: f64) {
        self.duration_s = Some(seconds);
    }

    /// Sets the run's start (Unix seconds) when a pre-aggregated format states it.
    pub fn started_at(&mut self, unix_s: f64) {
        self.started_at_s = Some(unix_s);
    }

    /// The samples' `start_ms` count from the run's start, not from the Unix
    /// epoch (hey's `offset`): durations and the time series hold, but the run
    /// has no wall-clock start, so `started_at` stays unset.
    pub fn relative_times(&mut self) {
        self.relative_times = true;
    }

    /// Sets the peak user count when a pre-aggregated format states it.
    pub fn users(&mut self, users: u64) {
        self.users = Some(users);
    }

    /// Adds percentiles to an endpoint already given (Locust 0.x keeps them in
    /// a separate `*_distribution.csv`). `label` is the endpoint label or name,
    /// or `None` for the totals. Returns false when no such endpoint exists.
    pub fn percentiles(&mut self, label: Option<&str>, pcts: BTreeMap<Percentile, f64>) -> bool {
        let target = match label {
            None => self.totals.as_mut(),
            Some(l) => self
                .endpoints
                .iter_mut()
                .find(|e| e.label() == l || e.name == l),
        };
        match target {
            Some(e) => {
                e.latency.percentiles.extend(pcts);
                true
            }
            None => false,
        }
    }

    /// Adds one moment of the run's history (in file order: a timestamp
    /// earlier than the previous row's is counted for the `clock` check).
    pub fn series(&mut self, point: SeriesPoint) {
        if self.series.last().is_some_and(|p| point.t_s < p.t_s) {
            self.clock_backwards += 1;
        }
        self.series.push(point);
    }

    /// The input itself shows the run stopped early (`reason` says how).
    pub fn partial(&mut self, reason: impl Into<String>) {
        self.partial = Some(reason.into());
    }

    /// The input does not say how many requests were made (ab `-e`).
    pub fn no_request_counts(&mut self) {
        self.no_request_counts = true;
    }

    /// The input cannot tell failed requests apart: error-rate rules become INCONCLUSIVE.
    pub fn no_failure_data(&mut self) {
        self.no_failure_data = true;
    }

    /// Adds a group of failures; repeats of the same (method, name, error) add up.
    pub fn failure(&mut self, group: FailureGroup) {
        self.failure_rows += 1;
        match self
            .failures
            .iter_mut()
            .find(|f| f.method == group.method && f.name == group.name && f.error == group.error)
        {
            Some(f) => f.occurrences += group.occurrences,
            None => self.failures.push(group),
        }
    }

    /// Adds a group of test-code exceptions.
    pub fn exception(&mut self, group: ExceptionGroup) {
        self.exceptions.push(group);
    }

    /// Records a file that belongs to the run (read or skipped).
    pub fn source(&mut self, source: SourceFile) {
        self.sources.push(source);
    }

    /// A note the reader wants in the report (e.g. "wrk reports no per-endpoint figures").
    pub fn note(&mut self, text: impl Into<String>) {
        self.notes.push(text.into());
    }

    /// A malformed row: with `skip` it is counted for the `bad-rows-skipped`
    /// warning and reading goes on; without, it is the error that stops the build.
    pub fn bad_row(&mut self, error: InputError, skip: bool) -> Result<(), InputError> {
        if !skip {
            return Err(error);
        }
        self.skipped.count += 1;
        if self.skipped.examples.len() < 3 {
            self.skipped.examples.push(error.to_string());
        }
        if self.file_examples.len() < 3 {
            self.file_examples.push(error.to_string());
        }
        Ok(())
    }

    /// Adds a resource metric sampled during the run (see [`ResourceSeries`]).
    /// Series without points are dropped.
    pub fn resource(&mut self, series: ResourceSeries) {
        if !series.points.is_empty() {
            self.resources.push(series);
        }
    }

    /// Records taken so far, over every file (cheap: counts, no hot-path counter).
    fn taken(&self) -> u64 {
        self.samples.as_ref().map_or(0, SampleStats::count)
            + self.transactions.as_ref().map_or(0, SampleStats::count)
            + self.endpoints.len() as u64
            + u64::from(self.totals.is_some())
            + self.series.len() as u64
            + self.failure_rows
            + self.exceptions.len() as u64
            + self.resource_rows
    }

    /// Counts rows a resource reader took (for `inspect`; its samples feed no other call).
    pub fn resource_rows(&mut self, n: u64) {
        self.resource_rows += n;
    }

    /// The digest of the file being read, computed while reading it.
    pub fn checksum(&mut self, hex: String) {
        self.checksum = Some(hex);
    }

    /// Takes what [`RunBuilder::checksum`] was given for this file.
    pub fn take_checksum(&mut self) -> Option<String> {
        self.checksum.take()
    }

    /// Marks the start of a new file, for [`RunBuilder::file_tally`].
    pub fn start_file(&mut self) {
        self.file_start = FileTally {
            rows: self.taken(),
            skipped: self.skipped.count,
            examples: Vec::new(),
        };
        self.file_examples.clear();
    }

    /// What the file read since [`RunBuilder::start_file`] gave.
    pub fn file_tally(&self) -> FileTally {
        FileTally {
            rows: self.taken().saturating_sub(self.file_start.rows),
            skipped: self.skipped.count - self.file_start.skipped,
            examples: self.file_examples.clone(),
        }
    }

    /// Rows skipped while reading chunks apart: `count` of them, the first `examples`.
    pub fn skipped_rows(&mut self, count: u64, examples: Vec<String>) {
        self.skipped.count += count;
        for e in examples {
            if self.file_examples.len() < 3 {
                self.file_examples.push(e.clone());
            }
            if self.skipped.examples.len() < 3 {
                self.skipped.examples.push(e);
            }
        }
    }

    /// True once a reader has given the run's figures.
    pub fn has_figures(&self) -> bool {
        self.totals.is_some()
            || !self.endpoints.is_empty()
            || self.samples.as_ref().is_some_and(|s| s.count() > 0)
    }

    /// Finishes the run. `meta` brings what `run.toml` says; the builder adds
    /// what the data says (tool, users, start and duration).
    pub fn build(mut self, mut meta: RunMeta) -> Result<Run, String> {
        let mut transactions = self.transactions.take().filter(|t| t.count() > 0);
        let no_requests = self.samples.as_ref().is_none_or(|s| s.count() == 0)
            && self.totals.is_none()
            && self.endpoints.is_empty();
        if no_requests && transactions.is_some() {
            // Only transaction rows (their children were not saved): they are
            // what was measured, so they count as the requests.
            self.samples = transactions.take();
            meta.transactions_as_requests = true;
            self.notes.push(
                "The input holds transaction rows only (no request rows: the transactions' \
                 children were not saved), so each transaction counts as one request."
                    .to_string(),
            );
        }
        let mut transaction_rows = Vec::new();
        if let Some(samples) = self.samples.take().filter(|s| s.count() > 0) {
            if self.totals.is_some() || !self.endpoints.is_empty() {
                return Err("the run mixes per-request files with aggregated ones; give each its own directory or prefix".to_string());
            }
            let f = samples.finish();
            let files: Vec<String> = self
                .sources
                .iter()
                .filter(|s| s.read && !self.resources.iter().any(|r| r.source == s.path))
                .map(|s| s.path.clone())
                .collect();
            let files = files_named(&files);
            let origin = |n: u64| format!("computed from {n} requests in {files}");
            let mut totals = f.totals;
            totals.source = Some(origin(totals.requests));
            self.totals = Some(totals);
            self.endpoints = f
                .endpoints
                .into_iter()
                .map(|mut e| {
                    e.source = Some(origin(e.requests));
                    e
                })
                .collect();
            self.series = f.series;
            for g in f.failures {
                self.failure(g);
            }
            self.started_at_s = self.started_at_s.or(f.started_at_s);
            self.duration_s = self.duration_s.or(f.duration_s);
            meta.series_bucket_s = Some(f.bucket_s);
            if let Some((from, to)) = self.window_ms {
                meta.scored_window_s = Some((from / 1000.0, to / 1000.0));
                meta.outside_window = f.outside_window;
            }
            meta.endpoints_folded = f.folded;
            if let Some(t) = transactions.take() {
                let duration_s = self.duration_s;
                transaction_rows = t
                    .finish()
                    .endpoints
                    .into_iter()
                    .map(|mut e| {
                        e.source = Some(format!(
                            "computed from {} transaction rows in {}",
                            e.requests, files
                        ));
                        // Per second of the run, as the requests are.
                        e.throughput_rps = duration_s
                            .filter(|d| *d > 0.0)
                            .map(|d| e.requests as f64 / d);
                        e.failures_per_s = duration_s
                            .filter(|d| *d > 0.0)
                            .map(|d| e.failures as f64 / d);
                        e
                    })
                    .collect();
            }
        }
        if !self.has_figures() {
            return Err("no request figures: a file with requests or per-endpoint statistics is needed \
                 (for Locust, `*_stats.csv`); history, failures and exceptions files alone do not hold them"
                .to_string());
        }
        // Summary formats hold each figure once per file: that file is the source.
        let whole: Vec<String> = self
            .sources
            .iter()
            .filter(|s| s.read && !self.resources.iter().any(|r| r.source == s.path))
            .map(|s| super::whole_file(std::path::Path::new(&s.path)))
            .collect();
        for e in self.endpoints.iter_mut().chain(self.totals.iter_mut()) {
            if e.source.is_none() && !whole.is_empty() {
                e.source = Some(whole.join(", "));
            }
        }
        let totals = match self.totals.take() {
            Some(t) => t,
            None => {
                let files: Vec<&str> = self
                    .sources
                    .iter()
                    .filter(|s| s.read && !self.resources.iter().any(|r| r.source == s.path))
                    .map(|s| s.path.as_str())
                    .collect();
                return Err(format!(
                    "{} has no `Aggregated` (or `Total`) row",
                    if files.is_empty() {
                        "the stats file".to_string()
                    } else {
                        files.join(", ")
                    }
                ));
            }
        };
        self.series.sort_by(|a, b| a.t_s.total_cmp(&b.t_s));
        meta.tool = self.tool.unwrap_or_else(|| "unknown".to_string());
        meta.tool_version = self.tool_version;
        meta.users_recorded = self
            .series
            .iter()
            .filter_map(|p| p.users)
            .max()
            .or(self.users);
        meta.started_at_s = self.started_at_s.or(self.series.first().map(|p| p.t_s));
        if self.relative_times {
            meta.started_at_s = None;
        }
        if let Some(d) = self.duration_s {
            meta.duration_s = Some(d);
            meta.duration_source = Some("the input".to_string());
        } else if let (Some(first), Some(last)) = (self.series.first(), self.series.last()) {
            // Locust goes on writing history rows while it shuts down: the run
            // ends at the first row where its running request total stops growing.
            let final_total = self.series.iter().filter_map(|p| p.total_requests).max();
            let end = match final_total {
                Some(n) => self
                    .series
                    .iter()
                    .find(|p| p.total_requests == Some(n))
                    .map_or(last.t_s, |p| p.t_s),
                None => last.t_s,
            };
            if end > first.t_s {
                meta.duration_s = Some(end - first.t_s);
                meta.duration_source = Some(if end < last.t_s {
                    "first history row to the last request".to_string()
                } else {
                    "first to last history row".to_string()
                });
            }
        }
        if meta.duration_s.is_none() {
            if let Some(rps) = totals.throughput_rps.filter(|r| *r > 0.0) {
                meta.duration_s = Some(totals.requests as f64 / rps);
                meta.duration_source = Some("requests ÷ requests/s".to_string());
            }
        }
        meta.skipped_rows = self.skipped.count;
        meta.skipped_examples = self.skipped.examples;
        meta.reader_notes = self.notes;
        meta.partial_reason = self.partial;
        meta.no_failure_data = self.no_failure_data;
        meta.no_request_counts = self.no_request_counts;
        meta.clock_backwards = self.clock_backwards;
        meta.clock_zone_unknown = self.clock_zone_unknown;
        let resources = place_resources(
            self.resources,
            meta.started_at_s,
            meta.duration_s,
            &mut meta.reader_notes,
        );
        self.sources.sort();
        Ok(Run {
            meta,
            totals,
            endpoints: self.endpoints,
            transactions: transaction_rows,
            series: self.series,
            failures: self.failures,
            exceptions: self.exceptions,
            sources: self.sources,
            resources,
        })
    }
}

/// Puts time-of-day resource samples on the run's date (or makes them
/// relative when the run has none), and keeps metric names distinct when two
/// files name the same metric.
/// The files a figure was computed from, for its source line: all of them
/// when there are a few; else how many, the first and the last (shards of
/// one run can be thousands; the sources list has every one).
fn files_named(files: &[String]) -> String {
    match files {
        [first, .., last] if files.len() > 3 => format!(
            "{} files ({first} … {last}; each is listed in the sources)",
            files.len()
        ),
        _ => files.join(", "),
    }
}

fn place_resources(
    mut resources: Vec<ResourceSeries>,
    started_at_s: Option<f64>,
    duration_s: Option<f64>,
    notes: &mut Vec<String>,
) -> Vec<ResourceSeries> {
    let mut noted: Vec<String> = Vec::new();
    for r in resources.iter_mut() {
        if r.clock != ResourceClock::TimeOfDay {
            continue;
        }
        let file = std::path::Path::new(&r.source)
            .file_name()
            .map_or_else(|| r.source.clone(), |n| n.to_string_lossy().into_owned());
        let first = r.points.first().map_or(0.0, |p| p.0);
        let shift = match started_at_s {
            Some(start) => {
                // The run's UTC day, or the day before or after, whichever
                // puts the first sample nearest the run's start.
                let day0 = (start / 86_400.0).floor() * 86_400.0;
                let best = [-86_400.0, 0.0, 86_400.0]
                    .into_iter()
                    .map(|d| day0 + d)
                    .min_by(|a, b| {
                        (a + first - start)
                            .abs()
                            .total_cmp(&(b + first - start).abs())
                    })
                    .unwrap_or(day0);
                r.clock = ResourceClock::Unix;
                if !noted.contains(&r.source) {
                    notes.push(format!(
                        "{file}: its times of day (HH:MM:SS, no date or time zone) were placed on the run's date, read as UTC; if the monitor's clock was in another time zone, the resource chart is shifted by that offset."
                    ));
                }
                best
            }
            None => {
                r.clock = ResourceClock::Relative;
                if !noted.contains(&r.source) {
                    notes.push(format!(
                        "{file}: its times of day (HH:MM:SS, no date) cannot be placed on this run, which has no date: they are kept as seconds since the file's first sample."
                    ));
                }
                -first
            }
        };
        if !noted.contains(&r.source) {
            noted.push(r.source.clone());
        }
        for p in r.points.iter_mut() {
            p.0 += shift;
        }
    }
    // Samples taken at another time than the run's are not its resources: say so.
    if let Some(start) = started_at_s {
        let end = start + duration_s.unwrap_or(0.0);
        let mut warned: Vec<&str> = Vec::new();
        for r in resources.iter().filter(|r| r.clock == ResourceClock::Unix) {
            let (lo, hi) = r
                .points
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
                    (a.min(p.0), b.max(p.0))
                });
            if (hi < start - 60.0 || lo > end + 60.0) && !warned.contains(&r.source.as_str()) {
                warned.push(&r.source);
                let when = |t: f64| {
                    chrono::DateTime::from_timestamp(t.floor() as i64, 0).map_or_else(
                        || format!("{t}"),
                        |d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                    )
                };
                notes.push(format!(
                    "{}: its samples ({} to {}) were not taken during the run ({} to {}); its resource figures do not describe this run.",
                    std::path::Path::new(&r.source)
                        .file_name()
                        .map_or_else(|| r.source.clone(), |n| n.to_string_lossy().into_owned()),
                    when(lo),
                    when(hi),
                    when(start),
                    when(end)
                ));
            }
        }
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for r in resources.iter() {
        *seen.entry(r.metric.clone()).or_default() += 1;
    }
    for r in resources.iter_mut() {
        if seen[&r.metric] > 1 {
            let file = std::path::Path::new(&r.source)
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            r.metric = format!("{file}:{}", r.metric);
        }
    }
    resources
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EndpointStats, RunMeta, SourceFile};

    #[test]
    fn a_stats_file_without_totals_is_named_in_the_error() {
        let mut b = RunBuilder::new();
        b.source(SourceFile {
            path: "results/peak_stats.csv".into(),
            role: "Locust stats".into(),
            read: true,
            blake3: None,
        });
        b.endpoint(EndpointStats {
            name: "/a".into(),
            requests: 1,
            ..EndpointStats::default()
        });
        let e = b.build(RunMeta::default()).unwrap_err();
        assert_eq!(
            e,
            "results/peak_stats.csv has no `Aggregated` (or `Total`) row"
        );
    }
}
