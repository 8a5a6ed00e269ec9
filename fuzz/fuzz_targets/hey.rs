#![no_main]
//! Fuzzes perfreport through the file hey.csv.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perfreport_fuzz::run("hey.csv", &[], data);
});
