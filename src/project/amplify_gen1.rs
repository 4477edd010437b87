//! Amplify Gen 1: `amplify/backend/api/<name>/build/`, as `amplify api
//! gql-compile` (GraphQL transformer v2) writes it: `cloudformation-template.json`
//! (the API, the NONE data source, one nested stack per model),
//! `stacks/<Model>.json` (resolvers and functions whose templates are
//! `s3://<bucket>/<root key>/resolvers/<file>`, found in `build/resolvers/`),
//! `schema.graphql` (the schema AppSync has).
//!
//! A folder of resolver templates alone (`build/resolvers`, or a copy of it)
//! is read by the transformer's file names, `Type.field.<slot>.<n>.req.vtl`
//! in pipeline order: `before`, `init`, `preAuth`, `auth`, `postAuth`,
//! `preDataLoad`, the data request `Type.field.req.vtl`, `postDataLoad`,
//! `finishing`; `Type.field.after.res.vtl` last.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Map;

use super::cloudformation::{sorted_files, Files, Reader};
use super::{
    Function, Location, Project, ProjectError, ProjectKind, Resolver, ResolverKind, Runtime,
    TemplateRef,
};

/// The function slots before the data request, in the order they run.
const SLOTS_BEFORE: &[&str] = &["init", "preAuth", "auth", "postAuth", "preDataLoad"];
/// The function slots after the data request.
const SLOTS_AFTER: &[&str] = &["postDataLoad", "finishing"];

/// The `build/` folder that `dir` is, holds, or is the `resolvers/` of.
fn build_dir(dir: &Path) -> Option<PathBuf> {
    let is_build = |d: &Path| {
        d.join("stacks").is_dir()
            || d.join("cloudformation-template.json").is_file() && d.join("resolvers").is_dir()
    };
    if is_build(dir) {
        return Some(dir.to_path_buf());
    }
    if is_build(&dir.join("build")) {
        return Some(dir.join("build"));
    }
    let apis = dir.join("amplify").join("backend").join("api");
    if apis.is_dir() {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&apis)
            .ok()?
            .flatten()
            .map(|e| e.path().join("build"))
            .filter(|b| is_build(b))
            .collect();
        names.sort();
        return names.into_iter().next();
    }
    if dir.file_name().is_some_and(|n| n == "resolvers") {
        let parent = dir.parent()?;
        if is_build(parent) {
            return Some(parent.to_path_buf());
        }
    }
    None
}

/// An Amplify Gen 1 project in `dir`, or `None`.
pub fn read(dir: &Path) -> Result<Option<Project>, ProjectError> {
    if let Some(build) = build_dir(dir) {
        return read_build(dir, &build).map(Some);
    }
    read_resolvers_folder(dir)
}

fn read_build(root: &Path, build: &Path) -> Result<Project, ProjectError> {
    let files = Files {
        bases: vec![build.to_path_buf()],
        assets: Vec::new(),
    };
    let mut reader = Reader::new(ProjectKind::AmplifyGen1, root, files);
    let top = build.join("cloudformation-template.json");
    if top.is_file() {
        reader.read_stack(&top, &Map::new(), 0)?;
    } else {
        // Stacks without their root: parameters the root would pass stay unknown.
        for stack in sorted_files(&build.join("stacks"))? {
            if stack.extension().is_some_and(|e| e == "json") {
                reader.read_stack(&stack, &Map::new(), 1)?;
            }
        }
    }
    let schema = build.join("schema.graphql");
    if schema.is_file() {
        reader.project.schema = Some(TemplateRef::File(schema));
    }
    Ok(reader.project.finish())
}

