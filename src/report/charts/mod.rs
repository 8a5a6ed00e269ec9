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
        .build_cartesian_2d(x, y)
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

/// Most points a time series is drawn with (a chart is about 1,000 px wide).
pub(crate) const MAX_SERIES_POINTS: usize = 1000;

/// Splits a series into runs of consecutive present values, so that gaps in
/// the data show as gaps in the line rather than as invented segments. A
/// series longer than [`MAX_SERIES_POINTS`] is thinned first (see [`thin`]).
pub(crate) fn segments(points: impl Iterator<Item = (f64, Option<f64>)>) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (x, y) in thin(points.collect(), MAX_SERIES_POINTS) {
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

/// At most `max` points: consecutive spans of the series each give their
/// lowest and highest values, in time order, so that neither a spike nor a dip
/// is smoothed away (an average would flatter the tail). A span without
/// values stays a gap. A series of `max` points or fewer is kept as it is.
pub(crate) fn thin(points: Vec<(f64, Option<f64>)>, max: usize) -> Vec<(f64, Option<f64>)> {
    if points.len() <= max || max < 2 {
        return points;
    }
    let span = points.len().div_ceil(max / 2);
    let mut out = Vec::with_capacity(max);
    for chunk in points.chunks(span) {
        let present = chunk.iter().filter_map(|&(x, y)| y.map(|y| (x, y)));
        let lo = present.clone().min_by(|a, b| a.1.total_cmp(&b.1));
        let hi = present.max_by(|a, b| a.1.total_cmp(&b.1));
        match (lo, hi) {
            (Some(lo), Some(hi)) if lo.0 == hi.0 => out.push((lo.0, Some(lo.1))),
            (Some(lo), Some(hi)) => {
                let (a, b) = if lo.0 < hi.0 { (lo, hi) } else { (hi, lo) };
                out.push((a.0, Some(a.1)));
                out.push((b.0, Some(b.1)));
            }
            _ => out.push((chunk[0].0, None)),
        }
    }
    out
}

/// A y-axis upper bound with room above the data for the legend, never 0.
pub(crate) fn headroom(max: f64) -> f64 {
    if max > 0.0 && max.is_finite() {
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
    chart
        .draw_series(
            segments
                .into_iter()
                .map(move |s| PathElement::new(s, style)),
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
    chart
        .draw_series(DashedLineSeries::new(vec![(x.0, y), (x.1, y)], 8, 6, style))
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
        .build_cartesian_2d(x, (0..n.saturating_sub(1).max(1)).into_segmented())
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
            (v, SegmentValue::Exact(i + 1)),
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
    fn long_series_are_drawn_with_at_most_1000_points_keeping_extremes() {
        // Locust stats_history of 100,000 rows: one spike, one dip, one gap.
        let mut pts: Vec<(f64, Option<f64>)> = (0..100_000)
            .map(|i| (i as f64, Some(100.0 + (i % 7) as f64)))
            .collect();
        pts[54_321].1 = Some(9_999.0);
        pts[77_777].1 = Some(1.0);
        for p in &mut pts[30_000..31_000] {
            p.1 = None;
        }
        let lines = segments(pts.clone().into_iter());
        let drawn: Vec<(f64, f64)> = lines.iter().flatten().copied().collect();
        assert!(drawn.len() <= MAX_SERIES_POINTS, "{}", drawn.len());
        assert!(drawn.len() >= MAX_SERIES_POINTS - 10, "{}", drawn.len());
        assert!(drawn.contains(&(54_321.0, 9_999.0)));
        assert!(drawn.contains(&(77_777.0, 1.0)));
        assert_eq!(lines.len(), 2, "the gap stays a gap");
        // In time order, and every point is one of the series.
        assert!(drawn.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(drawn.iter().all(|&(x, y)| pts[x as usize].1 == Some(y)));
        // Short series are drawn as they are.
        let short: Vec<_> = pts[..1000].to_vec();
        assert_eq!(thin(short.clone(), MAX_SERIES_POINTS), short);
    }

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
