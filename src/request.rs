//! A render request as every front-end describes it: the template, the context
//! and the options around them (clock, seed, auth mode, a caller preset or a
//! token, limits), prepared into an [`Engine`] and a [`RequestContext`].
//! Problems a user should hear about but that do not stop the render (an
//! expired token, a context key AppSync ignores) come back as warnings.
//!
//! ```
//! use appsync_vtl::{RenderOptions, Request};
//! let options = RenderOptions {
//!     now: Some("2024-05-01T12:00:00Z".into()),
//!     caller: Some("cognito-admin".into()),
//!     ..RenderOptions::default()
//! };
//! let request = Request::from_json("t.vtl", r#"$util.time.nowISO8601() $ctx.identity.username"#, "{}", &options).unwrap();
//! let outcome = request.render().unwrap();
//! assert_eq!(outcome.output, "2024-05-01T12:00:00.000Z carol");
//! assert!(request.warnings.is_empty());
//! ```

use crate::context::RequestContext;
use crate::engine::{parse_time_millis, Engine};
use crate::error::Error;
use crate::eval::Limits;
use crate::identity::{Caller, PRESETS};
use std::path::Path;

use crate::input::{is_stdin, read_context, read_template, show_path, InputError, TemplateText};
use crate::outcome::{AuthType, Outcome};
use crate::replay::jwt;

/// What a render needs besides the template and the context. The default is a
/// render as AppSync would make it now: the system clock, the auth mode
/// inferred from the identity, AppSync's limits.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// The auth mode behind `$util.authType()` (otherwise the context's
    /// `authType`, else inferred from the identity).
    pub auth_type: Option<AuthType>,
    /// A fixed clock, RFC 3339 (`2024-01-15T10:30:45.123Z`); `None`: the system clock.
    pub now: Option<String>,
    /// Seed for `autoId`, `autoUlid`, `autoKsuid` and `$util.math.random*`.
    pub seed: u64,
    /// A built-in caller whose identity replaces the context's (see [`PRESETS`]).
    pub caller: Option<String>,
    /// A Cognito or OIDC token: sets `identity` and the auth mode as AppSync
    /// would (not verified; problems such as expiry come back as warnings).
    pub jwt: Option<String>,
    /// The field being resolved, as `(parentTypeName, fieldName)`: sets
    /// `$ctx.info` without editing the context (`--field Mutation.createPost`).
    pub field: Option<(String, String)>,
    /// The engine's limits.
    pub limits: Limits,
}

