//! `--baseline history:DB[:scenario]`: the run of the same scenario to
//! compare with, picked from the history, with the reason it was picked.
//!
//! The rule: the newest measured (not simulated) run of the scenario whose
//! verdict is `pass`; when the current branch is known and the history holds
//! such a run on that branch, the newest on that branch.

use super::{Query, Store, StoredRun};

/// A `history:` baseline as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    /// The history's location.
    pub db: String,
    /// `:scenario`: compare every current run with this scenario's run.
    pub scenario: Option<String>,
}

/// Reads `history:DB[:scenario]`; `None` when `text` is not a history baseline.
pub fn parse_spec(text: &str) -> Option<Spec> {
    let rest = text.strip_prefix("history:")?;
    // A scenario after the last ':' unless what follows looks like part of a path.
    match rest.rsplit_once(':') {
        Some((db, scenario))
            if !db.is_empty() && !scenario.is_empty() && !scenario.contains(['/', '\\']) =>
        {
            Some(Spec {
                db: db.to_string(),
                scenario: Some(scenario.to_string()),
            })
        }
        _ => Some(Spec {
            db: rest.to_string(),
            scenario: None,
        }),
    }
}

/// The run picked for `scenario`, and why, or why none could be.
pub fn pick(
    store: &mut dyn Store,
    scenario: &str,
    branch: Option<&str>,
) -> anyhow::Result<Result<(StoredRun, String), String>> {
    let runs = store.runs(&Query {
        scenario: Some(scenario.to_string()),
        endpoints: false,
        ..Query::default()
    })?;
    let passing: Vec<&StoredRun> = runs
        .iter()
        .filter(|r| !r.run.simulated && r.run.verdict.as_deref() == Some("pass"))
        .collect();
    let on_branch = branch.and_then(|b| {
        passing
            .iter()
            .rev()
            .find(|r| r.run.provenance.branch.as_deref() == Some(b))
    });
    let describe = |r: &StoredRun| {
        let p = &r.run.provenance;
        let mut what = format!("run #{}", r.id);
        if let Some(l) = &p.label {
            what.push_str(&format!(" {l}"));
        }
        if let Some(c) = &p.commit {
            what.push_str(&format!(" ({})", c.chars().take(8).collect::<String>()));
        }
        format!(
            "{what} of {}",
            r.run
                .run_at
                .get(..16)
                .unwrap_or(&r.run.run_at)
                .replace('T', " ")
        )
    };
    Ok(match (on_branch, passing.last(), branch) {
        (Some(r), _, Some(b)) => Ok((
            (*r).clone(),
            format!(
                "{}: the last passing run of scenario {scenario} on branch {b}",
                describe(r)
            ),
        )),
        (None, Some(r), Some(b)) => Ok((
            (*r).clone(),
            format!(
                "{}: the last passing run of scenario {scenario} (none passed on branch {b})",
                describe(r)
            ),
        )),
        (_, Some(r), _) => Ok((
            (*r).clone(),
            format!(
                "{}: the last passing run of scenario {scenario} (branch not known)",
                describe(r)
            ),
        )),
        (_, None, _) => Err(format!(
            "no passing measured run of scenario {scenario} in the history ({} run{} recorded)",
            runs.len(),
            if runs.len() == 1 { "" } else { "s" }
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::sqlite::SqliteStore;
    use crate::history::tests::summary;
    use crate::history::{records_from_summary, Provenance};
    use std::path::Path;

    #[test]
    fn specs_parse_with_and_without_a_scenario() {
        assert_eq!(parse_spec("report/summary.json"), None);
        assert_eq!(
            parse_spec("history:perf.db"),
            Some(Spec {
                db: "perf.db".into(),
                scenario: None
            })
        );
        assert_eq!(
            parse_spec("history:ci/perf.db:peak"),
            Some(Spec {
                db: "ci/perf.db".into(),
                scenario: Some("peak".into())
            })
        );
        assert_eq!(
            parse_spec("history:C:\\h\\perf.db"),
            Some(Spec {
                db: "C:\\h\\perf.db".into(),
                scenario: None
            })
        );
    }

    #[test]
    fn the_last_passing_run_on_the_branch_is_picked_and_the_reason_given() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SqliteStore::open(&dir.path().join("h.db"), true).unwrap();
        let rec = |p95: f64, passed: bool, branch: &str, d: &str, at: &str, simulated: bool| {
            let p = Provenance {
                label: Some(d.to_string()),
                branch: Some(branch.to_string()),
                ..Provenance::default()
            };
            let mut r = records_from_summary(
                &summary(&[("peak", p95, passed, d)]),
                Path::new("s"),
                &p,
                at,
            )
            .unwrap();
            r[0].simulated = simulated;
            r
        };
        s.record(&rec(
            10.0,
            true,
            "main",
            "m1",
            "2026-01-01T00:00:00+00:00",
            false,
        ))
        .unwrap();
        s.record(&rec(
            11.0,
            true,
            "feature",
            "f1",
            "2026-01-02T00:00:00+00:00",
            false,
        ))
        .unwrap();
        s.record(&rec(
            12.0,
            false,
            "main",
            "m2",
            "2026-01-03T00:00:00+00:00",
            false,
        ))
        .unwrap();
        s.record(&rec(
            13.0,
            true,
            "main",
            "m3",
            "2026-01-04T00:00:00+00:00",
            true,
        ))
        .unwrap();
        let (r, why) = pick(&mut s, "peak", Some("main")).unwrap().unwrap();
        assert_eq!(r.run.provenance.label.as_deref(), Some("m1"));
        assert!(
            why.contains("run #1 m1") && why.contains("on branch main"),
            "{why}"
        );
        let (r, why) = pick(&mut s, "peak", Some("release")).unwrap().unwrap();
        assert_eq!(r.run.provenance.label.as_deref(), Some("f1"));
        assert!(why.contains("none passed on branch release"), "{why}");
        let (r, _) = pick(&mut s, "peak", None).unwrap().unwrap();
        assert_eq!(r.run.provenance.label.as_deref(), Some("f1"));
        let why = pick(&mut s, "soak", None).unwrap().unwrap_err();
        assert!(
            why.contains("no passing measured run of scenario soak"),
            "{why}"
        );
    }
}
