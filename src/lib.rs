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
pub mod compare;
pub mod config;
pub mod error;
pub mod evidence;
pub mod history;
pub mod ingest;
pub mod model;
pub mod progress;
pub mod report;
pub mod sla;
pub mod stats;
pub mod summary;
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
    // Read by every `anstream` stream: `always`/`never` override the
    // environment, `auto` leaves it to NO_COLOR, CLICOLOR_FORCE and the tty.
    anstream::ColorChoice::write_global(match cli.color {
        cli::ColorWhen::Auto => anstream::ColorChoice::Auto,
        cli::ColorWhen::Always => anstream::ColorChoice::Always,
        cli::ColorWhen::Never => anstream::ColorChoice::Never,
    });
    match cli.command {
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "perfreport", &mut script);
            std::io::stdout().lock().write_all(&script)?;
            Ok(Outcome::Passed)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd).render(&mut std::io::stdout().lock())?;
            Ok(Outcome::Passed)
        }
        Command::Build(args) => build(Config::from_args(args)?),
        Command::Compare(args) => build(Config::from_args(args.into())?),
        Command::CheckSla { sla } => {
            let sla = sla::file::load(&sla)?;
            let text = report::terminal::sla_text(&sla, terminal_width());
            anstream::AutoStream::auto(std::io::stdout().lock()).write_all(text.as_bytes())?;
            Ok(Outcome::Passed)
        }
        Command::History(args) => history_command(args),
        Command::Inspect {
            paths,
            no_generalize,
        } => {
            let opts = ingest::ReadOptions {
                skip_bad_rows: true,
                naming: ingest::endpoint::Naming {
                    keep_urls: no_generalize,
                    keep_params: Vec::new(),
                },
                ..ingest::ReadOptions::default()
            };
            let inspection = ingest::inspect::inspect(&paths, &opts);
            std::io::stdout()
                .lock()
                .write_all(inspection_text(&inspection).as_bytes())?;
            if inspection.errors.is_empty() {
                Ok(Outcome::Passed)
            } else {
                Err(anyhow::anyhow!(
                    "{} input error{}:\n  {}",
                    inspection.errors.len(),
                    if inspection.errors.len() == 1 {
                        ""
                    } else {
                        "s"
                    },
                    inspection.errors.join("\n  ")
                ))
            }
        }
    }
}

