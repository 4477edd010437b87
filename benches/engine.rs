//! Parse and render of the shared benchmark templates (`benches/templates`, copied
//! from `../shared/bench/templates`), every Amplify-generated template of
//! `templates/`, the hand-written Rust floors for `filter.vtl` (over serde_json, and
//! over the engine's own values), and tracing on/off.
//!
//! ```text
//! cargo bench --bench engine                 # everything
//! cargo bench --bench engine -- render/      # one group
//! ```
//!
//! `render/<t>` is the harness's measure: an already-parsed template rendered
//! against a fresh copy of a context converted once, the copy made and freed
//! outside the timed region (as every peer's adapter copies its context outside,
//! and its garbage collector frees it outside). The copy
//! is timed on its own (`copy/<t>`), and `render_from_json/<t>` converts the
//! context JSON inside every render, as `Engine::render` does.

mod common;

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use std::rc::Rc;

use appsync_vtl::value::{from_json, to_json_string, Map};
use appsync_vtl::{RequestContext, Value};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use serde_json::{json, Value as Json};

const TEMPLATES: [&str; 3] = ["auth", "putitem", "filter"];

fn parse(c: &mut Criterion) {
    let engine = common::engine();
    let mut group = c.benchmark_group("parse");
    for name in TEMPLATES {
        let (text, _) = common::template(name);
        group.bench_function(name, |b| {
            b.iter(|| engine.parse(name, black_box(&text)).expect("parses"))
        });
    }
    group.finish();
}

fn render(c: &mut Criterion) {
    let engine = common::engine();
    for name in TEMPLATES {
        let (text, ctx) = common::template(name);
        let template = engine.parse(name, &text).expect("parses");
        let base = ctx.share();
        c.bench_function(&format!("render/{name}"), |b| {
            b.iter_batched_ref(
                || base.fresh(),
                |fresh| engine.render_shared(&template, fresh).expect("renders"),
                BatchSize::SmallInput,
            )
        });
        c.bench_function(&format!("copy/{name}"), |b| b.iter(|| base.fresh()));
        c.bench_function(&format!("render_from_json/{name}"), |b| {
            b.iter(|| engine.render(&template, black_box(&ctx)).expect("renders"))
        });
    }
}

