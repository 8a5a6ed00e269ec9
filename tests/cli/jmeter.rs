//! JMeter readers: every JTL fixture against an independent computation
//! (parsing the file here, sorting every `elapsed`), JMeter's own summariser
//! and dashboard figures, nested XML sub-samples, header-less and TAB files,
//! bad rows.

use crate::common::assert_close;
use crate::common::{build, fixture, out_dir, perfreport, root, summary};
use perfreport::stats::histogram::nearest_rank;
use predicates::prelude::*;
use serde_json::Value;
use std::io::Read;

/// One request as read by the test itself.
#[derive(Debug, Clone)]
struct Req {
    ts: f64,
    elapsed: f64,
    label: String,
    ok: bool,
}

fn bytes(rel: &str) -> Vec<u8> {
    let raw = std::fs::read(root().join(rel)).unwrap();
    if rel.ends_with(".gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .unwrap();
        out
    } else {
        raw
    }
}

/// A CSV JTL: with a header the columns are looked up by name; without, the
/// positions of timeStamp, elapsed, label and success are given.
fn csv_jtl(rel: &str, delimiter: u8, positions: Option<[usize; 4]>) -> Vec<Req> {
    let data = bytes(rel);
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(positions.is_none())
        .from_reader(&data[..]);
    let [ts, el, lb, ok] = positions.unwrap_or_else(|| {
        let h = rdr.headers().unwrap().clone();
        let at = |n: &str| h.iter().position(|c| c == n).unwrap();
        [at("timeStamp"), at("elapsed"), at("label"), at("success")]
    });
    rdr.byte_records()
        .map(|r| {
            let r = r.unwrap();
            let text = |i: usize| String::from_utf8_lossy(&r[i]).trim().to_string();
            Req {
                ts: text(ts).parse().unwrap(),
                elapsed: text(el).parse().unwrap(),
                label: text(lb),
                ok: match text(ok).as_str() {
                    "true" => true,
                    "false" => false,
                    o => panic!("success={o}"),
                },
            }
        })
        .collect()
}

/// An XML JTL: JMeter writes top-level samples unindented and nested ones
/// indented, so top-level samples are the lines starting `<httpSample ` or `<sample `.
fn xml_jtl(rel: &str) -> Vec<Req> {
    let text = String::from_utf8(bytes(rel)).unwrap();
    let attr = |line: &str, k: &str| -> String {
        let key = format!(" {k}=\"");
        let start = line.find(&key).unwrap_or_else(|| panic!("{k} in {line}")) + key.len();
        line[start..].split('"').next().unwrap().to_string()
    };
    text.lines()
        .filter(|l| l.starts_with("<httpSample ") || l.starts_with("<sample "))
        .map(|l| Req {
            ts: attr(l, "ts").parse().unwrap(),
            elapsed: attr(l, "t").parse().unwrap(),
            label: attr(l, "lb"),
            ok: attr(l, "s") == "true",
        })
        .collect()
}

fn exact(reqs: &[&Req], pct: f64) -> f64 {
    let mut v: Vec<f64> = reqs.iter().map(|r| r.elapsed).collect();
    v.sort_by(f64::total_cmp);
    nearest_rank(&v, pct).unwrap()
}

