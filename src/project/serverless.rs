//! The Serverless Framework's AppSync plugin (`serverless-appsync-plugin`):
//! `serverless.yml` (or `.yaml`) with
//!
//! * v2: a top-level `appSync:` with `resolvers` (a map keyed `Type.field`, or
//!   a list), `pipelineFunctions` and `dataSources` (maps keyed by name),
//!   templates as paths relative to the service folder;
//! * v1: `custom.appSync:` with `mappingTemplates` (a list of `type`, `field`,
//!   `dataSource`, `request`, `response`, `kind`, `functions`),
//!   `functionConfigurations` and `dataSources` (lists), templates under
//!   `mappingTemplatesLocation` (default `mapping-templates`), named
//!   `Type.field.request.vtl` / `.response.vtl` when not given.
//!
//! `${self:…}` variables are not resolved.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use super::{
    line_of_key, parse_document, DataSource, Function, Location, Project, ProjectError,
    ProjectKind, Resolver, ResolverKind, Runtime, TemplateRef, INFRA_CAP,
};
use crate::input::read_text;
use crate::outcome::AuthType;
use crate::replay::authz::ApiAuth;

/// A Serverless service in `dir`, or `None`.
pub fn read(dir: &Path) -> Result<Option<Project>, ProjectError> {
    let Some(file) = ["serverless.yml", "serverless.yaml"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
    else {
        return Ok(None);
    };
    let text = read_text(&file, INFRA_CAP)?;
    let doc = parse_document(&file, &text)?;
    let (config, v1) = match (
        doc.get("appSync"),
        doc.get("custom").and_then(|c| c.get("appSync")),
    ) {
        (Some(c), _) => (c, false),
        (None, Some(c)) => (c, true),
        (None, None) => return Ok(None),
    };
    // v1 allowed a list of APIs; the first is read.
    let config = match config {
        Json::Array(a) => a.first().unwrap_or(&Json::Null),
        c => c,
    };
    let mut s = Service {
        project: Project::new(ProjectKind::Serverless, dir),
        dir: dir.to_path_buf(),
        file,
        text,
        templates: dir.to_path_buf(),
    };
    if v1 {
        let loc = config
            .get("mappingTemplatesLocation")
            .and_then(Json::as_str)
            .unwrap_or("mapping-templates");
        s.templates = dir.join(loc);
    }
    s.schema(config.get("schema"));
    s.project.auth = auth_modes(config, v1);
    for (name, ds) in entries(config.get("dataSources"), "name") {
        let kind = ds
            .get("type")
            .and_then(Json::as_str)
            .unwrap_or("?")
            .to_string();
        let at = s.at(&name);
        s.project.data_sources.push(DataSource { name, kind, at });
    }
    let functions: Vec<(String, Json)> = if v1 {
        entries(config.get("functionConfigurations"), "name")
    } else {
        entries(config.get("pipelineFunctions"), "name")
    };
    let resolvers_key = if v1 { "mappingTemplates" } else { "resolvers" };
    for (key, r) in entries(config.get(resolvers_key), "") {
        let (ty, field) = match (
            r.get("type").and_then(Json::as_str),
            r.get("field").and_then(Json::as_str),
        ) {
            (Some(t), Some(f)) => (t.to_string(), f.to_string()),
            _ => match key.split_once('.') {
                Some((t, f)) => (t.to_string(), f.to_string()),
                None => {
                    let at = s.at(&key);
                    s.project
                        .note(at, format!("{key}: a resolver without `type` and `field`"));
                    continue;
                }
            },
        };
        let listed: Vec<String> = r
            .get("functions")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str().map(str::to_string))
            .collect();
        let kind = match r.get("kind").and_then(Json::as_str) {
            Some("PIPELINE") => ResolverKind::Pipeline,
            Some(_) => ResolverKind::Unit,
            None if !listed.is_empty() => ResolverKind::Pipeline,
            None => ResolverKind::Unit,
        };
        let at = s.at(if key.is_empty() { &field } else { &key });
        let default = |suffix: &str| v1.then(|| format!("{ty}.{field}.{suffix}.vtl"));
        let mut fns = Vec::new();
        for name in listed {
            match functions.iter().find(|(n, _)| *n == name) {
                Some((_, f)) => {
                    let fat = s.at(&name);
                    fns.push(Function {
                        name: name.clone(),
                        data_source: f
                            .get("dataSource")
                            .and_then(Json::as_str)
                            .map(str::to_string),
                        runtime: runtime(f),
                        request: s
                            .template(f.get("request"), v1.then(|| format!("{name}.request.vtl"))),
                        response: s.template(
                            f.get("response"),
                            v1.then(|| format!("{name}.response.vtl")),
                        ),
                        code: s.template(f.get("code"), None),
                        at: fat,
                    });
                }
                None => {
                    let why = format!("function {name}: not defined in the service");
                    s.project.note(at.clone(), format!("{ty}.{field}: {why}"));
                    fns.push(Function {
                        name,
                        data_source: None,
                        runtime: Runtime::Vtl,
                        request: Some(TemplateRef::Missing(why)),
                        response: None,
                        code: None,
                        at: at.clone(),
                    });
                }
            }
        }
        let resolver = Resolver {
            data_source: (kind == ResolverKind::Unit)
                .then(|| {
                    r.get("dataSource")
                        .and_then(Json::as_str)
                        .map(str::to_string)
                })
                .flatten(),
            runtime: runtime(&r),
            request: s.template(r.get("request"), default("request")),
            response: s.template(r.get("response"), default("response")),
            code: s.template(r.get("code"), None),
            type_name: ty,
            field_name: field,
            kind,
            functions: fns,
            at,
        };
        s.project.resolvers.push(resolver);
    }
    Ok(Some(s.project.finish()))
}

