//! Resource samples taken during a run (CPU %, memory %, RSS, processes, a
//! DB pool in use, …). A resource file never makes a run of its own: it joins
//! the run it sits beside (see `ingest::load`), and its metrics become that
//! run's [`ResourceSeries`]: a table of min/avg/max and a chart on the run's
//! time axis, which SLA rules can score (`metric = "resource:cpu"`).
//!
//! Four layouts are read:
//!
//! - **long CSV** (`resources-long-csv`): `timestamp,metric,value`, optionally
//!   `host`/`container`/`name` (several hosts: metrics become `host:metric`)
//!   and `unit`;
//! - **wide CSV** (`resources-wide-csv`): a time column (`timestamp`, `time`,
//!   `ts`, `datetime`) and one column per metric (`timestamp,cpu,mem,rss`),
//!   which is also what a psutil script writes
//!   (`time,cpu_percent,memory_percent,…`);
//! - **JSON** (`resources-json`): an array, or one object per line, of
//!   `{"timestamp":…,"metric":…,"value":…}` or `{"timestamp":…,"cpu":…,"mem":…}`;
//! - **docker stats** (`docker-stats-csv`): CSV of `docker stats --no-stream
//!   --format …` taken in a loop: a time column (Unix seconds or `HH:MM:SS`),
//!   the container `Name`, `CPUPerc`/`CPU` (`101.86%`), `MemUsage`/`Memory`
//!   (`12.3MiB / 1.9GiB`), optionally `MemPerc` and `PIDs`.
//!
//! Times are RFC 3339, Unix seconds (milliseconds above 10^11),
//! `YYYY-MM-DD HH:MM:SS` without a zone (read as UTC, with a note), or
//! `HH:MM:SS` alone (placed on the run's date when the run has one, else kept
//! relative to the file's first sample, with a note either way).
//!
//! Metric names are normalised: `cpu` (CPU %), `mem` (memory %), `mem_used`
//! and `rss` (bytes), `processes` (count); other names are kept, lowercased.
//! Units: a `%` on the value or a `_percent`/`_pct` name is a percentage; a
//! byte unit on the value (`MiB`, `kB`) or a `_bytes`/`_kb`/`_mb`/`_gb`/`_mib`
//! name is bytes (kB/MB/GB = 1000ⁿ, KiB/MiB/GiB = 1024ⁿ); anything else is a
//! plain number. An empty cell is no sample (never 0).

use super::csvfile::{CsvFile, Row};
use super::{input, ReadOptions, Reader, RunBuilder};
use crate::error::{InputError, Position};
use crate::model::{ResourceClock, ResourceSeries, ResourceUnit};
use std::path::Path;

/// A value and the unit (with its scale to bytes) its text carries.
type Quantity = (f64, Option<(ResourceUnit, f64)>);
/// (group, metric, unit, points) of one series being read.
type Collected = (String, String, ResourceUnit, Vec<(f64, f64)>);

/// `timestamp,metric,value[,host][,unit]`.
pub struct LongCsv;
/// `timestamp,cpu,mem,…` (psutil-style).
pub struct WideCsv;
/// JSON array or lines of resource samples.
pub struct Json;
/// `docker stats` dumps as CSV.
pub struct DockerStats;

/// True for the readers of this module: their files join a run, never make one.
pub fn is_resource(reader: &dyn Reader) -> bool {
    matches!(
        reader.id(),
        "resources-long-csv" | "resources-wide-csv" | "resources-json" | "docker-stats-csv"
    )
}

const TIME: &[&str] = &["timestamp", "time", "ts", "datetime", "date"];
const GROUP: &[&str] = &["host", "container", "name", "hostname", "instance"];
/// Columns that say a CSV is request data, not resource samples.
const NOT_RESOURCES: &[&str] = &[
    "endpoint",
    "latency_ms",
    "label",
    "elapsed",
    "url",
    "responsecode",
    "request count",
    "vuser",
    "tests",
];

