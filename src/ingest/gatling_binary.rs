//! Gatling's binary `simulation.log` (Gatling 3.13.0 and later; from 3.14 on
//! the only machine-readable result a run leaves).
//!
//! Big-endian integers; a record is a one-byte tag and its fields:
//!
//! ```text
//! 0 Run      String version, String simulation class, i64 start (Unix ms),
//!            String description, i32 n + n Strings (scenarios, by index),
//!            i32 n + n × (i32 len + len bytes) (assertions: skipped)
//! 1 Request  i32 n + n cached (group path), cached name, i32 start, i32 end,
//!            bool ok, cached message ("" = none)
//! 2 User     i32 scenario index, bool start, i32 time
//! 3 Group    i32 n + n cached (group path), i32 start, i32 end,
//!            i32 cumulated response time, bool ok
//! 4 Error    cached message, i32 time
//! ```
//!
//! Times after the Run record are ms from the run's start. A String is an
//! `i32` byte length (0: empty, nothing follows), the bytes, and a coder
//! byte: 0 Latin-1, 1 UTF-16 little-endian (Java's internal `String`). A
//! cached string is an `i32`: `n ≥ 0` defines entry `n` (numbered from 1)
//! with the String that follows, `-n` repeats entry `n`.
//!
//! What counts: every Request record is a request (latency = end − start,
//! failed when not OK, the message its error), named `group / … / name` as
//! the text reader and Gatling's report name it. Group records time the
//! requests inside them and are not requests; Error records are test-code
//! exceptions; User records give the active users. A file that ends inside a
//! record (a hard kill) is read up to the last whole record and marked partial.
//!
//! The file is streamed; nothing read from it allocates more than
//! [`MAX_STRING_BYTES`] at once, and the string cache the format needs is
//! capped at [`MAX_CACHE_BYTES`].

use super::{gatling, input, ReadOptions, Reader, RunBuilder};
use crate::error::InputError;
use crate::model::{ExceptionGroup, Sample};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, BufRead, Read};
use std::path::Path;

/// Gatling's binary `simulation.log`.
pub struct BinaryLog;

/// Longest string perfreport reads. Gatling's writer copies a string into its
/// 8 KiB buffer whole, so it cannot write a longer one.
pub const MAX_STRING_BYTES: usize = 64 * 1024;
/// Most bytes of distinct names and messages the string cache may hold.
pub const MAX_CACHE_BYTES: usize = 256 << 20;
/// Deepest group nesting read.
const MAX_GROUP_DEPTH: i32 = 256;
/// Most scenarios a Run record may list.
const MAX_SCENARIOS: i32 = 4096;
/// Most assertions a Run record may hold, and the longest one (bytes).
const MAX_ASSERTIONS: i32 = 100_000;
const MAX_ASSERTION_BYTES: i32 = 1 << 20;

/// Which Gatling versions write the layout read here, for messages.
const LAYOUT: &str =
    "perfreport reads the binary simulation.log as Gatling 3.13.0 to 3.14 write it";

/// The Gatling version a binary log's Run record starts with, when `head`
/// starts with one: tag 0, a Latin-1 String like `3.14.3`.
pub fn version_in(head: &[u8]) -> Option<&str> {
    if head.first() != Some(&0) {
        return None;
    }
    let len = i32::from_be_bytes(head.get(1..5)?.try_into().ok()?);
    let len = usize::try_from(len).ok().filter(|l| (1..=40).contains(l))?;
    let v = head.get(5..5 + len)?;
    let coder = *head.get(5 + len)?;
    let looks = v[0].is_ascii_digit() && v.contains(&b'.') && v.iter().all(u8::is_ascii_graphic);
    (looks && coder == 0)
        .then(|| std::str::from_utf8(v).ok())
        .flatten()
}

impl Reader for BinaryLog {
    fn id(&self) -> &'static str {
        "gatling-binary-log"
    }

    fn describe(&self) -> &'static str {
        "Gatling simulation.log (binary, Gatling 3.13+; written to target/gatling/<run>/ or build/reports/gatling/<run>/ by every run)"
    }

    fn sniff(&self, name: &str, head: &[u8]) -> bool {
        // A simulation.log with NUL bytes that is not a text log is a binary
        // log of a layout perfreport does not know: `read` says so.
        let unknown_layout = name.eq_ignore_ascii_case("simulation.log")
            && head.contains(&0)
            && !head.first().is_some_and(u8::is_ascii_uppercase);
        version_in(head).is_some() || unknown_layout
    }

    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        opts: &ReadOptions,
    ) -> Result<(), InputError> {
        let head = input::head(path)?;
        let version = version_in(&head).map(str::to_string);
        if version.is_none() {
            return Err(InputError::new(
                path,
                format!(
                    "a binary Gatling simulation.log whose first record is not the Run record of Gatling 3.13+; {LAYOUT}. Read this run with the Gatling that wrote it (its HTML report), or give perfreport the report's js/stats.json if that Gatling wrote one (3.13.4 and older)"
                ),
            ));
        }
        builder.tool("gatling", version);
        read_log(path, builder, opts)
    }

    fn order(&self) -> u8 {
        0
    }
}

