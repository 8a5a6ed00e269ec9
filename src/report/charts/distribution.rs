//! The latency distribution of a raw-sample run: a histogram of response
//! times on a log-scaled x axis, with the run's P50, P95 and P99 marked.
//!
//! Bins are log-spaced, 10 a decade, but never finer than the data: when
//! every value is a whole millisecond (JMeter, Gatling) a bin edge is rounded
//! up to a whole millisecond, so no bin falls between two recorded values and
//! stays empty (which would draw a comb where the data has one smooth peak).

use super::{chart_error, svg, Chart, Key, Swatch, BLUE, FONT, GREEN, SIZE, VERMILLION};
use crate::model::{Percentile, Run};
use crate::report::format;
use crate::stats::histogram::LatencyHistogram;
use plotters::prelude::*;

/// Bins per decade of response time.
const BINS_PER_DECADE: f64 = 10.0;

/// One bar: its x extent (ms), the requests in it, and the values it holds, as text.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Bin {
    pub lo: f64,
    pub hi: f64,
    pub count: u64,
    pub label: String,
}

/// The coarsest of 1, 0.1 and 0.01 ms that every value is a multiple of,
/// within the histogram's 3-significant-digit precision; `None` when the
/// values are finer than 0.01 ms.
pub(super) fn resolution(values: &[f64]) -> Option<f64> {
    [1.0, 0.1, 0.01].into_iter().find(|r| {
        values.iter().all(|v| {
            let q = (v / r).round() * r;
            (v - q).abs() <= v.abs() * 1e-3 + 1e-9
        })
    })
}

/// The bins of (value ms, count) pairs, in ascending order of value.
pub(super) fn bins_of(buckets: &[(f64, u64)]) -> Vec<Bin> {
    let positive: Vec<f64> = buckets.iter().map(|b| b.0).filter(|v| *v > 0.0).collect();
    let (Some(lo), Some(hi)) = (
        positive.iter().copied().reduce(f64::min),
        positive.iter().copied().reduce(f64::max),
    ) else {
        return Vec::new();
    };
    let start = (lo.log10() * BINS_PER_DECADE).floor();
    let end = (hi.log10() * BINS_PER_DECADE).floor() + 1.0;
    let edge = |i: f64| 10f64.powf(i / BINS_PER_DECADE);
    match resolution(&positive) {
        Some(r) => {
            // Edges in whole units of `r`: bin [a, b) holds the values a..b-1,
            // drawn from a - ½ to b - ½ (a recorded value stands for its unit).
            let unit = |v: f64| ((v / r).round() as i64).max(1);
            let mut edges: Vec<i64> = (start as i64..=end as i64)
                .map(|i| (edge(i as f64) / r - 1e-9).ceil() as i64)
                .map(|e| e.max(1))
                .collect();
            edges.dedup();
            if let Some(last) = edges.last_mut() {
                *last = (*last).max(unit(hi) + 1);
            }
            let mut out: Vec<Bin> = edges
                .windows(2)
                .map(|w| Bin {
                    lo: (w[0] as f64 - 0.5) * r,
                    hi: (w[1] as f64 - 0.5) * r,
                    count: 0,
                    label: if w[1] - w[0] == 1 {
                        format::ms(w[0] as f64 * r)
                    } else {
                        format!(
                            "{}–{}",
                            format::trim_number(w[0] as f64 * r),
                            format::ms((w[1] - 1) as f64 * r)
                        )
                    },
                })
                .collect();
            for &(v, count) in buckets {
                let u = unit(v);
                let last = out.len().saturating_sub(1);
                let i = edges.partition_point(|e| *e <= u).saturating_sub(1);
                if let Some(b) = out.get_mut(i.min(last)) {
                    b.count += count;
                }
            }
            out
        }
        None => {
            let n = (end - start).max(1.0) as usize;
            let mut out: Vec<Bin> = (0..n)
                .map(|i| {
                    let (lo, hi) = (edge(start + i as f64), edge(start + i as f64 + 1.0));
                    Bin {
                        lo,
                        hi,
                        count: 0,
                        label: format!("{}–{}", format::trim_number(lo), format::ms(hi)),
                    }
                })
                .collect();
            for &(v, count) in buckets {
                let i = if v <= 0.0 {
                    0
                } else {
                    ((v.log10() * BINS_PER_DECADE).floor() - start).clamp(0.0, (n - 1) as f64)
                        as usize
                };
                out[i].count += count;
            }
            out
        }
    }
}

/// The bins of a histogram's recorded values.
pub(super) fn bins(h: &LatencyHistogram) -> Vec<Bin> {
    bins_of(&h.buckets_ms())
}

