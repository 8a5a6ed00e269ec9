//! The store tests every backend passes: the same suite runs on SQLite and,
//! when `PERFREPORT_TEST_POSTGRES_URL` is set, on a real PostgreSQL server.

use super::tests::summary;
use super::{records_from_summary, Provenance, Prune, Query, Recorded, RunRecord, Store};
use std::path::Path;

/// Opens a store on the same (initially empty) database each time it is called.
pub(crate) type Opener = dyn Fn() -> Box<dyn Store> + Send + Sync;

fn records(runs: &[(&str, f64, bool, &str)], at: &str) -> Vec<RunRecord> {
    records_from_summary(
        &summary(runs),
        Path::new("s.json"),
        &Provenance::default(),
        at,
    )
    .unwrap()
}

/// Record, record again (no duplicate), read back whole with and without histograms.
pub(crate) fn round_trip(open: &Opener) {
    let mut s = open();
    let mut r = records(&[("peak", 42.0, true, "d1")], "2026-01-01T00:00:00+00:00");
    r[0].totals.histogram = Some(vec![1, 2, 3]);
    r[0].endpoints[0].histogram = Some(vec![4, 5]);
    r[0].provenance.label = Some("v1".into());
    let first = s.record(&r).unwrap();
    let [Recorded::New(id)] = first[..] else {
        panic!("{first:?}")
    };
    assert_eq!(s.record(&r).unwrap(), vec![Recorded::Duplicate(id)]);
    drop(s);
    let mut s = open();
    let back = s
        .runs(&Query {
            endpoints: true,
            histograms: true,
            ..Query::default()
        })
        .unwrap();
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].run, r[0]);
    let light = s
        .runs(&Query {
            endpoints: true,
            ..Query::default()
        })
        .unwrap();
    assert_eq!(light[0].run.totals.histogram, None);
    assert_eq!(light[0].run.endpoints[0].p95_ms, Some(42.0));
    let one = s
        .runs(&Query {
            id: Some(id),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(one.len(), 1);
}

/// `--last`, `--scenario` and both kinds of pruning, leaving no orphan rows.
pub(crate) fn last_scenario_and_prune(open: &Opener) {
    let mut s = open();
    for i in 0..5 {
        let at = format!("2026-01-0{}T00:00:00+00:00", i + 1);
        s.record(&records(
            &[
                ("peak", i as f64, true, &format!("p{i}")),
                ("soak", i as f64, true, &format!("s{i}")),
            ],
            &at,
        ))
        .unwrap();
    }
    let last2 = s
        .runs(&Query {
            last: Some(2),
            ..Query::default()
        })
        .unwrap();
    let got: Vec<(String, Option<f64>)> = last2
        .iter()
        .map(|r| (r.run.scenario.clone(), r.run.totals.p95_ms))
        .collect();
    assert_eq!(
        got,
        vec![
            ("peak".into(), Some(3.0)),
            ("peak".into(), Some(4.0)),
            ("soak".into(), Some(3.0)),
            ("soak".into(), Some(4.0))
        ]
    );
    let soak = s
        .runs(&Query {
            scenario: Some("soak".into()),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(soak.len(), 5);
    assert_eq!(
        s.prune(&Prune {
            keep: Some(3),
            before: None
        })
        .unwrap(),
        4
    );
    assert_eq!(
        s.prune(&Prune {
            keep: None,
            before: Some("2026-01-04T00:00:00+00:00".into())
        })
        .unwrap(),
        2
    );
    let left = s
        .runs(&Query {
            endpoints: true,
            ..Query::default()
        })
        .unwrap();
    assert_eq!(left.len(), 4);
    assert!(left.iter().all(|r| r.run.run_at.as_str() >= "2026-01-04"));
    assert!(left
        .iter()
        .all(|r| r.run.endpoints.len() == 1 && r.run.warnings.len() == 1));
}

/// Two writers recording at once: every run lands.
pub(crate) fn concurrent_recordings(open: &'static Opener) {
    let handles: Vec<_> = (0..2)
        .map(|job| {
            std::thread::spawn(move || {
                let mut s = open();
                for i in 0..20 {
                    let d = format!("job{job}-{i}");
                    s.record(&records(
                        &[("peak", i as f64, true, &d)],
                        "2026-01-01T00:00:00+00:00",
                    ))
                    .unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(open().runs(&Query::default()).unwrap().len(), 40);
}

mod on_postgres {
    use super::*;
    use crate::history::postgresql::PostgresStore;

    /// A fresh database on the test server, or `None` (said loudly) without one.
    fn fresh(test: &str) -> Option<(&'static Opener, String)> {
        let Ok(url) = std::env::var("PERFREPORT_TEST_POSTGRES_URL") else {
            eprintln!(
                "SKIPPED {test} on PostgreSQL: PERFREPORT_TEST_POSTGRES_URL is not set (.ci/run sets it; see README, Development)"
            );
            return None;
        };
        let name = format!(
            "perfreport_{test}_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() % 1_000_000_000)
        );
        let mut admin = postgres::Client::connect(&url, postgres::NoTls).expect("test server");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create a test database");
        let (base, _) = url.rsplit_once('/').expect("URL with a database");
        let db_url = format!("{base}/{name}");
        let url_for_opener = db_url.clone();
        let open: Box<Opener> = Box::new(move || {
            Box::new(PostgresStore::open(&url_for_opener).expect("open")) as Box<dyn Store>
        });
        Some((Box::leak(open), db_url))
    }

    #[test]
    fn round_trip_on_postgres() {
        if let Some((open, _)) = fresh("round_trip") {
            round_trip(open);
        }
    }

    #[test]
    fn last_scenario_and_prune_on_postgres() {
        if let Some((open, _)) = fresh("prune") {
            last_scenario_and_prune(open);
        }
    }

    #[test]
    fn concurrent_recordings_on_postgres() {
        if let Some((open, _)) = fresh("concurrent") {
            concurrent_recordings(open);
        }
    }

    #[test]
    fn a_newer_schema_is_refused_on_postgres() {
        let Some((open, url)) = fresh("newer") else {
            return;
        };
        drop(open());
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.execute("INSERT INTO schema_version (version) VALUES (99)", &[])
            .unwrap();
        let e = PostgresStore::open(&url).unwrap_err().to_string();
        assert!(
            e.contains("newer perfreport") && e.contains("v99") && e.contains("not changed"),
            "{e}"
        );
        let tables: i64 = c
            .query_one("SELECT count(*) FROM runs", &[])
            .unwrap()
            .get(0);
        assert_eq!(tables, 0);
    }
}
