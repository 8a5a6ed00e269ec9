//! From scored runs to report files.
//!
//! [`Report::build`] scores each run and builds the view model once; each
//! renderer (`markdown`, `html`, `json`, `terminal`) only formats it and
//! returns bytes. [`write_atomically`] is the one place that touches the disk.

pub mod charts;
pub mod comparison;
pub mod format;
pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod outdir;
pub mod templates;
pub mod terminal;
pub mod trend;
pub mod view;

use crate::cli::OutputFormat;
use crate::config::Config;
use crate::evidence;
use crate::model::Run;
use crate::sla::{score, Score, Sla};
use crate::stats::{self, RunStats};
use crate::warnings::Warning;
use std::path::Path;

/// A run with everything derived from it.
#[derive(Debug, Clone)]
pub struct Scored {
    /// The run as read.
    pub run: Run,
    /// Its derived figures.
    pub stats: RunStats,
    /// Its score.
    pub score: Score,
    /// Problems found, most severe first.
    pub warnings: Vec<Warning>,
    /// The SLA this run was scored against (its scenario's, or the main one).
    pub sla: Sla,
}

/// Everything the renderers need.
#[derive(Debug, Clone)]
pub struct Report {
    /// The SLA the runs were scored against.
    pub sla: Sla,
    /// The runs, in input order.
    pub scored: Vec<Scored>,
    /// The formatted view the templates lay out.
    pub view: view::ReportView,
    /// The comparison with a baseline, when one was given.
    pub comparison: Option<crate::compare::Comparison>,
}

impl Report {
    /// Derives figures, scores and warnings for each run, then the view.
    pub fn build(runs: Vec<Run>, sla: &Sla) -> Report {
        let scored: Vec<Scored> = runs
            .into_iter()
            .map(|run| {
                let sla = sla.for_scenario(run.meta.scenario.as_deref()).clone();
                let stats = stats::compute(&run, |g| sla.expected_by(g));
                let mut score = score(&stats, &sla, run.meta.simulated);
                let warnings = evidence::check(&run, &stats, &mut score, &sla);
                Scored {
                    run,
                    stats,
                    score,
                    warnings,
                    sla,
                }
            })
            .collect();
        let mut scored = scored;
        if scored.len() > 1 {
            // A scenario set reads as a load ladder: by users, then by name.
            scored.sort_by(|a, b| {
                let users = |s: &Scored| {
                    s.run
                        .meta
                        .users_recorded
                        .or(s.run.meta.users_planned)
                        .unwrap_or(u64::MAX)
                };
                users(a)
                    .cmp(&users(b))
                    .then_with(|| a.run.meta.name.cmp(&b.run.meta.name))
            });
        }
        evidence::across_runs(&mut scored);
        let view = view::build(&scored, sla);
        Report {
            sla: sla.clone(),
            scored,
            view,
            comparison: None,
        }
    }

    /// Adds the comparison with a baseline (and its view).
    pub fn set_comparison(&mut self, c: crate::compare::Comparison) {
        self.view.comparison = Some(comparison::build(&c));
        self.view.overall = view::overall(&self.scored, self.view.comparison.as_ref());
        self.comparison = Some(c);
    }

    /// True when the comparison with the baseline found a regression.
    pub fn regressed(&self) -> bool {
        self.comparison
            .as_ref()
            .is_some_and(crate::compare::Comparison::regressed)
    }
}

/// The issue body written when a regression is found.
pub const REGRESSION_MD: &str = "regression.md";

/// A report file: its name, and its bytes or how to render them.
pub struct OutputFile<'a> {
    /// Path inside the output directory (`index.html`, `runs/run-peak.html`).
    pub name: String,
    body: Body<'a>,
}

enum Body<'a> {
    Ready(Vec<u8>),
    /// Rendered when the file is written, and dropped once it is: a build
    /// of 5,000 runs held 1.3 GB of run pages until the folder was written.
    Later(Box<dyn Fn() -> anyhow::Result<Vec<u8>> + 'a>),
}

impl<'a> OutputFile<'a> {
    /// A file whose bytes are already made.
    pub fn new(name: impl Into<String>, bytes: Vec<u8>) -> Self {
        OutputFile {
            name: name.into(),
            body: Body::Ready(bytes),
        }
    }

    /// A file rendered by `render` when it is written (each time: a
    /// fallback from one way of writing the folder to another renders again).
    pub fn later(
        name: impl Into<String>,
        render: impl Fn() -> anyhow::Result<Vec<u8>> + 'a,
    ) -> Self {
        OutputFile {
            name: name.into(),
            body: Body::Later(Box::new(render)),
        }
    }

    /// The contents, rendered now if the file renders when written.
    pub fn bytes(&self) -> anyhow::Result<std::borrow::Cow<'_, [u8]>> {
        Ok(match &self.body {
            Body::Ready(b) => std::borrow::Cow::Borrowed(b),
            Body::Later(render) => std::borrow::Cow::Owned(render()?),
        })
    }
}

impl std::fmt::Debug for OutputFile<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let body = match &self.body {
            Body::Ready(b) => format!("{} bytes", b.len()),
            Body::Later(_) => "rendered when written".to_string(),
        };
        f.debug_struct("OutputFile")
            .field("name", &self.name)
            .field("body", &body)
            .finish()
    }
}

/// The templates of the outputs `config` asks for (`--format json` parses
/// none): what [`render_all`] renders with.
pub fn templates_for(report: &Report, config: &Config) -> anyhow::Result<templates::Templates> {
    let markdown = config.formats.contains(&OutputFormat::Md) || report.regressed();
    let html = config.formats.contains(&OutputFormat::Html);
    templates::Templates::load_only(config.templates.as_deref(), |name| {
        if name.ends_with(".md") {
            markdown
        } else {
            html
        }
    })
}

/// Renders every output the config asks for, with `templates` from
/// [`templates_for`]. Run pages (several runs) render when written, one at
/// a time.
pub fn render_all<'a>(
    report: &'a Report,
    config: &Config,
    templates: &'a templates::Templates,
) -> anyhow::Result<Vec<OutputFile<'a>>> {
    if let Ok(v) = std::env::var("PERFREPORT_DEBUG") {
        if !v.is_empty() && v != "0" {
            eprintln!("{}", serde_json::to_string_pretty(&report.view)?);
        }
    }
    let mut files = Vec::new();
    for format in &config.formats {
        match format {
            OutputFormat::Md => files.push(OutputFile::new(
                "report.md",
                markdown::render(report, templates)?,
            )),
            OutputFormat::Html => files.extend(html::render(report, templates)?),
            OutputFormat::Json => {
                files.push(OutputFile::new("summary.json", json::render(report)?))
            }
            OutputFormat::Junit => files.push(OutputFile::new("junit.xml", junit::render(report)?)),
        }
    }
    if report.regressed() {
        files.push(OutputFile::new(
            REGRESSION_MD,
            markdown::render_regression(report, templates)?,
        ));
    }
    Ok(files)
}

/// Writes `files` into `dir` as one unit: a reader of `dir` sees the previous
/// build's files or these, never a mix; files perfreport did not write stay;
/// nothing is left behind after an error. See [`outdir`].
pub fn write_atomically(dir: &Path, files: &[OutputFile]) -> anyhow::Result<()> {
    outdir::write(dir, files, &outdir::Io::real())
}
