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

/// EvaluateMappingTemplate's response, field by field.
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluateResponse {
    /// The rendered template (absent when it raised an error or failed).
    pub evaluation_result: Option<String>,
    /// The error that stopped the template (`$util.error`,
    /// `$util.unauthorized()`), or the engine error.
    pub error: Option<ResponseError>,
    /// `$util.log.*` lines.
    pub logs: Vec<String>,
    /// The stash after the render, as JSON text.
    pub stash: String,
    /// Errors appended with `$util.appendError`, as JSON text.
    pub out_errors: String,
}

/// The response's `error`.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseError {
    /// The message, as AppSync reports it.
    pub message: String,
    /// The error type (`Unauthorized`, a `$util.error` type, `ParseError`, …).
    pub error_type: Option<String>,
    /// `$util.error`'s data, when not null.
    pub data: Option<Json>,
    /// `$util.error`'s errorInfo, when not null.
    pub error_info: Option<Json>,
}

impl EvaluateResponse {
    /// The response for a render's result: an engine error is the response's
    /// `error`, as the API reports a template it cannot evaluate.
    pub fn new(result: &Result<Outcome, Error>) -> EvaluateResponse {
        match result {
            Ok(outcome) => EvaluateResponse {
                evaluation_result: outcome.evaluation_result(),
                error: outcome.raised.as_ref().map(|e| ResponseError {
                    message: e.message.clone(),
                    error_type: e.error_type.clone(),
                    data: (!e.data.is_null()).then(|| to_json(&e.data)),
                    error_info: (!e.error_info.is_null()).then(|| to_json(&e.error_info)),
                }),
                logs: outcome.logs.clone(),
                stash: outcome.stash_json.clone(),
                out_errors: if outcome.errors.is_empty() {
                    "[]".to_string()
                } else {
                    let errors: Vec<Json> = outcome.errors.iter().map(|e| e.to_json()).collect();
                    serde_json::to_string(&errors).unwrap_or_else(|_| "[]".into())
                },
            },
            Err(e) => EvaluateResponse {
                evaluation_result: None,
                error: Some(ResponseError {
                    message: e.to_string(),
                    error_type: Some(e.type_name().to_string()),
                    data: None,
                    error_info: None,
                }),
                logs: Vec::new(),
                stash: "{}".to_string(),
                out_errors: "[]".to_string(),
            },
        }
    }

    /// The response as the API's JSON.
    pub fn to_json(&self) -> Json {
        let mut o = Map::new();
        if let Some(result) = &self.evaluation_result {
            o.insert("evaluationResult".into(), json!(result));
        }
        if let Some(e) = &self.error {
            let mut err = Map::new();
            err.insert("message".into(), json!(e.message));
            err.insert("type".into(), json!(e.error_type));
            if let Some(data) = &e.data {
                err.insert("data".into(), data.clone());
            }
            if let Some(info) = &e.error_info {
                err.insert("errorInfo".into(), info.clone());
            }
            o.insert("error".into(), Json::Object(err));
        }
        o.insert("logs".into(), json!(self.logs));
        o.insert("stash".into(), json!(self.stash));
        o.insert("outErrors".into(), json!(self.out_errors));
        Json::Object(o)
    }
}

/// [`EvaluateResponse::new`] as the API's JSON.
pub fn evaluate_response(result: &Result<Outcome, Error>) -> Json {
    EvaluateResponse::new(result).to_json()
}
