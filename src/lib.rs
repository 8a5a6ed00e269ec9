//! perfreport turns the files load-testing tools leave behind into a release
//! verdict: a 0–100 SLA score with its reasons, a Markdown executive summary,
//! a self-contained HTML report and `summary.json`.
//!
//! Data flows one way:
//!
//! ```text
//!  files ──► ingest ──► Run ──► stats ──► sla::score ──► report::Report ──► renderers
//!            (readers,   (plain   (expected   (rules,        (view model,      md / html /
//!             detect)     data)    failures,   weights,       formatted once)   json / terminal
//!                                  rates)      gates)
//! ```
//!
//! A reader knows nothing of rendering; a renderer never reads a file or
//! computes a statistic; templates only lay out the view model.

pub mod cli;
pub mod config;
pub mod error;
pub mod evidence;
pub mod ingest;
pub mod model;
pub mod progress;
pub mod report;
pub mod sla;
pub mod stats;
pub mod warnings;

use cli::{Cli, Command};
use config::Config;
use std::io::Write;

/// What a successful command decided, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Reports written, every run passed (exit 0).
    Passed,
    /// Reports written, a run failed, or a simulated run without `--allow-simulated` (exit 1).
    Failed,
}

/// Runs a parsed command line. Errors are input or usage errors (exit 2).
pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Build(args) => build(Config::from_args(args)?),
        Command::CheckSla { sla } => {
            let sla = sla::file::load(&sla)?;
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "{}: {} rules, pass at {}",
                sla.name,
                sla.rules.len(),
                sla.pass_score
            )?;
            for r in &sla.rules {
                writeln!(
                    out,
                    "  {:<16} {:<12} {:<10} weight {:<5} scope {}{}",
                    r.id,
                    r.metric.to_string(),
                    r.target.text,
                    r.weight,
                    r.scope,
                    if r.gate { "  (gate)" } else { "" }
                )?;
            }
            for e in &sla.expected_failures {
                writeln!(out, "  expected failure: {}", e.describe())?;
            }
            Ok(Outcome::Passed)
        }
    }
}

/// `perfreport build`: read, score, render, write.
pub fn build(config: Config) -> anyhow::Result<Outcome> {
    progress::enable(!config.quiet);
    let runs = ingest::load(&config.paths, config.simulated, &config.read)?;
    let report = report::Report::build(runs, &config.sla);
    let files = report::render_all(&report, &config)?;
    report::write_atomically(&config.output, &files)?;
    if !config.quiet {
        let mut out = std::io::stdout().lock();
        out.write_all(report::terminal::render(&report, &config.output).as_bytes())?;
    }
    let all_passed = report
        .scored
        .iter()
        .all(|s| s.score.passed && (!s.run.meta.simulated || config.allow_simulated));
    Ok(if all_passed {
        Outcome::Passed
    } else {
        Outcome::Failed
    })
}
