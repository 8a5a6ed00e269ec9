//! The latency distribution of a raw-sample run: a histogram of response
//! times on a log-scaled x axis, with the run's P50, P95 and P99 marked.

use super::{chart_error, svg, Chart, BLUE, FONT, GREEN, SIZE, VERMILLION};
use crate::model::{Percentile, Run};
use crate::report::format;
use crate::stats::histogram::LatencyHistogram;
use plotters::prelude::*;

/// Bins per decade of response time.
const BINS_PER_DECADE: f64 = 10.0;

/// Log-spaced bins over the histogram's values: (low ms, high ms, requests).
pub(super) fn bins(h: &LatencyHistogram) -> Vec<(f64, f64, u64)> {
    let buckets = h.buckets_ms();
    // Sub-microsecond values are recorded as 0; put them in the first bin.
    let positive: Vec<f64> = buckets.iter().map(|b| b.0).filter(|v| *v > 0.0).collect();
    let (Some(lo), Some(hi)) = (
        positive.iter().copied().reduce(f64::min),
        positive.iter().copied().reduce(f64::max),
    ) else {
        return Vec::new();
    };
    let start = (lo.log10() * BINS_PER_DECADE).floor();
    let end = (hi.log10() * BINS_PER_DECADE).floor() + 1.0;
    let n = (end - start).max(1.0) as usize;
    let edge = |i: f64| 10f64.powf((start + i) / BINS_PER_DECADE);
    let mut out: Vec<(f64, f64, u64)> = (0..n)
        .map(|i| (edge(i as f64), edge(i as f64 + 1.0), 0))
        .collect();
    for (v, count) in buckets {
        let i = if v <= 0.0 {
            0
        } else {
            ((v.log10() * BINS_PER_DECADE).floor() - start).clamp(0.0, (n - 1) as f64) as usize
        };
        out[i].2 += count;
    }
    out
}

/// Draws the distribution of `run`'s response times; `None` when the run has
/// no per-request histogram (pre-aggregated formats).
pub(super) fn draw(run: &Run, simulated: bool) -> anyhow::Result<Option<Chart>> {
    const NAME: &str = "distribution";
    let Some(h) = run.totals.latency.histogram.as_deref() else {
        return Ok(None);
    };
    let bins = bins(h);
    let (Some(first), Some(last)) = (bins.first(), bins.last()) else {
        return Ok(None);
    };
    let (x_lo, x_hi) = (first.0, last.1);
    let y_max = bins.iter().map(|b| b.2).max().unwrap_or(1).max(1) as f64;
    let marks: Vec<(&str, f64, RGBColor)> = [
        ("P50", Percentile::P50, GREEN),
        ("P95", Percentile::P95, BLUE),
        ("P99", Percentile::P99, VERMILLION),
    ]
    .into_iter()
    .filter_map(|(l, p, c)| h.percentile_ms(p.percent()).map(|v| (l, v.max(x_lo), c)))
    .collect();
    let svg = svg(NAME, SIZE, simulated, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption("Response-time distribution", (FONT, 22))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(70)
            .build_cartesian_2d(
                super::log_axis(x_lo, x_hi).log_scale(),
                super::axis(0.0, y_max * 1.25),
            )
            .map_err(chart_error(NAME))?;
        chart
            .configure_mesh()
            .x_desc("Response time (ms, log scale)")
            .y_desc("Requests")
            .x_label_formatter(&|v| format::trim_number(*v))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .axis_desc_style((FONT, 15))
            .label_style((FONT, 13))
            .draw()
            .map_err(chart_error(NAME))?;
        chart
            .draw_series(bins.iter().filter(|b| b.2 > 0).map(|&(lo, hi, n)| {
                Rectangle::new([(lo, 0.0), (hi, n as f64)], BLUE.mix(0.45).filled())
            }))
            .map_err(chart_error(NAME))?
            .label("Requests per bin (10 bins a decade)")
            .legend(|(x, y)| {
                Rectangle::new([(x, y - 5), (x + 20, y + 5)], BLUE.mix(0.45).filled())
            });
        for (label, v, color) in &marks {
            let style = color.stroke_width(2);
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(*v, 0.0), (*v, y_max * 1.25)],
                    6,
                    4,
                    style,
                ))
                .map_err(chart_error(NAME))?
                .label(format!("{label} {}", format::ms(*v)))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], style));
        }
        super::draw_legend(&mut chart)?;
        Ok(())
    })?;
    Ok(Some(Chart {
        svg,
        caption: format!(
            "How the {} timed requests of the run spread over response times: bars count requests in log-spaced bins; dashed lines mark P50, P95 and P99 (from the run's histogram, 3 significant digits).",
            format::count(h.count())
        ),
    }))
}
