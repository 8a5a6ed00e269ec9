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
use super::chunked::{self, ChunkParser, ChunkSink, Sink, Stop};
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
        if !opts.no_fast_path {
            let make = || VegetaChunk::new(path, opts);
            let chunks = chunked::parse_path(path, 0, opts, builder, make)?;
            if let Some(chunks) = chunks {
                let any = chunks.iter().any(|c| c.parser.any);
                chunked::merge(chunks, 1, builder)?;
                if !any {
                    return Err(InputError::new(path, "the file is empty"));
                }
                return Ok(());
            }
        }
        let mut any = false;
        for (i, line) in input::open(path)?.split(b'\n').enumerate() {
            let bytes = line.map_err(|e| InputError::new(path, format!("cannot read: {e}")))?;
            any |= general_line(path, i as u64 + 1, &bytes, builder, opts)?;
        }
        if !any {
            return Err(InputError::new(path, "the file is empty"));
        }
        Ok(())
    }
}

/// One line (`line_no` counts from 1) read with serde_json, as every line
/// was before the fast path; false when it is blank.
fn general_line(
    path: &Path,
    line_no: u64,
    bytes: &[u8],
    sink: &mut impl Sink,
    opts: &ReadOptions,
) -> Result<bool, InputError> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}').trim();
    if text.is_empty() {
        return Ok(false);
    }
    if let Err(e) = record(path, line_no, text, sink, opts) {
        sink.bad_row(e, opts.skip_bad_rows)?;
    }
    Ok(true)
}

fn record(
    path: &Path,
    line_no: u64,
    text: &str,
    sink: &mut impl Sink,
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
    sink.record(&Sample {
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

// ------------------------------------------------------------- fast path

/// Distinct (method, URL) pairs remembered per chunk.
const MAX_INTERNED: usize = 10_000;

/// The fast path over a range of lines: each line in the layout
/// [`plain_line`] reads is recorded from its bytes, with its endpoint found
/// by its raw method and URL; any other line (other number or time forms, a
/// field twice, invalid UTF-8 in a string used, a bad line) goes through
/// [`general_line`], so both paths give the same figures and the same errors.
struct VegetaChunk<'a> {
    path: &'a Path,
    opts: &'a ReadOptions,
    newlines: u64,
    /// A line that is not blank was met.
    any: bool,
    names: chunked::Names,
    /// The length of the method (8 bytes), the method and the URL of the line being read.
    key: Vec<u8>,
    /// The line's strings that held escapes, decoded ([`Span::Decoded`]).
    decoded: Vec<u8>,
}

impl<'a> VegetaChunk<'a> {
    fn new(path: &'a Path, opts: &'a ReadOptions) -> Self {
        VegetaChunk {
            path,
            opts,
            newlines: 0,
            any: false,
            names: chunked::Names::default(),
            key: Vec::new(),
            decoded: Vec::new(),
        }
    }

    /// One line (`line_no` counts from 1 at the range's start).
    #[inline]
    fn line(&mut self, raw: &[u8], line_no: u64, sink: &mut ChunkSink) -> Result<(), InputError> {
        let t = raw.trim_ascii();
        if t.is_empty() {
            return Ok(());
        }
        if let Some(f) = plain_line(t, &mut self.decoded) {
            if self.fast(t, &f, sink) {
                self.any = true;
                return Ok(());
            }
        }
        self.any |= general_line(self.path, line_no, raw, sink, self.opts)?;
        Ok(())
    }

    /// Records a line read by [`plain_line`] from `t` as [`record`] would;
    /// false (nothing recorded) when its time is not in the one form
    /// [`chunked::rfc3339`] reads or a string it uses is not UTF-8.
    #[inline]
    fn fast(&mut self, t: &[u8], f: &Fields, sink: &mut ChunkSink) -> bool {
        let text = |s: Span| s.bytes(t, &self.decoded);
        let Some((secs, nanos)) = chunked::rfc3339(text(f.timestamp)) else {
            return false;
        };
        // As [`rfc3339_ms`] computes it.
        let start_ms = secs as f64 * 1000.0 + f64::from(nanos) / 1e6;
        let status = (f.code != 0).then_some(f.code);
        let ok = status.is_some_and(|s| s < 400);
        let error = match f.error.map(text) {
            Some(e) if !e.is_empty() && !ok => match std::str::from_utf8(e) {
                Ok(e) => Some(e),
                Err(_) => return false,
            },
            _ => None,
        };
        let method = f.method.map_or(&b""[..], text);
        let url = f.url.map_or(&b""[..], text);
        self.key.clear();
        self.key
            .extend_from_slice(&(method.len() as u64).to_le_bytes());
        self.key.extend_from_slice(method);
        self.key.extend_from_slice(url);
        // The name matters only the first time: the endpoint index stands for it.
        let idx = match self.names.get(&self.key) {
            Some(i) => i,
            None => {
                let (Ok(method), Ok(url)) = (std::str::from_utf8(method), std::str::from_utf8(url))
                else {
                    return false;
                };
                let name = if url.is_empty() {
                    ALL_REQUESTS.to_string()
                } else {
                    self.opts.naming.name(url)
                };
                let i = sink.stats.endpoint(method, &name);
                self.names.insert(&self.key, i, MAX_INTERNED);
                i
            }
        };
        sink.stats.record_at(
            idx,
            &Sample {
                start_ms: Some(start_ms),
                latency_ms: status.map(|_| f.latency as f64 / 1e6),
                method: "",
                name: "",
                ok,
                status,
                error,
                users: None,
                bytes: status.and(f.bytes_in),
            },
        );
        true
    }
}

impl ChunkParser for VegetaChunk<'_> {
    fn parse(
        &mut self,
        buf: &[u8],
        limit: usize,
        eof: bool,
        sink: &mut ChunkSink,
    ) -> Result<usize, Stop> {
        let mut at = 0;
        while at < limit {
            let Some((line, next)) = chunked::next_line(buf, at, eof) else {
                break;
            };
            self.line(line, self.newlines + 1, sink)?;
            self.newlines += u64::from(buf[next - 1] == b'\n');
            at = next;
        }
        Ok(at)
    }

    fn newlines(&self) -> u64 {
        self.newlines
    }
}

/// Where a string value is: its bytes in the line (no escapes), or its
/// decoded text in the line's buffer of decoded strings.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Span {
    Line(usize, usize),
    Decoded(usize, usize),
}

