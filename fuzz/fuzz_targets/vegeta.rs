#![no_main]
//! Fuzzes perfreport through the file results.json.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perfreport_fuzz::run("results.json", &[], data);
});
