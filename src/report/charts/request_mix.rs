//! The request mix: how many requests each endpoint took, as a share of the run.

use super::{bar, bar_box, bar_chart, chart_error, short, svg, Chart, Key, BLUE, SIZE};
use crate::report::format;
use crate::stats::Figures;

/// Most bars drawn; the rest are summed into one.
const MAX_BARS: usize = 25;

/// Draws the chart; `None` when fewer than one endpoint states its requests.
pub(super) fn draw(endpoints: &[Figures], simulated: bool) -> anyhow::Result<Option<Chart>> {
    const NAME: &str = "request mix";
    const TITLE: &str = "Request mix";
    let mut rows: Vec<(String, u64)> = endpoints
        .iter()
        .filter(|e| e.requests_known)
        .map(|e| (e.label.clone(), e.requests))
        .collect();
    let total: u64 = rows.iter().map(|r| r.1).sum();
    if rows.is_empty() || total == 0 {
        return Ok(None);
    }
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| super::natural_cmp(&a.0, &b.0)));
    let mut left_out = 0;
    if rows.len() > MAX_BARS {
        let rest = rows.split_off(MAX_BARS - 1);
        left_out = rest.len();
        rows.push((
            format!("{left_out} other endpoints"),
            rest.iter().map(|r| r.1).sum(),
        ));
    }
    let n = rows.len();
    let share = |v: u64| v as f64 / total as f64;
    let x_max = rows.iter().map(|r| r.1).max().unwrap_or(1) as f64;
    let labels: Vec<String> = rows.iter().map(|r| short(&r.0)).collect();
    let height = (110 + 30 * n as u32).max(200);
    let svg = svg(
        NAME,
        TITLE,
        (SIZE.0, height),
        simulated,
        &Key::new(),
        |root, marks| {
            let mut chart = bar_chart(
                root,
                NAME,
                TITLE,
                0.0..super::headroom(x_max),
                &labels,
                ("Requests", &super::count_tick),
            )?;
            chart
                .draw_series(
                    rows.iter()
                        .enumerate()
                        .map(|(i, r)| bar(n - 1 - i, n, r.1 as f64, BLUE)),
                )
                .map_err(chart_error(NAME))?;
            for (i, r) in rows.iter().enumerate() {
                let (a, b) = bar_box(&chart, n - 1 - i, n, (r.1 as f64).max(x_max * 0.02));
                marks.add(
                    a,
                    b,
                    format!(
                        "{}: {} requests ({})",
                        r.0,
                        format::count(r.1),
                        format::percent(share(r.1))
                    ),
                );
            }
            Ok(())
        },
    )?;
    let mut caption = format!(
        "Requests per endpoint, {} in all; hover over a bar for its share.",
        format::count(total)
    );
    if left_out > 0 {
        caption.push_str(&format!(
            " The {left_out} endpoints with the fewest requests are summed in one bar; the Endpoints table lists each."
        ));
    }
    Ok(Some(Chart { svg, caption }))
}
