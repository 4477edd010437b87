//! Pipeline resolvers replayed as AppSync runs them: the before template, each
//! function (request template → mocked data source → response template), the
//! after template; one `$ctx` (so one stash and one `$ctx.args`) shared by all.
//!
//! * A function's request template that ends in `#return(x)` makes `x` the
//!   function's result; its data source and response template are skipped.
//! * Otherwise the request output must be JSON (else a `MappingTemplate` error);
//!   the data source's result becomes `$ctx.result` of the response template
//!   (`"none"`, AppSync's NONE data source, passes the request's `payload`),
//!   a mocked error becomes `$ctx.error`.
//! * A response template's output, parsed as JSON (or its `#return` value), is
//!   the next step's `$ctx.prev.result`; text that is not JSON is a
//!   `MappingTemplate` error `Unable to convert … to Object.`
//! * `$util.error` / `$util.unauthorized` stop the resolver: the field is null
//!   and the error is listed after those appended with `$util.appendError`.
//!
//! ```
//! use appsync_vtl::harness::Case;
//! let dir = std::env::temp_dir().join(format!("vtl-doc-pipeline-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
//! write("before.vtl", r#"$util.qr($ctx.stash.put("table", "Post")){}"#);
//! write("get.req.vtl", r#"{"version": "2018-05-29", "operation": "GetItem", "table": "$ctx.stash.table"}"#);
//! write("get.res.vtl", r#"$util.toJson($ctx.result)"#);
//! write("after.vtl", r#"$util.toJson($ctx.prev.result)"#);
//! write("context.json", r#"{"info": {"fieldName": "getPost", "parentTypeName": "Query"}}"#);
//! write("case.json", r#"{"pipeline": {"before": "before.vtl", "after": "after.vtl",
//!     "functions": [{"name": "get", "request": "get.req.vtl", "response": "get.res.vtl",
//!                    "dataSource": {"result": {"id": "1"}}}]}}"#);
//! let case = Case::load(&dir).unwrap();
//! let report = case.run(&case.tests[0]);
//! assert_eq!(report.output, Some(serde_json::json!({"id": "1"})));
//! assert_eq!(report.steps, ["before", "get.request", "get.dataSource", "get.response", "after"]);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

use std::path::Path;

use serde::Deserialize;
use serde_json::{json, Value as Json};

use super::case::{CaseError, CaseTemplate};
use super::coverage::{self, Coverage};
use super::report::{stash_json, CaseReport};
use crate::context::{RequestContext, SharedContext};
use crate::outcome::AppSyncError;
use crate::value::{from_json, to_json, Value};
use crate::Engine;

/// `case.json`'s `pipeline`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PipelineSpec {
    /// The resolver's before (request) template.
    pub before: Option<String>,
    /// The functions, in order.
    #[serde(default)]
    pub functions: Vec<FunctionSpec>,
    /// The resolver's after (response) template.
    pub after: Option<String>,
}

/// One pipeline function.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FunctionSpec {
    /// A name for reports (default `function1`, `function2`, …).
    pub name: Option<String>,
    /// The request template.
    pub request: String,
    /// The response template (without one, the data source's result is the function's).
    pub response: Option<String>,
    /// What the data source returns.
    #[serde(default)]
    pub data_source: DataSource,
}

/// A mocked data source.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(try_from = "Json")]
pub enum DataSource {
    /// `"none"`: AppSync's NONE data source, which returns the request's `payload`.
    #[default]
    None,
    /// `{"result": …}`: what the data source returns.
    Result(Json),
    /// `{"error": {"message": …, "type": …}}`: an invocation error, seen as `$ctx.error`.
    Error {
        /// `$ctx.error.message`
        message: String,
        /// `$ctx.error.type`
        error_type: Option<String>,
    },
}

impl TryFrom<Json> for DataSource {
    type Error = String;

    fn try_from(v: Json) -> Result<DataSource, String> {
        const EXPECTED: &str = r#"expected "none", {"result": <json>} or {"error": {"message": "...", "type": "..."}}"#;
        match v {
            Json::String(s) if s.eq_ignore_ascii_case("none") => Ok(DataSource::None),
            Json::Object(mut o) if o.len() == 1 => {
                if let Some(result) = o.remove("result") {
                    return Ok(DataSource::Result(result));
                }
                let error = o.remove("error").ok_or(EXPECTED)?;
                let message = error
                    .get("message")
                    .and_then(Json::as_str)
                    .ok_or(EXPECTED)?;
                Ok(DataSource::Error {
                    message: message.to_string(),
                    error_type: error.get("type").and_then(Json::as_str).map(str::to_string),
                })
            }
            _ => Err(EXPECTED.into()),
        }
    }
}

