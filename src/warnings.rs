//! Problems that do not stop the report but must not be missed. Each has a
//! stable [`Code`] (used in `summary.json` and by CI scripts), a severity, a
//! one-line message, a short "why it matters", and the figures that
//! triggered it. The checks themselves live in `evidence.rs`.

use serde_json::Value;

/// How much a warning weakens the verdict; warnings are listed in this order.
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

/// The stable warning codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Code {
    /// An endpoint failed every request, or most of them (listed first of all).
    EndpointAllFailed,
    /// The run is marked simulated.
    Simulated,
    /// A percentile was scored (or could not be) from too few requests.
    SmallSample,
    /// Failures were excluded as expected by the SLA file.
    ExpectedFailures,
    /// The steady state is shorter than the SLA's `min_duration`.
    ShortRun,
    /// Users were still rising for part of the run.
    RampUp,
    /// Throughput is bounded by users and think time.
    ClosedLoopThroughput,
    /// The run stopped before its planned end.
    PartialRun,
    /// Throughput collapsed while the tail rose: unsent requests hide latency.
    CoordinatedOmission,
    /// The input cannot tell failed requests apart.
    NoFailureData,
    /// Timestamps or durations disagree.
    Clock,
    /// Figures too regular to have been measured.
    SuspiciousRegularity,
    /// Malformed rows were skipped.
    BadRowsSkipped,
    /// The test code raised exceptions.
    TestCodeExceptions,
    /// Endpoints past the cap were folded into `other`.
    EndpointsFolded,
    /// Two files of one run give different figures; one was read.
    InputsDisagree,
    /// The run was read from several shards (one file per load generator).
    ShardsMerged,
}

impl Code {
    /// The stable text code.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Simulated => "simulated",
            Code::EndpointAllFailed => "endpoint-all-failed",
            Code::SmallSample => "small-sample",
            Code::ExpectedFailures => "expected-failures",
            Code::ShortRun => "short-run",
            Code::RampUp => "ramp-up",
            Code::ClosedLoopThroughput => "closed-loop-throughput",
            Code::PartialRun => "partial-run",
            Code::CoordinatedOmission => "coordinated-omission",
            Code::NoFailureData => "no-failure-data",
            Code::Clock => "clock",
            Code::SuspiciousRegularity => "suspicious-regularity",
            Code::BadRowsSkipped => "bad-rows-skipped",
            Code::TestCodeExceptions => "test-code-exceptions",
            Code::EndpointsFolded => "endpoints-folded",
            Code::InputsDisagree => "inputs-disagree",
            Code::ShardsMerged => "shards-merged",
        }
    }

    /// Why a reader should care, in one sentence.
    pub fn why(self) -> &'static str {
        match self {
            Code::Simulated => "Made-up numbers cannot sign off a release, however good they look.",
            Code::EndpointAllFailed => "A broken endpoint is hidden inside a healthy average; users of that endpoint get errors, not a 'good' score.",
            Code::SmallSample => "A percentile needs values above it: P99 of a few hundred requests is set by one or two requests and can swing wildly between runs.",
            Code::ExpectedFailures => "Excluded failures still happened; check that each exclusion is deliberate.",
            Code::ShortRun => "Short runs miss warm-up effects, garbage collection, cache expiry and slow leaks; their figures do not predict a long peak.",
            Code::RampUp => "While users are still being added the system is under less load than planned, which flatters latency.",
            Code::ClosedLoopThroughput => "With waiting users, throughput is set by the number of users and their think time, not by the system's capacity.",
            Code::PartialRun => "A run that stopped early did not apply the planned load for the planned time.",
            Code::CoordinatedOmission => "Users that wait for slow responses stop sending requests, so the slowest period is under-sampled and the tail looks better than it was.",
            Code::NoFailureData => "Without failure data an error rate of 0 would be a guess; error-rate rules cannot be judged.",
            Code::Clock => "Timestamps that disagree make rates and durations unreliable.",
            Code::SuspiciousRegularity => "Measured data is noisy; figures this regular may have been made up or copied, and should be checked before sign-off.",
            Code::BadRowsSkipped => "Skipped rows may hide failures; fix the file or the tool's output settings.",
            Code::EndpointsFolded => "Requests of the folded endpoints count in the run's totals and in `other`, but their own figures and SLA rules cannot be seen; raise --max-endpoints or name requests (labels, URL generalisation) so that fewer distinct names remain.",
            Code::InputsDisagree => "Two outputs of one run that disagree were written at different moments (or by different runs); the report uses the complete one, and the other's figures are what a reader of that file would have seen.",
            Code::ShardsMerged => "Every figure is of all the shards' requests together: their histograms were merged, never their percentiles averaged; a file that belongs to another run would be counted in this one.",
            Code::TestCodeExceptions => "Each exception aborted a user's task, so the load applied was lower than planned and failures may be hidden.",
        }
    }
}

/// One problem found in a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// What kind of problem.
    pub code: Code,
    /// How serious.
    pub severity: Severity,
    /// One line, numbers already formatted.
    pub message: String,
    /// The figures that triggered it, for summary.json.
    pub data: Value,
    /// The SLA's `[evidence]` table makes this a gate: the run fails.
    pub gate: bool,
}

impl Warning {
    /// A warning of `code` with `message` and the triggering `data`.
    pub fn new(code: Code, severity: Severity, message: impl Into<String>, data: Value) -> Warning {
        Warning {
            code,
            severity,
            message: message.into(),
            data,
            gate: false,
        }
    }

    /// The stable code text.
    pub fn code(&self) -> &'static str {
        self.code.as_str()
    }

    /// Why it matters.
    pub fn why(&self) -> &'static str {
        self.code.why()
    }
}
