//! What readers see: report.md snapshots, escaping of names from input files,
//! simulated labels on every page and chart, and byte-identical rebuilds.

use crate::common::{build, fixture, summary};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::fs;

fn read(out: &std::path::Path, name: &str) -> String {
    fs::read_to_string(out.join(name)).unwrap_or_else(|_| panic!("{name} written"))
}

#[test]
fn peak_report_md_snapshot() {
    let (_, _d, out) = build(&["samples/locust-peak", "--sla", "sla/peak.toml"]);
    insta::assert_snapshot!("peak_report_md", read(&out, "report.md"));
}

#[test]
fn simulated_report_md_snapshot() {
    let (_, _d, out) = build(&[&fixture("locust/simulated")]);
    insta::assert_snapshot!("simulated_report_md", read(&out, "report.md"));
}

#[test]
fn the_same_inputs_give_byte_identical_outputs() {
    let (_, _d1, a) = build(&["samples/locust-peak", "--sla", "sla/peak.toml"]);
    let (_, _d2, b) = build(&["samples/locust-peak", "--sla", "sla/peak.toml"]);
    for f in ["report.md", "index.html", "summary.json"] {
        assert_eq!(
            fs::read(a.join(f)).unwrap(),
            fs::read(b.join(f)).unwrap(),
            "{f} differs"
        );
    }
}

/// Counts the cells of every row of every table in a Markdown document, as
/// GitHub's parser would split them.
fn table_shapes(md: &str) -> Vec<Vec<usize>> {
    let mut tables = Vec::new();
    let (mut rows, mut cells) = (Vec::new(), 0);
    for ev in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match ev {
            Event::Start(Tag::Table(_)) => rows = Vec::new(),
            Event::Start(Tag::TableHead | Tag::TableRow) => cells = 0,
            Event::Start(Tag::TableCell) => cells += 1,
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => rows.push(cells),
            Event::End(TagEnd::Table) => tables.push(std::mem::take(&mut rows)),
            _ => {}
        }
    }
    tables
}

#[test]
fn hostile_names_are_escaped_in_markdown() {
    let (_, _d, out) = build(&[&fixture("locust/handmade/hostile-names")]);
    let md = read(&out, "report.md");
    let tables = table_shapes(&md);
    assert!(tables.len() >= 4, "key figures, rules, endpoints, errors");
    for t in &tables {
        assert!(t.iter().all(|n| *n == t[0]), "a name broke a table: {t:?}");
    }
    assert!(md.contains("/search?q=a\\|b"));
    assert!(!md.contains("<script>"), "raw HTML in Markdown");
    assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        !md.contains("@here") && md.contains("@&#8203;here"),
        "no mention"
    );
    assert!(!md.contains("@oncall") && !md.contains("@team") && !md.contains("@release-team"));
}

#[test]
fn hostile_names_are_escaped_in_html_and_svg() {
    let (_, _d, out) = build(&[&fixture("locust/handmade/hostile-names")]);
    let html = read(&out, "index.html");
    assert!(!html.contains("<script"), "no script element anywhere");
    assert!(!html.contains("<b>boom</b>"));
    assert!(!html.contains("<img"), "notes cannot inject elements");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"),
        "table cell escaped by Tera"
    );
    // The endpoint chart labels its bars with the names: escaped by the SVG backend.
    let svg_start = html
        .find("Response time per endpoint")
        .expect("endpoint chart");
    let svg = &html[svg_start..];
    assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("Hostile &lt;names&gt; | @team"));
}

#[test]
fn html_is_self_contained() {
    let (_, _d, out) = build(&["samples/locust-peak", "--sla", "sla/peak.toml"]);
    let html = read(&out, "index.html");
    for needle in [
        "src=\"http",
        "href=\"http",
        "@import",
        "url(http",
        "<link",
        "<script",
    ] {
        assert!(!html.contains(needle), "external reference: {needle}");
    }
    let titles = [
        "Response time over the run",
        "Throughput and failures over the run",
        "Active users over the run",
        "Response time per endpoint",
        "Request mix",
        "Failures by endpoint",
        "Failures by error",
    ];
    assert_eq!(html.matches("<svg").count(), titles.len(), "seven charts");
    for title in titles {
        // Each chart is named for screen readers and on hover.
        assert!(
            html.contains(&format!(
                "role=\"img\" aria-label=\"{title}\"><title>{title}</title>"
            )),
            "{title}"
        );
    }
    for axis in [
        "Elapsed time (s)",
        "Response time (ms)",
        "Requests per second (req/s)",
        "Requests",
        "Failed requests",
    ] {
        assert!(html.contains(axis), "axis label {axis}");
    }
    assert!(
        html.contains("SLA P95 target (100 ms)"),
        "target line in the key"
    );
    // Each endpoint's bar carries its figures from the input, and its share
    // of the request mix, in a <title> a browser shows on hover.
    let s = summary(&out);
    let endpoints = s["runs"][0]["endpoints"].as_array().unwrap();
    let total: f64 = endpoints
        .iter()
        .map(|e| e["requests"].as_f64().unwrap())
        .sum();
    let whole = |v: &serde_json::Value| format!("{} ms", v.as_f64().unwrap());
    for e in endpoints {
        // The label: METHOD NAME, unless the name already starts with the method.
        let (method, name) = (e["method"].as_str().unwrap(), e["name"].as_str().unwrap());
        let name = if name.starts_with(&format!("{method} ")) {
            name.to_string()
        } else {
            format!("{method} {name}")
        };
        let l = &e["latency_ms"];
        let figures = format!(
            "<title>{name}: P50 {}, P95 {}, P99 {}</title>",
            whole(&l["p50"]),
            whole(&l["p95"]),
            whole(&l["p99"])
        );
        assert!(html.contains(&figures), "{figures}");
        let requests = e["requests"].as_u64().unwrap();
        let share = requests as f64 / total * 100.0;
        let mix = format!("<title>{name}: {requests} requests (");
        let at = html.find(&mix).unwrap_or_else(|| panic!("{mix}"));
        let shown: f64 = html[at + mix.len()..]
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            (shown - share).abs() < 0.01,
            "{name}: {shown} % vs {share} %"
        );
    }
    assert!(html.contains("@media print"));
}

