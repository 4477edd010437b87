//! Tests as data: every `tests/cases/<name>/` folder is a case folder as users
//! write them for `vtl test` (a `template.vtl`, a `context.json` that is a
//! verbatim `$ctx`, optionally a `case.json` with `now`, `seed`, `authType`,
//! `expect`, …), run through the same harness, against its snapshot
//! `snapshots/<name>@context.snap`. Every test is rendered twice, untraced and
//! traced, and the two reports must be equal.
//!
//! Update the snapshots with `cargo run -- test tests/cases --accept`, then read
//! the diff: each snapshot must be what AppSync (or, for the core language,
//! Apache Velocity 1.7) produces.

use std::path::PathBuf;

use appsync_vtl::harness::{run_paths, RunOptions};

#[test]
fn cases() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let options = RunOptions {
        compare_traced: true,
        ..RunOptions::default()
    };
    let summary = run_paths(&[root], &options).expect("tests/cases holds case folders");
    assert_eq!(
        summary.exit_code(),
        0,
        "\n{}{}",
        summary.failure_report(),
        summary.summary_line()
    );
    assert!(summary.passed() >= 376, "{}", summary.summary_line());
}
