//! Locust's CSV files (`--csv PREFIX`): `PREFIX_stats.csv` (one row per
//! endpoint plus an `Aggregated` row), `PREFIX_stats_history.csv` (a row per
//! interval), `PREFIX_failures.csv`, `PREFIX_exceptions.csv`, and the 0.x
//! `PREFIX_requests.csv` + `PREFIX_distribution.csv` pair.
//!
//! Columns are found by header name, so the 0.x, 1.x and 2.x column sets and
//! custom `PERCENTILES_TO_REPORT` all read. The file kind comes from the header,
//! not the file name. Locust's percentiles are its own (computed from response
//! times rounded to two significant digits), so precision is [`Precision::Tool`].

use super::csvfile::{CsvFile, Row};
use super::{ReadOptions, Reader, RunBuilder};
use crate::error::InputError;
use crate::model::Sample;
use crate::model::{
    EndpointStats, ExceptionGroup, FailureGroup, LatencyStats, Percentile, Precision, SeriesPoint,
};
use std::collections::BTreeMap;
use std::path::Path;

/// File-name suffixes Locust writes after the prefix; used to group files into runs.
pub const SUFFIXES: &[&str] = &[
    "_stats_history.csv",
    "_stats.csv",
    "_failures.csv",
    "_exceptions.csv",
    "_requests.csv",
    "_distribution.csv",
];

fn norm(h: &str) -> String {
    h.trim_start_matches('\u{feff}').trim().to_ascii_lowercase()
}

/// The Locust file kinds, told apart by their header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Stats,
    History,
    Failures,
    Exceptions,
    Distribution,
}

/// Recognises a Locust CSV from its first line.
fn sniff(name: &str, head: &[u8]) -> Option<Part> {
    if !name.to_ascii_lowercase().ends_with(".csv") {
        return None;
    }
    let first = head.split(|b| *b == b'\n').next()?;
    let line = String::from_utf8_lossy(first);
    let cols: Vec<String> = line
        .split(',')
        .map(|c| norm(c.trim_matches(|c| c == '"' || c == '\r')))
        .collect();
    let has = |n: &str| cols.iter().any(|c| c == n);
    if has("timestamp") && has("user count") {
        Some(Part::History)
    } else if has("error") && has("occurrences") && has("name") {
        Some(Part::Failures)
    } else if has("count") && has("message") && has("traceback") {
        Some(Part::Exceptions)
    } else if has("name") && (has("request count") || has("# requests")) {
        if has("failure count") || has("# failures") {
            Some(Part::Stats)
        } else if cols.iter().any(|c| c.ends_with('%')) {
            Some(Part::Distribution)
        } else {
            None
        }
    } else {
        None
    }
}

/// Locust's per-request CSV (`locust.contrib.csv_request_logger.CsvRequestLogger`,
/// Locust 2.44+): one row per request,
/// `timestamp,request_type,name,response_time_ms,response_length,status_code,exception`.
/// The timestamp is the request's start in Unix seconds; a request failed
/// when `exception` is not empty (Locust's own rule: a request event with an
/// exception is a failure); `status_code` 0 means no response. Exact
/// percentiles, where the stats CSV rounds response times.
pub struct RequestLog;

/// The header [`RequestLog`] writes.
const REQUEST_LOG_HEADER: &str =
    "timestamp,request_type,name,response_time_ms,response_length,status_code,exception";

