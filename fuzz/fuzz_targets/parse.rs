//! The parser, the error reports and the lints on arbitrary bytes: no panic, no
//! stack overflow, and every error located inside the source.
#![no_main]

#[path = "../../tests/invariants/mod.rs"]
mod invariants;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        invariants::check_parse(text);
    }
});
