//! Running cases: every case on a worker thread (its templates parsed once,
//! rendered per test), snapshot verdicts, assertions, and the results as text,
//! JSON or JUnit XML.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;
use serde_json::{json, Value as Json};

use super::case::{Body, Case, CaseError};
use super::coverage::Coverage;
use super::discover::discover;
use super::report::CaseReport;
use super::snapshot::{self, Snapshot, Verdict};
use crate::input::escape_path;
use crate::Limits;

/// How to run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Accept results as the new snapshots.
    pub accept: bool,
    /// Record coverage.
    pub coverage: bool,
    /// Worker threads (default: one per core).
    pub jobs: Option<usize>,
    /// Run only tests whose `<case>@<test>` name contains this.
    pub filter: Option<String>,
    /// The engine's limits for every test.
    pub limits: Limits,
    /// Render every test a second time on the other path (traced when the run
    /// is untraced, untraced under coverage) and fail the test when the two
    /// reports differ: the check the crate's own cases run under.
    pub compare_traced: bool,
    /// The folders the cases were found in (the paths given to `vtl test`):
    /// a case may read files inside its own folder or inside one of these
    /// that holds it, nothing else (see [`Case::load_in`]). [`run_paths`]
    /// fills it with its paths when it is empty.
    pub roots: Vec<PathBuf>,
}

/// How a test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Snapshot and assertions hold.
    Passed,
    /// A snapshot differs or is missing, or an assertion fails.
    Failed,
    /// `skip` in `case.json`.
    Skipped,
    /// The case could not be loaded (bad input).
    Error,
}

/// One test's result.
#[derive(Debug, Clone, Serialize)]
pub struct TestResult {
    /// `<case folder>@<test>`, or the case folder when it could not be loaded.
    pub name: String,
    /// How it ended.
    pub status: Status,
    /// Why it failed, one message each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<String>,
    /// The snapshot diff, old → new, when it changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// Files written or removed, stale files noticed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The snapshot file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<PathBuf>,
    /// What the test produced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<CaseReport>,
    /// How long the test took (its render and snapshot check), in seconds.
    #[serde(skip)]
    pub seconds: f64,
}

impl TestResult {
    fn error(dir: &Path, message: String) -> TestResult {
        TestResult {
            name: escape_path(dir),
            status: Status::Error,
            failures: vec![message],
            diff: None,
            notes: Vec::new(),
            snapshot: None,
            report: None,
            seconds: 0.0,
        }
    }
}

/// The results of a run.
#[derive(Debug, Clone, Default)]
pub struct RunSummary {
    /// Every test, in case then test order.
    pub results: Vec<TestResult>,
    /// Coverage, when it was asked for.
    pub coverage: Option<Coverage>,
}

impl RunSummary {
    fn count(&self, f: impl Fn(Status) -> bool) -> usize {
        self.results.iter().filter(|r| f(r.status)).count()
    }

    /// Tests that passed.
    pub fn passed(&self) -> usize {
        self.count(|s| s == Status::Passed)
    }

    /// Tests that failed, and cases that could not be loaded.
    pub fn failed(&self) -> usize {
        self.count(|s| matches!(s, Status::Failed | Status::Error))
    }

    /// Tests skipped.
    pub fn skipped(&self) -> usize {
        self.count(|s| s == Status::Skipped)
    }

    /// `N passed, M failed`, plus `, K skipped` when some were.
    pub fn summary_line(&self) -> String {
        let mut line = format!("{} passed, {} failed", self.passed(), self.failed());
        if self.skipped() > 0 {
            let _ = write!(line, ", {} skipped", self.skipped());
        }
        line
    }

    /// 0 all passed, 1 a test failed, 2 a case could not be loaded.
    pub fn exit_code(&self) -> i32 {
        if self.results.iter().any(|r| r.status == Status::Error) {
            2
        } else if self.failed() > 0 {
            1
        } else {
            0
        }
    }

