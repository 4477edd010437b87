//! The context loader on arbitrary text: errors carry a line and column, and a
//! loaded context renders `$ctx` and its common paths without a panic.
#![no_main]

#[path = "../../tests/invariants/mod.rs"]
mod invariants;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        invariants::check_context(text);
    }
});
