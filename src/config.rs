//! From what the user typed ([`BuildArgs`]) to what the program needs: the
//! loaded SLA, the chosen outputs, resolved paths. Nothing below this module
//! reads the CLI structs.

use crate::cli::{BuildArgs, OutputFormat};
use crate::error::UsageError;
use crate::sla::{file, Sla};
use std::path::PathBuf;

/// A validated `build` request.
#[derive(Debug)]
pub struct Config {
    /// Inputs, as given.
    pub paths: Vec<PathBuf>,
    /// The SLA to score against.
    pub sla: Sla,
    /// Where the reports go.
    pub output: PathBuf,
    /// Which outputs to write, deduplicated and ordered.
    pub formats: Vec<OutputFormat>,
    /// Mark every run simulated.
    pub simulated: bool,
    /// Let a passing simulated run exit 0.
    pub allow_simulated: bool,
    /// Template overrides.
    pub templates: Option<PathBuf>,
    /// Print nothing on success.
    pub quiet: bool,
    /// What every reader is told.
    pub read: crate::ingest::ReadOptions,
    /// The baseline to compare with (`--baseline`, or compare's BASELINE).
    pub baseline: Option<PathBuf>,
    /// Append report.md to `$GITHUB_STEP_SUMMARY`.
    pub github: bool,
}

impl Config {
    /// Validates `args` and loads the SLA file.
    pub fn from_args(args: BuildArgs) -> anyhow::Result<Config> {
        let sla = match &args.sla {
            Some(path) => file::load(path)?,
            None => file::default_sla(),
        };
        if let Some(t) = &args.templates {
            if !t.is_dir() {
                return Err(
                    UsageError(format!("--templates {}: not a directory", t.display())).into(),
                );
            }
        }
        if args.output.is_file() {
            return Err(UsageError(format!(
                "-o {}: is a file; give a directory for the reports",
                args.output.display()
            ))
            .into());
        }
        let timezone = match &args.timezone {
            Some(z) => Some(
                crate::ingest::run_toml::parse_zone(z)
                    .map_err(|m| UsageError(format!("--timezone {z}: {m}")))?,
            ),
            None => None,
        };
        let read = crate::ingest::ReadOptions {
            timezone,
            skip_bad_rows: args.skip_bad_rows,
            naming: crate::ingest::endpoint::Naming {
                keep_urls: args.no_generalize,
                keep_params: sla.kept_query_params(),
            },
            threads: match args.threads {
                Some(0) => {
                    return Err(UsageError("--threads 0: give at least 1".to_string()).into())
                }
                Some(n) => n,
                None => 0,
            },
            max_endpoints: match args.max_endpoints {
                0 => {
                    return Err(UsageError("--max-endpoints 0: give at least 1".to_string()).into())
                }
                n => Some(n),
            },
            windows: Default::default(),
            no_fast_path: std::env::var_os("PERFREPORT_NO_FAST_PATH")
                .is_some_and(|v| !v.is_empty() && v != "0"),
        };
        let mut formats = args.format;
        formats.sort();
        formats.dedup();
        Ok(Config {
            paths: args.paths,
            sla,
            output: args.output,
            formats,
            simulated: args.simulated,
            allow_simulated: args.allow_simulated,
            templates: args.templates,
            quiet: args.quiet,
            read,
            baseline: args.baseline,
            github: args.github,
        })
    }
}