    /// Every failure, as the text `vtl test` prints (without colour).
    pub fn failure_report(&self) -> String {
        let mut out = String::new();
        for r in self
            .results
            .iter()
            .filter(|r| matches!(r.status, Status::Failed | Status::Error))
        {
            let _ = writeln!(out, "FAIL {}", r.name);
            for f in &r.failures {
                let _ = writeln!(out, "  {f}");
            }
            if let Some(d) = &r.diff {
                for line in d.lines() {
                    let _ = writeln!(out, "    {line}");
                }
            }
        }
        out
    }

    /// The run as JSON: `{"tests": [...], "passed", "failed", "skipped"}`.
    pub fn to_json(&self) -> Json {
        json!({
            "tests": self.results,
            "passed": self.passed(),
            "failed": self.failed(),
            "skipped": self.skipped(),
        })
    }

    /// The run as JUnit XML (one `<testcase>` per test, grouped by case folder).
    pub fn to_junit(&self) -> String {
        let mut suites: indexmap::IndexMap<&str, Vec<&TestResult>> = indexmap::IndexMap::new();
        for r in &self.results {
            let suite = r.name.split_once('@').map_or(r.name.as_str(), |(c, _)| c);
            suites.entry(suite).or_default().push(r);
        }
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<testsuites name=\"vtl test\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">",
            self.results.len(),
            self.failed(),
            self.skipped()
        );
        for (suite, tests) in suites {
            let failed = tests
                .iter()
                .filter(|t| matches!(t.status, Status::Failed | Status::Error))
                .count();
            let skipped = tests.iter().filter(|t| t.status == Status::Skipped).count();
            let seconds: f64 = tests.iter().map(|t| t.seconds).sum();
            let _ = writeln!(
                out,
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\" skipped=\"{skipped}\" time=\"{seconds:.6}\">",
                xml_escape(suite),
                tests.len()
            );
            for t in tests {
                let name = t.name.split_once('@').map_or(t.name.as_str(), |(_, n)| n);
                let _ = write!(
                    out,
                    "    <testcase name=\"{}\" classname=\"{}\" time=\"{:.6}\"",
                    xml_escape(name),
                    xml_escape(suite),
                    t.seconds
                );
                match t.status {
                    Status::Passed => out.push_str("/>\n"),
                    Status::Skipped => out.push_str(">\n      <skipped/>\n    </testcase>\n"),
                    Status::Failed | Status::Error => {
                        let mut body = t.failures.join("\n");
                        if let Some(d) = &t.diff {
                            body.push('\n');
                            body.push_str(d);
                        }
                        let _ = write!(
                            out,
                            ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                            xml_escape(t.failures.first().map_or("", String::as_str)),
                            xml_escape(&body)
                        );
                    }
                }
            }
            out.push_str("  </testsuite>\n");
        }
        out.push_str("</testsuites>\n");
        out
    }
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Discovers the cases under `paths` and runs them.
pub fn run_paths(paths: &[PathBuf], options: &RunOptions) -> Result<RunSummary, CaseError> {
    let cases = discover(paths)?;
    let mut options = options.clone();
    if options.roots.is_empty() {
        options.roots = roots_of(paths);
    }
    Ok(run(&cases, &options, &|_, _| {}))
}

/// The folders that `paths` (given to `vtl test`) name: each folder, or the
/// folder of a case's `case.json`/`template.vtl`.
pub fn roots_of(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .map(|p| {
            if p.is_dir() {
                p.clone()
            } else {
                p.parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or(Path::new("."))
                    .to_path_buf()
            }
        })
        .collect()
}

/// Runs case folders on `options.jobs` threads; `progress(done, total)` is
/// called after each case.
pub fn run(
    cases: &[PathBuf],
    options: &RunOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> RunSummary {
    let jobs = options
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, cases.len().max(1));
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let worker = || {
        let mut results: Vec<(usize, Vec<TestResult>)> = Vec::new();
        let mut coverage = options.coverage.then(Coverage::default);
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(dir) = cases.get(i) else { break };
            results.push((i, run_case(dir, options, coverage.as_mut())));
            progress(done.fetch_add(1, Ordering::Relaxed) + 1, cases.len());
        }
        (results, coverage)
    };
    let outputs: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..jobs).map(|_| s.spawn(worker)).collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    let mut by_case: Vec<(usize, Vec<TestResult>)> = Vec::new();
    let mut coverage: Option<Coverage> = None;
    for (results, cov) in outputs {
        by_case.extend(results);
        if let Some(cov) = cov {
            coverage.get_or_insert_with(Coverage::default).merge(cov);
        }
    }
    by_case.sort_by_key(|(i, _)| *i);
    RunSummary {
        results: by_case.into_iter().flat_map(|(_, r)| r).collect(),
        coverage,
    }
}

