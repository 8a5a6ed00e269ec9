//! The view model: everything a template lays out, with every number already
//! formatted by [`super::format`]. Built once per report.

use super::format as fmt;
use super::Scored;
use crate::model::{Percentile, SourceFile};
use crate::sla::score::{RuleResult, Status};
use crate::sla::target::Kind;
use crate::sla::{Rule, Sla};
use crate::stats::Figures;
use serde::Serialize;
use std::collections::BTreeMap;

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    /// Page title.
    pub title: String,
    /// `perfreport 0.1.0`.
    pub generator: String,
    /// The SLA the runs were scored against.
    pub sla: SlaView,
    /// True when any run is simulated: every page carries the banner.
    pub simulated: bool,
    /// The banner text when `simulated`.
    pub simulated_banner: String,
    /// One entry per run (ordered by users, then name, when there are several).
    /// A run past [`MAX_RUNS_SHOWN`] is serialized as its [`RunLink`] only.
    #[serde(serialize_with = "overview_runs")]
    pub runs: Vec<RunView>,
    /// The comparison across runs, when there are several.
    pub scenario_set: Option<ScenarioSetView>,
    /// The comparison with a baseline, when one was given.
    pub comparison: Option<super::comparison::ComparisonView>,
    /// The one line every output opens with: the verdict of the whole build.
    pub overall: OverallView,
}

/// The verdict of the whole build, in one line (issue #11 §2).
#[derive(Debug, Clone, Serialize)]
pub struct OverallView {
    /// `2 runs: 1 PASS, 1 FAIL. Breaking point between 20 and 50 users.`
    pub line: String,
    /// The worst verdict's class: `pass`, `inconclusive`, `fail`, `invalid`.
    pub class: String,
    /// ✅, ⚠️ or ❌.
    pub mark: String,
    /// GitHub alert for report.md: `CAUTION` (simulated, failed, regressed),
    /// `WARNING` (inconclusive), or empty.
    pub alert: String,
}

/// Several runs side by side: the SLA compliance matrix and the breaking point.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioSetView {
    /// One column per run, in ladder order.
    pub columns: Vec<ColumnView>,
    /// One row per SLA rule (union over the runs' SLAs, in first-seen order).
    pub rows: Vec<MatrixRow>,
    /// Where the ladder breaks, as a sentence.
    pub breaking_point: String,
    /// Where the ladder breaks, in a few words for the overall line
    /// (`Breaking point between 20 and 50 users`); empty when no runs record users.
    pub breaking_point_short: String,
    /// True when the runs form a load ladder: capacity charts are drawn.
    pub has_capacity: bool,
    /// The matrix split into groups of at most [`MATRIX_GROUP`] runs, so a
    /// Markdown table has at most 8 columns (issue #11 §5).
    pub groups: Vec<MatrixGroup>,
    /// Runs in the build, formatted (`2,000`; the matrix shows at most [`MAX_RUNS_SHOWN`]).
    pub total: String,
    /// When the matrix leaves runs out: which it shows, and what the others are.
    pub capped: Option<String>,
    /// When capped: every rule counted over all the runs.
    pub rule_totals: Vec<RuleTotal>,
}

/// Runs per matrix table in report.md: with the rule column, 8 columns.
pub const MATRIX_GROUP: usize = 7;

/// Endpoint rows index.html lays out open; a run with more shows its busiest
/// this many there and the rest in a collapsed table below (a browser lays
/// out, and a PDF prints, 50,000 rows slowly and to no one's use).
pub const OPEN_ENDPOINT_ROWS: usize = 1000;

/// The most runs one overview shows side by side (issues #13 §5, #15): the
/// matrix columns and report.md's run sections. Past it the overview shows
/// the runs that need attention first (FAIL or not valid, then
/// INCONCLUSIVE, then PASS; lowest score first within each; ties in report
/// order), in report order, says so, and counts every rule over all runs;
/// every run keeps its own page and its summary.json entry. Twenty columns
/// are four print groups of six and three Markdown tables of seven.
pub const MAX_RUNS_SHOWN: usize = 20;

/// One rule over all the runs of a capped matrix.
#[derive(Debug, Clone, Serialize)]
pub struct RuleTotal {
    /// Rule id.
    pub rule: String,
    /// Metric and target, e.g. `p95 < 100ms`.
    pub what: String,
    /// Runs that passed it, failed it, could not be judged on it, and whose
    /// SLA lacks it (formatted counts, `1,928`).
    pub passed: String,
    /// See `passed`.
    pub failed: String,
    /// See `passed`.
    pub inconclusive: String,
    /// See `passed`.
    pub absent: String,
    /// The worst measured value and its run (`162 ms (pod-0012)`), `—` when none was measured.
    pub worst: String,
}

/// Some columns of the matrix.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixGroup {
    /// The runs of this group.
    pub columns: Vec<ColumnView>,
    /// Every rule, with the cells of these runs only.
    pub rows: Vec<MatrixRow>,
}

/// A run as a matrix column.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnView {
    /// Run name.
    pub name: String,
    /// HTML page of the run, relative to index.html.
    pub page: String,
    /// `50 users` or `—`.
    pub users: String,
    /// `FAIL`.
    pub verdict: String,
    /// CSS class of the verdict.
    pub class: String,
    /// ✅, ⚠️ or ❌.
    pub mark: String,
    /// `70.0`, or `55.0–70.0` when rules could not be judged.
    pub score: String,
    /// `GOOD`.
    pub grade: String,
}

/// One rule across runs.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    /// Rule id.
    pub rule: String,
    /// Metric and target, e.g. `p95 < 100ms`.
    pub what: String,
    /// One cell per column.
    pub cells: Vec<MatrixCell>,
}

/// One rule for one run.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixCell {
    /// Measured value, `—` when not measurable, empty when the run's SLA lacks the rule.
    pub measured: String,
    /// `PASS`, `FAIL`, `INCONCLUSIVE`, or empty.
    pub status: String,
    /// ✅, ❌, ⚠️, or empty.
    pub mark: String,
    /// CSS class.
    pub class: String,
}

