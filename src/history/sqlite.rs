//! The SQLite store (rusqlite, SQLite bundled): the embedded default.
//!
//! WAL journal and a busy timeout let two CI jobs record into one file at
//! once; each recording is one `IMMEDIATE` transaction, so it lands whole
//! or not at all. Migrations are numbered; `schema_version` holds the
//! highest applied. A file from a newer perfreport is refused untouched.

use super::{Figures, Prune, Query, Recorded, RunRecord, Store, StoredRun, SCHEMA_VERSION};
use anyhow::Context;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The migrations, in order: `MIGRATIONS[i]` takes the schema from version
/// `i` to `i + 1`. Column meanings are documented in the README ("History").
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE runs (
    id             INTEGER PRIMARY KEY,
    digest         TEXT NOT NULL UNIQUE,
    run_at         TEXT NOT NULL,
    recorded_at    TEXT NOT NULL,
    started_at     TEXT,
    label          TEXT,
    commit_sha     TEXT,
    branch         TEXT,
    report_path    TEXT,
    scenario       TEXT NOT NULL,
    name           TEXT NOT NULL,
    tool           TEXT NOT NULL,
    users          INTEGER,
    sla            TEXT,
    verdict        TEXT,
    score          REAL,
    pass_score     REAL,
    simulated      INTEGER NOT NULL,
    duration_s     REAL,
    requests       INTEGER,
    failures       INTEGER,
    error_rate     REAL,
    throughput_rps REAL,
    p50_ms REAL, p90_ms REAL, p95_ms REAL, p99_ms REAL,
    min_ms REAL, avg_ms REAL, max_ms REAL,
    histogram      BLOB,
    summary_json   TEXT NOT NULL
);
CREATE INDEX runs_by_scenario ON runs (scenario, run_at, id);
CREATE TABLE endpoints (
    run_id         INTEGER NOT NULL REFERENCES runs (id),
    position       INTEGER NOT NULL,
    method         TEXT NOT NULL,
    name           TEXT NOT NULL,
    requests       INTEGER,
    failures       INTEGER,
    error_rate     REAL,
    throughput_rps REAL,
    p50_ms REAL, p90_ms REAL, p95_ms REAL, p99_ms REAL,
    min_ms REAL, avg_ms REAL, max_ms REAL,
    histogram      BLOB,
    PRIMARY KEY (run_id, position)
);
CREATE TABLE warnings (
    run_id   INTEGER NOT NULL REFERENCES runs (id),
    code     TEXT NOT NULL,
    severity TEXT NOT NULL,
    message  TEXT NOT NULL
);
CREATE INDEX warnings_by_run ON warnings (run_id);
CREATE TABLE inputs (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    path   TEXT NOT NULL,
    blake3 TEXT
);
CREATE INDEX inputs_by_run ON inputs (run_id);
"#];

