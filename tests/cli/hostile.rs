//! Hostile inputs at the process level: what a results folder written by
//! someone else can make perfreport read, and what it costs. One process per
//! behaviour; the per-reader cases are library tests.

use crate::common::perfreport;
use std::path::Path;

/// A run folder holding one small Locust stats file.
fn locust_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        crate::common::root().join("tests/fixtures/locust/handmade/eighty/eighty_stats.csv"),
        dir.path().join("eighty_stats.csv"),
    )
    .unwrap();
    dir
}

/// `build PATH` into a temporary folder: (exit code, stderr).
fn build(path: &Path) -> (i32, String) {
    let out = tempfile::tempdir().unwrap();
    let o = perfreport()
        .arg("build")
        .arg(path)
        .arg("-o")
        .arg(out.path().join("r"))
        .arg("--quiet")
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn notes_naming_the_process_environment_exit_2_naming_run_toml_and_line() {
    let dir = locust_folder();
    std::fs::write(
        dir.path().join("run.toml"),
        "name = \"r\"\nusers = 10\nnotes = \"/proc/self/environ\"\n",
    )
    .unwrap();
    let (code, err) = build(dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("run.toml: line 3"), "{err}");
    assert!(err.contains("absolute path"), "{err}");
    // Nothing of the environment is echoed.
    assert!(!err.contains("PATH="), "{err}");
}

#[test]
fn a_symlink_in_a_results_folder_leading_out_of_it_exits_2_and_is_not_read() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret_stats.csv");
    std::fs::copy(
        crate::common::root().join("tests/fixtures/locust/handmade/eighty/eighty_stats.csv"),
        &secret,
    )
    .unwrap();
    let dir = locust_folder();
    std::os::unix::fs::symlink(&secret, dir.path().join("other_stats.csv")).unwrap();
    let (code, err) = build(dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("other_stats.csv"), "{err}");
    assert!(err.contains("leads out of its results folder"), "{err}");
    // A link that stays inside the folder is read as before.
    let inside = locust_folder();
    std::fs::write(inside.path().join("readme.md"), "# a run\n").unwrap();
    std::os::unix::fs::symlink(
        inside.path().join("readme.md"),
        inside.path().join("link.md"),
    )
    .unwrap();
    let (code, err) = build(inside.path());
    assert_ne!(code, 2, "{err}");
}

#[test]
fn a_fifo_or_a_device_given_as_path_says_what_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("results.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
    let (code, err) = build(&fifo);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("a FIFO (named pipe)"), "{err}");
    let (code, err) = build(Path::new("/dev/zero"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("a character device"), "{err}");
}

/// Decompressed size of each bomb: 3 GiB in one line.
const BOMB_BYTES: usize = 3 << 30;
/// Address space allowed to perfreport under test (`ulimit -v`, KiB): 1.5 GiB,
/// half of one bomb line, and far more than a build needs.
const MEMORY_LIMIT_KIB: u64 = 1_536 * 1024;

/// Writes a gzip file: `head`, then [`BOMB_BYTES`] of `a` with no newline,
/// then `tail`. gzip members may be concatenated, so one compressed 1 MiB
/// member repeated makes a 3 MB file in milliseconds.
fn gzip_bomb(path: &Path, head: &[u8], tail: &[u8]) {
    use std::io::Write;
    let member = |bytes: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    };
    let block = member(&vec![b'a'; 1 << 20]);
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    out.write_all(&member(head)).unwrap();
    for _ in 0..BOMB_BYTES >> 20 {
        out.write_all(&block).unwrap();
    }
    out.write_all(&member(tail)).unwrap();
    out.flush().unwrap();
}

/// `build PATH` under [`MEMORY_LIMIT_KIB`] of address space and a 60 s
/// timeout: (exit code, stderr, seconds taken).
fn build_limited(path: &Path) -> (i32, String, f64) {
    let out = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("perfreport");
    let started = std::time::Instant::now();
    let o = assert_cmd::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {MEMORY_LIMIT_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(bin)
        .arg("build")
        .arg(path)
        .arg("-o")
        .arg(out.path().join("r"))
        .arg("--quiet")
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        started.elapsed().as_secs_f64(),
    )
}

