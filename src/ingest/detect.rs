//! Which reader a file needs, decided from its first bytes (and its name only
//! to find the run it belongs to).

use super::locust;
use std::io::Read;
use std::path::Path;

/// A recognised result file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One of Locust's CSV files.
    Locust(locust::Part),
}

impl Format {
    /// What the file was read as, for the sources list.
    pub fn role(self) -> &'static str {
        match self {
            Format::Locust(part) => part.role(),
        }
    }
}

/// The formats perfreport reads, for error messages.
pub const KNOWN_FORMATS: &str = "Locust CSV (*_stats.csv, *_stats_history.csv, *_failures.csv, \
     *_exceptions.csv; 0.x *_requests.csv and *_distribution.csv)";

/// Reads the first bytes of `path` and names its format, or `None` for a file
/// that is not a result file perfreport knows.
pub fn detect(path: &Path) -> std::io::Result<Option<Format>> {
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path)?
        .take(4096)
        .read_to_end(&mut head)?;
    Ok(sniff(path, &head))
}

/// [`detect`] on bytes already read.
pub fn sniff(path: &Path, head: &[u8]) -> Option<Format> {
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv {
        if let Some(part) = locust::sniff(head) {
            return Some(Format::Locust(part));
        }
    }
    None
}

/// The run a file belongs to within its directory: the Locust prefix
/// (`peak_stats.csv` → `peak`), or the file stem for other files.
pub fn run_key(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
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
    fn run_keys_are_locust_prefixes() {
        assert_eq!(run_key(Path::new("a/peak_stats.csv")), "peak");
        assert_eq!(run_key(Path::new("a/peak_stats_history.csv")), "peak");
        assert_eq!(run_key(Path::new("1_locust_requests.csv")), "1_locust");
        assert_eq!(run_key(Path::new("x/_stats.csv")), "");
    }

    #[test]
    fn only_csv_files_are_sniffed_as_locust() {
        let head = b"Type,Name,Request Count,Failure Count\n";
        assert!(sniff(Path::new("a_stats.csv"), head).is_some());
        assert!(sniff(Path::new("a_stats.txt"), head).is_none());
    }
}
