//! ApacheBench (`ab`) files:
//!
//! - `-g FILE`, the gnuplot TSV: one row per request,
//!   `starttime seconds ctime dtime ttime wait` (tab-separated), where `seconds` is the
//!   request start in Unix seconds (whole seconds only), `ctime` the connect
//!   time, `dtime` the processing time, `ttime` the total time and `wait` the
//!   time to first byte, all in whole MILLISECONDS. Rows are sorted by `ttime`,
//!   not by time. The response time is `ttime`.
//! - `-e FILE`, the percentile CSV: `Percentage served,Time in ms` and one row
//!   per percentage 0..100: the whole run's percentiles as ab computed them
//!   (0 is the fastest request, 100 the slowest).
//!
//! ab tests one URL and writes it in neither file, so every request goes to one
//! endpoint named `(all requests)`.
//!
//! Neither file records failures: the `-g` rows have no status and no error, so
//! every request counts as a success and the run carries a note saying failures
//! are unknown. The `-e` file has no request count either (it is read as 0,
//! with a note): take counts from ab's printed summary.

use super::csvfile::{CsvFile, Row};
use super::hey::ALL_REQUESTS;
use super::{ReadOptions, Reader, RunBuilder};
use crate::error::{InputError, Position};
use crate::model::{EndpointStats, LatencyStats, Percentile, Precision, Sample};
use std::path::Path;

/// The note every ab `-g` run carries.
pub const NO_FAILURES_NOTE: &str =
    "ab -g does not record failures: error-rate rules cannot be judged from it";

fn first_line(head: &[u8]) -> String {
    let first = head.split(|b| *b == b'\n').next().unwrap_or_default();
    String::from_utf8_lossy(first)
        .trim_start_matches('\u{feff}')
        .trim()
        .to_string()
}

/// The ab `-g` gnuplot TSV reader.
pub struct Gnuplot;

impl Reader for Gnuplot {
    fn shards(&self) -> super::Shards {
        super::Shards::PerRequest
    }
    fn id(&self) -> &'static str {
        "ab-gnuplot"
    }

    fn describe(&self) -> &'static str {
        "ApacheBench per-request TSV (ab -g run.tsv URL)"
    }

    fn sniff(&self, _name: &str, head: &[u8]) -> bool {
        let line = first_line(head);
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        cols == ["starttime", "seconds", "ctime", "dtime", "ttime", "wait"]
    }

    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        opts: &ReadOptions,
    ) -> Result<(), InputError> {
        builder.tool("ab", None);
        let mut file = CsvFile::open_with(path, b'\t')?;
        let seconds = file.require(&["seconds"])?;
        let ttime = file.require(&["ttime"])?;
        builder.note(NO_FAILURES_NOTE);
        builder.no_failure_data();
        builder.note(
            "ab -g gives request starts in whole seconds: the duration and requests/s are good to about a second",
        );
        file.each_row(builder, opts.skip_bad_rows, |row, builder| {
            record(row, seconds, ttime, builder)
        })?;
        Ok(())
    }
}

fn needed(row: &Row<'_>, i: usize, what: &str) -> Result<f64, InputError> {
    match row.f64(i)? {
        Some(v) if v >= 0.0 => Ok(v),
        Some(v) => Err(row.error(Some(i), format!("`{v}` in column `{what}` is negative"))),
        None => Err(row.error(Some(i), format!("the `{what}` cell is empty"))),
    }
}

fn record(
    row: &Row<'_>,
    seconds: usize,
    ttime: usize,
    builder: &mut RunBuilder,
) -> Result<(), InputError> {
    let start_s = needed(row, seconds, "seconds")?;
    let total_ms = needed(row, ttime, "ttime")?;
    builder.record(&Sample {
        start_ms: Some(start_s * 1000.0),
        latency_ms: Some(total_ms),
        method: "",
        name: ALL_REQUESTS,
        // ab -g has no status and no error: see NO_FAILURES_NOTE.
        ok: true,
        status: None,
        error: None,
        users: None,
        bytes: None,
    });
    Ok(())
}

/// The ab `-e` percentile CSV reader.
pub struct Percentiles;

