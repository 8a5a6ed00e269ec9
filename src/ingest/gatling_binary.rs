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
use std::collections::{BTreeMap, BTreeSet, HashMap};
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
    (is_version(v) && coder == 0)
        .then(|| std::str::from_utf8(v).ok())
        .flatten()
}

/// `3.14.3`, `3.12.1-SNAPSHOT`: a digit first, a dot, nothing but printable ASCII.
fn is_version(v: &[u8]) -> bool {
    v.first().is_some_and(u8::is_ascii_digit)
        && v.contains(&b'.')
        && v.iter().all(u8::is_ascii_graphic)
}

impl Reader for BinaryLog {
    fn shards(&self) -> super::Shards {
        super::Shards::PerRequest
    }
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
    /// Bytes read from `r`, consumed up to `pos`, valid up to `end`: fields
    /// are taken from here directly (through `read_exact`, a few bytes at a
    /// time, a `memcpy` call each cost a fifth of the reader's instructions).
    block: Box<[u8]>,
    pos: usize,
    end: usize,
    buf: Vec<u8>,
    /// Cached strings; entry `n` is at `n - 1`.
    cache: Vec<Box<str>>,
    cache_bytes: usize,
}

/// The bytes a [`Decoder`] reads at a time.
const BLOCK: usize = 1 << 16;

impl<R: Read> Decoder<R> {
    fn new(r: R) -> Self {
        Decoder {
            r,
            at: 0,
            block: vec![0; BLOCK].into_boxed_slice(),
            pos: 0,
            end: 0,
            buf: Vec::new(),
            cache: Vec::new(),
            cache_bytes: 0,
        }
    }

    /// Reads the next bytes into the block, once every byte of it was
    /// taken (the only time it is called); false at the end of the file.
    fn refill(&mut self) -> Decoded<bool> {
        debug_assert_eq!(self.pos, self.end, "refilled with bytes left");
        self.pos = 0;
        self.end = 0;
        loop {
            match self.r.read(&mut self.block) {
                Ok(0) => return Ok(false),
                Ok(n) => {
                    self.end = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Fault::Io(e)),
            }
        }
    }

    fn exact(&mut self, out: &mut [u8]) -> Decoded<()> {
        let mut got = 0;
        while got < out.len() {
            if self.pos == self.end && !self.refill()? {
                return Err(Fault::Truncated);
            }
            let n = (out.len() - got).min(self.end - self.pos);
            out[got..got + n].copy_from_slice(&self.block[self.pos..self.pos + n]);
            self.pos += n;
            self.at += n as u64;
            got += n;
        }
        Ok(())
    }

    /// The next `N` bytes.
    #[inline]
    fn array<const N: usize>(&mut self) -> Decoded<[u8; N]> {
        if let Some(b) = self.block[self.pos..self.end].get(..N) {
            let a: [u8; N] = b.try_into().expect("N bytes");
            self.pos += N;
            self.at += N as u64;
            return Ok(a);
        }
        let mut a = [0u8; N];
        self.exact(&mut a)?;
        Ok(a)
    }

    /// The next record's tag, or `None` at the end of the file.
    fn tag(&mut self) -> Decoded<Option<u8>> {
        if self.pos == self.end && !self.refill()? {
            return Ok(None);
        }
        Ok(Some(self.array::<1>()?[0]))
    }

    fn byte(&mut self) -> Decoded<u8> {
        Ok(self.array::<1>()?[0])
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
        Ok(i32::from_be_bytes(self.array()?))
    }

