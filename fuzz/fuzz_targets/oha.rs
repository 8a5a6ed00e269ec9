#![no_main]
//! Fuzzes perfreport through the file oha.json.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perfreport_fuzz::run("oha.json", &[], data);
});
