//! k6's result files.
//!
//! - [`Summary`]: the end-of-test summary as JSON, in both of its shapes:
//!   `k6 run --summary-export=summary.json` (the legacy flat format: a trend's
//!   `avg`, `med`, `p(95)` sit directly in the metric) and the `data` object
//!   `handleSummary()` receives, written with `JSON.stringify(data)` (figures
//!   nested under `values`, plus `state.testRunDurationMs`). Pre-aggregated:
//!   only the figures k6 computed, precision [`Precision::Tool`]. The
//!   versioned machine-readable summary (k6 ≥ 1.5) is turned into that shape
//!   first ([`machine_readable`]).
//! - [`Csv`]: `k6 run --out csv=results.csv`, one row per metric sample, read
//!   as the JSON lines are.
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
        match machine_readable(&doc) {
            Some(converted) => {
                let version = doc.pointer("/metadata/k6Version").and_then(Value::as_str);
                builder.tool("k6", version.map(str::to_string));
                builder.note(
                    "k6's versioned machine-readable summary (schema 1.0.0, \
                     --new-machine-readable-summary): it holds no thresholds, groups or \
                     scenarios, so perfreport's own SLA is what judges the run.",
                );
                read_summary(path, &converted, builder, opts)
            }
            None => read_summary(path, &doc, builder, opts),
        }
    }
}

/// k6's versioned machine-readable summary (`"version": "1.0.0"`, k6 ≥ 1.5
/// `--new-machine-readable-summary`; schema in grafana/k6
/// `internal/lib/summary/machinereadable`) in the shape `handleSummary`
/// receives, so one reader reads both: `results.metrics` is a list of
/// `{name, type, contains, values}`; a rate's `matches`/`total` become
/// `passes`/`fails` (for `http_req_failed`, `matches` are the failed
/// requests); a counter gets its rate over `config.duration` (seconds);
/// `results.checks.results` become the root group's checks. `None` when
/// `doc` is not that format (or a major version perfreport does not know).
fn machine_readable(doc: &Value) -> Option<Value> {
    let version = doc.get("version")?.as_str()?;
    if !version.starts_with("1.") {
        return None;
    }
    let list = doc.pointer("/results/metrics")?.as_array()?;
    let duration_s = doc.pointer("/config/duration").and_then(Value::as_f64);
    let mut metrics = Map::new();
    for m in list {
        let (Some(name), Some(kind)) = (
            m.get("name").and_then(Value::as_str),
            m.get("type").and_then(Value::as_str),
        ) else {
            continue;
        };
        let mut values = m
            .get("values")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        match kind {
            "rate" => {
                let matches = values.get("matches").and_then(Value::as_u64);
                let total = values.get("total").and_then(Value::as_u64);
                if let (Some(t), Some(n)) = (matches, total) {
                    values.insert("passes".into(), t.into());
                    values.insert("fails".into(), n.saturating_sub(t).into());
                }
            }
            "counter" => {
                let count = values.get("count").and_then(Value::as_f64);
                if let (Some(c), Some(d)) = (count, duration_s.filter(|d| *d > 0.0)) {
                    values.insert("rate".into(), (c / d).into());
                }
            }
            _ => {}
        }
        metrics.insert(
            name.to_string(),
            serde_json::json!({ "type": kind, "contains": m.get("contains"), "values": values }),
        );
    }
    let checks = doc
        .pointer("/results/checks/results")
        .cloned()
        .unwrap_or_else(|| Value::Array(Vec::new()));
    let mut out = serde_json::json!({
        "metrics": metrics,
        "root_group": { "name": "", "path": "", "groups": [], "checks": checks },
    });
    if let Some(d) = duration_s {
        out["state"] = serde_json::json!({ "testRunDurationMs": d * 1000.0 });
    }
    Some(out)
}

/// Reads a whole (small) JSON document, with the line and column of a syntax error.
pub(crate) fn read_json_document(path: &Path) -> Result<Value, InputError> {
    let mut text = Vec::new();
    std::io::Read::read_to_end(&mut input::open(path)?, &mut text)
        .map_err(|e| InputError::new(path, format!("cannot read: {e}")))?;
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(InputError::new(path, "the file is empty"));
    }
    input::check_json_numbers(path, &text, 1)?;
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
    fn shards(&self) -> super::Shards {
        super::Shards::PerRequest
    }
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
    if !opts.no_fast_path {
        let make = || K6Chunk {
            lines: K6Lines::new(path, opts),
            newlines: 0,
        };
        let chunks = chunked::parse_path(path, 0, opts, builder, make)?;
        if let Some(mut chunks) = chunks {
            // A request waiting for its `http_req_failed` point at the end of
            // a chunk (never the last, so never a gzip file's only one): the
            // lines after the chunk decide it.
            let last = chunks.len().saturating_sub(1);
            for (k, c) in chunks.iter_mut().enumerate() {
                if c.error.is_some() || c.parser.lines.pending.is_none() {
                    continue;
                }
                if k < last {
                    c.parser.lines.lookahead = true;
                    let mut file = std::fs::File::open(path)
                        .map_err(|e| InputError::new(path, format!("cannot open: {e}")))?;
                    std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(c.end))
                        .map_err(|e| InputError::new(path, format!("cannot read: {e}")))?;
                    // Lines capped like every other read (the next chunk names the line).
                    let mut reader = std::io::BufReader::new(input::LineCap::new(file));
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
        let fast = !self.lines.opts.no_fast_path;
        let mut at = 0;
        while at < limit {
            // Most lines are points of metrics perfreport does not use: their
            // end is found in the same pass that checks them ([`plain_line`]
            // would skip them too).
            if let Some(head) = unused_head(&buf[at..]).filter(|_| fast) {
                if let Some(end) = unused_line_end(buf, at + head) {
                    if buf[at..end].trim_ascii_end().ends_with(b"}") {
                        self.lines.any = true;
                        self.newlines += 1;
                        at = end + 1;
                        continue;
                    }
                }
            }
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

/// `{"metric":"` and the name of a metric perfreport does not use (without
/// escapes or line ends) at the start of `b`: their length.
fn unused_head(b: &[u8]) -> Option<usize> {
    const HEAD: &[u8] = b"{\"metric\":\"";
    let rest = b.strip_prefix(HEAD)?;
    let q = special_at(rest)?;
    match &rest[..q] {
        _ if rest[q] != b'"' => None,
        b"http_req_duration" | b"http_req_failed" | b"vus" => None,
        _ => Some(HEAD.len() + q),
    }
}

/// The first `"`, `\` or `\n` in `b`.
#[inline]
fn special_at(b: &[u8]) -> Option<usize> {
    let mut i = 0;
    #[cfg(target_arch = "x86_64")]
    while i + 16 <= b.len() {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of x86_64; the unaligned load reads b[i..i + 16].
        let m = unsafe {
            let v = _mm_loadu_si128(b.as_ptr().add(i).cast());
            let is = |c: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8));
            _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(is(b'"'), is(b'\\')), is(b'\n')))
        };
        if m != 0 {
            return Some(i + m.trailing_zeros() as usize);
        }
        i += 16;
    }
    b[i..]
        .iter()
        .position(|&c| matches!(c, b'"' | b'\\' | b'\n'))
        .map(|k| i + k)
}

