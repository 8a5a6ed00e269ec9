#![no_main]
//! Fuzzes perfreport through the file report.json.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perfreport_fuzz::run("report.json", &[], data);
});
