//! The common model every reader fills: one [`Run`] per test execution.
//!
//! Plain data, no I/O, no derived figures. Units are in the field names
//! (`_ms`, `_s`, `_rps`). A figure the input does not hold is `None`, never 0.

use crate::stats::histogram::LatencyHistogram;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// One test execution, as read from its result files.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// Who ran it, how, and whether it was measured at all.
    pub meta: RunMeta,
    /// The whole run (Locust's `Aggregated` / `Total` row).
    pub totals: EndpointStats,
    /// One entry per endpoint, in the order the input lists them.
    pub endpoints: Vec<EndpointStats>,
    /// Transactions (JMeter Transaction Controller rows): groups of requests
    /// timed as one, never counted in `totals` or `endpoints`. Empty when the
    /// input has none, or when they were the only rows (then they are the
    /// requests and `meta.transactions_as_requests` says so).
    pub transactions: Vec<EndpointStats>,
    /// Figures over time, oldest first; empty when the input has no history.
    pub series: Vec<SeriesPoint>,
    /// Failed requests grouped by endpoint and error.
    pub failures: Vec<FailureGroup>,
    /// Errors raised by the test code itself (Locust `*_exceptions.csv`).
    pub exceptions: Vec<ExceptionGroup>,
    /// The files this run was read from, and the ones found beside them but not read.
    pub sources: Vec<SourceFile>,
    /// Resource samples taken during the run (CPU, memory, …), one series per metric.
    pub resources: Vec<ResourceSeries>,
}

/// The unit of a resource metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum ResourceUnit {
    /// Percent (`cpu` 85.0 means 85 %; CPU may exceed 100 on several cores).
    Percent,
    /// Bytes.
    Bytes,
    /// A plain number (processes, connections in use).
    #[default]
    Count,
}

impl ResourceUnit {
    /// `%`, `B`, `` (JSON and tables).
    pub fn code(self) -> &'static str {
        match self {
            ResourceUnit::Percent => "%",
            ResourceUnit::Bytes => "B",
            ResourceUnit::Count => "",
        }
    }
}

/// One resource metric sampled during the run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResourceSeries {
    /// Normalised name: `cpu` (CPU %), `mem` (memory %), `rss`/`mem_used`
    /// (bytes), …, prefixed with the container or host (`api:cpu`) when the
    /// file holds several.
    pub metric: String,
    /// Unit of the values.
    pub unit: ResourceUnit,
    /// (time, value) in file order. Time is Unix seconds, or seconds since the
    /// file's first sample when `clock` says so.
    pub points: Vec<(f64, f64)>,
    /// How the times are to be read.
    pub clock: ResourceClock,
    /// The file the samples come from.
    pub source: String,
}

/// What the times of a [`ResourceSeries`] count from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResourceClock {
    /// Unix seconds.
    #[default]
    Unix,
    /// Seconds since midnight of an unknown day (`HH:MM:SS` without a date);
    /// the builder places them on the run's date, or makes them relative.
    TimeOfDay,
    /// Seconds since the file's first sample: not placed on the run's clock.
    Relative,
}

