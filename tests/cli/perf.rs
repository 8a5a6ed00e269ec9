//! Large-input machinery, checked on small files: parallel chunks give the
//! bytes of one sequential pass, the fast paths give the figures and errors of
//! the general readers, and the endpoint cap folds the names past it.

use crate::common::{fixture, perfreport, root};
use std::io::Write;
use std::path::Path;

/// What one build produced: exit code, stderr, summary.json and report.md (empty when none).
#[derive(PartialEq)]
struct Built {
    code: i32,
    stderr: String,
    summary: String,
    report: String,
}

impl std::fmt::Debug for Built {
    // The whole reports are long: show the exit code, stderr and a digest.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {} stderr {:?} summary {} bytes report {} bytes",
            self.code,
            self.stderr,
            self.summary.len(),
            self.report.len()
        )
    }
}

/// Asserts two builds wrote the same, naming the first line that differs.
fn same(a: &Built, b: &Built, what: &str) {
    for (name, x, y) in [
        ("stderr", &a.stderr, &b.stderr),
        ("summary.json", &a.summary, &b.summary),
        ("report.md", &a.report, &b.report),
    ] {
        if x != y {
            let first = x
                .lines()
                .zip(y.lines())
                .enumerate()
                .find(|(_, (l, r))| l != r)
                .map(|(i, (l, r))| format!("line {}: {l:?} vs {r:?}", i + 1));
            panic!("{what}: {name} differs, {first:?}");
        }
    }
    assert_eq!(a.code, b.code, "{what}");
}

fn run(path: &Path, extra: &[&str], no_fast_path: bool) -> Built {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let mut cmd = perfreport();
    cmd.arg("build")
        .arg(path)
        .arg("-o")
        .arg(&out)
        .arg("--quiet");
    cmd.args(extra);
    if no_fast_path {
        cmd.env("PERFREPORT_NO_FAST_PATH", "1");
    } else {
        cmd.env_remove("PERFREPORT_NO_FAST_PATH");
    }
    let o = cmd.output().unwrap();
    let read = |f: &str| std::fs::read_to_string(out.join(f)).unwrap_or_default();
    Built {
        code: o.status.code().unwrap(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        summary: read("summary.json"),
        report: read("report.md"),
    }
}

/// Every raw-sample fixture: files read per request.
fn raw_sample_fixtures() -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for (dir, exts) in [
        ("jmeter", &["jtl", "gz"][..]),
        ("hey", &["csv"][..]),
        ("k6/ndjson", &["ndjson"][..]),
        ("generic", &["csv"][..]),
        ("ab", &["tsv"][..]),
        ("vegeta", &["json"][..]),
    ] {
        let mut files: Vec<_> = std::fs::read_dir(root().join("tests/fixtures").join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.extension()
                    .is_some_and(|e| exts.contains(&e.to_string_lossy().as_ref()))
            })
            .collect();
        files.sort();
        out.extend(files);
    }
    for d in ["taurus-2017", "taurus-3.5.1", "ohrm-3.6.1"] {
        out.push(root().join("tests/fixtures/gatling").join(d));
    }
    assert!(out.len() >= 20, "{out:?}");
    out
}

fn jtl_fixtures() -> Vec<std::path::PathBuf> {
    raw_sample_fixtures()
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("/jmeter/"))
        .collect()
}

#[test]
fn one_thread_and_four_threads_write_the_same_bytes_for_every_raw_sample_fixture() {
    for f in raw_sample_fixtures() {
        let one = run(&f, &["--threads", "1"], false);
        let four = run(&f, &["--threads", "4"], false);
        assert_eq!(one.code, four.code, "{}: {}", f.display(), four.stderr);
        assert!(one.code != 2, "{}: {}", f.display(), one.stderr);
        same(&one, &four, &f.display().to_string());
    }
}

#[test]
fn the_fast_path_and_the_general_reader_agree_on_every_jtl_fixture() {
    for f in jtl_fixtures() {
        let general = run(&f, &["--threads", "1"], true);
        for threads in ["1", "3"] {
            let fast = run(&f, &["--threads", threads], false);
            same(
                &general,
                &fast,
                &format!("{} with {threads} threads", f.display()),
            );
        }
    }
}

