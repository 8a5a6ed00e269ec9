//! The relative change of each endpoint's P95 against the baseline, as a
//! horizontal bar per endpoint (the total first), coloured by verdict, with
//! the SLA's relative P95 threshold as a dashed line.

use super::{
    bar, bar_box, bar_chart, chart_error, draw_bar_target, short, svg, Chart, Key, Swatch, BLUE,
    GREEN, INK, SIZE, VERMILLION,
};
use crate::compare::verdict::Verdict;
use crate::compare::{Metric, RunComparison};
use crate::sla::regression::{Growth, Regression};
use plotters::prelude::*;

/// The colour of an inconclusive verdict (the reports' `--inconclusive`).
const GREY: RGBColor = RGBColor(0x77, 0x77, 0x77);
/// The colour of a pair that was not checked.
const LIGHT_GREY: RGBColor = RGBColor(0xBB, 0xBB, 0xBB);

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
    // The axis covers the changes (and the threshold) and 0, on one side of
    // 0 when every change is on one side.
    let lo = bars.iter().map(|b| b.1).fold(0.0, f64::min);
    let hi = bars
        .iter()
        .map(|b| b.1)
        .chain(threshold)
        .fold(0.0, f64::max);
    let pad = ((hi - lo) * 0.08).max(2.0);
    let x = (if lo < 0.0 { lo - pad } else { 0.0 })..(if hi > 0.0 { hi + pad } else { 0.0 });
    let height = (110 + 30 * n as u32).max(200);
    let labels: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
    let classes = [
        (Some(Verdict::Regressed), VERMILLION, "regressed"),
        (Some(Verdict::Improved), GREEN, "improved"),
        (
            Some(Verdict::WithinNoise),
            BLUE,
            "within threshold or noise",
        ),
        (
            Some(Verdict::Inconclusive),
            GREY,
            "inconclusive: too few requests to tell a change from noise",
        ),
        (None, LIGHT_GREY, "not checked"),
    ];
    let mut key: Key = classes
        .iter()
        .filter(|(v, _, _)| bars.iter().any(|b| b.2 == *v))
        .map(|(_, c, label)| (Swatch::Fill(c.to_rgba()), label.to_string()))
        .collect();
    if let Some(t) = threshold {
        key.push((
            Swatch::Dashed(INK, 2),
            format!("regression threshold (+{t:.0} %)"),
        ));
    }
    const TITLE: &str = "P95 change against the baseline";
    let svg = svg(NAME, TITLE, (SIZE.0, height), false, &key, |root, marks| {
        let span = x.end - x.start;
        let mut chart = bar_chart(
            root,
            NAME,
            TITLE,
            x,
            &labels,
            ("P95, current vs baseline (%)", &|v| {
                format!(
                    "{}{} %",
                    if *v > 0.0 { "+" } else { "" },
                    super::tick_label(span)(v)
                )
            }),
        )?;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, b)| {
                let color = classes
                    .iter()
                    .find(|c| c.0 == b.2)
                    .map_or(LIGHT_GREY, |c| c.1);
                bar(n - 1 - i, n, b.1, color)
            }))
            .map_err(chart_error(NAME))?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![
                    (0.0, SegmentValue::Exact(0)),
                    (0.0, SegmentValue::Exact(n.max(2))),
                ],
                INK.stroke_width(1),
            )))
            .map_err(chart_error(NAME))?;
        if let Some(t) = threshold {
            draw_bar_target(&mut chart, t, n)?;
        }
        for (i, b) in bars.iter().enumerate() {
            let (a, z) = bar_box(&chart, n - 1 - i, n, b.1);
            let verdict = classes
                .iter()
                .find(|c| c.0 == b.2)
                .map_or("not checked", |c| c.2);
            marks.add(a, z, format!("{}: P95 {:+.1} %, {verdict}", b.0, b.1));
        }
        Ok(())
    })?;
    let mut caption = "Relative change of each endpoint's P95 (total first), coloured by verdict; a bar beyond the threshold is a regression only when the change is also distinguishable from noise, and grey when there are too few requests to tell.".to_string();
    if left_out > 0 {
        caption.push_str(&format!(
            " {left_out} endpoints with the least traffic are not drawn."
        ));
    }
    Ok(Some(Chart { svg, caption }))
}
