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

/// Past 20 runs the overview shows the 20 that need attention first and
/// counts every rule over all runs (issues #13 §5, #15): checked against
/// summary.json, which lists every run.
#[test]
fn many_runs_show_the_twenty_that_need_attention_and_count_every_rule() {
    let dir = tempfile::tempdir().unwrap();
    let n = 23;
    for i in 0..n {
        // Run i answers in about 10 + 3i ms: the slow ones fail the default P95 rule.
        let mut csv = String::from(
            "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n",
        );
        for k in 0..400 {
            let s = 0.010 + 0.003 * i as f64 + 0.0001 * ((k * 7 + i) % 11) as f64;
            let code = if k % 50 == 0 && i % 3 == 0 { 500 } else { 200 };
            csv.push_str(&format!(
                "{s:.4},0,0,0,0,0,{code},{:.3}\n",
                0.005 * k as f64
            ));
        }
        let run = dir.path().join(format!("run-{i:02}"));
        fs::create_dir(&run).unwrap();
        fs::write(run.join("hey.csv"), csv).unwrap();
    }
    let sla = dir.path().join("sla.toml");
    fs::write(
        &sla,
        "name = \"many\"\npass_score = 70\n\
         [[rule]]\nid = \"p95\"\nmetric = \"p95\"\ntarget = \"< 45ms\"\nweight = 60\n\
         [[rule]]\nid = \"error-rate\"\nmetric = \"error_rate\"\ntarget = \"< 0.5%\"\nweight = 40\n",
    )
    .unwrap();
    let runs_dir = dir.path().join("runs");
    fs::create_dir(&runs_dir).unwrap();
    for i in 0..n {
        fs::rename(
            dir.path().join(format!("run-{i:02}")),
            runs_dir.join(format!("run-{i:02}")),
        )
        .unwrap();
    }
    let (_, _d, out) = build(&[runs_dir.to_str().unwrap(), "--sla", sla.to_str().unwrap()]);
    let s = summary(&out);
    let runs = s["runs"].as_array().unwrap();
    assert_eq!(runs.len(), n);
    // The expected selection, computed from summary.json.
    let rank = |v: &str| match v {
        "fail" | "not_valid" => 0,
        "inconclusive" => 1,
        _ => 2,
    };
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&runs[a]["score"], &runs[b]["score"]);
        rank(x["verdict"].as_str().unwrap())
            .cmp(&rank(y["verdict"].as_str().unwrap()))
            .then(
                x["value"]
                    .as_f64()
                    .unwrap()
                    .total_cmp(&y["value"].as_f64().unwrap()),
            )
            .then(a.cmp(&b))
    });
    let mut shown: Vec<usize> = order[..20].to_vec();
    shown.sort();
    let shown: Vec<&str> = shown
        .iter()
        .map(|i| runs[*i]["name"].as_str().unwrap())
        .collect();
    assert!(
        runs.iter().any(|r| r["score"]["verdict"] == "pass")
            && runs.iter().any(|r| r["score"]["verdict"] == "fail"),
        "the runs must mix verdicts for the selection to mean anything: {:?}",
        runs.iter()
            .map(|r| (&r["score"]["verdict"], &r["score"]["value"]))
            .collect::<Vec<_>>()
    );

    let md = fs::read_to_string(out.join("report.md")).unwrap();
    let sections: Vec<&str> = md
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .filter(|l| l.contains(": PASS") || l.contains(": FAIL") || l.contains(": INCONCLUSIVE"))
        .map(|l| l.split_once(' ').unwrap().1.rsplit_once(':').unwrap().0)
        .collect();
    assert_eq!(sections, shown, "report.md's run sections");
    let columns: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("| Rule | ") && !l.contains("Pass") && !l.contains("| Metric |"))
        .flat_map(|l| l.trim_matches('|').split('|').skip(1).map(str::trim))
        .collect();
    assert_eq!(columns, shown, "the matrix columns");
    assert!(md.contains("23 runs: the matrix shows the 20 that need attention first"));
    // Every rule counted over all 23 runs, with its worst value.
    for rule in ["p95", "error-rate"] {
        let results: Vec<(&str, &serde_json::Value)> = runs
            .iter()
            .map(|r| {
                let res = r["score"]["rules"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|x| x["id"] == rule)
                    .unwrap();
                (r["name"].as_str().unwrap(), res)
            })
            .collect();
        let count = |st: &str| results.iter().filter(|(_, r)| r["status"] == st).count();
        // The first run (in report order) with the highest value.
        let top = results
            .iter()
            .map(|(_, r)| r["measured"].as_f64().unwrap())
            .fold(f64::MIN, f64::max);
        let worst = results
            .iter()
            .find(|(_, r)| r["measured"].as_f64() == Some(top))
            .unwrap()
            .0;
        let row = md
            .lines()
            .find(|l| l.starts_with(&format!("| {rule} (")) && l.ends_with(&format!("({worst}) |")))
            .unwrap_or_else(|| panic!("no totals row for {rule} naming {worst}:\n{md}"));
        let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
        assert_eq!(
            cells[1..5],
            [count("pass"), count("fail"), count("inconclusive"), 0].map(|c| c.to_string()),
            "{rule} totals"
        );
    }
    // Every run keeps its page, linked from the overview.
    let html = fs::read_to_string(out.join("index.html")).unwrap();
    assert_eq!(fs::read_dir(out.join("runs")).unwrap().count(), n);
    for r in runs {
        // `run-07/hey` has the page `runs/run-run-07-hey.html`.
        let page = format!(
            "runs/run-{}.html",
            r["name"].as_str().unwrap().replace('/', "-")
        );
        assert!(
            html.contains(&format!("href=\"{page}\"")),
            "{page} is linked"
        );
        assert!(out.join(&page).is_file());
    }
    // The overviews' template context holds a run past the twenty as its
    // link only (name, verdict, warnings); its own page gets the whole run.
    let loaded =
        perfreport::ingest::load(std::slice::from_ref(&runs_dir), false, &Default::default())
            .unwrap();
    let sla = perfreport::sla::file::load(&sla).unwrap();
    let report = perfreport::report::Report::build(loaded, &sla);
    let view = serde_json::to_value(&report.view).unwrap();
    let in_context = view["runs"].as_array().unwrap();
    assert_eq!(in_context.len(), n);
    for r in in_context {
        let mut keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        if r["shown"] == true {
            assert!(
                keys.contains(&"endpoints") && keys.contains(&"rules"),
                "{keys:?}"
            );
        } else {
            assert_eq!(
                keys,
                [
                    "anchor",
                    "name",
                    "shown",
                    "simulated",
                    "tool",
                    "verdict",
                    "warnings"
                ],
                "{}",
                r["name"]
            );
        }
    }
    assert_eq!(in_context.iter().filter(|r| r["shown"] == true).count(), 20);
}