/// Requests, failures, P50/P95/P99/max of the totals and of every endpoint,
/// and the run's start and duration, against `reqs`.
fn check(rel: &str, reqs: &[Req]) -> Value {
    assert!(!reqs.is_empty(), "{rel}");
    let (_, _d, out) = build(&[&fixture(rel)]);
    let s = summary(&out);
    let run = s["runs"][0].clone();
    assert_eq!(run["tool"], "jmeter", "{rel}");
    let all: Vec<&Req> = reqs.iter().collect();
    let t = &run["totals"];
    assert_eq!(t["requests"].as_u64(), Some(reqs.len() as u64), "{rel}");
    let failures = reqs.iter().filter(|r| !r.ok).count() as u64;
    assert_eq!(t["failures"].as_u64(), Some(failures), "{rel} failures");
    for (key, pct) in [("p50", 50.0), ("p95", 95.0), ("p99", 99.0), ("max", 100.0)] {
        assert_close(
            &t["latency_ms"][key],
            exact(&all, pct),
            &format!("{rel} {key}"),
        );
    }
    let endpoints = run["endpoints"].as_array().unwrap();
    let mut labels: Vec<&str> = reqs.iter().map(|r| r.label.as_str()).collect();
    labels.sort_unstable();
    labels.dedup();
    assert_eq!(endpoints.len(), labels.len(), "{rel} endpoints");
    for ep in endpoints {
        let name = ep["name"].as_str().unwrap();
        assert_eq!(ep["method"], "", "JTL has no method");
        let mine: Vec<&Req> = reqs.iter().filter(|r| r.label == name).collect();
        assert_eq!(
            ep["requests"].as_u64(),
            Some(mine.len() as u64),
            "{rel} {name}"
        );
        let f = mine.iter().filter(|r| !r.ok).count() as u64;
        assert_eq!(ep["failures"].as_u64(), Some(f), "{rel} {name} failures");
        assert_close(
            &ep["latency_ms"]["p95"],
            exact(&mine, 95.0),
            &format!("{rel} {name} p95"),
        );
    }
    // Start = earliest timeStamp (files need not be sorted); duration runs to
    // the latest end (timeStamp + elapsed).
    let first = reqs.iter().map(|r| r.ts).fold(f64::MAX, f64::min);
    let last = reqs
        .iter()
        .map(|r| r.ts + r.elapsed)
        .fold(f64::MIN, f64::max);
    let started = chrono::DateTime::parse_from_rfc3339(run["started_at"].as_str().unwrap())
        .unwrap()
        .timestamp();
    assert_eq!(started, (first / 1000.0).floor() as i64, "{rel} start");
    assert!(
        (run["duration_s"].as_f64().unwrap() - (last - first) / 1000.0).abs() < 1e-6,
        "{rel} duration {} vs {}",
        run["duration_s"],
        (last - first) / 1000.0
    );
    run
}

#[test]
fn csv_jtls_with_a_header_match_a_sorted_computation() {
    for rel in [
        "jmeter/codequester-nourl-2019.jtl",
        "jmeter/iziteco-kafka-5.6.3-tail600.jtl",
        "jmeter/perfplugin-multiline-label-2017.jtl",
        "jmeter/reqres-403-5.6.3.jtl",
        "jmeter/seckill-zh-2020-head1500.jtl",
        "jmeter/taurus-simple-kpi-2018.jtl",
        "jmeter/results_default_fields.jtl",
        "jmeter/results.jtl.gz",
    ] {
        check(rel, &csv_jtl(&format!("tests/fixtures/{rel}"), b',', None));
    }
}

#[test]
fn a_tab_delimited_jtl_reads() {
    let rel = "jmeter/taurus-tabs-2017.jtl";
    let reqs = csv_jtl(&format!("tests/fixtures/{rel}"), b'\t', None);
    assert_eq!(reqs.len(), 4);
    let run = check(rel, &reqs);
    assert_eq!(run["endpoints"][0]["name"], "http://localhost:8080");
    assert_eq!(run["users"], 1, "allThreads");
}

#[test]
fn a_headerless_jtl_maps_columns_by_position() {
    // JMeter 2.x, 10 columns: timeStamp,elapsed,label,rc,rm,threadName,dataType,success,bytes,Latency.
    let rel = "jmeter/perfplugin-noheader-2014.jtl";
    let reqs = csv_jtl(&format!("tests/fixtures/{rel}"), b',', Some([0, 1, 2, 7]));
    assert_eq!(reqs.len(), 3);
    let run = check(rel, &reqs);
    assert_eq!(run["users"], Value::Null, "no thread counts in this layout");

    // The same rows read with and without their header give the same run.
    for rel in [
        "jmeter/results_default_fields.jtl",
        "jmeter/codequester-nourl-2019.jtl",
    ] {
        let text = String::from_utf8(bytes(&fixture(rel))).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let bare = dir.path().join("bare.jtl");
        std::fs::write(&bare, text.split_once('\n').unwrap().1).unwrap();
        let (_, _d1, with) = build(&[&fixture(rel)]);
        let (_, _d2, without) = build(&[bare.to_str().unwrap()]);
        let (a, b) = (
            crate::common::without_sources(summary(&with)),
            crate::common::without_sources(summary(&without)),
        );
        for k in ["totals", "endpoints", "failures", "users", "duration_s"] {
            assert_eq!(a["runs"][0][k], b["runs"][0][k], "{rel} {k}");
        }
    }
}

