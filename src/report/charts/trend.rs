//! The trend charts: one figure over the runs of a scenario (with its SLA
//! target and change points), and the per-endpoint P95 sparklines.
//!
//! Drawn as SVG text directly rather than with plotters: every point carries
//! a `<title>` naming its run (label or commit, date, value), which plotters
//! cannot attach, and the x axis is the runs, not a number. Same palette,
//! font and SIMULATED convention as the other charts: simulated runs are
//! hollow markers outside the line. Everything from the input is escaped.

use super::{Chart, BLUE, FONT, INK, ORANGE, VERMILLION};
use plotters::style::RGBColor;
use std::fmt::Write;

/// One run on the x axis.
#[derive(Debug, Clone)]
pub struct XPoint {
    /// Short label under the axis (`v2.4.0`, `a1b2c3d4`).
    pub label: String,
    /// The value as text, with the run's full name and date (the tooltip).
    pub title: String,
    /// The value.
    pub value: Option<f64>,
    /// Not measured: drawn hollow, not joined to the line.
    pub simulated: bool,
}

/// A change point to mark on the chart.
#[derive(Debug, Clone)]
pub struct Mark {
    /// Index of the first run after the shift.
    pub at: usize,
    /// Short text (`+37 %, p = 0.0005`).
    pub text: String,
    /// The shift is for the worse.
    pub worse: bool,
}

fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// Escapes text for SVG/XML content and attributes.
pub(crate) fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Most x labels written under the axis; past it, every k-th (every run
/// keeps its tooltip and its row in the table).
const MAX_X_LABELS: usize = 40;

/// Draws one figure over the runs. `format` turns values into axis text.
pub fn figure(
    title: &str,
    points: &[XPoint],
    target: Option<(&str, f64)>,
    marks: &[Mark],
    format: &dyn Fn(f64) -> String,
) -> Chart {
    const W: f64 = 900.0;
    const H: f64 = 300.0;
    let (left, right, top, bottom) = (78.0, 16.0, 34.0, 86.0);
    let (pw, ph) = (W - left - right, H - top - bottom);
    let n = points.len().max(1);
    let max = points
        .iter()
        .filter_map(|p| p.value)
        .chain(target.map(|t| t.1))
        .fold(0.0_f64, f64::max);
    let y_max = if max > 0.0 { max * 1.15 } else { 1.0 };
    let x = |i: usize| {
        if n == 1 {
            left + pw / 2.0
        } else {
            left + pw * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| top + ph * (1.0 - v / y_max);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" font-family="{FONT}" role="img" aria-label="{}"><rect width="{W}" height="{H}" fill="#FFFFFF"/>"##,
        xml(title)
    );
    let _ = write!(
        s,
        r#"<text x="{}" y="22" font-size="17" text-anchor="middle" fill="{}">{}</text>"#,
        W / 2.0,
        hex(INK),
        xml(title)
    );
    // Axes and y ticks.
    let _ = write!(
        s,
        r##"<g stroke="#BBBBBB" stroke-width="1"><line x1="{left}" y1="{top}" x2="{left}" y2="{}"/><line x1="{left}" y1="{}" x2="{}" y2="{}"/></g>"##,
        top + ph,
        top + ph,
        left + pw,
        top + ph
    );
    for k in 0..=4 {
        let v = y_max * k as f64 / 4.0;
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{y0:.1}" x2="{}" y2="{y0:.1}" stroke="#EEEEEE"/><text x="{}" y="{:.1}" font-size="11" text-anchor="end" fill="#444444">{}</text>"##,
            left + pw,
            left - 6.0,
            y(v) + 4.0,
            xml(&format(v)),
            y0 = y(v)
        );
    }
    let every = points.len().div_ceil(MAX_X_LABELS).max(1);
    for (i, p) in points.iter().enumerate() {
        if i % every != 0 && i + 1 != points.len() {
            continue;
        }
        let _ = write!(
            s,
            r##"<text transform="translate({:.1},{:.1}) rotate(-45)" font-size="11" text-anchor="end" fill="#444444">{}</text>"##,
            x(i) + 3.0,
            top + ph + 14.0,
            xml(&p.label)
        );
    }
    if let Some((text, v)) = target {
        let _ = write!(
            s,
            r#"<line x1="{left}" y1="{yy:.1}" x2="{}" y2="{yy:.1}" stroke="{}" stroke-width="2" stroke-dasharray="8 6"/><text x="{}" y="{:.1}" font-size="12" text-anchor="end" fill="{}">SLA target {}</text>"#,
            left + pw,
            hex(INK),
            left + pw,
            y(v) - 5.0,
            hex(INK),
            xml(text),
            yy = y(v)
        );
    }
    for m in marks {
        let color = if m.worse { VERMILLION } else { BLUE };
        let xm = if m.at == 0 {
            x(0)
        } else {
            (x(m.at - 1) + x(m.at)) / 2.0
        };
        let _ = write!(
            s,
            r#"<line x1="{xm:.1}" y1="{top}" x2="{xm:.1}" y2="{}" stroke="{}" stroke-width="2" stroke-dasharray="3 3"/><text x="{:.1}" y="{}" font-size="12" fill="{}">{}</text>"#,
            top + ph,
            hex(color),
            xm + 4.0,
            top + 12.0,
            hex(color),
            xml(&m.text)
        );
    }
    // The line through measured runs, broken where a value is missing.
    let mut path = String::new();
    let mut pen_down = false;
    for (i, p) in points.iter().enumerate() {
        match p.value.filter(|_| !p.simulated) {
            Some(v) => {
                let _ = write!(
                    path,
                    "{}{:.1},{:.1} ",
                    if pen_down { "L" } else { "M" },
                    x(i),
                    y(v)
                );
                pen_down = true;
            }
            None if p.simulated => {}
            None => pen_down = false,
        }
    }
    if !path.is_empty() {
        let _ = write!(
            s,
            r#"<path d="{}" fill="none" stroke="{}" stroke-width="2.5"/>"#,
            path.trim_end(),
            hex(BLUE)
        );
    }
    for (i, p) in points.iter().enumerate() {
        let Some(v) = p.value else { continue };
        let (fill, stroke) = if p.simulated {
            ("#FFFFFF".to_string(), hex(ORANGE))
        } else {
            (hex(BLUE), hex(BLUE))
        };
        let _ = write!(
            s,
            r#"<circle cx="{:.1}" cy="{:.1}" r="4" fill="{fill}" stroke="{stroke}" stroke-width="2"><title>{}</title></circle>"#,
            x(i),
            y(v),
            xml(&p.title)
        );
    }
    if points.iter().any(|p| p.simulated && p.value.is_some()) {
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" font-size="12" text-anchor="end" fill="{}">○ simulated run (not used for change points)</text>"#,
            left + pw,
            H - 6.0,
            hex(ORANGE)
        );
    }
    s.push_str("</svg>");
    Chart {
        svg: s,
        caption: String::new(),
    }
}

