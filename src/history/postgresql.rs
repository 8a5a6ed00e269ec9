//! The PostgreSQL store (`postgres` crate, synchronous client), for a team
//! that shares one history across CI jobs: `--history postgres://…`.
//!
//! The same tables, columns and migration numbers as [`super::sqlite`], in
//! PostgreSQL's types (BIGINT, DOUBLE PRECISION, BYTEA, BOOLEAN). Each
//! recording is one transaction; a migration takes an advisory lock so two
//! jobs starting on an empty database do not both create the tables. A
//! database from a newer perfreport is refused untouched. Connections are
//! made without TLS (`sslmode` in the URL is not supported by this build).

use super::{Figures, Prune, Query, Recorded, RunRecord, Store, StoredRun, SCHEMA_VERSION};
use anyhow::Context;
use postgres::{Client, NoTls, Row};

/// `MIGRATIONS[i]` takes the schema from version `i` to `i + 1`; the same
/// tables and columns as the SQLite migrations of the same number.
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE runs (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
    users          BIGINT,
    sla            TEXT,
    verdict        TEXT,
    score          DOUBLE PRECISION,
    pass_score     DOUBLE PRECISION,
    simulated      BOOLEAN NOT NULL,
    duration_s     DOUBLE PRECISION,
    requests       BIGINT,
    failures       BIGINT,
    error_rate     DOUBLE PRECISION,
    throughput_rps DOUBLE PRECISION,
    p50_ms DOUBLE PRECISION, p90_ms DOUBLE PRECISION, p95_ms DOUBLE PRECISION, p99_ms DOUBLE PRECISION,
    min_ms DOUBLE PRECISION, avg_ms DOUBLE PRECISION, max_ms DOUBLE PRECISION,
    histogram      BYTEA,
    summary_json   TEXT NOT NULL
);
CREATE INDEX runs_by_scenario ON runs (scenario, run_at, id);
CREATE TABLE endpoints (
    run_id         BIGINT NOT NULL REFERENCES runs (id),
    position       BIGINT NOT NULL,
    method         TEXT NOT NULL,
    name           TEXT NOT NULL,
    requests       BIGINT,
    failures       BIGINT,
    error_rate     DOUBLE PRECISION,
    throughput_rps DOUBLE PRECISION,
    p50_ms DOUBLE PRECISION, p90_ms DOUBLE PRECISION, p95_ms DOUBLE PRECISION, p99_ms DOUBLE PRECISION,
    min_ms DOUBLE PRECISION, avg_ms DOUBLE PRECISION, max_ms DOUBLE PRECISION,
    histogram      BYTEA,
    PRIMARY KEY (run_id, position)
);
CREATE TABLE warnings (
    run_id   BIGINT NOT NULL REFERENCES runs (id),
    code     TEXT NOT NULL,
    severity TEXT NOT NULL,
    message  TEXT NOT NULL
);
CREATE INDEX warnings_by_run ON warnings (run_id);
CREATE TABLE inputs (
    run_id BIGINT NOT NULL REFERENCES runs (id),
    path   TEXT NOT NULL,
    blake3 TEXT
);
CREATE INDEX inputs_by_run ON inputs (run_id);
"#];

/// An arbitrary constant naming perfreport's migration lock.
const MIGRATION_LOCK: i64 = 0x7065_7266_7265_7074;

/// A history in a PostgreSQL database.
pub struct PostgresStore {
    client: Client,
    /// The URL without its password, for messages.
    name: String,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("name", &self.name)
            .finish()
    }
}

/// `url` with any password replaced by `***`.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl PostgresStore {
    /// Connects and brings the schema up to date (a newer one is an error).
    pub fn open(url: &str) -> anyhow::Result<PostgresStore> {
        let name = redact(url);
        let client = Client::connect(url, NoTls)
            .with_context(|| format!("{name}: cannot connect to the history"))?;
        let mut store = PostgresStore { client, name };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> anyhow::Result<()> {
        let name = self.name.clone();
        let mut tx = self.client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
        let has_table: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_version')",
                &[],
            )?
            .get(0);
        let found: i64 = if has_table {
            tx.query_one(
                "SELECT coalesce(max(version), 0)::bigint FROM schema_version",
                &[],
            )?
            .get(0)
        } else {
            let runs: bool = tx
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'runs')",
                    &[],
                )?
                .get(0);
            if runs {
                anyhow::bail!("{name}: holds a `runs` table but no schema_version: not a perfreport history; not changed");
            }
            0
        };
        if found > SCHEMA_VERSION {
            anyhow::bail!(
                "{name}: written by a newer perfreport (history schema v{found}; this perfreport reads up to v{SCHEMA_VERSION}); not changed. Use that perfreport or a newer one."
            );
        }
        if found == SCHEMA_VERSION {
            return Ok(());
        }
        tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            tx.batch_execute(sql)
                .with_context(|| format!("{name}: migration to v{} failed", i + 1))?;
            tx.execute(
                "INSERT INTO schema_version (version) VALUES ($1)",
                &[&(i as i64 + 1)],
            )?;
        }
        tx.commit()
            .with_context(|| format!("{name}: cannot commit the migration"))?;
        Ok(())
    }
}