/// Tracing hooks compile away when off: `render/auth` again, beside a traced render.
fn tracing(c: &mut Criterion) {
    let engine = common::engine();
    let (text, ctx) = common::template("auth");
    let template = engine.parse("auth", &text).expect("parses");
    let base = ctx.share();
    let mut group = c.benchmark_group("tracing");
    group.bench_function("off", |b| {
        b.iter_batched_ref(
            || base.fresh(),
            |fresh| engine.render_shared(&template, fresh).expect("renders"),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("on", |b| {
        b.iter_batched_ref(
            || base.fresh(),
            |fresh| engine.render_shared_traced(&template, fresh),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

/// What `filter.vtl` does, written by hand over the parsed JSON: the floor.
fn filter_by_hand(ctx: &Json) -> String {
    let empty = Vec::new();
    let groups = ctx["identity"]["claims"]["cognito:groups"]
        .as_array()
        .unwrap_or(&empty);
    let is_admin = groups.iter().any(|g| g == "Admin");
    let min_score = ctx["arguments"]["minScore"].as_i64().unwrap_or(0);
    let sub = &ctx["identity"]["sub"];
    let items = ctx["result"]["items"].as_array().unwrap_or(&empty);
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if item["status"] != "PUBLISHED" && !is_admin {
            continue;
        }
        let title_empty = item["title"].as_str().is_none_or(str::is_empty);
        if item["score"].as_i64().unwrap_or(i64::MIN) < min_score || title_empty {
            continue;
        }
        if item["owner"] != *sub && item["visibility"] != "public" {
            continue;
        }
        out.push(json!({
            "id": item["id"], "title": item["title"], "score": item["score"],
            "owner": item["owner"], "rank": i + 1,
        }));
    }
    let next = ctx["result"]
        .get("nextToken")
        .cloned()
        .unwrap_or(Json::Null);
    let result = json!({
        "items": out, "count": out.len(), "scannedCount": items.len(), "nextToken": next,
    });
    serde_json::to_string(&result).expect("serializes")
}

/// `filter.vtl` written by hand over the engine's own values (shared, mutable
/// `Rc<RefCell<…>>` lists and maps, Java's model): the same work with no
/// interpretation at all. The distance from here to `render/filter` is what the
/// interpreter costs; the rest is the value model and the JSON printer.
fn filter_on_values(ctx: &Value) -> String {
    fn get(v: &Value, key: &str) -> Value {
        match v {
            Value::Map(m) => m.borrow().get(key).cloned().unwrap_or(Value::Null),
            _ => Value::Null,
        }
    }
    let groups = get(&get(&get(ctx, "identity"), "claims"), "cognito:groups");
    let is_admin = match &groups {
        Value::List(l) => l.borrow().iter().any(|g| g.as_str() == Some("Admin")),
        _ => false,
    };
    let min_score = match get(&get(ctx, "arguments"), "minScore") {
        Value::Int(i) => i,
        _ => 0,
    };
    let result = get(ctx, "result");
    let items = get(&result, "items");
    let Value::List(items) = &items else {
        return String::new();
    };
    let items = items.borrow();
    let out = Value::list(Vec::new());
    let Value::List(list) = &out else {
        return String::new();
    };
    let keys: [Rc<str>; 5] = ["id", "title", "score", "owner", "rank"].map(Rc::from);
    for (i, item) in items.iter().enumerate() {
        if get(item, "status").as_str() != Some("PUBLISHED") && !is_admin {
            continue;
        }
        let score = match get(item, "score") {
            Value::Int(s) => s,
            _ => i64::MIN,
        };
        let title = get(item, "title");
        if score < min_score || title.as_str().is_none_or(str::is_empty) {
            continue;
        }
        let owner = get(item, "owner");
        let sub = get(&get(ctx, "identity"), "sub");
        if !owner.java_equals(&sub) && get(item, "visibility").as_str() != Some("public") {
            continue;
        }
        let mut m = Map::with_capacity(5);
        m.insert(keys[0].clone(), get(item, "id"));
        m.insert(keys[1].clone(), title);
        m.insert(keys[2].clone(), Value::Int(score));
        m.insert(keys[3].clone(), owner);
        m.insert(keys[4].clone(), Value::Int(i as i64 + 1));
        list.borrow_mut().push(Value::map(m));
    }
    let count = list.borrow().len() as i64;
    let mut top = Map::with_capacity(4);
    top.insert(Rc::from("items"), out.clone());
    top.insert(Rc::from("count"), Value::Int(count));
    top.insert(Rc::from("scannedCount"), Value::Int(items.len() as i64));
    top.insert(Rc::from("nextToken"), get(&result, "nextToken"));
    to_json_string(&Value::map(top))
}

fn baseline(c: &mut Criterion) {
    let (_, ctx) = common::template("filter");
    let json = ctx.to_json();
    // The floor does the same work: its output is the template's, as JSON.
    let engine = common::engine();
    let (text, _) = common::template("filter");
    let template = engine.parse("filter", &text).expect("parses");
    let rendered = engine.render(&template, &ctx).expect("renders").output;
    let ours: Json = serde_json::from_str(rendered.trim()).expect("filter.vtl prints JSON");
    let theirs: Json = serde_json::from_str(&filter_by_hand(&json)).expect("JSON");
    assert_eq!(
        ours, theirs,
        "the hand-written filter differs from filter.vtl"
    );
    c.bench_function("baseline/filter_by_hand", |b| {
        b.iter(|| filter_by_hand(black_box(&json)))
    });
    let values = from_json(&json);
    let on_values: Json =
        serde_json::from_str(&filter_on_values(&values)).expect("filter_on_values prints JSON");
    assert_eq!(
        ours, on_values,
        "the hand-written filter over values differs from filter.vtl"
    );
    c.bench_function("baseline/filter_on_values", |b| {
        b.iter(|| filter_on_values(black_box(&values)))
    });
}

/// Every Amplify-generated template in `templates/resolvers`, rendered against a
/// signed-in Cognito user (denials and errors are renders too).
fn amplify(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ctx_text =
        std::fs::read_to_string(root.join("templates/tests/createPost-auth/contexts/owner.json"))
            .expect("owner context");
    let ctx = RequestContext::from_json_str(&ctx_text).expect("context");
    let base = ctx.share();
    let engine = common::engine();
    let mut group = c.benchmark_group("amplify");
    for path in common::vtl_files(&root.join("templates/resolvers")) {
        let text = std::fs::read_to_string(&path).expect("template");
        let name = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let template = engine.parse(&name, &text).expect("parses");
        let id = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        group.bench_function(id, |b| {
            b.iter_batched_ref(
                || base.fresh(),
                |fresh| engine.render_shared(&template, fresh).expect("renders"),
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(50)
}

criterion_group! {
    name = benches;
    config = config();
    targets = parse, render, tracing, baseline, amplify
}
criterion_main!(benches);
