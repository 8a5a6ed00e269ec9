#![no_main]
//! Fuzzes perfreport through the file requests.csv.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perfreport_fuzz::run("requests.csv", &[], data);
});