/// The SLA, described.
#[derive(Debug, Clone, Serialize)]
pub struct SlaView {
    /// Name.
    pub name: String,
    /// Description, if any.
    pub description: Option<String>,
    /// File it came from.
    pub source: String,
    /// `70`.
    pub pass_score: String,
    /// `EXCELLENT ≥ 90 · GOOD ≥ 70 · FAIR ≥ 50 · POOR below`.
    pub grades: String,
    /// Declared expected failures.
    pub expected_failures: Vec<ExpectedView>,
}

/// One declared expected failure.
#[derive(Debug, Clone, Serialize)]
pub struct ExpectedView {
    /// `GET /x, status 404`.
    pub what: String,
    /// Why it is expected.
    pub reason: String,
    /// Line in the SLA file.
    pub line: u64,
}

/// One run.
#[derive(Debug, Clone, Serialize)]
pub struct RunView {
    /// Display name.
    pub name: String,
    /// HTML anchor.
    pub anchor: String,
    /// Tool (and version).
    pub tool: String,
    /// The run's figures were not measured.
    pub simulated: bool,
    /// The verdict and its one-line reason.
    pub verdict: VerdictView,
    /// Key figures (requests, failures, error rate, …).
    pub figures: Vec<FigureView>,
    /// What run.toml says about the test (users planned, environment, …).
    pub setup: Vec<FigureView>,
    /// SLA rule table.
    pub rules: Vec<RuleView>,
    /// Per-endpoint table.
    pub endpoints: Vec<EndpointView>,
    /// Endpoints left out of this rendering to fit a size limit (the GitHub step summary).
    pub endpoints_omitted: usize,
    /// How many endpoints index.html shows in its collapsed table (those
    /// with `collapsed`, past the [`OPEN_ENDPOINT_ROWS`] busiest); empty when none.
    pub endpoints_collapsed: String,
    /// The totals row of the endpoint table.
    pub totals: EndpointView,
    /// Transactions (JMeter Transaction Controller rows), a table of their own.
    pub transactions: Vec<EndpointView>,
    /// What the endpoint table counts, when the run has transactions.
    pub requests_note: Option<String>,
    /// Error table.
    pub errors: Vec<ErrorView>,
    /// Exceptions raised by the test code.
    pub exceptions: Vec<ExceptionView>,
    /// Warnings, most severe first.
    pub warnings: Vec<WarningView>,
    /// Files read and skipped.
    pub sources: Vec<SourceView>,
    /// How exact the latency figures are.
    pub precision_note: String,
    /// What the reader of the input wants known about it (e.g. what the format lacks).
    pub input_notes: Vec<String>,
    /// run.toml notes, as Markdown.
    pub notes_markdown: Option<String>,
    /// The same notes as sanitised HTML.
    pub notes_html: Option<String>,
    /// Resource metrics sampled during the run (min/avg/max), in input order.
    pub resources: Vec<ResourceView>,
    /// Shown in the overview (the matrix and report.md's run sections): false
    /// only for the runs past [`MAX_RUNS_SHOWN`], which keep their own page.
    pub shown: bool,
}

/// What the overview (index.html's list of every run, report.md's headline)
/// shows of a run past [`MAX_RUNS_SHOWN`]: its own page has the rest.
/// Serializing every run in full into each overview's template context took
/// 570 MB and 8 s for 5,000 runs.
#[derive(Serialize)]
pub struct RunLink<'a> {
    name: &'a str,
    anchor: &'a str,
    tool: &'a str,
    simulated: bool,
    verdict: &'a VerdictView,
    warnings: &'a [WarningView],
    shown: bool,
}

fn overview_runs<S: serde::Serializer>(runs: &[RunView], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(runs.len()))?;
    for r in runs {
        if r.shown {
            seq.serialize_element(r)?;
        } else {
            seq.serialize_element(&RunLink {
                name: &r.name,
                anchor: &r.anchor,
                tool: &r.tool,
                simulated: r.simulated,
                verdict: &r.verdict,
                warnings: &r.warnings,
                shown: false,
            })?;
        }
    }
    seq.end()
}

/// One row of the resource table.
#[derive(Debug, Clone, Serialize)]
pub struct ResourceView {
    /// `cpu`, `api:mem`.
    pub metric: String,
    /// `%`, `bytes`, `count`.
    pub unit: String,
    /// Smallest sample.
    pub min: String,
    /// Mean of the samples.
    pub avg: String,
    /// Largest sample.
    pub max: String,
    /// Number of samples.
    pub samples: String,
    /// File the samples come from.
    pub source: String,
}

/// The verdict block.
#[derive(Debug, Clone, Serialize)]
pub struct VerdictView {
    /// `PASS`, `FAIL`, `INCONCLUSIVE`, `NOT VALID FOR SIGN-OFF`.
    pub label: String,
    /// CSS class: `pass`, `fail`, `inconclusive`, `invalid`.
    pub class: String,
    /// ✅, ⚠️ or ❌.
    pub mark: String,
    /// GitHub alert for report.md: `CAUTION` (simulated or failed),
    /// `WARNING` (inconclusive), or empty.
    pub alert: String,
    /// `80.0`, or the range `55.0–70.0` when rules could not be judged.
    pub score: String,
    /// `GOOD`, or the range `FAIR–GOOD`.
    pub grade: String,
    /// One sentence saying why.
    pub reason: String,
}

/// A labelled figure.
#[derive(Debug, Clone, Serialize)]
pub struct FigureView {
    /// What it is.
    pub label: String,
    /// The formatted value.
    pub value: String,
    /// Where it comes from (file and line), empty for metadata.
    pub source: String,
    /// One of the few figures report.md shows before its folds.
    pub key: bool,
}

