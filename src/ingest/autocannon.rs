//! autocannon's JSON result (`autocannon --json URL > out.json`): whole-run
//! figures as autocannon computed them (precision `tool`).
//!
//! - Latency in ms: `average`, `min`, `max` and percentiles written with
//!   underscore decimals (`p2_5` = p2.5, `p97_5` = p97.5, `p99_9` = p99.9).
//!   autocannon reports p97.5, not p95: p95 stays unknown (a p95 rule is
//!   inconclusive; nothing is interpolated).
//! - Requests: `requests.total` responses plus `errors` (requests that got no
//!   response). `requests.sent` counts requests still in flight when the run
//!   stopped; they are not counted.
//! - Failures: `errors` (connection errors and timeouts: autocannon counts
//!   every timeout in `errors` too, so `timeouts` is not added again), plus
//!   `4xx`, `5xx` and `mismatches` (`--expectBody`), capped at the request count.
//!   3xx is not a failure. A run where every response is 403 has `errors: 0`
//!   and is still all failures.
//! - `duration` (s), `start`, `connections` (as users), `requests.average`
//!   (mean requests/s over autocannon's 1-second samples).
//!
//! The endpoint is `(all requests)`; the URL goes in a note.

use super::hey::ALL_REQUESTS;
use super::{input, ReadOptions, Reader, RunBuilder};
use crate::error::{InputError, Position};
use crate::model::{EndpointStats, LatencyStats, Percentile, Precision};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// Reads a whole (small) JSON file; an empty file is an error.
pub(crate) fn read_text(path: &Path) -> Result<String, InputError> {
    let mut bytes = Vec::new();
    input::open(path)?
        .read_to_end(&mut bytes)
        .map_err(|e| InputError::new(path, format!("cannot read: {e}")))?;
    input::check_json_numbers(path, &bytes, 1)?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    if text.trim().is_empty() {
        return Err(InputError::new(path, "the file is empty"));
    }
    Ok(text)
}

/// Parses `text` as `T`, with the line and column of any error.
pub(crate) fn parse_json<T: DeserializeOwned>(
    path: &Path,
    text: &str,
    what: &str,
) -> Result<T, InputError> {
    serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
        InputError::at(
            path,
            Position {
                line: e.line() as u64,
                column: Some(e.column() as u64),
            },
            format!("not a valid {what}: {e}"),
        )
    })
}

/// True when `head` starts (after whitespace) with a JSON object and holds every key.
pub(crate) fn json_with_keys(head: &[u8], keys: &[&str]) -> bool {
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    t.starts_with('{') && keys.iter().all(|k| t.contains(&format!("\"{k}\"")))
}

/// A percentile key such as `p97_5` or `p99.9` (oha), or `None`.
pub(crate) fn percentile_key(key: &str) -> Option<Percentile> {
    let digits = key.strip_prefix('p')?.replace('_', ".");
    Percentile::from_percent(digits.parse().ok()?)
}

/// The autocannon `--json` reader.
pub struct Autocannon;

#[derive(Deserialize)]
struct Result_ {
    url: Option<serde_json::Value>,
    connections: Option<u64>,
    duration: Option<f64>,
    start: Option<String>,
    errors: u64,
    timeouts: Option<u64>,
    mismatches: Option<u64>,
    non2xx: Option<u64>,
    #[serde(rename = "4xx")]
    s4xx: Option<u64>,
    #[serde(rename = "5xx")]
    s5xx: Option<u64>,
    latency: BTreeMap<String, Option<f64>>,
    requests: Requests,
}

#[derive(Deserialize)]
struct Requests {
    total: u64,
    average: Option<f64>,
}