/// The `\n` that ends the line going on at `buf[from]`, when no `"metric"`
/// starts between `from` and it; `None` when one does, or `buf` ends first.
fn unused_line_end(buf: &[u8], from: usize) -> Option<usize> {
    const KEY: &[u8; 8] = b"\"metric\"";
    let mut i = from;
    #[cfg(target_arch = "x86_64")]
    while i + 16 + 7 <= buf.len() {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of x86_64; the three unaligned loads read
        // buf[i..i + 23], inside `buf` by the loop condition.
        let (newline, mut key) = unsafe {
            let at = |k: usize| _mm_loadu_si128(buf.as_ptr().add(i + k).cast());
            let is = |v, c: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8));
            let v = at(0);
            // `"` at +0, `r` at +4 and `"` at +7: where `"metric"` may start.
            let key = _mm_and_si128(_mm_and_si128(is(v, b'"'), is(at(4), b'r')), is(at(7), b'"'));
            (
                _mm_movemask_epi8(is(v, b'\n')) as u32,
                _mm_movemask_epi8(key) as u32,
            )
        };
        if newline != 0 {
            key &= (1 << newline.trailing_zeros()) - 1;
        }
        while key != 0 {
            let k = i + key.trailing_zeros() as usize;
            if &buf[k..k + 8] == KEY {
                return None;
            }
            key &= key - 1;
        }
        if newline != 0 {
            return Some(i + newline.trailing_zeros() as usize);
        }
        i += 16;
    }
    let end = i + memchr::memchr(b'\n', &buf[i..])?;
    METRIC_KEY.find(&buf[i..end]).is_none().then_some(end)
}

/// The `"metric"` key: a line that holds it twice is not plainly anything.
static METRIC_KEY: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"metric\""));

/// True when `t` (a trimmed line) is plainly a point or declaration of a
/// metric perfreport does not use (`http_req_blocked`, `data_sent`, …): one
/// `"metric":"…"` key naming another metric, in a line that starts with `{`
/// and ends with `}`. Such lines are skipped without parsing their JSON.
fn unused_metric(t: &[u8]) -> bool {
    const KEY: &[u8] = b"\"metric\":\"";
    if !(t.starts_with(b"{") && t.ends_with(b"}")) {
        return false;
    }
    // k6 writes points as `{"metric":"…",…}`: the key is found without a search.
    let f = if t[1..].starts_with(KEY) {
        1
    } else {
        match METRIC_KEY.find(t) {
            Some(f) if t[f..].starts_with(KEY) => f,
            _ => return false,
        }
    };
    let rest = &t[f + KEY.len()..];
    let Some(end) = memchr::memchr(b'"', rest) else {
        return false;
    };
    !matches!(
        &rest[..end],
        b"http_req_duration" | b"http_req_failed" | b"vus"
    ) && !rest[..end].contains(&b'\\')
        && METRIC_KEY.find(&t[..f]).is_none()
        && METRIC_KEY.find(&rest[end..]).is_none()
}

/// The tags perfreport reads from a point.
#[derive(Default)]
struct PointTags<'a> {
    name: Option<&'a str>,
    url: Option<&'a str>,
    method: Option<&'a str>,
    status: Option<&'a str>,
    expected_response: Option<&'a str>,
    error: Option<&'a str>,
    error_code: Option<&'a str>,
}

impl<'a> PointTags<'a> {
    fn of(tags: &'a Tags<'_>) -> Self {
        PointTags {
            name: s(&tags.name),
            url: s(&tags.url),
            method: s(&tags.method),
            status: s(&tags.status),
            expected_response: s(&tags.expected_response),
            error: s(&tags.error),
            error_code: s(&tags.error_code),
        }
    }
}

/// A `Point` line of a used metric, read without a JSON parser.
struct PlainPoint<'a> {
    metric: &'a str,
    time: &'a str,
    value: f64,
    tags: PointTags<'a>,
}

/// What [`plain_line`] made of a line.
enum Plain<'a> {
    /// A metric perfreport does not use ([`unused_metric`]).
    Unused,
    /// A point of a used metric, in k6's own layout.
    Point(PlainPoint<'a>),
    /// Anything else: for the JSON parser.
    Other,
}

