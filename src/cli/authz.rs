//! `vtl authz`: why a request got "Unauthorized", layer by layer: AppSync's
//! auth-mode check against the schema's directives (before any resolver), then
//! the field's request templates (`--resolvers`), explained.

use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::{json, Value as Json};

use super::args::{parse_auth_type, read_jwt, text_or_file, ApiArgs, Clock};
use super::{color_stderr, color_stdout, Format, EXIT_FAILED, EXIT_OK, EXIT_USAGE};
use appsync_vtl::explain::{explain, Explanation};
use appsync_vtl::identity::Caller as Preset;
use appsync_vtl::input::{read_text, show_path, Cap};
use appsync_vtl::outcome::AuthType;
use appsync_vtl::pipeline::{Pipeline, StepEnd};
use appsync_vtl::project::{self, Project};
use appsync_vtl::replay::authz::{check, ApiAuth, Caller, Verdict};
use appsync_vtl::replay::graphql::{self, Operation};
use appsync_vtl::replay::har;
use appsync_vtl::report::Palette;
use appsync_vtl::{Engine, RequestContext};

/// Arguments of `vtl authz`.
#[derive(Args, Debug)]
#[command(after_help = "Examples:\n  \
    vtl authz --schema build/schema.graphql --default-auth cognito --additional-auth api-key \\\n    \
      --har capture.har --entry 3 --resolvers build/resolvers\n  \
    vtl authz --schema schema.graphql --default-auth cognito --additional-auth api-key \\\n    \
      --operation 'mutation { createPost(input: {title: \"Hi\"}) { id } }' --auth api-key\n  \
    vtl authz --schema schema.graphql --default-auth iam --operation 'query { getPost(id: \"1\") { id } }' \\\n    \
      --auth iam --resolvers infra/cdk.out\n  \
    vtl authz --resolvers amplify/backend/api/blog/build --operation 'query { listPosts { items { id } } }' --auth api-key\n\n\
    Layer 1 is AppSync's own check: a request without valid credentials of a configured mode \
    (or with a `Bearer ` prefix, or an expired token) gets HTTP 401 UnauthorizedException; a \
    field whose directives do not admit the mode resolves to null with errorType Unauthorized, \
    and its resolver never runs. Layer 2 runs the field's request templates in pipeline order \
    (before, init, preAuth, auth, postAuth, then the data request) and explains the first one \
    that raises.\n\n\
    `--resolvers` takes any project `vtl resolvers` reads (Amplify Gen 1, CDK's cdk.out, SAM or \
    CloudFormation, serverless.yml) or a folder of Amplify `<Type>.<field>.*.vtl` files; \
    `vtl resolvers DIR` shows what it finds there. A project's schema and auth modes are used \
    when --schema and --default-auth are not given. `vtl request` runs the whole request \
    (response templates, data sources, nested fields).\n\n\
    Exit codes: 0 authorized at both layers, 1 Unauthorized (or a validation or template error, \
    or no request template to run for the field: none in the project, or only APPSYNC_JS), \
    2 bad usage or unreadable input (or --resolvers is not a project).")]
pub(crate) struct AuthzArgs {
    #[command(flatten)]
    api: ApiArgs,
    /// A browser capture holding the request.
    #[arg(long, value_name = "FILE", required_unless_present = "operation")]
    har: Option<PathBuf>,
    /// Which `log.entries[N]` of the capture.
    #[arg(long, value_name = "N", requires = "har")]
    entry: Option<usize>,
    /// The operation (text or a file), instead of a capture.
    #[arg(long, value_name = "GRAPHQL|FILE", conflicts_with = "har")]
    operation: Option<String>,
    /// The operation's variables (JSON).
    #[arg(long, value_name = "JSON", requires = "operation")]
    variables: Option<String>,
    /// How the operation authenticates (default: from --jwt).
    #[arg(long, value_name = "MODE", value_parser = parse_auth_type, requires = "operation")]
    auth: Option<AuthType>,
    /// The caller's token (text or a file), for user pools or OIDC.
    #[arg(long, value_name = "TOKEN|FILE", requires = "operation")]
    jwt: Option<String>,
    /// Which root field to follow into the resolvers (default: the first).
    #[arg(long, value_name = "NAME")]
    field: Option<String>,
    /// The project whose resolvers run (Amplify Gen 1, cdk.out, SAM/CloudFormation,
    /// serverless.yml), or a folder of `<Type>.<field>.*.vtl` templates (Amplify's build/resolvers).
    #[arg(long, value_name = "DIR")]
    resolvers: Option<PathBuf>,
    /// A variable to explain in the template that decides (repeatable).
    #[arg(short, long, value_name = "NAME")]
    watch: Vec<String>,
    #[command(flatten)]
    clock: Clock,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// The request to check: where it came from, the operation, the caller and
/// the context its resolvers see.
struct Request {
    origin: String,
    op: Operation,
    caller: Caller,
    response_errors: Vec<String>,
    ctx: Json,
}

fn from_har(args: &AuthzArgs, path: &Path, now_ms: i64) -> Result<Request, String> {
    let text = read_text(path, Cap::CAPTURE).map_err(|e| e.to_string())?;
    let path = show_path(path);
    let capture = har::read_capture(&text).map_err(|e| format!("{path}: {e}"))?;
    let req = har::pick(&capture, args.entry).map_err(|e| format!("{path}: {e}"))?;
    let op = req
        .operation()
        .map_err(|e| format!("{path}: entry {}: {e}", req.entry))?;
    let field = op
        .field(args.field.as_deref())
        .map_err(|e| format!("{path}: entry {}: {e}", req.entry))?;
    Ok(Request {
        origin: format!("{path}, entry {}", req.entry),
        caller: req.caller(now_ms.div_euclid(1000)),
        response_errors: req.response_errors(),
        ctx: req.context(&op, field),
        op,
    })
}

fn from_operation(args: &AuthzArgs, text: &str, now_ms: i64) -> Result<Request, String> {
    let query = text_or_file(text)?;
    let variables: Json = match &args.variables {
        Some(v) => serde_json::from_str(&text_or_file(v)?)
            .map_err(|e| format!("--variables: invalid JSON: {e}"))?,
        None => json!({}),
    };
    let op = graphql::parse(&query, None, &variables).map_err(|e| format!("--operation: {e}"))?;
    let jwt = match &args.jwt {
        Some(t) => Some(read_jwt(t)?.0),
        None => None,
    };
    let mode = match (args.auth, &jwt) {
        (Some(m), _) => m,
        (None, Some(j)) => j.auth_type(),
        (None, None) => {
            return Err(
                "say how the operation authenticates: --auth MODE (and --jwt TOKEN for user pools or OIDC)"
                    .into(),
            )
        }
    };
    let (identity, credentials) = match (&jwt, mode) {
        (_, AuthType::ApiKey) => (Json::Null, "--auth API_KEY".to_string()),
        (Some(j), _) => (j.identity(mode), "the --jwt token".to_string()),
        (None, _) => {
            let preset = Preset::for_mode(mode)
                .ok_or_else(|| format!("no preset identity for {}", mode.api_name()))?;
            let what = format!(
                "--auth {} (identity: the `{}` preset)",
                mode.api_name(),
                preset.name
            );
            (preset.identity, what)
        }
    };
    let field = op.field(args.field.as_deref())?;
    let ctx = op.context(
        field,
        identity,
        json!({"headers": {}, "domainName": null}),
        Some(mode),
    );
    Ok(Request {
        origin: "--operation".into(),
        caller: Caller {
            mode: Some(mode),
            credentials,
            groups: jwt.as_ref().map(|j| j.groups()).unwrap_or_default(),
            problems: jwt
                .as_ref()
                .map(|j| j.problems(now_ms.div_euclid(1000)))
                .unwrap_or_default(),
        },
        response_errors: Vec::new(),
        ctx,
        op,
    })
}

/// What one request template did.
enum Step {
    Rendered(String),
    Raised(String, Box<Explanation>),
    Failed(String),
}

/// Runs the request templates as a pipeline; the step that stops it is explained.
fn run_resolvers(engine: &Engine, pipeline: &Pipeline, ctx: Json, watch: &[String]) -> Vec<Step> {
    let ctx = match RequestContext::from_json(ctx) {
        Ok(c) => c,
        Err(e) => return vec![Step::Failed(e.to_string())],
    };
    let mut explained: Option<Explanation> = None;
    let run = pipeline.run_with(&ctx, &mut |_, template, shared| {
        let traced = engine.trace_shared(template, shared);
        if matches!(&traced.result, Ok(o) if o.raised.is_some()) {
            explained = Some(explain(template, &traced, watch));
        }
        traced.result
    });
    let mut steps = Vec::new();
    for step in &run.steps {
        let Some(name) = step.name.strip_suffix(".request") else {
            continue;
        };
        let name = name.to_string();
        steps.push(match step.ended {
            StepEnd::Done | StepEnd::Returned => Step::Rendered(name),
            StepEnd::Raised => match explained.take() {
                Some(why) => Step::Raised(name, Box::new(why)),
                None => Step::Failed(format!(
                    "{name}: {}",
                    run.raised.as_ref().map_or("", |e| e.message.as_str())
                )),
            },
            StepEnd::Failed => {
                let e = run.engine_error.as_ref();
                if let Some(e) = e {
                    err!("{}", e.report(color_stderr()));
                }
                Step::Failed(format!(
                    "{name}: {}",
                    e.map(|e| e.message()).unwrap_or_default()
                ))
            }
        });
    }
    steps
}

fn layer1_text(req: &Request, auth: &ApiAuth, verdict: &Verdict, p: Palette) -> String {
    let mut out = String::new();
    let additional: Vec<&str> = auth.additional.iter().map(|a| a.api_name()).collect();
    out.push_str(&format!(
        "{}request:{} {} ({})\n",
        p.bold,
        p.reset,
        req.op.summary(),
        req.origin
    ));
    for e in &req.response_errors {
        out.push_str(&format!("  captured response: {e}\n"));
    }
    out.push_str(&format!(
        "{}caller:{} {} ({})\n",
        p.bold,
        p.reset,
        verdict.mode.map_or("none", AuthType::api_name),
        req.caller.credentials
    ));
    out.push_str(&format!(
        "{}api:{} default {}, additional {}\n",
        p.bold,
        p.reset,
        auth.default.api_name(),
        if additional.is_empty() {
            "none".into()
        } else {
            additional.join(", ")
        }
    ));
    for w in req.caller.problems.iter().filter(|p| !p.rejects()) {
        out.push_str(&format!(
            "{}warning:{} {}\n",
            p.yellow,
            p.reset,
            w.message()
        ));
    }
    out.push_str(&format!(
        "\n{}layer 1: AppSync's auth check (before any resolver){}\n",
        p.bold, p.reset
    ));
    if !verdict.rejected.is_empty() {
        for r in &verdict.rejected {
            out.push_str(&format!("  {}401{} {r}\n", p.red, p.reset));
        }
        out.push_str(&format!(
            "  {}→ HTTP 401 UnauthorizedException: no resolver runs{}\n",
            p.red, p.reset
        ));
        return out;
    }
    let width = verdict
        .fields
        .iter()
        .map(|f| f.path.len())
        .max()
        .unwrap_or(0);
    for f in &verdict.fields {
        let (c, label) = if f.allowed {
            (p.green, "allowed")
        } else {
            (p.red, "DENIED ")
        };
        out.push_str(&format!(
            "  {c}{label}{} {:width$}  {}\n",
            p.reset, f.path, f.reason
        ));
    }
    let denied: Vec<_> = verdict.denied().collect();
    if denied.is_empty() {
        out.push_str(&format!(
            "  {}→ passes: the resolvers run{}\n",
            p.green, p.reset
        ));
    } else {
        for f in &denied {
            out.push_str(&format!(
                "  {}→ {}: null, with errorType Unauthorized \"Not Authorized to access {} on type {}\" \
                 (HTTP 200; AppSync's check, not a resolver){}\n",
                p.red, f.path, f.field, f.type_name, p.reset
            ));
        }
    }
    out
}

fn layer2_text(field: &str, steps: &[Step], project: Option<&Project>, p: Palette) -> String {
    let mut out = format!(
        "\n{}layer 2: the resolver of {field} (request templates, in pipeline order){}\n",
        p.bold, p.reset
    );
    if steps.is_empty() {
        let resolver = project.and_then(|pr| {
            let (t, f) = field.split_once('.')?;
            pr.resolver(t, f)
        });
        let why = match (project, resolver) {
            (_, Some(r)) if !r.runtime.evaluated() => {
                "its resolver is APPSYNC_JS, which is not evaluated"
            }
            (_, Some(_)) => "its resolver has no VTL request template",
            (Some(_), None) => "no resolver for it in --resolvers",
            (None, None) => "no request templates for it in --resolvers",
        };
        out.push_str(&format!("  {}({why}){}\n", p.red, p.reset));
    }
    for s in steps {
        match s {
            Step::Rendered(name) => {
                out.push_str(&format!("  {}rendered{} {name}\n", p.green, p.reset));
            }
            Step::Raised(name, why) => {
                out.push_str(&format!("  {}raised{}   {name}\n", p.red, p.reset));
                for line in why.to_text(!p.reset.is_empty()).lines().skip(1) {
                    if line.is_empty() {
                        out.push('\n');
                    } else {
                        out.push_str(&format!("    {line}\n"));
                    }
                }
                out.push_str(&format!(
                    "  {}→ the resolver answers: {} (HTTP 200, the field is null){}\n",
                    p.red, why.outcome.message, p.reset
                ));
            }
            Step::Failed(e) => out.push_str(&format!("  {}failed{}   {e}\n", p.red, p.reset)),
        }
    }
    if steps.iter().all(|s| matches!(s, Step::Rendered(_))) && !steps.is_empty() {
        out.push_str(&format!(
            "  {}→ every request template rendered: the resolver reaches its data source{}\n",
            p.green, p.reset
        ));
    }
    out
}

/// The request templates of `Type.field` in the project, in pipeline order
/// (none when the project has no resolver for it).
fn request_pipeline(
    engine: &Engine,
    project: &Project,
    type_name: &str,
    field: &str,
) -> Result<Pipeline, String> {
    match project.resolver(type_name, field) {
        Some(r) => r.request_pipeline(engine).map_err(|e| e.to_string()),
        None => Ok(Pipeline::default()),
    }
}

fn step_json(s: &Step) -> Json {
    match s {
        Step::Rendered(name) => json!({"template": name, "outcome": "rendered"}),
        Step::Raised(name, why) => {
            json!({"template": name, "outcome": "raised", "explanation": why})
        }
        Step::Failed(e) => json!({"outcome": "failed", "error": e}),
    }
}

pub(crate) fn run(args: AuthzArgs) -> i32 {
    let fail = |e: String| {
        errln!("error: {e}");
        EXIT_USAGE
    };
    let now_ms = match args.clock.millis() {
        Ok(n) => n,
        Err(e) => return fail(e),
    };
    let project = match &args.resolvers {
        Some(dir) => match project::read(dir) {
            Ok(p) => Some(p),
            Err(e) => return fail(e.to_string()),
        },
        None => None,
    };
    let schema = match args.api.schema(project.as_ref()) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let auth = match args.api.auth(project.as_ref()) {
        Ok(a) => a,
        Err(e) => return fail(e),
    };
    let request = match (&args.har, &args.operation) {
        (Some(path), _) => from_har(&args, path, now_ms),
        (None, Some(op)) => from_operation(&args, op, now_ms),
        (None, None) => Err("give --har FILE or --operation GRAPHQL".into()),
    };
    let req = match request {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let verdict = match check(&schema, &auth, &req.caller, &req.op) {
        Ok(v) => v,
        Err(e) => {
            errln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    let field = match req.op.field(args.field.as_deref()) {
        Ok(f) => f,
        Err(e) => return fail(e),
    };
    let parent = req.op.kind.type_name();
    let root_allowed = verdict.rejected.is_empty()
        && verdict
            .fields
            .iter()
            .any(|f| f.path == field.key() && f.allowed);
    let steps = match (&project, root_allowed) {
        (Some(project), true) => {
            let engine = Engine::new().with_now_millis(now_ms);
            let pipeline = match request_pipeline(&engine, project, parent, &field.name) {
                Ok(p) => p,
                Err(e) => return fail(e),
            };
            Some(run_resolvers(
                &engine,
                &pipeline,
                req.ctx.clone(),
                &args.watch,
            ))
        }
        _ => None,
    };
    // Templates were asked for and none ran: not a pass.
    let nothing_ran = steps.as_ref().is_some_and(Vec::is_empty);
    let resolver_denied = steps
        .as_ref()
        .is_some_and(|s| s.iter().any(|s| !matches!(s, Step::Rendered(_))));
    match args.format {
        Format::Json => {
            let out = json!({
                "request": req.op.summary(),
                "origin": req.origin,
                "mode": verdict.mode,
                "capturedErrors": req.response_errors,
                "layer1": {
                    "rejected": verdict.rejected,
                    "fields": verdict.fields,
                    "errors": verdict.errors(),
                },
                "layer2": steps.as_ref().map(|s| s.iter().map(step_json).collect::<Vec<_>>()),
            });
            outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
        Format::Text => {
            let p = Palette::new(color_stdout());
            out!("{}", layer1_text(&req, &auth, &verdict, p));
            match (&steps, &args.resolvers) {
                (Some(s), _) => out!(
                    "{}",
                    layer2_text(&format!("{parent}.{}", field.name), s, project.as_ref(), p)
                ),
                (None, Some(_)) => outln!(
                    "\n{}layer 2:{} not reached: AppSync's check stops {} before its resolver",
                    p.bold,
                    p.reset,
                    field.key()
                ),
                (None, None) => {}
            }
        }
    }
    if nothing_ran {
        errln!(
            "error: no request template runs for {parent}.{} in {}",
            field.name,
            args.resolvers.as_deref().map(show_path).unwrap_or_default()
        );
    }
    if verdict.passes() && !resolver_denied && !nothing_ran {
        EXIT_OK
    } else {
        EXIT_FAILED
    }
}