/// Loads one case folder and runs its tests (a template is parsed once, then
/// rendered per test).
pub fn run_case(
    dir: &Path,
    options: &RunOptions,
    mut coverage: Option<&mut Coverage>,
) -> Vec<TestResult> {
    let case = match Case::load_in(dir, &options.limits, &options.roots) {
        Ok(c) => c,
        Err(e) => return vec![TestResult::error(dir, e.0)],
    };
    let expression = match &case.body {
        Body::Template(t) => t.name.clone(),
        Body::Pipeline(p) => p.outline(),
        Body::Resolver(r) => format!("{} ({})", r.key, r.pipeline.outline()),
        Body::Request(r) => r.operation.summary(),
    };
    let mut results = Vec::new();
    for test in &case.tests {
        let name = format!("{}@{}", escape_path(dir), test.name);
        if options
            .filter
            .as_ref()
            .is_some_and(|f| !name.contains(f.as_str()))
        {
            continue;
        }
        let path = case.snapshot_path(test);
        let mut result = TestResult {
            name,
            status: Status::Passed,
            failures: Vec::new(),
            diff: None,
            notes: Vec::new(),
            snapshot: Some(path.clone()),
            report: None,
            seconds: 0.0,
        };
        let started = std::time::Instant::now();
        if let Some(reason) = &case.skip {
            result.status = Status::Skipped;
            result.notes.push(format!("skipped: {reason}"));
            results.push(result);
            continue;
        }
        let traced = coverage.is_some();
        let report = case.run_with(test, coverage.as_deref_mut());
        result.failures = test.expect.check(&report);
        if let Some(why) = &report.no_mock {
            result.failures.push(format!("no mock: {why}"));
        }
        if options.compare_traced {
            let other = if traced {
                case.run(test)
            } else {
                case.run_with(test, Some(&mut Coverage::default()))
            };
            if other != report {
                result.failures.push(format!(
                    "the {} render differs from the {} one:",
                    if traced { "untraced" } else { "traced" },
                    if traced { "traced" } else { "untraced" },
                ));
                result.diff = Some(snapshot::diff(&report.to_snapshot(), &other.to_snapshot()));
            }
        }
        let snap = Snapshot::new(
            &expression,
            test.context_file.as_deref().unwrap_or(""),
            &report.to_snapshot(),
        );
        let checked = match path.parent().map(Path::symlink_metadata) {
            Some(Ok(meta)) if meta.file_type().is_symlink() => Err(std::io::Error::other(
                "the snapshots folder is a symbolic link; vtl test writes snapshots only inside the case folder",
            )),
            _ => snapshot::check(&path, &snap, options.accept, &mut result.notes),
        };
        match checked {
            Ok(Verdict::Matched) => {}
            Ok(Verdict::New { written, accepted }) => {
                if !accepted {
                    result.failures.push(format!(
                        "no snapshot yet: review {}, then accept it with --accept",
                        written.display()
                    ));
                }
            }
            Ok(Verdict::Changed {
                diff,
                written,
                accepted,
            }) => {
                if !accepted {
                    result.failures.push(format!(
                        "snapshot differs (- {}, + {}):",
                        path.display(),
                        written.display()
                    ));
                    result.diff = Some(diff);
                }
            }
            Ok(Verdict::Corrupt { reason, written }) => result.failures.push(format!(
                "{}: corrupt snapshot: {reason}; it was left as it is, the result is in {}",
                path.display(),
                written.display()
            )),
            Err(e) => result.failures.push(format!(
                "{}: cannot check the snapshot: {e}",
                escape_path(&path)
            )),
        }
        if !result.failures.is_empty() {
            result.status = Status::Failed;
        }
        result.report = Some(report);
        result.seconds = started.elapsed().as_secs_f64();
        results.push(result);
    }
    results
}
