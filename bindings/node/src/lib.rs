//! The Node binding of `appsync_vtl`: converts JavaScript arguments into the
//! library's request, calls the library, and converts the result back into the
//! shapes a TypeScript user expects (EvaluateMappingTemplate's response, the
//! explain answer, `vtl check`'s diagnostics, `vtl test`'s summary). Behaviour
//! lives in the library; a panic becomes a JavaScript error, never an abort.
//!
//! The JavaScript layer (`ts/`) adds the SDK-shaped client, the error classes
//! and the Jest/Vitest matchers over these functions.

#![deny(missing_docs)]

mod convert;
mod text;

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

use appsync_vtl::harness::snapshot::{self, Snapshot, Verdict};
use appsync_vtl::harness::RunOptions;
use appsync_vtl::outcome::AuthType;
use appsync_vtl::{api, Engine, RenderOptions, RequestContext, RequestError, Template};
use napi::bindgen_prelude::Either;
use napi::{Error, Result, Status};
use napi_derive::napi;
use rustc_hash::FxHashMap;
pub use text::Text;

/// The addon's own allocations (the context's values, the render's strings,
/// lists and maps) go through mimalloc: a call makes thousands of small
/// allocations, and mimalloc's are several times cheaper than the system
/// allocator's. (Its thread-local state is reached the dynamic way, as a
/// library loaded at run time must.)
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub use convert::{
    Assignment, CaseResult, Diagnostic, ErrorDetail, EvaluateResponse, Explanation, GuardState,
    LoopSummary, Note, OperandValue, OutcomeSummary, Position, RunSummary, Skipped, Watch,
};

/// What a render needs besides the template and the context.
#[napi(object)]
#[derive(Default)]
pub struct EvaluateOptions {
    /// The auth mode behind `$util.authType()`: `API_KEY`,
    /// `AMAZON_COGNITO_USER_POOLS`, `AWS_IAM`, `OPENID_CONNECT` or `AWS_LAMBDA`
    /// (default: the context's `authType`, else inferred from the identity).
    pub auth_type: Option<String>,
    /// A built-in caller whose identity replaces the context's: `api-key`,
    /// `cognito-user`, `cognito-other`, `cognito-admin`, `cognito-nogroup`,
    /// `iam-auth`, `iam-unauth`, `oidc`, `lambda`.
    pub caller: Option<String>,
    /// A Cognito or OIDC token: sets the identity and the auth mode as AppSync
    /// would (not verified).
    pub jwt: Option<String>,
    /// A fixed clock, RFC 3339 (`2024-01-15T10:30:45.123Z`); default: the system clock.
    pub now: Option<String>,
    /// Seed for `autoId`, `autoUlid`, `autoKsuid` and `$util.math.random*` (default 0).
    pub seed: Option<u32>,
    /// The template's name in error messages (default `template.vtl`).
    pub name: Option<String>,
}

/// The error code of a request the service would refuse (as the SDK's
/// `BadRequestException`).
const BAD_REQUEST: &str = "BadRequestException";

fn bad_request(message: impl Into<String>) -> Error<String> {
    Error::new(BAD_REQUEST.to_string(), message.into())
}

fn request_error(e: RequestError) -> Error<String> {
    bad_request(e.to_string())
}

impl EvaluateOptions {
    fn render_options(&self) -> std::result::Result<RenderOptions, Error<String>> {
        let auth_type = match &self.auth_type {
            Some(name) => Some(AuthType::parse(name).ok_or_else(|| {
                bad_request(format!(
                    "unknown authType `{name}`: expected API_KEY, AMAZON_COGNITO_USER_POOLS, \
                     AWS_IAM, OPENID_CONNECT or AWS_LAMBDA"
                ))
            })?),
            None => None,
        };
        Ok(RenderOptions {
            auth_type,
            now: self.now.clone(),
            seed: self.seed.map_or(0, u64::from),
            caller: self.caller.clone(),
            jwt: self.jwt.clone(),
            ..RenderOptions::default()
        })
    }

    /// The engine these options describe, and the context (JSON text) with
    /// the identity they name: a request but for its template, which the
    /// binding keeps parsed between calls.
    fn prepare(
        &self,
        context: &str,
    ) -> std::result::Result<(Engine, RequestContext), Error<String>> {
        let options = self.render_options()?;
        let engine = options.engine().map_err(request_error)?;
        let context = RequestContext::from_json_str(context)
            .map_err(|e| request_error(RequestError::Context(e)))?;
        let (context, _warnings) = options.apply(context).map_err(request_error)?;
        Ok((engine, context))
    }

    /// The template's name in error messages.
    fn name(&self) -> &str {
        self.name.as_deref().unwrap_or(DEFAULT_NAME)
    }
}

/// A template's name in error messages when the caller gives none.
const DEFAULT_NAME: &str = "template.vtl";

/// A template as parsed (or why it could not be), shared between calls.
type Parsed = Rc<std::result::Result<Template, appsync_vtl::Error>>;

