//! Resolvers run as AppSync runs them: the before template, each function
//! (request template → data source → response template), the after template;
//! one `$ctx` (so one stash and one `$ctx.args`) shared by all. The one runner
//! behind `vtl test`'s pipeline cases and `vtl authz`'s resolver layer; a
//! caller that wants traces or coverage renders each step itself (see
//! [`Pipeline::run_with`]).
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
//! use appsync_vtl::pipeline::{DataSource, Function, Pipeline, TemplateFile};
//! use appsync_vtl::{Engine, RequestContext};
//! let engine = Engine::new();
//! let step = |name: &str, text: &str| TemplateFile::from_text(&engine, name, text);
//! let pipeline = Pipeline {
//!     before: Some(step("before.vtl", r#"$util.qr($ctx.stash.put("table", "Post")){}"#)),
//!     functions: vec![Function {
//!         name: "get".into(),
//!         request: step("get.req.vtl", r#"{"operation": "GetItem", "table": "$ctx.stash.table"}"#),
//!         response: Some(step("get.res.vtl", "$util.toJson($ctx.result)")),
//!         data_source: DataSource::Result(serde_json::json!({"id": "1"})),
//!         data_source_name: None,
//!     }],
//!     after: Some(step("after.vtl", "$util.toJson($ctx.prev.result)")),
//! };
//! let run = engine.run_pipeline(&pipeline, &RequestContext::new().with_field("Query", "getPost"));
//! assert_eq!(run.output, Some(serde_json::json!({"id": "1"})));
//! let steps: Vec<String> = run.steps.iter().map(ToString::to_string).collect();
//! assert_eq!(steps, ["before", "get.request", "get.dataSource", "get.response", "after"]);
//! assert_eq!(run.requests[0]["request"]["table"], "Post");
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{json, Value as Json};

use crate::context::{RequestContext, SharedContext};
use crate::engine::Engine;
use crate::error::Error;
use crate::input::{read_template, InputError, TemplateText};
use crate::outcome::{set_header, AppSyncError, ExtensionCall, Outcome};
use crate::parse::Template;
use crate::value::{from_json, to_json, Value};

pub mod mocks;

/// A template file, parsed once (a parse error is kept and reported by every
/// run that reaches it).
#[derive(Debug)]
pub struct TemplateFile {
    /// The name reports use (the path as written in `case.json`, or the file name).
    pub name: String,
    /// The file (empty for a template given as text).
    pub path: PathBuf,
    /// The parsed template, or why it could not be parsed.
    pub template: Result<Template, Error>,
}

impl TemplateFile {
    /// Reads and parses `name`, relative to `dir` unless absolute. A template
    /// longer than the engine's limit is read only up to it, and kept as the
    /// limit error.
    pub fn load(engine: &Engine, dir: &Path, name: &str) -> Result<TemplateFile, InputError> {
        let path = dir.join(name);
        let template = match read_template(&path, engine.limits().template_bytes)? {
            TemplateText::Whole(text) => engine.parse(name, &text),
            TemplateText::TooLarge { prefix, size } => {
                Err(engine.template_too_large(name, &prefix, size))
            }
        };
        Ok(TemplateFile {
            name: name.to_string(),
            template,
            path,
        })
    }

    /// Parses a template given as text.
    pub fn from_text(engine: &Engine, name: &str, text: &str) -> TemplateFile {
        TemplateFile {
            name: name.to_string(),
            path: PathBuf::new(),
            template: engine.parse(name, text),
        }
    }
}

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
    pub request: TemplateFile,
    /// The response template (without one, the data source's result is the function's).
    pub response: Option<TemplateFile>,
    /// What its data source returns (unless the run is given answers by
    /// request: [`Pipeline::run_answering`]).
    pub data_source: DataSource,
    /// The data source's name in the project, when known (mocks are keyed by it).
    pub data_source_name: Option<String>,
}

/// A resolver with its templates parsed: a unit resolver is a pipeline of one
/// function.
#[derive(Debug, Default)]
pub struct Pipeline {
    /// The before template.
    pub before: Option<TemplateFile>,
    /// The functions.
    pub functions: Vec<Function>,
    /// The after template.
    pub after: Option<TemplateFile>,
}

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepEnd {
    /// It rendered (or, for a data source, answered).
    Done,
    /// `#return`: the function's (or the resolver's) result without the rest.
    Returned,
    /// `$util.error`, `$util.unauthorized()`, a failed validation, or output
    /// AppSync cannot read: the resolver stops.
    Raised,
    /// The template could not be parsed or evaluated.
    Failed,
}

