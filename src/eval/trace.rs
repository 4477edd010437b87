//! Evaluation events for `vtl explain` and `vtl trace`.
//!
//! The evaluator is generic over a [`Tracer`]; with [`NoTrace`]
//! (`ENABLED = false`) every hook is removed at compile time.

use crate::outcome::AppSyncError;
use crate::source::Span;
use crate::value::Value;

/// Receives evaluation events.
pub trait Tracer {
    /// Whether events are produced at all.
    const ENABLED: bool = true;
    /// Called for each event, in evaluation order.
    fn event(&mut self, event: Event);
}

/// The tracer that records nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoTrace;

impl Tracer for NoTrace {
    const ENABLED: bool = false;
    fn event(&mut self, _event: Event) {}
}

/// Collects every event.
impl Tracer for Vec<Event> {
    fn event(&mut self, event: Event) {
        self.push(event);
    }
}

/// A value seen while a condition was evaluated.
#[derive(Debug, Clone)]
pub struct Operand {
    /// Where it is written.
    pub span: Span,
    /// The text of the reference or call.
    pub text: String,
    /// Its value.
    pub value: Value,
}

/// One thing the evaluator did.
#[derive(Debug, Clone)]
pub enum Event {
    /// `#set`; `applied` is false when the value was null and nothing changed.
    Set {
        /// The directive.
        span: Span,
        /// The target as written, e.g. `$isAuthorized`.
        target: String,
        /// The new value.
        value: Value,
        /// Whether the assignment happened.
        applied: bool,
    },
    /// An `#if` or `#elseif` condition.
    Condition {
        /// The directive head.
        span: Span,
        /// The condition as written.
        condition: String,
        /// `#elseif` rather than `#if`.
        elseif: bool,
        /// Whether the branch was taken.
        holds: bool,
        /// The values of the references and calls in the condition.
        operands: Vec<Operand>,
    },
    /// An `#else` branch taken.
    Else {
        /// The `#else`.
        span: Span,
    },
    /// A `#foreach` begins.
    LoopStart {
        /// The directive head.
        span: Span,
        /// The loop variable.
        var: String,
        /// The iterable as written.
        iterable: String,
        /// How many items it has.
        items: usize,
    },
    /// One pass of a loop.
    LoopPass {
        /// The directive head.
        span: Span,
        /// The loop variable.
        var: String,
        /// 0-based pass number.
        index: usize,
        /// Number of items.
        count: usize,
        /// The loop variable's value.
        value: Value,
    },
    /// A `#foreach` ends.
    LoopEnd {
        /// The directive head.
        span: Span,
    },
    /// `#break`
    Break {
        /// The directive.
        span: Span,
    },
    /// `#stop`
    Stop {
        /// The directive.
        span: Span,
    },
    /// `#return`
    Return {
        /// The directive.
        span: Span,
        /// The returned value.
        value: Value,
    },
    /// A `$util` call.
    UtilCall {
        /// The call.
        span: Span,
        /// e.g. `$util.defaultIfNull`.
        path: String,
        /// Argument values.
        args: Vec<Value>,
        /// What it returned.
        result: Value,
    },
    /// `$util.error`, `$util.unauthorized` or a failed `$util.validate`.
    Raise {
        /// The call.
        span: Span,
        /// The error raised.
        error: AppSyncError,
    },
}

impl Event {
    /// Where the event happened.
    pub fn span(&self) -> Span {
        match self {
            Event::Set { span, .. }
            | Event::Condition { span, .. }
            | Event::Else { span }
            | Event::LoopStart { span, .. }
            | Event::LoopPass { span, .. }
            | Event::LoopEnd { span }
            | Event::Break { span }
            | Event::Stop { span }
            | Event::Return { span, .. }
            | Event::UtilCall { span, .. }
            | Event::Raise { span, .. } => *span,
        }
    }
}
