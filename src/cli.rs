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

    /// Colour verdicts and severities: auto (when stdout is a terminal, unless NO_COLOR is
    /// set; CLICOLOR_FORCE=1 forces it), always, never.
    #[arg(long, value_enum, global = true, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour when stdout is a terminal (NO_COLOR and CLICOLOR_FORCE are honoured).
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score result files against an SLA and write the reports.
    #[command(after_help = BUILD_EXAMPLES)]
    Build(BuildArgs),
    /// Compare a run with a baseline and write the reports with a regression section.
    #[command(after_help = COMPARE_EXAMPLES)]
    Compare(CompareArgs),
    /// Check an SLA file and print what it asks: each rule with its scoring
    /// method and parameters, the grades, the evidence settings and the
    /// regression thresholds, without reading any results.
    #[command(after_help = CHECK_SLA_EXAMPLES)]
    CheckSla {
        /// The SLA file (TOML).
        sla: PathBuf,
    },
    /// Show, per file, the format detected, the run it belongs to, the rows
    /// read and skipped (with why), and the files not recognised (with why).
    #[command(after_help = INSPECT_EXAMPLES)]
    Inspect {
        /// Result files or directories, as for `build`.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Keep full URLs as endpoint names, as `build --no-generalize`.
        #[arg(long)]
        no_generalize: bool,
    },
    /// Print a shell completion script to stdout.
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout.
    #[command(after_help = MAN_EXAMPLES)]
    Man,
}

const CHECK_SLA_EXAMPLES: &str = "\
Examples:
  perfreport check-sla sla/peak.toml
  perfreport check-sla sla/baseline.toml

Exit codes: 0 the SLA file is valid; 2 it is not (the error names the line).";

const INSPECT_EXAMPLES: &str = "\
Examples:
  perfreport inspect samples/
  perfreport inspect samples/locust-peak/peak_stats.csv

Exit codes: 0 every file could be read (unrecognised files are listed, not
errors); 2 a path is missing or a file cannot be read.";

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  # bash (user completions folder of bash-completion):
  perfreport completions bash > ~/.local/share/bash-completion/completions/perfreport
  # zsh (with fpath+=~/.zfunc in ~/.zshrc):
  perfreport completions zsh > ~/.zfunc/_perfreport
  perfreport completions fish > ~/.config/fish/completions/perfreport.fish
  perfreport completions powershell >> $PROFILE";

const MAN_EXAMPLES: &str = "\
Examples:
  perfreport man | man -l -
  perfreport man > ~/.local/share/man/man1/perfreport.1";

const BUILD_EXAMPLES: &str = "\
Examples (each runs as written from the project folder, on its samples):
  # One run against the peak-load SLA:
  perfreport build samples/locust-peak --sla sla/peak.toml -o report/
  # Both sample runs, the default SLA (P95 < 50 ms, errors < 1 %, ...):
  perfreport build samples/ -o report/
  # One Locust prefix, Markdown only:
  perfreport build samples/locust-peak/peak_stats.csv --format md -o md/
  # A dry run whose figures were not measured:
  perfreport build samples/locust-target --simulated --allow-simulated -o dry/
  # Against the first report as the baseline, with junit.xml for CI:
  perfreport build samples/locust-peak --baseline report/summary.json \\
    --format md,html,json,junit -o ci/

Exit codes: 0 report written and SLA passed; 1 report written and SLA failed
(score below pass_score, a gate failed, the run is simulated without
--allow-simulated, or --baseline found a regression); 2 bad usage or unreadable input (nothing is written).";

const COMPARE_EXAMPLES: &str = "\
Examples (each runs as written from the project folder, on its samples):
  # Two results folders, one run each: paired whatever their names:
  perfreport compare samples/locust-target samples/locust-peak -o compared/
  # A previous report's summary.json as the baseline:
  perfreport compare report/summary.json samples/locust-peak -o compared/

BASELINE and CURRENT are each a perfreport summary.json (or, for BASELINE, a
directory holding one) or a results directory. Runs are matched by the
`scenario` of run.toml, else by name; with one run on each side, those two
are compared whatever their names. Endpoints are matched by method and name.

Exit codes: 0 no regression and SLA passed; 1 a regression (regression.md is
written) or the SLA failed; 2 bad usage or unreadable input.";

/// Arguments of `perfreport compare`.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The baseline: a summary.json, a directory holding one, or a results directory.
    #[arg(value_name = "BASELINE")]
    pub baseline: PathBuf,

    /// The run(s) to judge: a results directory or file, or a summary.json.
    #[arg(value_name = "CURRENT")]
    pub current: PathBuf,

    /// SLA file (TOML) with the [regression] thresholds; the built-in default when omitted.
    #[arg(long, value_name = "FILE")]
    pub sla: Option<PathBuf>,

    /// Output directory (created, or its report files replaced).
    #[arg(short, long, value_name = "DIR", default_value = "report")]
    pub output: PathBuf,

    /// Outputs to write, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [OutputFormat::Md, OutputFormat::Html, OutputFormat::Json])]
    pub format: Vec<OutputFormat>,

    /// Directory whose files replace the built-in templates of the same name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,

    /// Skip malformed rows (counted in a warning) instead of stopping with exit code 2.
    #[arg(long)]
    pub skip_bad_rows: bool,

    /// Keep full URLs as endpoint names.
    #[arg(long)]
    pub no_generalize: bool,

    /// Append the Markdown summary to $GITHUB_STEP_SUMMARY (kept under GitHub's 65,536 characters).
    #[arg(long)]
    pub github: bool,

    /// Do not print the verdict table.
    #[arg(short, long)]
    pub quiet: bool,
}

impl From<CompareArgs> for BuildArgs {
    fn from(c: CompareArgs) -> BuildArgs {
        BuildArgs {
            paths: vec![c.current],
            sla: c.sla,
            output: c.output,
            format: c.format,
            simulated: false,
            allow_simulated: false,
            templates: c.templates,
            skip_bad_rows: c.skip_bad_rows,
            no_generalize: c.no_generalize,
            quiet: c.quiet,
            baseline: Some(c.baseline),
            github: c.github,
            threads: None,
            timezone: None,
            max_endpoints: 500,
        }
    }
}

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

    /// Time zone of dates written without one (a JMeter JTL saved with a custom
    /// timestamp_format): `UTC`, `+01:00`, `-0500`. run.toml `timezone` overrides it per run.
    #[arg(long, value_name = "OFFSET")]
    pub timezone: Option<String>,

    /// Most endpoints kept per run; the names past it (in file order) fold into one named `other`.
    #[arg(long, value_name = "N", default_value_t = 500)]
    pub max_endpoints: usize,

    /// Do not print the verdict table (nor a progress bar).
    #[arg(short, long)]
    pub quiet: bool,

    /// Compare with this baseline (a summary.json, a directory holding one, or a results
    /// directory): adds the regression section, writes regression.md and exits 1 on a regression.
    #[arg(long, value_name = "PATH")]
    pub baseline: Option<PathBuf>,

    /// Append the Markdown summary to $GITHUB_STEP_SUMMARY (kept under GitHub's 65,536 characters).
    #[arg(long)]
    pub github: bool,
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
    /// junit.xml: one test case per SLA rule per run and per regression check.
    Junit,
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
