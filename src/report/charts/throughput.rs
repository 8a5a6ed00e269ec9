//! Requests per second and failures per second over the run.

use super::{
    draw_line, elapsed, headroom, segments, svg, time_marks, xy_chart, Chart, Key, Swatch, BLUE,
    SIZE, VERMILLION,
};
use crate::model::Run;
use crate::report::format;
use plotters::prelude::*;

/// Draws requests/s and failures/s against elapsed time.
pub(super) fn draw(run: &Run, simulated: bool) -> anyhow::Result<Chart> {
    const NAME: &str = "throughput";
    const TITLE: &str = "Throughput and failures over the run";
    let x = elapsed(run);
    let x_max = run.series.last().map_or(1.0, |p| x(p.t_s)).max(1.0);
    // Rows before the first request (Locust's first history row) are not data.
    let started = |p: &&crate::model::SeriesPoint| p.total_requests != Some(0);
    let y_max = run
        .series
        .iter()
        .filter(started)
        .flat_map(|p| [p.rps, p.failures_per_s])
        .flatten()
        .fold(0.0, f64::max);
    let rps = segments(
        run.series
            .iter()
            .map(|p| (x(p.t_s), p.rps.filter(|_| started(&p)))),
    );
    let fps = segments(
        run.series
            .iter()
            .map(|p| (x(p.t_s), p.failures_per_s.filter(|_| started(&p)))),
    );
    let mut key: Key = Vec::new();
    if !rps.is_empty() {
        key.push((Swatch::Line(BLUE, 3), "Requests/s".to_string()));
    }
    if !fps.is_empty() {
        key.push((Swatch::Line(VERMILLION, 2), "Failures/s".to_string()));
    }
    let rows: Vec<(f64, String)> = run
        .series
        .iter()
        .filter(started)
        .filter(|p| p.rps.is_some() || p.failures_per_s.is_some())
        .map(|p| {
            let t = x(p.t_s);
            let mut parts = Vec::new();
            if let Some(r) = p.rps {
                parts.push(format!("{} req/s", format::trim_number(r)));
            }
            if let Some(f) = p.failures_per_s {
                parts.push(format!("{} failures/s", format::trim_number(f)));
            }
            (
                t,
                format!("{} s: {}", format::trim_number(t), parts.join(", ")),
            )
        })
        .collect();
    let svg = svg(NAME, TITLE, SIZE, simulated, &key, |root, marks| {
        let mut chart = xy_chart(
            root,
            NAME,
            TITLE,
            0.0..x_max,
            0.0..headroom(y_max),
            ("Elapsed time (s)", "Requests per second (req/s)"),
        )?;
        draw_line(&mut chart, rps, BLUE.stroke_width(3))?;
        draw_line(&mut chart, fps, VERMILLION.stroke_width(2))?;
        time_marks(&chart, marks, &rows);
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
