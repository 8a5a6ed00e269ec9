//! Apache JMeter results: the JTL sample log in its CSV and XML flavours
//! (`jmeter -n -t plan.jmx -l results.jtl`), and the HTML dashboard's
//! `statistics.json` (`jmeter -g results.jtl -o report/`).
//!
//! **CSV with a header row** (`jmeter.save.saveservice.print_field_names=true`,
//! the default since 3.x): columns are found by name, in any order and any
//! selection; the delimiter is whichever of `,` TAB `;` `|` splits the header
//! into `timeStamp` and `elapsed`. Quoted fields may span several lines; error
//! lines are file lines where the row starts (the header is line 1).
//!
//! **CSV without a header row**: recognised by content (first field 10–13
//! digits of epoch ms, second an integer, a `true`/`false` field) and mapped by
//! position onto one of JMeter's default column layouts, told apart by the
//! number of fields (see [`Layout`]):
//!
//! | fields | layout |
//! |---|---|
//! | 17 | 5.x default: `timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect` |
//! | 16 | 3.1–4.x default (no `URL`): `…,failureMessage,bytes,sentBytes,grpThreads,allThreads,Latency,IdleTime,Connect`, or, when field 13 (0-based 12) is not a number, 2.13 with URL (no `sentBytes`): `…,failureMessage,bytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect` |
//! | 15 | 3.0 default: `…,success,failureMessage,bytes,grpThreads,allThreads,Latency,IdleTime,Connect` |
//! | 12 | 2.9–2.13 default: `…,success,bytes,grpThreads,allThreads,Latency` |
//! | 10 | 2.x before thread counts: `…,success,bytes,Latency` |
//!
//! (`…` is `timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType`.)
//!
//! **XML** (`jmeter.save.saveservice.output_format=xml`): streamed with
//! quick-xml, never held whole. Only the `<httpSample>`/`<sample>` children of
//! `<testResults>` are requests; samples nested in them (redirects, embedded
//! resources, a transaction controller's children) are parts of their parent.
//! A fast path reads plain files on every core, cut at top-level sample
//! lines, and hands every sample it does not read itself to the general
//! reader's event handling (see the XML fast path section).
//!
//! Semantics shared by both JTL flavours:
//! - JMeter's `success` decides failure, not the response code: a 404 an
//!   assertion accepts is a success, a 200 an assertion rejects a failure.
//!   (Without a `success` column, a response code that is not a number below
//!   400 is a failure, and a note says so.)
//! - The failure message is a non-numeric response code (`Non HTTP response
//!   code: java.net.…Exception`: no response at all), else the assertion's
//!   `failureMessage`, else `responseMessage`; for a 1xx–3xx response rejected without a saved
//!   message, "assertion failed (HTTP 200 OK; no failure message saved)".
//! - The status is `responseCode` when it is a number, else none.
//! - The endpoint is `label`; without a label column, the URL through
//!   [`Naming`](super::endpoint::Naming). JMeter records no method: it is empty.
//! - Users are `allThreads`, else `grpThreads`. `elapsed` is in ms, `timeStamp`
//!   in epoch ms, or a year-first `timestamp_format` date (see [`DATE_FORMATS`]).
//! - Sub-results (CSV `LABEL-N` rows after their parent, XML nested samples)
//!   are parts of their parent; Transaction Controller rows are transactions
//!   ([`RunBuilder::transaction`]), not requests.

use super::chunked::{self, ChunkParser, ChunkSink, Fields, Sink, Stop};
use super::{input, ReadOptions, Reader, RunBuilder};
use crate::error::{InputError, Position};
use crate::model::{EndpointStats, LatencyStats, Percentile, Precision, Sample};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{BufRead, Read};
use std::path::Path;

// ---------------------------------------------------------------- CSV ----

/// JTL in CSV with a header row.
pub struct JtlCsv;

/// JTL in CSV without a header row (`print_field_names=false`).
pub struct JtlCsvNoHeader;

impl Reader for JtlCsv {
    fn shards(&self) -> super::Shards {
        super::Shards::PerRequest
    }
    fn id(&self) -> &'static str {
        "jmeter-csv"
    }

    fn describe(&self) -> &'static str {
        "JMeter JTL, CSV with header (jmeter -n -t plan.jmx -l results.jtl)"
    }

    fn sniff(&self, _name: &str, head: &[u8]) -> bool {
        header_delimiter(first_line(head)).is_some()
    }

    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        opts: &ReadOptions,
    ) -> Result<(), InputError> {
        read_csv(path, builder, opts, true)
    }
}

impl Reader for JtlCsvNoHeader {
    fn shards(&self) -> super::Shards {
        super::Shards::PerRequest
    }
    fn id(&self) -> &'static str {
        "jmeter-csv-noheader"
    }

    fn describe(&self) -> &'static str {
        "JMeter JTL, CSV without header (jmeter -n -t plan.jmx -l results.jtl -Jjmeter.save.saveservice.print_field_names=false)"
    }

    fn sniff(&self, _name: &str, head: &[u8]) -> bool {
        data_delimiter(first_line(head)).is_some()
    }

    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        opts: &ReadOptions,
    ) -> Result<(), InputError> {
        read_csv(path, builder, opts, false)
    }
}

const DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];

fn first_line(head: &[u8]) -> &[u8] {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn unquote(field: &[u8]) -> &[u8] {
    let f = field.trim_ascii();
    f.strip_prefix(b"\"")
        .and_then(|f| f.strip_suffix(b"\""))
        .unwrap_or(f)
}

/// The delimiter that splits a header line into `timeStamp` and `elapsed`.
fn header_delimiter(line: &[u8]) -> Option<u8> {
    DELIMITERS.into_iter().find(|&d| {
        let fields: Vec<&[u8]> = line.split(|b| *b == d).map(unquote).collect();
        let has = |n: &[u8]| fields.iter().any(|f| f.eq_ignore_ascii_case(n));
        has(b"timestamp") && has(b"elapsed")
    })
}

/// The delimiter under which a data line looks like a header-less JTL row:
/// epoch ms, an integer elapsed, and a `true`/`false` success field.
fn data_delimiter(line: &[u8]) -> Option<u8> {
    DELIMITERS.into_iter().find(|&d| {
        let fields: Vec<&[u8]> = line.split(|b| *b == d).map(unquote).collect();
        fields.len() >= 8
            && (10..=13).contains(&fields[0].len())
            && fields[0].iter().all(u8::is_ascii_digit)
            && !fields[1].is_empty()
            && fields[1].iter().all(u8::is_ascii_digit)
            && fields[2..]
                .iter()
                .any(|f| f.eq_ignore_ascii_case(b"true") || f.eq_ignore_ascii_case(b"false"))
    })
}

/// Where the columns perfreport uses are.
#[derive(Debug, Default, Clone, PartialEq)]
struct Columns {
    timestamp: Option<usize>,
    elapsed: usize,
    label: Option<usize>,
    code: Option<usize>,
    message: Option<usize>,
    success: Option<usize>,
    failure_message: Option<usize>,
    all_threads: Option<usize>,
    grp_threads: Option<usize>,
    bytes: Option<usize>,
    url: Option<usize>,
    thread: Option<usize>,
    data_type: Option<usize>,
}

impl Columns {
    fn from_names(names: &[String]) -> Option<Columns> {
        let find = |n: &str| names.iter().position(|h| h.eq_ignore_ascii_case(n));
        Some(Columns {
            timestamp: find("timeStamp"),
            elapsed: find("elapsed")?,
            label: find("label"),
            code: find("responseCode"),
            message: find("responseMessage"),
            success: find("success"),
            failure_message: find("failureMessage"),
            all_threads: find("allThreads"),
            grp_threads: find("grpThreads"),
            bytes: find("bytes"),
            url: find("URL"),
            thread: find("threadName"),
            data_type: find("dataType"),
        })
    }
}

/// JMeter's default column layouts, for files without a header row.
const PREFIX: &str = "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType";

/// The header-less layout for a first row: by field count, and for 16 fields
/// by whether 0-based field 12 (`allThreads` in 3.1+, `URL` in 2.13) is a number.
fn layout(first: &csv::ByteRecord) -> Option<String> {
    let rest = match first.len() {
        17 => "success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect",
        16 => {
            let f12 = first.get(12).unwrap_or_default();
            if !f12.is_empty() && f12.iter().all(u8::is_ascii_digit) {
                "success,failureMessage,bytes,sentBytes,grpThreads,allThreads,Latency,IdleTime,Connect"
            } else {
                "success,failureMessage,bytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect"
            }
        }
        15 => "success,failureMessage,bytes,grpThreads,allThreads,Latency,IdleTime,Connect",
        12 => "success,bytes,grpThreads,allThreads,Latency",
        10 => "success,bytes,Latency",
        _ => return None,
    };
    Some(format!("{PREFIX},{rest}"))
}

fn read_csv(
    path: &Path,
    builder: &mut RunBuilder,
    opts: &ReadOptions,
    header: bool,
) -> Result<(), InputError> {
    builder.tool("jmeter", None);
    let head = input::head(path)?;
    let line1 = first_line(&head);
    let delimiter = if header {
        header_delimiter(line1)
    } else {
        data_delimiter(line1)
    }
    .ok_or_else(|| InputError::new(path, "the file is empty or not a JMeter CSV JTL"))?;
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(input::open(path)?);
    let mut record = csv::ByteRecord::new();
    let at = |line: u64, column: Option<usize>, msg: String| {
        InputError::at(
            path,
            Position {
                line,
                column: column.map(|c| c as u64 + 1),
            },
            msg,
        )
    };
    let read = |csv: &mut csv::Reader<Box<dyn BufRead + Send>>, record: &mut csv::ByteRecord| {
        csv.read_byte_record(record).map_err(|e| {
            let line = e.position().map_or(0, csv::Position::line);
            match e.kind() {
                csv::ErrorKind::Io(io) => InputError::new(path, format!("cannot read: {io}")),
                _ => at(line, None, e.to_string()),
            }
        })
    };
    if !read(&mut csv, &mut record)? {
        return Err(InputError::new(path, "the file is empty"));
    }
    let (names, pending) = if header {
        let names: Vec<String> = record
            .iter()
            .map(|f| {
                String::from_utf8_lossy(f)
                    .trim_start_matches('\u{feff}')
                    .trim()
                    .to_string()
            })
            .collect();
        (names, false)
    } else {
        let layout = layout(&record).ok_or_else(|| {
            at(
                1,
                None,
                format!(
                    "this JTL has no header row and {} fields; without a header perfreport reads \
                     JMeter's default layouts of 10, 12, 15, 16 or 17 fields. Save with \
                     -Jjmeter.save.saveservice.print_field_names=true",
                    record.len()
                ),
            )
        })?;
        builder.note(format!(
            "The JTL has no header row; its {} columns were read as JMeter's default layout: {layout}.",
            record.len()
        ));
        (layout.split(',').map(str::to_string).collect(), true)
    };
    let cols = Columns::from_names(&names)
        .ok_or_else(|| at(1, None, "the header has no `elapsed` column".to_string()))?;
    if cols.label.is_none() && cols.url.is_none() {
        return Err(at(
            1,
            None,
            "the header has neither a `label` nor a `URL` column".to_string(),
        ));
    }
    if cols.success.is_none() {
        builder.note(
            "The JTL has no `success` column: a request counts as failed when its responseCode \
             is not a number below 400.",
        );
    }
    let mut rows = RowReader {
        path,
        cols,
        names,
        width_from: if header { "header" } else { "first row" },
        transaction_rows: 0,
        family: Family::default(),
        zone: opts.timezone,
        date_hint: 0,
        zoneless_rows: 0,
    };
    if let Some(start) = fast_path_start(&head, header, opts) {
        let make = || JtlChunk::new(&rows, delimiter, opts);
        let chunks = chunked::parse_path(path, start, opts, builder, make)?;
        if let Some(chunks) = chunks {
            let first_line = if header { 2 } else { 1 };
            for p in chunked::merge(chunks, first_line, builder)? {
                rows.transaction_rows += p.rows.transaction_rows;
                rows.family.add(&p.rows.family);
                rows.zoneless_rows += p.rows.zoneless_rows;
            }
            rows.notes(builder);
            return Ok(());
        }
    }
    if pending {
        let line = record.position().map_or(1, csv::Position::line);
        rows.row(&record, line, builder, opts)?;
    }
    loop {
        match read(&mut csv, &mut record) {
            Ok(true) => {
                let line = record.position().map_or(0, csv::Position::line);
                rows.row(&record, line, builder, opts)?;
            }
            Ok(false) => break,
            Err(e) => builder.bad_row(e, opts.skip_bad_rows)?,
        }
    }
    rows.notes(builder);
    Ok(())
}

/// Says once that the input's dates have no zone and none was given.
fn zone_unknown_note(builder: &mut RunBuilder) {
    builder.clock_zone_unknown();
    builder.note(
        "The timestamps are dates written without a time zone (a custom \
         jmeter.save.saveservice.timestamp_format), and neither --timezone nor run.toml \
         `timezone` gives one: times are shown as written and the zone is unknown. Counts, \
         latencies and durations do not depend on it.",
    );
}

/// The start of a Transaction Controller sample's `responseMessage`.
const TRANSACTION_MESSAGE: &str = "Number of samples in transaction";

/// Most milliseconds a sub-result may stick out of its parent's time span
/// (JMeter rounds each sample's start and end to whole milliseconds apart).
const SPAN_SLACK_MS: i64 = 1;

/// JMeter sub-results in a CSV JTL: a sampler's redirect hops and embedded
/// resources are written as rows of their own, labelled `LABEL-0`,
/// `LABEL-1`, … (`LABEL-0-0` one level down), right after their parent, on
/// its thread and inside its time span. They are parts of the parent (whose
/// row already holds their time and bytes), not requests. A row is taken for
/// a sub-result only when all of that holds: recorder-generated labels often
/// end in `-NN` without being sub-results.
#[derive(Debug, Default)]
struct Family {
    /// The last row that was not a sub-result, while its sub-results may follow.
    open: bool,
    label: Vec<u8>,
    thread: Vec<u8>,
    start_ms: i64,
    elapsed_ms: i64,
    /// Rows found to be sub-results.
    sub_results: u64,
    /// Rows named like a sub-result of the row before them that could not be
    /// checked (no thread or time stamp column) and were counted as requests.
    unconfirmed: u64,
}

impl Family {
    /// Whether the row is a sub-result of the open parent; a row that is not
    /// becomes the open parent. `thread` and `start_ms` are `None` when the
    /// file does not save them.
    fn sub_result(
        &mut self,
        label: &[u8],
        thread: Option<&[u8]>,
        start_ms: Option<i64>,
        elapsed_ms: u64,
    ) -> bool {
        let elapsed_ms = elapsed_ms.min(i64::MAX as u64) as i64;
        let named = !self.label.is_empty() && is_part_label(&self.label, label);
        match (thread, start_ms) {
            (Some(thread), Some(start)) => {
                if self.open
                    && named
                    && thread == self.thread.as_slice()
                    && within(self.start_ms, self.elapsed_ms, start, elapsed_ms)
                {
                    self.sub_results += 1;
                    return true;
                }
                self.open = !thread.is_empty();
                self.thread.clear();
                self.thread.extend_from_slice(thread);
                self.start_ms = start;
                self.elapsed_ms = elapsed_ms;
            }
            _ => {
                self.open = false;
                if named {
                    // Keep the parent's name: its next part may follow.
                    self.unconfirmed += 1;
                    return false;
                }
            }
        }
        self.label.clear();
        self.label.extend_from_slice(label);
        false
    }

    fn add(&mut self, other: &Family) {
        self.sub_results += other.sub_results;
        self.unconfirmed += other.unconfirmed;
    }
}

/// `label` is `parent-N` (or `parent-N-M`, …): the name JMeter gives a sub-result.
fn is_part_label(parent: &[u8], label: &[u8]) -> bool {
    let Some(rest) = label
        .strip_prefix(parent)
        .and_then(|r| r.strip_prefix(b"-"))
    else {
        return false;
    };
    rest.split(|b| *b == b'-')
        .all(|g| !g.is_empty() && g.iter().all(u8::is_ascii_digit))
}

/// Whether a label ends in `-N`, so that it may name a sub-result.
fn may_be_part_label(label: &[u8]) -> bool {
    match label.iter().rposition(|b| *b == b'-') {
        Some(i) => i + 1 < label.len() && label[i + 1..].iter().all(u8::is_ascii_digit),
        None => false,
    }
}

/// A child's span inside its parent's, whether JMeter stamped sample starts
/// (`sampleresult.timestamp.start=true`, the default) or ends.
fn within(parent_ts: i64, parent_elapsed: i64, ts: i64, elapsed: i64) -> bool {
    let inside = |p0: i64, p1: i64, c0: i64, c1: i64| {
        c0 >= p0.saturating_sub(SPAN_SLACK_MS) && c1 <= p1.saturating_add(SPAN_SLACK_MS)
    };
    inside(
        parent_ts,
        parent_ts.saturating_add(parent_elapsed),
        ts,
        ts.saturating_add(elapsed),
    ) || inside(
        parent_ts.saturating_sub(parent_elapsed),
        parent_ts,
        ts.saturating_sub(elapsed),
        ts,
    )
}

/// Where the data rows start (in the decompressed data of a gzip file) when
/// the fast path can read this file: no byte-order mark, a header line
/// without quotes.
fn fast_path_start(head: &[u8], header: bool, opts: &ReadOptions) -> Option<u64> {
    if opts.no_fast_path || head.starts_with(b"\xef\xbb\xbf") {
        return None;
    }
    if !header {
        return Some(0);
    }
    match memchr::memchr(b'\n', head) {
        Some(i) if !head[..i].contains(&b'"') && !head[..i].trim_ascii_end().contains(&b'\r') => {
            Some(i as u64 + 1)
        }
        _ => None,
    }
}

/// Fields of a row the fast path reads at most; wider rows take the general path.
const MAX_FIELDS: usize = 64;

/// The fast path over a range of JTL lines: fields are byte slices of the
/// line, numbers are read from the bytes, labels are interned. Rows that are
/// not plain (failures, transaction samples, anything the fast path does not
/// parse exactly as [`RowReader`] would) go through [`RowReader`] itself, so
/// both paths give the same figures and the same errors.
struct JtlChunk<'a> {
    rows: RowReader<'a>,
    opts: &'a ReadOptions,
    delimiter: u8,
    newlines: u64,
    labels: chunked::Names,
    csv: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
}

