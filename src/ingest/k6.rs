//! k6's result files.
//!
//! - [`Summary`]: the end-of-test summary as JSON, in both of its shapes:
//!   `k6 run --summary-export=summary.json` (the legacy flat format: a trend's
//!   `avg`, `med`, `p(95)` sit directly in the metric) and the `data` object
//!   `handleSummary()` receives, written with `JSON.stringify(data)` (figures
//!   nested under `values`, plus `state.testRunDurationMs`). Pre-aggregated:
//!   only the figures k6 computed, precision [`Precision::Tool`].
//! - [`Ndjson`]: `k6 run --out json=results.json`, one JSON object a line
//!   (`Metric` declarations and `Point` samples); raw samples, one request per
//!   `http_req_duration` point.
//!
//! Failures: `http_req_failed` is a Rate whose *true* values are failed
//! requests, so in a summary its `passes` count the failed requests and
//! `fails` the successful ones. In the NDJSON a request failed when its
//! `expected_response` tag is `false` (k6 ≥ 0.31 sets it from the response
//! callback, the same rule as `http_req_failed`); without the tag, the
//! `http_req_failed` point of the same request decides, and without that, a
//! status of 0 (no response) or ≥ 400.

use super::chunked::{self, ChunkParser, ChunkSink, Sink, Stop};
use super::{input, ReadOptions, Reader, RunBuilder};
use crate::error::{InputError, Position};
use crate::model::{EndpointStats, LatencyStats, Percentile, Precision, Sample};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;

/// The first non-blank line of `head`, trimmed (BOM included).
fn first_line(head: &[u8]) -> String {
    let text = String::from_utf8_lossy(head);
    text.trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default()
        .to_string()
}

/// True when `line` looks like one line of `k6 --out json`.
fn is_ndjson_line(line: &str) -> bool {
    let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    compact.starts_with('{')
        && (compact.contains("\"type\":\"Point\"") || compact.contains("\"type\":\"Metric\""))
        && compact.contains("\"metric\":")
        && compact.contains("\"data\":")
}

// ---------------------------------------------------------------- summary

/// k6's end-of-test summary JSON (`--summary-export`, or `handleSummary`'s data).
pub struct Summary;

/// Metric names only k6 writes; one of them (or `root_group`) in the head
/// tells a k6 summary from other JSON.
const K6_METRICS: &[&str] = &[
    "\"http_reqs\"",
    "\"http_req_duration\"",
    "\"http_req_failed\"",
    "\"iteration_duration\"",
    "\"vus_max\"",
    "\"data_received\"",
];

impl Reader for Summary {
    fn id(&self) -> &'static str {
        "k6-summary"
    }

    fn describe(&self) -> &'static str {
        "k6 end-of-test summary JSON (k6 run --summary-export=summary.json, or handleSummary's data as JSON)"
    }

    fn sniff(&self, _name: &str, head: &[u8]) -> bool {
        let text = String::from_utf8_lossy(head);
        let body = text.trim_start_matches('\u{feff}').trim_start();
        body.starts_with('{')
            && !is_ndjson_line(&first_line(head))
            && !text.contains("\"aggregate\"")
            && (text.contains("\"root_group\"")
                || (text.contains("\"metrics\"") && K6_METRICS.iter().any(|m| text.contains(m))))
    }

    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        opts: &ReadOptions,
    ) -> Result<(), InputError> {
        builder.tool("k6", None);
        let doc = read_json_document(path)?;
        read_summary(path, &doc, builder, opts)
    }
}

/// Reads a whole (small) JSON document, with the line and column of a syntax error.
pub(crate) fn read_json_document(path: &Path) -> Result<Value, InputError> {
    let mut text = Vec::new();
    std::io::Read::read_to_end(&mut input::open(path)?, &mut text)
        .map_err(|e| InputError::new(path, format!("cannot read: {e}")))?;
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(InputError::new(path, "the file is empty"));
    }
    let text = String::from_utf8_lossy(&text);
    serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| json_error(path, &e, 0))
}

