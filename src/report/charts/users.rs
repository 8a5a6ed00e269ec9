//! Active users over the run.

use super::{
    chart_error, draw_legend, draw_line, elapsed, headroom, segments, svg, Chart, FONT, PURPLE,
    SIZE,
};
use crate::model::Run;
use plotters::prelude::*;

/// Draws the user count against elapsed time.
pub(super) fn draw(run: &Run, simulated: bool) -> anyhow::Result<Chart> {
    const NAME: &str = "users";
    let x = elapsed(run);
    let x_max = run.series.last().map_or(1.0, |p| x(p.t_s)).max(1.0);
    let y_max = run.series.iter().filter_map(|p| p.users).max().unwrap_or(0) as f64;
    let svg = svg(NAME, (SIZE.0, 300), simulated, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption("Active users over the run", (FONT, 22))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..x_max, 0.0..headroom(y_max))
            .map_err(chart_error(NAME))?;
        chart
            .configure_mesh()
            .x_desc("Elapsed time (s)")
            .y_desc("Users")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .axis_desc_style((FONT, 15))
            .label_style((FONT, 13))
            .draw()
            .map_err(chart_error(NAME))?;
        let users = segments(
            run.series
                .iter()
                .map(|p| (x(p.t_s), p.users.map(|u| u as f64))),
        );
        draw_line(&mut chart, users, PURPLE.stroke_width(3), "Active users")?;
        draw_legend(&mut chart)?;
        Ok(())
    })?;
    Ok(Chart {
        svg,
        caption: format!("Concurrent users per history row of {}.", run.meta.tool),
    })
}
