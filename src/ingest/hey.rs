//! hey's per-request CSV (`hey -o csv URL > run.csv`):
//!
//! ```text
//! response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset
//! 0.0556,0.0001,0.0000,0.0000,0.0553,0.0001,201,0.0119
//! ```
//!
//! Times are in SECONDS (4 decimals); `offset` is when the request started,
//! in seconds since the start of the run. The file holds no wall-clock time,
//! so the run's start stays unknown ([`RunBuilder::relative_times`]); the
//! duration and the time series are still right. Rows are in completion order.
//!
//! The file holds no URL (hey tests one URL, given on its command line), so
//! every request goes to one endpoint named `(all requests)`, without a method
//! (`-m` is not recorded either).
//!
//! A request failed when its status is 400 or more (3xx is not a failure).
//! hey writes only requests that got a response: requests that ended in an
//! error (timeout, connection refused) are in hey's printed "Error
//! distribution" but not in the CSV, so the reader says so in a note.

use super::chunked::{self, ChunkParser, ChunkSink, Fields, Sink, Stop};
use super::csvfile::{CsvFile, Row};
use super::{input, ReadOptions, Reader, RunBuilder};
use crate::error::{InputError, Position};
use crate::model::Sample;
use std::path::Path;

/// The endpoint name of every request of a single-URL tool (hey, ab, wrk, …).
pub const ALL_REQUESTS: &str = "(all requests)";

/// hey's header row.
const HEADER: &str =
    "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset";

/// The hey `-o csv` reader.
pub struct Hey;

impl Reader for Hey {
    fn shards(&self) -> super::Shards {
        super::Shards::PerRequest
    }
    fn id(&self) -> &'static str {
        "hey-csv"
    }

    fn describe(&self) -> &'static str {
        "hey per-request CSV (hey -o csv URL > run.csv)"
    }

    fn sniff(&self, _name: &str, head: &[u8]) -> bool {
        let first = head.split(|b| *b == b'\n').next().unwrap_or_default();
        let line = String::from_utf8_lossy(first);
        let line = line.trim_start_matches('\u{feff}').trim();
        line.eq_ignore_ascii_case(HEADER)
    }

    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        opts: &ReadOptions,
    ) -> Result<(), InputError> {
        builder.tool("hey", None);
        let mut file = CsvFile::open(path)?;
        let cols = Columns {
            latency: file.require(&["response-time"])?,
            status: file.require(&["status-code"])?,
            offset: file.require(&["offset"])?,
        };
        builder.relative_times();
        builder.note(
            "hey -o csv lists only requests that got a response: requests that ended in an error \
             (timeout, refused connection) are not in the file, so they are not counted",
        );
        if let Some(start) = fast_path_start(path, opts)? {
            let headers = file.headers().to_vec();
            let make = || HeyChunk {
                path,
                headers: &headers,
                cols: Columns { ..cols },
                opts,
                newlines: 0,
                other: None,
            };
            if let Some(chunks) = chunked::parse_file(path, start, opts, builder, make)? {
                chunked::merge(chunks, 2, builder)?;
                return Ok(());
            }
        }
        file.each_row(builder, opts.skip_bad_rows, |row, builder| {
            record(row, &cols, builder)
        })?;
        Ok(())
    }
}

#[derive(Clone, Copy)]
struct Columns {
    latency: usize,
    status: usize,
    offset: usize,
}

/// A number the row must hold (hey writes every cell).
fn needed(row: &Row<'_>, i: usize, what: &str) -> Result<f64, InputError> {
    match row.f64(i)? {
        Some(v) if v >= 0.0 => Ok(v),
        Some(v) => Err(row.error(Some(i), format!("`{v}` in column `{what}` is negative"))),
        None => Err(row.error(Some(i), format!("the `{what}` cell is empty"))),
    }
}

fn record(row: &Row<'_>, c: &Columns, builder: &mut impl Sink) -> Result<(), InputError> {
    let latency_s = needed(row, c.latency, "response-time")?;
    let offset_s = needed(row, c.offset, "offset")?;
    let status = match row.u64(c.status)? {
        Some(s) if (100..=999).contains(&s) => Some(s as u16),
        Some(0) | None => None,
        Some(s) => {
            return Err(row.error(
                Some(c.status),
                format!("`{s}` in column `status-code` is not an HTTP status"),
            ))
        }
    };
    builder.record(&Sample {
        start_ms: Some(offset_s * 1000.0),
        latency_ms: status.map(|_| latency_s * 1000.0),
        method: "",
        name: ALL_REQUESTS,
        ok: status.is_some_and(|s| s < 400),
        status,
        error: None,
        users: None,
        bytes: None,
    });
    Ok(())
}

/// Where the data rows start when the fast path can read the file: a plain
/// file (not gzip) without a byte-order mark.
fn fast_path_start(path: &Path, opts: &ReadOptions) -> Result<Option<u64>, InputError> {
    let cannot = |e: std::io::Error| InputError::new(path, format!("cannot read: {e}"));
    if opts.no_fast_path || input::is_gzip(path).map_err(cannot)? {
        return Ok(None);
    }
    let head = input::head(path)?;
    if head.starts_with(b"\xef\xbb\xbf") {
        return Ok(None);
    }
    Ok(memchr::memchr(b'\n', &head)
        .filter(|i| !head[..*i].contains(&b'"'))
        .map(|i| i as u64 + 1))
}

