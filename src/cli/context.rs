//! `vtl context from-jwt | from-har | from-log`: a replayable context from
//! what a user captured. The context JSON goes to stdout; warnings, the
//! captured response's errors and the chosen step go to stderr.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::Value as Json;

use super::args::{load_jwt, parse_auth_type, Clock};
use super::{EXIT_OK, EXIT_USAGE};
use appsync_vtl::input::{read_text, show_path, Cap};
use appsync_vtl::outcome::AuthType;
use appsync_vtl::replay::{har, log};

/// Arguments of `vtl context`.
#[derive(Args, Debug)]
pub(crate) struct ContextArgs {
    #[command(subcommand)]
    command: ContextCommand,
}

/// The subcommands are named after their input, as `vtl context from-…`.
#[derive(Subcommand, Debug)]
#[allow(clippy::enum_variant_names)]
enum ContextCommand {
    /// Decode a Cognito or OIDC token (unverified) into `identity` as AppSync builds it.
    #[command(after_help = "Examples:\n  \
        vtl context from-jwt eyJraWQiOi... > ctx.json\n  \
        vtl context from-jwt token.txt --now 2024-05-01T12:00:00Z\n\n\
        Warnings (stderr): expired or not-yet-valid token, access token instead of id token, `Bearer ` prefix.\n\
        Exit codes: 0 printed, 2 not a JWT or unreadable input.")]
    FromJwt(FromJwtArgs),
    /// Build the context of a GraphQL request captured in a browser HAR file.
    #[command(after_help = "Examples:\n  \
        vtl context from-har capture.har            # lists the GraphQL requests when there are several\n  \
        vtl context from-har capture.har --entry 3 > ctx.json\n\n\
        Exit codes: 0 printed, 2 not a HAR file, no such entry, or unreadable input.")]
    FromHar(FromHarArgs),
    /// Rebuild the context of a resolver step from AppSync CloudWatch log events.
    #[command(
        after_help = "Reads field-level logs (log level ALL or ERROR, verbose content): \
        RequestMapping/ResponseMapping, BeforeMapping/AfterMapping and \
        RequestFunctionEvaluation/ResponseFunctionEvaluation events, as JSON lines, a JSON array, \
        or `aws logs filter-log-events` output ({\"events\": [{\"message\": …}]}).\n\n\
        Examples:\n  \
        vtl context from-log events.json --field createPost\n  \
        vtl context from-log events.json --entry 2 --jwt token.txt > ctx.json\n\n\
        Exit codes: 0 printed, 2 not AppSync log events, no such step, or unreadable input."
    )]
    FromLog(FromLogArgs),
}

#[derive(Args, Debug)]
struct FromJwtArgs {
    /// The token, or a file holding it.
    #[arg(value_name = "TOKEN|FILE")]
    token: String,
    /// Build the identity for this mode (default: user pools for a Cognito issuer, else OIDC).
    #[arg(long = "as", value_name = "MODE", value_parser = parse_auth_type)]
    mode: Option<AuthType>,
    #[command(flatten)]
    clock: Clock,
}

#[derive(Args, Debug)]
struct FromHarArgs {
    /// The HAR file (browser dev tools: "Save all as HAR").
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Which `log.entries[N]` to replay (required when there are several GraphQL requests).
    #[arg(long, value_name = "N")]
    entry: Option<usize>,
    /// Which root field (by name or alias) when the operation selects several; default: the first.
    #[arg(long, value_name = "NAME")]
    field: Option<String>,
    #[command(flatten)]
    clock: Clock,
}

#[derive(Args, Debug)]
struct FromLogArgs {
    /// The log events file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Which step (as numbered in the list printed when there are several).
    #[arg(long, value_name = "N")]
    entry: Option<usize>,
    /// Only steps of this field (`createPost` or `Mutation.createPost`).
    #[arg(long, value_name = "NAME")]
    field: Option<String>,
    /// Put this token's identity into the context (logs do not always record it).
    #[arg(long, value_name = "TOKEN|FILE")]
    jwt: Option<String>,
    #[command(flatten)]
    clock: Clock,
}

