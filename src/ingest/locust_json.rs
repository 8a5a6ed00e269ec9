//! Locust's `--json` / `--json-file` output: one entry per endpoint with its
//! counts, exact min/max/total response time, and `response_times`, a table
//! of response times (ms, rounded by Locust to two significant digits above
//! 100 ms) to counts; `num_reqs_per_sec` / `num_fail_per_sec` give the time
//! series. Percentiles are computed here from that table, so any percentile
//! can be asked for, at Locust's rounding (precision `tool`).
//!
//! The file has no error messages: failures are counted, not described, and
//! expected failures cannot be recognised in it (a note says so). Beside the
//! same run's `*_stats.csv`, the CSVs are read and this file is listed unread.

use super::{input, ReadOptions, Reader, RunBuilder};
use crate::error::{InputError, Position};
use crate::model::{EndpointStats, LatencyStats, Percentile, Precision, SeriesPoint};
use crate::stats::histogram::LatencyHistogram;
use crate::stats::samples::LISTED_PERCENTILES;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

/// The Locust `--json` reader.
pub struct LocustJson;

#[derive(Deserialize)]
struct Entry {
    name: String,
    method: Option<String>,
    last_request_timestamp: Option<f64>,
    start_time: Option<f64>,
    num_requests: u64,
    num_failures: u64,
    total_response_time: Option<f64>,
    max_response_time: Option<f64>,
    min_response_time: Option<f64>,
    total_content_length: Option<f64>,
    #[serde(default)]
    response_times: HashMap<String, u64>,
    #[serde(default)]
    num_reqs_per_sec: HashMap<String, u64>,
    #[serde(default)]
    num_fail_per_sec: HashMap<String, u64>,
}

impl Reader for LocustJson {
    fn shards(&self) -> super::Shards {
        super::Shards::Summaries
    }
    fn id(&self) -> &'static str {
        "locust-json"
    }

    fn describe(&self) -> &'static str {
        "Locust --json output (locust --headless --json-file PREFIX ...)"
    }

    fn sniff(&self, name: &str, head: &[u8]) -> bool {
        let text = String::from_utf8_lossy(head);
        name.to_ascii_lowercase().ends_with(".json")
            && text.trim_start().starts_with('[')
            && text.contains("\"num_reqs_per_sec\"")
            && text.contains("\"response_times\"")
    }

    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        _: &ReadOptions,
    ) -> Result<(), InputError> {
        builder.tool("locust", None);
        let text = input::read_text(path)?;
        input::check_json_numbers(path, text.as_bytes(), 1)?;
        let entries: Vec<Entry> = serde_json::from_str(&text).map_err(|e| {
            InputError::at(
                path,
                Position {
                    line: e.line() as u64,
                    column: Some(e.column() as u64),
                },
                format!("not Locust's JSON output: {e}"),
            )
        })?;
        if entries.is_empty() {
            return Err(InputError::new(path, "the file lists no endpoints"));
        }
        let file = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        // The shards before this one (run.toml `shards`), this file merged in.
        let mut m = builder
            .take_shard_state::<Merged>()
            .unwrap_or_else(Merged::new);
        let first_shard = m.files.is_empty();
        m.files.push(file);
        for e in &entries {
            if let Some(t) = e.start_time {
                m.start = m.start.min(t);
            }
            if let Some(t) = e.last_request_timestamp {
                m.end = m.end.max(t);
            }
            let (method, name) = (e.method.clone().unwrap_or_default(), e.name.clone());
            let stats = Stats::of(e);
            match m
                .endpoints
                .iter_mut()
                .find(|(mm, n, _)| *mm == method && *n == name)
            {
                // Another shard's entry for this endpoint.
                Some((_, _, known)) if !first_shard => known.merge(&stats),
                _ => m.endpoints.push((method, name, stats)),
            }
            // Requests and failures per second, summed over endpoints and shards.
            for (t, n) in &e.num_reqs_per_sec {
                m.per_second.entry(second(path, &text, t)?).or_default().0 += n;
            }
            for (t, n) in &e.num_fail_per_sec {
                m.per_second.entry(second(path, &text, t)?).or_default().1 += n;
            }
        }
        builder.clear_summary();
        let duration = (m.start.is_finite() && m.end > m.start).then_some(m.end - m.start);
        let files = match m.files.as_slice() {
            [one] => one.clone(),
            [first, ..] => format!("{} shards merged ({first} …)", m.files.len()),
            [] => String::new(),
        };
        let mut all = Stats::default();
        for (method, name, stats) in &m.endpoints {
            all.merge(stats);
            builder.endpoint(stats.clone().endpoint(
                method.clone(),
                name.clone(),
                duration,
                format!("{files}, entry `{name}`"),
            ));
        }
        builder.totals(all.endpoint(
            String::new(),
            "Aggregated".into(),
            duration,
            format!("{files}, all entries"),
        ));
        if let Some(d) = duration {
            builder.duration(d);
            builder.started_at(m.start);
        }
        if first_shard {
            builder.note(
                "Locust's JSON output counts failures but does not describe them: there is no error table, \
                 and expected failures cannot be recognised in it (the CSV files' *_failures.csv can)",
            );
        }
        if let (Some(&first), Some(&last)) =
            (m.per_second.keys().next(), m.per_second.keys().next_back())
        {
            if last.saturating_sub(first) > 7 * 24 * 3600 {
                if !m.week_noted {
                    builder.note("num_reqs_per_sec spans more than a week: a timestamp is wrong, so the file's time series is not drawn");
                    m.week_noted = true;
                }
            } else {
                for t in first..=last {
                    let (n, f) = m.per_second.get(&t).copied().unwrap_or_default();
                    builder.series(SeriesPoint {
                        t_s: t as f64,
                        rps: Some(n as f64),
                        failures_per_s: Some(f as f64),
                        ..SeriesPoint::default()
                    });
                }
            }
        }
        builder.keep_shard_state(m);
        Ok(())
    }
}

