//! The evaluator: walks the syntax tree over [`Value`]s and writes the output into
//! one buffer.
//!
//! Control flow that is not an engine error (`#stop`, `#break`, `#return`,
//! `$util.error`) travels as an `Interrupt`, so `?` unwinds it to the directive
//! that handles it. A [`Tracer`] observes every decision; the default
//! [`NoTrace`] compiles the hooks away.

mod directive;
mod expr;
mod limits;
mod literals;
mod methods;
mod objects;
mod ops;
mod reference;
pub mod trace;

use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant;

use rustc_hash::FxHashMap;

use crate::error::Error;
use crate::outcome::AppSyncError;
use crate::parse::ast::*;
use crate::source::Span;
use crate::util::{self, RunState};
use crate::value::budget::{self, Trip};
use crate::value::Value;
use limits::{seconds, RED_ZONE, STACK_CHECK_INTERVAL, STACK_SEGMENT};
pub use limits::{Limits, APPSYNC_TEMPLATE_BYTES};
use literals::LiteralPool;
pub use objects::{DefinedBlock, LoopInfo};
use reference::global;
pub use trace::{Event, NoTrace, Operand, Tracer};

/// The error for a render past its work budget ([`Limits::work`]) or its
/// deadline ([`Limits::time`]).
#[cold]
pub(crate) fn over_budget(trip: Trip, limits: &Limits) -> Error {
    match trip {
        Trip::Work => Error::limit(format!(
            "the render did more than {} units of work (walking values: printing, copying, \
             comparing, converting; raise it with --max-work)",
            limits.work
        )),
        Trip::Time => Error::limit(format!(
            "the render took longer than {} (raise it with --timeout)",
            limits.time.map_or_else(|| "its time limit".into(), seconds)
        )),
    }
}

/// Why evaluation left the normal flow.
pub(crate) enum Interrupt {
    /// `#stop`: keep the output so far.
    Stop,
    /// `#break`, with the loop it targets (`None`: the innermost).
    Break(Option<usize>),
    /// `#return(value)`.
    Return(Value),
    /// `$util.error`, `$util.unauthorized`, `$util.validate` (boxed: every
    /// evaluation step returns an [`Exec`], which stays small this way).
    Raise(Box<AppSyncError>),
    /// An engine error.
    Error(Error),
}

impl From<Error> for Interrupt {
    fn from(e: Error) -> Interrupt {
        Interrupt::Error(e)
    }
}

pub(crate) type Exec<T> = Result<T, Interrupt>;

/// How a render ended.
pub(crate) enum Ending {
    /// Ran to the end (or `#stop`).
    Complete,
    /// `#return(value)`.
    Returned(Value),
    /// `$util.error` and friends.
    Raised(AppSyncError),
}

/// A macro argument, passed by name: re-evaluated at each use in the caller's
/// frame (a `#set` of the parameter unbinds it, see `Evaluator::set`).
#[derive(Clone, Copy)]
enum Arg<'t> {
    Expr(&'t Expr, usize),
}

struct MacroFrame<'t> {
    params: FxHashMap<&'t str, Arg<'t>>,
    /// Each argument as written, by parameter: what `$param` prints while it is
    /// null (Velocity 1.7's `.literal.$param`: `#m($undef)` prints `$undef`).
    literals: Vec<(&'t str, Span)>,
    /// The body of a block call `#@name()` ... `#end` (`$bodyContent`).
    body: Option<&'t Arc<Block>>,
    /// How many times the body is being rendered inside itself.
    body_depth: usize,
}