fn header_cols(head: &[u8]) -> Vec<String> {
    let first = head.split(|b| *b == b'\n').next().unwrap_or_default();
    String::from_utf8_lossy(first)
        .trim_start_matches('\u{feff}')
        .split(',')
        .map(|c| c.trim().trim_matches('"').trim().to_ascii_lowercase())
        .collect()
}

fn is_csv(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.ends_with(".csv") || n.ends_with(".txt") || n.ends_with(".tsv")
}

impl Reader for LongCsv {
    fn id(&self) -> &'static str {
        "resources-long-csv"
    }

    fn describe(&self) -> &'static str {
        "resource samples, long CSV (timestamp,metric,value[,host][,unit]) written by a monitoring script"
    }

    fn sniff(&self, name: &str, head: &[u8]) -> bool {
        let cols = header_cols(head);
        let has = |c: &str| cols.iter().any(|h| h == c);
        is_csv(name)
            && cols.iter().any(|c| TIME.contains(&c.as_str()))
            && has("metric")
            && has("value")
    }

    fn read(&self, path: &Path, b: &mut RunBuilder, opts: &ReadOptions) -> Result<(), InputError> {
        let mut file = CsvFile::open(path)?;
        let time = file.require(TIME)?;
        let metric = file.require(&["metric"])?;
        let value = file.require(&["value"])?;
        let group = file.column(GROUP);
        let unit = file.column(&["unit"]);
        let mut c = Collector::new(path);
        file.each_row(b, opts.skip_bad_rows, |row, _| {
            let (t, clock) = row_time(row, time, &mut c)?;
            let name = row.text(metric);
            if name.is_empty() {
                return Err(row.error(Some(metric), "the metric name is empty"));
            }
            let Some((v, u)) = cell(row, value)? else {
                c.rows += 1; // an empty value: a row read, nothing to plot
                return Ok(());
            };
            let unit_text = unit.map(|i| row.text(i)).unwrap_or_default();
            let u = match (u, unit_cell(&unit_text)) {
                (Some(u), _) => Some(u),
                (None, Some((u, scale))) => Some((u, scale)),
                (None, None) if !unit_text.is_empty() => {
                    return Err(row.error(unit, format!("unknown unit `{unit_text}`")))
                }
                (None, None) => None,
            };
            let g = group.map(|i| row.text(i)).unwrap_or_default();
            c.push(&g, &name, t, clock, v, u)
                .map_err(|m| row.error(Some(value), m))?;
            c.rows += 1;
            Ok(())
        })?;
        c.finish(b, "monitoring script")
    }

    fn order(&self) -> u8 {
        9
    }
}

impl Reader for WideCsv {
    fn id(&self) -> &'static str {
        "resources-wide-csv"
    }

    fn describe(&self) -> &'static str {
        "resource samples, wide CSV (timestamp,cpu,mem,… one column per metric; psutil-style time,cpu_percent,memory_percent,…)"
    }

    fn sniff(&self, name: &str, head: &[u8]) -> bool {
        let cols = header_cols(head);
        is_csv(name)
            && cols.iter().any(|c| TIME.contains(&c.as_str()))
            && !cols.iter().any(|c| NOT_RESOURCES.contains(&c.as_str()))
            && cols.iter().any(|c| normalise(c).known)
    }

    fn read(&self, path: &Path, b: &mut RunBuilder, opts: &ReadOptions) -> Result<(), InputError> {
        let mut file = CsvFile::open(path)?;
        let time = file.require(TIME)?;
        let group = file.column(GROUP).filter(|g| *g != time);
        let metrics: Vec<(usize, String)> = file
            .headers()
            .iter()
            .enumerate()
            .filter(|(i, h)| *i != time && Some(*i) != group && !h.trim().is_empty())
            .map(|(i, h)| (i, h.trim().to_string()))
            .collect();
        let mut c = Collector::new(path);
        file.each_row(b, opts.skip_bad_rows, |row, _| {
            let (t, clock) = row_time(row, time, &mut c)?;
            let g = group.map(|i| row.text(i)).unwrap_or_default();
            let mut values = Vec::with_capacity(metrics.len());
            for (i, name) in &metrics {
                if let Some((v, u)) = cell(row, *i)? {
                    values.push((*i, name, v, u));
                }
            }
            for (i, name, v, u) in values {
                c.push(&g, name, t, clock, v, u)
                    .map_err(|m| row.error(Some(i), m))?;
            }
            c.rows += 1;
            Ok(())
        })?;
        c.finish(b, "monitoring script")
    }

    fn order(&self) -> u8 {
        9
    }
}

