//! Each endpoint's P95 as a horizontal bar, against the SLA's P95 target.

use super::{
    bar, bar_chart, chart_error, draw_bar_target, draw_legend, short, svg, Chart, BLUE, SIZE,
    VERMILLION,
};
use crate::model::Percentile;
use crate::report::format;
use crate::stats::Figures;
use plotters::prelude::*;

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
                .map(|v| (short(&e.label), super::finite(v)))
        })
        .collect();
    let n = bars.len();
    let x_max = bars
        .iter()
        .map(|b| b.1)
        .chain(target_ms.map(super::finite))
        .fold(0.0, f64::max);
    let height = (110 + 30 * n as u32).max(220);
    let labels: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
    let svg = svg(NAME, (SIZE.0, height), simulated, |root| {
        // Extra room on the right keeps the longest bar clear of the legend.
        let mut chart = bar_chart(
            root,
            NAME,
            "P95 response time per endpoint",
            0.0..super::headroom(x_max) * 1.1,
            &labels,
            ("P95 response time (ms)", &|v| format!("{v:.0}")),
        )?;
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
            draw_bar_target(
                &mut chart,
                t,
                n,
                format!("SLA P95 target ({})", format::ms(t)),
            )?;
        }
        draw_legend(&mut chart)?;
        Ok(())
    })?;
    Ok(Chart {
        svg,
        caption: "Each endpoint's P95 against the SLA's P95 target (per-endpoint rule if the SLA has one).".to_string(),
    })
}
