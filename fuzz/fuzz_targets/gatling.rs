#![no_main]
//! Fuzzes perfreport through the file simulation.log.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perfreport_fuzz::run("simulation.log", &[], data);
});
