//! Scenario sets (issue #4): several runs in one report, the SLA compliance
//! matrix, capacity charts and the breaking point.

use crate::common::{build, fixture, root, summary};
use std::collections::BTreeMap;
use std::fs;

/// The four real Locust runs of the loadlab ladder: 5, 20, 50 and 150 users.
fn ladder_args() -> Vec<String> {
    vec![
        "samples".into(),
        fixture("locust/generated"),
        "--sla".into(),
        "sla/ladder.toml".into(),
    ]
}

/// `rule id -> (measured, STATUS)` from the SLA rule table of a single-run
/// report.md (folded under "SLA rules: N of M met").
fn rule_table(md: &str) -> BTreeMap<String, (String, String)> {
    let start = md.find("<summary>SLA rules").expect("rule table");
    md[start..]
        .lines()
        .skip(4)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
            let id = cells[0].trim_end_matches(" (gate)").to_string();
            // `✅ PASS`, `⚠️ INCONCLUSIVE: why`, `❌ FAIL: note`
            let status = cells[5]
                .split_whitespace()
                .nth(1)
                .unwrap()
                .trim_end_matches(':')
                .to_string();
            let measured = cells[3]
                .split(" (")
                .next()
                .unwrap()
                .split(", from")
                .next()
                .unwrap()
                .to_string();
            (id, (measured, status))
        })
        .collect()
}

#[test]
fn the_ladder_matrix_matches_each_runs_own_report() {
    let args = ladder_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (_, _d, out) = build(&args);
    let s = summary(&out);
    let order: Vec<&str> = s["scenario_set"]["order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        ["baseline", "Target (20 users)", "Peak (50 users)", "stress"],
        "ordered by users"
    );
    let md = fs::read_to_string(out.join("report.md")).unwrap();
    let matrix_start = md.find("## SLA compliance across runs").expect("matrix");
    let matrix: Vec<Vec<String>> = md[matrix_start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect();
    let header = &matrix[0];
    let dirs = [
        "tests/fixtures/locust/generated/baseline",
        "samples/locust-target",
        "samples/locust-peak",
        "tests/fixtures/locust/generated/stress",
    ];
    for (col, dir) in dirs.iter().enumerate() {
        let (_, _d, single) = build(&[dir, "--sla", "sla/ladder.toml"]);
        let own = rule_table(&fs::read_to_string(single.join("report.md")).unwrap());
        let own_json = summary(&single);
        assert_eq!(
            header[col + 1].replace('\\', ""),
            own_json["runs"][0]["name"].as_str().unwrap()
        );
        for row in matrix.iter().filter(|r| {
            !r[0].starts_with("---")
                && !r[0].starts_with("*Users*")
                && !r[0].starts_with("**Verdict**")
                && r[0] != "Rule"
        }) {
            let id = row[0].split(" (").next().unwrap().to_string();
            let (measured, status) = &own[&id];
            let mark = match status.as_str() {
                "PASS" => "✅",
                "FAIL" => "❌",
                _ => "⚠️",
            };
            assert_eq!(
                row[col + 1],
                format!("{mark} {measured}"),
                "{dir} rule {id}"
            );
        }
        let score_row = matrix.iter().find(|r| r[0] == "**Verdict**").unwrap();
        let score = own_json["runs"][0]["score"]["value"].as_f64().unwrap();
        assert!(
            score_row[col + 1].contains(&format!("{score:.1}")),
            "{dir}: {} vs {score}",
            score_row[col + 1]
        );
        // The run's entry in the ladder summary is the run's own summary.
        let in_ladder = s["runs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == own_json["runs"][0]["name"])
            .unwrap();
        assert_eq!(in_ladder["score"], own_json["runs"][0]["score"]);
        assert_eq!(
            crate::common::without_sources(own_json.clone())["runs"][0]["totals"]["requests"],
            in_ladder["totals"]["requests"]
        );
    }
}

#[test]
fn the_breaking_point_is_stated_between_measured_loads() {
    let args = ladder_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (_, _d, out) = build(&args);
    let s = summary(&out);
    let bp = &s["scenario_set"]["breaking_point"];
    // Peak (50 users) is the first step whose error rate misses < 1 % (2.54 %).
    assert_eq!(bp["kind"], "between");
    assert_eq!(bp["from_users"], 20);
    assert_eq!(bp["to_users"], 50);
    let md = fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains(
        "The breaking point is between 20 and 50 users: Peak (50 users) misses its SLA."
    ));
    // Without the two failing steps there is no breaking point, and nothing is extrapolated.
    let (_, _d, out) = build(&[
        &fixture("locust/generated/baseline"),
        "samples/locust-target",
        "--sla",
        "sla/ladder.toml",
    ]);
    let s = summary(&out);
    assert_eq!(s["scenario_set"]["breaking_point"]["kind"], "not-reached");
    assert!(s["scenario_set"]["breaking_point"]["sentence"]
        .as_str()
        .unwrap()
        .contains("No breaking point up to 20 users, the highest load tested"));
}

#[test]
fn html_has_an_overview_and_one_self_contained_page_per_run() {
    let args = ladder_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (_, _d, out) = build(&args);
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("SLA compliance across runs"));
    for title in [
        "Throughput against users",
        "Response time against users",
        "Concurrent users",
    ] {
        assert!(index.contains(title), "capacity chart: {title}");
    }
    let pages: Vec<_> = fs::read_dir(out.join("runs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(pages.len(), 4);
    for p in pages {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            index.contains(&format!("href=\"runs/{name}\"")),
            "index links {name}"
        );
        let page = fs::read_to_string(&p).unwrap();
        assert!(page.contains("<style>") && page.contains("href=\"../index.html\""));
        assert!(
            !page.contains("<link") && !page.contains("<script") && !page.contains("src=\"http")
        );
        assert!(page.contains("<svg"), "{name} has its charts");
    }
}

#[test]
fn scenarios_can_have_their_own_sla() {
    let dir = tempfile::tempdir().unwrap();
    let main_sla = dir.path().join("main.toml");
    let peak = root().join("sla/peak.toml");
    fs::write(
        &main_sla,
        format!("name = \"Main\"\n[[rule]]\nmetric = \"p95\"\ntarget = \"< 50ms\"\nweight = 1\n\n[scenarios]\npeak = \"{}\"\n", peak.display()),
    )
    .unwrap();
    let (_, _d, out) = build(&["samples", "--sla", main_sla.to_str().unwrap()]);
    let s = summary(&out);
    for run in s["runs"].as_array().unwrap() {
        let want = if run["scenario"] == "peak" {
            "Peak load (50 users)"
        } else {
            "Main"
        };
        assert_eq!(run["sla"], want, "{}", run["name"]);
    }
    let md = fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains("not in this run's SLA"),
        "rules of one SLA only are marked in the matrix"
    );
}