/// One row of the SLA rule table.
#[derive(Debug, Clone, Serialize)]
pub struct RuleView {
    /// Rule id.
    pub id: String,
    /// `p95 (each endpoint)`.
    pub metric: String,
    /// `< 50ms`.
    pub target: String,
    /// `6.86 ms`, or `—` when the input does not hold the figure.
    pub measured: String,
    /// The endpoint that decided an endpoint-scoped rule.
    pub measured_at: String,
    /// Why the measured figure was not scored (`from 7 values above it: too
    /// few to score`), or empty.
    pub unscored: String,
    /// `40 / 40`, or `0–15 / 15` for a rule that could not be judged.
    pub points: String,
    /// `PASS`, `FAIL`, `INCONCLUSIVE`.
    pub status: String,
    /// ✅, ❌ or ⚠️.
    pub mark: String,
    /// For a rule that could not be judged: what would settle it
    /// (`P99 needs ≥ 1,000 requests; this run has 731`).
    pub settle: String,
    /// CSS class.
    pub class: String,
    /// Is it a gate.
    pub gate: bool,
    /// `step`, `linear`, `lognormal`.
    pub scoring: String,
    /// Why inconclusive, which endpoints failed.
    pub note: String,
    /// Where the measured value comes from.
    pub source: String,
}

/// One row of the endpoint table.
#[derive(Debug, Clone, Serialize)]
pub struct EndpointView {
    /// `GET /v1/deployments`.
    pub label: String,
    /// Requests.
    pub requests: String,
    /// Failures (unexpected + expected).
    pub failures: String,
    /// Expected failures among them.
    pub expected: String,
    /// Unexpected error rate.
    pub error_rate: String,
    /// Requests per second.
    pub rps: String,
    /// Mean.
    pub avg: String,
    /// Minimum.
    pub min: String,
    /// Median.
    pub median: String,
    /// 95th percentile.
    pub p95: String,
    /// 99th percentile.
    pub p99: String,
    /// Maximum.
    pub max: String,
    /// Every failure of this endpoint is unexpected and it failed every request.
    pub all_failed: bool,
    /// Where the figures come from (file and line), for hover and footnotes.
    pub source: String,
    /// Not among the [`OPEN_ENDPOINT_ROWS`] busiest endpoints of its run:
    /// index.html shows it in the collapsed table.
    pub collapsed: bool,
}

/// One row of the error table.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorView {
    /// Method.
    pub method: String,
    /// Endpoint name.
    pub endpoint: String,
    /// Error text.
    pub error: String,
    /// Occurrences.
    pub occurrences: String,
    /// `yes (sla line 12)` or `no`.
    pub expected: String,
}

/// One exception raised by the test code.
#[derive(Debug, Clone, Serialize)]
pub struct ExceptionView {
    /// How many times.
    pub count: String,
    /// Message.
    pub message: String,
}

/// One warning.
#[derive(Debug, Clone, Serialize)]
pub struct WarningView {
    /// Stable code.
    pub code: String,
    /// `critical`, `warning`, `info`.
    pub severity: String,
    /// One line.
    pub message: String,
    /// Why it matters.
    pub why: String,
    /// An earlier run of this report already explains `why` for this code
    /// (report.md says it once).
    pub why_said: bool,
}

/// One source file.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    /// Path.
    pub path: String,
    /// Read as / skipped because.
    pub role: String,
    /// Was it read.
    pub read: bool,
    /// BLAKE3 of the file, hex; empty when not read.
    pub blake3: String,
}

/// Builds the view of all scored runs.
pub fn build(scored: &[Scored], sla: &Sla) -> ReportView {
    let mut runs: Vec<RunView> = scored.iter().map(|s| run_view(s, &s.sla)).collect();
    // Two names can reduce to one anchor ("peak 1" and "peak-1"): number the repeats,
    // so no run's page overwrites another's.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for r in &mut runs {
        let n = seen.entry(r.anchor.clone()).or_default();
        *n += 1;
        if *n > 1 {
            r.anchor = format!("{}-{}", r.anchor, n);
        }
    }
    let mut explained = std::collections::BTreeSet::new();
    for w in runs.iter_mut().flat_map(|r| r.warnings.iter_mut()) {
        w.why_said = !explained.insert(w.code.clone());
    }
    let anchors: Vec<String> = runs.iter().map(|r| r.anchor.clone()).collect();
    let shown = shown_runs(scored);
    for (r, shown) in runs.iter_mut().zip(&shown) {
        r.shown = *shown;
    }
    let simulated = scored.iter().any(|s| s.run.meta.simulated);
    let names: Vec<&str> = scored.iter().map(|s| s.run.meta.name.as_str()).collect();
    let mut grades: Vec<String> = sla
        .grades
        .iter()
        .map(|(g, b)| format!("{g} ≥ {}", fmt::trim_number(*b)))
        .collect();
    grades.push("POOR below".to_string());
    ReportView {
        title: if names.len() <= 3 {
            format!("Performance report: {}", names.join(", "))
        } else {
            format!(
                "Performance report: {} runs",
                fmt::count(names.len() as u64)
            )
        },
        generator: format!("perfreport {}", env!("CARGO_PKG_VERSION")),
        sla: SlaView {
            name: sla.name.clone(),
            description: sla.description.clone(),
            source: fmt::display_path(&sla.source.display().to_string()),
            pass_score: fmt::trim_number(sla.pass_score),
            grades: grades.join(" · "),
            expected_failures: sla
                .expected_failures
                .iter()
                .map(|e| ExpectedView {
                    what: e.describe(),
                    reason: e
                        .reason
                        .clone()
                        .unwrap_or_else(|| "no reason given".to_string()),
                    line: e.line,
                })
                .collect(),
        },
        simulated,
        scenario_set: (scored.len() > 1).then(|| scenario_set(scored, &anchors, &shown)),
        simulated_banner: "SIMULATED — NOT VALID FOR SIGN-OFF: these figures were not measured."
            .to_string(),
        overall: overall(scored, None),
        runs,
        comparison: None,
    }
}

