//! EvaluateMappingTemplate's response shape: what `vtl render` prints and the
//! Node binding returns (`evaluationResult`, `error`, `logs`, and `stash` and
//! `outErrors` as JSON text, as the API returns them).
//!
//! ```
//! use appsync_vtl::{api, Engine, RequestContext};
//! let engine = Engine::new();
//! let result = engine.render_str(r#"$util.qr($ctx.stash.put("a", 1))$util.toJson([7 / 2])"#, &RequestContext::new());
//! assert_eq!(
//!     api::evaluate_response(&result),
//!     serde_json::json!({"evaluationResult": "[3]", "logs": [], "stash": "{\"a\":1}", "outErrors": "[]"})
//! );
//! let failed = engine.render_str("#if(", &RequestContext::new());
//! assert_eq!(api::evaluate_response(&failed)["error"]["type"], "ParseError");
//! ```

use serde_json::{json, Map, Value as Json};

use crate::error::Error;
use crate::outcome::Outcome;
use crate::value::to_json;

/// The response of EvaluateMappingTemplate for a render's result: an engine
/// error is the response's `error`, as the API reports a template it cannot
/// evaluate.
pub fn evaluate_response(result: &Result<Outcome, Error>) -> Json {
    match result {
        Ok(outcome) => outcome_response(outcome),
        Err(e) => error_response(e),
    }
}

fn outcome_response(outcome: &Outcome) -> Json {
    let mut o = Map::new();
    if let Some(result) = outcome.evaluation_result() {
        o.insert("evaluationResult".into(), Json::String(result));
    }
    if let Some(e) = &outcome.raised {
        let mut err = Map::new();
        err.insert("message".into(), json!(e.message));
        err.insert("type".into(), json!(e.error_type));
        if !e.data.is_null() {
            err.insert("data".into(), to_json(&e.data));
        }
        if !e.error_info.is_null() {
            err.insert("errorInfo".into(), to_json(&e.error_info));
        }
        o.insert("error".into(), Json::Object(err));
    }
    o.insert("logs".into(), json!(outcome.logs));
    o.insert("stash".into(), Json::String(outcome.stash_json.clone()));
    let errors: Vec<Json> = outcome.errors.iter().map(|e| e.to_json()).collect();
    o.insert(
        "outErrors".into(),
        Json::String(serde_json::to_string(&errors).unwrap_or_else(|_| "[]".into())),
    );
    Json::Object(o)
}

fn error_response(e: &Error) -> Json {
    json!({
        "error": { "message": e.to_string(), "type": e.type_name() },
        "logs": [],
        "stash": "{}",
        "outErrors": "[]",
    })
}