/// `perfreport history`: the trend report, or import / export / prune.
fn history_command(args: cli::HistoryArgs) -> anyhow::Result<Outcome> {
    use cli::HistoryAction;
    let last_zero = matches!(
        args.action,
        Some(HistoryAction::Export { last: Some(0), .. })
    );
    if args.last == Some(0) || last_zero {
        return Err(error::UsageError("--last 0: give at least 1".to_string()).into());
    }
    let mut out = std::io::stdout().lock();
    match args.action {
        Some(HistoryAction::Import { files, into, label }) => {
            let provenance = history::Provenance::from_env(label, |_| None);
            let now = history::now_rfc3339();
            // Every file is read before anything is recorded: one bad file, nothing recorded.
            let mut records = Vec::new();
            for f in &files {
                let bytes = std::fs::read(f)
                    .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", f.display()))?;
                records.extend(history::records_from_summary(&bytes, f, &provenance, &now)?);
            }
            let outcome = history::open(&into, true)?.record(&records)?;
            let new = outcome
                .iter()
                .filter(|o| matches!(o, history::Recorded::New(_)))
                .count();
            writeln!(
                out,
                "history: {new} run{} imported into {into} from {} file{}; {} already there",
                if new == 1 { "" } else { "s" },
                files.len(),
                if files.len() == 1 { "" } else { "s" },
                outcome.len() - new
            )?;
        }
        Some(HistoryAction::Export {
            db,
            format,
            scenario,
            last,
        }) => {
            let runs = history::open(&db, false)?.runs(&history::Query {
                scenario,
                last,
                endpoints: format == cli::ExportFormat::Bencher,
                ..history::Query::default()
            })?;
            let bytes = match format {
                cli::ExportFormat::Otava => history::export::otava(&runs)?,
                cli::ExportFormat::Bencher => history::export::bencher(&runs)?,
            };
            out.write_all(&bytes)?;
        }
        Some(HistoryAction::Prune {
            db,
            keep,
            older_than,
        }) => {
            let before = match older_than {
                Some(age) => {
                    let secs = history::parse_age(&age)
                        .map_err(|e| error::UsageError(format!("--older-than {e}")))?;
                    let t = chrono::Utc::now() - chrono::Duration::seconds(secs);
                    Some(t.format("%Y-%m-%dT%H:%M:%S+00:00").to_string())
                }
                None => None,
            };
            let n = history::open(&db, false)?.prune(&history::Prune { keep, before })?;
            writeln!(
                out,
                "history: {n} run{} removed from {db}",
                if n == 1 { "" } else { "s" }
            )?;
        }
        None => {
            let db = args
                .db
                .ok_or_else(|| error::UsageError("give the history file (DB)".to_string()))?;
            if args.output.is_file() {
                return Err(error::UsageError(format!(
                    "-o {}: is a file; give a directory for the trend report",
                    args.output.display()
                ))
                .into());
            }
            let runs = history::open(&db, false)?.runs(&history::Query {
                scenario: args.scenario.clone(),
                last: args.last,
                endpoints: true,
                ..history::Query::default()
            })?;
            if runs.is_empty() {
                return Err(error::UsageError(match &args.scenario {
                    Some(s) => format!("{db}: no runs of scenario `{s}`"),
                    None => format!("{db}: no runs recorded yet"),
                })
                .into());
            }
            let trend = history::trend::build(&runs, history::changepoint::Options::default());
            let templates = report::templates::Templates::load(args.templates.as_deref())?;
            let files = report::trend::render(&trend, &db, &args.output, &templates)?;
            report::write_atomically(&args.output, &files)?;
            if !args.quiet {
                writeln!(
                    out,
                    "Trend of {} run{} in {} scenario{} written to {}",
                    runs.len(),
                    if runs.len() == 1 { "" } else { "s" },
                    trend.scenarios.len(),
                    if trend.scenarios.len() == 1 { "" } else { "s" },
                    args.output.display()
                )?;
            }
        }
    }
    Ok(Outcome::Passed)
}

/// `perfreport inspect` output: a plain-text table, then the formats and the
/// reasons behind skipped rows and unread files.
fn inspection_text(i: &ingest::inspect::Inspection) -> String {
    let headers = ["FILE", "FORMAT", "RUN", "ROWS READ", "ROWS SKIPPED"];
    let rows: Vec<[String; 5]> = i
        .files
        .iter()
        .map(|f| {
            [
                f.path.display().to_string(),
                match f.format {
                    Some((id, _)) => id.to_string(),
                    // run.toml is read, as the run's description, not its figures.
                    None if f.run.is_some() && f.path.ends_with("run.toml") => {
                        "run metadata".to_string()
                    }
                    None => "-".to_string(),
                },
                f.run.clone().unwrap_or_else(|| "-".to_string()),
                match f.rows {
                    Some(n) => n.to_string(),
                    None if f.run.is_some() && f.path.ends_with("run.toml") => "read".to_string(),
                    None => "not read".to_string(),
                },
                if f.rows.is_some() {
                    f.skipped.to_string()
                } else {
                    "-".to_string()
                },
            ]
        })
        .collect();
    let mut widths = headers.map(|h| h.chars().count());
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: [&str; 5]| {
        let mut l = String::new();
        for (k, (c, w)) in cells.iter().zip(widths).enumerate() {
            let pad = w - c.chars().count();
            if k >= 3 {
                l.push_str(&" ".repeat(pad));
                l.push_str(c);
            } else {
                l.push_str(c);
                l.push_str(&" ".repeat(pad));
            }
            if k < 4 {
                l.push_str("  ");
            }
        }
        l.trim_end().to_string() + "\n"
    };
    let mut out = line(headers);
    for r in &rows {
        out.push_str(&line([&r[0], &r[1], &r[2], &r[3], &r[4]]));
    }
    out.push_str("(ROWS READ: what each file gave its run: requests for per-request formats; endpoint, total, history and failure rows for summaries; rows of resource samples.)\n");
    let mut formats: Vec<(&str, &str)> = i.files.iter().filter_map(|f| f.format).collect();
    formats.sort_unstable();
    formats.dedup();
    if !formats.is_empty() {
        out.push_str("\nFormats:\n");
        for (id, describe) in formats {
            out.push_str(&format!("  {id}: {describe}\n"));
        }
    }
    let notes: Vec<String> = i
        .files
        .iter()
        .flat_map(|f| {
            let p = f.path.display().to_string();
            let mut v = Vec::new();
            if f.skipped > 0 {
                v.push(format!(
                    "  {p}: {} row{} skipped: {}",
                    f.skipped,
                    if f.skipped == 1 { "" } else { "s" },
                    f.skipped_why.join("; ")
                ));
            }
            if let Some(n) = &f.note {
                v.push(format!("  {p}: {n}"));
            }
            v
        })
        .collect();
    if !notes.is_empty() {
        out.push_str("\nNotes:\n");
        for n in notes {
            out.push_str(&n);
            out.push('\n');
        }
    }
    out
}