/// Reads `t` (a trimmed line) when it has exactly the layout k6 writes:
/// `{"metric":"…","type":"Point","data":{"time":"…","value":…,"tags":{"k":"v",…}}}`
/// with no whitespace, escapes or control characters, valid UTF-8, string
/// tag values, a plain decimal value (`chunked::decimal`), each tag
/// perfreport reads at most once. The fields are then those serde_json
/// gives; any other point of a used metric is [`Plain::Other`], for the JSON
/// parser.
fn plain_line(t: &[u8]) -> Plain<'_> {
    const HEAD: &[u8] = b"{\"metric\":\"";
    let Some(rest) = t.strip_prefix(HEAD) else {
        return if unused_metric(t) {
            Plain::Unused
        } else {
            Plain::Other
        };
    };
    let Some(q) = rest.iter().position(|&b| b == b'"') else {
        return Plain::Other;
    };
    let metric = match &rest[..q] {
        b"http_req_duration" => "http_req_duration",
        b"http_req_failed" => "http_req_failed",
        b"vus" => "vus",
        // What `unused_metric` checks, with the key already found.
        name => {
            let unused = !name.contains(&b'\\')
                && t.ends_with(b"}")
                && METRIC_KEY.find(&rest[q..]).is_none();
            return if unused { Plain::Unused } else { Plain::Other };
        }
    };
    match plain_point(&rest[q..]) {
        Some((time, value, tags)) => Plain::Point(PlainPoint {
            metric,
            time,
            value,
            tags,
        }),
        None => Plain::Other,
    }
}

/// Where the `"` of a line are, found 16 bytes at a time.
struct Quotes {
    at: [u32; Quotes::MAX],
    n: usize,
}

impl Quotes {
    /// More quotes than this: the JSON parser reads the line.
    const MAX: usize = 96;

    /// The quotes of `p`; `None` when `p` holds a `\` (an escape) or a
    /// control character (which JSON strings cannot hold), or too many quotes.
    fn find(p: &[u8]) -> Option<Quotes> {
        let mut at = [0; Quotes::MAX];
        let mut n = 0;
        let mut base = 0;
        while base < p.len() {
            let block: [u8; 16] = match p.get(base..base + 16) {
                Some(b) => b.try_into().expect("16 bytes"),
                None => {
                    // The last bytes, padded with spaces (neither quote, escape nor control).
                    let mut b = [b' '; 16];
                    b[..p.len() - base].copy_from_slice(&p[base..]);
                    b
                }
            };
            let (mut quotes, odd) = masks16(&block);
            if odd != 0 {
                return None;
            }
            while quotes != 0 {
                *at.get_mut(n)? = (base + quotes.trailing_zeros() as usize) as u32;
                n += 1;
                quotes &= quotes - 1;
            }
            base += 16;
        }
        Some(Quotes { at, n })
    }
}

/// Bit i set where `block[i]` is `"`, and where it is `\` or a control character.
#[inline]
fn masks16(block: &[u8; 16]) -> (u32, u32) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of x86_64; the load is unaligned and reads exactly 16 bytes.
        unsafe {
            let v = _mm_loadu_si128(block.as_ptr().cast());
            let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
            let escape = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
            // b <= 0x1f (unsigned) exactly when min(b, 0x1f) == b.
            let control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
            let odd = _mm_movemask_epi8(_mm_or_si128(escape, control)) as u32;
            (_mm_movemask_epi8(quote) as u32, odd)
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let (mut quote, mut odd) = (0u32, 0u32);
        for (i, &b) in block.iter().enumerate() {
            quote |= u32::from(b == b'"') << i;
            odd |= u32::from(b == b'\\' || b < 0x20) << i;
        }
        (quote, odd)
    }
}

/// A position in a line being read by [`plain_point`].
struct Cursor<'a, 'q> {
    text: &'a str,
    at: usize,
    /// The quotes not passed yet (and some passed by `eat`).
    quotes: &'q [u32],
}

impl<'a> Cursor<'a, '_> {
    /// Steps over `lit`, which must come next.
    #[inline(always)]
    fn eat(&mut self, lit: &[u8]) -> Option<()> {
        self.text.as_bytes()[self.at..].starts_with(lit).then(|| {
            self.at += lit.len();
        })
    }

    /// The next byte, stepped over.
    #[inline(always)]
    fn next(&mut self) -> Option<u8> {
        let b = *self.text.as_bytes().get(self.at)?;
        self.at += 1;
        Some(b)
    }

    /// The text up to the next `"` (not stepped over).
    #[inline(always)]
    fn string(&mut self) -> Option<&'a str> {
        while let Some((&q, rest)) = self.quotes.split_first() {
            self.quotes = rest;
            let q = q as usize;
            if q >= self.at {
                let s = self.text.get(self.at..q)?;
                self.at = q;
                return Some(s);
            }
        }
        None
    }

    /// The text up to the next `,` (not stepped over).
    #[inline(always)]
    fn until_comma(&mut self) -> Option<&'a str> {
        let n = self.text.as_bytes()[self.at..]
            .iter()
            .position(|&b| b == b',')?;
        let s = self.text.get(self.at..self.at + n)?;
        self.at += n;
        Some(s)
    }
}

/// After the metric name: `","type":"Point","data":{…}}`.
fn plain_point(p: &[u8]) -> Option<(&str, f64, PointTags<'_>)> {
    // Escapes and control characters go to the JSON parser, so every string
    // below is its bytes as they are (UTF-8, as the JSON parser reads it).
    let quotes = Quotes::find(p)?;
    let mut c = Cursor {
        text: std::str::from_utf8(p).ok()?,
        at: 0,
        quotes: &quotes.at[..quotes.n],
    };
    c.eat(b"\",\"type\":\"Point\",\"data\":{\"time\":\"")?;
    let time = c.string()?;
    c.eat(b"\",\"value\":")?;
    let num = c.until_comma()?.as_bytes();
    // JSON has no leading zeros (`01`): the parser refuses them.
    if num.len() > 1 && num[0] == b'0' && num[1] != b'.' {
        return None;
    }
    let value = chunked::decimal(num)?;
    c.eat(b",\"tags\":{")?;
    let mut tags = PointTags::default();
    if c.eat(b"}").is_none() {
        loop {
            c.eat(b"\"")?;
            let key = c.string()?;
            c.eat(b"\":\"")?;
            let val = c.string()?;
            c.at += 1;
            let slot = match key {
                "name" => Some(&mut tags.name),
                "url" => Some(&mut tags.url),
                "method" => Some(&mut tags.method),
                "status" => Some(&mut tags.status),
                "expected_response" => Some(&mut tags.expected_response),
                "error" => Some(&mut tags.error),
                "error_code" => Some(&mut tags.error_code),
                _ => None,
            };
            // A tag read twice is an error for the JSON parser.
            if slot.is_some_and(|slot| slot.replace(val).is_some()) {
                return None;
            }
            match c.next()? {
                b',' => {}
                b'}' => break,
                _ => return None,
            }
        }
    }
    (&p[c.at..] == b"}}").then_some((time, value, tags))
}

