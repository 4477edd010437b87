//! A fixed amount of work for instruction-counting profilers (callgrind), whose
//! counts are repeatable on a noisy machine where wall-clock times are not:
//!
//! ```text
//! profile_engine parse|copy|render|render-json|context|call TEMPLATE CONTEXT N
//! valgrind --tool=callgrind profile_engine render filter.vtl filter.context.json 100
//! ```
//!
//! `parse` parses the template `N` times; `copy` makes `N` fresh copies of a context
//! converted once ([`appsync_vtl::SharedContext::fresh`]); `render` renders the
//! parsed template `N` times, each against such a copy; `render-json` converts the
//! context JSON in every render instead; `context` reads the context's JSON text into
//! values; `call` does what one call of the Node addon does (the context text read,
//! the template kept parsed, the render, the response built). Instructions per operation = (count at N)
//! − (count at 0), divided by N (`scripts/instructions.sh` does the arithmetic).

use std::process::ExitCode;

use appsync_vtl::{api, Engine, RenderOptions, Request, RequestContext};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        eprintln!(
            "usage: profile_engine parse|copy|render|render-json|context|call TEMPLATE CONTEXT N"
        );
        return ExitCode::from(2);
    }
    let (Ok(text), Ok(ctx_text)) = (
        std::fs::read_to_string(&args[2]),
        std::fs::read_to_string(&args[3]),
    ) else {
        eprintln!("cannot read {} or {}", args[2], args[3]);
        return ExitCode::from(2);
    };
    let n: usize = args[4].parse().unwrap_or(1);
    let ctx = match RequestContext::from_json_str(&ctx_text) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{}: {e}", args[3]);
            return ExitCode::from(2);
        }
    };
    let engine = Engine::new();
    let Ok(template) = engine.parse(&args[2], &text) else {
        eprintln!("{}: does not parse", args[2]);
        return ExitCode::from(1);
    };
    let shared = ctx.share();
    // As the Node binding's bench calls it: a fixed clock, seed 0.
    let options = RenderOptions {
        now: Some("2024-01-15T10:30:45.123Z".into()),
        ..RenderOptions::default()
    };
    let mut bytes = 0;
    for _ in 0..n {
        match args[1].as_str() {
            "parse" => bytes += engine.parse(&args[2], &text).map_or(0, |t| t.body.len()),
            "copy" => bytes += usize::from(shared.fresh().stash().is_null()),
            "render" => {
                let fresh = shared.fresh();
                bytes += engine
                    .render_shared(&template, &fresh)
                    .map_or(0, |o| o.output.len());
            }
            "context" => bytes += usize::from(RequestContext::from_json_str(&ctx_text).is_ok()),
            "call" => {
                let Ok(request) = Request::from_json("template.vtl", &text, &ctx_text, &options)
                else {
                    continue;
                };
                let result = request
                    .engine
                    .render_shared(&template, &request.context.into_shared());
                let response = api::EvaluateResponse::new(&result);
                bytes += response.evaluation_result.map_or(0, |r| r.len());
            }
            _ => bytes += engine.render(&template, &ctx).map_or(0, |o| o.output.len()),
        }
    }
    println!("{bytes}");
    ExitCode::SUCCESS
}
