#![no_main]
//! Fuzzes perfreport through the file statistics.json.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perfreport_fuzz::run("statistics.json", &[], data);
});