#[test]
fn jmeters_own_summariser_agrees() {
    // The last `summary =` line of the run's console: requests, errors, min, max.
    let console =
        std::fs::read_to_string(root().join(fixture("jmeter/results_console.txt"))).unwrap();
    let line = console
        .lines()
        .rfind(|l| l.starts_with("summary ="))
        .unwrap();
    let words: Vec<&str> = line.split_whitespace().collect();
    let after = |w: &str| -> f64 {
        let i = words.iter().position(|x| *x == w).unwrap();
        words[i + 1].parse().unwrap()
    };
    let requests = words[2].parse::<u64>().unwrap();
    let (_, _d, out) = build(&[&fixture("jmeter/results.jtl.gz")]);
    let s = summary(&out);
    let t = &s["runs"][0]["totals"];
    assert_eq!(t["requests"].as_u64(), Some(requests));
    assert_eq!(requests, 5023);
    assert_eq!(t["failures"].as_f64(), Some(after("Err:")));
    assert_eq!(t["latency_ms"]["min"].as_f64(), Some(after("Min:")));
    assert_close(&t["latency_ms"]["max"], after("Max:"), "max");
    assert_eq!(s["runs"][0]["users"], 20);
}

#[test]
fn xml_jtls_match_a_sorted_computation() {
    for rel in [
        "jmeter/perfplugin-multilevel-2011.jtl",
        "jmeter/taurus-simple-error-2018.jtl",
        "jmeter/taurus-standard-errors-2015-first20.jtl",
    ] {
        check(rel, &xml_jtl(&format!("tests/fixtures/{rel}")));
    }
}