const FIGURE_COLUMNS: &str = "requests, failures, error_rate, throughput_rps, p50_ms, p90_ms, p95_ms, p99_ms, min_ms, avg_ms, max_ms, histogram";

fn count(v: Option<u64>) -> Option<i64> {
    v.map(|n| i64::try_from(n).unwrap_or(i64::MAX))
}

fn figures_from_row(row: &Row, at: usize, histograms: bool) -> Figures {
    let u = |i: usize| row.get::<_, Option<i64>>(at + i).map(|v| v.max(0) as u64);
    Figures {
        method: String::new(),
        name: String::new(),
        requests: u(0),
        failures: u(1),
        error_rate: row.get(at + 2),
        throughput_rps: row.get(at + 3),
        p50_ms: row.get(at + 4),
        p90_ms: row.get(at + 5),
        p95_ms: row.get(at + 6),
        p99_ms: row.get(at + 7),
        min_ms: row.get(at + 8),
        avg_ms: row.get(at + 9),
        max_ms: row.get(at + 10),
        histogram: if histograms { row.get(at + 11) } else { None },
    }
}

impl Store for PostgresStore {
    fn record(&mut self, runs: &[RunRecord]) -> anyhow::Result<Vec<Recorded>> {
        let name = self.name.clone();
        let mut tx = self
            .client
            .transaction()
            .with_context(|| format!("{name}: cannot start recording"))?;
        let insert_run = tx.prepare(&format!(
            "INSERT INTO runs (digest, run_at, recorded_at, started_at, label, commit_sha, branch, report_path, scenario, name, tool, users, sla, verdict, score, simulated, duration_s, summary_json, pass_score, {FIGURE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31) ON CONFLICT (digest) DO NOTHING RETURNING id"
        ))?;
        let insert_endpoint = tx.prepare(&format!(
            "INSERT INTO endpoints (run_id, position, method, name, {FIGURE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
        ))?;
        let mut out = Vec::with_capacity(runs.len());
        for r in runs {
            let t = &r.totals;
            let p = &r.provenance;
            let inserted = tx
                .query_opt(
                    &insert_run,
                    &[
                        &r.digest,
                        &r.run_at,
                        &r.recorded_at,
                        &r.started_at,
                        &p.label,
                        &p.commit,
                        &p.branch,
                        &p.report_path,
                        &r.scenario,
                        &r.name,
                        &r.tool,
                        &count(r.users),
                        &r.sla,
                        &r.verdict,
                        &r.score,
                        &r.simulated,
                        &r.duration_s,
                        &r.summary_json,
                        &r.pass_score,
                        &count(t.requests),
                        &count(t.failures),
                        &t.error_rate,
                        &t.throughput_rps,
                        &t.p50_ms,
                        &t.p90_ms,
                        &t.p95_ms,
                        &t.p99_ms,
                        &t.min_ms,
                        &t.avg_ms,
                        &t.max_ms,
                        &t.histogram,
                    ],
                )
                .with_context(|| format!("{name}: cannot record run {}", r.name))?;
            let Some(row) = inserted else {
                let id: i64 = tx
                    .query_one("SELECT id FROM runs WHERE digest = $1", &[&r.digest])?
                    .get(0);
                out.push(Recorded::Duplicate(id));
                continue;
            };
            let id: i64 = row.get(0);
            for (i, e) in r.endpoints.iter().enumerate() {
                tx.execute(
                    &insert_endpoint,
                    &[
                        &id,
                        &(i as i64),
                        &e.method,
                        &e.name,
                        &count(e.requests),
                        &count(e.failures),
                        &e.error_rate,
                        &e.throughput_rps,
                        &e.p50_ms,
                        &e.p90_ms,
                        &e.p95_ms,
                        &e.p99_ms,
                        &e.min_ms,
                        &e.avg_ms,
                        &e.max_ms,
                        &e.histogram,
                    ],
                )?;
            }
            for (code, severity, message) in &r.warnings {
                tx.execute(
                    "INSERT INTO warnings (run_id, code, severity, message) VALUES ($1, $2, $3, $4)",
                    &[&id, code, severity, message],
                )?;
            }
            for (path, blake3) in &r.inputs {
                tx.execute(
                    "INSERT INTO inputs (run_id, path, blake3) VALUES ($1, $2, $3)",
                    &[&id, path, blake3],
                )?;
            }
            out.push(Recorded::New(id));
        }
        tx.commit()
            .with_context(|| format!("{name}: cannot commit the recording"))?;
        Ok(out)
    }

