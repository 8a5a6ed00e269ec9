//! The short verdict printed after a build.
//!
//! The text carries ANSI styles for verdicts and severities; the caller writes
//! it through an `anstream` stream, which keeps them for a colour terminal and
//! strips them when stdout is piped, `NO_COLOR` is set or `--color never` was
//! given. Lines are wrapped to `width` columns with a hanging indent; names
//! from input files are flattened to one line first.

use super::view::RunView;
use super::Report;
use anstyle::{AnsiColor, Style};
use std::fmt::Write;
use std::path::Path;

/// How to lay the text out.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Columns available (the terminal's width, 80 when not a terminal).
    pub width: usize,
    /// The report files written, as named inside the output folder.
    pub written: Vec<String>,
}

impl Default for Layout {
    fn default() -> Layout {
        Layout {
            width: 80,
            written: Vec::new(),
        }
    }
}

/// The verdict, per run, then one overall line and the report to open.
pub fn render(report: &Report, output: &Path, layout: &Layout) -> String {
    let width = layout.width.max(40);
    let mut out = String::new();
    for run in &report.view.runs {
        let verdict = paint(verdict_style(&run.verdict.class), &run.verdict.label);
        let head = format!(
            "{}: {verdict}  score {}/100 ({})",
            flat(&run.name),
            run.verdict.score,
            run.verdict.grade
        );
        out.push_str(&wrap(&head, width, "", "    "));
        out.push_str(&wrap(&flat(&run.verdict.reason), width, "  ", "  "));
        rule_table(&mut out, run, width);
        for w in &run.warnings {
            let line = format!(
                "{} [{}] {}",
                paint(severity_style(&w.severity), &w.severity.to_uppercase()),
                w.code,
                flat(&w.message)
            );
            out.push_str(&wrap(&line, width, "  ", "      "));
        }
    }
    if let Some(c) = &report.view.comparison {
        let line = format!(
            "Against the baseline {}: {}. {}",
            c.baseline.path,
            c.label,
            flat(&c.headline)
        );
        out.push_str(&wrap(&line, width, "", "  "));
        for r in report.comparison.iter().flat_map(|c| &c.runs) {
            if r.matched_by == crate::compare::MatchedBy::OnlyRun {
                let line = format!(
                    "Compared {} with the baseline's {}: the only run on each side, under different names.",
                    flat(&r.current),
                    flat(&r.baseline)
                );
                out.push_str(&wrap(&line, width, "  ", "    "));
            }
        }
        for r in &c.regressions {
            let line = format!("{} {}", paint(FAIL, "REGRESSED"), flat(r));
            out.push_str(&wrap(&line, width, "  ", "    "));
        }
        if c.regressed {
            let line = format!(
                "{} holds an issue body: gh issue create --body-file {}",
                super::REGRESSION_MD,
                output.join(super::REGRESSION_MD).display()
            );
            out.push_str(&wrap(&line, width, "  ", "    "));
        }
    }
    let classes: Vec<&str> = report
        .view
        .runs
        .iter()
        .map(|r| r.verdict.class.as_str())
        .collect();
    if let Some((class, line)) = overall(&classes) {
        let _ = writeln!(
            out,
            "{}",
            wrap_plain(
                &format!("Overall: {}", paint(verdict_style(class), &line)),
                width
            )
        );
    }
    let open = ["index.html", "report.md"]
        .into_iter()
        .find(|f| layout.written.iter().any(|w| w == f));
    let line = match open {
        Some(f) => format!(
            "Report written to {}; open {}",
            output.display(),
            output.join(f).display()
        ),
        None => format!("Report written to {}", output.display()),
    };
    out.push_str(&wrap(&line, width, "", "  "));
    out
}