/// A history in one SQLite file.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens (with `create`, creates) the history at `path` and brings its
    /// schema up to date. A newer schema is an error; the file is untouched.
    pub fn open(path: &Path, create: bool) -> anyhow::Result<SqliteStore> {
        if !create && !path.is_file() {
            anyhow::bail!(
                "{}: no such history file (record one with `perfreport build … --history {}`)",
                path.display(),
                path.display()
            );
        }
        let conn = Connection::open(path)
            .with_context(|| format!("{}: cannot open the history", path.display()))?;
        let named = |e: rusqlite::Error| anyhow::anyhow!("{}: {e}", path.display());
        conn.busy_timeout(Duration::from_secs(30)).map_err(named)?;
        let mut store = SqliteStore {
            conn,
            path: path.to_path_buf(),
        };
        store.migrate()?;
        Ok(store)
    }

    fn err(&self, what: &str) -> impl Fn(rusqlite::Error) -> anyhow::Error + '_ {
        let what = what.to_string();
        move |e| anyhow::anyhow!("{}: {what}: {e}", self.path.display())
    }

    /// The schema version the file holds (0: empty).
    fn version(&self) -> anyhow::Result<i64> {
        let has_table: bool = self
            .conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n > 0)
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == rusqlite::ErrorCode::NotADatabase =>
                {
                    anyhow::anyhow!("{}: not a perfreport history (not a SQLite file)", self.path.display())
                }
                e => anyhow::anyhow!("{}: cannot read the history: {e}", self.path.display()),
            })?;
        if !has_table {
            let tables: i64 = self
                .conn
                .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
                .map_err(self.err("cannot read the history"))?;
            if tables > 0 {
                anyhow::bail!(
                    "{}: a SQLite file, but not a perfreport history (no schema_version table); not changed",
                    self.path.display()
                );
            }
            return Ok(0);
        }
        self.conn
            .query_row("SELECT max(version) FROM schema_version", [], |r| {
                r.get::<_, Option<i64>>(0)
            })
            .map(|v| v.unwrap_or(0))
            .map_err(self.err("cannot read schema_version"))
    }

    fn migrate(&mut self) -> anyhow::Result<()> {
        let found = self.version()?;
        if found > SCHEMA_VERSION {
            anyhow::bail!(
                "{}: written by a newer perfreport (history schema v{found}; this perfreport reads up to v{SCHEMA_VERSION}); not changed. Use that perfreport or a newer one.",
                self.path.display()
            );
        }
        if found == SCHEMA_VERSION {
            return Ok(());
        }
        // WAL lets readers and one writer work at once; it is a property of
        // the file, set once when the file is created.
        self.conn
            .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .map_err(self.err("cannot switch to WAL"))?;
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .with_context(|| format!("{}: cannot start a migration", path.display()))?;
        // Another process may have migrated while this one waited for the lock.
        tx.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")?;
        let now: i64 = tx
            .query_row(
                "SELECT coalesce(max(version), 0) FROM schema_version",
                [],
                |r| r.get(0),
            )
            .with_context(|| format!("{}: cannot read schema_version", path.display()))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(now as usize) {
            tx.execute_batch(sql)
                .with_context(|| format!("{}: migration to v{} failed", path.display(), i + 1))?;
            tx.execute(
                "INSERT INTO schema_version (version) VALUES (?1)",
                [i as i64 + 1],
            )?;
        }
        tx.commit()
            .with_context(|| format!("{}: cannot commit the migration", path.display()))?;
        Ok(())
    }
}

const FIGURE_COLUMNS: &str = "requests, failures, error_rate, throughput_rps, p50_ms, p90_ms, p95_ms, p99_ms, min_ms, avg_ms, max_ms, histogram";

fn figures_from_row(
    row: &rusqlite::Row<'_>,
    at: usize,
    histograms: bool,
) -> rusqlite::Result<Figures> {
    let u = |i: usize| -> rusqlite::Result<Option<u64>> {
        Ok(row.get::<_, Option<i64>>(at + i)?.map(|v| v.max(0) as u64))
    };
    Ok(Figures {
        method: String::new(),
        name: String::new(),
        requests: u(0)?,
        failures: u(1)?,
        error_rate: row.get(at + 2)?,
        throughput_rps: row.get(at + 3)?,
        p50_ms: row.get(at + 4)?,
        p90_ms: row.get(at + 5)?,
        p95_ms: row.get(at + 6)?,
        p99_ms: row.get(at + 7)?,
        min_ms: row.get(at + 8)?,
        avg_ms: row.get(at + 9)?,
        max_ms: row.get(at + 10)?,
        histogram: if histograms { row.get(at + 11)? } else { None },
    })
}

fn count(v: Option<u64>) -> Option<i64> {
    v.map(|n| i64::try_from(n).unwrap_or(i64::MAX))
}

