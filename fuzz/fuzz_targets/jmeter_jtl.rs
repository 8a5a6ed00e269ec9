#![no_main]
//! Fuzzes perfreport through the file results.jtl.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perfreport_fuzz::run("results.jtl", &[], data);
});
