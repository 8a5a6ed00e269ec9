//! Requests per second and failures per second over the run.

use super::{
    draw_legend, draw_line, elapsed, headroom, segments, svg, xy_chart, Chart, BLUE, SIZE,
    VERMILLION,
};
use crate::model::Run;
use plotters::prelude::*;

/// Draws requests/s and failures/s against elapsed time.
pub(super) fn draw(run: &Run, simulated: bool) -> anyhow::Result<Chart> {
    const NAME: &str = "throughput";
    let x = elapsed(run);
    let x_max = run.series.last().map_or(1.0, |p| x(p.t_s)).max(1.0);
    let y_max = run
        .series
        .iter()
        .flat_map(|p| [p.rps, p.failures_per_s])
        .flatten()
        .fold(0.0, f64::max);
    let svg = svg(NAME, SIZE, simulated, |root| {
        let mut chart = xy_chart(
            root,
            NAME,
            "Throughput and failures over the run",
            0.0..x_max,
            0.0..headroom(y_max),
            ("Elapsed time (s)", "Requests per second (req/s)"),
        )?;
        let rps = segments(run.series.iter().map(|p| (x(p.t_s), p.rps)));
        let fps = segments(run.series.iter().map(|p| (x(p.t_s), p.failures_per_s)));
        draw_line(&mut chart, rps, BLUE.stroke_width(3), "Requests/s")?;
        draw_line(&mut chart, fps, VERMILLION.stroke_width(2), "Failures/s")?;
        draw_legend(&mut chart)?;
        Ok(())
    })?;
    Ok(Chart {
        svg,
        caption: format!(
            "Requests and failures per second per history row of {}.",
            run.meta.tool
        ),
    })
}