impl Span {
    /// The string's bytes, from the line `t` or from `decoded`.
    #[inline]
    fn bytes<'b>(self, t: &'b [u8], decoded: &'b [u8]) -> &'b [u8] {
        match self {
            Span::Line(from, to) => &t[from..to],
            Span::Decoded(from, to) => &decoded[from..to],
        }
    }
}

/// The fields of one line, as serde_json reads them into [`Line`].
#[derive(Debug, PartialEq)]
struct Fields {
    code: u16,
    timestamp: Span,
    latency: u64,
    bytes_in: Option<u64>,
    error: Option<Span>,
    method: Option<Span>,
    url: Option<Span>,
}

/// Reads `t` (a line without the ASCII white space around it) when it is
/// plainly one JSON object that serde_json reads into [`Line`], and gives
/// the same fields: keys in any order, any other keys with any values
/// (nested up to [`MAX_DEPTH`]), JSON white space, strings with escapes
/// (decoded into `decoded` when used; `\u` escapes of surrogates are left
/// to serde_json), integers without sign, leading zeros, fraction or
/// exponent, of at most 18 digits. `None` for anything else (for
/// serde_json to read or refuse), including a field read twice. The bytes
/// of the strings are as they are: the caller checks that those it uses are
/// UTF-8 (the general reader replaces invalid bytes, which changes no quote
/// or backslash).
fn plain_line(t: &[u8], decoded: &mut Vec<u8>) -> Option<Fields> {
    decoded.clear();
    let mut s = Scan {
        b: t,
        at: 0,
        decoded,
    };
    s.eat(b'{')?;
    let mut code = None;
    let mut timestamp = None;
    let mut latency = None;
    let mut bytes_in = None;
    let mut error = None;
    let mut method = None;
    let mut url = None;
    s.ws();
    if s.eat(b'}').is_none() {
        loop {
            s.ws();
            s.eat(b'"')?;
            let key = s.string(false)?;
            s.ws();
            s.eat(b':')?;
            s.ws();
            let Span::Line(from, to) = key else {
                // An escape in a key: it may spell one of the fields.
                return None;
            };
            match &t[from..to] {
                b"code" => once(&mut code, u16::try_from(s.uint()?).ok()?)?,
                b"timestamp" => {
                    s.eat(b'"')?;
                    once(&mut timestamp, s.string(true)?)?;
                }
                b"latency" => once(&mut latency, s.uint()?)?,
                b"bytes_in" => {
                    let v = if s.null() { None } else { Some(s.uint()?) };
                    once(&mut bytes_in, v)?;
                }
                b"error" => once(&mut error, s.text_or_null()?)?,
                b"method" => once(&mut method, s.text_or_null()?)?,
                b"url" => once(&mut url, s.text_or_null()?)?,
                _ => s.skip_value(0)?,
            }
            s.ws();
            match s.next()? {
                b',' => {}
                b'}' => break,
                _ => return None,
            }
        }
    }
    s.ws();
    (s.at == t.len()).then_some(())?;
    Some(Fields {
        code: code?,
        timestamp: timestamp?,
        latency: latency?,
        bytes_in: bytes_in.flatten(),
        error: error.flatten(),
        method: method.flatten(),
        url: url.flatten(),
    })
}

