//! `vtl test`: run case folders against their snapshots and assertions
//! (the same [`appsync_vtl::harness`] code the crate's own tests use).

use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;

mod watch;

use clap::{Args, ValueEnum};

use super::render::LimitOptions;
use super::{color_stdout, EXIT_FAILED, EXIT_OK, EXIT_USAGE};
use appsync_vtl::harness::{
    self,
    snapshot::{check_report_path, write_report},
    RunOptions, RunSummary, Status,
};
use appsync_vtl::input::show_path;

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// Failures with diffs, then `N passed, M failed`.
    Human,
    /// One JSON document with every test and its report.
    Json,
}

/// Arguments of `vtl test`.
#[derive(Args, Debug)]
#[command(
    after_help = "A case is a folder with template.vtl (or case.json naming a template or a \
                        pipeline) and context.json and/or contexts/*.json; each context is a test \
                        whose result is kept in snapshots/<case>@<context>.snap (insta's format).\n\n\
                        A case may instead name what a project deploys: {\"project\": \"../..\", \
                        \"resolver\": \"Mutation.createPost\"} runs that resolver's pipeline on each \
                        context; {\"project\": …, \"request\": {\"operation\": \"…\", \"variables\": {…}}} \
                        runs the whole GraphQL request as each caller (see `vtl request`); \
                        \"mocks\" (inline or a file) say what the data sources answer. A data \
                        source request no mock answers fails the test.\n\n\
                        Exit codes: 0 all passed, 1 a test failed, 2 bad input (no cases, unreadable \
                        case.json, missing template)."
)]
pub(crate) struct TestArgs {
    /// Case folders, folders of cases, or a case's case.json/template.vtl [default: .]
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Accept the results: promote pending .snap.new files, write missing snapshots.
    #[arg(long)]
    accept: bool,
    /// How to print the results.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Also write the results as JUnit XML (a plain file, replaced atomically; its folder must exist).
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Report which lines and branches of each template the tests ran.
    #[arg(long)]
    coverage: bool,
    /// Write coverage as an lcov tracefile (implies --coverage; a plain file, its folder must exist).
    #[arg(long, value_name = "FILE")]
    lcov: Option<PathBuf>,
    /// Run only tests whose `<case>@<test>` name contains this text.
    #[arg(long, value_name = "TEXT")]
    filter: Option<String>,
    /// Worker threads [default: one per core].
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
    /// After the run, walk each pending .snap.new with its diff: [a]ccept, [r]eject, [s]kip, [q]uit
    /// (answers are read from standard input, one per line).
    #[arg(long, conflicts_with_all = ["accept", "watch"])]
    review: bool,
    /// What to do with snapshots no test refers to any more (a removed or renamed context):
    /// `warn` lists them, `reject` also fails the run, `delete` removes them.
    #[arg(long, value_enum, value_name = "WHAT")]
    unreferenced: Option<Unreferenced>,
    /// Run, then run again the cases whose files change (templates, contexts, case.json), until
    /// interrupted (Ctrl-C).
    #[arg(long)]
    watch: bool,
    #[command(flatten)]
    limits: LimitOptions,
}

/// `--unreferenced`.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Unreferenced {
    /// List them.
    Warn,
    /// List them and fail the run.
    Reject,
    /// Remove them.
    Delete,
}

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn diff_line(&self, line: &str) -> String {
        match line.as_bytes().first() {
            Some(b'+') if !line.starts_with("+++") => self.wrap("32", line),
            Some(b'-') if !line.starts_with("---") => self.wrap("31", line),
            Some(b'@') => self.wrap("36", line),
            _ => line.to_string(),
        }
    }
}

