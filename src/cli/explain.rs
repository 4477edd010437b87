//! `vtl explain` and `vtl trace`: why a template did what it did.

use std::path::{Path, PathBuf};

use clap::Args;

use super::render::{print_parse_errors, EvalOptions};
use super::{color_stderr, color_stdout, Format, EXIT_FAILED, EXIT_OK, EXIT_USAGE};
use appsync_vtl::context::RequestContext;
use appsync_vtl::explain::{event_json, event_line, explain, matrix};
use appsync_vtl::identity::Caller;
use appsync_vtl::input::{escape_path, read_context, show_path};
use appsync_vtl::parse::Template;
use appsync_vtl::report::Palette;
use appsync_vtl::Request;

/// Arguments of `vtl explain`.
#[derive(Args, Debug)]
#[command(after_help = "Examples:\n  \
    vtl explain auth.vtl --context ctx.json --watch isAuthorized\n  \
    vtl explain auth.vtl --matrix --watch isAuthorized\n  \
    vtl explain auth.vtl --matrix --contexts cases/ --format json\n\n\
    Exit codes: 0 explained, 1 the template could not be parsed, 2 bad usage or unreadable input.")]
pub(crate) struct ExplainArgs {
    /// The template file (`-` reads standard input).
    #[arg(value_name = "TEMPLATE")]
    template: PathBuf,
    #[command(flatten)]
    options: EvalOptions,
    /// A variable to explain, e.g. `isAuthorized` (repeatable).
    #[arg(short, long, value_name = "NAME")]
    watch: Vec<String>,
    /// Run against every built-in caller preset (or each context in `--contexts`) and print a table.
    #[arg(long)]
    matrix: bool,
    /// With `--matrix`: a folder of `*.json` contexts (or of folders holding `context.json`).
    #[arg(long, value_name = "DIR", requires = "matrix")]
    contexts: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Arguments of `vtl trace`.
#[derive(Args, Debug)]
#[command(
    after_help = "Exit codes: 0 traced (also when the template raised $util.error), \
    1 the template could not be parsed or evaluated, 2 bad usage or unreadable input."
)]
pub(crate) struct TraceArgs {
    /// The template file (`-` reads standard input).
    #[arg(value_name = "TEMPLATE")]
    template: PathBuf,
    #[command(flatten)]
    options: EvalOptions,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Reads and parses the template and reads the context, printing any problem.
fn load(template: &Path, options: &EvalOptions) -> Result<(Request, Template), i32> {
    let request = options.request(template)?;
    let parsed = request.parse().map_err(|errors| {
        print_parse_errors(&errors);
        EXIT_FAILED
    })?;
    Ok((request, parsed))
}

fn print_json(v: &impl serde::Serialize) {
    outln!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

pub(crate) fn run(args: ExplainArgs) -> i32 {
    let (prepared, template) = match load(&args.template, &args.options) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    if args.matrix {
        let callers = match &args.contexts {
            Some(dir) => match contexts_in(dir) {
                Ok(c) => c,
                Err(e) => {
                    errln!("error: {e}");
                    return EXIT_USAGE;
                }
            },
            None => Caller::all()
                .into_iter()
                .map(|c| (c.name.clone(), c.apply(prepared.context.clone())))
                .collect(),
        };
        let table = matrix(&prepared.engine, &template, &callers, &args.watch);
        match args.format {
            Format::Json => print_json(&table),
            Format::Text => out!("{}", table.to_text(color_stdout())),
        }
        return EXIT_OK;
    }
    let traced = prepared.engine.trace(&template, &prepared.context);
    let explanation = explain(&template, &traced, &args.watch);
    match args.format {
        Format::Json => print_json(&explanation),
        Format::Text => out!("{}", explanation.to_text(color_stdout())),
    }
    EXIT_OK
}

/// The contexts of `--contexts DIR`: `DIR/*.json`, or `DIR/*/context.json`, by name.
fn contexts_in(dir: &Path) -> Result<Vec<(String, RequestContext)>, String> {
    let shown = show_path(dir);
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{shown}: {e}"))?;
    let mut found: Vec<(String, PathBuf)> = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let file_name = entry.file_name();
        let name = || {
            file_name.to_str().map(str::to_string).ok_or_else(|| {
                format!(
                    "{}: the name is not UTF-8; rename it (it names a row of the table)",
                    escape_path(&path)
                )
            })
        };
        if path.is_dir() && path.join("context.json").is_file() {
            found.push((name()?, path.join("context.json")));
        } else if path.extension().is_some_and(|e| e == "json") {
            let name = name()?;
            let stem = name.strip_suffix(".json").unwrap_or(&name).to_string();
            found.push((stem, path));
        }
    }
    if found.is_empty() {
        return Err(format!(
            "{shown}: no *.json contexts (nor folders with a context.json)"
        ));
    }
    found.sort();
    found
        .into_iter()
        .map(|(name, path)| {
            read_context(&path)
                .map(|c| (name, c))
                .map_err(|e| e.to_string())
        })
        .collect()
}

pub(crate) fn run_trace(args: TraceArgs) -> i32 {
    let (prepared, template) = match load(&args.template, &args.options) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let traced = prepared.engine.trace(&template, &prepared.context);
    let src = &template.source;
    match args.format {
        Format::Json => {
            let events: Vec<serde_json::Value> =
                traced.events.iter().map(|e| event_json(e, src)).collect();
            print_json(&events);
        }
        Format::Text => {
            let p = Palette::new(color_stdout());
            let mut depth = 0usize;
            for e in &traced.events {
                if matches!(e, appsync_vtl::Event::LoopEnd { .. }) {
                    depth = depth.saturating_sub(1);
                }
                outln!("{}{}", "  ".repeat(depth), event_line(e, src, p));
                if matches!(e, appsync_vtl::Event::LoopStart { .. }) {
                    depth += 1;
                }
            }
            let summary = appsync_vtl::explain::summarize(src, &traced);
            outln!("{}", summary.line(p));
        }
    }
    match traced.result {
        Ok(_) => EXIT_OK,
        Err(e) => {
            err!("{}", e.report(color_stderr()));
            EXIT_FAILED
        }
    }
}
