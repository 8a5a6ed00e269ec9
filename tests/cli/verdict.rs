//! The three verdicts (issue #11 §1, §2): a run that passes whatever its
//! inconclusive rules score, one that the inconclusive rules decide, and one
//! that fails whatever they score, in every output of one build.

use crate::common::{fixture, out_dir, perfreport, summary};
use std::fs;

/// The overall line every output opens with, for tests/fixtures/verdict.
const OVERALL: &str =
    "3 runs: 1 PASS, 1 INCONCLUSIVE, 1 FAIL. Breaking point between 20 and 30 users.";

#[test]
fn pass_inconclusive_and_fail_read_the_same_in_every_output() {
    let (_d, out) = out_dir();
    let run = perfreport()
        .args(["build", &fixture("verdict"), "--sla"])
        .arg(fixture("sla/verdict.toml"))
        .args(["--format", "md,html,json,junit", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    // One run failed and one is inconclusive: neither is a pass.
    assert_eq!(run.status.code(), Some(1));

    // Terminal: opens with the overall line; each run says its verdict and range.
    let terminal = String::from_utf8(run.stdout).unwrap();
    assert_eq!(terminal.lines().next(), Some(OVERALL), "{terminal}");
    for line in [
        "pass: PASS  score 80.0–100.0/100",
        "inconclusive: INCONCLUSIVE  score 50.0–100.0/100",
        "fail: FAIL  score 30.0–50.0/100",
    ] {
        assert!(terminal.contains(line), "{line} in\n{terminal}");
    }
    // The figure of a rule that could not be scored is shown, with why.
    assert!(terminal.contains("29 ms, from 3 values abov"), "{terminal}");

    // summary.json: verdict codes, both ends of the score, the whole build.
    let s = summary(&out);
    assert_eq!(s["verdict"], "fail");
    assert_eq!(s["overall"], OVERALL);
    let runs = s["runs"].as_array().unwrap();
    let by_name = |n: &str| runs.iter().find(|r| r["name"] == n).unwrap();
    // Weights: error rate 50, P95 30, P99 20. Low end: inconclusive rules earn
    // nothing; high end: they earn their weight.
    for (name, verdict, low, high) in [
        ("pass", "pass", 50.0 + 30.0, 100.0),
        ("inconclusive", "inconclusive", 50.0, 100.0),
        ("fail", "fail", 30.0, 30.0 + 20.0),
    ] {
        let score = &by_name(name)["score"];
        assert_eq!(score["verdict"], verdict, "{name}");
        assert_eq!(score["value"].as_f64(), Some(low), "{name}");
        assert_eq!(score["value_high"].as_f64(), Some(high), "{name}");
        assert_eq!(score["passed"], verdict == "pass", "{name}");
    }
    let p99 = &by_name("pass")["score"]["rules"][2];
    assert_eq!(p99["status"], "inconclusive");
    // 300 latencies 10..29 ms, 15 of each: nearest-rank P99 (rank 297) is 29 ms.
    assert_eq!(p99["measured"].as_f64(), Some(29.0));
    assert_eq!(p99["unscored"], "from 3 values above it: too few to score");
    let bp = &s["scenario_set"]["breaking_point"];
    assert_eq!(
        (bp["from_users"].as_u64(), bp["to_users"].as_u64()),
        (Some(20), Some(30)),
        "the inconclusive step (20 users) is not where the ladder breaks"
    );

    // report.md: the alert and the overall line first, then marks in the matrix.
    let md = fs::read_to_string(out.join("report.md")).unwrap();
    let mut lines = md.lines();
    assert_eq!(lines.next(), Some("> [!CAUTION]"));
    assert_eq!(lines.next(), Some(format!("> ❌ **{OVERALL}**").as_str()));
    assert!(md.contains(
        "| **Verdict** | ✅ **PASS** 80.0–100.0 | ⚠️ **INCONCLUSIVE** 50.0–100.0 | ❌ **FAIL** 30.0–50.0 |"
    ));
    assert!(
        md.contains("| p95 (p95 &lt; 50ms) | ✅ 28.0 ms | ⚠️ 29 ms | ✅ 28.0 ms |"),
        "the inconclusive column says INCONCLUSIVE, never FAIL, and keeps its figure"
    );
    assert!(md
        .contains("| 0–20 / 20 | ⚠️ INCONCLUSIVE: P99 needs ≥ 1,000 requests; this run has 300 |"));
    let matrix =
        &md[md.find("## SLA compliance").unwrap()..md.find("**Breaking point.**").unwrap()];
    assert!(
        !matrix.contains('—'),
        "every rule's figure is in the input:\n{matrix}"
    );

    // index.html: the overall line first in the page, and a badge per verdict.
    let html = fs::read_to_string(out.join("index.html")).unwrap();
    let body = &html[html.find("<body>").unwrap()..];
    let overall = body.find(OVERALL).expect("overall line in index.html");
    assert!(overall < body.find("<h1>").unwrap(), "before the title");
    for badge in [
        "<span class=\"badge pass\">PASS</span>",
        "<span class=\"badge inconclusive\">INCONCLUSIVE</span>",
        "<span class=\"badge fail\">FAIL</span>",
    ] {
        assert!(html.contains(badge), "{badge}");
    }
    let page = fs::read_to_string(out.join("runs/run-inconclusive.html")).unwrap();
    assert!(page.contains("<div class=\"verdict inconclusive\">"));
    assert!(page.contains(
        "29 ms, <span class=\"unscored\">from 7 values above it: too few to score</span>"
    ));

    // junit.xml: an inconclusive rule and an inconclusive run are skipped with
    // their reason, neither passed nor failed.
    let junit = fs::read_to_string(out.join("junit.xml")).unwrap();
    let case = |name: &str, suite: &str| -> String {
        let start = junit
            .find(&format!("SLA Verdict states: {suite}\""))
            .unwrap();
        let rest = &junit[start..];
        let at = rest.find(&format!("name=\"{name}")).unwrap();
        rest[at..rest[at..].find("</testcase>").unwrap() + at].to_string()
    };
    assert!(!case("verdict: PASS", "pass").contains("<failure"));
    assert!(!case("verdict: PASS", "pass").contains("<skipped"));
    assert!(case("verdict: INCONCLUSIVE", "inconclusive").contains(
        "<skipped message=\"INCONCLUSIVE: Score 50.0–100.0: the pass mark 70 is reached only if"
    ));
    assert!(case("verdict: FAIL", "fail").contains("<failure message=\"FAIL: Score 30.0–50.0"));
    assert!(case("p99: p99 &lt; 50ms", "pass").contains(
        "<skipped message=\"INCONCLUSIVE: P99 needs ≥ 1,000 requests; this run has 300\"/>"
    ));
    assert!(junit.contains("tests=\"12\" failures=\"2\" errors=\"0\" skipped=\"5\""));
}

#[test]
fn a_single_inconclusive_run_opens_with_a_warning_and_exits_1() {
    let (_d, out) = out_dir();
    let run = perfreport()
        .args(["build", &fixture("verdict/inconclusive"), "--sla"])
        .arg(fixture("sla/verdict.toml"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1), "INCONCLUSIVE is not a pass");
    let md = fs::read_to_string(out.join("report.md")).unwrap();
    let head: Vec<&str> = md.lines().take(3).collect();
    assert_eq!(
        head,
        [
            "> [!WARNING]",
            "> ⚠️ **inconclusive: INCONCLUSIVE, score 50.0–100.0 / 100.**",
            "> - ⚠️ Score 50.0–100.0: the pass mark 70 is reached only if the rules that could not be judged pass: p95 (P95 needs ≥ 200 requests; this run has 150); p99 (P99 needs ≥ 1,000 requests; this run has 150).",
        ]
    );
    // Under about 60 lines before the first fold, and no table wider than 8 columns.
    let before = md.find("<details>").unwrap();
    assert!(md[..before].lines().count() < 60);
    for l in md.lines().filter(|l| l.starts_with('|')) {
        assert!(l.matches(" | ").count() < 8, "{l}");
    }
}
