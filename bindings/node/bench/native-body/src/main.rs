//! What one call of `evaluatePrepared` in the Node addon
//! (`bindings/node/src/lib.rs`) does, without N-API: the engine the options
//! describe, the context JSON text read into values, the render of the template
//! (parsed once, as the TypeScript layer keeps it prepared) against that
//! context, and `api::EvaluateResponse::new`; everything dropped. Its parts are
//! timed too.
//! The allocator is the addon's (mimalloc).
//!
//! ```text
//! native-body TEMPLATE CONTEXT
//! ```
//!
//! Prints one JSON line of per-call microseconds: each figure is the median batch
//! (`BATCHES` rounds of batches of about `BATCH_MS` ms, after `WARMUP_MS` ms of
//! warm-up), as `../bench.js` measures the calls from JavaScript.

use std::hint::black_box;

// As the addon (`bindings/node/src/lib.rs`): Rust's allocations go through mimalloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::{Duration, Instant};

use appsync_vtl::{api, RenderOptions, Request, RequestContext, Template};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A named call to time.
type Call<'a> = (&'static str, Box<dyn FnMut() + 'a>);

/// Per-call microseconds of each call: each is warmed up (which also sizes its
/// batches), then `BATCHES` rounds run one batch of every call in turn, so that
/// load from elsewhere falls on all of them alike; the median batch of each.
fn measure(calls: &mut [Call<'_>]) -> Vec<(&'static str, f64)> {
    let (batches, batch_ms, warmup_ms) = (
        env("BATCHES", 11),
        env("BATCH_MS", 100),
        env("WARMUP_MS", 300),
    );
    let sizes: Vec<u64> = calls
        .iter_mut()
        .map(|(_, call)| {
            let start = Instant::now();
            let mut n = 0u64;
            while n < 20 || start.elapsed() < Duration::from_millis(warmup_ms) {
                call();
                n += 1;
            }
            let estimate = start.elapsed().as_secs_f64() / n as f64;
            ((batch_ms as f64 / 1000.0 / estimate).round() as u64).max(5)
        })
        .collect();
    let mut per_call = vec![Vec::new(); calls.len()];
    for _ in 0..batches {
        for (i, (_, call)) in calls.iter_mut().enumerate() {
            let t = Instant::now();
            for _ in 0..sizes[i] {
                call();
            }
            per_call[i].push(t.elapsed().as_secs_f64() * 1e6 / sizes[i] as f64);
        }
    }
    calls
        .iter()
        .zip(per_call)
        .map(|((name, _), mut v)| {
            v.sort_by(|a, b| a.total_cmp(b));
            (*name, v[v.len() / 2])
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: native-body TEMPLATE CONTEXT");
        std::process::exit(2);
    }
    let template = std::fs::read_to_string(&args[1]).expect("the template");
    let context = std::fs::read_to_string(&args[2]).expect("the context");
    // As the binding: a fixed clock, seed 0, the name it gives.
    let options = RenderOptions {
        now: Some("2024-01-15T10:30:45.123Z".into()),
        seed: 0,
        ..RenderOptions::default()
    };
    let name = "template.vtl";
    // The addon's body (`evaluate_prepared`), less the conversion of the
    // response into a JavaScript object. The template is prepared once (the
    // TypeScript layer keeps it), so it is parsed once here too.
    let call = |parsed: &Template, _template: &str, context: &str| {
        let engine = options.engine().expect("an engine");
        let context = RequestContext::from_json_str(context).expect("a context");
        let (context, _warnings) = options.apply(context).expect("a request");
        let result = engine.render_shared(parsed, &context.into_shared());
        black_box(api::EvaluateResponse::new(&result));
    };
    let request = Request::from_json(name, &template, &context, &options).expect("a request");
    let parsed = request.engine.parse(name, &template).expect("parses");
    let empty = request.engine.parse(name, "").expect("parses");
    let mut calls: Vec<Call<'_>> = vec![
        ("call_us", Box::new(|| call(&parsed, &template, &context))),
        ("empty_call_us", Box::new(|| call(&empty, "", "{}"))),
        ("context_only_call_us", Box::new(|| call(&empty, "", &context))),
        (
            "context_json_parse_us",
            Box::new(|| {
                black_box(serde_json::from_str::<serde_json::Value>(&context).expect("JSON"));
            }),
        ),
        (
            "request_from_json_us",
            Box::new(|| {
                black_box(
                    Request::from_json(name, &template, &context, &options).expect("a request"),
                );
            }),
        ),
        (
            "parse_then_render_us",
            Box::new(|| {
                black_box(request.render().expect("renders"));
            }),
        ),
        (
            "parse_us",
            Box::new(|| {
                black_box(request.engine.parse(name, &template).expect("parses"));
            }),
        ),
        (
            "render_from_json_us",
            Box::new(|| {
                black_box(
                    request
                        .engine
                        .render(&parsed, &request.context)
                        .expect("renders"),
                );
            }),
        ),
    ];
    let mut line = serde_json::Map::new();
    line.insert("template".into(), args[1].clone().into());
    for (key, us) in measure(&mut calls) {
        line.insert(key.into(), us.into());
    }
    let line = serde_json::Value::Object(line);
    println!("{line}");
}