/// One step the resolver ran: `before`, `<function>.request`,
/// `<function>.dataSource`, `<function>.response`, `after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The step's name.
    pub name: String,
    /// How it ended.
    pub ended: StepEnd,
}

/// `name`, with ` (#return)`, ` (error)` or ` (engine error)` when it ended so.
impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        f.write_str(match self.ended {
            StepEnd::Done => "",
            StepEnd::Returned => " (#return)",
            StepEnd::Raised => " (error)",
            StepEnd::Failed => " (engine error)",
        })
    }
}

/// What a resolver run produced.
#[derive(Debug, Default)]
pub struct PipelineRun {
    /// The field's value (`null` when the resolver raised); `None` after an engine error.
    pub output: Option<Json>,
    /// The error that stopped the resolver.
    pub raised: Option<AppSyncError>,
    /// Errors appended with `$util.appendError`, in order.
    pub appended: Vec<AppSyncError>,
    /// The engine error that stopped the resolver.
    pub engine_error: Option<Error>,
    /// The stash when the resolver ended.
    pub stash: Value,
    /// `$util.log.*` lines and engine warnings of every step.
    pub logs: Vec<String>,
    /// `$extensions` calls of every step.
    pub extensions: Vec<ExtensionCall>,
    /// Response headers added by every step (a name added again replaces the earlier one).
    pub response_headers: Vec<(String, Value)>,
    /// What was sent to data sources other than NONE: `{"function", "request"}`.
    pub requests: Vec<Json>,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// Why a data source had no answer for its request (the run stopped there).
    pub unanswered: Option<String>,
}

impl PipelineRun {
    /// Every error as the GraphQL response lists it (appended ones first).
    pub fn graphql_errors(&self, field: &str) -> Vec<Json> {
        self.appended
            .iter()
            .chain(self.raised.iter())
            .map(|e| graphql_error(e, field))
            .collect()
    }

    /// The step that stopped the resolver, if one did.
    pub fn stopped_at(&self) -> Option<&Step> {
        self.steps
            .last()
            .filter(|s| matches!(s.ended, StepEnd::Raised | StepEnd::Failed))
    }
}

/// How one step's template is rendered: by default [`Engine::render_shared`];
/// a caller that records traces or coverage passes its own.
pub type RenderStep<'a> =
    dyn FnMut(&TemplateFile, &Template, &SharedContext) -> Result<Outcome, Error> + 'a;

/// What a function's data source answers, given the function and the
/// request its template rendered; `Err` says why there is no answer (no mock
/// for it), which stops the run.
pub type AnswerStep<'a> = dyn FnMut(&Function, &Json) -> Result<DataSource, String> + 'a;

/// Why the resolver stopped.
enum Stop {
    Raised(AppSyncError),
    Engine(Error),
    Unanswered(String),
}

/// The run so far.
struct Run<'a, 'r, 's> {
    ctx: SharedContext,
    render_step: &'a mut RenderStep<'r>,
    answer: &'a mut AnswerStep<'s>,
    run: PipelineRun,
}

/// What a step produced for the next one.
enum Produced {
    Json(Json),
    Returned(Json),
}

