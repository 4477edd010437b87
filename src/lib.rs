//! An offline, exact and fast interpreter for AWS AppSync VTL resolver mapping
//! templates: Apache Velocity 1.7 semantics with AppSync's `$util` and `$ctx`.
//!
//! One library under three front-ends (the `vtl` command line, the Node
//! binding, the language server): the library owns behaviour, a front-end
//! only converts and follows its own conventions. [`Engine`] is the entry
//! point: it parses, renders ([`Engine::render`], [`Engine::trace`]), explains
//! ([`Engine::explain`]), checks ([`Engine::check`]), runs resolvers
//! ([`Engine::run_pipeline`]) and case folders ([`Engine::run_cases`]);
//! [`Request`] prepares a render from what a user gives (a context as JSON
//! text or a file, a caller preset, a token, a fixed clock) and [`api`] shapes
//! its result as EvaluateMappingTemplate returns it.
//!
//! Dependencies run one way, each layer using only those below it:
//!
//! | layer | modules |
//! | --- | --- |
//! | text and errors | [`source`], [`report`], [`error`] |
//! | values | [`value`] (Java's `List`/`Map`/scalars; the interpreter's own values only through [`value::Object`]) |
//! | the Java library | `java` (regular expressions) |
//! | requests | [`outcome`], [`context`], [`identity`], [`replay`] (tokens, HAR captures, logs, GraphQL operations and AppSync's auth-mode check) |
//! | `$util` | [`util`] (one file per namespace) |
//! | language | [`parse`] (`grammar/vtl.pest` and a fast path → a spanned tree), [`eval`] (a tree walker) |
//! | engine | [`engine`], [`input`], [`request`], [`api`] |
//! | what the engine answers | [`explain`], [`lint`], [`pipeline`], [`project`], [`execute`] (whole GraphQL requests), [`harness`] |
//! | editor support | [`ide`] (what a language server answers, in byte offsets) |
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
pub mod execute;
pub mod explain;
pub mod harness;
pub mod ide;
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