/// Latest Unix time taken as a second of a run: the year 3000.
const LAST_SECOND: f64 = 32_503_680_000.0;

/// A `num_reqs_per_sec` key as a Unix second. The keys size the time series
/// (one point a second from the first to the last), so a key such as
/// `"-inf"` or `"-1e308"` is refused here, at the key's line and column.
fn second(path: &Path, text: &str, t: &str) -> Result<i64, InputError> {
    match t.trim().parse::<f64>() {
        Ok(v) if (0.0..=LAST_SECOND).contains(&v) => Ok(v.floor() as i64),
        _ => {
            let message = format!(
                "{} in num_reqs_per_sec is not a Unix time (seconds from 1970 to 3000)",
                crate::error::cell(t)
            );
            Err(match text.find(&format!("\"{t}\"")) {
                Some(at) => InputError::at(path, crate::error::position_of(text, at), message),
                None => InputError::new(path, message),
            })
        }
    }
}

/// The shards of one run read so far (run.toml `shards`): their endpoints
/// merged by (method, name) in first-seen order. Locust's response-time
/// tables add up exactly, so the merged percentiles are those of all the
/// requests, never an average of the shards' percentiles.
struct Merged {
    files: Vec<String>,
    endpoints: Vec<(String, String, Stats)>,
    start: f64,
    end: f64,
    per_second: BTreeMap<i64, (u64, u64)>,
    week_noted: bool,
}

impl Merged {
    fn new() -> Self {
        Merged {
            files: Vec::new(),
            endpoints: Vec::new(),
            start: f64::INFINITY,
            end: f64::NEG_INFINITY,
            per_second: BTreeMap::new(),
            week_noted: false,
        }
    }
}