/// A serde_json error as an [`InputError`]; `line` is added to the error's own
/// line (for one-line documents inside a larger file).
pub(crate) fn json_error(path: &Path, e: &serde_json::Error, line: u64) -> InputError {
    let text = e.to_string();
    let message = match text.rfind(" at line ") {
        Some(i) => &text[..i],
        None => &text,
    };
    InputError::at(
        path,
        Position {
            line: line + e.line() as u64,
            column: Some(e.column() as u64),
        },
        format!("invalid JSON: {message}"),
    )
}

/// The figures of a metric: under `values` (handleSummary) or in the metric
/// itself (`--summary-export`).
fn values(metric: &Value) -> Option<&Map<String, Value>> {
    match metric.get("values") {
        Some(Value::Object(v)) => Some(v),
        _ => metric.as_object(),
    }
}

fn num(metric: Option<&Value>, key: &str) -> Option<f64> {
    values(metric?)?
        .get(key)?
        .as_f64()
        .filter(|v| v.is_finite())
}

fn count(metric: Option<&Value>, key: &str) -> Option<u64> {
    num(metric, key)
        .filter(|v| *v >= 0.0)
        .map(|v| v.round() as u64)
}

/// A k6 trend (`avg`, `min`, `med`, `max`, `p(90)`, …) as latency figures.
fn trend(metric: Option<&Value>) -> LatencyStats {
    let mut percentiles = BTreeMap::new();
    if let Some(v) = metric.and_then(values) {
        for (key, value) in v {
            let Some(x) = value.as_f64().filter(|x| x.is_finite()) else {
                continue;
            };
            let pct = if key == "med" {
                Some(Percentile::P50)
            } else {
                key.strip_prefix("p(")
                    .and_then(|k| k.strip_suffix(')'))
                    .and_then(|k| k.trim().parse::<f64>().ok())
                    .and_then(Percentile::from_percent)
            };
            if let Some(p) = pct {
                percentiles.insert(p, x);
            }
        }
    }
    LatencyStats {
        min_ms: num(metric, "min"),
        avg_ms: num(metric, "avg"),
        max_ms: num(metric, "max"),
        percentiles,
        precision: Precision::Tool,
        histogram: None,
    }
}

/// The endpoint name of a `{name:…}` sub-metric selector, when the selector
/// holds only that tag.
fn name_selector(selector: &str) -> Option<&str> {
    let name = selector.strip_prefix("name:")?;
    const OTHER_TAGS: &[&str] = &[
        ",method:",
        ",status:",
        ",url:",
        ",group:",
        ",scenario:",
        ",expected_response:",
        ",proto:",
    ];
    (!OTHER_TAGS.iter().any(|t| name.contains(t))).then_some(name)
}

/// An endpoint name from a k6 `name` tag: k6 defaults it to the URL, which
/// is generalised like any URL; a name the script chose is kept.
fn endpoint_name(name: &str, opts: &ReadOptions) -> String {
    if name.contains("://") {
        opts.naming.name(name)
    } else {
        name.to_string()
    }
}