/// What EvaluateMappingTemplate answers for a template and a prepared request.
fn respond(parsed: &Parsed, (engine, context): (Engine, RequestContext)) -> EvaluateResponse {
    let result = match &**parsed {
        // The context is this call's own: it becomes `$ctx` without a copy.
        Ok(t) => engine.render_shared(t, &context.into_shared()),
        Err(e) => Err(e.clone()),
    };
    let response = api::EvaluateResponse::new(&result);
    convert::evaluate_response(response, result.as_ref().err())
}

/// An [`EvaluateResponse`]'s fields as the TypeScript layer takes them.
///
/// Without logs or an error, one string, `<stash length>:<outErrors
/// length>:<stash><outErrors><evaluationResult>` (lengths in UTF-16 units, as
/// JavaScript slices strings): one string to make, where an array costs an
/// element set per field, each a property store in V8. Otherwise the fields as
/// an array: `logs`, `stash`, `outErrors`, `evaluationResult` and `error`
/// (`null` when absent).
type ResponseParts = Either<
    String,
    (
        Vec<String>,
        String,
        String,
        Option<String>,
        Option<ErrorDetail>,
    ),
>;

/// A string's length in UTF-16 units.
fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().map(char::len_utf16).sum()
    }
}

/// Appends `n` in decimal (without `fmt`'s machinery: this runs on every call).
fn push_decimal(out: &mut String, n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

fn response_parts(r: EvaluateResponse) -> ResponseParts {
    match r {
        EvaluateResponse {
            evaluation_result: Some(result),
            error: None,
            logs,
            stash,
            out_errors,
        } if logs.is_empty() => {
            let mut packed =
                String::with_capacity(24 + stash.len() + out_errors.len() + result.len());
            push_decimal(&mut packed, utf16_len(&stash));
            packed.push(':');
            push_decimal(&mut packed, utf16_len(&out_errors));
            packed.push(':');
            packed.push_str(&stash);
            packed.push_str(&out_errors);
            packed.push_str(&result);
            Either::A(packed)
        }
        r => Either::B((r.logs, r.stash, r.out_errors, r.evaluation_result, r.error)),
    }
}

/// Templates prepared for the TypeScript layer, by the number
/// [`prepare_template`] gave each (a number crosses N-API cheaper than a
/// wrapped object, which is unwrapped and borrow-tracked on every call).
#[derive(Default)]
struct Prepared {
    /// The number the next template gets: numbers are never given twice, so a
    /// number kept after its template was let go finds nothing, never another.
    next: u32,
    kept: FxHashMap<u32, Parsed>,
}

/// Templates kept prepared on a thread, at most this many. Each copy of the
/// TypeScript layer keeps its own numbers (a test runner loads the layer again
/// for each test file, the addon once), so the addon bounds its own table and
/// lets all go when it is full; a layer whose number finds nothing prepares
/// the template again.
const KEPT_PREPARED: usize = 256;

/// The error code of a number that names no kept template.
const UNKNOWN_TEMPLATE: &str = "UnknownTemplate";

thread_local! {
    static PREPARED: RefCell<Prepared> = RefCell::new(Prepared::default());
}

/// Parses a template for [`evaluate_prepared`] and answers the number it is
/// kept under on this thread. A template that does not parse is kept too:
/// each evaluation reports its error.
#[napi(catch_unwind)]
pub fn prepare_template(
    #[napi(ts_arg_type = "string")] template: Text,
    name: Option<String>,
) -> u32 {
    let name = name.as_deref().unwrap_or(DEFAULT_NAME);
    let parsed = Rc::new(Engine::new().parse(name, &template.0));
    PREPARED.with(|p| {
        let mut p = p.borrow_mut();
        if p.kept.len() >= KEPT_PREPARED {
            p.kept.clear();
        }
        let number = p.next;
        p.next = p.next.wrapping_add(1);
        p.kept.insert(number, parsed);
        number
    })
}

/// Evaluates a template against a context (JSON text) and returns what
/// EvaluateMappingTemplate returns, in the fewest crossings: the template's
/// number from [`prepare_template`] (its name given there), the options as
/// arguments, in the order of [`EvaluateOptions`]' fields (no
/// options object to read six properties off, each a key string made and
/// looked up), and the response as [`ResponseParts`] (no named properties to
/// set; the layer makes the object). A template that does not parse or
/// evaluate, `$util.error` and `$util.unauthorized()` are in the response's
/// `error` (with the line, column and a snippet where known); a context that
/// is not JSON or an unknown option throws a `BadRequestException`.
#[napi(
    catch_unwind,
    ts_return_type = "string | [Array<string>, string, string, string | null, ErrorDetail | null]"
)]
pub fn evaluate_prepared(
    template: u32,
    #[napi(ts_arg_type = "string")] context: Text,
    auth_type: Option<String>,
    caller: Option<String>,
    jwt: Option<String>,
    now: Option<String>,
    seed: Option<u32>,
) -> Result<ResponseParts, String> {
    let options = EvaluateOptions {
        auth_type,
        caller,
        jwt,
        now,
        seed,
        name: None,
    };
    let parsed = PREPARED
        .with(|p| p.borrow().kept.get(&template).cloned())
        .ok_or_else(|| {
            Error::new(
                UNKNOWN_TEMPLATE.to_string(),
                format!("no template is kept as {template}: prepare it again"),
            )
        })?;
    let r = respond(&parsed, options.prepare(&context.0)?);
    Ok(response_parts(r))
}

