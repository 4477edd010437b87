//! The test harness behind `vtl test` and the crate's own `tests/templates.rs`:
//! case folders of templates and contexts, checked against insta-format
//! snapshots and plain assertions, run in parallel, with coverage.
//!
//! * [`discover()`] finds case folders under paths;
//! * [`Case::load`] reads one (`case.json`, the template or pipeline, parsed
//!   once, and its contexts) into [`Test`]s;
//! * [`Case::run`] renders one test to a [`CaseReport`];
//!   [`Expect::check`] applies the plain assertions;
//! * [`snapshot::check`] compares with `snapshots/<case>@<test>.snap`;
//! * [`run()`] / [`run_paths`] do all of it over many cases on every core.
//!
//! ```
//! use appsync_vtl::harness::{run_paths, RunOptions};
//! let dir = std::env::temp_dir().join(format!("vtl-doc-harness-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! std::fs::write(dir.join("template.vtl"), r#"{"id": "$ctx.args.id"}"#).unwrap();
//! std::fs::write(dir.join("context.json"), r#"{"arguments": {"id": "1"}}"#).unwrap();
//!
//! // The first run has no snapshot: it writes `.snap.new` and fails.
//! let first = run_paths(&[dir.clone()], &RunOptions::default()).unwrap();
//! assert_eq!(first.summary_line(), "0 passed, 1 failed");
//! // Accepting promotes it; the next run passes.
//! let accept = RunOptions { accept: true, ..RunOptions::default() };
//! assert_eq!(run_paths(&[dir.clone()], &accept).unwrap().summary_line(), "1 passed, 0 failed");
//! let again = run_paths(&[dir.clone()], &RunOptions::default()).unwrap();
//! assert_eq!((again.summary_line(), again.exit_code()), ("1 passed, 0 failed".to_string(), 0));
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

pub mod case;
pub mod coverage;
pub mod discover;
pub mod report;
pub mod review;
pub mod run;
pub mod snapshot;
pub mod wired;

pub use crate::pipeline::{DataSource, Pipeline, PipelineSpec, TemplateFile};
pub use case::{Case, CaseError, CaseSettings, Expect, Test};
pub use coverage::Coverage;
pub use discover::{discover, vtl_files};
pub use report::CaseReport;
pub use review::{pending, unreferenced, Pending};
pub use run::{roots_of, run, run_case, run_paths, RunOptions, RunSummary, Status, TestResult};

use std::path::PathBuf;

impl crate::Engine {
    /// Runs the case folders under `paths` as `vtl test` does, with this
    /// engine's limits (each case takes its clock, seed and auth mode from its
    /// `case.json`).
    ///
    /// ```
    /// use appsync_vtl::{harness::RunOptions, Engine};
    /// let dir = std::env::temp_dir().join(format!("vtl-doc-engine-cases-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// std::fs::write(dir.join("template.vtl"), r#"{"id": "$ctx.args.id"}"#).unwrap();
    /// std::fs::write(dir.join("context.json"), r#"{"arguments": {"id": "1"}}"#).unwrap();
    /// std::fs::write(dir.join("case.json"), r#"{"expect": {"json": {"/id": "1"}}}"#).unwrap();
    /// let accept = RunOptions { accept: true, ..RunOptions::default() };
    /// let summary = Engine::new().run_cases(&[dir.clone()], &accept).unwrap();
    /// assert_eq!(summary.summary_line(), "1 passed, 0 failed");
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn run_cases(
        &self,
        paths: &[PathBuf],
        options: &RunOptions,
    ) -> Result<RunSummary, CaseError> {
        let options = RunOptions {
            limits: self.limits().clone(),
            ..options.clone()
        };
        run_paths(paths, &options)
    }
}
