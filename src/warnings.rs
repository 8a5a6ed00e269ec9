//! Problems that do not stop the report but must not be missed. Each has a
//! stable `code` (used in `summary.json` and by CI scripts), a severity, a
//! one-line message and a short reason why it matters.

use crate::model::Run;
use crate::sla::Sla;
use crate::stats::RunStats;

/// How much a warning weakens the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The verdict cannot be used as it stands.
    Critical,
    /// The verdict stands, but a reader must know this.
    Warning,
    /// Worth knowing.
    Info,
}

impl Severity {
    /// `critical`, `warning`, `info`.
    pub fn code(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One problem found in a run.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    /// The figures were not measured.
    Simulated {
        /// Why, as given in run.toml or on the command line.
        reason: Option<String>,
    },
    /// Failures were excluded from the error rate as expected by the SLA file.
    ExpectedFailures {
        /// How many requests were excluded.
        excluded: u64,
        /// The SLA entries that excluded them (`endpoint, status` text).
        rules: Vec<String>,
        /// Error rate with the expected failures counted.
        rate_with: Option<f64>,
        /// Error rate without them (the scored one).
        rate_without: Option<f64>,
    },
    /// Malformed rows were skipped (`--skip-bad-rows`).
    BadRowsSkipped {
        /// How many rows.
        count: u64,
        /// The first errors.
        examples: Vec<String>,
    },
    /// The load-test code raised exceptions: some requests were never sent.
    TestCodeExceptions {
        /// Total exceptions raised.
        count: u64,
        /// The most frequent message.
        top: String,
    },
}

impl Warning {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Warning::Simulated { .. } => "simulated",
            Warning::ExpectedFailures { .. } => "expected-failures",
            Warning::TestCodeExceptions { .. } => "test-code-exceptions",
            Warning::BadRowsSkipped { .. } => "bad-rows-skipped",
        }
    }

    /// How serious it is.
    pub fn severity(&self) -> Severity {
        match self {
            Warning::Simulated { .. } => Severity::Critical,
            Warning::ExpectedFailures { .. }
            | Warning::TestCodeExceptions { .. }
            | Warning::BadRowsSkipped { .. } => Severity::Warning,
        }
    }

    /// One line for the reports. Numbers are formatted by `report::format`.
    pub fn message(&self) -> String {
        use crate::report::format::{count, percent_opt};
        match self {
            Warning::Simulated { reason } => match reason {
                Some(r) => format!("Simulated run: the figures were not measured ({r})."),
                None => "Simulated run: the figures were not measured.".to_string(),
            },
            Warning::ExpectedFailures { excluded, rules, rate_with, rate_without } => format!(
                "{} failed requests were excluded as expected by the SLA file ({}): error rate {} with them, {} without.",
                count(*excluded),
                rules.join("; "),
                percent_opt(*rate_with),
                percent_opt(*rate_without),
            ),
            Warning::BadRowsSkipped { count: n, examples } => format!(
                "{} malformed rows were skipped and are not in any figure (first: {}).",
                count(*n),
                examples.join("; ")
            ),
            Warning::TestCodeExceptions { count: n, top } => format!(
                "The test code raised {} exceptions (most often: {top}).",
                count(*n)
            ),
        }
    }

    /// Why a reader should care.
    pub fn why(&self) -> &'static str {
        match self {
            Warning::Simulated { .. } => "Made-up numbers cannot sign off a release, however good they look.",
            Warning::ExpectedFailures { .. } => "Excluded failures still happened; check that each exclusion is deliberate.",
            Warning::BadRowsSkipped { .. } => "Skipped rows may hide failures; fix the file or the tool's output settings.",
            Warning::TestCodeExceptions { .. } => "Each exception aborted a user's task, so the load applied was lower than planned and failures may be hidden.",
        }
    }
}

/// The warnings of one run, most severe first.
pub fn check(run: &Run, stats: &RunStats, sla: &Sla) -> Vec<Warning> {
    let mut out = Vec::new();
    if run.meta.simulated {
        out.push(Warning::Simulated {
            reason: run.meta.simulated_reason.clone(),
        });
    }
    if stats.totals.expected_failures > 0 {
        let mut rules: Vec<String> = stats
            .failures
            .iter()
            .filter_map(|f| f.expected_by)
            .map(|i| {
                let e = &sla.expected_failures[i];
                format!("{} (line {})", e.describe(), e.line)
            })
            .collect();
        rules.dedup();
        out.push(Warning::ExpectedFailures {
            excluded: stats.totals.expected_failures,
            rules,
            rate_with: stats.totals.error_rate_all,
            rate_without: stats.totals.error_rate,
        });
    }
    if run.meta.skipped_rows > 0 {
        out.push(Warning::BadRowsSkipped {
            count: run.meta.skipped_rows,
            examples: run.meta.skipped_examples.clone(),
        });
    }
    let raised: u64 = run.exceptions.iter().map(|e| e.count).sum();
    if raised > 0 {
        let top = run
            .exceptions
            .iter()
            .max_by_key(|e| e.count)
            .map(|e| e.message.clone())
            .unwrap_or_default();
        out.push(Warning::TestCodeExceptions { count: raised, top });
    }
    out.sort_by_key(Warning::severity);
    out
}