/// Endpoint names of the last few `name` (or `url`) tags seen: most runs
/// have a few, and generalising a URL costs more than finding it here.
#[derive(Default)]
struct Names {
    /// (generalised as a URL, the tag, its endpoint name), newest first.
    recent: Vec<(bool, String, String)>,
}

impl Names {
    /// How many names are remembered.
    const KEEP: usize = 64;

    /// The endpoint name of a request's `name` and `url` tags.
    fn get(&mut self, name: Option<&str>, url: Option<&str>, opts: &ReadOptions) -> &str {
        let (raw, as_url) = match (name, url) {
            (Some(n), _) if !n.is_empty() => (n, n.contains("://")),
            (_, Some(u)) if !u.is_empty() => (u, true),
            _ => return "(unnamed)",
        };
        let i = match self
            .recent
            .iter()
            .position(|(u, k, _)| *u == as_url && k == raw)
        {
            Some(i) => i,
            None => {
                let endpoint = if as_url {
                    opts.naming.name(raw)
                } else {
                    raw.to_string()
                };
                self.recent.truncate(Self::KEEP - 1);
                self.recent.insert(0, (as_url, raw.to_string(), endpoint));
                0
            }
        };
        &self.recent[i].2
    }
}

/// Unix µs of an RFC 3339 time in the one form [`chunked::rfc3339`] reads
/// (as chrono computes it); `None` for any other form (the caller asks chrono then).
fn plain_time_us(b: &[u8]) -> Option<i64> {
    chunked::rfc3339(b).map(|(secs, nanos)| secs * 1_000_000 + i64::from(nanos / 1000))
}

/// Reads k6 JSON lines one at a time (sequentially or in a chunk).
struct K6Lines<'a> {
    path: &'a Path,
    opts: &'a ReadOptions,
    pending: Option<Pending>,
    any: bool,
    /// Only deciding `pending` from the lines after a chunk: nothing else is recorded.
    lookahead: bool,
    names: Names,
}

impl<'a> K6Lines<'a> {
    fn new(path: &'a Path, opts: &'a ReadOptions) -> Self {
        K6Lines {
            path,
            opts,
            pending: None,
            any: false,
            lookahead: false,
            names: Names::default(),
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

    fn at(&self, line_no: u64, msg: String) -> InputError {
        InputError::at(
            self.path,
            Position {
                line: line_no,
                column: None,
            },
            msg,
        )
    }

    /// One line (`line_no` counts from 1).
    fn line(&mut self, raw: &[u8], line_no: u64, sink: &mut impl Sink) -> Result<(), InputError> {
        let t = raw.trim_ascii();
        if t.is_empty() {
            return Ok(());
        }
        self.any = true;
        if !self.opts.no_fast_path {
            match plain_line(t) {
                Plain::Unused => return Ok(()),
                Plain::Point(p) => {
                    return self.point(p.metric, Some(p.value), p.time, &p.tags, line_no, sink)
                }
                Plain::Other => {}
            }
        }
        let text = String::from_utf8_lossy(raw);
        let line = text.trim();
        if line.is_empty() {
            return Ok(());
        }
        if let Err(e) = input::check_json_numbers(self.path, line.as_bytes(), line_no) {
            return self.bad(sink, e);
        }
        let parsed: Line<'_> = match serde_json::from_str(line) {
            Ok(l) => l,
            Err(e) => return self.bad(sink, json_error(self.path, &e, line_no.saturating_sub(1))),
        };
        if parsed.kind.0 != "Point" {
            return Ok(());
        }
        let metric = s(&parsed.metric).unwrap_or_default();
        if !matches!(metric, "http_req_duration" | "http_req_failed" | "vus") {
            return Ok(());
        }
        let Some(data) = parsed.data else {
            return self.bad(
                sink,
                self.at(line_no, format!("a `{metric}` point without `data`")),
            );
        };
        let tags = data.tags.unwrap_or_default();
        let time = s(&data.time).unwrap_or_default();
        self.point(
            metric,
            data.value,
            time,
            &PointTags::of(&tags),
            line_no,
            sink,
        )
    }

    /// A point of `http_req_duration`, `http_req_failed` or `vus`.
    fn point(
        &mut self,
        metric: &str,
        value: Option<f64>,
        time: &str,
        tags: &PointTags<'_>,
        line_no: u64,
        sink: &mut impl Sink,
    ) -> Result<(), InputError> {
        let opts = self.opts;
        let Some(value) = value.filter(|v| v.is_finite()) else {
            return self.bad(
                sink,
                self.at(
                    line_no,
                    format!("a `{metric}` point without a numeric `value`"),
                ),
            );
        };
        let t_ms = if opts.no_fast_path {
            time_ms(time)
        } else {
            plain_time_us(time.as_bytes())
                .map(|us| us as f64 / 1000.0)
                .or_else(|| time_ms(time))
        };
        let Some(t_ms) = t_ms else {
            return self.bad(
                sink,
                self.at(
                    line_no,
                    format!("`{time}` in `time` is not an RFC 3339 time"),
                ),
            );
        };
        self.point_at(metric, value, t_ms, time, tags, sink);
        Ok(())
    }

    /// A point at `t_ms` (Unix ms); `time` as written pairs a request's
    /// `http_req_duration` and `http_req_failed` points.
    fn point_at(
        &mut self,
        metric: &str,
        value: f64,
        t_ms: f64,
        time: &str,
        tags: &PointTags<'_>,
        sink: &mut impl Sink,
    ) {
        let opts = self.opts;
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
                    return;
                }
                let name: Cow<'_, str> = if opts.no_fast_path {
                    match (tags.name, tags.url) {
                        (Some(n), _) if !n.is_empty() => Cow::Owned(endpoint_name(n, opts)),
                        (_, Some(u)) if !u.is_empty() => Cow::Owned(opts.naming.name(u)),
                        _ => Cow::Borrowed("(unnamed)"),
                    }
                } else {
                    Cow::Borrowed(self.names.get(tags.name, tags.url, opts))
                };
                let method = tags.method.unwrap_or_default();
                let status = tags
                    .status
                    .and_then(|s| s.parse::<u16>().ok())
                    .filter(|s| *s > 0);
                let error = match (tags.error, tags.error_code) {
                    (Some(e), _) if !e.is_empty() => Some(Cow::Borrowed(e)),
                    (_, Some(c)) if !c.is_empty() && status.is_none() => {
                        Some(Cow::Owned(format!("k6 error_code {c}")))
                    }
                    _ if status.is_none() => Some(Cow::Borrowed("no response")),
                    _ => None,
                };
                // k6 stamps a request's points when it ends.
                let start_ms = t_ms - value;
                match tags.expected_response {
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
                            name: name.into_owned(),
                            status,
                            error: error.map(Cow::into_owned),
                        });
                    }
                }
            }
        }
    }
}

