//! Each endpoint's P95 as a horizontal bar, with its P50 and P99 as ticks,
//! against the SLA's P95 target: the slowest [`MAX_BARS`] endpoints (by P95),
//! in natural name order; the endpoint table lists them all.

use super::{
    bar, bar_box, bar_chart, chart_error, draw_bar_target, natural_cmp, short, svg, Chart, Key,
    Swatch, BLUE, GREEN, INK, SIZE, VERMILLION,
};
use crate::model::Percentile;
use crate::report::format;
use crate::stats::Figures;
use plotters::prelude::*;

/// Most endpoints drawn.
pub(super) const MAX_BARS: usize = 25;

/// One row: label, P50, P95, P99.
type Row = (String, Option<f64>, Option<f64>, Option<f64>);

/// Each endpoint's row, for those with a percentile.
fn rows_of(endpoints: &[Figures]) -> Vec<Row> {
    endpoints
        .iter()
        .map(|e| {
            let p = |q| e.latency.percentile(q);
            (
                e.label.clone(),
                p(Percentile::P50),
                p(Percentile::P95),
                p(Percentile::P99),
            )
        })
        .filter(|r| r.1.is_some() || r.2.is_some() || r.3.is_some())
        .collect()
}

/// The rows drawn and how many are left out.
fn pick(mut rows: Vec<Row>) -> (Vec<Row>, usize) {
    let left_out = rows.len().saturating_sub(MAX_BARS);
    // Slowest first by P95 (then P99, P50), ties by name; keep MAX_BARS.
    let slowness = |r: &Row| r.2.or(r.3).or(r.1).unwrap_or(0.0);
    rows.sort_by(|a, b| {
        slowness(b)
            .total_cmp(&slowness(a))
            .then_with(|| natural_cmp(&a.0, &b.0))
    });
    rows.truncate(MAX_BARS);
    rows.sort_by(|a, b| natural_cmp(&a.0, &b.0));
    (rows, left_out)
}

/// Draws the chart; `None` when no endpoint has a percentile.
pub(super) fn draw(
    endpoints: &[Figures],
    target_ms: Option<f64>,
    simulated: bool,
) -> anyhow::Result<Option<Chart>> {
    const NAME: &str = "endpoint percentiles";
    let (rows, left_out) = pick(rows_of(endpoints));
    if rows.is_empty() {
        return Ok(None);
    }
    let n = rows.len();
    let title = if left_out > 0 {
        format!(
            "Response time per endpoint: the {n} slowest of {}",
            n + left_out
        )
    } else {
        "Response time per endpoint".to_string()
    };
    let x_max = rows
        .iter()
        .flat_map(|r| [r.1, r.2, r.3])
        .flatten()
        .chain(target_ms)
        .fold(0.0, f64::max);
    let height = (110 + 30 * n as u32).max(200);
    let labels: Vec<String> = rows.iter().map(|r| short(&r.0)).collect();
    let over = |v: f64| target_ms.is_some_and(|t| v >= t);
    let mut key: Key = Vec::new();
    let p95s = rows.iter().filter_map(|r| r.2);
    if p95s.clone().any(|v| !over(v)) {
        let label = if target_ms.is_some() {
            "P95 within target"
        } else {
            "P95"
        };
        key.push((Swatch::Fill(BLUE.to_rgba()), label.to_string()));
    }
    if p95s.clone().any(over) {
        key.push((
            Swatch::Fill(VERMILLION.to_rgba()),
            "P95 at or over target".to_string(),
        ));
    }
    if rows.iter().any(|r| r.1.is_some()) {
        key.push((Swatch::Line(GREEN, 4), "P50".to_string()));
    }
    if rows.iter().any(|r| r.3.is_some()) {
        key.push((Swatch::Line(INK, 4), "P99".to_string()));
    }
    if let Some(t) = target_ms {
        key.push((
            Swatch::Dashed(INK, 2),
            format!("SLA P95 target ({})", format::ms(t)),
        ));
    }
    let svg = svg(
        NAME,
        &title,
        (SIZE.0, height),
        simulated,
        &key,
        |root, marks| {
            let mut chart = bar_chart(
                root,
                NAME,
                &title,
                0.0..super::headroom(x_max),
                &labels,
                ("Response time (ms)", &super::tick_label(x_max)),
            )?;
            // Row i of the chart counts from the bottom; the first name is at the top.
            let row_of = |i: usize| n - 1 - i;
            chart
                .draw_series(rows.iter().enumerate().filter_map(|(i, r)| {
                    let v = r.2?;
                    Some(bar(
                        row_of(i),
                        n,
                        v,
                        if over(v) { VERMILLION } else { BLUE },
                    ))
                }))
                .map_err(chart_error(NAME))?;
            // P50 and P99 as short vertical ticks across the middle of the row,
            // in pixels of the plot (which starts at the SVG's top left).
            for (i, r) in rows.iter().enumerate() {
                for (v, color) in [(r.1, GREEN), (r.3, INK)] {
                    let Some(v) = v else { continue };
                    let (lo, hi) = bar_box(&chart, row_of(i), n, v);
                    let mid = (lo.1 + hi.1) / 2;
                    let half = ((lo.1 - hi.1).abs() / 2 - 3).max(4);
                    root.draw(&PathElement::new(
                        vec![(hi.0, mid - half), (hi.0, mid + half)],
                        color.stroke_width(4),
                    ))
                    .map_err(chart_error(NAME))?;
                }
            }
            if let Some(t) = target_ms {
                draw_bar_target(&mut chart, t, n)?;
            }
            for (i, r) in rows.iter().enumerate() {
                let figures: Vec<String> = [("P50", r.1), ("P95", r.2), ("P99", r.3)]
                    .into_iter()
                    .filter_map(|(l, v)| v.map(|v| format!("{l} {}", format::ms(v))))
                    .collect();
                let reach = r.3.or(r.2).or(r.1).unwrap_or(0.0).max(x_max * 0.02);
                let (a, b) = bar_box(&chart, row_of(i), n, reach);
                marks.add(a, b, format!("{}: {}", r.0, figures.join(", ")));
            }
            Ok(())
        },
    )?;
    let mut caption = "Each endpoint's P95 (bar), P50 and P99 (ticks) against the SLA's P95 target (the per-endpoint rule if the SLA has one).".to_string();
    if left_out > 0 {
        caption.push_str(&format!(
            " Only the {n} endpoints with the highest P95 are drawn; {left_out} more are in the Endpoints table."
        ));
    }
    Ok(Some(Chart { svg, caption }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slowest_are_drawn_in_natural_order_and_the_rest_counted() {
        // request_0 … request_39, P95 = 10 × index: the slowest 25 are 15…39.
        let all: Vec<Row> = (0..40)
            .map(|i| (format!("request_{i}"), None, Some(10.0 * i as f64), None))
            .collect();
        let (rows, left_out) = pick(all);
        assert_eq!(left_out, 15);
        let names: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        let expected: Vec<String> = (15..40).map(|i| format!("request_{i}")).collect();
        assert_eq!(names, expected);
    }
}