fn failures(run: &Value) -> Vec<(String, Option<u64>, u64)> {
    run["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["error"].as_str().unwrap().to_string(),
                f["status"].as_u64(),
                f["occurrences"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn xml_failure_messages_come_from_assertions_and_transport_errors() {
    let (_, _d, out) = build(&[&fixture("jmeter/taurus-standard-errors-2015-first20.jtl")]);
    let run = summary(&out)["runs"][0].clone();
    let f = failures(&run);
    // 10 responses of 200 rejected by a `Response Assertion`, 10 timeouts without a response.
    assert!(
        f.contains(&(
            "Test failed: text expected to contain /fail-it/".to_string(),
            Some(200),
            10
        )),
        "{f:?}"
    );
    assert!(
        f.contains(&(
            "Non HTTP response code: java.net.SocketTimeoutException".to_string(),
            None,
            10
        )),
        "{f:?}"
    );
    // The 404 samples of the Taurus error log: failed by `s`, message from `rm`.
    let (_, _d, out) = build(&[&fixture("jmeter/taurus-simple-error-2018.jtl")]);
    let run = summary(&out)["runs"][0].clone();
    assert_eq!(
        failures(&run),
        vec![("Not Found".to_string(), Some(404), 3)]
    );
    assert_eq!(run["users"], 1, "na attribute");
}

#[test]
fn nested_sub_samples_are_not_requests() {
    // A transaction controller ("generate parent sample") holding two requests,
    // one with a redirect, beside a plain request: the controller's sample is a
    // transaction, its two samplers and the plain one are the 3 requests, and
    // the redirect hops are parts of GET /cart.
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<testResults version="1.2">
<sample t="300" it="0" lt="0" ts="1700000000000" s="false" lb="Checkout" rc="500" rm="Number of samples in transaction : 2, number of failing samples : 1" tn="TG 1-1" dt="" by="700" ng="3" na="3">
  <httpSample t="100" lt="90" ts="1700000000000" s="true" lb="GET /cart" rc="200" rm="OK" tn="TG 1-1" dt="text" by="300" ng="3" na="3">
    <httpSample t="40" lt="40" ts="1700000000000" s="true" lb="GET /cart-0" rc="302" rm="Found" tn="TG 1-1" dt="text" by="100" ng="3" na="3"/>
    <httpSample t="60" lt="50" ts="1700000000040" s="true" lb="GET /cart-1" rc="200" rm="OK" tn="TG 1-1" dt="text" by="200" ng="3" na="3"/>
  </httpSample>
  <httpSample t="200" lt="190" ts="1700000000100" s="false" lb="POST /pay" rc="500" rm="Server Error" tn="TG 1-1" dt="text" by="400" ng="3" na="3">
    <assertionResult>
      <name>status</name>
      <failure>true</failure>
      <error>false</error>
      <failureMessage>nested message, not the parent's</failureMessage>
    </assertionResult>
  </httpSample>
</sample>
<httpSample t="50" lt="50" ts="1700000000400" s="true" lb="GET /health" rc="404" rm="Not Found" tn="TG 1-2" dt="text" by="10" ng="3" na="3"/>
</testResults>
"#;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nested.xml");
    std::fs::write(&file, xml).unwrap();
    let (_, _d, out) = build(&[file.to_str().unwrap()]);
    let run = summary(&out)["runs"][0].clone();
    assert_eq!(run["totals"]["requests"], 3);
    assert_eq!(run["totals"]["failures"], 1);
    let names: Vec<&str> = run["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["GET /cart", "GET /health", "POST /pay"]);
    assert_eq!(run["totals"]["latency_ms"]["max"].as_f64(), Some(200.0));
    let tx = &run["transactions"][0];
    assert_eq!(
        (&tx["name"], &tx["requests"], &tx["failures"]),
        (&Value::from("Checkout"), &Value::from(1), &Value::from(1))
    );
    assert_eq!(tx["latency_ms"]["max"].as_f64(), Some(300.0));
    // The failed sampler's own assertion message; the 404 an assertion accepted is a success.
    assert_eq!(
        failures(&run),
        vec![("nested message, not the parent's".to_string(), Some(500), 1)]
    );
}

#[test]
fn success_decides_not_the_response_code() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("run.jtl");
    std::fs::write(
        &file,
        "timeStamp,elapsed,label,responseCode,responseMessage,success,failureMessage,allThreads\n\
         1700000000000,10,GET /missing,404,Not Found,true,,2\n\
         1700000000010,20,GET /ok,200,OK,false,Body did not contain items,2\n\
         1700000000020,30,GET /ok,200,OK,false,,3\n\
         1700000000030,40,GET /ok,Non HTTP response code: java.net.ConnectException,Non HTTP response message: Connection refused,false,,3\n",
    )
    .unwrap();
    let (_, _d, out) = build(&[file.to_str().unwrap()]);
    let run = summary(&out)["runs"][0].clone();
    assert_eq!(run["totals"]["requests"], 4);
    assert_eq!(run["totals"]["failures"], 3);
    assert_eq!(run["endpoints"][0]["failures"], 0, "the accepted 404");
    assert_eq!(run["users"], 3);
    let mut f = failures(&run);
    f.sort();
    assert_eq!(
        f,
        vec![
            ("Body did not contain items".to_string(), Some(200), 1),
            (
                "Non HTTP response code: java.net.ConnectException".to_string(),
                None,
                1
            ),
            (
                "assertion failed (HTTP 200 OK; no failure message saved)".to_string(),
                Some(200),
                1
            ),
        ]
    );
}

#[test]
fn without_a_label_column_the_url_names_the_endpoint() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("run.jtl");
    std::fs::write(
        &file,
        "timeStamp,elapsed,URL,success\n\
         1700000000000,10,http://h:8080/users/123?x=1,true\n\
         1700000000010,20,http://h:8080/users/456,true\n",
    )
    .unwrap();
    let (_, _d, out) = build(&[file.to_str().unwrap()]);
    let run = summary(&out)["runs"][0].clone();
    assert_eq!(run["endpoints"].as_array().unwrap().len(), 1);
    assert_eq!(run["endpoints"][0]["name"], "/users/{id}");
    assert_eq!(run["endpoints"][0]["requests"], 2);
}

#[test]
fn chinese_labels_and_unsorted_rows_read() {
    let (_, _d, out) = build(&[&fixture("jmeter/seckill-zh-2020-head1500.jtl")]);
    let run = summary(&out)["runs"][0].clone();
    assert_eq!(run["endpoints"][0]["name"], "商品列表");
    assert_eq!(run["users"], 1000);
}

const BAD: &str = "timeStamp,elapsed,label,responseCode,success\n\
    1700000000000,10,\"two\nlines\",200,true\n\
    1700000000010,slow,GET /a,200,true\n\
    1700000000020,30,GET /a,200,maybe\n\
    1700000000030,40,GET /a,200,true\n";

#[test]
fn a_bad_row_names_file_and_line_unless_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.jtl");
    std::fs::write(&file, BAD).unwrap();
    let (_d, out) = out_dir();
    // The quoted label spans lines 2-3, so the non-numeric elapsed is on line 4.
    perfreport()
        .args(["build", file.to_str().unwrap(), "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.jtl: line 4, column 2: `slow` in column `elapsed` is not a whole number",
        ));
    let (_, _d2, out) = build(&[file.to_str().unwrap(), "--skip-bad-rows"]);
    let s = summary(&out);
    assert_eq!(s["runs"][0]["totals"]["requests"], 2);
    let w = s["runs"][0]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "bad-rows-skipped")
        .unwrap();
    assert!(
        w["message"]
            .as_str()
            .unwrap()
            .starts_with("2 malformed rows were skipped"),
        "{w}"
    );
}