impl Reader for RequestLog {
    fn shards(&self) -> super::Shards {
        super::Shards::PerRequest
    }
    fn id(&self) -> &'static str {
        "locust-request-log"
    }

    fn describe(&self) -> &'static str {
        "Locust per-request CSV (locust.contrib.csv_request_logger.CsvRequestLogger, Locust 2.44+)"
    }

    fn sniff(&self, _name: &str, head: &[u8]) -> bool {
        let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
        let first = head.split(|b| *b == b'\n').next().unwrap_or_default();
        first.trim_ascii() == REQUEST_LOG_HEADER.as_bytes()
    }

    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        opts: &ReadOptions,
    ) -> Result<(), InputError> {
        builder.tool("locust", None);
        let mut file = CsvFile::open(path)?;
        let ts = file.require(&["timestamp"])?;
        let kind = file.require(&["request_type"])?;
        let name = file.require(&["name"])?;
        let rt = file.require(&["response_time_ms"])?;
        let len = file.require(&["response_length"])?;
        let code = file.require(&["status_code"])?;
        let exc = file.require(&["exception"])?;
        let mut rows = 0u64;
        file.each_row(builder, opts.skip_bad_rows, |row, builder| {
            let start_s = row.f64(ts)?;
            let latency_ms = row.f64(rt)?;
            let status = row.u64(code)?.filter(|s| *s > 0);
            let status = match status {
                Some(s) => Some(
                    u16::try_from(s)
                        .map_err(|_| row.error(Some(code), format!("{s} is not an HTTP status")))?,
                ),
                None => None,
            };
            let exception = row.text(exc);
            let ok = exception.is_empty();
            builder.record(&Sample {
                start_ms: start_s.map(|s| s * 1000.0),
                latency_ms,
                method: &row.text(kind),
                name: &row.text(name),
                ok,
                status,
                error: (!ok).then_some(exception.as_str()),
                users: None,
                bytes: row.u64(len)?,
            });
            rows += 1;
            Ok(())
        })?;
        if rows == 0 {
            return Err(InputError::new(path, "the per-request log has no rows"));
        }
        builder.note(
            "Response times come from Locust's per-request log (CsvRequestLogger): exact, \
             where Locust's stats CSV rounds them to two significant digits.",
        );
        Ok(())
    }
}

macro_rules! locust_reader {
    ($name:ident, $part:expr, $id:literal, $describe:literal, $order:literal, $read:ident) => {
        #[doc = $describe]
        pub struct $name;

        impl Reader for $name {
            fn id(&self) -> &'static str {
                $id
            }
            fn describe(&self) -> &'static str {
                $describe
            }
            fn sniff(&self, name: &str, head: &[u8]) -> bool {
                sniff(name, head) == Some($part)
            }
            fn read(
                &self,
                path: &Path,
                builder: &mut RunBuilder,
                _: &ReadOptions,
            ) -> Result<(), InputError> {
                builder.tool("locust", None);
                $read(&mut CsvFile::open(path)?, builder)
            }
            fn order(&self) -> u8 {
                $order
            }
        }
    };
}

locust_reader!(
    Stats,
    Part::Stats,
    "locust-stats",
    "Locust stats (*_stats.csv, 0.x *_requests.csv)",
    0,
    read_stats
);
locust_reader!(
    Distribution,
    Part::Distribution,
    "locust-distribution",
    "Locust 0.x percentiles (*_distribution.csv)",
    1,
    read_distribution
);
locust_reader!(
    History,
    Part::History,
    "locust-history",
    "Locust stats history (*_stats_history.csv)",
    2,
    read_history
);
locust_reader!(
    Failures,
    Part::Failures,
    "locust-failures",
    "Locust failures (*_failures.csv)",
    2,
    read_failures
);
locust_reader!(
    Exceptions,
    Part::Exceptions,
    "locust-exceptions",
    "Locust exceptions (*_exceptions.csv)",
    2,
    read_exceptions
);

/// Column positions of a stats-like file.
struct Columns {
    method: Option<usize>,
    name: usize,
    median: Option<usize>,
    avg: Option<usize>,
    min: Option<usize>,
    max: Option<usize>,
    content: Option<usize>,
    rps: Option<usize>,
    fps: Option<usize>,
    percentiles: Vec<(usize, Percentile)>,
}

impl Columns {
    fn find(file: &CsvFile) -> Result<Columns, InputError> {
        let pcts = file
            .headers()
            .iter()
            .enumerate()
            .filter_map(|(i, h)| {
                let h = norm(h);
                let pct = h.strip_suffix('%')?.trim().parse::<f64>().ok()?;
                Some((i, Percentile::from_percent(pct)?))
            })
            .collect();
        Ok(Columns {
            method: file.column(&["type", "method"]),
            name: file.require(&["name"])?,
            median: file.column(&["median response time", "total median response time"]),
            avg: file.column(&["average response time", "total average response time"]),
            min: file.column(&["min response time", "total min response time"]),
            max: file.column(&["max response time", "total max response time"]),
            content: file.column(&["average content size", "total average content size"]),
            rps: file.column(&["requests/s"]),
            fps: file.column(&["failures/s", "requests failed/s"]),
            percentiles: pcts,
        })
    }

    fn percentiles(&self, row: &Row) -> Result<BTreeMap<Percentile, f64>, InputError> {
        let mut out = BTreeMap::new();
        for &(i, p) in &self.percentiles {
            if let Some(v) = row.f64(i)? {
                out.insert(p, v);
            }
        }
        Ok(out)
    }
}