impl Reader for DockerStats {
    fn id(&self) -> &'static str {
        "docker-stats-csv"
    }

    fn describe(&self) -> &'static str {
        "docker stats samples as CSV (a loop over `docker stats --no-stream --format` with a time column: Name, CPUPerc, MemUsage[, MemPerc, PIDs])"
    }

    fn sniff(&self, name: &str, head: &[u8]) -> bool {
        let cols = header_cols(head);
        let has = |names: &[&str]| cols.iter().any(|c| names.contains(&c.as_str()));
        is_csv(name)
            && has(TIME)
            && has(&["cpuperc", "cpu", "cpu %"])
            && has(&["memusage", "memory", "mem usage / limit", "mem usage"])
            && has(&["name", "container"])
    }

    fn read(&self, path: &Path, b: &mut RunBuilder, opts: &ReadOptions) -> Result<(), InputError> {
        let mut file = CsvFile::open(path)?;
        let time = file.require(TIME)?;
        // `Container` is often the id; `Name` is what `docker compose` shows.
        let name = match file.column(&["name"]) {
            Some(i) => i,
            None => file.require(&["container"])?,
        };
        let cpu = file.require(&["cpuperc", "cpu", "cpu %"])?;
        let usage = file.require(&["memusage", "memory", "mem usage / limit", "mem usage"])?;
        let mem_perc = file.column(&["memperc", "mem %", "mem_percent"]);
        let pids = file.column(&["pids"]);
        let mut c = Collector::new(path);
        let mut stopped = 0u64;
        let mut derived_mem = false;
        file.each_row(b, opts.skip_bad_rows, |row, _| {
            // docker prints `--` for every figure of a container that has stopped.
            if row.text(cpu) == "--" {
                stopped += 1;
                return Ok(());
            }
            let (t, clock) = row_time(row, time, &mut c)?;
            let g = row.text(name);
            let cpu_v = percent_cell(row, cpu)?;
            let (used, limit) = usage_cell(row, usage)?;
            let mem_v = match mem_perc {
                Some(i) => percent_cell(row, i)?,
                None => match (used, limit) {
                    (Some(u), Some(l)) if l > 0.0 => {
                        derived_mem = true;
                        Some(u / l * 100.0)
                    }
                    _ => None,
                },
            };
            let pids_v = match pids {
                Some(i) => row.f64(i)?,
                None => None,
            };
            let pc = Some((ResourceUnit::Percent, 1.0));
            for (metric, v, u) in [
                ("cpu", cpu_v, pc),
                ("mem", mem_v, pc),
                ("mem_used", used, Some((ResourceUnit::Bytes, 1.0))),
                ("processes", pids_v, Some((ResourceUnit::Count, 1.0))),
            ] {
                if let Some(v) = v {
                    c.push(&g, metric, t, clock, v, u)
                        .map_err(|m| row.error(None, m))?;
                }
            }
            c.rows += 1;
            Ok(())
        })?;
        if stopped > 0 {
            b.note(format!(
                "{}: {stopped} row{} of `--` (docker prints them once a container has stopped) skipped.",
                c.file,
                if stopped == 1 { "" } else { "s" }
            ));
        }
        if derived_mem {
            b.note(format!(
                "{}: memory % is used ÷ limit of its memory-usage column (the file has no MemPerc column).",
                c.file
            ));
        }
        c.finish(b, "docker stats")
    }

    fn order(&self) -> u8 {
        9
    }
}

