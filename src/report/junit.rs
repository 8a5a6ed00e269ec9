//! `junit.xml` for CI test reporters (GitHub, GitLab, Jenkins): one test
//! suite per run with one test case per SLA rule (failure when it fails,
//! skipped when inconclusive), and one suite per compared pair of runs with
//! one test case per regression check (failure when it regressed, skipped
//! when inconclusive). Metrics without a regression threshold are not checks.

use super::Report;
use crate::compare::verdict::Verdict;
use std::fmt::Write;

struct Case {
    classname: String,
    name: String,
    outcome: Outcome,
    detail: String,
}

enum Outcome {
    Pass,
    Fail(String),
    Skip(String),
}

struct Suite {
    name: String,
    cases: Vec<Case>,
}

/// `text` escaped for XML, with the characters XML 1.0 forbids (C0
/// controls other than tab, newline and carriage return; U+FFFE, U+FFFF)
/// replaced by U+FFFD, so any name an input holds leaves the file well-formed.
fn xml(text: &str) -> String {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
    };
    if text.chars().all(allowed) {
        return quick_xml::escape::escape(text).into_owned();
    }
    let clean: String = text
        .chars()
        .map(|c| if allowed(c) { c } else { '\u{FFFD}' })
        .collect();
    quick_xml::escape::escape(clean.as_str()).into_owned()
}

/// Renders `junit.xml`.
pub fn render(report: &Report) -> anyhow::Result<Vec<u8>> {
    let mut suites = Vec::new();
    for run in &report.view.runs {
        // The run's verdict is a case of its own: a failed evidence gate, a
        // failed gate or a simulated run fails it even when every rule passes;
        // an INCONCLUSIVE run is skipped with its reason, neither passed nor failed.
        let verdict = Case {
            classname: format!("perfreport.sla.{}", run.name),
            name: format!("verdict: {}", run.verdict.label),
            outcome: match run.verdict.class.as_str() {
                "pass" => Outcome::Pass,
                "inconclusive" => {
                    Outcome::Skip(format!("{}: {}", run.verdict.label, run.verdict.reason))
                }
                _ => Outcome::Fail(format!("{}: {}", run.verdict.label, run.verdict.reason)),
            },
            detail: format!(
                "score {} ({}): {}",
                run.verdict.score, run.verdict.grade, run.verdict.reason
            ),
        };
        let cases = std::iter::once(verdict)
            .chain(run.rules.iter().map(|r| {
                let mut measured = if r.measured_at.is_empty() {
                    r.measured.clone()
                } else {
                    format!("{} ({})", r.measured, r.measured_at)
                };
                if !r.unscored.is_empty() {
                    measured = format!("{measured}, {}", r.unscored);
                }
                let detail = format!(
                    "{} {}: measured {measured}, {} points{}",
                    r.metric,
                    r.target,
                    r.points,
                    if r.note.is_empty() {
                        String::new()
                    } else {
                        format!("; {}", r.note)
                    }
                );
                Case {
                    classname: format!("perfreport.sla.{}", run.name),
                    name: format!("{}: {} {}", r.id, r.metric, r.target),
                    outcome: match r.class.as_str() {
                        "pass" => Outcome::Pass,
                        "fail" => {
                            Outcome::Fail(format!("{} {}: measured {measured}", r.metric, r.target))
                        }
                        _ => Outcome::Skip(if r.settle.is_empty() {
                            "INCONCLUSIVE".to_string()
                        } else {
                            format!("INCONCLUSIVE: {}", r.settle)
                        }),
                    },
                    detail,
                }
            }))
            .collect();
        suites.push(Suite {
            name: format!("SLA {}: {}", report.view.sla.name, run.name),
            cases,
        });
    }
    if let Some(c) = &report.comparison {
        for run in &c.runs {
            let title = if run.baseline == run.current {
                run.current.clone()
            } else {
                format!("{} → {}", run.baseline, run.current)
            };
            let mut cases = Vec::new();
            for row in &run.rows {
                for k in &row.checks {
                    let Some(v) = k.verdict else { continue };
                    cases.push(Case {
                        classname: format!("perfreport.regression.{}", run.current),
                        name: format!(
                            "{} {} {}",
                            row.label,
                            k.metric.label(),
                            k.threshold.as_deref().unwrap_or_default()
                        ),
                        outcome: match v {
                            Verdict::Regressed => Outcome::Fail(k.sentence.clone()),
                            Verdict::Inconclusive => Outcome::Skip(k.sentence.clone()),
                            Verdict::Improved | Verdict::WithinNoise => Outcome::Pass,
                        },
                        detail: k.sentence.clone(),
                    });
                }
            }
            suites.push(Suite {
                name: format!(
                    "Regression against {}: {title}",
                    super::format::display_path(&c.baseline.path)
                ),
                cases,
            });
        }
    }
    let count =
        |s: &Suite, f: fn(&Outcome) -> bool| s.cases.iter().filter(|c| f(&c.outcome)).count();
    let is_fail = |o: &Outcome| matches!(o, Outcome::Fail(_));
    let is_skip = |o: &Outcome| matches!(o, Outcome::Skip(_));
    let (tests, failures, skipped) = suites.iter().fold((0, 0, 0), |acc, s| {
        (
            acc.0 + s.cases.len(),
            acc.1 + count(s, is_fail),
            acc.2 + count(s, is_skip),
        )
    });
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    writeln!(
        out,
        "<testsuites name=\"perfreport\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">"
    )?;
    for s in &suites {
        writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
            xml(s.name.as_str()),
            s.cases.len(),
            count(s, is_fail),
            count(s, is_skip)
        )?;
        for c in &s.cases {
            write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"0\">",
                xml(c.classname.as_str()),
                xml(c.name.as_str())
            )?;
            match &c.outcome {
                Outcome::Pass => {}
                Outcome::Fail(m) => write!(
                    out,
                    "<failure message=\"{}\" type=\"perfreport\">{}</failure>",
                    xml(m.as_str()),
                    xml(c.detail.as_str())
                )?,
                Outcome::Skip(m) => write!(out, "<skipped message=\"{}\"/>", xml(m.as_str()))?,
            }
            writeln!(
                out,
                "<system-out>{}</system-out></testcase>",
                xml(c.detail.as_str())
            )?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")?;
    Ok(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_xml_forbids_is_replaced_and_the_rest_escaped() {
        let all: String = (0u32..0x80)
            .chain([0xFFFE, 0xFFFF, 0xFFFD, 0x1F600])
            .filter_map(char::from_u32)
            .collect();
        let out = xml(&all);
        for c in out.chars() {
            let ok = matches!(c, '\t' | '\n' | '\r')
                || (' '..='\u{D7FF}').contains(&c)
                || ('\u{E000}'..='\u{FFFD}').contains(&c)
                || c >= '\u{10000}';
            assert!(ok, "U+{:04X} left in {out:?}", c as u32);
        }
        // 29 C0 controls plus U+FFFE and U+FFFF.
        assert_eq!(out.matches('\u{FFFD}').count(), 29 + 2 + 1);
        assert!(out.contains("&lt;") && out.contains("&amp;") && out.contains("&quot;"));
        assert_eq!(xml("plain /v1/items"), "plain /v1/items");
    }
}
