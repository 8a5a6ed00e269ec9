//! The run history: recording from build, the trend report on the real
//! loadlab series, import, export, prune, and the errors that exit 2.

use crate::common::{perfreport, root};
use perfreport::history::{self, Query};
use perfreport::stats::histogram::LatencyHistogram;

fn read_json(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("written")).expect("JSON")
}

#[test]
fn build_records_each_run_once_with_its_histogram_and_ci_labels() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("perf.db");
    let out = dir.path().join("report");
    // An SLA the fixture passes, so the recorded run can be a baseline.
    std::fs::write(
        dir.path().join("lenient.toml"),
        "name = \"Lenient\"\npass_score = 50\n[[rule]]\nid = \"p95\"\nmetric = \"p95\"\ntarget = \"< 10s\"\nweight = 1\n",
    )
    .unwrap();
    for _ in 0..2 {
        let o = perfreport()
            .args(["build", "tests/fixtures/hey/create_n2000_c10.csv", "--sla"])
            .arg(dir.path().join("lenient.toml"))
            .arg("--history")
            .arg(&db)
            .args(["--label", "v2.4.0", "-o"])
            .arg(&out)
            .env("GITHUB_SHA", "0123456789abcdef")
            .env("GITHUB_REF_NAME", "main")
            .env_remove("CI_COMMIT_SHA")
            .env_remove("CI_COMMIT_REF_NAME")
            .output()
            .unwrap();
        assert_ne!(
            o.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let summary = read_json(&out.join("summary.json"));
    let runs = history::open(db.to_str().unwrap(), false)
        .unwrap()
        .runs(&Query {
            endpoints: true,
            histograms: true,
            ..Query::default()
        })
        .unwrap();
    assert_eq!(runs.len(), 1, "recorded twice, stored once");
    let r = &runs[0].run;
    assert_eq!(r.provenance.label.as_deref(), Some("v2.4.0"));
    assert_eq!(r.provenance.commit.as_deref(), Some("0123456789abcdef"));
    assert_eq!(r.provenance.branch.as_deref(), Some("main"));
    let t = &summary["runs"][0]["totals"];
    assert_eq!(r.totals.p95_ms, t["latency_ms"]["p95"].as_f64());
    assert_eq!(r.totals.requests, t["requests"].as_u64());
    // The stored histogram gives back the run's count and percentiles.
    let h =
        LatencyHistogram::from_v2_bytes(r.totals.histogram.as_deref().expect("stored")).unwrap();
    assert_eq!(Some(h.count()), t["requests"].as_u64());
    assert_eq!(h.percentile_ms(95.0), t["latency_ms"]["p95"].as_f64());
    assert_eq!(h.percentile_ms(99.0), t["latency_ms"]["p99"].as_f64());
    assert_eq!(
        r.inputs[0].1.as_deref(),
        summary["runs"][0]["sources"][0]["blake3"].as_str()
    );

    // The recorded run passed: it is the baseline picked from history.
    assert_eq!(r.verdict.as_deref(), Some("pass"));
    let again = dir.path().join("again");
    let o = perfreport()
        .args([
            "build",
            "tests/fixtures/hey/create_n2000_c10.csv",
            "-q",
            "--sla",
        ])
        .arg(dir.path().join("lenient.toml"))
        .arg("--baseline")
        .arg(format!("history:{}", db.display()))
        .arg("-o")
        .arg(&again)
        .env("GITHUB_REF_NAME", "main")
        .output()
        .unwrap();
    assert_ne!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let c = &read_json(&again.join("summary.json"))["comparison"];
    assert_eq!(c["baseline"]["kind"], "history");
    let reason = c["baseline"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("run #1 v2.4.0 (01234567)") && reason.contains("on branch main"),
        "{reason}"
    );
    // The stored histograms make the Mann–Whitney test possible against history.
    let total = &c["runs"][0]["rows"][0];
    let p95 = total["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["metric"] == "p95")
        .unwrap();
    assert_eq!(p95["test"]["kind"], "mann-whitney", "{p95}");
    assert_eq!(p95["baseline"], t["latency_ms"]["p95"]);
}

#[test]
fn a_history_from_a_newer_perfreport_is_refused_untouched_and_the_build_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.db");
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch("CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (7);")
            .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let o = perfreport()
        .args([
            "build",
            "tests/fixtures/hey/create_n2000_c10.csv",
            "-q",
            "--history",
        ])
        .arg(&db)
        .arg("-o")
        .arg(dir.path().join("report"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("new.db")
            && err.contains("newer perfreport")
            && err.contains("nothing was recorded"),
        "{err}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn the_trend_of_the_loadlab_series_finds_the_step_at_v2_5_0() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("perf.db");
    let o = perfreport()
        .args(["build", "samples/history/runs", "-q", "--history"])
        .arg(&db)
        .arg("-o")
        .arg(dir.path().join("runs"))
        .output()
        .unwrap();
    assert_ne!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let trend = dir.path().join("trend");
    let o = perfreport()
        .arg("history")
        .arg(&db)
        .arg("-o")
        .arg(&trend)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let t = read_json(&trend.join("trend.json"));
    assert_eq!(t["schema"], "perfreport/trend/v1");
    let s = &t["scenarios"][0];
    assert_eq!(s["scenario"], "list-deployments");
    let runs = s["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 16);
    let p95 = s["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"] == "p95")
        .unwrap();
    let changes = p95["changes"]["changes"]
        .as_array()
        .expect("found, not too short");
    assert_eq!(changes.len(), 1, "{changes:?}");
    let c = &changes[0];
    let at = c["run"].as_u64().unwrap() as usize;
    assert_eq!(runs[at]["name"], "v2.5.0");
    assert!(c["p"].as_f64().unwrap() <= 0.001);
    // Before and after are the plain means of the P95 values on each side.
    let values: Vec<f64> = p95["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    assert!((c["mean_before"].as_f64().unwrap() - mean(&values[..at])).abs() < 1e-9);
    assert!((c["mean_after"].as_f64().unwrap() - mean(&values[at..])).abs() < 1e-9);
    assert!(c["mean_after"].as_f64().unwrap() > c["mean_before"].as_f64().unwrap() + 8.0);
    let md = std::fs::read_to_string(trend.join("trend.md")).unwrap();
    assert!(md.contains("| P95 | v2.5.0 |"), "{md}");
    let html = std::fs::read_to_string(trend.join("trend.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("run 11 · v2.5.0"));
    // The same history gives the same bytes.
    let again = dir.path().join("again");
    perfreport()
        .arg("history")
        .arg(&db)
        .arg("-o")
        .arg(&again)
        .arg("-q")
        .assert()
        .success();
    for f in ["trend.md", "trend.html", "trend.json"] {
        assert_eq!(
            std::fs::read(trend.join(f)).unwrap(),
            std::fs::read(again.join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn import_export_and_prune_round_trip_and_names_from_input_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    // A run whose name tries HTML and Markdown injection.
    let run = dir.path().join("evil");
    std::fs::create_dir(&run).unwrap();
    std::fs::copy(
        root().join("tests/fixtures/hey/create_n2000_c10.csv"),
        run.join("r.csv"),
    )
    .unwrap();
    std::fs::write(
        run.join("run.toml"),
        "name = \"<img src=x onerror=alert(1)>|@team\"\nscenario = \"s<b>\"\n",
    )
    .unwrap();
    let out = dir.path().join("report");
    perfreport()
        .arg("build")
        .arg(&run)
        .arg("-q")
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let db = dir.path().join("h.db");
    let summary = out.join("summary.json");
    let o = perfreport()
        .args(["history", "import"])
        .arg(&summary)
        .arg(&summary)
        .arg("--into")
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("1 run imported"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );

    let trend = dir.path().join("trend");
    perfreport()
        .arg("history")
        .arg(&db)
        .arg("-q")
        .arg("-o")
        .arg(&trend)
        .assert()
        .success();
    let html = std::fs::read_to_string(trend.join("trend.html")).unwrap();
    assert!(
        !html.contains("<img src=x") && !html.contains("s<b>"),
        "unescaped input in trend.html"
    );
    let md = std::fs::read_to_string(trend.join("trend.md")).unwrap();
    assert!(
        md.contains("\\|@&#8203;team") && !md.contains("<img"),
        "{md}"
    );
    assert!(md.contains("history too short"), "{md}");

    let o = perfreport()
        .args(["history", "export"])
        .arg(&db)
        .args(["--format", "bencher"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let s = read_json(&summary);
    assert_eq!(
        doc["s<b>"]["p95-ms"]["value"],
        s["runs"][0]["totals"]["latency_ms"]["p95"]
    );
    let o = perfreport()
        .args(["history", "export"])
        .arg(&db)
        .args(["--format", "otava"])
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1);

    let o = perfreport()
        .args(["history", "prune"])
        .arg(&db)
        .args(["--keep", "0"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("1 run removed"));
    let o = perfreport()
        .args(["history", "prune"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "prune needs --keep or --older-than"
    );
}

#[test]
fn the_same_commands_work_on_a_postgresql_history() {
    let Ok(url) = std::env::var("PERFREPORT_TEST_POSTGRES_URL") else {
        eprintln!("SKIPPED the_same_commands_work_on_a_postgresql_history: PERFREPORT_TEST_POSTGRES_URL is not set (.ci/run sets it)");
        return;
    };
    let name = format!("perfreport_cli_{}", std::process::id());
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    // One statement each: DROP/CREATE DATABASE cannot share a transaction.
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let db = format!("{}/{name}", url.rsplit_once('/').unwrap().0);
    let dir = tempfile::tempdir().unwrap();
    // Record the 16 loadlab runs, twice (stored once), then the trend.
    for _ in 0..2 {
        let o = perfreport()
            .args([
                "build",
                "samples/history/runs",
                "-q",
                "--history",
                &db,
                "-o",
            ])
            .arg(dir.path().join("runs"))
            .output()
            .unwrap();
        assert_ne!(
            o.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let trend = dir.path().join("trend");
    let o = perfreport()
        .args(["history", &db, "-q", "-o"])
        .arg(&trend)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let t = read_json(&trend.join("trend.json"));
    let s = &t["scenarios"][0];
    assert_eq!(s["runs"].as_array().unwrap().len(), 16);
    let p95 = s["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"] == "p95")
        .unwrap();
    let c = &p95["changes"]["changes"][0];
    assert_eq!(
        s["runs"][c["run"].as_u64().unwrap() as usize]["name"],
        "v2.5.0"
    );
    // Import, export, prune and the baseline from history, on the same server.
    let o = perfreport()
        .args(["history", "import"])
        .arg(dir.path().join("runs/summary.json"))
        .args(["--into", &db])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("0 runs imported"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = perfreport()
        .args(["history", "export", &db, "--format", "otava"])
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 16);
    let o = perfreport()
        .args([
            "build",
            "samples/history/runs/16-v2.7.1",
            "-q",
            "--baseline",
        ])
        .arg(format!("history:{db}"))
        .arg("-o")
        .arg(dir.path().join("one"))
        .output()
        .unwrap();
    assert_ne!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let c = &read_json(&dir.path().join("one/summary.json"))["comparison"];
    // Every sample run fails the default SLA: no passing run to compare with, and it says so.
    assert!(
        c["baseline"]["reason"]
            .as_str()
            .unwrap()
            .contains("no passing measured run of scenario list-deployments"),
        "{c}"
    );
    let o = perfreport()
        .args(["history", "prune", &db, "--keep", "10"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("6 runs removed"));
    drop(admin);
}