/// `b` as `str::trim` would leave it, when that is `b` itself and can be told
/// without decoding: empty, or both ends ASCII that is not whitespace.
#[inline]
fn trimmed(b: &[u8]) -> Option<&[u8]> {
    let plain = |c: u8| c.is_ascii() && !matches!(c, b'\t'..=b'\r' | b' ');
    match (b.first(), b.last()) {
        (Some(&a), Some(&z)) if !(plain(a) && plain(z)) => None,
        _ => Some(b),
    }
}

/// Distinct raw labels (or URLs) remembered per chunk.
const MAX_INTERNED: usize = 10_000;

impl<'a> JtlChunk<'a> {
    fn new(rows: &RowReader<'a>, delimiter: u8, opts: &'a ReadOptions) -> Self {
        JtlChunk {
            rows: RowReader {
                path: rows.path,
                cols: rows.cols.clone(),
                names: rows.names.clone(),
                width_from: rows.width_from,
                transaction_rows: 0,
                family: Family::default(),
                zone: rows.zone,
                date_hint: 0,
                zoneless_rows: 0,
            },
            opts,
            delimiter,
            newlines: 0,
            labels: chunked::Names::default(),
            csv: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            out: vec![0; 1024],
            ends: vec![0; MAX_FIELDS],
        }
    }

    /// One record's fields: fast when plain, else through [`RowReader`].
    fn record(&mut self, fields: &[&[u8]], sink: &mut ChunkSink) -> Result<(), Stop> {
        let line = self.newlines + 1;
        if !self.fast(fields, sink) {
            let record = csv::ByteRecord::from(fields.to_vec());
            self.rows.row(&record, line, sink, self.opts)?;
        }
        Ok(())
    }

    /// Records a plain successful row; false when the row needs the general path.
    #[inline]
    fn fast<'b>(&mut self, f: &(impl Fields<'b> + ?Sized), sink: &mut ChunkSink) -> bool {
        let c = &self.rows.cols;
        if f.count() != self.rows.names.len() {
            return false;
        }
        let start_ms = match c.timestamp {
            Some(i) => match chunked::digits(f.field(i)) {
                Some(v) => Some(v as f64),
                None => return false,
            },
            None => None,
        };
        let Some(elapsed) = chunked::digits(f.field(c.elapsed)) else {
            return false;
        };
        let status = match c.code.map(|i| f.field(i)) {
            Some(code) => match chunked::digits(code) {
                Some(v) if code.len() <= 5 && v <= u64::from(u16::MAX) => Some(v as u16),
                _ => return false,
            },
            None => None,
        };
        let ok = match c.success {
            Some(i) => f.field(i) == b"true",
            None => status.is_some_and(|s| s < 400),
        };
        if !ok {
            return false;
        }
        if let Some(i) = c.message {
            if f.field(i).starts_with(TRANSACTION_MESSAGE.as_bytes()) {
                return false;
            }
        }
        let users = match c.all_threads.or(c.grp_threads).map(|i| f.field(i)) {
            Some(b"") | None => None,
            Some(t) => match chunked::digits(t) {
                Some(v) if t.len() <= 9 => Some(v as u32),
                _ => return false,
            },
        };
        let bytes = match c.bytes.map(|i| f.field(i)) {
            Some(b"") | None => None,
            Some(t) => match chunked::digits(t) {
                Some(v) => Some(v),
                None => return false,
            },
        };
        let key = match c.label.or(c.url) {
            Some(i) => f.field(i),
            None => return false,
        };
        // The name matters only the first time: the endpoint index stands for it.
        let known = self.labels.get(key);
        if c.label.is_some() {
            // Trimmed as the general path trims them, so both agree. A known
            // label was checked to be UTF-8 when it was first seen.
            let label = match (known, trimmed(key)) {
                (Some(_), Some(t)) => t,
                _ => match std::str::from_utf8(key) {
                    Ok(l) => l.trim().as_bytes(),
                    Err(_) => return false,
                },
            };
            let thread = match c.thread.map(|i| f.field(i)) {
                Some(t) => match trimmed(t).filter(|t| t.is_ascii()) {
                    Some(t) => Some(t),
                    None => match std::str::from_utf8(t) {
                        Ok(t) => Some(t.trim().as_bytes()),
                        Err(_) => return false,
                    },
                },
                None => None,
            };
            let start = start_ms.map(|t| t as i64);
            let family = &mut self.rows.family;
            if family.sub_result(label, thread, start, elapsed) {
                return true;
            }
        }
        let idx = match known {
            Some(i) => i,
            None => {
                let Ok(raw) = std::str::from_utf8(key) else {
                    return false;
                };
                let i = if c.label.is_some() {
                    sink.stats.endpoint("", raw.trim())
                } else {
                    sink.stats.endpoint("", &self.opts.naming.name(raw.trim()))
                };
                self.labels.insert(key, i, MAX_INTERNED);
                i
            }
        };
        let name = "";
        sink.stats.record_at(
            idx,
            &Sample {
                start_ms,
                latency_ms: Some(elapsed as f64),
                method: "",
                name,
                ok,
                status,
                error: None,
                users,
                bytes,
            },
        );
        true
    }

    /// A record with quotes, from `buf[at..]`: its length, or `None` when it
    /// does not end in `buf` (and `eof` is false).
    fn quoted(
        &mut self,
        buf: &[u8],
        at: usize,
        eof: bool,
        sink: &mut ChunkSink,
    ) -> Result<Option<usize>, Stop> {
        use csv_core::ReadRecordResult as R;
        self.csv.reset();
        let input = &buf[at..];
        let (mut nin, mut nout, mut nend) = (0, 0, 0);
        loop {
            let (res, i, o, e) =
                self.csv
                    .read_record(&input[nin..], &mut self.out[nout..], &mut self.ends[nend..]);
            nin += i;
            nout += o;
            nend += e;
            match res {
                R::InputEmpty if !eof => return Ok(None),
                R::InputEmpty => continue, // an empty read next ends the last record
                R::OutputFull => {
                    let n = self.out.len() * 2;
                    self.out.resize(n, 0);
                }
                R::OutputEndsFull => return Err(Stop::Unsupported),
                R::Record => break,
                R::End => return Err(Stop::Unsupported),
            }
        }
        let raw = &input[..nin];
        // The general reader turns a lone CR (or one inside quotes) into a
        // line end; leave those files to it.
        let body = raw.strip_suffix(b"\n").unwrap_or(raw);
        let body = body.strip_suffix(b"\r").unwrap_or(body);
        if body.contains(&b'\r') {
            return Err(Stop::Unsupported);
        }
        let mut fields: [&[u8]; MAX_FIELDS] = [&[]; MAX_FIELDS];
        let mut from = 0;
        for (k, &end) in self.ends[..nend].iter().enumerate() {
            fields[k] = &self.out[from..end];
            from = end;
        }
        let line = self.newlines + 1;
        let owned: Vec<Vec<u8>> = fields[..nend].iter().map(|f| f.to_vec()).collect();
        let refs: Vec<&[u8]> = owned.iter().map(Vec::as_slice).collect();
        if !self.fast(refs.as_slice(), sink) {
            let record = csv::ByteRecord::from(refs);
            self.rows.row(&record, line, sink, self.opts)?;
        }
        self.newlines += memchr::memchr_iter(b'\n', raw).count() as u64;
        Ok(Some(nin))
    }
}

