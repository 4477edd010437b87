//! The invariants every input must keep, shared by the fuzz targets in `fuzz/`
//! (included with `#[path]`), the fuzz regression inputs in `tests/fuzz/` and the
//! property test in `tests/robust.rs`: no panic, every error located inside the
//! source, and the same render twice under a fixed clock and seed.
#![allow(dead_code)]

use std::sync::Arc;

use appsync_vtl::context::ContextError;
use appsync_vtl::value::{from_json, to_json, to_json_string};
use appsync_vtl::{explain, lint, Engine, Limits, RequestContext, Source, Span};

/// Whether a span can be sliced out of the text.
pub(crate) fn inside(text: &str, span: Span) -> bool {
    let (s, e) = (span.start as usize, span.end as usize);
    s <= e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e)
}

/// Small limits, so that one input runs in milliseconds.
pub(crate) fn small_limits() -> Limits {
    Limits {
        loop_iterations: 50,
        total_iterations: 2_000,
        output_bytes: 64 * 1024,
        range_size: 1_000,
        string_bytes: 64 * 1024,
        work: 2_000_000,
        ..Limits::default()
    }
}

/// Parses (every error located), renders each error report, and lints.
pub(crate) fn check_parse(text: &str) {
    if let Err(errors) = Engine::new().parse_all("fuzz.vtl", text) {
        assert!(!errors.is_empty(), "a failed parse reports an error");
        for e in &errors {
            let span = e.span().expect("a parse error has a position");
            assert!(
                inside(text, span),
                "{span:?} outside a {}-byte source",
                text.len()
            );
            let _ = e.report(false);
        }
    }
    let source = Arc::new(Source::new("fuzz.vtl", text));
    for d in lint::check(source.clone(), &[]) {
        assert!(
            inside(text, d.span()),
            "lint {} at {:?} outside the source",
            d.lint,
            d.span()
        );
        let _ = d.render(&source, false);
        if let Some(fix) = &d.fix {
            for edit in &fix.edits {
                assert!(
                    inside(text, edit.span),
                    "fix of {} outside the source",
                    d.lint
                );
            }
        }
    }
    check_ide(text);
}

/// What an editor asks at places in the text (completion, hover, definition,
/// references, symbols, explain in place) answers with places inside it.
pub(crate) fn check_ide(text: &str) {
    let doc = appsync_vtl::ide::Document::new("fuzz.vtl", text);
    let offsets: Vec<usize> = {
        let all: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let step = (all.len() / 64).max(1);
        all.into_iter().step_by(step).collect()
    };
    for &at in &offsets {
        for c in doc.completions(at) {
            assert!(c.replace_from <= at && text.is_char_boundary(c.replace_from));
        }
        if let Some(h) = doc.hover(at, None) {
            assert!(inside(text, h.span), "hover at {at}: {:?}", h.span);
        }
        if let Some(d) = doc.definition(at) {
            assert!(inside(text, d), "definition from {at}: {d:?}");
        }
        for r in doc.references(at, true) {
            assert!(inside(text, r), "reference from {at}: {r:?}");
        }
    }
    for s in doc.symbols() {
        assert!(inside(text, s.span) && inside(text, s.full));
    }
    let engine = Engine::new().with_limits(small_limits());
    if let Some(in_place) =
        appsync_vtl::ide::InPlace::new(&doc, &engine, &RequestContext::new(), "empty")
    {
        for h in &in_place.hints {
            assert!(h.offset <= text.len() && text.is_char_boundary(h.offset));
        }
        for span in &in_place.not_run {
            assert!(inside(text, *span), "not run: {span:?}");
        }
    }
}

/// Parses and renders twice with small limits (same result both times, errors
/// located inside the source), then traces (the same result again) and explains.
pub(crate) fn check_render(text: &str, ctx: &RequestContext, seed: u64) {
    let engine = Engine::new().with_seed(seed).with_limits(small_limits());
    let template = match engine.parse("fuzz.vtl", text) {
        Ok(t) => t,
        Err(e) => {
            assert!(inside(
                text,
                e.span().expect("a parse error has a position")
            ));
            return;
        }
    };
    let first = engine.render(&template, ctx);
    let second = engine.render(&template, ctx);
    match (&first, &second) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.output, b.output, "the same render twice differs");
            assert_eq!(a.logs, b.logs, "the same render twice logs differently");
        }
        (Err(a), Err(b)) => {
            assert_eq!(a.to_string(), b.to_string());
            if let Some(span) = a.span() {
                assert!(
                    inside(text, span),
                    "{span:?} outside a {}-byte source",
                    text.len()
                );
            }
            let _ = a.report(false);
        }
        _ => panic!("one render failed and the other did not"),
    }
    let traced = engine.trace(&template, ctx);
    // A traced render takes the general paths, an untraced one its fast paths
    // (comparisons in place, map properties read in the reference loop, …).
    match (&first, &traced.result) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.output, b.output, "the traced render prints differently");
            assert_eq!(a.logs, b.logs, "the traced render logs differently");
        }
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        _ => panic!("the traced render ended differently"),
    }
    let _ = explain::explain(&template, &traced, &[]);
}

/// `toJson(parseJson(s))` is a fixed point after one round, and the template
/// functions agree with the library's conversions.
pub(crate) fn check_json_roundtrip(text: &str) {
    let Ok(parsed) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    let v1 = from_json(&parsed);
    let t1 = to_json_string(&v1);
    let reparsed: serde_json::Value = serde_json::from_str(&t1)
        .unwrap_or_else(|e| panic!("toJson printed invalid JSON {t1:?}: {e}"));
    let t2 = to_json_string(&from_json(&reparsed));
    assert_eq!(t1, t2, "toJson(parseJson(toJson(x))) changed");
    let _ = to_json(&v1);
    let ctx = RequestContext::new().with_arguments(serde_json::json!({ "s": text }));
    let out = Engine::new()
        .render_str("$util.toJson($util.parseJson($ctx.args.s))", &ctx)
        .expect("parseJson of valid JSON renders");
    assert_eq!(
        out.output, t1,
        "$util.toJson($util.parseJson(s)) differs from the library"
    );
}

/// A template that reads the whole context and its common paths.
const CONTEXT_TEMPLATE: &str = r#"$util.toJson($ctx) $ctx.identity.sub $ctx.identity.claims $util.authType()
#foreach($k in $ctx.args.keySet())$k=$ctx.args.get($k)#end
$util.toJson($ctx.stash) $ctx.source $ctx.info.fieldName $ctx.prev.result $ctx.error"#;

/// Loads a context (a JSON error has a line and column inside the text) and
/// renders a template that reads all of it.
pub(crate) fn check_context(text: &str) {
    match RequestContext::from_json_str(text) {
        Ok(ctx) => {
            let _ = ctx.unknown_keys();
            let _ = ctx.auth_type();
            let _ = Engine::new().render_str(CONTEXT_TEMPLATE, &ctx);
        }
        Err(ContextError::Json { line, column, .. }) => {
            assert!(line >= 1 && column >= 1);
            assert!(line <= text.lines().count() + 1, "line {line} past the end");
        }
        Err(other) => {
            let _ = other.to_string();
        }
    }
}
