//! Seeded mutations of the fixtures, a few hundred per reader family, each
//! read, scored and rendered (Markdown, HTML with its charts, JSON, JUnit)
//! in this process with a time limit: no mutation may panic, hang, or fail
//! other than with an input error that says where (exit 2). The mutations
//! are those of the fuzzing campaign that found the hangs and bombs: bit
//! flips, truncation, numbers swapped for huge or non-finite ones,
//! structural characters swapped, deleted or added, lines dropped or doubled.
//!
//! Deterministic: one xorshift seed per family, so a failure names a case
//! that fails again. `PERFREPORT_MUTATIONS=N` runs N per family instead.

use crate::common::root;
use perfreport::error::{InputError, SlaFileError, UsageError};
use perfreport::report::templates::Templates;
use perfreport::report::Report;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Mutations per reader family: 6,000 cases (20 families) in about 30 s of a
/// debug build on 2 cores (`PERFREPORT_MUTATIONS=N` for another depth).
const PER_FAMILY: usize = 300;
/// The most one case may take: a hang fails the test instead of stalling it.
const CASE_LIMIT: Duration = Duration::from_secs(10);

/// xorshift64*: small, seeded, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Numbers that broke the charts, the allocations or the sums.
const NUMBERS: &[&str] = &[
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "inf",
    "-inf",
    "NaN",
    "Infinity",
    "-Infinity",
    "1e-320",
    "-0",
    "18446744073709551616",
    "-1",
    "0",
    "9e15",
];

/// Bytes that change structure when inserted or swapped in.
const STRUCTURE: &[u8] = b",;{}[]\":\n\r\t\"\\\x00\x01\x1b\xff<&|";

/// One mutation of `text`, and what it was (for the failure message).
fn mutate(text: &[u8], rng: &mut Rng) -> (Vec<u8>, String) {
    let mut t = text.to_vec();
    let at = rng.below(t.len());
    match rng.below(7) {
        0 => {
            let bit = rng.below(8);
            t[at] ^= 1 << bit;
            (t, format!("bit {bit} of byte {at} flipped"))
        }
        1 => {
            t.truncate(at);
            (t, format!("truncated at byte {at}"))
        }
        2 | 3 => {
            // A number token replaced: find the next digit run from `at`.
            let Some(start) = t[at..].iter().position(u8::is_ascii_digit).map(|p| at + p) else {
                return (t, "unchanged".into());
            };
            let end = t[start..]
                .iter()
                .position(|c| !(c.is_ascii_digit() || *c == b'.'))
                .map_or(t.len(), |p| start + p);
            let n = NUMBERS[rng.below(NUMBERS.len())];
            t.splice(start..end, n.bytes());
            (t, format!("number at byte {start} replaced by {n}"))
        }
        4 => {
            let b = STRUCTURE[rng.below(STRUCTURE.len())];
            if rng.below(2) == 0 {
                t.insert(at, b);
                (t, format!("byte {b:#04x} inserted at {at}"))
            } else {
                t[at] = b;
                (t, format!("byte {at} replaced by {b:#04x}"))
            }
        }
        5 => {
            // A line dropped or doubled.
            let starts: Vec<usize> = std::iter::once(0)
                .chain(
                    t.iter()
                        .enumerate()
                        .filter(|(_, c)| **c == b'\n')
                        .map(|(i, _)| i + 1),
                )
                .filter(|&i| i < t.len())
                .collect();
            let k = rng.below(starts.len());
            let (s, e) = (starts[k], starts.get(k + 1).copied().unwrap_or(t.len()));
            if rng.below(2) == 0 {
                t.drain(s..e);
                (t, format!("line {} dropped", k + 1))
            } else {
                let line = t[s..e].to_vec();
                t.splice(s..s, line);
                (t, format!("line {} doubled", k + 1))
            }
        }
        _ => {
            let n = rng.below(16) + 1;
            let end = (at + n).min(t.len());
            t.drain(at..end);
            (t, format!("bytes {at}..{end} deleted"))
        }
    }
}

/// A reader family: files copied into a run folder, the one at `target` mutated.
struct Family {
    name: &'static str,
    files: Vec<(String, Vec<u8>)>,
    target: usize,
}

fn fixture_bytes(rel: &str) -> Vec<u8> {
    std::fs::read(root().join("tests/fixtures").join(rel)).unwrap()
}

/// The first `n` lines of a fixture.
fn head_lines(rel: &str, n: usize) -> Vec<u8> {
    let text = fixture_bytes(rel);
    let mut out = Vec::new();
    for line in text.split_inclusive(|c| *c == b'\n').take(n) {
        out.extend_from_slice(line);
    }
    out
}