#[test]
fn a_bad_xml_sample_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.jtl");
    std::fs::write(
        &file,
        "<?xml version=\"1.0\"?>\r\n<testResults version=\"1.2\">\r\n\
         <httpSample t=\"5\" ts=\"1700000000000\" s=\"true\" lb=\"a\" rc=\"200\"/>\r\n\
         <httpSample t=\"x\" ts=\"1700000000000\" s=\"true\" lb=\"a\" rc=\"200\">\r\n</httpSample>\r\n\
         <httpSample t=\"7\" ts=\"1700000000000\" s=\"true\" lb=\"a\" rc=\"200\"/>\r\n</testResults>\r\n",
    )
    .unwrap();
    let (_d, out) = out_dir();
    perfreport()
        .args(["build", file.to_str().unwrap(), "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.jtl: line 4: `x` in attribute `t` (elapsed) is not a whole number",
        ));
    let (_, _d2, out) = build(&[file.to_str().unwrap(), "--skip-bad-rows"]);
    assert_eq!(summary(&out)["runs"][0]["totals"]["requests"], 2);

    // Broken XML: the line of the fault.
    std::fs::write(
        &file,
        "<testResults>\n<httpSample t=\"5\" ts=\"1\" s=\"true\" lb=\"a\"/>\n</sample>\n",
    )
    .unwrap();
    perfreport()
        .args(["build", file.to_str().unwrap(), "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.jtl: line 3: not well-formed XML",
        ));
}

