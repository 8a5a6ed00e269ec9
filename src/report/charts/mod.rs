//! SVG charts drawn with plotters, returned as strings to inline in the HTML.
//! One chart per file; they share the palette, sizes and the SIMULATED
//! watermark here. Chart code returns errors, it never unwraps.
//!
//! The palette is Okabe–Ito, readable with every common colour-vision
//! deficiency; series also differ in line width and dash so they survive
//! greyscale printing.

mod distribution;
mod endpoint_p95;
mod failures;
mod latency_over_time;
mod relative_change;
mod request_mix;
mod resources;
pub(crate) mod scaling;
mod throughput;
pub mod trend;
mod users;

use super::Scored;
use crate::model::Percentile;
use crate::sla::target::Metric;
use crate::sla::{Scope, Sla};
use plotters::coord::ranged1d::SegmentedCoord;
use plotters::coord::types::{RangedCoordf64, RangedCoordusize};
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
    // Every run with per-endpoint figures, summary-only ones included:
    // percentiles against the target, the request mix, and the failures.
    out.extend(endpoint_p95::draw(
        &s.stats.endpoints,
        p95_target(sla, true),
        simulated,
    )?);
    out.extend(request_mix::draw(&s.stats.endpoints, simulated)?);
    out.extend(failures::by_endpoint(&s.stats.endpoints, simulated)?);
    out.extend(failures::by_error(&s.stats.failures, simulated)?);
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

/// One entry of a chart's key: what a colour or line means.
#[derive(Clone)]
pub(crate) enum Swatch {
    /// A filled box (bars).
    Fill(RGBAColor),
    /// A solid line of this colour and width.
    Line(RGBColor, u32),
    /// A dashed line (targets, thresholds, percentile marks).
    Dashed(RGBColor, u32),
}

/// A chart's key: (swatch, label) entries, drawn in a strip under the plot so
/// that it never covers a mark.
pub(crate) type Key = Vec<(Swatch, String)>;

/// Rows of the key strip: entries laid left to right, wrapped at `width`.
fn key_rows(key: &Key, width: u32) -> Vec<Vec<(i32, &(Swatch, String))>> {
    let mut rows: Vec<Vec<(i32, &(Swatch, String))>> = Vec::new();
    let mut x = KEY_PAD;
    for e in key {
        let w = key_entry_width(&e.1);
        if rows.is_empty() || (x + w > width as i32 - KEY_PAD && x > KEY_PAD) {
            rows.push(Vec::new());
            x = KEY_PAD;
        }
        if let Some(row) = rows.last_mut() {
            row.push((x, e));
        }
        x += w;
    }
    rows
}

const KEY_PAD: i32 = 16;
const KEY_ROW: i32 = 24;
/// Key text size, px.
const KEY_FONT: u32 = 15;

/// Room one key entry takes: swatch, gap, text (about 0.56 em a character), gap.
fn key_entry_width(label: &str) -> i32 {
    34 + (label.chars().count() as f64 * KEY_FONT as f64 * 0.56) as i32 + 26
}

