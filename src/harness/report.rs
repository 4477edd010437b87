//! [`CaseReport`]: what one test produced, in the shape that is snapshotted.
//!
//! ```
//! use appsync_vtl::harness::CaseReport;
//! use appsync_vtl::{Engine, RequestContext};
//! let engine = Engine::new();
//! let t = engine.parse("t.vtl", r#"$util.qr($ctx.stash.put("k", 1)){"id": "$ctx.args.id"}"#).unwrap();
//! let ctx = RequestContext::new().with_arguments(serde_json::json!({"id": "7"}));
//! let report = CaseReport::from_render(engine.render(&t, &ctx));
//! assert_eq!(report.output, Some(serde_json::json!({"id": "7"})));
//! assert_eq!(report.stash, Some(serde_json::json!({"k": 1})));
//! assert!(report.is_authorized());
//! ```

use serde::Serialize;
use serde_json::Value as Json;

use crate::error::Error;
use crate::execute::{show, Execution};
use crate::outcome::{ExtensionCall, Outcome};
use crate::pipeline::PipelineRun;
use crate::value::to_json;

/// What a test produced. Empty parts are left out of the snapshot.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseReport {
    /// The evaluation result: parsed when it is a JSON object or array, else the
    /// text as it is ([`CaseReport::json_error`] says why text that looks like
    /// JSON does not parse). For a pipeline: the field's value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Json>,
    /// Why the output is not JSON (serde's message), when it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json_error: Option<String>,
    /// Whether the template ended with `#return`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub returned: bool,
    /// The error that stopped the template (`$util.error`, `unauthorized`, `validate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Json>,
    /// Errors appended with `$util.appendError`; for a pipeline, every GraphQL error.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<Json>,
    /// The stash after the render (left out when empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stash: Option<Json>,
    /// `$util.log.*` lines and engine warnings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub logs: Vec<String>,
    /// `$extensions` calls.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Json>,
    /// Headers added with `$util.http.addResponseHeader(s)`, by name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_headers: Option<Json>,
    /// What a pipeline sent to its (mocked) data sources: `{"function", "request"}`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<Json>,
    /// The steps a pipeline ran, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<String>,
    /// An engine error (the template could not be parsed or evaluated), as its
    /// report text (snapshotted as a list of lines, to stay readable).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "as_lines")]
    pub engine_error: Option<String>,
    /// Why a data source request had no mock (the test fails).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "as_lines")]
    pub no_mock: Option<String>,
}

fn as_lines<S: serde::Serializer>(text: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    let lines: Vec<&str> = text.as_deref().unwrap_or("").lines().collect();
    lines.serialize(s)
}

/// Splits an evaluation result into `(output, json_error)`. A JSON object or
/// array is shown parsed (readable, key order kept); any other text verbatim,
/// so that whitespace and Java's number printing (`5.0`, `1.0E21`) stay
/// visible. Text that starts as an object or array but does not parse (a
/// trailing comma after a `#foreach`) keeps serde's reason.
pub(crate) fn parse_output(text: &str) -> (Json, Option<String>) {
    let trimmed = text.trim_start();
    if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
        return (Json::String(text.to_string()), None);
    }
    match serde_json::from_str::<Json>(text) {
        Ok(v) => (v, None),
        Err(e) => (Json::String(text.to_string()), Some(e.to_string())),
    }
}

/// Response headers as a JSON object by name, or `None` when there are none.
fn headers_json(headers: &[(String, crate::Value)]) -> Option<Json> {
    (!headers.is_empty()).then(|| {
        Json::Object(
            headers
                .iter()
                .map(|(n, v)| (n.clone(), to_json(v)))
                .collect(),
        )
    })
}

/// `$extensions` calls as JSON.
fn extensions_json(calls: &[ExtensionCall]) -> Vec<Json> {
    calls
        .iter()
        .map(|x| serde_json::to_value(x).unwrap_or(Json::Null))
        .collect()
}

