#![no_main]
//! Fuzzes perfreport through the file results.jtl.gz.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perfreport_fuzz::run("results.jtl.gz", &[], data);
});