fn draw_key(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    key: &Key,
    width: u32,
) -> anyhow::Result<()> {
    let text = TextStyle::from((FONT, KEY_FONT).into_font())
        .color(&INK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (r, row) in key_rows(key, width).into_iter().enumerate() {
        let y = 4 + KEY_ROW / 2 + r as i32 * KEY_ROW;
        for (x, (swatch, label)) in row {
            let err = chart_error("key");
            match swatch {
                Swatch::Fill(c) => area
                    .draw(&Rectangle::new([(x, y - 7), (x + 26, y + 7)], c.filled()))
                    .map_err(err)?,
                Swatch::Line(c, w) => area
                    .draw(&PathElement::new(
                        vec![(x, y), (x + 26, y)],
                        c.stroke_width(*w),
                    ))
                    .map_err(err)?,
                Swatch::Dashed(c, w) => {
                    for (a, b) in [(x, x + 8), (x + 13, x + 26)] {
                        area.draw(&PathElement::new(vec![(a, y), (b, y)], c.stroke_width(*w)))
                            .map_err(chart_error("key"))?;
                    }
                }
            }
            area.draw(&Text::new(label.clone(), (x + 34, y), text.clone()))
                .map_err(chart_error("key"))?;
        }
    }
    Ok(())
}

/// Hover texts for the marks of a chart: each a pixel box and what it shows.
/// Written after the drawing as transparent boxes with a `<title>`, so that a
/// browser shows a mark's figure on hover without any script.
#[derive(Default)]
pub(crate) struct Marks(Vec<([i32; 4], String)>);

impl Marks {
    /// Adds a hover box from pixel `a` to pixel `b` (any two corners).
    pub(crate) fn add(&mut self, a: (i32, i32), b: (i32, i32), text: String) {
        let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
        let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
        self.0
            .push(([x0, y0, (x1 - x0).max(2), (y1 - y0).max(2)], text));
    }

    /// Adds a hover box of `r` pixels around the point `p`.
    pub(crate) fn point(&mut self, p: (i32, i32), r: i32, text: String) {
        self.add((p.0 - r, p.1 - r), (p.0 + r, p.1 + r), text);
    }
}

/// `s` with the five XML special characters escaped.
pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Draws onto a new SVG of `size` (plus a strip under it for `key`), adds
/// the SIMULATED watermark when asked, and returns the SVG text with `title`
/// as its `<title>` and `aria-label`, and each of `draw`'s marks hoverable.
pub(crate) fn svg(
    name: &'static str,
    title: &str,
    size: (u32, u32),
    simulated: bool,
    key: &Key,
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>, &mut Marks) -> anyhow::Result<()>,
) -> anyhow::Result<String> {
    let key_h = if key.is_empty() {
        0
    } else {
        key_rows(key, size.0).len() as u32 * KEY_ROW as u32 + 10
    };
    let full = (size.0, size.1 + key_h);
    let mut marks = Marks::default();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, full).into_drawing_area();
        root.fill(&WHITE).map_err(chart_error(name))?;
        let (plot, strip) = root.split_vertically(size.1);
        draw(&plot, &mut marks)?;
        if key_h > 0 {
            draw_key(&strip, key, size.0)?;
        }
        if simulated {
            watermark(&root)?;
        }
        root.present().map_err(chart_error(name))?;
    }
    Ok(accessible(out, title, &marks))
}