/// Why a request cannot be prepared: bad input, not a template failure.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// A file could not be read, or a context is not a context.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The context text is not a context.
    #[error("the context is not valid: {0}")]
    Context(#[from] crate::context::ContextError),
    /// `now` is not an RFC 3339 time.
    #[error("{0}")]
    Clock(String),
    /// No such caller preset.
    #[error("unknown caller `{0}`; the presets are: {names}", names = preset_names())]
    UnknownCaller(String),
    /// The token is not a JWT.
    #[error("the token given: {0}")]
    Jwt(#[from] crate::replay::Malformed),
    /// Both a caller preset and a token.
    #[error("give a caller preset or a token, not both")]
    CallerAndJwt,
    /// The template file is longer than [`Limits::template_bytes`]: refused
    /// after reading only its start (a template failure, reported at the first
    /// byte past the limit, as [`Engine::parse_all`] reports it).
    #[error("{0}")]
    TemplateTooLarge(Box<Error>),
}

fn preset_names() -> String {
    PRESETS
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

impl RenderOptions {
    /// The clock in force, in milliseconds since the epoch.
    pub fn now_millis(&self) -> Result<i64, RequestError> {
        match &self.now {
            Some(t) => parse_time_millis(t).map_err(RequestError::Clock),
            None => Ok(chrono::Utc::now().timestamp_millis()),
        }
    }

    /// The engine these options describe.
    pub fn engine(&self) -> Result<Engine, RequestError> {
        let mut engine = Engine::new()
            .with_seed(self.seed)
            .with_limits(self.limits.clone());
        engine = match &self.now {
            Some(now) => engine.with_now(now).map_err(RequestError::Clock)?,
            None => engine.with_system_clock(),
        };
        if let Some(a) = self.auth_type {
            engine = engine.with_auth_type(a);
        }
        Ok(engine)
    }

    /// `ctx` with the identity these options name (a token or a caller preset),
    /// and the warnings a user should see.
    pub fn apply(
        &self,
        ctx: RequestContext,
    ) -> Result<(RequestContext, Vec<String>), RequestError> {
        let ctx = match &self.field {
            Some((parent, field)) => ctx.with_field(parent, field),
            None => ctx,
        };
        match (&self.jwt, &self.caller) {
            (Some(_), Some(_)) => Err(RequestError::CallerAndJwt),
            (Some(token), None) => {
                let jwt = jwt::decode(token)?;
                let warnings = jwt
                    .problems(self.now_millis()?.div_euclid(1000))
                    .iter()
                    .map(|p| format!("the token given: {}", p.message()))
                    .collect();
                let mode = self.auth_type.unwrap_or_else(|| jwt.auth_type());
                Ok((
                    ctx.with_identity(jwt.identity(mode)).with_auth_type(mode),
                    warnings,
                ))
            }
            (None, Some(name)) => match Caller::preset(name) {
                Some(caller) => Ok((caller.apply(ctx), Vec::new())),
                None => Err(RequestError::UnknownCaller(name.clone())),
            },
            (None, None) => Ok((ctx, Vec::new())),
        }
    }
}

/// A template with the engine and the context its options describe: what
/// `vtl render`, the Node binding and the language server evaluate.
#[derive(Debug)]
pub struct Request {
    /// The engine.
    pub engine: Engine,
    /// The template's name in reports (its path, or `<stdin>`).
    pub name: String,
    /// The template text.
    pub text: String,
    /// The context, with the identity the options name.
    pub context: RequestContext,
    /// What the user should hear about: unknown context keys, token problems,
    /// an empty template.
    pub warnings: Vec<String>,
}

impl Request {
    /// Prepares a request from a template and a context already in hand.
    pub fn new(
        name: &str,
        text: &str,
        context: RequestContext,
        options: &RenderOptions,
    ) -> Result<Request, RequestError> {
        Request::prepare(name, text, context, None, options)
    }

    /// Prepares a request from a context given as JSON text, as
    /// EvaluateMappingTemplate takes it.
    pub fn from_json(
        name: &str,
        text: &str,
        context: &str,
        options: &RenderOptions,
    ) -> Result<Request, RequestError> {
        Request::new(name, text, RequestContext::from_json_str(context)?, options)
    }

    /// Reads the template file (`-`: standard input) and the context file
    /// (none: an empty context), then prepares the request. A template longer
    /// than the limit is read only up to it
    /// ([`RequestError::TemplateTooLarge`]); a context is read up to
    /// [`crate::input::Cap::CONTEXT`].
    pub fn load(
        template: impl AsRef<Path>,
        context: Option<&Path>,
        options: &RenderOptions,
    ) -> Result<Request, RequestError> {
        let template = template.as_ref();
        let name = if is_stdin(template) {
            "<stdin>".to_string()
        } else {
            show_path(template)
        };
        let text = match read_template(template, options.limits.template_bytes)? {
            TemplateText::Whole(text) => text,
            TemplateText::TooLarge { prefix, size } => {
                let engine = options.engine()?;
                return Err(RequestError::TemplateTooLarge(Box::new(
                    engine.template_too_large(&name, &prefix, size),
                )));
            }
        };
        let ctx = match context {
            Some(path) => read_context(path)?,
            None => RequestContext::new(),
        };
        let context_name = context.map(show_path);
        Request::prepare(&name, &text, ctx, context_name.as_deref(), options)
    }

    /// [`Request::new`]; warnings about the context name `context_file` when given.
    fn prepare(
        name: &str,
        text: &str,
        context: RequestContext,
        context_file: Option<&str>,
        options: &RenderOptions,
    ) -> Result<Request, RequestError> {
        let engine = options.engine()?;
        let place = context_file.map(|f| format!("{f}: ")).unwrap_or_default();
        let mut warnings: Vec<String> = context
            .unknown_keys()
            .into_iter()
            .map(|key| format!("{place}unknown context key `{key}` (AppSync ignores it)"))
            .collect();
        let (context, more) = options.apply(context)?;
        warnings.extend(more);
        if text.trim().is_empty() {
            warnings.push(format!("{name}: the template is empty"));
        }
        Ok(Request {
            engine,
            name: name.to_string(),
            text: text.to_string(),
            context,
            warnings,
        })
    }

    /// Parses the template (every error, for reports).
    pub fn parse(&self) -> Result<crate::Template, Vec<Error>> {
        self.engine.parse_all(&self.name, &self.text)
    }

    /// Parses and renders.
    pub fn render(&self) -> Result<Outcome, Error> {
        let template = self.engine.parse(&self.name, &self.text)?;
        self.engine.render(&template, &self.context)
    }
}
