#![no_main]
//! Fuzzes perfreport through the file ab_pct.csv.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perfreport_fuzz::run("ab_pct.csv", &[("ab.txt", b"Requests per second:    100.00 [#/sec] (mean)\n")], data);
});
