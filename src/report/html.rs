//! `index.html`: the view model laid out by `templates/index.html`, with the
//! charts inlined as SVG. Tera autoescapes every value; only our own SVG and
//! the sanitised notes are marked safe.

use super::charts::{self, Chart};
use super::templates::Templates;
use super::Report;

/// Renders the self-contained HTML report.
pub fn render(report: &Report, templates: &Templates) -> anyhow::Result<Vec<u8>> {
    let charts: Vec<Vec<Chart>> = report
        .scored
        .iter()
        .map(|s| charts::for_run(s, &report.sla))
        .collect::<anyhow::Result<_>>()?;
    let mut ctx = tera::Context::new();
    ctx.insert("report", &report.view);
    ctx.insert("charts", &charts);
    let comparison_charts = match &report.comparison {
        Some(c) => charts::for_comparison(c)?,
        None => Vec::new(),
    };
    ctx.insert("comparison_charts", &comparison_charts);
    Ok(templates.render("index.html", &ctx)?.into_bytes())
}
