//! Cases wired from a project instead of template paths:
//!
//! * `"resolver": "Mutation.createPost"` runs that resolver as the project
//!   deploys it (its before template, functions and data sources in order,
//!   its after template) on each context;
//! * `"request": {"operation": "…", "variables": {…}}` runs a whole GraphQL
//!   request ([`crate::execute`]) as each caller: a preset of `callers`, or a
//!   context file giving `identity`, `authType` and `request` (headers).
//!
//! Both name the project's folder (`"project"`, relative to the case folder)
//! and take `"mocks"`: the format of [`crate::pipeline::mocks`], inline or as
//! a file. A data source request no mock answers fails the test.

use serde::Deserialize;
use serde_json::Value as Json;

use super::case::CaseError;
use super::coverage::{self, Coverage};
use super::report::CaseReport;
use crate::engine::Engine;
use crate::execute::{answer_from, execute_with, Api, Call};
use crate::input::{read_text, show_path, Cap};
use crate::pipeline::mocks::Mocks;
use crate::pipeline::Pipeline;
use crate::project::{self, Project};
use crate::replay::authz::{ApiAuth, Schema};
use crate::replay::graphql::{self, Operation};
use crate::RequestContext;

/// `case.json`'s `request`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RequestSpec {
    /// The GraphQL document.
    pub operation: String,
    /// Its variables.
    #[serde(default)]
    pub variables: Option<Json>,
    /// Which operation of the document, when it has several.
    pub operation_name: Option<String>,
}

/// A project's resolver, ready to run.
#[derive(Debug)]
pub struct ProjectResolver {
    /// The project.
    pub project: Project,
    /// `Type.field`.
    pub key: String,
    /// Its templates, parsed.
    pub pipeline: Pipeline,
    /// What its data sources answer.
    pub mocks: Mocks,
}

/// A whole request against a project, ready to run.
#[derive(Debug)]
pub struct ProjectRequest {
    /// The project.
    pub project: Project,
    /// Its schema.
    pub schema: Schema,
    /// Its auth modes.
    pub auth: ApiAuth,
    /// The operation, variables substituted.
    pub operation: Operation,
    /// What its data sources answer.
    pub mocks: Mocks,
}

/// Reads the project a case names (`resolve` checks the path stays inside
/// the folders a case may read).
pub(crate) fn read_project(
    name: Option<&str>,
    resolve: &dyn Fn(&str, &str) -> Result<std::path::PathBuf, CaseError>,
    bad: &dyn Fn(String) -> CaseError,
) -> Result<Project, CaseError> {
    let Some(name) = name else {
        return Err(bad(
            "`resolver` and `request` need `project`: the project's folder, relative to the case folder"
                .into(),
        ));
    };
    let path = resolve("project", name)?;
    project::read(&path).map_err(|e| bad(format!("project: {e}")))
}

/// `mocks`: inline, or a file relative to the case folder.
pub(crate) fn read_mocks(
    mocks: Option<&Json>,
    resolve: &dyn Fn(&str, &str) -> Result<std::path::PathBuf, CaseError>,
    bad: &dyn Fn(String) -> CaseError,
) -> Result<Mocks, CaseError> {
    match mocks {
        None => Ok(Mocks::default()),
        Some(Json::String(file)) => {
            let path = resolve("mocks", file)?;
            let text = read_text(&path, Cap::CONTEXT).map_err(|e| CaseError(e.to_string()))?;
            Mocks::parse(&text).map_err(|e| CaseError(format!("{}: {e}", show_path(&path))))
        }
        Some(v) => Mocks::from_json(v.clone()).map_err(|e| bad(format!("mocks: {e}"))),
    }
}

impl ProjectResolver {
    /// Loads `key` (`Type.field`) of the project.
    pub(crate) fn load(
        engine: &Engine,
        project: Project,
        key: &str,
        mocks: Mocks,
        bad: &dyn Fn(String) -> CaseError,
    ) -> Result<ProjectResolver, CaseError> {
        let resolver = key
            .split_once('.')
            .and_then(|(t, f)| project.resolver(t, f))
            .ok_or_else(|| {
                let known: Vec<String> = project.resolvers.iter().map(|r| r.key()).collect();
                bad(format!(
                    "resolver: {} has no resolver `{key}` (it has: {})",
                    show_path(&project.root),
                    known.join(", ")
                ))
            })?;
        let pipeline = resolver
            .pipeline(engine, &mut |_| crate::pipeline::DataSource::None)
            .map_err(|e| bad(format!("resolver: {e}")))?;
        Ok(ProjectResolver {
            key: key.to_string(),
            pipeline,
            mocks,
            project,
        })
    }

    /// Runs the resolver on one context (its `info` set to the resolver's
    /// field unless the context sets it).
    pub fn run(
        &self,
        engine: &Engine,
        context: &RequestContext,
        coverage: Option<&mut Coverage>,
    ) -> CaseReport {
        let (type_name, field) = self.key.split_once('.').unwrap_or(("", &self.key));
        let context = if context.field_name().is_none() {
            context.clone().with_field(type_name, field)
        } else {
            context.clone()
        };
        let mut mocks = self.mocks.clone();
        let mut coverage = coverage;
        let run = self.pipeline.run_answering(
            &context,
            &mut |file, template, ctx| {
                coverage::render(engine, file, template, ctx, coverage.as_deref_mut())
            },
            &mut answer_from(&self.project, &mut mocks),
        );
        let mut report = CaseReport::from_pipeline(&run, field);
        report.no_mock = run.unanswered;
        report
    }
}

impl ProjectRequest {
    /// Parses the request against the project's schema and auth modes.
    pub(crate) fn load(
        project: Project,
        spec: &RequestSpec,
        mocks: Mocks,
        bad: &dyn Fn(String) -> CaseError,
    ) -> Result<ProjectRequest, CaseError> {
        let schema = project
            .parsed_schema()
            .map_err(|e| bad(format!("project: {e}")))?;
        let auth = project.auth.clone().ok_or_else(|| {
            bad(format!(
                "request: {} does not say the API's auth modes",
                show_path(&project.root)
            ))
        })?;
        let variables = spec
            .variables
            .clone()
            .unwrap_or(Json::Object(Default::default()));
        let operation = graphql::parse(&spec.operation, spec.operation_name.as_deref(), &variables)
            .map_err(|e| bad(format!("request.operation: {e}")))?;
        Ok(ProjectRequest {
            project,
            schema,
            auth,
            operation,
            mocks,
        })
    }

    /// Runs the request as the caller a test's context describes (its
    /// identity, auth mode and request headers: a preset's, or a context file's).
    pub fn run(
        &self,
        engine: &Engine,
        context: &RequestContext,
        coverage: Option<&mut Coverage>,
    ) -> CaseReport {
        let api = Api {
            project: &self.project,
            schema: &self.schema,
            auth: self.auth.clone(),
        };
        let mut call = Call::from_context(context, "the test's caller");
        if let Some(mode) = engine.auth_type() {
            call.caller.mode = Some(mode);
        }
        let mut mocks = self.mocks.clone();
        let mut coverage = coverage;
        let ex = execute_with(
            engine,
            &api,
            &self.operation,
            &call,
            &mut mocks,
            &mut |file, template, ctx| {
                coverage::render(engine, file, template, ctx, coverage.as_deref_mut())
            },
        );
        CaseReport::from_execution(&ex)
    }
}
