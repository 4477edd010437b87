//! Reading templates, contexts and the other files a user names, with one
//! clear message per bad input (every front-end reports these as bad input,
//! not as a template failure).

use std::path::Path;

use crate::context::{ContextError, RequestContext};

/// An input that could not be used (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file does not exist.
    #[error("{path}: no such file")]
    Missing {
        /// The path as given.
        path: String,
    },
    /// The path names a folder.
    #[error("{path}: is a directory, not a file")]
    Directory {
        /// The path as given.
        path: String,
    },
    /// The file could not be read.
    #[error("{path}: cannot read: {reason}")]
    Unreadable {
        /// The path as given.
        path: String,
        /// The operating system's reason.
        reason: String,
    },
    /// The file is not UTF-8 text.
    #[error("{path}: is not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 {
        /// The path as given.
        path: String,
        /// Where the first invalid byte is.
        offset: usize,
    },
    /// A context that is not JSON.
    #[error("{path}:{line}:{column}: invalid JSON: {message}")]
    Json {
        /// The path as given.
        path: String,
        /// 1-based line of the mistake.
        line: usize,
        /// 1-based column of the mistake.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// JSON that is not a context (`arguments` that is not an object, …).
    #[error("{path}: {message}")]
    Context {
        /// The path as given.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// An empty context file.
    #[error("{path}: is empty; expected a JSON object such as {{\"arguments\": {{}}}}")]
    EmptyContext {
        /// The path as given.
        path: String,
    },
}

/// Reads a text file (`-` is standard input).
pub fn read_text(path: &str) -> Result<String, InputError> {
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
pub fn read_context(path: &str) -> Result<RequestContext, InputError> {
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