/// A small P95 line over the runs (measured runs only), its last point dotted.
pub fn sparkline(values: &[Option<f64>], title: &str) -> String {
    const W: f64 = 160.0;
    const H: f64 = 40.0;
    let max = values.iter().flatten().fold(0.0_f64, |a, &b| a.max(b));
    let min = values
        .iter()
        .flatten()
        .fold(f64::INFINITY, |a, &b| a.min(b));
    let span = if max > min { max - min } else { 1.0 };
    let n = values.len().max(2);
    let x = |i: usize| 2.0 + (W - 4.0) * i as f64 / (n - 1) as f64;
    let y = |v: f64| H - 3.0 - (H - 6.0) * (v - min.min(max)) / span;
    let mut path = String::new();
    let mut pen_down = false;
    let mut last = None;
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => {
                let _ = write!(
                    path,
                    "{}{:.1},{:.1} ",
                    if pen_down { "L" } else { "M" },
                    x(i),
                    y(*v)
                );
                pen_down = true;
                last = Some((x(i), y(*v)));
            }
            None => pen_down = false,
        }
    }
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-label="{}"><title>{}</title>"#,
        xml(title),
        xml(title)
    );
    if !path.is_empty() {
        let _ = write!(
            s,
            r#"<path d="{}" fill="none" stroke="{}" stroke-width="1.5"/>"#,
            path.trim_end(),
            hex(BLUE)
        );
    }
    if let Some((lx, ly)) = last {
        let _ = write!(
            s,
            r#"<circle cx="{lx:.1}" cy="{ly:.1}" r="2.5" fill="{}"/>"#,
            hex(VERMILLION)
        );
    }
    s.push_str("</svg>");
    s
}

/// The same as text, for Markdown: one block character per run (`▁▃▇`), a
/// space where a run does not hold the value.
pub fn spark_text(values: &[Option<f64>]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = values
        .iter()
        .flatten()
        .fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    let min = values
        .iter()
        .flatten()
        .fold(f64::INFINITY, |a, &b| a.min(b));
    values
        .iter()
        .map(|v| match v {
            Some(v) if max > min => BARS[(((v - min) / (max - min)) * 7.0).round() as usize],
            Some(_) => BARS[3],
            None => ' ',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_from_the_input_are_escaped() {
        let p = XPoint {
            label: "<script>alert(1)</script>".into(),
            title: "a & \"b\"".into(),
            value: Some(3.0),
            simulated: false,
        };
        let c = figure("P95 <x>", &[p], Some(("< 50ms", 50.0)), &[], &|v| {
            format!("{v}")
        });
        assert!(!c.svg.contains("<script>"), "{}", c.svg);
        assert!(c.svg.contains("&lt;script&gt;") && c.svg.contains("a &amp; &quot;b&quot;"));
        assert!(c.svg.contains("SLA target &lt; 50ms"));
        let s = sparkline(&[Some(1.0)], "GET /<b>");
        assert!(s.contains("GET /&lt;b&gt;") && !s.contains("<b>"));
    }

    #[test]
    fn simulated_runs_are_hollow_and_off_the_line() {
        let pts: Vec<XPoint> = [(10.0, false), (99.0, true), (12.0, false)]
            .iter()
            .enumerate()
            .map(|(i, (v, sim))| XPoint {
                label: format!("r{i}"),
                title: format!("r{i}"),
                value: Some(*v),
                simulated: *sim,
            })
            .collect();
        let c = figure("P95", &pts, None, &[], &|v| format!("{v}"));
        // Two measured points joined directly: M x0 L x2.
        let path = c
            .svg
            .split("<path d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert_eq!(path.matches('L').count(), 1, "{path}");
        assert_eq!(
            c.svg.matches("fill=\"#FFFFFF\" stroke=\"#E69F00\"").count(),
            1
        );
        assert!(c.svg.contains("simulated run (not used for change points)"));
    }

    #[test]
    fn the_text_sparkline_spans_the_range() {
        assert_eq!(spark_text(&[Some(1.0), Some(8.0), None, Some(4.5)]), "▁█ ▅");
        assert_eq!(spark_text(&[Some(2.0), Some(2.0)]), "▄▄");
    }
}