/// Draws the distribution of `run`'s response times; `None` when the run has
/// no per-request histogram (pre-aggregated formats).
pub(super) fn draw(run: &Run, simulated: bool) -> anyhow::Result<Option<Chart>> {
    const NAME: &str = "distribution";
    const TITLE: &str = "Response-time distribution";
    let Some(h) = run.totals.latency.histogram.as_deref() else {
        return Ok(None);
    };
    let bins = bins(h);
    let (Some(first), Some(last)) = (bins.first(), bins.last()) else {
        return Ok(None);
    };
    let (x_lo, x_hi) = (first.lo, last.hi);
    let y_max = bins.iter().map(|b| b.count).max().unwrap_or(1).max(1) as f64;
    let marks: Vec<(&str, f64, RGBColor)> = [
        ("P50", Percentile::P50, GREEN),
        ("P95", Percentile::P95, BLUE),
        ("P99", Percentile::P99, VERMILLION),
    ]
    .into_iter()
    .filter_map(|(l, p, c)| h.percentile_ms(p.percent()).map(|v| (l, v.max(x_lo), c)))
    .collect();
    let resolution = resolution(
        &h.buckets_ms()
            .iter()
            .map(|b| b.0)
            .filter(|v| *v > 0.0)
            .collect::<Vec<_>>(),
    );
    let bar_label = match resolution {
        Some(r) => format!(
            "Requests per bin (10 a decade, at least {} wide)",
            format::ms(r)
        ),
        None => "Requests per bin (10 a decade)".to_string(),
    };
    let mut key: Key = vec![(Swatch::Fill(BLUE.mix(0.45).to_rgba()), bar_label)];
    for (label, v, color) in &marks {
        key.push((
            Swatch::Dashed(*color, 2),
            format!("{label} {}", format::ms(*v)),
        ));
    }
    let svg = svg(NAME, TITLE, SIZE, simulated, &key, |root, hover| {
        let mut chart = ChartBuilder::on(root)
            .caption(TITLE, (FONT, 22))
            .margin(12)
            .margin_right(28)
            .x_label_area_size(48)
            .y_label_area_size(74)
            .build_cartesian_2d((x_lo..x_hi).log_scale(), 0.0..y_max * 1.1)
            .map_err(chart_error(NAME))?;
        let mut mesh = chart.configure_mesh();
        super::mesh_style(&mut mesh);
        mesh.x_desc("Response time (ms, log scale)")
            .y_desc("Requests")
            .x_labels(8)
            .x_label_formatter(&|v| format::trim_number(*v))
            .y_label_formatter(&super::count_tick)
            .draw()
            .map_err(chart_error(NAME))?;
        chart
            .draw_series(bins.iter().filter(|b| b.count > 0).map(|b| {
                Rectangle::new(
                    [(b.lo, 0.0), (b.hi, b.count as f64)],
                    BLUE.mix(0.45).filled(),
                )
            }))
            .map_err(chart_error(NAME))?;
        for (_, v, color) in &marks {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(*v, 0.0), (*v, y_max * 1.1)],
                    6,
                    4,
                    color.stroke_width(2),
                ))
                .map_err(chart_error(NAME))?;
        }
        for b in bins.iter().filter(|b| b.count > 0) {
            hover.add(
                chart.backend_coord(&(b.lo, 0.0)),
                chart.backend_coord(&(b.hi, b.count as f64)),
                format!("{}: {} requests", b.label, format::count(b.count)),
            );
        }
        Ok(())
    })?;
    Ok(Some(Chart {
        svg,
        caption: format!(
            "How the {} timed requests of the run spread over response times: bars count requests in log-spaced bins, never narrower than the data's resolution; dashed lines mark P50, P95 and P99 (from the run's histogram, 3 significant digits).",
            format::count(h.count())
        ),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_millisecond_data_leaves_no_empty_bin_between_its_values() {
        // Every whole millisecond from 1 to 30 recorded once.
        let buckets: Vec<(f64, u64)> = (1..=30).map(|v| (v as f64, 1)).collect();
        assert_eq!(resolution(&[1.0, 2.0, 17.0]), Some(1.0));
        let bins = bins_of(&buckets);
        assert!(bins.iter().all(|b| b.count > 0), "{bins:?}");
        assert_eq!(bins.iter().map(|b| b.count).sum::<u64>(), 30);
        // Below 10 ms each whole millisecond that a 10-a-decade edge
        // separates gets its own bin: 1, 2, 3, then 4–5, 6, 7, 8–9.
        let labels: Vec<&str> = bins.iter().take(7).map(|b| b.label.as_str()).collect();
        assert_eq!(
            labels,
            ["1 ms", "2 ms", "3 ms", "4–5 ms", "6 ms", "7 ms", "8–9 ms"]
        );
        // Bars join: each ends where the next begins.
        assert!(bins.windows(2).all(|w| w[0].hi == w[1].lo));
    }

    #[test]
    fn sub_millisecond_data_keeps_plain_log_bins() {
        let buckets = vec![(0.213, 4), (0.377, 2), (1.5, 1)];
        assert_eq!(resolution(&[0.213, 0.377, 1.5]), None);
        let bins = bins_of(&buckets);
        assert_eq!(bins.iter().map(|b| b.count).sum::<u64>(), 7);
        assert!((bins[0].lo - 10f64.powf(-0.7)).abs() < 1e-12);
    }

    #[test]
    fn hdr_rounding_of_whole_milliseconds_still_counts_as_whole() {
        // 3 significant digits: 1,234 ms may come back as 1,234.5.
        assert_eq!(resolution(&[5.0, 1234.5, 80.0]), Some(1.0));
        assert_eq!(resolution(&[5.1, 12.3]), Some(0.1));
    }
}
