//! Resolvers read as a project deploys them: which resolver answers a field,
//! unit or pipeline, its functions in order, each data source and each
//! mapping template, read from the infrastructure files of
//!
//! * Amplify Gen 1 ([`amplify_gen1`]): `amplify/backend/api/<name>/build/`
//!   (`stacks/*.json`, `cloudformation-template.json`, `resolvers/`), or a
//!   bare `build/resolvers` folder read by its file names;
//! * the AWS CDK and Amplify Gen 2 ([`cloudformation`]): `cdk.out/*.template.json`
//!   (Gen 2: `.amplify/artifacts/cdk.out`), with the asset manifest and
//!   `aws:asset:path` metadata leading to the files;
//! * SAM or plain CloudFormation ([`cloudformation`]), JSON or YAML with the
//!   short-form tags (`!Ref`, `!GetAtt`, `!Sub`, `!Join`, …), and SAM's own
//!   `AWS::Serverless::GraphQLApi` (APPSYNC_JS only, so listed, not evaluated);
//! * the Serverless Framework's AppSync plugin ([`serverless`]): `serverless.yml`.
//!
//! [`read`] finds the kind and gives one [`Project`]; `vtl resolvers` prints
//! it, `vtl authz` runs a field's request templates from it. Intrinsic
//! functions are resolved where they can be offline (a logical id to the
//! name of its resource, a parameter to its default); what cannot is kept
//! as `<Ref X>`-style text and said in [`Project::notes`].
//!
//! ```
//! use appsync_vtl::project::{self, ResolverKind};
//! let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/projects/sam");
//! let project = project::read(std::path::Path::new(dir)).unwrap();
//! let r = project.resolver("Mutation", "addComment").unwrap();
//! assert_eq!(r.kind, ResolverKind::Pipeline);
//! let names: Vec<&str> = r.functions.iter().map(|f| f.name.as_str()).collect();
//! assert_eq!(names, ["checkMember", "putComment"]);
//! ```

pub mod amplify_gen1;
pub mod cloudformation;
pub mod serverless;
mod yaml;

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::engine::Engine;
use crate::input::{read_text, show_path, Cap, InputError};
use crate::pipeline::{
    DataSource as MockedSource, Function as PipelineFunction, Pipeline, TemplateFile,
};
use crate::replay::authz::{ApiAuth, Schema};

/// The most bytes read from one infrastructure file (a stack, a manifest).
pub(crate) const INFRA_CAP: Cap = Cap {
    bytes: 64 * 1024 * 1024,
    what: "an infrastructure file",
    flag: None,
};

/// Which tool's files a project was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProjectKind {
    /// Amplify Gen 1: `build/` with `stacks/` and `resolvers/`.
    AmplifyGen1,
    /// A folder of Amplify Gen 1 resolver templates without their stacks,
    /// read by file name (`Type.field.slot.N.req.vtl`).
    AmplifyGen1Resolvers,
    /// The AWS CDK: `cdk.out`.
    Cdk,
    /// SAM or plain CloudFormation templates.
    Cloudformation,
    /// The Serverless Framework with `serverless-appsync-plugin`.
    Serverless,
}

impl ProjectKind {
    /// How reports name the kind.
    pub fn label(self) -> &'static str {
        match self {
            ProjectKind::AmplifyGen1 => "Amplify Gen 1",
            ProjectKind::AmplifyGen1Resolvers => "Amplify Gen 1 resolvers folder (file names only)",
            ProjectKind::Cdk => "AWS CDK (cdk.out)",
            ProjectKind::Cloudformation => "CloudFormation / SAM",
            ProjectKind::Serverless => "Serverless Framework (serverless-appsync-plugin)",
        }
    }
}

/// What [`read`] looks for, in order, for the message when it finds none.
pub const LOOKED_FOR: &[&str] = &[
    "Amplify Gen 1 (amplify/backend/api/<name>/build/ with stacks/ and resolvers/, or a build/ or build/resolvers/ folder)",
    "AWS CDK or Amplify Gen 2 (cdk.out/manifest.json and cdk.out/*.template.json, or .amplify/artifacts/cdk.out)",
    "Serverless Framework (serverless.yml with an appSync section)",
    "SAM or CloudFormation (a .yaml, .yml, .json or .template file with AWS::AppSync::Resolver resources)",
];

