//! Gatling: the text `simulation.log` (Gatling 2.x to 3.12, one record per
//! line) and the HTML report's pre-aggregated `js/stats.json`, `js/stats.js`
//! and `js/global_stats.json`.
//!
//! `simulation.log` records are tab-separated; the first field names the kind:
//!
//! ```text
//! RUN      <class> [<user id>] <id> <start ms> <description> <version>
//! USER     <scenario> [<user id>] START|END <ms> [<ms>]
//! REQUEST  [<scenario> <user id> | <user id>] <groups> <name> <start ms> <end ms> OK|KO [<message>]
//! GROUP, ASSERTION (base64, may come before RUN): not requests, ignored
//! ERROR    <message> <ms>: an error of the test code, counted as an exception
//! ```
//!
//! The REQUEST layout is found per line from where its status sits, after two
//! Unix-ms timestamps: field 6 (3.4+, no user id), 7 (3.0–3.3, user id) or 8
//! (2.2/2.3, scenario and user id). Latency = end − start; `ok` = `OK`; a KO
//! message of a status check (`status.find.in(…), [but actually] found 401`)
//! gives the HTTP status. The endpoint is the request name, behind its groups
//! (`group / name`, as Gatling's report names it); the method is not logged.
//! GROUP records time the requests inside them and are not requests. Gatling
//! 2.x wrote test-code errors with the GROUP tag (`GROUP <message> <ms>`, its
//! ErrorMessageSerializer's slip): they are read as ERROR records. Gatling
//! 3.13+ writes a binary `simulation.log`, read by [`super::gatling_binary`].
//!
//! The report files hold Gatling's own figures ([`Precision::Tool`]):
//! request counts, KO counts, min/mean/max and four unlabelled percentiles,
//! taken as p50/p75/p95/p99 (the `gatling.conf` defaults).

use super::chunked::{self, Chunk, ChunkParser, ChunkSink, Sink, Stop};
use super::{input, ReadOptions, Reader, RunBuilder};
use crate::error::{InputError, Position};
use crate::model::{EndpointStats, ExceptionGroup, LatencyStats, Percentile, Precision, Sample};
use crate::stats::samples::MAX_SERIES_POINTS;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;

/// The assumption behind the report files' unlabelled percentiles.
const PERCENTILES_NOTE: &str = "Gatling's report files hold four unlabelled percentiles (percentiles1..4); perfreport reads them as p50, p75, p95 and p99, the gatling.conf defaults (charting.indicators.percentile1..4). If the run's gatling.conf changed them, these figures are mislabelled.";

/// Gatling's text `simulation.log`.
pub struct SimulationLog;

/// Gatling's HTML report `js/stats.json`: the whole run and every request.
pub struct StatsJson;

/// Gatling's HTML report `js/stats.js`: `stats.json` as a JavaScript literal.
pub struct StatsJs;

/// Gatling's HTML report `js/global_stats.json`: the whole run only.
pub struct GlobalStats;

/// The first line of `head`, without its line ending.
fn first_line(head: &[u8]) -> &[u8] {
    let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    line.strip_suffix(b"\r").unwrap_or(line)
}

impl Reader for SimulationLog {
    fn shards(&self) -> super::Shards {
        super::Shards::PerRequest
    }
    fn id(&self) -> &'static str {
        "gatling-log"
    }

    fn describe(&self) -> &'static str {
        "Gatling simulation.log (text, Gatling 2.x–3.12; written to target/gatling/<run>/ by every run)"
    }

    fn sniff(&self, name: &str, head: &[u8]) -> bool {
        let is_log_name = name.eq_ignore_ascii_case("simulation.log");
        if is_log_name && head.is_empty() {
            return true; // refused with a clear message by `read`
        }
        let line = first_line(head);
        let Some(tab) = line.iter().position(|b| *b == b'\t') else {
            return false;
        };
        match &line[..tab] {
            b"RUN" | b"ASSERTION" => true,
            b"USER" | b"REQUEST" | b"GROUP" | b"ERROR" => is_log_name,
            _ => false,
        }
    }

    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        opts: &ReadOptions,
    ) -> Result<(), InputError> {
        let head = input::head(path)?;
        if head.is_empty() {
            return Err(InputError::new(
                path,
                "empty file: Gatling wrote no records (the run may have stopped before it started)",
            ));
        }
        builder.tool("gatling", None);
        read_log(path, builder, opts)
    }
}

fn read_log(path: &Path, builder: &mut RunBuilder, opts: &ReadOptions) -> Result<(), InputError> {
    if !opts.no_fast_path {
        let make = || LogChunk::new(path, opts);
        let chunks = chunked::parse_path(path, 0, opts, builder, make)?;
        if let Some(chunks) = chunks {
            return merge_chunks(chunks, builder);
        }
    }
    let mut reader = input::open(path)?;
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    let mut users = Running(0);
    let mut errors: BTreeMap<String, u64> = BTreeMap::new();
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| InputError::new(path, format!("cannot read: {e}")))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let line = trim_line_end(&buf);
        if line.is_empty() {
            continue;
        }
        let text = String::from_utf8_lossy(line);
        let fields: Vec<&str> = text.split('\t').collect();
        let kind = record(
            &fields,
            line_no,
            path,
            opts,
            builder,
            &mut users,
            &mut errors,
        )?;
        if kind == Kind::Run {
            read_run(&fields, builder);
        }
    }
    for (message, count) in errors {
        builder.exception(ExceptionGroup { count, message });
    }
    Ok(())
}

/// `line` without the line ends (`\r`, `\n`) it ends with.
fn trim_line_end(mut line: &[u8]) -> &[u8] {
    while let [rest @ .., b'\r' | b'\n'] = line {
        line = rest;
    }
    line
}

/// What [`record`] leaves to its caller.
#[derive(Debug, PartialEq)]
enum Kind {
    /// A RUN record: its notes are the run's, for the caller to give it.
    Run,
    /// Anything else, taken.
    Taken,
}

/// The running count of active users, which USER records move.
trait Users {
    /// A user started (`start`) or ended at `t_ms`.
    fn event(&mut self, start: bool, t_ms: u64, sink: &mut impl Sink);
}

/// The general reader's count: the users active after each record.
struct Running(u32);

impl Users for Running {
    fn event(&mut self, start: bool, t_ms: u64, sink: &mut impl Sink) {
        self.0 = if start {
            self.0.saturating_add(1)
        } else {
            self.0.saturating_sub(1)
        };
        sink.users_at(t_ms as f64, self.0);
    }
}

/// Takes one record (a line split at its tabs, `line_no` 1-based): a
/// request, a user's start or end, a test-code error (into `errors`), a bad
/// row; says when it is a RUN record. Both the general reader and the fast
/// path's lines that are not plain requests come here.
fn record(
    fields: &[&str],
    line_no: u64,
    path: &Path,
    opts: &ReadOptions,
    sink: &mut impl Sink,
    users: &mut impl Users,
    errors: &mut BTreeMap<String, u64>,
) -> Result<Kind, InputError> {
    let at = |column: usize, msg: String| {
        InputError::at(
            path,
            Position {
                line: line_no,
                column: Some(column as u64),
            },
            msg,
        )
    };
    let skip = opts.skip_bad_rows;
    match fields[0] {
        "REQUEST" => match parse_request(fields) {
            Ok(r) => {
                let name = endpoint_name(r.groups, r.name);
                let error = (!r.ok).then(|| r.message.trim()).filter(|m| !m.is_empty());
                sink.record(&Sample {
                    start_ms: Some(r.start_ms as f64),
                    latency_ms: Some((r.end_ms - r.start_ms) as f64),
                    method: "",
                    name: &name,
                    ok: r.ok,
                    status: error.and_then(status_in_message),
                    error,
                    users: None,
                    bytes: None,
                });
            }
            Err((col, msg)) => sink.bad_row(at(col, msg), skip)?,
        },
        "USER" => match parse_user(fields) {
            Ok((start, t_ms)) => users.event(start, t_ms, sink),
            Err((col, msg)) => sink.bad_row(at(col, msg), skip)?,
        },
        "RUN" => return Ok(Kind::Run),
        "ERROR" => {
            let message = fields.get(1).map_or("", |m| m.trim());
            *errors.entry(message.to_string()).or_default() += 1;
        }
        "GROUP" => match group_kind(fields) {
            GroupLine::Group => {}
            GroupLine::Error(message) => {
                *errors.entry(message.trim().to_string()).or_default() += 1;
            }
            GroupLine::Unknown => sink.bad_row(
                at(
                    1,
                    format!(
                        "GROUP record of {} fields that is neither a group (ending OK or KO) nor a Gatling 2.x error (message, time)",
                        fields.len()
                    ),
                ),
                skip,
            )?,
        },
        "ASSERTION" => {}
        other => {
            let shown: String = other.chars().take(40).collect();
            sink.bad_row(
                at(
                    1,
                    format!(
                        "`{shown}` is not a Gatling record (RUN, USER, REQUEST, GROUP, ERROR, ASSERTION)"
                    ),
                ),
                skip,
            )?;
        }
    }
    Ok(Kind::Taken)
}