/// Adds `role`, `aria-label` and `<title>` to an SVG document, and the hover
/// boxes of `marks` on top of everything drawn.
fn accessible(svg: String, title: &str, marks: &Marks) -> String {
    let title = xml_escape(title);
    let Some(open_end) = svg
        .find("<svg")
        .and_then(|i| svg[i..].find('>').map(|j| i + j))
    else {
        return svg;
    };
    let close = svg.rfind("</svg>").unwrap_or(svg.len());
    let mut out = String::with_capacity(svg.len() + 64 * marks.0.len() + 128);
    out.push_str(&svg[..open_end]);
    out.push_str(&format!(
        " role=\"img\" aria-label=\"{title}\"><title>{title}</title>"
    ));
    out.push_str(&svg[open_end + 1..close]);
    if !marks.0.is_empty() {
        out.push_str("<g fill=\"#000\" fill-opacity=\"0\">\n");
        for ([x, y, w, h], text) in &marks.0 {
            out.push_str(&format!(
                "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\"><title>{}</title></rect>\n",
                xml_escape(text)
            ));
        }
        out.push_str("</g>\n");
    }
    out.push_str(&svg[close..]);
    out
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

/// Tick labels for an axis spanning `span`: as many decimals as its ticks
/// need (0, 0.5, 1 over four seconds; 0, 20, 40 over a minute), no more.
pub(crate) fn tick_label(span: f64) -> impl Fn(&f64) -> String {
    let decimals = if span < 2.0 {
        2
    } else if span < 20.0 {
        1
    } else {
        0
    };
    move |v| {
        let s = format!("{v:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    }
}

/// The grid every chart shares: light major lines, one faint minor line between them.
pub(crate) fn mesh_style<X: Ranged, Y: Ranged>(
    mesh: &mut plotters::chart::MeshStyle<'_, '_, X, Y, SVGBackend<'_>>,
) {
    mesh.bold_line_style(RGBColor(0xD4, 0xD4, 0xD4))
        .light_line_style(RGBColor(0xF1, 0xF1, 0xF1))
        .max_light_lines(1)
        .axis_desc_style((FONT, 16))
        .label_style((FONT, 15));
}

/// A titled chart with f64 on both axes, axis titles with their units, and
/// tick labels with the decimals their spacing needs: the frame every time
/// and capacity chart shares.
pub(crate) fn xy_chart<'a, 'b>(
    root: &'a DrawingArea<SVGBackend<'b>, Shift>,
    name: &'static str,
    title: &str,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    (x_desc, y_desc): (&str, &str),
) -> anyhow::Result<XyChart<'a, 'b>> {
    let (x, y) = (axis(x.start, x.end), axis(y.start, y.end));
    let x_label = tick_label(x.end - x.start);
    let y_label = tick_label(y.end - y.start);
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, 22))
        .margin(12)
        .margin_right(28)
        .x_label_area_size(48)
        .y_label_area_size(74)
        .build_cartesian_2d(x, y)
        .map_err(chart_error(name))?;
    let mut mesh = chart.configure_mesh();
    mesh_style(&mut mesh);
    mesh.x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
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

/// A y-axis upper bound a little above the data (the key is drawn under
/// the plot, so no room is kept for it), never 0.
pub(crate) fn headroom(max: f64) -> f64 {
    let max = finite(max);
    if max > 0.0 {
        max * 1.1
    } else {
        1.0
    }
}

/// Draws `segments` as lines; a segment of one point (a gap on both sides,
/// or a run with one history row) as a dot, so that no measured point is lost.
pub(crate) fn draw_line(
    chart: &mut XyChart<'_, '_>,
    segments: Vec<Vec<(f64, f64)>>,
    style: ShapeStyle,
) -> anyhow::Result<()> {
    let dot = (style.stroke_width + 2) as i32;
    let color = style.color;
    let (xr, yr) = (chart.x_range(), chart.y_range());
    let segments: Vec<Vec<(f64, f64)>> = segments
        .into_iter()
        .map(|s| {
            s.into_iter()
                .map(|(x, y)| (clip(x, &xr), clip(y, &yr)))
                .collect()
        })
        .collect();
    chart
        .draw_series(
            segments
                .iter()
                .filter(|s| s.len() == 1)
                .map(|s| Circle::new(s[0], dot, ShapeStyle::from(color).filled())),
        )
        .map_err(chart_error("line"))?;
    chart
        .draw_series(
            segments
                .into_iter()
                .filter(|s| s.len() > 1)
                .map(move |s| PathElement::new(s, style)),
        )
        .map_err(chart_error("line"))?;
    Ok(())
}

/// Hover stripes for a time chart: one per history row (at most about 400,
/// evenly picked), spanning the plot's height, titled with that row's figures.
pub(crate) fn time_marks(chart: &XyChart<'_, '_>, marks: &mut Marks, rows: &[(f64, String)]) {
    let (y_lo, y_hi) = {
        let r = chart.y_range();
        (r.start, r.end)
    };
    let step = rows.len().div_ceil(400).max(1);
    let picked: Vec<&(f64, String)> = rows.iter().step_by(step).collect();
    let xr = chart.x_range();
    for (i, (x, text)) in picked.iter().enumerate() {
        let x = clip(*x, &xr);
        let px = chart.backend_coord(&(x, y_lo));
        let half = |other: Option<&&(f64, String)>| {
            other.map_or(4, |o| {
                ((chart.backend_coord(&(clip(o.0, &xr), y_lo)).0 - px.0).abs() / 2).max(1)
            })
        };
        let left = half(i.checked_sub(1).and_then(|j| picked.get(j)));
        let right = half(picked.get(i + 1));
        let top = chart.backend_coord(&(x, y_hi)).1;
        marks.add((px.0 - left, top), (px.0 + right, px.1), text.clone());
    }
}

/// Draws a dashed horizontal target line across the x range.
pub(crate) fn draw_target(
    chart: &mut XyChart<'_, '_>,
    x: (f64, f64),
    y: f64,
) -> anyhow::Result<()> {
    let (xr, yr) = (chart.x_range(), chart.y_range());
    let (x, y) = ((clip(x.0, &xr), clip(x.1, &xr)), clip(y, &yr));
    chart
        .draw_series(DashedLineSeries::new(
            vec![(x.0, y), (x.1, y)],
            8,
            6,
            INK.stroke_width(2),
        ))
        .map_err(chart_error("target line"))?;
    Ok(())
}

/// The plotting context of a horizontal bar chart: f64 across, one row per bar.
pub(crate) type BarChart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, SegmentedCoord<RangedCoordusize>>>;

/// Longest bar label (endpoint name) shown in full on the axis.
const MAX_LABEL: usize = 34;

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
    // A segmented range 0..k has k + 1 rows; one bar needs 0..0, which
    // plotters cannot map, so it gets 0..1 and `bar` stretches the lone bar
    // over both rows.
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, 22))
        .margin(12)
        .margin_right(40)
        .x_label_area_size(48)
        .y_label_area_size(300)
        .build_cartesian_2d(
            axis(x.start, x.end),
            (0..n.saturating_sub(1).max(1)).into_segmented(),
        )
        .map_err(chart_error(name))?;
    let mut mesh = chart.configure_mesh();
    mesh_style(&mut mesh);
    mesh.disable_y_mesh()
        // No tick labels on the rows (they are drawn below); 0 labels
        // overflows in plotters, so one blank one.
        .y_labels(1)
        .y_label_formatter(&|_| String::new())
        .set_tick_mark_size(LabelAreaPosition::Left, 0)
        .x_labels(6)
        .x_label_formatter(x_label)
        .x_desc(x_desc)
        .draw()
        .map_err(chart_error(name))?;
    // Row labels, drawn here rather than as axis ticks so that each sits at
    // the middle of its bar, the first label at the top.
    let style = TextStyle::from((FONT, 15).into_font())
        .color(&INK)
        .pos(Pos::new(HPos::Right, VPos::Center));
    let left = chart
        .backend_coord(&(chart.x_range().start, SegmentValue::Exact(0)))
        .0;
    for (i, label) in labels.iter().enumerate() {
        let (a, b) = bar_box(&chart, n - 1 - i, n, 0.0);
        root.draw(&Text::new(
            label.clone(),
            (left - 8, (a.1 + b.1) / 2),
            style.clone(),
        ))
        .map_err(chart_error(name))?;
    }
    Ok(chart)
}

