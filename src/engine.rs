//! The engine: settings (clock, id seed, auth mode, limits) that parse a
//! template once and render it many times. The modules above it add their
//! answers as methods: [`Engine::explain`] (`explain`), [`Engine::check`]
//! (`lint`), [`Engine::run_pipeline`] (`pipeline`), [`Engine::run_cases`]
//! (`harness`).
//!
//! ```
//! use appsync_vtl::{Engine, RequestContext};
//! let engine = Engine::new();
//! let template = engine.parse("hello.vtl", r#"#set($n = $ctx.args.name)Hello, $n!"#).unwrap();
//! let ctx = RequestContext::new().with_arguments(serde_json::json!({"name": "Ann"}));
//! let outcome = engine.render(&template, &ctx).unwrap();
//! assert_eq!(outcome.output, "Hello, Ann!");
//! ```

use std::rc::Rc;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::context::{RequestContext, SharedContext};
use crate::error::Error;
use crate::eval::{over_budget, Ending, Evaluator, Event, Limits, NoTrace, Tracer};
use crate::outcome::{AuthType, Outcome};
use crate::parse::{self, Template};
use crate::source::{Source, Span};
use crate::util::{Rng, RunState};
use crate::value::{budget, to_json_string_within, Value};

/// Holds the settings every render uses.
#[derive(Debug, Clone)]
pub struct Engine {
    now_ms: Option<i64>,
    seed: u64,
    limits: Limits,
    auth_type: Option<AuthType>,
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new()
    }
}

impl Engine {
    /// An engine with a fixed clock (2024-01-01T00:00:00Z), seed 0 and AppSync's limits,
    /// so that renders are reproducible.
    pub fn new() -> Engine {
        Engine {
            now_ms: Some(1_704_067_200_000),
            seed: 0,
            limits: Limits::default(),
            auth_type: None,
        }
    }

    /// Sets the clock to a fixed time in epoch milliseconds.
    pub fn with_now_millis(mut self, now_ms: i64) -> Engine {
        self.now_ms = Some(now_ms);
        self
    }

    /// Sets the clock from an RFC 3339 time such as `2024-01-15T10:30:45.123Z`.
    pub fn with_now(self, rfc3339: &str) -> Result<Engine, String> {
        Ok(self.with_now_millis(parse_time_millis(rfc3339)?))
    }

    /// Uses the system clock.
    pub fn with_system_clock(mut self) -> Engine {
        self.now_ms = None;
        self
    }

    /// Seeds `autoId`, `autoUlid`, `autoKsuid` and `$util.math.random*`.
    pub fn with_seed(mut self, seed: u64) -> Engine {
        self.seed = seed;
        self
    }

