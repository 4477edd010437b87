//! A case folder: its settings (`case.json`), its template or pipeline, its
//! contexts and the tests they make.
//!
//! ```
//! use appsync_vtl::harness::Case;
//! let dir = std::env::temp_dir().join(format!("vtl-doc-case-{}", std::process::id()));
//! std::fs::create_dir_all(dir.join("contexts")).unwrap();
//! std::fs::write(dir.join("template.vtl"), r#"#if($util.authType() == "API Key Authorization")$util.unauthorized()#end{"ok": true}"#).unwrap();
//! std::fs::write(dir.join("contexts/apikey.json"), r#"{"identity": null}"#).unwrap();
//! std::fs::write(dir.join("case.json"), r#"{"callers": ["cognito-user"], "expect": {"json": {"/ok": true}}}"#).unwrap();
//!
//! let case = Case::load(&dir).unwrap();
//! assert_eq!(case.tests.len(), 1);
//! assert_eq!(case.tests[0].name, "apikey__cognito-user");
//! let report = case.run(&case.tests[0]);
//! assert!(report.is_authorized());
//! assert!(case.tests[0].expect.check(&report).is_empty());
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value as Json;

use super::coverage::Coverage;
use super::report::CaseReport;
use super::wired::{read_mocks, read_project, ProjectRequest, ProjectResolver, RequestSpec};
use crate::context::RequestContext;
use crate::identity::Caller;
use crate::input::{read_context, read_text, resolve_inside, show_path, Cap};
use crate::outcome::AuthType;
use crate::pipeline::{Pipeline, PipelineSpec, TemplateFile};
use crate::{Engine, Limits};

/// The template file a case folder uses when `case.json` names none.
pub const TEMPLATE_FILE: &str = "template.vtl";
/// The settings file of a case folder.
pub const CASE_FILE: &str = "case.json";
/// The single-context file of a case folder.
pub const CONTEXT_FILE: &str = "context.json";
/// The folder of named contexts.
pub const CONTEXTS_DIR: &str = "contexts";

/// Why a case folder cannot be run (bad input: exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CaseError(pub String);

/// `case.json`: every key is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CaseSettings {
    /// What the case checks (ignored by the runner).
    pub description: Option<String>,
    /// The template, relative to the case folder (default `template.vtl`); it
    /// must be inside the case folder or a folder given to `vtl test` that
    /// holds it (see [`Case::load_in`]).
    pub template: Option<String>,
    /// A pipeline resolver to replay instead of one template.
    pub pipeline: Option<PipelineSpec>,
    /// The project `resolver` or `request` reads (its folder, relative to the case folder).
    pub project: Option<String>,
    /// A resolver of `project` (`Type.field`) to run instead of template paths.
    pub resolver: Option<String>,
    /// A whole GraphQL request to run against `project` as each caller.
    pub request: Option<RequestSpec>,
    /// What `project`'s data sources answer (see [`crate::pipeline::mocks`]):
    /// inline, or a file relative to the case folder.
    pub mocks: Option<Json>,
    /// The clock, RFC 3339 (default 2024-01-01T00:00:00Z).
    pub now: Option<String>,
    /// Seed for ids and random numbers (default 0).
    pub seed: Option<u64>,
    /// The auth mode (otherwise the context's `authType`, else inferred from the identity).
    pub auth_type: Option<String>,
    /// Identity presets to run every context as (see [`crate::identity::PRESETS`]).
    #[serde(default)]
    pub callers: Vec<String>,
    /// Assertions for every test.
    pub expect: Option<Expect>,
    /// Assertions for some tests, by context name, caller name or `context__caller`.
    #[serde(default)]
    pub expect_for: IndexMap<String, Expect>,
    /// Skip the case: `true` or a reason.
    pub skip: Option<Json>,
    /// The render's work budget (`--max-work`), for a case about the budget.
    pub max_work: Option<u64>,
}

/// Plain assertions on a [`CaseReport`].
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Expect {
    /// `true`: no `Unauthorized` error; `false`: an `Unauthorized` error.
    pub authorized: Option<bool>,
    /// A substring of some error's message.
    pub error: Option<String>,
    /// Some error's `errorType`.
    pub error_type: Option<String>,
    /// JSON pointer → value, checked against the output.
    #[serde(default)]
    pub json: IndexMap<String, Json>,
    /// JSON pointer → value, checked against the stash.
    #[serde(default)]
    pub stash: IndexMap<String, Json>,
}