/// Gives the run what the chunks of the fast path kept apart from the
/// requests, in file order: RUN records, users over time, test-code errors.
fn merge_chunks(
    chunks: Vec<Chunk<LogChunk<'_>>>,
    builder: &mut RunBuilder,
) -> Result<(), InputError> {
    let parsers = chunked::merge(chunks, 1, builder)?;
    let mut errors: BTreeMap<String, u64> = BTreeMap::new();
    let mut users = 0;
    for p in parsers {
        for run in &p.runs {
            let fields: Vec<&str> = run.iter().map(String::as_str).collect();
            read_run(&fields, builder);
        }
        users = p.users.replay(users, builder);
        for (message, count) in p.errors {
            *errors.entry(message).or_default() += count;
        }
    }
    for (message, count) in errors {
        builder.exception(ExceptionGroup { count, message });
    }
    Ok(())
}

/// Fields split without allocating; a line with more takes a vector.
const FEW_FIELDS: usize = 16;

/// Distinct raw names (groups and name) remembered per chunk.
const MAX_INTERNED: usize = 10_000;

/// RUN records one chunk keeps for the run (a log has one); past this the
/// general reader reads the file.
const MAX_RUNS: usize = 64;

/// The fast path over a range of lines: a plain REQUEST record is read from
/// the bytes of the fields it uses (its name interned, no allocation, UTF-8
/// checked only for a name met the first time and a KO message); every
/// other line goes through [`record`], as in the general reader. USER
/// records move a count only a sequential pass knows: [`UserSteps`] keeps
/// what the range did to it, and the count is replayed in file order.
struct LogChunk<'a> {
    path: &'a Path,
    opts: &'a ReadOptions,
    newlines: u64,
    names: chunked::Names,
    users: UserSteps,
    errors: BTreeMap<String, u64>,
    /// RUN records' fields, in order.
    runs: Vec<Vec<String>>,
}

impl<'a> LogChunk<'a> {
    fn new(path: &'a Path, opts: &'a ReadOptions) -> Self {
        LogChunk {
            path,
            opts,
            newlines: 0,
            names: chunked::Names::default(),
            users: UserSteps::default(),
            errors: BTreeMap::new(),
            runs: Vec::new(),
        }
    }

    /// Records a REQUEST line (`b`, its tabs at `seps`) exactly as
    /// [`parse_request`] and [`record`] would; false when the line needs them
    /// (anything unusual, or a name or message that is not UTF-8).
    #[inline]
    fn request(&mut self, b: &[u8], seps: &[u32], sink: &mut ChunkSink) -> bool {
        let n = seps.len() + 1;
        let field = |i: usize| tab_field(b, seps, i);
        let Some(s) = (5..n).find(|&i| matches!(field(i), b"OK" | b"KO")) else {
            return false;
        };
        if s > 7 {
            return false;
        }
        let (Some(start_ms), Some(end_ms)) = (stamp(field(s - 2)), stamp(field(s - 1))) else {
            return false;
        };
        if end_ms < start_ms {
            return false;
        }
        let ok = field(s) == b"OK";
        // Groups and name, one slice of the line: the key of the endpoint.
        let key = &b[seps[s - 5] as usize + 1..seps[s - 3] as usize];
        let idx = match self.names.get(key) {
            Some(i) => i,
            None => {
                let (Ok(groups), Ok(name)) = (
                    std::str::from_utf8(field(s - 4)),
                    std::str::from_utf8(field(s - 3)),
                ) else {
                    return false;
                };
                let i = sink.stats.endpoint("", &endpoint_name(groups, name));
                self.names.insert(key, i, MAX_INTERNED);
                i
            }
        };
        let mut error = None;
        if !ok {
            let message = if s + 1 < n { field(s + 1) } else { b"" };
            let Ok(message) = std::str::from_utf8(message) else {
                return false;
            };
            error = Some(message.trim()).filter(|m| !m.is_empty());
        }
        sink.stats.record_at(
            idx,
            &Sample {
                start_ms: Some(start_ms as f64),
                latency_ms: Some((end_ms - start_ms) as f64),
                method: "",
                name: "",
                ok,
                status: error.and_then(status_in_message),
                error,
                users: None,
                bytes: None,
            },
        );
        true
    }

    /// Any other line, through [`record`].
    fn other(&mut self, line: &[u8], sink: &mut ChunkSink) -> Result<(), Stop> {
        let line = trim_line_end(line);
        if line.is_empty() {
            return Ok(());
        }
        let lossy;
        let text = match std::str::from_utf8(line) {
            Ok(t) => t,
            Err(_) => {
                lossy = String::from_utf8_lossy(line).into_owned();
                lossy.as_str()
            }
        };
        let mut few = [""; FEW_FIELDS];
        let mut n = 0;
        let mut split = text.split('\t');
        for f in split.by_ref().take(FEW_FIELDS) {
            few[n] = f;
            n += 1;
        }
        let many: Vec<&str>;
        let fields = if split.next().is_none() {
            &few[..n]
        } else {
            many = text.split('\t').collect();
            &many[..]
        };
        let line_no = self.newlines + 1;
        let kind = record(
            fields,
            line_no,
            self.path,
            self.opts,
            sink,
            &mut self.users,
            &mut self.errors,
        )?;
        if kind == Kind::Run {
            if self.runs.len() == MAX_RUNS {
                return Err(Stop::Unsupported);
            }
            self.runs
                .push(fields.iter().map(|f| (*f).to_string()).collect());
        }
        Ok(())
    }
}

impl ChunkParser for LogChunk<'_> {
    fn parse(
        &mut self,
        buf: &[u8],
        limit: usize,
        eof: bool,
        sink: &mut ChunkSink,
    ) -> Result<usize, Stop> {
        chunked::scan_lines(buf, limit, eof, b'\t', |line| {
            let b = line.bytes;
            let plain = !line.wide && !b.ends_with(b"\r");
            let taken = plain
                && if b.starts_with(b"REQUEST\t") {
                    self.request(b, line.seps, sink)
                } else if b.starts_with(b"USER\t") {
                    match user_fields(b, line.seps) {
                        Some((start, t_ms)) => {
                            self.users.event(start, t_ms, sink);
                            true
                        }
                        None => false,
                    }
                } else {
                    false
                };
            if !taken {
                self.other(b, sink)?;
            }
            self.newlines += u64::from(line.had_newline(buf));
            Ok(chunked::Step::Next)
        })
    }

    fn newlines(&self) -> u64 {
        self.newlines
    }
}

/// Field `i` of line `b` whose tabs are at `seps`.
#[inline]
fn tab_field<'b>(b: &'b [u8], seps: &[u32], i: usize) -> &'b [u8] {
    let from = if i == 0 { 0 } else { seps[i - 1] as usize + 1 };
    let to = seps.get(i).map_or(b.len(), |&e| e as usize);
    &b[from..to]
}

/// A field [`is_timestamp`] accepts, as its number.
#[inline]
fn stamp(f: &[u8]) -> Option<u64> {
    if f.len() > 16 {
        None
    } else {
        chunked::digits(f)
    }
}

/// A USER line (`b`, its tabs at `seps`) as [`parse_user`] reads it, from
/// its bytes (the fields it looks at are ASCII when they match, so UTF-8
/// does not matter); `None` where [`parse_user`] would err.
#[inline]
fn user_fields(b: &[u8], seps: &[u32]) -> Option<(bool, u64)> {
    let n = seps.len() + 1;
    let event = |f: &[u8]| match f.rsplit(|c| *c == b' ').next()? {
        b"START" => Some(true),
        b"END" => Some(false),
        _ => None,
    };
    let (k, start) = (1..n.min(4)).find_map(|i| {
        let next_is_time = i + 1 < n && stamp(tab_field(b, seps, i + 1)).is_some();
        event(tab_field(b, seps, i))
            .filter(|_| next_is_time)
            .map(|s| (i, s))
    })?;
    // START: the time after it; END: the last field (after it too, as k + 1 < n).
    let i = if start { k + 1 } else { n - 1 };
    stamp(tab_field(b, seps, i)).map(|t| (start, t))
}

/// What the USER records of a range of lines did to the count of active
/// users, which depends on the count before the range. The general reader
/// counts up at a start and down at an end, never below zero: after the
/// range's records `1..=j` the count is `max(before + sum_j, from_zero_j)`,
/// with `sum_j` the starts less the ends so far and `from_zero_j` the count
/// had the range started at zero. The run's series keeps, per time bucket,
/// the most users at any record in it, so per bucket the largest `sum_j`
/// and `from_zero_j` are enough, in buckets no wider than the run's will be:
/// widths double from 1 s until the span fits [`MAX_SERIES_POINTS`], as the
/// run's own buckets do, and the run's span holds this one. Each bucket also
/// keeps its first and last record times, where its count is replayed, so
/// the run's buckets cover the same span as in one sequential pass.
#[derive(Default)]
struct UserSteps {
    sum: i64,
    from_zero: i64,
    /// Bucket width, ms (0 before the first record).
    width: i64,
    /// Key of `slots[0]` (Unix ms / width).
    base: i64,
    slots: Vec<Option<UserSlot>>,
}

#[derive(Clone, Copy)]
struct UserSlot {
    sum: i64,
    from_zero: i64,
    first_ms: u64,
    last_ms: u64,
}