fn read_summary(
    path: &Path,
    doc: &Value,
    builder: &mut RunBuilder,
    opts: &ReadOptions,
) -> Result<(), InputError> {
    let Some(metrics) = doc.get("metrics").and_then(Value::as_object) else {
        return Err(InputError::new(
            path,
            "not a k6 summary: there is no `metrics` object",
        ));
    };
    let nested = metrics.values().any(|m| m.get("values").is_some());
    let reqs = metrics.get("http_reqs");
    let Some(requests) = count(reqs, "count") else {
        return Err(InputError::new(
            path,
            "the k6 summary has no `http_reqs` count: the test made no HTTP requests",
        ));
    };
    let failed = metrics.get("http_req_failed");
    let failures = match count(failed, "passes") {
        Some(n) => n,
        None => {
            builder.note(
                "k6 summary without an `http_req_failed` metric (k6 before v0.31): failed requests \
                 are not in the input",
            );
            builder.no_failure_data();
            0
        }
    };
    builder.totals(EndpointStats {
        source: None,
        method: String::new(),
        name: "Aggregated".to_string(),
        requests,
        failures,
        throughput_rps: num(reqs, "rate"),
        failures_per_s: None,
        latency: trend(metrics.get("http_req_duration")),
        avg_content_bytes: None,
    });

    // Per-endpoint figures exist only as `{name:…}` sub-metrics (thresholds on them).
    for (key, metric) in metrics {
        let Some(selector) = key
            .strip_prefix("http_req_failed{")
            .and_then(|s| s.strip_suffix('}'))
        else {
            continue;
        };
        let Some(name) = name_selector(selector) else {
            continue;
        };
        let reqs = metrics.get(&format!("http_reqs{{{selector}}}"));
        let failures = count(Some(metric), "passes");
        let requests = count(reqs, "count")
            .or_else(|| Some(count(Some(metric), "passes")? + count(Some(metric), "fails")?));
        if let (Some(requests), Some(failures)) = (requests, failures) {
            builder.endpoint(EndpointStats {
                source: None,
                method: String::new(),
                name: endpoint_name(name, opts),
                requests,
                failures,
                throughput_rps: num(reqs, "rate"),
                failures_per_s: None,
                latency: trend(metrics.get(&format!("http_req_duration{{{selector}}}"))),
                avg_content_bytes: None,
            });
        }
    }

    if let Some(ms) = doc
        .pointer("/state/testRunDurationMs")
        .and_then(Value::as_f64)
        .filter(|v| v.is_finite() && *v > 0.0)
    {
        builder.duration(ms / 1000.0);
    }
    // Peak active VUs as k6 sampled them; `vus_max` (VUs allocated) only without it.
    if let Some(users) = count(metrics.get("vus"), "max").or_else(|| {
        count(metrics.get("vus_max"), "max").or_else(|| count(metrics.get("vus_max"), "value"))
    }) {
        builder.users(users);
    }

    for (key, metric) in metrics {
        let Some(Value::Object(thresholds)) = metric.get("thresholds") else {
            continue;
        };
        for (expr, result) in thresholds {
            // handleSummary: {"ok": true} when it passed; --summary-export: `true` when it FAILED.
            let passed = match result {
                Value::Object(o) => o.get("ok").and_then(Value::as_bool),
                Value::Bool(failed) => Some(!failed),
                _ => None,
            };
            let verdict = match passed {
                Some(true) => "passed",
                Some(false) => "failed",
                None => "result not recorded",
            };
            builder.note(format!("k6 threshold {expr} on {key}: {verdict}"));
        }
    }

    let checks = metrics.get("checks");
    if let (Some(passes), Some(fails)) = (count(checks, "passes"), count(checks, "fails")) {
        builder.note(format!("k6 checks: {passes} of {} passed", passes + fails));
        let mut failing = Vec::new();
        if let Some(root) = doc.get("root_group") {
            failing_checks(root, &mut failing);
        }
        for (name, fails, total) in failing.iter().take(10) {
            builder.note(format!("k6 check `{name}`: {fails} of {total} failed"));
        }
    }
    if !nested {
        builder.note(
            "k6 --summary-export (legacy format): the figures are k6's own; it holds no start time",
        );
    }
    Ok(())
}

/// Children of a group: an object keyed by name (older k6) or an array (newer).
fn children(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Object(m)) => m.values().collect(),
        Some(Value::Array(a)) => a.iter().collect(),
        _ => Vec::new(),
    }
}

/// Every check with failures in `group` and its subgroups: (path, fails, total).
fn failing_checks(group: &Value, out: &mut Vec<(String, u64, u64)>) {
    for check in children(group.get("checks")) {
        let fails = check.get("fails").and_then(Value::as_u64).unwrap_or(0);
        let passes = check.get("passes").and_then(Value::as_u64).unwrap_or(0);
        if fails > 0 {
            let name = check
                .get("path")
                .or_else(|| check.get("name"))
                .and_then(Value::as_str)
                .unwrap_or("?");
            out.push((name.to_string(), fails, fails + passes));
        }
    }
    for sub in children(group.get("groups")) {
        failing_checks(sub, out);
    }
}

// ---------------------------------------------------------------- NDJSON

/// `k6 run --out json=…`: one JSON object a line.
pub struct Ndjson;