impl ChunkParser for JtlChunk<'_> {
    fn parse(
        &mut self,
        buf: &[u8],
        limit: usize,
        eof: bool,
        sink: &mut ChunkSink,
    ) -> Result<usize, Stop> {
        chunked::scan_lines(buf, limit, eof, self.delimiter, |line| {
            if !line.plain {
                // Quotes, or a CR inside the line: a CSV record of its own kind.
                let b = line.bytes;
                if !(b.contains(&b'"') || b.ends_with(b"\r")) {
                    return Err(Stop::Unsupported); // a lone CR
                }
                return Ok(match self.quoted(buf, line.start, eof, sink)? {
                    Some(n) => chunked::Step::Jump(line.start + n),
                    None => chunked::Step::Wait,
                });
            }
            if line.wide {
                let d = self.delimiter;
                let all: Vec<&[u8]> = line.bytes.split(|b| *b == d).collect();
                self.record(&all, sink)?;
            } else if !line.bytes.is_empty() && !self.fast(line, sink) {
                let all: Vec<&[u8]> = (0..line.count()).map(|i| line.field(i)).collect();
                let record = csv::ByteRecord::from(all);
                self.rows.row(&record, self.newlines + 1, sink, self.opts)?;
            }
            self.newlines += u64::from(line.had_newline(buf));
            Ok(chunked::Step::Next)
        })
    }

    fn newlines(&self) -> u64 {
        self.newlines
    }

    /// A range never begins at a row that may be a sub-result (its label
    /// ends in `-N`): it is read by the thread that read its parent.
    fn may_start_at(&self, line: &[u8]) -> bool {
        let c = &self.rows.cols;
        let Some(label) = c.label else {
            return true;
        };
        if line.contains(&b'"') {
            return false; // quoted fields: the label cannot be told by splitting
        }
        match line.split(|b| *b == self.delimiter).nth(label) {
            Some(l) => !may_be_part_label(l.trim_ascii()),
            None => true,
        }
    }
}

struct RowReader<'p> {
    path: &'p Path,
    cols: Columns,
    names: Vec<String>,
    width_from: &'static str,
    transaction_rows: u64,
    family: Family,
    zone: Option<chrono::FixedOffset>,
    date_hint: usize,
    /// Rows whose `timeStamp` was a date without a zone, and no zone was given.
    zoneless_rows: u64,
}

/// A row's problem: skippable with `--skip-bad-rows`, or fatal for the file.
enum RowError {
    Bad(InputError),
    Fatal(InputError),
}

impl RowReader<'_> {
    fn row(
        &mut self,
        record: &csv::ByteRecord,
        line: u64,
        builder: &mut impl Sink,
        opts: &ReadOptions,
    ) -> Result<(), InputError> {
        match self.parse(record, line, builder, opts) {
            Ok(()) => Ok(()),
            Err(RowError::Bad(e)) => builder.bad_row(e, opts.skip_bad_rows),
            Err(RowError::Fatal(e)) => Err(e),
        }
    }

    /// What the reader tells about sub-results and transactions.
    fn notes(&self, builder: &mut RunBuilder) {
        let f = &self.family;
        if f.sub_results > 0 {
            builder.note(format!(
                "{} rows are sub-results (`LABEL-0`, `LABEL-1`, … right after their parent row, \
                 on its thread and inside its time span: redirects, embedded resources); they \
                 are parts of their parent, whose row holds their time, and were not counted as \
                 requests.",
                f.sub_results
            ));
        }
        if f.unconfirmed > 0 {
            builder.note(format!(
                "{} rows are named like sub-results of the row before them (`LABEL-0`, …), but \
                 the JTL saves no threadName or timeStamp to confirm it; they were counted as \
                 requests.",
                f.unconfirmed
            ));
        }
        if self.zoneless_rows > 0 {
            zone_unknown_note(builder);
        }
        if self.transaction_rows > 0 {
            builder.note(format!(
                "{} rows are Transaction Controller samples (\"{TRANSACTION_MESSAGE} : N, …\"): \
                 they are transactions, reported in a table of their own; requests, error rate \
                 and throughput count the samplers only.",
                self.transaction_rows
            ));
        }
    }

    fn error(&self, line: u64, column: Option<usize>, msg: impl Into<String>) -> RowError {
        RowError::Bad(InputError::at(
            self.path,
            Position {
                line,
                column: column.map(|c| c as u64 + 1),
            },
            msg,
        ))
    }

    fn parse(
        &mut self,
        record: &csv::ByteRecord,
        line: u64,
        builder: &mut impl Sink,
        opts: &ReadOptions,
    ) -> Result<(), RowError> {
        if record.len() != self.names.len() {
            return Err(self.error(
                line,
                None,
                format!(
                    "the row has {} fields but the {} has {}",
                    record.len(),
                    self.width_from,
                    self.names.len()
                ),
            ));
        }
        let text = |i: Option<usize>| -> Cow<'_, str> {
            match i.and_then(|i| record.get(i)) {
                Some(b) => match String::from_utf8_lossy(b) {
                    Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
                    Cow::Owned(s) => Cow::Owned(s.trim().to_string()),
                },
                None => Cow::Borrowed(""),
            }
        };
        let c = &self.cols;
        let start_ms = match c.timestamp {
            Some(i) => {
                let t = text(Some(i));
                match parse_timestamp(&t, self.zone, &mut self.date_hint) {
                    Ok(v) => {
                        if v.is_some_and(|s| s.zone_unknown) {
                            self.zoneless_rows += 1;
                        }
                        v.map(|s| s.ms)
                    }
                    Err(msg) => {
                        let e = InputError::at(
                            self.path,
                            Position {
                                line,
                                column: Some(i as u64 + 1),
                            },
                            msg,
                        );
                        return Err(if looks_like_date(&t) {
                            RowError::Fatal(e)
                        } else {
                            RowError::Bad(e)
                        });
                    }
                }
            }
            None => None,
        };
        let elapsed = text(Some(c.elapsed));
        let latency_ms = match elapsed.parse::<u64>() {
            Ok(v) => v as f64,
            Err(_) => {
                return Err(self.error(
                    line,
                    Some(c.elapsed),
                    format!(
                        "{} in column `elapsed` is not a whole number of milliseconds",
                        crate::error::cell(&elapsed)
                    ),
                ))
            }
        };
        let code = text(c.code);
        let message = text(c.message);
        let failure_message = text(c.failure_message);
        let ok = match c.success {
            Some(i) => match parse_bool(&text(Some(i))) {
                Some(b) => b,
                None => {
                    return Err(self.error(
                        line,
                        Some(i),
                        format!(
                            "{} in column `success` is not true or false",
                            crate::error::cell(&text(Some(i)))
                        ),
                    ))
                }
            },
            None => code.parse::<u16>().is_ok_and(|s| s < 400),
        };
        let users = match c.all_threads.or(c.grp_threads) {
            Some(i) => self.number::<u32>(&text(Some(i)), line, i)?,
            None => None,
        };
        let bytes = match c.bytes {
            Some(i) => self.number::<u64>(&text(Some(i)), line, i)?,
            None => None,
        };
        let label = text(c.label);
        let name: Cow<'_, str> = if c.label.is_some() {
            label
        } else {
            Cow::Owned(opts.naming.name(&text(c.url)))
        };
        if c.label.is_some() {
            let thread = c.thread.map(|i| text(Some(i)));
            let part = self.family.sub_result(
                name.as_bytes(),
                thread.as_deref().map(str::as_bytes),
                start_ms.map(|t| t as i64),
                latency_ms as u64,
            );
            if part {
                return Ok(());
            }
        }
        let transaction = message.starts_with(TRANSACTION_MESSAGE)
            && c.data_type.is_none_or(|i| text(Some(i)).is_empty());
        let (status, error) = status_and_error(ok, &code, &message, &failure_message);
        let sample = Sample {
            start_ms,
            latency_ms: Some(latency_ms),
            method: "",
            name: &name,
            ok,
            status,
            error: error.as_deref(),
            users,
            bytes,
        };
        if transaction {
            self.transaction_rows += 1;
            builder.transaction(&sample);
        } else {
            builder.record(&sample);
        }
        Ok(())
    }

    fn number<T: std::str::FromStr>(
        &self,
        t: &str,
        line: u64,
        i: usize,
    ) -> Result<Option<T>, RowError> {
        if t.is_empty() {
            return Ok(None);
        }
        t.parse().map(Some).map_err(|_| {
            self.error(
                line,
                Some(i),
                format!(
                    "{} in column `{}` is not a whole number",
                    crate::error::cell(t),
                    self.names[i]
                ),
            )
        })
    }
}

/// Dates JMeter writes with a custom `jmeter.save.saveservice.timestamp_format`
/// (Java `SimpleDateFormat` patterns), year first; `%.f` reads an optional
/// fraction. The ones with `%z` carry their zone.
const DATE_FORMATS: [&str; 10] = [
    "%Y/%m/%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M:%S%.f %z",
    "%Y/%m/%d %H:%M:%S%.f %z",
    "%Y/%m/%d %H:%M:%S%.f%z",
];

/// A `timeStamp` read: epoch milliseconds, and whether it was a date
/// without a zone that no `--timezone` placed (then read as if UTC).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Stamp {
    ms: f64,
    zone_unknown: bool,
}

/// Epoch milliseconds, as JMeter's default `timestamp_format=ms` writes them,
/// or a date in one of [`DATE_FORMATS`]: with its own zone, else in `zone`,
/// else as written (read as if UTC). `hint` remembers the format that last
/// matched, so a file's rows are each tried against it first.
fn parse_timestamp(
    t: &str,
    zone: Option<chrono::FixedOffset>,
    hint: &mut usize,
) -> Result<Option<Stamp>, String> {
    use chrono::TimeZone;
    if t.is_empty() {
        return Ok(None);
    }
    if let Ok(v) = t.parse::<i64>() {
        return Ok(Some(Stamp {
            ms: v as f64,
            zone_unknown: false,
        }));
    }
    if !looks_like_date(t) {
        return Err(format!(
            "{} in column `timeStamp` is not epoch milliseconds",
            crate::error::cell(t)
        ));
    }
    let order = std::iter::once(*hint).chain((0..DATE_FORMATS.len()).filter(|i| i != hint));
    for i in order {
        let format = DATE_FORMATS[i];
        let stamp = if format.ends_with("%z") {
            chrono::DateTime::parse_from_str(t, format)
                .ok()
                .map(|d| Stamp {
                    ms: d.timestamp_millis() as f64,
                    zone_unknown: false,
                })
        } else {
            chrono::NaiveDateTime::parse_from_str(t, format)
                .ok()
                .map(|n| match zone {
                    Some(z) => Stamp {
                        ms: z
                            .from_local_datetime(&n)
                            .single()
                            .map_or(n.and_utc().timestamp_millis(), |d| d.timestamp_millis())
                            as f64,
                        zone_unknown: false,
                    },
                    None => Stamp {
                        ms: n.and_utc().timestamp_millis() as f64,
                        zone_unknown: true,
                    },
                })
        };
        if let Some(s) = stamp {
            *hint = i;
            return Ok(Some(s));
        }
    }
    Err(format!(
        "`{t}` in column `timeStamp` is a date in a form perfreport does not read; it reads \
         epoch milliseconds (JMeter's default, jmeter.save.saveservice.timestamp_format=ms) and \
         year-first dates such as `yyyy/MM/dd HH:mm:ss`, `yyyy-MM-dd HH:mm:ss.SSS` or \
         `yyyy-MM-dd'T'HH:mm:ss.SSSZ`"
    ))
}

fn looks_like_date(t: &str) -> bool {
    t.bytes().any(|b| b.is_ascii_digit()) && t.bytes().any(|b| matches!(b, b'/' | b'-' | b':'))
}

