//! Active users over the run.

use super::{
    draw_legend, draw_line, elapsed, headroom, segments, svg, xy_chart, Chart, PURPLE, SIZE,
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
        let mut chart = xy_chart(
            root,
            NAME,
            "Active users over the run",
            0.0..x_max,
            0.0..headroom(y_max),
            ("Elapsed time (s)", "Users"),
        )?;
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
