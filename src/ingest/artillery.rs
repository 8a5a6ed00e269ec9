//! Artillery's JSON report (`artillery run --output report.json script.yml`),
//! in both schemas:
//!
//! - 2.x: `aggregate.counters` (`http.requests`, `http.responses`,
//!   `http.codes.200`, `errors.ETIMEDOUT`, …), `aggregate.summaries`
//!   (`http.response_time` with `min`, `max`, `mean`, `p50` … `p999`), and with
//!   the `metrics-by-endpoint` plugin, per-endpoint counters and summaries
//!   (`plugins.metrics-by-endpoint.response_time./path`).
//! - 1.x: `aggregate.latency` (`min`, `max`, `median`, `p95`, `p99`, in ms),
//!   `requestsCompleted`, `codes`, `errors`, `rps`.
//!
//! Requests are requests sent: 2.x `http.requests`; 1.x `requestsCompleted`
//! (responses) plus errors (requests that got none). A request failed when it
//! got no response (an `errors.*` counter: ETIMEDOUT, ECONNREFUSED,
//! ECONNRESET, …) or a status of 400 or more; 3xx is not a failure. A
//! `Failed capture or match` error happens on a response already counted (a
//! 404 or 503 whose body had nothing to capture): it is not a failed request
//! of its own but a test-code exception (it stops the virtual user). Response-time figures cover the responses only; they are
//! Artillery's own, so precision is [`Precision::Tool`]. `intermediate[]`
//! becomes the time series.

use super::{input, ReadOptions, Reader, RunBuilder};
use crate::error::InputError;
use crate::model::{
    EndpointStats, ExceptionGroup, FailureGroup, LatencyStats, Percentile, Precision, SeriesPoint,
};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// Artillery's `--output` JSON report.
pub struct Report;

impl Reader for Report {
    fn id(&self) -> &'static str {
        "artillery-json"
    }

    fn describe(&self) -> &'static str {
        "Artillery JSON report (artillery run --output report.json script.yml)"
    }

    fn sniff(&self, _name: &str, head: &[u8]) -> bool {
        let text = String::from_utf8_lossy(head);
        let body = text.trim_start_matches('\u{feff}').trim_start();
        body.starts_with('{')
            && text.contains("\"aggregate\"")
            && [
                "\"intermediate\"",
                "\"counters\"",
                "\"summaries\"",
                "\"latency\"",
                "\"requestsCompleted\"",
            ]
            .iter()
            .any(|k| text.contains(k))
    }

    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        _opts: &ReadOptions,
    ) -> Result<(), InputError> {
        builder.tool("artillery", None);
        let mut bytes = Vec::new();
        input::open(path)?
            .read_to_end(&mut bytes)
            .map_err(|e| InputError::new(path, format!("cannot read: {e}")))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(InputError::new(path, "the file is empty"));
        }
        let start = if bytes.starts_with(b"\xef\xbb\xbf") {
            3
        } else {
            0
        };
        let report: File = serde_json::from_slice(&bytes[start..])
            .map_err(|e| super::k6::json_error(path, &e, 0))?;
        let Some(agg) = report.aggregate else {
            return Err(InputError::new(
                path,
                "not an Artillery report: there is no `aggregate` object",
            ));
        };
        if agg.is_v2() {
            read_v2(path, &agg, &report.intermediate, builder)
        } else if agg.is_v1() {
            read_v1(&agg, &report.intermediate, builder);
            Ok(())
        } else {
            Err(InputError::new(
                path,
                "the Artillery report's `aggregate` has neither `counters`/`summaries` (2.x) \
                 nor `latency`/`requestsCompleted` (1.x)",
            ))
        }
    }
}

/// The report; `latencies` arrays and other unused fields are skipped unparsed.
#[derive(Deserialize)]
struct File {
    aggregate: Option<Period>,
    #[serde(default)]
    intermediate: Vec<Period>,
}

/// One period (`intermediate[i]`) or the whole run (`aggregate`), 1.x or 2.x.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Period {
    // 2.x
    counters: Option<Map<String, Value>>,
    rates: Option<Map<String, Value>>,
    summaries: Option<Map<String, Value>>,
    first_metric_at: Option<Value>,
    last_metric_at: Option<Value>,
    period: Option<Value>,
    // 1.x
    timestamp: Option<String>,
    requests_completed: Option<Value>,
    scenarios_created: Option<Value>,
    scenarios_completed: Option<Value>,
    latency: Option<Map<String, Value>>,
    rps: Option<Map<String, Value>>,
    codes: Option<Map<String, Value>>,
    errors: Option<Map<String, Value>>,
    concurrency: Option<Value>,
}

