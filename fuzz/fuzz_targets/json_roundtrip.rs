//! `$util.parseJson` / `$util.toJson` round trips: whatever JSON text parses, its
//! `toJson` text parses again to the same `toJson` text (through the template
//! functions and through the library's conversions).
#![no_main]

#[path = "../../tests/invariants/mod.rs"]
mod invariants;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        invariants::check_json_roundtrip(text);
    }
});