/// Tick labels for a count axis: whole numbers only (no "0.5 requests").
pub(crate) fn count_tick(v: &f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        String::new()
    }
}

/// The bar of row `i` (counted from the bottom) of a chart of `rows` bars, from 0 to `v`.
pub(crate) fn bar(
    i: usize,
    rows: usize,
    v: f64,
    color: RGBColor,
) -> Rectangle<(f64, SegmentValue<usize>)> {
    // A lone bar fills both rows of its 0..1 range (see `bar_chart`).
    let top = if rows == 1 { 2 } else { i + 1 };
    let mut r = Rectangle::new(
        [
            (0.0, SegmentValue::Exact(i)),
            (finite(v), SegmentValue::Exact(top)),
        ],
        color.filled(),
    );
    r.set_margin(5, 5, 0, 0);
    r
}

/// The pixel box of bar `i` of `rows` (from 0 to `v`), for its hover text.
pub(crate) fn bar_box(
    chart: &BarChart<'_, '_>,
    i: usize,
    rows: usize,
    v: f64,
) -> ((i32, i32), (i32, i32)) {
    let top = if rows == 1 { 2 } else { i + 1 };
    (
        chart.backend_coord(&(0.0, SegmentValue::Exact(i))),
        chart.backend_coord(&(clip(v, &chart.x_range()), SegmentValue::Exact(top))),
    )
}

/// Draws a dashed vertical line at `x` through all `rows` of a bar chart.
pub(crate) fn draw_bar_target(
    chart: &mut BarChart<'_, '_>,
    x: f64,
    rows: usize,
) -> anyhow::Result<()> {
    let x = clip(x, &chart.x_range());
    chart
        .draw_series(DashedLineSeries::new(
            vec![
                (x, SegmentValue::Exact(0)),
                (x, SegmentValue::Exact(rows.max(2))),
            ],
            8,
            6,
            INK.stroke_width(2),
        ))
        .map_err(chart_error("target line"))?;
    Ok(())
}