fn parse_bool(t: &str) -> Option<bool> {
    if t.eq_ignore_ascii_case("true") {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// The status (a numeric response code) and, for a failure, its message.
fn status_and_error(
    ok: bool,
    code: &str,
    message: &str,
    failure_message: &str,
) -> (Option<u16>, Option<String>) {
    let status = code.parse::<u16>().ok();
    if ok {
        return (status, None);
    }
    let error = if status.is_none() && !code.is_empty() {
        // No HTTP response at all (`Non HTTP response code: java.net.…Exception`):
        // that is the failure, whatever an assertion then said about it.
        Some(code.to_string())
    } else if !failure_message.is_empty() {
        Some(failure_message.to_string())
    } else if status.is_some_and(|s| s < 400) {
        let text = if message.is_empty() {
            format!("HTTP {code}")
        } else {
            format!("HTTP {code} {message}")
        };
        Some(format!(
            "assertion failed ({text}; no failure message saved)"
        ))
    } else if !message.is_empty() {
        Some(message.to_string())
    } else {
        // SampleStats writes "HTTP <status>".
        None
    };
    (status, error)
}

// ---------------------------------------------------------------- XML ----

/// JTL in XML (`<testResults>`).
pub struct JtlXml;

impl Reader for JtlXml {
    fn shards(&self) -> super::Shards {
        super::Shards::PerRequest
    }
    fn id(&self) -> &'static str {
        "jmeter-xml"
    }

    fn describe(&self) -> &'static str {
        "JMeter JTL, XML (jmeter -n -t plan.jmx -l results.jtl -Jjmeter.save.saveservice.output_format=xml)"
    }

    fn sniff(&self, _name: &str, head: &[u8]) -> bool {
        let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
        let text = String::from_utf8_lossy(head);
        let t = text.trim_start();
        (t.starts_with("<?xml") || t.starts_with("<testResults")) && t.contains("<testResults")
    }

    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        opts: &ReadOptions,
    ) -> Result<(), InputError> {
        read_xml(path, builder, opts)
    }
}

/// A `BufRead` that counts the newlines consumed, so events have line numbers.
struct LineCounter<R> {
    inner: R,
    newlines: u64,
}

impl<R: BufRead> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.newlines += buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if amt > 0 {
            if let Ok(buf) = self.inner.fill_buf() {
                let n = amt.min(buf.len());
                self.newlines += buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
            }
        }
        self.inner.consume(amt);
    }
}

/// The text of an attribute value or element, lossy UTF-8, XML entities decoded.
fn xml_text(raw: &[u8]) -> String {
    let lossy = String::from_utf8_lossy(raw);
    match quick_xml::escape::unescape(&lossy) {
        Ok(s) => s.into_owned(),
        Err(_) => lossy.into_owned(),
    }
}

/// Which child element's text is being collected.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Field {
    Url,
    AssertionName,
    AssertionFailure,
    AssertionError,
    AssertionMessage,
}

#[derive(Debug, Default)]
struct Assertion {
    name: String,
    failed: bool,
    message: String,
}

/// A top-level sample being read.
#[derive(Debug, Default)]
struct XmlSample {
    line: u64,
    attrs: BTreeMap<String, String>,
    url: Option<String>,
    assertion: Option<Assertion>,
    failure_message: Option<String>,
    field: Option<Field>,
    text: String,
}

impl XmlSample {
    fn open(e: &quick_xml::events::BytesStart<'_>, line: u64) -> XmlSample {
        let mut s = XmlSample {
            line,
            ..XmlSample::default()
        };
        for a in e.attributes().with_checks(false).flatten() {
            let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
            s.attrs.insert(key, xml_text(&a.value));
        }
        s
    }

    fn attr(&self, k: &str) -> &str {
        self.attrs.get(k).map_or("", |v| v.trim())
    }

    /// A Transaction Controller sample, as in the CSV reader.
    fn is_transaction(&self) -> bool {
        self.attr("rm").starts_with(TRANSACTION_MESSAGE) && self.attr("dt").is_empty()
    }

    fn finish(
        &self,
        path: &Path,
        builder: &mut impl Sink,
        opts: &ReadOptions,
    ) -> Result<bool, InputError> {
        let err = |msg: String| {
            InputError::at(
                path,
                Position {
                    line: self.line,
                    column: None,
                },
                msg,
            )
        };
        let t = self.attr("t");
        let latency_ms = t.parse::<u64>().map_err(|_| {
            if t.is_empty() {
                err("the sample has no `t` (elapsed) attribute".to_string())
            } else {
                err(format!(
                    "`{t}` in attribute `t` (elapsed) is not a whole number of milliseconds"
                ))
            }
        })? as f64;
        let ts = self.attr("ts");
        let mut hint = 0;
        let stamp = parse_timestamp(ts, opts.timezone, &mut hint)
            .map_err(|m| err(m.replace("column `timeStamp`", "attribute `ts`")))?;
        let start_ms = stamp.map(|s| s.ms);
        let s = self.attr("s");
        let code = self.attr("rc");
        let ok = if s.is_empty() {
            code.parse::<u16>().is_ok_and(|c| c < 400)
        } else {
            parse_bool(s).ok_or_else(|| {
                err(format!(
                    "`{s}` in attribute `s` (success) is not true or false"
                ))
            })?
        };
        let number = |k: &str| -> Result<Option<u64>, InputError> {
            let v = self.attr(k);
            if v.is_empty() {
                return Ok(None);
            }
            v.parse()
                .map(Some)
                .map_err(|_| err(format!("`{v}` in attribute `{k}` is not a whole number")))
        };
        let users = match number("na")?.or(number("ng")?) {
            Some(u) => Some(
                u32::try_from(u).map_err(|_| err(format!("{u} threads is not a thread count")))?,
            ),
            None => None,
        };
        let bytes = number("by")?;
        let name = match self.attrs.get("lb") {
            Some(lb) => lb.trim().to_string(),
            None => match &self.url {
                Some(u) => opts.naming.name(u.trim()),
                None => return Err(err("the sample has no `lb` (label) attribute".to_string())),
            },
        };
        let (status, error) = status_and_error(
            ok,
            code,
            self.attr("rm"),
            self.failure_message.as_deref().unwrap_or(""),
        );
        let sample = Sample {
            start_ms,
            latency_ms: Some(latency_ms),
            method: "",
            name: &name,
            ok,
            status,
            error: error.as_deref(),
            users,
            bytes,
        };
        if self.is_transaction() {
            builder.transaction(&sample);
        } else {
            builder.record(&sample);
        }
        Ok(stamp.is_some_and(|s| s.zone_unknown))
    }
}

fn is_sample(name: &[u8]) -> bool {
    name == b"httpSample" || name == b"sample"
}

/// The general XML reader's state between events: it reads a whole file
/// ([`read_xml`]), and the fast path hands it each top-level sample it does
/// not read itself ([`XmlChunk`]), so both give the same figures and errors.
#[derive(Debug, Default)]
struct XmlState {
    /// Open elements: the root is depth 1, requests depth 2.
    depth: usize,
    root_closed: bool,
    root_seen: bool,
    current: Option<XmlSample>,
    nested: u64,
    samples: u64,
    zone_unknown: bool,
    /// Inside a Transaction Controller's parent sample (depth 2), its samplers
    /// (depth 3) are the requests: depths are then read one level up.
    in_transaction: bool,
}

impl XmlState {
    /// One event that starts at `line`; an error ends the file.
    fn event(
        &mut self,
        event: &quick_xml::events::Event<'_>,
        line: u64,
        path: &Path,
        sink: &mut impl Sink,
        opts: &ReadOptions,
    ) -> Result<(), InputError> {
        use quick_xml::events::Event;
        let (start, empty) = match event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            self.depth += 1;
            let name = e.name();
            let name = name.as_ref();
            let rel = self.depth - usize::from(self.in_transaction);
            match rel {
                1 => {
                    if name != b"testResults" {
                        return Err(InputError::at(
                            path,
                            Position { line, column: None },
                            format!(
                                "the root element is <{}>, not <testResults>: not a JMeter XML JTL",
                                String::from_utf8_lossy(name)
                            ),
                        ));
                    }
                    self.root_seen = true;
                }
                2 if is_sample(name) => {
                    let s = XmlSample::open(e, line);
                    if !self.in_transaction && s.is_transaction() {
                        // Its figures are its attributes; its samplers follow.
                        match s.finish(path, sink, opts) {
                            Ok(zoneless) => self.zone_unknown |= zoneless,
                            Err(e) => sink.bad_row(e, opts.skip_bad_rows)?,
                        }
                        self.in_transaction = true;
                    } else {
                        self.samples += 1;
                        self.current = Some(s);
                    }
                }
                _ => {
                    if let Some(s) = self.current.as_mut() {
                        match (rel, name) {
                            (3, _) if is_sample(name) => self.nested += 1,
                            (3, b"assertionResult") => s.assertion = Some(Assertion::default()),
                            (3, b"java.net.URL") => s.field = Some(Field::Url),
                            (4, b"name") if s.assertion.is_some() => {
                                s.field = Some(Field::AssertionName)
                            }
                            (4, b"failure") if s.assertion.is_some() => {
                                s.field = Some(Field::AssertionFailure)
                            }
                            (4, b"error") if s.assertion.is_some() => {
                                s.field = Some(Field::AssertionError)
                            }
                            (4, b"failureMessage") if s.assertion.is_some() => {
                                s.field = Some(Field::AssertionMessage)
                            }
                            _ => {}
                        }
                        s.text.clear();
                    }
                }
            }
            if !empty {
                return Ok(());
            }
        }
        match event {
            Event::Text(t) => {
                if let Some(s) = self.current.as_mut().filter(|s| s.field.is_some()) {
                    s.text.push_str(&xml_text(t));
                }
            }
            Event::CData(t) => {
                if let Some(s) = self.current.as_mut().filter(|s| s.field.is_some()) {
                    s.text.push_str(&String::from_utf8_lossy(t));
                }
            }
            Event::Start(_) | Event::Empty(_) | Event::End(_) => {
                // An element closes (an empty element opened and closes at once).
                let rel = self.depth - usize::from(self.in_transaction);
                if let Some(s) = self.current.as_mut() {
                    let text = s.text.trim().to_string();
                    match (rel, s.field.take()) {
                        (3, Some(Field::Url)) => s.url = Some(text),
                        (4, Some(f)) => {
                            if let Some(a) = s.assertion.as_mut() {
                                match f {
                                    Field::AssertionName => a.name = text,
                                    Field::AssertionFailure | Field::AssertionError => {
                                        a.failed |= text.eq_ignore_ascii_case("true")
                                    }
                                    Field::AssertionMessage => a.message = text,
                                    Field::Url => {}
                                }
                            }
                        }
                        (3, _) => {
                            if let Some(a) = s.assertion.take() {
                                if a.failed && s.failure_message.is_none() {
                                    s.failure_message = Some(if a.message.is_empty() {
                                        format!("assertion `{}` failed", a.name)
                                    } else {
                                        a.message
                                    });
                                }
                            }
                        }
                        _ => {}
                    }
                    s.text.clear();
                }
                if rel == 2 {
                    if let Some(s) = self.current.take() {
                        match s.finish(path, sink, opts) {
                            Ok(zoneless) => self.zone_unknown |= zoneless,
                            Err(e) => sink.bad_row(e, opts.skip_bad_rows)?,
                        }
                    }
                }
                if self.in_transaction && self.depth == 2 {
                    self.in_transaction = false;
                } else if self.depth == 1 {
                    self.root_closed = true;
                }
                self.depth = self.depth.saturating_sub(1);
            }
            _ => {}
        }
        Ok(())
    }

    /// What the reader tells once the file is read: the unclosed root, dates
    /// without a zone, sub-samples.
    fn notes(&self, builder: &mut RunBuilder, unclosed_note: bool) {
        if unclosed_note && !self.root_closed && self.depth > 0 {
            builder.note(
                "The XML JTL ends without </testResults> (JMeter was stopped before closing it, or \
                 the file was cut); every complete sample was read.",
            );
        }
        if self.zone_unknown {
            zone_unknown_note(builder);
        }
        if self.nested > 0 {
            builder.note(format!(
                "{} sub-samples nested inside the {} samples (redirects, embedded \
                 resources, transaction children) are parts of their parent and were not counted \
                 as requests.",
                self.nested, self.samples
            ));
        }
    }
}

