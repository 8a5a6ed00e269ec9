#![no_main]
//! Fuzzes perfreport through the file out.ndjson.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perfreport_fuzz::run("out.ndjson", &[], data);
});