#[test]
fn the_hey_k6_and_vegeta_fast_paths_agree_with_their_general_readers() {
    for f in [
        "vegeta/handmade_results.json",
        "hey/create_n2000_c10.csv",
        "hey/list_c20_20s_first1500.csv",
        "k6/ndjson/golangapi-2024_results.ndjson",
        "k6/ndjson/ticketreserve-2024_out.ndjson",
    ] {
        let p = root().join(fixture(f));
        let general = run(&p, &["--threads", "1"], true);
        assert_ne!(general.code, 2, "{f}: {}", general.stderr);
        for threads in ["1", "4"] {
            same(
                &general,
                &run(&p, &["--threads", threads], false),
                &format!("{f} with {threads} threads"),
            );
        }
    }
}

#[test]
fn the_gatling_fast_path_agrees_with_its_general_reader_on_every_text_log_and_its_gzip() {
    use flate2::{write::GzEncoder, Compression};
    let tmp = tempfile::tempdir().unwrap();
    for d in [
        "ohrm-3.6.1",
        "pix-2.2",
        "taurus-2017",
        "taurus-3.5.1",
        "taurus-groups-2018",
        "taurus-build-errors-2019",
        "taurus-scenario-start-2018",
    ] {
        let dir = root().join("tests/fixtures/gatling").join(d);
        let general = run(&dir, &["--threads", "1"], true);
        assert_ne!(general.code, 2, "{d}: {}", general.stderr);
        assert!(general.summary.contains("\"requests\""), "{d}");
        same(&general, &run(&dir, &["--threads", "3"], false), d);
        // The log alone, gzipped (the report files beside some logs stay out).
        let log = std::fs::read(dir.join("simulation.log")).unwrap();
        let mut e = GzEncoder::new(Vec::new(), Compression::fast());
        e.write_all(&log).unwrap();
        let gz_dir = tmp.path().join(d);
        std::fs::create_dir(&gz_dir).unwrap();
        let gz = gz_dir.join("simulation.log.gz");
        std::fs::write(&gz, e.finish().unwrap()).unwrap();
        let general = run(&gz, &[], true);
        assert_ne!(general.code, 2, "{d} gzip: {}", general.stderr);
        same(&general, &run(&gz, &[], false), &format!("{d} gzip"));
    }
}

const JTL_HEADER: &str = "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n";

fn jtl_row(i: u64, label: &str) -> String {
    let ok = i % 37 != 0;
    format!(
        "{},{},{label},{},{},Users 1-1,text,{ok},{},{},120,4,4,http://h/x,{},0,{}\n",
        1_700_000_000_000 + i * 13,
        5 + (i * 7919) % 300,
        if ok { 200 } else { 500 },
        if ok { "OK" } else { "Internal Server Error" },
        if ok {
            ""
        } else {
            "\"Test failed: code, expected 200\""
        },
        100 + i % 50,
        4 + i % 3,
        i % 2
    )
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::File::create(&p)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    p
}

#[test]
fn labels_with_quoted_newlines_across_chunk_boundaries_read_as_in_one_pass() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = JTL_HEADER.to_string();
    for i in 0..3000 {
        let label = match i % 5 {
            0 => "\"multi\nline, label\"".to_string(),
            1 => "\"say \"\"hi\"\"\"".to_string(),
            _ => format!("L{}", i % 4),
        };
        text.push_str(&jtl_row(i, &label));
    }
    let p = write(dir.path(), "quoted.jtl", &text);
    let general = run(&p, &["--threads", "1"], true);
    assert_eq!(general.code, 1, "{}", general.stderr);
    for threads in ["2", "3", "7"] {
        same(&general, &run(&p, &["--threads", threads], false), threads);
    }
}