impl Store for SqliteStore {
    fn record(&mut self, runs: &[RunRecord]) -> anyhow::Result<Vec<Recorded>> {
        let path = self.path.display().to_string();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .with_context(|| format!("{path}: cannot start recording"))?;
        let mut out = Vec::with_capacity(runs.len());
        {
            let mut find = tx.prepare_cached("SELECT id FROM runs WHERE digest = ?1")?;
            let mut run = tx.prepare_cached(&format!(
                "INSERT INTO runs (digest, run_at, recorded_at, started_at, label, commit_sha, branch, report_path, scenario, name, tool, users, sla, verdict, score, simulated, duration_s, summary_json, pass_score, {FIGURE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31)"
            ))?;
            let mut endpoint = tx.prepare_cached(&format!(
                "INSERT INTO endpoints (run_id, position, method, name, {FIGURE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
            ))?;
            let mut warning = tx.prepare_cached(
                "INSERT INTO warnings (run_id, code, severity, message) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut input =
                tx.prepare_cached("INSERT INTO inputs (run_id, path, blake3) VALUES (?1, ?2, ?3)")?;
            for r in runs {
                if let Some(id) = find
                    .query_row([&r.digest], |row| row.get::<_, i64>(0))
                    .optional()?
                {
                    out.push(Recorded::Duplicate(id));
                    continue;
                }
                let t = &r.totals;
                let p = &r.provenance;
                run.execute(params![
                    r.digest,
                    r.run_at,
                    r.recorded_at,
                    r.started_at,
                    p.label,
                    p.commit,
                    p.branch,
                    p.report_path,
                    r.scenario,
                    r.name,
                    r.tool,
                    count(r.users),
                    r.sla,
                    r.verdict,
                    r.score,
                    r.simulated,
                    r.duration_s,
                    r.summary_json,
                    r.pass_score,
                    count(t.requests),
                    count(t.failures),
                    t.error_rate,
                    t.throughput_rps,
                    t.p50_ms,
                    t.p90_ms,
                    t.p95_ms,
                    t.p99_ms,
                    t.min_ms,
                    t.avg_ms,
                    t.max_ms,
                    t.histogram,
                ])
                .with_context(|| format!("{path}: cannot record run {}", r.name))?;
                let id = tx.last_insert_rowid();
                for (i, e) in r.endpoints.iter().enumerate() {
                    endpoint.execute(params![
                        id,
                        i as i64,
                        e.method,
                        e.name,
                        count(e.requests),
                        count(e.failures),
                        e.error_rate,
                        e.throughput_rps,
                        e.p50_ms,
                        e.p90_ms,
                        e.p95_ms,
                        e.p99_ms,
                        e.min_ms,
                        e.avg_ms,
                        e.max_ms,
                        e.histogram,
                    ])?;
                }
                for (code, severity, message) in &r.warnings {
                    warning.execute(params![id, code, severity, message])?;
                }
                for (p, b) in &r.inputs {
                    input.execute(params![id, p, b])?;
                }
                out.push(Recorded::New(id));
            }
        }
        tx.commit()
            .with_context(|| format!("{path}: cannot commit the recording"))?;
        Ok(out)
    }

    fn runs(&mut self, query: &Query) -> anyhow::Result<Vec<StoredRun>> {
        let path = self.path.display().to_string();
        let tx = self.conn.transaction()?;
        // The last N of each scenario: rank from the newest, keep rank ≤ N.
        let sql = format!(
            "SELECT id, digest, run_at, recorded_at, started_at, label, commit_sha, branch, report_path, scenario, name, tool, users, sla, verdict, score, simulated, duration_s, summary_json, pass_score, {FIGURE_COLUMNS}
             FROM (SELECT *, row_number() OVER (PARTITION BY scenario ORDER BY run_at DESC, id DESC) AS newest FROM runs
                   WHERE (?1 IS NULL OR scenario = ?1) AND (?3 IS NULL OR id = ?3))
             WHERE ?2 IS NULL OR newest <= ?2
             ORDER BY scenario, run_at, id"
        );
        let mut runs = Vec::new();
        {
            let mut stmt = tx.prepare(&sql)?;
            let mut rows = stmt.query(params![
                query.scenario,
                query.last.map(|n| i64::try_from(n).unwrap_or(i64::MAX)),
                query.id
            ])?;
            while let Some(row) = rows.next()? {
                let run = RunRecord {
                    digest: row.get(1)?,
                    run_at: row.get(2)?,
                    recorded_at: row.get(3)?,
                    started_at: row.get(4)?,
                    provenance: super::Provenance {
                        label: row.get(5)?,
                        commit: row.get(6)?,
                        branch: row.get(7)?,
                        report_path: row.get(8)?,
                    },
                    scenario: row.get(9)?,
                    name: row.get(10)?,
                    tool: row.get(11)?,
                    users: row.get::<_, Option<i64>>(12)?.map(|v| v.max(0) as u64),
                    sla: row.get(13)?,
                    verdict: row.get(14)?,
                    score: row.get(15)?,
                    simulated: row.get(16)?,
                    duration_s: row.get(17)?,
                    summary_json: row.get(18)?,
                    pass_score: row.get(19)?,
                    totals: figures_from_row(row, 20, query.histograms)?,
                    endpoints: Vec::new(),
                    warnings: Vec::new(),
                    inputs: Vec::new(),
                };
                runs.push(StoredRun {
                    id: row.get(0)?,
                    run,
                });
            }
        }
        if query.endpoints {
            let mut endpoints = tx.prepare_cached(&format!(
                "SELECT method, name, {FIGURE_COLUMNS} FROM endpoints WHERE run_id = ?1 ORDER BY position"
            ))?;
            let mut warnings = tx.prepare_cached(
                "SELECT code, severity, message FROM warnings WHERE run_id = ?1 ORDER BY rowid",
            )?;
            let mut inputs = tx.prepare_cached(
                "SELECT path, blake3 FROM inputs WHERE run_id = ?1 ORDER BY rowid",
            )?;
            for s in &mut runs {
                s.run.endpoints = endpoints
                    .query_map([s.id], |row| {
                        let mut f = figures_from_row(row, 2, query.histograms)?;
                        f.method = row.get(0)?;
                        f.name = row.get(1)?;
                        Ok(f)
                    })?
                    .collect::<rusqlite::Result<_>>()?;
                s.run.warnings = warnings
                    .query_map([s.id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                s.run.inputs = inputs
                    .query_map([s.id], |row| Ok((row.get(0)?, row.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?;
            }
        }
        tx.commit()
            .with_context(|| format!("{path}: cannot read the history"))?;
        Ok(runs)
    }

    fn prune(&mut self, prune: &Prune) -> anyhow::Result<usize> {
        let path = self.path.display().to_string();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .with_context(|| format!("{path}: cannot start pruning"))?;
        tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS doomed (id INTEGER PRIMARY KEY); DELETE FROM doomed;",
        )?;
        if let Some(keep) = prune.keep {
            tx.execute(
                "INSERT OR IGNORE INTO doomed SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY scenario ORDER BY run_at DESC, id DESC) AS newest FROM runs) WHERE newest > ?1",
                [i64::try_from(keep).unwrap_or(i64::MAX)],
            )?;
        }
        if let Some(before) = &prune.before {
            tx.execute(
                "INSERT OR IGNORE INTO doomed SELECT id FROM runs WHERE run_at < ?1",
                [before],
            )?;
        }
        for table in ["endpoints", "warnings", "inputs"] {
            tx.execute(
                &format!("DELETE FROM {table} WHERE run_id IN (SELECT id FROM doomed)"),
                [],
            )?;
        }
        let n = tx.execute("DELETE FROM runs WHERE id IN (SELECT id FROM doomed)", [])?;
        tx.execute_batch("DROP TABLE doomed")?;
        tx.commit()
            .with_context(|| format!("{path}: cannot commit the pruning"))?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store on one SQLite file in a temporary directory kept for the test's life.
    fn opener() -> &'static crate::history::suite::Opener {
        let dir = Box::leak(Box::new(tempfile::tempdir().unwrap()));
        let db = dir.path().join("perf.db");
        Box::leak(Box::new(move || {
            Box::new(SqliteStore::open(&db, true).unwrap()) as Box<dyn Store>
        }))
    }

    #[test]
    fn a_recorded_run_reads_back_whole_and_is_not_duplicated() {
        crate::history::suite::round_trip(opener());
    }

    #[test]
    fn last_n_scenario_filter_and_prune() {
        crate::history::suite::last_scenario_and_prune(opener());
    }

    #[test]
    fn two_concurrent_recordings_both_land() {
        crate::history::suite::concurrent_recordings(opener());
    }

    #[test]
    fn a_newer_or_foreign_file_is_refused_and_left_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("new.db");
        SqliteStore::open(&db, true).unwrap();
        {
            let c = Connection::open(&db).unwrap();
            c.execute("INSERT INTO schema_version (version) VALUES (99)", [])
                .unwrap();
        }
        let before = std::fs::read(&db).unwrap();
        let e = SqliteStore::open(&db, true).unwrap_err().to_string();
        assert!(
            e.contains("newer perfreport") && e.contains("v99") && e.contains("not changed"),
            "{e}"
        );
        assert_eq!(std::fs::read(&db).unwrap(), before);

        let other = dir.path().join("other.db");
        Connection::open(&other)
            .unwrap()
            .execute_batch("CREATE TABLE t (x)")
            .unwrap();
        let e = SqliteStore::open(&other, true).unwrap_err().to_string();
        assert!(e.contains("not a perfreport history"), "{e}");

        let text = dir.path().join("text.db");
        std::fs::write(
            &text,
            "hello, this is not sqlite at all, just some text....",
        )
        .unwrap();
        let e = SqliteStore::open(&text, true).unwrap_err().to_string();
        assert!(e.contains("text.db") && e.contains("not"), "{e}");

        let e = SqliteStore::open(&dir.path().join("missing.db"), false)
            .unwrap_err()
            .to_string();
        assert!(e.contains("no such history"), "{e}");
    }
}
