//! An offline, exact and fast interpreter for AWS AppSync VTL resolver mapping
//! templates: Apache Velocity 1.7 semantics with AppSync's `$util` and `$ctx`.
//!
//! The pipeline: `grammar/vtl.pest` → [`parse`] (a spanned syntax tree) →
//! `eval` (a tree walker over [`Value`]) → [`util`] (one file per `$util`
//! namespace) → `harness` (test cases) → the `vtl` command line.
//!
//! ```
//! use appsync_vtl::{Engine, RequestContext};
//! let engine = Engine::new();
//! let template = engine
//!     .parse("auth.vtl", r#"#if($util.authType() == "API Key Authorization")$util.unauthorized()#end{}"#)
//!     .unwrap();
//! let outcome = engine.render(&template, &RequestContext::new().with_field("Mutation", "createPost")).unwrap();
//! assert_eq!(
//!     outcome.raised.unwrap().message,
//!     "Not Authorized to access createPost on type Mutation"
//! );
//! ```

#![deny(missing_docs)]

pub mod api;
pub mod context;
pub mod engine;
pub mod error;
pub mod eval;
pub mod explain;
pub mod harness;
pub mod identity;
pub mod input;
mod java;
pub mod lint;
pub mod outcome;
pub mod parse;
pub mod pipeline;
pub mod project;
pub mod replay;
pub mod report;
pub mod request;
pub mod source;
pub mod util;
pub mod value;

pub use context::{RequestContext, SharedContext};
pub use engine::Engine;
pub use error::{Error, ErrorKind};
pub use eval::{Event, Limits};
pub use outcome::{AppSyncError, AuthType, Outcome};
pub use parse::Template;
pub use request::{RenderOptions, Request, RequestError};
pub use source::{Source, Span};
pub use value::Value;

/// The README's Rust examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
