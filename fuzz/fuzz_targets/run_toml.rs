#![no_main]
//! Fuzzes perfreport through the file run.toml.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perfreport_fuzz::run("run.toml", &[("run_stats.csv", perfreport_fuzz::LOCUST_STATS), ("notes.md", b"# notes\n")], data);
});