impl Reader for Json {
    fn id(&self) -> &'static str {
        "resources-json"
    }

    fn describe(&self) -> &'static str {
        "resource samples, JSON array or lines of {\"timestamp\",\"metric\",\"value\"} or {\"timestamp\",\"cpu\",\"mem\",…}"
    }

    fn sniff(&self, _name: &str, head: &[u8]) -> bool {
        let text = String::from_utf8_lossy(head);
        let t = text.trim_start();
        if !(t.starts_with('[') || t.starts_with('{')) {
            return false;
        }
        // The first object only: `{"timestamp": …, …}`.
        let first = t.trim_start_matches('[').trim_start();
        let end = first.find('}').unwrap_or(first.len());
        let obj = &first[..end];
        let Some(obj) = obj.strip_prefix('{') else {
            return false;
        };
        if obj.contains('{') {
            // nested objects are another format (k6, Artillery, …)
            return false;
        }
        let has_key = |k: &str| obj.contains(&format!("\"{k}\""));
        let keys: Vec<String> = obj
            .split(',')
            .filter_map(|kv| kv.split(':').next())
            .map(|k| k.trim().trim_matches('"').to_ascii_lowercase())
            .collect();
        TIME.iter().any(|k| has_key(k))
            && ((has_key("metric") && has_key("value")) || keys.iter().any(|k| normalise(k).known))
    }

    fn read(&self, path: &Path, b: &mut RunBuilder, opts: &ReadOptions) -> Result<(), InputError> {
        use std::io::BufRead;
        let head = input::head(path)?;
        let mut c = Collector::new(path);
        if String::from_utf8_lossy(&head).trim_start().starts_with('[') {
            // A JSON array is one document; resource files are small (a sample a second).
            let text = input::read_text(path)?;
            input::check_json_numbers(path, text.as_bytes(), 1)?;
            let values: Vec<serde_json::Value> =
                serde_json::from_str(&text).map_err(|e| json_error(path, &e, 0))?;
            for (i, v) in values.iter().enumerate() {
                match json_object(v, &mut c) {
                    Ok(()) => c.rows += 1,
                    Err(m) => b.bad_row(
                        InputError::new(path, format!("element {} of the array: {m}", i + 1)),
                        opts.skip_bad_rows,
                    )?,
                }
            }
        } else {
            let reader = input::open(path)?;
            for (i, line) in reader.split(b'\n').enumerate() {
                let line_no = i as u64 + 1;
                let line = line.map_err(|e| InputError::new(path, format!("cannot read: {e}")))?;
                let text = String::from_utf8_lossy(&line);
                if text.trim().is_empty() {
                    continue;
                }
                let r = input::check_json_numbers(path, text.as_bytes(), line_no)
                    .and_then(|()| {
                        serde_json::from_str::<serde_json::Value>(&text)
                            .map_err(|e| json_error(path, &e, line_no - 1))
                    })
                    .and_then(|v| {
                        json_object(&v, &mut c).map_err(|m| {
                            InputError::at(
                                path,
                                Position {
                                    line: line_no,
                                    column: None,
                                },
                                m,
                            )
                        })
                    });
                match r {
                    Ok(()) => c.rows += 1,
                    Err(e) => b.bad_row(e, opts.skip_bad_rows)?,
                }
            }
        }
        c.finish(b, "monitoring script")
    }

    fn order(&self) -> u8 {
        9
    }
}

fn json_error(path: &Path, e: &serde_json::Error, line_offset: u64) -> InputError {
    InputError::at(
        path,
        Position {
            line: e.line() as u64 + line_offset,
            column: Some(e.column() as u64),
        },
        format!("invalid JSON: {e}"),
    )
}

