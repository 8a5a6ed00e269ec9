//! vegeta's files:
//!
//! - `vegeta encode --to json < results.bin > results.json`: one JSON object
//!   per request, `{"attack":…,"seq":…,"code":200,"timestamp":"2026-…",
//!   "latency":123456,"bytes_out":…,"bytes_in":…,"error":"","body":…,
//!   "method":"GET","url":"http://…"}`. `latency` is in NANOSECONDS,
//!   `timestamp` is the request start (RFC 3339). Endpoint = the URL
//!   generalised by `--no-generalize`/SLA naming; method from the line. A
//!   request failed when `code` is 0 (no response: `error` says why) or 400 or
//!   more; 3xx is not a failure. A request without a response has no latency.
//! - `vegeta report -type=json > report.json`: whole-run figures as vegeta
//!   computed them (precision `tool`): `latencies` {`mean`, `50th`, `90th`,
//!   `95th`, `99th`, `max`, `min`} in NANOSECONDS, `requests`, `rate`
//!   (requests/s), `duration` (ns), `earliest` (start), `status_codes`
//!   (failures = code 0 or 400 and more; without `status_codes`, from the
//!   `success` ratio). The report holds no URL: its endpoint is
//!   `(all requests)`.

use super::autocannon::{json_with_keys, parse_json, read_text};
use super::hey::ALL_REQUESTS;
use super::{input, ReadOptions, Reader, RunBuilder};
use crate::error::{InputError, Position};
use crate::model::{EndpointStats, LatencyStats, Percentile, Precision, Sample};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;

fn rfc3339_ms(text: &str) -> Option<f64> {
    let t = chrono::DateTime::parse_from_rfc3339(text.trim()).ok()?;
    Some(t.timestamp() as f64 * 1000.0 + f64::from(t.timestamp_subsec_nanos()) / 1e6)
}

/// The `vegeta encode --to json` reader (one result per line).
pub struct Encode;

#[derive(Deserialize)]
struct Line {
    code: u16,
    timestamp: String,
    latency: u64,
    #[serde(default)]
    bytes_in: Option<u64>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

impl Reader for Encode {
    fn shards(&self) -> super::Shards {
        super::Shards::PerRequest
    }
    fn id(&self) -> &'static str {
        "vegeta-json-lines"
    }

    fn describe(&self) -> &'static str {
        "vegeta per-request JSON lines (vegeta encode --to json < results.bin > results.json)"
    }

    fn sniff(&self, _name: &str, head: &[u8]) -> bool {
        let first = head.split(|b| *b == b'\n').next().unwrap_or_default();
        json_with_keys(first, &["seq", "code", "timestamp", "latency"])
    }

    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        opts: &ReadOptions,
    ) -> Result<(), InputError> {
        builder.tool("vegeta", None);
        let mut any = false;
        for (i, line) in input::open(path)?.split(b'\n').enumerate() {
            let line_no = i as u64 + 1;
            let bytes = line.map_err(|e| InputError::new(path, format!("cannot read: {e}")))?;
            let text = String::from_utf8_lossy(&bytes);
            let text = text.trim_start_matches('\u{feff}').trim();
            if text.is_empty() {
                continue;
            }
            any = true;
            if let Err(e) = record(path, line_no, text, builder, opts) {
                builder.bad_row(e, opts.skip_bad_rows)?;
            }
        }
        if !any {
            return Err(InputError::new(path, "the file is empty"));
        }
        Ok(())
    }
}

fn record(
    path: &Path,
    line_no: u64,
    text: &str,
    builder: &mut RunBuilder,
    opts: &ReadOptions,
) -> Result<(), InputError> {
    let at = |column: u64, msg: String| {
        InputError::at(
            path,
            Position {
                line: line_no,
                column: Some(column),
            },
            msg,
        )
    };
    let l: Line = serde_json::from_str(text)
        .map_err(|e| at(e.column() as u64, format!("not a vegeta result: {e}")))?;
    let start_ms = rfc3339_ms(&l.timestamp).ok_or_else(|| {
        at(
            text.find("\"timestamp\"").map_or(1, |c| c as u64 + 1),
            format!("`{}` is not an RFC 3339 timestamp", l.timestamp),
        )
    })?;
    let status = (l.code != 0).then_some(l.code);
    let ok = status.is_some_and(|s| s < 400);
    let url = l.url.as_deref().unwrap_or("");
    let name = if url.is_empty() {
        ALL_REQUESTS.to_string()
    } else {
        opts.naming.name(url)
    };
    let error = l.error.as_deref().filter(|e| !e.is_empty() && !ok);
    builder.record(&Sample {
        start_ms: Some(start_ms),
        latency_ms: status.map(|_| l.latency as f64 / 1e6),
        method: l.method.as_deref().unwrap_or(""),
        name: &name,
        ok,
        status,
        error,
        users: None,
        bytes: status.and(l.bytes_in),
    });
    Ok(())
}

