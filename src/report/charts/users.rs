//! Active users over the run.

use super::{
    draw_line, elapsed, headroom, svg, time_marks, xy_chart, Chart, Key, Swatch, PURPLE, SIZE,
};
use crate::model::{Run, SeriesPoint};
use plotters::prelude::*;

/// The user count as a step line: a count holds until the next row that
/// states one (formats that log user starts and ends, such as Gatling, state
/// it only where a user came or went), up to the run's last row.
fn steps(series: &[SeriesPoint]) -> Vec<(f64, f64)> {
    let t0 = series.first().map_or(0.0, |p| p.t_s);
    let mut out: Vec<(f64, f64)> = Vec::new();
    let mut last: Option<f64> = None;
    for p in series {
        let t = p.t_s - t0;
        match (p.users, last) {
            (Some(u), prev) => {
                if let Some(prev) = prev {
                    out.push((t, prev));
                }
                out.push((t, u as f64));
                last = Some(u as f64);
            }
            (None, Some(prev)) => out.push((t, prev)),
            (None, None) => {}
        }
    }
    out.dedup();
    out
}

/// Draws the user count against elapsed time.
pub(super) fn draw(run: &Run, simulated: bool) -> anyhow::Result<Chart> {
    const NAME: &str = "users";
    const TITLE: &str = "Active users over the run";
    let x = elapsed(run);
    let x_max = run.series.last().map_or(1.0, |p| x(p.t_s)).max(1.0);
    let y_max = run.series.iter().filter_map(|p| p.users).max().unwrap_or(0) as f64;
    let key: Key = vec![(Swatch::Line(PURPLE, 3), "Active users".to_string())];
    let rows: Vec<(f64, String)> = run
        .series
        .iter()
        .filter_map(|p| {
            let t = x(p.t_s);
            p.users.map(|u| {
                (
                    t,
                    format!("{} s: {u} users", crate::report::format::trim_number(t)),
                )
            })
        })
        .collect();
    let line: Vec<(f64, f64)> = super::thin(
        steps(&run.series)
            .into_iter()
            .map(|(x, y)| (x, Some(y)))
            .collect(),
        super::MAX_SERIES_POINTS,
    )
    .into_iter()
    .filter_map(|(x, y)| y.map(|y| (x, y)))
    .collect();
    let svg = svg(
        NAME,
        TITLE,
        (SIZE.0, 300),
        simulated,
        &key,
        |root, marks| {
            let mut chart = xy_chart(
                root,
                NAME,
                TITLE,
                0.0..x_max,
                0.0..headroom(y_max),
                ("Elapsed time (s)", "Users"),
            )?;
            draw_line(&mut chart, vec![line], PURPLE.stroke_width(3))?;
            time_marks(&chart, marks, &rows);
            Ok(())
        },
    )?;
    Ok(Chart {
        svg,
        caption: format!(
            "Concurrent users per history row of {}; a count holds until the next row that states one.",
            run.meta.tool
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(t_s: f64, users: Option<u64>) -> SeriesPoint {
        SeriesPoint {
            t_s,
            users,
            ..SeriesPoint::default()
        }
    }

    #[test]
    fn a_user_count_holds_until_the_next_row_that_states_one() {
        let series = vec![
            point(100.0, Some(10)),
            point(101.0, None),
            point(102.0, None),
            point(103.0, Some(4)),
            point(104.0, None),
        ];
        // Flat at 10 up to 3 s, a step down to 4, held to the last row.
        assert_eq!(
            steps(&series),
            vec![
                (0.0, 10.0),
                (1.0, 10.0),
                (2.0, 10.0),
                (3.0, 10.0),
                (3.0, 4.0),
                (4.0, 4.0)
            ]
        );
    }
}