#[test]
fn a_bad_row_deep_in_a_chunk_is_reported_at_its_file_line_and_skips_alike() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = JTL_HEADER.to_string();
    for i in 0..2000 {
        if i == 1500 || i == 1700 {
            text.push_str("1700000000000,abc,L1,200,OK,t,text,true,,1,1,1,1,u,1,0,0\n");
        } else {
            text.push_str(&jtl_row(i, &format!("L{}", i % 3)));
        }
    }
    let p = write(dir.path(), "bad.jtl", &text);
    let general = run(&p, &["--threads", "1"], true);
    assert_eq!(general.code, 2);
    assert!(general.stderr.contains("line 1502"), "{}", general.stderr);
    same(&general, &run(&p, &["--threads", "4"], false), "error");
    let general = run(&p, &["--threads", "1", "--skip-bad-rows"], true);
    assert_ne!(general.code, 2, "{}", general.stderr);
    assert!(general.summary.contains("line 1702"), "{}", general.summary);
    same(
        &general,
        &run(&p, &["--threads", "4", "--skip-bad-rows"], false),
        "skipped",
    );
}

#[test]
fn endpoints_past_the_cap_fold_into_other_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = JTL_HEADER.to_string();
    for i in 0..6000 {
        text.push_str(&jtl_row(i, &format!("/item/n{:04}", i % 2000)));
    }
    let p = write(dir.path(), "many.jtl", &text);
    let one = run(&p, &["--threads", "1"], false);
    assert_ne!(one.code, 2, "{}", one.stderr);
    same(&one, &run(&p, &["--threads", "4"], false), "4 threads");
    same(&one, &run(&p, &["--threads", "1"], true), "general reader");
    let s: serde_json::Value = serde_json::from_str(&one.summary).unwrap();
    crate::common::schema()
        .validate(&s)
        .expect("summary.json fits the schema");
    let run0 = &s["runs"][0];
    let endpoints = run0["endpoints"].as_array().unwrap();
    assert_eq!(endpoints.len(), 501);
    let other = endpoints.iter().find(|e| e["name"] == "other").unwrap();
    assert_eq!(other["requests"], 6000 - 500 * 3);
    assert_eq!(run0["totals"]["requests"], 6000);
    // The first 500 names in file order are kept.
    assert!(endpoints.iter().any(|e| e["name"] == "/item/n0499"));
    assert!(!endpoints.iter().any(|e| e["name"] == "/item/n0500"));
    let w = run0["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "endpoints-folded")
        .expect("endpoints-folded warning");
    assert_eq!(w["data"]["folded_names"], 1500);
    assert!(w["message"].as_str().unwrap().contains("1,500"), "{w}");
    // --max-endpoints moves the cap.
    let wide = run(&p, &["--max-endpoints", "2000"], false);
    let s: serde_json::Value = serde_json::from_str(&wide.summary).unwrap();
    assert_eq!(s["runs"][0]["endpoints"].as_array().unwrap().len(), 2000);
}

#[test]
fn files_over_a_blake3_leaf_are_hashed_by_the_reading_threads_to_the_b3sum_digest() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = JTL_HEADER.to_string();
    for i in 0..45_000 {
        // Some quoted labels with newlines, so ranges may start inside a record.
        let label = match i % 997 {
            0 => "\"multi\nline\"".to_string(),
            _ => format!("L{}", i % 4),
        };
        text.push_str(&jtl_row(i, &label));
    }
    assert!(
        text.len() > 3 << 20,
        "{} bytes: several 1 MiB leaves",
        text.len()
    );
    let p = write(dir.path(), "big.jtl", &text);
    let want = blake3::hash(text.as_bytes()).to_hex().to_string();
    let general = run(&p, &["--threads", "1"], true);
    assert_eq!(general.code, 1, "{}", general.stderr);
    let summary: serde_json::Value = serde_json::from_str(&general.summary).unwrap();
    assert_eq!(summary["runs"][0]["sources"][0]["blake3"], want.as_str());
    for threads in ["1", "2", "3", "5"] {
        same(&general, &run(&p, &["--threads", threads], false), threads);
    }
}