impl UserSlot {
    fn merge(&mut self, o: &UserSlot) {
        self.sum = self.sum.max(o.sum);
        self.from_zero = self.from_zero.max(o.from_zero);
        self.first_ms = self.first_ms.min(o.first_ms);
        self.last_ms = self.last_ms.max(o.last_ms);
    }
}

impl Users for UserSteps {
    fn event(&mut self, start: bool, t_ms: u64, _: &mut impl Sink) {
        if start {
            self.sum += 1;
            self.from_zero += 1;
        } else {
            self.sum -= 1;
            self.from_zero = (self.from_zero - 1).max(0);
        }
        // The key the run's buckets use: of the time as f64, as `users_at` takes it.
        let ms = t_ms as f64 as i64;
        let here = UserSlot {
            sum: self.sum,
            from_zero: self.from_zero,
            first_ms: t_ms,
            last_ms: t_ms,
        };
        if self.width == 0 {
            self.width = 1000;
            self.base = ms.div_euclid(self.width);
        }
        loop {
            let key = ms.div_euclid(self.width);
            let first = self.base.min(key);
            let last = (self.base + self.slots.len() as i64 - 1).max(key);
            if last - first < MAX_SERIES_POINTS as i64 {
                if key < self.base {
                    let n = (self.base - key) as usize;
                    self.slots.splice(0..0, std::iter::repeat_n(None, n));
                    self.base = key;
                }
                let i = (key - self.base) as usize;
                if i >= self.slots.len() {
                    self.slots.resize(i + 1, None);
                }
                match &mut self.slots[i] {
                    Some(s) => s.merge(&here),
                    slot => *slot = Some(here),
                }
                return;
            }
            self.coarsen();
        }
    }
}

impl UserSteps {
    /// Doubles the bucket width, merging neighbours.
    fn coarsen(&mut self) {
        self.width *= 2;
        let old = std::mem::take(&mut self.slots);
        let old_base = self.base;
        self.base = old_base.div_euclid(2);
        for (i, slot) in old.into_iter().enumerate() {
            let Some(slot) = slot else { continue };
            let k = ((old_base + i as i64).div_euclid(2) - self.base) as usize;
            if k >= self.slots.len() {
                self.slots.resize(k + 1, None);
            }
            match &mut self.slots[k] {
                Some(s) => s.merge(&slot),
                empty => *empty = Some(slot),
            }
        }
    }

    /// Gives `builder` the count at each bucket, `before` being the count
    /// before the range; returns the count after it.
    fn replay(&self, before: i64, builder: &mut RunBuilder) -> i64 {
        for s in self.slots.iter().flatten() {
            let users = u32::try_from((before + s.sum).max(s.from_zero)).unwrap_or(u32::MAX);
            builder.users_at(s.first_ms as f64, users);
            if s.last_ms != s.first_ms {
                builder.users_at(s.last_ms as f64, users);
            }
        }
        (before + self.sum).max(self.from_zero)
    }
}

/// `RUN` names the simulation and, in 3.x, the Gatling version (2.x writes
/// its log-format version, `2.0`, which is not a Gatling release).
fn read_run(fields: &[&str], builder: &mut RunBuilder) {
    let last = fields.last().map_or("", |v| v.trim());
    // A release has three parts (`3.6.1`, `3.11.0-M1`); the 2.x format version has two.
    let release = last.split('.').count() >= 3
        && last
            .split('.')
            .take(3)
            .all(|p| p.bytes().next().is_some_and(|b| b.is_ascii_digit()));
    if release {
        builder.tool("gatling", Some(last.to_string()));
    } else if !last.is_empty() {
        builder.note(format!(
            "simulation.log names log format `{last}` (Gatling 2.x), not the Gatling version."
        ));
    }
    // The description sits between the start timestamp and the version.
    let start = fields
        .iter()
        .enumerate()
        .skip(2)
        .find(|(_, f)| is_timestamp(f))
        .map(|(i, _)| i);
    if let Some(i) = start {
        if fields.len() >= i + 3 {
            let desc = fields[i + 1..fields.len() - 1].join(" ");
            if !desc.trim().is_empty() {
                builder.note(format!("Gatling run description: {}", desc.trim()));
            }
        }
    }
}

/// One REQUEST record, borrowed from the line.
#[derive(Debug, PartialEq)]
struct Request<'a> {
    groups: &'a str,
    name: &'a str,
    start_ms: u64,
    end_ms: u64,
    ok: bool,
    message: &'a str,
}

fn is_timestamp(field: &str) -> bool {
    !field.is_empty() && field.len() <= 16 && field.bytes().all(|b| b.is_ascii_digit())
}

/// Parses a REQUEST record in any supported layout; the error is the 1-based
/// field number and the message.
fn parse_request<'a>(fields: &[&'a str]) -> Result<Request<'a>, (usize, String)> {
    // The status is the first OK/KO field that has room for groups, a name and
    // two timestamps before it (index 5 at the least).
    let Some(s) = (5..fields.len()).find(|&i| fields[i] == "OK" || fields[i] == "KO") else {
        return Err((
            1,
            format!(
                "REQUEST record without an OK or KO status after its timestamps ({} fields)",
                fields.len()
            ),
        ));
    };
    for i in [s - 2, s - 1] {
        if !is_timestamp(fields[i]) {
            let shown: String = fields[i].chars().take(40).collect();
            return Err((
                i + 1,
                format!("`{shown}` is not a timestamp (Unix ms) in a REQUEST record"),
            ));
        }
    }
    if !matches!(s, 5..=7) {
        return Err((
            s + 1,
            format!(
                "REQUEST record with its status in field {}: not a simulation.log layout perfreport reads (Gatling 2.2 to 3.12)",
                s + 1
            ),
        ));
    }
    let parse = |i: usize| {
        fields[i].parse::<u64>().map_err(|_| {
            (
                i + 1,
                format!("`{}` is not a timestamp (Unix ms)", fields[i]),
            )
        })
    };
    let (start_ms, end_ms) = (parse(s - 2)?, parse(s - 1)?);
    if end_ms < start_ms {
        return Err((
            s,
            format!("the request ends ({end_ms}) before it starts ({start_ms})"),
        ));
    }
    Ok(Request {
        groups: fields[s - 4],
        name: fields[s - 3],
        start_ms,
        end_ms,
        ok: fields[s] == "OK",
        message: fields.get(s + 1).copied().unwrap_or(""),
    })
}

/// What a GROUP line is.
#[derive(Debug, PartialEq)]
enum GroupLine<'a> {
    /// A group's timing (`… start end cumulated OK|KO`): not a request.
    Group,
    /// `GROUP <message> <ms>`: Gatling 2.x's ErrorMessageSerializer wrote
    /// test-code errors ("Failed to build request …") with the GROUP tag.
    Error(&'a str),
    Unknown,
}

fn group_kind<'a>(fields: &[&'a str]) -> GroupLine<'a> {
    match fields {
        [.., "OK" | "KO"] => GroupLine::Group,
        [_, message, t] if is_timestamp(t) => GroupLine::Error(message),
        _ => GroupLine::Unknown,
    }
}

/// The event of a USER field: `START`, `END`, or a scenario and the event in
/// one field (`Taurus Scenario START`, as Taurus writes it).
fn user_event(field: &str) -> Option<bool> {
    match field.rsplit(' ').next()? {
        "START" => Some(true),
        "END" => Some(false),
        _ => None,
    }
}

/// `USER` → (is a start, Unix ms of the event). The event is field 2 (no
/// scenario: `USER START <ms> <ms>`, as Taurus writes 2.x logs), 3 (3.4+) or
/// 4 (2.x, 3.0–3.3 with a user id), with a timestamp after it.
fn parse_user(fields: &[&str]) -> Result<(bool, u64), (usize, String)> {
    let found = (1..fields.len().min(4)).find_map(|i| {
        let next_is_time = fields.get(i + 1).is_some_and(|f| is_timestamp(f));
        user_event(fields[i])
            .filter(|_| next_is_time)
            .map(|s| (i, s))
    });
    let Some((k, start)) = found else {
        return Err((
            2,
            "USER record without START or END and a timestamp after it in field 2, 3 or 4"
                .to_string(),
        ));
    };
    // START: the start time follows; END (2.x: user start, user end): the last field.
    let i = if start { k + 1 } else { fields.len() - 1 };
    match fields.get(i).filter(|f| i > k && is_timestamp(f)) {
        Some(t) => t
            .parse::<u64>()
            .map(|t| (start, t))
            .map_err(|_| (i + 1, format!("`{t}` is not a timestamp (Unix ms)"))),
        None => Err((
            (i + 1).min(fields.len()),
            format!(
                "`{}` is not a timestamp (Unix ms) in a USER record",
                fields.get(i).copied().unwrap_or("")
            ),
        )),
    }
}

/// `group / subgroup / name`, as Gatling's report names a request in groups
/// (the log separates groups with commas).
fn endpoint_name(groups: &str, name: &str) -> String {
    let groups: Vec<&str> = groups
        .split(',')
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .collect();
    if groups.is_empty() {
        name.to_string()
    } else {
        format!("{} / {name}", groups.join(" / "))
    }
}