#[test]
fn dates_without_a_zone_are_read_and_the_zone_is_said_to_be_unknown() {
    // JMeter 2.13 with timestamp_format=yyyy/MM/dd HH:mm:ss.SSS (see the README).
    let rel = "jmeter/dates-2.13.jtl";
    let data = bytes(&fixture(rel));
    let mut rdr = csv::Reader::from_reader(&data[..]);
    let rows: Vec<(chrono::NaiveDateTime, f64)> = rdr
        .records()
        .map(|r| {
            let r = r.unwrap();
            let t = chrono::NaiveDateTime::parse_from_str(&r[0], "%Y/%m/%d %H:%M:%S%.3f").unwrap();
            (t, r[1].parse().unwrap())
        })
        .collect();
    assert_eq!(rows.len(), 95, "JMeter's summariser: 95 samples");
    let first = rows.iter().map(|r| r.0).min().unwrap();
    let last = rows
        .iter()
        .map(|r| r.0 + chrono::Duration::milliseconds(r.1 as i64))
        .max()
        .unwrap();
    let mut elapsed: Vec<f64> = rows.iter().map(|r| r.1).collect();

    let (_, _d, out) = build(&[&fixture(rel)]);
    let run = summary(&out)["runs"][0].clone();
    assert_eq!(run["totals"]["requests"], 95);
    assert_close(
        &run["totals"]["latency_ms"]["p95"],
        crate::common::nearest(&mut elapsed, 95.0),
        "p95",
    );
    assert_close(
        &run["duration_s"],
        (last - first).num_milliseconds() as f64 / 1000.0,
        "duration",
    );
    // As written, without an offset, and said so.
    assert_eq!(
        run["started_at"],
        first.format("%Y-%m-%dT%H:%M:%S").to_string()
    );
    assert!(run["notes"].to_string().contains("the zone is unknown"));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains(&format!(
            "{}, zone unknown",
            first.format("%Y-%m-%d %H:%M:%S")
        )),
        "{md}"
    );

    // --timezone places them; run.toml `timezone` overrides it for its run.
    let (_, _d, out) = build(&[&fixture(rel), "--timezone", "+01:00"]);
    let run = summary(&out)["runs"][0].clone();
    let utc = (first - chrono::Duration::hours(1))
        .and_utc()
        .format("%Y-%m-%dT%H:%M:%S+00:00");
    assert_eq!(run["started_at"], utc.to_string());
    assert!(!run["notes"].to_string().contains("zone is unknown"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture(rel), dir.path().join("dates.jtl")).unwrap();
    std::fs::write(dir.path().join("run.toml"), "timezone = \"-05:00\"\n").unwrap();
    let (_, _d, out) = build(&[dir.path().to_str().unwrap(), "--timezone", "+01:00"]);
    let run = summary(&out)["runs"][0].clone();
    let utc = (first + chrono::Duration::hours(5))
        .and_utc()
        .format("%Y-%m-%dT%H:%M:%S+00:00");
    assert_eq!(run["started_at"], utc.to_string());
    assert_eq!(run["totals"]["requests"], 95, "the zone changes no count");
}

#[test]
fn a_date_in_a_form_not_read_is_refused_even_with_skip_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dates.jtl");
    std::fs::write(
        &file,
        "timeStamp,elapsed,label,success\n26/03/2019 10:00:00,10,a,true\n",
    )
    .unwrap();
    let (_d, out) = out_dir();
    perfreport()
        .args(["build", file.to_str().unwrap(), "--skip-bad-rows", "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "dates.jtl: line 2, column 1: `26/03/2019 10:00:00` in column `timeStamp` is a date in a form perfreport does not read",
        ));
    perfreport()
        .args([
            "build",
            file.to_str().unwrap(),
            "--timezone",
            "Mars/Olympus",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--timezone Mars/Olympus: `Mars/Olympus` is not an offset",
        ));
}

#[test]
fn dashboard_statistics_are_copied_as_the_tool_computed_them() {
    for rel in [
        "jmeter/reqres-403-5.6.3_statistics.json",
        "jmeter/iziteco-kafka-5.6.3_statistics.json",
    ] {
        let file: serde_json::Map<String, Value> =
            serde_json::from_slice(&bytes(&fixture(rel))).unwrap();
        let (_, _d, out) = build(&[&fixture(rel)]);
        let run = summary(&out)["runs"][0].clone();
        assert_eq!(run["tool"], "jmeter");
        let endpoints = run["endpoints"].as_array().unwrap();
        assert_eq!(endpoints.len(), file.len() - 1, "{rel}");
        for (key, e) in &file {
            let got = if key == "Total" {
                &run["totals"]
            } else {
                endpoints.iter().find(|x| x["name"] == *key).unwrap()
            };
            assert_eq!(got["requests"], e["sampleCount"], "{rel} {key}");
            assert_eq!(got["failures"], e["errorCount"], "{rel} {key}");
            let l = &got["latency_ms"];
            assert_eq!(l["precision"], "tool");
            for (mine, theirs) in [
                ("min", "minResTime"),
                ("avg", "meanResTime"),
                ("max", "maxResTime"),
                ("p50", "medianResTime"),
                ("p90", "pct1ResTime"),
                ("p95", "pct2ResTime"),
                ("p99", "pct3ResTime"),
            ] {
                assert_eq!(l[mine], e[theirs], "{rel} {key} {mine}");
            }
            assert_eq!(got["throughput_rps"], e["throughput"], "{rel} {key}");
            let pct = e["errorPct"].as_f64().unwrap();
            assert!(
                (got["error_rate"].as_f64().unwrap() * 100.0 - pct).abs() < 1e-4,
                "{rel} {key}: errorPct is a percentage"
            );
        }
    }
}