/// Is this the whole-run row? 2.x `,Aggregated`; 0.x `"None","Total"`; 1.x `,Total`.
fn is_total(method: &str, name: &str) -> bool {
    (method.is_empty() || method.eq_ignore_ascii_case("none"))
        && (name == "Aggregated" || name == "Total")
}

fn read_stats(file: &mut CsvFile, builder: &mut RunBuilder) -> Result<(), InputError> {
    let cols = Columns::find(file)?;
    let requests = file.require(&["request count", "# requests"])?;
    let failures = file.require(&["failure count", "# failures"])?;
    while let Some(row) = file.next_row()? {
        let method = cols.method.map(|i| row.text(i)).unwrap_or_default();
        let name = row.text(cols.name);
        let mut percentiles = cols.percentiles(&row)?;
        let median = match cols.median {
            Some(i) => row.f64(i)?,
            None => None,
        };
        if let Some(m) = median {
            percentiles.entry(Percentile::P50).or_insert(m);
        }
        let stats = EndpointStats {
            // An empty count is not 0: a blank Failure Count must not read as "no failures".
            requests: row
                .u64(requests)?
                .ok_or_else(|| row.error(Some(requests), "the request count is empty"))?,
            failures: row
                .u64(failures)?
                .ok_or_else(|| row.error(Some(failures), "the failure count is empty"))?,
            throughput_rps: row.opt_f64(cols.rps)?,
            failures_per_s: row.opt_f64(cols.fps)?,
            latency: LatencyStats {
                min_ms: row.opt_f64(cols.min)?,
                avg_ms: row.opt_f64(cols.avg)?,
                max_ms: row.opt_f64(cols.max)?,
                percentiles,
                precision: Precision::Tool,
                histogram: None,
            },
            avg_content_bytes: row.opt_f64(cols.content)?,
            source: Some(row.source()),
            method: if is_total(&method, &name) {
                String::new()
            } else {
                method.clone()
            },
            name: name.clone(),
        };
        if is_total(&method, &name) {
            builder.totals(stats);
        } else {
            builder.endpoint(stats);
        }
    }
    Ok(())
}

fn read_distribution(file: &mut CsvFile, builder: &mut RunBuilder) -> Result<(), InputError> {
    let cols = Columns::find(file)?;
    while let Some(row) = file.next_row()? {
        let name = row.text(cols.name);
        let pcts = cols.percentiles(&row)?;
        let label = if is_total("", &name) {
            None
        } else {
            Some(name.as_str())
        };
        if !builder.percentiles(label, pcts) {
            return Err(row.error(
                Some(cols.name),
                format!("`{name}` is not an endpoint of the matching *_requests.csv"),
            ));
        }
    }
    Ok(())
}

fn read_history(file: &mut CsvFile, builder: &mut RunBuilder) -> Result<(), InputError> {
    let ts = file.require(&["timestamp"])?;
    let users = file.column(&["user count"]);
    let name = file.require(&["name"])?;
    let method = file.column(&["type", "method"]);
    let rps = file.column(&["requests/s"]);
    let fps = file.column(&["failures/s", "requests failed/s"]);
    let pct = |p: &str| file.column(&[p]);
    let (p50, p95, p99) = (pct("50%"), pct("95%"), pct("99%"));
    let total = file.column(&["total request count"]);
    while let Some(row) = file.next_row()? {
        let m = method.map(|i| row.text(i)).unwrap_or_default();
        if !is_total(&m, &row.text(name)) {
            continue; // per-endpoint history rows (--csv-full-history): totals are enough here
        }
        let t_s = row
            .f64(ts)?
            .ok_or_else(|| row.error(Some(ts), "the timestamp is empty"))?;
        builder.series(SeriesPoint {
            t_s,
            users: row.opt_u64(users)?,
            rps: row.opt_f64(rps)?,
            failures_per_s: row.opt_f64(fps)?,
            p50_ms: row.opt_f64(p50)?,
            p95_ms: row.opt_f64(p95)?,
            p99_ms: row.opt_f64(p99)?,
            total_requests: row.opt_u64(total)?,
        });
    }
    Ok(())
}

fn read_failures(file: &mut CsvFile, builder: &mut RunBuilder) -> Result<(), InputError> {
    let method = file.column(&["method", "type"]);
    let name = file.require(&["name"])?;
    let error = file.require(&["error"])?;
    let occ = file.require(&["occurrences"])?;
    while let Some(row) = file.next_row()? {
        let text = normalise_addresses(&row.text(error));
        builder.failure(FailureGroup {
            method: method.map(|i| row.text(i)).unwrap_or_default(),
            name: row.text(name),
            status: status_in(&text),
            error: text,
            occurrences: row.u64(occ)?.unwrap_or(0),
        });
    }
    Ok(())
}

