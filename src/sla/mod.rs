//! The SLA file and the scoring engine.
//!
//! `file` reads and validates the TOML; `score` turns a run's figures into a
//! 0–100 score: Σ weightᵢ·creditᵢ ÷ Σ weightᵢ × 100. A rule whose figure the
//! input does not hold is INCONCLUSIVE: it earns nothing and cannot pass a
//! gate, but it is never scored as 0-valued data.

pub mod evidence;
pub mod file;
pub mod pattern;
pub mod regression;
pub mod score;
pub mod target;

use crate::model::FailureGroup;
use pattern::Pattern;
use std::path::PathBuf;
use target::{Metric, Target};

pub use score::{score, RuleResult, Score, Status, Verdict};

/// A validated SLA.
#[derive(Debug, Clone, PartialEq)]
pub struct Sla {
    /// Display name.
    pub name: String,
    /// Optional one-paragraph description.
    pub description: Option<String>,
    /// Where it was read from (`<default SLA>` for the embedded one).
    pub source: PathBuf,
    /// A run passes at or above this score (if no gate fails).
    pub pass_score: f64,
    /// Grade names and their lower bounds, best first; below the last: POOR.
    pub grades: Vec<(String, f64)>,
    /// The rules, in file order.
    pub rules: Vec<Rule>,
    /// Failures the test provokes on purpose.
    pub expected_failures: Vec<ExpectedFailure>,
    /// How much data figures need, and which evidence problems are gates.
    pub evidence: evidence::Evidence,
    /// SLAs for particular scenarios (`[scenarios] peak = "sla/peak.toml"`);
    /// runs of other scenarios use this one.
    pub scenarios: std::collections::BTreeMap<String, Sla>,
    /// `[scenarios]` as written, resolved by `file::load`.
    pub(crate) scenario_files: std::collections::BTreeMap<String, String>,
    /// When a change against a baseline is a regression (`[regression]`).
    pub regression: regression::Regression,
}

impl Sla {
    /// The SLA a run of `scenario` is scored against.
    pub fn for_scenario(&self, scenario: Option<&str>) -> &Sla {
        scenario.and_then(|s| self.scenarios.get(s)).unwrap_or(self)
    }

    /// The index of the expected-failure entry that excuses `group`, if any.
    pub fn expected_by(&self, group: &FailureGroup) -> Option<usize> {
        self.expected_failures.iter().position(|e| e.matches(group))
    }

    /// Query parameters that endpoint patterns name (`/v1/deployments?status=`
    /// keeps `status`), so URL-based readers do not drop them.
    pub fn kept_query_params(&self) -> Vec<String> {
        let patterns = self
            .rules
            .iter()
            .filter_map(|r| match &r.scope {
                Scope::Endpoints(p) => Some(p.as_str()),
                _ => None,
            })
            .chain(self.expected_failures.iter().map(|e| e.endpoint.as_str()));
        let mut out: Vec<String> = patterns
            .filter_map(|p| p.split_once('?').map(|(_, q)| q))
            .flat_map(|q| q.split('&'))
            .filter_map(|kv| kv.split('=').next())
            .filter(|k| !k.is_empty() && !k.contains('*'))
            .map(str::to_string)
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The grade a score earns.
    pub fn grade(&self, score: f64) -> String {
        self.grades
            .iter()
            .find(|(_, bound)| score >= *bound)
            .map_or_else(|| "POOR".to_string(), |(name, _)| name.clone())
    }
}

/// One scored rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Unique id (defaults to the metric and position).
    pub id: String,
    /// What the rule is for, in words.
    pub description: Option<String>,
    /// What is measured.
    pub metric: Metric,
    /// The bound to meet.
    pub target: Target,
    /// Relative weight in the score.
    pub weight: f64,
    /// Which figures the rule looks at.
    pub scope: Scope,
    /// How partial credit is given.
    pub scoring: Scoring,
    /// Failing (or not being able to judge) this rule fails the run.
    pub gate: bool,
    /// Line of the rule's `metric` key in the SLA file.
    pub line: u64,
}

/// Which figures a rule looks at.
#[derive(Debug, Clone, PartialEq)]
pub enum Scope {
    /// The whole run.
    Total,
    /// Every endpoint; the worst one decides.
    EachEndpoint,
    /// The endpoints matching a pattern; the worst one decides.
    Endpoints(Pattern),
    /// Every transaction (JMeter Transaction Controller); the worst one decides.
    EachTransaction,
    /// The transactions whose name matches a pattern (`transaction Login`).
    Transactions(Pattern),
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::Total => f.write_str("total"),
            Scope::EachEndpoint => f.write_str("each endpoint"),
            Scope::Endpoints(p) => f.write_str(p.as_str()),
            Scope::EachTransaction => f.write_str("each transaction"),
            Scope::Transactions(p) => write!(f, "transaction {}", p.as_str()),
        }
    }
}

/// How a measured value becomes credit in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scoring {
    /// 1 when the target is met, else 0.
    Step,
    /// 1 at the target, falling linearly to 0 at `zero_at` (canonical units).
    Linear {
        /// Where credit reaches 0.
        zero_at: f64,
    },
    /// Lighthouse's log-normal curve: 0.9 at `p10`, 0.5 at `median`.
    LogNormal {
        /// Value that earns 0.9 credit.
        p10: f64,
        /// Value that earns 0.5 credit.
        median: f64,
    },
}

impl Scoring {
    /// A stable short name (`step`, `linear`, `lognormal`).
    pub fn code(&self) -> &'static str {
        match self {
            Scoring::Step => "step",
            Scoring::Linear { .. } => "linear",
            Scoring::LogNormal { .. } => "lognormal",
        }
    }
}

/// Failures the test provokes on purpose; they are counted apart, never hidden.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectedFailure {
    /// Which endpoints.
    pub endpoint: Pattern,
    /// HTTP statuses that are expected (any, when empty and `error` is set).
    pub status: Vec<u16>,
    /// A text the error message must contain.
    pub error: Option<String>,
    /// Why these failures are expected, for the reports.
    pub reason: Option<String>,
    /// Line of the entry in the SLA file.
    pub line: u64,
}

impl ExpectedFailure {
    /// True when this entry excuses `group`.
    pub fn matches(&self, group: &FailureGroup) -> bool {
        self.endpoint.matches(&group.method, &group.name)
            && (self.status.is_empty() || group.status.is_some_and(|s| self.status.contains(&s)))
            && self
                .error
                .as_ref()
                .is_none_or(|e| group.error.contains(e.as_str()))
    }

    /// `GET /x: 404` for display.
    pub fn describe(&self) -> String {
        let mut parts = vec![self.endpoint.as_str().to_string()];
        if !self.status.is_empty() {
            let s: Vec<String> = self.status.iter().map(u16::to_string).collect();
            parts.push(format!("status {}", s.join("/")));
        }
        if let Some(e) = &self.error {
            parts.push(format!("error containing \"{e}\""));
        }
        parts.join(", ")
    }
}