/// `perfreport build` (and `compare`): read, score, compare with the
/// baseline when there is one, render, write.
pub fn build(config: Config) -> anyhow::Result<Outcome> {
    progress::enable(!config.quiet);
    let runs = load_current(&config)?;
    let mut report = report::Report::build(runs, &config.sla);
    if let Some(path) = &config.baseline {
        let (origin, base_runs) = match history::baseline::parse_spec(&path.to_string_lossy()) {
            Some(spec) => {
                let scenarios: Vec<String> = report
                    .scored
                    .iter()
                    .map(|s| {
                        s.run
                            .meta
                            .scenario
                            .clone()
                            .unwrap_or_else(|| s.run.meta.name.clone())
                    })
                    .collect();
                let env = history::Provenance::from_env(None, |k| std::env::var(k).ok());
                compare::baseline::load_history(&spec, &scenarios, env.branch.as_deref())?
            }
            None => compare::baseline::load(path, &config.read, true)?,
        };
        let base_stats: Vec<stats::RunStats> = base_runs
            .iter()
            .map(|r| stats::compute(r, |g| config.sla.expected_by(g)))
            .collect();
        let base: Vec<compare::Side<'_>> = base_runs
            .iter()
            .zip(&base_stats)
            .map(|(r, s)| compare::Side {
                meta: &r.meta,
                stats: s,
                verdict: Some(
                    sla::score(
                        s,
                        config.sla.for_scenario(r.meta.scenario.as_deref()),
                        r.meta.simulated,
                    )
                    .verdict,
                ),
            })
            .collect();
        let current: Vec<compare::Side<'_>> = report
            .scored
            .iter()
            .map(|s| compare::Side {
                meta: &s.run.meta,
                stats: &s.stats,
                verdict: Some(s.score.verdict),
            })
            .collect();
        let comparison = compare::compare(origin, &base, &current, &config.sla.regression);
        report.set_comparison(comparison);
    }
    let templates = report::templates_for(&report, &config)?;
    let files = report::render_all(&report, &config, &templates)?;
    report::write_atomically(&config.output, &files)?;
    // regression.md exists only while there is a regression: a previous
    // build's goes with the rest of its files (a user's own file stays).
    let regressed = report.regressed();
    if let Some(db) = &config.history {
        record_history(&report, &config, db).map_err(|e| {
            anyhow::anyhow!(
                "the report was written to {}, but recording into the history failed (nothing was recorded): {e:#}",
                config.output.display()
            )
        })?;
    }
    if config.github {
        let templates =
            report::templates::Templates::load_only(config.templates.as_deref(), |n| {
                n.ends_with(".md")
            })?;
        if !report::github::append_step_summary(&report, &templates)? {
            eprintln!("perfreport: --github: GITHUB_STEP_SUMMARY is not set; nothing appended");
        }
    }
    if !config.quiet {
        let layout = report::terminal::Layout {
            width: terminal_width(),
            written: files.iter().map(|f| f.name.clone()).collect(),
        };
        let text = report::terminal::render(&report, &config.output, &layout);
        anstream::AutoStream::auto(std::io::stdout().lock()).write_all(text.as_bytes())?;
    }
    let all_passed = report
        .scored
        .iter()
        .all(|s| s.score.passed && (!s.run.meta.simulated || config.allow_simulated));
    Ok(if all_passed && !regressed {
        Outcome::Passed
    } else {
        Outcome::Failed
    })
}

