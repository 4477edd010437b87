//! Parse and render an arbitrary template against a generated context, with small
//! limits: no panic, errors located inside the source, and the same output twice
//! under a fixed clock and seed. Also traces the render (which must end as the
//! untraced one did) and explains it.
#![no_main]

#[path = "../../tests/invariants/mod.rs"]
mod invariants;

use appsync_vtl::RequestContext;
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value as Json};

/// JSON built from fuzz bytes.
#[derive(Arbitrary, Debug)]
enum ArbJson {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<ArbJson>),
    Map(Vec<(String, ArbJson)>),
}

impl ArbJson {
    fn to_json(&self) -> Json {
        match self {
            ArbJson::Null => Json::Null,
            ArbJson::Bool(b) => Json::Bool(*b),
            ArbJson::Int(i) => Json::from(*i),
            ArbJson::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
            ArbJson::Str(s) => Json::String(s.clone()),
            ArbJson::List(l) => Json::Array(l.iter().map(ArbJson::to_json).collect()),
            ArbJson::Map(m) => {
                Json::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
            }
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    arguments: ArbJson,
    source: ArbJson,
    stash: ArbJson,
    identity: ArbJson,
    seed: u8,
    /// The rest of the bytes.
    template: String,
}

fuzz_target!(|input: Input| {
    let mut json = Map::new();
    json.insert("arguments".into(), input.arguments.to_json());
    json.insert("source".into(), input.source.to_json());
    json.insert("stash".into(), input.stash.to_json());
    json.insert("identity".into(), input.identity.to_json());
    if let Ok(ctx) = RequestContext::from_json(Json::Object(json)) {
        invariants::check_render(&input.template, &ctx, input.seed as u64);
    }
});