fn json_object(v: &serde_json::Value, c: &mut Collector) -> Result<(), String> {
    let obj = v.as_object().ok_or("a sample must be a JSON object")?;
    let get = |names: &[&str]| {
        obj.iter()
            .find(|(k, _)| names.iter().any(|n| k.eq_ignore_ascii_case(n)))
    };
    let (tk, tv) = get(TIME).ok_or("a sample needs a `timestamp`")?;
    let t_text = match tv {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => return Err(format!("`{tk}` must be a string or a number")),
    };
    let (t, clock) = c.time(&t_text)?;
    let group = get(GROUP)
        .and_then(|(_, v)| v.as_str())
        .unwrap_or_default()
        .to_string();
    let json_value = |k: &str, v: &serde_json::Value| -> Result<Option<Quantity>, String> {
        match v {
            serde_json::Value::Null => Ok(None),
            serde_json::Value::Number(n) => Ok(n.as_f64().map(|x| (x, None))),
            serde_json::Value::String(s) => quantity(s)
                .map(Some)
                .ok_or_else(|| format!("`{s}` in `{k}` is not a number")),
            _ => Err(format!("`{k}` must be a number")),
        }
    };
    if let (Some((_, m)), Some((vk, vv))) = (get(&["metric"]), get(&["value"])) {
        let name = m.as_str().ok_or("`metric` must be a string")?;
        let unit = get(&["unit"])
            .and_then(|(_, u)| u.as_str())
            .and_then(unit_cell);
        if let Some((v, u)) = json_value(vk, vv)? {
            c.push(&group, name, t, clock, v, u.or(unit))?;
        }
        return Ok(());
    }
    for (k, v) in obj {
        if TIME.iter().chain(GROUP).any(|n| k.eq_ignore_ascii_case(n)) {
            continue;
        }
        if let Some((x, u)) = json_value(k, v)? {
            c.push(&group, k, t, clock, x, u)?;
        }
    }
    Ok(())
}

/// Series of one file, in the order their metrics first appear.
struct Collector {
    file: String,
    source: String,
    series: Vec<Collected>,
    clock: Option<ResourceClock>,
    naive: bool,
    last_tod: Option<f64>,
    day: f64,
    rows: u64,
}

impl Collector {
    fn new(path: &Path) -> Self {
        Collector {
            file: path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            source: path.display().to_string(),
            series: Vec::new(),
            clock: None,
            naive: false,
            last_tod: None,
            day: 0.0,
            rows: 0,
        }
    }

    /// Parses a time; every row of a file must use the same kind of clock.
    fn time(&mut self, text: &str) -> Result<(f64, ResourceClock), String> {
        let (mut t, clock, naive) =
            parse_time(text).ok_or_else(|| format!("`{text}` is not a timestamp"))?;
        match self.clock {
            None => self.clock = Some(clock),
            Some(c) if c != clock => {
                return Err(format!(
                    "`{text}` is not the kind of timestamp the file's first row has"
                ))
            }
            _ => {}
        }
        self.naive |= naive;
        if clock == ResourceClock::TimeOfDay {
            // Past midnight the clock starts again from 00:00:00.
            if self.last_tod.is_some_and(|last| t < last - 43_200.0) {
                self.day += 86_400.0;
            }
            self.last_tod = Some(t);
            t += self.day;
        }
        Ok((t, clock))
    }

    fn push(
        &mut self,
        group: &str,
        name: &str,
        t: f64,
        _clock: ResourceClock,
        v: f64,
        unit: Option<(ResourceUnit, f64)>,
    ) -> Result<(), String> {
        let n = normalise(name);
        let (unit, scale) = unit.unwrap_or((n.unit, n.scale));
        let v = v * scale;
        if !v.is_finite() {
            return Err(format!("`{name}`: not a finite number"));
        }
        match self
            .series
            .iter_mut()
            .find(|s| s.0 == group && s.1 == n.name)
        {
            Some(s) if s.2 != unit => Err(format!(
                "`{name}` is in {} here but in {} in earlier rows",
                unit_word(unit),
                unit_word(s.2)
            )),
            Some(s) => {
                s.3.push((t, v));
                Ok(())
            }
            None => {
                self.series
                    .push((group.to_string(), n.name, unit, vec![(t, v)]));
                Ok(())
            }
        }
    }

