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

/// Renders `regression.md`: a self-contained issue body about the regression.
pub fn render_regression(report: &Report, templates: &Templates) -> anyhow::Result<Vec<u8>> {
    let ctx = tera::Context::from_serialize(&report.view)?;
    Ok(templates.render("regression.md", &ctx)?.into_bytes())
}

/// Renders a view (possibly trimmed) with the report.md template.
pub fn render_view(
    view: &super::view::ReportView,
    templates: &Templates,
) -> anyhow::Result<String> {
    let ctx = tera::Context::from_serialize(view)?;
    templates.render("report.md", &ctx)
}