#[test]
fn the_dashboard_and_the_jtl_of_one_run_agree() {
    let (_, _d1, a) = build(&[&fixture("jmeter/reqres-403-5.6.3.jtl")]);
    let (_, _d2, b) = build(&[&fixture("jmeter/reqres-403-5.6.3_statistics.json")]);
    let (a, b) = (summary(&a), summary(&b));
    let (ta, tb) = (&a["runs"][0]["totals"], &b["runs"][0]["totals"]);
    for k in ["requests", "failures"] {
        assert_eq!(ta[k], tb[k], "{k}");
    }
    for k in ["min", "max", "avg"] {
        assert_close(
            &ta["latency_ms"][k],
            tb["latency_ms"][k].as_f64().unwrap(),
            k,
        );
    }
}

/// Rows of a CSV JTL split by the test itself: Transaction Controller rows
/// (responseMessage "Number of samples in transaction …", dataType empty) and samplers.
fn split_transactions(rel: &str) -> (Vec<Req>, Vec<Req>) {
    let data = bytes(&format!("tests/fixtures/{rel}"));
    let mut rdr = csv::Reader::from_reader(&data[..]);
    let h = rdr.headers().unwrap().clone();
    let at = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (ts, el, lb, ok, rm, dt) = (
        at("timeStamp"),
        at("elapsed"),
        at("label"),
        at("success"),
        at("responseMessage"),
        at("dataType"),
    );
    let (mut samplers, mut transactions) = (Vec::new(), Vec::new());
    for r in rdr.records() {
        let r = r.unwrap();
        let req = Req {
            ts: r[ts].parse().unwrap(),
            elapsed: r[el].parse().unwrap(),
            label: r[lb].to_string(),
            ok: &r[ok] == "true",
        };
        if r[rm].starts_with("Number of samples in transaction") && r[dt].is_empty() {
            transactions.push(req);
        } else {
            samplers.push(req);
        }
    }
    (samplers, transactions)
}

#[test]
fn transaction_controller_rows_are_a_table_of_their_own() {
    let rel = "jmeter/transactions-2.13.jtl";
    let (samplers, transactions) = split_transactions(rel);
    // JMeter's summariser counted 129 samples with 64 errors: both kinds together.
    assert_eq!(samplers.len() + transactions.len(), 129);
    assert_eq!(
        samplers
            .iter()
            .chain(&transactions)
            .filter(|r| !r.ok)
            .count(),
        64
    );
    let run = check(rel, &samplers);
    assert_eq!(run["totals"]["requests"], 97);
    assert!(run.get("requests_are_transactions").is_none());
    let tx = run["transactions"].as_array().unwrap();
    assert_eq!(tx.len(), 1);
    assert_eq!(tx[0]["name"], "Open page");
    assert_eq!(tx[0]["requests"].as_u64(), Some(transactions.len() as u64));
    let failed = transactions.iter().filter(|r| !r.ok).count() as u64;
    assert_eq!(tx[0]["failures"].as_u64(), Some(failed));
    let all: Vec<&Req> = transactions.iter().collect();
    for (key, pct) in [("p50", 50.0), ("p95", 95.0), ("max", 100.0)] {
        assert_close(&tx[0]["latency_ms"][key], exact(&all, pct), key);
    }
    // Every output says which is which.
    let (_, _d, out) = build(&[&fixture(rel)]);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains("<details><summary>Transactions (1)</summary>"),
        "{md}"
    );
    assert!(md.contains("count samplers only"), "{md}");
    assert!(md.contains("| Open page | 32 | 32 |"), "{md}");
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("<h3>Transactions</h3>") && html.contains("count samplers only"));
}

#[test]
fn transaction_rows_alone_count_as_the_requests() {
    let rel = "jmeter/transactions-parent-only-2.13.jtl";
    let (samplers, transactions) = split_transactions(rel);
    assert!(samplers.is_empty());
    let run = check(rel, &transactions);
    assert_eq!(run["totals"]["requests"], 25, "JMeter's summariser: 25");
    assert_eq!(run["requests_are_transactions"], true);
    assert!(run.get("transactions").is_none());
    let (_, _d, out) = build(&[&fixture(rel)]);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("These requests are transactions"), "{md}");
}
