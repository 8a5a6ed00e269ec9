#![no_main]
//! Fuzzes perfreport through the file run_stats.csv.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perfreport_fuzz::run("run_stats.csv", &[], data);
});