#[test]
fn a_log_and_its_gzip_side_by_side_are_read_once() {
    use flate2::{write::GzEncoder, Compression};
    let dir = tempfile::tempdir().unwrap();
    let mut text = JTL_HEADER.to_string();
    for i in 0..500 {
        text.push_str(&jtl_row(i, &format!("L{}", i % 3)));
    }
    let plain = write(dir.path(), "results.jtl", &text);
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    gz.write_all(text.as_bytes()).unwrap();
    std::fs::write(dir.path().join("results.jtl.gz"), gz.finish().unwrap()).unwrap();
    let gz_path = dir.path().join("results.jtl.gz");
    for (given, read, not_read) in [
        (dir.path(), &plain, &gz_path),
        (plain.as_path(), &plain, &gz_path),
        (gz_path.as_path(), &gz_path, &plain),
    ] {
        let built = run(given, &[], false);
        let s: serde_json::Value = serde_json::from_str(&built.summary).unwrap();
        let run0 = &s["runs"][0];
        assert_eq!(
            run0["totals"]["requests"], 500,
            "{given:?}: {}",
            built.stderr
        );
        let sources = run0["sources"].as_array().unwrap();
        // Outside the working directory, a source is named by its file name alone.
        let find = |p: &Path| {
            sources
                .iter()
                .find(|x| x["path"] == p.file_name().unwrap().to_string_lossy().as_ref())
                .unwrap_or_else(|| panic!("{p:?} not listed: {sources:?}"))
        };
        assert_eq!(find(read)["read"], true, "{given:?}");
        assert_eq!(find(not_read)["read"], false, "{given:?}");
        assert!(
            find(not_read)["role"]
                .as_str()
                .unwrap()
                .contains("count every request twice"),
            "{given:?}"
        );
    }
}

#[test]
fn two_different_logs_of_one_name_are_both_read_and_a_twin_named_twice_is_one_run() {
    use flate2::{write::GzEncoder, Compression};
    let dir = tempfile::tempdir().unwrap();
    let rows = |n: u64| {
        let mut t = JTL_HEADER.to_string();
        for i in 0..n {
            t.push_str(&jtl_row(i, "L"));
        }
        t
    };
    let plain = write(dir.path(), "results.jtl", &rows(300));
    let gz_path = dir.path().join("results.jtl.gz");
    let gzip = |text: &str| {
        let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
        gz.write_all(text.as_bytes()).unwrap();
        std::fs::write(&gz_path, gz.finish().unwrap()).unwrap();
    };
    let requests = |b: &Built| {
        let s: serde_json::Value = serde_json::from_str(&b.summary).unwrap();
        let runs = s["runs"].as_array().unwrap().clone();
        runs.iter()
            .map(|r| r["totals"]["requests"].as_u64().unwrap())
            .collect::<Vec<_>>()
    };
    // Not the same bytes (the gzip trailer's length differs): two logs of the run.
    gzip(&rows(40));
    assert_eq!(requests(&run(dir.path(), &[], false)), vec![340]);
    // The same bytes, named twice with two spellings of the directory: one run, read once.
    gzip(&rows(300));
    let relative = dir.path().join(".").join("results.jtl.gz");
    let both = run(&plain, &[relative.to_str().unwrap()], false);
    assert_eq!(requests(&both), vec![300], "{}", both.stderr);
}

/// One k6 `--out json` point line, in k6's own layout unless `other_order`.
fn k6_point(metric: &str, time: &str, value: &str, tags: &str, other_order: bool) -> String {
    if other_order {
        format!(
            r#"{{"type":"Point","data":{{"tags":{{{tags}}},"value":{value},"time":"{time}"}},"metric":"{metric}"}}"#
        )
    } else {
        format!(
            r#"{{"metric":"{metric}","type":"Point","data":{{"time":"{time}","value":{value},"tags":{{{tags}}}}}}}"#
        )
    }
}