    /// Replaces the limits.
    pub fn with_limits(mut self, limits: Limits) -> Engine {
        self.limits = limits;
        self
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Forces the auth mode for every render (otherwise the context decides).
    pub fn with_auth_type(mut self, auth_type: AuthType) -> Engine {
        self.auth_type = Some(auth_type);
        self
    }

    /// The auth mode forced with [`Engine::with_auth_type`], if any.
    pub fn auth_type(&self) -> Option<AuthType> {
        self.auth_type
    }

    /// Parses a template; `name` is used in error reports.
    pub fn parse(&self, name: &str, text: &str) -> Result<Template, Error> {
        self.parse_all(name, text)
            .map_err(|mut errors| errors.swap_remove(0))
    }

    /// Parses a template, returning every error found (for reports and `vtl check`).
    /// A template longer than [`Limits::template_bytes`] is refused before parsing.
    pub fn parse_all(&self, name: &str, text: &str) -> Result<Template, Vec<Error>> {
        if text.len() > self.limits.template_bytes {
            return Err(vec![self.template_too_large(
                name,
                text,
                Some(text.len() as u64),
            )]);
        }
        parse::parse_text(name, text)
    }

    /// The error for a template longer than [`Limits::template_bytes`]: at the
    /// first byte past the limit in `text` (the template, or only its start,
    /// as [`crate::input::read_template`] reads it), saying the template's
    /// `size` when it is known.
    pub fn template_too_large(&self, name: &str, text: &str, size: Option<u64>) -> Error {
        let max = self.limits.template_bytes;
        let size = match size {
            Some(n) => format!("is {n} bytes, more than {max}"),
            None => format!("goes on past {max} bytes"),
        };
        Error::limit(format!(
            "the template {size} (AppSync's limit is 64 KB; raise it with --max-template-bytes)"
        ))
        .at(Span::new(max, max + 1))
        .in_source(&Arc::new(Source::new(name, text)))
    }

    /// Renders a parsed template.
    pub fn render(&self, template: &Template, ctx: &RequestContext) -> Result<Outcome, Error> {
        self.render_shared(template, &ctx.share())
    }

    /// Renders and records every evaluation event (for `explain` and `trace`).
    /// The events are kept when the render fails.
    pub fn render_traced(
        &self,
        template: &Template,
        ctx: &RequestContext,
    ) -> (Result<Outcome, Error>, Vec<Event>) {
        let traced = self.trace(template, ctx);
        (traced.result, traced.events)
    }

    /// Renders, recording every event and the variables as they were at the end.
    pub fn trace(&self, template: &Template, ctx: &RequestContext) -> Traced {
        self.trace_shared(template, &ctx.share())
    }

    /// [`Engine::trace`] against a `$ctx` that other renders share (a pipeline's steps).
    pub fn trace_shared(&self, template: &Template, ctx: &SharedContext) -> Traced {
        let (result, events, variables) = self.render_with(template, ctx, Vec::new());
        Traced {
            result,
            events,
            variables,
        }
    }

    /// Renders against a `$ctx` that other renders share (see [`SharedContext`]).
    pub fn render_shared(
        &self,
        template: &Template,
        ctx: &SharedContext,
    ) -> Result<Outcome, Error> {
        self.render_with(template, ctx, NoTrace).0
    }

    /// [`Engine::render_shared`], recording every evaluation event (kept when the render fails).
    pub fn render_shared_traced(
        &self,
        template: &Template,
        ctx: &SharedContext,
    ) -> (Result<Outcome, Error>, Vec<Event>) {
        let (result, events, _) = self.render_with(template, ctx, Vec::new());
        (result, events)
    }

    /// Parses and renders in one step.
    pub fn render_str(&self, text: &str, ctx: &RequestContext) -> Result<Outcome, Error> {
        let template = self.parse("template", text)?;
        self.render(&template, ctx)
    }

    /// The clock in force, in milliseconds since the epoch (the system clock
    /// unless fixed).
    pub fn now_millis(&self) -> i64 {
        self.now_ms
            .unwrap_or_else(|| chrono::Utc::now().timestamp_millis())
    }

    /// A render, then the cycles renders left behind freed (this one's
    /// variables are gone by then; see [`crate::value::collect_cycles`]).
    fn render_with<T: Tracer>(
        &self,
        template: &Template,
        ctx: &SharedContext,
        tracer: T,
    ) -> (Result<Outcome, Error>, T, FxHashMap<Rc<str>, Value>) {
        let rendered = self.render_in(template, ctx, tracer);
        crate::value::cycles_after_render();
        rendered
    }

    fn render_in<T: Tracer>(
        &self,
        template: &Template,
        ctx: &SharedContext,
        tracer: T,
    ) -> (Result<Outcome, Error>, T, FxHashMap<Rc<str>, Value>) {
        let deadline = self
            .limits
            .time
            .and_then(|t| std::time::Instant::now().checked_add(t));
        // Every walk over values until the outcome is checked pays this meter.
        let _meter = budget::Meter::install(self.limits.work, deadline);
        let stash = ctx.stash.clone();
        let vars = Evaluator::<T>::globals(template, &ctx.value);
        let state = RunState {
            now_ms: self.now_millis(),
            rng: Rng::seeded(self.seed),
            auth_type: self.auth_type.unwrap_or(ctx.auth_type),
            field_name: ctx.field_name.clone(),
            parent_type_name: ctx.parent_type_name.clone(),
            ..RunState::default()
        };
        let mut evaluator =
            Evaluator::new(template, vars, state, self.limits.clone(), tracer, deadline);
        let ending = evaluator.run();
        evaluator.release_literals();
        let state = std::mem::take(&mut evaluator.state);
        let vars = if T::ENABLED {
            evaluator.variables()
        } else {
            FxHashMap::default()
        };
        let (returned, raised) = match ending {
            Ok(Ending::Complete) => (None, None),
            Ok(Ending::Returned(v)) => (Some(v), None),
            Ok(Ending::Raised(e)) => (None, Some(e)),
            Err(e) => return (Err(e), evaluator.tracer, vars),
        };
        let output = if raised.is_some() {
            String::new()
        } else {
            std::mem::take(&mut evaluator.out)
        };
        let outcome = Outcome {
            output,
            returned,
            raised,
            errors: state.errors,
            stash,
            stash_json: String::new(),
            logs: state.logs,
            extensions: state.extensions,
            response_headers: state.response_headers,
        };
        let result = self.bounded(outcome, template);
        (result, evaluator.tracer, vars)
    }

    /// The outcome, if every part of it fits the output limit: the `#return`
    /// value, the stash, the raised error's data, the appended errors and the
    /// response headers are
    /// printed as the response prints them, within the work budget, and any
    /// part over [`Limits::output_bytes`] is an engine error, never a value cut short.
    fn bounded(&self, mut outcome: Outcome, template: &Template) -> Result<Outcome, Error> {
        let max = self.limits.output_bytes;
        let over = |what: &str| {
            Error::limit(format!(
                "{what} is larger than {max} bytes (AppSync's limit is 5 MB; raise it with \
                 --max-output-bytes)"
            ))
        };
        let fits = |v: &Value| matches!(v, Value::Null) || json_len(v, max).is_some();
        if let Some(v) = &outcome.returned {
            if !fits(v) {
                return Err(self.located(over("the #return value"), template));
            }
        }
        match to_json_string_within(&outcome.stash, max) {
            Some(text) => outcome.stash_json = text,
            None => return Err(self.located(over("the stash"), template)),
        }
        // The errors' data and the headers share one allowance each.
        let within = |values: &mut dyn Iterator<Item = &Value>| {
            let mut left = max;
            values
                .filter(|v| !v.is_null())
                .all(|v| json_len(v, left).map(|n| left -= n).is_some())
        };
        let errors = outcome.raised.iter().chain(&outcome.errors);
        if !within(&mut errors.flat_map(|e| [&e.data, &e.error_info])) {
            return Err(self.located(over("the errors' data"), template));
        }
        if !within(&mut outcome.response_headers.iter().map(|(_, v)| v)) {
            return Err(self.located(over("the response headers"), template));
        }
        if let Some(trip) = budget::tripped() {
            return Err(self.located(over_budget(trip, &self.limits), template));
        }
        Ok(outcome)
    }

    /// An error about the outcome as a whole: named with the template, at no position.
    fn located(&self, error: Error, template: &Template) -> Error {
        error.in_source(&template.source)
    }
}

/// The length of `v`'s JSON text, `None` past `max` bytes (or when the work
/// budget runs out while it is printed).
fn json_len(v: &Value, max: usize) -> Option<usize> {
    let text = to_json_string_within(v, max)?;
    budget::tripped().is_none().then_some(text.len())
}

/// A render with its events: what [`Engine::trace`] returns.
#[derive(Debug)]
pub struct Traced {
    /// The outcome, or the engine error that ended the render.
    pub result: Result<Outcome, Error>,
    /// Every event, in order (also those before an engine error).
    pub events: Vec<Event>,
    /// The template's variables when the render ended (`$ctx` among them), as
    /// [`Value::snapshot`]s.
    pub variables: FxHashMap<Rc<str>, Value>,
}

/// Parses an RFC 3339 time such as `2024-01-15T10:30:45.123Z` into milliseconds
/// since the epoch.
pub fn parse_time_millis(rfc3339: &str) -> Result<i64, String> {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.timestamp_millis())
        .map_err(|e| format!("`{rfc3339}` is not an RFC 3339 time: {e}"))
}