impl Reader for Ndjson {
    fn id(&self) -> &'static str {
        "k6-json"
    }

    fn describe(&self) -> &'static str {
        "k6 JSON lines (k6 run --out json=results.json)"
    }

    fn sniff(&self, _name: &str, head: &[u8]) -> bool {
        is_ndjson_line(&first_line(head))
    }

    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        opts: &ReadOptions,
    ) -> Result<(), InputError> {
        builder.tool("k6", None);
        read_ndjson(path, builder, opts)
    }
}

/// A string that borrows from the line when it has no escapes.
#[derive(Deserialize)]
struct Str<'a>(#[serde(borrow)] Cow<'a, str>);

/// One line; only the fields used are parsed.
#[derive(Deserialize)]
struct Line<'a> {
    #[serde(rename = "type", borrow)]
    kind: Str<'a>,
    #[serde(borrow, default)]
    metric: Option<Str<'a>>,
    #[serde(borrow, default)]
    data: Option<Data<'a>>,
}

#[derive(Deserialize)]
struct Data<'a> {
    #[serde(borrow, default)]
    time: Option<Str<'a>>,
    #[serde(default)]
    value: Option<f64>,
    #[serde(borrow, default)]
    tags: Option<Tags<'a>>,
}

#[derive(Deserialize, Default)]
struct Tags<'a> {
    #[serde(borrow, default)]
    name: Option<Str<'a>>,
    #[serde(borrow, default)]
    url: Option<Str<'a>>,
    #[serde(borrow, default)]
    method: Option<Str<'a>>,
    #[serde(borrow, default)]
    status: Option<Str<'a>>,
    #[serde(borrow, default)]
    expected_response: Option<Str<'a>>,
    #[serde(borrow, default)]
    error: Option<Str<'a>>,
    #[serde(borrow, default)]
    error_code: Option<Str<'a>>,
}

fn s<'b>(v: &'b Option<Str<'_>>) -> Option<&'b str> {
    v.as_ref().map(|s| s.0.as_ref())
}

/// A request whose outcome waits for its `http_req_failed` point (no
/// `expected_response` tag).
struct Pending {
    time: String,
    start_ms: f64,
    latency_ms: f64,
    method: String,
    name: String,
    status: Option<u16>,
    error: Option<String>,
}

impl Pending {
    fn record(&self, ok: bool, builder: &mut impl Sink) {
        builder.record(&Sample {
            start_ms: Some(self.start_ms),
            latency_ms: Some(self.latency_ms),
            method: &self.method,
            name: &self.name,
            ok,
            status: self.status,
            error: if ok { None } else { self.error.as_deref() },
            users: None,
            bytes: None,
        });
    }

    /// Without `expected_response` and `http_req_failed`: status 0 or ≥ 400 failed.
    fn record_by_status(&self, builder: &mut impl Sink) {
        self.record(self.status.is_some_and(|s| s < 400), builder);
    }
}

/// Unix ms of an RFC 3339 time with any offset.
fn time_ms(text: &str) -> Option<f64> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.timestamp_micros() as f64 / 1000.0)
}

fn read_ndjson(
    path: &Path,
    builder: &mut RunBuilder,
    opts: &ReadOptions,
) -> Result<(), InputError> {
    let plain =
        !input::is_gzip(path).map_err(|e| InputError::new(path, format!("cannot read: {e}")))?;
    if plain && !opts.no_fast_path {
        let make = || K6Chunk {
            lines: K6Lines::new(path, opts),
            newlines: 0,
        };
        if let Some(mut chunks) = chunked::parse_file(path, 0, opts, builder, make)? {
            // A request waiting for its `http_req_failed` point at the end of
            // a chunk: the lines after the chunk decide it.
            let last = chunks.len().saturating_sub(1);
            for (k, c) in chunks.iter_mut().enumerate() {
                if c.error.is_some() || c.parser.lines.pending.is_none() {
                    continue;
                }
                if k < last {
                    c.parser.lines.lookahead = true;
                    let mut reader = std::io::BufReader::new(
                        std::fs::File::open(path)
                            .map_err(|e| InputError::new(path, format!("cannot open: {e}")))?,
                    );
                    std::io::Seek::seek(&mut reader, std::io::SeekFrom::Start(c.end))
                        .map_err(|e| InputError::new(path, format!("cannot read: {e}")))?;
                    let mut buf = Vec::new();
                    while c.parser.lines.pending.is_some() {
                        buf.clear();
                        let n = reader
                            .read_until(b'\n', &mut buf)
                            .map_err(|e| InputError::new(path, format!("cannot read: {e}")))?;
                        if n == 0 {
                            break;
                        }
                        let _ = c.parser.lines.line(&buf, 0, &mut c.sink);
                    }
                    c.parser.lines.lookahead = false;
                }
                c.parser.lines.end(&mut c.sink);
            }
            let any = chunks.iter().any(|c| c.parser.lines.any);
            chunked::merge(chunks, 1, builder)?;
            if !any {
                return Err(InputError::new(path, "the file is empty"));
            }
            return Ok(());
        }
    }
    let mut reader = input::open(path)?;
    let mut buf = Vec::with_capacity(1024);
    let mut line_no: u64 = 0;
    let mut lines = K6Lines::new(path, opts);
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| InputError::new(path, format!("cannot read: {e}")))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        lines.line(&buf, line_no, builder)?;
    }
    lines.end(builder);
    if !lines.any {
        return Err(InputError::new(path, "the file is empty"));
    }
    Ok(())
}

