//! Each endpoint's P95 as a horizontal bar, against the SLA's P95 target.

use super::{chart_error, svg, Chart, BLUE, FONT, INK, SIZE, VERMILLION};
use crate::model::Percentile;
use crate::report::format;
use crate::stats::Figures;
use plotters::prelude::*;

/// Longest endpoint name shown in full on the axis.
const MAX_LABEL: usize = 38;

/// Draws one bar per endpoint that has a P95; bars over `target_ms` are vermillion.
pub(super) fn draw(
    endpoints: &[Figures],
    target_ms: Option<f64>,
    simulated: bool,
) -> anyhow::Result<Chart> {
    const NAME: &str = "endpoint P95";
    let bars: Vec<(String, f64)> = endpoints
        .iter()
        .filter_map(|e| {
            e.latency
                .percentile(Percentile::P95)
                .map(|v| (short(&e.label), v))
        })
        .collect();
    let n = bars.len();
    let x_max = bars
        .iter()
        .map(|b| b.1)
        .chain(target_ms)
        .fold(0.0, f64::max);
    let height = (110 + 30 * n as u32).max(220);
    let labels: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
    let svg = svg(NAME, (SIZE.0, height), simulated, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption("P95 response time per endpoint", (FONT, 22))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(290)
            // Extra room on the right keeps the longest bar clear of the legend.
            .build_cartesian_2d(
                0.0..super::headroom(x_max) * 1.1,
                (0..n.saturating_sub(1).max(1)).into_segmented(),
            )
            .map_err(chart_error(NAME))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n.max(1))
            .y_label_formatter(&|v| match v {
                // The first endpoint at the top, in input order.
                SegmentValue::CenterOf(i) => n
                    .checked_sub(i + 1)
                    .and_then(|j| labels.get(j))
                    .cloned()
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .x_label_formatter(&|v| format!("{v:.0}"))
            .x_desc("P95 response time (ms)")
            .axis_desc_style((FONT, 15))
            .label_style((FONT, 13))
            .draw()
            .map_err(chart_error(NAME))?;
        let over = |v: f64| target_ms.is_some_and(|t| v >= t);
        if bars.iter().any(|b| !over(b.1)) {
            let within = bars.iter().enumerate().filter(|(_, b)| !over(b.1));
            chart
                .draw_series(within.map(|(i, b)| bar(n - 1 - i, b.1, BLUE)))
                .map_err(chart_error(NAME))?
                .label(if target_ms.is_some() {
                    "P95 within target"
                } else {
                    "P95"
                })
                .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], BLUE.filled()));
        }
        if bars.iter().any(|b| over(b.1)) {
            chart
                .draw_series(
                    bars.iter()
                        .enumerate()
                        .filter(|(_, b)| over(b.1))
                        .map(|(i, b)| bar(n - 1 - i, b.1, VERMILLION)),
                )
                .map_err(chart_error(NAME))?
                .label("P95 at or over target")
                .legend(|(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 18, y + 6)], VERMILLION.filled())
                });
        }
        if let Some(t) = target_ms {
            let style = INK.stroke_width(2);
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(t, SegmentValue::Exact(0)), (t, SegmentValue::Exact(n))],
                    8,
                    6,
                    style,
                ))
                .map_err(chart_error(NAME))?
                .label(format!("SLA P95 target ({})", format::ms(t)))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], style));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(INK)
            .label_font((FONT, 14))
            .draw()
            .map_err(chart_error(NAME))?;
        Ok(())
    })?;
    Ok(Chart {
        svg,
        caption: "Each endpoint's P95 against the SLA's P95 target (per-endpoint rule if the SLA has one).".to_string(),
    })
}

fn bar(i: usize, v: f64, color: RGBColor) -> Rectangle<(f64, SegmentValue<usize>)> {
    let mut r = Rectangle::new(
        [
            (0.0, SegmentValue::Exact(i)),
            (v, SegmentValue::Exact(i + 1)),
        ],
        color.filled(),
    );
    r.set_margin(5, 5, 0, 0);
    r
}

fn short(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL {
        label.to_string()
    } else {
        let head: String = label.chars().take(MAX_LABEL - 1).collect();
        format!("{head}…")
    }
}