/// Where something was read: a file and, when known, its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The file.
    pub file: PathBuf,
    /// Its line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl Location {
    pub(crate) fn new(file: &Path, line: Option<usize>) -> Location {
        Location {
            file: file.to_path_buf(),
            line,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}", show_path(&self.file)),
            None => write!(f, "{}", show_path(&self.file)),
        }
    }
}

/// Something the reader could not resolve, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// Where.
    pub at: Location,
    /// What.
    pub message: String,
}

/// A mapping template (or a JS resolver's code) as the project gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "source", content = "value", rename_all = "camelCase")]
pub enum TemplateRef {
    /// A local file (an asset, an S3 location found on disk, a template file).
    File(PathBuf),
    /// The text, given in the infrastructure file itself.
    Inline(String),
    /// Given, but not found here; why.
    Missing(String),
}

impl TemplateRef {
    /// The template's text: a file's read (up to the engine's template
    /// limit and a little more), inline text as it is.
    pub fn text(&self) -> Result<Cow<'_, str>, InputError> {
        match self {
            TemplateRef::File(p) => read_text(p, TEMPLATE_CAP).map(Cow::Owned),
            TemplateRef::Inline(t) => Ok(Cow::Borrowed(t)),
            TemplateRef::Missing(why) => Err(InputError::Missing { path: why.clone() }),
        }
    }

    /// Parses the template for a pipeline run, named `name` in reports.
    pub fn load(&self, engine: &Engine, name: &str) -> Result<TemplateFile, InputError> {
        match self {
            TemplateRef::File(p) => {
                let dir = p.parent().unwrap_or(Path::new(""));
                let file = p.file_name().and_then(|n| n.to_str()).unwrap_or(name);
                TemplateFile::load(engine, dir, file)
            }
            TemplateRef::Inline(t) => Ok(TemplateFile::from_text(engine, name, t)),
            TemplateRef::Missing(why) => Err(InputError::Missing { path: why.clone() }),
        }
    }
}

/// Inline and file templates are read up to this (AppSync's own limit is 64 KB;
/// the engine reports anything longer).
const TEMPLATE_CAP: Cap = Cap {
    bytes: 16 * 1024 * 1024,
    what: "a mapping template",
    flag: None,
};

/// A unit resolver (one data source) or a pipeline resolver (functions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ResolverKind {
    /// One data source, one request and one response template.
    Unit,
    /// Before template, functions in order, after template.
    Pipeline,
}

/// The language of a resolver or function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "name", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Runtime {
    /// VTL mapping templates: what this tool evaluates.
    Vtl,
    /// JavaScript (`APPSYNC_JS`): listed, not evaluated.
    AppsyncJs {
        /// `RuntimeVersion`.
        version: String,
    },
}

impl Runtime {
    /// Whether this tool evaluates it.
    pub fn evaluated(&self) -> bool {
        matches!(self, Runtime::Vtl)
    }
}

/// One pipeline function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Function {
    /// Its name.
    pub name: String,
    /// Its data source's name.
    pub data_source: Option<String>,
    /// VTL or APPSYNC_JS.
    pub runtime: Runtime,
    /// The request mapping template.
    pub request: Option<TemplateRef>,
    /// The response mapping template.
    pub response: Option<TemplateRef>,
    /// APPSYNC_JS code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<TemplateRef>,
    /// Where it is defined.
    pub at: Location,
}

/// A resolver attached to `type_name.field_name`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Resolver {
    /// The parent type (`Query`, `Mutation`, `Post`, …).
    pub type_name: String,
    /// The field.
    pub field_name: String,
    /// Unit or pipeline.
    pub kind: ResolverKind,
    /// VTL or APPSYNC_JS.
    pub runtime: Runtime,
    /// A unit resolver's data source.
    pub data_source: Option<String>,
    /// The request template (a pipeline's before template).
    pub request: Option<TemplateRef>,
    /// The response template (a pipeline's after template).
    pub response: Option<TemplateRef>,
    /// APPSYNC_JS code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<TemplateRef>,
    /// A pipeline's functions, in the order they run.
    pub functions: Vec<Function>,
    /// Where it is defined.
    pub at: Location,
}