    fn finish(self, b: &mut RunBuilder, tool: &str) -> Result<(), InputError> {
        if self.series.is_empty() {
            return Err(InputError::new(
                &self.source,
                "no resource samples: the file has a header but no values",
            ));
        }
        b.tool(tool, None);
        if self.naive {
            b.note(format!(
                "{}: its timestamps have no time zone and were read as UTC.",
                self.file
            ));
        }
        let mut groups: Vec<&str> = self.series.iter().map(|s| s.0.as_str()).collect();
        groups.dedup();
        groups.sort_unstable();
        groups.dedup();
        let prefix = groups.len() > 1;
        if !prefix && !groups[0].is_empty() {
            b.note(format!("{}: samples of `{}`.", self.file, groups[0]));
        }
        b.resource_rows(self.rows);
        let clock = self.clock.unwrap_or_default();
        for (group, metric, unit, points) in self.series {
            b.resource(ResourceSeries {
                metric: if prefix && !group.is_empty() {
                    format!("{group}:{metric}")
                } else {
                    metric
                },
                unit,
                points,
                clock,
                source: self.source.clone(),
            });
        }
        Ok(())
    }
}

fn unit_word(u: ResourceUnit) -> &'static str {
    match u {
        ResourceUnit::Percent => "percent",
        ResourceUnit::Bytes => "bytes",
        ResourceUnit::Count => "a plain number",
    }
}

fn row_time(
    row: &Row<'_>,
    i: usize,
    c: &mut Collector,
) -> Result<(f64, ResourceClock), InputError> {
    c.time(&row.text(i)).map_err(|m| row.error(Some(i), m))
}

/// A numeric cell, with the unit its text carries; `None` when empty.
fn cell(row: &Row<'_>, i: usize) -> Result<Option<Quantity>, InputError> {
    let t = row.text(i);
    if t.is_empty() || t.eq_ignore_ascii_case("n/a") || t.eq_ignore_ascii_case("null") {
        return Ok(None);
    }
    quantity(&t)
        .map(Some)
        .ok_or_else(|| row.error(Some(i), format!("`{t}` is not a number")))
}

/// `101.86%` → 101.86.
fn percent_cell(row: &Row<'_>, i: usize) -> Result<Option<f64>, InputError> {
    let t = row.text(i);
    if t.is_empty() || t == "--" {
        return Ok(None);
    }
    t.trim_end_matches('%')
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(Some)
        .ok_or_else(|| row.error(Some(i), format!("`{t}` is not a percentage")))
}

/// `12.3MiB / 1.9GiB` → (used, limit) in bytes.
fn usage_cell(row: &Row<'_>, i: usize) -> Result<(Option<f64>, Option<f64>), InputError> {
    let t = row.text(i);
    if t.is_empty() {
        return Ok((None, None));
    }
    let bytes = |s: &str| -> Result<Option<f64>, InputError> {
        let s = s.trim();
        if s == "--" {
            return Ok(None);
        }
        match quantity(s) {
            Some((v, Some((ResourceUnit::Bytes, scale)))) => Ok(Some(v * scale)),
            _ => Err(row.error(
                Some(i),
                format!("`{t}` is not a memory usage like `12.3MiB / 1.9GiB`"),
            )),
        }
    };
    match t.split_once('/') {
        Some((u, l)) => Ok((bytes(u)?, bytes(l)?)),
        None => Ok((bytes(&t)?, None)),
    }
}

/// A number with an optional unit: `85%`, `12.3MiB`, `7`.
fn quantity(text: &str) -> Option<Quantity> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))
        .unwrap_or(t.len());
    // `1e3` parses as a number; a unit never starts with `e`.
    let (num, unit) = t.split_at(split);
    let v: f64 = num.trim().parse().ok()?;
    if !v.is_finite() {
        return None;
    }
    let unit = unit.trim();
    if unit.is_empty() {
        return Some((v, None));
    }
    Some((v, Some(unit_cell(unit)?)))
}

/// A unit word: `%`, `percent`, `B`, `bytes`, `kB`, `MiB`, `count`, …
fn unit_cell(text: &str) -> Option<(ResourceUnit, f64)> {
    let u = text.trim();
    if u.is_empty() {
        return None;
    }
    if matches!(u.to_ascii_lowercase().as_str(), "%" | "percent" | "pct") {
        return Some((ResourceUnit::Percent, 1.0));
    }
    if matches!(
        u.to_ascii_lowercase().as_str(),
        "count" | "n" | "#" | "number"
    ) {
        return Some((ResourceUnit::Count, 1.0));
    }
    byte_scale(u).map(|s| (ResourceUnit::Bytes, s))
}