impl Expect {
    /// Whether there is nothing to check.
    pub fn is_empty(&self) -> bool {
        *self == Expect::default()
    }

    /// `other`'s assertions over these.
    pub fn merged(&self, other: &Expect) -> Expect {
        let mut e = self.clone();
        e.authorized = other.authorized.or(e.authorized);
        e.error = other.error.clone().or(e.error);
        e.error_type = other.error_type.clone().or(e.error_type);
        e.json.extend(other.json.clone());
        e.stash.extend(other.stash.clone());
        e
    }

    /// The assertions that fail, one message each.
    ///
    /// ```
    /// use appsync_vtl::harness::{CaseReport, Expect};
    /// let expect: Expect = serde_json::from_str(r#"{"authorized": false, "json": {"/a": 1}}"#).unwrap();
    /// let report = CaseReport { output: Some(serde_json::json!({"a": 2})), ..Default::default() };
    /// assert_eq!(expect.check(&report), [
    ///     "expect.authorized: expected false, got true (no Unauthorized error)",
    ///     "expect.json /a: expected 1, got 2",
    /// ]);
    /// ```
    pub fn check(&self, report: &CaseReport) -> Vec<String> {
        let mut failures = Vec::new();
        if let Some(engine_error) = &report.engine_error {
            if !self.is_empty() {
                let first = engine_error.lines().next().unwrap_or("");
                failures.push(format!("expect: the template did not evaluate ({first})"));
            }
            return failures;
        }
        let message = |e: &Json| e.get("message").and_then(Json::as_str).map(str::to_string);
        let error_type = |e: &Json| {
            e.get("errorType")
                .and_then(Json::as_str)
                .map(str::to_string)
        };
        if let Some(want) = self.authorized {
            let got = report.is_authorized();
            if got != want {
                let why = match report
                    .all_errors()
                    .find(|e| error_type(e).as_deref() == Some("Unauthorized"))
                {
                    Some(e) => format!("Unauthorized: {}", message(e).unwrap_or_default()),
                    None => "no Unauthorized error".to_string(),
                };
                failures.push(format!(
                    "expect.authorized: expected {want}, got {got} ({why})"
                ));
            }
        }
        let messages: Vec<String> = report.all_errors().filter_map(message).collect();
        if let Some(want) = &self.error {
            if !messages.iter().any(|m| m.contains(want.as_str())) {
                failures.push(format!(
                    "expect.error: no error message contains {want:?} (errors: {})",
                    list_or_none(&messages)
                ));
            }
        }
        if let Some(want) = &self.error_type {
            let types: Vec<String> = report.all_errors().filter_map(error_type).collect();
            if !types.iter().any(|t| t == want) {
                failures.push(format!(
                    "expect.errorType: no error has type {want:?} (types: {})",
                    list_or_none(&types)
                ));
            }
        }
        check_pointers(
            "expect.json",
            &self.json,
            report.output.as_ref(),
            &mut failures,
        );
        check_pointers(
            "expect.stash",
            &self.stash,
            report.stash.as_ref(),
            &mut failures,
        );
        failures
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items
            .iter()
            .map(|m| format!("{m:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn check_pointers(
    what: &str,
    pointers: &IndexMap<String, Json>,
    doc: Option<&Json>,
    failures: &mut Vec<String>,
) {
    let empty = Json::Object(Default::default());
    let doc = doc.unwrap_or(&empty);
    for (pointer, want) in pointers {
        match doc.pointer(pointer) {
            Some(got) if got == want => {}
            Some(got) => failures.push(format!("{what} {pointer}: expected {want}, got {got}")),
            None => failures.push(format!(
                "{what} {pointer}: expected {want}, but there is no such value"
            )),
        }
    }
}

/// What a case runs.
#[derive(Debug)]
pub enum Body {
    /// One template.
    Template(TemplateFile),
    /// A pipeline resolver.
    Pipeline(Pipeline),
    /// A project's resolver (`resolver` in `case.json`).
    Resolver(Box<ProjectResolver>),
    /// A whole request against a project (`request` in `case.json`).
    Request(Box<ProjectRequest>),
}

/// One test: a context, possibly run as a preset caller.
#[derive(Debug, Clone)]
pub struct Test {
    /// `context`, `<context>`, `<caller>` or `<context>__<caller>`: the snapshot is `<case>@<name>.snap`.
    pub name: String,
    /// The context file, relative to the case folder (none when only callers are given).
    pub context_file: Option<String>,
    /// The context.
    pub context: RequestContext,
    /// The assertions.
    pub expect: Expect,
}

/// A loaded case folder.
#[derive(Debug)]
pub struct Case {
    /// The folder.
    pub dir: PathBuf,
    /// The folder's name (the snapshot prefix).
    pub name: String,
    /// `case.json`.
    pub settings: CaseSettings,
    /// The engine its settings describe.
    pub engine: Engine,
    /// The template or pipeline.
    pub body: Body,
    /// Its tests, in name order.
    pub tests: Vec<Test>,
    /// Why the case is skipped, when it is.
    pub skip: Option<String>,
}

fn json_error(path: &Path, e: &serde_json::Error) -> CaseError {
    let msg = e.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg);
    CaseError(format!(
        "{}:{}:{}: {msg}",
        show_path(path),
        e.line(),
        e.column()
    ))
}

impl Case {
    /// Loads a case folder: settings, templates (parsed once) and contexts.
    pub fn load(dir: &Path) -> Result<Case, CaseError> {
        Case::load_with(dir, &Limits::default())
    }

    /// [`Case::load`] with the engine's limits (`vtl test --max-*`/`--timeout`).
    pub fn load_with(dir: &Path, limits: &Limits) -> Result<Case, CaseError> {
        Case::load_in(dir, limits, &[])
    }

    /// [`Case::load_with`] for a case found under `roots` (the paths given to
    /// `vtl test`). Every file the case reads (`case.json`, its contexts, the
    /// templates `case.json` names) must be inside the case folder or inside
    /// one of `roots` that holds it: an absolute path, `..` that climbs out or
    /// a symbolic link that leads out is refused, naming the key and the path.
    pub fn load_in(dir: &Path, limits: &Limits, roots: &[PathBuf]) -> Result<Case, CaseError> {
        let shown_dir = show_path(dir);
        let name = match dir
            .canonicalize()
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_os_string()))
        {
            None => "case".to_string(),
            Some(n) => n.into_string().map_err(|n| {
                CaseError(format!(
                    "{}: the folder's name is not UTF-8; rename it (it names the case's snapshots)",
                    crate::input::escape_path(dir.parent().unwrap_or(dir).join(n).as_path())
                ))
            })?,
        };
        // `key`: the key of case.json that names `file`; `None`: a file the
        // case folder holds (case.json itself, its contexts, template.vtl).
        let inside = |key: Option<&str>, file: &str| {
            resolve_inside(dir, file, roots).map_err(|e| {
                let place = match key {
                    Some(key) => format!("{}: {key}: `{file}`", show_path(&dir.join(CASE_FILE))),
                    None => show_path(&dir.join(file)),
                };
                let what = match (&e.resolved, e.absolute) {
                    (_, true) => "is an absolute path".to_string(),
                    (Some(to), false) => {
                        format!("leads to {}, outside the case folder", show_path(to))
                    }
                    (None, false) => "leads outside the case folder".to_string(),
                };
                CaseError(format!(
                    "{place} {what}; a case reads only files inside its folder (named relative \
                     to it), or inside a folder given to `vtl test` that holds it"
                ))
            })
        };
        let case_file = dir.join(CASE_FILE);
        let settings: CaseSettings = if case_file.symlink_metadata().is_ok() {
            let path = inside(None, CASE_FILE)?;
            let text = read_text(path, Cap::CASE_SETTINGS).map_err(|e| CaseError(e.to_string()))?;
            serde_json::from_str(&text).map_err(|e| json_error(&case_file, &e))?
        } else {
            CaseSettings::default()
        };
        let bad = |msg: String| CaseError(format!("{}: {msg}", show_path(&case_file)));
        let bodies = [
            settings.template.is_some(),
            settings.pipeline.is_some(),
            settings.resolver.is_some(),
            settings.request.is_some(),
        ];
        match bodies.iter().filter(|b| **b).count() {
            0 => {
                inside(None, TEMPLATE_FILE)?;
            }
            1 => {}
            _ => {
                return Err(bad(
                    "give one of `template`, `pipeline`, `resolver` and `request`".into(),
                ))
            }
        }
        let mut named: Vec<(String, &String)> = Vec::new();
        if let Some(t) = &settings.template {
            named.push(("template".into(), t));
        }
        if let Some(p) = &settings.pipeline {
            named.extend(p.before.iter().map(|t| ("pipeline.before".to_string(), t)));
            for (i, f) in p.functions.iter().enumerate() {
                named.push((format!("pipeline.functions[{i}].request"), &f.request));
                named.extend(
                    f.response
                        .iter()
                        .map(|t| (format!("pipeline.functions[{i}].response"), t)),
                );
            }
            named.extend(p.after.iter().map(|t| ("pipeline.after".to_string(), t)));
        }
        for (key, file) in named {
            inside(Some(&key), file)?;
        }
        let template_error = |e| bad(format!("template {e}"));
        let mut engine = Engine::new()
            .with_seed(settings.seed.unwrap_or(0))
            .with_limits(Limits {
                work: settings.max_work.unwrap_or(limits.work),
                ..limits.clone()
            });
        if let Some(now) = &settings.now {
            engine = engine.with_now(now).map_err(|e| bad(format!("now: {e}")))?;
        }
        if let Some(a) = &settings.auth_type {
            let a = AuthType::parse(a).ok_or_else(|| bad(format!("authType: unknown mode `{a}` (API_KEY, AMAZON_COGNITO_USER_POOLS, AWS_IAM, OPENID_CONNECT, AWS_LAMBDA)")))?;
            engine = engine.with_auth_type(a);
        }
        let resolve = |key: &str, file: &str| inside(Some(key), file);
        let project = if settings.resolver.is_some() || settings.request.is_some() {
            Some(read_project(settings.project.as_deref(), &resolve, &bad)?)
        } else {
            None
        };
        let mocks = read_mocks(settings.mocks.as_ref(), &resolve, &bad)?;
        let body = match (&settings.pipeline, &settings.template, project) {
            (Some(spec), _, _) => {
                Body::Pipeline(Pipeline::load(&engine, dir, spec).map_err(template_error)?)
            }
            (None, None, Some(project)) => match (&settings.resolver, &settings.request) {
                (Some(key), _) => Body::Resolver(Box::new(ProjectResolver::load(
                    &engine, project, key, mocks, &bad,
                )?)),
                (None, Some(spec)) => {
                    Body::Request(Box::new(ProjectRequest::load(project, spec, mocks, &bad)?))
                }
                (None, None) => {
                    return Err(bad(
                        "`project` is read only with `resolver` or `request`".into()
                    ))
                }
            },
            (None, t, _) => Body::Template(
                TemplateFile::load(&engine, dir, t.as_deref().unwrap_or(TEMPLATE_FILE))
                    .map_err(template_error)?,
            ),
        };
        if settings.project.is_some() && settings.resolver.is_none() && settings.request.is_none() {
            return Err(bad(
                "`project` is read only with `resolver` or `request`".into()
            ));
        }
        if settings.mocks.is_some() && !matches!(body, Body::Resolver(_) | Body::Request(_)) {
            return Err(bad(
                "`mocks` are for `resolver` and `request` cases (a `pipeline` case gives each function's `dataSource`)"
                    .into(),
            ));
        }
        let callers = settings
            .callers
            .iter()
            .map(|n| {
                Caller::preset(n).ok_or_else(|| {
                    let names: Vec<&str> =
                        crate::identity::PRESETS.iter().map(|(p, _)| *p).collect();
                    bad(format!(
                        "callers: no preset `{n}` (one of {})",
                        names.join(", ")
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut contexts: Vec<(String, String, RequestContext)> = Vec::new();
        if dir.join(CONTEXT_FILE).symlink_metadata().is_ok() {
            let path = inside(None, CONTEXT_FILE)?;
            contexts.push(("context".into(), CONTEXT_FILE.into(), load_context(&path)?));
        }
        let contexts_dir = dir.join(CONTEXTS_DIR);
        if contexts_dir.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&contexts_dir)
                .map_err(|e| CaseError(format!("{}: cannot read: {e}", show_path(&contexts_dir))))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json") && !p.is_dir())
                .collect();
            files.sort();
            for f in files {
                let file_name = f.file_name().unwrap_or_default();
                let Some(file_name) = file_name.to_str() else {
                    return Err(CaseError(format!(
                        "{}: the file name is not UTF-8; rename it (it names a test and its snapshot)",
                        crate::input::escape_path(&f)
                    )));
                };
                let stem = file_name.strip_suffix(".json").unwrap_or(file_name);
                let rel = format!("{CONTEXTS_DIR}/{file_name}");
                let path = inside(None, &rel)?;
                contexts.push((stem.to_string(), rel, load_context(&path)?));
            }
        }
        if contexts.is_empty() && callers.is_empty() {
            return Err(CaseError(format!(
                "{}: no context: add {CONTEXT_FILE}, {CONTEXTS_DIR}/*.json or `callers` in {CASE_FILE}",
                shown_dir
            )));
        }
        let base = settings.expect.clone().unwrap_or_default();
        let mut tests = Vec::new();
        let plain: Vec<(String, Option<String>, RequestContext)> = if contexts.is_empty() {
            vec![(String::new(), None, RequestContext::new())]
        } else {
            contexts
                .into_iter()
                .map(|(n, f, c)| (n, Some(f), c))
                .collect()
        };
        for (ctx_name, file, ctx) in plain {
            let mut expect = base.clone();
            if let Some(e) = settings.expect_for.get(&ctx_name) {
                expect = expect.merged(e);
            }
            if callers.is_empty() {
                tests.push(Test {
                    name: ctx_name,
                    context_file: file,
                    context: ctx,
                    expect,
                });
                continue;
            }
            for caller in &callers {
                let name = if ctx_name.is_empty() {
                    caller.name.clone()
                } else {
                    format!("{ctx_name}__{}", caller.name)
                };
                let mut expect = expect.clone();
                for key in [&caller.name, &name] {
                    if let Some(e) = settings.expect_for.get(key) {
                        expect = expect.merged(e);
                    }
                }
                tests.push(Test {
                    name,
                    context_file: file.clone(),
                    context: caller.apply(ctx.clone()),
                    expect,
                });
            }
        }
        for key in settings.expect_for.keys() {
            let known = tests.iter().any(|t| {
                &t.name == key
                    || t.name.starts_with(&format!("{key}__"))
                    || t.name.ends_with(&format!("__{key}"))
                    || callers.iter().any(|c| &c.name == key)
            });
            if !known {
                return Err(bad(format!(
                    "expectFor: `{key}` names no context or caller"
                )));
            }
        }
        let skip = match &settings.skip {
            None | Some(Json::Bool(false)) | Some(Json::Null) => None,
            Some(Json::String(reason)) => Some(reason.clone()),
            Some(_) => Some("skipped in case.json".into()),
        };
        Ok(Case {
            dir: dir.to_path_buf(),
            name,
            settings,
            engine,
            body,
            tests,
            skip,
        })
    }

    /// Runs one test to its report.
    pub fn run(&self, test: &Test) -> CaseReport {
        self.run_with(test, None)
    }

    /// Runs one test, recording which lines and branches ran into `coverage`.
    pub fn run_with(&self, test: &Test, coverage: Option<&mut Coverage>) -> CaseReport {
        match &self.body {
            Body::Template(t) => {
                let template = match &t.template {
                    Ok(tpl) => tpl,
                    Err(e) => return CaseReport::from_error(e),
                };
                let ctx = test.context.share();
                CaseReport::from_render(super::coverage::render(
                    &self.engine,
                    t,
                    template,
                    &ctx,
                    coverage,
                ))
            }
            Body::Pipeline(p) => {
                let mut coverage = coverage;
                let run = p.run_with(&test.context, &mut |file, template, ctx| {
                    super::coverage::render(
                        &self.engine,
                        file,
                        template,
                        ctx,
                        coverage.as_deref_mut(),
                    )
                });
                let field = test.context.field_name().unwrap_or_else(|| "field".into());
                CaseReport::from_pipeline(&run, &field)
            }
            Body::Resolver(r) => r.run(&self.engine, &test.context, coverage),
            Body::Request(r) => r.run(&self.engine, &test.context, coverage),
        }
    }

    /// Every template the case uses.
    pub fn templates(&self) -> Vec<&TemplateFile> {
        match &self.body {
            Body::Template(t) => vec![t],
            Body::Pipeline(p) => p.templates(),
            Body::Resolver(r) => r.pipeline.templates(),
            Body::Request(_) => Vec::new(),
        }
    }

    /// The snapshot file of a test: `snapshots/<case>@<test>.snap`.
    pub fn snapshot_path(&self, test: &Test) -> PathBuf {
        self.dir
            .join("snapshots")
            .join(format!("{}@{}.snap", self.name, test.name))
    }
}

fn load_context(path: &Path) -> Result<RequestContext, CaseError> {
    read_context(path).map_err(|e| CaseError(e.to_string()))
}
