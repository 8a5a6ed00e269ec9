//! Response-time percentiles over the run, with the SLA's P95 target.

use super::{
    draw_line, draw_target, elapsed, headroom, segments, svg, time_marks, xy_chart, Chart, Key,
    Swatch, BLUE, GREEN, INK, SIZE, VERMILLION,
};
use crate::model::{Run, SeriesPoint};
use crate::report::format;
use plotters::prelude::*;

/// The percentiles of a history row, or `None` for a row that holds none:
/// before the first request, or a window with no request in it (Locust
/// writes 0 ms for each percentile then, at 0 requests/s).
fn measured(p: &SeriesPoint) -> Option<&SeriesPoint> {
    let empty_window = p.rps == Some(0.0)
        && [p.p50_ms, p.p95_ms, p.p99_ms]
            .iter()
            .all(|v| v.is_none_or(|v| v == 0.0));
    let before_first = p.total_requests == Some(0);
    (!empty_window && !before_first).then_some(p)
}

/// One line: its name, the figure it draws, colour and width.
type Line = (&'static str, fn(&SeriesPoint) -> Option<f64>, RGBColor, u32);

/// Draws P50/P95/P99 against elapsed time; `target_ms` adds the SLA line.
pub(super) fn draw(run: &Run, target_ms: Option<f64>, simulated: bool) -> anyhow::Result<Chart> {
    const NAME: &str = "response-time";
    const TITLE: &str = "Response time over the run";
    let x = elapsed(run);
    let x_max = run.series.last().map_or(1.0, |p| x(p.t_s)).max(1.0);
    let y_max = run
        .series
        .iter()
        .filter_map(measured)
        .flat_map(|p| [p.p50_ms, p.p95_ms, p.p99_ms])
        .flatten()
        .chain(target_ms)
        .fold(0.0, f64::max);
    let series = |f: fn(&SeriesPoint) -> Option<f64>| {
        segments(
            run.series
                .iter()
                .map(|p| (x(p.t_s), measured(p).and_then(f))),
        )
    };
    let lines: [Line; 3] = [
        ("P50", |p| p.p50_ms, GREEN, 2),
        ("P95", |p| p.p95_ms, BLUE, 3),
        ("P99", |p| p.p99_ms, VERMILLION, 2),
    ];
    let mut key: Key = lines
        .iter()
        .filter(|l| run.series.iter().any(|p| (l.1)(p).is_some()))
        .map(|l| (Swatch::Line(l.2, l.3), l.0.to_string()))
        .collect();
    if let Some(t) = target_ms {
        key.push((
            Swatch::Dashed(INK, 2),
            format!("SLA P95 target ({})", format::ms(t)),
        ));
    }
    let rows: Vec<(f64, String)> = run
        .series
        .iter()
        .filter_map(measured)
        .map(|p| {
            let figures: Vec<String> = lines
                .iter()
                .filter_map(|l| (l.1)(p).map(|v| format!("{} {}", l.0, format::ms(v))))
                .collect();
            let t = x(p.t_s);
            (
                t,
                format!("{} s: {}", format::trim_number(t), figures.join(", ")),
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
            ("Elapsed time (s)", "Response time (ms)"),
        )?;
        for (_, f, color, width) in lines {
            draw_line(&mut chart, series(f), color.stroke_width(width))?;
        }
        if let Some(t) = target_ms {
            draw_target(&mut chart, (0.0, x_max), t)?;
        }
        time_marks(&chart, marks, &rows);
        Ok(())
    })?;
    Ok(Chart {
        svg,
        caption: format!(
            "P50, P95 and P99 response time per history row of {} (over its rolling window), with the SLA's P95 target. Rows without a request in their window are not drawn.",
            run.meta.tool
        ),
    })
}