fn read_xml(path: &Path, builder: &mut RunBuilder, opts: &ReadOptions) -> Result<(), InputError> {
    use quick_xml::events::Event;
    builder.tool("jmeter", None);
    if read_xml_fast(path, builder, opts)? {
        return Ok(());
    }
    let mut xml = quick_xml::Reader::from_reader(LineCounter {
        inner: input::open(path)?,
        newlines: 0,
    });
    let mut buf = Vec::new();
    let mut state = XmlState::default();
    loop {
        let line = xml.get_ref().newlines + 1;
        buf.clear();
        let event = match xml.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => {
                let line = xml.get_ref().newlines + 1;
                let error = InputError::at(
                    path,
                    Position { line, column: None },
                    format!("not well-formed XML: {e}"),
                );
                // The parser cannot resume after a syntax error: with
                // --skip-bad-rows the rest of the file counts as one bad row.
                builder.bad_row(error, opts.skip_bad_rows)?;
                state.current = None;
                break;
            }
        };
        if let Event::Eof = event {
            break;
        }
        state.event(&event, line, path, builder, opts)?;
    }
    if !state.root_seen {
        return Err(InputError::new(
            path,
            "the file is empty (no <testResults> element)",
        ));
    }
    let cut = state.current.take();
    if let Some(s) = &cut {
        let error = InputError::at(
            path,
            Position {
                line: s.line,
                column: None,
            },
            "the file ends inside this sample (the JTL is cut short)",
        );
        builder.bad_row(error, opts.skip_bad_rows)?;
    }
    // A sample cut short says so; the unclosed root then goes without saying.
    state.notes(builder, cut.is_none());
    Ok(())
}

// ------------------------------------------------------ XML fast path ----
//
// JMeter writes each top-level sample as an element starting on a line of
// its own, right under `<testResults>`, with whatever it nests (sub-results,
// assertion results, a Transaction Controller's samplers) inside it. The fast
// path cuts the file into ranges at such lines (on every core, hashing the
// bytes as it reads them), and reads each top-level sample on its own: a
// successful one with plain attributes straight from its start tag (numbers
// from the bytes, labels interned, nothing allocated), and its children only
// to find where it ends and how many sub-samples it holds. Every other sample
// (a failure, a transaction, anything not plain) goes through the general
// reader's [`XmlState`] on that element's bytes, so both paths give the same
// figures, notes and errors. Markup the fast path does not read exactly as
// quick-xml does (comments, CDATA, processing instructions, unbalanced or
// oddly written tags, text between samples, a sample past 16 MiB) sends the
// whole file to the general reader.

/// Where an XML JTL's samples start, when the fast path can read it.
struct XmlHead {
    /// Offset of the line after the root's start tag.
    start: u64,
    /// That line's number.
    first_line: u64,
    /// The indentation of the first top-level sample, when the head holds one:
    /// a range may begin only at a sample line indented so.
    indent: Option<Vec<u8>>,
}

/// Nothing before the root but an XML declaration on the first line (and
/// blank lines), no byte-order mark, the root's start tag alone on its line.
fn xml_fast_start(head: &[u8]) -> Option<XmlHead> {
    let one = |t: &[u8], c: u8| t.iter().filter(|b| **b == c).count() == 1;
    let (mut at, mut line) = (0, 1u64);
    loop {
        let (l, next) = chunked::next_line(head, at, false)?;
        let t = l.trim_ascii();
        if t.starts_with(b"<testResults") {
            let plain = matches!(t.get(12), Some(b' ' | b'\t' | b'>'))
                && t.ends_with(b">")
                && !t.ends_with(b"/>")
                && one(t, b'<')
                && one(t, b'>');
            if !plain {
                return None;
            }
            let (start, first_line) = (next, line + 1);
            let mut indent = None;
            let mut at = next;
            while let Some((l, next)) = chunked::next_line(head, at, false) {
                let body = l.trim_ascii_start();
                if !body.is_empty() {
                    if top_sample_tag(body) {
                        indent = Some(l[..l.len() - body.len()].to_vec());
                    }
                    break;
                }
                at = next;
            }
            return Some(XmlHead {
                start: start as u64,
                first_line,
                indent,
            });
        }
        let declaration = at == 0
            && t.starts_with(b"<?xml")
            && t.ends_with(b"?>")
            && one(t, b'<')
            && one(t, b'>');
        if !(t.is_empty() || declaration) || l.starts_with(b"\xef\xbb\xbf") {
            return None;
        }
        at = next;
        line += 1;
    }
}

/// `<httpSample` or `<sample` and then white space, `>` or `/`.
fn top_sample_tag(b: &[u8]) -> bool {
    let rest = b
        .strip_prefix(b"<httpSample")
        .or_else(|| b.strip_prefix(b"<sample"));
    matches!(
        rest.and_then(|r| r.first()),
        Some(b' ' | b'\t' | b'>' | b'/')
    )
}

/// Reads the XML JTL with the fast path; false when it cannot (the general
/// reader then reads the file).
fn read_xml_fast(
    path: &Path,
    builder: &mut RunBuilder,
    opts: &ReadOptions,
) -> Result<bool, InputError> {
    if opts.no_fast_path {
        return Ok(false);
    }
    let head = input::head(path)?;
    let Some(h) = xml_fast_start(&head) else {
        return Ok(false);
    };
    let make = || XmlChunk::new(path, opts, h.indent.clone());
    let chunks = chunked::parse_path(path, h.start, opts, builder, make)?;
    let Some(chunks) = chunks else {
        return Ok(false);
    };
    let mut state = XmlState {
        depth: 1,
        root_seen: true,
        ..XmlState::default()
    };
    for p in chunked::merge(chunks, h.first_line, builder)? {
        state.nested += p.state.nested;
        state.samples += p.state.samples;
        state.zone_unknown |= p.state.zone_unknown;
        state.root_closed |= p.root_closed;
    }
    state.notes(builder, true);
    Ok(true)
}

/// The attributes of a top-level sample the figures come from (raw bytes,
/// entities not decoded).
#[derive(Default)]
struct XmlAttrs<'b> {
    t: Option<&'b [u8]>,
    ts: Option<&'b [u8]>,
    s: Option<&'b [u8]>,
    rc: Option<&'b [u8]>,
    rm: Option<&'b [u8]>,
    lb: Option<&'b [u8]>,
    dt: Option<&'b [u8]>,
    na: Option<&'b [u8]>,
    ng: Option<&'b [u8]>,
    by: Option<&'b [u8]>,
}

#[inline]
fn xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The attributes in `b` (a start tag after its name, without `>` or `/>`)
/// when each is plainly `key="value"` (or `'value'`) and none of those read
/// comes twice; `None` sends the sample to the general reader.
fn xml_attrs(b: &[u8]) -> Option<XmlAttrs<'_>> {
    let mut a = XmlAttrs::default();
    let mut i = 0;
    loop {
        while i < b.len() && xml_space(b[i]) {
            i += 1;
        }
        if i == b.len() {
            return Some(a);
        }
        let key_from = i;
        while i < b.len() && b[i] != b'=' {
            if xml_space(b[i]) || matches!(b[i], b'"' | b'\'' | b'<' | b'>' | b'&' | b'/') {
                return None;
            }
            i += 1;
        }
        let key = &b[key_from..i];
        let q = *b.get(i + 1)?;
        if key.is_empty() || (q != b'"' && q != b'\'') {
            return None;
        }
        let from = i + 2;
        let to = from + memchr::memchr(q, b.get(from..)?)?;
        let slot = match key {
            b"t" => &mut a.t,
            b"ts" => &mut a.ts,
            b"s" => &mut a.s,
            b"rc" => &mut a.rc,
            b"rm" => &mut a.rm,
            b"lb" => &mut a.lb,
            b"dt" => &mut a.dt,
            b"na" => &mut a.na,
            b"ng" => &mut a.ng,
            b"by" => &mut a.by,
            _ => {
                i = to + 1;
                if i < b.len() && !xml_space(b[i]) {
                    return None;
                }
                continue;
            }
        };
        if slot.replace(&b[from..to]).is_some() {
            return None; // the general reader keeps the last: let it
        }
        i = to + 1;
        if i < b.len() && !xml_space(b[i]) {
            return None;
        }
    }
}

/// What scanning for the end of an element found.
enum Scan {
    /// It does not end in the buffer.
    More,
    /// Markup the fast path does not read.
    Unsupported,
    /// It ends before `end`; its start tag's attributes are `attrs` (a range),
    /// it is `empty` (`<httpSample …/>`) or holds `children` samples as direct children.
    Done {
        attrs: (usize, usize),
        empty: bool,
        end: usize,
        children: u64,
    },
}

/// The end of a name starting at `i` (at white space, `>` or `/>`);
/// `Err(true)` for more bytes, `Err(false)` for a name the fast path does not read.
#[inline]
fn xml_name_end(buf: &[u8], mut i: usize) -> Result<usize, bool> {
    let from = i;
    loop {
        let Some(&c) = buf.get(i) else {
            return Err(true);
        };
        match c {
            b' ' | b'\t' | b'\n' | b'\r' | b'>' => break,
            b'/' => match buf.get(i + 1) {
                Some(b'>') => break,
                Some(_) => return Err(false),
                None => return Err(true),
            },
            b'<' | b'"' | b'\'' | b'=' | b'&' | b'!' | b'?' => return Err(false),
            _ => i += 1,
        }
    }
    if i == from {
        Err(false)
    } else {
        Ok(i)
    }
}

/// The `>` ending a tag whose name ended at `i`, past quoted values; `None` for more bytes.
#[inline]
fn xml_tag_end(buf: &[u8], mut i: usize) -> Option<usize> {
    // Mostly: the first `>` after an even number of `"` and no `'` (one
    // counting pass, not a search per quote).
    let gt = i + memchr::memchr(b'>', &buf[i..])?;
    let tag = &buf[i..gt];
    if tag.iter().filter(|b| **b == b'"').count() % 2 == 0 && memchr::memchr(b'\'', tag).is_none() {
        return Some(gt);
    }
    loop {
        let j = i + memchr::memchr3(b'>', b'"', b'\'', &buf[i..])?;
        if buf[j] == b'>' {
            return Some(j);
        }
        i = j + 1 + memchr::memchr(buf[j], &buf[j + 1..])? + 1;
    }
}

/// Scans the top-level sample element starting with `<` at `p`.
fn xml_element(buf: &[u8], p: usize, stack: &mut Vec<(usize, usize)>) -> Scan {
    let name_end = match xml_name_end(buf, p + 1) {
        Ok(e) => e,
        Err(true) => return Scan::More,
        Err(false) => return Scan::Unsupported,
    };
    let Some(gt) = xml_tag_end(buf, name_end) else {
        return Scan::More;
    };
    if buf[gt - 1] == b'/' {
        return Scan::Done {
            attrs: (name_end, gt - 1),
            empty: true,
            end: gt + 1,
            children: 0,
        };
    }
    let attrs = (name_end, gt);
    stack.clear();
    stack.push((p + 1, name_end));
    let mut children = 0;
    let mut i = gt + 1;
    loop {
        let Some(lt) = memchr::memchr(b'<', &buf[i..]).map(|k| i + k) else {
            return Scan::More;
        };
        match buf.get(lt + 1) {
            None => return Scan::More,
            Some(b'/') => {
                let Some(gt) = memchr::memchr(b'>', &buf[lt + 2..]).map(|k| lt + 2 + k) else {
                    return Scan::More;
                };
                let (a, b) = stack.pop().expect("an element is open");
                if buf[lt + 2..gt] != buf[a..b] {
                    return Scan::Unsupported;
                }
                if stack.is_empty() {
                    return Scan::Done {
                        attrs,
                        empty: false,
                        end: gt + 1,
                        children,
                    };
                }
                i = gt + 1;
            }
            Some(_) => {
                let ne = match xml_name_end(buf, lt + 1) {
                    Ok(e) => e,
                    Err(true) => return Scan::More,
                    Err(false) => return Scan::Unsupported,
                };
                let Some(gt) = xml_tag_end(buf, ne) else {
                    return Scan::More;
                };
                if stack.len() == 1 && is_sample(&buf[lt + 1..ne]) {
                    children += 1;
                }
                if buf[gt - 1] != b'/' {
                    stack.push((lt + 1, ne));
                }
                i = gt + 1;
            }
        }
    }
}

/// The XML fast path over a range of lines (see the section's comment).
struct XmlChunk<'a> {
    path: &'a Path,
    opts: &'a ReadOptions,
    indent: Option<Vec<u8>>,
    /// The general reader, for the samples the fast path leaves to it, and
    /// the counts behind the notes.
    state: XmlState,
    labels: chunked::Names,
    transaction_labels: chunked::Names,
    newlines: u64,
    /// `</testResults>` was met: only white space may follow.
    root_closed: bool,
    stack: Vec<(usize, usize)>,
    events: Vec<u8>,
}

