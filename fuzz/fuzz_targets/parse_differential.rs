//! The fast parser (`src/parse/fast.rs`) against the specification, the pest
//! path, on arbitrary text: where the fast path answers, it must build exactly
//! the tree that the pest path builds (`tests/parse_equivalence.rs` replays
//! every finding, kept in `tests/fuzz/parse_differential/`).
#![no_main]

use std::sync::Arc;

use appsync_vtl::parse::{compare_paths, PathComparison};
use appsync_vtl::Source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let source = Arc::new(Source::new("fuzz.vtl", text));
        if let PathComparison::Different { fast, pest } = compare_paths(&source) {
            panic!("the two parse paths differ on {text:?}\nfast: {fast:#?}\npest: {pest:#?}");
        }
    }
});
