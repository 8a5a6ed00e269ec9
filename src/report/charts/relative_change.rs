//! The relative change of each endpoint's P95 against the baseline, as a
//! horizontal bar per endpoint (the total first), coloured by verdict, with
//! the SLA's relative P95 threshold as a dashed line.

use super::{
    bar, bar_chart, chart_error, draw_bar_target, draw_legend_at, short, svg, Chart, BLUE, GREEN,
    INK, SIZE, SKY, VERMILLION,
};
use crate::compare::verdict::Verdict;
use crate::compare::{Metric, RunComparison};
use crate::sla::regression::{Growth, Regression};
use plotters::prelude::*;

/// Most bars drawn; the rest (least traffic) are named in the caption.
const MAX_BARS: usize = 40;

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
                super::finite(c.relative()? * 100.0),
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
        let mut chart = bar_chart(
            root,
            NAME,
            "P95 change against the baseline",
            -reach..reach,
            &labels,
            ("P95, current vs baseline (%)", &|v| format!("{v:+.0} %")),
        )?;
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
            draw_bar_target(
                &mut chart,
                t,
                n,
                format!("regression threshold (+{t:.0} %)"),
            )?;
        }
        draw_legend_at(&mut chart, SeriesLabelPosition::LowerRight)?;
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
