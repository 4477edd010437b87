//! Runs the example project under `templates/` through the same harness as
//! `vtl test templates/`: every case must match its snapshot and assertions.

use std::path::PathBuf;

use appsync_vtl::harness::{run_paths, RunOptions};

#[test]
fn templates_pass() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates");
    let summary = run_paths(&[root], &RunOptions::default()).expect("templates/ has cases");
    assert!(summary.passed() >= 29, "{}", summary.summary_line());
    assert_eq!(
        summary.exit_code(),
        0,
        "\n{}{}",
        summary.failure_report(),
        summary.summary_line()
    );
}
