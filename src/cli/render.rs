//! `vtl render`: EvaluateMappingTemplate, locally.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, ValueEnum};

use super::args::{parse_auth_type, parse_field, read_token};
use super::{color_stderr, EXIT_FAILED, EXIT_OK, EXIT_USAGE};
use appsync_vtl::api::evaluate_response;
use appsync_vtl::outcome::AuthType;
use appsync_vtl::{Error, Limits, RenderOptions, Request, RequestError};

/// Options shared by the commands that evaluate templates.
#[derive(Args, Debug, Clone)]
pub(crate) struct EvalOptions {
    /// The context JSON (EvaluateMappingTemplate's shape: arguments, identity, source, stash, …);
    /// `-` reads it from standard input.
    #[arg(short, long, value_name = "CONTEXT.json")]
    pub(crate) context: Option<PathBuf>,
    /// The field being resolved, `Type.field` (e.g. `Mutation.createPost`): sets
    /// `$ctx.info.parentTypeName` and `fieldName` without editing the context.
    #[arg(long, value_name = "TYPE.FIELD", value_parser = parse_field)]
    pub(crate) field: Option<(String, String)>,
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
    /// Units of work one render may do (loop passes, and list and map entries
    /// visited by printing, copying, comparing and converting values).
    #[arg(long, value_name = "N", default_value_t = Limits::default().work)]
    max_work: u64,
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
            work: self.max_work,
        })
    }
}

impl EvalOptions {
    /// The library's options these flags describe (a `--jwt FILE` read).
    pub(crate) fn render_options(&self) -> Result<RenderOptions, String> {
        let jwt = match &self.jwt {
            Some(arg) => Some(read_token(arg)?.0),
            None => None,
        };
        Ok(RenderOptions {
            auth_type: self.auth_type,
            now: self.now.clone(),
            seed: self.seed,
            caller: self.caller.clone(),
            jwt,
            field: self.field.clone(),
            limits: self.limits.limits()?,
        })
    }

    /// Reads the template and the context; prints the warnings, or the problem
    /// and returns the exit code when they cannot be used.
    pub(crate) fn request(&self, template: &Path) -> Result<Request, i32> {
        self.prepare(template).map_err(|refused| match refused {
            Refused::Exit(code) => code,
            Refused::TooLarge(e) => {
                print_parse_errors(std::slice::from_ref(&e));
                EXIT_FAILED
            }
        })
    }

    /// [`EvalOptions::request`], giving back a template over the size limit
    /// (read only up to it) as its error.
    fn prepare(&self, template: &Path) -> Result<Request, Refused> {
        let fail = |e: String| {
            errln!("error: {e}");
            Refused::Exit(EXIT_USAGE)
        };
        let options = self.render_options().map_err(fail)?;
        let request =
            Request::load(template, self.context.as_deref(), &options).map_err(|e| match e {
                RequestError::TemplateTooLarge(e) => Refused::TooLarge(*e),
                other => fail(other.to_string()),
            })?;
        for w in &request.warnings {
            errln!("warning: {w}");
        }
        Ok(request)
    }
}

/// Why a request was not prepared.
enum Refused {
    /// Said on stderr; the exit code.
    Exit(i32),
    /// The template is longer than the limit: a template failure.
    TooLarge(Error),
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
    template: PathBuf,
    #[command(flatten)]
    options: EvalOptions,
    /// What to print.
    #[arg(long, value_enum, default_value_t = Output::Json)]
    output: Output,
}

/// Prints every parse error as a report on stderr.
pub(crate) fn print_parse_errors(errors: &[Error]) {
    for e in errors {
        err!("{}", e.report(color_stderr()));
    }
    if errors.len() > 1 {
        errln!("{} errors", errors.len());
    }
}

pub(crate) fn run(args: RenderArgs) -> i32 {
    let prepared = match args.options.prepare(&args.template) {
        Ok(p) => p,
        Err(Refused::Exit(code)) => return code,
        Err(Refused::TooLarge(e)) => return parse_failed(&[e], args.output),
    };
    let code = render_prepared(&prepared, &args);
    // The process ends after this command: the OS takes back the context at
    // once, where dropping it frees every value one by one.
    std::mem::forget(prepared);
    code
}

/// Reports a template that could not be parsed (on stdout too, shaped as
/// EvaluateMappingTemplate's answer, for `--output json`).
fn parse_failed(errors: &[Error], output: Output) -> i32 {
    print_parse_errors(errors);
    if let (Some(first), Output::Json) = (errors.first(), output) {
        outln!(
            "{}",
            serde_json::to_string_pretty(&evaluate_response(&Err(first.clone())))
                .unwrap_or_default()
        );
    }
    EXIT_FAILED
}

fn render_prepared(prepared: &Request, args: &RenderArgs) -> i32 {
    let Request {
        engine,
        name,
        text,
        context: ctx,
        ..
    } = prepared;
    let template = match engine.parse_all(name, text) {
        Ok(t) => t,
        Err(errors) => return parse_failed(&errors, args.output),
    };
    let shared = ctx.share();
    let result = engine.render_shared(&template, &shared);
    std::mem::forget((template, shared));
    if args.output == Output::Json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&evaluate_response(&result)).unwrap_or_default()
        );
    }
    match result {
        Ok(outcome) => {
            match args.output {
                Output::Json => {}
                Output::Text => match (&outcome.raised, outcome.evaluation_result()) {
                    (Some(e), _) => {
                        errln!(
                            "error: {} ({})",
                            e.message,
                            e.error_type.as_deref().unwrap_or("no errorType")
                        );
                    }
                    (None, Some(text)) => match super::pretty::reindent(&text) {
                        Some(pretty) => outln!("{pretty}"),
                        None => out!("{text}"),
                    },
                    (None, None) => {}
                },
            }
            EXIT_OK
        }
        Err(e) => {
            err!("{}", e.report(color_stderr()));
            EXIT_FAILED
        }
    }
}