// -------------------------------------------------------------------- CSV

/// `k6 run --out csv=results.csv`: one row per metric sample,
/// `metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,…`.
/// Read as the JSON lines are: one request per `http_req_duration` row, its
/// outcome from `expected_response`, else from the `http_req_failed` row of
/// the same request, else from its status.
pub struct Csv;

impl Reader for Csv {
    fn shards(&self) -> super::Shards {
        super::Shards::PerRequest
    }
    fn id(&self) -> &'static str {
        "k6-csv"
    }

    fn describe(&self) -> &'static str {
        "k6 CSV output (k6 run --out csv=results.csv script.js)"
    }

    fn sniff(&self, _name: &str, head: &[u8]) -> bool {
        first_line(head).starts_with("metric_name,timestamp,metric_value")
    }

    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        opts: &ReadOptions,
    ) -> Result<(), InputError> {
        read_csv(path, builder, opts)
    }
}

/// Unix ms of a k6 CSV `timestamp`: whole seconds by default (`timeFormat`
/// `unix`), milliseconds or microseconds (`unix_milli`, `unix_micro`, told by
/// their size), or RFC 3339 (`rfc3339`, `rfc3339_nano`).
fn csv_time_ms(t: &str) -> Option<f64> {
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        let v: f64 = t.parse().ok()?;
        return Some(match t.len() {
            ..=11 => v * 1000.0,
            12..=14 => v,
            _ => v / 1000.0,
        });
    }
    time_ms(t)
}