/// What a file name says: `(Type, field, rest)` for `Type.field.rest`.
fn split_name(name: &str) -> Option<(&str, &str, &str)> {
    let (ty, rest) = name.split_once('.')?;
    let (field, rest) = rest.split_once('.')?;
    let ident = |s: &str| {
        s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    (ident(ty) && ident(field) && ty != "function").then_some((ty, field, rest))
}

/// A function's name and its request and response files.
type Slot = (String, Option<PathBuf>, Option<PathBuf>);

/// Templates of one field, by their place in the pipeline.
#[derive(Default)]
struct Field {
    before: Option<PathBuf>,
    after: Option<PathBuf>,
    /// `(order, request, response)` keyed by function name.
    functions: BTreeMap<(usize, u32), Slot>,
}

/// Where `slot.n` runs among the functions: before the data request (0..),
/// the data request, or after it.
fn slot_rank(slot: &str) -> Option<usize> {
    if let Some(i) = SLOTS_BEFORE.iter().position(|s| *s == slot) {
        return Some(i);
    }
    SLOTS_AFTER
        .iter()
        .position(|s| *s == slot)
        .map(|i| SLOTS_BEFORE.len() + 1 + i)
}

/// A folder of `Type.field.*.vtl` files, read by their names; `None` when
/// it holds none.
pub fn read_resolvers_folder(dir: &Path) -> Result<Option<Project>, ProjectError> {
    let mut fields: BTreeMap<(String, String), Field> = BTreeMap::new();
    for path in sorted_files(dir)? {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some((ty, field, rest)) = split_name(name) else {
            continue;
        };
        let key = (ty.to_string(), field.to_string());
        let data = SLOTS_BEFORE.len();
        match rest {
            "before.req.vtl" => fields.entry(key.clone()).or_default().before = Some(path),
            "after.res.vtl" => fields.entry(key.clone()).or_default().after = Some(path),
            "req.vtl" | "res.vtl" => {
                let f = fields
                    .entry(key.clone())
                    .or_default()
                    .functions
                    .entry((data, 0))
                    .or_insert_with(|| (format!("{ty}.{field}"), None, None));
                if rest == "req.vtl" {
                    f.1 = Some(path)
                } else {
                    f.2 = Some(path)
                }
            }
            _ => {
                let mut parts = rest.split('.');
                let (Some(slot), Some(n), Some(dir_part), Some("vtl"), None) = (
                    parts.next(),
                    parts.next(),
                    parts.next(),
                    parts.next(),
                    parts.next(),
                ) else {
                    continue;
                };
                let (Some(rank), Ok(n)) = (slot_rank(slot), n.parse::<u32>()) else {
                    continue;
                };
                let f = fields
                    .entry(key.clone())
                    .or_default()
                    .functions
                    .entry((rank, n))
                    .or_insert_with(|| (format!("{ty}.{field}.{slot}.{n}"), None, None));
                match dir_part {
                    "req" => f.1 = Some(path),
                    "res" => f.2 = Some(path),
                    _ => {}
                }
            }
        }
    }
    if fields.is_empty() {
        return Ok(None);
    }
    let mut project = Project::new(ProjectKind::AmplifyGen1Resolvers, dir);
    for ((ty, field), f) in fields {
        let first = f.before.as_deref().or_else(|| {
            f.functions
                .values()
                .find_map(|(_, req, res)| req.as_deref().or(res.as_deref()))
        });
        let at = Location::new(first.unwrap_or(dir), None);
        let functions = f
            .functions
            .into_values()
            .map(|(name, req, res)| Function {
                at: Location::new(req.as_deref().or(res.as_deref()).unwrap_or(dir), None),
                name,
                data_source: None,
                runtime: Runtime::Vtl,
                request: req.map(TemplateRef::File),
                response: res.map(TemplateRef::File),
                code: None,
            })
            .collect();
        project.resolvers.push(Resolver {
            type_name: ty,
            field_name: field,
            kind: ResolverKind::Pipeline,
            runtime: Runtime::Vtl,
            data_source: None,
            request: f.before.map(TemplateRef::File),
            response: f.after.map(TemplateRef::File),
            code: None,
            functions,
            at,
        });
    }
    let schema = dir.join("schema.graphql");
    if schema.is_file() {
        project.schema = Some(TemplateRef::File(schema));
    }
    Ok(Some(project.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_give_the_pipeline_order() {
        let dir = tempfile::tempdir().unwrap();
        for f in [
            "Mutation.createPost.auth.1.req.vtl",
            "Mutation.createPost.before.req.vtl",
            "Mutation.createPost.init.1.req.vtl",
            "Mutation.createPost.postAuth.1.req.vtl",
            "Mutation.createPost.req.vtl",
            "Mutation.createPost.res.vtl",
            "Mutation.createPost.postDataLoad.1.req.vtl",
            "Mutation.createPost.auth.2.req.vtl",
            "function.QuerygetPostauth0Function.after.res.vtl",
            "notes.txt",
        ] {
            std::fs::write(dir.path().join(f), "{}").unwrap();
        }
        let p = read_resolvers_folder(dir.path()).unwrap().unwrap();
        assert_eq!(p.resolvers.len(), 1);
        let r = &p.resolvers[0];
        let names: Vec<&str> = r.functions.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Mutation.createPost.init.1",
                "Mutation.createPost.auth.1",
                "Mutation.createPost.auth.2",
                "Mutation.createPost.postAuth.1",
                "Mutation.createPost",
                "Mutation.createPost.postDataLoad.1"
            ]
        );
        assert!(r.request.is_some());
    }

    #[test]
    fn a_folder_without_templates_is_not_a_project() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("readme.md"), "hi").unwrap();
        assert!(read(dir.path()).unwrap().is_none());
    }
}