/// Compares names as a person would: digit runs by value, so that
/// `request_2` sorts before `request_10`.
pub(crate) fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut digit = None;
        for (i, c) in s.char_indices() {
            let d = c.is_ascii_digit();
            if digit.is_some_and(|p| p != d) {
                out.push((digit == Some(true), &s[start..i]));
                start = i;
            }
            digit = Some(d);
        }
        if start < s.len() {
            out.push((digit == Some(true), &s[start..]));
        }
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for (x, y) in ca.iter().zip(&cb) {
        let ord = match (x, y) {
            ((true, x), (true, y)) => {
                let (tx, ty) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
                tx.len()
                    .cmp(&ty.len())
                    .then_with(|| tx.cmp(ty))
                    .then_with(|| x.len().cmp(&y.len()))
            }
            ((_, x), (_, y)) => x.cmp(y),
        };
        if ord.is_ne() {
            return ord;
        }
    }
    ca.len().cmp(&cb.len())
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
    fn every_time_series_chart_draws_at_most_1000_points_a_line() {
        // A Locust stats_history of 100,000 rows.
        let mut b = crate::ingest::RunBuilder::new();
        b.totals(crate::model::EndpointStats {
            requests: 1,
            ..Default::default()
        });
        for i in 0..100_000u64 {
            let wave = (i % 97) as f64;
            b.series(crate::model::SeriesPoint {
                t_s: 1_700_000_000.0 + i as f64,
                users: Some(10 + i % 13),
                rps: Some(50.0 + wave),
                failures_per_s: Some(wave / 10.0),
                p50_ms: Some(20.0 + wave),
                p95_ms: Some(40.0 + wave),
                p99_ms: Some(80.0 + wave),
                total_requests: None,
            });
        }
        let run = b.build(crate::model::RunMeta::default()).unwrap();
        let charts = [
            latency_over_time::draw(&run, Some(50.0), false).unwrap(),
            throughput::draw(&run, false).unwrap(),
            users::draw(&run, false).unwrap(),
        ];
        for chart in charts {
            let lines: Vec<usize> = chart
                .svg
                .split("points=\"")
                .skip(1)
                .map(|rest| rest.split('"').next().unwrap().split_whitespace().count())
                .collect();
            assert!(!lines.is_empty(), "{}", &chart.svg[..300]);
            assert!(lines.iter().any(|n| *n > 500), "{lines:?}");
            assert!(lines.iter().all(|n| *n <= MAX_SERIES_POINTS), "{lines:?}");
        }
    }

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
    fn names_sort_by_the_value_of_their_numbers() {
        let mut names = vec![
            "request_10",
            "request_109",
            "request_1",
            "request_2",
            "app.js",
            "request_0 Redirect 1",
            "request_0",
        ];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            [
                "app.js",
                "request_0",
                "request_0 Redirect 1",
                "request_1",
                "request_2",
                "request_10",
                "request_109"
            ]
        );
        assert_eq!(natural_cmp("a01", "a1"), std::cmp::Ordering::Greater);
        assert_eq!(natural_cmp("a1", "a1"), std::cmp::Ordering::Equal);
    }

    #[test]
    fn tick_labels_carry_the_decimals_their_spacing_needs() {
        let four_seconds = tick_label(4.2);
        let ticks: Vec<String> = [0.0, 0.5, 1.0, 1.5, 2.0]
            .iter()
            .map(&four_seconds)
            .collect();
        assert_eq!(ticks, ["0", "0.5", "1", "1.5", "2"]);
        assert_eq!(tick_label(600.0)(&120.0), "120");
    }

    #[test]
    fn svg_text_gets_a_title_a_label_and_hover_boxes_escaped() {
        let mut marks = Marks::default();
        marks.add((10, 40), (30, 20), "GET /a?x=<1>&y: 5 ms".to_string());
        let out = accessible(
            "<svg width=\"9\" height=\"9\">\n<rect/>\n</svg>\n".to_string(),
            "P95 & more",
            &marks,
        );
        assert!(out.starts_with("<svg width=\"9\" height=\"9\" role=\"img\" aria-label=\"P95 &amp; more\"><title>P95 &amp; more</title>"), "{out}");
        assert!(out.contains("<rect x=\"10\" y=\"20\" width=\"20\" height=\"20\"><title>GET /a?x=&lt;1&gt;&amp;y: 5 ms</title></rect>"), "{out}");
        assert!(out.trim_end().ends_with("</g>\n</svg>"), "{out}");
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
            transactions: Vec::new(),
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
                    let mut out = String::new();
                    {
                        let root = SVGBackend::with_string(&mut out, SIZE).into_drawing_area();
                        let mut c = xy_chart(&root, "t", "t", lo..hi, lo..hi, ("x", "y"))?;
                        draw_line(
                            &mut c,
                            vec![vec![(lo, hi), (hi, lo)], vec![(hi, hi)]],
                            BLUE.into(),
                        )?;
                        draw_target(&mut c, (lo, hi), hi)?;
                    }
                    anyhow::Ok(out.len())
                })
                .unwrap();
                within_time(format!("bar_chart {lo:e}..{hi:e}"), move || {
                    let mut out = String::new();
                    {
                        let root = SVGBackend::with_string(&mut out, SIZE).into_drawing_area();
                        let labels = vec!["a".to_string(), "b".to_string()];
                        let mut c =
                            bar_chart(&root, "t", "t", lo..hi, &labels, ("x", &|v| v.to_string()))?;
                        c.draw_series([bar(0, 2, hi, BLUE), bar(1, 2, lo, BLUE)])
                            .map_err(chart_error("t"))?;
                        let _ = bar_box(&c, 0, 2, hi);
                        draw_bar_target(&mut c, hi, 2)?;
                    }
                    anyhow::Ok(out.len())
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
                    let sla = crate::sla::file::default_sla();
                    let report = crate::report::Report::build(vec![run], &sla);
                    for_run(&report.scored[0], &sla).map_or(0, |c| c.len())
                });
                // Drawing may refuse (an error), but not loop; with these
                // figures a run has its time charts at least.
                assert!(charts >= 3, "value {v}, time {t}: {charts} charts");
            }
        }
    }
}