impl Period {
    fn is_v2(&self) -> bool {
        self.summaries.is_some()
            || self
                .counters
                .as_ref()
                .is_some_and(|c| c.contains_key("http.requests"))
    }

    fn is_v1(&self) -> bool {
        self.latency.is_some() || self.requests_completed.is_some()
    }

    fn counter(&self, key: &str) -> Option<u64> {
        count(self.counters.as_ref()?.get(key))
    }

    /// Sum of counters `PREFIX<x>` whose suffix `x` passes `keep`.
    fn counters_sum(&self, prefix: &str, keep: impl Fn(&str) -> bool) -> u64 {
        self.counters
            .iter()
            .flatten()
            .filter_map(|(k, v)| keep(k.strip_prefix(prefix)?).then(|| count(Some(v)))?)
            .sum()
    }

    /// 2.x failures: requests without a response (errors) + responses ≥ 400.
    fn v2_failures(&self) -> (u64, u64) {
        (
            self.counters_sum("errors.", |e| !on_response(e)),
            self.counters_sum("http.codes.", is_failure_code),
        )
    }

    fn summary(&self, key: &str) -> Option<&Map<String, Value>> {
        self.summaries.as_ref()?.get(key)?.as_object()
    }
}

/// A number, or a number written as a string (`"period": "1747906340000"`).
fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|x: &f64| x.is_finite())
}

fn count(v: Option<&Value>) -> Option<u64> {
    number(v).filter(|x| *x >= 0.0).map(|x| x.round() as u64)
}

/// An Artillery error that happens on a response already counted: a failed
/// `capture` or `match` (the body had nothing to capture). Every other error
/// means the request got no response.
fn on_response(error: &str) -> bool {
    error.to_ascii_lowercase().contains("capture or match")
}

/// Lists errors that happened on responses as test-code exceptions, with a
/// note on why they are not failed requests.
fn on_response_errors(errors: &BTreeMap<String, u64>, builder: &mut RunBuilder) {
    let total: u64 = errors.values().sum();
    if total == 0 {
        return;
    }
    for (message, count) in errors {
        builder.exception(ExceptionGroup {
            count: *count,
            message: message.clone(),
        });
    }
    let names: Vec<String> = errors.keys().map(|e| format!("`{e}`")).collect();
    builder.note(format!(
        "Artillery counted {total} {} errors: each happened on a response already counted (its status decides whether that request failed), so they are not counted again as failed requests; each stopped its virtual user's scenario and is listed as a test-code exception",
        names.join(", ")
    ));
}

fn is_failure_code(code: &str) -> bool {
    code.parse::<u16>().is_ok_and(|c| c >= 400)
}

/// `p50` → 50, `p999` → 99.9, `p9999` → 99.99, `median` → 50.
fn percentile_key(key: &str) -> Option<Percentile> {
    if key == "median" {
        return Some(Percentile::P50);
    }
    let digits = key.strip_prefix('p')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: f64 = if digits.len() <= 2 {
        digits.parse().ok()?
    } else {
        format!("{}.{}", &digits[..2], &digits[2..]).parse().ok()?
    };
    Percentile::from_percent(v)
}

/// Latency figures from a 2.x summary or the 1.x `latency` object (both ms).
fn latency(m: Option<&Map<String, Value>>) -> LatencyStats {
    let mut percentiles = BTreeMap::new();
    for (k, v) in m.into_iter().flatten() {
        if let (Some(p), Some(x)) = (percentile_key(k), number(Some(v))) {
            // `p50` and `median` are the same figure; `p50` wins when both differ.
            if k != "median" || !percentiles.contains_key(&p) {
                percentiles.insert(p, x);
            }
        }
    }
    let get = |k: &str| m.and_then(|m| number(m.get(k)));
    LatencyStats {
        min_ms: get("min"),
        avg_ms: get("mean"),
        max_ms: get("max"),
        percentiles,
        precision: Precision::Tool,
        histogram: None,
    }
}