/// Walks one template once.
pub(crate) struct Evaluator<'t, T: Tracer> {
    template: &'t Template,
    pub(crate) out: String,
    /// Variables by [`Slot`] (`None`: never set).
    pub(crate) vars: Vec<Option<Value>>,
    frames: Vec<MacroFrame<'t>>,
    /// The frame references resolve in (below the top while evaluating an argument).
    frame: usize,
    loops: Vec<Rc<LoopInfo>>,
    next_loop_id: usize,
    pub(crate) state: RunState,
    limits: Limits,
    iterations: usize,
    /// When the render must have finished ([`Limits::time`]).
    deadline: Option<Instant>,
    /// `#define` blocks being rendered inside each other.
    block_depth: usize,
    /// Blocks and expressions being evaluated inside each other (see [`Evaluator::deeper`]).
    depth: u32,
    /// Bytes of logs, appended errors and extension calls so far.
    recorded: usize,
    pub(crate) tracer: T,
    /// Operands recorded while a condition is evaluated (tracing only).
    capture: Option<Vec<Operand>>,
    /// String literals already made into values (see [`LiteralPool`]).
    literals: LiteralPool,
    /// Emptied string buffers, kept for the next interpolated string or `+`.
    spare: Vec<String>,
    /// Arguments of the calls being evaluated (one buffer instead of a `Vec` per call).
    args: Vec<Value>,
    /// How long `out` may grow: the output limit, or the string limit while an
    /// interpolated string is built in it.
    out_limit: usize,
    /// Whether `out` is an interpolated string being built.
    building_string: bool,
    /// Whether the logs already say that a `$bodyContent` or `#define` block was
    /// printed as written for rendering inside itself too deep (said once).
    body_depth_logged: bool,
}

impl<'t, T: Tracer> Evaluator<'t, T> {
    pub(crate) fn new(
        template: &'t Template,
        vars: Vec<Option<Value>>,
        state: RunState,
        limits: Limits,
        tracer: T,
        deadline: Option<Instant>,
    ) -> Self {
        let output_bytes = limits.output_bytes;
        Evaluator {
            template,
            // Most outputs are short; a first allocation under 1 KB also stays
            // in the allocator's small-request path.
            out: String::with_capacity(template.source.text().len().min(512)),
            vars,
            frames: Vec::new(),
            frame: 0,
            loops: Vec::new(),
            next_loop_id: 0,
            state,
            deadline,
            limits,
            iterations: 0,
            block_depth: 0,
            depth: 0,
            recorded: 0,
            tracer,
            capture: None,
            literals: LiteralPool::take(template.string_literals),
            spare: Vec::new(),
            args: Vec::with_capacity(8),
            out_limit: output_bytes,
            building_string: false,
            body_depth_logged: false,
        }
    }

    /// The variables a render starts with: `$ctx`/`$context` and the `$util`
    /// namespaces, in the slots of the template's names (names it does not use
    /// are not set).
    pub(crate) fn globals(template: &Template, ctx: &Value) -> Vec<Option<Value>> {
        template
            .names
            .iter()
            .map(|name| global(name, ctx))
            .collect()
    }

    /// The variables set when the render ended, by name (the `$util` namespaces
    /// left out).
    pub(crate) fn variables(&self) -> FxHashMap<Rc<str>, Value> {
        self.template
            .names
            .iter()
            .zip(&self.vars)
            .filter_map(|(name, value)| match value {
                Some(Value::Static(ns))
                    if util::root_namespace(name)
                        .is_some_and(|root| std::ptr::addr_eq(root, *ns)) =>
                {
                    None
                }
                Some(v) => Some((Rc::from(&**name), v.snapshot())),
                None => None,
            })
            .collect()
    }

