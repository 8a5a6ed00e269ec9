//! The relative change of each endpoint's P95 against the baseline, as a
//! horizontal bar per endpoint (the total first), coloured by verdict, with
//! the SLA's relative P95 threshold as a dashed line.

use super::{chart_error, svg, Chart, BLUE, FONT, GREEN, INK, SIZE, SKY, VERMILLION};
use crate::compare::verdict::Verdict;
use crate::compare::{Metric, RunComparison};
use crate::sla::regression::{Growth, Regression};
use plotters::prelude::*;

/// Most bars drawn; the rest (least traffic) are named in the caption.
const MAX_BARS: usize = 40;
/// Longest endpoint name shown in full on the axis.
const MAX_LABEL: usize = 38;

/// Draws the chart for one pair of runs; `None` when no row has both P95s.
pub(crate) fn draw(run: &RunComparison, regression: &Regression) -> anyhow::Result<Option<Chart>> {
    const NAME: &str = "relative change";
    let mut bars: Vec<(String, f64, Option<Verdict>, u64)> = run
        .rows
        .iter()
        .filter_map(|row| {
            let c = row.checks.iter().find(|c| c.metric == Metric::P95)?;
            Some((
                short(&row.label),
                c.relative()? * 100.0,
                c.verdict,
                if row.total {
                    u64::MAX
                } else {
                    row.requests.1.unwrap_or(0)
                },
            ))
        })
        .collect();
    if bars.is_empty() {
        return Ok(None);
    }
    let left_out = bars.len().saturating_sub(MAX_BARS);
    if left_out > 0 {
        let mut by_traffic: Vec<usize> = (0..bars.len()).collect();
        by_traffic.sort_by_key(|&i| std::cmp::Reverse(bars[i].3));
        let keep: std::collections::BTreeSet<usize> =
            by_traffic.into_iter().take(MAX_BARS).collect();
        bars = bars
            .into_iter()
            .enumerate()
            .filter(|(i, _)| keep.contains(i))
            .map(|(_, b)| b)
            .collect();
    }
    let threshold = match regression.p95 {
        Some(Growth::Relative(r)) => Some(r * 100.0),
        _ => None,
    };
    let n = bars.len();
    let reach = bars
        .iter()
        .map(|b| b.1.abs())
        .chain(threshold)
        .fold(10.0, f64::max)
        * 1.15;
    let height = (110 + 30 * n as u32).max(220);
    let labels: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
    let svg = svg(NAME, (SIZE.0, height), false, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption("P95 change against the baseline", (FONT, 22))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(290)
            .build_cartesian_2d(
                -reach..reach,
                (0..n.saturating_sub(1).max(1)).into_segmented(),
            )
            .map_err(chart_error(NAME))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n.max(1))
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => n
                    .checked_sub(i + 1)
                    .and_then(|j| labels.get(j))
                    .cloned()
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .x_label_formatter(&|v| format!("{v:+.0} %"))
            .x_desc("P95, current vs baseline (%)")
            .axis_desc_style((FONT, 15))
            .label_style((FONT, 13))
            .draw()
            .map_err(chart_error(NAME))?;
        for (verdict, color, label) in [
            (Some(Verdict::Regressed), VERMILLION, "regressed"),
            (Some(Verdict::Improved), GREEN, "improved"),
            (
                Some(Verdict::WithinNoise),
                BLUE,
                "within threshold or noise",
            ),
            (
                Some(Verdict::Inconclusive),
                SKY,
                "inconclusive (too little data)",
            ),
            (None, SKY, "not checked"),
        ] {
            if !bars.iter().any(|b| b.2 == verdict) {
                continue;
            }
            chart
                .draw_series(
                    bars.iter()
                        .enumerate()
                        .filter(|(_, b)| b.2 == verdict)
                        .map(|(i, b)| bar(n - 1 - i, b.1, color)),
                )
                .map_err(chart_error(NAME))?
                .label(label)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 18, y + 6)], color.filled())
                });
        }
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, SegmentValue::Exact(0)), (0.0, SegmentValue::Exact(n))],
                INK.stroke_width(1),
            )))
            .map_err(chart_error(NAME))?;
        if let Some(t) = threshold {
            let style = INK.stroke_width(2);
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(t, SegmentValue::Exact(0)), (t, SegmentValue::Exact(n))],
                    8,
                    6,
                    style,
                ))
                .map_err(chart_error(NAME))?
                .label(format!("regression threshold (+{t:.0} %)"))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], style));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.85))
            .border_style(INK)
            .label_font((FONT, 14))
            .draw()
            .map_err(chart_error(NAME))?;
        Ok(())
    })?;
    let mut caption = "Relative change of each endpoint's P95 (total first), coloured by verdict; a bar beyond the threshold is a regression only when the change is also distinguishable from noise.".to_string();
    if left_out > 0 {
        caption.push_str(&format!(
            " {left_out} endpoints with the least traffic are not drawn."
        ));
    }
    Ok(Some(Chart { svg, caption }))
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