/// The fast path over a range of hey rows: the three cells used are read
/// from the bytes; any row that is not plain goes through [`record`] itself.
struct HeyChunk<'a> {
    path: &'a Path,
    headers: &'a [String],
    cols: Columns,
    opts: &'a ReadOptions,
    newlines: u64,
    other: Option<usize>,
}

impl HeyChunk<'_> {
    #[inline]
    fn fast<'b>(&mut self, f: &impl Fields<'b>, sink: &mut ChunkSink) -> bool {
        let c = self.cols;
        let (Some(latency_s), Some(offset_s)) = (
            chunked::decimal(f.field(c.latency)),
            chunked::decimal(f.field(c.offset)),
        ) else {
            return false;
        };
        let status = match chunked::digits(f.field(c.status)) {
            Some(0) => None,
            Some(s) if (100..=999).contains(&s) => Some(s as u16),
            _ => return false,
        };
        let i = match self.other {
            Some(i) => i,
            None => {
                let i = sink.stats.endpoint("", ALL_REQUESTS);
                self.other = Some(i);
                i
            }
        };
        sink.stats.record_at(
            i,
            &Sample {
                start_ms: Some(offset_s * 1000.0),
                latency_ms: status.map(|_| latency_s * 1000.0),
                method: "",
                name: ALL_REQUESTS,
                ok: status.is_some_and(|s| s < 400),
                status,
                error: None,
                users: None,
                bytes: None,
            },
        );
        true
    }
}

impl ChunkParser for HeyChunk<'_> {
    fn parse(
        &mut self,
        buf: &[u8],
        limit: usize,
        eof: bool,
        sink: &mut ChunkSink,
    ) -> Result<usize, Stop> {
        chunked::scan_lines(buf, limit, eof, b',', |line| {
            if !line.plain || line.wide {
                // hey never quotes; a quote or a lone CR is for the general reader.
                return Err(Stop::Unsupported);
            }
            let n = line.count();
            let line_no = self.newlines + 1;
            let done = line.bytes.is_empty() || (n == self.headers.len() && self.fast(line, sink));
            if !done {
                let result = if n != self.headers.len() {
                    Err(InputError::at(
                        self.path,
                        Position {
                            line: line_no,
                            column: None,
                        },
                        format!(
                            "the row has {n} fields but the header has {}",
                            self.headers.len()
                        ),
                    ))
                } else {
                    let all: Vec<&[u8]> = (0..n).map(|i| line.field(i)).collect();
                    let record = csv::ByteRecord::from(all);
                    let row = Row::new(self.path, self.headers, line_no, &record);
                    record_row(&row, &self.cols, sink)
                };
                if let Err(e) = result {
                    sink.bad_row(e, self.opts.skip_bad_rows)?;
                }
            }
            self.newlines += u64::from(line.had_newline(buf));
            Ok(chunked::Step::Next)
        })
    }

    fn newlines(&self) -> u64 {
        self.newlines
    }
}

fn record_row(row: &Row<'_>, c: &Columns, sink: &mut ChunkSink) -> Result<(), InputError> {
    record(row, c, sink)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_header_only() {
        let head = format!("{HEADER}\n0.0556,0.0001,0.0000,0.0000,0.0553,0.0001,201,0.0119\n");
        assert!(Hey.sniff("out.txt", head.as_bytes()));
        assert!(Hey.sniff("x.csv", format!("\u{feff}{HEADER}\r\n").as_bytes()));
        assert!(!Hey.sniff("x.csv", b"endpoint,latency_ms\n"));
        assert!(!Hey.sniff("x.csv", b"response-time,status-code\n"));
    }

    #[test]
    fn seconds_become_ms_and_4xx_fail_but_3xx_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("h.csv");
        std::fs::write(
            &p,
            format!("{HEADER}\n0.0100,0,0,0,0,0,200,0.5\n0.0200,0,0,0,0,0,302,1.0\n0.0300,0,0,0,0,0,404,1.5\n0.0400,0,0,0,0,0,500,2.0\n"),
        )
        .unwrap();
        let mut b = RunBuilder::new();
        Hey.read(&p, &mut b, &ReadOptions::default()).unwrap();
        let run = b.build(crate::model::RunMeta::default()).unwrap();
        assert_eq!(run.totals.requests, 4);
        assert_eq!(run.totals.failures, 2);
        assert_eq!(run.meta.started_at_s, None, "hey has no wall clock");
        let d = run.meta.duration_s.unwrap();
        assert!((d - 1.54).abs() < 1e-9, "{d}");
        assert!((run.totals.latency.max_ms.unwrap() - 40.0).abs() < 1e-9);
        assert_eq!(run.endpoints[0].name, ALL_REQUESTS);
    }
}