/// Sets `slot` to `v` unless it was set before (serde_json refuses a field read twice).
#[inline]
fn once<T>(slot: &mut Option<T>, v: T) -> Option<()> {
    slot.replace(v).is_none().then_some(())
}

/// How deep values nested in keys perfreport does not read are followed (serde_json: 128).
const MAX_DEPTH: u32 = 16;

/// A position in a line read by [`plain_line`].
struct Scan<'a, 'd> {
    b: &'a [u8],
    at: usize,
    /// Where strings with escapes are decoded.
    decoded: &'d mut Vec<u8>,
}

impl Scan<'_, '_> {
    /// Steps over JSON white space.
    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.at) {
            self.at += 1;
        }
    }

    /// Steps over `c`, which must come next.
    #[inline]
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.b.get(self.at) == Some(&c)).then(|| self.at += 1)
    }

    /// The next byte, stepped over.
    #[inline]
    fn next(&mut self) -> Option<u8> {
        let c = *self.b.get(self.at)?;
        self.at += 1;
        Some(c)
    }

    /// Steps over `null` when it comes next.
    #[inline]
    fn null(&mut self) -> bool {
        let yes = self.b[self.at..].starts_with(b"null");
        if yes {
            self.at += 4;
        }
        yes
    }

    /// A string whose opening quote was stepped over, to its closing quote
    /// (stepped over too); with escapes, decoded when `keep` (else only
    /// checked). `None` at a control character, an escape JSON does not
    /// have, or a `\u` escape of a surrogate.
    #[inline]
    fn string(&mut self, keep: bool) -> Option<Span> {
        let from = self.at;
        let mut end = string_end(self.b, from)?;
        if self.b[end] == b'"' {
            self.at = end + 1;
            return Some(Span::Line(from, end));
        }
        let start = self.decoded.len();
        let mut seg = from;
        loop {
            if keep {
                self.decoded.extend_from_slice(&self.b[seg..end]);
            }
            if self.b[end] == b'"' {
                self.at = end + 1;
                return Some(Span::Decoded(start, self.decoded.len()));
            }
            let c = match *self.b.get(end + 1)? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    let hex = self.b.get(end + 2..end + 6)?;
                    if !hex.iter().all(u8::is_ascii_hexdigit) {
                        return None;
                    }
                    let v = hex
                        .iter()
                        .fold(0, |v, &h| v * 16 + (h as char).to_digit(16).unwrap_or(0));
                    end += 4;
                    // A surrogate (paired or not): serde_json's to read or refuse.
                    char::from_u32(v)?
                }
                _ => return None,
            };
            if keep {
                let mut utf8 = [0; 4];
                self.decoded
                    .extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            }
            seg = end + 2;
            end = string_end(self.b, seg)?;
        }
    }

    /// A string value (its opening quote next) or `null`.
    #[inline]
    fn text_or_null(&mut self) -> Option<Option<Span>> {
        if self.null() {
            return Some(None);
        }
        self.eat(b'"')?;
        self.string(true).map(Some)
    }

    /// A number with no sign, leading zero, fraction or exponent, of at most 18 digits.
    #[inline]
    fn uint(&mut self) -> Option<u64> {
        let from = self.at;
        while self.b.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
        let digits = &self.b[from..self.at];
        if digits.len() > 1 && digits[0] == b'0' {
            return None;
        }
        chunked::digits(digits)
    }

    /// Steps over any JSON value (nested at most [`MAX_DEPTH`] deep).
    fn skip_value(&mut self, depth: u32) -> Option<()> {
        match *self.b.get(self.at)? {
            b'"' => {
                self.at += 1;
                self.string(false)?;
            }
            b'-' => {
                self.at += 1;
                self.uint()?;
            }
            b'0'..=b'9' => {
                self.uint()?;
            }
            b'n' => self.literal(b"null")?,
            b't' => self.literal(b"true")?,
            b'f' => self.literal(b"false")?,
            open @ (b'{' | b'[') if depth < MAX_DEPTH => {
                let close = if open == b'{' { b'}' } else { b']' };
                self.at += 1;
                self.ws();
                if self.eat(close).is_some() {
                    return Some(());
                }
                loop {
                    self.ws();
                    if open == b'{' {
                        self.eat(b'"')?;
                        self.string(false)?;
                        self.ws();
                        self.eat(b':')?;
                        self.ws();
                    }
                    self.skip_value(depth + 1)?;
                    self.ws();
                    match self.next()? {
                        b',' => {}
                        c if c == close => break,
                        _ => return None,
                    }
                }
            }
            _ => return None,
        }
        Some(())
    }

    /// Steps over `lit`, which must come next.
    #[inline]
    fn literal(&mut self, lit: &[u8]) -> Option<()> {
        self.b[self.at..]
            .starts_with(lit)
            .then(|| self.at += lit.len())
    }
}

