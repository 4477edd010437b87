//! Resolvers read as a project deploys them. Today: the request templates of
//! one field in Amplify Gen 1's `build/resolvers` folder
//! (`Mutation.createPost.auth.1.req.vtl`, …), in the order its pipeline runs them.

use std::path::{Path, PathBuf};

use crate::engine::Engine;
use crate::input::InputError;
use crate::pipeline::{DataSource, Function, Pipeline, TemplateFile};

/// The slots of an Amplify pipeline, in the order they run; the data request
/// (`Type.field.req.vtl`) comes after them.
const AMPLIFY_SLOTS: &[&str] = &[
    "before",
    "init",
    "preAuth",
    "auth",
    "postAuth",
    "preDataLoad",
];

/// Amplify's pipeline order of a request template's file name after
/// `Type.field.`: `(slot rank, index)`.
fn request_order(rest: &str) -> Option<(usize, u32)> {
    if rest == "req.vtl" {
        return Some((AMPLIFY_SLOTS.len(), 0));
    }
    let stem = rest.strip_suffix(".req.vtl")?;
    let mut parts = stem.split('.');
    let slot = parts.next()?;
    let n = parts.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    let rank = AMPLIFY_SLOTS.iter().position(|s| *s == slot)?;
    Some((rank, n))
}

/// The request templates of `Type.field` in `dir`, in pipeline order.
pub fn amplify_request_files(
    dir: &Path,
    type_name: &str,
    field: &str,
) -> Result<Vec<PathBuf>, InputError> {
    let entries = std::fs::read_dir(dir).map_err(|e| InputError::Unreadable {
        path: crate::input::show_path(dir),
        reason: e.to_string(),
    })?;
    let prefix = format!("{type_name}.{field}.");
    let mut found: Vec<((usize, u32), PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            // A name that is not UTF-8 cannot match `Type.field.slot.N.req.vtl`.
            let name = e.file_name().into_string().ok()?;
            let order = request_order(name.strip_prefix(&prefix)?)?;
            Some((order, e.path()))
        })
        .collect();
    found.sort();
    Ok(found.into_iter().map(|(_, p)| p).collect())
}

/// The request templates of `Type.field` as a pipeline of functions named
/// after their files, each with a NONE data source and no response template:
/// what runs before the resolver reaches its data source.
pub fn amplify_request_pipeline(
    engine: &Engine,
    dir: &Path,
    type_name: &str,
    field: &str,
) -> Result<Pipeline, InputError> {
    let functions = amplify_request_files(dir, type_name, field)?
        .into_iter()
        .map(|path| {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            Ok(Function {
                request: TemplateFile::load(engine, dir, &name)?,
                name,
                response: None,
                data_source: DataSource::None,
            })
        })
        .collect::<Result<Vec<_>, InputError>>()?;
    Ok(Pipeline {
        functions,
        ..Pipeline::default()
    })
}