/// The fast path's chunk: [`K6Lines`] over a range of lines.
struct K6Chunk<'a> {
    lines: K6Lines<'a>,
    newlines: u64,
}

impl ChunkParser for K6Chunk<'_> {
    fn parse(
        &mut self,
        buf: &[u8],
        limit: usize,
        eof: bool,
        sink: &mut ChunkSink,
    ) -> Result<usize, Stop> {
        let mut at = 0;
        while at < limit {
            let Some((line, next)) = chunked::next_line(buf, at, eof) else {
                break;
            };
            self.lines.line(line, self.newlines + 1, sink)?;
            self.newlines += u64::from(buf[next - 1] == b'\n');
            at = next;
        }
        Ok(at)
    }

    fn newlines(&self) -> u64 {
        self.newlines
    }
}

/// True when `raw` is plainly a point or declaration of a metric perfreport
/// does not use (`http_req_blocked`, `data_sent`, …): one `"metric":"…"` key
/// naming another metric, in a line that starts with `{` and ends with `}`.
/// Such lines are skipped without parsing their JSON.
fn unused_metric(raw: &[u8]) -> bool {
    const KEY: &[u8] = b"\"metric\":\"";
    let t = raw.trim_ascii();
    if !(t.starts_with(b"{") && t.ends_with(b"}")) {
        return false;
    }
    let Some(f) = memchr::memmem::find(t, KEY) else {
        return false;
    };
    let rest = &t[f + KEY.len()..];
    let Some(end) = memchr::memchr(b'"', rest) else {
        return false;
    };
    !matches!(
        &rest[..end],
        b"http_req_duration" | b"http_req_failed" | b"vus"
    ) && !rest[..end].contains(&b'\\')
        && memchr::memmem::find(&t[..f], b"\"metric\"").is_none()
        && memchr::memmem::find(&rest[end..], b"\"metric\"").is_none()
}

/// Reads k6 JSON lines one at a time (sequentially or in a chunk).
struct K6Lines<'a> {
    path: &'a Path,
    opts: &'a ReadOptions,
    pending: Option<Pending>,
    any: bool,
    /// Only deciding `pending` from the lines after a chunk: nothing else is recorded.
    lookahead: bool,
}

impl<'a> K6Lines<'a> {
    fn new(path: &'a Path, opts: &'a ReadOptions) -> Self {
        K6Lines {
            path,
            opts,
            pending: None,
            any: false,
            lookahead: false,
        }
    }

    fn bad(&self, sink: &mut impl Sink, e: InputError) -> Result<(), InputError> {
        if self.lookahead {
            return Ok(());
        }
        sink.bad_row(e, self.opts.skip_bad_rows)
    }

    fn end(&mut self, sink: &mut impl Sink) {
        if let Some(p) = self.pending.take() {
            p.record_by_status(sink);
        }
    }