/// The stash as JSON, or `None` when it is empty.
pub(crate) fn stash_json(stash: &crate::Value) -> Option<Json> {
    match to_json(stash) {
        Json::Object(m) if m.is_empty() => None,
        Json::Null => None,
        other => Some(other),
    }
}

impl CaseReport {
    /// The report of one render.
    pub fn from_render(result: Result<Outcome, Error>) -> CaseReport {
        match result {
            Ok(outcome) => CaseReport::from_outcome(&outcome),
            Err(e) => CaseReport::from_error(&e),
        }
    }

    /// The report of a finished render.
    pub fn from_outcome(outcome: &Outcome) -> CaseReport {
        let (output, json_error) = match outcome.evaluation_result() {
            Some(text) => {
                let (v, e) = parse_output(&text);
                (Some(v), e)
            }
            None => (None, None),
        };
        CaseReport {
            output,
            json_error,
            returned: outcome.returned.is_some(),
            error: outcome.raised.as_ref().map(|e| e.to_json()),
            errors: outcome.errors.iter().map(|e| e.to_json()).collect(),
            stash: stash_json(&outcome.stash),
            logs: outcome.logs.clone(),
            extensions: extensions_json(&outcome.extensions),
            response_headers: headers_json(&outcome.response_headers),
            ..CaseReport::default()
        }
    }

    /// The report of a resolver run; `field` names the field in its errors.
    pub fn from_pipeline(run: &PipelineRun, field: &str) -> CaseReport {
        CaseReport {
            output: run.output.clone(),
            errors: run.graphql_errors(field),
            stash: stash_json(&run.stash),
            logs: run.logs.clone(),
            extensions: extensions_json(&run.extensions),
            response_headers: headers_json(&run.response_headers),
            requests: run.requests.clone(),
            steps: run.steps.iter().map(ToString::to_string).collect(),
            engine_error: run.engine_error.as_ref().map(|e| e.report(false)),
            ..CaseReport::default()
        }
    }

    /// The report of a whole request: `output` is the response's `data`,
    /// `errors` its errors, `steps` one line per resolver run (`path (Type.field):
    /// steps`), `requests` what every resolver sent its data sources.
    pub fn from_execution(ex: &Execution) -> CaseReport {
        let mut report = CaseReport {
            output: ex.response.get("data").cloned(),
            errors: ex.errors().to_vec(),
            ..CaseReport::default()
        };
        for r in &ex.resolvers {
            let steps: Vec<String> = r.run.steps.iter().map(ToString::to_string).collect();
            report.steps.push(format!(
                "{} ({}): {}",
                show(&r.path),
                r.resolver,
                steps.join(" → ")
            ));
            report.requests.extend(r.run.requests.iter().cloned());
            report.logs.extend(r.run.logs.iter().cloned());
            if report.engine_error.is_none() {
                report.engine_error = r.run.engine_error.as_ref().map(|e| e.report(false));
            }
            if report.no_mock.is_none() {
                report.no_mock = r.run.unanswered.clone();
            }
        }
        if let Some(p) = ex.problems.first() {
            report.engine_error.get_or_insert_with(|| p.clone());
        }
        report
    }

    /// The report of an engine error (rendered without colour).
    pub fn from_error(error: &Error) -> CaseReport {
        CaseReport {
            engine_error: Some(error.report(false)),
            ..CaseReport::default()
        }
    }

    /// Every error, raised first.
    pub fn all_errors(&self) -> impl Iterator<Item = &Json> {
        self.error.iter().chain(self.errors.iter())
    }

    /// No error has `errorType: "Unauthorized"` (or a whole request's
    /// `UnauthorizedException`) and the template evaluated.
    pub fn is_authorized(&self) -> bool {
        self.engine_error.is_none()
            && !self.all_errors().any(|e| {
                matches!(
                    e.get("errorType").and_then(Json::as_str),
                    Some("Unauthorized" | "UnauthorizedException")
                )
            })
    }

    /// The snapshot text: pretty JSON.
    pub fn to_snapshot(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