fn read_exceptions(file: &mut CsvFile, builder: &mut RunBuilder) -> Result<(), InputError> {
    let count = file.require(&["count"])?;
    let message = file.require(&["message"])?;
    while let Some(row) = file.next_row()? {
        builder.exception(ExceptionGroup {
            count: row.u64(count)?.unwrap_or(0),
            message: row.text(message),
        });
    }
    Ok(())
}

/// The HTTP status an error message names: `404 Client Error`, `500 Server
/// Error`, `HTTP 500`, `status 503`, `status_code=404`.
pub fn status_in(error: &str) -> Option<u16> {
    let b = error.as_bytes();
    let mut i = 0;
    while i + 3 <= b.len() {
        let is_num = b[i..i + 3].iter().all(u8::is_ascii_digit)
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && b.get(i + 3).is_none_or(|c| !c.is_ascii_alphanumeric());
        if is_num {
            let code: u16 = error[i..i + 3].parse().unwrap_or(0);
            let before = error[..i].to_ascii_lowercase();
            let after = &error[i + 3..];
            let named = after.starts_with(" Client Error")
                || after.starts_with(" Server Error")
                || [
                    "http ",
                    "status ",
                    "status=",
                    "status_code=",
                    "status code ",
                ]
                .iter()
                .any(|p| before.ends_with(p));
            if named && (100..600).contains(&code) {
                return Some(code);
            }
        }
        i += 1;
    }
    None
}

/// Replaces memory addresses (`0x1f8985ef010`) so that errors differing only in
/// them group together.
pub fn normalise_addresses(error: &str) -> String {
    let mut out = String::with_capacity(error.len());
    let mut rest = error;
    while let Some(pos) = rest.find("0x") {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 2..];
        let hex = after.bytes().take_while(u8::is_ascii_hexdigit).count();
        if hex >= 6 {
            out.push_str("0x…");
        } else {
            out.push_str(&rest[pos..pos + 2 + hex]);
        }
        rest = &after[hex..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_locust_file_from_its_header() {
        let cases: &[(&str, Option<Part>)] = &[
            (
                "Type,Name,Request Count,Failure Count,Median Response Time",
                Some(Part::Stats),
            ),
            (
                "\"Method\",\"Name\",\"# requests\",\"# failures\",\"Median response time\"",
                Some(Part::Stats),
            ),
            (
                "\"Name\",\"# requests\",\"50%\",\"66%\"",
                Some(Part::Distribution),
            ),
            (
                "Timestamp,User Count,Type,Name,Requests/s",
                Some(Part::History),
            ),
            ("Method,Name,Error,Occurrences", Some(Part::Failures)),
            ("Count,Message,Traceback,Nodes", Some(Part::Exceptions)),
            ("timeStamp,elapsed,label,responseCode", None),
        ];
        for (head, want) in cases {
            assert_eq!(sniff("x.csv", head.as_bytes()), *want, "{head}");
        }
    }

    #[test]
    fn finds_the_status_an_error_names() {
        assert_eq!(
            status_in("HTTPError('404 Client Error: Not Found for url: GET /x')"),
            Some(404)
        );
        assert_eq!(
            status_in("HTTPError('500 Server Error: Internal')"),
            Some(500)
        );
        assert_eq!(
            status_in("CatchResponseError('create failed: HTTP 500')"),
            Some(500)
        );
        assert_eq!(status_in("gaierror(8, 'nodename nor servname')"), None);
        assert_eq!(status_in("timed out after 1000 ms"), None);
        assert_eq!(status_in("port=18080 404"), None);
    }

    #[test]
    fn memory_addresses_are_normalised_so_errors_group() {
        let a = "ConnectTimeoutError(<HTTPConnection(host='h', port=1) at 0x1f8985ef010>, 'x')";
        let b = "ConnectTimeoutError(<HTTPConnection(host='h', port=1) at 0x1f89b6ba7d0>, 'x')";
        assert_eq!(normalise_addresses(a), normalise_addresses(b));
        assert!(normalise_addresses(a).contains("at 0x…>"));
        assert_eq!(normalise_addresses("code 0x1f"), "code 0x1f");
    }
}
