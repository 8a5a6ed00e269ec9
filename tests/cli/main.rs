//! perfreport's integration tests: the real binary on real fixtures.
#![allow(unreachable_pub, missing_docs)]
//! One test binary (`autotests = false`), one module per feature.

mod common;

/// Artillery JSON reports (1.x and 2.x) against the files' own figures.
mod artillery;
/// Exit codes 0/1/2 and the errors behind code 2.
mod exit_codes;
/// The generic per-request CSV, gzip, bad rows.
mod generic;
/// Locust readers: figures in summary.json against the CSVs' own numbers.
mod ingest;
/// k6 summaries (export and handleSummary) and NDJSON against the files.
mod k6;
/// report.md / index.html: snapshots, escaping, determinism, simulated labels.
mod render;
/// Scoring end to end: the 80-point example, expected failures, inconclusive rules.
mod sla;