/// A function with its templates parsed.
#[derive(Debug)]
pub struct Function {
    /// Its name in reports.
    pub name: String,
    /// The request template.
    pub request: CaseTemplate,
    /// The response template.
    pub response: Option<CaseTemplate>,
    /// The mocked data source.
    pub data_source: DataSource,
}

/// A pipeline resolver with its templates parsed.
#[derive(Debug)]
pub struct Pipeline {
    /// The before template.
    pub before: Option<CaseTemplate>,
    /// The functions.
    pub functions: Vec<Function>,
    /// The after template.
    pub after: Option<CaseTemplate>,
}

/// How a step ended, when it ends the resolver.
enum Stop {
    Raised(AppSyncError),
    Engine(crate::Error),
}

/// The run so far.
struct Run<'a> {
    engine: &'a Engine,
    ctx: SharedContext,
    coverage: Option<&'a mut Coverage>,
    report: CaseReport,
    appended: Vec<AppSyncError>,
}

/// What a step produced for the next one.
enum Produced {
    Json(Json),
    Returned(Json),
}

impl Run<'_> {
    /// Renders one step; a request template's output must be a JSON request.
    fn render(
        &mut self,
        step: String,
        file: &CaseTemplate,
        request: bool,
    ) -> Result<Produced, Stop> {
        let template = file
            .template
            .as_ref()
            .map_err(|e| Stop::Engine(e.clone()))?;
        let out_errors: Vec<Json> = self.appended.iter().map(AppSyncError::to_json).collect();
        self.ctx
            .set("outErrors", from_json(&Json::Array(out_errors)));
        let result = coverage::render(
            self.engine,
            file,
            template,
            &self.ctx,
            self.coverage.as_deref_mut(),
        );
        let outcome = match result {
            Ok(o) => o,
            Err(e) => {
                self.report.steps.push(format!("{step} (engine error)"));
                return Err(Stop::Engine(e));
            }
        };
        self.appended.extend(outcome.errors.iter().cloned());
        self.report.logs.extend(outcome.logs.iter().cloned());
        self.report.extensions.extend(
            outcome
                .extensions
                .iter()
                .map(|x| serde_json::to_value(x).unwrap_or(Json::Null)),
        );
        if let Some(e) = outcome.raised {
            self.report.steps.push(format!("{step} (error)"));
            return Err(Stop::Raised(e));
        }
        if let Some(v) = &outcome.returned {
            self.report.steps.push(format!("{step} (#return)"));
            let value = match v {
                Value::Str(s) => {
                    serde_json::from_str(s).unwrap_or_else(|_| Json::String(s.to_string()))
                }
                other => to_json(other),
            };
            return Ok(Produced::Returned(value));
        }
        self.report.steps.push(step);
        Ok(Produced::Json(self.output_json(&outcome.output, request)?))
    }

    /// The output parsed as AppSync parses it, or its `MappingTemplate` error.
    fn output_json(&self, text: &str, request: bool) -> Result<Json, Stop> {
        serde_json::from_str(text).map_err(|e| {
            let message = if request {
                format!("Unable to parse the JSON document: '{e}'")
            } else {
                format!("Unable to convert {} to Object.", text.trim())
            };
            Stop::Raised(AppSyncError::new(message, Some("MappingTemplate")))
        })
    }

    /// Starts a step: `$ctx.prev.result` is the last result; `result` and `error` are cleared.
    fn enter(&self, prev: &Json) {
        self.set_json("prev", &json!({ "result": prev }));
        self.ctx.set("result", Value::Null);
        self.ctx.set("error", Value::Null);
    }

    fn set_json(&self, key: &str, value: &Json) {
        self.ctx.set(key, from_json(value));
    }

    fn function(&mut self, f: &Function, prev: &Json) -> Result<Json, Stop> {
        self.enter(prev);
        let request = match self.render(format!("{}.request", f.name), &f.request, true)? {
            Produced::Returned(v) => return Ok(v),
            Produced::Json(v) => v,
        };
        self.report.steps.push(format!("{}.dataSource", f.name));
        if f.data_source != DataSource::None {
            self.report
                .requests
                .push(json!({ "function": f.name, "request": request }));
        }
        let (result, error) = match &f.data_source {
            DataSource::None => (request.get("payload").cloned().unwrap_or(Json::Null), None),
            DataSource::Result(r) => (r.clone(), None),
            DataSource::Error {
                message,
                error_type,
            } => (
                Json::Null,
                Some(json!({ "message": message, "type": error_type })),
            ),
        };
        let Some(response) = &f.response else {
            return match error {
                Some(e) => Err(Stop::Raised(AppSyncError::new(
                    e["message"].as_str().unwrap_or_default(),
                    e["type"].as_str(),
                ))),
                None => Ok(result),
            };
        };
        self.set_json("result", &result);
        if let Some(e) = &error {
            self.set_json("error", e);
        }
        match self.render(format!("{}.response", f.name), response, false)? {
            Produced::Json(v) | Produced::Returned(v) => Ok(v),
        }
    }
}

