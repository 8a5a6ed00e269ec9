//! SVG charts drawn with plotters, returned as strings to inline in the HTML.
//! One chart per file; they share the palette, sizes and the SIMULATED
//! watermark here. Chart code returns errors, it never unwraps.
//!
//! The palette is Okabe–Ito, readable with every common colour-vision
//! deficiency; series also differ in line width and dash so they survive
//! greyscale printing.

mod distribution;
mod endpoint_p95;
mod latency_over_time;
mod relative_change;
mod resources;
pub(crate) mod scaling;
mod throughput;
mod users;

use super::Scored;
use crate::model::Percentile;
use crate::sla::target::Metric;
use crate::sla::{Scope, Sla};
use plotters::coord::ranged1d::SegmentedCoord;
use plotters::coord::types::{RangedCoordf64, RangedCoordusize};
use plotters::coord::CoordTranslate;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::Serialize;

/// Okabe–Ito blue.
pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
/// Okabe–Ito orange.
pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
/// Okabe–Ito vermillion.
pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
/// Okabe–Ito bluish green.
pub const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
/// Okabe–Ito sky blue.
pub const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
/// Okabe–Ito reddish purple.
pub const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
/// Near-black for targets and text.
pub const INK: RGBColor = RGBColor(0x1B, 0x1B, 0x1B);

/// Default chart size in pixels (the SVG scales to the page).
pub const SIZE: (u32, u32) = (900, 420);
/// Font family used for every label.
pub const FONT: &str = "sans-serif";

/// A rendered chart.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// The SVG document.
    pub svg: String,
    /// A caption saying what the chart shows and where the data came from.
    pub caption: String,
}

/// The charts of one run, in the order the report shows them. Charts whose
/// data the input does not hold are left out.
pub fn for_run(s: &Scored, sla: &Sla) -> anyhow::Result<Vec<Chart>> {
    let simulated = s.run.meta.simulated;
    let mut out = Vec::new();
    if s.run
        .series
        .iter()
        .any(|p| p.p95_ms.is_some() || p.p50_ms.is_some())
    {
        out.push(latency_over_time::draw(
            &s.run,
            p95_target(sla, false),
            simulated,
        )?);
    }
    if s.run.series.iter().any(|p| p.rps.is_some()) {
        out.push(throughput::draw(&s.run, simulated)?);
    }
    if s.run.series.iter().any(|p| p.users.is_some()) {
        out.push(users::draw(&s.run, simulated)?);
    }
    out.extend(resources::draw_all(&s.run, simulated)?);
    out.extend(distribution::draw(&s.run, simulated)?);
    if s.stats
        .endpoints
        .iter()
        .any(|e| e.latency.percentile(Percentile::P95).is_some())
    {
        out.push(endpoint_p95::draw(
            &s.stats.endpoints,
            p95_target(sla, true),
            simulated,
        )?);
    }
    Ok(out)
}

/// One chart per compared pair of runs: each endpoint's relative P95 change
/// (`None` for a pair where no endpoint has P95 on both sides).
pub fn for_comparison(c: &crate::compare::Comparison) -> anyhow::Result<Vec<Option<Chart>>> {
    c.runs
        .iter()
        .map(|r| relative_change::draw(r, &c.regression))
        .collect()
}

/// The SLA's P95 target in ms, preferring a per-endpoint rule when `per_endpoint`.
pub(crate) fn p95_target(sla: &Sla, per_endpoint: bool) -> Option<f64> {
    let p95 = |r: &&crate::sla::Rule| r.metric == Metric::Percentile(Percentile::P95);
    let preferred = sla
        .rules
        .iter()
        .filter(p95)
        .find(|r| (r.scope != Scope::Total) == per_endpoint);
    preferred
        .or_else(|| sla.rules.iter().find(p95))
        .map(|r| r.target.value)
}

/// Turns a plotters error into an `anyhow` error naming the chart.
pub(crate) fn chart_error<E: std::fmt::Display>(
    chart: &'static str,
) -> impl Fn(E) -> anyhow::Error {
    move |e| anyhow::anyhow!("drawing the {chart} chart: {e}")
}