/// Why decoding stopped.
#[derive(Debug)]
enum Fault {
    /// The file ends inside a record.
    Truncated,
    /// The bytes at this offset are not what the layout says.
    Bad(u64, String),
    /// Reading failed.
    Io(io::Error),
}

type Decoded<T> = Result<T, Fault>;

/// The Run record.
#[derive(Debug)]
struct RunRecord {
    version: String,
    simulation: String,
    start_ms: i64,
    description: String,
    scenarios: Vec<String>,
}

/// A stream of records with the file-wide string cache.
struct Decoder<R> {
    r: R,
    /// Bytes consumed.
    at: u64,
    buf: Vec<u8>,
    /// Cached strings; entry `n` is at `n - 1`.
    cache: Vec<Box<str>>,
    cache_bytes: usize,
}

impl<R: BufRead> Decoder<R> {
    fn new(r: R) -> Self {
        Decoder {
            r,
            at: 0,
            buf: Vec::new(),
            cache: Vec::new(),
            cache_bytes: 0,
        }
    }

    fn exact(&mut self, out: &mut [u8]) -> Decoded<()> {
        match self.r.read_exact(out) {
            Ok(()) => {
                self.at += out.len() as u64;
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Err(Fault::Truncated),
            Err(e) => Err(Fault::Io(e)),
        }
    }

    /// The next record's tag, or `None` at the end of the file.
    fn tag(&mut self) -> Decoded<Option<u8>> {
        let mut b = [0u8; 1];
        loop {
            match self.r.read(&mut b) {
                Ok(0) => return Ok(None),
                Ok(_) => {
                    self.at += 1;
                    return Ok(Some(b[0]));
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Fault::Io(e)),
            }
        }
    }

    fn byte(&mut self) -> Decoded<u8> {
        let mut b = [0u8; 1];
        self.exact(&mut b)?;
        Ok(b[0])
    }

    fn bool(&mut self) -> Decoded<bool> {
        let at = self.at;
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(Fault::Bad(at, format!("a boolean of {b}, not 0 or 1"))),
        }
    }

    fn i32(&mut self) -> Decoded<i32> {
        let mut b = [0u8; 4];
        self.exact(&mut b)?;
        Ok(i32::from_be_bytes(b))
    }

    fn i64(&mut self) -> Decoded<i64> {
        let mut b = [0u8; 8];
        self.exact(&mut b)?;
        Ok(i64::from_be_bytes(b))
    }

    /// A count in `0..=max`, `what` naming it for the error.
    fn count(&mut self, max: i32, what: &str) -> Decoded<usize> {
        let at = self.at;
        let n = self.i32()?;
        if !(0..=max).contains(&n) {
            return Err(Fault::Bad(
                at,
                format!("{n} {what}: more than {max} or negative"),
            ));
        }
        Ok(n as usize)
    }

    /// Skips `n` bytes without keeping them.
    fn skip(&mut self, n: u64) -> Decoded<()> {
        let copied = io::copy(&mut (&mut self.r).take(n), &mut io::sink()).map_err(Fault::Io)?;
        self.at += copied;
        if copied < n {
            return Err(Fault::Truncated);
        }
        Ok(())
    }

    /// A String: length, bytes, coder. `\n`, `\r` and `\t` become spaces, as
    /// Gatling's own reader makes them.
    fn string(&mut self) -> Decoded<String> {
        let at = self.at;
        let len = self.i32()?;
        if len == 0 {
            return Ok(String::new());
        }
        let len = usize::try_from(len)
            .ok()
            .filter(|l| *l <= MAX_STRING_BYTES)
            .ok_or_else(|| {
                Fault::Bad(
                    at,
                    format!("a string of {len} bytes (perfreport reads at most {MAX_STRING_BYTES})"),
                )
            })?;
        let mut buf = std::mem::take(&mut self.buf);
        buf.resize(len, 0);
        let read = self.exact(&mut buf).and_then(|()| self.byte());
        let decoded = read.and_then(|coder| decode(&buf, coder).map_err(|m| Fault::Bad(at, m)));
        self.buf = buf;
        decoded
    }