/// The verdict of the whole build in one line, for the top of every output
/// (and the end of the terminal's): the runs' verdicts counted, where the
/// load ladder breaks, and the regression verdict when there is a baseline.
pub fn overall(
    scored: &[Scored],
    comparison: Option<&super::comparison::ComparisonView>,
) -> OverallView {
    use crate::sla::Verdict;
    let verdicts: Vec<Verdict> = scored.iter().map(|s| s.score.verdict).collect();
    let worst = verdicts
        .iter()
        .copied()
        .max()
        .unwrap_or(Verdict::Inconclusive);
    let mut line = match scored {
        [one] => format!(
            "{}: {}, score {} / 100.",
            one.run.meta.name,
            one.score.verdict.label(),
            fmt::score_range(one.score.value, one.score.value_high)
        ),
        _ => {
            let counts: Vec<String> = [
                Verdict::Pass,
                Verdict::Inconclusive,
                Verdict::Fail,
                Verdict::NotValid,
            ]
            .iter()
            .filter_map(|v| {
                let n = verdicts.iter().filter(|x| *x == v).count();
                let word = match v {
                    Verdict::NotValid => "NOT VALID (simulated)",
                    v => v.label(),
                };
                (n > 0).then(|| format!("{} {word}", fmt::count(n as u64)))
            })
            .collect();
            format!(
                "{}: {}.",
                fmt::plural(scored.len(), "run"),
                counts.join(", ")
            )
        }
    };
    if scored.len() > 1 {
        let short = ladder_short(scored);
        if !short.is_empty() {
            line.push_str(&format!(" {short}."));
        }
    }
    let regressed = comparison.is_some_and(|c| c.regressed);
    if let Some(c) = comparison {
        line.push_str(&format!(" {}", c.lead));
    }
    let class = if regressed && worst < Verdict::Fail {
        "fail"
    } else {
        verdict_class(worst)
    };
    OverallView {
        line,
        class: class.to_string(),
        mark: class_mark(class).to_string(),
        alert: class_alert(class).to_string(),
    }
}

/// ✅ pass, ⚠️ inconclusive, ❌ fail or not valid.
fn class_mark(class: &str) -> &'static str {
    match class {
        "pass" => "✅",
        "inconclusive" => "⚠️",
        _ => "❌",
    }
}

/// The GitHub alert report.md opens with for a verdict class.
fn class_alert(class: &str) -> &'static str {
    match class {
        "pass" => "",
        "inconclusive" => "WARNING",
        _ => "CAUTION",
    }
}

/// Where the load ladder breaks, in a few words; empty when fewer than two
/// runs record users.
fn ladder_short(scored: &[Scored]) -> String {
    use crate::stats::capacity::{breaking_point, BreakingPoint};
    let steps = ladder(scored);
    if steps.len() < 2 {
        return String::new();
    }
    match breaking_point(&steps) {
        Some(BreakingPoint::Between {
            from_users,
            to_users,
            ..
        }) => format!(
            "Breaking point between {} and {} users",
            fmt::count(from_users),
            fmt::count(to_users)
        ),
        Some(BreakingPoint::AtOrBelow { users, .. }) => format!(
            "Breaks at or below {} users, the lowest load tested",
            fmt::count(users)
        ),
        Some(BreakingPoint::NotReached { max_users }) => {
            format!("No breaking point up to {} users", fmt::count(max_users))
        }
        None => "Not a load ladder: runs share a user count".to_string(),
    }
}

/// The HTML page of a run in a scenario set.
pub fn run_page(anchor: &str) -> String {
    format!("runs/{anchor}.html")
}

/// Which runs the overview shows: all of them up to [`MAX_RUNS_SHOWN`], else
/// the [`MAX_RUNS_SHOWN`] that need attention first (see there).
fn shown_runs(scored: &[Scored]) -> Vec<bool> {
    if scored.len() <= MAX_RUNS_SHOWN {
        return vec![true; scored.len()];
    }
    let rank = |v: crate::sla::Verdict| match v {
        crate::sla::Verdict::Fail | crate::sla::Verdict::NotValid => 0,
        crate::sla::Verdict::Inconclusive => 1,
        crate::sla::Verdict::Pass => 2,
    };
    let mut order: Vec<usize> = (0..scored.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&scored[a].score, &scored[b].score);
        rank(x.verdict)
            .cmp(&rank(y.verdict))
            .then(x.value.total_cmp(&y.value))
            .then(a.cmp(&b))
    });
    let mut shown = vec![false; scored.len()];
    for &i in &order[..MAX_RUNS_SHOWN] {
        shown[i] = true;
    }
    shown
}

/// The sentence above a capped matrix: what it shows and what the rest are.
fn capped_sentence(scored: &[Scored], shown: &[bool]) -> String {
    let mut rest: BTreeMap<&str, usize> = BTreeMap::new();
    for (s, _) in scored.iter().zip(shown).filter(|(_, shown)| !**shown) {
        *rest.entry(s.score.verdict.label()).or_default() += 1;
    }
    let rest: Vec<String> = rest
        .iter()
        .map(|(label, n)| format!("{} {label}", fmt::count(*n as u64)))
        .collect();
    format!(
        "{} runs: the matrix shows the {MAX_RUNS_SHOWN} that need attention first (FAIL, then INCONCLUSIVE, then PASS; lowest score first), in report order. The other {} ({}) each have their own page and their entry in summary.json; every rule is counted over all {} runs below.",
        fmt::count(scored.len() as u64),
        fmt::count((scored.len() - MAX_RUNS_SHOWN) as u64),
        rest.join(", "),
        fmt::count(scored.len() as u64),
    )
}

