//! Resource metrics over the run (CPU %, memory, processes …), on the same
//! elapsed-seconds x axis as the response-time chart: one chart per unit,
//! one line per metric, at most [`MAX_LINES`] lines (the rest are in the table).

use super::{
    chart_error, draw_line, headroom, svg, xy_chart, Chart, Key, Swatch, BLUE, GREEN, INK, ORANGE,
    PURPLE, SIZE, SKY, VERMILLION,
};
use crate::model::{ResourceClock, ResourceSeries, ResourceUnit, Run};
use crate::report::format;
use plotters::prelude::*;

/// Lines per chart; more would not be told apart.
pub(super) const MAX_LINES: usize = 8;
/// Points per line; longer series are reduced to the largest sample of each span.
const MAX_POINTS: usize = 1000;

/// One chart per unit the run's resource metrics use (percent, bytes, count).
pub(super) fn draw_all(run: &Run, simulated: bool) -> anyhow::Result<Vec<Chart>> {
    let mut out = Vec::new();
    for unit in [
        ResourceUnit::Percent,
        ResourceUnit::Bytes,
        ResourceUnit::Count,
    ] {
        let series: Vec<&ResourceSeries> = run
            .resources
            .iter()
            .filter(|r| r.unit == unit && !r.points.is_empty())
            .collect();
        if !series.is_empty() {
            out.push(draw(run, unit, &series, simulated)?);
        }
    }
    Ok(out)
}

/// The x origin of the run's time charts: its first history point, else its start.
fn origin(run: &Run, series: &[&ResourceSeries]) -> f64 {
    run.series
        .first()
        .map(|p| p.t_s)
        .or(run.meta.started_at_s)
        .unwrap_or_else(|| {
            series
                .iter()
                .filter(|s| s.clock == ResourceClock::Unix)
                .flat_map(|s| s.points.first().map(|p| p.0))
                .fold(f64::INFINITY, f64::min)
        })
}