    /// Renders the whole template.
    pub(crate) fn run(&mut self) -> Result<Ending, Error> {
        let body = &self.template.body;
        // The first look at the stack; [`Evaluator::deeper`] looks again every few levels.
        match stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.block(body)) {
            Ok(()) | Err(Interrupt::Stop) | Err(Interrupt::Break(_)) => Ok(Ending::Complete),
            Err(Interrupt::Return(v)) => Ok(Ending::Returned(v)),
            Err(Interrupt::Raise(e)) => Ok(Ending::Raised(*e)),
            Err(Interrupt::Error(e)) => Err(e.at(Span::default()).in_source(&self.template.source)),
        }
    }

    fn src(&self, span: Span) -> &'t str {
        self.template.source.slice(span)
    }

    /// Fails once the render has run past [`Limits::time`].
    fn check_time(&self, span: Span) -> Exec<()> {
        match self.deadline {
            Some(deadline) if Instant::now() > deadline => {
                Err(over_budget(Trip::Time, &self.limits).at(span).into())
            }
            _ => Ok(()),
        }
    }

    /// Fails once a walk over values has tripped the work meter (its budget or
    /// the deadline, [`crate::value::budget`]).
    #[inline]
    fn check_budget(&self, span: Span) -> Exec<()> {
        match budget::tripped() {
            None => Ok(()),
            Some(trip) => Err(over_budget(trip, &self.limits).at(span).into()),
        }
    }

    /// Adds what a `$util` call logged, appended or recorded to the bytes kept
    /// beside the output, which may not outgrow [`Limits::output_bytes`].
    #[cold]
    fn count_recorded(&mut self, before: (usize, usize, usize), span: Span) -> Exec<()> {
        let state = &self.state;
        let logs: usize = state.logs[before.0..].iter().map(String::len).sum();
        let errors: usize = state.errors[before.1..]
            .iter()
            .map(|e| e.message.len() + 64)
            .sum();
        let extensions: usize = state.extensions[before.2..]
            .iter()
            .flat_map(|x| x.args.iter())
            .map(|a| a.to_string().len())
            .sum();
        self.recorded += logs + errors + extensions;
        if self.recorded > self.limits.output_bytes {
            return Err(Error::limit(format!(
                "logs, appended errors and extension calls are larger than {} bytes \
                 (raise it with --max-output-bytes)",
                self.limits.output_bytes
            ))
            .at(span)
            .into());
        }
        Ok(())
    }

    /// Fails when a method built a string past [`Limits::string_bytes`] or grew
    /// its list or map past [`Limits::collection_size`].
    fn check_growth(&self, recv: &Value, result: &Value, span: Span) -> Exec<()> {
        if let Value::Str(s) = result {
            if s.len() > self.limits.string_bytes {
                return Err(self.string_too_long(span));
            }
        }
        let grown = match recv {
            Value::List(l) => l.borrow().len(),
            Value::Map(m) => m.borrow().len(),
            _ => 0,
        };
        if grown > self.limits.collection_size {
            return Err(Error::limit(format!(
                "a list or map grew past {} elements (raise it with --max-collection-size)",
                self.limits.collection_size
            ))
            .at(span)
            .into());
        }
        Ok(())
    }

    /// Records an engine warning, unless the logs are already full.
    fn warn(&mut self, line: String) {
        if self.recorded + line.len() <= self.limits.output_bytes {
            self.recorded += line.len();
            self.state.logs.push(line);
        }
    }

    /// The error for a string longer than [`Limits::string_bytes`].
    fn string_too_long(&self, span: Span) -> Interrupt {
        Error::limit(format!(
            "a string grew past {} bytes (raise it with --max-string-bytes)",
            self.limits.string_bytes
        ))
        .at(span)
        .into()
    }

    #[inline]
    fn write(&mut self, s: &str) -> Exec<()> {
        self.out.push_str(s);
        if self.out.len() > self.out_limit {
            return Err(self.out_too_long());
        }
        Ok(())
    }

    /// The error for a buffer past its limit: the output's, or, while an
    /// interpolated string is built, the string's.
    #[cold]
    fn out_too_long(&self) -> Interrupt {
        if self.building_string {
            return Error::limit(format!(
                "a string grew past {} bytes (raise it with --max-string-bytes)",
                self.limits.string_bytes
            ))
            .into();
        }
        Error::limit(format!(
            "the output is larger than {} bytes (AppSync's limit is 5 MB; raise it with \
             --max-output-bytes)",
            self.limits.output_bytes
        ))
        .into()
    }

    /// Runs `f` one level deeper. Blocks, expressions and macro calls recurse:
    /// the stack grows on the heap when it runs low, so that depth is bounded by
    /// the limits, not the stack.
    #[inline(always)]
    fn deeper<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        self.depth += 1;
        let result = if self.depth.is_multiple_of(STACK_CHECK_INTERVAL) {
            stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || f(self))
        } else {
            f(self)
        };
        self.depth -= 1;
        result
    }
}
