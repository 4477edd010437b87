//! Parsing: template text → the spanned syntax tree in [`ast`].
//!
//! Two paths build the same tree. `grammar/vtl.pest` is the specification:
//! pest pairs, turned into the tree by `build.rs`, which also produces every
//! diagnostic. `fast.rs` is a hand-written parser for the fast path: it handles
//! well-formed templates and gives up on anything else, and then the pest path
//! runs. `tests/parse_equivalence.rs` (every `.vtl` file in the repository and
//! generated templates) and the fuzz target `parse_differential` check that the
//! fast path, where it answers, builds exactly what the pest path builds.
//! Either way, `resolve.rs` then gives every variable its slot.

pub mod ast;
mod build;
mod fast;
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

/// Parses a template, returning every error found on failure (never an empty list):
/// the fast path first, the pest path when it gives up.
pub fn parse_all(source: Arc<Source>) -> Result<Template, Vec<Error>> {
    match fast::parse(source.text()) {
        Some((body, macros)) => Ok(finish(source, body, macros)),
        None => parse_pest(source),
    }
}

/// [`parse_all`] of `text` named `name`, the [`Source`] made after the tree. (Its
/// copy of the text is one large allocation; glibc's allocator answers the
/// tree's many small ones faster when it comes last.)
pub fn parse_text(name: &str, text: &str) -> Result<Template, Vec<Error>> {
    match fast::parse(text) {
        Some((body, macros)) => Ok(finish(Arc::new(Source::new(name, text)), body, macros)),
        None => parse_pest(Arc::new(Source::new(name, text))),
    }
}

/// The fast path alone: the tree of a well-formed template, or `None` when it
/// leaves the template to [`parse_pest`] (for comparing the two paths).
pub fn parse_fast(source: &Arc<Source>) -> Option<Template> {
    let (body, macros) = fast::parse(source.text())?;
    Some(finish(source.clone(), body, macros))
}

/// The pest path alone: the specification, with every diagnostic.
pub fn parse_pest(source: Arc<Source>) -> Result<Template, Vec<Error>> {
    match build::build(&source) {
        Ok(template) => Ok(finish(template.source, template.body, template.macros)),
        Err(errors) if errors.is_empty() => {
            Err(vec![
                Error::syntax("the template could not be parsed").in_source(&source)
            ])
        }
        Err(errors) => Err(errors),
    }
}

/// A parsed tree made into a [`Template`]: its variables resolved to slots.
fn finish(source: Arc<Source>, body: ast::Block, macros: Vec<Arc<ast::Macro>>) -> Template {
    let mut template = Template {
        source,
        body,
        macros,
        names: Arc::new([]),
        string_literals: 0,
    };
    // One recursion per nesting level, as in the parsers: make sure of the stack.
    stacker::maybe_grow(1 << 20, 8 << 20, || resolve::resolve(&mut template));
    template
}

/// How the two parse paths compare on one template.
#[derive(Debug)]
pub enum PathComparison {
    /// The fast path built exactly the tree the pest path built.
    Same,
    /// The fast path gave up; `parsed` tells whether the pest path parsed it.
    FellBack {
        /// The pest path returned a tree (not errors).
        parsed: bool,
    },
    /// The fast path built a tree the pest path does not build: a bug.
    Different {
        /// The fast path's tree.
        fast: Box<Template>,
        /// The pest path's result.
        pest: Result<Box<Template>, Vec<Error>>,
    },
}

/// Parses `source` both ways and compares (trees compared with `==` and as
/// `{:?}` text, which also tells `-0.0` from `0.0`).
pub fn compare_paths(source: &Arc<Source>) -> PathComparison {
    let pest = parse_pest(source.clone());
    match parse_fast(source) {
        None => PathComparison::FellBack {
            parsed: pest.is_ok(),
        },
        Some(fast) => match pest {
            Ok(pest) if pest == fast && format!("{pest:?}") == format!("{fast:?}") => {
                PathComparison::Same
            }
            pest => PathComparison::Different {
                fast: Box::new(fast),
                pest: pest.map(Box::new),
            },
        },
    }
}