impl Reader for Autocannon {
    fn id(&self) -> &'static str {
        "autocannon-json"
    }

    fn describe(&self) -> &'static str {
        "autocannon JSON result (autocannon --json URL > out.json)"
    }

    fn sniff(&self, _name: &str, head: &[u8]) -> bool {
        json_with_keys(
            head,
            &["latency", "requests", "throughput", "non2xx", "errors"],
        )
    }

    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        _opts: &ReadOptions,
    ) -> Result<(), InputError> {
        builder.tool("autocannon", None);
        let text = read_text(path)?;
        let r: Result_ = parse_json(path, &text, "autocannon --json result")?;
        let requests = r.requests.total + r.errors;
        let (s4, s5) = (r.s4xx.unwrap_or(0), r.s5xx.unwrap_or(0));
        let (s4, s5) = if r.s4xx.is_none() && r.s5xx.is_none() {
            // Older files: only non2xx; without the split, 3xx cannot be set apart.
            let non2xx = r.non2xx.unwrap_or(0);
            if non2xx > 0 {
                builder.note(
                    "this autocannon file has no 4xx/5xx split: every non-2xx response counts as a failure",
                );
            }
            (non2xx, 0)
        } else {
            (s4, s5)
        };
        let mismatches = r.mismatches.unwrap_or(0);
        let failures = (r.errors + s4 + s5 + mismatches).min(requests);
        if mismatches > 0 {
            builder.note(format!(
                "{mismatches} responses did not match --expectBody and count as failures"
            ));
        }
        if let Some(t) = r.timeouts.filter(|t| *t > 0) {
            builder.note(format!(
                "{t} of autocannon's {} errors were timeouts",
                r.errors
            ));
        }
        if let Some(url) = &r.url {
            let url = match url {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            builder.note(format!(
                "autocannon reports the whole run only; it tested {url}"
            ));
        }
        let timed = r
            .latency
            .get("totalCount")
            .copied()
            .flatten()
            .map_or(r.requests.total > 0, |n| n > 0.0);
        let mut latency = LatencyStats {
            precision: Precision::Tool,
            ..LatencyStats::default()
        };
        if timed {
            let get = |k: &str| r.latency.get(k).copied().flatten();
            latency.min_ms = get("min");
            latency.max_ms = get("max");
            latency.avg_ms = get("average").or_else(|| get("mean"));
            for (k, v) in &r.latency {
                if let (Some(p), Some(v)) = (percentile_key(k), v) {
                    latency.percentiles.insert(p, *v);
                }
            }
        }
        if let Some(c) = r.connections {
            builder.users(c);
        }
        if let Some(d) = r.duration.filter(|d| *d > 0.0) {
            builder.duration(d);
        }
        if let Some(start) = &r.start {
            let t = chrono::DateTime::parse_from_rfc3339(start).map_err(|_| {
                InputError::new(path, format!("`start` `{start}` is not an RFC 3339 time"))
            })?;
            builder.started_at(t.timestamp_millis() as f64 / 1000.0);
        }
        let stats = |name: &str| EndpointStats {
            source: Some(super::whole_file(path)),
            method: String::new(),
            name: name.to_string(),
            requests,
            failures,
            throughput_rps: r.requests.average,
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
    fn underscore_percentiles() {
        assert_eq!(percentile_key("p97_5"), Percentile::from_percent(97.5));
        assert_eq!(percentile_key("p99_999"), Percentile::from_percent(99.999));
        assert_eq!(percentile_key("p99.9"), Percentile::from_percent(99.9));
        assert_eq!(percentile_key("p50"), Some(Percentile::P50));
        assert_eq!(percentile_key("average"), None);
        assert_eq!(percentile_key("p"), None);
    }

    fn read(json: &str) -> crate::model::Run {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        std::fs::write(&p, json).unwrap();
        let mut b = RunBuilder::new();
        Autocannon
            .read(&p, &mut b, &ReadOptions::default())
            .unwrap();
        b.build(crate::model::RunMeta::default()).unwrap()
    }

    #[test]
    fn timeouts_are_not_counted_twice_and_3xx_is_fine() {
        let run = read(
            r#"{"errors":5,"timeouts":3,"non2xx":7,"3xx":4,"4xx":2,"5xx":1,"latency":{"p50":10,"p97_5":20,"min":1,"max":30,"average":11,"totalCount":100},"requests":{"total":100,"average":10},"throughput":{}}"#,
        );
        assert_eq!(run.totals.requests, 105);
        assert_eq!(run.totals.failures, 8);
        assert_eq!(run.totals.latency.percentile(Percentile::P95), None);
        assert_eq!(
            run.totals
                .latency
                .percentile(Percentile::from_percent(97.5).unwrap()),
            Some(20.0)
        );
    }

    #[test]
    fn no_response_means_no_latency() {
        let run = read(
            r#"{"errors":40,"timeouts":0,"non2xx":0,"4xx":0,"5xx":0,"latency":{"p50":0,"min":0,"max":0,"average":0,"totalCount":0},"requests":{"total":0,"average":0},"throughput":{}}"#,
        );
        assert_eq!(run.totals.requests, 40);
        assert_eq!(run.totals.failures, 40);
        assert_eq!(run.totals.latency.max_ms, None);
        assert_eq!(run.totals.latency.percentile(Percentile::P50), None);
    }
}