/// Every rule counted over all runs, with its worst measured value.
fn rule_totals(scored: &[Scored], ids: &[(String, String)]) -> Vec<RuleTotal> {
    use crate::sla::target::Op;
    ids.iter()
        .map(|(id, what)| {
            let mut n = [0u64; 4]; // passed, failed, inconclusive, absent
            let mut worst: Option<(f64, &Rule, &str)> = None;
            for s in scored {
                let Some((r, res)) = s.sla.rules.iter().zip(&s.score.rules).find(|(r, _)| {
                    &r.id == id && format!("{} {}", rule_metric(r), r.target.text) == *what
                }) else {
                    n[3] += 1;
                    continue;
                };
                n[match res.status {
                    Status::Pass => 0,
                    Status::Fail => 1,
                    Status::Inconclusive => 2,
                }] += 1;
                let Some(v) = res.measured else { continue };
                let higher_is_worse = matches!(r.target.op, Op::Lt | Op::Le);
                let worse = match worst {
                    None => true,
                    Some((w, _, _)) => {
                        if higher_is_worse {
                            v > w
                        } else {
                            v < w
                        }
                    }
                };
                if worse {
                    worst = Some((v, r, s.run.meta.name.as_str()));
                }
            }
            RuleTotal {
                rule: id.clone(),
                what: what.clone(),
                passed: fmt::count(n[0]),
                failed: fmt::count(n[1]),
                inconclusive: fmt::count(n[2]),
                absent: fmt::count(n[3]),
                worst: worst.map_or_else(
                    || "—".to_string(),
                    |(v, r, name)| format!("{} ({name})", fmt::value(r.metric.kind(), v)),
                ),
            }
        })
        .collect()
}

fn scenario_set(scored: &[Scored], anchors: &[String], shown: &[bool]) -> ScenarioSetView {
    let all = scored;
    let kept: Vec<usize> = (0..all.len()).filter(|i| shown[*i]).collect();
    let scored: Vec<&Scored> = kept.iter().map(|i| &all[*i]).collect();
    let anchors: Vec<&String> = kept.iter().map(|i| &anchors[*i]).collect();
    let columns: Vec<ColumnView> = scored
        .iter()
        .enumerate()
        .map(|(i, s)| ColumnView {
            name: s.run.meta.name.clone(),
            page: run_page(anchors[i]),
            users: fmt::opt(
                s.run.meta.users_recorded.or(s.run.meta.users_planned),
                |u| format!("{} user{}", fmt::count(u), if u == 1 { "" } else { "s" }),
            ),
            verdict: s.score.verdict.label().to_string(),
            class: verdict_class(s.score.verdict).to_string(),
            mark: class_mark(verdict_class(s.score.verdict)).to_string(),
            score: fmt::score_range(s.score.value, s.score.value_high),
            grade: fmt::grade_range(&s.score.grade, &s.score.grade_high),
        })
        .collect();
    let mut ids: Vec<(String, String)> = Vec::new();
    for s in all {
        for r in &s.sla.rules {
            let what = format!("{} {}", rule_metric(r), r.target.text);
            // One row per rule as written: the same id with another target is another row.
            if !ids.iter().any(|(id, w)| id == &r.id && w == &what) {
                ids.push((
                    r.id.clone(),
                    format!("{} {}", rule_metric(r), r.target.text),
                ));
            }
        }
    }
    let rows: Vec<MatrixRow> = ids
        .clone()
        .into_iter()
        .map(|(id, what)| MatrixRow {
            cells: scored
                .iter()
                .map(|s| {
                    match s.sla.rules.iter().zip(&s.score.rules).find(|(r, _)| {
                        r.id == id && format!("{} {}", rule_metric(r), r.target.text) == what
                    }) {
                        Some((r, res)) => MatrixCell {
                            measured: fmt::opt(res.measured, |v| fmt::value(r.metric.kind(), v)),
                            status: res.status.code().to_uppercase(),
                            mark: status_mark(res.status).to_string(),
                            class: res.status.code().to_string(),
                        },
                        None => MatrixCell {
                            measured: String::new(),
                            status: String::new(),
                            mark: String::new(),
                            class: "absent".to_string(),
                        },
                    }
                })
                .collect(),
            rule: id,
            what,
        })
        .collect();
    let steps = ladder(all);
    let capped = (all.len() > scored.len()).then(|| capped_sentence(all, shown));
    let rule_totals = if capped.is_some() {
        rule_totals(all, &ids)
    } else {
        Vec::new()
    };
    let breaking_point = match crate::stats::capacity::breaking_point(&steps) {
        Some(b) => b.sentence(fmt::count),
        None if steps.len() >= 2 => "These runs are not a load ladder: several of them ran with the same number of users, so there is no breaking point to find between them and no capacity chart.".to_string(),
        None => "Fewer than two runs record their number of users, so there is no load ladder to find a breaking point on.".to_string(),
    };
    let groups = (0..columns.len())
        .step_by(MATRIX_GROUP)
        .map(|from| {
            let to = (from + MATRIX_GROUP).min(columns.len());
            MatrixGroup {
                columns: columns[from..to].to_vec(),
                rows: rows
                    .iter()
                    .map(|r: &MatrixRow| MatrixRow {
                        rule: r.rule.clone(),
                        what: r.what.clone(),
                        cells: r.cells[from..to].to_vec(),
                    })
                    .collect(),
            }
        })
        .collect();
    ScenarioSetView {
        groups,
        columns,
        rows,
        breaking_point,
        breaking_point_short: ladder_short(all),
        total: fmt::count(all.len() as u64),
        capped,
        rule_totals,
        has_capacity: crate::stats::capacity::is_ladder(&steps),
    }
}

/// The runs that record users, as load-ladder steps (in report order).
pub fn ladder(scored: &[Scored]) -> Vec<crate::stats::capacity::Step> {
    scored
        .iter()
        .filter_map(|s| {
            Some(crate::stats::capacity::Step {
                name: s.run.meta.name.clone(),
                users: s.run.meta.users_recorded.or(s.run.meta.users_planned)?,
                throughput_rps: s.stats.totals.throughput_rps,
                p95_ms: s.stats.totals.latency.percentile(Percentile::P95),
                // A run breaks when a rule fails; a rule that could not be judged
                // (too little data) says nothing about the system's capacity.
                passed: !s
                    .score
                    .rules
                    .iter()
                    .any(|r| r.status == crate::sla::Status::Fail)
                    && !s
                        .score
                        .failed_gates
                        .iter()
                        .any(|g| g.starts_with("evidence:endpoint")),
            })
        })
        .collect()
}

