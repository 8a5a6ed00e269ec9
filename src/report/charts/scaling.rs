//! Capacity across runs: throughput against users, and P95/P99 against users
//! with the SLA's P95 target. Points are the runs; nothing beyond them is drawn.

use super::{
    chart_error, draw_target, headroom, svg, xy_chart, Chart, Key, Swatch, BLUE, INK, SIZE,
    VERMILLION,
};
use crate::model::Percentile;
use crate::report::format;
use crate::report::Scored;
use plotters::prelude::*;

/// Runs that record users, as (users, run), in ladder order.
fn points(scored: &[Scored]) -> Vec<(f64, &Scored)> {
    scored
        .iter()
        .filter_map(|s| {
            Some((
                s.run.meta.users_recorded.or(s.run.meta.users_planned)? as f64,
                s,
            ))
        })
        .collect()
}

/// One line of a capacity chart: legend label, colour, (users, value) points.
type Line = (String, RGBColor, Vec<(f64, f64)>);

fn draw_xy(
    name: &'static str,
    title: &str,
    (y_desc, unit): (&str, &str),
    series: Vec<Line>,
    target: Option<(f64, String)>,
    simulated: bool,
) -> anyhow::Result<String> {
    let x_max = series
        .iter()
        .flat_map(|s| s.2.iter().map(|p| p.0))
        .fold(0.0, f64::max)
        .max(1.0);
    let y_max = series
        .iter()
        .flat_map(|s| s.2.iter().map(|p| p.1))
        .chain(target.as_ref().map(|t| t.0))
        .fold(0.0, f64::max);
    let mut key: Key = series
        .iter()
        .map(|(label, color, _)| (Swatch::Line(*color, 3), label.clone()))
        .collect();
    if let Some((_, label)) = &target {
        key.push((Swatch::Dashed(INK, 2), label.clone()));
    }
    svg(name, title, SIZE, simulated, &key, |root, marks| {
        let mut chart = xy_chart(
            root,
            name,
            title,
            0.0..x_max * 1.05,
            0.0..headroom(y_max),
            ("Concurrent users", y_desc),
        )?;
        for (label, color, pts) in series {
            let style = color.stroke_width(3);
            chart
                .draw_series(LineSeries::new(pts.clone(), style))
                .map_err(chart_error(name))?;
            for p in &pts {
                marks.point(
                    chart.backend_coord(p),
                    8,
                    format!(
                        "{} users: {label} {} {unit}",
                        format::trim_number(p.0),
                        format::trim_number(p.1)
                    ),
                );
            }
            chart
                .draw_series(pts.into_iter().map(|p| Circle::new(p, 5, color.filled())))
                .map_err(chart_error(name))?;
        }
        if let Some((t, _)) = target {
            draw_target(&mut chart, (0.0, x_max * 1.05), t)?;
        }
        Ok(())
    })
}

/// Throughput against users, one point per run.
pub(crate) fn throughput(scored: &[Scored], simulated: bool) -> anyhow::Result<Chart> {
    let pts: Vec<(f64, f64)> = points(scored)
        .into_iter()
        .filter_map(|(u, s)| Some((u, s.stats.totals.throughput_rps?)))
        .collect();
    let svg = draw_xy(
        "capacity throughput",
        "Throughput against users",
        ("Requests per second (req/s)", "req/s"),
        vec![("Throughput".into(), BLUE, pts)],
        None,
        simulated,
    )?;
    Ok(Chart {
        svg,
        caption: "Each point is one run; lines join measured runs only.".to_string(),
    })
}

/// P95 and P99 against users, with the SLA's P95 target.
pub(crate) fn latency(
    scored: &[Scored],
    p95_target_ms: Option<f64>,
    simulated: bool,
) -> anyhow::Result<Chart> {
    let pick = |p: Percentile| -> Vec<(f64, f64)> {
        points(scored)
            .into_iter()
            .filter_map(|(u, s)| Some((u, s.stats.totals.latency.percentile(p)?)))
            .collect()
    };
    let series = vec![
        ("P95".to_string(), BLUE, pick(Percentile::P95)),
        ("P99".to_string(), VERMILLION, pick(Percentile::P99)),
    ];
    let target = p95_target_ms.map(|t| (t, format!("SLA P95 target ({})", format::ms(t))));
    let svg = draw_xy(
        "capacity latency",
        "Response time against users",
        ("Response time (ms)", "ms"),
        series,
        target,
        simulated,
    )?;
    Ok(Chart {
        svg,
        caption: "P95 and P99 of each run against its users, with the SLA's P95 target."
            .to_string(),
    })
}