    /// A cached string: its entry's index into `cache`.
    fn cached(&mut self) -> Decoded<usize> {
        let at = self.at;
        let n = self.i32()?;
        if n >= 0 {
            let next = self.cache.len() + 1;
            if n as usize != next {
                return Err(Fault::Bad(
                    at,
                    format!("defines cached string {n} where {next} was next"),
                ));
            }
            let s = self.string()?;
            self.cache_bytes += s.len();
            if self.cache_bytes > MAX_CACHE_BYTES {
                return Err(Fault::Bad(
                    at,
                    format!(
                        "the log's distinct names and messages pass {} MiB, more than perfreport holds",
                        MAX_CACHE_BYTES >> 20
                    ),
                ));
            }
            self.cache.push(s.into_boxed_str());
            Ok(next - 1)
        } else {
            let n = n.unsigned_abs() as usize;
            if n > self.cache.len() {
                return Err(Fault::Bad(
                    at,
                    format!(
                        "refers to cached string {n}, which is not defined before it ({} are)",
                        self.cache.len()
                    ),
                ));
            }
            Ok(n - 1)
        }
    }

    /// A group path: the cache indices of its groups, outermost first.
    fn groups(&mut self, out: &mut Vec<usize>) -> Decoded<()> {
        out.clear();
        let n = self.count(MAX_GROUP_DEPTH, "nested groups")?;
        for _ in 0..n {
            let g = self.cached()?;
            out.push(g);
        }
        Ok(())
    }

    fn run_record(&mut self) -> Decoded<RunRecord> {
        let at = self.at;
        match self.tag()? {
            Some(0) => {}
            Some(t) => {
                return Err(Fault::Bad(
                    at,
                    format!("the first record has tag {t}, not 0 (Run)"),
                ))
            }
            None => return Err(Fault::Truncated),
        }
        let version = self.string()?;
        let simulation = self.string()?;
        let start_ms = self.i64()?;
        let description = self.string()?;
        let n = self.count(MAX_SCENARIOS, "scenarios")?;
        let mut scenarios = Vec::with_capacity(n.min(64));
        for _ in 0..n {
            scenarios.push(self.string()?);
        }
        let n = self.count(MAX_ASSERTIONS, "assertions")?;
        for _ in 0..n {
            let len = self.count(MAX_ASSERTION_BYTES, "bytes of an assertion")?;
            self.skip(len as u64)?;
        }
        Ok(RunRecord {
            version,
            simulation,
            start_ms,
            description,
            scenarios,
        })
    }
}

/// Latin-1 (coder 0) or UTF-16LE (coder 1) bytes as text, control
/// whitespace made spaces.
fn decode(bytes: &[u8], coder: u8) -> Result<String, String> {
    let clean = |c: char| if matches!(c, '\n' | '\r' | '\t') { ' ' } else { c };
    match coder {
        0 => Ok(bytes.iter().map(|&b| clean(char::from(b))).collect()),
        1 if bytes.len() % 2 == 0 => Ok(char::decode_utf16(
            bytes
                .chunks_exact(2)
                .map(|p| u16::from_le_bytes([p[0], p[1]])),
        )
        .map(|c| clean(c.unwrap_or(char::REPLACEMENT_CHARACTER)))
        .collect()),
        1 => Err(format!(
            "a UTF-16 string of {} bytes, an odd number",
            bytes.len()
        )),
        c => Err(format!(
            "a string with coder {c}, neither 0 (Latin-1) nor 1 (UTF-16)"
        )),
    }
}

/// What the records gave besides requests.
#[derive(Default)]
struct Tally {
    records: u64,
    groups: u64,
    group_names: BTreeSet<usize>,
    errors: BTreeMap<usize, u64>,
    users: u32,
}

