//! How time grows with the input: `filter.vtl` over 500, 5,000 and 50,000 items
//! (render, and the context copy it needs), and parse time against template size
//! up to AppSync's 64 KB limit. Linear growth shows as a constant time per item
//! or per KB (criterion reports throughput in elements or bytes per second).
//!
//! ```text
//! cargo bench --bench growth
//! ```

mod common;

use std::hint::black_box;
use std::time::Duration;

use appsync_vtl::{Limits, RequestContext};
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use serde_json::Value as Json;

/// The filter context with its 500 items repeated to `n` (ids kept unique).
fn filter_context(n: usize) -> RequestContext {
    let (_, ctx) = common::template("filter");
    let mut json = ctx.to_json();
    let items: Vec<Json> = json["result"]["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let grown: Vec<Json> = (0..n)
        .map(|i| {
            let mut item = items[i % items.len()].clone();
            item["id"] = Json::from(format!("item-{i:06}"));
            item
        })
        .collect();
    json["result"]["items"] = Json::Array(grown);
    RequestContext::from_json(json).expect("context")
}

fn filter_items(c: &mut Criterion) {
    // AppSync stops a loop at 1,000 passes; lift that to measure growth.
    let limits = Limits {
        loop_iterations: usize::MAX,
        ..Limits::default()
    };
    let engine = common::engine().with_limits(limits);
    let (text, _) = common::template("filter");
    let template = engine.parse("filter", &text).expect("parses");
    let mut group = c.benchmark_group("filter_items");
    for n in [500, 5_000, 50_000] {
        let base = filter_context(n).share();
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("render", n), &n, |b, _| {
            b.iter_batched_ref(
                || base.fresh(),
                |fresh| engine.render_shared(&template, fresh).expect("renders"),
                BatchSize::LargeInput,
            )
        });
        group.bench_with_input(BenchmarkId::new("copy", n), &n, |b, _| {
            b.iter(|| base.fresh())
        });
    }
    group.finish();
}

/// `auth.vtl` repeated until the template is `kb` KB long.
fn template_of(kb: usize) -> String {
    let (text, _) = common::template("auth");
    let mut out = String::with_capacity(kb * 1024 + text.len());
    while out.len() + text.len() <= kb * 1024 {
        out.push_str(&text);
    }
    out
}

fn parse_size(c: &mut Criterion) {
    let engine = common::engine();
    let mut group = c.benchmark_group("parse_size");
    for kb in [4, 8, 16, 32, 64] {
        let text = template_of(kb);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{kb}KB")),
            &text,
            |b, text| b.iter(|| engine.parse("big.vtl", black_box(text)).expect("parses")),
        );
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20)
}

criterion_group! {
    name = benches;
    config = config();
    targets = filter_items, parse_size
}
criterion_main!(benches);