/// k6 lines of every shape the reader meets: its own layout, other key
/// orders, escapes, UTF-8, no `expected_response` (the outcome waits for the
/// `http_req_failed` point, across chunk ends too), CRLF, blank lines.
fn k6_lines(bad_line_at: Option<usize>) -> String {
    let mut text = String::new();
    text.push_str(r#"{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":[],"submetrics":null},"metric":"http_req_duration"}"#);
    text.push('\n');
    for i in 0..3000usize {
        let time = format!(
            "2024-08-05T15:{:02}:{:02}.{}+07:00",
            (i / 60) % 60,
            i % 60,
            1 + (i * 7919) % 9_999_999
        );
        let name = match i % 7 {
            0 => "http://h/users/123",
            1 => r#"say \"hi\""#,
            2 => "/café/ü",
            3 => "login",
            4 => r#"caf\u00e9"#,
            _ => "http://h/items/5?x=1",
        };
        let failed = i % 37 == 0;
        let status = if failed { "500" } else { "200" };
        let expected = match i % 5 {
            0 => String::new(),
            _ => format!(r#""expected_response":"{}","#, !failed),
        };
        let tags = format!(
            r#"{expected}"group":"","method":"GET","name":"{name}","proto":"HTTP/1.1","scenario":"default","status":"{status}","url":"http://h/x/{i}""#
        );
        let value = format!("{}.{}", 5 + (i * 31) % 900, i % 1000);
        let other = i % 11 == 0;
        let mut lines = vec![
            k6_point("http_reqs", &time, "1", &tags, false),
            k6_point("http_req_duration", &time, &value, &tags, other),
            k6_point("http_req_blocked", &time, "0.5", &tags, i % 13 == 0),
            k6_point(
                "http_req_failed",
                &time,
                if failed { "1" } else { "0" },
                &tags,
                other,
            ),
            k6_point(
                "data_sent",
                &time,
                "86",
                r#""group":"","scenario":"default""#,
                false,
            ),
        ];
        if i % 10 == 0 {
            lines.push(k6_point("vus", &time, &(i / 10).to_string(), "", false));
        }
        if bad_line_at == Some(i) {
            lines[1] = k6_point("http_req_duration", &time, "\"abc\"", &tags, false);
        }
        for line in lines {
            text.push_str(&line);
            text.push_str(if i % 17 == 0 { "\r\n" } else { "\n" });
        }
        if i % 101 == 0 {
            text.push('\n');
        }
    }
    text
}

#[test]
fn k6_lines_of_every_shape_read_alike_on_the_fast_path_and_the_general_reader() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "k6.json", &k6_lines(None));
    let general = run(&p, &["--threads", "1"], true);
    assert_ne!(general.code, 2, "{}", general.stderr);
    let s: serde_json::Value = serde_json::from_str(&general.summary).unwrap();
    assert_eq!(s["runs"][0]["totals"]["requests"], 3000);
    assert_eq!(s["runs"][0]["totals"]["failures"], 3000 / 37 + 1);
    for threads in ["1", "3", "7"] {
        same(
            &general,
            &run(&p, &["--threads", threads], false),
            &format!("{threads} threads"),
        );
    }

    // Its gzip, read by the fast path as it decompresses (one chunk: every
    // request's `http_req_failed` point is met in it).
    let gz = dir.path().join("k6.json.gz");
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(k6_lines(None).as_bytes()).unwrap();
    std::fs::write(&gz, e.finish().unwrap()).unwrap();
    let general = run(&gz, &["--threads", "1"], true);
    assert_eq!(
        figures_of(&general.summary)["runs"][0]["totals"]["requests"],
        3000
    );
    for threads in ["1", "2"] {
        same(
            &general,
            &run(&gz, &["--threads", threads], false),
            &format!("gzip, {threads} threads"),
        );
    }

    // A bad value deep in the file: the same line in the error, or skipped alike.
    let p = write(dir.path(), "bad.json", &k6_lines(Some(2222)));
    let general = run(&p, &["--threads", "1"], true);
    assert_eq!(general.code, 2);
    assert!(general.stderr.contains("line 11358"), "{}", general.stderr);
    same(&general, &run(&p, &["--threads", "3"], false), "error");
    let general = run(&p, &["--threads", "1", "--skip-bad-rows"], true);
    assert_ne!(general.code, 2, "{}", general.stderr);
    same(
        &general,
        &run(&p, &["--threads", "3", "--skip-bad-rows"], false),
        "skipped",
    );
}

