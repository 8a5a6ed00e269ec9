//! Requests per second and failures per second over the run.

use super::{
    chart_error, draw_legend, draw_line, elapsed, headroom, segments, svg, Chart, BLUE, FONT, SIZE,
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
        let mut chart = ChartBuilder::on(root)
            .caption("Throughput and failures over the run", (FONT, 22))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..x_max, 0.0..headroom(y_max))
            .map_err(chart_error(NAME))?;
        chart
            .configure_mesh()
            .x_desc("Elapsed time (s)")
            .y_desc("Requests per second (req/s)")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .axis_desc_style((FONT, 15))
            .label_style((FONT, 13))
            .draw()
            .map_err(chart_error(NAME))?;
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
