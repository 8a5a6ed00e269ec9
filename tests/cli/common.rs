//! Helpers shared by the integration tests: run the binary from the project
//! root, find fixtures, read the outputs back.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The project root; the binary runs there so paths in reports are stable.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `perfreport` ready to run from the project root.
pub fn perfreport() -> Command {
    let mut cmd = Command::cargo_bin("perfreport").expect("binary built");
    cmd.current_dir(root());
    cmd.env_remove("PERFREPORT_DEBUG");
    cmd
}

/// Path of a fixture relative to the project root, as a string for arguments.
pub fn fixture(rel: &str) -> String {
    let p = format!("tests/fixtures/{rel}");
    assert!(root().join(&p).exists(), "missing fixture {p}");
    p
}

/// A fresh temporary directory, and the `report` path inside it.
pub fn out_dir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("report");
    (dir, out)
}

/// Runs `build ARGS -o OUT`, returns (exit code, OUT).
pub fn build(args: &[&str]) -> (i32, tempfile::TempDir, PathBuf) {
    let (dir, out) = out_dir();
    let status = perfreport()
        .arg("build")
        .args(args)
        .arg("-o")
        .arg(&out)
        .arg("--quiet")
        .output()
        .expect("runs");
    let code = status.status.code().expect("exit code");
    assert!(
        code != 2,
        "build {args:?} failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    (code, dir, out)
}

/// summary.json of a finished build, checked against `schema/summary.v1.json`.
pub fn summary(out: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(out.join("summary.json")).expect("summary.json written");
    let value: serde_json::Value = serde_json::from_str(&text).expect("summary.json is JSON");
    let errors: Vec<String> = schema()
        .iter_errors(&value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "summary.json breaks schema v1: {errors:#?}"
    );
    value
}

pub fn schema() -> &'static jsonschema::Validator {
    static SCHEMA: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        let text =
            std::fs::read_to_string(root().join("schema/summary.v1.json")).expect("schema file");
        let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
        jsonschema::validator_for(&schema).expect("schema compiles")
    })
}

/// One row of a Locust stats CSV, read independently of perfreport's reader.
#[derive(Debug)]
pub struct CsvRow {
    pub fields: std::collections::BTreeMap<String, String>,
}

impl CsvRow {
    pub fn num(&self, column: &str) -> Option<f64> {
        let v = self.fields.get(column)?;
        if v == "N/A" || v.is_empty() {
            None
        } else {
            Some(v.parse().unwrap_or_else(|_| panic!("{column}={v}")))
        }
    }
    pub fn text(&self, column: &str) -> &str {
        self.fields.get(column).map(String::as_str).unwrap_or("")
    }
}

/// Reads every row of a CSV file into maps keyed by header.
pub fn read_csv(rel: &str) -> Vec<CsvRow> {
    let mut rdr = csv::Reader::from_path(root().join(rel)).expect("csv opens");
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            CsvRow {
                fields: headers
                    .iter()
                    .cloned()
                    .zip(r.iter().map(str::to_string))
                    .collect(),
            }
        })
        .collect()
}

/// summary.json with the `source` of every figure blanked: for comparing runs
/// read from different files that must give the same figures.
pub fn without_sources(mut s: serde_json::Value) -> serde_json::Value {
    for run in s["runs"].as_array_mut().into_iter().flatten() {
        run["totals"]["source"] = serde_json::Value::Null;
        for e in run["endpoints"].as_array_mut().into_iter().flatten() {
            e["source"] = serde_json::Value::Null;
        }
    }
    s
}

/// Nearest-rank percentile of `values` (sorted here), the definition the reports use.
pub fn nearest(values: &mut [f64], pct: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    perfreport::stats::histogram::nearest_rank(values, pct).expect("values")
}

/// A histogram figure agrees with an exact one: within 0.1 % (3 significant
/// digits) plus the 1 µs recording step.
pub fn assert_close(got: &serde_json::Value, want: f64, what: &str) {
    let got = got.as_f64().unwrap_or_else(|| panic!("{what} missing"));
    assert!(
        (got - want).abs() <= want * 0.001 + 0.001,
        "{what}: {got} vs exact {want}"
    );
}