/// With several runs, the one line that sums them up: (verdict class, text).
/// The verdict of the set is the worst of its runs: any FAIL fails it; then
/// any run not valid for sign-off; then any other verdict (not pass).
pub fn overall(classes: &[&str]) -> Option<(&'static str, String)> {
    if classes.len() < 2 {
        return None;
    }
    let count = |class: &str| classes.iter().filter(|c| **c == class).count();
    let (failed, invalid, passed) = (count("fail"), count("invalid"), count("pass"));
    let other = classes.len() - failed - invalid - passed;
    let (class, label) = if failed > 0 {
        ("fail", "FAIL")
    } else if invalid > 0 {
        ("invalid", "NOT VALID FOR SIGN-OFF")
    } else if other > 0 {
        ("inconclusive", "INCONCLUSIVE")
    } else {
        ("pass", "PASS")
    };
    let mut parts = Vec::new();
    for (n, what) in [
        (failed, "failed"),
        (invalid, "not valid for sign-off"),
        (other, "could not be judged"),
        (passed, "passed"),
    ] {
        if n > 0 && parts.is_empty() {
            parts.push(format!("{n} of {} runs {what}", classes.len()));
        } else if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    Some((class, format!("{label}: {}", parts.join(", "))))
}

/// The rule table: columns as wide as their widest cell, the measured value
/// clipped so that a row fits in `width`.
fn rule_table(out: &mut String, run: &RunView, width: usize) {
    let rows: Vec<[String; 5]> = run
        .rules
        .iter()
        .map(|r| {
            let measured = if r.measured_at.is_empty() {
                flat(&r.measured)
            } else {
                format!("{} ({})", flat(&r.measured), flat(&r.measured_at))
            };
            let status = format!("{}{}", r.status, if r.gate { " (gate)" } else { "" });
            [
                clip(&flat(&r.id), 16),
                flat(&r.target),
                measured,
                r.points.clone(),
                status,
            ]
        })
        .collect();
    let head = ["rule", "target", "measured", "points", "status"].map(String::from);
    let mut w = head.each_ref().map(|h| h.chars().count());
    for r in &rows {
        for (w, c) in w.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    // 2 of indent, 2 between columns.
    let others = 2 + w[0] + w[1] + w[3] + w[4] + 8;
    w[2] = w[2].min(width.saturating_sub(others).max(8));
    let line = |cells: &[String; 5], status_style: Option<Style>| {
        let status = match status_style {
            Some(s) => paint(s, &cells[4]),
            None => cells[4].clone(),
        };
        let l = format!(
            "  {:<w0$}  {:<w1$}  {:<w2$}  {:>w3$}  {status}",
            cells[0],
            cells[1],
            clip(&cells[2], w[2]),
            cells[3],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3],
        );
        l.trim_end().to_string() + "\n"
    };
    out.push_str(&line(&head, None));
    for (cells, r) in rows.iter().zip(&run.rules) {
        out.push_str(&line(cells, Some(verdict_style(&r.class))));
    }
}

const PASS: Style = AnsiColor::Green.on_default().bold();
const FAIL: Style = AnsiColor::Red.on_default().bold();
const UNSURE: Style = AnsiColor::Yellow.on_default().bold();
const INVALID: Style = AnsiColor::Magenta.on_default().bold();

fn verdict_style(class: &str) -> Style {
    match class {
        "pass" => PASS,
        "fail" => FAIL,
        "invalid" => INVALID,
        _ => UNSURE,
    }
}

fn severity_style(severity: &str) -> Style {
    match severity {
        "critical" => FAIL,
        "warning" => AnsiColor::Yellow.on_default(),
        _ => AnsiColor::Cyan.on_default(),
    }
}

fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// A name or message from an input file on one line: line breaks, tabs and
/// other control characters become spaces, runs of spaces one.
pub fn flat(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = if c.is_control() { ' ' } else { c };
        if !(c == ' ' && (out.is_empty() || out.ends_with(' '))) {
            out.push(c);
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// `text` wrapped to `width` (ANSI styles count as zero columns), the first
/// line after `first`, the others after `rest`; a word longer than a line is
/// kept whole (a path, a URL), every line ends with a newline.
fn wrap(text: &str, width: usize, first: &str, rest: &str) -> String {
    let options = textwrap::Options::new(width)
        .initial_indent(first)
        .subsequent_indent(rest)
        .break_words(false)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    let mut out = String::new();
    for l in textwrap::wrap(&keep_units(text), &options) {
        out.push_str(&l.trim_end().replace(NBSP, " "));
        out.push('\n');
    }
    out
}

const NBSP: char = '\u{a0}';

/// A number stays on the line of its unit (`11.11 %`, `42 s`, `1.3 req/s`):
/// the space before a short unit word becomes a no-break space for the wrap.
fn keep_units(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev = ' ';
    for (i, c) in text.char_indices() {
        if c == ' ' && prev.is_ascii_digit() {
            let next: String = text[i + 1..]
                .chars()
                .take_while(|c| !c.is_whitespace())
                .collect();
            let unit = next.trim_end_matches([',', '.', ';', ':', ')']);
            if [
                "%", "ms", "s", "min", "h", "req/s", "MiB", "GiB", "KiB", "B", "pp",
            ]
            .contains(&unit)
            {
                out.push(NBSP);
                prev = NBSP;
                continue;
            }
        }
        out.push(c);
        prev = c;
    }
    out
}

fn wrap_plain(text: &str, width: usize) -> String {
    wrap(text, width, "", "  ").trim_end().to_string()
}

fn clip(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let head: String = s.chars().take(width.saturating_sub(1)).collect();
        format!("{head}…")
    }
}

/// `perfreport check-sla`: the SLA as a reviewer needs it, without the TOML:
/// each rule with its scoring method and parameters, the grades, the
/// evidence settings, the expected failures and the regression thresholds.
pub fn sla_text(sla: &crate::sla::Sla, width: usize) -> String {
    use crate::report::format as fmt;
    use crate::sla::evidence::{Policy, SmallSample};
    use crate::sla::Scoring;
    let width = width.max(40);
    let mut out = String::new();
    let n = sla.rules.len();
    let head = format!(
        "{}: {n} rule{}, a run passes at a score of {} or more (and no failed gate)",
        flat(&sla.name),
        if n == 1 { "" } else { "s" },
        fmt::trim_number(sla.pass_score)
    );
    out.push_str(&wrap(&head, width, "", "  "));
    if let Some(d) = &sla.description {
        out.push_str(&wrap(&flat(d), width, "  ", "  "));
    }
    let mut grades: Vec<String> = sla
        .grades
        .iter()
        .map(|(g, b)| format!("{g} from {}", fmt::trim_number(*b)))
        .collect();
    grades.push("POOR below".to_string());
    out.push_str(&wrap(
        &format!("Grades: {}", grades.join(", ")),
        width,
        "",
        "  ",
    ));
    out.push_str(
        "Rules (points = weight × credit; the score is the points' share of the weights):\n",
    );
    for r in &sla.rules {
        let kind = r.metric.kind();
        let line = format!(
            "{}: {} {} ({}), weight {}{}",
            flat(&r.id),
            r.metric,
            r.target.text,
            r.scope,
            fmt::trim_number(r.weight),
            if r.gate {
                ", gate: failing it fails the run"
            } else {
                ""
            }
        );
        out.push_str(&wrap(&line, width, "  ", "      "));
        let scoring = match &r.scoring {
            Scoring::Step => "scoring step: full credit when the target is met, none otherwise".to_string(),
            Scoring::Linear { zero_at } => format!(
                "scoring linear: full credit at the target, falling in a straight line to none at zero_at = {}",
                fmt::value(kind, *zero_at)
            ),
            Scoring::LogNormal { p10, median } => format!(
                "scoring lognormal: 0.9 credit at p10 = {}, 0.5 at median = {}, a log-normal curve through them",
                fmt::value(kind, *p10),
                fmt::value(kind, *median)
            ),
        };
        out.push_str(&wrap(&scoring, width, "    ", "      "));
        if let Some(d) = &r.description {
            out.push_str(&wrap(&flat(d), width, "    ", "      "));
        }
    }
    for e in &sla.expected_failures {
        out.push_str(&wrap(
            &format!("Expected failure: {}", flat(&e.describe())),
            width,
            "",
            "  ",
        ));
    }
    let ev = &sla.evidence;
    let policy = |p: Policy| match p {
        Policy::Warn => "warns",
        Policy::Gate => "fails the run (gate)",
    };
    let small = match ev.small_sample {
        SmallSample::Inconclusive => "makes the rule INCONCLUSIVE",
        SmallSample::Warn => "is scored, with a warning",
        SmallSample::Gate => "makes the rule INCONCLUSIVE and fails the run",
    };
    let evidence = [
        format!(
            "a percentile from fewer than {} requests above it {small} (small_sample)",
            ev.min_tail_samples
        ),
        format!(
            "an endpoint with over {} unexpected failures {} (endpoint_all_failed)",
            fmt::percent(ev.endpoint_failure_ratio),
            policy(ev.endpoint_all_failed)
        ),
        format!(
            "a steady state shorter than {} {} (short_run)",
            fmt::duration(ev.min_duration_s),
            policy(ev.short_run)
        ),
        if ev.exclude_ramp_up {
            "only the steady state is scored (exclude_ramp_up = true)".to_string()
        } else {
            "the whole run, ramp-up included, is scored (exclude_ramp_up = false)".to_string()
        },
    ];
    out.push_str("Evidence:\n");
    for e in evidence {
        out.push_str(&wrap(&e, width, "  ", "    "));
    }
    let reg = &sla.regression;
    let thresholds = if reg.text.is_empty() {
        "none".to_string()
    } else {
        reg.text
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let line = format!(
        "Regression against a baseline: {thresholds}; a change counts only if significant at {}",
        fmt::trim_number(reg.significance)
    );
    out.push_str(&wrap(&line, width, "", "  "));
    for (scenario, s) in &sla.scenarios {
        let line = format!(
            "Scenario {}: runs of it are scored against {}",
            flat(scenario),
            s.source.display()
        );
        out.push_str(&wrap(&line, width, "", "  "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overall_line_is_the_worst_verdict_with_the_counts() {
        let runs = |classes: &[&'static str]| classes.to_vec();
        assert_eq!(overall(&runs(&["pass"])), None);
        assert_eq!(
            overall(&runs(&["pass", "fail", "pass"])),
            Some(("fail", "FAIL: 1 of 3 runs failed, 2 passed".to_string()))
        );
        assert_eq!(
            overall(&runs(&["pass", "invalid"])),
            Some((
                "invalid",
                "NOT VALID FOR SIGN-OFF: 1 of 2 runs not valid for sign-off, 1 passed".to_string()
            ))
        );
        assert_eq!(
            overall(&runs(&["pass", "inconclusive"])),
            Some((
                "inconclusive",
                "INCONCLUSIVE: 1 of 2 runs could not be judged, 1 passed".to_string()
            ))
        );
        assert_eq!(
            overall(&runs(&["pass", "pass"])),
            Some(("pass", "PASS: 2 of 2 runs passed".to_string()))
        );
    }

    #[test]
    fn a_number_is_never_wrapped_away_from_its_unit() {
        let text = wrap(
            "Users rose from 10 to 50 over the first 5 s of 45 s (11.11 %); steady",
            50,
            "",
            "",
        );
        assert!(text.contains("(11.11 %)"), "{text}");
        assert!(!text.contains(NBSP));
    }

    #[test]
    fn names_from_input_files_are_flattened_to_one_line() {
        assert_eq!(
            flat("Message: no such element\n  (Session info: chrome=120)\r\n\tat x"),
            "Message: no such element (Session info: chrome=120) at x"
        );
    }

    #[test]
    fn warnings_wrap_with_a_hanging_indent_and_keep_long_tokens_whole() {
        let long = format!(
            "{} [short-run] The steady state lasted 42 s, under the SLA's minimum of 1 min, see https://example.invalid/{} for why.",
            paint(UNSURE, "WARNING"),
            "x".repeat(90)
        );
        let text = wrap(&long, 60, "  ", "      ");
        let plain = anstream::adapter::strip_str(&text).to_string();
        let lines: Vec<&str> = plain.lines().collect();
        assert!(
            lines[0].starts_with("  WARNING [short-run] The steady"),
            "{plain}"
        );
        assert!(lines.len() >= 3);
        for l in &lines[1..] {
            assert!(
                l.starts_with("      ") && !l.starts_with("       "),
                "{l:?}"
            );
        }
        for l in &lines {
            let cols = l.chars().count();
            assert!(cols <= 60 || !l.trim().contains(' '), "{cols}: {l:?}");
        }
        assert!(lines.iter().any(|l| l.trim().ends_with(&"x".repeat(90))));
    }
}
