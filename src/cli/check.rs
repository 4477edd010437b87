//! `vtl check`: parse errors and lints, with snippets.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use serde_json::json;

use super::{color_stdout, Format, EXIT_FAILED, EXIT_OK, EXIT_USAGE};
use appsync_vtl::input::{is_stdin, read_text, show_path, Cap};
use appsync_vtl::lint::{self, check, Severity};
use appsync_vtl::source::Source;

/// Arguments of `vtl check`.
#[derive(Args, Debug)]
#[command(after_help = "Lints (silence a warning with `--allow NAME`, or with \
    `## vtl-ignore: NAME` at the end of the line or alone on the line above):\n  \
    run `vtl check --list` to see them all.\n\n\
    Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 bad usage or unreadable input.")]
pub(crate) struct CheckArgs {
    /// Template files, or folders (every `.vtl` file below them); `-` reads standard input.
    #[arg(value_name = "TEMPLATE|DIR", required_unless_present = "list")]
    templates: Vec<PathBuf>,
    /// Silence a warning everywhere (repeatable), e.g. `--allow undefined-reference`.
    #[arg(long, value_name = "LINT")]
    allow: Vec<String>,
    /// List the lints and exit.
    #[arg(long)]
    list: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub(crate) fn run(args: CheckArgs) -> i32 {
    if args.list {
        for l in lint::LINTS {
            let sev = match l.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            outln!("{:<24} {sev:<8} {}", l.name, l.summary);
        }
        return EXIT_OK;
    }
    for a in &args.allow {
        if lint::lint(a).is_none() {
            errln!("error: unknown lint `{a}`{}", lint::suggest(a));
            return EXIT_USAGE;
        }
    }
    let color = color_stdout();
    let mut paths = Vec::new();
    for path in &args.templates {
        if path.is_dir() {
            let found = match appsync_vtl::harness::vtl_files(path) {
                Ok(found) => found,
                Err(e) => {
                    errln!("error: {}: cannot read: {e}", show_path(path));
                    return EXIT_USAGE;
                }
            };
            if found.is_empty() {
                errln!("error: no `.vtl` file under {}", show_path(path));
                return EXIT_USAGE;
            }
            paths.extend(found);
        } else {
            paths.push(path.clone());
        }
    }
    let mut files = Vec::new();
    let (mut errors, mut warnings) = (0, 0);
    for path in &paths {
        let text = match read_text(path, Cap::CHECKED_TEMPLATE) {
            Ok(t) => t,
            Err(e) => {
                errln!("error: {e}");
                return EXIT_USAGE;
            }
        };
        let name = if is_stdin(path) {
            "<stdin>".to_string()
        } else {
            show_path(path)
        };
        let source = Arc::new(Source::new(name.as_str(), text));
        let found = check(source.clone(), &args.allow);
        for d in &found {
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
            }
            if args.format == Format::Text {
                outln!("{}", d.render(&source, color));
            }
        }
        files.push(json!({"file": name, "diagnostics": found}));
    }
    match args.format {
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(
                &json!({"files": files, "errors": errors, "warnings": warnings})
            )
            .unwrap_or_default()
        ),
        Format::Text => {
            let n = paths.len();
            let files = if n == 1 { "file" } else { "files" };
            outln!("{n} {files} checked: {errors} error(s), {warnings} warning(s)");
        }
    }
    if errors > 0 {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}