fn verdict_class(v: crate::sla::Verdict) -> &'static str {
    match v {
        crate::sla::Verdict::Pass => "pass",
        crate::sla::Verdict::Fail => "fail",
        crate::sla::Verdict::Inconclusive => "inconclusive",
        crate::sla::Verdict::NotValid => "invalid",
    }
}

/// ✅ ❌ ⚠️ for a rule's status.
fn status_mark(s: Status) -> &'static str {
    match s {
        Status::Pass => "✅",
        Status::Fail => "❌",
        Status::Inconclusive => "⚠️",
    }
}

/// Which rows are requests and which are transactions, when a run has both kinds.
fn requests_note(s: &Scored) -> Option<String> {
    if s.run.meta.transactions_as_requests {
        Some(
            "These requests are transactions (JMeter Transaction Controller rows): the input \
             holds no sampler rows, so each transaction counts as one request."
                .to_string(),
        )
    } else if !s.stats.transactions.is_empty() {
        Some(
            "Requests, error rate and throughput count samplers only; transactions \
             (Transaction Controller rows) are in their own table and not counted here."
                .to_string(),
        )
    } else {
        None
    }
}

fn rule_metric(rule: &Rule) -> String {
    match &rule.scope {
        crate::sla::Scope::Total => rule.metric.to_string(),
        scope => format!("{} ({scope})", rule.metric),
    }
}

fn run_view(s: &Scored, sla: &Sla) -> RunView {
    let meta = &s.run.meta;
    let t = &s.stats.totals;
    let score = &s.score;
    let class = verdict_class(score.verdict);
    let verdict = VerdictView {
        label: score.verdict.label().to_string(),
        class: class.to_string(),
        mark: class_mark(class).to_string(),
        alert: class_alert(class).to_string(),
        score: fmt::score_range(score.value, score.value_high),
        grade: fmt::grade_range(&score.grade, &score.grade_high),
        reason: verdict_reason(s, sla),
    };
    // Measured only: planned users (run.toml) are shown apart, as the plan.
    let users = meta.users_recorded;
    let mut figures = vec![
        fig(
            "Requests",
            if t.requests_known {
                fmt::count(t.requests)
            } else {
                fmt::NOT_IN_INPUT.to_string()
            },
        ),
        fig(
            "Failures",
            if t.error_rate.is_none() {
                fmt::NOT_IN_INPUT.to_string()
            } else if t.expected_failures > 0 {
                format!(
                    "{} ({} expected, excluded from the error rate)",
                    fmt::count(t.failures),
                    fmt::count(t.expected_failures)
                )
            } else {
                fmt::count(t.failures)
            },
        ),
        fig("Error rate", fmt::percent_opt(t.error_rate)),
    ];
    if t.expected_failures > 0 {
        figures.push(fig(
            "Error rate incl. expected failures",
            fmt::percent_opt(t.error_rate_all),
        ));
    }
    figures.extend([
        fig("Throughput", fmt::opt(t.throughput_rps, fmt::rps)),
        fig(
            "P50",
            fmt::opt(t.latency.percentile(Percentile::P50), fmt::ms),
        ),
        fig(
            "P95",
            fmt::opt(t.latency.percentile(Percentile::P95), fmt::ms),
        ),
        fig(
            "P99",
            fmt::opt(t.latency.percentile(Percentile::P99), fmt::ms),
        ),
        fig("Duration", fmt::opt(meta.duration_s, fmt::duration)),
        fig("Peak users", fmt::opt(users, fmt::count)),
        fig(
            "Started",
            if meta.clock_zone_unknown {
                fmt::opt(meta.started_at_s, fmt::timestamp_as_written)
            } else {
                fmt::opt(meta.started_at_s, fmt::timestamp)
            },
        ),
    ]);
    let totals_source = t.source.clone().unwrap_or_default();
    for f in figures
        .iter_mut()
        .filter(|f| !matches!(f.label.as_str(), "Duration" | "Peak users" | "Started"))
    {
        f.source = totals_source.clone();
    }
    let mut setup = Vec::new();
    let mut add = |label: &str, v: Option<String>| {
        if let Some(v) = v {
            setup.push(fig(label, v));
        }
    };
    add("Scenario", meta.scenario.clone());
    add("Users planned", meta.users_planned.map(fmt::count));
    add(
        "Spawn rate",
        meta.spawn_rate
            .map(|r| format!("{} users/s", fmt::trim_number(r))),
    );
    add("Think time", meta.think_time.clone());
    add("Environment", meta.environment.clone());
    add("Duration taken from", meta.duration_source.clone());
    let rules = sla
        .rules
        .iter()
        .zip(&score.rules)
        .map(|(r, res)| rule_view(r, res))
        .collect();
    RunView {
        name: meta.name.clone(),
        anchor: anchor(&meta.name),
        tool: match &meta.tool_version {
            Some(v) => format!("{} {v}", meta.tool),
            None => meta.tool.clone(),
        },
        simulated: meta.simulated,
        verdict,
        figures,
        setup,
        rules,
        endpoints: endpoint_rows(&s.stats.endpoints),
        endpoints_omitted: 0,
        endpoints_collapsed: match s.stats.endpoints.len().saturating_sub(OPEN_ENDPOINT_ROWS) {
            0 => String::new(),
            n => fmt::count(n as u64),
        },
        totals: endpoint_view(t),
        transactions: if meta.transactions_as_requests {
            Vec::new()
        } else {
            s.stats.transactions.iter().map(endpoint_view).collect()
        },
        requests_note: requests_note(s),
        errors: s
            .stats
            .failures
            .iter()
            .map(|f| ErrorView {
                method: f.group.method.clone(),
                endpoint: f.group.name.clone(),
                error: f.group.error.clone(),
                occurrences: fmt::count(f.group.occurrences),
                expected: match f.expected_by {
                    Some(i) => format!("yes (SLA line {})", sla.expected_failures[i].line),
                    None => "no".to_string(),
                },
            })
            .collect(),
        exceptions: s
            .run
            .exceptions
            .iter()
            .map(|e| ExceptionView {
                count: fmt::count(e.count),
                message: e.message.clone(),
            })
            .collect(),
        warnings: s
            .warnings
            .iter()
            .map(|w| WarningView {
                code: w.code().to_string(),
                severity: w.severity.code().to_string(),
                message: w.message.clone(),
                why: w.why().to_string(),
                why_said: false,
            })
            .collect(),
        sources: s
            .run
            .sources
            .iter()
            .map(|src| source_view(src, &s.run.sources))
            .collect(),
        precision_note: precision_note(s),
        input_notes: meta.reader_notes.clone(),
        notes_markdown: meta.notes_markdown.as_deref().map(fmt::notes_markdown),
        notes_html: meta.notes_markdown.as_deref().map(fmt::notes_html),
        resources: s.stats.resources.iter().map(resource_view).collect(),
        shown: true,
    }
}