    /// One line (`line_no` counts from 1).
    fn line(&mut self, raw: &[u8], line_no: u64, sink: &mut impl Sink) -> Result<(), InputError> {
        let (path, opts) = (self.path, self.opts);
        if raw.trim_ascii().is_empty() {
            return Ok(());
        }
        self.any = true;
        if !opts.no_fast_path && unused_metric(raw) {
            return Ok(());
        }
        let text = String::from_utf8_lossy(raw);
        let line = text.trim();
        if line.is_empty() {
            return Ok(());
        }
        let parsed: Line<'_> = match serde_json::from_str(line) {
            Ok(l) => l,
            Err(e) => return self.bad(sink, json_error(path, &e, line_no - 1)),
        };
        if parsed.kind.0 != "Point" {
            return Ok(());
        }
        let at = |msg: &str| {
            InputError::at(
                path,
                Position {
                    line: line_no,
                    column: None,
                },
                msg.to_string(),
            )
        };
        let metric = s(&parsed.metric).unwrap_or_default();
        if !matches!(metric, "http_req_duration" | "http_req_failed" | "vus") {
            return Ok(());
        }
        let Some(data) = parsed.data else {
            return self.bad(sink, at(&format!("a `{metric}` point without `data`")));
        };
        let Some(value) = data.value.filter(|v| v.is_finite()) else {
            return self.bad(
                sink,
                at(&format!("a `{metric}` point without a numeric `value`")),
            );
        };
        let time = s(&data.time).unwrap_or_default();
        let Some(t_ms) = time_ms(time) else {
            return self.bad(
                sink,
                at(&format!("`{time}` in `time` is not an RFC 3339 time")),
            );
        };
        let tags = data.tags.unwrap_or_default();
        match metric {
            "vus" => {
                if !self.lookahead {
                    sink.users_at(t_ms, value.max(0.0).round() as u32);
                }
            }
            "http_req_failed" => {
                if let Some(p) = self.pending.take() {
                    if p.time == time {
                        p.record(value == 0.0, sink);
                    } else {
                        p.record_by_status(sink);
                    }
                }
            }
            _ => {
                if let Some(p) = self.pending.take() {
                    p.record_by_status(sink);
                }
                if self.lookahead {
                    return Ok(());
                }
                let name = match (s(&tags.name), s(&tags.url)) {
                    (Some(n), _) if !n.is_empty() => endpoint_name(n, opts),
                    (_, Some(u)) if !u.is_empty() => opts.naming.name(u),
                    _ => "(unnamed)".to_string(),
                };
                let method = s(&tags.method).unwrap_or_default();
                let status = s(&tags.status)
                    .and_then(|s| s.parse::<u16>().ok())
                    .filter(|s| *s > 0);
                let error = match (s(&tags.error), s(&tags.error_code)) {
                    (Some(e), _) if !e.is_empty() => Some(Cow::Borrowed(e)),
                    (_, Some(c)) if !c.is_empty() && status.is_none() => {
                        Some(Cow::Owned(format!("k6 error_code {c}")))
                    }
                    _ if status.is_none() => Some(Cow::Borrowed("no response")),
                    _ => None,
                };
                // k6 stamps a request's points when it ends.
                let start_ms = t_ms - value;
                match s(&tags.expected_response) {
                    Some(expected) => {
                        let ok = expected == "true";
                        sink.record(&Sample {
                            start_ms: Some(start_ms),
                            latency_ms: Some(value),
                            method,
                            name: &name,
                            ok,
                            status,
                            error: if ok { None } else { error.as_deref() },
                            users: None,
                            bytes: None,
                        });
                    }
                    None => {
                        self.pending = Some(Pending {
                            time: time.to_string(),
                            start_ms,
                            latency_ms: value,
                            method: method.to_string(),
                            name,
                            status,
                            error: error.map(Cow::into_owned),
                        });
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RunMeta;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/k6");

    fn read(reader: &dyn Reader, rel: &str) -> crate::model::Run {
        let mut b = RunBuilder::new();
        reader
            .read(
                &Path::new(FIXTURES).join(rel),
                &mut b,
                &ReadOptions::default(),
            )
            .unwrap();
        b.build(RunMeta::default()).unwrap()
    }

    #[test]
    fn sniffs_summaries_and_ndjson_from_content() {
        let export = br#"{
    "root_group": {"groups": {}, "checks": {}},
    "metrics": {"http_reqs": {"count": 1, "rate": 2}}}"#;
        assert!(Summary.sniff("out.json", export));
        assert!(!Ndjson.sniff("out.json", export));
        let handle = br#"{"state":{"testRunDurationMs":1},"metrics":{"vus_max":{"type":"gauge","values":{"max":5}}}}"#;
        assert!(Summary.sniff("anything.txt", handle));
        let line = br#"{"metric":"http_reqs","type":"Point","data":{"time":"2024-08-05T15:24:38.952806+07:00","value":1,"tags":{}}}"#;
        assert!(Ndjson.sniff("out.json", line));
        assert!(!Summary.sniff("out.json", line));
        let metric = br#"{"type":"Metric","data":{"name":"http_reqs","type":"counter"},"metric":"http_reqs"}"#;
        assert!(Ndjson.sniff("x.log", metric));
        assert!(!Summary.sniff(
            "x.json",
            br#"{"aggregate": {"counters": {}}, "metrics": {"http_reqs": 1}}"#
        ));
        assert!(!Summary.sniff("x.json", br#"{"metrics": {"cpu": 1}}"#));
        assert!(!Ndjson.sniff("x.json", b""));
    }

    #[test]
    fn legacy_export_failures_come_from_passes_and_thresholds_are_inverted() {
        let run = read(
            &Summary,
            "summary-export/ticketreserve-2024_summary-export.json",
        );
        assert_eq!(run.totals.requests, 100);
        assert_eq!(
            run.totals.failures, 1,
            "passes = failed requests, not fails"
        );
        assert_eq!(run.totals.latency.percentiles[&Percentile::P50], 3390.69845);
        assert_eq!(
            run.totals.latency.percentiles[&Percentile::P95],
            4101.811365
        );
        assert_eq!(run.totals.latency.percentile(Percentile::P99), None);
        assert_eq!(run.totals.latency.precision, Precision::Tool);
        assert_eq!(run.meta.users_recorded, Some(97), "vus.max, not vus_max");
        assert_eq!(
            run.meta.duration_source.as_deref(),
            Some("requests ÷ requests/s")
        );
        assert!(run
            .meta
            .reader_notes
            .iter()
            .any(|n| n == "k6 check `::status was 200`: 1 of 100 failed"));

        let mut b = RunBuilder::new();
        let doc: Value = serde_json::from_str(
            r#"{"metrics":{"http_reqs":{"count":3,"rate":1},
                "http_req_duration":{"avg":1,"p(95)":2,"thresholds":{"p(95)<500":false,"avg<1":true}}}}"#,
        )
        .unwrap();
        read_summary(Path::new("x.json"), &doc, &mut b, &ReadOptions::default()).unwrap();
        let run = b.build(RunMeta::default()).unwrap();
        let notes = run.meta.reader_notes.join("\n");
        assert!(
            notes.contains("k6 threshold p(95)<500 on http_req_duration: passed"),
            "{notes}"
        );
        assert!(
            notes.contains("k6 threshold avg<1 on http_req_duration: failed"),
            "{notes}"
        );
        assert!(
            notes.contains("without an `http_req_failed` metric"),
            "{notes}"
        );
    }

    #[test]
    fn handle_summary_reads_values_duration_and_thresholds() {
        let run = read(&Summary, "summary/circleci-orb-handlesummary-2022.json");
        assert_eq!(run.totals.requests, 20);
        assert_eq!(run.totals.failures, 0);
        assert_eq!(run.totals.throughput_rps, Some(2.4169333249062928));
        assert_eq!(run.totals.latency.avg_ms, Some(255.6286));
        assert_eq!(run.totals.latency.percentiles[&Percentile::P90], 257.8066);
        assert_eq!(run.meta.duration_s, Some(8274.949 / 1000.0));
        assert_eq!(run.meta.duration_source.as_deref(), Some("the input"));
        assert_eq!(run.meta.users_recorded, Some(5));
        let notes = run.meta.reader_notes.join("\n");
        assert!(notes.contains("k6 threshold p(95)<500 on http_req_duration: passed"));
        assert!(notes.contains("k6 threshold rate<0.01 on http_req_failed: passed"));
        assert!(run.endpoints.is_empty(), "no {{name:…}} sub-metrics");

        let run = read(&Summary, "summary/parabank-2025_summary.json");
        assert_eq!((run.totals.requests, run.totals.failures), (60, 0));
        assert!(run
            .meta
            .reader_notes
            .contains(&"k6 checks: 30 of 30 passed".to_string()));
    }

    #[test]
    fn name_sub_metrics_become_endpoints() {
        let doc: Value = serde_json::from_str(
            r#"{"metrics":{
              "http_reqs":{"values":{"count":10,"rate":1}},
              "http_req_failed":{"values":{"passes":2,"fails":8,"rate":0.2}},
              "http_req_failed{name:http://h/users/1}":{"values":{"passes":2,"fails":5}},
              "http_req_duration{name:http://h/users/1}":{"values":{"med":5,"p(99.9)":9}},
              "http_req_failed{name:login,method:POST}":{"values":{"passes":0,"fails":3}},
              "http_req_failed{name:login}":{"values":{"passes":0,"fails":3}},
              "http_reqs{name:login}":{"values":{"count":3,"rate":0.3}}}}"#,
        )
        .unwrap();
        let mut b = RunBuilder::new();
        read_summary(Path::new("x.json"), &doc, &mut b, &ReadOptions::default()).unwrap();
        let run = b.build(RunMeta::default()).unwrap();
        assert_eq!(run.totals.failures, 2);
        assert_eq!(run.endpoints.len(), 2);
        let users = run
            .endpoints
            .iter()
            .find(|e| e.name == "/users/{id}")
            .unwrap();
        assert_eq!((users.requests, users.failures), (7, 2));
        assert_eq!(users.latency.percentiles[&"p99.9".parse().unwrap()], 9.0);
        let login = run.endpoints.iter().find(|e| e.name == "login").unwrap();
        assert_eq!((login.requests, login.throughput_rps), (3, Some(0.3)));
    }

    #[test]
    fn ndjson_strings_borrow_and_times_keep_their_offset() {
        let line = r#"{"metric":"vus","type":"Point","data":{"time":"2024-08-05T15:24:39.4499431+07:00","value":97,"tags":{"name":"a\"b"}}}"#;
        let l: Line<'_> = serde_json::from_str(line).unwrap();
        assert!(matches!(l.kind.0, Cow::Borrowed(_)));
        let tags = l.data.as_ref().unwrap().tags.as_ref().unwrap();
        assert_eq!(s(&tags.name), Some("a\"b"));
        assert_eq!(
            time_ms("2024-08-05T15:24:39.4499431+07:00"),
            time_ms("2024-08-05T08:24:39.4499431Z")
        );
        assert_eq!(
            time_ms("2024-03-27T16:31:33.889147-03:00"),
            Some(1_711_567_893_889.147)
        );
    }

    #[test]
    fn without_expected_response_the_failed_point_or_the_status_decides() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("old.json");
        let point = |metric: &str, time: &str, value: f64, status: &str| {
            format!(
                r#"{{"type":"Point","metric":"{metric}","data":{{"time":"2024-01-01T00:00:0{time}Z","value":{value},"tags":{{"name":"n","method":"GET","status":"{status}"}}}}}}"#
            )
        };
        let lines = [
            point("http_req_duration", "1", 10.0, "200"),
            point("http_req_failed", "1", 1.0, "200"), // response callback said failed
            point("http_req_duration", "2", 20.0, "503"),
            point("http_req_failed", "2", 0.0, "503"), // expected 503
            point("http_req_duration", "3", 30.0, "404"), // no http_req_failed: status
            point("http_req_duration", "4", 40.0, "0"),
        ];
        std::fs::write(&p, lines.join("\n")).unwrap();
        let mut b = RunBuilder::new();
        Ndjson.read(&p, &mut b, &ReadOptions::default()).unwrap();
        let run = b.build(RunMeta::default()).unwrap();
        assert_eq!(run.totals.requests, 4);
        assert_eq!(run.totals.failures, 3);
        assert!(run.failures.iter().any(|f| f.error == "no response"));
    }
}
