//! `index.html`: the view model laid out by `templates/index.html`, with the
//! charts inlined as SVG. Tera autoescapes every value; only our own SVG and
//! the sanitised notes are marked safe. With several runs, `index.html` is the
//! overview (matrix, capacity charts, breaking point) and each run gets its
//! own self-contained page under `runs/`.

use super::charts::{self, Chart};
use super::templates::Templates;
use super::{OutputFile, Report};

/// Renders the self-contained HTML report: `index.html`, and one page per
/// run when there are several, each rendered when it is written.
pub fn render<'a>(
    report: &'a Report,
    templates: &'a Templates,
) -> anyhow::Result<Vec<OutputFile<'a>>> {
    let several = report.view.scenario_set.is_some();
    // With several runs the overview draws no run's charts: each run's are
    // drawn for its own page, then dropped (2,000 runs held 0.5 GB of SVG,
    // twice over in the overview's context).
    let charts: Vec<Vec<Chart>> = if several {
        Vec::new()
    } else {
        report
            .scored
            .iter()
            .map(|s| charts::for_run(s, &s.sla))
            .collect::<anyhow::Result<_>>()?
    };
    let simulated = report.view.simulated;
    let capacity: Vec<Chart> = match &report.view.scenario_set {
        Some(set) if set.has_capacity => vec![
            charts::scaling::throughput(&report.scored, simulated)?,
            charts::scaling::latency(
                &report.scored,
                charts::p95_target(&report.sla, false),
                simulated,
            )?,
        ],
        _ => Vec::new(),
    };
    let mut ctx = tera::Context::new();
    ctx.insert("report", &report.view);
    ctx.insert("charts", &charts);
    let comparison_charts = match &report.comparison {
        Some(c) => charts::for_comparison(c)?,
        None => Vec::new(),
    };
    ctx.insert("comparison_charts", &comparison_charts);
    ctx.insert("capacity_charts", &capacity);
    let mut files = vec![OutputFile::new(
        "index.html",
        templates.render("index.html", &ctx)?.into_bytes(),
    )];
    drop(ctx);
    if several {
        // A run page gets only what it shows of the whole report: inserting
        // the whole view (every run) into each page's context made a build
        // of n runs cost n² (issue #15: 800 runs took 92-109 s).
        for (run, scored) in report.view.runs.iter().zip(&report.scored) {
            // Rendered when written, then dropped: the pages of 5,000 runs
            // held 1.3 GB until the folder was written.
            files.push(OutputFile::later(
                super::view::run_page(&run.anchor),
                move || {
                    let page_report = PageReport {
                        title: &report.view.title,
                        generator: &report.view.generator,
                        simulated: report.view.simulated,
                        simulated_banner: &report.view.simulated_banner,
                    };
                    let run_charts = charts::for_run(scored, &scored.sla)?;
                    let mut page = tera::Context::new();
                    page.insert("report", &page_report);
                    page.insert("run", run);
                    page.insert("run_charts", &run_charts);
                    Ok(templates.render("run.html", &page)?.into_bytes())
                },
            ));
        }
    }
    Ok(files)
}

/// The fields of the whole report a run page (`run.html`) lays out.
#[derive(serde::Serialize)]
struct PageReport<'a> {
    title: &'a str,
    generator: &'a str,
    simulated: bool,
    simulated_banner: &'a str,
}
