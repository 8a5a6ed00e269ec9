//! The one harness every fuzz target calls: the bytes become one input file
//! of a reader family in a fresh run folder, which perfreport reads, scores
//! and renders to every output in memory. libFuzzer reports a panic, a hang
//! (`-timeout`) or memory past `-rss_limit_mb`; an input error is a normal
//! outcome.

use perfreport::report::templates::Templates;
use perfreport::report::Report;
use std::sync::OnceLock;

/// Reads `data` as the file `name` (next to `beside`, files a run needs
/// besides the fuzzed one), scores and renders it.
pub fn run(name: &str, beside: &[(&str, &[u8])], data: &[u8]) {
    static TEMPLATES: OnceLock<Templates> = OnceLock::new();
    let templates = TEMPLATES.get_or_init(|| Templates::load(None).expect("embedded templates"));
    let dir = tempfile::tempdir().expect("temp dir");
    for (n, bytes) in beside {
        std::fs::write(dir.path().join(n), bytes).expect("write");
    }
    std::fs::write(dir.path().join(name), data).expect("write");
    let sla = perfreport::sla::file::default_sla();
    let Ok(runs) = perfreport::ingest::load(&[dir.path().to_path_buf()], false, &Default::default())
    else {
        return;
    };
    let report = Report::build(runs, &sla);
    let _ = perfreport::report::markdown::render(&report, templates);
    if let Ok(pages) = perfreport::report::html::render(&report, templates) {
        for page in pages {
            let _ = page.bytes(); // run pages render when written
        }
    }
    let _ = perfreport::report::json::render(&report);
    let _ = perfreport::report::junit::render(&report);
}

/// A small Locust stats file, for families that join a run (resources, run.toml).
pub const LOCUST_STATS: &[u8] = b"Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,/v1/items,150,0,4.1,4.3,1.9,12.0,512,2.5,0.0,4.1,4.6,5.0,5.3,6.0,6.9,8.0,9.5,12.0,12.0,12.0
,Aggregated,150,0,4.1,4.3,1.9,12.0,512,2.5,0.0,4.1,4.6,5.0,5.3,6.0,6.9,8.0,9.5,12.0,12.0,12.0
";
