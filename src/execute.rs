//! A whole GraphQL request run as AppSync runs it, against a project's wiring:
//!
//! 1. AppSync's auth-mode check ([`crate::replay::authz::check`]): a request it
//!    rejects gets HTTP 401 and no resolver runs; a field it denies is null
//!    with an `Unauthorized` error, and nothing below it runs;
//! 2. each root field's resolver as a pipeline ([`crate::pipeline`]): before
//!    template, functions (request, data source, response), after template;
//! 3. each selected field below it: a field with a resolver of its own runs it
//!    with `$ctx.source` set to its parent object, any other field is read from
//!    the parent; lists are walked item by item; a null in a non-null field
//!    makes its parent null, as GraphQL says.
//!
//! Data sources answer from [`Mocks`]; a `NONE` data source answers with its
//! request's `payload`. The response has AppSync's shape: `data` with only the
//! selected fields, `errors` with paths and locations.
//!
//! ```
//! use appsync_vtl::execute::{execute, Api, Call};
//! use appsync_vtl::pipeline::mocks::Mocks;
//! use appsync_vtl::replay::graphql;
//! use appsync_vtl::{identity::Caller, project, Engine};
//! use serde_json::json;
//! let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/projects/cdk");
//! let project = project::read(std::path::Path::new(dir)).unwrap();
//! let schema = project.parsed_schema().unwrap();
//! let api = Api::new(&project, &schema, None).unwrap();
//! let op = graphql::parse(r#"query { getPost(id: "1") { id title } }"#, None, &json!({})).unwrap();
//! let call = Call::preset(&Caller::preset("iam-auth").unwrap());
//! let mut mocks = Mocks::from_json(json!({"posts": {"result": {"id": "1", "title": "Hi", "content": "x"}}})).unwrap();
//! let run = execute(&Engine::new(), &api, &op, &call, &mut mocks, &[]);
//! assert_eq!(run.response, json!({"data": {"getPost": {"id": "1", "title": "Hi"}}}));
//! ```

use std::cell::RefCell;
use std::collections::HashMap;

use serde::Serialize;
use serde_json::{json, Map, Value as Json};

use crate::context::{RequestContext, SharedContext};
use crate::engine::Engine;
use crate::explain::{explain, Explanation};
use crate::identity::Caller as Preset;
use crate::outcome::AppSyncError;
use crate::parse::Template;
use crate::pipeline::mocks::Mocks;
use crate::pipeline::{
    DataSource, Function, Pipeline, PipelineRun, RenderStep, StepEnd, TemplateFile,
};
use crate::project::Project;
use crate::replay::authz::{check, ApiAuth, Caller, FieldCheck, Schema, TypeRef, Verdict};
use crate::replay::graphql::{Operation, Selected};

/// The API a request runs against: the project's resolvers and data
/// sources, its schema and its auth modes.
#[derive(Debug)]
pub struct Api<'a> {
    /// Resolvers and data sources.
    pub project: &'a Project,
    /// The schema (with its `@aws_*` directives).
    pub schema: &'a Schema,
    /// The auth modes.
    pub auth: ApiAuth,
}

impl<'a> Api<'a> {
    /// The API of a project; `auth` overrides the project's auth modes (and is
    /// needed when the project does not give them).
    pub fn new(
        project: &'a Project,
        schema: &'a Schema,
        auth: Option<ApiAuth>,
    ) -> Result<Api<'a>, String> {
        let auth = match (auth, &project.auth) {
            (Some(a), _) => a,
            (None, Some(p)) => p.clone(),
            (None, None) => {
                return Err(format!(
                    "{} does not say the API's auth modes: give them (the default mode and any additional ones)",
                    crate::input::show_path(&project.root)
                ))
            }
        };
        Ok(Api {
            project,
            schema,
            auth,
        })
    }
}

/// Who calls: the caller as the auth check sees them, `$ctx.identity` and
/// `$ctx.request`.
#[derive(Debug, Clone)]
pub struct Call {
    /// Mode, credentials, groups, token problems.
    pub caller: Caller,
    /// `$ctx.identity`.
    pub identity: Json,
    /// `$ctx.request` (`headers`, `domainName`).
    pub request: Json,
}