/// Draws onto a new SVG of `size`, then adds the SIMULATED watermark when
/// asked, and returns the SVG text.
pub(crate) fn svg(
    name: &'static str,
    size: (u32, u32),
    simulated: bool,
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> anyhow::Result<()>,
) -> anyhow::Result<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        root.fill(&WHITE).map_err(chart_error(name))?;
        draw(&root)?;
        if simulated {
            watermark(&root)?;
        }
        root.present().map_err(chart_error(name))?;
    }
    Ok(out)
}

/// The plotting context of a time chart: f64 on both axes.
pub(crate) type XyChart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

fn watermark(root: &DrawingArea<SVGBackend<'_>, Shift>) -> anyhow::Result<()> {
    let (w, h) = root.dim_in_pixel();
    let color = VERMILLION.mix(0.28);
    let style = TextStyle::from((FONT, 84).into_font().style(FontStyle::Bold))
        .color(&color)
        .pos(Pos::new(HPos::Center, VPos::Center));
    root.draw(&Text::new("SIMULATED", (w as i32 / 2, h as i32 / 2), style))
        .map_err(chart_error("watermark"))
}

/// The largest magnitude an axis reaches. plotters' key-point search
/// multiplies and divides the span by 10 and loops until the tick count fits:
/// a span that is infinite, NaN, or so large that ×10 overflows never fits,
/// and a span below one ulp of its ends never advances. Data past this is
/// drawn at the edge of the chart (pixel positions saturate).
pub(crate) const AXIS_LIMIT: f64 = 1e300;

/// `lo..hi` made safe for plotters: finite, within ±[`AXIS_LIMIT`], and wide
/// enough to hold ticks (a degenerate or inverted range gets a span of
/// `max(|lo|, 1)`). Every chart's axis ranges go through this.
pub(crate) fn axis(lo: f64, hi: f64) -> std::ops::Range<f64> {
    let clamp = |v: f64| {
        if v.is_nan() {
            0.0
        } else {
            v.clamp(-AXIS_LIMIT, AXIS_LIMIT)
        }
    };
    let (lo, hi) = (clamp(lo), clamp(hi));
    let magnitude = lo.abs().max(hi.abs());
    if hi - lo > magnitude * 1e-9 {
        lo..hi
    } else {
        lo..lo + lo.abs().max(1.0)
    }
}

/// `v` as a plottable figure: NaN as 0, anything else within ±[`AXIS_LIMIT`].
/// plotters turns a point into pixels with integer additions that overflow
/// for a point far outside the axis; axes are computed from the data, so
/// keeping data within the axis limit keeps every point within reach.
pub(crate) fn finite(v: f64) -> f64 {
    if v.is_nan() {
        0.0
    } else {
        v.clamp(-AXIS_LIMIT, AXIS_LIMIT)
    }
}

/// `v` kept within one span of `range` on either side: drawn the same (the
/// plot area clips it), with pixel positions that stay small.
pub(crate) fn clip(v: f64, range: &std::ops::Range<f64>) -> f64 {
    let span = range.end - range.start;
    finite(v).clamp(range.start - span, range.end + span)
}

/// `lo..hi` made safe for a log axis: both ends positive and finite, within
/// [1e-300, [`AXIS_LIMIT`]], at least a tenth of a decade apart.
pub(crate) fn log_axis(lo: f64, hi: f64) -> std::ops::Range<f64> {
    let clamp = |v: f64| {
        if v.is_nan() {
            1.0
        } else {
            v.clamp(1e-300, AXIS_LIMIT)
        }
    };
    let (lo, hi) = (clamp(lo), clamp(hi));
    if hi > lo * 1.25 {
        lo..hi
    } else {
        lo..lo * 10.0
    }
}

/// A titled chart with f64 on both axes, axis titles with their units, and
/// whole-number tick labels: the frame every time and capacity chart shares.
pub(crate) fn xy_chart<'a, 'b>(
    root: &'a DrawingArea<SVGBackend<'b>, Shift>,
    name: &'static str,
    title: &str,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    (x_desc, y_desc): (&str, &str),
) -> anyhow::Result<XyChart<'a, 'b>> {
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, 22))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(70)
        .build_cartesian_2d(axis(x.start, x.end), axis(y.start, y.end))
        .map_err(chart_error(name))?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .axis_desc_style((FONT, 15))
        .label_style((FONT, 13))
        .draw()
        .map_err(chart_error(name))?;
    Ok(chart)
}

