#![no_main]
//! Fuzzes perfreport through the file autocannon.json.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perfreport_fuzz::run("autocannon.json", &[], data);
});
