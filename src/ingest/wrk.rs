//! wrk's console output (`wrk -t2 -c20 -d20s --latency URL > wrk.txt`):
//!
//! ```text
//! Running 20s test @ http://127.0.0.1:8089/v1/deployments
//!   2 threads and 20 connections
//!   Thread Stats   Avg      Stdev     Max   +/- Stdev
//!     Latency    68.82ms    7.18ms  95.58ms   67.80%
//!     Req/Sec   145.59     14.87   191.00     68.50%
//!   Latency Distribution
//!      50%   68.92ms
//!      75%   73.87ms
//!      90%   77.96ms
//!      99%   84.82ms
//!   5820 requests in 20.06s, 22.32MB read
//!   Socket errors: connect 0, read 0, write 0, timeout 3
//!   Non-2xx or 3xx responses: 12
//! Requests/sec:    290.06
//! ```
//!
//! Whole-run figures only, as wrk computed them (precision `tool`): the mean
//! and maximum latency, the percentiles of `--latency` (50, 75, 90, 99: there
//! is no p95, so a p95 rule is inconclusive), requests, duration, requests/s.
//! Times are in `us`, `ms`, `s`, `m` or `h`. The single endpoint is
//! `(all requests)`; the URL goes in a note (a `-s` script may have changed it).
//!
//! Failures: `Non-2xx or 3xx responses` plus every socket error (connect, read,
//! write, timeout); no such line means none. Connect, read and write errors
//! are attempts wrk never completed, so they are added to the request count;
//! a timed-out request may still complete later, so timeouts can be counted
//! twice (failures are capped at the request count).

use super::hey::ALL_REQUESTS;
use super::{input, ReadOptions, Reader, RunBuilder};
use crate::error::{InputError, Position};
use crate::model::{EndpointStats, LatencyStats, Percentile, Precision};
use std::io::BufRead;
use std::path::Path;

/// The wrk text reader.
pub struct Wrk;

impl Reader for Wrk {
    fn id(&self) -> &'static str {
        "wrk-text"
    }

    fn describe(&self) -> &'static str {
        "wrk console output (wrk --latency URL > wrk.txt)"
    }

    fn sniff(&self, _name: &str, head: &[u8]) -> bool {
        let text = String::from_utf8_lossy(head);
        let mut running = false;
        let mut stats = false;
        for line in text.lines() {
            let t = line.trim();
            running |= t.starts_with("Running ") && t.contains(" test @ ");
            stats |= t.starts_with("Thread Stats") && t.contains("Avg");
        }
        running && stats
    }

    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        _opts: &ReadOptions,
    ) -> Result<(), InputError> {
        builder.tool("wrk", None);
        let parsed = parse(path, input::open(path)?)?;
        let requests = parsed.requests.ok_or_else(|| {
            InputError::new(
                path,
                "no `N requests in Xs` line: the wrk output is cut short or not wrk's",
            )
        })?;
        let s = &parsed.socket;
        let unfinished = s.connect + s.read + s.write;
        let total = requests + unfinished;
        let failures = (parsed.non2xx + unfinished + s.timeout).min(total);
        if let Some(url) = &parsed.url {
            builder.note(format!(
                "wrk reports the whole run only; it tested {url} (a -s script may have sent other requests)"
            ));
        }
        if s.timeout > 0 {
            builder.note(format!(
                "wrk counted {} timeouts as failures; a timed-out request may also be among the completed ones",
                s.timeout
            ));
        }
        if let Some(c) = parsed.connections {
            builder.users(c);
        }
        if let Some(d) = parsed.duration_s {
            builder.duration(d);
        }
        // Without a completed request, wrk prints zeros for the latency: not figures.
        let latency = if requests > 0 {
            LatencyStats {
                min_ms: None,
                avg_ms: parsed.avg_ms,
                max_ms: parsed.max_ms,
                percentiles: parsed.percentiles,
                precision: Precision::Tool,
                histogram: None,
            }
        } else {
            LatencyStats {
                precision: Precision::Tool,
                ..LatencyStats::default()
            }
        };
        let stats = |name: &str| EndpointStats {
            source: Some(super::whole_file(path)),
            method: String::new(),
            name: name.to_string(),
            requests: total,
            failures,
            throughput_rps: parsed.rps,
            failures_per_s: None,
            latency: latency.clone(),
            avg_content_bytes: None,
        };
        builder.endpoint(stats(ALL_REQUESTS));
        builder.totals(stats("Total"));
        Ok(())
    }
}

#[derive(Debug, Default)]
struct Socket {
    connect: u64,
    read: u64,
    write: u64,
    timeout: u64,
}

