//! Files perfreport recognises but does not read: another tool's binary
//! results, test plans and scripts, HTTP archives, HTML reports. Each gets a
//! message that names what the file is and says what to give perfreport
//! instead, never "not a result file perfreport knows".

/// What `head` (the first bytes of a file named `name`, without `.gz`) is,
/// and what to do instead, when it is a file perfreport knows but does not read.
pub fn recognise(name: &str, head: &[u8]) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    let text = String::from_utf8_lossy(head);
    if is_vegeta_gob(head) {
        return Some(
            "vegeta's binary results (Go gob, from `vegeta attack > results.bin`), which perfreport does not read: convert them with `vegeta encode --to json < results.bin > results.json` and give perfreport results.json (or give it `vegeta report -type=json results.bin > report.json`)".to_string(),
        );
    }
    if is_utf16_vegeta_gob(head) {
        return Some(
            "vegeta's binary results re-encoded as UTF-16 text, which breaks them (PowerShell's `>` does this): run the attack again with `vegeta attack … -output results.bin` (not `>`), then `vegeta encode --to json -output results.json results.bin`, and give perfreport results.json".to_string(),
        );
    }
    if text.contains("<jmeterTestPlan") {
        return Some(
            "a JMeter test plan (.jmx), not its results: run it with `jmeter -n -t plan.jmx -l results.jtl` and give perfreport results.jtl".to_string(),
        );
    }
    let script = lower.ends_with(".js") || lower.ends_with(".ts") || lower.ends_with(".mjs");
    if script && (text.contains("'k6") || text.contains("\"k6")) && text.contains("import") {
        return Some(
            "a k6 script, not its results: run it with `k6 run --out json=results.json script.js` (or `--summary-export=summary.json`) and give perfreport that file".to_string(),
        );
    }
    if lower.ends_with(".py") && text.contains("from locust import") {
        return Some(
            "a Locust file, not its results: run it with `locust -f locustfile.py --headless --csv=run` and give perfreport the run_*.csv files".to_string(),
        );
    }
    let source = lower.ends_with(".scala") || lower.ends_with(".java") || lower.ends_with(".kt");
    if source && text.contains("io.gatling") {
        return Some(
            "a Gatling simulation's source, not its results: run it (`mvn gatling:test` or `gradle gatlingRun`) and give perfreport the run folder Gatling writes (target/gatling/<run>/ or build/reports/gatling/<run>/), which holds simulation.log".to_string(),
        );
    }
    let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    if yaml && text.contains("config:") && text.contains("scenarios:") && text.contains("target:") {
        return Some(
            "an Artillery script, not its results: run it with `artillery run --output report.json script.yml` and give perfreport report.json".to_string(),
        );
    }
    if is_har(&text) {
        return Some(
            "an HTTP Archive (HAR) of recorded browser traffic, not load-test results; perfreport does not read it. Record a test from it (JMeter's or Gatling's recorder, k6's har-to-k6), run that, and give perfreport the results".to_string(),
        );
    }
    let html = lower.ends_with(".html") || lower.ends_with(".htm");
    if html && text.contains("Gatling") && text.contains("<html") {
        return Some(
            "a page of Gatling's HTML report, which perfreport does not read: it reads the run's simulation.log (in the run folder beside the report), or js/stats.json where Gatling 3.13.4 or older wrote one".to_string(),
        );
    }
    if html && text.contains("Apache JMeter Dashboard") {
        return Some(
            "a page of JMeter's HTML dashboard, which perfreport does not read: it reads the results file the dashboard was made from (results.jtl), or the dashboard's statistics.json".to_string(),
        );
    }
    None
}

/// The field names of vegeta's `Result` type, as gob writes its type definition.
const VEGETA_FIELDS: [&[u8]; 4] = [b"Attack", b"Seq", b"Latency", b"Timestamp"];

/// A Go gob stream of vegeta `Result`s: its first message defines the type
/// `Result` with vegeta's field names.
fn is_vegeta_gob(head: &[u8]) -> bool {
    let start = &head[..head.len().min(512)];
    contains(start, b"\x06Result") && VEGETA_FIELDS.iter().all(|f| contains(start, f))
}

/// The same gob, turned into UTF-16LE text with a byte-order mark.
fn is_utf16_vegeta_gob(head: &[u8]) -> bool {
    if !head.starts_with(&[0xff, 0xfe]) {
        return false;
    }
    let narrow: Vec<u8> = head[2..]
        .chunks_exact(2)
        .filter(|p| p[1] == 0)
        .map(|p| p[0])
        .take(512)
        .collect();
    contains(&narrow, b"Result") && VEGETA_FIELDS.iter().all(|f| contains(&narrow, f))
}

/// `{"log": {"version": …, "creator": …, "entries": …}}`.
fn is_har(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    t.starts_with('{')
        && t.contains("\"log\"")
        && t.contains("\"creator\"")
        && (t.contains("\"entries\"") || t.contains("\"pages\""))
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/vegeta");

    #[test]
    fn vegeta_binary_results_are_named_with_the_command_that_converts_them() {
        let head = std::fs::read(format!("{FIXTURES}/results-gob-2018.bin")).unwrap();
        let m = recognise("results.bin", &head).unwrap();
        assert!(
            m.starts_with("vegeta's binary results (Go gob")
                && m.contains("vegeta encode --to json < results.bin > results.json"),
            "{m}"
        );
        let head = std::fs::read(format!("{FIXTURES}/results-utf16-2024.bin")).unwrap();
        let m = recognise("results.bin", &head).unwrap();
        assert!(m.contains("re-encoded as UTF-16"), "{m}");
        // Any name: the content decides.
        assert!(recognise(
            "out.dat",
            &std::fs::read(format!("{FIXTURES}/results-gob-2018.bin")).unwrap()
        )
        .is_some());
    }

    #[test]
    fn plans_scripts_archives_and_report_pages_are_named() {
        let cases: [(&str, &str, &str); 8] = [
            ("plan.jmx", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<jmeterTestPlan version=\"1.2\" properties=\"5.0\" jmeter=\"5.6.3\">", "JMeter test plan"),
            ("script.js", "import http from 'k6/http';\nimport { sleep } from 'k6';\nexport default function () {}", "k6 script"),
            ("locustfile.py", "from locust import HttpUser, task\n", "Locust file"),
            ("BasicSimulation.scala", "package x\nimport io.gatling.core.Predef._\n", "Gatling simulation's source"),
            ("load.yml", "config:\n  target: http://localhost\n  phases:\n    - duration: 60\nscenarios:\n  - flow: []\n", "Artillery script"),
            ("session.har", "{\n  \"log\": {\n    \"version\": \"1.2\",\n    \"creator\": {\"name\": \"Firefox\"},\n    \"entries\": []", "HTTP Archive"),
            ("index.html", "<!DOCTYPE html><html><head><title>Gatling Stats - Global Information</title>", "Gatling's HTML report"),
            ("index.html", "<!DOCTYPE html>\n<html>\n<title>Apache JMeter Dashboard</title>", "JMeter's HTML dashboard"),
        ];
        for (name, head, what) in cases {
            let m = recognise(name, head.as_bytes()).unwrap_or_else(|| panic!("{name}"));
            assert!(m.contains(what), "{name}: {m}");
        }
        // Not taken for anything else.
        assert!(recognise("notes.js", b"console.log('k6 is a tool')").is_none());
        assert!(recognise("x.json", b"{\"log\": \"hello\"}").is_none());
        assert!(recognise("results.csv", b"timeStamp,elapsed,label\n").is_none());
    }
}
