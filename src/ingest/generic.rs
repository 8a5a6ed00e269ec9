//! The generic per-request CSV, for custom scripts and tools perfreport does
//! not know: a header row with `endpoint` and `latency_ms`, and optionally
//! `timestamp`, `status`, `ok`, `method`, `error`, `users`, `bytes`, in any
//! order (other columns are ignored):
//!
//! ```text
//! timestamp,endpoint,latency_ms,status,ok
//! 2026-11-23T11:12:23.120Z,GET /v1/items,12.5,200,true
//! ```
//!
//! `timestamp` is RFC 3339 or Unix time (seconds, or milliseconds when above
//! 10^11). Without `ok`, a request failed when it has no status or a status of
//! 400 or more.

use super::csvfile::{CsvFile, Row};
use super::{ReadOptions, Reader, RunBuilder};
use crate::error::InputError;
use crate::model::Sample;
use std::path::Path;

/// The generic per-request CSV reader.
pub struct Generic;

impl Reader for Generic {
    fn shards(&self) -> super::Shards {
        super::Shards::PerRequest
    }
    fn id(&self) -> &'static str {
        "generic-csv"
    }

    fn describe(&self) -> &'static str {
        "generic per-request CSV (timestamp,endpoint,latency_ms,status,ok)"
    }

    fn sniff(&self, name: &str, head: &[u8]) -> bool {
        let first = head.split(|b| *b == b'\n').next().unwrap_or_default();
        let line = String::from_utf8_lossy(first).to_ascii_lowercase();
        let cols: Vec<&str> = line
            .split(',')
            .map(|c| c.trim().trim_matches('"'))
            .collect();
        name.to_ascii_lowercase().ends_with(".csv")
            && cols.contains(&"endpoint")
            && cols.contains(&"latency_ms")
    }

    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        opts: &ReadOptions,
    ) -> Result<(), InputError> {
        builder.tool("generic", None);
        let mut file = CsvFile::open(path)?;
        let cols = Columns {
            endpoint: file.require(&["endpoint"])?,
            latency: file.require(&["latency_ms"])?,
            timestamp: file.column(&["timestamp"]),
            status: file.column(&["status"]),
            ok: file.column(&["ok"]),
            method: file.column(&["method"]),
            error: file.column(&["error"]),
            users: file.column(&["users"]),
            bytes: file.column(&["bytes"]),
        };
        file.each_row(builder, opts.skip_bad_rows, |row, builder| {
            record(row, &cols, builder)
        })?;
        Ok(())
    }
}

struct Columns {
    endpoint: usize,
    latency: usize,
    timestamp: Option<usize>,
    status: Option<usize>,
    ok: Option<usize>,
    method: Option<usize>,
    error: Option<usize>,
    users: Option<usize>,
    bytes: Option<usize>,
}

fn record(row: &Row<'_>, c: &Columns, builder: &mut RunBuilder) -> Result<(), InputError> {
    let status = row.opt_u64(c.status)?.map(|s| s as u16);
    let ok = match c.ok.map(|i| (i, row.text(i).to_ascii_lowercase())) {
        Some((_, t)) if matches!(t.as_str(), "true" | "1" | "yes" | "ok") => true,
        Some((_, t)) if matches!(t.as_str(), "false" | "0" | "no" | "ko") => false,
        Some((i, t)) if !t.is_empty() => {
            return Err(row.error(
                Some(i),
                format!(
                    "{} in column `ok` is not true or false",
                    crate::error::cell(&t)
                ),
            ))
        }
        _ => status.is_some_and(|s| s < 400),
    };
    let start_ms = match c.timestamp {
        Some(i) => {
            let t = row.text(i);
            if t.is_empty() {
                None
            } else {
                Some(parse_time_ms(&t).ok_or_else(|| {
                    row.error(
                        Some(i),
                        format!("`{t}` is not a timestamp (RFC 3339 or Unix time)"),
                    )
                })?)
            }
        }
        None => None,
    };
    let endpoint = row.text(c.endpoint);
    let method = c.method.map(|i| row.text(i)).unwrap_or_default();
    let error = c.error.map(|i| row.text(i));
    builder.record(&Sample {
        start_ms,
        latency_ms: row.f64(c.latency)?,
        method: &method,
        name: &endpoint,
        ok,
        status,
        error: error.as_deref().filter(|e| !e.is_empty()),
        users: row.opt_u64(c.users)?.map(|u| u as u32),
        bytes: row.opt_u64(c.bytes)?,
    });
    Ok(())
}

/// RFC 3339, or Unix seconds (milliseconds when above 10^11), as Unix ms.
pub fn parse_time_ms(text: &str) -> Option<f64> {
    if let Ok(v) = text.parse::<f64>() {
        // `inf` and `1e308` are no time: refused as an unreadable cell.
        let v = super::input::figure(v).ok()?;
        return Some(if v > 1e11 { v } else { v * 1000.0 });
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.timestamp_millis() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_that_are_no_figure_are_not_times() {
        for t in ["inf", "-inf", "NaN", "1e308", "Infinity"] {
            assert_eq!(parse_time_ms(t), None, "{t}");
        }
        assert_eq!(parse_time_ms("1795432343"), Some(1_795_432_343_000.0));
    }

    #[test]
    fn timestamps_in_every_documented_form() {
        assert_eq!(parse_time_ms("1795432343"), Some(1_795_432_343_000.0));
        assert_eq!(parse_time_ms("1795432343123"), Some(1_795_432_343_123.0));
        assert_eq!(
            parse_time_ms("2026-11-23T11:12:23.120Z"),
            Some(1_795_432_343_120.0)
        );
        assert_eq!(
            parse_time_ms("2026-11-23T14:12:23+03:00"),
            Some(1_795_432_343_000.0)
        );
        assert_eq!(parse_time_ms("yesterday"), None);
    }
}
