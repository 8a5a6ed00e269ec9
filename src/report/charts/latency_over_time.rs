//! Response-time percentiles over the run, with the SLA's P95 target.

use super::{
    draw_legend, draw_line, draw_target, elapsed, headroom, segments, svg, xy_chart, Chart, BLUE,
    GREEN, SIZE, VERMILLION,
};
use crate::model::{Run, SeriesPoint};
use crate::report::format;
use plotters::prelude::*;

/// Draws P50/P95/P99 against elapsed time; `target_ms` adds the SLA line.
pub(super) fn draw(run: &Run, target_ms: Option<f64>, simulated: bool) -> anyhow::Result<Chart> {
    const NAME: &str = "response-time";
    let x = elapsed(run);
    let x_max = run.series.last().map_or(1.0, |p| x(p.t_s)).max(1.0);
    let y_max = run
        .series
        .iter()
        .flat_map(|p| [p.p50_ms, p.p95_ms, p.p99_ms])
        .flatten()
        .chain(target_ms)
        .fold(0.0, f64::max);
    let series =
        |f: fn(&SeriesPoint) -> Option<f64>| segments(run.series.iter().map(|p| (x(p.t_s), f(p))));
    let svg = svg(NAME, SIZE, simulated, |root| {
        let mut chart = xy_chart(
            root,
            NAME,
            "Response time over the run",
            0.0..x_max,
            0.0..headroom(y_max),
            ("Elapsed time (s)", "Response time (ms)"),
        )?;
        draw_line(
            &mut chart,
            series(|p| p.p50_ms),
            GREEN.stroke_width(2),
            "P50",
        )?;
        draw_line(
            &mut chart,
            series(|p| p.p95_ms),
            BLUE.stroke_width(3),
            "P95",
        )?;
        draw_line(
            &mut chart,
            series(|p| p.p99_ms),
            VERMILLION.stroke_width(2),
            "P99",
        )?;
        if let Some(t) = target_ms {
            draw_target(
                &mut chart,
                (0.0, x_max),
                t,
                &format!("SLA P95 target ({})", format::ms(t)),
            )?;
        }
        draw_legend(&mut chart)?;
        Ok(())
    })?;
    Ok(Chart {
        svg,
        caption: format!(
            "P50, P95 and P99 response time per history row of {} (over its rolling window), with the SLA's P95 target.",
            run.meta.tool
        ),
    })
}
