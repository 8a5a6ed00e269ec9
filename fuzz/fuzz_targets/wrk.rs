#![no_main]
//! Fuzzes perfreport through the file wrk.txt.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perfreport_fuzz::run("wrk.txt", &[], data);
});
