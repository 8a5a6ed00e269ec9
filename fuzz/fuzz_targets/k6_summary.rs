#![no_main]
//! Fuzzes perfreport through the file summary.json.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perfreport_fuzz::run("summary.json", &[], data);
});