/// What is known about a run besides its measurements (mostly from `run.toml`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunMeta {
    /// Display name: `run.toml` `name`, else the directory or file prefix.
    pub name: String,
    /// Key for matching a baseline (`run.toml` `scenario`).
    pub scenario: Option<String>,
    /// The tool that wrote the files (`locust`).
    pub tool: String,
    /// Tool version when the files say it.
    pub tool_version: Option<String>,
    /// Peak concurrent users recorded in the data.
    pub users_recorded: Option<u64>,
    /// Users the test was planned for (`run.toml` `users`).
    pub users_planned: Option<u64>,
    /// Users started per second (`run.toml` `spawn_rate`).
    pub spawn_rate: Option<f64>,
    /// Think time as written in `run.toml` (`"1s..5s"`).
    pub think_time: Option<String>,
    /// Where the test ran (`run.toml` `environment`).
    pub environment: Option<String>,
    /// The figures were not measured (`run.toml` `simulated` or `--simulated`).
    pub simulated: bool,
    /// Why the run is simulated, when given.
    pub simulated_reason: Option<String>,
    /// Markdown notes to render into the reports.
    pub notes_markdown: Option<String>,
    /// Start of the recorded data, Unix seconds (UTC).
    pub started_at_s: Option<f64>,
    /// Recorded duration in seconds.
    pub duration_s: Option<f64>,
    /// How `duration_s` was obtained.
    pub duration_source: Option<String>,
    /// Width of a time-series bucket in seconds, for raw-sample runs.
    pub series_bucket_s: Option<f64>,
    /// Malformed rows skipped with `--skip-bad-rows`.
    pub skipped_rows: u64,
    /// The first few of those rows' errors.
    pub skipped_examples: Vec<String>,
    /// What the reader wants a reader of the report to know about the input.
    pub reader_notes: Vec<String>,
    /// Planned duration in seconds (`run.toml` `duration`).
    pub duration_planned_s: Option<f64>,
    /// Why the input itself shows the run stopped early (e.g. a Gatling log without its end).
    pub partial_reason: Option<String>,
    /// The input cannot tell failed requests apart (ab `-g`).
    pub no_failure_data: bool,
    /// The input does not say how many requests were made (ab `-e`): counts are not figures.
    pub no_request_counts: bool,
    /// History rows whose timestamps went backwards, in file order.
    pub clock_backwards: u64,
    /// The steady-state window that was scored (Unix seconds), with `exclude_ramp_up`.
    pub scored_window_s: Option<(f64, f64)>,
    /// Requests left out because they started outside `scored_window_s`.
    pub outside_window: u64,
    /// Identifies the files this run was read from, for a second reading.
    pub group_id: String,
    /// Raw-sample endpoint names past the cap folded into `other`: how many
    /// distinct names, and whether there were more than could be counted.
    pub endpoints_folded: Option<(u64, bool)>,
    /// The input held transaction rows and no request rows: the transactions
    /// were counted as the requests.
    pub transactions_as_requests: bool,
    /// The zone of dates written without one (run.toml `timezone`).
    pub timezone: Option<chrono::FixedOffset>,
    /// The input's times are dates without a time zone and none was given:
    /// they are shown as written, read as if UTC.
    pub clock_zone_unknown: bool,
    /// Files of this run that give other figures than the ones read, and what they said.
    pub inputs_disagree: Vec<String>,
    /// The run was read from this many shards (per-request files of several
    /// load generators, histograms merged), and why they were taken as one run.
    pub shards: Option<(usize, String)>,
}

/// Figures for one endpoint, or for the whole run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EndpointStats {
    /// HTTP method or request type (`GET`, `grpc`); empty for the totals row.
    pub method: String,
    /// Endpoint name as the tool reports it.
    pub name: String,
    /// Requests made.
    pub requests: u64,
    /// Requests that failed (expected or not).
    pub failures: u64,
    /// Requests per second over the run, as the tool computed it.
    pub throughput_rps: Option<f64>,
    /// Failures per second over the run, as the tool computed it.
    pub failures_per_s: Option<f64>,
    /// Response-time figures.
    pub latency: LatencyStats,
    /// Mean response body size in bytes.
    pub avg_content_bytes: Option<f64>,
    /// Where these figures come from (`peak_stats.csv, line 5`), for footnotes.
    pub source: Option<String>,
}

impl EndpointStats {
    /// `METHOD NAME`, without repeating the method when the name already starts with it
    /// (Locust runs often name requests `GET /path`).
    pub fn label(&self) -> String {
        endpoint_label(&self.method, &self.name)
    }
}