#[test]
fn gzip_bombs_with_one_endless_line_exit_2_naming_file_and_line_within_memory() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &[u8], u64); 4] = [
        (
            "bomb.jtl.gz",
            b"timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n1700000000000,5,",
            b",200,OK,t 1-1,text,true,,10,10,1,1,http://x/,5,0,1\n",
            2,
        ),
        (
            "bomb.ndjson.gz",
            br#"{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":[],"submetrics":null},"metric":"http_req_duration"}
{"metric":"http_req_duration","type":"Point","data":{"time":"2024-03-27T16:31:33.889147-03:00","value":1,"tags":{"name":""#,
            b"\"}}}\n",
            2,
        ),
        (
            "bomb-vegeta.json.gz",
            br#"{"seq":0,"code":200,"timestamp":"2026-11-23T11:30:00Z","latency":1,"url":"http://h/"}
{"code":200,"timestamp":"2026-11-23T11:30:00Z","latency":1,"url":""#,
            b"\"}\n",
            2,
        ),
        (
            "bomb-autocannon.json.gz",
            br#"{"latency":{},"requests":{},"throughput":{},"non2xx":0,"errors":0,"title":""#,
            b"\"}\n",
            1,
        ),
    ];
    for (name, head, tail, line) in cases {
        // Each alone in its folder: a file given is read with its run's other files.
        std::fs::create_dir(dir.path().join(name.replace('.', "-"))).unwrap();
        let path = dir.path().join(name.replace('.', "-")).join(name);
        gzip_bomb(&path, head, tail);
        assert!(std::fs::metadata(&path).unwrap().len() < 8 << 20);
        let (code, err, secs) = build_limited(&path);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(err.contains(name), "{name}: {err}");
        assert!(
            err.contains(&format!("line {line} is longer than 16 MiB")),
            "{name}: {err}"
        );
        assert!(secs < 30.0, "{name}: {secs} s");
    }
}

#[test]
fn a_plain_file_with_one_line_past_16_mib_exits_2_naming_the_line() {
    // A plain JTL is read by the multi-threaded fast path.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.jtl");
    let mut text = b"timeStamp,elapsed,label,responseCode,success\n1700000000000,5,a,200,true\n1700000000001,5,".to_vec();
    text.extend(std::iter::repeat_n(b'b', 17 << 20));
    text.extend(b",200,true\n");
    std::fs::write(&path, text).unwrap();
    let (code, err, _) = build_limited(&path);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("long.jtl: line 3"), "{err}");
    assert!(err.contains("longer than 16 MiB"), "{err}");
    // The position names the line; the text does not name another one
    // (it said "line 3: line 2 is longer": the chunk's own count).
    assert!(!err.contains("line 2"), "{err}");
}

#[test]
fn names_with_control_characters_and_urls_stay_text_in_junit_markdown_and_step_summary() {
    let dir = tempfile::tempdir().unwrap();
    let stats = std::fs::read_to_string(
        crate::common::root().join("tests/fixtures/locust/handmade/eighty/eighty_stats.csv"),
    )
    .unwrap()
    .replacen(
        "GET,/v1/items,",
        "GET,https://evil.invalid/x\u{1}\u{1b}[31m,",
        1,
    )
    .replacen("POST,/v1/items,", "POST,www.evil.invalid\u{ffff},", 1);
    std::fs::write(dir.path().join("eighty_stats.csv"), stats).unwrap();
    let out = tempfile::tempdir().unwrap();
    let summary = out.path().join("step-summary.md");
    let o = perfreport()
        .arg("build")
        .arg(dir.path())
        .args(["--format", "md,junit", "--github", "--quiet", "-o"])
        .arg(out.path().join("r"))
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert!(
        o.status.code() != Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    let junit = std::fs::read_to_string(out.path().join("r/junit.xml")).unwrap();
    let forbidden = |c: char| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{ffff}';
    assert!(!junit.contains(forbidden), "{junit}");
    let mut r = quick_xml::Reader::from_str(&junit);
    let mut cases = 0;
    loop {
        match r.read_event().expect("junit.xml is well-formed XML") {
            quick_xml::events::Event::Start(e) if e.name().as_ref() == b"testcase" => cases += 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert!(cases > 1, "{junit}");

    for path in [out.path().join("r/report.md"), summary] {
        let md = std::fs::read_to_string(&path).unwrap();
        assert!(
            md.contains("evil.invalid"),
            "{}: names missing",
            path.display()
        );
        assert!(!md.contains("https://evil"), "{}: {md}", path.display());
        assert!(!md.contains("www.evil"), "{}: {md}", path.display());
    }
}