pub(crate) fn run(args: TestArgs) -> i32 {
    let limits = match args.limits.limits() {
        Ok(l) => l,
        Err(e) => {
            errln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let cases = match harness::discover(&paths) {
        Ok(c) => c,
        Err(e) => {
            errln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    for (path, what) in [(&args.junit, "JUnit report"), (&args.lcov, "lcov file")] {
        if let Some(path) = path {
            if let Err(e) = check_report_path(path) {
                errln!("error: {}: cannot write the {what}: {e}", show_path(path));
                return EXIT_USAGE;
            }
        }
    }
    let options = RunOptions {
        accept: args.accept,
        coverage: args.coverage || args.lcov.is_some(),
        jobs: args.jobs,
        filter: args.filter.clone(),
        limits,
        compare_traced: false,
        roots: harness::roots_of(&paths),
    };
    let mut code = run_once(&args, &cases, &options);
    if let Some(what) = args.unreferenced {
        code = code.max(unreferenced(what, &cases, &options));
    }
    if args.review {
        code = review(&cases);
    }
    if args.watch {
        return watch::run(&paths, &options, |cases, options| {
            run_once(&args, cases, options)
        });
    }
    code
}

/// One run over `cases`: prints the results, writes the reports; the exit code.
fn run_once(args: &TestArgs, cases: &[PathBuf], options: &RunOptions) -> i32 {
    let show_progress = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    let progress = |done: usize, total: usize| {
        if show_progress {
            err!("\r\x1b[2K[{done}/{total}] cases");
            let _ = std::io::stderr().flush();
        }
    };
    let summary = harness::run(cases, options, &progress);
    if show_progress {
        err!("\r\x1b[2K");
    }
    match args.format {
        Format::Human => print_human(&summary, &Paint { on: color_stdout() }),
        Format::Json => {
            let mut doc = summary.to_json();
            if let (Some(cov), Some(o)) = (&summary.coverage, doc.as_object_mut()) {
                let files: Vec<_> = cov
                    .files()
                    .iter()
                    .map(|f| {
                        serde_json::json!({
                            "template": f.display, "lines": f.lines_total(), "linesHit": f.lines_hit(),
                            "branches": f.branches_total(), "branchesHit": f.branches_hit(),
                        })
                    })
                    .collect();
                o.insert("coverage".into(), files.into());
            }
            outln!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
    }
    let mut code = summary.exit_code();
    let mut write = |path: &PathBuf, text: String, what: &str| {
        if let Err(e) = write_report(path, &text) {
            errln!("error: {}: cannot write the {what}: {e}", show_path(path));
            code = EXIT_USAGE;
        }
    };
    if let Some(path) = &args.junit {
        write(path, summary.to_junit(), "JUnit report");
    }
    if let (Some(path), Some(cov)) = (&args.lcov, &summary.coverage) {
        write(path, cov.lcov(), "lcov file");
    }
    code
}

/// `--unreferenced`: reports (and with `delete` removes) snapshots no test writes.
fn unreferenced(what: Unreferenced, cases: &[PathBuf], options: &RunOptions) -> i32 {
    let found = harness::unreferenced(cases, &options.limits, &options.roots);
    let mut code = EXIT_OK;
    for path in &found {
        match what {
            Unreferenced::Delete => match std::fs::remove_file(path) {
                Ok(()) => outln!("removed unreferenced {}", show_path(path)),
                Err(e) => {
                    errln!("error: {}: cannot remove: {e}", show_path(path));
                    code = EXIT_USAGE;
                }
            },
            Unreferenced::Warn | Unreferenced::Reject => {
                outln!(
                    "unreferenced snapshot: {} (no test writes it)",
                    show_path(path)
                )
            }
        }
    }
    if what == Unreferenced::Reject && !found.is_empty() {
        outln!(
            "{} unreferenced snapshot(s): remove them with --unreferenced=delete",
            found.len()
        );
        code = code.max(EXIT_FAILED);
    }
    code
}

/// `--review`: each pending result with its diff, then the answer read from
/// standard input. Exit code 0 when nothing is left pending, else 1.
fn review(cases: &[PathBuf]) -> i32 {
    let pending = harness::pending(cases);
    if pending.is_empty() {
        outln!("no pending snapshots to review");
        return EXIT_OK;
    }
    let paint = Paint { on: color_stdout() };
    let (mut accepted, mut rejected, mut skipped) = (0, 0, 0);
    let stdin = std::io::stdin();
    let total = pending.len();
    for (i, p) in pending.iter().enumerate() {
        outln!(
            "\n{} ({}/{total}) {}",
            paint.wrap("1", &p.name),
            i + 1,
            if p.old.is_some() {
                "changed"
            } else {
                "new snapshot"
            }
        );
        outln!("  {}", show_path(&p.snapshot));
        for line in p.diff().lines() {
            outln!("    {}", paint.diff_line(line));
        }
        let answer = loop {
            out!("[a]ccept, [r]eject, [s]kip, [q]uit? ");
            let _ = std::io::stdout().flush();
            let mut line = String::new();
            match stdin.read_line(&mut line) {
                Ok(0) | Err(_) => break 'q', // no more answers: leave the rest
                Ok(_) => {}
            }
            match line.trim().chars().next().map(|c| c.to_ascii_lowercase()) {
                Some(c @ ('a' | 'r' | 's' | 'q')) => break c,
                _ => outln!("please answer a, r, s or q"),
            }
        };
        let done = match answer {
            'a' => p.accept().map(|()| accepted += 1),
            'r' => p.reject().map(|()| rejected += 1),
            's' => {
                skipped += 1;
                Ok(())
            }
            _ => {
                skipped += total - i;
                break;
            }
        };
        if let Err(e) = done {
            errln!("error: {}: {e}", show_path(&p.pending));
            return EXIT_USAGE;
        }
    }
    outln!("\n{accepted} accepted, {rejected} rejected, {skipped} skipped");
    if skipped > 0 {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}

fn print_human(summary: &RunSummary, paint: &Paint) {
    let mut out = String::new();
    for r in &summary.results {
        let failed = matches!(r.status, Status::Failed | Status::Error);
        if failed {
            let label = if r.status == Status::Error {
                "ERROR"
            } else {
                "FAIL"
            };
            out.push_str(&format!("{} {}\n", paint.wrap("31;1", label), r.name));
            for f in &r.failures {
                out.push_str(&format!("  {f}\n"));
            }
            if let Some(diff) = &r.diff {
                for line in diff.lines() {
                    out.push_str(&format!("    {}\n", paint.diff_line(line)));
                }
            }
        }
        for note in &r.notes {
            out.push_str(&format!(
                "{}: {note}\n",
                if failed { "  note" } else { r.name.as_str() }
            ));
        }
    }
    if let Some(cov) = &summary.coverage {
        out.push('\n');
        out.push_str(&cov.table());
    }
    if !out.is_empty() {
        out.push('\n');
    }
    let line = summary.summary_line();
    let line = if summary.failed() > 0 {
        paint.wrap("31;1", &line)
    } else {
        paint.wrap("32;1", &line)
    };
    out.push_str(&line);
    outln!("{out}");
}