#[test]
fn simulated_runs_are_labelled_on_every_page_and_chart() {
    let (_, _d, out) = build(&[&fixture("locust/simulated")]);
    let md = read(&out, "report.md");
    assert!(md
        .lines()
        .next()
        .unwrap()
        .contains("SIMULATED — NOT VALID FOR SIGN-OFF"));
    let html = read(&out, "index.html");
    assert!(html.contains("<title>[SIMULATED]"));
    assert!(html.contains("class=\"simulated-banner\""));
    // A summary-only run still gets its per-endpoint charts: percentiles
    // against the target, the request mix, and failures (none here).
    let charts = html.matches("<svg").count();
    assert_eq!(charts, 3);
    for title in [
        "Response time per endpoint",
        "Request mix",
        "Failures by endpoint: none failed",
    ] {
        assert!(html.contains(&format!("<title>{title}</title>")), "{title}");
    }
    // The simulated banner is also in every printed page's margin.
    assert!(html.contains("@top-center { content: \"SIMULATED — NOT VALID FOR SIGN-OFF\""));
    assert_eq!(
        html.matches("\nSIMULATED\n</text>").count(),
        charts,
        "a watermark on every chart"
    );
    let s = crate::common::summary(&out);
    assert_eq!(s["runs"][0]["simulated"], true);
    assert_eq!(s["runs"][0]["score"]["verdict"], "NOT VALID FOR SIGN-OFF");
    assert_eq!(s["passed"], false);
}

#[test]
fn the_simulated_flag_labels_a_measured_run() {
    let (code, _d, out) = build(&[
        "samples/locust-target",
        "--sla",
        "sla/peak.toml",
        "--simulated",
    ]);
    assert_eq!(code, 1);
    let html = read(&out, "index.html");
    assert_eq!(
        html.matches("\nSIMULATED\n</text>").count(),
        html.matches("<svg").count()
    );
    assert!(read(&out, "report.md").starts_with("> **⚠ SIMULATED"));
}

#[test]
fn format_picks_the_outputs() {
    let (_, _d, out) = build(&["samples/locust-peak", "--format", "json,md"]);
    assert!(out.join("summary.json").is_file() && out.join("report.md").is_file());
    assert!(!out.join("index.html").exists());
}

#[test]
fn templates_can_be_overridden_one_file_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("report.md"),
        "CUSTOM {% for run in runs %}{{ run.name | md }}={{ run.verdict.label }}{% endfor %}\n",
    )
    .unwrap();
    let (_, _d, out) = build(&[
        "samples/locust-peak",
        "--sla",
        "sla/peak.toml",
        "--templates",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(read(&out, "report.md"), "CUSTOM Peak (50 users)=FAIL\n");
    assert!(
        read(&out, "index.html").contains("<svg"),
        "other templates stay built in"
    );
}

#[test]
fn the_summary_schema_check_has_teeth() {
    let (_, _d, out) = build(&["samples/locust-peak"]);
    let good = crate::common::summary(&out);
    let schema = crate::common::schema();
    assert!(schema.is_valid(&good));
    let mut bad = good.clone();
    bad["runs"][0]["totals"]["error_rate"] = serde_json::json!(2.54);
    assert!(
        !schema.is_valid(&bad),
        "a rate above 1 (a percentage) is rejected"
    );
    let mut bad = good.clone();
    bad["runs"][0]["score"]["rules"][0]["status"] = serde_json::json!("ok");
    assert!(!schema.is_valid(&bad));
    let mut bad = good;
    bad["runs"][0]["totals"]
        .as_object_mut()
        .unwrap()
        .remove("throughput_rps");
    assert!(
        !schema.is_valid(&bad),
        "missing figures are null, not absent"
    );
}