#[test]
fn a_gzip_jtl_on_the_fast_path_reads_as_the_general_reader_does() {
    use flate2::{write::GzEncoder, Compression};
    let dir = tempfile::tempdir().unwrap();
    let gz = |name: &str, text: &str| {
        let mut e = GzEncoder::new(Vec::new(), Compression::fast());
        e.write_all(text.as_bytes()).unwrap();
        let p = dir.path().join(name);
        std::fs::write(&p, e.finish().unwrap()).unwrap();
        p
    };
    // Enough rows for several decompressed blocks, quoted multi-line labels,
    // CRLF line ends, and a bad row deep in the file.
    let mut quoted = JTL_HEADER.to_string();
    let mut bad = JTL_HEADER.to_string();
    for i in 0..20_000 {
        let label = if i % 977 == 0 {
            "\"multi\nline\"".to_string()
        } else {
            format!("L{}", i % 4)
        };
        let mut row = jtl_row(i, &label);
        row.pop();
        quoted.push_str(&row);
        quoted.push_str("\r\n");
        if i == 15_000 {
            bad.push_str("1700000000000,abc,L1,200,OK,t,text,true,,1,1,1,1,u,1,0,0\n");
        } else {
            bad.push_str(&jtl_row(i, "L"));
        }
    }
    let lone_cr = format!("{JTL_HEADER}{}", jtl_row(1, "L").replace(",OK,", ",O\rK,"));
    for (name, text, extra) in [
        ("quoted.jtl.gz", quoted.as_str(), &[][..]),
        ("bad.jtl.gz", bad.as_str(), &[][..]),
        ("skip.jtl.gz", bad.as_str(), &["--skip-bad-rows"][..]),
        ("cr.jtl.gz", lone_cr.as_str(), &[][..]),
    ] {
        let p = gz(name, text);
        let general = run(&p, extra, true);
        same(&general, &run(&p, extra, false), name);
    }
    let bad = run(&gz("bad2.jtl.gz", &bad), &[], false);
    assert!(bad.stderr.contains("line 15002"), "{}", bad.stderr);
}

/// summary.json without what names the files read (the sources, the
/// `source` lines) and the `shards-merged` note: the figures.
fn figures_of(summary: &str) -> serde_json::Value {
    fn strip(v: serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(m) => m
                .into_iter()
                .filter(|(k, _)| k != "sources" && k != "source")
                .map(|(k, v)| (k, strip(v)))
                .collect(),
            serde_json::Value::Array(a) => a
                .into_iter()
                .filter(|w| w["code"] != "shards-merged")
                .map(strip)
                .collect(),
            other => other,
        }
    }
    strip(serde_json::from_str(summary).expect("summary.json parses"))
}

#[test]
fn shards_of_one_run_give_the_figures_of_the_whole_file_whatever_the_threads() {
    // One JTL dealt out row by row to three "pods", as distributed JMeter writes it.
    let whole = fixture("jmeter/seckill-zh-2020-head1500.jtl");
    let text = std::fs::read_to_string(&whole).unwrap();
    let (header, rows) = text.split_once('\n').unwrap();
    let rows: Vec<&str> = rows.lines().collect();
    let dir = tempfile::tempdir().unwrap();
    let (one, shards) = (dir.path().join("a/peak"), dir.path().join("b/peak"));
    std::fs::create_dir_all(&one).unwrap();
    std::fs::create_dir_all(&shards).unwrap();
    std::fs::write(one.join("peak.jtl"), &text).unwrap();
    std::fs::write(shards.join("run.toml"), "shards = true\n").unwrap();
    for k in 0..3 {
        let mut f = std::fs::File::create(shards.join(format!("pod-{k}.jtl"))).unwrap();
        writeln!(f, "{header}").unwrap();
        for r in rows.iter().skip(k).step_by(3) {
            writeln!(f, "{r}").unwrap();
        }
    }
    let alone = run(&one, &["--threads", "1"], false);
    let merged = run(&shards, &["--threads", "1"], false);
    assert!(!merged.summary.is_empty(), "{merged:?}");
    assert_eq!(figures_of(&merged.summary), figures_of(&alone.summary));
    // One run of 1,500 requests, said to come from three shards in every output.
    let s: serde_json::Value = serde_json::from_str(&merged.summary).unwrap();
    assert_eq!(s["runs"].as_array().unwrap().len(), 1);
    assert_eq!(s["runs"][0]["totals"]["requests"], 1500);
    let note = s["runs"][0]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "shards-merged")
        .expect("a shards-merged note");
    assert_eq!(note["data"]["shards"], 3, "{note}");
    assert!(merged
        .report
        .contains("`shards-merged`**: Read as one run from 3 shards"));
    // Two threads read the shards into the same bytes.
    let two = run(&shards, &["--threads", "2"], false);
    same(&merged, &two, "shards with 1 and 2 threads");
}