struct Service {
    project: Project,
    dir: PathBuf,
    file: PathBuf,
    text: String,
    templates: PathBuf,
}

impl Service {
    fn at(&self, key: &str) -> Location {
        Location::new(&self.file, line_of_key(&self.text, key))
    }

    fn schema(&mut self, v: Option<&Json>) {
        let first = match v {
            Some(Json::String(s)) => Some(s.as_str()),
            Some(Json::Array(a)) => a.first().and_then(Json::as_str),
            _ => None,
        };
        let path = self.dir.join(first.unwrap_or("schema.graphql"));
        if path.is_file() {
            self.project.schema = Some(TemplateRef::File(path));
        }
    }

    /// A template path (relative to the templates folder, then the service),
    /// `false` (none: direct Lambda), or the v1 default name.
    fn template(&mut self, v: Option<&Json>, default: Option<String>) -> Option<TemplateRef> {
        let name = match v {
            Some(Json::Bool(false)) => return None,
            Some(Json::String(s)) => s.clone(),
            Some(_) => return Some(TemplateRef::Missing("a template that is not a path".into())),
            None => default?,
        };
        for base in [&self.templates, &self.dir] {
            let p = base.join(&name);
            if p.is_file() {
                return Some(TemplateRef::File(p));
            }
        }
        let why = format!(
            "{name}: no such file under {}",
            crate::input::show_path(&self.templates)
        );
        let at = self.at(&name);
        self.project.note(at, why.clone());
        Some(TemplateRef::Missing(why))
    }
}

/// The API's auth modes: v2's `authentication.type` and
/// `additionalAuthentications[].type`, v1's `authenticationType` and
/// `additionalAuthenticationProviders[].authenticationType`.
fn auth_modes(config: &Json, v1: bool) -> Option<ApiAuth> {
    let (default, list, key) = if v1 {
        (
            config.get("authenticationType"),
            "additionalAuthenticationProviders",
            "authenticationType",
        )
    } else {
        (
            config.get("authentication").and_then(|a| a.get("type")),
            "additionalAuthentications",
            "type",
        )
    };
    let mode = |v: Option<&Json>| v.and_then(Json::as_str).and_then(AuthType::parse);
    Some(ApiAuth {
        default: mode(default)?,
        additional: config
            .get(list)
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(|p| mode(p.get(key)))
            .collect(),
    })
}

fn runtime(v: &Json) -> Runtime {
    match v
        .get("runtime")
        .or_else(|| v.get("code").map(|_| &Json::Null))
    {
        Some(Json::Null) => Runtime::AppsyncJs {
            version: "1.0.0".into(),
        },
        Some(rt) if rt.get("name").and_then(Json::as_str) == Some("APPSYNC_JS") => {
            Runtime::AppsyncJs {
                version: rt
                    .get("runtimeVersion")
                    .and_then(Json::as_str)
                    .unwrap_or("1.0.0")
                    .to_string(),
            }
        }
        _ => Runtime::Vtl,
    }
}

/// A map keyed by name, or a list whose items carry the name under `name_key`.
fn entries(v: Option<&Json>, name_key: &str) -> Vec<(String, Json)> {
    match v {
        Some(Json::Object(o)) => o.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        Some(Json::Array(a)) => a
            .iter()
            .flat_map(|item| match item {
                // `- name: {…}` entries (v2 lists of one-key maps).
                Json::Object(o)
                    if o.len() == 1
                        && !o.contains_key(name_key)
                        && o.values().all(Json::is_object) =>
                {
                    o.iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect::<Vec<_>>()
                }
                _ => vec![(
                    item.get(name_key)
                        .and_then(Json::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    item.clone(),
                )],
            })
            .collect(),
        _ => Vec::new(),
    }
}
