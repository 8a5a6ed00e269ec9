//! The SLA file (TOML) as written, and its validation into an [`Sla`].
//!
//! Keys are snake_case, as DESIGN.md shows them (`pass_score`, `zero_at`,
//! `[[expected_failure]]`). Unknown keys are errors. Every validation error
//! names the rule and its line.

use super::pattern::Pattern;
use super::target::{quantity, Kind, Metric, Target};
use super::{ExpectedFailure, Rule, Scope, Scoring, Sla};
use crate::error::{position_of, SlaFileError};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The SLA used when `--sla` is not given (also shipped as `sla/default.toml`).
pub const DEFAULT_SLA: &str = include_str!("../../sla/default.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SlaFile {
    name: Option<String>,
    description: Option<String>,
    pass_score: Option<Spanned<f64>>,
    grades: Option<BTreeMap<String, f64>>,
    #[serde(default)]
    rule: Vec<RuleFile>,
    #[serde(default)]
    expected_failure: Vec<ExpectedFailureFile>,
    evidence: Option<Spanned<super::evidence::EvidenceFile>>,
    scenarios: Option<Spanned<BTreeMap<String, String>>>,
    regression: Option<Spanned<super::regression::RegressionFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    id: Option<String>,
    description: Option<String>,
    metric: Spanned<String>,
    target: Spanned<String>,
    weight: Spanned<f64>,
    scope: Option<Spanned<String>>,
    scoring: Option<Spanned<String>>,
    zero_at: Option<Spanned<String>>,
    p10: Option<Spanned<String>>,
    median: Option<Spanned<String>>,
    t: Option<Spanned<String>>,
    #[serde(default)]
    gate: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedFailureFile {
    endpoint: Spanned<String>,
    #[serde(default)]
    status: Vec<u16>,
    error: Option<String>,
    reason: Option<String>,
}

/// Reads and validates the SLA file at `path`.
pub fn load(path: &Path) -> Result<Sla, SlaFileError> {
    let mut sla = load_one(path)?;
    for (scenario, file) in std::mem::take(&mut sla.scenario_files) {
        // Relative to the SLA file first, then to the working directory.
        let beside = path.parent().map(|d| d.join(&file));
        let candidate = match beside {
            Some(b) if b.is_file() => b,
            _ => PathBuf::from(&file),
        };
        let sub = load_one(&candidate).map_err(|e| SlaFileError {
            message: format!("[scenarios] {scenario} = \"{file}\": {}", e.message),
            ..e
        })?;
        if !sub.scenario_files.is_empty() {
            return Err(SlaFileError {
                path: candidate,
                line: None,
                message: "a scenario's SLA file cannot have [scenarios] of its own".into(),
            });
        }
        sla.scenarios.insert(scenario, sub);
    }
    Ok(sla)
}

fn load_one(path: &Path) -> Result<Sla, SlaFileError> {
    let text = std::fs::read_to_string(path).map_err(|e| SlaFileError {
        path: path.to_path_buf(),
        line: None,
        message: format!("cannot read the SLA file: {e}"),
    })?;
    parse(&text, path)
}

/// The embedded default SLA.
pub fn default_sla() -> Sla {
    parse(DEFAULT_SLA, Path::new("<default SLA>")).expect("the embedded default SLA is valid")
}

/// Parses and validates SLA `text`; `path` is used in errors and shown in reports.
pub fn parse(text: &str, path: &Path) -> Result<Sla, SlaFileError> {
    let err = |offset: Option<usize>, message: String| SlaFileError {
        path: path.to_path_buf(),
        line: offset.map(|o| position_of(text, o).line),
        message,
    };
    let raw: SlaFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|s| s.start);
        err(offset, e.message().trim().to_string())
    })?;
    if raw.rule.is_empty() {
        return Err(err(None, "the SLA file has no [[rule]]".into()));
    }
    let mut rules = Vec::with_capacity(raw.rule.len());
    for (i, r) in raw.rule.into_iter().enumerate() {
        let at = r.metric.span().start;
        let id =
            r.id.clone()
                .unwrap_or_else(|| format!("{}#{}", r.metric.get_ref(), i + 1));
        let rule_err = |offset: usize, m: String| err(Some(offset), format!("rule `{id}`: {m}"));
        let apdex_t = match &r.t {
            Some(t) => Some(
                quantity(t.get_ref(), Kind::Latency)
                    .map_err(|m| rule_err(t.span().start, format!("t: {m}")))?,
            ),
            None => None,
        };
        let metric = Metric::parse(r.metric.get_ref(), apdex_t).map_err(|m| rule_err(at, m))?;
        let target = Target::parse(r.target.get_ref(), metric.kind())
            .map_err(|m| rule_err(r.target.span().start, m))?;
        let metric = metric.with_target_unit(&target.text);
        let weight = *r.weight.get_ref();
        if !weight.is_finite() || weight < 0.0 {
            return Err(rule_err(
                r.weight.span().start,
                format!("weight {weight} must be 0 or more"),
            ));
        }
        let scope =
            match &r.scope {
                None => Scope::Total,
                Some(s) => match s.get_ref().trim() {
                    "total" => Scope::Total,
                    "each endpoint" => Scope::EachEndpoint,
                    "" => return Err(rule_err(
                        s.span().start,
                        "scope is empty; use \"total\", \"each endpoint\", an endpoint pattern, \
                         \"each transaction\" or \"transaction NAME\""
                            .into(),
                    )),
                    "each transaction" => Scope::EachTransaction,
                    "transaction" => {
                        return Err(rule_err(
                            s.span().start,
                            "scope \"transaction\" needs a transaction name or pattern \
                         (\"transaction Login\"), or use \"each transaction\""
                                .into(),
                        ))
                    }
                    p => match p.strip_prefix("transaction ") {
                        Some(name) if !name.trim().is_empty() => {
                            Scope::Transactions(Pattern::new(name.trim()))
                        }
                        _ => Scope::Endpoints(Pattern::new(p)),
                    },
                },
            };
        let value_of =
            |field: &Option<Spanned<String>>, name: &str| -> Result<Option<f64>, SlaFileError> {
                match field {
                    None => Ok(None),
                    Some(s) => quantity(s.get_ref(), metric.kind())
                        .map(Some)
                        .map_err(|m| rule_err(s.span().start, format!("{name}: {m}"))),
                }
            };
        let scoring_at = r.scoring.as_ref().map_or(at, |s| s.span().start);
        let scoring = match r.scoring.as_ref().map(|s| s.get_ref().trim()) {
            None | Some("step") => Scoring::Step,
            Some("linear") => {
                let zero_at = value_of(&r.zero_at, "zero_at")?.ok_or_else(|| {
                    rule_err(
                        scoring_at,
                        "scoring = \"linear\" needs zero_at (where credit reaches 0)".into(),
                    )
                })?;
                let beyond = if target.op.lower_is_better() {
                    zero_at > target.value
                } else {
                    zero_at < target.value
                };
                if !beyond {
                    return Err(rule_err(
                        scoring_at,
                        format!(
                            "zero_at must lie beyond the target, on the failing side of `{}`",
                            target.text
                        ),
                    ));
                }
                Scoring::Linear { zero_at }
            }
            Some("lognormal") => {
                let p10 = value_of(&r.p10, "p10")?;
                let median = value_of(&r.median, "median")?;
                let (Some(p10), Some(median)) = (p10, median) else {
                    return Err(rule_err(
                        scoring_at,
                        "scoring = \"lognormal\" needs p10 (credit 0.9) and median (credit 0.5)"
                            .into(),
                    ));
                };
                let ordered = if target.op.lower_is_better() {
                    p10 < median
                } else {
                    p10 > median
                };
                if !ordered || p10 <= 0.0 || median <= 0.0 {
                    return Err(rule_err(
                        scoring_at,
                        "lognormal: p10 must be a better value than median, both above 0".into(),
                    ));
                }
                Scoring::LogNormal { p10, median }
            }
            Some(other) => {
                return Err(rule_err(
                    scoring_at,
                    format!("unknown scoring `{other}`; use step, linear or lognormal"),
                ))
            }
        };
        if !matches!(scoring, Scoring::Linear { .. }) {
            if let Some(z) = &r.zero_at {
                return Err(rule_err(
                    z.span().start,
                    "zero_at is only used with scoring = \"linear\"".into(),
                ));
            }
        }
        if rules.iter().any(|x: &Rule| x.id == id) {
            return Err(rule_err(at, "another rule has the same id".into()));
        }
        rules.push(Rule {
            id,
            description: r.description,
            metric,
            target,
            weight,
            scope,
            scoring,
            gate: r.gate,
            line: position_of(text, at).line,
        });
    }
    if rules.iter().map(|r| r.weight).sum::<f64>() <= 0.0 {
        let list = rules
            .iter()
            .map(|r| format!("`{}` (line {})", r.id, r.line))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(err(
            None,
            format!("the rules' weights add up to 0, so no score can be computed: {list}"),
        ));
    }
    let mut expected_failures = Vec::new();
    for e in raw.expected_failure {
        let at = e.endpoint.span().start;
        if e.error.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return Err(err(
                Some(at),
                format!(
                    "expected_failure for `{}`: error = \"\" would match every failure; give the text the error contains",
                    e.endpoint.get_ref()
                ),
            ));
        }
        if e.status.is_empty() && e.error.is_none() {
            return Err(err(Some(at), format!(
                "expected_failure for `{}` needs status = [...] or error = \"...\": excusing every failure of an endpoint would hide real ones",
                e.endpoint.get_ref()
            )));
        }
        if let Some(s) = e.status.iter().find(|s| !(100..600).contains(*s)) {
            return Err(err(
                Some(at),
                format!("expected_failure: {s} is not an HTTP status"),
            ));
        }
        expected_failures.push(ExpectedFailure {
            endpoint: Pattern::new(e.endpoint.get_ref()),
            status: e.status,
            error: e.error,
            reason: e.reason,
            line: position_of(text, at).line,
        });
    }
    let mut grades: Vec<(String, f64)> = raw
        .grades
        .unwrap_or_else(|| {
            BTreeMap::from([
                ("EXCELLENT".into(), 90.0),
                ("GOOD".into(), 70.0),
                ("FAIR".into(), 50.0),
            ])
        })
        .into_iter()
        .collect();
    grades.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let pass_score = raw.pass_score.as_ref().map_or(70.0, |p| *p.get_ref());
    if !(0.0..=100.0).contains(&pass_score) {
        let at = raw.pass_score.as_ref().map(|p| p.span().start);
        return Err(err(
            at,
            format!("pass_score {pass_score} must be between 0 and 100"),
        ));
    }
    let evidence = match raw.evidence {
        Some(e) => {
            let at = e.span().start;
            super::evidence::Evidence::from_file(e.into_inner()).map_err(|m| err(Some(at), m))?
        }
        None => super::evidence::Evidence::default(),
    };
    let scenario_files = raw.scenarios.map(|s| s.into_inner()).unwrap_or_default();
    let regression = match raw.regression {
        Some(r) => {
            let at = r.span().start;
            super::regression::Regression::from_file(r.into_inner())
                .map_err(|m| err(Some(at), m))?
        }
        None => super::regression::Regression::default(),
    };
    Ok(Sla {
        scenario_files,
        scenarios: BTreeMap::new(),
        evidence,
        regression,
        name: raw.name.unwrap_or_else(|| "SLA".to_string()),
        description: raw.description,
        source: PathBuf::from(path),
        pass_score,
        grades,
        rules,
        expected_failures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_err(text: &str) -> String {
        parse(text, Path::new("t.toml")).unwrap_err().to_string()
    }

    #[test]
    fn the_default_sla_is_the_one_design_md_describes() {
        let sla = default_sla();
        let summary: Vec<_> = sla
            .rules
            .iter()
            .map(|r| (r.metric.to_string(), r.target.text.clone(), r.weight))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("p95".into(), "< 50ms".into(), 40.0),
                ("error_rate".into(), "< 1%".into(), 30.0),
                ("throughput".into(), ">= 10/s".into(), 20.0),
                ("consistency".into(), "< 2.0".into(), 10.0),
            ]
        );
        assert!(sla.rules.iter().all(|r| r.scoring == Scoring::Step));
        assert_eq!(
            sla.grades.iter().map(|g| g.1).collect::<Vec<_>>(),
            vec![90.0, 70.0, 50.0]
        );
    }

    #[test]
    fn an_unknown_metric_names_the_rule_and_line() {
        let e = parse_err("name = \"x\"\n\n[[rule]]\nid = \"lat\"\nmetric = \"p9x\"\ntarget = \"< 5ms\"\nweight = 1\n");
        assert!(
            e.contains("t.toml: line 5: rule `lat`: unknown metric `p9x`"),
            "{e}"
        );
    }

    #[test]
    fn a_malformed_target_names_the_rule_and_line() {
        let e = parse_err(
            "[[rule]]\nid = \"err\"\nmetric = \"error_rate\"\ntarget = \"1%\"\nweight = 1\n",
        );
        assert!(
            e.contains("line 4: rule `err`: target `1%` must start with"),
            "{e}"
        );
    }

    #[test]
    fn a_zero_total_weight_is_an_error_naming_the_rules() {
        let e =
            parse_err("[[rule]]\nid = \"a\"\nmetric = \"p95\"\ntarget = \"< 5ms\"\nweight = 0\n");
        assert!(
            e.contains("weights add up to 0") && e.contains("`a` (line 3)"),
            "{e}"
        );
    }

    #[test]
    fn transaction_scopes_are_read_and_a_bare_one_is_refused() {
        let rule = |scope: &str| {
            format!(
                "[[rule]]\nmetric = \"p95\"\ntarget = \"< 5ms\"\nweight = 1\nscope = \"{scope}\"\n"
            )
        };
        let sla = parse(&rule("transaction Login"), Path::new("t.toml")).unwrap();
        assert_eq!(
            sla.rules[0].scope,
            Scope::Transactions(Pattern::new("Login"))
        );
        assert_eq!(sla.rules[0].scope.to_string(), "transaction Login");
        let sla = parse(&rule("each transaction"), Path::new("t.toml")).unwrap();
        assert_eq!(sla.rules[0].scope, Scope::EachTransaction);
        let e = parse_err(&rule("transaction"));
        assert!(
            e.contains("line 5") && e.contains("needs a transaction name"),
            "{e}"
        );
        let e = parse_err(&rule("transaction  "));
        assert!(e.contains("needs a transaction name"), "{e}");
    }

    #[test]
    fn unknown_keys_are_rejected_with_their_line() {
        let e =
            parse_err("[[rule]]\nmetric = \"p95\"\ntarget = \"< 5ms\"\nweight = 1\nwieght = 2\n");
        assert!(e.contains("line 5") && e.contains("wieght"), "{e}");
    }

    #[test]
    fn expected_failures_must_say_which_failures() {
        let e = parse_err("[[rule]]\nmetric = \"p95\"\ntarget = \"< 5ms\"\nweight = 1\n[[expected_failure]]\nendpoint = \"GET /x\"\n");
        assert!(e.contains("line 6") && e.contains("needs status"), "{e}");
    }

    #[test]
    fn the_regression_table_is_read_and_errors_name_its_line() {
        let base = "[[rule]]\nmetric = \"p95\"\ntarget = \"< 5ms\"\nweight = 1\n";
        let sla = parse(
            &format!("{base}[regression]\np99 = \"+20%\"\nsignificance = 0.05\n"),
            Path::new("t.toml"),
        )
        .unwrap();
        assert_eq!(
            sla.regression.p99,
            Some(super::super::regression::Growth::Relative(0.2))
        );
        assert_eq!(sla.regression.significance, 0.05);
        let e = parse_err(&format!("{base}[regression]\np95 = \"10%\"\n"));
        assert!(e.contains("t.toml: line 5") && e.contains("p95"), "{e}");
        let e = parse_err(&format!("{base}[regression]\np90 = \"+10%\"\n"));
        assert!(e.contains("p90"), "{e}");
    }

    #[test]
    fn scoring_parameters_are_checked() {
        let base = "[[rule]]\nid = \"l\"\nmetric = \"p95\"\ntarget = \"< 50ms\"\nweight = 1\n";
        assert!(parse_err(&format!("{base}scoring = \"linear\"\n")).contains("needs zero_at"));
        assert!(
            parse_err(&format!("{base}scoring = \"linear\"\nzero_at = \"40ms\"\n"))
                .contains("beyond the target")
        );
        assert!(parse_err(&format!(
            "{base}scoring = \"lognormal\"\np10 = \"80ms\"\nmedian = \"60ms\"\n"
        ))
        .contains("p10 must be a better value"));
        assert!(parse_err(&format!("{base}scoring = \"cubic\"\n")).contains("unknown scoring"));
        let ok = parse(
            &format!("{base}scoring = \"lognormal\"\np10 = \"30ms\"\nmedian = \"60ms\"\n"),
            Path::new("t"),
        )
        .unwrap();
        assert_eq!(
            ok.rules[0].scoring,
            Scoring::LogNormal {
                p10: 30.0,
                median: 60.0
            }
        );
    }
}