/// `METHOD NAME` for display, see [`EndpointStats::label`].
pub fn endpoint_label(method: &str, name: &str) -> String {
    let m = method.trim();
    if m.is_empty() || m.eq_ignore_ascii_case("none") {
        return name.to_string();
    }
    match name.strip_prefix(m) {
        Some(rest) if rest.starts_with(' ') => name.to_string(),
        _ => format!("{m} {name}"),
    }
}

/// Response-time figures in milliseconds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LatencyStats {
    /// Fastest response, ms.
    pub min_ms: Option<f64>,
    /// Mean response time, ms.
    pub avg_ms: Option<f64>,
    /// Slowest response, ms.
    pub max_ms: Option<f64>,
    /// Percentiles the input holds, ms, keyed by percentile.
    pub percentiles: BTreeMap<Percentile, f64>,
    /// How exact the figures are.
    pub precision: Precision,
    /// For raw-sample inputs: every response time, so any percentile can be asked for.
    pub histogram: Option<Arc<LatencyHistogram>>,
}

impl LatencyStats {
    /// The given percentile, if the input holds it (raw samples hold them all).
    pub fn percentile(&self, p: Percentile) -> Option<f64> {
        match &self.histogram {
            // A histogram bucket can reach past the exact maximum: never report more.
            Some(h) => h
                .percentile_ms(p.percent())
                .map(|v| self.max_ms.map_or(v, |m| v.min(m))),
            None => self.percentiles.get(&p).copied(),
        }
    }
}

/// How a statistic was obtained; the reports print it beside the figures.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Precision {
    /// Computed from every sample.
    Exact,
    /// From an HDR histogram with this many significant digits.
    Histogram {
        /// Significant decimal digits kept by the histogram.
        significant_digits: u8,
    },
    /// Copied from the tool's own report, as it computed them.
    #[default]
    Tool,
}

impl Precision {
    /// A stable short name for JSON (`exact`, `histogram`, `tool`).
    pub fn code(&self) -> &'static str {
        match self {
            Precision::Exact => "exact",
            Precision::Histogram { .. } => "histogram",
            Precision::Tool => "tool",
        }
    }
}

/// A percentile such as p95 or p99.9, stored in thousandths of a percent so it
/// can be a map key and compares exactly (`p99.9` = 99 900).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Percentile(u32);

impl Percentile {
    /// The median.
    pub const P50: Percentile = Percentile(50_000);
    /// The 90th percentile.
    pub const P90: Percentile = Percentile(90_000);
    /// The 95th percentile.
    pub const P95: Percentile = Percentile(95_000);
    /// The 99th percentile.
    pub const P99: Percentile = Percentile(99_000);
    /// The maximum, as a percentile.
    pub const P100: Percentile = Percentile(100_000);

    /// From a percentage such as `99.9`; `None` outside 0..=100 or finer than 0.001.
    pub fn from_percent(pct: f64) -> Option<Percentile> {
        if !(0.0..=100.0).contains(&pct) {
            return None;
        }
        let thousandths = (pct * 1000.0).round();
        if (thousandths - pct * 1000.0).abs() > 1e-6 {
            return None;
        }
        Some(Percentile(thousandths as u32))
    }

    /// The percentage, e.g. `99.9`.
    pub fn percent(self) -> f64 {
        f64::from(self.0) / 1000.0
    }
}

impl fmt::Display for Percentile {
    /// `p95`, `p99.9`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 1000;
        let frac = self.0 % 1000;
        if frac == 0 {
            write!(f, "p{whole}")
        } else {
            let digits = format!("{frac:03}");
            write!(f, "p{whole}.{}", digits.trim_end_matches('0'))
        }
    }
}

impl FromStr for Percentile {
    type Err = String;

    /// Accepts `p95`, `P99.9`, `95%`, `99.9`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let t = t.strip_prefix(['p', 'P']).unwrap_or(t);
        let t = t.strip_suffix('%').unwrap_or(t);
        let v: f64 = t
            .parse()
            .map_err(|_| format!("`{s}` is not a percentile"))?;
        Percentile::from_percent(v).ok_or_else(|| format!("`{s}` is not a percentile in 0..100"))
    }
}

