//! `vtl render`: EvaluateMappingTemplate, locally.

use std::time::Duration;

use clap::{Args, ValueEnum};
use serde_json::{json, Map, Value as Json};

use super::context::{load_jwt, now_millis};
use super::input::{read_context, read_text};
use super::{color_stderr, EXIT_FAILED, EXIT_OK, EXIT_USAGE};
use crate::context::RequestContext;
use crate::outcome::{AuthType, Outcome};
use crate::value::to_json_string;
use crate::{Engine, Error, Limits};

/// Options shared by the commands that evaluate templates.
#[derive(Args, Debug, Clone)]
pub(crate) struct EvalOptions {
    /// The context JSON (EvaluateMappingTemplate's shape: arguments, identity, source, stash, …).
    #[arg(short, long, value_name = "CONTEXT.json")]
    pub(crate) context: Option<String>,
    /// The auth mode behind `$util.authType()`; inferred from the identity when absent.
    #[arg(long, value_name = "MODE", value_parser = parse_auth_type)]
    pub(crate) auth_type: Option<AuthType>,
    /// Fix the clock (RFC 3339, e.g. 2024-01-15T10:30:45.123Z); default: the system clock.
    #[arg(long, value_name = "TIME")]
    pub(crate) now: Option<String>,
    /// Seed for autoId/autoUlid/autoKsuid/math.random* (reproducible ids).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub(crate) seed: u64,
    /// Replace the identity with a built-in caller: api-key, cognito-user, cognito-other,
    /// cognito-admin, cognito-nogroup, iam-auth, iam-unauth, oidc, lambda.
    #[arg(long, value_name = "PRESET", conflicts_with = "jwt")]
    pub(crate) caller: Option<String>,
    /// A Cognito or OIDC token (or a file holding one): sets `identity` and the
    /// auth mode as AppSync would (unverified; warns when expired, an access token, …).
    #[arg(long, value_name = "TOKEN|FILE")]
    pub(crate) jwt: Option<String>,
    #[command(flatten)]
    pub(crate) limits: LimitOptions,
}

/// Flags that raise (or lower) the engine's limits; see docs/security.md.
#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "Limits (docs/security.md)")]
pub(crate) struct LimitOptions {
    /// Longest template, in bytes (AppSync: 64 KB).
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().template_bytes)]
    max_template_bytes: usize,
    /// Passes of one #foreach before it stops (AppSync: 1000).
    #[arg(long, value_name = "N", default_value_t = Limits::default().loop_iterations)]
    max_loop_iterations: usize,
    /// Loop passes in one render, all loops together.
    #[arg(long, value_name = "N", default_value_t = Limits::default().total_iterations)]
    max_total_iterations: usize,
    /// Largest output, and largest logs (AppSync: 5 MB).
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().output_bytes)]
    max_output_bytes: usize,
    /// Longest string a template builds.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().string_bytes)]
    max_string_bytes: usize,
    /// Most elements in one list or map.
    #[arg(long, value_name = "N", default_value_t = Limits::default().collection_size)]
    max_collection_size: usize,
    /// Most elements in a range literal [a..b].
    #[arg(long, value_name = "N", default_value_t = Limits::default().range_size)]
    max_range_size: usize,
    /// Deepest nesting of macro calls and #define blocks.
    #[arg(long, value_name = "N", default_value_t = Limits::default().macro_depth)]
    max_macro_depth: usize,
    /// Wall time of one render in seconds (0: none).
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    timeout: f64,
}

impl LimitOptions {
    /// The limits these flags describe.
    pub(crate) fn limits(&self) -> Result<Limits, String> {
        let time =
            if self.timeout == 0.0 {
                None
            } else {
                Some(Duration::try_from_secs_f64(self.timeout).map_err(|_| {
                    format!("--timeout {}: expected seconds, 0 or more", self.timeout)
                })?)
            };
        Ok(Limits {
            template_bytes: self.max_template_bytes,
            loop_iterations: self.max_loop_iterations,
            total_iterations: self.max_total_iterations,
            output_bytes: self.max_output_bytes,
            macro_depth: self.max_macro_depth,
            range_size: self.max_range_size,
            string_bytes: self.max_string_bytes,
            collection_size: self.max_collection_size,
            time,
        })
    }
}