/// The HTTP status a failed status check names: `status.find.in(200,304),
/// found 401` (3.x) or `…, but actually found 500` (2.x). Messages of other
/// checks (`jsonPath(…)…found 401`) say nothing about the status.
pub fn status_in_message(message: &str) -> Option<u16> {
    if !message.trim_start().starts_with("status") {
        return None;
    }
    let pos = message.rfind("found ")?;
    let rest = &message[pos + 6..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let code: u16 = (digits.len() == 3).then(|| digits.parse().ok())??;
    (100..600).contains(&code).then_some(code)
}

/// The reader is one of Gatling's logs (text or binary), which hold every
/// request the report folder beside them summarises.
pub fn is_log(reader_id: &str) -> bool {
    reader_id == SimulationLog.id() || reader_id == super::gatling_binary::BinaryLog.id()
}

/// Where a bare report file (`js/stats.json`) or a prefixed copy
/// (`run_stats.json`) belongs: the report folder's name, or the prefix, so
/// that `global_stats.json`, `stats.json` and `stats.js` make one run. A
/// `simulation.log` is the run of its folder (empty key). `None` for any
/// other file.
pub fn run_key(path: &Path) -> Option<String> {
    let name = input::logical_name(path);
    if name == "simulation.log" {
        // Gatling's fixed name: the run is its folder (`ohrmaddemployees-2023…`).
        let head = input::head(path).ok()?;
        let log = SimulationLog.sniff(&name, &head)
            || super::gatling_binary::BinaryLog.sniff(&name, &head);
        return log.then(String::new);
    }
    let suffix = ["global_stats.json", "stats.json", "stats.js"]
        .into_iter()
        .find(|s| name.ends_with(s))?;
    let key = if name == suffix {
        let dir = path.parent()?;
        if dir.file_name().is_some_and(|d| d == "js") {
            dir.parent()
                .and_then(Path::file_name)
                .map(|d| d.to_string_lossy().into_owned())
                .unwrap_or_default()
        } else {
            String::new()
        }
    } else {
        name.strip_suffix(suffix)?.strip_suffix('_')?.to_string()
    };
    let head = input::head(path).ok()?;
    let gatling = StatsJson.sniff(&name, &head)
        || StatsJs.sniff(&name, &head)
        || GlobalStats.sniff(&name, &head);
    gatling.then_some(key)
}

/// What kind of report file `head` is.
#[derive(Debug, PartialEq)]
enum ReportKind {
    Tree,
    Global,
    Script,
}

fn report_kind(head: &[u8]) -> Option<ReportKind> {
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    let stats_at = t.find("\"numberOfRequests\"")?;
    if !t.contains("percentiles1") {
        return None;
    }
    let before = &t[..stats_at];
    if let Some(rest) = t.strip_prefix("var") {
        let rest = rest.trim_start();
        return rest
            .strip_prefix("stats")
            .is_some_and(|r| r.trim_start().starts_with('='))
            .then_some(ReportKind::Script);
    }
    if !t.starts_with('{') {
        return None;
    }
    if before.contains("\"type\"") && before.contains("\"stats\"") {
        Some(ReportKind::Tree)
    } else if before.contains("\"name\"") && !before.contains("\"type\"") {
        Some(ReportKind::Global)
    } else {
        None
    }
}

impl Reader for StatsJson {
    fn id(&self) -> &'static str {
        "gatling-stats-json"
    }
    fn describe(&self) -> &'static str {
        "Gatling report js/stats.json (per request; in the HTML report folder of every run)"
    }
    fn sniff(&self, _name: &str, head: &[u8]) -> bool {
        report_kind(head) == Some(ReportKind::Tree)
    }
    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        _: &ReadOptions,
    ) -> Result<(), InputError> {
        builder.tool("gatling", None);
        let root = read_json(path)?;
        read_tree(path, &root, builder)
    }
    fn order(&self) -> u8 {
        0
    }
}

impl Reader for StatsJs {
    fn id(&self) -> &'static str {
        "gatling-stats-js"
    }
    fn describe(&self) -> &'static str {
        "Gatling report js/stats.js (per request, JavaScript; in the HTML report folder of every run)"
    }
    fn sniff(&self, _name: &str, head: &[u8]) -> bool {
        report_kind(head) == Some(ReportKind::Script)
    }
    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        _: &ReadOptions,
    ) -> Result<(), InputError> {
        builder.tool("gatling", None);
        if builder.has_figures() {
            return Ok(()); // js/stats.json beside it holds the same figures, already read
        }
        let text = read_text(path)?;
        let json = script_to_json(&text)
            .map_err(|(line, msg)| InputError::at(path, Position { line, column: None }, msg))?;
        let root: Value = serde_json::from_str(&json).map_err(|e| {
            InputError::at(
                path,
                Position {
                    line: e.line() as u64,
                    column: None,
                },
                format!("the `stats` object is not a data literal: {e}"),
            )
        })?;
        read_tree(path, &root, builder)
    }
    fn order(&self) -> u8 {
        1
    }
}

impl Reader for GlobalStats {
    fn id(&self) -> &'static str {
        "gatling-global-stats"
    }
    fn describe(&self) -> &'static str {
        "Gatling report js/global_stats.json (whole run; in the HTML report folder of every run)"
    }
    fn sniff(&self, _name: &str, head: &[u8]) -> bool {
        report_kind(head) == Some(ReportKind::Global)
    }
    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        _: &ReadOptions,
    ) -> Result<(), InputError> {
        builder.tool("gatling", None);
        if builder.has_figures() {
            return Ok(()); // js/stats.json beside it holds the same totals, already read
        }
        let root = read_json(path)?;
        let totals = node_stats(path, &root, "", "")?;
        builder.note(PERCENTILES_NOTE);
        builder.note("js/global_stats.json holds the whole run only; js/stats.json beside it has every request.");
        builder.totals(totals);
        Ok(())
    }
    fn order(&self) -> u8 {
        2
    }
}

fn read_text(path: &Path) -> Result<String, InputError> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut input::open(path)?, &mut bytes)
        .map_err(|e| InputError::new(path, format!("cannot read: {e}")))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(InputError::new(path, "empty file"));
    }
    input::check_json_numbers(path, &bytes, 1)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn read_json(path: &Path) -> Result<Value, InputError> {
    let text = read_text(path)?;
    serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
        InputError::at(
            path,
            Position {
                line: e.line() as u64,
                column: Some(e.column() as u64),
            },
            format!("not valid JSON: {e}"),
        )
    })
}

/// The root of a stats tree is the whole run; REQUEST nodes below it (inside
/// GROUP nodes too) are the endpoints, named by their `path`.
fn read_tree(path: &Path, root: &Value, builder: &mut RunBuilder) -> Result<(), InputError> {
    let totals = node_stats(path, root, "", "stats")?;
    let mut endpoints = Vec::new();
    walk(path, root, "", &mut endpoints)?;
    builder.note(PERCENTILES_NOTE);
    builder.totals(totals);
    for e in endpoints {
        builder.endpoint(e);
    }
    Ok(())
}

fn walk(
    path: &Path,
    node: &Value,
    at: &str,
    out: &mut Vec<EndpointStats>,
) -> Result<(), InputError> {
    let Some(contents) = node.get("contents") else {
        return Ok(());
    };
    let Some(contents) = contents.as_object() else {
        return Err(InputError::new(
            path,
            format!("`{at}contents` is not an object"),
        ));
    };
    for (key, child) in contents {
        let here = format!("{at}contents.{key}.");
        match child.get("type").and_then(Value::as_str) {
            Some("REQUEST") => {
                let name = child
                    .get("path")
                    .or_else(|| child.get("name"))
                    .and_then(Value::as_str)
                    .unwrap_or(key);
                let mut stats = node_stats(path, child, &here, "stats")?;
                stats.name = name.to_string();
                out.push(stats);
            }
            Some("GROUP") => walk(path, child, &here, out)?,
            other => {
                return Err(InputError::new(
                    path,
                    format!(
                        "`{here}type` is {}, not REQUEST or GROUP",
                        other.map_or("missing".to_string(), |t| format!("`{t}`"))
                    ),
                ))
            }
        }
    }
    Ok(())
}

/// A number as Gatling writes it: a JSON number, or a string in stats.js:
/// `"13.074"`, or (3.13.x, its console formatter: English locale, left-padded
/// to 9) `"   32,737"`; `"-"` or `""` when there is nothing to show.
fn number(v: Option<&Value>) -> Result<Option<f64>, String> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(Value::String(s)) if s.trim() == "-" || s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => ungrouped(s.trim())
            .and_then(|t| t.parse::<f64>().ok())
            .filter(|f| f.is_finite())
            .map(Some)
            .ok_or_else(|| format!("`{s}` is not a number")),
        Some(other) => Err(format!("`{other}` is not a number")),
    }
}