impl Reader for Percentiles {
    fn id(&self) -> &'static str {
        "ab-percentiles"
    }

    fn describe(&self) -> &'static str {
        "ApacheBench percentile CSV (ab -e pct.csv URL)"
    }

    fn sniff(&self, _name: &str, head: &[u8]) -> bool {
        first_line(head).eq_ignore_ascii_case("Percentage served,Time in ms")
    }

    fn read(
        &self,
        path: &Path,
        builder: &mut RunBuilder,
        _opts: &ReadOptions,
    ) -> Result<(), InputError> {
        builder.tool("ab", None);
        let mut file = CsvFile::open(path)?;
        let pct_col = file.require(&["Percentage served"])?;
        let ms_col = file.require(&["Time in ms"])?;
        let mut latency = LatencyStats {
            precision: Precision::Tool,
            ..LatencyStats::default()
        };
        let mut rows = 0u64;
        while let Some(row) = file.next_row()? {
            rows += 1;
            let pct = needed(&row, pct_col, "Percentage served")?;
            let ms = needed(&row, ms_col, "Time in ms")?;
            let p = Percentile::from_percent(pct).ok_or_else(|| {
                row.error(
                    Some(pct_col),
                    format!("`{pct}` is not a percentage in 0..100"),
                )
            })?;
            if p.percent() == 0.0 {
                latency.min_ms = Some(ms);
                continue;
            }
            if p == Percentile::P100 {
                latency.max_ms = Some(ms);
            }
            latency.percentiles.insert(p, ms);
        }
        if rows == 0 {
            return Err(InputError::at(
                path,
                Position {
                    line: 1,
                    column: None,
                },
                "the file has a header but no percentiles",
            ));
        }
        builder.note(
            "ab -e holds only percentiles: the request and failure counts are unknown; \
             error-rate and throughput rules cannot be judged from it",
        );
        builder.no_failure_data();
        builder.no_request_counts();
        let stats = |name: &str| EndpointStats {
            source: Some(super::whole_file(path)),
            method: String::new(),
            name: name.to_string(),
            requests: 0,
            failures: 0,
            throughput_rps: None,
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

    /// The percentiles of an `-e` file as (percent, ms), parsed apart from the reader.
    fn parse_pct(text: &str) -> std::collections::BTreeMap<u32, f64> {
        text.lines()
            .skip(1)
            .filter_map(|l| {
                let (a, b) = l.split_once(',')?;
                Some((a.parse().ok()?, b.parse().ok()?))
            })
            .collect()
    }

    #[test]
    fn sniffs_both_files_by_their_header() {
        assert!(Gnuplot.sniff(
            "x.dat",
            b"starttime\tseconds\tctime\tdtime\tttime\twait\nMon Nov 23 11:22:13 2026\t1795432933\t1\t11\t12\t11\n"
        ));
        assert!(!Gnuplot.sniff("x.tsv", b"starttime,seconds,ctime,dtime,ttime,wait\n"));
        assert!(Percentiles.sniff("x.csv", b"Percentage served,Time in ms\n0,1.5\n"));
        assert!(!Percentiles.sniff("x.csv", b"Percentage,Time\n"));
    }

    #[test]
    fn gnuplot_rows_are_read_with_the_no_failures_note() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("g.tsv");
        std::fs::write(
            &p,
            "starttime\tseconds\tctime\tdtime\tttime\twait\nMon Nov 23 11:22:14 2026\t1795432934\t0\t30\t30\t29\nMon Nov 23 11:22:13 2026\t1795432933\t1\t11\t12\t11\n",
        )
        .unwrap();
        let mut b = RunBuilder::new();
        Gnuplot.read(&p, &mut b, &ReadOptions::default()).unwrap();
        let run = b.build(crate::model::RunMeta::default()).unwrap();
        assert_eq!(run.totals.requests, 2);
        assert_eq!(run.meta.started_at_s, Some(1_795_432_933.0));
        assert_eq!(run.totals.latency.max_ms, Some(30.0));
        assert!(run.meta.reader_notes.iter().any(|n| n == NO_FAILURES_NOTE));
    }

    #[test]
    fn percentile_csv_gives_min_max_and_percentiles() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pct.csv");
        let text = "Percentage served,Time in ms\n0,11.874\n50,67.1\n95,79.5\n100,91.836\n";
        std::fs::write(&p, text).unwrap();
        let mut b = RunBuilder::new();
        Percentiles
            .read(&p, &mut b, &ReadOptions::default())
            .unwrap();
        let run = b.build(crate::model::RunMeta::default()).unwrap();
        let l = &run.totals.latency;
        let want = parse_pct(text);
        assert_eq!(l.min_ms, Some(want[&0]));
        assert_eq!(l.max_ms, Some(want[&100]));
        assert_eq!(l.percentile(Percentile::P95), Some(want[&95]));
        assert_eq!(l.percentile(Percentile::P99), None, "not in the file");
        assert_eq!(l.precision, Precision::Tool);
        assert_eq!(run.meta.reader_notes.len(), 1);
    }
}
