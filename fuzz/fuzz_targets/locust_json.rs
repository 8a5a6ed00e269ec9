#![no_main]
//! Fuzzes perfreport through the file locust.json.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perfreport_fuzz::run("locust.json", &[], data);
});
