//! Failed requests by endpoint and by error, unexpected and expected apart.

use super::{
    bar_box, bar_chart, chart_error, natural_cmp, short, svg, Chart, Key, Swatch, SIZE, VERMILLION,
};
use crate::report::format;
use crate::stats::{ClassifiedFailure, Figures};
use plotters::prelude::*;

/// Most bars drawn; the rest are summed into one.
const MAX_BARS: usize = 25;
/// Expected failures (declared by the SLA): grey, as in the reports.
const EXPECTED: RGBColor = RGBColor(0x99, 0x99, 0x99);

/// One bar: label, unexpected failures, expected failures.
type Row = (String, u64, u64);

/// Draws rows as stacked bars (unexpected, then expected), the most first.
/// Rows without failures are kept only when `keep_zero` (every endpoint
/// at 0 is worth a look: "nothing failed" is a finding too).
fn draw_rows(
    name: &'static str,
    title: &str,
    what: &str,
    mut rows: Vec<Row>,
    keep_zero: bool,
    simulated: bool,
) -> anyhow::Result<Option<Chart>> {
    if !keep_zero {
        rows.retain(|r| r.1 + r.2 > 0);
    }
    if rows.is_empty() {
        return Ok(None);
    }
    let none_failed = rows.iter().all(|r| r.1 + r.2 == 0);
    let title = if none_failed {
        format!("{title}: none failed")
    } else {
        title.to_string()
    };
    let title = title.as_str();
    rows.sort_by(|a, b| {
        (b.1 + b.2)
            .cmp(&(a.1 + a.2))
            .then_with(|| natural_cmp(&a.0, &b.0))
    });
    let mut left_out = 0;
    if rows.len() > MAX_BARS {
        let rest = rows.split_off(MAX_BARS - 1);
        left_out = rest.len();
        rows.push((
            format!("{left_out} others"),
            rest.iter().map(|r| r.1).sum(),
            rest.iter().map(|r| r.2).sum(),
        ));
    }
    let n = rows.len();
    let x_max = rows.iter().map(|r| r.1 + r.2).max().unwrap_or(0).max(1) as f64;
    let labels: Vec<String> = rows.iter().map(|r| short(&r.0)).collect();
    let mut key: Key = Vec::new();
    if rows.iter().any(|r| r.1 > 0) {
        key.push((Swatch::Fill(VERMILLION.to_rgba()), "unexpected".to_string()));
    }
    if rows.iter().any(|r| r.2 > 0) {
        key.push((
            Swatch::Fill(EXPECTED.to_rgba()),
            "expected (declared in the SLA file)".to_string(),
        ));
    }
    let height = (110 + 30 * n as u32).max(200);
    let svg = svg(
        name,
        title,
        (SIZE.0, height),
        simulated,
        &key,
        |root, marks| {
            let chart = bar_chart(
                root,
                name,
                title,
                0.0..super::headroom(x_max),
                &labels,
                ("Failed requests", &super::count_tick),
            )?;
            for (i, r) in rows.iter().enumerate() {
                let row = n - 1 - i;
                let (u, e) = (r.1 as f64, r.2 as f64);
                for (from, to, color) in [(0.0, u, VERMILLION), (u, u + e, EXPECTED)] {
                    if to > from {
                        let (a, b) = bar_box(&chart, row, n, from);
                        let (_, z) = bar_box(&chart, row, n, to);
                        // Same margins as `bar`: 5 px off the row's edges.
                        root.draw(&Rectangle::new(
                            [(a.0, a.1 - 5), (z.0, b.1 + 5)],
                            color.filled(),
                        ))
                        .map_err(chart_error(name))?;
                    }
                }
                let (a, b) = bar_box(&chart, row, n, (u + e).max(x_max * 0.02));
                let mut text = format!("{}: {} unexpected", r.0, format::count(r.1));
                if r.2 > 0 {
                    text.push_str(&format!(", {} expected", format::count(r.2)));
                }
                marks.add(a, b, text);
            }
            Ok(())
        },
    )?;
    let mut caption = if none_failed {
        format!("No request failed: every {what} at 0.")
    } else {
        format!("Failed requests by {what}: unexpected ones count against the error rate; expected ones are declared by the SLA file and excluded from it.")
    };
    if left_out > 0 {
        caption.push_str(&format!(
            " The {left_out} with the fewest failures are summed in one bar; the tables list each."
        ));
    }
    Ok(Some(Chart { svg, caption }))
}

/// Failures per endpoint that states its requests (zeros included); `None`
/// when no endpoint does.
pub(super) fn by_endpoint(endpoints: &[Figures], simulated: bool) -> anyhow::Result<Option<Chart>> {
    let rows = endpoints
        .iter()
        .filter(|e| e.requests_known)
        .map(|e| {
            let expected = e.expected_failures.min(e.failures);
            (e.label.clone(), e.failures - expected, expected)
        })
        .collect();
    draw_rows(
        "failures by endpoint",
        "Failures by endpoint",
        "endpoint",
        rows,
        true,
        simulated,
    )
}

/// Failures per error message (summed over endpoints); `None` when the run
/// lists no failure.
pub(super) fn by_error(
    failures: &[ClassifiedFailure],
    simulated: bool,
) -> anyhow::Result<Option<Chart>> {
    let mut rows: Vec<Row> = Vec::new();
    for f in failures {
        let label = match f.group.status {
            Some(s) if !f.group.error.contains(&s.to_string()) => format!("{s}: {}", f.group.error),
            _ => f.group.error.clone(),
        };
        let (u, e) = if f.expected_by.is_some() {
            (0, f.group.occurrences)
        } else {
            (f.group.occurrences, 0)
        };
        match rows.iter_mut().find(|r| r.0 == label) {
            Some(r) => {
                r.1 += u;
                r.2 += e;
            }
            None => rows.push((label, u, e)),
        }
    }
    draw_rows(
        "failures by error",
        "Failures by error",
        "error",
        rows,
        false,
        simulated,
    )
}