/// One request as a raw-sample format records it. Borrowed, so readers can
/// hand over slices of their line buffer without allocating per row.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sample<'a> {
    /// When the request started, Unix time in ms; `None` when the format does not say.
    pub start_ms: Option<f64>,
    /// Response time in ms; `None` when there was no response to time.
    pub latency_ms: Option<f64>,
    /// HTTP method or request type; may be empty.
    pub method: &'a str,
    /// Endpoint name (label, or generalised URL path).
    pub name: &'a str,
    /// Did the request succeed (by the tool's own judgement, e.g. JMeter's `success`).
    pub ok: bool,
    /// HTTP status, when there was one.
    pub status: Option<u16>,
    /// Failure message, when the format gives one.
    pub error: Option<&'a str>,
    /// Active users (threads, VUs) when the request was made.
    pub users: Option<u32>,
    /// Response size in bytes.
    pub bytes: Option<u64>,
}

/// Figures for one moment of the run (one row of a history file).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeriesPoint {
    /// Unix time in seconds.
    pub t_s: f64,
    /// Active users at that moment.
    pub users: Option<u64>,
    /// Requests per second at that moment.
    pub rps: Option<f64>,
    /// Failures per second at that moment.
    pub failures_per_s: Option<f64>,
    /// Median response time, ms (Locust: over its rolling window).
    pub p50_ms: Option<f64>,
    /// 95th percentile response time, ms.
    pub p95_ms: Option<f64>,
    /// 99th percentile response time, ms.
    pub p99_ms: Option<f64>,
    /// Requests made since the start of the run (Locust's running total).
    pub total_requests: Option<u64>,
}

/// Failures of one kind on one endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct FailureGroup {
    /// Method or request type.
    pub method: String,
    /// Endpoint name.
    pub name: String,
    /// The error as the tool wrote it (memory addresses normalised so repeats group).
    pub error: String,
    /// HTTP status, when the error names one.
    pub status: Option<u16>,
    /// How many requests failed this way.
    pub occurrences: u64,
}

/// An error raised by the load-test code itself rather than by a request.
#[derive(Debug, Clone, PartialEq)]
pub struct ExceptionGroup {
    /// How many times it was raised.
    pub count: u64,
    /// The exception message.
    pub message: String,
}

/// A file beside the run: read as part of it, or found and skipped.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceFile {
    /// Path as given on the command line, joined with the file name.
    pub path: String,
    /// What it was read as (`locust stats`), or why it was skipped.
    pub role: String,
    /// False when the file was found but not read.
    pub read: bool,
    /// BLAKE3 of the file's bytes as stored (read files only), hex.
    pub blake3: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_parse_and_print_in_every_spelling() {
        for (text, shown) in [
            ("p95", "p95"),
            ("P99.9", "p99.9"),
            ("99.99%", "p99.99"),
            ("50", "p50"),
        ] {
            assert_eq!(text.parse::<Percentile>().unwrap().to_string(), shown);
        }
        assert!("p101".parse::<Percentile>().is_err());
        assert!("pxx".parse::<Percentile>().is_err());
        assert!("p99.9999".parse::<Percentile>().is_err());
        assert!(Percentile::P95 < "p99.9".parse().unwrap());
    }

    #[test]
    fn labels_do_not_repeat_the_method() {
        assert_eq!(endpoint_label("GET", "GET /health"), "GET /health");
        assert_eq!(endpoint_label("GET", "/health"), "GET /health");
        assert_eq!(endpoint_label("", "Aggregated"), "Aggregated");
        assert_eq!(endpoint_label("None", "Total"), "Total");
        assert_eq!(endpoint_label("GET", "GETTER"), "GET GETTER");
    }
}
