//! The shared benchmark harness's engine protocol (`../shared/bench/README.md`):
//!
//! ```text
//! bench_engine TEMPLATE CONTEXT ITERATIONS
//! ```
//!
//! `ITERATIONS = 0` renders once and prints only the output (exit 1 if the template
//! raised); otherwise it times `ITERATIONS` parses and renders after a warm-up and prints
//! one JSON line of statistics in microseconds.
//!
//! As in the other adapters, the context JSON is read and parsed once, into this
//! engine's values (as Jackson parses it into the Java maps Velocity renders), and
//! each render gets its own deep copy ([`SharedContext::fresh`]) made, and freed,
//! *outside* the timed region (`render_us`). Two extra figures: `render_with_copy_us` times the
//! copy too, and `render_from_json_us` converts the parsed JSON into values in every
//! render ([`Engine::render`] with a [`RequestContext`], what Amplify's adapter times).

use std::process::ExitCode;
use std::time::Instant;

use appsync_vtl::{AuthType, Engine, RequestContext, SharedContext, Template};
use sha2::{Digest, Sha256};

fn stats(mut samples: Vec<f64>) -> serde_json::Value {
    samples.sort_by(|a, b| a.total_cmp(b));
    let n = samples.len();
    let at = |q: f64| samples[((n as f64 - 1.0) * q).round() as usize];
    serde_json::json!({
        "median": at(0.5), "min": samples[0], "max": samples[n - 1],
        "p10": at(0.1), "p90": at(0.9), "n": n,
    })
}

/// Microseconds of each of `n` calls of `run`, on an input `setup` makes untimed
/// (the result is dropped after the clock stops).
fn timed<I, O>(n: usize, mut setup: impl FnMut() -> I, mut run: impl FnMut(I) -> O) -> Vec<f64> {
    (0..n)
        .map(|_| {
            let input = setup();
            let t = Instant::now();
            let out = run(input);
            let us = t.elapsed().as_secs_f64() * 1e6;
            drop(out);
            us
        })
        .collect()
}

/// Cold mode: one render, its output on stdout, as `vtl render` does it (no copy
/// of the context; the values are left to the OS at exit).
fn cold(engine: &Engine, template: Template, json: serde_json::Value, name: &str) -> ExitCode {
    let ctx = match RequestContext::from_json(json) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{name}: {e}");
            return ExitCode::from(2);
        }
    };
    let shared = ctx.share();
    let result = engine.render_shared(&template, &shared);
    let code = match &result {
        Ok(o) => match (&o.raised, o.evaluation_result()) {
            (None, Some(out)) => {
                print!("{out}");
                ExitCode::SUCCESS
            }
            (Some(e), _) => {
                eprintln!("{} ({})", e.message, e.error_type.as_deref().unwrap_or(""));
                ExitCode::from(1)
            }
            _ => ExitCode::SUCCESS,
        },
        Err(e) => {
            eprintln!("{e:#}");
            ExitCode::from(1)
        }
    };
    std::mem::forget((ctx, shared, template, result));
    code
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        eprintln!("usage: bench_engine TEMPLATE CONTEXT ITERATIONS");
        return ExitCode::from(2);
    }
    let (Ok(text), Ok(ctx_text)) = (
        std::fs::read_to_string(&args[1]),
        std::fs::read_to_string(&args[2]),
    ) else {
        eprintln!("cannot read {} or {}", args[1], args[2]);
        return ExitCode::from(2);
    };
    let iterations: usize = args[3].parse().unwrap_or(0);
    let json: serde_json::Value = match serde_json::from_str(&ctx_text) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("{}: {e}", args[2]);
            return ExitCode::from(2);
        }
    };
    let auth = json
        .get("authType")
        .and_then(|a| a.as_str())
        .and_then(AuthType::parse);
    let mut engine = Engine::new().with_system_clock();
    if let Some(a) = auth {
        engine = engine.with_auth_type(a);
    }
    let template = match engine.parse(&args[1], &text) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e:#}");
            return ExitCode::from(1);
        }
    };
    if iterations == 0 {
        return cold(&engine, template, json, &args[2]);
    }
    let ctx = match RequestContext::from_json(json) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{}: {e}", args[2]);
            return ExitCode::from(2);
        }
    };
    let base: SharedContext = ctx.share();
    let render = |engine: &Engine, template| {
        engine
            .render_shared(template, &base.fresh())
            .map_err(|e| format!("{e:#}"))
    };
    let warmup = (iterations / 5).max(20);
    for _ in 0..warmup {
        let _ = engine.parse(&args[1], &text);
    }
    let parse_us = timed(iterations, || (), |()| engine.parse(&args[1], &text));
    for _ in 0..warmup {
        let _ = render(&engine, &template);
    }
    // Each render's own copy of the context is made before the clock starts and
    // freed after it stops (the other engines' garbage collectors free theirs
    // outside the timed region too).
    let render_us = timed(
        iterations,
        || base.fresh(),
        |fresh| (engine.render_shared(&template, &fresh), fresh),
    );
    let render_with_copy_us = timed(iterations, || (), |()| render(&engine, &template));
    let render_from_json_us = timed(iterations, || (), |()| engine.render(&template, &ctx));
    let output = render(&engine, &template)
        .ok()
        .and_then(|o| o.evaluation_result())
        .unwrap_or_default();
    let line = serde_json::json!({
        "engine": "rust-vtl", "version": env!("CARGO_PKG_VERSION"), "runtime": "rustc",
        "template": args[1], "iterations": iterations, "warmup": warmup,
        "parse_us": stats(parse_us), "render_us": stats(render_us),
        "render_with_copy_us": stats(render_with_copy_us),
        "render_from_json_us": stats(render_from_json_us),
        "output_bytes": output.len(),
        "output_sha256": format!("{:x}", Sha256::digest(output.as_bytes())),
    });
    println!("{line}");
    ExitCode::SUCCESS
}