impl Run<'_, '_, '_> {
    fn step(&mut self, name: String, ended: StepEnd) {
        self.run.steps.push(Step { name, ended });
    }

    /// Renders one step; a request template's output must be a JSON request.
    fn render(
        &mut self,
        step: String,
        file: &TemplateFile,
        request: bool,
    ) -> Result<Produced, Stop> {
        let template = match &file.template {
            Ok(t) => t,
            Err(e) => {
                self.step(step, StepEnd::Failed);
                return Err(Stop::Engine(e.clone()));
            }
        };
        let out_errors: Vec<Json> = self
            .run
            .appended
            .iter()
            .map(AppSyncError::to_json)
            .collect();
        self.ctx
            .set("outErrors", from_json(&Json::Array(out_errors)));
        let outcome = match (self.render_step)(file, template, &self.ctx) {
            Ok(o) => o,
            Err(e) => {
                self.step(step, StepEnd::Failed);
                return Err(Stop::Engine(e));
            }
        };
        self.run.appended.extend(outcome.errors.iter().cloned());
        self.run.logs.extend(outcome.logs.iter().cloned());
        self.run
            .extensions
            .extend(outcome.extensions.iter().cloned());
        for (name, value) in &outcome.response_headers {
            set_header(&mut self.run.response_headers, name.clone(), value.clone());
        }
        if let Some(e) = outcome.raised {
            self.step(step, StepEnd::Raised);
            return Err(Stop::Raised(e));
        }
        if let Some(v) = &outcome.returned {
            self.step(step, StepEnd::Returned);
            let value = match v {
                Value::Str(s) => {
                    serde_json::from_str(s).unwrap_or_else(|_| Json::String(s.to_string()))
                }
                other => to_json(other),
            };
            return Ok(Produced::Returned(value));
        }
        match output_json(&outcome.output, request) {
            Ok(v) => {
                self.step(step, StepEnd::Done);
                Ok(Produced::Json(v))
            }
            Err(e) => {
                self.step(step, StepEnd::Raised);
                Err(Stop::Raised(e))
            }
        }
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
        let answer = match (self.answer)(f, &request) {
            Ok(a) => a,
            Err(why) => {
                self.step(format!("{}.dataSource", f.name), StepEnd::Failed);
                return Err(Stop::Unanswered(why));
            }
        };
        self.step(format!("{}.dataSource", f.name), StepEnd::Done);
        if answer != DataSource::None {
            self.run
                .requests
                .push(json!({ "function": f.name, "request": request }));
        }
        let (result, error) = match &answer {
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

/// The output parsed as AppSync parses it, or its `MappingTemplate` error.
fn output_json(text: &str, request: bool) -> Result<Json, AppSyncError> {
    serde_json::from_str(text).map_err(|e| {
        let message = if request {
            format!("Unable to parse the JSON document: '{e}'")
        } else {
            format!("Unable to convert {} to Object.", text.trim())
        };
        AppSyncError::new(message, Some("MappingTemplate"))
    })
}

impl Pipeline {
    /// Reads and parses every template of the spec (relative to `dir`).
    pub fn load(engine: &Engine, dir: &Path, spec: &PipelineSpec) -> Result<Pipeline, InputError> {
        let load = |name: &String| TemplateFile::load(engine, dir, name);
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
                    data_source_name: None,
                })
            })
            .collect::<Result<Vec<_>, InputError>>()?;
        Ok(Pipeline {
            before: spec.before.as_ref().map(load).transpose()?,
            functions,
            after: spec.after.as_ref().map(load).transpose()?,
        })
    }

    /// Every template, in the order they run.
    pub fn templates(&self) -> Vec<&TemplateFile> {
        let mut all: Vec<&TemplateFile> = self.before.iter().collect();
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

    /// Runs the resolver for one request.
    pub fn run(&self, engine: &Engine, ctx: &RequestContext) -> PipelineRun {
        self.run_with(ctx, &mut |_, template, ctx| {
            engine.render_shared(template, ctx)
        })
    }

    /// Runs the resolver, rendering each step with `render_step` (to trace
    /// it, record coverage or explain the step that stops the resolver).
    pub fn run_with(&self, ctx: &RequestContext, render_step: &mut RenderStep<'_>) -> PipelineRun {
        self.run_answering(ctx, render_step, &mut |f, _| Ok(f.data_source.clone()))
    }

    /// Runs the resolver, rendering each step with `render_step` and asking
    /// `answer` what each data source returns for the request rendered (for
    /// mocks chosen by request: [`mocks::Mocks`]).
    pub fn run_answering(
        &self,
        ctx: &RequestContext,
        render_step: &mut RenderStep<'_>,
        answer: &mut AnswerStep<'_>,
    ) -> PipelineRun {
        let mut run = Run {
            ctx: ctx.share(),
            render_step,
            answer,
            run: PipelineRun::default(),
        };
        let ended = self.steps(&mut run);
        let mut result = std::mem::take(&mut run.run);
        match ended {
            Ok(value) => result.output = Some(value),
            Err(Stop::Raised(e)) => {
                result.raised = Some(e);
                result.output = Some(Json::Null);
            }
            Err(Stop::Engine(e)) => result.engine_error = Some(e),
            Err(Stop::Unanswered(why)) => result.unanswered = Some(why),
        }
        result.stash = run.ctx.stash().clone();
        result
    }

    fn steps(&self, run: &mut Run<'_, '_, '_>) -> Result<Json, Stop> {
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

impl Engine {
    /// Runs a resolver for one request: each step rendered with this engine's
    /// clock, seed and limits (see [`Pipeline::run`]).
    pub fn run_pipeline(&self, pipeline: &Pipeline, ctx: &RequestContext) -> PipelineRun {
        pipeline.run(self, ctx)
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