fn resource_view(r: &crate::stats::ResourceFigures) -> ResourceView {
    ResourceView {
        metric: r.metric.clone(),
        unit: match r.unit {
            crate::model::ResourceUnit::Percent => "%",
            crate::model::ResourceUnit::Bytes => "bytes",
            crate::model::ResourceUnit::Count => "count",
        }
        .to_string(),
        min: fmt::resource(r.unit, r.min),
        avg: fmt::resource(r.unit, r.avg),
        max: fmt::resource(r.unit, r.max),
        samples: fmt::count(r.samples),
        source: r.source.clone(),
    }
}

fn verdict_reason(s: &Scored, sla: &Sla) -> String {
    use crate::sla::Verdict;
    let score = &s.score;
    let outcome = score.outcome();
    let pass_mark = fmt::trim_number(sla.pass_score);
    let range = fmt::score_range(score.value, score.value_high);
    let rule_of = |id: &str| sla.rules.iter().zip(&score.rules).find(|(r, _)| r.id == id);
    let mut parts = Vec::new();
    if s.run.meta.simulated {
        parts.push("the figures were not measured (simulated run)".to_string());
    }
    for id in &score.failed_gates {
        if let Some(code) = id.strip_prefix("evidence:") {
            let what = s
                .warnings
                .iter()
                .find(|w| w.code() == code)
                .map_or(String::new(), |w| {
                    format!(": {}", w.message.trim_end_matches('.'))
                });
            parts.push(format!("evidence gate \"{code}\" failed{what}"));
        } else if let Some((rule, res)) = rule_of(id) {
            let measured = fmt::opt(res.measured, |v| fmt::value(rule.metric.kind(), v));
            parts.push(format!(
                "gate \"{id}\" failed: {measured} against {}",
                rule.target.text
            ));
        }
    }
    for id in &score.inconclusive_gates {
        if let Some((rule, res)) = rule_of(id) {
            parts.push(format!(
                "gate \"{id}\" cannot be judged: {}",
                settle(rule, res)
            ));
        }
    }
    let open: Vec<String> = sla
        .rules
        .iter()
        .zip(&score.rules)
        .filter(|(r, res)| res.status == Status::Inconclusive && !r.gate)
        .map(|(r, res)| format!("{} ({})", r.id, settle(r, res)))
        .collect();
    match outcome {
        Verdict::Fail if score.value_high < sla.pass_score => parts.push(if score.is_range() {
            format!(
                "score {range} misses the pass mark {pass_mark} even if every rule that could not be judged passed"
            )
        } else {
            format!("score {range} is below the pass mark {pass_mark}")
        }),
        Verdict::Inconclusive if score.value < sla.pass_score => parts.push(format!(
            "score {range}: the pass mark {pass_mark} is reached only if the rules that could not be judged pass: {}",
            open.join("; ")
        )),
        Verdict::Pass => {
            let met = score
                .rules
                .iter()
                .filter(|r| r.status == Status::Pass)
                .count();
            parts.push(if score.is_range() {
                format!(
                    "score {range} reaches the pass mark {pass_mark} whatever the {} that could not be judged {}; {met} of {} rules met",
                    if open.len() == 1 { "rule".to_string() } else { format!("{} rules", open.len()) },
                    if open.len() == 1 { "scores" } else { "score" },
                    score.rules.len()
                )
            } else {
                format!(
                    "score {range} is at or above the pass mark {pass_mark}; {met} of {} rules met",
                    score.rules.len()
                )
            });
        }
        _ => {}
    }
    let mut text = parts.join("; ");
    if let Some(first) = text.get(..1) {
        text = first.to_uppercase() + &text[1..];
    }
    text + "."
}

/// What would settle a rule that could not be judged: `P99 needs ≥ 1,000
/// requests; this run has 731`, or why the input cannot give the figure.
fn settle(rule: &Rule, res: &RuleResult) -> String {
    match res.small_samples.first() {
        Some(f) => {
            let mut pct = f.percentile.clone();
            if let Some(first) = pct.get(..1) {
                pct = first.to_uppercase() + &pct[1..];
            }
            let n = res.small_samples.len();
            if rule.scope == crate::sla::Scope::Total {
                format!(
                    "{pct} needs ≥ {} requests; this run has {}",
                    fmt::count(f.needed),
                    fmt::count(f.requests)
                )
            } else if n == 1 {
                format!(
                    "{pct} needs ≥ {} requests per endpoint; {} has {}",
                    fmt::count(f.needed),
                    f.endpoint,
                    fmt::count(f.requests)
                )
            } else {
                format!(
                    "{pct} needs ≥ {} requests per endpoint; {n} endpoints have fewer ({} has {})",
                    fmt::count(f.needed),
                    f.endpoint,
                    fmt::count(f.requests)
                )
            }
        }
        None => res.note.clone().unwrap_or_default(),
    }
}

