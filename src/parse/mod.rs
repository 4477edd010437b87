//! Parsing: `grammar/vtl.pest` → pest pairs → the spanned syntax tree in [`ast`].

pub mod ast;
mod build;
mod resolve;

use std::sync::Arc;

use crate::error::Error;
use crate::source::Source;
pub use ast::Template;

mod grammar {
    #![allow(missing_docs, unreachable_pub)]
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/vtl.pest"]
    pub struct VtlParser;
}
pub(crate) use grammar::{Rule, VtlParser};

/// Parses a template, returning the first error (in source order) on failure.
pub fn parse(source: Arc<Source>) -> Result<Template, Error> {
    parse_all(source).map_err(|mut errors| errors.swap_remove(0))
}

/// Parses a template, returning every error found on failure (never an empty list).
pub fn parse_all(source: Arc<Source>) -> Result<Template, Vec<Error>> {
    match build::build(&source) {
        Ok(mut template) => {
            // One recursion per nesting level, as in the parser: make sure of the stack.
            stacker::maybe_grow(1 << 20, 8 << 20, || resolve::resolve(&mut template));
            Ok(template)
        }
        Err(errors) if errors.is_empty() => {
            Err(vec![
                Error::syntax("the template could not be parsed").in_source(&source)
            ])
        }
        Err(errors) => Err(errors),
    }
}