fn read_log(path: &Path, builder: &mut RunBuilder, opts: &ReadOptions) -> Result<(), InputError> {
    let mut d = Decoder::new(input::open(path)?);
    let at_byte = |at: u64, m: &str| InputError::new(path, format!("byte {at}: {m}"));
    let run = match d.run_record() {
        Ok(run) => run,
        Err(Fault::Truncated) => {
            return Err(InputError::new(
                path,
                format!(
                    "the file ends at byte {} inside its first record (the Run record): Gatling stopped before it wrote any request",
                    d.at
                ),
            ))
        }
        Err(Fault::Bad(at, m)) => return Err(at_byte(at, &format!("{m}; {LAYOUT}"))),
        Err(Fault::Io(e)) => return Err(InputError::new(path, format!("cannot read: {e}"))),
    };
    builder.tool("gatling", Some(run.version.clone()));
    let mut t = Tally::default();
    let mut groups = Vec::new();
    let mut name = String::new();
    loop {
        let record_at = d.at;
        let step = match d.tag() {
            Ok(None) => break,
            Ok(Some(tag)) => {
                record(&mut d, tag, &run, &mut t, &mut groups, &mut name, builder).map(|r| (tag, r))
            }
            Err(f) => Err(f),
        };
        match step {
            Ok((_, None)) => t.records += 1,
            Ok((tag, Some(problem))) => {
                t.records += 1;
                let what = ["Run", "Request", "User", "Group", "Error"][usize::from(tag)];
                builder.bad_row(
                    at_byte(record_at, &format!("{what} record: {problem}")),
                    opts.skip_bad_rows,
                )?;
            }
            Err(Fault::Truncated) => {
                builder.partial(format!(
                    "the Gatling log ends inside a record at byte {record_at} (the run was cut short, e.g. killed): the {} whole records before it were read",
                    t.records
                ));
                break;
            }
            Err(Fault::Bad(at, m)) => {
                return Err(at_byte(
                    at,
                    &format!(
                        "{m}; the records after it cannot be found (Gatling {}; {LAYOUT})",
                        run.version
                    ),
                ))
            }
            Err(Fault::Io(e)) => {
                return Err(InputError::new(path, format!("cannot read: {e}")));
            }
        }
    }
    for (idx, count) in t.errors {
        builder.exception(ExceptionGroup {
            count,
            message: d.cache[idx].trim().to_string(),
        });
    }
    builder.note(run_note(&run));
    if t.groups > 0 {
        builder.note(format!(
            "The log's {} Gatling group records ({} groups) time the requests inside them and are not counted as requests; a request in a group is named `group / request`.",
            t.groups,
            t.group_names.len()
        ));
    }
    builder.note("Percentiles are computed from every response time in the log; Gatling's own report estimates them (t-digest, whole ms), so it can differ by a few ms.");
    Ok(())
}

/// One record after its tag. `Ok(Some(problem))`: a whole record whose
/// values make no sense (skippable); `Err`: the stream cannot go on.
fn record<R: BufRead>(
    d: &mut Decoder<R>,
    tag: u8,
    run: &RunRecord,
    t: &mut Tally,
    groups: &mut Vec<usize>,
    name: &mut String,
    builder: &mut RunBuilder,
) -> Decoded<Option<String>> {
    let abs = |offset: i32| (run.start_ms + i64::from(offset)) as f64;
    match tag {
        1 => {
            d.groups(groups)?;
            let req = d.cached()?;
            let (start, end) = (d.i32()?, d.i32()?);
            let ok = d.bool()?;
            let message = d.cached()?;
            if end < start {
                return Ok(Some(format!(
                    "the request ends ({end} ms) before it starts ({start} ms)"
                )));
            }
            name.clear();
            for g in groups.iter() {
                name.push_str(&d.cache[*g]);
                name.push_str(" / ");
            }
            name.push_str(&d.cache[req]);
            let error = (!ok)
                .then(|| d.cache[message].trim())
                .filter(|m| !m.is_empty());
            builder.record(&Sample {
                start_ms: Some(abs(start)),
                latency_ms: Some(f64::from(end) - f64::from(start)),
                method: "",
                name: name.as_str(),
                ok,
                status: error.and_then(gatling::status_in_message),
                error,
                users: None,
                bytes: None,
            });
        }
        2 => {
            let scenario = d.i32()?;
            let start = d.bool()?;
            let at = d.i32()?;
            if usize::try_from(scenario).map_or(true, |s| s >= run.scenarios.len()) {
                return Ok(Some(format!(
                    "scenario {scenario}, but the Run record lists {}",
                    run.scenarios.len()
                )));
            }
            t.users = if start {
                t.users.saturating_add(1)
            } else {
                t.users.saturating_sub(1)
            };
            builder.users_at(abs(at), t.users);
        }
        3 => {
            d.groups(groups)?;
            let _start = d.i32()?;
            let _end = d.i32()?;
            let _cumulated = d.i32()?;
            let _ok = d.bool()?;
            t.groups += 1;
            if let Some(g) = groups.last() {
                t.group_names.insert(*g);
            }
        }
        4 => {
            let message = d.cached()?;
            let _at = d.i32()?;
            *t.errors.entry(message).or_default() += 1;
        }
        other => {
            return Err(Fault::Bad(
                d.at - 1,
                format!("a record with tag {other}, not 1 to 4 (Request, User, Group, Error)"),
            ))
        }
    }
    Ok(None)
}

/// What the Run record says about the run, for the report.
fn run_note(run: &RunRecord) -> String {
    let shown: Vec<&str> = run.scenarios.iter().take(10).map(String::as_str).collect();
    let more = run.scenarios.len().saturating_sub(shown.len());
    let mut note = format!(
        "Gatling {} binary simulation.log: simulation {}, scenarios {}{}.",
        run.version,
        run.simulation,
        shown.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    );
    if !run.description.trim().is_empty() {
        note.push_str(&format!(" Run description: {}", run.description.trim()));
    }
    note
}