/// Bytes per unit: kB/KB/MB/GB/TB are powers of 1000, KiB/MiB/GiB/TiB of 1024.
pub fn byte_scale(unit: &str) -> Option<f64> {
    let u = unit.trim().to_ascii_lowercase();
    Some(match u.as_str() {
        "b" | "byte" | "bytes" => 1.0,
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        "tb" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "tib" => 1024f64.powi(4),
        _ => return None,
    })
}

/// A metric name normalised, with the unit its name implies.
#[derive(Debug, PartialEq)]
struct Normalised {
    name: String,
    unit: ResourceUnit,
    scale: f64,
    /// A resource metric perfreport recognises (for sniffing).
    known: bool,
}

fn normalise(raw: &str) -> Normalised {
    let mut n: String = raw
        .trim()
        .to_ascii_lowercase()
        .chars()
        .map(|c| match c {
            ' ' | '-' | '.' | '/' => '_',
            c => c,
        })
        .collect();
    let mut unit = ResourceUnit::Count;
    let mut scale = 1.0;
    if let Some(rest) = n.strip_prefix('%') {
        n = format!("{rest}_percent");
    }
    for suffix in ["_percent", "_pct", "%", "_perc", "perc"] {
        if let Some(rest) = n.strip_suffix(suffix) {
            n = rest.trim_end_matches('_').to_string();
            unit = ResourceUnit::Percent;
            break;
        }
    }
    if unit == ResourceUnit::Count {
        for suffix in ["bytes", "kib", "mib", "gib", "kb", "mb", "gb", "b"] {
            if let Some(rest) = n.strip_suffix(&format!("_{suffix}")) {
                n = rest.to_string();
                unit = ResourceUnit::Bytes;
                scale = byte_scale(suffix).unwrap_or(1.0);
                break;
            }
        }
    }
    let name = match n.as_str() {
        "cpu" | "cpu_usage" | "cpu_util" | "cpu_utilization" | "cpu_used" => {
            unit = ResourceUnit::Percent;
            "cpu"
        }
        "mem" | "memory" | "mem_usage_percent" | "memory_usage" | "mem_util" => {
            if unit == ResourceUnit::Count {
                // a bare `mem`/`memory` number is a percentage (psutil's `memory_percent`)
                unit = ResourceUnit::Percent;
            }
            if unit == ResourceUnit::Bytes {
                "mem_used"
            } else {
                "mem"
            }
        }
        "rss" | "memory_rss" | "mem_rss" | "rss_memory" => {
            unit = ResourceUnit::Bytes;
            "rss"
        }
        "mem_used" | "memory_used" | "used_memory" | "mem_usage" => {
            unit = ResourceUnit::Bytes;
            "mem_used"
        }
        "pids" | "processes" | "process_count" | "num_processes" | "procs" | "nproc" => "processes",
        other => {
            let known = other.contains("cpu")
                || other.contains("mem")
                || other.contains("rss")
                || other.contains("swap")
                || other.contains("pool")
                || other.starts_with("load")
                || other.contains("disk");
            return Normalised {
                name: other.to_string(),
                unit,
                scale,
                known,
            };
        }
    };
    Normalised {
        name: name.to_string(),
        unit,
        scale,
        known: true,
    }
}