/// One endpoint's (or all endpoints') figures, mergeable.
#[derive(Default, Clone)]
struct Stats {
    requests: u64,
    failures: u64,
    total_ms: f64,
    min_ms: Option<f64>,
    max_ms: Option<f64>,
    bytes: f64,
    hist: LatencyHistogram,
}

impl Stats {
    fn of(e: &Entry) -> Stats {
        let mut hist = LatencyHistogram::new();
        let mut times: Vec<(&String, &u64)> = e.response_times.iter().collect();
        times.sort();
        for (ms, n) in times {
            if let Ok(v) = ms.parse::<f64>() {
                hist.record_ms_n(v, *n);
            }
        }
        Stats {
            requests: e.num_requests,
            failures: e.num_failures,
            total_ms: e.total_response_time.unwrap_or(0.0),
            min_ms: e.min_response_time,
            max_ms: e.max_response_time,
            bytes: e.total_content_length.unwrap_or(0.0),
            hist,
        }
    }

    fn merge(&mut self, o: &Stats) {
        self.requests += o.requests;
        self.failures += o.failures;
        self.total_ms += o.total_ms;
        self.min_ms = match (self.min_ms, o.min_ms) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.max_ms = match (self.max_ms, o.max_ms) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.bytes += o.bytes;
        self.hist.merge(&o.hist);
    }

    fn endpoint(
        self,
        method: String,
        name: String,
        duration: Option<f64>,
        source: String,
    ) -> EndpointStats {
        let timed = self.hist.count() > 0;
        let percentiles = LISTED_PERCENTILES
            .iter()
            .filter_map(|p| {
                let v = self.hist.percentile_ms(*p)?;
                Some((
                    Percentile::from_percent(*p)?,
                    self.max_ms.map_or(v, |m| v.min(m)),
                ))
            })
            .collect();
        let rate = |n: u64| duration.filter(|d| *d > 0.0).map(|d| n as f64 / d);
        EndpointStats {
            method,
            name,
            requests: self.requests,
            failures: self.failures,
            throughput_rps: rate(self.requests),
            failures_per_s: rate(self.failures),
            latency: LatencyStats {
                min_ms: self.min_ms.filter(|_| timed),
                avg_ms: (self.requests > 0 && timed).then(|| self.total_ms / self.requests as f64),
                max_ms: self.max_ms.filter(|_| timed),
                percentiles,
                precision: Precision::Tool,
                histogram: timed.then(|| Arc::new(self.hist)),
            },
            avg_content_bytes: (self.requests > 0).then(|| self.bytes / self.requests as f64),
            source: Some(source),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/locust/json/peak.json"
    );

    /// Reads `peak.json` with its first `num_reqs_per_sec` key replaced by `key`.
    fn read_with_key(key: &str) -> Result<(), InputError> {
        let text = std::fs::read_to_string(FIXTURE).unwrap();
        let at = text.find("\"num_reqs_per_sec\": {").unwrap();
        let open = at + text[at..].find('{').unwrap();
        let q1 = open + text[open..].find('"').unwrap();
        let q2 = q1 + 1 + text[q1 + 1..].find('"').unwrap();
        let mutated = format!("{}\"{key}\"{}", &text[..q1], &text[q2 + 1..]);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("peak.json");
        std::fs::write(&p, mutated).unwrap();
        let mut b = RunBuilder::new();
        LocustJson.read(&p, &mut b, &ReadOptions::default())
    }

    #[test]
    fn a_key_that_is_no_unix_second_is_refused_at_its_line() {
        // "-inf" or "-1e308" sized a time series of 2^63 seconds (16 GB and an abort).
        for key in ["-inf", "-1e308", "1e308", "NaN", "inf", "-5"] {
            let e = read_with_key(key).expect_err(key);
            assert!(e.message.contains("is not a Unix time"), "{key}: {e}");
            assert!(e.position.is_some_and(|p| p.line > 1), "{key}: {e}");
        }
        read_with_key("1795432350").unwrap();
    }
}
