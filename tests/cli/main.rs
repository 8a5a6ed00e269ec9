//! perfreport's integration tests: the real binary on real fixtures.
#![allow(unreachable_pub, missing_docs)]
//! One test binary (`autotests = false`), one module per feature.

mod common;

/// ApacheBench -g TSV and -e percentile CSV.
mod ab;
/// Artillery JSON reports (1.x and 2.x) against the files' own figures.
mod artillery;
/// autocannon --json.
mod autocannon;
/// Baseline comparison, regression.md, JUnit and the GitHub step summary.
mod compare;
/// Evidence checks: the report says when its own numbers cannot be trusted.
mod evidence;
/// Exit codes 0/1/2 and the errors behind code 2.
mod exit_codes;
/// Gatling simulation.log and report stats files, binary and empty logs.
mod gatling;
/// The generic per-request CSV, gzip, bad rows.
mod generic;
/// hey -o csv.
mod hey;
/// Locust readers: figures in summary.json against the CSVs' own numbers.
mod ingest;
/// JMeter readers: JTL CSV/XML and dashboard statistics.json against independent computations.
mod jmeter;
/// k6 summaries (export and handleSummary) and NDJSON against the files.
mod k6;
/// Locust --json output.
mod locust_json;
/// oha -j, bare and wrapped.
mod oha;
/// The output folder as one unit: kills, signals, a second build.
mod outdir;
/// Large inputs: threads, fast paths and the endpoint cap give the figures of one general pass.
mod perf;
/// index.html printed to PDF by headless Chromium, read back with pdftotext.
mod print;
/// report.md / index.html: snapshots, escaping, determinism, simulated labels.
mod render;
/// Resource samples (docker stats, CSV, JSON), resource rules, inspect, distribution chart.
mod resources;
/// Scenario sets: the compliance matrix, capacity charts, breaking point, per-run pages.
mod scenarios;
/// Scoring end to end: the 80-point example, expected failures, inconclusive rules.
mod sla;
/// The terminal and the CLI: colour, wrapping, completions, man page, help examples.
mod terminal;
/// vegeta JSON report and per-request JSON lines.
mod vegeta;
/// wrk text output.
mod wrk;