/// Why the watched variables ended as they did: the explain answer of `vtl
/// explain --watch` as data.
#[napi(catch_unwind)]
pub fn explain(
    template: String,
    context: String,
    watch: Vec<String>,
    options: Option<EvaluateOptions>,
) -> Result<Explanation, String> {
    let options = options.unwrap_or_default();
    let (engine, context) = options.prepare(&context)?;
    let parsed = engine
        .parse_all(options.name(), &template)
        .map_err(|errors| Error::new("TemplateError".to_string(), errors[0].report(false)))?;
    let explanation = engine.explain(&parsed, &context, &watch);
    Ok(convert::explanation(explanation))
}

/// Parse errors and lints, as `vtl check` reports them; `allow` silences
/// warnings by lint name.
#[napi(catch_unwind)]
pub fn check(
    template: String,
    name: Option<String>,
    allow: Option<Vec<String>>,
) -> Vec<Diagnostic> {
    let name = name.as_deref().unwrap_or(DEFAULT_NAME);
    Engine::new()
        .check(name, &template, &allow.unwrap_or_default())
        .into_iter()
        .map(convert::diagnostic)
        .collect()
}

/// How to run case folders.
#[napi(object)]
#[derive(Default)]
pub struct RunCasesOptions {
    /// Accept results as the new snapshots.
    pub accept: Option<bool>,
    /// Run only tests whose `<case>@<test>` name contains this.
    pub filter: Option<String>,
    /// Worker threads (default: one per core).
    pub jobs: Option<u32>,
}

/// Runs the case folders under `paths` as `vtl test` does (templates or
/// pipelines, contexts, snapshots, `expect` assertions).
#[napi(catch_unwind)]
pub fn run_cases(
    paths: Vec<String>,
    options: Option<RunCasesOptions>,
) -> Result<RunSummary, String> {
    let options = options.unwrap_or_default();
    let run = RunOptions {
        accept: options.accept.unwrap_or(false),
        filter: options.filter,
        jobs: options.jobs.map(|j| j as usize),
        ..RunOptions::default()
    };
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    let summary = Engine::new()
        .run_cases(&paths, &run)
        .map_err(|e| bad_request(e.to_string()))?;
    Ok(convert::run_summary(&summary))
}

/// A snapshot checked against its file, as `vtl test` checks them.
#[napi(object)]
pub struct SnapshotCheck {
    /// `matched`, `new`, `changed` or `corrupt`.
    pub verdict: String,
    /// Whether the result was written as the snapshot.
    pub accepted: bool,
    /// The file written (`.snap.new`, or the `.snap` when accepted).
    pub written: Option<String>,
    /// The line diff, old → new, when the snapshot changed.
    pub diff: Option<String>,
    /// Files written or removed, and why a snapshot is corrupt.
    pub notes: Vec<String>,
}

/// Compares `contents` with the snapshot file at `path` (insta's format, as
/// `vtl test` writes them): a difference writes `<path>.new`, `accept` writes
/// the snapshot itself.
#[napi(catch_unwind)]
pub fn check_snapshot(
    path: String,
    expression: String,
    contents: String,
    accept: bool,
) -> Result<SnapshotCheck, String> {
    let snap = Snapshot::new(&expression, "", &contents);
    let mut notes = Vec::new();
    let verdict = snapshot::check(path.as_ref(), &snap, accept, &mut notes)
        .map_err(|e| Error::new(Status::GenericFailure.to_string(), format!("{path}: {e}")))?;
    let shown = |p: &std::path::Path| Some(p.display().to_string());
    Ok(match verdict {
        Verdict::Matched => SnapshotCheck {
            verdict: "matched".into(),
            accepted: false,
            written: None,
            diff: None,
            notes,
        },
        Verdict::New { written, accepted } => SnapshotCheck {
            verdict: "new".into(),
            accepted,
            written: shown(&written),
            diff: None,
            notes,
        },
        Verdict::Changed {
            diff,
            written,
            accepted,
        } => SnapshotCheck {
            verdict: "changed".into(),
            accepted,
            written: shown(&written),
            diff: Some(diff),
            notes,
        },
        Verdict::Corrupt { reason, written } => {
            notes.push(reason);
            SnapshotCheck {
                verdict: "corrupt".into(),
                accepted: false,
                written: shown(&written),
                diff: None,
                notes,
            }
        }
    })
}

/// Panics inside the engine: the tests' proof that a panic becomes a
/// JavaScript error and the process lives on. Not part of the API.
#[napi(catch_unwind, js_name = "__panicForTests")]
pub fn panic_for_tests() {
    panic!("a panic inside the engine (on purpose)");
}

/// The version of the engine.
#[napi]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