/// Columns for the terminal text: `COLUMNS` when set, else the terminal's
/// width, else 80 (piped output).
fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c >= 20)
        .or_else(|| {
            terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0))
        })
        .unwrap_or(80)
}

/// Records the build's runs into the history `db`, through the summary.json
/// it wrote, with each run's latency histograms.
fn record_history(report: &report::Report, config: &Config, db: &str) -> anyhow::Result<()> {
    let summary = report::json::render(report)?;
    let mut provenance =
        history::Provenance::from_env(config.label.clone(), |k| std::env::var(k).ok());
    if config.formats.contains(&cli::OutputFormat::Html) {
        provenance.report_path = Some(config.output.join("index.html").display().to_string());
    }
    let mut records = history::records_from_summary(
        &summary,
        std::path::Path::new("summary.json"),
        &provenance,
        &history::now_rfc3339(),
    )?;
    let v2 = |f: &stats::Figures| -> anyhow::Result<Option<Vec<u8>>> {
        f.latency
            .histogram
            .as_deref()
            .map(stats::histogram::LatencyHistogram::to_v2_bytes)
            .transpose()
    };
    for (r, s) in records.iter_mut().zip(&report.scored) {
        r.totals.histogram = v2(&s.stats.totals)?;
        for (e, f) in r.endpoints.iter_mut().zip(&s.stats.endpoints) {
            e.histogram = v2(f)?;
        }
    }
    let mut store = history::open(db, true)?;
    let outcome = store.record(&records)?;
    if !config.quiet {
        let new = outcome
            .iter()
            .filter(|o| matches!(o, history::Recorded::New(_)))
            .count();
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "history: {new} run{} recorded into {db}{}",
            if new == 1 { "" } else { "s" },
            match outcome.len() - new {
                0 => String::new(),
                n => format!(" ({n} already there: same input digests)"),
            }
        )?;
    }
    Ok(())
}

/// The runs to report on: result files, or a perfreport summary.json given as a file.
fn load_current(config: &Config) -> anyhow::Result<Vec<model::Run>> {
    if let [path] = config.paths.as_slice() {
        // A summary.json given as the input: its figures, not a reading (and
        // results are read once, below, not here and again there).
        if path.is_file() && compare::baseline::summary_file(path, false)?.is_some() {
            let (origin, mut runs) = compare::baseline::load(path, &config.read, false)?;
            if origin.kind == compare::baseline::OriginKind::Summary {
                if config.simulated {
                    for r in &mut runs {
                        r.meta.simulated = true;
                        r.meta.simulated_reason.get_or_insert_with(|| {
                            "--simulated given on the command line".to_string()
                        });
                    }
                }
                return Ok(runs);
            }
        }
    }
    let runs = ingest::load(&config.paths, config.simulated, &config.read)?;
    // `exclude_ramp_up`: where a run has per-request data and a ramp, read it
    // again keeping only the steady state (peak users, to the end of that bucket).
    let mut windows = std::collections::BTreeMap::new();
    for r in &runs {
        let sla = config.sla.for_scenario(r.meta.scenario.as_deref());
        let (Some(bucket_s), Some((from, to)), Some(first)) = (
            r.meta.series_bucket_s,
            evidence::steady_window(&r.series),
            r.series.first(),
        ) else {
            continue;
        };
        if sla.evidence.exclude_ramp_up && from > first.t_s {
            windows.insert(
                r.meta.group_id.clone(),
                (from * 1000.0, (to + bucket_s) * 1000.0),
            );
        }
    }
    if windows.is_empty() {
        return Ok(runs);
    }
    let read = ingest::ReadOptions {
        windows,
        ..config.read.clone()
    };
    Ok(ingest::load(&config.paths, config.simulated, &read)?)
}
