//! `vtl request`: one GraphQL request run end to end against a project, as
//! AppSync runs it (the library's [`appsync_vtl::execute`]).

use std::path::PathBuf;

use clap::Args;
use serde_json::{json, Value as Json};

use super::args::{parse_auth_type, read_jwt, text_or_file, ApiArgs, Clock};
use super::{color_stdout, Format, EXIT_FAILED, EXIT_OK, EXIT_USAGE};
use appsync_vtl::execute::{execute, show, Api, Call, Execution};
use appsync_vtl::identity::Caller as Preset;
use appsync_vtl::input::{read_text, show_path, Cap};
use appsync_vtl::outcome::AuthType;
use appsync_vtl::pipeline::mocks::Mocks;
use appsync_vtl::pipeline::StepEnd;
use appsync_vtl::project;
use appsync_vtl::replay::authz::Caller;
use appsync_vtl::replay::graphql::{self, Operation};
use appsync_vtl::replay::har;
use appsync_vtl::report::Palette;
use appsync_vtl::Engine;

/// Arguments of `vtl request`.
#[derive(Args, Debug)]
#[command(after_help = "Examples:\n  \
    vtl request templates/projects/cdk --operation 'query { getPost(id: \"1\") { id title } }' \\\n    \
      --caller iam-auth --mocks templates/projects/cdk/mocks.json\n  \
    vtl request amplify/backend/api/blog/build --operation 'mutation { createPost(input: {title: \"Hi\"}) { id owner } }' \\\n    \
      --jwt token.txt --mocks mocks.json --format json\n  \
    vtl request amplify/backend/api/blog/build --har capture.har --entry 3 --mocks mocks.json\n\n\
    The request runs as AppSync runs it: the auth-mode check (the schema's @aws_* directives \
    against the caller: a rejected request gets HTTP 401 and no resolver runs, a denied field \
    is null with an Unauthorized error); then each root field's resolver (before template, each \
    function's request template, its data source, its response template, the after template, \
    sharing stash and prev); then every selected field below with a resolver of its own, with \
    $ctx.source set to its parent object. The response has AppSync's shape (data with the \
    selected fields, errors with paths). When a template raises, the explain answer for it \
    follows.\n\n\
    Mocks (--mocks FILE) give each data source's answers: {\"PostTable\": [{\"when\": \
    {\"operation\": \"GetItem\", \"key.id.S\": \"1\"}, \"result\": {...}}, {\"result\": {...}}, \
    {\"error\": {\"message\": \"...\", \"type\": \"...\"}}]}. Entries with `when` answer every \
    request that matches (paths into the rendered request); the others are served in order, \
    each once; a data source given one entry (not a list) answers everything. NONE data sources \
    echo their request's payload and need no mock.\n\n\
    Exit codes: 0 the response has no errors, 1 it has errors (Unauthorized, a raised error, a \
    template error), 2 bad usage or unreadable input, a data source request no mock answers, or \
    a resolver that cannot run here (APPSYNC_JS, a template file missing).")]
pub(crate) struct RequestArgs {
    /// The project (Amplify Gen 1, CDK's cdk.out, SAM or CloudFormation,
    /// serverless.yml); see `vtl resolvers DIR`.
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// The operation (text or a file).
    #[arg(long, value_name = "GRAPHQL|FILE", required_unless_present = "har")]
    operation: Option<String>,
    /// A browser capture holding the request: its operation, variables,
    /// credentials and headers are replayed, and its response shown beside ours.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["operation", "variables", "jwt", "caller", "auth_type"])]
    har: Option<PathBuf>,
    /// Which `log.entries[N]` of the capture.
    #[arg(long, value_name = "N", requires = "har")]
    entry: Option<usize>,
    /// Which operation of the document to run, when it has several.
    #[arg(long, value_name = "NAME")]
    operation_name: Option<String>,
    /// The operation's variables (JSON text or a file).
    #[arg(long, value_name = "JSON|FILE")]
    variables: Option<String>,
    /// How the request authenticates (default: from --jwt or --caller).
    #[arg(long, value_name = "MODE", value_parser = parse_auth_type)]
    auth_type: Option<AuthType>,
    /// The caller's token (text or a file), for user pools or OIDC.
    #[arg(long, value_name = "TOKEN|FILE", conflicts_with = "caller")]
    jwt: Option<String>,
    /// A built-in caller: api-key, cognito-user, cognito-other, cognito-admin,
    /// cognito-nogroup, iam-auth, iam-unauth, oidc, lambda.
    #[arg(long, value_name = "PRESET")]
    caller: Option<String>,
    /// What each data source answers (see below).
    #[arg(long, value_name = "FILE")]
    mocks: Option<PathBuf>,
    #[command(flatten)]
    api: ApiArgs,
    /// A variable to explain in a template that raises (repeatable).
    #[arg(short, long, value_name = "NAME")]
    watch: Vec<String>,
    /// Seed for autoId/autoUlid/math.random* (reproducible ids).
    #[arg(long, value_name = "N", default_value_t = 0)]
    seed: u64,
    #[command(flatten)]
    clock: Clock,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// The request of `--operation`, `--variables` and the caller.
fn from_operation(
    args: &RequestArgs,
    operation: &str,
    now_ms: i64,
) -> Result<(Operation, Call, Vec<String>), String> {
    let variables: Json = match &args.variables {
        Some(v) => serde_json::from_str(&text_or_file(v)?)
            .map_err(|e| format!("--variables: invalid JSON: {e}"))?,
        None => json!({}),
    };
    let op = graphql::parse(
        &text_or_file(operation)?,
        args.operation_name.as_deref(),
        &variables,
    )
    .map_err(|e| format!("--operation: {e}"))?;
    Ok((op, call(args, now_ms)?, Vec::new()))
}

/// The caller from --jwt, --caller and --auth-type.
fn call(args: &RequestArgs, now_ms: i64) -> Result<Call, String> {
    if let Some(t) = &args.jwt {
        let (jwt, label) = read_jwt(t)?;
        let mode = args.auth_type.unwrap_or_else(|| jwt.auth_type());
        return Ok(Call {
            caller: Caller {
                mode: Some(mode),
                credentials: format!("--jwt {label}"),
                groups: jwt.groups(),
                problems: jwt.problems(now_ms.div_euclid(1000)),
            },
            identity: jwt.identity(mode),
            request: json!({"headers": {}, "domainName": null}),
        });
    }
    let preset = match (&args.caller, args.auth_type) {
        (Some(name), _) => Preset::preset(name).ok_or_else(|| {
            let names: Vec<String> = Preset::all().into_iter().map(|p| p.name).collect();
            format!(
                "--caller {name}: no such preset (there are: {})",
                names.join(", ")
            )
        })?,
        (None, Some(mode)) => Preset::for_mode(mode)
            .ok_or_else(|| format!("no preset identity for {}", mode.api_name()))?,
        (None, None) => {
            return Err("say who calls: --caller PRESET, --jwt TOKEN or --auth-type MODE".into())
        }
    };
    let mut call = Call::preset(&preset);
    if let Some(mode) = args.auth_type {
        call.caller.mode = Some(mode);
    }
    Ok(call)
}

/// The request of a capture: its operation, its caller and the errors its
/// response held.
fn from_har(
    args: &RequestArgs,
    path: &std::path::Path,
    now_ms: i64,
) -> Result<(Operation, Call, Vec<String>), String> {
    let text = read_text(path, Cap::CAPTURE).map_err(|e| e.to_string())?;
    let shown = show_path(path);
    let capture = har::read_capture(&text).map_err(|e| format!("{shown}: {e}"))?;
    let req = har::pick(&capture, args.entry).map_err(|e| format!("{shown}: {e}"))?;
    let op = req
        .operation()
        .map_err(|e| format!("{shown}: entry {}: {e}", req.entry))?;
    let call = Call {
        caller: req.caller(now_ms.div_euclid(1000)),
        identity: req.identity(),
        request: req.request_json(),
    };
    Ok((op, call, req.response_errors()))
}

fn text(ex: &Execution, summary: &str, call: &Call, p: Palette) -> String {
    let mut out = format!(
        "{}request:{} {summary}\n{}caller:{} {} ({})\n",
        p.bold,
        p.reset,
        p.bold,
        p.reset,
        call.caller.mode.map_or("none", AuthType::api_name),
        call.caller.credentials
    );
    if !ex.verdict.rejected.is_empty() {
        for r in &ex.verdict.rejected {
            out.push_str(&format!("{}401{} {r}\n", p.red, p.reset));
        }
    }
    for f in ex.verdict.denied() {
        out.push_str(&format!(
            "{}denied{} {} by AppSync's auth check: {}\n",
            p.red, p.reset, f.path, f.reason
        ));
    }
    for r in &ex.resolvers {
        let (c, label) = if r.ok() {
            (p.green, "ok")
        } else if r.run.unanswered.is_some() {
            (p.red, "no mock")
        } else if r.run.engine_error.is_some() {
            (p.red, "engine error")
        } else {
            (p.red, "raised")
        };
        let steps: Vec<String> = r
            .run
            .steps
            .iter()
            .filter(|s| !s.name.ends_with(".dataSource") || s.ended != StepEnd::Done)
            .map(|s| s.name.clone())
            .collect();
        out.push_str(&format!(
            "{c}{label:>6}{} {} ({}): {}\n",
            p.reset,
            show(&r.path),
            r.resolver,
            steps.join(" → ")
        ));
    }
    out.push('\n');
    out.push_str(&serde_json::to_string_pretty(&ex.response).unwrap_or_default());
    out.push('\n');
    if let Some(r) = ex.failed() {
        if let Some(why) = &r.explanation {
            out.push_str(&format!(
                "\n{}why {} raised{} ({})\n",
                p.bold,
                show(&r.path),
                p.reset,
                r.resolver
            ));
            out.push_str(&why.to_text(!p.reset.is_empty()));
        } else if let Some(e) = &r.run.engine_error {
            out.push('\n');
            out.push_str(&e.report(!p.reset.is_empty()));
        }
    }
    out
}

pub(crate) fn run(args: RequestArgs) -> i32 {
    let fail = |e: String| {
        errln!("error: {e}");
        EXIT_USAGE
    };
    let now_ms = match args.clock.millis() {
        Ok(n) => n,
        Err(e) => return fail(e),
    };
    let project = match project::read(&args.dir) {
        Ok(p) => p,
        Err(e) => return fail(e.to_string()),
    };
    let schema = match args.api.schema(Some(&project)) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let api = match args.api.auth(Some(&project)) {
        Ok(auth) => Api {
            project: &project,
            schema: &schema,
            auth,
        },
        Err(e) => return fail(e),
    };
    let request = match (&args.har, &args.operation) {
        (Some(path), _) => from_har(&args, path, now_ms),
        (None, Some(operation)) => from_operation(&args, operation, now_ms),
        (None, None) => Err("give --operation GRAPHQL or --har FILE".into()),
    };
    let (op, call, captured) = match request {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let mut mocks = match &args.mocks {
        Some(path) => match read_text(path, Cap::CONTEXT)
            .map_err(|e| e.to_string())
            .and_then(|t| Mocks::parse(&t).map_err(|e| format!("{}: {e}", show_path(path))))
        {
            Ok(m) => m,
            Err(e) => return fail(e),
        },
        None => Mocks::default(),
    };
    let engine = Engine::new().with_now_millis(now_ms).with_seed(args.seed);
    let ex = execute(&engine, &api, &op, &call, &mut mocks, &args.watch);
    match args.format {
        Format::Json => {
            let out = json!({
                "request": op.summary(),
                "mode": ex.verdict.mode,
                "authCheck": {
                    "rejected": ex.verdict.rejected,
                    "fields": ex.verdict.fields,
                },
                "resolvers": ex.resolvers.iter().map(|r| r.summary()).collect::<Vec<_>>(),
                "problems": ex.problems,
                "response": ex.response,
                "capturedErrors": captured,
            });
            outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
        Format::Text => {
            let p = Palette::new(color_stdout());
            out!("{}", text(&ex, &op.summary(), &call, p));
            for e in &captured {
                outln!("{}captured response:{} {e}", p.bold, p.reset);
            }
        }
    }
    if let Some((r, why)) = ex.unanswered() {
        errln!("error: {}: {why}", show(&r.path));
        return EXIT_USAGE;
    }
    if !ex.problems.is_empty() {
        for problem in &ex.problems {
            errln!("error: {problem}");
        }
        return EXIT_USAGE;
    }
    if ex.errors().is_empty() {
        EXIT_OK
    } else {
        EXIT_FAILED
    }
}