    fn runs(&mut self, query: &Query) -> anyhow::Result<Vec<StoredRun>> {
        let name = self.name.clone();
        let mut tx = self.client.transaction()?;
        let sql = format!(
            "SELECT id, digest, run_at, recorded_at, started_at, label, commit_sha, branch, report_path, scenario, name, tool, users, sla, verdict, score, simulated, duration_s, summary_json, pass_score, {FIGURE_COLUMNS}
             FROM (SELECT *, row_number() OVER (PARTITION BY scenario ORDER BY run_at DESC, id DESC) AS newest FROM runs
                   WHERE ($1::text IS NULL OR scenario = $1) AND ($3::bigint IS NULL OR id = $3)) ranked
             WHERE $2::bigint IS NULL OR newest <= $2
             ORDER BY scenario, run_at, id"
        );
        let last = query.last.map(|n| i64::try_from(n).unwrap_or(i64::MAX));
        let rows = tx
            .query(&sql, &[&query.scenario, &last, &query.id])
            .with_context(|| format!("{name}: cannot read the history"))?;
        let mut runs: Vec<StoredRun> = rows
            .iter()
            .map(|row| StoredRun {
                id: row.get(0),
                run: RunRecord {
                    digest: row.get(1),
                    run_at: row.get(2),
                    recorded_at: row.get(3),
                    started_at: row.get(4),
                    provenance: super::Provenance {
                        label: row.get(5),
                        commit: row.get(6),
                        branch: row.get(7),
                        report_path: row.get(8),
                    },
                    scenario: row.get(9),
                    name: row.get(10),
                    tool: row.get(11),
                    users: row.get::<_, Option<i64>>(12).map(|v| v.max(0) as u64),
                    sla: row.get(13),
                    verdict: row.get(14),
                    score: row.get(15),
                    simulated: row.get(16),
                    duration_s: row.get(17),
                    summary_json: row.get(18),
                    pass_score: row.get(19),
                    totals: figures_from_row(row, 20, query.histograms),
                    endpoints: Vec::new(),
                    warnings: Vec::new(),
                    inputs: Vec::new(),
                },
            })
            .collect();
        if query.endpoints {
            let endpoints = tx.prepare(&format!(
                "SELECT method, name, {FIGURE_COLUMNS} FROM endpoints WHERE run_id = $1 ORDER BY position"
            ))?;
            let warnings = tx.prepare(
                "SELECT code, severity, message FROM warnings WHERE run_id = $1 ORDER BY ctid",
            )?;
            let inputs =
                tx.prepare("SELECT path, blake3 FROM inputs WHERE run_id = $1 ORDER BY ctid")?;
            for s in &mut runs {
                s.run.endpoints = tx
                    .query(&endpoints, &[&s.id])?
                    .iter()
                    .map(|row| {
                        let mut f = figures_from_row(row, 2, query.histograms);
                        f.method = row.get(0);
                        f.name = row.get(1);
                        f
                    })
                    .collect();
                s.run.warnings = tx
                    .query(&warnings, &[&s.id])?
                    .iter()
                    .map(|row| (row.get(0), row.get(1), row.get(2)))
                    .collect();
                s.run.inputs = tx
                    .query(&inputs, &[&s.id])?
                    .iter()
                    .map(|row| (row.get(0), row.get(1)))
                    .collect();
            }
        }
        tx.commit()?;
        Ok(runs)
    }

    fn prune(&mut self, prune: &Prune) -> anyhow::Result<usize> {
        let name = self.name.clone();
        let mut tx = self
            .client
            .transaction()
            .with_context(|| format!("{name}: cannot start pruning"))?;
        let keep = prune.keep.map(|n| i64::try_from(n).unwrap_or(i64::MAX));
        let doomed: Vec<i64> = tx
            .query(
                "SELECT id FROM (SELECT id, run_at, row_number() OVER (PARTITION BY scenario ORDER BY run_at DESC, id DESC) AS newest FROM runs) ranked
                 WHERE ($1::bigint IS NOT NULL AND newest > $1) OR ($2::text IS NOT NULL AND run_at < $2)",
                &[&keep, &prune.before],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        for table in ["endpoints", "warnings", "inputs"] {
            tx.execute(
                &format!("DELETE FROM {table} WHERE run_id = ANY($1)"),
                &[&doomed],
            )?;
        }
        let n = tx.execute("DELETE FROM runs WHERE id = ANY($1)", &[&doomed])?;
        tx.commit()
            .with_context(|| format!("{name}: cannot commit the pruning"))?;
        Ok(n as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_not_shown_in_messages() {
        assert_eq!(
            redact("postgres://ci:s3cret@db.example/perf"),
            "postgres://ci:***@db.example/perf"
        );
        assert_eq!(redact("postgres://ci@db/perf"), "postgres://ci@db/perf");
        assert_eq!(redact("postgresql://db/perf"), "postgresql://db/perf");
    }
}