fn families() -> Vec<Family> {
    let one = |name, file: &str, bytes: Vec<u8>| Family {
        name,
        files: vec![(file.to_string(), bytes)],
        target: 0,
    };
    let eighty = || {
        (
            "eighty_stats.csv".to_string(),
            fixture_bytes("locust/handmade/eighty/eighty_stats.csv"),
        )
    };
    let beside = |name, file: &str, bytes: Vec<u8>| Family {
        name,
        files: vec![eighty(), (file.to_string(), bytes)],
        target: 1,
    };
    vec![
        one("locust stats", "eighty_stats.csv", fixture_bytes("locust/handmade/eighty/eighty_stats.csv")),
        Family {
            name: "locust history",
            files: vec![
                ("dip_stats.csv".into(), fixture_bytes("locust/handmade/co-dip/dip_stats.csv")),
                ("dip_stats_history.csv".into(), head_lines("locust/handmade/co-dip/dip_stats_history.csv", 40)),
            ],
            target: 1,
        },
        one("locust json", "peak.json", head_lines("locust/json/peak.json", 400)),
        one("jmeter jtl", "run.jtl", head_lines("jmeter/taurus-simple-kpi-2018.jtl", 60)),
        // Whole (38 KB): a complete XML JTL is read by the chunked fast path.
        one("jmeter xml", "run.jtl", fixture_bytes("jmeter/transactions-xml-2.13.jtl")),
        one("jmeter statistics.json", "statistics.json", fixture_bytes("jmeter/reqres-403-5.6.3_statistics.json")),
        one("k6 summary", "summary.json", fixture_bytes("k6/summary/parabank-2025_summary.json")),
        one("k6 ndjson", "out.ndjson", head_lines("k6/ndjson/golangapi-2024_results.ndjson", 60)),
        one("gatling log", "simulation.log", fixture_bytes("gatling/taurus-2017/simulation.log")),
        one("hey csv", "hey.csv", head_lines("hey/create_n2000_c10.csv", 60)),
        Family {
            name: "ab percentiles",
            files: vec![
                ("list.txt".into(), fixture_bytes("ab/list_n5000_c20.txt")),
                ("list_pct.csv".into(), fixture_bytes("ab/list_n5000_c20_pct.csv")),
            ],
            target: 1,
        },
        one("wrk", "wrk.txt", fixture_bytes("wrk/list_t2_c20_20s.txt")),
        one("vegeta", "results.json", fixture_bytes("vegeta/handmade_results.json")),
        one("artillery", "report.json", head_lines("artillery/real/artillery1-bank-2021_report.json", 400)),
        one("autocannon", "ac.json", fixture_bytes("autocannon/list_c20_20s.json")),
        one("oha", "oha.json", fixture_bytes("oha/crushtest-oha-wrapped.json")),
        one("generic csv", "checkout.csv", head_lines("generic/checkout.csv", 60)),
        beside("resources docker csv", "docker-stats.csv", head_lines("resources/supersorter-docker-stats.csv", 40)),
        beside(
            "resources long csv",
            "resources.csv",
            b"timestamp,metric,value\n1795432343,cpu,12.5\n1795432344,cpu,80.25\n1795432345,rss,1048576\n1795432346,rss,2097152.5\n".to_vec(),
        ),
        beside(
            "resources json",
            "resources.json",
            b"[{\"timestamp\": 1795432343, \"cpu\": 12.5, \"rss\": 1048576},\n {\"timestamp\": 1795432344.5, \"cpu\": 80.25, \"rss\": 2097152}]\n".to_vec(),
        ),
    ]
}

/// Reads the run folder `dir`, scores it and renders every output in memory
/// (report.md, index.html with its charts, summary.json, junit.xml), as
/// `build` does before writing.
fn build(dir: &Path, templates: &Templates) -> anyhow::Result<()> {
    let sla = perfreport::sla::file::default_sla();
    let runs = perfreport::ingest::load(&[dir.to_path_buf()], false, &Default::default())?;
    let report = Report::build(runs, &sla);
    perfreport::report::markdown::render(&report, templates)?;
    for page in perfreport::report::html::render(&report, templates)? {
        page.bytes()?; // run pages render when written
    }
    perfreport::report::json::render(&report)?;
    perfreport::report::junit::render(&report)?;
    Ok(())
}

/// What went wrong with one case, if anything.
fn check(dir: PathBuf, templates: Arc<Templates>) -> Result<(), String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(build(&dir, &templates));
    });
    match rx.recv_timeout(CASE_LIMIT) {
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            Err(format!("no result in {CASE_LIMIT:?}"))
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err("panicked".into()),
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => {
            let typed = e.downcast_ref::<InputError>().is_some()
                || e.downcast_ref::<SlaFileError>().is_some()
                || e.downcast_ref::<UsageError>().is_some();
            // The list of formats is long but no input's: only input text counts.
            let text = format!("{e:#}").replace(&perfreport::ingest::detect::known_formats(), "…");
            if !typed {
                Err(format!("an error that is not an input error: {text}"))
            } else if text.contains("panicked") {
                // A reader thread's panic is reported as an input error: still a panic.
                Err(format!("a panic, reported as: {text}"))
            } else if text.len() > 600 {
                Err(format!(
                    "an error message of {} bytes: {:.300}…",
                    text.len(),
                    text
                ))
            } else {
                Ok(())
            }
        }
    }
}

#[test]
fn seeded_mutations_of_every_reader_family_end_in_a_report_or_an_input_error() {
    let per_family = std::env::var("PERFREPORT_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(PER_FAMILY);
    let started = std::time::Instant::now();
    let templates = Arc::new(Templates::load(None).unwrap());
    let mut failures = Vec::new();
    let mut outcomes = [0usize; 2];
    for (k, family) in families().into_iter().enumerate() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (k as u64 + 1));
        for case in 0..per_family {
            let dir = tempfile::tempdir().unwrap();
            let (mutated, what) = mutate(&family.files[family.target].1, &mut rng);
            for (i, (name, bytes)) in family.files.iter().enumerate() {
                let bytes = if i == family.target { &mutated } else { bytes };
                std::fs::write(dir.path().join(name), bytes).unwrap();
            }
            let result = check(dir.path().to_path_buf(), templates.clone());
            outcomes[usize::from(result.is_err())] += 1;
            if let Err(why) = result {
                failures.push(format!("{} case {case} ({what}): {why}", family.name));
                if why.starts_with("no result") {
                    // The hung thread still holds the folder: leave it.
                    std::mem::forget(dir);
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} mutations failed:\n{}",
        failures.len(),
        outcomes[0] + outcomes[1],
        failures.join("\n")
    );
    eprintln!(
        "{} mutations in {:.1} s",
        outcomes[0],
        started.elapsed().as_secs_f64()
    );
}