/// Splits a series into runs of consecutive present values, so that gaps in
/// the data show as gaps in the line rather than as invented segments.
pub(crate) fn segments(points: impl Iterator<Item = (f64, Option<f64>)>) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (x, y) in points {
        match y {
            Some(y) => out.last_mut().map(|s| s.push((x, y))).unwrap_or(()),
            None => {
                if out.last().is_some_and(|s| !s.is_empty()) {
                    out.push(Vec::new());
                }
            }
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// A y-axis upper bound with room above the data for the legend, never 0.
pub(crate) fn headroom(max: f64) -> f64 {
    let max = finite(max);
    if max > 0.0 {
        max * 1.4
    } else {
        1.0
    }
}

/// Draws `segments` as one legend entry.
pub(crate) fn draw_line(
    chart: &mut XyChart<'_, '_>,
    segments: Vec<Vec<(f64, f64)>>,
    style: ShapeStyle,
    label: &str,
) -> anyhow::Result<()> {
    if segments.is_empty() {
        return Ok(());
    }
    let (xr, yr) = (
        chart.plotting_area().get_x_range(),
        chart.plotting_area().get_y_range(),
    );
    let clipped = move |s: Vec<(f64, f64)>| -> Vec<(f64, f64)> {
        s.into_iter()
            .map(|(x, y)| (clip(x, &xr), clip(y, &yr)))
            .collect()
    };
    chart
        .draw_series(
            segments
                .into_iter()
                .map(move |s| PathElement::new(clipped(s), style)),
        )
        .map_err(chart_error("line"))?
        .label(label)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], style));
    Ok(())
}

/// Draws a dashed horizontal target line across the x range.
pub(crate) fn draw_target(
    chart: &mut XyChart<'_, '_>,
    x: (f64, f64),
    y: f64,
    label: &str,
) -> anyhow::Result<()> {
    let style = INK.stroke_width(2);
    let (xr, yr) = (
        chart.plotting_area().get_x_range(),
        chart.plotting_area().get_y_range(),
    );
    let (x0, x1, y) = (clip(x.0, &xr), clip(x.1, &xr), clip(y, &yr));
    chart
        .draw_series(DashedLineSeries::new(vec![(x0, y), (x1, y)], 8, 6, style))
        .map_err(chart_error("target line"))?
        .label(label)
        .legend(move |(x, y)| {
            PathElement::new(vec![(x, y), (x + 8, y), (x + 14, y), (x + 24, y)], style)
        });
    Ok(())
}

/// Draws the legend box in the top-right corner.
pub(crate) fn draw_legend<'a, 'b: 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, SVGBackend<'b>, CT>,
) -> anyhow::Result<()> {
    draw_legend_at(chart, SeriesLabelPosition::UpperRight)
}

/// Draws the legend box at `position`.
pub(crate) fn draw_legend_at<'a, 'b: 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, SVGBackend<'b>, CT>,
    position: SeriesLabelPosition,
) -> anyhow::Result<()> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(INK)
        .label_font((FONT, 14))
        .draw()
        .map_err(chart_error("legend"))
}

/// The plotting context of a horizontal bar chart: f64 across, one row per bar.
pub(crate) type BarChart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, SegmentedCoord<RangedCoordusize>>>;

/// Longest bar label (endpoint name) shown in full on the axis.
const MAX_LABEL: usize = 38;

/// `label`, cut to [`MAX_LABEL`] characters with an ellipsis.
pub(crate) fn short(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL {
        label.to_string()
    } else {
        let head: String = label.chars().take(MAX_LABEL - 1).collect();
        format!("{head}…")
    }
}