impl Pipeline {
    /// Reads and parses every template of the spec (relative to `dir`).
    pub fn load(engine: &Engine, dir: &Path, spec: &PipelineSpec) -> Result<Pipeline, CaseError> {
        let load = |name: &String| CaseTemplate::load(engine, dir, name);
        let functions = spec
            .functions
            .iter()
            .enumerate()
            .map(|(i, f)| {
                Ok(Function {
                    name: f
                        .name
                        .clone()
                        .unwrap_or_else(|| format!("function{}", i + 1)),
                    request: load(&f.request)?,
                    response: f.response.as_ref().map(load).transpose()?,
                    data_source: f.data_source.clone(),
                })
            })
            .collect::<Result<Vec<_>, CaseError>>()?;
        Ok(Pipeline {
            before: spec.before.as_ref().map(load).transpose()?,
            functions,
            after: spec.after.as_ref().map(load).transpose()?,
        })
    }

    /// Every template, in the order they run.
    pub fn templates(&self) -> Vec<&CaseTemplate> {
        let mut all: Vec<&CaseTemplate> = self.before.iter().collect();
        for f in &self.functions {
            all.push(&f.request);
            all.extend(f.response.iter());
        }
        all.extend(self.after.iter());
        all
    }

    /// `pipeline: before → <function names> → after`.
    pub fn outline(&self) -> String {
        let mut parts: Vec<&str> = Vec::new();
        if self.before.is_some() {
            parts.push("before");
        }
        parts.extend(self.functions.iter().map(|f| f.name.as_str()));
        if self.after.is_some() {
            parts.push("after");
        }
        format!("pipeline: {}", parts.join(" → "))
    }

    /// Replays the resolver for one request.
    pub fn run(
        &self,
        engine: &Engine,
        ctx: &RequestContext,
        coverage: Option<&mut Coverage>,
    ) -> CaseReport {
        let mut run = Run {
            engine,
            ctx: ctx.share(),
            coverage,
            report: CaseReport::default(),
            appended: Vec::new(),
        };
        let field = run.ctx.field_name().unwrap_or("field").to_string();
        let ended = self.steps(&mut run);
        let mut report = std::mem::take(&mut run.report);
        let mut errors: Vec<&AppSyncError> = run.appended.iter().collect();
        let raised;
        match ended {
            Ok(value) => report.output = Some(value),
            Err(Stop::Raised(e)) => {
                raised = e;
                errors.push(&raised);
                report.output = Some(Json::Null);
            }
            Err(Stop::Engine(e)) => report.engine_error = Some(e.report(false)),
        }
        report.errors = errors
            .into_iter()
            .map(|e| graphql_error(e, &field))
            .collect();
        report.stash = stash_json(run.ctx.stash());
        report
    }

    fn steps(&self, run: &mut Run<'_>) -> Result<Json, Stop> {
        let mut prev = Json::Null;
        if let Some(before) = &self.before {
            prev = match run.render("before".into(), before, false)? {
                Produced::Json(v) | Produced::Returned(v) => v,
            };
        }
        for f in &self.functions {
            prev = run.function(f, &prev)?;
        }
        if let Some(after) = &self.after {
            run.enter(&prev);
            prev = match run.render("after".into(), after, false)? {
                Produced::Json(v) | Produced::Returned(v) => v,
            };
        }
        Ok(prev)
    }
}

/// An error as a GraphQL response lists it.
pub fn graphql_error(e: &AppSyncError, field: &str) -> Json {
    json!({
        "path": [field],
        "data": to_json(&e.data),
        "errorType": e.error_type,
        "errorInfo": to_json(&e.error_info),
        "locations": [],
        "message": e.message,
    })
}
