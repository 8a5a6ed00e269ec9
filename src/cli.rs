//! The command line as the user typed it (clap derive). No logic here:
//! `config.rs` validates and resolves it.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Turn load-test results into a release verdict: a 0–100 SLA score, a
/// Markdown executive summary, a self-contained HTML report and summary.json.
#[derive(Debug, Parser)]
#[command(name = "perfreport", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score result files against an SLA and write the reports.
    #[command(after_help = BUILD_EXAMPLES)]
    Build(BuildArgs),
    /// Check an SLA file and print its rules, without reading any results.
    CheckSla {
        /// The SLA file (TOML).
        sla: PathBuf,
    },
}

const BUILD_EXAMPLES: &str = "\
Examples:
  perfreport build samples/locust-peak --sla sla/peak.toml -o report/
  perfreport build results/ -o report/                  # default SLA (P95 < 50 ms, errors < 1 %, ...)
  perfreport build results/run1_stats.csv --format md   # one Locust prefix, Markdown only
  perfreport build dry-run/ --simulated --allow-simulated

Exit codes: 0 report written and SLA passed; 1 report written and SLA failed
(score below pass_score, a gate failed, or the run is simulated without
--allow-simulated); 2 bad usage or unreadable input (nothing is written).";

/// Arguments of `perfreport build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Result files or directories (each subdirectory, or each Locust prefix, is one run).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// SLA file (TOML); the built-in default SLA when omitted.
    #[arg(long, value_name = "FILE")]
    pub sla: Option<PathBuf>,

    /// Output directory (created, or its report files replaced).
    #[arg(short, long, value_name = "DIR", default_value = "report")]
    pub output: PathBuf,

    /// Outputs to write, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [OutputFormat::Md, OutputFormat::Html, OutputFormat::Json])]
    pub format: Vec<OutputFormat>,

    /// Mark every run as simulated (figures not measured).
    #[arg(long)]
    pub simulated: bool,

    /// Exit 0 for a passing simulated run (it is still labelled NOT VALID FOR SIGN-OFF).
    #[arg(long)]
    pub allow_simulated: bool,

    /// Directory whose files replace the built-in templates of the same name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,

    /// Skip malformed rows (counted in a warning) instead of stopping with exit code 2.
    #[arg(long)]
    pub skip_bad_rows: bool,

    /// Keep full URLs as endpoint names (by default ids in paths become {id} and queries are dropped).
    #[arg(long)]
    pub no_generalize: bool,

    /// Threads that parse a large file (default: every core). Results are the same for any number.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Most endpoints kept per run; the names past it (in file order) fold into one named `other`.
    #[arg(long, value_name = "N", default_value_t = 500)]
    pub max_endpoints: usize,

    /// Do not print the verdict table (nor a progress bar).
    #[arg(short, long)]
    pub quiet: bool,
}

/// An output file kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum OutputFormat {
    /// report.md, the executive summary.
    Md,
    /// index.html, the self-contained report with charts.
    Html,
    /// summary.json, for CI and baselines.
    Json,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
