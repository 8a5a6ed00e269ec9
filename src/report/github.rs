//! `--github`: append the Markdown summary to `$GITHUB_STEP_SUMMARY`, kept
//! under GitHub's limit by showing only the endpoints with the most traffic
//! (the report says how many were left out; index.html and summary.json keep
//! them all).

use super::templates::Templates;
use super::view::ReportView;
use super::{markdown, Report};
use anyhow::Context;
use std::collections::BTreeSet;
use std::io::Write;

/// GitHub's limit on a step summary (and a comment), in characters.
pub const GITHUB_LIMIT: usize = 65_536;

/// report.md, trimmed to fewer than `limit` bytes (so also characters) by
/// keeping each run's `keep` endpoints with the most requests, for the largest
/// `keep` that fits.
pub fn markdown_within(
    report: &Report,
    templates: &Templates,
    limit: usize,
) -> anyhow::Result<String> {
    let full = markdown::render_view(&report.view, templates)?;
    if full.len() < limit {
        return Ok(full);
    }
    let most = report
        .view
        .runs
        .iter()
        .map(|r| r.endpoints.len())
        .chain(
            report
                .view
                .comparison
                .iter()
                .flat_map(|c| c.runs.iter().map(|r| r.rows.len())),
        )
        .max()
        .unwrap_or(0);
    let (mut lo, mut hi) = (0usize, most);
    let mut best: Option<String> = None;
    while lo <= hi {
        let mid = lo + (hi - lo) / 2;
        let text = markdown::render_view(&trimmed(report, mid), templates)?;
        if text.len() < limit {
            best = Some(text);
            lo = mid + 1;
        } else if mid == 0 {
            break;
        } else {
            hi = mid - 1;
        }
    }
    Ok(match best {
        Some(t) => t,
        None => {
            // Even without endpoints it does not fit (many runs): cut, and say so.
            let note = "\n\n*The summary is cut here to stay under GitHub's size limit; the full report is in report.md and index.html.*\n";
            let mut text = markdown::render_view(&trimmed(report, 0), templates)?;
            let mut cut = limit.saturating_sub(note.len() + 1);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            text + note
        }
    })
}

/// The view with each run's endpoint table (and comparison rows) reduced to
/// the `keep` endpoints with the most requests, in their original order.
pub fn trimmed(report: &Report, keep: usize) -> ReportView {
    let mut view = report.view.clone();
    for (run, scored) in view.runs.iter_mut().zip(&report.scored) {
        let stats = &scored.stats.endpoints;
        if run.endpoints.len() <= keep || stats.len() != run.endpoints.len() {
            continue;
        }
        let mut order: Vec<usize> = (0..stats.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(stats[i].requests));
        let kept: BTreeSet<usize> = order.into_iter().take(keep).collect();
        let kept_keys: BTreeSet<(&str, &str)> = kept
            .iter()
            .map(|&i| (stats[i].method.as_str(), stats[i].name.as_str()))
            .collect();
        run.endpoints_omitted = run.endpoints.len() - kept.len();
        run.endpoints = std::mem::take(&mut run.endpoints)
            .into_iter()
            .enumerate()
            .filter(|(i, _)| kept.contains(i))
            .map(|(_, e)| e)
            .collect();
        run.errors
            .retain(|e| kept_keys.contains(&(e.method.as_str(), e.endpoint.as_str())));
    }
    if let Some(c) = view.comparison.as_mut() {
        for run in &mut c.runs {
            let endpoints = run.rows.iter().filter(|r| !r.total).count();
            if endpoints <= keep {
                continue;
            }
            let mut order: Vec<usize> = (0..run.rows.len())
                .filter(|&i| !run.rows[i].total)
                .collect();
            order.sort_by_key(|&i| std::cmp::Reverse(run.rows[i].traffic));
            let kept: BTreeSet<usize> = order.into_iter().take(keep).collect();
            run.rows_omitted = endpoints - kept.len();
            run.rows = std::mem::take(&mut run.rows)
                .into_iter()
                .enumerate()
                .filter(|(i, r)| r.total || kept.contains(i))
                .map(|(_, r)| r)
                .collect();
        }
    }
    view
}

/// Appends the (trimmed) Markdown summary to the file `$GITHUB_STEP_SUMMARY`
/// names. Returns false when the variable is not set.
pub fn append_step_summary(report: &Report, templates: &Templates) -> anyhow::Result<bool> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(false);
    };
    let text = markdown_within(report, templates, GITHUB_LIMIT)?;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .with_context(|| format!("cannot open GITHUB_STEP_SUMMARY {}", path.to_string_lossy()))?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.write_all(b"\n"))
        .with_context(|| {
            format!(
                "cannot write GITHUB_STEP_SUMMARY {}",
                path.to_string_lossy()
            )
        })?;
    Ok(true)
}