/// Parses an auth mode argument.
pub(crate) fn parse_auth_type(s: &str) -> Result<AuthType, String> {
    AuthType::parse(s).ok_or_else(|| {
        "expected API_KEY, AMAZON_COGNITO_USER_POOLS, AWS_IAM, OPENID_CONNECT or AWS_LAMBDA".into()
    })
}

impl EvalOptions {
    /// The engine these options describe.
    pub(crate) fn engine(&self) -> Result<Engine, String> {
        let mut engine = Engine::new()
            .with_seed(self.seed)
            .with_limits(self.limits.limits()?);
        engine = match &self.now {
            Some(now) => engine.with_now(now)?,
            None => engine.with_system_clock(),
        };
        if let Some(a) = self.auth_type {
            engine = engine.with_auth_type(a);
        }
        Ok(engine)
    }

    /// The context these options name (empty when none).
    pub(crate) fn context(&self) -> Result<RequestContext, String> {
        let ctx = match &self.context {
            Some(path) => {
                let ctx = read_context(path).map_err(|e| e.to_string())?;
                for key in ctx.unknown_keys() {
                    eprintln!("warning: {path}: unknown context key `{key}` (AppSync ignores it)");
                }
                ctx
            }
            None => RequestContext::new(),
        };
        if let Some(token) = &self.jwt {
            let jwt = load_jwt(token, now_millis(self.now.as_deref())?)?;
            let mode = self.auth_type.unwrap_or_else(|| jwt.auth_type());
            return Ok(ctx.with_identity(jwt.identity(mode)).with_auth_type(mode));
        }
        match &self.caller {
            None => Ok(ctx),
            Some(name) => match crate::identity::Caller::preset(name) {
                Some(caller) => Ok(caller.apply(ctx)),
                None => Err(format!(
                    "unknown caller `{name}`; the presets are: {}",
                    crate::identity::PRESETS
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            },
        }
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Output {
    /// EvaluateMappingTemplate's JSON object.
    Json,
    /// Only the rendered text (pretty-printed when it is JSON).
    Text,
}

/// Arguments of `vtl render`.
#[derive(Args, Debug)]
#[command(
    after_help = "Exit codes: 0 evaluated (also when the template raised $util.error), \
                        1 the template could not be parsed or evaluated, 2 bad usage or unreadable input."
)]
pub(crate) struct RenderArgs {
    /// The template file (`-` reads standard input).
    #[arg(value_name = "TEMPLATE")]
    template: String,
    #[command(flatten)]
    options: EvalOptions,
    /// What to print.
    #[arg(long, value_enum, default_value_t = Output::Json)]
    output: Output,
}

/// The EvaluateMappingTemplate-shaped JSON of an outcome.
pub(crate) fn api_json(outcome: &Outcome) -> Json {
    let mut o = Map::new();
    if let Some(result) = outcome.evaluation_result() {
        o.insert("evaluationResult".into(), Json::String(result));
    }
    if let Some(e) = &outcome.raised {
        let mut err = Map::new();
        err.insert("message".into(), json!(e.message));
        err.insert("type".into(), json!(e.error_type));
        if !e.data.is_null() {
            err.insert("data".into(), crate::value::to_json(&e.data));
        }
        if !e.error_info.is_null() {
            err.insert("errorInfo".into(), crate::value::to_json(&e.error_info));
        }
        o.insert("error".into(), Json::Object(err));
    }
    o.insert("logs".into(), json!(outcome.logs));
    o.insert("stash".into(), Json::String(to_json_string(&outcome.stash)));
    let errors: Vec<Json> = outcome.errors.iter().map(|e| e.to_json()).collect();
    o.insert(
        "outErrors".into(),
        Json::String(serde_json::to_string(&errors).unwrap_or_else(|_| "[]".into())),
    );
    Json::Object(o)
}

fn engine_error_json(e: &Error) -> Json {
    json!({ "error": { "message": e.to_string(), "type": e.type_name() }, "logs": [], "stash": "{}", "outErrors": "[]" })
}

/// A template file with the engine and context the options name.
pub(crate) struct Prepared {
    pub(crate) engine: Engine,
    pub(crate) name: String,
    pub(crate) text: String,
    pub(crate) ctx: RequestContext,
}

impl Prepared {
    /// Reads the template and the context; prints the problem and returns the
    /// exit code when one cannot be used.
    pub(crate) fn load(template: &str, options: &EvalOptions) -> Result<Prepared, i32> {
        let fail = |e: String| {
            eprintln!("error: {e}");
            EXIT_USAGE
        };
        let engine = options.engine().map_err(fail)?;
        let text = read_text(template).map_err(|e| fail(e.to_string()))?;
        let ctx = options.context().map_err(fail)?;
        let name = if template == "-" { "<stdin>" } else { template };
        if text.trim().is_empty() {
            eprintln!("warning: {name}: the template is empty");
        }
        Ok(Prepared {
            engine,
            name: name.to_string(),
            text,
            ctx,
        })
    }
}

/// Prints every parse error as a report on stderr.
pub(crate) fn print_parse_errors(errors: &[Error]) {
    for e in errors {
        eprint!("{}", e.report(color_stderr()));
    }
    if errors.len() > 1 {
        eprintln!("{} errors", errors.len());
    }
}

pub(crate) fn run(args: RenderArgs) -> i32 {
    let prepared = match Prepared::load(&args.template, &args.options) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let code = render_prepared(&prepared, &args);
    // The process ends after this command: the OS takes back the context at
    // once, where dropping it frees every value one by one.
    std::mem::forget(prepared);
    code
}

fn render_prepared(prepared: &Prepared, args: &RenderArgs) -> i32 {
    let Prepared {
        engine,
        name,
        text,
        ctx,
    } = prepared;
    let template = match engine.parse_all(name, text) {
        Ok(t) => t,
        Err(errors) => {
            print_parse_errors(&errors);
            if let (Some(first), Output::Json) = (errors.first(), args.output) {
                outln!(
                    "{}",
                    serde_json::to_string_pretty(&engine_error_json(first)).unwrap_or_default()
                );
            }
            return EXIT_FAILED;
        }
    };
    let shared = ctx.share();
    let result = engine.render_shared(&template, &shared);
    std::mem::forget((template, shared));
    match result {
        Ok(outcome) => {
            match args.output {
                Output::Json => outln!(
                    "{}",
                    serde_json::to_string_pretty(&api_json(&outcome)).unwrap_or_default()
                ),
                Output::Text => match (&outcome.raised, outcome.evaluation_result()) {
                    (Some(e), _) => {
                        eprintln!(
                            "error: {} ({})",
                            e.message,
                            e.error_type.as_deref().unwrap_or("no errorType")
                        );
                    }
                    (None, Some(text)) => match serde_json::from_str::<Json>(&text) {
                        Ok(v) => outln!("{}", serde_json::to_string_pretty(&v).unwrap_or(text)),
                        Err(_) => out!("{text}"),
                    },
                    (None, None) => {}
                },
            }
            EXIT_OK
        }
        Err(e) => {
            eprint!("{}", e.report(color_stderr()));
            if args.output == Output::Json {
                outln!(
                    "{}",
                    serde_json::to_string_pretty(&engine_error_json(&e)).unwrap_or_default()
                );
            }
            EXIT_FAILED
        }
    }
}