fn read_csv(path: &Path, builder: &mut RunBuilder, opts: &ReadOptions) -> Result<(), InputError> {
    builder.tool("k6", None);
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(input::open(path)?);
    let header = csv
        .headers()
        .map_err(|e| InputError::new(path, format!("cannot read the header: {e}")))?
        .clone();
    let col = |n: &str| header.iter().position(|h| h.trim() == n);
    let (Some(metric_i), Some(time_i), Some(value_i)) =
        (col("metric_name"), col("timestamp"), col("metric_value"))
    else {
        return Err(InputError::at(
            path,
            Position {
                line: 1,
                column: None,
            },
            "the header lacks metric_name, timestamp or metric_value",
        ));
    };
    let tag = |n: &str| col(n);
    let (name_i, url_i, method_i, status_i, expected_i, error_i, code_i) = (
        tag("name"),
        tag("url"),
        tag("method"),
        tag("status"),
        tag("expected_response"),
        tag("error"),
        tag("error_code"),
    );
    let mut lines = K6Lines::new(path, opts);
    let mut record = csv::StringRecord::new();
    let mut seconds = false;
    let mut dropped = 0.0;
    loop {
        match csv.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                let err = InputError::at(path, Position { line, column: None }, e.to_string());
                builder.bad_row(err, opts.skip_bad_rows)?;
                continue;
            }
        }
        lines.any = true;
        let line = record.position().map_or(0, csv::Position::line);
        let metric = record.get(metric_i).unwrap_or_default().trim();
        if metric == "dropped_iterations" {
            let v = record.get(value_i).unwrap_or_default().trim();
            dropped += v
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v > 0.0)
                .unwrap_or(0.0);
            continue;
        }
        if !matches!(metric, "http_req_duration" | "http_req_failed" | "vus") {
            continue;
        }
        let at = |i: usize, msg: String| {
            InputError::at(
                path,
                Position {
                    line,
                    column: Some(i as u64 + 1),
                },
                msg,
            )
        };
        let time = record.get(time_i).unwrap_or_default().trim();
        let Some(t_ms) = csv_time_ms(time) else {
            let e = at(
                time_i,
                format!("`{time}` in column `timestamp` is not a time"),
            );
            builder.bad_row(e, opts.skip_bad_rows)?;
            continue;
        };
        seconds |= time.len() <= 11 && time.bytes().all(|b| b.is_ascii_digit());
        let raw = record.get(value_i).unwrap_or_default().trim();
        let Some(value) = raw.parse::<f64>().ok().filter(|v| v.is_finite()) else {
            let e = at(
                value_i,
                format!("`{raw}` in column `metric_value` is not a number"),
            );
            builder.bad_row(e, opts.skip_bad_rows)?;
            continue;
        };
        let get = |i: Option<usize>| i.and_then(|i| record.get(i)).filter(|v| !v.is_empty());
        let tags = PointTags {
            name: get(name_i),
            url: get(url_i),
            method: get(method_i),
            status: get(status_i),
            expected_response: get(expected_i),
            error: get(error_i),
            error_code: get(code_i),
        };
        lines.point_at(metric, value, t_ms, time, &tags, builder);
    }
    lines.end(builder);
    if !lines.any {
        return Err(InputError::new(path, "the file has no rows"));
    }
    if dropped > 0.0 {
        builder.note(format!(
            "k6 dropped {dropped} iterations (`dropped_iterations`): an arrival-rate executor \
             had no free VU to start them, so the load applied was lower than planned."
        ));
    }
    if seconds {
        builder.note(
            "k6's CSV stamps samples in whole seconds (timeFormat `unix`): request start times \
             are the end second minus the duration, so the time series is only as fine as that.",
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RunMeta;

    #[test]
    fn a_non_digit_in_a_timestamp_is_no_time_and_no_overflow() {
        // The digit pair was computed before it was checked: 0xff - b'0' times
        // ten overflowed (a panic in debug builds; seeded mutations found it).
        assert_eq!(plain_time_us(b"20\xff5-01-01T00:00:00Z"), None);
        assert_eq!(plain_time_us(b"2025-01-01T00:00:0\xffZ"), None);
        assert!(plain_time_us(b"2025-01-01T00:00:00Z").is_some());
    }

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
    fn a_broken_line_read_ahead_as_line_zero_is_an_error_not_a_panic() {
        // The chunked reader reads past a chunk's end with line number 0;
        // a JSON error there computed 0 - 1 (found by the k6_ndjson fuzz target).
        let opts = ReadOptions::default();
        let mut lines = K6Lines::new(Path::new("x.ndjson"), &opts);
        let mut b = RunBuilder::new();
        assert!(lines.line(b"{\"type\":\"Point\",", 0, &mut b).is_err());
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

    /// What serde_json makes of a line, as the general path reads it: the
    /// metric, time, value and tags of a point, or `None` for another line.
    type Fields = (String, String, Option<f64>, Vec<Option<String>>);

    fn by_serde(line: &str) -> Result<Option<Fields>, serde_json::Error> {
        let l: Line<'_> = serde_json::from_str(line)?;
        if l.kind.0 != "Point" {
            return Ok(None);
        }
        let metric = s(&l.metric).unwrap_or_default().to_string();
        let Some(data) = l.data else {
            return Ok(Some((metric, String::new(), None, vec![])));
        };
        let tags = data.tags.unwrap_or_default();
        let t = PointTags::of(&tags);
        Ok(Some((
            metric,
            s(&data.time).unwrap_or_default().to_string(),
            data.value,
            tag_list(&t),
        )))
    }

    fn tag_list(t: &PointTags<'_>) -> Vec<Option<String>> {
        [
            t.name,
            t.url,
            t.method,
            t.status,
            t.expected_response,
            t.error,
            t.error_code,
        ]
        .iter()
        .map(|v| v.map(str::to_string))
        .collect()
    }

    /// Checks `plain_line` against serde_json on `line`; returns what `plain_line` said.
    fn agrees(line: &str) -> &'static str {
        let serde = by_serde(line);
        match plain_line(line.as_bytes()) {
            Plain::Point(p) => {
                let (metric, time, value, tags) = serde
                    .unwrap_or_else(|e| panic!("read plainly, but JSON error {e}: {line}"))
                    .unwrap_or_else(|| panic!("read plainly, but not a point: {line}"));
                assert_eq!(p.metric, metric, "{line}");
                assert_eq!(p.time, time, "{line}");
                assert_eq!(Some(p.value.to_bits()), value.map(f64::to_bits), "{line}");
                assert_eq!(tag_list(&p.tags), tags, "{line}");
                "point"
            }
            Plain::Unused => {
                if let Ok(Some((metric, ..))) = serde {
                    assert!(
                        !matches!(
                            metric.as_str(),
                            "http_req_duration" | "http_req_failed" | "vus"
                        ),
                        "skipped a used point: {line}"
                    );
                }
                "unused"
            }
            Plain::Other => "other",
        }
    }

    #[test]
    fn plain_lines_read_like_serde_and_anything_unusual_goes_to_it() {
        let tags = r#""tags":{"expected_response":"true","group":"","method":"GET","name":"http://localhost:8080/health","proto":"HTTP/1.1","scenario":"default","status":"200","url":"http://localhost:8080/health"}"#;
        let point = |metric: &str, value: &str, tags: &str| {
            format!(
                r#"{{"metric":"{metric}","type":"Point","data":{{"time":"2024-03-27T16:31:33.889147-03:00","value":{value},{tags}}}}}"#
            )
        };
        let d = "http_req_duration";
        let cases: Vec<(String, &str)> = vec![
            // k6's own layout, as in the real files.
            (point(d, "18.498", tags), "point"),
            (point("http_req_failed", "0", tags), "point"),
            (point("vus", "10", r#""tags":{}"#), "point"),
            (
                point(
                    d,
                    "586.3106",
                    r#""tags":{"error_code":"1500","expected_response":"false","group":"","method":"POST","name":"http://localhost:8080/event/reserve","proto":"HTTP/1.1","scenario":"default","status":"500","url":"http://localhost:8080/event/reserve"}"#,
                ),
                "point",
            ),
            (point(d, "0.5", r#""tags":{"name":"a,b}{c:d","x":""}"#), "point"),
            (point(d, "7", r#""tags":{"metric":"data_sent"}"#), "point"),
            (point(d, "1", r#""tags":{"name":"/café/ünï"}"#), "point"),
            (point(d, "1", r#""tags":{"name":"€ 💡"}"#), "point"),
            (point(d, "123456789012345", r#""tags":{}"#), "point"),
            (point(d, "0.000001", r#""tags":{}"#), "point"),
            // Escapes, control characters, other values and layouts: serde_json reads them.
            (point(d, "1", r#""tags":{"name":"say \"hi\""}"#), "other"),
            (point(d, "1", r#""tags":{"name":"caf\u00e9"}"#), "other"),
            (point(d, "1", r#""tags":{"name":"a\/b"}"#), "other"),
            (point(d, "1", "\"tags\":{\"name\":\"tab\there\"}"), "other"),
            (point(d, "1", r#""tags":{"name":"a","name":"b"}"#), "other"),
            (point(d, "1", r#""tags":{"status":200}"#), "other"),
            (point(d, "1", r#""tags":{"x":1,"name":"n"}"#), "other"),
            (point(d, "1", r#""tags":null"#), "other"),
            (point(d, "1e3", r#""tags":{}"#), "other"),
            (point(d, "-1", r#""tags":{}"#), "other"),
            (point(d, "01", r#""tags":{}"#), "other"),
            (point(d, "1.", r#""tags":{}"#), "other"),
            (point(d, "null", r#""tags":{}"#), "other"),
            (point(d, "1234567890123456", r#""tags":{}"#), "other"),
            (point(d, "1", r#""tags":{},"metadata":{"trace_id":"x"}"#), "other"),
            (
                r#"{"metric":"http_req_duration","type":"Point","data":{"time":"2024-01-01T00:00:00Z","value":1}}"#.to_string(),
                "other",
            ),
            (
                r#"{"type":"Point","metric":"http_req_duration","data":{"time":"2024-01-01T00:00:00Z","value":1,"tags":{}}}"#.to_string(),
                "other",
            ),
            (
                r#"{"metric":"http_req_duration","data":{"time":"2024-01-01T00:00:00Z","value":1,"tags":{}},"type":"Point"}"#.to_string(),
                "other",
            ),
            (
                r#"{"metric":"http_req_duration","type":"Point","data":{"value":1,"time":"2024-01-01T00:00:00Z","tags":{}}}"#.to_string(),
                "other",
            ),
            (
                r#"{"metric": "http_req_duration", "type": "Point", "data": {"time": "2024-01-01T00:00:00Z", "value": 1, "tags": {}}}"#.to_string(),
                "other",
            ),
            (
                r#"{"metric":"http_req_duration","type":"Point","data":{"time":"2024-01-01T00:00:00Z","value":1,"tags":{}},"extra":1}"#.to_string(),
                "other",
            ),
            (
                r#"{"metric":"http_req_\u0064uration","type":"Point","data":{"time":"2024-01-01T00:00:00Z","value":1,"tags":{}}}"#.to_string(),
                "other",
            ),
            (point(d, "1", r#""tags":{}}"#), "other"),
            // Metrics perfreport does not use, and declarations.
            (point("http_req_blocked", "1.396", tags), "unused"),
            (point("data_sent", "86", r#""tags":{"group":"","scenario":"default"}"#), "unused"),
            (
                r#"{"type":"Metric","data":{"name":"http_reqs","type":"counter","contains":"default","thresholds":[],"submetrics":null},"metric":"http_reqs"}"#.to_string(),
                "unused",
            ),
            (
                r#"{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":[],"submetrics":null},"metric":"http_req_duration"}"#.to_string(),
                "other",
            ),
            (
                r#"{"metric":"data_sent","type":"Point","data":{"time":"2024-01-01T00:00:00Z","value":1,"tags":{}},"metric":"http_req_duration"}"#.to_string(),
                "other",
            ),
            (
                r#"{"metric":"data\"sent","type":"Point","data":{"time":"2024-01-01T00:00:00Z","value":1,"tags":{}}}"#.to_string(),
                "other",
            ),
        ];
        for (line, want) in &cases {
            assert_eq!(agrees(line), *want, "{line}");
        }
        // Every line of the real files: only the declarations of the metrics
        // perfreport reads go to serde_json.
        for f in [
            "ndjson/golangapi-2024_results.ndjson",
            "ndjson/ticketreserve-2024_out.ndjson",
        ] {
            let text = std::fs::read_to_string(Path::new(FIXTURES).join(f)).unwrap();
            for line in text.lines() {
                let declaration = line.starts_with(r#"{"type":"Metric""#)
                    && ["http_req_duration", "http_req_failed", "vus"]
                        .iter()
                        .any(|m| line.ends_with(&format!(r#""metric":"{m}"}}"#)));
                assert_eq!(agrees(line) == "other", declaration, "{f}: {line}");
            }
        }
    }

    #[test]
    fn unused_lines_end_where_they_end_and_only_when_plain_line_skips_them() {
        let lines = [
            r#"{"metric":"http_req_blocked","type":"Point","data":{"time":"2024-03-27T16:31:33.889147-03:00","value":1.396,"tags":{"expected_response":"true","group":"","method":"GET","name":"http://localhost:8080/health","proto":"HTTP/1.1","scenario":"default","status":"200","url":"http://localhost:8080/health"}}}"#,
            r#"{"metric":"data_sent","type":"Point","data":{"time":"2024-03-27T16:31:34.890434-03:00","value":86,"tags":{"group":"","scenario":"default"}}}"#,
            r#"{"metric":"x"}"#,
            r#"{"metric":"x"} "#,
            "{\"metric\":\"x\"}\r",
            r#"{"metric":"x","a":"metric","b":"metri"}"#,
            r#"{"metric":"x","tags":{"k":"v"},"metric":"http_req_duration"}"#,
            r#"{"metric":"data_sent","tags":{"0123456789abcdef0123":"metric"},"metric":"y"}"#,
            r#"{"metric":"x","pad":"0123456789","metric":"y"}"#,
            r#"{"metric":"x","pad":"01234567890","metric":"y"}"#,
            r#"{"metric":"x","pad":"012345678901","metric":"y"}"#,
            r#"{"metric":"x","y":"a" }"#,
            r#"{"metric":"x","y":"a"} x"#,
            r#"{"metric":"x\"y","a":1}"#,
            r#"{"metric":"vus","type":"Point","data":{"time":"2024-03-27T16:31:34.868917-03:00","value":10,"tags":{}}}"#,
            r#" {"metric":"x"}"#,
        ];
        for (i, line) in lines.iter().enumerate() {
            let next = lines[(i + 1) % lines.len()];
            let plain = matches!(plain_line(line.trim_ascii().as_bytes()), Plain::Unused);
            // The line alone, with the next one after it, and at every offset of a 16-byte block.
            for pad in 0..17 {
                for tail in ["", next, r#"{"metric":"data_sent","metric":""}"#] {
                    let buf = format!("{}{line}\n{tail}", "\n".repeat(pad));
                    let b = &buf.as_bytes()[pad..];
                    let fused = unused_head(b)
                        .and_then(|h| unused_line_end(b, h))
                        .filter(|&end| b[..end].trim_ascii_end().ends_with(b"}"));
                    if let Some(end) = fused {
                        assert_eq!(end, line.len(), "{line}");
                    }
                    let want = plain && !line.starts_with(' ');
                    assert_eq!(fused.is_some(), want, "{line} (then {tail:?})");
                }
            }
        }
        // A line with no end yet is left for the next read.
        assert_eq!(unused_line_end(br#"{"metric":"x","a":1}"#, 12), None);
    }

    #[test]
    fn quotes_are_found_and_escapes_and_control_characters_refused() {
        let mut seed: u64 = 7;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as u8
        };
        for len in 0..200 {
            for _ in 0..20 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| match next() % 8 {
                        0 => b'"',
                        1 if next() % 16 == 0 => b'\\',
                        2 if next() % 16 == 0 => next() % 0x20,
                        3 => 0x80 | next(),
                        _ => b'a' + next() % 26,
                    })
                    .collect();
                let want: Vec<u32> = (0..len as u32)
                    .filter(|&i| bytes[i as usize] == b'"')
                    .collect();
                let odd = bytes.iter().any(|&b| b == b'\\' || b < 0x20);
                match Quotes::find(&bytes) {
                    Some(q) => {
                        assert!(!odd, "{bytes:?}");
                        assert_eq!(&q.at[..q.n], &want[..], "{bytes:?}");
                    }
                    None => assert!(odd || want.len() > Quotes::MAX, "{bytes:?}"),
                }
            }
        }
    }

    #[test]
    fn plain_times_are_chrono_times() {
        let chrono_us = |t: &str| {
            chrono::DateTime::parse_from_rfc3339(t)
                .ok()
                .map(|t| t.timestamp_micros())
        };
        let mut times = vec![
            "2024-03-27T16:31:33.889147-03:00".to_string(),
            "2024-08-05T15:24:39.4499431+07:00".into(),
            "2026-11-23T09:00:00-03:00".into(),
            "2024-01-01T00:00:00Z".into(),
            "2024-01-01T00:00:00.5Z".into(),
            "2024-01-01T00:00:00.123456789Z".into(),
            "2024-01-01T00:00:00.1234567891Z".into(),
            "2024-02-29T23:59:59.999999+00:00".into(),
            "2023-02-29T00:00:00Z".into(),
            "1900-02-29T00:00:00Z".into(),
            "2000-02-29T00:00:00Z".into(),
            "1969-12-31T23:59:59.999999Z".into(),
            "0000-01-01T00:00:00Z".into(),
            "9999-12-31T23:59:59.999999999+23:59".into(),
            "2024-01-01T00:00:00-00:00".into(),
            "2024-01-01T00:00:00+24:00".into(),
            "2024-01-01T00:00:00+05:60".into(),
            "2024-06-30T23:59:60Z".into(),
            "2024-01-01T24:00:00Z".into(),
            "2024-01-01T00:60:00Z".into(),
            "2024-13-01T00:00:00Z".into(),
            "2024-00-01T00:00:00Z".into(),
            "2024-04-31T00:00:00Z".into(),
            "2024-01-00T00:00:00Z".into(),
            "2024-01-01t00:00:00z".into(),
            "2024-01-01 00:00:00Z".into(),
            "2024-01-01T00:00:00.Z".into(),
            "2024-01-01T00:00:00".into(),
            "2024-01-01T00:00:00+0100".into(),
            "2024-01-01T00:00:00Z ".into(),
            "+2024-01-01T00:00:00Z".into(),
            "2024-1-01T00:00:00Z".into(),
            String::new(),
        ];
        let mut seed: u64 = 11;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        for _ in 0..20_000 {
            let frac = match next(11) {
                0 => String::new(),
                n => format!(".{:0width$}", next(10u64.pow(n as u32)), width = n as usize),
            };
            let offset = match next(3) {
                0 => "Z".to_string(),
                _ => format!(
                    "{}{:02}:{:02}",
                    if next(2) == 0 { '+' } else { '-' },
                    next(25),
                    next(61)
                ),
            };
            times.push(format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{frac}{offset}",
                next(10_000),
                next(14),
                next(33),
                next(25),
                next(61),
                next(61)
            ));
        }
        let mut fast = 0;
        for t in &times {
            if let Some(us) = plain_time_us(t.as_bytes()) {
                assert_eq!(Some(us), chrono_us(t), "{t}");
                fast += 1;
            }
        }
        assert!(fast > 10_000, "{fast}");
        for t in &times[..6] {
            assert!(plain_time_us(t.as_bytes()).is_some(), "{t}");
        }
    }
}
