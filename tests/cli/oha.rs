//! oha `-j`, nested under a runner's `.stdout.value`: figures against the
//! file's own numbers (seconds → ms), read here with serde_json.

use crate::common::{build, fixture, root, summary};
use serde_json::Value;

#[test]
fn oha_wrapped_figures_are_the_files_own() {
    let rel = "oha/crushtest-oha-wrapped.json";
    let f: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(fixture(rel))).unwrap()).unwrap();
    let o = &f["stdout"]["value"];
    let (_, _d, out) = build(&[&fixture(rel)]);
    let s = summary(&out);
    let run = &s["runs"][0];
    assert_eq!(run["tool"], "oha");
    let t = &run["totals"];
    let responses: u64 = o["statusCodeDistribution"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    // The only errors are the 20 requests cut off by -z: left out, as oha's
    // successRate (1) does.
    assert_eq!(o["errorDistribution"]["aborted due to deadline"], 20);
    assert_eq!(t["requests"].as_u64(), Some(responses));
    assert_eq!(t["failures"], 0);
    let ms = |v: &Value| v.as_f64().unwrap() * 1000.0;
    let l = &t["latency_ms"];
    for (key, src) in [("p50", "p50"), ("p95", "p95"), ("p99", "p99")] {
        assert_eq!(
            l[key].as_f64(),
            Some(ms(&o["latencyPercentiles"][src])),
            "{key}"
        );
    }
    assert_eq!(
        l["percentiles"]["p99.9"].as_f64(),
        Some(ms(&o["latencyPercentiles"]["p99.9"]))
    );
    assert_eq!(l["max"].as_f64(), Some(ms(&o["summary"]["slowest"])));
    assert_eq!(l["min"].as_f64(), Some(ms(&o["summary"]["fastest"])));
    assert_eq!(run["duration_s"], o["summary"]["total"]);
    assert_eq!(t["throughput_rps"], o["summary"]["requestsPerSec"]);
}

#[test]
fn oha_bare_form_reads_like_the_wrapped_one() {
    let rel = "oha/crushtest-oha-wrapped.json";
    let f: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(fixture(rel))).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let bare = dir.path().join("crushtest-oha-wrapped.json");
    std::fs::write(
        &bare,
        serde_json::to_string_pretty(&f["stdout"]["value"]).unwrap(),
    )
    .unwrap();
    let (_, _d1, a) = build(&[&fixture(rel)]);
    let (_, _d2, b) = build(&[bare.to_str().unwrap()]);
    assert_eq!(
        summary(&a)["runs"][0]["totals"],
        summary(&b)["runs"][0]["totals"]
    );
}