/// The `vegeta report -type=json` reader.
pub struct Report;

#[derive(Deserialize)]
struct ReportJson {
    latencies: BTreeMap<String, Option<f64>>,
    requests: u64,
    rate: Option<f64>,
    success: Option<f64>,
    duration: Option<f64>,
    earliest: Option<String>,
    status_codes: Option<BTreeMap<String, u64>>,
}

impl Reader for Report {
    fn id(&self) -> &'static str {
        "vegeta-report-json"
    }

    fn describe(&self) -> &'static str {
        "vegeta JSON report (vegeta report -type=json > report.json)"
    }

    fn sniff(&self, _name: &str, head: &[u8]) -> bool {
        json_with_keys(head, &["latencies", "requests", "success", "status_codes"])
            || json_with_keys(head, &["latencies", "requests", "success", "throughput"])
    }

    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        _opts: &ReadOptions,
    ) -> Result<(), InputError> {
        builder.tool("vegeta", None);
        let text = read_text(path)?;
        let r: ReportJson = parse_json(path, &text, "vegeta report -type=json")?;
        let (failures, responses) = match &r.status_codes {
            Some(codes) => {
                let mut failed = 0;
                let mut responses = 0;
                for (code, n) in codes {
                    let code: u16 = code.trim().parse().map_err(|_| {
                        InputError::new(
                            path,
                            format!("status_codes key `{code}` is not an HTTP status"),
                        )
                    })?;
                    if code == 0 || code >= 400 {
                        failed += n;
                    }
                    if code != 0 {
                        responses += n;
                    }
                }
                (failed, responses)
            }
            None => {
                let ok = r.success.map(|s| (s * r.requests as f64).round() as u64);
                builder.note(
                    "this vegeta report has no status_codes: failures come from its success ratio",
                );
                match ok {
                    Some(ok) => (r.requests.saturating_sub(ok), r.requests),
                    None => return Err(InputError::new(
                        path,
                        "the report has neither `status_codes` nor `success`: failures are unknown",
                    )),
                }
            }
        };
        let mut latency = LatencyStats {
            precision: Precision::Tool,
            ..LatencyStats::default()
        };
        if responses > 0 {
            let ms = |k: &str| {
                r.latencies
                    .get(k)
                    .copied()
                    .flatten()
                    .filter(|v| v.is_finite())
                    .map(|ns| ns / 1e6)
            };
            latency.min_ms = ms("min");
            latency.max_ms = ms("max");
            latency.avg_ms = ms("mean");
            for (k, p) in [
                ("50th", Percentile::P50),
                ("90th", Percentile::P90),
                ("95th", Percentile::P95),
                ("99th", Percentile::P99),
            ] {
                if let Some(v) = ms(k) {
                    latency.percentiles.insert(p, v);
                }
            }
            if failures > 0 {
                builder.note("vegeta's latencies include the time taken by failed requests");
            }
        }
        if let Some(d) = r.duration.filter(|d| *d > 0.0) {
            builder.duration(d / 1e9);
        }
        if let Some(e) = &r.earliest {
            let ms = rfc3339_ms(e).ok_or_else(|| {
                InputError::new(path, format!("`earliest` `{e}` is not an RFC 3339 time"))
            })?;
            builder.started_at(ms / 1000.0);
        }
        let stats = |name: &str| EndpointStats {
            source: Some(super::whole_file(path)),
            method: String::new(),
            name: name.to_string(),
            requests: r.requests,
            failures: failures.min(r.requests),
            throughput_rps: r.rate.filter(|r| r.is_finite()),
            failures_per_s: None,
            latency: latency.clone(),
            avg_content_bytes: None,
        };
        builder.endpoint(stats(ALL_REQUESTS));
        builder.totals(stats("Total"));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_keep_sub_millisecond_digits() {
        let ms = rfc3339_ms("2025-02-16T20:42:22.2367821+03:00").unwrap();
        assert!((ms - 1_739_727_742_236.782).abs() < 0.001, "{ms}");
        assert_eq!(rfc3339_ms("yesterday"), None);
    }

    #[test]
    fn sniffs_lines_and_reports_apart() {
        let line = br#"{"attack":"a","seq":0,"code":200,"timestamp":"2026-11-23T11:00:00Z","latency":1000000,"bytes_out":0,"bytes_in":5,"error":"","body":null,"method":"GET","url":"http://h/x"}"#;
        assert!(Encode.sniff("r.json", line));
        assert!(!Report.sniff("r.json", line));
        let report = br#"{"latencies":{"total":1,"mean":1},"requests":1,"rate":1,"throughput":1,"success":1,"status_codes":{"200":1},"errors":[]}"#;
        assert!(Report.sniff("r.json", report));
        assert!(!Encode.sniff("r.json", report));
    }
}
