#![no_main]
//! Fuzzes perfreport through the file run_stats_history.csv.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perfreport_fuzz::run("run_stats_history.csv", &[("run_stats.csv", perfreport_fuzz::LOCUST_STATS)], data);
});
