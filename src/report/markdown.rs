//! `report.md`: the executive summary for a pull request, laid out by
//! `templates/report.md`. Names from input files go through the `md` filter
//! (pipes, `@` mentions, raw HTML escaped).

use super::templates::Templates;
use super::Report;

/// Renders the Markdown summary.
pub fn render(report: &Report, templates: &Templates) -> anyhow::Result<Vec<u8>> {
    let ctx = tera::Context::from_serialize(&report.view)?;
    Ok(templates.render("report.md", &ctx)?.into_bytes())
}