impl Resolver {
    /// `Type.field`.
    pub fn key(&self) -> String {
        format!("{}.{}", self.type_name, self.field_name)
    }

    /// The whole resolver as the pipeline runner takes it: a unit resolver
    /// is a pipeline of one function (its request template, its data source,
    /// its response template); a pipeline resolver has its before and after
    /// templates and each function. `source` gives what each data source
    /// returns (called with the data source's name, in the order the
    /// functions run). APPSYNC_JS code is refused: it is not evaluated.
    ///
    /// ```
    /// use appsync_vtl::pipeline::DataSource;
    /// use appsync_vtl::{project, Engine, RequestContext};
    /// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/projects/cdk");
    /// let project = project::read(std::path::Path::new(dir)).unwrap();
    /// let resolver = project.resolver("Query", "getPost").unwrap();
    /// let engine = Engine::new();
    /// let pipeline = resolver
    ///     .pipeline(&engine, &mut |_| DataSource::Result(serde_json::json!({"id": "1"})))
    ///     .unwrap();
    /// let ctx = RequestContext::new().with_field("Query", "getPost");
    /// assert_eq!(engine.run_pipeline(&pipeline, &ctx).output, Some(serde_json::json!({"id": "1"})));
    /// ```
    pub fn pipeline(
        &self,
        engine: &Engine,
        source: &mut dyn FnMut(Option<&str>) -> MockedSource,
    ) -> Result<Pipeline, ProjectError> {
        let not_evaluated = |what: &str, at: &Location| ProjectError::NotEvaluated {
            at: at.clone(),
            what: what.to_string(),
        };
        if !self.runtime.evaluated() {
            return Err(not_evaluated(&self.key(), &self.at));
        }
        let load = |t: &TemplateRef, name: String| t.load(engine, &name);
        match self.kind {
            ResolverKind::Unit => {
                let request = match &self.request {
                    Some(t) => load(t, template_name(t, &format!("{}.request", self.key())))?,
                    None => TemplateFile::from_text(engine, &self.key(), DIRECT_LAMBDA_REQUEST),
                };
                let response = match &self.response {
                    Some(t) => Some(load(
                        t,
                        template_name(t, &format!("{}.response", self.key())),
                    )?),
                    None => None,
                };
                Ok(Pipeline {
                    functions: vec![PipelineFunction {
                        name: self.key(),
                        request,
                        response,
                        data_source: source(self.data_source.as_deref()),
                        data_source_name: self.data_source.clone(),
                    }],
                    ..Pipeline::default()
                })
            }
            ResolverKind::Pipeline => {
                let mut functions = Vec::new();
                for f in &self.functions {
                    if !f.runtime.evaluated() {
                        return Err(not_evaluated(
                            &format!("{} (function {})", self.key(), f.name),
                            &f.at,
                        ));
                    }
                    let request = match &f.request {
                        Some(t) => load(t, template_name(t, &format!("{}.request", f.name)))?,
                        None => TemplateFile::from_text(engine, &f.name, DIRECT_LAMBDA_REQUEST),
                    };
                    let response = match &f.response {
                        Some(t) => {
                            Some(load(t, template_name(t, &format!("{}.response", f.name)))?)
                        }
                        None => None,
                    };
                    functions.push(PipelineFunction {
                        name: f.name.clone(),
                        request,
                        response,
                        data_source: source(f.data_source.as_deref()),
                        data_source_name: f.data_source.clone(),
                    });
                }
                let before = match &self.request {
                    Some(t) => Some(load(
                        t,
                        template_name(t, &format!("{}.before", self.key())),
                    )?),
                    None => None,
                };
                let after = match &self.response {
                    Some(t) => Some(load(t, template_name(t, &format!("{}.after", self.key())))?),
                    None => None,
                };
                Ok(Pipeline {
                    before,
                    functions,
                    after,
                })
            }
        }
    }