fn rule_view(rule: &Rule, res: &RuleResult) -> RuleView {
    let kind: Kind = rule.metric.kind();
    let open = res.status == Status::Inconclusive;
    RuleView {
        id: rule.id.clone(),
        metric: rule_metric(rule),
        target: rule.target.text.clone(),
        measured: fmt::opt(res.measured, |v| fmt::value(kind, v)),
        measured_at: res.measured_at.clone().unwrap_or_default(),
        unscored: res.unscored.clone().unwrap_or_default(),
        points: if open {
            fmt::points_open(rule.weight)
        } else {
            fmt::points(res.points, rule.weight)
        },
        status: res.status.code().to_uppercase(),
        mark: status_mark(res.status).to_string(),
        settle: if open {
            settle(rule, res)
        } else {
            String::new()
        },
        class: res.status.code().to_string(),
        gate: rule.gate,
        scoring: rule.scoring.code().to_string(),
        note: res.note.clone().unwrap_or_default(),
        source: String::new(),
    }
}

fn endpoint_view(f: &Figures) -> EndpointView {
    let l = &f.latency;
    EndpointView {
        label: f.label.clone(),
        requests: if f.requests_known {
            fmt::count(f.requests)
        } else {
            fmt::NOT_IN_INPUT.to_string()
        },
        failures: if f.requests_known && f.error_rate.is_some() {
            fmt::count(f.failures)
        } else {
            fmt::NOT_IN_INPUT.to_string()
        },
        expected: fmt::count(f.expected_failures),
        error_rate: fmt::percent_opt(f.error_rate),
        rps: fmt::opt(f.throughput_rps, fmt::rps),
        avg: fmt::opt(l.avg_ms, fmt::ms),
        min: fmt::opt(l.min_ms, fmt::ms),
        median: fmt::opt(l.percentile(Percentile::P50), fmt::ms),
        p95: fmt::opt(l.percentile(Percentile::P95), fmt::ms),
        p99: fmt::opt(l.percentile(Percentile::P99), fmt::ms),
        max: fmt::opt(l.max_ms, fmt::ms),
        all_failed: f.requests > 0 && f.unexpected_failures() == f.requests,
        source: f.source.clone().unwrap_or_default(),
        collapsed: false,
    }
}

/// The endpoint table's rows, in the run's order, those past the
/// [`OPEN_ENDPOINT_ROWS`] busiest (by requests, ties in table order) marked `collapsed`.
fn endpoint_rows(endpoints: &[Figures]) -> Vec<EndpointView> {
    let mut rows: Vec<EndpointView> = endpoints.iter().map(endpoint_view).collect();
    if rows.len() > OPEN_ENDPOINT_ROWS {
        let mut order: Vec<usize> = (0..endpoints.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(endpoints[i].requests));
        for &i in &order[OPEN_ENDPOINT_ROWS..] {
            rows[i].collapsed = true;
        }
    }
    rows
}

fn source_view(s: &SourceFile, all: &[SourceFile]) -> SourceView {
    SourceView {
        path: fmt::display_path(&s.path),
        role: fmt::display_paths_in(&s.role, all.iter().map(|o| o.path.as_str())),
        read: s.read,
        blake3: s.blake3.clone().unwrap_or_default(),
    }
}

fn precision_note(s: &Scored) -> String {
    match s.run.totals.latency.precision {
        crate::model::Precision::Tool if s.run.meta.tool == "locust" => "Response-time figures are copied from Locust's own report; Locust computes percentiles from response times rounded to two significant digits.".to_string(),
        crate::model::Precision::Tool => format!("Response-time figures are copied from {}'s own report, as it computed them.", s.run.meta.tool),
        crate::model::Precision::Exact => "Response-time figures are exact, computed from every request.".to_string(),
        crate::model::Precision::Histogram { significant_digits } => format!(
            "Response-time percentiles come from a histogram keeping {significant_digits} significant digits."
        ),
    }
}

fn fig(label: &str, value: String) -> FigureView {
    FigureView {
        key: matches!(
            label,
            "Requests" | "Error rate" | "Throughput" | "P50" | "P95" | "P99" | "Duration"
        ),
        label: label.to_string(),
        value,
        source: String::new(),
    }
}

/// An HTML id from a run name: lowercase letters, digits and dashes.
pub fn anchor(name: &str) -> String {
    let mut out = String::from("run-");
    let mut dash = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            dash = false;
        } else if !dash {
            out.push('-');
            dash = true;
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LatencyStats;

    fn figures(name: &str, requests: u64) -> Figures {
        Figures {
            method: String::new(),
            name: name.to_string(),
            label: name.to_string(),
            requests,
            failures: 0,
            expected_failures: 0,
            error_rate: Some(0.0),
            error_rate_all: Some(0.0),
            throughput_rps: None,
            latency: LatencyStats::default(),
            consistency: None,
            source: None,
            requests_known: true,
        }
    }

    #[test]
    fn past_the_open_rows_the_endpoints_with_least_traffic_are_collapsed() {
        // Requests: 7 for every third endpoint, else 1 or 2; ties stay in table order.
        let n = OPEN_ENDPOINT_ROWS + 500;
        let endpoints: Vec<Figures> = (0..n)
            .map(|i| {
                figures(
                    &format!("/e{i:05}"),
                    if i % 3 == 0 { 7 } else { 1 + (i % 2) as u64 },
                )
            })
            .collect();
        let rows = endpoint_rows(&endpoints);
        assert_eq!(rows.len(), n, "every endpoint keeps its row");
        assert_eq!(
            rows.iter().filter(|r| !r.collapsed).count(),
            OPEN_ENDPOINT_ROWS
        );
        // An independent pick: every endpoint busier than the least busy open one is open.
        let open_min = (0..n)
            .filter(|&i| !rows[i].collapsed)
            .map(|i| endpoints[i].requests)
            .min()
            .unwrap();
        let collapsed_max = (0..n)
            .filter(|&i| rows[i].collapsed)
            .map(|i| endpoints[i].requests)
            .max()
            .unwrap();
        assert!(open_min >= collapsed_max, "{open_min} < {collapsed_max}");
        assert!((0..n).filter(|i| i % 3 == 0).all(|i| !rows[i].collapsed));
        // A run within the limit collapses nothing.
        assert!(endpoint_rows(&endpoints[..OPEN_ENDPOINT_ROWS])
            .iter()
            .all(|r| !r.collapsed));
    }
}