/// A timestamp: (seconds, clock, read-as-UTC-without-a-zone).
fn parse_time(text: &str) -> Option<(f64, ResourceClock, bool)> {
    let t = text.trim();
    if let Some(ms) = super::generic::parse_time_ms(t) {
        return Some((ms / 1000.0, ResourceClock::Unix, false));
    }
    for f in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y/%m/%d %H:%M:%S%.f",
    ] {
        if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(t, f) {
            let s = dt.and_utc().timestamp_millis() as f64 / 1000.0;
            return Some((s, ResourceClock::Unix, true));
        }
    }
    if let Ok(tod) = chrono::NaiveTime::parse_from_str(t, "%H:%M:%S%.f") {
        use chrono::Timelike;
        let s = f64::from(tod.num_seconds_from_midnight()) + f64::from(tod.nanosecond()) / 1e9;
        return Some((s, ResourceClock::TimeOfDay, false));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised_with_their_units() {
        let n = |s: &str| {
            let x = normalise(s);
            (x.name, x.unit, x.scale)
        };
        assert_eq!(n("cpu_percent"), ("cpu".into(), ResourceUnit::Percent, 1.0));
        assert_eq!(n("CPU %"), ("cpu".into(), ResourceUnit::Percent, 1.0));
        assert_eq!(n("%cpu"), ("cpu".into(), ResourceUnit::Percent, 1.0));
        assert_eq!(
            n("memory_percent"),
            ("mem".into(), ResourceUnit::Percent, 1.0)
        );
        assert_eq!(n("mem"), ("mem".into(), ResourceUnit::Percent, 1.0));
        assert_eq!(n("rss_mb"), ("rss".into(), ResourceUnit::Bytes, 1e6));
        assert_eq!(
            n("memory_used_bytes"),
            ("mem_used".into(), ResourceUnit::Bytes, 1.0)
        );
        assert_eq!(n("PIDs"), ("processes".into(), ResourceUnit::Count, 1.0));
        assert_eq!(
            n("db_pool_in_use"),
            ("db_pool_in_use".into(), ResourceUnit::Count, 1.0)
        );
        assert!(!normalise("vuser").known);
    }

    #[test]
    fn quantities_carry_their_units() {
        assert_eq!(
            quantity("101.86%"),
            Some((101.86, Some((ResourceUnit::Percent, 1.0))))
        );
        assert_eq!(
            quantity("14.68MiB"),
            Some((14.68, Some((ResourceUnit::Bytes, 1024.0 * 1024.0))))
        );
        assert_eq!(
            quantity("1.34kB"),
            Some((1.34, Some((ResourceUnit::Bytes, 1000.0))))
        );
        assert_eq!(quantity("7"), Some((7.0, None)));
        assert_eq!(quantity("7 parsecs"), None);
        assert_eq!(quantity("--"), None);
    }

    #[test]
    fn times_in_every_documented_form() {
        assert_eq!(
            parse_time("1740726640"),
            Some((1_740_726_640.0, ResourceClock::Unix, false))
        );
        assert_eq!(
            parse_time("2025-02-28 07:10:40"),
            Some((1_740_726_640.0, ResourceClock::Unix, true))
        );
        assert_eq!(
            parse_time("01:09:27"),
            Some((4167.0, ResourceClock::TimeOfDay, false))
        );
        assert_eq!(parse_time("soon"), None);
    }

    #[test]
    fn sniffing_tells_the_layouts_apart() {
        let csv = |h: &str| format!("{h}\n");
        assert!(LongCsv.sniff("r.csv", csv("timestamp,metric,value,host").as_bytes()));
        assert!(WideCsv.sniff("r.csv", csv("time,cpu_percent,memory_percent").as_bytes()));
        assert!(!WideCsv.sniff("r.csv", csv("timestamp,endpoint,latency_ms").as_bytes()));
        assert!(!WideCsv.sniff("r.csv", csv("DateTime,vuser,Tests,Errors").as_bytes()));
        assert!(DockerStats.sniff(
            "s.csv",
            csv("Timestamp,Container,Name,ID,CPUPerc,MemUsage,MemPerc,NetIO,BlockIO,PIDs")
                .as_bytes()
        ));
        assert!(DockerStats.sniff(
            "s.csv",
            csv("Time,Name,CPU,Memory,NetIO,BlockIO").as_bytes()
        ));
        assert!(Json.sniff(
            "x.json",
            br#"[{"timestamp": 1, "metric": "cpu", "value": 3}]"#
        ));
        assert!(Json.sniff(
            "x.json",
            br#"{"ts": "2026-01-01T00:00:00Z", "cpu": 3, "rss": 5}"#
        ));
        assert!(!Json.sniff(
            "x.json",
            br#"{"type":"Point","data":{"time":"x","value":1},"metric":"http_reqs"}"#
        ));
        assert!(!Json.sniff("x.json", br#"{"timestamp": 1, "latency": 3}"#));
    }
}
