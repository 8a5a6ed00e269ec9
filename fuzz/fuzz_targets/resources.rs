#![no_main]
//! Fuzzes perfreport through the file resources.csv.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perfreport_fuzz::run("resources.csv", &[("run_stats.csv", perfreport_fuzz::LOCUST_STATS)], data);
});