/// The first `"` or `\` of the string going on at `b[from]`; `None` at a
/// control character first (or neither). 16 bytes at a time: vegeta
/// writes each response body (base64) into its line.
#[inline]
fn string_end(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    #[cfg(target_arch = "x86_64")]
    while i + 16 <= b.len() {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of x86_64; the unaligned load reads b[i..i + 16].
        let stop = unsafe {
            let v = _mm_loadu_si128(b.as_ptr().add(i).cast());
            let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
            let escape = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
            // c <= 0x1f (unsigned) exactly when min(c, 0x1f) == c.
            let control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
            _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, escape), control)) as u32
        };
        if stop != 0 {
            let k = i + stop.trailing_zeros() as usize;
            return (b[k] >= 0x20).then_some(k);
        }
        i += 16;
    }
    let k = i + b[i..]
        .iter()
        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
    (b[k] >= 0x20).then_some(k)
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

    /// A line's fields, owned: code, timestamp, latency, bytes_in, error, method, url.
    type Owned = (
        u16,
        String,
        u64,
        Option<u64>,
        Option<String>,
        Option<String>,
        Option<String>,
    );

    /// What serde_json makes of a line, as the general reader reads it.
    fn by_serde(t: &[u8]) -> Option<Owned> {
        let text = String::from_utf8_lossy(t);
        let l: Line = serde_json::from_str(text.trim_start_matches('\u{feff}').trim()).ok()?;
        Some((
            l.code,
            l.timestamp,
            l.latency,
            l.bytes_in,
            l.error,
            l.method,
            l.url,
        ))
    }

    /// `plain_line` reads `t` as serde_json does, or leaves it to it (true
    /// when it reads it; the strings used must be UTF-8, as the fast path
    /// checks before it takes a line).
    fn agrees(t: &[u8]) -> bool {
        let t = t.trim_ascii();
        let mut decoded = Vec::new();
        let Some(f) = plain_line(t, &mut decoded) else {
            return false;
        };
        let text = |s: Span| std::str::from_utf8(s.bytes(t, &decoded)).map(str::to_string);
        let strings = (
            text(f.timestamp),
            f.error.map(text).transpose(),
            f.method.map(text).transpose(),
            f.url.map(text).transpose(),
        );
        let (Ok(timestamp), Ok(error), Ok(method), Ok(url)) = strings else {
            return false;
        };
        let fast = (f.code, timestamp, f.latency, f.bytes_in, error, method, url);
        assert_eq!(
            by_serde(t).as_ref(),
            Some(&fast),
            "{:?}",
            String::from_utf8_lossy(t)
        );
        true
    }

    const LINE: &str = r#"{"attack":"a","seq":12,"code":200,"timestamp":"2026-11-23T11:30:00.000123456Z","latency":12500000,"bytes_out":0,"bytes_in":3861,"error":"","body":"eyJpZCI6MX0=","method":"GET","url":"http://127.0.0.1:8089/v1/deployments","headers":{"Content-Type":["application/json"],"Date":["Mon, 23 Nov 2026 11:30:00 GMT"]}}"#;

    #[test]
    fn plain_lines_read_like_serde_and_anything_else_goes_to_it() {
        let read = [
            LINE,
            r#"{"code":0,"timestamp":"2026-11-23T14:30:00.5+03:00","latency":30000000000,"error":"timeout","url":"http://h/x"}"#,
            r#" { "url" : "http://h/café" , "latency" : 1 , "code" : 404 , "timestamp" : "2026-11-23T11:30:00Z" , "bytes_in" : null , "seq" : -0 , "x" : [ ] , "y" : { } , "z" : [ true , false , null , [ 1 , { "a" : "b" } ] ] } "#,
            r#"{"code":65535,"timestamp":"2026-11-23T11:30:00Z","latency":999999999999999999,"method":null,"error":null,"url":null}"#,
            r#"{"attack":"a","attack":"b","code":200,"timestamp":"2026-11-23T11:30:00Z","latency":0}"#,
            "{\"code\":200,\r\"timestamp\":\"2026-11-23T11:30:00Z\",\t\"latency\":5,\"body\":\"caf\u{e9} \u{1F600}\"}",
        ];
        for l in read {
            assert!(agrees(l.as_bytes()), "{l}");
        }
        // Escapes JSON has, in strings used or not.
        for (from, to) in [
            ("http://127.0.0.1:8089/v1", r"http:\/\/127.0.0.1:8089\/v1"),
            ("/deployments", r"/dep\u006Coyments?a=1\u0026b=\u00e9\u4e2d"),
            ("eyJpZCI6MX0=", r#"a\nb\\c\"d\t\r\b\f\u0000"#),
            ("\"error\":\"\"", r#""error":"Get \"http://h\": EOF""#),
            ("\"GET\"", r#""G\u0045T""#),
            ("\"Content-Type\"", r#""Content\/Type""#),
        ] {
            let l = LINE.replace(from, to);
            assert!(l != LINE, "{from}");
            assert!(agrees(l.as_bytes()), "{l}");
        }
        // Invalid UTF-8 in a string not used: replaced by the general reader, no figure changes.
        let mut bytes = LINE.replace("eyJpZCI6MX0=", "\u{1}").into_bytes();
        let at = bytes.iter().position(|&b| b == 1).unwrap();
        bytes[at] = 0xff;
        assert!(agrees(&bytes));
        let left = [
            // Escapes JSON lacks, surrogates, an escaped key; another
            // number or time form, a field twice.
            LINE.replace("eyJpZCI6MX0=", r"a\xb"),
            LINE.replace("eyJpZCI6MX0=", r"a\u00zzb"),
            LINE.replace("eyJpZCI6MX0=", r"a\u+0ffb"),
            LINE.replace("eyJpZCI6MX0=", r"\ud83d\ude00"),
            LINE.replace("/deployments", r"/\ud83d\ude00"),
            LINE.replace("eyJpZCI6MX0=", r"a\"),
            LINE.replace("\"code\"", r#""c\u006fde""#),
            LINE.replace("\"seq\":12", "\"seq\":1e3"),
            LINE.replace("\"seq\":12", "\"seq\":1.5"),
            LINE.replace("\"seq\":12", "\"seq\":012"),
            LINE.replace("\"seq\":12", "\"seq\":123456789012345678901234"),
            LINE.replace("\"code\":200", "\"code\":200.0"),
            LINE.replace("\"code\":200", "\"code\":70000"),
            LINE.replace("\"code\":200", "\"code\":\"200\""),
            LINE.replace("\"code\":200", "\"code\":null"),
            LINE.replace("\"latency\":12500000", "\"latency\":-1"),
            LINE.replace("\"latency\":12500000", "\"latency\":1e7"),
            LINE.replace("\"latency\":12500000", "\"latency\":12345678901234567890"),
            LINE.replace("\"bytes_in\":3861", "\"bytes_in\":\"3861\""),
            LINE.replace("\"url\":", "\"url\":\"x\",\"url\":"),
            LINE.replace("\"code\":200,", ""),
            LINE.replace("\"timestamp\":\"2026-11-23T11:30:00.000123456Z\",", ""),
            LINE.replace("\"latency\":12500000,", ""),
            LINE.replace("\"method\":\"GET\"", "\"method\":1"),
            LINE.replace("\"url\":\"http", "\"url\":\"\u{1}http"),
            LINE.replace(
                "\"headers\":",
                "\"headers\":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]],\"h\":",
            ),
            LINE.replace("\"headers\":{", "\"headers\":{,"),
            LINE.replace("}}", "},}"),
            format!("{LINE},"),
            format!("{LINE}{{}}"),
            format!("\u{feff}{LINE}"),
            format!("[{LINE}]"),
            "{}".to_string(),
            "{".to_string(),
            String::new(),
        ];
        for l in &left {
            assert!(!agrees(l.as_bytes()), "{l}");
        }
        // Invalid UTF-8 in a used string: the general reader reads it replaced.
        let mut bytes = LINE.as_bytes().to_vec();
        let at = LINE.find("8089").unwrap();
        bytes[at] = 0xff;
        assert!(!agrees(&bytes));
    }

    #[test]
    fn mutated_lines_are_read_as_serde_reads_them_or_left_to_it() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let swaps = b"{}[]\":,\\ 0-9e.\x01\xff\ntnf";
        let mut fast = 0;
        for _ in 0..20_000 {
            let mut b = LINE.as_bytes().to_vec();
            for _ in 0..1 + next(3) {
                let at = next(b.len());
                match next(3) {
                    0 => b[at] = swaps[next(swaps.len())],
                    1 => {
                        b.remove(at);
                    }
                    _ => b.insert(at, swaps[next(swaps.len())]),
                }
            }
            fast += usize::from(agrees(&b));
        }
        // Mutations inside unused strings and values stay on the fast path.
        assert!(fast > 700, "{fast}");
    }

    /// vegeta lines of every shape: its own layout with bodies and headers,
    /// the layout before methods and URLs, other key orders, white space,
    /// escapes, UTF-8, other time forms, code 0, blank lines, CRLF.
    pub(crate) fn lines(n: usize, bad_line_at: Option<usize>) -> Vec<u8> {
        let mut out = Vec::new();
        for i in 0..n {
            let time = match i % 9 {
                0 => format!("2026-11-23T11:{:02}:{:02}Z", (i / 60) % 60, i % 60),
                1 => format!(
                    "2026-11-23T14:{:02}:{:02}.{}+03:00",
                    (i / 60) % 60,
                    i % 60,
                    1 + i * 7919 % 9_999_999
                ),
                2 => format!("2026-11-23t11:{:02}:{:02}.5z", (i / 60) % 60, i % 60),
                3 => format!(
                    "2026-11-23T11:{:02}:{:02}.123456789-00:30",
                    (i / 60) % 60,
                    i % 60
                ),
                _ => format!(
                    "2026-11-23T11:{:02}:{:02}.{:09}Z",
                    (i / 60) % 60,
                    i % 60,
                    i * 104_729 % 1_000_000_000
                ),
            };
            let code = match i % 23 {
                0 => 0,
                1 => 500,
                2 => 404,
                3 => 302,
                _ => 200,
            };
            let error = match code {
                0 => r#"Get \"http://h/v1\": context deadline exceeded"#,
                500 => "500 Internal Server Error",
                404 => "404 Not Found",
                _ => "",
            };
            let url = match i % 7 {
                0 => format!("http://h/v1/items/{}", i % 50),
                1 => "http://h/caf\u{e9}/\u{fc}".to_string(),
                2 => r"http:\/\/h\/escaped".to_string(),
                _ => format!("http://h/v1/list?page={}", i % 3),
            };
            let latency = 1_000_000 + (i * 7_654_321) % 900_000_000;
            let line = match i % 5 {
                0 => format!(
                    r#"{{"attack":"a","seq":{i},"code":{code},"timestamp":"{time}","latency":{latency},"bytes_out":0,"bytes_in":{},"error":"{error}","body":"eyJpZCI6MX0=","method":"GET","url":"{url}","headers":{{"Content-Type":["application/json"]}}}}"#,
                    i % 4000
                ),
                1 => format!(
                    r#"{{"attack":"a","seq":{i},"code":{code},"timestamp":"{time}","latency":{latency},"bytes_out":64,"bytes_in":0,"error":"{error}","body":null}}"#
                ),
                2 => format!(
                    r#"{{ "url": "{url}", "method": "POST", "latency": {latency}, "code": {code}, "timestamp": "{time}", "bytes_in": null, "error": "{error}", "seq": 1e{} }}"#,
                    i % 3
                ),
                3 => format!(
                    r#"{{"attack":"a","seq":{i},"code":{code},"timestamp":"{time}","latency":{latency},"bytes_in":{i},"error":"{error}","method":"GET","url":"{url}"}}"#
                ),
                _ => format!(
                    r#"{{"code":{code},"timestamp":"{time}","latency":{latency},"url":"{url}","method":"GET","headers":null}}"#
                ),
            };
            let line = if bad_line_at == Some(i) {
                line.replacen(&format!("\"latency\":{latency}"), "\"latency\":-5", 1)
                    .replacen(&format!("\"latency\": {latency}"), "\"latency\": -5", 1)
            } else {
                line
            };
            if i % 97 == 0 {
                out.extend_from_slice("\u{feff}".as_bytes());
            }
            out.extend_from_slice(line.as_bytes());
            out.extend_from_slice(if i % 17 == 0 { b"\r\n" } else { b"\n" });
            if i % 101 == 0 {
                out.extend_from_slice(b"  \n");
            }
        }
        out
    }

    /// The run read from `bytes` (written as `name`), or the error text.
    fn read_as(dir: &Path, name: &str, bytes: &[u8], opts: &ReadOptions) -> Result<String, String> {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let mut b = RunBuilder::new();
        Encode
            .read(&path, &mut b, opts)
            .map_err(|e| e.to_string())?;
        let run = b.build(crate::model::RunMeta::default())?;
        Ok(format!("{run:#?}"))
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn the_fast_path_reads_every_shape_as_the_general_reader_on_any_threads_and_gzip() {
        let dir = tempfile::tempdir().unwrap();
        let fixture = std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/vegeta/handmade_results.json"),
        )
        .unwrap();
        let cases = [
            ("fixture", fixture, false),
            ("shapes", lines(2500, None), false),
            ("bad", lines(2500, Some(2345)), false),
            ("skipped", lines(2500, Some(2345)), true),
            ("blank", b"\n  \r\n\n".to_vec(), false),
        ];
        let shapes = &cases[1].1;
        let plain = shapes.split(|&b| b == b'\n').filter(|l| agrees(l)).count();
        assert!(plain > 1900, "{plain} lines of 2500 on the fast path");
        for (name, bytes, skip) in &cases {
            let general = ReadOptions {
                threads: 1,
                no_fast_path: true,
                skip_bad_rows: *skip,
                ..ReadOptions::default()
            };
            let want = read_as(dir.path(), name, bytes, &general);
            if *name == "shapes" || *name == "fixture" {
                assert!(want.is_ok(), "{want:?}");
            }
            if *name == "bad" {
                let e = want.as_ref().unwrap_err();
                // Line 2346, plus the blank lines before it.
                assert!(e.contains("line 2370"), "{e}");
            }
            for threads in 1..=7 {
                let opts = ReadOptions {
                    threads,
                    no_fast_path: false,
                    ..general.clone()
                };
                let got = read_as(dir.path(), name, bytes, &opts);
                assert!(
                    got == want,
                    "{name} on {threads} threads: {got:?}\nwant {want:?}"
                );
            }
            let opts = ReadOptions {
                no_fast_path: false,
                ..general.clone()
            };
            let gz = gzip(bytes);
            let want = read_as(dir.path(), &format!("{name}.gz"), &gz, &general);
            for threads in [1, 2] {
                let got = read_as(
                    dir.path(),
                    &format!("{name}.gz"),
                    &gz,
                    &ReadOptions {
                        threads,
                        ..opts.clone()
                    },
                );
                assert!(
                    got == want,
                    "{name}.gz on {threads} threads: {got:?}\nwant {want:?}"
                );
            }
        }
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
