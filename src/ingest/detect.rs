//! Which reader a file needs, decided from its content (and its name only
//! where the content allows two readings, and to find the run it belongs to).
//! Every reader is registered once, in [`READERS`].

use super::{
    ab, artillery, autocannon, gatling, gatling_binary, generic, hey, input, jmeter, k6, locust,
    locust_json, oha, resources, unreadable, vegeta, wrk, Reader,
};
use crate::error::InputError;
use std::path::Path;

/// Every reader, most specific first: the first whose `sniff` accepts a file reads it.
pub static READERS: &[&dyn Reader] = &[
    &locust::RequestLog,
    &locust::Stats,
    &locust::Distribution,
    &locust::History,
    &locust::Failures,
    &locust::Exceptions,
    &locust_json::LocustJson,
    &gatling_binary::BinaryLog,
    &gatling::SimulationLog,
    &gatling::StatsJson,
    &gatling::StatsJs,
    &gatling::GlobalStats,
    &jmeter::JtlXml,
    &jmeter::JtlCsv,
    &jmeter::JtlCsvNoHeader,
    &jmeter::Statistics,
    &hey::Hey,
    &ab::Gnuplot,
    &ab::Percentiles,
    &wrk::Wrk,
    &autocannon::Autocannon,
    &oha::Oha,
    &vegeta::Report,
    &vegeta::Encode,
    &k6::Ndjson,
    &k6::Csv,
    &k6::Summary,
    &artillery::Report,
    &resources::DockerStats,
    &resources::LongCsv,
    &resources::Json,
    &resources::WideCsv,
    // Readers of other tools go above this line; the generic CSV is the fallback.
    &generic::Generic,
];

/// The formats perfreport reads, one line each, for error messages.
pub fn known_formats() -> String {
    let mut seen: Vec<&str> = Vec::new();
    for r in READERS {
        if !seen.contains(&r.describe()) {
            seen.push(r.describe());
        }
    }
    seen.join("; ")
}

/// The formats in short, for the "nothing found" errors: the tools by name
/// (the first word of each reader's description), then resource samples and
/// the generic CSV.
pub fn known_formats_short() -> String {
    let mut tools: Vec<&str> = Vec::new();
    for r in READERS {
        let first = r.describe().split_whitespace().next().unwrap_or("");
        if !["docker", "resource", "generic"].contains(&first) && !tools.contains(&first) {
            tools.push(first);
        }
    }
    format!(
        "{}, resource samples (docker stats, CSV, JSON) and a generic per-request CSV",
        tools.join(", ")
    )
}

/// Reads the first bytes of `path` and returns the reader for it, or `None`
/// for a file that is not a result file perfreport knows.
pub fn detect(path: &Path) -> Result<Option<&'static dyn Reader>, InputError> {
    let head = input::head(path)?;
    Ok(sniff(path, &head))
}

/// What a file perfreport recognises but does not read is, and what to give
/// it instead (see [`unreadable::recognise`]); `None` for a file it knows nothing of.
pub fn unreadable(path: &Path) -> Result<Option<String>, InputError> {
    let head = input::head(path)?;
    Ok(unreadable::recognise(&input::logical_name(path), &head))
}

/// [`detect`] on bytes already read.
pub fn sniff(path: &Path, head: &[u8]) -> Option<&'static dyn Reader> {
    let name = input::logical_name(path);
    READERS.iter().copied().find(|r| r.sniff(&name, head))
}

/// The run a file belongs to within its directory: the Locust prefix
/// (`peak_stats.csv` → `peak`), the Gatling report folder (see
/// [`gatling::run_key`]), or the file name without extensions.
pub fn run_key(path: &Path) -> String {
    if let Some(key) = gatling::run_key(path) {
        return key;
    }
    let name = input::logical_name(path);
    for suffix in locust::SUFFIXES {
        if let Some(prefix) = name.strip_suffix(suffix) {
            return prefix.to_string();
        }
    }
    name.rsplit_once('.')
        .map_or(name.clone(), |(stem, _)| stem.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_keys_are_locust_prefixes_or_stems() {
        assert_eq!(run_key(Path::new("a/peak_stats.csv")), "peak");
        assert_eq!(run_key(Path::new("a/peak_stats_history.csv")), "peak");
        assert_eq!(run_key(Path::new("1_locust_requests.csv")), "1_locust");
        assert_eq!(run_key(Path::new("x/_stats.csv")), "");
        assert_eq!(run_key(Path::new("x/results.jtl.gz")), "results");
    }

    #[test]
    fn only_csv_files_are_sniffed_as_locust() {
        let head = b"Type,Name,Request Count,Failure Count\n";
        assert_eq!(
            sniff(Path::new("a_stats.csv"), head).map(|r| r.id()),
            Some("locust-stats")
        );
        assert_eq!(
            sniff(Path::new("a_stats.csv.gz"), head).map(|r| r.id()),
            Some("locust-stats")
        );
        assert!(sniff(Path::new("a_stats.txt"), head).is_none());
    }
}