impl Call {
    /// A caller preset ([`crate::identity::Caller`]): its mode, identity and
    /// `cognito:groups`.
    pub fn preset(p: &Preset) -> Call {
        Call {
            caller: Caller {
                mode: Some(p.auth_type),
                credentials: format!("the `{}` preset", p.name),
                groups: groups_of(&p.identity),
                problems: Vec::new(),
            },
            identity: p.identity.clone(),
            request: json!({"headers": {}, "domainName": null}),
        }
    }

    /// The caller a context describes: its `identity`, its auth mode (as set,
    /// else inferred from the identity), its `request`, and the
    /// `cognito:groups` of its claims. `who` says where it came from.
    pub fn from_context(ctx: &RequestContext, who: &str) -> Call {
        let json = ctx.to_json();
        let identity = json.get("identity").cloned().unwrap_or(Json::Null);
        Call {
            caller: Caller {
                mode: Some(ctx.auth_type()),
                credentials: who.to_string(),
                groups: groups_of(&identity),
                problems: Vec::new(),
            },
            identity,
            request: json
                .get("request")
                .cloned()
                .unwrap_or_else(|| json!({"headers": {}, "domainName": null})),
        }
    }
}

/// The `cognito:groups` of an identity's claims (else its `groups`).
fn groups_of(identity: &Json) -> Vec<String> {
    identity
        .pointer("/claims/cognito:groups")
        .or_else(|| identity.get("groups"))
        .and_then(Json::as_array)
        .map(|g| {
            g.iter()
                .filter_map(Json::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// One resolver run for one field of the response.
#[derive(Debug)]
pub struct ResolverRun {
    /// The field's path in the response (`["listPosts", 0, "owner"]`).
    pub path: Vec<Json>,
    /// `Type.field`.
    pub resolver: String,
    /// What the pipeline did.
    pub run: PipelineRun,
    /// Why the step that raised raised (`$util.error`, `$util.unauthorized()`).
    pub explanation: Option<Explanation>,
}

impl ResolverRun {
    /// Whether it ended without an error, an engine error or a missing mock.
    pub fn ok(&self) -> bool {
        self.run.raised.is_none()
            && self.run.engine_error.is_none()
            && self.run.unanswered.is_none()
    }
}

/// Everything a request did.
#[derive(Debug)]
pub struct Execution {
    /// The auth-mode check.
    pub verdict: Verdict,
    /// The GraphQL response: `data` and, when there are any, `errors`.
    pub response: Json,
    /// Every resolver that ran, in the order they ran.
    pub resolvers: Vec<ResolverRun>,
    /// Resolvers that could not be loaded or run (a template file missing,
    /// APPSYNC_JS code), with the field's path: their fields are null in the
    /// response, which says nothing of it (AppSync would have run them).
    pub problems: Vec<String>,
}

impl Execution {
    /// The response's errors.
    pub fn errors(&self) -> &[Json] {
        self.response
            .get("errors")
            .and_then(Json::as_array)
            .map_or(&[], Vec::as_slice)
    }

    /// The first resolver that did not end well.
    pub fn failed(&self) -> Option<&ResolverRun> {
        self.resolvers.iter().find(|r| !r.ok())
    }

    /// The first data source request no mock answered.
    pub fn unanswered(&self) -> Option<(&ResolverRun, &str)> {
        self.resolvers
            .iter()
            .find_map(|r| Some((r, r.run.unanswered.as_deref()?)))
    }
}

/// Runs one request against the API. `watch` names variables to explain in a
/// template that raises (`isAuthorized`, …).
pub fn execute(
    engine: &Engine,
    api: &Api<'_>,
    op: &Operation,
    call: &Call,
    mocks: &mut Mocks,
    watch: &[String],
) -> Execution {
    let explained = RefCell::new(None);
    let mut render = |_: &TemplateFile, template: &Template, shared: &SharedContext| {
        let traced = engine.trace_shared(template, shared);
        if matches!(&traced.result, Ok(o) if o.raised.is_some()) {
            *explained.borrow_mut() = Some(explain(template, &traced, watch));
        }
        traced.result
    };
    run(engine, api, op, call, mocks, &mut render, Some(&explained))
}

/// [`execute`], rendering each step with `render_step` (to record coverage);
/// no step is explained.
pub fn execute_with(
    engine: &Engine,
    api: &Api<'_>,
    op: &Operation,
    call: &Call,
    mocks: &mut Mocks,
    render_step: &mut RenderStep<'_>,
) -> Execution {
    run(engine, api, op, call, mocks, render_step, None)
}

/// What each data source of `project` answers: a `NONE` data source its
/// request's `payload`, any other what `mocks` give for the request. The one
/// answer behind `vtl request` and the cases that name a resolver.
pub fn answer_from<'a>(
    project: &'a Project,
    mocks: &'a mut Mocks,
) -> impl FnMut(&Function, &Json) -> Result<DataSource, String> + 'a {
    move |function, request| {
        let Some(name) = function.data_source_name.as_deref() else {
            return Ok(DataSource::None);
        };
        match project.data_source(name) {
            Some(ds) if ds.kind.eq_ignore_ascii_case("NONE") => Ok(DataSource::None),
            _ => mocks
                .answer(name, request)
                .map_err(|e| format!("function {}: {e}", function.name)),
        }
    }
}

fn run(
    engine: &Engine,
    api: &Api<'_>,
    op: &Operation,
    call: &Call,
    mocks: &mut Mocks,
    render: &mut RenderStep<'_>,
    explained: Option<&RefCell<Option<Explanation>>>,
) -> Execution {
    let verdict = match check(api.schema, &api.auth, &call.caller, op) {
        Ok(v) => v,
        Err(e) => {
            return Execution {
                verdict: Verdict {
                    mode: call.caller.mode,
                    rejected: Vec::new(),
                    message_401: None,
                    fields: Vec::new(),
                },
                response: json!({"errors": [{"errorType": "ValidationError", "message": e}]}),
                resolvers: Vec::new(),
                problems: Vec::new(),
            }
        }
    };
    if !verdict.rejected.is_empty() {
        return Execution {
            response: json!({ "errors": verdict.errors() }),
            verdict,
            resolvers: Vec::new(),
            problems: Vec::new(),
        };
    }
    let mut ex = Executor {
        engine,
        api,
        op,
        call,
        mocks,
        render,
        explained,
        checks: verdict
            .fields
            .iter()
            .map(|f| (f.path.clone(), f.clone()))
            .collect(),
        pipelines: HashMap::new(),
        errors: Vec::new(),
        resolvers: Vec::new(),
        problems: Vec::new(),
    };
    let root = api.schema.root_type(op.kind);
    let data = ex.object(&root, &Json::Null, &op.fields, &[], "");
    let mut response = Map::new();
    response.insert("data".into(), data.unwrap_or(Json::Null));
    if !ex.errors.is_empty() {
        response.insert("errors".into(), Json::Array(std::mem::take(&mut ex.errors)));
    }
    Execution {
        verdict,
        response: Json::Object(response),
        resolvers: ex.resolvers,
        problems: ex.problems,
    }
}

struct Executor<'a, 'b> {
    engine: &'a Engine,
    api: &'a Api<'b>,
    op: &'a Operation,
    call: &'a Call,
    mocks: &'a mut Mocks,
    render: &'a mut RenderStep<'b>,
    explained: Option<&'a RefCell<Option<Explanation>>>,
    /// The auth check's decision per response path (without list indexes).
    checks: HashMap<String, FieldCheck>,
    /// Each resolver loaded once (`Type.field` → its pipeline).
    pipelines: HashMap<String, Result<Pipeline, String>>,
    errors: Vec<Json>,
    resolvers: Vec<ResolverRun>,
    problems: Vec<String>,
}

fn location(f: &Selected) -> Json {
    json!([{ "line": f.line, "column": f.column, "sourceName": null }])
}

impl Executor<'_, '_> {
    /// The selected fields of an object of type `type_name`; `None` when a
    /// non-null field is null (the object is null then).
    fn object(
        &mut self,
        type_name: &str,
        value: &Json,
        fields: &[Selected],
        path: &[Json],
        check_path: &str,
    ) -> Option<Json> {
        let concrete = value
            .get("__typename")
            .and_then(Json::as_str)
            .unwrap_or(type_name)
            .to_string();
        let mut out = Map::new();
        for f in fields {
            if out.contains_key(f.key()) {
                continue;
            }
            if let (Some(on), Some(_)) = (&f.on, value.get("__typename")) {
                if *on != concrete && on != type_name {
                    continue;
                }
            }
            let mut field_path = path.to_vec();
            field_path.push(json!(f.key()));
            let field_check = if check_path.is_empty() {
                f.key().to_string()
            } else {
                format!("{check_path}.{}", f.key())
            };
            let v = self.field(&concrete, value, f, &field_path, &field_check);
            match v {
                Some(v) => {
                    out.insert(f.key().to_string(), v);
                }
                None => return None,
            }
        }
        Some(Json::Object(out))
    }

    /// One field's value; `None` when it is null and its type is non-null.
    fn field(
        &mut self,
        parent_type: &str,
        parent: &Json,
        f: &Selected,
        path: &[Json],
        check_path: &str,
    ) -> Option<Json> {
        if f.name == "__typename" {
            return Some(json!(parent_type));
        }
        let errors_before = self.errors.len();
        let ty = self.api.schema.field_type(parent_type, &f.name).cloned();
        let value = if let Some(c) = self.checks.get(check_path).filter(|c| !c.allowed) {
            self.errors.push(json!({
                "path": path,
                "data": null,
                "errorType": "Unauthorized",
                "errorInfo": null,
                "locations": location(f),
                "message": format!("Not Authorized to access {} on type {}", c.field, c.type_name),
            }));
            Json::Null
        } else if self.api.project.resolver(parent_type, &f.name).is_some() {
            self.resolve(parent_type, parent, f, path)
        } else {
            parent.get(&f.name).cloned().unwrap_or(Json::Null)
        };
        let completed = match &ty {
            Some(t) => self.complete(t, value, f, path, check_path),
            None => Some(value),
        };
        match completed {
            Some(v) if !v.is_null() => Some(v),
            _ if matches!(ty, Some(TypeRef::NonNull(_))) => {
                if self.errors.len() == errors_before {
                    self.non_null_error(parent_type, f, ty.as_ref(), path);
                }
                None
            }
            _ => Some(Json::Null),
        }
    }

    fn non_null_error(
        &mut self,
        parent_type: &str,
        f: &Selected,
        ty: Option<&TypeRef>,
        path: &[Json],
    ) {
        let shown: Vec<String> = path
            .iter()
            .map(|p| match p {
                Json::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
        self.errors.push(json!({
            "path": path,
            "locations": location(f),
            "message": format!(
                "Cannot return null for non-nullable type: '{}' within parent '{parent_type}' (/{})",
                ty.map(|t| t.name().to_string()).unwrap_or_default(),
                shown.join("/")
            ),
        }));
    }

    /// A value completed against its type: objects keep only the selected
    /// fields (running their resolvers), lists are walked; `None` when a
    /// non-null item is null.
    fn complete(
        &mut self,
        ty: &TypeRef,
        value: Json,
        f: &Selected,
        path: &[Json],
        check_path: &str,
    ) -> Option<Json> {
        if value.is_null() {
            return Some(Json::Null);
        }
        match ty {
            TypeRef::NonNull(inner) => {
                let v = self.complete(inner, value, f, path, check_path)?;
                if v.is_null() {
                    None
                } else {
                    Some(v)
                }
            }
            TypeRef::List(item) => {
                let Json::Array(items) = value else {
                    return Some(value);
                };
                let mut out = Vec::with_capacity(items.len());
                for (i, v) in items.into_iter().enumerate() {
                    let mut item_path = path.to_vec();
                    item_path.push(json!(i));
                    match self.complete(item, v, f, &item_path, check_path) {
                        Some(v) => out.push(v),
                        None => return Some(Json::Null),
                    }
                }
                Some(Json::Array(out))
            }
            TypeRef::Named(name) => {
                if f.children.is_empty() || !value.is_object() {
                    return Some(value);
                }
                Some(
                    self.object(name, &value, &f.children, path, check_path)
                        .unwrap_or(Json::Null),
                )
            }
        }
    }

    /// Loads (once) and runs the resolver of `parent_type.f`.
    fn resolve(&mut self, parent_type: &str, parent: &Json, f: &Selected, path: &[Json]) -> Json {
        let key = format!("{parent_type}.{}", f.name);
        if !self.pipelines.contains_key(&key) {
            let loaded = self.load(parent_type, &f.name);
            self.pipelines.insert(key.clone(), loaded);
        }
        let pipeline = match &self.pipelines[&key] {
            Ok(p) => p,
            Err(e) => {
                self.problems.push(format!("{}: {e}", show(path)));
                return Json::Null;
            }
        };
        let ctx = self.context(parent_type, parent, f);
        let ctx = match RequestContext::from_json(ctx) {
            Ok(c) => c,
            Err(e) => {
                self.problems.push(format!("{}: {e}", show(path)));
                return Json::Null;
            }
        };
        if let Some(e) = self.explained {
            e.borrow_mut().take();
        }
        let run = pipeline.run_answering(
            &ctx,
            &mut *self.render,
            &mut answer_from(self.api.project, self.mocks),
        );
        let explanation = self.explained.and_then(|e| e.borrow_mut().take());
        let run = PipelineRun {
            unanswered: run.unanswered.map(|why| format!("{key}, {why}")),
            ..run
        };
        for e in run.appended.iter().chain(run.raised.iter()) {
            self.errors.push(error_json(e, path, f));
        }
        if let Some(e) = &run.engine_error {
            self.errors.push(json!({
                "path": path,
                "data": null,
                "errorType": "MappingTemplate",
                "errorInfo": null,
                "locations": location(f),
                "message": e.message(),
            }));
        }
        let value = match (&run.raised, &run.engine_error, &run.unanswered) {
            (None, None, None) => run.output.clone().unwrap_or(Json::Null),
            _ => Json::Null,
        };
        let explanation =
            explanation.filter(|_| run.steps.last().is_some_and(|s| s.ended == StepEnd::Raised));
        self.resolvers.push(ResolverRun {
            path: path.to_vec(),
            resolver: key,
            run,
            explanation,
        });
        value
    }

    fn load(&self, parent_type: &str, field: &str) -> Result<Pipeline, String> {
        let Some(resolver) = self.api.project.resolver(parent_type, field) else {
            return Err(format!("no resolver for {parent_type}.{field}"));
        };
        resolver
            .pipeline(self.engine, &mut |_| DataSource::None)
            .map_err(|e| e.to_string())
    }

    /// The context a resolver of `f` sees.
    fn context(&self, parent_type: &str, parent: &Json, f: &Selected) -> Json {
        self.op.field_context(
            f,
            parent_type,
            parent.clone(),
            self.call.identity.clone(),
            self.call.request.clone(),
            self.call.caller.mode,
        )
    }
}

/// An error a resolver raised or appended, as the response lists it.
fn error_json(e: &AppSyncError, path: &[Json], f: &Selected) -> Json {
    let mut v = crate::pipeline::graphql_error(e, "");
    v["path"] = json!(path);
    v["locations"] = location(f);
    v
}

/// `listPosts[0].owner`.
pub fn show(path: &[Json]) -> String {
    let mut out = String::new();
    for p in path {
        match p {
            Json::Number(n) => out.push_str(&format!("[{n}]")),
            Json::String(s) if out.is_empty() => out.push_str(s),
            Json::String(s) => {
                out.push('.');
                out.push_str(s);
            }
            other => out.push_str(&other.to_string()),
        }
    }
    out
}

/// What `--format json` shows of one resolver run.
#[derive(Debug, Serialize)]
pub struct ResolverSummary<'a> {
    /// The field's path.
    pub path: &'a [Json],
    /// `Type.field`.
    pub resolver: &'a str,
    /// The steps, as `vtl test` names them.
    pub steps: Vec<String>,
    /// What was sent to data sources.
    pub requests: &'a [Json],
    /// The engine error, rendered with its snippet.
    pub engine_error: Option<String>,
    /// Why a data source had no answer.
    pub unanswered: Option<&'a str>,
    /// Why the step that raised raised.
    pub explanation: Option<&'a Explanation>,
}

impl ResolverRun {
    /// The summary `--format json` shows.
    pub fn summary(&self) -> ResolverSummary<'_> {
        ResolverSummary {
            path: &self.path,
            resolver: &self.resolver,
            steps: self.run.steps.iter().map(ToString::to_string).collect(),
            requests: &self.run.requests,
            engine_error: self.run.engine_error.as_ref().map(|e| e.report(false)),
            unanswered: self.run.unanswered.as_deref(),
            explanation: self.explanation.as_ref(),
        }
    }
}
