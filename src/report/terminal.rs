//! The short verdict table printed after a build.

use super::Report;
use std::fmt::Write;
use std::path::Path;

/// The verdict table for the terminal, plain text.
pub fn render(report: &Report, output: &Path) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", report.view.overall.line);
    for run in &report.view.runs {
        let _ = writeln!(
            out,
            "{}: {}  score {}/100 ({})",
            run.name, run.verdict.label, run.verdict.score, run.verdict.grade
        );
        let _ = writeln!(out, "  {}", run.verdict.reason);
        let _ = writeln!(
            out,
            "  {:<16} {:<10} {:<26} {:>9}  status",
            "rule", "target", "measured", "points"
        );
        for r in &run.rules {
            let mut measured = if r.measured_at.is_empty() {
                r.measured.clone()
            } else {
                format!("{} ({})", r.measured, r.measured_at)
            };
            if !r.unscored.is_empty() {
                measured = format!("{measured}, {}", r.unscored);
            }
            let _ = writeln!(
                out,
                "  {:<16} {:<10} {:<26} {:>9}  {}{}",
                clip(&r.id, 16),
                r.target,
                clip(&measured, 26),
                r.points,
                r.status,
                if r.gate { " (gate)" } else { "" }
            );
        }
        for w in &run.warnings {
            let _ = writeln!(
                out,
                "  {} [{}] {}",
                w.severity.to_uppercase(),
                w.code,
                w.message
            );
        }
    }
    if let Some(c) = &report.view.comparison {
        let _ = writeln!(out, "{} {}", c.label, c.lead);
        for r in &c.regressions {
            let _ = writeln!(out, "  REGRESSED {r}");
        }
        if c.regressed {
            let _ = writeln!(
                out,
                "  {} holds an issue body: gh issue create --body-file {}",
                super::REGRESSION_MD,
                output.join(super::REGRESSION_MD).display()
            );
        }
    }
    let _ = writeln!(out, "Report written to {}", output.display());
    out
}

fn clip(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let head: String = s.chars().take(width - 1).collect();
        format!("{head}…")
    }
}