fn draw(
    run: &Run,
    unit: ResourceUnit,
    all: &[&ResourceSeries],
    simulated: bool,
) -> anyhow::Result<Chart> {
    const NAME: &str = "resources";
    let peak = |s: &ResourceSeries| s.points.iter().map(|p| p.1).fold(f64::MIN, f64::max);
    // The metrics with the highest peaks, kept in input order.
    let mut ranked: Vec<usize> = (0..all.len()).collect();
    ranked.sort_by(|a, b| peak(all[*b]).total_cmp(&peak(all[*a])));
    ranked.truncate(MAX_LINES);
    ranked.sort_unstable();
    let shown: Vec<&ResourceSeries> = ranked.iter().map(|i| all[*i]).collect();
    let left_out: Vec<&str> = all
        .iter()
        .filter(|s| !shown.iter().any(|t| std::ptr::eq(*t, **s)))
        .map(|s| s.metric.as_str())
        .collect();
    let t0 = origin(run, &shown);
    let x_of = |s: &ResourceSeries, t: f64| match s.clock {
        ResourceClock::Unix => t - t0,
        ResourceClock::TimeOfDay | ResourceClock::Relative => t,
    };
    let run_end = run
        .series
        .last()
        .map(|p| p.t_s - t0)
        .or(run.meta.duration_s)
        .unwrap_or(0.0);
    let (mut x_min, mut x_max) = (0.0f64, run_end.max(1.0));
    for s in &shown {
        for p in &s.points {
            x_min = x_min.min(x_of(s, p.0));
            x_max = x_max.max(x_of(s, p.0));
        }
    }
    let (scale, unit_label) = match unit {
        ResourceUnit::Percent => (1.0, "%".to_string()),
        ResourceUnit::Count => (1.0, "count".to_string()),
        ResourceUnit::Bytes => {
            let max = shown.iter().map(|s| peak(s)).fold(0.0, f64::max);
            let (scale, name) = [
                (1024f64.powi(3), "GiB"),
                (1024f64.powi(2), "MiB"),
                (1024.0, "KiB"),
                (1.0, "B"),
            ]
            .into_iter()
            .find(|(s, _)| max >= *s)
            .unwrap_or((1.0, "B"));
            (scale, name.to_string())
        }
    };
    let y_max = shown.iter().map(|s| peak(s)).fold(0.0, f64::max) / scale;
    let mut reduced = false;
    let lines: Vec<(String, Vec<(f64, f64)>)> = shown
        .iter()
        .map(|s| {
            let pts: Vec<(f64, f64)> = s
                .points
                .iter()
                .map(|p| (x_of(s, p.0), p.1 / scale))
                .collect();
            let pts = if pts.len() > MAX_POINTS {
                reduced = true;
                let span = pts.len().div_ceil(MAX_POINTS);
                pts.chunks(span)
                    .map(|c| {
                        c.iter()
                            .copied()
                            .fold((c[0].0, f64::MIN), |(x, m), (_, y)| (x, m.max(y)))
                    })
                    .collect()
            } else {
                pts
            };
            (s.metric.clone(), pts)
        })
        .collect();
    let (title, y_desc) = match unit {
        ResourceUnit::Percent => ("Resource use over the run (%)", "Percent".to_string()),
        ResourceUnit::Bytes => ("Memory over the run", format!("Bytes ({unit_label})")),
        ResourceUnit::Count => ("Resource counts over the run", "Count".to_string()),
    };
    let palette = [BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY, INK, BLUE];
    let width = |i: usize| if i < 6 { 2 } else { 3 };
    let key: Key = lines
        .iter()
        .enumerate()
        .map(|(i, (label, _))| {
            (
                Swatch::Line(palette[i % palette.len()], width(i)),
                label.clone(),
            )
        })
        .collect();
    let svg = svg(NAME, title, SIZE, simulated, &key, |root, marks| {
        let mut chart = xy_chart(
            root,
            NAME,
            title,
            x_min..x_max,
            0.0..headroom(y_max),
            ("Elapsed time (s)", y_desc.as_str()),
        )?;
        if run_end > 0.0 && (x_min < 0.0 || x_max > run_end) {
            // The run's span, when the monitor ran longer than the test.
            let style = INK.mix(0.5).stroke_width(1);
            for x in [0.0, run_end] {
                chart
                    .draw_series(DashedLineSeries::new(
                        vec![(x, 0.0), (x, headroom(y_max))],
                        4,
                        4,
                        style,
                    ))
                    .map_err(chart_error(NAME))?;
            }
        }
        for (i, (label, pts)) in lines.into_iter().enumerate() {
            // Hover points, at most about 150 a line.
            for p in pts.iter().step_by(pts.len().div_ceil(150).max(1)) {
                marks.point(
                    chart.backend_coord(p),
                    5,
                    format!(
                        "{label}: {} {unit_label} at {} s",
                        format::trim_number(p.1),
                        format::trim_number(p.0)
                    ),
                );
            }
            draw_line(
                &mut chart,
                vec![pts],
                palette[i % palette.len()].stroke_width(width(i)),
            )?;
        }
        Ok(())
    })?;
    let files: Vec<String> = {
        let mut f: Vec<String> = shown
            .iter()
            .map(|s| {
                std::path::Path::new(&s.source)
                    .file_name()
                    .map_or_else(|| s.source.clone(), |n| n.to_string_lossy().into_owned())
            })
            .collect();
        let mut seen = Vec::new();
        f.retain(|x| {
            let new = !seen.contains(x);
            seen.push(x.clone());
            new
        });
        f
    };
    let mut caption = format!(
        "Resource samples from {} against seconds since the run's start (the response-time chart's axis)",
        files.join(", ")
    );
    if run_end > 0.0 && (x_min < 0.0 || x_max > run_end) {
        caption.push_str("; dashed lines mark the run's start and end");
    }
    caption.push('.');
    if reduced {
        caption.push_str(&format!(
            " Long series show the largest sample of each span, at most {MAX_POINTS} points."
        ));
    }
    if !left_out.is_empty() {
        caption.push_str(&format!(
            " Not drawn (lower peaks; see the resource table): {}.",
            left_out.join(", ")
        ));
    }
    if shown.iter().any(|s| s.clock != ResourceClock::Unix) {
        caption.push_str(" Samples without a date count from the file's first sample.");
    }
    Ok(Chart { svg, caption })
}