fn print_json(v: &Json) {
    outln!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

fn fail(e: impl std::fmt::Display) -> i32 {
    errln!("error: {e}");
    EXIT_USAGE
}

pub(crate) fn run(args: ContextArgs) -> i32 {
    match args.command {
        ContextCommand::FromJwt(a) => from_jwt(a),
        ContextCommand::FromHar(a) => from_har(a),
        ContextCommand::FromLog(a) => from_log(a),
    }
}

fn from_jwt(args: FromJwtArgs) -> i32 {
    let jwt = match args
        .clock
        .millis()
        .and_then(|now| load_jwt(&args.token, now))
    {
        Ok(j) => j,
        Err(e) => return fail(e),
    };
    let mode = args.mode.unwrap_or_else(|| jwt.auth_type());
    print_json(&serde_json::json!({
        "arguments": {},
        "identity": jwt.identity(mode),
        "authType": mode.api_name(),
    }));
    EXIT_OK
}

fn from_har(args: FromHarArgs) -> i32 {
    let now = match args.clock.millis() {
        Ok(n) => n,
        Err(e) => return fail(e),
    };
    let file = show_path(&args.file);
    let text = match read_text(&args.file, Cap::CAPTURE) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let capture = match har::read_capture(&text) {
        Ok(r) => r,
        Err(e) => return fail(format!("{file}: {e}")),
    };
    let req = match har::pick(&capture, args.entry) {
        Ok(r) => r,
        Err(e) => return fail(format!("{file}: {e}")),
    };
    let op = match req.operation() {
        Ok(op) => op,
        Err(e) => return fail(format!("{file}: entry {}: {e}", req.entry)),
    };
    let field = match op.field(args.field.as_deref()) {
        Ok(f) => f,
        Err(e) => return fail(format!("{file}: entry {}: {e}", req.entry)),
    };
    errln!("replaying {}", req.summary());
    for e in req.response_errors() {
        errln!("  response error: {e}");
    }
    let creds = req.credentials();
    errln!(
        "  auth: {} ({})",
        creds.auth_type().map_or("none", AuthType::api_name),
        creds.describe()
    );
    match &creds {
        har::Credentials::Token(t) => {
            for p in t.problems(now.div_euclid(1000)) {
                errln!("warning: entry {}: {}", req.entry, p.message());
            }
        }
        har::Credentials::Iam(_) => errln!(
            "warning: a SigV4 signature does not say which role signed it: fill in identity.userArn, accountId, …"
        ),
        har::Credentials::Lambda(_) => errln!(
            "warning: the capture does not hold what the Lambda authorizer returned: fill in identity.resolverContext"
        ),
        har::Credentials::Missing => errln!(
            "warning: entry {}: {}: AppSync answers 401 UnauthorizedException",
            req.entry,
            creds.describe()
        ),
        har::Credentials::ApiKey => {}
    }
    if op.fields.len() > 1 && args.field.is_none() {
        let names: Vec<&str> = op.fields.iter().map(|f| f.key()).collect();
        errln!(
            "note: the operation selects {}; this is the context of `{}` (choose with --field)",
            names.join(", "),
            field.key()
        );
    }
    print_json(&req.context(&op, field));
    EXIT_OK
}

fn from_log(args: FromLogArgs) -> i32 {
    let file = show_path(&args.file);
    let text = match read_text(&args.file, Cap::LOG) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let steps = match log::read(&text) {
        Ok(s) => s,
        Err(e) => return fail(format!("{file}: {e}")),
    };
    let step = match log::pick(&steps, args.entry, args.field.as_deref()) {
        Ok(s) => s,
        Err(e) => return fail(format!("{file}: {e}")),
    };
    let mut ctx = step.replay_context();
    errln!("replaying {}", step.summary());
    errln!(
        "  template kind: {} (render the {} with --context)",
        step.kind.as_str(),
        step.what
    );
    if let Some(t) = step.transformed_template.as_deref().map(str::trim) {
        if !t.is_empty() {
            errln!("  AppSync rendered it to: {t}");
        }
    }
    match &args.jwt {
        Some(token) => {
            let jwt = match args.clock.millis().and_then(|now| load_jwt(token, now)) {
                Ok(j) => j,
                Err(e) => return fail(e),
            };
            let mode = jwt.auth_type();
            if let Some(o) = ctx.as_object_mut() {
                o.insert("identity".into(), jwt.identity(mode));
                o.insert("authType".into(), Json::String(mode.api_name().into()));
            }
        }
        None if !step.has_identity() => errln!(
            "warning: the logged context has no identity (an API key caller, or a log without it); \
             add --jwt TOKEN to replay a signed-in caller"
        ),
        None => {}
    }
    print_json(&ctx);
    EXIT_OK
}
