//! Reading templates and contexts, with one clear message per bad input.

use std::path::Path;

use crate::context::{ContextError, RequestContext};

/// An input that could not be used (exit code 2).
#[derive(Debug, thiserror::Error)]
pub(crate) enum InputError {
    #[error("{path}: no such file")]
    Missing { path: String },
    #[error("{path}: is a directory, not a file")]
    Directory { path: String },
    #[error("{path}: cannot read: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("{path}: is not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 { path: String, offset: usize },
    #[error("{path}:{line}:{column}: invalid JSON: {message}")]
    Json {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Context { path: String, message: String },
    #[error("{path}: is empty; expected a JSON object such as {{\"arguments\": {{}}}}")]
    EmptyContext { path: String },
}

/// Reads a text file (`-` is standard input).
pub(crate) fn read_text(path: &str) -> Result<String, InputError> {
    let bytes = if path == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf).map_err(|e| {
            InputError::Unreadable {
                path: "<stdin>".into(),
                reason: e.to_string(),
            }
        })?;
        buf
    } else {
        let p = Path::new(path);
        if p.is_dir() {
            return Err(InputError::Directory { path: path.into() });
        }
        std::fs::read(p).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => InputError::Missing { path: path.into() },
            _ => InputError::Unreadable {
                path: path.into(),
                reason: e.to_string(),
            },
        })?
    };
    String::from_utf8(bytes).map_err(|e| InputError::NotUtf8 {
        path: path.into(),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Reads a context file.
pub(crate) fn read_context(path: &str) -> Result<RequestContext, InputError> {
    let text = read_text(path)?;
    if text.trim().is_empty() {
        return Err(InputError::EmptyContext { path: path.into() });
    }
    RequestContext::from_json_str(&text).map_err(|e| match e {
        ContextError::Json {
            line,
            column,
            message,
        } => InputError::Json {
            path: path.into(),
            line,
            column,
            message,
        },
        other => InputError::Context {
            path: path.into(),
            message: other.to_string(),
        },
    })
}