/// A titled horizontal bar chart over `x`, one row per label, the first
/// label at the top, with the x axis titled and formatted by `x_label`.
pub(crate) fn bar_chart<'a, 'b>(
    root: &'a DrawingArea<SVGBackend<'b>, Shift>,
    name: &'static str,
    title: &str,
    x: std::ops::Range<f64>,
    labels: &[String],
    (x_desc, x_label): (&str, &dyn Fn(&f64) -> String),
) -> anyhow::Result<BarChart<'a, 'b>> {
    let n = labels.len();
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, 22))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(290)
        .build_cartesian_2d(
            axis(x.start, x.end),
            (0..n.saturating_sub(1).max(1)).into_segmented(),
        )
        .map_err(chart_error(name))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n.max(1))
        .y_label_formatter(&|v| match v {
            // The first label at the top, in input order.
            SegmentValue::CenterOf(i) => n
                .checked_sub(i + 1)
                .and_then(|j| labels.get(j))
                .cloned()
                .unwrap_or_default(),
            _ => String::new(),
        })
        .x_label_formatter(x_label)
        .x_desc(x_desc)
        .axis_desc_style((FONT, 15))
        .label_style((FONT, 13))
        .draw()
        .map_err(chart_error(name))?;
    Ok(chart)
}

/// The bar of row `i` (counted from the bottom) from 0 to `v`.
pub(crate) fn bar(i: usize, v: f64, color: RGBColor) -> Rectangle<(f64, SegmentValue<usize>)> {
    let mut r = Rectangle::new(
        [
            (0.0, SegmentValue::Exact(i)),
            (finite(v), SegmentValue::Exact(i + 1)),
        ],
        color.filled(),
    );
    r.set_margin(5, 5, 0, 0);
    r
}

/// Draws a dashed vertical line at `x` through all `rows` of a bar chart.
pub(crate) fn draw_bar_target(
    chart: &mut BarChart<'_, '_>,
    x: f64,
    rows: usize,
    label: String,
) -> anyhow::Result<()> {
    let style = INK.stroke_width(2);
    let x = clip(x, &chart.plotting_area().get_x_range());
    chart
        .draw_series(DashedLineSeries::new(
            vec![(x, SegmentValue::Exact(0)), (x, SegmentValue::Exact(rows))],
            8,
            6,
            style,
        ))
        .map_err(chart_error("target line"))?
        .label(label)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], style));
    Ok(())
}

/// Seconds since the first history row, for x axes.
pub(crate) fn elapsed(run: &crate::model::Run) -> impl Fn(f64) -> f64 + '_ {
    let t0 = run.series.first().map_or(0.0, |p| p.t_s);
    move |t| t - t0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_split_lines_instead_of_being_bridged() {
        let pts = vec![
            (0.0, None),
            (1.0, Some(5.0)),
            (2.0, Some(6.0)),
            (3.0, None),
            (4.0, Some(7.0)),
        ];
        assert_eq!(
            segments(pts.into_iter()),
            vec![vec![(1.0, 5.0), (2.0, 6.0)], vec![(4.0, 7.0)]]
        );
    }
}

#[cfg(test)]
mod extreme_values {
    //! No chart call may loop, whatever the figures: each draw runs on its own
    //! thread and the test fails if it takes longer than a few seconds.
    use super::*;
    use crate::model::{
        EndpointStats, LatencyStats, ResourceSeries, ResourceUnit, Run, RunMeta, SeriesPoint,
    };
    use std::time::Duration;

    /// The values that made plotters' key-point search loop (about 1e308 up to
    /// the largest double, infinities), NaN, and tiny or equal values.
    const EXTREMES: [f64; 10] = [
        1e308,
        f64::MAX,
        f64::MAX / 1.4,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        -1e308,
        0.0,
        1e-300,
        1.0e20,
    ];