    /// The request templates in the order they run (a unit resolver's request
    /// template; a pipeline's before template, then each VTL function's
    /// request), named for reports by their file name (inline ones
    /// `Type.field.request`, `Type.field.before` or the function's name): what
    /// `vtl authz` runs. Each runs with a NONE data source and without its
    /// response template.
    pub fn request_pipeline(&self, engine: &Engine) -> Result<Pipeline, InputError> {
        let mut functions = Vec::new();
        let mut add = |name: String, t: &TemplateRef| -> Result<(), InputError> {
            functions.push(PipelineFunction {
                request: t.load(engine, &name)?,
                name,
                response: None,
                data_source: MockedSource::None,
                data_source_name: None,
            });
            Ok(())
        };
        if let Some(t) = &self.request {
            let role = match self.kind {
                ResolverKind::Unit => "request",
                ResolverKind::Pipeline => "before",
            };
            add(template_name(t, &format!("{}.{role}", self.key())), t)?;
        }
        for f in &self.functions {
            if let (Some(t), true) = (&f.request, f.runtime.evaluated()) {
                add(template_name(t, &f.name), t)?;
            }
        }
        Ok(Pipeline {
            functions,
            ..Pipeline::default()
        })
    }
}

/// What AppSync sends a Lambda data source when a resolver has no request
/// template (direct Lambda resolvers): the whole context.
const DIRECT_LAMBDA_REQUEST: &str =
    r#"{"version": "2018-05-29", "operation": "Invoke", "payload": $util.toJson($ctx)}"#;

/// A file template's file name, or `fallback` for inline text.
fn template_name(t: &TemplateRef, fallback: &str) -> String {
    match t {
        TemplateRef::File(p) => p
            .file_name()
            .and_then(|n| n.to_str())
            .map_or_else(|| fallback.to_string(), str::to_string),
        _ => fallback.to_string(),
    }
}

/// A data source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataSource {
    /// Its name, as resolvers and functions name it.
    pub name: String,
    /// `AMAZON_DYNAMODB`, `AWS_LAMBDA`, `NONE`, `HTTP`, ….
    #[serde(rename = "type")]
    pub kind: String,
    /// Where it is defined.
    pub at: Location,
}

/// A project's resolvers, data sources and schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    /// Which tool's files.
    pub kind: ProjectKind,
    /// The folder (or file) it was read from.
    pub root: PathBuf,
    /// The resolvers, sorted by type and field.
    pub resolvers: Vec<Resolver>,
    /// The data sources, sorted by name.
    pub data_sources: Vec<DataSource>,
    /// The GraphQL schema, when the project gives one.
    pub schema: Option<TemplateRef>,
    /// The API's auth modes, when the project gives them.
    pub auth: Option<ApiAuth>,
    /// What could not be resolved.
    pub notes: Vec<Note>,
}

impl Project {
    pub(crate) fn new(kind: ProjectKind, root: &Path) -> Project {
        Project {
            kind,
            root: root.to_path_buf(),
            resolvers: Vec::new(),
            data_sources: Vec::new(),
            schema: None,
            auth: None,
            notes: Vec::new(),
        }
    }

    /// The resolver of `type_name.field`.
    pub fn resolver(&self, type_name: &str, field: &str) -> Option<&Resolver> {
        self.resolvers
            .iter()
            .find(|r| r.type_name == type_name && r.field_name == field)
    }

    /// The project's schema, parsed; `Err` says why there is none to use.
    pub fn parsed_schema(&self) -> Result<Schema, String> {
        let text = match &self.schema {
            Some(t) => t.text().map_err(|e| format!("its schema: {e}"))?,
            None => return Err(format!("{} holds no schema", show_path(&self.root))),
        };
        Schema::parse(&text).map_err(|e| format!("its schema: {e}"))
    }

    /// Every file the project was read from: infrastructure files, templates
    /// and the schema (what `vtl test --watch` watches).
    pub fn files(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut add = |t: Option<&TemplateRef>| {
            if let Some(TemplateRef::File(p)) = t {
                out.push(p.clone());
            }
        };
        add(self.schema.as_ref());
        for r in &self.resolvers {
            add(r.request.as_ref());
            add(r.response.as_ref());
            for f in &r.functions {
                add(f.request.as_ref());
                add(f.response.as_ref());
            }
        }
        let places = self.resolvers.iter().map(|r| &r.at);
        let places = places.chain(self.data_sources.iter().map(|d| &d.at));
        out.extend(places.map(|at| at.file.clone()));
        out.sort();
        out.dedup();
        out
    }