const BY_ENDPOINT: &str = "plugins.metrics-by-endpoint.";
const BY_ENDPOINT_TIME: &str = "plugins.metrics-by-endpoint.response_time.";

/// Per-endpoint counters of the metrics-by-endpoint plugin.
#[derive(Default)]
struct EndpointCounts {
    codes: BTreeMap<u16, u64>,
    errors: BTreeMap<String, u64>,
}

fn read_v2(
    path: &Path,
    agg: &Period,
    intermediate: &[Period],
    builder: &mut RunBuilder,
) -> Result<(), InputError> {
    let Some(requests) = agg.counter("http.requests") else {
        return Err(InputError::new(
            path,
            "the Artillery report has no `http.requests` counter: no HTTP requests were made",
        ));
    };
    let responses = agg.counter("http.responses");
    let (errors, bad_codes) = agg.v2_failures();
    let failures = (errors + bad_codes).min(requests);
    if let Some(resp) = responses {
        let unanswered = requests.saturating_sub(resp);
        if errors > unanswered {
            builder.note(format!(
                "Artillery counted {errors} errors but only {unanswered} requests without a response: \
                 some requests failed after their response began; each error counts as a failed request"
            ));
        }
    }
    builder.totals(EndpointStats {
        source: None,
        method: String::new(),
        name: "Aggregated".to_string(),
        requests,
        failures,
        throughput_rps: agg
            .rates
            .as_ref()
            .and_then(|r| number(r.get("http.request_rate"))),
        failures_per_s: None,
        latency: latency(agg.summary("http.response_time")),
        avg_content_bytes: None,
    });

    // Per endpoint (metrics-by-endpoint plugin). Names may contain dots, so
    // counter keys are matched against the names the summaries give first.
    let mut names: Vec<String> = agg
        .summaries
        .iter()
        .flatten()
        .filter_map(|(k, _)| k.strip_prefix(BY_ENDPOINT_TIME).map(str::to_string))
        .collect();
    let mut counts: BTreeMap<String, EndpointCounts> = BTreeMap::new();
    for (key, v) in agg.counters.iter().flatten() {
        let Some(rest) = key.strip_prefix(BY_ENDPOINT) else {
            continue;
        };
        let Some(n) = count(Some(v)) else { continue };
        let known = names
            .iter()
            .filter(|name| {
                rest.strip_prefix(name.as_str())
                    .is_some_and(|r| r.starts_with(".codes.") || r.starts_with(".errors."))
            })
            .max_by_key(|name| name.len())
            .cloned();
        let (name, tail) = match known {
            Some(name) => {
                let tail = rest[name.len() + 1..].to_string();
                (name, tail)
            }
            None => match rest.rfind(".codes.").or_else(|| rest.find(".errors.")) {
                Some(i) => (rest[..i].to_string(), rest[i + 1..].to_string()),
                None => continue,
            },
        };
        let entry = counts.entry(name.clone()).or_default();
        if let Some(code) = tail.strip_prefix("codes.") {
            if let Ok(code) = code.parse::<u16>() {
                *entry.codes.entry(code).or_default() += n;
            }
        } else if let Some(err) = tail.strip_prefix("errors.") {
            *entry.errors.entry(err.to_string()).or_default() += n;
        }
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let mut attributed_errors: BTreeMap<String, u64> = BTreeMap::new();
    let mut attributed_codes: BTreeMap<u16, u64> = BTreeMap::new();
    for name in &names {
        let c = counts.remove(name).unwrap_or_default();
        let answered: u64 = c.codes.values().sum();
        let errs: u64 = c
            .errors
            .iter()
            .filter(|(e, _)| !on_response(e))
            .map(|(_, n)| n)
            .sum();
        let bad: u64 = c
            .codes
            .iter()
            .filter(|(k, _)| **k >= 400)
            .map(|(_, v)| v)
            .sum();
        let lat = latency(agg.summary(&format!("{BY_ENDPOINT_TIME}{name}")));
        for (err, n) in c.errors.iter().filter(|(e, _)| !on_response(e)) {
            *attributed_errors.entry(err.clone()).or_default() += n;
            builder.failure(FailureGroup {
                method: String::new(),
                name: name.clone(),
                error: err.clone(),
                status: None,
                occurrences: *n,
            });
        }
        for (code, n) in c.codes.iter().filter(|(k, _)| **k >= 400) {
            *attributed_codes.entry(*code).or_default() += n;
            builder.failure(FailureGroup {
                method: String::new(),
                name: name.clone(),
                error: format!("HTTP {code}"),
                status: Some(*code),
                occurrences: *n,
            });
        }
        builder.endpoint(EndpointStats {
            source: None,
            method: String::new(),
            name: name.clone(),
            requests: answered + errs,
            failures: bad + errs,
            throughput_rps: None,
            failures_per_s: None,
            latency: lat,
            avg_content_bytes: None,
        });
    }
    // Failures the plugin did not attribute to an endpoint (or no plugin at all).
    let mut response_errors: BTreeMap<String, u64> = BTreeMap::new();
    for (key, v) in agg.counters.iter().flatten() {
        let Some(n) = count(Some(v)) else { continue };
        if let Some(err) = key.strip_prefix("errors.").filter(|e| on_response(e)) {
            *response_errors.entry(err.to_string()).or_default() += n;
        } else if let Some(err) = key.strip_prefix("errors.") {
            let rest = n.saturating_sub(attributed_errors.get(err).copied().unwrap_or(0));
            if rest > 0 {
                builder.failure(FailureGroup {
                    method: String::new(),
                    name: WHOLE_RUN.to_string(),
                    error: err.to_string(),
                    status: None,
                    occurrences: rest,
                });
            }
        } else if let Some(code) = key
            .strip_prefix("http.codes.")
            .and_then(|c| c.parse::<u16>().ok())
            .filter(|c| *c >= 400)
        {
            let rest = n.saturating_sub(attributed_codes.get(&code).copied().unwrap_or(0));
            if rest > 0 {
                builder.failure(FailureGroup {
                    method: String::new(),
                    name: WHOLE_RUN.to_string(),
                    error: format!("HTTP {code}"),
                    status: Some(code),
                    occurrences: rest,
                });
            }
        }
    }
    on_response_errors(&response_errors, builder);
    if !names.is_empty() {
        builder.note(
            "Artillery per-endpoint figures come from the metrics-by-endpoint plugin: requests = \
             responses + errors counted for the endpoint; the whole-run row is Artillery's own totals",
        );
    }

    let first = number(agg.first_metric_at.as_ref());
    let last = number(agg.last_metric_at.as_ref());
    if let Some(first) = first {
        builder.started_at(first / 1000.0);
    }
    if let (Some(first), Some(last)) = (first, last) {
        if last > first {
            builder.duration((last - first) / 1000.0);
        }
    }
    if let (Some(created), Some(completed)) = (
        agg.counter("vusers.created"),
        agg.counter("vusers.completed"),
    ) {
        let failed = agg.counter("vusers.failed").unwrap_or(0);
        builder.note(format!(
            "Artillery virtual users: {created} created, {completed} completed, {failed} failed \
             (Artillery records arrivals, not concurrent users)"
        ));
    }

    for p in intermediate {
        let Some(t_ms) = number(p.period.as_ref()).or_else(|| number(p.first_metric_at.as_ref()))
        else {
            continue;
        };
        let rps = p
            .rates
            .as_ref()
            .and_then(|r| number(r.get("http.request_rate")));
        let reqs = p.counter("http.requests").unwrap_or(0);
        let (e, b) = p.v2_failures();
        let lat = latency(p.summary("http.response_time"));
        builder.series(SeriesPoint {
            total_requests: None,
            t_s: t_ms / 1000.0,
            users: None,
            rps,
            failures_per_s: rps
                .filter(|_| reqs > 0)
                .map(|r| r * ((e + b).min(reqs) as f64 / reqs as f64)),
            p50_ms: lat.percentiles.get(&Percentile::P50).copied(),
            p95_ms: lat.percentiles.get(&Percentile::P95).copied(),
            p99_ms: lat.percentiles.get(&Percentile::P99).copied(),
        });
    }
    Ok(())
}

/// Endpoint name of failure groups that belong to no endpoint.
pub const WHOLE_RUN: &str = "(all endpoints)";

/// 1.x: errors (requests without a response) and responses ≥ 400.
fn v1_figures(p: &Period) -> (u64, u64, u64) {
    let errors: u64 = p
        .errors
        .iter()
        .flatten()
        .filter(|(e, _)| !on_response(e))
        .filter_map(|(_, v)| count(Some(v)))
        .sum();
    let bad: u64 = p
        .codes
        .iter()
        .flatten()
        .filter(|(k, _)| is_failure_code(k))
        .filter_map(|(_, v)| count(Some(v)))
        .sum();
    let completed = count(p.requests_completed.as_ref()).unwrap_or(0);
    (completed + errors, errors, bad)
}

fn read_v1(agg: &Period, intermediate: &[Period], builder: &mut RunBuilder) {
    let (requests, errors, bad) = v1_figures(agg);
    builder.totals(EndpointStats {
        source: None,
        method: String::new(),
        name: "Aggregated".to_string(),
        requests,
        failures: (errors + bad).min(requests),
        throughput_rps: agg.rps.as_ref().and_then(|r| number(r.get("mean"))),
        failures_per_s: None,
        latency: latency(agg.latency.as_ref()),
        avg_content_bytes: None,
    });
    let mut response_errors: BTreeMap<String, u64> = BTreeMap::new();
    for (err, v) in agg.errors.iter().flatten() {
        let Some(n) = count(Some(v)).filter(|n| *n > 0) else {
            continue;
        };
        if on_response(err) {
            *response_errors.entry(err.clone()).or_default() += n;
        } else {
            builder.failure(FailureGroup {
                method: String::new(),
                name: WHOLE_RUN.to_string(),
                error: err.clone(),
                status: None,
                occurrences: n,
            });
        }
    }
    for (code, v) in agg.codes.iter().flatten() {
        let (Ok(status), Some(n)) = (code.parse::<u16>(), count(Some(v))) else {
            continue;
        };
        if status >= 400 && n > 0 {
            builder.failure(FailureGroup {
                method: String::new(),
                name: WHOLE_RUN.to_string(),
                error: format!("HTTP {status}"),
                status: Some(status),
                occurrences: n,
            });
        }
    }
    on_response_errors(&response_errors, builder);
    builder.note(
        "Artillery 1.x report: no per-endpoint figures; requests = requestsCompleted + errors; \
         no mean response time",
    );
    if let (Some(created), Some(completed)) = (
        count(agg.scenarios_created.as_ref()),
        count(agg.scenarios_completed.as_ref()),
    ) {
        builder.note(format!(
            "Artillery scenarios: {created} created, {completed} completed"
        ));
    }
    for p in intermediate {
        let Some(t) = p
            .timestamp
            .as_deref()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        else {
            continue;
        };
        let (reqs, e, b) = v1_figures(p);
        let rps = p.rps.as_ref().and_then(|r| number(r.get("mean")));
        let lat = latency(p.latency.as_ref());
        builder.series(SeriesPoint {
            total_requests: None,
            t_s: t.timestamp_millis() as f64 / 1000.0,
            users: count(p.concurrency.as_ref()),
            rps,
            failures_per_s: rps
                .filter(|_| reqs > 0)
                .map(|r| r * ((e + b).min(reqs) as f64 / reqs as f64)),
            p50_ms: lat.percentiles.get(&Percentile::P50).copied(),
            p95_ms: lat.percentiles.get(&Percentile::P95).copied(),
            p99_ms: lat.percentiles.get(&Percentile::P99).copied(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RunMeta;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/artillery");

    fn read(rel: &str) -> crate::model::Run {
        let mut b = RunBuilder::new();
        Report
            .read(
                &Path::new(FIXTURES).join(rel),
                &mut b,
                &ReadOptions::default(),
            )
            .unwrap();
        b.build(RunMeta::default()).unwrap()
    }

    #[test]
    fn sniffs_both_schemas_and_nothing_else() {
        assert!(Report.sniff("out.json", b"{\n  \"aggregate\": {\n    \"counters\": {"));
        assert!(Report.sniff(
            "x",
            b"{\"aggregate\":{\"timestamp\":\"2021\",\"latency\":{}}}"
        ));
        assert!(!Report.sniff("x.json", b"{\"metrics\": {\"http_reqs\": {}}}"));
        assert!(!Report.sniff("x.json", b""));
    }

    #[test]
    fn percentile_keys() {
        assert_eq!(percentile_key("p50"), Some(Percentile::P50));
        assert_eq!(percentile_key("p999"), "p99.9".parse().ok());
        assert_eq!(percentile_key("p9999"), "p99.99".parse().ok());
        assert_eq!(percentile_key("median"), Some(Percentile::P50));
        assert_eq!(percentile_key("pending"), None);
        assert_eq!(percentile_key("max"), None);
    }

    #[test]
    fn v2_failures_are_errors_plus_4xx_and_5xx() {
        let run = read("generated/report.json");
        assert_eq!(run.totals.requests, 2057);
        assert_eq!(run.totals.failures, 394, "the 404s; no errors");
        assert_eq!(run.endpoints.len(), 7);
        let random = run
            .endpoints
            .iter()
            .find(|e| e.name == "GET /v1/deployments/{random-id}")
            .unwrap();
        assert_eq!((random.requests, random.failures), (394, 394));
        assert_eq!(random.latency.percentiles[&Percentile::P95], 12.1);
        assert_eq!(
            run.meta.duration_s,
            Some((1795433208163.0 - 1795433158609.0) / 1000.0)
        );
        assert_eq!(run.series.len(), 6);
        assert_eq!(run.failures.len(), 1);
        assert_eq!(run.failures[0].status, Some(404));
    }

    #[test]
    fn failed_captures_are_not_extra_failed_requests() {
        // A real run: POST /v1/deployments answered 500 for 13 requests, whose
        // bodies had no `$.id` to capture: 13 `Failed capture or match`.
        let rel = "generated/capture-failures.json";
        let json: Value =
            serde_json::from_str(&std::fs::read_to_string(Path::new(FIXTURES).join(rel)).unwrap())
                .unwrap();
        let c = json["aggregate"]["counters"].as_object().unwrap();
        let bad_responses: u64 = c
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("http.codes.")?.parse::<u16>().ok()?, v)))
            .filter(|(code, _)| *code >= 400)
            .map(|(_, v)| v.as_u64().unwrap())
            .sum();
        assert_eq!(
            c["http.requests"], c["http.responses"],
            "every request was answered"
        );
        assert_eq!(c["errors.Failed capture or match"], 13);
        let run = read(rel);
        assert_eq!(run.totals.requests, c["http.requests"].as_u64().unwrap());
        assert_eq!(
            run.totals.failures, bad_responses,
            "404s and 500s, not the captures again"
        );
        assert_eq!(bad_responses, 75 + 13);
        let post = run
            .endpoints
            .iter()
            .find(|e| e.name == "POST /v1/deployments")
            .unwrap();
        assert_eq!((post.requests, post.failures), (36, 13));
        assert!(run.failures.iter().all(|f| !f.error.contains("capture")));
        assert_eq!(run.exceptions.len(), 1);
        assert_eq!(
            (run.exceptions[0].count, run.exceptions[0].message.as_str()),
            (13, "Failed capture or match")
        );
        assert!(run.meta.reader_notes.iter().any(|n| n.contains(
            "13 `Failed capture or match` errors: each happened on a response already counted"
        )));
    }

    #[test]
    fn v2_timeouts_count_as_failures_and_are_noted() {
        let run = read("real/artillery2-taskmgr-2025_report.json");
        assert_eq!(run.totals.requests, 970_241);
        assert_eq!(run.totals.failures, 937_970 + 134 + 21);
        assert!(run
            .meta
            .reader_notes
            .iter()
            .any(|n| n.contains("937874 requests without a response")));
        let tasks = &run.endpoints[0];
        assert_eq!(tasks.name, "/tasks");
        assert_eq!(tasks.requests, 16_058 * 2 + 938_125);
        assert_eq!(run.meta.users_recorded, None, "arrivals are not users");
    }

    #[test]
    fn v1_reads_latency_codes_errors_and_concurrency() {
        let run = read("real/artillery1-bank-2021_report.json");
        assert_eq!(run.totals.requests, 30_284 + 5_161);
        assert_eq!(run.totals.failures, 5_161 + 1 + 370);
        assert_eq!(run.totals.latency.percentiles[&Percentile::P99], 852.7);
        assert_eq!(run.totals.latency.avg_ms, None);
        assert_eq!(run.totals.throughput_rps, Some(38.93));
        assert!(run.endpoints.is_empty());
        assert!(run.series.iter().all(|p| p.users.is_some()));
        assert_eq!(
            run.meta.duration_source.as_deref(),
            Some("first to last history row")
        );
    }
}