    /// Runs `f` on a thread; panics if it does not finish within 5 s.
    fn within_time<T: Send + 'static>(what: String, f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        match rx.recv_timeout(Duration::from_secs(5)) {
            Ok(v) => v,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                panic!("{what} did not finish within 5 s")
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => panic!("{what} panicked"),
        }
    }

    fn run_with(v: f64, t: f64) -> Run {
        let point = |t_s: f64| SeriesPoint {
            t_s,
            users: Some(10),
            rps: Some(v),
            failures_per_s: Some(v),
            p50_ms: Some(v),
            p95_ms: Some(v),
            p99_ms: Some(v),
            total_requests: Some(1),
        };
        let mut latency = LatencyStats::default();
        latency.percentiles.insert(Percentile::P95, v);
        let endpoint = EndpointStats {
            method: "GET".into(),
            name: "/x".into(),
            requests: 5,
            latency,
            ..EndpointStats::default()
        };
        Run {
            meta: RunMeta::default(),
            totals: endpoint.clone(),
            endpoints: vec![endpoint],
            series: vec![point(0.0), point(t)],
            failures: Vec::new(),
            exceptions: Vec::new(),
            sources: Vec::new(),
            resources: [
                ResourceUnit::Percent,
                ResourceUnit::Bytes,
                ResourceUnit::Count,
            ]
            .into_iter()
            .map(|unit| ResourceSeries {
                metric: "cpu".into(),
                unit,
                points: vec![(t, v), (0.0, v), (v, 1.0)],
                clock: crate::model::ResourceClock::Relative,
                source: "r.csv".into(),
            })
            .collect(),
        }
    }

    #[test]
    fn axis_ranges_are_always_finite_ordered_and_wide_enough() {
        for lo in EXTREMES {
            for hi in EXTREMES {
                for r in [axis(lo, hi), log_axis(lo, hi)] {
                    assert!(
                        r.start.is_finite() && r.end.is_finite(),
                        "{lo}..{hi}: {r:?}"
                    );
                    assert!((r.end - r.start).is_finite(), "{lo}..{hi}: {r:?}");
                    assert!(r.end - r.start > r.end.abs().max(r.start.abs()) * 1e-9);
                }
                assert!(log_axis(lo, hi).start > 0.0);
            }
        }
        // Ordinary ranges are left alone.
        assert_eq!(axis(0.0, 140.0), 0.0..140.0);
        assert_eq!(log_axis(0.5, 2000.0), 0.5..2000.0);
    }

    #[test]
    fn frames_finish_with_any_range() {
        for lo in EXTREMES {
            for hi in EXTREMES {
                within_time(format!("xy_chart {lo:e}..{hi:e}"), move || {
                    svg("t", SIZE, true, |root| {
                        let mut c = xy_chart(root, "t", "t", lo..hi, lo..hi, ("x", "y"))?;
                        draw_line(&mut c, vec![vec![(lo, hi), (hi, lo)]], BLUE.into(), "l")?;
                        draw_target(&mut c, (lo, hi), hi, "target")?;
                        draw_legend(&mut c)
                    })
                    .map(|s| s.len())
                })
                .unwrap();
                within_time(format!("bar_chart {lo:e}..{hi:e}"), move || {
                    svg("t", SIZE, false, |root| {
                        let labels = vec!["a".to_string(), "b".to_string()];
                        let mut c =
                            bar_chart(root, "t", "t", lo..hi, &labels, ("x", &|v| v.to_string()))?;
                        c.draw_series([bar(0, hi, BLUE), bar(1, lo, BLUE)])
                            .map_err(chart_error("t"))?;
                        draw_bar_target(&mut c, hi, 2, "target".into())?;
                        draw_legend(&mut c)
                    })
                    .map(|s| s.len())
                })
                .unwrap();
            }
        }
    }

    #[test]
    fn every_run_chart_finishes_with_extreme_figures() {
        for v in EXTREMES {
            for t in [v, 60.0] {
                let run = run_with(v, t);
                let charts = within_time(format!("charts of value {v:e}, time {t:e}"), move || {
                    let mut n = 0;
                    n += latency_over_time::draw(&run, Some(v), true).map_or(0, |_| 1);
                    n += throughput::draw(&run, false).map_or(0, |_| 1);
                    n += users::draw(&run, false).map_or(0, |_| 1);
                    n += resources::draw_all(&run, false).map_or(0, |c| c.len());
                    let stats = crate::stats::compute(&run, |_| None);
                    n += endpoint_p95::draw(&stats.endpoints, Some(v), false).map_or(0, |_| 1);
                    n
                });
                // Drawing may refuse (an error), but not loop; the time
                // charts always draw.
                assert!(charts >= 3, "value {v}, time {t}: {charts} charts");
            }
        }
    }
}