    /// The data source named `name`.
    pub fn data_source(&self, name: &str) -> Option<&DataSource> {
        self.data_sources.iter().find(|d| d.name == name)
    }

    pub(crate) fn note(&mut self, at: Location, message: impl Into<String>) {
        self.notes.push(Note {
            at,
            message: message.into(),
        });
    }

    /// Sorts resolvers and data sources so that output does not depend on
    /// the order of files on disk.
    pub(crate) fn finish(mut self) -> Project {
        self.resolvers
            .sort_by(|a, b| (&a.type_name, &a.field_name).cmp(&(&b.type_name, &b.field_name)));
        self.data_sources.sort_by(|a, b| a.name.cmp(&b.name));
        self.data_sources.dedup_by(|a, b| a.name == b.name);
        self
    }
}

/// Why a project could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// No kind of project was recognised in the folder.
    #[error(
        "{}: not a project this tool reads; looked for:\n{}",
        show_path(dir),
        looked_for(LOOKED_FOR)
    )]
    NotAProject {
        /// The folder given.
        dir: PathBuf,
    },
    /// A file could not be read.
    #[error(transparent)]
    Input(#[from] InputError),
    /// A file is not valid JSON or YAML.
    #[error("{}:{line}: {message}", show_path(path))]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A resolver or function in a language this tool does not evaluate.
    #[error("{at}: {what} is APPSYNC_JS, which is listed but not evaluated")]
    NotEvaluated {
        /// Where it is defined.
        at: Location,
        /// `Type.field`, and the function.
        what: String,
    },
    /// A file parses but is not what its kind says.
    #[error("{at}: {message}")]
    Invalid {
        /// Where.
        at: Location,
        /// What is wrong.
        message: String,
    },
}

fn looked_for(kinds: &[&str]) -> String {
    kinds
        .iter()
        .map(|k| format!("  - {k}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads the project in `dir` (a folder, or one template file), finding its kind.
pub fn read(dir: &Path) -> Result<Project, ProjectError> {
    if dir.is_file() {
        return cloudformation::read_template_file(dir);
    }
    if !dir.is_dir() {
        return Err(InputError::Missing {
            path: show_path(dir),
        }
        .into());
    }
    if let Some(p) = amplify_gen1::read(dir)? {
        return Ok(p);
    }
    if let Some(p) = cloudformation::read_cdk(dir)? {
        return Ok(p);
    }
    if let Some(p) = serverless::read(dir)? {
        return Ok(p);
    }
    if let Some(p) = cloudformation::read_dir(dir)? {
        return Ok(p);
    }
    Err(ProjectError::NotAProject {
        dir: dir.to_path_buf(),
    })
}

/// Parses a JSON or YAML infrastructure file (by its extension; JSON when
/// the text starts with `{`).
pub(crate) fn parse_document(path: &Path, text: &str) -> Result<serde_json::Value, ProjectError> {
    let is_json =
        path.extension().is_some_and(|e| e == "json") || text.trim_start().starts_with('{');
    if is_json {
        serde_json::from_str(text).map_err(|e| ProjectError::Syntax {
            path: path.to_path_buf(),
            line: e.line(),
            message: format!("invalid JSON: {e}"),
        })
    } else {
        yaml::parse(text).map_err(|e| ProjectError::Syntax {
            path: path.to_path_buf(),
            line: e.line,
            message: format!("invalid YAML: {}", e.message),
        })
    }
}

/// The 1-based line where `key` is first written as a mapping key
/// (`"key":` in JSON, `key:` in YAML).
pub(crate) fn line_of_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            let t = line.trim_start();
            let rest = t
                .strip_prefix('"')
                .and_then(|r| r.strip_prefix(key))
                .and_then(|r| r.strip_prefix('"'))
                .or_else(|| {
                    t.strip_prefix('\'')
                        .and_then(|r| r.strip_prefix(key))
                        .and_then(|r| r.strip_prefix('\''))
                })
                .or_else(|| t.strip_prefix(key));
            rest.is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .map(|i| i + 1)
}