#[derive(Debug, Default)]
struct Parsed {
    /// The `Running …` line of the run, and its line number.
    running: Option<String>,
    running_line: u64,
    url: Option<String>,
    connections: Option<u64>,
    avg_ms: Option<f64>,
    max_ms: Option<f64>,
    percentiles: std::collections::BTreeMap<Percentile, f64>,
    requests: Option<u64>,
    duration_s: Option<f64>,
    non2xx: u64,
    socket: Socket,
    rps: Option<f64>,
}

/// A wrk duration such as `68.82ms`, `55.33us`, `1.20s`, `2.00m`, in ms.
pub fn time_ms(text: &str) -> Option<f64> {
    let t = text.trim();
    let split = t.find(|c: char| c.is_ascii_alphabetic())?;
    let (num, unit) = t.split_at(split);
    let v: f64 = num.parse().ok()?;
    let factor = match unit {
        "us" => 0.001,
        "ms" => 1.0,
        "s" => 1000.0,
        "m" => 60_000.0,
        "h" => 3_600_000.0,
        _ => return None,
    };
    (v.is_finite() && v >= 0.0).then_some(v * factor)
}

fn parse(path: &Path, reader: Box<dyn BufRead + Send>) -> Result<Parsed, InputError> {
    let mut p = Parsed::default();
    let mut in_distribution = false;
    let mut any = false;
    for (i, line) in reader.split(b'\n').enumerate() {
        let line_no = i as u64 + 1;
        let bytes = line.map_err(|e| InputError::new(path, format!("cannot read: {e}")))?;
        let line = String::from_utf8_lossy(&bytes);
        let t = line.trim();
        any |= !t.is_empty();
        let err = |msg: String| {
            InputError::at(
                path,
                Position {
                    line: line_no,
                    column: Some(line.find(t).unwrap_or(0) as u64 + 1),
                },
                msg,
            )
        };
        let words: Vec<&str> = t.split_whitespace().collect();
        if in_distribution {
            if let Some(pct) = words.first().and_then(|w| w.strip_suffix('%')) {
                let pct = pct
                    .parse::<f64>()
                    .ok()
                    .and_then(Percentile::from_percent)
                    .ok_or_else(|| err(format!("`{pct}%` is not a percentile")))?;
                let v = words.get(1).copied().unwrap_or("");
                let ms = time_ms(v).ok_or_else(|| err(format!("`{v}` is not a wrk time")))?;
                p.percentiles.insert(pct, ms);
                continue;
            }
            in_distribution = false;
        }
        if let Some(rest) = t.strip_prefix("Running ") {
            if let Some(first) = &p.running {
                // A shell loop appending runs to one log: never merge them, nor keep one.
                return Err(err(format!(
                    "a second wrk run starts here (`{t}`; the first was `{first}` on line {}): perfreport reads one run per file and will not merge runs or keep only one. Split the file into one file per run, e.g. `csplit -z -f wrk- -b '%02d.txt' {} '/^Running /' '{{*}}'`, and give perfreport those files (or their directory): each becomes a run named by its file",
                    p.running_line,
                    path.file_name().map_or_else(|| "wrk.txt".into(), |n| n.to_string_lossy()),
                )));
            }
            p.running = Some(t.to_string());
            p.running_line = line_no;
            p.url = rest.split_once(" @ ").map(|(_, u)| u.trim().to_string());
        } else if words.len() >= 5 && words[1] == "threads" && words[4] == "connections" {
            p.connections = Some(
                words[3]
                    .parse()
                    .map_err(|_| err(format!("`{}` is not a connection count", words[3])))?,
            );
        } else if words.first() == Some(&"Latency") && words.get(1) == Some(&"Distribution") {
            in_distribution = true;
        } else if words.first() == Some(&"Latency") {
            if words.len() < 4 {
                return Err(err(
                    "the `Latency` line needs Avg, Stdev and Max".to_string()
                ));
            }
            p.avg_ms = Some(
                time_ms(words[1])
                    .ok_or_else(|| err(format!("`{}` is not a wrk time", words[1])))?,
            );
            p.max_ms = Some(
                time_ms(words[3])
                    .ok_or_else(|| err(format!("`{}` is not a wrk time", words[3])))?,
            );
        } else if words.len() >= 4 && words[1] == "requests" && words[2] == "in" {
            p.requests = Some(
                words[0]
                    .parse()
                    .map_err(|_| err(format!("`{}` is not a request count", words[0])))?,
            );
            let d = words[3].trim_end_matches(',');
            p.duration_s =
                Some(time_ms(d).ok_or_else(|| err(format!("`{d}` is not a wrk time")))? / 1000.0);
        } else if let Some(rest) = t.strip_prefix("Non-2xx or 3xx responses:") {
            p.non2xx = rest
                .trim()
                .parse()
                .map_err(|_| err(format!("`{}` is not a count", rest.trim())))?;
        } else if let Some(rest) = t.strip_prefix("Socket errors:") {
            for part in rest.split(',') {
                let mut kv = part.split_whitespace();
                let (Some(k), Some(v)) = (kv.next(), kv.next()) else {
                    return Err(err(format!("`{}` is not `kind count`", part.trim())));
                };
                let n: u64 = v
                    .parse()
                    .map_err(|_| err(format!("`{v}` is not a count of {k} errors")))?;
                match k {
                    "connect" => p.socket.connect = n,
                    "read" => p.socket.read = n,
                    "write" => p.socket.write = n,
                    "timeout" => p.socket.timeout = n,
                    _ => return Err(err(format!("unknown socket error kind `{k}`"))),
                }
            }
        } else if let Some(rest) = t.strip_prefix("Requests/sec:") {
            let v = rest.trim();
            p.rps = Some(
                v.parse::<f64>()
                    .ok()
                    .filter(|r| r.is_finite())
                    .ok_or_else(|| err(format!("`{v}` is not a number of requests/s")))?,
            );
        }
    }
    if !any {
        return Err(InputError::new(path, "the file is empty"));
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrk_units() {
        assert_eq!(time_ms("55.33us"), Some(0.05533));
        assert_eq!(time_ms("68.82ms"), Some(68.82));
        assert_eq!(time_ms("1.5s"), Some(1500.0));
        assert_eq!(time_ms("2.00m"), Some(120_000.0));
        assert_eq!(time_ms("20.06s,"), None);
        assert_eq!(time_ms("12"), None, "a bare number has no unit");
        assert_eq!(time_ms("3.1kb"), None);
    }

    #[test]
    fn sniffs_wrk_but_not_hey_or_ab_text() {
        let wrk = b"Running 1s test @ http://h/\n  1 threads and 1 connections\n  Thread Stats   Avg      Stdev     Max   +/- Stdev\n";
        assert!(Wrk.sniff("out.log", wrk));
        assert!(!Wrk.sniff("x.txt", b"Summary:\n  Total:\t28.3802 secs\n"));
        assert!(!Wrk.sniff("x.txt", b"This is ApacheBench, Version 2.3\n"));
    }

    #[test]
    fn a_second_run_in_one_file_is_refused_at_its_line() {
        let one = "Running 1s test @ http://h/a\n  1 threads and 4 connections\n  Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency    10.00ms    1.00ms  20.00ms   50.00%\n  100 requests in 1.00s, 1.00KB read\nRequests/sec:    100.00\n";
        let two = format!("{one}{}", one.replace("h/a", "h/b"));
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("loop.txt");
        std::fs::write(&p, two).unwrap();
        let e = Wrk
            .read(&p, &mut RunBuilder::new(), &ReadOptions::default())
            .unwrap_err();
        assert_eq!(e.position.map(|p| p.line), Some(7));
        assert!(
            e.message.starts_with("a second wrk run starts here (`Running 1s test @ http://h/b`; the first was `Running 1s test @ http://h/a` on line 1)"),
            "{e}"
        );
        assert!(
            e.message
                .contains("csplit -z -f wrk- -b '%02d.txt' loop.txt '/^Running /' '{*}'"),
            "{e}"
        );
    }

    #[test]
    fn socket_errors_and_non_2xx_are_failures() {
        let text = "Running 1s test @ http://h/x\n  1 threads and 4 connections\n  Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency    10.00ms    1.00ms  20.00ms   50.00%\n  100 requests in 1.00s, 1.00KB read\n  Socket errors: connect 2, read 3, write 0, timeout 5\n  Non-2xx or 3xx responses: 7\nRequests/sec:    100.00\n";
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.txt");
        std::fs::write(&p, text).unwrap();
        let mut b = RunBuilder::new();
        Wrk.read(&p, &mut b, &ReadOptions::default()).unwrap();
        let run = b.build(crate::model::RunMeta::default()).unwrap();
        assert_eq!(run.totals.requests, 105);
        assert_eq!(run.totals.failures, 17);
        assert_eq!(run.totals.latency.percentile(Percentile::P50), None);
        assert_eq!(run.meta.users_recorded, Some(4));
    }
}