impl<'a> XmlChunk<'a> {
    fn new(path: &'a Path, opts: &'a ReadOptions, indent: Option<Vec<u8>>) -> Self {
        XmlChunk {
            path,
            opts,
            indent,
            state: XmlState::default(),
            labels: chunked::Names::default(),
            transaction_labels: chunked::Names::default(),
            newlines: 0,
            root_closed: false,
            stack: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Records a top-level sample from its start tag; false when the general
    /// reader must read it: a failure or a transaction with children (the
    /// failure message comes from its assertion results, a transaction's
    /// samplers are the requests), a name from the URL, anything not plain.
    #[inline]
    fn fast(&mut self, attrs: &[u8], empty: bool, children: u64, sink: &mut ChunkSink) -> bool {
        let Some(a) = xml_attrs(attrs) else {
            return false;
        };
        let (Some(lb), Some(t)) = (a.lb, a.t) else {
            return false;
        };
        let ok = match a.s {
            Some(b"true") => true,
            Some(b"false") if empty => false,
            _ => return false,
        };
        // Text the general reader trims (Unicode white space) or decodes: let it.
        let plain = |v: &[u8]| {
            !v.contains(&b'&')
                && v.first().is_none_or(u8::is_ascii_graphic)
                && v.last().is_none_or(u8::is_ascii_graphic)
        };
        let (rm, dt) = (a.rm.unwrap_or(b""), a.dt.unwrap_or(b""));
        if !plain(rm) || !plain(dt) {
            return false;
        }
        let transaction = rm.starts_with(TRANSACTION_MESSAGE.as_bytes()) && dt.is_empty();
        if transaction && !empty {
            return false;
        }
        let Some(elapsed) = chunked::digits(t) else {
            return false;
        };
        let start_ms = match a.ts {
            Some(b"") | None => None,
            Some(ts) => match chunked::digits(ts) {
                Some(v) => Some(v as f64),
                None => return false,
            },
        };
        let count = |v: Option<&[u8]>, most: usize| match v {
            Some(b"") | None => Ok(None),
            Some(v) if v.len() <= most => chunked::digits(v).map(Some).ok_or(()),
            Some(_) => Err(()),
        };
        let (Ok(na), Ok(ng), Ok(bytes)) = (count(a.na, 9), count(a.ng, 9), count(a.by, 18)) else {
            return false;
        };
        let users = na.or(ng).map(|u| u as u32);
        let rc = a.rc.unwrap_or(b"");
        let (status, error) = if ok {
            match chunked::digits(rc) {
                Some(v) if rc.len() <= 5 && v <= u64::from(u16::MAX) => (Some(v as u16), None),
                _ if rc.is_empty() => (None, None),
                _ => return false,
            }
        } else {
            let (Ok(code), Ok(message)) = (std::str::from_utf8(rc), std::str::from_utf8(rm)) else {
                return false;
            };
            if !plain(rc) {
                return false;
            }
            status_and_error(false, code, message, "")
        };
        let (labels, stats) = if transaction {
            (&mut self.transaction_labels, &mut sink.transactions)
        } else {
            (&mut self.labels, &mut sink.stats)
        };
        let idx = match labels.get(lb) {
            Some(i) => i,
            None => {
                let name = xml_text(lb);
                let i = stats.endpoint("", name.trim());
                labels.insert(lb, i, MAX_INTERNED);
                i
            }
        };
        stats.record_at(
            idx,
            &Sample {
                start_ms,
                latency_ms: Some(elapsed as f64),
                method: "",
                name: "",
                ok,
                status,
                error: error.as_deref(),
                users,
                bytes,
            },
        );
        if !transaction {
            self.state.samples += 1;
            self.state.nested += children;
        }
        true
    }

    /// Reads one top-level element (`el`, starting on chunk line `line`)
    /// with the general reader.
    fn general(&mut self, el: &[u8], line: u64, sink: &mut ChunkSink) -> Result<(), Stop> {
        use quick_xml::events::Event;
        let mut xml = quick_xml::Reader::from_reader(el);
        let st = &mut self.state;
        (st.depth, st.root_seen, st.in_transaction) = (1, true, false);
        let (mut line, mut seen) = (line, 0);
        loop {
            let at = xml.buffer_position() as usize;
            line += memchr::memchr_iter(b'\n', &el[seen..at]).count() as u64;
            seen = at;
            self.events.clear();
            let event = xml
                .read_event_into(&mut self.events)
                .map_err(|_| Stop::Unsupported)?;
            if let Event::Eof = event {
                break;
            }
            self.state.event(&event, line, self.path, sink, self.opts)?;
        }
        let st = &self.state;
        if st.depth != 1 || st.current.is_some() || st.in_transaction || st.root_closed {
            return Err(Stop::Unsupported);
        }
        Ok(())
    }
}

impl ChunkParser for XmlChunk<'_> {
    fn parse(
        &mut self,
        buf: &[u8],
        limit: usize,
        eof: bool,
        sink: &mut ChunkSink,
    ) -> Result<usize, Stop> {
        let mut at = 0; // a line start, up to which everything is read
        let mut counted = 0; // newlines are counted in buf[..counted]
        loop {
            if self.root_closed {
                // Only white space may follow the root, wherever the range ends.
                if !buf[at..].iter().all(|b| b.is_ascii_whitespace()) {
                    return Err(Stop::Unsupported);
                }
                at = buf.len();
                break;
            }
            if at >= limit {
                break;
            }
            let Some(ws) = buf[at..]
                .iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\r'))
            else {
                if eof {
                    at = buf.len();
                }
                break;
            };
            let p = at + ws;
            match buf[p] {
                b'\n' => {
                    at = p + 1;
                    continue;
                }
                b'<' => {}
                _ => return Err(Stop::Unsupported), // text between samples
            }
            let end = if buf[p + 1..].starts_with(b"/") {
                let close = b"</testResults>";
                if buf.len() < p + close.len() && !eof && close.starts_with(&buf[p..]) {
                    break;
                }
                if !buf[p..].starts_with(close) {
                    return Err(Stop::Unsupported);
                }
                self.root_closed = true;
                at = p + close.len();
                continue;
            } else {
                if !top_sample_tag(&buf[p..]) {
                    if buf.len() - p < 12 && !eof {
                        break;
                    }
                    return Err(Stop::Unsupported);
                }
                match xml_element(buf, p, &mut self.stack) {
                    Scan::More if eof || buf.len() - at > input::MAX_LINE => {
                        // Cut short, or past the record cap: the general reader says which.
                        return Err(Stop::Unsupported);
                    }
                    Scan::More => break,
                    Scan::Unsupported => return Err(Stop::Unsupported),
                    Scan::Done {
                        attrs,
                        empty,
                        end,
                        children,
                    } => {
                        // The rest of the line must be blank: known before the sample counts.
                        let rest = buf[end..]
                            .iter()
                            .position(|b| !matches!(b, b' ' | b'\t' | b'\r'));
                        match rest.map(|k| buf[end + k]) {
                            None if !eof => break,
                            None | Some(b'\n') => {}
                            Some(_) => return Err(Stop::Unsupported),
                        }
                        if !self.fast(&buf[attrs.0..attrs.1], empty, children, sink) {
                            self.newlines +=
                                memchr::memchr_iter(b'\n', &buf[counted..p]).count() as u64;
                            counted = p;
                            self.general(&buf[p..end], self.newlines + 1, sink)?;
                        }
                        end
                    }
                }
            };
            // On to the next line.
            at = match memchr::memchr(b'\n', &buf[end..]) {
                Some(k) => end + k + 1,
                None => buf.len(),
            };
        }
        self.newlines += memchr::memchr_iter(b'\n', &buf[counted..at]).count() as u64;
        Ok(at)
    }

    fn newlines(&self) -> u64 {
        self.newlines
    }

    /// A range begins only at a top-level sample: a line indented as the
    /// first one was, starting a sample.
    fn may_start_at(&self, line: &[u8]) -> bool {
        match &self.indent {
            Some(indent) => line
                .strip_prefix(indent.as_slice())
                .is_some_and(top_sample_tag),
            None => false,
        }
    }
}

// ------------------------------------------------------ statistics.json ----

/// The HTML dashboard's `statistics.json` (pre-aggregated).
pub struct Statistics;

impl Reader for Statistics {
    fn id(&self) -> &'static str {
        "jmeter-statistics"
    }

    fn describe(&self) -> &'static str {
        "JMeter dashboard statistics.json (jmeter -g results.jtl -o report/)"
    }

    fn sniff(&self, _name: &str, head: &[u8]) -> bool {
        let text = String::from_utf8_lossy(head);
        text.trim_start().starts_with('{')
            && text.contains("\"sampleCount\"")
            && text.contains("\"meanResTime\"")
            && text.contains("\"transaction\"")
    }

    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        _opts: &ReadOptions,
    ) -> Result<(), InputError> {
        builder.tool("jmeter", None);
        let text = input::read_text(path)?;
        input::check_json_numbers(path, text.as_bytes(), 1)?;
        if text.trim().is_empty() {
            return Err(InputError::new(path, "the file is empty"));
        }
        let entries: Ordered = serde_json::from_str(&text).map_err(|e| {
            InputError::at(
                path,
                Position {
                    line: e.line() as u64,
                    column: Some(e.column() as u64),
                },
                e.to_string(),
            )
        })?;
        let mut total = false;
        let file = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        for (key, entry) in entries.0 {
            let name = entry.transaction.clone().unwrap_or(key);
            let is_total = name == "Total";
            let stats = entry.stats(name, &file);
            if is_total {
                total = true;
                builder.totals(stats);
            } else {
                builder.endpoint(stats);
            }
        }
        if !total {
            return Err(InputError::new(path, "the file has no `Total` entry"));
        }
        builder.note(
            "Figures are the JMeter dashboard's own (statistics.json); pct1/pct2/pct3 are read as \
             p90/p95/p99, the dashboard's defaults (aggregate_rpt_pct1..3).",
        );
        Ok(())
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    transaction: Option<String>,
    sample_count: u64,
    error_count: u64,
    mean_res_time: Option<f64>,
    median_res_time: Option<f64>,
    min_res_time: Option<f64>,
    max_res_time: Option<f64>,
    pct1_res_time: Option<f64>,
    pct2_res_time: Option<f64>,
    pct3_res_time: Option<f64>,
    throughput: Option<f64>,
}

impl Entry {
    fn stats(&self, name: String, file: &str) -> EndpointStats {
        let mut percentiles = BTreeMap::new();
        for (p, v) in [
            (Percentile::P50, self.median_res_time),
            (Percentile::P90, self.pct1_res_time),
            (Percentile::P95, self.pct2_res_time),
            (Percentile::P99, self.pct3_res_time),
        ] {
            if let Some(v) = v {
                percentiles.insert(p, v);
            }
        }
        EndpointStats {
            source: Some(format!("{file}, entry `{name}`")),
            method: String::new(),
            name,
            requests: self.sample_count,
            failures: self.error_count,
            throughput_rps: self.throughput,
            failures_per_s: None,
            latency: LatencyStats {
                min_ms: self.min_res_time,
                avg_ms: self.mean_res_time,
                max_ms: self.max_res_time,
                percentiles,
                precision: Precision::Tool,
                histogram: None,
            },
            avg_content_bytes: None,
        }
    }
}