/// `32,737.5` → `32737.5`: commas only between groups of three digits of the
/// whole part (`1,2` and `12,34` are not numbers).
fn ungrouped(t: &str) -> Option<String> {
    if !t.contains(',') {
        return Some(t.to_string());
    }
    let (whole, frac) = t.split_once('.').map_or((t, None), |(w, f)| (w, Some(f)));
    let digits = whole.strip_prefix('-').unwrap_or(whole);
    let mut groups = digits.split(',');
    let first = groups.next()?;
    let ok = (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
    ok.then(|| {
        let mut out = whole.replace(',', "");
        if let Some(f) = frac {
            out.push('.');
            out.push_str(f);
        }
        out
    })
}

/// The figures of one node; `stats_key` is `stats` in the tree, empty for
/// global_stats.json where the figures are at the top.
fn node_stats(
    path: &Path,
    node: &Value,
    at: &str,
    stats_key: &str,
) -> Result<EndpointStats, InputError> {
    let (stats, prefix) = if stats_key.is_empty() {
        (node, at.to_string())
    } else {
        (
            node.get(stats_key)
                .ok_or_else(|| InputError::new(path, format!("`{at}{stats_key}` is missing")))?,
            format!("{at}{stats_key}."),
        )
    };
    let get = |field: &str, part: &str| -> Result<Option<f64>, InputError> {
        number(stats.get(field).and_then(|f| f.get(part)))
            .map_err(|m| InputError::new(path, format!("`{prefix}{field}.{part}`: {m}")))
    };
    let count = |part: &str| -> Result<u64, InputError> {
        match get("numberOfRequests", part)? {
            Some(v) if v >= 0.0 && v.fract() == 0.0 => Ok(v as u64),
            Some(v) => Err(InputError::new(
                path,
                format!("`{prefix}numberOfRequests.{part}` is {v}, not a count"),
            )),
            None => Err(InputError::new(
                path,
                format!("`{prefix}numberOfRequests.{part}` is missing"),
            )),
        }
    };
    let requests = count("total")?;
    let failures = count("ko")?;
    if failures > requests {
        return Err(InputError::new(
            path,
            format!("`{prefix}numberOfRequests`: {failures} KO out of {requests} requests"),
        ));
    }
    // With no requests Gatling writes 0 (or "-") for the times: no figure at all.
    let time = |field: &str| -> Result<Option<f64>, InputError> {
        Ok(if requests == 0 {
            None
        } else {
            get(field, "total")?
        })
    };
    let mut percentiles = BTreeMap::new();
    for (field, pct) in [
        ("percentiles1", 50.0),
        ("percentiles2", 75.0),
        ("percentiles3", 95.0),
        ("percentiles4", 99.0),
    ] {
        if let (Some(v), Some(p)) = (time(field)?, Percentile::from_percent(pct)) {
            percentiles.insert(p, v);
        }
    }
    let throughput_rps = get("meanNumberOfRequestsPerSecond", "total")?;
    let name = stats
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    Ok(EndpointStats {
        method: String::new(),
        name: name.to_string(),
        requests,
        failures,
        throughput_rps,
        // stats.js writes "-" for the KO rate when nothing failed: that is 0/s.
        failures_per_s: get("meanNumberOfRequestsPerSecond", "ko")?
            .or_else(|| throughput_rps.filter(|_| failures == 0).map(|_| 0.0)),
        latency: LatencyStats {
            min_ms: time("minResponseTime")?,
            avg_ms: time("meanResponseTime")?,
            max_ms: time("maxResponseTime")?,
            percentiles,
            precision: Precision::Tool,
            histogram: None,
        },
        avg_content_bytes: None,
        source: Some(format!(
            "{}, {}",
            path.file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            if prefix.is_empty() {
                "the whole file".to_string()
            } else {
                format!("`{}`", prefix.trim_end_matches('.'))
            }
        )),
    })
}

/// The object literal of `var stats = {…}` as JSON: unquoted keys quoted,
/// single-quoted strings double-quoted, newlines kept so serde's line numbers
/// are the file's. The error is (line, message).
fn script_to_json(text: &str) -> Result<String, (u64, String)> {
    let start = text
        .find("var stats")
        .and_then(|i| text[i..].find('{').map(|j| i + j))
        .ok_or((1, "no `var stats = {…}` object".to_string()))?;
    let mut out = String::with_capacity(text.len() - start + 64);
    // Keep line numbers: one newline for every line before the object.
    out.push_str(&"\n".repeat(text[..start].matches('\n').count()));
    let chars: Vec<char> = text[start..].chars().collect();
    let mut line = text[..start].matches('\n').count() as u64 + 1;
    let mut depth = 0usize;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                line += 1;
                out.push(c);
            }
            '"' | '\'' => {
                let quote = c;
                out.push('"');
                i += 1;
                loop {
                    let Some(&d) = chars.get(i) else {
                        return Err((line, "a string is not closed".to_string()));
                    };
                    match d {
                        '\\' => {
                            let next = chars.get(i + 1).copied().unwrap_or('\\');
                            if next == '\'' {
                                out.push('\'');
                            } else {
                                out.push('\\');
                                out.push(next);
                            }
                            i += 1;
                        }
                        '"' if quote == '\'' => out.push_str("\\\""),
                        '\n' => return Err((line, "a string runs past the line end".to_string())),
                        d if d == quote => break,
                        d => out.push(d),
                    }
                    i += 1;
                }
                out.push('"');
            }
            '{' | '[' => {
                depth += 1;
                out.push(c);
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                out.push(c);
                if depth == 0 {
                    return Ok(out);
                }
            }
            c if c.is_ascii_digit() => {
                // A number, copied whole (so `1e5` is not read as a name).
                let j = (i..chars.len())
                    .find(|&j| {
                        let d = chars[j];
                        let sign = (d == '+' || d == '-') && matches!(chars[j - 1], 'e' | 'E');
                        !(d.is_ascii_alphanumeric() || d == '.' || sign)
                    })
                    .unwrap_or(chars.len());
                out.extend(&chars[i..j]);
                i = j;
                continue;
            }
            c if c.is_ascii_alphabetic() || c == '_' || c == '$' => {
                let j = (i..chars.len())
                    .find(|&j| {
                        !(chars[j].is_ascii_alphanumeric() || chars[j] == '_' || chars[j] == '$')
                    })
                    .unwrap_or(chars.len());
                let word: String = chars[i..j].iter().collect();
                let is_key = chars[j..]
                    .iter()
                    .find(|c| !c.is_whitespace())
                    .is_some_and(|c| *c == ':');
                if is_key {
                    out.push('"');
                    out.push_str(&word);
                    out.push('"');
                } else if matches!(word.as_str(), "true" | "false" | "null") {
                    out.push_str(&word);
                } else {
                    return Err((line, format!("`{word}` is code, not data, inside `stats`")));
                }
                i = j;
                continue;
            }
            c => out.push(c),
        }
        i += 1;
    }
    Err((line, "the `stats` object is not closed".to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(line: &str) -> Vec<&str> {
        line.split('\t').collect()
    }

    #[test]
    fn request_layouts_of_every_supported_version() {
        // 3.4+: groups, name.
        let r = parse_request(&fields(
            "REQUEST\t\trequest_18\t1693110648160\t1693110649586\tKO\tstatus.find.in(200,304), found 401",
        ))
        .unwrap();
        assert_eq!(
            (r.name, r.start_ms, r.end_ms, r.ok),
            ("request_18", 1693110648160, 1693110649586, false)
        );
        assert_eq!(status_in_message(r.message), Some(401));
        // 3.0–3.3: user id first.
        let r = parse_request(&fields("REQUEST\t7\tg1,g2\tlogin\t1000\t1250\tOK\t ")).unwrap();
        assert_eq!(
            (r.groups, r.name, r.end_ms - r.start_ms),
            ("g1,g2", "login", 250)
        );
        assert_eq!(endpoint_name(r.groups, r.name), "g1 / g2 / login");
        // 2.x: scenario, user id; extra info after the message is ignored.
        let r = parse_request(&fields(
            "REQUEST\tRecordedSimulation\t14\t\trequest_8\t1478709573904\t1478709573937\tKO\tstatus.find.in(200,304), but actually found 500\textra",
        ))
        .unwrap();
        assert_eq!((r.name, r.ok), ("request_8", false));
        assert_eq!(status_in_message(r.message), Some(500));
        // A request named like a status or a number does not confuse the layout.
        let r = parse_request(&fields("REQUEST\t\t12345\t1000\t1001\tOK")).unwrap();
        assert_eq!((r.name, r.message), ("12345", ""));
        let r = parse_request(&fields("REQUEST\t\tOK\t1000\t1001\tKO\tboom")).unwrap();
        assert_eq!((r.name, r.ok, r.message), ("OK", false, "boom"));
    }

    #[test]
    fn malformed_requests_name_the_field() {
        let e = parse_request(&fields("REQUEST\t\tr\t16931x\t1693110645752\tOK\t")).unwrap_err();
        assert_eq!(e.0, 4);
        assert!(e.1.contains("`16931x` is not a timestamp"), "{}", e.1);
        let e = parse_request(&fields("REQUEST\t\tr\t1000")).unwrap_err();
        assert_eq!(e.0, 1);
        let e = parse_request(&fields("REQUEST\t\tr\t2000\t1000\tOK")).unwrap_err();
        assert!(
            e.1.contains("ends (1000) before it starts (2000)"),
            "{}",
            e.1
        );
        // Gatling 2.0/2.1 wrote four timestamps: refused, not misread.
        let e = parse_request(&fields("REQUEST\ts\t1\t\tr\t1\t2\t3\t4\tOK\t")).unwrap_err();
        assert!(e.1.contains("not a simulation.log layout"), "{}", e.1);
    }

    #[test]
    fn user_records_of_every_layout() {
        assert_eq!(
            parse_user(&fields("USER\tS\tSTART\t1000")),
            Ok((true, 1000))
        );
        assert_eq!(parse_user(&fields("USER\tS\tEND\t2000")), Ok((false, 2000)));
        assert_eq!(
            parse_user(&fields("USER\tHome\tSTART\t1000\t1000")),
            Ok((true, 1000))
        );
        assert_eq!(
            parse_user(&fields("USER\tS\t24\tEND\t1000\t3000")),
            Ok((false, 3000))
        );
        assert!(parse_user(&fields("USER\tS\tSTART\tsoon")).is_err());
        assert!(parse_user(&fields("USER\tS\tSTART")).is_err());
        assert!(parse_user(&fields("USER\tS")).is_err());
        // No scenario (Taurus), or scenario and event in one field.
        assert_eq!(
            parse_user(&fields("USER\tSTART\t1000\t1000")),
            Ok((true, 1000))
        );
        assert_eq!(
            parse_user(&fields("USER\tEND\t1000\t3000")),
            Ok((false, 3000))
        );
        assert_eq!(
            parse_user(&fields("USER\tTaurus Scenario START\t1000\t1000")),
            Ok((true, 1000))
        );
        // A scenario named START is a name when no timestamp follows it.
        assert_eq!(
            parse_user(&fields("USER\tSTART\tSTART\t1000")),
            Ok((true, 1000))
        );
    }

    #[test]
    fn user_lines_read_from_bytes_as_parse_user_reads_them() {
        let lines = [
            "USER\tS\tSTART\t1000",
            "USER\tS\tEND\t2000",
            "USER\tHome\tSTART\t1000\t1000",
            "USER\tS\t24\tEND\t1000\t3000",
            "USER\tS\tSTART\tsoon",
            "USER\tS\tSTART",
            "USER\tS",
            "USER\tSTART\t1000\t1000",
            "USER\tEND\t1000\t3000",
            "USER\tTaurus Scenario START\t1000\t1000",
            "USER\tSTART\tSTART\t1000",
            "USER\tS\tEND\t1000\tlater",
            "USER\tS\tSTART \t1000",
            "USER\tS\t1\t2\tSTART\t1000",
            "USER\tS\tSTART\t12345678901234567",
        ];
        for line in lines {
            let seps: Vec<u32> = line
                .bytes()
                .enumerate()
                .filter(|(_, c)| *c == b'\t')
                .map(|(i, _)| i as u32)
                .collect();
            assert_eq!(
                user_fields(line.as_bytes(), &seps),
                parse_user(&fields(line)).ok(),
                "{line}"
            );
        }
    }

    fn read_fixture(rel: &str) -> crate::model::Run {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/gatling")
            .join(rel);
        let head = input::head(&path).unwrap();
        assert!(SimulationLog.sniff("simulation.log", &head));
        let mut b = RunBuilder::new();
        SimulationLog
            .read(&path, &mut b, &ReadOptions::default())
            .unwrap();
        b.build(crate::model::RunMeta::default()).unwrap()
    }

    /// (REQUEST records, KO ones, GROUP records as 2.x errors by message),
    /// counted from the text apart from the reader.
    fn count_records(rel: &str) -> (u64, u64, BTreeMap<String, u64>) {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/gatling")
                .join(rel),
        )
        .unwrap();
        let (mut requests, mut ko, mut errors) = (0, 0, BTreeMap::new());
        for f in text.lines().map(|l| l.split('\t').collect::<Vec<_>>()) {
            match f[0] {
                "REQUEST" => {
                    requests += 1;
                    ko += u64::from(f.contains(&"KO"));
                }
                "GROUP" if f.len() == 3 => {
                    *errors.entry(f[1].trim().to_string()).or_default() += 1;
                }
                _ => {}
            }
        }
        (requests, ko, errors)
    }

    #[test]
    fn taurus_2x_logs_with_groups_and_users_without_scenario_read() {
        // `USER\tSTART\t<ms>\t<ms>`, GROUP timings, requests in groups.
        let run = read_fixture("taurus-groups-2018/simulation.log");
        let (requests, ko, _) = count_records("taurus-groups-2018/simulation.log");
        assert_eq!((run.totals.requests, run.totals.failures), (requests, ko));
        assert_eq!((requests, ko), (5, 1));
        assert_eq!(run.meta.users_recorded, Some(1));
        assert!(run
            .endpoints
            .iter()
            .any(|e| e.name == "User-Login / Offers-GET / GET" && e.failures == 1));
        // `USER\t<scenario> START\t<ms>\t<ms>`: scenario and event in one field.
        let run = read_fixture("taurus-scenario-start-2018/simulation.log");
        let (requests, _, _) = count_records("taurus-scenario-start-2018/simulation.log");
        assert_eq!(run.totals.requests, requests);
        assert!(run.meta.users_recorded.is_some_and(|u| u > 0));
    }

    #[test]
    fn gatling_2x_errors_written_as_group_records_are_exceptions() {
        let rel = "taurus-build-errors-2019/simulation.log";
        let run = read_fixture(rel);
        let (requests, ko, errors) = count_records(rel);
        assert_eq!((run.totals.requests, run.totals.failures), (requests, ko));
        assert_eq!(errors.len(), 2);
        let got: BTreeMap<String, u64> = run
            .exceptions
            .iter()
            .map(|e| (e.message.clone(), e.count))
            .collect();
        assert_eq!(got, errors);
        assert!(got.keys().all(|m| m.starts_with("Failed to build request")));
    }

    /// The text fixtures (every one but the binary logs and the empty file).
    const TEXT_FIXTURES: [&str; 7] = [
        "ohrm-3.6.1",
        "pix-2.2",
        "taurus-2017",
        "taurus-3.5.1",
        "taurus-groups-2018",
        "taurus-build-errors-2019",
        "taurus-scenario-start-2018",
    ];

    /// Reads `bytes` as `dir`/simulation.log (gzipped first with `gzip`),
    /// with `threads` threads, on the fast path or the general reader only.
    #[allow(clippy::too_many_arguments)]
    fn read_log_bytes(
        dir: &Path,
        bytes: &[u8],
        gzip: bool,
        threads: usize,
        no_fast_path: bool,
        skip_bad_rows: bool,
        cap: Option<usize>,
    ) -> Result<crate::model::Run, String> {
        use std::io::Write;
        let path = dir.join("simulation.log");
        if gzip {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(bytes).unwrap();
            std::fs::write(&path, gz.finish().unwrap()).unwrap();
        } else {
            std::fs::write(&path, bytes).unwrap();
        }
        let mut b = RunBuilder::new();
        if let Some(n) = cap {
            b.max_endpoints(n);
        }
        let opts = ReadOptions {
            threads,
            no_fast_path,
            skip_bad_rows,
            ..ReadOptions::default()
        };
        SimulationLog
            .read(&path, &mut b, &opts)
            .map_err(|e| e.to_string())?;
        Ok(b.build(crate::model::RunMeta::default()).unwrap())
    }

    /// A run's figures in short, for a failure message.
    fn show(r: &Result<crate::model::Run, String>) -> String {
        match r {
            Ok(run) => format!(
                "{} requests, {} failures, {} endpoints, {} series points, users {:?}, {} exceptions, skipped {}",
                run.totals.requests,
                run.totals.failures,
                run.endpoints.len(),
                run.series.len(),
                run.series.iter().filter_map(|p| p.users).collect::<Vec<_>>(),
                run.exceptions.len(),
                run.meta.skipped_rows,
            ),
            Err(e) => e.clone(),
        }
    }

    /// Asserts the fast path (on `threads`, and the gzip of `bytes`) gives
    /// the run (or the error) the general reader gives.
    fn fast_path_agrees(
        what: &str,
        bytes: &[u8],
        skip: bool,
        cap: Option<usize>,
        threads: &[usize],
    ) {
        let dir = tempfile::tempdir().unwrap();
        let read = |gzip, threads, general| {
            read_log_bytes(dir.path(), bytes, gzip, threads, general, skip, cap)
        };
        let general = read(false, 1, true);
        let runs = threads
            .iter()
            .map(|&threads| (false, threads))
            .chain([(true, 2)]);
        for (gzip, threads) in runs {
            let fast = read(gzip, threads, false);
            assert!(
                fast == general,
                "{what}, gzip {gzip}, {threads} threads: the fast path gives\n{}\nthe general reader\n{}",
                show(&fast),
                show(&general)
            );
        }
    }

    #[test]
    fn the_fast_path_agrees_with_the_general_reader_on_every_text_fixture() {
        for dir in TEXT_FIXTURES {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/gatling")
                .join(dir)
                .join("simulation.log");
            let bytes = std::fs::read(&path).unwrap();
            let (requests, _, _) = count_records(&format!("{dir}/simulation.log"));
            let tmp = tempfile::tempdir().unwrap();
            let run = read_log_bytes(tmp.path(), &bytes, false, 3, false, false, None).unwrap();
            assert_eq!(run.totals.requests, requests, "{dir}");
            fast_path_agrees(dir, &bytes, false, None, &[1, 3]);
            if bytes.len() < 20_000 {
                // A small fixture twice over, so that it is split too.
                let twice = [&bytes[..], &bytes[..]].concat();
                fast_path_agrees(dir, &twice, false, None, &[1, 2, 3, 7]);
            }
        }
    }

    /// A deterministic log of every kind of line the reader meets: each
    /// request layout, groups, names like statuses or numbers or not UTF-8,
    /// KO messages, users of every layout (ends before starts too, and users
    /// hours apart so the series is coarsened), test-code errors, GROUP
    /// records, CRLF and blank lines; with `bad`, malformed records too.
    fn varied_log(seed: u64, lines: usize, bad: bool) -> Vec<u8> {
        let mut x = seed | 1;
        let mut next = move |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let names: [&[u8]; 8] = [
            b"home",
            b"OK",
            b"12345",
            b"caf\xc3\xa9 / menu",
            b"bad \xff name",
            b"request_1 Redirect 1",
            b" padded ",
            b"KO",
        ];
        let groups: [&[u8]; 5] = [b"", b"g1", b"g1,g2", b" g1 , ,g2 ", b"gr\xfe"];
        let messages: [&[u8]; 6] = [
            b"status.find.in(200,304), found 401",
            b"status.find.is(200), but actually found 500",
            b"j.n.ConnectException: Connection refused",
            b"  ",
            b"jsonPath($.id).find.is(5), but actually found 401",
            b"not \xff utf-8",
        ];
        let t0 = 1_700_000_000_000u64;
        let mut out = b"RUN\tcom.example.Sim\tsim\t1700000000000\t desc \t3.11.5\n".to_vec();
        for i in 0..lines {
            let t = t0 + next(3 * 3_600_000) + if next(500) == 0 { 40 * 86_400_000 } else { 0 };
            let end = t + next(2000);
            let (g, n) = (groups[next(5) as usize], names[next(8) as usize]);
            let ok = next(10) != 0;
            let status: &[u8] = if ok { b"OK" } else { b"KO" };
            let mut line: Vec<u8> = Vec::new();
            match next(20) {
                0..=8 => {
                    // 3.4+: groups, name; OK lines end with a blank message.
                    line.extend(b"REQUEST\t");
                    line.extend(g);
                    line.push(b'\t');
                    line.extend(n);
                    line.extend(format!("\t{t}\t{end}\t").as_bytes());
                    line.extend(status);
                    if ok {
                        if next(2) == 0 {
                            line.extend(b"\t ");
                        }
                    } else if next(4) != 0 {
                        line.push(b'\t');
                        line.extend(messages[next(6) as usize]);
                    }
                }
                9 => {
                    line.extend(format!("REQUEST\t{}\t", next(100)).as_bytes());
                    line.extend(g);
                    line.push(b'\t');
                    line.extend(n);
                    line.extend(format!("\t{t}\t{end}\t").as_bytes());
                    line.extend(status);
                    line.extend(b"\t");
                    line.extend(messages[next(6) as usize]);
                }
                10 => {
                    line.extend(format!("REQUEST\tScen\t{}\t", next(100)).as_bytes());
                    line.extend(g);
                    line.push(b'\t');
                    line.extend(n);
                    line.extend(format!("\t{t}\t{end}\t").as_bytes());
                    line.extend(status);
                    line.extend(b"\t");
                    line.extend(messages[next(6) as usize]);
                    line.extend(b"\textra");
                }
                11..=15 => {
                    let event = if next(2) == 0 { "START" } else { "END" };
                    let text = match next(4) {
                        0 => format!("USER\tScen\t{event}\t{t}"),
                        1 => format!("USER\tScen\t{}\t{event}\t{t}\t{end}", next(100)),
                        2 => format!("USER\t{event}\t{t}\t{end}"),
                        _ => format!("USER\tTaurus Scenario {event}\t{t}\t{t}"),
                    };
                    line.extend(text.as_bytes());
                }
                16 => line.extend(format!("ERROR\tboom {}\t{t}", next(3)).as_bytes()),
                17 => {
                    let text = match next(3) {
                        0 => format!("GROUP\tg1\t{t}\t{end}\t12\tOK"),
                        1 => format!("GROUP\tFailed to build request {}: x \t{t}", next(2)),
                        _ => "ASSERTION\tAAMDAAMDAAAAAAAAwFhA".to_string(),
                    };
                    line.extend(text.as_bytes());
                }
                18 => {}
                _ if bad => {
                    let text = match next(5) {
                        0 => format!("REQUEST\t\tx\tsoon\t{t}\tOK"),
                        1 => format!("REQUEST\t\tx\t{end}\t{t}\tKO"),
                        2 => "BOGUS\tline".to_string(),
                        3 => format!("USER\tScen\tJUMP\t{t}"),
                        _ => format!("REQUEST\ts\t1\t\tr\t1\t{t}\t{end}\t4\tOK"),
                    };
                    line.extend(text.as_bytes());
                }
                _ => line.extend(format!("REQUEST\t\thome\t{t}\t{end}\tOK").as_bytes()),
            }
            line.extend(match i % 11 {
                0 => &b"\r\n"[..],
                5 => b"\r\r\n",
                _ => b"\n",
            });
            out.extend(line);
        }
        out
    }

    #[test]
    fn the_fast_path_agrees_on_every_kind_of_line_wherever_the_chunks_split() {
        let all: Vec<usize> = (1..=7).collect();
        for seed in 1..=2 {
            // About 50 KB: seven threads get chunks of 7 KB, each split
            // point in a different place for each seed.
            let log = varied_log(seed, 900 + 37 * seed as usize, false);
            fast_path_agrees(&format!("seed {seed}"), &log, false, None, &all);
            // Past the endpoint cap: names fold into `other` alike.
            let what = format!("seed {seed}, 3 endpoints");
            fast_path_agrees(&what, &log, false, Some(3), &[1, 3, 7]);
            let bad = varied_log(seed + 10, 900, true);
            let what = format!("seed {seed}, skipping bad rows");
            fast_path_agrees(&what, &bad, true, None, &all);
            // Without skipping, the first bad row stops both, at its line.
            let what = format!("seed {seed}, bad rows");
            fast_path_agrees(&what, &bad, false, None, &[1, 3, 7]);
        }
        // The log is what it says: every kind of line was met.
        let tmp = tempfile::tempdir().unwrap();
        let log = varied_log(1, 937, true);
        let run = read_log_bytes(tmp.path(), &log, false, 2, false, true, None).unwrap();
        assert!(run.totals.failures > 0 && run.exceptions.len() > 3);
        assert!(run.series.len() > 100 && run.series.iter().any(|p| p.users > Some(2)));
        assert!(run
            .endpoints
            .iter()
            .any(|e| e.name == "g1 / g2 / café / menu"));
        assert!(run.endpoints.iter().any(|e| e.name.contains('\u{fffd}')));
    }

    #[test]
    fn a_log_the_fast_path_cannot_take_is_read_by_the_general_reader() {
        // More RUN records than a chunk keeps: the general reader reads it,
        // and every RUN note is there once, in order.
        let mut log = String::new();
        for i in 0..MAX_RUNS + 5 {
            log.push_str(&format!(
                "RUN\tc.Sim\tsim\t1700000000000\trun {i}\t3.11.5\n"
            ));
            log.push_str(&format!(
                "REQUEST\t\thome\t{}\t1700000000100\tOK\n",
                1_700_000_000_000u64 + i as u64
            ));
        }
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("simulation.log");
        std::fs::write(&path, &log).unwrap();
        let opts = ReadOptions::default();
        let mut chunk = LogChunk::new(&path, &opts);
        let mut sink = ChunkSink::new(RunBuilder::new().new_samples());
        let stop = chunk.parse(log.as_bytes(), log.len(), true, &mut sink);
        assert!(matches!(stop, Err(Stop::Unsupported)), "{stop:?}");
        fast_path_agrees("many RUN records", log.as_bytes(), false, None, &[1, 2]);
        let run = read_log_bytes(tmp.path(), log.as_bytes(), false, 2, false, false, None).unwrap();
        let notes: Vec<&String> = run
            .meta
            .reader_notes
            .iter()
            .filter(|n| n.starts_with("Gatling run description"))
            .collect();
        assert_eq!(notes.len(), MAX_RUNS + 5);
        assert!(
            notes[0].ends_with("run 0")
                && notes[MAX_RUNS + 4].ends_with(&format!("run {}", MAX_RUNS + 4))
        );
    }

    #[test]
    fn users_before_a_chunk_carry_into_it() {
        // 40 users start, then each chunk ends some and starts others; the
        // count never passes through zero, so every chunk depends on the
        // ones before it. The series' users are checked against a count
        // made here, per second.
        let t0 = 1_700_000_000_000u64;
        let mut log = String::new();
        let mut active = 0i64;
        let mut most: BTreeMap<u64, i64> = BTreeMap::new();
        for i in 0..3000u64 {
            let t = t0 + i * 10;
            let start = i < 40 || i % 3 != 0;
            let start = start || active == 0;
            active += if start { 1 } else { -1 };
            let e = most.entry(t / 1000).or_default();
            *e = (*e).max(active);
            let event = if start { "START" } else { "END" };
            log.push_str(&format!("USER\tScen\t{event}\t{t}\n"));
            log.push_str(&format!("REQUEST\t\thome\t{t}\t{}\tOK\t \n", t + 5));
        }
        let tmp = tempfile::tempdir().unwrap();
        for threads in [1, 4, 7] {
            let run = read_log_bytes(
                tmp.path(),
                log.as_bytes(),
                false,
                threads,
                false,
                false,
                None,
            )
            .unwrap();
            let got: Vec<(u64, Option<u64>)> = run
                .series
                .iter()
                .map(|p| ((p.t_s as u64), p.users))
                .collect();
            let want: Vec<(u64, Option<u64>)> =
                most.iter().map(|(s, u)| (*s, Some(*u as u64))).collect();
            assert_eq!(got, want, "{threads} threads");
        }
    }

    #[test]
    fn group_lines_are_groups_errors_or_bad() {
        assert_eq!(
            group_kind(&fields("GROUP\tlogin\t1000\t1250\t240\tOK")),
            GroupLine::Group
        );
        assert_eq!(
            group_kind(&fields("GROUP\tS\t7\tlogin\t1000\t1250\t240\tKO")),
            GroupLine::Group
        );
        assert_eq!(
            group_kind(&fields(
                "GROUP\tFailed to build request x: boom \t1549412111982"
            )),
            GroupLine::Error("Failed to build request x: boom ")
        );
        assert_eq!(
            group_kind(&fields("GROUP\tlogin\tsoon")),
            GroupLine::Unknown
        );
    }

    #[test]
    fn status_comes_only_from_status_checks() {
        assert_eq!(
            status_in_message(
                "status.find.in(200,201,202,203,204,205,206,207,208,209,304), found 401"
            ),
            Some(401)
        );
        assert_eq!(
            status_in_message("status.find.is(200), but actually found 404"),
            Some(404)
        );
        assert_eq!(
            status_in_message("jsonPath($.id).find.is(5), but actually found 401"),
            None
        );
        assert_eq!(
            status_in_message("status.find.in(200), found nothing"),
            None
        );
        assert_eq!(
            status_in_message("j.n.ConnectException: Connection refused"),
            None
        );
    }

    #[test]
    fn sniffs_text_binary_and_empty_logs() {
        let log = SimulationLog;
        assert!(log.sniff(
            "anything.log",
            b"RUN\tc.Sim\tsim\t1693110642715\t \t3.6.1\n"
        ));
        assert!(log.sniff("x.txt", b"ASSERTION\tAAMDAAMDAAAAAAAAwFhA\nRUN\t..."));
        assert!(!log.sniff("x.log", b"USER\tS\tSTART\t1\n"));
        assert!(log.sniff("simulation.log", b"USER\tS\tSTART\t1\n"));
        assert!(log.sniff("simulation.log", b""));
        assert!(!log.sniff("other.log", b""));
        // Binary logs are gatling_binary's.
        assert!(!log.sniff("x.bin", b"\0\0\0\0\x063.14.3\0\0\0\0&com.example"));
        assert!(!log.sniff("x.csv", b"RUNNING,1,2\n"));
    }

    #[test]
    fn sniffs_the_report_files() {
        let tree = b"{\n  \"type\": \"GROUP\",\n\"name\": \"Global Information\",\n\"stats\": {\n \"name\": \"x\", \"numberOfRequests\": {}, \"percentiles1\": {}";
        let global = b"{\n \"name\": \"Global Information\",\n \"numberOfRequests\": {}, \"percentiles1\": {}";
        let script = b"var stats = {\n type: \"GROUP\",\nstats: {\n \"numberOfRequests\": {}, \"percentiles1\": {}";
        assert!(StatsJson.sniff("out.json", tree));
        assert!(!GlobalStats.sniff("out.json", tree));
        assert!(GlobalStats.sniff("out.json", global));
        assert!(StatsJs.sniff("x.js", script));
        assert!(!StatsJson.sniff("x.js", script));
        assert!(!GlobalStats.sniff("x.json", b"{\"Total\": {\"sampleCount\": 1}}"));
    }

    #[test]
    fn script_literals_become_json() {
        let js = "// header\nvar stats = {\n type: 'GROUP',\n name: \"a \\\"b\\\"\",\n stats: { \"n\": \"1\", ok: true }\n};\nfunction f() { return x; }\n";
        let json = script_to_json(js).unwrap();
        let v: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["type"], "GROUP");
        assert_eq!(v["name"], "a \"b\"");
        assert_eq!(v["stats"]["ok"], true);
        assert_eq!(json.lines().count(), 6, "lines kept: {json}");
        let v: Value =
            serde_json::from_str(&script_to_json("var stats = {a: 1e5, b: -2.5E-1}").unwrap())
                .unwrap();
        assert_eq!((v["a"].as_f64(), v["b"].as_f64()), (Some(1e5), Some(-0.25)));
        let e = script_to_json("var stats = {\n a: 1,\n b: foo()\n}").unwrap_err();
        assert_eq!(e.0, 3);
        assert!(script_to_json("var stats = {\n a: 1,\n").is_err());
    }

    #[test]
    fn numbers_as_gatling_writes_them() {
        assert_eq!(number(Some(&Value::from(3))), Ok(Some(3.0)));
        assert_eq!(number(Some(&Value::from("13.074"))), Ok(Some(13.074)));
        assert_eq!(number(Some(&Value::from("-"))), Ok(None));
        assert_eq!(number(None), Ok(None));
        assert!(number(Some(&Value::from("fast"))).is_err());
        // Gatling 3.13.x stats.js: padded to 9, thousands grouped.
        assert_eq!(number(Some(&Value::from("   32,737"))), Ok(Some(32737.0)));
        assert_eq!(
            number(Some(&Value::from("1,234,567.5"))),
            Ok(Some(1234567.5))
        );
        assert_eq!(number(Some(&Value::from("        -"))), Ok(None));
        assert_eq!(number(Some(&Value::from("      187"))), Ok(Some(187.0)));
        for bad in ["1,2", "12,34", "1,2345", ",123", "1,,234", "1,234,"] {
            assert!(number(Some(&Value::from(bad))).is_err(), "{bad}");
        }
    }

    /// stats.js as Gatling 3.13.4 writes its numbers: ConsoleStatsFormat's
    /// English-locale grouping, left-padded to 9 characters.
    fn padded(text: &str) -> String {
        let mut out = String::with_capacity(text.len() * 2);
        let mut rest = text;
        // Every `"digits[.digits]"` string value after a `": ` becomes padded.
        while let Some(i) = rest.find(": \"") {
            out.push_str(&rest[..i + 3]);
            rest = &rest[i + 3..];
            let end = rest.find('"').unwrap();
            let v = &rest[..end];
            let numeric = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.');
            if numeric {
                let (whole, frac) = v.split_once('.').map_or((v, None), |(w, f)| (w, Some(f)));
                let mut grouped = String::new();
                for (k, c) in whole.chars().enumerate() {
                    if k > 0 && (whole.len() - k) % 3 == 0 {
                        grouped.push(',');
                    }
                    grouped.push(c);
                }
                if let Some(f) = frac {
                    grouped = format!("{grouped}.{f}");
                }
                out.push_str(&format!("{grouped:>9}"));
            } else if v == "-" {
                out.push_str(&format!("{v:>9}"));
            } else {
                out.push_str(v);
            }
            rest = &rest[end..];
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn a_3_13_stats_js_with_padded_grouped_numbers_reads_as_its_plain_self() {
        let dir =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gatling/ohrm-3.6.1/js");
        let plain = std::fs::read_to_string(dir.join("stats.js")).unwrap();
        let text = padded(&plain);
        assert!(
            text.contains("\"total\": \"    2,458\""),
            "the fixture's 2458 requests, grouped"
        );
        assert!(text.contains("\"ko\": \"        -\""));
        let tmp = tempfile::tempdir().unwrap();
        let read = |t: &str| {
            let path = tmp.path().join("stats.js");
            std::fs::write(&path, t).unwrap();
            let mut b = RunBuilder::new();
            StatsJs
                .read(&path, &mut b, &ReadOptions::default())
                .unwrap();
            b.build(crate::model::RunMeta::default()).unwrap()
        };
        let (a, b) = (read(&text), read(&plain));
        assert_eq!(a.totals.requests, 2458);
        assert_eq!(a.totals, b.totals);
        assert_eq!(a.endpoints, b.endpoints);
    }

    #[test]
    fn report_files_group_into_one_run() {
        let dir = tempfile::tempdir().unwrap();
        let js = dir.path().join("sim-20230827043042715").join("js");
        std::fs::create_dir_all(&js).unwrap();
        let global = js.join("global_stats.json");
        std::fs::write(
            &global,
            "{\"name\": \"Global Information\", \"numberOfRequests\": {\"total\": 1, \"ok\": 1, \"ko\": 0}, \"percentiles1\": {}}",
        )
        .unwrap();
        assert_eq!(run_key(&global).as_deref(), Some("sim-20230827043042715"));
        let prefixed = dir.path().join("peak_global_stats.json");
        std::fs::copy(&global, &prefixed).unwrap();
        assert_eq!(run_key(&prefixed).as_deref(), Some("peak"));
        let other = dir.path().join("x_stats.json");
        std::fs::write(&other, "{\"a\": 1}").unwrap();
        assert_eq!(run_key(&other), None);
    }
}