    fn i64(&mut self) -> Decoded<i64> {
        Ok(i64::from_be_bytes(self.array()?))
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
    fn skip(&mut self, mut n: u64) -> Decoded<()> {
        while n > 0 {
            if self.pos == self.end && !self.refill()? {
                return Err(Fault::Truncated);
            }
            let k = n.min((self.end - self.pos) as u64) as usize;
            self.pos += k;
            self.at += k as u64;
            n -= k as u64;
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
                    format!(
                        "a string of {len} bytes (perfreport reads at most {MAX_STRING_BYTES})"
                    ),
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
        if version.len() > 40 || !is_version(version.as_bytes()) {
            return Err(Fault::Bad(
                1,
                format!("`{version}` is not a Gatling version"),
            ));
        }
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
    let clean = |c: char| {
        if matches!(c, '\n' | '\r' | '\t') {
            ' '
        } else {
            c
        }
    };
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

/// Distinct (groups, request) keys remembered; past them names are made
/// and looked up per request, as before.
const MAX_INTERNED: usize = 100_000;

/// What the records gave besides requests.
#[derive(Default)]
struct Tally {
    /// Endpoint indices by the cached strings naming them (groups, request).
    endpoints: HashMap<Vec<usize>, usize, crate::stats::samples::FxBuild>,
    key: Vec<usize>,
    records: u64,
    groups: u64,
    group_names: BTreeSet<usize>,
    errors: BTreeMap<usize, u64>,
    users: u32,
}

fn read_log(path: &Path, builder: &mut RunBuilder, opts: &ReadOptions) -> Result<(), InputError> {
    // Hashed as it is read: no second pass for the checksum.
    let digest = input::Digest::default();
    let mut d = Decoder::new(input::open_hashing(path, &digest)?);
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
        Err(Fault::Bad(at, m)) => {
            return Err(at_byte(
                at,
                &format!(
                    "{m}: not the Run record that starts the binary simulation.log of Gatling 3.13+ ({LAYOUT}). Read this run with the Gatling that wrote it (its HTML report), or give perfreport the report's js/stats.json if that Gatling wrote one (3.13.4 and older)"
                ),
            ))
        }
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
        let n = t.group_names.len();
        builder.note(format!(
            "The log's {} Gatling group records ({n} {}) time the requests inside them and are not counted as requests; a request in a group is named \"group / request\".",
            t.groups,
            if n == 1 { "group" } else { "groups" }
        ));
    }
    builder.note("Percentiles are computed from every response time in the log; Gatling's own report estimates them (t-digest, whole ms), so it can differ by a few ms.");
    // Read to its end (a log cut inside a record included): its digest.
    if let Some(hex) = digest.get() {
        builder.checksum(hex);
    }
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
    // In f64: a hostile start near i64::MAX must not overflow.
    let abs = |offset: i32| run.start_ms as f64 + f64::from(offset);
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
            // The endpoint by its cached strings' indices: its name is
            // made and looked up once, not per request.
            let key = &mut t.key;
            key.clear();
            key.extend_from_slice(groups);
            key.push(req);
            let idx = match t.endpoints.get(key.as_slice()) {
                Some(&i) => i,
                None => {
                    name.clear();
                    for g in groups.iter() {
                        name.push_str(&d.cache[*g]);
                        name.push_str(" / ");
                    }
                    name.push_str(&d.cache[req]);
                    let i = builder.endpoint_index("", name);
                    if t.endpoints.len() < MAX_INTERNED {
                        t.endpoints.insert(key.clone(), i);
                    }
                    i
                }
            };
            let error = (!ok)
                .then(|| d.cache[message].trim())
                .filter(|m| !m.is_empty());
            builder.record_at(
                idx,
                &Sample {
                    start_ms: Some(abs(start)),
                    latency_ms: Some(f64::from(end) - f64::from(start)),
                    method: "",
                    name: "",
                    ok,
                    status: error.and_then(gatling::status_in_message),
                    error,
                    users: None,
                    bytes: None,
                },
            );
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Percentile, Run, RunMeta};
    use std::collections::HashMap;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/gatling");

    /// Writes a log as Gatling's LogFileDataWriter does (gatling-core
    /// `stats/writer/LogFileDataWriter.scala`), from the layout alone.
    struct Writer {
        out: Vec<u8>,
        cache: HashMap<String, i32>,
    }

    impl Writer {
        fn new(version: &str, start_ms: i64, scenarios: &[&str], assertions: &[&[u8]]) -> Self {
            let mut w = Writer {
                out: vec![0],
                cache: HashMap::new(),
            };
            w.string(version);
            w.string("computerdatabase.BasicSimulation");
            w.out.extend(start_ms.to_be_bytes());
            w.string("nightly \t run");
            w.int(scenarios.len() as i32);
            for s in scenarios {
                w.string(s);
            }
            w.int(assertions.len() as i32);
            for a in assertions {
                w.int(a.len() as i32);
                w.out.extend(*a);
            }
            w
        }
        fn int(&mut self, v: i32) {
            self.out.extend(v.to_be_bytes());
        }
        /// Java's String internals: Latin-1 (coder 0) when every char fits, else UTF-16LE (coder 1).
        fn string(&mut self, s: &str) {
            if s.is_empty() {
                return self.int(0);
            }
            let (bytes, coder): (Vec<u8>, u8) = if s.chars().all(|c| (c as u32) < 256) {
                (s.chars().map(|c| c as u8).collect(), 0)
            } else {
                (s.encode_utf16().flat_map(u16::to_le_bytes).collect(), 1)
            };
            self.int(bytes.len() as i32);
            self.out.extend(bytes);
            self.out.push(coder);
        }
        fn cached(&mut self, s: &str) {
            match self.cache.get(s) {
                Some(n) => {
                    let n = -*n;
                    self.int(n)
                }
                None => {
                    let n = self.cache.len() as i32 + 1;
                    self.cache.insert(s.to_string(), n);
                    self.int(n);
                    self.string(s);
                }
            }
        }
        fn groups(&mut self, groups: &[&str]) {
            self.int(groups.len() as i32);
            for g in groups {
                self.cached(g);
            }
        }
        fn request(
            &mut self,
            groups: &[&str],
            name: &str,
            start: i32,
            end: i32,
            message: Option<&str>,
        ) {
            self.out.push(1);
            self.groups(groups);
            self.cached(name);
            self.int(start);
            self.int(end);
            self.out.push(u8::from(message.is_none()));
            self.cached(message.unwrap_or(""));
        }
        fn user(&mut self, scenario: i32, start: bool, at: i32) {
            self.out.push(2);
            self.int(scenario);
            self.out.push(u8::from(start));
            self.int(at);
        }
        fn group(&mut self, groups: &[&str], start: i32, end: i32, cumulated: i32, ok: bool) {
            self.out.push(3);
            self.groups(groups);
            self.int(start);
            self.int(end);
            self.int(cumulated);
            self.out.push(u8::from(ok));
        }
        fn error(&mut self, message: &str, at: i32) {
            self.out.push(4);
            self.cached(message);
            self.int(at);
        }
    }

    fn read_path(path: &Path, skip: bool) -> Result<Run, InputError> {
        let head = input::head(path)?;
        assert!(BinaryLog.sniff("simulation.log", &head), "sniffed");
        let mut b = RunBuilder::new();
        let opts = ReadOptions {
            skip_bad_rows: skip,
            ..ReadOptions::default()
        };
        BinaryLog.read(path, &mut b, &opts)?;
        // Hashed as it was read, cut logs included: no second pass.
        assert_eq!(
            b.take_checksum(),
            Some(super::super::checksum::file(path).unwrap())
        );
        Ok(b.build(RunMeta::default()).expect("builds"))
    }

    fn read_bytes(bytes: &[u8]) -> Result<Run, InputError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("simulation.log");
        std::fs::write(&path, bytes).unwrap();
        read_path(&path, false)
    }

    /// Nearest rank, by sorting: the test's own computation.
    fn nearest(values: &[f64], pct: f64) -> f64 {
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let rank = ((pct / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
        v[rank - 1]
    }

    fn pct(run_latency: &crate::model::LatencyStats, p: f64) -> f64 {
        run_latency
            .percentile(Percentile::from_percent(p).unwrap())
            .unwrap()
    }

    /// A histogram figure against an exact one: within 0.1 % (its precision).
    fn close(got: f64, want: f64, what: &str) {
        assert!(
            (got - want).abs() <= want * 0.001 + 0.001,
            "{what}: {got} vs {want}"
        );
    }

    /// Every record type, nested groups, cached strings, a Latin-1 and a
    /// UTF-16 name, KO messages, users of two scenarios.
    fn spec_log() -> (Vec<u8>, Vec<(String, f64, bool)>, u32) {
        let mut w = Writer::new(
            "3.14.3",
            1_730_757_531_501,
            &["Users", "Admins"],
            &[b"\x01\x02opaque"],
        );
        let names = ["Home", "Müller ✓ 東京", "Café", "Search\tpage"];
        let mut want = Vec::new();
        let (mut active, mut peak) = (0u32, 0u32);
        let mut seed = 7u64;
        for i in 0..400i32 {
            if i % 40 == 0 {
                w.user(i / 40 % 2, true, i * 10);
                active += 1;
                peak = peak.max(active);
            }
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let latency = 20 + (seed >> 33) as i32 % 900;
            let name = names[i as usize % names.len()];
            let groups: &[&str] = match i % 3 {
                0 => &[],
                1 => &["Login"],
                _ => &["Login", "Checkout ✓"],
            };
            let message = match i % 25 {
                0 => Some("status.find.in(200,304), found 500"),
                1 => Some("j.n.ConnectException: Connection refused"),
                _ => None,
            };
            w.request(groups, name, i * 10, i * 10 + latency, message);
            let shown = name.replace('\t', " ");
            let endpoint = groups.iter().map(|g| format!("{g} / ")).collect::<String>() + &shown;
            want.push((endpoint, f64::from(latency), message.is_none()));
            if i % 3 == 2 {
                w.group(
                    &["Login", "Checkout ✓"],
                    i * 10 - 5,
                    i * 10 + latency,
                    latency,
                    message.is_none(),
                );
                w.group(&["Login"], i * 10 - 6, i * 10 + latency + 1, latency, true);
            }
            if i % 100 == 50 {
                w.error(
                    "Failed to build request Home: No attribute named 'id' is defined",
                    i * 10,
                );
            }
            if i % 90 == 89 {
                w.user(0, false, i * 10 + 5);
                active -= 1;
            }
        }
        w.error("jsonPath($.id) crashed", 4000);
        (w.out, want, peak)
    }

    #[test]
    fn a_log_written_to_the_spec_reads_every_record() {
        let (bytes, want, peak) = spec_log();
        let run = read_bytes(&bytes).unwrap();
        assert_eq!(run.meta.tool, "gatling");
        assert_eq!(run.meta.tool_version.as_deref(), Some("3.14.3"));
        assert_eq!(run.totals.requests, want.len() as u64);
        let ko = want.iter().filter(|w| !w.2).count() as u64;
        assert_eq!(run.totals.failures, ko);
        assert_eq!(ko, 32);
        let all: Vec<f64> = want.iter().map(|w| w.1).collect();
        for p in [50.0, 90.0, 95.0, 99.0, 100.0] {
            close(
                pct(&run.totals.latency, p),
                nearest(&all, p),
                &format!("p{p}"),
            );
        }
        // Endpoints: one per group path and name, UTF-16 and Latin-1 names decoded, tabs made spaces.
        let mut by_name: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        for (n, l, _) in &want {
            by_name.entry(n).or_default().push(*l);
        }
        assert_eq!(run.endpoints.len(), by_name.len());
        assert_eq!(by_name.len(), 12);
        for e in &run.endpoints {
            let mine = by_name
                .get(e.name.as_str())
                .unwrap_or_else(|| panic!("{}", e.name));
            assert_eq!(e.requests, mine.len() as u64, "{}", e.name);
            close(pct(&e.latency, 95.0), nearest(mine, 95.0), &e.name);
        }
        assert!(run
            .endpoints
            .iter()
            .any(|e| e.name == "Login / Checkout ✓ / Müller ✓ 東京"));
        assert!(run.endpoints.iter().any(|e| e.name == "Search page"));
        // KO messages: grouped, the status check's status read.
        let with_500: u64 = run
            .failures
            .iter()
            .filter(|f| f.status == Some(500))
            .map(|f| f.occurrences)
            .sum();
        assert_eq!(with_500, 16);
        // Error records are test-code exceptions; group records are not requests.
        let mut ex: Vec<(u64, &str)> = run
            .exceptions
            .iter()
            .map(|e| (e.count, e.message.as_str()))
            .collect();
        ex.sort();
        assert_eq!(
            ex,
            [
                (1, "jsonPath($.id) crashed"),
                (
                    4,
                    "Failed to build request Home: No attribute named 'id' is defined"
                )
            ]
        );
        let notes = run.meta.reader_notes.join("\n");
        assert!(
            notes.contains("266 Gatling group records (2 groups)"),
            "{notes}"
        );
        assert!(notes.contains("scenarios Users, Admins"), "{notes}");
        assert!(notes.contains("Run description: nightly   run"), "{notes}");
        assert_eq!(run.meta.users_recorded, Some(u64::from(peak)));
        assert_eq!(run.meta.partial_reason, None);
        // Times are the run start plus each record's offset.
        assert_eq!(run.meta.started_at_s, Some(1_730_757_531.501));
    }

    #[test]
    fn a_log_cut_inside_a_record_keeps_the_whole_records() {
        let (bytes, want, _) = spec_log();
        // The last record is an Error (4 + 4 bytes + tag); before it, requests.
        let mut w = Writer::new("3.13.1", 0, &["S"], &[]);
        w.request(&[], "a", 0, 10, None);
        w.request(&["g"], "b", 5, 25, None);
        let whole = w.out.len();
        w.request(&["g"], "Ünïcode ✓", 30, 70, Some("boom"));
        let full = w.out.clone();
        assert_eq!(read_bytes(&full).unwrap().totals.requests, 3);
        for cut in whole + 1..full.len() {
            let run = read_bytes(&full[..cut]).unwrap();
            assert_eq!(run.totals.requests, 2, "cut at {cut}");
            let reason = run.meta.partial_reason.unwrap();
            assert!(
                reason.contains(&format!("inside a record at byte {whole}"))
                    && reason.contains("the 2 whole records"),
                "{reason}"
            );
        }
        // Cut at a record boundary: a clean end, not partial.
        let run = read_bytes(&full[..whole]).unwrap();
        assert_eq!((run.totals.requests, run.meta.partial_reason), (2, None));
        // The big log, cut in its last record (an Error): every request read.
        let run = read_bytes(&bytes[..bytes.len() - 1]).unwrap();
        assert_eq!(run.totals.requests, want.len() as u64);
        assert_eq!(
            run.exceptions.len(),
            1,
            "the cut Error record is not counted"
        );
        assert!(run.meta.partial_reason.is_some());
        // Cut inside the Run record: nothing to read.
        let e = read_bytes(&full[..20]).unwrap_err();
        assert!(e.message.contains("inside its first record"), "{e}");
    }

    /// `bytes` with the `i32` at `at` replaced.
    fn patch(bytes: &[u8], at: usize, v: i32) -> Vec<u8> {
        let mut b = bytes.to_vec();
        b[at..at + 4].copy_from_slice(&v.to_be_bytes());
        b
    }

    #[test]
    fn hostile_lengths_are_refused_at_their_byte_without_allocating() {
        let mut w = Writer::new("3.14.3", 0, &["S"], &[]);
        let run_len = w.out.len();
        w.request(&["g"], "name", 0, 10, None);
        let ok = w.out.clone();
        // Record layout after `run_len`: tag, i32 group count, i32 cache idx, i32 len "g" ...
        let groups_at = run_len + 1;
        let first_string_at = groups_at + 8;
        let cases: Vec<(Vec<u8>, usize, &str)> = vec![
            (
                patch(&ok, first_string_at, i32::MAX),
                first_string_at,
                "a string of 2147483647 bytes",
            ),
            (
                patch(&ok, first_string_at, -5),
                first_string_at,
                "a string of -5 bytes",
            ),
            (
                patch(&ok, groups_at, i32::MAX),
                groups_at,
                "2147483647 nested groups",
            ),
            (
                patch(&ok, groups_at + 4, 9),
                groups_at + 4,
                "defines cached string 9 where 1 was next",
            ),
            (
                patch(&ok, groups_at + 4, -3),
                groups_at + 4,
                "refers to cached string 3",
            ),
            (
                patch(&ok, groups_at + 4, i32::MIN),
                groups_at + 4,
                "refers to cached string 2147483648",
            ),
            // The version string's length in the Run record.
            (patch(&ok, 1, 1 << 30), 1, "a string of 1073741824 bytes"),
        ];
        for (bytes, at, what) in cases {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("simulation.log");
            std::fs::write(&path, &bytes).unwrap();
            let mut b = RunBuilder::new();
            let e = BinaryLog
                .read(
                    &path,
                    &mut b,
                    &ReadOptions {
                        skip_bad_rows: true,
                        ..ReadOptions::default()
                    },
                )
                .unwrap_err();
            let text = e.to_string();
            assert!(
                text.contains(&format!("simulation.log: byte {at}: {what}")),
                "{text}"
            );
        }
        // A bad coder byte, an unknown tag, a second Run record.
        let mut bad = ok.clone();
        let coder_at = first_string_at + 4 + 1;
        bad[coder_at] = 7;
        let e = read_bytes(&bad).unwrap_err().to_string();
        assert!(
            e.contains(&format!("byte {first_string_at}: a string with coder 7")),
            "{e}"
        );
        for tag in [0u8, 5, 0xff] {
            let mut more = ok.clone();
            more.push(tag);
            let e = read_bytes(&more).unwrap_err().to_string();
            assert!(
                e.contains(&format!(
                    "byte {}: a record with tag {tag}, not 1 to 4",
                    ok.len()
                )) && e.contains("Gatling 3.14.3"),
                "{e}"
            );
        }
        // Too many scenarios, assertions, assertion bytes: refused before reading them.
        let mut w = Writer::new("3.14.3", 0, &[], &[]);
        let scen_at = w.out.len() - 8;
        w.out.truncate(scen_at);
        w.int(1 << 30);
        let e = read_bytes(&w.out).unwrap_err().to_string();
        assert!(
            e.contains(&format!("byte {scen_at}: 1073741824 scenarios")),
            "{e}"
        );
        let mut w = Writer::new("3.14.3", 0, &[], &[]);
        w.out.truncate(w.out.len() - 4);
        let n_at = w.out.len();
        w.int(1);
        w.int(i32::MAX);
        let e = read_bytes(&w.out).unwrap_err().to_string();
        assert!(
            e.contains(&format!(
                "byte {}: 2147483647 bytes of an assertion",
                n_at + 4
            )),
            "{e}"
        );
    }

    #[test]
    fn values_that_make_no_sense_are_bad_rows() {
        let mut w = Writer::new("3.14.3", 0, &["S"], &[]);
        w.request(&[], "a", 100, 50, None);
        w.user(3, true, 10);
        w.request(&[], "a", 100, 150, None);
        let e = read_bytes(&w.out).unwrap_err().to_string();
        assert!(
            e.contains("Request record: the request ends (50 ms) before it starts (100 ms)"),
            "{e}"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("simulation.log");
        std::fs::write(&path, &w.out).unwrap();
        let run = read_path(&path, true).unwrap();
        assert_eq!(run.totals.requests, 1);
        assert_eq!(run.meta.skipped_rows, 2);
        assert!(run.meta.skipped_examples[1]
            .contains("User record: scenario 3, but the Run record lists 1"));
    }

    #[test]
    fn gatlings_own_test_log_gives_the_figures_its_test_suite_expects() {
        // gatling-charts LogFileReaderSpec: min 87, max 368, p0 87, p70 113,
        // p99 = p100 = 368; 104 OK and 1 KO, every OK one under 800 ms.
        let run = read_path(
            Path::new(&format!("{FIXTURES}/known-stats-3.12.1/simulation.log")),
            false,
        )
        .unwrap();
        let t = &run.totals;
        assert_eq!((t.requests, t.failures), (105, 1));
        assert_eq!(
            (t.latency.min_ms, t.latency.max_ms),
            (Some(87.0), Some(368.0))
        );
        close(pct(&t.latency, 70.0), 113.0, "p70");
        close(pct(&t.latency, 99.0), 368.0, "p99");
        close(pct(&t.latency, 100.0), 368.0, "p100");
        close(pct(&t.latency, 0.0), 87.0, "p0");
        // The fixture README's nearest-rank P50 and P95.
        close(pct(&t.latency, 50.0), 106.0, "p50");
        close(pct(&t.latency, 95.0), 303.0, "p95");
        assert_eq!(run.endpoints.len(), 11);
        let ok_max = run
            .endpoints
            .iter()
            .filter_map(|e| e.latency.max_ms)
            .fold(0.0, f64::max);
        assert!(ok_max < 800.0);
        assert_eq!(run.failures.len(), 1);
        assert_eq!(run.failures[0].name, "Post Redirect 1");
        assert_eq!(run.meta.tool_version.as_deref(), Some("3.12.1"));
        let notes = run.meta.reader_notes.join("\n");
        assert!(
            notes.contains(
                "simulation computerdatabase.ComputerDatabaseSimulation, scenarios Users, Admins."
            ),
            "{notes}"
        );
    }

    #[test]
    fn taurus_logs_of_gatling_3_14_read() {
        // Figures from decoding them by the layout (the fixture README):
        // 25 requests under `HttpBin Group`, 7 group records, P50 128, P95 1,806.
        let run = read_path(
            Path::new(&format!("{FIXTURES}/binary-3.14.3/simulation.log")),
            false,
        )
        .unwrap();
        assert_eq!((run.totals.requests, run.totals.failures), (25, 0));
        close(pct(&run.totals.latency, 50.0), 128.0, "p50");
        close(pct(&run.totals.latency, 95.0), 1806.0, "p95");
        assert_eq!(
            (run.totals.latency.min_ms, run.totals.latency.max_ms),
            (Some(111.0), Some(3209.0))
        );
        let mut names: Vec<&str> = run.endpoints.iter().map(|e| e.name.as_str()).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "HttpBin Group / Delayed GET",
                "HttpBin Group / First GET",
                "HttpBin Group / Second GET"
            ]
        );
        assert!(run
            .meta
            .reader_notes
            .iter()
            .any(|n| n.contains("7 Gatling group records (1 group)")));
        let run = read_path(
            Path::new(&format!("{FIXTURES}/binary-recorded-3.14.3/simulation.log")),
            false,
        )
        .unwrap();
        assert_eq!((run.totals.requests, run.endpoints.len()), (39, 9));
        close(pct(&run.totals.latency, 50.0), 224.0, "p50");
        close(pct(&run.totals.latency, 95.0), 452.0, "p95");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Any bytes after a valid Run record, or a valid log with bytes
        /// changed: an answer (figures or an error), never a panic.
        #[test]
        fn any_bytes_give_an_answer_not_a_panic(
            tail in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400),
            flips in proptest::collection::vec((0usize..4000, proptest::prelude::any::<u8>()), 1..6),
        ) {
            let mut w = Writer::new("3.14.3", i64::MAX - 5, &["S"], &[]);
            w.out.extend(&tail);
            let read_any = |bytes: &[u8]| {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("simulation.log");
                std::fs::write(&path, bytes).unwrap();
                let mut b = RunBuilder::new();
                if BinaryLog.read(&path, &mut b, &ReadOptions::default()).is_ok() {
                    let _ = b.build(RunMeta::default());
                }
            };
            read_any(&w.out);
            let (mut bytes, _, _) = spec_log();
            for (at, b) in flips {
                let i = at % bytes.len();
                bytes[i] = b;
            }
            read_any(&bytes);
        }
    }

    #[test]
    fn sniffs_binary_logs_only() {
        let log = BinaryLog;
        assert!(log.sniff("x.bin", b"\0\0\0\0\x063.14.3\0\0\0\0&com.example"));
        assert_eq!(version_in(b"\0\0\0\0\x063.14.3\0"), Some("3.14.3"));
        // UTF-16 version string, or no coder: not a Run record.
        assert!(!log.sniff("x.bin", b"\0\0\0\0\x063.14.3\x01"));
        assert!(!log.sniff("x.log", b"RUN\tc.Sim\tsim\t1693110642715\t \t3.6.1\n"));
        assert!(!log.sniff("x.log", b"\0\0\0\0"));
        // A simulation.log of another binary layout: claimed, then refused.
        assert!(log.sniff("simulation.log", b"\x07\0\0\x01garbage"));
        assert!(!log.sniff("simulation.log", b"RUN\tc\0"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("simulation.log");
        std::fs::write(&path, b"\x07\0\0\x01garbage").unwrap();
        let e = BinaryLog
            .read(&path, &mut RunBuilder::new(), &ReadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("byte 0: the first record has tag 7, not 0 (Run): not the Run record that starts the binary simulation.log of Gatling 3.13+"),
            "{e}"
        );
    }
}