/// The entries in file order (a JSON object read as a list).
struct Ordered(Vec<(String, Entry)>);

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of per-label statistics")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Ordered, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Entry>()? {
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(Visit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The fast path's trim without decoding never disagrees with `str::trim`.
        #[test]
        fn trimmed_is_str_trim_or_declines(s in "[ \\t\\x0b\\x0c\\r\\u{85}\\u{a0}\\u{3000}a-z/é-]{0,6}") {
            if let Some(t) = trimmed(s.as_bytes()) {
                proptest::prop_assert_eq!(t, s.trim().as_bytes());
            }
        }
    }

    #[test]
    fn trimmed_declines_every_end_that_may_be_whitespace() {
        for s in ["\u{b}a", "a\u{c}", "\u{a0}a", "a\u{85}", " a", "a\t", "é"] {
            assert_eq!(trimmed(s.as_bytes()), None, "{s:?}");
        }
        assert_eq!(trimmed(b"GET /x"), Some(&b"GET /x"[..]));
        assert_eq!(trimmed(b""), Some(&b""[..]));
    }

    #[test]
    fn headers_are_sniffed_with_any_delimiter() {
        assert_eq!(
            header_delimiter(b"timeStamp,elapsed,label,responseCode"),
            Some(b',')
        );
        assert_eq!(
            header_delimiter(b"timeStamp\telapsed\tlabel\tresponseCode"),
            Some(b'\t')
        );
        assert_eq!(header_delimiter(b"\"elapsed\";\"timeStamp\""), Some(b';'));
        assert_eq!(header_delimiter(b"timestamp,endpoint,latency_ms"), None);
        assert!(JtlCsv.sniff(
            "out.csv",
            b"\xef\xbb\xbftimeStamp,elapsed,label\r\n1,2,3\r\n"
        ));
    }

    #[test]
    fn headerless_rows_are_sniffed_by_content() {
        let row =
            b"1393227741256,1425,GET /x - Login Page,200,OK,Thread Group 1-1,text,true,3478,1016";
        assert_eq!(data_delimiter(row), Some(b','));
        assert!(JtlCsvNoHeader.sniff("x.log", row));
        assert!(!JtlCsvNoHeader.sniff("x.jtl", b"timeStamp,elapsed,label,a,b,c,d,success"));
        // A generic CSV row: seconds with a fraction, no true/false.
        assert!(!JtlCsvNoHeader.sniff("x.csv", b"1795432343.5,12,/a,200,1,2,3,4"));
        assert!(!JtlCsv.sniff("x.jtl", row));
    }

    #[test]
    fn layouts_follow_the_field_count() {
        let rec = |s: &str| csv::ByteRecord::from(s.split(',').collect::<Vec<_>>());
        let l = layout(&rec("1,2,a,200,OK,t,text,true,10,3")).unwrap();
        assert!(l.ends_with("success,bytes,Latency"));
        let sixteen_31 = "1,2,a,200,OK,t,text,true,,257,246,1,1,359,0,268";
        assert!(layout(&rec(sixteen_31)).unwrap().contains("sentBytes"));
        let sixteen_213 = "1,2,a,200,OK,t,text,true,,192,1,1,http://h/x,42,0,26";
        assert!(layout(&rec(sixteen_213))
            .unwrap()
            .contains("allThreads,URL"));
        assert!(layout(&rec("1,2,3,4,5,6,7,8,9,10,11")).is_none());
    }

    #[test]
    fn success_decides_and_messages_fall_back() {
        assert_eq!(
            status_and_error(true, "404", "Not Found", ""),
            (Some(404), None)
        );
        assert_eq!(
            status_and_error(false, "200", "OK", "too slow"),
            (Some(200), Some("too slow".to_string()))
        );
        assert_eq!(
            status_and_error(false, "200", "OK", ""),
            (
                Some(200),
                Some("assertion failed (HTTP 200 OK; no failure message saved)".to_string())
            )
        );
        assert_eq!(
            status_and_error(false, "403", "Forbidden", ""),
            (Some(403), Some("Forbidden".to_string()))
        );
        assert_eq!(status_and_error(false, "500", "", ""), (Some(500), None));
        let rc = "Non HTTP response code: java.net.SocketTimeoutException";
        assert_eq!(
            status_and_error(
                false,
                rc,
                "Non HTTP response message: Read timed out",
                "slow"
            ),
            (None, Some(rc.to_string()))
        );
    }

    #[test]
    fn timestamps_are_epoch_ms_or_dates() {
        let mut hint = 0;
        let mut at = |t: &str, zone: Option<i32>| {
            let zone = zone.map(|s| chrono::FixedOffset::east_opt(s).unwrap());
            parse_timestamp(t, zone, &mut hint)
        };
        let ms = |ms: f64, zone_unknown: bool| Ok(Some(Stamp { ms, zone_unknown }));
        assert_eq!(at("1393227741256", None), ms(1_393_227_741_256.0, false));
        assert_eq!(at("", None), Ok(None));
        // 2019-12-05 12:37:24 UTC is 1575549444 s (date -u -d '2019-12-05 12:37:24' +%s).
        assert_eq!(
            at("2019/12/05 12:37:24", None),
            ms(1_575_549_444_000.0, true)
        );
        assert_eq!(
            at("2019-12-05 12:37:24.123", None),
            ms(1_575_549_444_123.0, true)
        );
        // Given a zone one hour east of UTC, 12:37:24 there is 11:37:24 UTC.
        assert_eq!(
            at("2019/12/05 12:37:24", Some(3600)),
            ms(1_575_549_444_000.0 - 3_600_000.0, false)
        );
        // A date with its own zone needs no other.
        assert_eq!(
            at("2019-12-05T12:37:24.000+0100", None),
            ms(1_575_549_444_000.0 - 3_600_000.0, false)
        );
        let e = at("05/12/2019 12:37:24", None).unwrap_err();
        assert!(
            e.contains("does not read") && e.contains("yyyy/MM/dd"),
            "{e}"
        );
        assert!(looks_like_date("2019-03-26 10:00:00"));
        assert!(!looks_like_date("abc"));
    }

    #[test]
    fn xml_is_sniffed_from_content() {
        let head =
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<testResults version=\"1.2\">\r\n";
        assert!(JtlXml.sniff("out.txt", head));
        assert!(!JtlXml.sniff("a.xml", b"<?xml version=\"1.0\"?><project/>"));
    }

    fn read_xml_text(xml: &str, skip: bool) -> Result<crate::model::Run, InputError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.jtl");
        std::fs::write(&path, xml).unwrap();
        let mut b = RunBuilder::new();
        let opts = ReadOptions {
            skip_bad_rows: skip,
            ..ReadOptions::default()
        };
        JtlXml.read(&path, &mut b, &opts)?;
        Ok(b.build(crate::model::RunMeta::default()).unwrap())
    }

    const SAMPLE: &str =
        "<httpSample t=\"5\" ts=\"1700000000000\" s=\"true\" lb=\"a\" rc=\"200\"/>\n";

    #[test]
    fn an_unclosed_root_reads_every_sample_with_a_note() {
        // taurus-standard-errors-2015.jtl really ends like this.
        let run = read_xml_text(
            &format!("<testResults version=\"1.2\">\n{SAMPLE}{SAMPLE}"),
            false,
        )
        .unwrap();
        assert_eq!(run.totals.requests, 2);
        assert!(run
            .meta
            .reader_notes
            .iter()
            .any(|n| n.contains("without </testResults>")));
    }

    #[test]
    fn a_sample_cut_short_is_a_bad_row() {
        let xml = format!(
            "<testResults>\n{SAMPLE}<httpSample t=\"5\" ts=\"1\" s=\"false\" lb=\"a\" rc=\"500\">\n  <assertionResult>\n"
        );
        let e = read_xml_text(&xml, false).unwrap_err();
        assert_eq!(e.position.map(|p| p.line), Some(3), "{e}");
        assert!(e.message.contains("cut short"), "{e}");
        assert_eq!(read_xml_text(&xml, true).unwrap().totals.requests, 1);
    }

    #[test]
    fn nested_samples_are_noted_and_assertion_names_stand_in_for_messages() {
        let xml = "<testResults>\n<sample t=\"9\" ts=\"1700000000000\" s=\"false\" lb=\"T\" rc=\"200\">\n\
            <assertionResult><name>Duration</name><failure>true</failure><failureMessage/></assertionResult>\n\
            <httpSample t=\"4\" ts=\"1700000000000\" s=\"true\" lb=\"x\" rc=\"200\"/>\n</sample>\n</testResults>\n";
        let run = read_xml_text(xml, false).unwrap();
        assert_eq!(run.totals.requests, 1);
        assert_eq!(run.failures[0].error, "assertion `Duration` failed");
        assert!(run
            .meta
            .reader_notes
            .iter()
            .any(|n| n.starts_with("1 sub-samples")));
    }

    #[test]
    fn xml_transaction_controller_samples_are_transactions() {
        let tc = "<sample t=\"50\" ts=\"1700000000000\" s=\"true\" lb=\"Login\" rc=\"200\" rm=\"Number of samples in transaction : 1, number of failing samples : 0\" dt=\"\"/>\n";
        let run = read_xml_text(
            &format!("<testResults>\n{SAMPLE}{tc}</testResults>\n"),
            false,
        )
        .unwrap();
        assert_eq!(run.totals.requests, 1);
        assert_eq!(run.transactions.len(), 1);
        assert_eq!(run.transactions[0].name, "Login");
    }

    #[test]
    fn a_root_that_is_not_test_results_is_refused() {
        let e = read_xml_text("<project><httpSample/></project>", true).unwrap_err();
        assert!(e.message.contains("not a JMeter XML JTL"), "{e}");
    }

    const HEADER: &str = "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,allThreads\n";

    fn read_csv_text(csv: &str, threads: usize, no_fast_path: bool) -> crate::model::Run {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.jtl");
        std::fs::write(&path, csv).unwrap();
        let mut b = RunBuilder::new();
        let opts = ReadOptions {
            threads,
            no_fast_path,
            ..ReadOptions::default()
        };
        JtlCsv.read(&path, &mut b, &opts).unwrap();
        b.build(crate::model::RunMeta::default()).unwrap()
    }

    #[test]
    fn part_labels_need_the_parent_name_and_digits() {
        assert!(is_part_label(b"Home", b"Home-0"));
        assert!(is_part_label(b"Home", b"Home-12-3"));
        assert!(!is_part_label(b"Home", b"Home-"));
        assert!(!is_part_label(b"Home", b"Home-x"));
        assert!(!is_part_label(b"Home", b"Homepage-1"));
        assert!(!is_part_label(b"Home", b"Home"));
        assert!(may_be_part_label(b"/login-01"));
        assert!(!may_be_part_label(b"/login"));
        assert!(!may_be_part_label(b"a-"));
        // Start stamps (child inside [ts, ts+elapsed]) and end stamps.
        assert!(within(1000, 100, 1000, 40));
        assert!(within(1000, 100, 1060, 40));
        assert!(!within(1000, 100, 1080, 40));
        assert!(within(1100, 100, 1100, 40)); // end stamps: child ends with the parent
        assert!(!within(1000, 100, 1200, 5));
    }

    /// A parent with two redirect hops, a recorder label ending in -01 that is
    /// no sub-result (other thread, then outside the span), and a parent whose
    /// "child" is on another thread.
    const FAMILY: &str = "\
1700000000000,100,Home,200,OK,T 1-1,text,true,,300,2
1700000000000,40,Home-0,302,Found,T 1-1,text,true,,100,2
1700000000040,60,Home-1,200,OK,T 1-1,text,true,,200,2
1700000000000,30,Home-2,200,OK,T 1-2,text,true,,100,2
1700000000200,10,/login,200,OK,T 1-1,text,true,,10,2
1700000000500,20,/login-01,200,OK,T 1-1,text,true,,10,2
";

    #[test]
    fn sub_results_are_parts_of_their_parent() {
        let run = read_csv_text(&format!("{HEADER}{FAMILY}"), 1, true);
        // Home, Home-2 (other thread), /login, /login-01 (outside the span).
        assert_eq!(run.totals.requests, 4);
        let names: Vec<&str> = run.endpoints.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["/login", "/login-01", "Home", "Home-2"]);
        assert!(
            run.meta
                .reader_notes
                .iter()
                .any(|n| n.starts_with("2 rows are sub-results")),
            "{:?}",
            run.meta.reader_notes
        );
    }

    #[test]
    fn without_a_thread_column_names_alone_decide_nothing() {
        let header = "timeStamp,elapsed,label,responseCode,success\n";
        let rows = "1700000000000,100,Home,200,true\n1700000000000,40,Home-0,302,true\n";
        let run = read_csv_text(&format!("{header}{rows}"), 1, true);
        assert_eq!(run.totals.requests, 2);
        assert!(run
            .meta
            .reader_notes
            .iter()
            .any(|n| n.starts_with("1 rows are named like sub-results")));
    }

    #[test]
    fn the_fast_path_agrees_when_a_family_crosses_a_chunk_boundary() {
        // Enough families that every split point lands inside one, and
        // recorder labels ending in -NN that are not sub-results.
        let mut csv = String::from(HEADER);
        let mut t = 1_700_000_000_000u64;
        let mut expected = 0;
        for i in 0..600 {
            let thread = format!("T 1-{}", i % 3);
            csv.push_str(&format!(
                "{t},90,Page-{:02},200,OK,{thread},text,true,,30,3\n",
                i % 7
            ));
            csv.push_str(&format!(
                "{t},30,Page-{:02}-0,302,Found,{thread},text,true,,10,3\n",
                i % 7
            ));
            csv.push_str(&format!(
                "{},60,Page-{:02}-1,200,OK,{thread},text,true,,20,3\n",
                t + 30,
                i % 7
            ));
            // A failing child goes through the general row reader.
            let ok = if i % 5 == 0 { "false" } else { "true" };
            csv.push_str(&format!(
                "{},10,Page-{:02}-2,500,Oops,{thread},text,{ok},,1,3\n",
                t + 80,
                i % 7
            ));
            expected += 1;
            t += 100;
        }
        let general = read_csv_text(&csv, 1, true);
        assert_eq!(general.totals.requests, expected);
        for threads in [1, 2, 3, 4, 7] {
            let fast = read_csv_text(&csv, threads, false);
            assert_eq!(fast.totals.requests, expected, "{threads} threads");
            assert!(fast == general, "{threads} threads: the runs differ");
        }
    }

    #[test]
    fn transaction_controller_rows_are_transactions() {
        let rows = "\
1700000000000,20,GET /a,200,OK,T 1-1,text,true,,10,1
1700000000020,30,GET /b,500,Err,T 1-1,text,false,,10,1
1700000000000,50,Login,200,\"Number of samples in transaction : 2, number of failing samples : 1\",T 1-1,,false,,20,1
";
        let run = read_csv_text(&format!("{HEADER}{rows}"), 1, true);
        assert_eq!((run.totals.requests, run.totals.failures), (2, 1));
        assert_eq!(run.transactions.len(), 1);
        let t = &run.transactions[0];
        assert_eq!((t.name.as_str(), t.requests, t.failures), ("Login", 1, 1));
        assert_eq!(t.latency.max_ms, Some(50.0));
        assert!(!run.meta.transactions_as_requests);
        assert_eq!(read_csv_text(&format!("{HEADER}{rows}"), 2, false), run);
    }

    #[test]
    fn transaction_rows_alone_are_the_requests() {
        let rows = "\
1700000000000,50,Login,200,\"Number of samples in transaction : 2, number of failing samples : 0\",T 1-1,,true,,20,1
1700000000100,70,Login,200,\"Number of samples in transaction : 2, number of failing samples : 0\",T 1-1,,true,,20,1
";
        let run = read_csv_text(&format!("{HEADER}{rows}"), 1, true);
        assert_eq!(run.totals.requests, 2);
        assert!(run.transactions.is_empty());
        assert!(run.meta.transactions_as_requests);
        assert!(run
            .meta
            .reader_notes
            .iter()
            .any(|n| n.contains("transaction rows only")));
    }

    #[test]
    fn line_counter_counts_consumed_newlines() {
        let mut r = LineCounter {
            inner: std::io::BufReader::new(&b"a\nb\nc\n"[..]),
            newlines: 0,
        };
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        assert_eq!(r.newlines, 1);
        r.consume(2);
        assert_eq!(r.newlines, 2);
    }

    /// The XML JTL fixtures (real JMeter output).
    const XML_FIXTURES: [&str; 5] = [
        "perfplugin-multilevel-2011.jtl",
        "taurus-simple-error-2018.jtl",
        "taurus-standard-errors-2015-first20.jtl",
        "transactions-xml-2.13.jtl",
        "transactions-parent-xml-2.13.jtl",
    ];

    fn fixture(name: &str) -> Vec<u8> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::read(root.join("tests/fixtures/jmeter").join(name)).unwrap()
    }

    /// The run (or the error) from the general reader, or from the fast
    /// path on `threads` threads, which must have read the file itself.
    fn xml_run(path: &Path, threads: usize, fast: bool, skip: bool) -> Result<Run, String> {
        let opts = ReadOptions {
            threads,
            skip_bad_rows: skip,
            no_fast_path: !fast,
            ..ReadOptions::default()
        };
        let mut b = RunBuilder::new();
        if fast {
            b.tool("jmeter", None);
            let taken = read_xml_fast(path, &mut b, &opts).map_err(|e| e.to_string())?;
            assert!(
                taken,
                "{}: the fast path left it to the general reader",
                path.display()
            );
            let sum = b.take_checksum();
            if path.extension().is_some_and(|e| e == "gz") {
                // Hashed as it was read: no second pass for the checksum.
                assert!(sum.is_some(), "{}, {threads} threads", path.display());
            }
            if let Some(sum) = sum {
                assert_eq!(
                    sum,
                    super::super::checksum::file(path).unwrap(),
                    "{threads} threads"
                );
            }
        } else {
            JtlXml
                .read(path, &mut b, &opts)
                .map_err(|e| e.to_string())?;
        }
        Ok(b.build(crate::model::RunMeta::default()).unwrap())
    }

    use crate::model::Run;

    fn gzip(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(data).unwrap();
        gz.finish().unwrap()
    }

    /// The fast path and the general reader agree on `data` (and its gzip),
    /// on 1 to 7 threads; returns the general reader's run.
    fn xml_paths_agree(data: &[u8], what: &str) -> Run {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("t.jtl");
        let gz = dir.path().join("t.jtl.gz");
        std::fs::write(&plain, data).unwrap();
        std::fs::write(&gz, gzip(data)).unwrap();
        let general = xml_run(&plain, 1, false, false).unwrap();
        assert!(general.totals.requests > 0, "{what}");
        for threads in 1..=7 {
            let fast = xml_run(&plain, threads, true, false).unwrap();
            assert!(
                fast == general,
                "{what}, {threads} threads: the runs differ"
            );
        }
        assert!(xml_run(&gz, 2, false, false).unwrap() == general, "{what}");
        for threads in [1, 2] {
            let fast = xml_run(&gz, threads, true, false).unwrap();
            assert!(
                fast == general,
                "{what}, gzip, {threads} threads: the runs differ"
            );
        }
        general
    }

    #[test]
    fn the_xml_fast_path_agrees_with_the_general_reader_on_every_fixture() {
        for name in XML_FIXTURES {
            xml_paths_agree(&fixture(name), name);
        }
    }

    /// A file past 1 MiB (the threads hash it too) made of the fixtures'
    /// samples, every split point landing somewhere else in them.
    fn many_samples(len: usize) -> Vec<u8> {
        let mut body = Vec::new();
        for name in XML_FIXTURES {
            let f = fixture(name);
            let from = memchr::memmem::find(&f, b"<testResults").unwrap();
            let from = from + memchr::memchr(b'\n', &f[from..]).unwrap() + 1;
            let to = memchr::memmem::rfind(&f, b"</testResults>").unwrap_or(f.len());
            body.extend_from_slice(&f[from..to]);
        }
        let mut xml =
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testResults version=\"1.2\">\n".to_vec();
        while xml.len() < len {
            xml.extend_from_slice(&body);
        }
        xml.extend_from_slice(b"</testResults>\n");
        xml
    }

    #[test]
    fn the_xml_fast_path_agrees_across_split_points_and_hashes_the_file() {
        let xml = many_samples(1_100_000);
        let general = xml_paths_agree(&xml, "many samples");
        // Transactions with and without a parent sample, failures, sub-results.
        assert!(!general.transactions.is_empty());
        assert!(general.totals.failures > 0);
        assert!(general
            .meta
            .reader_notes
            .iter()
            .any(|n| n.contains("sub-samples nested")));
    }

    #[test]
    fn nested_samples_at_the_top_level_indentation_are_never_a_range_start() {
        // Every line flush left: a sub-result looks like a top-level sample,
        // and a range beginning there must not be taken.
        let xml = many_samples(200_000);
        let flat: Vec<u8> = xml
            .split(|b| *b == b'\n')
            .map(|l| l.trim_ascii_start())
            .collect::<Vec<_>>()
            .join(&b'\n');
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("flat.jtl");
        std::fs::write(&path, &flat).unwrap();
        let general = xml_run(&path, 1, false, false).unwrap();
        for threads in [2, 3, 7] {
            let opts = ReadOptions {
                threads,
                ..ReadOptions::default()
            };
            let mut b = RunBuilder::new();
            JtlXml.read(&path, &mut b, &opts).unwrap();
            let fast = b.build(crate::model::RunMeta::default()).unwrap();
            assert!(fast == general, "{threads} threads");
        }
    }

    #[test]
    fn xml_errors_name_the_same_line_on_both_paths() {
        let xml = many_samples(200_000);
        let sample = "<httpSample t=\"5\" ts=\"1700000000000\" s=\"true\" lb=\"a\" rc=\"200\"/>";
        let bad = [
            ("t=\"5\"", "t=\"abc\""),
            ("t=\"5\"", "t=\"99999999999999999999999\""),
            ("rc=\"200\"", "rc=\"200\" by=\"1e400\""),
            ("rc=\"200\"", "rc=\"200\" na=\"4294967296\""),
            ("ts=\"1700000000000\"", "ts=\"Infinity\""),
            // Not read by the fast path: the whole file goes to the general reader.
            ("/>", "><!-- a comment --></httpSample>"),
            ("/>", "></sample>"),
        ];
        for (from, to) in bad {
            // Before a top-level sample, two thirds into the file.
            let at = xml.len() * 2 / 3;
            let at = at + memchr::memmem::find(&xml[at..], b"\n<httpSample").unwrap() + 1;
            let mut text = xml[..at].to_vec();
            text.extend_from_slice(sample.replace(from, to).as_bytes());
            text.push(b'\n');
            text.extend_from_slice(&xml[at..]);
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("bad.jtl");
            std::fs::write(&path, &text).unwrap();
            let line = text[..at].iter().filter(|b| **b == b'\n').count() + 1;
            match xml_run(&path, 1, false, false) {
                Err(general) => assert!(
                    general.contains(&format!("bad.jtl: line {line}")),
                    "{to}: {general}"
                ),
                Ok(_) => assert!(to.contains("comment"), "{to}: no error"),
            }
            for skip in [false, true] {
                let general = xml_run(&path, 1, false, skip);
                for threads in [1, 3] {
                    let opts = ReadOptions {
                        threads,
                        skip_bad_rows: skip,
                        ..ReadOptions::default()
                    };
                    let mut b = RunBuilder::new();
                    let fast = JtlXml
                        .read(&path, &mut b, &opts)
                        .map_err(|e| e.to_string())
                        .map(|()| b.build(crate::model::RunMeta::default()).unwrap());
                    match (&fast, &general) {
                        (Ok(f), Ok(g)) => assert!(f == g, "{to}, {threads} threads"),
                        (Err(f), Err(g)) => assert_eq!(f, g, "{to}"),
                        _ => panic!("{to}, skip {skip}: {:?} / {:?}", fast.err(), general.err()),
                    }
                }
            }
        }
    }

    #[test]
    fn tag_ends_skip_quoted_values() {
        let b = br#"<a x="1>2" y='3>"4'>rest"#;
        assert_eq!(xml_tag_end(b, 2), Some(b.len() - 5));
        let b = br#"<a x="1>2" y="3">rest"#;
        assert_eq!(xml_tag_end(b, 2), Some(b.len() - 5));
        assert_eq!(xml_tag_end(br#"<a x="1>2"#, 2), None);
    }

    #[test]
    fn xml_markup_the_fast_path_does_not_read_goes_to_the_general_reader() {
        let head = "<?xml version=\"1.0\"?>\n<testResults version=\"1.2\">\n";
        let cases = [
            "<httpSample t=\"5\" s=\"true\" lb=\"a\"><![CDATA[x]]></httpSample>\n",
            "<httpSample t=\"5\" s=\"true\" lb=\"a\"/>\ntext between samples\n",
            "<httpSample t=\"5\" s=\"true\" lb=\"a\"/><httpSample t=\"5\" s=\"true\" lb=\"b\"/>\n",
            "<httpSample t=\"5\" s=\"true\" lb=\"a\"><x></y></httpSample>\n",
            "<httpSample t=\"5\" s=\"true\" lb=\"a\"/>\n</testResults>\n<httpSample t=\"5\" s=\"true\" lb=\"b\"/>\n",
            "<httpSample t=\"5\" s=\"true\" lb=\"a\">\n",
        ];
        for body in cases {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("t.jtl");
            std::fs::write(&path, format!("{head}{body}")).unwrap();
            let opts = ReadOptions::default();
            let mut b = RunBuilder::new();
            assert!(!read_xml_fast(&path, &mut b, &opts).unwrap(), "{body}");
        }
        // What it does read: entities in names, attributes over several
        // lines, a root left open.
        let body = "<httpSample t=\"5\" ts=\"1700000000000\" s=\"true\"\n    lb=\"a &amp; b\" rc=\"200\"/>\n\
            <httpSample t=\"6\" s=\"true\" lb=\"a &amp; b\" tn='x > y'><x a=\"<>\"/></httpSample>\n";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.jtl");
        std::fs::write(&path, format!("{head}{body}{body}")).unwrap();
        let fast = xml_run(&path, 1, true, false).unwrap();
        assert!(fast == xml_run(&path, 1, false, false).unwrap());
        assert_eq!(fast.endpoints[0].name, "a & b");
        assert!(fast
            .meta
            .reader_notes
            .iter()
            .any(|n| n.contains("without </testResults>")));
    }
}
